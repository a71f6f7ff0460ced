//! Fixed-width reads out of byte slices that never panic: `None` when the bytes are not there.
//! Dissectors read headers of captured frames, which may be cut anywhere.

/// `N` bytes at `off`, if present.
#[inline]
pub fn array<const N: usize>(b: &[u8], off: usize) -> Option<[u8; N]> {
    b.get(off..off.checked_add(N)?)?.try_into().ok()
}

/// Big-endian 16 bits at `off`.
#[inline]
pub fn be16(b: &[u8], off: usize) -> Option<u16> {
    array(b, off).map(u16::from_be_bytes)
}

/// Big-endian 32 bits at `off`.
#[inline]
pub fn be32(b: &[u8], off: usize) -> Option<u32> {
    array(b, off).map(u32::from_be_bytes)
}

/// The big-endian 16-bit words of `b`, and the odd byte left over (if any).
#[inline]
pub fn be16_words(b: &[u8]) -> (impl Iterator<Item = u16> + '_, Option<u8>) {
    let (words, rest) = b.as_chunks::<2>();
    (
        words.iter().map(|&w| u16::from_be_bytes(w)),
        rest.first().copied(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_range_and_none_past_the_end() {
        let b = [0x12, 0x34, 0x56, 0x78, 0x9a];
        assert_eq!(be16(&b, 0), Some(0x1234));
        assert_eq!(be16(&b, 3), Some(0x789a));
        assert_eq!(be16(&b, 4), None);
        assert_eq!(be32(&b, 1), Some(0x3456_789a));
        assert_eq!(be32(&b, 2), None);
        assert_eq!(be32(&b, usize::MAX), None);
        assert_eq!(array::<0>(&b, 5), Some([]));
        let (words, odd) = be16_words(&b);
        assert_eq!(words.collect::<Vec<_>>(), [0x1234, 0x5678]);
        assert_eq!(odd, Some(0x9a));
    }
}
