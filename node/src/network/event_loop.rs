//! The network's event loop: the step where records cross between this node and its
//! peers. It owns the swarm and reacts, one event at a time, to commands from the
//! handles, to results of the tasks it spawned, to swarm events and to records that
//! ingest has just stored.
//!
//! - **Out by gossip**: a record stored with `Source::Local` is published (an alert on
//!   the alerts topic, anything else on the records topic). If gossipsub cannot queue it
//!   for any peer (`AllQueuesFull`), it is not published again: its id is already in the
//!   duplicate cache, so the same bytes would only be refused as a duplicate until the
//!   cache forgets them. Sync delivers it instead: a peer that receives this feed's next
//!   record by gossip sees the gap and pulls it at once, and every peer pulls it at its
//!   next periodic sync round at the latest.
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
//!
//! Every task the loop spawns is held in a `JoinSet` and ended on shutdown.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use commons_protocol::sync::MAX_PAGE_BYTES;
use commons_protocol::sync::missing_range;
use commons_protocol::{
    Body, DeviceKey, FeedSummary, ForkProof, SyncRequest, SyncResponse, decode_record,
};
use futures::StreamExt;
use libp2p::gossipsub::{self, MessageAcceptance, MessageId, PublishError};
use libp2p::request_response::{self, OutboundRequestId, ResponseChannel};
use libp2p::swarm::SwarmEvent;
use libp2p::{PeerId, Swarm, identify};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinSet;
use tracing::{Instrument, debug, info, warn};

use super::behaviour::{Behaviour, BehaviourEvent, Topics};
use super::sync_serve::{serve, summary};
use super::{Command, NetworkError, NetworkMetrics, NetworkSettings};
use crate::ingest::{IngestError, Ingested, Source, StoredEvent};
use crate::metrics::Metrics;
use crate::node::NodeHandle;

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
/// A peer's requests being answered at once; past this, it is told `Busy`.
pub const MAX_SERVING_PER_PEER: usize = 4;
/// Records asked for per page.
pub const SYNC_PAGE_RECORDS: u32 = 512;
/// Bytes of records asked for per page.
pub const SYNC_PAGE_BYTES: u32 = MAX_PAGE_BYTES;

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
    /// What to ask a peer next, after its heads or a page of records.
    Plan {
        peer: PeerId,
        requests: Vec<SyncRequest>,
        /// Provably bad records the peer served.
        bad_records: usize,
    },
}

/// One peer's outgoing sync.
#[derive(Debug, Default)]
struct PeerSync {
    queue: VecDeque<SyncRequest>,
    in_flight: usize,
    serving: usize,
    bad_records: usize,
}

/// The loop that owns the swarm.
pub struct EventLoop {
    swarm: Swarm<Behaviour>,
    topics: Topics,
    node: NodeHandle,
    commands: mpsc::Receiver<Command>,
    stored: broadcast::Receiver<StoredEvent>,
    internal_tx: mpsc::Sender<Internal>,
    internal: mpsc::Receiver<Internal>,
    tasks: JoinSet<()>,
    metrics: Arc<NetworkMetrics>,
    sync_interval: std::time::Duration,
    peers: HashMap<PeerId, PeerSync>,
    pending: HashMap<OutboundRequestId, (PeerId, SyncRequest)>,
    gossip_in_flight: usize,
    next_peer: usize,
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

impl EventLoop {
    pub(crate) fn new(
        swarm: Swarm<Behaviour>,
        topics: Topics,
        node: NodeHandle,
        commands: mpsc::Receiver<Command>,
        metrics: Arc<NetworkMetrics>,
        settings: &NetworkSettings,
    ) -> Self {
        let (internal_tx, internal) = mpsc::channel(INTERNAL_QUEUE_CAPACITY);
        let stored = node.ingest.subscribe();
        EventLoop {
            swarm,
            topics,
            node,
            commands,
            stored,
            internal_tx,
            internal,
            tasks: JoinSet::new(),
            metrics,
            sync_interval: settings.sync_interval,
            peers: HashMap::new(),
            pending: HashMap::new(),
            gossip_in_flight: 0,
            next_peer: 0,
        }
    }

    /// Runs until told to shut down or every handle is dropped.
    pub async fn run(mut self) {
        info!(peer = %self.swarm.local_peer_id(), "network started");
        let mut tick = tokio::time::interval_at(
            tokio::time::Instant::now() + self.sync_interval,
            self.sync_interval,
        );
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut stored_open = true;
        let mut shutdown_reply = None;
        loop {
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
                _ = tick.tick() => self.periodic_sync(),
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
            // Handled by the loop itself.
            Command::Shutdown { reply } => {
                let _ = reply.send(());
            }
        }
    }

    /// Publishes a record this node made.
    fn on_stored(&mut self, event: &StoredEvent) {
        if event.source != Source::Local {
            return;
        }
        let record = &event.record;
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
            }
            Err(PublishError::AllQueuesFull(peers)) => {
                add(&self.metrics.gossip_queue_full, 1);
                warn!(record = %id, peers, "every peer's gossip queue is full; peers will pull the record by sync");
            }
            Err(error) => warn!(record = %id, %error, "cannot publish"),
        }
    }

    fn spawn<F>(&mut self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.tasks.spawn(task.in_current_span());
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
                    self.peers.entry(peer_id).or_default();
                    self.enqueue(peer_id, [SyncRequest::Heads { after: None }]);
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
                }
            }
            SwarmEvent::NewListenAddr { address, .. } => info!(%address, "listening"),
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                warn!(peer = ?peer_id, %error, "cannot connect");
            }
            SwarmEvent::IncomingConnectionError {
                send_back_addr,
                error,
                ..
            } => debug!(addr = %send_back_addr, %error, "incoming connection failed"),
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(event)) => self.on_gossip(event),
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => self.on_sync(event),
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                info,
                ..
            })) => {
                debug!(peer = %peer_id, agent = %info.agent_version, "identified");
                for addr in info.listen_addrs {
                    self.swarm.add_peer_address(peer_id, addr);
                }
            }
            SwarmEvent::Behaviour(_) => {}
            other => debug!(event = ?other, "swarm event"),
        }
    }

    fn on_gossip(&mut self, event: gossipsub::Event) {
        let gossipsub::Event::Message {
            propagation_source,
            message_id,
            message,
        } = event
        else {
            if let gossipsub::Event::Subscribed { peer_id, topic } = event {
                debug!(peer = %peer_id, %topic, "peer subscribed");
            }
            return;
        };
        if !self.topics.contains(&message.topic) || self.gossip_in_flight >= MAX_GOSSIP_IN_FLIGHT {
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
            let pull = match &result {
                Ok(Ingested::Stored {
                    missing: Some(range),
                    ..
                }) => decode_record(&data, &network)
                    .ok()
                    .map(|decoded| page_request(decoded.record().author, range.first, range.last)),
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
            Internal::Plan {
                peer,
                requests,
                bad_records,
            } => {
                if bad_records > 0 {
                    add(&self.metrics.sync_rejected, bad_records);
                    let total = self.peers.get_mut(&peer).map_or(bad_records, |state| {
                        state.bad_records += bad_records;
                        state.bad_records
                    });
                    warn!(peer = %peer, bad_records, "a peer served provably bad records by sync; its pull stops");
                    // Its gossip score drops with it: the application score weighs in.
                    self.swarm
                        .behaviour_mut()
                        .gossipsub
                        .set_application_score(&peer, -(total as f64));
                }
                self.enqueue(peer, requests);
            }
        }
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

    /// Every sync interval: ask one connected peer, in turn, for its heads.
    fn periodic_sync(&mut self) {
        let mut peers: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
        if peers.is_empty() {
            return;
        }
        peers.sort();
        let peer = peers[self.next_peer % peers.len()];
        self.next_peer = self.next_peer.wrapping_add(1);
        if self
            .peers
            .get(&peer)
            .is_some_and(|state| state.queue.is_empty() && state.in_flight == 0)
        {
            debug!(peer = %peer, "periodic sync");
            self.enqueue(peer, [SyncRequest::Heads { after: None }]);
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

    /// Forgets an answered or failed request and sends the next one queued.
    fn finish_request(&mut self, id: OutboundRequestId) -> Option<(PeerId, SyncRequest)> {
        let (peer, request) = self.pending.remove(&id)?;
        if let Some(state) = self.peers.get_mut(&peer) {
            state.in_flight = state.in_flight.saturating_sub(1);
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
        let state = self.peers.entry(peer).or_default();
        if state.serving >= MAX_SERVING_PER_PEER {
            debug!(peer = %peer, "too many sync requests at once from one peer");
            let busy = SyncResponse::Refused(commons_protocol::Refusal::Busy);
            let _ = self.swarm.behaviour_mut().sync.send_response(channel, busy);
            return;
        }
        state.serving += 1;
        let store = self.node.store.clone();
        let internal = self.internal_tx.clone();
        self.spawn(async move {
            let read = tokio::task::spawn_blocking(move || serve(store.as_ref(), &request)).await;
            let response = match read {
                Ok(Ok(response)) => response,
                Ok(Err(error)) => {
                    warn!(%error, "cannot read the store to answer a sync request");
                    SyncResponse::Refused(commons_protocol::Refusal::Busy)
                }
                Err(error) => {
                    warn!(%error, "the sync read failed");
                    SyncResponse::Refused(commons_protocol::Refusal::Busy)
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

    fn on_response(&mut self, peer: PeerId, request: SyncRequest, response: SyncResponse) {
        let internal = self.internal_tx.clone();
        let node = self.node.clone();
        match response {
            SyncResponse::Heads { feeds, more } => {
                let mut next = Vec::new();
                if more && let Some(last) = feeds.last() {
                    next.push(SyncRequest::Heads {
                        after: Some(last.author),
                    });
                }
                self.spawn(async move {
                    let store = node.store.clone();
                    let planned =
                        tokio::task::spawn_blocking(move || plan(store.as_ref(), &feeds)).await;
                    match planned {
                        Ok(Ok(requests)) => next.extend(requests),
                        Ok(Err(error)) => warn!(%error, "cannot read the store to plan sync"),
                        Err(error) => warn!(%error, "the sync plan failed"),
                    }
                    let plan = Internal::Plan {
                        peer,
                        requests: next,
                        bad_records: 0,
                    };
                    let _ = internal.send(plan).await;
                });
            }
            SyncResponse::Records { records, more } => {
                let SyncRequest::Range { author, to_seq, .. } = request else {
                    debug!(peer = %peer, "records answered to a request for something else");
                    return;
                };
                if records.is_empty() {
                    return;
                }
                let metrics = self.metrics.clone();
                self.spawn(async move {
                    let last_seq = records
                        .last()
                        .and_then(|last| decode_record(last, &node.network).ok())
                        .filter(|decoded| decoded.record().author == author)
                        .map(|decoded| decoded.record().seq);
                    let results = node.ingest.submit_many(records, Source::Sync).await;
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
                    let mut requests = Vec::new();
                    if bad_records == 0
                        && more
                        && let Some(last_seq) = last_seq
                        && last_seq < to_seq
                    {
                        requests.push(page_request(author, last_seq + 1, to_seq));
                    }
                    let plan = Internal::Plan {
                        peer,
                        requests,
                        bad_records,
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
                        requests: Vec::new(),
                        bad_records,
                    };
                    let _ = internal.send(plan).await;
                });
            }
            SyncResponse::Refused(refusal) => {
                debug!(peer = %peer, refusal = ?refusal, "sync request refused");
            }
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
/// the peer has frozen a feed this node has not.
pub fn plan(
    store: &dyn crate::store::Store,
    remote: &[FeedSummary],
) -> Result<Vec<SyncRequest>, crate::store::StoreError> {
    let mut requests = Vec::new();
    let mut proofs = false;
    for feed in remote {
        let local = store.head(&feed.author)?.map(|head| summary(&head));
        if let Some((from, to)) = missing_range(local.as_ref(), feed) {
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
    use commons_protocol::{AgainstError, DeviceKeypair, RecordError, RecordId};

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
