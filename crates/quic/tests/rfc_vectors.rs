//! The sample packet protection of RFC 9001 Appendix A (QUIC v1) and RFC 9369 Appendix A
//! (QUIC v2), byte for byte: secrets, keys, IVs, header-protection keys and masks, the
//! protected client and server Initials decrypted to the RFC's plaintext, and the same
//! packets rebuilt from the plaintext. The hex files in tests/vectors/ are the RFCs'
//! dumps as printed there; the values below are the RFCs' own.

use p0fmod_quic::conn::{CLIENT_HELLO, SERVER_HELLO};
use p0fmod_quic::frame::{Frame, Frames};
use p0fmod_quic::keys::{InitialKeys, InitialSecrets, KeyMaterial};
use p0fmod_quic::protect::protect_initial;
use p0fmod_quic::version::{
    Labels, LongType, VERSION_1, VERSION_2, VERSION_2_DRAFT, version_params,
};
use p0fmod_quic::{Datagram, QuicConnection, open_initial, parse_long_header};

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

const DCID: &str = "8394c8f03e515708";

struct Expected {
    version: u32,
    initial: &'static str,
    client_secret: &'static str,
    client: [&'static str; 3],
    server_secret: &'static str,
    server: [&'static str; 3],
    client_header: &'static str,
    client_sample_mask: [&'static str; 2],
    client_protected: &'static str,
    server_header: &'static str,
    server_sample_mask: [&'static str; 2],
    server_protected: &'static str,
}

const V1: Expected = Expected {
    version: VERSION_1,
    initial: "7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44",
    client_secret: "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea",
    client: [
        "1f369613dd76d5467730efcbe3b1a22d",
        "fa044b2f42a3fd3b46fb255c",
        "9f50449e04a0e810283a1e9933adedd2",
    ],
    server_secret: "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b",
    server: [
        "cf3a5331653c364c88f0f379b6067e37",
        "0ac1493ca1905853b0bba03e",
        "c206b8d9b9f0f37644430b490eeaa314",
    ],
    client_header: "c300000001088394c8f03e5157080000449e00000002",
    client_sample_mask: ["d1b1c98dd7689fb8ec11d242b123dc9b", "437b9aec36"],
    client_protected: include_str!("vectors/rfc9001-a2-protected.hex"),
    server_header: "c1000000010008f067a5502a4262b50040750001",
    server_sample_mask: ["2cd0991cd25b0aac406a5816b6394100", "2ec0d8356a"],
    server_protected: include_str!("vectors/rfc9001-a3-protected.hex"),
};

const V2: Expected = Expected {
    version: VERSION_2,
    initial: "2062e8b3cd8d52092614b8071d0aa1fb7c2e3ac193f78b280e72d8f5751f6aba",
    client_secret: "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b",
    client: [
        "8b1a0bc121284290a29e0971b5cd045d",
        "91f73e2351d8fa91660e909f",
        "45b95e15235d6f45a6b19cbcb0294ba9",
    ],
    server_secret: "0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1",
    server: [
        "82db637861d55e1d011f19ea71d5d2a7",
        "dd13c276499c0249d3310652",
        "edf6d05c83121201b436e16877593c3a",
    ],
    client_header: "d36b3343cf088394c8f03e5157080000449e00000002",
    client_sample_mask: ["ffe67b6abcdb4298b485dd04de806071", "94a0c95e80"],
    client_protected: include_str!("vectors/rfc9369-a2-protected.hex"),
    server_header: "d16b3343cf0008f067a5502a4262b50040750001",
    server_sample_mask: ["6f05d8a4398c47089698baeea26b91eb", "4dd92e91ea"],
    server_protected: include_str!("vectors/rfc9369-a3-protected.hex"),
};

/// The A.2 plaintext: the CRYPTO frame, then PADDING to 1162 bytes.
fn client_plaintext() -> Vec<u8> {
    let mut p = hex(include_str!("vectors/a2-crypto-frame.hex"));
    p.resize(1162, 0);
    p
}

fn server_plaintext() -> Vec<u8> {
    hex(include_str!("vectors/a3-server-payload.hex"))
}

fn check_keys(e: &Expected) {
    let params = version_params(e.version).unwrap();
    let secrets = InitialSecrets::derive(&params, &hex(DCID));
    assert_eq!(secrets.initial.to_vec(), hex(e.initial));
    assert_eq!(secrets.client.to_vec(), hex(e.client_secret));
    assert_eq!(secrets.server.to_vec(), hex(e.server_secret));
    let keys = InitialKeys::derive(&params, &hex(DCID));
    for (k, want) in [(keys.client, e.client), (keys.server, e.server)] {
        assert_eq!(k.key.to_vec(), hex(want[0]));
        assert_eq!(k.iv.to_vec(), hex(want[1]));
        assert_eq!(k.hp.to_vec(), hex(want[2]));
    }
    for (k, [sample, mask]) in [
        (keys.client, e.client_sample_mask),
        (keys.server, e.server_sample_mask),
    ] {
        let sample: [u8; 16] = hex(sample).try_into().unwrap();
        assert_eq!(k.header_mask(&sample).to_vec(), hex(mask));
    }
}

fn check_client_initial(e: &Expected) {
    let packet = hex(e.client_protected);
    assert_eq!(packet.len(), 1200);
    let header = parse_long_header(&packet).unwrap();
    assert_eq!(header.kind, LongType::Initial);
    assert_eq!(header.dcid, &hex(DCID)[..]);
    assert!(header.scid.is_empty() && header.token.is_empty());
    assert_eq!(header.len, 1200);
    let keys = InitialKeys::derive(&header.params, header.dcid);
    let mut scratch = vec![0u8; 2048];
    let opened = open_initial(&packet, &header, &keys.client, None, &mut scratch).unwrap();
    assert_eq!(opened.packet_number, 2);
    assert_eq!(opened.header, &hex(e.client_header)[..]);
    assert_eq!(opened.payload, &client_plaintext()[..]);
    // The server's keys do not open the client's packet.
    let mut scratch2 = vec![0u8; 2048];
    assert!(open_initial(&packet, &header, &keys.server, None, &mut scratch2).is_err());

    // Rebuilt from the plaintext: the same 1200 bytes.
    let mut rebuilt = Vec::new();
    protect_initial(
        &header.params,
        &keys.client,
        &hex(DCID),
        &[],
        &[],
        2,
        4,
        &client_plaintext(),
        &mut rebuilt,
    );
    assert_eq!(rebuilt, packet);
}

fn check_server_initial(e: &Expected) {
    let packet = hex(e.server_protected);
    assert_eq!(packet.len(), 135);
    let header = parse_long_header(&packet).unwrap();
    assert_eq!(header.kind, LongType::Initial);
    assert!(header.dcid.is_empty());
    assert_eq!(header.scid, &hex("f067a5502a4262b5")[..]);
    let keys = InitialKeys::derive(&header.params, &hex(DCID));
    let mut scratch = [0u8; 512];
    let opened = open_initial(&packet, &header, &keys.server, None, &mut scratch).unwrap();
    assert_eq!(opened.packet_number, 1);
    assert_eq!(opened.pn_len, 2);
    assert_eq!(opened.header, &hex(e.server_header)[..]);
    assert_eq!(opened.payload, &server_plaintext()[..]);
    let frames: Vec<_> = Frames::new(opened.payload)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames[0], Frame::Ack { largest: 0 });
    assert!(
        matches!(frames[1], Frame::Crypto { offset: 0, data } if data.len() == 0x5a && data[0] == SERVER_HELLO)
    );

    let mut rebuilt = Vec::new();
    protect_initial(
        &header.params,
        &keys.server,
        &[],
        &hex("f067a5502a4262b5"),
        &[],
        1,
        2,
        &server_plaintext(),
        &mut rebuilt,
    );
    assert_eq!(rebuilt, packet);
}

/// Both Initials through the connection state: the ClientHello and the ServerHello come
/// out whole, the server's keys taken from the client's original DCID.
fn check_connection(e: &Expected) {
    let mut conn = QuicConnection::new();
    let mut scratch = vec![0u8; 2048];
    let r = conn
        .on_datagram(true, &hex(e.client_protected), &mut scratch)
        .unwrap();
    assert!(r.error.is_none() && r.initials == 1 && r.completed);
    let hello = conn.client().message().unwrap();
    assert_eq!(hello[0], CLIENT_HELLO);
    assert_eq!(
        hello,
        &hex(include_str!("vectors/a2-crypto-frame.hex"))[4..]
    );
    assert_eq!(conn.version(), e.version);
    assert_eq!(conn.original_dcid(), &hex(DCID)[..]);
    let split = conn.client().split();
    assert_eq!((split.datagrams, split.packets, split.frames), (1, 1, 1));
    assert_eq!(split.sizes(), &[1200]);
    assert_eq!(split.frames_logged(), &[(0, 241)]);

    conn.on_datagram(false, &hex(e.server_protected), &mut scratch)
        .unwrap();
    let server_hello = conn.server().message().unwrap();
    assert_eq!(server_hello, &server_plaintext()[9..]);
}

#[test]
fn rfc9001_keys() {
    check_keys(&V1);
}

#[test]
fn rfc9001_client_initial() {
    check_client_initial(&V1);
}

#[test]
fn rfc9001_server_initial() {
    check_server_initial(&V1);
}

#[test]
fn rfc9001_connection() {
    check_connection(&V1);
}

#[test]
fn rfc9369_keys() {
    check_keys(&V2);
}

#[test]
fn rfc9369_client_initial() {
    check_client_initial(&V2);
}

#[test]
fn rfc9369_server_initial() {
    check_server_initial(&V2);
}

#[test]
fn rfc9369_connection() {
    check_connection(&V2);
}

/// The HKDF labels printed in RFC 9001 A.1 and RFC 9369 A.1, through the v2 draft's
/// keys (draft-ietf-quic-v2-04 Appendix A.1, version 0x709a50c4, its own salt).
#[test]
fn v2_draft_keys() {
    let params = version_params(VERSION_2_DRAFT).unwrap();
    assert_eq!(params.labels, Labels::V2);
    let secrets = InitialSecrets::derive(&params, &hex(DCID));
    assert_eq!(
        secrets.initial.to_vec(),
        hex("ddfcb7b82a430b7845210ad64b406977ed51b269a14bc69aa9ea9b366fa3b06b")
    );
    assert_eq!(
        secrets.client.to_vec(),
        hex("9fe72e1452e91f551b770005054034e47575d4a0fb4c27b7c6cb303a338423ae")
    );
    let c = KeyMaterial::from_secret(Labels::V2, &secrets.client);
    assert_eq!(c.key.to_vec(), hex("95df2be2e8d549c82e996fc9339f4563"));
    assert_eq!(c.iv.to_vec(), hex("ea5e3c95f933db14b7020ad8"));
    assert_eq!(c.hp.to_vec(), hex("091efb735702447d07908f6501845794"));
    let s = KeyMaterial::from_secret(Labels::V2, &secrets.server);
    assert_eq!(s.key.to_vec(), hex("15d5b4d9a2b8916aa39b1bfe574d2aad"));
    assert_eq!(s.iv.to_vec(), hex("a85e7ac31cd275cbb095c626"));
    assert_eq!(s.hp.to_vec(), hex("b13861cfadbb9d11ff942dd80c8fc33b"));
}

/// RFC 9001 A.4 and RFC 9369 A.4: the Retry packets parse as Retry, with the new
/// connection ID and the token "token".
#[test]
fn retry_packets() {
    for (packet, version) in [
        (
            "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba",
            VERSION_1,
        ),
        (
            "cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe3395 2d955543665dcc7b6",
            VERSION_2,
        ),
    ] {
        let packet = hex(packet);
        let header = parse_long_header(&packet).unwrap();
        assert_eq!(header.params.version, version);
        assert_eq!(header.kind, LongType::Retry);
        assert_eq!(header.scid, &hex("f067a5502a4262b5")[..]);
        assert_eq!(header.token, b"token");
        assert_eq!(Datagram::new(&packet).count(), 1);
    }
}
