//! Inputs that crashed the `fp_parser` fuzz target (`fuzz/`), kept as byte literals.

use p0fmod_db::Database;

/// `sig = *:4-:` followed by a multi-byte character (here U+FFFD, which is what
/// `Database::load` makes of an invalid byte). p0f's `N-` TTL skips one byte after the
/// colon, which left the parser inside the character, and slicing there panicked. The
/// line is refused, as p0f refuses it.
#[test]
fn bad_ttl_followed_by_a_multibyte_character() {
    const INPUT: &[u8] = b"[tcp:request]\nlabel=\nsig=*:4-:\xff";
    let text = String::from_utf8_lossy(INPUT);
    let errors = Database::parse(&text, "crash.fp").unwrap_err();
    assert!(errors.0.iter().any(|e| e.line == 3), "{errors}");

    for tail in ["é:0:*:mss,ws:df:0", "\u{fffd}", "€4:*:*:mss:df:0"] {
        let line =
            format!("classes = unix\n[tcp:request]\nlabel = s:unix:X:y\nsig = *:64-:{tail}\n");
        let errors = Database::parse(&line, "crash.fp").unwrap_err();
        assert_eq!(errors.0[0].line, 4, "{errors}");
    }
}

/// Name ids are 16 bits: the 65,537th distinct name used to be a panic (`expect`), and is
/// now an error on its line, with every other error still listed.
#[test]
fn more_distinct_names_than_ids_is_an_error_not_a_panic() {
    let mut text = String::from("classes = unix\n[tcp:request]\n");
    for i in 0..65_540 {
        text.push_str(&format!(
            "label = s:unix:N{i}:1\nsig = 4:64:0:*:{},0:mss:df:0\n",
            i % 60_000 + 1
        ));
    }
    let errors = Database::parse(&text, "names.fp").unwrap_err();
    let too_many: Vec<_> = errors
        .0
        .iter()
        .filter(|e| e.message.starts_with("Too many distinct names"))
        .collect();
    assert_eq!(too_many.len(), 4, "{errors}");
    assert_eq!(too_many[0].line, 2 + 2 * 65_536 + 1);
}
