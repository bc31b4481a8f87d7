//! The duplicate checks run at load (spec §6.4 for TCP, §11.5 for HTTP). Each case was also
//! checked against the reference binary (see data/p0f-verdicts.txt for more).

mod common;

use common::{messages, parse_ok};

/// Two TCP signatures under two specific labels: lines 4 and 6.
fn tcp_pair(first: &str, second: &str) -> String {
    format!(
        "classes = win,unix,other\n[tcp:request]\nlabel = s:unix:A:\nsig = {first}\n\
         label = s:unix:B:\nsig = {second}\n"
    )
}

/// Two HTTP signatures under two specific labels: lines 5 and 8.
fn http_pair(first: &str, second: &str) -> String {
    format!(
        "classes = win,unix,other\n[http:request]\nlabel = s:!:A:\nsys = Linux\nsig = {first}\n\
         label = s:!:B:\nsys = Linux\nsig = {second}\n"
    )
}

#[track_caller]
fn covered(text: &str, line: u32, by: u32) {
    assert_eq!(
        messages(text),
        [(
            line,
            format!("Signature in line {line} is already covered by line {by}.")
        )],
        "{text}"
    );
}

#[track_caller]
fn loads(text: &str) {
    assert_eq!(parse_ok(text).signature_count, 2, "{text}");
}

#[test]
fn tcp_copies_and_wider_references() {
    covered(
        &tcp_pair("4:64:0:*:*,*:mss:df:0", "4:64:0:*:*,*:mss:df:0"),
        6,
        4,
    );
    covered(
        &tcp_pair("*:64:0:*:*,*:mss::0", "*:64:0:*:*,*:mss::0"),
        6,
        4,
    );
    // `*` for mss or scale covers a later specific value, not the other way round.
    covered(
        &tcp_pair("*:64:0:*:*,*:mss::0", "*:64:0:1460:*,7:mss::0"),
        6,
        4,
    );
    loads(&tcp_pair("*:64:0:1460:*,*:mss::0", "*:64:0:*:*,*:mss::0"));
    loads(&tcp_pair("*:64:0:*:*,3:mss::0", "*:64:0:*:*,*:mss::0"));
    // A literal window is covered by a multiple computed from its own MSS.
    covered(
        &tcp_pair("*:64:0:*:mss*20,*:mss::0", "*:64:0:1460:29200,*:mss::0"),
        6,
        4,
    );
    loads(&tcp_pair(
        "*:64:0:*:mss*20,*:mss::0",
        "*:64:0:*:29200,*:mss::0",
    ));
    // A non-literal window needs the same type and value.
    loads(&tcp_pair("*:64:0:*:*,*:mss::0", "*:64:0:*:%8,*:mss::0"));
    covered(
        &tcp_pair("*:64:0:*:%8,*:mss::0", "*:64:0:*:16,*:mss::0"),
        6,
        4,
    );
    // The reference's TTL must be at least the copy's, and within 35.
    covered(
        &tcp_pair("*:64:0:*:*,*:mss::0", "*:29:0:*:*,*:mss::0"),
        6,
        4,
    );
    loads(&tcp_pair("*:64:0:*:*,*:mss::0", "*:28:0:*:*,*:mss::0"));
    loads(&tcp_pair("*:64:0:*:*,*:mss::0", "*:65:0:*:*,*:mss::0"));
    // There is no version check: only the quirk masking uses the version.
    covered(
        &tcp_pair("4:64:0:*:*,*:mss::0", "6:64:0:*:*,*:mss::0"),
        6,
        4,
    );
    // Fuzzy hits do not count.
    loads(&tcp_pair(
        "4:64:0:*:*,*:mss:df,id+:0",
        "4:64:0:*:*,*:mss:df:0",
    ));
}

#[test]
fn tcp_star_version_bug() {
    // Spec §6.4 [BUG]: a `*` reference's df/id+/id- are masked, the copy's are not.
    loads(&tcp_pair(
        "*:64:0:*:*,*:mss:df,id+:0",
        "*:64:0:*:*,*:mss:df,id+:0",
    ));
    // Against a `4:` copy the masking drops only flow, and the copy is caught.
    covered(
        &tcp_pair("*:64:0:*:*,*:mss:df,id+:0", "4:64:0:*:*,*:mss:df,id+:0"),
        6,
        4,
    );
    covered(
        &tcp_pair("*:64:0:*:*,*:mss:df,id+:0", "6:64:0:*:*,*:mss::0"),
        6,
        4,
    );
    // For window multiples a `*` copy counts as IPv4 (no IPv6-only divisors).
    loads(&tcp_pair(
        "*:64:0:*:mss*3,0:mss::0",
        "*:64:0:1000:4320,0:mss::0",
    ));
    covered(
        &tcp_pair("*:64:0:*:mss*3,0:mss::0", "6:64:0:1000:4320,0:mss::0"),
        6,
        4,
    );
}

#[test]
fn generic_references_never_cover() {
    let text = "classes = unix\n[tcp:request]\nlabel = g:unix:A:\nsig = *:64:0:*:*,*:mss::0\n\
                label = s:unix:B:\nsig = *:64:0:*:*,*:mss::0\n";
    loads(text);
    let text = "classes = unix\n[tcp:request]\nlabel = s:unix:A:\nsig = *:64:0:*:*,*:mss::0\n\
                label = g:unix:B:\nsig = *:64:0:*:*,*:mss::0\n";
    covered(text, 6, 4);
    // Sections are separate.
    let text = "classes = unix\n[tcp:request]\nlabel = s:unix:A:\nsig = *:64:0:*:*,*:mss::0\n\
                [tcp:response]\nlabel = s:unix:B:\nsig = *:64:0:*:*,*:mss::0\n";
    loads(text);
}

#[test]
fn http_copies_and_the_absent_subset_rule() {
    covered(
        &http_pair("1:Host,User-Agent::x", "1:Host,User-Agent::y"),
        8,
        5,
    );
    covered(
        &http_pair("1:Host,User-Agent::x", "1:Host,Accept,User-Agent::x"),
        8,
        5,
    );
    // The earlier signature's absent list must be a subset of the new one's.
    loads(&http_pair(
        "1:Host,User-Agent:Accept:x",
        "1:Host,User-Agent::x",
    ));
    covered(
        &http_pair(
            "1:Host,User-Agent:Accept:x",
            "1:Host,User-Agent:Foo,Accept:x",
        ),
        8,
        5,
    );
    // Version `*` covers 1, not the other way round.
    covered(&http_pair("*:Host::", "1:Host::"), 8, 5);
    loads(&http_pair("1:Host::", "*:Host::"));
    // Values: the reference's value must be a substring of the copy's.
    covered(&http_pair("1:Host=[a]::", "1:Host=[bab]::"), 8, 5);
    loads(&http_pair("1:Host=[a]::", "1:Host::"));
    // The copy's optional headers take part in the ordered walk, not in the presence
    // checks.
    loads(&http_pair("1:Host,User-Agent::", "1:Host,?User-Agent::"));
    loads(&http_pair(
        "1:Host,User-Agent,?Accept::",
        "1:Host,?Accept,User-Agent::",
    ));
    covered(
        &http_pair(
            "1:Host,User-Agent:Accept:",
            "1:Host,?Accept,User-Agent:Accept:",
        ),
        8,
        5,
    );
}
