//! TCP fingerprints: the observation handed to the matcher and the `raw_sig` facts.

use p0fmod_db::{TcpObservation, WindowMode, guess_distance, window_multiplier};
use p0fmod_wire::TcpPacket;

use crate::observation::{RawWindow, TcpRawSig};

/// MSS that marks a p0f-sendsyn probe.
pub const SPECIAL_MSS: u16 = 1331;
/// Window that marks a p0f-sendsyn probe.
pub const SPECIAL_WIN: u16 = 1337;

/// The matcher's view of a SYN or SYN+ACK. `peer_mss` is the flow's SYN MSS for a
/// SYN+ACK and 0 for a SYN.
pub fn observation<'p>(pkt: &'p TcpPacket<'_>, peer_mss: u16) -> TcpObservation<'p> {
    TcpObservation {
        version: pkt.version,
        ttl: pkt.ttl,
        ip_opt_len: pkt.ip_opt_len,
        mss: pkt.mss,
        win: pkt.win,
        wscale: pkt.wscale,
        opt_layout: pkt.opt_layout.as_slice(),
        eol_pad: pkt.eol_pad,
        quirks: pkt.quirks,
        has_payload: !pkt.payload.is_empty(),
        ts1: pkt.ts1,
        tot_hdr: pkt.tot_hdr,
        peer_mss,
    }
}

/// The `raw_sig` facts of a SYN (`is_synack` false) or SYN+ACK (spec §6.1).
pub fn raw_sig(pkt: &TcpPacket<'_>, obs: &TcpObservation<'_>, is_synack: bool) -> TcpRawSig {
    let window = match window_multiplier(obs) {
        Some((WindowMode::Mss, n)) => RawWindow::MssMultiple(n),
        Some((WindowMode::Mtu, n)) => RawWindow::MtuMultiple(n),
        None => RawWindow::Literal(pkt.win),
    };
    TcpRawSig {
        version: pkt.version,
        ttl: pkt.ttl,
        guessed_distance: guess_distance(pkt.ttl),
        ip_opt_len: pkt.ip_opt_len,
        mss: if is_synack && pkt.mss == SPECIAL_MSS {
            None
        } else {
            Some(pkt.mss)
        },
        window,
        wscale: pkt.wscale,
        opt_layout: pkt.opt_layout,
        eol_pad: pkt.eol_pad,
        quirks: pkt.quirks,
        has_payload: !pkt.payload.is_empty(),
    }
}

/// True for a p0f-sendsyn probe: a pure SYN with window 1337 and MSS 1331.
pub fn is_sendsyn_probe(pkt: &TcpPacket<'_>) -> bool {
    pkt.win == SPECIAL_WIN && pkt.mss == SPECIAL_MSS
}
