//! QUIC versions this crate can open Initial packets of: the salt, the HKDF labels and
//! the long-header packet type codes of each (../shared/spec/tls-quic-fingerprinting.md
//! §3.1; RFC 9001 §5.2, RFC 9369 §3, the drafts' own salts).

/// Initial salt of QUIC v1 (RFC 9001 §5.2), also used by drafts 33 and 34.
const SALT_V1: [u8; 20] = hex20(*b"38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
/// Initial salt of QUIC v2 (RFC 9369 §3.3.1).
const SALT_V2: [u8; 20] = hex20(*b"0dede3def700a6db819381be6e269dcbf9bd2ed9");
/// Initial salt of the QUIC v2 drafts (version 0x709a50c4, draft-ietf-quic-v2-01..04).
const SALT_V2_DRAFT: [u8; 20] = hex20(*b"a707c203a59b47184a1d62ca570406ea7ae3e5d3");
/// Initial salt of drafts 29 to 32.
const SALT_DRAFT_29: [u8; 20] = hex20(*b"afbfec289993d24c9e9786f19c6111e04390a899");
/// Initial salt of drafts 23 to 28 and of mvfst 0xfaceb002 / 0xfaceb00e.
const SALT_DRAFT_23: [u8; 20] = hex20(*b"c3eef712c72ebb5a11a7d2432bb46365bef9f502");
/// Initial salt of Google's QUIC T050 (TLS over the IETF packet format).
const SALT_T050: [u8; 20] = hex20(*b"7ff579e5acd072915580304c43a2367c60488310");
/// Initial salt of Google's QUIC T051.
const SALT_T051: [u8; 20] = hex20(*b"7a4edef4e7ccee5fa4506c19124fc8ccda6e033d");
/// Initial salt of draft 22 and of mvfst 0xfaceb001.
const SALT_DRAFT_22: [u8; 20] = hex20(*b"7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a");

/// QUIC version 1 (RFC 9000).
pub const VERSION_1: u32 = 0x0000_0001;
/// QUIC version 2 (RFC 9369).
pub const VERSION_2: u32 = 0x6b33_43cf;
/// The version number of the QUIC v2 drafts.
pub const VERSION_2_DRAFT: u32 = 0x709a_50c4;

/// Which HKDF labels derive a version's packet protection keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labels {
    /// `quic key`, `quic iv`, `quic hp` (v1 and the drafts).
    V1,
    /// `quicv2 key`, `quicv2 iv`, `quicv2 hp` (v2 and its drafts).
    V2,
}

/// The long-header packet types, by meaning (their wire codes depend on the version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongType {
    /// Initial: carries the ClientHello / ServerHello in CRYPTO frames.
    Initial,
    /// 0-RTT: early application data, not decryptable by an observer.
    ZeroRtt,
    /// Handshake: encrypted with handshake keys, not decryptable by an observer.
    Handshake,
    /// Retry: the server's address validation, with the new connection ID.
    Retry,
}

/// What a known version needs for Initial protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionParams {
    /// The version number on the wire.
    pub version: u32,
    /// The Initial salt.
    pub salt: &'static [u8; 20],
    /// The key derivation labels.
    pub labels: Labels,
    /// The wire code (bits 0x30 of byte 0, shifted down) of an Initial packet; the other
    /// types follow in the version's order.
    pub initial_code: u8,
    /// The CRYPTO frame's type: 0x06, except in Google's T050/T051 (0x08, gQUIC's
    /// numbering).
    pub crypto_frame: u8,
}

impl VersionParams {
    /// The packet type of a long header's first byte.
    #[inline]
    pub fn long_type(&self, first_byte: u8) -> LongType {
        let code = (first_byte >> 4) & 0x03;
        // v1 order: Initial 0, 0-RTT 1, Handshake 2, Retry 3.
        // v2 order: Retry 0, Initial 1, 0-RTT 2, Handshake 3.
        match (code + 4 - self.initial_code) & 0x03 {
            0 => LongType::Initial,
            1 => LongType::ZeroRtt,
            2 => LongType::Handshake,
            _ => LongType::Retry,
        }
    }
}

const fn v1_like(version: u32, salt: &'static [u8; 20]) -> VersionParams {
    VersionParams {
        version,
        salt,
        labels: Labels::V1,
        initial_code: 0,
        crypto_frame: 0x06,
    }
}

const fn google_tls(version: u32, salt: &'static [u8; 20]) -> VersionParams {
    VersionParams {
        version,
        salt,
        labels: Labels::V1,
        initial_code: 0,
        crypto_frame: 0x08,
    }
}

const fn v2_like(version: u32, salt: &'static [u8; 20]) -> VersionParams {
    VersionParams {
        version,
        salt,
        labels: Labels::V2,
        initial_code: 1,
        crypto_frame: 0x06,
    }
}

/// The parameters of `version`, or `None` when no salt is known for it (Version
/// Negotiation, gQUIC before T050, reserved/greased versions, drafts before 22).
pub fn version_params(version: u32) -> Option<VersionParams> {
    Some(match version {
        VERSION_1 => v1_like(version, &SALT_V1),
        VERSION_2 => v2_like(version, &SALT_V2),
        VERSION_2_DRAFT => v2_like(version, &SALT_V2_DRAFT),
        // IETF drafts 22..=34.
        0xff00_0016 => v1_like(version, &SALT_DRAFT_22),
        0xff00_0017..=0xff00_001c => v1_like(version, &SALT_DRAFT_23),
        0xff00_001d..=0xff00_0020 => v1_like(version, &SALT_DRAFT_29),
        0xff00_0021..=0xff00_0022 => v1_like(version, &SALT_V1),
        // Facebook mvfst: 0xfaceb001 follows draft 22, 0xfaceb002 and the experimental
        // 0xfaceb00e draft 27 (draft 23's salt), 0xfaceb003 / 0xfaceb004 are aliases of v1.
        0xface_b001 => v1_like(version, &SALT_DRAFT_22),
        0xface_b002 | 0xface_b00e => v1_like(version, &SALT_DRAFT_23),
        0xface_b003 | 0xface_b004 => v1_like(version, &SALT_V1),
        // Google QUIC with TLS: T050 and T051 ("T05" then a digit).
        0x5430_3530 => google_tls(version, &SALT_T050),
        0x5430_3531 => google_tls(version, &SALT_T051),
        _ => return None,
    })
}

/// Decodes 40 hex digits at compile time.
const fn hex20(digits: [u8; 40]) -> [u8; 20] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lower-case hex digit"),
        }
    }
    let mut out = [0u8; 20];
    let mut i = 0;
    while i < 20 {
        out[i] = (nibble(digits[2 * i]) << 4) | nibble(digits[2 * i + 1]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_types_by_version() {
        let v1 = version_params(VERSION_1).unwrap();
        assert_eq!(v1.long_type(0xc3), LongType::Initial);
        assert_eq!(v1.long_type(0xd0), LongType::ZeroRtt);
        assert_eq!(v1.long_type(0xe0), LongType::Handshake);
        assert_eq!(v1.long_type(0xf0), LongType::Retry);
        // The fixed bit (0x40) may be greased: it does not change the type.
        assert_eq!(v1.long_type(0x83), LongType::Initial);
        let v2 = version_params(VERSION_2).unwrap();
        assert_eq!(v2.long_type(0xd3), LongType::Initial);
        assert_eq!(v2.long_type(0xe0), LongType::ZeroRtt);
        assert_eq!(v2.long_type(0xf0), LongType::Handshake);
        assert_eq!(v2.long_type(0xc0), LongType::Retry);
    }

    #[test]
    fn version_table() {
        assert_eq!(version_params(0xff00_001d).unwrap().salt, &SALT_DRAFT_29);
        assert_eq!(version_params(0xff00_0022).unwrap().salt, &SALT_V1);
        assert_eq!(version_params(0xface_b002).unwrap().salt, &SALT_DRAFT_23);
        assert_eq!(version_params(VERSION_2_DRAFT).unwrap().labels, Labels::V2);
        assert!(version_params(0).is_none());
        assert!(version_params(0xff00_0015).is_none());
        assert!(version_params(0x1a2a_3a4a).is_none());
        assert!(version_params(0x5130_3530).is_none());
    }
}
