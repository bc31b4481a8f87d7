//! What fingerprinting one ClientHello costs: parsing the record and the hello, JA4 (both
//! hashed forms), the raw forms, JA3 and the facts, on real hellos of the shipped
//! captures: curl 7.88 (OpenSSL 3, 517 bytes) and Chromium 156 (post-quantum key share,
//! 1.8 KB over two TCP segments, joined here in arrival order). Run with
//! `cargo bench -p p0fmod-tls`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use p0fmod_capture::FileCapture;
use p0fmod_tls::{
    ClientHello, Extracted, HelloFacts, Transport, extract_handshake, ja3, ja4, ja4_r, ja4_ro,
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

        c.bench_function(&format!("{label}: ja4 (ja4 + ja4_o)"), |b| {
            b.iter(|| ja4(black_box(&hello), Transport::Tcp))
        });
        let mut text = String::with_capacity(1024);
        c.bench_function(&format!("{label}: ja3"), |b| {
            b.iter(|| ja3(black_box(&hello), &mut text))
        });
        let mut facts = HelloFacts::new();
        let (mut r, mut ro) = (String::with_capacity(1024), String::with_capacity(1024));
        for raw in [false, true] {
            let what = if raw {
                "all: ja4, ja4_o, ja4_r, ja4_ro, ja3, facts"
            } else {
                "record + parse + ja4 + ja3 + facts"
            };
            c.bench_function(&format!("{label}: {what}"), |b| {
                b.iter(|| {
                    let Extracted::Complete(m) =
                        extract_handshake(black_box(&stream), &mut scratch)
                    else {
                        unreachable!()
                    };
                    let h = ClientHello::from_handshake(&m).unwrap();
                    let j = ja4(&h, Transport::Tcp);
                    if raw {
                        ja4_r(&h, Transport::Tcp, &mut r);
                        ja4_ro(&h, Transport::Tcp, &mut ro);
                    }
                    let md5 = ja3(&h, &mut text);
                    facts.fill_client(&h);
                    (j, md5)
                })
            });
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
