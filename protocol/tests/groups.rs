//! The working-group fold through whole stories (founding, admission with and without
//! the history, removal, leaving, who may vote) and the property that every node
//! derives the same group from the same records in any order.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

mod common;

use commons_protocol::fixtures::{BASE_TIME_MS, sample_group_founding};
use commons_protocol::{
    Body, GroupChoice, GroupError, GroupFounding, GroupVote, OrgId, Revocation, Roster, Threshold,
    VerifiedRecord, Vote, VoteChoice, WorkingGroup,
};
use proptest::prelude::*;

const OUTSIDER: usize = 5;

use common::story::Story;

// Five founders of the network and one org that is not a member, each with one device.
impl Story {
    /// Org `founder` founds a group with the sample thresholds (admission 1/2,
    /// removal 2/3).
    fn found(&mut self, founder: usize) -> VerifiedRecord {
        self.publish(founder, Body::GroupFounding(sample_group_founding()))
    }

    fn group_vote(
        &mut self,
        group: &VerifiedRecord,
        voter: usize,
        subject: usize,
        choice: GroupChoice,
    ) -> VerifiedRecord {
        let subject = self.id(subject);
        self.publish(
            voter,
            Body::GroupVote(GroupVote {
                group: group.id(),
                subject,
                choice,
            }),
        )
    }

    fn admit(&mut self, group: &VerifiedRecord, voter: usize, subject: usize) -> VerifiedRecord {
        self.group_vote(group, voter, subject, GroupChoice::Admit { history: false })
    }

    fn id(&self, org: usize) -> OrgId {
        self.orgs[org].id()
    }

    fn group(&self, founding: &VerifiedRecord) -> WorkingGroup {
        WorkingGroup::fold(founding, &self.records, &self.roster(), []).unwrap()
    }

    fn members(&self, founding: &VerifiedRecord) -> Vec<usize> {
        let roster = self.roster();
        let group = self.group(founding);
        (0..self.orgs.len())
            .filter(|org| group.is_member(&self.id(*org), &roster))
            .collect()
    }
}

#[test]
fn the_founder_is_the_first_member_and_admits_alone() {
    let mut story = Story::new(5, 6);
    let founding = story.found(0);
    let group = story.group(&founding);
    assert_eq!(group.name(), "Strategic litigation");
    assert_eq!(group.founder(), story.id(0));
    assert_eq!(story.members(&founding), [0]);
    let roster = story.roster();
    let (_, founder) = group.members(&roster).next().unwrap();
    assert_eq!(founder.by, founding.id());
    assert!(founder.history, "the founder reads all the group wrote");

    // Half of one member is one vote.
    let vote = story.group_vote(&founding, 0, 1, GroupChoice::Admit { history: true });
    assert_eq!(story.members(&founding), [0, 1]);
    let group = story.group(&founding);
    let roster = story.roster();
    let admitted: Vec<_> = group.members(&roster).collect();
    let second = admitted
        .iter()
        .find(|(org, _)| *org == story.id(1))
        .unwrap()
        .1;
    assert_eq!(
        second.by,
        vote.id(),
        "admitted by the vote that reached the threshold"
    );
    assert!(second.history);
}

#[test]
fn admission_needs_half_of_the_members_and_history_needs_as_many() {
    let mut story = Story::new(5, 6);
    let founding = story.found(0);
    story.admit(&founding, 0, 1);
    story.admit(&founding, 0, 2);
    // Two members: half is one vote, so org 2 came in on org 0's vote alone.
    assert_eq!(story.members(&founding), [0, 1, 2]);

    // Three members: two votes. One with the history and one without admits, and
    // without the history (only one of the two needed asked for it).
    story.group_vote(&founding, 0, 3, GroupChoice::Admit { history: true });
    assert_eq!(
        story.members(&founding),
        [0, 1, 2],
        "one vote of three is not half"
    );
    let roster = story.roster();
    let tally = story.group(&founding).tally(&story.id(3), &roster);
    assert_eq!((tally.admit.len(), tally.admit_needed), (1, 2));
    story.admit(&founding, 1, 3);
    assert_eq!(story.members(&founding), [0, 1, 2, 3]);
    let group = story.group(&founding);
    let fourth = group
        .members(&roster)
        .find(|(org, _)| *org == story.id(3))
        .unwrap()
        .1;
    assert!(!fourth.history, "the group did not give org 3 the history");
}

#[test]
fn only_the_groups_members_vote_and_only_network_members_come_in() {
    let mut story = Story::new(5, 6);
    let founding = story.found(0);
    // Org 1 is a network member but not in the group: its vote does not count.
    story.admit(&founding, 1, 2);
    assert_eq!(story.members(&founding), [0]);
    // The outsider is not a member of the network: the group cannot admit it.
    story.admit(&founding, 0, OUTSIDER);
    assert_eq!(story.members(&founding), [0]);
    // A vote on another group changes nothing here.
    let other = story.found(1);
    story.admit(&other, 1, 2);
    assert_eq!(story.members(&founding), [0]);
    assert_eq!(story.members(&other), [1, 2]);
}

#[test]
fn a_member_leaves_by_its_own_vote_and_is_removed_by_two_thirds_of_the_others() {
    let mut story = Story::new(5, 6);
    let founding = story.found(0);
    for subject in 1..=3 {
        story.admit(&founding, 0, subject);
        if subject == 3 {
            story.admit(&founding, 1, subject);
        }
    }
    assert_eq!(story.members(&founding), [0, 1, 2, 3]);

    let leaving = story.group_vote(&founding, 2, 2, GroupChoice::Remove);
    assert_eq!(story.members(&founding), [0, 1, 3]);
    let departure = story
        .group(&founding)
        .former()
        .find(|(org, _)| *org == story.id(2))
        .unwrap()
        .1;
    assert_eq!((departure.by, departure.left), (leaving.id(), true));

    // Removing org 3: two thirds of the other two is two votes.
    story.group_vote(&founding, 0, 3, GroupChoice::Remove);
    assert_eq!(story.members(&founding), [0, 1, 3]);
    let removal = story.group_vote(&founding, 1, 3, GroupChoice::Remove);
    assert_eq!(story.members(&founding), [0, 1]);
    let departure = story
        .group(&founding)
        .former()
        .find(|(org, _)| *org == story.id(3))
        .unwrap()
        .1;
    assert_eq!((departure.by, departure.left), (removal.id(), false));
}

#[test]
fn a_revoked_devices_votes_do_not_count_from_the_revoked_seq() {
    let mut story = Story::new(5, 6);
    let founding = story.found(0);
    // Org 0's device founds at seq 2 and votes at seq 3; then its org revokes it from
    // seq 3 (the laptop was seized before the vote). The fold learns every revocation
    // first, so the vote is void although the revocation came later.
    story.admit(&founding, 0, 1);
    assert_eq!(story.members(&founding), [0, 1]);
    let revocation = Revocation::sign(
        &story.orgs[0].root,
        story.network,
        story.id(0),
        story.orgs[0].device.public(),
        3,
    );
    story.publish(0, Body::Revocation(revocation));
    assert_eq!(story.members(&founding), [0]);
}

#[test]
fn an_org_the_network_removes_is_out_of_every_group() {
    let mut story = Story::new(5, 6);
    let founding = story.found(0);
    story.admit(&founding, 0, 4);
    assert_eq!(story.members(&founding), [0, 4]);
    // The network's removal threshold (2/3 of the four others) is three votes.
    for voter in 0..3 {
        story.publish(
            voter,
            Body::Vote(Vote {
                subject: story.id(4),
                choice: VoteChoice::Remove,
            }),
        );
    }
    assert!(!story.roster().is_member(&story.id(4)));
    assert_eq!(story.members(&founding), [0]);
}

#[test]
fn a_founding_that_is_not_one_or_whose_device_does_not_act_founds_nothing() {
    let mut story = Story::new(5, 6);
    let vote = story.publish(
        0,
        Body::Vote(Vote {
            subject: story.id(OUTSIDER),
            choice: VoteChoice::Admit,
        }),
    );
    let roster = story.roster();
    assert!(matches!(
        WorkingGroup::fold(&vote, &story.records, &roster, []),
        Err(GroupError::NotAFounding { .. })
    ));

    // Org 1 revokes its device from the seq the founding will take (its seq 2 is the
    // revocation itself, seq 3 the founding).
    let revocation = Revocation::sign(
        &story.orgs[1].root,
        story.network,
        story.id(1),
        story.orgs[1].device.public(),
        3,
    );
    story.publish(1, Body::Revocation(revocation));
    let founding = story.found(1);
    let roster = story.roster();
    assert!(matches!(
        WorkingGroup::fold(&founding, &story.records, &roster, []),
        Err(GroupError::FounderNotActing { .. })
    ));
}

#[test]
fn a_founding_with_a_threshold_no_vote_could_meet_is_refused_as_a_record() {
    let story = Story::new(5, 6);
    let mut founding = sample_group_founding();
    founding.admission = Threshold::Fraction {
        numerator: 3,
        denominator: 2,
    };
    let mut writer = story.orgs[0].writer(story.network);
    writer
        .append(story.orgs[0].delegation(story.network), BASE_TIME_MS)
        .unwrap();
    let error = writer
        .append(Body::GroupFounding(founding), BASE_TIME_MS + 1)
        .unwrap_err();
    assert!(
        error.to_string().contains("admission threshold is invalid"),
        "{error}"
    );
    let empty = GroupFounding {
        name: "  ".to_owned(),
        ..sample_group_founding()
    };
    let error = writer
        .append(Body::GroupFounding(empty), BASE_TIME_MS + 2)
        .unwrap_err();
    assert!(error.to_string().contains("name"), "{error}");
}

/// One step of a random story: `voter` chooses on `subject`.
#[derive(Debug, Clone)]
struct Step {
    voter: usize,
    subject: usize,
    choice: GroupChoice,
}

fn step() -> impl Strategy<Value = Step> {
    (
        0..6usize,
        0..6usize,
        prop_oneof![
            Just(GroupChoice::Admit { history: false }),
            Just(GroupChoice::Admit { history: true }),
            Just(GroupChoice::Remove),
        ],
    )
        .prop_map(|(voter, subject, choice)| Step {
            voter,
            subject,
            choice,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every node derives the same group from the same records, in any order, and two
    /// nodes that hold the votes of two groups tell them apart.
    #[test]
    fn the_same_records_in_any_order_give_the_same_group(
        steps in proptest::collection::vec(step(), 0..24),
        order in any::<proptest::sample::Index>(),
        seed in any::<u64>(),
    ) {
        let mut story = Story::new(5, 6);
        let founding = story.found(0);
        let other = story.found(1);
        for (index, step) in steps.iter().enumerate() {
            let group = if index % 5 == 4 { &other } else { &founding };
            story.group_vote(group, step.voter, step.subject, step.choice);
        }
        let roster = story.roster();
        let expected = WorkingGroup::fold(&founding, &story.records, &roster, []).unwrap();

        // A permutation from the seed (a small LCG: the test's own, not the crate's).
        let mut shuffled = story.records.clone();
        let mut state = seed | 1;
        for at in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let pick = usize::try_from(state >> 33).unwrap() % (at + 1);
            shuffled.swap(at, pick);
        }
        let turn = order.index(shuffled.len().max(1));
        shuffled.rotate_left(turn);
        // Every record twice: repeats change nothing.
        let doubled: Vec<VerifiedRecord> = shuffled.iter().chain(&shuffled).cloned().collect();
        let roster_again = Roster::fold(&story.charter, &doubled, []);
        let again = WorkingGroup::fold(&founding, &doubled, &roster_again, []).unwrap();
        prop_assert_eq!(&again, &expected);

        // The members are network members, and the founder is in unless it left.
        for (org, _) in expected.members(&roster) {
            prop_assert!(roster.is_member(&org));
        }
        let founder_left = expected.former().any(|(org, _)| org == story.id(0));
        prop_assert_eq!(expected.is_member(&story.id(0), &roster), !founder_left);
    }
}

#[test]
fn concurrent_changes_from_two_orgs_converge_in_any_order() {
    let mut story = Story::new(5, 6);
    let founding = story.found(0);
    story.admit(&founding, 0, 1);
    story.admit(&founding, 0, 2);
    assert_eq!(story.members(&founding), [0, 1, 2]);
    // At the same millisecond, on nodes that have not seen each other's votes: org 1
    // and org 2 vote to admit org 3 while org 0 votes to remove org 2.
    let at = BASE_TIME_MS + 1_000 * 60_000;
    let vote = |story: &mut Story, voter: usize, subject: usize, choice| {
        let subject = story.id(subject);
        let record = story.writers[voter]
            .append(
                Body::GroupVote(GroupVote {
                    group: founding.id(),
                    subject,
                    choice,
                }),
                at,
            )
            .unwrap();
        story.records.push(record.clone());
        record
    };
    vote(&mut story, 1, 3, GroupChoice::Admit { history: false });
    vote(&mut story, 2, 3, GroupChoice::Admit { history: false });
    vote(&mut story, 0, 2, GroupChoice::Remove);
    let roster = story.roster();
    let expected = WorkingGroup::fold(&founding, &story.records, &roster, []).unwrap();
    let count = story.records.len();
    for rotation in 0..count {
        let mut turned = story.records.clone();
        turned.rotate_left(rotation);
        turned.reverse();
        let again = WorkingGroup::fold(&founding, &turned, &roster, []).unwrap();
        assert_eq!(again, expected, "rotation {rotation}");
    }
    // Ties are broken by record id, so the outcome is one of the two, the same on
    // every node: org 3 is admitted (two of three), and org 2's removal needs two
    // thirds of the others, which org 0 alone is not.
    assert!(expected.is_member(&story.id(3), &roster));
    assert!(expected.is_member(&story.id(2), &roster));
}
