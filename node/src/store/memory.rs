//! The in-memory store: the same behaviour as [`super::RedbStore`] with nothing on disk,
//! for fast tests of ingest and the API. "Durable" here means "in this process".

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};

use commons_protocol::{
    BlobId, BodyKind, DeviceKey, FeedEntry, ForkProof, RecordId, VerifiedRecord,
};

use super::{
    ArchiveItem, CommitBatch, CommitStore, FeedHead, MAX_QUERY_LIMIT, PendingRetraction,
    RecordQuery, Store, StoreError, StoreStats, StoredRecord, Tombstone, blobs,
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
    /// (referenced record, timestamp, id) of records with content.
    by_ref: BTreeSet<(RecordId, u64, RecordId)>,
    /// (blob, id) of records with content.
    by_blob: BTreeSet<(BlobId, RecordId)>,
    /// Batches committed so far.
    commits: u64,
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

impl CommitStore for MemoryStore {
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
            if let Some(target) = header.body.references() {
                next.by_ref.insert((target, header.timestamp_ms, id));
            }
            for blob in blobs(&header.body) {
                next.by_blob.insert((blob, id));
            }
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
                let header = removed.record.record();
                next.by_time
                    .remove(&(header.timestamp_ms, tombstone.target));
                if let Some(target) = header.body.references() {
                    next.by_ref
                        .remove(&(target, header.timestamp_ms, tombstone.target));
                }
                for blob in blobs(&header.body) {
                    next.by_blob.remove(&(blob, tombstone.target));
                }
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
        next.commits = next.commits.saturating_add(1);
        *state = next;
        Ok(())
    }
}

impl Store for MemoryStore {
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

    fn referring(
        &self,
        target: &RecordId,
        kind: Option<BodyKind>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let state = self.state()?;
        let low = RecordId::from_bytes([0; 32]);
        let high = RecordId::from_bytes([0xff; 32]);
        Ok(state
            .by_ref
            .range((*target, 0, low)..=(*target, u64::MAX, high))
            .rev()
            .filter_map(|(_, _, id)| state.records.get(id))
            .filter(|stored| {
                kind.is_none_or(|kind| stored.record.record().body.kind() == Some(kind))
            })
            .take(limit.clamp(1, MAX_QUERY_LIMIT))
            .cloned()
            .collect())
    }

    fn blob_references(&self, blob: &BlobId) -> Result<Vec<RecordId>, StoreError> {
        let state = self.state()?;
        let low = RecordId::from_bytes([0; 32]);
        let high = RecordId::from_bytes([0xff; 32]);
        Ok(state
            .by_blob
            .range((*blob, low)..=(*blob, high))
            .map(|(_, id)| *id)
            .filter(|id| state.records.contains_key(id))
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

    fn commit_count(&self) -> Result<u64, StoreError> {
        Ok(self.state()?.commits)
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
