//! p0f 3's query API for p0fmod: ask a running p0fmod (or p0f) what it knows about a host.
//!
//! Three parts, usable separately:
//!
//! * [`proto`]: the 21-byte query and the 232-byte response as typed structs with pure
//!   encode / decode functions, byte for byte as p0f 3.09b sends them (host byte order,
//!   strings cut to 32 bytes without a NUL, an unknown distance as 255), and
//!   [`Response::from_host`] to answer from the engine's [`HostInfo`](p0fmod::HostInfo);
//! * [`server`]: the non-blocking unix-socket server for a `poll()` loop shared with live
//!   capture ([`ApiServer`]);
//! * [`client`]: [`query`] and [`Client`] to ask, and [`client_report`] to print an answer
//!   as p0f-client does; [`query_json`] to ask with the JSON query;
//! * [`json`]: the JSON query that shares the socket (a request starting with `{`, one
//!   [`HostInfo`](p0fmod::HostInfo) per answer line).
//!
//! ```no_run
//! use std::time::Duration;
//! use p0fmod_api::{ApiServer, ServerOptions};
//!
//! let mut server = ApiServer::bind("/tmp/p0fmod.sock".as_ref(), ServerOptions::default())?;
//! loop {
//!     server.poll_once(Duration::from_millis(10), &mut |_addr| None, &mut |e| eprintln!("{e}"))?;
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod json;
pub mod proto;
pub mod server;

pub use client::{Client, ClientError, client_report, parse_address, query, query_json};
pub use json::{JsonAnswer, JsonQuery};
pub use proto::{ApiString, Query, QueryError, Response, Status};
pub use server::{ApiServer, ApiStats, BindError, ServerError, ServerEvent, ServerOptions};
