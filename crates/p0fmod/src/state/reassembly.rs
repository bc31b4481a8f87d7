//! Reassembly of one direction of a TCP stream by sequence number, not arrival order.
//!
//! A [`Reassembler`] holds the bytes of a stream from a known first sequence number (the
//! first byte its owner cares about, for example the first byte of a TLS record) in a
//! bounded window of [`MAX_WINDOW`] bytes: one TLS record of 2^14 bytes plus its 5-byte
//! header, 16,389 bytes. Segments may come in any order, be retransmitted, or overlap each
//! other, and sequence numbers wrap around 2^32 (offsets are taken modulo 2^32; a segment
//! starting up to 2^31 bytes before the next expected byte counts as old).
//!
//! **Overlap policy: the first copy of a byte wins.** A byte once held is never
//! overwritten: a retransmission carrying other bytes, or a segment crafted to overlap and
//! change what was sent, cannot change what was read. (The bytes kept are those the
//! monitor saw first, which need not be those the receiver kept; for a fingerprint of what
//! the sender sent, the sender's retransmissions carry the same bytes.)
//!
//! **Bounds.** At most [`MAX_WINDOW`] bytes are held; bytes beyond the window are dropped
//! and counted. At most [`MAX_ISLANDS`] separate out-of-order ranges are held beyond the
//! contiguous prefix; a segment that would make one more is dropped whole and counted. The
//! buffer grows with what is held (at most a few times, never past the window) and is freed
//! with the reassembler. Age is the owner's concern (the TLS table gives up on old flows).
//!
//! The owner reads [`Reassembler::contiguous`] (every byte from the start up to the first
//! gap) and may drop bytes from its front with [`Reassembler::consume`] to make room.
//!
//! Pure: no I/O, no time.

/// Most bytes held: one TLS record (2^14 bytes) plus its 5-byte header.
pub const MAX_WINDOW: usize = 16_389;

/// Most separate ranges held beyond the contiguous prefix (out-of-order segments).
pub const MAX_ISLANDS: usize = 8;

/// What became of one segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Insert {
    /// At least one new byte was held.
    Added,
    /// Every byte of the segment was already held (or before the start): a retransmission.
    Duplicate,
    /// The segment starts beyond the window: nothing held.
    BeyondWindow,
    /// The segment would have made more than [`MAX_ISLANDS`] out-of-order ranges: dropped.
    TooManyIslands,
}

/// A range of window offsets held beyond the contiguous prefix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Island {
    start: u32,
    end: u32,
}

/// One direction of a TCP stream, from a known first sequence number, in a bounded window.
#[derive(Clone, Debug)]
pub struct Reassembler {
    /// Sequence number of window offset `contiguous`: the first byte not yet held in order.
    next_seq: u32,
    /// Window bytes; `data.len()` is the highest offset written so far.
    data: Vec<u8>,
    /// Window offsets `0..contiguous` are all held.
    contiguous: u32,
    /// Ranges held beyond the prefix, sorted, disjoint and not touching each other.
    islands: [Island; MAX_ISLANDS],
    n_islands: u8,
    segments: u16,
    duplicates: u16,
    dropped_segments: u16,
    bytes_beyond: u32,
}

impl Reassembler {
    /// An empty reassembler whose stream starts at sequence number `first_seq`. Allocates
    /// nothing until a byte is held.
    pub fn new(first_seq: u32) -> Reassembler {
        Reassembler {
            next_seq: first_seq,
            data: Vec::new(),
            contiguous: 0,
            islands: [Island::default(); MAX_ISLANDS],
            n_islands: 0,
            segments: 0,
            duplicates: 0,
            dropped_segments: 0,
            bytes_beyond: 0,
        }
    }

    /// Every byte held from the start (after what was consumed) up to the first gap.
    pub fn contiguous(&self) -> &[u8] {
        &self.data[..self.contiguous as usize]
    }

    /// Sequence number of the first byte not yet held in order (the first gap).
    pub fn next_seq(&self) -> u32 {
        self.next_seq
    }

    /// Segments that brought at least one new byte (saturating at 65,535).
    pub fn segments(&self) -> u16 {
        self.segments
    }

    /// Segments that brought nothing new: retransmissions and old data (saturating).
    pub fn duplicates(&self) -> u16 {
        self.duplicates
    }

    /// Segments dropped because they would have made too many out-of-order ranges.
    pub fn dropped_segments(&self) -> u16 {
        self.dropped_segments
    }

    /// Bytes dropped because they lay beyond the window.
    pub fn bytes_beyond(&self) -> u32 {
        self.bytes_beyond
    }

    /// Bytes held (in order or not) from the start of the window up to `len` bytes past it.
    pub fn held_within(&self, len: usize) -> usize {
        let len = len.min(MAX_WINDOW) as u32;
        let mut held = self.contiguous.min(len);
        for island in &self.islands[..usize::from(self.n_islands)] {
            if island.start < len {
                held += island.end.min(len) - island.start;
            }
        }
        held as usize
    }

    /// Heap bytes held by the buffer.
    pub fn heap_bytes(&self) -> usize {
        self.data.capacity()
    }

    /// Takes one segment starting at sequence number `seq`.
    pub fn insert(&mut self, seq: u32, payload: &[u8]) -> Insert {
        let rel = seq.wrapping_sub(self.next_seq) as i32;
        let skip = if rel < 0 {
            rel.unsigned_abs() as usize
        } else {
            0
        };
        if payload.len() <= skip {
            self.duplicates = self.duplicates.saturating_add(1);
            return Insert::Duplicate;
        }
        let payload = &payload[skip..];
        let start = self.contiguous as usize + rel.max(0) as usize;
        if start >= MAX_WINDOW {
            self.bytes_beyond = self.bytes_beyond.saturating_add(payload.len() as u32);
            return Insert::BeyondWindow;
        }
        let end = (start + payload.len()).min(MAX_WINDOW);
        let (start, end) = (start as u32, end as u32);

        // The islands after merging [start, end) in.
        let mut merged = [Island::default(); MAX_ISLANDS + 1];
        let mut n = 0;
        let mut new = Island { start, end };
        let mut placed = false;
        for &island in &self.islands[..usize::from(self.n_islands)] {
            if island.end < new.start {
                merged[n] = island;
                n += 1;
            } else if island.start > new.end {
                if !placed {
                    merged[n] = new;
                    n += 1;
                    placed = true;
                }
                merged[n] = island;
                n += 1;
            } else {
                new.start = new.start.min(island.start);
                new.end = new.end.max(island.end);
            }
        }
        if !placed {
            merged[n] = new;
            n += 1;
        }
        let joins_prefix = merged[0].start == self.contiguous;
        if n - usize::from(joins_prefix) > MAX_ISLANDS {
            self.dropped_segments = self.dropped_segments.saturating_add(1);
            return Insert::TooManyIslands;
        }

        // Copy the bytes that fill gaps; bytes already held stay (first copy wins).
        let mut appended = false;
        if self.data.len() < end as usize {
            if self.data.capacity() < end as usize {
                let wanted = (end as usize)
                    .max(self.data.capacity() * 2)
                    .clamp(2048, MAX_WINDOW);
                self.data.reserve_exact(wanted - self.data.len());
            }
            if start as usize == self.data.len() {
                // At the end (the usual case): appended, not zeroed then copied. No range
                // held reaches past the end, so every byte is new.
                self.data
                    .extend_from_slice(&payload[..(end - start) as usize]);
                appended = true;
            } else {
                self.data.resize(end as usize, 0);
            }
        }
        let mut added = 0;
        let mut cursor = start;
        let mut fill = |from: u32, to: u32, data: &mut Vec<u8>| {
            if from < to {
                data[from as usize..to as usize]
                    .copy_from_slice(&payload[(from - start) as usize..(to - start) as usize]);
                added += to - from;
            }
        };
        if appended {
            added = end - start;
        } else {
            for island in &self.islands[..usize::from(self.n_islands)] {
                if island.end <= cursor || island.start >= end {
                    continue;
                }
                fill(cursor, island.start.min(end), &mut self.data);
                cursor = cursor.max(island.end);
            }
            fill(cursor, end, &mut self.data);
        }
        if (end as usize) < start as usize + payload.len() {
            self.bytes_beyond = self
                .bytes_beyond
                .saturating_add((start as usize + payload.len() - end as usize) as u32);
        }
        if added == 0 {
            self.duplicates = self.duplicates.saturating_add(1);
            return Insert::Duplicate;
        }
        self.segments = self.segments.saturating_add(1);

        let mut first = 0;
        if joins_prefix {
            let grown = merged[0].end - self.contiguous;
            self.contiguous = merged[0].end;
            self.next_seq = self.next_seq.wrapping_add(grown);
            first = 1;
        }
        let kept = &merged[first..n];
        self.islands[..kept.len()].copy_from_slice(kept);
        self.n_islands = kept.len() as u8;
        Insert::Added
    }

    /// Drops the first `n` bytes of the contiguous prefix (at most all of it), making room
    /// in the window. Sequence numbers keep their meaning: the dropped bytes count as held.
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.contiguous as usize);
        if n == 0 {
            return;
        }
        self.data.copy_within(n.., 0);
        self.data.truncate(self.data.len() - n);
        self.contiguous -= n as u32;
        for island in &mut self.islands[..usize::from(self.n_islands)] {
            island.start -= n as u32;
            island.end -= n as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stream(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn in_order_segments_make_the_stream() {
        let s = stream(3000);
        let mut r = Reassembler::new(1000);
        assert_eq!(r.insert(1000, &s[..1448]), Insert::Added);
        assert_eq!(r.insert(2448, &s[1448..]), Insert::Added);
        assert_eq!(r.contiguous(), &s[..]);
        assert_eq!(r.segments(), 2);
        assert_eq!(r.next_seq(), 4000);
        assert!(
            (3000..=4096).contains(&r.heap_bytes()),
            "grown twice: 2 KiB, then doubled"
        );
    }

    #[test]
    fn out_of_order_segments_wait_for_the_gap() {
        let s = stream(3000);
        let mut r = Reassembler::new(0);
        assert_eq!(r.insert(2000, &s[2000..]), Insert::Added);
        assert_eq!(r.insert(1000, &s[1000..2000]), Insert::Added);
        assert!(r.contiguous().is_empty());
        assert_eq!(r.held_within(3000), 2000);
        assert_eq!(r.held_within(1500), 500);
        assert_eq!(r.insert(0, &s[..1000]), Insert::Added);
        assert_eq!(r.contiguous(), &s[..]);
        assert_eq!(r.held_within(5000), 3000);
    }

    #[test]
    fn first_copy_wins_on_overlap() {
        let mut r = Reassembler::new(0);
        assert_eq!(r.insert(2, b"cdef"), Insert::Added);
        // Overlaps both ends of the held range with other bytes: only the gaps are taken.
        assert_eq!(r.insert(0, b"ABCDEFGH"), Insert::Added);
        assert_eq!(r.contiguous(), b"ABcdefGH");
        // A retransmission with other content changes nothing.
        assert_eq!(r.insert(0, b"zzzzzzzz"), Insert::Duplicate);
        assert_eq!(r.contiguous(), b"ABcdefGH");
        assert_eq!((r.segments(), r.duplicates()), (2, 1));
    }

    #[test]
    fn sequence_numbers_wrap() {
        let s = stream(4000);
        let first = u32::MAX - 1500;
        let mut r = Reassembler::new(first);
        assert_eq!(
            r.insert(first.wrapping_add(2000), &s[2000..]),
            Insert::Added
        );
        assert_eq!(r.insert(first, &s[..2000]), Insert::Added);
        assert_eq!(r.contiguous(), &s[..]);
        assert_eq!(r.next_seq(), first.wrapping_add(4000));
        // Old data from before the wrap, and from before the start.
        assert_eq!(
            r.insert(first.wrapping_add(10), &s[10..20]),
            Insert::Duplicate
        );
        assert_eq!(
            r.insert(first.wrapping_sub(100), &[1; 50]),
            Insert::Duplicate
        );
    }

    #[test]
    fn data_before_the_start_is_cut_off() {
        let mut r = Reassembler::new(100);
        assert_eq!(r.insert(96, b"xxxxABCD"), Insert::Added);
        assert_eq!(r.contiguous(), b"ABCD");
    }

    #[test]
    fn the_window_is_bounded() {
        let mut r = Reassembler::new(0);
        assert_eq!(r.insert(MAX_WINDOW as u32, b"late"), Insert::BeyondWindow);
        assert_eq!(r.bytes_beyond(), 4);
        let big = vec![9u8; MAX_WINDOW + 100];
        assert_eq!(r.insert(0, &big), Insert::Added);
        assert_eq!(r.contiguous().len(), MAX_WINDOW);
        assert_eq!(r.bytes_beyond(), 104);
        assert!(r.heap_bytes() <= MAX_WINDOW);
        // Consuming makes room; the rest of the stream then fits.
        r.consume(1000);
        assert_eq!(r.insert(MAX_WINDOW as u32, &[7u8; 1000]), Insert::Added);
        assert_eq!(r.contiguous().len(), MAX_WINDOW);
        assert_eq!(r.contiguous()[MAX_WINDOW - 1], 7);
        assert!(r.heap_bytes() <= MAX_WINDOW);
    }

    #[test]
    fn out_of_order_ranges_are_capped() {
        let mut r = Reassembler::new(0);
        for i in 0..MAX_ISLANDS as u32 {
            assert_eq!(r.insert(10 + 20 * i, b"x"), Insert::Added);
        }
        assert_eq!(r.insert(500, b"y"), Insert::TooManyIslands);
        assert_eq!(r.dropped_segments(), 1);
        // One that joins two held ranges, or extends one, is still taken.
        assert_eq!(r.insert(11, &[b'z'; 19]), Insert::Added);
        assert_eq!(r.insert(500, b"y"), Insert::Added);
        // So is one that joins the prefix.
        assert_eq!(r.insert(0, &[b'a'; 10]), Insert::Added);
        assert_eq!(r.contiguous().len(), 31);
    }

    #[test]
    fn consume_keeps_sequence_numbers() {
        let mut r = Reassembler::new(50);
        r.insert(50, b"hello world");
        r.insert(70, b"later");
        r.consume(6);
        assert_eq!(r.contiguous(), b"world");
        r.insert(61, b"123456789");
        assert_eq!(r.contiguous(), b"world123456789later");
        r.consume(1000);
        assert!(r.contiguous().is_empty());
        assert_eq!(r.next_seq(), 75);
    }

    /// Segments of `s`: cut points, then each segment maybe duplicated or widened to
    /// overlap its neighbours (with the stream's own bytes), then shuffled.
    fn segments_of(
        s: &[u8],
        cuts: &[usize],
        widen: &[(usize, usize)],
        dups: &[usize],
        order: &[usize],
    ) -> Vec<(usize, usize)> {
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (s.len() + 1)).collect();
        points.extend([0, s.len()]);
        points.sort_unstable();
        points.dedup();
        let mut segs: Vec<(usize, usize)> = points.windows(2).map(|w| (w[0], w[1])).collect();
        for (i, &(before, after)) in widen.iter().enumerate() {
            if let Some(seg) = segs.get_mut(i) {
                seg.0 = seg.0.saturating_sub(before);
                seg.1 = (seg.1 + after).min(s.len());
            }
        }
        for &d in dups {
            if !segs.is_empty() {
                let seg = segs[d % segs.len()];
                segs.push(seg);
            }
        }
        for (i, &o) in order.iter().enumerate() {
            let n = segs.len();
            if n > 1 {
                segs.swap(i % n, o % n);
            }
        }
        segs
    }

    proptest! {
        /// Any segmentation, order, duplication or overlap (of the stream's own bytes)
        /// gives the stream back, whatever the first sequence number.
        #[test]
        fn any_arrival_order_gives_the_stream(
            len in 1usize..6000,
            first: u32,
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
            widen in proptest::collection::vec((0usize..300, 0usize..300), 0..8),
            dups in proptest::collection::vec(any::<usize>(), 0..4),
            order in proptest::collection::vec(any::<usize>(), 0..12),
        ) {
            let s = stream(len);
            let mut r = Reassembler::new(first);
            for (a, b) in segments_of(&s, &cuts, &widen, &dups, &order) {
                r.insert(first.wrapping_add(a as u32), &s[a..b]);
            }
            prop_assert_eq!(r.contiguous(), &s[..]);
            prop_assert_eq!(r.dropped_segments(), 0);
        }

        /// Whatever arrives, the prefix is always a prefix of what was first sent for each
        /// position, and the buffer never outgrows the window.
        #[test]
        fn arbitrary_segments_stay_bounded(
            first: u32,
            segs in proptest::collection::vec((0u32..40_000, proptest::collection::vec(any::<u8>(), 0..3000)), 0..40),
        ) {
            let mut r = Reassembler::new(first);
            let mut firsts: std::collections::BTreeMap<u32, u8> = Default::default();
            for (off, bytes) in &segs {
                let before = r.contiguous().to_vec();
                let result = r.insert(first.wrapping_add(*off), bytes);
                prop_assert!(r.contiguous().starts_with(&before));
                prop_assert!(r.heap_bytes() <= MAX_WINDOW);
                if result != Insert::TooManyIslands {
                    for (i, b) in bytes.iter().enumerate() {
                        if ((off + i as u32) as usize) < MAX_WINDOW {
                            firsts.entry(off + i as u32).or_insert(*b);
                        }
                    }
                }
            }
            for (i, b) in r.contiguous().iter().enumerate() {
                prop_assert_eq!(Some(b), firsts.get(&(i as u32)));
            }
        }
    }
}
