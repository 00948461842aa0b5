//! Keys and signatures: who may sign each step of a record's path. An org's root key
//! delegates device keys; a device key signs its feed's records. Keys of small order or
//! in a non-canonical encoding are refused wherever a key is accepted; signatures are
//! checked under the one rule of [`crate::signature`], the same for one signature and
//! for a batch.
//!
//! Key bytes inside a decoded record are kept as plain bytes until a validator turns
//! them into a verifying key with [`RootKey::verifying_key`] or
//! [`DeviceKey::verifying_key`]; that is where an invalid or weak key is refused, with
//! an error naming it.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::signature::CheckedKey;
use crate::text::{TextError, parse_prefixed, prefixed_text};

/// Why 32 bytes are not an acceptable public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The bytes do not decode to a point on the curve.
    #[error("the key is not a valid ed25519 point")]
    NotAPoint,
    /// The bytes are not the canonical encoding of their point (a y coordinate of p or
    /// more), so two different byte strings would name one key.
    #[error("the key's bytes are not the canonical encoding of its point")]
    NonCanonical,
    /// The key has small order, so a signature under it proves nothing.
    #[error("the key is a weak (small-order) ed25519 key, which can sign almost anything")]
    Weak,
}

/// Why a textual key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseKeyError {
    /// The text is not of the form `prefix_hex`.
    #[error(transparent)]
    Text(#[from] TextError),
    /// The bytes are not an acceptable key.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// The signing domains: every signature covers `domain || 0x00 || message`, so a
/// signature made for one purpose can never be replayed as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Domain {
    /// A record's payload, signed by its device.
    Record,
    /// A root key's statement that a device belongs to its org.
    Delegation,
    /// A root key's statement that a device is revoked from a given seq.
    Revocation,
    /// An old root key handing its org to a new root key (and the new key accepting).
    RootRotation,
    /// A founder's signature on a charter.
    Charter,
}

impl Domain {
    /// The domain's tag, the bytes that precede the 0x00 separator.
    pub const fn tag(self) -> &'static [u8] {
        match self {
            Domain::Record => b"commons/record/v1",
            Domain::Delegation => b"commons/delegation/v1",
            Domain::Revocation => b"commons/revocation/v1",
            Domain::RootRotation => b"commons/root-rotation/v1",
            Domain::Charter => b"commons/charter/v1",
        }
    }

    /// `tag || 0x00 || message`: the exact bytes that are signed.
    pub fn message(self, message: &[u8]) -> Vec<u8> {
        let tag = self.tag();
        let mut out = Vec::with_capacity(tag.len() + 1 + message.len());
        out.extend_from_slice(tag);
        out.push(0);
        out.extend_from_slice(message);
        out
    }
}

/// Whether the y coordinate in `bytes` (the low 255 bits, little-endian) is p = 2^255 − 19
/// or more: the only way a point that decompresses can have a second encoding, apart
/// from the sign of x = 0, which only small-order points have.
pub(crate) fn y_at_least_p(bytes: &[u8; 32]) -> bool {
    bytes[31] & 0x7f == 0x7f && bytes[1..31].iter().all(|byte| *byte == 0xff) && bytes[0] >= 0xed
}

fn checked_verifying_key(bytes: &[u8; 32]) -> Result<VerifyingKey, KeyError> {
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotAPoint)?;
    if y_at_least_p(bytes) {
        return Err(KeyError::NonCanonical);
    }
    if key.is_weak() {
        return Err(KeyError::Weak);
    }
    Ok(key)
}

macro_rules! public_key_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub(crate) [u8; 32]);

        prefixed_text!($name, $prefix);

        impl $name {
            /// Accepts `bytes` only if they are a valid, non-weak ed25519 key.
            pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, KeyError> {
                checked_verifying_key(&bytes)?;
                Ok(Self(bytes))
            }

            /// The key's 32 bytes.
            pub const fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// The key as ed25519-dalek sees it, or why it is unacceptable.
            pub fn verifying_key(&self) -> Result<VerifyingKey, KeyError> {
                checked_verifying_key(&self.0)
            }

            /// The key ready for signature checks, or why it is unacceptable.
            pub fn checked(&self) -> Result<CheckedKey, KeyError> {
                checked_verifying_key(&self.0)?;
                CheckedKey::new(&self.0).map_err(|_| KeyError::NotAPoint)
            }

            /// Checks `signature` over `domain || 0x00 || message` (docs/protocol.md
            /// §2.3).
            pub fn verify(
                &self,
                domain: Domain,
                message: &[u8],
                signature: &Signature,
            ) -> Result<(), SignatureError> {
                let key = self.checked().map_err(SignatureError::Key)?;
                key.verify(&domain.message(message), signature)
            }
        }

        impl core::str::FromStr for $name {
            type Err = ParseKeyError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_bytes(parse_prefixed($prefix, text)?)?)
            }
        }
    };
}

public_key_type!(
    /// The public half of an org's root key: it delegates and revokes the org's devices.
    /// It can be kept offline, and replaced by a rotation or by the members' recovery
    /// vote.
    RootKey,
    "root"
);
public_key_type!(
    /// The public key of one device (one node or laptop) of an org. It signs the
    /// device's feed and is also the node's libp2p identity.
    DeviceKey,
    "dev"
);
public_key_type!(
    /// An org's identity: the first root key it ever had. It stays the same when the
    /// org's root key is rotated or recovered.
    OrgId,
    "org"
);

impl OrgId {
    /// The root key an org has until it rotates or recovers it: its id's own bytes.
    pub const fn first_root(&self) -> RootKey {
        RootKey(self.0)
    }
}

impl RootKey {
    /// The org id of an org founded with this root key.
    pub const fn as_org_id(&self) -> OrgId {
        OrgId(self.0)
    }
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The key it is checked against is unacceptable.
    #[error("the signing key is unacceptable: {0}")]
    Key(KeyError),
    /// The signature does not verify for this key and message (docs/protocol.md §2.3).
    #[error("the signature does not verify")]
    Invalid,
}

/// An ed25519 signature, 64 bytes, encoded as 64 raw bytes with no length prefix.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub(crate) [u8; 64]);

impl Signature {
    /// Wraps 64 bytes; whether they verify is decided only by a verification.
    pub const fn from_bytes(bytes: [u8; 64]) -> Self {
        Self(bytes)
    }

    /// The signature's 64 bytes.
    pub const fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "sig_{}", crate::text::hex(&self.0))
    }
}

impl Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut tuple = serializer.serialize_tuple(64)?;
        for byte in &self.0 {
            tuple.serialize_element(byte)?;
        }
        tuple.end()
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SignatureVisitor;
        impl<'de> serde::de::Visitor<'de> for SignatureVisitor {
            type Value = Signature;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("64 signature bytes")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Signature, A::Error> {
                let mut bytes = [0u8; 64];
                for (index, byte) in bytes.iter_mut().enumerate() {
                    *byte = seq
                        .next_element()?
                        .ok_or_else(|| serde::de::Error::invalid_length(index, &self))?;
                }
                Ok(Signature(bytes))
            }
        }
        deserializer.deserialize_tuple(64, SignatureVisitor)
    }
}

/// Where a new secret key's seed comes from.
fn os_seed() -> Result<[u8; 32], RngError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|_| RngError)?;
    Ok(seed)
}

/// The operating system could not supply random bytes for a new key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the operating system's random number generator failed; no key was made")]
pub struct RngError;

macro_rules! keypair_type {
    ($(#[$doc:meta])* $name:ident, $public:ident) => {
        $(#[$doc])*
        ///
        /// A clone is a second copy of the secret; both are zeroed when dropped.
        #[derive(Clone)]
        pub struct $name(SigningKey);

        impl $name {
            /// A new key from the operating system's random number generator.
            pub fn generate() -> Result<Self, RngError> {
                Ok(Self::from_seed(os_seed()?))
            }

            /// The key made from a 32-byte seed: the same seed always makes the same key
            /// (for key files and for tests with fixed keys).
            pub fn from_seed(seed: [u8; 32]) -> Self {
                Self(SigningKey::from_bytes(&seed))
            }

            /// The 32-byte seed, to be written to a key file readable only by its owner.
            pub fn seed(&self) -> [u8; 32] {
                self.0.to_bytes()
            }

            /// The public half.
            pub fn public(&self) -> $public {
                $public(self.0.verifying_key().to_bytes())
            }

            /// Signs `domain || 0x00 || message`.
            pub fn sign(&self, domain: Domain, message: &[u8]) -> Signature {
                Signature(self.0.sign(&domain.message(message)).to_bytes())
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.public()).finish()
            }
        }
    };
}

keypair_type!(
    /// An org's root secret key. Keep it offline; it is needed only to delegate or
    /// revoke devices, rotate itself, and sign the charter.
    RootKeypair,
    RootKey
);
keypair_type!(
    /// A device's secret key: it signs the device's feed.
    DeviceKeypair,
    DeviceKey
);

impl RootKeypair {
    /// The id of the org founded with this root key.
    pub fn org_id(&self) -> OrgId {
        self.public().as_org_id()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify_in_a_domain() {
        let device = DeviceKeypair::from_seed([7; 32]);
        let signature = device.sign(Domain::Record, b"payload");
        assert_eq!(
            device
                .public()
                .verify(Domain::Record, b"payload", &signature),
            Ok(())
        );
        assert_eq!(
            device
                .public()
                .verify(Domain::Delegation, b"payload", &signature),
            Err(SignatureError::Invalid),
            "a signature from one domain must not verify in another"
        );
    }

    #[test]
    fn generated_keys_are_fresh_and_survive_their_seed() {
        let first = DeviceKeypair::generate().expect("the OS has randomness");
        let second = DeviceKeypair::generate().expect("the OS has randomness");
        assert_ne!(first.public(), second.public());
        assert_eq!(
            DeviceKeypair::from_seed(first.seed()).public(),
            first.public()
        );
        assert!(DeviceKey::from_bytes(*first.public().as_bytes()).is_ok());
    }

    #[test]
    fn weak_and_invalid_keys_are_refused() {
        // The identity point (y = 1) has small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(DeviceKey::from_bytes(identity), Err(KeyError::Weak));
        // y = 2 is not on the curve.
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        assert_eq!(DeviceKey::from_bytes(off_curve), Err(KeyError::NotAPoint));
    }

    #[test]
    fn non_canonical_encodings_are_refused() {
        // y = p + 3 (p = 2^255 - 19) decodes to the same point as y = 3.
        let mut bytes = [0xff; 32];
        bytes[0] = 0xf0;
        bytes[31] = 0x7f;
        assert_eq!(DeviceKey::from_bytes(bytes), Err(KeyError::NonCanonical));
    }

    #[test]
    fn text_form_round_trips_and_names_the_kind() {
        let org = RootKeypair::from_seed([1; 32]).org_id();
        let text = org.to_string();
        assert!(text.starts_with("org_"));
        assert_eq!(text.parse::<OrgId>(), Ok(org));
        assert!(text.parse::<DeviceKey>().is_err());
    }
}
