//! DTLS 1.0, 1.2 and 1.3 (RFC 6347, RFC 9147): the record layer (content type, version,
//! epoch, sequence number), the 12-byte handshake header (message_seq, fragment_offset,
//! fragment_length), and the reassembly of the ClientHello / ServerHello from fragments,
//! by message_seq and offset, bounded by the message's own length.
//!
//! A client usually sends its ClientHello twice: message_seq 0, then after the server's
//! HelloVerifyRequest (DTLS 1.0/1.2) or HelloRetryRequest (1.3) message_seq 1 with the
//! cookie. [`DtlsHelloStream`] yields each complete hello once; retransmissions of a
//! finished message are ignored. The hello body it yields is what a TLS ClientHello
//! parser reads after the handshake header (with DTLS's cookie field after session_id).

use crate::error::Error;
use crate::reasm::HandshakeBuffer;

/// Record content type of handshake records.
pub const CONTENT_HANDSHAKE: u8 = 22;
/// Handshake type of a HelloVerifyRequest (DTLS 1.0 / 1.2 cookie exchange).
pub const HELLO_VERIFY_REQUEST: u8 = 3;
/// Length of a DTLS record header.
pub const RECORD_HEADER_LEN: usize = 13;
/// Length of a DTLS handshake header.
pub const HANDSHAKE_HEADER_LEN: usize = 12;
/// Datagram sizes remembered per hello.
pub const MAX_DATAGRAM_SIZES: usize = 4;

/// One DTLSPlaintext record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtlsRecord<'a> {
    /// Content type (22 = handshake).
    pub content_type: u8,
    /// Record version (0xfeff DTLS 1.0, 0xfefd DTLS 1.2 and 1.3's legacy value).
    pub version: u16,
    /// Epoch (0 for the unencrypted hellos).
    pub epoch: u16,
    /// 48-bit sequence number.
    pub sequence: u64,
    /// The record's payload.
    pub fragment: &'a [u8],
}

/// True when `payload` starts like a DTLS handshake record of epoch 0 carrying a
/// ClientHello, ServerHello or HelloVerifyRequest: a handful of byte comparisons.
#[inline]
pub fn is_dtls_handshake(payload: &[u8]) -> bool {
    payload.len() >= RECORD_HEADER_LEN + HANDSHAKE_HEADER_LEN
        && payload[0] == CONTENT_HANDSHAKE
        && payload[1] == 0xfe
        && matches!(payload[2], 0xff | 0xfd | 0xfc)
        && payload[3] == 0
        && payload[4] == 0
        && matches!(payload[RECORD_HEADER_LEN], 1..=3)
}

/// Parses the DTLSPlaintext record at the start of `buf`; returns it and its total size.
pub fn parse_record(buf: &[u8]) -> Result<(DtlsRecord<'_>, usize), Error> {
    let h = buf.get(..RECORD_HEADER_LEN).ok_or(Error::Truncated {
        what: "DTLS record header",
        offset: 0,
        needed: RECORD_HEADER_LEN,
    })?;
    if h[1] != 0xfe {
        return Err(Error::NotDtlsHandshake);
    }
    let len = usize::from(u16::from_be_bytes([h[11], h[12]]));
    let fragment = buf
        .get(RECORD_HEADER_LEN..RECORD_HEADER_LEN + len)
        .ok_or(Error::Truncated {
            what: "DTLS record",
            offset: RECORD_HEADER_LEN,
            needed: len,
        })?;
    let mut seq = [0u8; 8];
    seq[2..].copy_from_slice(&h[5..11]);
    Ok((
        DtlsRecord {
            content_type: h[0],
            version: u16::from_be_bytes([h[1], h[2]]),
            epoch: u16::from_be_bytes([h[3], h[4]]),
            sequence: u64::from_be_bytes(seq),
            fragment,
        },
        RECORD_HEADER_LEN + len,
    ))
}

/// The records of one datagram. The first record's error is returned; after it, anything
/// that is not a DTLSPlaintext record (DTLS 1.3's encrypted unified-header records,
/// padding) ends the walk quietly.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Records<'a> {
    /// Walks the records of `datagram`.
    pub fn new(datagram: &'a [u8]) -> Self {
        Records {
            buf: datagram,
            pos: 0,
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<DtlsRecord<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.buf[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let first = self.pos == 0;
        match parse_record(rest) {
            Ok((record, size)) => {
                self.pos += size;
                Some(Ok(record))
            }
            Err(e) => {
                self.pos = self.buf.len();
                first.then_some(Err(e))
            }
        }
    }
}

/// One handshake fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandshakeFragment<'a> {
    /// Handshake type (1 ClientHello, 2 ServerHello, 3 HelloVerifyRequest, ...).
    pub msg_type: u8,
    /// The whole message's body length.
    pub length: u32,
    /// The message's sequence number.
    pub message_seq: u16,
    /// Where this fragment's bytes start in the body.
    pub fragment_offset: u32,
    /// The fragment's bytes (`fragment_length` of them).
    pub data: &'a [u8],
}

/// Parses the handshake fragments of a handshake record's payload, in order.
#[derive(Debug, Clone)]
pub struct Fragments<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Fragments<'a> {
    /// Walks the fragments of a record's payload.
    pub fn new(record_payload: &'a [u8]) -> Self {
        Fragments {
            buf: record_payload,
            pos: 0,
        }
    }
}

impl<'a> Iterator for Fragments<'a> {
    type Item = Result<HandshakeFragment<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.buf[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let Some(h) = rest.get(..HANDSHAKE_HEADER_LEN) else {
            self.pos = self.buf.len();
            return Some(Err(Error::Truncated {
                what: "DTLS handshake header",
                offset: self.pos,
                needed: HANDSHAKE_HEADER_LEN,
            }));
        };
        let u24 = |b: &[u8]| u32::from_be_bytes([0, b[0], b[1], b[2]]);
        let length = u24(&h[1..4]);
        let message_seq = u16::from_be_bytes([h[4], h[5]]);
        let fragment_offset = u24(&h[6..9]);
        let fragment_length = u24(&h[9..12]) as usize;
        let Some(data) = rest.get(HANDSHAKE_HEADER_LEN..HANDSHAKE_HEADER_LEN + fragment_length)
        else {
            self.pos = self.buf.len();
            return Some(Err(Error::Truncated {
                what: "DTLS handshake fragment",
                offset: self.pos + HANDSHAKE_HEADER_LEN,
                needed: fragment_length,
            }));
        };
        self.pos += HANDSHAKE_HEADER_LEN + fragment_length;
        if u64::from(fragment_offset) + fragment_length as u64 > u64::from(length) {
            self.pos = self.buf.len();
            return Some(Err(Error::BadFragment { message_seq }));
        }
        Some(Ok(HandshakeFragment {
            msg_type: h[0],
            length,
            message_seq,
            fragment_offset,
            data,
        }))
    }
}

/// How one DTLS hello reached the observer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DtlsSplit {
    /// Datagrams that carried at least one of its fragments.
    pub datagrams: u16,
    /// Records that carried at least one of its fragments.
    pub records: u16,
    /// Fragments (retransmissions included).
    pub fragments: u16,
    /// Sizes of the first datagrams that carried its fragments (0 = unused slot).
    pub datagram_sizes: [u16; MAX_DATAGRAM_SIZES],
}

/// A complete DTLS hello.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtlsHello<'a> {
    /// Handshake type (1 ClientHello, 2 ServerHello).
    pub msg_type: u8,
    /// Its message_seq (1 for a client's second hello, the one with the cookie).
    pub message_seq: u16,
    /// The version of the record that carried its first fragment.
    pub record_version: u16,
    /// The message body (after the 12-byte handshake header).
    pub body: &'a [u8],
    /// How it was split.
    pub split: DtlsSplit,
    /// How many hellos this stream has completed, this one included.
    pub count: u8,
}

/// Reassembles one direction's hellos (ClientHello from a client, ServerHello from a
/// server). Plain data, one bounded buffer; held per UDP flow by the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DtlsHelloStream {
    expected: u8,
    current: Option<u16>,
    done: Option<u16>,
    record_version: u16,
    buf: HandshakeBuffer,
    split: DtlsSplit,
    count: u8,
    verify_requests: u8,
}

impl DtlsHelloStream {
    /// A stream that reassembles handshake messages of type `msg_type` (1 for the
    /// client's direction, 2 for the server's).
    pub fn new(msg_type: u8) -> Self {
        DtlsHelloStream {
            expected: msg_type,
            ..Self::default()
        }
    }

    /// HelloVerifyRequests seen in this direction (a server's cookie exchange).
    pub fn verify_requests(&self) -> u8 {
        self.verify_requests
    }

    /// Bytes received of the hello being reassembled and its length (for reporting an
    /// incomplete hello).
    pub fn progress(&self) -> (usize, Option<usize>) {
        (self.buf.received(), self.buf.total())
    }

    /// Bytes of the hello being reassembled held in order from its first byte.
    pub fn contiguous(&self) -> usize {
        self.buf.prefix().len()
    }

    /// Feeds one datagram of this direction. Returns the hello it completed, if any (the
    /// rest of the datagram is then left unread). Fails when the datagram's first record is
    /// not a DTLS record, or on a fragment that contradicts the message being reassembled.
    pub fn on_datagram(&mut self, datagram: &[u8]) -> Result<Option<DtlsHello<'_>>, Error> {
        let mut completed = false;
        let mut carried = false;
        // A hello that completes ends the walk: it is handed out before anything later
        // in the datagram (a newer message, a damaged record) can touch the buffer.
        'records: for record in Records::new(datagram) {
            let record = record?;
            if record.content_type != CONTENT_HANDSHAKE || record.epoch != 0 {
                continue;
            }
            let mut in_record = false;
            for fragment in Fragments::new(record.fragment) {
                let fragment = fragment?;
                if fragment.msg_type == HELLO_VERIFY_REQUEST {
                    self.verify_requests = self.verify_requests.saturating_add(1);
                }
                if fragment.msg_type != self.expected {
                    continue;
                }
                if self.done.is_some_and(|d| fragment.message_seq <= d)
                    || self.current.is_some_and(|c| fragment.message_seq < c)
                {
                    continue; // a retransmission of a finished or abandoned message
                }
                if self.current != Some(fragment.message_seq) {
                    self.current = Some(fragment.message_seq);
                    self.record_version = record.version;
                    self.buf.clear();
                    self.split = DtlsSplit::default();
                    self.buf.set_total(fragment.length as usize)?;
                } else if self.buf.total() != Some(fragment.length as usize) {
                    return Err(Error::BadFragment {
                        message_seq: fragment.message_seq,
                    });
                }
                in_record = true;
                self.split.fragments = self.split.fragments.saturating_add(1);
                self.buf
                    .insert(u64::from(fragment.fragment_offset), fragment.data)?;
                if self.buf.is_complete() {
                    self.done = self.current;
                    self.count = self.count.saturating_add(1);
                    completed = true;
                    break;
                }
            }
            if in_record {
                carried = true;
                self.split.records = self.split.records.saturating_add(1);
            }
            if completed {
                break 'records;
            }
        }
        if carried {
            let s = &mut self.split;
            if usize::from(s.datagrams) < MAX_DATAGRAM_SIZES {
                s.datagram_sizes[usize::from(s.datagrams)] = datagram.len().min(0xffff) as u16;
            }
            s.datagrams = s.datagrams.saturating_add(1);
        }
        if !completed {
            return Ok(None);
        }
        Ok(self.buf.message().map(|body| DtlsHello {
            msg_type: self.expected,
            message_seq: self.done.unwrap_or(0),
            record_version: self.record_version,
            body,
            split: self.split,
            count: self.count,
        }))
    }
}
