//! Errors of the capture layer, each with the file and byte offset where it happened.

use std::path::PathBuf;

/// What went wrong while reading a capture.
#[derive(Debug)]
pub enum CaptureError {
    /// The file could not be opened or read.
    Io {
        /// The capture file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The data is damaged or truncated.
    Malformed {
        /// The capture file.
        path: PathBuf,
        /// Byte offset (in the uncompressed stream) where the damage starts.
        offset: u64,
        /// What is wrong there.
        reason: String,
    },
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaptureError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            CaptureError::Malformed {
                path,
                offset,
                reason,
            } => {
                write!(f, "{}: at byte {offset}: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CaptureError::Io { source, .. } => Some(source),
            CaptureError::Malformed { .. } => None,
        }
    }
}
