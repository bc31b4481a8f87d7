//! Per-packet costs of the engine's stages, on real frames from the project's captures:
//! decoding, signature building and matching, HTTP parsing, the flow/host cache, and the
//! whole engine. Run with `cargo bench -p p0fmod`.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use p0fmod::state::cache::AgeMap;
use p0fmod::{Database, Engine, Limits, Timestamp};
use p0fmod_capture::FileCapture;
use p0fmod_db::Direction;
use p0fmod_http::{HttpParser, MessageKind};
use p0fmod_wire::{LinkType, TcpFlags, decode};

fn frames() -> Vec<(Timestamp, u32, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/local");
    let mut out = Vec::new();
    for name in [
        "local-linux-sequential-http.pcap",
        "local-linux-sysctl-variants-http.pcap",
    ] {
        let mut capture = FileCapture::open(&dir.join(name)).expect("capture in tests/data");
        while let Ok(Some(p)) = capture.next_packet() {
            out.push((p.ts, p.link_type, p.data.to_vec()));
        }
    }
    out
}

fn stock_db() -> Arc<Database> {
    Arc::new(Database::embedded())
}

fn bench(c: &mut Criterion) {
    let frames = frames();
    let db = stock_db();

    let mut group = c.benchmark_group("per_packet");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group.bench_function("decode", |b| {
        b.iter(|| {
            for (_, link, frame) in &frames {
                let _ = black_box(decode(LinkType(*link), frame));
            }
        })
    });

    let syns: Vec<_> = frames
        .iter()
        .filter_map(|(_, l, f)| decode(LinkType(*l), f).ok())
        .filter(|p| p.flags.kind() == TcpFlags::SYN)
        .collect();
    group.throughput(Throughput::Elements(syns.len() as u64));
    group.bench_function("tcp_signature_and_match", |b| {
        b.iter(|| {
            for pkt in &syns {
                let obs = p0fmod::fp::tcp::observation(pkt, 0);
                black_box(p0fmod::fp::tcp::raw_sig(pkt, &obs, false));
                black_box(db.match_tcp(Direction::Request, &obs));
            }
        })
    });

    let request = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n";
    group.throughput(Throughput::Elements(1));
    group.bench_function("http_parse_and_match", |b| {
        b.iter(|| {
            let mut parser = HttpParser::new(MessageKind::Request);
            black_box(parser.parse(request));
            let facts = p0fmod::fp::http::HttpFacts::collect(
                &parser,
                request,
                &db.headers,
                Direction::Request,
            );
            black_box(db.match_http(Direction::Request, &facts.observation()));
        })
    });

    group.throughput(Throughput::Elements(100_000));
    group.bench_function("cache_insert_find_remove", |b| {
        b.iter(|| {
            let mut map: AgeMap<IpAddr, u64> = AgeMap::default();
            for i in 0..100_000u32 {
                let key = IpAddr::V4(Ipv4Addr::from(i.wrapping_mul(2_654_435_761)));
                let slot = map.insert(key, u64::from(i));
                black_box(map.find(&key));
                if map.len() > 1000 {
                    let oldest = map.oldest().unwrap();
                    map.remove(oldest);
                }
                black_box(slot);
            }
        })
    });

    group.throughput(Throughput::Elements(frames.len() as u64));
    group.bench_function("engine_whole", |b| {
        b.iter(|| {
            let mut engine = Engine::new(Arc::clone(&db), Limits::default());
            let mut n = 0u32;
            for (ts, link, frame) in &frames {
                let _ = engine.process_frame(*ts, *link, frame, &mut |_| n += 1);
            }
            black_box(n)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
