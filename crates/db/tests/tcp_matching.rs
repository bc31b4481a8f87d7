//! TCP matching (spec §6.3): best-match order, fuzzy rules, TTL rules, window types, and the
//! reference p0f's own verdicts on real traffic (the `raw_sig` lines of ../shared/oracle).

mod common;

use common::{oracle_dir, parse_ok, stock_db};
use p0fmod_db::{Database, Direction, TcpMatch, TcpObservation, WindowMode, window_multiplier};
use p0fmod_wire::{IpVersion, Quirks};

const NOP: u8 = 1;
const MSS: u8 = 2;
const WS: u8 = 3;
const SOK: u8 = 4;
const TS: u8 = 8;
/// `mss,sok,ts,nop,ws`: the Linux layout.
const LINUX: &[u8] = &[MSS, SOK, TS, NOP, WS];
const ONLY_MSS: &[u8] = &[MSS];

/// A SYN with everything p0f looks at; callers change what a test is about.
fn syn(
    ttl: u8,
    mss: u16,
    win: u16,
    wscale: u8,
    layout: &'static [u8],
    quirks: Quirks,
) -> TcpObservation<'static> {
    TcpObservation {
        version: IpVersion::V4,
        ttl,
        ip_opt_len: 0,
        mss,
        win,
        wscale,
        opt_layout: layout,
        eol_pad: 0,
        quirks,
        has_payload: false,
        ts1: u32::from(layout.contains(&TS)),
        tot_hdr: 40,
        peer_mss: 0,
    }
}

/// The label of a match, as p0f prints it, or `???`.
fn label(db: &Database, m: &TcpMatch<'_>) -> String {
    m.signature
        .map_or("???".to_string(), |s| db.label_display(s.label).to_string())
}

/// `(label, fuzzy, distance)` of a SYN's match.
fn verdict(db: &Database, obs: &TcpObservation<'_>) -> (String, bool, u8) {
    let m = db.match_tcp(Direction::Request, obs);
    (label(db, &m), m.fuzzy, m.distance)
}

fn db(body: &str) -> Database {
    parse_ok(&format!("classes = win,unix,other\n[tcp:request]\n{body}"))
}

fn v(label: &str, fuzzy: bool, distance: u8) -> (String, bool, u8) {
    (label.to_string(), fuzzy, distance)
}

const DF_ID: Quirks = Quirks(Quirks::DF.0 | Quirks::NZ_ID.0);

#[test]
fn stock_exact_matches() {
    let Some(db) = stock_db("stock_exact_matches") else {
        return;
    };
    // `*:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0`
    let obs = syn(64, 1460, 29200, 10, LINUX, DF_ID);
    assert_eq!(verdict(&db, &obs), v("Linux 3.11 and newer", false, 0));
    let obs = syn(57, 1460, 29200, 10, LINUX, DF_ID);
    assert_eq!(verdict(&db, &obs), v("Linux 3.11 and newer", false, 7));
    // No specific signature has window 65535 here: the generic `*,*` one answers.
    let obs = syn(64, 1460, 65535, 8, LINUX, DF_ID);
    let m = db.match_tcp(Direction::Request, &obs);
    assert_eq!(label(&db, &m), "Linux 2.2.x-3.x");
    assert!(db.label(m.signature.unwrap().label).generic && !m.fuzzy);
    // A layout that no signature has.
    let obs = syn(100, 1460, 29200, 10, &[NOP, NOP], Quirks::empty());
    assert_eq!(verdict(&db, &obs), v("???", false, 28));
}

#[test]
fn first_specific_exact_match_wins_over_earlier_generic() {
    let db = db("label = g:unix:Generic:\nsig = 4:64:0:*:*,*:mss::0\n\
                 label = s:unix:First:\nsig = *:64:0:*:*,*:mss:df,id+:0\n\
                 label = s:unix:Second:\nsig = *:64:0:*:*,*:mss:df,id+:0\n");
    assert_eq!(
        verdict(&db, &syn(64, 1460, 1, 0, ONLY_MSS, DF_ID)),
        v("First", false, 0)
    );
    assert_eq!(
        verdict(&db, &syn(60, 1460, 1, 0, ONLY_MSS, Quirks::empty())),
        v("Generic", false, 4)
    );
}

#[test]
fn generic_exact_beats_specific_fuzzy() {
    let db = db(
        "label = s:unix:Specific:\nsig = 4:64:0:*:*,*:mss:df,id+:0\n\
                 label = g:unix:Generic:\nsig = 4:64:0:*:*,*:mss:df:0\n",
    );
    assert_eq!(
        verdict(&db, &syn(64, 1460, 1, 0, ONLY_MSS, Quirks::DF)),
        v("Generic", false, 0)
    );
    // Without the generic exact match, the specific one is taken as fuzzy.
    assert_eq!(
        verdict(&db, &syn(64, 1460, 1, 0, ONLY_MSS, Quirks::empty())),
        v("Specific", true, 0)
    );
}

#[test]
fn fuzzy_quirk_rules() {
    let db = db("label = s:unix:A:\nsig = 4:64:0:*:*,*:mss:df,id+:0\n");
    let q = |quirks: Quirks| verdict(&db, &syn(60, 1460, 1, 0, ONLY_MSS, quirks));
    // Missing df and/or id+ is allowed; so is an extra id- or ecn.
    assert_eq!(q(Quirks::DF), v("A", true, 4));
    assert_eq!(q(Quirks::empty()), v("A", true, 4));
    assert_eq!(q(DF_ID | Quirks::ECN), v("A", true, 4));
    assert_eq!(q(DF_ID | Quirks::ZERO_ID), v("A", true, 4));
    // Any other difference is no match at all.
    assert_eq!(q(DF_ID | Quirks::OPT_ZERO_TS1), v("???", false, 4));
    assert_eq!(q(Quirks::NZ_ID | Quirks::FLOW), v("???", false, 4));
    // A signature quirk other than df or id+ that the packet lacks: no match.
    let db = self::db("label = s:unix:B:\nsig = 4:64:0:*:*,*:mss:df,ecn:0\n");
    let b = |quirks: Quirks| verdict(&db, &syn(64, 1000, 1, 0, ONLY_MSS, quirks));
    assert_eq!(b(Quirks::DF | Quirks::ECN), v("B", false, 0));
    assert_eq!(b(Quirks::DF), v("???", false, 0));
}

#[test]
fn only_the_first_fuzzy_candidate_is_kept() {
    let db = db("label = s:unix:A:\nsig = 4:64:0:*:*,*:mss:df,id+:0\n\
                 label = s:unix:B:\nsig = 4:64:0:*:*,*:mss:df:0\n");
    assert_eq!(
        verdict(&db, &syn(64, 1460, 1, 0, ONLY_MSS, Quirks::empty())),
        v("A", true, 0)
    );
}

#[test]
fn ttl_rules() {
    let db = db("label = s:unix:L:\nsig = 4:64:0:*:*,*:mss::0\n");
    let t = |ttl| verdict(&db, &syn(ttl, 1460, 1, 0, ONLY_MSS, Quirks::empty()));
    assert_eq!(t(64), v("L", false, 0));
    assert_eq!(t(29), v("L", false, 35));
    // Further than 35 hops, or a TTL above the signature's: fuzzy, with the guessed
    // distance.
    assert_eq!(t(28), v("L", true, 4));
    assert_eq!(t(100), v("L", true, 28));
    assert_eq!(t(255), v("L", true, 0));
    // `N+D` is the signature's TTL.
    let db = self::db("label = s:unix:L:\nsig = 4:64+10:0:*:*,*:mss::0\n");
    assert_eq!(
        verdict(&db, &syn(70, 1460, 1, 0, ONLY_MSS, Quirks::empty())),
        v("L", false, 4)
    );
}

#[test]
fn bad_ttl_signatures() {
    let db = db("label = s:other:Random:\nsig = *:64-:0:*:*,*:mss::0\n");
    let t = |ttl, q| {
        let m = db.match_tcp(Direction::Request, &syn(ttl, 1460, 1, 0, ONLY_MSS, q));
        if let Some(s) = m.signature {
            assert!(s.bad_ttl);
        }
        (label(&db, &m), m.fuzzy, m.distance)
    };
    // Matches any TTL up to the signature's, with no 35-hop limit.
    assert_eq!(t(64, Quirks::empty()), v("Random", false, 0));
    assert_eq!(t(20, Quirks::empty()), v("Random", false, 44));
    assert_eq!(t(20, Quirks::ECN), v("Random", true, 44));
    // A higher TTL skips the signature.
    assert_eq!(t(65, Quirks::empty()), v("???", false, 63));
}

#[test]
fn userland_fuzzy_match_is_no_match_with_distance_zero() {
    let db = db("label = s:!:Tool:\nsys = @unix\nsig = *:64:0:*:*,*:mss::0\n");
    let m = db.match_tcp(
        Direction::Request,
        &syn(60, 1460, 1, 0, ONLY_MSS, Quirks::empty()),
    );
    assert_eq!(label(&db, &m), "Tool");
    assert!(db.label(m.signature.unwrap().label).is_userland());
    assert_eq!(m.distance, 4);
    // Fuzzy (an extra ecn): dropped, and the distance is 0, not the guess (spec §6.3).
    let m = db.match_tcp(
        Direction::Request,
        &syn(60, 1460, 1, 0, ONLY_MSS, Quirks::ECN),
    );
    assert!(m.signature.is_none() && !m.fuzzy);
    assert_eq!(m.distance, 0);
}

#[test]
fn star_version_masks_only_the_signature_quirks() {
    let Some(stock) = stock_db("star_version_masks_only_the_signature_quirks") else {
        return;
    };
    let mut obs = syn(64, 1420, 1420 * 4, 2, LINUX, Quirks::empty());
    obs.version = IpVersion::V6;
    // `*:64:0:*:mss*4,2:mss,sok,ts,nop,ws:df,id+:0`: df and id+ are masked for IPv6.
    assert_eq!(verdict(&stock, &obs), v("Linux 2.4.x", false, 0));
    // A flow label is an added quirk the packet keeps: no stock signature matches.
    obs.quirks = Quirks::FLOW;
    assert_eq!(verdict(&stock, &obs), v("???", false, 0));

    let db = db("label = s:unix:Flow:\nsig = *:64:0:*:*,*:mss:flow:0\n");
    let mut obs = syn(64, 1460, 1, 0, ONLY_MSS, Quirks::empty());
    assert_eq!(
        verdict(&db, &obs),
        v("Flow", false, 0),
        "flow is masked for IPv4"
    );
    obs.version = IpVersion::V6;
    assert_eq!(verdict(&db, &obs), v("???", false, 0));
    obs.quirks = Quirks::FLOW;
    assert_eq!(verdict(&db, &obs), v("Flow", false, 0));
}

#[test]
fn window_types() {
    let db = db("label = s:unix:Literal:\nsig = 4:64:0:1000:5000,0:mss::0\n\
                 label = s:unix:Modulo:\nsig = 4:64:0:1000:%7,0:mss::0\n\
                 label = s:unix:MssMultiple:\nsig = 4:64:0:1000:mss*3,0:mss::0\n\
                 label = s:unix:MtuMultiple:\nsig = 4:64:0:1000:mtu*2,0:mss::0\n\
                 label = s:unix:Any:\nsig = 4:64:0:1000:*,0:mss::0\n");
    let w = |win| verdict(&db, &syn(64, 1000, win, 0, ONLY_MSS, Quirks::empty())).0;
    assert_eq!(w(5000), "Literal");
    assert_eq!(w(7000), "Modulo");
    assert_eq!(w(3000), "MssMultiple");
    assert_eq!(w(2080), "MtuMultiple"); // 2 × (MSS + 40)
    assert_eq!(w(1234), "Any");
    assert_eq!(
        window_multiplier(&syn(64, 1000, 2080, 0, ONLY_MSS, Quirks::empty())),
        Some((WindowMode::Mtu, 2))
    );
}

#[test]
fn mss_scale_payload_padding_and_ip_options_must_agree() {
    let db = db("label = s:unix:A:\nsig = 4:64:0:1460:*,7:mss::+\n\
                 label = s:unix:B:\nsig = 4:64:0:*:*,*:mss,eol+2::0\n\
                 label = s:unix:C:\nsig = 4:64:4:*:*,*:nop::*\n");
    let mut obs = syn(64, 1460, 1, 7, ONLY_MSS, Quirks::empty());
    obs.has_payload = true;
    assert_eq!(verdict(&db, &obs).0, "A");
    assert_eq!(verdict(&db, &TcpObservation { mss: 1400, ..obs }).0, "???");
    assert_eq!(verdict(&db, &TcpObservation { wscale: 6, ..obs }).0, "???");
    assert_eq!(
        verdict(
            &db,
            &TcpObservation {
                has_payload: false,
                ..obs
            }
        )
        .0,
        "???"
    );

    let mut obs = syn(64, 1460, 1, 0, &[MSS, 0], Quirks::empty());
    obs.eol_pad = 2;
    assert_eq!(verdict(&db, &obs).0, "B");
    assert_eq!(verdict(&db, &TcpObservation { eol_pad: 1, ..obs }).0, "???");

    let mut obs = syn(64, 0, 1, 0, &[NOP], Quirks::empty());
    obs.ip_opt_len = 4;
    assert_eq!(verdict(&db, &obs).0, "C");
    assert_eq!(
        verdict(
            &db,
            &TcpObservation {
                has_payload: true,
                ..obs
            }
        )
        .0,
        "C"
    );
    assert_eq!(
        verdict(
            &db,
            &TcpObservation {
                ip_opt_len: 0,
                ..obs
            }
        )
        .0,
        "???"
    );
}

#[test]
fn syn_ack_uses_the_response_section() {
    let db = parse_ok(
        "classes = unix\n[tcp:request]\nlabel = s:unix:Client:\nsig = 4:64:0:*:*,*:mss::0\n\
         [tcp:response]\nlabel = s:unix:Server:\nsig = 4:64:0:*:mss*10,*:mss::0\n",
    );
    // 13000 is no multiple of anything in rules 1 to 10 for MSS 1100.
    let mut obs = syn(64, 1100, 10 * 1300, 0, ONLY_MSS, Quirks::empty());
    assert_eq!(label(&db, &db.match_tcp(Direction::Response, &obs)), "???");
    // The flow's SYN MSS (rules 11 and 12 of §6.2) gives the multiplier.
    obs.peer_mss = 1300;
    assert_eq!(
        label(&db, &db.match_tcp(Direction::Response, &obs)),
        "Server"
    );
    assert_eq!(
        label(&db, &db.match_tcp(Direction::Request, &obs)),
        "Client"
    );
}

// ---------------------------------------------------------------------------------------
// The reference's verdicts on real traffic.

/// One `raw_sig` of p0f's log, taken apart.
struct RawSig {
    version: IpVersion,
    ttl: u8,
    ip_opt_len: u8,
    mss: u16,
    window: RawWindow,
    wscale: u8,
    layout: Vec<u8>,
    eol_pad: u8,
    quirks: Quirks,
    has_payload: bool,
}

enum RawWindow {
    Literal(u16),
    Mss(u16),
    Mtu(u16),
}

/// Parses `ver:ttl+dist:olen:mss:win,scale:olayout:quirks:pclass`; `None` for forms this
/// test cannot rebuild (a `*` MSS).
fn parse_raw_sig(raw: &str) -> Option<RawSig> {
    let f: Vec<&str> = raw.split(':').collect();
    assert_eq!(f.len(), 8, "raw_sig {raw}");
    let version = if f[0] == "4" {
        IpVersion::V4
    } else {
        IpVersion::V6
    };
    let ttl = f[1].split('+').next()?.parse().ok()?;
    let mss = f[3].parse().ok()?;
    let (win, scale) = f[4].split_once(',')?;
    let window = if let Some(n) = win.strip_prefix("mss*") {
        RawWindow::Mss(n.parse().ok()?)
    } else if let Some(n) = win.strip_prefix("mtu*") {
        RawWindow::Mtu(n.parse().ok()?)
    } else {
        RawWindow::Literal(win.parse().ok()?)
    };
    let mut layout = Vec::new();
    let mut eol_pad = 0;
    for opt in f[5].split(',').filter(|o| !o.is_empty()) {
        let kind = match opt {
            "nop" => 1,
            "mss" => 2,
            "ws" => 3,
            "sok" => 4,
            "sack" => 5,
            "ts" => 8,
            _ => {
                if let Some(pad) = opt.strip_prefix("eol+") {
                    eol_pad = pad.parse().ok()?;
                    0
                } else {
                    opt.strip_prefix('?')?.parse().ok()?
                }
            }
        };
        layout.push(kind);
    }
    let mut quirks = Quirks::empty();
    for q in f[6].split(',').filter(|q| !q.is_empty()) {
        quirks.insert(Quirks::from_token(q)?);
    }
    Some(RawSig {
        version,
        ttl,
        ip_opt_len: f[2].parse().ok()?,
        mss,
        window,
        wscale: scale.parse().ok()?,
        layout,
        eol_pad,
        quirks,
        has_payload: f[7] == "+",
    })
}

/// The observation behind a raw_sig: for `mss*N` / `mtu*N`, a window that gives the same
/// multiplier. `None` if no window does (e.g. it came from the peer's MSS).
fn observation(raw: &RawSig) -> Option<TcpObservation<'_>> {
    let v6 = raw.version == IpVersion::V6;
    let has_ts = raw.layout.contains(&TS) && !raw.quirks.contains(Quirks::OPT_ZERO_TS1);
    let opt_bytes: u16 = raw
        .layout
        .iter()
        .map(|k| match k {
            0 => 1 + u16::from(raw.eol_pad),
            1 => 1,
            2 => 4,
            3 => 3,
            4 => 2,
            8 => 10,
            _ => 2,
        })
        .sum();
    let ip_hdr = if v6 {
        40
    } else {
        20 + u16::from(raw.ip_opt_len)
    };
    let tot_hdr = ip_hdr + 20 + opt_bytes.div_ceil(4) * 4;
    let base = TcpObservation {
        version: raw.version,
        ttl: raw.ttl,
        ip_opt_len: raw.ip_opt_len,
        mss: raw.mss,
        win: 0,
        wscale: raw.wscale,
        opt_layout: &raw.layout,
        eol_pad: raw.eol_pad,
        quirks: raw.quirks,
        has_payload: raw.has_payload,
        ts1: u32::from(has_ts),
        tot_hdr,
        peer_mss: 0,
    };
    let m = u32::from(raw.mss);
    let (mode, n, divisors) = match raw.window {
        RawWindow::Literal(win) => {
            let obs = TcpObservation { win, ..base };
            let none = window_multiplier(&obs).is_none_or(|(_, n)| n <= 0);
            return none.then_some(obs);
        }
        RawWindow::Mss(n) => (
            WindowMode::Mss,
            n,
            vec![m, m.wrapping_sub(12), 1460, 1448, 1440, 1428],
        ),
        RawWindow::Mtu(n) => (
            WindowMode::Mtu,
            n,
            vec![m + 40, m + u32::from(tot_hdr), m + 60, 1500],
        ),
    };
    divisors.into_iter().find_map(|d| {
        let win = u16::try_from(d * u32::from(n)).ok()?;
        let obs = TcpObservation { win, ..base };
        (window_multiplier(&obs) == Some((mode, n as i16))).then_some(obs)
    })
}

#[test]
fn reference_verdicts_on_real_traffic() {
    let Some(stock) = stock_db("reference_verdicts_on_real_traffic") else {
        return;
    };
    let Some(dir) = oracle_dir("reference_verdicts_on_real_traffic") else {
        return;
    };
    let mut logs = Vec::new();
    for d in [dir.clone(), dir.join("crafted")] {
        for entry in std::fs::read_dir(d).into_iter().flatten().flatten() {
            if entry.path().extension().is_some_and(|e| e == "log") {
                logs.push(entry.path());
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for log in &logs {
        for line in std::fs::read_to_string(log).unwrap_or_default().lines() {
            let Some(rest) = line.split_once("] mod=syn").map(|(_, r)| r) else {
                continue;
            };
            let direction = if rest.starts_with("+ack|") {
                Direction::Response
            } else if rest.starts_with('|') {
                Direction::Request
            } else {
                continue;
            };
            let fields: Vec<&str> = rest.split('|').collect();
            let field = |key: &str| fields.iter().find_map(|f| f.strip_prefix(key));
            let (Some(raw), Some(dist), Some(params)) =
                (field("raw_sig="), field("dist="), field("params="))
            else {
                continue;
            };
            let who = field("os=").or(field("app=")).unwrap_or("???");
            seen.insert((
                direction == Direction::Request,
                raw.to_string(),
                who.to_string(),
                dist.to_string(),
                params.to_string(),
            ));
        }
    }
    assert!(
        seen.len() > 300,
        "only {} distinct SYN / SYN+ACK lines",
        seen.len()
    );
    let (mut checked, mut skipped) = (0, 0);
    let mut failures = Vec::new();
    for (request, raw, who, dist, params) in &seen {
        let direction = if *request {
            Direction::Request
        } else {
            Direction::Response
        };
        let Some(parsed) = parse_raw_sig(raw) else {
            skipped += 1;
            continue;
        };
        let Some(obs) = observation(&parsed) else {
            skipped += 1;
            continue;
        };
        checked += 1;
        let m = stock.match_tcp(direction, &obs);
        let got_who = label(&stock, &m);
        let generic = m.signature.is_some_and(|s| stock.label(s.label).generic);
        let bad_ttl = m.signature.is_some_and(|s| s.bad_ttl);
        let got_dist = if bad_ttl {
            format!("<= {}", m.distance)
        } else {
            m.distance.to_string()
        };
        let ok = got_who == *who
            && got_dist == *dist
            && generic == params.contains("generic")
            && m.fuzzy == params.contains("fuzzy")
            && bad_ttl == params.contains("random_ttl");
        if !ok {
            failures.push(format!(
                "{raw}: p0f said {who} dist={dist} params={params}; got {got_who} dist={got_dist} generic={generic} fuzzy={}",
                m.fuzzy
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 300, "checked {checked}, skipped {skipped}");
    eprintln!("checked {checked} distinct raw_sig lines against the reference, skipped {skipped}");
}
