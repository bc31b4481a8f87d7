//! Harvesting signatures: what traffic shows that the database names not at all, or only
//! generically or fuzzily, as ready-to-edit p0f.fp lines (`p0fmod --harvest`).
//!
//! A [`Harvest`] is fed [`Observation`]s and prints, per section, one entry per distinct
//! signature: how often it was seen, example hosts, what the database calls it now, and a
//! `label` placeholder with a `sig` line built from the raw signature. For TCP the raw
//! signature's `ttl+distance` becomes the initial TTL, and the MSS becomes `*` (it follows
//! the path, not the stack); the window stays as the raw signature shows it (`mss*N`,
//! `mtu*N` or a number). For HTTP the expected software is the product token of the
//! User-Agent or Server value (`curl/7.88.1` gives `curl/`). For TLS the `sig` line is the
//! hello's raw signature, with `~` before the extensions when hellos that differ only in
//! extension order were seen (Chromium and rustls permute them); the entry also says the
//! server names (SNI), the ALPN and any User-Agent seen in plaintext HTTP from the same
//! hosts. The placeholders
//! (`s:CLASS:NAME:FLAVOR`, `sys = SYSTEMS`) do not load until they are edited, on purpose:
//! a label must say only what the evidence supports.
//!
//! ```
//! use p0fmod::harvest::Harvest;
//!
//! let harvest = Harvest::new();
//! assert!(harvest.is_empty());
//! assert_eq!(harvest.to_string(), "; p0fmod --harvest: every signature seen is named.\n");
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;

use crate::observation::{Details, Kind, MatchLabel, Observation, TlsDetails};

/// How many example hosts an entry lists.
const EXAMPLE_HOSTS: usize = 3;
/// How many server names, extension orders and User-Agents a TLS entry keeps.
const TLS_EXAMPLES: usize = 3;
/// Most hosts whose User-Agents are remembered for the TLS entries.
const UA_HOSTS: usize = 65_536;

/// The p0f.fp sections, in file order.
const SECTIONS: [(&str, &str); 6] = [
    ("[tcp:request]", "SYN"),
    ("[tcp:response]", "SYN+ACK"),
    ("[http:request]", "HTTP request"),
    ("[http:response]", "HTTP response"),
    ("[tls:request]", "TLS ClientHello"),
    ("[tls:response]", "TLS ServerHello"),
];
/// The first TLS section's index in [`SECTIONS`].
const TLS_REQUEST: usize = 4;

/// Why a signature is worth a new database entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Naming {
    /// No signature matched.
    Unknown,
    /// Only a generic signature matched; the label text.
    Generic(String),
    /// Only a fuzzy match; the label text.
    Fuzzy(String),
}

/// One distinct signature and where it was seen.
#[derive(Clone, Debug)]
struct Entry {
    count: u64,
    hosts: BTreeSet<IpAddr>,
    /// The host seen first, then the next ones, for the examples.
    examples: Vec<IpAddr>,
    naming: Naming,
    /// The raw signature as p0f prints it (HTTP: with the whole software string).
    raw: String,
    /// For a TLS hello: what else was seen with it.
    tls: Option<TlsSeen>,
}

/// What a TLS entry remembers besides its raw signature.
#[derive(Clone, Debug, Default)]
struct TlsSeen {
    /// Server names sent (the first few).
    snis: BTreeSet<String>,
    /// ALPN lists sent (the first few), each `h2,http/1.1`.
    alpns: BTreeSet<String>,
    /// The extension lists seen, in wire order (the first few): more than one means the
    /// client permutes them.
    orders: BTreeSet<String>,
}

/// Signatures seen that the database does not name (or names only generically or
/// fuzzily), grouped by section and signature line. Pure: no I/O.
#[derive(Clone, Debug, Default)]
pub struct Harvest {
    /// Per section (index into [`SECTIONS`]): `sig` line (TLS: with the extensions
    /// sorted) → entry.
    sections: [BTreeMap<String, Entry>; 6],
    /// User-Agents seen in HTTP requests, by client (the first few per host).
    user_agents: BTreeMap<IpAddr, BTreeSet<String>>,
}

impl Harvest {
    /// An empty harvest.
    pub fn new() -> Harvest {
        Harvest::default()
    }

    /// True when nothing was harvested.
    pub fn is_empty(&self) -> bool {
        self.sections.iter().all(BTreeMap::is_empty)
    }

    /// Number of distinct signatures harvested.
    pub fn len(&self) -> usize {
        self.sections.iter().map(BTreeMap::len).sum()
    }

    /// Looks at one observation: SYN, SYN+ACK, HTTP and complete TLS hello observations
    /// that no specific signature names exactly are kept, and the User-Agents of HTTP
    /// requests are remembered for the TLS entries. Userland matches (scanners,
    /// p0f-sendsyn) and every other kind of observation are ignored.
    pub fn add(&mut self, obs: &Observation<'_>) {
        if let (Details::Http(http), Kind::HttpRequest) = (&obs.details, obs.kind) {
            self.remember_user_agent(obs.client.ip(), &http.raw_sig);
        }
        if let Details::Tls(tls) = &obs.details {
            self.add_tls(obs, tls);
            return;
        }
        let (section, sig, raw, naming) = match (&obs.details, obs.kind) {
            (Details::Tcp(tcp), Kind::Syn | Kind::SynAck) => {
                if tcp.is_app {
                    return;
                }
                let naming = match &tcp.label {
                    None => Naming::Unknown,
                    Some(l) if tcp.fuzzy => Naming::Fuzzy(label_text(l)),
                    Some(l) if l.generic => Naming::Generic(label_text(l)),
                    Some(_) => return,
                };
                let raw = tcp.raw_sig.to_string();
                let initial_ttl = u16::from(tcp.raw_sig.ttl)
                    + u16::from(tcp.raw_sig.guessed_distance).min(255 - u16::from(tcp.raw_sig.ttl));
                let section = usize::from(obs.kind == Kind::SynAck);
                (section, tcp_sig(&raw, initial_ttl), raw, naming)
            }
            (Details::Http(http), Kind::HttpRequest | Kind::HttpResponse) => {
                let naming = match &http.label {
                    None => Naming::Unknown,
                    Some(l) if l.generic => Naming::Generic(label_text(l)),
                    Some(_) => return,
                };
                let section = if obs.kind == Kind::HttpRequest { 2 } else { 3 };
                (
                    section,
                    http_sig(&http.raw_sig),
                    http.raw_sig.clone(),
                    naming,
                )
            }
            _ => return,
        };
        let host = obs.subject_addr();
        let entry = self.sections[section].entry(sig).or_insert_with(|| Entry {
            count: 0,
            hosts: BTreeSet::new(),
            examples: Vec::new(),
            naming,
            raw,
            tls: None,
        });
        entry.count += 1;
        if entry.hosts.insert(host) && entry.examples.len() < EXAMPLE_HOSTS {
            entry.examples.push(host);
        }
    }

    /// A TLS hello: kept when it was read whole and no specific signature names it exactly.
    /// Hellos that differ only in the order of their extensions share one entry.
    fn add_tls(&mut self, obs: &Observation<'_>, tls: &TlsDetails<'_>) {
        let section = match obs.kind {
            Kind::TlsRequest => TLS_REQUEST,
            Kind::TlsResponse => TLS_REQUEST + 1,
            _ => return,
        };
        let Some(raw) = &tls.raw_sig else {
            return;
        };
        let naming = match &tls.label {
            None => Naming::Unknown,
            Some(l) if tls.fuzzy => Naming::Fuzzy(label_text(l)),
            Some(l) if l.generic => Naming::Generic(label_text(l)),
            Some(_) => return,
        };
        let (key, order) = tls_key(raw);
        let host = obs.subject_addr();
        let entry = self.sections[section].entry(key).or_insert_with(|| Entry {
            count: 0,
            hosts: BTreeSet::new(),
            examples: Vec::new(),
            naming,
            raw: raw.clone(),
            tls: Some(TlsSeen::default()),
        });
        entry.count += 1;
        if entry.hosts.insert(host) && entry.examples.len() < EXAMPLE_HOSTS {
            entry.examples.push(host);
        }
        let seen = entry.tls.get_or_insert_with(TlsSeen::default);
        let keep = |set: &mut BTreeSet<String>, value: &str| {
            if set.len() < TLS_EXAMPLES && !set.contains(value) {
                set.insert(value.to_string());
            }
        };
        keep(&mut seen.orders, order);
        if let Some(hello) = tls.hello.as_deref() {
            if let Some(sni) = &hello.sni {
                keep(&mut seen.snis, sni);
            }
            if !hello.alpn.is_empty() {
                keep(&mut seen.alpns, &hello.alpn.join(","));
            }
        }
    }

    /// Keeps the User-Agent (the software field of an HTTP request's raw signature) of a
    /// client, for the TLS entries of the same host.
    fn remember_user_agent(&mut self, client: IpAddr, raw: &str) {
        let Some(start) = software_start(raw) else {
            return;
        };
        let ua = &raw[start..];
        if ua.is_empty()
            || !self.user_agents.contains_key(&client) && self.user_agents.len() >= UA_HOSTS
        {
            return;
        }
        let set = self.user_agents.entry(client).or_default();
        if set.len() < TLS_EXAMPLES {
            set.insert(ua.to_string());
        }
    }

    /// The User-Agents seen from any of `hosts` (the first few).
    fn user_agents_of(&self, hosts: &BTreeSet<IpAddr>) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for host in hosts {
            for ua in self.user_agents.get(host).into_iter().flatten() {
                if out.len() < TLS_EXAMPLES && !out.contains(&ua.as_str()) {
                    out.push(ua);
                }
            }
        }
        out
    }
}

/// A TLS raw signature's entry key (the signature with its extension list sorted) and its
/// extension list as sent.
fn tls_key(raw: &str) -> (String, &str) {
    let fields: Vec<&str> = raw.splitn(5, ':').collect();
    if fields.len() < 5 {
        return (raw.to_string(), "");
    }
    let order = fields[3];
    let mut exts: Vec<&str> = order.split(',').filter(|e| !e.is_empty()).collect();
    exts.sort_unstable();
    let key = format!(
        "{}:{}:{}:~{}:{}",
        fields[0],
        fields[1],
        fields[2],
        exts.join(","),
        fields[4]
    );
    (key, order)
}

/// The `sig` line of a TLS entry: the raw signature, with the extensions as a `~` list
/// when several orders were seen.
fn tls_sig(raw: &str, key: &str, orders: usize) -> String {
    if orders > 1 {
        key.to_string()
    } else {
        raw.to_string()
    }
}

/// `Name flavor`, as p0f prints a label.
fn label_text(label: &MatchLabel<'_>) -> String {
    match &label.flavor {
        Some(flavor) => format!("{} {flavor}", label.name),
        None => label.name.to_string(),
    }
}

/// A TCP `sig` value from a raw signature (`ver:ttl+dist:olen:mss:win,scale:olayout:
/// quirks:pclass`): the initial TTL in place of `ttl+dist`, `*` in place of the MSS.
fn tcp_sig(raw: &str, initial_ttl: u16) -> String {
    let mut fields: Vec<String> = raw.split(':').map(str::to_string).collect();
    if fields.len() == 8 {
        fields[1] = initial_ttl.to_string();
        fields[3] = "*".to_string();
    }
    fields.join(":")
}

/// An HTTP `sig` value from a raw signature (`ver:horder:habsent:sw`): the software becomes
/// its product token (`curl/7.88.1 (x86_64)` gives `curl/`), without colons, which the
/// grammar refuses there.
fn http_sig(raw: &str) -> String {
    let Some(start) = software_start(raw) else {
        return raw.to_string();
    };
    let sw = &raw[start..];
    let token = sw.split_whitespace().next().unwrap_or("");
    let token = match token.find('/') {
        Some(slash) => &token[..=slash],
        None => token,
    };
    format!("{}{}", &raw[..start], token.replace(':', ""))
}

/// Where the software field of an HTTP raw signature starts: after the third colon outside
/// a `[value]` (header values may hold colons, and so may the software string).
fn software_start(raw: &str) -> Option<usize> {
    let mut depth = 0;
    let mut colons = 0;
    raw.char_indices().find_map(|(i, c)| {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ':' if depth == 0 => {
                colons += 1;
                if colons == 3 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        None
    })
}

impl fmt::Display for Harvest {
    /// The harvest as p0f.fp text, sections in file order, entries by count (most first).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "; p0fmod --harvest: every signature seen is named.");
        }
        writeln!(
            f,
            "; p0fmod --harvest: {} signature{} that the database names not at all, or only\n\
             ; generically or fuzzily. Give each a label that says only what you know of\n\
             ; the hosts (s|g:class:name:flavor; HTTP and TLS: s:!:name:flavor and a sys\n\
             ; line), widen a TLS signature where connections differ ('?' before 0000,\n\
             ; 0010, 0023, 0029; '*' for the ALPN), then add it to a copy of the database\n\
             ; and load that with -f.",
            self.len(),
            if self.len() == 1 { "" } else { "s" }
        )?;
        for (i, (header, what)) in SECTIONS.iter().enumerate() {
            let entries = &self.sections[i];
            if entries.is_empty() {
                continue;
            }
            writeln!(f, "\n{header}")?;
            let mut sorted: Vec<(&String, &Entry)> = entries.iter().collect();
            sorted.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
            for (sig, e) in sorted {
                let hosts: Vec<String> = e.examples.iter().map(IpAddr::to_string).collect();
                let more = e.hosts.len() - e.examples.len();
                let now = match &e.naming {
                    Naming::Unknown => "no match".to_string(),
                    Naming::Generic(l) => format!("generic {l}"),
                    Naming::Fuzzy(l) => format!("fuzzy {l}"),
                };
                writeln!(
                    f,
                    "\n; {} {what}{} from {}{}; now: {now}",
                    e.count,
                    if e.count == 1 { "" } else { "s" },
                    hosts.join(", "),
                    if more > 0 {
                        format!(" and {more} more host{}", if more == 1 { "" } else { "s" })
                    } else {
                        String::new()
                    }
                )?;
                if let Some(seen) = &e.tls {
                    self.write_tls_context(f, e, seen)?;
                }
                writeln!(f, "; raw_sig = {}", e.raw)?;
                if i < 2 {
                    writeln!(f, "label = s:CLASS:NAME:FLAVOR")?;
                } else {
                    writeln!(f, "label = s:!:NAME:FLAVOR\nsys = SYSTEMS")?;
                }
                match &e.tls {
                    Some(seen) => writeln!(f, "sig = {}", tls_sig(&e.raw, sig, seen.orders.len()))?,
                    None => writeln!(f, "sig = {sig}")?,
                }
            }
        }
        Ok(())
    }
}

impl Harvest {
    /// The comment lines of a TLS entry: server names, ALPN, User-Agents of its hosts, and
    /// whether the extension order changed.
    fn write_tls_context(
        &self,
        f: &mut fmt::Formatter<'_>,
        e: &Entry,
        seen: &TlsSeen,
    ) -> fmt::Result {
        let join =
            |set: &BTreeSet<String>| set.iter().map(String::as_str).collect::<Vec<_>>().join(" ");
        let mut parts = Vec::new();
        if !seen.snis.is_empty() {
            parts.push(format!("sni = {}", join(&seen.snis)));
        }
        if !seen.alpns.is_empty() {
            parts.push(format!("alpn = {}", join(&seen.alpns)));
        }
        if !parts.is_empty() {
            writeln!(f, "; {}", parts.join("; "))?;
        }
        for ua in self.user_agents_of(&e.hosts) {
            writeln!(f, "; user-agent = {ua}")?;
        }
        if seen.orders.len() > 1 {
            writeln!(
                f,
                "; the extensions came in {}{} orders: '~' accepts any",
                if seen.orders.len() >= TLS_EXAMPLES {
                    "at least "
                } else {
                    ""
                },
                seen.orders.len()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::observation::{
        Distance, HttpDetails, Language, RawWindow, Subject, TcpDetails, TcpRawSig,
    };
    use p0fmod_capture::Timestamp;
    use p0fmod_wire::{IpVersion, OptLayout, Quirks};
    use std::net::SocketAddr;

    fn raw_sig(ttl: u8, dist: u8, window: RawWindow) -> TcpRawSig {
        TcpRawSig {
            version: IpVersion::V4,
            ttl,
            guessed_distance: dist,
            ip_opt_len: 0,
            mss: Some(1460),
            window,
            wscale: 7,
            opt_layout: OptLayout::from_slice(&[2, 4, 8, 1, 3]),
            eol_pad: 0,
            quirks: Quirks(Quirks::DF.0 | Quirks::NZ_ID.0),
            has_payload: false,
        }
    }

    fn tcp<'a>(
        kind: Kind,
        client: &str,
        label: Option<MatchLabel<'a>>,
        fuzzy: bool,
        raw: TcpRawSig,
    ) -> Observation<'a> {
        let client: SocketAddr = format!("{client}:40000").parse().unwrap();
        Observation {
            time: Timestamp { sec: 0, usec: 0 },
            kind,
            client,
            server: "192.0.2.1:80".parse().unwrap(),
            subject: if kind == Kind::Syn {
                Subject::Client
            } else {
                Subject::Server
            },
            details: Details::Tcp(TcpDetails {
                label,
                is_app: false,
                fuzzy,
                distance: Distance::Exact(0),
                random_ttl: false,
                tos: 0,
                raw_sig: raw,
            }),
        }
    }

    fn http<'a>(kind: Kind, label: Option<MatchLabel<'a>>, raw: &str) -> Observation<'a> {
        Observation {
            time: Timestamp { sec: 0, usec: 0 },
            kind,
            client: "10.0.0.9:40000".parse().unwrap(),
            server: "192.0.2.1:80".parse().unwrap(),
            subject: if kind == Kind::HttpRequest {
                Subject::Client
            } else {
                Subject::Server
            },
            details: Details::Http(HttpDetails {
                label,
                is_app: true,
                language: Language::None,
                dishonest: false,
                anonymous: false,
                raw_sig: raw.to_string(),
            }),
        }
    }

    const GENERIC: MatchLabel<'static> = MatchLabel {
        name: Cow::Borrowed("Linux"),
        flavor: Some(Cow::Borrowed("2.2.x-3.x")),
        class: Some(Cow::Borrowed("unix")),
        generic: true,
    };
    const SPECIFIC: MatchLabel<'static> = MatchLabel {
        name: Cow::Borrowed("Linux"),
        flavor: Some(Cow::Borrowed("4.19 and newer")),
        class: Some(Cow::Borrowed("unix")),
        generic: false,
    };

    #[test]
    fn unknown_generic_and_fuzzy_signatures_are_kept_specific_ones_are_not() {
        let mut h = Harvest::new();
        let w44 = raw_sig(60, 4, RawWindow::MssMultiple(44));
        h.add(&tcp(Kind::Syn, "10.0.0.1", Some(GENERIC), false, w44));
        h.add(&tcp(Kind::Syn, "10.0.0.2", Some(GENERIC), false, w44));
        h.add(&tcp(Kind::Syn, "10.0.0.1", Some(GENERIC), false, w44));
        h.add(&tcp(Kind::Syn, "10.0.0.3", Some(SPECIFIC), false, w44));
        let ecn = TcpRawSig {
            quirks: Quirks(w44.quirks.0 | Quirks::ECN.0),
            ..w44
        };
        h.add(&tcp(Kind::Syn, "10.0.0.4", Some(SPECIFIC), true, ecn));
        let w = raw_sig(64, 0, RawWindow::Literal(62727));
        h.add(&tcp(Kind::SynAck, "10.0.0.5", None, false, w));
        h.add(&http(Kind::HttpRequest, Some(SPECIFIC), "1:Host::curl/8"));
        let text = h.to_string();
        assert_eq!(h.len(), 3, "{text}");
        assert!(text.contains(
            "; 3 SYNs from 10.0.0.1, 10.0.0.2; now: generic Linux 2.2.x-3.x\n\
             ; raw_sig = 4:60+4:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0\n\
             label = s:CLASS:NAME:FLAVOR\n\
             sig = 4:64:0:*:mss*44,7:mss,sok,ts,nop,ws:df,id+:0\n"
        ));
        assert!(text.contains("; 1 SYN from 10.0.0.4; now: fuzzy Linux 4.19 and newer\n"));
        assert!(text.contains("[tcp:response]\n\n; 1 SYN+ACK from 192.0.2.1; now: no match\n"));
        assert!(text.contains("sig = 4:64:0:*:62727,7:mss,sok,ts,nop,ws:df,id+:0\n"));
        // Sections in file order, the most frequent signature first.
        let request = text.find("[tcp:request]").unwrap();
        assert!(request < text.find("[tcp:response]").unwrap());
        assert!(text.find("; 3 SYNs").unwrap() < text.find("; 1 SYN from").unwrap());
    }

    #[test]
    fn a_distance_too_long_to_guess_still_gives_an_initial_ttl() {
        let mut h = Harvest::new();
        // p0f prints 4:143+?: the guess (255 - 143) is above 35 hops.
        h.add(&tcp(
            Kind::Syn,
            "10.0.0.1",
            None,
            false,
            raw_sig(143, 112, RawWindow::Literal(8192)),
        ));
        let text = h.to_string();
        assert!(text.contains("; raw_sig = 4:143+?:"), "{text}");
        assert!(text.contains("sig = 4:255:0:*:8192,7:"), "{text}");
    }

    #[test]
    fn examples_stop_at_three_hosts_and_count_the_rest() {
        let mut h = Harvest::new();
        for i in 1..=5 {
            h.add(&tcp(
                Kind::Syn,
                &format!("10.0.0.{i}"),
                None,
                false,
                raw_sig(64, 0, RawWindow::Literal(1024)),
            ));
        }
        assert!(h.to_string().contains(
            "; 5 SYNs from 10.0.0.1, 10.0.0.2, 10.0.0.3 and 2 more hosts; now: no match\n"
        ));
    }

    #[test]
    fn http_signatures_keep_headers_and_shorten_the_software() {
        let mut h = Harvest::new();
        let raw = "1:Host,User-Agent,Accept=[*/*],Via=[1.1 proxy:3128]:Connection,Keep-Alive:curl/8.5.0 (x86_64-pc-linux-gnu)";
        h.add(&http(Kind::HttpRequest, None, raw));
        h.add(&http(
            Kind::HttpRequest,
            None,
            "1:Host:Accept:DESKTOP:MAC:10.10.5-YOSEMITE(4.7.2)",
        ));
        h.add(&http(
            Kind::HttpResponse,
            Some(MatchLabel {
                name: Cow::Borrowed("Apache"),
                flavor: None,
                class: None,
                generic: true,
            }),
            "0:Server,Date:Content-Type:SimpleHTTP/0.6 Python/3.11.7",
        ));
        let text = h.to_string();
        assert!(text.contains(
            "[http:request]\n\n; 1 HTTP request from 10.0.0.9; now: no match\n\
             ; raw_sig = 1:Host,User-Agent,Accept=[*/*],Via=[1.1 proxy:3128]:Connection,Keep-Alive:curl/8.5.0 (x86_64-pc-linux-gnu)\n\
             label = s:!:NAME:FLAVOR\nsys = SYSTEMS\n\
             sig = 1:Host,User-Agent,Accept=[*/*],Via=[1.1 proxy:3128]:Connection,Keep-Alive:curl/\n"
        ), "{text}");
        assert!(text.contains("; 1 HTTP response from 192.0.2.1; now: generic Apache\n"));
        assert!(text.contains("sig = 0:Server,Date:Content-Type:SimpleHTTP/\n"));
        assert!(text.contains("sig = 1:Host:Accept:DESKTOPMAC10.10.5-YOSEMITE(4.7.2)\n"));
    }

    fn tls_hello(
        kind: Kind,
        client: &str,
        label: Option<MatchLabel<'static>>,
        fuzzy: bool,
        raw: &str,
        sni: Option<&str>,
    ) -> Observation<'static> {
        use crate::observation::tls::{TlsCarriage, TlsHello};
        let hello = TlsHello {
            legacy_version: 0x0303,
            facts: p0fmod_tls::HelloFacts {
                versions: vec![0x0304],
                ciphers: vec![0x1301],
                hello_len: 512,
                ..Default::default()
            },
            sni: sni.map(str::to_string),
            alpn: vec!["h2".to_string(), "http/1.1".to_string()],
            ..TlsHello::default()
        };
        Observation {
            time: Timestamp { sec: 0, usec: 0 },
            kind,
            client: format!("{client}:40000").parse().unwrap(),
            server: "192.0.2.1:443".parse().unwrap(),
            subject: if kind == Kind::TlsRequest {
                Subject::Client
            } else {
                Subject::Server
            },
            details: Details::Tls(TlsDetails {
                label,
                fuzzy,
                hello: Some(Box::new(hello)),
                missing: None,
                carriage: TlsCarriage {
                    transport: "tcp",
                    ..TlsCarriage::default()
                },
                raw_sig: Some(raw.to_string()),
                quic: None,
            }),
        }
    }

    #[test]
    fn tls_hellos_with_sni_alpn_user_agent_and_permuted_extensions() {
        let mut h = Harvest::new();
        // A plaintext request from the same host names its User-Agent.
        h.add(&http(
            Kind::HttpRequest,
            Some(SPECIFIC),
            "1:Host,User-Agent:Accept:Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0",
        ));
        let a = "t:13:1301,1302:0000,0010,002b:001d:0403:grease:h2,http/1.1";
        let b = "t:13:1301,1302:002b,0000,0010:001d:0403:grease:h2,http/1.1";
        h.add(&tls_hello(
            Kind::TlsRequest,
            "10.0.0.9",
            None,
            false,
            a,
            Some("example.com"),
        ));
        h.add(&tls_hello(
            Kind::TlsRequest,
            "10.0.0.9",
            None,
            false,
            b,
            Some("example.org"),
        ));
        // A specific exact match is not harvested; a generic one is.
        h.add(&tls_hello(
            Kind::TlsRequest,
            "10.0.0.7",
            Some(SPECIFIC),
            false,
            "t:13:1303::::::",
            None,
        ));
        let server = "t:13:1302:002b,0033:001d:::";
        h.add(&tls_hello(
            Kind::TlsResponse,
            "10.0.0.9",
            Some(GENERIC),
            false,
            server,
            None,
        ));
        let text = h.to_string();
        assert_eq!(h.len(), 2, "{text}");
        assert!(
            text.contains(
                "[tls:request]\n\n; 2 TLS ClientHellos from 10.0.0.9; now: no match\n\
             ; sni = example.com example.org; alpn = h2,http/1.1\n\
             ; user-agent = Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0\n\
             ; the extensions came in 2 orders: '~' accepts any\n\
             ; raw_sig = t:13:1301,1302:0000,0010,002b:001d:0403:grease:h2,http/1.1\n\
             label = s:!:NAME:FLAVOR\nsys = SYSTEMS\n\
             sig = t:13:1301,1302:~0000,0010,002b:001d:0403:grease:h2,http/1.1\n"
            ),
            "{text}"
        );
        assert!(text.contains(
            "[tls:response]\n\n; 1 TLS ServerHello from 192.0.2.1; now: generic Linux 2.2.x-3.x\n"
        ), "{text}");
        assert!(text.contains(&format!("sig = {server}\n")), "{text}");
        // The harvested lines, once labelled, load.
        let edited = text
            .replace("s:!:NAME:FLAVOR", "s:!:Browser:")
            .replace("sys = SYSTEMS", "sys = Linux");
        let db = p0fmod_db::Database::parse(&format!("classes = win,unix\n{edited}"), "edited")
            .unwrap_or_else(|e| panic!("{e}\n{edited}"));
        assert_eq!(db.tls(p0fmod_db::Direction::Request).len(), 1);
    }

    #[test]
    fn userland_matches_and_other_kinds_are_ignored() {
        let mut h = Harvest::new();
        let mut scan = tcp(
            Kind::Syn,
            "10.0.0.1",
            None,
            false,
            raw_sig(64, 0, RawWindow::Literal(1024)),
        );
        if let Details::Tcp(t) = &mut scan.details {
            t.is_app = true;
        }
        h.add(&scan);
        h.add(&Observation {
            kind: Kind::Mtu,
            details: Details::Mtu {
                link: None,
                raw_mtu: 1500,
            },
            ..scan.clone()
        });
        assert!(h.is_empty());
        assert_eq!(
            h.to_string(),
            "; p0fmod --harvest: every signature seen is named.\n"
        );
    }
}
