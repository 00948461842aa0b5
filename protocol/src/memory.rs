//! An in-memory record set: the reference for what a store does with the outcome of
//! [`validate_against`]. Tests and tools use it where a durable store is not needed.

use std::collections::{BTreeMap, HashMap};

use crate::feed::{AgainstError, FeedEntry, FeedOutcome, KnownRecords, validate_against};
use crate::fork::ForkProof;
use crate::id::RecordId;
use crate::keys::DeviceKey;
use crate::record::VerifiedRecord;
use crate::roster::Roster;

/// Records held in memory, by feed and by id, with the fork proofs found.
#[derive(Debug, Clone, Default)]
pub struct MemoryFeeds {
    feeds: BTreeMap<(DeviceKey, u64), VerifiedRecord>,
    by_id: HashMap<RecordId, (DeviceKey, u64)>,
    heads: HashMap<DeviceKey, u64>,
    forks: BTreeMap<DeviceKey, ForkProof>,
}

impl MemoryFeeds {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Validates `record` against what is held and `roster`, then keeps it if new, or
    /// keeps the fork proof and freezes the feed if it forks.
    pub fn ingest(
        &mut self,
        record: VerifiedRecord,
        roster: &Roster,
    ) -> Result<FeedOutcome, AgainstError> {
        let outcome = validate_against(&record, self, roster)?;
        let header = record.record();
        let key = (header.author, header.seq);
        match outcome {
            FeedOutcome::Appended { .. } => {
                self.by_id.insert(record.id(), key);
                self.feeds.insert(key, record);
                self.advance_head(key.0);
            }
            FeedOutcome::Fork { .. } => {
                if let Some(held) = self.feeds.get(&key).cloned()
                    && let Ok(proof) = ForkProof::new(held, record)
                {
                    self.forks.insert(key.0, proof);
                }
            }
            FeedOutcome::Duplicate => {}
        }
        Ok(outcome)
    }

    fn advance_head(&mut self, author: DeviceKey) {
        let mut head = self.heads.get(&author).copied().unwrap_or(0);
        while self.feeds.contains_key(&(author, head + 1)) {
            head += 1;
        }
        self.heads.insert(author, head);
    }

    /// The roster these records make, with the fork proofs found taken into account.
    pub fn roster(&self, charter: &crate::charter::Charter) -> Roster {
        Roster::fold(charter, self.records(), self.fork_proofs())
    }

    /// Every record held, by author then seq.
    pub fn records(&self) -> impl Iterator<Item = &VerifiedRecord> {
        self.feeds.values()
    }

    /// The record with `id`, if held.
    pub fn get(&self, id: &RecordId) -> Option<&VerifiedRecord> {
        self.by_id.get(id).and_then(|key| self.feeds.get(key))
    }

    /// The fork proofs found, by device.
    pub fn fork_proofs(&self) -> impl Iterator<Item = &ForkProof> {
        self.forks.values()
    }

    /// How many records are held.
    pub fn len(&self) -> usize {
        self.feeds.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.feeds.is_empty()
    }

    /// The highest seq of `author`'s feed such that every record from 1 to it is held
    /// (0 if none).
    pub fn contiguous_head(&self, author: &DeviceKey) -> u64 {
        self.heads.get(author).copied().unwrap_or(0)
    }

    /// Whether a fork proof has frozen `author`'s feed.
    pub fn is_frozen(&self, author: &DeviceKey) -> bool {
        self.forks.contains_key(author)
    }
}

impl KnownRecords for MemoryFeeds {
    type Error = std::convert::Infallible;

    fn entry(&self, author: &DeviceKey, seq: u64) -> Result<Option<FeedEntry>, Self::Error> {
        Ok(self.feeds.get(&(*author, seq)).map(FeedEntry::of))
    }

    fn contiguous_head(&self, author: &DeviceKey) -> Result<u64, Self::Error> {
        Ok(MemoryFeeds::contiguous_head(self, author))
    }

    fn is_frozen(&self, author: &DeviceKey) -> Result<bool, Self::Error> {
        Ok(MemoryFeeds::is_frozen(self, author))
    }

    fn author_of(&self, id: &RecordId) -> Result<Option<DeviceKey>, Self::Error> {
        Ok(self.by_id.get(id).map(|(author, _)| *author))
    }
}
