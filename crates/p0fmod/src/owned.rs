//! Owned observation records: an [`Observation`] detached from the signature database, to
//! keep, to send to another thread, or to serialize.
//!
//! [`OwnedObservation`] mirrors [`Observation`] with owned names;
//! [`OwnedObservation::as_observation`] lends it back as an [`Observation`], so every
//! output (p0f's log line, console block, JSON) formats owned records exactly as it
//! formats the engine's. Its `serde` form is the JSON output's object (docs/json.md).
//!
//! ```
//! use std::sync::Arc;
//! use p0fmod::{Database, Limits, OfflineRun, OwnedObservation};
//!
//! let capture = "../../tests/data/local/local-linux-ipv4-http.pcap";
//! let db = Arc::new(Database::embedded());
//! let mut run = OfflineRun::open(capture.as_ref(), db, Limits::default(), None)?;
//! let mut records: Vec<OwnedObservation> = Vec::new();
//! while run.step(1024, &mut |obs| records.push(obs.into()), &mut |_| {}) > 0 {}
//! let syn = records.iter().find(|r| r.kind == p0fmod::Kind::Syn).unwrap();
//! assert_eq!(serde_json::to_value(syn)?["mod"], "syn");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::net::SocketAddr;

use p0fmod_capture::Timestamp;
use serde::{Serialize, Serializer};

use crate::observation::{
    Details, Distance, HttpDetails, Kind, Language, MatchLabel, NatReasons, Observation, Subject,
    TcpDetails, TcpRawSig,
};
use crate::output::json::to_json;

/// An owned [`MatchLabel`]: the OS or application that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedLabel {
    /// OS or application name.
    pub name: String,
    /// Flavor (version text), if any.
    pub flavor: Option<String>,
    /// OS class name (`win`, `unix`, ...), `None` for a userland application.
    pub class: Option<String>,
    /// The label is generic (`g:`).
    pub generic: bool,
}

impl OwnedLabel {
    fn new(label: &MatchLabel<'_>) -> OwnedLabel {
        OwnedLabel {
            name: label.name.to_string(),
            flavor: label.flavor.map(str::to_string),
            class: label.class.map(str::to_string),
            generic: label.generic,
        }
    }

    fn borrow(&self) -> MatchLabel<'_> {
        MatchLabel {
            name: &self.name,
            flavor: self.flavor.as_deref(),
            class: self.class.as_deref(),
            generic: self.generic,
        }
    }
}

/// An owned [`TcpDetails`] (`syn`, `syn+ack`, `sendsyn probe`, `sendsyn response`).
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedTcpDetails {
    /// The matched label, if any.
    pub label: Option<OwnedLabel>,
    /// The label is printed under the `app` key (userland match or sendsyn flow).
    pub is_app: bool,
    /// The match is fuzzy.
    pub fuzzy: bool,
    /// Distance.
    pub distance: Distance,
    /// The signature's TTL is random (`random_ttl`).
    pub random_ttl: bool,
    /// DSCP (printed as `tos:0x..` when non-zero).
    pub tos: u8,
    /// The raw signature.
    pub raw_sig: TcpRawSig,
}

/// An owned [`HttpDetails`] (`http request`, `http response`).
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedHttpDetails {
    /// The matched label, if any.
    pub label: Option<OwnedLabel>,
    /// The label is an application (`app=`) rather than an OS (`os=`).
    pub is_app: bool,
    /// Language (requests only).
    pub language: Language,
    /// The software string contradicts the signature.
    pub dishonest: bool,
    /// No User-Agent / Server header.
    pub anonymous: bool,
    /// The raw signature, as p0f prints it.
    pub raw_sig: String,
}

/// An owned [`Details`]: what an observation says, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum OwnedDetails {
    /// `syn`, `syn+ack`, `sendsyn probe`, `sendsyn response`.
    Tcp(OwnedTcpDetails),
    /// `mtu`.
    Mtu {
        /// Link name from the database, if the MTU is listed.
        link: Option<String>,
        /// The MTU.
        raw_mtu: u32,
    },
    /// `uptime`.
    Uptime {
        /// Minutes since boot (modulo the wrap).
        minutes: u32,
        /// Days after which the timestamp clock wraps.
        modulo_days: u32,
        /// Measured clock frequency in Hz.
        raw_freq: f64,
    },
    /// `http request` / `http response`.
    Http(OwnedHttpDetails),
    /// `host change` / `ip sharing`.
    Nat {
        /// Reasons.
        reasons: NatReasons,
        /// Scoreboard counts (entries ≥ 6, ≥ 3, ≥ 2, ≥ 1).
        raw_hits: [u32; 4],
    },
}

/// An owned [`Observation`]: the same fields, with names copied out of the database.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedObservation {
    /// Packet time.
    pub time: Timestamp,
    /// Kind.
    pub kind: Kind,
    /// Client address and port.
    pub client: SocketAddr,
    /// Server address and port.
    pub server: SocketAddr,
    /// Which end the observation is about.
    pub subject: Subject,
    /// What was observed.
    pub details: OwnedDetails,
}

impl From<&Observation<'_>> for OwnedObservation {
    fn from(obs: &Observation<'_>) -> OwnedObservation {
        let label = |l: &Option<MatchLabel<'_>>| l.as_ref().map(OwnedLabel::new);
        let details = match &obs.details {
            Details::Tcp(t) => OwnedDetails::Tcp(OwnedTcpDetails {
                label: label(&t.label),
                is_app: t.is_app,
                fuzzy: t.fuzzy,
                distance: t.distance,
                random_ttl: t.random_ttl,
                tos: t.tos,
                raw_sig: t.raw_sig,
            }),
            Details::Mtu { link, raw_mtu } => OwnedDetails::Mtu {
                link: link.map(str::to_string),
                raw_mtu: *raw_mtu,
            },
            Details::Uptime {
                minutes,
                modulo_days,
                raw_freq,
            } => OwnedDetails::Uptime {
                minutes: *minutes,
                modulo_days: *modulo_days,
                raw_freq: *raw_freq,
            },
            Details::Http(h) => OwnedDetails::Http(OwnedHttpDetails {
                label: label(&h.label),
                is_app: h.is_app,
                language: h.language,
                dishonest: h.dishonest,
                anonymous: h.anonymous,
                raw_sig: h.raw_sig.clone(),
            }),
            Details::Nat { reasons, raw_hits } => OwnedDetails::Nat {
                reasons: *reasons,
                raw_hits: *raw_hits,
            },
        };
        OwnedObservation {
            time: obs.time,
            kind: obs.kind,
            client: obs.client,
            server: obs.server,
            subject: obs.subject,
            details,
        }
    }
}

impl OwnedObservation {
    /// This record as an [`Observation`] borrowing from it, for any output that takes
    /// observations ([`crate::output`]).
    pub fn as_observation(&self) -> Observation<'_> {
        let details = match &self.details {
            OwnedDetails::Tcp(t) => Details::Tcp(TcpDetails {
                label: t.label.as_ref().map(OwnedLabel::borrow),
                is_app: t.is_app,
                fuzzy: t.fuzzy,
                distance: t.distance,
                random_ttl: t.random_ttl,
                tos: t.tos,
                raw_sig: t.raw_sig,
            }),
            OwnedDetails::Mtu { link, raw_mtu } => Details::Mtu {
                link: link.as_deref(),
                raw_mtu: *raw_mtu,
            },
            OwnedDetails::Uptime {
                minutes,
                modulo_days,
                raw_freq,
            } => Details::Uptime {
                minutes: *minutes,
                modulo_days: *modulo_days,
                raw_freq: *raw_freq,
            },
            OwnedDetails::Http(h) => Details::Http(HttpDetails {
                label: h.label.as_ref().map(OwnedLabel::borrow),
                is_app: h.is_app,
                language: h.language,
                dishonest: h.dishonest,
                anonymous: h.anonymous,
                raw_sig: h.raw_sig.clone(),
            }),
            OwnedDetails::Nat { reasons, raw_hits } => Details::Nat {
                reasons: *reasons,
                raw_hits: *raw_hits,
            },
        };
        Observation {
            time: self.time,
            kind: self.kind,
            client: self.client,
            server: self.server,
            subject: self.subject,
            details,
        }
    }
}

impl Serialize for OwnedObservation {
    /// The JSON output's object (docs/json.md).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        to_json(&self.as_observation()).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::output::p0f::{TimeStamper, format_log_line};
    use crate::{Database, Limits, OfflineRun};

    #[test]
    fn owned_records_give_back_the_same_observations() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
        let mut seen = 0;
        for capture in [
            "local/local-linux-veth-uptime-hostchange.pcap",
            "local/local-linux-ipv6-http.pcap",
            "crafted/nat_ttl.pcap",
            "crafted/uptime.pcap",
        ] {
            let db = Arc::new(Database::embedded());
            let mut run =
                OfflineRun::open(&dir.join(capture), db, Limits::default(), None).unwrap();
            let mut stamper = TimeStamper::default();
            let mut check = |obs: &Observation<'_>| {
                let owned = OwnedObservation::from(obs);
                assert_eq!(&owned.as_observation(), obs);
                assert_eq!(serde_json::to_value(&owned).unwrap(), to_json(obs));
                let (mut a, mut b) = (String::new(), String::new());
                format_log_line(obs, &mut stamper, &mut a);
                format_log_line(&owned.as_observation(), &mut stamper, &mut b);
                assert_eq!(a, b);
                seen += 1;
            };
            while run.step(4096, &mut check, &mut |_| {}) > 0 {}
        }
        assert!(seen > 20, "only {seen} observations checked");
    }
}
