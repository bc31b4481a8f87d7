//! JA4, JA3 and JA3S on hellos built in code: one test per rule of the JA4 spec
//! (`../shared/spec/tls-quic-fingerprinting.md` §2.2) and the spec's verified vectors,
//! plus published fingerprints of real browsers.

mod support;

use p0fmod_tls::{ClientHello, Transport, ja3, ja4, ja4_r, ja4_ro};
use support::*;

/// Chrome 143 as browserleaks.com reported it (JA4 in all four forms and JA3, computed by
/// that service, not by us), rebuilt field by field, with GREASE added where Chrome sends it.
fn chrome_143() -> Vec<u8> {
    let mut ciphers = vec![0x2a2a];
    ciphers.extend(hex_list(
        "1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035",
    ));
    let mut exts: Vec<(u16, Vec<u8>)> = vec![(0x0a0a, vec![])];
    for t in
        hex_list("002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b")
    {
        let data = match t {
            0x0000 => sni("tls.browserleaks.com"),
            0x0010 => alpn(&[b"h2", b"http/1.1"]),
            0x000a => list16(&[0x3a3a, 0x11ec, 0x001d, 0x0017, 0x0018]),
            0x000b => vec![1, 0],
            0x000d => list16(&hex_list("0403,0804,0401,0503,0805,0501,0806,0601")),
            0x002b => versions(&[0x7a7a, 0x0304, 0x0303]),
            0x0033 => vec![0, 10, 0x3a, 0x3a, 0, 1, 0, 0x00, 0x1d, 0, 1, 9],
            _ => vec![],
        };
        exts.push((t, data));
    }
    exts.push((0xfafa, vec![0]));
    client_hello(0x0303, &ciphers, &exts)
}

#[test]
fn chrome_143_all_forms_and_ja3() {
    let body = chrome_143();
    let hello = ClientHello::parse(&body).unwrap();
    let h = ja4(&hello, Transport::Tcp);
    assert_eq!(h.ja4.as_str(), "t13d1516h2_8daaf6152771_d8a2da3f94cd");
    assert_eq!(h.ja4_o.as_str(), "t13d1516h2_acb858a92679_f96a17c57971");
    let mut s = String::new();
    ja4_r(&hello, Transport::Tcp, &mut s);
    assert_eq!(
        s,
        "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,fe0d,ff01_0403,0804,0401,0503,0805,0501,0806,0601"
    );
    ja4_ro(&hello, Transport::Tcp, &mut s);
    assert_eq!(
        s,
        "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b_0403,0804,0401,0503,0805,0501,0806,0601"
    );
    let md5 = ja3(&hello, &mut s).unwrap();
    assert_eq!(
        s,
        "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0"
    );
    assert_eq!(md5.as_str(), "98487aa16281980e7d1120d399efb6a4");
}

const SPEC_CIPHERS: &str =
    "1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035";
const SPEC_SIGALGS: &str = "0403,0804,0401,0503,0805,0501,0806,0601";

/// The spec note's vector (§2.2; the extension order of FoxIO's `JA4.md` example
/// `ja4_ro`): 15 ciphers, 16 extensions with SNI and ALPN `h2`,
/// supported_versions TLS 1.3, and the given signature algorithms (`None`: extension
/// 0x000d present with an empty list).
fn spec_hello(sigalgs: Option<&str>, grease: bool) -> Vec<u8> {
    let mut ciphers = hex_list(SPEC_CIPHERS);
    let mut exts: Vec<(u16, Vec<u8>)> = Vec::new();
    for t in
        hex_list("001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015")
    {
        let data = match t {
            0x0000 => sni("example.com"),
            0x0010 => alpn(&[b"h2", b"http/1.1"]),
            0x000d => {
                let mut s = sigalgs.map(hex_list).unwrap_or_default();
                if grease {
                    s.insert(0, 0x1a1a);
                    s.push(0xeaea);
                }
                list16(&s)
            }
            0x002b if grease => versions(&[0x5a5a, 0x0304, 0x0303]),
            0x002b => versions(&[0x0304, 0x0303]),
            0x000a if grease => list16(&[0x4a4a, 0x001d, 0x0017]),
            0x000a => list16(&[0x001d, 0x0017]),
            _ => vec![],
        };
        exts.push((t, data));
        if grease && t == 0x0012 {
            exts.push((0xdada, vec![0]));
        }
    }
    if grease {
        ciphers.insert(0, 0x0a0a);
        ciphers.insert(7, 0xbaba);
        exts.insert(0, (0x2a2a, vec![]));
        exts.push((0xfafa, vec![0]));
    }
    client_hello(0x0303, &ciphers, &exts)
}

fn ja4_of(body: &[u8], t: Transport) -> (String, String) {
    let h = ja4(&ClientHello::parse(body).unwrap(), t);
    (h.ja4.as_str().to_string(), h.ja4_o.as_str().to_string())
}

#[test]
fn spec_vector_sorted_hashes() {
    let (j, o) = ja4_of(&spec_hello(Some(SPEC_SIGALGS), false), Transport::Tcp);
    assert_eq!(j, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    assert_eq!(o, "t13d1516h2_acb858a92679_18f69afefd3d");
    let mut ro = String::new();
    let body = spec_hello(Some(SPEC_SIGALGS), false);
    ja4_ro(&ClientHello::parse(&body).unwrap(), Transport::Tcp, &mut ro);
    assert_eq!(
        ro,
        "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601"
    );
}

#[test]
fn spec_vector_without_signature_algorithms_has_no_underscore() {
    let (j, _) = ja4_of(&spec_hello(None, false), Transport::Tcp);
    assert_eq!(j, "t13d1516h2_8daaf6152771_6d807ffa2a79");
    let mut r = String::new();
    ja4_r(
        &ClientHello::parse(&spec_hello(None, false)).unwrap(),
        Transport::Tcp,
        &mut r,
    );
    assert!(r.ends_with(",0033,4469,ff01"), "{r}");
}

#[test]
fn grease_anywhere_changes_nothing() {
    // GREASE in ciphers, extensions, supported_versions, groups and (Chrome 152)
    // signature_algorithms.
    let plain = ClientHello::parse(&spec_hello(Some(SPEC_SIGALGS), false))
        .unwrap()
        .len();
    let body = spec_hello(Some(SPEC_SIGALGS), true);
    assert!(ClientHello::parse(&body).unwrap().len() > plain);
    let (j, o) = ja4_of(&body, Transport::Tcp);
    let (j0, o0) = ja4_of(&spec_hello(Some(SPEC_SIGALGS), false), Transport::Tcp);
    assert_eq!((j, o), (j0, o0));
    let hello = ClientHello::parse(&body).unwrap();
    let mut r = String::new();
    ja4_ro(&hello, Transport::Tcp, &mut r);
    assert!(
        !r.contains("1a1a") && !r.contains("0a0a") && !r.contains("fafa"),
        "{r}"
    );
}

#[test]
fn transport_prefix() {
    let body = spec_hello(Some(SPEC_SIGALGS), false);
    assert!(ja4_of(&body, Transport::Quic).0.starts_with("q13d"));
    assert!(ja4_of(&body, Transport::Dtls).0.starts_with("d13d"));
}

fn minimal(version: u16, exts: &[(u16, Vec<u8>)]) -> String {
    let body = client_hello(version, &[0x1301], exts);
    ja4(&ClientHello::parse(&body).unwrap(), Transport::Tcp)
        .ja4
        .as_str()[..10]
        .to_string()
}

#[test]
fn version_from_supported_versions_else_legacy() {
    assert_eq!(minimal(0x0303, &[]), "t12i010000");
    assert_eq!(minimal(0x0301, &[]), "t10i010000");
    assert_eq!(minimal(0x0302, &[]), "t11i010000");
    assert_eq!(minimal(0x0300, &[]), "ts3i010000");
    assert_eq!(minimal(0x0002, &[]), "ts2i010000");
    // Highest non-GREASE entry, wherever it is in the list.
    assert_eq!(
        minimal(0x0303, &[(0x2b, versions(&[0x0303, 0x0304, 0x3a3a]))]),
        "t13i010100"
    );
    assert_eq!(
        minimal(0x0303, &[(0x2b, versions(&[0x0303]))]),
        "t12i010100"
    );
    // DTLS: 0xfefc (1.3) is newer than 0xfefd (1.2) although smaller.
    assert_eq!(minimal(0xfefd, &[]), "td2i010000");
    assert_eq!(minimal(0xfeff, &[]), "td1i010000");
    assert_eq!(
        minimal(0xfefd, &[(0x2b, versions(&[0xfefd, 0xfefc]))]),
        "td3i010100"
    );
    // Drafts and unknown versions are outside JA4's table: 00.
    assert_eq!(
        minimal(0x0303, &[(0x2b, versions(&[0x7f1c, 0x0304]))]),
        "t00i010100"
    );
    assert_eq!(minimal(0x1234, &[]), "t00i010000");
    // Only GREASE in supported_versions: legacy_version.
    assert_eq!(
        minimal(0x0303, &[(0x2b, versions(&[0x0a0a]))]),
        "t12i010100"
    );
}

#[test]
fn sni_flag_is_presence_of_the_extension() {
    assert_eq!(minimal(0x0303, &[(0x0000, sni("a.example"))]), "t12d010100");
    assert_eq!(minimal(0x0303, &[(0x0000, vec![])]), "t12d010100");
    assert_eq!(minimal(0x0303, &[(0x0017, vec![])]), "t12i010100");
}

#[test]
fn alpn_rules() {
    use p0fmod_tls::alpn_code;
    let cases: &[(&[u8], &str)] = &[
        (b"h2", "h2"),
        (b"http/1.1", "h1"),
        (b"h3", "h3"),
        (b"a", "aa"),
        (b"7", "77"),
        (&[0xab], "ab"),
        (&[0x20], "20"),
        (&[0xab, 0xcd], "ad"),
        (&[0x20, 0x61], "21"),
        (&[0x30, 0xab], "3b"),
        (&[0x61, 0x20], "60"),
        (&[0x30, 0x31, 0xab, 0xcd], "3d"),
        (&[0x30, 0xab, 0xcd, 0x31], "01"),
        (&[0xba, 0xad], "bd"),
        (b"", "00"),
    ];
    for (name, want) in cases {
        assert_eq!(&alpn_code(Some(name)), want.as_bytes(), "{name:?}");
        let got = minimal(0x0303, &[(0x0010, alpn(&[name]))]);
        assert_eq!(&got[8..], *want, "{name:?} in a hello");
    }
    assert_eq!(&alpn_code(None), b"00");
    // Absent, empty list, first name empty: 00; only the first name counts.
    assert_eq!(minimal(0x0303, &[]), "t12i010000");
    assert_eq!(minimal(0x0303, &[(0x0010, alpn(&[]))]), "t12i010100");
    assert_eq!(minimal(0x0303, &[(0x0010, vec![])]), "t12i010100");
    assert_eq!(
        minimal(0x0303, &[(0x0010, alpn(&[b"", b"h2"]))]),
        "t12i010100"
    );
    assert_eq!(
        minimal(0x0303, &[(0x0010, alpn(&[b"http/1.1", b"h2"]))]),
        "t12i0101h1"
    );
}

#[test]
fn empty_lists_hash_to_zeros() {
    // No ciphers, no extensions (the shape of an SSLv2-era TLS 1.0 hello).
    let body = client_hello(0x0301, &[], &[]);
    let hello = ClientHello::parse(&body).unwrap();
    let h = ja4(&hello, Transport::Tcp);
    assert_eq!(h.ja4.as_str(), "t10i000000_000000000000_000000000000");
    assert_eq!(h.ja4_o.as_str(), "t10i000000_000000000000_000000000000");
    let mut r = String::new();
    ja4_r(&hello, Transport::Tcp, &mut r);
    assert_eq!(r, "t10i000000__");
    ja4_ro(&hello, Transport::Tcp, &mut r);
    assert_eq!(r, "t10i000000__");
    // Never SHA-256("") or SHA-256("_") (Suricata's non-conforming values).
    assert!(!h.ja4.as_str().contains("e3b0c44298fc") && !h.ja4.as_str().contains("d2e2adf7177b"));
    // A hello with no extension block at all is the same.
    let mut body = client_hello(0x0301, &[0x002f], &[]);
    body.truncate(body.len() - 2);
    let h = ja4(&ClientHello::parse(&body).unwrap(), Transport::Tcp);
    assert!(h.ja4.as_str().ends_with("_000000000000"));
}

#[test]
fn only_sni_and_alpn_sorted_list_empty_but_original_order_is_hashed() {
    // ja4 leaves SNI and ALPN out of its sorted list: empty, zeros. ja4_o keeps them:
    // SHA-256("0000") starts 9af15b336e6a (Python hashlib). ja4plus writes zeros there
    // (docs/divergences.md, TLS table).
    let body = client_hello(0x0301, &[0x0035], &[(0x0000, sni("www.github.com"))]);
    let h = ja4(&ClientHello::parse(&body).unwrap(), Transport::Tcp);
    assert!(h.ja4.as_str().ends_with("_000000000000"));
    assert!(h.ja4_o.as_str().ends_with("_9af15b336e6a"), "{}", h.ja4_o);
}

#[test]
fn counts_are_capped_at_99() {
    let ciphers: Vec<u16> = (1..200).collect();
    let exts: Vec<(u16, Vec<u8>)> = (0x0100..0x01c7).map(|t| (t, vec![])).collect();
    let body = client_hello(0x0303, &ciphers, &exts);
    let h = ja4(&ClientHello::parse(&body).unwrap(), Transport::Tcp);
    assert_eq!(&h.ja4.as_str()[..10], "t12i999900");
    // 199 ciphers sorted, beyond the 512 inline slots is tested by the proptest; here the
    // hash of 0001..00c7 (Python hashlib).
    assert_eq!(&h.ja4.as_str()[11..23], "07f95e185835");
}

#[test]
fn sslv2_hello_as_the_oracle_reads_it() {
    use p0fmod_tls::{Extracted, extract_handshake};
    // SSLv2-format CLIENT-HELLO announcing TLS 1.0, three cipher specs, 16-byte challenge.
    let mut body = vec![0x01, 0x03, 0x01, 0, 9, 0, 0, 0, 16];
    body.extend_from_slice(&[0x00, 0x00, 0x39, 0x00, 0x00, 0x35, 0x01, 0x00, 0x80]);
    body.extend_from_slice(&[0x42; 16]);
    let mut stream = vec![0x80 | (body.len() >> 8) as u8, body.len() as u8];
    stream.extend_from_slice(&body);
    let mut scratch = Vec::new();
    let Extracted::Complete(msg) = extract_handshake(&stream, &mut scratch) else {
        panic!("not extracted");
    };
    let hello = ClientHello::from_handshake(&msg).unwrap();
    assert_eq!(
        hello.sslv2_cipher_specs().collect::<Vec<_>>(),
        [0x39, 0x35, 0x010080]
    );
    let h = ja4(&hello, Transport::Tcp);
    assert_eq!(h.ja4.as_str(), "t10i000000_000000000000_000000000000");
    let mut s = String::new();
    assert!(ja3(&hello, &mut s).is_none());
}

#[test]
fn ja3_spec_vectors() {
    let body = client_hello(
        0x0301,
        &[47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4],
        &[
            (0, sni("example.com")),
            (10, list16(&[0x0a0a, 23, 24, 25])),
            (11, vec![1, 0]),
        ],
    );
    let mut s = String::new();
    let md5 = ja3(&ClientHello::parse(&body).unwrap(), &mut s).unwrap();
    assert_eq!(
        s,
        "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0"
    );
    assert_eq!(md5.as_str(), "ada70206e40642a3e4461f35503241d5");

    let mut body = client_hello(0x0301, &[4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99], &[]);
    body.truncate(body.len() - 2); // no extension block
    let md5 = ja3(&ClientHello::parse(&body).unwrap(), &mut s).unwrap();
    assert_eq!(s, "769,4-5-10-9-100-98-3-6-19-18-99,,,");
    assert_eq!(md5.as_str(), "de350869b8c85de67a350c8d186f11e6");
}

#[test]
fn ja3s_string_and_hash() {
    use p0fmod_tls::{ServerHello, ja3s};
    let body = server_hello(
        0x0303,
        [7; 32],
        0x1302,
        &[(0x2b, vec![3, 4]), (0x33, vec![0, 0x1d, 0, 0])],
    );
    let hello = ServerHello::parse(&body).unwrap();
    let mut s = String::new();
    let md5 = ja3s(&hello, &mut s);
    assert_eq!(s, "771,4866,43-51");
    // MD5 of that string (Python hashlib).
    assert_eq!(md5.as_str(), "15af977ce25de452b96affa2addb1036");
}

/// The ClientHello of RFC 9001 Appendix A.2 (QUIC): the spec note computed its JA4 and
/// JA3 with its own script and asked for a second implementation to cross-check.
#[test]
fn rfc9001_quic_client_hello() {
    use p0fmod_tls::split_handshake;
    let text = include_str!("data/rfc9001-a2-crypto-frame.hex");
    let hex: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.chars())
        .filter(|c| c.is_ascii_hexdigit())
        .collect();
    let frame: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    // CRYPTO frame: type 0x06, offset 0 (1-byte varint), length 0x40f1 (2-byte varint).
    assert_eq!(&frame[..4], &[0x06, 0x00, 0x40, 0xf1]);
    let (msg_type, body) = split_handshake(&frame[4..]).unwrap();
    assert_eq!(msg_type, 1);
    let hello = ClientHello::parse(body).unwrap();
    assert_eq!(hello.server_name(), Some(&b"example.com"[..]));
    assert!(hello.quic_transport_parameters().is_some());
    let h = ja4(&hello, Transport::Quic);
    assert_eq!(h.ja4.as_str(), "q13d0211an_62ed6f6ca7ad_4d634acda6c0");
    assert_eq!(h.ja4_o.as_str(), "q13d0211an_62ed6f6ca7ad_46fb564859bb");
    let mut s = String::new();
    ja4_r(&hello, Transport::Quic, &mut s);
    assert_eq!(
        s,
        "q13d0211an_1301,1302_0005,000a,000d,001c,002b,002d,0033,0039,ff01_0403,0503,0603,0203,0804,0805,0806"
    );
    let md5 = ja3(&hello, &mut s).unwrap();
    assert_eq!(
        s,
        "771,4865-4866,0-65281-10-16-5-51-43-13-45-28-57,29-23-24,"
    );
    assert_eq!(md5.as_str(), "41bc9ae914d6cb3bd0bd0a5453ab7d7f");
}

/// DTLS: prefix `d`, DTLS version codes, and the cookie is not a JA4 input (the two
/// ClientHellos around a HelloVerifyRequest give the same JA4).
#[test]
fn dtls_hello_with_and_without_cookie() {
    let exts = [
        (0x000a, list16(&[0x001d, 0x0017])),
        (0x000d, list16(&[0x0403, 0x0804])),
        (0x002b, versions(&[0xfefc, 0xfefd])),
    ];
    let tls_body = client_hello(0xfefd, &[0x1301, 0xc02b], &exts);
    let with_cookie = |cookie: &[u8]| {
        let mut b = tls_body.clone();
        let mut c = vec![cookie.len() as u8];
        c.extend_from_slice(cookie);
        b.splice(35..35, c);
        b
    };
    let first = with_cookie(&[]);
    let second = with_cookie(&[0x5a; 20]);
    let j1 = ja4(&ClientHello::parse_dtls(&first).unwrap(), Transport::Dtls);
    let j2 = ja4(&ClientHello::parse_dtls(&second).unwrap(), Transport::Dtls);
    assert_eq!(j1, j2);
    assert!(j1.ja4.as_str().starts_with("dd3i0203"), "{}", j1.ja4);
    // The same lists over TLS: only the prefix differs.
    let t = ja4(&ClientHello::parse(&tls_body).unwrap(), Transport::Tcp);
    assert_eq!(&t.ja4.as_str()[1..], &j1.ja4.as_str()[1..]);
}
