//! Run statistics: the engine's counters as plain data.
//!
//! The engine counts as it goes (a few integer additions per packet); [`Engine::stats`]
//! copies them out as an [`EngineStats`]. The end-of-run summary, the per-host report and
//! the service's statistics (SIGUSR1, metrics) are all made from this one record.
//!
//! [`Engine::stats`]: crate::Engine::stats

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::observation::Kind;
use crate::state::Limits;

/// The largest `-m c` and `-m h` a configuration accepts.
const MAX_CONN_LIMIT: u64 = 100_000;
const MAX_HOSTS_LIMIT: u64 = 500_000;
pub use crate::state::tls::TlsStats;
pub use crate::state::udp::UdpStats;

/// A count per observation kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindCounts([u64; Kind::ALL.len()]);

impl KindCounts {
    /// The count of one kind.
    pub fn get(&self, kind: Kind) -> u64 {
        self.0[kind as usize]
    }

    /// Counts one observation of `kind`.
    pub fn add(&mut self, kind: Kind) {
        self.0[kind as usize] += 1;
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &KindCounts) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }

    /// Every kind with its count, in [`Kind::ALL`]'s order (zeros included).
    pub fn iter(&self) -> impl Iterator<Item = (Kind, u64)> + '_ {
        Kind::ALL.into_iter().map(|k| (k, self.get(k)))
    }

    /// All observations.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

impl Serialize for KindCounts {
    /// An object from p0f's keyword (`syn`, `http request`, ...) to the count.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Kind::ALL.len()))?;
        for (kind, n) in self.iter() {
            map.serialize_entry(kind.keyword(), &n)?;
        }
        map.end()
    }
}

/// The counters of one table (hosts or flows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TableStats {
    /// Entries in the table now.
    pub current: u64,
    /// The most entries the table held at once.
    pub peak: u64,
    /// Entries created. An address (or connection) removed and seen again counts again.
    pub created: u64,
    /// Entries removed to stay within `-m` (p0f's pruning; for hosts, also the ceiling of
    /// docs/divergences.md #7). Their history is lost: a host seen again starts afresh.
    pub evicted: u64,
    /// Entries removed by age: flows older than `-t c` seconds, hosts idle for more than
    /// `-t h` minutes. (Flows that end normally, with FIN or RST, are not counted here.)
    pub expired: u64,
    /// The most entries that would have been in the table at once had nothing been
    /// evicted, at most: a `-m` limit this high keeps every entry (never less than `peak`).
    pub needed: u64,
}

impl TableStats {
    /// Counts an entry created, with the table's size after it.
    pub(crate) fn on_create(&mut self, len: usize) {
        self.created += 1;
        self.on_size(len);
    }

    /// Records the table's size.
    pub(crate) fn on_size(&mut self, len: usize) {
        let len = len as u64;
        self.current = len;
        self.peak = self.peak.max(len);
        self.needed = self.needed.max(len + self.evicted);
    }
}

/// The engine's counters since it was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EngineStats {
    /// Frames handed to the engine (every frame read or captured, whatever it carried).
    pub frames: u64,
    /// Bytes of those frames, as captured (a snapped frame counts its captured part).
    pub bytes: u64,
    /// Packets processed as p0f counts them: frames that carried TCP at the IP level.
    pub packets: u64,
    /// Observations made, per kind.
    pub observations: KindCounts,
    /// The host table.
    pub hosts: TableStats,
    /// The flow (connection) table.
    pub flows: TableStats,
    /// TLS hellos and the TLS table (all zero when TLS fingerprinting is off).
    pub tls: TlsStats,
    /// UDP datagrams and the QUIC / DTLS flow table (all zero when TLS fingerprinting is
    /// off).
    pub udp: UdpStats,
}

impl EngineStats {
    /// The end-of-run summary: what was read and how fast, the observations per kind, the
    /// hosts and connections seen, evicted and expired. Lines without their newline.
    pub fn summary_lines(&self, elapsed: Duration) -> Vec<String> {
        let secs = elapsed.as_secs_f64();
        let per_sec = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
        let mb = self.bytes as f64 / 1e6;
        let mut lines = vec![format!(
            "[+] Read {} frames ({mb:.1} MB), {} TCP packets, in {secs:.2} s: {:.0} packets/s, {:.1} MB/s.",
            self.frames,
            self.packets,
            per_sec(self.packets),
            per_sec(self.bytes) / 1e6,
        )];
        let mut obs = format!("[+] {} observations", self.observations.total());
        let kinds: Vec<String> = self
            .observations
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(kind, n)| format!("{} {n}", kind.keyword()))
            .collect();
        if !kinds.is_empty() {
            let _ = write!(obs, ": {}", kinds.join(", "));
        }
        obs.push('.');
        lines.push(obs);
        let table = |t: &TableStats| {
            format!(
                "{} seen, {} evicted, {} expired, {} at most at once",
                t.created, t.evicted, t.expired, t.peak
            )
        };
        lines.push(format!(
            "[+] Hosts: {}; connections: {}.",
            table(&self.hosts),
            table(&self.flows)
        ));
        let tls = &self.tls;
        if tls.hellos_complete + tls.hellos_incomplete > 0 {
            lines.push(format!(
                "[+] TLS hellos: {} complete, {} incomplete; TLS connections: {} seen, {} evicted, {} expired.",
                tls.hellos_complete, tls.hellos_incomplete, tls.connections, tls.evicted, tls.expired
            ));
        }
        let udp = &self.udp;
        if udp.flows > 0 {
            lines.push(format!(
                "[+] UDP: {} datagrams, {} QUIC/DTLS candidates; QUIC/DTLS flows: {} seen, {} evicted, {} expired.",
                udp.datagrams, udp.candidates, udp.flows, udp.evicted, udp.expired
            ));
        }
        lines
    }

    /// When hosts or connections were evicted to stay within `-m`: a warning that says how
    /// many, what was lost, and which `-m` would have kept them (without the `[!] WARNING: `
    /// prefix).
    pub fn eviction_warning(&self, limits: Limits) -> Option<String> {
        let (hosts, flows) = (self.hosts.evicted, self.flows.evicted);
        if hosts == 0 && flows == 0 {
            return None;
        }
        let mut text = String::new();
        if hosts > 0 {
            let _ = write!(
                text,
                "{hosts} host{} evicted to stay within -m {},{}: their OS, NAT and host-change \
                 history was lost, and those seen again started afresh",
                if hosts == 1 { " was" } else { "s were" },
                limits.max_conn,
                limits.max_hosts
            );
        }
        if flows > 0 {
            let _ = write!(
                text,
                "{}{flows} connection{} evicted{}: what came later on {} was not seen",
                if hosts > 0 { "; " } else { "" },
                if flows == 1 { " was" } else { "s were" },
                if hosts > 0 {
                    String::new()
                } else {
                    format!(
                        " to stay within -m {},{}",
                        limits.max_conn, limits.max_hosts
                    )
                },
                if flows == 1 { "it" } else { "them" },
            );
        }
        let conn = if flows > 0 {
            self.flows.needed.max(u64::from(limits.max_conn))
        } else {
            u64::from(limits.max_conn)
        };
        let host = if hosts > 0 {
            self.hosts.needed.max(u64::from(limits.max_hosts))
        } else {
            u64::from(limits.max_hosts)
        };
        if conn <= MAX_CONN_LIMIT && host <= MAX_HOSTS_LIMIT {
            let _ = write!(text, ". -m {conn},{host} would have kept them.");
        } else {
            let _ = write!(
                text,
                ". Keeping them needs -m {conn},{host}, beyond what -m allows \
                 ({MAX_CONN_LIMIT},{MAX_HOSTS_LIMIT}): split the capture or filter it."
            );
        }
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_at_its_index() {
        for (i, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i);
        }
    }

    #[test]
    fn kind_counts_serialize_by_keyword() {
        let mut counts = KindCounts::default();
        counts.add(Kind::Syn);
        counts.add(Kind::Syn);
        counts.add(Kind::IpSharing);
        assert_eq!(counts.get(Kind::Syn), 2);
        assert_eq!(counts.total(), 3);
        let json = serde_json::to_value(counts).unwrap();
        assert_eq!(json["syn"], 2);
        assert_eq!(json["ip sharing"], 1);
        assert_eq!(json["mtu"], 0);
        assert_eq!(json.as_object().unwrap().len(), Kind::ALL.len());
    }

    #[test]
    fn summary_and_eviction_warning_texts() {
        let mut s = EngineStats {
            frames: 12,
            bytes: 3_000_000,
            packets: 10,
            ..EngineStats::default()
        };
        s.observations.add(Kind::Syn);
        s.observations.add(Kind::Mtu);
        s.hosts = TableStats {
            current: 21,
            peak: 21,
            created: 301,
            evicted: 280,
            expired: 0,
            needed: 301,
        };
        let lines = s.summary_lines(Duration::from_secs(2));
        assert_eq!(
            lines,
            [
                "[+] Read 12 frames (3.0 MB), 10 TCP packets, in 2.00 s: 5 packets/s, 1.5 MB/s.",
                "[+] 2 observations: syn 1, mtu 1.",
                "[+] Hosts: 301 seen, 280 evicted, 0 expired, 21 at most at once; connections: 0 seen, 0 evicted, 0 expired, 0 at most at once.",
            ]
        );
        let limits = Limits {
            max_conn: 1000,
            max_hosts: 20,
            ..Limits::default()
        };
        assert_eq!(
            s.eviction_warning(limits).unwrap(),
            "280 hosts were evicted to stay within -m 1000,20: their OS, NAT and host-change \
             history was lost, and those seen again started afresh. -m 1000,301 would have kept them."
        );
        s.flows.evicted = 1;
        s.flows.needed = 200_000;
        assert!(
            s.eviction_warning(limits)
                .unwrap()
                .ends_with("; 1 connection was evicted: what came later on it was not seen. Keeping them needs -m 200000,301, beyond what -m allows (100000,500000): split the capture or filter it."),
        );
        assert_eq!(EngineStats::default().eviction_warning(limits), None);
    }

    #[test]
    fn needed_counts_evicted_entries_as_if_kept() {
        let mut t = TableStats::default();
        t.on_create(1);
        t.on_create(2);
        t.evicted += 1;
        t.on_size(1);
        t.on_create(2);
        assert_eq!((t.current, t.peak, t.created, t.needed), (2, 2, 3, 3));
    }
}
