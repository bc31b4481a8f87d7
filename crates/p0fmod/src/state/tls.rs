//! TLS hello tracking over TCP: which connections carry a TLS handshake, and the bytes of
//! each direction's hello, reassembled by sequence number until it is whole.
//!
//! **A table of its own.** p0f's flow table is left exactly as p0f keeps it (it creates
//! flows only on a SYN, drops a flow once its first payload is not HTTP, and prunes by
//! `-m`), so that p0f's lines stay p0f's. TLS connections live in this separate table,
//! keyed like the flow table, bounded by the same limits: at most `-m c` connections (the
//! oldest is evicted when a new one needs room) and `-t c` seconds of age. An entry is
//! made only when TLS is seen, so connections whose SYN was not captured are fingerprinted
//! too.
//!
//! **Finding the handshake**, by content on any port, in each direction:
//! - a segment whose payload starts a TLS handshake record holding a ClientHello (from the
//!   client) or a ServerHello (from the server), or an SSLv2-format ClientHello; the
//!   sender of the ClientHello is the client;
//! - the data of a TCP Fast Open SYN, when it starts a ClientHello;
//! - after a plaintext STARTTLS command from the client (SMTP, IMAP, POP3, FTP `AUTH TLS`,
//!   XMPP, LDAP StartTLS, PostgreSQL SSLRequest): the client's next byte is expected to
//!   start its ClientHello;
//! - the server's hello is expected at the sequence number the client's first hello
//!   segment acknowledges (or the SYN+ACK's), so that a ServerHello whose first segment
//!   comes late is still read;
//! - after a HelloRetryRequest, each direction is read on (past ChangeCipherSpec records)
//!   for its second hello;
//! - OpenVPN over TCP: a stream that starts with OpenVPN's hard reset is read as its
//!   control channel, and the TLS handshake inside its control messages is unwrapped
//!   (with or without tls-auth; not with tls-crypt, which encrypts it).
//!
//! Where a hello's start is known before its first bytes arrive (STARTTLS, TFO, the
//! server's hello), later segments are held until the first bytes tell whether it is TLS;
//! a direction found not to be TLS there is let go, and its buffer freed.
//!
//! **What is reported**: the first hello of each direction, plus the second after a
//! HelloRetryRequest; never a retransmitted copy. A hello that cannot be read whole (a
//! gap at the end, a record larger than the window, malformed records, the connection
//! closed, expired, evicted, reused, or the capture ended) is reported as incomplete with
//! what was missing, never with a fingerprint.
//!
//! **Memory**: one [`Reassembler`] per direction while its hello is being read (at most
//! 16,389 bytes, grown as bytes arrive), freed as soon as the hello is read; about 200
//! bytes per tracked connection otherwise. Nothing is allocated for packets of other
//! connections.
//!
//! Pure: no I/O. The engine turns the hellos handed out into observations.

use std::borrow::Cow;
use std::net::IpAddr;

use p0fmod_tls::record::{CONTENT_CHANGE_CIPHER_SPEC, RECORD_HEADER_LEN};
use p0fmod_tls::{
    Detection, Extracted, Framing, HANDSHAKE_CLIENT_HELLO, HANDSHAKE_SERVER_HELLO, Handshake,
    RecordHeader, ServerHello, detect, extract_handshake,
};
use p0fmod_wire::{TcpFlags, TcpPacket};

use super::cache::{AgeMap, Slot};
use super::reassembly::{MAX_WINDOW, Reassembler};
use super::{Endpoints, FlowKey, Limits};
use crate::observation::tls::{StartTls, TlsCarriage, TlsEnd, TlsMissing};

/// Counters of TLS hello tracking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TlsStats {
    /// Hellos read whole and fingerprinted.
    pub hellos_complete: u64,
    /// Hellos reported incomplete (or malformed): no fingerprint.
    pub hellos_incomplete: u64,
    /// Connections tracked in the TLS table.
    pub connections: u64,
    /// Connections removed to make room (`-m c`).
    pub evicted: u64,
    /// Connections removed by age (`-t c`).
    pub expired: u64,
}

/// One hello handed out by the table: complete (its handshake message) or not.
pub enum Outcome<'b> {
    /// The whole handshake message.
    Complete(Handshake<'b>),
    /// What was missing.
    Incomplete(TlsMissing),
}

/// A hello handed to the engine.
pub struct HelloEvent<'b> {
    /// The connection.
    pub key: FlowKey,
    /// Sent by the client (a ClientHello) rather than the server.
    pub from_client: bool,
    /// The hello, or what was missing.
    pub outcome: Outcome<'b>,
    /// How it was carried.
    pub carriage: TlsCarriage,
}

/// Where one direction of a connection starts, as p0f's flow table knows it from the SYN:
/// handed over for early data that arrives out of order, so that the segment is held
/// until the first bytes tell whether the stream is TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamStart {
    /// The connection.
    pub key: FlowKey,
    /// The client's direction (else the server's).
    pub from_client: bool,
    /// Sequence number of the direction's first payload byte.
    pub seq: u32,
}

/// How a direction's hello start was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// A segment began with a hello.
    Content,
    /// Expected at a known sequence number (STARTTLS, TFO, the server's answer).
    Expected,
}

/// Where a direction's reading is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Reading the first hello.
    First,
    /// The client's hello was read; its next bytes are held until the server's hello
    /// tells whether a second ClientHello follows (a HelloRetryRequest).
    Held,
    /// After a HelloRetryRequest: ChangeCipherSpec records are skipped, then the second
    /// hello is read.
    Second,
}

/// A direction being read.
#[derive(Debug)]
struct Collector {
    r: Reassembler,
    stage: Stage,
    via: Via,
    tfo: bool,
    /// The stream is OpenVPN's TCP control channel: the TLS bytes are unwrapped from its
    /// control messages.
    vpn: Option<Box<OpenVpn>>,
}

impl Collector {
    fn new(first: u32, via: Via, tfo: bool) -> Collector {
        Collector {
            r: Reassembler::new(first),
            stage: Stage::First,
            via,
            tfo,
            vpn: None,
        }
    }

    /// The TLS bytes read in order: the TCP stream, or what OpenVPN's control messages
    /// carried.
    fn stream(&self) -> &[u8] {
        match &self.vpn {
            Some(v) => &v.tls,
            None => self.r.contiguous(),
        }
    }

    /// Drops the first `n` TLS bytes.
    fn consume(&mut self, n: usize) {
        match &mut self.vpn {
            Some(v) => {
                v.tls.drain(..n.min(v.tls.len()));
            }
            None => self.r.consume(n),
        }
    }

    /// TLS bytes held within the first `len` (in order or not).
    fn held_within(&self, len: usize) -> usize {
        match &self.vpn {
            Some(v) => v.tls.len().min(len),
            None => self.r.held_within(len),
        }
    }
}

/// OpenVPN over TCP: packets of a 2-byte length, an opcode byte, a session id, the
/// tls-auth block (HMAC, packet id and time; none without tls-auth), acknowledgements and,
/// for control messages (`P_CONTROL_V1`), a message id and a piece of the TLS stream.
#[derive(Debug)]
struct OpenVpn {
    /// Bytes of the tls-auth block.
    auth: usize,
    /// The next control message id to take (the hard reset's plus one).
    next_id: u32,
    /// The TLS bytes unwrapped so far (at most one window).
    tls: Vec<u8>,
}

/// OpenVPN's opcodes (the high 5 bits of the byte after the length).
const OPENVPN_CONTROL: u8 = 4;
const OPENVPN_HARD_RESET_CLIENT_V2: u8 = 7;
const OPENVPN_HARD_RESET_SERVER_V2: u8 = 8;

/// Whether `payload` starts OpenVPN's TCP control channel: a version 2 hard reset from the
/// client (`from_client`) or the server, key id 0, whose length tells a plausible tls-auth
/// block (none, or an HMAC of MD5, SHA-1, SHA-224/256, SHA-384 or SHA-512 plus 8 bytes).
/// Returns who sent it and the tls-auth block's size.
fn openvpn_start(payload: &[u8]) -> Option<(bool, usize)> {
    let len = usize::from(u16::from_be_bytes([*payload.first()?, *payload.get(1)?]));
    let op = *payload.get(2)?;
    let (from_client, fixed) = match op {
        o if o == OPENVPN_HARD_RESET_CLIENT_V2 << 3 => (true, 14),
        o if o == OPENVPN_HARD_RESET_SERVER_V2 << 3 => (false, 26),
        _ => return None,
    };
    let auth = len.checked_sub(fixed)?;
    let auth_ok = auth == 0 || (auth > 8 && matches!(auth - 8, 16 | 20 | 28 | 32 | 48 | 64));
    // A server's hard reset acknowledges one message: its count byte says so.
    let acks_ok = from_client || payload.get(3 + 8 + auth) == Some(&1);
    (auth_ok && acks_ok).then_some((from_client, auth))
}

impl OpenVpn {
    /// Moves the whole OpenVPN packets at the front of `r` into the TLS stream: the pieces
    /// of control messages taken in message-id order from the hard reset's (repeats
    /// skipped), other packets dropped. False when the bytes are not OpenVPN or the TLS bytes outgrow a window.
    fn unwrap(&mut self, r: &mut Reassembler) -> bool {
        loop {
            let buf = r.contiguous();
            let Some(len) = buf
                .get(..2)
                .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
            else {
                return true;
            };
            let Some(pkt) = buf.get(2..2 + len) else {
                return 2 + len <= MAX_WINDOW;
            };
            let op = pkt.first().map(|op| op >> 3);
            let reset = matches!(
                op,
                Some(OPENVPN_HARD_RESET_CLIENT_V2 | OPENVPN_HARD_RESET_SERVER_V2)
            );
            if op == Some(OPENVPN_CONTROL) || reset {
                let acks_at = 1 + 8 + self.auth;
                let Some(&acks) = pkt.get(acks_at) else {
                    return false;
                };
                let acks = usize::from(acks);
                let id_at = acks_at + 1 + 4 * acks + if acks > 0 { 8 } else { 0 };
                let Some(id) = pkt
                    .get(id_at..id_at + 4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                else {
                    return false;
                };
                if reset {
                    // The hard reset is message 0 (or the id the next messages follow).
                    self.next_id = id.wrapping_add(1);
                } else if id == self.next_id {
                    let piece = &pkt[id_at + 4..];
                    if self.tls.len() + piece.len() > MAX_WINDOW {
                        return false;
                    }
                    self.tls.extend_from_slice(piece);
                    self.next_id = self.next_id.wrapping_add(1);
                }
            } else if pkt.is_empty() {
                return false;
            }
            r.consume(2 + len);
        }
    }
}

/// One direction of a connection.
#[derive(Debug)]
enum Phase {
    /// Nothing TLS seen yet.
    Idle,
    /// A hello is expected to start at this sequence number.
    Expect { seq: u32, tfo: bool },
    /// Reading.
    Collect(Box<Collector>),
    /// Nothing more wanted.
    Done,
}

/// A connection in the TLS table.
#[derive(Debug)]
struct TlsFlow {
    key: FlowKey,
    created: i64,
    /// Client to server, server to client.
    dirs: [Phase; 2],
    /// The server's first hello was a HelloRetryRequest (`Some(true)`) or not.
    server_hrr: Option<bool>,
    /// A hello was handed out for this direction.
    hello_seen: [bool; 2],
    fin: [bool; 2],
    starttls: Option<StartTls>,
}

impl TlsFlow {
    fn new(key: FlowKey, now: i64) -> TlsFlow {
        TlsFlow {
            key,
            created: now,
            dirs: [Phase::Idle, Phase::Idle],
            server_hrr: None,
            hello_seen: [false; 2],
            fin: [false; 2],
            starttls: None,
        }
    }
}

const CLIENT: usize = 0;
const SERVER: usize = 1;

/// What a segment's first bytes start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HelloStart {
    /// A TLS record with a ClientHello, or an SSLv2-format ClientHello.
    Client,
    /// A TLS record with a ServerHello.
    Server,
}

/// Whether `payload` starts a hello: a handshake record header whose first message is a
/// ClientHello or ServerHello with a plausible length and a version 3.x, or an
/// SSLv2-format ClientHello. The checks make a false start on random bytes (an encrypted
/// record) about one in ten billion.
fn hello_start(payload: &[u8]) -> Option<HelloStart> {
    match detect(payload) {
        Detection::Handshake {
            msg_type: Some(t @ (HANDSHAKE_CLIENT_HELLO | HANDSHAKE_SERVER_HELLO)),
        } => {
            // Handshake length (3 bytes) and the hello's version, when present.
            let len_ok = payload.get(6..9).is_none_or(|l| {
                let n = usize::from(l[0]) << 16 | usize::from(l[1]) << 8 | usize::from(l[2]);
                (34..=16_380).contains(&n)
            });
            let version_ok = payload.get(9..11).is_none_or(|v| v[0] == 3 && v[1] <= 4);
            (len_ok && version_ok).then_some(if t == HANDSHAKE_CLIENT_HELLO {
                HelloStart::Client
            } else {
                HelloStart::Server
            })
        }
        Detection::Sslv2ClientHello => Some(HelloStart::Client),
        _ => None,
    }
}

/// The longest segment read as a STARTTLS command.
const MAX_STARTTLS_COMMAND: usize = 128;

/// Whether a client's segment is a STARTTLS request, and of which protocol.
pub fn starttls_command(payload: &[u8]) -> Option<StartTls> {
    const POSTGRES_SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
    const LDAP_STARTTLS_OID: &[u8] = b"1.3.6.1.4.1.1466.20037";
    if payload.len() > MAX_STARTTLS_COMMAND {
        return None;
    }
    if payload == POSTGRES_SSL_REQUEST {
        return Some(StartTls::Postgresql);
    }
    let contains = |needle: &[u8]| payload.windows(needle.len()).any(|w| w == needle);
    match payload.first()? {
        // An LDAPMessage (SEQUENCE) holding an ExtendedRequest ([APPLICATION 23]).
        0x30 if contains(LDAP_STARTTLS_OID) && payload.contains(&0x77) => Some(StartTls::Ldap),
        b'<' if contains(b"<starttls") => Some(StartTls::Xmpp),
        _ => {
            let line = payload.strip_suffix(b"\n")?;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let is = |word: &[u8]| line.eq_ignore_ascii_case(word);
            if is(b"STARTTLS") {
                Some(StartTls::Smtp)
            } else if is(b"STLS") {
                Some(StartTls::Pop3)
            } else if is(b"AUTH TLS") || is(b"AUTH SSL") || is(b"AUTH TLS-C") {
                Some(StartTls::Ftp)
            } else {
                // IMAP: a tag (letters, digits, a few symbols), a space, STARTTLS.
                let (tag, cmd) = line.split_at(line.iter().position(|&b| b == b' ')?);
                // (Not all digits: that is an SMTP server's `250 STARTTLS` reply line.)
                let tag_ok = !tag.is_empty()
                    && tag.iter().all(|b| b.is_ascii_graphic())
                    && !tag.iter().all(|b| b.is_ascii_digit());
                (tag_ok && cmd[1..].eq_ignore_ascii_case(b"STARTTLS")).then_some(StartTls::Imap)
            }
        }
    }
}

/// Whether a packet can matter to an empty TLS table: its payload starts a hello or is a
/// STARTTLS command. The engine's fast path for the common case.
pub fn could_start(payload: &[u8]) -> bool {
    let Some(&first) = payload.first() else {
        return false;
    };
    // Cheap rejects first: each form has its own first byte (a handshake record, an SSLv2
    // header, an OpenVPN length, a STARTTLS line, an LDAP message, an XMPP element).
    match first {
        0x16 | 0x80..=0xff => hello_start(payload).is_some(),
        0x00 => openvpn_start(payload).is_some() || starttls_command(payload).is_some(),
        0x30 | b'<' => starttls_command(payload).is_some(),
        // (The length first: the last byte of a full segment is on a cache line nothing
        // else reads.)
        _ => {
            payload.len() <= MAX_STARTTLS_COMMAND
                && payload.last() == Some(&b'\n')
                && starttls_command(payload).is_some()
        }
    }
}

/// Whether a segment may be the start of a TLS record cut too short to be recognised (under
/// the six bytes of a record header and a handshake type, with what there is matching).
pub fn could_be_cut_short(payload: &[u8]) -> bool {
    payload.len() < 6 && matches!(detect(payload), Detection::NeedMore)
}

/// Buckets of [`TlsTable`]'s quick filter.
const FILTER_BUCKETS: usize = 1 << 14;

/// A filter count that is no longer kept exact.
const FILTER_STUCK: u8 = u8::MAX;

/// A filter bucket for a packet's ends: the ports and the low bytes of the addresses,
/// the same whichever way the packet goes.
fn bucket(a: IpAddr, a_port: u16, b: IpAddr, b_port: u16) -> usize {
    let low = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => u32::from(v4),
        IpAddr::V6(v6) => u128::from(v6) as u32,
    };
    let h = (low(a) ^ low(b)).wrapping_mul(0x9e37_79b1) ^ u32::from(a_port ^ b_port);
    (h.wrapping_mul(0x85eb_ca6b) >> 18) as usize & (FILTER_BUCKETS - 1)
}

/// The TLS table.
pub struct TlsTable {
    flows: AgeMap<Endpoints, TlsFlow>,
    /// One bit per bucket, set while a tracked connection falls in it: a packet whose
    /// bucket's bit is clear belongs to none, and is let go without a lookup. Read for
    /// every TCP packet, so it is kept small (2 KiB) to stay in the nearest cache.
    filter: Box<[u64]>,
    /// How many tracked connections fall in each bucket (read only when connections come
    /// and go). A count that reaches [`FILTER_STUCK`] stays there: its bucket then always
    /// asks for a lookup, which is only slower.
    filter_counts: Box<[u8]>,
    max_flows: usize,
    max_age: u32,
    scratch: Vec<u8>,
    last_expiry_sec: Option<i64>,
    /// Counters.
    pub stats: TlsStats,
}

impl TlsTable {
    /// An empty table with the flow table's limits (`-m c` connections, `-t c` seconds).
    pub fn new(limits: Limits) -> TlsTable {
        TlsTable {
            flows: AgeMap::default(),
            filter: vec![0; FILTER_BUCKETS / 64].into_boxed_slice(),
            filter_counts: vec![0; FILTER_BUCKETS].into_boxed_slice(),
            max_flows: limits.max_conn.max(1) as usize,
            max_age: limits.conn_max_age,
            scratch: Vec::new(),
            last_expiry_sec: None,
            stats: TlsStats::default(),
        }
    }

    /// Connections tracked now.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// True when no connection is tracked.
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Heap bytes held by reassembly buffers (for tests of the bounds).
    pub fn buffer_bytes(&self) -> usize {
        let mut total = 0;
        let mut cursor = self.flows.oldest();
        while let Some(slot) = cursor {
            for phase in &self.flows.get(slot).dirs {
                if let Phase::Collect(c) = phase {
                    total += c.r.heap_bytes();
                }
            }
            cursor = self.flows.newer(slot);
        }
        total
    }

    /// Whether a packet needs [`TlsTable::on_packet`]: cheap, and false for most packets
    /// of connections that are not TLS. `could_start_here`, when given, is
    /// [`could_start`] of the packet's payload computed beforehand (by the thread that
    /// read it, so that this one need not touch the payload).
    pub fn wants(&self, pkt: &TcpPacket<'_>, could_start_here: Option<bool>) -> bool {
        // A bare ACK (most packets) matters to no connection, tracked or not.
        if pkt.payload.is_empty() && pkt.flags.kind() == TcpFlags::ACK {
            return false;
        }
        let tracked = !self.flows.is_empty()
            && self.filter_has(bucket(pkt.src, pkt.src_port, pkt.dst, pkt.dst_port));
        tracked || could_start_here.unwrap_or_else(|| could_start(pkt.payload))
    }

    /// Whether a tracked connection may fall in bucket `b`.
    fn filter_has(&self, b: usize) -> bool {
        self.filter[b / 64] & (1 << (b % 64)) != 0
    }

    /// Adds a connection, counted in the filter.
    fn insert(&mut self, ends: Endpoints, flow: TlsFlow) -> Slot {
        let k = flow.key;
        let b = bucket(k.client, k.cli_port, k.server, k.srv_port);
        let count = &mut self.filter_counts[b];
        if *count < FILTER_STUCK {
            *count += 1;
        }
        self.filter[b / 64] |= 1 << (b % 64);
        self.stats.connections += 1;
        self.flows.insert(ends, flow)
    }

    /// Removes a connection and its count in the filter.
    fn remove(&mut self, slot: Slot) {
        let k = self.flows.remove(slot).key;
        let b = bucket(k.client, k.cli_port, k.server, k.srv_port);
        let count = &mut self.filter_counts[b];
        if *count < FILTER_STUCK {
            *count -= 1;
            if *count == 0 {
                self.filter[b / 64] &= !(1 << (b % 64));
            }
        }
    }

    /// Takes one TCP packet at packet time `now` (seconds); hands out the hellos it
    /// completes (or ends) to `out`.
    pub fn on_packet(
        &mut self,
        pkt: &TcpPacket<'_>,
        now: i64,
        stream_start: Option<StreamStart>,
        out: &mut dyn FnMut(HelloEvent<'_>),
    ) {
        let flags = pkt.flags;
        let syn = flags.has(TcpFlags::SYN);
        let ack = flags.has(TcpFlags::ACK);
        let rst = flags.has(TcpFlags::RST);
        let data_seq = if syn {
            pkt.seq.wrapping_add(1)
        } else {
            pkt.seq
        };
        let ends = Endpoints::new((pkt.src, pkt.src_port), (pkt.dst, pkt.dst_port));
        let mut slot = self.flows.find(&ends);
        if let Some(s) = slot
            && syn
            && !ack
        {
            // A SYN: a new connection on the same ends, unless it repeats a TFO SYN.
            let flow = self.flows.get(s);
            let repeat = flow.key.client == pkt.src
                && flow.key.cli_port == pkt.src_port
                && match &flow.dirs[CLIENT] {
                    Phase::Collect(c) => c.tfo,
                    Phase::Expect { seq, tfo } => *tfo && *seq == data_seq,
                    _ => false,
                };
            if !repeat {
                self.end_flow(s, TlsEnd::NewConnection, out);
                slot = None;
            }
        }
        let slot = match slot {
            Some(s) => s,
            None => {
                if rst || pkt.payload.is_empty() || (syn && ack) {
                    return;
                }
                if hello_start(pkt.payload).is_none()
                    && let Some(start) = stream_start
                {
                    // Early data out of order: held until the stream's first bytes come.
                    self.make_room(out);
                    let s = self.insert(ends, TlsFlow::new(start.key, now));
                    let dir = if start.from_client { CLIENT } else { SERVER };
                    self.flows.get_mut(s).dirs[dir] = Phase::Expect {
                        seq: start.seq,
                        tfo: false,
                    };
                    let acked = ack.then_some(pkt.ack);
                    self.segment(s, dir, data_seq, pkt.payload, acked, out);
                    return;
                }
                let from_client = match hello_start(pkt.payload) {
                    Some(HelloStart::Client) => true,
                    Some(HelloStart::Server) if !syn => false,
                    None if !syn && starttls_command(pkt.payload).is_some() => true,
                    None if !syn => match openvpn_start(pkt.payload) {
                        Some((from_client, _)) => from_client,
                        None => return,
                    },
                    _ => return,
                };
                let key = if from_client {
                    FlowKey {
                        client: pkt.src,
                        cli_port: pkt.src_port,
                        server: pkt.dst,
                        srv_port: pkt.dst_port,
                    }
                } else {
                    FlowKey {
                        client: pkt.dst,
                        cli_port: pkt.dst_port,
                        server: pkt.src,
                        srv_port: pkt.src_port,
                    }
                };
                self.make_room(out);
                let s = self.insert(ends, TlsFlow::new(key, now));
                if syn {
                    self.flows.get_mut(s).dirs[CLIENT] = Phase::Expect {
                        seq: data_seq,
                        tfo: true,
                    };
                }
                s
            }
        };
        let flow = self.flows.get_mut(slot);
        let dir = if is_client(&flow.key, pkt.src, pkt.src_port) {
            CLIENT
        } else {
            SERVER
        };
        if syn && ack && dir == SERVER && matches!(flow.dirs[SERVER], Phase::Idle) {
            flow.dirs[SERVER] = Phase::Expect {
                seq: data_seq,
                tfo: false,
            };
        }
        if !pkt.payload.is_empty() {
            let acked = ack.then_some(pkt.ack);
            self.segment(slot, dir, data_seq, pkt.payload, acked, out);
        }
        let flow = self.flows.get_mut(slot);
        if rst {
            self.end_flow(slot, TlsEnd::Closed, out);
            return;
        }
        if flags.has(TcpFlags::FIN) {
            flow.fin[dir] = true;
            if flow.fin == [true, true] {
                self.end_flow(slot, TlsEnd::Closed, out);
                return;
            }
        }
        let flow = self.flows.get(slot);
        let idle = |p: &Phase| matches!(p, Phase::Idle | Phase::Done);
        let nothing_seen = flow.hello_seen == [false, false] && flow.starttls.is_none();
        if matches!(flow.dirs, [Phase::Done, Phase::Done])
            || (nothing_seen && flow.dirs.iter().all(idle))
        {
            // Both hellos read, or held bytes that turned out not to be TLS.
            self.remove(slot);
        }
    }

    /// Ends connections older than the age limit, as p0f's expiry does for flows (at most
    /// once per second of packet time).
    pub fn expire(&mut self, now: i64, out: &mut dyn FnMut(HelloEvent<'_>)) {
        if self.last_expiry_sec == Some(now) {
            return;
        }
        self.last_expiry_sec = Some(now);
        while let Some(slot) = self.flows.oldest() {
            if super::age(now, self.flows.get(slot).created) <= self.max_age {
                break;
            }
            self.stats.expired += 1;
            self.end_flow(slot, TlsEnd::Expired, out);
        }
    }

    /// Ends every connection: the capture is over.
    pub fn finish(&mut self, out: &mut dyn FnMut(HelloEvent<'_>)) {
        while let Some(slot) = self.flows.oldest() {
            self.end_flow(slot, TlsEnd::CaptureEnd, out);
        }
    }

    /// Evicts the oldest connection when the table is full.
    fn make_room(&mut self, out: &mut dyn FnMut(HelloEvent<'_>)) {
        while self.flows.len() >= self.max_flows {
            let Some(oldest) = self.flows.oldest() else {
                return;
            };
            self.stats.evicted += 1;
            self.end_flow(oldest, TlsEnd::Evicted, out);
        }
    }

    /// Reports the hellos still being read as incomplete, and removes the connection.
    fn end_flow(&mut self, slot: Slot, reason: TlsEnd, out: &mut dyn FnMut(HelloEvent<'_>)) {
        for dir in [CLIENT, SERVER] {
            self.give_up(slot, dir, reason, None, out);
        }
        self.remove(slot);
    }

    /// Stops reading a direction; reports its hello as incomplete when one was being read.
    fn give_up(
        &mut self,
        slot: Slot,
        dir: usize,
        reason: TlsEnd,
        detail: Option<Cow<'static, str>>,
        out: &mut dyn FnMut(HelloEvent<'_>),
    ) {
        let flow = self.flows.get_mut(slot);
        let phase = std::mem::replace(&mut flow.dirs[dir], Phase::Done);
        let Phase::Collect(c) = phase else {
            return;
        };
        if c.stage == Stage::Held {
            return;
        }
        let prefix = c.stream();
        let other_spoke = flow.hello_seen[1 - dir] || flow.starttls.is_some();
        let tls_seen = match detect(prefix) {
            Detection::Handshake { .. } | Detection::Sslv2ClientHello => true,
            Detection::NeedMore => {
                c.via == Via::Content
                    || (c.held_within(MAX_WINDOW) > 0 && (other_spoke || c.stage == Stage::Second))
            }
            Detection::NotTls => c.stage == Stage::Second && !prefix.is_empty(),
        };
        if !tls_seen && reason != TlsEnd::Malformed && reason != TlsEnd::TooLarge {
            return;
        }
        let wanted = match extract_handshake(prefix, &mut self.scratch) {
            Extracted::NeedMore { wanted } if !prefix.is_empty() => wanted,
            _ => 0,
        };
        let missing = TlsMissing {
            reason,
            have: prefix.len() as u32,
            wanted: wanted as u32,
            held: c.held_within(wanted) as u32,
            detail,
        };
        let carriage = carriage(&c, flow.starttls, 0, false);
        let key = flow.key;
        out(HelloEvent {
            key,
            from_client: dir == CLIENT,
            outcome: Outcome::Incomplete(missing),
            carriage,
        });
    }

    /// One segment with payload for direction `dir` of a tracked connection.
    fn segment(
        &mut self,
        slot: Slot,
        dir: usize,
        seq: u32,
        payload: &[u8],
        acked: Option<u32>,
        out: &mut dyn FnMut(HelloEvent<'_>),
    ) {
        let flow = self.flows.get_mut(slot);
        let start = match flow.dirs[dir] {
            Phase::Done => return,
            Phase::Collect(_) => None,
            Phase::Idle => {
                let wanted = if dir == CLIENT {
                    HelloStart::Client
                } else {
                    HelloStart::Server
                };
                if hello_start(payload) == Some(wanted)
                    || openvpn_start(payload).is_some_and(|(c, _)| c == (dir == CLIENT))
                {
                    Some((seq, Via::Content, false))
                } else {
                    if dir == CLIENT
                        && let Some(protocol) = starttls_command(payload)
                    {
                        flow.starttls = Some(protocol);
                        flow.dirs[dir] = Phase::Expect {
                            seq: seq.wrapping_add(payload.len() as u32),
                            tfo: false,
                        };
                    }
                    return;
                }
            }
            Phase::Expect { seq: expected, tfo } => {
                // Segments wholly before the expected start (plaintext, repeats) are not
                // the hello's.
                let end = seq.wrapping_add(payload.len() as u32);
                if (end.wrapping_sub(expected) as i32) <= 0 {
                    if dir == CLIENT
                        && let Some(protocol) = starttls_command(payload)
                    {
                        flow.starttls = Some(protocol);
                    }
                    return;
                }
                Some((expected, Via::Expected, tfo))
            }
        };
        if let Some((first, via, tfo)) = start {
            flow.dirs[dir] = Phase::Collect(Box::new(Collector::new(first, via, tfo)));
            // The client's first hello segment acknowledges the server's first byte: the
            // server's hello is expected there.
            if dir == CLIENT
                && seq == first
                && let Some(ack) = acked
                && matches!(flow.dirs[SERVER], Phase::Idle)
            {
                flow.dirs[SERVER] = Phase::Expect {
                    seq: ack,
                    tfo: false,
                };
            }
        }
        let Phase::Collect(c) = &mut flow.dirs[dir] else {
            return;
        };
        c.r.insert(seq, payload);
        self.advance(slot, dir, out);
    }

    /// Reads what the contiguous bytes of a direction allow: hands out a hello when one is
    /// whole, moves the stages on.
    fn advance(&mut self, slot: Slot, dir: usize, out: &mut dyn FnMut(HelloEvent<'_>)) {
        let flow = self.flows.get_mut(slot);
        let Phase::Collect(c) = &mut flow.dirs[dir] else {
            return;
        };
        if c.vpn.is_none()
            && c.stage == Stage::First
            && let Some((from_client, auth)) = openvpn_start(c.r.contiguous())
            && from_client == (dir == CLIENT)
        {
            c.vpn = Some(Box::new(OpenVpn {
                auth,
                next_id: 0,
                tls: Vec::new(),
            }));
        }
        if let Some(v) = &mut c.vpn
            && !v.unwrap(&mut c.r)
        {
            flow.dirs[dir] = Phase::Done;
            return;
        }
        match c.stage {
            Stage::Held | Stage::Second => {
                // ChangeCipherSpec records (middlebox compatibility) before the hello.
                while let Some(h) = RecordHeader::parse(c.stream())
                    && h.content_type == CONTENT_CHANGE_CIPHER_SPEC
                {
                    let n = RECORD_HEADER_LEN + usize::from(h.length);
                    if c.stream().len() < n {
                        return;
                    }
                    c.consume(n);
                }
            }
            Stage::First => {}
        }
        // While held, only a further ClientHello is read (a client may send one before the
        // server answers: tools report it, so p0fmod does too).
        if c.stage == Stage::Held && hello_start(c.stream()) != Some(HelloStart::Client) {
            return;
        }
        let stage = c.stage;
        let via = c.via;
        let result = match extract_handshake(c.stream(), &mut self.scratch) {
            Extracted::NotTls => Err(None),
            Extracted::NeedMore { wanted } if wanted > MAX_WINDOW => {
                Err(Some((TlsEnd::TooLarge, None)))
            }
            Extracted::NeedMore { .. } => return,
            Extracted::TooLarge { .. } => Err(Some((TlsEnd::TooLarge, None))),
            Extracted::Malformed(e) => Err(Some((TlsEnd::Malformed, Some(Cow::Borrowed(e.what))))),
            Extracted::Complete(hs) => {
                let expected = if dir == CLIENT {
                    HANDSHAKE_CLIENT_HELLO
                } else {
                    HANDSHAKE_SERVER_HELLO
                };
                if hs.msg_type != expected {
                    Err(None)
                } else {
                    let hrr = dir == SERVER
                        && ServerHello::from_handshake(&hs)
                            .is_ok_and(|h| h.is_hello_retry_request());
                    let sslv2 = hs.framing == Framing::Sslv2;
                    let carriage = carriage(c, flow.starttls, hs.records, sslv2);
                    let record_end = hs.record_end;
                    out(HelloEvent {
                        key: flow.key,
                        from_client: dir == CLIENT,
                        outcome: Outcome::Complete(hs),
                        carriage,
                    });
                    Ok((hrr, record_end))
                }
            }
        };
        match result {
            Err(Some((reason, detail))) => self.give_up(slot, dir, reason, detail, out),
            Err(None) => {
                // Not TLS where a hello was expected (a refused STARTTLS, a plaintext
                // answer): let the direction go; a later hello can still start it.
                let flow = self.flows.get_mut(slot);
                flow.dirs[dir] = if stage == Stage::First && via == Via::Expected {
                    Phase::Idle
                } else {
                    Phase::Done
                };
            }
            Ok((hrr, record_end)) => {
                let flow = self.flows.get_mut(slot);
                flow.hello_seen[dir] = true;
                if stage == Stage::Held {
                    move_on(&mut flow.dirs[dir], record_end, Stage::Held);
                    self.advance(slot, dir, out);
                    return;
                }
                if stage == Stage::Second {
                    flow.dirs[dir] = Phase::Done;
                    return;
                }
                if dir == CLIENT {
                    match flow.server_hrr {
                        Some(false) => flow.dirs[CLIENT] = Phase::Done,
                        Some(true) => move_on(&mut flow.dirs[CLIENT], record_end, Stage::Second),
                        None => move_on(&mut flow.dirs[CLIENT], record_end, Stage::Held),
                    }
                    self.advance(slot, CLIENT, out);
                } else {
                    flow.server_hrr = Some(hrr);
                    if hrr {
                        move_on(&mut flow.dirs[SERVER], record_end, Stage::Second);
                        if let Phase::Collect(c) = &mut flow.dirs[CLIENT]
                            && c.stage == Stage::Held
                        {
                            c.stage = Stage::Second;
                        }
                        self.advance(slot, SERVER, out);
                        self.advance(slot, CLIENT, out);
                    } else {
                        flow.dirs[SERVER] = Phase::Done;
                        if let Phase::Collect(c) = &flow.dirs[CLIENT]
                            && c.stage == Stage::Held
                        {
                            flow.dirs[CLIENT] = Phase::Done;
                        }
                    }
                }
            }
        }
    }
}

/// After a hello: drops its records from the buffer and moves to `stage`, or stops when
/// the last record runs past what is held (the stream cannot be followed record by
/// record from there).
fn move_on(phase: &mut Phase, record_end: usize, stage: Stage) {
    if let Phase::Collect(c) = phase
        && record_end <= c.stream().len()
    {
        c.consume(record_end);
        c.stage = stage;
    } else {
        *phase = Phase::Done;
    }
}

fn is_client(key: &FlowKey, src: IpAddr, sport: u16) -> bool {
    key.client == src && key.cli_port == sport
}

fn carriage(c: &Collector, starttls: Option<StartTls>, records: usize, sslv2: bool) -> TlsCarriage {
    TlsCarriage {
        transport: "tcp",
        segments: c.r.segments(),
        retransmits: c.r.duplicates(),
        dropped: c.r.dropped_segments(),
        records: records.min(usize::from(u16::MAX)) as u16,
        sslv2,
        tfo: c.tfo,
        starttls,
        retry: c.stage == Stage::Second,
        openvpn: c.vpn.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starttls_commands_are_recognised() {
        assert_eq!(starttls_command(b"STARTTLS\r\n"), Some(StartTls::Smtp));
        assert_eq!(starttls_command(b"starttls\n"), Some(StartTls::Smtp));
        assert_eq!(starttls_command(b"a001 STARTTLS\r\n"), Some(StartTls::Imap));
        assert_eq!(starttls_command(b"STLS\r\n"), Some(StartTls::Pop3));
        assert_eq!(starttls_command(b"AUTH TLS\r\n"), Some(StartTls::Ftp));
        assert_eq!(
            starttls_command(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
            Some(StartTls::Xmpp)
        );
        assert_eq!(
            starttls_command(&[0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]),
            Some(StartTls::Postgresql)
        );
        // An LDAP ExtendedRequest for StartTLS (message id 1), as ldapsearch -ZZ sends it.
        let mut ldap = vec![0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16];
        ldap.extend_from_slice(b"1.3.6.1.4.1.1466.20037");
        assert_eq!(starttls_command(&ldap), Some(StartTls::Ldap));
        for other in [
            &b"EHLO example.com\r\n"[..],
            b"STARTTLS",
            b"GET / HTTP/1.1\r\n",
            b" STARTTLS\r\n",
            b"250 STARTTLS\r\n",
            b"",
        ] {
            assert_eq!(starttls_command(other), None, "{other:?}");
        }
    }
}
