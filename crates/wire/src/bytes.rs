//! Checked big- and little-endian reads from byte slices: every read returns `None` instead
//! of panicking when the slice is too short.

/// The byte at `at`.
#[inline]
pub(crate) fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

/// The `N` bytes starting at `at`.
#[inline]
pub(crate) fn array_at<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    let end = at.checked_add(N)?;
    b.get(at..end)?.try_into().ok()
}

/// Big-endian `u16` at `at`.
#[inline]
pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    array_at(b, at).map(u16::from_be_bytes)
}

/// Little-endian `u16` at `at`.
#[inline]
pub(crate) fn le16(b: &[u8], at: usize) -> Option<u16> {
    array_at(b, at).map(u16::from_le_bytes)
}

/// Big-endian `u32` at `at`.
#[inline]
pub(crate) fn be32(b: &[u8], at: usize) -> Option<u32> {
    array_at(b, at).map(u32::from_be_bytes)
}

/// Little-endian `u32` at `at`.
#[inline]
pub(crate) fn le32(b: &[u8], at: usize) -> Option<u32> {
    array_at(b, at).map(u32::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_range_and_refuses_out_of_range() {
        let b = [0x12, 0x34, 0x56, 0x78];
        assert_eq!(be16(&b, 0), Some(0x1234));
        assert_eq!(le16(&b, 2), Some(0x7856));
        assert_eq!(be32(&b, 0), Some(0x1234_5678));
        assert_eq!(le32(&b, 0), Some(0x7856_3412));
        assert_eq!(u8_at(&b, 3), Some(0x78));
        assert_eq!(u8_at(&b, 4), None);
        assert_eq!(be16(&b, 3), None);
        assert_eq!(be32(&b, 1), None);
        assert_eq!(be32(&b, usize::MAX), None);
    }
}
