//! Fingerprint building: from a decoded packet or an HTTP header block to the observation
//! facts and the database queries (spec §6, §7, §9). Pure functions over plain data.

pub mod http;
pub mod tcp;
pub mod tls;

/// Largest TTL distance allowed for a non-fuzzy match.
pub const MAX_DIST: u8 = 35;
