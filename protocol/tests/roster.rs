//! The roster fold through whole governance stories: admission, removal, recovery of a
//! lost root, rotation, revocation, and who may vote.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

mod common;

use commons_protocol::fixtures::{BASE_TIME_MS, sample_charter};
use commons_protocol::{
    AgainstError, Body, Delegation, DeviceKeypair, FeedOutcome, FeedWriter, MemoryFeeds, Record,
    Revocation, RootKeypair, RootRotation, Roster, Threshold, VerifiedRecord, Vote, VoteChoice,
    validate_against,
};

use common::story::Story;

// Three founders and three more orgs, each with one device delegated.
impl Story {
    fn vote(&mut self, voter: usize, subject: usize, choice: VoteChoice) {
        let subject = self.orgs[subject].id();
        self.publish(voter, Body::Vote(Vote { subject, choice }));
    }
}

#[test]
fn the_sample_thresholds_are_what_the_charter_says() {
    let story = Story::new(3, 6);
    assert_eq!(
        story.charter.admission,
        Threshold::Fraction {
            numerator: 1,
            denominator: 2
        }
    );
    let tally = story.roster().tally(&story.orgs[3].id());
    // Half of 3 members, rounded up.
    assert_eq!(tally.admit_needed, 2);
    let tally = story.roster().tally(&story.orgs[0].id());
    // Two thirds of the 2 other members, rounded up.
    assert_eq!(tally.remove_needed, 2);
}

#[test]
fn an_applicant_is_admitted_once_enough_members_vote() {
    let mut story = Story::new(3, 6);
    let applicant = story.orgs[3].id();
    assert!(!story.roster().is_member(&applicant));
    story.vote(0, 3, VoteChoice::Admit);
    // The applicant's own vote does not count: it is not a member.
    story.vote(3, 3, VoteChoice::Admit);
    let tally = story.roster().tally(&applicant);
    assert_eq!((tally.admit.len(), tally.admit_needed), (1, 2));
    assert!(!story.roster().is_member(&applicant));
    assert_eq!(
        story.roster().voted_subjects().collect::<Vec<_>>(),
        [applicant],
        "a decision is under way on the applicant"
    );
    story.vote(1, 3, VoteChoice::Admit);
    assert!(story.roster().is_member(&applicant));
    assert_eq!(story.roster().member_count(), 4);
    assert_eq!(
        story.roster().voted_subjects().count(),
        0,
        "the admission clears the votes on it"
    );
}

#[test]
fn a_changed_vote_replaces_the_earlier_one() {
    let mut story = Story::new(3, 6);
    story.vote(0, 4, VoteChoice::Admit);
    story.vote(0, 4, VoteChoice::Remove);
    story.vote(1, 4, VoteChoice::Admit);
    assert!(
        !story.roster().is_member(&story.orgs[4].id()),
        "org 0 withdrew its admit vote"
    );
}

#[test]
fn a_removed_member_is_cut_off_and_its_votes_stop_counting() {
    let mut story = Story::new(3, 6);
    let removed = story.orgs[2].id();
    story.vote(0, 2, VoteChoice::Remove);
    story.vote(2, 4, VoteChoice::Admit);
    assert!(story.roster().is_member(&removed));
    story.vote(1, 2, VoteChoice::Remove);
    let roster = story.roster();
    assert!(!roster.is_member(&removed));
    assert_eq!(roster.member_count(), 2);
    // Its earlier admit vote for org 4 no longer counts.
    assert!(roster.tally(&story.orgs[4].id()).admit.is_empty());

    // Its device may no longer publish case studies or vote.
    let mut feeds = MemoryFeeds::new();
    for record in story.records.clone() {
        let _ = feeds.ingest(record, &roster);
    }
    let study = story.publish(
        2,
        Body::Practice(commons_protocol::fixtures::sample_practice(
            commons_protocol::Visibility::Public,
        )),
    );
    assert_eq!(
        feeds.ingest(study, &roster),
        Err(AgainstError::NotAMember {
            org: removed,
            kind: Some(commons_protocol::BodyKind::Practice)
        })
    );
}

#[test]
fn members_recover_an_org_whose_root_key_was_lost() {
    let mut story = Story::new(3, 6);
    let lost = story.orgs[1].id();
    let new_root = RootKeypair::from_seed([0x51; 32]);
    story.vote(
        0,
        1,
        VoteChoice::Recover {
            new_root: new_root.public(),
        },
    );
    assert_eq!(story.roster().org(&lost).unwrap().root, lost.first_root());
    story.vote(
        2,
        1,
        VoteChoice::Recover {
            new_root: new_root.public(),
        },
    );
    let roster = story.roster();
    assert_eq!(roster.org(&lost).unwrap().root, new_root.public());
    assert!(roster.is_member(&lost));

    // A new laptop delegated by the new root is accepted; one by the old root is not.
    let laptop = DeviceKeypair::from_seed([0x52; 32]);
    let by = |root: &RootKeypair| {
        Record {
            version: 1,
            network: story.network,
            author: laptop.public(),
            seq: 1,
            prev: None,
            timestamp_ms: BASE_TIME_MS + 3_600_000,
            body: Body::Delegation(Delegation::sign(
                root,
                story.network,
                lost,
                laptop.public(),
                "new laptop",
            )),
        }
        .sign(&laptop)
        .unwrap()
    };
    let feeds = MemoryFeeds::new();
    assert!(matches!(
        validate_against(&by(&new_root), &feeds, &roster),
        Ok(FeedOutcome::Appended { .. })
    ));
    assert_eq!(
        validate_against(&by(&story.orgs[1].root), &feeds, &roster),
        Err(AgainstError::DelegationWrongRoot {
            org: lost,
            expected: new_root.public(),
            found: lost.first_root()
        })
    );
}

#[test]
fn a_rotation_moves_the_org_to_its_new_root() {
    let mut story = Story::new(3, 6);
    let next_root = RootKeypair::from_seed([0x61; 32]);
    let rotation = RootRotation::sign(
        &story.orgs[0].root,
        &next_root,
        story.network,
        story.orgs[0].id(),
    );
    story.publish(0, Body::RootRotation(rotation));
    assert_eq!(
        story.roster().org(&story.orgs[0].id()).unwrap().root,
        next_root.public()
    );
    // The old root can no longer revoke the org's devices.
    let stale = Revocation::sign(
        &story.orgs[0].root,
        story.network,
        story.orgs[0].id(),
        story.orgs[0].device.public(),
        9,
    );
    story.publish(0, Body::Revocation(stale));
    assert_eq!(
        story
            .roster()
            .device(&story.orgs[0].device.public())
            .unwrap()
            .revoked_from,
        None
    );
}

#[test]
fn a_revoked_device_cannot_vote_from_its_revocation_on() {
    let mut story = Story::new(3, 6);
    let device = story.orgs[0].device.public();
    // The org revokes its device from seq 3: the device's seq 2 revocation record
    // itself is fine, its seq 3 vote is not counted.
    let revocation = Revocation::sign(
        &story.orgs[0].root,
        story.network,
        story.orgs[0].id(),
        device,
        3,
    );
    story.publish(0, Body::Revocation(revocation));
    story.vote(0, 5, VoteChoice::Admit);
    story.vote(1, 5, VoteChoice::Admit);
    let roster = story.roster();
    assert_eq!(roster.device(&device).unwrap().revoked_from, Some(3));
    assert!(
        !roster.is_member(&story.orgs[5].id()),
        "the revoked device's vote was counted"
    );
    assert_eq!(
        roster.tally(&story.orgs[5].id()).admit,
        vec![story.orgs[1].id()]
    );
}

#[test]
fn the_last_member_cannot_be_voted_out() {
    let (signed, orgs) = sample_charter(1);
    let network = signed.charter().network_id();
    let mut writer = orgs[0].writer(network);
    let records = vec![
        writer
            .append(orgs[0].delegation(network), BASE_TIME_MS)
            .unwrap(),
        writer
            .append(
                Body::Vote(Vote {
                    subject: orgs[0].id(),
                    choice: VoteChoice::Remove,
                }),
                BASE_TIME_MS + 1,
            )
            .unwrap(),
    ];
    assert!(Roster::fold(signed.charter(), &records, []).is_member(&orgs[0].id()));
}

#[test]
fn a_revocation_counts_by_seq_even_when_its_timestamp_is_later() {
    let mut story = Story::new(3, 6);
    let seized = story.orgs[0].device.public();
    // The seized laptop votes at seq 2 before the org notices.
    story.vote(0, 5, VoteChoice::Admit);
    story.vote(1, 5, VoteChoice::Admit);
    assert!(
        story.roster().is_member(&story.orgs[5].id()),
        "before the revocation, both votes count"
    );

    // Later, from a new device, the org revokes the laptop from seq 2.
    let spare = DeviceKeypair::from_seed([0x71; 32]);
    let mut spare_feed = FeedWriter::new(
        spare.clone(),
        story.network,
        commons_protocol::FeedPosition::EMPTY,
    );
    let org = story.orgs[0].id();
    let delegation = Delegation::sign(
        &story.orgs[0].root,
        story.network,
        org,
        spare.public(),
        "spare",
    );
    let late = BASE_TIME_MS + 24 * 3_600_000;
    story.records.push(
        spare_feed
            .append(Body::Delegation(delegation), late)
            .unwrap(),
    );
    let revocation = Revocation::sign(&story.orgs[0].root, story.network, org, seized, 2);
    story.records.push(
        spare_feed
            .append(Body::Revocation(revocation), late + 1)
            .unwrap(),
    );

    let roster = story.roster();
    assert_eq!(
        roster.tally(&story.orgs[5].id()).admit,
        vec![story.orgs[1].id()]
    );
    assert!(
        !roster.is_member(&story.orgs[5].id()),
        "the seized device's vote still counted"
    );
}

#[test]
fn nodes_holding_different_sides_of_a_forked_vote_agree_once_they_hold_the_proof() {
    let mut story = Story::new(3, 6);
    story.vote(1, 4, VoteChoice::Admit);
    let before_fork = story.writers[0].clone();
    let admit = story.publish(
        0,
        Body::Vote(Vote {
            subject: story.orgs[4].id(),
            choice: VoteChoice::Admit,
        }),
    );
    let mut twin = before_fork;
    let abstain = twin
        .append(
            Body::Vote(Vote {
                subject: story.orgs[3].id(),
                choice: VoteChoice::Remove,
            }),
            BASE_TIME_MS + 3_600_000,
        )
        .unwrap();
    let proof = commons_protocol::ForkProof::new(admit.clone(), abstain.clone()).unwrap();

    let shared: Vec<VerifiedRecord> = story
        .records
        .iter()
        .filter(|r| r.id() != admit.id())
        .cloned()
        .collect();
    let node_a = [shared.clone(), vec![admit]].concat();
    let node_b = [shared, vec![abstain]].concat();
    // Without the proof the two nodes disagree about org 4.
    assert_ne!(
        Roster::fold(&story.charter, &node_a, []),
        Roster::fold(&story.charter, &node_b, [])
    );
    let a = Roster::fold(&story.charter, &node_a, [&proof]);
    let b = Roster::fold(&story.charter, &node_b, [&proof]);
    assert_eq!(a, b);
    assert!(!a.is_member(&story.orgs[4].id()));
}

#[test]
fn a_device_revoked_from_its_first_seq_cannot_even_join() {
    let mut story = Story::new(3, 6);
    let stolen = DeviceKeypair::from_seed([0x72; 32]);
    let org = story.orgs[1].id();
    let revocation = Revocation::sign(&story.orgs[1].root, story.network, org, stolen.public(), 1);
    story.publish(1, Body::Revocation(revocation));
    let roster = story.roster();
    let delegation = Record {
        version: 1,
        network: story.network,
        author: stolen.public(),
        seq: 1,
        prev: None,
        timestamp_ms: BASE_TIME_MS + 7_200_000,
        body: Body::Delegation(Delegation::sign(
            &story.orgs[1].root,
            story.network,
            org,
            stolen.public(),
            "x",
        )),
    }
    .sign(&stolen)
    .unwrap();
    assert_eq!(
        validate_against(&delegation, &MemoryFeeds::new(), &roster),
        Err(AgainstError::DeviceRevoked {
            author: stolen.public(),
            from_seq: 1,
            seq: 1
        })
    );
}
