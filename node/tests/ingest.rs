//! The ingest path end to end inside one process: a real node (ingest task, publisher,
//! store) fed with records as a peer would send them.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Net, net};

use std::sync::Arc;

use commons_node::ingest::{IngestError, Ingested, Source};
use commons_node::publish::PublishError;
use commons_node::store::{CommitStore, MemoryStore, RecordQuery, RedbStore, Store};
use commons_node::{Node, NodeHandle};
use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::{
    AgainstError, Body, Retraction, VerifiedRecord, Visibility, Vote, VoteChoice,
};

async fn start(net: &Net, store: Arc<dyn CommitStore>) -> Node {
    net.start_node(0, store).await
}

/// A case study of the second org, and that org's retraction of it.
fn study_and_retraction(net: &mut Net) -> (VerifiedRecord, VerifiedRecord) {
    let study = net.writers[1]
        .append(practice(), BASE_TIME_MS + 60_000)
        .unwrap();
    let retract = Body::Retraction(Retraction {
        target: study.id(),
        reason: String::new(),
    });
    let retraction = net.writers[1]
        .append(retract, BASE_TIME_MS + 120_000)
        .unwrap();
    (study, retraction)
}

fn practice() -> Body {
    Body::Practice(sample_practice(Visibility::Public))
}

async fn submit(node: &NodeHandle, record: &VerifiedRecord) -> Result<Ingested, IngestError> {
    node.ingest
        .submit(record.signed_bytes().to_vec(), Source::Gossip)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_record_is_stored_announced_and_counted() {
    let net = net(5);
    let node = start(&net, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    let mut events = handle.ingest.subscribe();
    let published = handle.publisher.publish(practice()).await.unwrap();
    assert_eq!(published.seq, 2, "seq 1 is the device's delegation");
    let stored = handle.store.record(&published.id).unwrap().unwrap();
    assert_eq!(stored.org, net.orgs[0].id());
    let event = events.recv().await.unwrap();
    assert_eq!(event.record.id(), published.id);
    assert_eq!(event.source, Source::Local);
    // Once more, the same bytes are a duplicate.
    assert_eq!(
        submit(&handle, &stored.record).await.unwrap(),
        Ingested::Duplicate { id: published.id }
    );
    assert_eq!(
        handle
            .metrics
            .stored
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bytes_are_refused_counted_and_change_nothing() {
    let net = net(5);
    let store = Arc::new(MemoryStore::new());
    let node = start(&net, store.clone()).await;
    let handle = node.handle();
    let before = store.stats().unwrap();
    let mut forged = net.delegations[1].signed_bytes().to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let answers = handle
        .ingest
        .submit_many(vec![forged, vec![0xff; 10], Vec::new()], Source::Gossip)
        .await;
    assert!(
        answers
            .iter()
            .all(|answer| matches!(answer, Err(IngestError::Invalid(_)))),
        "{answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|answer| answer.as_ref().unwrap_err().is_malicious())
    );
    assert_eq!(store.stats().unwrap(), before);
    let rejected = handle.metrics.rejected();
    assert_eq!(rejected.get("bad_signature"), Some(&1));
    assert_eq!(rejected.get("malformed"), Some(&2));
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_feed_arrives_in_one_batch_with_a_gap_reported() {
    let mut net = net(5);
    let node = start(&net, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    let records: Vec<VerifiedRecord> = (1..=5)
        .map(|minute| {
            net.writers[1]
                .append(practice(), BASE_TIME_MS + minute * 60_000)
                .unwrap()
        })
        .collect();
    // Seqs 3..=6 arrive with the delegation but without seq 2.
    let mut bytes = vec![net.delegations[1].signed_bytes().to_vec()];
    bytes.extend(records[1..].iter().map(|r| r.signed_bytes().to_vec()));
    let answers = handle.ingest.submit_many(bytes, Source::Sync).await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    assert!(matches!(
        &answers[1],
        Ok(Ingested::Stored { missing: Some(range), .. }) if range.first == 2 && range.last == 2
    ));
    let author = net.orgs[1].device.public();
    assert_eq!(handle.store.head(&author).unwrap().unwrap().contiguous, 1);
    assert!(matches!(
        submit(&handle, &records[0]).await,
        Ok(Ingested::Stored { missing: None, .. })
    ));
    assert_eq!(handle.store.head(&author).unwrap().unwrap().contiguous, 6);
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retraction_drops_content_whether_it_comes_after_or_before_its_target() {
    let mut net = net(5);
    let node = start(&net, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    // Our own case study, retracted.
    let own = handle.publisher.publish(practice()).await.unwrap();
    let retract = Body::Retraction(Retraction {
        target: own.id,
        reason: "consent withdrawn".into(),
    });
    handle.publisher.publish(retract).await.unwrap();
    assert_eq!(handle.store.record(&own.id).unwrap(), None);
    assert!(handle.store.tombstone(&own.id).unwrap().is_some());

    // A peer's retraction that arrives before the case study it retracts.
    let (study, retraction) = study_and_retraction(&mut net);
    submit(&handle, &net.delegations[1]).await.unwrap();
    submit(&handle, &retraction).await.unwrap();
    assert!(
        handle
            .store
            .pending_retraction(&study.id())
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        submit(&handle, &study).await,
        Ok(Ingested::Stored { .. })
    ));
    assert_eq!(
        handle.store.record(&study.id()).unwrap(),
        None,
        "dropped on arrival"
    );
    assert!(handle.store.tombstone(&study.id()).unwrap().is_some());
    let listed = handle
        .store
        .query(&RecordQuery {
            limit: 100,
            ..RecordQuery::default()
        })
        .unwrap();
    assert!(
        listed
            .iter()
            .all(|s| s.record.id() != study.id() && s.record.id() != own.id)
    );
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_equivocating_device_is_caught_and_frozen() {
    let mut net = net(5);
    let node = start(&net, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    submit(&handle, &net.delegations[2]).await.unwrap();
    let mut twin = net.writers[2].clone();
    let a = net.writers[2]
        .append(practice(), BASE_TIME_MS + 60_000)
        .unwrap();
    let b = twin
        .append(
            Body::Practice(sample_practice(Visibility::Members)),
            BASE_TIME_MS + 60_000,
        )
        .unwrap();
    submit(&handle, &a).await.unwrap();
    let Ok(Ingested::Fork { proof }) = submit(&handle, &b).await else {
        panic!("expected a fork")
    };
    assert_eq!(proof.author(), net.orgs[2].device.public());
    assert_eq!(handle.store.fork_proofs().unwrap().len(), 1);
    let next = net.writers[2]
        .append(practice(), BASE_TIME_MS + 120_000)
        .unwrap();
    assert!(matches!(
        submit(&handle, &next).await,
        Err(IngestError::Refused(AgainstError::FeedFrozen { .. }))
    ));
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_change_the_roster_as_soon_as_they_are_stored() {
    let mut net = net(5);
    let node = start(&net, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    let applicant = net.orgs[3].id();
    for delegation in &net.delegations[1..4] {
        submit(&handle, delegation).await.unwrap();
    }
    assert!(!handle.roster().is_member(&applicant));
    let admit = Body::Vote(Vote {
        subject: applicant,
        choice: VoteChoice::Admit,
    });
    handle.publisher.publish(admit.clone()).await.unwrap();
    let vote = net.writers[1].append(admit, BASE_TIME_MS + 60_000).unwrap();
    submit(&handle, &vote).await.unwrap();
    assert!(handle.roster().is_member(&applicant));
    // The new member may now publish case studies.
    let study = net.writers[3]
        .append(practice(), BASE_TIME_MS + 120_000)
        .unwrap();
    assert!(matches!(
        submit(&handle, &study).await,
        Ok(Ingested::Stored { .. })
    ));
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_continues_its_feed_without_reusing_a_seq() {
    let net = net(5);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    let network = net.charter.charter().network_id();
    let mut ids = Vec::new();
    for round in 0..2 {
        let store = Arc::new(RedbStore::open(&path, network).unwrap());
        let node = start(&net, store).await;
        let handle = node.handle();
        for _ in 0..3 {
            ids.push(handle.publisher.publish(practice()).await.unwrap());
        }
        assert_eq!(ids.last().unwrap().seq, 4 + round * 3);
        drop(handle);
        node.shutdown().await;
    }
    let seqs: Vec<u64> = ids.iter().map(|p| p.seq).collect();
    assert_eq!(seqs, vec![2, 3, 4, 5, 6, 7]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retraction_waiting_for_its_target_still_applies_after_a_restart() {
    let mut net = net(5);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    let network = net.charter.charter().network_id();
    let (study, retraction) = study_and_retraction(&mut net);
    {
        let node = start(&net, Arc::new(RedbStore::open(&path, network).unwrap())).await;
        let handle = node.handle();
        submit(&handle, &net.delegations[1]).await.unwrap();
        submit(&handle, &retraction).await.unwrap();
        drop(handle);
        node.shutdown().await;
    }
    let node = start(&net, Arc::new(RedbStore::open(&path, network).unwrap())).await;
    let handle = node.handle();
    assert!(matches!(
        submit(&handle, &study).await,
        Ok(Ingested::Stored { .. })
    ));
    assert_eq!(
        handle.store.record(&study.id()).unwrap(),
        None,
        "dropped on arrival after the restart"
    );
    assert!(handle.store.tombstone(&study.id()).unwrap().is_some());
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_publishers_share_commits_and_get_distinct_seqs() {
    let net = net(3);
    let node = start(&net, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    let commits_before = handle
        .metrics
        .commits
        .load(std::sync::atomic::Ordering::Relaxed);
    let publishes: Vec<_> = (0..64)
        .map(|_| {
            let handle = handle.clone();
            tokio::spawn(async move { handle.publisher.publish(practice()).await })
        })
        .collect();
    let mut seqs = Vec::new();
    for publish in publishes {
        seqs.push(publish.await.unwrap().unwrap().seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (2..=65).collect::<Vec<u64>>());
    let commits = handle
        .metrics
        .commits
        .load(std::sync::atomic::Ordering::Relaxed)
        - commits_before;
    assert!(commits < 64, "64 publishes took {commits} commits");
    let author = net.orgs[0].device.public();
    let head = handle.store.head(&author).unwrap().unwrap();
    assert_eq!((head.contiguous, head.max_seq), (65, 65));
    // A refused body takes no seq: the next record follows on.
    let empty = Body::Practice(commons_protocol::Practice {
        title: " ".into(),
        ..sample_practice(Visibility::Public)
    });
    assert!(matches!(
        handle.publisher.publish(empty).await,
        Err(PublishError::Invalid(_))
    ));
    assert_eq!(handle.publisher.publish(practice()).await.unwrap().seq, 66);
    drop(handle);
    node.shutdown().await;
}
