//! Versions: the step after the store, where a read of a profile, case study or
//! campaign finds the version to show. A record's versions are the original and every
//! revision naming it ([`Body::Revision`]) whose author is the original's org and whose
//! content is the original's kind; the version shown is the revision with the greatest
//! `(timestamp_ms, id)`, the original while there is none. The rule reads nothing but
//! signed records, so every node holding the same versions shows the same one, whatever
//! its clock or the order they arrived in.
//!
//! Ingest refuses a revision whose original is held and is another org's or of another
//! kind; a revision that arrived before its original is stored unchecked, and the org
//! and kind filters here keep it out of the versions until it is proved to belong.

use commons_protocol::{Body, BodyKind, OrgId, RecordId, Revised, Revision};
use thiserror::Error;

use crate::store::{MAX_QUERY_LIMIT, Store, StoreError, StoredRecord};

/// The most revisions of one record read: the newest this many count, so the version
/// shown is always right; a history longer than this shows only its newest part.
pub const MAX_REVISIONS: usize = MAX_QUERY_LIMIT;

/// The versions of one profile, case study or campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    /// The first version: a profile, case study or campaign record.
    pub original: StoredRecord,
    /// The revisions that count (by the original's org, of its kind), oldest first by
    /// `(timestamp_ms, id)`.
    pub revisions: Vec<StoredRecord>,
}

impl Versions {
    /// The version shown: the last revision, or the original while there is none.
    pub fn latest(&self) -> &StoredRecord {
        self.revisions.last().unwrap_or(&self.original)
    }

    /// The content of the version shown, as a body of the original's kind.
    pub fn latest_body(&self) -> Body {
        content(self.latest())
    }

    /// How many versions there are, the original included.
    pub fn count(&self) -> usize {
        1 + self.revisions.len()
    }

    /// Every version, oldest first: the original, then the revisions.
    pub fn all(&self) -> impl Iterator<Item = &StoredRecord> {
        std::iter::once(&self.original).chain(&self.revisions)
    }

    /// Whether `id` is one of these versions.
    pub fn contains(&self, id: &RecordId) -> bool {
        self.all().any(|version| version.record.id() == *id)
    }
}

/// A version's content as a body of the kind it revises: a revision's content, or the
/// record's own body.
pub fn content(stored: &StoredRecord) -> Body {
    match &stored.record.record().body {
        Body::Revision(revision) => revision.content.to_body(),
        other => other.clone(),
    }
}

/// The versions of the record `id`, which may be the original or any of its revisions.
/// `None` when `id` is not held with its content (never arrived, or retracted), when
/// it names a record that cannot be revised, or when it is a revision whose original
/// is not held.
pub fn versions(store: &dyn Store, id: &RecordId) -> Result<Option<Versions>, StoreError> {
    let Some(stored) = store.record(id)? else {
        return Ok(None);
    };
    let original = match &stored.record.record().body {
        Body::Revision(revision) => match store.record(&revision.original)? {
            Some(original) => original,
            None => return Ok(None),
        },
        _ => stored,
    };
    versions_of(store, original)
}

/// The versions of `original`, a record already read; `None` if it cannot be revised.
pub fn versions_of(
    store: &dyn Store,
    original: StoredRecord,
) -> Result<Option<Versions>, StoreError> {
    let body = &original.record.record().body;
    if !body.can_be_revised() {
        return Ok(None);
    }
    let kind = body.kind();
    let mut revisions: Vec<StoredRecord> = store
        .referring(
            &original.record.id(),
            Some(BodyKind::Revision),
            MAX_REVISIONS,
        )?
        .into_iter()
        .filter(|revision| counts(&original, revision, kind))
        .collect();
    // `referring` answers newest first by (timestamp_ms, id).
    revisions.reverse();
    Ok(Some(Versions {
        original,
        revisions,
    }))
}

/// Whether `revision` is a version of `original`: by the same org, of the same kind.
fn counts(original: &StoredRecord, revision: &StoredRecord, kind: Option<BodyKind>) -> bool {
    revision.org == original.org
        && matches!(
            &revision.record.record().body,
            Body::Revision(body)
                if body.original == original.record.id() && Some(body.content.kind()) == kind
        )
}

/// The versions `stored` is one of: the original's and its revisions', if `stored` is
/// an original or a revision that counts (`None` for a record that cannot be revised,
/// or a revision that is not a version: another org's, of another kind, or whose
/// original is not held).
pub fn versions_including(
    store: &dyn Store,
    stored: &StoredRecord,
) -> Result<Option<Versions>, StoreError> {
    let found = match &stored.record.record().body {
        Body::Revision(revision) => match store.record(&revision.original)? {
            Some(original) => versions_of(store, original)?,
            None => None,
        },
        _ => versions_of(store, stored.clone())?,
    };
    Ok(found.filter(|versions| versions.contains(&stored.record.id())))
}

/// The version of `stored` to show: the latest version if it can be revised (itself if
/// it has no revisions), else `stored` itself.
pub fn latest(store: &dyn Store, stored: &StoredRecord) -> Result<StoredRecord, StoreError> {
    Ok(match versions_of(store, stored.clone())? {
        Some(versions) => versions.latest().clone(),
        None => stored.clone(),
    })
}

/// The content to show for `stored`: the latest version's content, as a body of the
/// original's kind; the record's own body if it cannot be revised.
pub fn latest_body(store: &dyn Store, stored: &StoredRecord) -> Result<Body, StoreError> {
    Ok(content(&latest(store, stored)?))
}

/// Why a new version of a record cannot be published.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReviseError {
    /// No record with this id is held.
    #[error(
        "this node holds no record {0}: check the id (`commons records list` shows them), or wait until it arrives (`commons sync`)"
    )]
    NotHeld(RecordId),
    /// The record, or the original it revises, was retracted.
    #[error(
        "record {0} was retracted by its org, so it cannot get a new version; publish a new record instead"
    )]
    Retracted(RecordId),
    /// The id is a revision whose original this node does not hold.
    #[error(
        "record {revision} is a new version of {original}, which this node does not hold yet; wait until it arrives (`commons sync`)"
    )]
    OriginalNotHeld {
        /// The revision named.
        revision: RecordId,
        /// Its original.
        original: RecordId,
    },
    /// The record is another org's.
    #[error("record {0} belongs to another org; only its own org may publish a new version of it")]
    OtherOrg(RecordId),
    /// The record is not of the kind being published (or cannot be revised at all).
    #[error(
        "record {id} is of kind {found}, not {wanted}; a new version keeps its record's kind, and only profiles, case studies and campaigns have versions"
    )]
    WrongKind {
        /// The record named.
        id: RecordId,
        /// Its kind.
        found: &'static str,
        /// The kind being published.
        wanted: &'static str,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The versions of the record `id` names (the original or any version of it), checked
/// for `org` to publish a new version of kind `kind`: held, not retracted, `org`'s own,
/// of that kind. What an Edit starts from: its latest version is the one to change.
pub fn versions_to_revise(
    store: &dyn Store,
    id: &RecordId,
    org: OrgId,
    kind: BodyKind,
) -> Result<Versions, ReviseError> {
    let retracted = |id: &RecordId| -> Result<bool, StoreError> {
        Ok(store.tombstone(id)?.is_some() || store.pending_retraction(id)?.is_some())
    };
    let Some(named) = store.record(id)? else {
        return Err(if retracted(id)? {
            ReviseError::Retracted(*id)
        } else {
            ReviseError::NotHeld(*id)
        });
    };
    let original = match &named.record.record().body {
        Body::Revision(revision) => match store.record(&revision.original)? {
            Some(original) => original,
            None if retracted(&revision.original)? => {
                return Err(ReviseError::Retracted(revision.original));
            }
            None => {
                return Err(ReviseError::OriginalNotHeld {
                    revision: *id,
                    original: revision.original,
                });
            }
        },
        _ => named,
    };
    let original_id = original.record.id();
    if original.org != org {
        return Err(ReviseError::OtherOrg(original_id));
    }
    if retracted(&original_id)? {
        return Err(ReviseError::Retracted(original_id));
    }
    let found = original.record.record().body.kind();
    if found != Some(kind) || !original.record.record().body.can_be_revised() {
        return Err(ReviseError::WrongKind {
            id: original_id,
            found: found.map_or("unknown", BodyKind::name),
            wanted: kind.name(),
        });
    }
    versions_of(store, original)?.ok_or(ReviseError::WrongKind {
        id: original_id,
        found: kind.name(),
        wanted: kind.name(),
    })
}

/// The retractions `org` publishes to retract `target`: one per version held when
/// `target` is a version of one of `org`'s records (the other versions first, `target`
/// last), else just `target`'s. Ingest would drop every version on the retraction of
/// any one of them, but each tombstone must name a retraction of its own record for an
/// archive of it to verify (docs/archive.md, check 7), so the org says so of each.
pub fn retractions(
    store: &dyn Store,
    target: RecordId,
    org: OrgId,
    reason: &str,
) -> Result<Vec<Body>, StoreError> {
    let retraction = |target| {
        Body::Retraction(commons_protocol::Retraction {
            target,
            reason: reason.to_owned(),
        })
    };
    let others: Vec<RecordId> = match store.record(&target)? {
        Some(stored) => match versions_including(store, &stored)? {
            Some(versions) if versions.original.org == org => versions
                .all()
                .map(|version| version.record.id())
                .filter(|id| *id != target)
                .collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    Ok(others
        .into_iter()
        .chain(std::iter::once(target))
        .map(retraction)
        .collect())
}

/// The body of a new version of `original` with `content` (a profile, case study or
/// campaign body); `None` if `content` cannot be a version.
pub fn revision_body(original: RecordId, content: &Body) -> Option<Body> {
    Revised::from_body(content).map(|content| Body::Revision(Revision { original, content }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::fixtures::{
        BASE_TIME_MS, delegated_feeds, sample_charter, sample_practice, sample_profile,
    };
    use commons_protocol::{FeedWriter, Revised, Revision, Visibility};

    use super::*;
    use crate::store::{CommitBatch, CommitStore, MemoryStore, NewRecord};

    fn practice(title: &str) -> Body {
        let mut practice = sample_practice(Visibility::Public);
        practice.title = title.to_owned();
        Body::Practice(practice)
    }

    fn revision(original: RecordId, title: &str) -> Body {
        let Body::Practice(practice) = practice(title) else {
            unreachable!()
        };
        Body::Revision(Revision {
            original,
            content: Revised::Practice(practice),
        })
    }

    fn title(body: &Body) -> &str {
        match body {
            Body::Practice(practice) => &practice.title,
            _ => "",
        }
    }

    struct Net {
        store: MemoryStore,
        writers: Vec<FeedWriter>,
        orgs: Vec<commons_protocol::OrgId>,
    }

    /// Writers: 0 and 2 are two devices of the first org, 1 is the second org's.
    impl Net {
        fn new() -> Self {
            let (charter, orgs) = sample_charter(2);
            let network = charter.charter().network_id();
            let (mut writers, mut delegations) = delegated_feeds(&orgs, network);
            let laptop = commons_protocol::DeviceKeypair::from_seed([0x42; 32]);
            let mut second = FeedWriter::new(
                laptop.clone(),
                network,
                commons_protocol::FeedPosition::EMPTY,
            );
            let delegation = commons_protocol::Delegation::sign(
                &orgs[0].root,
                network,
                orgs[0].id(),
                laptop.public(),
                "laptop",
            );
            delegations.push(
                second
                    .append(Body::Delegation(delegation), BASE_TIME_MS)
                    .unwrap(),
            );
            writers.push(second);
            let store = MemoryStore::new();
            let orgs = vec![orgs[0].id(), orgs[1].id(), orgs[0].id()];
            store
                .commit(&CommitBatch {
                    records: delegations
                        .into_iter()
                        .zip(&orgs)
                        .map(|(record, org)| NewRecord { record, org: *org })
                        .collect(),
                    ..Default::default()
                })
                .unwrap();
            Net {
                store,
                writers,
                orgs,
            }
        }

        /// Signs `body` by org `who` at `at` ms past the base time and stores it.
        fn put(&mut self, who: usize, body: Body, at: u64) -> RecordId {
            let record = self.writers[who].append(body, BASE_TIME_MS + at).unwrap();
            let id = record.id();
            self.store
                .commit(&CommitBatch {
                    records: vec![NewRecord {
                        record,
                        org: self.orgs[who],
                    }],
                    ..Default::default()
                })
                .unwrap();
            id
        }
    }

    #[test]
    fn the_latest_is_the_revision_with_the_greatest_timestamp_then_id() {
        let mut net = Net::new();
        let original = net.put(0, practice("v1"), 1_000);
        // Two devices of the org, stored out of timestamp order: the rule does not
        // depend on arrival.
        let later = net.put(0, revision(original, "v3"), 3_000);
        let earlier = net.put(2, revision(original, "v2"), 2_000);
        for id in [original, earlier, later] {
            let versions = versions(&net.store, &id).unwrap().unwrap();
            assert_eq!(versions.original.record.id(), original);
            let order: Vec<_> = versions.all().map(|v| v.record.id()).collect();
            assert_eq!(order, vec![original, earlier, later]);
            assert_eq!(versions.latest().record.id(), later);
            assert_eq!(title(&versions.latest_body()), "v3");
            assert_eq!(versions.count(), 3);
        }
        let stored = net.store.record(&original).unwrap().unwrap();
        assert_eq!(title(&latest_body(&net.store, &stored).unwrap()), "v3");
    }

    #[test]
    fn same_timestamp_revisions_are_ordered_by_id() {
        let mut net = Net::new();
        let original = net.put(0, practice("v1"), 1_000);
        let a = net.put(0, revision(original, "a"), 2_000);
        let b = net.put(2, revision(original, "b"), 2_000);
        let versions = versions(&net.store, &original).unwrap().unwrap();
        assert_eq!(versions.latest().record.id(), a.max(b));
    }

    #[test]
    fn another_orgs_revision_and_a_revision_of_another_kind_do_not_count() {
        let mut net = Net::new();
        let original = net.put(0, practice("ours"), 1_000);
        net.put(1, revision(original, "theirs"), 5_000);
        net.put(
            0,
            Body::Revision(Revision {
                original,
                content: Revised::Profile(sample_profile()),
            }),
            6_000,
        );
        let versions = versions(&net.store, &original).unwrap().unwrap();
        assert!(versions.revisions.is_empty());
        assert_eq!(title(&versions.latest_body()), "ours");
    }

    #[test]
    fn records_that_cannot_be_revised_and_unknown_ids_have_no_versions() {
        let mut net = Net::new();
        let unknown = RecordId::from_bytes([9; 32]);
        assert_eq!(versions(&net.store, &unknown).unwrap(), None);
        let orphan = net.put(0, revision(unknown, "early"), 1_000);
        assert_eq!(
            versions(&net.store, &orphan).unwrap(),
            None,
            "the original has not arrived"
        );
        let retraction = net.put(
            0,
            Body::Retraction(commons_protocol::Retraction {
                target: unknown,
                reason: String::new(),
            }),
            2_000,
        );
        assert_eq!(versions(&net.store, &retraction).unwrap(), None);
        let stored = net.store.record(&retraction).unwrap().unwrap();
        assert_eq!(latest(&net.store, &stored).unwrap(), stored);
    }
}
