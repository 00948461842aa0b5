//! Content ids: what a record, a network and a gossip message are called. Every id is
//! SHA-256 of bytes exactly as they were received, so anyone can recompute it with
//! `sha256sum`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::text::{TextError, parse_prefixed, prefixed_text};

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A record's id: SHA-256 of its payload bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(pub(crate) [u8; 32]);
prefixed_text!(RecordId, "rec");

/// A network's id: SHA-256 of its charter's canonical bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NetworkId(pub(crate) [u8; 32]);
prefixed_text!(NetworkId, "net");

/// An attachment's id: the root hash of its chunk list (see [`crate::blob`]), naming the
/// file's bytes whatever it is called and whoever holds it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BlobId(pub(crate) [u8; 32]);
prefixed_text!(BlobId, "blob");

macro_rules! hash_id {
    ($name:ident, $prefix:literal) => {
        impl $name {
            /// The id of `bytes`: their SHA-256.
            pub fn of(bytes: &[u8]) -> Self {
                Self(sha256(bytes))
            }

            /// Wraps 32 bytes already known to be such an id.
            pub const fn from_bytes(bytes: [u8; 32]) -> Self {
                Self(bytes)
            }

            /// The id's 32 bytes.
            pub const fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }
        }

        impl core::str::FromStr for $name {
            type Err = TextError;
            fn from_str(text: &str) -> Result<Self, TextError> {
                parse_prefixed($prefix, text).map(Self)
            }
        }
    };
}
hash_id!(RecordId, "rec");
hash_id!(NetworkId, "net");

impl BlobId {
    /// Wraps 32 bytes already known to be a blob's root hash. To compute one from a
    /// file's bytes, use [`crate::blob::BlobHasher`].
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The id's 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl core::str::FromStr for BlobId {
    type Err = TextError;
    fn from_str(text: &str) -> Result<Self, TextError> {
        parse_prefixed("blob", text).map(Self)
    }
}

/// The gossip message id of a signed record: SHA-256 of the whole signed bytes, so a
/// copy with a broken signature can never shadow the valid record in a duplicate cache.
pub fn gossip_message_id(signed_record: &[u8]) -> [u8; 32] {
    sha256(signed_record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_id_is_sha256_of_the_bytes() {
        // sha256("abc"), from FIPS 180-2.
        assert_eq!(
            RecordId::of(b"abc").to_string(),
            "rec_ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
