//! Sealing: the step before a working group's record is signed, and after a group
//! member's node has verified one. A group's epoch key is sealed to each member device's
//! sealing key with HPKE (RFC 9180: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//! ChaCha20-Poly1305, base mode, from the `hpke` crate); a group record's content is
//! encrypted under the epoch key with XChaCha20-Poly1305 (RustCrypto). No primitive is
//! written here (docs/groups.md §2).
//!
//! Like the rest of the crate this is deterministic: randomness (the HPKE ephemeral key,
//! the epoch key, the nonce) comes in as bytes from the caller, who draws them from the
//! operating system ([`fresh_bytes`]) or, in tests and golden vectors, from fixed seeds.

use chacha20::ChaCha20Rng;
use chacha20::rand_core::SeedableRng;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::body::{Body, BodyKind, SealedKey, SealingKey};
use crate::codec::{DecodeError, decode_canonical, encode};
use crate::id::{NetworkId, RecordId};
use crate::keys::{DeviceKey, RngError};

type SealKem = X25519HkdfSha256;
type SealKdf = hpke::kdf::HkdfSha256;
type SealAead = hpke::aead::ChaCha20Poly1305;

/// The HPKE `info` prefix for an epoch key sealed to one device.
const EPOCH_KEY_INFO: &[u8] = b"commons/group-key/v1\x00";
/// The associated-data prefix of a group record's content.
const CONTENT_AAD: &[u8] = b"commons/group-record/v1\x00";

/// Why sealing or opening failed. Opening fails the same way for a wrong key, a
/// tampered ciphertext and a key sealed for another device or group: on purpose, so
/// the error says nothing an attacker could use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SealError {
    /// The sealed epoch key does not open with this device's sealing key.
    #[error(
        "the group key sealed for this device does not open: it was sealed for another key, group or network, or altered"
    )]
    KeyDoesNotOpen,
    /// The sealing key is not one HPKE accepts (for X25519, one whose shared secret
    /// would be all zeros).
    #[error("the recipient's sealing key is unusable (a small-order X25519 point)")]
    UnusableSealingKey,
    /// The content does not decrypt under the epoch key.
    #[error(
        "the group record's content does not decrypt under its epoch key: the key is not this epoch's, or the record was altered"
    )]
    ContentDoesNotOpen,
    /// The decrypted content is not a body this version reads.
    #[error("the group record's decrypted content is malformed: {0}")]
    Content(DecodeError),
    /// The decrypted content is of a kind a group record may not carry.
    #[error("a group record may not carry a {}", crate::body::kind_name(*.kind))]
    KindNotSealable {
        /// The inner kind (`None`: unknown to this version).
        kind: Option<BodyKind>,
    },
}

/// A device's sealing key pair. The secret is stored like the device key (0600).
#[derive(Clone)]
pub struct SealingKeypair {
    secret: <SealKem as Kem>::PrivateKey,
    public: SealingKey,
}

impl core::fmt::Debug for SealingKeypair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SealingKeypair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl SealingKeypair {
    /// The key pair derived from 32 bytes of keying material (RFC 9180 `DeriveKeyPair`).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let (secret, public) = SealKem::derive_keypair(&seed);
        let mut bytes = [0u8; 32];
        public.write_exact(&mut bytes);
        SealingKeypair {
            secret,
            public: SealingKey(bytes),
        }
    }

    /// A fresh key pair from the operating system's randomness.
    pub fn generate() -> Result<Self, RngError> {
        Ok(Self::from_seed(fresh_bytes()?))
    }

    /// The public half, published in the device's `sealing-key` record.
    pub fn public(&self) -> SealingKey {
        self.public
    }
}

/// A group's symmetric key for one epoch. Never on the wire in clear.
#[derive(Clone, PartialEq, Eq)]
pub struct EpochKey([u8; 32]);

impl core::fmt::Debug for EpochKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("EpochKey(…)")
    }
}

impl EpochKey {
    /// The key with these bytes (fresh from [`fresh_bytes`], or a test's seed).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        EpochKey(bytes)
    }

    /// A fresh key from the operating system's randomness.
    pub fn generate() -> Result<Self, RngError> {
        Ok(EpochKey(fresh_bytes()?))
    }

    /// The key's bytes, to store in the node's 0600 key file.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }
}

/// 32 bytes from the operating system's randomness.
pub fn fresh_bytes() -> Result<[u8; 32], RngError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| RngError)?;
    Ok(bytes)
}

fn epoch_key_info(network: &NetworkId, group: &RecordId, device: &DeviceKey) -> Vec<u8> {
    [
        EPOCH_KEY_INFO,
        network.as_bytes(),
        group.as_bytes(),
        device.as_bytes(),
    ]
    .concat()
}

/// Seals `key` to `device`, whose sealing key is `to`, for `group` of `network`.
/// `ephemeral_seed` seeds the HPKE sender's randomness: fresh for every seal.
pub fn seal_epoch_key(
    key: &EpochKey,
    device: DeviceKey,
    to: &SealingKey,
    network: &NetworkId,
    group: &RecordId,
    ephemeral_seed: [u8; 32],
) -> Result<SealedKey, SealError> {
    let recipient = <SealKem as Kem>::PublicKey::from_bytes(&to.0)
        .map_err(|_| SealError::UnusableSealingKey)?;
    let mut rng = ChaCha20Rng::from_seed(ephemeral_seed);
    let (encapped, ciphertext) = hpke::single_shot_seal_with_rng::<SealAead, SealKdf, SealKem>(
        &OpModeS::Base,
        &recipient,
        &epoch_key_info(network, group, &device),
        &key.0,
        &[],
        &mut rng,
    )
    .map_err(|_| SealError::UnusableSealingKey)?;
    let mut enc = [0u8; 32];
    encapped.write_exact(&mut enc);
    let (sealed_bytes, tag_bytes) = ciphertext.split_at(32);
    let mut sealed = [0u8; 32];
    sealed.copy_from_slice(sealed_bytes);
    let mut tag = [0u8; 16];
    tag.copy_from_slice(tag_bytes);
    Ok(SealedKey {
        device,
        enc,
        sealed,
        tag,
    })
}

/// Opens an epoch key sealed to this device for `group` of `network`.
pub fn open_epoch_key(
    sealed: &SealedKey,
    with: &SealingKeypair,
    network: &NetworkId,
    group: &RecordId,
) -> Result<EpochKey, SealError> {
    let encapped = <SealKem as Kem>::EncappedKey::from_bytes(&sealed.enc)
        .map_err(|_| SealError::KeyDoesNotOpen)?;
    let ciphertext = [sealed.sealed.as_slice(), sealed.tag.as_slice()].concat();
    let opened = hpke::single_shot_open::<SealAead, SealKdf, SealKem>(
        &OpModeR::Base,
        &with.secret,
        &encapped,
        &epoch_key_info(network, group, &sealed.device),
        &ciphertext,
        &[],
    )
    .map_err(|_| SealError::KeyDoesNotOpen)?;
    let bytes: [u8; 32] = opened
        .as_slice()
        .try_into()
        .map_err(|_| SealError::KeyDoesNotOpen)?;
    Ok(EpochKey(bytes))
}

/// Who wrote a group record's content, and under which epoch: bound into the AEAD's
/// associated data, so a member cannot lift another's ciphertext into a record of its
/// own, another group or another epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentContext {
    /// The network.
    pub network: NetworkId,
    /// The group's founding record.
    pub group: RecordId,
    /// The `group-keys` record whose key encrypts it.
    pub epoch: RecordId,
    /// The device that signs the record.
    pub author: DeviceKey,
}

impl ContentContext {
    fn associated_data(&self) -> Vec<u8> {
        [
            CONTENT_AAD,
            self.network.as_bytes(),
            self.group.as_bytes(),
            self.epoch.as_bytes(),
            self.author.as_bytes(),
        ]
        .concat()
    }
}

/// The plaintext of a group record: the inner body's kind number and its bytes.
#[derive(Serialize, Deserialize)]
struct SealedContent {
    kind: u32,
    body: Vec<u8>,
}

/// Whether a group record may carry `body`: content (case studies, campaigns, their
/// updates, alerts and answers, revisions), never governance, group records or
/// retractions, which every node must read.
pub fn is_sealable(body: &Body) -> bool {
    matches!(
        body,
        Body::Practice(_)
            | Body::Campaign(_)
            | Body::CampaignUpdate(_)
            | Body::Alert(_)
            | Body::AlertResponse(_)
            | Body::Revision(_)
    )
}

/// Encrypts `body` under `key` with `nonce` (24 fresh random bytes: never reuse one
/// with the same key).
pub fn encrypt_content(
    key: &EpochKey,
    nonce: [u8; 24],
    context: &ContentContext,
    body: &Body,
) -> Result<Vec<u8>, SealError> {
    if !is_sealable(body) {
        return Err(SealError::KindNotSealable { kind: body.kind() });
    }
    let plaintext = sealed_content_bytes(body);
    let cipher = XChaCha20Poly1305::new(&key.0.into());
    cipher
        .encrypt(
            &nonce.into(),
            Payload {
                msg: &plaintext,
                aad: &context.associated_data(),
            },
        )
        .map_err(|_| SealError::ContentDoesNotOpen)
}

/// Decrypts a group record's content and decodes it, canonically, as a body a group
/// record may carry.
pub fn decrypt_content(
    key: &EpochKey,
    nonce: [u8; 24],
    context: &ContentContext,
    ciphertext: &[u8],
) -> Result<Body, SealError> {
    let cipher = XChaCha20Poly1305::new(&key.0.into());
    let plaintext = cipher
        .decrypt(
            &nonce.into(),
            Payload {
                msg: ciphertext,
                aad: &context.associated_data(),
            },
        )
        .map_err(|_| SealError::ContentDoesNotOpen)?;
    decode_sealed_content(&plaintext)
}

/// Decodes a group record's decrypted content, canonically, as a body a group record
/// may carry. Its bytes come from a group member, who may be hostile: it is checked
/// like any body.
pub fn decode_sealed_content(plaintext: &[u8]) -> Result<Body, SealError> {
    let content: SealedContent = decode_canonical(plaintext).map_err(SealError::Content)?;
    let body = Body::decode(content.kind, &content.body).map_err(SealError::Content)?;
    if !is_sealable(&body) {
        return Err(SealError::KindNotSealable { kind: body.kind() });
    }
    Ok(body)
}

/// The plaintext [`encrypt_content`] encrypts for `body`: for golden vectors and fuzz
/// seeds.
pub fn sealed_content_bytes(body: &Body) -> Vec<u8> {
    encode(&SealedContent {
        kind: body.kind_code(),
        body: body.encode(),
    })
}
