//! Host and flow caches at their limits (spec §4.3), against p0f 3.09b.
//!
//! Covered, each shown both by output differences that p0f 3.09b also shows (a SYN+ACK
//! for a flow that is gone gives no `syn+ack` line; a SYN from a host that is gone gives
//! no `uptime` line, as the host's previous SYN went with it) and by
//! `Engine::cache_sizes()`:
//! * `-m c,h` flow cap: beyond `c` flows, the oldest `1 + 10 %` go (`-m 5,10`, `-m 100,20`);
//! * `-m c,h` host cap: the host table settles at `h + 1`, one host removed per new host
//!   (p0f's [BUG]; 10 % was meant), after `1 + 10 %` of the flows (`-m 5,3`, `-m 100,20`);
//! * hosts with live flows are never pruned, so the host table can outgrow `h + 1`;
//! * expiry only every 50th packet (`-t c,h`): flows older than `c` seconds, idle hosts
//!   without flows (older than `h` minutes; hosts with flows are skipped, not stopped at),
//!   and at most once per second of packet time (visible with out-of-order times).
//!
//! Expected lines are p0f 3.09b's output for the packets built here (see `common`).

mod common;

use common::*;

const SRV: &str = "198.51.100.20:80";

/// A Linux SYN from `ip:port` to the server, with a 1000 Hz clock read at `ms`.
fn syn_from(ip: &str, port: u16, ms: i64) -> (Conn, Tcp) {
    let c = Conn::new(&format!("{ip}:{port}"), SRV);
    let syn = c.linux_syn(10_000_000 + ms as u32);
    (c, syn)
}

fn synack_line(ip: &str, port: u16) -> String {
    format!(
        "mod=syn+ack|cli={ip}/{port}|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0"
    )
}

fn strs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

#[test]
fn flows_beyond_max_conn_are_pruned_oldest_first_5() {
    // -m 5,10: the 7th SYN finds 6 flows (> 5) and drops the oldest 1 + 6 * 10 / 100 = 1.
    let lim = limits(5, 10, 30, 120);
    let mut t = Trace::new();
    let mut conns = Vec::new();
    for i in 0..7u16 {
        let (c, syn) = syn_from("192.0.2.10", 40000 + i, 10 * i64::from(i));
        t.push(10 * i64::from(i), &syn);
        conns.push(c);
    }
    for (i, c) in conns.iter().enumerate() {
        t.push(100 + i as i64, &c.linux_synack(1, 0));
    }
    let sizes = t.cache_sizes_after_each(lim);
    assert_eq!(
        sizes[5],
        (2, 6),
        "six flows fit (> 5 is checked before a new one)"
    );
    assert_eq!(sizes[6], (2, 6), "the seventh replaced the oldest");
    // The SYN+ACK of the first flow gives nothing.
    let expected: Vec<String> = (1..7)
        .map(|i| synack_line("192.0.2.10", 40000 + i))
        .collect();
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("caches_flows_5", lim, &["syn+ack"], &strs(&expected));
}

#[test]
fn flows_beyond_max_conn_are_pruned_oldest_first_100() {
    // -m 100,20: the 102nd SYN finds 101 flows and drops the oldest 1 + 101 * 10 / 100 = 11.
    let lim = limits(100, 20, 30, 120);
    let mut t = Trace::new();
    let mut conns = Vec::new();
    for i in 0..102u16 {
        let (c, syn) = syn_from("192.0.2.10", 40000 + i, i64::from(i));
        t.push(i64::from(i), &syn);
        conns.push(c);
    }
    for (i, c) in conns.iter().enumerate() {
        t.push(200 + i as i64, &c.linux_synack(1, 0));
    }
    let sizes = t.cache_sizes_after_each(lim);
    assert_eq!(sizes[100], (2, 101));
    assert_eq!(sizes[101], (2, 91));
    let expected: Vec<String> = (11..102)
        .map(|i| synack_line("192.0.2.10", 40000 + i))
        .collect();
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("caches_flows_100", lim, &["syn+ack"], &strs(&expected));
}

/// `n` new client hosts 10.0.0.1.. each sending one SYN, 10 ms apart.
fn stream_of_hosts(t: &mut Trace, n: u16) -> Vec<Conn> {
    (1..=n)
        .map(|i| {
            let ip = format!("10.0.{}.{}", i / 256, i % 256);
            let ms = 10 * i64::from(i);
            let (c, syn) = syn_from(&ip, 40000, ms);
            t.push(ms, &syn);
            c
        })
        .collect()
}

#[test]
fn host_table_settles_at_max_hosts_plus_one_3() {
    // -m 5,3: the server plus clients. From the fourth client on, each new client first
    // drops 1 + 10 % of the flows, then the oldest host (unused by then): 4 hosts.
    let lim = limits(5, 3, 30, 120);
    let mut t = Trace::new();
    let conns = stream_of_hosts(&mut t, 8);
    let sizes = t.cache_sizes_after_each(lim);
    assert_eq!(
        sizes,
        vec![
            (2, 1),
            (3, 2),
            (4, 3),
            (4, 3),
            (4, 3),
            (4, 3),
            (4, 3),
            (4, 3)
        ]
    );
    // Probes: a second SYN from client 6 (kept) gives an uptime line; client 5 (gone)
    // does not.
    let (_, syn6) = syn_from("10.0.0.6", 40001, 2000);
    t.push(2000, &syn6);
    let (_, syn5) = syn_from("10.0.0.5", 40001, 2010);
    t.push(2010, &syn5);
    for c in &conns {
        t.push(2100, &c.linux_synack(1, 0));
    }
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("caches_hosts_3", lim, &["uptime", "syn+ack"], &[
            "mod=uptime|cli=10.0.0.6/40001|srv=198.51.100.20/80|subj=cli|uptime=0 days 2 hrs 46 min (modulo 49 days)|raw_freq=1000.00 Hz",
            "mod=syn+ack|cli=10.0.0.7/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=10.0.0.8/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
        ]);
}

#[test]
fn host_table_settles_at_max_hosts_plus_one_20() {
    // -m 100,20 and 40 new clients: 21 hosts, the last 20 clients and the server. With
    // p0f's documented 10 % per creation, client 21 would be gone.
    let lim = limits(100, 20, 30, 120);
    let mut t = Trace::new();
    let conns = stream_of_hosts(&mut t, 40);
    let sizes = t.cache_sizes_after_each(lim);
    assert!(
        sizes[20..].iter().all(|&(hosts, _)| hosts == 21),
        "{sizes:?}"
    );
    let (_, syn21) = syn_from("10.0.0.21", 40001, 2000);
    t.push(2000, &syn21);
    let (_, syn20) = syn_from("10.0.0.20", 40001, 2010);
    t.push(2010, &syn20);
    for c in &conns {
        t.push(2100, &c.linux_synack(1, 0));
    }
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("caches_hosts_20", lim, &["uptime", "syn+ack"], &[
            "mod=uptime|cli=10.0.0.21/40001|srv=198.51.100.20/80|subj=cli|uptime=0 days 2 hrs 46 min (modulo 49 days)|raw_freq=1000.00 Hz",
            "mod=syn+ack|cli=10.0.0.34/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=10.0.0.35/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=10.0.0.36/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=10.0.0.37/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=10.0.0.38/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=10.0.0.39/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=10.0.0.40/40000|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
        ]);
}

#[test]
fn hosts_with_live_flows_are_never_pruned() {
    // -m 100,3: host A opens 10 flows first, then new clients B..G arrive. Each new client
    // drops the oldest flows (A's), but A, the oldest host, keeps a live flow until the
    // 7th and cannot be removed: the table grows to 8 hosts.
    let lim = limits(100, 3, 30, 120);
    let mut t = Trace::new();
    let mut a_conns = Vec::new();
    for i in 0..10u16 {
        let (c, syn) = syn_from("192.0.2.1", 40000 + i, i64::from(i));
        t.push(i64::from(i), &syn);
        a_conns.push(c);
    }
    for (i, ip) in [
        "192.0.2.2",
        "192.0.2.3",
        "192.0.2.4",
        "192.0.2.5",
        "192.0.2.6",
        "192.0.2.7",
    ]
    .into_iter()
    .enumerate()
    {
        let ms = 100 + 10 * i as i64;
        let (_, syn) = syn_from(ip, 40000, ms);
        t.push(ms, &syn);
    }
    let sizes = t.cache_sizes_after_each(lim);
    assert_eq!(sizes.last(), Some(&(8, 9)), "{sizes:?}");
    // A's flows 1..7 were pruned, 8..10 live; A is still known (its SYN gives uptime).
    for c in &a_conns {
        t.push(1000, &c.linux_synack(1, 0));
    }
    let (_, again) = syn_from("192.0.2.1", 41000, 2000);
    t.push(2000, &again);
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("caches_pinned_hosts", lim, &["uptime", "syn+ack"], &[
            "mod=syn+ack|cli=192.0.2.1/40007|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=192.0.2.1/40008|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=192.0.2.1/40009|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=uptime|cli=192.0.2.1/41000|srv=198.51.100.20/80|subj=cli|uptime=0 days 2 hrs 46 min (modulo 49 days)|raw_freq=1000.00 Hz",
        ]);
}

#[test]
fn flows_older_than_conn_max_age_expire_on_every_50th_packet() {
    // -t 5,120. Flow F at 0 s and G at 1 s; the 50th packet, at 6 s, runs expiry:
    // F (6 s old) goes, G (5 s) stays. Flow H, created after it, outlives 5 s until the
    // 100th packet.
    let lim = limits(1000, 10000, 5, 120);
    let mut t = Trace::new();
    let (f, syn) = syn_from("192.0.2.10", 40000, 0);
    t.push(0, &syn);
    let (g, syn) = syn_from("192.0.2.10", 40001, 1000);
    t.push(1000, &syn);
    for i in 0..47 {
        t.push(1000, &filler(i));
    }
    t.push(6000, &filler(100));
    assert_eq!(t.packet_count(), 50);
    t.push(6001, &f.linux_synack(1, 0));
    t.push(6002, &g.linux_synack(1, 0));
    let (h, syn) = syn_from("192.0.2.10", 40002, 6003);
    t.push(6003, &syn);
    t.push(20_000, &h.linux_synack(1, 0));
    let sizes = t.cache_sizes_after_each(lim);
    assert_eq!(sizes[48], (2, 2));
    assert_eq!(sizes[49], (2, 1), "F expired on the 50th packet");
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("caches_expire_flows", lim, &["syn+ack"], &[
            "mod=syn+ack|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
            "mod=syn+ack|cli=192.0.2.10/40002|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
        ]);
}

#[test]
fn idle_hosts_without_flows_expire_and_hosts_with_flows_are_skipped() {
    // -t 1000,1: flows live long, hosts idle for more than 60 s go. A and C had a flow
    // (reset at once), B keeps one open, D came late. At 200 s (the 50th packet): A and
    // C go; B and the server are idle but in use, skipped; D is not idle.
    let lim = limits(1000, 10000, 1000, 1);
    let mut t = Trace::new();
    let mut probes = Vec::new();
    for (ip, ms, reset) in [
        ("192.0.2.1", 0, true),
        ("192.0.2.2", 1000, false),
        ("192.0.2.3", 2000, true),
        ("192.0.2.4", 190_000, true),
    ] {
        let (c, syn) = syn_from(ip, 40000, ms);
        t.push(ms, &syn);
        if reset {
            t.push(ms + 1, &Tcp::new(c.client, c.server, RST).seq(c.cli_next));
        }
        probes.push(ip);
    }
    while t.packet_count() < 49 {
        t.push(190_000, &filler(t.packet_count() as u16));
    }
    t.push(200_000, &filler(999));
    let sizes = t.cache_sizes_after_each(lim);
    assert_eq!(sizes[48], (5, 1));
    assert_eq!(sizes[49], (3, 1), "A and C expired");
    // Probes, 210 s after each host's first SYN: uptime lines only for B and D.
    for ip in probes {
        let ms = 210_000;
        let (_, syn) = syn_from(ip, 41000, ms);
        t.push(ms, &syn);
    }
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("caches_expire_hosts", lim, &["uptime"], &[
            "mod=uptime|cli=192.0.2.2/41000|srv=198.51.100.20/80|subj=cli|uptime=0 days 2 hrs 50 min (modulo 49 days)|raw_freq=1000.00 Hz",
            "mod=uptime|cli=192.0.2.4/41000|srv=198.51.100.20/80|subj=cli|uptime=0 days 2 hrs 50 min (modulo 49 days)|raw_freq=1000.00 Hz",
        ]);
}

#[test]
fn expiry_runs_at_most_once_per_second_of_packet_time() {
    // -t 5,120, packet times out of order. The 50th packet, at 100 s, runs expiry. Flow G
    // is then created at 50 s; the 100th packet, again at 100 s, would expire it (50 s
    // old), but expiry already ran in that second: G's SYN+ACK is still seen. In a copy
    // where the 100th packet is at 101 s, G is gone.
    let lim = limits(1000, 10000, 5, 120);
    let build = |second_expiry_ms: i64| {
        let mut t = Trace::new();
        while t.packet_count() < 50 {
            t.push(100_000, &filler(t.packet_count() as u16));
        }
        let (g, syn) = syn_from("192.0.2.10", 40001, 50_000);
        t.push(50_000, &syn);
        while t.packet_count() < 99 {
            t.push(50_000, &filler(t.packet_count() as u16));
        }
        t.push(second_expiry_ms, &filler(999));
        t.push(second_expiry_ms, &g.linux_synack(1, 0));
        t
    };
    // Expected: p0f 3.09b's output for these packets.
    build(100_500).check_mods("caches_expire_once_per_second", lim, &["syn+ack"], &[
            "mod=syn+ack|cli=192.0.2.10/40001|srv=198.51.100.20/80|subj=srv|os=Linux 3.x|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df:0",
        ]);
    // Expected: p0f 3.09b's output for these packets.
    build(101_000).check_mods("caches_expire_next_second", lim, &["syn+ack"], &[]);
}

// p0f computes the age of flows and hosts in unsigned 32-bit seconds (`now - created`,
// `now - last_seen`), so with packet times out of order a flow or host stamped later than
// the expiry time has a huge age and is expired. (The engine computed a negative age and
// kept them until these tests found it.)
#[test]
fn flow_created_after_the_expiry_time_is_expired_as_p0f_does() {
    // -t 5,120: flow F created at 100 s, then the 50th packet at 50 s (times out of
    // order); p0f expires F, so its SYN+ACK gives no line.
    let lim = limits(1000, 10000, 5, 120);
    let mut t = Trace::new();
    let (f, syn) = syn_from("192.0.2.10", 40000, 100_000);
    t.push(100_000, &syn);
    while t.packet_count() < 49 {
        t.push(100_000, &filler(t.packet_count() as u16));
    }
    t.push(50_000, &filler(999));
    t.push(50_001, &f.linux_synack(1, 0));
    // p0f 3.09b's output for these packets.
    t.check("caches_expire_future_flow", lim, &[
        "mod=syn|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|os=Linux 3.11 and newer|dist=0|params=none|raw_sig=4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0",
        "mod=mtu|cli=192.0.2.10/40000|srv=198.51.100.20/80|subj=cli|link=Ethernet or modem|raw_mtu=1500",
    ]);
}

#[test]
fn host_seen_after_the_expiry_time_is_expired_as_p0f_does() {
    // -t 30,1: a Windows client's SYN at 500 s (flow reset at once), then the 50th packet
    // at 100 s: p0f expires the host, so its next SYN, with another TTL, has nothing to be
    // compared with (no `host change`).
    let lim = limits(1000, 10000, 30, 1);
    let mut t = Trace::new();
    let c = Conn::new("192.0.2.10:40000", SRV);
    let windows = |c: &Conn| c.syn().ttl(128).win(8192).options(stack::windows(1460));
    t.push(500_000, &windows(&c));
    t.push(500_001, &Tcp::new(c.client, c.server, RST).seq(c.cli_next));
    while t.packet_count() < 49 {
        t.push(500_001, &filler(t.packet_count() as u16));
    }
    t.push(100_000, &filler(999));
    let c2 = Conn::new("192.0.2.10:40001", SRV);
    t.push(100_001, &windows(&c2).ttl(124));
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods(
        "caches_expire_future_host",
        lim,
        &["host change", "ip sharing"],
        &[],
    );
}
