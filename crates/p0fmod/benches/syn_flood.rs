//! Work per packet under a SYN flood: one million SYNs, each from a new pseudo-random
//! source, through an engine with `-m 100,1000`. The tables fill within the first few
//! thousand packets and are pruned on almost every packet after that, so the cost of a
//! packet must not grow with the number of packets seen (hash maps keyed with a random
//! seed, O(1) pruning).
//!
//! Prints the median time per packet over the first and the last 100,000 SYNs (each the
//! median of ten blocks of 10,000) and fails when one is more than three times the other.
//! Run with `cargo bench -p p0fmod --bench syn_flood`; scripts/test runs it.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use p0fmod::{Database, Engine, Limits, Timestamp};

/// SYNs in the flood.
const PACKETS: u32 = 1_000_000;
/// SYNs per timed block.
const BLOCK: u32 = 10_000;
/// Blocks in each measured window (the first and the last 100,000 SYNs).
const WINDOW_BLOCKS: u32 = 10;
/// Largest accepted ratio between the two windows.
const MAX_RATIO: f64 = 3.0;

/// A raw IPv4 SYN (link type 228) to 198.51.100.1:80 with Linux's options; the source
/// address is at bytes 12..16 and the source port at 20..22.
#[rustfmt::skip]
const SYN: [u8; 40 + 20] = [
    0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 192, 0, 2, 1,
    198, 51, 100, 1, 0x9c, 0x41, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
    0xa0, 0x02, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
    0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
];

fn main() -> ExitCode {
    let limits = Limits {
        max_conn: 100,
        max_hosts: 1000,
        ..Limits::default()
    };
    let mut engine = Engine::new(Arc::new(Database::embedded()), limits);
    let mut frame = SYN;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut blocks = Vec::with_capacity((PACKETS / BLOCK) as usize);
    let mut observations = 0u64;
    for block in 0..PACKETS / BLOCK {
        let started = Instant::now();
        for i in block * BLOCK..(block + 1) * BLOCK {
            // xorshift64*: sources an attacker could pick.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
            frame[12..16].copy_from_slice(&((r >> 32) as u32).to_be_bytes());
            frame[20..22].copy_from_slice(&(r as u16).to_be_bytes());
            let ts = Timestamp {
                sec: 1_700_000_000 + i64::from(i / 100_000),
                usec: i % 100_000,
            };
            let _ = engine.process_frame(ts, 228, black_box(&frame), &mut |_| observations += 1);
        }
        blocks.push(started.elapsed());
    }
    let (hosts, flows) = engine.cache_sizes();
    let per_packet = |window: &[Duration]| {
        let mut sorted = window.to_vec();
        sorted.sort();
        sorted[sorted.len() / 2].as_secs_f64() * 1e9 / f64::from(BLOCK)
    };
    let n = WINDOW_BLOCKS as usize;
    let first = per_packet(&blocks[..n]);
    let last = per_packet(&blocks[blocks.len() - n..]);
    let ratio = first.max(last) / first.min(last);
    println!(
        "syn_flood: {PACKETS} SYNs, -m 100,1000: {first:.0} ns/packet over the first 100k, \
         {last:.0} ns/packet over the last 100k (ratio {ratio:.2}); \
         {hosts} hosts, {flows} flows at the end; {observations} observations"
    );
    if hosts > 1001 || flows > 101 {
        eprintln!("syn_flood: the caches outgrew -m 100,1000");
        return ExitCode::FAILURE;
    }
    if ratio > MAX_RATIO {
        eprintln!("syn_flood: work per packet changed by more than {MAX_RATIO}x");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
