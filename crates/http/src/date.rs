//! The Date header as seconds since the epoch (spec §9.7).
//!
//! p0f reads it with the C library's `strptime` and the format
//! `%a, %d %b %Y %H:%M:%S %Z`, then converts with `mktime` in local time from an
//! uninitialised `struct tm` (a bug: the result can shift by an hour between runs). This
//! reading accepts exactly what glibc's `strptime` accepts in the C locale, and converts as
//! UTC, which is what the reference gives when run with `TZ=UTC`.

/// Weekday names, Sunday first; each is tried in full, then as its first three letters.
const DAYS: [&[u8]; 7] = [
    b"sunday",
    b"monday",
    b"tuesday",
    b"wednesday",
    b"thursday",
    b"friday",
    b"saturday",
];
/// Month names, January first; each is tried in full, then as its first three letters.
const MONTHS: [&[u8]; 12] = [
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
];

/// The Date value `value` as UTC seconds since 1970, read the way glibc's `strptime` reads
/// `%a, %d %b %Y %H:%M:%S %Z`; `None` when that fails.
///
/// Lenient as `strptime` is: names match in any case, in full or abbreviated; numbers may
/// have fewer digits and leading white space; white space in the format matches any run of
/// white space, including none; and `%Z` (so everything after the seconds) is ignored.
/// Out-of-range days are normalised as `mktime` does (`31 Feb` is `3 Mar`; seconds go up
/// to 61). A value at the epoch itself also gives `None`: p0f stores 0 for "no date".
pub fn parse_http_date(value: &[u8]) -> Option<i64> {
    let text = value.split(|&b| b == 0).next().unwrap_or_default();
    let mut cur = Cursor(text);
    cur.name(&DAYS)?;
    cur.literal(b',')?;
    cur.spaces();
    let day = cur.number(1, 31, 2)?;
    cur.spaces();
    let month = cur.name(&MONTHS)?;
    cur.spaces();
    let year = cur.number(0, 9999, 4)?;
    cur.spaces();
    let hour = cur.number(0, 23, 2)?;
    cur.literal(b':')?;
    let minute = cur.number(0, 59, 2)?;
    cur.literal(b':')?;
    let second = cur.number(0, 61, 2)?;
    let days = days_from_civil(i64::from(year), month + 1) + i64::from(day) - 1;
    let time = days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second);
    (time != 0).then_some(time)
}

/// The unread rest of the value.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    /// White space in the format: skips any run of C `isspace` bytes, possibly empty.
    fn spaces(&mut self) {
        let n = self.0.iter().take_while(|b| is_space(**b)).count();
        self.0 = &self.0[n..];
    }

    /// A literal byte of the format.
    fn literal(&mut self, want: u8) -> Option<()> {
        let (&first, rest) = self.0.split_first()?;
        (first == want).then(|| self.0 = rest)
    }

    /// `%a` / `%b`: the index of the first name matching in full, else by its first three
    /// letters, ignoring case.
    fn name(&mut self, names: &[&[u8]]) -> Option<u32> {
        for (i, name) in (0u32..).zip(names) {
            for candidate in [*name, &name[..3]] {
                if self.0.len() >= candidate.len()
                    && self.0[..candidate.len()].eq_ignore_ascii_case(candidate)
                {
                    self.0 = &self.0[candidate.len()..];
                    return Some(i);
                }
            }
        }
        None
    }

    /// A numeric field: leading white space, then at least one digit and at most
    /// `max_digits`, stopping early once another digit would exceed `max`; the value must
    /// lie in `min..=max`.
    fn number(&mut self, min: u32, max: u32, max_digits: usize) -> Option<u32> {
        self.spaces();
        let mut value = 0u32;
        let mut digits = 0;
        while let Some(&b) = self.0.first() {
            if !b.is_ascii_digit() || digits == max_digits || (digits > 0 && value * 10 > max) {
                break;
            }
            value = value * 10 + u32::from(b - b'0');
            digits += 1;
            self.0 = &self.0[1..];
        }
        (digits > 0 && (min..=max).contains(&value)).then_some(value)
    }
}

/// C `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Days from 1970-01-01 to the first of `month` (1..=12) of `year`, proleptic Gregorian.
fn days_from_civil(year: i64, month: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<i64> {
        parse_http_date(s.as_bytes())
    }

    #[test]
    fn rfc1123() {
        assert_eq!(p("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(p("Tue, 14 Nov 2023 22:13:20 GMT"), Some(1_700_000_000));
        assert_eq!(p("Thu, 01 Jan 1970 00:00:01 GMT"), Some(1));
        assert_eq!(p("Fri, 31 Dec 9999 23:59:59 GMT"), Some(253_402_300_799));
        assert_eq!(p("Tue, 29 Feb 2000 23:59:60 GMT"), Some(951_868_800));
    }

    #[test]
    fn lenient_like_strptime() {
        let t = Some(784_111_777);
        for s in [
            "sunday, 6 nov 1994 8:49:37 GMT",
            "SUN, 06 NOV 1994 08:49:37 GMT",
            "Sun,06 Nov 1994 08:49:37 GMT",
            "Sun,  6 Nov 1994 08:49:37 GMT",
            "Sun, 6Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov1994 08:49:37 GMT",
            "Sun, 06 Nov 199408:49:37 GMT",
            "Sun, 06 November 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08: 49:37 GMT",
            "Sun, 06 Nov 1994 08:\t49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 ",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 06 Nov 1994 08:49:37GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, 06 Nov 1994 08:49:37 \u{c4}",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Sun,\n06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(p(s), t, "{s:?}");
        }
        assert_eq!(p("Sun, 06 Nov 1994 08:49:3 GMT"), Some(784_111_743));
        assert_eq!(p("Sun, 06 Nov 1994 08:49: 7"), Some(784_111_747));
        assert_eq!(p("Sun, 06 Nov 1994 08:49:7x"), Some(784_111_747));
        assert_eq!(p("Sun, 06 Nov 1994 08:49:375"), Some(784_111_777));
    }

    #[test]
    fn normalised_like_mktime() {
        assert_eq!(p("Sun, 31 Feb 1994 08:49:37 GMT"), Some(762_684_577));
        assert_eq!(p("Sun, 06 Nov 1994 08:49:61 GMT"), Some(784_111_801));
        assert_eq!(p("Sun, 06 Nov 94 08:49:37 GMT"), Some(-59_174_032_223));
        assert_eq!(p("Sun, 06 Nov 0 08:49:37 GMT"), Some(-62_140_403_423));
    }

    #[test]
    fn rejected_like_strptime() {
        for s in [
            "",
            "Sun",
            "Sun ,06 Nov 1994 08:49:37 GMT",
            "  Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunxx, 06 Nov 1994 08:49:37 GMT",
            "Sund, 06 Nov 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 006 Nov 1994 08:49:37 GMT",
            "Sun, 45 Nov 1994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Sept 1994 08:49:37 GMT",
            "Sun, 06 Nov -994 08:49:37 GMT",
            "Sun, 06 Nov 19945 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:60:37 GMT",
            "Sun, 06 Nov 1994 08:49:62 GMT",
            "Sun, 06 Nov 1994 08:49:",
            "Sun, 06 Nov 1994 08-49-37 GMT",
            "1994-11-06T08:49:37Z",
            "Sunday, 06-Nov-94 08:49:37 GMT",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn nul_ends_the_value_and_epoch_is_no_date() {
        assert_eq!(parse_http_date(b"Sun, 06\0 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(
            parse_http_date(b"Sun, 06 Nov 1994 08:49:37\0junk"),
            Some(784_111_777)
        );
        assert_eq!(p("Thu, 01 Jan 1970 00:00:00 GMT"), None);
    }
}
