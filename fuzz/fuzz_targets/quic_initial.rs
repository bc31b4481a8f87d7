//! `p0fmod_quic::QuicConnection` on datagrams of both directions, some raw and some
//! protected here so that the frame walk and CRYPTO reassembly behind the AEAD are reached.
//!
//! Input: a sequence of chunks `[kind] [len: u16 LE] [len bytes]`. Kind bit 0: from the
//! server (else the client); bit 1: the bytes are an Initial payload (frames) to protect
//! with the connection's keys (version by bits 2-3: v1, v2, draft 29, mvfst 0xfaceb002;
//! bit 4: a Retry from the server first, with a fresh connection ID); else the bytes are a
//! raw datagram.
//!
//! Checked: nothing panics; each direction's buffered hello stays within `MAX_HELLO`, a
//! complete hello starts with its type and carries its own length; the parsers that the
//! connection uses (`Datagram`, `Frames`) take the raw bytes too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use p0fmod_quic::frame::Frames;
use p0fmod_quic::keys::InitialKeys;
use p0fmod_quic::protect::protect_initial;
use p0fmod_quic::version::{VERSION_1, VERSION_2, version_params};
use p0fmod_quic::{Datagram, MAX_HELLO, QuicConnection};

const ODCID: &[u8] = &[0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];
const RETRY_SCID: &[u8] = &[0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5];

fuzz_target!(|data: &[u8]| {
    let mut conn = QuicConnection::new();
    let mut scratch = vec![0u8; 65536];
    let mut rest = data;
    let mut pn = [0u64; 2];
    let mut key_dcid = ODCID;
    while let [kind, l0, l1, tail @ ..] = rest {
        let len = usize::from(u16::from_le_bytes([*l0, *l1])).min(tail.len());
        let (bytes, next) = tail.split_at(len);
        rest = next;
        let from_client = kind & 1 == 0;
        let datagram = if kind & 2 != 0 {
            let version =
                [VERSION_1, VERSION_2, 0xff00_001d, 0xface_b002][usize::from((kind >> 2) & 3)];
            let params = version_params(version).unwrap();
            if kind & 0x10 != 0 && !from_client {
                let mut retry = vec![0xc0 | if version == VERSION_2 { 0x00 } else { 0x30 }];
                retry.extend_from_slice(&version.to_be_bytes());
                retry.push(0);
                retry.push(RETRY_SCID.len() as u8);
                retry.extend_from_slice(RETRY_SCID);
                retry.extend_from_slice(&[0xaa; 20]);
                let _ = conn.on_datagram(false, &retry, &mut scratch);
                key_dcid = RETRY_SCID;
            }
            let keys = InitialKeys::derive(&params, key_dcid);
            let dir = usize::from(!from_client);
            let mut out = Vec::new();
            let key = if from_client {
                &keys.client
            } else {
                &keys.server
            };
            protect_initial(
                &params,
                key,
                key_dcid,
                &[1, 2],
                &[],
                pn[dir],
                1 + usize::from(kind >> 5 & 3),
                bytes,
                &mut out,
            );
            pn[dir] += 1;
            out
        } else {
            for packet in Datagram::new(bytes).flatten() {
                let _ = packet.2.token.len();
            }
            for _ in Frames::new(bytes) {}
            bytes.to_vec()
        };
        let _ = conn.on_datagram(from_client, &datagram, &mut scratch);
        for stream in [conn.client(), conn.server()] {
            let (received, total) = stream.progress();
            assert!(received <= MAX_HELLO);
            assert!(total.is_none_or(|t| t <= MAX_HELLO && received <= t));
            if let Some(m) = stream.message() {
                assert!(m.len() >= 4);
                assert_eq!(
                    m.len(),
                    4 + (usize::from(m[1]) << 16 | usize::from(m[2]) << 8 | usize::from(m[3]))
                );
            }
        }
    }
});
