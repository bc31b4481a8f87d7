//! `p0fmod::Engine::process_frame` on a sequence of frames, with small cache limits.
//!
//! Input: a 5-byte header, then records.
//!
//! * Header: the flow and host limits (`1 + b % 16` each), the flow age limit in seconds
//!   and the host idle limit in minutes (`1 + b`), and the clock's start: 0 the Unix epoch,
//!   1 just below the largest time a capture can carry, 2 just above the smallest, anything
//!   else 2026.
//! * A record whose tag is below 0x80 is one frame: the link type (`tag` modulo the
//!   supported list), a clock step byte, a 16-bit little-endian length, the bytes.
//! * A record whose tag is 0x80 or above is a flood: `1 + (tag & 0x3f)` TCP packets from
//!   consecutive source addresses (IPv6 when bit 0x40 is set) to one server, with a clock
//!   step byte, the TCP flags byte and a 16-bit first address.
//!
//! A clock step byte adds its high nibble in seconds and its low nibble in 1/16 s. An input
//! ends after 512 packets (ten rounds of cache expiry), so that each run stays short.
//!
//! Checked: nothing panics; after every frame the flow table holds at most `max_conn + 1`
//! entries and the host table at most its ceiling, `max_hosts + 2 * (max_conn + 1) + 1`
//! (p0f keeps hosts that still have flows, so `max_hosts + 1` can be passed); every
//! observation formats as a console record, a log line and JSON; every host answers a
//! query.

#![no_main]

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use p0fmod::output::json::to_json;
use p0fmod::output::p0f::{TimeStamper, format_console, format_log_line};
use p0fmod::{Database, Engine, Limits, Observation, Timestamp};
use p0fmod_wire::LinkType;

static DB: LazyLock<Arc<Database>> = LazyLock::new(|| Arc::new(Database::embedded()));

/// Most packets one input feeds the engine.
const MAX_PACKETS: usize = 512;

/// A clock driven by the input.
struct Clock(Timestamp);

impl Clock {
    fn step(&mut self, byte: u8) {
        let usec = self.0.usec + u32::from(byte & 0x0f) * 62_500;
        let sec = i64::from(byte >> 4) + i64::from(usec / 1_000_000);
        self.0 = Timestamp {
            sec: self.0.sec.saturating_add(sec),
            usec: usec % 1_000_000,
        };
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((header, mut rest)) = data.split_first_chunk::<5>() else {
        return;
    };
    let limits = Limits {
        max_conn: 1 + u32::from(header[0] % 16),
        max_hosts: 1 + u32::from(header[1] % 16),
        conn_max_age: 1 + u32::from(header[2]),
        host_idle_limit: 1 + u32::from(header[3]),
    };
    // Time stamps as a capture can deliver them: whole seconds clamped to i64.
    let start = match header[4] {
        0 => 0,
        1 => i64::MAX - 1_000_000,
        2 => i64::MIN + 1_000_000,
        _ => 1_795_000_000,
    };
    let mut clock = Clock(Timestamp {
        sec: start,
        usec: 0,
    });
    let mut engine = Engine::new(Arc::clone(&DB), limits);
    let mut stamper = TimeStamper::default();
    let mut text = String::new();
    let mut emit = |obs: &Observation<'_>| {
        text.clear();
        format_console(obs, &mut text);
        format_log_line(obs, &mut stamper, &mut text);
        let _ = to_json(obs).to_string();
    };
    let mut frame = Vec::with_capacity(128);
    let mut budget = MAX_PACKETS;

    while let Some((&tag, tail)) = rest.split_first() {
        if budget == 0 {
            break;
        }
        rest = tail;
        if tag < 0x80 {
            let Some((&[step, lo, hi], tail)) = rest.split_first_chunk::<3>() else {
                return;
            };
            let len = usize::from(u16::from_le_bytes([lo, hi])).min(tail.len());
            let (bytes, tail) = tail.split_at(len);
            rest = tail;
            clock.step(step);
            let link = LinkType::SUPPORTED[usize::from(tag) % LinkType::SUPPORTED.len()];
            let _ = engine.process_frame(clock.0, link.0, bytes, &mut emit);
            check(&engine, limits);
            budget -= 1;
        } else {
            let Some((&[step, flags, lo, hi], tail)) = rest.split_first_chunk::<4>() else {
                return;
            };
            rest = tail;
            clock.step(step);
            let first = u16::from_le_bytes([lo, hi]);
            for i in 0..=u16::from(tag & 0x3f) {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                let n = first.wrapping_add(i);
                tcp_frame(&mut frame, tag & 0x40 != 0, n, flags);
                let link = if tag & 0x40 != 0 {
                    LinkType::IPV6
                } else {
                    LinkType::IPV4
                };
                let _ = engine.process_frame(clock.0, link.0, &frame, &mut emit);
                check(&engine, limits);
            }
        }
    }
    for host in engine.hosts() {
        assert!(engine.host(host.addr).is_some());
        let _ = format!("{host:?}");
    }
});

/// The caches stay within their bounds (p0f prunes when a table holds more than its
/// limit, so one entry over is normal).
fn check(engine: &Engine, limits: Limits) {
    let (hosts, flows) = engine.cache_sizes();
    let max_flows = limits.max_conn as usize + 1;
    let max_hosts = limits.max_hosts as usize + 2 * max_flows + 1;
    assert!(
        flows <= max_flows,
        "{flows} flows, limit {}",
        limits.max_conn
    );
    assert!(hosts <= max_hosts, "{hosts} hosts, limits {limits:?}");
}

/// A raw IPv4 or IPv6 TCP packet from host `n` (port `1024 + n`, wrapping) to the server at
/// port 80, with an MSS option; a SYN+ACK-like flag set goes the other way.
fn tcp_frame(out: &mut Vec<u8>, v6: bool, n: u16, flags: u8) {
    let [a, b] = n.to_be_bytes();
    let client_v4 = [10, 0, a, b];
    let server_v4 = [192, 0, 2, 1];
    let client_v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, a, b];
    let server_v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let reply = flags & 0x12 == 0x12;
    let port = n.wrapping_add(1024);
    let (sport, dport) = if reply { (80, port) } else { (port, 80) };
    let mut tcp = Vec::with_capacity(24);
    tcp.extend_from_slice(&sport.to_be_bytes());
    tcp.extend_from_slice(&dport.to_be_bytes());
    tcp.extend_from_slice(&(u32::from(n) << 8).to_be_bytes());
    tcp.extend_from_slice(&(u32::from(n) << 8 | 1).to_be_bytes());
    tcp.extend_from_slice(&[0x60, flags, 0xff, 0xff, 0, 0, 0, 0, 2, 4, 0x05, 0xb4]);

    out.clear();
    if v6 {
        let (src, dst) = if reply {
            (server_v6, client_v6)
        } else {
            (client_v6, server_v6)
        };
        out.extend_from_slice(&[0x60, 0, 0, 0, 0, 24, 6, 64]);
        out.extend_from_slice(&src);
        out.extend_from_slice(&dst);
    } else {
        let (src, dst) = if reply {
            (server_v4, client_v4)
        } else {
            (client_v4, server_v4)
        };
        out.extend_from_slice(&[0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0]);
        out.extend_from_slice(&src);
        out.extend_from_slice(&dst);
    }
    out.extend_from_slice(&tcp);
}
