//! The HTTP header name table: p0f's built-in header lists plus every name a signature uses.
//!
//! Header names are compared exactly (case-sensitively), as p0f does (spec §9.1): `user-agent`
//! is not `User-Agent`. A name that is not in the table is "unknown" and never matches a
//! signature header. The first six ids are fixed so the engine can refer to them directly.

use std::collections::HashMap;

use crate::Direction;

/// Index of a known header name in a [`HeaderTable`].
pub type HeaderId = u16;

/// Request: printed with `?` and without a value in `raw_sig`.
const REQ_OPTIONAL: u8 = 0x01;
/// Response: printed with `?` and without a value in `raw_sig`.
const RESP_OPTIONAL: u8 = 0x02;
/// Request: the value is never printed in `raw_sig`.
const REQ_SKIP_VALUE: u8 = 0x04;
/// Response: the value is never printed in `raw_sig`.
const RESP_SKIP_VALUE: u8 = 0x08;

/// The names with fixed ids, in id order.
const FIXED: [&str; 6] = [
    "User-Agent",
    "Server",
    "Accept-Language",
    "Via",
    "X-Forwarded-For",
    "Date",
];

/// Request headers that may come and go (spec Appendix B).
const REQUEST_OPTIONAL: [&str; 11] = [
    "Cookie",
    "Referer",
    "Origin",
    "Range",
    "If-Modified-Since",
    "If-None-Match",
    "Via",
    "X-Forwarded-For",
    "Authorization",
    "Proxy-Authorization",
    "Cache-Control",
];

/// Response headers that may come and go (spec Appendix B).
const RESPONSE_OPTIONAL: [&str; 12] = [
    "Set-Cookie",
    "Last-Modified",
    "ETag",
    "Content-Length",
    "Content-Disposition",
    "Cache-Control",
    "Expires",
    "Pragma",
    "Location",
    "Refresh",
    "Content-Range",
    "Vary",
];

/// Request headers listed in `habsent` when missing, in print order (spec Appendix B).
const REQUEST_COMMON: [&str; 8] = [
    "Host",
    "User-Agent",
    "Connection",
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Accept-Charset",
    "Keep-Alive",
];

/// Response headers listed in `habsent` when missing, in print order (spec Appendix B).
const RESPONSE_COMMON: [&str; 5] = [
    "Content-Type",
    "Connection",
    "Keep-Alive",
    "Accept-Ranges",
    "Date",
];

/// Request headers whose value is never printed (spec Appendix B).
const REQUEST_SKIP_VALUE: [&str; 2] = ["Host", "User-Agent"];

/// Response headers whose value is never printed (spec Appendix B).
const RESPONSE_SKIP_VALUE: [&str; 3] = ["Date", "Content-Type", "Server"];

/// Known HTTP header names (case-sensitive, as p0f), with the built-in per-direction lists.
///
/// [`HeaderTable::default`] holds p0f's built-in names: the six fixed ids, then the optional,
/// skip-value and common lists of both directions. Parsing a database adds every name its
/// HTTP signatures mention.
#[derive(Clone, Debug)]
pub struct HeaderTable {
    /// Names by id.
    names: Vec<String>,
    /// Per-id flags (`REQ_OPTIONAL` ...).
    flags: Vec<u8>,
    /// Name → id.
    index: HashMap<Box<[u8]>, HeaderId>,
    /// Request common headers, in print order.
    common_request: Vec<HeaderId>,
    /// Response common headers, in print order.
    common_response: Vec<HeaderId>,
}

impl Default for HeaderTable {
    fn default() -> Self {
        let mut table = HeaderTable {
            names: Vec::new(),
            flags: Vec::new(),
            index: HashMap::new(),
            common_request: Vec::new(),
            common_response: Vec::new(),
        };
        for name in FIXED {
            table.insert(name);
        }
        let flagged: [(&[&str], u8); 4] = [
            (&REQUEST_OPTIONAL, REQ_OPTIONAL),
            (&RESPONSE_OPTIONAL, RESP_OPTIONAL),
            (&REQUEST_SKIP_VALUE, REQ_SKIP_VALUE),
            (&RESPONSE_SKIP_VALUE, RESP_SKIP_VALUE),
        ];
        for (list, flag) in flagged {
            for name in list {
                let id = table.insert(name);
                table.flags[id as usize] |= flag;
            }
        }
        for name in REQUEST_COMMON {
            let id = table.insert(name);
            table.common_request.push(id);
        }
        for name in RESPONSE_COMMON {
            let id = table.insert(name);
            table.common_response.push(id);
        }
        table
    }
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
        self.index.get(name).copied()
    }

    /// The name of a header id.
    ///
    /// # Panics
    /// When `id` is not an id of this table.
    pub fn name(&self, id: HeaderId) -> &str {
        &self.names[id as usize]
    }

    /// True when the header is on the direction's built-in *optional* list: `raw_sig` prints
    /// it with a `?` prefix and without its value.
    pub fn is_optional(&self, direction: Direction, id: HeaderId) -> bool {
        let flag = match direction {
            Direction::Request => REQ_OPTIONAL,
            Direction::Response => RESP_OPTIONAL,
        };
        self.flag(id) & flag != 0
    }

    /// True when the header is on the direction's built-in *skip-value* list: `raw_sig`
    /// never prints its value.
    pub fn is_skip_value(&self, direction: Direction, id: HeaderId) -> bool {
        let flag = match direction {
            Direction::Request => REQ_SKIP_VALUE,
            Direction::Response => RESP_SKIP_VALUE,
        };
        self.flag(id) & flag != 0
    }

    /// The direction's *common* headers in p0f's order: `raw_sig`'s `habsent` lists those a
    /// message lacks.
    pub fn common(&self, direction: Direction) -> &[HeaderId] {
        match direction {
            Direction::Request => &self.common_request,
            Direction::Response => &self.common_response,
        }
    }

    /// Number of known names (ids are `0..len()`).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when the table holds no name (never the case for a table built by `default`).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The id of `name`, adding it if it is new.
    pub(crate) fn insert(&mut self, name: &str) -> HeaderId {
        if let Some(id) = self.lookup(name.as_bytes()) {
            return id;
        }
        let id = HeaderId::try_from(self.names.len()).expect("fewer than 65536 header names");
        self.names.push(name.to_string());
        self.flags.push(0);
        self.index.insert(name.as_bytes().into(), id);
        id
    }

    /// The flags of an id (0 for an id outside the table).
    fn flag(&self, id: HeaderId) -> u8 {
        self.flags.get(id as usize).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_ids() {
        let t = HeaderTable::default();
        for (i, name) in FIXED.iter().enumerate() {
            assert_eq!(t.lookup(name.as_bytes()), Some(i as HeaderId));
            assert_eq!(t.name(i as HeaderId), *name);
        }
        assert_eq!(t.lookup(b"User-Agent"), Some(HeaderTable::USER_AGENT));
        assert_eq!(t.lookup(b"Server"), Some(HeaderTable::SERVER));
        assert_eq!(
            t.lookup(b"Accept-Language"),
            Some(HeaderTable::ACCEPT_LANGUAGE)
        );
        assert_eq!(t.lookup(b"Via"), Some(HeaderTable::VIA));
        assert_eq!(
            t.lookup(b"X-Forwarded-For"),
            Some(HeaderTable::X_FORWARDED_FOR)
        );
        assert_eq!(t.lookup(b"Date"), Some(HeaderTable::DATE));
    }

    #[test]
    fn lookup_is_case_sensitive() {
        let t = HeaderTable::default();
        assert_eq!(t.lookup(b"user-agent"), None);
        assert_eq!(t.lookup(b"Content-type"), None);
        assert!(t.lookup(b"Content-Type").is_some());
    }

    #[test]
    fn builtin_lists() {
        let t = HeaderTable::default();
        let id = |n: &str| t.lookup(n.as_bytes()).unwrap();
        assert!(t.is_optional(Direction::Request, id("Cookie")));
        assert!(!t.is_optional(Direction::Response, id("Cookie")));
        assert!(t.is_optional(Direction::Response, id("ETag")));
        assert!(t.is_optional(Direction::Request, id("Cache-Control")));
        assert!(t.is_optional(Direction::Response, id("Cache-Control")));
        assert!(t.is_skip_value(Direction::Request, id("Host")));
        assert!(t.is_skip_value(Direction::Request, HeaderTable::USER_AGENT));
        assert!(!t.is_skip_value(Direction::Request, HeaderTable::SERVER));
        assert!(t.is_skip_value(Direction::Response, HeaderTable::SERVER));
        assert!(t.is_skip_value(Direction::Response, HeaderTable::DATE));
        assert!(t.is_skip_value(Direction::Response, id("Content-Type")));
        let names = |d| -> Vec<&str> { t.common(d).iter().map(|&i| t.name(i)).collect() };
        assert_eq!(names(Direction::Request), REQUEST_COMMON);
        assert_eq!(names(Direction::Response), RESPONSE_COMMON);
    }

    #[test]
    fn insert_is_idempotent() {
        let mut t = HeaderTable::default();
        let before = t.len();
        let a = t.insert("X-New");
        assert_eq!(t.len(), before + 1);
        assert_eq!(t.insert("X-New"), a);
        assert_eq!(t.insert("Host"), t.lookup(b"Host").unwrap());
        assert_eq!(t.len(), before + 1);
        assert!(!t.is_optional(Direction::Request, a));
        assert!(!t.is_empty());
    }
}
