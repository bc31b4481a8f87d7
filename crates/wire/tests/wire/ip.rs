//! IPv4, IPv6 and TCP header checks of spec §3.3–3.5: length cuts, drops, payload.

use p0fmod_wire::{DecodeError, Layer, LinkType, MAX_PACKET_LEN, decode};

use crate::common::*;

const RAW: u32 = 101;

fn cut_at(layer: Layer, offset: usize) -> DecodeError {
    DecodeError::Truncated { layer, offset }
}

#[test]
fn etherleak_padding_is_cut_off_by_tot_len() {
    let seg = Tcp {
        payload: b"GET / HTTP/1.0\r\n".to_vec(),
        ..Tcp::default()
    };
    let mut f = Ip4::default().wrap(&seg.bytes());
    f.extend_from_slice(&[0xAA; 18]);
    let p = ok(RAW, &f);
    assert_eq!(p.payload, b"GET / HTTP/1.0\r\n");
    assert_eq!(p.tot_hdr, 40);

    // On Ethernet, the classic 60-byte minimum frame with a 40-byte packet.
    let mut eth = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
    eth.extend_from_slice(&Ip4::default().wrap(&Tcp::default().bytes()));
    eth.extend_from_slice(&[0x55; 6]);
    assert_eq!(eth.len(), 60);
    assert!(ok(1, &eth).payload.is_empty());
}

#[test]
fn ipv6_padding_is_cut_off_by_payload_length() {
    let seg = Tcp {
        payload: b"xyz".to_vec(),
        ..Tcp::default()
    };
    let mut f = Ip6::default().wrap(&seg.bytes());
    f.extend_from_slice(&[0xAA; 7]);
    assert_eq!(ok(RAW, &f).payload, b"xyz");
}

#[test]
fn truncated_capture_is_dropped() {
    let seg = Tcp {
        payload: vec![b'x'; 100],
        ..Tcp::default()
    };
    let full = Ip4::default().wrap(&seg.bytes());
    assert_eq!(ok(RAW, &full).payload.len(), 100);
    // Snaplen cut: tot_len says 140, 139 bytes captured.
    assert_eq!(err(RAW, &full[..139]), cut_at(Layer::Ipv4, 0));
    let full6 = Ip6::default().wrap(&seg.bytes());
    assert_eq!(err(RAW, &full6[..full6.len() - 1]), cut_at(Layer::Ipv6, 0));
    // The offset names where the IP header starts in the frame.
    let eth = cat(
        &[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00],
        &full[..139],
    );
    assert_eq!(err(1, &eth), cut_at(Layer::Ipv4, 14));
}

#[test]
fn ipv4_minimum_lengths() {
    // 39 bytes captured.
    let f = Ip4::default().wrap(&Tcp::default().bytes());
    assert_eq!(err(RAW, &f[..39]), cut_at(Layer::Ipv4, 0));
    // tot_len 39 with 40 bytes captured: the cut length is below 40.
    let short = Ip4 {
        tot_len: Some(39),
        ..Ip4::default()
    };
    assert_eq!(
        err(RAW, &short.wrap(&Tcp::default().bytes())),
        cut_at(Layer::Ipv4, 0)
    );
    // IHL below 5.
    let tiny = Ip4 {
        ihl: Some(4),
        ..Ip4::default()
    };
    assert_eq!(
        err(RAW, &tiny.wrap(&Tcp::default().bytes())),
        cut_at(Layer::Ipv4, 0)
    );
    // IHL 15 (60 bytes) with only 40 bytes of packet: header + 20 exceeds the length.
    let long = Ip4 {
        ihl: Some(15),
        ..Ip4::default()
    };
    assert_eq!(
        err(RAW, &long.wrap(&Tcp::default().bytes())),
        cut_at(Layer::Ipv4, 0)
    );
}

#[test]
fn ipv6_minimum_lengths() {
    let f = Ip6::default().wrap(&Tcp::default().bytes());
    assert_eq!(f.len(), 60);
    assert!(decode(LinkType::RAW, &f).is_ok());
    assert_eq!(err(RAW, &f[..59]), cut_at(Layer::Ipv6, 0));
    assert_eq!(err(RAW, &f[..39]), cut_at(Layer::Ipv6, 0));
    // Payload length 19: the cut length is 59.
    let short = Ip6 {
        plen: Some(19),
        ..Ip6::default()
    };
    assert_eq!(
        err(RAW, &short.wrap(&Tcp::default().bytes())),
        cut_at(Layer::Ipv6, 0)
    );
    // Jumbogram-style payload length 0.
    let zero = Ip6 {
        plen: Some(0),
        ..Ip6::default()
    };
    assert_eq!(
        err(RAW, &zero.wrap(&Tcp::default().bytes())),
        cut_at(Layer::Ipv6, 0)
    );
}

#[test]
fn ipv4_options_count_in_header_length() {
    let ip = Ip4 {
        opts: vec![0x01, 0x01, 0x01, 0x00, 0x94, 0x04, 0x00, 0x00],
        ..Ip4::default()
    };
    let f = ip.wrap(&Tcp::syn_with(&LINUX_OPTS).bytes());
    let p = ok(RAW, &f);
    assert_eq!(p.ip_opt_len, 8);
    assert_eq!(p.tot_hdr, 28 + 40);
    assert_eq!(p.mss, 1460);
}

#[test]
fn non_tcp_protocols_are_dropped() {
    let udp = Ip4 {
        proto: 17,
        ..Ip4::default()
    };
    assert_eq!(err(RAW, &udp.wrap(&[0; 20])), DecodeError::NotTcp);
    let icmp6 = Ip6 {
        next: 58,
        ..Ip6::default()
    };
    assert_eq!(err(RAW, &icmp6.wrap(&[0; 20])), DecodeError::NotTcp);
}

#[test]
fn ipv6_extension_headers_are_not_followed() {
    // Hop-by-hop options (8 bytes, next header TCP), then the SYN.
    let hbh = [6, 0, 1, 4, 0, 0, 0, 0];
    let ext = Ip6 {
        next: 0,
        ..Ip6::default()
    };
    let f = ext.wrap(&cat(&hbh, &Tcp::default().bytes()));
    assert_eq!(err(RAW, &f), DecodeError::NotTcp);
    // Routing header.
    let rt = Ip6 {
        next: 43,
        ..Ip6::default()
    };
    assert_eq!(
        err(RAW, &rt.wrap(&cat(&hbh, &Tcp::default().bytes()))),
        DecodeError::NotTcp
    );
}

#[test]
fn fragments_are_dropped() {
    let seg = Tcp::default().bytes();
    for frag in [0x2000, 0x6000, 0x0001, 0x4010, 0x1fff, 0x2000 | 0x8000] {
        let ip = Ip4 {
            frag,
            ..Ip4::default()
        };
        assert_eq!(
            err(RAW, &ip.wrap(&seg)),
            DecodeError::Fragment,
            "frag {frag:#06x}"
        );
    }
    // DF and the reserved bit alone are not fragmentation.
    for frag in [0x0000, 0x4000, 0x8000, 0xc000] {
        let ip = Ip4 {
            frag,
            ..Ip4::default()
        };
        assert!(
            decode(LinkType::RAW, &ip.wrap(&seg)).is_ok(),
            "frag {frag:#06x}"
        );
    }
}

#[test]
fn tcp_data_offset_checks() {
    let low = Tcp {
        doff: Some(4),
        ..Tcp::default()
    };
    assert_eq!(
        err(RAW, &Ip4::default().wrap(&low.bytes())),
        cut_at(Layer::Tcp, 20)
    );
    // Data offset 6 (24 bytes) with only the 20-byte header present.
    let high = Tcp {
        doff: Some(6),
        ..Tcp::default()
    };
    assert_eq!(
        err(RAW, &Ip4::default().wrap(&high.bytes())),
        cut_at(Layer::Tcp, 20)
    );
    assert_eq!(
        err(RAW, &Ip6::default().wrap(&high.bytes())),
        cut_at(Layer::Tcp, 40)
    );
    // Data offset 15 needs 60 bytes; padding beyond tot_len does not count.
    let max = Tcp {
        doff: Some(15),
        opts: vec![1; 20],
        ..Tcp::default()
    };
    let mut f = Ip4::default().wrap(&max.bytes());
    f.extend_from_slice(&[1; 20]);
    assert_eq!(err(RAW, &f), cut_at(Layer::Tcp, 20));
}

#[test]
fn ignored_flag_combinations() {
    const FIN: u8 = 0x01;
    const SYN: u8 = 0x02;
    const RST: u8 = 0x04;
    const PSH: u8 = 0x08;
    const ACK: u8 = 0x10;
    const URG: u8 = 0x20;
    for flags in [
        0,
        PSH,
        URG,
        0xc0 | PSH,
        SYN | FIN,
        SYN | RST,
        SYN | ACK | RST,
        FIN | RST,
        FIN | RST | ACK,
    ] {
        let seg = Tcp {
            flags,
            ..Tcp::default()
        };
        assert_eq!(
            err(RAW, &Ip4::default().wrap(&seg.bytes())),
            DecodeError::IgnoredFlags(flags),
            "flags {flags:#04x}"
        );
    }
    for flags in [
        SYN,
        SYN | ACK,
        ACK,
        FIN,
        FIN | ACK,
        RST,
        RST | ACK,
        ACK | PSH,
    ] {
        let seg = Tcp {
            flags,
            ..Tcp::default()
        };
        let f = Ip4::default().wrap(&seg.bytes());
        let p = ok(RAW, &f);
        assert_eq!(p.flags.0, flags);
    }
}

#[test]
fn payload_and_header_fields() {
    let seg = Tcp {
        sport: 1234,
        dport: 4321,
        seq: 0xdead_beef,
        ack: 0x0102_0304,
        flags: 0x18,
        win: 0xfedc,
        opts: vec![1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0],
        payload: b"hello".to_vec(),
        ..Tcp::default()
    };
    let ip = Ip4 {
        tos: 0xb8,
        ttl: 113,
        ..Ip4::default()
    };
    let f = ip.wrap(&seg.bytes());
    let p = ok(RAW, &f);
    assert_eq!((p.src_port, p.dst_port), (1234, 4321));
    assert_eq!((p.seq, p.ack, p.win), (0xdead_beef, 0x0102_0304, 0xfedc));
    assert_eq!(p.ttl, 113);
    assert_eq!(p.tos, 0x2e);
    assert_eq!(p.ts1, 256);
    assert_eq!(p.tot_hdr, 52);
    assert_eq!(p.payload, b"hello");

    let ip6 = Ip6 {
        class: 0xb9,
        hops: 57,
        ..Ip6::default()
    };
    let f6 = ip6.wrap(&seg.bytes());
    let p6 = ok(RAW, &f6);
    assert_eq!(p6.tos, 0x2e);
    assert_eq!(p6.ttl, 57);
    assert_eq!(p6.ip_opt_len, 0);
    assert_eq!(p6.tot_hdr, 72);
    assert_eq!(p6.payload, b"hello");
}

#[test]
fn frames_are_capped_at_65535_bytes() {
    // An IPv6 packet of 65535 + 40 bytes is longer than p0f ever looks.
    let seg = Tcp {
        payload: vec![b'z'; 65515],
        ..Tcp::default()
    };
    let f = Ip6::default().wrap(&seg.bytes());
    assert_eq!(f.len(), 65575);
    assert_eq!(err(RAW, &f), cut_at(Layer::Ipv6, 0));
    // The largest IPv4 packet fits raw, but not behind a 14-byte Ethernet header.
    let seg4 = Tcp {
        payload: vec![b'z'; 65495],
        ..Tcp::default()
    };
    let f4 = Ip4::default().wrap(&seg4.bytes());
    assert_eq!(f4.len(), MAX_PACKET_LEN);
    assert_eq!(ok(RAW, &f4).payload.len(), 65495);
    let eth = cat(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00], &f4);
    assert_eq!(err(1, &eth), cut_at(Layer::Ipv4, 14));
}

#[test]
fn unknown_ip_version_is_not_ip() {
    let mut f = Ip4::default().wrap(&Tcp::default().bytes());
    f[0] = 0x65;
    // Raw link: the first nibble (6) says IPv6, so byte 6 (0x40, the IPv4 flags) is read
    // as the next header.
    assert_eq!(err(RAW, &f), DecodeError::NotTcp);
    f[0] = 0x75;
    assert_eq!(err(RAW, &f), DecodeError::NotIp);
    // Nothing at all after the (empty) raw link header.
    assert_eq!(err(RAW, &[]), cut_at(Layer::Link, 0));
}

#[test]
fn tso_frame_with_total_length_zero_is_dropped_as_p0f() {
    // A capture on the sending host with TCP segmentation offload can show an IPv4 total
    // length of 0 on a large frame (mercury__tlsv1_3.pcap frame 4). p0f drops it as a
    // bad packet; so does decode (tshark reads it; docs/divergences.md T4).
    let seg = Tcp {
        payload: vec![0x16; 1500],
        ..Tcp::default()
    };
    let tso = Ip4 {
        tot_len: Some(0),
        ..Ip4::default()
    };
    assert_eq!(err(RAW, &tso.wrap(&seg.bytes())), cut_at(Layer::Ipv4, 0));
}
