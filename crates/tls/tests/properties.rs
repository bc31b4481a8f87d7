//! Property tests: no input makes the parsers or fingerprints panic; GREASE inserted
//! anywhere leaves JA4 unchanged; splitting a hello over records changes nothing; JA4
//! made from a hello's facts (`Ja4Input` over `HelloFacts`' lists) equals JA4 made from
//! the hello.

mod support;

use p0fmod_tls::{
    ClientHello, Extracted, HelloFacts, Ja4Input, ServerHello, Transport, extract_handshake, ja3,
    ja3s, ja4, ja4_a, ja4_r, ja4_ro, split_handshake,
};
use proptest::prelude::*;
use support::*;

/// Runs everything on a parsed ClientHello.
fn exercise_client(h: &ClientHello<'_>) {
    let mut s = String::new();
    let mut f = HelloFacts::new();
    f.fill_client(h);
    for t in [Transport::Tcp, Transport::Quic, Transport::Dtls] {
        let j = ja4(h, t);
        assert_eq!(j.ja4.as_str().len(), 36);
        ja4_r(h, t, &mut s);
        let mut ro = String::new();
        ja4_ro(h, t, &mut ro);
        // The same four values from the facts' lists.
        let input = Ja4Input::from_facts(ja4_a(h, t), &f);
        assert_eq!((input.ja4(), input.ja4_o()), (j.ja4, j.ja4_o));
        let (mut from_facts_r, mut from_facts_ro) = (String::from("old"), String::from("old"));
        input.ja4_r(&mut from_facts_r);
        input.ja4_ro(&mut from_facts_ro);
        assert_eq!((from_facts_r, from_facts_ro), (s.clone(), ro));
    }
    let _ = ja3(h, &mut s);
    let _ = (
        h.server_name(),
        h.alpn_protocols().count(),
        h.key_share_groups().count(),
    );
    let _ = (
        h.ec_point_formats(),
        h.quic_transport_parameters(),
        h.sslv2_cipher_specs().count(),
    );
}

fn exercise_all(data: &[u8]) {
    let mut scratch = Vec::new();
    if let Extracted::Complete(m) = extract_handshake(data, &mut scratch) {
        if let Ok(h) = ClientHello::from_handshake(&m) {
            exercise_client(&h);
        }
        if let Ok(h) = ServerHello::from_handshake(&m) {
            let mut s = String::new();
            ja3s(&h, &mut s);
        }
    }
    let _ = split_handshake(data);
    for h in [
        ClientHello::parse(data),
        ClientHello::parse_dtls(data),
        ClientHello::parse_sslv2(data),
    ]
    .into_iter()
    .flatten()
    {
        exercise_client(&h);
    }
    if let Ok(h) = ServerHello::parse(data) {
        let mut s = String::new();
        ja3s(&h, &mut s);
        let mut f = HelloFacts::new();
        f.fill_server(&h);
        let _ = (
            h.alpn_protocol(),
            h.is_hello_retry_request(),
            h.quic_transport_parameters(),
        );
    }
}

const GREASE: [u16; 16] = [
    0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba,
    0xcaca, 0xdada, 0xeaea, 0xfafa,
];

fn not_grease() -> impl Strategy<Value = u16> {
    any::<u16>().prop_filter("not GREASE", |v| !p0fmod_tls::is_grease(*v))
}

/// A hello's lists: ciphers, extension types (unique, with a few known ones), sigalgs,
/// versions, ALPN.
#[derive(Clone, Debug)]
struct Lists {
    ciphers: Vec<u16>,
    exts: Vec<u16>,
    sigalgs: Vec<u16>,
    versions: Vec<u16>,
    alpn: Vec<u8>,
}

fn lists() -> impl Strategy<Value = Lists> {
    (
        prop::collection::vec(not_grease(), 0..40),
        prop::collection::btree_set(not_grease(), 0..20),
        prop::collection::vec(not_grease(), 0..12),
        prop::collection::vec(
            prop::sample::select(vec![
                0x0301u16, 0x0302, 0x0303, 0x0304, 0x7f1c, 0xfefd, 0xfefc,
            ]),
            0..4,
        ),
        prop::collection::vec(any::<u8>(), 0..6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(ciphers, exts, sigalgs, versions, alpn, with_sni, with_alpn)| {
                let mut exts: Vec<u16> = exts
                    .into_iter()
                    .filter(|t| ![0x0000, 0x0010, 0x000d, 0x002b].contains(t))
                    .collect();
                if with_sni {
                    exts.push(0x0000);
                }
                if with_alpn {
                    exts.push(0x0010);
                }
                if !sigalgs.is_empty() {
                    exts.push(0x000d);
                }
                if !versions.is_empty() {
                    exts.push(0x002b);
                }
                Lists {
                    ciphers,
                    exts,
                    sigalgs,
                    versions,
                    alpn,
                }
            },
        )
}

fn build(l: &Lists, ext_order: &[u16], grease_exts: &[(usize, u16)]) -> Vec<u8> {
    let mut exts: Vec<(u16, Vec<u8>)> = ext_order
        .iter()
        .map(|&t| {
            let data = match t {
                0x0000 => sni("x.example"),
                0x0010 => alpn(&[&l.alpn]),
                0x000d => list16(&l.sigalgs),
                0x002b => versions(&l.versions),
                _ => vec![],
            };
            (t, data)
        })
        .collect();
    for &(at, g) in grease_exts {
        exts.insert(at.min(exts.len()), (g, vec![0]));
    }
    client_hello(0x0303, &l.ciphers, &exts)
}

fn insert_grease(v: &[u16], at: &[(usize, u16)]) -> Vec<u16> {
    let mut v = v.to_vec();
    for &(i, g) in at {
        v.insert(i % (v.len() + 1), g);
    }
    v
}

fn all_forms(body: &[u8], t: Transport) -> [String; 4] {
    let h = ClientHello::parse(body).unwrap();
    let j = ja4(&h, t);
    let (mut r, mut ro) = (String::new(), String::new());
    ja4_r(&h, t, &mut r);
    ja4_ro(&h, t, &mut ro);
    [
        j.ja4.as_str().to_string(),
        j.ja4_o.as_str().to_string(),
        r,
        ro,
    ]
}

/// The hashed form of a raw JA4 (`a_b_c[_sigalgs]`): SHA-256 of parts b and c (with the
/// signature algorithms), zeros for an empty list; computed here with `sha2` directly.
fn hashed(raw: &str) -> String {
    use sha2::{Digest, Sha256};
    let h12 = |s: &str| -> String {
        Sha256::digest(s.as_bytes())
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let mut parts = raw.splitn(3, '_');
    let (a, b, c) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let hb = if b.is_empty() { "0".repeat(12) } else { h12(b) };
    let hc = if c.split('_').next().unwrap().is_empty() {
        "0".repeat(12)
    } else {
        h12(c)
    };
    format!("{a}_{hb}_{hc}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn hashed_forms_are_the_hashes_of_the_raw_forms(l in lists(), quic in any::<bool>()) {
        let t = if quic { Transport::Quic } else { Transport::Tcp };
        let [j, o, r, ro] = all_forms(&build(&l, &l.exts, &[]), t);
        prop_assert_eq!(hashed(&r), j);
        prop_assert_eq!(hashed(&ro), o);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
        exercise_all(&data);
    }

    #[test]
    fn damaged_real_shapes_never_panic(
        l in lists(),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        truncate in any::<prop::sample::Index>(),
    ) {
        let mut body = build(&l, &l.exts, &[]);
        for (i, b) in cuts {
            let i = i.index(body.len());
            body[i] = b;
        }
        let body = &body[..truncate.index(body.len() + 1)];
        exercise_all(body);
        exercise_all(&record(1, body));
        exercise_all(&record(2, body));
    }

    #[test]
    fn grease_anywhere_leaves_ja4_unchanged(
        l in lists(),
        gc in prop::collection::vec((any::<usize>(), prop::sample::select(GREASE.to_vec())), 1..4),
        ge in prop::collection::vec((any::<usize>(), prop::sample::select(GREASE.to_vec())), 1..4),
        gs in prop::collection::vec((any::<usize>(), prop::sample::select(GREASE.to_vec())), 0..3),
        gv in prop::collection::vec((any::<usize>(), prop::sample::select(GREASE.to_vec())), 0..2),
    ) {
        let plain = build(&l, &l.exts, &[]);
        let mut g = l.clone();
        g.ciphers = insert_grease(&l.ciphers, &gc);
        if !l.sigalgs.is_empty() {
            g.sigalgs = insert_grease(&l.sigalgs, &gs);
        }
        if !l.versions.is_empty() {
            g.versions = insert_grease(&l.versions, &gv);
        }
        let ge: Vec<(usize, u16)> = ge.iter().map(|&(i, v)| (i % (l.exts.len() + 1), v)).collect();
        let greased = build(&g, &g.exts, &ge);
        for t in [Transport::Tcp, Transport::Quic] {
            prop_assert_eq!(all_forms(&plain, t), all_forms(&greased, t));
        }
    }

    #[test]
    fn extension_order_changes_only_the_original_order_forms(l in lists(), seed in any::<u64>()) {
        let mut order = l.exts.clone();
        // A deterministic shuffle from the seed.
        let mut x = seed | 1;
        for i in (1..order.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let a = all_forms(&build(&l, &l.exts, &[]), Transport::Tcp);
        let b = all_forms(&build(&l, &order, &[]), Transport::Tcp);
        prop_assert_eq!(&a[0], &b[0]);
        prop_assert_eq!(&a[2], &b[2]);
    }

    #[test]
    fn any_split_into_records_gives_the_same_message(
        l in lists(),
        sizes in prop::collection::vec(1usize..80, 0..6),
    ) {
        let body = build(&l, &l.exts, &[]);
        let mut msg = vec![1, 0, (body.len() >> 8) as u8, body.len() as u8];
        msg.extend_from_slice(&body);
        let mut stream = Vec::new();
        let mut rest = &msg[..];
        for n in sizes.iter().copied().chain(std::iter::once(usize::MAX)) {
            if rest.is_empty() { break; }
            let (part, tail) = rest.split_at(n.min(rest.len()));
            stream.extend_from_slice(&[22, 3, 1, (part.len() >> 8) as u8, part.len() as u8]);
            stream.extend_from_slice(part);
            rest = tail;
        }
        let mut scratch = Vec::new();
        let Extracted::Complete(m) = extract_handshake(&stream, &mut scratch) else {
            return Err(TestCaseError::fail("not complete"));
        };
        prop_assert_eq!(m.body, &body[..]);
        prop_assert_eq!(m.end, stream.len());
        let n = (sizes.len() * 7) % stream.len();
        let mut scratch = Vec::new();
        match extract_handshake(&stream[..n], &mut scratch) {
            Extracted::NeedMore { wanted } => prop_assert!(wanted > n && wanted <= stream.len()),
            other => return Err(TestCaseError::fail(format!("{other:?}"))),
        }
    }
}

#[test]
fn more_ciphers_than_inline_slots_sort_like_fewer() {
    // The lists live in 128 inline slots; a longer list spills to the heap.
    let ciphers: Vec<u16> = (0..700u16)
        .rev()
        .map(|i| i * 3 + 1)
        .filter(|&c| !p0fmod_tls::is_grease(c))
        .collect();
    let body = client_hello(0x0303, &ciphers, &[]);
    let mut r = String::new();
    ja4_r(&ClientHello::parse(&body).unwrap(), Transport::Tcp, &mut r);
    let mut sorted = ciphers.clone();
    sorted.sort_unstable();
    let want: Vec<String> = sorted.iter().map(|c| format!("{c:04x}")).collect();
    assert_eq!(r, format!("t12i990000_{}_", want.join(",")));
}
