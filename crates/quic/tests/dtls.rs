//! DTLS handshake reassembly on records built here (RFC 6347 §4.1, §4.2.2; RFC 9147
//! §5.2): any fragmentation of a hello, in any order, repeated, over any number of
//! records and datagrams, gives the same body; the cookie retry yields the second hello;
//! retransmissions and contradictions are handled.

use p0fmod_quic::Error;
use p0fmod_quic::dtls::{DtlsHelloStream, HELLO_VERIFY_REQUEST, Records, is_dtls_handshake};
use proptest::prelude::*;

/// A DTLS record of content type 22.
fn record(version: u16, seq: u64, fragments: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = fragments.concat();
    let mut r = vec![22];
    r.extend_from_slice(&version.to_be_bytes());
    r.extend_from_slice(&[0, 0]);
    r.extend_from_slice(&seq.to_be_bytes()[2..]);
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(&body);
    r
}

/// A handshake fragment of message `msg` (type, message_seq, body) covering `[s, e)`.
fn fragment(msg_type: u8, message_seq: u16, body: &[u8], s: usize, e: usize) -> Vec<u8> {
    let u24 = |v: usize| [(v >> 16) as u8, (v >> 8) as u8, v as u8];
    let mut f = vec![msg_type];
    f.extend_from_slice(&u24(body.len()));
    f.extend_from_slice(&message_seq.to_be_bytes());
    f.extend_from_slice(&u24(s));
    f.extend_from_slice(&u24(e - s));
    f.extend_from_slice(&body[s..e]);
    f
}

fn body(len: usize, salt: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(salt))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_fragmentation_same_body(
        len in 1usize..4000,
        cuts in prop::collection::vec(1usize..4000, 0..10),
        extra in prop::collection::vec((0usize..4000, 1usize..300), 0..3),
        order in any::<prop::sample::Index>(),
        per_record in prop::collection::vec(1usize..3, 16),
        per_datagram in prop::collection::vec(1usize..3, 16),
        version in prop_oneof![Just(0xfeffu16), Just(0xfefd)],
    ) {
        let hello = body(len, 7);
        let mut points: Vec<usize> = cuts.into_iter().map(|c| c % len).filter(|&c| c > 0).collect();
        points.extend([0, len]);
        points.sort_unstable();
        points.dedup();
        let mut ranges: Vec<(usize, usize)> = points.windows(2).map(|w| (w[0], w[1])).collect();
        for (s, l) in extra {
            let s = s % len;
            ranges.push((s, (s + l).min(len)));
        }
        // A rotation of the fragment order, then fragments grouped into records and
        // records into datagrams.
        let k = order.index(ranges.len());
        ranges.rotate_left(k);
        let frags: Vec<Vec<u8>> = ranges.iter().map(|&(s, e)| fragment(1, 0, &hello, s, e)).collect();
        let mut records = Vec::new();
        let (mut i, mut r) = (0, 0);
        while i < frags.len() {
            let n = per_record[r % 16].min(frags.len() - i);
            records.push(record(version, r as u64, &frags[i..i + n]));
            i += n;
            r += 1;
        }
        let mut stream = DtlsHelloStream::new(1);
        let (mut j, mut d, mut got) = (0, 0, None);
        while j < records.len() {
            let n = per_datagram[d % 16].min(records.len() - j);
            let datagram = records[j..j + n].concat();
            prop_assert!(is_dtls_handshake(&datagram));
            if let Some(h) = stream.on_datagram(&datagram).unwrap() {
                prop_assert!(got.is_none());
                got = Some((h.body.to_vec(), h.message_seq, h.record_version, h.split.fragments));
            }
            j += n;
            d += 1;
        }
        let (b, seq, v, _) = got.expect("the hello completes");
        prop_assert_eq!(b, hello);
        prop_assert_eq!(seq, 0);
        prop_assert_eq!(v, version);
    }
}

#[test]
fn cookie_retry_yields_the_second_hello() {
    let first = body(200, 1);
    let second = body(232, 2);
    let mut client = DtlsHelloStream::new(1);
    let h = client
        .on_datagram(&record(0xfefd, 0, &[fragment(1, 0, &first, 0, 200)]))
        .unwrap()
        .unwrap();
    assert_eq!((h.body, h.message_seq, h.count), (&first[..], 0, 1));
    // The server's HelloVerifyRequest, seen by the server-side stream.
    let mut server = DtlsHelloStream::new(2);
    let hvr = body(35, 3);
    assert_eq!(
        server.on_datagram(&record(
            0xfeff,
            0,
            &[fragment(HELLO_VERIFY_REQUEST, 0, &hvr, 0, 35)]
        )),
        Ok(None)
    );
    assert_eq!(server.verify_requests(), 1);
    // A late retransmission of the first hello is ignored.
    assert_eq!(
        client.on_datagram(&record(0xfefd, 1, &[fragment(1, 0, &first, 0, 200)])),
        Ok(None)
    );
    // The second hello, in two fragments over two datagrams.
    assert_eq!(
        client.on_datagram(&record(0xfefd, 2, &[fragment(1, 1, &second, 100, 232)])),
        Ok(None)
    );
    assert_eq!(client.progress(), (132, Some(232)));
    let h = client
        .on_datagram(&record(0xfefd, 3, &[fragment(1, 1, &second, 0, 100)]))
        .unwrap()
        .unwrap();
    assert_eq!((h.body, h.message_seq, h.count), (&second[..], 1, 2));
    assert_eq!(
        (h.split.datagrams, h.split.records, h.split.fragments),
        (2, 2, 2)
    );
}

/// A hello that completes is handed out even when the same datagram goes on with a damaged
/// fragment or a newer message (found by fuzzing: the count went up without a hello).
#[test]
fn a_completed_hello_is_handed_out_whatever_follows() {
    let first = body(80, 5);
    let second = body(90, 6);
    let mut s = DtlsHelloStream::new(1);
    let mut datagram = record(0xfefd, 0, &[fragment(1, 0, &first, 0, 80)]);
    datagram.extend_from_slice(&record(0xfefd, 1, &[fragment(1, 1, &second, 0, 40)]));
    let h = s.on_datagram(&datagram).unwrap().unwrap();
    assert_eq!((h.body, h.count), (&first[..], 1));
    let mut datagram = record(0xfefd, 2, &[fragment(1, 1, &second, 0, 90)]);
    datagram.extend_from_slice(&[22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 3, 0, 12, 1, 0, 0]);
    let h = s.on_datagram(&datagram).unwrap().unwrap();
    assert_eq!((h.body, h.count), (&second[..], 2));
}

#[test]
fn contradictions_and_bounds() {
    let hello = body(100, 4);
    let mut s = DtlsHelloStream::new(1);
    s.on_datagram(&record(0xfefd, 0, &[fragment(1, 0, &hello, 0, 50)]))
        .unwrap();
    // Same message_seq, another total length.
    let other = body(120, 4);
    assert_eq!(
        s.on_datagram(&record(0xfefd, 1, &[fragment(1, 0, &other, 50, 120)])),
        Err(Error::BadFragment { message_seq: 0 })
    );
    // A fragment running past its message.
    let mut bad = fragment(1, 0, &hello, 0, 10);
    bad[6..9].copy_from_slice(&[0, 0, 95]);
    assert_eq!(
        s.on_datagram(&record(0xfefd, 2, &[bad])),
        Err(Error::BadFragment { message_seq: 0 })
    );
    // A message larger than the bound.
    let mut huge = fragment(1, 5, &hello, 0, 10);
    huge[1..4].copy_from_slice(&[0x01, 0x00, 0x01]);
    assert!(matches!(
        s.on_datagram(&record(0xfefd, 3, &[huge])),
        Err(Error::HelloTooLarge { .. })
    ));
    // Not DTLS: truncated records, other versions.
    assert!(matches!(
        s.on_datagram(&[22, 0xfe, 0xfd, 0, 0]),
        Err(Error::Truncated { .. })
    ));
    assert_eq!(
        s.on_datagram(&record(0x0303, 0, &[])),
        Err(Error::NotDtlsHandshake)
    );
    assert!(!is_dtls_handshake(&record(
        0x0303,
        0,
        &[fragment(1, 0, &hello, 0, 10)]
    )));
    assert!(!is_dtls_handshake(&[
        0x17, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    ]));
}

/// A DTLS 1.3 server flight: the ServerHello in a plaintext record, then encrypted
/// records with the unified header (first bits 001), which end the walk quietly.
#[test]
fn dtls13_unified_header_ends_the_walk() {
    let sh = body(90, 9);
    let mut datagram = record(0xfefd, 0, &[fragment(2, 0, &sh, 0, 90)]);
    datagram.extend_from_slice(&[0x2c, 0x00, 0x01, 0x00, 0x10]);
    datagram.extend_from_slice(&[0x55; 16]);
    assert_eq!(Records::new(&datagram).count(), 1);
    let mut server = DtlsHelloStream::new(2);
    let h = server.on_datagram(&datagram).unwrap().unwrap();
    assert_eq!(h.body, &sh[..]);
}
