//! `p0fmod_tls`: the record layer, the hello views and every fingerprint.
//!
//! Input: a control byte, then data. Bits 0-1 of the control byte choose what the data
//! is: 0, a stream from a record boundary (bits 2-4: how many cut points follow, two bytes
//! each, little-endian), fed to `extract_handshake` in growing prefixes as the engine
//! does; 1, a TLS ClientHello body; 2, a DTLS ClientHello body; 3, a ServerHello body,
//! and also a bare handshake message (QUIC's form) for `split_handshake`.
//!
//! Checked: nothing panics; `NeedMore` asks for more than it was given; a complete
//! message stays the same as more bytes arrive and is within the size limit; JA4's hashed
//! forms are the SHA-256 of the raw forms' parts (or zeros for an empty list) with the
//! same first part; JA3 and JA3S are the MD5 of their strings.

#![no_main]

use libfuzzer_sys::fuzz_target;
use md5::Md5;
use p0fmod_tls::{
    ClientHello, Extracted, HelloFacts, MAX_HANDSHAKE_LEN, ServerHello, Transport,
    extract_handshake, ja3, ja3s, ja4, ja4_r, ja4_ro, split_handshake,
};
use sha2::{Digest, Sha256};

fn hex12(text: &str) -> String {
    let d = Sha256::digest(text.as_bytes());
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The hashed form from a raw one: `a_b_c[_sigs]` → `a_hash(b)_hash(c[_sigs])`.
fn hashed(raw: &str) -> String {
    let mut parts = raw.splitn(3, '_');
    let a = parts.next().unwrap();
    let b = parts.next().unwrap();
    let c = parts.next().unwrap();
    let list = c.split('_').next().unwrap();
    let hb = if b.is_empty() {
        "000000000000".to_string()
    } else {
        hex12(b)
    };
    let hc = if list.is_empty() {
        "000000000000".to_string()
    } else {
        hex12(c)
    };
    format!("{a}_{hb}_{hc}")
}

fn client(h: &ClientHello<'_>) {
    let mut raw = String::new();
    for t in [Transport::Tcp, Transport::Quic, Transport::Dtls] {
        let j = ja4(h, t);
        assert!(j.ja4.as_str().is_ascii() && j.ja4.as_str().len() == 36);
        ja4_r(h, t, &mut raw);
        assert_eq!(hashed(&raw), j.ja4.as_str(), "ja4 vs ja4_r {raw}");
        ja4_ro(h, t, &mut raw);
        assert_eq!(hashed(&raw), j.ja4_o.as_str(), "ja4_o vs ja4_ro {raw}");
    }
    if let Some(md5) = ja3(h, &mut raw) {
        let d = Md5::digest(raw.as_bytes());
        let want: String = d.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(md5.as_str(), want);
    }
    let mut facts = HelloFacts::new();
    facts.fill_client(h);
    assert_eq!(facts.hello_len, h.len());
    let _ = (
        h.server_name(),
        h.alpn_protocols().count(),
        h.quic_transport_parameters(),
    );
    let _ = (h.ec_point_formats(), h.sslv2_cipher_specs().count());
}

fn server(h: &ServerHello<'_>) {
    let mut s = String::new();
    let md5 = ja3s(h, &mut s);
    let d = Md5::digest(s.as_bytes());
    let want: String = d.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(md5.as_str(), want);
    let mut facts = HelloFacts::new();
    facts.fill_server(h);
    let _ = (
        h.is_hello_retry_request(),
        h.alpn_protocol(),
        h.quic_transport_parameters(),
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    match control & 3 {
        0 => {
            let cuts = usize::from((control >> 2) & 7);
            let Some((points, stream)) = rest.split_at_checked(cuts * 2) else {
                return;
            };
            let mut ends: Vec<usize> = points
                .chunks_exact(2)
                .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (stream.len() + 1))
                .collect();
            ends.sort_unstable();
            ends.push(stream.len());
            let mut scratch = Vec::new();
            let mut done: Option<Vec<u8>> = None;
            for end in ends {
                match extract_handshake(&stream[..end], &mut scratch) {
                    Extracted::NeedMore { wanted } => {
                        assert!(wanted > end, "NeedMore {wanted} with {end} bytes");
                        assert!(done.is_none(), "complete, then incomplete");
                    }
                    Extracted::Complete(m) => {
                        assert!(m.end <= end && m.body.len() + 4 <= MAX_HANDSHAKE_LEN);
                        if let Some(d) = &done {
                            assert_eq!(d.as_slice(), m.body);
                        }
                        done = Some(m.body.to_vec());
                        if let Ok(h) = ClientHello::from_handshake(&m) {
                            client(&h);
                        }
                        if let Ok(h) = ServerHello::from_handshake(&m) {
                            server(&h);
                        }
                    }
                    _ => assert!(done.is_none(), "complete, then not"),
                }
            }
        }
        1 => {
            if let Ok(h) = ClientHello::parse(rest) {
                client(&h);
            }
        }
        2 => {
            if let Ok(h) = ClientHello::parse_dtls(rest) {
                client(&h);
            }
        }
        _ => {
            if let Ok(h) = ServerHello::parse(rest) {
                server(&h);
            }
            if let Ok((_, body)) = split_handshake(rest) {
                if let Ok(h) = ClientHello::parse(body) {
                    client(&h);
                }
            }
        }
    }
});
