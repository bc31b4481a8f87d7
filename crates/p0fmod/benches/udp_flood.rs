//! UDP through the engine: the cost of a UDP datagram that is neither QUIC nor DTLS, and
//! memory under floods of random datagrams, bogus QUIC Initials (a valid header, a
//! garbage payload) and real Initials from ever new ports, with `-m 1000`.
//!
//! 1. Per-packet time of ordinary UDP frames (DNS, NTP, SSDP, random bytes, some with the
//!    long-header bit set) through `Engine::process_frame`, with TLS fingerprinting off
//!    (p0f's path: the frame is dropped as not TCP) and on (the UDP checks too); the best
//!    of several rounds of each. Fails when "on" costs more than 30 ns more per packet.
//! 2. A flood of 3,000,000 datagrams from new source ports: one in ten a bogus Initial,
//!    one in a hundred a real client Initial carrying the first half of a hello (each
//!    makes a UDP flow). Prints the UDP table's size and the resident memory after the
//!    first million and at the end; fails when the table passes `-m` or memory grew by
//!    more than 8 MiB after the first million.
//!
//! Run with `cargo bench -p p0fmod --bench udp_flood`.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use p0fmod::{Database, Engine, Limits, Timestamp};
use p0fmod_quic::keys::InitialKeys;
use p0fmod_quic::protect::{protect_initial, push_crypto_frame};
use p0fmod_quic::version::{VERSION_1, version_params};

const MAX_CONN: u32 = 1000;
const FLOOD: u32 = 3_000_000;
const WINDOW: u32 = 1_000_000;
const MAX_EXTRA_NS: f64 = 30.0;
const MAX_GROWTH_KIB: u64 = 8 << 10;

/// Resident memory of this process in KiB (`VmRSS`; 0 where /proc is not there).
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Raw IPv4 (link type 228) + UDP from 192.0.2.1:`sport` to 198.51.100.7:443.
fn frame(payload: &[u8], sport: u16) -> Vec<u8> {
    let tot = 28 + payload.len();
    let mut f = vec![
        0x45,
        0,
        (tot >> 8) as u8,
        tot as u8,
        0,
        0,
        0x40,
        0,
        64,
        17,
        0,
        0,
    ];
    f.extend_from_slice(&[192, 0, 2, 1, 198, 51, 100, 7]);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&[0x01, 0xbb]);
    f.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(payload);
    f
}

fn engine(tls: bool) -> Engine {
    let limits = Limits {
        max_conn: MAX_CONN,
        ..Limits::default()
    };
    let mut e = Engine::new(Arc::new(Database::embedded()), limits);
    e.set_tls(tls);
    e
}

/// Ordinary UDP payloads: none is QUIC or DTLS.
fn ordinary() -> Vec<Vec<u8>> {
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out = vec![
        b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01"
            .to_vec(),
        {
            let mut ntp = vec![0x23];
            ntp.resize(48, 0);
            ntp
        },
        b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n\r\n"
            .to_vec(),
    ];
    for i in 0..61 {
        let len = 20 + (next() % 1200) as usize;
        let mut p: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if i % 2 == 0 {
            p[0] |= 0x80; // a long-header bit with a random "version"
        }
        out.push(p);
    }
    out
}

/// Best time per frame (ns) over `rounds` passes of `frames` through a fresh engine.
fn time_per_frame(tls: bool, frames: &[Vec<u8>], rounds: usize) -> f64 {
    let mut best = f64::MAX;
    let mut e = engine(tls);
    let mut sink = |_: &p0fmod::Observation<'_>| {};
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..200 {
            for (i, f) in frames.iter().enumerate() {
                let ts = Timestamp {
                    sec: 1_700_000_000,
                    usec: i as u32,
                };
                let _ = black_box(e.process_frame(ts, 228, black_box(f), &mut sink));
            }
        }
        let ns = start.elapsed().as_nanos() as f64 / (200 * frames.len()) as f64;
        best = best.min(ns);
    }
    best
}

fn main() -> ExitCode {
    let mut ok = true;

    // 1. Ordinary UDP, TLS off and on.
    let frames: Vec<Vec<u8>> = ordinary().iter().map(|p| frame(p, 5353)).collect();
    let (mut off, mut on) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        off = off.min(time_per_frame(false, &frames, 5));
        on = on.min(time_per_frame(true, &frames, 5));
    }
    println!(
        "ordinary UDP frame: {off:.1} ns with TLS off (p0f's path), {on:.1} ns with QUIC/DTLS checks: {:+.1} ns",
        on - off
    );
    if on - off > MAX_EXTRA_NS {
        println!("FAIL: more than {MAX_EXTRA_NS} ns more per ordinary UDP packet");
        ok = false;
    }

    // 2. The flood.
    let params = version_params(VERSION_1).unwrap();
    let dcid = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];
    let keys = InitialKeys::derive(&params, &dcid);
    let mut hello = vec![1, 0, 0x07, 0x00];
    hello.extend((0..0x700).map(|i| i as u8));
    let mut payload = Vec::new();
    push_crypto_frame(&mut payload, 0, &hello[..900]);
    payload.resize(1150, 0);
    let mut initial = Vec::new();
    protect_initial(
        &params,
        &keys.client,
        &dcid,
        &[1, 2, 3, 4],
        &[],
        0,
        2,
        &payload,
        &mut initial,
    );
    let mut bogus = initial[..26].to_vec();
    bogus.resize(initial.len(), 0xab);
    let ordinary = ordinary();

    let mut e = engine(true);
    let mut observations = 0u64;
    let mut sink = |_: &p0fmod::Observation<'_>| observations += 1;
    let mut resident_after_window = 0;
    let mut max_flows = 0;
    let start = Instant::now();
    for i in 0..FLOOD {
        if i == WINDOW {
            resident_after_window = resident_kib();
        }
        let payload: &[u8] = match i % 100 {
            0 => &initial,
            n if n % 10 == 1 => &bogus,
            n => &ordinary[n as usize % ordinary.len()],
        };
        // Real Initials each from a new port (30,000 of them), the rest from any.
        let port = if i % 100 == 0 { i / 100 } else { i % 60_000 };
        let f = frame(payload, port as u16 + 1024);
        let ts = Timestamp {
            sec: 1_700_000_000 + i64::from(i / 100_000),
            usec: i % 1_000_000,
        };
        let _ = e.process_frame(ts, 228, &f, &mut sink);
        max_flows = max_flows.max(e.stats().udp.current);
    }
    let elapsed = start.elapsed();
    let resident_end = resident_kib();
    let s = e.stats().udp;
    println!(
        "flood: {FLOOD} datagrams in {:.2} s ({:.0} ns each, frame building included); {} candidates, {} rejected, {} UDP flows made, {} evicted, {} expired, at most {max_flows} at once (-m {MAX_CONN}); {observations} incomplete hellos reported",
        elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / f64::from(FLOOD),
        s.candidates,
        s.rejected,
        s.flows,
        s.evicted,
        s.expired
    );
    println!(
        "resident memory: {resident_after_window} KiB after {WINDOW} datagrams, {resident_end} KiB at the end ({:+} KiB)",
        resident_end as i64 - resident_after_window as i64
    );
    if max_flows > u64::from(MAX_CONN) {
        println!("FAIL: the UDP table passed -m");
        ok = false;
    }
    if resident_end.saturating_sub(resident_after_window) > MAX_GROWTH_KIB {
        println!("FAIL: memory grew by more than {MAX_GROWTH_KIB} KiB after the first window");
        ok = false;
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
