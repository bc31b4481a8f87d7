//! The cross-layer verdict of a host: does what its SYN, its HTTP User-Agent (or Server
//! header) and its TLS hello say fit one machine and one program?
//!
//! Pure bookkeeping on the host record, run only when an observation changes a layer (a
//! SYN or SYN+ACK, an HTTP request or response, a TLS hello), never per packet, and with
//! no allocation: the facts are database ids and family ids, the result a status and a bit
//! set of reasons. The data that says which software fits which TLS stack and which OS
//! names are one OS is p0fmod_db's families file (crates/db/data/families.fp); which
//! systems a TLS library runs on is its label's `sys =` line in the database.

use p0fmod_db::{ClassId, Database, Families, FamilyId, LabelId, NameId, SysEntry};

use super::{Host, MatchedTcp};

/// The verdict in one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerdictStatus {
    /// At least two layers were compared and nothing contradicts.
    Consistent,
    /// Two layers contradict each other (the reasons say which).
    Contradiction,
    /// Too little evidence: no two layers could be compared.
    Unknown,
}

impl VerdictStatus {
    /// The word as written in `verdict=` and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictStatus::Consistent => "consistent",
            VerdictStatus::Contradiction => "contradiction",
            VerdictStatus::Unknown => "unknown",
        }
    }
}

/// The reasons of a verdict, as a bit set: each bit one comparison of two layers and its
/// outcome. Contradictions come first, in this order; agreements after them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct VerdictReasons(pub u16);

impl VerdictReasons {
    /// The User-Agent names another OS than the SYN shows.
    pub const UA_OS_VS_SYN: u16 = 1 << 0;
    /// The User-Agent names a program whose TLS stack is not the one of the hello.
    pub const UA_VS_TLS: u16 = 1 << 1;
    /// The TLS client does not run on the OS the SYN shows (its label's `sys =`).
    pub const TLS_VS_SYN: u16 = 1 << 2;
    /// The TLS client does not run on the OS the User-Agent names.
    pub const TLS_VS_UA_OS: u16 = 1 << 3;
    /// p0f's `dishonest`: the HTTP request's headers are not those of the software its
    /// User-Agent names.
    pub const HTTP_DISHONEST: u16 = 1 << 4;
    /// The TLS server does not run on the OS the SYN+ACK shows.
    pub const SRV_TLS_VS_SYNACK: u16 = 1 << 5;
    /// The Server header names software whose TLS stack is not the one of the hello.
    pub const SERVER_VS_TLS: u16 = 1 << 6;
    /// The User-Agent's OS is the SYN's.
    pub const UA_OS_FITS_SYN: u16 = 1 << 7;
    /// The User-Agent's program uses the hello's TLS stack.
    pub const UA_FITS_TLS: u16 = 1 << 8;
    /// The TLS client runs on the SYN's OS.
    pub const TLS_FITS_SYN: u16 = 1 << 9;
    /// The TLS client runs on the User-Agent's OS.
    pub const TLS_FITS_UA_OS: u16 = 1 << 10;
    /// The TLS server runs on the SYN+ACK's OS.
    pub const SRV_TLS_FITS_SYNACK: u16 = 1 << 11;
    /// The Server header's software uses the hello's TLS stack.
    pub const SERVER_FITS_TLS: u16 = 1 << 12;

    /// The bits that are contradictions.
    pub const CONTRADICTIONS: u16 = (1 << 7) - 1;

    const NAMES: [&'static str; 13] = [
        "ua_os_vs_syn",
        "ua_vs_tls",
        "tls_vs_syn",
        "tls_vs_ua_os",
        "http_dishonest",
        "srv_tls_vs_synack",
        "server_vs_tls",
        "ua_os_fits_syn",
        "ua_fits_tls",
        "tls_fits_syn",
        "tls_fits_ua_os",
        "srv_tls_fits_synack",
        "server_fits_tls",
    ];

    /// The reason bits in this set, one at a time, in order.
    pub fn bits(self) -> impl Iterator<Item = u16> {
        (0..Self::NAMES.len())
            .map(|i| 1u16 << i)
            .filter(move |b| self.0 & b != 0)
    }

    /// The machine-readable code of one reason bit.
    pub fn code(bit: u16) -> &'static str {
        Self::NAMES
            .get(bit.trailing_zeros() as usize)
            .copied()
            .unwrap_or("???")
    }

    /// The codes in this set, in order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        self.bits().map(Self::code)
    }

    /// True when a reason contradicts.
    pub fn is_contradiction(self) -> bool {
        self.0 & Self::CONTRADICTIONS != 0
    }
}

/// A host's verdict: its status and the comparisons that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Judgement {
    /// The status.
    pub status: VerdictStatus,
    /// The reasons: for a contradiction, the contradictions; else the agreements.
    pub reasons: VerdictReasons,
}

/// What the verdict keeps on a host besides p0f's record: the last HTTP facts (the
/// other layers are p0f's SYN and SYN+ACK records and the TLS labels) and the last
/// verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerdictState {
    /// The OS the last User-Agent named (the database's `ua_os`).
    pub ua_os: Option<NameId>,
    /// That OS's class, when a database label gives it one.
    pub ua_class: Option<ClassId>,
    /// The client family the last User-Agent named.
    pub ua_family: Option<FamilyId>,
    /// p0f's `dishonest` on the last request with a User-Agent.
    pub dishonest: bool,
    /// The server family the last Server header named.
    pub server_family: Option<FamilyId>,
    /// The last verdict, `None` before the first.
    pub last: Option<Judgement>,
    /// [`text_key`] of the last User-Agent noted (0: none yet): a host that repeats its
    /// User-Agent, as most do, is not looked up again.
    pub ua_key: u64,
    /// [`text_key`] of the last Server header noted (0: none yet).
    pub server_key: u64,
}

/// A 64-bit key of a header value, to tell whether a host sent the same value again
/// (FxHash's multiply-rotate over 8-byte words, then the length; never 0). Not a defence
/// against collisions: a host that made two of its own values collide would only keep its
/// earlier family.
pub fn text_key(text: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = 0;
    let mut words = text.chunks_exact(8);
    for w in &mut words {
        let word = u64::from_le_bytes(w.try_into().unwrap_or_default());
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    h = (h.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h = (h.rotate_left(5) ^ text.len() as u64).wrapping_mul(K);
    h.max(1)
}

impl VerdictState {
    /// Notes an HTTP request's User-Agent (a request without one changes nothing).
    pub fn on_user_agent(
        &mut self,
        db: &Database,
        families: &Families,
        user_agent: &[u8],
        dishonest: bool,
    ) {
        self.dishonest = dishonest;
        let key = text_key(user_agent);
        if key == self.ua_key {
            return;
        }
        self.ua_key = key;
        self.ua_os = db.ua_os_lookup(user_agent);
        self.ua_class = self.ua_os.and_then(|name| os_class(db, name));
        self.ua_family = families.client_family(user_agent);
    }

    /// Notes an HTTP response's Server header.
    pub fn on_server(&mut self, families: &Families, server: &[u8]) {
        let key = text_key(server);
        if key != self.server_key {
            self.server_key = key;
            self.server_family = families.server_family(server);
        }
    }
}

/// The class of an OS name: that of the first OS label with that name.
fn os_class(db: &Database, name: NameId) -> Option<ClassId> {
    db.labels
        .iter()
        .find(|l| l.name == name && l.class.is_some())
        .and_then(|l| l.class)
}

/// The OS of a SYN or SYN+ACK record (userland matches are not kept there).
fn tcp_os(m: Option<MatchedTcp>) -> Option<(NameId, ClassId)> {
    let m = m?;
    Some((m.name, m.class?))
}

/// Whether the `sys =` list of `label` admits an OS (by name or class). `None` when the
/// label has no list (nothing to compare).
fn runs_on(
    db: &Database,
    families: &Families,
    label: LabelId,
    name: NameId,
    class: Option<ClassId>,
) -> Option<bool> {
    let sys = &db.label(label).sys;
    if sys.is_empty() {
        return None;
    }
    Some(sys.iter().any(|entry| match *entry {
        SysEntry::Class(c) => Some(c) == class,
        SysEntry::Name(n) => n == name || families.same_os(db.name(n), db.name(name)),
    }))
}

/// Judges a host from the layers it has shown so far.
pub fn judge(db: &Database, families: &Families, host: &Host) -> Judgement {
    let v = &host.verdict;
    let mut bits = if v.dishonest {
        VerdictReasons::HTTP_DISHONEST
    } else {
        0
    };
    let mut mark = |fits: bool, good: u16, bad: u16| bits |= if fits { good } else { bad };
    let syn = tcp_os(host.last_syn.and_then(|s| s.matched));
    let synack = tcp_os(host.last_synack.and_then(|s| s.matched));
    let tls_client = host.tls_client.map(|(id, _)| id);
    let tls_server = host.tls_server.map(|(id, _)| id);

    if let (Some(ua), Some((os, _))) = (v.ua_os, syn) {
        let same = families.same_os(db.name(ua), db.name(os));
        mark(
            same,
            VerdictReasons::UA_OS_FITS_SYN,
            VerdictReasons::UA_OS_VS_SYN,
        );
    }
    if let Some(tls) = tls_client {
        let tls_name = db.name(db.label(tls).name);
        if let Some(family) = v.ua_family.map(|f| families.client(f))
            && family.has_tls()
        {
            mark(
                family.fits_tls(tls_name),
                VerdictReasons::UA_FITS_TLS,
                VerdictReasons::UA_VS_TLS,
            );
        }
        if let Some((os, class)) = syn
            && let Some(fits) = runs_on(db, families, tls, os, Some(class))
        {
            mark(
                fits,
                VerdictReasons::TLS_FITS_SYN,
                VerdictReasons::TLS_VS_SYN,
            );
        }
        if let Some(ua) = v.ua_os
            && let Some(fits) = runs_on(db, families, tls, ua, v.ua_class)
        {
            mark(
                fits,
                VerdictReasons::TLS_FITS_UA_OS,
                VerdictReasons::TLS_VS_UA_OS,
            );
        }
    }
    if let Some(tls) = tls_server {
        if let Some((os, class)) = synack
            && let Some(fits) = runs_on(db, families, tls, os, Some(class))
        {
            mark(
                fits,
                VerdictReasons::SRV_TLS_FITS_SYNACK,
                VerdictReasons::SRV_TLS_VS_SYNACK,
            );
        }
        if let Some(family) = v.server_family.map(|f| families.server(f))
            && family.has_tls()
        {
            mark(
                family.fits_tls(db.name(db.label(tls).name)),
                VerdictReasons::SERVER_FITS_TLS,
                VerdictReasons::SERVER_VS_TLS,
            );
        }
    }
    let reasons = VerdictReasons(bits);
    if reasons.is_contradiction() {
        Judgement {
            status: VerdictStatus::Contradiction,
            reasons: VerdictReasons(bits & VerdictReasons::CONTRADICTIONS),
        }
    } else if bits != 0 {
        Judgement {
            status: VerdictStatus::Consistent,
            reasons,
        }
    } else {
        Judgement {
            status: VerdictStatus::Unknown,
            reasons,
        }
    }
}

/// Judges a host again after one of its layers changed and keeps the result. Returns the
/// verdict when it is news: a change of status or reasons (the first verdict only when it
/// is more than `unknown`).
pub fn update(db: &Database, families: &Families, host: &mut Host) -> Option<Judgement> {
    let now = judge(db, families, host);
    let before = host.verdict.last.replace(now);
    match before {
        None if now.status == VerdictStatus::Unknown => None,
        Some(b) if b == now => None,
        _ => Some(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bit_has_a_code_and_contradictions_come_first() {
        let all = VerdictReasons((1 << VerdictReasons::NAMES.len()) - 1);
        let codes: Vec<&str> = all.names().collect();
        assert_eq!(codes.len(), 13);
        for (i, code) in codes.iter().enumerate() {
            let contradiction = VerdictReasons(1 << i).is_contradiction();
            assert_eq!(contradiction, !code.contains("_fits_"), "{code}");
        }
        assert_eq!(VerdictReasons::code(VerdictReasons::UA_VS_TLS), "ua_vs_tls");
        assert_eq!(
            VerdictReasons::code(VerdictReasons::SERVER_FITS_TLS),
            "server_fits_tls"
        );
    }

    fn host() -> Host {
        Host::new("192.0.2.1".parse().unwrap(), 0)
    }

    #[test]
    fn a_host_with_nothing_to_compare_is_unknown_and_not_reported() {
        let db = Database::embedded();
        let families = Families::embedded();
        let mut h = host();
        assert_eq!(
            judge(&db, families, &h),
            Judgement {
                status: VerdictStatus::Unknown,
                reasons: VerdictReasons(0)
            }
        );
        assert_eq!(update(&db, families, &mut h), None);
        assert!(h.verdict.last.is_some());
        // A User-Agent alone (nothing to compare it with) is still unknown.
        h.verdict
            .on_user_agent(&db, families, b"curl/7.88.1", false);
        assert_eq!(update(&db, families, &mut h), None);
    }

    /// A repeated User-Agent is not looked up again, and any change, even of its last byte
    /// or its length, is.
    #[test]
    fn user_agents_are_looked_up_again_only_when_they_change() {
        let db = Database::embedded();
        let families = Families::embedded();
        let mut h = host();
        let firefox = b"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        h.verdict.on_user_agent(&db, families, firefox, false);
        let noted = h.verdict;
        assert!(noted.ua_family.is_some() && noted.ua_os.is_some());
        h.verdict.on_user_agent(&db, families, firefox, true);
        assert_eq!(
            (h.verdict.ua_family, h.verdict.ua_os),
            (noted.ua_family, noted.ua_os)
        );
        assert!(
            h.verdict.dishonest,
            "the request's own flag is always noted"
        );
        for other in [
            &b"curl/7.88.1"[..],
            b"Go-http-client/1.1",
            b"Go-http-client/1.",
            b"",
        ] {
            h.verdict.on_user_agent(&db, families, other, false);
            assert_eq!(
                (h.verdict.ua_family, h.verdict.ua_os),
                (families.client_family(other), db.ua_os_lookup(other)),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
        let keys: Vec<u64> = [
            &b""[..],
            b"a",
            b"b",
            b"a\0",
            b"12345678",
            b"123456789",
            b"12345679",
        ]
        .iter()
        .map(|t| text_key(t))
        .collect();
        let mut distinct = keys.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), keys.len(), "{keys:?}");
        assert!(keys.iter().all(|&k| k != 0));
    }

    #[test]
    fn user_agent_against_tls_label_by_family() {
        let db = Database::embedded();
        let families = Families::embedded();
        let label = |name: &str| {
            db.tls_request
                .iter()
                .map(|s| s.label)
                .find(|&l| db.name(db.label(l).name) == name)
                .unwrap()
        };
        let mut h = host();
        h.tls_client = Some((label("Go"), false));
        h.verdict
            .on_user_agent(&db, families, b"Go-http-client/1.1", false);
        let j = update(&db, families, &mut h).expect("news");
        assert_eq!(j.status, VerdictStatus::Consistent);
        assert_eq!(j.reasons.0, VerdictReasons::UA_FITS_TLS);
        // Judged again with nothing new: no news.
        assert_eq!(update(&db, families, &mut h), None);
        // The same hello under a browser's User-Agent.
        h.verdict.on_user_agent(
            &db,
            families,
            b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
            false,
        );
        let j = update(&db, families, &mut h).expect("news");
        assert_eq!(j.status, VerdictStatus::Contradiction);
        assert_eq!(j.reasons.0, VerdictReasons::UA_VS_TLS);
        // GnuTLS (sys = @unix) under that Windows User-Agent: both contradictions.
        h.tls_client = Some((label("GnuTLS"), false));
        let j = update(&db, families, &mut h).expect("news");
        assert_eq!(
            j.reasons.0,
            VerdictReasons::UA_VS_TLS | VerdictReasons::TLS_VS_UA_OS
        );
        // A Safari User-Agent names a family without TLS evidence: not compared.
        h.tls_client = Some((label("Chrome"), false));
        h.verdict.on_user_agent(
            &db,
            families,
            b"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Version/17.5 Safari/605.1.15",
            false,
        );
        let j = judge(&db, families, &h);
        assert_eq!(
            j.reasons.0 & (VerdictReasons::UA_VS_TLS | VerdictReasons::UA_FITS_TLS),
            0
        );
    }
}
