//! `p0fmod_quic::dtls::DtlsHelloStream` on datagrams of both directions.
//!
//! Input: a sequence of chunks `[kind] [len: u16 LE] [len bytes]`; kind bit 0 sends the
//! datagram to the server-side stream (ServerHello), else to the client side
//! (ClientHello). The record and fragment walkers take every datagram too.
//!
//! Checked: nothing panics; a hello yielded is of the stream's type, its body within
//! `MAX_HELLO` and its count growing by one each time; progress stays within the bound.

#![no_main]

use libfuzzer_sys::fuzz_target;
use p0fmod_quic::MAX_HELLO;
use p0fmod_quic::dtls::{DtlsHelloStream, Fragments, Records, is_dtls_handshake};

fuzz_target!(|data: &[u8]| {
    let mut streams = [DtlsHelloStream::new(1), DtlsHelloStream::new(2)];
    let mut counts = [0u8; 2];
    let mut rest = data;
    while let [kind, l0, l1, tail @ ..] = rest {
        let len = usize::from(u16::from_le_bytes([*l0, *l1])).min(tail.len());
        let (datagram, next) = tail.split_at(len);
        rest = next;
        let _ = is_dtls_handshake(datagram);
        for record in Records::new(datagram).flatten() {
            for _ in Fragments::new(record.fragment) {}
        }
        let side = usize::from(kind & 1);
        if let Ok(Some(hello)) = streams[side].on_datagram(datagram) {
            assert_eq!(hello.msg_type, side as u8 + 1);
            assert!(hello.body.len() <= MAX_HELLO);
            assert_eq!(hello.count, counts[side].saturating_add(1));
            counts[side] = hello.count;
        }
        let (received, total) = streams[side].progress();
        assert!(received <= MAX_HELLO && total.is_none_or(|t| received <= t));
    }
});
