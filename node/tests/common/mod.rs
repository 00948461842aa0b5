//! The sample network the node's integration tests run on: founders from the fixtures
//! and every sample org's feed opened by its delegation.
#![allow(dead_code)]

pub mod served;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use commons_node::ingest::IngestSettings;
use commons_node::network::{self, NetworkHandle, NetworkSettings};
use commons_node::store::CommitStore;
use commons_node::{Node, NodeHandle};
use commons_protocol::fixtures::{SampleOrg, delegated_feeds, sample_charter};
use commons_protocol::{DeviceKey, FeedWriter, OrgId, RecordId, SignedCharter, VerifiedRecord};
use libp2p::Multiaddr;
use tokio::task::JoinHandle;

/// Three founders, `orgs` sample orgs in all (the rest are not members).
pub struct Net {
    pub charter: SignedCharter,
    pub orgs: Vec<SampleOrg>,
    pub writers: Vec<FeedWriter>,
    pub delegations: Vec<VerifiedRecord>,
}

pub fn net(orgs: u8) -> Net {
    let (charter, _) = sample_charter(3);
    let orgs: Vec<SampleOrg> = (0..orgs).map(SampleOrg::new).collect();
    let (writers, delegations) = delegated_feeds(&orgs, charter.charter().network_id());
    Net {
        charter,
        orgs,
        writers,
        delegations,
    }
}

/// `orgs` sample orgs under `charter` (its founders first, the rest not members).
pub fn net_with(charter: SignedCharter, orgs: impl IntoIterator<Item = u8>) -> Net {
    let orgs: Vec<SampleOrg> = orgs.into_iter().map(SampleOrg::new).collect();
    let (writers, delegations) = delegated_feeds(&orgs, charter.charter().network_id());
    Net {
        charter,
        orgs,
        writers,
        delegations,
    }
}

impl Net {
    /// Sample org `index`'s node over `store`, its feed opened with its delegation.
    pub async fn start_node(&self, index: usize, store: Arc<dyn CommitStore>) -> Node {
        Node::start(
            store,
            self.charter.charter().clone(),
            self.orgs[index].device.clone(),
            self.orgs[index].id(),
            self.delegations[index].signed_bytes(),
            IngestSettings::default(),
        )
        .await
        .expect("the sample node starts")
    }
}

/// How often a condition waited on is checked.
pub const POLL: Duration = Duration::from_millis(20);

/// Waits until `condition` holds, checking every [`POLL`]; panics naming `what` if it
/// does not within `deadline`.
pub async fn wait_within<F, Fut>(deadline: Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let until = tokio::time::Instant::now() + deadline;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < until,
            "timed out after {deadline:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// One node of a test network with its network running.
pub struct Peer {
    pub node: Node,
    pub handle: NodeHandle,
    pub net: NetworkHandle,
    pub task: JoinHandle<()>,
    /// Where it listens.
    pub addr: Multiaddr,
    pub org: OrgId,
    pub device: DeviceKey,
    /// The store's write side, which the node hands to ingest alone: for tests that
    /// play a rogue or damaged store.
    pub store: Arc<dyn CommitStore>,
}

impl Peer {
    /// Sample org `index` of `net` on `store`, its network started with `settings`
    /// (which must listen somewhere).
    pub async fn start_with(
        net: &Net,
        index: usize,
        store: Arc<dyn CommitStore>,
        settings: NetworkSettings,
    ) -> Peer {
        let node = net.start_node(index, store.clone()).await;
        let handle = node.handle();
        let (net_handle, task) =
            network::start(settings, handle.network_link(), &net.orgs[index].device)
                .await
                .unwrap();
        let addr = net_handle.listen_addrs().await.unwrap().remove(0);
        Peer {
            node,
            handle,
            net: net_handle,
            task,
            addr,
            org: net.orgs[index].id(),
            device: net.orgs[index].device.public(),
            store,
        }
    }

    /// How far `author`'s feed is held without a gap.
    pub fn contiguous(&self, author: &DeviceKey) -> u64 {
        self.handle
            .store
            .head(author)
            .unwrap()
            .map_or(0, |head| head.contiguous)
    }

    pub fn holds(&self, id: &RecordId) -> bool {
        self.handle.store.record(id).unwrap().is_some()
    }

    /// The network, then its task, then the node.
    pub async fn stop(self) {
        let Peer {
            node,
            handle,
            net,
            task,
            ..
        } = self;
        net.shutdown().await.unwrap();
        task.await.unwrap();
        assert!(
            net.connected_peers().await.is_err(),
            "a stopped network answers Shutdown"
        );
        drop(handle);
        node.shutdown().await;
    }
}
