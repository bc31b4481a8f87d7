//! TLS over TCP in the engine: hellos found by content, reassembled by sequence number,
//! fingerprinted, or reported incomplete; STARTTLS and TCP Fast Open; the TLS table's
//! bounds; and TLS off giving exactly the observations of TLS on minus the TLS ones.
//!
//! The hellos are real: Chromium's two-segment ClientHello (with an X25519MLKEM768 key
//! share) and its server's ServerHello, taken from tests/data/tls/local (captures made for
//! this project). The expected JA4 / JA3 / JA3S are the oracle's of tests/data/tls/local/
//! oracle.tsv, computed by tshark and ja4plus, not by p0fmod.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use common::{ACK, BASE_SEC, DLT_EN10MB, FIN, RST, SYN, Tcp, at_ms, sa};
use p0fmod::observation::tls::{TlsDetails, TlsEnd};
use p0fmod::{Database, Details, Engine, Kind, Limits, OwnedObservation};
use p0fmod_capture::FileCapture;
use p0fmod_wire::{LinkType, decode};
use proptest::prelude::*;

const CHROMIUM: &str = "local-tls-chromium-156.0.8078.114-v4-sni.pcap";

fn local(name: &str) -> std::path::PathBuf {
    common::workspace_root()
        .join("tests/data/tls/local")
        .join(name)
}

/// The oracle's value of `column` for the first row of `file` with `message`.
fn oracle(file: &str, message: &str, column: &str) -> String {
    let text = std::fs::read_to_string(local("oracle.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|r| {
            r[col("file")] == file && r[col("message")] == message && r[col("transport")] == "tcp"
        })
        .map(|r| r[col(column)].to_string())
        .unwrap_or_else(|| panic!("no {message} row for {file}"))
}

/// The bytes each side of the first TLS connection of a capture sent, in sequence order,
/// from its first payload byte (client, server).
fn streams(file: &str) -> (Vec<u8>, Vec<u8>) {
    let mut capture = FileCapture::open(&local(file)).unwrap();
    let mut segments: Vec<(bool, u32, Vec<u8>)> = Vec::new();
    let mut client: Option<(SocketAddr, SocketAddr)> = None;
    while let Some(p) = capture.next_packet().unwrap() {
        let Ok(pkt) = decode(LinkType(p.link_type), p.data) else {
            continue;
        };
        let src = SocketAddr::new(pkt.src, pkt.src_port);
        let dst = SocketAddr::new(pkt.dst, pkt.dst_port);
        if client.is_none() && pkt.payload.first() == Some(&0x16) {
            client = Some((src, dst));
        }
        if let Some((c, s)) = client
            && !pkt.payload.is_empty()
            && ((src, dst) == (c, s) || (src, dst) == (s, c))
        {
            segments.push((src == c, pkt.seq, pkt.payload.to_vec()));
        }
    }
    let join = |from_client: bool| {
        let mut parts: Vec<&(bool, u32, Vec<u8>)> =
            segments.iter().filter(|s| s.0 == from_client).collect();
        let first = parts[0].1;
        parts.sort_by_key(|s| s.1.wrapping_sub(first));
        let mut out = Vec::new();
        for (_, seq, bytes) in parts {
            let at = seq.wrapping_sub(first) as usize;
            if at + bytes.len() > out.len() {
                out.extend_from_slice(&bytes[out.len() - at..]);
            }
        }
        out
    };
    (join(true), join(false))
}

/// The first TLS record (header and body) of a stream.
fn first_record(stream: &[u8]) -> &[u8] {
    let len = usize::from(u16::from_be_bytes([stream[3], stream[4]]));
    &stream[..5 + len]
}

fn engine() -> Engine {
    Engine::new(Arc::new(Database::embedded()), Limits::default())
}

/// Feeds frames to an engine at 1 ms intervals, then ends the capture; returns the TLS
/// observations.
fn run(engine: &mut Engine, frames: &[Vec<u8>]) -> Vec<OwnedObservation> {
    let mut out = Vec::new();
    let mut keep = |obs: &p0fmod::Observation<'_>| {
        if matches!(obs.kind, Kind::TlsRequest | Kind::TlsResponse) {
            out.push(obs.clone().into_owned());
        }
    };
    for (i, frame) in frames.iter().enumerate() {
        engine
            .process_frame(at_ms(i as i64), DLT_EN10MB, frame, &mut keep)
            .unwrap();
    }
    engine.finish(&mut keep);
    out
}

fn tls(obs: &OwnedObservation) -> &TlsDetails<'static> {
    match &obs.details {
        Details::Tls(t) => t,
        other => panic!("not TLS: {other:?}"),
    }
}

fn ja4(obs: &OwnedObservation) -> Option<&str> {
    tls(obs)
        .hello
        .as_ref()
        .and_then(|h| h.ja4.as_ref())
        .map(|j| j.ja4.as_str())
}

const CLI: &str = "192.0.2.10:40000";
const SRV: &str = "198.51.100.20:443";

fn data(from_client: bool, seq: u32, ack: u32, payload: &[u8]) -> Vec<u8> {
    let (src, dst) = if from_client { (CLI, SRV) } else { (SRV, CLI) };
    Tcp::new(sa(src), sa(dst), ACK)
        .seq(seq)
        .ack(ack)
        .payload(payload)
        .frame()
}

#[test]
fn a_two_segment_hello_and_its_answer_match_the_oracle() {
    let (client, server) = streams(CHROMIUM);
    let hello = first_record(&client);
    assert!(
        hello.len() > 1460,
        "the post-quantum hello needs two segments"
    );
    let answer = first_record(&server);
    let mut e = engine();
    let frames = vec![
        data(true, 1000, 5000, &hello[..1448]),
        data(true, 1000 + 1448, 5000, &hello[1448..]),
        data(false, 5000, 1000 + hello.len() as u32, answer),
    ];
    let seen = run(&mut e, &frames);
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_eq!(seen[0].kind, Kind::TlsRequest);
    assert_eq!(
        ja4(&seen[0]),
        Some(oracle(CHROMIUM, "client_hello", "ja4").as_str())
    );
    let h = tls(&seen[0]).hello.as_ref().unwrap();
    let ja4_set = h.ja4_set().unwrap();
    assert_eq!(ja4_set.ja4, oracle(CHROMIUM, "client_hello", "ja4"));
    assert_eq!(ja4_set.ja4_r, oracle(CHROMIUM, "client_hello", "ja4_r"));
    assert_eq!(ja4_set.ja4_o, oracle(CHROMIUM, "client_hello", "ja4_o"));
    assert_eq!(ja4_set.ja4_ro, oracle(CHROMIUM, "client_hello", "ja4_ro"));
    assert_eq!(
        h.ja3.as_ref().unwrap().1,
        oracle(CHROMIUM, "client_hello", "ja3_md5")
    );
    assert_eq!(
        h.sni.as_deref(),
        Some(oracle(CHROMIUM, "client_hello", "sni").as_str())
    );
    assert!(h.facts.post_quantum && h.facts.key_share_groups.contains(&0x11ec));
    assert_eq!(tls(&seen[0]).carriage.segments, 2);
    assert_eq!(seen[1].kind, Kind::TlsResponse);
    let h = tls(&seen[1]).hello.as_ref().unwrap();
    assert_eq!(
        h.ja3s.as_ref().unwrap().1,
        oracle(CHROMIUM, "server_hello", "ja3s_md5")
    );
    let stats = e.stats().tls;
    assert_eq!((stats.hellos_complete, stats.hellos_incomplete), (2, 0));
    assert_eq!(e.stats().observations.get(Kind::TlsRequest), 1);
}

#[test]
fn a_gap_gives_an_incomplete_hello_without_a_fingerprint() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    let mut e = engine();
    let frames = vec![
        data(true, 1000, 5000, &hello[..600]),
        // Bytes 600..1200 never come.
        data(true, 1000 + 1200, 5000, &hello[1200..]),
        Tcp::new(sa(CLI), sa(SRV), FIN | ACK)
            .seq(1000 + hello.len() as u32)
            .frame(),
        Tcp::new(sa(SRV), sa(CLI), FIN | ACK).seq(5000).frame(),
    ];
    let seen = run(&mut e, &frames);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    let t = tls(&seen[0]);
    assert!(t.hello.is_none() && ja4(&seen[0]).is_none());
    let missing = t.missing.as_ref().unwrap();
    assert_eq!(missing.reason, TlsEnd::Closed);
    assert_eq!(missing.have, 600);
    assert_eq!(missing.wanted as usize, hello.len());
    assert_eq!(missing.held as usize, hello.len() - 600);
    let json = p0fmod::output::json::to_json(&seen[0]);
    assert_eq!(json["complete"], false);
    assert_eq!(json["ja4"], serde_json::Value::Null);
    assert_eq!(json["missing"]["reason"], "closed");
    assert_eq!(e.stats().tls.hellos_incomplete, 1);
}

#[test]
fn the_capture_end_reports_a_hello_still_being_read() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    let mut e = engine();
    let seen = run(&mut e, &[data(true, 7, 1, &hello[..1448])]);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        tls(&seen[0]).missing.as_ref().unwrap().reason,
        TlsEnd::CaptureEnd
    );
}

#[test]
fn a_hello_after_starttls_is_found_even_when_its_segments_come_reordered() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    let mut e = engine();
    let (c, s) = (100u32, 900u32);
    let frames = vec![
        data(false, s, c, b"220 mail.example ESMTP\r\n"),
        data(true, c, s + 24, b"EHLO client\r\n"),
        data(false, s + 24, c + 13, b"250 STARTTLS\r\n"),
        data(true, c + 13, s + 38, b"STARTTLS\r\n"),
        data(false, s + 38, c + 23, b"220 go ahead\r\n"),
        // The hello's second segment first.
        data(true, c + 23 + 1000, s + 52, &hello[1000..]),
        data(true, c + 23, s + 52, &hello[..1000]),
    ];
    let seen = run(&mut e, &frames);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        ja4(&seen[0]),
        Some(oracle(CHROMIUM, "client_hello", "ja4").as_str())
    );
    let t = tls(&seen[0]);
    assert_eq!(t.carriage.starttls.map(|p| p.as_str()), Some("smtp"));
    assert!(t.params().any(|p| p == "starttls:smtp"));
}

#[test]
fn a_hello_in_tcp_fast_open_syn_data_is_read() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    let mut e = engine();
    let isn = u32::MAX - 100; // the stream wraps around 2^32
    let frames = vec![
        Tcp::new(sa(CLI), sa(SRV), SYN)
            .seq(isn)
            .payload(&hello[..1000])
            .frame(),
        Tcp::new(sa(SRV), sa(CLI), SYN | ACK)
            .seq(42)
            .ack(isn.wrapping_add(1001))
            .frame(),
        data(true, isn.wrapping_add(1001), 43, &hello[1000..]),
    ];
    let seen = run(&mut e, &frames);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        ja4(&seen[0]),
        Some(oracle(CHROMIUM, "client_hello", "ja4").as_str())
    );
    assert!(tls(&seen[0]).carriage.tfo);
}

/// A HelloRetryRequest record (RFC 8446 §4.1.4): a ServerHello with the special random,
/// TLS 1.3 chosen, asking for a key share of group `group`.
fn hello_retry_request(group: u16) -> Vec<u8> {
    const HRR_RANDOM: [u8; 32] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8,
        0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8,
        0x33, 0x9c,
    ];
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&HRR_RANDOM);
    body.push(0); // empty session id echo
    body.extend_from_slice(&[0x13, 0x01, 0x00]); // TLS_AES_128_GCM_SHA256, no compression
    let mut exts = vec![0x00, 0x2b, 0x00, 0x02, 0x03, 0x04];
    exts.extend_from_slice(&[0x00, 0x33, 0x00, 0x02]);
    exts.extend_from_slice(&group.to_be_bytes());
    body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
    body.extend_from_slice(&exts);
    let mut msg = vec![0x02, 0, (body.len() >> 8) as u8, body.len() as u8];
    msg.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x03];
    record.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    record.extend_from_slice(&msg);
    record
}

#[test]
fn after_a_hello_retry_request_the_second_hellos_are_read() {
    let (client, server) = streams(CHROMIUM);
    let hello = first_record(&client);
    let answer = first_record(&server);
    let hrr = hello_retry_request(0x0017);
    // The client answers with a ChangeCipherSpec (middlebox compatibility) and its second
    // ClientHello; the server then with its real ServerHello.
    let mut second = vec![0x14, 0x03, 0x03, 0x00, 0x01, 0x01];
    second.extend_from_slice(hello);
    let (c, s) = (1000u32, 5000u32);
    let c2 = c + hello.len() as u32;
    let frames = vec![
        data(true, c, s, &hello[..1400]),
        data(true, c + 1400, s, &hello[1400..]),
        data(false, s, c2, &hrr),
        // The second hello's segments reordered.
        data(true, c2 + 700, s + hrr.len() as u32, &second[700..]),
        data(true, c2, s + hrr.len() as u32, &second[..700]),
        data(
            false,
            s + hrr.len() as u32,
            c2 + second.len() as u32,
            answer,
        ),
    ];
    let mut e = engine();
    let seen = run(&mut e, &frames);
    let kinds: Vec<Kind> = seen.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::TlsRequest,
            Kind::TlsResponse,
            Kind::TlsRequest,
            Kind::TlsResponse
        ],
        "{seen:#?}"
    );
    let want = oracle(CHROMIUM, "client_hello", "ja4");
    assert_eq!(ja4(&seen[0]), Some(want.as_str()));
    assert!(!tls(&seen[0]).carriage.retry);
    let h = tls(&seen[1]).hello.as_ref().unwrap();
    assert!(h.hello_retry_request && h.facts.key_share_groups == [0x0017]);
    assert!(tls(&seen[1]).params().any(|p| p == "hrr"));
    assert_eq!(ja4(&seen[2]), Some(want.as_str()));
    assert!(tls(&seen[2]).carriage.retry);
    let h = tls(&seen[3]).hello.as_ref().unwrap();
    assert!(!h.hello_retry_request);
    assert_eq!(
        h.ja3s.as_ref().unwrap().1,
        oracle(CHROMIUM, "server_hello", "ja3s_md5")
    );
}

/// One OpenVPN-over-TCP packet: length, opcode (key id 0), session id, a 28-byte tls-auth
/// block (SHA-1 HMAC, packet id, time), no acknowledgements, message id, payload.
fn openvpn(opcode: u8, id: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![opcode << 3];
    p.extend_from_slice(&[0x11; 8]);
    p.extend_from_slice(&[0x22; 28]);
    p.push(0);
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(payload);
    let mut out = (p.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(&p);
    out
}

#[test]
fn a_hello_in_openvpns_control_channel_is_unwrapped() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    // Hard reset (message 0), then the hello in 100-byte control messages 1.., the third
    // sent twice (a retransmission), an acknowledgement-only packet in between.
    let mut stream = openvpn(7, 0, b"");
    for (i, piece) in hello.chunks(100).enumerate() {
        let id = i as u32 + 1;
        stream.extend_from_slice(&openvpn(4, id, piece));
        if id == 3 {
            stream.extend_from_slice(&openvpn(4, id, piece));
            stream.extend_from_slice(&openvpn(5, 0, b""));
        }
    }
    let mut e = engine();
    let frames: Vec<Vec<u8>> = stream
        .chunks(700)
        .enumerate()
        .map(|(i, chunk)| data(true, 1 + 700 * i as u32, 1, chunk))
        .collect();
    let seen = run(&mut e, &frames);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        ja4(&seen[0]),
        Some(oracle(CHROMIUM, "client_hello", "ja4").as_str())
    );
    assert!(tls(&seen[0]).carriage.openvpn);
}

#[test]
fn the_tls_table_stays_within_the_connection_limit() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    let limits = Limits {
        max_conn: 50,
        ..Limits::default()
    };
    let mut e = Engine::new(Arc::new(Database::embedded()), limits);
    let mut frames = Vec::new();
    for i in 0..400u16 {
        // Only the first segment of each hello: every one stays incomplete.
        let src = format!("192.0.2.{}:{}", 1 + i % 200, 20000 + i);
        frames.push(
            Tcp::new(sa(&src), sa(SRV), ACK)
                .seq(1)
                .payload(&hello[..1448])
                .frame(),
        );
    }
    let seen = run(&mut e, &frames);
    assert_eq!(seen.len(), 400, "each hello reported once");
    let evicted = seen
        .iter()
        .filter(|o| tls(o).missing.as_ref().unwrap().reason == TlsEnd::Evicted)
        .count();
    assert_eq!(evicted, 350);
    let stats = e.stats().tls;
    assert_eq!((stats.connections, stats.evicted), (400, 350));
}

/// The table's quick filter: one bit per bucket, kept from a one-byte count of the
/// connections in it. Connections in one bucket (the same addresses, ports whose XOR is
/// the same) end one after the other (reset) while the others are still being read: 2 of them
/// (the bucket stays marked while one is left), and 300 (the count overflows and stays
/// "maybe tracked"). Every hello is read whole, none is lost or reported twice.
#[test]
fn connections_sharing_a_filter_bucket_are_all_read() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    for connections in [2u16, 300] {
        let limits = Limits {
            max_conn: 1000,
            ..Limits::default()
        };
        let mut e = Engine::new(Arc::new(Database::embedded()), limits);
        let ends = |i: u16| {
            let cli_port = 20000 + i;
            (
                sa(&format!("192.0.2.1:{cli_port}")),
                sa(&format!("198.51.100.2:{}", cli_port ^ 0x7777)),
            )
        };
        let mut frames = Vec::new();
        for i in 0..connections {
            let (src, dst) = ends(i);
            frames.push(
                Tcp::new(src, dst, ACK)
                    .seq(1)
                    .payload(&hello[..1448])
                    .frame(),
            );
        }
        for i in 0..connections {
            // The rest of the hello, then a reset: the connection leaves the table.
            let (src, dst) = ends(i);
            frames.push(
                Tcp::new(src, dst, ACK)
                    .seq(1449)
                    .payload(&hello[1448..])
                    .frame(),
            );
            frames.push(Tcp::new(dst, src, RST).seq(1).frame());
        }
        let seen = run(&mut e, &frames);
        assert_eq!(
            seen.len(),
            usize::from(connections),
            "each hello reported once"
        );
        let want = oracle(CHROMIUM, "client_hello", "ja4");
        assert!(
            seen.iter().all(|o| ja4(o) == Some(want.as_str())),
            "{seen:#?}"
        );
        assert_eq!(e.stats().tls.hellos_complete, u64::from(connections));
    }
}

#[test]
fn old_hellos_expire_with_the_connection_age_limit() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    let mut e = engine();
    let mut seen = Vec::new();
    let mut keep = |obs: &p0fmod::Observation<'_>| {
        if obs.kind == Kind::TlsRequest {
            seen.push(obs.clone().into_owned());
        }
    };
    e.process_frame(
        at_ms(0),
        DLT_EN10MB,
        &data(true, 1, 1, &hello[..1448]),
        &mut keep,
    )
    .unwrap();
    // Expiry runs every 50 packets; these come 31 s later.
    for i in 0..60 {
        let other = Tcp::new(sa("203.0.113.1:1000"), sa("203.0.113.2:80"), ACK)
            .seq(i)
            .frame();
        e.process_frame(at_ms(31_000 + i64::from(i)), DLT_EN10MB, &other, &mut keep)
            .unwrap();
    }
    assert_eq!(seen.len(), 1);
    assert_eq!(
        tls(&seen[0]).missing.as_ref().unwrap().reason,
        TlsEnd::Expired
    );
    assert_eq!(seen[0].time.sec, BASE_SEC + 31);
}

/// Every capture of tests/data/tls/local and tests/data/local, with TLS on and off: the
/// observations other than TLS (and the verdicts that come with it) are the same, in the
/// same order; with TLS off there are none of TLS.
#[test]
fn tls_off_gives_the_same_observations_minus_tls() {
    let mut captures = Vec::new();
    for dir in ["tests/data/tls/local", "tests/data/local"] {
        for entry in std::fs::read_dir(common::workspace_root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pcap") {
                captures.push(path);
            }
        }
    }
    captures.sort();
    let mut tls_seen = 0;
    for path in &captures {
        let with = observe(path, true);
        let without = observe(path, false);
        // The cross-layer verdict is on with TLS, off without it.
        let is_tls = |o: &OwnedObservation| {
            matches!(
                o.kind,
                Kind::TlsRequest | Kind::TlsResponse | Kind::HostVerdict
            )
        };
        assert!(!without.iter().any(is_tls));
        let others: Vec<_> = with.iter().filter(|o| !is_tls(o)).cloned().collect();
        assert_eq!(others, without, "{}", path.display());
        tls_seen += with.iter().filter(|o| is_tls(o)).count();
    }
    assert!(tls_seen > 100, "{tls_seen} TLS observations");
}

fn observe(path: &Path, tls_on: bool) -> Vec<OwnedObservation> {
    let mut run = p0fmod::OfflineRun::open(
        path,
        Arc::new(Database::embedded()),
        Limits::default(),
        None,
    )
    .unwrap();
    run.set_tls(tls_on);
    let mut out = Vec::new();
    while run.step(1024, &mut |o| out.push(o.clone().into_owned()), &mut |_| {}) > 0 {}
    out
}

/// Segments of `s` (start, end): cut points, each segment maybe widened to overlap its
/// neighbours (with the stream's own bytes), some repeated, some dropped, then shuffled.
fn segments_of(
    len: usize,
    cuts: &[usize],
    widen: &[(usize, usize)],
    dups: &[usize],
    drops: &[usize],
    order: &[usize],
) -> (Vec<(usize, usize)>, bool) {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (len + 1)).collect();
    points.extend([0, len]);
    points.sort_unstable();
    points.dedup();
    let mut segs: Vec<(usize, usize)> = points.windows(2).map(|w| (w[0], w[1])).collect();
    for (i, &(before, after)) in widen.iter().enumerate() {
        if let Some(seg) = segs.get_mut(i) {
            seg.0 = seg.0.saturating_sub(before);
            seg.1 = (seg.1 + after).min(len);
        }
    }
    for &d in dups {
        let seg = segs[d % segs.len()];
        segs.push(seg);
    }
    let mut dropped = false;
    for &d in drops {
        if segs.len() > 1 {
            segs.remove(d % segs.len());
            dropped = true;
        }
    }
    for (i, &o) in order.iter().enumerate() {
        let n = segs.len();
        segs.swap(i % n, o % n);
    }
    (segs, dropped)
}

/// A hello whose first segment is shorter than its record header and handshake type
/// (here one byte) cannot be told from other data when the SYN was not captured: nothing is
/// reported, never a wrong fingerprint. With the SYN, the stream's start is known and the
/// hello is read whole (found by the property test below; README "TLS", limits).
#[test]
fn a_hello_whose_first_segment_is_tiny_needs_the_syn() {
    let (client, _) = streams(CHROMIUM);
    let hello = first_record(&client);
    let isn = 1000u32;
    let tiny = data(true, isn + 1, 8, &hello[..1]);
    let rest = data(true, isn + 2, 8, &hello[1..]);
    let without_syn = run(&mut engine(), &[tiny.clone(), rest.clone()]);
    assert!(without_syn.is_empty(), "{without_syn:#?}");
    let syn = Tcp::new(sa(CLI), sa(SRV), SYN).seq(isn).frame();
    let syn_ack = Tcp::new(sa(SRV), sa(CLI), SYN | ACK)
        .seq(7)
        .ack(isn + 1)
        .frame();
    let with_syn = run(&mut engine(), &[syn, syn_ack, tiny, rest]);
    assert_eq!(with_syn.len(), 1, "{with_syn:#?}");
    assert_eq!(
        ja4(&with_syn[0]),
        Some(oracle(CHROMIUM, "client_hello", "ja4").as_str())
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any segmentation, reordering, duplication or overlap of a ClientHello's segments
    /// gives the oracle's JA4 and JA3, or (when segments were dropped) an incomplete mark
    /// or nothing: never another fingerprint.
    #[test]
    fn any_arrival_of_the_hellos_segments_gives_its_fingerprint_or_incomplete(
        isn: u32,
        with_syn: bool,
        cuts in proptest::collection::vec(any::<usize>(), 0..10),
        widen in proptest::collection::vec((0usize..400, 0usize..400), 0..10),
        dups in proptest::collection::vec(any::<usize>(), 0..4),
        drops in proptest::collection::vec(any::<usize>(), 0..2),
        order in proptest::collection::vec(any::<usize>(), 0..16),
    ) {
        let (client, _) = streams(CHROMIUM);
        let hello = first_record(&client);
        let want_ja4 = oracle(CHROMIUM, "client_hello", "ja4");
        let want_ja3 = oracle(CHROMIUM, "client_hello", "ja3_md5");
        let (segs, dropped) = segments_of(hello.len(), &cuts, &widen, &dups, &drops, &order);
        let mut frames = Vec::new();
        if with_syn {
            frames.push(Tcp::new(sa(CLI), sa(SRV), SYN).seq(isn).frame());
            frames.push(Tcp::new(sa(SRV), sa(CLI), SYN | ACK).seq(7).ack(isn.wrapping_add(1)).frame());
        }
        let first = isn.wrapping_add(1);
        for &(a, b) in &segs {
            frames.push(data(true, first.wrapping_add(a as u32), 8, &hello[a..b]));
        }
        let mut e = engine();
        let seen = run(&mut e, &frames);
        prop_assert!(seen.len() <= 1, "{:#?}", seen);
        // Without the SYN, segments that come before the hello's first one cannot be
        // known as TLS and are not held: then the hello may be incomplete. With it, the
        // stream's start is known and every segment is held.
        let may_lack = dropped || !with_syn;
        // Without the SYN, a hello is known by content only: its first six bytes (record
        // header and handshake type) in one segment (`a_hello_whose_first_segment_is_tiny_
        // needs_the_syn`).
        let recognisable = with_syn || segs.iter().any(|&(a, b)| a == 0 && b - a >= 6);
        match seen.first() {
            None => prop_assert!(
                dropped || !recognisable,
                "nothing reported though every byte came"
            ),
            Some(obs) => {
                let t = tls(obs);
                match &t.hello {
                    Some(h) => {
                        prop_assert_eq!(ja4(obs), Some(want_ja4.as_str()));
                        prop_assert_eq!(&h.ja3.as_ref().unwrap().1, &want_ja3);
                    }
                    None => {
                        prop_assert!(may_lack, "incomplete though every byte came: {:?}", t.missing);
                        prop_assert!(t.missing.is_some());
                    }
                }
            }
        }
    }
}

/// The host record keeps the last TLS client and server applications the database named
/// (the embedded database's signatures of the labelled local captures).
#[test]
fn the_host_record_keeps_the_tls_applications() {
    let path = local("local-tls-curl-7.88.1-v4-sni.pcap");
    let mut run = p0fmod::OfflineRun::open(
        &path,
        Arc::new(Database::embedded()),
        Limits::default(),
        None,
    )
    .unwrap();
    let mut labels = Vec::new();
    while run.step(
        1024,
        &mut |o| {
            if let Details::Tls(t) = &o.details {
                labels.push(t.label.as_ref().map(|l| l.name.to_string()));
            }
        },
        &mut |_| {},
    ) > 0
    {}
    let client = run.engine().host("10.231.0.1".parse().unwrap()).unwrap();
    let server = run.engine().host("10.231.0.2".parse().unwrap()).unwrap();
    assert_eq!(client.tls_client.map(|m| m.name), labels[0].clone());
    assert_eq!(server.tls_server.map(|m| m.name), labels[1].clone());
    assert!(
        labels[0].is_some(),
        "curl's hello is in the embedded database"
    );
    assert_eq!(client.observations.get("tls request"), Some(&1));
}

/// Hellos are fingerprinted into the buffers the engine's earlier observations left
/// behind: one engine reading every labelled capture in turn (clients and servers, with
/// and without SNI, ALPN, JA3, HelloRetryRequests, QUIC) reports exactly what a fresh
/// engine per capture reports. Nothing of an earlier hello shows in a later one.
#[test]
fn reused_hello_buffers_carry_nothing_over() {
    let mut files: Vec<_> = std::fs::read_dir(local(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{files:?}");
    // Every frame, UDP ones too (QUIC), at 1 ms intervals; then the capture's end.
    let feed = |engine: &mut Engine, frames: &[Vec<u8>]| {
        let mut out = Vec::new();
        let mut keep = |obs: &p0fmod::Observation<'_>| {
            if matches!(obs.kind, Kind::TlsRequest | Kind::TlsResponse) {
                out.push(obs.clone().into_owned());
            }
        };
        for (i, frame) in frames.iter().enumerate() {
            let _ = engine.process_frame(at_ms(i as i64), DLT_EN10MB, frame, &mut keep);
        }
        engine.finish(&mut keep);
        out
    };
    let mut shared = engine();
    let mut hellos = 0;
    for path in &files {
        let mut capture = FileCapture::open(path).unwrap();
        let mut frames = Vec::new();
        while let Some(p) = capture.next_packet().unwrap() {
            assert_eq!(p.link_type, DLT_EN10MB);
            frames.push(p.data.to_vec());
        }
        let fresh = feed(&mut engine(), &frames);
        let reused = feed(&mut shared, &frames);
        assert_eq!(reused, fresh, "{}", path.display());
        hellos += fresh.len();
    }
    assert!(hellos > 2 * files.len(), "{hellos} hellos");
}
