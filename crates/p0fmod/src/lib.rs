//! p0fmod: passive OS and device fingerprinting, compatible with p0f 3.09b.
//!
//! Data flows one way: a capture source ([`p0fmod_capture`]) yields frames; the wire layer
//! ([`p0fmod_wire`], pure and zero-copy) decodes them; the [`Engine`] fingerprints them
//! against a signature [`Database`] ([`p0fmod_db`]) and keeps per-host state; it hands
//! [`Observation`]s to outputs ([`output`]).
//!
//! ```no_run
//! use std::sync::Arc;
//! use p0fmod::{Database, Limits, OfflineRun};
//!
//! let db = Arc::new(Database::embedded());
//! let mut run = OfflineRun::open("capture.pcap".as_ref(), db, Limits::default(), None)?;
//! let mut lines = Vec::new();
//! while run.step(1024, &mut |obs| lines.push(p0fmod::output::json::to_json(obs)), &mut |w| eprintln!("{w}")) > 0 {}
//! println!("{} observations", lines.len());
//! # Ok::<(), p0fmod::RunError>(())
//! ```

#![forbid(unsafe_code)]

pub mod config;
pub mod engine;
pub mod filter;
pub mod fp;
pub mod host;
pub mod observation;
pub mod output;
pub mod run;
pub mod state;

pub use config::{Config, ConfigError, ConfigWarning, OutputFormat};
pub use engine::Engine;
pub use host::HostInfo;
pub use observation::{Details, Kind, Observation, Subject};
pub use p0fmod_capture::Timestamp;
pub use p0fmod_db::Database;
pub use run::{OfflineRun, RunError, RunSummary, RunWarning, load_database};
pub use state::Limits;

/// p0fmod's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
