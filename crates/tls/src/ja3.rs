//! JA3 (ClientHello) and JA3S (ServerHello), Salesforce's fingerprints (BSD-3-Clause), as
//! `../shared/spec/tls-quic-fingerprinting.md` §2.3 describes them: decimal values in wire
//! order, GREASE removed, fields joined by `,` and values by `-`, and the MD5 of that
//! string in lower-case hex.

use md5::{Digest, Md5};

use crate::hello::{ClientHello, HelloFormat, ServerHello};
use crate::is_grease;
use crate::text::{Text, hex_into};

/// An MD5 digest in lower-case hex (32 ASCII characters), held inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Md5Hex([u8; 32]);

impl Md5Hex {
    /// The MD5 of `text`.
    pub fn of(text: &str) -> Md5Hex {
        let mut out = [0u8; 32];
        hex_into(&Md5::digest(text.as_bytes()), &mut out);
        Md5Hex(out)
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for Md5Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Md5Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Md5Hex({})", self.as_str())
    }
}

/// Writes the JA3 string of a ClientHello into `out` (replacing its content) and returns
/// its MD5: `legacy_version,ciphers,extensions,supported_groups,ec_point_formats`.
///
/// `None` (and `out` left empty) for an SSLv2-format hello: JA3 is defined on TLS
/// handshake records, and neither Salesforce's `ja3` nor tshark fingerprints SSLv2.
pub fn ja3(hello: &ClientHello<'_>, out: &mut String) -> Option<Md5Hex> {
    out.clear();
    if hello.format() == HelloFormat::Sslv2 {
        return None;
    }
    let mut t = Text::new(out);
    t.dec(hello.legacy_version);
    t.byte(b',');
    t.dec_list(hello.cipher_suites().filter(|&c| !is_grease(c)));
    t.byte(b',');
    t.dec_list(hello.extensions().map(|e| e.typ).filter(|&t| !is_grease(t)));
    t.byte(b',');
    t.dec_list(hello.supported_groups().filter(|&g| !is_grease(g)));
    t.byte(b',');
    t.dec_list(hello.ec_point_formats().iter().map(|&f| u16::from(f)));
    t.finish();
    Some(Md5Hex::of(out))
}

/// Writes the JA3S string of a ServerHello into `out` (replacing its content) and returns
/// its MD5: `legacy_version,cipher_suite,extensions`.
pub fn ja3s(hello: &ServerHello<'_>, out: &mut String) -> Md5Hex {
    out.clear();
    let mut t = Text::new(out);
    t.dec(hello.legacy_version);
    t.byte(b',');
    t.dec(hello.cipher_suite);
    t.byte(b',');
    t.dec_list(hello.extensions().map(|e| e.typ).filter(|&t| !is_grease(t)));
    t.finish();
    Md5Hex::of(out)
}
