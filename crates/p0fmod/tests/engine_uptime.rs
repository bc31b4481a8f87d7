//! Uptime from TCP timestamps through the engine (spec §8), against p0f 3.09b.
//!
//! Each scenario builds its packets in code; the expected lines are what p0f 3.09b
//! logged for the same packets written as a pcap (see `common`), and the test re-runs the
//! reference binary when it is installed. Covered: client clocks at 100, 250 and 1000 Hz
//! (and p0f's rounding of odd rates such as 12 Hz and 1 Hz), `modulo N days` and
//! `raw_freq`; rates out of range (2000 Hz, 0.5 Hz) that mark the direction bad for the
//! rest of the flow; readings taken less than 25 ms apart; small backward steps; the SYN
//! compared with the host's previous SYN (a bad reading on a SYN does not block the
//! flow); server uptime from a SYN+ACK against the previous SYN+ACK, and the per-
//! connection timestamp offsets that make it fail; a FIN as the last reading.

mod common;

use common::*;
use p0fmod::Limits;
use p0fmod::host::Uptime;

const CLI: &str = "192.0.2.10:40000";
const SRV: &str = "198.51.100.20:80";

/// The client's SYN at 0 ms with timestamp `ts0`, a Linux SYN+ACK at 1 ms with server
/// timestamp `srv_ts`, and pure client ACKs at each `(ms, tsval)`.
fn client_flow(ts0: u32, srv_ts: u32, acks: &[(i64, u32)]) -> Trace {
    let mut c = Conn::new(CLI, SRV);
    let mut t = Trace::new();
    t.push(0, &c.linux_syn(ts0));
    t.push(1, &c.linux_synack(srv_ts, ts0));
    for &(ms, tsval) in acks {
        t.push(ms, &c.client_sends(b"").options(stack::ts(tsval, srv_ts)));
    }
    t
}

const SYN_LINES: [&str; 4] = [
    "mod=syn|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|os=Linux 3.11 and newer|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0",
    "mod=mtu|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|link=Ethernet or modem|raw_mtu=1500",
    "mod=syn+ack|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
    "mod=mtu|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=srv|link=Ethernet or modem|raw_mtu=1500",
];

fn with_syn_lines(extra: &[&'static str]) -> Vec<&'static str> {
    SYN_LINES
        .iter()
        .copied()
        .chain(extra.iter().copied())
        .collect()
}

#[test]
fn client_clock_at_100_hz_gives_modulo_497_days() {
    // 3 days 4 hrs 5 min at 100 Hz is 27 390 000 ticks; 200 ticks in 2 s.
    let t = client_flow(27_390_000, 500_000, &[(2000, 27_390_200)]);
    // Expected: p0f 3.09b's output for these packets.
    let engine = t.check(
        "uptime_100hz",
        Limits::default(),
        &with_syn_lines(&[
            "mod=uptime|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|uptime=3 days 4 hrs 5 min (modulo 497 days)|raw_freq=100.00 Hz",
        ]),
    );
    let host = engine.host(sa(CLI).ip()).expect("client host");
    assert_eq!(
        host.uptime,
        Some(Uptime {
            minutes: 3 * 1440 + 4 * 60 + 5,
            modulo_days: 497
        })
    );
}

#[test]
fn client_clock_at_250_hz_gives_modulo_198_days() {
    // 10 days 0 hrs 30 min at 250 Hz is 216 450 000 ticks; 500 ticks in 2 s.
    let t = client_flow(216_450_000, 500_000, &[(2000, 216_450_500)]);
    // Expected: p0f 3.09b's output for these packets.
    let engine = t.check(
        "uptime_250hz",
        Limits::default(),
        &with_syn_lines(&[
            "mod=uptime|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|uptime=10 days 0 hrs 30 min (modulo 198 days)|raw_freq=250.00 Hz",
        ]),
    );
    let host = engine.host(sa(CLI).ip()).expect("client host");
    assert_eq!(
        host.uptime,
        Some(Uptime {
            minutes: 10 * 1440 + 30,
            modulo_days: 198
        })
    );
}

#[test]
fn client_clock_at_1000_hz_with_jitter_rounds_to_1000_and_shows_the_raw_rate() {
    // 2 days 21 hrs 6 min at 1000 Hz is 248 760 000 ticks; 1505 ticks in 1.5 s is
    // 1003.33 Hz, rounded to 1000 for the uptime.
    let t = client_flow(248_760_000, 500_000, &[(1500, 248_761_505)]);
    // Expected: p0f 3.09b's output for these packets.
    let engine = t.check(
        "uptime_1000hz",
        Limits::default(),
        &with_syn_lines(&[
            "mod=uptime|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|uptime=2 days 21 hrs 6 min (modulo 49 days)|raw_freq=1003.33 Hz",
        ]),
    );
    let host = engine.host(sa(CLI).ip()).expect("client host");
    assert_eq!(
        host.uptime,
        Some(Uptime {
            minutes: 2 * 1440 + 21 * 60 + 6,
            modulo_days: 49
        })
    );
}

#[test]
fn odd_clock_rates_are_rounded_in_p0f_bands() {
    // 24 ticks in 2 s = 12 Hz, rounded up to 15 Hz: uptime = 1 000 000 / 15 / 60 min.
    let t = client_flow(999_976, 500_000, &[(2000, 1_000_000)]);
    // Expected: p0f 3.09b's output for these packets.
    t.check(
        "uptime_12hz",
        Limits::default(),
        &with_syn_lines(&[
            "mod=uptime|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|uptime=0 days 18 hrs 31 min (modulo 3314 days)|raw_freq=12.00 Hz",
        ]),
    );
    // 5 ticks in 5 s = 1 Hz, the slowest band: modulo 49710 days.
    let t = client_flow(86_395, 500_000, &[(5000, 86_400)]);
    // Expected: p0f 3.09b's output for these packets.
    t.check(
        "uptime_1hz",
        Limits::default(),
        &with_syn_lines(&[
            "mod=uptime|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|uptime=1 days 0 hrs 0 min (modulo 49710 days)|raw_freq=1.00 Hz",
        ]),
    );
}

#[test]
fn clock_above_1500_hz_gives_nothing_and_marks_the_flow_bad() {
    // 2000 ticks in 1 s: out of range on an ACK, so the client direction of this flow is
    // marked bad; a later, plausible reading (1000 Hz) in the same flow is not used.
    let t = client_flow(
        50_000_000,
        500_000,
        &[(1000, 50_002_000), (2000, 50_002_000)],
    );
    // Expected: p0f 3.09b's output for these packets.
    let engine = t.check("uptime_2000hz", Limits::default(), &with_syn_lines(&[]));
    assert_eq!(engine.host(sa(CLI).ip()).expect("client").uptime, None);
}

#[test]
fn clock_below_0_7_hz_gives_nothing_and_marks_the_flow_bad() {
    // 5 ticks in 10 s = 0.5 Hz; then 1000 ticks/s is not looked at.
    let t = client_flow(
        50_000_000,
        500_000,
        &[(10_000, 50_000_005), (11_000, 50_011_000)],
    );
    // Expected: p0f 3.09b's output for these packets.
    t.check("uptime_half_hz", Limits::default(), &with_syn_lines(&[]));
}

#[test]
fn readings_less_than_25_ms_apart_are_skipped_without_marking_the_flow() {
    // 20 ms after the SYN: skipped. At 1 s: a normal reading.
    let t = client_flow(60_000_000, 500_000, &[(20, 60_000_020), (1000, 60_001_000)]);
    // Expected: p0f 3.09b's output for these packets.
    t.check(
        "uptime_under_25ms",
        Limits::default(),
        &with_syn_lines(&[
            "mod=uptime|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|uptime=0 days 16 hrs 40 min (modulo 49 days)|raw_freq=1000.00 Hz",
        ]),
    );
}

#[test]
fn small_backward_step_within_100_ms_is_skipped_but_later_is_bad() {
    // 50 ms after the SYN the clock reads 10 ticks less: p0f skips it (ms < 100 and the
    // step back is under ~15000 ticks); the reading at 1 s is then used.
    let t = client_flow(60_000_000, 500_000, &[(50, 59_999_990), (1000, 60_001_000)]);
    // Expected: p0f 3.09b's output for these packets.
    t.check(
        "uptime_backward_small",
        Limits::default(),
        &with_syn_lines(&[
            "mod=uptime|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|uptime=0 days 16 hrs 40 min (modulo 49 days)|raw_freq=1000.00 Hz",
        ]),
    );
    // The same step back 200 ms after the SYN is a negative frequency: bad for the flow.
    let t = client_flow(
        60_000_000,
        500_000,
        &[(200, 59_999_990), (1000, 60_001_000)],
    );
    // Expected: p0f 3.09b's output for these packets.
    t.check(
        "uptime_backward_bad",
        Limits::default(),
        &with_syn_lines(&[]),
    );
}

#[test]
fn syn_is_compared_with_the_hosts_previous_syn_and_bad_syn_readings_do_not_block() {
    let mut t = Trace::new();
    // Connection 1: SYN only, clock at 1000 Hz.
    let c1 = Conn::new("192.0.2.10:40001", SRV);
    t.push(0, &c1.linux_syn(70_000_000));
    // Connection 2, 3 s later: the SYN is consistent with connection 1's (1000 Hz).
    let c2 = Conn::new("192.0.2.10:40002", SRV);
    t.push(3000, &c2.linux_syn(70_003_000));
    // Connection 3, 1 s later: a random per-connection offset, a bad reading on a SYN,
    // which is skipped without marking the flow...
    let mut c3 = Conn::new("192.0.2.10:40003", SRV);
    t.push(4000, &c3.linux_syn(5_000));
    t.push(4001, &c3.linux_synack(900_000, 5_000));
    // ... so the client's ACK 1 s later, compared with this flow's SYN, gives a reading.
    t.push(
        5000,
        &c3.client_sends(b"").options(stack::ts(6_000, 900_000)),
    );
    // Expected: p0f 3.09b's output for these packets.
    t.check(
        "uptime_syn_vs_syn",
        Limits::default(),
        &[
            "mod=syn|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=cli|os=Linux 3.11 and newer|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0",
            "mod=mtu|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=cli|link=Ethernet or modem|raw_mtu=1500",
            "mod=syn|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=cli|os=Linux 3.11 and newer|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0",
            "mod=mtu|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=cli|link=Ethernet or modem|raw_mtu=1500",
            "mod=uptime|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=cli|uptime=0 days 19 hrs 26 min (modulo 49 days)|raw_freq=1000.00 Hz",
            "mod=syn|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=cli|os=Linux 3.11 and newer|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0",
            "mod=mtu|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=cli|link=Ethernet or modem|raw_mtu=1500",
            "mod=syn+ack|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=mtu|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=srv|link=Ethernet or modem|raw_mtu=1500",
            "mod=uptime|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=cli|uptime=0 days 0 hrs 0 min (modulo 49 days)|raw_freq=1000.00 Hz",
        ],
    );
}

#[test]
fn server_uptime_from_synack_against_the_previous_synack() {
    let mut t = Trace::new();
    // Flow 1: the server's first SYN+ACK (no reference yet); its data 1 s later is
    // compared with that SYN+ACK and gives a server uptime.
    let mut c1 = Conn::new("192.0.2.10:40001", SRV);
    t.push(0, &c1.syn().options(vec![Opt::Mss(1460)]));
    t.push(1, &c1.linux_synack(80_000_000, 0));
    t.push(
        1001,
        &c1.server_sends(b"").options(stack::ts(80_001_000, 0)),
    );
    // Flow 2, 3 s later: a SYN+ACK consistent with flow 1's (1000 Hz): server uptime.
    let c2 = Conn::new("192.0.2.10:40002", SRV);
    t.push(3000, &c2.syn().options(vec![Opt::Mss(1460)]));
    t.push(3001, &c2.linux_synack(80_003_000, 0));
    // Flow 3: a per-connection offset, as modern Linux servers use. The SYN+ACK reading
    // is bad and it is not a SYN, so the server side of the flow is marked bad: its data
    // 1 s later, consistent with this SYN+ACK, gives nothing.
    let mut c3 = Conn::new("192.0.2.10:40003", SRV);
    t.push(5000, &c3.syn().options(vec![Opt::Mss(1460)]));
    t.push(5001, &c3.linux_synack(1_234, 0));
    t.push(6001, &c3.server_sends(b"").options(stack::ts(2_234, 0)));
    // Expected: p0f 3.09b's output for these packets.
    t.check(
        "uptime_server",
        Limits::default(),
        &[
            "mod=syn|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=cli|os=Linux 2.2.x-3.x (barebone)|dist=0|params=generic|raw_sig=4:64+0:0:1460:8192,0:mss:df,id+:0",
            "mod=mtu|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=cli|link=Ethernet or modem|raw_mtu=1500",
            "mod=syn+ack|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=mtu|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=srv|link=Ethernet or modem|raw_mtu=1500",
            "mod=uptime|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=srv|uptime=0 days 22 hrs 13 min (modulo 49 days)|raw_freq=1000.00 Hz",
            "mod=syn|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=cli|os=Linux 2.2.x-3.x (barebone)|dist=0|params=generic|raw_sig=4:64+0:0:1460:8192,0:mss:df,id+:0",
            "mod=mtu|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=cli|link=Ethernet or modem|raw_mtu=1500",
            "mod=syn+ack|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=mtu|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=srv|link=Ethernet or modem|raw_mtu=1500",
            "mod=uptime|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=srv|uptime=0 days 22 hrs 13 min (modulo 49 days)|raw_freq=1000.00 Hz",
            "mod=syn|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=cli|os=Linux 2.2.x-3.x (barebone)|dist=0|params=generic|raw_sig=4:64+0:0:1460:8192,0:mss:df,id+:0",
            "mod=mtu|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=cli|link=Ethernet or modem|raw_mtu=1500",
            "mod=syn+ack|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=mtu|cli=192.0.2.10/40003|srv=198.51.100.20/80|subj=srv|link=Ethernet or modem|raw_mtu=1500",
        ],
    );
}

#[test]
fn fin_is_the_last_uptime_reading_of_a_flow() {
    let mut c = Conn::new(CLI, SRV);
    let mut t = Trace::new();
    t.push(0, &c.linux_syn(90_000_000));
    t.push(1, &c.linux_synack(500_000, 90_000_000));
    t.push(
        2000,
        &c.client_sends(b"")
            .flags(FIN | ACK)
            .options(stack::ts(90_002_000, 500_000)),
    );
    // The flow is gone: a later ACK gives nothing.
    t.push(
        3000,
        &c.client_sends(b"").options(stack::ts(90_003_000, 500_000)),
    );
    // Expected: p0f 3.09b's output for these packets.
    t.check(
        "uptime_fin",
        Limits::default(),
        &with_syn_lines(&[
            "mod=uptime|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|uptime=1 days 1 hrs 0 min (modulo 49 days)|raw_freq=1000.00 Hz",
        ]),
    );
}
