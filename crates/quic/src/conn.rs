//! The QUIC state an observer keeps per UDP flow: the Initial keys (derived once from the
//! client's original Destination Connection ID, kept across the client's switch to the
//! server's connection ID, replaced after a Retry), the largest packet number per
//! direction, and the two handshake streams being reassembled (the ClientHello from the
//! client, the ServerHello from the server) with how each was split.
//!
//! [`QuicConnection`] is plain data: no I/O, no references, one heap buffer per direction
//! (bounded by [`MAX_HELLO`](crate::reasm::MAX_HELLO)) allocated when the first CRYPTO
//! byte arrives. The engine holds one per UDP flow that started with a QUIC Initial.

use crate::error::Error;
use crate::frame::{Frame, Frames};
use crate::keys::{InitialKeys, KeyMaterial};
use crate::packet::{Datagram, LongHeader, MAX_CID_LEN, open_initial};
use crate::reasm::HandshakeBuffer;
use crate::version::LongType;

/// Handshake message type of a ClientHello.
pub const CLIENT_HELLO: u8 = 1;
/// Handshake message type of a ServerHello.
pub const SERVER_HELLO: u8 = 2;
/// Datagram sizes remembered per direction.
pub const MAX_DATAGRAM_SIZES: usize = 4;
/// CRYPTO frames remembered per direction (offset and length, in arrival order).
pub const MAX_FRAME_LOG: usize = 16;

/// A connection ID, inline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectionId {
    bytes: [u8; MAX_CID_LEN],
    len: u8,
}

impl ConnectionId {
    /// Copies `cid` (at most 20 bytes; longer ones are cut, which parsing never yields).
    pub fn new(cid: &[u8]) -> Self {
        let len = cid.len().min(MAX_CID_LEN);
        let mut bytes = [0u8; MAX_CID_LEN];
        bytes[..len].copy_from_slice(&cid[..len]);
        ConnectionId {
            bytes,
            len: len as u8,
        }
    }

    /// The ID's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// How one direction's hello reached the observer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SplitStats {
    /// Datagrams that carried at least one of its CRYPTO frames.
    pub datagrams: u16,
    /// Initial packets that carried at least one of its CRYPTO frames.
    pub packets: u16,
    /// CRYPTO frames (retransmissions included).
    pub frames: u16,
    /// PING and PADDING frames mixed into those packets (Chromium's "chaos protection"
    /// sends PINGs and PADDING between CRYPTO frames).
    pub ping_frames: u16,
    /// Sizes of the first datagrams that carried its frames, in order (0 = unused slot).
    pub datagram_sizes: [u16; MAX_DATAGRAM_SIZES],
    /// The first CRYPTO frames as `(offset, length)`, in arrival order.
    pub frame_log: [(u32, u16); MAX_FRAME_LOG],
    /// Used entries of `frame_log`.
    pub frame_log_len: u8,
    /// CRYPTO frames that arrived before a frame with a lower offset.
    pub out_of_order: u16,
}

impl SplitStats {
    /// The logged frames.
    pub fn frames_logged(&self) -> &[(u32, u16)] {
        &self.frame_log[..usize::from(self.frame_log_len)]
    }

    /// The logged datagram sizes.
    pub fn sizes(&self) -> &[u16] {
        let n = self.datagram_sizes.iter().take_while(|&&s| s != 0).count();
        &self.datagram_sizes[..n]
    }
}

/// One direction's hello: its reassembly buffer and statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelloStream {
    buf: HandshakeBuffer,
    stats: SplitStats,
    max_offset_seen: u64,
    error: Option<Error>,
}

impl HelloStream {
    /// The complete handshake message (4-byte handshake header included).
    pub fn message(&self) -> Option<&[u8]> {
        if self.error.is_some() {
            None
        } else {
            self.buf.message()
        }
    }

    /// True once every byte of the hello is present.
    pub fn is_complete(&self) -> bool {
        self.message().is_some()
    }

    /// How the hello was split.
    pub fn split(&self) -> &SplitStats {
        &self.stats
    }

    /// The error that stopped this direction's reassembly, if any.
    pub fn error(&self) -> Option<Error> {
        self.error
    }

    /// Bytes received and the message's total length, when known (for reporting an
    /// incomplete hello).
    pub fn progress(&self) -> (usize, Option<usize>) {
        (self.buf.received(), self.buf.total())
    }

    /// Bytes held in order from the hello's first byte (where the first gap starts).
    pub fn contiguous(&self) -> usize {
        self.buf.prefix().len()
    }

    /// Later copies of bytes that differed from the first.
    pub fn conflicts(&self) -> u16 {
        self.buf.conflicts()
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.stats = SplitStats::default();
        self.max_offset_seen = 0;
        self.error = None;
    }

    fn add_crypto(&mut self, expected_type: u8, offset: u64, data: &[u8]) -> Result<(), Error> {
        if self.error.is_some() {
            return Ok(());
        }
        let s = &mut self.stats;
        s.frames = s.frames.saturating_add(1);
        if usize::from(s.frame_log_len) < MAX_FRAME_LOG {
            s.frame_log[usize::from(s.frame_log_len)] = (
                offset.min(u64::from(u32::MAX)) as u32,
                data.len().min(0xffff) as u16,
            );
            s.frame_log_len += 1;
        }
        if s.frames > 1 && offset < self.max_offset_seen {
            s.out_of_order = s.out_of_order.saturating_add(1);
        }
        self.max_offset_seen = self.max_offset_seen.max(offset);
        let result = self.insert(expected_type, offset, data);
        if let Err(e) = result {
            self.error = Some(e);
        }
        result
    }

    fn insert(&mut self, expected_type: u8, offset: u64, data: &[u8]) -> Result<(), Error> {
        if self.buf.is_complete() {
            // Retransmissions of a complete hello: only look for conflicts.
            if offset < self.buf.total().unwrap_or(0) as u64 {
                self.buf.insert(offset, data)?;
            }
            return Ok(());
        }
        self.buf.insert(offset, data)?;
        if self.buf.total().is_none() {
            let prefix = self.buf.prefix();
            if prefix.len() >= 4 {
                if prefix[0] != expected_type {
                    return Err(Error::UnexpectedHandshake {
                        msg_type: prefix[0],
                    });
                }
                let len = u32::from_be_bytes([0, prefix[1], prefix[2], prefix[3]]) as usize;
                self.buf.set_total(4 + len)?;
            }
        }
        Ok(())
    }
}

/// What one datagram did to a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DatagramReport {
    /// Initial packets decrypted.
    pub initials: u8,
    /// Other long-header packets skipped (0-RTT, Handshake).
    pub skipped: u8,
    /// A Retry was seen, and the keys replaced.
    pub retry: bool,
    /// This datagram completed the direction's hello.
    pub completed: bool,
    /// The first error met after the first packet parsed (a packet that did not decrypt,
    /// a frame not allowed in Initial, a reassembly bound). The datagram's other packets
    /// were still used.
    pub error: Option<Error>,
}

/// An observer's view of one QUIC connection (one UDP flow).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuicConnection {
    version: u32,
    /// Set once an Initial decrypted (or a Retry named the new connection ID).
    have_keys: bool,
    /// Client and server keys of `version`, derived from `original_dcid` when first
    /// needed.
    keys: [Option<KeyMaterial>; 2],
    original_dcid: ConnectionId,
    client_scid: ConnectionId,
    retried: bool,
    largest_pn: [Option<u64>; 2],
    client: HelloStream,
    server: HelloStream,
}

impl QuicConnection {
    /// A connection with no keys yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The version of the last Initial decrypted (0 before any).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The Destination Connection ID the Initial keys came from: the client's first one,
    /// or the Retry's Source Connection ID after a Retry.
    pub fn original_dcid(&self) -> &[u8] {
        self.original_dcid.as_bytes()
    }

    /// The client's Source Connection ID (from its first Initial).
    pub fn client_scid(&self) -> &[u8] {
        self.client_scid.as_bytes()
    }

    /// True after the server sent a Retry.
    pub fn retried(&self) -> bool {
        self.retried
    }

    /// The client's hello stream.
    pub fn client(&self) -> &HelloStream {
        &self.client
    }

    /// The server's hello stream.
    pub fn server(&self) -> &HelloStream {
        &self.server
    }

    /// Feeds one UDP datagram sent by the client (`from_client`) or the server.
    /// `scratch` receives the decrypted packets; it must hold the largest Initial packet
    /// (a datagram's size is always enough).
    ///
    /// Fails when the datagram's first packet is not a QUIC long header of a known
    /// version, or when it is a server Initial and no client Initial was seen.
    pub fn on_datagram(
        &mut self,
        from_client: bool,
        datagram: &[u8],
        scratch: &mut [u8],
    ) -> Result<DatagramReport, Error> {
        let mut report = DatagramReport::default();
        let mut carried = false;
        let was_complete = if from_client {
            self.client.is_complete()
        } else {
            self.server.is_complete()
        };
        for (i, packet) in Datagram::new(datagram).enumerate() {
            let (_, bytes, header) = packet?;
            let result = match header.kind {
                LongType::Initial => self.on_initial(from_client, bytes, &header, scratch),
                LongType::Retry if !from_client => {
                    self.on_retry(&header);
                    report.retry = true;
                    Ok(false)
                }
                _ => {
                    report.skipped = report.skipped.saturating_add(1);
                    Ok(false)
                }
            };
            match result {
                Ok(had_crypto) => {
                    if header.kind == LongType::Initial {
                        report.initials = report.initials.saturating_add(1);
                    }
                    carried |= had_crypto;
                }
                Err(e) if i == 0 && matches!(e, Error::NoKeys | Error::DecryptFailed) => {
                    return Err(e);
                }
                Err(e) => {
                    report.error.get_or_insert(e);
                }
            }
        }
        let stream = if from_client {
            &mut self.client
        } else {
            &mut self.server
        };
        if carried {
            let s = &mut stream.stats;
            if usize::from(s.datagrams) < MAX_DATAGRAM_SIZES {
                s.datagram_sizes[usize::from(s.datagrams)] = datagram.len().min(0xffff) as u16;
            }
            s.datagrams = s.datagrams.saturating_add(1);
        }
        report.completed = !was_complete && stream.is_complete();
        Ok(report)
    }

    /// Decrypts one Initial packet and feeds its frames; returns whether it carried
    /// CRYPTO data.
    fn on_initial(
        &mut self,
        from_client: bool,
        bytes: &[u8],
        header: &LongHeader<'_>,
        scratch: &mut [u8],
    ) -> Result<bool, Error> {
        let dir = usize::from(!from_client);
        let version = header.params.version;
        // Keys: derived from the client's first DCID, kept across its DCID switch,
        // re-derived from the same original DCID for another version (compatible version
        // negotiation).
        let key = match self.keys[dir] {
            Some(key) if self.have_keys && self.version == version => key,
            _ if self.have_keys => {
                InitialKeys::derive_one(&header.params, self.original_dcid.as_bytes(), from_client)
            }
            _ if from_client => InitialKeys::derive_one(&header.params, header.dcid, true),
            _ => return Err(Error::NoKeys),
        };
        let opened = open_initial(bytes, header, &key, self.largest_pn[dir], scratch);
        let opened = match opened {
            Ok(o) => {
                if !self.have_keys {
                    self.have_keys = true;
                    self.original_dcid = ConnectionId::new(header.dcid);
                    self.client_scid = ConnectionId::new(header.scid);
                }
                if self.version != version {
                    self.keys = [None, None];
                    self.version = version;
                }
                self.keys[dir] = Some(key);
                o
            }
            Err(Error::DecryptFailed) if from_client && self.have_keys => {
                // A new connection reusing the 5-tuple: its own DCID gives its keys.
                let fresh = InitialKeys::derive_one(&header.params, header.dcid, true);
                let o = open_initial(bytes, header, &fresh, None, scratch)?;
                *self = QuicConnection {
                    version,
                    have_keys: true,
                    keys: [Some(fresh), None],
                    original_dcid: ConnectionId::new(header.dcid),
                    client_scid: ConnectionId::new(header.scid),
                    ..QuicConnection::default()
                };
                o
            }
            Err(e) => return Err(e),
        };
        self.largest_pn[dir] = Some(
            self.largest_pn[dir].map_or(opened.packet_number, |l| l.max(opened.packet_number)),
        );
        let (stream, expected) = if from_client {
            (&mut self.client, CLIENT_HELLO)
        } else {
            (&mut self.server, SERVER_HELLO)
        };
        let mut had_crypto = false;
        let mut pings = 0u16;
        let mut first_error = None;
        for frame in Frames::with_crypto_type(opened.payload, header.params.crypto_frame) {
            match frame {
                Ok(Frame::Crypto { offset, data }) => {
                    had_crypto = true;
                    if let Err(e) = stream.add_crypto(expected, offset, data) {
                        first_error.get_or_insert(e);
                    }
                }
                Ok(Frame::Ping) | Ok(Frame::Padding(_)) => pings += 1,
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if had_crypto {
            stream.stats.packets = stream.stats.packets.saturating_add(1);
            stream.stats.ping_frames = stream.stats.ping_frames.saturating_add(pings);
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(had_crypto),
        }
    }

    /// A Retry: the client's next Initials use the Retry's Source Connection ID as their
    /// Destination Connection ID, and the keys come from it. The client sends its hello
    /// again, so both streams start over.
    fn on_retry(&mut self, header: &LongHeader<'_>) {
        self.have_keys = true;
        self.keys = [None, None];
        self.version = header.params.version;
        self.original_dcid = ConnectionId::new(header.scid);
        self.retried = true;
        self.largest_pn = [None, None];
        self.client.reset();
        self.server.reset();
    }
}
