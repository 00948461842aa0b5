//! Publishing: the "created → signed" step for this node's own device. The publisher
//! owns the device key and the feed writer, signs what is waiting in order with the
//! next seqs, and hands it to ingest like any other records, in one request so that
//! concurrent publishers share a commit. A record is acknowledged only
//! once ingest has made it durable; after a crash the writer resumes from the store, so
//! a seq is reused only if its first record was never stored (and so never seen).
//! Before signing, the publisher looks at the [`PublishGate`]: a node restored from a
//! backup refuses to publish until it has caught up with its own feed
//! ([`crate::restore`]), and resumes from the store, after the records it pulled.

use std::sync::Arc;

use commons_protocol::{
    Body, DeviceKeypair, FeedPosition, FeedWriter, NetworkId, RecordError, RecordId,
};
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};
use tracing::info;

use crate::clock::now_ms;
use crate::ingest::{IngestError, IngestHandle, Ingested, Source};
use crate::publish_gate::{Hold, PublishGate, Publishing};
use crate::store::{Store, StoreError};

/// Publish requests waiting for the publisher.
pub const PUBLISH_QUEUE_CAPACITY: usize = 256;
/// The most records the publisher signs and stores together.
pub const PUBLISH_BATCH: usize = 256;

/// A record published by this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// Its id.
    pub id: RecordId,
    /// Its seq in this device's feed.
    pub seq: u64,
    /// Its timestamp.
    pub timestamp_ms: u64,
}

/// Why a body was not published.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum PublishError {
    /// This device may not publish yet: it was restored from a backup and has not
    /// caught up with its own feed ([`crate::restore`]).
    #[error("{}", .0.message())]
    Held(Hold),
    /// The body cannot be signed as a record (too long, a bad field): nothing was
    /// signed, and the feed took no seq for it.
    #[error("invalid record: {0}")]
    Invalid(RecordError),
    /// Ingest refused the signed record or could not store it; nothing was stored.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The store already held more of this device's feed than the publisher knew (a
    /// record of it arrived by sync): the record was not stored, and the publisher
    /// starts again from the store.
    #[error(
        "this device's feed moved under the publisher (the store answered {outcome:?}); nothing was stored: publish it again"
    )]
    FeedMoved {
        /// What ingest answered for the signed record.
        outcome: Ingested,
    },
    /// The node is shutting down.
    #[error("the node is shutting down; the record was not published")]
    Shutdown,
}

impl PublishError {
    /// A short, stable label for the API and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            PublishError::Held(_) => "publishing_held",
            PublishError::Invalid(error) => crate::metrics::record_reason(error),
            PublishError::Ingest(error) => error.reason(),
            PublishError::FeedMoved { .. } => "feed_moved",
            PublishError::Shutdown => "shutdown",
        }
    }
}

struct PublishRequest {
    body: Body,
    reply: oneshot::Sender<Result<Published, PublishError>>,
}

/// The cloneable handle to the publisher.
#[derive(Debug, Clone)]
pub struct PublishHandle {
    requests: mpsc::Sender<PublishRequest>,
}

impl PublishHandle {
    /// Signs `body` as this device's next record and stores it; answers once durable.
    pub async fn publish(&self, body: Body) -> Result<Published, PublishError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(PublishRequest { body, reply })
            .await
            .map_err(|_| PublishError::Shutdown)?;
        answer.await.map_err(|_| PublishError::Shutdown)?
    }

    /// Signs each of `bodies`, in order, as this device's next records and stores them;
    /// answers for each once durable. They go to the publisher together, so it signs
    /// them in batches of up to [`PUBLISH_BATCH`], each stored in one group commit;
    /// a body refused before signing takes no seq, so the feed has no hole.
    pub async fn publish_many(&self, bodies: Vec<Body>) -> Vec<Result<Published, PublishError>> {
        let count = bodies.len();
        let mut answers = Vec::with_capacity(count);
        for body in bodies {
            let (reply, answer) = oneshot::channel();
            if self
                .requests
                .send(PublishRequest { body, reply })
                .await
                .is_err()
            {
                break;
            }
            answers.push(answer);
        }
        let mut results = Vec::with_capacity(answers.len());
        for answer in answers {
            results.push(answer.await.unwrap_or(Err(PublishError::Shutdown)));
        }
        // The publisher stopped part way: the rest were never signed.
        results.resize_with(count, || Err(PublishError::Shutdown));
        results
    }
}

/// Where this device's feed stands in the store.
pub fn own_position(store: &dyn Store, device: &DeviceKeypair) -> Result<FeedPosition, StoreError> {
    let author = device.public();
    let Some(head) = store.head(&author)? else {
        return Ok(FeedPosition::EMPTY);
    };
    let entry = store.entry(&author, head.max_seq)?;
    Ok(entry.map_or(FeedPosition::EMPTY, |entry| FeedPosition {
        seq: head.max_seq,
        id: Some(entry.id),
        timestamp_ms: entry.timestamp_ms,
    }))
}

/// The publisher task.
pub struct Publisher {
    writer: FeedWriter,
    device: DeviceKeypair,
    network: NetworkId,
    store: Arc<dyn Store>,
    ingest: IngestHandle,
    requests: mpsc::Receiver<PublishRequest>,
    /// Changes whenever publishing is held or released.
    gate: tokio::sync::watch::Receiver<Publishing>,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("device", &self.device.public())
            .finish_non_exhaustive()
    }
}

impl Publisher {
    /// A publisher for `device`, resuming its feed from the store, signing only while
    /// `gate` is open.
    pub fn new(
        device: DeviceKeypair,
        network: NetworkId,
        store: Arc<dyn Store>,
        ingest: IngestHandle,
        gate: &PublishGate,
    ) -> Result<(Publisher, PublishHandle), StoreError> {
        let position = own_position(store.as_ref(), &device)?;
        let (tx, requests) = mpsc::channel(PUBLISH_QUEUE_CAPACITY);
        let writer = FeedWriter::new(device.clone(), network, position);
        Ok((
            Publisher {
                writer,
                device,
                network,
                store,
                ingest,
                requests,
                gate: gate.subscribe(),
            },
            PublishHandle { requests: tx },
        ))
    }

    /// Runs until every handle is dropped.
    pub async fn run(mut self) {
        info!(device = %self.device.public(), seq = self.writer.position().seq, "publisher started");
        while let Some(first) = self.requests.recv().await {
            let mut waiting = vec![first];
            while waiting.len() < PUBLISH_BATCH {
                match self.requests.try_recv() {
                    Ok(request) => waiting.push(request),
                    Err(_) => break,
                }
            }
            self.publish_all(waiting).await;
        }
    }

    /// Signs every waiting body in order and stores them in one request to ingest, so
    /// concurrent publishers share a commit. A body refused before signing takes no
    /// seq, so the feed has no hole.
    async fn publish_all(&mut self, waiting: Vec<PublishRequest>) {
        // Records of this feed may have arrived by sync while publishing was held: the
        // writer starts again from the store after any change of the gate.
        if self.gate.has_changed().unwrap_or(false) {
            let publishing = self.gate.borrow_and_update().clone();
            if publishing == Publishing::Open {
                self.resume(self.writer.position());
            }
        }
        if let Publishing::Held(hold) = &*self.gate.borrow() {
            for request in waiting {
                let _ = request.reply.send(Err(PublishError::Held(*hold)));
            }
            return;
        }
        let before = self.writer.position();
        let now = now_ms();
        let mut signed = Vec::new();
        let mut replies = Vec::new();
        for request in waiting {
            match self.writer.append(request.body, now) {
                Ok(record) => {
                    let published = Published {
                        id: record.id(),
                        seq: record.record().seq,
                        timestamp_ms: record.record().timestamp_ms,
                    };
                    signed.push(record.into_signed_bytes());
                    replies.push((request.reply, published));
                }
                Err(error) => {
                    let _ = request.reply.send(Err(PublishError::Invalid(error)));
                }
            }
        }
        if signed.is_empty() {
            return;
        }
        let answers = self.ingest.submit_many(signed, Source::Local).await;
        let mut all_stored = true;
        for ((reply, published), answer) in replies.into_iter().zip(answers) {
            let answer = match answer {
                Ok(Ingested::Stored { .. }) => Ok(published),
                Ok(outcome) => {
                    all_stored = false;
                    // A record of our own feed already held or forking it means the
                    // store knows more of this feed than the writer did.
                    Err(PublishError::FeedMoved { outcome })
                }
                Err(error) => {
                    all_stored = false;
                    Err(PublishError::Ingest(error))
                }
            };
            let _ = reply.send(answer);
        }
        if !all_stored {
            self.resume(before);
        }
    }

    /// Puts the writer back where the store says the feed stands (or where it was).
    fn resume(&mut self, fallback: FeedPosition) {
        let position = own_position(self.store.as_ref(), &self.device).unwrap_or(fallback);
        self.writer = FeedWriter::new(self.device.clone(), self.network, position);
    }
}
