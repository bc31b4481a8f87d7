//! Property tests: printed signatures parse back to the same signature, and no input makes
//! the parser panic.

use p0fmod_db::{Database, Direction, PayloadClass, TcpSignature, WindowSpec};
use p0fmod_wire::{IpVersion, Quirks};
use proptest::prelude::*;

fn version() -> impl Strategy<Value = Option<IpVersion>> {
    prop_oneof![
        Just(None),
        Just(Some(IpVersion::V4)),
        Just(Some(IpVersion::V6))
    ]
}

fn window() -> impl Strategy<Value = WindowSpec> {
    prop_oneof![
        Just(WindowSpec::Any),
        any::<u16>().prop_map(WindowSpec::Literal),
        (2..=u16::MAX).prop_map(WindowSpec::Modulo),
        (1..=1000u16).prop_map(WindowSpec::MssMultiple),
        (1..=1000u16).prop_map(WindowSpec::MtuMultiple),
    ]
}

fn payload() -> impl Strategy<Value = PayloadClass> {
    prop_oneof![
        Just(PayloadClass::Any),
        Just(PayloadClass::Zero),
        Just(PayloadClass::NonZero)
    ]
}

/// Valid TCP signatures: quirks fit the version, EOL padding only after a final EOL.
fn tcp_signature() -> impl Strategy<Value = TcpSignature> {
    (
        version(),
        (1..=255u8, any::<bool>(), any::<u8>()),
        (
            proptest::option::of(any::<u16>()),
            window(),
            proptest::option::of(any::<u8>()),
        ),
        (proptest::collection::vec(any::<u8>(), 0..=24), any::<u8>()),
        (any::<u32>(), payload()),
    )
        .prop_map(
            |(
                version,
                (ttl, bad_ttl, ip_opt_len),
                (mss, window, wscale),
                (opt_layout, pad),
                (bits, payload_class),
            )| {
                let all = Quirks::NAMED.iter().fold(0, |m, (q, _)| m | q.0);
                let mut quirks = Quirks(bits & all);
                match version {
                    Some(IpVersion::V4) => quirks = quirks.without(Quirks::FLOW),
                    Some(IpVersion::V6) => {
                        quirks = quirks
                            .without(Quirks::DF | Quirks::NZ_ID | Quirks::ZERO_ID | Quirks::NZ_MBZ)
                    }
                    None => {}
                }
                let eol_pad = if opt_layout.last() == Some(&0) {
                    pad
                } else {
                    0
                };
                TcpSignature {
                    label: 0,
                    line: 4,
                    version,
                    ttl,
                    bad_ttl,
                    ip_opt_len,
                    mss,
                    window,
                    wscale,
                    opt_layout,
                    eol_pad,
                    quirks,
                    payload_class,
                }
            },
        )
}

/// One header of a generated HTTP signature: `(optional, name, value)`.
type HeaderModel = (bool, String, Option<String>);

fn header_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,12}"
}

fn http_model() -> impl Strategy<Value = (Option<u8>, Vec<HeaderModel>, Vec<String>, Option<String>)>
{
    (
        prop_oneof![Just(None), Just(Some(0u8)), Just(Some(1u8))],
        proptest::collection::vec(
            (
                any::<bool>(),
                header_name(),
                proptest::option::of("[ -\\\\^-~]{1,16}"),
            ),
            0..=32,
        ),
        proptest::collection::vec(header_name(), 0..=32),
        proptest::option::of("[!-9;-~]([ -9;-~]{0,14}[!-9;-~])?"),
    )
}

/// The model written as a `sig =` value (the test's own writer, not the crate's printer).
fn http_text(
    version: Option<u8>,
    headers: &[HeaderModel],
    absent: &[String],
    sw: &Option<String>,
) -> String {
    let ver = version.map_or("*".to_string(), |v| v.to_string());
    let hdrs: Vec<String> = headers
        .iter()
        .map(|(opt, name, value)| {
            let mut s = if *opt {
                format!("?{name}")
            } else {
                name.clone()
            };
            if let Some(v) = value {
                s.push_str(&format!("=[{v}]"));
            }
            s
        })
        .collect();
    format!(
        "{ver}:{}:{}:{}",
        hdrs.join(","),
        absent.join(","),
        sw.as_deref().unwrap_or("")
    )
}

fn one_sig_db(section: &str, label: &str, sig: &str) -> Result<Database, String> {
    let text = format!("classes = win,unix\n[{section}]\nlabel = {label}\nsig = {sig}\n");
    Database::parse(&text, "prop").map_err(|e| format!("{e}\n{text}"))
}

/// An HTTP signature as names and values, independent of header ids.
fn resolved(db: &Database) -> (Option<u8>, Vec<HeaderModel>, Vec<String>, Option<String>) {
    let s = &db.http(Direction::Request)[0];
    (
        s.version,
        s.headers
            .iter()
            .map(|h| {
                (
                    h.optional,
                    db.headers.name(h.id).to_string(),
                    h.value.clone(),
                )
            })
            .collect(),
        s.absent
            .iter()
            .map(|&a| db.headers.name(a).to_string())
            .collect(),
        s.expected_sw.clone(),
    )
}

proptest! {
    #[test]
    fn tcp_signatures_print_and_parse_back(sig in tcp_signature()) {
        let text = sig.to_string();
        let db = one_sig_db("tcp:request", "s:unix:X:", &text).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&db.tcp(Direction::Request)[0], &sig, "printed as {}", text);
    }

    #[test]
    fn http_signatures_print_and_parse_back(
        (version, headers, absent, sw) in http_model()
    ) {
        let text = http_text(version, &headers, &absent, &sw);
        let first = one_sig_db("http:request", "s:!:X:\nsys = Linux", &text)
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(resolved(&first), (version, headers, absent, sw));
        let printed = first.http(Direction::Request)[0].display(&first.headers).to_string();
        prop_assert_eq!(&printed, &text);
        let second = one_sig_db("http:request", "s:!:X:\nsys = Linux", &printed)
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(resolved(&second), resolved(&first));
    }

    #[test]
    fn whole_databases_print_and_parse_back(
        sigs in proptest::collection::vec(tcp_signature(), 1..8)
    ) {
        // Each signature under its own label. A text the duplicate check refuses is skipped.
        let mut text = String::from("classes = win,unix\n[tcp:response]\n");
        for (i, s) in sigs.iter().enumerate() {
            let kind = if i % 2 == 0 { 's' } else { 'g' };
            text.push_str(&format!("label = {kind}:unix:N{i}:v {i}\nsig = {s}\n"));
        }
        if let Ok(db) = Database::parse(&text, "prop") {
            let again = Database::parse(&db.to_fp_text(), "again")
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(again.signature_count, db.signature_count);
            for (a, b) in again.tcp(Direction::Response).iter().zip(db.tcp(Direction::Response)) {
                prop_assert_eq!(again.label_text(a.label), db.label_text(b.label));
                prop_assert_eq!(a.to_string(), b.to_string());
            }
        }
    }

    #[test]
    fn the_parser_never_panics(body in "[\\[\\]a-z0-9:=,+*%?!@ .;\t\r\n-]{0,200}") {
        for prefix in [
            "",
            "classes = win\n[tcp:request]\nlabel = s:win:X:\nsig = ",
            "classes = win\n[http:request]\nlabel = s:!:X:\nsys = ",
            "classes = win\n[http:response]\nlabel = g:!:X:\nsys = A\nsig = ",
            "[mtu]\nlabel = ",
        ] {
            let _ = Database::parse(&format!("{prefix}{body}"), "fuzz");
        }
    }
}
