//! Response parsing: status-line detection and its rescan bug (spec §9.3), header rules
//! (spec §9.4). Outcomes marked "reference" were checked by running p0f 3.09b on crafted
//! captures with the same segments.

use crate::common::{feed, header_list, parse_once};
use p0fmod_http::{HttpParser, MAX_FLOW_DATA, MessageKind, Progress};

const RESP: &[u8] = b"HTTP/1.1 200 OK\r\nServer: Apache/2.2.22\r\nContent-Type: text/html\r\n\r\n";
const STATUS: &[u8] = b"HTTP/1.1 200 OK\r\n";

fn outcome(buf: &[u8]) -> Progress {
    parse_once(MessageKind::Response, buf).0
}

/// Feeds `buf` in segments ending at `cuts`.
fn segments(buf: &[u8], cuts: &[usize]) -> (Progress, HttpParser) {
    feed(MessageKind::Response, buf, cuts)
}

/// A response whose headers pass offset 1024: two 600-byte values, then `tail`.
fn long_response(tail: &[u8]) -> Vec<u8> {
    let mut v = STATUS.to_vec();
    v.extend_from_slice(b"X-Pad1: ");
    v.resize(v.len() + 600, b'a');
    v.extend_from_slice(b"\r\nX-Pad2: ");
    v.resize(v.len() + 600, b'b');
    v.extend_from_slice(b"\r\n");
    v.extend_from_slice(tail);
    v
}

fn names<'b>(parser: &HttpParser, buf: &'b [u8]) -> Vec<&'b str> {
    header_list(parser, buf)
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

#[test]
fn simple_response() {
    let (p, parser) = parse_once(MessageKind::Response, RESP);
    assert_eq!(p, Progress::Complete);
    assert_eq!(parser.version(), 1);
    assert_eq!(
        header_list(&parser, RESP),
        [
            ("Server", Some("Apache/2.2.22")),
            ("Content-Type", Some("text/html"))
        ]
    );
    assert_eq!(parser.kind(), MessageKind::Response);
}

#[test]
fn status_line_version() {
    let version = |buf: &[u8]| {
        let (p, parser) = parse_once(MessageKind::Response, buf);
        assert_eq!(p, Progress::Complete, "{buf:?}");
        parser.version()
    };
    assert_eq!(version(b"HTTP/1.1 200 OK\r\n\r\n"), 1);
    assert_eq!(version(b"HTTP/1.0 200 OK\n\n"), 0);
    assert_eq!(version(b"HTTP/1.x 200 OK\r\n\r\n"), 0);
    assert_eq!(version(b"HTTP/1.1xxxxx\n\n"), 1);
    assert_eq!(outcome(b"HTTP/2.0 200 OK\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"http/1.1 200 OK\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"ICY 200 OK\r\n\r\nxxxxx"), Progress::NotHttp);
}

#[test]
fn status_line_waits_and_limits() {
    // Fewer than 13 bytes: wait.
    assert_eq!(outcome(b"HTTP/1.1 200"), Progress::NeedMore);
    assert_eq!(outcome(b"\x16\x03\x01"), Progress::NeedMore);
    // The prefix is judged only once the line has ended.
    assert_eq!(outcome(b"HTTX/1.1 200 OK"), Progress::NeedMore);
    assert_eq!(outcome(b"HTTX/1.1 200 OK\r\n"), Progress::NotHttp);
    // `\n` at offset 12 is too early, 13 is fine.
    assert_eq!(
        outcome(b"HTTP/1.1 200\nServer: x\r\n\r\n"),
        Progress::NotHttp
    );
    assert_eq!(outcome(b"HTTP/1.1 200 \n\n"), Progress::Complete);
    // `\n` at 1023 is the last allowed.
    let line = |nl_at: usize| {
        let mut v = b"HTTP/1.1 200 ".to_vec();
        v.resize(nl_at, b'K');
        v.extend_from_slice(b"\n\n");
        v
    };
    assert_eq!(outcome(&line(1023)), Progress::Complete);
    assert_eq!(outcome(&line(1024)), Progress::NotHttp);
    // Byte rules as for requests.
    assert_eq!(outcome(b"HTTP/1.1 200 \x01OK\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"HTTP/1.1 200\tOK\r\n\r\n"), Progress::NotHttp);
    assert_eq!(outcome(b"HTTP/1.1 200 \xc3\x89\r\n\r\n"), Progress::NotHttp);
    assert_eq!(
        outcome(b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"),
        Progress::NotHttp
    );
}

#[test]
fn status_line_split_loses_nothing() {
    // Reference: a cut inside the status line is harmless.
    for cut in 1..STATUS.len() {
        let (p, parser) = segments(RESP, &[cut]);
        assert_eq!(p, Progress::Complete, "cut at {cut}");
        assert_eq!(
            names(&parser, RESP),
            ["Server", "Content-Type"],
            "cut at {cut}"
        );
    }
}

#[test]
fn cut_header_line_is_lost() {
    // Reference: `Server` split after `Ser` is missing from raw_sig.
    let cut = STATUS.len() + 3;
    let (p, parser) = segments(RESP, &[cut]);
    assert_eq!(p, Progress::Complete);
    assert_eq!(
        header_list(&parser, RESP),
        [("Content-Type", Some("text/html"))]
    );
    // Every cut inside the Server line (after the status line) loses it.
    let server_end = STATUS.len() + b"Server: Apache/2.2.22\r\n".len();
    for cut in STATUS.len() + 1..server_end {
        let (p, parser) = segments(RESP, &[cut]);
        assert_eq!(p, Progress::Complete, "cut at {cut}");
        assert_eq!(names(&parser, RESP), ["Content-Type"], "cut at {cut}");
    }
}

#[test]
fn cut_at_line_boundary_loses_the_next_line() {
    // Reference: right after the status line, the first header goes.
    let (p, parser) = segments(RESP, &[STATUS.len()]);
    assert_eq!(p, Progress::Complete);
    assert_eq!(names(&parser, RESP), ["Content-Type"]);
    // After the Server line, Content-Type goes.
    let cut = STATUS.len() + b"Server: Apache/2.2.22\r\n".len();
    let (p, parser) = segments(RESP, &[cut]);
    assert_eq!(p, Progress::Complete);
    assert_eq!(names(&parser, RESP), ["Server"]);
}

#[test]
fn cut_before_the_empty_line_never_completes() {
    // Reference: no response observation at all.
    let mut buf = RESP.to_vec();
    let mut parser = HttpParser::new(MessageKind::Response);
    assert_eq!(parser.parse(&buf[..buf.len() - 2]), Progress::NeedMore);
    assert_eq!(parser.headers().len(), 2);
    assert_eq!(parser.parse(&buf), Progress::NeedMore);
    buf.extend_from_slice(b"<html>");
    assert_eq!(parser.parse(&buf), Progress::NeedMore);
    buf.extend_from_slice(b"</html>\n");
    assert_eq!(parser.parse(&buf), Progress::NeedMore);
    assert_eq!(parser.headers().len(), 2);
}

#[test]
fn open_rescan_resumes_where_it_stopped() {
    // Reference: segments `...\r\nSer` | `ver: Apach` | rest keep only Content-Type.
    let (p, parser) = segments(RESP, &[20, 30]);
    assert_eq!(p, Progress::Complete);
    assert_eq!(names(&parser, RESP), ["Content-Type"]);
}

#[test]
fn rescan_applies_status_line_byte_rules() {
    let buf = b"HTTP/1.1 200 OK\r\nServer: Apache/2.2.22\r\nX-Tab: a\tb\r\nContent-Type: text/html\r\n\r\n";
    // Reference: whole, the tab is fine (and ends the shown value).
    let (p, parser) = parse_once(MessageKind::Response, buf);
    assert_eq!(p, Progress::Complete);
    assert_eq!(header_list(&parser, buf)[1], ("X-Tab", Some("a\tb")));
    // Reference: cut inside that line, the rescan meets the tab: non-HTTP.
    let x_tab = buf.windows(5).position(|w| w == b"X-Tab").expect("present");
    assert_eq!(segments(buf, &[x_tab + 2]).0, Progress::NotHttp);
    let high = b"HTTP/1.1 200 OK\r\nServer: caf\xc3\xa9\r\n\r\n";
    assert_eq!(outcome(high), Progress::Complete);
    assert_eq!(segments(high, &[STATUS.len() + 2]).0, Progress::NotHttp);
}

#[test]
fn rescan_beyond_offset_1024_skips_one_byte() {
    let buf = long_response(b"Server: Apache/2.2.22\r\nContent-Type: text/html\r\n\r\n");
    let server = buf
        .windows(7)
        .position(|w| w == b"Server:")
        .expect("present");
    assert!(server > 1024);
    // Reference: both give `erver=[Apache/2.2.22]`.
    for cut in [server + 3, server] {
        let (p, parser) = segments(&buf, &[cut]);
        assert_eq!(p, Progress::Complete);
        assert_eq!(
            header_list(&parser, &buf)[2..],
            [
                ("erver", Some("Apache/2.2.22")),
                ("Content-Type", Some("text/html"))
            ]
        );
    }
}

#[test]
fn rescan_beyond_offset_1024_at_the_empty_line() {
    // Reference: the skipped byte is the `\r`, and the `\n` completes the headers.
    let buf = long_response(b"Server: Apache\r\n\r\n<html>");
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("present")
        + 2;
    let (p, parser) = segments(&buf, &[end]);
    assert_eq!(p, Progress::Complete);
    assert_eq!(names(&parser, &buf), ["X-Pad1", "X-Pad2", "Server"]);
    // Reference: with a bare `\n` empty line, the line after it is read as a header.
    let buf = long_response(b"Server: Apache\r\n\nX: y\r\n\r\n");
    let end = buf
        .windows(3)
        .position(|w| w == b"\r\n\n")
        .expect("present")
        + 2;
    let (p, parser) = segments(&buf, &[end]);
    assert_eq!(p, Progress::Complete);
    assert_eq!(names(&parser, &buf), ["X-Pad1", "X-Pad2", "Server", "X"]);
}

#[test]
fn rescan_at_offset_1024_is_not_http() {
    // A header line starting exactly at offset 1024.
    let mut buf = STATUS.to_vec();
    buf.extend_from_slice(b"X-Pad1: ");
    buf.resize(1022, b'a');
    buf.extend_from_slice(b"\r\nServer: Apache/2.2.22\r\nContent-Type: text/html\r\n\r\n");
    assert_eq!(&buf[1024..1031], b"Server:");
    assert_eq!(outcome(&buf), Progress::Complete);
    // Reference: cut at 1024 or inside that line, non-HTTP.
    assert_eq!(segments(&buf, &[1024]).0, Progress::NotHttp);
    assert_eq!(segments(&buf, &[1027]).0, Progress::NotHttp);
    // Reference: cut inside the line that ends at 1023, only that line is lost.
    let (p, parser) = segments(&buf, &[1020]);
    assert_eq!(p, Progress::Complete);
    assert_eq!(names(&parser, &buf), ["Server", "Content-Type"]);
}

#[test]
fn rescan_crossing_offset_1024_is_not_http() {
    // Reference: a cut line that starts before 1024 and ends after it.
    let mut buf = STATUS.to_vec();
    buf.extend_from_slice(b"X-Pad1: ");
    buf.resize(1040, b'a');
    buf.extend_from_slice(b"\r\nServer: Apache\r\n\r\n");
    assert_eq!(outcome(&buf), Progress::Complete);
    assert_eq!(segments(&buf, &[1020]).0, Progress::NotHttp);
    // A cut before 1024 whose rescan finds no `\n` yet just waits.
    let mut parser = HttpParser::new(MessageKind::Response);
    assert_eq!(parser.parse(&buf[..500]), Progress::NeedMore);
    assert_eq!(parser.parse(&buf[..900]), Progress::NeedMore);
    assert_eq!(parser.parse(&buf), Progress::NotHttp);
}

#[test]
fn header_rules_match_requests() {
    let buf = b"HTTP/1.0 200 OK\nX_a-1:  two\nX-E:\r\nX-T:\tt\r\n\r";
    let (p, parser) = parse_once(MessageKind::Response, buf);
    assert_eq!(p, Progress::Complete);
    assert_eq!(parser.version(), 0);
    assert_eq!(
        header_list(&parser, buf),
        [("X_a-1", Some(" two")), ("X-E", None), ("X-T", Some("t"))]
    );
    assert_eq!(
        outcome(b"HTTP/1.1 200 OK\r\nServer : x\r\n\r\n"),
        Progress::NotHttp
    );
    assert_eq!(
        outcome(b"HTTP/1.1 200 OK\r\nServer: x\r\n y\r\n\r\n"),
        Progress::NotHttp
    );
}

#[test]
fn header_count_and_value_limits() {
    let mut buf = STATUS.to_vec();
    for i in 0..32 {
        buf.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    let mut ok = buf.clone();
    ok.extend_from_slice(b"\r\n");
    assert_eq!(outcome(&ok), Progress::Complete);
    buf.extend_from_slice(b"X-H32: v\r\n\r\n");
    assert_eq!(outcome(&buf), Progress::NotHttp);

    // Reference: an over-long value keeps the flow until its next packet.
    let mut long = STATUS.to_vec();
    long.extend_from_slice(b"X-V: ");
    long.resize(long.len() + 1025, b'a');
    long.extend_from_slice(b"\n\r\n");
    let mut parser = HttpParser::new(MessageKind::Response);
    assert_eq!(parser.parse(&long), Progress::NeedMore);
    assert!(parser.is_not_http());
    assert_eq!(parser.parse(&long), Progress::NotHttp);
}

#[test]
fn full_buffer_ends_the_wait() {
    let mut buf = STATUS.to_vec();
    for i in 0..8 {
        buf.extend_from_slice(format!("X-P{i}: ").as_bytes());
        buf.resize(buf.len() + 1000, b'p');
        buf.extend_from_slice(b"\r\n");
    }
    buf.extend_from_slice(b"X-Last: ");
    buf.resize(MAX_FLOW_DATA - 1, b'q');
    assert_eq!(outcome(&buf), Progress::NeedMore);
    buf.push(b'q');
    assert_eq!(outcome(&buf), Progress::NotHttp);
    // Fed in segments, the rescan may skip lines, but a full buffer still ends it.
    assert_eq!(segments(&buf, &[3000, 6000]).0, Progress::NotHttp);
}

#[test]
fn complete_is_final() {
    let mut parser = HttpParser::new(MessageKind::Response);
    assert_eq!(parser.parse(RESP), Progress::Complete);
    let mut more = RESP.to_vec();
    more.extend_from_slice(b"body\n");
    assert_eq!(parser.parse(&more), Progress::Complete);
    assert_eq!(parser.headers().len(), 2);
}
