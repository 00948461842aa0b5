//! Redaction by the members' vote through the one ingest path, on a real redb store:
//! the content of a held record is dropped when the threshold is reached (not before),
//! with its tombstone naming the deciding vote; a record that arrives after its
//! redaction is dropped on arrival, also after a restart; the author's org cannot
//! block it; and a delegation is never dropped, whatever the votes.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Net, net};

use std::sync::Arc;

use commons_node::NodeHandle;
use commons_node::ingest::{Ingested, Source};
use commons_node::store::{CommitStore, RedbStore};
use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::{Body, RedactionVote, VerifiedRecord, Visibility};

async fn submit(node: &NodeHandle, record: &VerifiedRecord) -> Ingested {
    node.ingest
        .submit(record.signed_bytes().to_vec(), Source::Gossip)
        .await
        .unwrap()
}

fn vote(net: &mut Net, voter: usize, target: &VerifiedRecord, minute: u64) -> VerifiedRecord {
    net.writers[voter]
        .append(
            Body::RedactionVote(RedactionVote {
                target: target.id(),
                target_author: target.record().author,
                reason: "It names a witness who has since been threatened.".to_owned(),
            }),
            BASE_TIME_MS + minute * 60_000,
        )
        .unwrap()
}

fn store(dir: &tempfile::TempDir, net: &Net) -> Arc<dyn CommitStore> {
    let network = net.charter.charter().network_id();
    Arc::new(RedbStore::open(dir.path().join("store.redb"), network).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_threshold_drops_a_held_record_and_a_late_one_on_arrival() {
    let mut net = net(3);
    let dir = tempfile::tempdir().unwrap();
    // Org 2's node. Org 0 wrote two case studies; org 0 and org 1 are the others.
    let held = net.writers[0]
        .append(
            Body::Practice(sample_practice(Visibility::Members)),
            BASE_TIME_MS + 60_000,
        )
        .unwrap();
    let late = net.writers[0]
        .append(
            Body::Practice(sample_practice(Visibility::Members)),
            BASE_TIME_MS + 2 * 60_000,
        )
        .unwrap();
    let by_author = vote(&mut net, 0, &held, 3);
    let first = vote(&mut net, 1, &held, 4);
    let late_first = vote(&mut net, 1, &late, 5);
    let node = net.start_node(2, store(&dir, &net)).await;
    let handle = node.handle();
    for record in [&net.delegations[0], &net.delegations[1], &held] {
        submit(&handle, record).await;
    }
    // The author's org votes too: it neither counts nor blocks.
    submit(&handle, &by_author).await;
    submit(&handle, &first).await;
    assert!(
        handle.store.record(&held.id()).unwrap().is_some(),
        "one vote of the two needed: the content stays"
    );
    let deciding = handle
        .publisher
        .publish(Body::RedactionVote(RedactionVote {
            target: held.id(),
            target_author: held.record().author,
            reason: "Agreed: the witness asked us.".to_owned(),
        }))
        .await
        .unwrap();
    assert_eq!(handle.store.record(&held.id()).unwrap(), None);
    let tombstone = handle.store.tombstone(&held.id()).unwrap().unwrap();
    assert_eq!(tombstone.retraction, deciding.id);
    assert_eq!(tombstone.seq, held.record().seq);

    // The other record: both votes arrive before it does.
    submit(&handle, &late_first).await;
    handle
        .publisher
        .publish(Body::RedactionVote(RedactionVote {
            target: late.id(),
            target_author: late.record().author,
            reason: "Same witness.".to_owned(),
        }))
        .await
        .unwrap();
    assert!(
        handle
            .store
            .pending_retraction(&late.id())
            .unwrap()
            .is_some()
    );
    drop(handle);
    node.shutdown().await;

    let node = net.start_node(2, store(&dir, &net)).await;
    let handle = node.handle();
    assert!(matches!(
        submit(&handle, &late).await,
        Ingested::Stored { .. }
    ));
    assert_eq!(
        handle.store.record(&late.id()).unwrap(),
        None,
        "dropped on arrival, after a restart"
    );
    assert!(handle.store.tombstone(&late.id()).unwrap().is_some());
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegation_is_never_redacted() {
    let mut net = net(3);
    let dir = tempfile::tempdir().unwrap();
    let delegation = net.delegations[0].clone();
    let first = vote(&mut net, 1, &delegation, 1);
    let node = net.start_node(2, store(&dir, &net)).await;
    let handle = node.handle();
    for record in [&net.delegations[0], &net.delegations[1], &first] {
        submit(&handle, record).await;
    }
    handle
        .publisher
        .publish(Body::RedactionVote(RedactionVote {
            target: delegation.id(),
            target_author: delegation.record().author,
            reason: "Testing what a hostile majority could do.".to_owned(),
        }))
        .await
        .unwrap();
    let roster = handle.ingest.roster();
    assert!(
        roster
            .redaction(&delegation.id(), &delegation.record().author)
            .is_some(),
        "the fold counts the votes"
    );
    assert!(
        handle.store.record(&delegation.id()).unwrap().is_some(),
        "but the node keeps the delegation"
    );
    assert!(roster.device(&delegation.record().author).is_some());
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_notifies_the_other_members_until_they_vote_and_the_author_to_retract() {
    use commons_node::notify::classify;
    let mut net = net(3);
    let dir = tempfile::tempdir().unwrap();
    let study = net.writers[0]
        .append(
            Body::Practice(sample_practice(Visibility::Members)),
            BASE_TIME_MS + 60_000,
        )
        .unwrap();
    let request = vote(&mut net, 1, &study, 2);
    let node = net.start_node(2, store(&dir, &net)).await;
    let handle = node.handle();
    for record in [&net.delegations[0], &net.delegations[1], &study, &request] {
        submit(&handle, record).await;
    }
    let (ours, asking, author) = (net.orgs[2].id(), net.orgs[1].id(), net.orgs[0].id());
    let store = handle.store.as_ref();
    let roster = handle.ingest.roster();
    let event = classify(store, &roster, ours, &request, asking, 0)
        .unwrap()
        .expect("a vote is awaited from org 2");
    assert_eq!(event.json["event"], "vote_waiting");
    assert_eq!(event.json["asks"], "redact");
    let summary = event.json["summary"].as_str().unwrap();
    assert!(summary.contains("(1 of 2 votes)"), "{summary}");
    let to_author = classify(store, &roster, author, &request, asking, 0)
        .unwrap()
        .expect("the author's org is told");
    let summary = to_author.json["summary"].as_str().unwrap();
    assert!(summary.contains("retract it if you agree"), "{summary}");

    // Once org 2 has voted (the deciding vote), nothing is awaited any more.
    handle
        .publisher
        .publish(Body::RedactionVote(RedactionVote {
            target: study.id(),
            target_author: study.record().author,
            reason: "Agreed.".to_owned(),
        }))
        .await
        .unwrap();
    let roster = handle.ingest.roster();
    assert!(
        classify(handle.store.as_ref(), &roster, ours, &request, asking, 0)
            .unwrap()
            .is_none()
    );
    drop(handle);
    node.shutdown().await;
}
