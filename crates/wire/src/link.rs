//! Link layers: from a captured frame and its link type to the start of the IP header.
//!
//! Every supported header is decoded properly (no guessing of offsets, unlike p0f's
//! `find_offset`): Ethernet II with stacked VLAN tags, PPPoE, MPLS and 802.3 LLC/SNAP, BSD
//! NULL and LOOP, raw IP, Linux cooked v1 and v2, PPP and Cisco HDLC, IEEE 802.11 behind
//! radiotap, Prism or AVS headers, NFLOG and PFLOG.

use crate::bytes::{array_at, be16, be32, le16, le32, u8_at};
use crate::{DecodeError, IpVersion, Layer};

/// A capture's link type (the pcap `LINKTYPE_*` value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: 4-byte address family in host byte order (either order is accepted).
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II, with any stack of 802.1Q / 802.1ad tags, PPPoE, MPLS and 802.3 LLC/SNAP.
    pub const ETHERNET: LinkType = LinkType(1);
    /// PPP: optional `FF 03` address and control, then a 1- or 2-byte protocol.
    pub const PPP: LinkType = LinkType(9);
    /// Raw IP (`DLT_RAW` on most systems); the version comes from the first nibble.
    pub const RAW_DLT: LinkType = LinkType(12);
    /// Raw IP (`DLT_RAW` on OpenBSD).
    pub const RAW_OPENBSD: LinkType = LinkType(14);
    /// PPP in HDLC-like framing, or Cisco HDLC (`LINKTYPE_PPP_HDLC`, `DLT_PPP_SERIAL`).
    pub const PPP_HDLC: LinkType = LinkType(50);
    /// PPPoE session header followed by a PPP protocol field.
    pub const PPP_ETHER: LinkType = LinkType(51);
    /// Raw IP (`LINKTYPE_RAW`).
    pub const RAW: LinkType = LinkType(101);
    /// Cisco HDLC: address, control, then an EtherType.
    pub const C_HDLC: LinkType = LinkType(104);
    /// IEEE 802.11 frames without a radio header.
    pub const IEEE802_11: LinkType = LinkType(105);
    /// OpenBSD loopback: 4-byte address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux cooked capture v1 (16-byte header).
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// OpenBSD pf log: a length-prefixed header padded to 4 bytes.
    pub const PFLOG: LinkType = LinkType(117);
    /// IEEE 802.11 behind a Prism monitor-mode header (or an AVS header, which shares it).
    pub const PRISM: LinkType = LinkType(119);
    /// IEEE 802.11 behind a radiotap header.
    pub const RADIOTAP: LinkType = LinkType(127);
    /// IEEE 802.11 behind an AVS monitor-mode header.
    pub const AVS: LinkType = LinkType(163);
    /// Raw IPv4.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6.
    pub const IPV6: LinkType = LinkType(229);
    /// Linux netfilter log: a 4-byte header, then TLVs; TLV 9 is the IP packet.
    pub const NFLOG: LinkType = LinkType(239);
    /// Linux cooked capture v2 (20-byte header).
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// Every link type [`ip_payload`] and [`crate::decode`] understand.
    pub const SUPPORTED: [LinkType; 20] = [
        LinkType::NULL,
        LinkType::ETHERNET,
        LinkType::PPP,
        LinkType::RAW_DLT,
        LinkType::RAW_OPENBSD,
        LinkType::PPP_HDLC,
        LinkType::PPP_ETHER,
        LinkType::RAW,
        LinkType::C_HDLC,
        LinkType::IEEE802_11,
        LinkType::LOOP,
        LinkType::LINUX_SLL,
        LinkType::PFLOG,
        LinkType::PRISM,
        LinkType::RADIOTAP,
        LinkType::AVS,
        LinkType::IPV4,
        LinkType::IPV6,
        LinkType::NFLOG,
        LinkType::LINUX_SLL2,
    ];

    /// True when this crate decodes the link type.
    pub fn is_supported(self) -> bool {
        LinkType::SUPPORTED.contains(&self)
    }
}

/// Finds the IP header inside a frame of the given link type.
///
/// Returns the bytes from the first byte of the IPv4 or IPv6 header to the end of the
/// frame (for NFLOG, to the end of the payload TLV), or `None` when the frame carries no IP
/// packet (ARP, LLDP, a non-data or protected 802.11 frame, an MPLS pseudowire, ...).
/// When a frame's link header names the IP version (EtherType, address family, PPP
/// protocol), an IP header of the other version is reported as `None` too.
///
/// # Errors
/// [`DecodeError::UnsupportedLinkType`] for a link type this crate cannot decode, and
/// [`DecodeError::Truncated`] (layer [`Layer::Link`]) when the frame ends inside a link-layer
/// header.
pub fn ip_payload(link: LinkType, frame: &[u8]) -> Result<Option<&[u8]>, DecodeError> {
    Ok(locate(link, frame)?.and_then(|span| frame.get(span.start..span.end)))
}

/// Where the IP packet sits in a frame: `frame[start..end]`, with `start <= end <= len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// Offset of the first byte of the IP header.
    pub(crate) start: usize,
    /// End of the bytes that belong to the IP packet.
    pub(crate) end: usize,
}

/// What a link header found: an IP span, nothing IP, or a truncated header.
type Found = Result<Option<Span>, DecodeError>;

const ETH_IPV4: u16 = 0x0800;
const ETH_IPV6: u16 = 0x86DD;
const ETH_VLAN: u16 = 0x8100;
const ETH_QINQ: u16 = 0x88A8;
const ETH_QINQ_OLD: u16 = 0x9100;
const ETH_PPPOE_SESSION: u16 = 0x8864;
const ETH_MPLS_UNICAST: u16 = 0x8847;
const ETH_MPLS_MULTICAST: u16 = 0x8848;
/// Largest 802.3 length; EtherType values start at 0x0600.
const ETH_MAX_8023_LEN: u16 = 1500;

const PPP_IPV4: u16 = 0x0021;
const PPP_IPV6: u16 = 0x0057;

/// IEEE 802.2 LLC header announcing SNAP: DSAP 0xAA, SSAP 0xAA, UI control.
const LLC_SNAP: [u8; 3] = [0xAA, 0xAA, 0x03];

/// NFLOG TLV type of the logged packet.
const NFULA_PAYLOAD: u16 = 9;

/// The offset at which a link header was cut short.
fn cut(offset: usize) -> DecodeError {
    DecodeError::Truncated {
        layer: Layer::Link,
        offset,
    }
}

/// Decides where the IP packet of a frame is; see [`ip_payload`].
pub(crate) fn locate(link: LinkType, frame: &[u8]) -> Found {
    match link {
        LinkType::ETHERNET => {
            let ty = be16(frame, 12).ok_or(cut(0))?;
            ethertype(frame, ty, 14)
        }
        LinkType::NULL => {
            let le = le32(frame, 0).ok_or(cut(0))?;
            let be = be32(frame, 0).ok_or(cut(0))?;
            match address_family(le).or_else(|| address_family(be)) {
                Some(v) => ip_at(frame, 4, Some(v)),
                None => Ok(None),
            }
        }
        LinkType::LOOP => {
            let af = be32(frame, 0).ok_or(cut(0))?;
            match address_family(af) {
                Some(v) => ip_at(frame, 4, Some(v)),
                None => Ok(None),
            }
        }
        LinkType::RAW_DLT | LinkType::RAW_OPENBSD | LinkType::RAW => ip_at(frame, 0, None),
        LinkType::IPV4 => ip_at(frame, 0, Some(IpVersion::V4)),
        LinkType::IPV6 => ip_at(frame, 0, Some(IpVersion::V6)),
        LinkType::LINUX_SLL => {
            let ty = be16(frame, 14).ok_or(cut(0))?;
            ethertype(frame, ty, 16)
        }
        LinkType::LINUX_SLL2 => {
            if frame.len() < 20 {
                return Err(cut(0));
            }
            let ty = be16(frame, 0).ok_or(cut(0))?;
            ethertype(frame, ty, 20)
        }
        LinkType::PPP => ppp(frame, 0),
        LinkType::PPP_HDLC => match (u8_at(frame, 0), u8_at(frame, 1)) {
            (Some(0xFF), Some(0x03)) => ppp(frame, 0),
            (Some(0x0F | 0x8F), Some(0x00)) => cisco_hdlc(frame),
            (Some(_), Some(_)) => Ok(None),
            _ => Err(cut(0)),
        },
        LinkType::C_HDLC => cisco_hdlc(frame),
        LinkType::PPP_ETHER => pppoe_session(frame, 0),
        LinkType::IEEE802_11 => ieee80211(frame, 0, false),
        LinkType::RADIOTAP => radiotap(frame),
        LinkType::PRISM => prism(frame),
        LinkType::AVS => avs(frame),
        LinkType::NFLOG => nflog(frame),
        LinkType::PFLOG => pflog(frame),
        LinkType(other) => Err(DecodeError::UnsupportedLinkType(other)),
    }
}

/// The IP version named by a BSD / Linux / Windows address family value.
fn address_family(af: u32) -> Option<IpVersion> {
    match af {
        2 => Some(IpVersion::V4),
        // Linux 10, Windows 23, OpenBSD/NetBSD 24, FreeBSD 28, Darwin 30.
        10 | 23 | 24 | 28 | 30 => Some(IpVersion::V6),
        _ => None,
    }
}

/// The IP packet starting at `start`, if its version nibble is 4 or 6 and agrees with
/// `expect`. A frame that ends right at `start` gives an empty span (the IP decoder reports
/// the truncation).
fn ip_at(frame: &[u8], start: usize, expect: Option<IpVersion>) -> Found {
    ip_span(frame, start, frame.len(), expect)
}

/// As [`ip_at`], for an IP packet that ends at `end` rather than at the end of the frame.
fn ip_span(frame: &[u8], start: usize, end: usize, expect: Option<IpVersion>) -> Found {
    let end = end.min(frame.len());
    if start > end {
        return Err(cut(start.min(frame.len())));
    }
    let span = Span { start, end };
    let Some(first) = frame.get(start..end).and_then(|b| b.first()) else {
        return Ok(Some(span));
    };
    let found = match first >> 4 {
        4 => IpVersion::V4,
        6 => IpVersion::V6,
        _ => return Ok(None),
    };
    match expect {
        Some(v) if v != found => Ok(None),
        _ => Ok(Some(span)),
    }
}

/// Follows an EtherType chain starting with `ty`, whose payload starts at `off`: VLAN tags,
/// PPPoE sessions, MPLS label stacks and 802.3 LLC/SNAP, down to IPv4 or IPv6.
fn ethertype(frame: &[u8], mut ty: u16, mut off: usize) -> Found {
    loop {
        match ty {
            ETH_IPV4 => return ip_at(frame, off, Some(IpVersion::V4)),
            ETH_IPV6 => return ip_at(frame, off, Some(IpVersion::V6)),
            ETH_VLAN | ETH_QINQ | ETH_QINQ_OLD => {
                // Tag control information (2 bytes), then the next EtherType.
                ty = be16(frame, off + 2).ok_or(cut(off))?;
                off += 4;
            }
            ETH_PPPOE_SESSION => return pppoe_session(frame, off),
            ETH_MPLS_UNICAST | ETH_MPLS_MULTICAST => return mpls(frame, off),
            len if len <= ETH_MAX_8023_LEN => {
                // 802.3 length field: only LLC + SNAP carries an EtherType.
                let llc = frame.get(off..off + 3).ok_or(cut(off))?;
                if llc != LLC_SNAP {
                    return Ok(None);
                }
                ty = be16(frame, off + 6).ok_or(cut(off))?;
                off += 8;
            }
            _ => return Ok(None),
        }
    }
}

/// A PPPoE session header (version/type, code, session id, length) at `off`, then the
/// PPP protocol field (compressed to one byte by some peers, against RFC 2516).
fn pppoe_session(frame: &[u8], off: usize) -> Found {
    if frame.len() < off + 6 {
        return Err(cut(off));
    }
    ppp_protocol(frame, off + 6, off)
}

/// A PPP header at `off`: optional `FF 03`, then the protocol field.
fn ppp(frame: &[u8], off: usize) -> Found {
    if frame.get(off..off + 2) == Some(&[0xFF, 0x03]) {
        ppp_protocol(frame, off + 2, off)
    } else {
        ppp_protocol(frame, off, off)
    }
}

/// A PPP protocol field at `at` (one byte when odd, i.e. compressed, else two), and the
/// payload after it; `hdr` is where the enclosing header starts, for errors.
fn ppp_protocol(frame: &[u8], at: usize, hdr: usize) -> Found {
    let first = u8_at(frame, at).ok_or(cut(hdr))?;
    let (proto, payload) = if first & 1 == 1 {
        (u16::from(first), at + 1)
    } else {
        (be16(frame, at).ok_or(cut(hdr))?, at + 2)
    };
    match proto {
        PPP_IPV4 => ip_at(frame, payload, Some(IpVersion::V4)),
        PPP_IPV6 => ip_at(frame, payload, Some(IpVersion::V6)),
        _ => Ok(None),
    }
}

/// Cisco HDLC: address, control, EtherType.
fn cisco_hdlc(frame: &[u8]) -> Found {
    let ty = be16(frame, 2).ok_or(cut(0))?;
    ethertype(frame, ty, 4)
}

/// An MPLS label stack at `off`: skip to the bottom-of-stack entry, then the payload is IP
/// if its first nibble says 4 or 6 (a pseudowire or anything else gives `None`).
fn mpls(frame: &[u8], mut off: usize) -> Found {
    loop {
        let entry = be32(frame, off).ok_or(cut(off))?;
        off += 4;
        if entry & 0x100 != 0 {
            return ip_at(frame, off, None);
        }
    }
}

/// Radiotap: version 0, length (little-endian) at bytes 2..4, then an 802.11 frame. The
/// Flags field (present bit 1) tells whether the 802.11 header is padded to 4 bytes.
fn radiotap(frame: &[u8]) -> Found {
    let len = usize::from(le16(frame, 2).ok_or(cut(0))?);
    if len < 8 || len > frame.len() {
        return Err(cut(0));
    }
    let header = frame.get(..len).ok_or(cut(0))?;
    let present = le32(header, 4).ok_or(cut(0))?;
    // Extended presence words follow while bit 31 is set; the fields come after them.
    let mut pos = 8;
    let mut word = present;
    while word & 0x8000_0000 != 0 {
        word = le32(header, pos).ok_or(cut(0))?;
        pos += 4;
    }
    let mut data_pad = false;
    if present & 0b01 != 0 {
        // TSFT: 8 bytes, aligned to 8.
        pos = pos.next_multiple_of(8) + 8;
    }
    if present & 0b10 != 0 {
        let flags = u8_at(header, pos).ok_or(cut(0))?;
        data_pad = flags & 0x20 != 0;
    }
    ieee80211(frame, len, data_pad)
}

/// Prism monitor header: message length at bytes 4..8 in the capturing host's byte order.
/// libpcap also delivers AVS headers under this link type; they are told apart by magic.
fn prism(frame: &[u8]) -> Found {
    let magic = be32(frame, 0).ok_or(cut(0))?;
    if magic & 0xFFFF_F000 == 0x8021_1000 {
        return avs(frame);
    }
    let le = le32(frame, 4).ok_or(cut(0))?;
    let be = be32(frame, 4).ok_or(cut(0))?;
    let fits = |n: u32| {
        usize::try_from(n)
            .ok()
            .filter(|&n| n >= 8 && n <= frame.len())
    };
    let len = fits(le).or_else(|| fits(be)).ok_or(cut(0))?;
    ieee80211(frame, len, false)
}

/// AVS monitor header: magic and version, then its length (big-endian) at bytes 4..8.
fn avs(frame: &[u8]) -> Found {
    let len = usize::try_from(be32(frame, 4).ok_or(cut(0))?).map_err(|_| cut(0))?;
    if len < 8 || len > frame.len() {
        return Err(cut(0));
    }
    ieee80211(frame, len, false)
}

/// An IEEE 802.11 frame at `off`. Only unprotected data frames that carry a body are
/// followed; `data_pad` rounds the MAC header up to 4 bytes (radiotap's padding flag).
fn ieee80211(frame: &[u8], off: usize, data_pad: bool) -> Found {
    let [fc0, fc1] = array_at::<2>(frame, off).ok_or(cut(off))?;
    let version = fc0 & 0x03;
    let kind = (fc0 >> 2) & 0x03;
    let subtype = fc0 >> 4;
    // Version 0, data type, and a subtype that carries a body (not Null / QoS Null).
    if version != 0 || kind != 2 || subtype & 0x04 != 0 {
        return Ok(None);
    }
    // Protected (encrypted) frames cannot be read.
    if fc1 & 0x40 != 0 {
        return Ok(None);
    }
    let mut hdr = 24;
    if fc1 & 0x03 == 0x03 {
        // To-DS and From-DS: a fourth address.
        hdr += 6;
    }
    if subtype & 0x08 != 0 {
        // QoS control; an A-MSDU body holds subframes, not an LLC header.
        let qos = u8_at(frame, off + hdr).ok_or(cut(off))?;
        if qos & 0x80 != 0 {
            return Ok(None);
        }
        hdr += 2;
        if fc1 & 0x80 != 0 {
            // HT control, present on QoS data when the Order bit is set.
            hdr += 4;
        }
    }
    if data_pad {
        hdr = hdr.next_multiple_of(4);
    }
    let body = off + hdr;
    let llc = frame.get(body..body + 3).ok_or(cut(off))?;
    if llc != LLC_SNAP {
        return Ok(None);
    }
    let ty = be16(frame, body + 6).ok_or(cut(off))?;
    ethertype(frame, ty, body + 8)
}

/// NFLOG: family, version, resource id, then TLVs (length and type in the capturing host's
/// byte order, padded to 4 bytes). The payload TLV holds the IP packet.
fn nflog(frame: &[u8]) -> Found {
    let family = u8_at(frame, 0).ok_or(cut(0))?;
    if frame.len() < 4 {
        return Err(cut(0));
    }
    let expect = match family {
        2 => Some(IpVersion::V4),
        10 => Some(IpVersion::V6),
        _ => None,
    };
    // TLV types are small, so the byte order shows in the first TLV's type field: a
    // big-endian type has a zero low byte.
    let little = match frame.get(6..8) {
        Some(&[lo, hi]) => !(lo == 0 && hi != 0),
        _ => true,
    };
    let read16 = |at: usize| {
        if little {
            le16(frame, at)
        } else {
            be16(frame, at)
        }
    };
    let mut pos = 4;
    while pos < frame.len() {
        let len = usize::from(read16(pos).ok_or(cut(pos))?);
        let ty = read16(pos + 2).ok_or(cut(pos))? & 0x3FFF;
        if len < 4 {
            return Err(cut(pos));
        }
        if ty == NFULA_PAYLOAD {
            return ip_span(frame, pos + 4, pos + len, expect);
        }
        pos += len.next_multiple_of(4);
    }
    Ok(None)
}

/// PFLOG: header length in byte 0 (padded to 4 bytes), address family in byte 1.
fn pflog(frame: &[u8]) -> Found {
    let (Some(len), Some(af)) = (u8_at(frame, 0), u8_at(frame, 1)) else {
        return Err(cut(0));
    };
    let start = usize::from(len).next_multiple_of(4);
    if start < 4 || start > frame.len() {
        return Err(cut(0));
    }
    match address_family(u32::from(af)) {
        Some(v) => ip_at(frame, start, Some(v)),
        None => Ok(None),
    }
}
