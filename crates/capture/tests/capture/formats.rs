//! Well-formed captures of every supported flavour read back exactly.

use std::io::Write;

use p0fmod_capture::{CaptureError, CaptureFormat, FileCapture};

use crate::util::*;

const ORDERS: [Order; 2] = [Order::Little, Order::Big];

#[test]
fn pcap_microseconds_both_orders() {
    for order in ORDERS {
        let a = bytes(60, 1);
        let b = bytes(1514, 2);
        let file = Pcap::new(order, MAGIC_MICRO, 1, 65535)
            .packet(1_700_000_000, 123_456, &a, 60)
            .packet(1_700_000_001, 0, &b, 1514)
            .packet(1_700_000_001, 999_999, &[], 0);
        let len = file.bytes.len() as u64;
        let mut cap = open(file.bytes).unwrap();
        assert_eq!(cap.format(), CaptureFormat::Pcap);
        assert!(!cap.is_compressed());
        assert_eq!(cap.link_types(), &[1]);
        assert_eq!(cap.bytes_read(), 24);
        let (pkts, err) = drain(&mut cap);
        assert!(err.is_none());
        assert_eq!(
            pkts,
            vec![
                pkt(1_700_000_000, 123_456, 1, &a, 60),
                pkt(1_700_000_001, 0, 1, &b, 1514),
                pkt(1_700_000_001, 999_999, 1, &[], 0),
            ],
            "{order:?}"
        );
        assert_eq!(cap.bytes_read(), len);
    }
}

#[test]
fn pcap_nanoseconds_truncate_to_microseconds() {
    for order in ORDERS {
        let file = Pcap::new(order, MAGIC_NANO, 101, 65535)
            .packet(10, 999_999_999, b"ab", 2)
            .packet(11, 1_999, b"cd", 40)
            .packet(12, 1_000_000_001, b"ef", 2);
        assert_eq!(
            read_ok(file.bytes),
            vec![
                pkt(10, 999_999, 101, b"ab", 2),
                pkt(11, 1, 101, b"cd", 40),
                pkt(13, 0, 101, b"ef", 2),
            ],
            "{order:?}"
        );
    }
}

#[test]
fn pcap_modified_kuznetzov_variant() {
    for order in ORDERS {
        let a = bytes(98, 3);
        let file = Pcap::new(order, MAGIC_MODIFIED, 1, 65535)
            .packet(1_712_763_541, 734_807, &a, 98)
            .packet(1_712_763_542, 5, b"xyz", 3);
        let len = file.bytes.len();
        assert_eq!(len, 24 + 24 + 98 + 24 + 3);
        let mut cap = open(file.bytes).unwrap();
        assert_eq!(cap.format(), CaptureFormat::Pcap);
        let (pkts, err) = drain(&mut cap);
        assert!(err.is_none());
        assert_eq!(
            pkts,
            vec![
                pkt(1_712_763_541, 734_807, 1, &a, 98),
                pkt(1_712_763_542, 5, 1, b"xyz", 3),
            ]
        );
        assert_eq!(cap.bytes_read(), len as u64);
    }
}

#[test]
fn pcap_link_type_ignores_fcs_bits() {
    // FCS present (bit 26) with a 4-byte FCS length in bits 28..31, on Ethernet.
    let file = Pcap::new(
        Order::Little,
        MAGIC_MICRO,
        1 | 0x0400_0000 | 0x4000_0000,
        65535,
    )
    .packet(1, 2, b"x", 1);
    let mut cap = open(file.bytes).unwrap();
    assert_eq!(cap.link_types(), &[1]);
    assert_eq!(cap.next_packet().unwrap().unwrap().link_type, 1);
}

#[test]
fn pcap_header_only_is_empty() {
    let file = Pcap::new(Order::Big, MAGIC_MICRO, 113, 262_144);
    let mut cap = open(file.bytes).unwrap();
    assert_eq!(cap.link_types(), &[113]);
    let (pkts, err) = drain(&mut cap);
    assert!(pkts.is_empty() && err.is_none());
}

#[test]
fn pcap_record_larger_than_the_buffer() {
    // D-Bus (231) allows 128 MiB records: a 3 MiB one makes the 1 MiB buffer grow.
    let big = bytes(3 << 20, 4);
    let file = Pcap::new(Order::Little, MAGIC_MICRO, 231, 128 << 20)
        .packet(1, 0, b"small", 5)
        .packet(2, 0, &big, 3 << 20)
        .packet(3, 0, b"after", 5);
    assert_eq!(
        read_ok(file.bytes),
        vec![
            pkt(1, 0, 231, b"small", 5),
            pkt(2, 0, 231, &big, 3 << 20),
            pkt(3, 0, 231, b"after", 5),
        ]
    );
}

#[test]
fn pcap_many_records_across_refills_and_tiny_reads() {
    let mut file = Pcap::new(Order::Little, MAGIC_MICRO, 1, 65535);
    let mut expected = Vec::new();
    for i in 0..3000u32 {
        let data = bytes(40 + (i as usize * 37) % 1500, i as u8);
        file = file.packet(i, i * 7, &data, 2000);
        expected.push(pkt(i64::from(i), i * 7, 1, &data, 2000));
    }
    assert!(file.bytes.len() > 2 << 20);
    assert_eq!(read_ok(file.bytes.clone()), expected);
    for step in [1, 7, 4096, 1 << 20] {
        let mut cap = open_reader(Trickle::new(file.bytes.clone(), step)).unwrap();
        let (pkts, err) = drain(&mut cap);
        assert!(err.is_none());
        assert_eq!(pkts.len(), expected.len(), "step {step}");
        assert_eq!(pkts, expected, "step {step}");
    }
}

#[test]
fn pcapng_basic_both_orders() {
    for order in ORDERS {
        let a = bytes(61, 5);
        let file = Pcapng::new(order)
            .idb(1, 65535, &[])
            .epb(0, 1_700_000_000_123_456, &a, 61)
            .epb(0, 1_700_000_001_000_000, b"abcd", 100);
        let len = file.bytes.len() as u64;
        let mut cap = open(file.bytes).unwrap();
        assert_eq!(cap.format(), CaptureFormat::Pcapng);
        assert_eq!(cap.link_types(), &[1]);
        let (pkts, err) = drain(&mut cap);
        assert!(err.is_none());
        assert_eq!(
            pkts,
            vec![
                pkt(1_700_000_000, 123_456, 1, &a, 61),
                pkt(1_700_000_001, 0, 1, b"abcd", 100),
            ],
            "{order:?}"
        );
        assert_eq!(cap.bytes_read(), len);
    }
}

#[test]
fn pcapng_interfaces_with_link_types_and_resolutions() {
    for order in ORDERS {
        let o = order;
        let file = Pcapng::new(order)
            .idb(1, 65535, &[])
            .idb(101, 0, &[(OPT_TSRESOL, vec![9]), (2, b"eth9".to_vec())])
            .idb(0, 262_144, &[(OPT_TSRESOL, vec![0x80 | 10])])
            .epb(0, 5_000_001, b"e0", 2)
            .epb(1, 1_600_000_000_987_654_321, b"r1", 2)
            .epb(2, 3 * 1024 + 1, b"n2", 2)
            .idb(
                12,
                65535,
                &[(OPT_TSRESOL, vec![3]), (OPT_TSOFFSET, o.u64(1000).to_vec())],
            )
            .epb(3, 1_234, b"raw", 3);
        let mut cap = open(file.bytes).unwrap();
        assert_eq!(cap.link_types(), &[1, 101, 0]);
        let (pkts, err) = drain(&mut cap);
        assert!(err.is_none());
        assert_eq!(
            pkts,
            vec![
                pkt(5, 1, 1, b"e0", 2),
                pkt(1_600_000_000, 987_654, 101, b"r1", 2),
                pkt(3, 976, 0, b"n2", 2),
                pkt(1001, 234_000, 12, b"raw", 3),
            ],
            "{order:?}"
        );
        assert_eq!(cap.link_types(), &[1, 101, 0, 12]);
    }
}

#[test]
fn pcapng_negative_tsoffset() {
    let file = Pcapng::new(Order::Little)
        .idb(1, 0, &[(OPT_TSOFFSET, (-100i64).to_le_bytes().to_vec())])
        .epb(0, 250_500_000, b"x", 1);
    assert_eq!(read_ok(file.bytes), vec![pkt(150, 500_000, 1, b"x", 1)]);
}

#[test]
fn pcapng_simple_and_obsolete_packet_blocks() {
    for order in ORDERS {
        let long = bytes(100, 6);
        let file = Pcapng::new(order)
            .idb(1, 64, &[])
            .idb(113, 0, &[])
            // No time stamp seen yet: 0.
            .spb(100, &long[..64])
            .opb(1, 7_000_042, b"opb", 60)
            // Reuses the last time stamp; cut to the snaplen (64) of interface 0.
            .spb(100, &long[..64])
            .spb(10, &long[..10]);
        assert_eq!(
            read_ok(file.bytes),
            vec![
                pkt(0, 0, 1, &long[..64], 100),
                pkt(7, 42, 113, b"opb", 60),
                pkt(7, 42, 1, &long[..64], 100),
                pkt(7, 42, 1, &long[..10], 10),
            ],
            "{order:?}"
        );
    }
}

#[test]
fn pcapng_skips_other_blocks() {
    for order in ORDERS {
        let o = order;
        let mut isb = Vec::new();
        isb.extend(o.u32(0));
        isb.extend(o.u64(12345));
        let file = Pcapng::new(order)
            .block(
                4,
                &[1, 0, 8, 0, 10, 0, 0, 1, b'h', b'o', b's', b't', 0, 0, 0, 0],
            ) // NRB
            .idb(1, 0, &[])
            .block(0x0a, &[0; 20]) // DSB
            .epb(0, 1_000_000, b"one", 3)
            .block(5, &isb) // ISB
            .block(0x0000_0bad, b"custom data") // custom
            .block(0x4000_0bad, &[])
            .block(0x1234_5678, &[9; 64])
            .epb(0, 2_000_000, b"two", 3);
        assert_eq!(
            read_ok(file.bytes),
            vec![pkt(1, 0, 1, b"one", 3), pkt(2, 0, 1, b"two", 3)],
            "{order:?}"
        );
    }
}

#[test]
fn pcapng_sections_reset_interfaces_and_may_change_order() {
    let file = Pcapng::new(Order::Little)
        .idb(1, 0, &[])
        .idb(101, 0, &[])
        .epb(1, 1_000_000, b"a", 1)
        .shb(Order::Big)
        .idb(12, 0, &[(OPT_TSRESOL, vec![9])])
        .epb(0, 2_000_000_000, b"b", 1)
        .shb(Order::Little)
        .idb(1, 0, &[])
        .epb(0, 3_000_000, b"c", 1);
    let mut cap = open(file.bytes.clone()).unwrap();
    assert_eq!(cap.link_types(), &[1, 101]);
    let (pkts, err) = drain(&mut cap);
    assert!(err.is_none());
    assert_eq!(
        pkts,
        vec![
            pkt(1, 0, 101, b"a", 1),
            pkt(2, 0, 12, b"b", 1),
            pkt(3, 0, 1, b"c", 1),
        ]
    );
    assert_eq!(cap.link_types(), &[1, 101, 12]);

    // Interface 1 of the first section does not exist in the second.
    let file = Pcapng::new(Order::Little)
        .idb(1, 0, &[])
        .idb(101, 0, &[])
        .epb(1, 1_000_000, b"a", 1)
        .shb(Order::Big)
        .idb(12, 0, &[]);
    let offset = file.bytes.len() as u64;
    let file = file.epb(1, 2_000_000, b"b", 1);
    let mut cap = open(file.bytes).unwrap();
    let (pkts, err) = drain(&mut cap);
    assert_eq!(pkts, vec![pkt(1, 0, 101, b"a", 1)]);
    let err = err.unwrap();
    let (at, reason) = malformed(&err);
    assert_eq!(at, offset);
    assert!(reason.contains("undefined interface 1"), "{reason}");
}

#[test]
fn pcapng_large_block_and_tiny_reads() {
    let big = bytes(2 << 20, 7);
    let file = Pcapng::new(Order::Big)
        .idb(1, 0, &[])
        .epb(0, 1, b"a", 1)
        .epb(0, 2, &big, 2 << 20)
        .epb(0, 3, b"c", 1);
    let expected = vec![
        pkt(0, 1, 1, b"a", 1),
        pkt(0, 2, 1, &big, 2 << 20),
        pkt(0, 3, 1, b"c", 1),
    ];
    assert_eq!(read_ok(file.bytes.clone()), expected);
    for step in [1, 3, 65536] {
        let mut cap = open_reader(Trickle::new(file.bytes.clone(), step)).unwrap();
        let (pkts, err) = drain(&mut cap);
        assert!(err.is_none());
        assert!(pkts == expected, "step {step}");
    }
}

#[test]
fn pcapng_without_packets() {
    let file = Pcapng::new(Order::Little).idb(1, 0, &[]).idb(228, 0, &[]);
    let len = file.bytes.len() as u64;
    let mut cap = open(file.bytes).unwrap();
    assert_eq!(cap.link_types(), &[1, 228]);
    assert_eq!(cap.bytes_read(), len);
    let (pkts, err) = drain(&mut cap);
    assert!(pkts.is_empty() && err.is_none());
}

#[test]
fn gzip_is_detected_by_content() {
    let pcap = Pcap::new(Order::Little, MAGIC_NANO, 1, 65535)
        .packet(5, 6_000, b"gz-pcap", 7)
        .bytes;
    let ng = Pcapng::new(Order::Big)
        .idb(276, 0, &[])
        .epb(0, 9_000_001, b"gz-ng", 5)
        .bytes;
    let mut cap = open(gzip(&pcap)).unwrap();
    assert!(cap.is_compressed());
    assert_eq!(cap.format(), CaptureFormat::Pcap);
    assert_eq!(drain(&mut cap).0, vec![pkt(5, 6, 1, b"gz-pcap", 7)]);
    assert_eq!(cap.bytes_read(), pcap.len() as u64);

    let mut cap = open(gzip(&ng)).unwrap();
    assert_eq!(cap.format(), CaptureFormat::Pcapng);
    assert_eq!(cap.link_types(), &[276]);
    assert_eq!(drain(&mut cap).0, vec![pkt(9, 1, 276, b"gz-ng", 5)]);

    // Several gzip members, as `cat a.gz b.gz` makes; a tiny-read source.
    let (head, tail) = pcap.split_at(30);
    let mut members = gzip(head);
    members.extend(gzip(tail));
    let mut cap = open_reader(Trickle::new(members, 5)).unwrap();
    let (pkts, err) = drain(&mut cap);
    assert!(err.is_none());
    assert_eq!(pkts, vec![pkt(5, 6, 1, b"gz-pcap", 7)]);
}

#[test]
fn gzip_with_many_packets() {
    let mut file = Pcap::new(Order::Big, MAGIC_MICRO, 1, 65535);
    for i in 0..2000u32 {
        file = file.packet(i, 0, &bytes(1000, i as u8), 1000);
    }
    let pkts = read_ok(gzip(&file.bytes));
    assert_eq!(pkts.len(), 2000);
    assert_eq!(
        pkts[1999],
        pkt(1999, 0, 1, &bytes(1000, 1999u32 as u8), 1000)
    );
}

#[test]
fn open_reads_a_real_file() {
    let path = std::env::temp_dir().join(format!(
        "p0fmod-capture-test-{}.pcap.gz",
        std::process::id()
    ));
    let data = Pcap::new(Order::Little, MAGIC_MICRO, 1, 65535)
        .packet(1, 2, b"file", 4)
        .bytes;
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&gzip(&data))
        .unwrap();
    let mut cap = FileCapture::open(&path).unwrap();
    assert_eq!(cap.path(), path.as_path());
    let (pkts, err) = drain(&mut cap);
    std::fs::remove_file(&path).unwrap();
    assert!(err.is_none());
    assert_eq!(pkts, vec![pkt(1, 2, 1, b"file", 4)]);

    let missing = FileCapture::open(&path).unwrap_err();
    assert!(matches!(missing, CaptureError::Io { .. }), "{missing:?}");
    assert!(missing.to_string().starts_with(&path.display().to_string()));
}

#[test]
fn progress_counts_file_bytes_compressed_for_gzip() {
    let mut file = Pcap::new(Order::Little, MAGIC_MICRO, 1, 65535);
    for i in 0..3000u32 {
        file = file.packet(i, 0, &bytes(600, i as u8), 600);
    }
    let dir = std::env::temp_dir().join(format!("p0fmod-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, data) in [
        ("plain.pcap", file.bytes.clone()),
        ("z.pcap.gz", gzip(&file.bytes)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &data).unwrap();
        let mut cap = FileCapture::open(&path).unwrap();
        let progress = cap.progress();
        assert_eq!(progress.total(), Some(data.len() as u64), "{name}");
        assert!(progress.read() <= data.len() as u64);
        let (pkts, err) = drain(&mut cap);
        assert!(err.is_none() && pkts.len() == 3000);
        assert_eq!(
            progress.read(),
            data.len() as u64,
            "{name}: every file byte"
        );
        assert_eq!(
            cap.bytes_read(),
            file.bytes.len() as u64,
            "uncompressed offset"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
    // A stream has no known size.
    let cap = open(file.bytes.clone()).unwrap();
    assert_eq!(cap.progress().total(), None);
}

#[test]
fn capture_magics_are_recognised() {
    use p0fmod_capture::looks_like_capture;
    for order in ORDERS {
        for magic in [MAGIC_MICRO, MAGIC_NANO] {
            let file = Pcap::new(order, magic, 1, 65535);
            assert!(looks_like_capture(&file.bytes), "{order:?} {magic:x}");
        }
        assert!(looks_like_capture(&Pcapng::new(order).bytes));
    }
    assert!(looks_like_capture(&gzip(b"anything")));
    assert!(looks_like_capture(&[0xa1, 0xb2, 0xcd, 0x34]));
    assert!(!looks_like_capture(b"hello, not a capture"));
    assert!(!looks_like_capture(&[0xd4, 0xc3]));
    assert!(!looks_like_capture(b""));
}
