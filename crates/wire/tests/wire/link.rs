//! One test per supported link type, plus the non-IP, truncated and unsupported cases.

use etherparse::{LinuxSllPacketType, PacketBuilder, VlanId};
use p0fmod_wire::{DecodeError, Layer, LinkType, ip_payload};

use crate::common::*;

const ETH_HDR: [u8; 12] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];

/// An Ethernet header (addresses, then `types` as successive 16-bit words) and a payload.
fn eth(words: &[u16], payload: &[u8]) -> Vec<u8> {
    let mut v = ETH_HDR.to_vec();
    for w in words {
        v.extend_from_slice(&w.to_be_bytes());
    }
    v.extend_from_slice(payload);
    v
}

/// Asserts `frame` of `link` decodes to [`syn_v4`] and that the IP header starts at `at`.
fn assert_v4_at(link: u32, frame: &[u8], at: usize) {
    assert_syn_v4(&ok(link, frame));
    let ip = ip_payload(LinkType(link), frame).unwrap().unwrap();
    assert_eq!(ip.len(), frame.len() - at, "IP offset for link {link}");
    assert_eq!(ip, &frame[at..]);
}

fn not_ip(link: u32, frame: &[u8]) {
    assert_eq!(err(link, frame), DecodeError::NotIp, "link {link}");
    assert_eq!(ip_payload(LinkType(link), frame), Ok(None), "link {link}");
}

fn link_cut(link: u32, frame: &[u8]) {
    match err(link, frame) {
        DecodeError::Truncated {
            layer: Layer::Link, ..
        } => {}
        e => panic!("link {link}: expected a truncated link header, got {e:?}"),
    }
}

#[test]
fn ethernet_ipv4_and_ipv6() {
    let mut f = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(SRC4, DST4, 64)
        .tcp(40000, 80, 1000, 29200)
        .syn()
        .options_raw(&LINUX_OPTS)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    assert_v4_at(1, &f, 14);
    assert_syn_v6(&ok(1, &eth(&[0x86dd], &syn_v6())));
}

#[test]
fn ethernet_ethertype_must_agree_with_ip_version() {
    not_ip(1, &eth(&[0x0800], &syn_v6()));
    not_ip(1, &eth(&[0x86dd], &syn_v4()));
}

#[test]
fn ethernet_single_vlan() {
    let mut f = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .single_vlan(VlanId::try_new(5).unwrap())
        .ipv4(SRC4, DST4, 64)
        .tcp(40000, 80, 1000, 29200)
        .syn()
        .options_raw(&LINUX_OPTS)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    assert_eq!(&f[12..14], &[0x81, 0x00]);
    assert_v4_at(1, &f, 18);
}

#[test]
fn ethernet_stacked_8021ad_8021q() {
    let mut f = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .double_vlan(VlanId::try_new(100).unwrap(), VlanId::try_new(200).unwrap())
        .ipv4(SRC4, DST4, 64)
        .tcp(40000, 80, 1000, 29200)
        .syn()
        .options_raw(&LINUX_OPTS)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    assert_eq!(&f[12..14], &[0x88, 0xa8]);
    assert_v4_at(1, &f, 22);
}

#[test]
fn ethernet_triple_tag_with_0x9100() {
    let f = eth(
        &[0x9100, 0x0001, 0x88a8, 0x0002, 0x8100, 0x0003, 0x0800],
        &syn_v4(),
    );
    assert_v4_at(1, &f, 26);
}

#[test]
fn ethernet_vlan_cut_inside_tag() {
    link_cut(1, &eth(&[0x8100, 0x0005], &[]));
    link_cut(1, &ETH_HDR[..10]);
}

#[test]
fn ethernet_pppoe_session() {
    let v4 = syn_v4();
    let mut pppoe = vec![0x11, 0x00, 0x12, 0x34];
    pppoe.extend_from_slice(&((v4.len() + 2) as u16).to_be_bytes());
    pppoe.extend_from_slice(&[0x00, 0x21]);
    let f = eth(&[0x8864], &cat(&pppoe, &v4));
    assert_v4_at(1, &f, 22);

    let v6 = syn_v6();
    let mut pppoe6 = vec![0x11, 0x00, 0x12, 0x34, 0, 0, 0x00, 0x57];
    pppoe6[4..6].copy_from_slice(&((v6.len() + 2) as u16).to_be_bytes());
    assert_syn_v6(&ok(1, &eth(&[0x8864], &cat(&pppoe6, &v6))));

    // Protocol-field compression inside PPPoE (seen in the wild): 0x21 alone.
    let mut pfc = pppoe.clone();
    pfc.truncate(6);
    pfc.push(0x21);
    assert_v4_at(1, &eth(&[0x8864], &cat(&pfc, &v4)), 21);

    // LCP inside PPPoE is not IP.
    let lcp = [0x11, 0x00, 0x12, 0x34, 0x00, 0x06, 0xc0, 0x21, 1, 1, 0, 4];
    not_ip(1, &eth(&[0x8864], &lcp));
}

#[test]
fn ethernet_mpls_label_stack() {
    // Two labels: 16 (not bottom), 17 (bottom of stack, TTL 64).
    let labels = [0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x11, 0x40];
    assert_v4_at(1, &eth(&[0x8847], &cat(&labels, &syn_v4())), 22);
    let f6 = eth(&[0x8848], &cat(&labels, &syn_v6()));
    assert_syn_v6(&ok(1, &f6));
    // A pseudowire control word (first nibble 0) after the stack is not IP.
    let pw = cat(&labels, &[0, 0, 0, 0]);
    not_ip(1, &eth(&[0x8847], &cat(&pw, &eth(&[0x0800], &syn_v4()))));
    // A stack that never reaches bottom-of-stack is cut short.
    link_cut(1, &eth(&[0x8847], &[0x00, 0x01, 0x00, 0x40]));
}

#[test]
fn ethernet_vlan_then_mpls() {
    let labels = [0x00, 0x01, 0x01, 0x40];
    let f = eth(&[0x8100, 0x0007, 0x8847], &cat(&labels, &syn_v4()));
    assert_v4_at(1, &f, 22);
}

#[test]
fn ieee8023_llc_snap() {
    let v4 = syn_v4();
    let snap = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00];
    let f = eth(&[(v4.len() + 8) as u16], &cat(&snap, &v4));
    assert_v4_at(1, &f, 22);
    // Plain 802.2 LLC (spanning tree) is not IP.
    not_ip(1, &eth(&[38], &[0x42, 0x42, 0x03, 0, 0, 0]));
}

#[test]
fn ethernet_arp_and_lldp_are_not_ip() {
    let arp = [0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 0, 2, 10];
    not_ip(1, &eth(&[0x0806], &arp));
    not_ip(1, &eth(&[0x88cc], &[2, 7, 4, 2, 0, 0, 0, 0, 1]));
}

#[test]
fn null_both_byte_orders() {
    assert_v4_at(0, &cat(&[2, 0, 0, 0], &syn_v4()), 4);
    assert_v4_at(0, &cat(&[0, 0, 0, 2], &syn_v4()), 4);
    // AF_INET6 of OpenBSD (24), FreeBSD (28) and Darwin (30), either order.
    assert_syn_v6(&ok(0, &cat(&[24, 0, 0, 0], &syn_v6())));
    assert_syn_v6(&ok(0, &cat(&[0, 0, 0, 28], &syn_v6())));
    assert_syn_v6(&ok(0, &cat(&[30, 0, 0, 0], &syn_v6())));
    // Unknown family.
    not_ip(0, &cat(&[7, 0, 0, 0], &syn_v4()));
    link_cut(0, &[2, 0, 0]);
}

#[test]
fn loop_network_order() {
    assert_v4_at(108, &cat(&[0, 0, 0, 2], &syn_v4()), 4);
    assert_syn_v6(&ok(108, &cat(&[0, 0, 0, 24], &syn_v6())));
    // Host order is not LOOP's.
    not_ip(108, &cat(&[2, 0, 0, 0], &syn_v4()));
}

#[test]
fn raw_ip_12_14_101() {
    for link in [12, 14, 101] {
        assert_v4_at(link, &syn_v4(), 0);
        assert_syn_v6(&ok(link, &syn_v6()));
        let mut bad = syn_v4();
        bad[0] = 0x55;
        not_ip(link, &bad);
    }
}

#[test]
fn raw_ipv4_228_and_ipv6_229() {
    assert_v4_at(228, &syn_v4(), 0);
    not_ip(228, &syn_v6());
    assert_syn_v6(&ok(229, &syn_v6()));
    not_ip(229, &syn_v4());
}

#[test]
fn linux_sll() {
    let mut f = Vec::new();
    PacketBuilder::linux_sll(LinuxSllPacketType::OUTGOING, 6, [2, 0, 0, 0, 0, 1, 0, 0])
        .ipv4(SRC4, DST4, 64)
        .tcp(40000, 80, 1000, 29200)
        .syn()
        .options_raw(&LINUX_OPTS)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    assert_eq!(&f[14..16], &[0x08, 0x00]);
    assert_v4_at(113, &f, 16);
    let mut arp = f[..16].to_vec();
    arp[14..16].copy_from_slice(&[0x08, 0x06]);
    not_ip(113, &cat(&arp, &[0; 28]));
    link_cut(113, &f[..15]);
}

#[test]
fn linux_sll2() {
    // protocol, reserved, ifindex, hatype (Ethernet), packet type, address length, address.
    let hdr = [
        0x08, 0x00, 0, 0, 0, 0, 0, 2, 0x00, 0x01, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0,
    ];
    assert_v4_at(276, &cat(&hdr, &syn_v4()), 20);
    let mut hdr6 = hdr;
    hdr6[..2].copy_from_slice(&[0x86, 0xdd]);
    assert_syn_v6(&ok(276, &cat(&hdr6, &syn_v6())));
    link_cut(276, &hdr[..19]);
}

#[test]
fn ppp_address_control_and_protocol_forms() {
    assert_v4_at(9, &cat(&[0xff, 0x03, 0x00, 0x21], &syn_v4()), 4);
    // No address/control, 2-byte protocol.
    assert_v4_at(9, &cat(&[0x00, 0x21], &syn_v4()), 2);
    // Compressed 1-byte protocol, with and without address/control.
    assert_v4_at(9, &cat(&[0xff, 0x03, 0x21], &syn_v4()), 3);
    assert_v4_at(9, &cat(&[0x21], &syn_v4()), 1);
    assert_syn_v6(&ok(9, &cat(&[0xff, 0x03, 0x00, 0x57], &syn_v6())));
    // LCP.
    not_ip(9, &cat(&[0xff, 0x03, 0xc0, 0x21], &[1, 1, 0, 4]));
}

#[test]
fn ppp_hdlc_and_cisco_hdlc() {
    assert_v4_at(50, &cat(&[0xff, 0x03, 0x00, 0x21], &syn_v4()), 4);
    assert_v4_at(50, &cat(&[0x0f, 0x00, 0x08, 0x00], &syn_v4()), 4);
    assert_v4_at(104, &cat(&[0x8f, 0x00, 0x08, 0x00], &syn_v4()), 4);
    assert_syn_v6(&ok(104, &cat(&[0x0f, 0x00, 0x86, 0xdd], &syn_v6())));
    // Cisco SLARP.
    not_ip(104, &cat(&[0x8f, 0x00, 0x80, 0x35], &[0; 20]));
    not_ip(50, &cat(&[0x12, 0x34], &syn_v4()));
}

#[test]
fn ppp_ether_pppoe() {
    let v4 = syn_v4();
    let mut hdr = vec![0x11, 0x00, 0x00, 0x01];
    hdr.extend_from_slice(&((v4.len() + 2) as u16).to_be_bytes());
    hdr.extend_from_slice(&[0x00, 0x21]);
    assert_v4_at(51, &cat(&hdr, &v4), 8);
    link_cut(51, &hdr[..7]);
}

/// An 802.11 data frame: frame control, duration, three addresses, sequence control, an
/// optional fourth address (when both DS bits are set), optional QoS control, optional
/// padding, then LLC/SNAP with `ethertype` and `payload`.
fn dot11(
    fc0: u8,
    fc1: u8,
    qos: Option<[u8; 2]>,
    pad: usize,
    ethertype: u16,
    payload: &[u8],
) -> Vec<u8> {
    let mut v = vec![fc0, fc1, 0x2c, 0x00];
    v.extend_from_slice(&[
        0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 3,
    ]);
    v.extend_from_slice(&[0x10, 0x00]);
    if fc1 & 3 == 3 {
        v.extend_from_slice(&[0x02, 0, 0, 0, 0, 4]);
    }
    if let Some(q) = qos {
        v.extend_from_slice(&q);
    }
    v.extend(std::iter::repeat_n(0, pad));
    v.extend_from_slice(&[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00]);
    v.extend_from_slice(&ethertype.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

#[test]
fn ieee80211_data_frames() {
    // Data, To-DS.
    assert_v4_at(105, &dot11(0x08, 0x01, None, 0, 0x0800, &syn_v4()), 32);
    // QoS data, From-DS.
    assert_v4_at(
        105,
        &dot11(0x88, 0x02, Some([0, 0]), 0, 0x0800, &syn_v4()),
        34,
    );
    // Four-address (WDS) QoS data.
    assert_v4_at(
        105,
        &dot11(0x88, 0x03, Some([0, 0]), 0, 0x0800, &syn_v4()),
        40,
    );
    // QoS data with HT control (Order bit).
    assert_v4_at(
        105,
        &dot11(0x88, 0x81, Some([0, 0]), 4, 0x0800, &syn_v4()),
        38,
    );
    assert_syn_v6(&ok(105, &dot11(0x08, 0x02, None, 0, 0x86dd, &syn_v6())));
}

#[test]
fn ieee80211_frames_without_readable_ip() {
    // Protected data.
    not_ip(105, &dot11(0x08, 0x41, None, 0, 0x0800, &syn_v4()));
    // Null data and QoS null carry no body.
    not_ip(105, &dot11(0x48, 0x01, None, 0, 0x0800, &syn_v4()));
    not_ip(105, &dot11(0xc8, 0x01, Some([0, 0]), 0, 0x0800, &syn_v4()));
    // A-MSDU.
    not_ip(
        105,
        &dot11(0x88, 0x01, Some([0x80, 0]), 0, 0x0800, &syn_v4()),
    );
    // Beacon (management).
    let mut beacon = dot11(0x80, 0x00, None, 0, 0x0800, &[]);
    beacon.truncate(24);
    beacon.extend_from_slice(&[0; 12]);
    not_ip(105, &beacon);
    // ARP over 802.11.
    not_ip(105, &dot11(0x08, 0x01, None, 0, 0x0806, &[0; 28]));
    link_cut(105, &dot11(0x08, 0x01, None, 0, 0x0800, &[])[..30]);
}

#[test]
fn radiotap_plain_and_padded() {
    // Minimal radiotap: version 0, length 8, no fields.
    let rt = [0, 0, 8, 0, 0, 0, 0, 0];
    let f = cat(&rt, &dot11(0x08, 0x01, None, 0, 0x0800, &syn_v4()));
    assert_v4_at(127, &f, 8 + 32);

    // TSFT + Flags (data pad 0x20) + Rate: fields at 8 (TSFT), 16 (flags), 17 (rate).
    let mut rt2 = vec![0, 0, 18, 0, 0x07, 0, 0, 0];
    rt2.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 0x20, 0x02]);
    // QoS data header is 26 bytes, padded to 28.
    let f2 = cat(&rt2, &dot11(0x88, 0x01, Some([0, 0]), 2, 0x0800, &syn_v4()));
    assert_v4_at(127, &f2, 18 + 36);

    // Flags only, with an extended presence bitmap: flags at byte 12.
    let mut rt3 = vec![0, 0, 13, 0, 0x02, 0, 0, 0x80, 0, 0, 0, 0];
    rt3.push(0x10); // FCS at end, no padding.
    let mut body = dot11(0x08, 0x01, None, 0, 0x0800, &syn_v4());
    body.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    let f3 = cat(&rt3, &body);
    let p = ok(127, &f3);
    assert_syn_v4(&p);

    link_cut(127, &[0, 0, 40, 0, 0, 0, 0, 0]);
}

#[test]
fn prism_and_avs() {
    let mut prism = vec![0u8; 144];
    prism[..4].copy_from_slice(&0x41u32.to_le_bytes());
    prism[4..8].copy_from_slice(&144u32.to_le_bytes());
    let f = cat(&prism, &dot11(0x08, 0x01, None, 0, 0x0800, &syn_v4()));
    assert_v4_at(119, &f, 144 + 32);

    let mut avs = vec![0u8; 64];
    avs[..4].copy_from_slice(&0x8021_1001u32.to_be_bytes());
    avs[4..8].copy_from_slice(&64u32.to_be_bytes());
    let f = cat(&avs, &dot11(0x08, 0x01, None, 0, 0x0800, &syn_v4()));
    assert_v4_at(163, &f, 64 + 32);
    // libpcap may deliver AVS under the Prism link type.
    assert_v4_at(119, &f, 64 + 32);
}

/// An NFLOG frame: header, a prefix TLV, a payload TLV, each padded to 4 bytes.
fn nflog(family: u8, little: bool, ip: &[u8]) -> Vec<u8> {
    let w = |v: u16| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let mut f = vec![family, 0, 0, 0];
    // NFULA_PREFIX (10): "abc\0" plus 1 byte, padded to 4.
    f.extend_from_slice(&w(9));
    f.extend_from_slice(&w(10));
    f.extend_from_slice(b"abcd\0\0\0\0");
    // NFULA_PAYLOAD (9).
    f.extend_from_slice(&w((4 + ip.len()) as u16));
    f.extend_from_slice(&w(9));
    f.extend_from_slice(ip);
    while !f.len().is_multiple_of(4) {
        f.push(0);
    }
    f
}

#[test]
fn nflog_both_byte_orders() {
    let v4 = syn_v4();
    let f = nflog(2, true, &v4);
    assert_syn_v4(&ok(239, &f));
    assert_eq!(ip_payload(LinkType::NFLOG, &f).unwrap().unwrap(), &v4[..]);
    assert_syn_v4(&ok(239, &nflog(2, false, &v4)));
    assert_syn_v6(&ok(239, &nflog(10, true, &syn_v6())));
    // A frame without a payload TLV.
    not_ip(239, &[2, 0, 0, 0, 8, 0, 10, 0, b'a', b'b', b'c', 0]);
    // A TLV shorter than its own header.
    link_cut(239, &[2, 0, 0, 0, 2, 0, 10, 0]);
}

#[test]
fn pflog() {
    // A 61-byte pf header (PFLOG_HDRLEN), padded to 64.
    let mut hdr = vec![0u8; 64];
    hdr[0] = 61;
    hdr[1] = 2;
    assert_v4_at(117, &cat(&hdr, &syn_v4()), 64);
    hdr[1] = 24;
    assert_syn_v6(&ok(117, &cat(&hdr, &syn_v6())));
    hdr[1] = 17;
    not_ip(117, &cat(&hdr, &syn_v4()));
    link_cut(117, &hdr[..40]);
}

#[test]
fn unsupported_link_types() {
    for n in [2, 6, 147, 240, 0xFFFF_FFFF] {
        assert!(!LinkType(n).is_supported());
        assert_eq!(err(n, &syn_v4()), DecodeError::UnsupportedLinkType(n));
        assert_eq!(
            ip_payload(LinkType(n), &syn_v4()),
            Err(DecodeError::UnsupportedLinkType(n))
        );
    }
    for l in LinkType::SUPPORTED {
        assert!(l.is_supported());
    }
}

#[test]
fn link_header_with_nothing_after_it() {
    // The EtherType says IPv4 but the frame ends: the IP layer has nothing to read.
    let e = err(1, &eth(&[0x0800], &[]));
    assert!(matches!(e, DecodeError::Truncated { .. }), "{e:?}");
    assert_eq!(
        ip_payload(LinkType::ETHERNET, &eth(&[0x0800], &[])),
        Ok(Some(&[][..]))
    );
}
