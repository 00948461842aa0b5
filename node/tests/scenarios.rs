//! Scenarios of a whole network inside one process, each node a real libp2p swarm over
//! TCP on 127.0.0.1 (ports from the OS) with its own store, every key from the
//! fixtures' fixed seeds. They prove that records published anywhere reach every node
//! of a sparse network; that a late node catches up a 10,000-record feed exactly; that
//! two halves of a split network converge once rejoined; that a member's device sending
//! forged or malformed records by gossip and by sync has them refused and its score
//! pushed below zero; that an equivocating device's fork proof reaches every node and
//! freezes its feed everywhere; that a member voted out is disconnected and its later
//! records refused; that a non-member's device reads `Public` records, and only them,
//! from an open-read network and nothing but delegations from a closed one; and that a
//! connection refused by a connection limit leaves sync working.
//!
//! Nothing sleeps for a fixed time: every wait is on a condition, with a deadline. A
//! chain is kept a chain by each node's connection limit (Kademlia's queries would
//! otherwise connect a small network all to all, whatever `target_peers` says).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Net, Peer, net_with};

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use commons_node::clock::now_ms;
use commons_node::ingest::{IngestError, Ingested, Source};
use commons_node::network::behaviour::{BehaviourEvent, build_swarm};
use commons_node::network::{NetworkSettings, SwarmOptions};
use commons_node::publish::PublishError;
use commons_node::publish::own_position;
use commons_node::store::{
    CommitBatch, CommitStore, FeedHead, MemoryStore, NewRecord, RedbStore, Store,
};
use commons_protocol::fixtures::{
    BASE_TIME_MS, sample_charter, sample_charter_with, sample_practice, sample_vote,
};
use commons_protocol::{
    AgainstError, Body, DeviceKey, FeedSummary, FeedWriter, NetworkId, RecordId, SyncRequest,
    SyncResponse, Visibility, VoteChoice, validate_record,
};
use futures::StreamExt;
use libp2p::swarm::{DialError, SwarmEvent};
use libp2p::{PeerId, gossipsub, request_response};
use tokio::time::Instant;

/// How long any condition may take to come true (generous: the file runs beside other
/// tests on two cores).
const DEADLINE: Duration = Duration::from_secs(60);
/// How often a link that did not come up is dialed again (a connection limit may have
/// been taken for a moment by a Kademlia query's dial).
const REDIAL: Duration = Duration::from_secs(1);
/// A sync interval short enough that periodic sync does its work within a test.
const FAST_SYNC: Duration = Duration::from_millis(500);
/// A sync interval long enough that only the sync on connection runs.
const NO_PERIODIC_SYNC: Duration = Duration::from_secs(3600);
/// The default connection limit: no limit that matters here.
const UNLIMITED: u32 = 128;

async fn wait_for<F, Fut>(what: &str, condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    common::wait_within(DEADLINE, what, condition).await;
}

/// How a peer's network is set up.
#[derive(Clone, Copy)]
struct Setup {
    sync_interval: Duration,
    max_connections: u32,
    /// Whether it accepts connections at all (else it only dials).
    incoming: bool,
}

impl Setup {
    fn new(sync_interval: Duration, max_connections: u32) -> Self {
        Setup {
            sync_interval,
            max_connections,
            incoming: true,
        }
    }

    fn dial_only(self) -> Self {
        Setup {
            incoming: false,
            ..self
        }
    }
}

impl Peer {
    /// Sample org `index` of `net` on a memory store.
    async fn start(net: &Net, index: usize, setup: Setup) -> Peer {
        Peer::start_on(net, index, Arc::new(MemoryStore::new()), setup).await
    }

    /// Sample org `index` of `net` on `store`, listening on a port the OS picks, dialing
    /// nothing by itself (no bootstrap peers, no discovered peers dialed, no mDNS).
    async fn start_on(net: &Net, index: usize, store: Arc<dyn CommitStore>, setup: Setup) -> Peer {
        let settings = NetworkSettings {
            listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
            sync_interval: setup.sync_interval,
            target_peers: 0,
            swarm: SwarmOptions {
                mdns: false,
                max_connections: setup.max_connections,
                max_pending_incoming: if setup.incoming {
                    SwarmOptions::default().max_pending_incoming
                } else {
                    0
                },
                ..SwarmOptions::default()
            },
            ..NetworkSettings::loopback()
        };
        Peer::start_with(net, index, store, settings).await
    }

    fn peer_id(&self) -> PeerId {
        self.net.peer_id()
    }

    async fn connected(&self) -> BTreeSet<PeerId> {
        self.net
            .connected_peers()
            .await
            .unwrap()
            .into_iter()
            .collect()
    }

    /// Whether this node sees `other` connected as a member's device that admits it.
    async fn admitted_by(&self, other: &Peer) -> bool {
        self.net.report().await.unwrap().peers.iter().any(|peer| {
            peer.peer == other.peer_id() && peer.member && peer.admitted_us == Some(true)
        })
    }

    fn knows_all(&self, devices: &[DeviceKey]) -> bool {
        devices.iter().all(|device| self.contiguous(device) >= 1)
    }

    /// Every feed entry held: (author, seq, id).
    fn records(&self) -> BTreeSet<(DeviceKey, u64, RecordId)> {
        let store = &self.handle.store;
        let mut all = BTreeSet::new();
        for head in store.heads().unwrap() {
            for seq in 1..=head.max_seq {
                if let Some(entry) = store.entry(&head.author, seq).unwrap() {
                    all.insert((head.author, seq, entry.id));
                }
            }
        }
        all
    }

    fn ids(&self) -> BTreeSet<RecordId> {
        self.records().into_iter().map(|(_, _, id)| id).collect()
    }

    fn heads(&self) -> Vec<FeedHead> {
        let mut heads = self.handle.store.heads().unwrap();
        heads.sort_by_key(|head| head.author);
        heads
    }

    fn rejected(&self, reason: &str) -> u64 {
        self.handle
            .metrics
            .rejected()
            .get(reason)
            .copied()
            .unwrap_or(0)
    }

    async fn publish(&self, body: Body) -> RecordId {
        self.handle.publisher.publish(body).await.unwrap().id
    }
}

async fn stop_all(peers: Vec<Peer>) {
    for peer in peers {
        peer.stop().await;
    }
}

/// Connects `from` to `to` and waits until each sees the other as a member's device
/// that admits it (the hello answered both ways). Dials again while not connected.
async fn link(from: &Peer, to: &Peer) {
    let deadline = Instant::now() + DEADLINE;
    let mut next_dial = Instant::now();
    loop {
        if from.admitted_by(to).await && to.admitted_by(from).await {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {DEADLINE:?} linking two nodes"
        );
        if Instant::now() >= next_dial && !from.connected().await.contains(&to.peer_id()) {
            from.net.dial(to.addr.clone()).await.unwrap();
            next_dial = Instant::now() + REDIAL;
        }
        tokio::time::sleep(common::POLL).await;
    }
}

/// Nodes started in a chain, each limited to the connections of its place in it.
async fn chain(net: &Net, indexes: &[usize], sync_interval: Duration) -> Vec<Peer> {
    let peers = unlinked_chain(net, indexes, sync_interval).await;
    link_chain(&peers).await;
    peers
}

/// Nodes started for a chain, each limited to the connections of its place in it, not
/// linked yet.
async fn unlinked_chain(net: &Net, indexes: &[usize], sync_interval: Duration) -> Vec<Peer> {
    let mut peers = Vec::new();
    for (place, index) in indexes.iter().enumerate() {
        let ends = usize::from(place > 0) + usize::from(place + 1 < indexes.len());
        let limit = u32::try_from(ends).unwrap();
        peers.push(Peer::start(net, *index, Setup::new(sync_interval, limit)).await);
    }
    peers
}

/// Links each node of `peers` to the next.
async fn link_chain(peers: &[Peer]) {
    for pair in peers.windows(2) {
        link(&pair[1], &pair[0]).await;
    }
}

/// Asserts that each node of `peers` is connected to its chain neighbours and no one
/// else.
async fn assert_chain(peers: &[Peer]) {
    for (place, peer) in peers.iter().enumerate() {
        let mut neighbours = BTreeSet::new();
        if place > 0 {
            neighbours.insert(peers[place - 1].peer_id());
        }
        if let Some(next) = peers.get(place + 1) {
            neighbours.insert(next.peer_id());
        }
        assert_eq!(
            peer.connected().await,
            neighbours,
            "node {place} of the chain"
        );
    }
}

/// Whether `peer` is in `of`'s gossip mesh. Before any record is gossiped, a member's
/// score is its time in the mesh and nothing else, so it is above zero once the two
/// have grafted each other (gossipsub's first heartbeat comes a few seconds after it
/// starts, and a record published before then is passed to direct peers only).
async fn in_mesh(of: &Peer, peer: &Peer) -> bool {
    of.net
        .peer_score(peer.peer_id())
        .await
        .unwrap()
        .is_some_and(|score| score > 0.0)
}

fn practice(visibility: Visibility) -> Body {
    Body::Practice(sample_practice(visibility))
}

fn devices(peers: &[Peer]) -> Vec<DeviceKey> {
    peers.iter().map(|peer| peer.device).collect()
}

/// Waits until every node holds exactly the same records, `expected` of them.
async fn wait_converged(what: &str, peers: &[Peer], expected: usize) {
    wait_for(what, || async {
        let first = peers[0].records();
        first.len() == expected && peers[1..].iter().all(|peer| peer.records() == first)
    })
    .await;
    let heads = peers[0].heads();
    for peer in &peers[1..] {
        assert_eq!(
            peer.heads(),
            heads,
            "every node reports the same feed heads"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_published_at_five_nodes_of_a_chain_reach_every_node() {
    const EACH: usize = 8;
    let net = net_with(sample_charter(5).0, 0..5);
    // A chain A-B-C-D-E: no node but B..D can pass records on.
    let peers = unlinked_chain(&net, &[0, 1, 2, 3, 4], FAST_SYNC).await;
    // Every node knows every member's device before they meet (as it would after any
    // earlier sync), so each side admits the other the moment they connect: no link
    // can be pruned from the gossip mesh for a minute because one side grafted it
    // while the other still took it for a stranger.
    let delegations: Vec<Vec<u8>> = net
        .delegations
        .iter()
        .map(|delegation| delegation.signed_bytes().to_vec())
        .collect();
    for peer in &peers {
        let imported = peer
            .handle
            .ingest
            .submit_many(delegations.clone(), Source::Import)
            .await;
        assert!(imported.iter().all(Result::is_ok), "{imported:?}");
    }
    link_chain(&peers).await;
    assert_chain(&peers).await;

    wait_for(
        "every link of the chain to be in the gossip mesh",
        || async {
            for pair in peers.windows(2) {
                if !in_mesh(&pair[0], &pair[1]).await || !in_mesh(&pair[1], &pair[0]).await {
                    return false;
                }
            }
            true
        },
    )
    .await;
    let mut at_far_end = peers[4].handle.ingest.subscribe();
    let mut published = BTreeSet::new();
    let mut from_first = Vec::new();
    for round in 0..EACH {
        for (index, peer) in peers.iter().enumerate() {
            let visibility = if round % 2 == 0 {
                Visibility::Public
            } else {
                Visibility::Members
            };
            let id = peer.publish(practice(visibility)).await;
            published.insert(id);
            if index == 0 {
                from_first.push(id);
            }
        }
    }
    wait_converged(
        "every node to hold every record",
        &peers,
        peers.len() * (1 + EACH),
    )
    .await;
    for peer in &peers {
        let held = peer.ids();
        assert!(published.iter().all(|id| held.contains(id)));
    }
    // The far end is four hops from A: gossip relayed A's records through B, C and D.
    let mut sources = Vec::new();
    while let Ok(event) = at_far_end.try_recv() {
        if from_first.contains(&event.record.id()) {
            sources.push(event.source);
        }
    }
    assert_eq!(sources.len(), EACH, "E stored each of A's records once");
    assert!(
        sources.contains(&Source::Gossip),
        "none of A's records reached E by gossip: {sources:?}"
    );
    assert_chain(&peers).await;
    stop_all(peers).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_node_on_redb_catches_up_ten_thousand_records() {
    const RECORDS: u64 = 10_000;
    let mut net = net_with(sample_charter(3).0, 0..3);
    let setup = Setup::new(NO_PERIODIC_SYNC, UNLIMITED);
    let a = Peer::start(&net, 0, setup).await;
    // A third founder's feed, imported at A: stored but never gossiped, so the late
    // node can only get it by sync.
    let third = net.orgs[2].device.public();
    let mut feed = vec![net.delegations[2].signed_bytes().to_vec()];
    for second in 1..=RECORDS {
        let record = net.writers[2]
            .append(practice(Visibility::Public), BASE_TIME_MS + second * 1000)
            .unwrap();
        feed.push(record.into_signed_bytes());
    }
    for chunk in feed.chunks(4000) {
        let imported = a
            .handle
            .ingest
            .submit_many(chunk.to_vec(), Source::Import)
            .await;
        assert!(
            imported
                .iter()
                .all(|result| matches!(result, Ok(Ingested::Stored { .. })))
        );
    }
    assert_eq!(a.contiguous(&third), RECORDS + 1);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.redb");
    let network = net.charter.charter().network_id();
    let store: Arc<dyn CommitStore> = Arc::new(RedbStore::open(&path, network).unwrap());
    let b = Peer::start_on(&net, 1, store, setup).await;
    b.net.dial(a.addr.clone()).await.unwrap();
    wait_for("B to hold the third org's whole feed", || async {
        b.contiguous(&third) == RECORDS + 1
    })
    .await;
    wait_for("A to hold B's delegation", || async {
        a.contiguous(&b.device) == 1
    })
    .await;
    let expected = a.records();
    assert_eq!(expected.len() as u64, RECORDS + 3);
    assert_eq!(b.records(), expected, "B holds exactly what A holds");
    assert_eq!(b.heads(), a.heads());
    // The counter is bumped once a page's answers are back in the event loop, just
    // after its records are visible in the store.
    wait_for("B to count the records synced", || async {
        b.net.metrics().sync_stored.load(Ordering::Relaxed) > RECORDS
    })
    .await;
    assert_eq!(
        b.net.metrics().gossip_accepted.load(Ordering::Relaxed),
        0,
        "imported records are never gossiped"
    );
    b.stop().await;
    a.stop().await;

    // And the late node's records are on disk.
    let reopened = RedbStore::open(&path, network).unwrap();
    assert_eq!(
        reopened.head(&third).unwrap().unwrap().contiguous,
        RECORDS + 1
    );
    assert_eq!(reopened.stats().unwrap().records, RECORDS + 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_halves_split_then_rejoined_converge() {
    const EACH: usize = 4;
    let net = net_with(sample_charter(5).0, 0..5);
    // A-B-M-C-D: the halves A-B and C-D are joined through M only. B and C accept no
    // connection (they dial their neighbours), so once M is gone nothing can join the
    // halves, whatever Kademlia tells them of each other: A and D are full, and B and
    // C would each have to accept the other. (Disconnecting two nodes would not do:
    // each keeps the other in its routing table, and a Kademlia query under way may
    // dial it again within a second.)
    // (sample org, connection limit, accepts connections) of A, B, M, C and D.
    let places = [
        (0, 1, true),
        (1, 2, false),
        (4, 2, true),
        (2, 2, false),
        (3, 1, true),
    ];
    let mut peers = Vec::new();
    for (index, limit, incoming) in places {
        let setup = Setup::new(FAST_SYNC, limit);
        let setup = if incoming { setup } else { setup.dial_only() };
        peers.push(Peer::start(&net, index, setup).await);
    }
    for (from, to) in [(1, 0), (1, 2), (3, 2), (3, 4)] {
        link(&peers[from], &peers[to]).await;
    }
    assert_chain(&peers).await;
    let all = devices(&peers);
    wait_for("every node to hold every delegation", || async {
        peers.iter().all(|peer| peer.knows_all(&all))
    })
    .await;
    let before = peers[0].records();

    // M goes offline.
    let m = peers.remove(2);
    let (m_peer, m_store) = (m.peer_id(), m.store.clone());
    m.stop().await;
    let (b, c) = (&peers[1], &peers[2]);
    wait_for("the halves to be apart", || async {
        !b.connected().await.contains(&m_peer) && !c.connected().await.contains(&m_peer)
    })
    .await;

    // Both halves publish while apart.
    let mut left = BTreeSet::new();
    let mut right = BTreeSet::new();
    for _ in 0..EACH {
        for (index, peer) in peers.iter().enumerate() {
            let id = peer.publish(practice(Visibility::Members)).await;
            if index < 2 {
                left.insert(id);
            } else {
                right.insert(id);
            }
        }
    }
    wait_for("each half to hold its own records", || async {
        peers[..2]
            .iter()
            .all(|peer| left.iter().all(|id| peer.holds(id)))
            && peers[2..]
                .iter()
                .all(|peer| right.iter().all(|id| peer.holds(id)))
    })
    .await;
    for peer in &peers[..2] {
        assert!(right.iter().all(|id| !peer.holds(id)), "the split held");
    }
    for peer in &peers[2..] {
        assert!(left.iter().all(|id| !peer.holds(id)), "the split held");
    }
    for (half, other) in [(&peers[..2], &peers[2..]), (&peers[2..], &peers[..2])] {
        for peer in half {
            let connected = peer.connected().await;
            assert!(other.iter().all(|o| !connected.contains(&o.peer_id())));
        }
    }

    // M comes back on its store and B and C dial it again: the sync on connection and
    // the periodic syncs carry each half's records to the other, as far as A and D.
    let m = Peer::start_on(&net, 4, m_store, Setup::new(FAST_SYNC, 2)).await;
    peers.insert(2, m);
    link(&peers[1], &peers[2]).await;
    link(&peers[3], &peers[2]).await;
    assert_chain(&peers).await;
    wait_converged(
        "both halves to hold every record",
        &peers,
        before.len() + left.len() + right.len(),
    )
    .await;
    assert_chain(&peers).await;
    stop_all(peers).await;
}

/// Bytes that are not a valid record, each with the reason ingest gives for refusing it.
type BadBytes = Vec<(Vec<u8>, &'static str)>;

/// Bytes that are not valid records of `net`'s network, for a peer to gossip and to
/// serve by sync.
fn bad_records(net: &Net) -> (BadBytes, BadBytes) {
    let victim = &net.orgs[0];
    let delegation = net.delegations[0].signed_bytes().to_vec();
    let mut writer = net.writers[0].clone();
    let second = writer
        .append(practice(Visibility::Public), BASE_TIME_MS + 60_000)
        .unwrap()
        .into_signed_bytes();
    let elsewhere = NetworkId::of(b"another network");
    let mut other = victim.writer(elsewhere);
    let other_delegation = other
        .append(victim.delegation(elsewhere), BASE_TIME_MS)
        .unwrap()
        .into_signed_bytes();
    let other_second = other
        .append(practice(Visibility::Public), BASE_TIME_MS + 60_000)
        .unwrap()
        .into_signed_bytes();
    let mut forged = second.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let mut trailing = delegation.clone();
    trailing.push(0);
    let by_gossip = vec![
        (b"not a record, just some bytes".to_vec(), "malformed"),
        (delegation[..delegation.len() - 9].to_vec(), "malformed"),
        (other_delegation, "wrong_network"),
    ];
    let by_sync = vec![
        (trailing, "malformed"),
        (forged, "bad_signature"),
        (other_second, "wrong_network"),
    ];
    (by_gossip, by_sync)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_forged_records_are_refused_and_their_sender_loses_score() {
    let net = net_with(sample_charter(3).0, 0..3);
    let network = net.charter.charter().network_id();
    let b = Peer::start(&net, 1, Setup::new(NO_PERIODIC_SYNC, UNLIMITED)).await;
    let victim = net.orgs[0].device.public();
    let (by_gossip, by_sync) = bad_records(&net);
    // Each is provably bad, for the reason given: what gossip rejects and what costs a
    // sync peer its score.
    for (bytes, reason) in by_gossip.iter().chain(&by_sync) {
        let error = IngestError::Invalid(validate_record(bytes, &network).unwrap_err());
        assert!(error.is_malicious(), "{error}");
        assert_eq!(error.reason(), *reason, "{error}");
    }

    // A hand-driven swarm with the third founder's device (an insider gone bad, or its
    // stolen key): it introduces itself truthfully, so B treats it as a member's
    // device, then gossips bad bytes once B asks for its heads, and serves bad bytes
    // when B pulls the feed it claims to hold.
    let options = SwarmOptions {
        mdns: false,
        ..SwarmOptions::default()
    };
    let (mut evil, topics) = build_swarm(&net.orgs[2].device, &network, &options).unwrap();
    let evil_delegation = net.delegations[2].signed_bytes().to_vec();
    let evil_peer = *evil.local_peer_id();
    evil.dial(b.addr.clone()).unwrap();
    let gossip_bytes: Vec<Vec<u8>> = by_gossip.iter().map(|(bytes, _)| bytes.clone()).collect();
    let sync_bytes: Vec<Vec<u8>> = by_sync.iter().map(|(bytes, _)| bytes.clone()).collect();
    let liar = tokio::spawn(async move {
        let (mut subscribed, mut asked, mut gossiped) = (false, false, false);
        loop {
            match evil.select_next_some().await {
                SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(
                    gossipsub::Event::Subscribed { topic, .. },
                )) if topic == topics.records.hash() => subscribed = true,
                SwarmEvent::Behaviour(BehaviourEvent::Sync(request_response::Event::Message {
                    message:
                        request_response::Message::Request {
                            request, channel, ..
                        },
                    ..
                })) => {
                    asked |= matches!(request, SyncRequest::Heads { .. });
                    let response = match request {
                        SyncRequest::Hello { .. } => SyncResponse::Hello {
                            delegation: evil_delegation.clone(),
                            admitted: true,
                        },
                        SyncRequest::Heads { .. } => SyncResponse::Heads {
                            feeds: vec![FeedSummary {
                                author: victim,
                                contiguous: 3,
                                max_seq: 3,
                                frozen: false,
                            }],
                            more: false,
                        },
                        SyncRequest::Range { .. } => SyncResponse::Records {
                            records: sync_bytes.clone(),
                            more: false,
                        },
                        SyncRequest::ForkProofs => SyncResponse::ForkProofs { proofs: Vec::new() },
                        SyncRequest::Announce { .. } => SyncResponse::Heads {
                            feeds: Vec::new(),
                            more: false,
                        },
                    };
                    let _ = evil.behaviour_mut().sync.send_response(channel, response);
                }
                _ => {}
            }
            if subscribed && asked && !gossiped {
                for bytes in &gossip_bytes {
                    evil.behaviour_mut()
                        .gossipsub
                        .publish(topics.records.clone(), bytes.clone())
                        .unwrap();
                }
                gossiped = true;
            }
        }
    });

    let mut expected: std::collections::BTreeMap<&str, u64> = Default::default();
    for (_, reason) in by_gossip.iter().chain(&by_sync) {
        *expected.entry(reason).or_default() += 1;
    }
    wait_for("B to refuse every bad record", || async {
        expected
            .iter()
            .all(|(reason, count)| b.rejected(reason) >= *count)
    })
    .await;
    let metrics = b.net.metrics();
    wait_for("B's network to count every refusal", || async {
        metrics.gossip_rejected.load(Ordering::Relaxed) >= by_gossip.len() as u64
            && metrics.sync_rejected.load(Ordering::Relaxed) >= by_sync.len() as u64
    })
    .await;
    let score = b.net.peer_score(evil_peer).await.unwrap();
    assert!(
        score.is_some_and(|score| score < 0.0),
        "the liar's score is below zero: {score:?}"
    );
    let report = b.net.report().await.unwrap();
    let seen = report
        .peers
        .iter()
        .find(|peer| peer.peer == evil_peer)
        .unwrap();
    assert!(seen.member, "it was refused as a member, not as a stranger");
    // Nothing but the two delegations of the hello exchange is stored.
    assert!(b.handle.store.head(&victim).unwrap().is_none());
    let held: BTreeSet<RecordId> = b.ids();
    let delegations: BTreeSet<RecordId> = [net.delegations[1].id(), net.delegations[2].id()].into();
    assert_eq!(held, delegations);
    assert_eq!(metrics.gossip_accepted.load(Ordering::Relaxed), 0);
    assert_eq!(metrics.sync_stored.load(Ordering::Relaxed), 0);

    liar.abort();
    let _ = liar.await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_equivocating_device_is_frozen_on_every_node() {
    let mut net = net_with(sample_charter(4).0, 0..4);
    // A-B-C-D, A being the device that equivocates.
    let peers = chain(&net, &[0, 1, 2, 3], FAST_SYNC).await;
    let all = devices(&peers);
    wait_for("every node to hold every delegation", || async {
        peers.iter().all(|peer| peer.knows_all(&all))
    })
    .await;
    let (a, d) = (&peers[0], &peers[3]);

    // A's node publishes its seq 2, which reaches D along the chain...
    let first = a
        .handle
        .publisher
        .publish(practice(Visibility::Public))
        .await
        .unwrap();
    assert_eq!(first.seq, 2);
    wait_for("D to hold A's seq 2", || async { d.holds(&first.id) }).await;
    // ...and the same device signs another seq 2 (a cloned key, a restored backup),
    // which reaches D, at the other end of the chain.
    let twin = net.writers[0]
        .append(practice(Visibility::Members), BASE_TIME_MS + 60_000)
        .unwrap();
    assert_eq!(twin.record().seq, 2);
    let twin_id = twin.id();
    let outcome = d
        .handle
        .ingest
        .submit(twin.into_signed_bytes(), Source::Import)
        .await
        .unwrap();
    assert!(matches!(outcome, Ingested::Fork { .. }), "{outcome:?}");

    // Only D saw both; sync carries the proof along the chain to A itself.
    wait_for("every node to hold the fork proof", || async {
        peers
            .iter()
            .all(|peer| !peer.handle.store.fork_proofs().unwrap().is_empty())
    })
    .await;
    for peer in &peers {
        let proofs = peer.handle.store.fork_proofs().unwrap();
        assert_eq!(proofs.len(), 1);
        let proof = &proofs[0];
        assert_eq!((proof.author(), proof.seq()), (a.device, 2));
        let (x, y) = proof.records();
        let ids: BTreeSet<RecordId> = [x.id(), y.id()].into();
        assert_eq!(ids, [first.id, twin_id].into());
        let head = peer.handle.store.head(&a.device).unwrap().unwrap();
        assert!(head.frozen, "A's feed is frozen everywhere");
    }
    // A frozen feed takes nothing more, even from its own node.
    let refused = a
        .handle
        .publisher
        .publish(practice(Visibility::Public))
        .await;
    assert!(
        matches!(
            refused,
            Err(PublishError::Ingest(IngestError::Refused(
                AgainstError::FeedFrozen { .. }
            )))
        ),
        "{refused:?}"
    );
    stop_all(peers).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_member_is_cut_off_and_its_new_records_refused() {
    let net = net_with(sample_charter(5).0, 0..5);
    let setup = Setup::new(FAST_SYNC, UNLIMITED);
    let mut peers = Vec::new();
    for index in 0..5 {
        peers.push(Peer::start(&net, index, setup).await);
    }
    // E is connected to every member.
    for to in 0..5 {
        for from in to + 1..5 {
            link(&peers[from], &peers[to]).await;
        }
    }
    let all = devices(&peers);
    wait_for("every node to hold every delegation", || async {
        peers.iter().all(|peer| peer.knows_all(&all))
    })
    .await;
    let e = peers.pop().unwrap();
    let while_member = e.publish(practice(Visibility::Public)).await;
    wait_for("every member to hold E's record", || async {
        peers.iter().all(|peer| peer.holds(&while_member))
    })
    .await;

    // Removal takes two thirds of the four others: three votes.
    let removal = peers[0].handle.roster().tally(&e.org);
    assert_eq!(removal.remove_needed, 3);
    let voted_ms = now_ms();
    let mut votes = Vec::new();
    for voter in &peers[..3] {
        let vote = voter.publish(sample_vote(e.org, VoteChoice::Remove)).await;
        votes.push(vote);
    }
    wait_for("every member's roster to drop E", || async {
        peers
            .iter()
            .all(|peer| !peer.handle.roster().is_member(&e.org))
    })
    .await;
    // Each member closes its connections with E because of its roster. (A Kademlia
    // query under way may dial E again a moment later: such a connection is a
    // non-member's, which is allowed, so what is checked is that no connection from
    // E's time as a member is left and none is a member's.)
    wait_for("every member to cut E off", || async {
        for peer in &peers {
            let cut = peer.net.metrics().peers_cut_off.load(Ordering::Relaxed) == 1;
            let report = peer.net.report().await.unwrap();
            let e_now = report.peers.iter().find(|seen| seen.peer == e.peer_id());
            let gone = e_now.is_none_or(|seen| !seen.member && seen.connected_ms >= voted_ms);
            if !cut || !gone || peer.net.metrics().member_peers.load(Ordering::Relaxed) != 3 {
                return false;
            }
        }
        let report = e.net.report().await.unwrap();
        report
            .peers
            .iter()
            .all(|seen| seen.connected_ms >= voted_ms && seen.admitted_us == Some(false))
    })
    .await;
    for peer in &peers {
        assert!(peer.handle.roster().is_member(&peer.org));
    }

    // E's own node, once it holds the votes, refuses to publish for a removed org.
    let signed_votes: Vec<Vec<u8>> = votes
        .iter()
        .map(|id| {
            let stored = peers[0].handle.store.record(id).unwrap().unwrap();
            stored.record.signed_bytes().to_vec()
        })
        .collect();
    let imported = e
        .handle
        .ingest
        .submit_many(signed_votes, Source::Import)
        .await;
    assert!(imported.iter().all(Result::is_ok), "{imported:?}");
    assert!(!e.handle.roster().is_member(&e.org));
    let refused = e
        .handle
        .publisher
        .publish(practice(Visibility::Public))
        .await;
    assert!(
        matches!(
            refused,
            Err(PublishError::Ingest(IngestError::Refused(
                AgainstError::NotAMember { .. }
            )))
        ),
        "{refused:?}"
    );

    // A node that ignores the removal signs one anyway and serves it: it is stored at E
    // only, past ingest, and E dials a member again.
    let device = net.orgs[4].device.clone();
    let position = own_position(e.handle.store.as_ref(), &device).unwrap();
    let mut writer = FeedWriter::new(device, net.charter.charter().network_id(), position);
    let rogue = writer
        .append(practice(Visibility::Public), now_ms())
        .unwrap();
    let rogue_id = rogue.id();
    let batch = CommitBatch {
        records: vec![NewRecord {
            record: rogue,
            org: e.org,
        }],
        ..CommitBatch::default()
    };
    e.store.commit(&batch).unwrap();
    let a = &peers[0];
    let refused_before = a.rejected("not_a_member");
    // A node syncs with a non-member's device on connection only: A must pull E's new
    // record over a connection made after it. Once the old one is closed, something
    // else may dial again at once (a Kademlia query of either side), before E is ever
    // seen apart from A; that connection is as fresh as the test's own. So: close it,
    // and dial whenever the two are apart, until A has refused the record.
    e.net.disconnect(a.peer_id()).await.unwrap();
    wait_for(
        "A to refuse E's new record, pulled over a fresh connection",
        || async {
            if !e.connected().await.contains(&a.peer_id()) {
                // A dial that fails (one already under way) is tried again on the next turn.
                let _ = e.net.dial(a.addr.clone()).await;
            }
            a.rejected("not_a_member") > refused_before
        },
    )
    .await;
    wait_for(
        "A to see E as a non-member and E to see it is not admitted",
        || async {
            let seen = a.net.report().await.unwrap();
            let e_at_a = seen
                .peers
                .iter()
                .any(|peer| peer.peer == e.peer_id() && !peer.member);
            let seen = e.net.report().await.unwrap();
            let a_at_e = seen
                .peers
                .iter()
                .any(|peer| peer.peer == a.peer_id() && peer.admitted_us == Some(false));
            e_at_a && a_at_e
        },
    )
    .await;
    let members = a.net.metrics().member_peers.load(Ordering::Relaxed);
    assert_eq!(members, 3, "E is connected to A, but not as a member");
    for peer in &peers {
        assert!(!peer.holds(&rogue_id), "no member stores E's new record");
        assert!(peer.holds(&while_member), "E's record from before stays");
    }
    peers.push(e);
    stop_all(peers).await;
}

/// Two founders, A and B, linked, and an observer O (a sample org that is not a member)
/// whose node syncs every [`FAST_SYNC`] (a non-member gets nothing by gossip).
async fn observed(open_read: bool) -> (Net, Vec<Peer>, Peer) {
    let net = net_with(sample_charter_with(2, open_read).0, [0, 1, 7]);
    let setup = Setup::new(NO_PERIODIC_SYNC, UNLIMITED);
    let a = Peer::start(&net, 0, setup).await;
    let b = Peer::start(&net, 1, setup).await;
    link(&b, &a).await;
    let observer = Peer::start(&net, 2, Setup::new(FAST_SYNC, UNLIMITED)).await;
    assert!(!observer.handle.roster().is_member(&observer.org));
    (net, vec![a, b], observer)
}

/// Waits until `observer` has sent `rounds` more sync requests than now.
async fn wait_sync_rounds(observer: &Peer, rounds: u64) {
    let metrics = observer.net.metrics();
    let from = metrics.sync_requests.load(Ordering::Relaxed);
    wait_for("the observer to sync a few more times", || async {
        metrics.sync_requests.load(Ordering::Relaxed) >= from + rounds
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observer_of_an_open_network_reads_public_records_only() {
    let (net, members, observer) = observed(true).await;
    let (a, b) = (&members[0], &members[1]);
    let mut public = BTreeSet::new();
    let mut kept = BTreeSet::new();
    let mut publish = |id: RecordId, visibility: Visibility| match visibility {
        Visibility::Public => public.insert(id),
        _ => kept.insert(id),
    };
    // Before the observer connects, and after.
    for visibility in [Visibility::Public, Visibility::Members, Visibility::Public] {
        publish(a.publish(practice(visibility)).await, visibility);
    }
    observer.net.dial(a.addr.clone()).await.unwrap();
    wait_for("the observer to see A as a member", || async {
        let report = observer.net.report().await.unwrap();
        report
            .peers
            .iter()
            .any(|peer| peer.peer == a.peer_id() && peer.member)
    })
    .await;
    for visibility in [Visibility::Members, Visibility::Public, Visibility::Members] {
        publish(a.publish(practice(visibility)).await, visibility);
        publish(b.publish(practice(visibility)).await, visibility);
    }
    wait_for("A to hold B's records", || async {
        public.iter().chain(&kept).all(|id| a.holds(id))
    })
    .await;
    wait_for("the observer to hold every public record", || async {
        public.iter().all(|id| observer.holds(id))
    })
    .await;
    wait_sync_rounds(&observer, 4).await;

    let delegations: BTreeSet<RecordId> = net.delegations.iter().map(|d| d.id()).collect();
    let expected: BTreeSet<RecordId> = delegations.union(&public).copied().collect();
    assert_eq!(
        observer.ids(),
        expected,
        "public records and delegations only"
    );
    assert!(kept.iter().all(|id| !observer.holds(id)));
    let metrics = observer.net.metrics();
    assert_eq!(
        metrics.gossip_accepted.load(Ordering::Relaxed),
        0,
        "nothing is gossiped to a non-member"
    );
    let report = a.net.report().await.unwrap();
    let seen = report
        .peers
        .iter()
        .find(|peer| peer.peer == observer.peer_id())
        .unwrap();
    assert!(!seen.member);
    let report = observer.net.report().await.unwrap();
    let seen = report
        .peers
        .iter()
        .find(|peer| peer.peer == a.peer_id())
        .unwrap();
    assert_eq!(seen.admitted_us, Some(false));

    observer.stop().await;
    stop_all(members).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observer_of_a_closed_network_gets_nothing_but_a_delegation() {
    let (net, members, observer) = observed(false).await;
    let a = &members[0];
    let mut published = Vec::new();
    for _ in 0..3 {
        published.push(a.publish(practice(Visibility::Public)).await);
    }
    observer.net.dial(a.addr.clone()).await.unwrap();
    wait_for("A to refuse the observer", || async {
        let report = observer.net.report().await.unwrap();
        report
            .peers
            .iter()
            .any(|peer| peer.peer == a.peer_id() && peer.member && peer.admitted_us == Some(false))
    })
    .await;
    wait_sync_rounds(&observer, 4).await;

    // The hello exchange stored each side's delegation, and nothing else crossed. (The
    // observer may also have met B, through a Kademlia query's connection: B refuses
    // it the same way, and their hello stores B's delegation too.)
    let held = observer.ids();
    let delegations: BTreeSet<RecordId> = net.delegations.iter().map(|d| d.id()).collect();
    assert!(held.is_subset(&delegations), "nothing but delegations");
    assert!(held.contains(&net.delegations[0].id()) && held.contains(&net.delegations[2].id()));
    assert!(published.iter().all(|id| !observer.holds(id)));
    assert_eq!(
        a.contiguous(&observer.device),
        1,
        "A holds the observer's delegation"
    );
    assert_eq!(
        observer.net.metrics().sync_stored.load(Ordering::Relaxed),
        0
    );

    observer.stop().await;
    stop_all(members).await;
}

/// The next event of a hand-driven `swarm` that `wanted` picks, within the deadline.
async fn next_event<T>(
    swarm: &mut libp2p::Swarm<commons_node::network::behaviour::Behaviour>,
    what: &str,
    mut wanted: impl FnMut(SwarmEvent<BehaviourEvent>) -> Option<T>,
) -> T {
    let found = tokio::time::timeout(DEADLINE, async {
        loop {
            if let Some(found) = wanted(swarm.select_next_some().await) {
                return found;
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("timed out after {DEADLINE:?} waiting for {what}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_refused_by_the_limits_leaves_sync_working() {
    let net = net_with(sample_charter(3).0, 0..3);
    let network = net.charter.charter().network_id();
    let a = Peer::start(&net, 0, Setup::new(NO_PERIODIC_SYNC, UNLIMITED)).await;
    let a_peer = a.peer_id();
    // A hand-driven swarm of the second founder's device, allowed one connection per
    // peer, so that its second connection to A is set up and then refused.
    let options = SwarmOptions {
        mdns: false,
        max_connections_per_peer: 1,
        ..SwarmOptions::default()
    };
    let (mut swarm, _) = build_swarm(&net.orgs[1].device, &network, &options).unwrap();
    swarm.dial(a.addr.clone()).unwrap();
    next_event(&mut swarm, "the first connection", |event| match event {
        SwarmEvent::ConnectionEstablished { peer_id, .. } if peer_id == a_peer => Some(()),
        _ => None,
    })
    .await;
    swarm.dial(a.addr.clone()).unwrap();
    next_event(
        &mut swarm,
        "the second connection to be refused",
        |event| match event {
            SwarmEvent::OutgoingConnectionError {
                error: DialError::Denied { .. },
                ..
            } => Some(()),
            SwarmEvent::ConnectionEstablished { .. } => panic!("a second connection was kept"),
            _ => None,
        },
    )
    .await;
    swarm.disconnect_peer_id(a_peer).unwrap();
    next_event(
        &mut swarm,
        "the first connection to close",
        |event| match event {
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } if peer_id == a_peer => Some(()),
            _ => None,
        },
    )
    .await;

    // Connected again, a sync request is answered: no part of the swarm kept the
    // refused connection as a place to send requests.
    swarm.dial(a.addr.clone()).unwrap();
    next_event(&mut swarm, "a new connection", |event| match event {
        SwarmEvent::ConnectionEstablished { peer_id, .. } if peer_id == a_peer => Some(()),
        _ => None,
    })
    .await;
    let hello = SyncRequest::Hello {
        delegation: net.delegations[1].signed_bytes().to_vec(),
    };
    let asked = swarm.behaviour_mut().sync.send_request(&a_peer, hello);
    let answer = next_event(&mut swarm, "A's answer to the hello", |event| match event {
        SwarmEvent::Behaviour(BehaviourEvent::Sync(request_response::Event::Message {
            message:
                request_response::Message::Response {
                    request_id,
                    response,
                },
            ..
        })) if request_id == asked => Some(response),
        SwarmEvent::Behaviour(BehaviourEvent::Sync(request_response::Event::OutboundFailure {
            request_id,
            error,
            ..
        })) if request_id == asked => panic!("the hello failed: {error}"),
        _ => None,
    })
    .await;
    assert!(
        matches!(answer, SyncResponse::Hello { admitted: true, .. }),
        "{answer:?}"
    );
    drop(swarm);
    a.stop().await;
}
