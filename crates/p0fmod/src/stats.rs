//! Run statistics: the engine's counters as plain data.
//!
//! The engine counts as it goes (a few integer additions per packet); [`Engine::stats`]
//! copies them out as an [`EngineStats`]. The end-of-run summary, the per-host report and
//! the service's statistics (SIGUSR1, metrics) are all made from this one record.
//!
//! [`Engine::stats`]: crate::Engine::stats

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::observation::Kind;

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
