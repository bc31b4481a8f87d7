//! The error of this crate: where in a hello parsing stopped, and why.

/// A malformed handshake message: the byte offset (from the start of the slice given to
/// the parser) where parsing stopped, and what was wrong there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the field that is cut short or impossible.
    pub offset: usize,
    /// What is wrong, naming the field (for example `"cipher_suites length"`).
    pub what: &'static str,
}

impl ParseError {
    pub(crate) const fn new(offset: usize, what: &'static str) -> Self {
        ParseError { offset, what }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "malformed TLS hello at byte {}: {}",
            self.offset, self.what
        )
    }
}

impl std::error::Error for ParseError {}
