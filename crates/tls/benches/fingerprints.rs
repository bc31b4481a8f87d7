//! What fingerprinting one ClientHello costs, on real hellos of the shipped captures: curl
//! 7.88 (OpenSSL 3, 517 bytes) and Chromium 156 (post-quantum key share, 1.8 KB over two
//! TCP segments, joined here in arrival order). Run with `cargo bench -p p0fmod-tls`.
//!
//! - `ja4`: the JA4 fingerprint of a parsed hello (what huginn-net's published figure
//!   measures);
//! - `ja3`: the JA3 string and its MD5;
//! - `engine's work`: what p0fmod does for each ClientHello it reads: the record and the
//!   hello parsed, the facts, `ja4` from them, JA3;
//! - `all four JA4 forms`: `ja4`, `ja4_o`, `ja4_r` and `ja4_ro` (what a JSON line adds).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use p0fmod_capture::FileCapture;
use p0fmod_tls::{
    ClientHello, Extracted, HelloFacts, Ja4Input, Transport, extract_handshake, ja3, ja4_a,
};
use p0fmod_wire::{LinkType, decode};

/// The first ClientHello's stream bytes of a capture: client payloads to port 443 in
/// arrival order until the message is complete.
fn first_hello(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/tls/local")
        .join(name);
    let mut capture = FileCapture::open(&path).expect("capture in tests/data/tls/local");
    let mut stream = Vec::new();
    let mut scratch = Vec::new();
    while let Ok(Some(p)) = capture.next_packet() {
        let Ok(tcp) = decode(LinkType(p.link_type), p.data) else {
            continue;
        };
        if tcp.dst_port != 443 || tcp.payload.is_empty() {
            continue;
        }
        stream.extend_from_slice(tcp.payload);
        if let Extracted::Complete(m) = extract_handshake(&stream, &mut scratch) {
            let end = m.end;
            stream.truncate(end);
            return stream;
        }
    }
    panic!("no ClientHello in {name}");
}

fn bench(c: &mut Criterion) {
    for (label, name) in [
        ("curl", "local-tls-curl-7.88.1-v4-sni.pcap"),
        ("chromium", "local-tls-chromium-156.0.8078.114-v4-sni.pcap"),
    ] {
        let stream = first_hello(name);
        let mut scratch = Vec::new();
        let Extracted::Complete(msg) = extract_handshake(&stream, &mut scratch) else {
            unreachable!()
        };
        let body = msg.body.to_vec();
        let hello = ClientHello::parse(&body).unwrap();

        let mut facts = HelloFacts::new();
        facts.fill_client(&hello);
        let input = Ja4Input::from_facts(ja4_a(&hello, Transport::Tcp), &facts);
        c.bench_function(&format!("{label}: ja4"), |b| {
            b.iter(|| {
                let a = ja4_a(black_box(&hello), Transport::Tcp);
                Ja4Input { a, ..input }.ja4()
            })
        });
        let mut text = String::with_capacity(1024);
        c.bench_function(&format!("{label}: ja3"), |b| {
            b.iter(|| ja3(black_box(&hello), &mut text))
        });
        c.bench_function(&format!("{label}: engine's work"), |b| {
            let mut facts = HelloFacts::new();
            b.iter(|| {
                let Extracted::Complete(m) = extract_handshake(black_box(&stream), &mut scratch)
                else {
                    unreachable!()
                };
                let h = ClientHello::from_handshake(&m).unwrap();
                facts.fill_client(&h);
                let j = Ja4Input::from_facts(ja4_a(&h, Transport::Tcp), &facts).ja4();
                (j, ja3(&h, &mut text))
            })
        });
        let (mut r, mut ro) = (String::with_capacity(1024), String::with_capacity(1024));
        c.bench_function(&format!("{label}: all four JA4 forms"), |b| {
            b.iter(|| {
                let i = black_box(&input);
                i.ja4_r(&mut r);
                i.ja4_ro(&mut ro);
                (i.ja4(), i.ja4_o())
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
