//! Work and memory per packet under a SYN flood: ten million SYNs, each from a source
//! address never seen before, through an engine with `-m 1000,10000`. The tables fill
//! within the first tens of thousands of packets and are pruned on almost every packet
//! after that, so neither the cost of a packet nor the memory may grow with the number of
//! packets seen (hash maps keyed with a random seed, O(1) pruning, slabs reused).
//!
//! Prints the median time per packet over the first and the last million SYNs (each the
//! median of ten blocks of 100,000) and the resident memory after the first million and at
//! the end; fails when one time is more than three times the other, or when memory grew by
//! more than 4 MiB after the first million.
//! Run with `cargo bench -p p0fmod --bench syn_flood`; scripts/test runs it.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use p0fmod::{Database, Engine, Limits, Timestamp};

/// SYNs in the flood.
const PACKETS: u32 = 10_000_000;
/// SYNs per timed block.
const BLOCK: u32 = 100_000;
/// Blocks in each measured window (the first and the last million SYNs).
const WINDOW_BLOCKS: u32 = 10;
/// Largest accepted ratio between the two windows.
const MAX_RATIO: f64 = 3.0;
/// Largest accepted growth of resident memory after the first window, in KiB.
const MAX_GROWTH_KIB: u64 = 4 << 10;
/// `-m 1000,10000`.
const MAX_CONN: u32 = 1000;
/// `-m 1000,10000`.
const MAX_HOSTS: u32 = 10_000;

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
        max_conn: MAX_CONN,
        max_hosts: MAX_HOSTS,
        ..Limits::default()
    };
    let mut engine = Engine::new(Arc::new(Database::embedded()), limits);
    let mut frame = SYN;
    let mut blocks = Vec::with_capacity((PACKETS / BLOCK) as usize);
    let mut observations = 0u64;
    let mut resident_after_first = 0;
    for block in 0..PACKETS / BLOCK {
        if block == WINDOW_BLOCKS {
            resident_after_first = resident_kib();
        }
        let started = Instant::now();
        for i in block * BLOCK..(block + 1) * BLOCK {
            // Multiplying by an odd constant is a bijection of u32: every source address
            // is new, scattered over the whole space as an attacker could pick them.
            let source = i.wrapping_mul(0x9e37_79b1) ^ 0x5bd1_e995;
            frame[12..16].copy_from_slice(&source.to_be_bytes());
            frame[20..22].copy_from_slice(&((source >> 7) as u16).to_be_bytes());
            let ts = Timestamp {
                sec: 1_700_000_000 + i64::from(i / 100_000),
                usec: i % 100_000,
            };
            let _ = engine.process_frame(ts, 228, black_box(&frame), &mut |_| observations += 1);
        }
        blocks.push(started.elapsed());
    }
    let resident_at_end = resident_kib();
    let growth = resident_at_end.saturating_sub(resident_after_first);
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
        "syn_flood: {PACKETS} SYNs from distinct sources, -m {MAX_CONN},{MAX_HOSTS}: \
         {first:.0} ns/packet over the first million, {last:.0} ns/packet over the last \
         million (ratio {ratio:.2}); resident memory {:.1} MiB after the first million, \
         {:.1} MiB at the end; {hosts} hosts, {flows} flows at the end; {observations} \
         observations",
        resident_after_first as f64 / 1024.0,
        resident_at_end as f64 / 1024.0,
    );
    if hosts > MAX_HOSTS as usize + 1 || flows > MAX_CONN as usize + 1 {
        eprintln!("syn_flood: the caches outgrew -m {MAX_CONN},{MAX_HOSTS}");
        return ExitCode::FAILURE;
    }
    if growth > MAX_GROWTH_KIB {
        eprintln!("syn_flood: resident memory grew by {growth} KiB after the first million");
        return ExitCode::FAILURE;
    }
    if ratio > MAX_RATIO {
        eprintln!("syn_flood: work per packet changed by more than {MAX_RATIO}x");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
