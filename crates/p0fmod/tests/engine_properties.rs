//! Properties of the engine over random packet sequences (spec §4): random flags, ports,
//! sequence numbers, options, payloads (including HTTP), TTLs and times among a few hosts.
//!
//! * The engine never panics, and after every packet `cache_sizes()` stays within the
//!   limits: at most `max_conn + 1` flows, and at most `max_hosts + 1` hosts plus the
//!   hosts that live flows hold (p0f never prunes a host with a live flow).
//! * When the reference p0f 3.09b is installed, its log for the same packets (times in
//!   order) equals the engine's, `reason=date` lines left out.

mod common;

use std::net::{IpAddr, SocketAddr};

use common::*;
use p0fmod::{Engine, Limits};
use proptest::prelude::*;

const HOSTS: [&str; 6] = [
    "192.0.2.1",
    "192.0.2.2",
    "192.0.2.3",
    "198.51.100.1",
    "198.51.100.2",
    "203.0.113.9",
];
const PORTS: [u16; 4] = [80, 8080, 40000, 40001];

const REQUEST: &str =
    "GET / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
const RESPONSE: &str = "HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nDate: Tue, 14 Nov 2023 22:13:20 GMT\r\nContent-Type: text/html\r\nContent-Length: 10\r\nConnection: close\r\n\r\n";

/// One random packet.
#[derive(Clone, Debug)]
struct Spec {
    src: usize,
    dst: usize,
    sport: usize,
    dport: usize,
    flags: u8,
    seq: u32,
    ack: u32,
    ttl: u8,
    options: u8,
    ts: u32,
    payload: u8,
    raw: Vec<u8>,
    delay_ms: i64,
}

fn spec() -> impl Strategy<Value = Spec> {
    let flags = prop_oneof![
        Just(SYN),
        Just(SYN | ACK),
        Just(ACK),
        Just(ACK | PSH),
        Just(FIN | ACK),
        Just(RST),
        Just(RST | ACK),
        any::<u8>(),
    ];
    // Sequence numbers near the ones a flow expects, so that some data is in order.
    let seq = prop_oneof![
        Just(1000u32),
        Just(1001),
        Just(1001 + REQUEST.len() as u32),
        Just(5000),
        Just(5001),
        any::<u32>(),
    ];
    (
        (
            0..HOSTS.len(),
            0..HOSTS.len(),
            0..PORTS.len(),
            0..PORTS.len(),
        ),
        (
            flags,
            seq,
            prop_oneof![Just(5001u32), Just(1001), any::<u32>()],
        ),
        (
            prop_oneof![Just(64u8), Just(60), Just(128), any::<u8>()],
            0..5u8,
            any::<u32>(),
        ),
        (0..5u8, proptest::collection::vec(any::<u8>(), 0..40)),
        prop_oneof![Just(0i64), 1..50i64, 1000..3000i64, 20_000..40_000i64],
    )
        .prop_map(
            |(
                (src, dst, sport, dport),
                (flags, seq, ack),
                (ttl, options, ts),
                (payload, raw),
                delay_ms,
            )| {
                Spec {
                    src,
                    dst,
                    sport,
                    dport,
                    flags,
                    seq,
                    ack,
                    ttl,
                    options,
                    ts,
                    payload,
                    raw,
                    delay_ms,
                }
            },
        )
}

fn build(specs: &[Spec]) -> Trace {
    let mut t = Trace::new();
    let mut ms = 0;
    for s in specs {
        ms += s.delay_ms;
        let addr =
            |h: usize, p: usize| SocketAddr::new(HOSTS[h].parse::<IpAddr>().expect("ip"), PORTS[p]);
        let options = match s.options {
            0 => vec![],
            1 => stack::linux(1460, s.ts, 7),
            2 => stack::windows(1400),
            3 => stack::ts(s.ts, s.ts / 2),
            _ => vec![Opt::Mss(1331)],
        };
        let payload: &[u8] = match s.payload {
            0 | 1 => b"",
            2 => REQUEST.as_bytes(),
            3 => RESPONSE.as_bytes(),
            _ => &s.raw,
        };
        let tcp = Tcp::new(addr(s.src, s.sport), addr(s.dst, s.dport), s.flags)
            .seq(s.seq)
            .ack(s.ack)
            .ttl(s.ttl)
            .win(if s.options == 4 { 1337 } else { 29200 })
            .options(options)
            .payload(payload);
        t.push(ms, &tcp);
    }
    t
}

/// Runs the engine packet by packet and checks the cache bounds after each one.
fn run_checking_bounds(t: &Trace, lim: Limits) -> Result<(), TestCaseError> {
    let mut engine = Engine::new(stock_db(), lim);
    for (ts, frame) in &t.frames {
        let _ = engine.process_frame(*ts, DLT_EN10MB, frame, &mut |_| {});
        let (hosts, flows) = engine.cache_sizes();
        prop_assert!(
            flows <= lim.max_conn as usize + 1,
            "{flows} flows with -m {},{}",
            lim.max_conn,
            lim.max_hosts
        );
        // Hosts held by live flows are never pruned: each flow holds at most two.
        let bound = lim.max_hosts as usize + 1 + 2 * (lim.max_conn as usize + 1);
        prop_assert!(
            hosts <= bound,
            "{hosts} hosts (bound {bound}) with -m {},{}",
            lim.max_conn,
            lim.max_hosts
        );
    }
    Ok(())
}

fn limits_strategy() -> impl Strategy<Value = Limits> {
    prop_oneof![
        Just(limits(5, 3, 30, 120)),
        Just(limits(100, 20, 30, 120)),
        Just(limits(1, 1, 1, 1)),
        (1..8u32, 1..6u32, 1..60u32, 1..3u32).prop_map(|(c, h, a, i)| limits(c, h, a, i)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_never_panic_and_stay_within_the_cache_limits(
        specs in proptest::collection::vec(spec(), 1..300),
        lim in limits_strategy(),
    ) {
        run_checking_bounds(&build(&specs), lim)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_give_what_p0f_gives(
        specs in proptest::collection::vec(spec(), 1..120),
        lim in limits_strategy(),
    ) {
        let Some(p0f) = reference_p0f() else { return Ok(()) };
        let t = build(&specs);
        let (_, ours) = t.run_engine(lim);
        let name = format!("random-{}", std::process::id());
        let reference = run_p0f(&p0f, &t.write_pcap(&name), lim);
        prop_assert_eq!(without_date(&ours), without_date(&reference), "{}", diff(&reference, &ours));
    }
}
