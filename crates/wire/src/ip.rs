//! IPv4 and IPv6 headers: the length checks, drops and IP-level quirks of p0f 3.09b
//! (spec §3.3, §3.4).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::bytes::{array_at, be16, be32, u8_at};
use crate::{DecodeError, Layer, Quirks};

/// IP version of a packet or a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpVersion {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

/// Smallest IPv4 + TCP header length p0f accepts (`MIN_TCP4`).
const MIN_TCP4: usize = 40;
/// Smallest IPv6 + TCP header length p0f accepts (`MIN_TCP6`).
const MIN_TCP6: usize = 60;
/// IPv6 fixed header length.
const IPV6_HDR: usize = 40;
/// IP protocol number of TCP.
const PROTO_TCP: u8 = 6;

/// IPv4 reserved ("evil") bit of the flags/fragment-offset word.
const IP4_RESERVED: u16 = 0x8000;
/// IPv4 don't-fragment bit of the flags/fragment-offset word.
const IP4_DF: u16 = 0x4000;

/// The facts p0f takes from an IP header, and where its TCP segment lies. The addresses
/// are read by [`IpHeader::addresses`] straight from the packet, when they are needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IpHeader {
    /// IP version.
    pub(crate) version: IpVersion,
    /// TTL or hop limit.
    pub(crate) ttl: u8,
    /// DSCP.
    pub(crate) tos: u8,
    /// IPv4 options length (0 for IPv6).
    pub(crate) ip_opt_len: u8,
    /// IP header length: the TCP header starts here.
    pub(crate) hlen: usize,
    /// Packet length after the etherleak cut: the TCP segment ends here.
    pub(crate) len: usize,
    /// IP-level quirks.
    pub(crate) quirks: Quirks,
}

impl IpHeader {
    /// Source and destination addresses of `ip`, the packet this header was parsed from
    /// (whose length [`parse`] has checked).
    pub(crate) fn addresses(&self, ip: &[u8]) -> (IpAddr, IpAddr) {
        match self.version {
            IpVersion::V4 => {
                let src: [u8; 4] = array_at(ip, 12).unwrap_or_default();
                let dst: [u8; 4] = array_at(ip, 16).unwrap_or_default();
                (Ipv4Addr::from(src).into(), Ipv4Addr::from(dst).into())
            }
            IpVersion::V6 => {
                let src: [u8; 16] = array_at(ip, 8).unwrap_or_default();
                let dst: [u8; 16] = array_at(ip, 24).unwrap_or_default();
                (Ipv6Addr::from(src).into(), Ipv6Addr::from(dst).into())
            }
        }
    }
}

/// Decodes the IP header at the start of `ip`, which sits at byte `base` of the frame.
///
/// On success `hlen + 20 <= len <= ip.len()`.
pub(crate) fn parse(ip: &[u8], base: usize) -> Result<IpHeader, DecodeError> {
    let first = u8_at(ip, 0).ok_or(DecodeError::Truncated {
        layer: Layer::Link,
        offset: base,
    })?;
    match first >> 4 {
        4 => parse_v4(ip, base),
        6 => parse_v6(ip, base),
        _ => Err(DecodeError::NotIp),
    }
}

/// IPv4, spec §3.3. Every check of p0f is made; the protocol and fragment checks come
/// first so that a short non-TCP packet or fragment is reported as such (p0f drops all of
/// them alike, so the order is not observable).
fn parse_v4(ip: &[u8], base: usize) -> Result<IpHeader, DecodeError> {
    let cut = DecodeError::Truncated {
        layer: Layer::Ipv4,
        offset: base,
    };
    let first = u8_at(ip, 0).ok_or(cut)?;
    let proto = u8_at(ip, 9).ok_or(cut)?;
    let flags_off = be16(ip, 6).ok_or(cut)?;
    if proto != PROTO_TCP {
        return Err(DecodeError::NotTcp);
    }
    if flags_off & !(IP4_DF | IP4_RESERVED) != 0 {
        return Err(DecodeError::Fragment);
    }
    let tot_len = usize::from(be16(ip, 2).ok_or(cut)?);
    // Etherleak guard: bytes past tot_len are link padding.
    let len = ip.len().min(tot_len);
    let hlen = usize::from(first & 0x0F) * 4;
    if len < MIN_TCP4 || hlen < 20 || tot_len > ip.len() || hlen + 20 > len {
        return Err(cut);
    }

    let tos_byte = u8_at(ip, 1).ok_or(cut)?;
    let id = be16(ip, 4).ok_or(cut)?;
    let mut quirks = Quirks::empty();
    if tos_byte & 0x03 != 0 {
        quirks.insert(Quirks::ECN);
    }
    if flags_off & IP4_RESERVED != 0 {
        quirks.insert(Quirks::NZ_MBZ);
    }
    if flags_off & IP4_DF != 0 {
        quirks.insert(Quirks::DF);
        if id != 0 {
            quirks.insert(Quirks::NZ_ID);
        }
    } else if id == 0 {
        quirks.insert(Quirks::ZERO_ID);
    }

    Ok(IpHeader {
        version: IpVersion::V4,
        ttl: u8_at(ip, 8).ok_or(cut)?,
        tos: tos_byte >> 2,
        // hlen is at most 60.
        ip_opt_len: (hlen - 20) as u8,
        hlen,
        len,
        quirks,
    })
}

/// IPv6, spec §3.4. Extension headers are not followed, as in p0f.
fn parse_v6(ip: &[u8], base: usize) -> Result<IpHeader, DecodeError> {
    let cut = DecodeError::Truncated {
        layer: Layer::Ipv6,
        offset: base,
    };
    if u8_at(ip, 6).ok_or(cut)? != PROTO_TCP {
        return Err(DecodeError::NotTcp);
    }
    let total = IPV6_HDR + usize::from(be16(ip, 4).ok_or(cut)?);
    let len = ip.len().min(total);
    if len < MIN_TCP6 || total > ip.len() {
        return Err(cut);
    }

    let word = be32(ip, 0).ok_or(cut)?;
    let mut quirks = Quirks::empty();
    if word & 0x000F_FFFF != 0 {
        quirks.insert(Quirks::FLOW);
    }
    if (word >> 20) & 0x03 != 0 {
        quirks.insert(Quirks::ECN);
    }

    Ok(IpHeader {
        version: IpVersion::V6,
        ttl: u8_at(ip, 7).ok_or(cut)?,
        tos: ((word >> 22) & 0x3F) as u8,
        ip_opt_len: 0,
        hlen: IPV6_HDR,
        len,
        quirks,
    })
}
