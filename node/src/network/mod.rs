//! The network: the step where a stored record leaves this node for its peers, and a
//! record from a peer arrives to take the one ingest path. It is an actor in the shape
//! of rust-libp2p's file-sharing example: [`start`] builds the swarm, starts listening
//! and spawns the [`event_loop`] that owns it, and returns a cloneable
//! [`NetworkHandle`] whose commands travel over a bounded channel with a oneshot reply.
//!
//! | step | module |
//! |---|---|
//! | what the network is given of the node: ingest and reads, no publisher | [`link`] |
//! | the transport and protocols are put together | [`behaviour`] |
//! | the relay offered to members behind NAT cannot kill a relayed connection | [`relay_guard`] |
//! | whether this node is reachable, and which member's relay to hold a slot on | [`reach`] |
//! | a member's device whose last connection closed is dialed again | [`redial`] |
//! | a sync message is framed on a stream | [`sync_codec`] |
//! | a peer's sync request is answered from the store | [`sync_serve`] |
//! | records are gossiped out, received, judged, pulled | [`event_loop`] |
//! | an attachment request or a chunk is framed on a stream | [`blob_codec`] |
//! | a peer's request for an attachment is answered from disk | [`blob_serve`] |
//! | attachments of stored records are fetched from peers, chunk by checked chunk | [`blob_fetch`] |
//!
//! Gossip is fast and lossy; sync makes the network converge. A record stored with
//! [`Source::Local`](crate::ingest::Source) is published on the records topic (an alert
//! on the alerts topic instead: both topics use one content message id, so the same
//! bytes cannot be published on both). A received message is held by gossipsub until
//! ingest has judged it: `Accept` once stored, `Reject` when the bytes are provably bad
//! (the sender's score drops), `Ignore` otherwise. Sync runs on every new connection
//! (after a hello that tells each side whether the other is a member's device),
//! periodically with a member peer picked at random, and for a gap that gossip reveals.
//! Who gets what is decided by the roster: see [`event_loop`]. Attachments' bytes travel
//! apart from records, on `/commons/blob/1`: see [`blob_fetch`] and [`blob_serve`].

pub mod announce;
pub mod behaviour;
pub mod blob_codec;
pub mod blob_fetch;
pub mod blob_serve;
pub mod event_loop;
pub mod link;
pub mod reach;
pub mod redial;
pub mod relay_guard;
pub mod sync_codec;
pub mod sync_plan;
pub mod sync_serve;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use commons_protocol::{BlobId, DeviceKey, DeviceKeypair, FeedSummary};
use futures::StreamExt;
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId};
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::{Instrument, debug, info, info_span};

pub use behaviour::SwarmOptions;
pub use blob_fetch::FetchLimits;
use blob_fetch::{BLOB_CALL_CAPACITY, FetchHandle, Fetcher};
use event_loop::EventLoop;
pub use link::NodeLink;

/// Commands waiting for the event loop.
pub const COMMAND_QUEUE_CAPACITY: usize = 64;
/// How often this node syncs with one of its peers (in turn), besides on connection.
pub const DEFAULT_SYNC_INTERVAL: Duration = Duration::from_secs(30);
/// How long [`start`] waits for its listeners to be ready.
pub const LISTEN_TIMEOUT: Duration = Duration::from_secs(10);
/// The default addresses to listen on: TCP and QUIC on the same port.
pub const DEFAULT_LISTEN: [&str; 2] = ["/ip4/0.0.0.0/tcp/7411", "/ip4/0.0.0.0/udp/7411/quic-v1"];
/// How many peers a node keeps connected by dialing what discovery finds.
pub const DEFAULT_TARGET_PEERS: usize = 8;

/// What the network is told to do at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSettings {
    /// Where to listen.
    pub listen: Vec<Multiaddr>,
    /// Peers to dial at start.
    pub bootstrap: Vec<Multiaddr>,
    /// How often to sync with a member peer picked at random.
    pub sync_interval: Duration,
    /// The first periodic sync round after start; rounds then come at twice the
    /// previous gap until they reach `sync_interval`
    /// ([`event_loop::FIRST_SYNC_ROUND`] by default).
    pub first_sync_round: Duration,
    /// Discovered peers are dialed while fewer than this many are connected.
    pub target_peers: usize,
    /// mDNS and the connection limits.
    pub swarm: SwarmOptions,
    /// Which attachments are fetched, automatically or when asked for.
    pub attachments: FetchLimits,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            listen: DEFAULT_LISTEN
                .iter()
                .filter_map(|addr| addr.parse().ok())
                .collect(),
            bootstrap: Vec::new(),
            sync_interval: DEFAULT_SYNC_INTERVAL,
            first_sync_round: event_loop::FIRST_SYNC_ROUND,
            target_peers: DEFAULT_TARGET_PEERS,
            swarm: SwarmOptions::default(),
            attachments: FetchLimits::default(),
        }
    }
}

impl NetworkSettings {
    /// Settings for a node on loopback that only dials what it is told to: a random
    /// TCP port, no QUIC, no mDNS. For tests and devnets.
    pub fn loopback() -> Self {
        NetworkSettings {
            listen: "/ip4/127.0.0.1/tcp/0".parse().into_iter().collect(),
            swarm: SwarmOptions {
                mdns: false,
                ..SwarmOptions::default()
            },
            ..NetworkSettings::default()
        }
    }
}

/// One connected peer, as `commons peers` and `commons sync` show it.
#[derive(Debug, Clone)]
pub struct PeerReport {
    /// Its libp2p id.
    pub peer: PeerId,
    /// Its device, when its id is an ed25519 key (a Commons node's always is).
    pub device: Option<DeviceKey>,
    /// Whether this node's roster lists it as a member's device.
    pub member: bool,
    /// Whether it admits this node, from its hello answer (`None` before the answer).
    pub admitted_us: Option<bool>,
    /// The address of the connection.
    pub address: Multiaddr,
    /// When it connected, in ms since the Unix epoch.
    pub connected_ms: u64,
    /// When its heads last arrived, in ms since the Unix epoch.
    pub last_sync_ms: Option<u64>,
    /// Records stored from its sync pages.
    pub records_pulled: u64,
    /// How many feeds it reported holding.
    pub feeds_reported: usize,
    /// Its gossip score.
    pub score: Option<f64>,
    /// Whether it is subscribed to the records topic.
    pub gossip: bool,
    /// Whether it is in this node's gossip mesh for the records topic: records this node
    /// receives are forwarded to it.
    pub in_mesh: bool,
    /// Whether every connection to it goes through a relay (no direct one, not even by
    /// hole punching).
    pub relayed: bool,
}

/// Where sync stands: the peers, and the best head of each feed any member peer has
/// reported.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// Connected peers, in order of id.
    pub peers: Vec<PeerReport>,
    /// The best head reported of each feed, in order of author.
    pub best_known: Vec<FeedSummary>,
    /// How peers can reach this node.
    pub reach: ReachReport,
}

/// How peers can reach this node: whether AutoNAT found it reachable, at which
/// addresses, and which member relays it holds a slot on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachReport {
    /// In a word.
    pub reachability: reach::Reachability,
    /// Addresses peers dialed back (AutoNAT v2).
    pub confirmed: Vec<Multiaddr>,
    /// Member relays this node holds a slot on.
    pub relays: Vec<PeerId>,
    /// Whether this node offers a relay to members' devices.
    pub offers_relay: bool,
}

impl Default for ReachReport {
    fn default() -> Self {
        ReachReport {
            reachability: reach::Reachability::Unknown,
            confirmed: Vec::new(),
            relays: Vec::new(),
            offers_relay: false,
        }
    }
}

/// Why the network failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum NetworkError {
    /// The device key cannot be a libp2p identity.
    #[error("the device key cannot be used as the node's network identity: {0}")]
    Identity(#[source] Arc<libp2p::identity::DecodingError>),
    /// A protocol's configuration is invalid.
    #[error("invalid network configuration ({what}): {source}")]
    Config {
        /// Which part.
        what: &'static str,
        /// What libp2p said.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
    /// The store could not be read.
    #[error("could not read the store ({what}): {source}")]
    Store {
        /// What was being read.
        what: &'static str,
        /// Why.
        #[source]
        source: Arc<crate::store::StoreError>,
    },
    /// A blocking read did not finish (its task panicked or was cancelled).
    #[error("could not read the store ({what}): {source}")]
    Task {
        /// What was being read.
        what: &'static str,
        /// Why.
        #[source]
        source: Arc<tokio::task::JoinError>,
    },
    /// The network was started before the device's delegation was stored.
    #[error("this device's feed has no delegation yet: start the node before its network")]
    NoDelegation,
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    WriteFile {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// An address could not be listened on.
    #[error("cannot listen on {addr}: {source}. Is another node using this port?")]
    Listen {
        /// The address.
        addr: Multiaddr,
        /// Why.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
    /// An address could not be dialed.
    #[error("cannot dial {addr}: {error}")]
    Dial {
        /// The address.
        addr: Multiaddr,
        /// Why.
        error: String,
    },
    /// Too much is waiting already: the request was not taken.
    #[error("the network is busy: {0}")]
    Busy(String),
    /// No live record held by this node names the file.
    #[error("no record this node holds names {blob}: there is nothing to fetch")]
    NotNamed {
        /// The file.
        blob: BlobId,
    },
    /// The file is larger than this node accepts.
    #[error(
        "{blob} is {size} bytes, more than the {max}-byte limit of this node \
         (max_attachment_mb in config.toml)"
    )]
    TooLarge {
        /// The file.
        blob: BlobId,
        /// Its size, as its record gives it.
        size: u64,
        /// This node's limit.
        max: u64,
    },
    /// The network task has stopped.
    #[error("the network has shut down")]
    Shutdown,
}

/// Counters of what the network does, beside the node's ingest counters.
#[derive(Debug, Default)]
pub struct NetworkMetrics {
    /// Records published by gossip.
    pub gossip_published: AtomicU64,
    /// Publications that gossipsub could not queue to any peer (sync delivers them).
    pub gossip_queue_full: AtomicU64,
    /// Records pulled from their author's device after it announced them, gossiped on.
    pub gossip_regossiped: AtomicU64,
    /// Gossip messages accepted (stored).
    pub gossip_accepted: AtomicU64,
    /// Gossip messages ignored (duplicate, early, unknown author, overload...).
    pub gossip_ignored: AtomicU64,
    /// Gossip messages rejected as provably bad.
    pub gossip_rejected: AtomicU64,
    /// Sync requests sent.
    pub sync_requests: AtomicU64,
    /// Sync requests answered.
    pub sync_served: AtomicU64,
    /// Announcements of feed heads sent to peers.
    pub sync_announcements_sent: AtomicU64,
    /// Announcements of feed heads taken from peers.
    pub sync_announcements_received: AtomicU64,
    /// Records stored from sync pages.
    pub sync_stored: AtomicU64,
    /// Records in sync pages (and hello delegations) that were provably bad.
    pub sync_rejected: AtomicU64,
    /// Peers connected now.
    pub connected_peers: AtomicU64,
    /// Connected peers that are members' devices.
    pub member_peers: AtomicU64,
    /// Peers disconnected because the roster no longer lists them.
    pub peers_cut_off: AtomicU64,
    /// Attachment requests sent (chunk lists and chunks).
    pub blob_requests: AtomicU64,
    /// Attachment requests answered with a chunk list or a chunk.
    pub blob_served: AtomicU64,
    /// Attachment requests refused: the asking device may not read the file.
    pub blob_refused: AtomicU64,
    /// Attachment requests dropped unanswered: the peer had too many under way.
    pub blob_busy: AtomicU64,
    /// Chunks fetched, checked and written.
    pub blob_chunks_fetched: AtomicU64,
    /// Bytes of those chunks.
    pub blob_bytes_fetched: AtomicU64,
    /// Chunks already held when a fetch resumed from its partial file.
    pub blob_chunks_resumed: AtomicU64,
    /// Chunks and chunk lists peers served that fail their hash (each penalised).
    pub blob_bad_answers: AtomicU64,
    /// Attachments fetched whole.
    pub blob_fetches_completed: AtomicU64,
    /// Fetches that stopped on an error or were given up.
    pub blob_fetches_failed: AtomicU64,
    /// Relay slots this node granted members' devices.
    pub relay_reservations_accepted: AtomicU64,
    /// Relay slots or circuits this node denied (not a connected member's device, or
    /// over a limit).
    pub relay_denied: AtomicU64,
    /// Circuits this node's relay opened between two members' devices.
    pub relay_circuits: AtomicU64,
    /// Relayed connections upgraded to direct ones by hole punching.
    pub holepunch_succeeded: AtomicU64,
    /// Hole punching attempts that failed (the relayed connection stays).
    pub holepunch_failed: AtomicU64,
    /// Bytes of the sync and attachment protocols' frames, each way.
    pub traffic: behaviour::Traffic,
    /// libp2p's own counters: bytes through every stream (by transport and direction)
    /// and gossipsub's (messages and their bytes by topic, duplicates included or not).
    libp2p: Libp2pRegistry,
}

/// libp2p's registry: its bandwidth counters name themselves `libp2p_bandwidth_*`;
/// gossipsub's are registered under `libp2p_gossipsub_`.
#[derive(Debug)]
struct Libp2pRegistry(std::sync::Mutex<libp2p::metrics::Registry>);

impl Default for Libp2pRegistry {
    fn default() -> Self {
        Libp2pRegistry(std::sync::Mutex::new(libp2p::metrics::Registry::default()))
    }
}

impl NetworkMetrics {
    fn libp2p_registry(&self) -> std::sync::MutexGuard<'_, libp2p::metrics::Registry> {
        // The registry holds only counters' handles: one poisoned by a panic elsewhere
        // is still whole.
        self.libp2p
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// libp2p's counters in the Prometheus text format, each name prefixed `libp2p_`
    /// (OpenMetrics' closing `# EOF` left out, so it can follow other metrics).
    pub fn libp2p_text(&self) -> String {
        let mut text = String::new();
        let registry = self.libp2p_registry();
        if prometheus_client::encoding::text::encode_registry(&mut text, &registry).is_err() {
            return String::new();
        }
        text
    }

    /// Every counter with its Prometheus name, help and type.
    pub fn samples(&self) -> Vec<(&'static str, &'static str, &'static str, u64)> {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        vec![
            (
                "commons_sync_bytes_sent_total",
                "Bytes of sync frames (requests and pages) written to peers.",
                "counter",
                read(&self.traffic.sync.sent),
            ),
            (
                "commons_sync_bytes_received_total",
                "Bytes of sync frames (requests and pages) read from peers.",
                "counter",
                read(&self.traffic.sync.received),
            ),
            (
                "commons_blob_bytes_sent_total",
                "Bytes of attachment frames (requests, chunk lists, chunks) written to peers.",
                "counter",
                read(&self.traffic.blob.sent),
            ),
            (
                "commons_blob_bytes_received_total",
                "Bytes of attachment frames (requests, chunk lists, chunks) read from peers.",
                "counter",
                read(&self.traffic.blob.received),
            ),
            (
                "commons_gossip_published_total",
                "Records published by gossip.",
                "counter",
                read(&self.gossip_published),
            ),
            (
                "commons_gossip_queue_full_total",
                "Publications no peer's gossip queue could take (sync delivers them).",
                "counter",
                read(&self.gossip_queue_full),
            ),
            (
                "commons_gossip_regossiped_total",
                "Records pulled from their author after its announcement, gossiped on.",
                "counter",
                read(&self.gossip_regossiped),
            ),
            (
                "commons_gossip_accepted_total",
                "Gossip messages stored.",
                "counter",
                read(&self.gossip_accepted),
            ),
            (
                "commons_gossip_ignored_total",
                "Gossip messages ignored (duplicate, early, not from a member, overload).",
                "counter",
                read(&self.gossip_ignored),
            ),
            (
                "commons_gossip_rejected_total",
                "Gossip messages rejected as provably bad.",
                "counter",
                read(&self.gossip_rejected),
            ),
            (
                "commons_sync_requests_total",
                "Sync requests sent.",
                "counter",
                read(&self.sync_requests),
            ),
            (
                "commons_sync_announcements_sent_total",
                "Announcements of moved feed heads sent to member peers.",
                "counter",
                read(&self.sync_announcements_sent),
            ),
            (
                "commons_sync_announcements_received_total",
                "Announcements of moved feed heads taken from member peers.",
                "counter",
                read(&self.sync_announcements_received),
            ),
            (
                "commons_sync_served_total",
                "Sync requests answered.",
                "counter",
                read(&self.sync_served),
            ),
            (
                "commons_sync_records_stored_total",
                "Records stored from sync pages.",
                "counter",
                read(&self.sync_stored),
            ),
            (
                "commons_sync_records_rejected_total",
                "Records served by sync that were provably bad.",
                "counter",
                read(&self.sync_rejected),
            ),
            (
                "commons_peers_connected",
                "Peers connected now.",
                "gauge",
                read(&self.connected_peers),
            ),
            (
                "commons_peers_members",
                "Connected peers that are members' devices.",
                "gauge",
                read(&self.member_peers),
            ),
            (
                "commons_peers_cut_off_total",
                "Peers disconnected because the roster no longer lists them.",
                "counter",
                read(&self.peers_cut_off),
            ),
            (
                "commons_relay_reservations_accepted_total",
                "Relay slots this node granted members' devices.",
                "counter",
                read(&self.relay_reservations_accepted),
            ),
            (
                "commons_relay_denied_total",
                "Relay slots or circuits denied (not a connected member's device, or over a limit).",
                "counter",
                read(&self.relay_denied),
            ),
            (
                "commons_relay_circuits_total",
                "Circuits this node's relay opened between members' devices.",
                "counter",
                read(&self.relay_circuits),
            ),
            (
                "commons_holepunch_succeeded_total",
                "Relayed connections upgraded to direct ones by hole punching.",
                "counter",
                read(&self.holepunch_succeeded),
            ),
            (
                "commons_holepunch_failed_total",
                "Hole punching attempts that failed.",
                "counter",
                read(&self.holepunch_failed),
            ),
            (
                "commons_blob_requests_total",
                "Attachment requests sent to peers (chunk lists and chunks).",
                "counter",
                read(&self.blob_requests),
            ),
            (
                "commons_blob_served_total",
                "Attachment requests answered with a chunk list or a chunk.",
                "counter",
                read(&self.blob_served),
            ),
            (
                "commons_blob_refused_total",
                "Attachment requests refused: the asking device may not read the file.",
                "counter",
                read(&self.blob_refused),
            ),
            (
                "commons_blob_busy_total",
                "Attachment requests dropped: the peer had too many under way.",
                "counter",
                read(&self.blob_busy),
            ),
            (
                "commons_blob_chunks_fetched_total",
                "Attachment chunks fetched from peers, checked and written.",
                "counter",
                read(&self.blob_chunks_fetched),
            ),
            (
                "commons_blob_bytes_fetched_total",
                "Bytes of attachment chunks fetched from peers.",
                "counter",
                read(&self.blob_bytes_fetched),
            ),
            (
                "commons_blob_chunks_resumed_total",
                "Chunks already held when a fetch resumed from its partial file.",
                "counter",
                read(&self.blob_chunks_resumed),
            ),
            (
                "commons_blob_bad_answers_total",
                "Chunks and chunk lists served by peers that fail their hash (the peer is penalised).",
                "counter",
                read(&self.blob_bad_answers),
            ),
            (
                "commons_blob_fetches_completed_total",
                "Attachments fetched whole.",
                "counter",
                read(&self.blob_fetches_completed),
            ),
            (
                "commons_blob_fetches_failed_total",
                "Attachment fetches stopped on an error or given up.",
                "counter",
                read(&self.blob_fetches_failed),
            ),
        ]
    }
}

/// What the handle asks of the event loop.
#[derive(Debug)]
pub(crate) enum Command {
    ListenAddrs {
        reply: oneshot::Sender<Vec<Multiaddr>>,
    },
    Dial {
        addr: Multiaddr,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    Disconnect {
        peer: PeerId,
        reply: oneshot::Sender<bool>,
    },
    ConnectedPeers {
        reply: oneshot::Sender<Vec<PeerId>>,
    },
    Report {
        reply: oneshot::Sender<SyncReport>,
    },
    GossipPeers {
        reply: oneshot::Sender<Vec<PeerId>>,
    },
    PeerScore {
        peer: PeerId,
        reply: oneshot::Sender<Option<f64>>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// The cloneable handle to the network task.
#[derive(Debug, Clone)]
pub struct NetworkHandle {
    commands: mpsc::Sender<Command>,
    fetches: FetchHandle,
    peer_id: PeerId,
    metrics: Arc<NetworkMetrics>,
}

impl NetworkHandle {
    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, NetworkError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| NetworkError::Shutdown)?;
        answer.await.map_err(|_| NetworkError::Shutdown)
    }

    /// This node's peer id (its device key).
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    /// The network's counters.
    pub fn metrics(&self) -> Arc<NetworkMetrics> {
        self.metrics.clone()
    }

    /// Where this node listens.
    pub async fn listen_addrs(&self) -> Result<Vec<Multiaddr>, NetworkError> {
        self.ask(|reply| Command::ListenAddrs { reply }).await
    }

    /// Starts dialing `addr`; answers once the dial is under way (the connection shows
    /// in [`NetworkHandle::connected_peers`] when it is made).
    pub async fn dial(&self, addr: Multiaddr) -> Result<(), NetworkError> {
        self.ask(|reply| Command::Dial { addr, reply }).await?
    }

    /// Closes every connection with `peer`; false if there was none.
    pub async fn disconnect(&self, peer: PeerId) -> Result<bool, NetworkError> {
        self.ask(|reply| Command::Disconnect { peer, reply }).await
    }

    /// The connected peers and where sync stands with each.
    pub async fn report(&self) -> Result<SyncReport, NetworkError> {
        self.ask(|reply| Command::Report { reply }).await
    }

    /// The peers connected now.
    pub async fn connected_peers(&self) -> Result<Vec<PeerId>, NetworkError> {
        self.ask(|reply| Command::ConnectedPeers { reply }).await
    }

    /// The peers known to be subscribed to this network's records topic.
    pub async fn gossip_peers(&self) -> Result<Vec<PeerId>, NetworkError> {
        self.ask(|reply| Command::GossipPeers { reply }).await
    }

    /// A peer's gossip score (negative after bad messages), if it is known.
    pub async fn peer_score(&self, peer: PeerId) -> Result<Option<f64>, NetworkError> {
        self.ask(|reply| Command::PeerScore { peer, reply }).await
    }

    /// Fetches an attachment's bytes from peers (one larger than the automatic limit,
    /// or one whose fetch is waiting for a peer that holds it: it is tried at once).
    /// Answers once the fetch is queued, or at once if the file is held or already
    /// wanted; follow it with [`NetworkHandle::fetch_progress`] or `BlobStore::has`.
    /// Refused ([`NetworkError::NotNamed`]) if no live record held here names the
    /// file, and ([`NetworkError::TooLarge`]) if its record gives a size over the
    /// largest attachment this node accepts; a file whose chunk list shows it larger
    /// than its record said is given up then.
    pub async fn fetch_attachment(&self, blob: BlobId) -> Result<(), NetworkError> {
        self.fetches.fetch(blob).await
    }

    /// How far the fetch of `blob` has got: bytes held and checked, and the file's
    /// size (the size its record gave, or 0 if unknown, until a peer's chunk list
    /// arrives). `None` when no fetch of it is queued, under way or stopped partway
    /// (the file is held whole, or nobody asked for it).
    pub async fn fetch_progress(&self, blob: BlobId) -> Result<Option<(u64, u64)>, NetworkError> {
        self.fetches.progress(blob).await
    }

    /// Stops the event loop: connections are closed, the tasks it spawned are ended.
    /// Answers once the loop has let go of the swarm; await the task's handle from
    /// [`start`] to wait for the very end.
    pub async fn shutdown(&self) -> Result<(), NetworkError> {
        self.ask(|reply| Command::Shutdown { reply }).await
    }
}

/// Builds the swarm with `device`'s key, listens on `settings.listen`, dials the
/// bootstrap peers and spawns the event loop under a span naming the node. Answers once
/// every listener has an address. The network is given only the parts of the node it
/// needs ([`NodeLink`]).
pub async fn start(
    settings: NetworkSettings,
    node: NodeLink,
    device: &DeviceKeypair,
) -> Result<(NetworkHandle, JoinHandle<()>), NetworkError> {
    let span = info_span!("network", node = %device.public());
    let store = node.store.clone();
    let own = device.public();
    let delegation = tokio::task::spawn_blocking(move || store.record_at(&own, 1))
        .await
        .map_err(|error| NetworkError::Task {
            what: "this device's delegation",
            source: Arc::new(error),
        })?
        .map_err(|error| NetworkError::Store {
            what: "this device's delegation",
            source: Arc::new(error),
        })?
        .map(|held| held.record.signed_bytes().to_vec())
        .ok_or(NetworkError::NoDelegation)?;
    let metrics = Arc::new(NetworkMetrics::default());
    let relay_access = behaviour::RelayAccess::new(settings.swarm.relay.offer);
    let (mut swarm, topics) = {
        let mut registry = metrics.libp2p_registry();
        behaviour::build_counted_swarm(
            device,
            &node.network,
            &settings.swarm,
            &metrics.traffic,
            &mut registry,
            &relay_access,
        )?
    };
    let peer_id = *swarm.local_peer_id();
    let mut listeners = Vec::new();
    for addr in &settings.listen {
        let id = swarm
            .listen_on(addr.clone())
            .map_err(|error| NetworkError::Listen {
                addr: addr.clone(),
                source: Arc::new(error),
            })?;
        listeners.push((id, addr.clone()));
    }
    let wait = async {
        let mut ready = std::collections::HashSet::new();
        while ready.len() < listeners.len() {
            match swarm.select_next_some().await {
                SwarmEvent::NewListenAddr {
                    listener_id,
                    address,
                } => {
                    info!(%address, "listening");
                    ready.insert(listener_id);
                }
                SwarmEvent::ListenerClosed {
                    listener_id,
                    reason,
                    ..
                } => {
                    let addr = listeners
                        .iter()
                        .find(|(id, _)| *id == listener_id)
                        .map_or_else(Multiaddr::empty, |(_, addr)| addr.clone());
                    let source = match reason {
                        Ok(()) => std::io::Error::other("the listener closed"),
                        Err(error) => error,
                    };
                    return Err(NetworkError::Listen {
                        addr,
                        source: Arc::new(source),
                    });
                }
                SwarmEvent::ListenerError { error, .. } => {
                    return Err(NetworkError::Listen {
                        addr: Multiaddr::empty(),
                        source: Arc::new(error),
                    });
                }
                other => debug!(event = ?other, "swarm event before listening"),
            }
        }
        Ok(())
    };
    match tokio::time::timeout(LISTEN_TIMEOUT, wait)
        .instrument(span.clone())
        .await
    {
        Ok(result) => result?,
        Err(_) => {
            return Err(NetworkError::Listen {
                addr: settings
                    .listen
                    .first()
                    .cloned()
                    .unwrap_or_else(Multiaddr::empty),
                source: Arc::new(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no address after {LISTEN_TIMEOUT:?}"),
                )),
            });
        }
    }
    for addr in &settings.bootstrap {
        if let Err(error) = swarm.dial(addr.clone()) {
            tracing::warn!(parent: &span, %addr, %error, "cannot dial a bootstrap peer");
        }
    }
    let (commands_tx, commands) = mpsc::channel(COMMAND_QUEUE_CAPACITY);
    let (calls_tx, calls) = mpsc::channel(BLOB_CALL_CAPACITY);
    let (fetcher, fetches) = Fetcher::new(
        node.blobs.clone(),
        node.store.clone(),
        node.ingest.subscribe(),
        calls_tx,
        metrics.clone(),
        settings.attachments,
    );
    let event_loop = EventLoop::new(
        swarm,
        topics,
        node,
        delegation,
        commands,
        metrics.clone(),
        settings,
    )
    .with_fetcher(fetcher, calls)
    .with_relay_access(relay_access);
    let task = tokio::spawn(event_loop.run().instrument(span));
    Ok((
        NetworkHandle {
            commands: commands_tx,
            fetches,
            peer_id,
            metrics,
        },
        task,
    ))
}
