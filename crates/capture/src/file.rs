//! Capture files: format detection and the streaming pcap / pcapng reader.

use std::path::Path;

use crate::{CaptureError, RawPacket};

/// The container format of a capture file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Classic libpcap format (any byte order, micro- or nanosecond, or Kuznetzov's variant).
    Pcap,
    /// pcapng.
    Pcapng,
}

/// A capture file being read packet by packet.
pub struct FileCapture {
    format: CaptureFormat,
}

impl FileCapture {
    /// Opens a capture file (gzip-compressed or not) and reads its header.
    pub fn open(path: &Path) -> Result<FileCapture, CaptureError> {
        Err(CaptureError::Malformed {
            path: path.to_path_buf(),
            offset: 0,
            reason: "unimplemented".into(),
        })
    }

    /// The container format.
    pub fn format(&self) -> CaptureFormat {
        self.format
    }

    /// The next packet, `Ok(None)` at a clean end of file.
    pub fn next_packet(&mut self) -> Result<Option<RawPacket<'_>>, CaptureError> {
        Ok(None)
    }
}
