//! Builders for pcap, pcapng and gzip test captures, and helpers to read them back.

use std::io::{Cursor, Read, Write};

use p0fmod_capture::{CaptureError, FileCapture, Timestamp};

/// Byte order of a built capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Little,
    Big,
}

impl Order {
    pub fn u16(self, v: u16) -> [u8; 2] {
        match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        }
    }

    pub fn u32(self, v: u32) -> [u8; 4] {
        match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        }
    }

    pub fn u64(self, v: u64) -> [u8; 8] {
        match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        }
    }
}

/// Classic pcap magics.
pub const MAGIC_MICRO: u32 = 0xa1b2_c3d4;
pub const MAGIC_NANO: u32 = 0xa1b2_3c4d;
pub const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;

/// A classic pcap file under construction.
pub struct Pcap {
    pub bytes: Vec<u8>,
    order: Order,
    modified: bool,
}

impl Pcap {
    /// File header with the given magic (written in `order`), link type field and snaplen.
    pub fn new(order: Order, magic: u32, network: u32, snaplen: u32) -> Pcap {
        let mut bytes = Vec::new();
        bytes.extend(order.u32(magic));
        bytes.extend(order.u16(2));
        bytes.extend(order.u16(4));
        bytes.extend(order.u32(0)); // thiszone
        bytes.extend(order.u32(0)); // sigfigs
        bytes.extend(order.u32(snaplen));
        bytes.extend(order.u32(network));
        Pcap {
            bytes,
            order,
            modified: magic == MAGIC_MODIFIED,
        }
    }

    /// A record header claiming `caplen` bytes, without data.
    pub fn header(mut self, sec: u32, frac: u32, caplen: u32, orig_len: u32) -> Pcap {
        let o = self.order;
        self.bytes.extend(o.u32(sec));
        self.bytes.extend(o.u32(frac));
        self.bytes.extend(o.u32(caplen));
        self.bytes.extend(o.u32(orig_len));
        if self.modified {
            self.bytes.extend(o.u32(3)); // ifindex
            self.bytes.extend(o.u16(0x0800)); // protocol
            self.bytes.push(4); // pkt_type
            self.bytes.push(0); // pad
        }
        self
    }

    /// A whole record.
    pub fn packet(self, sec: u32, frac: u32, data: &[u8], orig_len: u32) -> Pcap {
        let mut p = self.header(sec, frac, data.len() as u32, orig_len);
        p.bytes.extend_from_slice(data);
        p
    }
}

/// A pcapng stream under construction.
pub struct Pcapng {
    pub bytes: Vec<u8>,
    order: Order,
}

pub const OPT_TSRESOL: u16 = 9;
pub const OPT_TSOFFSET: u16 = 14;

impl Pcapng {
    /// A stream starting with a section header in `order`.
    pub fn new(order: Order) -> Pcapng {
        Pcapng {
            bytes: Vec::new(),
            order,
        }
        .shb(order)
    }

    /// Appends a new section header (switching byte order).
    pub fn shb(mut self, order: Order) -> Pcapng {
        self.order = order;
        let mut body = Vec::new();
        body.extend(order.u32(0x1a2b_3c4d));
        body.extend(order.u16(1));
        body.extend(order.u16(0));
        body.extend(order.u64(u64::MAX)); // section length unknown
        // An shb_userappl option, to check that options are skipped.
        body.extend(self.options(&[(4, b"p0fmod tests".to_vec())]));
        self.block(0x0a0d_0d0a, &body)
    }

    /// Encodes options with an end-of-options marker.
    pub fn options(&self, options: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let o = self.order;
        let mut out = Vec::new();
        if options.is_empty() {
            return out;
        }
        for (code, value) in options {
            out.extend(o.u16(*code));
            out.extend(o.u16(value.len() as u16));
            out.extend(value);
            while out.len() % 4 != 0 {
                out.push(0);
            }
        }
        out.extend([0, 0, 0, 0]);
        out
    }

    /// Appends a block: type, length, body padded to 4 bytes, length.
    pub fn block(mut self, block_type: u32, body: &[u8]) -> Pcapng {
        let padded = body.len().next_multiple_of(4);
        let len = (12 + padded) as u32;
        let o = self.order;
        self.bytes.extend(o.u32(block_type));
        self.bytes.extend(o.u32(len));
        self.bytes.extend_from_slice(body);
        self.bytes.resize(self.bytes.len() + padded - body.len(), 0);
        self.bytes.extend(o.u32(len));
        self
    }

    /// An interface description.
    pub fn idb(self, link_type: u16, snaplen: u32, options: &[(u16, Vec<u8>)]) -> Pcapng {
        let o = self.order;
        let mut body = Vec::new();
        body.extend(o.u16(link_type));
        body.extend(o.u16(0));
        body.extend(o.u32(snaplen));
        body.extend(self.options(options));
        self.block(1, &body)
    }

    /// An enhanced packet block (with an epb_flags option).
    pub fn epb(self, interface: u32, ts: u64, data: &[u8], orig_len: u32) -> Pcapng {
        let o = self.order;
        let mut body = Vec::new();
        body.extend(o.u32(interface));
        body.extend(o.u32((ts >> 32) as u32));
        body.extend(o.u32(ts as u32));
        body.extend(o.u32(data.len() as u32));
        body.extend(o.u32(orig_len));
        body.extend_from_slice(data);
        body.resize(body.len().next_multiple_of(4), 0);
        body.extend(self.options(&[(2, o.u32(1).to_vec())]));
        self.block(6, &body)
    }

    /// An obsolete packet block.
    pub fn opb(self, interface: u16, ts: u64, data: &[u8], orig_len: u32) -> Pcapng {
        let o = self.order;
        let mut body = Vec::new();
        body.extend(o.u16(interface));
        body.extend(o.u16(0)); // drops
        body.extend(o.u32((ts >> 32) as u32));
        body.extend(o.u32(ts as u32));
        body.extend(o.u32(data.len() as u32));
        body.extend(o.u32(orig_len));
        body.extend_from_slice(data);
        self.block(2, &body)
    }

    /// A simple packet block.
    pub fn spb(self, orig_len: u32, data: &[u8]) -> Pcapng {
        let o = self.order;
        let mut body = Vec::new();
        body.extend(o.u32(orig_len));
        body.extend_from_slice(data);
        self.block(3, &body)
    }

    /// Raw bytes (for damage).
    pub fn raw(mut self, bytes: &[u8]) -> Pcapng {
        self.bytes.extend_from_slice(bytes);
        self
    }

    pub fn order(&self) -> Order {
        self.order
    }
}

/// Compresses with gzip.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A packet read back, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkt {
    pub ts: Timestamp,
    pub link_type: u32,
    pub data: Vec<u8>,
    pub orig_len: u32,
}

pub fn pkt(sec: i64, usec: u32, link_type: u32, data: &[u8], orig_len: u32) -> Pkt {
    Pkt {
        ts: Timestamp { sec, usec },
        link_type,
        data: data.to_vec(),
        orig_len,
    }
}

/// Opens in-memory bytes.
pub fn open(bytes: Vec<u8>) -> Result<FileCapture, CaptureError> {
    FileCapture::from_reader(Box::new(Cursor::new(bytes)), "test.cap")
}

/// Opens a reader.
pub fn open_reader(reader: impl Read + Send + 'static) -> Result<FileCapture, CaptureError> {
    FileCapture::from_reader(Box::new(reader), "test.cap")
}

/// Reads every packet; returns them and the error that ended reading, if any. Checks that
/// after the end (clean or not) the reader keeps returning `Ok(None)`.
pub fn drain(cap: &mut FileCapture) -> (Vec<Pkt>, Option<CaptureError>) {
    let mut out = Vec::new();
    let err = loop {
        match cap.next_packet() {
            Ok(Some(p)) => out.push(Pkt {
                ts: p.ts,
                link_type: p.link_type,
                data: p.data.to_vec(),
                orig_len: p.orig_len,
            }),
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    for _ in 0..3 {
        assert!(matches!(cap.next_packet(), Ok(None)));
    }
    (out, err)
}

/// Opens and reads everything, expecting no error.
pub fn read_ok(bytes: Vec<u8>) -> Vec<Pkt> {
    let mut cap = open(bytes).expect("open");
    let (pkts, err) = drain(&mut cap);
    assert!(err.is_none(), "unexpected error: {err:?}");
    pkts
}

/// The offset and reason of a `Malformed` error (panics on anything else).
pub fn malformed(err: &CaptureError) -> (u64, &str) {
    match err {
        CaptureError::Malformed { offset, reason, .. } => (*offset, reason),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// Hands out at most `step` bytes per `read`.
pub struct Trickle {
    pub data: Vec<u8>,
    pub pos: usize,
    pub step: usize,
}

impl Trickle {
    pub fn new(data: Vec<u8>, step: usize) -> Trickle {
        Trickle { data, pos: 0, step }
    }
}

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = out.len().min(self.step).min(self.data.len() - self.pos);
        out[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Deterministic pseudo-random packet bytes.
pub fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_be_bytes()[0] ^ seed)
        .collect()
}
