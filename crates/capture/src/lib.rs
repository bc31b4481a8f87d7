//! Capture sources for p0fmod.
//!
//! This crate owns the bytes-from-somewhere step: it reads classic pcap (both byte orders,
//! micro- and nanosecond, the modified/Kuznetzov variant), pcapng (several interfaces with
//! different link types; EPB, SPB, OPB) and gzip-compressed captures (detected by content),
//! and yields one [`RawPacket`] at a time, borrowed from a large reusable buffer. It knows
//! nothing of IP or TCP.

#![forbid(unsafe_code)]

mod error;
mod file;

pub use error::CaptureError;
pub use file::{CaptureFormat, FileCapture};

/// A packet time stamp as p0f sees it: seconds and microseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    /// Seconds since the epoch.
    pub sec: i64,
    /// Microseconds within the second (0..1_000_000).
    pub usec: u32,
}

impl Timestamp {
    /// Milliseconds since the epoch, as p0f computes them (`sec * 1000 + usec / 1000`).
    pub fn millis(self) -> i64 {
        self.sec * 1000 + i64::from(self.usec / 1000)
    }
}

/// One captured packet, borrowed from the source's buffer until the next read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawPacket<'a> {
    /// Capture time.
    pub ts: Timestamp,
    /// The link type of the interface the packet was captured on.
    pub link_type: u32,
    /// The captured bytes (possibly fewer than `orig_len`).
    pub data: &'a [u8],
    /// The packet's length on the wire.
    pub orig_len: u32,
}
