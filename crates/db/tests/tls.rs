//! The `[tls:request]` / `[tls:response]` sections: grammar, errors with their lines,
//! matching (exact, `~`, `?`, specific before generic, fuzzy), printing, and the property
//! that the raw signature of any hello parses back and matches it exactly.

mod common;

use common::{hex, messages};
use p0fmod_db::{
    Database, Direction, TlsAlpn, TlsItem, TlsList, TlsObservation, TlsSignature, TlsTransport,
};
use proptest::prelude::*;

/// curl 7.88.1 with OpenSSL 3.0.19, from local-tls-curl-7.88.1-v4-sni.pcap (the oracle's
/// JA3 string and JA4_r of that capture).
const CURL_CIPHERS: [u16; 31] = [
    0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f, 0x009e,
    0xc024, 0xc028, 0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009, 0xc013, 0x0033,
    0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff,
];
const CURL_EXTS: [u16; 12] = [
    0x0000, 0x000b, 0x000a, 0x0010, 0x0016, 0x0017, 0x0031, 0x000d, 0x002b, 0x002d, 0x0033, 0x0015,
];
const CURL_GROUPS: [u16; 10] = [
    0x001d, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104,
];
const CURL_SIGALGS: [u16; 23] = [
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401,
    0x0501, 0x0601, 0x0303, 0x0203, 0x0301, 0x0201, 0x0302, 0x0202, 0x0402, 0x0502, 0x0602,
];
/// `h2,http/1.1` as an ALPN ProtocolNameList body.
const H2_H1: &[u8] = b"\x02h2\x08http/1.1";

fn curl() -> TlsObservation<'static> {
    TlsObservation {
        transport: TlsTransport::Tcp,
        version: 0x0304,
        ciphers: &CURL_CIPHERS,
        extensions: &CURL_EXTS,
        groups: &CURL_GROUPS,
        sig_algs: &CURL_SIGALGS,
        alpn: H2_H1,
        grease: false,
    }
}

fn curl_sig() -> String {
    format!(
        "t:13:{}:{}:{}:{}::h2,http/1.1",
        hex(&CURL_CIPHERS),
        hex(&CURL_EXTS),
        hex(&CURL_GROUPS),
        hex(&CURL_SIGALGS)
    )
}

fn db(body: &str) -> Database {
    let text = format!("classes = win,unix,other\n{body}");
    Database::parse(&text, "t.fp").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The label text of the request match, with `+generic` / `+fuzzy` as reported.
fn named(db: &Database, obs: &TlsObservation<'_>) -> Option<String> {
    let m = db.match_tls(Direction::Request, obs);
    m.signature.map(|s| {
        let mut t = db.label_display(s.label).to_string();
        if db.label(s.label).generic {
            t.push_str(" +generic");
        }
        if m.fuzzy {
            t.push_str(" +fuzzy");
        }
        t
    })
}

#[test]
fn the_raw_signature_of_a_hello_is_its_exact_sig_line() {
    assert_eq!(curl().raw_signature().to_string(), curl_sig());
    let d = db(&format!(
        "[tls:request]\nlabel = s:!:curl:OpenSSL\nsys = @unix\nsig = {}\n",
        curl_sig()
    ));
    assert_eq!(named(&d, &curl()).as_deref(), Some("curl OpenSSL"));
    assert_eq!(d.tls(Direction::Request)[0].to_string(), curl_sig());
    assert_eq!(d.signature_count, 1);
    // Round trip of the whole database.
    let printed = d.to_fp_text();
    assert!(
        printed
            .contains("\n[tls:request]\n\nlabel = s:!:curl:OpenSSL\nsys = @unix\nsig = t:13:1302,")
    );
    let again = Database::parse(&printed, "again").unwrap();
    let (a, b) = (
        &again.tls(Direction::Request)[0],
        &d.tls(Direction::Request)[0],
    );
    assert_eq!(
        TlsSignature {
            line: 0,
            ..a.clone()
        },
        TlsSignature {
            line: 0,
            ..b.clone()
        }
    );
    assert_eq!(again.to_fp_text(), printed);
}

#[test]
fn each_field_must_fit() {
    let base = curl();
    let d = db(&format!(
        "[tls:request]\nlabel = s:!:curl:\nsys = Linux\nsig = {}\n",
        curl_sig()
    ));
    let quic = TlsObservation {
        transport: TlsTransport::Quic,
        ..base
    };
    let tls12 = TlsObservation {
        version: 0x0303,
        ..base
    };
    let greased = TlsObservation {
        grease: true,
        ..base
    };
    let fewer_ciphers = TlsObservation {
        ciphers: &CURL_CIPHERS[1..],
        ..base
    };
    let other_groups = TlsObservation {
        groups: &CURL_GROUPS[..4],
        ..base
    };
    let other_sigalgs = TlsObservation {
        sig_algs: &CURL_SIGALGS[1..],
        ..base
    };
    let extra_ext = TlsObservation {
        extensions: &[
            0x0000, 0x000b, 0x000a, 0x0010, 0x0016, 0x0017, 0x0031, 0x000d, 0x002b, 0x002d, 0x0033,
            0x0015, 0x001b,
        ],
        ..base
    };
    for (what, obs) in [
        ("transport", quic),
        ("version", tls12),
        ("grease", greased),
        ("ciphers", fewer_ciphers),
        ("groups", other_groups),
        ("sigalgs", other_sigalgs),
        ("extensions", extra_ext),
    ] {
        assert_eq!(named(&d, &obs), None, "{what}");
    }
}

#[test]
fn wildcards_order_insensitive_lists_and_optional_values() {
    let chrome_exts =
        "~0000,0005,000a,000b,000d,0010,0012,0017,001b,0023,002b,002d,0033,44cd,fe0d,ff01";
    let d = db(&format!(
        "[tls:request]\nlabel = s:!:Chromium:\nsys = Linux\n\
         sig = t:13:*:{chrome_exts}:11ec,001d,0017,0018:*:grease:*\n\
         label = s:!:OpenSSL:\nsys = Linux\n\
         sig = *:*:{}:0000,000b,000a,?0010,0016,0017,0031,000d,002b,002d,0033,?0015:*:*::*\n",
        hex(&CURL_CIPHERS)
    ));
    // The extension list parsed sorted, and printed that way.
    let s = &d.tls(Direction::Request)[0];
    assert!(matches!(&s.extensions, TlsList::Unordered(items) if items.len() == 16));
    assert!(s.to_string().starts_with("t:13:*:~0000,0005,000a,"));
    let exts: [[u16; 16]; 2] = [
        [
            0x002b, 0x0012, 0x001b, 0x000a, 0x000b, 0x0010, 0xff01, 0x44cd, 0x0033, 0x002d, 0x0017,
            0x0005, 0x0000, 0x0023, 0x000d, 0xfe0d,
        ],
        [
            0x001b, 0x0005, 0x44cd, 0x000b, 0x0000, 0xff01, 0x0010, 0x0033, 0xfe0d, 0x0017, 0x000d,
            0x002d, 0x0012, 0x0023, 0x002b, 0x000a,
        ],
    ];
    for e in &exts {
        let chrome = TlsObservation {
            extensions: e,
            groups: &[0x11ec, 0x001d, 0x0017, 0x0018],
            grease: true,
            ..curl()
        };
        assert_eq!(named(&d, &chrome).as_deref(), Some("Chromium"));
        // Without GREASE, a missing or an extra extension: no exact match.
        let no_grease = TlsObservation {
            grease: false,
            ..chrome
        };
        assert_eq!(named(&d, &no_grease), None);
        let fewer = TlsObservation {
            extensions: &e[1..],
            ..chrome
        };
        assert_ne!(named(&d, &fewer).as_deref(), Some("Chromium"));
    }
    // `?0010` and `?0015`: ALPN and padding may be absent, in their places.
    assert_eq!(named(&d, &curl()).as_deref(), Some("OpenSSL"));
    let no_alpn = TlsObservation {
        extensions: &[
            0x0000, 0x000b, 0x000a, 0x0016, 0x0017, 0x0031, 0x000d, 0x002b, 0x002d, 0x0033,
        ],
        alpn: b"",
        ..curl()
    };
    assert_eq!(named(&d, &no_alpn).as_deref(), Some("OpenSSL"));
    let moved_alpn = TlsObservation {
        extensions: &[
            0x0000, 0x000b, 0x000a, 0x0016, 0x0010, 0x0017, 0x0031, 0x000d, 0x002b, 0x002d, 0x0033,
        ],
        ..curl()
    };
    assert_eq!(named(&d, &moved_alpn).as_deref(), Some("OpenSSL +fuzzy"));
}

#[test]
fn specific_before_generic_before_fuzzy() {
    let sig = curl_sig();
    let loose = sig.replace("::h2,http/1.1", ":*:*");
    let d = db(&format!(
        "[tls:request]\n\
         label = g:!:OpenSSL:generic\nsys = Linux\nsig = {loose}\n\
         label = s:!:curl:\nsys = Linux\nsig = {sig}\n"
    ));
    assert_eq!(named(&d, &curl()).as_deref(), Some("curl"));
    let other_alpn = TlsObservation {
        alpn: b"\x08http/1.1",
        ..curl()
    };
    assert_eq!(
        named(&d, &other_alpn).as_deref(),
        Some("OpenSSL generic +generic")
    );

    // Fuzzy: only when no exact match; volatile extensions and ALPN left aside.
    let d = db(&format!(
        "[tls:request]\nlabel = s:!:curl:\nsys = Linux\nsig = {sig}\n"
    ));
    assert_eq!(named(&d, &other_alpn).as_deref(), Some("curl +fuzzy"));
    let resumed = TlsObservation {
        extensions: &[
            0x0000, 0x000b, 0x000a, 0x0010, 0x0016, 0x0017, 0x0031, 0x000d, 0x002b, 0x002d, 0x0033,
            0x0015, 0x0029,
        ],
        ..curl()
    };
    assert_eq!(named(&d, &resumed).as_deref(), Some("curl +fuzzy"));
    let no_sni_no_alpn = TlsObservation {
        extensions: &[
            0x000b, 0x000a, 0x0016, 0x0017, 0x0031, 0x000d, 0x002b, 0x002d, 0x0033,
        ],
        alpn: b"",
        ..curl()
    };
    assert_eq!(named(&d, &no_sni_no_alpn).as_deref(), Some("curl +fuzzy"));
    // A stable extension missing is no match at all.
    let no_pha = TlsObservation {
        extensions: &[
            0x0000, 0x000b, 0x000a, 0x0010, 0x0016, 0x0017, 0x000d, 0x002b, 0x002d, 0x0033, 0x0015,
        ],
        ..curl()
    };
    assert_eq!(named(&d, &no_pha), None);
}

#[test]
fn server_hellos_match_in_their_own_section() {
    let d = db(
        "[tls:response]\nlabel = s:!:OpenSSL:server\nsys = Linux\nsig = t:13:1302:002b,0033:001d:::\n",
    );
    let hello = TlsObservation {
        transport: TlsTransport::Tcp,
        version: 0x0304,
        ciphers: &[0x1302],
        extensions: &[0x002b, 0x0033],
        groups: &[0x001d],
        sig_algs: &[],
        alpn: b"",
        grease: false,
    };
    assert_eq!(
        hello.raw_signature().to_string(),
        "t:13:1302:002b,0033:001d:::"
    );
    let m = d.match_tls(Direction::Response, &hello);
    assert_eq!(
        d.label_display(m.signature.unwrap().label).to_string(),
        "OpenSSL server"
    );
    assert!(d.match_tls(Direction::Request, &hello).signature.is_none());
    // ServerHellos match exactly or not at all: the same extensions in another order (or
    // with a volatile one added) are another server. A ClientHello would match fuzzily.
    for extensions in [&[0x0033, 0x002b][..], &[0x002b, 0x0033, 0x0029]] {
        let other = TlsObservation {
            extensions,
            ..hello
        };
        assert!(d.match_tls(Direction::Response, &other).signature.is_none());
        let d2 = db(&format!(
            "[tls:request]\nlabel = s:!:C:\nsys = L\nsig = {}\n",
            hello.raw_signature()
        ));
        assert!(d2.match_tls(Direction::Request, &other).fuzzy);
    }
}

#[test]
fn versions_alpn_escapes_and_print_forms() {
    let d = db("[tls:request]\nlabel = s:!:X:\nsys = Linux\n\
                sig = d:d2:c02b::::grease:\\xba\\xad,h2\n\
                sig = *:7f1c:*:*:*:*:*:*\n\
                sig = q:0304:~1303,1301,?1302::::*:h3\n");
    let sigs = d.tls(Direction::Request);
    assert_eq!(sigs[0].version, Some(0xfefd));
    assert_eq!(
        sigs[0].alpn,
        TlsAlpn::List(vec![vec![0xba, 0xad], b"h2".to_vec()])
    );
    assert_eq!(
        sigs[0].ciphers,
        TlsList::Ordered(vec![TlsItem {
            value: 0xc02b,
            optional: false
        }])
    );
    assert_eq!(sigs[0].extensions, TlsList::Ordered(vec![]));
    assert_eq!(sigs[1].version, Some(0x7f1c));
    assert_eq!(sigs[2].version, Some(0x0304));
    let printed: Vec<String> = sigs.iter().map(ToString::to_string).collect();
    assert_eq!(
        printed,
        [
            "d:d2:c02b::::grease:\\xba\\xad,h2",
            "*:7f1c:*:*:*:*:*:*",
            "q:13:~1301,?1302,1303::::*:h3",
        ]
    );
    // A printed ALPN name with every awkward byte.
    let obs = TlsObservation {
        transport: TlsTransport::Dtls,
        version: 0xfefd,
        ciphers: &[],
        extensions: &[],
        groups: &[],
        sig_algs: &[],
        alpn: b"\x05a,b:c\x03|*\\\x00\x02\x00\xff",
        grease: false,
    };
    let raw = obs.raw_signature().to_string();
    assert_eq!(raw, "d:d2::::::a\\x2cb\\x3ac,\\x7c\\x2a\\x5c,\\x00\\xff");
    let d = db(&format!(
        "[tls:request]\nlabel = s:!:Odd:\nsys = Linux\nsig = {raw}\n"
    ));
    assert!(!d.match_tls(Direction::Request, &obs).fuzzy);
    assert!(d.match_tls(Direction::Request, &obs).signature.is_some());
}

#[test]
fn errors_name_the_line_and_the_problem() {
    let text = "classes = win,unix\n[tls:request]\nlabel = s:!:X:\nsys = Linux\n\
                sig = t:13:1301\n\
                sig = x:13:*:*:*:*:*:*\n\
                sig = t:14:*:*:*:*:*:*\n\
                sig = t:13:13011:*:*:*:*:*\n\
                sig = t:13:*:?0000,0000:*:*:*:*\n\
                sig = t:13:*:*:*:*:ech:*\n\
                sig = t:13:*:*:*:*:*:h 2\n\
                sig = t:13:*:*:*:*:*:h2,,h3\n\
                sig = t:13:*:*:*:*:*:\\x4\n\
                sig = t:13:*:*:*:*:*:*\n\
                sig = t:13:*:*:*:*:*:*\n\
                [tls:sideways]\n\
                [tls:response]\nlabel = s:!:Y:\nsig = t:13:*:*:*:*:*:*\n";
    let m = messages(text);
    let lines: Vec<u32> = m.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 19], "{m:#?}");
    assert!(
        m[0].1
            .starts_with("Malformed signature: 3 fields, expected 8")
    );
    assert!(m[1].1.starts_with("Unrecognized TLS transport 'x'"));
    assert_eq!(m[2].1, "Malformed TLS version '14'");
    assert!(m[3].1.starts_with("Malformed cipher '13011'"));
    assert_eq!(m[4].1, "Repeated extension 0000 in a list with '~' or '?'");
    assert!(m[5].1.starts_with("Unrecognized TLS flags 'ech'"));
    assert!(m[6].1.contains("write byte 0x20 as \\x20"), "{}", m[6].1);
    assert!(m[7].1.contains("1 to 255 bytes"));
    assert!(m[8].1.contains("escapes are \\xNN"));
    assert_eq!(
        m[9].1,
        "Signature in line 15 is already covered by line 14."
    );
    assert_eq!(m[10].1, "Unrecognized traffic direction");
    assert_eq!(m[11].1, "Misplaced 'sig'");
    // And the whole error text names the file.
    let e = Database::parse(text, "my.fp").unwrap_err().to_string();
    assert!(e.starts_with("my.fp:5: Malformed signature"), "{e}");
}

#[test]
fn stock_sections_are_untouched_by_tls_ones() {
    let d = db(
        "[tls:request]\nlabel = s:!:X:\nsys = Linux\nsig = *:*:*:*:*:*:*:*\n\
                [tcp:request]\nlabel = s:unix:Linux:\nsig = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0\n",
    );
    assert_eq!(d.signature_count, 2);
    assert_eq!(d.tcp(Direction::Request).len(), 1);
    assert_eq!(d.tls(Direction::Response).len(), 0);
    // A catch-all matches every hello exactly.
    let m = d.match_tls(Direction::Request, &curl());
    assert!(m.signature.is_some() && !m.fuzzy);
}

fn list16() -> impl Strategy<Value = Vec<u16>> {
    prop_oneof![
        proptest::collection::vec(any::<u16>(), 0..40),
        // Real-looking values, with repeats.
        proptest::collection::vec(
            prop_oneof![0..64u16, 0x1301..0x1306u16, 0xc000..0xc0ffu16],
            0..40
        ),
    ]
}

fn alpn_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(H2_H1.to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..12), 0..5).prop_map(
            |names| {
                names
                    .into_iter()
                    .flat_map(|n| std::iter::once(n.len() as u8).chain(n))
                    .collect()
            }
        ),
    ]
}

fn transport() -> impl Strategy<Value = TlsTransport> {
    prop_oneof![
        Just(TlsTransport::Tcp),
        Just(TlsTransport::Quic),
        Just(TlsTransport::Dtls)
    ]
}

proptest! {
    #[test]
    fn any_observed_hello_prints_parses_back_and_matches_exactly(
        transport in transport(),
        version in prop_oneof![any::<u16>(), Just(0x0304u16), Just(0xfefdu16)],
        lists in (list16(), list16(), list16(), list16()),
        alpn in alpn_body(),
        grease: bool,
    ) {
        let (ciphers, extensions, groups, sig_algs) = lists;
        let obs = TlsObservation {
            transport, version, ciphers: &ciphers, extensions: &extensions,
            groups: &groups, sig_algs: &sig_algs, alpn: &alpn, grease,
        };
        let raw = obs.raw_signature().to_string();
        for section in ["request", "response"] {
            let text = format!("classes = win\n[tls:{section}]\nlabel = s:!:X:\nsys = Linux\nsig = {raw}\n");
            let d = Database::parse(&text, "prop").map_err(|e| TestCaseError::fail(format!("{e}")))?;
            let direction = if section == "request" { Direction::Request } else { Direction::Response };
            let m = d.match_tls(direction, &obs);
            prop_assert!(m.signature.is_some() && !m.fuzzy, "{}", raw);
            let sig = m.signature.unwrap();
            prop_assert_eq!(sig.to_string(), raw.clone());
            prop_assert_eq!(sig, &TlsSignature { label: 0, line: 5, ..TlsSignature::from_observation(&obs, 0) });
        }
    }

    #[test]
    fn written_signatures_print_and_parse_back(
        fields in proptest::collection::vec(
            prop_oneof![
                Just("*".to_string()),
                Just(String::new()),
                "~?[0-9a-f]{4}(,[0-9a-f]{4}){0,5}",
                "[0-9a-f]{4}(,\\?[0-9a-f]{4}){0,5}",
            ],
            4,
        ),
        flags in prop_oneof![Just(""), Just("grease"), Just("*")],
        alpn in prop_oneof![Just("*".to_string()), "([a-z0-9/.-]{1,8}|\\\\x[0-9a-f]{2})(,[a-z0-9/.-]{1,8}){0,3}"],
    ) {
        let sig = format!("t:13:{}:{flags}:{alpn}", fields.join(":"));
        let text = format!("classes = win\n[tls:request]\nlabel = s:!:X:\nsys = Linux\nsig = {sig}\n");
        // Repeated values under `~` / `?` are refused; everything else loads.
        let Ok(d) = Database::parse(&text, "prop") else { return Ok(()); };
        let printed = d.to_fp_text();
        let again = Database::parse(&printed, "again").map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let shown = |d: &Database| -> Vec<String> {
            d.tls(Direction::Request).iter().map(ToString::to_string).collect()
        };
        prop_assert_eq!(shown(&again), shown(&d));
        prop_assert_eq!(
            again.tls(Direction::Request)[0].ciphers.clone(),
            d.tls(Direction::Request)[0].ciphers.clone()
        );
        prop_assert_eq!(again.to_fp_text(), printed);
    }

    #[test]
    fn list_matching_agrees_with_its_definition(
        values in proptest::collection::btree_set(0..24u16, 0..12),
        optional in proptest::collection::vec(any::<bool>(), 12),
        observed in proptest::collection::vec(0..24u16, 0..14),
    ) {
        let items: Vec<TlsItem> = values
            .iter()
            .zip(&optional)
            .map(|(&value, &optional)| TlsItem { value, optional })
            .collect();
        // `~`: each observed value is an item, at most once; each required item observed.
        let once = observed.iter().all(|v| observed.iter().filter(|w| *w == v).count() == 1);
        let unordered = once
            && observed.iter().all(|v| values.contains(v))
            && items.iter().all(|i| i.optional || observed.contains(&i.value));
        prop_assert_eq!(TlsList::Unordered(items.clone()).matches(&observed), unordered);
        // Ordered (by value here): the observed list is the items in order, optional ones
        // left out at will.
        let mut rest = observed.as_slice();
        let mut ordered = true;
        for i in &items {
            match rest.split_first() {
                Some((&v, tail)) if v == i.value => rest = tail,
                _ if i.optional => {}
                _ => ordered = false,
            }
        }
        ordered &= rest.is_empty();
        prop_assert_eq!(TlsList::Ordered(items).matches(&observed), ordered);
    }

    #[test]
    fn the_tls_parser_never_panics(body in "[a-z0-9:,~?*\\\\x ]{0,80}") {
        let _ = Database::parse(&format!("classes = win\n[tls:request]\nlabel = s:!:X:\nsys = L\nsig = {body}\n"), "fuzz");
    }
}

/// Every TLS signature of the embedded database matches the hello made of all its values
/// (optional ones included, `*` as empty) exactly, and its printed form loads back
/// unchanged: no signature is dead or shadowed into fuzziness.
#[test]
fn every_embedded_tls_signature_matches_its_own_values() {
    let db = Database::embedded();
    for direction in [Direction::Request, Direction::Response] {
        assert!(!db.tls(direction).is_empty());
        for sig in db.tls(direction) {
            let values = |l: &TlsList| l.items().iter().map(|i| i.value).collect::<Vec<_>>();
            let (c, e, g, s) = (
                values(&sig.ciphers),
                values(&sig.extensions),
                values(&sig.groups),
                values(&sig.sig_algs),
            );
            let alpn: Vec<u8> = match &sig.alpn {
                TlsAlpn::Any => b"\x02h2".to_vec(),
                TlsAlpn::List(names) => names
                    .iter()
                    .flat_map(|n| std::iter::once(n.len() as u8).chain(n.iter().copied()))
                    .collect(),
            };
            let obs = TlsObservation {
                transport: sig.transport.unwrap_or(TlsTransport::Tcp),
                version: sig.version.unwrap_or(0x0304),
                ciphers: &c,
                extensions: &e,
                groups: &g,
                sig_algs: &s,
                alpn: &alpn,
                grease: sig.grease.unwrap_or(false),
            };
            let m = db.match_tls(direction, &obs);
            assert!(!m.fuzzy, "{sig}");
            assert_eq!(
                m.signature.map(|s| s.line),
                Some(sig.line),
                "{sig} is shadowed"
            );
        }
    }
    let again = Database::parse(&db.to_fp_text(), "printed").unwrap();
    for direction in [Direction::Request, Direction::Response] {
        let shown = |d: &Database| {
            d.tls(direction)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(shown(&again), shown(&db));
    }
}
