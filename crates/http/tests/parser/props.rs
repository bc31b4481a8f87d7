//! Properties: no input or segmentation makes the parser panic or store a malformed
//! header, and request parsing does not depend on where segments end.

use crate::common::feed;
use p0fmod_http::{
    HTTP_MAX_HDR_NAME, HTTP_MAX_HDRS, HttpParser, MAX_FLOW_DATA, MessageKind, Progress,
};
use proptest::prelude::*;

/// First lines, some valid and some not.
fn first_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"GET / HTTP/1.1\r\n".to_vec()),
        Just(b"HEAD /x HTTP/1.0\n".to_vec()),
        Just(b"HTTP/1.1 200 OK\r\n".to_vec()),
        Just(b"HTTP/1.0 404\n".to_vec()),
        Just(b"POST / HTTP/1.1\r\n".to_vec()),
        (prop::collection::vec(any::<u8>(), 0..40)).prop_map(|mut v| {
            v.splice(0..0, b"GET /".iter().copied());
            v
        }),
        prop::collection::vec(any::<u8>(), 0..40),
    ]
}

/// Header lines, mostly well-formed, with the awkward cases mixed in.
fn header_line() -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        Just(b"Host".to_vec()),
        Just(b"User-Agent".to_vec()),
        Just(b"X_a-1".to_vec()),
        Just(Vec::new()),
        prop::collection::vec(prop::sample::select(b"aZ9-_ .:\t".to_vec()), 1..40),
    ];
    let sep = prop::sample::select(vec![&b":"[..], b": ", b":\t", b":  ", b" :", b""]);
    let value = prop_oneof![
        prop::collection::vec(
            prop::sample::select(b"ab ]|\r\t\x00\x7f\x80\xff".to_vec()),
            0..20
        ),
        (1000usize..1030).prop_map(|n| vec![b'v'; n]),
        Just(Vec::new()),
    ];
    let end = prop::sample::select(vec![&b"\r\n"[..], b"\n", b"\r", b""]);
    (name, sep, value, end).prop_map(|(n, s, v, e)| [n.as_slice(), s, v.as_slice(), e].concat())
}

/// HTTP-like messages, and sometimes plain bytes.
fn message() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (
            first_line(),
            prop::collection::vec(header_line(), 0..40),
            prop::sample::select(vec![&b"\r\n"[..], b"\n", b"\r", b""]),
            prop::collection::vec(any::<u8>(), 0..20),
        )
            .prop_map(|(f, h, e, body)| [f, h.concat(), e.to_vec(), body].concat()),
        1 => prop::collection::vec(any::<u8>(), 0..300),
        1 => (first_line(), 8000usize..8300).prop_map(|(f, n)| {
            let mut v = f;
            while v.len() < n {
                v.extend_from_slice(b"X-Fill: 0123456789abcdef\r\n");
            }
            v.truncate(n);
            v
        }),
    ]
}

/// Sorted cut points inside `len`.
fn cuts(len: usize, raw: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = raw.iter().map(|c| c % (len + 1)).collect();
    v.sort_unstable();
    v
}

/// What a parse concluded, counting the quirky `NeedMore` of a non-HTTP verdict as `NotHttp`.
fn outcome(p: Progress, parser: &HttpParser) -> Progress {
    if parser.is_not_http() {
        Progress::NotHttp
    } else {
        p
    }
}

/// The stored headers are well-formed and lie inside the buffer.
fn check_headers(parser: &HttpParser, buf: &[u8]) -> Result<(), TestCaseError> {
    let buf = &buf[..buf.len().min(MAX_FLOW_DATA)];
    prop_assert!(parser.headers().len() <= HTTP_MAX_HDRS);
    prop_assert!(parser.version() <= 1);
    for h in parser.headers() {
        let (start, end) = (usize::from(h.name.start), usize::from(h.name.end));
        prop_assert!(start < end && end - start <= HTTP_MAX_HDR_NAME && end < buf.len());
        prop_assert!(
            buf[start..end]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        prop_assert_eq!(buf[end], b':');
        if let Some(v) = &h.value {
            prop_assert!(v.start < v.end && usize::from(v.end) < buf.len());
            prop_assert!(!buf[usize::from(v.start)..usize::from(v.end)].contains(&b'\n'));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn never_panics(buf in message(), raw in prop::collection::vec(any::<usize>(), 0..6), response in any::<bool>()) {
        let kind = if response { MessageKind::Response } else { MessageKind::Request };
        let mut parser = HttpParser::new(kind);
        let mut last = Progress::NeedMore;
        for cut in cuts(buf.len(), &raw).into_iter().chain([buf.len()]) {
            let p = parser.parse(&buf[..cut]);
            if matches!(last, Progress::Complete | Progress::NotHttp) {
                prop_assert_eq!(p, last);
            }
            last = p;
            check_headers(&parser, &buf[..cut])?;
        }
    }

    #[test]
    fn request_splits_do_not_matter(buf in message(), raw in prop::collection::vec(any::<usize>(), 1..6)) {
        let (p, whole) = feed(MessageKind::Request, &buf, &[]);
        let (q, split) = feed(MessageKind::Request, &buf, &cuts(buf.len(), &raw));
        prop_assert_eq!(outcome(p, &whole), outcome(q, &split));
        if p == Progress::Complete {
            prop_assert_eq!(whole.version(), split.version());
            prop_assert_eq!(whole.headers(), split.headers());
        }
    }

    #[test]
    fn response_splits_inside_the_status_line_do_not_matter(
        buf in message(),
        raw in prop::collection::vec(any::<usize>(), 1..4),
    ) {
        let line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
        let (p, whole) = feed(MessageKind::Response, &buf, &[]);
        let (q, split) = feed(MessageKind::Response, &buf, &cuts(line_end, &raw));
        prop_assert_eq!(outcome(p, &whole), outcome(q, &split));
        prop_assert_eq!(whole.headers(), split.headers());
    }

    #[test]
    fn byte_at_a_time_request(buf in message()) {
        let all: Vec<usize> = (0..buf.len()).collect();
        let (p, whole) = feed(MessageKind::Request, &buf, &[]);
        let (q, split) = feed(MessageKind::Request, &buf, &all);
        prop_assert_eq!(outcome(p, &whole), outcome(q, &split));
        if p == Progress::Complete {
            prop_assert_eq!(whole.headers(), split.headers());
        }
    }
}
