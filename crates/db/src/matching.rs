//! p0f's matching rules: TCP (spec §6.2, §6.3) and HTTP (§9.5).

use p0fmod_wire::{IpVersion, Quirks};

use crate::{Database, Direction, HeaderId, HttpSignature, TcpSignature};

/// What a window size is a multiple of (spec §6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowMode {
    /// A multiple of an MSS.
    Mss,
    /// A multiple of an MTU.
    Mtu,
}

/// The facts of one SYN or SYN+ACK that TCP matching needs.
#[derive(Clone, Copy, Debug)]
pub struct TcpObservation<'a> {
    /// IP version.
    pub version: IpVersion,
    /// Observed TTL.
    pub ttl: u8,
    /// IP options length.
    pub ip_opt_len: u8,
    /// MSS (0 if absent).
    pub mss: u16,
    /// Window.
    pub win: u16,
    /// Window scale (0 if absent).
    pub wscale: u8,
    /// Option kinds in order.
    pub opt_layout: &'a [u8],
    /// Padding after EOL.
    pub eol_pad: u8,
    /// Quirks.
    pub quirks: Quirks,
    /// Payload present.
    pub has_payload: bool,
    /// Own timestamp (0 if absent).
    pub ts1: u32,
    /// IP + TCP header length.
    pub tot_hdr: u16,
    /// For a SYN+ACK: the MSS of the flow's SYN; 0 for a SYN.
    pub peer_mss: u16,
}

/// The answer of TCP matching.
#[derive(Clone, Copy, Debug)]
pub struct TcpMatch<'db> {
    /// The matched signature, if any.
    pub signature: Option<&'db TcpSignature>,
    /// The match is fuzzy.
    pub fuzzy: bool,
    /// The distance p0f reports (`dist=`).
    pub distance: u8,
}

/// p0f's distance guess from a TTL: the next of 32, 64, 128, 255 minus the TTL.
pub fn guess_distance(ttl: u8) -> u8 {
    match ttl {
        0..=32 => 32 - ttl,
        33..=64 => 64 - ttl,
        65..=128 => 128 - ttl,
        _ => 255 - ttl,
    }
}

/// p0f's window-multiplier detection (spec §6.2): `Some((mode, N))` when the window is
/// N times an MSS or MTU candidate.
pub fn window_multiplier(obs: &TcpObservation<'_>) -> Option<(WindowMode, i16)> {
    let _ = obs;
    None
}

impl Database {
    /// Matches a SYN (`Direction::Request`) or SYN+ACK (`Direction::Response`) against the
    /// database, with p0f's best-match rule (spec §6.3).
    pub fn match_tcp(&self, direction: Direction, obs: &TcpObservation<'_>) -> TcpMatch<'_> {
        let _ = (direction, obs);
        TcpMatch {
            signature: None,
            fuzzy: false,
            distance: guess_distance(obs.ttl),
        }
    }

    /// Matches an HTTP request or response against the database (spec §9.5).
    pub fn match_http(&self, direction: Direction, obs: &HttpObservation<'_>) -> HttpMatch<'_> {
        let _ = (direction, obs);
        HttpMatch {
            signature: None,
            dishonest: false,
        }
    }
}

/// One header of an observed HTTP message.
#[derive(Clone, Copy, Debug)]
pub struct ObservedHeader<'a> {
    /// The id of the name, if the name is known.
    pub id: Option<HeaderId>,
    /// The name as sent.
    pub name: &'a [u8],
    /// The value, `None` when empty.
    pub value: Option<&'a [u8]>,
}

/// The facts of one HTTP message that matching needs.
#[derive(Clone, Copy, Debug)]
pub struct HttpObservation<'a> {
    /// HTTP minor version (0 or 1).
    pub version: u8,
    /// Headers in packet order.
    pub headers: &'a [ObservedHeader<'a>],
    /// The User-Agent (request) or Server (response) value, if any.
    pub software: Option<&'a [u8]>,
}

/// The answer of HTTP matching.
#[derive(Clone, Copy, Debug)]
pub struct HttpMatch<'db> {
    /// The matched signature, if any.
    pub signature: Option<&'db HttpSignature>,
    /// The software string does not contain the signature's expected software.
    pub dishonest: bool,
}
