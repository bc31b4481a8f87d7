//! The per-host record that the query API, the library and the Python module read: plain
//! owned data, detached from the engine's tables.

use std::net::IpAddr;

use p0fmod_db::Database;
use serde::Serialize;

use crate::state::Host;

/// Match-quality bit: the OS match was fuzzy.
pub const MATCH_FUZZY: u8 = 0x01;
/// Match-quality bit: the OS match was generic.
pub const MATCH_GENERIC: u8 = 0x02;

/// A name with an optional flavor, as the database spells them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedMatch {
    /// Name.
    pub name: String,
    /// Flavor.
    pub flavor: Option<String>,
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

/// Everything p0fmod knows about one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostInfo {
    /// The address.
    pub addr: IpAddr,
    /// First seen (Unix seconds, packet time).
    pub first_seen: i64,
    /// Last new connection (Unix seconds, packet time).
    pub last_seen: i64,
    /// Connections seen, as client or server.
    pub total_conn: u32,
    /// Last positive OS match.
    pub os: Option<NamedMatch>,
    /// Match-quality bits of `os` ([`MATCH_FUZZY`], [`MATCH_GENERIC`]).
    pub os_match_quality: u8,
    /// Last HTTP software match.
    pub http_software: Option<NamedMatch>,
    /// HTTP software honesty.
    pub software_honesty: SoftwareHonesty,
    /// Link type from MTU.
    pub link_type: Option<String>,
    /// Language from Accept-Language.
    pub language: Option<String>,
    /// Distance in hops, `None` when unknown.
    pub distance: Option<u8>,
    /// Uptime in minutes at the last measurement.
    pub uptime_minutes: Option<u32>,
    /// Days after which the host's timestamp clock wraps (0 when unknown).
    pub uptime_modulo_days: u32,
    /// Last `ip sharing` verdict (Unix seconds), `None` if never.
    pub last_nat: Option<i64>,
    /// Last `host change` verdict (Unix seconds), `None` if never.
    pub last_change: Option<i64>,
}

impl HostInfo {
    /// Copies a host record, resolving database ids to text.
    pub(crate) fn from_host(host: &Host, db: &Database) -> HostInfo {
        let named = |label: u32| {
            let l = db.label(label);
            NamedMatch {
                name: db.name(l.name).to_string(),
                flavor: l.flavor.clone(),
            }
        };
        HostInfo {
            addr: host.addr,
            first_seen: host.first_seen,
            last_seen: host.last_seen,
            total_conn: host.total_conn,
            os: host.os.map(|os| named(os.label)),
            os_match_quality: host.os.map_or(0, |os| os.quality),
            http_software: host.http_app.map(named),
            software_honesty: match host.bad_sw {
                0 => SoftwareHonesty::Legit,
                1 => SoftwareHonesty::OsMismatch,
                _ => SoftwareHonesty::Fake,
            },
            link_type: host.link.map(|i| db.mtu[i as usize].link.clone()),
            language: host.language.map(str::to_string),
            distance: (host.distance != 255).then_some(host.distance),
            uptime_minutes: host.last_up_min,
            uptime_modulo_days: host.up_mod_days,
            last_nat: (host.last_nat != 0).then_some(host.last_nat),
            last_change: (host.last_chg != 0).then_some(host.last_chg),
        }
    }
}
