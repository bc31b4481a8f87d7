//! TLS hellos over UDP: QUIC Initial packets and DTLS handshakes, per UDP flow.
//!
//! **A table of its own**, beside p0f's flow table (which stays exactly p0f's) and the TCP
//! TLS table, bounded by the same limits: at most `-m c` UDP flows (the oldest is evicted
//! when a new one needs room) and `-t c` seconds of age. A flow is made only for a QUIC
//! client Initial that decrypts (so bogus Initials and random datagrams never take an
//! entry) or a DTLS ClientHello record.
//!
//! **Cheap rejection**: a datagram is looked at only when its first bytes are a QUIC long
//! header of a known version or a DTLS handshake record of epoch 0
//! ([`p0fmod_quic::is_known_long_header`], [`p0fmod_quic::is_dtls_handshake`]); any other
//! UDP payload costs those few byte comparisons, with no lookup and no allocation.
//!
//! **What is reported**: the first complete hello of each direction (for DTLS also the
//! client's second, cookie-bearing hello), with how it was split; a direction whose hello
//! was started but never completed is reported as incomplete when its flow is expired,
//! evicted or the capture ends. A QUIC Retry replaces the keys; a hello already reported
//! is not reported again.
//!
//! **Memory**: per flow, a boxed [`QuicConnection`] (about 1 KiB, plus the hello bytes
//! buffered, at most [`p0fmod_quic::MAX_HELLO`] per direction) or two DTLS streams; one
//! 64 KiB decryption scratch buffer per table, allocated at the first QUIC candidate.
//!
//! Pure: no I/O. The engine turns the hellos handed out into observations.

use p0fmod_quic::dtls::{CONTENT_HANDSHAKE, DtlsHelloStream, RECORD_HEADER_LEN};
use p0fmod_quic::{
    DtlsSplit, LongType, QuicConnection, SplitStats, is_dtls_handshake, is_known_long_header,
    parse_long_header,
};
use p0fmod_wire::UdpPacket;

use super::cache::{AgeMap, Slot};
use super::{Endpoints, FlowKey, Limits};

/// Handshake type of a ClientHello.
const CLIENT_HELLO: u8 = 1;
/// Handshake type of a ServerHello.
const SERVER_HELLO: u8 = 2;
/// Size of the decryption scratch buffer: the largest UDP payload.
const SCRATCH_LEN: usize = 65536;
/// DTLS hellos reported per direction: the first, and the one after a cookie exchange.
const MAX_DTLS_HELLOS: u8 = 2;

/// Counters of the UDP table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct UdpStats {
    /// UDP datagrams seen.
    pub datagrams: u64,
    /// Datagrams that looked like QUIC or DTLS (passed the cheap checks).
    pub candidates: u64,
    /// Candidate datagrams that were not usable (did not decrypt, no flow, malformed).
    pub rejected: u64,
    /// UDP flows made (QUIC or DTLS).
    pub flows: u64,
    /// Flows removed to make room (`-m c`).
    pub evicted: u64,
    /// Flows removed by age (`-t c`).
    pub expired: u64,
    /// Flows in the table now.
    pub current: u64,
    /// The most flows held at once.
    pub peak: u64,
}

/// The UDP protocol that carried a hello.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UdpTransport {
    /// QUIC (Initial packets).
    Quic,
    /// DTLS.
    Dtls,
}

impl UdpTransport {
    /// The transport's name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            UdpTransport::Quic => "quic",
            UdpTransport::Dtls => "dtls",
        }
    }
}

/// QUIC facts of a connection, for a hello's observation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuicFacts {
    /// The version of the Initial packets.
    pub version: u32,
    /// Length of the client's original Destination Connection ID.
    pub dcid_len: u8,
    /// Length of the client's Source Connection ID.
    pub scid_len: u8,
    /// The server sent a Retry before this hello.
    pub retry: bool,
    /// How this direction's hello was split.
    pub split: SplitStats,
}

/// Why a UDP hello could not be read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UdpEnd {
    /// The flow was tracked longer than `-t c` seconds.
    Expired,
    /// The table was full and this was its oldest flow.
    Evicted,
    /// The capture ended.
    CaptureEnd,
    /// The handshake bytes were inconsistent or over the bound.
    Malformed,
}

/// One hello handed out by the table.
#[derive(Debug)]
pub enum UdpOutcome<'b> {
    /// A complete hello: the handshake message type and its body (after the 4-byte TLS
    /// or 12-byte DTLS handshake header).
    Complete {
        /// Handshake type (1 ClientHello, 2 ServerHello).
        msg_type: u8,
        /// The body.
        body: &'b [u8],
    },
    /// What was missing.
    Incomplete {
        /// Why reading stopped.
        reason: UdpEnd,
        /// Bytes held in order from the hello's first byte.
        have: u32,
        /// Bytes held.
        held: u32,
        /// The message's length with its header, when known (else 0).
        wanted: u32,
        /// For [`UdpEnd::Malformed`]: what was wrong.
        detail: Option<p0fmod_quic::Error>,
    },
}

/// A hello handed out by the table, with its flow and carriage.
#[derive(Debug)]
pub struct UdpHello<'b> {
    /// The flow's ends (the client sent the first Initial or ClientHello).
    pub key: FlowKey,
    /// The hello went from client to server.
    pub from_client: bool,
    /// QUIC or DTLS.
    pub transport: UdpTransport,
    /// The hello or what was missing.
    pub outcome: UdpOutcome<'b>,
    /// QUIC: the connection's facts and the hello's split.
    pub quic: Option<QuicFacts>,
    /// DTLS: the hello's split, its message_seq (1 = after a cookie exchange) and record
    /// version.
    pub dtls: Option<(DtlsSplit, u16, u16)>,
}

/// What a UDP flow carries.
enum Proto {
    Quic(Box<QuicConnection>),
    Dtls(Box<[DtlsHelloStream; 2]>),
}

/// One tracked UDP flow.
struct UdpFlow {
    key: FlowKey,
    created: i64,
    proto: Proto,
    /// Hellos reported per direction (client, server).
    reported: [u8; 2],
}

/// The UDP flow table.
pub struct UdpTable {
    flows: AgeMap<Endpoints, UdpFlow>,
    limits: Limits,
    scratch: Vec<u8>,
    stats: UdpStats,
    last_expiry_sec: Option<i64>,
}

impl UdpTable {
    /// An empty table with these limits.
    pub fn new(limits: Limits) -> UdpTable {
        UdpTable {
            flows: AgeMap::default(),
            limits,
            scratch: Vec::new(),
            stats: UdpStats::default(),
            last_expiry_sec: None,
        }
    }

    /// The table's counters.
    pub fn stats(&self) -> UdpStats {
        self.stats
    }

    /// Candidate datagrams (QUIC or DTLS) seen so far.
    pub fn candidates(&self) -> u64 {
        self.stats.candidates
    }

    /// Flows tracked now.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// True when no flow is tracked.
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Counts a UDP datagram and tells whether it may be QUIC or DTLS (a few byte
    /// comparisons): only those need [`UdpTable::process`].
    #[inline]
    pub fn wants(&mut self, pkt: &UdpPacket<'_>) -> bool {
        self.stats.datagrams += 1;
        let wanted = is_known_long_header(pkt.payload) || is_dtls_handshake(pkt.payload);
        self.stats.candidates += u64::from(wanted);
        wanted
    }

    /// Processes one UDP datagram that [`UdpTable::wants`] at `now` (seconds); hands out
    /// the hellos it completes, and the incomplete ones of a flow it evicts.
    pub fn process(&mut self, now: i64, pkt: &UdpPacket<'_>, out: &mut dyn FnMut(UdpHello<'_>)) {
        let payload = pkt.payload;
        let quic = is_known_long_header(payload);
        if !quic && !is_dtls_handshake(payload) {
            return;
        }
        let ends = Endpoints::new((pkt.src, pkt.sport), (pkt.dst, pkt.dport));
        let (slot, fed) = match self.flows.find(&ends) {
            Some(slot) => (slot, false),
            None => match self.create(now, pkt, quic, ends, out) {
                Some(slot) => (slot, quic),
                None => {
                    self.stats.rejected += 1;
                    return;
                }
            },
        };
        let flow = self.flows.get_mut(slot);
        let from_client = flow.key.client == pkt.src && flow.key.cli_port == pkt.sport;
        let dir = usize::from(!from_client);
        match &mut flow.proto {
            Proto::Quic(conn) => {
                if !fed
                    && (!quic
                        || conn
                            .on_datagram(from_client, payload, &mut self.scratch)
                            .is_err())
                {
                    self.stats.rejected += 1;
                    return;
                }
                let stream = if from_client {
                    conn.client()
                } else {
                    conn.server()
                };
                if flow.reported[dir] > 0 {
                    return;
                }
                let Some(message) = stream.message() else {
                    return;
                };
                flow.reported[dir] = 1;
                out(UdpHello {
                    key: flow.key,
                    from_client,
                    transport: UdpTransport::Quic,
                    outcome: UdpOutcome::Complete {
                        msg_type: message[0],
                        body: &message[4..],
                    },
                    quic: Some(quic_facts(conn, from_client)),
                    dtls: None,
                });
            }
            Proto::Dtls(streams) => {
                let hello = if quic {
                    Err(p0fmod_quic::Error::NotDtlsHandshake)
                } else {
                    streams[dir].on_datagram(payload)
                };
                match hello {
                    Ok(Some(h)) if flow.reported[dir] < MAX_DTLS_HELLOS => {
                        flow.reported[dir] += 1;
                        out(UdpHello {
                            key: flow.key,
                            from_client,
                            transport: UdpTransport::Dtls,
                            outcome: UdpOutcome::Complete {
                                msg_type: h.msg_type,
                                body: h.body,
                            },
                            quic: None,
                            dtls: Some((h.split, h.message_seq, h.record_version)),
                        });
                    }
                    Ok(_) => {}
                    Err(_) => self.stats.rejected += 1,
                }
            }
        }
    }

    /// Makes a flow for the first datagram of a connection: a QUIC client Initial that
    /// decrypts (the datagram is then already fed to it), or a DTLS ClientHello record.
    /// Returns its slot.
    fn create(
        &mut self,
        now: i64,
        pkt: &UdpPacket<'_>,
        quic: bool,
        ends: Endpoints,
        out: &mut dyn FnMut(UdpHello<'_>),
    ) -> Option<Slot> {
        let key = FlowKey {
            client: pkt.src,
            cli_port: pkt.sport,
            server: pkt.dst,
            srv_port: pkt.dport,
        };
        let proto = if quic {
            // Only a client Initial can start a flow: it alone gives the keys. Check that
            // it decrypts before taking an entry.
            let header = parse_long_header(pkt.payload).ok()?;
            if header.kind != LongType::Initial {
                return None;
            }
            if self.scratch.is_empty() {
                self.scratch = vec![0; SCRATCH_LEN];
            }
            let mut conn = QuicConnection::new();
            conn.on_datagram(true, pkt.payload, &mut self.scratch)
                .ok()?;
            Proto::Quic(Box::new(conn))
        } else {
            if pkt.payload[0] != CONTENT_HANDSHAKE || pkt.payload[RECORD_HEADER_LEN] != CLIENT_HELLO
            {
                return None;
            }
            Proto::Dtls(Box::new([
                DtlsHelloStream::new(CLIENT_HELLO),
                DtlsHelloStream::new(SERVER_HELLO),
            ]))
        };
        if self.flows.len() >= self.limits.max_conn as usize
            && let Some(oldest) = self.flows.oldest()
        {
            self.stats.evicted += 1;
            let flow = self.flows.remove(oldest);
            Self::report_incomplete(&flow, UdpEnd::Evicted, out);
        }
        let slot = self.flows.insert(
            ends,
            UdpFlow {
                key,
                created: now,
                proto,
                reported: [0; 2],
            },
        );
        self.stats.flows += 1;
        self.stats.current = self.flows.len() as u64;
        self.stats.peak = self.stats.peak.max(self.stats.current);
        Some(slot)
    }

    /// Hands out the hellos of a flow being removed that were started but not completed.
    fn report_incomplete(flow: &UdpFlow, reason: UdpEnd, out: &mut dyn FnMut(UdpHello<'_>)) {
        for from_client in [true, false] {
            let dir = usize::from(!from_client);
            if flow.reported[dir] > 0 {
                continue;
            }
            let (have, held, total, error, transport, quic) = match &flow.proto {
                Proto::Quic(conn) => {
                    let stream = if from_client {
                        conn.client()
                    } else {
                        conn.server()
                    };
                    let (held, total) = stream.progress();
                    let have = stream.contiguous();
                    (
                        have,
                        held,
                        total,
                        stream.error(),
                        UdpTransport::Quic,
                        Some(quic_facts(conn, from_client)),
                    )
                }
                Proto::Dtls(streams) => {
                    let (held, total) = streams[dir].progress();
                    let have = streams[dir].contiguous();
                    (have, held, total, None, UdpTransport::Dtls, None)
                }
            };
            if held == 0 {
                continue;
            }
            out(UdpHello {
                key: flow.key,
                from_client,
                transport,
                outcome: UdpOutcome::Incomplete {
                    reason: if error.is_some() {
                        UdpEnd::Malformed
                    } else {
                        reason
                    },
                    have: have as u32,
                    held: held as u32,
                    wanted: total.unwrap_or(0) as u32,
                    detail: error,
                },
                quic,
                dtls: None,
            });
        }
    }

    /// Removes flows older than `-t c` seconds, at most once per second of packet time,
    /// handing out their incomplete hellos.
    pub fn expire(&mut self, now: i64, out: &mut dyn FnMut(UdpHello<'_>)) {
        if self.last_expiry_sec == Some(now) {
            return;
        }
        self.last_expiry_sec = Some(now);
        while let Some(slot) = self.flows.oldest() {
            if now.saturating_sub(self.flows.get(slot).created)
                <= i64::from(self.limits.conn_max_age)
            {
                break;
            }
            self.stats.expired += 1;
            let flow = self.flows.remove(slot);
            Self::report_incomplete(&flow, UdpEnd::Expired, out);
        }
        self.stats.current = self.flows.len() as u64;
    }

    /// The capture ended: hands out every incomplete hello and empties the table.
    pub fn finish(&mut self, out: &mut dyn FnMut(UdpHello<'_>)) {
        while let Some(slot) = self.flows.oldest() {
            let flow = self.flows.remove(slot);
            Self::report_incomplete(&flow, UdpEnd::CaptureEnd, out);
        }
        self.stats.current = 0;
    }
}

fn quic_facts(conn: &QuicConnection, from_client: bool) -> QuicFacts {
    let stream = if from_client {
        conn.client()
    } else {
        conn.server()
    };
    QuicFacts {
        version: conn.version(),
        dcid_len: conn.original_dcid().len() as u8,
        scid_len: conn.client_scid().len() as u8,
        retry: conn.retried(),
        split: *stream.split(),
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use p0fmod_quic::InitialKeys;
    use p0fmod_quic::protect::{protect_initial, push_crypto_frame};
    use p0fmod_quic::version::{VERSION_1, version_params};
    use p0fmod_wire::IpVersion;

    use super::*;

    const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const SERVER: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));
    const DCID: &[u8] = &[1, 2, 3, 4, 5, 6, 7, 8];

    fn limits(max_conn: u32) -> Limits {
        Limits {
            max_conn,
            ..Limits::default()
        }
    }

    fn udp(from_client: bool, cport: u16, payload: &[u8]) -> UdpPacket<'_> {
        let (src, dst, sport, dport) = if from_client {
            (CLIENT, SERVER, cport, 443)
        } else {
            (SERVER, CLIENT, 443, cport)
        };
        UdpPacket {
            version: IpVersion::V4,
            src,
            dst,
            ttl: 64,
            sport,
            dport,
            payload,
        }
    }

    fn message(t: u8, len: usize) -> Vec<u8> {
        let mut m = vec![t, 0, (len >> 8) as u8, len as u8];
        m.extend((0..len).map(|i| i as u8));
        m
    }

    /// A QUIC Initial datagram carrying `ranges` of `msg`.
    fn initial(from_client: bool, pn: u64, msg: &[u8], ranges: &[(usize, usize)]) -> Vec<u8> {
        let params = version_params(VERSION_1).unwrap();
        let keys = InitialKeys::derive(&params, DCID);
        let mut payload = Vec::new();
        for &(s, e) in ranges {
            push_crypto_frame(&mut payload, s as u64, &msg[s..e]);
        }
        if from_client {
            payload.resize(1150, 0);
        }
        let mut out = Vec::new();
        let key = if from_client {
            &keys.client
        } else {
            &keys.server
        };
        protect_initial(&params, key, DCID, &[9, 9], &[], pn, 2, &payload, &mut out);
        out
    }

    /// A hello as seen by a test: direction, transport, body or why incomplete.
    type Seen = (bool, &'static str, Result<Vec<u8>, UdpEnd>);

    fn collect(table: &mut UdpTable, pkts: &[UdpPacket<'_>]) -> Vec<Seen> {
        let mut got = Vec::new();
        for p in pkts {
            if !table.wants(p) {
                continue;
            }
            table.process(0, p, &mut |h| {
                got.push((
                    h.from_client,
                    h.transport.as_str(),
                    match h.outcome {
                        UdpOutcome::Complete { body, .. } => Ok(body.to_vec()),
                        UdpOutcome::Incomplete { reason, .. } => Err(reason),
                    },
                ))
            });
        }
        got
    }

    #[test]
    fn quic_hellos_both_directions_once() {
        let ch = message(1, 1500);
        let sh = message(2, 90);
        let d1 = initial(true, 0, &ch, &[(1000, 1504)]);
        let d2 = initial(true, 1, &ch, &[(0, 1000)]);
        let s1 = initial(false, 0, &sh, &[(0, 94)]);
        let mut table = UdpTable::new(limits(10));
        let got = collect(
            &mut table,
            &[
                udp(true, 5000, &d1),
                udp(true, 5000, &d2),
                udp(true, 5000, &d2),
                udp(false, 5000, &s1),
            ],
        );
        assert_eq!(
            got,
            vec![
                (true, "quic", Ok(ch[4..].to_vec())),
                (false, "quic", Ok(sh[4..].to_vec()))
            ]
        );
        assert_eq!((table.len(), table.stats().flows), (1, 1));
    }

    #[test]
    fn other_udp_and_bogus_initials_take_no_entry() {
        let mut table = UdpTable::new(limits(10));
        let dns = [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0];
        let mut bogus = vec![
            0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x44, 0x9e,
        ];
        bogus.resize(1200, 0xab);
        // A server Initial without the client's, and a DTLS ServerHello without a client.
        let server_first = initial(false, 0, &message(2, 50), &[(0, 54)]);
        let mut dtls_sh = vec![
            22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 2, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4,
        ];
        dtls_sh.extend_from_slice(&[0; 4]);
        for port in 0..500u16 {
            let got = collect(
                &mut table,
                &[
                    udp(true, port, &dns),
                    udp(true, port, &bogus),
                    udp(false, port, &server_first),
                    udp(false, port, &dtls_sh),
                ],
            );
            assert!(got.is_empty());
        }
        let s = table.stats();
        assert_eq!(
            (table.len(), s.flows, s.datagrams, s.candidates, s.rejected),
            (0, 0, 2000, 1500, 1500)
        );
    }

    #[test]
    fn flood_of_initials_stays_within_max_conn() {
        let ch = message(1, 1500);
        let first = initial(true, 0, &ch, &[(0, 700)]);
        let mut table = UdpTable::new(limits(16));
        let mut incomplete = 0;
        for port in 0..200u16 {
            let p = udp(true, port, &first);
            assert!(table.wants(&p));
            table.process(0, &p, &mut |h| {
                assert!(matches!(
                    h.outcome,
                    UdpOutcome::Incomplete {
                        reason: UdpEnd::Evicted,
                        held: 700,
                        wanted: 1504,
                        ..
                    }
                ));
                incomplete += 1;
            });
            assert!(table.len() <= 16);
        }
        assert_eq!((table.stats().evicted, incomplete), (184, 184));
        let mut ended = 0;
        table.expire(100, &mut |h| {
            assert!(matches!(
                h.outcome,
                UdpOutcome::Incomplete {
                    reason: UdpEnd::Expired,
                    ..
                }
            ));
            ended += 1;
        });
        assert_eq!((ended, table.len()), (16, 0));
    }

    #[test]
    fn dtls_hello_and_cookie_retry() {
        fn record(msg_type: u8, seq: u16, body: &[u8]) -> Vec<u8> {
            let n = body.len();
            let mut r = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, seq as u8];
            r.extend_from_slice(&((n + 12) as u16).to_be_bytes());
            r.extend_from_slice(&[
                msg_type,
                0,
                (n >> 8) as u8,
                n as u8,
                0,
                seq as u8,
                0,
                0,
                0,
                0,
                (n >> 8) as u8,
                n as u8,
            ]);
            r.extend_from_slice(body);
            r
        }
        let ch1 = record(1, 0, &[7; 100]);
        let hvr = record(3, 0, &[8; 20]);
        let ch2 = record(1, 1, &[9; 120]);
        let sh = record(2, 1, &[6; 60]);
        let mut table = UdpTable::new(limits(10));
        let got = collect(
            &mut table,
            &[
                udp(true, 7, &ch1),
                udp(false, 7, &hvr),
                udp(true, 7, &ch2),
                udp(true, 7, &ch1),
                udp(false, 7, &sh),
            ],
        );
        assert_eq!(
            got,
            vec![
                (true, "dtls", Ok(vec![7; 100])),
                (true, "dtls", Ok(vec![9; 120])),
                (false, "dtls", Ok(vec![6; 60])),
            ]
        );
    }
}
