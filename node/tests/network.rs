//! The network end to end inside one process: real swarms over TCP on 127.0.0.1, each
//! with its own node (memory store), started from the fixtures' fixed keys. Nothing
//! here sleeps for a fixed time: each test waits for a condition, with a deadline.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Net, Peer, net};

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use commons_node::ingest::Source;
use commons_node::network::behaviour::{BehaviourEvent, build_swarm};
use commons_node::network::{NetworkSettings, SwarmOptions};
use commons_node::store::MemoryStore;
use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::{Body, FeedSummary, SyncRequest, SyncResponse, Visibility};
use futures::StreamExt;
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, request_response};

/// How long any condition may take to come true.
const DEADLINE: Duration = Duration::from_secs(30);

async fn wait_for<F, Fut>(what: &str, condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    common::wait_within(DEADLINE, what, condition).await;
}

fn loopback() -> Multiaddr {
    "/ip4/127.0.0.1/tcp/0".parse().unwrap()
}

impl Peer {
    /// Founder `index`'s device, its feed opened with its delegation.
    async fn start(net: &Net, index: usize) -> Peer {
        let settings = NetworkSettings {
            listen: vec![loopback()],
            // Long enough that only the sync on connection and gossip are at work.
            sync_interval: Duration::from_secs(3600),
            ..NetworkSettings::loopback()
        };
        Peer::start_with(net, index, Arc::new(MemoryStore::new()), settings).await
    }
}

fn practice() -> Body {
    Body::Practice(sample_practice(Visibility::Public))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_published_at_one_node_reaches_its_peer_by_gossip() {
    let net = net(3);
    let a = Peer::start(&net, 0).await;
    let b = Peer::start(&net, 1).await;
    b.net.dial(a.addr.clone()).await.unwrap();
    let a_device = net.orgs[0].device.public();
    // The sync on connection brings A's delegation, so B knows A's device.
    wait_for("B to pull A's delegation", || async {
        b.contiguous(&a_device) >= 1
    })
    .await;
    wait_for("A to see B on the records topic", || async {
        a.net
            .gossip_peers()
            .await
            .unwrap()
            .contains(&b.net.peer_id())
    })
    .await;

    // Several records: the sync that runs on connection may race the first of them
    // to B, but it cannot carry them all before gossip does.
    let mut events = b.handle.ingest.subscribe();
    let mut published = Vec::new();
    for _ in 0..5 {
        published.push(a.handle.publisher.publish(practice()).await.unwrap().id);
    }
    for id in &published {
        wait_for("B to store A's records", || async { b.holds(id) }).await;
    }
    let sources = tokio::time::timeout(DEADLINE, async {
        let mut sources = Vec::new();
        while sources.len() < published.len() {
            let event = events.recv().await.unwrap();
            if published.contains(&event.record.id()) {
                sources.push(event.source);
            }
        }
        sources
    })
    .await
    .unwrap();
    assert!(
        sources.contains(&Source::Gossip),
        "none came by gossip: {sources:?}"
    );
    assert!(b.net.metrics().gossip_accepted.load(Ordering::Relaxed) >= 1);
    assert!(a.net.metrics().gossip_published.load(Ordering::Relaxed) >= 5);

    b.stop().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_node_catches_up_by_sync() {
    // Several pages (512 records each), so pages are pulled while earlier ones are
    // still being ingested, and B's announcements of what it pulled come back answered.
    const RECORDS: u64 = 3000;
    let mut net = net(3);
    let a = Peer::start(&net, 0).await;
    // A holds a third org's feed, imported: stored, but never gossiped (only a node's
    // own publishes are), so the late node can only get it by sync.
    let third = net.orgs[2].device.public();
    let mut feed = vec![net.delegations[2].signed_bytes().to_vec()];
    for minute in 1..=RECORDS {
        let record = net.writers[2]
            .append(practice(), BASE_TIME_MS + minute * 60_000)
            .unwrap();
        feed.push(record.into_signed_bytes());
    }
    let imported = a.handle.ingest.submit_many(feed, Source::Import).await;
    assert!(imported.iter().all(Result::is_ok), "{imported:?}");
    assert_eq!(a.contiguous(&third), RECORDS + 1);

    let b = Peer::start(&net, 1).await;
    b.net.dial(a.addr.clone()).await.unwrap();
    wait_for("B to hold the third org's whole feed", || async {
        b.contiguous(&third) == RECORDS + 1
    })
    .await;
    // The counter is bumped once the page's answers are back in the event loop, just
    // after the records are visible in the store.
    wait_for("B to count the records synced", || async {
        b.net.metrics().sync_stored.load(Ordering::Relaxed) > RECORDS
    })
    .await;
    // Each record was pulled once: a heads answer (to B's own announcements) that
    // arrives while a page is in ingest must not start a second pull of the same seqs.
    // (Delegations may arrive twice, by hello, page or gossip; a second pull of the
    // feed brings hundreds: 3,074 before the fix.)
    let duplicates = b.handle.metrics.duplicates.load(Ordering::Relaxed);
    assert!(duplicates < 64, "{duplicates} records were pulled twice");
    // And A pulled B's feed (its delegation) the same way.
    let b_device = net.orgs[1].device.public();
    wait_for("A to hold B's delegation", || async {
        a.contiguous(&b_device) == 1
    })
    .await;

    b.stop().await;
    a.stop().await;
}

/// A valid record's bytes with one bit of its signature flipped.
fn forged(bytes: &[u8], byte_from_end: usize) -> Vec<u8> {
    let mut forged = bytes.to_vec();
    let at = forged.len() - 1 - byte_from_end;
    forged[at] ^= 1;
    forged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_record_is_refused_and_its_sender_loses_score() {
    let net = net(3);
    let b = Peer::start(&net, 1).await;
    let victim = net.orgs[0].device.public();
    let by_gossip = forged(net.delegations[0].signed_bytes(), 0);
    let by_sync = forged(net.delegations[0].signed_bytes(), 1);

    // A hand-driven swarm with the same protocols and a founder's device (an insider
    // gone bad, or its stolen key), that lies: once B has its delegation and asks for
    // its heads, it gossips a forged record, and it serves another one when B syncs.
    let options = SwarmOptions {
        mdns: false,
        ..SwarmOptions::default()
    };
    let (mut evil, topics) = build_swarm(
        &net.orgs[2].device,
        &net.charter.charter().network_id(),
        &options,
    )
    .unwrap();
    let evil_delegation = net.delegations[2].signed_bytes().to_vec();
    let evil_peer = *evil.local_peer_id();
    evil.dial(b.addr.clone()).unwrap();
    let liar = tokio::spawn(async move {
        let mut gossiped = false;
        loop {
            if let SwarmEvent::Behaviour(BehaviourEvent::Sync(request_response::Event::Message {
                message:
                    request_response::Message::Request {
                        request, channel, ..
                    },
                ..
            })) = evil.select_next_some().await
            {
                if matches!(request, SyncRequest::Heads { .. }) && !gossiped {
                    evil.behaviour_mut()
                        .gossipsub
                        .publish(topics.records.clone(), by_gossip.clone())
                        .unwrap();
                    gossiped = true;
                }
                let response = match request {
                    SyncRequest::Hello { .. } => SyncResponse::Hello {
                        delegation: evil_delegation.clone(),
                        admitted: true,
                    },
                    SyncRequest::Heads { .. } => SyncResponse::Heads {
                        feeds: vec![FeedSummary {
                            author: victim,
                            contiguous: 1,
                            max_seq: 1,
                            frozen: false,
                        }],
                        more: false,
                    },
                    SyncRequest::Range { .. } => SyncResponse::Records {
                        records: vec![by_sync.clone()],
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
        }
    });

    let rejected = || {
        b.handle
            .metrics
            .rejected()
            .get("bad_signature")
            .copied()
            .unwrap_or(0)
    };
    wait_for("B to refuse both forged records", || async {
        rejected() >= 2
    })
    .await;
    let metrics = b.net.metrics();
    wait_for("B's network to count both refusals", || async {
        metrics.gossip_rejected.load(Ordering::Relaxed) >= 1
            && metrics.sync_rejected.load(Ordering::Relaxed) >= 1
    })
    .await;
    assert!(
        b.handle.store.head(&victim).unwrap().is_none(),
        "nothing of it was stored"
    );
    let score = b.net.peer_score(evil_peer).await.unwrap();
    assert!(
        score.is_some_and(|score| score < 0.0),
        "the liar's score dropped: {score:?}"
    );

    liar.abort();
    let _ = liar.await;
    b.stop().await;
}

/// Gossip that cannot leave the publisher (every peer's queue full) must not leave the
/// network waiting for the next periodic sync round (an hour here): the publisher
/// announces its feed's head to its member peers, the peer pulls the records it lacks,
/// gossips them on and announces them onwards, and a node two hops away gets them too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_gossip_could_not_queue_reach_every_node_by_announcements() {
    const RECORDS: usize = 60;
    // No periodic sync round in the test's time, not even the early ones.
    const QUIET: Duration = Duration::from_secs(3600);
    let net = net(3);
    // A's gossip queues hold nothing: every publish finds them full.
    let narrow = NetworkSettings {
        listen: vec![loopback()],
        sync_interval: QUIET,
        first_sync_round: QUIET,
        swarm: SwarmOptions {
            mdns: false,
            gossip_queue_len: 0,
            ..SwarmOptions::default()
        },
        ..NetworkSettings::loopback()
    };
    let quiet = || NetworkSettings {
        listen: vec![loopback()],
        sync_interval: QUIET,
        first_sync_round: QUIET,
        ..NetworkSettings::loopback()
    };
    let a = Peer::start_with(&net, 0, Arc::new(MemoryStore::new()), narrow).await;
    let b = Peer::start_with(&net, 1, Arc::new(MemoryStore::new()), quiet()).await;
    let c = Peer::start_with(&net, 2, Arc::new(MemoryStore::new()), quiet()).await;
    // A line: A - B - C. C never connects to A.
    b.net.dial(a.addr.clone()).await.unwrap();
    c.net.dial(b.addr.clone()).await.unwrap();
    let a_device = net.orgs[0].device.public();
    wait_for("C to learn A's delegation through B", || async {
        c.contiguous(&a_device) >= 1
    })
    .await;
    wait_for("A to see B on the records topic", || async {
        a.net
            .gossip_peers()
            .await
            .unwrap()
            .contains(&b.net.peer_id())
    })
    .await;

    let mut published = Vec::new();
    for _ in 0..RECORDS {
        published.push(a.handle.publisher.publish(practice()).await.unwrap().id);
    }
    let last = published.len() as u64 + 1;
    wait_for("B to hold A's whole burst", || async {
        b.contiguous(&a_device) == last
    })
    .await;
    wait_for("C to hold A's whole burst", || async {
        c.contiguous(&a_device) == last
    })
    .await;
    for id in &published {
        assert!(c.holds(id));
    }
    // The scenario did what it says: gossip could not carry everything, and the
    // announcements did, both hops.
    let a_metrics = a.net.metrics();
    // (Each record, and the delegations A passes on.)
    assert!(
        a_metrics.gossip_queue_full.load(Ordering::Relaxed) >= RECORDS as u64,
        "a publish found room in a queue"
    );
    assert_eq!(b.net.metrics().gossip_accepted.load(Ordering::Relaxed), 0);
    assert!(a_metrics.sync_announcements_sent.load(Ordering::Relaxed) >= 1);
    assert!(
        b.net
            .metrics()
            .sync_announcements_received
            .load(Ordering::Relaxed)
            >= 1
    );
    assert!(
        b.net
            .metrics()
            .sync_announcements_sent
            .load(Ordering::Relaxed)
            >= 1
    );
    assert!(
        c.net
            .metrics()
            .sync_announcements_received
            .load(Ordering::Relaxed)
            >= 1
    );
    // B pulled them from their author after its announcement, so it gossiped them on.
    assert!(b.net.metrics().gossip_regossiped.load(Ordering::Relaxed) >= 1);

    c.stop().await;
    b.stop().await;
    a.stop().await;
}
