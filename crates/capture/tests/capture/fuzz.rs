//! Property tests: no input makes the reader panic, loop, or return more packets than the
//! bytes could hold, and after the end it stays at `Ok(None)`.

use proptest::prelude::*;

use crate::util::*;

/// Reads `bytes` to the end; `plain_len` bounds the uncompressed size.
fn check(bytes: Vec<u8>, plain_len: usize) {
    let Ok(mut cap) = open(bytes) else {
        return;
    };
    // Every record takes at least 12 bytes (a pcapng block; pcap records take 16).
    let max_packets = plain_len / 12 + 1;
    let mut packets = 0;
    while let Ok(Some(p)) = cap.next_packet() {
        packets += 1;
        assert!(p.data.len() <= plain_len);
        assert!(p.ts.usec < 1_000_000);
        assert!(packets <= max_packets, "too many packets");
    }
    assert!(cap.bytes_read() <= plain_len as u64);
    assert!(matches!(cap.next_packet(), Ok(None)));
}

fn sample_pcap(order: Order, magic: u32) -> Vec<u8> {
    Pcap::new(order, magic, 1, 65535)
        .packet(1, 999_999, &bytes(40, 1), 60)
        .packet(2, 5, &bytes(7, 2), 7)
        .packet(3, 0, &[], 0)
        .bytes
}

fn sample_pcapng(order: Order) -> Vec<u8> {
    Pcapng::new(order)
        .idb(1, 32, &[(OPT_TSRESOL, vec![9])])
        .idb(
            101,
            0,
            &[(OPT_TSRESOL, vec![0x8a]), (OPT_TSOFFSET, vec![1; 8])],
        )
        .epb(0, 123_456_789, &bytes(30, 3), 30)
        .spb(40, &bytes(32, 4))
        .block(5, &[0; 12])
        .opb(1, 99, &bytes(5, 5), 5)
        .shb(Order::Big)
        .idb(0, 0, &[])
        .epb(0, 1, b"x", 1)
        .bytes
}

fn sample(which: u8) -> Vec<u8> {
    match which % 6 {
        0 => sample_pcap(Order::Little, MAGIC_MICRO),
        1 => sample_pcap(Order::Big, MAGIC_NANO),
        2 => sample_pcap(Order::Little, MAGIC_MODIFIED),
        3 => sample_pcapng(Order::Little),
        4 => sample_pcapng(Order::Big),
        _ => gzip(&sample_pcapng(Order::Little)),
    }
}

/// Overwrites bytes and optionally cuts the end.
fn mutate(mut data: Vec<u8>, edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    if !data.is_empty() {
        for &(at, value) in edits {
            let n = data.len();
            data[at % n] = value;
        }
    }
    if let Some(cut) = cut {
        data.truncate(cut % (data.len() + 1));
    }
    data
}

const MAGICS: [[u8; 4]; 8] = [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x34, 0xcd, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xcd, 0x34],
    [0x0a, 0x0d, 0x0d, 0x0a],
    [0x1f, 0x8b, 0x08, 0x00],
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let n = data.len();
        check(data, n * 1032 + 64);
    }

    #[test]
    fn arbitrary_bytes_after_a_magic(
        magic in proptest::sample::select(&MAGICS[..]),
        rest in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let data = [&magic[..], &rest].concat();
        let n = data.len();
        check(data, n * 1032 + 64);
    }

    #[test]
    fn mutated_captures(
        which in any::<u8>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<Option<usize>>(),
    ) {
        let data = mutate(sample(which), &edits, cut);
        let n = data.len();
        check(data, n * 1032 + 64);
    }

    #[test]
    fn compressed_mutated_captures(
        which in any::<u8>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<Option<usize>>(),
    ) {
        let plain = mutate(sample(which % 5), &edits, cut);
        let n = plain.len();
        check(gzip(&plain), n);
    }
}
