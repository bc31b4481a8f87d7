//! JSON lines: one object per observation, with stable field names (docs/json.md).
//! Addresses are written as Rust prints them: IPv6 in RFC 5952 text (`fd77::1`), where
//! p0f's own log writes every group (`fd77:0:0:0:0:0:0:1`).

use std::io::{self, BufWriter, Write};

use serde_json::{Map, Value, json};

use super::Sink;
use crate::fp::MAX_DIST;
use crate::observation::tls::{TlsDetails, TlsHello};
use crate::observation::{Details, Distance, Kind, Language, MatchLabel, Observation};

fn label_json(label: &Option<MatchLabel<'_>>, kind: &str, fuzzy: bool) -> Value {
    match label {
        None => Value::Null,
        Some(l) => json!({
            "kind": kind,
            "name": l.name,
            "flavor": l.flavor,
            "class": l.class,
            "generic": l.generic,
            "fuzzy": fuzzy,
        }),
    }
}

/// The fields of a `tls request` / `tls response` object (docs/json.md). The hello's
/// fields are present and null when the hello is incomplete.
fn tls_json(kind: Kind, t: &TlsDetails<'_>, m: &mut Map<String, Value>) {
    let request = kind == Kind::TlsRequest;
    m.insert("match".into(), label_json(&t.label, "app", t.fuzzy));
    m.insert("complete".into(), json!(t.hello.is_some()));
    m.insert(
        "missing".into(),
        match &t.missing {
            None => Value::Null,
            Some(x) => json!({
                "reason": x.reason.as_str(),
                "have": x.have,
                "wanted": x.wanted,
                "held": x.held,
                "detail": x.detail,
                "text": x.to_string(),
            }),
        },
    );
    let c = &t.carriage;
    m.insert("transport".into(), json!(c.transport));
    m.insert("segments".into(), json!(c.segments));
    m.insert("retransmits".into(), json!(c.retransmits));
    m.insert("dropped_segments".into(), json!(c.dropped));
    m.insert("records".into(), json!(c.records));
    m.insert("sslv2".into(), json!(c.sslv2));
    m.insert("tfo".into(), json!(c.tfo));
    m.insert("starttls".into(), json!(c.starttls.map(|p| p.as_str())));
    m.insert("retry".into(), json!(c.retry));
    m.insert("openvpn".into(), json!(c.openvpn));
    let h = t.hello.as_deref();
    let get = |f: &dyn Fn(&crate::observation::tls::TlsHello) -> Value| h.map_or(Value::Null, f);
    m.insert(
        "version".into(),
        get(&|h| json!(p0fmod_tls::version_name(h.version()))),
    );
    m.insert("legacy_version".into(), get(&|h| json!(h.legacy_version)));
    m.insert("versions".into(), get(&|h| json!(h.facts.versions)));
    m.insert("ciphers".into(), get(&|h| json!(h.facts.ciphers)));
    m.insert("extensions".into(), get(&|h| json!(h.facts.extensions)));
    if request {
        m.insert("groups".into(), get(&|h| json!(h.facts.groups)));
        m.insert(
            "signature_algorithms".into(),
            get(&|h| json!(h.facts.signature_algorithms)),
        );
    }
    m.insert(
        "key_share_groups".into(),
        get(&|h| json!(h.facts.key_share_groups)),
    );
    m.insert("post_quantum".into(), get(&|h| json!(h.facts.post_quantum)));
    if request {
        m.insert("grease".into(), get(&|h| json!(h.facts.grease)));
    }
    m.insert("hello_len".into(), get(&|h| json!(h.facts.hello_len)));
    if request {
        m.insert("sni".into(), get(&|h| json!(h.sni)));
    }
    m.insert("alpn".into(), get(&|h| json!(h.alpn)));
    if request {
        let ja4 = h.and_then(TlsHello::ja4_set);
        let ja4 = ja4.as_ref();
        m.insert("ja4".into(), json!(ja4.map(|j| &j.ja4)));
        m.insert("ja4_r".into(), json!(ja4.map(|j| &j.ja4_r)));
        m.insert("ja4_o".into(), json!(ja4.map(|j| &j.ja4_o)));
        m.insert("ja4_ro".into(), json!(ja4.map(|j| &j.ja4_ro)));
        let ja3 = h.and_then(|h| h.ja3.as_ref());
        m.insert("ja3".into(), json!(ja3.map(|j| &j.1)));
        m.insert("ja3_string".into(), json!(ja3.map(|j| &j.0)));
    } else {
        m.insert(
            "cipher".into(),
            json!(h.and_then(|h| h.facts.ciphers.first())),
        );
        let ja3s = h.and_then(|h| h.ja3s.as_ref());
        m.insert("ja3s".into(), json!(ja3s.map(|j| &j.1)));
        m.insert("ja3s_string".into(), json!(ja3s.map(|j| &j.0)));
        m.insert(
            "hello_retry_request".into(),
            get(&|h| json!(h.hello_retry_request)),
        );
    }
    m.insert(
        "quic".into(),
        match &t.quic {
            None => Value::Null,
            Some(q) => json!({
                "version": format!("0x{:08x}", q.version),
                "version_name": q.version_name(),
                "dcid_len": q.dcid_len,
                "scid_len": q.scid_len,
                "retry": q.retry,
                "datagrams": q.datagrams,
                "packets": q.packets,
                "frames": q.frames,
                "ping_padding_frames": q.ping_padding,
                "out_of_order_frames": q.out_of_order,
                "datagram_sizes": q.datagram_sizes,
                "crypto_frames": q.crypto_frames.iter().map(|&(o, l)| json!([o, l])).collect::<Vec<_>>(),
                "transport_parameters": q.transport_parameters,
            }),
        },
    );
    m.insert("params".into(), json!(t.params().collect::<Vec<_>>()));
    m.insert("raw_sig".into(), json!(t.raw_sig));
}

/// The JSON object of one observation.
pub fn to_json(obs: &Observation<'_>) -> Value {
    let mut m = Map::new();
    m.insert(
        "time".into(),
        json!(obs.time.sec as f64 + f64::from(obs.time.usec) / 1e6),
    );
    m.insert("mod".into(), json!(obs.kind.keyword()));
    m.insert("cli_ip".into(), json!(obs.client.ip().to_string()));
    m.insert("cli_port".into(), json!(obs.client.port()));
    m.insert("srv_ip".into(), json!(obs.server.ip().to_string()));
    m.insert("srv_port".into(), json!(obs.server.port()));
    m.insert("subj".into(), json!(obs.subject.as_str()));
    m.insert("subj_ip".into(), json!(obs.subject_addr().to_string()));
    match &obs.details {
        Details::Tcp(t) => {
            let kind = if t.is_app { "app" } else { "os" };
            m.insert("match".into(), label_json(&t.label, kind, t.fuzzy));
            let (dist, exact) = match t.distance {
                Distance::Exact(d) => (d, true),
                Distance::AtMost(d) => (d, false),
            };
            m.insert("dist".into(), json!(dist));
            m.insert("dist_exact".into(), json!(exact));
            let mut params = Vec::new();
            if t.label.as_ref().is_some_and(|l| l.generic) {
                params.push("generic".to_string());
            }
            if t.fuzzy {
                params.push("fuzzy".into());
            }
            if t.random_ttl {
                params.push("random_ttl".into());
            }
            if dist > MAX_DIST {
                params.push("excess_dist".into());
            }
            if t.tos != 0 {
                params.push(format!("tos:0x{:02x}", t.tos));
            }
            m.insert("params".into(), json!(params));
            m.insert("raw_sig".into(), json!(t.raw_sig.to_string()));
        }
        Details::Mtu { link, raw_mtu } => {
            m.insert("link".into(), json!(link));
            m.insert("raw_mtu".into(), json!(raw_mtu));
        }
        Details::Uptime {
            minutes,
            modulo_days,
            raw_freq,
        } => {
            m.insert("uptime_min".into(), json!(minutes));
            m.insert("modulo_days".into(), json!(modulo_days));
            m.insert("raw_freq".into(), json!(raw_freq));
        }
        Details::Http(h) => {
            let kind = if h.is_app { "app" } else { "os" };
            m.insert("match".into(), label_json(&h.label, kind, false));
            let lang = match h.language {
                Language::None => Value::Null,
                Language::Unknown => json!("???"),
                Language::Known(name) => json!(name),
            };
            m.insert("lang".into(), lang);
            let mut params = Vec::new();
            if h.dishonest {
                params.push("dishonest");
            }
            if h.anonymous {
                params.push("anonymous");
            }
            if h.label.as_ref().is_some_and(|l| l.generic) {
                params.push("generic");
            }
            m.insert("params".into(), json!(params));
            m.insert("raw_sig".into(), json!(h.raw_sig));
        }
        Details::Tls(t) => tls_json(obs.kind, t, &mut m),
        Details::Nat { reasons, raw_hits } => {
            m.insert("reason".into(), json!(reasons.names().collect::<Vec<_>>()));
            m.insert("raw_hits".into(), json!(raw_hits));
        }
        Details::Verdict(v) => {
            m.insert("verdict".into(), json!(v.status.as_str()));
            m.insert(
                "reason".into(),
                json!(v.reasons.names().collect::<Vec<_>>()),
            );
            let reasons: Vec<Value> = v
                .reasons_text()
                .map(|(code, text)| json!({"code": code, "text": text}))
                .collect();
            m.insert("reasons".into(), Value::Array(reasons));
            m.insert("summary".into(), json!(v.summary()));
        }
    }
    Value::Object(m)
}

/// JSON lines on a writer (stdout or the `-o` file), buffered.
pub struct JsonSink<W: Write> {
    out: BufWriter<W>,
    source: Option<Value>,
    health: Option<super::resilient::LogHealth>,
}

impl<W: Write> JsonSink<W> {
    /// A JSON sink writing to `out`.
    pub fn new(out: W) -> JsonSink<W> {
        JsonSink {
            out: BufWriter::with_capacity(1 << 16, out),
            source: None,
            health: None,
        }
    }

    /// Reports the health of the file under it (a
    /// [`ResilientFile`](super::resilient::ResilientFile)) through [`Sink::take_notice`].
    pub fn with_health(mut self, health: super::resilient::LogHealth) -> JsonSink<W> {
        self.health = Some(health);
        self
    }

    /// Names the capture the next observations come from, in a `source` field of each
    /// record (runs over several captures); `None` leaves the field out.
    pub fn set_source(&mut self, source: Option<&str>) {
        self.source = source.map(|s| json!(s));
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn write(&mut self, obs: &Observation<'_>) -> io::Result<()> {
        let mut record = to_json(obs);
        if let (Some(source), Value::Object(m)) = (&self.source, &mut record) {
            m.insert("source".into(), source.clone());
        }
        serde_json::to_writer(&mut self.out, &record)?;
        self.out.write_all(b"\n")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn take_notice(&mut self) -> Option<String> {
        self.health.as_ref()?.take_notice()
    }
}
