//! Harvesting signatures: what traffic shows that the database names not at all, or only
//! generically or fuzzily, as ready-to-edit p0f.fp lines (`p0fmod --harvest`).
//!
//! A [`Harvest`] is fed [`Observation`]s and prints, per section, one entry per distinct
//! signature: how often it was seen, example hosts, what the database calls it now, and a
//! `label` placeholder with a `sig` line built from the raw signature. For TCP the raw
//! signature's `ttl+distance` becomes the initial TTL, and the MSS becomes `*` (it follows
//! the path, not the stack); the window stays as the raw signature shows it (`mss*N`,
//! `mtu*N` or a number). For HTTP the expected software is the product token of the
//! User-Agent or Server value (`curl/7.88.1` gives `curl/`). The placeholders
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

use crate::observation::{Details, Kind, MatchLabel, Observation};

/// How many example hosts an entry lists.
const EXAMPLE_HOSTS: usize = 3;

/// The p0f.fp sections, in file order.
const SECTIONS: [(&str, &str); 4] = [
    ("[tcp:request]", "SYN"),
    ("[tcp:response]", "SYN+ACK"),
    ("[http:request]", "HTTP request"),
    ("[http:response]", "HTTP response"),
];

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
}

/// Signatures seen that the database does not name (or names only generically or
/// fuzzily), grouped by section and signature line. Pure: no I/O.
#[derive(Clone, Debug, Default)]
pub struct Harvest {
    /// Per section (index into [`SECTIONS`]): `sig` line → entry.
    sections: [BTreeMap<String, Entry>; 4],
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

    /// Looks at one observation: SYN, SYN+ACK and HTTP observations that no specific
    /// signature names exactly are kept. Userland matches (scanners, p0f-sendsyn) and every
    /// other kind of observation are ignored.
    pub fn add(&mut self, obs: &Observation<'_>) {
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
        });
        entry.count += 1;
        if entry.hosts.insert(host) && entry.examples.len() < EXAMPLE_HOSTS {
            entry.examples.push(host);
        }
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
    // The software starts after the third colon outside a `[value]`; header values may hold
    // colons, and so may the software string.
    let mut depth = 0;
    let mut colons = 0;
    let start = raw.char_indices().find_map(|(i, c)| {
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
    });
    let Some(start) = start else {
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
             ; the hosts (s|g:class:name:flavor; HTTP: s:!:name:flavor and a sys line), then\n\
             ; add it to a copy of the database and load that with -f.",
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
                writeln!(f, "; raw_sig = {}", e.raw)?;
                if i < 2 {
                    writeln!(f, "label = s:CLASS:NAME:FLAVOR")?;
                } else {
                    writeln!(f, "label = s:!:NAME:FLAVOR\nsys = SYSTEMS")?;
                }
                writeln!(f, "sig = {sig}")?;
            }
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
