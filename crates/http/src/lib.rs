//! HTTP/1.x header parsing for p0fmod, with p0f 3.09b's exact (lenient, and in places
//! buggy) rules (`../shared/spec/p0f-3.09b-behaviour.md` §9.2–§9.4).
//!
//! This crate owns the reading of a flow's request or response bytes into a list of
//! headers. It is incremental: the engine appends payload to a per-direction flow buffer
//! (at most [`MAX_FLOW_DATA`] bytes) and calls [`HttpParser::parse`] with the whole buffer
//! after each in-order segment. Headers are kept as byte ranges into that buffer, inline
//! (no allocation). It knows nothing of signatures.

#![forbid(unsafe_code)]

use std::ops::Range;

/// Bytes of payload kept per direction per flow.
pub const MAX_FLOW_DATA: usize = 8192;
/// Most headers stored; one more makes the flow non-HTTP.
pub const HTTP_MAX_HDRS: usize = 32;

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

/// What a call to [`HttpParser::parse`] concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// More bytes are needed.
    NeedMore,
    /// The flow is not HTTP (or broke p0f's limits): stop looking at it.
    NotHttp,
    /// The header block is complete: [`HttpParser::headers`] and [`HttpParser::version`] are final.
    Complete,
}

/// Incremental parser state for one direction of one flow.
#[derive(Clone, Debug)]
pub struct HttpParser {
    kind: MessageKind,
    version: u8,
    headers: [HeaderRange; HTTP_MAX_HDRS],
    header_count: u8,
}

impl HttpParser {
    /// A fresh parser for one message kind.
    pub fn new(kind: MessageKind) -> HttpParser {
        HttpParser {
            kind,
            version: 0,
            headers: Default::default(),
            header_count: 0,
        }
    }

    /// The message kind this parser reads.
    pub fn kind(&self) -> MessageKind {
        self.kind
    }

    /// Parses as far as `buf` (the whole direction buffer so far) allows.
    pub fn parse(&mut self, buf: &[u8]) -> Progress {
        let _ = buf;
        Progress::NotHttp
    }

    /// HTTP minor version: 1 for `HTTP/1.1`, 0 otherwise.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Headers stored so far, in packet order.
    pub fn headers(&self) -> &[HeaderRange] {
        &self.headers[..self.header_count as usize]
    }
}
