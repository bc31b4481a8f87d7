//! p0fmod: passive OS and device fingerprinting, compatible with p0f 3.09b.
//!
//! Data flows one way: a capture source ([`p0fmod_capture`]) yields frames; the wire layer
//! ([`p0fmod_wire`], pure and zero-copy) decodes them; the [`Engine`] fingerprints them
//! against a signature [`Database`] ([`p0fmod_db`]) and keeps per-host state; it hands
//! [`Observation`]s to outputs ([`output`]).
//!
//! ```
//! use std::sync::Arc;
//! use p0fmod::{Database, Limits, OfflineRun};
//!
//! let capture = "../../tests/data/local/local-linux-ipv4-http.pcap";
//! let db = Arc::new(Database::embedded());
//! let mut run = OfflineRun::open(capture.as_ref(), db, Limits::default(), None)?;
//! let mut lines = Vec::new();
//! while run.step(1024, &mut |obs| lines.push(p0fmod::output::json::to_json(obs)), &mut |w| eprintln!("{w}")) > 0 {}
//! assert!(!lines.is_empty());
//!
//! // The host table, read in process.
//! let client = run.engine().host("10.77.0.2".parse().unwrap()).expect("seen");
//! assert_eq!(client.os.unwrap().name, "Linux");
//! # Ok::<(), p0fmod::RunError>(())
//! ```
//!
//! [`OwnedObservation`] keeps an observation beyond the callback; the crate
//! `p0fmod-session` starts a whole run (offline or live) from a [`Config`].

#![forbid(unsafe_code)]

pub mod config;
pub mod engine;
pub mod filter;
pub mod fp;
pub mod harvest;
pub mod host;
pub mod inputs;
pub mod observation;
pub mod output;
pub mod run;
pub mod state;
pub mod stats;

pub use config::{Config, ConfigError, ConfigWarning, OutputFormat};
pub use engine::Engine;
pub use host::HostInfo;
pub use observation::{Details, Kind, Observation, OwnedObservation, Subject};
pub use p0fmod_capture::Timestamp;
pub use p0fmod_db::Database;
pub use run::{OfflineRun, RunError, RunSummary, RunWarning, load_database};
pub use state::Limits;
pub use stats::{EngineStats, KindCounts, TableStats};

/// p0fmod's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
