//! pcapng files: sections in either byte order, interfaces with their link types and
//! time-stamp resolutions, and the three packet block types (enhanced, simple, obsolete).
//! Every other block is skipped by its length.

use crate::Timestamp;
use crate::input::{Endian, Fault, Input, Record};

/// Section Header Block type (the same in both byte orders).
pub(crate) const SHB: u32 = 0x0a0d_0d0a;
/// Interface Description Block type.
const IDB: u32 = 1;
/// Obsolete Packet Block type.
const OPB: u32 = 2;
/// Simple Packet Block type.
const SPB: u32 = 3;
/// Enhanced Packet Block type.
const EPB: u32 = 6;

/// The byte-order magic of a section header.
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;

/// The largest block length accepted (anything bigger is taken as damage).
const MAX_BLOCK_LEN: u32 = 256 << 20;

/// The largest block read into memory: 16 MiB, Wireshark's own limit, some 60 times the
/// largest packet libpcap captures. A longer block (other than a section header) is
/// skipped without being buffered, and reported as a [`SkippedBlock`], so a capture's
/// blocks cost at most this much memory whatever they decompress to.
pub const MAX_BUFFERED_BLOCK: u32 = 16 << 20;

/// Option codes used here.
const OPT_ENDOFOPT: u16 = 0;
/// `if_tsresol`: time-stamp resolution of an interface.
const OPT_IF_TSRESOL: u16 = 9;
/// `if_tsoffset`: seconds to add to every time stamp of an interface.
const OPT_IF_TSOFFSET: u16 = 14;

/// What a section says about one interface.
#[derive(Clone, Copy, Debug)]
struct Interface {
    link_type: u32,
    snaplen: u32,
    /// Time-stamp units per second.
    units: u64,
    /// Seconds added to every time stamp.
    offset: i64,
}

/// What [`PcapngReader::step`] found.
enum Step {
    /// A packet, consumed.
    Packet(Record),
    /// A packet block, left unconsumed (only when asked to stop before packets).
    AtPacket,
    /// A non-packet block, processed and consumed.
    Other,
    /// Clean end of the stream.
    End,
}

/// A pcapng block longer than [`MAX_BUFFERED_BLOCK`] that was skipped, unread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkippedBlock {
    /// Offset of the block in the (uncompressed) stream.
    pub offset: u64,
    /// The block's type.
    pub block_type: u32,
    /// The block's length.
    pub len: u32,
}

impl std::fmt::Display for SkippedBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Skipped a pcapng {} block of {} bytes at offset {} (blocks over {} MiB are not read).",
            block_name(self.block_type),
            self.len,
            self.offset,
            MAX_BUFFERED_BLOCK >> 20
        )
    }
}

/// Reads the blocks of a pcapng stream.
#[derive(Debug)]
pub(crate) struct PcapngReader {
    endian: Endian,
    interfaces: Vec<Interface>,
    /// Time of the last packet that had one, reused for Simple Packet Blocks.
    last_ts: Timestamp,
    /// Oversized blocks skipped since [`PcapngReader::take_skipped`] was last called.
    skipped: Vec<SkippedBlock>,
}

impl PcapngReader {
    /// A reader positioned at the first Section Header Block (the caller matched its type).
    pub(crate) fn new() -> PcapngReader {
        PcapngReader {
            endian: Endian::Little,
            interfaces: Vec::new(),
            last_ts: Timestamp::default(),
            skipped: Vec::new(),
        }
    }

    /// The oversized blocks skipped since the last call.
    pub(crate) fn take_skipped(&mut self) -> Vec<SkippedBlock> {
        std::mem::take(&mut self.skipped)
    }

    /// Processes blocks up to (not including) the first packet block, recording link types
    /// in `link_types`. An error in the very first block (the section header) is returned;
    /// a later one is returned as `Ok(Some(fault))`, for the caller to report after open.
    pub(crate) fn prime(
        &mut self,
        input: &mut Input,
        link_types: &mut Vec<u32>,
    ) -> Result<Option<Fault>, Fault> {
        let mut first = true;
        loop {
            match self.step(input, link_types, true) {
                Ok(Step::Other) => first = false,
                Ok(Step::AtPacket | Step::End | Step::Packet(_)) => return Ok(None),
                Err(fault) if first => return Err(fault),
                Err(fault) => return Ok(Some(fault)),
            }
        }
    }

    /// The next packet, `Ok(None)` at a clean end of the stream.
    pub(crate) fn next(
        &mut self,
        input: &mut Input,
        link_types: &mut Vec<u32>,
    ) -> Result<Option<Record>, Fault> {
        loop {
            match self.step(input, link_types, false)? {
                Step::Packet(record) => return Ok(Some(record)),
                Step::End => return Ok(None),
                Step::Other | Step::AtPacket => {}
            }
        }
    }

    /// Reads and checks one whole block, then handles it by type.
    fn step(
        &mut self,
        input: &mut Input,
        link_types: &mut Vec<u32>,
        stop_at_packet: bool,
    ) -> Result<Step, Fault> {
        if !input.fill(8)? {
            let n = input.available().len();
            if n == 0 {
                return Ok(Step::End);
            }
            return Err(input.bad(format!(
                "file ends in the middle of a block header ({n} of 8 bytes present)"
            )));
        }
        let mut endian = self.endian;
        let block_type = endian.u32(input.available(), 0);
        if block_type == SHB {
            if !input.fill(12)? {
                let n = input.available().len();
                return Err(input.bad(format!(
                    "file ends in the middle of a section header ({n} of 12 bytes present)"
                )));
            }
            let b = input.available();
            endian = if Endian::Little.u32(b, 8) == BYTE_ORDER_MAGIC {
                Endian::Little
            } else if Endian::Big.u32(b, 8) == BYTE_ORDER_MAGIC {
                Endian::Big
            } else {
                let magic = Endian::Big.u32(b, 8);
                return Err(input.bad(format!(
                    "bad byte-order magic 0x{magic:08x} in a section header block"
                )));
            };
        }
        let len = endian.u32(input.available(), 4);
        if len < 12 || !len.is_multiple_of(4) {
            return Err(input.bad(format!(
                "invalid length {len} in a block of type 0x{block_type:08x}"
            )));
        }
        if len > MAX_BLOCK_LEN {
            return Err(input.bad(format!(
                "impossible length {len} in a block of type 0x{block_type:08x} \
                 (the maximum is {MAX_BLOCK_LEN})"
            )));
        }
        let min = match block_type {
            SHB => 28,
            IDB => 20,
            EPB | OPB => 32,
            SPB => 16,
            _ => 12,
        };
        if len < min {
            return Err(input.bad(format!(
                "{} block too short ({len} bytes, at least {min} needed)",
                block_name(block_type)
            )));
        }
        if len > MAX_BUFFERED_BLOCK && block_type != SHB {
            let offset = input.offset();
            // All but the trailing length is skipped unread; the trailing length is checked.
            if !input.skip(u64::from(len) - 4)? || !input.fill(4)? {
                return Err(input.bad(format!(
                    "file ends in the middle of a block: its header says {len} bytes"
                )));
            }
            let trailing = endian.u32(input.available(), 0);
            if trailing != len {
                return Err(input.bad(format!(
                    "block length mismatch: {len} at the start, {trailing} at the end"
                )));
            }
            input.take(4);
            self.skipped.push(SkippedBlock {
                offset,
                block_type,
                len,
            });
            return Ok(Step::Other);
        }
        let n = len as usize;
        if !input.fill(n)? {
            let present = input.available().len();
            return Err(input.bad(format!(
                "file ends in the middle of a block: its header says {len} bytes, \
                 {present} present"
            )));
        }
        let b = &input.available()[..n];
        let trailing = endian.u32(b, n - 4);
        if trailing != len {
            return Err(input.bad(format!(
                "block length mismatch: {len} at the start, {trailing} at the end"
            )));
        }
        match block_type {
            SHB => {
                let (major, minor) = (endian.u16(b, 12), endian.u16(b, 14));
                if major != 1 {
                    return Err(input.bad(format!("unsupported pcapng version {major}.{minor}")));
                }
                self.endian = endian;
                self.interfaces.clear();
            }
            IDB => {
                let interface = self.interface(input, b)?;
                if !link_types.contains(&interface.link_type) {
                    link_types.push(interface.link_type);
                }
                self.interfaces.push(interface);
            }
            EPB | OPB | SPB if stop_at_packet => return Ok(Step::AtPacket),
            EPB | OPB | SPB => return self.packet(input, block_type, n).map(Step::Packet),
            _ => {}
        }
        input.take(n);
        Ok(Step::Other)
    }

    /// Decodes an Interface Description Block (`b` is the whole, checked block).
    fn interface(&self, input: &Input, b: &[u8]) -> Result<Interface, Fault> {
        let e = self.endian;
        let mut interface = Interface {
            link_type: u32::from(e.u16(b, 8)),
            snaplen: e.u32(b, 12),
            units: 1_000_000,
            offset: 0,
        };
        let end = b.len() - 4;
        let mut p = 16;
        while p + 4 <= end {
            let code = e.u16(b, p);
            let olen = usize::from(e.u16(b, p + 2));
            if code == OPT_ENDOFOPT {
                break;
            }
            let value = p + 4;
            if value + olen > end {
                return Err(input.bad(format!(
                    "option {code} ({olen} bytes) overruns its interface description block"
                )));
            }
            match code {
                OPT_IF_TSRESOL if olen >= 1 => {
                    interface.units = resolution(b[value]).ok_or_else(|| {
                        input.bad(format!(
                            "unsupported time-stamp resolution 0x{:02x} (if_tsresol)",
                            b[value]
                        ))
                    })?;
                }
                OPT_IF_TSOFFSET if olen == 8 => interface.offset = e.i64(b, value),
                _ => {}
            }
            p = value + olen.next_multiple_of(4);
        }
        Ok(interface)
    }

    /// Decodes a packet block of `n` bytes at the start of the available data and consumes it.
    fn packet(&mut self, input: &mut Input, block_type: u32, n: usize) -> Result<Record, Fault> {
        let e = self.endian;
        let b = &input.available()[..n];
        let interface_id = match block_type {
            SPB => 0,
            EPB => e.u32(b, 8),
            _ => u32::from(e.u16(b, 8)),
        };
        let interface = self.lookup(input, interface_id)?;
        let (header_len, caplen, orig_len, raw_ts) = if block_type == SPB {
            // No time stamp and no captured length: the packet is cut to the snaplen.
            let orig_len = e.u32(b, 8);
            let caplen = match interface.snaplen {
                0 => orig_len,
                snap => orig_len.min(snap),
            };
            (12, caplen, orig_len, None)
        } else {
            let raw = (u64::from(e.u32(b, 12)) << 32) | u64::from(e.u32(b, 16));
            (28, e.u32(b, 20), e.u32(b, 24), Some(raw))
        };
        let room = n - header_len - 4;
        if caplen as usize > room {
            return Err(input.bad(format!(
                "captured length {caplen} does not fit in its {} block ({n} bytes)",
                block_name(block_type)
            )));
        }
        let ts = match raw_ts {
            Some(raw) => {
                let ts = convert(raw, interface.units, interface.offset);
                self.last_ts = ts;
                ts
            }
            None => self.last_ts,
        };
        let at = input.take(n);
        Ok(Record {
            ts,
            link_type: interface.link_type,
            data: at + header_len..at + header_len + caplen as usize,
            orig_len,
        })
    }

    /// The interface a packet refers to.
    fn lookup(&self, input: &Input, id: u32) -> Result<Interface, Fault> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.interfaces.get(i))
            .copied()
            .ok_or_else(|| {
                input.bad(format!(
                    "packet refers to undefined interface {id} ({} defined in this section)",
                    self.interfaces.len()
                ))
            })
    }
}

/// Human name of a block type, for messages.
fn block_name(block_type: u32) -> &'static str {
    match block_type {
        SHB => "section header",
        IDB => "interface description",
        OPB => "obsolete packet",
        SPB => "simple packet",
        EPB => "enhanced packet",
        _ => "unknown",
    }
}

/// Time-stamp units per second for an `if_tsresol` value: 10^-n, or 2^-n when the top bit
/// is set. Resolutions whose unit count does not fit in 64 bits are not supported.
fn resolution(tsresol: u8) -> Option<u64> {
    let exp = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(exp)
    } else {
        1u64.checked_shl(exp).filter(|_| exp < 64)
    }
}

/// A pcapng time stamp in `units` per second plus `offset` seconds, truncated to
/// microseconds.
fn convert(raw: u64, units: u64, offset: i64) -> Timestamp {
    let whole = raw / units;
    let frac = raw % units;
    let usec = if units == 1_000_000 {
        frac
    } else if units.is_multiple_of(1_000_000) {
        frac / (units / 1_000_000)
    } else {
        // frac < units < 2^64, so the product fits in 128 bits and the quotient in 20.
        (u128::from(frac) * 1_000_000 / u128::from(units)) as u64
    };
    let sec =
        (i128::from(whole) + i128::from(offset)).clamp(i128::from(i64::MIN), i128::from(i64::MAX));
    Timestamp {
        sec: sec as i64,
        usec: usec as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(sec: i64, usec: u32) -> Timestamp {
        Timestamp { sec, usec }
    }

    #[test]
    fn resolutions() {
        assert_eq!(resolution(6), Some(1_000_000));
        assert_eq!(resolution(9), Some(1_000_000_000));
        assert_eq!(resolution(0), Some(1));
        assert_eq!(resolution(19), Some(10_000_000_000_000_000_000));
        assert_eq!(resolution(20), None);
        assert_eq!(resolution(0x80 | 10), Some(1024));
        assert_eq!(resolution(0x80 | 63), Some(1 << 63));
        assert_eq!(resolution(0x80 | 64), None);
        assert_eq!(resolution(0xff), None);
    }

    #[test]
    fn conversions() {
        assert_eq!(convert(1_500_000, 1_000_000, 0), ts(1, 500_000));
        assert_eq!(convert(2_123_456_789, 1_000_000_000, 0), ts(2, 123_456));
        assert_eq!(convert(3 * 1024 + 512, 1024, 0), ts(3, 500_000));
        assert_eq!(convert(1, 1024, 0), ts(0, 976));
        assert_eq!(convert(7, 1, 0), ts(7, 0));
        assert_eq!(convert(5, 100, 10), ts(10, 50_000));
        assert_eq!(convert(u64::MAX, 1, i64::MAX), ts(i64::MAX, 0));
        assert_eq!(convert(0, 1_000_000, -5), ts(-5, 0));
        assert_eq!(convert(u64::MAX, 1 << 63, 0), ts(1, 999_999));
    }
}
