//! Outputs: every way observations leave the engine. One [`Sink`] trait; p0f's console
//! blocks and log lines ([`p0f`]), and JSON lines ([`json`]). Formatting happens here, and
//! only for observations that are written.

pub mod json;
pub mod p0f;

use std::fmt::{self, Display};
use std::io;
use std::net::{IpAddr, SocketAddr};

use crate::fp::MAX_DIST;
use crate::observation::{Details, Distance, Language, Observation};

/// Something that takes observations.
pub trait Sink {
    /// Writes one observation.
    fn write(&mut self, obs: &Observation<'_>) -> io::Result<()>;
    /// Flushes buffered output.
    fn flush(&mut self) -> io::Result<()>;
}

/// An address as p0f prints it: dotted IPv4, or eight lower-case hex groups with no zero
/// compression and no leading zeros.
pub struct P0fAddr(pub IpAddr);

impl Display for P0fAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => {
                for (i, group) in v6.segments().iter().enumerate() {
                    if i > 0 {
                        f.write_str(":")?;
                    }
                    write!(f, "{group:x}")?;
                }
                Ok(())
            }
        }
    }
}

/// `addr/port` as p0f prints it.
pub struct P0fEndpoint(pub SocketAddr);

impl Display for P0fEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", P0fAddr(self.0.ip()), self.0.port())
    }
}

/// One field value of a p0f observation.
pub enum FieldValue<'o> {
    /// Text.
    Text(&'o str),
    /// A value to format.
    Show(&'o dyn Display),
    /// A value p0f prints as `???`.
    Missing,
}

impl Display for FieldValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Text(s) => f.write_str(s),
            FieldValue::Show(d) => d.fmt(f),
            FieldValue::Missing => f.write_str("???"),
        }
    }
}

struct Params<'o>(&'o Details<'o>);

impl Display for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut words: [Option<&str>; 4] = [None; 4];
        let mut tos = None;
        match self.0 {
            Details::Tcp(t) => {
                let generic = t.label.is_some_and(|l| l.generic);
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
            Details::Http(h) => {
                words[0] = h.dishonest.then_some("dishonest");
                words[1] = h.anonymous.then_some("anonymous");
                words[2] = h.label.is_some_and(|l| l.generic).then_some("generic");
            }
            _ => {}
        }
        let mut first = true;
        for word in words.into_iter().flatten() {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            f.write_str(word)?;
        }
        if let Some(tos) = tos {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "tos:0x{tos:02x}")?;
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

struct Uptime {
    minutes: u32,
    modulo_days: u32,
}

impl Display for Uptime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        write!(f, "{} days {} hrs {} min (modulo {} days)", m / 1440, (m / 60) % 24, m % 60, self.modulo_days)
    }
}

struct Freq(f64);

impl Display for Freq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} Hz", self.0)
    }
}

struct Hits([u32; 4]);

impl Display for Hits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "{a},{b},{c},{d}")
    }
}

/// Calls `field` with each key and value of an observation, in p0f's order (spec §5.3).
pub fn for_each_field(obs: &Observation<'_>, field: &mut dyn FnMut(&str, &FieldValue<'_>) -> fmt::Result) -> fmt::Result {
    match &obs.details {
        Details::Tcp(t) => {
            let key = if t.label.is_some() && t.is_app { "app" } else { "os" };
            match &t.label {
                Some(label) => field(key, &FieldValue::Show(label))?,
                None => field(key, &FieldValue::Missing)?,
            }
            field("dist", &FieldValue::Show(&t.distance))?;
            field("params", &FieldValue::Show(&Params(&obs.details)))?;
            field("raw_sig", &FieldValue::Show(&t.raw_sig))
        }
        Details::Mtu { link, raw_mtu } => {
            match link {
                Some(link) => field("link", &FieldValue::Text(link))?,
                None => field("link", &FieldValue::Missing)?,
            }
            field("raw_mtu", &FieldValue::Show(raw_mtu))
        }
        Details::Uptime { minutes, modulo_days, raw_freq } => {
            field("uptime", &FieldValue::Show(&Uptime { minutes: *minutes, modulo_days: *modulo_days }))?;
            field("raw_freq", &FieldValue::Show(&Freq(*raw_freq)))
        }
        Details::Http(h) => {
            let key = if h.label.is_some() && !h.is_app { "os" } else { "app" };
            match &h.label {
                Some(label) => field(key, &FieldValue::Show(label))?,
                None => field(key, &FieldValue::Missing)?,
            }
            let lang = match h.language {
                Language::None => FieldValue::Text("none"),
                Language::Unknown => FieldValue::Missing,
                Language::Known(name) => FieldValue::Text(name),
            };
            field("lang", &lang)?;
            field("params", &FieldValue::Show(&Params(&obs.details)))?;
            field("raw_sig", &FieldValue::Text(&h.raw_sig))
        }
        Details::Nat { reasons, raw_hits } => {
            field("reason", &FieldValue::Show(reasons))?;
            field("raw_hits", &FieldValue::Show(&Hits(*raw_hits)))
        }
    }
}
