//! The TLS record layer over a byte stream: detecting a handshake by content, and
//! extracting the first handshake message of a stream that starts at a record boundary,
//! even when the message is split over several records.
//!
//! The stream is what TCP reassembly delivers for one direction of a flow, from its first
//! payload byte (or from the first byte after a STARTTLS exchange). Nothing here keeps
//! state between calls: the caller appends bytes and calls again after [`Extracted::NeedMore`].

use crate::error::ParseError;

/// Content type of a handshake record.
pub const CONTENT_HANDSHAKE: u8 = 22;
/// Content type of a ChangeCipherSpec record (sent between two ClientHellos of a
/// HelloRetryRequest exchange in TLS 1.3's middlebox compatibility mode).
pub const CONTENT_CHANGE_CIPHER_SPEC: u8 = 20;
/// Length of a TLS record header (type, version, length).
pub const RECORD_HEADER_LEN: usize = 5;
/// Largest plaintext record payload (RFC 8446 §5.1: 2^14 bytes).
pub const MAX_RECORD_LEN: usize = 16_384;
/// Largest handshake message extracted, its 4-byte header included: one record's worth.
/// A longer hello gives [`Extracted::TooLarge`] instead of being buffered.
pub const MAX_HANDSHAKE_LEN: usize = MAX_RECORD_LEN;
/// Most stream bytes a hello in a single record needs: one record plus its header
/// (16,389). A hello split over `n` records needs `5 × n` header bytes more.
pub const MAX_HELLO_STREAM: usize = MAX_RECORD_LEN + RECORD_HEADER_LEN;

/// Handshake message type of a ClientHello.
pub const HANDSHAKE_CLIENT_HELLO: u8 = 1;
/// Handshake message type of a ServerHello (and of a HelloRetryRequest).
pub const HANDSHAKE_SERVER_HELLO: u8 = 2;

/// A TLS record header (RFC 8446 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    /// Content type (22 handshake, 20 ChangeCipherSpec, 21 alert, 23 application data).
    pub content_type: u8,
    /// Record-layer version (`0x0301` in most modern hellos; never used by fingerprints).
    pub version: u16,
    /// Payload length.
    pub length: u16,
}

impl RecordHeader {
    /// Reads a plausible record header from the first five bytes: a known content type
    /// (20-24), version 3.0 to 3.4, and a payload of 1 to [`MAX_RECORD_LEN`] + 2,048 bytes
    /// (the ciphertext limit). `None` when fewer than five bytes or implausible.
    pub fn parse(bytes: &[u8]) -> Option<RecordHeader> {
        let h: &[u8; RECORD_HEADER_LEN] = bytes.get(..RECORD_HEADER_LEN)?.try_into().ok()?;
        let content_type = h[0];
        let version = u16::from_be_bytes([h[1], h[2]]);
        let length = u16::from_be_bytes([h[3], h[4]]);
        let plausible = (20..=24).contains(&content_type)
            && h[1] == 3
            && h[2] <= 4
            && length >= 1
            && usize::from(length) <= MAX_RECORD_LEN + 2048;
        plausible.then_some(RecordHeader {
            content_type,
            version,
            length,
        })
    }
}

/// What the start of a stream looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detection {
    /// A TLS handshake record header (type 22, version 3.x, length 1 to 16,384).
    Handshake {
        /// The first handshake message's type (1 ClientHello, 2 ServerHello), when the
        /// sixth byte is there.
        msg_type: Option<u8>,
    },
    /// The 2-byte header of an SSLv2-format CLIENT-HELLO (version 2 or 3.x).
    Sslv2ClientHello,
    /// Too few bytes to tell (fewer than five).
    NeedMore,
    /// Neither.
    NotTls,
}

/// Tells by content whether `stream` starts with a TLS handshake record or an
/// SSLv2-format ClientHello. Needs five bytes. ChangeCipherSpec records in front of the
/// handshake record (TLS 1.3's middlebox compatibility mode sends one before the second
/// ClientHello of a HelloRetryRequest exchange) are passed over.
pub fn detect(stream: &[u8]) -> Detection {
    match ccs_prefix(stream) {
        Err(_) => Detection::NeedMore,
        Ok(0) => detect_record(stream),
        Ok(skip) => match detect_record(&stream[skip..]) {
            Detection::Sslv2ClientHello => Detection::NotTls,
            d => d,
        },
    }
}

/// The length of the ChangeCipherSpec records (each `20, 3, x, 0, 1, 1`) at the start of
/// `stream`, or `Err(wanted)` when it ends inside one.
fn ccs_prefix(stream: &[u8]) -> Result<usize, usize> {
    const CCS_LEN: usize = 6;
    let mut pos = 0;
    loop {
        let rest = &stream[pos..];
        let matches = rest
            .iter()
            .take(CCS_LEN)
            .enumerate()
            .all(|(i, &b)| match i {
                0 => b == CONTENT_CHANGE_CIPHER_SPEC,
                1 => b == 3,
                2 => b <= 4,
                3 => b == 0,
                _ => b == 1,
            });
        if rest.is_empty() || !matches {
            return Ok(pos);
        }
        if rest.len() < CCS_LEN {
            return Err(pos + CCS_LEN);
        }
        pos += CCS_LEN;
    }
}

fn detect_record(stream: &[u8]) -> Detection {
    if stream.len() < RECORD_HEADER_LEN {
        // A prefix that cannot start either form is refused at once.
        let could_be = match stream.first() {
            None => true,
            Some(&b) => b == CONTENT_HANDSHAKE || b & 0x80 != 0,
        } && stream
            .get(1)
            .is_none_or(|&b| b == 3 || stream[0] & 0x80 != 0);
        return if could_be {
            Detection::NeedMore
        } else {
            Detection::NotTls
        };
    }
    if stream[0] == CONTENT_HANDSHAKE {
        match RecordHeader::parse(stream) {
            Some(h) if usize::from(h.length) <= MAX_RECORD_LEN => Detection::Handshake {
                msg_type: stream.get(RECORD_HEADER_LEN).copied(),
            },
            _ => Detection::NotTls,
        }
    } else if sslv2_length(stream).is_some() {
        Detection::Sslv2ClientHello
    } else {
        Detection::NotTls
    }
}

/// The record length of an SSLv2-format CLIENT-HELLO header (2-byte form, message type 1,
/// version 0x0002 or 3.0-3.4, room for its three length fields), or `None`.
fn sslv2_length(stream: &[u8]) -> Option<usize> {
    let h = stream.get(..5)?;
    if h[0] & 0x80 == 0 || h[2] != HANDSHAKE_CLIENT_HELLO {
        return None;
    }
    let len = usize::from(h[0] & 0x7f) << 8 | usize::from(h[1]);
    let version_ok = (h[3] == 0 && h[4] == 2) || (h[3] == 3 && h[4] <= 4);
    (version_ok && len >= 9).then_some(len)
}

/// How the handshake message was framed on the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// TLS records; the version of the first record header.
    Tls {
        /// Record-layer version of the first record.
        record_version: u16,
    },
    /// An SSLv2-format CLIENT-HELLO (2-byte header); the body is for
    /// [`crate::ClientHello::parse_sslv2`].
    Sslv2,
}

/// One complete handshake message found at the start of a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handshake<'a> {
    /// Handshake message type (1 ClientHello, 2 ServerHello; 1 for SSLv2).
    pub msg_type: u8,
    /// The message body, after its 4-byte header (SSLv2: after the message-type byte).
    /// Borrowed from the stream when the message sits in one record, else from the
    /// caller's scratch buffer.
    pub body: &'a [u8],
    /// Record framing.
    pub framing: Framing,
    /// How many records held parts of the message (1 for SSLv2).
    pub records: usize,
    /// Stream offset just after the message's last byte.
    pub end: usize,
    /// Stream offset just after the last record holding part of the message (may exceed
    /// the bytes given, when that record continues with other messages not yet received).
    pub record_end: usize,
}

/// The result of [`extract_handshake`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extracted<'a> {
    /// The stream does not start with a TLS handshake record or an SSLv2 ClientHello.
    NotTls,
    /// The message is not complete yet: the stream must hold at least `wanted` bytes
    /// (a lower bound; call again when more have arrived).
    NeedMore {
        /// Least total stream length that can complete the message.
        wanted: usize,
    },
    /// The whole message.
    Complete(Handshake<'a>),
    /// The message announces more than [`MAX_HANDSHAKE_LEN`] bytes (header included).
    TooLarge {
        /// The announced message length, header included.
        length: usize,
    },
    /// The records around the message are inconsistent.
    Malformed(ParseError),
}

/// Extracts the first handshake message of `stream`, which must start at a record
/// boundary. A message inside one record is returned without copying; one split over
/// several records is copied into `scratch` (cleared first; reuse it across calls so that
/// nothing is allocated once it has grown). An SSLv2-format ClientHello is recognised too.
/// ChangeCipherSpec records in front of the handshake record are passed over (see
/// [`detect`]); offsets in the result count them.
pub fn extract_handshake<'a>(stream: &'a [u8], scratch: &'a mut Vec<u8>) -> Extracted<'a> {
    let skip = match ccs_prefix(stream) {
        Ok(skip) => skip,
        Err(wanted) => return Extracted::NeedMore { wanted },
    };
    if skip == 0 {
        return extract_records(stream, scratch);
    }
    match extract_records(&stream[skip..], scratch) {
        Extracted::Complete(Handshake {
            framing: Framing::Sslv2,
            ..
        }) => Extracted::NotTls,
        Extracted::Complete(mut h) => {
            h.end += skip;
            h.record_end += skip;
            Extracted::Complete(h)
        }
        Extracted::NeedMore { wanted } => Extracted::NeedMore {
            wanted: wanted + skip,
        },
        Extracted::Malformed(mut e) => {
            e.offset += skip;
            Extracted::Malformed(e)
        }
        other => other,
    }
}

fn extract_records<'a>(stream: &'a [u8], scratch: &'a mut Vec<u8>) -> Extracted<'a> {
    match detect_record(stream) {
        Detection::NotTls => return Extracted::NotTls,
        Detection::NeedMore => {
            return Extracted::NeedMore {
                wanted: RECORD_HEADER_LEN,
            };
        }
        Detection::Sslv2ClientHello => return extract_sslv2(stream),
        Detection::Handshake { .. } => {}
    }
    let mut header = [0u8; 4];
    let mut header_len = 0;
    let mut total: Option<usize> = None; // message length, header included
    let mut got = 0; // message bytes in the records walked so far
    let mut pos = 0;
    let mut records = 0;
    let record_version = u16::from_be_bytes([stream[1], stream[2]]);
    loop {
        let Some(rec) = stream.get(pos..) else {
            return Extracted::NeedMore { wanted: pos };
        };
        if rec.len() < RECORD_HEADER_LEN {
            let rest = total.map_or(1, |t| t - got);
            return Extracted::NeedMore {
                wanted: pos + RECORD_HEADER_LEN + rest,
            };
        }
        let h = match RecordHeader::parse(rec) {
            Some(h) if h.content_type == CONTENT_HANDSHAKE => h,
            _ => {
                return Extracted::Malformed(ParseError::new(
                    pos,
                    "hello continues in a record that is not a handshake record",
                ));
            }
        };
        let len = usize::from(h.length);
        if len > MAX_RECORD_LEN {
            return Extracted::Malformed(ParseError::new(pos + 3, "handshake record length"));
        }
        records += 1;
        let start = pos + RECORD_HEADER_LEN;
        let end = start + len;
        let avail_end = end.min(stream.len());
        let mut i = start;
        while header_len < 4 && i < avail_end {
            header[header_len] = stream[i];
            header_len += 1;
            i += 1;
        }
        if header_len == 4 && total.is_none() {
            let t = 4
                + (usize::from(header[1]) << 16 | usize::from(header[2]) << 8)
                + usize::from(header[3]);
            if t > MAX_HANDSHAKE_LEN {
                return Extracted::TooLarge { length: t };
            }
            total = Some(t);
        }
        let got_before = got;
        got += avail_end - start;
        match total {
            Some(t) if got >= t => {
                let msg_end = start + (t - got_before);
                let body = if records == 1 {
                    &stream[start + 4..msg_end]
                } else {
                    copy_message(stream, t, scratch);
                    let scratch: &'a Vec<u8> = scratch;
                    &scratch[4..]
                };
                return Extracted::Complete(Handshake {
                    msg_type: header[0],
                    body,
                    framing: Framing::Tls { record_version },
                    records,
                    end: msg_end,
                    record_end: end,
                });
            }
            Some(t) => {
                let rest = t - got_before;
                if avail_end < end {
                    let wanted = if rest <= len {
                        start + rest
                    } else {
                        end + RECORD_HEADER_LEN + (rest - len)
                    };
                    return Extracted::NeedMore { wanted };
                }
            }
            None if avail_end < end => {
                return Extracted::NeedMore {
                    wanted: (start + 4 - (header_len - (i - start))).min(end),
                };
            }
            None => {}
        }
        pos = end;
    }
}

/// Copies the first `total` handshake bytes of the records of `stream` into `scratch`.
/// The records were checked by the caller.
fn copy_message(stream: &[u8], total: usize, scratch: &mut Vec<u8>) {
    scratch.clear();
    let mut pos = 0;
    while scratch.len() < total {
        let len = usize::from(u16::from_be_bytes([stream[pos + 3], stream[pos + 4]]));
        let start = pos + RECORD_HEADER_LEN;
        let take = len.min(total - scratch.len());
        scratch.extend_from_slice(&stream[start..start + take]);
        pos = start + len;
    }
}

fn extract_sslv2(stream: &[u8]) -> Extracted<'_> {
    let Some(len) = sslv2_length(stream) else {
        return Extracted::NotTls;
    };
    if len > MAX_HANDSHAKE_LEN {
        return Extracted::TooLarge { length: len };
    }
    let end = 2 + len;
    if stream.len() < end {
        return Extracted::NeedMore { wanted: end };
    }
    Extracted::Complete(Handshake {
        msg_type: HANDSHAKE_CLIENT_HELLO,
        body: &stream[3..end],
        framing: Framing::Sslv2,
        records: 1,
        end,
        record_end: end,
    })
}

/// Splits a bare handshake message (as carried in QUIC CRYPTO frames: type, 24-bit
/// length, body) into its type and body. Bytes after the message are ignored.
pub fn split_handshake(message: &[u8]) -> Result<(u8, &[u8]), ParseError> {
    let Some(h) = message.get(..4) else {
        return Err(ParseError::new(0, "handshake header cut short"));
    };
    let len = usize::from(h[1]) << 16 | usize::from(h[2]) << 8 | usize::from(h[3]);
    message
        .get(4..4 + len)
        .map(|body| (h[0], body))
        .ok_or(ParseError::new(1, "handshake length beyond the data"))
}
