//! The ClientHello and ServerHello inside UDP, for p0fmod: QUIC Initial packets decrypted
//! and their CRYPTO frames reassembled, and DTLS handshake fragments reassembled. Pure,
//! zero-copy parsing over byte slices, no I/O; the TLS messages it yields are parsed and
//! fingerprinted by `p0fmod-tls`.
//!
//! QUIC (RFC 9000, RFC 9001, RFC 9369; ../shared/spec/tls-quic-fingerprinting.md §3):
//! - [`version`]: the versions known (v1, v2, drafts 22–34, mvfst, the v2 drafts, Google
//!   T050/T051), their Initial salts, labels, packet type codes and CRYPTO frame type;
//! - [`packet`]: long headers, the walk over coalesced packets, header protection and
//!   packet numbers, AES-128-GCM decryption into a caller's scratch buffer;
//! - [`keys`]: the Initial keys, from HKDF-SHA256 over the client's original Destination
//!   Connection ID, through RustCrypto's `hkdf`, `sha2`, `aes` and `aes-gcm`;
//! - [`frame`]: the frames allowed in Initial packets;
//! - [`reasm`]: bounded reassembly of one handshake message from pieces by offset;
//! - [`conn`]: the per-flow state ([`QuicConnection`]): keys kept across the client's
//!   DCID switch and replaced after a Retry, both hellos and how they were split;
//! - [`protect`]: building protected Initials (tests, benches, tools);
//! - [`tparams`]: the ClientHello's QUIC transport parameters.
//!
//! DTLS 1.0 / 1.2 / 1.3 ([`dtls`]): records, handshake fragments, and the per-direction
//! reassembly of hellos ([`DtlsHelloStream`]), cookie retries included.
//!
//! Cheap rejection of other UDP traffic: [`is_known_long_header`] and
//! [`is_dtls_handshake`] look at a few bytes only.
//!
//! Contract: no input makes a function of this crate panic or loop without bound; state
//! is bounded by [`MAX_HELLO`] bytes per direction and connection.

#![forbid(unsafe_code)]

pub mod conn;
pub mod dtls;
mod error;
pub mod frame;
pub mod keys;
pub mod packet;
pub mod protect;
pub mod reasm;
pub mod tparams;
pub mod version;

pub use conn::{DatagramReport, HelloStream, QuicConnection, SplitStats};
pub use dtls::{DtlsHello, DtlsHelloStream, DtlsSplit, is_dtls_handshake};
pub use error::Error;
pub use keys::{InitialKeys, InitialSecrets, KeyMaterial};
pub use packet::{Datagram, LongHeader, is_known_long_header, open_initial, parse_long_header};
pub use reasm::MAX_HELLO;
pub use tparams::TransportParameters;
pub use version::{LongType, VersionParams, version_params};
