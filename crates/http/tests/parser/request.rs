//! Request parsing: request-line detection (spec §9.2) and header rules (spec §9.4).
//! Outcomes marked "reference" were checked by running p0f 3.09b on crafted captures.

use crate::common::{feed, header_list, parse_once};
use p0fmod_http::{HttpParser, MAX_FLOW_DATA, MessageKind, Progress};

const REQ: &[u8] =
    b"GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.20.0\r\nAccept: */*\r\n\r\n";

fn req_with(extra: &[u8]) -> Vec<u8> {
    let mut v = b"GET / HTTP/1.1\r\nHost: example.com\r\n".to_vec();
    v.extend_from_slice(extra);
    v.extend_from_slice(b"Accept: */*\r\n\r\n");
    v
}

fn outcome(buf: &[u8]) -> Progress {
    parse_once(MessageKind::Request, buf).0
}

#[test]
fn simple_get() {
    let (p, parser) = parse_once(MessageKind::Request, REQ);
    assert_eq!(p, Progress::Complete);
    assert_eq!(parser.version(), 1);
    assert_eq!(
        header_list(&parser, REQ),
        [
            ("Host", Some("example.com")),
            ("User-Agent", Some("curl/7.20.0")),
            ("Accept", Some("*/*")),
        ]
    );
    assert!(!parser.is_not_http());
    assert_eq!(parser.kind(), MessageKind::Request);
}

#[test]
fn only_get_and_head() {
    assert_eq!(
        outcome(b"HEAD / HTTP/1.0\r\nHost: x\r\n\r\n"),
        Progress::Complete
    );
    assert_eq!(outcome(b"GET /index.html HTTP/1.0\n\n"), Progress::Complete);
    assert_eq!(
        outcome(b"POST / HTTP/1.1\r\nHost: x\r\n\r\n"),
        Progress::NotHttp
    );
    assert_eq!(
        outcome(b"PUT / HTTP/1.1\r\nHost: x\r\n\r\n"),
        Progress::NotHttp
    );
    assert_eq!(
        outcome(b"get / HTTP/1.1\r\nHost: x\r\n\r\n"),
        Progress::NotHttp
    );
    assert_eq!(
        outcome(b"GET http://x/ HTTP/1.1\r\n\r\n"),
        Progress::NotHttp
    );
    assert_eq!(outcome(b"HEAD  / HTTP/1.1\r\n\r\n"), Progress::NotHttp);
    assert_eq!(
        outcome(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03abcdefgh"),
        Progress::NotHttp
    );
}

#[test]
fn waits_for_fifteen_bytes() {
    // Even a non-GET start is not judged before 15 bytes.
    assert_eq!(outcome(b"POST / HTTP/1."), Progress::NeedMore);
    assert_eq!(outcome(b"GET / HTTP/1.0"), Progress::NeedMore);
    assert_eq!(outcome(b""), Progress::NeedMore);
    // Exactly 15 bytes: the shortest complete request line.
    assert_eq!(outcome(b"GET / HTTP/1.0\n"), Progress::NeedMore);
    assert_eq!(outcome(b"GET / HTTP/1.0\n\n"), Progress::Complete);
    assert_eq!(outcome(b"POST / HTTP/1.1"), Progress::NotHttp);
}

#[test]
fn request_line_end_limits() {
    // `\n` at offset 13 is too early, 14 is fine.
    assert_eq!(
        outcome(b"GET /HTTP/1.0\nHost: x\r\n\r\n"),
        Progress::NotHttp
    );
    assert_eq!(
        outcome(b"GET / HTTP/1.0\nHost: x\r\n\r\n"),
        Progress::Complete
    );
    // `\n` at offset 1023 is the last allowed, 1024 is too late.
    let line = |nl_at: usize| {
        let mut v = b"GET /".to_vec();
        v.resize(nl_at - 9, b'a');
        v.extend_from_slice(b" HTTP/1.1\n\n");
        assert_eq!(v[nl_at], b'\n');
        v
    };
    assert_eq!(outcome(&line(1023)), Progress::Complete);
    assert_eq!(outcome(&line(1024)), Progress::NotHttp);
    assert_eq!(outcome(&line(1500)), Progress::NotHttp);
    // No `\n` yet: wait, until 1024 bytes of line are there.
    let mut open = b"GET /".to_vec();
    open.resize(1023, b'a');
    assert_eq!(outcome(&open), Progress::NeedMore);
    open.push(b'a');
    assert_eq!(outcome(&open), Progress::NotHttp);
}

#[test]
fn request_line_bytes() {
    assert_eq!(outcome(b"GET /\x01 HTTP/1.1\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET /\t HTTP/1.1\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET /\x00 HTTP/1.1\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET /\x80 HTTP/1.1\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET /\xff HTTP/1.1\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET /\x7f HTTP/1.1\r\n\r\n"), Progress::Complete);
    assert_eq!(outcome(b"GET /\r HTTP/1.1\r\n\r\n"), Progress::Complete);
    // A forbidden byte is caught before the line ends.
    assert_eq!(outcome(b"GET /aaaaaaaaaaa\x02"), Progress::NotHttp);
}

#[test]
fn http_version_tag() {
    let version = |line: &[u8]| {
        let (p, parser) = parse_once(MessageKind::Request, line);
        assert_eq!(p, Progress::Complete, "{line:?}");
        parser.version()
    };
    assert_eq!(version(b"GET / HTTP/1.1\r\n\r\n"), 1);
    assert_eq!(version(b"GET / HTTP/1.1\n\n"), 1);
    assert_eq!(version(b"GET / HTTP/1.0\r\n\r\n"), 0);
    assert_eq!(version(b"GET / HTTP/1.0\n\n"), 0);
    assert_eq!(version(b"GET / HTTP/1.x\r\n\r\n"), 0);
    assert_eq!(version(b"GET / HTTP/1.9\n\n"), 0);
    assert_eq!(version(b"GET /HTTP/1.1 HTTP/1.1\r\n\r\n"), 1);
    // Only the 8 bytes before `\n` (or `\r\n`) count.
    assert_eq!(outcome(b"GET / HTTP/2.0\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET / http/1.1\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET / HTTP/1.1 \r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET / HTTP/1.1\r\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"GET / HTTP/1.11\r\n\r\n"), Progress::NotHttp);
}

#[test]
fn header_name_characters() {
    let buf = req_with(b"X_Y-9z: v\r\n");
    let (p, parser) = parse_once(MessageKind::Request, &buf);
    assert_eq!(p, Progress::Complete);
    assert_eq!(header_list(&parser, &buf)[1], ("X_Y-9z", Some("v")));
    for bad in [
        &b"X.Y: v\r\n"[..],
        b"X Y: v\r\n",
        b"X-Y : v\r\n",
        b"X-Y\t: v\r\n",
        b": v\r\n",
        b"X-Y v\r\n",
        b"X-\xc3\xa9: v\r\n",
        b"X-Y\r\n",
    ] {
        assert_eq!(outcome(&req_with(bad)), Progress::NotHttp, "{bad:?}");
    }
}

#[test]
fn folded_lines_are_not_http() {
    assert_eq!(
        outcome(&req_with(b"X-A: one\r\n two\r\n")),
        Progress::NotHttp
    );
    assert_eq!(
        outcome(&req_with(b"X-A: one\r\n\ttwo\r\n")),
        Progress::NotHttp
    );
}

#[test]
fn header_name_length() {
    let name = |n: usize| {
        let mut v = vec![b'N'; n];
        v.extend_from_slice(b": x\r\n");
        v
    };
    // Reference: 32 is accepted, 33 is not.
    let buf = req_with(&name(32));
    let (p, parser) = parse_once(MessageKind::Request, &buf);
    assert_eq!(p, Progress::Complete);
    assert_eq!(parser.headers()[1].name_in(&buf).len(), 32);
    assert_eq!(outcome(&req_with(&name(33))), Progress::NotHttp);
    // Data ending mid-name waits, even at 33 name bytes; a 34th byte decides.
    let head = b"GET / HTTP/1.1\r\n".to_vec();
    for (n, expected) in [
        (1, Progress::NeedMore),
        (32, Progress::NeedMore),
        (33, Progress::NeedMore),
        (34, Progress::NotHttp),
    ] {
        let mut buf = head.clone();
        buf.resize(head.len() + n, b'N');
        assert_eq!(outcome(&buf), expected, "{n} name bytes");
    }
}

#[test]
fn one_blank_after_the_colon() {
    let buf = req_with(b"X-Sp: a\r\nX-Tab:\tb\r\nX-None:c\r\nX-Two:  two\r\nX-TabSp:\t d\r\n");
    let (p, parser) = parse_once(MessageKind::Request, &buf);
    assert_eq!(p, Progress::Complete);
    assert_eq!(
        header_list(&parser, &buf)[1..6],
        [
            ("X-Sp", Some("a")),
            ("X-Tab", Some("b")),
            ("X-None", Some("c")),
            // Reference: `X-Two=[ two]`.
            ("X-Two", Some(" two")),
            ("X-TabSp", Some(" d")),
        ]
    );
}

#[test]
fn empty_values() {
    // Reference: all three print without a value.
    let buf = req_with(b"X-E1:\r\nX-E2: \r\nX-E3:\nX-E4:\t\nX-E5:  \r\n");
    let (p, parser) = parse_once(MessageKind::Request, &buf);
    assert_eq!(p, Progress::Complete);
    assert_eq!(
        header_list(&parser, &buf)[1..6],
        [
            ("X-E1", None),
            ("X-E2", None),
            ("X-E3", None),
            ("X-E4", None),
            ("X-E5", Some(" "))
        ]
    );
}

#[test]
fn line_endings() {
    let buf = b"GET / HTTP/1.1\nHost: lf\nX-Cr: a\rb\r\nX-Two: c\r\r\n\n";
    let (p, parser) = parse_once(MessageKind::Request, buf);
    assert_eq!(p, Progress::Complete);
    assert_eq!(
        header_list(&parser, buf),
        [
            ("Host", Some("lf")),
            ("X-Cr", Some("a\rb")),
            ("X-Two", Some("c\r"))
        ]
    );
}

#[test]
fn end_of_headers() {
    // CRLF, LF, and a bare `\r` (reference: `\rjunk` completes the request).
    for end in [&b"\r\n"[..], b"\n", b"\r", b"\rjunk", b"\n\x00\xff"] {
        let mut buf = b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec();
        buf.extend_from_slice(end);
        let (p, parser) = parse_once(MessageKind::Request, &buf);
        assert_eq!(p, Progress::Complete, "{end:?}");
        assert_eq!(parser.headers().len(), 1);
    }
    // No headers at all.
    assert_eq!(outcome(b"GET / HTTP/1.1\r\n\r\n"), Progress::Complete);
    // Headers so far, no empty line yet.
    assert_eq!(
        outcome(b"GET / HTTP/1.1\r\nHost: x\r\n"),
        Progress::NeedMore
    );
    assert_eq!(outcome(b"GET / HTTP/1.1\r\nHost: x"), Progress::NeedMore);
    assert_eq!(outcome(b"GET / HTTP/1.1\r\nHost:"), Progress::NeedMore);
}

fn headers(n: usize) -> Vec<u8> {
    let mut v = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..n {
        v.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    v
}

#[test]
fn thirty_two_headers_at_most() {
    let mut buf = headers(32);
    buf.extend_from_slice(b"\r\n");
    let (p, parser) = parse_once(MessageKind::Request, &buf);
    assert_eq!(p, Progress::Complete);
    assert_eq!(parser.headers().len(), 32);

    let mut buf = headers(33);
    buf.extend_from_slice(b"\r\n");
    assert_eq!(outcome(&buf), Progress::NotHttp);
    // A single byte of a 33rd header line is enough.
    let mut buf = headers(32);
    assert_eq!(outcome(&buf), Progress::NeedMore);
    buf.push(b'X');
    assert_eq!(outcome(&buf), Progress::NotHttp);
    // Even an invalid one.
    let mut buf = headers(32);
    buf.push(b' ');
    assert_eq!(outcome(&buf), Progress::NotHttp);
}

fn value_line(value_len: usize, ending: &[u8]) -> Vec<u8> {
    let mut v = b"X-V: ".to_vec();
    v.resize(v.len() + value_len, b'a');
    v.extend_from_slice(ending);
    v
}

#[test]
fn value_length_limit() {
    // Reference: the limit counts a trailing `\r`.
    for (len, ending, ok) in [
        (1024, &b"\n"[..], true),
        (1023, b"\r\n", true),
        (1024, b"\r\n", false),
        (1025, b"\n", false),
    ] {
        let buf = req_with(&value_line(len, ending));
        let (p, parser) = parse_once(MessageKind::Request, &buf);
        if ok {
            assert_eq!(p, Progress::Complete);
            assert_eq!(
                parser.headers()[1].value_in(&buf).map(<[u8]>::len),
                Some(len)
            );
        } else {
            // Reference: non-HTTP, but the flow is kept until its next payload packet.
            assert_eq!(p, Progress::NeedMore, "{len} {ending:?}");
            assert!(parser.is_not_http());
        }
    }
}

#[test]
fn value_too_long_keeps_the_flow_once() {
    let mut buf = b"GET / HTTP/1.1\r\nHost: x\r\nX-V: ".to_vec();
    buf.resize(buf.len() + 1024, b'a');
    let mut parser = HttpParser::new(MessageKind::Request);
    assert_eq!(parser.parse(&buf), Progress::NeedMore);
    assert!(!parser.is_not_http());
    buf.push(b'a');
    assert_eq!(parser.parse(&buf), Progress::NeedMore);
    assert!(parser.is_not_http());
    buf.extend_from_slice(b"\r\n\r\n");
    assert_eq!(parser.parse(&buf), Progress::NotHttp);
    assert_eq!(parser.parse(&buf), Progress::NotHttp);
}

#[test]
fn full_buffer_ends_the_wait() {
    // Header lines of 1010 bytes up to near the end of the buffer.
    let mut base = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..8 {
        base.extend_from_slice(format!("X-P{i}: ").as_bytes());
        base.resize(base.len() + 1000, b'p');
        base.extend_from_slice(b"\r\n");
    }
    assert!(
        MAX_FLOW_DATA - base.len() < 1000,
        "the last value stays under the value limit"
    );

    // Mid-value (reference: the flow is dropped at once).
    let mut mid = base.clone();
    mid.extend_from_slice(b"X-Last: ");
    mid.resize(MAX_FLOW_DATA - 1, b'q');
    assert_eq!(outcome(&mid), Progress::NeedMore);
    mid.push(b'q');
    assert_eq!(outcome(&mid), Progress::NotHttp);
    // The engine never passes more, but extra bytes are ignored.
    mid.extend_from_slice(b"\r\n\r\n");
    assert_eq!(outcome(&mid), Progress::NotHttp);

    // Mid-name.
    let mut name = base.clone();
    name.resize(MAX_FLOW_DATA, b'N');
    assert_eq!(outcome(&name), Progress::NotHttp);

    // At a line boundary, still waiting for the empty line.
    let mut line = base.clone();
    line.extend_from_slice(b"X-Last: ");
    line.resize(MAX_FLOW_DATA - 2, b'q');
    line.extend_from_slice(b"\r\n");
    assert_eq!(line.len(), MAX_FLOW_DATA);
    assert_eq!(outcome(&line), Progress::NotHttp);

    // A complete header block in a full buffer is fine.
    let mut done = REQ.to_vec();
    done.resize(MAX_FLOW_DATA, b'b');
    assert_eq!(outcome(&done), Progress::Complete);

    // A first line with no `\n` never reaches a full buffer: 1024 bytes decide first.
    let mut first = b"GET /".to_vec();
    first.resize(MAX_FLOW_DATA, b'a');
    assert_eq!(outcome(&first), Progress::NotHttp);
}

#[test]
fn split_at_every_byte_equals_unsplit() {
    let buf = b"GET /x?y=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11)\r\n\
X-Two:  b\r\nX-Empty:\r\nAccept-Language:\ten-US,en\nX-Cr: a\rb\r\n\r\nbody";
    let (whole, parser) = parse_once(MessageKind::Request, buf);
    assert_eq!(whole, Progress::Complete);
    let expected = header_list(&parser, buf);
    assert_eq!(expected.len(), 6);
    for cut in 1..buf.len() {
        let (p, split) = feed(MessageKind::Request, buf, &[cut]);
        assert_eq!(p, Progress::Complete, "cut at {cut}");
        assert_eq!(split.version(), parser.version());
        assert_eq!(header_list(&split, buf), expected, "cut at {cut}");
    }
    // Byte by byte.
    let cuts: Vec<usize> = (1..buf.len()).collect();
    let (p, split) = feed(MessageKind::Request, buf, &cuts);
    assert_eq!(p, Progress::Complete);
    assert_eq!(header_list(&split, buf), expected);
}

#[test]
fn completes_at_the_right_call() {
    let mut parser = HttpParser::new(MessageKind::Request);
    assert_eq!(parser.parse(&REQ[..20]), Progress::NeedMore);
    assert_eq!(parser.parse(&REQ[..REQ.len() - 2]), Progress::NeedMore);
    assert_eq!(parser.headers().len(), 3);
    assert_eq!(parser.parse(&REQ[..REQ.len() - 1]), Progress::Complete);
    // Later calls keep the result; so does a rejected parser.
    assert_eq!(parser.parse(REQ), Progress::Complete);
    let mut bad = HttpParser::new(MessageKind::Request);
    assert_eq!(bad.parse(b"POST / HTTP/1.1\r\n"), Progress::NotHttp);
    assert_eq!(bad.parse(REQ), Progress::NotHttp);
}

#[test]
fn shorter_buffer_is_harmless() {
    let mut parser = HttpParser::new(MessageKind::Request);
    assert_eq!(parser.parse(&REQ[..40]), Progress::NeedMore);
    assert_eq!(parser.parse(&REQ[..10]), Progress::NeedMore);
    assert_eq!(parser.parse(REQ), Progress::Complete);
}
