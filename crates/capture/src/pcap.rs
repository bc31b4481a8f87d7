//! Classic libpcap files: both byte orders, micro- and nanosecond time stamps, and the
//! modified ("Kuznetzov") variant with 24-byte record headers.

use crate::Timestamp;
use crate::input::{Endian, Fault, Input, Record};

/// Length of the file header.
const FILE_HEADER_LEN: usize = 24;

/// The largest captured length accepted for most link types (libpcap's `MAXIMUM_SNAPLEN`).
const MAX_SNAPLEN: u32 = 262_144;

/// The flavour of a classic pcap file, as told by its magic number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flavour {
    /// Byte order of every field.
    pub(crate) endian: Endian,
    /// Time stamps are in nanoseconds, not microseconds.
    pub(crate) nanos: bool,
    /// Record headers carry the Kuznetzov extra 8 bytes.
    pub(crate) modified: bool,
}

/// The flavour for the first four bytes of a file, if they are a classic pcap magic.
pub(crate) fn flavour(magic: [u8; 4]) -> Option<Flavour> {
    let (endian, nanos, modified) = match u32::from_be_bytes(magic) {
        0xa1b2_c3d4 => (Endian::Big, false, false),
        0xd4c3_b2a1 => (Endian::Little, false, false),
        0xa1b2_3c4d => (Endian::Big, true, false),
        0x4d3c_b2a1 => (Endian::Little, true, false),
        0xa1b2_cd34 => (Endian::Big, false, true),
        0x34cd_b2a1 => (Endian::Little, false, true),
        _ => return None,
    };
    Some(Flavour {
        endian,
        nanos,
        modified,
    })
}

/// The largest captured length libpcap accepts for a link type.
fn max_caplen(link_type: u32) -> u32 {
    match link_type {
        231 => 128 << 20, // D-Bus
        279 => 8 << 20,   // EBHSCR
        249 => 1 << 20,   // USBPcap
        _ => MAX_SNAPLEN,
    }
}

/// Reads the records of a classic pcap file.
#[derive(Debug)]
pub(crate) struct PcapReader {
    flavour: Flavour,
    record_header_len: usize,
    link_type: u32,
    max_caplen: u32,
}

impl PcapReader {
    /// Reads and checks the 24-byte file header (the caller has matched the magic).
    pub(crate) fn start(input: &mut Input, flavour: Flavour) -> Result<PcapReader, Fault> {
        if !input.fill(FILE_HEADER_LEN)? {
            let n = input.available().len();
            return Err(input.bad(format!(
                "truncated pcap file header ({n} of {FILE_HEADER_LEN} bytes)"
            )));
        }
        let h = input.available();
        let e = flavour.endian;
        let (major, minor) = (e.u16(h, 4), e.u16(h, 6));
        if major != 2 {
            return Err(input.bad(format!("unsupported pcap version {major}.{minor}")));
        }
        // The upper bits of the link-type field carry FCS information; the type is the low
        // 16 bits (libpcap's LT_LINKTYPE).
        let link_type = e.u32(h, 20) & 0xffff;
        input.take(FILE_HEADER_LEN);
        Ok(PcapReader {
            flavour,
            record_header_len: if flavour.modified { 24 } else { 16 },
            link_type,
            max_caplen: max_caplen(link_type),
        })
    }

    /// The link type from the file header.
    pub(crate) fn link_type(&self) -> u32 {
        self.link_type
    }

    /// The next record, `Ok(None)` at a clean end of file.
    pub(crate) fn next(&mut self, input: &mut Input) -> Result<Option<Record>, Fault> {
        let hl = self.record_header_len;
        if !input.fill(hl)? {
            return cut_header(input, hl);
        }
        let [sec, frac, caplen, orig_len] = self.flavour.endian.u32x4(input.available());
        if caplen > self.max_caplen {
            return Err(self.impossible(input, caplen));
        }
        let total = hl + caplen as usize;
        if !input.fill(total)? {
            return Err(cut_packet(input, hl, caplen));
        }
        let at = input.take(total);
        Ok(Some(Record {
            ts: timestamp(sec, frac, self.flavour.nanos),
            link_type: self.link_type,
            data: at + hl..at + total,
            orig_len,
        }))
    }

    /// The fault for a captured length over the link type's maximum.
    #[cold]
    fn impossible(&self, input: &Input, caplen: u32) -> Fault {
        input.bad(format!(
            "impossible captured length {caplen} (the maximum for link type {} is {})",
            self.link_type, self.max_caplen
        ))
    }
}

/// The end of the data before a record header of `hl` bytes: clean if nothing is left.
#[cold]
fn cut_header(input: &Input, hl: usize) -> Result<Option<Record>, Fault> {
    let n = input.available().len();
    if n == 0 {
        return Ok(None);
    }
    Err(input.bad(format!(
        "file ends in the middle of a record header ({n} of {hl} bytes present)"
    )))
}

/// The fault for a record whose data is cut short.
#[cold]
fn cut_packet(input: &Input, hl: usize, caplen: u32) -> Fault {
    let present = input.available().len() - hl;
    input.bad(format!(
        "file ends in the middle of a packet: record header says {caplen} bytes, \
         {present} present"
    ))
}

/// A record time stamp, with the fraction in micro- or nanoseconds; out-of-range fractions
/// carry into the seconds and nanoseconds are truncated to microseconds.
fn timestamp(sec: u32, frac: u32, nanos: bool) -> Timestamp {
    let per_sec = if nanos { 1_000_000_000 } else { 1_000_000 };
    let (sec, frac) = if frac < per_sec {
        (i64::from(sec), frac)
    } else {
        (i64::from(sec) + i64::from(frac / per_sec), frac % per_sec)
    };
    Timestamp {
        sec,
        usec: if nanos { frac / 1000 } else { frac },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magics() {
        let f = flavour([0xd4, 0xc3, 0xb2, 0xa1]).unwrap();
        assert_eq!(
            (f.endian, f.nanos, f.modified),
            (Endian::Little, false, false)
        );
        let f = flavour([0xa1, 0xb2, 0x3c, 0x4d]).unwrap();
        assert_eq!((f.endian, f.nanos, f.modified), (Endian::Big, true, false));
        let f = flavour([0x34, 0xcd, 0xb2, 0xa1]).unwrap();
        assert_eq!(
            (f.endian, f.nanos, f.modified),
            (Endian::Little, false, true)
        );
        assert!(flavour([0x0a, 0x0d, 0x0d, 0x0a]).is_none());
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            timestamp(10, 999_999_999, true),
            Timestamp {
                sec: 10,
                usec: 999_999
            }
        );
        assert_eq!(
            timestamp(10, 1_500_000, false),
            Timestamp {
                sec: 11,
                usec: 500_000
            }
        );
        assert_eq!(
            timestamp(u32::MAX, u32::MAX, false),
            Timestamp {
                sec: i64::from(u32::MAX) + 4294,
                usec: 967_295
            }
        );
    }

    #[test]
    fn caplen_limits() {
        assert_eq!(max_caplen(1), 262_144);
        assert_eq!(max_caplen(231), 128 << 20);
    }
}
