//! QUIC and DTLS hellos through the engine on frames built here from the specs, where no
//! oracle tool gives a JA4 (QUIC v2, drafts, Google T051, DTLS): the ClientHello of
//! RFC 9001 / RFC 9369 Appendix A.2 must give the JA4 and JA3 that the spec note
//! (../shared/spec/tls-quic-fingerprinting.md §2.2, §2.3) computes for it, whatever
//! carries it, with only JA4's first letter naming the transport.

use std::sync::Arc;

use p0fmod::observation::tls::TlsDetails;
use p0fmod::observation::{Details, Observation};
use p0fmod::{Database, Engine, Limits, Timestamp};
use p0fmod_quic::keys::InitialKeys;
use p0fmod_quic::protect::protect_initial;
use p0fmod_quic::version::version_params;

/// JA4 of the RFC 9001 A.2 ClientHello, after its first letter (spec note §2.2).
const JA4_REST: &str = "13d0211an_62ed6f6ca7ad_4d634acda6c0";
/// JA3 of the same hello (spec note §2.3).
const JA3: &str = "41bc9ae914d6cb3bd0bd0a5453ab7d7f";
const DCID: &str = "8394c8f03e515708";

fn hex(s: &str) -> Vec<u8> {
    let d: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    d.chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// The A.2 CRYPTO frame (ClientHello at offset 0).
fn crypto_frame() -> Vec<u8> {
    hex(include_str!("../../quic/tests/vectors/a2-crypto-frame.hex"))
}

/// Ethernet + IPv4 + UDP 49152 -> 443 around `payload` (link type 1).
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
    let tot = 28 + payload.len();
    f.extend_from_slice(&[
        0x45,
        0,
        (tot >> 8) as u8,
        tot as u8,
        0,
        0,
        0x40,
        0,
        64,
        17,
        0,
        0,
    ]);
    f.extend_from_slice(&[192, 0, 2, 1, 198, 51, 100, 7, 0xc0, 0x00, 0x01, 0xbb]);
    f.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(payload);
    f
}

/// The hello details the engine reports for these UDP payloads.
fn hellos(payloads: &[Vec<u8>]) -> Vec<TlsDetails<'static>> {
    let mut engine = Engine::new(Arc::new(Database::embedded()), Limits::default());
    let mut out = Vec::new();
    let mut add = |obs: &Observation<'_>| {
        if let Details::Tls(t) = &obs.details {
            out.push(t.clone().into_owned());
        }
    };
    for (i, p) in payloads.iter().enumerate() {
        let ts = Timestamp {
            sec: 1_700_000_000,
            usec: i as u32,
        };
        engine
            .process_frame(ts, 1, &frame(p), &mut add)
            .unwrap_err();
    }
    engine.finish(&mut add);
    out
}

fn check(details: &TlsDetails<'_>, prefix: &str) {
    let h = details.hello.as_ref().expect("complete hello");
    assert_eq!(
        h.ja4.as_ref().unwrap().ja4.as_str(),
        format!("{prefix}{JA4_REST}")
    );
    assert_eq!(h.ja3.as_ref().unwrap().1, JA3);
    assert_eq!(h.sni.as_deref(), Some("example.com"));
}

#[test]
fn rfc_initials_v1_and_v2() {
    for (name, version) in [("rfc9001", "v1"), ("rfc9369", "v2")] {
        let packet = match name {
            "rfc9001" => hex(include_str!(
                "../../quic/tests/vectors/rfc9001-a2-protected.hex"
            )),
            _ => hex(include_str!(
                "../../quic/tests/vectors/rfc9369-a2-protected.hex"
            )),
        };
        let got = hellos(&[packet]);
        assert_eq!(got.len(), 1, "{name}");
        check(&got[0], "q");
        assert_eq!(got[0].carriage.transport, "quic");
        let q = got[0].quic.as_ref().unwrap();
        assert_eq!(q.version_name(), version);
        assert_eq!(
            (q.dcid_len, q.scid_len, q.datagrams, q.packets, q.frames),
            (8, 0, 1, 1, 1)
        );
        assert_eq!(q.datagram_sizes, vec![1200]);
        assert_eq!(q.crypto_frames, vec![(0, 241)]);
        assert_eq!(q.transport_parameters, vec![4, 5, 7, 8, 1, 9, 15, 6]);
    }
}

#[test]
fn drafts_mvfst_and_google_t051() {
    let hello = &crypto_frame()[4..];
    for (version, name) in [
        (0xff00_001d_u32, "draft-29"),
        (0xff00_0017, "draft-23"),
        (0xface_b002, "0xfaceb002"),
        (0x709a_50c4, "0x709a50c4"),
        (0x5430_3531, "0x54303531"),
    ] {
        let params = version_params(version).unwrap();
        let keys = InitialKeys::derive(&params, &hex(DCID));
        // The hello in two CRYPTO frames, second half first, with the version's frame
        // type, over two datagrams.
        let frame_of = |offset: u8, data: &[u8]| {
            let mut f = vec![
                params.crypto_frame,
                0x40,
                offset,
                0x40 | (data.len() >> 8) as u8,
                data.len() as u8,
            ];
            f.extend_from_slice(data);
            f.resize(1100, 0);
            f
        };
        let (a, b) = hello.split_at(120);
        let mut d1 = Vec::new();
        protect_initial(
            &params,
            &keys.client,
            &hex(DCID),
            &[7],
            &[],
            0,
            2,
            &frame_of(120, b),
            &mut d1,
        );
        let mut d2 = Vec::new();
        protect_initial(
            &params,
            &keys.client,
            &hex(DCID),
            &[7],
            &[],
            1,
            2,
            &frame_of(0, a),
            &mut d2,
        );
        let got = hellos(&[d1, d2]);
        assert_eq!(got.len(), 1, "{name}");
        check(&got[0], "q");
        let q = got[0].quic.as_ref().unwrap();
        assert_eq!(q.version_name(), name);
        assert_eq!(
            (q.datagrams, q.packets, q.frames, q.out_of_order),
            (2, 2, 2, 1)
        );
    }
}

#[test]
fn dtls_client_hello_with_and_without_cookie() {
    // The RFC hello as a DTLS ClientHello body: an empty cookie after the session id.
    let tls_body = &crypto_frame()[8..];
    let sid_end = 2 + 32 + 1 + usize::from(tls_body[34]);
    let record = |seq: u16, cookie: &[u8]| {
        let mut body = tls_body[..sid_end].to_vec();
        body.push(cookie.len() as u8);
        body.extend_from_slice(cookie);
        body.extend_from_slice(&tls_body[sid_end..]);
        let n = body.len();
        let u24 = |v: usize| [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        // Two fragments in one record, the second first.
        let mut frags = Vec::new();
        for (s, e) in [(100, n), (0, 100)] {
            frags.push(1);
            frags.extend_from_slice(&u24(n));
            frags.extend_from_slice(&seq.to_be_bytes());
            frags.extend_from_slice(&u24(s));
            frags.extend_from_slice(&u24(e - s));
            frags.extend_from_slice(&body[s..e]);
        }
        let mut r = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, seq as u8];
        r.extend_from_slice(&(frags.len() as u16).to_be_bytes());
        r.extend_from_slice(&frags);
        r
    };
    let got = hellos(&[record(0, &[]), record(1, &[0xc0; 20])]);
    assert_eq!(got.len(), 2);
    for (d, retry) in got.iter().zip([false, true]) {
        check(d, "d");
        assert_eq!((d.carriage.transport, d.carriage.retry), ("dtls", retry));
        assert!(d.quic.is_none());
    }
}
