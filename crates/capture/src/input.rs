//! The byte stream under a capture: one large reusable buffer over any reader.
//!
//! Records are read by asking [`Input::fill`] for at least `n` bytes past the current
//! position, looking at them in place through [`Input::available`], and then consuming them
//! with [`Input::take`]. The buffer starts at [`INITIAL_BUFFER`] bytes, is refilled with one
//! large `read()` at a time, and grows (by doubling) only when a single record does not fit
//! *and* the buffer is already full of real data, so a bogus length field cannot make it
//! allocate more than about twice the bytes actually present.

use std::io::{self, Read};
use std::ops::Range;

use crate::Timestamp;

/// Size of the read buffer (1 MiB, the fastest size measured for this workload).
pub(crate) const INITIAL_BUFFER: usize = 1 << 20;

/// Why reading stopped, before the file name is attached.
#[derive(Debug)]
pub(crate) enum Fault {
    /// The reader failed (for a gzip stream this may be corruption, decided by the caller).
    Io {
        /// Stream offset of the record being read.
        offset: u64,
        /// The error from the reader.
        source: io::Error,
    },
    /// The data is damaged.
    Bad {
        /// Stream offset of the damaged record.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
}

/// One packet found by a format parser: its metadata and where its bytes sit in the buffer.
#[derive(Debug)]
pub(crate) struct Record {
    /// Capture time.
    pub(crate) ts: Timestamp,
    /// Link type of the packet's interface.
    pub(crate) link_type: u32,
    /// Absolute range of the captured bytes in [`Input`]'s buffer.
    pub(crate) data: Range<usize>,
    /// Length on the wire.
    pub(crate) orig_len: u32,
}

/// Byte order of a capture's fixed-size fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endian {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

impl Endian {
    /// The `u16` at `at` (the caller has checked that `b` is long enough).
    #[inline]
    pub(crate) fn u16(self, b: &[u8], at: usize) -> u16 {
        let mut raw = [0u8; 2];
        raw.copy_from_slice(&b[at..at + 2]);
        match self {
            Endian::Little => u16::from_le_bytes(raw),
            Endian::Big => u16::from_be_bytes(raw),
        }
    }

    /// The `u32` at `at` (the caller has checked that `b` is long enough).
    #[inline]
    pub(crate) fn u32(self, b: &[u8], at: usize) -> u32 {
        let mut raw = [0u8; 4];
        raw.copy_from_slice(&b[at..at + 4]);
        match self {
            Endian::Little => u32::from_le_bytes(raw),
            Endian::Big => u32::from_be_bytes(raw),
        }
    }

    /// The four `u32`s at the start of `b` (the caller has checked that `b` is long enough):
    /// one load and at most one swap for a whole pcap record header.
    #[inline]
    pub(crate) fn u32x4(self, b: &[u8]) -> [u32; 4] {
        let mut raw = [0u8; 16];
        raw.copy_from_slice(&b[..16]);
        let word = |i: usize| u32::from_le_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]);
        let le = [word(0), word(4), word(8), word(12)];
        match self {
            Endian::Little => le,
            Endian::Big => le.map(u32::swap_bytes),
        }
    }

    /// The `i64` at `at` (the caller has checked that `b` is long enough).
    #[inline]
    pub(crate) fn i64(self, b: &[u8], at: usize) -> i64 {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(&b[at..at + 8]);
        match self {
            Endian::Little => i64::from_le_bytes(raw),
            Endian::Big => i64::from_be_bytes(raw),
        }
    }
}

/// A reader plus the buffer records are parsed from.
pub(crate) struct Input {
    reader: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// First unconsumed byte in `buf`.
    start: usize,
    /// One past the last valid byte in `buf`.
    end: usize,
    /// Stream offset of `buf[start]`.
    consumed: u64,
    /// The reader has reported end of stream.
    eof: bool,
}

impl Input {
    /// Wraps a reader; nothing is read yet.
    pub(crate) fn new(reader: Box<dyn Read + Send>) -> Input {
        Input {
            reader,
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            consumed: 0,
            eof: false,
        }
    }

    /// Replaces the reader by `wrap(buffered bytes followed by the rest of the old reader)`
    /// and starts over at offset 0. Used to put a decompressor under the parsers once the
    /// first bytes have shown a gzip header.
    pub(crate) fn rewrap(
        &mut self,
        wrap: impl FnOnce(Box<dyn Read + Send>) -> Box<dyn Read + Send>,
    ) {
        let head = self.buf[self.start..self.end].to_vec();
        let old = std::mem::replace(&mut self.reader, Box::new(io::empty()));
        self.reader = wrap(Box::new(io::Cursor::new(head).chain(old)));
        self.start = 0;
        self.end = 0;
        self.consumed = 0;
        self.eof = false;
    }

    /// Stream offset of the first unconsumed byte.
    pub(crate) fn offset(&self) -> u64 {
        self.consumed
    }

    /// The buffered, unconsumed bytes.
    pub(crate) fn available(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Bytes of the buffer at an absolute range returned in a [`Record`].
    pub(crate) fn slice(&self, range: Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    /// Makes at least `n` unconsumed bytes available. `Ok(false)` means the stream ended
    /// first (whatever was there is still in [`Input::available`]).
    #[inline]
    pub(crate) fn fill(&mut self, n: usize) -> Result<bool, Fault> {
        if self.end - self.start >= n {
            return Ok(true);
        }
        self.refill(n)
    }

    /// The slow path of [`Input::fill`]: compacts, grows and reads.
    #[cold]
    fn refill(&mut self, n: usize) -> Result<bool, Fault> {
        loop {
            if self.end - self.start >= n {
                return Ok(true);
            }
            if self.eof {
                return Ok(false);
            }
            if self.buf.len() - self.start < n && self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buf.len() {
                // Full of real data and still too small (`start` is 0 here): grow.
                let grown = self.buf.len().saturating_mul(2).min(n);
                self.buf.resize(grown, 0);
            }
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(Fault::Io {
                        offset: self.consumed,
                        source,
                    });
                }
            }
        }
    }

    /// Consumes `n` available bytes and returns the absolute buffer index where they start
    /// (valid until the next [`Input::fill`]).
    pub(crate) fn take(&mut self, n: usize) -> usize {
        debug_assert!(n <= self.end - self.start);
        let at = self.start;
        self.start += n;
        self.consumed += n as u64;
        at
    }

    /// Consumes the next `n` bytes of the stream without keeping them: what is buffered,
    /// then reads into the buffer that are thrown away, so skipping costs no memory.
    /// `Ok(false)` when the stream ends first.
    pub(crate) fn skip(&mut self, n: u64) -> Result<bool, Fault> {
        let buffered = (self.end - self.start) as u64;
        let from_buffer = buffered.min(n);
        self.take(from_buffer as usize);
        let mut left = n - from_buffer;
        while left > 0 {
            self.start = 0;
            self.end = 0;
            if self.eof {
                return Ok(false);
            }
            let want = usize::try_from(left)
                .unwrap_or(usize::MAX)
                .min(self.buf.len());
            match self.reader.read(&mut self.buf[..want]) {
                Ok(0) => self.eof = true,
                Ok(k) => {
                    self.consumed += k as u64;
                    left -= k as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(Fault::Io {
                        offset: self.consumed,
                        source,
                    });
                }
            }
        }
        Ok(true)
    }

    /// A [`Fault::Bad`] at the current offset.
    pub(crate) fn bad(&self, reason: String) -> Fault {
        Fault::Bad {
            offset: self.consumed,
            reason,
        }
    }

    /// Current buffer size (for tests of the growth policy).
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most `step` bytes per `read`.
    struct Trickle {
        data: Vec<u8>,
        pos: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = out.len().min(self.step).min(self.data.len() - self.pos);
            out[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    #[test]
    fn endian_reads() {
        let b = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(Endian::Little.u16(&b, 0), 0x0201);
        assert_eq!(Endian::Big.u16(&b, 0), 0x0102);
        assert_eq!(Endian::Little.u32(&b, 4), 0x0807_0605);
        assert_eq!(Endian::Big.u32(&b, 4), 0x0506_0708);
        assert_eq!(Endian::Big.i64(&b, 0), 0x0102_0304_0506_0708);
        assert_eq!(Endian::Little.i64(&b, 0), 0x0807_0605_0403_0201);
        let h: Vec<u8> = (1..=16).collect();
        assert_eq!(
            Endian::Big.u32x4(&h),
            [0x0102_0304, 0x0506_0708, 0x090a_0b0c, 0x0d0e_0f10]
        );
        assert_eq!(Endian::Little.u32x4(&h)[3], 0x100f_0e0d);
    }

    #[test]
    fn fill_across_small_reads_and_compaction() {
        let data: Vec<u8> = (0..3 * INITIAL_BUFFER).map(|i| (i % 251) as u8).collect();
        let mut input = Input::new(Box::new(Trickle {
            data: data.clone(),
            pos: 0,
            step: 77_777,
        }));
        let mut pos = 0usize;
        let chunk = 100_003;
        while input.fill(chunk).unwrap() {
            assert_eq!(&input.available()[..chunk], &data[pos..pos + chunk]);
            input.take(chunk);
            pos += chunk;
            assert_eq!(input.offset(), pos as u64);
        }
        assert_eq!(input.available(), &data[pos..]);
        assert_eq!(input.capacity(), INITIAL_BUFFER);
    }

    #[test]
    fn grows_only_with_real_data() {
        let data = vec![7u8; 3 * INITIAL_BUFFER + 5];
        let mut input = Input::new(Box::new(io::Cursor::new(data.clone())));
        // A bogus request far beyond the data grows the buffer at most to the data size.
        assert!(!input.fill(1 << 30).unwrap());
        assert_eq!(input.available().len(), data.len());
        assert!(input.capacity() <= 2 * data.len());
        // A real large record fits.
        let mut input = Input::new(Box::new(io::Cursor::new(data.clone())));
        assert!(input.fill(data.len()).unwrap());
        assert_eq!(input.capacity(), data.len());
    }

    #[test]
    fn rewrap_replays_buffered_bytes() {
        let mut input = Input::new(Box::new(io::Cursor::new(b"abcdef".to_vec())));
        assert!(input.fill(2).unwrap());
        input.rewrap(|r| r);
        assert_eq!(input.offset(), 0);
        assert!(input.fill(6).unwrap());
        assert_eq!(input.available(), b"abcdef");
    }
}
