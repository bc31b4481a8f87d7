//! Costs of the QUIC Initial path on packets built with the crate's own protect side:
//! opening one 1200-byte Initial with known keys (header protection, AES-128-GCM, frame
//! walk), a whole first datagram on a fresh connection (HKDF key derivation included),
//! a two-datagram post-quantum-sized ClientHello, a DTLS hello, and the cheap rejection
//! of UDP payloads that are neither QUIC nor DTLS. Run with `cargo bench -p p0fmod-quic`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use p0fmod_quic::dtls::DtlsHelloStream;
use p0fmod_quic::frame::Frames;
use p0fmod_quic::keys::InitialKeys;
use p0fmod_quic::protect::{protect_initial, push_crypto_frame};
use p0fmod_quic::version::{VERSION_1, version_params};
use p0fmod_quic::{
    QuicConnection, is_dtls_handshake, is_known_long_header, open_initial, parse_long_header,
};

const DCID: &[u8] = &[0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];

fn hello(len: usize) -> Vec<u8> {
    let mut m = vec![1, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    m.extend((0..len).map(|i| i as u8));
    m
}

/// A client datagram of one Initial carrying `frames` of `hello`, padded to 1200 bytes.
fn datagram(hello: &[u8], frames: &[(usize, usize)], pn: u64) -> Vec<u8> {
    let params = version_params(VERSION_1).unwrap();
    let keys = InitialKeys::derive(&params, DCID);
    let mut payload = Vec::new();
    for &(s, e) in frames {
        payload.extend_from_slice(&[0x01]);
        push_crypto_frame(&mut payload, s as u64, &hello[s..e]);
    }
    // 1200 bytes in all: header 26 + payload + tag 16.
    payload.resize(payload.len().max(1200 - 26 - 16), 0);
    let mut out = Vec::new();
    protect_initial(
        &params,
        &keys.client,
        DCID,
        &[1, 2, 3, 4],
        &[],
        pn,
        2,
        &payload,
        &mut out,
    );
    out
}

fn dtls_hello() -> Vec<u8> {
    let body: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
    let mut frag = vec![1, 0, 1, 44, 0, 0, 0, 0, 0, 0, 1, 44];
    frag.extend_from_slice(&body);
    let mut r = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0];
    r.extend_from_slice(&(frag.len() as u16).to_be_bytes());
    r.extend_from_slice(&frag);
    r
}

fn bench(c: &mut Criterion) {
    let params = version_params(VERSION_1).unwrap();
    let keys = InitialKeys::derive(&params, DCID);
    let small = hello(500);
    let one = datagram(&small, &[(0, small.len())], 0);
    let big = hello(1800);
    let first = datagram(&big, &[(0, 1000)], 0);
    let second = datagram(&big, &[(1400, 1804), (1000, 1400)], 1);
    let mut scratch = vec![0u8; 65536];

    let mut group = c.benchmark_group("quic");
    group.throughput(Throughput::Elements(1));
    group.bench_function("open_initial_1200_known_keys", |b| {
        b.iter(|| {
            let header = parse_long_header(black_box(&one)).unwrap();
            let opened = open_initial(&one, &header, &keys.client, None, &mut scratch).unwrap();
            black_box(Frames::new(opened.payload).count())
        })
    });
    group.bench_function("first_datagram_fresh_connection", |b| {
        b.iter(|| {
            let mut conn = QuicConnection::new();
            conn.on_datagram(true, black_box(&one), &mut scratch)
                .unwrap();
            black_box(conn.client().is_complete())
        })
    });
    group.bench_function("pq_hello_two_datagrams", |b| {
        b.iter(|| {
            let mut conn = QuicConnection::new();
            conn.on_datagram(true, black_box(&first), &mut scratch)
                .unwrap();
            conn.on_datagram(true, black_box(&second), &mut scratch)
                .unwrap();
            black_box(conn.client().message().map(|m| m.len()))
        })
    });
    let dtls = dtls_hello();
    group.bench_function("dtls_hello_one_record", |b| {
        b.iter(|| {
            let mut s = DtlsHelloStream::new(1);
            black_box(
                s.on_datagram(black_box(&dtls))
                    .unwrap()
                    .map(|h| h.body.len()),
            )
        })
    });

    // Typical non-QUIC, non-DTLS UDP payloads: DNS query and answer, NTP, SSDP, random.
    let others: Vec<Vec<u8>> = vec![
        vec![
            0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 7, b'e', b'x', b'a', b'm', b'p',
            b'l', b'e',
        ],
        vec![
            0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0, 1, 0, 0, 0, 0, 7, b'e', b'x', b'a', b'm', b'p',
            b'l', b'e',
        ],
        {
            let mut ntp = vec![0x23];
            ntp.resize(48, 0);
            ntp
        },
        b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n".to_vec(),
        (0..64u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80)
            .collect(),
    ];
    group.throughput(Throughput::Elements(others.len() as u64));
    group.bench_function("reject_other_udp", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &others {
                n += usize::from(
                    is_known_long_header(black_box(p)) || is_dtls_handshake(black_box(p)),
                );
            }
            black_box(n)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
