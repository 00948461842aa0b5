//! Revisions through the one ingest path, on a real redb store: which revisions are
//! refused (another org's, of a revision, of another kind, of a retracted record), and
//! how a retraction of any version drops them all, in whatever order they arrive.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Net, Peer, net, wait_within};

use std::sync::Arc;
use std::time::Duration;

use commons_node::ingest::{IngestError, Ingested, Source};
use commons_node::network::{self, NetworkSettings};
use commons_node::revisions;
use commons_node::store::RedbStore;
use commons_node::{Node, NodeHandle};
use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::{
    AgainstError, Body, Campaign, CampaignStatus, Delegation, DeviceKeypair, FeedPosition,
    FeedWriter, RecordId, Retraction, Revised, Revision, VerifiedRecord, Visibility,
};

/// A node of the first sample org on a fresh redb store, with org 1's and org 2's
/// delegations already taken in.
async fn start(net: &Net) -> (Node, NodeHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(
        dir.path().join("store.redb"),
        net.charter.charter().network_id(),
    )
    .unwrap();
    let node = net.start_node(0, Arc::new(store)).await;
    let handle = node.handle();
    for delegation in &net.delegations[1..3] {
        submit(&handle, delegation).await.unwrap();
    }
    (node, handle, dir)
}

async fn submit(node: &NodeHandle, record: &VerifiedRecord) -> Result<Ingested, IngestError> {
    node.ingest
        .submit(record.signed_bytes().to_vec(), Source::Gossip)
        .await
}

async fn stored(node: &NodeHandle, record: &VerifiedRecord) {
    let answer = submit(node, record).await;
    assert!(matches!(answer, Ok(Ingested::Stored { .. })), "{answer:?}");
}

fn practice(title: &str) -> Body {
    let mut practice = sample_practice(Visibility::Public);
    practice.title = title.to_owned();
    Body::Practice(practice)
}

fn revision(original: &VerifiedRecord, title: &str) -> Body {
    revision_of(original.id(), title)
}

fn revision_of(original: RecordId, title: &str) -> Body {
    let Body::Practice(practice) = practice(title) else {
        unreachable!()
    };
    Body::Revision(Revision {
        original,
        content: Revised::Practice(practice),
    })
}

fn retraction(target: &VerifiedRecord) -> Body {
    Body::Retraction(Retraction {
        target: target.id(),
        reason: "the family asked us to take it down".into(),
    })
}

/// Signs `body` as org `who`'s next record, `minutes` after the base time.
fn sign(net: &mut Net, who: usize, body: Body, minutes: u64) -> VerifiedRecord {
    net.writers[who]
        .append(body, BASE_TIME_MS + minutes * 60_000)
        .unwrap()
}

fn latest_title(node: &NodeHandle, id: &RecordId) -> Option<String> {
    let versions = revisions::versions(node.store.as_ref(), id).unwrap()?;
    match versions.latest_body() {
        Body::Practice(practice) => Some(practice.title),
        _ => None,
    }
}

fn retracted(node: &NodeHandle, record: &VerifiedRecord) -> bool {
    node.store.record(&record.id()).unwrap().is_none()
        && node.store.tombstone(&record.id()).unwrap().is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revision_is_shown_in_place_of_its_original_from_either_id() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    let original = sign(&mut net, 1, practice("Paralegals at the court"), 1);
    let first = sign(
        &mut net,
        1,
        revision(&original, "Paralegals at two courts"),
        2,
    );
    let second = sign(
        &mut net,
        1,
        revision(&original, "Paralegals at three courts"),
        3,
    );
    for record in [&original, &second, &first] {
        stored(&handle, record).await;
    }
    for id in [original.id(), first.id(), second.id()] {
        assert_eq!(
            latest_title(&handle, &id).as_deref(),
            Some("Paralegals at three courts")
        );
    }
    let versions = revisions::versions(handle.store.as_ref(), &first.id())
        .unwrap()
        .unwrap();
    let order: Vec<RecordId> = versions.all().map(|v| v.record.id()).collect();
    assert_eq!(order, vec![original.id(), first.id(), second.id()]);
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_orgs_revision_of_a_held_record_is_refused_and_counted_as_bad() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    let theirs = sign(&mut net, 1, practice("Their case study"), 1);
    stored(&handle, &theirs).await;
    let forged = sign(
        &mut net,
        2,
        revision(&theirs, "Rewritten by someone else"),
        2,
    );
    let error = submit(&handle, &forged).await.unwrap_err();
    assert!(
        matches!(
            error,
            IngestError::Refused(AgainstError::RevisionOfOtherOrg { original }) if original == theirs.id()
        ),
        "{error:?}"
    );
    assert!(error.is_malicious());
    assert!(error.to_string().contains("another org"), "{error}");
    assert_eq!(handle.store.record(&forged.id()).unwrap(), None);
    assert_eq!(
        latest_title(&handle, &theirs.id()).as_deref(),
        Some("Their case study")
    );
    assert_eq!(handle.metrics.rejected().get("not_allowed"), Some(&1));
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revision_of_a_revision_or_of_another_kind_is_refused() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    let original = sign(&mut net, 1, practice("First"), 1);
    let first = sign(&mut net, 1, revision(&original, "Second"), 2);
    let campaign = sign(
        &mut net,
        1,
        Body::Campaign(Campaign {
            title: "Legal aid in every district".into(),
            goals: vec!["A paralegal desk in each court".into()],
            partners: Vec::new(),
            status: CampaignStatus::Active,
        }),
        3,
    );
    let update = sign(
        &mut net,
        1,
        Body::CampaignUpdate(commons_protocol::CampaignUpdate {
            campaign: campaign.id(),
            status: None,
            body: "The ministry agreed to meet us.".into(),
        }),
        4,
    );
    for record in [&original, &first, &campaign, &update] {
        stored(&handle, record).await;
    }

    let chained = sign(&mut net, 1, revision(&first, "Third"), 5);
    let error = submit(&handle, &chained).await.unwrap_err();
    assert!(
        matches!(&error, IngestError::RevisionOfRevision { named, original: first_version }
            if *named == first.id() && *first_version == original.id()),
        "{error:?}"
    );
    assert!(error.is_malicious());
    assert!(
        error.to_string().contains(&original.id().to_string()),
        "the message names the first version: {error}"
    );

    let practice_for_campaign = sign(&mut net, 1, revision(&campaign, "Not a campaign"), 6);
    let error = submit(&handle, &practice_for_campaign).await.unwrap_err();
    assert!(
        matches!(
            &error,
            IngestError::RevisionOfAnotherKind {
                original_kind: "campaign",
                content_kind: "practice",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_malicious());

    let of_an_update = sign(&mut net, 1, revision(&update, "Not revisable"), 7);
    let error = submit(&handle, &of_an_update).await.unwrap_err();
    assert!(
        matches!(
            &error,
            IngestError::RevisionOfAnotherKind {
                original_kind: "campaign-update",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        handle.metrics.rejected().get("revision_of_another_kind"),
        Some(&3)
    );
    // A refused record leaves a hole in the feed; the next record is still taken.
    let next = sign(&mut net, 1, revision(&original, "Third, properly"), 8);
    stored(&handle, &next).await;
    assert_eq!(
        latest_title(&handle, &original.id()).as_deref(),
        Some("Third, properly")
    );
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revision_of_a_retracted_record_is_refused_whether_it_was_held_or_not() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    // Held, then retracted.
    let held = sign(&mut net, 1, practice("Held"), 1);
    let retract_held = sign(&mut net, 1, retraction(&held), 2);
    // Retracted before it arrives: the retraction waits for it.
    let missing = sign(&mut net, 1, practice("Not here yet"), 3);
    let retract_missing = sign(&mut net, 1, retraction(&missing), 4);
    for record in [&held, &retract_held, &retract_missing] {
        stored(&handle, record).await;
    }
    for original in [&held, &missing] {
        let late = sign(&mut net, 1, revision(original, "Too late"), 10);
        let error = submit(&handle, &late).await.unwrap_err();
        assert!(
            matches!(&error, IngestError::RevisionOfRetracted { original: named } if *named == original.id()),
            "{error:?}"
        );
        assert!(
            !error.is_malicious(),
            "a device can publish one before its org's retraction reaches it"
        );
        assert!(error.to_string().contains("retracted"), "{error}");
        assert_eq!(handle.store.record(&late.id()).unwrap(), None);
    }
    assert_eq!(
        handle.metrics.rejected().get("revision_of_retracted"),
        Some(&2)
    );
    // Another org's retraction waiting for the same id does not stop this org: the
    // retraction would not apply to this org's record.
    let stray = sign(
        &mut net,
        2,
        Body::Retraction(Retraction {
            target: RecordId::from_bytes([5; 32]),
            reason: String::new(),
        }),
        11,
    );
    stored(&handle, &stray).await;
    let early = sign(
        &mut net,
        1,
        revision_of(RecordId::from_bytes([5; 32]), "Early"),
        12,
    );
    stored(&handle, &early).await;
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retracting_a_revision_drops_the_original_and_every_revision() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    let original = sign(&mut net, 1, practice("v1"), 1);
    let first = sign(&mut net, 1, revision(&original, "v2"), 2);
    let second = sign(&mut net, 1, revision(&original, "v3"), 3);
    let unrelated = sign(&mut net, 1, practice("Another case study"), 4);
    for record in [&original, &first, &second, &unrelated] {
        stored(&handle, record).await;
    }
    let retract_first = sign(&mut net, 1, retraction(&first), 5);
    stored(&handle, &retract_first).await;
    for version in [&original, &first, &second] {
        assert!(retracted(&handle, version), "{}", version.id());
    }
    assert!(!retracted(&handle, &unrelated));
    assert_eq!(latest_title(&handle, &original.id()), None);
    // A later revision is refused.
    let late = sign(&mut net, 1, revision(&original, "v4"), 6);
    assert!(matches!(
        submit(&handle, &late).await,
        Err(IngestError::RevisionOfRetracted { .. })
    ));
    drop(handle);
    node.shutdown().await;
}

/// One retraction of one version drops them all; the archive of that store verifies,
/// each other version's tombstone named by that retraction and counted apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_of_versions_dropped_by_one_retraction_verifies() {
    use commons_node::archive::{ArchiveFormat, export};
    use commons_protocol::archive::EntryRef;
    use commons_protocol::{ArchiveError, VerifyOptions, parse_bundle, verify_bundle};

    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    let original = sign(&mut net, 1, practice("v1"), 1);
    let first = sign(&mut net, 1, revision(&original, "v2"), 2);
    let second = sign(&mut net, 1, revision(&original, "v3"), 3);
    let retract_first = sign(&mut net, 1, retraction(&first), 4);
    for record in [&original, &first, &second, &retract_first] {
        stored(&handle, record).await;
    }
    let mut bundle = Vec::new();
    export(
        handle.store.as_ref(),
        &net.charter,
        ArchiveFormat::Bundle,
        false,
        &mut |chunk| {
            bundle.extend_from_slice(&chunk);
            std::ops::ControlFlow::Continue(())
        },
    )
    .unwrap();
    let report = verify_bundle(&bundle, VerifyOptions::default()).unwrap();
    assert_eq!(report.tombstones, 3);
    assert_eq!(report.tombstones_by_another_version, 2);

    // Another org's retracted record cannot stand in: the original's tombstone made to
    // name org 2's retraction of its own case study is refused.
    let theirs = sign(&mut net, 2, practice("Theirs"), 5);
    let retract_theirs = sign(&mut net, 2, retraction(&theirs), 6);
    for record in [&theirs, &retract_theirs] {
        stored(&handle, record).await;
    }
    let mut bundle = Vec::new();
    export(
        handle.store.as_ref(),
        &net.charter,
        ArchiveFormat::Bundle,
        false,
        &mut |chunk| {
            bundle.extend_from_slice(&chunk);
            std::ops::ControlFlow::Continue(())
        },
    )
    .unwrap();
    assert_eq!(
        verify_bundle(&bundle, VerifyOptions::default())
            .unwrap()
            .tombstones_by_another_version,
        2
    );
    let mut parts = parse_bundle(&bundle).unwrap();
    let tombstone = parts
        .feeds
        .iter_mut()
        .flat_map(|feed| feed.entries.iter_mut())
        .find_map(|entry| match entry {
            EntryRef::Tombstone(tombstone) if tombstone.id == original.id() => Some(tombstone),
            _ => None,
        })
        .unwrap();
    tombstone.retraction = retract_theirs.id();
    assert!(matches!(
        verify_bundle(&parts.encode(), VerifyOptions::default()),
        Err(ArchiveError::TombstoneRetractionMismatch { .. })
    ));
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retracting_the_original_drops_revisions_in_the_store_and_in_the_same_batch() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    let original = sign(&mut net, 1, practice("v1"), 1);
    let first = sign(&mut net, 1, revision(&original, "v2"), 2);
    stored(&handle, &original).await;
    stored(&handle, &first).await;
    // One sync page: a revision, then the retraction of the original.
    let second = sign(&mut net, 1, revision(&original, "v3"), 3);
    let retract = sign(&mut net, 1, retraction(&original), 4);
    let answers = handle
        .ingest
        .submit_many(
            vec![
                second.signed_bytes().to_vec(),
                retract.signed_bytes().to_vec(),
            ],
            Source::Sync,
        )
        .await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    for version in [&original, &first, &second] {
        assert!(retracted(&handle, version), "{}", version.id());
    }
    assert!(
        handle
            .store
            .referring(&original.id(), None, 10)
            .unwrap()
            .iter()
            .all(|s| s.record.id() == retract.id()),
        "only the retraction still names the original"
    );
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_arriving_after_a_retraction_of_one_of_them_are_dropped_or_refused() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    let original = sign(&mut net, 1, practice("v1"), 1);
    let first = sign(&mut net, 1, revision(&original, "v2"), 2);
    let retract_first = sign(&mut net, 1, retraction(&first), 3);
    // The retraction first: it waits for the revision.
    stored(&handle, &retract_first).await;
    stored(&handle, &original).await;
    assert!(
        !retracted(&handle, &original),
        "not yet known to be a version"
    );
    // The revision arrives: dropped as it arrives, and its original with it.
    stored(&handle, &first).await;
    assert!(retracted(&handle, &first));
    assert!(retracted(&handle, &original));
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revision_before_its_original_is_kept_and_counts_only_if_it_is_the_same_orgs() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    let original = sign(&mut net, 1, practice("Ours"), 1);
    let ours = sign(&mut net, 1, revision(&original, "Ours, corrected"), 2);
    let theirs = sign(&mut net, 2, revision(&original, "Theirs"), 30);
    // Both revisions before the original: neither can be checked yet.
    stored(&handle, &theirs).await;
    stored(&handle, &ours).await;
    assert_eq!(
        revisions::versions(handle.store.as_ref(), &ours.id()).unwrap(),
        None
    );
    stored(&handle, &original).await;
    let versions = revisions::versions(handle.store.as_ref(), &theirs.id())
        .unwrap()
        .unwrap();
    assert_eq!(
        versions
            .revisions
            .iter()
            .map(|v| v.record.id())
            .collect::<Vec<_>>(),
        vec![ours.id()],
        "the other org's revision, though newer, is not a version"
    );
    assert_eq!(
        latest_title(&handle, &original.id()).as_deref(),
        Some("Ours, corrected")
    );
    // The original's retraction, before the original, drops the early revision too.
    let other = sign(&mut net, 1, practice("Other"), 40);
    let early = sign(&mut net, 1, revision(&other, "Other, corrected"), 41);
    let retract_other = sign(&mut net, 1, retraction(&other), 42);
    stored(&handle, &early).await;
    stored(&handle, &retract_other).await;
    assert!(retracted(&handle, &early));
    stored(&handle, &other).await;
    assert!(retracted(&handle, &other), "dropped on arrival");
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_of_one_org_revise_at_once_and_the_greater_timestamp_then_id_wins() {
    let mut net = net(5);
    let (node, handle, _dir) = start(&net).await;
    // A second device of org 1.
    let network = net.charter.charter().network_id();
    let laptop = DeviceKeypair::from_seed([0x51; 32]);
    let mut second = FeedWriter::new(laptop.clone(), network, FeedPosition::EMPTY);
    let delegation = second
        .append(
            Body::Delegation(Delegation::sign(
                &net.orgs[1].root,
                network,
                net.orgs[1].id(),
                laptop.public(),
                "field laptop",
            )),
            BASE_TIME_MS,
        )
        .unwrap();
    stored(&handle, &delegation).await;
    let original = sign(&mut net, 1, practice("v1"), 1);
    stored(&handle, &original).await;
    let at = BASE_TIME_MS + 10 * 60_000;
    let office = net.writers[1]
        .append(revision(&original, "From the office"), at)
        .unwrap();
    let field = second
        .append(revision(&original, "From the field"), at)
        .unwrap();
    stored(&handle, &field).await;
    stored(&handle, &office).await;
    let winner = if office.id() > field.id() {
        "From the office"
    } else {
        "From the field"
    };
    assert_eq!(
        latest_title(&handle, &original.id()).as_deref(),
        Some(winner)
    );
    drop(handle);
    node.shutdown().await;
}

/// How long anything may take to reach every node.
const DEADLINE: Duration = Duration::from_secs(30);

/// A second device of sample org `org`, delegated by the org's root: its key and its
/// delegation.
fn second_device(net: &Net, org: usize) -> (DeviceKeypair, VerifiedRecord) {
    let network = net.charter.charter().network_id();
    let laptop = DeviceKeypair::from_seed([0x60 + org as u8; 32]);
    let delegation = FeedWriter::new(laptop.clone(), network, FeedPosition::EMPTY)
        .append(
            Body::Delegation(Delegation::sign(
                &net.orgs[org].root,
                network,
                net.orgs[org].id(),
                laptop.public(),
                "field laptop",
            )),
            BASE_TIME_MS,
        )
        .unwrap();
    (laptop, delegation)
}

fn settings() -> NetworkSettings {
    NetworkSettings {
        // Long enough that only the sync on connection and gossip are at work.
        sync_interval: Duration::from_secs(3600),
        ..NetworkSettings::loopback()
    }
}

fn redb(net: &Net, dir: &tempfile::TempDir) -> Arc<RedbStore> {
    Arc::new(
        RedbStore::open(
            dir.path().join("store.redb"),
            net.charter.charter().network_id(),
        )
        .unwrap(),
    )
}

/// A node of `device`, a second device of sample org `org`, on a real redb store.
async fn start_device(
    net: &Net,
    org: usize,
    device: DeviceKeypair,
    delegation: &VerifiedRecord,
    dir: &tempfile::TempDir,
) -> Peer {
    let store = redb(net, dir);
    let node = Node::start(
        store.clone(),
        net.charter.charter().clone(),
        device.clone(),
        net.orgs[org].id(),
        delegation.signed_bytes(),
        commons_node::ingest::IngestSettings::default(),
    )
    .await
    .unwrap();
    let handle = node.handle();
    let (net_handle, task) = network::start(settings(), handle.network_link(), &device)
        .await
        .unwrap();
    let addr = net_handle.listen_addrs().await.unwrap().remove(0);
    Peer {
        node,
        handle,
        net: net_handle,
        task,
        addr,
        org: net.orgs[org].id(),
        device: device.public(),
        store,
    }
}

/// The id of the version each node shows for `original`, `None` where there is none.
fn shown(peers: &[&Peer], original: &RecordId) -> Vec<Option<RecordId>> {
    peers
        .iter()
        .map(|peer| {
            revisions::versions(peer.handle.store.as_ref(), original)
                .unwrap()
                .map(|versions| versions.latest().record.id())
        })
        .collect()
}

/// Two devices of one org, on two nodes, revise the same case study at the same
/// moment; a third node, another org's, hears both. Every node ends showing the same
/// version: the one the rule picks, whatever order each node got them in. Then a
/// retraction of one revision retracts every version at every node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_revising_at_once_leave_every_node_showing_the_same_version() {
    let net = net(3);
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    // A: the first org's office server; B: the same org's laptop; C: the second org.
    let a = Peer::start_with(&net, 0, redb(&net, &dirs[0]), settings()).await;
    let (laptop, laptop_delegation) = second_device(&net, 0);
    let b = start_device(&net, 0, laptop, &laptop_delegation, &dirs[1]).await;
    let c = Peer::start_with(&net, 1, redb(&net, &dirs[2]), settings()).await;
    b.net.dial(a.addr.clone()).await.unwrap();
    c.net.dial(a.addr.clone()).await.unwrap();
    c.net.dial(b.addr.clone()).await.unwrap();
    let peers = [&a, &b, &c];
    for peer in peers {
        for other in peers {
            if peer.device == other.device {
                continue;
            }
            wait_within(
                DEADLINE,
                "each node to hold the others' delegations",
                || async { peer.contiguous(&other.device) >= 1 },
            )
            .await;
            let id = other.net.peer_id();
            wait_within(
                DEADLINE,
                "each node to have the others in its mesh",
                || async { peer.net.gossip_peers().await.unwrap().contains(&id) },
            )
            .await;
        }
    }

    let original = a
        .handle
        .publisher
        .publish(practice("Paralegals at the district court"))
        .await
        .unwrap()
        .id;
    for peer in peers {
        wait_within(DEADLINE, "every node to hold the case study", || async {
            peer.holds(&original)
        })
        .await;
    }
    // Both devices at once.
    let (office, field) = tokio::join!(
        a.handle
            .publisher
            .publish(revision_of(original, "Paralegals at two district courts")),
        b.handle.publisher.publish(revision_of(
            original,
            "Paralegals at the district and appeal courts"
        )),
    );
    let (office, field) = (office.unwrap().id, field.unwrap().id);
    for peer in peers {
        wait_within(DEADLINE, "every node to hold both revisions", || async {
            peer.holds(&office) && peer.holds(&field)
        })
        .await;
    }
    let key = |id: &RecordId| {
        let stored = a.handle.store.record(id).unwrap().unwrap();
        (stored.record.record().timestamp_ms, *id)
    };
    let winner = if key(&office) > key(&field) {
        office
    } else {
        field
    };
    assert_eq!(shown(&peers, &original), vec![Some(winner); 3]);
    for peer in peers {
        let versions = revisions::versions(peer.handle.store.as_ref(), &office)
            .unwrap()
            .unwrap();
        assert_eq!(versions.count(), 3);
    }

    // C's org may not revise it: refused at C itself, before anything is sent.
    let error = c
        .handle
        .publisher
        .publish(revision_of(original, "Someone else's words"))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("another org"), "{error}");

    // The laptop retracts the office's revision: every version goes, everywhere.
    b.handle
        .publisher
        .publish(Body::Retraction(Retraction {
            target: office,
            reason: "it names a client".into(),
        }))
        .await
        .unwrap();
    for peer in peers {
        wait_within(DEADLINE, "every node to drop every version", || async {
            [original, office, field].iter().all(|id| {
                peer.handle.store.record(id).unwrap().is_none()
                    && peer.handle.store.tombstone(id).unwrap().is_some()
            })
        })
        .await;
    }
    assert_eq!(shown(&peers, &original), vec![None; 3]);
    // And the office can no longer revise it.
    let error = a
        .handle
        .publisher
        .publish(revision_of(original, "Back again"))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("retracted"), "{error}");

    c.stop().await;
    b.stop().await;
    a.stop().await;
}
