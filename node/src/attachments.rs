//! Attachments on this node, between the blob store and the records that name the
//! files: what a publish may attach (held here, the size it says, within the org's
//! total), what state each file of a record is in, and the task that deletes the bytes
//! no live record needs once a retraction drops a record's content.
//!
//! The deletion runs beside ingest, never inside it: the [`Cleaner`] listens to the
//! stored-record events ([`crate::ingest::IngestHandle::subscribe`]) and, after a
//! retraction (from any source: this node, gossip, sync or an import) or a missed
//! event, deletes every file held whole or in part whose
//! [`Store::blob_references`] is empty. A file uploaded through the API is pinned
//! until the record naming it is stored ([`BlobStore::unpin`]), or for
//! [`UPLOAD_GRACE`], so an upload is not deleted before its record is published.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use commons_protocol::body::Attachment;
use commons_protocol::{BlobId, Body, OrgId};
use thiserror::Error;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tracing::{debug, info, warn};

use crate::blobs::{BlobStore, BlobStoreError, DEFAULT_DISK_RESERVE_BYTES, FetchProgress};
use crate::ingest::StoredEvent;
use crate::store::{Store, StoreError};

/// Default: the largest file uploaded, fetched or kept (64 MiB).
pub const DEFAULT_MAX_ATTACHMENT_BYTES: u64 = 64 * 1024 * 1024;
/// Default: the most bytes of files attached by one org's live records that this node
/// keeps (1 GiB).
pub const DEFAULT_MAX_ATTACHMENTS_PER_ORG_BYTES: u64 = 1024 * 1024 * 1024;
/// Default: files up to this size are fetched as soon as a record naming them arrives
/// (8 MiB); bigger ones when asked for.
pub const DEFAULT_AUTO_FETCH_MAX_BYTES: u64 = 8 * 1024 * 1024;
/// How long an uploaded file that no record names yet is kept.
pub const UPLOAD_GRACE: Duration = Duration::from_secs(24 * 60 * 60);
/// How often the cleaner looks for unneeded files even without a retraction (a fetch
/// that finished after its record was retracted; an upload never published).
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// What this node accepts and keeps of attachments, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentPolicy {
    /// The largest file uploaded, fetched or kept.
    pub max_bytes: u64,
    /// The most bytes of files attached by one org's live records that this node keeps.
    pub per_org_bytes: u64,
    /// Files up to this size are fetched as soon as a record naming them arrives.
    pub auto_fetch_max_bytes: u64,
    /// The free space an upload or a fetch must leave on the disk.
    pub disk_reserve_bytes: u64,
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        AttachmentPolicy {
            max_bytes: DEFAULT_MAX_ATTACHMENT_BYTES,
            per_org_bytes: DEFAULT_MAX_ATTACHMENTS_PER_ORG_BYTES,
            auto_fetch_max_bytes: DEFAULT_AUTO_FETCH_MAX_BYTES,
            disk_reserve_bytes: DEFAULT_DISK_RESERVE_BYTES,
        }
    }
}

/// Why attachments could not be published or read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AttachmentError {
    /// A file named in a publish is not held here.
    #[error(
        "attachment {name:?} ({blob}) is not held by this node: upload it first with POST /v1/attachments"
    )]
    NotHeld {
        /// The file's name.
        name: String,
        /// Its id.
        blob: BlobId,
    },
    /// A file named in a publish is held with another size.
    #[error(
        "attachment {name:?} ({blob}) is {held} bytes here, not {claimed}: upload it first with POST /v1/attachments and use the size it answers"
    )]
    WrongSize {
        /// The file's name.
        name: String,
        /// Its id.
        blob: BlobId,
        /// The size given.
        claimed: u64,
        /// The size held.
        held: u64,
    },
    /// A file over this node's largest attachment.
    #[error(
        "attachment {name:?} is {size} bytes, more than this node's limit of {max} bytes (max_attachment_mb in config.toml)"
    )]
    TooLarge {
        /// The file's name.
        name: String,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The org's files would pass the per-org total.
    #[error(
        "the files attached by {org}'s records would take {total} bytes on this node, more than its limit of {limit} bytes (max_attachments_per_org_mb in config.toml): retract a case study with files, or raise the limit"
    )]
    OrgTotal {
        /// The org.
        org: OrgId,
        /// Its total with the new files.
        total: u64,
        /// The limit.
        limit: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The blob store failed.
    #[error(transparent)]
    Blobs(#[from] BlobStoreError),
}

/// Bytes of the files held here that live records of `org` name (each file once).
pub fn org_usage(store: &dyn Store, blobs: &BlobStore, org: OrgId) -> Result<u64, AttachmentError> {
    Ok(org_files(store, blobs, org)?
        .into_iter()
        .map(|(_, size)| size)
        .sum())
}

/// The files held here that live records of `org` name, with their sizes. It reads
/// every file held and which records name it: fine for the thousands of files a node
/// holds, to be indexed by org if that grows.
pub fn org_files(
    store: &dyn Store,
    blobs: &BlobStore,
    org: OrgId,
) -> Result<Vec<(BlobId, u64)>, AttachmentError> {
    let mut files = Vec::new();
    for blob in blobs.list()? {
        let Some(size) = blobs.size(&blob)? else {
            continue;
        };
        for id in store.blob_references(&blob)? {
            if store.record(&id)?.is_some_and(|stored| stored.org == org) {
                files.push((blob, size));
                break;
            }
        }
    }
    Ok(files)
}

/// Checks the files a record of `org` is about to name: each held here whole with the
/// size it gives, within this node's largest attachment, and the org's files with
/// them within its total (files its records already name are counted once).
pub fn check_publish(
    store: &dyn Store,
    blobs: &BlobStore,
    policy: &AttachmentPolicy,
    org: OrgId,
    files: &[Attachment],
) -> Result<(), AttachmentError> {
    if files.is_empty() {
        return Ok(());
    }
    for file in files {
        if file.size > policy.max_bytes {
            return Err(AttachmentError::TooLarge {
                name: file.name.clone(),
                size: file.size,
                max: policy.max_bytes,
            });
        }
        match blobs.size(&file.blob)? {
            None => {
                return Err(AttachmentError::NotHeld {
                    name: file.name.clone(),
                    blob: file.blob,
                });
            }
            Some(held) if held != file.size => {
                return Err(AttachmentError::WrongSize {
                    name: file.name.clone(),
                    blob: file.blob,
                    claimed: file.size,
                    held,
                });
            }
            Some(_) => {}
        }
    }
    let counted = org_files(store, blobs, org)?;
    let known: BTreeSet<BlobId> = counted.iter().map(|(blob, _)| *blob).collect();
    let mut total: u64 = counted.iter().map(|(_, size)| size).sum();
    let mut new = BTreeSet::new();
    for file in files {
        if !known.contains(&file.blob) && new.insert(file.blob) {
            total = total.saturating_add(file.size);
        }
    }
    if total > policy.per_org_bytes {
        return Err(AttachmentError::OrgTotal {
            org,
            total,
            limit: policy.per_org_bytes,
        });
    }
    Ok(())
}

/// Where one file of a record stands on this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Held whole: it can be downloaded.
    Held,
    /// Being fetched, or a fetch stopped partway (it resumes when fetched again).
    Fetching(FetchProgress),
    /// Not held and not being fetched; `auto` says whether it is small enough to be
    /// fetched as soon as a peer holding it is found.
    NotFetched {
        /// Whether it is at most `auto_fetch_max_mb`.
        auto: bool,
    },
}

/// Where `file` stands in `blobs`.
pub fn file_state(
    blobs: &BlobStore,
    policy: &AttachmentPolicy,
    file: &Attachment,
) -> Result<FileState, BlobStoreError> {
    if blobs.has(&file.blob) {
        return Ok(FileState::Held);
    }
    if let Some(progress) = blobs.fetch_progress(&file.blob)? {
        return Ok(FileState::Fetching(progress));
    }
    Ok(FileState::NotFetched {
        auto: file.size <= policy.auto_fetch_max_bytes,
    })
}

/// Deletes attachments' bytes that no live record needs any more: see the module
/// documentation. Owned by the [`crate::Node`], which waits for it at shutdown; it ends
/// when ingest's event stream does.
#[derive(Debug)]
pub struct Cleaner {
    store: Arc<dyn Store>,
    blobs: BlobStore,
    events: broadcast::Receiver<StoredEvent>,
}

impl Cleaner {
    /// A cleaner over `store` and `blobs`, hearing of stored records from `events`.
    pub fn new(
        store: Arc<dyn Store>,
        blobs: BlobStore,
        events: broadcast::Receiver<StoredEvent>,
    ) -> Self {
        Cleaner {
            store,
            blobs,
            events,
        }
    }

    /// Runs until ingest's event stream ends: once at the start (pinning files
    /// uploaded less than [`UPLOAD_GRACE`] ago that no record names yet, as uploads
    /// waiting for their record), then after each retraction, a missed event, and
    /// every [`SWEEP_INTERVAL`].
    pub async fn run(mut self) {
        self.blocking(pin_recent_uploads).await;
        self.sweep().await;
        let mut every = tokio::time::interval(SWEEP_INTERVAL);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        every.tick().await;
        loop {
            let due = tokio::select! {
                event = self.events.recv() => match event {
                    Ok(event) => self.heard(&event),
                    Err(RecvError::Lagged(missed)) => {
                        debug!(missed, "the attachment cleaner missed stored-record events; sweeping");
                        true
                    }
                    Err(RecvError::Closed) => break,
                },
                _ = every.tick() => true,
            };
            if due {
                // Events already queued first (a burst of retractions: one sweep).
                loop {
                    match self.events.try_recv() {
                        Ok(event) => {
                            self.heard(&event);
                        }
                        Err(broadcast::error::TryRecvError::Lagged(_)) => {}
                        Err(_) => break,
                    }
                }
                self.sweep().await;
            }
        }
        debug!("attachment cleaner stopped");
    }

    /// Takes in one stored record: the files it names are no longer uploads waiting
    /// for a record. Whether a sweep is due (it retracts something, or may be the vote
    /// that redacts something).
    fn heard(&self, event: &StoredEvent) -> bool {
        let body = &event.record.record().body;
        for file in body.attachments() {
            self.blobs.unpin(&file.blob);
        }
        matches!(body, Body::Retraction(_) | Body::RedactionVote(_))
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Store, &BlobStore) -> T + Send + 'static,
    ) -> Option<T> {
        let (store, blobs) = (self.store.clone(), self.blobs.clone());
        tokio::task::spawn_blocking(move || work(store.as_ref(), &blobs))
            .await
            .map_err(|error| warn!(%error, "the attachment cleaner's work failed"))
            .ok()
    }

    /// Deletes every file no live record names.
    async fn sweep(&self) {
        let swept = self
            .blocking(|store, blobs| {
                let unneeded = blobs.unreferenced(UPLOAD_GRACE, |blob| {
                    store
                        .blob_references(blob)
                        .map(|records| !records.is_empty())
                        .map_err(|error| BlobStoreError::Io {
                            action: "look up the records naming",
                            path: blob.to_string().into(),
                            source: std::io::Error::other(error.to_string()),
                        })
                })?;
                let mut deleted = Vec::new();
                for blob in unneeded {
                    if blobs.delete(&blob)? {
                        deleted.push(blob);
                    }
                }
                Ok::<_, BlobStoreError>(deleted)
            })
            .await;
        match swept {
            Some(Ok(deleted)) => {
                for blob in deleted {
                    info!(%blob, "deleted an attachment no live record names");
                }
            }
            Some(Err(error)) => warn!(%error, "could not delete unneeded attachments"),
            None => {}
        }
    }
}

/// Pins the whole files no record names that were written less than [`UPLOAD_GRACE`]
/// ago: uploads whose record was not yet published when the node stopped.
fn pin_recent_uploads(store: &dyn Store, blobs: &BlobStore) {
    let now = SystemTime::now();
    let held = match blobs.list() {
        Ok(held) => held,
        Err(error) => {
            warn!(%error, "cannot list the attachments held");
            return;
        }
    };
    for blob in held {
        let unnamed = store
            .blob_references(&blob)
            .is_ok_and(|records| records.is_empty());
        if !unnamed {
            continue;
        }
        if let Ok(Some(written)) = blobs.modified(&blob)
            && now
                .duration_since(written)
                .map_or(true, |age| age < UPLOAD_GRACE)
        {
            blobs.pin(blob, written.min(now));
        }
    }
}
