//! Replays `data/p0f-verdicts.txt`: small databases and what the reference p0f 3.09b binary
//! said when loading them. p0fmod must load the same number of signatures, or refuse the
//! text with p0f's message at p0f's line (p0f stops at its first error, so that is our
//! first error).

use p0fmod_db::Database;

/// What p0f did with one text.
#[derive(Debug, PartialEq)]
enum Verdict {
    Loaded(u32),
    Refused(u32, String),
}

fn cases() -> Vec<(Verdict, String)> {
    let data = include_str!("data/p0f-verdicts.txt");
    let mut cases = Vec::new();
    for block in data.split("=== ").skip(1) {
        let (head, text) = block.split_once('\n').expect("a verdict line");
        let verdict = if let Some(n) = head.strip_prefix("Loaded ") {
            Verdict::Loaded(n.parse().expect("a count"))
        } else {
            let rest = head.strip_prefix("Refused ").expect("Loaded or Refused");
            let (line, message) = rest.split_once(": ").expect("LINE: MESSAGE");
            Verdict::Refused(line.parse().expect("a line"), message.to_string())
        };
        cases.push((verdict, text.to_string()));
    }
    cases
}

#[test]
fn every_verdict_of_the_reference_is_reproduced() {
    let cases = cases();
    assert!(cases.len() > 350, "the data file has {} cases", cases.len());
    let mut failures = Vec::new();
    for (expected, text) in &cases {
        let got = match Database::parse(text, "case") {
            Ok(db) => Verdict::Loaded(db.signature_count),
            Err(e) => Verdict::Refused(e.0[0].line, e.0[0].message.clone()),
        };
        if &got != expected {
            failures.push(format!("expected {expected:?}, got {got:?} for:\n{text}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_message_of_the_grammar_is_exercised() {
    let messages: Vec<String> = cases()
        .into_iter()
        .filter_map(|(v, _)| match v {
            Verdict::Refused(_, m) => Some(m),
            Verdict::Loaded(_) => None,
        })
        .collect();
    // The messages of spec §11 (p0f's words, without " in line N.").
    let expected = [
        "Unexpected statement",
        "Unrecognized field 'foo'",
        "Malformed section identifier",
        "Unrecognized fingerprinting module 'foo'",
        "Unrecognized traffic direction",
        "misplaced 'classes'",
        "misplaced 'us_os'",
        "misplaced 'label'",
        "Misplaced 'sys'",
        "Misplaced 'sig'",
        "Malformed class entry",
        "Unknown class 'foo'",
        "Malformed name",
        "Empty MTU label",
        "Malformed sys entry",
        "Malformed system name",
        "Missing '[' after '='",
        "Malformed signature",
        "Malformed MTU value",
        "Unrecognized IP version",
        "Bogus initial TTL",
        "Bogus IP option length",
        "Bogus MSS",
        "Bogus '%' value",
        "Bogus MSS/MTU multiplier",
        "Bogus window size",
        "Bogus window scale",
        "Too many TCP options",
        "Malformed EOL option",
        "Truncated options",
        "EOL must be the last option",
        "Bogus EOL padding",
        "Malformed '?' option",
        "Bogus '?' option",
        "Unrecognized TCP option",
        "Malformed TCP options",
        "Unrecognized quirk",
        "Malformed quirks",
        "'df' is not valid for IPv6",
        "'id+' is not valid for IPv6",
        "'id-' is not valid for IPv6",
        "'0+' is not valid for IPv6",
        "'flow' is not valid for IPv4",
        "Malformed payload class",
        "Bad HTTP version",
        "Too many headers listed",
        "Malformed header name",
        "Signature in line 6 is already covered by line 4.",
        "Signature in line 8 is already covered by line 5.",
    ];
    for m in expected {
        assert!(messages.iter().any(|x| x == m), "no case gives {m:?}");
    }
}
