//! The in-memory store: the same behaviour as [`super::RedbStore`] with nothing on disk,
//! for fast tests of ingest and the API. "Durable" here means "in this process".

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};

use commons_protocol::{DeviceKey, FeedEntry, ForkProof, RecordId, VerifiedRecord};

use super::{
    ArchiveItem, CommitBatch, FeedHead, MAX_QUERY_LIMIT, PendingRetraction, RecordQuery, Store,
    StoreError, StoreStats, StoredRecord, Tombstone,
};

#[derive(Debug, Default)]
struct State {
    records: BTreeMap<RecordId, StoredRecord>,
    feed: BTreeMap<(DeviceKey, u64), FeedEntry>,
    ids: BTreeMap<RecordId, (DeviceKey, u64)>,
    heads: BTreeMap<DeviceKey, (u64, u64)>,
    by_time: BTreeSet<(u64, RecordId)>,
    tombstones: BTreeMap<RecordId, Tombstone>,
    pending: BTreeMap<RecordId, PendingRetraction>,
    forks: BTreeMap<DeviceKey, ForkProof>,
    governance: BTreeSet<RecordId>,
}

/// Records kept in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> Result<MutexGuard<'_, State>, StoreError> {
        self.state
            .lock()
            .map_err(|_| StoreError::Storage("memory store lock poisoned".into()))
    }
}

impl Store for MemoryStore {
    fn commit(&self, batch: &CommitBatch) -> Result<(), StoreError> {
        let mut state = self.state()?;
        // Build the new state aside and swap it in, so a batch is all or nothing.
        let mut next = std::mem::take(&mut *state);
        for new in &batch.records {
            let header = new.record.record();
            let id = new.record.id();
            next.records.insert(
                id,
                StoredRecord {
                    record: new.record.clone(),
                    org: new.org,
                },
            );
            next.feed
                .insert((header.author, header.seq), FeedEntry::of(&new.record));
            next.ids.insert(id, (header.author, header.seq));
            next.by_time.insert((header.timestamp_ms, id));
            if header.body.is_governance() {
                next.governance.insert(id);
            }
            let (mut contiguous, max_seq) =
                next.heads.get(&header.author).copied().unwrap_or((0, 0));
            while next.feed.contains_key(&(header.author, contiguous + 1)) {
                contiguous += 1;
            }
            next.heads
                .insert(header.author, (contiguous, max_seq.max(header.seq)));
        }
        for tombstone in &batch.tombstones {
            if let Some(removed) = next.records.remove(&tombstone.target) {
                next.by_time
                    .remove(&(removed.record.record().timestamp_ms, tombstone.target));
            }
            next.tombstones.insert(tombstone.target, *tombstone);
            next.pending.remove(&tombstone.target);
        }
        for waiting in &batch.pending {
            next.pending.insert(waiting.target, *waiting);
        }
        for proof in &batch.fork_proofs {
            next.forks
                .entry(proof.author())
                .or_insert_with(|| proof.clone());
        }
        *state = next;
        Ok(())
    }

    fn entry(&self, author: &DeviceKey, seq: u64) -> Result<Option<FeedEntry>, StoreError> {
        Ok(self.state()?.feed.get(&(*author, seq)).copied())
    }

    fn head(&self, author: &DeviceKey) -> Result<Option<FeedHead>, StoreError> {
        let state = self.state()?;
        Ok(state
            .heads
            .get(author)
            .map(|&(contiguous, max_seq)| FeedHead {
                author: *author,
                contiguous,
                max_seq,
                frozen: state.forks.contains_key(author),
            }))
    }

    fn author_of(&self, id: &RecordId) -> Result<Option<DeviceKey>, StoreError> {
        Ok(self.state()?.ids.get(id).map(|(author, _)| *author))
    }

    fn record(&self, id: &RecordId) -> Result<Option<StoredRecord>, StoreError> {
        Ok(self.state()?.records.get(id).cloned())
    }

    fn record_at(&self, author: &DeviceKey, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        let state = self.state()?;
        Ok(state
            .feed
            .get(&(*author, seq))
            .and_then(|entry| state.records.get(&entry.id))
            .cloned())
    }

    fn tombstone(&self, id: &RecordId) -> Result<Option<Tombstone>, StoreError> {
        Ok(self.state()?.tombstones.get(id).copied())
    }

    fn pending_retraction(
        &self,
        target: &RecordId,
    ) -> Result<Option<PendingRetraction>, StoreError> {
        Ok(self.state()?.pending.get(target).copied())
    }

    fn pending_retractions(&self) -> Result<Vec<PendingRetraction>, StoreError> {
        Ok(self.state()?.pending.values().copied().collect())
    }

    fn heads(&self) -> Result<Vec<FeedHead>, StoreError> {
        let state = self.state()?;
        Ok(state
            .heads
            .iter()
            .map(|(author, &(contiguous, max_seq))| FeedHead {
                author: *author,
                contiguous,
                max_seq,
                frozen: state.forks.contains_key(author),
            })
            .collect())
    }

    fn query(&self, query: &RecordQuery) -> Result<Vec<StoredRecord>, StoreError> {
        let state = self.state()?;
        let limit = query.limit.clamp(1, MAX_QUERY_LIMIT);
        Ok(state
            .by_time
            .iter()
            .rev()
            .filter_map(|(_, id)| state.records.get(id))
            .filter(|stored| query.matches(stored))
            .take(limit)
            .cloned()
            .collect())
    }

    fn governance(&self) -> Result<Vec<VerifiedRecord>, StoreError> {
        let state = self.state()?;
        Ok(state
            .governance
            .iter()
            .filter_map(|id| state.records.get(id))
            .map(|s| s.record.clone())
            .collect())
    }

    fn fork_proofs(&self) -> Result<Vec<ForkProof>, StoreError> {
        Ok(self.state()?.forks.values().cloned().collect())
    }

    fn scan_archive(
        &self,
        visit: &mut dyn FnMut(ArchiveItem) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let state = self.state()?;
        for (&(author, seq), entry) in &state.feed {
            let item = if let Some(stored) = state.records.get(&entry.id) {
                ArchiveItem::Record(stored.clone())
            } else if let Some(tombstone) = state.tombstones.get(&entry.id) {
                ArchiveItem::Tombstone {
                    author,
                    seq,
                    entry: *entry,
                    retraction: tombstone.retraction,
                }
            } else {
                return Err(StoreError::Corrupt(
                    "feed entry with neither record nor tombstone".into(),
                ));
            };
            if visit(item).is_break() {
                return Ok(());
            }
        }
        for proof in state.forks.values() {
            if visit(ArchiveItem::ForkProof(proof.clone())).is_break() {
                return Ok(());
            }
        }
        Ok(())
    }

    fn stats(&self) -> Result<StoreStats, StoreError> {
        let state = self.state()?;
        Ok(StoreStats {
            records: state.records.len() as u64,
            tombstones: state.tombstones.len() as u64,
            fork_proofs: state.forks.len() as u64,
            bytes: 0,
        })
    }
}
