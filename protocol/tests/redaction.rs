//! Redaction by vote in the roster fold (docs/protocol.md §10.7): the charter's removal
//! threshold of the members other than the author's org decides; the author's org
//! neither counts nor blocks; non-members do not count; a vote naming the wrong author
//! stands in no one's way; and every order of the same records gives the same answer.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

mod common;

use commons_protocol::fixtures::BASE_TIME_MS;
use commons_protocol::{
    Body, Practice, RedactionVote, Roster, VerifiedRecord, Visibility, Vote, VoteChoice,
};
use proptest::prelude::*;

use common::story::Story;

// Three founders (removal: two thirds of the others) and a fourth org, not a member.
impl Story {
    fn case_study(&mut self, org: usize) -> VerifiedRecord {
        self.publish(
            org,
            Body::Practice(Practice {
                title: "Testimony from the eviction hearing".to_owned(),
                ..commons_protocol::fixtures::sample_practice(Visibility::Members)
            }),
        )
    }

    fn vote_to_redact(&mut self, voter: usize, target: &VerifiedRecord) -> VerifiedRecord {
        self.publish(
            voter,
            Body::RedactionVote(RedactionVote {
                target: target.id(),
                target_author: target.record().author,
                reason: "It names a witness who asked not to be named.".to_owned(),
            }),
        )
    }
}

#[test]
fn the_removal_threshold_of_the_other_members_redacts_and_the_author_cannot_block() {
    let mut story = Story::new(3, 4);
    let target = story.case_study(0);
    let author = target.record().author;
    let tally = story.roster().redaction_tally(&target.id(), &author);
    assert_eq!(tally.author_org, Some(story.orgs[0].id()));
    assert_eq!((tally.votes.len(), tally.needed), (0, 2));
    assert_eq!(tally.decided, None);

    let first = story.vote_to_redact(1, &target);
    // The author's own vote is not counted (it can retract instead), and a non-member's
    // vote is refused by the feed rules and would not count in the fold either.
    story.vote_to_redact(0, &target);
    story.vote_to_redact(3, &target);
    let tally = story.roster().redaction_tally(&target.id(), &author);
    assert_eq!(tally.votes, vec![(story.orgs[1].id(), first.id())]);
    assert_eq!(tally.decided, None);
    assert_eq!(story.roster().redactions().count(), 0);
    assert_eq!(
        story.roster().redaction_proposals().collect::<Vec<_>>(),
        vec![(target.id(), author)]
    );

    let deciding = story.vote_to_redact(2, &target);
    let roster = story.roster();
    assert_eq!(roster.redaction(&target.id(), &author), Some(deciding.id()));
    let redactions: Vec<_> = roster.redactions().collect();
    assert_eq!(redactions.len(), 1);
    assert_eq!(redactions[0].0, target.id());
    assert_eq!(redactions[0].1.decided_by, deciding.id());

    // Admitting a fourth member afterwards does not undo it.
    let applicant = story.orgs[3].id();
    for voter in [0, 1] {
        story.publish(
            voter,
            Body::Vote(Vote {
                subject: applicant,
                choice: VoteChoice::Admit,
            }),
        );
    }
    let roster = story.roster();
    assert!(roster.is_member(&applicant));
    assert_eq!(roster.redaction(&target.id(), &author), Some(deciding.id()));
}

#[test]
fn a_vote_naming_the_wrong_author_redacts_nothing_and_blocks_nothing() {
    let mut story = Story::new(3, 4);
    let target = story.case_study(0);
    let wrong = story.case_study(1);
    let lie = |story: &mut Story, voter| {
        story.publish(
            voter,
            Body::RedactionVote(RedactionVote {
                target: target.id(),
                target_author: wrong.record().author,
                reason: "Names the wrong feed.".to_owned(),
            }),
        )
    };
    lie(&mut story, 2);
    lie(&mut story, 0);
    assert_eq!(
        story
            .roster()
            .redaction(&target.id(), &wrong.record().author),
        Some(story.records.last().unwrap().id()),
        "a record of org 1's device by that id would be redacted; there is none"
    );
    story.vote_to_redact(1, &target);
    let deciding = story.vote_to_redact(2, &target);
    assert_eq!(
        story
            .roster()
            .redaction(&target.id(), &target.record().author),
        Some(deciding.id())
    );
}

#[test]
fn a_vote_without_a_reason_is_refused() {
    let mut story = Story::new(3, 4);
    let target = story.case_study(0);
    let error = story.writers[1]
        .append(
            Body::RedactionVote(RedactionVote {
                target: target.id(),
                target_author: target.record().author,
                reason: "  ".to_owned(),
            }),
            BASE_TIME_MS + 99 * 60_000,
        )
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the reason of a redaction-vote must not be empty"),
        "the error names the empty field: {error}"
    );
}

proptest! {
    /// Every order of the same records, some of them repeated, folds to the same roster:
    /// the same redactions, decided by the same votes.
    #[test]
    fn every_order_gives_the_same_redactions(seed in any::<u64>(), repeat in 0usize..4) {
        let mut story = Story::new(3, 4);
        let first = story.case_study(0);
        let second = story.case_study(1);
        story.vote_to_redact(1, &first);
        story.vote_to_redact(2, &second);
        story.vote_to_redact(2, &first);
        story.vote_to_redact(0, &second);
        let expected = story.roster();
        prop_assert_eq!(expected.redactions().count(), 2);
        let mut shuffled = story.records.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let again = shuffled[..repeat.min(shuffled.len())].to_vec();
        shuffled.extend(again);
        prop_assert_eq!(Roster::fold(&story.charter, &shuffled, []), expected);
    }
}
