//! The HTML report of a run (`--report FILE.html`): one self-contained page (inline CSS and
//! JavaScript, no network) with the OS and application mix, the host table (sortable,
//! filterable), the NAT and host-change events, the TLS clients and servers, and a
//! timeline of the observations.
//!
//! A [`ReportCollector`] watches the observations as they are made (events, and counts per
//! time bucket, both bounded); at the end, [`html_report`] puts them in the page with the
//! host table and the run's statistics, as one JSON object the page's script draws from.
//! The page builds its text with `textContent` only, so nothing from a capture can become
//! markup or script.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use crate::host::HostInfo;
use crate::observation::{Details, Kind, Observation, TlsDetails};
use crate::stats::{EngineStats, KindCounts};

/// The page; `/*DATA*/` stands for the report's JSON.
const TEMPLATE: &str = include_str!("report.html");

/// Events kept for the page; the count goes on beyond it.
const MAX_EVENTS: usize = 10_000;

/// Distinct TLS hellos (host, role, application, fingerprint) kept for the page.
const MAX_TLS: usize = 10_000;

/// Time buckets for the timeline, from the first observation to the last; past it, buckets
/// are merged two by two.
const MAX_BUCKETS: usize = 600;

/// An `ip sharing` or `host change` report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Packet time (Unix seconds).
    pub time: i64,
    /// `ip sharing` or `host change`.
    pub kind: &'static str,
    /// The host it is about (RFC 5952 text).
    pub addr: String,
    /// The connection's client, `addr/port`.
    pub client: String,
    /// The connection's server, `addr/port`.
    pub server: String,
    /// p0f's reason names.
    pub reasons: Vec<&'static str>,
}

/// The TLS hellos of one host in one role with one application and fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TlsHelloKey {
    /// The host (RFC 5952 text).
    pub addr: String,
    /// `client` (ClientHello) or `server` (ServerHello).
    pub role: &'static str,
    /// The application the database names (`name flavor`), if any.
    pub application: Option<String>,
    /// JA4 of a ClientHello, JA3S of a ServerHello, when the hello was read whole.
    pub fingerprint: Option<String>,
}

/// How often a [`TlsHelloKey`] was seen, and the server names asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TlsHelloCount {
    /// Hellos.
    pub count: u64,
    /// Server names (SNI) of the ClientHellos, the first few.
    pub sni: Vec<String>,
}

/// What the report needs from the observations, gathered as they go by (bounded memory).
#[derive(Clone, Debug)]
pub struct ReportCollector {
    events: Vec<Event>,
    events_total: u64,
    tls: BTreeMap<TlsHelloKey, TlsHelloCount>,
    tls_total: u64,
    /// Seconds per timeline bucket (a power of two).
    width: i64,
    buckets: BTreeMap<i64, KindCounts>,
    first: Option<i64>,
    last: Option<i64>,
}

impl Default for ReportCollector {
    fn default() -> Self {
        ReportCollector {
            events: Vec::new(),
            events_total: 0,
            tls: BTreeMap::new(),
            tls_total: 0,
            width: 1,
            buckets: BTreeMap::new(),
            first: None,
            last: None,
        }
    }
}

impl ReportCollector {
    /// An empty collector.
    pub fn new() -> ReportCollector {
        ReportCollector::default()
    }

    /// Takes one observation into account.
    pub fn add(&mut self, obs: &Observation<'_>) {
        let t = obs.time.sec;
        self.first = Some(self.first.map_or(t, |f| f.min(t)));
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
        self.buckets
            .entry(t.div_euclid(self.width) * self.width)
            .or_default()
            .add(obs.kind);
        // Few enough buckets, and few enough bars between the first and the last.
        let span = |c: &ReportCollector| c.last.unwrap_or(t) - c.first.unwrap_or(t);
        while self.buckets.len() > MAX_BUCKETS || span(self) / self.width >= MAX_BUCKETS as i64 {
            self.width *= 2;
            let old = std::mem::take(&mut self.buckets);
            for (start, counts) in old {
                self.buckets
                    .entry(start.div_euclid(self.width) * self.width)
                    .or_default()
                    .merge(&counts);
            }
        }
        if let Details::Tls(tls) = &obs.details {
            self.add_tls(obs, tls);
        }
        if let Details::Nat { reasons, .. } = &obs.details {
            self.events_total += 1;
            if self.events.len() < MAX_EVENTS {
                self.events.push(Event {
                    time: t,
                    kind: obs.kind.keyword(),
                    addr: obs.subject_addr().to_string(),
                    client: obs.client.to_string(),
                    server: obs.server.to_string(),
                    reasons: reasons.names().collect(),
                });
            }
        }
    }

    fn add_tls(&mut self, obs: &Observation<'_>, tls: &TlsDetails<'_>) {
        self.tls_total += 1;
        let client = obs.kind == Kind::TlsRequest;
        let hello = tls.hello.as_deref();
        let key = TlsHelloKey {
            addr: obs.subject_addr().to_string(),
            role: if client { "client" } else { "server" },
            application: tls.label.as_ref().map(|l| match &l.flavor {
                Some(flavor) => format!("{} {flavor}", l.name),
                None => l.name.to_string(),
            }),
            fingerprint: hello.and_then(|h| {
                if client {
                    h.ja4.as_ref().map(|j| j.ja4.to_string())
                } else {
                    h.ja3s.as_ref().map(|(_, hash)| hash.clone())
                }
            }),
        };
        let full = self.tls.len() >= MAX_TLS;
        let entry = match self.tls.get_mut(&key) {
            Some(entry) => entry,
            None if full => return,
            None => self.tls.entry(key).or_default(),
        };
        entry.count += 1;
        if let Some(sni) = hello.and_then(|h| h.sni.as_ref())
            && entry.sni.len() < 5
            && !entry.sni.contains(sni)
        {
            entry.sni.push(sni.clone());
        }
    }

    /// The events kept (at most 10,000, the first ones).
    pub fn events(&self) -> &[Event] {
        &self.events
    }
}

/// The run the report is about.
#[derive(Clone, Debug)]
pub struct ReportRun<'a> {
    /// The captures read, as named on the command line.
    pub captures: Vec<String>,
    /// The engine's counters at the end.
    pub stats: EngineStats,
    /// The eviction warning, if hosts or connections were evicted.
    pub eviction_warning: Option<String>,
    /// The host table at the end.
    pub hosts: &'a [HostInfo],
    /// Seconds the run took.
    pub elapsed: f64,
}

/// The report page: the template with the run's data as JSON.
pub fn html_report(run: &ReportRun<'_>, collected: &ReportCollector) -> String {
    let data = json!({
        "generator": format!("p0fmod {}", crate::VERSION),
        "captures": run.captures,
        "stats": run.stats,
        "eviction_warning": run.eviction_warning,
        "elapsed": run.elapsed,
        "first_packet": collected.first,
        "last_packet": collected.last,
        "hosts": run.hosts,
        "events": collected.events,
        "events_total": collected.events_total,
        "tls": collected
            .tls
            .iter()
            .map(|(key, count)| json!({
                "addr": key.addr,
                "role": key.role,
                "application": key.application,
                "fingerprint": key.fingerprint,
                "count": count.count,
                "sni": count.sni,
            }))
            .collect::<Vec<_>>(),
        "tls_total": collected.tls_total,
        "timeline": {
            "width": collected.width,
            "kinds": Kind::ALL.map(Kind::keyword),
            "buckets": collected
                .buckets
                .iter()
                .map(|(start, counts)| json!([start, counts.iter().map(|(_, n)| n).collect::<Vec<_>>()]))
                .collect::<Vec<_>>(),
        },
    });
    // `<` only ever appears inside JSON strings, where `\u003c` means the same: the data
    // can never close its script element.
    let text = data.to_string().replace('<', "\\u003c");
    TEMPLATE.replacen("/*DATA*/", &text, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;
    use crate::observation::{NatReasons, Subject};

    fn nat(sec: i64) -> Observation<'static> {
        Observation {
            time: Timestamp { sec, usec: 0 },
            kind: Kind::HostChange,
            client: "192.0.2.1:4000".parse().unwrap(),
            server: "[2001:db8::80]:80".parse().unwrap(),
            subject: Subject::Server,
            details: Details::Nat {
                reasons: NatReasons(NatReasons::TTL),
                raw_hits: [0, 1, 1, 1],
            },
        }
    }

    #[test]
    fn events_and_timeline_are_bounded() {
        let mut c = ReportCollector::new();
        for i in 0..20_000 {
            c.add(&nat(1_700_000_000 + i * 7));
        }
        assert_eq!(c.events().len(), MAX_EVENTS);
        assert_eq!(c.events_total, 20_000);
        assert_eq!(c.events()[0].addr, "2001:db8::80");
        assert_eq!(c.events()[0].reasons, ["ttl"]);
        assert!(c.buckets.len() <= MAX_BUCKETS);
        let counted: u64 = c.buckets.values().map(KindCounts::total).sum();
        assert_eq!(counted, 20_000, "merging keeps every count");
        assert!(c.width.count_ones() == 1 && c.width >= 256);
        // Observations years apart: few bars between them.
        let mut c = ReportCollector::new();
        c.add(&nat(1_600_000_000));
        c.add(&nat(1_700_000_000));
        assert!((1_700_000_000 - 1_600_000_000) / c.width < MAX_BUCKETS as i64);
        assert_eq!(c.buckets.len(), 2);
    }

    #[test]
    fn data_cannot_close_the_script_element() {
        let mut c = ReportCollector::new();
        c.add(&nat(1));
        let run = ReportRun {
            captures: vec!["</script><script>alert(1)</script>.pcap".into()],
            stats: EngineStats::default(),
            eviction_warning: None,
            hosts: &[],
            elapsed: 0.5,
        };
        let page = html_report(&run, &c);
        assert!(!page.contains("/*DATA*/"));
        assert!(!page.contains("alert(1)</script>"));
        let start = page.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(
            data["captures"][0],
            "</script><script>alert(1)</script>.pcap"
        );
        assert_eq!(data["events"][0]["kind"], "host change");
        assert_eq!(data["timeline"]["buckets"][0][1][8], 1);
    }
}
