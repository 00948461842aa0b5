//! The charter: the genesis of a network. It names the network, its founding orgs and
//! its governance thresholds, and is signed by every founder. Its canonical bytes hash
//! to the [`NetworkId`] that every record of the network carries.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codec::{DecodeError, decode_canonical, encode};
use crate::id::NetworkId;
use crate::keys::{Domain, KeyError, OrgId, RootKeypair, Signature};

/// The charter version this crate reads and writes.
pub const CHARTER_VERSION: u8 = 1;
/// The largest signed charter accepted, in bytes.
pub const MAX_CHARTER_BYTES: usize = 256 * 1024;

/// How many votes a governance decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Threshold {
    /// A fixed number of member orgs, capped at the number who can vote.
    Count(u32),
    /// A fraction of the orgs who can vote, rounded up.
    Fraction {
        /// Numerator, at least 1.
        numerator: u32,
        /// Denominator, at least the numerator.
        denominator: u32,
    },
}

impl Threshold {
    /// How many votes are needed when `electorate` orgs can vote: never more than the
    /// electorate, never less than one.
    pub fn needed(self, electorate: usize) -> usize {
        let needed = match self {
            Threshold::Count(count) => usize::try_from(count).unwrap_or(usize::MAX).min(electorate),
            Threshold::Fraction {
                numerator,
                denominator,
            } => {
                let numerator = u128::from(numerator);
                let denominator = u128::from(denominator.max(1));
                let votes = (numerator * electorate as u128).div_ceil(denominator);
                usize::try_from(votes).unwrap_or(usize::MAX)
            }
        };
        needed.max(1)
    }

    /// Whether the threshold is one a charter or a working group may set: a count of at
    /// least 1, or a fraction from 1/d up to d/d.
    pub fn is_valid(self) -> bool {
        match self {
            Threshold::Count(count) => count >= 1,
            Threshold::Fraction {
                numerator,
                denominator,
            } => numerator >= 1 && numerator <= denominator,
        }
    }

    fn check(self, field: &'static str) -> Result<(), CharterError> {
        if self.is_valid() {
            Ok(())
        } else {
            Err(CharterError::BadThreshold { field })
        }
    }
}

impl core::fmt::Display for Threshold {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Threshold::Count(count) => write!(f, "{count} member(s)"),
            Threshold::Fraction {
                numerator,
                denominator,
            } => write!(f, "{numerator}/{denominator} of members"),
        }
    }
}

/// A founding org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Founder {
    /// The org's id (its root key, which signs the charter).
    pub org: OrgId,
    /// The org's name.
    pub name: String,
}

/// The genesis document of a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charter {
    /// [`CHARTER_VERSION`].
    pub version: u8,
    /// The network's name.
    pub name: String,
    /// The founding orgs, in ascending order of org id, each once.
    pub founders: Vec<Founder>,
    /// Votes needed to admit an org, out of the current members.
    pub admission: Threshold,
    /// Votes needed to remove a member, out of the other current members.
    pub removal: Threshold,
    /// Votes needed to replace a member's lost root key, out of the other members.
    pub recovery: Threshold,
    /// Whether non-members may read `Public` records.
    pub open_read: bool,
    /// When the charter was drawn up, ms since the Unix epoch.
    pub created_ms: u64,
}

/// Why a charter was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CharterError {
    /// Larger than any charter is allowed to be.
    #[error("the charter is {len} bytes, more than the {max}-byte limit")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The bytes are not a canonical signed charter.
    #[error("the charter file is malformed: {0}")]
    Decode(DecodeError),
    /// A version this implementation cannot read.
    #[error(
        "charter version {version} is not supported (this node reads version {CHARTER_VERSION})"
    )]
    UnsupportedVersion {
        /// The version found.
        version: u8,
    },
    /// No founders.
    #[error("a charter needs at least one founding org")]
    NoFounders,
    /// Founders out of order or repeated.
    #[error("the founders must be listed once each, in ascending order of org id")]
    FoundersNotSorted,
    /// A founder's key is unacceptable.
    #[error("founder {org} has an unacceptable key: {error}")]
    FounderKey {
        /// The founder.
        org: OrgId,
        /// Why.
        error: KeyError,
    },
    /// The network has no name.
    #[error("the network's name must not be empty")]
    EmptyName,
    /// A threshold outside its range.
    #[error(
        "the {field} threshold must be a count of at least 1, or a fraction between 0 (exclusive) and 1"
    )]
    BadThreshold {
        /// Which threshold.
        field: &'static str,
    },
    /// Signatures out of order or repeated.
    #[error("the founders' signatures must be listed once each, in ascending order of org id")]
    SignaturesNotSorted,
    /// A signature by an org that is not a founder.
    #[error("{org} signed the charter but is not one of its founders")]
    SignerNotFounder {
        /// The signer.
        org: OrgId,
    },
    /// A founder's signature does not verify.
    #[error("the signature of founder {org} does not verify")]
    BadSignature {
        /// The founder.
        org: OrgId,
    },
    /// Some founders have not signed yet.
    #[error("the charter is not fully signed: {} founder(s) have yet to sign: {}", missing.len(), list(missing))]
    Unsigned {
        /// The founders whose signatures are missing.
        missing: Vec<OrgId>,
    },
    /// The key signing is not a founder's.
    #[error("{org} is not a founder of this charter, so it cannot sign it")]
    NotAFounder {
        /// The would-be signer.
        org: OrgId,
    },
}

fn list(orgs: &[OrgId]) -> String {
    orgs.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Charter {
    /// The canonical bytes: what founders sign and what [`NetworkId`] hashes.
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    /// The network this charter founds.
    pub fn network_id(&self) -> NetworkId {
        NetworkId::of(&self.encode())
    }

    /// Checks the charter's own rules (not its signatures).
    pub fn check(&self) -> Result<(), CharterError> {
        if self.version != CHARTER_VERSION {
            return Err(CharterError::UnsupportedVersion {
                version: self.version,
            });
        }
        if self.name.trim().is_empty() {
            return Err(CharterError::EmptyName);
        }
        if self.founders.is_empty() {
            return Err(CharterError::NoFounders);
        }
        if !self
            .founders
            .windows(2)
            .all(|pair| pair[0].org < pair[1].org)
        {
            return Err(CharterError::FoundersNotSorted);
        }
        for founder in &self.founders {
            founder
                .org
                .first_root()
                .verifying_key()
                .map_err(|error| CharterError::FounderKey {
                    org: founder.org,
                    error,
                })?;
        }
        self.admission.check("admission")?;
        self.removal.check("removal")?;
        self.recovery.check("recovery")
    }

    /// Whether `org` is a founder.
    pub fn is_founder(&self, org: &OrgId) -> bool {
        self.founders
            .binary_search_by(|founder| founder.org.cmp(org))
            .is_ok()
    }
}

/// One founder's signature on the charter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FounderSignature {
    /// The founder.
    pub org: OrgId,
    /// Its root key's signature over the charter's canonical bytes (domain
    /// `commons/charter/v1`).
    pub signature: Signature,
}

/// A charter and the founders' signatures collected so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCharter {
    charter: Charter,
    signatures: Vec<FounderSignature>,
}

#[derive(Serialize, Deserialize)]
struct SignedCharterWire<'a> {
    #[serde(borrow, with = "crate::codec::byte_slice")]
    charter: &'a [u8],
    signatures: Vec<FounderSignature>,
}

impl SignedCharter {
    /// A charter with no signatures yet, after checking its rules.
    pub fn new(charter: Charter) -> Result<Self, CharterError> {
        charter.check()?;
        Ok(Self {
            charter,
            signatures: Vec::new(),
        })
    }

    /// The charter.
    pub fn charter(&self) -> &Charter {
        &self.charter
    }

    /// The signatures collected so far, in ascending order of org id.
    pub fn signatures(&self) -> &[FounderSignature] {
        &self.signatures
    }

    /// Adds (or replaces) the signature of the founder holding `root`.
    pub fn sign(&mut self, root: &RootKeypair) -> Result<(), CharterError> {
        let org = root.org_id();
        if !self.charter.is_founder(&org) {
            return Err(CharterError::NotAFounder { org });
        }
        let signature = root.sign(Domain::Charter, &self.charter.encode());
        match self
            .signatures
            .binary_search_by(|entry| entry.org.cmp(&org))
        {
            Ok(index) => self.signatures[index].signature = signature,
            Err(index) => self
                .signatures
                .insert(index, FounderSignature { org, signature }),
        }
        Ok(())
    }

    /// The founders who have not signed yet.
    pub fn missing_signatures(&self) -> Vec<OrgId> {
        self.charter
            .founders
            .iter()
            .map(|founder| founder.org)
            .filter(|org| {
                self.signatures
                    .binary_search_by(|entry| entry.org.cmp(org))
                    .is_err()
            })
            .collect()
    }

    /// The file form: postcard `{ charter: bytes, signatures: [ {org, signature} ] }`.
    pub fn encode(&self) -> Vec<u8> {
        let charter = self.charter.encode();
        encode(&SignedCharterWire {
            charter: &charter,
            signatures: self.signatures.clone(),
        })
    }

    /// Decodes a (possibly partly) signed charter, checking its rules and every
    /// signature present. Use [`SignedCharter::complete`] to require all of them.
    pub fn decode(bytes: &[u8]) -> Result<Self, CharterError> {
        if bytes.len() > MAX_CHARTER_BYTES {
            return Err(CharterError::TooLarge {
                len: bytes.len(),
                max: MAX_CHARTER_BYTES,
            });
        }
        let wire: SignedCharterWire<'_> = decode_canonical(bytes).map_err(CharterError::Decode)?;
        if let Some(&version) = wire.charter.first()
            && version != CHARTER_VERSION
        {
            return Err(CharterError::UnsupportedVersion { version });
        }
        let charter: Charter = decode_canonical(wire.charter).map_err(CharterError::Decode)?;
        charter.check()?;
        if !wire
            .signatures
            .windows(2)
            .all(|pair| pair[0].org < pair[1].org)
        {
            return Err(CharterError::SignaturesNotSorted);
        }
        for entry in &wire.signatures {
            if !charter.is_founder(&entry.org) {
                return Err(CharterError::SignerNotFounder { org: entry.org });
            }
            entry
                .org
                .first_root()
                .verify(Domain::Charter, wire.charter, &entry.signature)
                .map_err(|_| CharterError::BadSignature { org: entry.org })?;
        }
        Ok(Self {
            charter,
            signatures: wire.signatures,
        })
    }

    /// The charter, if every founder has signed.
    pub fn complete(&self) -> Result<&Charter, CharterError> {
        let missing = self.missing_signatures();
        if missing.is_empty() {
            Ok(&self.charter)
        } else {
            Err(CharterError::Unsigned { missing })
        }
    }
}
