//! Building protected Initial packets: what a client or server does, for tests, benches,
//! fuzz seeds and tools that need real QUIC traffic (an observer never encrypts).

use crate::keys::{KeyMaterial, SAMPLE_LEN, TAG_LEN};
use crate::version::VersionParams;

/// Appends to `out` an Initial packet of `params`'s version carrying `payload` (frames),
/// protected with `keys` (the sender's direction). The packet number is encoded on
/// `pn_len` bytes (1 to 4; clamped); the payload is padded with PADDING frames when it
/// is too short for the header-protection sample. The Length field is a 2-byte varint
/// below 16384 bytes, 4 bytes above.
#[allow(clippy::too_many_arguments)]
pub fn protect_initial(
    params: &VersionParams,
    keys: &KeyMaterial,
    dcid: &[u8],
    scid: &[u8],
    token: &[u8],
    packet_number: u64,
    pn_len: usize,
    payload: &[u8],
    out: &mut Vec<u8>,
) {
    let pn_len = pn_len.clamp(1, 4);
    let start = out.len();
    out.push(0xc0 | (params.initial_code << 4) | (pn_len as u8 - 1));
    out.extend_from_slice(&params.version.to_be_bytes());
    out.push(dcid.len() as u8);
    out.extend_from_slice(dcid);
    out.push(scid.len() as u8);
    out.extend_from_slice(scid);
    push_varint(out, token.len() as u64);
    out.extend_from_slice(token);
    let padded = payload.len().max(4 - pn_len);
    let length = pn_len + padded + TAG_LEN;
    if length < 16384 {
        out.extend_from_slice(&(0x4000u16 | length as u16).to_be_bytes());
    } else {
        out.extend_from_slice(&(0x8000_0000u32 | length as u32).to_be_bytes());
    }
    let pn_offset = out.len() - start;
    out.extend_from_slice(&packet_number.to_be_bytes()[8 - pn_len..]);
    let payload_start = out.len();
    out.extend_from_slice(payload);
    out.resize(payload_start + padded, 0);
    let (head, body) = out[start..].split_at_mut(pn_offset + pn_len);
    let tag = keys.seal(packet_number, head, &mut body[..padded]);
    out.extend_from_slice(&tag);
    let packet = &mut out[start..];
    let mut sample = [0u8; SAMPLE_LEN];
    sample.copy_from_slice(&packet[pn_offset + 4..pn_offset + 4 + SAMPLE_LEN]);
    let mask = keys.header_mask(&sample);
    packet[0] ^= mask[0] & 0x0f;
    for i in 0..pn_len {
        packet[pn_offset + i] ^= mask[1 + i];
    }
}

/// Appends a CRYPTO frame (type 0x06) to `out`.
pub fn push_crypto_frame(out: &mut Vec<u8>, offset: u64, data: &[u8]) {
    out.push(0x06);
    push_varint(out, offset);
    push_varint(out, data.len() as u64);
    out.extend_from_slice(data);
}

/// Appends a variable-length integer (RFC 9000 §16) in its shortest form.
pub fn push_varint(out: &mut Vec<u8>, v: u64) {
    match v {
        0..=0x3f => out.push(v as u8),
        0x40..=0x3fff => out.extend_from_slice(&(0x4000 | v as u16).to_be_bytes()),
        0x4000..=0x3fff_ffff => out.extend_from_slice(&(0x8000_0000 | v as u32).to_be_bytes()),
        _ => out.extend_from_slice(&(0xc000_0000_0000_0000 | v).to_be_bytes()),
    }
}
