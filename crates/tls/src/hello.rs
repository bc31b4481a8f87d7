//! Zero-copy views of ClientHello (TLS, DTLS, SSLv2) and ServerHello bodies.
//!
//! Parsing checks the structure once (every length field against the data), so that the
//! iterators of a view never fail afterwards. Inside extensions, helpers are lenient: a
//! list whose inner length is wrong is read as far as the data allows.

use crate::error::ParseError;
use crate::is_grease;

/// Extension types this crate reads.
pub mod ext {
    /// server_name (SNI).
    pub const SERVER_NAME: u16 = 0x0000;
    /// supported_groups (named "elliptic_curves" by JA3).
    pub const SUPPORTED_GROUPS: u16 = 0x000a;
    /// ec_point_formats.
    pub const EC_POINT_FORMATS: u16 = 0x000b;
    /// signature_algorithms.
    pub const SIGNATURE_ALGORITHMS: u16 = 0x000d;
    /// application_layer_protocol_negotiation (ALPN).
    pub const ALPN: u16 = 0x0010;
    /// supported_versions.
    pub const SUPPORTED_VERSIONS: u16 = 0x002b;
    /// key_share (TLS 1.3; drafts before 23 used 0x0028).
    pub const KEY_SHARE: u16 = 0x0033;
    /// quic_transport_parameters (RFC 9001).
    pub const QUIC_TRANSPORT_PARAMETERS: u16 = 0x0039;
    /// quic_transport_parameters as numbered by QUIC drafts (0xffa5).
    pub const QUIC_TRANSPORT_PARAMETERS_DRAFT: u16 = 0xffa5;
}

/// The `random` of a HelloRetryRequest (RFC 8446 §4.1.3): SHA-256 of "HelloRetryRequest".
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Which wire format a hello came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelloFormat {
    /// TLS (over TCP, or the QUIC CRYPTO stream).
    Tls,
    /// DTLS: a ClientHello carries a cookie after its session id.
    Dtls,
    /// SSLv2-format CLIENT-HELLO (3-byte cipher specs, a challenge, no extensions).
    Sslv2,
}

/// A bounds-checked reader over a body.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self, what: &'static str) -> Result<u8, ParseError> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or(ParseError::new(self.pos, what))?;
        self.pos += 1;
        Ok(b)
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, ParseError> {
        let b = self.bytes(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn bytes(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        let b = self
            .data
            .get(self.pos..self.pos + n)
            .ok_or(ParseError::new(self.pos, what))?;
        self.pos += n;
        Ok(b)
    }
    /// A field with a 1-byte length prefix.
    fn vec8(&mut self, what: &'static str) -> Result<&'a [u8], ParseError> {
        let at = self.pos;
        let n = usize::from(self.u8(what)?);
        self.bytes(n, what).map_err(|_| ParseError::new(at, what))
    }
    /// A field with a 2-byte length prefix.
    fn vec16(&mut self, what: &'static str) -> Result<&'a [u8], ParseError> {
        let at = self.pos;
        let n = usize::from(self.u16(what)?);
        self.bytes(n, what).map_err(|_| ParseError::new(at, what))
    }
    fn rest(&self) -> usize {
        self.data.len() - self.pos
    }
}

/// Reads an optional extension block at the reader's position, checking each extension's
/// length. `None` when the body ends before it (hellos without extensions).
fn extension_block<'a>(r: &mut Reader<'a>) -> Result<Option<&'a [u8]>, ParseError> {
    if r.rest() == 0 {
        return Ok(None);
    }
    let base = r.pos + 2;
    let block = r.vec16("extensions length")?;
    let mut i = 0;
    while i < block.len() {
        if block.len() - i < 4 {
            return Err(ParseError::new(base + i, "extension header cut short"));
        }
        let len = usize::from(u16::from_be_bytes([block[i + 2], block[i + 3]]));
        if block.len() - i - 4 < len {
            return Err(ParseError::new(base + i + 2, "extension length"));
        }
        i += 4 + len;
    }
    Ok(Some(block))
}

/// One extension: its type and its data, as on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extension<'a> {
    /// Extension type (GREASE values included).
    pub typ: u16,
    /// Extension data.
    pub data: &'a [u8],
}

/// The extensions of a hello in wire order (GREASE included). Created by
/// [`ClientHello::extensions`] and [`ServerHello::extensions`].
#[derive(Clone, Debug)]
pub struct Extensions<'a> {
    block: &'a [u8],
}

impl<'a> Extensions<'a> {
    /// The extensions of a checked block (none without one).
    fn of(block: Option<&'a [u8]>) -> Self {
        Extensions {
            block: block.unwrap_or(&[]),
        }
    }

    /// The data of the first extension of type `typ`.
    fn data(mut self, typ: u16) -> Option<&'a [u8]> {
        self.find(|e| e.typ == typ).map(|e| e.data)
    }

    /// The ALPN ProtocolNameList without its 2-byte length; empty if absent.
    fn alpn_raw(self) -> &'a [u8] {
        self.data(ext::ALPN).map_or(&[], |d| prefixed(d, 2))
    }

    /// ec_point_formats without its 1-byte length; empty if absent.
    fn ec_point_formats(self) -> &'a [u8] {
        self.data(ext::EC_POINT_FORMATS)
            .map_or(&[], |d| prefixed(d, 1))
    }

    /// quic_transport_parameters (0x0039, else 0xffa5).
    fn quic_transport_parameters(self) -> Option<&'a [u8]> {
        self.clone()
            .data(ext::QUIC_TRANSPORT_PARAMETERS)
            .or_else(|| self.data(ext::QUIC_TRANSPORT_PARAMETERS_DRAFT))
    }
}

impl<'a> Iterator for Extensions<'a> {
    type Item = Extension<'a>;
    fn next(&mut self) -> Option<Extension<'a>> {
        let h = self.block.get(..4)?;
        let typ = u16::from_be_bytes([h[0], h[1]]);
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        let data = self.block.get(4..4 + len)?;
        self.block = &self.block[4 + len..];
        Some(Extension { typ, data })
    }
}

/// Big-endian 16-bit values of a byte slice (an odd last byte is ignored).
#[derive(Clone, Debug)]
pub struct U16s<'a> {
    data: &'a [u8],
}

impl<'a> U16s<'a> {
    fn new(data: &'a [u8]) -> Self {
        U16s {
            data: &data[..data.len() & !1],
        }
    }
    /// The list after a 2-byte length prefix, cut to the data present.
    pub(crate) fn prefixed16(data: &'a [u8]) -> Self {
        U16s::new(prefixed(data, 2))
    }
    const EMPTY: U16s<'static> = U16s { data: &[] };
}

impl Iterator for U16s<'_> {
    type Item = u16;
    fn next(&mut self) -> Option<u16> {
        let (v, rest) = self.data.split_first_chunk::<2>()?;
        self.data = rest;
        Some(u16::from_be_bytes(*v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.data.len() / 2;
        (n, Some(n))
    }
}

impl ExactSizeIterator for U16s<'_> {}

/// The bytes after a `width`-byte (1 or 2) length prefix, cut to what is present.
fn prefixed(data: &[u8], width: usize) -> &[u8] {
    let Some(prefix) = data.get(..width) else {
        return &[];
    };
    let n = prefix.iter().fold(0usize, |n, &b| n << 8 | usize::from(b));
    &data[width..(width + n).min(data.len())]
}

impl<'a> AlpnProtocols<'a> {
    /// The names of an ALPN extension's data.
    pub(crate) fn of(data: &'a [u8]) -> Self {
        AlpnProtocols {
            data: prefixed(data, 2),
        }
    }
}

/// Length-prefixed (1 byte) names of an ALPN extension, in order.
#[derive(Clone, Debug)]
pub struct AlpnProtocols<'a> {
    data: &'a [u8],
}

impl<'a> Iterator for AlpnProtocols<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let (&n, rest) = self.data.split_first()?;
        let Some(name) = rest.get(..usize::from(n)) else {
            self.data = &[];
            return None;
        };
        self.data = &rest[usize::from(n)..];
        Some(name)
    }
}

/// Groups of the key shares of a ClientHello's key_share extension, in order.
#[derive(Clone, Debug)]
pub struct KeyShareGroups<'a> {
    data: &'a [u8],
}

impl Iterator for KeyShareGroups<'_> {
    type Item = u16;
    fn next(&mut self) -> Option<u16> {
        let h = self.data.get(..4)?;
        let group = u16::from_be_bytes([h[0], h[1]]);
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        self.data = self.data.get(4 + len..).unwrap_or(&[]);
        Some(group)
    }
}

/// A ClientHello body (after the 4-byte handshake header), viewed without copying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientHello<'a> {
    format: HelloFormat,
    /// `legacy_version` (SSLv2 format: the version field of the CLIENT-HELLO).
    pub legacy_version: u16,
    /// `random` (32 bytes; SSLv2 format: the challenge, 16 to 32 bytes).
    pub random: &'a [u8],
    /// `legacy_session_id` (may be empty).
    pub session_id: &'a [u8],
    /// DTLS `cookie` (empty for TLS and SSLv2).
    pub cookie: &'a [u8],
    cipher_suites: &'a [u8],
    sslv2_cipher_specs: &'a [u8],
    /// `legacy_compression_methods` (empty for SSLv2).
    pub compression_methods: &'a [u8],
    extensions: Option<&'a [u8]>,
    len: usize,
}

impl<'a> ClientHello<'a> {
    /// Parses a TLS ClientHello body (also the QUIC form, which is TLS 1.3's).
    pub fn parse(body: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_format(body, HelloFormat::Tls)
    }

    /// Parses a DTLS ClientHello body: a `cookie` (1-byte length) follows the session id.
    /// The 12-byte DTLS handshake header must already be removed (and fragments joined).
    pub fn parse_dtls(body: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_format(body, HelloFormat::Dtls)
    }

    fn parse_format(body: &'a [u8], format: HelloFormat) -> Result<Self, ParseError> {
        let mut r = Reader { data: body, pos: 0 };
        let legacy_version = r.u16("legacy_version cut short")?;
        let random = r.bytes(32, "random cut short")?;
        let session_id = r.vec8("session_id length")?;
        let cookie = match format {
            HelloFormat::Dtls => r.vec8("cookie length")?,
            _ => &[],
        };
        let at = r.pos;
        let cipher_suites = r.vec16("cipher_suites length")?;
        if cipher_suites.len() % 2 != 0 {
            return Err(ParseError::new(at, "cipher_suites length is odd"));
        }
        let compression_methods = r.vec8("compression_methods length")?;
        let extensions = extension_block(&mut r)?;
        Ok(ClientHello {
            format,
            legacy_version,
            random,
            session_id,
            cookie,
            cipher_suites,
            sslv2_cipher_specs: &[],
            compression_methods,
            extensions,
            len: body.len(),
        })
    }

    /// Parses an SSLv2-format CLIENT-HELLO (RFC 6101 appendix E.2), given the bytes after
    /// its message-type byte ([`crate::Handshake::body`] for [`crate::Framing::Sslv2`]):
    /// version, three lengths, 3-byte cipher specs, session id, challenge.
    ///
    /// As the oracle tools read such a hello (tshark exposes no TLS cipher suites for it),
    /// the view has no [`ClientHello::cipher_suites`] and no extensions; the specs are in
    /// [`ClientHello::sslv2_cipher_specs`].
    pub fn parse_sslv2(body: &'a [u8]) -> Result<Self, ParseError> {
        let mut r = Reader { data: body, pos: 0 };
        let legacy_version = r.u16("version cut short")?;
        let specs_len = usize::from(r.u16("cipher_spec_length cut short")?);
        let sid_len = usize::from(r.u16("session_id_length cut short")?);
        let challenge_len = usize::from(r.u16("challenge_length cut short")?);
        if specs_len % 3 != 0 {
            return Err(ParseError::new(
                2,
                "cipher_spec_length is not a multiple of 3",
            ));
        }
        if !(16..=32).contains(&challenge_len) {
            return Err(ParseError::new(6, "challenge_length outside 16-32"));
        }
        let sslv2_cipher_specs = r.bytes(specs_len, "cipher specs cut short")?;
        let session_id = r.bytes(sid_len, "session id cut short")?;
        let random = r.bytes(challenge_len, "challenge cut short")?;
        Ok(ClientHello {
            format: HelloFormat::Sslv2,
            legacy_version,
            random,
            session_id,
            cookie: &[],
            cipher_suites: &[],
            sslv2_cipher_specs,
            compression_methods: &[],
            extensions: None,
            len: body.len(),
        })
    }

    /// Parses the ClientHello in a message from [`crate::extract_handshake`], by its
    /// framing; an error if the message is not a ClientHello.
    pub fn from_handshake(hs: &crate::Handshake<'a>) -> Result<Self, ParseError> {
        if hs.msg_type != crate::HANDSHAKE_CLIENT_HELLO {
            return Err(ParseError::new(0, "handshake message is not a ClientHello"));
        }
        match hs.framing {
            crate::Framing::Sslv2 => Self::parse_sslv2(hs.body),
            crate::Framing::Tls { .. } => Self::parse(hs.body),
        }
    }

    /// The wire format.
    pub fn format(&self) -> HelloFormat {
        self.format
    }

    /// Length of the body parsed (without the handshake header).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the body is empty (never, for a parsed hello; here for clippy's sake).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Cipher suites in wire order, GREASE included (none for SSLv2 format).
    pub fn cipher_suites(&self) -> U16s<'a> {
        U16s::new(self.cipher_suites)
    }

    /// SSLv2 cipher specs (24-bit values) in wire order; empty for TLS and DTLS.
    pub fn sslv2_cipher_specs(&self) -> impl Iterator<Item = u32> + 'a {
        self.sslv2_cipher_specs
            .chunks_exact(3)
            .map(|c| u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]))
    }

    /// Whether the hello has an extension block (possibly empty).
    pub fn has_extension_block(&self) -> bool {
        self.extensions.is_some()
    }

    /// Extensions in wire order, GREASE included.
    pub fn extensions(&self) -> Extensions<'a> {
        Extensions::of(self.extensions)
    }

    /// The data of the first extension of type `typ`.
    pub fn extension(&self, typ: u16) -> Option<&'a [u8]> {
        Extensions::of(self.extensions).data(typ)
    }

    /// Versions listed in supported_versions, GREASE included; empty if absent.
    pub fn supported_versions(&self) -> U16s<'a> {
        self.extension(ext::SUPPORTED_VERSIONS)
            .map_or(U16s::EMPTY, |d| U16s::new(prefixed(d, 1)))
    }

    /// The highest version offered: the largest non-GREASE entry of supported_versions
    /// (DTLS versions compared as versions, 0xfefc above 0xfefd), else `legacy_version`.
    pub fn highest_version(&self) -> u16 {
        highest_version(self.extension(ext::SUPPORTED_VERSIONS), self.legacy_version)
    }

    /// The first host_name of server_name (bytes as sent), if any.
    pub fn server_name(&self) -> Option<&'a [u8]> {
        let mut list = prefixed(self.extension(ext::SERVER_NAME)?, 2);
        while let Some((&typ, rest)) = list.split_first() {
            let name = prefixed(rest, 2);
            if typ == 0 {
                return Some(name);
            }
            list = rest.get(2 + name.len()..)?;
        }
        None
    }

    /// ALPN protocol names in order (empty if the extension is absent).
    pub fn alpn_protocols(&self) -> AlpnProtocols<'a> {
        AlpnProtocols {
            data: self.alpn_raw(),
        }
    }

    /// The ALPN ProtocolNameList as sent, without its 2-byte length (each name with its
    /// 1-byte length); empty if the extension is absent.
    pub fn alpn_raw(&self) -> &'a [u8] {
        Extensions::of(self.extensions).alpn_raw()
    }

    /// supported_groups in wire order, GREASE included.
    pub fn supported_groups(&self) -> U16s<'a> {
        self.extension(ext::SUPPORTED_GROUPS)
            .map_or(U16s::EMPTY, U16s::prefixed16)
    }

    /// Groups of the key_share entries in wire order, GREASE included.
    pub fn key_share_groups(&self) -> KeyShareGroups<'a> {
        KeyShareGroups {
            data: self
                .extension(ext::KEY_SHARE)
                .map_or(&[], |d| prefixed(d, 2)),
        }
    }

    /// signature_algorithms in wire order, GREASE included.
    pub fn signature_algorithms(&self) -> U16s<'a> {
        self.extension(ext::SIGNATURE_ALGORITHMS)
            .map_or(U16s::EMPTY, U16s::prefixed16)
    }

    /// ec_point_formats (8-bit values) in wire order.
    pub fn ec_point_formats(&self) -> &'a [u8] {
        Extensions::of(self.extensions).ec_point_formats()
    }

    /// The raw data of quic_transport_parameters (0x0039, else the drafts' 0xffa5).
    pub fn quic_transport_parameters(&self) -> Option<&'a [u8]> {
        Extensions::of(self.extensions).quic_transport_parameters()
    }
}

/// The highest non-GREASE version of a ClientHello's supported_versions data, else
/// `legacy`.
pub(crate) fn highest_version(supported_versions: Option<&[u8]>, legacy: u16) -> u16 {
    supported_versions
        .map_or(U16s::EMPTY, |d| U16s::new(prefixed(d, 1)))
        .filter(|&v| !is_grease(v))
        .max_by_key(|&v| version_rank(v))
        .unwrap_or(legacy)
}

/// Orders versions by age: TLS by number, DTLS (0xfeXX, counting down) reversed.
fn version_rank(v: u16) -> u16 {
    if v >> 8 == 0xfe {
        0xfe00 | (0xff - (v & 0xff))
    } else {
        v
    }
}

/// A ServerHello (or HelloRetryRequest) body, viewed without copying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerHello<'a> {
    format: HelloFormat,
    /// `legacy_version`.
    pub legacy_version: u16,
    /// `random` (32 bytes).
    pub random: &'a [u8],
    /// `legacy_session_id_echo` (empty in TLS 1.3 drafts before 22, which had none).
    pub session_id: &'a [u8],
    /// The chosen cipher suite.
    pub cipher_suite: u16,
    /// The chosen compression method (0 in TLS 1.3 drafts before 22, which had none).
    pub compression_method: u8,
    extensions: Option<&'a [u8]>,
    len: usize,
}

impl<'a> ServerHello<'a> {
    /// Parses a TLS ServerHello body. TLS 1.3 drafts 0x7f00-0x7f15 (before draft 22)
    /// had neither session id nor compression method; they are read so.
    pub fn parse(body: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_format(body, HelloFormat::Tls)
    }

    /// Parses a DTLS ServerHello body (same layout as TLS's).
    pub fn parse_dtls(body: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_format(body, HelloFormat::Dtls)
    }

    fn parse_format(body: &'a [u8], format: HelloFormat) -> Result<Self, ParseError> {
        let mut r = Reader { data: body, pos: 0 };
        let legacy_version = r.u16("legacy_version cut short")?;
        let random = r.bytes(32, "random cut short")?;
        let early_draft = (0x7f00..=0x7f15).contains(&legacy_version);
        let session_id = if early_draft {
            &[]
        } else {
            r.vec8("session_id length")?
        };
        let cipher_suite = r.u16("cipher_suite cut short")?;
        let compression_method = if early_draft {
            0
        } else {
            r.u8("compression_method cut short")?
        };
        let extensions = extension_block(&mut r)?;
        Ok(ServerHello {
            format,
            legacy_version,
            random,
            session_id,
            cipher_suite,
            compression_method,
            extensions,
            len: body.len(),
        })
    }

    /// Parses the ServerHello in a message from [`crate::extract_handshake`]; an error if
    /// it is not a ServerHello.
    pub fn from_handshake(hs: &crate::Handshake<'a>) -> Result<Self, ParseError> {
        if hs.msg_type != crate::HANDSHAKE_SERVER_HELLO {
            return Err(ParseError::new(0, "handshake message is not a ServerHello"));
        }
        Self::parse(hs.body)
    }

    /// The wire format (TLS or DTLS).
    pub fn format(&self) -> HelloFormat {
        self.format
    }

    /// Length of the body parsed (without the handshake header).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the body is empty (never, for a parsed hello).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether this is a HelloRetryRequest (its random is RFC 8446's magic value).
    pub fn is_hello_retry_request(&self) -> bool {
        self.random == HELLO_RETRY_REQUEST_RANDOM
    }

    /// Extensions in wire order.
    pub fn extensions(&self) -> Extensions<'a> {
        Extensions::of(self.extensions)
    }

    /// The data of the first extension of type `typ`.
    pub fn extension(&self, typ: u16) -> Option<&'a [u8]> {
        Extensions::of(self.extensions).data(typ)
    }

    /// The version chosen in supported_versions (TLS 1.3), if present.
    pub fn selected_version(&self) -> Option<u16> {
        let d = self.extension(ext::SUPPORTED_VERSIONS)?;
        U16s::new(d).next()
    }

    /// The negotiated version: [`ServerHello::selected_version`], else `legacy_version`.
    pub fn version(&self) -> u16 {
        self.selected_version().unwrap_or(self.legacy_version)
    }

    /// The group of the key share (or, in a HelloRetryRequest, the group asked for).
    pub fn key_share_group(&self) -> Option<u16> {
        let d = self.extension(ext::KEY_SHARE)?;
        U16s::new(d).next()
    }

    /// The ALPN ProtocolNameList as sent (the chosen name with its 1-byte length),
    /// without its 2-byte length; empty if the extension is absent.
    pub fn alpn_raw(&self) -> &'a [u8] {
        Extensions::of(self.extensions).alpn_raw()
    }

    /// The ALPN protocol chosen, if any.
    pub fn alpn_protocol(&self) -> Option<&'a [u8]> {
        AlpnProtocols {
            data: self.alpn_raw(),
        }
        .next()
    }

    /// ec_point_formats (8-bit values) in wire order.
    pub fn ec_point_formats(&self) -> &'a [u8] {
        Extensions::of(self.extensions).ec_point_formats()
    }

    /// The raw data of quic_transport_parameters (0x0039, else 0xffa5).
    pub fn quic_transport_parameters(&self) -> Option<&'a [u8]> {
        Extensions::of(self.extensions).quic_transport_parameters()
    }
}
