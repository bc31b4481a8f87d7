//! TLS handshake hellos for p0fmod: finding them in a byte stream, reading them without
//! copying, and fingerprinting them (JA4 in its four forms, JA3, JA3S).
//!
//! Layers, each usable alone:
//! - [`record`]: detection by content ([`detect`]) and extraction of the first handshake
//!   message of a stream that starts at a record boundary ([`extract_handshake`]), also
//!   when split over several records or after ChangeCipherSpec records, and of
//!   SSLv2-format ClientHellos.
//! - [`hello`]: views of ClientHello (TLS, DTLS, SSLv2) and ServerHello bodies with
//!   helpers for the extensions fingerprints and outputs use.
//! - [`ja4()`], [`ja4_r`], [`ja4_ro`], [`ja3()`], [`ja3s`]: the fingerprints, computed
//!   without allocating (raw strings go into a caller's reusable `String`); [`Ja4Input`]
//!   makes each JA4 form alone from part `a` ([`ja4_a`]) and a hello's lists, so that a
//!   caller holding [`HelloFacts`] computes only the forms it shows.
//! - [`HelloFacts`]: versions, lists without GREASE, key shares, post-quantum flag, size.
//!
//! QUIC and DTLS callers reassemble the handshake themselves and call
//! [`split_handshake`] and [`ClientHello::parse`] / [`ClientHello::parse_dtls`].
//!
//! Contract: pure, no I/O, no `unsafe`, and no input makes a function of this crate panic.
//!
//! ```
//! use p0fmod_tls::{ClientHello, Extracted, Transport, extract_handshake, ja4};
//!
//! // A TLS 1.2 ClientHello in one record: one cipher suite (0x1301), no extensions.
//! let mut stream = vec![22, 3, 1, 0, 47, 1, 0, 0, 43, 3, 3];
//! stream.extend_from_slice(&[0; 32]); // random
//! stream.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0, 0, 0]);
//! let mut scratch = Vec::new(); // used only when a hello spans records
//! let Extracted::Complete(msg) = extract_handshake(&stream, &mut scratch) else {
//!     panic!("not a complete hello");
//! };
//! let hello = ClientHello::from_handshake(&msg).unwrap();
//! let fp = ja4(&hello, Transport::Tcp);
//! assert_eq!(fp.ja4.as_str(), "t12i010000_0f2cb44170f4_000000000000");
//! ```

#![forbid(unsafe_code)]

mod error;
mod facts;
pub mod hello;
mod ja3;
mod ja4;
pub mod record;
mod text;

pub use error::ParseError;
pub use facts::{HelloFacts, is_post_quantum_group};
pub use hello::{ClientHello, Extension, HelloFormat, ServerHello};
pub use ja3::{Md5Hex, ja3, ja3s};
pub use ja4::{
    Ja4, Ja4Hashes, Ja4Input, Transport, alpn_code, ja4, ja4_a, ja4_r, ja4_ro, version_code,
};
pub use record::{
    Detection, Extracted, Framing, HANDSHAKE_CLIENT_HELLO, HANDSHAKE_SERVER_HELLO, Handshake,
    MAX_HANDSHAKE_LEN, MAX_HELLO_STREAM, RecordHeader, detect, extract_handshake, split_handshake,
};

/// Whether a 16-bit value is a GREASE value (RFC 8701): `0x0a0a`, `0x1a1a`, … `0xfafa`.
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 12 == (v >> 4) & 0x0f
}

/// A protocol version's usual name: `TLS1.3`, `TLS1.2`, `TLS1.1`, `TLS1.0`, `SSL3`,
/// `SSL2`, `DTLS1.0`, `DTLS1.2`, `DTLS1.3`, `TLS1.3-draftNN` (0x7fNN), else `unknown`.
pub fn version_name(version: u16) -> std::borrow::Cow<'static, str> {
    let name = match version {
        0x0304 => "TLS1.3",
        0x0303 => "TLS1.2",
        0x0302 => "TLS1.1",
        0x0301 => "TLS1.0",
        0x0300 => "SSL3",
        0x0002 => "SSL2",
        0xfeff => "DTLS1.0",
        0xfefd => "DTLS1.2",
        0xfefc => "DTLS1.3",
        v if v >> 8 == 0x7f => return format!("TLS1.3-draft{}", v & 0xff).into(),
        _ => "unknown",
    };
    name.into()
}
