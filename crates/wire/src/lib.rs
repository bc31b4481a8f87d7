//! Wire decoding for p0fmod: link layer → IPv4/IPv6 → TCP and its options.
//!
//! This crate owns the bytes-to-facts step of the pipeline. It is pure: no state, no
//! allocation, no I/O. [`decode`] takes one captured frame and its link type and returns a
//! [`TcpPacket`] that borrows the frame, holding exactly the facts p0f 3.09b fingerprints
//! (TTL, IP options length, window, MSS, window scale, timestamps, the option layout and
//! the quirks), computed as p0f computes them, including the reference's bugs that the stock
//! `p0f.fp` depends on (see `../shared/spec/p0f-3.09b-behaviour.md` §3).
//!
//! The link layer is where p0fmod does better than p0f: each supported header is decoded
//! (VLAN stacks, PPPoE, MPLS, 802.11, NFLOG, ...) instead of guessing an offset.
//!
//! Modules: [`link`] (link layers), [`tcp`] (TCP header and the [`decode`] entry point),
//! [`udp`] (UDP datagrams for QUIC and DTLS, [`decode_udp`], apart from p0f's TCP path),
//! [`options`] (the TCP options walk), [`quirks`] (the quirk set), [`error`] (drop reasons).
//!
//! Contract: every length is checked before it is read; no input makes a function of this
//! crate panic.

#![forbid(unsafe_code)]

mod bytes;
pub mod error;
mod ip;
pub mod link;
pub mod options;
pub mod quirks;
pub mod tcp;
pub mod tunnel;
pub mod udp;

pub use error::{DecodeError, Layer};
pub use ip::IpVersion;
pub use link::{LinkType, ip_payload};
pub use options::{MAX_TCP_OPT, OptLayout, TcpOptions};
pub use quirks::Quirks;
pub use tcp::{MAX_PACKET_LEN, TcpFlags, TcpPacket, decode};
pub use udp::{UdpPacket, decode_udp};
