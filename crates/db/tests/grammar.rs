//! The p0f.fp grammar (spec §11): one good and one bad line per rule, the error messages
//! and lines, error collection, the deliberate differences from p0f, and the quirks of the
//! reference's parser that change what a line means.

mod common;

use common::{messages, parse_err, parse_ok};
use p0fmod_db::{
    Database, Direction, HeaderTable, PayloadClass, SysEntry, TcpSignature, WindowSpec,
};
use p0fmod_wire::{IpVersion, Quirks};

const CLASSES: &str = "classes = win,unix,other\n";

/// A database with one `[tcp:request]` signature (on line 4).
fn tcp(sig: &str) -> String {
    format!("{CLASSES}[tcp:request]\nlabel = s:unix:Linux:x\nsig = {sig}\n")
}

/// A database with one `[http:request]` signature (on line 5).
fn http(sig: &str) -> String {
    format!("{CLASSES}[http:request]\nlabel = s:!:curl:\nsys = Linux\nsig = {sig}\n")
}

/// The single signature of `tcp(sig)`.
fn tcp_sig(sig: &str) -> TcpSignature {
    let db = parse_ok(&tcp(sig));
    db.tcp(Direction::Request)[0].clone()
}

/// Asserts that `text` is refused with exactly one error.
#[track_caller]
fn refused(text: &str, line: u32, message: &str) {
    assert_eq!(
        messages(text),
        vec![(line, message.to_string())],
        "for:\n{text}"
    );
}

#[test]
fn empty_and_comment_only_files_load() {
    for text in [
        "",
        "\n\n",
        "; a comment\n   ; indented comment\n\t\n",
        CLASSES,
    ] {
        let db = parse_ok(text);
        assert_eq!(db.signature_count, 0);
    }
}

#[test]
fn statements() {
    refused(&format!("{CLASSES}foo x\n"), 2, "Unexpected statement");
    refused(&format!("{CLASSES}= x\n"), 2, "Unexpected statement");
    refused(&format!("{CLASSES}sig2 = x\n"), 2, "Unexpected statement");
    refused(
        &format!("{CLASSES}foo = x\n"),
        2,
        "Unrecognized field 'foo'",
    );
    refused(
        &format!("{CLASSES}SIG = x\n"),
        2,
        "Unrecognized field 'SIG'",
    );
    // Blanks around '=' are optional; tabs count.
    parse_ok(&format!("{CLASSES}[mtu]\nlabel\t=\tX\nsig=1500\n"));
}

#[test]
fn sections() {
    refused(
        &format!("{CLASSES}[tcp]\n"),
        2,
        "Malformed section identifier",
    );
    refused(
        &format!("{CLASSES}[mtu]x\n"),
        2,
        "Malformed section identifier",
    );
    refused(
        &format!("{CLASSES}[foo:request]\n"),
        2,
        "Unrecognized fingerprinting module 'foo'",
    );
    refused(
        &format!("{CLASSES}[TCP:request]\n"),
        2,
        "Unrecognized fingerprinting module 'TCP'",
    );
    refused(
        &format!("{CLASSES}[tcp:req]\n"),
        2,
        "Unrecognized traffic direction",
    );
    refused(
        &format!("{CLASSES}[tcp:request]x\n"),
        2,
        "Unrecognized traffic direction",
    );
    for section in [
        "[mtu]",
        "[tcp:request]",
        "[tcp:response]",
        "[http:request]",
        "[http:response]",
    ] {
        parse_ok(&format!("{CLASSES}{section}\n"));
    }
}

#[test]
fn state_machine() {
    refused(
        &format!("{CLASSES}[mtu]\nclasses = x\n"),
        3,
        "misplaced 'classes'",
    );
    refused(
        &format!("{CLASSES}label = s:unix:L:x\n"),
        2,
        "misplaced 'label'",
    );
    refused(
        &format!("{CLASSES}[tcp:request]\nlabel = s:!:L:x\nlabel = s:!:M:x\n"),
        4,
        "misplaced 'label'",
    );
    refused(
        &format!("{CLASSES}[tcp:request]\nsys = Linux\n"),
        3,
        "Misplaced 'sys'",
    );
    refused(
        &format!("{CLASSES}[tcp:request]\nlabel = s:unix:L:x\nsys = Linux\n"),
        4,
        "Misplaced 'sys'",
    );
    refused(
        &format!("{CLASSES}[tcp:request]\nsig = *:64:0:*:*,*:mss::0\n"),
        3,
        "Misplaced 'sig'",
    );
    refused(
        &format!("{CLASSES}[tcp:request]\nlabel = s:!:L:x\nsig = *:64:0:*:*,*:mss::0\n"),
        4,
        "Misplaced 'sig'",
    );
    // The spec's (and p0f's) spelling of the ua_os message.
    refused(&format!("{CLASSES}ua_os = Linux\n"), 2, "misplaced 'us_os'");
    refused(
        &format!("{CLASSES}[tcp:request]\nua_os = Linux\n"),
        3,
        "misplaced 'us_os'",
    );
    refused(
        &format!("{CLASSES}[http:response]\nua_os = Linux\n"),
        3,
        "misplaced 'us_os'",
    );
    refused(
        &format!("{CLASSES}[http:request]\nlabel = s:!:L:x\nsys = A\nua_os = Linux\n"),
        5,
        "misplaced 'us_os'",
    );
    // Several ua_os lines right after the header are fine; so is a userland label whose
    // section ends before its sys line.
    parse_ok(&format!(
        "{CLASSES}[http:request]\nua_os = Linux\nua_os = Windows\n"
    ));
    parse_ok(&format!(
        "{CLASSES}[tcp:request]\nlabel = s:!:L:x\n[tcp:response]\n"
    ));
}

#[test]
fn classes() {
    let db = parse_ok("classes = win, unix,,other\nclasses = x\n");
    assert_eq!(db.classes, ["win", "unix", "other", "x"]);
    parse_ok("classes =\n");
    parse_ok("classes = ,win\n");
    refused("classes = win ,unix\n", 1, "Malformed class entry");
    refused("classes = win,\n", 1, "Malformed class entry");
    refused("classes = ,\n", 1, "Malformed class entry");
    refused("classes = w-in\n", 1, "Malformed class entry");
}

#[test]
fn labels() {
    let db = parse_ok(&format!(
        "{CLASSES}[tcp:request]\nlabel = g:UNIX:Mac OS X:\nlabel = s:win:Windows:7 or 8: really\n\
         label = s:other: ./-_!?()Az09:x\n"
    ));
    let l = &db.labels[0];
    assert!(l.generic);
    assert_eq!(l.class, Some(1), "classes are matched case-insensitively");
    assert_eq!(db.name(l.name), "Mac OS X");
    assert_eq!(l.flavor, None, "an empty flavor is no flavor");
    assert_eq!(l.line, 3);
    assert_eq!(db.labels[1].flavor.as_deref(), Some("7 or 8: really"));
    assert_eq!(db.name(db.labels[2].name), " ./-_!?()Az09");
    assert_eq!(db.label_display(0).to_string(), "Mac OS X");
    assert_eq!(db.label_display(1).to_string(), "Windows 7 or 8: really");

    let label = |v: &str| format!("{CLASSES}[tcp:request]\nlabel = {v}\n");
    refused(&label("x:unix:L:x"), 3, "Malformed class entry");
    refused(&label("ss:unix:L:x"), 3, "Malformed class entry");
    refused(&label("s::L:x"), 3, "Malformed class entry");
    refused(&label("s:unix"), 3, "Malformed class entry");
    refused(&label("s:un-ix:L:x"), 3, "Malformed class entry");
    refused(&label("s:foo:L:x"), 3, "Unknown class 'foo'");
    refused(&label("s:!x:L:x"), 3, "Unknown class '!x'");
    refused(&label("s:unix::x"), 3, "Malformed name");
    refused(&label("s:unix:L"), 3, "Malformed name");
    refused(&label("s:unix:L*x:x"), 3, "Malformed name");
}

#[test]
fn mtu_section() {
    let db = parse_ok(&format!(
        "{CLASSES}[mtu]\nlabel = s:!:odd name\nsig = 1500\nsig = 0001500\nlabel = B\nsig = 65535\n"
    ));
    assert_eq!(db.signature_count, 3);
    assert_eq!(
        db.mtu_link(1500),
        Some("s:!:odd name"),
        "the first entry wins"
    );
    assert_eq!(db.mtu_link(65535), Some("B"));
    assert_eq!(db.mtu_link(1492), None);
    refused(&format!("{CLASSES}[mtu]\nlabel =\n"), 3, "Empty MTU label");
    for bad in ["0", "65536", "", "15x", "-1"] {
        refused(
            &format!("{CLASSES}[mtu]\nlabel = A\nsig = {bad}\n"),
            4,
            "Malformed MTU value",
        );
    }
}

#[test]
fn sys_lists() {
    let sys = |v: &str| format!("{CLASSES}[tcp:request]\nlabel = s:!:Tool:\nsys = {v}\n");
    let db = parse_ok(&sys("@UNIX,Linux , X,,@win"));
    let names: Vec<String> = db.labels[0]
        .sys
        .iter()
        .map(|e| match *e {
            SysEntry::Class(c) => format!("@{}", db.classes[c as usize]),
            SysEntry::Name(n) => db.name(n).to_string(),
        })
        .collect();
    // Spaces are name characters: "Linux " keeps its space.
    assert_eq!(names, ["@unix", "Linux ", "X", "@win"]);
    assert!(parse_ok(&sys("")).labels[0].sys.is_empty());
    parse_ok(&sys(", ,X"));
    refused(&sys("Linux,"), 4, "Malformed sys entry");
    refused(&sys(","), 4, "Malformed sys entry");
    refused(&sys("@"), 4, "Malformed sys entry");
    refused(&sys("Li*nux"), 4, "Malformed sys entry");
    refused(&sys("@foo*"), 4, "Malformed sys entry");
    refused(&sys("@foo"), 4, "Unknown class 'foo'");
    refused(&sys("@foo,"), 4, "Unknown class 'foo'");
    refused(&sys("@unix x"), 4, "Unknown class 'unix x'");
}

#[test]
fn ua_os_entries() {
    let ua = |v: &str| format!("{CLASSES}[http:request]\nua_os = {v}\n");
    let db = parse_ok(&ua("Linux,iOS=[iPad], Windows,Solaris=[Sun:OS,x],"));
    let entries: Vec<(&str, &str)> = db
        .ua_os
        .iter()
        .map(|e| (db.name(e.name), e.pattern.as_str()))
        .collect();
    // No blank is skipped after a comma: " Windows" is a name (and pattern) of its own.
    assert_eq!(
        entries,
        [
            ("Linux", "Linux"),
            ("iOS", "iPad"),
            (" Windows", " Windows"),
            ("Solaris", "Sun:OS,x")
        ]
    );
    parse_ok(&ua(""));
    refused(&ua(",Linux"), 3, "Malformed system name");
    refused(&ua("Linux,,Windows"), 3, "Malformed system name");
    refused(&ua("Linux;x"), 3, "Malformed system name");
    refused(&ua("Linux="), 3, "Missing '[' after '='");
    refused(&ua("Linux=["), 3, "Malformed signature");
    refused(&ua("Linux=[]"), 3, "Malformed signature");
}

#[test]
fn names_are_shared_case_insensitively_and_the_first_spelling_wins() {
    let db = parse_ok(&format!(
        "{CLASSES}[http:request]\nua_os = LINUX,Mac OS X\n\
         label = s:!:Tool:\nsys = linux,MacOS X\nsig = 1:Host::\n\
         [tcp:request]\nlabel = s:unix:Linux:x\nsig = *:64:0:*:*,*:mss::0\n"
    ));
    let linux = db.name_id("linux").unwrap();
    assert_eq!(db.name(linux), "LINUX");
    assert_eq!(db.name_id("Linux"), Some(linux));
    assert_eq!(db.labels[1].name, linux);
    assert_eq!(db.labels[0].sys[0], SysEntry::Name(linux));
    // "Mac OS X" and "MacOS X" are different names.
    assert_ne!(db.name_id("Mac OS X"), db.name_id("MacOS X"));
    assert_eq!(db.name_id("nothing"), None);
}

#[test]
fn tcp_signature_fields() {
    let s = tcp_sig("4:64+3:2:1460:mss*20,10:mss,sok,ts,nop,ws,?42,sack,eol+7:df,id+,ecn:+");
    assert_eq!(s.version, Some(IpVersion::V4));
    assert_eq!((s.ttl, s.bad_ttl, s.ip_opt_len), (67, false, 2));
    assert_eq!(s.mss, Some(1460));
    assert_eq!(s.window, WindowSpec::MssMultiple(20));
    assert_eq!(s.wscale, Some(10));
    assert_eq!(s.opt_layout, [2, 4, 8, 1, 3, 42, 5, 0]);
    assert_eq!(s.eol_pad, 7);
    assert_eq!(s.quirks, Quirks::DF | Quirks::NZ_ID | Quirks::ECN);
    assert_eq!(s.payload_class, PayloadClass::NonZero);
    assert_eq!(s.line, 4);

    let s = tcp_sig("*:255:0:*:*,*:::*");
    assert_eq!(
        (s.version, s.mss, s.window, s.wscale),
        (None, None, WindowSpec::Any, None)
    );
    assert!(s.opt_layout.is_empty() && s.quirks.is_empty());
    assert_eq!(s.payload_class, PayloadClass::Any);

    assert_eq!(
        tcp_sig("6:64:0:*:%8,*:mss:flow:0").window,
        WindowSpec::Modulo(8)
    );
    assert_eq!(
        tcp_sig("*:64:0:*:mtu*1000,*:mss::0").window,
        WindowSpec::MtuMultiple(1000)
    );
    assert_eq!(
        tcp_sig("*:64:0:*:65535,*:mss::0").window,
        WindowSpec::Literal(65535)
    );
    // Empty numbers read as 0, as in p0f.
    let s = tcp_sig("*:64+:::,:mss,eol+::0");
    assert_eq!(
        (s.ttl, s.ip_opt_len, s.mss, s.window),
        (64, 0, Some(0), WindowSpec::Literal(0))
    );
    assert_eq!((s.wscale, s.eol_pad), (Some(0), 0));
    // A trailing comma ends a list; 24 options is the most.
    assert_eq!(tcp_sig("*:64:0:*:*,*:mss,:df,:0").opt_layout, [2]);
    let nops = vec!["nop"; 24].join(",");
    assert_eq!(
        tcp_sig(&format!("*:64:0:*:*,*:{nops}::0")).opt_layout.len(),
        24
    );
    // Every quirk token.
    let all = Quirks::NAMED
        .iter()
        .filter(|(q, _)| *q != Quirks::FLOW)
        .map(|(_, n)| *n);
    let all: Vec<&str> = all.collect();
    let s = tcp_sig(&format!("4:64:0:*:*,*:mss:{}:0", all.join(",")));
    assert_eq!(s.quirks.tokens().count(), 16);
}

#[test]
fn tcp_signature_errors() {
    let cases = [
        ("x:64:0:*:*,*:mss::0", "Unrecognized IP version"),
        ("44:64:0:*:*,*:mss::0", "Malformed signature"),
        ("*:0:0:*:*,*:mss::0", "Bogus initial TTL"),
        ("*:256:0:*:*,*:mss::0", "Bogus initial TTL"),
        ("*:250+6:0:*:*,*:mss::0", "Bogus initial TTL"),
        ("*:64x:0:*:*,*:mss::0", "Malformed signature"),
        ("*:64-x0:*:*,*:mss::0", "Malformed signature"),
        ("*:64:256:*:*,*:mss::0", "Bogus IP option length"),
        ("*:64:256x:*:*,*:mss::0", "Malformed signature"),
        ("*:64:0:65536:*,*:mss::0", "Bogus MSS"),
        ("*:64:0:*:%1,*:mss::0", "Bogus '%' value"),
        ("*:64:0:*:%65536,*:mss::0", "Bogus '%' value"),
        ("*:64:0:*:mss*0,*:mss::0", "Bogus MSS/MTU multiplier"),
        ("*:64:0:*:mtu*1001,*:mss::0", "Bogus MSS/MTU multiplier"),
        ("*:64:0:*:65536,*:mss::0", "Bogus window size"),
        ("*:64:0:*:12:*:mss::0", "Malformed signature"),
        ("*:64:0:*:12,256:mss::0", "Bogus window scale"),
        ("*:64:0:*:*,*", "Malformed signature"),
        ("*:64:0:*:*,*:foo::0", "Unrecognized TCP option"),
        ("*:64:0:*:*,*:mss,,ts::0", "Unrecognized TCP option"),
        ("*:64:0:*:*,*:mssx::0", "Malformed TCP options"),
        ("*:64:0:*:*,*:mss", "Malformed TCP options"),
        ("*:64:0:*:*,*:mss,eol::0", "Malformed EOL option"),
        ("*:64:0:*:*,*:mss,eol+1", "Truncated options"),
        ("*:64:0:*:*,*:eol+1,mss::0", "EOL must be the last option"),
        ("*:64:0:*:*,*:mss,eol+256::0", "Bogus EOL padding"),
        ("*:64:0:*:*,*:?25x::0", "Malformed '?' option"),
        ("*:64:0:*:*,*:?256::0", "Bogus '?' option"),
        ("*:64:0:*:*,*:mss:foo:0", "Unrecognized quirk"),
        ("*:64:0:*:*,*:mss:,df:0", "Unrecognized quirk"),
        ("*:64:0:*:*,*:mss:dfx:0", "Malformed quirks"),
        ("6:64:0:*:*,*:mss:df:0", "'df' is not valid for IPv6"),
        ("6:64:0:*:*,*:mss:id+:0", "'id+' is not valid for IPv6"),
        ("6:64:0:*:*,*:mss:id-:0", "'id-' is not valid for IPv6"),
        ("6:64:0:*:*,*:mss:0+:0", "'0+' is not valid for IPv6"),
        ("4:64:0:*:*,*:mss:flow:0", "'flow' is not valid for IPv4"),
        ("*:64:0:*:*,*:mss::", "Malformed payload class"),
        ("*:64:0:*:*,*:mss::0x", "Malformed payload class"),
        ("*:64:0:*:*,*:mss:df:0:", "Malformed payload class"),
    ];
    for (sig, message) in cases {
        refused(&tcp(sig), 4, message);
    }
    let nops = vec!["nop"; 25].join(",");
    refused(
        &tcp(&format!("*:64:0:*:*,*:{nops}::0")),
        4,
        "Too many TCP options",
    );
}

#[test]
fn bad_ttl_drops_the_first_character_of_the_option_length() {
    // Spec §11.4 [BUG]: after `N-` one character too many is skipped.
    let s = tcp_sig("*:64-:0:*:*,*:mss::0");
    assert!(s.bad_ttl);
    assert_eq!((s.ttl, s.ip_opt_len), (64, 0));
    assert_eq!(tcp_sig("*:64-:4:*:*,*:mss::0").ip_opt_len, 0);
    assert_eq!(tcp_sig("*:64-:12:*:*,*:mss::0").ip_opt_len, 2);
    assert_eq!(tcp_sig("*:64-:1234:*:*,*:mss::0").ip_opt_len, 234);
    refused(&tcp("*:64-::*:*,*:mss::0"), 4, "Malformed signature");
    refused(&tcp("*:64-:"), 4, "Malformed signature");
    refused(&tcp("*:0-:0:*:*,*:mss::0"), 4, "Bogus initial TTL");
}

#[test]
fn http_signature_fields() {
    let db = parse_ok(&http("*:Host,?Accept=[a:b,c],X-Odd_1::Foo bar]"));
    let s = &db.http(Direction::Request)[0];
    assert_eq!(s.version, None);
    let h: Vec<(&str, bool, Option<&str>)> = s
        .headers
        .iter()
        .map(|h| (db.headers.name(h.id), h.optional, h.value.as_deref()))
        .collect();
    assert_eq!(
        h,
        [
            ("Host", false, None),
            ("Accept", true, Some("a:b,c")),
            ("X-Odd_1", false, None)
        ]
    );
    assert!(s.absent.is_empty());
    assert_eq!(s.expected_sw.as_deref(), Some("Foo bar]"));
    // Every name a signature mentions joins the header table, case-sensitively.
    assert!(db.headers.lookup(b"X-Odd_1").is_some());
    assert_eq!(db.headers.lookup(b"x-odd_1"), None);

    let db = parse_ok(&http("1:Host,:Accept,X-Gone,: Chrom"));
    let s = &db.http(Direction::Request)[0];
    assert_eq!(s.version, Some(1));
    let absent: Vec<&str> = s.absent.iter().map(|&id| db.headers.name(id)).collect();
    assert_eq!(absent, ["Accept", "X-Gone"]);
    assert_eq!(
        s.expected_sw.as_deref(),
        Some(" Chrom"),
        "leading blanks are kept"
    );
    let s = &parse_ok(&http("0:::")).http_request[0];
    assert_eq!(
        (s.version, s.headers.len(), s.expected_sw.as_ref()),
        (Some(0), 0, None)
    );
}

#[test]
fn http_signature_errors() {
    let cases = [
        ("2:Host::", "Bad HTTP version"),
        ("x:Host::", "Bad HTTP version"),
        ("11:Host::", "Malformed signature"),
        (":Host::", "Malformed signature"),
        ("", "Malformed signature"),
        ("*:Host", "Malformed signature"),
        ("*:Ho st::", "Malformed signature"),
        ("*:Host=[::", "Malformed signature"),
        ("*:Host=[]::", "Malformed signature"),
        ("*:Host=[a]x::", "Malformed signature"),
        ("*:Host:Accept=[a]:", "Malformed signature"),
        ("*:Host::foo:bar", "Malformed signature"),
        ("*:Host=::", "Missing '[' after '='"),
        ("*:", "Malformed header name"),
        ("*:Host:", "Malformed header name"),
        ("*:,Host::", "Malformed header name"),
        ("*:??Host::", "Malformed header name"),
        ("*:Host:?Accept:", "Malformed header name"),
    ];
    for (sig, message) in cases {
        refused(&http(sig), 5, message);
    }
    let names: Vec<String> = (0..33).map(|i| format!("H{i}")).collect();
    parse_ok(&http(&format!("1:{}::", names[..32].join(","))));
    refused(
        &http(&format!("1:{}::", names.join(","))),
        5,
        "Too many headers listed",
    );
    parse_ok(&http(&format!("1:Host:{}:", names[..32].join(","))));
    refused(
        &http(&format!("1:Host:{}:", names.join(","))),
        5,
        "Too many headers listed",
    );
}

#[test]
fn every_error_is_collected_with_its_line_and_text() {
    let text = "classes = win,unix,other\n\
                [tcp:request]\n\
                label = s:unix:Linux:x\n\
                sig = *:64:0:*:*,*:bogus::0\n\
                sig = *:64:0:*:*,*:mss::0\n\
                sig = 5:64:0:*:*,*:mss::0\n\
                label = s:nope:X:y\n\
                sig = *:64:0:*:*,*:mss::0\n\
                wrong = 1\n\
                [mtu]\n\
                label = A\n\
                sig = 0\n";
    let errors = parse_err(text);
    let got: Vec<(u32, &str)> = errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (4, "Unrecognized TCP option"),
            (6, "Unrecognized IP version"),
            (7, "Unknown class 'nope'"),
            (9, "Unrecognized field 'wrong'"),
            (12, "Malformed MTU value"),
        ]
    );
    assert_eq!(errors[0].text, "sig = *:64:0:*:*,*:bogus::0");
    assert_eq!(errors[0].origin, "test");
    let shown = p0fmod_db::DbErrors(errors).to_string();
    assert!(
        shown.starts_with("test:4: Unrecognized TCP option\n    sig = *:64:0:*:*,*:bogus::0\n")
    );
}

#[test]
fn one_mistake_does_not_cascade() {
    // A broken label: its sys and sig lines are not reported again.
    let text = format!(
        "{CLASSES}[tcp:request]\nlabel = s:!x:Tool:\nsys = Linux\nsig = *:64:0:*:*,*:mss::0\n"
    );
    assert_eq!(messages(&text), [(3, "Unknown class '!x'".to_string())]);
    // A forgotten sys line: only the first signature is misplaced.
    let text = format!(
        "{CLASSES}[tcp:request]\nlabel = s:!:Tool:\nsig = *:64:0:*:*,*:mss::0\nsig = *:64:0:*:*,*:nop::0\n"
    );
    assert_eq!(messages(&text), [(4, "Misplaced 'sig'".to_string())]);
    // A broken section: its lines are skipped.
    let text = format!("{CLASSES}[tcp:req]\nlabel = s:unix:L:x\nsig = *:64:0:*:*,*:mss::0\n");
    assert_eq!(
        messages(&text),
        [(2, "Unrecognized traffic direction".to_string())]
    );
}

#[test]
fn crlf_and_trailing_blanks_are_accepted() {
    // p0f refuses both (spec §11.1); p0fmod strips them on purpose.
    let text = "classes = win,unix,other \r\n[tcp:request]\t\r\nlabel = s:unix:Linux:3.x \r\n\
                sig = *:64:0:*:mss*10,4:mss,sok,ts,nop,ws:df,id+:0\t \r\n";
    let db = parse_ok(text);
    assert_eq!(db.signature_count, 1);
    assert_eq!(db.classes, ["win", "unix", "other"]);
    assert_eq!(db.labels[0].flavor.as_deref(), Some("3.x"));
    let crlf = tcp("*:64:0:*:*,*:mss::0").replace('\n', "\r\n");
    assert_eq!(parse_ok(&crlf).signature_count, 1);
}

#[test]
fn numbers_that_overflow_are_refused() {
    // p0f's atoi wraps these around to small values and loads them; p0fmod refuses.
    refused(&tcp("*:64:0:4294967297:*,*:mss::0"), 4, "Bogus MSS");
    refused(&tcp("*:4294967360:0:*:*,*:mss::0"), 4, "Bogus initial TTL");
    refused(
        &tcp("*:64+18446744073709551616:0:*:*,*:mss::0"),
        4,
        "Bogus initial TTL",
    );
    // A sign is not a number.
    refused(&tcp("*:+5:0:*:*,*:mss::0"), 4, "Bogus initial TTL");
    // Leading zeros are fine.
    assert_eq!(
        tcp_sig("*:64:0:0000000000000000000001460:*,*:mss::0").mss,
        Some(1460)
    );
}

#[test]
fn a_nul_byte_ends_the_text() {
    let text = format!("{}\0garbage\n", tcp("*:64:0:*:*,*:mss::0"));
    assert_eq!(parse_ok(&text).signature_count, 1);
}

#[test]
fn header_table_holds_builtins_and_signature_names() {
    let db = parse_ok(&http("1:Host,X-New::"));
    let t = &db.headers;
    assert_eq!(t.lookup(b"User-Agent"), Some(HeaderTable::USER_AGENT));
    assert_eq!(t.lookup(b"Date"), Some(HeaderTable::DATE));
    let x = t.lookup(b"X-New").unwrap();
    assert_eq!(t.name(x), "X-New");
    assert!((x as usize) < t.len());
    assert!(!t.is_optional(Direction::Request, x));
    let common: Vec<&str> = t
        .common(Direction::Response)
        .iter()
        .map(|&i| t.name(i))
        .collect();
    assert_eq!(
        common,
        [
            "Content-Type",
            "Connection",
            "Keep-Alive",
            "Accept-Ranges",
            "Date"
        ]
    );
}

#[test]
fn load_reports_a_missing_file() {
    let err = Database::load(std::path::Path::new("/nonexistent/p0f.fp")).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert_eq!(err.0[0].line, 0);
    assert!(err.0[0].message.starts_with("Cannot open"));
}
