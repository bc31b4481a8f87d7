//! `p0fmod_http::HttpParser` on request and response bytes arriving in pieces.
//!
//! Input: a control byte (bit 0: request or response; bits 1-3: how many cut points
//! follow), the cut points (two bytes each, little-endian), then the payload. The parser
//! is called as the engine calls it: with the buffer so far, after each piece, the buffer
//! growing up to the flow limit of 8192 bytes.
//!
//! Checked: nothing panics; `Complete` and `NotHttp` are final; headers stay within p0f's
//! 32, their ranges inside the buffer; the value helpers (`clean_value`, `language`,
//! `parse_http_date`) take every header value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use p0fmod_http::{
    HTTP_MAX_HDRS, HttpParser, MAX_FLOW_DATA, MessageKind, Progress, clean_value, language,
    parse_http_date,
};

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let kind = if control & 1 == 0 {
        MessageKind::Request
    } else {
        MessageKind::Response
    };
    let cuts = usize::from((control >> 1) & 7);
    let Some((points, payload)) = rest.split_at_checked(cuts * 2) else {
        return;
    };
    let mut ends: Vec<usize> = points
        .chunks_exact(2)
        .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (payload.len() + 1))
        .collect();
    ends.sort_unstable();
    ends.push(payload.len());

    let mut parser = HttpParser::new(kind);
    let mut last = Progress::NeedMore;
    let mut buf: Vec<u8> = Vec::with_capacity(MAX_FLOW_DATA);
    let mut taken = 0;
    for end in ends {
        // The engine keeps at most MAX_FLOW_DATA bytes per direction.
        let room = MAX_FLOW_DATA - buf.len();
        let piece = &payload[taken..end];
        buf.extend_from_slice(&piece[..piece.len().min(room)]);
        taken = end;
        let progress = parser.parse(&buf);
        if last != Progress::NeedMore {
            assert_eq!(progress, last, "a final answer changed");
        }
        last = progress;
        assert!(parser.headers().len() <= HTTP_MAX_HDRS);
        for header in parser.headers() {
            assert!(usize::from(header.name.end) <= buf.len());
            let name = header.name_in(&buf);
            if let Some(value) = header.value_in(&buf) {
                let _ = clean_value(value, name.eq_ignore_ascii_case(b"User-Agent"));
                let _ = language(value).as_str();
                let _ = parse_http_date(value);
            }
        }
        if last == Progress::NotHttp {
            assert!(parser.is_not_http());
        }
    }
    assert_eq!(parser.kind(), kind);
    assert!(parser.version() <= 1);
});
