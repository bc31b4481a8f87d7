//! The HTTP header name table: p0f's built-in header lists plus every name a signature uses.

/// Index of a known header name in a [`HeaderTable`].
pub type HeaderId = u16;

/// Known HTTP header names (case-sensitive, as p0f), with the built-in per-direction lists.
#[derive(Clone, Debug, Default)]
pub struct HeaderTable {
    names: Vec<String>,
}

impl HeaderTable {
    /// `User-Agent` (fixed id 0).
    pub const USER_AGENT: HeaderId = 0;
    /// `Server` (fixed id 1).
    pub const SERVER: HeaderId = 1;
    /// `Accept-Language` (fixed id 2).
    pub const ACCEPT_LANGUAGE: HeaderId = 2;
    /// `Via` (fixed id 3).
    pub const VIA: HeaderId = 3;
    /// `X-Forwarded-For` (fixed id 4).
    pub const X_FORWARDED_FOR: HeaderId = 4;
    /// `Date` (fixed id 5).
    pub const DATE: HeaderId = 5;

    /// The id of a known header name (exact, case-sensitive).
    pub fn lookup(&self, name: &[u8]) -> Option<HeaderId> {
        self.names
            .iter()
            .position(|n| n.as_bytes() == name)
            .map(|i| i as HeaderId)
    }

    /// The name of a header id.
    pub fn name(&self, id: HeaderId) -> &str {
        &self.names[id as usize]
    }
}
