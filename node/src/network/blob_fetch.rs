//! Fetching attachments: the step where the bytes of a file a stored record names
//! come from peers, chunk by chunk, each checked before it is written. A task of its
//! own (the [`Fetcher`]) decides what to fetch and runs the fetches; the event loop,
//! which owns the swarm, only carries its requests to peers and back ([`BlobCall`]).
//!
//! - **What is fetched**: when ingest stores a record (from a peer) whose case study
//!   carries attachments, each file this node does not hold and whose size is at most
//!   the automatic limit ([`FetchLimits::auto_max_bytes`], `auto_fetch_max_mb`) is
//!   queued; a larger one (up to [`FetchLimits::max_bytes`]) only when asked for
//!   ([`crate::network::NetworkHandle::fetch_attachment`]). At start, every fetch a
//!   stop or a crash cut is queued again, and resumes from its partial file.
//! - **A fetch**: every connected member peer is asked for the file's chunk list; a
//!   list is kept only if it hashes to the file's id. Then the missing chunks are asked
//!   of every peer that answered with the list, at once: at most
//!   [`MAX_CHUNKS_IN_FLIGHT_PER_PEER`] per peer across all fetches, each chunk checked
//!   against the list by [`PartialBlob::write_chunk`] before it is written. When every
//!   chunk is there, the file is finished atomically (hashed again, fsynced, renamed):
//!   a half-fetched file is never served.
//! - **A peer that lies**: a chunk that fails its hash, or a chunk list that does not
//!   hash to the id, is proof the peer sent bad bytes. It is penalised like a peer that
//!   serves forged records (the event loop lowers its application score by
//!   `BAD_SYNC_RECORD_APP_SCORE` and counts it), is asked for nothing more in that
//!   fetch, and the chunk is asked of another peer.
//! - **Nobody has it yet**: peers answering `NotHeld` (or nothing) are asked again
//!   after a pause that doubles from [`FIRST_RETRY`] to [`MAX_RETRY`]: a peer that has
//!   just fetched the file serves it, so a file published at A reaches C through B.
//!   After [`ROUNDS_BEFORE_WAITING`] such rounds the fetch gives its slot up and waits
//!   [`WAITING_RETRY`] before it is tried again.
//! - **Bounds**: [`MAX_CONCURRENT_FETCHES`] fetches run at once; at most
//!   [`MAX_WANTED`] files are queued, running or waiting; a chunk in memory holds one
//!   of its peer's slots until it is written, so a fetch holds at most
//!   `MAX_CHUNKS_IN_FLIGHT_PER_PEER` chunks per peer in memory.

use std::collections::{HashMap, HashSet, VecDeque};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use commons_protocol::{BlobId, BlobRequest, BlobResponse, ChunkList, OrgId};
use futures::stream::FuturesUnordered;
use futures::{Future, StreamExt};
use libp2p::PeerId;
use thiserror::Error;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast, mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::{Instrument, debug, info, warn};

use super::{NetworkError, NetworkMetrics};
use crate::attachments::{
    DEFAULT_AUTO_FETCH_MAX_BYTES, DEFAULT_MAX_ATTACHMENT_BYTES,
    DEFAULT_MAX_ATTACHMENTS_PER_ORG_BYTES,
};
use crate::blobs::{BlobStore, BlobStoreError, PartialBlob};
use crate::ingest::{Source, StoredEvent};
use crate::metrics::Metrics;
use crate::store::Store;

/// Fetches running at once.
pub const MAX_CONCURRENT_FETCHES: usize = 4;
/// Files queued, being fetched or waiting for a peer that holds them, at most; past
/// this an automatic fetch is skipped (with a warning) and an asked-for one refused.
pub const MAX_WANTED: usize = 1024;
/// Chunk requests under way to one peer, across every fetch (a chunk that arrived
/// keeps its slot until it is written).
pub const MAX_CHUNKS_IN_FLIGHT_PER_PEER: usize = 8;
/// Commands waiting for the fetcher.
pub const FETCH_COMMAND_CAPACITY: usize = 64;
/// Requests from the fetcher waiting for the event loop.
pub const BLOB_CALL_CAPACITY: usize = 256;
/// The pause before asking the peers again when none served the file.
pub const FIRST_RETRY: Duration = Duration::from_secs(1);
/// The longest such pause.
pub const MAX_RETRY: Duration = Duration::from_secs(8);
/// How long a peer may take to answer for a chunk list before the fetch goes on
/// without it (a chunk's request has the protocol's own, longer timeout).
pub const CHUNK_LIST_TIMEOUT: Duration = Duration::from_secs(10);
/// Rounds of asking without finding a peer that serves the file, before the fetch
/// gives its slot to another and waits.
pub const ROUNDS_BEFORE_WAITING: u32 = 5;
/// How long a fetch that found no peer (or failed) waits before it is tried again.
pub const WAITING_RETRY: Duration = Duration::from_secs(30);
/// Which files are fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    /// Files up to this size are fetched as soon as a record naming them is stored.
    pub auto_max_bytes: u64,
    /// Files up to this size are fetched when asked for; larger ones never.
    pub max_bytes: u64,
    /// A file is fetched automatically only while the files held here that the
    /// publishing org's live records name, with it, stay within this total
    /// (`max_attachments_per_org_mb`). Asked for, it is fetched anyway: a person chose it.
    pub per_org_bytes: u64,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            auto_max_bytes: DEFAULT_AUTO_FETCH_MAX_BYTES,
            max_bytes: DEFAULT_MAX_ATTACHMENT_BYTES,
            per_org_bytes: DEFAULT_MAX_ATTACHMENTS_PER_ORG_BYTES,
        }
    }
}

/// What the fetcher asks of the event loop.
#[derive(Debug)]
pub(crate) enum BlobCall {
    /// Send `request` to `peer`; the answer, or why none came.
    Request {
        peer: PeerId,
        request: BlobRequest,
        reply: oneshot::Sender<Result<BlobResponse, String>>,
    },
    /// The connected peers that are members' devices.
    Sources { reply: oneshot::Sender<Vec<PeerId>> },
    /// `peer` served bytes that fail their hash.
    Penalise {
        peer: PeerId,
        blob: BlobId,
        why: &'static str,
    },
}

/// What the network handle asks of the fetcher.
#[derive(Debug)]
pub(crate) enum FetchCommand {
    Fetch {
        blob: BlobId,
        /// The size the record naming it gives.
        declared: u64,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    Wanted {
        blob: BlobId,
        reply: oneshot::Sender<Option<u64>>,
    },
}

/// Why a fetch stopped.
#[derive(Debug, Error)]
enum FetchFailure {
    #[error("no connected member peer serves the file")]
    NoSource,
    #[error("the file is {size} bytes, more than the {max}-byte limit it was fetched under")]
    TooLarge { size: u64, max: u64 },
    #[error("no live record names the file any more")]
    Unreferenced,
    #[error(
        "{org}'s files held here would come to {total} bytes with this one, more than max_attachments_per_org_mb ({limit} bytes); it is fetched only when asked for"
    )]
    OrgTotal { org: OrgId, total: u64, limit: u64 },
    #[error("cannot count the org's files held here: {0}")]
    Count(String),
    #[error(transparent)]
    Store(#[from] BlobStoreError),
    #[error("the network has shut down")]
    Shutdown,
    #[error("a write to disk failed: {0}")]
    Join(String),
}

/// One file wanted.
#[derive(Debug, Clone, Copy)]
struct Want {
    blob: BlobId,
    /// The largest size accepted from its chunk list.
    max_bytes: u64,
    /// The size its record says, for progress before the chunk list arrives.
    declared: u64,
    /// For an automatic fetch, the org whose record named it, whose total applies.
    org: Option<OrgId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Queued,
    Running,
    Waiting(Instant),
}

/// Each peer's slots for chunk requests, shared by every fetch.
#[derive(Debug, Default)]
struct PeerSlots(Mutex<HashMap<PeerId, Arc<Semaphore>>>);

impl PeerSlots {
    fn of(&self, peer: PeerId) -> Arc<Semaphore> {
        let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slots
            .entry(peer)
            .or_insert_with(|| Arc::new(Semaphore::new(MAX_CHUNKS_IN_FLIGHT_PER_PEER)))
            .clone()
    }

    /// Forgets peers no longer connected (their requests fail on their own).
    fn retain(&self, connected: &[PeerId]) {
        let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slots.retain(|peer, _| connected.contains(peer));
    }
}

/// What every fetch needs.
#[derive(Clone)]
struct Ctx {
    blobs: BlobStore,
    store: Arc<dyn Store>,
    calls: mpsc::Sender<BlobCall>,
    metrics: Arc<NetworkMetrics>,
    slots: Arc<PeerSlots>,
    /// [`FetchLimits::per_org_bytes`].
    per_org_bytes: u64,
}

impl Ctx {
    async fn request(&self, peer: PeerId, request: BlobRequest) -> Result<BlobResponse, String> {
        let (reply, answer) = oneshot::channel();
        Metrics::add(&self.metrics.blob_requests, 1);
        self.calls
            .send(BlobCall::Request {
                peer,
                request,
                reply,
            })
            .await
            .map_err(|_| "the network has shut down".to_owned())?;
        answer
            .await
            .map_err(|_| "the network has shut down".to_owned())?
    }

    async fn sources(&self) -> Result<Vec<PeerId>, FetchFailure> {
        let (reply, answer) = oneshot::channel();
        self.calls
            .send(BlobCall::Sources { reply })
            .await
            .map_err(|_| FetchFailure::Shutdown)?;
        let peers = answer.await.map_err(|_| FetchFailure::Shutdown)?;
        self.slots.retain(&peers);
        Ok(peers)
    }

    async fn penalise(&self, peer: PeerId, blob: BlobId, why: &'static str) {
        let _ = self
            .calls
            .send(BlobCall::Penalise { peer, blob, why })
            .await;
    }

    /// Runs `work` on the blocking pool.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&BlobStore, &dyn Store) -> T + Send + 'static,
    ) -> Result<T, FetchFailure> {
        let blobs = self.blobs.clone();
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(&blobs, store.as_ref()))
            .await
            .map_err(|error| FetchFailure::Join(error.to_string()))
    }
}

/// The cloneable end the network handle holds.
#[derive(Clone)]
pub(crate) struct FetchHandle {
    commands: mpsc::Sender<FetchCommand>,
    blobs: BlobStore,
    store: Arc<dyn Store>,
    max_bytes: u64,
}

impl std::fmt::Debug for FetchHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchHandle").finish_non_exhaustive()
    }
}

/// What this node knows of a file before fetching it.
enum Known {
    /// Held whole already.
    Held,
    /// Named by a live record, with this size.
    Named(u64),
    /// Named by no live record held here.
    Unnamed,
}

impl FetchHandle {
    /// Queues a fetch of `blob` (answers at once if it is held or already wanted).
    pub(crate) async fn fetch(&self, blob: BlobId) -> Result<(), NetworkError> {
        let (blobs, store) = (self.blobs.clone(), self.store.clone());
        let known = tokio::task::spawn_blocking(move || {
            if blobs.has(&blob) {
                return Ok(Known::Held);
            }
            for id in store.blob_references(&blob)? {
                let Some(held) = store.record(&id)? else {
                    continue;
                };
                let body = &held.record.record().body;
                if let Some(file) = body.attachments().iter().find(|file| file.blob == blob) {
                    return Ok(Known::Named(file.size));
                }
            }
            Ok(Known::Unnamed)
        })
        .await
        .map_err(|_| NetworkError::Shutdown)?
        .map_err(|error: crate::store::StoreError| NetworkError::Store {
            what: "which records name a file",
            source: Arc::new(error),
        })?;
        let declared = match known {
            Known::Held => return Ok(()),
            Known::Unnamed => return Err(NetworkError::NotNamed { blob }),
            Known::Named(size) if size > self.max_bytes => {
                return Err(NetworkError::TooLarge {
                    blob,
                    size,
                    max: self.max_bytes,
                });
            }
            Known::Named(size) => size,
        };
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(FetchCommand::Fetch {
                blob,
                declared,
                reply,
            })
            .await
            .map_err(|_| NetworkError::Shutdown)?;
        answer.await.map_err(|_| NetworkError::Shutdown)?
    }

    /// Bytes held and the file's size, while a fetch of `blob` is queued, under way or
    /// stopped partway.
    pub(crate) async fn progress(&self, blob: BlobId) -> Result<Option<(u64, u64)>, NetworkError> {
        let blobs = self.blobs.clone();
        let on_disk = tokio::task::spawn_blocking(move || blobs.fetch_progress(&blob))
            .await
            .map_err(|_| NetworkError::Shutdown)?
            .ok()
            .flatten();
        if let Some(progress) = on_disk {
            return Ok(Some((progress.held_bytes, progress.size)));
        }
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(FetchCommand::Wanted { blob, reply })
            .await
            .map_err(|_| NetworkError::Shutdown)?;
        let declared = answer.await.map_err(|_| NetworkError::Shutdown)?;
        Ok(declared.map(|size| (0, size)))
    }
}

/// Decides what to fetch and runs the fetches.
pub(crate) struct Fetcher {
    ctx: Ctx,
    limits: FetchLimits,
    commands: mpsc::Receiver<FetchCommand>,
    stored: broadcast::Receiver<StoredEvent>,
    queue: VecDeque<Want>,
    wanted: HashMap<BlobId, (Want, Stage)>,
    running: JoinSet<(Want, Result<Fetched, FetchFailure>)>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("wanted", &self.wanted.len())
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    /// A fetcher over `blobs`, reading records from `store`, hearing of new records on
    /// `stored` and talking to peers through `calls`. Returns it with the handle's end.
    pub(crate) fn new(
        blobs: BlobStore,
        store: Arc<dyn Store>,
        stored: broadcast::Receiver<StoredEvent>,
        calls: mpsc::Sender<BlobCall>,
        metrics: Arc<NetworkMetrics>,
        limits: FetchLimits,
    ) -> (Fetcher, FetchHandle) {
        let (commands_tx, commands) = mpsc::channel(FETCH_COMMAND_CAPACITY);
        let handle = FetchHandle {
            commands: commands_tx,
            blobs: blobs.clone(),
            store: store.clone(),
            max_bytes: limits.max_bytes,
        };
        let fetcher = Fetcher {
            ctx: Ctx {
                blobs,
                store,
                calls,
                metrics,
                slots: Arc::new(PeerSlots::default()),
                per_org_bytes: limits.per_org_bytes,
            },
            limits,
            commands,
            stored,
            queue: VecDeque::new(),
            wanted: HashMap::new(),
            running: JoinSet::new(),
        };
        (fetcher, handle)
    }

    /// Runs until the network shuts down (the event loop ends this task with the
    /// others it owns; a fetch cut then resumes at the next start).
    pub(crate) async fn run(mut self) {
        self.resume_stopped().await;
        let mut stored_open = true;
        loop {
            self.start_queued();
            let next_wait = self
                .wanted
                .values()
                .filter_map(|(_, stage)| match stage {
                    Stage::Waiting(until) => Some(*until),
                    _ => None,
                })
                .min();
            tokio::select! {
                command = self.commands.recv() => match command {
                    Some(command) => self.on_command(command),
                    None => break,
                },
                stored = self.stored.recv(), if stored_open => match stored {
                    Ok(event) => self.on_stored(&event),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        warn!(missed, "the attachment fetcher fell behind the stored records; their attachments are fetched when asked for");
                    }
                    Err(broadcast::error::RecvError::Closed) => stored_open = false,
                },
                Some(joined) = self.running.join_next(), if !self.running.is_empty() => {
                    match joined {
                        Ok((want, result)) => self.on_finished(want, result),
                        Err(error) => warn!(%error, "an attachment fetch task failed"),
                    }
                }
                () = sleep_until(next_wait), if next_wait.is_some() => self.wake_waiting(),
            }
        }
        self.running.shutdown().await;
    }

    /// Queues every fetch a stop or a crash cut.
    async fn resume_stopped(&mut self) {
        let max_bytes = self.limits.max_bytes;
        let stopped = self.ctx.blocking(|blobs, _| blobs.partials()).await;
        match stopped {
            Ok(Ok(partials)) => {
                for (blob, size) in partials {
                    info!(%blob, size, "resuming a fetch cut by the last stop");
                    self.want(Want {
                        blob,
                        max_bytes,
                        declared: size,
                        org: None,
                    });
                }
            }
            Ok(Err(error)) => warn!(%error, "cannot list the fetches to resume"),
            Err(error) => warn!(%error, "listing the fetches to resume failed"),
        }
    }

    fn on_stored(&mut self, event: &StoredEvent) {
        if event.source == Source::Local {
            // Published here: its files were stored before the record was signed.
            return;
        }
        for file in event.record.record().body.attachments() {
            if file.size > self.limits.auto_max_bytes {
                debug!(blob = %file.blob, size = file.size, "an attachment over the automatic limit waits to be asked for");
                continue;
            }
            if !self.want(Want {
                blob: file.blob,
                max_bytes: self.limits.auto_max_bytes,
                declared: file.size,
                org: Some(event.org),
            }) {
                warn!(blob = %file.blob, "too many attachments waiting to be fetched; this one is fetched when asked for");
            }
        }
    }

    fn on_command(&mut self, command: FetchCommand) {
        match command {
            FetchCommand::Fetch {
                blob,
                declared,
                reply,
            } => {
                let result = match self.wanted.get_mut(&blob) {
                    Some((want, stage)) => {
                        // Asked for: the full limit applies, no org total, and a waiting
                        // fetch goes now.
                        want.max_bytes = want.max_bytes.max(self.limits.max_bytes);
                        want.org = None;
                        if matches!(stage, Stage::Waiting(_)) {
                            *stage = Stage::Queued;
                            self.queue.push_back(*want);
                        }
                        Ok(())
                    }
                    None => {
                        let want = Want {
                            blob,
                            max_bytes: self.limits.max_bytes,
                            declared,
                            org: None,
                        };
                        if self.want(want) {
                            Ok(())
                        } else {
                            Err(NetworkError::Busy(format!(
                                "{MAX_WANTED} attachments are already waiting to be fetched; ask again later"
                            )))
                        }
                    }
                };
                let _ = reply.send(result);
            }
            FetchCommand::Wanted { blob, reply } => {
                let _ = reply.send(self.wanted.get(&blob).map(|(want, _)| want.declared));
            }
        }
    }

    /// Queues `want` unless it is wanted already; false if the queue is full.
    fn want(&mut self, want: Want) -> bool {
        if self.wanted.contains_key(&want.blob) {
            return true;
        }
        if self.wanted.len() >= MAX_WANTED {
            return false;
        }
        self.wanted.insert(want.blob, (want, Stage::Queued));
        self.queue.push_back(want);
        true
    }

    fn start_queued(&mut self) {
        while self.running.len() < MAX_CONCURRENT_FETCHES {
            let Some(want) = self.queue.pop_front() else {
                return;
            };
            let Some((current, stage)) = self.wanted.get_mut(&want.blob) else {
                continue;
            };
            if *stage != Stage::Queued {
                continue;
            }
            *stage = Stage::Running;
            let want = *current;
            let ctx = self.ctx.clone();
            let span = tracing::debug_span!("fetch", blob = %want.blob);
            self.running.spawn(
                async move {
                    let result = fetch(&ctx, want).await;
                    (want, result)
                }
                .instrument(span),
            );
        }
    }

    fn on_finished(&mut self, want: Want, result: Result<Fetched, FetchFailure>) {
        let blob = want.blob;
        match result {
            Ok(Fetched::Now) => {
                Metrics::add(&self.ctx.metrics.blob_fetches_completed, 1);
                info!(%blob, "attachment fetched");
                self.wanted.remove(&blob);
            }
            Ok(Fetched::AlreadyHeld) => {
                self.wanted.remove(&blob);
            }
            Err(
                failure @ (FetchFailure::TooLarge { .. }
                | FetchFailure::OrgTotal { .. }
                | FetchFailure::Unreferenced
                | FetchFailure::Shutdown
                | FetchFailure::Store(BlobStoreError::Cancelled { .. })),
            ) => {
                Metrics::add(&self.ctx.metrics.blob_fetches_failed, 1);
                info!(%blob, %failure, "attachment fetch given up");
                self.wanted.remove(&blob);
            }
            Err(failure) => {
                debug!(%blob, %failure, "attachment fetch waits to be tried again");
                if !matches!(failure, FetchFailure::NoSource) {
                    Metrics::add(&self.ctx.metrics.blob_fetches_failed, 1);
                    warn!(%blob, %failure, retry_in = ?WAITING_RETRY, "attachment fetch stopped");
                }
                if let Some((_, stage)) = self.wanted.get_mut(&blob) {
                    *stage = Stage::Waiting(Instant::now() + WAITING_RETRY);
                }
            }
        }
    }

    fn wake_waiting(&mut self) {
        let now = Instant::now();
        for (want, stage) in self.wanted.values_mut() {
            if let Stage::Waiting(until) = stage
                && *until <= now
            {
                *stage = Stage::Queued;
                self.queue.push_back(*want);
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// How a fetch ended well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetched {
    /// The file was fetched (or finished) by this fetch.
    Now,
    /// It was held already (uploaded here, or fetched since it was queued).
    AlreadyHeld,
}

/// Fetches one file to the end: finds peers that serve it, downloads the missing
/// chunks from all of them, finishes the file. Resumes from the partial file.
async fn fetch(ctx: &Ctx, want: Want) -> Result<Fetched, FetchFailure> {
    let blob = want.blob;
    // Peers caught serving bad bytes: asked for nothing more in this fetch.
    let mut shunned: HashSet<PeerId> = HashSet::new();
    let mut rounds = 0;
    let mut pause = FIRST_RETRY;
    if let Some(org) = want.org {
        let limit = ctx.per_org_bytes;
        let declared = want.declared;
        ctx.blocking(move |blobs, store| {
            if blobs.has(&blob) {
                return Ok(());
            }
            let files = crate::attachments::org_files(store, blobs, org)
                .map_err(|error| FetchFailure::Count(error.to_string()))?;
            let total = files
                .iter()
                .map(|(_, size)| size)
                .sum::<u64>()
                .saturating_add(declared);
            if total > limit {
                return Err(FetchFailure::OrgTotal { org, total, limit });
            }
            Ok(())
        })
        .await??;
    }
    loop {
        let (held, referenced) = ctx
            .blocking(move |blobs, store| {
                let referenced = store.blob_references(&blob).map(|ids| !ids.is_empty());
                (blobs.has(&blob), referenced)
            })
            .await?;
        if held {
            return Ok(Fetched::AlreadyHeld);
        }
        match referenced {
            Ok(false) => return Err(FetchFailure::Unreferenced),
            Ok(true) => {}
            Err(error) => warn!(%error, "cannot read which records name an attachment"),
        }
        let (list, sources) = discover(ctx, blob, &mut shunned).await?;
        let Some(list) = list.filter(|_| !sources.is_empty()) else {
            rounds += 1;
            if rounds >= ROUNDS_BEFORE_WAITING {
                return Err(FetchFailure::NoSource);
            }
            debug!(rounds, ?pause, "no peer serves the file yet");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MAX_RETRY);
            continue;
        };
        if list.size > want.max_bytes {
            return Err(FetchFailure::TooLarge {
                size: list.size,
                max: want.max_bytes,
            });
        }
        let begun = ctx
            .blocking(move |blobs, _| blobs.begin_fetch(&blob, list))
            .await?;
        let partial = match begun {
            Ok(partial) => Arc::new(partial),
            Err(BlobStoreError::AlreadyHeld { .. }) => return Ok(Fetched::AlreadyHeld),
            Err(error) => return Err(error.into()),
        };
        let missing = partial.missing();
        let resumed = partial.chunk_list().chunks() - missing.len();
        if resumed > 0 {
            info!(
                resumed,
                missing = missing.len(),
                "resuming with the chunks already held"
            );
            Metrics::add(&ctx.metrics.blob_chunks_resumed, resumed as u64);
        }
        debug!(
            sources = sources.len(),
            missing = missing.len(),
            "downloading"
        );
        match download(ctx, &partial, missing, sources, &mut shunned).await {
            Ok(()) => {
                let partial = Arc::try_unwrap(partial).map_err(|_| {
                    FetchFailure::Join("a chunk write still holds the file".to_owned())
                })?;
                ctx.blocking(move |_, _| partial.finish()).await??;
                return Ok(Fetched::Now);
            }
            Err(Stop::SourcesGone) => {
                // The partial file keeps what was written; ask around again.
                drop(partial);
                rounds = 0;
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_RETRY);
            }
            Err(Stop::Failed(failure)) => return Err(failure),
        }
    }
}

/// Asks every connected member peer not shunned for the chunk list of `blob`: the
/// list (checked against the id) and the peers that answered with it. A peer whose
/// list does not hash to the id is penalised and shunned.
async fn discover(
    ctx: &Ctx,
    blob: BlobId,
    shunned: &mut HashSet<PeerId>,
) -> Result<(Option<ChunkList>, Vec<PeerId>), FetchFailure> {
    let peers: Vec<PeerId> = ctx
        .sources()
        .await?
        .into_iter()
        .filter(|peer| !shunned.contains(peer))
        .collect();
    let answers = futures::future::join_all(peers.into_iter().map(|peer| async move {
        let asked = ctx.request(peer, BlobRequest::ChunkList { blob });
        let answer = tokio::time::timeout(CHUNK_LIST_TIMEOUT, asked)
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {CHUNK_LIST_TIMEOUT:?}")));
        (peer, answer)
    }))
    .await;
    let mut list = None;
    let mut sources = Vec::new();
    for (peer, answer) in answers {
        match answer {
            Ok(BlobResponse::ChunkList(offered)) => match offered.check(&blob) {
                Ok(()) => {
                    sources.push(peer);
                    list.get_or_insert(offered);
                }
                Err(error) => {
                    warn!(peer = %peer, %error, "a peer served a chunk list that is not the file's");
                    shunned.insert(peer);
                    ctx.penalise(
                        peer,
                        blob,
                        "a chunk list that does not hash to the file's id",
                    )
                    .await;
                }
            },
            Ok(BlobResponse::Chunk(_)) => {
                debug!(peer = %peer, "a peer answered a chunk-list request with a chunk");
                shunned.insert(peer);
            }
            Ok(BlobResponse::NotHeld) => debug!(peer = %peer, "the peer does not hold the file"),
            Ok(BlobResponse::Refused) => {
                debug!(peer = %peer, "the peer refuses to serve the file to this node")
            }
            Err(error) => debug!(peer = %peer, %error, "asking for a chunk list failed"),
        }
    }
    Ok((list, sources))
}

/// Why a download stopped before every chunk was written.
enum Stop {
    /// No peer is left to ask: every one failed, lost the file or was caught lying.
    SourcesGone,
    /// The partial file cannot be written.
    Failed(FetchFailure),
}

type Pending = Pin<
    Box<
        dyn Future<
                Output = (
                    PeerId,
                    u32,
                    Result<BlobResponse, String>,
                    OwnedSemaphorePermit,
                ),
            > + Send,
    >,
>;
type Writing =
    Pin<Box<dyn Future<Output = (PeerId, u32, Result<Result<(), BlobStoreError>, String>)> + Send>>;

/// Downloads `missing` chunks of `partial` from `sources`, several in flight per peer
/// (as many as its shared slots allow) and from every source at once.
async fn download(
    ctx: &Ctx,
    partial: &Arc<PartialBlob>,
    missing: Vec<u32>,
    mut sources: Vec<PeerId>,
    shunned: &mut HashSet<PeerId>,
) -> Result<(), Stop> {
    let blob = partial.blob();
    let mut missing: VecDeque<u32> = missing.into();
    let mut requests: FuturesUnordered<Pending> = FuturesUnordered::new();
    let mut writes: FuturesUnordered<Writing> = FuturesUnordered::new();
    let mut turn = 0usize;
    let send = |peer: PeerId, index: u32, permit: OwnedSemaphorePermit| -> Pending {
        let ctx = ctx.clone();
        Box::pin(async move {
            let answer = ctx.request(peer, BlobRequest::Chunk { blob, index }).await;
            (peer, index, answer, permit)
        })
    };
    loop {
        // Hand the missing chunks out, in turn, to every source with a free slot.
        while !missing.is_empty() && !sources.is_empty() {
            let free = (0..sources.len()).find_map(|offset| {
                let peer = sources[(turn + offset) % sources.len()];
                let permit = ctx.slots.of(peer).try_acquire_owned().ok()?;
                Some((offset, peer, permit))
            });
            let Some((offset, peer, permit)) = free else {
                break;
            };
            turn = (turn + offset + 1) % sources.len();
            if let Some(index) = missing.pop_front() {
                requests.push(send(peer, index, permit));
            }
        }
        if requests.is_empty() && writes.is_empty() {
            if missing.is_empty() {
                return Ok(());
            }
            if sources.is_empty() {
                return Err(Stop::SourcesGone);
            }
        }
        // Every source's slots are taken by other fetches: wait for one to free up.
        let slot = (requests.is_empty() && !missing.is_empty() && !sources.is_empty()).then(|| {
            let waits: Vec<_> = sources
                .iter()
                .map(|peer| {
                    let peer = *peer;
                    let semaphore = ctx.slots.of(peer);
                    Box::pin(async move { (peer, semaphore.acquire_owned().await) })
                })
                .collect();
            futures::future::select_all(waits)
        });
        tokio::select! {
            Some((peer, index, answer, permit)) = requests.next() => match answer {
                Ok(BlobResponse::Chunk(bytes)) => {
                    let partial = Arc::clone(partial);
                    writes.push(Box::pin(async move {
                        let written = tokio::task::spawn_blocking(move || {
                            let written = partial.write_chunk(index, &bytes);
                            drop(permit);
                            written
                        })
                        .await
                        .map_err(|error| error.to_string());
                        (peer, index, written)
                    }));
                }
                other => {
                    match other {
                        Ok(answer) => debug!(peer = %peer, index, ?answer, "a peer did not serve a chunk"),
                        Err(error) => debug!(peer = %peer, index, %error, "a chunk request failed"),
                    }
                    // Asked of another peer; this one is asked again at the next round.
                    missing.push_front(index);
                    sources.retain(|source| *source != peer);
                }
            },
            Some((peer, index, written)) = writes.next() => match written {
                Ok(Ok(())) => {
                    let bytes = partial.chunk_list().range(index).map_or(0, |range| range.end - range.start);
                    Metrics::add(&ctx.metrics.blob_chunks_fetched, 1);
                    Metrics::add(&ctx.metrics.blob_bytes_fetched, bytes);
                }
                Ok(Err(BlobStoreError::Invalid(error))) => {
                    warn!(peer = %peer, index, %error, "a peer served a chunk that fails its hash; asking another peer");
                    missing.push_back(index);
                    sources.retain(|source| *source != peer);
                    if shunned.insert(peer) {
                        ctx.penalise(peer, blob, "a chunk that does not match its hash").await;
                    }
                }
                Ok(Err(error)) => return Err(Stop::Failed(error.into())),
                Err(error) => return Err(Stop::Failed(FetchFailure::Join(error))),
            },
            Some(((peer, permit), _, _)) = async { match slot { Some(wait) => Some(wait.await), None => None } } => {
                if let (Ok(permit), Some(index)) = (permit, missing.pop_front()) {
                    requests.push(send(peer, index, permit));
                }
            }
            else => return Err(Stop::SourcesGone),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_shared_per_peer_and_forgotten_when_it_leaves() {
        let slots = PeerSlots::default();
        let (a, b) = (PeerId::random(), PeerId::random());
        let held: Vec<_> = (0..MAX_CHUNKS_IN_FLIGHT_PER_PEER)
            .map(|_| slots.of(a).try_acquire_owned().unwrap())
            .collect();
        assert!(
            slots.of(a).try_acquire_owned().is_err(),
            "a's slots are all taken"
        );
        assert!(slots.of(b).try_acquire_owned().is_ok(), "b's are its own");
        drop(held);
        assert!(slots.of(a).try_acquire_owned().is_ok());
        slots.retain(&[b]);
        assert_eq!(slots.0.lock().unwrap().len(), 1);
    }
}
