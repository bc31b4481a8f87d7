//! Memory per host entry and per worst-case flow (spec §4.1; p0f documents under 400 bytes
//! per host and about 18 kB per worst-case flow).
//!
//! Measured two ways and printed (`cargo test -p p0fmod --release --test engine_memory --
//! --nocapture`), with generous bounds asserted:
//! * the inline size of the records (`size_of` of `state::Host` and `state::Flow`);
//! * the heap the engine really allocates, counted by a global allocator in this test
//!   binary: per host, amortised over 20 000 hosts (hash index and slab growth included),
//!   and for one flow holding 8192 bytes of request and 8191 bytes of (unfinished)
//!   response header, the most it holds before it is dropped.
//!
//! This file holds a single test, so that nothing else allocates while it measures.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use common::*;
use p0fmod::state::{Flow, Host};
use p0fmod::{Engine, Limits};

/// The system allocator, counting the bytes currently allocated.
struct Counting;

static ALLOCATED: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is
// updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocated() -> isize {
    ALLOCATED.load(Ordering::Relaxed)
}

/// Feeds frames to the engine, dropping observations.
fn feed(engine: &mut Engine, frames: &[(p0fmod::Timestamp, Vec<u8>)]) {
    for (ts, frame) in frames {
        let _ = engine.process_frame(*ts, DLT_EN10MB, frame, &mut |_| {});
    }
}

/// Heap bytes per host, amortised over `n` hosts: each sends a SYN (creating it and the
/// server's entry) and a RST (dropping the flow again).
fn heap_per_host(n: u32) -> f64 {
    let mut frames = Vec::with_capacity(2 * n as usize);
    for i in 0..n {
        let ip = format!("10.{}.{}.{}", i >> 16, (i >> 8) & 0xff, i & 0xff);
        let c = Conn::new(&format!("{ip}:40000"), "198.51.100.20:80");
        let mut t = Trace::new();
        t.push(i64::from(i / 100), &c.linux_syn(1_000_000));
        t.push(
            i64::from(i / 100),
            &Tcp::new(c.client, c.server, RST).seq(c.cli_next),
        );
        frames.extend(t.frames);
    }
    let mut engine = Engine::new(stock_db(), limits(1000, 500_000, 30, 120));
    let before = allocated();
    feed(&mut engine, &frames);
    let after = allocated();
    assert_eq!(engine.cache_sizes(), (n as usize + 1, 0));
    (after - before) as f64 / f64::from(n + 1)
}

/// Heap bytes taken by one flow holding 8192 bytes of request and 8191 bytes of response,
/// between hosts that already exist; and the flow count while it is held.
fn heap_worst_flow(segment: usize) -> (isize, usize) {
    let mut t = Trace::new();
    // Hosts first, with a flow that ends at once.
    let first = Conn::new("192.0.2.10:40000", "198.51.100.20:80");
    t.push(0, &first.linux_syn(1_000_000));
    t.push(
        0,
        &Tcp::new(first.client, first.server, RST).seq(first.cli_next),
    );
    let setup = t.frames.len();

    let mut c = Conn::new("192.0.2.10:40001", "198.51.100.20:80");
    t.push(1, &c.linux_syn(1_000_001));
    t.push(2, &c.linux_synack(5_000_000, 1_000_001));
    // A complete request, then more client data up to 8192 bytes in all.
    let mut request =
        b"GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
            .to_vec();
    request.resize(8192, b'x');
    // A response header that never ends: 30 header lines and part of a 31st, 8191 bytes.
    let mut response = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..31 {
        let line = format!("X-Filler-{i:02}: {}\r\n", "v".repeat(250));
        response.extend_from_slice(line.as_bytes());
    }
    response.truncate(8191);
    for chunk in request.chunks(segment) {
        t.push(3, &c.client_sends(chunk));
    }
    for chunk in response.chunks(segment) {
        t.push(4, &c.server_sends(chunk));
    }

    let mut engine = Engine::new(stock_db(), Limits::default());
    feed(&mut engine, &t.frames[..setup]);
    let before = allocated();
    feed(&mut engine, &t.frames[setup..]);
    let after = allocated();
    (after - before, engine.cache_sizes().1)
}

#[test]
fn memory_per_host_and_per_worst_case_flow() {
    let _ = stock_db();
    let host_inline = std::mem::size_of::<Host>();
    let flow_inline = std::mem::size_of::<Flow>();
    println!("size_of::<state::Host>() = {host_inline} bytes");
    println!("size_of::<state::Flow>() = {flow_inline} bytes");

    for n in [1_000, 20_000] {
        let per_host = heap_per_host(n);
        println!("heap per host, amortised over {n} hosts: {per_host:.0} bytes");
        assert!(per_host < 2048.0, "{per_host} bytes per host");
    }

    for segment in [1448, 8192] {
        let (bytes, flows) = heap_worst_flow(segment);
        println!(
            "heap of a flow with 8192 + 8191 bytes buffered ({segment}-byte segments): {bytes} bytes"
        );
        assert_eq!(flows, 1, "the flow must still be held when measured");
        assert!(bytes >= 8192 + 8191, "{bytes}");
        assert!(bytes < 64 * 1024, "{bytes} bytes for one flow");
    }

    assert!(host_inline < 1024, "{host_inline}");
    assert!(flow_inline < 2048, "{flow_inline}");
}
