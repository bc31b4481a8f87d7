//! The engine: packets in, observations out.
//!
//! [`Engine::process_frame`] decodes one captured frame, runs p0f's per-packet steps
//! (cache expiry, flow dispatch, TCP / MTU / uptime / HTTP fingerprinting, NAT scoring;
//! spec §3–§10) against the host and flow tables, and hands every observation to a
//! callback. No I/O happens here: the same input always gives the same output.
//!
//! With TLS fingerprinting on, UDP frames are looked at too ([`Engine::process_udp`]):
//! QUIC Initial packets and DTLS handshakes give `tls request` / `tls response`
//! observations through the UDP table ([`crate::state::udp`]). p0f's own observations
//! and counters never see UDP.

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use p0fmod_capture::Timestamp;
use p0fmod_db::{Database, Direction, Families, Label, LabelId, SysEntry, TcpSignature};
use p0fmod_http::{HttpParser, MAX_FLOW_DATA, MessageKind, Progress, language, parse_http_date};
use p0fmod_wire::{DecodeError, LinkType, TcpFlags, TcpPacket, UdpPacket, decode, decode_udp};

use crate::fp::http::HttpFacts;
use crate::fp::tcp;
use crate::fp::tls::HelloBuffers;
use crate::host::HostInfo;
use crate::observation::tls::{QuicDetails, TlsCarriage, TlsEnd, TlsMissing};
use crate::observation::{
    Details, Distance, HttpDetails, Kind, Language, MatchLabel, NatReasons, Observation, Subject,
    TcpDetails, VerdictDetails,
};
use crate::state::cache::AgeMap;
use crate::state::cache::Slot;
use crate::state::reassembly::MAX_WINDOW;
use crate::state::tls::{HelloEvent, Outcome, StreamStart, TlsStats, TlsTable};
use crate::state::udp::{UdpEnd, UdpHello, UdpOutcome, UdpTable, UdpTransport};
use crate::state::verdict;
use crate::state::{
    FlowKey, Host, HostOs, HttpSigRecord, HttpState, Limits, MatchedTcp, NAT_SCORES, Tables,
    TcpSigRecord,
};
use crate::stats::{EngineStats, KindCounts};

/// Cache expiry runs on every this many packets.
const EXPIRE_INTERVAL: u64 = 50;

/// Packet times are clamped to ±2^40 s (about ±34,800 years): beyond any real capture (a
/// pcapng time stamp can name any 64-bit second), and small enough that no time arithmetic
/// of the engine (milliseconds, differences, ages) can overflow.
const MAX_TIME_SEC: i64 = 1 << 40;

/// `ts` with its seconds clamped to [`MAX_TIME_SEC`].
fn clamp_time(ts: Timestamp) -> Timestamp {
    Timestamp {
        sec: ts.sec.clamp(-MAX_TIME_SEC, MAX_TIME_SEC),
        usec: ts.usec,
    }
}

/// A [`TlsSink`] over an engine's fields, borrowed one by one (so that the engine's TLS and
/// UDP tables stay free to call it).
macro_rules! tls_sink {
    ($engine:ident, $now:expr, $emit:expr) => {
        TlsSink {
            db: &$engine.db,
            hosts: &mut $engine.tables.hosts,
            counts: &mut $engine.observations,
            hellos: &mut $engine.tls_hellos,
            buffers: &mut $engine.hello_buffers,
            now: $now,
            emit: $emit,
        }
    };
}

/// A passive fingerprinting engine over one signature database.
pub struct Engine {
    db: Arc<Database>,
    tables: Tables,
    packets: u64,
    frames: u64,
    bytes: u64,
    observations: KindCounts,
    /// TLS hello tracking, when on.
    tls: Option<TlsTable>,
    /// QUIC and DTLS hello tracking (on with TLS).
    udp: Option<UdpTable>,
    /// Hellos reported complete and incomplete.
    tls_hellos: [u64; 2],
    /// What reported hellos leave for the next ones (no allocation once grown).
    hello_buffers: HelloBuffers,
    /// The last packet time (what observations made at the end of a capture carry).
    last_time: Timestamp,
}

impl Engine {
    /// An engine with empty caches, TLS fingerprinting on.
    pub fn new(db: Arc<Database>, limits: Limits) -> Engine {
        Engine {
            db,
            tables: Tables::new(limits),
            packets: 0,
            frames: 0,
            bytes: 0,
            observations: KindCounts::default(),
            tls: Some(TlsTable::new(limits)),
            udp: Some(UdpTable::new(limits)),
            tls_hellos: [0; 2],
            hello_buffers: HelloBuffers::default(),
            last_time: Timestamp { sec: 0, usec: 0 },
        }
    }

    /// Turns TLS fingerprinting (`tls request` / `tls response` observations, over TCP,
    /// QUIC and DTLS) on or off. Off, the engine writes exactly p0f's observations, keeps
    /// no TLS state and ignores UDP. Turning it off drops the connections being tracked
    /// without reporting them.
    pub fn set_tls(&mut self, on: bool) {
        if on != self.tls.is_some() {
            self.tls = on.then(|| TlsTable::new(self.tables.limits));
            self.udp = on.then(|| UdpTable::new(self.tables.limits));
        }
    }

    /// Whether TLS fingerprinting is on.
    pub fn tls_enabled(&self) -> bool {
        self.tls.is_some()
    }

    /// Ends the run: the hellos still being read are reported as incomplete (reason
    /// `capture_end`). Call once when a capture is exhausted; packets may still follow.
    pub fn finish(&mut self, emit: &mut dyn FnMut(&Observation<'_>)) {
        let now = self.last_time;
        let mut sink = tls_sink!(self, now, emit);
        if let Some(tls) = &mut self.tls {
            tls.finish(&mut |ev| sink.hello(ev));
        }
        if let Some(udp) = &mut self.udp {
            udp.finish(&mut |h| sink.udp_hello(h));
        }
    }

    /// The signature database.
    pub fn database(&self) -> &Arc<Database> {
        &self.db
    }

    /// Packets counted so far: every frame that carried TCP at the IP level, as p0f's
    /// capture filter would have passed it.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// The counters since the engine was made (plain data, [`EngineStats`]).
    pub fn stats(&self) -> EngineStats {
        EngineStats {
            frames: self.frames,
            bytes: self.bytes,
            packets: self.packets,
            observations: self.observations,
            hosts: self.tables.host_stats,
            flows: self.tables.flow_stats,
            tls: self.tls_stats(),
            udp: self.udp.as_ref().map(|u| u.stats()).unwrap_or_default(),
        }
    }

    /// The TLS counters (zero while TLS fingerprinting is off).
    fn tls_stats(&self) -> TlsStats {
        let table = self.tls.as_ref().map(|t| t.stats).unwrap_or_default();
        TlsStats {
            hellos_complete: self.tls_hellos[0],
            hellos_incomplete: self.tls_hellos[1],
            ..table
        }
    }

    /// The prunings of the tables since the last call (p0f's `Too many host entries ...`
    /// and `Too many tracked connections ...` warnings of live mode), and how many more
    /// were not kept (see [`crate::state::MAX_PRUNE_NOTES`]).
    pub fn take_prunes(&mut self) -> (Vec<crate::state::Prune>, u64) {
        self.tables.take_prunes()
    }

    /// The limits the tables keep to (`-m`, `-t`).
    pub fn limits(&self) -> Limits {
        self.tables.limits
    }

    /// Counts `frames` frames of `bytes` captured bytes in all in [`EngineStats::frames`]
    /// and [`EngineStats::bytes`]. [`Engine::process_frame`] counts its frame itself; a
    /// caller that decodes frames and calls [`Engine::process_decoded`] counts them here
    /// (one call per batch is enough).
    pub fn count_frames(&mut self, frames: u64, bytes: u64) {
        self.frames += frames;
        self.bytes += bytes;
    }

    /// Number of tracked hosts and flows.
    pub fn cache_sizes(&self) -> (usize, usize) {
        (self.tables.hosts.len(), self.tables.flows.len())
    }

    /// What the engine knows about one address.
    pub fn host(&self, addr: IpAddr) -> Option<HostInfo> {
        let slot = self.tables.hosts.find(&addr)?;
        Some(HostInfo::from_host(self.tables.hosts.get(slot), &self.db))
    }

    /// Every tracked host, oldest first.
    pub fn hosts(&self) -> Vec<HostInfo> {
        let mut out = Vec::with_capacity(self.tables.hosts.len());
        let mut cursor = self.tables.hosts.oldest();
        while let Some(slot) = cursor {
            out.push(HostInfo::from_host(self.tables.hosts.get(slot), &self.db));
            cursor = self.tables.hosts.newer(slot);
        }
        out
    }

    /// Decodes and processes one captured frame. Returns why the frame was skipped, if it was.
    pub fn process_frame(
        &mut self,
        ts: Timestamp,
        link_type: u32,
        frame: &[u8],
        emit: &mut dyn FnMut(&Observation<'_>),
    ) -> Result<(), DecodeError> {
        self.count_frames(1, frame.len() as u64);
        let decoded = decode(LinkType(link_type), frame);
        if matches!(decoded, Err(DecodeError::NotTcp))
            && self.udp.is_some()
            && let Ok(udp) = decode_udp(LinkType(link_type), frame)
        {
            self.process_udp(ts, &udp, emit);
        }
        self.process_decoded(ts, decoded.as_ref().map_err(|e| *e), emit)
    }

    /// Whether UDP datagrams are looked at (QUIC and DTLS; on with TLS fingerprinting).
    pub fn udp_enabled(&self) -> bool {
        self.udp.is_some()
    }

    /// Processes one UDP datagram: a QUIC Initial or DTLS handshake datagram feeds the
    /// UDP table, and the hellos it completes become `tls request` / `tls response`
    /// observations. Any other datagram is turned away after a few byte comparisons.
    /// UDP is not counted in [`Engine::packets`] (p0f's count) and never touches p0f's
    /// host and flow tables, except to note a TLS application on a host already there.
    pub fn process_udp(
        &mut self,
        ts: Timestamp,
        pkt: &UdpPacket<'_>,
        emit: &mut dyn FnMut(&Observation<'_>),
    ) {
        let Some(udp) = &mut self.udp else {
            return;
        };
        if !udp.wants(pkt) {
            return;
        }
        let now = clamp_time(ts);
        self.last_time = now;
        let mut sink = tls_sink!(self, now, emit);
        if udp.candidates().is_multiple_of(EXPIRE_INTERVAL) {
            udp.expire(now.sec, &mut |h| sink.udp_hello(h));
        }
        udp.process(now.sec, pkt, &mut |h| sink.udp_hello(h));
    }

    /// Processes the result of decoding one frame: counts it as p0f's capture filter would
    /// (every frame that carried TCP at the IP level), runs cache expiry on every 50th, and
    /// fingerprints the packet. Returns why the frame was skipped, if it was.
    pub fn process_decoded(
        &mut self,
        ts: Timestamp,
        decoded: Result<&TcpPacket<'_>, DecodeError>,
        emit: &mut dyn FnMut(&Observation<'_>),
    ) -> Result<(), DecodeError> {
        self.process_decoded_checked(ts, decoded, None, emit)
    }

    /// As [`Engine::process_decoded`]; `could_start_tls`, when given, is
    /// [`crate::state::tls::could_start`] of the packet's payload, already computed by the
    /// caller (on the thread that read it): the engine then does not read the payload of a
    /// packet that TLS tracking lets go (in a two-thread run, the payload is in the other
    /// core's cache).
    pub fn process_decoded_checked(
        &mut self,
        ts: Timestamp,
        decoded: Result<&TcpPacket<'_>, DecodeError>,
        could_start_tls: Option<bool>,
        emit: &mut dyn FnMut(&Observation<'_>),
    ) -> Result<(), DecodeError> {
        let counted = !matches!(
            decoded,
            Err(DecodeError::NotIp | DecodeError::NotTcp | DecodeError::UnsupportedLinkType(_))
        );
        if counted {
            self.packets += 1;
            if self.packets.is_multiple_of(EXPIRE_INTERVAL) {
                let now = clamp_time(ts);
                self.tables.expire(now.sec);
                if let Some(tls) = &mut self.tls {
                    let mut sink = tls_sink!(self, now, emit);
                    tls.expire(now.sec, &mut |ev| sink.hello(ev));
                }
            }
        }
        let pkt = decoded?;
        self.process_packet_checked(ts, pkt, could_start_tls, emit);
        Ok(())
    }

    /// Processes one decoded TCP packet (without counting it or running expiry).
    pub fn process_packet(
        &mut self,
        ts: Timestamp,
        pkt: &TcpPacket<'_>,
        emit: &mut dyn FnMut(&Observation<'_>),
    ) {
        self.process_packet_checked(ts, pkt, None, emit);
    }

    /// [`Engine::process_packet`], with [`Engine::process_decoded_checked`]'s
    /// `could_start_tls`.
    fn process_packet_checked(
        &mut self,
        ts: Timestamp,
        pkt: &TcpPacket<'_>,
        could_start_tls: Option<bool>,
        emit: &mut dyn FnMut(&Observation<'_>),
    ) {
        let now = clamp_time(ts);
        self.last_time = now;
        let mut ctx = Ctx {
            db: &self.db,
            t: &mut self.tables,
            counts: &mut self.observations,
            now,
            emit,
            stream_start: None,
            verdict: self.tls.is_some(),
        };
        ctx.dispatch(pkt);
        let stream_start = ctx.stream_start;
        if let Some(tls) = &mut self.tls
            && (stream_start.is_some() || tls.wants(pkt, could_start_tls))
        {
            let mut sink = tls_sink!(self, now, emit);
            tls.on_packet(pkt, now.sec, stream_start, &mut |ev| sink.hello(ev));
        }
    }
}

/// Where the TLS table's hellos become observations: fingerprinted, matched, counted,
/// noted on the host record (when p0f's table has the host; TLS never adds hosts).
struct TlsSink<'a, 'e> {
    db: &'a Database,
    hosts: &'a mut AgeMap<IpAddr, Host>,
    counts: &'a mut KindCounts,
    hellos: &'a mut [u64; 2],
    buffers: &'a mut HelloBuffers,
    now: Timestamp,
    emit: &'e mut dyn FnMut(&Observation<'_>),
}

impl TlsSink<'_, '_> {
    /// A QUIC or DTLS hello from the UDP table.
    fn udp_hello(&mut self, h: UdpHello<'_>) {
        let quic = h.transport == UdpTransport::Quic;
        let transport = if quic {
            p0fmod_tls::Transport::Quic
        } else {
            p0fmod_tls::Transport::Dtls
        };
        let mut carriage = TlsCarriage {
            transport: h.transport.as_str(),
            ..TlsCarriage::default()
        };
        if let Some(q) = &h.quic {
            carriage.segments = q.split.packets;
            carriage.retry = q.retry;
        }
        if let Some((split, message_seq, _)) = &h.dtls {
            carriage.segments = split.datagrams;
            carriage.records = split.records;
            carriage.retry = *message_seq > 0;
        }
        let (mut details, label) = match h.outcome {
            UdpOutcome::Complete { body, .. } => crate::fp::tls::complete_body(
                self.db,
                body,
                h.from_client,
                transport,
                carriage,
                self.buffers,
            ),
            UdpOutcome::Incomplete {
                reason,
                have,
                held,
                wanted,
                detail,
            } => {
                let missing = TlsMissing {
                    reason: match reason {
                        UdpEnd::Expired => TlsEnd::Expired,
                        UdpEnd::Evicted => TlsEnd::Evicted,
                        UdpEnd::CaptureEnd => TlsEnd::CaptureEnd,
                        UdpEnd::Malformed => TlsEnd::Malformed,
                    },
                    have,
                    wanted,
                    held,
                    detail: detail.map(|e| Cow::Owned(e.to_string())),
                };
                (crate::fp::tls::incomplete(missing, carriage), None)
            }
        };
        if let Some(q) = &h.quic {
            let s = &q.split;
            let transport_parameters = match h.outcome {
                UdpOutcome::Complete { body, .. } if h.from_client => {
                    p0fmod_tls::ClientHello::parse(body)
                        .ok()
                        .and_then(|c| c.quic_transport_parameters())
                        .map(|tp| {
                            p0fmod_quic::TransportParameters::new(tp)
                                .map_while(Result::ok)
                                .map(|(id, _)| id)
                                .collect()
                        })
                        .unwrap_or_default()
                }
                _ => Vec::new(),
            };
            details.quic = Some(Box::new(QuicDetails {
                version: q.version,
                dcid_len: q.dcid_len,
                scid_len: q.scid_len,
                retry: q.retry,
                datagrams: s.datagrams,
                packets: s.packets,
                frames: s.frames,
                ping_padding: s.ping_frames,
                out_of_order: s.out_of_order,
                datagram_sizes: s.sizes().to_vec(),
                crypto_frames: s.frames_logged().to_vec(),
                transport_parameters,
            }));
        }
        self.emit_tls(h.from_client, h.key, details, label);
    }

    fn hello(&mut self, ev: HelloEvent<'_>) {
        let (details, label) = match ev.outcome {
            Outcome::Complete(hs) => crate::fp::tls::complete(
                self.db,
                &hs,
                ev.from_client,
                p0fmod_tls::Transport::Tcp,
                ev.carriage,
                self.buffers,
            ),
            Outcome::Incomplete(missing) => {
                (crate::fp::tls::incomplete(missing, ev.carriage), None)
            }
        };
        self.emit_tls(ev.from_client, ev.key, details, label);
    }

    /// Counts, notes on the host record and hands out one hello's observation.
    fn emit_tls(
        &mut self,
        from_client: bool,
        key: FlowKey,
        details: crate::observation::tls::TlsDetails<'_>,
        label: Option<(LabelId, bool)>,
    ) {
        self.hellos[usize::from(details.hello.is_none())] += 1;
        let (kind, subject, addr) = if from_client {
            (Kind::TlsRequest, Subject::Client, key.client)
        } else {
            (Kind::TlsResponse, Subject::Server, key.server)
        };
        self.counts.add(kind);
        let mut judged = None;
        if let Some(slot) = self.hosts.find(&addr) {
            let host = self.hosts.get_mut(slot);
            let n = &mut host.observations[kind as usize];
            *n = n.saturating_add(1);
            if label.is_some() {
                if from_client {
                    host.tls_client = label;
                } else {
                    host.tls_server = label;
                }
                judged = verdict::update(self.db, Families::embedded(), host).map(|j| (slot, j));
            }
        }
        let client = SocketAddr::new(key.client, key.cli_port);
        let server = SocketAddr::new(key.server, key.srv_port);
        let obs = Observation {
            time: self.now,
            kind,
            client,
            server,
            subject,
            details: Details::Tls(details),
        };
        (self.emit)(&obs);
        if let Details::Tls(details) = obs.details {
            self.buffers.recycle(details);
        }
        if let Some((slot, judgement)) = judged {
            self.counts.add(Kind::HostVerdict);
            let host = self.hosts.get_mut(slot);
            let n = &mut host.observations[Kind::HostVerdict as usize];
            *n = n.saturating_add(1);
            let details = VerdictDetails::of(self.db, Families::embedded(), host, judgement);
            (self.emit)(&Observation {
                time: self.now,
                kind: Kind::HostVerdict,
                client,
                server,
                subject,
                details: Details::Verdict(details),
            });
        }
    }
}

/// One packet's work: the database, the tables, the packet time and the output callback.
struct Ctx<'a, 'e> {
    db: &'a Database,
    t: &'a mut Tables,
    counts: &'a mut KindCounts,
    now: Timestamp,
    emit: &'e mut dyn FnMut(&Observation<'_>),
    /// Set when p0f's flow shows where the packet's stream starts and the packet is
    /// early data out of order (read by TLS tracking, never by p0f's steps).
    stream_start: Option<StreamStart>,
    /// The cross-layer verdict is on (it is with TLS fingerprinting).
    verdict: bool,
}

/// A flow being worked on: its slot and key.
#[derive(Clone, Copy)]
struct FlowRef {
    slot: Slot,
    key: FlowKey,
}

/// A database label as an observation's match.
pub(crate) fn match_label<'db>(db: &'db Database, label: &'db Label) -> MatchLabel<'db> {
    MatchLabel {
        name: Cow::Borrowed(db.name(label.name)),
        flavor: label.flavor.as_deref().map(Cow::Borrowed),
        class: label
            .class
            .map(|c| Cow::Borrowed(db.classes[c as usize].as_str())),
        generic: label.generic,
    }
}

impl<'a> Ctx<'a, '_> {
    fn emit(&mut self, f: FlowRef, to_srv: bool, kind: Kind, details: Details<'a>) {
        let obs = Observation {
            time: self.now,
            kind,
            client: SocketAddr::new(f.key.client, f.key.cli_port),
            server: SocketAddr::new(f.key.server, f.key.srv_port),
            subject: if to_srv {
                Subject::Client
            } else {
                Subject::Server
            },
            details,
        };
        self.counts.add(kind);
        let host = self.t.hosts.get_mut(self.host_slot(f, to_srv));
        let n = &mut host.observations[kind as usize];
        *n = n.saturating_add(1);
        (self.emit)(&obs);
    }

    /// Judges a host again after one of its layers changed; reports a new verdict.
    fn judge_host(&mut self, f: FlowRef, to_srv: bool) {
        if !self.verdict {
            return;
        }
        let families = Families::embedded();
        let slot = self.host_slot(f, to_srv);
        let host = self.t.hosts.get_mut(slot);
        if let Some(judgement) = verdict::update(self.db, families, host) {
            let details = VerdictDetails::of(self.db, families, host, judgement);
            self.emit(f, to_srv, Kind::HostVerdict, Details::Verdict(details));
        }
    }

    fn host_slot(&self, f: FlowRef, to_srv: bool) -> Slot {
        let flow = self.t.flows.get(f.slot);
        if to_srv { flow.client } else { flow.server }
    }

    /// p0f's flow_dispatch (spec §4.2).
    fn dispatch(&mut self, pkt: &TcpPacket<'_>) {
        let found = self
            .t
            .find_flow(pkt.src, pkt.src_port, pkt.dst, pkt.dst_port);
        match pkt.flags.kind() {
            TcpFlags::SYN => self.on_syn(pkt, found),
            k if k == TcpFlags::SYN | TcpFlags::ACK => {
                if let Some((slot, to_srv)) = found {
                    let key = self.t.flows.get(slot).key;
                    self.on_synack(pkt, FlowRef { slot, key }, to_srv);
                }
            }
            TcpFlags::ACK => {
                if let Some((slot, to_srv)) = found {
                    let key = self.t.flows.get(slot).key;
                    self.on_ack(pkt, FlowRef { slot, key }, to_srv);
                }
            }
            _ => {
                // FIN, FIN+ACK, RST, RST+ACK: a last uptime check, then the flow ends.
                if let Some((slot, to_srv)) = found {
                    let key = self.t.flows.get(slot).key;
                    self.check_uptime(pkt, FlowRef { slot, key }, to_srv);
                    self.t.destroy_flow(slot);
                }
            }
        }
    }

    fn on_syn(&mut self, pkt: &TcpPacket<'_>, found: Option<(Slot, bool)>) {
        if let Some((slot, to_srv)) = found {
            if to_srv && self.t.flows.get(slot).next_cli_seq.wrapping_sub(1) == pkt.seq {
                return;
            }
            self.t.destroy_flow(slot);
        }
        let key = FlowKey {
            client: pkt.src,
            cli_port: pkt.src_port,
            server: pkt.dst,
            srv_port: pkt.dst_port,
        };
        let slot = self.t.create_flow(key, pkt.seq, self.now.sec);
        let f = FlowRef { slot, key };
        let sig = self.fingerprint_tcp(pkt, f, true);
        if sig.is_none() && !self.t.flows.get(slot).sendsyn {
            self.t.destroy_flow(slot);
            return;
        }
        self.fingerprint_mtu(pkt, f, true);
        self.check_uptime(pkt, f, true);
        if let Some(sig) = sig {
            let client = self.t.flows.get(slot).client;
            self.t.hosts.get_mut(client).last_syn = Some(sig);
            self.judge_host(f, true);
        }
    }

    fn on_synack(&mut self, pkt: &TcpPacket<'_>, f: FlowRef, to_srv: bool) {
        if self.t.flows.get(f.slot).sendsyn {
            self.fingerprint_tcp(pkt, f, false);
            self.t.destroy_flow(f.slot);
            return;
        }
        if to_srv || self.t.flows.get(f.slot).acked {
            return;
        }
        self.t.flows.get_mut(f.slot).acked = true;
        let Some(sig) = self.fingerprint_tcp(pkt, f, false) else {
            self.t.destroy_flow(f.slot);
            return;
        };
        self.fingerprint_mtu(pkt, f, false);
        self.check_uptime(pkt, f, false);
        let flow = self.t.flows.get_mut(f.slot);
        flow.next_srv_seq = pkt.seq.wrapping_add(1);
        let server = flow.server;
        self.t.hosts.get_mut(server).last_synack = Some(sig);
        self.judge_host(f, false);
    }

    fn on_ack(&mut self, pkt: &TcpPacket<'_>, f: FlowRef, to_srv: bool) {
        let flow = self.t.flows.get_mut(f.slot);
        if flow.sendsyn || !flow.acked {
            self.t.destroy_flow(f.slot);
            return;
        }
        let pay_len = pkt.payload.len() as u32;
        {
            let (expected, buf) = if to_srv {
                (&mut flow.next_cli_seq, &mut flow.request)
            } else {
                (&mut flow.next_srv_seq, &mut flow.response)
            };
            if *expected != pkt.seq {
                // Early data out of order on a fresh connection: where the stream starts
                // is known, which lets TLS hold the segment until the first bytes come.
                if buf.is_empty()
                    && pay_len > 0
                    && pkt.seq.wrapping_sub(*expected) < MAX_WINDOW as u32
                {
                    self.stream_start = Some(StreamStart {
                        key: f.key,
                        from_client: to_srv,
                        seq: *expected,
                    });
                }
                return;
            }
            // The first bytes of a direction, too few to tell a TLS record from other data
            // (a hello's first segment of under six bytes): the stream's start is known
            // here, so TLS holds them until the rest comes.
            if buf.is_empty()
                && !pkt.payload.is_empty()
                && crate::state::tls::could_be_cut_short(pkt.payload)
            {
                self.stream_start = Some(StreamStart {
                    key: f.key,
                    from_client: to_srv,
                    seq: *expected,
                });
            }
            append_capped(buf, pkt.payload);
            *expected = expected.wrapping_add(pay_len);
        }
        self.check_uptime(pkt, f, to_srv);
        if pay_len == 0 {
            return;
        }
        if !self.process_http(f, to_srv) {
            self.t.destroy_flow(f.slot);
            return;
        }
        let flow = self.t.flows.get(f.slot);
        if flow.request.len() >= MAX_FLOW_DATA && flow.response.len() >= MAX_FLOW_DATA {
            self.t.destroy_flow(f.slot);
        }
    }

    /// TCP fingerprinting of a SYN (`to_srv`) or SYN+ACK (spec §6). Returns the signature
    /// to keep for the host, or `None` for a userland match or a sendsyn flow.
    fn fingerprint_tcp(
        &mut self,
        pkt: &TcpPacket<'_>,
        f: FlowRef,
        to_srv: bool,
    ) -> Option<TcpSigRecord> {
        let db = self.db;
        let flow = self.t.flows.get_mut(f.slot);
        let peer_mss = if to_srv { 0 } else { flow.syn_mss };
        if to_srv {
            flow.syn_mss = pkt.mss;
            if tcp::is_sendsyn_probe(pkt) {
                flow.sendsyn = true;
            }
        }
        let sendsyn = flow.sendsyn;
        let obs = tcp::observation(pkt, peer_mss);
        let direction = if to_srv {
            Direction::Request
        } else {
            Direction::Response
        };
        let m = db.match_tcp(direction, &obs);
        let sig: Option<&TcpSignature> = m.signature;
        let label = sig.map(|s| db.label(s.label));
        let userland = label.is_some_and(|l| l.class.is_none());
        let bad_ttl = sig.is_some_and(|s| s.bad_ttl);
        let distance = if bad_ttl {
            Distance::AtMost(m.distance)
        } else {
            let host = self.host_slot(f, to_srv);
            self.t.hosts.get_mut(host).distance = m.distance;
            Distance::Exact(m.distance)
        };
        let kind = match (sendsyn, to_srv) {
            (true, true) => Kind::SendsynProbe,
            (true, false) => Kind::SendsynResponse,
            (false, true) => Kind::Syn,
            (false, false) => Kind::SynAck,
        };
        let details = TcpDetails {
            label: label.map(|l| match_label(db, l)),
            is_app: userland || sendsyn,
            fuzzy: m.fuzzy,
            distance,
            random_ttl: bad_ttl,
            tos: pkt.tos,
            raw_sig: tcp::raw_sig(pkt, &obs, !to_srv),
        };
        self.emit(f, to_srv, kind, Details::Tcp(details));
        if sendsyn {
            return None;
        }
        if let Some(label) = label.filter(|_| userland) {
            self.verify_tool_class(f, to_srv, &label.sys);
            return None;
        }
        let record = TcpSigRecord {
            matched: sig.map(|s| {
                let l = db.label(s.label);
                MatchedTcp {
                    label: s.label,
                    line: s.line,
                    name: l.name,
                    class: l.class,
                    bad_ttl: s.bad_ttl,
                    generic: l.generic,
                }
            }),
            fuzzy: m.fuzzy,
            quirks: pkt.quirks,
            opt_layout: pkt.opt_layout,
            ttl: pkt.ttl,
            dist: m.distance,
            mss: pkt.mss,
            ts1: pkt.ts1,
            recv_ms: self.now.millis(),
        };
        self.score_nat_tcp(f, to_srv, &record);
        Some(record)
    }

    /// MTU from MSS (spec §7).
    fn fingerprint_mtu(&mut self, pkt: &TcpPacket<'_>, f: FlowRef, to_srv: bool) {
        if pkt.mss == 0 || self.t.flows.get(f.slot).sendsyn {
            return;
        }
        let overhead = match pkt.version {
            p0fmod_wire::IpVersion::V4 => 40,
            p0fmod_wire::IpVersion::V6 => 60,
        };
        let mtu = u32::from(pkt.mss) + overhead;
        let entry = self.db.mtu.iter().position(|e| u32::from(e.mtu) == mtu);
        let link = entry.map(|i| Cow::Borrowed(self.db.mtu[i].link.as_str()));
        self.emit(f, to_srv, Kind::Mtu, Details::Mtu { link, raw_mtu: mtu });
        if let Some(i) = entry {
            let host = self.host_slot(f, to_srv);
            self.t.hosts.get_mut(host).link = Some(i as u16);
        }
    }

    /// Uptime from TCP timestamps (spec §8).
    fn check_uptime(&mut self, pkt: &TcpPacket<'_>, f: FlowRef, to_srv: bool) {
        let flow = self.t.flows.get(f.slot);
        if pkt.ts1 == 0 || flow.sendsyn {
            return;
        }
        if (if to_srv { flow.cli_tps } else { flow.srv_tps }) != 0 {
            return;
        }
        let host_slot = if to_srv { flow.client } else { flow.server };
        let host = self.t.hosts.get(host_slot);
        let Some(reference) = (if to_srv {
            host.last_syn
        } else {
            host.last_synack
        }) else {
            return;
        };
        if reference.ts1 == 0 {
            return;
        }
        let ms = self.now.millis() - reference.recv_ms;
        let tsd = pkt.ts1.wrapping_sub(reference.ts1);
        if !(25..=600_000).contains(&ms) {
            return;
        }
        if tsd < 5 || (ms < 100 && (!tsd) / 1000 < 15) {
            return;
        }
        let freq = if tsd > !tsd {
            -(f64::from(!tsd) * 1000.0 / ms as f64)
        } else {
            f64::from(tsd) * 1000.0 / ms as f64
        };
        let flow = self.t.flows.get_mut(f.slot);
        let tps = if to_srv {
            &mut flow.cli_tps
        } else {
            &mut flow.srv_tps
        };
        if !(0.7..=1500.0).contains(&freq) {
            if pkt.flags.kind() != TcpFlags::SYN {
                *tps = -1;
            }
            return;
        }
        let rounded = round_frequency(freq as u32);
        *tps = rounded as i32;
        let minutes = pkt.ts1 / rounded / 60;
        let modulo_days = u32::MAX / (rounded * 86_400);
        let host = self.t.hosts.get_mut(host_slot);
        host.last_up_min = Some(minutes);
        host.up_mod_days = modulo_days;
        self.emit(
            f,
            to_srv,
            Kind::Uptime,
            Details::Uptime {
                minutes,
                modulo_days,
                raw_freq: freq,
            },
        );
    }

    /// HTTP progress after an in-order segment with payload. Returns false when the flow
    /// needs no more data (spec §9.2, §9.3).
    fn process_http(&mut self, f: FlowRef, to_srv: bool) -> bool {
        let flow = self.t.flows.get_mut(f.slot);
        let progress = match (&mut flow.http, to_srv) {
            (HttpState::NotHttp, _) => return false,
            (HttpState::Response(_), true) => return true,
            (HttpState::Request(parser), true) => parser.parse(&flow.request),
            // A response before the request is complete: not HTTP.
            (HttpState::Request(_), false) => Progress::NotHttp,
            (HttpState::Response(parser), false) => parser.parse(&flow.response),
        };
        match progress {
            Progress::NeedMore => true,
            Progress::NotHttp => {
                flow.http = HttpState::NotHttp;
                false
            }
            Progress::Complete => {
                let (HttpState::Request(parser) | HttpState::Response(parser)) =
                    std::mem::replace(&mut flow.http, HttpState::NotHttp)
                else {
                    unreachable!("only a parser completes");
                };
                let buf = if to_srv {
                    &mut flow.request
                } else {
                    &mut flow.response
                };
                let taken = std::mem::take(buf);
                if to_srv {
                    flow.http = HttpState::Response(HttpParser::new(MessageKind::Response));
                }
                self.fingerprint_http(f, to_srv, &parser, &taken);
                let flow = self.t.flows.get_mut(f.slot);
                *(if to_srv {
                    &mut flow.request
                } else {
                    &mut flow.response
                }) = taken;
                to_srv
            }
        }
    }

    /// HTTP fingerprinting of a complete header block (spec §9.5, §9.6).
    fn fingerprint_http(&mut self, f: FlowRef, to_srv: bool, parser: &HttpParser, buf: &[u8]) {
        let db = self.db;
        let direction = if to_srv {
            Direction::Request
        } else {
            Direction::Response
        };
        let facts = HttpFacts::collect(parser, buf, &db.headers, direction);
        let m = db.match_http(direction, &facts.observation());
        let label_id = m.signature.map(|s| s.label);
        let label = label_id.map(|id| db.label(id));
        let is_os = label.is_some_and(|l| l.class.is_some());
        let language_found = match (to_srv, facts.accept_language) {
            (true, Some(value)) => language(value),
            _ => p0fmod_http::Language::None,
        };
        let language_out = match language_found {
            p0fmod_http::Language::None => Language::None,
            p0fmod_http::Language::Unknown => Language::Unknown,
            p0fmod_http::Language::Known(name) => Language::Known(name),
        };
        let details = HttpDetails {
            label: label.map(|l| match_label(db, l)),
            is_app: !is_os,
            language: language_out,
            dishonest: m.dishonest,
            anonymous: facts.software.is_none(),
            raw_sig: facts.raw_sig(&db.headers),
        };
        let kind = if to_srv {
            Kind::HttpRequest
        } else {
            Kind::HttpResponse
        };
        self.emit(f, to_srv, kind, Details::Http(details));

        let date = facts.date.and_then(parse_http_date).unwrap_or(0);
        let record = HttpSigRecord {
            matched: label_id,
            date,
            recv_sec: self.now.sec,
        };
        self.score_nat_http(f, to_srv, &facts, label_id, m.dishonest, &record);

        let host = self.t.hosts.get_mut(self.host_slot(f, to_srv));
        if !to_srv {
            host.http_resp = Some(record);
            host.http_resp_port = f.key.srv_port;
        }
        if let Language::Known(name) = language_out {
            host.language = Some(name);
        }
        match (label_id, label) {
            (Some(id), Some(l)) if l.class.is_some() => {
                if to_srv {
                    host.http_req_os = Some(record);
                }
                host.os = Some(HostOs {
                    label: id,
                    class: l.class.unwrap_or_default(),
                    name: l.name,
                    quality: if l.generic { 2 } else { 0 },
                });
            }
            (Some(id), Some(_)) => {
                host.http_app = Some(id);
                if m.dishonest {
                    host.bad_sw = 2;
                }
            }
            _ => {}
        }
        if self.verdict
            && let Some(software) = facts.software
        {
            let families = Families::embedded();
            if to_srv {
                host.verdict
                    .on_user_agent(db, families, software, m.dishonest);
            } else {
                host.verdict.on_server(families, software);
            }
            self.judge_host(f, to_srv);
        }
    }

    /// p0f's tool-class check (spec §10.3).
    fn verify_tool_class(&mut self, f: FlowRef, to_srv: bool, sys: &[SysEntry]) {
        let host = self.t.hosts.get(self.host_slot(f, to_srv));
        let Some(os) = host.os else {
            return;
        };
        let fits = sys.iter().any(|entry| match *entry {
            SysEntry::Class(class) => class == os.class,
            SysEntry::Name(name) => name == os.name,
        });
        if fits {
            self.add_nat_score(f, to_srv, NatReasons::default(), 0);
        } else {
            self.add_nat_score(f, to_srv, NatReasons(NatReasons::APP_VS_OS), 4);
        }
    }

    /// NAT scoring of a SYN or SYN+ACK (spec §10.1), then the host's OS update.
    fn score_nat_tcp(&mut self, f: FlowRef, to_srv: bool, sig: &TcpSigRecord) {
        let host_slot = self.host_slot(f, to_srv);
        let host = self.t.hosts.get(host_slot);
        let reference = if to_srv {
            host.last_syn
        } else {
            host.last_synack
        };
        let host_name = host.os.map(|o| o.name);
        let last_port = host.last_port;
        let mut score: u32 = 0;
        let mut reasons: u16 = 0;
        if let Some(reference) = reference {
            let mut already_different = false;
            match (sig.matched, reference.matched) {
                (Some(cur), Some(prev)) => {
                    if cur.name != prev.name {
                        score += 8;
                        reasons |= NatReasons::OS_DIFF;
                        already_different = true;
                    } else if to_srv {
                        if cur.label != prev.label {
                            score += 2;
                            reasons |= NatReasons::OS_DIFF;
                        } else if cur.line != prev.line {
                            score += 1;
                            reasons |= NatReasons::OS_DIFF;
                        } else if sig.fuzzy != reference.fuzzy {
                            score += 1;
                            reasons |= NatReasons::FUZZY;
                        }
                    }
                }
                _ => {
                    let ignored = p0fmod_wire::Quirks::ECN
                        | p0fmod_wire::Quirks::DF
                        | p0fmod_wire::Quirks::NZ_ID
                        | p0fmod_wire::Quirks::ZERO_ID;
                    if sig.quirks.without(ignored) != reference.quirks.without(ignored) {
                        score += 2;
                        reasons |= NatReasons::SIG_DIFF;
                    } else if to_srv && sig.opt_layout != reference.opt_layout {
                        score += 1;
                        reasons |= NatReasons::SIG_DIFF;
                    }
                    if to_srv && sig.matched.is_some() != reference.matched.is_some() {
                        score += 1;
                        reasons |= NatReasons::X_KNOWN;
                    }
                }
            }
            if !already_different
                && let Some(cur) = sig.matched
                && host_name.is_some_and(|n| n != cur.name)
            {
                score += 8;
                reasons |= NatReasons::OS_DIFF;
                // As after the other +8: p0f then skips the TTL check.
                already_different = true;
            }
            let ttl_diff = i32::from(sig.ttl) - i32::from(reference.ttl);
            let bad_ttl = |r: &TcpSigRecord| r.matched.is_some_and(|m| m.bad_ttl);
            if !already_different
                && ttl_diff != 0
                && !bad_ttl(sig)
                && !bad_ttl(&reference)
                && (sig.dist <= 9 || ttl_diff > 1)
            {
                score += if sig.dist > 5 && ttl_diff.abs() <= 2 {
                    1
                } else {
                    4
                };
                reasons |= NatReasons::TTL;
            }
            if to_srv && last_port != 0 && i32::from(f.key.cli_port) + 64 <= i32::from(last_port) {
                score += 1;
                reasons |= NatReasons::PORT;
            }
            if sig.mss != reference.mss {
                score += 1;
                reasons |= NatReasons::MTU;
            }
            if score > 0 && sig.ts1 != 0 && reference.ts1 != 0 {
                let ms = (sig.recv_ms - reference.recv_ms) as u64;
                if ms < 86_400_000 {
                    let max_ts = ms.max(100) * 1500 / 1000;
                    let tsd = sig.ts1.wrapping_sub(reference.ts1);
                    if u64::from(tsd) > max_ts && (ms >= 100 || u64::from(!tsd) > max_ts) {
                        score += 4;
                        reasons |= NatReasons::TSTAMP;
                    } else {
                        score /= 2;
                    }
                }
            }
        } else if let Some(cur) = sig.matched
            && host_name.is_some_and(|n| n != cur.name)
        {
            score += 8;
            reasons |= NatReasons::OS_DIFF;
        }
        self.add_nat_score(f, to_srv, NatReasons(reasons), score);

        let host = self.t.hosts.get_mut(host_slot);
        if let Some(cur) = sig.matched
            && let Some(class) = cur.class
        {
            host.os = Some(HostOs {
                label: cur.label,
                class,
                name: cur.name,
                quality: u8::from(sig.fuzzy) | if cur.generic { 2 } else { 0 },
            });
        }
        host.last_port = f.key.cli_port;
    }

    /// NAT scoring of an HTTP message (spec §10.2).
    fn score_nat_http(
        &mut self,
        f: FlowRef,
        to_srv: bool,
        facts: &HttpFacts<'_>,
        matched: Option<LabelId>,
        dishonest: bool,
        current: &HttpSigRecord,
    ) {
        let db = self.db;
        let host_slot = self.host_slot(f, to_srv);
        let host = self.t.hosts.get(host_slot);
        let reference = if to_srv {
            host.http_req_os
        } else if host.http_resp_port == f.key.srv_port {
            host.http_resp
        } else {
            None
        };
        let host_name = host.os.map(|o| o.name);
        let mut score: u32 = 0;
        let mut reasons: u16 = 0;
        match matched.map(|id| (id, db.label(id))) {
            None => {
                if !to_srv && reference.is_some_and(|r| r.matched.is_some()) {
                    score += 4;
                    reasons |= NatReasons::X_KNOWN;
                }
            }
            Some((id, label)) if label.class.is_none() => {
                self.verify_tool_class(f, to_srv, &label.sys);
                if !to_srv && let Some(prev) = reference.and_then(|r| r.matched) {
                    if db.label(prev).name != label.name {
                        score += 8;
                        reasons |= NatReasons::SRV_SIG_LB;
                    } else if prev != id {
                        score += 2;
                        reasons |= NatReasons::SRV_SIG_LB;
                    }
                }
                if to_srv
                    && !dishonest
                    && let Some(ua) = facts.software
                    && let Some(ua_os) = db.ua_os_lookup(ua)
                {
                    let host = self.t.hosts.get_mut(host_slot);
                    if host.os.map(|o| o.name) != Some(ua_os) {
                        score += 4;
                        reasons |= NatReasons::UA_VS_OS;
                        if host.bad_sw == 0 {
                            host.bad_sw = 1;
                        }
                    } else {
                        host.bad_sw = 0;
                    }
                }
            }
            Some((id, label)) => {
                let mut already_different = false;
                if let Some(r) = reference {
                    match r.matched {
                        Some(prev) => {
                            if db.label(prev).name != label.name {
                                score += 8;
                                reasons |= NatReasons::OS_DIFF;
                                already_different = true;
                            } else if u32::from(db.label(prev).name) != id {
                                // p0f compares the reference's name id with the current
                                // label id here (spec §10.2 [BUG]); kept for parity.
                                score += 2;
                                reasons |= NatReasons::OS_DIFF;
                            }
                        }
                        None => {
                            score += 4;
                            reasons |= NatReasons::X_KNOWN;
                        }
                    }
                }
                if !already_different && host_name != Some(label.name) {
                    score += 4;
                    reasons |= NatReasons::OS_DIFF;
                }
            }
        }
        if facts.via {
            score += 8;
            reasons |= NatReasons::VIA;
        }
        if !to_srv
            && let Some(r) = reference
            && r.date != 0
            && current.date != 0
        {
            let recv_diff = current.recv_sec - r.recv_sec;
            let date_diff = current.date - r.date;
            if date_diff < -10 || date_diff > recv_diff + 10 {
                score += 4;
                reasons |= NatReasons::DATE;
            }
        }
        self.add_nat_score(f, to_srv, NatReasons(reasons), score);
    }

    /// Pushes a score on the host's scoreboard and reports a host change or IP sharing
    /// (spec §10.4).
    fn add_nat_score(&mut self, f: FlowRef, to_srv: bool, reasons: NatReasons, score: u32) {
        let host_slot = self.host_slot(f, to_srv);
        let now = self.now.sec;
        let host = self.t.hosts.get_mut(host_slot);
        let scores = if to_srv {
            &mut host.cli_scores
        } else {
            &mut host.srv_scores
        };
        scores.copy_within(1.., 0);
        scores[NAT_SCORES - 1] = score.min(255) as u8;
        host.nat_reasons.0 |= reasons.0;
        if score == 0 {
            return;
        }
        let mut hits = [0u32; 4];
        for &s in scores.iter() {
            for (hit, threshold) in hits.iter_mut().zip([6u8, 3, 2, 1]) {
                if s >= threshold {
                    *hit += 1;
                }
            }
        }
        let kind = if hits[0] > 2 || hits[1] > 4 || hits[2] > 6 || hits[3] > 8 {
            let accumulated = host.nat_reasons;
            *scores = [0; NAT_SCORES];
            host.nat_reasons = NatReasons::default();
            host.last_nat = now;
            Some((Kind::IpSharing, accumulated))
        } else if score == 1 {
            None
        } else {
            host.last_chg = now;
            Some((Kind::HostChange, reasons))
        };
        if let Some((kind, reasons)) = kind {
            self.emit(
                f,
                to_srv,
                kind,
                Details::Nat {
                    reasons,
                    raw_hits: hits,
                },
            );
        }
    }
}

/// Appends payload to a flow buffer, keeping at most [`MAX_FLOW_DATA`] bytes, and never
/// letting the buffer's capacity grow past that (doubling would reach 11.5 kB with
/// 1448-byte segments).
fn append_capped(buf: &mut Vec<u8>, payload: &[u8]) {
    let take = payload.len().min(MAX_FLOW_DATA - buf.len());
    if buf.capacity() - buf.len() < take {
        let wanted = (buf.len() + take)
            .max(buf.capacity() * 2)
            .min(MAX_FLOW_DATA);
        buf.reserve_exact(wanted - buf.len());
    }
    buf.extend_from_slice(&payload[..take]);
}

/// p0f's rounding of a measured timestamp clock (spec §8 step 8).
fn round_frequency(freq: u32) -> u32 {
    match freq {
        0 => 1,
        1..=10 => freq,
        11..=50 => (freq + 3) / 5 * 5,
        51..=100 => (freq + 7) / 10 * 10,
        101..=500 => (freq + 33) / 50 * 50,
        _ => (freq + 67) / 100 * 100,
    }
}

#[cfg(test)]
mod tests {
    use super::round_frequency;

    #[test]
    fn frequency_rounding_follows_p0f_bands() {
        assert_eq!(round_frequency(0), 1);
        assert_eq!(round_frequency(7), 7);
        assert_eq!(round_frequency(12), 15);
        assert_eq!(round_frequency(98), 100);
        assert_eq!(round_frequency(251), 250);
        assert_eq!(round_frequency(1003), 1000);
        assert_eq!(round_frequency(1040), 1100);
    }
}
