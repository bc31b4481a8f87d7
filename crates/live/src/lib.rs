//! p0fmod's live service: what runs when p0fmod listens on an interface instead of reading
//! a file.
//!
//! The pieces, in the order p0f uses them (spec §1):
//!
//! 1. [`setup`]: pick the interface, open it ([`LiveCapture`]), put p0f's filter in place,
//!    and list interfaces for `-L`;
//! 2. the log and the query socket ([`p0fmod_api::ApiServer`]) are opened by the caller;
//! 3. [`privileges::drop_privileges`] for `-u`: chroot to the user's home and switch ids;
//! 4. [`daemon::fork_off`] for `-d`;
//! 5. [`LiveLoop::run`]: one `poll()` over capture, API listener and clients until stopped.
//!
//! The only `unsafe` code of p0fmod is the `fork()` call in [`daemon`].

#![deny(unsafe_code)]
#![warn(missing_docs)]

#[allow(unsafe_code)]
pub mod daemon;
pub mod descriptors;
pub mod event_loop;
pub mod logfile;
pub mod metrics;
pub mod pidfile;
pub mod privileges;
pub mod setup;
pub mod stats;

use std::io;

pub use event_loop::{LiveError, LiveLoop, LiveSummary, LiveWarning};
pub use p0fmod_capture::live::{
    CaptureStats, Interface, LiveCapture, LiveError as CaptureError, list_interfaces,
};

/// The system's text for an error (`strerror`), as p0f's PFATAL prints it after
/// `OS message : `.
pub fn os_message(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => nix::errno::Errno::from_raw(code).desc().to_string(),
        None => e.to_string(),
    }
}

/// p0fmod's end-of-capture line with the kernel's counters.
pub fn stats_message(stats: &CaptureStats) -> String {
    format!(
        "[+] Kernel capture statistics: {} packets received, {} dropped by the kernel, {} dropped by the interface.",
        stats.received, stats.dropped, stats.if_dropped
    )
}
