//! p0f.fp signature databases for p0fmod.
//!
//! This crate owns the signature side of fingerprinting: parsing `p0f.fp` text (the whole
//! grammar of p0f 3.09b, spec §11) into typed signatures with an index for fast lookup,
//! p0f's matching rules for TCP (§6.3) and HTTP (§9.5) signatures, the MTU table,
//! p0fmod's own TLS hello signatures (`[tls:request]`, `[tls:response]`: the grammar in
//! module [`tls`] and docs/database.md), and p0fmod's embedded default database. It knows nothing of
//! packets: the engine hands it observations ([`TcpObservation`], [`HttpObservation`],
//! [`TlsObservation`]) and gets matches back.
//!
//! * [`Database::parse`] / [`Database::load`] accept exactly what p0f accepts, with p0f's
//!   error messages, except that every error is reported (not just the first) and CRLF line
//!   ends and trailing blanks are allowed. The duplicate checks of p0f run at load too.
//! * [`Database::match_tcp`] and [`Database::match_http`] give p0f's answer for a packet,
//!   including the reference's documented oddities; [`Database::match_tls`] applies the
//!   same best-match rule to TLS hellos. None of them allocates.
//! * [`TlsObservation::raw_signature`] prints a hello as the exact `sig =` line that
//!   matches it.
//! * [`TcpSignature`]'s `Display`, [`HttpSignature::display`] and [`Database::to_fp_text`]
//!   print signatures and whole databases back as p0f.fp text.
//! * [`Database::embedded`] is p0fmod's own database (`data/p0fmod.fp`): every signature of
//!   the stock p0f 3.09b database in its order, and p0fmod's own for newer systems
//!   (docs/database.md).
//!
//! ```
//! use p0fmod_db::{Database, Direction, TcpObservation};
//! use p0fmod_wire::{IpVersion, Quirks};
//!
//! let db = Database::embedded();
//! // A Linux SYN: mss,sok,ts,nop,ws with window 20 × MSS.
//! let syn = TcpObservation {
//!     version: IpVersion::V4,
//!     ttl: 60,
//!     ip_opt_len: 0,
//!     mss: 1460,
//!     win: 29200,
//!     wscale: 10,
//!     opt_layout: &[2, 4, 8, 1, 3],
//!     eol_pad: 0,
//!     quirks: Quirks::DF | Quirks::NZ_ID,
//!     has_payload: false,
//!     ts1: 1,
//!     tot_hdr: 60,
//!     peer_mss: 0,
//! };
//! let m = db.match_tcp(Direction::Request, &syn);
//! let sig = m.signature.expect("a match");
//! assert_eq!(db.label_display(sig.label).to_string(), "Linux 3.11 and newer");
//! assert_eq!(m.distance, 4);
//! ```

#![forbid(unsafe_code)]

mod error;
pub mod families;
mod headers;
mod matching;
mod parse;
mod print;
pub mod tls;
mod types;

pub use error::{DbError, DbErrors};
pub use families::{EMBEDDED_FAMILIES, Families, Family, FamilyId};
pub use headers::{HeaderId, HeaderTable};
pub use matching::{
    HttpMatch, HttpObservation, ObservedHeader, TcpMatch, TcpObservation, WindowMode,
    guess_distance, window_multiplier,
};
pub use parse::MAX_DB_FILE_LEN;
pub use print::HttpSigDisplay;
pub use tls::{
    AlpnNames, TlsAlpn, TlsItem, TlsList, TlsMatch, TlsObservation, TlsRawSignature, TlsSignature,
    TlsTransport, VOLATILE_EXTENSIONS,
};
pub use types::{
    ClassId, Database, Direction, HttpSigHeader, HttpSignature, Label, LabelDisplay, LabelId,
    MtuEntry, NameId, PayloadClass, SysEntry, TcpSignature, UaOsEntry, WindowSpec,
};

/// The text of p0fmod's embedded default database.
pub const EMBEDDED_DB: &str = include_str!("../data/p0fmod.fp");
