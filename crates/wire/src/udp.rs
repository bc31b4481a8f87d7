//! UDP over IPv4 and IPv6, for the handshakes that travel in UDP (QUIC, DTLS). p0f itself
//! never reads UDP; this decoder is separate from [`crate::decode`] so that TCP decoding
//! stays exactly p0f's.
//!
//! As for TCP, IPv4 fragments are dropped and IPv6 extension headers are not followed.
//! Datagrams tunnelled in GENEVE (UDP port 6081) or VXLAN (port 4789) are decoded down to
//! the inner UDP datagram (one level), since that is where the handshakes are.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::bytes::{array_at, be16, u8_at};
use crate::link::{self, LinkType};
use crate::tcp::MAX_PACKET_LEN;
use crate::{DecodeError, IpVersion, Layer};

/// IP protocol number of UDP.
const PROTO_UDP: u8 = 17;
/// UDP header length.
const UDP_HDR: usize = 8;
/// IPv6 fixed header length.
const IPV6_HDR: usize = 40;
/// GENEVE's UDP port (RFC 8926).
const GENEVE_PORT: u16 = 6081;
/// VXLAN's UDP port (RFC 7348).
const VXLAN_PORT: u16 = 4789;
/// Link types of the inner frames: Ethernet, raw IPv4, raw IPv6.
const LINK_ETHERNET: LinkType = LinkType(1);
const LINK_IPV4: LinkType = LinkType(228);
const LINK_IPV6: LinkType = LinkType(229);

/// A UDP datagram's addresses and payload, borrowed from the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UdpPacket<'a> {
    /// IP version.
    pub version: IpVersion,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// TTL or hop limit.
    pub ttl: u8,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// The UDP payload (to the UDP length, within the captured bytes).
    pub payload: &'a [u8],
}

/// Decodes one frame of the given link type as UDP.
///
/// # Errors
/// [`DecodeError::NotIp`] and [`DecodeError::UnsupportedLinkType`] as [`crate::decode`];
/// [`DecodeError::NotUdp`] for IP that does not carry UDP directly; [`DecodeError::Fragment`]
/// for an IPv4 fragment; [`DecodeError::Truncated`] when a header or the UDP length does
/// not fit the captured bytes.
pub fn decode_udp(link: LinkType, frame: &[u8]) -> Result<UdpPacket<'_>, DecodeError> {
    let outer = decode_udp_once(link, frame)?;
    Ok(tunnelled(&outer)
        .and_then(|(l, inner)| decode_udp_once(l, inner).ok())
        .unwrap_or(outer))
}

/// The inner frame of a GENEVE or VXLAN datagram, with its link type.
fn tunnelled<'a>(pkt: &UdpPacket<'a>) -> Option<(LinkType, &'a [u8])> {
    let p = pkt.payload;
    if pkt.dport == GENEVE_PORT || pkt.sport == GENEVE_PORT {
        // Version 0; options length in 4-byte words; protocol type; VNI.
        let first = u8_at(p, 0)?;
        if first >> 6 != 0 {
            return None;
        }
        let inner = p.get(8 + usize::from(first & 0x3f) * 4..)?;
        let link = match be16(p, 2)? {
            0x6558 => LINK_ETHERNET,
            0x0800 => LINK_IPV4,
            0x86dd => LINK_IPV6,
            _ => return None,
        };
        Some((link, inner))
    } else if pkt.dport == VXLAN_PORT || pkt.sport == VXLAN_PORT {
        // The I flag set; then an Ethernet frame.
        (u8_at(p, 0)? & 0x08 != 0).then_some(())?;
        Some((LINK_ETHERNET, p.get(8..)?))
    } else {
        None
    }
}

fn decode_udp_once(link: LinkType, frame: &[u8]) -> Result<UdpPacket<'_>, DecodeError> {
    let frame = frame.get(..MAX_PACKET_LEN).unwrap_or(frame);
    let ip = link::ip_payload(link, frame)?.ok_or(DecodeError::NotIp)?;
    // Where the IP header starts in the frame, for error offsets.
    let base = (ip.as_ptr() as usize).saturating_sub(frame.as_ptr() as usize);
    match u8_at(ip, 0).map(|b| b >> 4) {
        Some(4) => v4(ip, base),
        Some(6) => v6(ip, base),
        _ => Err(DecodeError::NotIp),
    }
}

fn v4(ip: &[u8], base: usize) -> Result<UdpPacket<'_>, DecodeError> {
    let cut = DecodeError::Truncated {
        layer: Layer::Ipv4,
        offset: base,
    };
    if u8_at(ip, 9).ok_or(cut)? != PROTO_UDP {
        return Err(DecodeError::NotUdp);
    }
    // More-fragments set or a non-zero offset: a fragment.
    if be16(ip, 6).ok_or(cut)? & 0x3fff != 0 {
        return Err(DecodeError::Fragment);
    }
    let hlen = usize::from(u8_at(ip, 0).ok_or(cut)? & 0x0f) * 4;
    let tot_len = usize::from(be16(ip, 2).ok_or(cut)?);
    if hlen < 20 || tot_len < hlen || tot_len > ip.len() {
        return Err(cut);
    }
    let src: [u8; 4] = array_at(ip, 12).ok_or(cut)?;
    let dst: [u8; 4] = array_at(ip, 16).ok_or(cut)?;
    udp(
        &ip[hlen..tot_len],
        base + hlen,
        IpVersion::V4,
        Ipv4Addr::from(src).into(),
        Ipv4Addr::from(dst).into(),
        u8_at(ip, 8).ok_or(cut)?,
    )
}

fn v6(ip: &[u8], base: usize) -> Result<UdpPacket<'_>, DecodeError> {
    let cut = DecodeError::Truncated {
        layer: Layer::Ipv6,
        offset: base,
    };
    if u8_at(ip, 6).ok_or(cut)? != PROTO_UDP {
        return Err(DecodeError::NotUdp);
    }
    let total = IPV6_HDR + usize::from(be16(ip, 4).ok_or(cut)?);
    if total > ip.len() {
        return Err(cut);
    }
    let src: [u8; 16] = array_at(ip, 8).ok_or(cut)?;
    let dst: [u8; 16] = array_at(ip, 24).ok_or(cut)?;
    udp(
        &ip[IPV6_HDR..total],
        base + IPV6_HDR,
        IpVersion::V6,
        Ipv6Addr::from(src).into(),
        Ipv6Addr::from(dst).into(),
        u8_at(ip, 7).ok_or(cut)?,
    )
}

fn udp(
    seg: &[u8],
    offset: usize,
    version: IpVersion,
    src: IpAddr,
    dst: IpAddr,
    ttl: u8,
) -> Result<UdpPacket<'_>, DecodeError> {
    let cut = DecodeError::Truncated {
        layer: Layer::Udp,
        offset,
    };
    let sport = be16(seg, 0).ok_or(cut)?;
    let dport = be16(seg, 2).ok_or(cut)?;
    let len = usize::from(be16(seg, 4).ok_or(cut)?);
    // A UDP length of 0 in IPv6 is a jumbogram's: the payload runs to the IP end.
    let end = if len == 0 && version == IpVersion::V6 {
        seg.len()
    } else {
        len
    };
    if end < UDP_HDR || end > seg.len() {
        return Err(cut);
    }
    Ok(UdpPacket {
        version,
        src,
        dst,
        ttl,
        sport,
        dport,
        payload: &seg[UDP_HDR..end],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ethernet + IPv4 + UDP with `payload`.
    fn eth_v4(payload: &[u8], flags_off: u16, proto: u8) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00]);
        let tot = 20 + 8 + payload.len();
        f.extend_from_slice(&[0x45, 0, (tot >> 8) as u8, tot as u8, 0, 1]);
        f.extend_from_slice(&flags_off.to_be_bytes());
        f.extend_from_slice(&[64, proto, 0, 0, 192, 0, 2, 1, 198, 51, 100, 7]);
        let ulen = 8 + payload.len();
        f.extend_from_slice(&[0xd4, 0x31, 0x01, 0xbb, (ulen >> 8) as u8, ulen as u8, 0, 0]);
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn ipv4_udp() {
        let mut f = eth_v4(b"hello", 0x4000, 17);
        f.extend_from_slice(&[0; 6]); // Ethernet padding past the IP length
        let p = decode_udp(LinkType(1), &f).unwrap();
        assert_eq!(p.src, IpAddr::from([192, 0, 2, 1]));
        assert_eq!(p.dst, IpAddr::from([198, 51, 100, 7]));
        assert_eq!((p.sport, p.dport, p.ttl), (54321, 443, 64));
        assert_eq!(p.payload, b"hello");
        assert_eq!(
            decode_udp(LinkType(1), &eth_v4(b"x", 0x2000, 17)),
            Err(DecodeError::Fragment)
        );
        assert_eq!(
            decode_udp(LinkType(1), &eth_v4(b"x", 0, 6)),
            Err(DecodeError::NotUdp)
        );
        let cut = eth_v4(b"hello", 0, 17);
        assert!(matches!(
            decode_udp(LinkType(1), &cut[..cut.len() - 2]),
            Err(DecodeError::Truncated { .. })
        ));
    }

    #[test]
    fn geneve_and_vxlan_inner_datagram() {
        let inner = eth_v4(b"quic", 0, 17);
        // GENEVE with 4 bytes of options, carrying IPv4 directly.
        let mut geneve = vec![0x01, 0x00, 0x08, 0x00, 0, 0, 7, 0, 1, 2, 3, 4];
        geneve.extend_from_slice(&inner[14..]);
        let mut outer = eth_v4(&geneve, 0, 17);
        outer[36..38].copy_from_slice(&6081u16.to_be_bytes());
        let p = decode_udp(LinkType(1), &outer).unwrap();
        assert_eq!((p.payload, p.dport), (&b"quic"[..], 443));
        // VXLAN carrying Ethernet.
        let mut vxlan = vec![0x08, 0, 0, 0, 0, 0, 7, 0];
        vxlan.extend_from_slice(&inner);
        let mut outer = eth_v4(&vxlan, 0, 17);
        outer[36..38].copy_from_slice(&4789u16.to_be_bytes());
        assert_eq!(decode_udp(LinkType(1), &outer).unwrap().payload, b"quic");
        // Not a tunnel after all: the outer datagram.
        let mut odd = eth_v4(&[0xff; 20], 0, 17);
        odd[36..38].copy_from_slice(&6081u16.to_be_bytes());
        assert_eq!(decode_udp(LinkType(1), &odd).unwrap().dport, 6081);
    }

    #[test]
    fn ipv6_udp() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0, 0, 11, 17, 57]);
        f.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        f.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        f.extend_from_slice(&[0x01, 0xbb, 0xc0, 0x00, 0, 11, 0, 0, b'a', b'b', b'c']);
        let p = decode_udp(LinkType(1), &f).unwrap();
        assert_eq!(
            (p.version, p.sport, p.dport, p.ttl),
            (IpVersion::V6, 443, 49152, 57)
        );
        assert_eq!(p.payload, b"abc");
        f[20] = 6;
        assert_eq!(decode_udp(LinkType(1), &f), Err(DecodeError::NotUdp));
    }
}
