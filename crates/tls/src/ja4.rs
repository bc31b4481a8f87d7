//! JA4 (FoxIO's TLS client fingerprint, BSD-3-Clause), in its four forms: `ja4`,
//! `ja4_r`, `ja4_o` and `ja4_ro`, exactly as `../shared/spec/tls-quic-fingerprinting.md`
//! §2.2 describes it.
//!
//! The hashed forms are built on the stack (no allocation unless a hello lists more than
//! 128 cipher suites or extensions); the raw forms are written into a caller's `String`.
//!
//! SSLv2-format hellos are fingerprinted as FoxIO's `ja4.py` over tshark does (the only
//! oracle that fingerprints them): the version field of the CLIENT-HELLO, no cipher suites
//! (tshark exposes none for SSLv2 cipher specs), no extensions, so `t10i000000_…` with
//! both hashes `000000000000`.

use sha2::{Digest, Sha256};

use crate::hello::{AlpnProtocols, ClientHello, U16s, ext, highest_version};
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
    let g = Gathered::new(hello, transport);
    let (mut sorted_ciphers, mut sorted_exts) = (Values::new(), Values::new());
    g.ciphers.sorted_into(|_| true, &mut sorted_ciphers);
    g.exts.sorted_into(|t| !is_sni_or_alpn(t), &mut sorted_exts);
    g.hashes(&sorted_ciphers, &sorted_exts)
}

/// All four JA4 forms of a ClientHello from one pass over its lists: returns `ja4` and
/// `ja4_o` as [`ja4`] does, and writes `ja4_r` and `ja4_ro` into `ja4_r_out` and
/// `ja4_ro_out` (replacing their content) as [`ja4_r`] and [`ja4_ro`] do.
pub fn ja4_all(
    hello: &ClientHello<'_>,
    transport: Transport,
    ja4_r_out: &mut String,
    ja4_ro_out: &mut String,
) -> Ja4Hashes {
    let g = Gathered::new(hello, transport);
    let (mut sorted_ciphers, mut sorted_exts) = (Values::new(), Values::new());
    g.ciphers.sorted_into(|_| true, &mut sorted_ciphers);
    g.exts.sorted_into(|t| !is_sni_or_alpn(t), &mut sorted_exts);
    g.raw(ja4_r_out, &sorted_ciphers, &sorted_exts);
    g.raw(ja4_ro_out, &g.ciphers, &g.exts);
    g.hashes(&sorted_ciphers, &sorted_exts)
}

/// Writes `ja4_r` (sorted, unhashed) into `out`, replacing its content.
pub fn ja4_r(hello: &ClientHello<'_>, transport: Transport, out: &mut String) {
    let g = Gathered::new(hello, transport);
    let (mut sorted_ciphers, mut sorted_exts) = (Values::new(), Values::new());
    g.ciphers.sorted_into(|_| true, &mut sorted_ciphers);
    g.exts.sorted_into(|t| !is_sni_or_alpn(t), &mut sorted_exts);
    g.raw(out, &sorted_ciphers, &sorted_exts);
}

/// Writes `ja4_ro` (wire order, unhashed, SNI and ALPN included) into `out`, replacing
/// its content.
pub fn ja4_ro(hello: &ClientHello<'_>, transport: Transport, out: &mut String) {
    let g = Gathered::new(hello, transport);
    g.raw(out, &g.ciphers, &g.exts);
}

/// What JA4 reads from a hello, gathered in one pass over its lists: part `a`, the
/// cipher suites and extension types in wire order (GREASE removed), and the
/// signature_algorithms data.
struct Gathered<'h> {
    a: [u8; 10],
    ciphers: Values,
    exts: Values,
    sigalgs: &'h [u8],
}

impl<'h> Gathered<'h> {
    fn new(hello: &ClientHello<'h>, transport: Transport) -> Self {
        let mut ciphers = Values::new();
        for c in hello.cipher_suites().filter(|&c| !is_grease(c)) {
            ciphers.push(c);
        }
        let mut exts = Values::new();
        let (mut sni, mut alpn, mut sigalgs, mut versions) = (false, None, None, None);
        for e in hello.extensions() {
            if is_grease(e.typ) {
                continue;
            }
            exts.push(e.typ);
            // The first extension of each type counts, as for `ClientHello::extension`.
            match e.typ {
                ext::SERVER_NAME => sni = true,
                ext::ALPN => alpn = alpn.or(Some(e.data)),
                ext::SIGNATURE_ALGORITHMS => sigalgs = sigalgs.or(Some(e.data)),
                ext::SUPPORTED_VERSIONS => versions = versions.or(Some(e.data)),
                _ => {}
            }
        }
        let v = version_code(highest_version(versions, hello.legacy_version));
        let nc = two_digits(ciphers.len());
        let ne = two_digits(exts.len());
        let alpn = alpn_code(alpn.and_then(|d| AlpnProtocols::of(d).next()));
        let a = [
            transport.prefix(),
            v[0],
            v[1],
            if sni { b'd' } else { b'i' },
            nc[0],
            nc[1],
            ne[0],
            ne[1],
            alpn[0],
            alpn[1],
        ];
        Gathered {
            a,
            ciphers,
            exts,
            sigalgs: sigalgs.unwrap_or(&[]),
        }
    }

    /// `ja4` (from the sorted lists) and `ja4_o` (from the wire-order ones).
    fn hashes(&self, sorted_ciphers: &Values, sorted_exts: &Values) -> Ja4Hashes {
        let b = hash12(|t| t.hex_list(sorted_ciphers.iter()), sorted_ciphers.len());
        let c = hash12(|t| self.ext_part(t, sorted_exts), sorted_exts.len());
        let b_o = hash12(|t| t.hex_list(self.ciphers.iter()), self.ciphers.len());
        let c_o = hash12(|t| self.ext_part(t, &self.exts), self.exts.len());
        Ja4Hashes {
            ja4: assemble(&self.a, &b, &c),
            ja4_o: assemble(&self.a, &b_o, &c_o),
        }
    }

    /// The extension list, then `_` and the signature algorithms (wire order, GREASE
    /// removed) when there are any.
    fn ext_part<F: Flush>(&self, t: &mut Text<'_, F>, exts: &Values) {
        t.hex_list(exts.iter());
        let mut sigs = U16s::prefixed16(self.sigalgs)
            .filter(|&s| !is_grease(s))
            .peekable();
        if sigs.peek().is_some() {
            t.byte(b'_');
            t.hex_list(sigs);
        }
    }

    /// A raw form: `a_ciphers_extensions[_sigalgs]`, into `out` (replaced).
    fn raw(&self, out: &mut String, ciphers: &Values, exts: &Values) {
        out.clear();
        let mut t = Text::new(out);
        t.bytes(&self.a);
        t.byte(b'_');
        t.hex_list(ciphers.iter());
        t.byte(b'_');
        self.ext_part(&mut t, exts);
        t.finish();
    }
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

fn two_digits(n: usize) -> [u8; 2] {
    let n = n.min(99) as u8;
    [b'0' + n / 10, b'0' + n % 10]
}

fn is_sni_or_alpn(t: u16) -> bool {
    t == ext::SERVER_NAME || t == ext::ALPN
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

/// 16-bit values, inline up to 128 of them (more spill to the heap).
struct Values {
    inline: [u16; 128],
    len: usize,
    spill: Vec<u16>,
}

impl Values {
    fn new() -> Self {
        Values {
            inline: [0; 128],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, v: u16) {
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

    fn as_slice(&self) -> &[u16] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }

    fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.as_slice().iter().copied()
    }

    fn len(&self) -> usize {
        self.len
    }

    /// Fills `out` (empty) with the values that `keep` keeps, sorted ascending.
    fn sorted_into(&self, keep: impl Fn(u16) -> bool, out: &mut Values) {
        for v in self.iter().filter(|&v| keep(v)) {
            out.push(v);
        }
        if out.spill.is_empty() {
            out.inline[..out.len].sort_unstable();
        } else {
            out.spill.sort_unstable();
        }
    }
}
