//! Damaged input: every good packet first, then one `Malformed` with the offset of the
//! damaged record, then `Ok(None)` forever.

use std::io::{self, Read};

use p0fmod_capture::CaptureError;

use crate::util::*;

/// Reads `bytes` and checks the packets before the damage, the error offset and a word of
/// its reason.
fn expect_damage(bytes: Vec<u8>, good: usize, offset: u64, reason_has: &str) -> Vec<Pkt> {
    let mut cap = open(bytes).expect("the header is fine");
    let (pkts, err) = drain(&mut cap);
    assert_eq!(pkts.len(), good, "packets before the damage");
    let err = err.expect("an error");
    let (at, reason) = malformed(&err);
    assert_eq!(at, offset, "offset ({reason})");
    assert!(
        reason.contains(reason_has),
        "reason {reason:?} lacks {reason_has:?}"
    );
    assert!(
        err.to_string().contains(&format!("at byte {offset}")),
        "{err}"
    );
    pkts
}

/// Opening fails with `Malformed` at offset 0; returns the reason.
fn expect_open_error(bytes: Vec<u8>) -> String {
    match open(bytes) {
        Ok(cap) => panic!("opened: {cap:?}"),
        Err(CaptureError::Malformed { offset, reason, .. }) => {
            assert_eq!(offset, 0);
            reason
        }
        Err(other) => panic!("expected Malformed, got {other:?}"),
    }
}

fn two_packets(order: Order) -> Pcap {
    Pcap::new(order, MAGIC_MICRO, 1, 65535)
        .packet(1, 0, &bytes(60, 1), 60)
        .packet(2, 0, &bytes(10, 2), 10)
}

#[test]
fn empty_file() {
    assert_eq!(expect_open_error(Vec::new()), "empty file");
    let reason = expect_open_error(gzip(&[]));
    assert!(reason.contains("empty file"), "{reason}");
}

#[test]
fn unknown_magic() {
    let reason = expect_open_error(b"\x7fELF\x02\x01\x01\x00 not a capture".to_vec());
    assert_eq!(reason, "not a pcap or pcapng file (magic 0x7f454c46)");
    let reason = expect_open_error(b"GET / HTTP/1.1\r\n".to_vec());
    assert_eq!(reason, "not a pcap or pcapng file (magic 0x47455420)");
    let reason = expect_open_error(vec![0xd4, 0xc3]);
    assert_eq!(reason, "not a pcap or pcapng file (only 2 bytes)");
    let reason = expect_open_error(gzip(b"plain text"));
    assert!(reason.contains("magic 0x706c6169"), "{reason}");
    let err = open(b"nope".to_vec()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "test.cap: at byte 0: not a pcap or pcapng file (magic 0x6e6f7065)"
    );
}

#[test]
fn pcap_header_damage() {
    let mut header = two_packets(Order::Little).bytes;
    header.truncate(10);
    let reason = expect_open_error(header);
    assert_eq!(reason, "truncated pcap file header (10 of 24 bytes)");

    let mut old = Pcap::new(Order::Big, MAGIC_MICRO, 1, 65535).bytes;
    old[4..6].copy_from_slice(&1u16.to_be_bytes());
    assert_eq!(expect_open_error(old), "unsupported pcap version 1.4");
}

#[test]
fn pcap_cut_in_a_record_header() {
    for order in [Order::Little, Order::Big] {
        let mut bytes = two_packets(order).packet(3, 0, b"lost", 4).bytes;
        bytes.truncate(24 + 76 + 26 + 5);
        expect_damage(bytes, 2, 126, "middle of a record header (5 of 16 bytes");
    }
}

#[test]
fn pcap_cut_in_a_packet() {
    let mut file = two_packets(Order::Little).packet(3, 0, &[7; 72], 72).bytes;
    file.truncate(file.len() - 36);
    let pkts = expect_damage(file, 2, 126, "record header says 72 bytes, 36 present");
    assert_eq!(pkts[1], pkt(2, 0, 1, &bytes(10, 2), 10));

    // Kuznetzov records are 24 + caplen bytes.
    let mut bytes = Pcap::new(Order::Big, MAGIC_MODIFIED, 1, 65535)
        .packet(1, 0, b"ok", 2)
        .packet(2, 0, &[1; 30], 30)
        .bytes;
    bytes.truncate(bytes.len() - 1);
    expect_damage(bytes, 1, 24 + 26, "says 30 bytes, 29 present");
}

#[test]
fn pcap_impossible_caplen() {
    for caplen in [262_145, 4_325_376, u32::MAX] {
        let bytes = two_packets(Order::Little)
            .header(3, 0, caplen, 60)
            .packet(4, 0, b"never", 5)
            .bytes;
        expect_damage(
            bytes,
            2,
            126,
            &format!("impossible captured length {caplen}"),
        );
    }
    // 262144 itself is allowed (and here simply truncated).
    let bytes = two_packets(Order::Little).header(3, 0, 262_144, 60).bytes;
    expect_damage(bytes, 2, 126, "says 262144 bytes, 0 present");
}

#[test]
fn pcapng_header_damage() {
    let good = Pcapng::new(Order::Little).idb(1, 0, &[]).bytes;

    let mut bad_bom = good.clone();
    bad_bom[8..12].copy_from_slice(&[1, 2, 3, 4]);
    assert_eq!(
        expect_open_error(bad_bom),
        "bad byte-order magic 0x01020304 in a section header block"
    );

    let mut version = good.clone();
    version[12..14].copy_from_slice(&2u16.to_le_bytes());
    assert_eq!(expect_open_error(version), "unsupported pcapng version 2.0");

    let reason = expect_open_error(good[..10].to_vec());
    assert!(
        reason.contains("section header (10 of 12 bytes"),
        "{reason}"
    );
    let reason = expect_open_error(good[..20].to_vec());
    assert!(
        reason.contains("header says 48 bytes, 20 present"),
        "{reason}"
    );
}

#[test]
fn pcapng_damage_before_the_first_packet_is_reported_by_next_packet() {
    let ok = Pcapng::new(Order::Big).idb(1, 0, &[]);
    let offset = ok.bytes.len() as u64;
    let bytes = ok
        .raw(&[0, 0, 0, 1, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 13])
        .bytes;
    let mut cap = open(bytes).unwrap();
    assert_eq!(cap.link_types(), &[1]);
    assert_eq!(cap.bytes_read(), offset);
    let (pkts, err) = drain(&mut cap);
    assert!(pkts.is_empty());
    let err = err.unwrap();
    let (at, reason) = malformed(&err);
    assert_eq!(at, offset);
    assert!(reason.contains("invalid length 13"), "{reason}");
}

/// A little-endian section with one interface and one packet; returns it and the offset
/// where the next block would start.
fn ng_prefix() -> (Pcapng, u64) {
    let ng = Pcapng::new(Order::Little)
        .idb(1, 0, &[])
        .epb(0, 1_000_000, b"good", 4);
    let len = ng.bytes.len() as u64;
    (ng, len)
}

#[test]
fn pcapng_bad_block_lengths() {
    let le = |v: u32| v.to_le_bytes();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        ([&le(6)[..], &le(30), &[0; 4]].concat(), "invalid length 30"),
        ([&le(6)[..], &le(8), &le(8)].concat(), "invalid length 8"),
        ([&le(6)[..], &le(0), &le(0)].concat(), "invalid length 0"),
        (
            [&le(6)[..], &le(0xffff_fff0), &[0; 8]].concat(),
            "impossible length 4294967280",
        ),
        (
            [&le(6)[..], &le(16), &[0; 4], &le(16)].concat(),
            "enhanced packet block too short",
        ),
        (
            [&le(1)[..], &le(16), &[0; 4], &le(16)].concat(),
            "interface description block too short",
        ),
        (
            [&le(0x123)[..], &le(16), &[0; 4], &le(20)].concat(),
            "length mismatch: 16 at the start, 20",
        ),
        (
            [&le(0x123)[..], &le(16), &[0; 4]].concat(),
            "header says 16 bytes, 12 present",
        ),
        (
            le(6)[..3].to_vec(),
            "middle of a block header (3 of 8 bytes",
        ),
    ];
    for (tail, reason) in cases {
        let (ng, offset) = ng_prefix();
        let bytes = ng.raw(&tail).epb(0, 2, b"unreached", 9).bytes;
        // Truncation cases end the file right after the damaged block.
        let cut = if reason.contains("present") || reason.contains("block header") {
            offset as usize + tail.len()
        } else {
            bytes.len()
        };
        expect_damage(bytes[..cut].to_vec(), 1, offset, reason);
    }
}

#[test]
fn pcapng_packet_lengths_that_do_not_fit() {
    let (ng, offset) = ng_prefix();
    let mut epb = ng.order().u32(0).to_vec(); // interface
    epb.extend([0; 8]); // time stamp
    epb.extend(100u32.to_le_bytes()); // caplen
    epb.extend(100u32.to_le_bytes()); // orig_len
    epb.extend([0; 8]); // 8 of the 100 bytes
    let bytes = ng.block(6, &epb).bytes;
    expect_damage(bytes, 1, offset, "captured length 100 does not fit");

    // A simple packet block claiming more than it holds (interface without snaplen).
    let (ng, offset) = ng_prefix();
    let bytes = ng.spb(500, &[1; 20]).bytes;
    expect_damage(
        bytes,
        1,
        offset,
        "captured length 500 does not fit in its simple packet",
    );
}

#[test]
fn pcapng_undefined_interfaces() {
    let (ng, offset) = ng_prefix();
    let bytes = ng.epb(1, 0, b"x", 1).bytes;
    expect_damage(bytes, 1, offset, "undefined interface 1 (1 defined");

    // A simple packet block needs interface 0.
    let ng = Pcapng::new(Order::Big);
    let offset = ng.bytes.len() as u64;
    expect_damage(
        ng.spb(1, b"x").bytes,
        0,
        offset,
        "undefined interface 0 (0 defined",
    );

    let (ng, offset) = ng_prefix();
    expect_damage(
        ng.opb(7, 0, b"x", 1).bytes,
        1,
        offset,
        "undefined interface 7",
    );
}

#[test]
fn pcapng_bad_options() {
    let (ng, offset) = ng_prefix();
    // if_tsresol 10^-20 does not fit in 64 bits.
    let bytes = ng.idb(1, 0, &[(OPT_TSRESOL, vec![20])]).bytes;
    expect_damage(bytes, 1, offset, "unsupported time-stamp resolution 0x14");

    let (ng, offset) = ng_prefix();
    let mut idb = vec![1, 0, 0, 0, 0, 0, 0, 0];
    idb.extend(9u16.to_le_bytes());
    idb.extend(200u16.to_le_bytes());
    idb.extend([6, 0, 0, 0]);
    expect_damage(
        ng.block(1, &idb).bytes,
        1,
        offset,
        "option 9 (200 bytes) overruns",
    );
}

#[test]
fn gzip_damage() {
    let mut file = Pcap::new(Order::Little, MAGIC_MICRO, 1, 65535);
    for i in 0..400u32 {
        file = file.packet(i, 0, &bytes(500 + i as usize, i as u8), 900);
    }
    let plain = file.bytes;
    let packed = gzip(&plain);

    // Cut short: the packets decompressed so far, then "truncated".
    let mut cap = open(packed[..packed.len() / 2].to_vec()).unwrap();
    let (pkts, err) = drain(&mut cap);
    assert!(!pkts.is_empty() && pkts.len() < 400);
    let err = err.unwrap();
    let (at, reason) = malformed(&err);
    assert!(reason.contains("gzip stream truncated"), "{reason}");
    assert!(at >= 24 && at < plain.len() as u64);

    // Garbage in the deflate data.
    let mut corrupt = packed.clone();
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 64] {
        *b = 0xff;
    }
    let mut cap = open(corrupt).unwrap();
    let (pkts, err) = drain(&mut cap);
    assert!(pkts.len() < 400);
    let err = err.unwrap();
    let (_, reason) = malformed(&err);
    assert!(reason.contains("gzip"), "{reason}");

    // Wrong checksum in the trailer: every packet, then the error.
    let mut crc = packed.clone();
    let n = crc.len();
    crc[n - 8] ^= 0xff;
    let mut cap = open(crc).unwrap();
    let (pkts, err) = drain(&mut cap);
    assert_eq!(pkts.len(), 400);
    let (at, reason) = malformed(err.as_ref().unwrap());
    assert_eq!(at, plain.len() as u64);
    assert!(reason.starts_with("corrupt gzip stream"), "{reason}");

    // A broken gzip header fails at open.
    let reason = expect_open_error(vec![0x1f, 0x8b, 0x99, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
    assert!(reason.starts_with("corrupt gzip stream"), "{reason}");
}

/// Fails after handing out some bytes.
struct Failing {
    data: io::Cursor<Vec<u8>>,
}

impl Read for Failing {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self.data.read(out)? {
            0 => Err(io::Error::other("disk on fire")),
            n => Ok(n),
        }
    }
}

#[test]
fn read_errors_are_io_errors() {
    let mut bytes = two_packets(Order::Little).bytes;
    bytes.truncate(bytes.len() - 3);
    let mut cap = open_reader(Failing {
        data: io::Cursor::new(bytes),
    })
    .unwrap();
    let (pkts, err) = drain(&mut cap);
    assert_eq!(pkts.len(), 1);
    match err {
        Some(CaptureError::Io { path, source }) => {
            assert_eq!(path.to_str(), Some("test.cap"));
            assert_eq!(source.to_string(), "disk on fire");
        }
        other => panic!("{other:?}"),
    }
}
