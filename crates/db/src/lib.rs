//! p0f.fp signature databases for p0fmod.
//!
//! This crate owns the signature side of fingerprinting: parsing `p0f.fp` text (the whole
//! grammar of p0f 3.09b, spec §11) into typed signatures with an index for fast lookup,
//! p0f's matching rules for TCP (§6.3) and HTTP (§9.5) signatures, the MTU table, and
//! p0fmod's embedded default database. It knows nothing of packets: the engine hands it
//! observations ([`TcpObservation`], [`HttpObservation`]) and gets matches back.

#![forbid(unsafe_code)]

mod error;
mod headers;
mod matching;
mod parse;
mod print;
mod types;

pub use error::{DbError, DbErrors};
pub use headers::{HeaderId, HeaderTable};
pub use matching::{
    HttpMatch, HttpObservation, ObservedHeader, TcpMatch, TcpObservation, WindowMode,
    guess_distance, window_multiplier,
};
pub use print::HttpSigDisplay;
pub use types::{
    ClassId, Database, Direction, HttpSigHeader, HttpSignature, Label, LabelDisplay, LabelId,
    MtuEntry, NameId, PayloadClass, SysEntry, TcpSignature, UaOsEntry, WindowSpec,
};

/// The text of p0fmod's embedded default database.
pub const EMBEDDED_DB: &str = include_str!("../data/p0fmod.fp");
