//! Tunnels p0fmod opens and p0f does not: GENEVE (RFC 8926, UDP port 6081). The inner
//! frame of a tunnelled packet is decoded as if it had been captured alone, so that the
//! connections inside the tunnel are fingerprinted under their own addresses (as tshark
//! and the TLS test oracle see them). One level only: a tunnel inside a tunnel is not
//! opened.

use crate::link::LinkType;
use crate::udp::decode_udp;

/// GENEVE's UDP port (RFC 8926 §3.3).
pub const GENEVE_PORT: u16 = 6081;

/// The inner frame of a GENEVE packet and its link type, if `frame` is one: version 0, its
/// options skipped, carrying Ethernet (0x6558), IPv4 or IPv6.
///
/// ```
/// use p0fmod_wire::{LinkType, tunnel::geneve_inner};
///
/// // Raw IPv4 / UDP to port 6081 / GENEVE (no options, Ethernet) / 4 bytes of inner frame.
/// let mut frame = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
/// frame.extend_from_slice(&[0x30, 0x39, 0x17, 0xc1, 0, 20, 0, 0]);
/// frame.extend_from_slice(&[0, 0, 0x65, 0x58, 0, 0, 7, 0, 1, 2, 3, 4]);
/// let (link, inner) = geneve_inner(LinkType::RAW, &frame).unwrap();
/// assert_eq!((link, inner), (LinkType::ETHERNET, &[1u8, 2, 3, 4][..]));
/// ```
pub fn geneve_inner(link: LinkType, frame: &[u8]) -> Option<(LinkType, &[u8])> {
    let udp = decode_udp(link, frame).ok()?;
    if udp.dport != GENEVE_PORT {
        return None;
    }
    let h = udp.payload;
    let first = *h.first()?;
    if first >> 6 != 0 {
        return None;
    }
    let options = usize::from(first & 0x3f) * 4;
    let protocol = u16::from_be_bytes([*h.get(2)?, *h.get(3)?]);
    let inner = h.get(8 + options..)?;
    let inner_link = match protocol {
        0x6558 => LinkType::ETHERNET,
        0x0800 => LinkType::IPV4,
        0x86dd => LinkType::IPV6,
        _ => return None,
    };
    Some((inner_link, inner))
}

#[cfg(test)]
mod tests {
    use crate::{DecodeError, LinkType, decode};

    /// A raw IPv4 SYN (the example of `decode`).
    const SYN: [u8; 48] = [
        0x45, 0, 0, 48, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 10, 198, 51, 100, 20, 0x9c,
        0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x70, 0x02, 0x20, 0, 0, 0, 0, 0, 2, 4, 0x05, 0xb4, 0,
        0, 0, 0,
    ];

    fn geneve(port: u16, protocol: u16, options: &[u8], inner: &[u8]) -> Vec<u8> {
        let udp_len = 8 + 8 + options.len() + inner.len();
        let mut f = vec![
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        f[2..4].copy_from_slice(&((20 + udp_len) as u16).to_be_bytes());
        f.extend_from_slice(&[0x30, 0x39]);
        f.extend_from_slice(&port.to_be_bytes());
        f.extend_from_slice(&(udp_len as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0, (options.len() / 4) as u8, 0]);
        f.extend_from_slice(&protocol.to_be_bytes());
        f.extend_from_slice(&[0, 0, 7, 0]);
        f.extend_from_slice(options);
        f.extend_from_slice(inner);
        f
    }

    #[test]
    fn tcp_inside_geneve_is_decoded_with_its_own_addresses() {
        let frame = geneve(6081, 0x0800, &[0, 1, 2, 1, 0xaa, 0xbb, 0xcc, 0xdd], &SYN);
        let p = decode(LinkType::RAW, &frame).unwrap();
        assert_eq!(p.src, "192.0.2.10".parse::<std::net::IpAddr>().unwrap());
        assert_eq!((p.src_port, p.dst_port, p.mss), (40000, 80, 1460));
        // Another port, or another inner protocol: not opened.
        let other = geneve(6082, 0x0800, &[], &SYN);
        assert_eq!(decode(LinkType::RAW, &other), Err(DecodeError::NotTcp));
        let other = geneve(6081, 0x0806, &[], &SYN);
        assert_eq!(decode(LinkType::RAW, &other), Err(DecodeError::NotTcp));
    }
}
