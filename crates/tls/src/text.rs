//! Fingerprint text, written byte by byte into a stack buffer and handed on in blocks to
//! a hash or a `String` (one call per 256 bytes instead of one per value).

use sha2::{Digest, Sha256};

/// Where full blocks of text go.
pub(crate) trait Flush {
    fn flush(&mut self, bytes: &[u8]);
}

impl Flush for String {
    fn flush(&mut self, bytes: &[u8]) {
        // Only ASCII is ever written.
        self.push_str(std::str::from_utf8(bytes).unwrap_or_default());
    }
}

impl Flush for Sha256 {
    fn flush(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";
const CAP: usize = 256;

/// The two hex digits of every byte.
const HEX_PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 15]];
        i += 1;
    }
    t
};

/// The two decimal digits of 0 to 99.
const DEC_PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// A text being written into `out`; [`Text::finish`] hands on the rest.
pub(crate) struct Text<'o, F: Flush> {
    out: &'o mut F,
    buf: [u8; CAP],
    len: usize,
}

impl<'o, F: Flush> Text<'o, F> {
    #[inline]
    pub(crate) fn new(out: &'o mut F) -> Self {
        Text {
            out,
            buf: [0; CAP],
            len: 0,
        }
    }

    /// Makes room for `n` (at most 5) more bytes.
    #[inline]
    fn room(&mut self, n: usize) {
        if self.len + n > CAP {
            self.out.flush(&self.buf[..self.len]);
            self.len = 0;
        }
    }

    #[inline]
    pub(crate) fn byte(&mut self, b: u8) {
        self.room(1);
        self.buf[self.len] = b;
        self.len += 1;
    }

    #[inline]
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    /// `v` as 4 lower-case hex digits.
    #[inline]
    pub(crate) fn hex4(&mut self, v: u16) {
        self.room(4);
        let [hi, lo] = v.to_be_bytes();
        let [a, b] = HEX_PAIRS[usize::from(hi)];
        let [c, d] = HEX_PAIRS[usize::from(lo)];
        self.buf[self.len..self.len + 4].copy_from_slice(&[a, b, c, d]);
        self.len += 4;
    }

    /// `v` in decimal.
    #[inline]
    pub(crate) fn dec(&mut self, v: u16) {
        self.room(5);
        // Two digits at a time from a table (a variable-length copy would be a library
        // call per value).
        let n = usize::from(v);
        let out = &mut self.buf[self.len..self.len + 5];
        let width = if n < 10 {
            out[0] = b'0' + n as u8;
            1
        } else if n < 100 {
            out[..2].copy_from_slice(&DEC_PAIRS[n]);
            2
        } else if n < 1000 {
            out[0] = b'0' + (n / 100) as u8;
            out[1..3].copy_from_slice(&DEC_PAIRS[n % 100]);
            3
        } else if n < 10000 {
            out[..2].copy_from_slice(&DEC_PAIRS[n / 100]);
            out[2..4].copy_from_slice(&DEC_PAIRS[n % 100]);
            4
        } else {
            out[0] = b'0' + (n / 10000) as u8;
            out[1..3].copy_from_slice(&DEC_PAIRS[n / 100 % 100]);
            out[3..5].copy_from_slice(&DEC_PAIRS[n % 100]);
            5
        };
        self.len += width;
    }

    /// Values as 4-digit hex joined with `,` (JA4's lists).
    #[inline]
    pub(crate) fn hex_list(&mut self, values: impl Iterator<Item = u16>) {
        self.list(values, b',', Self::hex4);
    }

    /// Values in decimal joined with `-` (JA3's lists).
    #[inline]
    pub(crate) fn dec_list(&mut self, values: impl Iterator<Item = u16>) {
        self.list(values, b'-', Self::dec);
    }

    #[inline]
    fn list(&mut self, values: impl Iterator<Item = u16>, sep: u8, item: fn(&mut Self, u16)) {
        for (i, v) in values.enumerate() {
            if i > 0 {
                self.byte(sep);
            }
            item(self, v);
        }
    }

    /// Hands on what is left.
    #[inline]
    pub(crate) fn finish(self) {
        self.out.flush(&self.buf[..self.len]);
    }
}

/// Lower-case hex of `bytes` into `out` (two digits per byte, as many as fit).
pub(crate) fn hex_into(bytes: &[u8], out: &mut [u8]) {
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 15)];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value, written across many 256-byte blocks, reads as `std`'s formatting.
    #[test]
    fn numbers_read_as_std_writes_them() {
        let (mut dec, mut hex) = (String::new(), String::new());
        let mut t = Text::new(&mut dec);
        t.dec_list(0..=u16::MAX);
        t.finish();
        let mut t = Text::new(&mut hex);
        t.hex_list(0..=u16::MAX);
        t.finish();
        let want_dec: Vec<String> = (0..=u16::MAX).map(|v| v.to_string()).collect();
        let want_hex: Vec<String> = (0..=u16::MAX).map(|v| format!("{v:04x}")).collect();
        assert_eq!(dec, want_dec.join("-"));
        assert_eq!(hex, want_hex.join(","));
    }
}
