//! Outputs: every way observations leave the engine. One [`Sink`] trait; p0f's console
//! blocks and log lines ([`p0f`]), and JSON lines ([`json`]). Formatting happens here, and
//! only for observations that are written. At the end of a run: the per-host summary
//! ([`hosts`]) and the HTML report ([`report`]).

pub mod hosts;
pub mod json;
pub mod p0f;
pub mod report;
pub mod resilient;

use std::fmt::Write as _;
use std::io;
use std::net::{IpAddr, SocketAddr};

use crate::fp::MAX_DIST;
use crate::observation::tls::{QuicDetails, TlsEnd, TlsHello, TlsMissing};
use crate::observation::verdict::Evidence;
use crate::observation::{Details, Distance, Kind, Language, Observation};
use crate::state::verdict::VerdictReasons;

/// Something that takes observations.
pub trait Sink {
    /// Writes one observation.
    fn write(&mut self, obs: &Observation<'_>) -> io::Result<()>;
    /// Flushes buffered output.
    fn flush(&mut self) -> io::Result<()>;
    /// A change in the output's health worth a warning (a log that stopped or resumed
    /// taking writes, see [`resilient`]); `None` for most sinks.
    fn take_notice(&mut self) -> Option<String> {
        None
    }
}

/// Text that appends itself to a `String` without going through `core::fmt`: the log
/// writer's hot path (one line per observation, most of them made of small numbers).
pub trait Text {
    /// Appends the text to `out`.
    fn append_to(&self, out: &mut String);
}

/// Appends an unsigned number in decimal.
pub fn push_uint(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

impl Text for u8 {
    fn append_to(&self, out: &mut String) {
        push_uint(out, *self);
    }
}

impl Text for u16 {
    fn append_to(&self, out: &mut String) {
        push_uint(out, *self);
    }
}

impl Text for u32 {
    fn append_to(&self, out: &mut String) {
        push_uint(out, *self);
    }
}

impl Text for str {
    fn append_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// Implements `Display` for a [`Text`] type (for the console, JSON and tests).
macro_rules! display_via_text {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut s = String::new();
                Text::append_to(self, &mut s);
                f.write_str(&s)
            }
        }
    )*};
}
pub(crate) use display_via_text;

/// An address as p0f prints it: dotted IPv4, or eight lower-case hex groups with no zero
/// compression and no leading zeros.
pub struct P0fAddr(pub IpAddr);

impl Text for P0fAddr {
    fn append_to(&self, out: &mut String) {
        // Character by character into reserved room: for these short texts, faster than
        // building them elsewhere and copying them in (measured 11 against 30 ns for an
        // IPv4 address).
        match self.0 {
            IpAddr::V4(v4) => {
                out.reserve(15);
                for (i, octet) in v4.octets().into_iter().enumerate() {
                    if i > 0 {
                        out.push('.');
                    }
                    if octet >= 100 {
                        out.push(char::from(b'0' + octet / 100));
                    }
                    if octet >= 10 {
                        out.push(char::from(b'0' + octet / 10 % 10));
                    }
                    out.push(char::from(b'0' + octet % 10));
                }
            }
            IpAddr::V6(v6) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.reserve(39);
                for (i, group) in v6.segments().into_iter().enumerate() {
                    if i > 0 {
                        out.push(':');
                    }
                    let digits = (16 - group.leading_zeros() as usize).div_ceil(4).max(1);
                    for d in (0..digits).rev() {
                        out.push(char::from(HEX[usize::from((group >> (4 * d)) & 0xf)]));
                    }
                }
            }
        }
    }
}

/// `addr/port` as p0f prints it.
pub struct P0fEndpoint(pub SocketAddr);

impl Text for P0fEndpoint {
    fn append_to(&self, out: &mut String) {
        P0fAddr(self.0.ip()).append_to(out);
        out.push('/');
        push_uint(out, self.0.port());
    }
}

display_via_text!(P0fAddr, P0fEndpoint);

/// One field value of a p0f observation.
pub enum FieldValue<'o> {
    /// Text.
    Text(&'o str),
    /// A value that appends itself.
    Show(&'o dyn Text),
    /// A value p0f prints as `???`.
    Missing,
}

impl Text for FieldValue<'_> {
    fn append_to(&self, out: &mut String) {
        match self {
            FieldValue::Text(s) => out.push_str(s),
            FieldValue::Show(t) => t.append_to(out),
            FieldValue::Missing => out.push_str("???"),
        }
    }
}

struct Params<'o>(&'o Details<'o>);

impl Text for Params<'_> {
    fn append_to(&self, out: &mut String) {
        let mut words: [Option<&str>; 4] = [None; 4];
        let mut tos = None;
        match self.0 {
            Details::Tcp(t) => {
                let generic = t.label.as_ref().is_some_and(|l| l.generic);
                let dist = match t.distance {
                    Distance::Exact(d) | Distance::AtMost(d) => d,
                };
                words = [
                    generic.then_some("generic"),
                    t.fuzzy.then_some("fuzzy"),
                    t.random_ttl.then_some("random_ttl"),
                    (dist > MAX_DIST).then_some("excess_dist"),
                ];
                tos = (t.tos != 0).then_some(t.tos);
            }
            Details::Tls(t) => {
                let start = out.len();
                for word in t.params() {
                    if out.len() > start {
                        out.push(' ');
                    }
                    out.push_str(&word);
                }
                if out.len() == start {
                    out.push_str("none");
                }
                return;
            }
            Details::Http(h) => {
                words[0] = h.dishonest.then_some("dishonest");
                words[1] = h.anonymous.then_some("anonymous");
                words[2] = h
                    .label
                    .as_ref()
                    .is_some_and(|l| l.generic)
                    .then_some("generic");
            }
            _ => {}
        }
        let start = out.len();
        for word in words.into_iter().flatten() {
            if out.len() > start {
                out.push(' ');
            }
            out.push_str(word);
        }
        if let Some(tos) = tos {
            if out.len() > start {
                out.push(' ');
            }
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("tos:0x");
            out.push(HEX[usize::from(tos >> 4)] as char);
            out.push(HEX[usize::from(tos & 0xf)] as char);
        }
        if out.len() == start {
            out.push_str("none");
        }
    }
}

struct Uptime {
    minutes: u32,
    modulo_days: u32,
}

impl Text for Uptime {
    fn append_to(&self, out: &mut String) {
        let m = self.minutes;
        push_uint(out, m / 1440);
        out.push_str(" days ");
        push_uint(out, (m / 60) % 24);
        out.push_str(" hrs ");
        push_uint(out, m % 60);
        out.push_str(" min (modulo ");
        push_uint(out, self.modulo_days);
        out.push_str(" days)");
    }
}

struct Freq(f64);

impl Text for Freq {
    fn append_to(&self, out: &mut String) {
        let _ = write!(out, "{:.2} Hz", self.0);
    }
}

struct Hits([u32; 4]);

impl Text for Hits {
    fn append_to(&self, out: &mut String) {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_uint(out, *n);
        }
    }
}

/// A protocol version's name (`TLS1.3`).
struct VersionName(u16);

impl Text for VersionName {
    fn append_to(&self, out: &mut String) {
        out.push_str(&p0fmod_tls::version_name(self.0));
    }
}

/// A 16-bit value as four lower-case hex digits (as JA4's raw form writes them).
pub struct Hex4(pub u16);

impl Text for Hex4 {
    fn append_to(&self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for shift in [12, 8, 4, 0] {
            out.push(HEX[usize::from((self.0 >> shift) & 0xf)] as char);
        }
    }
}

/// Escaped names joined with commas (`h2,http/1.1`), or `none`.
struct Names<'h>(&'h [String]);

impl Text for Names<'_> {
    fn append_to(&self, out: &mut String) {
        if self.0.is_empty() {
            out.push_str("none");
        }
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(name);
        }
    }
}

/// The `quic=` field: version, connection ID lengths (client's original DCID / SCID),
/// sizes of the datagrams that carried the hello, Initial packets and CRYPTO frames used,
/// and the transport parameter ids in wire order (hex).
impl Text for QuicDetails {
    fn append_to(&self, out: &mut String) {
        out.push_str(&self.version_name());
        out.push_str(" cid:");
        push_uint(out, self.dcid_len);
        out.push('/');
        push_uint(out, self.scid_len);
        out.push_str(" dgrams:");
        for (i, size) in self.datagram_sizes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_uint(out, *size);
        }
        if self.datagram_sizes.is_empty() {
            out.push('0');
        }
        out.push_str(" pkts:");
        push_uint(out, self.packets);
        out.push_str(" frames:");
        push_uint(out, self.frames);
        if !self.transport_parameters.is_empty() {
            out.push_str(" tp:");
            for (i, id) in self.transport_parameters.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!("{id:x}"));
            }
        }
    }
}

impl Text for TlsMissing {
    fn append_to(&self, out: &mut String) {
        out.push_str(self.reason.as_str());
        match self.reason {
            TlsEnd::Malformed => {
                if let Some(detail) = &self.detail {
                    out.push_str(" (");
                    out.push_str(detail);
                    out.push(')');
                }
            }
            TlsEnd::TooLarge => {}
            _ if self.wanted == 0 => out.push_str(", start missing"),
            _ => {
                out.push_str(", have ");
                push_uint(out, self.have);
                out.push_str(" of ");
                push_uint(out, self.wanted);
                out.push_str(" bytes");
            }
        }
    }
}

display_via_text!(Hex4, TlsMissing);

/// The fields of a complete hello.
fn tls_hello_fields(kind: Kind, h: &TlsHello, field: &mut dyn FnMut(&str, &FieldValue<'_>)) {
    field("ver", &FieldValue::Show(&VersionName(h.version())));
    if kind == Kind::TlsRequest {
        match &h.sni {
            Some(sni) => field("sni", &FieldValue::Text(sni)),
            None => field("sni", &FieldValue::Text("none")),
        }
        field("alpn", &FieldValue::Show(&Names(&h.alpn)));
        match &h.ja4 {
            Some(j) => field("ja4", &FieldValue::Text(j.ja4.as_str())),
            None => field("ja4", &FieldValue::Missing),
        }
        match &h.ja3 {
            Some((_, md5)) => field("ja3", &FieldValue::Text(md5)),
            None => field("ja3", &FieldValue::Text("none")),
        }
    } else {
        match h.facts.ciphers.first() {
            Some(&c) => field("cipher", &FieldValue::Show(&Hex4(c))),
            None => field("cipher", &FieldValue::Missing),
        }
        field("alpn", &FieldValue::Show(&Names(&h.alpn)));
        match &h.ja3s {
            Some((_, md5)) => field("ja3s", &FieldValue::Text(md5)),
            None => field("ja3s", &FieldValue::Missing),
        }
    }
}

/// Calls `field` with each key and value of an observation, in p0f's order (spec §5.3).
pub fn for_each_field(obs: &Observation<'_>, field: &mut dyn FnMut(&str, &FieldValue<'_>)) {
    match &obs.details {
        Details::Tcp(t) => {
            let key = if t.label.is_some() && t.is_app {
                "app"
            } else {
                "os"
            };
            match &t.label {
                Some(label) => field(key, &FieldValue::Show(label)),
                None => field(key, &FieldValue::Missing),
            }
            field("dist", &FieldValue::Show(&t.distance));
            field("params", &FieldValue::Show(&Params(&obs.details)));
            field("raw_sig", &FieldValue::Show(&t.raw_sig));
        }
        Details::Mtu { link, raw_mtu } => {
            match link {
                Some(link) => field("link", &FieldValue::Text(link)),
                None => field("link", &FieldValue::Missing),
            }
            field("raw_mtu", &FieldValue::Show(raw_mtu));
        }
        Details::Uptime {
            minutes,
            modulo_days,
            raw_freq,
        } => {
            field(
                "uptime",
                &FieldValue::Show(&Uptime {
                    minutes: *minutes,
                    modulo_days: *modulo_days,
                }),
            );
            field("raw_freq", &FieldValue::Show(&Freq(*raw_freq)));
        }
        Details::Http(h) => {
            let key = if h.label.is_some() && !h.is_app {
                "os"
            } else {
                "app"
            };
            match &h.label {
                Some(label) => field(key, &FieldValue::Show(label)),
                None => field(key, &FieldValue::Missing),
            }
            let lang = match h.language {
                Language::None => FieldValue::Text("none"),
                Language::Unknown => FieldValue::Missing,
                Language::Known(name) => FieldValue::Text(name),
            };
            field("lang", &lang);
            field("params", &FieldValue::Show(&Params(&obs.details)));
            field("raw_sig", &FieldValue::Text(&h.raw_sig));
        }
        Details::Tls(t) => {
            match &t.label {
                Some(label) => field("app", &FieldValue::Show(label)),
                None => field("app", &FieldValue::Missing),
            }
            if let Some(h) = &t.hello {
                tls_hello_fields(obs.kind, h, field);
            }
            if let Some(m) = &t.missing {
                field("missing", &FieldValue::Show(m));
            }
            if t.carriage.transport != "tcp" {
                field("proto", &FieldValue::Text(t.carriage.transport));
            }
            if let Some(q) = &t.quic {
                field("quic", &FieldValue::Show(q.as_ref()));
            }
            field("params", &FieldValue::Show(&Params(&obs.details)));
            match &t.raw_sig {
                Some(sig) => field("raw_sig", &FieldValue::Text(sig)),
                None => field("raw_sig", &FieldValue::Missing),
            }
        }
        Details::Nat { reasons, raw_hits } => {
            field("reason", &FieldValue::Show(reasons));
            field("raw_hits", &FieldValue::Show(&Hits(*raw_hits)));
        }
        Details::Verdict(v) => {
            field("verdict", &FieldValue::Text(v.status.as_str()));
            field("reason", &FieldValue::Show(&v.reasons));
            field("summary", &FieldValue::Show(v.evidence.as_ref()));
        }
    }
}

impl Text for VerdictReasons {
    /// The codes separated by spaces, as p0f writes NAT reasons; `none` without any.
    fn append_to(&self, out: &mut String) {
        if self.0 == 0 {
            out.push_str("none");
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

impl Text for Evidence<'_> {
    /// [`Evidence::summary`].
    fn append_to(&self, out: &mut String) {
        self.summary(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// p0f's address text: std's dotted quad for IPv4; for IPv6 every group in
        /// lower-case hex without leading zeros and without `::` compression.
        #[test]
        fn addresses_print_as_p0f_prints_them(v4: u32, v6: u128, port: u16) {
            let v4 = std::net::Ipv4Addr::from(v4);
            prop_assert_eq!(P0fAddr(v4.into()).to_string(), v4.to_string());
            let v6 = std::net::Ipv6Addr::from(v6);
            let groups: Vec<String> = v6.segments().iter().map(|g| format!("{g:x}")).collect();
            prop_assert_eq!(P0fAddr(v6.into()).to_string(), groups.join(":"));
            let endpoint = SocketAddr::new(v6.into(), port);
            prop_assert_eq!(P0fEndpoint(endpoint).to_string(), format!("{}/{port}", groups.join(":")));
        }
    }

    #[test]
    fn address_corners() {
        let text = |a: &str| P0fAddr(a.parse().unwrap()).to_string();
        assert_eq!(text("0.0.0.0"), "0.0.0.0");
        assert_eq!(text("255.10.9.100"), "255.10.9.100");
        assert_eq!(text("::"), "0:0:0:0:0:0:0:0");
        assert_eq!(text("fd00:77::f:f0:f00:1ef1"), "fd00:77:0:0:f:f0:f00:1ef1");
        assert_eq!(
            text("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        );
    }
}
