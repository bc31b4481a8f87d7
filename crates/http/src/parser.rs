//! The incremental header-block parser (spec §9.2–§9.4).
//!
//! One [`HttpParser`] reads one direction of one flow. The engine calls
//! [`HttpParser::parse`] with the whole direction buffer after each in-order segment; the
//! parser keeps a single offset, `pos`, between calls, so no complete header line is read
//! twice:
//!
//! * **Request line** (requests only): `pos` is where the scan for its `\n` resumes. Once
//!   the line is accepted, `pos` moves past it and the parser is in its header stage.
//! * **Headers**: `pos` is the start of the first header line not yet stored. A line cut
//!   off by the end of the data is read again from its start on the next call; nothing
//!   before it is.
//! * **Responses** never leave the first-line stage. That is p0f's bug (spec §9.3): every
//!   call first scans from `pos` to the next `\n` as if it were the status line, with the
//!   status line's byte rules, and resumes the headers after it. When a header block spans
//!   segments, the line the previous call stopped in is therefore skipped. Two quirks of
//!   that scan follow from its 1024-byte limit and are reproduced too (checked against the
//!   reference binary): a rescan starting exactly at offset 1024 makes the flow non-HTTP,
//!   and one starting beyond it skips only the first byte of the line (so a cut
//!   `Server: x` line is stored as header `erver`).

use std::ops::Range;

use crate::{HTTP_MAX_HDR_NAME, HTTP_MAX_HDR_VAL, HTTP_MAX_HDRS, HTTP_MAX_URL, MAX_FLOW_DATA};

/// Bytes a request needs before its first line is looked at.
const MIN_REQUEST_LEN: usize = 15;
/// Bytes a response needs before its status line is looked at.
const MIN_RESPONSE_LEN: usize = 13;
/// Smallest offset of a request line's `\n`.
const MIN_REQUEST_LINE_END: usize = 14;
/// Smallest offset of a status line's `\n`.
const MIN_STATUS_LINE_END: usize = 13;

/// Which side of the exchange a parser reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// Client to server.
    Request,
    /// Server to client.
    Response,
}

/// One header, as byte ranges into the flow buffer.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HeaderRange {
    /// The name (without the colon).
    pub name: Range<u16>,
    /// The value (one blank after the colon and one trailing `\r` removed); `None` when empty.
    pub value: Option<Range<u16>>,
}

impl HeaderRange {
    /// The name's bytes in `buf`, the buffer this header was parsed from (empty if `buf`
    /// is too short).
    pub fn name_in<'b>(&self, buf: &'b [u8]) -> &'b [u8] {
        buf.get(usize::from(self.name.start)..usize::from(self.name.end))
            .unwrap_or_default()
    }

    /// The value's bytes in `buf`, the buffer this header was parsed from; `None` when the
    /// value is empty (or `buf` is too short).
    pub fn value_in<'b>(&self, buf: &'b [u8]) -> Option<&'b [u8]> {
        let value = self.value.as_ref()?;
        buf.get(usize::from(value.start)..usize::from(value.end))
    }
}

/// What a call to [`HttpParser::parse`] concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Keep the flow and call again when more bytes arrive.
    ///
    /// One p0f quirk hides behind it: a header value longer than
    /// [`HTTP_MAX_HDR_VAL`](crate::HTTP_MAX_HDR_VAL) marks the flow non-HTTP but keeps it
    /// until its next payload packet. `parse` then answers `NeedMore` once (with
    /// [`HttpParser::is_not_http`] already true) and `NotHttp` on every later call.
    NeedMore,
    /// The flow is not HTTP (or broke p0f's limits): stop looking at it.
    NotHttp,
    /// The header block is complete: [`HttpParser::headers`] and [`HttpParser::version`] are final.
    Complete,
}

/// Where a parser is; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Looking for the end of the first line (a response's stage until the end).
    FirstLine,
    /// The request line is accepted; reading header lines.
    Headers,
    /// The empty line ending the headers has been seen.
    Complete,
    /// Judged non-HTTP.
    NotHttp,
}

/// How the scan of a first line ended.
enum LineScan {
    /// A forbidden byte, or a `\n` too early or too late.
    Bad,
    /// No `\n` before the end of the data, which ends at this offset.
    Open(usize),
    /// The `\n` is at this offset.
    End(usize),
}

/// Incremental parser state for one direction of one flow.
#[derive(Clone, Debug)]
pub struct HttpParser {
    kind: MessageKind,
    stage: Stage,
    version: u8,
    pos: u16,
    headers: [HeaderRange; HTTP_MAX_HDRS],
    header_count: u8,
}

impl HttpParser {
    /// A fresh parser for one message kind.
    pub fn new(kind: MessageKind) -> HttpParser {
        HttpParser {
            kind,
            stage: Stage::FirstLine,
            version: 0,
            pos: 0,
            headers: Default::default(),
            header_count: 0,
        }
    }

    /// The message kind this parser reads.
    pub fn kind(&self) -> MessageKind {
        self.kind
    }

    /// Parses as far as `buf` (the whole direction buffer so far) allows.
    ///
    /// Each call's `buf` must extend the previous one (bytes are only ever appended). Only
    /// the first [`MAX_FLOW_DATA`] bytes are read, and a buffer of that size ends any wait
    /// with [`Progress::NotHttp`]. After `Complete` or `NotHttp`, later calls return the same.
    pub fn parse(&mut self, buf: &[u8]) -> Progress {
        let buf = &buf[..buf.len().min(MAX_FLOW_DATA)];
        match self.stage {
            Stage::Complete => Progress::Complete,
            Stage::NotHttp => Progress::NotHttp,
            // Defensive: a buffer shorter than what was already read has nothing new.
            _ if usize::from(self.pos) > buf.len() => Progress::NeedMore,
            Stage::FirstLine | Stage::Headers => match self.kind {
                MessageKind::Request => self.parse_request(buf),
                MessageKind::Response => self.parse_response(buf),
            },
        }
    }

    /// HTTP minor version: 1 for `HTTP/1.1`, 0 otherwise.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Headers stored so far, in packet order.
    pub fn headers(&self) -> &[HeaderRange] {
        &self.headers[..usize::from(self.header_count)]
    }

    /// Whether the flow has been judged non-HTTP. Usually the same as the last `parse`
    /// returning [`Progress::NotHttp`]; see [`Progress::NeedMore`] for the exception.
    pub fn is_not_http(&self) -> bool {
        self.stage == Stage::NotHttp
    }

    /// Request: `GET /` or `HEAD /`, then a request line ending in `HTTP/1.x` (spec §9.2).
    fn parse_request(&mut self, buf: &[u8]) -> Progress {
        if self.stage == Stage::FirstLine {
            if buf.len() < MIN_REQUEST_LEN {
                return Progress::NeedMore;
            }
            if self.pos == 0 && !(buf.starts_with(b"GET /") || buf.starts_with(b"HEAD /")) {
                return self.reject();
            }
            let end = match scan_first_line(buf, usize::from(self.pos), MIN_REQUEST_LINE_END) {
                LineScan::Bad => return self.reject(),
                LineScan::Open(end) => {
                    self.pos = offset(end);
                    return self.wait(buf);
                }
                LineScan::End(end) => end,
            };
            // `end >= 14`, so the 8 (or 9) bytes before it are there.
            let tag = end - 8 - usize::from(buf[end - 1] == b'\r');
            if &buf[tag..tag + 7] != b"HTTP/1." {
                return self.reject();
            }
            self.version = u8::from(buf[tag + 7] == b'1');
            self.pos = offset(end + 1);
            self.stage = Stage::Headers;
        }
        self.parse_headers(buf)
    }

    /// Response: the status-line scan that every call repeats from `pos` (the spec §9.3
    /// bug), then the headers.
    fn parse_response(&mut self, buf: &[u8]) -> Progress {
        if buf.len() < MIN_RESPONSE_LEN {
            return Progress::NeedMore;
        }
        let end = match scan_first_line(buf, usize::from(self.pos), MIN_STATUS_LINE_END) {
            LineScan::Bad => return self.reject(),
            LineScan::Open(end) => {
                self.pos = offset(end);
                return self.wait(buf);
            }
            LineScan::End(end) => end,
        };
        if !buf.starts_with(b"HTTP/1.") {
            return self.reject();
        }
        self.version = u8::from(buf[7] == b'1');
        self.pos = offset(end + 1);
        self.parse_headers(buf)
    }

    /// Header lines from `pos` until the empty line or the end of the data (spec §9.4).
    fn parse_headers(&mut self, buf: &[u8]) -> Progress {
        let len = buf.len();
        while usize::from(self.pos) < len {
            let start = usize::from(self.pos);
            if matches!(buf[start], b'\r' | b'\n') {
                self.stage = Stage::Complete;
                return Progress::Complete;
            }
            if usize::from(self.header_count) >= HTTP_MAX_HDRS {
                return self.reject();
            }

            // The name: up to one byte past the limit is read, so an over-long name is
            // rejected as soon as that byte is there.
            let name_end = buf[start..]
                .iter()
                .take(HTTP_MAX_HDR_NAME + 1)
                .position(|&b| !is_name_byte(b))
                .map_or_else(|| (start + HTTP_MAX_HDR_NAME + 1).min(len), |n| start + n);
            if name_end == len {
                return self.wait(buf);
            }
            let name_len = name_end - start;
            if name_len == 0 || name_len > HTTP_MAX_HDR_NAME || buf[name_end] != b':' {
                return self.reject();
            }

            let mut value_start = name_end + 1;
            if value_start < len && matches!(buf[value_start], b' ' | b'\t') {
                value_start += 1;
            }
            // The value runs to `\n`; one byte past the limit (a trailing `\r` counts) is
            // enough to reject it.
            let window_end = len.min(value_start + HTTP_MAX_HDR_VAL + 1);
            let line_end = match buf[value_start..window_end]
                .iter()
                .position(|&b| b == b'\n')
            {
                Some(n) => value_start + n,
                None if window_end - value_start > HTTP_MAX_HDR_VAL => {
                    // p0f marks the flow non-HTTP here but still asks for more data.
                    self.stage = Stage::NotHttp;
                    return Progress::NeedMore;
                }
                None => return self.wait(buf),
            };
            let mut value_end = line_end;
            if value_end > value_start && buf[value_end - 1] == b'\r' {
                value_end -= 1;
            }

            self.headers[usize::from(self.header_count)] = HeaderRange {
                name: offset(start)..offset(name_end),
                value: (value_end > value_start).then(|| offset(value_start)..offset(value_end)),
            };
            self.header_count += 1;
            self.pos = offset(line_end + 1);
        }
        self.wait(buf)
    }

    /// Out of data: wait for more, unless the buffer is already full.
    fn wait(&mut self, buf: &[u8]) -> Progress {
        if buf.len() >= MAX_FLOW_DATA {
            self.reject()
        } else {
            Progress::NeedMore
        }
    }

    /// Judges the flow non-HTTP.
    fn reject(&mut self) -> Progress {
        self.stage = Stage::NotHttp;
        Progress::NotHttp
    }
}

/// Scans a first line from `from` for its `\n`, at most up to offset
/// [`HTTP_MAX_URL`]. Bytes below 0x20 other than `\r`, and bytes above 0x7f, are
/// forbidden. The `\n` must be at an offset in `min_end..HTTP_MAX_URL`.
///
/// When `from` is already at or past the limit nothing is scanned and `from` itself counts
/// as the line end (p0f's loop bound; see the module documentation).
fn scan_first_line(buf: &[u8], from: usize, min_end: usize) -> LineScan {
    let stop = buf.len().min(HTTP_MAX_URL);
    let mut end = from;
    while end < stop {
        match buf[end] {
            b'\n' => break,
            b'\r' => {}
            b if !(0x20..=0x7f).contains(&b) => return LineScan::Bad,
            _ => {}
        }
        end += 1;
    }
    if end == HTTP_MAX_URL || end < min_end {
        LineScan::Bad
    } else if end >= buf.len() {
        LineScan::Open(end)
    } else {
        LineScan::End(end)
    }
}

/// Header name bytes: `[A-Za-z0-9_-]`.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// A buffer offset as stored; buffers never exceed [`MAX_FLOW_DATA`] bytes.
fn offset(at: usize) -> u16 {
    debug_assert!(at <= MAX_FLOW_DATA);
    at as u16
}
