//! Canonical decoding: the first step of every record's path in from the outside.
//! postcard accepts trailing bytes and over-long varints, so two different byte strings
//! could decode to one value and then hash or verify differently. Every structure is
//! therefore decoded, and refused unless re-encoding it gives back exactly the bytes
//! received.
//!
//! postcard never allocates on a length prefix larger than the remaining input: a byte
//! string or text is taken only once its whole length is present, and a list's
//! capacity hint is dropped when it claims more items than bytes remain.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why bytes are not the canonical encoding of a structure.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ends before the value it announces: it was cut short, or a length
    /// prefix claims more bytes than remain.
    #[error("the input ends early: it is truncated or a length prefix exceeds the remaining bytes")]
    UnexpectedEnd,
    /// A variable-length integer is longer than its type allows.
    #[error("a variable-length integer is malformed or too large for its type")]
    BadVarint,
    /// A text field is not valid UTF-8.
    #[error("a text field is not valid UTF-8")]
    BadUtf8,
    /// A boolean is neither 0 nor 1.
    #[error("a boolean is neither 0 nor 1")]
    BadBool,
    /// An option tag is neither 0 nor 1.
    #[error("an option tag is neither 0 nor 1")]
    BadOption,
    /// An enum variant number that this version does not define.
    #[error("an enum variant number this version does not define")]
    BadEnum,
    /// Other malformed content.
    #[error("the bytes are malformed ({0})")]
    Malformed(&'static str),
    /// Bytes remain after the value.
    #[error("{count} trailing byte(s) after the value")]
    TrailingBytes {
        /// How many bytes were left over.
        count: usize,
    },
    /// The value decodes, but its canonical encoding differs from the bytes given (an
    /// over-long varint, for instance).
    #[error(
        "the bytes are not the canonical encoding of the value (for example an over-long varint)"
    )]
    NonCanonical,
}

impl From<postcard::Error> for DecodeError {
    fn from(error: postcard::Error) -> Self {
        use postcard::Error as E;
        match error {
            E::DeserializeUnexpectedEnd => DecodeError::UnexpectedEnd,
            E::DeserializeBadVarint => DecodeError::BadVarint,
            E::DeserializeBadUtf8 | E::DeserializeBadChar => DecodeError::BadUtf8,
            E::DeserializeBadBool => DecodeError::BadBool,
            E::DeserializeBadOption => DecodeError::BadOption,
            // serde's derived enums report an undefined variant number through a custom
            // error; no other type in this crate raises one.
            E::DeserializeBadEnum | E::SerdeDeCustom => DecodeError::BadEnum,
            _ => DecodeError::Malformed("not a valid encoding of the expected structure"),
        }
    }
}

/// A borrowed byte string written in one piece (postcard: varint length, then the
/// bytes), for `#[serde(borrow, with = "crate::codec::byte_slice")]` fields. serde would
/// otherwise write a `&[u8]` one element at a time; the bytes on the wire are the same.
pub(crate) mod byte_slice {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        bytes: &&[u8],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<&'de [u8], D::Error> {
        <&'de [u8]>::deserialize(deserializer)
    }
}

/// The canonical postcard encoding of `value`.
pub(crate) fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing our own structures into a growable vector cannot fail: every type
    // here has a defined postcard encoding and the vector grows as needed.
    postcard::to_allocvec(value).unwrap_or_default()
}

/// Decodes `bytes` as a `T` and refuses anything but its canonical encoding.
pub(crate) fn decode_canonical<'a, T: Serialize + Deserialize<'a>>(
    bytes: &'a [u8],
) -> Result<T, DecodeError> {
    let (value, rest) = postcard::take_from_bytes::<T>(bytes)?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes { count: rest.len() });
    }
    if encode(&value) != bytes {
        return Err(DecodeError::NonCanonical);
    }
    Ok(value)
}
