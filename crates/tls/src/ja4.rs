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

use crate::hello::{AlpnProtocols, ClientHello, ext, highest_version};
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

/// What every JA4 form is made of, once a hello's lists are known: part `a`
/// (`t13d1516h2`, from [`ja4_a`]) and the cipher suites, extension types and signature
/// algorithms in wire order with GREASE removed (as [`crate::HelloFacts`] lists them).
///
/// The engine keeps these on its observations and computes `ja4` at once and the other
/// forms only when an output asks for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ja4Input<'l> {
    /// Part `a`: transport, version, SNI, counts, ALPN.
    pub a: [u8; 10],
    /// Cipher suites, wire order, GREASE removed.
    pub ciphers: &'l [u16],
    /// Extension types, wire order, GREASE removed.
    pub extensions: &'l [u16],
    /// signature_algorithms, wire order, GREASE removed.
    pub signature_algorithms: &'l [u16],
}

impl<'l> Ja4Input<'l> {
    /// Part `a` and the lists of a ClientHello's facts ([`crate::HelloFacts::fill_client`]).
    pub fn from_facts(a: [u8; 10], facts: &'l crate::HelloFacts) -> Ja4Input<'l> {
        Ja4Input {
            a,
            ciphers: &facts.ciphers,
            extensions: &facts.extensions,
            signature_algorithms: &facts.signature_algorithms,
        }
    }

    /// `ja4`: sorted cipher suites; sorted extensions without SNI and ALPN; hashed.
    pub fn ja4(&self) -> Ja4 {
        let (ciphers, exts) = self.sorted();
        self.hashed(ciphers.as_slice(), exts.as_slice())
    }

    /// `ja4_o`: cipher suites and extensions (SNI and ALPN included) in wire order, hashed.
    pub fn ja4_o(&self) -> Ja4 {
        self.hashed(self.ciphers, self.extensions)
    }

    /// Writes `ja4_r` (sorted, unhashed) into `out`, replacing its content.
    pub fn ja4_r(&self, out: &mut String) {
        let (ciphers, exts) = self.sorted();
        self.raw(out, ciphers.as_slice(), exts.as_slice());
    }

    /// Writes `ja4_ro` (wire order, unhashed, SNI and ALPN included) into `out`,
    /// replacing its content.
    pub fn ja4_ro(&self, out: &mut String) {
        self.raw(out, self.ciphers, self.extensions);
    }

    /// The sorted lists of `ja4` and `ja4_r` (extensions without SNI and ALPN).
    fn sorted(&self) -> (Values, Values) {
        let (mut ciphers, mut exts) = (Values::new(), Values::new());
        ciphers.sorted_from(self.ciphers.iter().copied());
        exts.sorted_from(
            self.extensions
                .iter()
                .copied()
                .filter(|&t| !is_sni_or_alpn(t)),
        );
        (ciphers, exts)
    }

    /// `a_b_c` with `b` and `c` the hashes of these lists.
    fn hashed(&self, ciphers: &[u16], exts: &[u16]) -> Ja4 {
        let b = hash12(|t| t.hex_list(ciphers.iter().copied()), ciphers.len());
        let c = hash12(|t| self.ext_part(t, exts), exts.len());
        assemble(&self.a, &b, &c)
    }

    /// The extension list, then `_` and the signature algorithms when there are any.
    fn ext_part<F: Flush>(&self, t: &mut Text<'_, F>, exts: &[u16]) {
        t.hex_list(exts.iter().copied());
        if !self.signature_algorithms.is_empty() {
            t.byte(b'_');
            t.hex_list(self.signature_algorithms.iter().copied());
        }
    }

    /// A raw form: `a_ciphers_extensions[_sigalgs]`, into `out` (replaced).
    fn raw(&self, out: &mut String, ciphers: &[u16], exts: &[u16]) {
        out.clear();
        let mut t = Text::new(out);
        t.bytes(&self.a);
        t.byte(b'_');
        t.hex_list(ciphers.iter().copied());
        t.byte(b'_');
        self.ext_part(&mut t, exts);
        t.finish();
    }
}

/// Computes `ja4` and `ja4_o` of a ClientHello; `transport` gives the prefix.
pub fn ja4(hello: &ClientHello<'_>, transport: Transport) -> Ja4Hashes {
    let g = Gathered::new(hello, transport);
    let input = g.input();
    Ja4Hashes {
        ja4: input.ja4(),
        ja4_o: input.ja4_o(),
    }
}

/// Writes `ja4_r` (sorted, unhashed) into `out`, replacing its content.
pub fn ja4_r(hello: &ClientHello<'_>, transport: Transport, out: &mut String) {
    Gathered::new(hello, transport).input().ja4_r(out);
}

/// Writes `ja4_ro` (wire order, unhashed, SNI and ALPN included) into `out`, replacing
/// its content.
pub fn ja4_ro(hello: &ClientHello<'_>, transport: Transport, out: &mut String) {
    Gathered::new(hello, transport).input().ja4_ro(out);
}

/// JA4's part `a` of a ClientHello (`t13d1516h2`): transport, highest version, SNI or
/// not, cipher and extension counts (GREASE removed, at most 99), ALPN characters.
pub fn ja4_a(hello: &ClientHello<'_>, transport: Transport) -> [u8; 10] {
    scan(hello, transport, |_| {}, |_| {})
}

/// One pass over a hello's cipher suites and extensions (GREASE removed), handing each
/// to `cipher` / `extension`; returns part `a`.
fn scan(
    hello: &ClientHello<'_>,
    transport: Transport,
    mut cipher: impl FnMut(u16),
    mut extension: impl FnMut(u16),
) -> [u8; 10] {
    let mut ciphers = 0;
    for c in hello.cipher_suites().filter(|&c| !is_grease(c)) {
        ciphers += 1;
        cipher(c);
    }
    let mut exts = 0;
    let (mut sni, mut alpn, mut versions) = (false, None, None);
    for e in hello.extensions() {
        if is_grease(e.typ) {
            continue;
        }
        exts += 1;
        extension(e.typ);
        // The first extension of each type counts, as for `ClientHello::extension`.
        match e.typ {
            ext::SERVER_NAME => sni = true,
            ext::ALPN => alpn = alpn.or(Some(e.data)),
            ext::SUPPORTED_VERSIONS => versions = versions.or(Some(e.data)),
            _ => {}
        }
    }
    let v = version_code(highest_version(versions, hello.legacy_version));
    let nc = two_digits(ciphers);
    let ne = two_digits(exts);
    let alpn = alpn_code(alpn.and_then(|d| AlpnProtocols::of(d).next()));
    [
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
    ]
}

/// What JA4 reads from a hello, gathered in one pass: part `a` and the lists (on the
/// stack unless a hello lists more than 128 cipher suites or extensions).
struct Gathered {
    a: [u8; 10],
    ciphers: Values,
    exts: Values,
    sigalgs: Values,
}

impl Gathered {
    fn new(hello: &ClientHello<'_>, transport: Transport) -> Self {
        let (mut ciphers, mut exts, mut sigalgs) = (Values::new(), Values::new(), Values::new());
        let a = scan(hello, transport, |c| ciphers.push(c), |e| exts.push(e));
        for s in hello.signature_algorithms().filter(|&s| !is_grease(s)) {
            sigalgs.push(s);
        }
        Gathered {
            a,
            ciphers,
            exts,
            sigalgs,
        }
    }

    fn input(&self) -> Ja4Input<'_> {
        Ja4Input {
            a: self.a,
            ciphers: self.ciphers.as_slice(),
            extensions: self.exts.as_slice(),
            signature_algorithms: self.sigalgs.as_slice(),
        }
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

    /// Fills these (empty) values with `values`, sorted ascending.
    fn sorted_from(&mut self, values: impl Iterator<Item = u16>) {
        for v in values {
            self.push(v);
        }
        if self.spill.is_empty() {
            self.inline[..self.len].sort_unstable();
        } else {
            self.spill.sort_unstable();
        }
    }
}
