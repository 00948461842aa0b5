//! Working groups through a real node on a real redb store: a member org's second
//! device is sealed to while it acts, and cut off from the next epoch once its org
//! revokes it, while it still opens what was sealed to it before.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::net;
use commons_node::groups::{Opened, all_of_kind, open_record, publish_to_group};
use commons_node::ingest::{Ingested, Source};
use commons_node::store::RedbStore;
use commons_protocol::fixtures::{BASE_TIME_MS, sample_group_founding, sample_practice};
use commons_protocol::{
    Body, BodyKind, Delegation, DeviceKeypair, FeedPosition, FeedWriter, GroupChoice, GroupVote,
    Revocation, SealingKeyAnnouncement, SealingKeypair, VerifiedRecord, Visibility,
};

async fn stored(node: &commons_node::NodeHandle, record: &VerifiedRecord) {
    let answer = node
        .ingest
        .submit(record.signed_bytes().to_vec(), Source::Gossip)
        .await;
    assert!(matches!(answer, Ok(Ingested::Stored { .. })), "{answer:?}");
}

#[tokio::test]
async fn a_revoked_device_is_left_out_of_the_next_epoch() {
    let mut net = net(3);
    let network = net.charter.charter().network_id();
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path().join("store.redb"), network).unwrap();
    let mut node = net.start_node(0, Arc::new(store)).await;
    node.set_sealing_key(SealingKeypair::from_seed([0x50; 32]));
    let handle = node.handle();
    for delegation in &net.delegations[1..3] {
        stored(&handle, delegation).await;
    }

    // Org 1 has a second device, a laptop, with its own feed.
    let laptop = DeviceKeypair::from_seed([0x61; 32]);
    let mut laptop_feed = FeedWriter::new(laptop.clone(), network, FeedPosition::EMPTY);
    let laptop_delegation = laptop_feed
        .append(
            Body::Delegation(Delegation::sign(
                &net.orgs[1].root,
                network,
                net.orgs[1].id(),
                laptop.public(),
                "field laptop",
            )),
            BASE_TIME_MS + 60_000,
        )
        .unwrap();
    stored(&handle, &laptop_delegation).await;

    // A group of orgs 0 and 1; both of org 1's devices publish their sealing keys.
    let founding = handle
        .publisher
        .publish(Body::GroupFounding(sample_group_founding()))
        .await
        .unwrap();
    handle
        .publisher
        .publish(Body::GroupVote(GroupVote {
            group: founding.id,
            subject: net.orgs[1].id(),
            choice: GroupChoice::Admit { history: false },
        }))
        .await
        .unwrap();
    let office_key = SealingKeypair::from_seed([0x51; 32]);
    let laptop_key = SealingKeypair::from_seed([0x71; 32]);
    let office_announcement = net.writers[1]
        .append(
            Body::SealingKey(SealingKeyAnnouncement {
                key: office_key.public(),
            }),
            BASE_TIME_MS + 120_000,
        )
        .unwrap();
    stored(&handle, &office_announcement).await;
    let laptop_announcement = laptop_feed
        .append(
            Body::SealingKey(SealingKeyAnnouncement {
                key: laptop_key.public(),
            }),
            BASE_TIME_MS + 120_000,
        )
        .unwrap();
    stored(&handle, &laptop_announcement).await;

    let group = || async {
        let roster = handle.roster();
        let store = handle.store.clone();
        let groups = tokio::task::spawn_blocking(move || {
            commons_node::groups::held_groups(store.as_ref(), &roster)
        })
        .await
        .unwrap()
        .unwrap();
        groups
            .into_iter()
            .find(|group| group.id() == founding.id)
            .unwrap()
    };
    let case = |title: &str| {
        let mut practice = sample_practice(Visibility::Members);
        practice.title = title.to_owned();
        Body::Practice(practice)
    };

    let before = publish_to_group(&handle, &group().await, &handle.roster(), &case("Before"))
        .await
        .unwrap();
    assert_eq!(before.sealed_to, 3, "this device and both of org 1's");
    assert!(before.new_epoch);
    // The same members, the same devices: the same epoch.
    let again = publish_to_group(&handle, &group().await, &handle.roster(), &case("Again"))
        .await
        .unwrap();
    assert_eq!(again.epoch, before.epoch);
    assert!(!again.new_epoch);

    // Org 1 revokes the laptop (seized) from its next seq, through its office device.
    let next_seq = laptop_feed.position().seq + 1;
    let revocation = net.writers[1]
        .append(
            Body::Revocation(Revocation::sign(
                &net.orgs[1].root,
                network,
                net.orgs[1].id(),
                laptop.public(),
                next_seq,
            )),
            BASE_TIME_MS + 180_000,
        )
        .unwrap();
    stored(&handle, &revocation).await;

    let after = publish_to_group(&handle, &group().await, &handle.roster(), &case("After"))
        .await
        .unwrap();
    assert!(after.new_epoch, "a revocation calls for a new epoch");
    assert_ne!(after.epoch, before.epoch);
    assert_eq!(after.sealed_to, 2, "this device and org 1's office device");

    let records = all_of_kind(handle.store.as_ref(), BodyKind::GroupRecord).unwrap();
    let record = |id| records.iter().find(|record| record.id() == id).unwrap();
    let open = |id, device: &DeviceKeypair, key: &SealingKeypair| {
        open_record(handle.store.as_ref(), record(id), &device.public(), key).unwrap()
    };
    assert_eq!(
        open(after.record.id, &laptop, &laptop_key),
        Opened::NotForThisDevice
    );
    assert!(matches!(
        open(after.record.id, &net.orgs[1].device, &office_key),
        Opened::Content(_)
    ));
    // What was sealed to the laptop before stays open to it: it may have copied it.
    assert!(matches!(
        open(before.record.id, &laptop, &laptop_key),
        Opened::Content(_)
    ));
    drop(handle);
    node.shutdown().await;
}

#[tokio::test]
async fn an_org_admitted_with_the_history_reads_what_came_before_and_one_without_does_not() {
    let mut net = net(3);
    let network = net.charter.charter().network_id();
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path().join("store.redb"), network).unwrap();
    let mut node = net.start_node(0, Arc::new(store)).await;
    node.set_sealing_key(SealingKeypair::from_seed([0x50; 32]));
    let handle = node.handle();
    for delegation in &net.delegations[1..3] {
        stored(&handle, delegation).await;
    }
    let founding = handle
        .publisher
        .publish(Body::GroupFounding(sample_group_founding()))
        .await
        .unwrap();
    let group = || async {
        let roster = handle.roster();
        let store = handle.store.clone();
        tokio::task::spawn_blocking(move || {
            commons_node::groups::held_groups(store.as_ref(), &roster)
        })
        .await
        .unwrap()
        .unwrap()
        .into_iter()
        .find(|group| group.id() == founding.id)
        .unwrap()
    };
    let case = |title: &str| {
        let mut practice = sample_practice(Visibility::Members);
        practice.title = title.to_owned();
        Body::Practice(practice)
    };
    let early = publish_to_group(&handle, &group().await, &handle.roster(), &case("Early"))
        .await
        .unwrap();
    assert_eq!(early.sealed_to, 1);

    // Org 1 comes in with the history, org 2 without; both publish their sealing keys.
    for (org, history) in [(1, true), (2, false)] {
        handle
            .publisher
            .publish(Body::GroupVote(GroupVote {
                group: founding.id,
                subject: net.orgs[org].id(),
                choice: GroupChoice::Admit { history },
            }))
            .await
            .unwrap();
    }
    let keys = [
        SealingKeypair::from_seed([0x51; 32]),
        SealingKeypair::from_seed([0x52; 32]),
    ];
    for (index, key) in [(1, &keys[0]), (2, &keys[1])] {
        let announcement = net.writers[index]
            .append(
                Body::SealingKey(SealingKeyAnnouncement { key: key.public() }),
                BASE_TIME_MS + 120_000,
            )
            .unwrap();
        stored(&handle, &announcement).await;
    }
    let late = publish_to_group(&handle, &group().await, &handle.roster(), &case("Late"))
        .await
        .unwrap();
    assert_eq!(late.sealed_to, 3);
    assert_eq!(
        all_of_kind(handle.store.as_ref(), BodyKind::GroupHistory)
            .unwrap()
            .len(),
        1,
        "one grant, for org 1's device"
    );

    let records = all_of_kind(handle.store.as_ref(), BodyKind::GroupRecord).unwrap();
    let open = |id, org: usize, key: &SealingKeypair| {
        let record = records.iter().find(|record| record.id() == id).unwrap();
        open_record(
            handle.store.as_ref(),
            record,
            &net.orgs[org].device.public(),
            key,
        )
        .unwrap()
    };
    assert!(matches!(
        open(early.record.id, 1, &keys[0]),
        Opened::Content(_)
    ));
    assert_eq!(open(early.record.id, 2, &keys[1]), Opened::NotForThisDevice);
    assert!(matches!(
        open(late.record.id, 1, &keys[0]),
        Opened::Content(_)
    ));
    assert!(matches!(
        open(late.record.id, 2, &keys[1]),
        Opened::Content(_)
    ));

    // The next record owes nothing more: no second grant.
    publish_to_group(&handle, &group().await, &handle.roster(), &case("Later"))
        .await
        .unwrap();
    assert_eq!(
        all_of_kind(handle.store.as_ref(), BodyKind::GroupHistory)
            .unwrap()
            .len(),
        1
    );
    drop(handle);
    node.shutdown().await;
}
