//! The feed state machine: the step after signature checks, deciding whether a verified
//! record extends its author's feed, repeats it, forks it, or breaks a rule that needs
//! state (the feed's neighbours, the roster). [`validate_against`] answers for any
//! store that implements [`KnownRecords`]; the node's store and the in-memory
//! [`crate::MemoryFeeds`] both do.

use thiserror::Error;

use crate::body::{Body, BodyKind};
use crate::id::RecordId;
use crate::keys::{DeviceKey, OrgId, RootKey};
use crate::record::VerifiedRecord;
use crate::roster::Roster;

/// What a store remembers of one stored record for feed checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedEntry {
    /// The record's id.
    pub id: RecordId,
    /// Its `prev`.
    pub prev: Option<RecordId>,
    /// Its timestamp.
    pub timestamp_ms: u64,
}

impl FeedEntry {
    /// The entry of a verified record.
    pub fn of(record: &VerifiedRecord) -> Self {
        FeedEntry {
            id: record.id(),
            prev: record.record().prev,
            timestamp_ms: record.record().timestamp_ms,
        }
    }
}

/// What validation needs to know of the records already held. A lookup can fail (a
/// store that cannot be read); validation then stops with [`CheckError::Lookup`]
/// rather than judging the record against a store it could not read.
pub trait KnownRecords {
    /// Why a lookup could not be answered; [`std::convert::Infallible`] for records
    /// held in memory.
    type Error;
    /// The record at `seq` of `author`'s feed, if held.
    fn entry(&self, author: &DeviceKey, seq: u64) -> Result<Option<FeedEntry>, Self::Error>;
    /// The highest seq such that every record from 1 to it is held (0 if none).
    fn contiguous_head(&self, author: &DeviceKey) -> Result<u64, Self::Error>;
    /// Whether a fork proof has frozen `author`'s feed.
    fn is_frozen(&self, author: &DeviceKey) -> Result<bool, Self::Error>;
    /// The author of a held record.
    fn author_of(&self, id: &RecordId) -> Result<Option<DeviceKey>, Self::Error>;
}

/// Why [`check_against`] did not place a record.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckError<E> {
    /// The record breaks a rule of its feed or of the roster.
    #[error(transparent)]
    Refused(#[from] AgainstError),
    /// The records it is checked against could not be read: nothing was decided.
    #[error("the records held could not be read: {0}")]
    Lookup(E),
}

/// An inclusive range of seqs of one feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqRange {
    /// The first seq.
    pub first: u64,
    /// The last seq.
    pub last: u64,
}

/// How a valid record relates to its feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum FeedOutcome {
    /// New: store it. `missing` is the range just below it that is not held yet.
    Appended {
        /// Seqs to pull from peers, if any.
        missing: Option<SeqRange>,
    },
    /// Already held: nothing to do.
    Duplicate,
    /// Another valid record holds this seq: together they are a fork proof, and the
    /// feed must be frozen.
    Fork {
        /// The id of the record already held at this seq.
        existing: RecordId,
    },
}

/// Why a verified record is refused against the current state.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AgainstError {
    /// The feed was frozen by a fork proof.
    #[error("the feed of {author} is frozen: its device signed two different records with one seq")]
    FeedFrozen {
        /// The author.
        author: DeviceKey,
    },
    /// No delegation of the author is known, so its org cannot be told.
    #[error("no delegation of {author} is known yet: fetch its feed from seq 1")]
    UnknownAuthor {
        /// The author.
        author: DeviceKey,
    },
    /// The author's org revoked it from an earlier seq.
    #[error("device {author} was revoked by its org from seq {from_seq}; record {seq} is refused")]
    DeviceRevoked {
        /// The author.
        author: DeviceKey,
        /// The first refused seq.
        from_seq: u64,
        /// The record's seq.
        seq: u64,
    },
    /// A delegation signed by a key that is not the org's root.
    #[error("the delegation is signed by {found}, but the root key of {org} is {expected}")]
    DelegationWrongRoot {
        /// The org.
        org: OrgId,
        /// Its current root.
        expected: RootKey,
        /// The signing key.
        found: RootKey,
    },
    /// A device already delegated to a different org.
    #[error("device {device} already belongs to {org}")]
    DeviceOfOtherOrg {
        /// The device.
        device: DeviceKey,
        /// Its org.
        org: OrgId,
    },
    /// A non-member may not publish this kind.
    #[error("{org} is not a member, so its devices may not publish a {}", crate::body::kind_name(*.kind))]
    NotAMember {
        /// The org.
        org: OrgId,
        /// The kind (`None`: a kind this version does not know).
        kind: Option<BodyKind>,
    },
    /// A governance body about another org than the author's.
    #[error(
        "a {kind} published by a device of {author_org} may only concern that org, not {named_org}"
    )]
    GovernanceOfOtherOrg {
        /// The kind.
        kind: BodyKind,
        /// The author's org.
        author_org: OrgId,
        /// The org the body names.
        named_org: OrgId,
    },
    /// A revocation or rotation signed by a root that is not the org's current root.
    #[error("this {kind} is signed by {found}, but the root key of {org} is {expected}")]
    WrongRoot {
        /// The kind.
        kind: BodyKind,
        /// The org.
        org: OrgId,
        /// Its current root.
        expected: RootKey,
        /// The signing key.
        found: RootKey,
    },
    /// A member applying to join.
    #[error("{org} is already a member and cannot apply")]
    AlreadyMember {
        /// The org.
        org: OrgId,
    },
    /// A retraction of a record by another org.
    #[error("record {target} belongs to another org; only its own org may retract it")]
    RetractionOfOtherOrg {
        /// The retracted record.
        target: RecordId,
    },
    /// A revision of a record by another org.
    #[error(
        "record {original} belongs to another org; only its own org may publish a new version of it"
    )]
    RevisionOfOtherOrg {
        /// The record revised.
        original: RecordId,
    },
    /// `prev` does not name the feed's record at `seq - 1`.
    #[error("record {seq} names {} as previous, but the feed's record {} is {expected}", .found.map_or("nothing".to_owned(), |id| id.to_string()), .seq - 1)]
    PrevMismatch {
        /// The record's seq.
        seq: u64,
        /// The id held at `seq - 1`.
        expected: RecordId,
        /// The id the record names.
        found: Option<RecordId>,
    },
    /// The record held at `seq + 1` names another record as its previous.
    #[error("the feed's record {} names another record than this one as previous", .seq + 1)]
    ConflictsWithNext {
        /// The record's seq.
        seq: u64,
    },
    /// Timestamps must increase along a feed.
    #[error("record {seq} has timestamp {timestamp_ms}, not after its neighbour's {neighbour_ms}")]
    TimestampNotIncreasing {
        /// The record's seq.
        seq: u64,
        /// Its timestamp.
        timestamp_ms: u64,
        /// The neighbouring record's timestamp.
        neighbour_ms: u64,
    },
}

/// Kinds an org that is not (or no longer) a member may still publish: what it needs
/// to introduce itself, apply, and manage its own keys and records (a sealing key too,
/// so that groups can seal to its devices from its admission on).
fn allowed_for_non_members(body: &Body) -> bool {
    matches!(
        body,
        Body::Delegation(_)
            | Body::Profile(_)
            | Body::Application(_)
            | Body::Revocation(_)
            | Body::RootRotation(_)
            | Body::Retraction(_)
            | Body::SealingKey(_)
            | Body::Revision(crate::body::Revision {
                content: crate::body::Revised::Profile(_),
                ..
            })
    )
}

/// The stateful check: how `record` relates to its author's feed and to the roster.
///
/// Invariants, in the order they are checked:
/// 1. the author's feed is not frozen;
/// 2. a record already held at the same seq makes a duplicate (same id) or a fork;
/// 3. the author's org is known: from the delegation itself at seq 1 (signed by the
///    org's current root; a device belongs to one org), from the roster otherwise;
/// 4. the author is not revoked at this seq (a delegation: not revoked at all);
/// 5. a non-member publishes only delegations, profiles, applications, its own key
///    management and retractions;
/// 6. revocations, rotations and applications concern the author's own org, under its
///    current root; a retraction's target, if held, is the same org's;
/// 7. `prev` names the held record at `seq - 1`, and the held record at `seq + 1`
///    names this one; timestamps strictly increase along the feed.
pub fn check_against<K: KnownRecords>(
    record: &VerifiedRecord,
    known: &K,
    roster: &Roster,
) -> Result<FeedOutcome, CheckError<K::Error>> {
    let header = record.record();
    let author = header.author;
    if known.is_frozen(&author).map_err(CheckError::Lookup)? {
        return Err(AgainstError::FeedFrozen { author }.into());
    }
    if let Some(held) = known
        .entry(&author, header.seq)
        .map_err(CheckError::Lookup)?
    {
        return Ok(if held.id == record.id() {
            FeedOutcome::Duplicate
        } else {
            FeedOutcome::Fork { existing: held.id }
        });
    }

    let org = author_org(record, roster)?;
    if !roster.is_member(&org) && !allowed_for_non_members(&header.body) {
        return Err(AgainstError::NotAMember {
            org,
            kind: header.body.kind(),
        }
        .into());
    }
    check_body_against(record, org, known, roster)?;
    check_neighbours(record, known)?;

    let head = known.contiguous_head(&author).map_err(CheckError::Lookup)?;
    let below_missing = header.seq > head + 1
        && known
            .entry(&author, header.seq - 1)
            .map_err(CheckError::Lookup)?
            .is_none();
    let missing = below_missing.then_some(SeqRange {
        first: head + 1,
        last: header.seq - 1,
    });
    Ok(FeedOutcome::Appended { missing })
}

/// [`check_against`] for records held in memory, whose lookups cannot fail.
pub fn validate_against<K: KnownRecords<Error = std::convert::Infallible>>(
    record: &VerifiedRecord,
    known: &K,
    roster: &Roster,
) -> Result<FeedOutcome, AgainstError> {
    check_against(record, known, roster).map_err(|error| match error {
        CheckError::Refused(refused) => refused,
        CheckError::Lookup(never) => match never {},
    })
}

fn author_org(record: &VerifiedRecord, roster: &Roster) -> Result<OrgId, AgainstError> {
    let header = record.record();
    if let Body::Delegation(delegation) = &header.body {
        let expected = roster
            .org(&delegation.org)
            .map_or(delegation.org.first_root(), |state| state.root);
        if delegation.root != expected {
            return Err(AgainstError::DelegationWrongRoot {
                org: delegation.org,
                expected,
                found: delegation.root,
            });
        }
        if let Some(device) = roster.device(&header.author)
            && device.org != delegation.org
        {
            return Err(AgainstError::DeviceOfOtherOrg {
                device: header.author,
                org: device.org,
            });
        }
        if let Some(from_seq) = roster.revoked_from(&delegation.org, &header.author) {
            return Err(AgainstError::DeviceRevoked {
                author: header.author,
                from_seq,
                seq: header.seq,
            });
        }
        return Ok(delegation.org);
    }
    let device = roster
        .device(&header.author)
        .ok_or(AgainstError::UnknownAuthor {
            author: header.author,
        })?;
    if let Some(from_seq) = device.revoked_from
        && header.seq >= from_seq
    {
        return Err(AgainstError::DeviceRevoked {
            author: header.author,
            from_seq,
            seq: header.seq,
        });
    }
    Ok(device.org)
}

fn check_body_against<K: KnownRecords>(
    record: &VerifiedRecord,
    org: OrgId,
    known: &K,
    roster: &Roster,
) -> Result<(), CheckError<K::Error>> {
    let same_org = |kind: BodyKind, named_org: OrgId| {
        if named_org == org {
            Ok(())
        } else {
            Err(AgainstError::GovernanceOfOtherOrg {
                kind,
                author_org: org,
                named_org,
            })
        }
    };
    let current_root = |kind: BodyKind, found: RootKey| {
        let expected = roster
            .org(&org)
            .map_or(org.first_root(), |state| state.root);
        if found == expected {
            Ok(())
        } else {
            Err(AgainstError::WrongRoot {
                kind,
                org,
                expected,
                found,
            })
        }
    };
    match &record.record().body {
        Body::Revocation(revocation) => {
            same_org(BodyKind::Revocation, revocation.org)?;
            current_root(BodyKind::Revocation, revocation.root)?;
            if let Some(device) = roster.device(&revocation.device) {
                same_org(BodyKind::Revocation, device.org)?;
            }
        }
        Body::RootRotation(rotation) => {
            same_org(BodyKind::RootRotation, rotation.org)?;
            current_root(BodyKind::RootRotation, rotation.old_root)?;
        }
        Body::Application(application) => {
            same_org(BodyKind::Application, application.org)?;
            if roster.is_member(&org) {
                return Err(AgainstError::AlreadyMember { org }.into());
            }
        }
        Body::Retraction(retraction) => {
            let target_org = known
                .author_of(&retraction.target)
                .map_err(CheckError::Lookup)?
                .map(|target_author| roster.device(&target_author).map(|device| device.org));
            // A target not held yet is checked when it arrives (see docs/protocol.md).
            if let Some(target_org) = target_org
                && target_org != Some(org)
            {
                return Err(AgainstError::RetractionOfOtherOrg {
                    target: retraction.target,
                }
                .into());
            }
        }
        Body::Revision(revision) => {
            let original_org = known
                .author_of(&revision.original)
                .map_err(CheckError::Lookup)?
                .map(|original_author| roster.device(&original_author).map(|device| device.org));
            // As for retractions, an original not held yet is checked when it arrives:
            // a node shows only versions by the original's org.
            if let Some(original_org) = original_org
                && original_org != Some(org)
            {
                return Err(AgainstError::RevisionOfOtherOrg {
                    original: revision.original,
                }
                .into());
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_neighbours<K: KnownRecords>(
    record: &VerifiedRecord,
    known: &K,
) -> Result<(), CheckError<K::Error>> {
    let header = record.record();
    let (seq, timestamp_ms) = (header.seq, header.timestamp_ms);
    let previous = if seq > 1 {
        known
            .entry(&header.author, seq - 1)
            .map_err(CheckError::Lookup)?
    } else {
        None
    };
    if let Some(previous) = previous {
        if header.prev != Some(previous.id) {
            return Err(AgainstError::PrevMismatch {
                seq,
                expected: previous.id,
                found: header.prev,
            }
            .into());
        }
        if timestamp_ms <= previous.timestamp_ms {
            return Err(AgainstError::TimestampNotIncreasing {
                seq,
                timestamp_ms,
                neighbour_ms: previous.timestamp_ms,
            }
            .into());
        }
    }
    if let Some(next) = known
        .entry(&header.author, seq + 1)
        .map_err(CheckError::Lookup)?
    {
        if next.prev != Some(record.id()) {
            return Err(AgainstError::ConflictsWithNext { seq }.into());
        }
        if next.timestamp_ms <= timestamp_ms {
            return Err(AgainstError::TimestampNotIncreasing {
                seq,
                timestamp_ms,
                neighbour_ms: next.timestamp_ms,
            }
            .into());
        }
    }
    Ok(())
}
