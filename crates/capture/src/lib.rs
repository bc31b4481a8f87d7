//! Capture sources for p0fmod.
//!
//! This crate owns the bytes-from-somewhere step: it reads classic pcap (both byte orders,
//! micro- and nanosecond, the modified/Kuznetzov variant), pcapng (several interfaces with
//! different link types; EPB, SPB, OPB) and gzip-compressed captures (detected by content),
//! and yields one [`RawPacket`] at a time, borrowed from a large reusable buffer. It knows
//! nothing of IP or TCP.
//!
//! ```no_run
//! use p0fmod_capture::FileCapture;
//!
//! let mut capture = FileCapture::open("trace.pcap.gz".as_ref())?;
//! while let Some(packet) = capture.next_packet()? {
//!     println!("{}.{:06} link {} {} bytes", packet.ts.sec, packet.ts.usec,
//!              packet.link_type, packet.data.len());
//! }
//! # Ok::<(), p0fmod_capture::CaptureError>(())
//! ```
//!
//! With the `live` feature, [`live::LiveCapture`] captures from a network interface through
//! libpcap and yields the same [`RawPacket`]s.
//!
//! Damaged input never panics: every good packet comes first, then one
//! [`CaptureError::Malformed`] naming the byte offset (in the uncompressed stream) of the
//! damaged record, then `Ok(None)`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod file;
mod input;
#[cfg(feature = "live")]
pub mod live;
mod pcap;
mod pcapng;

pub use error::CaptureError;
pub use file::{CaptureFormat, FileCapture, ReadProgress, looks_like_capture};
pub use pcapng::{MAX_BUFFERED_BLOCK, SkippedBlock};

/// A packet time stamp as p0f sees it: seconds and microseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    /// Seconds since the epoch.
    pub sec: i64,
    /// Microseconds within the second (0..1_000_000).
    pub usec: u32,
}

impl Timestamp {
    /// Milliseconds since the epoch, as p0f computes them (`sec * 1000 + usec / 1000`),
    /// saturating at the ends of `i64` (a pcapng time stamp can name any 64-bit second).
    pub fn millis(self) -> i64 {
        self.sec
            .saturating_mul(1000)
            .saturating_add(i64::from(self.usec / 1000))
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
