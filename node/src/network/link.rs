//! What the network is given of the running node: the one ingest path to hand its
//! peers' records to, and what it reads to plan sync and to answer peers. It is defined
//! here, in the network, and the node's handle makes one (`NodeHandle::network_link`),
//! so the node depends on the network and never the other way round.

use std::sync::Arc;

use commons_protocol::{Charter, DeviceKey, NetworkId, Roster};

use crate::blobs::BlobStore;
use crate::ingest::IngestHandle;
use crate::publish_gate::PublishGate;
use crate::store::Store;

/// The parts of the running node the network uses, and no others; cheap to clone (each
/// is a handle, an `Arc` or a key).
///
/// It is narrower than the node's handle on purpose: the network hands every record its
/// peers send to the one ingest path and can only read the store (the read-only
/// [`Store`]: records reach the store through ingest alone), and it holds no publisher,
/// so nothing a peer does can make this node sign or publish a record. None of what
/// only the API and the web app need (the attachment policy, the node's counters, the
/// sealing key, the org) reaches it.
#[derive(Debug, Clone)]
pub struct NodeLink {
    /// Ingest: records from peers are submitted to it; stored records and the roster are
    /// followed through it.
    pub ingest: IngestHandle,
    /// The store, read to plan sync and to answer peers.
    pub store: Arc<dyn Store>,
    /// Attachments' bytes: served to peers, and written as fetches complete.
    pub blobs: BlobStore,
    /// The restore hold: whether this device's publishing is held, and where the member
    /// peers' reports of its feed go to end the hold once caught up.
    pub publishing: PublishGate,
    /// The network's charter: whether outsiders may read its public records.
    pub charter: Arc<Charter>,
    /// The network: its gossip topics are named after it, and records are decoded for
    /// it.
    pub network: NetworkId,
    /// This node's device.
    pub device: DeviceKey,
}

impl NodeLink {
    /// The current roster.
    pub fn roster(&self) -> Arc<Roster> {
        self.ingest.roster()
    }
}
