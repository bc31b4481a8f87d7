//! Software families: which User-Agents and Server headers fit which TLS stacks, and which
//! OS names one host can show at two layers. The data of p0fmod's cross-layer verdict
//! (`data/families.fp`, its grammar in that file's header and docs/database.md).
//!
//! ```
//! let f = p0fmod_db::Families::embedded();
//! let chrome = f.client_family(b"Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36").unwrap();
//! assert_eq!(f.client(chrome).name, "Chrome");
//! assert!(f.client(chrome).fits_tls("Chrome"));
//! assert!(!f.client(chrome).fits_tls("Go"));
//! ```

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::DbError;

/// The text of p0fmod's embedded families file.
pub const EMBEDDED_FAMILIES: &str = include_str!("../data/families.fp");

/// One family: a name, the software texts that name it, the TLS label names it fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    /// The name shown in verdicts.
    pub name: String,
    /// Substrings of the User-Agent (or Server header) that name the family.
    pub software: Vec<String>,
    /// Names of the TLS labels its hellos are matched as (empty: no TLS evidence).
    pub tls: Vec<String>,
    /// 1-based line of `family =` in its file.
    pub line: u32,
}

impl Family {
    /// True when a TLS label named `name` fits the family (names compared
    /// case-insensitively, as the database compares them).
    pub fn fits_tls(&self, name: &str) -> bool {
        self.tls.iter().any(|t| t.eq_ignore_ascii_case(name))
    }

    /// True when the family lists TLS labels at all.
    pub fn has_tls(&self) -> bool {
        !self.tls.is_empty()
    }
}

/// A parsed families file, with an index that finds the family a text names in one pass
/// over the text.
#[derive(Clone, Debug, Default)]
pub struct Families {
    clients: Vec<Family>,
    servers: Vec<Family>,
    same_os: Vec<Vec<String>>,
    client_index: SoftwareIndex,
    server_index: SoftwareIndex,
}

impl PartialEq for Families {
    fn eq(&self, other: &Families) -> bool {
        // The indexes are made from the families.
        (&self.clients, &self.servers, &self.same_os)
            == (&other.clients, &other.servers, &other.same_os)
    }
}

impl Eq for Families {}

/// All software texts of one section in one automaton (Aho-Corasick), so that finding
/// the family of a User-Agent reads it once instead of once per text (a User-Agent is
/// looked up on every HTTP request the verdict follows).
#[derive(Clone, Debug, Default)]
struct SoftwareIndex {
    /// `None` for a section without families.
    automaton: Option<AhoCorasick>,
    /// The family of each pattern, by pattern id.
    family_of: Vec<FamilyId>,
}

impl SoftwareIndex {
    fn new(families: &[Family]) -> SoftwareIndex {
        let mut patterns = Vec::new();
        let mut family_of = Vec::new();
        for (id, family) in families.iter().enumerate() {
            for text in &family.software {
                patterns.push(text.as_bytes());
                family_of.push(id as FamilyId);
            }
        }
        // A DFA: built once per file (a few dozen short texts), the fastest to search.
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .build(&patterns)
                .expect("a few dozen short texts fit a DFA")
        });
        SoftwareIndex {
            automaton,
            family_of,
        }
    }

    /// The first family, in file order, one of whose texts `text` contains.
    fn find(&self, text: &[u8]) -> Option<FamilyId> {
        let automaton = self.automaton.as_ref()?;
        let mut first: Option<FamilyId> = None;
        for m in automaton.find_overlapping_iter(text) {
            let id = self.family_of[m.pattern().as_usize()];
            if first.is_none_or(|f| id < f) {
                first = Some(id);
                if id == 0 {
                    break;
                }
            }
        }
        first
    }
}

/// Index of a family in [`Families::clients`] or [`Families::servers`].
pub type FamilyId = u8;

/// The most families of one section (ids are one byte).
pub const MAX_FAMILIES: usize = 255;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Client,
    Server,
    Os,
}

impl Families {
    /// The embedded families file, parsed once.
    pub fn embedded() -> &'static Families {
        static EMBEDDED: OnceLock<Families> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Families::parse(EMBEDDED_FAMILIES, "<embedded families>")
                .expect("the embedded families file parses (crates/db/tests/families.rs)")
        })
    }

    /// Parses a families file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Families, DbError> {
        let mut out = Families::default();
        let mut section = Section::None;
        for (i, raw) in text.lines().enumerate() {
            let line = i as u32 + 1;
            let err = |message: &str| DbError {
                origin: origin.to_string(),
                line,
                text: raw.to_string(),
                message: message.to_string(),
            };
            let l = raw.trim();
            if l.is_empty() || l.starts_with(';') {
                continue;
            }
            if let Some(name) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                section = match name {
                    "client" => Section::Client,
                    "server" => Section::Server,
                    "os" => Section::Os,
                    _ => return Err(err("unknown section (client, server or os)")),
                };
                continue;
            }
            let Some((key, value)) = l.split_once('=') else {
                return Err(err("expected 'key = value'"));
            };
            let (key, value) = (key.trim(), value.trim());
            let list = || -> Result<Vec<String>, DbError> {
                let items: Vec<String> = value.split(',').map(|s| s.trim().to_string()).collect();
                if items.iter().any(String::is_empty) {
                    return Err(err("empty item in list"));
                }
                Ok(items)
            };
            let families = match section {
                Section::None => return Err(err("statement outside a section")),
                Section::Os => {
                    if key != "same" {
                        return Err(err("only 'same =' in [os]"));
                    }
                    let names = list()?;
                    if names.len() < 2 {
                        return Err(err("'same =' needs two names or more"));
                    }
                    out.same_os.push(names);
                    continue;
                }
                Section::Client => &mut out.clients,
                Section::Server => &mut out.servers,
            };
            match key {
                "family" => {
                    if value.is_empty() {
                        return Err(err("empty family name"));
                    }
                    if families.len() >= MAX_FAMILIES {
                        return Err(err("too many families in one section (255 at most)"));
                    }
                    families.push(Family {
                        name: value.to_string(),
                        software: Vec::new(),
                        tls: Vec::new(),
                        line,
                    });
                }
                "sw" | "tls" => {
                    let Some(family) = families.last_mut() else {
                        return Err(err("'sw' or 'tls' before any 'family ='"));
                    };
                    let items = list()?;
                    if key == "sw" {
                        family.software.extend(items);
                    } else {
                        family.tls.extend(items);
                    }
                }
                _ => return Err(err("unknown key (family, sw or tls)")),
            }
        }
        for family in out.clients.iter().chain(&out.servers) {
            if family.software.is_empty() {
                return Err(DbError {
                    origin: origin.to_string(),
                    line: family.line,
                    text: format!("family = {}", family.name),
                    message: "family without a 'sw =' line".to_string(),
                });
            }
        }
        out.client_index = SoftwareIndex::new(&out.clients);
        out.server_index = SoftwareIndex::new(&out.servers);
        Ok(out)
    }

    /// Client families (`[client]`), in file order.
    pub fn clients(&self) -> &[Family] {
        &self.clients
    }

    /// Server families (`[server]`), in file order.
    pub fn servers(&self) -> &[Family] {
        &self.servers
    }

    /// Groups of OS names that do not contradict each other (`[os]` `same =`).
    pub fn os_groups(&self) -> &[Vec<String>] {
        &self.same_os
    }

    /// The client family a User-Agent names: the first whose software text it contains.
    pub fn client_family(&self, user_agent: &[u8]) -> Option<FamilyId> {
        self.client_index.find(user_agent)
    }

    /// The server family a Server header names.
    pub fn server_family(&self, server: &[u8]) -> Option<FamilyId> {
        self.server_index.find(server)
    }

    /// A client family by id.
    pub fn client(&self, id: FamilyId) -> &Family {
        &self.clients[usize::from(id)]
    }

    /// A server family by id.
    pub fn server(&self, id: FamilyId) -> &Family {
        &self.servers[usize::from(id)]
    }

    /// True when OS names `a` and `b` are one OS (equal, or in one `same =` group),
    /// compared case-insensitively.
    pub fn same_os(&self, a: &str, b: &str) -> bool {
        a.eq_ignore_ascii_case(b)
            || self.same_os.iter().any(|group| {
                group.iter().any(|n| n.eq_ignore_ascii_case(a))
                    && group.iter().any(|n| n.eq_ignore_ascii_case(b))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line() {
        let e = Families::parse("[client]\nsw = x\n", "t").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "'sw' or 'tls' before any 'family ='")
        );
        let e = Families::parse("family = A\n", "t").unwrap_err();
        assert_eq!(e.message, "statement outside a section");
        let e = Families::parse("[client]\nfamily = A\n", "t").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "family without a 'sw =' line")
        );
        let e = Families::parse("[os]\nsame = Linux\n", "t").unwrap_err();
        assert_eq!(e.message, "'same =' needs two names or more");
        let e = Families::parse("[client]\nfamily = A\nsw = a,,b\n", "t").unwrap_err();
        assert_eq!(e.message, "empty item in list");
        let e = Families::parse("[clients]\n", "t").unwrap_err();
        assert_eq!(e.message, "unknown section (client, server or os)");
    }

    #[test]
    fn first_family_in_file_order_wins() {
        let f = Families::parse(
            "[client]\nfamily = Chrome\nsw = Chrome/\ntls = Chrome\nfamily = Safari\nsw = Safari/\n",
            "t",
        )
        .unwrap();
        let ua = b"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";
        assert_eq!(f.client_family(ua), Some(0));
        assert_eq!(f.client_family(b"Version/17.0 Safari/605.1.15"), Some(1));
        assert_eq!(f.client_family(b"Mozilla/4.0"), None);
        assert!(!f.client(1).has_tls());
        assert!(f.client(0).fits_tls("chrome"));
    }

    /// The index answers as a scan of the families in file order would, on texts made of
    /// the embedded families' own texts (so that several families match at once).
    #[test]
    fn the_index_finds_what_a_scan_in_file_order_finds() {
        use proptest::prelude::*;
        let f = Families::embedded();
        let scan = |families: &[Family], text: &[u8]| {
            families
                .iter()
                .position(|fam| {
                    fam.software
                        .iter()
                        .any(|s| crate::matching::contains(text, s.as_bytes()))
                })
                .map(|i| i as FamilyId)
        };
        let pieces: Vec<String> = f
            .clients()
            .iter()
            .chain(f.servers())
            .flat_map(|fam| fam.software.clone())
            .chain(["Mozilla/5.0 ".to_string(), " (X11) ".to_string()])
            .collect();
        let text = proptest::collection::vec((proptest::sample::select(pieces), 0usize..3), 0..6);
        proptest!(ProptestConfig::with_cases(2000), |(parts in text)| {
            let mut t = Vec::new();
            for (piece, cut) in &parts {
                // Some pieces cut short, so that near-misses are tried too.
                t.extend_from_slice(&piece.as_bytes()[..piece.len().saturating_sub(*cut)]);
            }
            prop_assert_eq!(f.client_family(&t), scan(f.clients(), &t));
            prop_assert_eq!(f.server_family(&t), scan(f.servers(), &t));
        });
        assert_eq!(Families::default().client_family(b"Chrome/1"), None);
    }

    #[test]
    fn os_groups() {
        let f = Families::embedded();
        assert!(f.same_os("Android", "Linux") && f.same_os("linux", "Linux"));
        assert!(f.same_os("iOS", "Mac OS X"));
        assert!(!f.same_os("Windows", "Linux"));
    }
}
