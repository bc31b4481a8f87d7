//! HTTP matching (spec §9.5) and the `ua_os` map (§10.2), with the reference p0f's own
//! verdicts on real traffic (the `raw_sig` lines of ../shared/oracle).

mod common;

use common::{oracle_dir, parse_ok, stock_db};
use p0fmod_db::{Database, Direction, HttpMatch, HttpObservation, ObservedHeader};

/// Headers as `(name, value)`; ids come from the database's table.
fn headers<'a>(db: &Database, list: &[(&'a str, Option<&'a str>)]) -> Vec<ObservedHeader<'a>> {
    list.iter()
        .map(|&(name, value)| ObservedHeader {
            id: db.headers.lookup(name.as_bytes()),
            name: name.as_bytes(),
            value: value.map(str::as_bytes),
        })
        .collect()
}

fn who(db: &Database, m: &HttpMatch<'_>) -> String {
    m.signature
        .map_or("???".to_string(), |s| db.label_display(s.label).to_string())
}

/// The label a request with these headers (version 1, no software) matches.
fn request(db: &Database, list: &[(&str, Option<&str>)]) -> String {
    let hdrs = headers(db, list);
    let obs = HttpObservation {
        version: 1,
        headers: &hdrs,
        software: None,
    };
    who(db, &db.match_http(Direction::Request, &obs))
}

fn db(body: &str) -> Database {
    parse_ok(&format!("classes = win,unix,other\n[http:request]\n{body}"))
}

#[test]
fn ordered_subsequence() {
    let db = db("label = s:!:A:\nsys = Linux\nsig = 1:Host,User-Agent::\n");
    assert_eq!(request(&db, &[("Host", None), ("User-Agent", None)]), "A");
    // Extra headers anywhere are fine.
    assert_eq!(
        request(
            &db,
            &[
                ("X-First", None),
                ("Host", None),
                ("Accept", None),
                ("User-Agent", None)
            ]
        ),
        "A"
    );
    // The order matters, and every listed header must be there.
    assert_eq!(request(&db, &[("User-Agent", None), ("Host", None)]), "???");
    assert_eq!(request(&db, &[("Host", None)]), "???");
    // Names are exact: `user-agent` is an unknown header.
    assert_eq!(request(&db, &[("Host", None), ("user-agent", None)]), "???");
}

#[test]
fn optional_headers() {
    let db = db("label = s:!:A:\nsys = Linux\nsig = 1:Host,User-Agent,?Referer::\n");
    assert_eq!(request(&db, &[("Host", None), ("User-Agent", None)]), "A");
    assert_eq!(
        request(
            &db,
            &[
                ("Host", None),
                ("User-Agent", None),
                ("X", None),
                ("Referer", None)
            ]
        ),
        "A"
    );
    // An optional header found elsewhere (before its place) fails the signature.
    assert_eq!(
        request(
            &db,
            &[("Referer", None), ("Host", None), ("User-Agent", None)]
        ),
        "???"
    );
    // An optional header that is found moves the cursor past it.
    let db = self::db("label = s:!:B:\nsys = Linux\nsig = 1:Host,?Referer,User-Agent::\n");
    assert_eq!(
        request(
            &db,
            &[("Host", None), ("User-Agent", None), ("Referer", None)]
        ),
        "???"
    );
    assert_eq!(
        request(
            &db,
            &[("Host", None), ("Referer", None), ("User-Agent", None)]
        ),
        "B"
    );
}

#[test]
fn values_are_case_sensitive_substrings() {
    let db = db("label = s:!:A:\nsys = Linux\nsig = 1:Accept=[*/*],Connection=[keep-alive]::\n");
    let r = |accept: Option<&str>, conn: Option<&str>| {
        request(&db, &[("Accept", accept), ("Connection", conn)])
    };
    assert_eq!(r(Some("text/html, */*;q=0.8"), Some("keep-alive")), "A");
    assert_eq!(r(Some("text/html"), Some("keep-alive")), "???");
    assert_eq!(r(None, Some("keep-alive")), "???");
    assert_eq!(r(Some("*/*"), Some("Keep-Alive")), "???");
}

#[test]
fn absent_headers_and_version() {
    let db = db(
        "label = s:!:A:\nsys = Linux\nsig = 0:Host:Accept,Keep-Alive:\n\
                 label = s:!:B:\nsys = Linux\nsig = *:Host,Accept::\n",
    );
    let hdrs = headers(&db, &[("Host", None)]);
    let obs = |version| HttpObservation {
        version,
        headers: &hdrs,
        software: None,
    };
    assert_eq!(who(&db, &db.match_http(Direction::Request, &obs(0))), "A");
    assert_eq!(who(&db, &db.match_http(Direction::Request, &obs(1))), "???");
    // An absent-listed header that is present fails A; B (any version) takes it.
    let hdrs = headers(&db, &[("Host", None), ("Accept", Some("*/*"))]);
    let obs = HttpObservation {
        version: 0,
        headers: &hdrs,
        software: None,
    };
    assert_eq!(who(&db, &db.match_http(Direction::Request, &obs)), "B");
}

#[test]
fn first_specific_wins_else_first_generic() {
    let db = db("label = g:!:Generic1:\nsys = Linux\nsig = 1:Host::\n\
                 label = g:!:Generic2:\nsys = Linux\nsig = 1:Host,Accept::\n\
                 label = s:!:Specific1:\nsys = Linux\nsig = 1:Host,Accept,Via::\n\
                 label = s:!:Specific2:\nsys = Linux\nsig = 1:Accept::\n");
    assert_eq!(request(&db, &[("Host", None)]), "Generic1");
    assert_eq!(
        request(&db, &[("Host", None), ("Accept", None)]),
        "Specific2"
    );
    assert_eq!(
        request(&db, &[("Host", None), ("Accept", None), ("Via", None)]),
        "Specific1"
    );
    assert_eq!(
        request(&db, &[("Accept", None), ("Via", None), ("Host", None)]),
        "Specific2"
    );
    assert_eq!(request(&db, &[("Date", None)]), "???");
}

#[test]
fn dishonest_software() {
    let db = db(
        "label = s:!:curl:\nsys = @unix\nsig = 1:User-Agent,Host::curl/\n\
                 label = s:!:any:\nsys = @unix\nsig = 1:Host::\n",
    );
    let hdrs = headers(&db, &[("User-Agent", None), ("Host", None)]);
    let m = |sw: Option<&'static str>| {
        let obs = HttpObservation {
            version: 1,
            headers: &hdrs,
            software: sw.map(str::as_bytes),
        };
        let m = db.match_http(Direction::Request, &obs);
        (who(&db, &m), m.dishonest)
    };
    assert_eq!(m(Some("curl/8.5.0")), ("curl".into(), false));
    assert_eq!(m(Some("Wget/1.21")), ("curl".into(), true));
    assert_eq!(
        m(Some("CURL/8")),
        ("curl".into(), true),
        "the check is case-sensitive"
    );
    assert_eq!(m(None), ("curl".into(), false));
    // A signature without expected software is never dishonest.
    let hdrs = headers(&db, &[("Host", None)]);
    let obs = HttpObservation {
        version: 1,
        headers: &hdrs,
        software: Some(b"x"),
    };
    let m = db.match_http(Direction::Request, &obs);
    assert_eq!((who(&db, &m), m.dishonest), ("any".into(), false));
}

#[test]
fn responses_use_their_own_section() {
    let db = parse_ok(
        "classes = unix\n[http:request]\nlabel = s:!:Client:\nsys = @unix\nsig = 1:Server::\n\
         [http:response]\nlabel = s:!:nginx:1.x\nsys = @unix\nsig = 1:Server,Date::nginx/\n",
    );
    let hdrs = headers(&db, &[("Server", None), ("Date", None)]);
    let obs = HttpObservation {
        version: 1,
        headers: &hdrs,
        software: Some(b"nginx/1.24"),
    };
    assert_eq!(
        who(&db, &db.match_http(Direction::Response, &obs)),
        "nginx 1.x"
    );
    assert_eq!(who(&db, &db.match_http(Direction::Request, &obs)), "Client");
}

#[test]
fn stock_ua_os_lookup() {
    let Some(db) = stock_db("stock_ua_os_lookup") else {
        return;
    };
    let os = |ua: &str| {
        db.ua_os_lookup(ua.as_bytes())
            .map(|id| db.name(id).to_string())
    };
    assert_eq!(
        os("Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0").as_deref(),
        Some("Linux")
    );
    assert_eq!(
        os("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko").as_deref(),
        Some("Windows")
    );
    // "iPad" comes before "Mac OS X" in the database.
    assert_eq!(
        os("Mozilla/5.0 (iPad; CPU OS 7_0 like Mac OS X)").as_deref(),
        Some("iOS")
    );
    assert_eq!(
        os("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6)").as_deref(),
        Some("Mac OS X")
    );
    assert_eq!(
        os("Mozilla/4.0 (compatible; SunOS 5.10)").as_deref(),
        Some("Solaris")
    );
    assert_eq!(os("curl/8.5.0"), None);
    assert_eq!(os("mozilla (linux)"), None, "patterns are case-sensitive");
}

#[test]
fn stock_curl_signature() {
    let Some(db) = stock_db("stock_curl_signature") else {
        return;
    };
    let accept = Some("*/*");
    // Old curl sends User-Agent before Host; modern curl sends Host first (no match).
    assert_eq!(
        request(
            &db,
            &[("User-Agent", None), ("Host", None), ("Accept", accept)]
        ),
        "curl"
    );
    assert_eq!(
        request(
            &db,
            &[("Host", None), ("User-Agent", None), ("Accept", accept)]
        ),
        "???"
    );
}

// ---------------------------------------------------------------------------------------
// The reference's verdicts on real traffic.

/// The headers of `ver:horder:habsent:sw`, with the values p0f printed; User-Agent (requests)
/// and Server (responses) get the software string as their value.
fn parse_raw_sig(raw: &str, software_header: &str) -> (u8, Vec<(String, Option<String>)>, String) {
    let version = raw.as_bytes()[0] - b'0';
    let mut rest = &raw[2..];
    let mut headers = Vec::new();
    while !rest.starts_with(':') {
        let rest_name = rest.trim_start_matches('?');
        let end = rest_name.find(['=', ',', ':']).expect("a header name");
        let name = &rest_name[..end];
        rest = &rest_name[end..];
        let mut value = None;
        if let Some(v) = rest.strip_prefix("=[") {
            let close = v.find(']').expect("a closing bracket");
            value = Some(v[..close].to_string());
            rest = &v[close + 1..];
        }
        rest = rest.strip_prefix(',').unwrap_or(rest);
        headers.push((name.to_string(), value));
    }
    let (_, sw) = rest[1..].split_once(':').expect("habsent and sw");
    for (name, value) in &mut headers {
        if name == software_header && !sw.is_empty() {
            *value = Some(sw.to_string());
        }
    }
    (version, headers, sw.to_string())
}

#[test]
fn reference_verdicts_on_real_traffic() {
    let Some(db) = stock_db("reference_verdicts_on_real_traffic") else {
        return;
    };
    let Some(dir) = oracle_dir("reference_verdicts_on_real_traffic") else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for d in [dir.clone(), dir.join("crafted")] {
        for entry in std::fs::read_dir(d).into_iter().flatten().flatten() {
            if entry.path().extension().is_none_or(|e| e != "log") {
                continue;
            }
            for line in std::fs::read_to_string(entry.path())
                .unwrap_or_default()
                .lines()
            {
                let Some((_, rest)) = line.split_once("] mod=http ") else {
                    continue;
                };
                let request = rest.starts_with("request|");
                let (head, raw) = rest.split_once("|raw_sig=").expect("raw_sig is last");
                let fields: Vec<&str> = head.split('|').collect();
                let field = |key: &str| fields.iter().find_map(|f| f.strip_prefix(key));
                let who = field("app=")
                    .or(field("os="))
                    .expect("app or os")
                    .to_string();
                let params = field("params=").expect("params").to_string();
                seen.insert((request, raw.to_string(), who, params));
            }
        }
    }
    assert!(seen.len() > 50, "only {} distinct HTTP lines", seen.len());
    let mut failures = Vec::new();
    for (request, raw, expected, params) in &seen {
        let (direction, software_header) = if *request {
            (Direction::Request, "User-Agent")
        } else {
            (Direction::Response, "Server")
        };
        let (version, list, sw) = parse_raw_sig(raw, software_header);
        let list: Vec<(&str, Option<&str>)> = list
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_deref()))
            .collect();
        let hdrs = headers(&db, &list);
        let obs = HttpObservation {
            version,
            headers: &hdrs,
            software: (!sw.is_empty()).then_some(sw.as_bytes()),
        };
        let m = db.match_http(direction, &obs);
        let got = who(&db, &m);
        let generic = m.signature.is_some_and(|s| db.label(s.label).generic);
        if got != *expected
            || m.dishonest != params.contains("dishonest")
            || generic != params.contains("generic")
        {
            failures.push(format!(
                "{raw}: p0f said {expected} params={params}; got {got} dishonest={}",
                m.dishonest
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "checked {} distinct HTTP raw_sig lines against the reference",
        seen.len()
    );
}
