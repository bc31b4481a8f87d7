//! The TCP header and the decode entry point: link layer → IP → TCP → options, into one
//! [`TcpPacket`] (spec §3, §3.5).

use std::net::IpAddr;

use crate::bytes::{be16, be32, u8_at};
use crate::options::{self, OptLayout};
use crate::{DecodeError, IpVersion, Layer, LinkType, Quirks, ip, link};

/// p0f's per-packet length cap (`SNAPLEN`): bytes past it are not seen.
pub const MAX_PACKET_LEN: usize = 65535;

/// Smallest TCP header.
const TCP_HDR: usize = 20;

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

    /// True when every bit of `mask` is set.
    pub fn has(self, mask: u8) -> bool {
        self.0 & mask == mask
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

impl<'a> TcpPacket<'a> {
    /// The same facts with another payload slice: lets a packet outlive its frame (for
    /// example, with the payload copied into a batch handed to another thread).
    pub fn with_payload<'b>(&self, payload: &'b [u8]) -> TcpPacket<'b> {
        TcpPacket {
            version: self.version,
            src: self.src,
            dst: self.dst,
            ttl: self.ttl,
            tos: self.tos,
            ip_opt_len: self.ip_opt_len,
            tot_hdr: self.tot_hdr,
            src_port: self.src_port,
            dst_port: self.dst_port,
            seq: self.seq,
            ack: self.ack,
            flags: self.flags,
            win: self.win,
            mss: self.mss,
            wscale: self.wscale,
            ts1: self.ts1,
            opt_layout: self.opt_layout,
            eol_pad: self.eol_pad,
            quirks: self.quirks,
            payload,
        }
    }
}

/// Decodes one captured frame into a [`TcpPacket`].
///
/// Frames longer than [`MAX_PACKET_LEN`] are cut to it first, as p0f does. The link layer
/// is decoded per [`link::ip_payload`]; the IP and TCP checks, drops and quirks are p0f
/// 3.09b's (spec §3.3–3.7), bugs included.
///
/// # Errors
/// A [`DecodeError`] naming why the frame is not a TCP packet p0f would look at.
///
/// # Example
/// ```
/// use p0fmod_wire::{LinkType, decode};
///
/// // A raw IPv4 SYN: DF, TTL 64, 192.0.2.10:40000 -> 198.51.100.20:80, MSS 1460, EOL.
/// let frame = [
///     0x45, 0, 0, 48, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 10, 198, 51, 100, 20,
///     0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x70, 0x02, 0x20, 0, 0, 0, 0, 0,
///     2, 4, 0x05, 0xb4, 0, 0, 0, 0,
/// ];
/// let p = decode(LinkType::RAW, &frame).unwrap();
/// assert_eq!((p.ttl, p.mss, p.win, p.eol_pad), (64, 1460, 8192, 3));
/// assert_eq!(p.opt_layout.as_slice(), &[2, 0]);
/// assert_eq!(p.quirks.to_string(), "df,id+");
/// ```
///
/// A GENEVE packet (UDP port 6081) is opened and its inner frame decoded instead
/// ([`crate::tunnel`]): p0f does not open tunnels, and reports nothing for them.
pub fn decode(link: LinkType, frame: &[u8]) -> Result<TcpPacket<'_>, DecodeError> {
    match decode_direct(link, frame) {
        Err(DecodeError::NotTcp) => match crate::tunnel::geneve_inner(link, frame) {
            Some((inner_link, inner)) => decode_direct(inner_link, inner),
            None => Err(DecodeError::NotTcp),
        },
        other => other,
    }
}

/// [`decode`] without opening tunnels.
fn decode_direct(link: LinkType, frame: &[u8]) -> Result<TcpPacket<'_>, DecodeError> {
    let frame = frame.get(..MAX_PACKET_LEN).unwrap_or(frame);
    let span = link::locate(link, frame)?.ok_or(DecodeError::NotIp)?;
    let ip_bytes = frame.get(span.start..span.end).unwrap_or(&[]);
    let ip = ip::parse(ip_bytes, span.start)?;
    let tcp_offset = span.start + ip.hlen;
    let tcp = ip_bytes.get(ip.hlen..ip.len).unwrap_or(&[]);
    let cut = DecodeError::Truncated {
        layer: Layer::Tcp,
        offset: tcp_offset,
    };

    let doff = usize::from(u8_at(tcp, 12).ok_or(cut)? >> 4) * 4;
    if doff < TCP_HDR || doff > tcp.len() {
        return Err(cut);
    }
    let flags = TcpFlags(u8_at(tcp, 13).ok_or(cut)?);
    let tcp_type = flags.kind();
    let syn = tcp_type & TcpFlags::SYN != 0;
    let fin = tcp_type & TcpFlags::FIN != 0;
    let rst = tcp_type & TcpFlags::RST != 0;
    if tcp_type == 0 || (syn && (fin || rst)) || (fin && rst) {
        return Err(DecodeError::IgnoredFlags(flags.0));
    }

    let seq = be32(tcp, 4).ok_or(cut)?;
    let ack = be32(tcp, 8).ok_or(cut)?;
    let urg_ptr = be16(tcp, 18).ok_or(cut)?;
    let ns = u8_at(tcp, 12).ok_or(cut)? & 0x01 != 0;

    let mut quirks = ip.quirks;
    if flags.0 & (TcpFlags::ECE | TcpFlags::CWR) != 0 || ns {
        quirks.insert(Quirks::ECN);
    }
    if seq == 0 {
        quirks.insert(Quirks::ZERO_SEQ);
    }
    if flags.has(TcpFlags::ACK) {
        if ack == 0 {
            quirks.insert(Quirks::ZERO_ACK);
        }
    } else if !rst && (ack >> 24) & 1 != 0 {
        // p0f's bug: the ACK word read in host (little-endian) order is ANDed with
        // "not RST", which tests the low bit of the number's most significant byte.
        quirks.insert(Quirks::NZ_ACK);
    }
    if flags.has(TcpFlags::URG) {
        quirks.insert(Quirks::URG);
    } else if urg_ptr != 0 {
        quirks.insert(Quirks::NZ_URG);
    }
    if flags.has(TcpFlags::PSH) {
        quirks.insert(Quirks::PUSH);
    }

    let opts = options::walk(tcp.get(TCP_HDR..doff).unwrap_or(&[]), tcp_type);
    quirks.insert(opts.quirks);

    let (src, dst) = ip.addresses(ip_bytes);
    Ok(TcpPacket {
        version: ip.version,
        src,
        dst,
        ttl: ip.ttl,
        tos: ip.tos,
        ip_opt_len: ip.ip_opt_len,
        // At most 60 + 60 bytes.
        tot_hdr: (ip.hlen + doff) as u16,
        src_port: be16(tcp, 0).ok_or(cut)?,
        dst_port: be16(tcp, 2).ok_or(cut)?,
        seq,
        ack,
        flags,
        win: be16(tcp, 14).ok_or(cut)?,
        mss: opts.mss,
        wscale: opts.wscale,
        ts1: opts.ts1,
        opt_layout: opts.layout,
        eol_pad: opts.eol_pad,
        quirks,
        payload: tcp.get(doff..).unwrap_or(&[]),
    })
}
