//! The engine's run statistics (`Engine::stats`), counted on packets built here: frames
//! and bytes, p0f's packet count, observations per kind checked against the lines
//! written, hosts and flows created, evicted by `-m` and expired by `-t`, and the `needed`
//! limit that, given back as `-m`, keeps every host.

mod common;

use common::*;
use p0fmod::Kind;

/// `n` clients, each opening one connection to one server, one second apart; each
/// connection is answered and closed.
fn clients(n: u16) -> Trace {
    let mut t = Trace::new();
    for i in 0..n {
        let ip = format!("192.0.2.{}", 1 + i % 250);
        let ip = if i >= 250 {
            format!("198.18.{}.{}", i / 250, 1 + i % 250)
        } else {
            ip
        };
        let c = Conn::new(&format!("{ip}:40000"), "198.51.100.20:80");
        let ms = 1000 * i64::from(i);
        t.push(ms, &c.linux_syn(10_000 + ms as u32));
        t.push(
            ms + 1,
            &c.linux_synack(5_000 + ms as u32, 10_000 + ms as u32),
        );
        t.push(ms + 2, &c.syn().flags(0x04));
    }
    t
}

#[test]
fn frames_bytes_packets_and_observations_per_kind() {
    let t = clients(10);
    let (engine, lines) = t.run_engine(limits(1000, 10_000, 30, 120));
    let s = engine.stats();
    assert_eq!(s.frames, 30);
    assert_eq!(
        s.bytes,
        t.frames.iter().map(|(_, f)| f.len() as u64).sum::<u64>()
    );
    assert_eq!(s.packets, engine.packets());
    assert_eq!(s.observations.total(), lines.len() as u64);
    for kind in Kind::ALL {
        let written = lines
            .iter()
            .filter(|l| l.starts_with(&format!("mod={}|", kind.keyword())))
            .count() as u64;
        assert_eq!(s.observations.get(kind), written, "{kind:?}");
    }
    assert_eq!(s.observations.get(Kind::Syn), 10);
    assert_eq!(s.observations.get(Kind::SynAck), 10);
    // Eleven hosts (ten clients and the server), none removed; every flow ended by RST.
    assert_eq!(
        (s.hosts.created, s.hosts.current, s.hosts.peak),
        (11, 11, 11)
    );
    assert_eq!(
        (s.hosts.evicted, s.hosts.expired, s.hosts.needed),
        (0, 0, 11)
    );
    assert_eq!((s.flows.created, s.flows.current, s.flows.peak), (10, 0, 1));
    assert_eq!((s.flows.evicted, s.flows.expired), (0, 0));
    assert_eq!(engine.cache_sizes(), (11, 0));
}

#[test]
fn evicted_hosts_are_counted_and_needed_keeps_them() {
    let t = clients(300);
    let (engine, _) = t.run_engine(limits(1000, 20, 30, 120));
    let s = engine.stats();
    assert_eq!(s.hosts.created, s.hosts.current + s.hosts.evicted);
    assert!(s.hosts.evicted > 250, "{s:?}");
    assert_eq!(s.hosts.current, 21, "p0f's table settles at h + 1");
    assert!(s.hosts.needed >= 301, "{s:?}");
    // Given back as -m, `needed` keeps every host: nothing evicted, every line the same
    // as with limits that are never reached.
    let h = u32::try_from(s.hosts.needed).unwrap();
    let (kept, lines) = t.run_engine(limits(1000, h, 30, 120));
    assert_eq!(kept.stats().hosts.evicted, 0);
    assert_eq!(kept.stats().hosts.current, 301);
    let (_, unbounded) = t.run_engine(limits(100_000, 500_000, 30, 120));
    assert_eq!(lines, unbounded);
}

#[test]
fn flows_evicted_by_max_conn_and_expired_by_age() {
    // Twenty SYNs never answered, one every 10 s: with -m 5,… the flow table is pruned;
    // with -t 15,… flows older than 15 s expire (expiry runs on every 50th packet, so
    // the SYNs are followed by enough packets to trigger it).
    let mut t = Trace::new();
    for i in 0..20u16 {
        let c = Conn::new(&format!("192.0.2.7:{}", 40000 + i), "198.51.100.20:80");
        t.push(10_000 * i64::from(i), &c.linux_syn(1_000 + u32::from(i)));
    }
    let (engine, _) = t.run_engine(limits(5, 10_000, 1_000_000, 120));
    let s = engine.stats().flows;
    assert_eq!(s.created, 20);
    assert!(s.evicted > 0 && s.expired == 0, "{s:?}");
    assert_eq!(s.created, s.current + s.evicted);
    assert_eq!(s.needed, 20);

    let mut aged = t.clone();
    let late = Conn::new("192.0.2.8:50000", "198.51.100.20:80");
    for k in 0..50 {
        aged.push(400_000 + k, &late.syn().flags(0x10));
    }
    let (engine, _) = aged.run_engine(limits(1000, 10_000, 15, 120));
    let s = engine.stats().flows;
    assert_eq!((s.created, s.evicted, s.expired, s.current), (20, 0, 20, 0));
}

#[test]
fn offline_runs_count_frames_and_bytes_with_one_or_two_threads() {
    let t = clients(40);
    let pcap = t.write_pcap("stats-offline");
    let bytes: u64 = t.frames.iter().map(|(_, f)| f.len() as u64).sum();
    let (direct, _) = t.run_engine(limits(1000, 10_000, 30, 120));
    for threads in [1, 2] {
        let mut run =
            p0fmod::OfflineRun::open(&pcap, stock_db(), limits(1000, 10_000, 30, 120), None)
                .unwrap();
        run.set_threads(threads);
        run.run_to_end(&mut [], &mut |_| {}, None).unwrap();
        let s = run.engine().stats();
        assert_eq!((s.frames, s.bytes), (120, bytes), "{threads} thread(s)");
        assert_eq!(s, direct.stats(), "{threads} thread(s)");
    }
}
