//! A bounded buffer that rebuilds one handshake message from pieces given by offset: QUIC
//! CRYPTO frames and DTLS handshake fragments. Pieces may come in any order, overlap, or
//! repeat; the first copy of a byte wins, and a later copy that differs is counted in
//! [`HandshakeBuffer::conflicts`]. The buffer holds at most the message's own length once
//! that is known, and never more than [`MAX_HELLO`] bytes.
//!
//! The only allocation is the buffer's own growth: once per connection and direction in
//! practice (a ClientHello's bytes), never per packet once it has reached the message's
//! size.

use crate::error::Error;

/// Most bytes of one handshake message buffered (per connection and direction).
pub const MAX_HELLO: usize = 64 * 1024;
/// Most disjoint received ranges tracked before the message is complete.
pub const MAX_PIECES: usize = 32;

/// One handshake message being reassembled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandshakeBuffer {
    data: Vec<u8>,
    /// Sorted, disjoint, non-adjacent received ranges `[start, end)`.
    pieces: [(u32, u32); MAX_PIECES],
    npieces: u8,
    /// The message's total length once known.
    total: Option<u32>,
    conflicts: u16,
}

impl HandshakeBuffer {
    /// An empty buffer (allocates nothing until the first piece).
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets everything, keeping the allocation.
    pub fn clear(&mut self) {
        self.data.clear();
        self.npieces = 0;
        self.total = None;
        self.conflicts = 0;
    }

    /// The message's total length, once known.
    pub fn total(&self) -> Option<usize> {
        self.total.map(|t| t as usize)
    }

    /// Sets the message's total length (DTLS: from the fragment header; QUIC: 4 + the
    /// length in the handshake header). Fails if it exceeds [`MAX_HELLO`] or is shorter
    /// than data already held.
    pub fn set_total(&mut self, total: usize) -> Result<(), Error> {
        if total > MAX_HELLO {
            return Err(Error::HelloTooLarge { len: total });
        }
        let held = self
            .npieces
            .checked_sub(1)
            .map_or(0, |i| self.pieces[usize::from(i)].1 as usize);
        if held > total {
            return Err(Error::BeyondBound {
                end: held as u64,
                bound: total,
            });
        }
        self.total = Some(total as u32);
        Ok(())
    }

    /// The bytes contiguous from offset 0.
    pub fn prefix(&self) -> &[u8] {
        match self.pieces.first() {
            Some(&(0, end)) if self.npieces > 0 => &self.data[..end as usize],
            _ => &[],
        }
    }

    /// True when every byte of the message is present (its total length is known).
    pub fn is_complete(&self) -> bool {
        match self.total {
            Some(0) => true,
            Some(total) => self.npieces == 1 && self.pieces[0] == (0, total),
            None => false,
        }
    }

    /// The whole message when complete.
    pub fn message(&self) -> Option<&[u8]> {
        self.is_complete()
            .then(|| &self.data[..self.total.unwrap_or(0) as usize])
    }

    /// Later copies of bytes that differed from the first copy.
    pub fn conflicts(&self) -> u16 {
        self.conflicts
    }

    /// Bytes received so far (overlaps counted once).
    pub fn received(&self) -> usize {
        self.pieces[..usize::from(self.npieces)]
            .iter()
            .map(|&(s, e)| (e - s) as usize)
            .sum()
    }

    /// Adds `bytes` found at `offset`. Returns how many of them were new.
    pub fn insert(&mut self, offset: u64, bytes: &[u8]) -> Result<usize, Error> {
        let bound = self.total.map_or(MAX_HELLO, |t| t as usize);
        let end = offset.saturating_add(bytes.len() as u64);
        if bytes.is_empty() {
            return Ok(0);
        }
        if offset >= bound as u64 {
            return Err(Error::BeyondBound { end, bound });
        }
        // Clip to the bound: bytes after a complete message's end are not its own.
        let start = offset as usize;
        let end = (end.min(bound as u64)) as usize;
        let bytes = &bytes[..end - start];

        let merged = self.merged_with(start as u32, end as u32)?;
        if self.data.len() < end {
            self.data.resize(end, 0);
        }
        // Copy into the gaps; compare what was already there.
        let mut cursor = start;
        for &(s, e) in &self.pieces[..usize::from(self.npieces)] {
            let (s, e) = (s as usize, e as usize);
            if e <= cursor || s >= end {
                continue;
            }
            if s > cursor {
                self.data[cursor..s].copy_from_slice(&bytes[cursor - start..s - start]);
            }
            let (os, oe) = (s.max(cursor), e.min(end));
            if self.data[os..oe] != bytes[os - start..oe - start] {
                self.conflicts = self.conflicts.saturating_add(1);
            }
            cursor = oe;
        }
        if cursor < end {
            self.data[cursor..end].copy_from_slice(&bytes[cursor - start..]);
        }
        let new = (end - start) - self.covered(start, end);
        let (pieces, n) = merged;
        self.pieces = pieces;
        self.npieces = n;
        Ok(new)
    }

    /// Bytes of `[start, end)` already held.
    fn covered(&self, start: usize, end: usize) -> usize {
        self.pieces[..usize::from(self.npieces)]
            .iter()
            .map(|&(s, e)| {
                (e as usize)
                    .min(end)
                    .saturating_sub((s as usize).max(start))
            })
            .sum()
    }

    /// The range list with `[start, end)` merged in, or `TooFragmented`.
    fn merged_with(&self, start: u32, end: u32) -> Result<([(u32, u32); MAX_PIECES], u8), Error> {
        let mut out = [(0u32, 0u32); MAX_PIECES];
        let mut n = 0usize;
        let new = (start, end);
        let mut placed = false;
        fn push(
            r: (u32, u32),
            out: &mut [(u32, u32); MAX_PIECES],
            n: &mut usize,
        ) -> Result<(), Error> {
            if *n > 0 && out[*n - 1].1 >= r.0 {
                out[*n - 1].1 = out[*n - 1].1.max(r.1);
                return Ok(());
            }
            if *n == MAX_PIECES {
                return Err(Error::TooFragmented);
            }
            out[*n] = r;
            *n += 1;
            Ok(())
        }
        for &piece in &self.pieces[..usize::from(self.npieces)] {
            if !placed && new.0 <= piece.0 {
                push(new, &mut out, &mut n)?;
                placed = true;
            }
            push(piece, &mut out, &mut n)?;
        }
        if !placed {
            push(new, &mut out, &mut n)?;
        }
        Ok((out, n as u8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_overlapping_and_repeated() {
        let msg: Vec<u8> = (0..100u8).collect();
        let mut b = HandshakeBuffer::new();
        b.set_total(100).unwrap();
        assert_eq!(b.insert(50, &msg[50..80]), Ok(30));
        assert_eq!(b.insert(10, &msg[10..60]), Ok(40));
        assert_eq!(b.insert(10, &msg[10..60]), Ok(0));
        assert!(!b.is_complete());
        assert_eq!(b.prefix(), &[] as &[u8]);
        assert_eq!(b.insert(0, &msg[0..10]), Ok(10));
        assert_eq!(b.prefix(), &msg[..80]);
        assert_eq!(b.insert(79, &msg[79..]), Ok(20));
        assert_eq!(b.message(), Some(&msg[..]));
        assert_eq!(b.conflicts(), 0);
        // A differing copy is counted, and the first copy kept.
        b.insert(5, &[0xff; 3]).unwrap();
        assert_eq!(b.conflicts(), 1);
        assert_eq!(b.message(), Some(&msg[..]));
    }

    #[test]
    fn bounded() {
        let mut b = HandshakeBuffer::new();
        assert!(matches!(
            b.insert(MAX_HELLO as u64, &[1]),
            Err(Error::BeyondBound { .. })
        ));
        assert!(matches!(
            b.set_total(MAX_HELLO + 1),
            Err(Error::HelloTooLarge { .. })
        ));
        b.set_total(10).unwrap();
        // Bytes past the message's end are dropped.
        assert_eq!(b.insert(5, &[0; 20]), Ok(5));
        for i in 0..MAX_PIECES as u64 - 1 {
            b.clear();
            b.set_total(1000).unwrap();
            for j in 0..=i {
                b.insert(j * 10, &[0]).unwrap();
            }
        }
        b.clear();
        for j in 0..MAX_PIECES as u64 {
            b.insert(j * 10, &[0]).unwrap();
        }
        assert_eq!(b.insert(1000, &[0]), Err(Error::TooFragmented));
        // Filling a gap still works when the list is full.
        assert_eq!(b.insert(1, &[0; 9]), Ok(9));
    }
}
