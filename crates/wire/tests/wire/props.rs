//! Property tests: the decoder never panics, and agrees with etherparse on valid packets.

use std::net::IpAddr;

use etherparse::{NetSlice, PacketBuilder, SlicedPacket, TcpOptionElement, TransportSlice};
use p0fmod_wire::{IpVersion, LinkType, ip_payload, options::walk};
use proptest::prelude::*;

use crate::common::*;

/// Every supported link type, and a few that are not.
fn any_link() -> impl Strategy<Value = LinkType> {
    prop_oneof![
        proptest::sample::select(LinkType::SUPPORTED.to_vec()),
        any::<u32>().prop_map(LinkType),
    ]
}

/// A link header of the given type that leads to IP (so mutations reach the IP and TCP
/// decoders, not only the link layer).
fn header_for(link: LinkType) -> Vec<u8> {
    match link.0 {
        0 => vec![2, 0, 0, 0],
        1 => vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00],
        9 | 50 => vec![0xff, 0x03, 0x00, 0x21],
        51 => vec![0x11, 0, 0, 1, 0, 0, 0x00, 0x21],
        104 => vec![0x0f, 0, 0x08, 0x00],
        105 => {
            let mut v = vec![0x08, 0x01];
            v.extend_from_slice(&[0; 22]);
            v.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
            v
        }
        108 => vec![0, 0, 0, 2],
        113 => {
            let mut v = vec![0; 14];
            v.extend_from_slice(&[0x08, 0x00]);
            v
        }
        117 => {
            let mut v = vec![0; 64];
            v[0] = 61;
            v[1] = 2;
            v
        }
        127 => {
            let mut v = vec![0, 0, 8, 0, 0, 0, 0, 0];
            v.extend_from_slice(&header_for(LinkType(105)));
            v
        }
        239 => vec![2, 0, 0, 0, 0xff, 0xff, 9, 0],
        276 => {
            let mut v = vec![0x08, 0x00];
            v.extend_from_slice(&[0; 18]);
            v
        }
        _ => Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn never_panics_on_arbitrary_bytes(
        link in any_link(),
        frame in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let _ = p0fmod_wire::decode(link, &frame);
        let _ = ip_payload(link, &frame);
    }

    #[test]
    fn never_panics_on_mutated_valid_frames(
        link in proptest::sample::select(LinkType::SUPPORTED.to_vec()),
        v6 in any::<bool>(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        let ip = if v6 { syn_v6() } else { syn_v4() };
        let mut frame = cat(&header_for(link), &ip);
        for (at, byte) in flips {
            let n = frame.len();
            frame[at % n] = byte;
        }
        frame.truncate(cut % (frame.len() + 1));
        let _ = p0fmod_wire::decode(link, &frame);
        let _ = ip_payload(link, &frame);
    }

    #[test]
    fn options_walk_never_panics_and_stays_in_bounds(
        opts in proptest::collection::vec(any::<u8>(), 0..=40),
        tcp_type in any::<u8>(),
    ) {
        let o = walk(&opts, tcp_type);
        prop_assert!(o.layout.len() <= 24);
        prop_assert!(usize::from(o.eol_pad) < opts.len().max(1));
        // Every recorded kind was read from the options area.
        prop_assert!(o.layout.as_slice().iter().all(|k| opts.contains(k)));
    }

    #[test]
    fn agrees_with_etherparse(
        v6 in any::<bool>(),
        src in any::<[u8; 16]>(),
        dst in any::<[u8; 16]>(),
        ttl in any::<u8>(),
        sport in any::<u16>(),
        dport in any::<u16>(),
        seq in any::<u32>(),
        win in any::<u16>(),
        ack in proptest::option::of(any::<u32>()),
        flags in (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        mss in any::<u16>(),
        ws in any::<u8>(),
        ts in (any::<u32>(), any::<u32>()),
        layout in proptest::collection::vec(0usize..5, 0..6),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        pad in proptest::collection::vec(any::<u8>(), 0..20),
        ethernet in any::<bool>(),
    ) {
        let (psh, urg, ece, cwr) = flags;
        // Keep the options within the 40 bytes a TCP header holds.
        let size = |k: &usize| -> usize { [1, 4, 3, 2, 10][*k] };
        let mut room: usize = 40;
        let layout: Vec<usize> = layout
            .into_iter()
            .take_while(|k| {
                let fits = size(k) <= room;
                room = room.saturating_sub(size(k));
                fits
            })
            .collect();
        let opts: Vec<TcpOptionElement> = layout
            .iter()
            .map(|k| match k {
                0 => TcpOptionElement::Noop,
                1 => TcpOptionElement::MaximumSegmentSize(mss),
                2 => TcpOptionElement::WindowScale(ws),
                3 => TcpOptionElement::SelectiveAcknowledgementPermitted,
                _ => TcpOptionElement::Timestamp(ts.0, ts.1),
            })
            .collect();
        let src4 = [src[0], src[1], src[2], src[3]];
        let dst4 = [dst[0], dst[1], dst[2], dst[3]];
        let mut frame = Vec::new();
        let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
        macro_rules! finish {
            ($step:expr) => {{
                let mut t = $step.tcp(sport, dport, seq, win).syn();
                if let Some(a) = ack { t = t.ack(a); }
                if psh { t = t.psh(); }
                if urg { t = t.urg(7); }
                if ece { t = t.ece(); }
                if cwr { t = t.cwr(); }
                t.options(&opts).unwrap().write(&mut frame, &payload).unwrap();
            }};
        }
        match (ethernet, v6) {
            (true, false) => finish!(eth.ipv4(src4, dst4, ttl)),
            (true, true) => finish!(eth.ipv6(src, dst, ttl)),
            (false, false) => finish!(PacketBuilder::ipv4(src4, dst4, ttl)),
            (false, true) => finish!(PacketBuilder::ipv6(src, dst, ttl)),
        }
        // Link padding after the packet must not change anything.
        frame.extend_from_slice(&pad);

        let link = if ethernet { LinkType::ETHERNET } else { LinkType::RAW };
        let ours = p0fmod_wire::decode(link, &frame).unwrap();
        let theirs = if ethernet {
            SlicedPacket::from_ethernet(&frame).unwrap()
        } else {
            SlicedPacket::from_ip(&frame).unwrap()
        };
        let Some(TransportSlice::Tcp(tcp)) = theirs.transport else {
            panic!("etherparse found no TCP");
        };
        match theirs.net {
            Some(NetSlice::Ipv4(ip)) => {
                let h = ip.header();
                prop_assert_eq!(ours.version, IpVersion::V4);
                prop_assert_eq!(ours.src, IpAddr::V4(h.source_addr()));
                prop_assert_eq!(ours.dst, IpAddr::V4(h.destination_addr()));
                prop_assert_eq!(ours.ttl, h.ttl());
                prop_assert_eq!(ours.tos, h.dcp().value());
                prop_assert_eq!(usize::from(ours.ip_opt_len), h.options().len());
            }
            Some(NetSlice::Ipv6(ip)) => {
                let h = ip.header();
                prop_assert_eq!(ours.version, IpVersion::V6);
                prop_assert_eq!(ours.src, IpAddr::V6(h.source_addr()));
                prop_assert_eq!(ours.dst, IpAddr::V6(h.destination_addr()));
                prop_assert_eq!(ours.ttl, h.hop_limit());
            }
            _ => panic!("etherparse found no IP"),
        }
        prop_assert_eq!(ours.src_port, tcp.source_port());
        prop_assert_eq!(ours.dst_port, tcp.destination_port());
        prop_assert_eq!(ours.seq, tcp.sequence_number());
        prop_assert_eq!(ours.ack, tcp.acknowledgment_number());
        prop_assert_eq!(ours.win, tcp.window_size());
        prop_assert_eq!(ours.flags.has(0x08), tcp.psh());
        prop_assert_eq!(ours.flags.has(0x20), tcp.urg());
        prop_assert_eq!(ours.flags.has(0x10), tcp.ack());
        prop_assert_eq!(ours.payload, tcp.payload());
        prop_assert_eq!(ours.payload, &payload[..]);
        let ip_len = if v6 { 40 } else { 20 };
        prop_assert_eq!(usize::from(ours.tot_hdr), ip_len + tcp.slice().len() - tcp.payload().len());

        // Options: the layout is the builder's, plus EOL padding up to a multiple of 4.
        let kinds: Vec<u8> = layout
            .iter()
            .map(|k| [1, 2, 3, 4, 8][*k])
            .collect();
        let opt_bytes = tcp.options();
        let body_len: usize = layout.iter().map(size).sum();
        let layout_ours = ours.opt_layout.as_slice();
        prop_assert_eq!(&layout_ours[..kinds.len()], &kinds[..]);
        if opt_bytes.len() > body_len {
            prop_assert_eq!(&layout_ours[kinds.len()..], &[0][..]);
            prop_assert_eq!(usize::from(ours.eol_pad), opt_bytes.len() - body_len - 1);
        } else {
            prop_assert_eq!(layout_ours.len(), kinds.len());
        }
        let last = |k: usize| layout.iter().rposition(|&x| x == k);
        prop_assert_eq!(ours.mss, if last(1).is_some() { mss } else { 0 });
        prop_assert_eq!(ours.wscale, if last(2).is_some() { ws } else { 0 });
        prop_assert_eq!(ours.ts1, if last(4).is_some() { ts.0 } else { 0 });
    }
}
