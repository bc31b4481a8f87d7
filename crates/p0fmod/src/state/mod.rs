//! Host and flow state: the records p0f keeps per address and per connection, the bounded
//! caches that hold them, and their expiry and pruning rules (spec §4).
//!
//! Plain data and pure bookkeeping: no I/O. The fingerprinting steps in [`crate::engine`]
//! read and update these records.

pub mod cache;
pub mod reassembly;
pub mod tls;
pub mod udp;
pub mod verdict;

use std::net::IpAddr;

use p0fmod_db::{ClassId, LabelId, NameId};
use p0fmod_http::{HttpParser, MessageKind};
use p0fmod_wire::{OptLayout, Quirks};

use crate::observation::{Kind, NatReasons};
use crate::stats::TableStats;
use cache::{AgeMap, Slot};

/// The age of a record as p0f computes it: an unsigned 32-bit difference of packet times,
/// so that with packets out of time order a record stamped later than `now` has a huge age
/// and is expired (spec §4.3).
fn age(now: i64, then: i64) -> u32 {
    (now as u32).wrapping_sub(then as u32)
}

/// Length of the NAT scoreboards.
pub const NAT_SCORES: usize = 32;

/// Cache limits: p0f's `-m c,h` and `-t c,h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most tracked connections (`-m c`).
    pub max_conn: u32,
    /// Most tracked hosts (`-m h`).
    pub max_hosts: u32,
    /// Seconds a connection is tracked (`-t c`).
    pub conn_max_age: u32,
    /// Minutes an idle host is kept (`-t h`).
    pub host_idle_limit: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_conn: 1000,
            max_hosts: 10000,
            conn_max_age: 30,
            host_idle_limit: 120,
        }
    }
}

/// The OS a host was last matched as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostOs {
    /// The label that matched (its flavor is the host's flavor).
    pub label: LabelId,
    /// OS class.
    pub class: ClassId,
    /// OS name.
    pub name: NameId,
    /// Match quality bits: 1 fuzzy, 2 generic.
    pub quality: u8,
}

/// The matched part of a stored TCP signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchedTcp {
    /// Label.
    pub label: LabelId,
    /// Line of the signature in its database.
    pub line: u32,
    /// Name.
    pub name: NameId,
    /// Class (`None` for userland; never stored in practice).
    pub class: Option<ClassId>,
    /// The signature has a random TTL.
    pub bad_ttl: bool,
    /// Generic label.
    pub generic: bool,
}

/// The last SYN or SYN+ACK signature of a host: what uptime and NAT checks compare with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpSigRecord {
    /// The match, if any.
    pub matched: Option<MatchedTcp>,
    /// Fuzzy match.
    pub fuzzy: bool,
    /// Quirks.
    pub quirks: Quirks,
    /// Option layout.
    pub opt_layout: OptLayout,
    /// Observed TTL.
    pub ttl: u8,
    /// Distance.
    pub dist: u8,
    /// MSS.
    pub mss: u16,
    /// Own timestamp.
    pub ts1: u32,
    /// Packet time in milliseconds.
    pub recv_ms: i64,
}

/// The part of an HTTP signature kept for NAT checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpSigRecord {
    /// The matched label and whether it is an OS label.
    pub matched: Option<LabelId>,
    /// Date header (Unix seconds), 0 if none.
    pub date: i64,
    /// Packet time in seconds.
    pub recv_sec: i64,
}

/// Everything p0fmod knows about one address (spec §4.1).
#[derive(Clone, Debug)]
pub struct Host {
    /// The address.
    pub addr: IpAddr,
    /// First seen (packet time, s).
    pub first_seen: i64,
    /// Last new connection (packet time, s).
    pub last_seen: i64,
    /// Connections seen as client or server.
    pub total_conn: u32,
    /// Live flows referring to this host.
    pub use_count: u32,
    /// Last positive OS match.
    pub os: Option<HostOs>,
    /// Distance in hops (255 = unknown, as p0f).
    pub distance: u8,
    /// Uptime in minutes at the last measurement.
    pub last_up_min: Option<u32>,
    /// Timestamp wrap period in days.
    pub up_mod_days: u32,
    /// Last HTTP application label.
    pub http_app: Option<LabelId>,
    /// Language from Accept-Language.
    pub language: Option<&'static str>,
    /// Index of the last recognised `[mtu]` entry.
    pub link: Option<u16>,
    /// 0 = honest, 1 = User-Agent names another OS, 2 = dishonest.
    pub bad_sw: u8,
    /// Last `ip sharing` (s), 0 = never.
    pub last_nat: i64,
    /// Last `host change` (s), 0 = never.
    pub last_chg: i64,
    /// Last client SYN signature.
    pub last_syn: Option<TcpSigRecord>,
    /// Last server SYN+ACK signature.
    pub last_synack: Option<TcpSigRecord>,
    /// NAT scoreboard, client role.
    pub cli_scores: [u8; NAT_SCORES],
    /// NAT scoreboard, server role.
    pub srv_scores: [u8; NAT_SCORES],
    /// NAT reasons accumulated since the last `ip sharing`.
    pub nat_reasons: NatReasons,
    /// Client port of the last SYN or SYN+ACK.
    pub last_port: u16,
    /// Last OS-class HTTP request signature.
    pub http_req_os: Option<HttpSigRecord>,
    /// Last HTTP response signature.
    pub http_resp: Option<HttpSigRecord>,
    /// Server port of `http_resp`.
    pub http_resp_port: u16,
    /// Observations about this host, indexed by kind (`Kind::ALL[i]`).
    pub observations: [u32; Kind::ALL.len()],
    /// Last TLS client application matched (label, fuzzy).
    pub tls_client: Option<(LabelId, bool)>,
    /// Last TLS server application matched (label, fuzzy).
    pub tls_server: Option<(LabelId, bool)>,
    /// The cross-layer verdict's facts and last result.
    pub verdict: verdict::VerdictState,
}

impl Host {
    fn new(addr: IpAddr, now: i64) -> Host {
        Host {
            addr,
            first_seen: now,
            last_seen: now,
            total_conn: 0,
            use_count: 0,
            os: None,
            distance: 255,
            last_up_min: None,
            up_mod_days: 0,
            http_app: None,
            language: None,
            link: None,
            bad_sw: 0,
            last_nat: 0,
            last_chg: 0,
            last_syn: None,
            last_synack: None,
            cli_scores: [0; NAT_SCORES],
            srv_scores: [0; NAT_SCORES],
            nat_reasons: NatReasons::default(),
            last_port: 0,
            http_req_os: None,
            http_resp: None,
            http_resp_port: 0,
            observations: [0; Kind::ALL.len()],
            tls_client: None,
            tls_server: None,
            verdict: verdict::VerdictState::default(),
        }
    }
}

/// Key of a flow: client address and port, server address and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FlowKey {
    /// Client address.
    pub client: IpAddr,
    /// Client port.
    pub cli_port: u16,
    /// Server address.
    pub server: IpAddr,
    /// Server port.
    pub srv_port: u16,
}

/// The two ends of a connection in a fixed order (the lower address and port first): the
/// flow table's key, so that a packet finds its flow with one lookup whichever way it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoints {
    low: (IpAddr, u16),
    high: (IpAddr, u16),
}

impl Endpoints {
    /// The ends of a connection between `a` and `b`, in either order.
    pub fn new(a: (IpAddr, u16), b: (IpAddr, u16)) -> Endpoints {
        if a <= b {
            Endpoints { low: a, high: b }
        } else {
            Endpoints { low: b, high: a }
        }
    }
}

/// HTTP progress of a flow.
#[derive(Clone, Debug)]
pub enum HttpState {
    /// Reading the request.
    Request(HttpParser),
    /// The request was fingerprinted; reading the response.
    Response(HttpParser),
    /// Not HTTP.
    NotHttp,
}

/// One tracked connection (spec §4.1).
#[derive(Clone, Debug)]
pub struct Flow {
    /// Client and server ends.
    pub key: FlowKey,
    /// Client host's slot.
    pub client: Slot,
    /// Server host's slot.
    pub server: Slot,
    /// Next expected client sequence number.
    pub next_cli_seq: u32,
    /// Next expected server sequence number.
    pub next_srv_seq: u32,
    /// SYN+ACK seen.
    pub acked: bool,
    /// A p0f-sendsyn probe.
    pub sendsyn: bool,
    /// Client clock frequency found (0 none yet, -1 bad).
    pub cli_tps: i32,
    /// Server clock frequency found (0 none yet, -1 bad).
    pub srv_tps: i32,
    /// MSS of the client SYN.
    pub syn_mss: u16,
    /// Creation time (s).
    pub created: i64,
    /// Request bytes (at most 8192).
    pub request: Vec<u8>,
    /// Response bytes (at most 8192).
    pub response: Vec<u8>,
    /// HTTP progress.
    pub http: HttpState,
}

/// The host and flow caches with p0f's limits.
pub struct Tables {
    /// Hosts by address, oldest first (touched on each new flow).
    pub hosts: AgeMap<IpAddr, Host>,
    /// Flows by their ends, oldest (by creation) first.
    pub flows: AgeMap<Endpoints, Flow>,
    /// Limits.
    pub limits: Limits,
    /// Counters of the host table.
    pub host_stats: TableStats,
    /// Counters of the flow table.
    pub flow_stats: TableStats,
    last_expiry_sec: Option<i64>,
    /// Prunings not yet taken by [`Tables::take_prunes`] (p0f warns of each in live mode),
    /// at most [`MAX_PRUNE_NOTES`]; the ones past it are counted in `prunes_untold`.
    prunes: Vec<Prune>,
    prunes_untold: u64,
}

/// Most prunings kept for [`Tables::take_prunes`] (a run that never takes them, such as
/// an offline one, keeps no more).
pub const MAX_PRUNE_NOTES: usize = 64;

/// A pruning of a table to stay within `-m`, with the count p0f's warning gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prune {
    /// `Too many tracked connections, deleting N. Use -m to adjust.`
    Flows(u64),
    /// `Too many host entries, deleting N. Use -m to adjust.` (N is p0f's
    /// `1 + host_cnt * 10 / 100`, whatever is really removed.)
    Hosts(u64),
}

impl std::fmt::Display for Prune {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Prune::Flows(n) => write!(
                f,
                "Too many tracked connections, deleting {n}. Use -m to adjust."
            ),
            Prune::Hosts(n) => write!(f, "Too many host entries, deleting {n}. Use -m to adjust."),
        }
    }
}

impl Tables {
    /// Empty tables with these limits.
    pub fn new(limits: Limits) -> Tables {
        Tables {
            hosts: AgeMap::default(),
            flows: AgeMap::default(),
            limits,
            host_stats: TableStats::default(),
            flow_stats: TableStats::default(),
            last_expiry_sec: None,
            prunes: Vec::new(),
            prunes_untold: 0,
        }
    }

    /// The prunings since the last call, as p0f warns of them in live mode, and how many
    /// more happened past [`MAX_PRUNE_NOTES`].
    pub fn take_prunes(&mut self) -> (Vec<Prune>, u64) {
        (
            std::mem::take(&mut self.prunes),
            std::mem::take(&mut self.prunes_untold),
        )
    }

    fn note_prune(&mut self, prune: Prune) {
        if self.prunes.len() < MAX_PRUNE_NOTES {
            self.prunes.push(prune);
        } else {
            self.prunes_untold += 1;
        }
    }

    /// Finds the flow of a packet from `src:sport` to `dst:dport`; the flag is true when
    /// the packet goes from client to server.
    pub fn find_flow(
        &self,
        src: IpAddr,
        sport: u16,
        dst: IpAddr,
        dport: u16,
    ) -> Option<(Slot, bool)> {
        let slot = self
            .flows
            .find(&Endpoints::new((src, sport), (dst, dport)))?;
        let key = &self.flows.get(slot).key;
        // A connection from an end to itself counts as client to server, as in p0f.
        Some((slot, key.client == src && key.cli_port == sport))
    }

    /// Destroys a flow and releases its hosts.
    pub fn destroy_flow(&mut self, slot: Slot) {
        let flow = self.flows.remove(slot);
        self.flow_stats.on_size(self.flows.len());
        self.hosts.get_mut(flow.client).use_count -= 1;
        self.hosts.get_mut(flow.server).use_count -= 1;
    }

    /// Creates a flow for a SYN, creating or touching both hosts (spec §4.2, §4.3).
    pub fn create_flow(&mut self, key: FlowKey, seq: u32, now: i64) -> Slot {
        if self.flows.len() > self.limits.max_conn as usize {
            let count = 1 + self.flows.len() * 10 / 100;
            self.note_prune(Prune::Flows(count as u64));
            self.nuke_flows(count);
        }
        let client = self.host_for_flow(key.client, now);
        let server = self.host_for_flow(key.server, now);
        for slot in [client, server] {
            let host = self.hosts.get_mut(slot);
            host.use_count += 1;
            host.total_conn += 1;
        }
        let flow = Flow {
            key,
            client,
            server,
            next_cli_seq: seq.wrapping_add(1),
            next_srv_seq: 0,
            acked: false,
            sendsyn: false,
            cli_tps: 0,
            srv_tps: 0,
            syn_mss: 0,
            created: now,
            request: Vec::new(),
            response: Vec::new(),
            http: HttpState::Request(HttpParser::new(MessageKind::Request)),
        };
        let ends = Endpoints::new((key.client, key.cli_port), (key.server, key.srv_port));
        let slot = self.flows.insert(ends, flow);
        self.flow_stats.on_create(self.flows.len());
        slot
    }

    fn host_for_flow(&mut self, addr: IpAddr, now: i64) -> Slot {
        if let Some(slot) = self.hosts.find(&addr) {
            self.hosts.touch(slot);
            self.hosts.get_mut(slot).last_seen = now;
            return slot;
        }
        if self.hosts.len() > self.limits.max_hosts as usize {
            self.note_prune(Prune::Hosts(1 + self.hosts.len() as u64 * 10 / 100));
            self.nuke_hosts();
        }
        if self.hosts.len() >= self.host_ceiling() {
            self.free_oldest_host();
        }
        let slot = self.hosts.insert(addr, Host::new(addr, now));
        self.host_stats.on_create(self.hosts.len());
        slot
    }

    /// Removes a host to stay within the limits, counting it as evicted.
    fn evict_host(&mut self, slot: Slot) {
        self.hosts.remove(slot);
        self.host_stats.evicted += 1;
        self.host_stats.on_size(self.hosts.len());
    }

    /// Destroys a flow to stay within the limits, counting it as evicted.
    fn evict_flow(&mut self, slot: Slot) {
        self.flow_stats.evicted += 1;
        self.destroy_flow(slot);
    }

    /// The most hosts the table ever holds. p0f never removes a host that still has
    /// flows, so its table can outgrow `max_hosts + 1` while the oldest hosts keep flows
    /// open; p0fmod lets it (for identical output) up to as many hosts as two full flow
    /// tables could pin, and no further.
    pub fn host_ceiling(&self) -> usize {
        self.limits.max_hosts as usize + 2 * (self.limits.max_conn as usize + 1) + 1
    }

    /// Destroys the oldest flows until the oldest host has none left, then removes that
    /// host. Each flow is destroyed once, so the cost is constant per flow created.
    fn free_oldest_host(&mut self) {
        while let Some(oldest) = self.hosts.oldest() {
            if self.hosts.get(oldest).use_count == 0 {
                self.evict_host(oldest);
                return;
            }
            match self.flows.oldest() {
                Some(flow) => self.evict_flow(flow),
                None => return,
            }
        }
    }

    /// Destroys the `count` oldest flows.
    fn nuke_flows(&mut self, count: usize) {
        for _ in 0..count {
            match self.flows.oldest() {
                Some(slot) => self.evict_flow(slot),
                None => break,
            }
        }
    }

    /// p0f's host pruning: the oldest 10 % of flows go, then the oldest host if it is
    /// unused. p0f means to remove 10 % of the hosts but its walk stops after the first
    /// entry (spec §4.3 [BUG]); p0fmod keeps that count so that output stays identical,
    /// and the host table still stays bounded at `max_hosts + 1`.
    fn nuke_hosts(&mut self) {
        let count = 1 + self.flows.len() * 10 / 100;
        self.nuke_flows(count);
        if let Some(oldest) = self.hosts.oldest()
            && self.hosts.get(oldest).use_count == 0
        {
            self.evict_host(oldest);
        }
    }

    /// Cache expiry, as p0f runs it on every 50th packet (at most once per second of
    /// packet time): flows older than `conn_max_age`, then idle hosts without flows.
    pub fn expire(&mut self, now: i64) {
        if self.last_expiry_sec == Some(now) {
            return;
        }
        self.last_expiry_sec = Some(now);
        while let Some(slot) = self.flows.oldest() {
            if age(now, self.flows.get(slot).created) > self.limits.conn_max_age {
                self.flow_stats.expired += 1;
                self.destroy_flow(slot);
            } else {
                break;
            }
        }
        let idle = self.limits.host_idle_limit.saturating_mul(60);
        let mut cursor = self.hosts.oldest();
        while let Some(slot) = cursor {
            cursor = self.hosts.newer(slot);
            let host = self.hosts.get(slot);
            if age(now, host.last_seen) <= idle {
                break;
            }
            if host.use_count == 0 {
                self.hosts.remove(slot);
                self.host_stats.expired += 1;
            }
        }
        self.host_stats.on_size(self.hosts.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(client: &str, port: u16) -> FlowKey {
        FlowKey {
            client: client.parse().unwrap(),
            cli_port: port,
            server: "192.0.2.80".parse().unwrap(),
            srv_port: 80,
        }
    }

    #[test]
    fn freeing_the_oldest_host_destroys_its_flows_first() {
        let mut t = Tables::new(Limits {
            max_conn: 100,
            max_hosts: 100,
            ..Limits::default()
        });
        for port in 0..5 {
            t.create_flow(key("192.0.2.1", port), 0, 0);
        }
        t.create_flow(key("192.0.2.2", 0), 0, 1);
        assert_eq!((t.hosts.len(), t.flows.len()), (3, 6));
        // 192.0.2.1 is the oldest host and has five live flows: they go, then it does.
        t.free_oldest_host();
        assert_eq!((t.hosts.len(), t.flows.len()), (2, 1));
        assert!(t.hosts.find(&"192.0.2.1".parse().unwrap()).is_none());
        // 192.0.2.2 (touched before the server) is now the oldest; its flow goes with it.
        t.free_oldest_host();
        assert_eq!((t.hosts.len(), t.flows.len()), (1, 0));
        assert!(t.hosts.find(&"192.0.2.80".parse().unwrap()).is_some());
    }

    #[test]
    fn host_ceiling_allows_what_two_full_flow_tables_pin() {
        let t = Tables::new(Limits {
            max_conn: 100,
            max_hosts: 3,
            ..Limits::default()
        });
        assert_eq!(t.host_ceiling(), 3 + 2 * 101 + 1);
    }

    #[test]
    fn a_flow_is_found_from_both_ends_with_its_direction() {
        let mut t = Tables::new(Limits::default());
        let k = key("192.0.2.9", 40000);
        let slot = t.create_flow(k, 7, 0);
        let server = "192.0.2.80".parse().unwrap();
        assert_eq!(t.find_flow(k.client, 40000, server, 80), Some((slot, true)));
        assert_eq!(
            t.find_flow(server, 80, k.client, 40000),
            Some((slot, false))
        );
        assert_eq!(t.find_flow(server, 80, k.client, 40001), None);
        // A connection from an end to itself: client to server, as p0f's first lookup.
        let own = FlowKey {
            client: server,
            cli_port: 80,
            server,
            srv_port: 80,
        };
        let slot = t.create_flow(own, 1, 0);
        assert_eq!(t.find_flow(server, 80, server, 80), Some((slot, true)));
    }
}
