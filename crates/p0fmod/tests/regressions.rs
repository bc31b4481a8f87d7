//! Inputs that crashed the `engine` fuzz target (`fuzz/`), kept as byte literals.

use std::sync::Arc;

use p0fmod::{Database, Engine, Limits, Timestamp};

/// Raw IPv4 (link type 228) SYN from 10.0.0.0:1024 to 192.0.2.1:80 with an MSS option, as
/// the fuzz target's flood records build it.
#[rustfmt::skip]
const FLOOD_SYN: [u8; 44] = [
    0x45, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00,
    0xc0, 0x00, 0x02, 0x01, 0x04, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x60, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
];

/// The crashing input `00 07 1e 78 02 bf 01 02 00 00 ...`: limits 1,8, then 64 SYNs from
/// consecutive addresses stamped just above the smallest second a pcapng can carry. The
/// engine computed the packet time in milliseconds (`sec * 1000`) and overflowed. Packet
/// times are now clamped to ±2^40 s, so both ends of `i64` are safe.
#[test]
fn extreme_packet_times_do_not_overflow() {
    for sec in [
        i64::MIN,
        i64::MIN + 1_000_000,
        i64::MAX - 1_000_000,
        i64::MAX,
    ] {
        let limits = Limits {
            max_conn: 1,
            max_hosts: 8,
            conn_max_age: 31,
            host_idle_limit: 121,
        };
        let mut engine = Engine::new(Arc::new(Database::embedded()), limits);
        let mut times = Vec::new();
        for i in 0..64u8 {
            let mut frame = FLOOD_SYN;
            frame[15] = i;
            frame[21] = i;
            let ts = Timestamp { sec, usec: 0 };
            engine
                .process_frame(ts, 228, &frame, &mut |obs| times.push(obs.time.sec))
                .unwrap();
        }
        assert!(!times.is_empty(), "the SYNs were fingerprinted");
        assert!(
            times.iter().all(|t| t.unsigned_abs() == 1 << 40),
            "{times:?}"
        );
        let (hosts, flows) = engine.cache_sizes();
        assert!(hosts <= 9 && flows <= 2, "{hosts} hosts, {flows} flows");
    }
}
