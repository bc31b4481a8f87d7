//! Shared test helpers: hand-built IPv4/IPv6/TCP packets, packets built with etherparse,
//! and a minimal classic-pcap reader for the shared captures.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::PacketBuilder;
use p0fmod_wire::{DecodeError, IpVersion, LinkType, TcpPacket, decode};

/// Client address of the test packets.
pub const SRC4: [u8; 4] = [192, 0, 2, 10];
/// Server address of the test packets.
pub const DST4: [u8; 4] = [198, 51, 100, 20];
/// IPv6 client address.
pub const SRC6: [u8; 16] = [
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];
/// IPv6 server address.
pub const DST6: [u8; 16] = [
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20,
];

/// A modern Linux SYN's options: mss 1460, sok, ts (100, 0), nop, ws 7.
pub const LINUX_OPTS: [u8; 20] = [
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0, 0, 0, 100, 0, 0, 0, 0, 0x01, 0x03, 0x03,
    0x07,
];

/// The layout of [`LINUX_OPTS`].
pub const LINUX_LAYOUT: [u8; 5] = [2, 4, 8, 1, 3];

/// A Linux-like IPv4 SYN (no link header) built with etherparse: 192.0.2.10:40000 →
/// 198.51.100.20:80, TTL 64, DF, seq 1000, window 29200, [`LINUX_OPTS`].
pub fn syn_v4() -> Vec<u8> {
    let b = PacketBuilder::ipv4(SRC4, DST4, 64)
        .tcp(40000, 80, 1000, 29200)
        .syn()
        .options_raw(&LINUX_OPTS)
        .unwrap();
    let mut out = Vec::new();
    b.write(&mut out, &[]).unwrap();
    out
}

/// The IPv6 twin of [`syn_v4`] (hop limit 64, no flow label).
pub fn syn_v6() -> Vec<u8> {
    let b = PacketBuilder::ipv6(SRC6, DST6, 64)
        .tcp(40000, 80, 1000, 29200)
        .syn()
        .options_raw(&LINUX_OPTS)
        .unwrap();
    let mut out = Vec::new();
    b.write(&mut out, &[]).unwrap();
    out
}

/// Asserts that `p` is the packet of [`syn_v4`].
pub fn assert_syn_v4(p: &TcpPacket<'_>) {
    assert_eq!(p.version, IpVersion::V4);
    assert_eq!(p.src, IpAddr::V4(Ipv4Addr::from(SRC4)));
    assert_eq!(p.dst, IpAddr::V4(Ipv4Addr::from(DST4)));
    assert_eq!((p.src_port, p.dst_port), (40000, 80));
    assert_eq!((p.seq, p.ack, p.win), (1000, 0, 29200));
    assert_eq!(p.ttl, 64);
    assert_eq!(p.ip_opt_len, 0);
    assert_eq!(p.tot_hdr, 20 + 40);
    assert_eq!((p.mss, p.wscale, p.ts1), (1460, 7, 100));
    assert_eq!(p.opt_layout.as_slice(), &LINUX_LAYOUT);
    assert_eq!(p.quirks.to_string(), "df");
    assert!(p.payload.is_empty());
}

/// Asserts that `p` is the packet of [`syn_v6`].
pub fn assert_syn_v6(p: &TcpPacket<'_>) {
    assert_eq!(p.version, IpVersion::V6);
    assert_eq!(p.src, IpAddr::V6(Ipv6Addr::from(SRC6)));
    assert_eq!(p.dst, IpAddr::V6(Ipv6Addr::from(DST6)));
    assert_eq!((p.src_port, p.dst_port), (40000, 80));
    assert_eq!(p.ttl, 64);
    assert_eq!(p.tot_hdr, 40 + 40);
    assert_eq!((p.mss, p.wscale, p.ts1), (1460, 7, 100));
    assert_eq!(p.opt_layout.as_slice(), &LINUX_LAYOUT);
    assert!(p.quirks.is_empty());
}

/// Prefixes `payload` with `header`.
pub fn cat(header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut v = header.to_vec();
    v.extend_from_slice(payload);
    v
}

/// Decodes and unwraps, with the link type in the panic message.
pub fn ok(link: u32, frame: &[u8]) -> TcpPacket<'_> {
    decode(LinkType(link), frame)
        .unwrap_or_else(|e| panic!("link {link}: {e} for frame {:02x?}", frame))
}

/// Decodes and returns the error, failing if decoding succeeds.
pub fn err(link: u32, frame: &[u8]) -> DecodeError {
    match decode(LinkType(link), frame) {
        Ok(p) => panic!("link {link}: decoded {p:?}"),
        Err(e) => e,
    }
}

/// A TCP header to build by hand, for corner cases etherparse will not write.
#[derive(Clone, Debug)]
pub struct Tcp {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number.
    pub ack: u32,
    /// Flags byte.
    pub flags: u8,
    /// NS bit (low bit of byte 12).
    pub ns: bool,
    /// Window.
    pub win: u16,
    /// Urgent pointer.
    pub urg: u16,
    /// Options bytes (padded with zeros to a multiple of 4 unless `doff` is set).
    pub opts: Vec<u8>,
    /// Data offset in 32-bit words, overriding the computed one.
    pub doff: Option<u8>,
    /// Payload.
    pub payload: Vec<u8>,
}

impl Default for Tcp {
    fn default() -> Tcp {
        Tcp {
            sport: 40000,
            dport: 80,
            seq: 1000,
            ack: 0,
            flags: 0x02,
            ns: false,
            win: 8192,
            urg: 0,
            opts: Vec::new(),
            doff: None,
            payload: Vec::new(),
        }
    }
}

impl Tcp {
    /// A SYN carrying `opts` (which must already be a multiple of 4 bytes long).
    pub fn syn_with(opts: &[u8]) -> Tcp {
        Tcp {
            opts: opts.to_vec(),
            ..Tcp::default()
        }
    }

    /// The header and payload bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let mut opts = self.opts.clone();
        if self.doff.is_none() {
            while !opts.len().is_multiple_of(4) {
                opts.push(0);
            }
        }
        let doff = self.doff.unwrap_or((5 + opts.len() / 4) as u8);
        let mut v = Vec::new();
        v.extend_from_slice(&self.sport.to_be_bytes());
        v.extend_from_slice(&self.dport.to_be_bytes());
        v.extend_from_slice(&self.seq.to_be_bytes());
        v.extend_from_slice(&self.ack.to_be_bytes());
        v.push((doff << 4) | u8::from(self.ns));
        v.push(self.flags);
        v.extend_from_slice(&self.win.to_be_bytes());
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(&self.urg.to_be_bytes());
        v.extend_from_slice(&opts);
        v.extend_from_slice(&self.payload);
        v
    }
}

/// An IPv4 header to build by hand.
#[derive(Clone, Debug)]
pub struct Ip4 {
    /// TOS byte (DSCP << 2 | ECN).
    pub tos: u8,
    /// Identification.
    pub id: u16,
    /// Flags and fragment offset word.
    pub frag: u16,
    /// TTL.
    pub ttl: u8,
    /// Protocol.
    pub proto: u8,
    /// IP options (multiple of 4 bytes).
    pub opts: Vec<u8>,
    /// Total length, overriding the computed one.
    pub tot_len: Option<u16>,
    /// Header length in words, overriding the computed one.
    pub ihl: Option<u8>,
}

impl Default for Ip4 {
    fn default() -> Ip4 {
        Ip4 {
            tos: 0,
            id: 0x1234,
            frag: 0x4000,
            ttl: 64,
            proto: 6,
            opts: Vec::new(),
            tot_len: None,
            ihl: None,
        }
    }
}

impl Ip4 {
    /// This header followed by `payload`.
    pub fn wrap(&self, payload: &[u8]) -> Vec<u8> {
        let hlen = 20 + self.opts.len();
        let tot = self.tot_len.unwrap_or((hlen + payload.len()) as u16);
        let ihl = self.ihl.unwrap_or((hlen / 4) as u8);
        let mut v = vec![0x40 | ihl, self.tos];
        v.extend_from_slice(&tot.to_be_bytes());
        v.extend_from_slice(&self.id.to_be_bytes());
        v.extend_from_slice(&self.frag.to_be_bytes());
        v.push(self.ttl);
        v.push(self.proto);
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(&SRC4);
        v.extend_from_slice(&DST4);
        v.extend_from_slice(&self.opts);
        v.extend_from_slice(payload);
        v
    }
}

/// An IPv6 header to build by hand.
#[derive(Clone, Debug)]
pub struct Ip6 {
    /// Traffic class.
    pub class: u8,
    /// Flow label (20 bits).
    pub flow: u32,
    /// Next header.
    pub next: u8,
    /// Hop limit.
    pub hops: u8,
    /// Payload length, overriding the computed one.
    pub plen: Option<u16>,
}

impl Default for Ip6 {
    fn default() -> Ip6 {
        Ip6 {
            class: 0,
            flow: 0,
            next: 6,
            hops: 64,
            plen: None,
        }
    }
}

impl Ip6 {
    /// This header followed by `payload`.
    pub fn wrap(&self, payload: &[u8]) -> Vec<u8> {
        let word = (6u32 << 28) | (u32::from(self.class) << 20) | (self.flow & 0xF_FFFF);
        let mut v = word.to_be_bytes().to_vec();
        let plen = self.plen.unwrap_or(payload.len() as u16);
        v.extend_from_slice(&plen.to_be_bytes());
        v.push(self.next);
        v.push(self.hops);
        v.extend_from_slice(&SRC6);
        v.extend_from_slice(&DST6);
        v.extend_from_slice(payload);
        v
    }
}

/// A classic pcap file: its link type and its records' captured bytes.
pub struct Pcap {
    /// Link type from the global header.
    pub linktype: u32,
    /// Captured bytes of each record.
    pub frames: Vec<Vec<u8>>,
}

/// Reads a classic pcap (either byte order, micro- or nanosecond). Returns `None`, after
/// printing why, when the file is absent or is not a classic pcap.
pub fn read_pcap(path: &str) -> Option<Pcap> {
    let Ok(data) = std::fs::read(path) else {
        println!("skipping: {path} not found");
        return None;
    };
    let magic = data.get(..4)?;
    let little = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        _ => {
            println!("skipping: {path} is not a classic pcap");
            return None;
        }
    };
    let rd = |at: usize| -> Option<u32> {
        let b: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let linktype = rd(20)? & 0x0FFF_FFFF;
    let mut frames = Vec::new();
    let mut off = 24;
    while let Some(caplen) = rd(off + 8) {
        let start = off + 16;
        let Some(frame) = data.get(start..start + caplen as usize) else {
            break;
        };
        frames.push(frame.to_vec());
        off = start + caplen as usize;
    }
    Some(Pcap { linktype, frames })
}

/// Directory of the shared captures.
pub const PCAPS: &str = "/work/shared/pcaps";
/// Directory of the oracle logs.
pub const ORACLE: &str = "/work/shared/oracle";
