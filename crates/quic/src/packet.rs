//! QUIC long headers (RFC 9000 §17.2), the walk over the packets coalesced in one
//! datagram (§12.2), header-protection removal, packet-number decoding (Appendix A.3)
//! and Initial payload decryption (RFC 9001 §5).
//!
//! Parsing borrows the datagram; decryption writes into a scratch buffer the caller owns
//! (one per engine, reused), so nothing here allocates.

use crate::error::Error;
use crate::keys::{KeyMaterial, SAMPLE_LEN, TAG_LEN};
use crate::version::{LongType, VersionParams, version_params};

/// Longest connection ID QUIC v1 and v2 allow.
pub const MAX_CID_LEN: usize = 20;

/// Reads a variable-length integer (RFC 9000 §16) at `*pos`, advancing it.
#[inline]
pub fn read_varint(buf: &[u8], pos: &mut usize, what: &'static str) -> Result<u64, Error> {
    let first = *buf.get(*pos).ok_or(Error::Truncated {
        what,
        offset: *pos,
        needed: 1,
    })?;
    let len = 1usize << (first >> 6);
    let bytes = buf.get(*pos..*pos + len).ok_or(Error::Truncated {
        what,
        offset: *pos,
        needed: len,
    })?;
    let mut value = u64::from(first & 0x3f);
    for &b in &bytes[1..] {
        value = (value << 8) | u64::from(b);
    }
    *pos += len;
    Ok(value)
}

/// A parsed long header; byte 0's low bits and the packet number are still protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongHeader<'a> {
    /// Byte 0 as on the wire (header protection not removed).
    pub first_byte: u8,
    /// The version's parameters.
    pub params: VersionParams,
    /// The packet type.
    pub kind: LongType,
    /// Destination Connection ID.
    pub dcid: &'a [u8],
    /// Source Connection ID.
    pub scid: &'a [u8],
    /// The token (Initial: the Token field; Retry: the retry token); empty otherwise.
    pub token: &'a [u8],
    /// Offset of the Packet Number field from the start of the packet (0 for Retry).
    pub pn_offset: usize,
    /// The whole packet's length in the datagram, header included.
    pub len: usize,
}

/// Parses the long-header packet at the start of `buf` (the rest of a datagram).
pub fn parse_long_header(buf: &[u8]) -> Result<LongHeader<'_>, Error> {
    let first_byte = *buf.first().ok_or(Error::Truncated {
        what: "QUIC header",
        offset: 0,
        needed: 1,
    })?;
    if first_byte & 0x80 == 0 {
        return Err(Error::ShortHeader);
    }
    let version_bytes = buf.get(1..5).ok_or(Error::Truncated {
        what: "QUIC version",
        offset: 1,
        needed: 4,
    })?;
    let version = u32::from_be_bytes([
        version_bytes[0],
        version_bytes[1],
        version_bytes[2],
        version_bytes[3],
    ]);
    if version == 0 {
        return Err(Error::VersionNegotiation);
    }
    let params = version_params(version).ok_or(Error::UnknownVersion(version))?;
    let mut pos = 5;
    let dcid = read_cid(buf, &mut pos, "QUIC DCID")?;
    let scid = read_cid(buf, &mut pos, "QUIC SCID")?;
    let kind = params.long_type(first_byte);
    let mut token: &[u8] = &[];
    match kind {
        LongType::Retry => {
            // Retry Token up to the 16-byte Retry Integrity Tag that ends the datagram.
            let end = buf
                .len()
                .checked_sub(TAG_LEN)
                .filter(|&end| end >= pos)
                .ok_or(Error::Truncated {
                    what: "QUIC Retry",
                    offset: pos,
                    needed: TAG_LEN,
                })?;
            return Ok(LongHeader {
                first_byte,
                params,
                kind,
                dcid,
                scid,
                token: &buf[pos..end],
                pn_offset: 0,
                len: buf.len(),
            });
        }
        LongType::Initial => {
            let token_len = read_varint(buf, &mut pos, "QUIC token length")?;
            let token_len = usize::try_from(token_len).unwrap_or(usize::MAX);
            token = buf
                .get(pos..pos.saturating_add(token_len))
                .ok_or(Error::Truncated {
                    what: "QUIC token",
                    offset: pos,
                    needed: token_len,
                })?;
            pos += token_len;
        }
        LongType::ZeroRtt | LongType::Handshake => {}
    }
    let length = read_varint(buf, &mut pos, "QUIC packet length")?;
    let available = buf.len() - pos;
    if length > available as u64 {
        return Err(Error::LengthBeyondDatagram { length, available });
    }
    Ok(LongHeader {
        first_byte,
        params,
        kind,
        dcid,
        scid,
        token,
        pn_offset: pos,
        len: pos + length as usize,
    })
}

fn read_cid<'a>(buf: &'a [u8], pos: &mut usize, what: &'static str) -> Result<&'a [u8], Error> {
    let len = *buf.get(*pos).ok_or(Error::Truncated {
        what,
        offset: *pos,
        needed: 1,
    })?;
    if usize::from(len) > MAX_CID_LEN {
        return Err(Error::ConnectionIdTooLong { len, offset: *pos });
    }
    let start = *pos + 1;
    let cid = buf
        .get(start..start + usize::from(len))
        .ok_or(Error::Truncated {
            what,
            offset: start,
            needed: usize::from(len),
        })?;
    *pos = start + usize::from(len);
    Ok(cid)
}

/// True when `payload` starts like a long-header packet of a version this crate can
/// open: a handful of byte comparisons, for rejecting other UDP traffic cheaply.
#[inline]
pub fn is_known_long_header(payload: &[u8]) -> bool {
    payload.len() >= 7
        && payload[0] & 0x80 != 0
        && version_params(u32::from_be_bytes([
            payload[1], payload[2], payload[3], payload[4],
        ]))
        .is_some()
}

/// The packets coalesced in one UDP datagram, in order.
///
/// The first packet's errors are returned (the datagram is not usable QUIC); after it,
/// anything that is not a long header of a known version (a short-header packet, padding,
/// junk) ends the walk quietly, as RFC 9000 §12.2 allows.
#[derive(Debug, Clone)]
pub struct Datagram<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Datagram<'a> {
    /// Starts a walk over `datagram`.
    pub fn new(datagram: &'a [u8]) -> Self {
        Datagram {
            buf: datagram,
            pos: 0,
        }
    }
}

impl<'a> Iterator for Datagram<'a> {
    /// The packet's offset in the datagram, its bytes and its header.
    type Item = Result<(usize, &'a [u8], LongHeader<'a>), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.buf[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let first = self.pos == 0;
        match parse_long_header(rest) {
            Ok(header) => {
                let offset = self.pos;
                self.pos += header.len;
                Some(Ok((offset, &rest[..header.len], header)))
            }
            Err(e) => {
                self.pos = self.buf.len();
                first.then_some(Err(e))
            }
        }
    }
}

/// Recovers a full packet number from its truncated form (RFC 9000 Appendix A.3), given
/// the largest packet number seen in the same space (`None` before the first).
pub fn decode_packet_number(largest: Option<u64>, truncated: u64, pn_len: usize) -> u64 {
    let expected = largest.map_or(0, |l| l + 1);
    let win = 1u64 << (8 * pn_len as u32);
    let hwin = win / 2;
    let mask = win - 1;
    let candidate = (expected & !mask) | truncated;
    if candidate.saturating_add(hwin) <= expected && candidate < (1u64 << 62) - win {
        candidate + win
    } else if candidate > expected.saturating_add(hwin) && candidate >= win {
        candidate - win
    } else {
        candidate
    }
}

/// A decrypted packet.
#[derive(Debug, PartialEq, Eq)]
pub struct Opened<'s> {
    /// The full packet number.
    pub packet_number: u64,
    /// The length of its encoding (1 to 4 bytes).
    pub pn_len: usize,
    /// The unprotected header (byte 0 through the packet number), the AEAD's AAD.
    pub header: &'s [u8],
    /// The decrypted frames.
    pub payload: &'s [u8],
}

/// Removes header protection from an Initial `packet` (the bytes [`Datagram`] gave with
/// `header`) and decrypts it with `keys` into `scratch`.
pub fn open_initial<'s>(
    packet: &[u8],
    header: &LongHeader<'_>,
    keys: &KeyMaterial,
    largest_pn: Option<u64>,
    scratch: &'s mut [u8],
) -> Result<Opened<'s>, Error> {
    if header.kind != LongType::Initial {
        return Err(Error::NotInitial);
    }
    let pn_offset = header.pn_offset;
    let len = header.len.min(packet.len());
    // The sample assumes a 4-byte packet number and needs 16 bytes after it.
    if len < pn_offset + 4 + SAMPLE_LEN {
        return Err(Error::PacketTooShort {
            length: len - pn_offset.min(len),
        });
    }
    let mut sample = [0u8; SAMPLE_LEN];
    sample.copy_from_slice(&packet[pn_offset + 4..pn_offset + 4 + SAMPLE_LEN]);
    let mask = keys.header_mask(&sample);
    let first = packet[0] ^ (mask[0] & 0x0f);
    let pn_len = usize::from(first & 0x03) + 1;
    if len < pn_offset + pn_len + TAG_LEN {
        return Err(Error::PacketTooShort {
            length: len - pn_offset,
        });
    }
    let scratch = scratch
        .get_mut(..len)
        .ok_or(Error::ScratchTooSmall { needed: len })?;
    scratch.copy_from_slice(&packet[..len]);
    scratch[0] = first;
    let mut truncated = 0u64;
    for i in 0..pn_len {
        scratch[pn_offset + i] ^= mask[1 + i];
        truncated = (truncated << 8) | u64::from(scratch[pn_offset + i]);
    }
    let packet_number = decode_packet_number(largest_pn, truncated, pn_len);
    let (aad, rest) = scratch.split_at_mut(pn_offset + pn_len);
    let (payload, tag) = rest.split_at_mut(rest.len() - TAG_LEN);
    let mut tag_bytes = [0u8; TAG_LEN];
    tag_bytes.copy_from_slice(tag);
    keys.open(packet_number, aad, payload, &tag_bytes)?;
    Ok(Opened {
        packet_number,
        pn_len,
        header: aad,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_of_rfc9000_appendix_a1() {
        for (bytes, value) in [
            (
                &[0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c][..],
                151_288_809_941_952_652u64,
            ),
            (&[0x9d, 0x7f, 0x3e, 0x7d][..], 494_878_333),
            (&[0x7b, 0xbd][..], 15_293),
            (&[0x25][..], 37),
            (&[0x40, 0x25][..], 37),
        ] {
            let mut pos = 0;
            assert_eq!(read_varint(bytes, &mut pos, "t"), Ok(value));
            assert_eq!(pos, bytes.len());
        }
        let mut pos = 0;
        assert!(matches!(
            read_varint(&[0x7b], &mut pos, "t"),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn packet_number_of_rfc9000_appendix_a3() {
        assert_eq!(
            decode_packet_number(Some(0xa82f_30ea), 0x9b32, 2),
            0xa82f_9b32
        );
        assert_eq!(decode_packet_number(None, 2, 4), 2);
        assert_eq!(decode_packet_number(None, 0, 1), 0);
        assert_eq!(decode_packet_number(Some(0xff), 0x01, 1), 0x101);
    }

    #[test]
    fn short_header_and_version_negotiation_rejected() {
        assert_eq!(parse_long_header(&[0x40, 1, 2, 3]), Err(Error::ShortHeader));
        assert_eq!(
            parse_long_header(&[0xc0, 0, 0, 0, 0, 0, 0]),
            Err(Error::VersionNegotiation)
        );
        assert_eq!(
            parse_long_header(&[0xc0, 0x1a, 0x2a, 0x3a, 0x4a, 0, 0]),
            Err(Error::UnknownVersion(0x1a2a_3a4a))
        );
        assert!(matches!(
            parse_long_header(&[0xc0, 0, 0, 0, 1, 21]),
            Err(Error::ConnectionIdTooLong { len: 21, offset: 5 })
        ));
        assert!(!is_known_long_header(&[0x40, 0, 0, 0, 1, 0, 0]));
        assert!(is_known_long_header(&[0xc0, 0, 0, 0, 1, 0, 0]));
    }
}
