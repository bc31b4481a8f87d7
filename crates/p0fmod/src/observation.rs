//! Observation records: what the engine concluded about one packet, as plain typed data.
//!
//! Every output (p0f's console blocks, p0f's log lines, JSON lines, the Python iterator)
//! is made from these records and only from them. Records borrow names from the
//! signature database; formatting happens in [`crate::output`], and only for records that
//! are written.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

use p0fmod_capture::Timestamp;
use p0fmod_wire::{IpVersion, OptLayout, Quirks};

use crate::output::{Text, display_via_text, push_uint};

pub mod tls;
pub mod verdict;

pub use tls::TlsDetails;
pub use verdict::VerdictDetails;

/// The kind of an observation: p0f's `mod=` keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A client SYN (`syn`).
    Syn,
    /// A server SYN+ACK (`syn+ack`).
    SynAck,
    /// A SYN from p0f-sendsyn (`sendsyn probe`).
    SendsynProbe,
    /// The answer to a p0f-sendsyn SYN (`sendsyn response`).
    SendsynResponse,
    /// Link type from MSS (`mtu`).
    Mtu,
    /// Uptime from TCP timestamps (`uptime`).
    Uptime,
    /// An HTTP request (`http request`).
    HttpRequest,
    /// An HTTP response (`http response`).
    HttpResponse,
    /// A sign that another host now answers at this address (`host change`).
    HostChange,
    /// A sign that several hosts share this address (`ip sharing`).
    IpSharing,
    /// A TLS ClientHello (`tls request`): a p0fmod addition, not in p0f's output.
    TlsRequest,
    /// A TLS ServerHello (`tls response`): a p0fmod addition.
    TlsResponse,
    /// A host's cross-layer verdict changed (`host verdict`): a p0fmod addition.
    HostVerdict,
}

impl Kind {
    /// Every kind, in declaration order (`Kind::ALL[k as usize] == k`).
    pub const ALL: [Kind; 13] = [
        Kind::Syn,
        Kind::SynAck,
        Kind::SendsynProbe,
        Kind::SendsynResponse,
        Kind::Mtu,
        Kind::Uptime,
        Kind::HttpRequest,
        Kind::HttpResponse,
        Kind::HostChange,
        Kind::IpSharing,
        Kind::TlsRequest,
        Kind::TlsResponse,
        Kind::HostVerdict,
    ];

    /// Whether p0f 3.09b writes this kind too; `false` for p0fmod's additions (`tls
    /// request`, `tls response`, `host verdict`), which a consumer that wants p0f's output
    /// only leaves out (or turns off with `--no-tls`).
    pub fn is_p0f(self) -> bool {
        !matches!(
            self,
            Kind::TlsRequest | Kind::TlsResponse | Kind::HostVerdict
        )
    }

    /// p0f's keyword for this kind.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Syn => "syn",
            Kind::SynAck => "syn+ack",
            Kind::SendsynProbe => "sendsyn probe",
            Kind::SendsynResponse => "sendsyn response",
            Kind::Mtu => "mtu",
            Kind::Uptime => "uptime",
            Kind::HttpRequest => "http request",
            Kind::HttpResponse => "http response",
            Kind::HostChange => "host change",
            Kind::IpSharing => "ip sharing",
            Kind::TlsRequest => "tls request",
            Kind::TlsResponse => "tls response",
            Kind::HostVerdict => "host verdict",
        }
    }
}

/// Which end of the connection an observation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The client (the host that sent the SYN).
    Client,
    /// The server.
    Server,
}

impl Subject {
    /// p0f's `subj=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Client => "cli",
            Subject::Server => "srv",
        }
    }
}

/// A signature-database label that matched: OS or application. The engine's labels
/// borrow the database's text; [`Observation::into_owned`] makes them owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchLabel<'a> {
    /// OS or application name.
    pub name: Cow<'a, str>,
    /// Flavor (version text), if any.
    pub flavor: Option<Cow<'a, str>>,
    /// OS class name (`win`, `unix`, ...), `None` for a userland application.
    pub class: Option<Cow<'a, str>>,
    /// The label is generic (`g:`).
    pub generic: bool,
}

impl Text for MatchLabel<'_> {
    fn append_to(&self, out: &mut String) {
        out.push_str(&self.name);
        if let Some(flavor) = &self.flavor {
            out.push(' ');
            out.push_str(flavor);
        }
    }
}

/// The facts of a SYN or SYN+ACK that make its `raw_sig`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpRawSig {
    /// IP version.
    pub version: IpVersion,
    /// Observed TTL.
    pub ttl: u8,
    /// Guessed distance (printed as `?` when above 35).
    pub guessed_distance: u8,
    /// IP options length.
    pub ip_opt_len: u8,
    /// MSS, `None` when p0f prints `*`.
    pub mss: Option<u16>,
    /// Window, already reduced to `mss*N`/`mtu*N` when a multiplier was found.
    pub window: RawWindow,
    /// Window scale.
    pub wscale: u8,
    /// Option layout.
    pub opt_layout: OptLayout,
    /// EOL padding.
    pub eol_pad: u8,
    /// Quirks.
    pub quirks: Quirks,
    /// Payload present.
    pub has_payload: bool,
}

/// The window field of a raw TCP signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawWindow {
    /// The literal window.
    Literal(u16),
    /// `mss*N`.
    MssMultiple(i16),
    /// `mtu*N`.
    MtuMultiple(i16),
}

impl Text for TcpRawSig {
    fn append_to(&self, out: &mut String) {
        out.push_str(match self.version {
            IpVersion::V4 => "4:",
            IpVersion::V6 => "6:",
        });
        push_uint(out, self.ttl);
        out.push('+');
        if self.guessed_distance > crate::fp::MAX_DIST {
            out.push('?');
        } else {
            push_uint(out, self.guessed_distance);
        }
        out.push(':');
        push_uint(out, self.ip_opt_len);
        out.push(':');
        match self.mss {
            Some(mss) => push_uint(out, mss),
            None => out.push('*'),
        }
        out.push(':');
        match self.window {
            RawWindow::Literal(w) => push_uint(out, w),
            RawWindow::MssMultiple(n) => {
                out.push_str("mss*");
                let _ = write!(out, "{n}");
            }
            RawWindow::MtuMultiple(n) => {
                out.push_str("mtu*");
                let _ = write!(out, "{n}");
            }
        }
        out.push(',');
        push_uint(out, self.wscale);
        out.push(':');
        for (i, &kind) in self.opt_layout.as_slice().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match kind {
                0 => {
                    out.push_str("eol+");
                    push_uint(out, self.eol_pad);
                }
                1 => out.push_str("nop"),
                2 => out.push_str("mss"),
                3 => out.push_str("ws"),
                4 => out.push_str("sok"),
                5 => out.push_str("sack"),
                8 => out.push_str("ts"),
                other => {
                    out.push('?');
                    push_uint(out, other);
                }
            }
        }
        out.push(':');
        for (i, token) in self.quirks.tokens().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(token);
        }
        out.push_str(if self.has_payload { ":+" } else { ":0" });
    }
}

/// Distance as printed in `dist=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distance {
    /// An exact distance.
    Exact(u8),
    /// `<= N`: the matched signature has a random TTL.
    AtMost(u8),
}

impl Text for Distance {
    fn append_to(&self, out: &mut String) {
        match self {
            Distance::Exact(d) => push_uint(out, *d),
            Distance::AtMost(d) => {
                out.push_str("<= ");
                push_uint(out, *d);
            }
        }
    }
}

/// A TCP (SYN or SYN+ACK) observation.
#[derive(Clone, Debug, PartialEq)]
pub struct TcpDetails<'a> {
    /// The matched label, if any.
    pub label: Option<MatchLabel<'a>>,
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

/// Language from Accept-Language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// No usable Accept-Language (prints `none`).
    None,
    /// Two letters that are not an ISO 639-1 code (prints `???`).
    Unknown,
    /// A known language.
    Known(&'static str),
}

/// An HTTP request or response observation.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpDetails<'a> {
    /// The matched label, if any.
    pub label: Option<MatchLabel<'a>>,
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

/// Reasons for a `host change` or `ip sharing` verdict, as a bit set in p0f's print order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NatReasons(pub u16);

impl NatReasons {
    /// An application signature does not fit the host's OS.
    pub const APP_VS_OS: u16 = 1 << 0;
    /// The OS changed.
    pub const OS_DIFF: u16 = 1 << 1;
    /// The signature changed.
    pub const SIG_DIFF: u16 = 1 << 2;
    /// Known and unknown signatures alternate.
    pub const X_KNOWN: u16 = 1 << 3;
    /// TCP timestamps are inconsistent.
    pub const TSTAMP: u16 = 1 << 4;
    /// The TTL changed.
    pub const TTL: u16 = 1 << 5;
    /// Client ports went backwards.
    pub const PORT: u16 = 1 << 6;
    /// The MSS changed.
    pub const MTU: u16 = 1 << 7;
    /// The match quality changed.
    pub const FUZZY: u16 = 1 << 8;
    /// A proxy header was seen.
    pub const VIA: u16 = 1 << 9;
    /// HTTP Date headers are inconsistent.
    pub const DATE: u16 = 1 << 10;
    /// Different server software answers on one port.
    pub const SRV_SIG_LB: u16 = 1 << 11;
    /// The User-Agent names another OS.
    pub const UA_VS_OS: u16 = 1 << 12;

    const NAMES: [&'static str; 13] = [
        "app_vs_os",
        "os_diff",
        "sig_diff",
        "x_known",
        "tstamp",
        "ttl",
        "port",
        "mtu",
        "fuzzy",
        "via",
        "date",
        "srv_sig_lb",
        "ua_vs_os",
    ];

    /// The reason names in this set, in p0f's order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        NatReasons::NAMES
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
    }
}

impl Text for NatReasons {
    fn append_to(&self, out: &mut String) {
        if self.0 == 0 {
            out.push_str("???");
            return;
        }
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(name);
        }
    }
}

display_via_text!(MatchLabel<'_>, TcpRawSig, Distance, NatReasons);

/// What an observation says, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Details<'a> {
    /// `syn`, `syn+ack`, `sendsyn probe`, `sendsyn response`.
    Tcp(TcpDetails<'a>),
    /// `mtu`.
    Mtu {
        /// Link name from the database, if the MTU is listed.
        link: Option<Cow<'a, str>>,
        /// The MTU (MSS plus header sizes; can exceed 65535 for IPv6 loopback).
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
    Http(HttpDetails<'a>),
    /// `tls request` / `tls response`.
    Tls(TlsDetails<'a>),
    /// `host verdict`.
    Verdict(VerdictDetails<'a>),
    /// `host change` / `ip sharing`.
    Nat {
        /// Reasons.
        reasons: NatReasons,
        /// Scoreboard counts (entries ≥ 6, ≥ 3, ≥ 2, ≥ 1).
        raw_hits: [u32; 4],
    },
}

/// One observation: p0f's "observation" (a keyword, the connection, and fields).
#[derive(Clone, Debug, PartialEq)]
pub struct Observation<'a> {
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
    pub details: Details<'a>,
}

/// An observation that owns its text: to keep, to send to another thread, or to
/// serialize (its `serde` form is the JSON output's object, docs/json.md).
///
/// ```
/// use std::sync::Arc;
/// use p0fmod::{Database, Limits, OfflineRun, OwnedObservation};
///
/// let capture = "../../tests/data/local/local-linux-ipv4-http.pcap";
/// let db = Arc::new(Database::embedded());
/// let mut run = OfflineRun::open(capture.as_ref(), db, Limits::default(), None)?;
/// let mut records: Vec<OwnedObservation> = Vec::new();
/// while run.step(1024, &mut |obs| records.push(obs.into()), &mut |_| {}) > 0 {}
/// let syn = records.iter().find(|r| r.kind == p0fmod::Kind::Syn).unwrap();
/// assert_eq!(serde_json::to_value(syn)?["mod"], "syn");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type OwnedObservation = Observation<'static>;

fn own(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

impl MatchLabel<'_> {
    /// The same label owning its text.
    pub fn into_owned(self) -> MatchLabel<'static> {
        MatchLabel {
            name: own(self.name),
            flavor: self.flavor.map(own),
            class: self.class.map(own),
            generic: self.generic,
        }
    }
}

impl Observation<'_> {
    /// The same observation owning its text (no longer borrowing the database).
    pub fn into_owned(self) -> OwnedObservation {
        let details = match self.details {
            Details::Tcp(t) => Details::Tcp(TcpDetails {
                label: t.label.map(MatchLabel::into_owned),
                ..t
            }),
            Details::Mtu { link, raw_mtu } => Details::Mtu {
                link: link.map(own),
                raw_mtu,
            },
            Details::Uptime {
                minutes,
                modulo_days,
                raw_freq,
            } => Details::Uptime {
                minutes,
                modulo_days,
                raw_freq,
            },
            Details::Http(h) => Details::Http(HttpDetails {
                label: h.label.map(MatchLabel::into_owned),
                ..h
            }),
            Details::Tls(t) => Details::Tls(t.into_owned()),
            Details::Verdict(v) => Details::Verdict(v.into_owned()),
            Details::Nat { reasons, raw_hits } => Details::Nat { reasons, raw_hits },
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

    /// The address of the host the observation is about.
    pub fn subject_addr(&self) -> IpAddr {
        match self.subject {
            Subject::Client => self.client.ip(),
            Subject::Server => self.server.ip(),
        }
    }
}

impl From<&Observation<'_>> for OwnedObservation {
    fn from(obs: &Observation<'_>) -> OwnedObservation {
        obs.clone().into_owned()
    }
}

impl serde::Serialize for Observation<'_> {
    /// The JSON output's object (docs/json.md).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::output::json::to_json(self).serialize(serializer)
    }
}
