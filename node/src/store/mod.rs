//! The store: the step after validation, where a record becomes durable. Ingest hands
//! it one [`CommitBatch`] per group commit; the batch is written in one transaction
//! and is durable when [`CommitStore::commit`] returns, which is the only moment a record may
//! be acknowledged. Two implementations: [`RedbStore`] (the node's) and
//! [`MemoryStore`] (for fast tests), held to the same behaviour by shared tests.

mod memory;
mod redb_store;
pub mod search;
pub mod text_index;

use commons_protocol::{
    BlobId, Body, BodyKind, DeviceKey, FeedEntry, ForkProof, OrgId, RecordId, VerifiedRecord,
};
use thiserror::Error;

pub use memory::MemoryStore;
pub use redb_store::RedbStore;
pub use search::{SearchError, SearchText};
pub use text_index::{IndexedStore, TextIndex, TextIndexError};

/// The store layout version this build reads and writes. Version 2 added the index of
/// records by the record they reference and the index of attachments by blob; a
/// version-1 store is upgraded in place when it is opened.
pub const SCHEMA_VERSION: u64 = 2;
/// The most records one query returns.
pub const MAX_QUERY_LIMIT: usize = 1000;

/// A record to keep, with the org ingest found it speaks for.
#[derive(Debug, Clone)]
pub struct NewRecord {
    /// The record.
    pub record: VerifiedRecord,
    /// Its author's org.
    pub org: OrgId,
}

/// A record whose content its org took back: the content is dropped, the feed entry
/// (id, seq, prev, timestamp) stays so the feed remains verifiable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tombstone {
    /// The retracted record.
    pub target: RecordId,
    /// Its author.
    pub author: DeviceKey,
    /// Its seq.
    pub seq: u64,
    /// The retraction record.
    pub retraction: RecordId,
}

/// A retraction whose target has not arrived yet: applied when it does, if the target
/// turns out to be the same org's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingRetraction {
    /// The record to retract.
    pub target: RecordId,
    /// The retraction record.
    pub retraction: RecordId,
    /// The org that retracts.
    pub org: OrgId,
}

/// Everything one group commit changes, written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct CommitBatch {
    /// New records, in ingest order.
    pub records: Vec<NewRecord>,
    /// Contents to drop (the target may be in `records`).
    pub tombstones: Vec<Tombstone>,
    /// Retractions waiting for their target.
    pub pending: Vec<PendingRetraction>,
    /// Fork proofs found; the first one of a device freezes its feed.
    pub fork_proofs: Vec<ForkProof>,
}

impl CommitBatch {
    /// Whether the batch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
            && self.tombstones.is_empty()
            && self.pending.is_empty()
            && self.fork_proofs.is_empty()
    }
}

/// A stored record with its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// The record.
    pub record: VerifiedRecord,
    /// Its author's org.
    pub org: OrgId,
}

/// Where a feed stands in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedHead {
    /// The device.
    pub author: DeviceKey,
    /// Every seq from 1 to this one is held.
    pub contiguous: u64,
    /// The highest seq held.
    pub max_seq: u64,
    /// Whether a fork proof froze it.
    pub frozen: bool,
}

/// Which records to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordQuery {
    /// Only this kind.
    pub kind: Option<BodyKind>,
    /// Only records by devices of this org.
    pub org: Option<OrgId>,
    /// Only records with this tag (a theme, region or working group, lowercase).
    pub tag: Option<String>,
    /// Only records with `timestamp_ms >= since_ms`.
    pub since_ms: Option<u64>,
    /// Only records whose text has every word of this search (a linear scan of the
    /// candidates: see [`search`]).
    pub text: Option<SearchText>,
    /// Only records strictly before this `(timestamp_ms, id)`: the paging cursor, the
    /// last record of the previous page.
    pub before: Option<(u64, RecordId)>,
    /// At most this many (capped at [`MAX_QUERY_LIMIT`]).
    pub limit: usize,
}

/// One item of an archive scan ([`Store::scan_archive`]).
// Items are handed over one at a time, never stored in bulk: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ArchiveItem {
    /// A feed entry held with its content.
    Record(StoredRecord),
    /// A feed entry whose content its org retracted.
    Tombstone {
        /// The device whose feed it is.
        author: DeviceKey,
        /// Its seq.
        seq: u64,
        /// What the feed index kept of it: id, prev, timestamp.
        entry: FeedEntry,
        /// The retraction record.
        retraction: RecordId,
    },
    /// A fork proof (after every feed entry).
    ForkProof(ForkProof),
}

/// How the search index beside a store stands (`GET /v1/status`, `commons status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchIndexState {
    /// No index: searches read every record (a store in memory, in tests).
    NotKept,
    /// Searches use the index.
    Ready,
    /// The index is being rebuilt from the store; searches read every record until it
    /// is done.
    Rebuilding,
    /// The index failed while the node ran; searches read every record, and the next
    /// start rebuilds it.
    Unavailable,
}

impl SearchIndexState {
    /// The word `GET /v1/status` uses.
    pub fn name(self) -> &'static str {
        match self {
            SearchIndexState::NotKept => "none",
            SearchIndexState::Ready => "ready",
            SearchIndexState::Rebuilding => "rebuilding",
            SearchIndexState::Unavailable => "unavailable",
        }
    }
}

/// Counts for status and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreStats {
    /// Records held with their content.
    pub records: u64,
    /// Retracted records (content dropped).
    pub tombstones: u64,
    /// Frozen feeds.
    pub fork_proofs: u64,
    /// Size of the store on disk, in bytes (0 in memory).
    pub bytes: u64,
}

/// Why the store failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The disk is full: nothing of the batch was written.
    #[error("the disk holding the store is full; nothing was written. Free some space and retry")]
    DiskFull,
    /// The store was written by another layout version.
    #[error(
        "the store has layout version {found}, but this build reads version {SCHEMA_VERSION}: use a matching `commons` build"
    )]
    UnknownSchema {
        /// The version found.
        found: u64,
    },
    /// The store belongs to another network.
    #[error(
        "the store belongs to network {found}, not {expected}: use the data dir of that network"
    )]
    WrongNetwork {
        /// This node's network.
        expected: commons_protocol::NetworkId,
        /// The store's.
        found: commons_protocol::NetworkId,
    },
    /// Another process has the store open.
    #[error(
        "the store is already open in another process (is another `commons node run` using this data dir?)"
    )]
    AlreadyOpen,
    /// Bytes in the store do not decode: the store is damaged.
    #[error("the store holds a record that does not decode ({0}); restore it from a backup")]
    Corrupt(String),
    /// Any other storage failure.
    #[error("the store failed: {0}")]
    Storage(String),
    /// A blocking store task did not finish: it panicked, or the runtime is shutting
    /// down.
    #[error("{what} did not finish: {source}")]
    TaskFailed {
        /// What the task was doing.
        what: &'static str,
        /// Why it did not finish.
        #[source]
        source: tokio::task::JoinError,
    },
}

/// The store as everything after ingest sees it: reads only. Reads see every
/// committed batch. The publisher, the network, the API and the web app hold this
/// trait, so the one way a record reaches the store is through ingest, the only
/// holder of a [`CommitStore`].
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// The feed entry at (author, seq), content dropped or not.
    fn entry(&self, author: &DeviceKey, seq: u64) -> Result<Option<FeedEntry>, StoreError>;
    /// Where `author`'s feed stands.
    fn head(&self, author: &DeviceKey) -> Result<Option<FeedHead>, StoreError>;
    /// The author of a held record (retracted or not).
    fn author_of(&self, id: &RecordId) -> Result<Option<DeviceKey>, StoreError>;
    /// A record with its content.
    fn record(&self, id: &RecordId) -> Result<Option<StoredRecord>, StoreError>;
    /// The record with content at (author, seq).
    fn record_at(&self, author: &DeviceKey, seq: u64) -> Result<Option<StoredRecord>, StoreError>;
    /// The tombstone of a retracted record.
    fn tombstone(&self, id: &RecordId) -> Result<Option<Tombstone>, StoreError>;
    /// The retraction waiting for `target`, if any.
    fn pending_retraction(
        &self,
        target: &RecordId,
    ) -> Result<Option<PendingRetraction>, StoreError>;
    /// Every retraction still waiting for its target.
    fn pending_retractions(&self) -> Result<Vec<PendingRetraction>, StoreError>;
    /// Every feed's head.
    fn heads(&self) -> Result<Vec<FeedHead>, StoreError>;
    /// Records matching `query`, newest first.
    fn query(&self, query: &RecordQuery) -> Result<Vec<StoredRecord>, StoreError>;
    /// Records with content whose body references `target` ([`Body::references`]: the
    /// revisions of an original, an alert's responses, a campaign's updates, a
    /// retraction), newest first by `(timestamp_ms, id)`, only of `kind` if given, at
    /// most `limit` (capped at [`MAX_QUERY_LIMIT`]). Retracted records are not found.
    fn referring(
        &self,
        target: &RecordId,
        kind: Option<BodyKind>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError>;
    /// The live (not retracted) records whose body carries an attachment with the
    /// bytes `blob` ([`Body::attachments`]), in id order. Empty when no live record
    /// needs the bytes any more.
    fn blob_references(&self, blob: &BlobId) -> Result<Vec<RecordId>, StoreError>;
    /// Every governance record held (for the roster fold).
    fn governance(&self) -> Result<Vec<VerifiedRecord>, StoreError>;
    /// Every fork proof held.
    fn fork_proofs(&self) -> Result<Vec<ForkProof>, StoreError>;
    /// Counts.
    fn stats(&self) -> Result<StoreStats, StoreError>;
    /// How many non-empty batches were ever committed: a number that grows with every
    /// commit, kept in the same transaction, so a copy kept beside the store (the search
    /// index) can tell whether it saw every commit.
    fn commit_count(&self) -> Result<u64, StoreError>;
    /// Whether a search index is kept beside the store, and how it stands.
    fn search_index(&self) -> SearchIndexState {
        SearchIndexState::NotKept
    }
    /// Visits, from one consistent snapshot, every feed entry in (author, seq) order,
    /// then every fork proof in device order: what an archive export writes. Holds
    /// one item in memory at a time; `visit` answers `Break` to stop early.
    fn scan_archive(
        &self,
        visit: &mut dyn FnMut(ArchiveItem) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError>;
}

/// The store as ingest holds it: the reads, and the one write. [`crate::node::Node`]
/// hands it to ingest alone and gives every other part the read-only [`Store`].
pub trait CommitStore: Store {
    /// Writes a batch in one durable transaction, durable when it returns. On error
    /// nothing of it is written.
    fn commit(&self, batch: &CommitBatch) -> Result<(), StoreError>;
}

/// The tags a record is found by: a case study's themes and regions, an alert's
/// region, a profile's working groups; trimmed, lowercase, each once.
pub fn tags(body: &Body) -> Vec<String> {
    let raw: Vec<&String> = match body {
        Body::Practice(practice) => practice.themes.iter().chain(&practice.regions).collect(),
        Body::Alert(alert) => vec![&alert.region],
        Body::Profile(profile) => profile
            .working_groups
            .iter()
            .chain(std::iter::once(&profile.region))
            .collect(),
        _ => Vec::new(),
    };
    let mut tags: Vec<String> = raw
        .into_iter()
        .map(|tag| tag.trim().to_lowercase())
        .filter(|tag| !tag.is_empty() && tag.len() <= MAX_TAG_BYTES)
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// The code a record is indexed under by kind: its kind's code, so a case study with
/// attachments (wire kind 14) is found with every other case study (5); the wire number
/// for a kind this version does not know.
pub fn kind_index_code(body: &Body) -> u32 {
    body.kind().map_or(body.kind_code(), BodyKind::code)
}

/// The blobs a record's body references, each once, in order.
pub fn blobs(body: &Body) -> Vec<BlobId> {
    let mut blobs: Vec<BlobId> = body.attachments().iter().map(|file| file.blob).collect();
    blobs.sort();
    blobs.dedup();
    blobs
}

/// Tags longer than this are not indexed.
pub const MAX_TAG_BYTES: usize = 128;

#[cfg(test)]
mod tests;
