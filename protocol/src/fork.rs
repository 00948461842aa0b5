//! Fork proofs: what a node keeps and gossips when one device signed two different
//! records with the same seq. The proof is the two signed records themselves, so anyone
//! can check it with no other state; it freezes the device's feed everywhere.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codec::{DecodeError, decode_canonical, encode};
use crate::id::NetworkId;
use crate::keys::DeviceKey;
use crate::record::{MAX_SIGNED_RECORD_BYTES, RecordError, VerifiedRecord, validate_record};

/// The largest encoded fork proof: two signed records and their length prefixes.
pub const MAX_FORK_PROOF_BYTES: usize = 2 * (MAX_SIGNED_RECORD_BYTES + 3);

/// Why two records are not a fork proof.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ForkProofError {
    /// Larger than any fork proof can be.
    #[error("the fork proof is {len} bytes, more than the {max}-byte limit")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The proof's envelope is malformed.
    #[error("the fork proof is malformed: {0}")]
    Decode(DecodeError),
    /// One of the two records is invalid on its own.
    #[error("record {which} of the fork proof is invalid: {error}")]
    Record {
        /// 1 or 2.
        which: u8,
        /// Why.
        error: RecordError,
    },
    /// The records have different authors.
    #[error("the two records are by different devices")]
    DifferentAuthors,
    /// The records have different seqs.
    #[error("the two records have different seqs ({first} and {second})")]
    DifferentSeqs {
        /// The first seq.
        first: u64,
        /// The second seq.
        second: u64,
    },
    /// The records are the same record.
    #[error("the two records are the same record, which is no fork")]
    SameRecord,
    /// The records are not in ascending order of id.
    #[error("the records of a fork proof must be in ascending order of id")]
    NotCanonical,
}

/// Two valid records of one feed with one seq and different ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkProof {
    first: VerifiedRecord,
    second: VerifiedRecord,
}

#[derive(Serialize, Deserialize)]
struct ForkProofWire<'a> {
    #[serde(borrow, with = "crate::codec::byte_slice")]
    first: &'a [u8],
    #[serde(borrow, with = "crate::codec::byte_slice")]
    second: &'a [u8],
}

impl ForkProof {
    /// The proof made of `a` and `b`, if they are a fork; ordered by id, so one fork
    /// always gives the same proof bytes.
    pub fn new(a: VerifiedRecord, b: VerifiedRecord) -> Result<Self, ForkProofError> {
        let (first, second) = if a.id() <= b.id() { (a, b) } else { (b, a) };
        check_pair(&first, &second)?;
        Ok(ForkProof { first, second })
    }

    /// The equivocating device.
    pub fn author(&self) -> DeviceKey {
        self.first.record().author
    }

    /// The seq signed twice.
    pub fn seq(&self) -> u64 {
        self.first.record().seq
    }

    /// The two records, in ascending order of id.
    pub fn records(&self) -> (&VerifiedRecord, &VerifiedRecord) {
        (&self.first, &self.second)
    }

    /// postcard `{ first: bytes, second: bytes }`: the two signed records.
    pub fn encode(&self) -> Vec<u8> {
        encode(&ForkProofWire {
            first: self.first.signed_bytes(),
            second: self.second.signed_bytes(),
        })
    }

    /// Decodes and checks a fork proof on its own: both records valid in `network`,
    /// one author, one seq, two ids, in canonical order.
    pub fn decode(bytes: &[u8], network: &NetworkId) -> Result<Self, ForkProofError> {
        if bytes.len() > MAX_FORK_PROOF_BYTES {
            return Err(ForkProofError::TooLarge {
                len: bytes.len(),
                max: MAX_FORK_PROOF_BYTES,
            });
        }
        let wire: ForkProofWire<'_> = decode_canonical(bytes).map_err(ForkProofError::Decode)?;
        let first = validate_record(wire.first, network)
            .map_err(|error| ForkProofError::Record { which: 1, error })?;
        let second = validate_record(wire.second, network)
            .map_err(|error| ForkProofError::Record { which: 2, error })?;
        if first.id() > second.id() {
            return Err(ForkProofError::NotCanonical);
        }
        check_pair(&first, &second)?;
        Ok(ForkProof { first, second })
    }
}

fn check_pair(first: &VerifiedRecord, second: &VerifiedRecord) -> Result<(), ForkProofError> {
    let (a, b) = (first.record(), second.record());
    if a.author != b.author {
        return Err(ForkProofError::DifferentAuthors);
    }
    if a.seq != b.seq {
        return Err(ForkProofError::DifferentSeqs {
            first: a.seq,
            second: b.seq,
        });
    }
    if first.id() == second.id() {
        return Err(ForkProofError::SameRecord);
    }
    Ok(())
}
