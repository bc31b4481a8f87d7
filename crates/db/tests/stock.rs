//! The stock p0f.fp (spec Appendix A), the embedded database's relation to it (every stock
//! signature kept, in order, and p0fmod's own signatures each with its provenance),
//! whole-database printing, and the duplicate check on real signatures.

mod common;

use common::{messages, parse_ok, stock_db, stock_text};
use p0fmod_db::{Database, Direction, SysEntry};

/// Everything that decides matching, one line per entry, with ids resolved to text.
fn summary(db: &Database) -> Vec<String> {
    let mut out = vec![format!("classes {}", db.classes.join(","))];
    for e in &db.mtu {
        out.push(format!("mtu {} {}", e.mtu, e.link));
    }
    for e in &db.ua_os {
        out.push(format!("ua_os {} [{}]", db.name(e.name), e.pattern));
    }
    let label = |id| {
        let l = db.label(id);
        let sys: Vec<String> = l
            .sys
            .iter()
            .map(|e| match *e {
                SysEntry::Class(c) => format!("@{}", db.classes[c as usize]),
                SysEntry::Name(n) => db.name(n).to_string(),
            })
            .collect();
        format!("{} sys={}", db.label_text(id), sys.join(","))
    };
    for d in [Direction::Request, Direction::Response] {
        for s in db.tcp(d) {
            out.push(format!("tcp {d:?} {} | {s}", label(s.label)));
        }
        for s in db.http(d) {
            out.push(format!(
                "http {d:?} {} | {}",
                label(s.label),
                s.display(&db.headers)
            ));
        }
    }
    out.push(format!("count {}", db.signature_count));
    out
}

#[track_caller]
fn assert_same(a: &Database, b: &Database) {
    let (a, b) = (summary(a), summary(b));
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "entry {i} differs");
    }
    assert_eq!(a.len(), b.len());
}

#[test]
fn stock_database_loads_with_322_signatures() {
    let Some(text) = stock_text("stock_database_loads_with_322_signatures") else {
        return;
    };
    let db = parse_ok(&text);
    assert_eq!(db.signature_count, 322);
    assert_eq!(db.classes, ["win", "unix", "other"]);
    let ua_os: Vec<String> = db
        .ua_os
        .iter()
        .map(|e| {
            let name = db.name(e.name);
            if e.pattern == name {
                name.to_string()
            } else {
                format!("{name}=[{}]", e.pattern)
            }
        })
        .collect();
    assert_eq!(
        ua_os.join(","),
        "Linux,Windows,iOS=[iPad],iOS=[iPhone],Mac OS X,FreeBSD,OpenBSD,NetBSD,Solaris=[SunOS]"
    );
    // Section sizes, counted in the file itself.
    let mut counts = std::collections::HashMap::new();
    let mut section = "";
    for line in text.lines() {
        if line.starts_with('[') {
            section = line;
        } else if line.starts_with("sig") {
            *counts.entry(section).or_insert(0) += 1;
        }
    }
    assert_eq!(db.mtu.len(), counts["[mtu]"]);
    assert_eq!(db.tcp(Direction::Request).len(), counts["[tcp:request]"]);
    assert_eq!(db.tcp(Direction::Response).len(), counts["[tcp:response]"]);
    assert_eq!(db.http(Direction::Request).len(), counts["[http:request]"]);
    assert_eq!(
        db.http(Direction::Response).len(),
        counts["[http:response]"]
    );
    // Spec §7 and Appendix A facts.
    assert_eq!(db.mtu_link(1500), Some("Ethernet or modem"));
    assert_eq!(db.mtu_link(16436), Some("loopback"));
    assert_eq!(db.mtu_link(65535), None);
    assert_ne!(db.name_id("Mac OS X"), db.name_id("MacOS X"));
    assert!(
        db.labels
            .iter()
            .all(|l| l.is_userland() == l.class.is_none())
    );
}

#[test]
fn stock_signature_lines_print_back_unchanged() {
    let Some(text) = stock_text("stock_signature_lines_print_back_unchanged") else {
        return;
    };
    let db = parse_ok(&text);
    let printed = db.to_fp_text();
    let sigs = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("sig") || l.starts_with("label") || l.starts_with("sys"))
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap();
                format!("{} = {}", k.trim(), v.trim())
            })
            .collect()
    };
    assert_eq!(sigs(&printed), sigs(&text));
    assert_same(&db, &parse_ok(&printed));
}

/// True when every entry of `part` appears in `whole`, in the same order.
fn is_subsequence(part: &[String], whole: &[String]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|p| rest.any(|w| w == p))
}

/// The invariant of the embedded database (docs/database.md): the stock database's
/// classes and MTU table unchanged, its User-Agent map and, per section, its signatures
/// (with their labels and sys lists) all present in the same relative order. p0fmod's own
/// signatures come in between; where one precedes an identical stock signature it wins,
/// and that is how a stock label shown to be wrong is corrected.
#[test]
fn embedded_database_keeps_every_stock_signature_in_order() {
    let embedded = Database::embedded();
    assert_eq!(embedded.origin, "<embedded>");
    let Some(stock) = stock_db("embedded_database_keeps_every_stock_signature_in_order") else {
        return;
    };
    assert!(
        embedded.signature_count > stock.signature_count + 100,
        "{} signatures",
        embedded.signature_count
    );
    let (ours, theirs) = (summary(&embedded), summary(&stock));
    let kind = |prefix: &str, lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.starts_with(prefix))
            .cloned()
            .collect()
    };
    for prefix in ["classes", "mtu "] {
        assert_eq!(kind(prefix, &ours), kind(prefix, &theirs), "{prefix}");
    }
    for prefix in [
        "ua_os ",
        "tcp Request ",
        "tcp Response ",
        "http Request ",
        "http Response ",
    ] {
        let (mine, stocks) = (kind(prefix, &ours), kind(prefix, &theirs));
        assert!(
            is_subsequence(&stocks, &mine),
            "the stock {prefix}entries are not all in the embedded database, in order"
        );
    }
}

/// Every paragraph of the embedded database that holds a signature of p0fmod's own (not in
/// the stock database under the same label) starts with a `; p0fmod:` comment saying
/// where it comes from.
#[test]
fn embedded_signatures_of_our_own_say_where_they_come_from() {
    let Some(stock) = stock_text("embedded_signatures_of_our_own_say_where_they_come_from") else {
        return;
    };
    // (section, label, sig) of every stock signature, blanks normalised.
    let mut known = std::collections::HashSet::new();
    let (mut section, mut label) = (String::new(), String::new());
    for line in stock.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
        } else if let Some((k, v)) = line.split_once('=') {
            match k.trim() {
                "label" => label = v.trim().to_string(),
                "sig" => {
                    known.insert((section.clone(), label.clone(), v.trim().to_string()));
                }
                _ => {}
            }
        }
    }
    let (mut section, mut label) = (String::new(), String::new());
    let mut ours = 0;
    for paragraph in p0fmod_db::EMBEDDED_DB.split("\n\n") {
        let mut new_sigs = 0;
        for line in paragraph.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.to_string();
            } else if let Some((k, v)) = line.split_once('=') {
                match k.trim() {
                    "label" => label = v.trim().to_string(),
                    "sig"
                        if !known.contains(&(
                            section.clone(),
                            label.clone(),
                            v.trim().to_string(),
                        )) =>
                    {
                        new_sigs += 1;
                    }
                    _ => {}
                }
            }
        }
        if new_sigs > 0 {
            ours += new_sigs;
            assert!(
                paragraph.trim_start().starts_with("; p0fmod:"),
                "signatures without provenance:\n{paragraph}"
            );
        }
    }
    let embedded = Database::embedded();
    let stock = parse_ok(&stock);
    assert_eq!(ours, embedded.signature_count - stock.signature_count);
}

#[test]
fn embedded_database_has_its_own_words() {
    let Some(text) = stock_text("embedded_database_has_its_own_words") else {
        return;
    };
    let embedded = p0fmod_db::EMBEDDED_DB;
    for line in text.lines().filter(|l| l.starts_with(';') && l.len() > 12) {
        assert!(!embedded.contains(line), "p0f.fp's comment copied: {line}");
    }
}

#[test]
fn stock_star_signatures_with_df_escape_the_duplicate_check() {
    // Spec §6.4 [BUG]: a `*` signature with df/id+/id- never catches its own copy.
    let Some(text) = stock_text("stock_star_signatures_with_df_escape_the_duplicate_check") else {
        return;
    };
    let stock = parse_ok(&text);
    let line_of = |n: u32| text.lines().nth(n as usize - 1).unwrap().to_string();
    let total = text.lines().count() as u32;
    let mut star_df = 0;
    for d in [Direction::Request, Direction::Response] {
        let section = if d == Direction::Request {
            "[tcp:request]"
        } else {
            "[tcp:response]"
        };
        for s in stock.tcp(d) {
            let original = line_of(s.line);
            let copy = format!("{text}{section}\nlabel = s:unix:Copy:\n{original}\n");
            let copy_line = total + 3;
            let star = original.contains("= *:");
            let masked =
                original.contains(":df") || original.contains("id+") || original.contains("id-");
            if star && masked {
                star_df += 1;
                assert_eq!(parse_ok(&copy).signature_count, 323, "{original}");
            } else {
                // The copy is caught by the original or by an earlier signature that
                // already covers it.
                let m = messages(&copy);
                assert_eq!(m.len(), 1, "{original}");
                assert_eq!(m[0].0, copy_line);
                assert!(
                    m[0].1.starts_with(&format!(
                        "Signature in line {copy_line} is already covered by line "
                    )),
                    "{original}: {m:?}"
                );
            }
        }
    }
    assert!(star_df > 100, "{star_df}");
}

#[test]
fn stock_http_signature_copies_are_caught() {
    let Some(text) = stock_text("stock_http_signature_copies_are_caught") else {
        return;
    };
    let stock = parse_ok(&text);
    let total = text.lines().count() as u32;
    for d in [Direction::Request, Direction::Response] {
        let section = if d == Direction::Request {
            "[http:request]"
        } else {
            "[http:response]"
        };
        for s in stock.http(d) {
            let original = text.lines().nth(s.line as usize - 1).unwrap();
            let copy = format!("{text}{section}\nlabel = s:!:Copy:\nsys = Linux\n{original}\n");
            let copy_line = total + 4;
            let m = messages(&copy);
            assert_eq!(
                m,
                [(
                    copy_line,
                    format!(
                        "Signature in line {copy_line} is already covered by line {}.",
                        s.line
                    )
                )],
                "{original}"
            );
        }
    }
}
