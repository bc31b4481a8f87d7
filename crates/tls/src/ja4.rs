//! JA4 (FoxIO's TLS client fingerprint, BSD-3-Clause), in its four forms: `ja4`,
//! `ja4_r`, `ja4_o` and `ja4_ro`, exactly as `../shared/spec/tls-quic-fingerprinting.md`
//! §2.2 describes it.
//!
//! The hashed forms are built on the stack (no allocation unless a hello lists more than
//! 256 cipher suites or extensions); the raw forms are written into a caller's `String`.
//!
//! SSLv2-format hellos are fingerprinted as FoxIO's `ja4.py` over tshark does (the only
//! oracle that fingerprints them): the version field of the CLIENT-HELLO, no cipher suites
//! (tshark exposes none for SSLv2 cipher specs), no extensions, so `t10i000000_…` with
//! both hashes `000000000000`.

use sha2::{Digest, Sha256};

use crate::hello::{ClientHello, ext};
use crate::is_grease;
use crate::text::{Flush, Text, hex_into};

/// The transport that carried a ClientHello: JA4's first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    /// TLS over TCP: `t`.
    Tcp,
    /// QUIC (the hello from the Initial CRYPTO stream): `q`.
    Quic,
    /// DTLS: `d`.
    Dtls,
}

impl Transport {
    /// JA4's prefix letter.
    pub fn prefix(self) -> u8 {
        match self {
            Transport::Tcp => b't',
            Transport::Quic => b'q',
            Transport::Dtls => b'd',
        }
    }
}

/// A hashed JA4 string (`a_b_c`, 36 ASCII characters), held inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ja4([u8; 36]);

impl Ja4 {
    /// The fingerprint text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for Ja4 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Ja4 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ja4({})", self.as_str())
    }
}

/// Both hashed JA4 forms of one ClientHello.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ja4Hashes {
    /// `ja4`: sorted cipher suites; sorted extensions without SNI and ALPN.
    pub ja4: Ja4,
    /// `ja4_o`: cipher suites and extensions (SNI and ALPN included) in wire order.
    pub ja4_o: Ja4,
}

/// Computes `ja4` and `ja4_o` of a ClientHello; `transport` gives the prefix.
pub fn ja4(hello: &ClientHello<'_>, transport: Transport) -> Ja4Hashes {
    let a = part_a(hello, transport);
    let mut sorted_ciphers = Sorted::new();
    sorted_ciphers.fill(ciphers(hello));
    let mut sorted_exts = Sorted::new();
    sorted_exts.fill(extension_types(hello).filter(|&t| !is_sni_or_alpn(t)));

    let b = hash12(
        |h| h.hex_list(sorted_ciphers.as_slice().iter().copied()),
        sorted_ciphers.len(),
    );
    let c = hash12(
        |h| write_ext_part(h, hello, sorted_exts.as_slice().iter().copied()),
        sorted_exts.len(),
    );
    let n_wire = extension_types(hello).count();
    let b_o = hash12(|h| h.hex_list(ciphers(hello)), sorted_ciphers.len());
    let c_o = hash12(|h| write_ext_part(h, hello, extension_types(hello)), n_wire);
    Ja4Hashes {
        ja4: assemble(&a, &b, &c),
        ja4_o: assemble(&a, &b_o, &c_o),
    }
}

/// Writes `ja4_r` (sorted, unhashed) into `out`, replacing its content.
pub fn ja4_r(hello: &ClientHello<'_>, transport: Transport, out: &mut String) {
    let mut sorted_ciphers = Sorted::new();
    sorted_ciphers.fill(ciphers(hello));
    let mut sorted_exts = Sorted::new();
    sorted_exts.fill(extension_types(hello).filter(|&t| !is_sni_or_alpn(t)));
    raw(hello, transport, out, |t| {
        t.hex_list(sorted_ciphers.as_slice().iter().copied());
        t.byte(b'_');
        write_ext_part(t, hello, sorted_exts.as_slice().iter().copied());
    });
}

/// Writes `ja4_ro` (wire order, unhashed, SNI and ALPN included) into `out`, replacing
/// its content.
pub fn ja4_ro(hello: &ClientHello<'_>, transport: Transport, out: &mut String) {
    raw(hello, transport, out, |t| {
        t.hex_list(ciphers(hello));
        t.byte(b'_');
        write_ext_part(t, hello, extension_types(hello));
    });
}

fn raw(
    hello: &ClientHello<'_>,
    transport: Transport,
    out: &mut String,
    rest: impl FnOnce(&mut Text<'_, String>),
) {
    out.clear();
    let mut t = Text::new(out);
    t.bytes(&part_a(hello, transport));
    t.byte(b'_');
    rest(&mut t);
    t.finish();
}

/// JA4's version code for a protocol version (`00` for anything outside its table,
/// such as TLS 1.3 drafts 0x7fXX).
pub fn version_code(version: u16) -> [u8; 2] {
    match version {
        0x0304 => *b"13",
        0x0303 => *b"12",
        0x0302 => *b"11",
        0x0301 => *b"10",
        0x0300 => *b"s3",
        0x0002 => *b"s2",
        0xfeff => *b"d1",
        0xfefd => *b"d2",
        0xfefc => *b"d3",
        _ => *b"00",
    }
}

/// JA4's two ALPN characters for the first protocol name (`00` if none or empty).
pub fn alpn_code(first: Option<&[u8]>) -> [u8; 2] {
    let Some((&f, rest)) = first.and_then(|p| p.split_first()) else {
        return *b"00";
    };
    let l = rest.last().copied().unwrap_or(f);
    if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() {
        [f, l]
    } else {
        [HEX[usize::from(f >> 4)], HEX[usize::from(l & 0x0f)]]
    }
}

fn part_a(hello: &ClientHello<'_>, transport: Transport) -> [u8; 10] {
    let v = version_code(hello.highest_version());
    let sni = if hello.extension(ext::SERVER_NAME).is_some() {
        b'd'
    } else {
        b'i'
    };
    let nc = two_digits(ciphers(hello).count());
    let ne = two_digits(extension_types(hello).count());
    let alpn = alpn_code(hello.alpn_protocols().next());
    [
        transport.prefix(),
        v[0],
        v[1],
        sni,
        nc[0],
        nc[1],
        ne[0],
        ne[1],
        alpn[0],
        alpn[1],
    ]
}

fn two_digits(n: usize) -> [u8; 2] {
    let n = n.min(99) as u8;
    [b'0' + n / 10, b'0' + n % 10]
}

fn is_sni_or_alpn(t: u16) -> bool {
    t == ext::SERVER_NAME || t == ext::ALPN
}

fn ciphers<'a>(hello: &ClientHello<'a>) -> impl Iterator<Item = u16> + 'a {
    hello.cipher_suites().filter(|&c| !is_grease(c))
}

fn extension_types<'a>(hello: &ClientHello<'a>) -> impl Iterator<Item = u16> + 'a {
    hello.extensions().map(|e| e.typ).filter(|&t| !is_grease(t))
}

/// The extension list, then `_` and the signature algorithms (wire order, GREASE
/// removed) when there are any.
fn write_ext_part<F: Flush>(
    t: &mut Text<'_, F>,
    hello: &ClientHello<'_>,
    exts: impl Iterator<Item = u16>,
) {
    t.hex_list(exts);
    let mut sigs = hello
        .signature_algorithms()
        .filter(|&s| !is_grease(s))
        .peekable();
    if sigs.peek().is_some() {
        t.byte(b'_');
        t.hex_list(sigs);
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The first 12 hex digits of the SHA-256 of what `write` produces, or `000000000000`
/// when the list it hashes has `n == 0` entries.
fn hash12(write: impl FnOnce(&mut Text<'_, Sha256>), n: usize) -> [u8; 12] {
    if n == 0 {
        return [b'0'; 12];
    }
    let mut hasher = Sha256::new();
    let mut t = Text::new(&mut hasher);
    write(&mut t);
    t.finish();
    let mut out = [0u8; 12];
    hex_into(&hasher.finalize(), &mut out);
    out
}

fn assemble(a: &[u8; 10], b: &[u8; 12], c: &[u8; 12]) -> Ja4 {
    let mut s = [b'_'; 36];
    s[..10].copy_from_slice(a);
    s[11..23].copy_from_slice(b);
    s[24..].copy_from_slice(c);
    Ja4(s)
}

/// Values sorted ascending, inline up to 256 of them (more spill to the heap).
struct Sorted {
    inline: [u16; 256],
    len: usize,
    spill: Vec<u16>,
}

impl Sorted {
    fn new() -> Self {
        Sorted {
            inline: [0; 256],
            len: 0,
            spill: Vec::new(),
        }
    }
    fn fill(&mut self, values: impl Iterator<Item = u16>) {
        for v in values {
            if self.len < self.inline.len() {
                self.inline[self.len] = v;
            } else {
                if self.spill.is_empty() {
                    self.spill.extend_from_slice(&self.inline);
                }
                self.spill.push(v);
            }
            self.len += 1;
        }
        if self.spill.is_empty() {
            self.inline[..self.len].sort_unstable();
        } else {
            self.spill.sort_unstable();
        }
    }
    fn as_slice(&self) -> &[u16] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
    fn len(&self) -> usize {
        self.len
    }
}
