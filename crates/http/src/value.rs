//! How a header value is shown in `raw_sig` (spec §9.4).

use crate::HTTP_MAX_SHOW;

/// The shown prefix of a header value: it stops before the first byte that is below 0x20,
/// at or above 0x80, or `]` (and `|` when `stop_at_pipe`), and is at most
/// [`HTTP_MAX_SHOW`] bytes long.
///
/// p0f stops at `|` for known headers in `horder`, but not for unknown headers nor for the
/// `sw` field, so `|` can reach the pipe-delimited log unescaped.
pub fn clean_value(value: &[u8], stop_at_pipe: bool) -> &[u8] {
    let shown = &value[..value.len().min(HTTP_MAX_SHOW)];
    let end = shown
        .iter()
        .position(|&b| !(0x20..0x80).contains(&b) || b == b']' || (stop_at_pipe && b == b'|'))
        .unwrap_or(shown.len());
    &shown[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_pass_through() {
        assert_eq!(clean_value(b"curl/7.20.0", true), b"curl/7.20.0");
        assert_eq!(clean_value(b"", true), b"");
        assert_eq!(clean_value(b" x ~\x7f", true), b" x ~\x7f");
    }

    #[test]
    fn stops_at_control_high_and_bracket() {
        assert_eq!(clean_value(b"a\tb", false), b"a");
        assert_eq!(clean_value(b"a\x1fb", false), b"a");
        assert_eq!(clean_value(b"a\x00b", false), b"a");
        assert_eq!(clean_value(b"caf\xc3\xa9", false), b"caf");
        assert_eq!(clean_value(b"a\x80", false), b"a");
        assert_eq!(clean_value(b"[a]b", false), b"[a");
        assert_eq!(clean_value(b"]", true), b"");
    }

    #[test]
    fn pipe_only_when_asked() {
        assert_eq!(clean_value(b"a|b", true), b"a");
        assert_eq!(clean_value(b"a|b", false), b"a|b");
    }

    #[test]
    fn at_most_200_bytes() {
        let long = [b'x'; 300];
        assert_eq!(clean_value(&long, true).len(), 200);
        assert_eq!(clean_value(&long[..200], true).len(), 200);
        assert_eq!(clean_value(&long[..199], true).len(), 199);
        let mut late_stop = [b'x'; 250];
        late_stop[210] = b']';
        assert_eq!(clean_value(&late_stop, true).len(), 200);
        late_stop[150] = b'\n';
        assert_eq!(clean_value(&late_stop, true).len(), 150);
    }
}
