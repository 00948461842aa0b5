//! The running node's shared parts: the handle through which every step after ingest
//! (notifications, the API, the web app) reads the store, submits records to ingest and
//! asks the publisher to sign. [`crate::node::Node`] makes it; defining it here, below
//! notifications, keeps them from depending on the node that starts them. The network
//! is given less ([`NodeHandle::network_link`]): it sits below this module and never
//! sees the publisher.

use std::sync::Arc;
use std::time::{Duration, Instant};

use commons_protocol::{
    Charter, DeviceKey, NetworkId, OrgId, Roster, SealingKeypair, SignedCharter,
};

use crate::attachments::AttachmentPolicy;
use crate::blobs::BlobStore;
use crate::ingest::IngestHandle;
use crate::metrics::Metrics;
use crate::network::NodeLink;
use crate::publish::PublishHandle;
use crate::publish_gate::PublishGate;
use crate::store::Store;

/// How long shutdown waits for the tasks to finish their work.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// What the API and the CLI need of a running node; cheap to clone.
#[derive(Debug, Clone)]
pub struct NodeHandle {
    /// Ingest: submit records, subscribe to stored ones, read the roster.
    pub ingest: IngestHandle,
    /// This device's publisher.
    pub publisher: PublishHandle,
    /// Whether the publisher may sign: held after a restore until caught up.
    pub publishing: PublishGate,
    /// The store, for reads.
    pub store: Arc<dyn Store>,
    /// Attachments' bytes.
    pub blobs: BlobStore,
    /// What this node accepts and keeps of attachments.
    pub attachments: AttachmentPolicy,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// The network.
    pub network: NetworkId,
    /// The network's charter.
    pub charter: Arc<Charter>,
    /// The charter file with the founders' signatures, when the node was given it
    /// ([`crate::node::Node::set_signed_charter`]): an archive carries it so it verifies offline.
    pub signed_charter: Option<Arc<SignedCharter>>,
    /// This node's device.
    pub device: DeviceKey,
    /// This node's org.
    pub org: OrgId,
    /// When the node started.
    pub started: Instant,
    /// This device's sealing key for working groups, when the node was given one
    /// ([`crate::node::Node::set_sealing_key`]): without it the node can neither seal to
    /// a group nor open what a group sealed to it.
    pub sealing: Option<Arc<SealingKeypair>>,
}

impl NodeHandle {
    /// The current roster.
    pub fn roster(&self) -> Arc<Roster> {
        self.ingest.roster()
    }

    /// What the network is given of this node: ingest, the reads it serves and plans
    /// from, the restore hold, and no publisher ([`NodeLink`] says why).
    pub fn network_link(&self) -> NodeLink {
        NodeLink {
            ingest: self.ingest.clone(),
            store: self.store.clone(),
            blobs: self.blobs.clone(),
            publishing: self.publishing.clone(),
            charter: self.charter.clone(),
            network: self.network,
            device: self.device,
        }
    }
}
