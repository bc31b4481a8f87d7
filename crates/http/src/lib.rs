//! HTTP/1.x header parsing for p0fmod, with p0f 3.09b's exact (lenient, and in places
//! buggy) rules (`../shared/spec/p0f-3.09b-behaviour.md` §9.2–§9.4, §9.6, §9.7).
//!
//! This crate owns the reading of a flow's request or response bytes into a list of
//! headers. It is incremental: the engine appends payload to a per-direction flow buffer
//! (at most [`MAX_FLOW_DATA`] bytes) and calls [`HttpParser::parse`] with the whole buffer
//! after each in-order segment. Headers are kept as byte ranges into that buffer, inline
//! (no allocation). It knows nothing of signatures.
//!
//! It also holds the small pure helpers the output needs: [`clean_value`] (how a value is
//! shown in `raw_sig`), [`language`] (the `lang` field, from Accept-Language) and
//! [`parse_http_date`] (the Date header, for NAT scoring).
//!
//! Contract: no input makes a function of this crate panic, and nothing allocates.

#![forbid(unsafe_code)]

mod date;
mod language;
mod parser;
mod value;

pub use date::parse_http_date;
pub use language::{Language, language, language_name};
pub use parser::{HeaderRange, HttpParser, MessageKind, Progress};
pub use value::clean_value;

/// Bytes of payload kept per direction per flow; a full buffer ends any wait.
pub const MAX_FLOW_DATA: usize = 8192;
/// Most headers stored; one more makes the flow non-HTTP.
pub const HTTP_MAX_HDRS: usize = 32;
/// The request or status line must end (at its `\n`) before this offset.
pub const HTTP_MAX_URL: usize = 1024;
/// Longest header name accepted.
pub const HTTP_MAX_HDR_NAME: usize = 32;
/// Longest header value accepted, counting a trailing `\r`.
pub const HTTP_MAX_HDR_VAL: usize = 1024;
/// Most bytes of a value shown in `raw_sig`.
pub const HTTP_MAX_SHOW: usize = 200;
