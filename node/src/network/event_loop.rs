//! The network's event loop: the step where records cross between this node and its
//! peers. It owns the swarm and reacts, one event at a time, to commands from the
//! handles, to results of the tasks it spawned, to swarm events and to records that
//! ingest has just stored. What to ask each peer for is decided by the sync planner
//! ([`super::sync_plan`]), which does no I/O: the loop hands it what happened and
//! carries out what it returns (send a request, read heads from the store, ingest a
//! page, disconnect a peer). The loop itself does the rest:
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
//!   a fraction of a second per hop, not at the next periodic sync round.
//! - **In by gossip**: each message is handed to ingest in a task of its own (the loop
//!   never waits for ingest); the outcome comes back to the loop, which reports it to
//!   gossipsub: `Accept` once stored (or when it proves a fork), `Reject` when ingest
//!   finds it provably bad, `Ignore` otherwise (duplicate, unknown author, a gap, not a
//!   member, overload). A record stored with a gap below it is followed by a pull of the
//!   gap from the peer that sent it.
//! - **Sync out**: the planner's requests are sent, its reads of heads are done on the
//!   blocking pool and its pages handed to ingest, each in a task whose outcome comes
//!   back to the planner through the loop. Every sync interval it is told to run a
//!   periodic round with one connected member peer picked at random.
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
//!   time the roster changes, the planner judges every connected peer again: a member's
//!   device that is no longer one (its org removed, the device revoked) is disconnected;
//!   a newly admitted one is synced with in full.
//! - **After a restore**: while this device's publishing is held
//!   ([`crate::restore`]), the planner hands over the member peers' reports of this
//!   device's own feed; the loop adds the store's head of it and gives the result to
//!   the publishing gate, which ends the hold once caught up.
//! - **Discovery**: bootstrap addresses, identify, Kademlia (peer routing only) and
//!   mDNS; while fewer than the target number of peers are connected, discovered and
//!   known peers are dialed, and so is a member's node whose last connection closed,
//!   with a backoff, also through every member relay this node is connected to
//!   ([`super::redial`]).
//!
//! Every task the loop spawns is held in a `JoinSet` and ended on shutdown.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use commons_protocol::{
    AgainstError, BlobRequest, BlobResponse, Body, DeviceKey, FeedSummary, ForkProof, NetworkId,
    Refusal, SyncRequest, SyncResponse, decode_record,
};
use futures::StreamExt;
use libp2p::core::ConnectedPoint;
use libp2p::core::transport::ListenerId;
use libp2p::gossipsub::{self, MessageAcceptance, MessageId, PublishError};
use libp2p::request_response::{self, OutboundRequestId, ResponseChannel};
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{ConnectionError, ConnectionId, SwarmEvent};
use libp2p::{Multiaddr, PeerId, Swarm, autonat, dcutr, identify, kad, mdns, ping, relay};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tracing::{Instrument, debug, info, warn};

use super::announce::{Announcer, Audience};
use super::behaviour::{
    BAD_SYNC_RECORD_APP_SCORE, Behaviour, BehaviourEvent, KAD_PROTOCOL, NON_MEMBER_APP_SCORE,
    RelayAccess, Topics, device_of,
};
use super::blob_fetch::{BlobCall, Fetcher};
use super::reach::{Reach, autonat_dial_gap, is_relayed, relay_offer_seen};
use super::redial::{Redials, circuit_addresses};
use super::sync_plan::{
    Action, Answer, Context, Input, PageTicket, PeerStanding, Planner, ReadTicket, RequestTicket,
    page_request, standing,
};
use super::sync_serve::{Access, serve, summary};
use super::{
    Command, NetworkError, NetworkMetrics, NetworkSettings, NodeLink, PeerReport, ReachReport,
    SyncReport,
};
use crate::ingest::{IngestError, Ingested, Source, StoredEvent};
use crate::metrics::Metrics;
use crate::publish_gate::Hold;

/// Results of spawned tasks waiting for the loop.
pub const INTERNAL_QUEUE_CAPACITY: usize = 256;
/// Gossip messages being ingested at once; past this, new ones are ignored (sync will
/// bring them).
pub const MAX_GOSSIP_IN_FLIGHT: usize = 1024;
/// A peer's requests being answered at once; past this, it is told `Busy`.
pub const MAX_SERVING_PER_PEER: usize = 4;
/// A peer's attachment requests being answered at once; past this, a request is
/// dropped unanswered (an honest fetcher keeps at most 8 chunks in flight per peer,
/// and asks for a few chunk lists).
pub const MAX_BLOB_SERVING_PER_PEER: usize = 16;
/// How often connections, discovery and hellos are looked after.
pub const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(1);
/// The first periodic sync round after start. Rounds then come at twice the previous
/// gap until they reach the configured interval: a node that has just started is the
/// one most likely to be missing feeds its first peers had not heard of yet.
pub const FIRST_SYNC_ROUND: Duration = Duration::from_secs(1);
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
    /// Records pulled from their author's device after its announcement were stored:
    /// gossip them on (its own gossip did not carry them).
    Regossip { records: Vec<Vec<u8>> },
    /// The heads of feeds to announce have been read.
    Announce {
        audience: Audience,
        feeds: Vec<FeedSummary>,
    },
    /// Something the planner asked for is done: tell it.
    Planned(Input),
}

/// One connected peer, as far as the loop (not sync planning) is concerned.
#[derive(Debug)]
struct PeerState {
    address: Multiaddr,
    /// Its connections now, and whether each goes through a relay.
    connections: HashMap<ConnectionId, bool>,
    /// The connection and address this node dialed it at directly, if it did (and not
    /// by hole punching): a peer it could dial is a relay others can reach.
    dialed: Option<(ConnectionId, Multiaddr)>,
    /// Whether it offers a circuit relay (identify listed the hop protocol).
    offers_relay: bool,
    connected_ms: u64,
    /// Its sync requests being answered.
    serving: usize,
    /// Its attachment requests being answered.
    blob_serving: usize,
    /// Chunks or chunk lists it served that fail their hash.
    bad_blobs: usize,
}

/// The loop that owns the swarm.
pub struct EventLoop {
    swarm: Swarm<Behaviour>,
    topics: Topics,
    /// What the loop may use of the node: ingest and reads, no publisher.
    node: NodeLink,
    delegation: Arc<Vec<u8>>,
    commands: mpsc::Receiver<Command>,
    stored: broadcast::Receiver<StoredEvent>,
    roster: watch::Receiver<Arc<commons_protocol::Roster>>,
    internal_tx: mpsc::Sender<Internal>,
    internal: mpsc::Receiver<Internal>,
    tasks: JoinSet<()>,
    metrics: Arc<NetworkMetrics>,
    settings: NetworkSettings,
    peers: HashMap<PeerId, PeerState>,
    planner: Planner,
    /// Sync requests sent for the planner, by libp2p's id.
    outbound: HashMap<OutboundRequestId, RequestTicket>,
    announcer: Announcer,
    /// Whether peers can dial this node, and the member relays it holds a slot on.
    reach: Reach,
    /// Who may use this node's relay: kept equal to the connected members' devices.
    relay_access: RelayAccess,
    gossip_in_flight: usize,
    next_redial: tokio::time::Instant,
    /// When a peer may next be dialed for AutoNAT to ask, the last one dialed, and how
    /// many were dialed since this node last had a connection of its own dialing.
    next_autonat_dial: tokio::time::Instant,
    last_autonat_dial: Option<PeerId>,
    autonat_dials: u32,
    /// Member peers whose last connection closed, dialed again until they are back.
    lost_members: Redials,
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

/// What to pull from the peer that gossiped `data`, given what ingest made of it: a gap
/// below the record, or a feed this node has never seen (its delegation not held yet).
fn gap_to_pull(
    result: &Result<Ingested, IngestError>,
    data: &[u8],
    network: &NetworkId,
) -> Option<SyncRequest> {
    match result {
        Ok(Ingested::Stored {
            missing: Some(range),
            ..
        }) => decode_record(data, network)
            .ok()
            .map(|decoded| page_request(decoded.record().author, range.first, range.last)),
        Err(IngestError::Refused(AgainstError::UnknownAuthor { author })) => {
            decode_record(data, network)
                .ok()
                .filter(|decoded| decoded.record().author == *author)
                .map(|decoded| page_request(*author, 1, decoded.record().seq))
        }
        _ => None,
    }
}

/// A random number (peers to sync with are picked at random, so that no peer can
/// predict, or starve, whom a node syncs with).
fn random_pick() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0;
    }
    u64::from_le_bytes(bytes)
}

impl EventLoop {
    pub(crate) fn new(
        swarm: Swarm<Behaviour>,
        topics: Topics,
        node: NodeLink,
        delegation: Vec<u8>,
        commands: mpsc::Receiver<Command>,
        metrics: Arc<NetworkMetrics>,
        settings: NetworkSettings,
    ) -> Self {
        let (internal_tx, internal) = mpsc::channel(INTERNAL_QUEUE_CAPACITY);
        let stored = node.ingest.subscribe();
        let roster = node.ingest.watch_roster();
        let planner = Planner::new(node.device, delegation.clone(), roster.borrow().clone());
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
            planner,
            outbound: HashMap::new(),
            announcer: Announcer::default(),
            reach: Reach::default(),
            // Nobody until one is given ([`EventLoop::with_relay_access`]).
            relay_access: RelayAccess::default(),
            gossip_in_flight: 0,
            next_redial: tokio::time::Instant::now() + REDIAL_INTERVAL,
            next_autonat_dial: tokio::time::Instant::now(),
            last_autonat_dial: None,
            autonat_dials: 0,
            lost_members: Redials::new(),
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

    /// Gives the loop the relay's access list (the one its limiters read), which it
    /// keeps equal to the connected members' devices.
    pub(crate) fn with_relay_access(mut self, access: RelayAccess) -> Self {
        self.relay_access = access;
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
            .planner
            .peers()
            .filter_map(|(peer, sync)| {
                let state = self.peers.get(peer)?;
                Some(PeerReport {
                    peer: *peer,
                    device: sync.device,
                    member: sync.is_member(),
                    admitted_us: sync.admitted_us,
                    address: state.address.clone(),
                    connected_ms: state.connected_ms,
                    last_sync_ms: sync.last_sync_ms,
                    records_pulled: sync.records_pulled,
                    feeds_reported: sync.heads.len(),
                    score: self.swarm.behaviour().gossipsub.peer_score(peer),
                    in_mesh: mesh.contains(peer),
                    gossip: gossip.contains(peer),
                    relayed: !state.connections.is_empty()
                        && state.connections.values().all(|relayed| *relayed),
                })
            })
            .collect();
        peers.sort_by_key(|peer| peer.peer);
        let mut best_known: Vec<FeedSummary> = self.planner.best_known().copied().collect();
        best_known.sort_by_key(|feed| feed.author);
        let reach = ReachReport {
            reachability: self.reach.reachability(tokio::time::Instant::now()),
            confirmed: self.reach.confirmed_addresses().cloned().collect(),
            relays: self.reach.relays().copied().collect(),
            offers_relay: self.relay_access.offering(),
        };
        SyncReport {
            peers,
            best_known,
            reach,
        }
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

    /// Hands the planner what happened and carries out what it decides.
    fn plan(&mut self, input: Input) {
        let context = Context {
            now: tokio::time::Instant::now(),
            unix_ms: crate::clock::now_ms(),
            holding: self.node.publishing.is_held(),
        };
        for action in self.planner.handle(input, &context) {
            self.act(action);
        }
    }

    /// Carries out one of the planner's decisions.
    fn act(&mut self, action: Action) {
        match action {
            Action::Send {
                peer,
                ticket,
                request,
            } => self.send_request(peer, ticket, request),
            Action::Introduce {
                peer,
                device,
                delegation,
                admitted,
            } => self.take_introduction(peer, device, delegation, admitted),
            Action::ReadHeads { ticket, authors } => self.read_heads(ticket, authors),
            Action::Ingest {
                ticket,
                peer,
                author,
                records,
                regossip,
            } => self.ingest_page(ticket, peer, author, records, regossip),
            Action::IngestProofs { peer, proofs } => self.ingest_proofs(peer, proofs),
            Action::Disconnect { peer } => self.cut_off(peer),
            Action::Admitted { peer } => {
                info!(peer = %peer, "the roster admits this peer's device; syncing in full");
            }
            Action::BadRecords { peer, count } => {
                add(&self.metrics.sync_rejected, count);
                warn!(peer = %peer, count, "a peer sent provably bad records by sync (or a delegation not its own); its pull stops and its score drops");
            }
            Action::Rescore { peer } => self.set_app_score(peer),
            Action::PeersChanged => self.peers_changed(),
            Action::CheckHold(hold) => self.check_hold(hold),
        }
    }

    /// Sends the planner's sync request, keeping its ticket for the answer.
    fn send_request(&mut self, peer: PeerId, ticket: RequestTicket, request: SyncRequest) {
        let counter = match request {
            SyncRequest::Announce { .. } => &self.metrics.sync_announcements_sent,
            _ => &self.metrics.sync_requests,
        };
        add(counter, 1);
        let id = self.swarm.behaviour_mut().sync.send_request(&peer, request);
        self.outbound.insert(id, ticket);
    }

    /// Ingests the delegation a peer's hello answer carried, for the planner.
    fn take_introduction(
        &mut self,
        peer: PeerId,
        device: Option<DeviceKey>,
        delegation: Vec<u8>,
        admitted: bool,
    ) {
        let node = self.node.clone();
        let internal = self.internal_tx.clone();
        self.spawn(async move {
            let good = introduce(&node, device, delegation, peer).await;
            let introduced = Input::Introduced {
                peer,
                admitted_us: admitted,
                bad: !good,
            };
            let _ = internal.send(Internal::Planned(introduced)).await;
        });
    }

    /// Disconnects a peer whose device the roster no longer lists as a member's.
    fn cut_off(&mut self, peer: PeerId) {
        info!(peer = %peer, "the roster no longer lists this peer as a member's device; disconnecting");
        add(&self.metrics.peers_cut_off, 1);
        let _ = self.swarm.disconnect_peer_id(peer);
    }

    /// Which connected peers are members' devices may have changed: the gauges, the
    /// relay's access list and the relay slots this node holds follow.
    fn peers_changed(&mut self) {
        self.update_peer_gauges();
        let members = self.planner.members();
        self.relay_access.set_members(members.iter().copied());
        // A relay whose device is no longer a member's is given up.
        let gone: Vec<PeerId> = self
            .peers
            .keys()
            .filter(|peer| !members.contains(peer))
            .copied()
            .collect();
        for peer in gone {
            if let Some(listener) = self.reach.peer_gone(&peer) {
                self.swarm.remove_listener(listener);
            }
        }
    }

    /// While publishing is held after a restore: adds the store's head of this device's
    /// feed to the member peers' reports of it, and hands both to the publishing gate,
    /// which ends the hold once the store has caught up.
    fn check_hold(&mut self, mut hold: Hold) {
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

    /// Reads this node's heads of `authors` on the blocking pool, for the planner.
    fn read_heads(&mut self, ticket: ReadTicket, authors: Vec<DeviceKey>) {
        let node = self.node.clone();
        let internal = self.internal_tx.clone();
        self.spawn(async move {
            let store = node.store.clone();
            let read = tokio::task::spawn_blocking(move || {
                authors
                    .iter()
                    .map(|author| Ok(store.head(author)?.map(|head| summary(&head))))
                    .collect::<Result<Vec<_>, crate::store::StoreError>>()
            })
            .await;
            let local = match read {
                Ok(Ok(local)) => Ok(local),
                Ok(Err(error)) => {
                    warn!(%error, "cannot read the store to plan sync");
                    Err(())
                }
                Err(error) => {
                    warn!(%error, "the sync plan failed");
                    Err(())
                }
            };
            let read = Input::HeadsRead { ticket, local };
            let _ = internal.send(Internal::Planned(read)).await;
        });
    }

    /// Ingests a page of `author`'s records pulled from `peer`, for the planner.
    fn ingest_page(
        &mut self,
        ticket: PageTicket,
        peer: PeerId,
        author: DeviceKey,
        records: Vec<Vec<u8>>,
        regossip: bool,
    ) {
        let node = self.node.clone();
        let internal = self.internal_tx.clone();
        let metrics = self.metrics.clone();
        let copies = regossip.then(|| records.clone());
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
            let ingested = Input::PageIngested {
                ticket,
                stored,
                bad_records,
            };
            let _ = internal.send(Internal::Planned(ingested)).await;
        });
    }

    /// Ingests the two records of each fork proof `peer` served, for the planner.
    fn ingest_proofs(&mut self, peer: PeerId, proofs: Vec<Vec<u8>>) {
        let node = self.node.clone();
        let internal = self.internal_tx.clone();
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
            let ingested = Input::ProofsIngested { peer, bad_records };
            let _ = internal.send(Internal::Planned(ingested)).await;
        });
    }

    fn set_app_score(&mut self, peer: PeerId) {
        let (Some(state), Some(sync)) = (self.peers.get(&peer), self.planner.peer(&peer)) else {
            return;
        };
        let base = match sync.standing {
            PeerStanding::Member => 0.0,
            PeerStanding::Outsider => NON_MEMBER_APP_SCORE,
        };
        let score = base + BAD_SYNC_RECORD_APP_SCORE * (sync.bad_records + state.bad_blobs) as f64;
        self.swarm
            .behaviour_mut()
            .gossipsub
            .set_application_score(&peer, score);
    }

    fn on_connected(&mut self, peer: PeerId, address: Multiaddr) {
        self.lost_members.forget(&peer);
        self.peers.insert(
            peer,
            PeerState {
                address,
                connections: HashMap::new(),
                dialed: None,
                offers_relay: false,
                connected_ms: crate::clock::now_ms(),
                serving: 0,
                blob_serving: 0,
                bad_blobs: 0,
            },
        );
        let device = device_of(&peer);
        self.plan(Input::Connected { peer, device });
    }

    fn update_peer_gauges(&self) {
        let members = self.planner.members().len();
        self.metrics
            .connected_peers
            .store(self.peers.len() as u64, Ordering::Relaxed);
        self.metrics
            .member_peers
            .store(members as u64, Ordering::Relaxed);
    }

    /// One swarm event, handed to the step it concerns.
    fn on_swarm(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                num_established,
                endpoint,
                ..
            } => self.connection_established(peer_id, connection_id, num_established, &endpoint),
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                num_established,
                cause,
                ..
            } => self.connection_closed(peer_id, connection_id, num_established, cause),
            SwarmEvent::NewListenAddr { address, .. } => info!(%address, "listening"),
            SwarmEvent::ListenerClosed {
                listener_id,
                addresses,
                reason,
            } => self.listener_closed(listener_id, addresses, reason),
            SwarmEvent::ExternalAddrConfirmed { address } => {
                info!(%address, "peers can dial this node here (AutoNAT)");
                self.reach.confirmed(address);
            }
            SwarmEvent::ExternalAddrExpired { address } => {
                self.reach.expired(&address);
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                debug!(peer = ?peer_id, %error, "cannot connect");
            }
            SwarmEvent::IncomingConnectionError {
                send_back_addr,
                error,
                ..
            } => debug!(addr = %send_back_addr, %error, "incoming connection failed"),
            SwarmEvent::Behaviour(event) => self.on_behaviour(event),
            other => debug!(event = ?other, "swarm event"),
        }
    }

    /// A connection to `peer` is up; the first one makes it a connected peer, which the
    /// planner is told of.
    fn connection_established(
        &mut self,
        peer: PeerId,
        connection: ConnectionId,
        num_established: NonZeroU32,
        endpoint: &ConnectedPoint,
    ) {
        let address = endpoint.get_remote_address().clone();
        // An inbound circuit's remote address is only `/p2p/<peer>`: the endpoint, not
        // the address, says whether it is relayed.
        let relayed = endpoint.is_relayed() || is_relayed(&address);
        info!(peer = %peer, addr = %address, relayed, "connected");
        if num_established.get() == 1 {
            self.on_connected(peer, address.clone());
        }
        self.reach.peer_connected(tokio::time::Instant::now());
        if let Some(state) = self.peers.get_mut(&peer) {
            state.connections.insert(connection, relayed);
            // The first direct dial stands: a later outbound connection may be a punched
            // hole, which proves nothing about reaching the peer.
            if endpoint.is_dialer() && !relayed && state.dialed.is_none() {
                state.dialed = Some((connection, address));
            }
        }
    }

    /// A connection to `peer` is down; once its last one is, the peer is gone.
    fn connection_closed(
        &mut self,
        peer: PeerId,
        connection: ConnectionId,
        num_established: u32,
        cause: Option<ConnectionError>,
    ) {
        info!(peer = %peer, cause = ?cause, "connection closed");
        if let Some(state) = self.peers.get_mut(&peer) {
            state.connections.remove(&connection);
            if state
                .dialed
                .as_ref()
                .is_some_and(|(id, _)| *id == connection)
            {
                state.dialed = None;
            }
        }
        if num_established == 0 {
            self.on_disconnected(peer);
        }
    }

    /// The last connection to `peer` closed: what the loop kept of it is dropped, a
    /// relay slot held on it is given up, and the planner is told. A device the roster
    /// lists as a member's is dialed again ([`super::redial`]), even if the connection
    /// closed before the two said hello; one cut off for leaving the roster is not
    /// listed by then.
    fn on_disconnected(&mut self, peer: PeerId) {
        if self.is_members_device(&peer) {
            self.lost_members.lost(peer, tokio::time::Instant::now());
        }
        self.peers.remove(&peer);
        self.announcer.forget_peer(peer);
        if let Some(listener) = self.reach.peer_gone(&peer) {
            self.swarm.remove_listener(listener);
        }
        self.plan(Input::Disconnected { peer });
    }

    /// A listener closed: when it was a slot on a member's relay, another relay is
    /// looked for at the next maintenance tick.
    fn listener_closed(
        &mut self,
        listener: ListenerId,
        addresses: Vec<Multiaddr>,
        reason: Result<(), std::io::Error>,
    ) {
        if let Some(relay) = self.reach.listener_closed(listener) {
            info!(%relay, ?addresses, ?reason, "a relay slot closed; another member's relay is looked for");
        }
    }

    /// One behaviour's event, handed to the step for that protocol.
    fn on_behaviour(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Gossipsub(event) => self.on_gossip(event),
            BehaviourEvent::Sync(event) => self.on_sync(event),
            BehaviourEvent::Blob(event) => self.on_blob(event),
            // A peer's info, asked for or pushed by it (`Pushed` is this node's own).
            BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                connection_id,
                info,
            }) => self.identified(peer_id, connection_id, info),
            BehaviourEvent::Kad(kad::Event::RoutingUpdated { peer, .. }) => self.discovered(peer),
            BehaviourEvent::Mdns(mdns::Event::Discovered(found)) => self.found_on_lan(found),
            BehaviourEvent::Ping(event) => self.on_ping(event),
            BehaviourEvent::Autonat(event) => self.on_autonat(event),
            BehaviourEvent::Relay(event) => self.on_relay(event),
            BehaviourEvent::RelayClient(event) => self.on_relay_client(event),
            BehaviourEvent::Dcutr(event) => self.on_dcutr(event),
            // Identify's, Kademlia's and mDNS's other events, the AutoNAT server's and the
            // limits' ask nothing of the loop.
            _ => {}
        }
    }

    /// Peers mDNS found on the LAN: remembered (and told to Kademlia) so they can be
    /// dialed, and dialed while this node is below its target.
    fn found_on_lan(&mut self, found: Vec<(PeerId, Multiaddr)>) {
        for (peer, addr) in found {
            debug!(peer = %peer, %addr, "found on the LAN");
            self.swarm.add_peer_address(peer, addr.clone());
            if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
                kad.add_address(&peer, addr);
            }
            self.discovered(peer);
        }
    }

    /// What a peer says of itself on one of its connections, when it connects and
    /// whenever its addresses change (a relayed address gained behind NAT is pushed):
    /// whether it offers a relay, and where it listens, for dialing and for Kademlia to
    /// pass on.
    fn identified(&mut self, peer_id: PeerId, connection: ConnectionId, info: identify::Info) {
        debug!(peer = %peer_id, agent = %info.agent_version, "identified");
        if let Some(state) = self.peers.get_mut(&peer_id) {
            let over_circuit = state.connections.get(&connection).copied();
            if let Some(offers) = relay_offer_seen(&info.protocols, over_circuit) {
                state.offers_relay = offers;
            }
        }
        let kad = info.protocols.contains(&KAD_PROTOCOL);
        for addr in info.listen_addrs {
            self.swarm.add_peer_address(peer_id, addr.clone());
            if kad && let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
                kad.add_address(&peer_id, addr);
            }
        }
    }

    /// A connection that stops answering pings is closed: libp2p leaves that to the
    /// application, and a relayed connection whose circuit the relay dropped can
    /// otherwise stand, dead, on one side, which then never dials the peer again.
    fn on_ping(&mut self, event: ping::Event) {
        match event.result {
            Ok(_) | Err(ping::Failure::Unsupported) => {}
            Err(failure) => {
                let relayed = self
                    .peers
                    .get(&event.peer)
                    .and_then(|state| state.connections.get(&event.connection))
                    .copied()
                    .unwrap_or(false);
                info!(peer = %event.peer, relayed, %failure, "a connection stopped answering pings; closing it so the peer can be dialed again");
                self.swarm.close_connection(event.connection);
            }
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
        self.plan(Input::Tick);
        self.look_for_relay();
        self.redial_lost_members(now);
        self.dial_for_autonat(now);
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

    /// While below the target: dials the lost members that are due, at the addresses
    /// libp2p knows and through every member relay this node dialed directly. One the
    /// roster no longer lists as a member's device is forgotten.
    fn redial_lost_members(&mut self, now: tokio::time::Instant) {
        if self.lost_members.is_empty()
            || self.swarm.connected_peers().count() >= self.settings.target_peers
        {
            return;
        }
        for peer in self.lost_members.due(now) {
            if self.swarm.is_connected(&peer) || !self.is_members_device(&peer) {
                self.lost_members.forget(&peer);
                continue;
            }
            let relays = self.peers.iter().filter_map(|(relay, state)| {
                let (_, address) = state.dialed.as_ref()?;
                (state.offers_relay && self.planner.is_member(relay)).then_some((*relay, address))
            });
            let through_relays = circuit_addresses(peer, relays);
            info!(%peer, relays = through_relays.len(), "dialing a member's node again: its last connection closed");
            // Not `NotDialing`: a dial discovery started at the peer's address inside
            // its router is still waiting for its timeout (seen: 10 s), and would
            // cancel this one.
            let dial = DialOpts::peer_id(peer)
                .addresses(through_relays)
                .extend_addresses_through_behaviour()
                .condition(PeerCondition::Disconnected)
                .build();
            if let Err(error) = self.swarm.dial(dial) {
                debug!(%peer, %error, "cannot dial a lost member's node");
            }
        }
    }

    /// Dials a member peer that is connected only by its own dial, when this node dialed
    /// none of its peers and knows no address of its own to be reachable: AutoNAT asks
    /// only peers this node dialed ([`Reach::autonat_peer_to_dial`]). Its bootstrap
    /// peers are tried first, as the ones it knows can be dialed.
    fn dial_for_autonat(&mut self, now: tokio::time::Instant) {
        if now < self.next_autonat_dial {
            return;
        }
        let dialed_any = self.peers.values().any(|state| state.dialed.is_some());
        if dialed_any || self.reach.confirmed_addresses().next().is_some() {
            // A healthy node: AutoNAT has a peer to ask, or has answered. Nothing to dial.
            self.autonat_dials = 0;
            return;
        }
        let bootstrap: BTreeSet<PeerId> = self
            .settings
            .bootstrap
            .iter()
            .flat_map(|addr| addr.iter())
            .filter_map(|part| match part {
                libp2p::multiaddr::Protocol::P2p(peer) => Some(peer),
                _ => None,
            })
            .collect();
        let mut direct: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(peer, state)| {
                self.planner.is_member(peer) && state.connections.values().any(|relayed| !relayed)
            })
            .map(|(peer, _)| *peer)
            .collect();
        direct.sort_by_key(|peer| (!bootstrap.contains(peer), *peer));
        let Some(peer) = self.reach.autonat_peer_to_dial(
            now,
            dialed_any,
            &direct,
            self.last_autonat_dial.as_ref(),
        ) else {
            return;
        };
        self.next_autonat_dial = now + autonat_dial_gap(self.autonat_dials);
        self.autonat_dials = self.autonat_dials.saturating_add(1);
        self.last_autonat_dial = Some(peer);
        let known: Vec<Multiaddr> = self
            .peers
            .get(&peer)
            .map(|state| state.address.clone())
            .filter(|address| !is_relayed(address))
            .into_iter()
            .collect();
        info!(%peer, "dialing a peer that dialed this node, so that AutoNAT has a peer to ask whether this node is reachable");
        // `Always`: the peer is connected, by its own dial. A new port, so that the dial
        // does not meet that connection's own ports.
        let dial = DialOpts::peer_id(peer)
            .addresses(known)
            .extend_addresses_through_behaviour()
            .condition(PeerCondition::Always)
            .allocate_new_port()
            .build();
        if let Err(error) = self.swarm.dial(dial) {
            debug!(%peer, %error, "cannot dial a peer for AutoNAT");
        }
    }

    /// Whether the roster lists `peer`'s device as a member's (whether or not the two
    /// have said hello on a connection).
    fn is_members_device(&self, peer: &PeerId) -> bool {
        standing(&self.roster.borrow(), device_of(peer).as_ref()) == PeerStanding::Member
    }

    /// Has the planner judge every connected peer again after the roster changed.
    fn on_roster_changed(&mut self) {
        let roster = self.roster.borrow_and_update().clone();
        self.plan(Input::RosterChanged(roster));
    }

    /// Behind NAT: offers of member relays this node dialed directly, and a slot asked
    /// of the next one while it holds fewer than it wants.
    fn look_for_relay(&mut self) {
        for (peer, state) in &self.peers {
            if state.offers_relay
                && self.planner.is_member(peer)
                && let Some((_, address)) = &state.dialed
            {
                self.reach.offers_relay(*peer, address.clone());
            }
        }
        if let Some((relay, through)) = self.reach.next_relay(tokio::time::Instant::now()) {
            match self.swarm.listen_on(through.clone()) {
                Ok(listener) => {
                    info!(%relay, addr = %through, "peers cannot dial this node: asking a member's relay for a slot");
                    self.reach.asked(relay, listener);
                }
                Err(error) => debug!(%relay, %error, "cannot listen through a relay"),
            }
        }
    }

    fn on_autonat(&mut self, event: autonat::v2::client::Event) {
        match event.result {
            Ok(()) => {
                debug!(addr = %event.tested_addr, server = %event.server, "a peer dialed this node back");
                self.reach.confirmed(event.tested_addr);
            }
            Err(error) => {
                info!(addr = %event.tested_addr, server = %event.server, %error, "a peer could not dial this node back");
                self.reach.not_reachable(event.tested_addr);
            }
        }
    }

    fn on_relay(&mut self, event: relay::Event) {
        match event {
            relay::Event::ReservationReqAccepted {
                src_peer_id,
                renewed,
            } => {
                add(&self.metrics.relay_reservations_accepted, 1);
                info!(peer = %src_peer_id, renewed, "a member's device holds a slot on this node's relay");
            }
            relay::Event::ReservationReqDenied { src_peer_id, .. } => {
                add(&self.metrics.relay_denied, 1);
                info!(peer = %src_peer_id, "a relay slot was denied (not a connected member's device, or over a limit)");
            }
            relay::Event::CircuitReqAccepted {
                src_peer_id,
                dst_peer_id,
            } => {
                add(&self.metrics.relay_circuits, 1);
                debug!(src = %src_peer_id, dst = %dst_peer_id, "relaying between two members' devices");
            }
            relay::Event::CircuitReqDenied {
                src_peer_id,
                dst_peer_id,
                ..
            } => {
                add(&self.metrics.relay_denied, 1);
                info!(src = %src_peer_id, dst = %dst_peer_id, "a relay circuit was denied");
            }
            other => debug!(event = ?other, "relay"),
        }
    }

    fn on_relay_client(&mut self, event: relay::client::Event) {
        match event {
            relay::client::Event::ReservationReqAccepted {
                relay_peer_id,
                renewal,
                ..
            } => {
                if !renewal {
                    info!(relay = %relay_peer_id, "holding a slot on a member's relay: peers can reach this node through it");
                }
                self.reach.reserved(&relay_peer_id);
            }
            other => debug!(event = ?other, "relay client"),
        }
    }

    /// Hole punching: once a direct connection to a peer exists, its relayed ones are
    /// closed, so gossip and sync take the direct one.
    fn on_dcutr(&mut self, event: dcutr::Event) {
        let peer = event.remote_peer_id;
        match event.result {
            Ok(direct) => {
                add(&self.metrics.holepunch_succeeded, 1);
                info!(%peer, "hole punched: a direct connection replaces the relayed one");
                // A peer reached only through a punched hole is itself behind NAT: others
                // cannot reach a relay there. A relay this node dialed directly before
                // keeps its slot (a public member that came in through a circuit and
                // punched back is still a relay), or every circuit through it would drop.
                if let Some(state) = self.peers.get_mut(&peer)
                    && state.dialed.as_ref().is_some_and(|(id, _)| *id == direct)
                {
                    state.dialed = None;
                }
                if let Some(listener) = self.reach.withdraw_offer(&peer) {
                    self.swarm.remove_listener(listener);
                }
                let relayed: Vec<ConnectionId> = self
                    .peers
                    .get(&peer)
                    .map(|state| {
                        state
                            .connections
                            .iter()
                            .filter(|(id, relayed)| **relayed && **id != direct)
                            .map(|(id, _)| *id)
                            .collect()
                    })
                    .unwrap_or_default();
                for connection in relayed {
                    self.swarm.close_connection(connection);
                }
            }
            Err(error) => {
                add(&self.metrics.holepunch_failed, 1);
                info!(%peer, %error, "hole punching failed; the connection stays relayed");
            }
        }
    }

    /// Gossipsub's events: a message to judge, and a peer too slow to take what is
    /// gossiped to it.
    fn on_gossip(&mut self, event: gossipsub::Event) {
        match event {
            gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            } => self.on_gossip_message(propagation_source, message_id, message),
            gossipsub::Event::Subscribed { peer_id, topic } => {
                debug!(peer = %peer_id, %topic, "peer subscribed");
            }
            gossipsub::Event::SlowPeer {
                peer_id,
                failed_messages,
            } => {
                let member = self.planner.is_member(&peer_id);
                debug!(peer = %peer_id, member, ?failed_messages, "gossip could not send to a slow peer; the feeds stored lately are announced to it");
                if member {
                    self.announcer
                        .slow_peer(peer_id, tokio::time::Instant::now());
                }
            }
            _ => {}
        }
    }

    /// A gossip message, held by gossipsub until judged: one from an outsider, on a
    /// topic not this network's, or past the bound of messages being judged is ignored
    /// unread; any other is handed to ingest in a task of its own, whose verdict comes
    /// back to the loop ([`EventLoop::gossip_judged`]).
    fn on_gossip_message(
        &mut self,
        source: PeerId,
        message_id: MessageId,
        message: gossipsub::Message,
    ) {
        let from_member = self.planner.is_member(&source);
        if !from_member
            || !self.topics.contains(&message.topic)
            || self.gossip_in_flight >= MAX_GOSSIP_IN_FLIGHT
        {
            add(&self.metrics.gossip_ignored, 1);
            self.swarm
                .behaviour_mut()
                .gossipsub
                .report_message_validation_result(&message_id, &source, MessageAcceptance::Ignore);
            return;
        }
        self.gossip_in_flight += 1;
        let ingest = self.node.ingest.clone();
        let network = self.node.network;
        let internal = self.internal_tx.clone();
        self.spawn(async move {
            let data = message.data;
            let result = ingest.submit(data.clone(), Source::Gossip).await;
            let pull = gap_to_pull(&result, &data, &network);
            if let Err(error) = &result {
                debug!(peer = %source, %error, "gossip record not stored");
            }
            let judged = Internal::GossipJudged {
                message_id,
                source,
                acceptance: acceptance(&result),
                pull,
            };
            let _ = internal.send(judged).await;
        });
    }

    /// What a task the loop spawned reports, carried out where the swarm or the planner
    /// is needed.
    fn on_internal(&mut self, internal: Internal) {
        match internal {
            Internal::GossipJudged {
                message_id,
                source,
                acceptance,
                pull,
            } => self.gossip_judged(message_id, source, acceptance, pull),
            Internal::Served {
                peer,
                channel,
                response,
            } => self.send_sync_answer(peer, channel, response),
            Internal::BlobServed {
                peer,
                channel,
                response,
            } => self.send_blob_answer(peer, channel, response),
            Internal::Announce { audience, feeds } => {
                self.plan(Input::Announce { audience, feeds });
            }
            Internal::Regossip { records } => self.regossip(records),
            Internal::Planned(input) => self.plan(input),
        }
    }

    /// Reports ingest's verdict on a gossip message to gossipsub, which forwards it only
    /// if accepted, and pulls a gap the message revealed from its sender.
    fn gossip_judged(
        &mut self,
        message_id: MessageId,
        source: PeerId,
        acceptance: MessageAcceptance,
        pull: Option<SyncRequest>,
    ) {
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
            self.plan(Input::GapSeen {
                peer: source,
                request,
            });
        }
    }

    /// Sends the answer a task made to a peer's sync request.
    fn send_sync_answer(
        &mut self,
        peer: PeerId,
        channel: ResponseChannel<SyncResponse>,
        response: SyncResponse,
    ) {
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

    /// Sends the answer to a peer's attachment request, read from disk on the blocking
    /// pool; a request whose read failed (`None`) is dropped unanswered.
    fn send_blob_answer(
        &mut self,
        peer: PeerId,
        channel: ResponseChannel<BlobResponse>,
        response: Option<BlobResponse>,
    ) {
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

    /// Every sync interval: ask one member's device, picked at random, for its heads.
    fn periodic_sync(&mut self) {
        self.plan(Input::PeriodicRound {
            pick: random_pick(),
        });
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
                    if let Some(ticket) = self.outbound.remove(&request_id) {
                        let answer = self.answer(peer, response);
                        self.plan(Input::Answered { ticket, answer });
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
                if let Some(ticket) = self.outbound.remove(&request_id) {
                    self.plan(Input::Failed { ticket });
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                debug!(peer = %peer, %error, "answering a sync request failed");
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    /// A peer's sync answer as the planner takes it: the last record of a page is
    /// decoded here, so that the planner reads no record.
    fn answer(&self, peer: PeerId, response: SyncResponse) -> Answer {
        match response {
            SyncResponse::Hello {
                delegation,
                admitted,
            } => Answer::Hello {
                delegation,
                admitted,
            },
            SyncResponse::Heads { feeds, more } => Answer::Heads { feeds, more },
            SyncResponse::Records { records, more } => {
                let last = records
                    .last()
                    .and_then(|last| decode_record(last, &self.node.network).ok())
                    .map(|decoded| (decoded.record().author, decoded.record().seq));
                Answer::Records {
                    records,
                    last,
                    more,
                }
            }
            SyncResponse::ForkProofs { proofs } => Answer::ForkProofs { proofs },
            SyncResponse::Refused(Refusal::NotAMember) => {
                debug!(peer = %peer, "the peer does not admit this node (yet)");
                Answer::NotAMember
            }
            SyncResponse::Refused(refusal) => {
                debug!(peer = %peer, refusal = ?refusal, "sync request refused");
                Answer::Refused
            }
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
                let _ = reply.send(self.planner.members());
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
        let member = self.planner.is_member(&peer);
        let Some(state) = self.peers.get_mut(&peer) else {
            return;
        };
        if state.blob_serving >= MAX_BLOB_SERVING_PER_PEER {
            debug!(peer = %peer, "too many attachment requests at once from one peer");
            add(&self.metrics.blob_busy, 1);
            return;
        }
        state.blob_serving += 1;
        let access = Access::of(member, open_read);
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

    /// A peer's sync request: a hello or an announcement is told to the planner first;
    /// then the request is answered in a task of its own, or refused `Busy` past the
    /// peer's bound.
    fn on_request(
        &mut self,
        peer: PeerId,
        request: SyncRequest,
        channel: ResponseChannel<SyncResponse>,
    ) {
        let open_read = self.node.charter.open_read;
        if matches!(request, SyncRequest::Hello { .. }) {
            self.plan(Input::Greeted { peer });
        }
        if let SyncRequest::Announce { feeds } = &request {
            self.take_announcement(peer, feeds);
        }
        let member = self.planner.is_member(&peer);
        let device = self.planner.peer(&peer).and_then(|sync| sync.device);
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
        let access = Access::of(member, open_read);
        let node = self.node.clone();
        let internal = self.internal_tx.clone();
        let own_delegation = self.delegation.clone();
        self.spawn(async move {
            let response =
                answer_sync_request(&node, &own_delegation, peer, device, request, access).await;
            let _ = internal
                .send(Internal::Served {
                    peer,
                    channel,
                    response,
                })
                .await;
        });
    }

    /// An announcement is taken as the peer's heads of those feeds (within the same
    /// bound as its other requests), then answered with this node's heads of them.
    fn take_announcement(&mut self, peer: PeerId, feeds: &[FeedSummary]) {
        if self
            .peers
            .get(&peer)
            .is_some_and(|state| state.serving < MAX_SERVING_PER_PEER)
        {
            add(&self.metrics.sync_announcements_received, 1);
            self.plan(Input::Announced {
                peer,
                feeds: feeds.to_vec(),
            });
        }
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
}

/// The answer to a peer's sync request. A hello is answered once the peer's delegation
/// has been through ingest, with whether the roster admits the peer; any other request
/// is read from the store on the blocking pool (`Busy` if the read fails).
async fn answer_sync_request(
    node: &NodeLink,
    own_delegation: &[u8],
    peer: PeerId,
    device: Option<DeviceKey>,
    request: SyncRequest,
    access: Access,
) -> SyncResponse {
    match request {
        SyncRequest::Hello { delegation } => {
            let bad = !introduce(node, device, delegation, peer).await;
            let admitted =
                !bad && standing(&node.roster(), device.as_ref()) == PeerStanding::Member;
            SyncResponse::Hello {
                delegation: own_delegation.to_vec(),
                admitted,
            }
        }
        request => {
            let store = node.store.clone();
            let read =
                tokio::task::spawn_blocking(move || serve(store.as_ref(), &request, access)).await;
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
    }
}

/// Ingests the delegation a peer introduced itself with: true if it is the peer's own
/// (its author is the peer's device, it opens the feed) and ingest did not find it
/// provably bad. A delegation ingest refuses for other reasons (an org it does not know,
/// a revoked device) is not the peer's fault: the peer simply stays an outsider.
async fn introduce(
    node: &NodeLink,
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

#[cfg(test)]
mod tests {
    use commons_protocol::{DeviceKeypair, RecordError, RecordId};

    use super::*;

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
