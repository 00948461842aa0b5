//! Ingest: the one path every record takes into a node, whether published here,
//! received by gossip or sync, or imported. Signed bytes are decoded and verified (in
//! parallel, across cores), checked against the feed and the roster (in order), then
//! written in one group commit; only once the commit is durable is each record
//! acknowledged and announced to subscribers.
//!
//! Revisions (`Body::Revision`) are checked here against what is held: one whose
//! original is held must name a first version (not a revision) of its own kind, and one
//! whose original was retracted, or has a retraction of its org waiting for it, is
//! refused. A retraction of any version drops the content of every version held (the
//! original and its org's revisions) and waits for an original not held yet, so a
//! version that arrives later is refused or dropped as it arrives ([`crate::revisions`]
//! reads what is left).
//!
//! The ingest task owns the roster: when a governance record is stored, the roster is
//! folded again from every governance record and fork proof, and published on a watch
//! channel.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use commons_protocol::{
    AgainstError, AuthorKeyCache, Body, BodyKind, Charter, CheckError, DeviceKey, FeedEntry,
    FeedOutcome, ForkProof, KnownRecords, NetworkId, OrgId, RecordError, RecordId, Roster,
    SeqRange, VerifiedRecord, check_against,
};
use thiserror::Error;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use crate::metrics::{Metrics, against_reason, record_reason};
use crate::revisions;
use crate::store::{
    CommitBatch, CommitStore, FeedHead, NewRecord, PendingRetraction, Store, StoreError, Tombstone,
};

/// Requests waiting for the ingest task.
pub const INGEST_QUEUE_CAPACITY: usize = 1024;
/// Newly stored records kept for slow subscribers before they miss some.
pub const EVENTS_CAPACITY: usize = 4096;
/// The most records in one group commit.
pub const DEFAULT_MAX_BATCH: usize = 1024;
/// How long a commit waits for more records after the first one arrives.
pub const DEFAULT_COMMIT_DELAY: Duration = Duration::from_millis(2);
/// The most records one request may carry.
pub const MAX_RECORDS_PER_REQUEST: usize = 4096;

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Published by this node.
    Local,
    /// Received by gossip.
    Gossip,
    /// Pulled by sync.
    Sync,
    /// Read from an archive or the API's raw submit.
    Import,
}

/// What became of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ingested {
    /// Stored durably. `missing` is a range of the feed to pull from peers.
    Stored {
        /// The record's id.
        id: RecordId,
        /// Seqs just below it that are not held.
        missing: Option<SeqRange>,
    },
    /// Already held.
    Duplicate {
        /// The record's id.
        id: RecordId,
    },
    /// It forks its feed: the proof is stored and the feed frozen.
    Fork {
        /// The proof.
        proof: Box<ForkProof>,
    },
}

/// Why a record was not stored.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The bytes are not a valid record on their own.
    #[error("invalid record: {0}")]
    Invalid(#[from] RecordError),
    /// The record breaks a rule of its feed or of the roster.
    #[error("record refused: {0}")]
    Refused(#[from] AgainstError),
    /// It would fork its feed, but the record it conflicts with was retracted, so no
    /// proof can be shown.
    #[error("record {id} conflicts with a retracted record at the same seq of its feed")]
    ConflictsWithRetracted {
        /// The record's id.
        id: RecordId,
    },
    /// A revision of a record its org retracted (or has a retraction waiting for): a
    /// retracted record gets no new version.
    #[error(
        "record {original} was retracted by its org, so it cannot get a new version; publish a new record instead"
    )]
    RevisionOfRetracted {
        /// The original named.
        original: RecordId,
    },
    /// A revision naming a revision as its original: every version names the first.
    #[error(
        "record {named} is itself a new version of {original}; a revision must name the first version, {original}"
    )]
    RevisionOfRevision {
        /// The record the revision names.
        named: RecordId,
        /// The first version that record revises.
        original: RecordId,
    },
    /// A revision whose content is not of its original's kind, or of a record that
    /// cannot be revised (only profiles, case studies and campaigns can).
    #[error(
        "record {original} is of kind {original_kind} and this new version of kind {content_kind}; a new version keeps its record's kind, and only profiles, case studies and campaigns have versions"
    )]
    RevisionOfAnotherKind {
        /// The original named.
        original: RecordId,
        /// The original's kind.
        original_kind: &'static str,
        /// The revision's content's kind.
        content_kind: &'static str,
    },
    /// The request carried more records than allowed.
    #[error("too many records in one request (at most {MAX_RECORDS_PER_REQUEST})")]
    TooMany,
    /// The store could not write it; nothing of its batch was stored.
    #[error("{0}")]
    Storage(Arc<StoreError>),
    /// The node is shutting down.
    #[error("the node is shutting down; the record was not stored")]
    Shutdown,
}

impl IngestError {
    /// A short, stable label for metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            IngestError::Invalid(error) => record_reason(error),
            IngestError::Refused(error) => against_reason(error),
            IngestError::ConflictsWithRetracted { .. } => "feed_conflict",
            IngestError::RevisionOfRetracted { .. } => "revision_of_retracted",
            IngestError::RevisionOfRevision { .. } | IngestError::RevisionOfAnotherKind { .. } => {
                "revision_of_another_kind"
            }
            IngestError::TooMany => "too_many",
            IngestError::Storage(_) => "storage",
            IngestError::Shutdown => "shutdown",
        }
    }

    /// Whether the peer that sent it sent something provably bad (as opposed to early,
    /// late or unlucky): what gossip reports as `Reject`.
    ///
    /// A revision of another org's record, of a revision, or of another kind is
    /// provably bad: its author named a record it could only know by holding it, and
    /// that record's org and kind never change. (A peer that relays one it took in
    /// before the original reached it is penalised too: rare, and once.) A revision of
    /// a retracted record is not: a device of the same org can publish one before its
    /// org's retraction reaches it, so it is late, not bad.
    pub fn is_malicious(&self) -> bool {
        match self {
            // A record of a newer format version is not proof of bad faith: a newer node
            // may relay it; it is ignored, not punished.
            IngestError::Invalid(error) => !matches!(error, RecordError::UnsupportedVersion { .. }),
            IngestError::Refused(AgainstError::RevisionOfOtherOrg { .. })
            | IngestError::RevisionOfRevision { .. }
            | IngestError::RevisionOfAnotherKind { .. } => true,
            _ => false,
        }
    }
}

/// A record just stored, as announced to subscribers.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// The record.
    pub record: VerifiedRecord,
    /// Its author's org.
    pub org: OrgId,
    /// Where it came from.
    pub source: Source,
}

/// Settings of the ingest task.
#[derive(Debug, Clone, Copy)]
pub struct IngestSettings {
    /// The most records per group commit.
    pub max_batch: usize,
    /// How long to wait for more records before committing.
    pub commit_delay: Duration,
}

impl Default for IngestSettings {
    fn default() -> Self {
        IngestSettings {
            max_batch: DEFAULT_MAX_BATCH,
            commit_delay: DEFAULT_COMMIT_DELAY,
        }
    }
}

struct Request {
    records: Vec<Vec<u8>>,
    source: Source,
    reply: oneshot::Sender<Vec<Result<Ingested, IngestError>>>,
}

/// The cloneable handle to the ingest task.
#[derive(Debug, Clone)]
pub struct IngestHandle {
    requests: mpsc::Sender<Request>,
    events: broadcast::Sender<StoredEvent>,
    roster: watch::Receiver<Arc<Roster>>,
}

impl IngestHandle {
    /// Ingests one record; answers once it is durable (or refused).
    pub async fn submit(&self, record: Vec<u8>, source: Source) -> Result<Ingested, IngestError> {
        self.submit_many(vec![record], source)
            .await
            .pop()
            .unwrap_or(Err(IngestError::Shutdown))
    }

    /// Ingests records in order, in as few commits as the batch size allows; one answer
    /// per record.
    pub async fn submit_many(
        &self,
        records: Vec<Vec<u8>>,
        source: Source,
    ) -> Vec<Result<Ingested, IngestError>> {
        if records.len() > MAX_RECORDS_PER_REQUEST {
            return records.iter().map(|_| Err(IngestError::TooMany)).collect();
        }
        let count = records.len();
        let (reply, answer) = oneshot::channel();
        if self
            .requests
            .send(Request {
                records,
                source,
                reply,
            })
            .await
            .is_err()
        {
            return (0..count).map(|_| Err(IngestError::Shutdown)).collect();
        }
        answer
            .await
            .unwrap_or_else(|_| (0..count).map(|_| Err(IngestError::Shutdown)).collect())
    }

    /// Newly stored records, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<StoredEvent> {
        self.events.subscribe()
    }

    /// The current roster.
    pub fn roster(&self) -> Arc<Roster> {
        self.roster.borrow().clone()
    }

    /// The roster, watched: changes each time governance records change it.
    pub fn watch_roster(&self) -> watch::Receiver<Arc<Roster>> {
        self.roster.clone()
    }
}

/// The ingest task, owning the roster and the group commit.
pub struct Ingest {
    store: Arc<dyn CommitStore>,
    charter: Charter,
    network: NetworkId,
    settings: IngestSettings,
    requests: mpsc::Receiver<Request>,
    events: broadcast::Sender<StoredEvent>,
    roster: watch::Sender<Arc<Roster>>,
    governance: Vec<VerifiedRecord>,
    forks: Vec<ForkProof>,
    /// Retractions whose target has not arrived, by target: read once at start and
    /// kept with each commit, so an arriving record costs no store read to check.
    waiting: HashMap<RecordId, PendingRetraction>,
    key_caches: Vec<AuthorKeyCache>,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingest")
            .field("network", &self.network)
            .finish_non_exhaustive()
    }
}

/// The cores to verify signatures on.
fn verify_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Ingest {
    /// The ingest task for `store`, with its handle. The roster is folded from what the
    /// store holds.
    pub fn new(
        store: Arc<dyn CommitStore>,
        charter: Charter,
        settings: IngestSettings,
        metrics: Arc<Metrics>,
    ) -> Result<(Ingest, IngestHandle), StoreError> {
        let governance = store.governance()?;
        let forks = store.fork_proofs()?;
        let waiting = store
            .pending_retractions()?
            .into_iter()
            .map(|p| (p.target, p))
            .collect();
        let roster = Roster::fold(&charter, &governance, &forks);
        let (requests_tx, requests) = mpsc::channel(INGEST_QUEUE_CAPACITY);
        let (events, _) = broadcast::channel(EVENTS_CAPACITY);
        let (roster_tx, roster_rx) = watch::channel(Arc::new(roster));
        let network = charter.network_id();
        let ingest = Ingest {
            store,
            charter,
            network,
            settings,
            requests,
            events: events.clone(),
            roster: roster_tx,
            governance,
            forks,
            waiting,
            key_caches: (0..verify_threads())
                .map(|_| AuthorKeyCache::new())
                .collect(),
            metrics,
        };
        Ok((
            ingest,
            IngestHandle {
                requests: requests_tx,
                events,
                roster: roster_rx,
            },
        ))
    }

    /// Runs until every handle is dropped, finishing the batch under way.
    ///
    /// Stages overlap: while one batch's commit is being written, the next batch is
    /// decoded and verified. A batch is checked against the store only after the
    /// previous commit is finished, so it always sees every earlier record.
    pub async fn run(mut self) {
        info!(network = %self.network, "ingest started");
        let mut in_flight: Option<InFlight> = None;
        loop {
            let next = match in_flight.as_mut() {
                Some(commit) => tokio::select! {
                    biased;
                    written = &mut commit.task => Next::Committed(written),
                    request = self.requests.recv() => Next::Request(request),
                },
                None => Next::Request(self.requests.recv().await),
            };
            let first = match next {
                Next::Committed(written) => {
                    if let Some(commit) = in_flight.take() {
                        self.finish(commit, written);
                    }
                    continue;
                }
                Next::Request(None) => break,
                Next::Request(Some(first)) => first,
            };
            let requests = self.gather(first).await;
            let verified = self.verify(&requests).await;
            if let Some(mut commit) = in_flight.take() {
                let written = (&mut commit.task).await;
                self.finish(commit, written);
            }
            in_flight = Some(self.place_and_commit(requests, verified));
        }
        if let Some(mut commit) = in_flight.take() {
            let written = (&mut commit.task).await;
            self.finish(commit, written);
        }
        info!("ingest stopped");
    }

    /// More requests after `first`, until the batch is full or the commit delay ends.
    async fn gather(&mut self, first: Request) -> Vec<Request> {
        let mut count = first.records.len();
        let mut requests = vec![first];
        let deadline = Instant::now() + self.settings.commit_delay;
        while count < self.settings.max_batch {
            tokio::select! {
                biased;
                next = self.requests.recv() => match next {
                    Some(request) => {
                        count += request.records.len();
                        requests.push(request);
                    }
                    None => break,
                },
                () = tokio::time::sleep_until(deadline) => break,
            }
        }
        requests
    }

    /// Decodes and verifies every record of the batch, across the cores.
    async fn verify(&mut self, requests: &[Request]) -> Vec<Result<VerifiedRecord, RecordError>> {
        let all: Vec<Vec<u8>> = requests
            .iter()
            .flat_map(|request| request.records.iter().cloned())
            .collect();
        let count = all.len();
        let caches = std::mem::take(&mut self.key_caches);
        let network = self.network;
        match tokio::task::spawn_blocking(move || verify_parallel(all, &network, caches)).await {
            Ok((verified, caches)) => {
                self.key_caches = caches;
                verified
            }
            Err(error) => {
                warn!(%error, "signature verification task failed; the batch is refused");
                self.key_caches = (0..verify_threads())
                    .map(|_| AuthorKeyCache::new())
                    .collect();
                (0..count).map(|_| Err(RecordError::BadSignature)).collect()
            }
        }
    }

    /// Checks each verified record in order against the store and the roster, and
    /// starts writing the batch.
    fn place_and_commit(
        &mut self,
        requests: Vec<Request>,
        verified: Vec<Result<VerifiedRecord, RecordError>>,
    ) -> InFlight {
        let governance_before = self.governance.len();
        let forks_before = self.forks.len();
        let mut pending = PendingBatch::default();
        let mut sources = Vec::with_capacity(verified.len());
        for request in &requests {
            sources.extend(std::iter::repeat_n(request.source, request.records.len()));
        }
        let answers: Vec<Result<Ingested, IngestError>> = verified
            .into_iter()
            .map(|result| match result {
                Ok(record) => self.place(record, &mut pending),
                Err(error) => Err(IngestError::Invalid(error)),
            })
            .collect();
        let batch = Arc::new(std::mem::take(&mut pending.batch));
        let (store, writing) = (self.store.clone(), batch.clone());
        let task = tokio::task::spawn_blocking(move || store.commit(&writing));
        InFlight {
            task,
            requests,
            answers,
            sources,
            batch,
            dropped_on_arrival: pending.dropped_on_arrival,
            governance_before,
            forks_before,
        }
    }

    /// Answers and announces a written batch, or undoes its effect on the roster if the
    /// write failed.
    fn finish(
        &mut self,
        commit: InFlight,
        written: Result<Result<(), StoreError>, tokio::task::JoinError>,
    ) {
        let InFlight {
            requests,
            mut answers,
            sources,
            batch,
            dropped_on_arrival,
            governance_before,
            forks_before,
            ..
        } = commit;
        let written = written.unwrap_or_else(|error| {
            Err(StoreError::TaskFailed {
                what: "the commit task",
                source: error,
            })
        });
        match written {
            Ok(()) => {
                Metrics::add(&self.metrics.commits, 1);
                for tombstone in &batch.tombstones {
                    self.waiting.remove(&tombstone.target);
                }
                for waiting in &batch.pending {
                    self.waiting.insert(waiting.target, *waiting);
                }
                let stored_by_id: HashMap<RecordId, &NewRecord> = batch
                    .records
                    .iter()
                    .map(|new| (new.record.id(), new))
                    .collect();
                for (answer, source) in answers.iter().zip(&sources) {
                    match answer {
                        Ok(Ingested::Stored { id, .. }) => {
                            Metrics::add(&self.metrics.stored, 1);
                            if let Some(new) = stored_by_id.get(id)
                                && !dropped_on_arrival.contains(id)
                            {
                                let event = StoredEvent {
                                    record: new.record.clone(),
                                    org: new.org,
                                    source: *source,
                                };
                                let _ = self.events.send(event);
                            }
                        }
                        Ok(Ingested::Duplicate { .. }) => Metrics::add(&self.metrics.duplicates, 1),
                        Ok(Ingested::Fork { .. }) => Metrics::add(&self.metrics.forks, 1),
                        Err(error) => self.metrics.reject(error.reason()),
                    }
                }
            }
            Err(error) => {
                Metrics::add(&self.metrics.commit_failures, 1);
                warn!(%error, records = batch.records.len(), "group commit failed; nothing of the batch was stored");
                if self.governance.len() != governance_before || self.forks.len() != forks_before {
                    self.governance.truncate(governance_before);
                    self.forks.truncate(forks_before);
                    self.refold();
                }
                let error = Arc::new(error);
                for answer in &mut answers {
                    if matches!(answer, Ok(Ingested::Stored { .. } | Ingested::Fork { .. })) {
                        *answer = Err(IngestError::Storage(error.clone()));
                    }
                }
            }
        }
        let mut answers = answers.into_iter();
        for request in requests {
            let mine: Vec<_> = answers.by_ref().take(request.records.len()).collect();
            let _ = request.reply.send(mine);
        }
    }

    /// Checks one verified record against the store, the batch so far and the roster,
    /// and adds what it changes to the batch.
    fn place(
        &mut self,
        record: VerifiedRecord,
        pending: &mut PendingBatch,
    ) -> Result<Ingested, IngestError> {
        let roster = self.roster.borrow().clone();
        let known = Known {
            store: self.store.as_ref(),
            pending,
        };
        let outcome = match check_against(&record, &known, &roster) {
            Ok(outcome) => outcome,
            Err(CheckError::Refused(refused)) => return Err(IngestError::Refused(refused)),
            Err(CheckError::Lookup(error)) => return Err(IngestError::Storage(Arc::new(error))),
        };
        let header = record.record();
        let id = record.id();
        match outcome {
            FeedOutcome::Duplicate => Ok(Ingested::Duplicate { id }),
            FeedOutcome::Fork { existing } => {
                let held = match pending.record(&existing) {
                    Some(held) => Some(held.clone()),
                    None => self
                        .store
                        .record(&existing)
                        .map_err(|e| IngestError::Storage(Arc::new(e)))?
                        .map(|s| s.record),
                };
                let held = held.ok_or(IngestError::ConflictsWithRetracted { id })?;
                let proof = ForkProof::new(held, record)
                    .map_err(|_| IngestError::ConflictsWithRetracted { id })?;
                warn!(author = %proof.author(), seq = proof.seq(), "fork found: the feed is frozen");
                pending.frozen.insert(proof.author());
                pending.batch.fork_proofs.push(proof.clone());
                self.forks.push(proof.clone());
                self.refold();
                Ok(Ingested::Fork {
                    proof: Box::new(proof),
                })
            }
            FeedOutcome::Appended { missing } => {
                let org = match &header.body {
                    Body::Delegation(delegation) => delegation.org,
                    _ => roster
                        .device(&header.author)
                        .map(|device| device.org)
                        .ok_or(IngestError::Refused(AgainstError::UnknownAuthor {
                            author: header.author,
                        }))?,
                };
                if let Body::Revision(revision) = &header.body {
                    self.check_revision(revision, org, pending)?;
                }
                self.apply_retractions(&record, org, pending)?;
                debug!(record = %id, author = %header.author, seq = header.seq, "accepted");
                if header.body.is_governance() {
                    self.governance.push(record.clone());
                    pending.add(record, org);
                    self.refold();
                    self.apply_redactions(&roster, pending)?;
                } else {
                    pending.add(record, org);
                }
                Ok(Ingested::Stored { id, missing })
            }
        }
    }

    /// A retraction drops its target's content now, or waits for the target; a record
    /// that a waiting retraction of its own org names is dropped as it arrives.
    fn apply_retractions(
        &self,
        record: &VerifiedRecord,
        org: OrgId,
        pending: &mut PendingBatch,
    ) -> Result<(), IngestError> {
        let storage = |error| IngestError::Storage(Arc::new(error));
        let header = record.record();
        if let Body::Retraction(retraction) = &header.body {
            let target_entry = match pending.ids.get(&retraction.target) {
                Some((author, seq)) => Some((*author, *seq)),
                None => match self.store.author_of(&retraction.target).map_err(storage)? {
                    Some(author) => self
                        .find_seq(&author, &retraction.target)?
                        .map(|seq| (author, seq)),
                    None => None,
                },
            };
            // Read before the target is dropped below: a revision retracts its original.
            let target_body = self.held_body(&retraction.target, pending)?;
            match target_entry {
                // validate_against has checked that a held target is the same org's.
                Some((author, seq)) => pending.batch.tombstones.push(Tombstone {
                    target: retraction.target,
                    author,
                    seq,
                    retraction: record.id(),
                }),
                None => pending.batch.pending.push(PendingRetraction {
                    target: retraction.target,
                    retraction: record.id(),
                    org,
                }),
            }
            // A target held with its content: the versions of its family. A target not
            // held may be an original whose revisions came first. (A target already
            // retracted had its versions retracted then.)
            let family = match target_body {
                Some(body) => body.version_family(retraction.target),
                None if target_entry.is_none() => Some(retraction.target),
                None => None,
            };
            if let Some(family) = family {
                self.retract_versions(family, org, record.id(), pending)?;
            }
        }
        let waiting = pending
            .batch
            .pending
            .iter()
            .find(|p| p.target == record.id())
            .or_else(|| self.waiting.get(&record.id()))
            .copied();
        // A redaction never drops a governance record or a retraction (§10.7).
        let kept_from_redaction = |waiting: &PendingRetraction| {
            !header.body.is_redactable()
                && self.roster.borrow().redaction(&record.id(), &header.author)
                    == Some(waiting.retraction)
        };
        if let Some(waiting) = waiting
            && waiting.org == org
            && !kept_from_redaction(&waiting)
        {
            pending.dropped_on_arrival.insert(record.id());
            pending.batch.tombstones.push(Tombstone {
                target: record.id(),
                author: header.author,
                seq: header.seq,
                retraction: waiting.retraction,
            });
            // A version retracted before it arrived: the other versions go with it.
            if let Some(original) = header.body.version_family(record.id()) {
                self.retract_versions(original, org, waiting.retraction, pending)?;
            }
        }
        Ok(())
    }

    /// Drops the content of each record whose redaction the members decided since
    /// `before` (docs/protocol.md §10.7), as a retraction does: now if it is held,
    /// signed by the device the votes name, or on arrival. Governance records and
    /// retractions are never redacted: the roster and the tombstones need them.
    fn apply_redactions(
        &self,
        before: &Roster,
        pending: &mut PendingBatch,
    ) -> Result<(), IngestError> {
        let roster = self.roster.borrow().clone();
        for (target, redaction) in roster.redactions() {
            if before.redaction(&target, &redaction.author).is_some()
                || self.is_tombstoned(&target, pending)?
            {
                continue;
            }
            let Some(org) = roster.device(&redaction.author).map(|device| device.org) else {
                continue;
            };
            // One read: the record with its author, seq and body (it is not tombstoned).
            let Some((_, held)) = self.held(&target, pending)? else {
                pending.batch.pending.push(PendingRetraction {
                    target,
                    retraction: redaction.decided_by,
                    org,
                });
                continue;
            };
            let header = held.record();
            if header.author != redaction.author {
                continue;
            }
            if !header.body.is_redactable() {
                warn!(record = %target, "the members voted to redact a governance record or a retraction: it is kept, as the roster needs it");
                continue;
            }
            info!(record = %target, vote = %redaction.decided_by, "redacted by the members' vote: its content is dropped");
            pending.batch.tombstones.push(Tombstone {
                target,
                author: header.author,
                seq: header.seq,
                retraction: redaction.decided_by,
            });
            if let Some(original) = header.body.version_family(target) {
                self.retract_versions(original, org, redaction.decided_by, pending)?;
            }
        }
        Ok(())
    }

    /// Refuses a revision whose original was retracted (or has a retraction of the
    /// revision's org waiting for it), or whose held original is a revision or of
    /// another kind. An original not held yet is not checked: reads count only the
    /// versions by the original's org and of its kind ([`revisions::versions`]).
    /// (That the original is the same org's, when held, check_against has checked.)
    fn check_revision(
        &self,
        revision: &commons_protocol::Revision,
        org: OrgId,
        pending: &PendingBatch,
    ) -> Result<(), IngestError> {
        let original = revision.original;
        let waiting = pending
            .batch
            .pending
            .iter()
            .find(|p| p.target == original)
            .or_else(|| self.waiting.get(&original));
        if self.is_tombstoned(&original, pending)? || waiting.is_some_and(|p| p.org == org) {
            return Err(IngestError::RevisionOfRetracted { original });
        }
        let Some(body) = self.held_body(&original, pending)? else {
            return Ok(());
        };
        if let Body::Revision(named) = &body {
            return Err(IngestError::RevisionOfRevision {
                named: original,
                original: named.original,
            });
        }
        // An original of a kind this version does not know may be one a newer version
        // lets revise: not refused (reads count no such version).
        let content_kind = revision.content.kind();
        if let Some(original_kind) = body.kind()
            && original_kind != content_kind
        {
            return Err(IngestError::RevisionOfAnotherKind {
                original,
                original_kind: original_kind.name(),
                content_kind: content_kind.name(),
            });
        }
        Ok(())
    }

    /// Drops the content of every version of `original` held by `org`: the original
    /// (if it is `org`'s; if it is not held yet, a retraction waits for it) and `org`'s
    /// revisions of it, in the store or earlier in the batch. `retraction` is the
    /// retraction record that retracted one of them.
    fn retract_versions(
        &self,
        original: RecordId,
        org: OrgId,
        retraction: RecordId,
        pending: &mut PendingBatch,
    ) -> Result<(), IngestError> {
        let storage = |error| IngestError::Storage(Arc::new(error));
        let mut versions: Vec<(RecordId, DeviceKey, u64)> = Vec::new();
        match self.held(&original, pending)? {
            Some((stored_org, held)) => {
                let header = held.record();
                if stored_org == org && header.body.can_be_revised() {
                    versions.push((original, header.author, header.seq));
                }
            }
            None => {
                let held_at_all = pending.ids.contains_key(&original)
                    || self.store.author_of(&original).map_err(storage)?.is_some();
                let waiting = pending.batch.pending.iter().any(|p| p.target == original)
                    || self.waiting.contains_key(&original);
                if !held_at_all && !waiting {
                    pending.batch.pending.push(PendingRetraction {
                        target: original,
                        retraction,
                        org,
                    });
                }
            }
        }
        let is_version = |org_of: OrgId, body: &Body| {
            org_of == org && matches!(body, Body::Revision(r) if r.original == original)
        };
        for stored in self
            .store
            .referring(
                &original,
                Some(BodyKind::Revision),
                revisions::MAX_REVISIONS,
            )
            .map_err(storage)?
        {
            let header = stored.record.record();
            if is_version(stored.org, &header.body) {
                versions.push((stored.record.id(), header.author, header.seq));
            }
        }
        for new in &pending.batch.records {
            let header = new.record.record();
            if is_version(new.org, &header.body) {
                versions.push((new.record.id(), header.author, header.seq));
            }
        }
        for (target, author, seq) in versions {
            if !self.is_tombstoned(&target, pending)? {
                pending.batch.tombstones.push(Tombstone {
                    target,
                    author,
                    seq,
                    retraction,
                });
            }
        }
        Ok(())
    }

    /// A record held with its content, in the batch so far or the store, with its org
    /// (`None` if not held, or already dropped in this batch).
    fn held(
        &self,
        id: &RecordId,
        pending: &PendingBatch,
    ) -> Result<Option<(OrgId, VerifiedRecord)>, IngestError> {
        if pending.batch.tombstones.iter().any(|t| t.target == *id) {
            return Ok(None);
        }
        if let Some(&at) = pending.index.get(id)
            && let Some(new) = pending.batch.records.get(at)
        {
            return Ok(Some((new.org, new.record.clone())));
        }
        Ok(self
            .store
            .record(id)
            .map_err(|e| IngestError::Storage(Arc::new(e)))?
            .map(|stored| (stored.org, stored.record)))
    }

    /// The body of a record held with its content.
    fn held_body(
        &self,
        id: &RecordId,
        pending: &PendingBatch,
    ) -> Result<Option<Body>, IngestError> {
        Ok(self
            .held(id, pending)?
            .map(|(_, record)| record.record().body.clone()))
    }

    /// Whether `id`'s content was dropped, in the store or by this batch.
    fn is_tombstoned(&self, id: &RecordId, pending: &PendingBatch) -> Result<bool, IngestError> {
        Ok(pending.batch.tombstones.iter().any(|t| t.target == *id)
            || self
                .store
                .tombstone(id)
                .map_err(|e| IngestError::Storage(Arc::new(e)))?
                .is_some())
    }

    fn find_seq(&self, author: &DeviceKey, id: &RecordId) -> Result<Option<u64>, IngestError> {
        // The ids index knows the seq; the record itself may already be a tombstone.
        match self
            .store
            .record(id)
            .map_err(|e| IngestError::Storage(Arc::new(e)))?
        {
            Some(stored) => Ok(Some(stored.record.record().seq)),
            None => Ok(self
                .store
                .tombstone(id)
                .map_err(|e| IngestError::Storage(Arc::new(e)))?
                .filter(|tombstone| tombstone.author == *author)
                .map(|tombstone| tombstone.seq)),
        }
    }

    /// Folds the roster again from every governance record and fork proof, and
    /// publishes it to the handles.
    fn refold(&self) {
        let roster = Roster::fold(&self.charter, &self.governance, &self.forks);
        self.roster.send_replace(Arc::new(roster));
    }
}

/// Decodes and verifies `all` across the available cores, each core with its own cache
/// of prepared author keys, each slice's device signatures in one batch; answers in
/// input order.
fn verify_parallel(
    all: Vec<Vec<u8>>,
    network: &NetworkId,
    mut caches: Vec<AuthorKeyCache>,
) -> (
    Vec<Result<VerifiedRecord, RecordError>>,
    Vec<AuthorKeyCache>,
) {
    let threads = caches.len().max(1);
    if all.len() < 2 * threads || threads == 1 {
        let cache = caches.first_mut();
        let results = match cache {
            Some(cache) => cache.validate_records(&all, network),
            None => all
                .iter()
                .map(|bytes| commons_protocol::validate_record(bytes, network))
                .collect(),
        };
        return (results, caches);
    }
    // Threads take small slices from a shared counter, so a thread slowed by the commit
    // running beside it does not leave the other idle at the end.
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<VerifiedRecord, RecordError>>> =
        (0..all.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = caches
            .iter_mut()
            .map(|cache| {
                let (all, next) = (&all, &next);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(VERIFY_SLICE, Ordering::Relaxed);
                        if start >= all.len() {
                            return done;
                        }
                        let end = (start + VERIFY_SLICE).min(all.len());
                        let checked = cache.validate_records(&all[start..end], network);
                        done.extend((start..end).zip(checked));
                    }
                })
            })
            .collect();
        for worker in workers {
            // A verifier cannot panic on input (every decoder is total); if one did, the
            // records it held are refused below rather than lost silently.
            if let Ok(done) = worker.join() {
                for (index, result) in done {
                    results[index] = Some(result);
                }
            }
        }
    });
    let results = results
        .into_iter()
        .map(|result| result.unwrap_or(Err(RecordError::BadSignature)))
        .collect();
    (results, caches)
}

/// How many records a verifier thread takes at a time: their device signatures are
/// checked in one batch (docs/protocol.md §6), which costs less per signature the
/// larger it is, while slices small enough keep both cores busy to the end.
const VERIFY_SLICE: usize = 64;

/// What the run loop waits for next.
enum Next {
    Committed(Result<Result<(), StoreError>, tokio::task::JoinError>),
    Request(Option<Request>),
}

/// A batch being written, with what is needed to answer for it.
struct InFlight {
    task: tokio::task::JoinHandle<Result<(), StoreError>>,
    requests: Vec<Request>,
    answers: Vec<Result<Ingested, IngestError>>,
    sources: Vec<Source>,
    batch: Arc<CommitBatch>,
    dropped_on_arrival: HashSet<RecordId>,
    governance_before: usize,
    forks_before: usize,
}

/// What the batch being built adds on top of the store.
#[derive(Default)]
struct PendingBatch {
    batch: CommitBatch,
    feed: HashMap<(DeviceKey, u64), FeedEntry>,
    ids: HashMap<RecordId, (DeviceKey, u64)>,
    /// Where each record of the batch sits in `batch.records`.
    index: HashMap<RecordId, usize>,
    frozen: HashSet<DeviceKey>,
    dropped_on_arrival: HashSet<RecordId>,
    /// Each author's stored head, read once per batch: the store does not change until
    /// the batch is committed, and what the batch adds is in `feed`.
    stored_heads: RefCell<HashMap<DeviceKey, Option<FeedHead>>>,
}

impl PendingBatch {
    fn add(&mut self, record: VerifiedRecord, org: OrgId) {
        let header = record.record();
        self.feed
            .insert((header.author, header.seq), FeedEntry::of(&record));
        self.ids.insert(record.id(), (header.author, header.seq));
        self.index.insert(record.id(), self.batch.records.len());
        self.batch.records.push(NewRecord { record, org });
    }

    fn record(&self, id: &RecordId) -> Option<&VerifiedRecord> {
        self.index
            .get(id)
            .and_then(|&at| self.batch.records.get(at))
            .map(|new| &new.record)
    }
}

/// The store as it will be after the batch so far: what `check_against` reads.
struct Known<'a> {
    store: &'a dyn Store,
    pending: &'a PendingBatch,
}

impl Known<'_> {
    fn stored_head(&self, author: &DeviceKey) -> Result<Option<FeedHead>, StoreError> {
        if let Some(head) = self.pending.stored_heads.borrow().get(author) {
            return Ok(*head);
        }
        let head = self.store.head(author)?;
        self.pending.stored_heads.borrow_mut().insert(*author, head);
        Ok(head)
    }
}

impl KnownRecords for Known<'_> {
    type Error = StoreError;

    fn entry(&self, author: &DeviceKey, seq: u64) -> Result<Option<FeedEntry>, StoreError> {
        if let Some(entry) = self.pending.feed.get(&(*author, seq)) {
            return Ok(Some(*entry));
        }
        // Past the highest stored seq nothing is stored: no need to ask.
        match self.stored_head(author)? {
            Some(head) if seq <= head.max_seq => self.store.entry(author, seq),
            _ => Ok(None),
        }
    }

    fn contiguous_head(&self, author: &DeviceKey) -> Result<u64, StoreError> {
        let stored = self.stored_head(author)?.map_or(0, |head| head.contiguous);
        let mut head = stored;
        // Past the stored head, the batch may fill a gap below records already stored.
        loop {
            let next = (*author, head + 1);
            if self.pending.feed.contains_key(&next)
                || (head > stored && self.store.entry(author, head + 1)?.is_some())
            {
                head += 1;
            } else {
                return Ok(head);
            }
        }
    }

    fn is_frozen(&self, author: &DeviceKey) -> Result<bool, StoreError> {
        Ok(self.pending.frozen.contains(author)
            || self.stored_head(author)?.is_some_and(|head| head.frozen))
    }

    fn author_of(&self, id: &RecordId) -> Result<Option<DeviceKey>, StoreError> {
        match self.pending.ids.get(id) {
            Some((author, _)) => Ok(Some(*author)),
            None => self.store.author_of(id),
        }
    }
}
