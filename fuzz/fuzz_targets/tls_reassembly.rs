//! TCP reassembly and TLS hello tracking: `p0fmod::state::reassembly::Reassembler` and
//! `p0fmod::state::tls::TlsTable`, with the engine's TLS fingerprinting of what they hand
//! out.
//!
//! Input: a 2-byte header, then records.
//!
//! * Header: the TLS table's connection limit (`1 + b % 8`) and the age limit in seconds
//!   (`1 + b % 64`).
//! * Record: a control byte, a 16-bit little-endian sequence offset, a 16-bit length, the
//!   payload (cut to what is left). Control bits 0-1 pick one of four connections, bit 2
//!   the direction (client to server or back), bits 3-5 the TCP flags (ACK always set; 3:
//!   SYN, 4: FIN, 5: RST), bit 6 advances the clock by 20 s and runs expiry, bit 7 repeats
//!   the record's payload at the same offset (a retransmission). A record whose payload
//!   starts with `0xfe` has it replaced by the rest of the input cut into a ClientHello
//!   record (so that the table sees real-looking hellos, split anywhere).
//!
//! Checked, besides no panic: the table never tracks more connections than its limit; its
//! buffers never hold more than two windows per connection; every hello handed out either
//! parses into a fingerprint or is reported incomplete, and formats as a log line and JSON;
//! the same segments fed to a bare `Reassembler` keep, as their contiguous prefix, the
//! first copy of every byte.

#![no_main]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use p0fmod::observation::tls::TlsDetails;
use p0fmod::state::Limits;
use p0fmod::state::reassembly::{Insert, MAX_WINDOW, Reassembler};
use p0fmod::state::tls::{Outcome, TlsTable};
use p0fmod::{Database, Details, Kind, Observation, Subject, Timestamp};
use p0fmod_wire::{IpVersion, OptLayout, Quirks, TcpFlags, TcpPacket};

static DB: LazyLock<Arc<Database>> = LazyLock::new(|| Arc::new(Database::embedded()));

/// Most records one input feeds.
const MAX_RECORDS: usize = 256;

fn packet(conn: u8, to_server: bool, flags: u8, seq: u32, payload: &[u8]) -> TcpPacket<'_> {
    let client = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1 + conn));
    let server = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1));
    let (src, dst, sport, dport) = if to_server {
        (client, server, 40000 + u16::from(conn), 443)
    } else {
        (server, client, 443, 40000 + u16::from(conn))
    };
    TcpPacket {
        version: IpVersion::V4,
        src,
        dst,
        ttl: 64,
        tos: 0,
        ip_opt_len: 0,
        tot_hdr: 40,
        src_port: sport,
        dst_port: dport,
        seq,
        ack: 1,
        flags: TcpFlags(flags),
        win: 1000,
        mss: 0,
        wscale: 0,
        ts1: 0,
        opt_layout: OptLayout::default(),
        eol_pad: 0,
        quirks: Quirks::default(),
        payload,
    }
}

fn check(details: &TlsDetails<'_>, from_client: bool, key: p0fmod::state::FlowKey) {
    assert_eq!(details.hello.is_some(), details.missing.is_none());
    if let Some(h) = &details.hello {
        assert_eq!(from_client, h.ja4.is_some());
        assert_eq!(!from_client, h.ja3s.is_some());
    }
    let obs = Observation {
        time: Timestamp { sec: 0, usec: 0 },
        kind: if from_client {
            Kind::TlsRequest
        } else {
            Kind::TlsResponse
        },
        client: std::net::SocketAddr::new(key.client, key.cli_port),
        server: std::net::SocketAddr::new(key.server, key.srv_port),
        subject: if from_client {
            Subject::Client
        } else {
            Subject::Server
        },
        details: Details::Tls(details.clone()),
    };
    let mut line = String::new();
    let mut stamper = p0fmod::output::p0f::TimeStamper::default();
    p0fmod::output::p0f::format_log_line(&obs, &mut stamper, &mut line);
    assert!(line.contains("mod=tls "));
    assert!(!line[..line.len() - 1].contains('\n'));
    let _ = p0fmod::output::json::to_json(&obs);
}

fuzz_target!(|data: &[u8]| {
    let Some((header, mut rest)) = data.split_at_checked(2) else {
        return;
    };
    let limits = Limits {
        max_conn: 1 + u32::from(header[0] % 8),
        conn_max_age: 1 + u32::from(header[1] % 64),
        ..Limits::default()
    };
    let mut table = TlsTable::new(limits);
    let mut bare: Vec<Reassembler> = (0..8).map(|_| Reassembler::new(1000)).collect();
    let mut firsts: Vec<BTreeMap<u32, u8>> = vec![BTreeMap::new(); 8];
    let mut now = 0i64;
    let mut buffers = p0fmod::fp::tls::HelloBuffers::default();
    let mut out = |ev: p0fmod::state::tls::HelloEvent<'_>| {
        let details = match ev.outcome {
            Outcome::Complete(hs) => {
                p0fmod::fp::tls::complete(
                    &DB,
                    &hs,
                    ev.from_client,
                    p0fmod_tls::Transport::Tcp,
                    ev.carriage,
                    &mut buffers,
                )
                .0
            }
            Outcome::Incomplete(m) => {
                assert!(m.wanted == 0 || m.held <= m.wanted);
                assert!(m.have <= MAX_WINDOW as u32);
                p0fmod::fp::tls::incomplete(m, ev.carriage)
            }
        };
        check(&details, ev.from_client, ev.key);
        buffers.recycle(details);
    };
    let mut hello_stream: Vec<u8> = Vec::new();
    for _ in 0..MAX_RECORDS {
        let Some((head, tail)) = rest.split_at_checked(5) else {
            break;
        };
        let control = head[0];
        let offset = u32::from(u16::from_le_bytes([head[1], head[2]]));
        let len = usize::from(u16::from_le_bytes([head[3], head[4]]));
        let take = len.min(tail.len());
        let mut payload = &tail[..take];
        rest = &tail[take..];
        if payload.first() == Some(&0xfe) {
            // The rest of the payload as the body of one ClientHello record.
            let body = &payload[1..];
            hello_stream.clear();
            let n = body.len() + 4;
            hello_stream.extend_from_slice(&[0x16, 0x03, 0x01]);
            hello_stream.extend_from_slice(&(n as u16).to_be_bytes());
            hello_stream.extend_from_slice(&[0x01, 0, (body.len() >> 8) as u8, body.len() as u8]);
            hello_stream.extend_from_slice(body);
            payload = &hello_stream;
        }
        let conn = control & 3;
        let to_server = control & 4 == 0;
        let mut flags = TcpFlags::ACK;
        if control & 8 != 0 {
            flags = TcpFlags::SYN | if to_server { 0 } else { TcpFlags::ACK };
        }
        if control & 16 != 0 {
            flags |= TcpFlags::FIN;
        }
        if control & 32 != 0 {
            flags |= TcpFlags::RST;
        }
        if control & 64 != 0 {
            now += 20;
            table.expire(now, &mut out);
        }
        let seq = 1000u32.wrapping_add(offset);
        let times = if control & 128 != 0 { 2 } else { 1 };
        for _ in 0..times {
            let pkt = packet(conn, to_server, flags, seq, payload);
            table.on_packet(&pkt, now, None, &mut out);
            assert!(table.len() <= limits.max_conn as usize);
            assert!(table.buffer_bytes() <= table.len() * 2 * MAX_WINDOW);
        }
        // The same bytes into a bare reassembler per connection and direction.
        let i = usize::from(conn) * 2 + usize::from(!to_server);
        let result = bare[i].insert(seq, payload);
        if result != Insert::TooManyIslands {
            for (k, &b) in payload.iter().enumerate() {
                let at = offset + k as u32 + 1000;
                if ((at - 1000) as usize) < MAX_WINDOW {
                    firsts[i].entry(at).or_insert(b);
                }
            }
        }
        for (k, b) in bare[i].contiguous().iter().enumerate() {
            assert_eq!(Some(b), firsts[i].get(&(1000 + k as u32)));
        }
    }
    table.finish(&mut out);
    assert!(table.is_empty());
});
