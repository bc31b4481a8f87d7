//! The per-connection state on packets built here with the same crypto crates' encrypt
//! side ([`protect_initial`]): any split of a ClientHello into CRYPTO frames, in any order,
//! repeated or overlapping, over any number of Initial packets and datagrams, gives the
//! same hello; keys survive the client's DCID switch and follow a Retry; bogus Initials
//! leave no state.

use p0fmod_quic::conn::CLIENT_HELLO;
use p0fmod_quic::keys::InitialKeys;
use p0fmod_quic::protect::{protect_initial, push_crypto_frame};
use p0fmod_quic::version::{VERSION_1, VERSION_2, version_params};
use p0fmod_quic::{Error, MAX_HELLO, QuicConnection};
use proptest::prelude::*;

const ODCID: &[u8] = &[0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];
const CLIENT_SCID: &[u8] = &[0xc1, 0xc2, 0xc3, 0xc4];
const SERVER_SCID: &[u8] = &[0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e];

/// A handshake message of type `t` with a body of `len` bytes.
fn message(t: u8, len: usize) -> Vec<u8> {
    let mut m = vec![t, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    m.extend((0..len).map(|i| (i * 7 + 3) as u8));
    m
}

/// One client Initial packet carrying `frames` (offset, bytes), padded, appended to `out`.
fn client_initial(
    version: u32,
    key_dcid: &[u8],
    dcid: &[u8],
    pn: u64,
    payload: &[u8],
    out: &mut Vec<u8>,
) {
    let params = version_params(version).unwrap();
    let keys = InitialKeys::derive(&params, key_dcid);
    protect_initial(
        &params,
        &keys.client,
        dcid,
        CLIENT_SCID,
        &[],
        pn,
        2,
        payload,
        out,
    );
}

fn crypto_payload(hello: &[u8], frames: &[(usize, usize)], pings: bool) -> Vec<u8> {
    let mut p = Vec::new();
    for &(s, e) in frames {
        if pings {
            p.extend_from_slice(&[0x01, 0x00, 0x00]);
        }
        push_crypto_frame(&mut p, s as u64, &hello[s..e]);
    }
    p
}

#[derive(Debug, Clone)]
struct Plan {
    hello_len: usize,
    /// Frames as (start, end) byte ranges: a partition plus some repeated overlaps.
    frames: Vec<(usize, usize)>,
    /// Frames per packet, and packets per datagram.
    per_packet: Vec<usize>,
    per_datagram: Vec<usize>,
    pings: bool,
    version: u32,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        60usize..3000,
        prop::collection::vec(1usize..3000, 0..12),
        prop::collection::vec((0usize..3000, 1usize..400), 0..4),
    )
        .prop_flat_map(|(len, cuts, extra)| {
            let total = len + 4;
            let mut points: Vec<usize> = cuts
                .into_iter()
                .map(|c| c % total)
                .filter(|&c| c > 0)
                .collect();
            points.push(0);
            points.push(total);
            points.sort_unstable();
            points.dedup();
            let mut frames: Vec<(usize, usize)> = points.windows(2).map(|w| (w[0], w[1])).collect();
            for (s, l) in extra {
                let s = s % total;
                frames.push((s, (s + l).min(total)));
            }
            let n = frames.len();
            (
                Just(len),
                Just(frames).prop_shuffle(),
                prop::collection::vec(1usize..4, n),
                prop::collection::vec(1usize..3, n),
                any::<bool>(),
                prop_oneof![
                    Just(VERSION_1),
                    Just(VERSION_2),
                    Just(0xff00_001d),
                    Just(0xface_b002)
                ],
            )
        })
        .prop_map(
            |(hello_len, frames, per_packet, per_datagram, pings, version)| Plan {
                hello_len,
                frames,
                per_packet,
                per_datagram,
                pings,
                version,
            },
        )
}

/// Builds the datagrams of a plan: frames grouped into packets, packets coalesced into
/// datagrams; the first packet uses the original DCID, the later ones the server's
/// (the DCID switch), all with the original DCID's keys.
fn datagrams(plan: &Plan, hello: &[u8]) -> (Vec<Vec<u8>>, usize) {
    let mut packets = Vec::new();
    let mut i = 0;
    let mut k = 0;
    while i < plan.frames.len() {
        let n = plan.per_packet[k].min(plan.frames.len() - i);
        packets.push(crypto_payload(hello, &plan.frames[i..i + n], plan.pings));
        i += n;
        k += 1;
    }
    let npackets = packets.len();
    let mut out = Vec::new();
    let mut pn = 0u64;
    let mut j = 0;
    let mut d = 0;
    while j < packets.len() {
        let n = plan.per_datagram[d].min(packets.len() - j);
        let mut datagram = Vec::new();
        for p in &packets[j..j + n] {
            let dcid = if pn == 0 { ODCID } else { SERVER_SCID };
            client_initial(plan.version, ODCID, dcid, pn, p, &mut datagram);
            pn += 1;
        }
        out.push(datagram);
        j += n;
        d += 1;
    }
    (out, npackets)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_split_any_order_same_hello(plan in plan()) {
        let hello = message(CLIENT_HELLO, plan.hello_len);
        let (datagrams, npackets) = datagrams(&plan, &hello);
        let mut conn = QuicConnection::new();
        let mut scratch = vec![0u8; 65536];
        for d in &datagrams {
            let report = conn.on_datagram(true, d, &mut scratch).unwrap();
            prop_assert_eq!(report.error, None);
        }
        prop_assert_eq!(conn.client().message(), Some(&hello[..]));
        prop_assert_eq!(conn.version(), plan.version);
        prop_assert_eq!(conn.original_dcid(), ODCID);
        let split = conn.client().split();
        prop_assert_eq!(usize::from(split.frames), plan.frames.len());
        prop_assert_eq!(usize::from(split.packets), npackets);
        prop_assert_eq!(usize::from(split.datagrams), datagrams.len());
        prop_assert_eq!(split.sizes()[0] as usize, datagrams[0].len());
        prop_assert_eq!(conn.client().conflicts(), 0);
    }
}

#[test]
fn server_hello_after_dcid_switch() {
    let hello = message(CLIENT_HELLO, 1500);
    let mut conn = QuicConnection::new();
    let mut scratch = vec![0u8; 4096];
    let mut d = Vec::new();
    client_initial(
        VERSION_1,
        ODCID,
        ODCID,
        0,
        &crypto_payload(&hello, &[(0, 1000)], false),
        &mut d,
    );
    conn.on_datagram(true, &d, &mut scratch).unwrap();
    assert!(conn.client().message().is_none());
    assert_eq!(conn.client().progress(), (1000, Some(1504)));
    // The server answers from its own connection ID; its keys come from the client's
    // original DCID.
    let params = version_params(VERSION_1).unwrap();
    let keys = InitialKeys::derive(&params, ODCID);
    let server_hello = message(2, 90);
    let mut payload = vec![0x02, 0x00, 0x00, 0x00, 0x00];
    push_crypto_frame(&mut payload, 0, &server_hello);
    let mut s = Vec::new();
    protect_initial(
        &params,
        &keys.server,
        CLIENT_SCID,
        SERVER_SCID,
        &[],
        0,
        1,
        &payload,
        &mut s,
    );
    conn.on_datagram(false, &s, &mut scratch).unwrap();
    assert_eq!(conn.server().message(), Some(&server_hello[..]));
    // The client's next Initial goes to the server's SCID, still with the first keys.
    let mut d2 = Vec::new();
    client_initial(
        VERSION_1,
        ODCID,
        SERVER_SCID,
        1,
        &crypto_payload(&hello, &[(1000, 1504)], false),
        &mut d2,
    );
    conn.on_datagram(true, &d2, &mut scratch).unwrap();
    assert_eq!(conn.client().message(), Some(&hello[..]));
    assert_eq!(conn.original_dcid(), ODCID);
    assert_eq!(conn.client_scid(), CLIENT_SCID);
}

#[test]
fn retry_replaces_the_keys() {
    let hello = message(CLIENT_HELLO, 300);
    let mut conn = QuicConnection::new();
    let mut scratch = vec![0u8; 4096];
    let mut d = Vec::new();
    client_initial(
        VERSION_2,
        ODCID,
        ODCID,
        0,
        &crypto_payload(&hello, &[(0, 304)], false),
        &mut d,
    );
    conn.on_datagram(true, &d, &mut scratch).unwrap();
    assert!(conn.client().is_complete());
    // RFC 9369 A.4's Retry: new SCID f067a5502a4262b5, token "token".
    let retry_scid = [0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5];
    let mut retry = vec![0xcf, 0x6b, 0x33, 0x43, 0xcf, 0x00, 0x08];
    retry.extend_from_slice(&retry_scid);
    retry.extend_from_slice(b"token");
    retry.extend_from_slice(&[
        0xc8, 0x64, 0x6c, 0xe8, 0xbf, 0xe3, 0x39, 0x52, 0xd9, 0x55, 0x54, 0x36, 0x65, 0xdc, 0xc7,
        0xb6,
    ]);
    let report = conn.on_datagram(false, &retry, &mut scratch).unwrap();
    assert!(report.retry && conn.retried());
    assert!(!conn.client().is_complete());
    assert_eq!(conn.original_dcid(), &retry_scid);
    // The hello again, to the Retry's SCID with keys from it, split in two this time.
    let second = message(CLIENT_HELLO, 320);
    let mut d2 = Vec::new();
    client_initial(
        VERSION_2,
        &retry_scid,
        &retry_scid,
        1,
        &crypto_payload(&second, &[(100, 324), (0, 100)], false),
        &mut d2,
    );
    conn.on_datagram(true, &d2, &mut scratch).unwrap();
    assert_eq!(conn.client().message(), Some(&second[..]));
    // A packet still under the old keys does not decrypt any more.
    let mut old = Vec::new();
    client_initial(
        VERSION_2,
        ODCID,
        &retry_scid,
        2,
        &crypto_payload(&second, &[(0, 10)], false),
        &mut old,
    );
    // (taken for a new connection on the same 5-tuple, whose own DCID gives the keys)
    assert_eq!(
        conn.on_datagram(true, &old, &mut scratch),
        Err(Error::DecryptFailed)
    );
}

#[test]
fn bogus_initials_leave_no_state() {
    let params = version_params(VERSION_1).unwrap();
    // A valid header, a garbage payload.
    let mut d = vec![0xc3, 0, 0, 0, 1, 8];
    d.extend_from_slice(ODCID);
    d.extend_from_slice(&[0, 0, 0x44, 0x9e]);
    d.resize(1200, 0xab);
    let mut conn = QuicConnection::new();
    let mut scratch = vec![0u8; 2048];
    assert_eq!(
        conn.on_datagram(true, &d, &mut scratch),
        Err(Error::DecryptFailed)
    );
    assert_eq!(conn, QuicConnection::new());
    // A server Initial with no client Initial before it: no keys.
    let keys = InitialKeys::derive(&params, ODCID);
    let mut s = Vec::new();
    protect_initial(
        &params,
        &keys.server,
        CLIENT_SCID,
        SERVER_SCID,
        &[],
        0,
        1,
        &[0x01],
        &mut s,
    );
    assert_eq!(
        conn.on_datagram(false, &s, &mut scratch),
        Err(Error::NoKeys)
    );
    // Short headers, version negotiation and unknown versions are turned away.
    assert_eq!(
        conn.on_datagram(true, &[0x40; 30], &mut scratch),
        Err(Error::ShortHeader)
    );
    assert_eq!(
        conn.on_datagram(true, &[0xc0, 0, 0, 0, 0, 0, 0], &mut scratch),
        Err(Error::VersionNegotiation)
    );
    assert_eq!(conn, QuicConnection::new());
}

#[test]
fn hello_bounds() {
    let mut conn = QuicConnection::new();
    let mut scratch = vec![0u8; 4096];
    // A "hello" announcing more than MAX_HELLO bytes stops this direction.
    let mut payload = Vec::new();
    let len = MAX_HELLO;
    push_crypto_frame(
        &mut payload,
        0,
        &[CLIENT_HELLO, (len >> 16) as u8, (len >> 8) as u8, len as u8],
    );
    let mut d = Vec::new();
    client_initial(VERSION_1, ODCID, ODCID, 0, &payload, &mut d);
    let report = conn.on_datagram(true, &d, &mut scratch).unwrap();
    assert_eq!(
        report.error,
        Some(Error::HelloTooLarge { len: MAX_HELLO + 4 })
    );
    assert_eq!(
        conn.client().error(),
        Some(Error::HelloTooLarge { len: MAX_HELLO + 4 })
    );
    // A ServerHello from the client is not a ClientHello.
    let mut conn = QuicConnection::new();
    let mut payload = Vec::new();
    push_crypto_frame(&mut payload, 0, &message(2, 10));
    let mut d = Vec::new();
    client_initial(VERSION_1, ODCID, ODCID, 0, &payload, &mut d);
    let report = conn.on_datagram(true, &d, &mut scratch).unwrap();
    assert_eq!(
        report.error,
        Some(Error::UnexpectedHandshake { msg_type: 2 })
    );
    assert!(conn.client().message().is_none());
}
