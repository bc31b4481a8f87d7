//! p0f's matching rules: TCP (spec §6.2, §6.3), HTTP (§9.5), and the duplicate checks that
//! run the same rules at load time (§6.4, §11.5).
//!
//! Matching runs for every SYN, SYN+ACK and HTTP message, so nothing here allocates: TCP
//! candidates come from the option-layout index built at load, and HTTP candidates are
//! walked in file order in place, each first checked against bit sets of header names
//! (made at load) before the ordered walk.

use hashbrown::HashMap;

use p0fmod_wire::{IpVersion, Quirks};

use crate::types::HeaderSet;
use crate::{Database, Direction, HeaderId, HttpSignature, PayloadClass, TcpSignature, WindowSpec};

/// Largest TTL distance allowed for a non-fuzzy match (p0f's `MAX_DIST`).
const MAX_DIST: u8 = 35;

/// Quirks a fuzzy candidate may have that the packet lacks.
const FUZZY_DELETED: u32 = Quirks::DF.0 | Quirks::NZ_ID.0;
/// Quirks a packet may have that a fuzzy candidate lacks.
const FUZZY_ADDED: u32 = Quirks::ZERO_ID.0 | Quirks::ECN.0;
/// Quirks that only exist for IPv4, masked out of `*` signatures for IPv6 packets.
const IPV4_ONLY: Quirks = Quirks(Quirks::DF.0 | Quirks::NZ_ID.0 | Quirks::ZERO_ID.0);

/// What a window size is a multiple of (spec §6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowMode {
    /// A multiple of an MSS.
    Mss,
    /// A multiple of an MTU.
    Mtu,
}

/// The facts of one SYN or SYN+ACK that TCP matching needs.
#[derive(Clone, Copy, Debug)]
pub struct TcpObservation<'a> {
    /// IP version.
    pub version: IpVersion,
    /// Observed TTL.
    pub ttl: u8,
    /// IP options length.
    pub ip_opt_len: u8,
    /// MSS (0 if absent).
    pub mss: u16,
    /// Window.
    pub win: u16,
    /// Window scale (0 if absent).
    pub wscale: u8,
    /// Option kinds in order (an EOL is kind 0).
    pub opt_layout: &'a [u8],
    /// Padding after EOL.
    pub eol_pad: u8,
    /// Quirks.
    pub quirks: Quirks,
    /// Payload present.
    pub has_payload: bool,
    /// Own timestamp (0 if absent).
    pub ts1: u32,
    /// IP + TCP header length.
    pub tot_hdr: u16,
    /// For a SYN+ACK: the MSS of the flow's SYN; 0 for a SYN.
    pub peer_mss: u16,
}

/// The answer of TCP matching.
#[derive(Clone, Copy, Debug)]
pub struct TcpMatch<'db> {
    /// The matched signature, if any.
    pub signature: Option<&'db TcpSignature>,
    /// The match is fuzzy.
    pub fuzzy: bool,
    /// The distance p0f reports (`dist=`). For a bad-TTL signature (`N-`) p0f prints it as
    /// `<= distance`.
    pub distance: u8,
}

/// p0f's distance guess from a TTL: the next of 32, 64, 128, 255 minus the TTL.
pub fn guess_distance(ttl: u8) -> u8 {
    match ttl {
        0..=32 => 32 - ttl,
        33..=64 => 64 - ttl,
        65..=128 => 128 - ttl,
        _ => 255 - ttl,
    }
}

/// p0f's window-multiplier detection (spec §6.2): `Some((mode, N))` when the window is
/// N times an MSS or MTU candidate. N is a signed 16-bit value, as in p0f: a tiny peer MSS
/// can make it negative or wrap it.
pub fn window_multiplier(obs: &TcpObservation<'_>) -> Option<(WindowMode, i16)> {
    multiplier(
        obs.win,
        obs.mss,
        obs.ts1 != 0,
        obs.version == IpVersion::V6,
        obs.tot_hdr,
        obs.peer_mss,
    )
}

/// The divisor table of §6.2, tried in order.
fn multiplier(
    win: u16,
    mss: u16,
    has_ts: bool,
    ipv6: bool,
    tot_hdr: u16,
    peer_mss: u16,
) -> Option<(WindowMode, i16)> {
    use WindowMode::{Mss, Mtu};
    if win == 0 || mss < 100 {
        return None;
    }
    let w = i32::from(win);
    let m = i32::from(mss);
    let p = i32::from(peer_mss);
    let divisors: [(bool, i32, WindowMode); 12] = [
        (true, m, Mss),
        (has_ts, m - 12, Mss),
        (true, 1460, Mss),
        (true, 1448, Mss),
        (ipv6, 1440, Mss),
        (ipv6, 1428, Mss),
        (true, m + 40, Mtu),
        (true, m + i32::from(tot_hdr), Mtu),
        (ipv6, m + 60, Mtu),
        (true, 1500, Mtu),
        (p != 0, p, Mss),
        (p != 0, p - 12, Mss),
    ];
    divisors
        .into_iter()
        .find(|&(used, d, _)| used && d != 0 && w % d == 0)
        // The truncation to 16 bits is p0f's.
        .map(|(_, d, mode)| (mode, (w / d) as i16))
}

/// What a TCP signature is compared with: a packet, or (at load time) a new signature.
struct Probe {
    /// Mask `*`-version candidates as for IPv4 (drop `flow`); otherwise as for IPv6.
    ipv4: bool,
    ttl: u8,
    ip_opt_len: u8,
    eol_pad: u8,
    quirks: Quirks,
    /// `None` only for a signature's `*`.
    mss: Option<u16>,
    /// `None` only for a signature's `*`.
    wscale: Option<u8>,
    payload: PayloadClass,
    /// A packet's window is always literal.
    window: WindowSpec,
    multiplier: Option<(WindowMode, i16)>,
}

impl Probe {
    /// A signature seen as a packet, for the duplicate check.
    fn of_signature(sig: &TcpSignature) -> Probe {
        let multiplier = match (sig.window, sig.mss) {
            (WindowSpec::Literal(win), Some(mss)) => {
                multiplier(win, mss, false, sig.version == Some(IpVersion::V6), 0, 0)
            }
            _ => None,
        };
        Probe {
            ipv4: sig.version == Some(IpVersion::V4),
            ttl: sig.ttl,
            ip_opt_len: sig.ip_opt_len,
            eol_pad: sig.eol_pad,
            quirks: sig.quirks,
            mss: sig.mss,
            wscale: sig.wscale,
            payload: sig.payload_class,
            window: sig.window,
            multiplier,
        }
    }
}

/// The outcome of one pass over the candidates of a layout (indices into the direction's
/// signature list).
#[derive(Default)]
struct Scan {
    /// The first specific, non-fuzzy match (the scan stops there).
    exact: Option<u32>,
    /// The first generic, non-fuzzy match.
    generic: Option<u32>,
    /// The first fuzzy match.
    fuzzy: Option<u32>,
}

/// The load-time index of the duplicate check (§6.4): the specific signatures added so
/// far, by direction and option layout, then by every field a covering signature must
/// share with the new one. A bucket holds at most one signature per TTL and `N-` form that
/// is not `%N`, since a later one with the same key would be covered; so a check costs a
/// few dozen lookups and short scans, whatever the size of the database.
#[derive(Default)]
pub(crate) struct CoverIndex {
    request: HashMap<Vec<u8>, HashMap<CoverKey, Vec<u32>>>,
    response: HashMap<Vec<u8>, HashMap<CoverKey, Vec<u32>>>,
}

/// What a covering signature shares with the signature checked (as filed for an IPv4 or
/// another probe, since `*`-version quirks are masked by the probe's family).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct CoverKey {
    ipv4: bool,
    eol_pad: u8,
    ip_opt_len: u8,
    /// The quirks after the masking the probe's family applies.
    quirks: u32,
    mss: Option<u16>,
    wscale: Option<u8>,
    payload: PayloadClass,
    window: WindowKey,
}

/// A window field as the index files it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum WindowKey {
    /// `*`.
    Any,
    /// Any `%N` (whether it fits is left to the scan).
    Modulo,
    /// A literal window, `mss*N` or `mtu*N`.
    Exact(WindowSpec),
}

impl WindowKey {
    fn of(window: WindowSpec) -> WindowKey {
        match window {
            WindowSpec::Any => WindowKey::Any,
            WindowSpec::Modulo(_) => WindowKey::Modulo,
            other => WindowKey::Exact(other),
        }
    }
}

impl CoverIndex {
    /// Files signature `i` of `direction` (a specific one: generic signatures never cover).
    pub(crate) fn insert(&mut self, direction: Direction, i: u32, sig: &TcpSignature) {
        let layouts = match direction {
            Direction::Request => &mut self.request,
            Direction::Response => &mut self.response,
        };
        let buckets = layouts.entry(sig.opt_layout.clone()).or_default();
        for ipv4 in [true, false] {
            let quirks = match (sig.version, ipv4) {
                (Some(_), _) => sig.quirks,
                (None, true) => sig.quirks.without(Quirks::FLOW),
                (None, false) => sig.quirks.without(IPV4_ONLY),
            };
            let key = CoverKey {
                ipv4,
                eol_pad: sig.eol_pad,
                ip_opt_len: sig.ip_opt_len,
                quirks: quirks.0,
                mss: sig.mss,
                wscale: sig.wscale,
                payload: sig.payload_class,
                window: WindowKey::of(sig.window),
            };
            buckets.entry(key).or_default().push(i);
        }
    }
}

impl Database {
    /// Matches a SYN (`Direction::Request`) or SYN+ACK (`Direction::Response`) against the
    /// database, with p0f's best-match rule (spec §6.3): the first specific exact match in
    /// file order wins, else the first generic exact match, else the first fuzzy match.
    /// A fuzzy match with a userland (`!`) signature gives no match and distance 0.
    pub fn match_tcp(&self, direction: Direction, obs: &TcpObservation<'_>) -> TcpMatch<'_> {
        let sigs = self.tcp(direction);
        let Some(candidates) = self.tcp_index(direction).get(obs.opt_layout) else {
            return TcpMatch {
                signature: None,
                fuzzy: false,
                distance: guess_distance(obs.ttl),
            };
        };
        let probe = Probe {
            ipv4: obs.version == IpVersion::V4,
            ttl: obs.ttl,
            ip_opt_len: obs.ip_opt_len,
            eol_pad: obs.eol_pad,
            quirks: obs.quirks,
            mss: Some(obs.mss),
            wscale: Some(obs.wscale),
            payload: if obs.has_payload {
                PayloadClass::NonZero
            } else {
                PayloadClass::Zero
            },
            window: WindowSpec::Literal(obs.win),
            multiplier: window_multiplier(obs),
        };
        let scan = self.scan_tcp(sigs, candidates, &probe);
        let ttl = obs.ttl;
        if let Some(i) = scan.exact.or(scan.generic) {
            let sig = &sigs[i as usize];
            return TcpMatch {
                signature: Some(sig),
                fuzzy: false,
                distance: sig.ttl - ttl,
            };
        }
        let fuzzy = scan.fuzzy.map(|i| &sigs[i as usize]);
        if let Some(sig) = fuzzy
            && self.label(sig.label).is_userland()
        {
            return TcpMatch {
                signature: None,
                fuzzy: false,
                distance: 0,
            };
        }
        let distance = match fuzzy {
            Some(sig) if sig.ttl >= ttl && (sig.bad_ttl || sig.ttl - ttl <= MAX_DIST) => {
                sig.ttl - ttl
            }
            _ => guess_distance(ttl),
        };
        TcpMatch {
            signature: fuzzy,
            fuzzy: fuzzy.is_some(),
            distance,
        }
    }

    /// One pass of §6.3 over the candidates, in file order.
    fn scan_tcp(&self, sigs: &[TcpSignature], candidates: &[u32], probe: &Probe) -> Scan {
        let mut scan = Scan::default();
        for &i in candidates {
            let r = &sigs[i as usize];
            let mut quirks = r.quirks;
            if r.version.is_none() {
                quirks = if probe.ipv4 {
                    quirks.without(Quirks::FLOW)
                } else {
                    quirks.without(IPV4_ONLY)
                };
            }
            let mut fuzzy = false;
            if quirks != probe.quirks {
                let deleted = quirks.0 & !probe.quirks.0;
                let added = probe.quirks.0 & !quirks.0;
                if scan.fuzzy.is_some()
                    || deleted & !FUZZY_DELETED != 0
                    || added & !FUZZY_ADDED != 0
                {
                    continue;
                }
                fuzzy = true;
            }
            if r.eol_pad != probe.eol_pad || r.ip_opt_len != probe.ip_opt_len {
                continue;
            }
            if r.bad_ttl {
                if r.ttl < probe.ttl {
                    continue;
                }
            } else if r.ttl < probe.ttl || r.ttl - probe.ttl > MAX_DIST {
                fuzzy = true;
            }
            if r.mss.is_some() && r.mss != probe.mss
                || r.wscale.is_some() && r.wscale != probe.wscale
                || r.payload_class != PayloadClass::Any && r.payload_class != probe.payload
                || !window_fits(r.window, probe)
            {
                continue;
            }
            if fuzzy {
                scan.fuzzy.get_or_insert(i);
            } else if self.label(r.label).generic {
                scan.generic.get_or_insert(i);
            } else {
                scan.exact = Some(i);
                break;
            }
        }
        scan
    }

    /// The earlier signature of the direction that already covers `sig` (spec §6.4): the
    /// first specific, non-fuzzy match when `sig` itself is run through the matcher.
    /// Only the signatures already added to `cover` are considered; the index hands over
    /// just the candidates that can match, so the check costs about the same for the
    /// first signature and the hundred-thousandth.
    pub(crate) fn tcp_covered_by(
        &self,
        direction: Direction,
        sig: &TcpSignature,
        cover: &CoverIndex,
    ) -> Option<u32> {
        let layouts = match direction {
            Direction::Request => &cover.request,
            Direction::Response => &cover.response,
        };
        let buckets = layouts.get(sig.opt_layout.as_slice())?;
        let probe = Probe::of_signature(sig);
        // Every key under which a fitting earlier signature can be filed: its MSS, scale
        // and payload either equal the probe's or are `*`; its window is `*`, `%N` (checked
        // by the scan), or the one spelling the probe's window fits.
        let mut windows = [None; 4];
        match probe.window {
            WindowSpec::Literal(_) => {
                windows[0] = Some(WindowKey::Any);
                windows[1] = Some(WindowKey::Modulo);
                windows[2] = Some(WindowKey::Exact(probe.window));
                windows[3] = match probe.multiplier {
                    Some((WindowMode::Mss, k)) => u16::try_from(k)
                        .ok()
                        .map(|k| WindowKey::Exact(WindowSpec::MssMultiple(k))),
                    Some((WindowMode::Mtu, k)) => u16::try_from(k)
                        .ok()
                        .map(|k| WindowKey::Exact(WindowSpec::MtuMultiple(k))),
                    None => None,
                };
            }
            other => windows[0] = Some(WindowKey::of(other)),
        }
        let either = |x| {
            if x == PayloadClass::Any {
                [Some(x), None]
            } else {
                [Some(x), Some(PayloadClass::Any)]
            }
        };
        let sigs = self.tcp(direction);
        let mut first: Option<u32> = None;
        for mss in [probe.mss, None]
            .into_iter()
            .take(1 + usize::from(probe.mss.is_some()))
        {
            for wscale in [probe.wscale, None]
                .into_iter()
                .take(1 + usize::from(probe.wscale.is_some()))
            {
                for payload in either(probe.payload).into_iter().flatten() {
                    for window in windows.into_iter().flatten() {
                        let key = CoverKey {
                            ipv4: probe.ipv4,
                            eol_pad: probe.eol_pad,
                            ip_opt_len: probe.ip_opt_len,
                            quirks: probe.quirks.0,
                            mss,
                            wscale,
                            payload,
                            window,
                        };
                        let Some(candidates) = buckets.get(&key) else {
                            continue;
                        };
                        if let Some(i) = self.scan_tcp(sigs, candidates, &probe).exact {
                            first = Some(first.map_or(i, |f| f.min(i)));
                        }
                    }
                }
            }
        }
        first.map(|i| sigs[i as usize].line)
    }

    /// Matches an HTTP request or response against the database (spec §9.5): the first
    /// specific signature that fits, in file order, else the first generic one.
    pub fn match_http(&self, direction: Direction, obs: &HttpObservation<'_>) -> HttpMatch<'_> {
        let mut names = HeaderSet::default();
        for id in obs.headers.iter().filter_map(|h| h.id) {
            names.insert(id);
        }
        let presence = self.http_presence(direction);
        let mut generic = None;
        for (i, r) in self.http(direction).iter().enumerate() {
            // Signatures pushed onto the public list after loading have no masks.
            let may_fit = presence.get(i).is_none_or(|p| p.may_fit(&names));
            if !may_fit || r.version.is_some_and(|v| v != obs.version) || !http_fits(r, obs.headers)
            {
                continue;
            }
            if self.label(r.label).generic {
                generic.get_or_insert(r);
            } else {
                return http_answer(r, obs);
            }
        }
        match generic {
            Some(r) => http_answer(r, obs),
            None => HttpMatch {
                signature: None,
                dishonest: false,
            },
        }
    }

    /// The loaded specific signature of the direction that already covers `sig` (spec
    /// §11.5): `sig` is matched as if it were a message, and the loaded signature's absent
    /// list must also be a subset of `sig`'s.
    pub(crate) fn http_covered_by(&self, direction: Direction, sig: &HttpSignature) -> Option<u32> {
        self.http(direction)
            .iter()
            .find(|r| {
                !self.label(r.label).generic
                    && (r.version.is_none() || r.version == sig.version)
                    && r.absent.iter().all(|a| sig.absent.contains(a))
                    && http_fits(r, sig)
            })
            .map(|r| r.line)
    }
}

/// The match for `r`, with the dishonesty verdict.
fn http_answer<'db>(r: &'db HttpSignature, obs: &HttpObservation<'_>) -> HttpMatch<'db> {
    let dishonest = match (&r.expected_sw, obs.software) {
        (Some(expected), Some(sw)) => !contains(sw, expected.as_bytes()),
        _ => false,
    };
    HttpMatch {
        signature: Some(r),
        dishonest,
    }
}

/// The headers of a message, as HTTP matching sees them.
trait HeaderList {
    /// Number of headers.
    fn count(&self) -> usize;
    /// The id of header `i` (`None` for an unknown name).
    fn id(&self, i: usize) -> Option<HeaderId>;
    /// The value of header `i`, if it has one.
    fn value(&self, i: usize) -> Option<&[u8]>;
    /// Whether header `i` counts for the "must be present" and "must be absent" checks.
    fn counts_as_present(&self, i: usize) -> bool;
}

impl HeaderList for [ObservedHeader<'_>] {
    fn count(&self) -> usize {
        self.len()
    }
    fn id(&self, i: usize) -> Option<HeaderId> {
        self[i].id
    }
    fn value(&self, i: usize) -> Option<&[u8]> {
        self[i].value
    }
    fn counts_as_present(&self, _: usize) -> bool {
        true
    }
}

/// A signature seen as a message (duplicate check): its optional headers take part in the
/// ordered walk but not in the presence checks, as in p0f.
impl HeaderList for HttpSignature {
    fn count(&self) -> usize {
        self.headers.len()
    }
    fn id(&self, i: usize) -> Option<HeaderId> {
        Some(self.headers[i].id)
    }
    fn value(&self, i: usize) -> Option<&[u8]> {
        self.headers[i].value.as_deref().map(str::as_bytes)
    }
    fn counts_as_present(&self, i: usize) -> bool {
        !self.headers[i].optional
    }
}

/// Steps 2 to 4 of §9.5: mandatory headers present, the ordered walk, absent headers.
fn http_fits<H: HeaderList + ?Sized>(r: &HttpSignature, msg: &H) -> bool {
    let n = msg.count();
    let present = |id: HeaderId| (0..n).any(|i| msg.counts_as_present(i) && msg.id(i) == Some(id));
    if r.headers.iter().any(|h| !h.optional && !present(h.id)) {
        return false;
    }
    let mut cursor = 0;
    for h in &r.headers {
        match (cursor..n).find(|&i| msg.id(i) == Some(h.id)) {
            Some(i) => {
                if let Some(want) = &h.value {
                    match msg.value(i) {
                        Some(have) if contains(have, want.as_bytes()) => {}
                        _ => return false,
                    }
                }
                cursor = i + 1;
            }
            None => {
                if !h.optional || (0..n).any(|i| msg.id(i) == Some(h.id)) {
                    return false;
                }
            }
        }
    }
    !r.absent.iter().any(|&a| present(a))
}

/// True when `needle` occurs in `haystack` (case-sensitive; an empty needle always does).
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// Window rule of §6.3 step 6 (and of §6.4 for a non-literal window at load time).
fn window_fits(r: WindowSpec, probe: &Probe) -> bool {
    let WindowSpec::Literal(win) = probe.window else {
        return r == probe.window;
    };
    let multiple = |mode: WindowMode, n: u16| {
        probe
            .multiplier
            .is_some_and(|(m, k)| m == mode && i32::from(k) == i32::from(n))
    };
    match r {
        WindowSpec::Any => true,
        WindowSpec::Literal(w) => w == win,
        WindowSpec::Modulo(n) => n != 0 && win % n == 0,
        WindowSpec::MssMultiple(n) => multiple(WindowMode::Mss, n),
        WindowSpec::MtuMultiple(n) => multiple(WindowMode::Mtu, n),
    }
}

/// One header of an observed HTTP message.
#[derive(Clone, Copy, Debug)]
pub struct ObservedHeader<'a> {
    /// The id of the name, if the name is known.
    pub id: Option<HeaderId>,
    /// The name as sent.
    pub name: &'a [u8],
    /// The value, `None` when empty.
    pub value: Option<&'a [u8]>,
}

/// The facts of one HTTP message that matching needs.
#[derive(Clone, Copy, Debug)]
pub struct HttpObservation<'a> {
    /// HTTP minor version (0 or 1).
    pub version: u8,
    /// Headers in packet order.
    pub headers: &'a [ObservedHeader<'a>],
    /// The User-Agent (request) or Server (response) value, if any.
    pub software: Option<&'a [u8]>,
}

/// The answer of HTTP matching.
#[derive(Clone, Copy, Debug)]
pub struct HttpMatch<'db> {
    /// The matched signature, if any.
    pub signature: Option<&'db HttpSignature>,
    /// The software string does not contain the signature's expected software.
    pub dishonest: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One TCP signature from a small domain, so that many cover one another.
    fn small_sig() -> impl Strategy<Value = (bool, String)> {
        let version = prop::sample::select(vec!["4", "6", "*"]);
        let ttl = prop::sample::select(vec!["64", "60", "128", "64-", "30"]);
        let mss = prop::sample::select(vec!["*", "1460", "1400"]);
        let window = prop::sample::select(vec![
            "*", "8192", "2920", "%8", "%1460", "mss*2", "mss*4", "mtu*2",
        ]);
        let scale = prop::sample::select(vec!["*", "0", "7"]);
        let layout = prop::sample::select(vec!["mss,sok,ts", "mss,nop,ws"]);
        let quirks = prop::sample::select(vec!["", "df", "df,id+", "flow", "df,flow"]);
        let payload = prop::sample::select(vec!["0", "+", "*"]);
        (
            any::<bool>(),
            version,
            ttl,
            mss,
            window,
            scale,
            layout,
            quirks,
            payload,
        )
            .prop_map(|(generic, v, t, m, w, s, l, q, p)| {
                let q = if v == "6" {
                    q.replace("df,id+", "").replace("df", "")
                } else {
                    q.to_string()
                };
                let q = if v == "4" {
                    q.replace("flow", "").trim_matches(',').to_string()
                } else {
                    q
                };
                (
                    generic,
                    format!("{v}:{t}:0:{m}:{w},{s}:{l}:{}:{p}", q.trim_matches(',')),
                )
            })
    }

    proptest! {
        /// The indexed duplicate check finds exactly what a scan of every earlier signature
        /// of the layout (the previous, quadratic algorithm) finds.
        #[test]
        fn cover_index_agrees_with_the_full_scan(sigs in prop::collection::vec(small_sig(), 1..60)) {
            let mut text = String::from("classes = unix\n[tcp:request]\n");
            for (generic, sig) in &sigs {
                text.push_str(&format!("label = {}:unix:X:1\nsig = {sig}\n", if *generic { "g" } else { "s" }));
            }
            let (db, errors) = match crate::Database::parse(&text, "t") {
                Ok(db) => (db, Vec::new()),
                Err(e) => {
                    // Parse again without the refused lines to get the accepted signatures.
                    let refused: Vec<u32> = e.0.iter().map(|e| e.line).collect();
                    let kept: String = text
                        .split('\n')
                        .enumerate()
                        .map(|(i, l)| if refused.contains(&(i as u32 + 1)) { "" } else { l })
                        .collect::<Vec<_>>()
                        .join("\n");
                    (crate::Database::parse(&kept, "t").expect("the rest loads"), e.0)
                }
            };
            let sigs = db.tcp(Direction::Request);
            for (k, line) in text.split('\n').enumerate() {
                let Some(value) = line.strip_prefix("sig = ") else {
                    continue;
                };
                let k = k as u32 + 1;
                let sig = crate::parse::parse_tcp_sig(value).expect("generated signatures parse");
                let earlier: Vec<u32> = db
                    .tcp_index(Direction::Request)
                    .get(sig.opt_layout.as_slice())
                    .map(|c| c.iter().copied().filter(|&i| sigs[i as usize].line < k).collect())
                    .unwrap_or_default();
                let expected = db.scan_tcp(sigs, &earlier, &Probe::of_signature(&sig)).exact.map(|i| sigs[i as usize].line);
                let got = errors.iter().find(|e| e.line == k).map(|e| e.message.clone());
                let want = expected.map(|line| format!("Signature in line {k} is already covered by line {line}."));
                prop_assert_eq!(got, want, "line {}", k);
            }
        }
    }

    fn obs(win: u16, mss: u16) -> TcpObservation<'static> {
        TcpObservation {
            version: IpVersion::V4,
            ttl: 64,
            ip_opt_len: 0,
            mss,
            win,
            wscale: 0,
            opt_layout: &[],
            eol_pad: 0,
            quirks: Quirks::empty(),
            has_payload: false,
            ts1: 0,
            tot_hdr: 40,
            peer_mss: 0,
        }
    }

    #[test]
    fn guess_distance_table() {
        assert_eq!(guess_distance(0), 32);
        assert_eq!(guess_distance(32), 0);
        assert_eq!(guess_distance(33), 31);
        assert_eq!(guess_distance(64), 0);
        assert_eq!(guess_distance(65), 63);
        assert_eq!(guess_distance(128), 0);
        assert_eq!(guess_distance(129), 126);
        assert_eq!(guess_distance(255), 0);
    }

    #[test]
    fn multiplier_none_cases() {
        assert_eq!(window_multiplier(&obs(0, 1460)), None);
        assert_eq!(window_multiplier(&obs(29200, 99)), None);
        // 7 is no divisor of anything in the table for MSS 1000 / IPv4.
        assert_eq!(window_multiplier(&obs(7, 1000)), None);
    }

    #[test]
    fn multiplier_table_order() {
        use WindowMode::{Mss, Mtu};
        // 1: the packet MSS itself, before the fixed 1460 (which would give 2).
        assert_eq!(window_multiplier(&obs(2920, 730)), Some((Mss, 4)));
        // 2: MSS-12, only with a timestamp; without one, 1500 (rule 10) is the first fit.
        let mut o = obs(3000, 1012);
        assert_eq!(window_multiplier(&o), Some((Mtu, 2)));
        o.ts1 = 1;
        assert_eq!(window_multiplier(&o), Some((Mss, 3)));
        // 3 before 7: with MSS 1420, both 1460 and MSS+40 divide 2920.
        assert_eq!(window_multiplier(&obs(2920, 1420)), Some((Mss, 2)));
        // 4: 1448.
        assert_eq!(window_multiplier(&obs(4 * 1448, 1460)), Some((Mss, 4)));
        // 5 and 6 only for IPv6.
        let mut o = obs(1440 * 3, 1000);
        assert_eq!(window_multiplier(&o), None);
        o.version = IpVersion::V6;
        assert_eq!(window_multiplier(&o), Some((Mss, 3)));
        o.win = 1428 * 2;
        assert_eq!(window_multiplier(&o), Some((Mss, 2)));
        // 7: MSS+40, MTU mode.
        assert_eq!(window_multiplier(&obs(1040 * 3, 1000)), Some((Mtu, 3)));
        // 8: MSS + header length.
        let mut o = obs(1052 * 5, 1000);
        o.tot_hdr = 52;
        assert_eq!(window_multiplier(&o), Some((Mtu, 5)));
        // 9: MSS+60, IPv6 only.
        let mut o = obs(1060 * 3, 1000);
        o.tot_hdr = 0;
        assert_eq!(window_multiplier(&o), None);
        o.version = IpVersion::V6;
        assert_eq!(window_multiplier(&o), Some((Mtu, 3)));
        // 10: 1500.
        assert_eq!(window_multiplier(&obs(3000, 1100)), Some((Mtu, 2)));
        // 11 and 12: the peer's MSS, then the peer's MSS minus 12.
        let mut o = obs(1300 * 5, 1000);
        assert_eq!(window_multiplier(&o), None);
        o.peer_mss = 1300;
        assert_eq!(window_multiplier(&o), Some((Mss, 5)));
        o.peer_mss = 1312;
        assert_eq!(window_multiplier(&o), Some((Mss, 5)));
    }

    #[test]
    fn multiplier_is_signed_16_bit() {
        // A peer MSS of 1 divides everything: 65535 / 1 does not fit, p0f keeps 16 bits.
        let mut o = obs(65535, 1000);
        o.peer_mss = 1;
        assert_eq!(window_multiplier(&o), Some((WindowMode::Mss, -1)));
        // A peer MSS below 12 gives a negative divisor for rule 12.
        let mut o = obs(7 * 11, 1000);
        o.peer_mss = 5;
        assert_eq!(window_multiplier(&o), Some((WindowMode::Mss, -11)));
    }

    #[test]
    fn contains_substring() {
        assert!(contains(b"Mozilla/5.0 Firefox/99", b"Firefox/"));
        assert!(!contains(b"Mozilla", b"mozilla"));
        assert!(contains(b"abc", b""));
        assert!(!contains(b"ab", b"abc"));
    }

    #[test]
    fn header_sets_leave_high_ids_to_the_full_check() {
        use crate::types::{HeaderPresence, HeaderSet};
        let mut names = HeaderSet::default();
        for id in [0, 63, 64, 255, 256, 4000] {
            names.insert(id);
        }
        let mut want = HeaderSet::default();
        want.insert(63);
        want.insert(255);
        assert!(want.is_subset(&names));
        want.insert(100);
        assert!(!want.is_subset(&names));
        // Id 256 is not represented: a signature needing it is not rejected by the masks.
        let mut high = HeaderSet::default();
        high.insert(256);
        assert_eq!(high, HeaderSet::default());
        let presence = HeaderPresence {
            required: high,
            absent: HeaderSet::default(),
        };
        assert!(presence.may_fit(&HeaderSet::default()));
        let mut absent = HeaderSet::default();
        absent.insert(64);
        let presence = HeaderPresence {
            required: HeaderSet::default(),
            absent,
        };
        assert!(!presence.may_fit(&names));
    }

    #[test]
    fn masks_agree_with_the_full_check_on_every_stock_pair() {
        // Every embedded HTTP signature, seen as a message, against every signature of its
        // direction: the quick rejection never refuses what the ordered walk accepts.
        let db = Database::embedded();
        for direction in [Direction::Request, Direction::Response] {
            let sigs = db.http(direction);
            let presence = db.http_presence(direction);
            assert_eq!(sigs.len(), presence.len());
            for message in sigs {
                let headers: Vec<ObservedHeader<'_>> = message
                    .headers
                    .iter()
                    .map(|h| ObservedHeader {
                        id: Some(h.id),
                        name: b"",
                        value: h.value.as_deref().map(str::as_bytes),
                    })
                    .collect();
                let mut names = HeaderSet::default();
                for h in &headers {
                    names.insert(h.id.unwrap_or_default());
                }
                for (r, p) in sigs.iter().zip(presence) {
                    if http_fits(r, headers.as_slice()) {
                        assert!(
                            p.may_fit(&names),
                            "line {} vs line {}",
                            r.line,
                            message.line
                        );
                    }
                }
            }
        }
    }
}
