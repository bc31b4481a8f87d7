//! Wire decoding for p0fmod: link layer → IPv4/IPv6 → TCP and its options.
//!
//! This crate owns the bytes-to-facts step of the pipeline. It is pure: no state, no
//! allocation, no I/O. [`decode`] takes one captured frame and its link type and returns a
//! [`TcpPacket`] that borrows the frame, holding exactly the facts p0f 3.09b fingerprints
//! (TTL, IP options length, window, MSS, window scale, timestamps, the option layout and
//! the quirks), computed as p0f computes them, including the reference's bugs that the stock
//! `p0f.fp` depends on (see `../shared/spec/p0f-3.09b-behaviour.md` §3).
//!
//! Contract: every length is checked before it is read; no input makes a function of this
//! crate panic.

#![forbid(unsafe_code)]

pub mod link;
pub mod quirks;
pub mod tcp;

pub use link::LinkType;
pub use quirks::Quirks;
pub use tcp::{DecodeError, IpVersion, OptLayout, TcpFlags, TcpPacket, decode};
