//! The network's event loop: the step where records cross between this node and its
//! peers. It owns the swarm and reacts, one event at a time, to commands from the
//! handles, to results of the tasks it spawned, to swarm events and to records that
//! ingest has just stored.
//!
//! - **Out by gossip**: a record stored with `Source::Local` is published (an alert on
//!   the alerts topic, anything else on the records topic). If gossipsub cannot queue it
//!   for any peer (`AllQueuesFull`), it is not published again: its id is already in the
//!   duplicate cache, so the same bytes would only be refused as a duplicate until the
//!   cache forgets them. Sync delivers it instead (next point).
//! - **Announcements**: a feed this node moved by a publish, a sync page or an import
//!   is announced to every member peer a moment later ([`super::announce`] decides what
//!   and when), and the feeds stored lately to a peer gossipsub reports as slow. A peer
//!   takes an announcement like a heads answer and pulls what it lacks at once, then
//!   announces onwards what it pulled; so a record gossip missed reaches every node in
//!   a fraction of a second per hop, not at the next periodic sync round. An announced
//!   feed already being pulled from some peer is set aside and looked at again when
//!   that pull's page is stored.
//! - **In by gossip**: each message is handed to ingest in a task of its own (the loop
//!   never waits for ingest); the outcome comes back to the loop, which reports it to
//!   gossipsub: `Accept` once stored (or when it proves a fork), `Reject` when ingest
//!   finds it provably bad, `Ignore` otherwise (duplicate, unknown author, a gap, not a
//!   member, overload). A record stored with a gap below it is followed by a pull of the
//!   gap from the peer that sent it.
//! - **Sync out**: on every new connection, and every sync interval with one connected
//!   peer in turn, the peer's feed heads are asked for, compared with this node's, and
//!   the missing ranges pulled page by page, each page through ingest. At most
//!   [`MAX_SYNC_IN_FLIGHT_PER_PEER`] requests per peer are under way; the rest wait in
//!   a bounded queue.
//! - **Sync in**: a peer's request is answered from the store on the blocking pool
//!   ([`super::sync_serve`]), at most [`MAX_SERVING_PER_PEER`] at a time per peer; the
//!   answer returns through the loop, which owns the swarm.
//! - **Attachments**: a peer's `/commons/blob/1` request is answered from disk on the
//!   blocking pool ([`super::blob_serve`]), with the same access as its sync requests,
//!   at most [`MAX_BLOB_SERVING_PER_PEER`] at a time per peer (past that the request is
//!   dropped unanswered). The fetcher ([`super::blob_fetch`]), a task the loop owns,
//!   sends its requests through the loop and gets the answers back; a peer it catches
//!   serving bytes that fail their hash loses application score as for a forged record.
//! - **Admission**: the first request each way on a connection is a hello carrying the
//!   asking device's delegation. It is ingested like any record, so the roster can tell
//!   whether the device is a member's before anything else is answered. A member's
//!   device is served in full, gossips with this node and is a source of any record. Any
//!   other device has a gossip score below the publish threshold (nothing is gossiped to
//!   it and its messages are ignored unread), is served `Public` records only when the
//!   charter is open-read, and is a source of its own feed only (its application). Each
//!   time the roster changes, every connected peer is judged again: a member's device
//!   that is no longer one (its org removed, the device revoked) is disconnected; a
//!   newly admitted one is synced with in full.
//! - **After a restore**: while this device's publishing is held
//!   ([`crate::restore`]), each member peer's report of this device's own feed is
//!   noted, the feed is pulled up to the highest seq reported (not only to the peer's
//!   contiguous head), and after each heads answer, each page and each disconnection
//!   the hold is looked at again; it ends once every connected member peer has
//!   reported and the store has caught up.
//! - **Discovery**: bootstrap addresses, identify, Kademlia (peer routing only) and
//!   mDNS; while fewer than the target number of peers are connected, discovered and
//!   known peers are dialed.
//!
//! Every task the loop spawns is held in a `JoinSet` and ended on shutdown.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use commons_protocol::sync::MAX_PAGE_BYTES;
use commons_protocol::sync::missing_range;
use commons_protocol::{
    AgainstError, BlobRequest, BlobResponse, Body, DeviceKey, FeedSummary, ForkProof, Refusal,
    Roster, SyncRequest, SyncResponse, decode_record,
};
use futures::StreamExt;
use libp2p::gossipsub::{self, MessageAcceptance, MessageId, PublishError};
use libp2p::request_response::{self, OutboundRequestId, ResponseChannel};
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId, Swarm, identify, kad, mdns};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tracing::{Instrument, debug, info, warn};

use super::announce::{Announcer, Audience};
use super::behaviour::{
    BAD_SYNC_RECORD_APP_SCORE, Behaviour, BehaviourEvent, KAD_PROTOCOL, NON_MEMBER_APP_SCORE,
    Topics, device_of,
};
use super::blob_fetch::{BlobCall, Fetcher};
use super::sync_serve::{Access, serve, summary};
use super::{
    Command, NetworkError, NetworkMetrics, NetworkSettings, PeerReport, SyncReport, unix_ms,
};
use crate::ingest::{IngestError, Ingested, Source, StoredEvent};
use crate::metrics::Metrics;
use crate::node::NodeHandle;
use crate::restore::Hold;

/// Results of spawned tasks waiting for the loop.
pub const INTERNAL_QUEUE_CAPACITY: usize = 256;
/// Gossip messages being ingested at once; past this, new ones are ignored (sync will
/// bring them).
pub const MAX_GOSSIP_IN_FLIGHT: usize = 1024;
/// Sync requests under way to one peer.
pub const MAX_SYNC_IN_FLIGHT_PER_PEER: usize = 4;
/// Sync requests waiting to be sent to one peer; past this, new ones are dropped (the
/// next round of heads asks again).
pub const MAX_SYNC_QUEUED_PER_PEER: usize = 1024;
/// Announcements to one peer under way (beside its sync requests); past this, a round
/// skips the peer (the next round, or the periodic sync, tells it).
pub const MAX_ANNOUNCEMENTS_IN_FLIGHT: usize = 2;
/// Announced feeds set aside while they are being pulled from another peer; past this,
/// new ones are dropped (the periodic sync round covers them).
pub const MAX_DEFERRED_ANNOUNCED_FEEDS: usize = 4096;
/// Feeds being pulled from their own author's device after it announced them (what
/// is stored is gossiped on, below); past this, such a pull is not remembered.
pub const MAX_FRESH_PULLS: usize = 1024;
/// A peer's requests being answered at once; past this, it is told `Busy`.
pub const MAX_SERVING_PER_PEER: usize = 4;
/// A peer's attachment requests being answered at once; past this, a request is
/// dropped unanswered (an honest fetcher keeps at most 8 chunks in flight per peer,
/// and asks for a few chunk lists).
pub const MAX_BLOB_SERVING_PER_PEER: usize = 16;
/// Records asked for per page.
pub const SYNC_PAGE_RECORDS: u32 = 512;
/// Pages from one peer being ingested at once. While fewer are, the next page of a
/// feed is asked for as soon as a page arrives, so the transfer of one page overlaps
/// the verification of the one before; past it, the next page waits for ingest.
pub const MAX_PAGES_INGESTING_PER_PEER: usize = 2;
/// Bytes of records asked for per page.
pub const SYNC_PAGE_BYTES: u32 = MAX_PAGE_BYTES;
/// The most feed heads remembered per peer (for planning and for `commons sync`); a
/// peer listing more is not asked for further pages of heads.
pub const MAX_HEADS_PER_PEER: usize = 64 * 1024;
/// How often connections, discovery and hellos are looked after.
pub const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(1);
/// The first periodic sync round after start. Rounds then come at twice the previous
/// gap until they reach the configured interval: a node that has just started is the
/// one most likely to be missing feeds its first peers had not heard of yet.
pub const FIRST_SYNC_ROUND: Duration = Duration::from_secs(1);
/// How long to wait before saying hello again to a member's device that did not admit
/// this one (it may not have heard of this node's admission yet).
pub const HELLO_RETRY: Duration = Duration::from_secs(5);
/// How long to wait before dialing known peers again while below the target.
pub const REDIAL_INTERVAL: Duration = Duration::from_secs(10);

/// What a spawned task reports to the loop.
enum Internal {
    /// Ingest judged a gossip message.
    GossipJudged {
        message_id: MessageId,
        source: PeerId,
        acceptance: MessageAcceptance,
        /// A gap below the stored record, to pull from `source`.
        pull: Option<SyncRequest>,
    },
    /// An answer to a peer's request is ready.
    Served {
        peer: PeerId,
        channel: ResponseChannel<SyncResponse>,
        response: SyncResponse,
    },
    /// An answer to a peer's attachment request is ready (`None`: the disk or the
    /// store failed, and the request is dropped).
    BlobServed {
        peer: PeerId,
        channel: ResponseChannel<BlobResponse>,
        response: Option<BlobResponse>,
    },
    /// A peer's answer to this node's hello was ingested.
    Introduced {
        peer: PeerId,
        /// Whether the peer admits this node as a member's device.
        admitted_us: bool,
        /// Its delegation was provably bad, or not its own.
        bad: bool,
    },
    /// Records pulled from their author's device after its announcement were stored:
    /// gossip them on (its own gossip did not carry them).
    Regossip { records: Vec<Vec<u8>> },
    /// The heads of feeds to announce have been read.
    Announce {
        audience: Audience,
        feeds: Vec<FeedSummary>,
    },
    /// What to ask a peer next, after its heads or a page of records.
    Plan {
        peer: PeerId,
        /// The feed of the page, after a page.
        author: Option<DeviceKey>,
        requests: Vec<SyncRequest>,
        /// Provably bad records the peer served.
        bad_records: usize,
        /// Records stored from the page.
        stored: usize,
        /// The peer has served all it will of this feed, up to the head it reported.
        exhausted: Option<DeviceKey>,
        /// The plan follows the ingest of a page of records.
        page: bool,
    },
}

/// Where feed heads a peer reported come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    /// A page of the answer to this node's heads request; `more` if another follows.
    Page { more: bool },
    /// The peer's own announcement of feeds it has just moved.
    Announced,
    /// The peer's answer to this node's announcement: its heads of the same feeds.
    AnswerToAnnouncement,
}

/// How this node sees a connected peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerStanding {
    /// A member's device, per this node's roster.
    Member,
    /// Any other device (or one whose delegation has not arrived yet).
    Outsider,
}

/// One connected peer.
#[derive(Debug)]
struct PeerState {
    device: Option<DeviceKey>,
    standing: PeerStanding,
    /// What the peer said of this node in its hello answer.
    admitted_us: Option<bool>,
    hello_retry_at: Option<tokio::time::Instant>,
    address: Multiaddr,
    connected_ms: u64,
    last_sync_ms: Option<u64>,
    records_pulled: u64,
    queue: VecDeque<SyncRequest>,
    in_flight: usize,
    /// Announcements to it under way.
    announcing: usize,
    serving: usize,
    /// Its attachment requests being answered.
    blob_serving: usize,
    /// Chunks or chunk lists it served that fail their hash.
    bad_blobs: usize,
    /// Pages of its records being ingested.
    ingesting: usize,
    bad_records: usize,
    /// The feed heads it last reported.
    heads: HashMap<DeviceKey, FeedSummary>,
    /// Feeds it has served all it will of, at the head it reported then: not asked
    /// again until that head changes (retracted records and, for a reader, records kept
    /// among members leave holes no peer can fill).
    exhausted: HashMap<DeviceKey, FeedSummary>,
    /// While publishing is held after a restore: the highest seq of this device's own
    /// feed it reported (0 if it holds none), once its heads answer covered that feed.
    own_feed_reported: Option<u64>,
}

impl PeerState {
    fn new(device: Option<DeviceKey>, standing: PeerStanding, address: Multiaddr) -> Self {
        PeerState {
            device,
            standing,
            admitted_us: None,
            hello_retry_at: None,
            address,
            connected_ms: unix_ms(),
            last_sync_ms: None,
            records_pulled: 0,
            queue: VecDeque::new(),
            in_flight: 0,
            announcing: 0,
            serving: 0,
            blob_serving: 0,
            bad_blobs: 0,
            ingesting: 0,
            bad_records: 0,
            heads: HashMap::new(),
            exhausted: HashMap::new(),
            own_feed_reported: None,
        }
    }

    /// The score this node gives the peer by itself.
    fn app_score(&self) -> f64 {
        let base = match self.standing {
            PeerStanding::Member => 0.0,
            PeerStanding::Outsider => NON_MEMBER_APP_SCORE,
        };
        base + BAD_SYNC_RECORD_APP_SCORE * (self.bad_records + self.bad_blobs) as f64
    }
}

/// How `device` stands in `roster`: a member's device if its org is a member and the
/// device is not revoked.
pub fn standing(roster: &Roster, device: Option<&DeviceKey>) -> PeerStanding {
    let member = device
        .and_then(|device| roster.device(device))
        .is_some_and(|state| state.revoked_from.is_none() && roster.is_member(&state.org));
    if member {
        PeerStanding::Member
    } else {
        PeerStanding::Outsider
    }
}

/// The loop that owns the swarm.
pub struct EventLoop {
    swarm: Swarm<Behaviour>,
    topics: Topics,
    node: NodeHandle,
    delegation: Arc<Vec<u8>>,
    commands: mpsc::Receiver<Command>,
    stored: broadcast::Receiver<StoredEvent>,
    roster: watch::Receiver<Arc<Roster>>,
    internal_tx: mpsc::Sender<Internal>,
    internal: mpsc::Receiver<Internal>,
    tasks: JoinSet<()>,
    metrics: Arc<NetworkMetrics>,
    settings: NetworkSettings,
    peers: HashMap<PeerId, PeerState>,
    pending: HashMap<OutboundRequestId, (PeerId, SyncRequest)>,
    best_known: HashMap<DeviceKey, FeedSummary>,
    announcer: Announcer,
    /// Announced feeds being pulled from another peer already: by feed, the peer that
    /// announced it and what it announced.
    deferred: HashMap<DeviceKey, (PeerId, FeedSummary)>,
    /// Feeds being pulled from their author's device after it announced them.
    fresh_pulls: HashSet<(PeerId, DeviceKey)>,
    /// Pages of each feed being ingested, from any peer: while one is, the next page's
    /// request may be waiting in its task rather than in a queue.
    ingesting_feeds: HashMap<DeviceKey, usize>,
    gossip_in_flight: usize,
    next_redial: tokio::time::Instant,
    /// The attachment fetcher, until the loop starts it.
    fetcher: Option<Fetcher>,
    blob_calls: mpsc::Receiver<BlobCall>,
    blob_pending: HashMap<OutboundRequestId, oneshot::Sender<Result<BlobResponse, String>>>,
}

impl std::fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLoop")
            .field("peer", self.swarm.local_peer_id())
            .finish_non_exhaustive()
    }
}

fn add(counter: &AtomicU64, n: usize) {
    Metrics::add(counter, n as u64);
}

/// How gossip reports what ingest made of a message.
pub fn acceptance(result: &Result<Ingested, IngestError>) -> MessageAcceptance {
    match result {
        Ok(Ingested::Stored { .. } | Ingested::Fork { .. }) => MessageAcceptance::Accept,
        Ok(_) => MessageAcceptance::Ignore,
        Err(error) if error.is_malicious() => MessageAcceptance::Reject,
        Err(_) => MessageAcceptance::Ignore,
    }
}

/// A random index below `len` (peers to sync with are picked at random, so that no
/// peer can predict, or starve, whom a node syncs with).
fn random_index(len: usize) -> usize {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0;
    }
    (u64::from_le_bytes(bytes) % len.max(1) as u64) as usize
}

impl EventLoop {
    pub(crate) fn new(
        swarm: Swarm<Behaviour>,
        topics: Topics,
        node: NodeHandle,
        delegation: Vec<u8>,
        commands: mpsc::Receiver<Command>,
        metrics: Arc<NetworkMetrics>,
        settings: NetworkSettings,
    ) -> Self {
        let (internal_tx, internal) = mpsc::channel(INTERNAL_QUEUE_CAPACITY);
        let stored = node.ingest.subscribe();
        let roster = node.ingest.watch_roster();
        // No fetcher until one is given ([`EventLoop::with_fetcher`]): nothing calls.
        let (_, blob_calls) = mpsc::channel(1);
        EventLoop {
            swarm,
            topics,
            node,
            delegation: Arc::new(delegation),
            commands,
            stored,
            roster,
            internal_tx,
            internal,
            tasks: JoinSet::new(),
            metrics,
            settings,
            peers: HashMap::new(),
            pending: HashMap::new(),
            best_known: HashMap::new(),
            announcer: Announcer::default(),
            deferred: HashMap::new(),
            fresh_pulls: HashSet::new(),
            ingesting_feeds: HashMap::new(),
            gossip_in_flight: 0,
            next_redial: tokio::time::Instant::now() + REDIAL_INTERVAL,
            fetcher: None,
            blob_calls,
            blob_pending: HashMap::new(),
        }
    }

    /// Gives the loop the attachment fetcher, which it starts and owns, and the channel
    /// the fetcher's requests come in on.
    pub(crate) fn with_fetcher(
        mut self,
        fetcher: Fetcher,
        calls: mpsc::Receiver<BlobCall>,
    ) -> Self {
        self.fetcher = Some(fetcher);
        self.blob_calls = calls;
        self
    }

    /// Runs until told to shut down or every handle is dropped.
    pub async fn run(mut self) {
        info!(peer = %self.swarm.local_peer_id(), "network started");
        let interval = self.settings.sync_interval;
        let mut sync_gap = self.settings.first_sync_round.min(interval);
        let mut next_sync = tokio::time::Instant::now() + sync_gap;
        let mut maintenance = tokio::time::interval(MAINTENANCE_INTERVAL);
        maintenance.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut stored_open = true;
        let mut roster_open = true;
        let mut shutdown_reply = None;
        if let Some(fetcher) = self.fetcher.take() {
            self.spawn(fetcher.run());
        }
        loop {
            let announce_at = self.announcer.due();
            tokio::select! {
                biased;
                command = self.commands.recv() => match command {
                    Some(Command::Shutdown { reply }) => {
                        shutdown_reply = Some(reply);
                        break;
                    }
                    Some(command) => self.on_command(command),
                    None => break,
                },
                Some(internal) = self.internal.recv() => self.on_internal(internal),
                Some(call) = self.blob_calls.recv() => self.on_blob_call(call),
                changed = self.roster.changed(), if roster_open => match changed {
                    Ok(()) => self.on_roster_changed(),
                    Err(_) => roster_open = false,
                },
                event = self.swarm.select_next_some() => self.on_swarm(event),
                stored = self.stored.recv(), if stored_open => match stored {
                    Ok(event) => self.on_stored(&event),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        warn!(missed, "fell behind the stored records; peers will pull the missed ones by sync");
                    }
                    Err(broadcast::error::RecvError::Closed) => stored_open = false,
                },
                Some(joined) = self.tasks.join_next(), if !self.tasks.is_empty() => {
                    if let Err(error) = joined && error.is_panic() {
                        warn!(%error, "a network task panicked");
                    }
                }
                () = tokio::time::sleep_until(next_sync) => {
                    self.periodic_sync();
                    sync_gap = (sync_gap * 2).min(interval);
                    next_sync = tokio::time::Instant::now() + sync_gap;
                }
                () = tokio::time::sleep_until(announce_at.unwrap_or(next_sync)), if announce_at.is_some() => {
                    self.announce_due();
                }
                _ = maintenance.tick() => self.maintain(),
            }
        }
        self.tasks.shutdown().await;
        drop(self.swarm);
        info!("network stopped");
        if let Some(reply) = shutdown_reply {
            let _ = reply.send(());
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::ListenAddrs { reply } => {
                let _ = reply.send(self.swarm.listeners().cloned().collect());
            }
            Command::Dial { addr, reply } => {
                let result = self
                    .swarm
                    .dial(addr.clone())
                    .map_err(|error| NetworkError::Dial {
                        addr: addr.clone(),
                        error: error.to_string(),
                    });
                debug!(%addr, ok = result.is_ok(), "dial");
                let _ = reply.send(result);
            }
            Command::Disconnect { peer, reply } => {
                let _ = reply.send(self.swarm.disconnect_peer_id(peer).is_ok());
            }
            Command::ConnectedPeers { reply } => {
                let _ = reply.send(self.swarm.connected_peers().copied().collect());
            }
            Command::GossipPeers { reply } => {
                let records = self.topics.records.hash();
                let peers = self
                    .swarm
                    .behaviour()
                    .gossipsub
                    .all_peers()
                    .filter(|(_, topics)| topics.contains(&&records))
                    .map(|(peer, _)| *peer)
                    .collect();
                let _ = reply.send(peers);
            }
            Command::PeerScore { peer, reply } => {
                let _ = reply.send(self.swarm.behaviour().gossipsub.peer_score(&peer));
            }
            Command::Report { reply } => {
                let _ = reply.send(self.report());
            }
            // Handled by the loop itself.
            Command::Shutdown { reply } => {
                let _ = reply.send(());
            }
        }
    }

    fn report(&self) -> SyncReport {
        let records = self.topics.records.hash();
        let gossip: std::collections::HashSet<PeerId> = self
            .swarm
            .behaviour()
            .gossipsub
            .all_peers()
            .filter(|(_, topics)| topics.contains(&&records))
            .map(|(peer, _)| *peer)
            .collect();
        let mesh: std::collections::HashSet<PeerId> = self
            .swarm
            .behaviour()
            .gossipsub
            .mesh_peers(&records)
            .copied()
            .collect();
        let mut peers: Vec<PeerReport> = self
            .peers
            .iter()
            .map(|(peer, state)| PeerReport {
                peer: *peer,
                device: state.device,
                member: state.standing == PeerStanding::Member,
                admitted_us: state.admitted_us,
                address: state.address.clone(),
                connected_ms: state.connected_ms,
                last_sync_ms: state.last_sync_ms,
                records_pulled: state.records_pulled,
                feeds_reported: state.heads.len(),
                score: self.swarm.behaviour().gossipsub.peer_score(peer),
                in_mesh: mesh.contains(peer),
                gossip: gossip.contains(peer),
            })
            .collect();
        peers.sort_by_key(|peer| peer.peer);
        let mut best_known: Vec<FeedSummary> = self.best_known.values().copied().collect();
        best_known.sort_by_key(|feed| feed.author);
        SyncReport { peers, best_known }
    }

    /// Publishes a record this node made, and passes on by gossip a member device's
    /// delegation learnt by sync (from its hello or a page): nodes not connected to that
    /// device then know it within a heartbeat rather than at their next sync round, and
    /// each device is learnt once, so this costs one message per device.
    fn on_stored(&mut self, event: &StoredEvent) {
        let record = &event.record;
        self.announcer.stored(
            record.record().author,
            event.source,
            tokio::time::Instant::now(),
        );
        let relay = event.source == Source::Sync
            && match &record.record().body {
                Body::Delegation(delegation) => self.roster.borrow().is_member(&delegation.org),
                _ => false,
            };
        if event.source != Source::Local && !relay {
            return;
        }
        let topic = match record.record().body {
            Body::Alert(_) => self.topics.alerts.clone(),
            _ => self.topics.records.clone(),
        };
        let id = record.id();
        match self
            .swarm
            .behaviour_mut()
            .gossipsub
            .publish(topic.clone(), record.signed_bytes())
        {
            Ok(_) => {
                add(&self.metrics.gossip_published, 1);
                debug!(record = %id, %topic, "published");
            }
            Err(PublishError::NoPeersSubscribedToTopic) => {
                debug!(record = %id, %topic, "no peer to publish to yet; peers will pull it by sync");
                self.announcer
                    .not_gossiped(record.record().author, tokio::time::Instant::now());
            }
            Err(PublishError::AllQueuesFull(peers)) => {
                add(&self.metrics.gossip_queue_full, 1);
                debug!(record = %id, peers, "every peer's gossip queue is full; it is announced, and peers pull it by sync");
                self.announcer
                    .not_gossiped(record.record().author, tokio::time::Instant::now());
            }
            Err(error) => warn!(record = %id, %error, "cannot publish"),
        }
    }

    /// Gossips records this node pulled from their author's device after it announced
    /// them: the author could not gossip them (or its gossip missed this node, and
    /// likely others), so without this they would cross the network only by
    /// announcements, a pull per hop. A node that holds them already ignores them as a
    /// duplicate (the message id is the record's hash, the same as the author's).
    fn regossip(&mut self, records: Vec<Vec<u8>>) {
        for bytes in records {
            let Ok(decoded) = decode_record(&bytes, &self.node.network) else {
                continue;
            };
            let topic = match decoded.record().body {
                Body::Alert(_) => self.topics.alerts.clone(),
                _ => self.topics.records.clone(),
            };
            match self.swarm.behaviour_mut().gossipsub.publish(topic, bytes) {
                Ok(_) => add(&self.metrics.gossip_regossiped, 1),
                Err(error) => debug!(%error, "cannot gossip on a record pulled from its author"),
            }
        }
    }

    fn spawn<F>(&mut self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.tasks.spawn(task.in_current_span());
    }

    fn set_app_score(&mut self, peer: PeerId) {
        if let Some(state) = self.peers.get(&peer) {
            let score = state.app_score();
            self.swarm
                .behaviour_mut()
                .gossipsub
                .set_application_score(&peer, score);
        }
    }

    fn on_connected(&mut self, peer: PeerId, address: Multiaddr) {
        let device = device_of(&peer);
        let standing = standing(&self.roster.borrow(), device.as_ref());
        self.peers
            .insert(peer, PeerState::new(device, standing, address));
        self.set_app_score(peer);
        self.update_peer_gauges();
        let hello = SyncRequest::Hello {
            delegation: self.delegation.as_ref().clone(),
        };
        self.enqueue(peer, [hello]);
    }

    fn update_peer_gauges(&self) {
        let members = self
            .peers
            .values()
            .filter(|state| state.standing == PeerStanding::Member)
            .count();
        self.metrics
            .connected_peers
            .store(self.peers.len() as u64, Ordering::Relaxed);
        self.metrics
            .member_peers
            .store(members as u64, Ordering::Relaxed);
    }

    fn on_swarm(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::ConnectionEstablished {
                peer_id,
                num_established,
                endpoint,
                ..
            } => {
                info!(peer = %peer_id, addr = %endpoint.get_remote_address(), "connected");
                if num_established.get() == 1 {
                    self.on_connected(peer_id, endpoint.get_remote_address().clone());
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established,
                cause,
                ..
            } => {
                info!(peer = %peer_id, cause = ?cause, "connection closed");
                if num_established == 0 {
                    self.peers.remove(&peer_id);
                    self.announcer.forget_peer(peer_id);
                    self.update_peer_gauges();
                    self.check_publishing_hold();
                }
            }
            SwarmEvent::NewListenAddr { address, .. } => info!(%address, "listening"),
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                debug!(peer = ?peer_id, %error, "cannot connect");
            }
            SwarmEvent::IncomingConnectionError {
                send_back_addr,
                error,
                ..
            } => debug!(addr = %send_back_addr, %error, "incoming connection failed"),
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(event)) => self.on_gossip(event),
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => self.on_sync(event),
            SwarmEvent::Behaviour(BehaviourEvent::Blob(event)) => self.on_blob(event),
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                info,
                ..
            })) => {
                debug!(peer = %peer_id, agent = %info.agent_version, "identified");
                let kad = info.protocols.contains(&KAD_PROTOCOL);
                for addr in info.listen_addrs {
                    self.swarm.add_peer_address(peer_id, addr.clone());
                    if kad && let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
                        kad.add_address(&peer_id, addr);
                    }
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Kad(kad::Event::RoutingUpdated {
                peer, ..
            })) => self.discovered(peer),
            SwarmEvent::Behaviour(BehaviourEvent::Mdns(mdns::Event::Discovered(found))) => {
                for (peer, addr) in found {
                    debug!(peer = %peer, %addr, "found on the LAN");
                    self.swarm.add_peer_address(peer, addr.clone());
                    if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
                        kad.add_address(&peer, addr);
                    }
                    self.discovered(peer);
                }
            }
            SwarmEvent::Behaviour(_) => {}
            other => debug!(event = ?other, "swarm event"),
        }
    }

    /// Dials a peer found by discovery while this node has fewer than its target.
    fn discovered(&mut self, peer: PeerId) {
        if peer == *self.swarm.local_peer_id()
            || self.swarm.is_connected(&peer)
            || self.swarm.connected_peers().count() >= self.settings.target_peers
        {
            return;
        }
        if let Err(error) = self.swarm.dial(peer) {
            debug!(peer = %peer, %error, "cannot dial a discovered peer");
        }
    }

    /// Once a second: hellos to retry, and peers to dial while below the target.
    fn maintain(&mut self) {
        let now = tokio::time::Instant::now();
        let retry: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, state)| state.hello_retry_at.is_some_and(|at| at <= now))
            .map(|(peer, _)| *peer)
            .collect();
        for peer in retry {
            if let Some(state) = self.peers.get_mut(&peer) {
                state.hello_retry_at = None;
            }
            let hello = SyncRequest::Hello {
                delegation: self.delegation.as_ref().clone(),
            };
            self.enqueue(peer, [hello]);
        }
        if now >= self.next_redial {
            self.next_redial = now + REDIAL_INTERVAL;
            if self.swarm.connected_peers().count() < self.settings.target_peers {
                // A Kademlia lookup dials every peer it meets on the way, which in a
                // small network is all of them: so it runs only while this node has
                // fewer peers than its target, never to add peers beyond it.
                if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut()
                    && let Err(error) = kad.bootstrap()
                {
                    debug!(%error, "no peer known to look for more peers through");
                }
                for addr in self.settings.bootstrap.clone() {
                    let connected = addr.iter().any(|part| match part {
                        libp2p::multiaddr::Protocol::P2p(peer) => self.swarm.is_connected(&peer),
                        _ => false,
                    });
                    if !connected {
                        let _ = self.swarm.dial(addr);
                    }
                }
                let known: Vec<PeerId> = self
                    .swarm
                    .behaviour_mut()
                    .kad
                    .as_mut()
                    .map(|kad| {
                        kad.kbuckets()
                            .flat_map(|bucket| {
                                bucket
                                    .iter()
                                    .map(|entry| *entry.node.key.preimage())
                                    .collect::<Vec<_>>()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                for peer in known {
                    self.discovered(peer);
                }
            }
        }
    }

    /// Judges every connected peer again after the roster changed.
    fn on_roster_changed(&mut self) {
        let roster = self.roster.borrow_and_update().clone();
        let mut admitted = Vec::new();
        let mut cut_off = Vec::new();
        for (peer, state) in &mut self.peers {
            let now = standing(&roster, state.device.as_ref());
            if now == state.standing {
                continue;
            }
            state.standing = now;
            match now {
                PeerStanding::Member => admitted.push(*peer),
                PeerStanding::Outsider => cut_off.push(*peer),
            }
        }
        // What was out of reach may not be any more, on either side.
        for state in self.peers.values_mut() {
            state.exhausted.clear();
        }
        for peer in cut_off {
            info!(peer = %peer, "the roster no longer lists this peer as a member's device; disconnecting");
            add(&self.metrics.peers_cut_off, 1);
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        for peer in admitted {
            info!(peer = %peer, "the roster admits this peer's device; syncing in full");
            self.set_app_score(peer);
            self.ask_heads(peer);
        }
        self.update_peer_gauges();
    }

    /// Asks `peer` for its heads, unless a heads request is already on its way.
    fn ask_heads(&mut self, peer: PeerId) {
        let asking = self.peers.get(&peer).is_some_and(|state| {
            state
                .queue
                .iter()
                .any(|r| matches!(r, SyncRequest::Heads { .. }))
        }) || self
            .pending
            .values()
            .any(|(p, r)| *p == peer && matches!(r, SyncRequest::Heads { .. }));
        if !asking {
            self.enqueue(peer, [SyncRequest::Heads { after: None }]);
        }
    }

    fn on_gossip(&mut self, event: gossipsub::Event) {
        let gossipsub::Event::Message {
            propagation_source,
            message_id,
            message,
        } = event
        else {
            match event {
                gossipsub::Event::Subscribed { peer_id, topic } => {
                    debug!(peer = %peer_id, %topic, "peer subscribed");
                }
                gossipsub::Event::SlowPeer {
                    peer_id,
                    failed_messages,
                } => {
                    let member = self
                        .peers
                        .get(&peer_id)
                        .is_some_and(|state| state.standing == PeerStanding::Member);
                    debug!(peer = %peer_id, member, ?failed_messages, "gossip could not send to a slow peer; the feeds stored lately are announced to it");
                    if member {
                        self.announcer
                            .slow_peer(peer_id, tokio::time::Instant::now());
                    }
                }
                _ => {}
            }
            return;
        };
        let from_member = self
            .peers
            .get(&propagation_source)
            .is_some_and(|state| state.standing == PeerStanding::Member);
        if !from_member
            || !self.topics.contains(&message.topic)
            || self.gossip_in_flight >= MAX_GOSSIP_IN_FLIGHT
        {
            add(&self.metrics.gossip_ignored, 1);
            self.swarm
                .behaviour_mut()
                .gossipsub
                .report_message_validation_result(
                    &message_id,
                    &propagation_source,
                    MessageAcceptance::Ignore,
                );
            return;
        }
        self.gossip_in_flight += 1;
        let ingest = self.node.ingest.clone();
        let network = self.node.network;
        let internal = self.internal_tx.clone();
        self.spawn(async move {
            let data = message.data;
            let result = ingest.submit(data.clone(), Source::Gossip).await;
            // A gap below the record, or a feed this node has never seen (its
            // delegation not held yet): pull what is missing from the sender.
            let pull = match &result {
                Ok(Ingested::Stored {
                    missing: Some(range),
                    ..
                }) => decode_record(&data, &network)
                    .ok()
                    .map(|decoded| page_request(decoded.record().author, range.first, range.last)),
                Err(IngestError::Refused(AgainstError::UnknownAuthor { author })) => {
                    decode_record(&data, &network)
                        .ok()
                        .filter(|decoded| decoded.record().author == *author)
                        .map(|decoded| page_request(*author, 1, decoded.record().seq))
                }
                _ => None,
            };
            if let Err(error) = &result {
                debug!(peer = %propagation_source, %error, "gossip record not stored");
            }
            let judged = Internal::GossipJudged {
                message_id,
                source: propagation_source,
                acceptance: acceptance(&result),
                pull,
            };
            let _ = internal.send(judged).await;
        });
    }

    fn on_internal(&mut self, internal: Internal) {
        match internal {
            Internal::GossipJudged {
                message_id,
                source,
                acceptance,
                pull,
            } => {
                self.gossip_in_flight = self.gossip_in_flight.saturating_sub(1);
                let counter = match acceptance {
                    MessageAcceptance::Accept => &self.metrics.gossip_accepted,
                    MessageAcceptance::Reject => {
                        warn!(peer = %source, message = %message_id, "a peer gossiped a provably bad record");
                        &self.metrics.gossip_rejected
                    }
                    MessageAcceptance::Ignore => &self.metrics.gossip_ignored,
                };
                add(counter, 1);
                self.swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(&message_id, &source, acceptance);
                if let Some(request) = pull {
                    debug!(peer = %source, request = ?request, "pulling a gap seen in gossip");
                    self.enqueue(source, [request]);
                }
            }
            Internal::Served {
                peer,
                channel,
                response,
            } => {
                if let Some(state) = self.peers.get_mut(&peer) {
                    state.serving = state.serving.saturating_sub(1);
                }
                add(&self.metrics.sync_served, 1);
                if self
                    .swarm
                    .behaviour_mut()
                    .sync
                    .send_response(channel, response)
                    .is_err()
                {
                    debug!(peer = %peer, "the peer left before its sync answer was ready");
                }
            }
            Internal::BlobServed {
                peer,
                channel,
                response,
            } => {
                if let Some(state) = self.peers.get_mut(&peer) {
                    state.blob_serving = state.blob_serving.saturating_sub(1);
                }
                let Some(response) = response else {
                    return;
                };
                match response {
                    BlobResponse::Refused => add(&self.metrics.blob_refused, 1),
                    BlobResponse::ChunkList(_) | BlobResponse::Chunk(_) => {
                        add(&self.metrics.blob_served, 1);
                    }
                    BlobResponse::NotHeld => {}
                }
                if self
                    .swarm
                    .behaviour_mut()
                    .blob
                    .send_response(channel, response)
                    .is_err()
                {
                    debug!(peer = %peer, "the peer left before its attachment answer was ready");
                }
            }
            Internal::Introduced {
                peer,
                admitted_us,
                bad,
            } => {
                let roster = self.roster.borrow().clone();
                let Some(state) = self.peers.get_mut(&peer) else {
                    return;
                };
                if bad {
                    state.bad_records += 1;
                    add(&self.metrics.sync_rejected, 1);
                    warn!(peer = %peer, "a peer introduced itself with a delegation that is not its own or does not hold");
                }
                state.admitted_us = Some(admitted_us);
                state.standing = standing(&roster, state.device.as_ref());
                let member = state.standing == PeerStanding::Member;
                // A member's device that does not admit this one yet may not have heard
                // of this node's admission: ask again later.
                state.hello_retry_at =
                    (member && !admitted_us).then(|| tokio::time::Instant::now() + HELLO_RETRY);
                if admitted_us {
                    state.exhausted.clear();
                }
                debug!(peer = %peer, member, admitted_us, "hello answered");
                self.set_app_score(peer);
                self.update_peer_gauges();
                self.ask_heads(peer);
                self.check_publishing_hold();
            }
            Internal::Announce { audience, feeds } => self.send_announcement(audience, feeds),
            Internal::Regossip { records } => self.regossip(records),
            Internal::Plan {
                peer,
                author,
                requests,
                bad_records,
                stored,
                exhausted,
                page,
            } => {
                if page
                    && let Some(author) = author
                    && let Some(count) = self.ingesting_feeds.get_mut(&author)
                {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        self.ingesting_feeds.remove(&author);
                    }
                }
                if let Some(state) = self.peers.get_mut(&peer) {
                    if page {
                        state.ingesting = state.ingesting.saturating_sub(1);
                    }
                    state.records_pulled += stored as u64;
                    if let Some(author) = exhausted
                        && let Some(head) = state.heads.get(&author)
                    {
                        state.exhausted.insert(author, *head);
                    }
                }
                if page {
                    self.check_publishing_hold();
                }
                if bad_records > 0 {
                    add(&self.metrics.sync_rejected, bad_records);
                    if let Some(state) = self.peers.get_mut(&peer) {
                        state.bad_records += bad_records;
                    }
                    warn!(peer = %peer, bad_records, "a peer served provably bad records by sync; its pull stops");
                    // Its gossip score drops with it: the application score weighs in.
                    self.set_app_score(peer);
                }
                self.enqueue(peer, requests);
                // An announcement of this feed set aside while it was being pulled:
                // the store has moved, so look at it again.
                if page
                    && let Some(author) = author
                    && let Some((from, feed)) = self.deferred.remove(&author)
                {
                    self.take_heads(from, vec![feed], Listing::Announced);
                }
            }
        }
    }

    /// While publishing is held after a restore: how catching up with this device's own
    /// feed stands, from the member peers' reports and the store, handed to the gate
    /// (which releases the hold once caught up).
    fn check_publishing_hold(&mut self) {
        if !self.node.publishing.is_held() {
            return;
        }
        let mut hold = Hold::default();
        for state in self.peers.values() {
            // A member's device that does not admit this one will not report.
            if state.standing != PeerStanding::Member || state.admitted_us == Some(false) {
                continue;
            }
            match state.own_feed_reported {
                Some(seq) => {
                    hold.peers_reported += 1;
                    hold.highest_reported = hold.highest_reported.max(seq);
                }
                None => hold.peers_waiting += 1,
            }
        }
        let node = self.node.clone();
        self.spawn(async move {
            let store = node.store.clone();
            let own = node.device;
            match tokio::task::spawn_blocking(move || store.head(&own)).await {
                Ok(Ok(head)) => {
                    hold.own_seq = head.map_or(0, |head| head.max_seq);
                    node.publishing.update(hold);
                }
                Ok(Err(error)) => warn!(%error, "cannot read this device's feed head"),
                Err(error) => warn!(%error, "reading this device's feed head failed"),
            }
        });
    }

    /// Queues requests to `peer` and sends what its in-flight bound allows.
    fn enqueue(&mut self, peer: PeerId, requests: impl IntoIterator<Item = SyncRequest>) {
        let Some(state) = self.peers.get_mut(&peer) else {
            return;
        };
        for request in requests {
            if state.queue.len() >= MAX_SYNC_QUEUED_PER_PEER {
                debug!(peer = %peer, "sync queue full; the next heads round asks again");
                break;
            }
            state.queue.push_back(request);
        }
        while state.in_flight < MAX_SYNC_IN_FLIGHT_PER_PEER {
            let Some(request) = state.queue.pop_front() else {
                break;
            };
            state.in_flight += 1;
            let id = self
                .swarm
                .behaviour_mut()
                .sync
                .send_request(&peer, request.clone());
            add(&self.metrics.sync_requests, 1);
            self.pending.insert(id, (peer, request));
        }
    }

    /// Every sync interval: ask one member's device, picked at random, for its heads.
    fn periodic_sync(&mut self) {
        let members: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, state)| state.standing == PeerStanding::Member)
            .map(|(peer, _)| *peer)
            .collect();
        if members.is_empty() {
            return;
        }
        let peer = members[random_index(members.len())];
        if self
            .peers
            .get(&peer)
            .is_some_and(|state| state.queue.is_empty() && state.in_flight == 0)
        {
            debug!(peer = %peer, "periodic sync");
            self.ask_heads(peer);
        }
    }

    fn on_sync(&mut self, event: request_response::Event<SyncRequest, SyncResponse>) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => self.on_request(peer, request, channel),
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some((peer, request)) = self.finish_request(request_id) {
                        self.on_response(peer, request, response);
                    }
                }
            },
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                debug!(peer = %peer, %error, "sync request failed");
                self.finish_request(request_id);
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                debug!(peer = %peer, %error, "answering a sync request failed");
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    /// Carries the fetcher's requests to peers, and its verdicts on them.
    fn on_blob_call(&mut self, call: BlobCall) {
        match call {
            BlobCall::Request {
                peer,
                request,
                reply,
            } => {
                if !self.peers.contains_key(&peer) {
                    let _ = reply.send(Err("the peer is not connected".to_owned()));
                    return;
                }
                let id = self.swarm.behaviour_mut().blob.send_request(&peer, request);
                self.blob_pending.insert(id, reply);
            }
            BlobCall::Sources { reply } => {
                let members = self
                    .peers
                    .iter()
                    .filter(|(_, state)| state.standing == PeerStanding::Member)
                    .map(|(peer, _)| *peer)
                    .collect();
                let _ = reply.send(members);
            }
            BlobCall::Penalise { peer, blob, why } => {
                add(&self.metrics.blob_bad_answers, 1);
                warn!(peer = %peer, %blob, why, "a peer served an attachment's bytes that fail their hash; its score drops");
                if let Some(state) = self.peers.get_mut(&peer) {
                    state.bad_blobs += 1;
                }
                self.set_app_score(peer);
            }
        }
    }

    fn on_blob(&mut self, event: request_response::Event<BlobRequest, BlobResponse>) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => self.on_blob_request(peer, request, channel),
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some(reply) = self.blob_pending.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                debug!(peer = %peer, %error, "attachment request failed");
                if let Some(reply) = self.blob_pending.remove(&request_id) {
                    let _ = reply.send(Err(error.to_string()));
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                debug!(peer = %peer, %error, "answering an attachment request failed");
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    /// Answers a peer's attachment request from disk, with the access its sync
    /// requests have.
    fn on_blob_request(
        &mut self,
        peer: PeerId,
        request: BlobRequest,
        channel: ResponseChannel<BlobResponse>,
    ) {
        let open_read = self.node.charter.open_read;
        let Some(state) = self.peers.get_mut(&peer) else {
            return;
        };
        if state.blob_serving >= MAX_BLOB_SERVING_PER_PEER {
            debug!(peer = %peer, "too many attachment requests at once from one peer");
            add(&self.metrics.blob_busy, 1);
            return;
        }
        state.blob_serving += 1;
        let access = Access::of(state.standing == PeerStanding::Member, open_read);
        let node = self.node.clone();
        let internal = self.internal_tx.clone();
        self.spawn(async move {
            let store = node.store.clone();
            let blobs = node.blobs.clone();
            let read = tokio::task::spawn_blocking(move || {
                super::blob_serve::serve(store.as_ref(), &blobs, &request, access)
            })
            .await;
            let response = match read {
                Ok(Ok(response)) => Some(response),
                Ok(Err(error)) => {
                    warn!(%error, "cannot answer an attachment request");
                    None
                }
                Err(error) => {
                    warn!(%error, "an attachment read failed");
                    None
                }
            };
            let served = Internal::BlobServed {
                peer,
                channel,
                response,
            };
            let _ = internal.send(served).await;
        });
    }

    /// Forgets an answered or failed request and sends the next one queued.
    fn finish_request(&mut self, id: OutboundRequestId) -> Option<(PeerId, SyncRequest)> {
        let (peer, request) = self.pending.remove(&id)?;
        if let Some(state) = self.peers.get_mut(&peer) {
            if matches!(request, SyncRequest::Announce { .. }) {
                state.announcing = state.announcing.saturating_sub(1);
            } else {
                state.in_flight = state.in_flight.saturating_sub(1);
            }
        }
        self.enqueue(peer, []);
        Some((peer, request))
    }

    fn on_request(
        &mut self,
        peer: PeerId,
        request: SyncRequest,
        channel: ResponseChannel<SyncResponse>,
    ) {
        let open_read = self.node.charter.open_read;
        // An outsider greets again every few seconds while it waits to be admitted; each
        // greeting is a chance to pull its own feed, so an application it published after
        // connecting reaches this node without a reconnection. (Only its own feed is
        // pulled from an outsider, and a heads request already under way is not repeated.)
        if matches!(request, SyncRequest::Hello { .. })
            && self
                .peers
                .get(&peer)
                .is_some_and(|state| state.standing == PeerStanding::Outsider)
        {
            self.ask_heads(peer);
        }
        // An announcement is taken as the peer's heads of those feeds (within the same
        // bound as its other requests), then answered with this node's heads of them.
        if let SyncRequest::Announce { feeds } = &request
            && self
                .peers
                .get(&peer)
                .is_some_and(|state| state.serving < MAX_SERVING_PER_PEER)
        {
            add(&self.metrics.sync_announcements_received, 1);
            self.take_heads(peer, feeds.clone(), Listing::Announced);
        }
        let Some(state) = self.peers.get_mut(&peer) else {
            let _ = self
                .swarm
                .behaviour_mut()
                .sync
                .send_response(channel, SyncResponse::Refused(Refusal::Busy));
            return;
        };
        if state.serving >= MAX_SERVING_PER_PEER {
            debug!(peer = %peer, "too many sync requests at once from one peer");
            let busy = SyncResponse::Refused(Refusal::Busy);
            let _ = self.swarm.behaviour_mut().sync.send_response(channel, busy);
            return;
        }
        state.serving += 1;
        let device = state.device;
        let access = Access::of(state.standing == PeerStanding::Member, open_read);
        let node = self.node.clone();
        let internal = self.internal_tx.clone();
        let own_delegation = self.delegation.clone();
        self.spawn(async move {
            let response = match request {
                SyncRequest::Hello { delegation } => {
                    let bad = !introduce(&node, device, delegation, peer).await;
                    let admitted =
                        !bad && standing(&node.roster(), device.as_ref()) == PeerStanding::Member;
                    SyncResponse::Hello {
                        delegation: own_delegation.as_ref().clone(),
                        admitted,
                    }
                }
                request => {
                    let store = node.store.clone();
                    let read = tokio::task::spawn_blocking(move || {
                        serve(store.as_ref(), &request, access)
                    })
                    .await;
                    match read {
                        Ok(Ok(response)) => response,
                        Ok(Err(error)) => {
                            warn!(%error, "cannot read the store to answer a sync request");
                            SyncResponse::Refused(Refusal::Busy)
                        }
                        Err(error) => {
                            warn!(%error, "the sync read failed");
                            SyncResponse::Refused(Refusal::Busy)
                        }
                    }
                }
            };
            let _ = internal
                .send(Internal::Served {
                    peer,
                    channel,
                    response,
                })
                .await;
        });
    }

    /// Takes feed heads `peer` reported (a page of its heads, an answer to this node's
    /// announcement, or its own announcement): remembers them and pulls what this node
    /// lacks.
    fn take_heads(&mut self, peer: PeerId, feeds: Vec<FeedSummary>, listing: Listing) {
        let internal = self.internal_tx.clone();
        let node = self.node.clone();
        let Some(state) = self.peers.get_mut(&peer) else {
            return;
        };
        let own = self.node.device;
        let holding = self.node.publishing.is_held();
        state.last_sync_ms = Some(unix_ms());
        let room = MAX_HEADS_PER_PEER.saturating_sub(state.heads.len());
        let member = state.standing == PeerStanding::Member;
        for feed in feeds.iter().take(room) {
            state.heads.insert(feed.author, *feed);
            if member {
                let best = self.best_known.entry(feed.author).or_insert(*feed);
                best.contiguous = best.contiguous.max(feed.contiguous);
                best.max_seq = best.max_seq.max(feed.max_seq);
                best.frozen |= feed.frozen;
            }
        }
        if holding && member {
            let reported = feeds.iter().find(|feed| feed.author == own);
            // Heads come in ascending order of author: a page past this device's, or
            // the last page, says whether the peer holds it. An announcement names
            // only some feeds, so only its mention of this one counts.
            let covered = match listing {
                Listing::Page { more } => {
                    !more || feeds.last().is_some_and(|last| last.author >= own)
                }
                Listing::Announced | Listing::AnswerToAnnouncement => false,
            };
            if reported.is_some() || covered {
                let seq = reported.map_or(0, |feed| feed.max_seq);
                state.own_feed_reported = Some(state.own_feed_reported.unwrap_or(0).max(seq));
            }
        }
        let mut next = Vec::new();
        if let Listing::Page { more: true } = listing
            && feeds.len() <= room
            && let Some(last) = feeds.last()
        {
            next.push(SyncRequest::Heads {
                after: Some(last.author),
            });
        }
        // Only a member's device is a source of any feed; any other is a source of its
        // own feed only (its application).
        let only = if member { None } else { state.device };
        let pulling_from = |author: &DeviceKey, pending_anywhere: bool| {
            state
                .queue
                .iter()
                .chain(
                    self.pending
                        .values()
                        .filter(|(p, _)| pending_anywhere || *p == peer)
                        .map(|(_, r)| r),
                )
                .any(|r| matches!(r, SyncRequest::Range { author: a, .. } if a == author))
                || (pending_anywhere && self.ingesting_feeds.contains_key(author))
        };
        let mut wanted = Vec::new();
        let mut set_aside = Vec::new();
        let device = state.device;
        for feed in feeds {
            if only.is_some_and(|author| feed.author != author)
                || state.exhausted.get(&feed.author) == Some(&feed)
            {
                continue;
            }
            match listing {
                // A page of heads: pull each feed from this peer unless it already is.
                Listing::Page { .. } => {
                    if !pulling_from(&feed.author, false) {
                        wanted.push(feed);
                    }
                }
                // An announcement: a feed already being pulled from any peer waits for
                // that pull's page, so the same records are not fetched twice.
                Listing::Announced | Listing::AnswerToAnnouncement => {
                    if pulling_from(&feed.author, true) {
                        set_aside.push(feed);
                    } else {
                        // Its author announcing its own feed: what this node lacks of
                        // it, gossip most likely did not carry anywhere.
                        if listing == Listing::Announced
                            && device == Some(feed.author)
                            && self.fresh_pulls.len() < MAX_FRESH_PULLS
                        {
                            self.fresh_pulls.insert((peer, feed.author));
                        }
                        wanted.push(feed);
                    }
                }
            }
        }
        for feed in set_aside {
            let room = self.deferred.len() < MAX_DEFERRED_ANNOUNCED_FEEDS
                || self.deferred.contains_key(&feed.author);
            if room {
                self.deferred.insert(feed.author, (peer, feed));
            }
        }
        if wanted.is_empty() && next.is_empty() {
            self.check_publishing_hold();
            return;
        }
        self.spawn(async move {
            let store = node.store.clone();
            let own_to_max = holding.then_some(own);
            let planned =
                tokio::task::spawn_blocking(move || plan(store.as_ref(), &wanted, own_to_max))
                    .await;
            match planned {
                Ok(Ok(requests)) => next.extend(requests),
                Ok(Err(error)) => warn!(%error, "cannot read the store to plan sync"),
                Err(error) => warn!(%error, "the sync plan failed"),
            }
            let plan = Internal::Plan {
                peer,
                author: None,
                requests: next,
                bad_records: 0,
                stored: 0,
                exhausted: None,
                page: false,
            };
            let _ = internal.send(plan).await;
        });
        self.check_publishing_hold();
    }

    /// Reads the heads of the feeds the announcer says are due, for each audience.
    fn announce_due(&mut self) {
        for (audience, authors) in self.announcer.take_due(tokio::time::Instant::now()) {
            let node = self.node.clone();
            let internal = self.internal_tx.clone();
            self.spawn(async move {
                let store = node.store.clone();
                let read = tokio::task::spawn_blocking(move || {
                    let mut feeds = Vec::with_capacity(authors.len());
                    for author in &authors {
                        if let Some(head) = store.head(author)? {
                            feeds.push(summary(&head));
                        }
                    }
                    Ok::<_, crate::store::StoreError>(feeds)
                })
                .await;
                match read {
                    Ok(Ok(feeds)) if !feeds.is_empty() => {
                        let _ = internal.send(Internal::Announce { audience, feeds }).await;
                    }
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => warn!(%error, "cannot read the feeds to announce"),
                    Err(error) => warn!(%error, "reading the feeds to announce failed"),
                }
            });
        }
    }

    /// Sends an announcement of `feeds` to each connected member's device in
    /// `audience` that has fewer than [`MAX_ANNOUNCEMENTS_IN_FLIGHT`] under way.
    fn send_announcement(&mut self, audience: Audience, feeds: Vec<FeedSummary>) {
        let targets: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(peer, state)| {
                state.standing == PeerStanding::Member
                    && state.admitted_us != Some(false)
                    && state.announcing < MAX_ANNOUNCEMENTS_IN_FLIGHT
                    && match audience {
                        Audience::Members => true,
                        Audience::Peer(only) => **peer == only,
                    }
            })
            .map(|(peer, _)| *peer)
            .collect();
        for peer in targets {
            let request = SyncRequest::Announce {
                feeds: feeds.clone(),
            };
            let id = self
                .swarm
                .behaviour_mut()
                .sync
                .send_request(&peer, request.clone());
            if let Some(state) = self.peers.get_mut(&peer) {
                state.announcing += 1;
            }
            add(&self.metrics.sync_announcements_sent, 1);
            self.pending.insert(id, (peer, request));
        }
    }

    fn on_response(&mut self, peer: PeerId, request: SyncRequest, response: SyncResponse) {
        let internal = self.internal_tx.clone();
        let node = self.node.clone();
        let Some(state) = self.peers.get_mut(&peer) else {
            return;
        };
        match response {
            SyncResponse::Hello {
                delegation,
                admitted,
            } => {
                let device = state.device;
                self.spawn(async move {
                    let good = introduce(&node, device, delegation, peer).await;
                    let introduced = Internal::Introduced {
                        peer,
                        admitted_us: admitted,
                        bad: !good,
                    };
                    let _ = internal.send(introduced).await;
                });
            }
            SyncResponse::Heads { feeds, more } => {
                let listing = if matches!(request, SyncRequest::Announce { .. }) {
                    Listing::AnswerToAnnouncement
                } else {
                    Listing::Page { more }
                };
                self.take_heads(peer, feeds, listing);
            }
            SyncResponse::Records { records, more } => {
                let SyncRequest::Range { author, to_seq, .. } = request else {
                    debug!(peer = %peer, "records answered to a request for something else");
                    return;
                };
                let reported = state.heads.get(&author).map(|head| head.contiguous);
                let covers_head = reported.is_some_and(|head| to_seq >= head);
                if records.is_empty() {
                    if covers_head && !more {
                        state
                            .heads
                            .get(&author)
                            .copied()
                            .map(|head| state.exhausted.insert(author, head));
                    }
                    return;
                }
                let last_seq = records
                    .last()
                    .and_then(|last| decode_record(last, &self.node.network).ok())
                    .filter(|decoded| decoded.record().author == author)
                    .map(|decoded| decoded.record().seq);
                let next = match last_seq {
                    Some(last_seq) if more && last_seq < to_seq => {
                        Some(page_request(author, last_seq + 1, to_seq))
                    }
                    _ => None,
                };
                let done = next.is_none();
                // Ask for the next page now, while this one is verified, unless the
                // peer's pages are already piling up in ingest.
                let prefetch = next.is_some()
                    && state.bad_records == 0
                    && state.ingesting < MAX_PAGES_INGESTING_PER_PEER;
                state.ingesting += 1;
                *self.ingesting_feeds.entry(author).or_default() += 1;
                let deferred = if prefetch { None } else { next.clone() };
                if prefetch {
                    self.enqueue(peer, next);
                }
                let fresh = self.fresh_pulls.contains(&(peer, author));
                if fresh && done {
                    self.fresh_pulls.remove(&(peer, author));
                }
                let copies = fresh.then(|| records.clone());
                let metrics = self.metrics.clone();
                self.spawn(async move {
                    let results = node.ingest.submit_many(records, Source::Sync).await;
                    if let Some(copies) = copies {
                        let records: Vec<Vec<u8>> = copies
                            .into_iter()
                            .zip(&results)
                            .filter(|(_, result)| matches!(result, Ok(Ingested::Stored { .. })))
                            .map(|(bytes, _)| bytes)
                            .collect();
                        if !records.is_empty() {
                            let _ = internal.send(Internal::Regossip { records }).await;
                        }
                    }
                    let stored = results
                        .iter()
                        .filter(|result| matches!(result, Ok(Ingested::Stored { .. })))
                        .count();
                    let bad_records = results
                        .iter()
                        .filter(|result| result.as_ref().is_err_and(IngestError::is_malicious))
                        .count();
                    add(&metrics.sync_stored, stored);
                    debug!(peer = %peer, %author, stored, bad_records, "sync page ingested");
                    // A peer that served a bad record is asked for nothing more of it.
                    let requests = deferred.filter(|_| bad_records == 0).into_iter().collect();
                    let plan = Internal::Plan {
                        peer,
                        author: Some(author),
                        requests,
                        bad_records,
                        stored,
                        exhausted: (done && covers_head).then_some(author),
                        page: true,
                    };
                    let _ = internal.send(plan).await;
                });
            }
            SyncResponse::ForkProofs { proofs } => {
                self.spawn(async move {
                    let mut records = Vec::new();
                    let mut bad_records = 0;
                    for bytes in &proofs {
                        match ForkProof::decode(bytes, &node.network) {
                            Ok(proof) => {
                                let (a, b) = proof.records();
                                records.push(a.signed_bytes().to_vec());
                                records.push(b.signed_bytes().to_vec());
                            }
                            Err(error) => {
                                debug!(peer = %peer, %error, "a fork proof does not hold");
                                bad_records += 1;
                            }
                        }
                    }
                    if !records.is_empty() {
                        let _ = node.ingest.submit_many(records, Source::Sync).await;
                    }
                    let plan = Internal::Plan {
                        peer,
                        author: None,
                        requests: Vec::new(),
                        bad_records,
                        stored: 0,
                        exhausted: None,
                        page: false,
                    };
                    let _ = internal.send(plan).await;
                });
            }
            SyncResponse::Refused(Refusal::NotAMember) => {
                debug!(peer = %peer, "the peer does not admit this node (yet)");
                state.admitted_us = Some(false);
                if state.standing == PeerStanding::Member {
                    state.hello_retry_at = Some(tokio::time::Instant::now() + HELLO_RETRY);
                }
            }
            SyncResponse::Refused(refusal) => {
                debug!(peer = %peer, refusal = ?refusal, "sync request refused");
            }
        }
    }
}

/// Ingests the delegation a peer introduced itself with: true if it is the peer's own
/// (its author is the peer's device, it opens the feed) and ingest did not find it
/// provably bad. A delegation ingest refuses for other reasons (an org it does not know,
/// a revoked device) is not the peer's fault: the peer simply stays an outsider.
async fn introduce(
    node: &NodeHandle,
    device: Option<DeviceKey>,
    delegation: Vec<u8>,
    peer: PeerId,
) -> bool {
    let Ok(decoded) = decode_record(&delegation, &node.network) else {
        return false;
    };
    let header = decoded.record();
    if Some(header.author) != device
        || header.seq != 1
        || !matches!(header.body, Body::Delegation(_))
    {
        return false;
    }
    match node.ingest.submit(delegation, Source::Sync).await {
        Ok(_) => true,
        Err(error) if error.is_malicious() => false,
        Err(error) => {
            debug!(peer = %peer, %error, "a peer's delegation is not stored");
            true
        }
    }
}

/// A request for one page of `author`'s feed.
pub fn page_request(author: DeviceKey, from_seq: u64, to_seq: u64) -> SyncRequest {
    SyncRequest::Range {
        author,
        from_seq,
        to_seq,
        max_records: SYNC_PAGE_RECORDS,
        max_bytes: SYNC_PAGE_BYTES,
    }
}

/// What to pull after a peer's heads: each feed's missing range, and the fork proofs if
/// the peer has frozen a feed this node has not. The feed of `own_to_max` (this device,
/// while its publishing is held after a restore) is pulled up to the peer's highest seq,
/// past any hole, since no seq it holds may be signed again.
pub fn plan(
    store: &dyn crate::store::Store,
    remote: &[FeedSummary],
    own_to_max: Option<DeviceKey>,
) -> Result<Vec<SyncRequest>, crate::store::StoreError> {
    let mut requests = Vec::new();
    let mut proofs = false;
    for feed in remote {
        let local = store.head(&feed.author)?.map(|head| summary(&head));
        let range = if own_to_max == Some(feed.author) {
            let (contiguous, max_seq) = local.map_or((0, 0), |l| (l.contiguous, l.max_seq));
            (feed.max_seq > max_seq && !local.is_some_and(|l| l.frozen))
                .then_some((contiguous + 1, feed.max_seq))
        } else {
            missing_range(local.as_ref(), feed)
        };
        if let Some((from, to)) = range {
            requests.push(page_request(feed.author, from, to));
        }
        proofs |= feed.frozen && !local.is_some_and(|local| local.frozen);
    }
    if proofs {
        requests.push(SyncRequest::ForkProofs);
    }
    Ok(requests)
}

#[cfg(test)]
mod tests {
    use commons_protocol::{DeviceKeypair, RecordError, RecordId};

    use super::*;

    #[test]
    fn a_held_node_pulls_its_own_feed_past_a_peers_hole() {
        let store = crate::store::MemoryStore::new();
        let own = DeviceKeypair::from_seed([7; 32]).public();
        let other = DeviceKeypair::from_seed([8; 32]).public();
        let reported = |author| FeedSummary {
            author,
            contiguous: 3,
            max_seq: 7,
            frozen: false,
        };
        let remote = [reported(own), reported(other)];
        let ranges = |requests: Vec<SyncRequest>| -> Vec<(DeviceKey, u64, u64)> {
            requests
                .into_iter()
                .filter_map(|request| match request {
                    SyncRequest::Range {
                        author,
                        from_seq,
                        to_seq,
                        ..
                    } => Some((author, from_seq, to_seq)),
                    _ => None,
                })
                .collect()
        };
        // Held: its own feed up to the highest seq reported; others to the contiguous head.
        let held = ranges(plan(&store, &remote, Some(own)).unwrap());
        assert_eq!(held, vec![(own, 1, 7), (other, 1, 3)]);
        let open = ranges(plan(&store, &remote, None).unwrap());
        assert_eq!(open, vec![(own, 1, 3), (other, 1, 3)]);
    }

    #[test]
    fn gossip_rejects_only_what_is_provably_bad() {
        let id = RecordId::of(b"record");
        let stored = Ok(Ingested::Stored { id, missing: None });
        assert_eq!(acceptance(&stored), MessageAcceptance::Accept);
        assert_eq!(
            acceptance(&Ok(Ingested::Duplicate { id })),
            MessageAcceptance::Ignore
        );
        let forged = Err(IngestError::Invalid(RecordError::BadSignature));
        assert_eq!(acceptance(&forged), MessageAcceptance::Reject);
        let unknown = Err(IngestError::Refused(AgainstError::UnknownAuthor {
            author: DeviceKeypair::from_seed([3; 32]).public(),
        }));
        assert_eq!(acceptance(&unknown), MessageAcceptance::Ignore);
        assert_eq!(
            acceptance(&Err(IngestError::Shutdown)),
            MessageAcceptance::Ignore
        );
    }
}
