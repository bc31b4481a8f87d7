//! Initial packet protection keys (RFC 9001 §5.2, §5.3, §5.4; RFC 9369 §3.3): HKDF-SHA256
//! from the client's original Destination Connection ID, AES-128-GCM for the payload and
//! AES-128-ECB for the header-protection mask. The primitives are RustCrypto's (`aes`,
//! `aes-gcm`, `hkdf`, `sha2`, which use AES-NI when the CPU has it); this module only
//! wires them together.
//!
//! Keys are kept as plain bytes ([`KeyMaterial`], 44 bytes per direction) so that a
//! connection's state stays small, `Copy` and free of allocation; the cipher objects are
//! built per packet (a key schedule costs tens of nanoseconds).

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use aes_gcm::{AeadInPlace, Aes128Gcm, Nonce, Tag};
use hkdf::Hkdf;
use sha2::Sha256;

use crate::error::Error;
use crate::version::{Labels, VersionParams};

/// Length of the AES-128-GCM tag that ends every protected payload.
pub const TAG_LEN: usize = 16;
/// Length of the header-protection sample.
pub const SAMPLE_LEN: usize = 16;

/// The secrets of RFC 9001 §5.2 for one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitialSecrets {
    /// `HKDF-Extract(salt, original DCID)`.
    pub initial: [u8; 32],
    /// `HKDF-Expand-Label(initial, "client in", "", 32)`.
    pub client: [u8; 32],
    /// `HKDF-Expand-Label(initial, "server in", "", 32)`.
    pub server: [u8; 32],
}

impl InitialSecrets {
    /// Derives the secrets of a version from the client's original Destination
    /// Connection ID.
    pub fn derive(params: &VersionParams, original_dcid: &[u8]) -> Self {
        let (prk, hk) = Hkdf::<Sha256>::extract(Some(params.salt), original_dcid);
        let mut initial = [0u8; 32];
        initial.copy_from_slice(&prk);
        let mut client = [0u8; 32];
        let mut server = [0u8; 32];
        expand_label(&hk, b"client in", &mut client);
        expand_label(&hk, b"server in", &mut server);
        InitialSecrets {
            initial,
            client,
            server,
        }
    }
}

/// Packet protection key, IV and header-protection key of one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyMaterial {
    /// AEAD_AES_128_GCM key.
    pub key: [u8; 16],
    /// AEAD IV, XORed with the packet number to make the nonce.
    pub iv: [u8; 12],
    /// AES-128 header-protection key.
    pub hp: [u8; 16],
}

impl KeyMaterial {
    /// Expands a direction's secret with the version's labels.
    pub fn from_secret(labels: Labels, secret: &[u8; 32]) -> Self {
        let hk = Hkdf::<Sha256>::from_prk(secret).expect("a 32-byte PRK is always long enough");
        let (key_label, iv_label, hp_label): (&[u8], &[u8], &[u8]) = match labels {
            Labels::V1 => (b"quic key", b"quic iv", b"quic hp"),
            Labels::V2 => (b"quicv2 key", b"quicv2 iv", b"quicv2 hp"),
        };
        let mut out = KeyMaterial {
            key: [0; 16],
            iv: [0; 12],
            hp: [0; 16],
        };
        expand_label(&hk, key_label, &mut out.key);
        expand_label(&hk, iv_label, &mut out.iv);
        expand_label(&hk, hp_label, &mut out.hp);
        out
    }

    /// The header-protection mask for a 16-byte sample (`AES-ECB(hp, sample)`, first 5
    /// bytes).
    pub fn header_mask(&self, sample: &[u8; SAMPLE_LEN]) -> [u8; 5] {
        let cipher = Aes128::new(GenericArray::from_slice(&self.hp));
        let mut block = GenericArray::clone_from_slice(sample);
        cipher.encrypt_block(&mut block);
        let mut mask = [0u8; 5];
        mask.copy_from_slice(&block[..5]);
        mask
    }

    /// The AEAD nonce of a packet number (RFC 9001 §5.3).
    pub fn nonce(&self, packet_number: u64) -> [u8; 12] {
        let mut nonce = self.iv;
        for (n, p) in nonce[4..].iter_mut().zip(packet_number.to_be_bytes()) {
            *n ^= p;
        }
        nonce
    }

    /// Decrypts `payload` in place and checks its `tag`.
    pub fn open(
        &self,
        packet_number: u64,
        aad: &[u8],
        payload: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), Error> {
        let cipher = Aes128Gcm::new(GenericArray::from_slice(&self.key));
        let nonce = self.nonce(packet_number);
        cipher
            .decrypt_in_place_detached(
                Nonce::from_slice(&nonce),
                aad,
                payload,
                Tag::from_slice(tag),
            )
            .map_err(|_| Error::DecryptFailed)
    }

    /// Encrypts `payload` in place and returns its tag (used to build packets in tests
    /// and tools; an observer never encrypts).
    pub fn seal(&self, packet_number: u64, aad: &[u8], payload: &mut [u8]) -> [u8; TAG_LEN] {
        let cipher = Aes128Gcm::new(GenericArray::from_slice(&self.key));
        let nonce = self.nonce(packet_number);
        let tag = cipher
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), aad, payload)
            .expect("AES-GCM accepts any payload shorter than 64 GiB");
        tag.into()
    }
}

/// Both directions' Initial keys of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitialKeys {
    /// Protects the client's Initial packets.
    pub client: KeyMaterial,
    /// Protects the server's Initial packets.
    pub server: KeyMaterial,
}

impl InitialKeys {
    /// Derives both directions' keys of `params`'s version from the client's original
    /// Destination Connection ID (or, after a Retry, the Retry's Source Connection ID).
    pub fn derive(params: &VersionParams, original_dcid: &[u8]) -> Self {
        let secrets = InitialSecrets::derive(params, original_dcid);
        InitialKeys {
            client: KeyMaterial::from_secret(params.labels, &secrets.client),
            server: KeyMaterial::from_secret(params.labels, &secrets.server),
        }
    }

    /// The keys of one direction.
    #[inline]
    pub fn direction(&self, from_client: bool) -> &KeyMaterial {
        if from_client {
            &self.client
        } else {
            &self.server
        }
    }

    /// Derives one direction's keys only: half the HKDF work of [`InitialKeys::derive`],
    /// for an observer that has seen only that direction so far.
    pub fn derive_one(
        params: &VersionParams,
        original_dcid: &[u8],
        from_client: bool,
    ) -> KeyMaterial {
        let (_, hk) = Hkdf::<Sha256>::extract(Some(params.salt), original_dcid);
        let mut secret = [0u8; 32];
        expand_label(
            &hk,
            if from_client {
                b"client in"
            } else {
                b"server in"
            },
            &mut secret,
        );
        KeyMaterial::from_secret(params.labels, &secret)
    }
}

/// HKDF-Expand-Label of RFC 8446 §7.1 with an empty context, into `out` (whose length is
/// the `L` of the label).
fn expand_label(hk: &Hkdf<Sha256>, label: &[u8], out: &mut [u8]) {
    let len = (out.len() as u16).to_be_bytes();
    let label_len = [(6 + label.len()) as u8];
    hk.expand_multi_info(&[&len, &label_len, b"tls13 ", label, &[0]], out)
        .expect("output lengths here are far below 255 * 32");
}
