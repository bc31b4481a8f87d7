//! The record layer and the hello views on messages built in code.

mod support;

use p0fmod_tls::{
    ClientHello, Detection, Extracted, Framing, HelloFacts, ServerHello, detect, extract_handshake,
    hello::HELLO_RETRY_REQUEST_RANDOM, is_grease, split_handshake,
};
use support::*;

fn hello_body() -> Vec<u8> {
    client_hello(
        0x0303,
        &[0x0a0a, 0x1301, 0x1302],
        &[
            (0x0000, sni("host.example")),
            (0x0010, alpn(&[b"h2", b"http/1.1"])),
            (0x002b, versions(&[0x0304, 0x0303])),
            (0x000a, list16(&[0x2a2a, 0x11ec, 0x001d])),
            (0x0033, vec![0, 9, 0x11, 0xec, 0, 1, 7, 0, 0x1d, 0, 0]),
        ],
    )
}

/// Splits a handshake message into records of the given payload sizes (the last takes
/// the rest).
fn records(msg_type: u8, body: &[u8], sizes: &[usize]) -> Vec<u8> {
    let mut msg = vec![
        msg_type,
        (body.len() >> 16) as u8,
        (body.len() >> 8) as u8,
        body.len() as u8,
    ];
    msg.extend_from_slice(body);
    let mut out = Vec::new();
    let mut rest = &msg[..];
    for &n in sizes.iter().chain(std::iter::once(&usize::MAX)) {
        if rest.is_empty() {
            break;
        }
        let (part, tail) = rest.split_at(n.min(rest.len()));
        out.extend_from_slice(&[22, 3, 1, (part.len() >> 8) as u8, part.len() as u8]);
        out.extend_from_slice(part);
        rest = tail;
    }
    out
}

#[test]
fn detection_by_content() {
    let stream = record(1, &hello_body());
    assert_eq!(detect(&stream), Detection::Handshake { msg_type: Some(1) });
    assert_eq!(
        detect(&stream[..5]),
        Detection::Handshake { msg_type: None }
    );
    assert_eq!(detect(&stream[..2]), Detection::NeedMore);
    assert_eq!(detect(b"GET / HTTP/1.1\r\n"), Detection::NotTls);
    assert_eq!(detect(b"G"), Detection::NotTls);
    assert_eq!(detect(&[22, 3, 1, 0, 0]), Detection::NotTls); // empty record
    assert_eq!(detect(&[22, 3, 1, 0x48, 1]), Detection::NotTls); // longer than 2^14
    assert_eq!(detect(&[22, 2, 0, 0, 1]), Detection::NotTls);
    assert_eq!(detect(&[0x80, 0x2e, 1, 3, 1]), Detection::Sslv2ClientHello);
    assert_eq!(detect(&[0x80, 0x2e, 1, 0, 2]), Detection::Sslv2ClientHello);
    assert_eq!(detect(&[0x80, 0x2e, 2, 3, 1]), Detection::NotTls);
}

#[test]
fn one_record_is_zero_copy() {
    let body = hello_body();
    let stream = record(1, &body);
    let mut scratch = Vec::new();
    let Extracted::Complete(m) = extract_handshake(&stream, &mut scratch) else {
        panic!()
    };
    assert_eq!(m.body, &body[..]);
    assert_eq!(m.body.as_ptr(), stream[9..].as_ptr());
    assert_eq!(
        (m.msg_type, m.records, m.end, m.record_end),
        (1, 1, stream.len(), stream.len())
    );
    assert_eq!(
        m.framing,
        Framing::Tls {
            record_version: 0x0301
        }
    );
}

#[test]
fn split_over_records_is_copied() {
    let body = hello_body();
    for sizes in [&[2usize][..], &[4], &[10, 1, 30], &[1, 1, 1, 1, 1]] {
        let stream = records(1, &body, sizes);
        let mut scratch = Vec::new();
        let Extracted::Complete(m) = extract_handshake(&stream, &mut scratch) else {
            panic!("{sizes:?}")
        };
        assert_eq!(m.body, &body[..], "{sizes:?}");
        assert_eq!(m.records, sizes.len() + 1);
        assert_eq!(m.end, stream.len());
        // Every shorter prefix asks for more, and never for more than the whole.
        let mut scratch = Vec::new();
        for n in 0..stream.len() {
            match extract_handshake(&stream[..n], &mut scratch) {
                Extracted::NeedMore { wanted } => {
                    assert!(
                        wanted > n && wanted <= stream.len(),
                        "{sizes:?} {n} {wanted}"
                    )
                }
                other => panic!("{sizes:?} prefix {n}: {other:?}"),
            }
        }
    }
}

#[test]
fn message_followed_by_others_in_the_same_record() {
    let sh = server_hello(0x0303, [1; 32], 0xc02f, &[(0xff01, vec![0])]);
    let mut stream = record(2, &sh);
    // A Certificate message in the same record, not received yet in full.
    let cert = [11u8, 0, 0x10, 0];
    stream.extend_from_slice(&cert);
    let len = stream.len() - 5 + 0x1000;
    stream[3] = (len >> 8) as u8;
    stream[4] = len as u8;
    let mut scratch = Vec::new();
    let Extracted::Complete(m) = extract_handshake(&stream, &mut scratch) else {
        panic!()
    };
    assert_eq!(m.body, &sh[..]);
    assert_eq!(m.end, 9 + sh.len());
    assert_eq!(m.record_end, 5 + len);
    let hello = ServerHello::from_handshake(&m).unwrap();
    assert_eq!(hello.cipher_suite, 0xc02f);
    assert!(ClientHello::from_handshake(&m).is_err());
}

#[test]
fn limits_and_errors() {
    let mut scratch = Vec::new();
    // 20,000-byte ClientHello announced: reported, not buffered.
    let stream = [22, 3, 1, 0x40, 0, 1, 0, 0x4e, 0x20];
    assert_eq!(
        extract_handshake(&stream, &mut scratch),
        Extracted::TooLarge { length: 20_004 }
    );
    assert_eq!(
        extract_handshake(b"SSH-2.0-OpenSSH_9.2\r\n", &mut scratch),
        Extracted::NotTls
    );
    // An SSLv2 CLIENT-HELLO announcing 20,000 bytes (its 15-bit length allows 32,767).
    let v2 = [0x80 | 0x4e, 0x20, 1, 3, 1];
    assert_eq!(
        extract_handshake(&v2, &mut scratch),
        Extracted::TooLarge { length: 20_000 }
    );
    // The hello continues in an application-data record.
    let mut stream = records(1, &hello_body(), &[20]);
    stream[25] = 23;
    match extract_handshake(&stream, &mut scratch) {
        Extracted::Malformed(e) => assert_eq!(e.offset, 25),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        split_handshake(&[1, 0, 0, 2, 9, 9, 9]).unwrap(),
        (1, &[9u8, 9][..])
    );
    assert!(split_handshake(&[1, 0, 0, 4, 9]).is_err());
    assert!(split_handshake(&[1, 0]).is_err());
}

#[test]
fn client_hello_errors_name_the_field_and_offset() {
    let body = hello_body();
    let e = ClientHello::parse(&body[..20]).unwrap_err();
    assert_eq!((e.offset, e.what), (2, "random cut short"));
    let e = ClientHello::parse(&body[..body.len() - 1]).unwrap_err();
    assert!(e.what.contains("extension"), "{e}");
    let mut odd = body.clone();
    odd[36] = 5; // cipher_suites length 5
    assert_eq!(
        ClientHello::parse(&odd).unwrap_err().what,
        "cipher_suites length is odd"
    );
    assert_eq!(
        ClientHello::parse(&body[..body.len() - 1])
            .unwrap_err()
            .to_string(),
        "malformed TLS hello at byte 45: extensions length"
    );
}

#[test]
fn client_hello_helpers() {
    let body = hello_body();
    let h = ClientHello::parse(&body).unwrap();
    assert_eq!(h.server_name(), Some(&b"host.example"[..]));
    assert_eq!(
        h.alpn_protocols().collect::<Vec<_>>(),
        [&b"h2"[..], b"http/1.1"]
    );
    assert_eq!(h.supported_versions().collect::<Vec<_>>(), [0x0304, 0x0303]);
    assert_eq!(h.highest_version(), 0x0304);
    assert_eq!(h.key_share_groups().collect::<Vec<_>>(), [0x11ec, 0x001d]);
    assert_eq!(
        h.cipher_suites().collect::<Vec<_>>(),
        [0x0a0a, 0x1301, 0x1302]
    );
    assert_eq!(h.quic_transport_parameters(), None);
    let mut facts = HelloFacts::new();
    facts.fill_client(&h);
    assert!(facts.grease && facts.post_quantum);
    assert_eq!(facts.ciphers, [0x1301, 0x1302]);
    assert_eq!(facts.groups, [0x11ec, 0x001d]);
    assert_eq!(facts.versions, [0x0304, 0x0303]);
    assert_eq!(facts.extensions, [0x0000, 0x0010, 0x002b, 0x000a, 0x0033]);
    assert_eq!(facts.hello_len, body.len());
}

#[test]
fn dtls_client_hello_has_a_cookie() {
    let mut body = hello_body();
    body.splice(35..35, [3, 0xaa, 0xbb, 0xcc]);
    body[0] = 0xfe;
    body[1] = 0xfd;
    let h = ClientHello::parse_dtls(&body).unwrap();
    assert_eq!(h.cookie, [0xaa, 0xbb, 0xcc]);
    assert_eq!(h.cipher_suites().count(), 3);
    assert_eq!(h.server_name(), Some(&b"host.example"[..]));
}

#[test]
fn server_hello_views() {
    let body = server_hello(
        0x0303,
        HELLO_RETRY_REQUEST_RANDOM,
        0x1301,
        &[(0x2b, vec![3, 4]), (0x33, vec![0x11, 0xec])],
    );
    let h = ServerHello::parse(&body).unwrap();
    assert!(h.is_hello_retry_request());
    assert_eq!(
        (h.selected_version(), h.version(), h.key_share_group()),
        (Some(0x0304), 0x0304, Some(0x11ec))
    );
    let mut facts = HelloFacts::new();
    facts.fill_server(&h);
    assert!(facts.post_quantum);
    assert_eq!(facts.versions, [0x0304]);
    let body = server_hello(0x0303, [9; 32], 0xc02f, &[(0x10, alpn(&[b"h2"]))]);
    let h = ServerHello::parse(&body).unwrap();
    assert!(!h.is_hello_retry_request());
    assert_eq!(h.alpn_protocol(), Some(&b"h2"[..]));
    assert_eq!(h.alpn_raw(), b"\x02h2");
    assert_eq!(h.version(), 0x0303);
    // TLS 1.3 draft 18: no session id, no compression method.
    let mut draft = vec![0x7f, 0x12];
    draft.extend_from_slice(&[5; 32]);
    draft.extend_from_slice(&[0x13, 0x01]);
    draft.extend_from_slice(&ext_block(&[(0x28, vec![0, 0x1d, 0, 0])]));
    let h = ServerHello::parse(&draft).unwrap();
    assert_eq!((h.cipher_suite, h.extensions().count()), (0x1301, 1));
}

#[test]
fn grease_values() {
    let all: Vec<u16> = (0..=u16::MAX).filter(|&v| is_grease(v)).collect();
    assert_eq!(all.len(), 16);
    assert_eq!(all[0], 0x0a0a);
    assert_eq!(all[15], 0xfafa);
    assert!(all.iter().all(|v| v >> 8 == v & 0xff && v & 0x0f == 0x0a));
}

#[test]
fn zero_length_server_hello_is_malformed() {
    // The shape of mercury's afl_data-corner-cases frame 3 (docs/divergences.md T3): a
    // ServerHello whose header says 0 bytes, followed in the record by what tshark reads
    // as version 0x0000 and cipher 8565. The message is empty; its fields are not there.
    let mut stream = vec![22, 3, 3, 0, 40, 2, 0, 0, 0];
    stream.extend_from_slice(&[0; 4]);
    stream.extend_from_slice(&[0x7c; 28]);
    stream.extend_from_slice(&[0x21, 0x75, 0, 0]);
    let mut scratch = Vec::new();
    let Extracted::Complete(m) = extract_handshake(&stream, &mut scratch) else {
        panic!()
    };
    assert!(m.body.is_empty());
    assert_eq!(m.end, 9);
    let e = ServerHello::from_handshake(&m).unwrap_err();
    assert_eq!((e.offset, e.what), (0, "legacy_version cut short"));
}

#[test]
fn change_cipher_spec_before_the_second_client_hello_is_passed_over() {
    // TLS 1.3 middlebox compatibility: after a HelloRetryRequest the client sends
    // ChangeCipherSpec, then its second ClientHello (foxio-ja4__tls-sni.pcapng frame 60).
    let body = hello_body();
    let mut stream = vec![20, 3, 3, 0, 1, 1];
    stream.extend_from_slice(&record(1, &body));
    assert_eq!(detect(&stream), Detection::Handshake { msg_type: Some(1) });
    assert_eq!(detect(&stream[..4]), Detection::NeedMore);
    assert_eq!(detect(&stream[..6]), Detection::NeedMore);
    let mut scratch = Vec::new();
    let Extracted::Complete(m) = extract_handshake(&stream, &mut scratch) else {
        panic!()
    };
    assert_eq!(m.body, &body[..]);
    assert_eq!((m.end, m.record_end), (stream.len(), stream.len()));
    for n in 0..stream.len() {
        match extract_handshake(&stream[..n], &mut scratch) {
            Extracted::NeedMore { wanted } => assert!(wanted > n && wanted <= stream.len()),
            other => panic!("prefix {n}: {other:?}"),
        }
    }
    // Not a ChangeCipherSpec record (length 2), or followed by something else: not TLS.
    assert_eq!(detect(&[20, 3, 3, 0, 2, 1, 1]), Detection::NotTls);
    assert_eq!(
        detect(&[20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 10]),
        Detection::NotTls
    );
    assert_eq!(
        detect(&[20, 3, 3, 0, 1, 1, 0x80, 0x2e, 1, 3, 1]),
        Detection::NotTls
    );
    let v2 = [20, 3, 3, 0, 1, 1, 0x80, 0x09, 1, 3, 1, 0, 0, 0, 0, 0, 0];
    assert_eq!(extract_handshake(&v2, &mut scratch), Extracted::NotTls);
}

#[test]
fn tls_inside_openvpn_framing_is_not_tls_on_the_wire() {
    // OpenVPN over TCP (mercury__openvpn_tcp_multi.pcap): each packet is a 2-byte length,
    // an opcode (P_CONTROL_V1 = 4 << 3), the session id, an ACK list, a packet id, then a
    // piece of the TLS stream. The record layer sees no TLS record here; the engine
    // unwraps OpenVPN's control channel first (p0fmod's TLS state).
    let tls = record(1, &hello_body());
    let mut pkt = vec![4 << 3];
    pkt.extend_from_slice(&[0x11; 8]); // session id
    pkt.push(0); // no ACKs
    pkt.extend_from_slice(&[0, 0, 0, 1]); // packet id
    pkt.extend_from_slice(&tls);
    let mut stream = (pkt.len() as u16).to_be_bytes().to_vec();
    stream.extend_from_slice(&pkt);
    assert_eq!(detect(&stream), Detection::NotTls);
    let mut scratch = Vec::new();
    assert_eq!(extract_handshake(&stream, &mut scratch), Extracted::NotTls);
}
