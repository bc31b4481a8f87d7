//! The crate's one error type: what was wrong, and where in the input.

use std::fmt;

/// Why a QUIC datagram, packet, frame or DTLS record could not be used.
///
/// Offsets are byte offsets in the input the failing function was given (a datagram, a
/// decrypted payload or a DTLS datagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The input ends before a field that starts at `offset` and needs `needed` bytes.
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Where it starts.
        offset: usize,
        /// How many bytes it needs from there.
        needed: usize,
    },
    /// A short-header (1-RTT) packet: it carries no Initial data and cannot be decrypted.
    ShortHeader,
    /// A Version Negotiation packet (version 0): no keys, no handshake.
    VersionNegotiation,
    /// A long header with a version this crate has no Initial salt for.
    UnknownVersion(u32),
    /// A connection ID longer than the 20 bytes QUIC allows.
    ConnectionIdTooLong {
        /// The length byte read.
        len: u8,
        /// Its offset.
        offset: usize,
    },
    /// A packet's Length field runs past the end of the datagram.
    LengthBeyondDatagram {
        /// The Length field's value (packet number plus payload).
        length: u64,
        /// The bytes left in the datagram after the Length field.
        available: usize,
    },
    /// A protected packet too short to hold a header-protection sample and a tag.
    PacketTooShort {
        /// The packet number plus payload length.
        length: usize,
    },
    /// The caller's scratch buffer is smaller than the packet to decrypt.
    ScratchTooSmall {
        /// The packet's size.
        needed: usize,
    },
    /// The AEAD tag did not verify: wrong keys (not this connection's, or not Initial
    /// keys) or a damaged packet.
    DecryptFailed,
    /// The packet is not of the kind the function handles (for example a Handshake
    /// packet given to Initial decryption).
    NotInitial,
    /// No Initial keys: a server packet seen before any client Initial of the connection.
    NoKeys,
    /// A frame type that may not appear in an Initial packet.
    UnexpectedFrame {
        /// The frame type.
        frame_type: u64,
        /// Its offset in the decrypted payload.
        offset: usize,
    },
    /// A CRYPTO frame or DTLS fragment that ends past the hello's own length or past the
    /// per-connection bound.
    BeyondBound {
        /// The end offset (exclusive) of the data in the handshake stream.
        end: u64,
        /// The bound it crossed.
        bound: usize,
    },
    /// The handshake message announced a length larger than this crate buffers.
    HelloTooLarge {
        /// The announced message length, handshake header included.
        len: usize,
    },
    /// The handshake data is split into more disjoint pieces than are tracked.
    TooFragmented,
    /// The first handshake message is not the expected one (ClientHello from a client,
    /// ServerHello from a server).
    UnexpectedHandshake {
        /// The handshake type byte found.
        msg_type: u8,
    },
    /// Two copies of the same handshake bytes differ: the first copy is kept.
    Inconsistent,
    /// Not a DTLS handshake record (content type, version or epoch).
    NotDtlsHandshake,
    /// A DTLS handshake fragment whose header disagrees with an earlier one of the same
    /// message (type or total length), or whose fragment runs past the message.
    BadFragment {
        /// The fragment's message_seq.
        message_seq: u16,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Truncated {
                what,
                offset,
                needed,
            } => {
                write!(
                    f,
                    "truncated {what}: {needed} bytes needed at offset {offset}"
                )
            }
            Error::ShortHeader => f.write_str("short-header QUIC packet (not an Initial)"),
            Error::VersionNegotiation => f.write_str("QUIC Version Negotiation packet"),
            Error::UnknownVersion(v) => write!(f, "unknown QUIC version 0x{v:08x}"),
            Error::ConnectionIdTooLong { len, offset } => {
                write!(
                    f,
                    "QUIC connection ID of {len} bytes (more than 20) at offset {offset}"
                )
            }
            Error::LengthBeyondDatagram { length, available } => write!(
                f,
                "QUIC packet Length {length} runs past the datagram ({available} bytes left)"
            ),
            Error::PacketTooShort { length } => {
                write!(
                    f,
                    "QUIC packet too short to be protected ({length} bytes after the header)"
                )
            }
            Error::ScratchTooSmall { needed } => {
                write!(
                    f,
                    "scratch buffer too small for a {needed}-byte QUIC packet"
                )
            }
            Error::DecryptFailed => f.write_str("QUIC Initial decryption failed (tag mismatch)"),
            Error::NotInitial => f.write_str("not a QUIC Initial packet"),
            Error::NoKeys => f.write_str("no QUIC Initial keys yet (client Initial not seen)"),
            Error::UnexpectedFrame { frame_type, offset } => write!(
                f,
                "QUIC frame type 0x{frame_type:x} at offset {offset} is not allowed in an Initial packet"
            ),
            Error::BeyondBound { end, bound } => {
                write!(
                    f,
                    "handshake data up to offset {end} runs past its bound of {bound} bytes"
                )
            }
            Error::HelloTooLarge { len } => {
                write!(
                    f,
                    "handshake message of {len} bytes is larger than the buffer bound"
                )
            }
            Error::TooFragmented => f.write_str("handshake data split into too many pieces"),
            Error::UnexpectedHandshake { msg_type } => {
                write!(f, "unexpected handshake message type {msg_type}")
            }
            Error::Inconsistent => {
                f.write_str("retransmitted handshake bytes differ from the first copy")
            }
            Error::NotDtlsHandshake => f.write_str("not a DTLS handshake record"),
            Error::BadFragment { message_seq } => {
                write!(
                    f,
                    "DTLS handshake fragment of message_seq {message_seq} is inconsistent"
                )
            }
        }
    }
}

impl std::error::Error for Error {}
