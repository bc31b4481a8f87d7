//! The host record: everything p0fmod knows about one address, as plain owned data
//! detached from the engine's tables.
//!
//! [`HostInfo`] is p0fmod's one host schema. The JSON query of the API socket, the Python
//! module's host records and the per-host summaries all serialise it with serde, so its
//! field names are the JSON field names documented in docs/json.md ("The host record").
//! p0f's binary query answer is made from it too, field for field as p0f fills it.
//!
//! ```
//! # use std::sync::Arc;
//! # use p0fmod::{Database, Limits, OfflineRun};
//! # let capture = "../../tests/data/local/local-linux-ipv4-http.pcap";
//! # let mut run = OfflineRun::open(capture.as_ref(), Arc::new(Database::embedded()), Limits::default(), None)?;
//! # while run.step(1024, &mut |_| {}, &mut |_| {}) > 0 {}
//! let host = run.engine().host("10.77.0.2".parse().unwrap()).expect("seen");
//! let json = serde_json::to_value(&host).unwrap();
//! assert_eq!(json["os"]["class"], "unix");
//! # Ok::<(), p0fmod::RunError>(())
//! ```

use std::collections::BTreeMap;
use std::net::IpAddr;

use p0fmod_db::{Database, LabelId};
use serde::Serialize;

use crate::observation::Kind;
use crate::state::Host;

/// Match-quality bit of p0f's query answer: the OS match was fuzzy.
pub const MATCH_FUZZY: u8 = 0x01;
/// Match-quality bit of p0f's query answer: the OS match was generic.
pub const MATCH_GENERIC: u8 = 0x02;

/// A database label that matched: the `match` object of the JSON observations without its
/// `kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelMatch {
    /// OS or application name (`Linux`, `Firefox`).
    pub name: String,
    /// Flavor (version text), if the label has one.
    pub flavor: Option<String>,
    /// OS class (`unix`, `win`...); `None` for an application.
    pub class: Option<String>,
    /// The label is generic (`g:` in the database).
    pub generic: bool,
    /// The signature matched fuzzily (TCP only; always false for HTTP).
    pub fuzzy: bool,
}

impl LabelMatch {
    /// The match of database label `id`, resolved to text.
    pub fn from_label(db: &Database, id: LabelId, fuzzy: bool) -> LabelMatch {
        let l = db.label(id);
        LabelMatch {
            name: db.name(l.name).to_string(),
            flavor: l.flavor.clone(),
            class: l.class.map(|c| db.classes[c as usize].clone()),
            generic: l.generic,
            fuzzy,
        }
    }

    /// p0f's match-quality bits ([`MATCH_FUZZY`], [`MATCH_GENERIC`]).
    pub fn quality(&self) -> u8 {
        let mut q = 0;
        if self.fuzzy {
            q |= MATCH_FUZZY;
        }
        if self.generic {
            q |= MATCH_GENERIC;
        }
        q
    }
}

/// Whether a host's HTTP software told the truth (p0f's `bad_sw`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SoftwareHonesty {
    /// Nothing contradicts it (0).
    Legit,
    /// The User-Agent names another OS than the one seen (1).
    OsMismatch,
    /// The software string contradicts its own signature (2).
    Fake,
}

/// The host's uptime at its last measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Uptime {
    /// Minutes since boot, modulo the wrap.
    pub minutes: u32,
    /// Days after which the host's timestamp clock wraps.
    pub modulo_days: u32,
}

/// How often an event (`ip sharing`, `host change`) was reported for a host, and when last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EventHistory {
    /// Reports since the host entered the table.
    pub count: u32,
    /// Time of the last report (Unix seconds, packet time).
    pub last: i64,
}

/// The cross-layer consistency verdict of a host (README "Cross-layer verdict",
/// docs/json.md): whether its SYN, HTTP User-Agent or Server header and TLS hello fit one
/// machine and one program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// `consistent`, `contradiction` or `unknown` (too little evidence).
    pub status: String,
    /// For a contradiction the contradictions, else the agreements that were found.
    pub reasons: Vec<VerdictReason>,
    /// What each layer showed, in one line.
    pub summary: String,
}

/// One reason of a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerdictReason {
    /// Machine-readable code (`ua_vs_tls`, `tls_fits_syn`...).
    pub code: String,
    /// The two facts compared, in words.
    pub text: String,
}

impl Verdict {
    /// The verdict of a host record, `None` before its first one.
    fn of(host: &Host, db: &Database) -> Option<Verdict> {
        let judgement = host.verdict.last?;
        let details = crate::observation::VerdictDetails::of(
            db,
            p0fmod_db::Families::embedded(),
            host,
            judgement,
        );
        Some(Verdict {
            status: judgement.status.as_str().to_string(),
            reasons: details
                .reasons_text()
                .map(|(code, text)| VerdictReason {
                    code: code.to_string(),
                    text,
                })
                .collect(),
            summary: details.summary(),
        })
    }
}

/// Everything p0fmod knows about one address: p0fmod's one host schema (docs/json.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostInfo {
    /// The address (IPv6 serialised as RFC 5952 text).
    pub addr: IpAddr,
    /// First seen (Unix seconds, packet time).
    pub first_seen: i64,
    /// Last new connection (Unix seconds, packet time).
    pub last_seen: i64,
    /// Connections seen, as client or server.
    pub total_conn: u32,
    /// Last positive OS match (from TCP, or from an HTTP label with an OS class).
    pub os: Option<LabelMatch>,
    /// Last HTTP application match.
    pub http_app: Option<LabelMatch>,
    /// Whether the HTTP software told the truth.
    pub http_honesty: SoftwareHonesty,
    /// Language from Accept-Language.
    pub language: Option<String>,
    /// Distance in hops, `None` when unknown.
    pub distance: Option<u8>,
    /// Link type from the MTU.
    pub link: Option<String>,
    /// Uptime at the last measurement.
    pub uptime: Option<Uptime>,
    /// `ip sharing` reports, `None` if never.
    pub ip_sharing: Option<EventHistory>,
    /// `host change` reports, `None` if never.
    pub host_change: Option<EventHistory>,
    /// Observations about this host, by p0f's `mod=` keyword (kinds never seen left out).
    pub observations: BTreeMap<&'static str, u32>,
    /// Last TLS client application (from a `tls request` matched in `[tls:request]`).
    pub tls_client: Option<LabelMatch>,
    /// Last TLS server application (from a `tls response` matched in `[tls:response]`).
    pub tls_server: Option<LabelMatch>,
    /// Cross-layer consistency verdict, `None` before the first (or with TLS off).
    pub verdict: Option<Verdict>,
}

impl HostInfo {
    /// Copies a host record, resolving database ids to text.
    pub(crate) fn from_host(host: &Host, db: &Database) -> HostInfo {
        let count = |kind: Kind| host.observations[kind as usize];
        let history = |kind: Kind, last: i64| {
            (last != 0).then(|| EventHistory {
                count: count(kind),
                last,
            })
        };
        HostInfo {
            addr: host.addr,
            first_seen: host.first_seen,
            last_seen: host.last_seen,
            total_conn: host.total_conn,
            os: host.os.map(|os| {
                let mut m = LabelMatch::from_label(db, os.label, os.quality & MATCH_FUZZY != 0);
                // p0f's quality is the one recorded (an HTTP OS match is never fuzzy).
                m.generic = os.quality & MATCH_GENERIC != 0;
                m.class = Some(db.classes[os.class as usize].clone());
                m
            }),
            http_app: host
                .http_app
                .map(|id| LabelMatch::from_label(db, id, false)),
            http_honesty: match host.bad_sw {
                0 => SoftwareHonesty::Legit,
                1 => SoftwareHonesty::OsMismatch,
                _ => SoftwareHonesty::Fake,
            },
            language: host.language.map(str::to_string),
            distance: (host.distance != 255).then_some(host.distance),
            link: host.link.map(|i| db.mtu[i as usize].link.clone()),
            uptime: host.last_up_min.map(|minutes| Uptime {
                minutes,
                modulo_days: host.up_mod_days,
            }),
            ip_sharing: history(Kind::IpSharing, host.last_nat),
            host_change: history(Kind::HostChange, host.last_chg),
            observations: Kind::ALL
                .iter()
                .filter(|&&k| count(k) > 0)
                .map(|&k| (k.keyword(), count(k)))
                .collect(),
            tls_client: host
                .tls_client
                .map(|(id, fuzzy)| LabelMatch::from_label(db, id, fuzzy)),
            tls_server: host
                .tls_server
                .map(|(id, fuzzy)| LabelMatch::from_label(db, id, fuzzy)),
            verdict: Verdict::of(host, db),
        }
    }

    /// p0f's match-quality bits of the OS match (0 without one).
    pub fn os_match_quality(&self) -> u8 {
        self.os.as_ref().map_or(0, LabelMatch::quality)
    }
}

#[cfg(test)]
impl HostInfo {
    /// A host seen once between `first_seen` and `last_seen`, with nothing else known
    /// (for the tests of this module and of `output::hosts`).
    pub(crate) fn bare(addr: &str, first_seen: i64, last_seen: i64) -> HostInfo {
        HostInfo {
            addr: addr.parse().unwrap(),
            first_seen,
            last_seen,
            total_conn: 1,
            os: None,
            http_app: None,
            http_honesty: SoftwareHonesty::Legit,
            language: None,
            distance: None,
            link: None,
            uptime: None,
            ip_sharing: None,
            host_change: None,
            observations: BTreeMap::new(),
            tls_client: None,
            tls_server: None,
            verdict: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(addr: &str) -> HostInfo {
        HostInfo::bare(addr, 1, 2)
    }

    /// The examples of RFC 5952 (sections 4.1 to 4.3 and 5), as the JSON text must be.
    #[test]
    fn ipv6_addresses_serialise_as_rfc_5952() {
        for (given, want) in [
            ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:DB8::AAAA", "2001:db8::aaaa"),
            ("0:0:0:0:0:ffff:c000:0280", "::ffff:192.0.2.128"),
            ("fd77:0:0:0:0:0:0:1", "fd77::1"),
            ("0:0:0:0:0:0:0:0", "::"),
        ] {
            let json = serde_json::to_value(host(given)).unwrap();
            assert_eq!(json["addr"], want, "{given}");
        }
    }

    #[test]
    fn every_field_is_present_and_unset_ones_are_null() {
        let json = serde_json::to_value(host("192.0.2.1")).unwrap();
        let obj = json.as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "addr",
                "first_seen",
                "last_seen",
                "total_conn",
                "os",
                "http_app",
                "http_honesty",
                "language",
                "distance",
                "link",
                "uptime",
                "ip_sharing",
                "host_change",
                "observations",
                "tls_client",
                "tls_server",
                "verdict"
            ]
        );
        assert_eq!(json["http_honesty"], "legit");
        assert!(json["os"].is_null() && json["verdict"].is_null());
        assert_eq!(json["observations"], serde_json::json!({}));
    }

    #[test]
    fn quality_bits_are_p0fs() {
        let m = |generic, fuzzy| LabelMatch {
            name: "Linux".into(),
            flavor: None,
            class: Some("unix".into()),
            generic,
            fuzzy,
        };
        assert_eq!(m(false, false).quality(), 0);
        assert_eq!(m(false, true).quality(), 1);
        assert_eq!(m(true, false).quality(), 2);
        assert_eq!(m(true, true).quality(), 3);
    }
}
