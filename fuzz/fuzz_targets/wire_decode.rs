//! `p0fmod_wire::decode` on arbitrary frames of every supported link type.
//!
//! Input: one selector byte, then the frame. Selectors below 0xF0 pick an entry of
//! `LinkType::SUPPORTED` (modulo its length); 0xF0 and above take the link type from the
//! next four bytes (little-endian), so unsupported values are tried too.
//!
//! Checked: nothing panics; a decoded packet's payload lies inside the frame and its
//! option layout within p0f's 24; an error's offset lies inside the frame; frames are cut
//! at 65,535 bytes; and where etherparse also reads a raw-IP or Ethernet frame as TCP, the
//! two agree on addresses, ports and sequence numbers.

#![no_main]

use std::net::IpAddr;

use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use libfuzzer_sys::fuzz_target;
use p0fmod_wire::{DecodeError, LinkType, MAX_PACKET_LEN, MAX_TCP_OPT, decode, ip_payload};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (link, frame) = if selector < 0xF0 {
        let all = LinkType::SUPPORTED;
        (all[usize::from(selector) % all.len()], rest)
    } else {
        match rest.split_first_chunk::<4>() {
            Some((raw, frame)) => (LinkType(u32::from_le_bytes(*raw)), frame),
            None => return,
        }
    };

    let decoded = decode(link, frame);
    let seen = &frame[..frame.len().min(MAX_PACKET_LEN)];
    match &decoded {
        Ok(p) => {
            let inside = seen.as_ptr_range();
            let payload = p.payload.as_ptr_range();
            assert!(
                p.payload.is_empty()
                    || (inside.start <= payload.start && payload.end <= inside.end),
                "payload outside the frame"
            );
            assert!(usize::from(p.tot_hdr) + p.payload.len() <= seen.len());
            assert!(p.opt_layout.len() <= MAX_TCP_OPT);
            assert!(matches!(ip_payload(link, frame), Ok(Some(_))));
            // Everything a packet holds can be shown.
            let _ = format!("{p:?} {}", p.quirks);
        }
        Err(e) => {
            if let DecodeError::Truncated { offset, .. } = e {
                assert!(*offset <= seen.len(), "{e}: offset past the frame");
            }
            let _ = e.to_string();
        }
    }
    // Bytes past p0f's snap length are never seen.
    if frame.len() > MAX_PACKET_LEN {
        assert_eq!(decoded, decode(link, seen));
    }

    if let Ok(ours) = decoded {
        agree_with_etherparse(link, frame, &ours);
    }
});

/// Where etherparse reads the same frame as an unfragmented TCP packet, both decoders name
/// the same endpoints and sequence numbers.
fn agree_with_etherparse(link: LinkType, frame: &[u8], ours: &p0fmod_wire::TcpPacket<'_>) {
    let theirs = match link {
        LinkType::ETHERNET => SlicedPacket::from_ethernet(frame),
        LinkType::RAW | LinkType::RAW_DLT | LinkType::IPV4 | LinkType::IPV6 => {
            SlicedPacket::from_ip(frame)
        }
        _ => return,
    };
    let Ok(theirs) = theirs else {
        return;
    };
    // etherparse skips VLAN tags and IPv6 extension headers that p0f does not follow,
    // and reads frames whose IP header follows a tag p0fmod treats differently; compare
    // only plain frames.
    if !theirs.link_exts.is_empty() {
        return;
    }
    let Some(TransportSlice::Tcp(tcp)) = &theirs.transport else {
        return;
    };
    let (src, dst) = match &theirs.net {
        Some(NetSlice::Ipv4(ip)) => {
            if ip.is_payload_fragmented() {
                return;
            }
            let h = ip.header();
            (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
            )
        }
        Some(NetSlice::Ipv6(ip)) => {
            if !ip.extensions().is_empty() {
                return;
            }
            let h = ip.header();
            (
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
            )
        }
        _ => return,
    };
    assert_eq!((ours.src, ours.dst), (src, dst));
    assert_eq!(
        (ours.src_port, ours.dst_port, ours.seq, ours.ack),
        (
            tcp.source_port(),
            tcp.destination_port(),
            tcp.sequence_number(),
            tcp.acknowledgment_number()
        )
    );
}
