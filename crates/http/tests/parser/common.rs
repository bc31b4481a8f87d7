//! Helpers shared by the parser tests.

use p0fmod_http::{HttpParser, MessageKind, Progress};

/// Parses `buf` in one call.
pub fn parse_once(kind: MessageKind, buf: &[u8]) -> (Progress, HttpParser) {
    let mut parser = HttpParser::new(kind);
    let p = parser.parse(buf);
    (p, parser)
}

/// Parses `buf` as it grows: one call per prefix ending at each of `cuts` (ascending),
/// then one with the whole of it; returns the last result.
pub fn feed(kind: MessageKind, buf: &[u8], cuts: &[usize]) -> (Progress, HttpParser) {
    let mut parser = HttpParser::new(kind);
    for &cut in cuts {
        parser.parse(&buf[..cut]);
    }
    let p = parser.parse(buf);
    (p, parser)
}

/// The stored headers as (name, value) strings.
pub fn header_list<'b>(parser: &HttpParser, buf: &'b [u8]) -> Vec<(&'b str, Option<&'b str>)> {
    parser
        .headers()
        .iter()
        .map(|h| {
            let name = std::str::from_utf8(h.name_in(buf)).expect("ASCII name");
            let value = h
                .value_in(buf)
                .map(|v| std::str::from_utf8(v).expect("UTF-8 value in tests"));
            (name, value)
        })
        .collect()
}
