//! The node: ingest, the publisher and the store started together, and stopped in
//! order. [`Node::start`] opens the device's feed with its delegation the first time;
//! [`Node::shutdown`] lets the publisher and ingest finish what they hold (every
//! acknowledged record is already durable) and waits for both.

use std::sync::Arc;
use std::time::Instant;

use commons_protocol::{Charter, DeviceKeypair, OrgId, SealingKeypair, SignedCharter};
use thiserror::Error;
use tokio::task::JoinHandle;
use tracing::{Instrument, info, info_span, warn};

use crate::attachments::Cleaner;
use crate::blobs::{BlobStore, BlobStoreError};
use crate::config::AttachmentPolicy;
use crate::ingest::{Ingest, IngestError, IngestSettings, Ingested, Source};
use crate::metrics::Metrics;
use crate::publish::Publisher;
use crate::publish_gate::PublishGate;
use crate::store::{CommitStore, StoreError};

pub use crate::node_handle::{NodeHandle, SHUTDOWN_GRACE};

/// Why the node could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The device's delegation was refused: the data dir does not match its charter.
    #[error(
        "this device's delegation was refused ({0}): the data dir's keys, charter and delegation do not match"
    )]
    Delegation(IngestError),
    /// The device's feed was empty, yet ingest did not store its delegation as the
    /// feed's first record.
    #[error(
        "this device's delegation was not stored as the first record of its feed (ingest answered {outcome:?}): the store and this data dir's device key disagree"
    )]
    DelegationNotStored {
        /// What ingest answered.
        outcome: Ingested,
    },
    /// The attachments' directory could not be opened.
    #[error("cannot open the attachments' directory: {0}")]
    Blobs(#[from] BlobStoreError),
    /// The search index beside the store could not be opened or made.
    #[error(transparent)]
    SearchIndex(#[from] crate::store::TextIndexError),
    /// The device's sealing key for working groups could not be read or made.
    #[error("this device's sealing key (sealing.key) could not be read or made: {0}")]
    SealingKey(#[source] crate::data_dir::DataDirError),
    /// The network could not start.
    #[error(transparent)]
    Network(#[from] crate::network::NetworkError),
    /// Notifications could not start.
    #[error(transparent)]
    Notify(#[from] crate::notify::NotifyError),
    /// The web app could not listen.
    #[error(
        "the web app cannot listen on {addr}: {error}. Is another node running? Pick another \
         address with --web-listen, or turn the web app off with web = false in config.toml"
    )]
    WebListen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        error: std::io::Error,
    },
    /// The control API could not listen.
    #[error(
        "the control API cannot listen on {addr}: {error}. Is another node running? Pick another address with --api-listen"
    )]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        error: std::io::Error,
    },
}

/// A running node.
#[derive(Debug)]
pub struct Node {
    handle: NodeHandle,
    ingest_task: JoinHandle<()>,
    publisher_task: JoinHandle<()>,
    /// Deletes attachments' bytes no live record needs ([`crate::attachments`]).
    cleaner_task: JoinHandle<()>,
    /// Publishes this device's sealing key once its org is in a working group
    /// ([`crate::groups::announce_sealing_key`]), when the node has a sealing key.
    sealing_task: Option<JoinHandle<()>>,
}

impl Node {
    /// Starts ingest and the publisher over `store`, and stores the device's delegation
    /// if its feed is still empty. Attachments' bytes are kept in a temporary
    /// directory removed when the node is dropped (as a memory store's records are);
    /// a node over a data dir uses [`Node::start_with_blobs`].
    pub async fn start(
        store: Arc<dyn CommitStore>,
        charter: Charter,
        device: DeviceKeypair,
        org: OrgId,
        delegation: &[u8],
        settings: IngestSettings,
    ) -> Result<Node, NodeError> {
        let blobs = tokio::task::spawn_blocking(BlobStore::temporary)
            .await
            .map_err(|source| StoreError::TaskFailed {
                what: "opening the blob store",
                source,
            })??;
        Self::start_with_blobs(store, blobs, charter, device, org, delegation, settings).await
    }

    /// [`Node::start`], keeping attachments' bytes in `blobs`.
    pub async fn start_with_blobs(
        store: Arc<dyn CommitStore>,
        blobs: BlobStore,
        charter: Charter,
        device: DeviceKeypair,
        org: OrgId,
        delegation: &[u8],
        settings: IngestSettings,
    ) -> Result<Node, NodeError> {
        let network = charter.network_id();
        let span = info_span!("node", device = %device.public());
        let metrics = Arc::new(Metrics::default());
        let (ingest, ingest_handle) =
            Ingest::new(store.clone(), charter.clone(), settings, metrics.clone())?;
        let ingest_task = tokio::spawn(ingest.run().instrument(span.clone()));

        if store.head(&device.public())?.is_none() {
            match ingest_handle
                .submit(delegation.to_vec(), Source::Local)
                .await
            {
                Ok(Ingested::Stored { .. } | Ingested::Duplicate { .. }) => {
                    info!(device = %device.public(), "this device's feed is opened with its delegation");
                }
                Ok(outcome) => return Err(NodeError::DelegationNotStored { outcome }),
                Err(error) => return Err(NodeError::Delegation(error)),
            }
        }

        let publishing = PublishGate::default();
        let (publisher, publish_handle) = Publisher::new(
            device.clone(),
            network,
            store.clone(),
            ingest_handle.clone(),
            &publishing,
        )?;
        let cleaner = Cleaner::new(store.clone(), blobs.clone(), ingest_handle.subscribe());
        let cleaner_task = tokio::spawn(cleaner.run().instrument(span.clone()));
        let publisher_task = tokio::spawn(publisher.run().instrument(span));
        let handle = NodeHandle {
            ingest: ingest_handle,
            publisher: publish_handle,
            publishing,
            store,
            blobs,
            attachments: AttachmentPolicy::default(),
            metrics,
            network,
            charter: Arc::new(charter),
            signed_charter: None,
            device: device.public(),
            org,
            started: Instant::now(),
            sealing: None,
        };
        Ok(Node {
            handle,
            ingest_task,
            publisher_task,
            cleaner_task,
            sealing_task: None,
        })
    }

    /// Gives the node its signed charter file, for archive exports; handles taken
    /// after this call carry it.
    pub fn set_signed_charter(&mut self, charter: SignedCharter) {
        self.handle.signed_charter = Some(Arc::new(charter));
    }

    /// Gives the node this device's sealing key for working groups; handles taken after
    /// this call carry it.
    pub fn set_sealing_key(&mut self, sealing: SealingKeypair) {
        let public = sealing.public();
        self.handle.sealing = Some(Arc::new(sealing));
        if let Some(task) = self.sealing_task.take() {
            task.abort();
        }
        let events = self.handle.ingest.subscribe();
        self.sealing_task = Some(tokio::spawn(crate::groups::announce_sealing_key(
            self.handle.clone(),
            public,
            events,
        )));
    }

    /// Sets what this node accepts and keeps of attachments; handles taken after this
    /// call carry it.
    pub fn set_attachment_policy(&mut self, policy: AttachmentPolicy) {
        self.handle.attachments = policy;
    }

    /// A handle for the API and tests.
    pub fn handle(&self) -> NodeHandle {
        self.handle.clone()
    }

    /// Stops the node once every other handle is dropped: the publisher finishes the
    /// record under way, ingest commits what it holds, then both tasks end.
    pub async fn shutdown(self) {
        let Node {
            handle,
            ingest_task,
            publisher_task,
            cleaner_task,
            sealing_task,
        } = self;
        // It holds a handle, so it goes first: the publisher ends when every handle is
        // gone.
        if let Some(task) = sealing_task {
            task.abort();
            let _ = task.await;
        }
        drop(handle);
        // The cleaner ends when ingest's event stream does, so after ingest.
        for (name, task) in [
            ("publisher", publisher_task),
            ("ingest", ingest_task),
            ("attachment cleaner", cleaner_task),
        ] {
            match tokio::time::timeout(SHUTDOWN_GRACE, task).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => warn!(task = name, %error, "task ended abnormally"),
                Err(_) => warn!(
                    task = name,
                    "task still busy after the shutdown grace period"
                ),
            }
        }
        info!("node stopped");
    }
}
