//! The feed state machine through `MemoryFeeds`: appends, gaps, duplicates, forks,
//! neighbours, retractions and opaque kinds.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

use commons_protocol::fixtures::{
    BASE_TIME_MS, SampleOrg, delegated_feeds, sample_charter, sample_practice,
};
use commons_protocol::{
    AgainstError, Body, FeedOutcome, FeedWriter, ForkProof, ForkProofError, MemoryFeeds,
    Retraction, Roster, SeqRange, VerifiedRecord, Visibility,
};

struct Net {
    roster: Roster,
    orgs: Vec<SampleOrg>,
    writers: Vec<FeedWriter>,
    network: commons_protocol::NetworkId,
}

fn net() -> (Net, Vec<VerifiedRecord>) {
    let (charter, orgs) = sample_charter(2);
    let network = charter.charter().network_id();
    let (writers, delegations) = delegated_feeds(&orgs, network);
    let roster = Roster::fold(charter.charter(), &delegations, []);
    (
        Net {
            roster,
            orgs,
            writers,
            network,
        },
        delegations,
    )
}

fn practice(net: &mut Net, org: usize, minute: u64) -> VerifiedRecord {
    net.writers[org]
        .append(
            Body::Practice(sample_practice(Visibility::Public)),
            BASE_TIME_MS + minute * 60_000,
        )
        .unwrap()
}

#[test]
fn in_order_records_append_and_advance_the_head() {
    let (mut net, delegations) = net();
    let mut feeds = MemoryFeeds::new();
    let author = net.orgs[0].device.public();
    assert_eq!(
        feeds.ingest(delegations[0].clone(), &net.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    for minute in 1..=5 {
        let record = practice(&mut net, 0, minute);
        assert_eq!(
            feeds.ingest(record, &net.roster),
            Ok(FeedOutcome::Appended { missing: None })
        );
    }
    assert_eq!(feeds.contiguous_head(&author), 6);
}

#[test]
fn a_gap_is_accepted_reported_and_filled() {
    let (mut net, delegations) = net();
    let mut feeds = MemoryFeeds::new();
    let author = net.orgs[0].device.public();
    let records: Vec<VerifiedRecord> = (1..=5)
        .map(|minute| practice(&mut net, 0, minute))
        .collect();
    assert_eq!(
        feeds.ingest(delegations[0].clone(), &net.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    // Seq 6 arrives first: seqs 2 to 5 are missing.
    assert_eq!(
        feeds.ingest(records[4].clone(), &net.roster),
        Ok(FeedOutcome::Appended {
            missing: Some(SeqRange { first: 2, last: 5 })
        })
    );
    assert_eq!(feeds.contiguous_head(&author), 1);
    // Seq 4: 2 and 3 are still missing.
    assert_eq!(
        feeds.ingest(records[2].clone(), &net.roster),
        Ok(FeedOutcome::Appended {
            missing: Some(SeqRange { first: 2, last: 3 })
        })
    );
    // Seq 5 sits between two held records and must match both.
    assert_eq!(
        feeds.ingest(records[3].clone(), &net.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    assert_eq!(
        feeds.ingest(records[0].clone(), &net.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    assert_eq!(feeds.contiguous_head(&author), 2);
    assert_eq!(
        feeds.ingest(records[1].clone(), &net.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    assert_eq!(feeds.contiguous_head(&author), 6);
    assert_eq!(feeds.len(), 6);
}

#[test]
fn a_repeated_record_is_a_duplicate_and_changes_nothing() {
    let (mut net, delegations) = net();
    let mut feeds = MemoryFeeds::new();
    let record = practice(&mut net, 0, 1);
    assert!(feeds.ingest(delegations[0].clone(), &net.roster).is_ok());
    assert!(feeds.ingest(record.clone(), &net.roster).is_ok());
    assert_eq!(
        feeds.ingest(record, &net.roster),
        Ok(FeedOutcome::Duplicate)
    );
    assert_eq!(feeds.len(), 2);
}

#[test]
fn a_record_that_does_not_match_its_held_successor_is_refused() {
    let (mut net, delegations) = net();
    let mut feeds = MemoryFeeds::new();
    let mut twin = net.writers[0].clone();
    let _real_two = practice(&mut net, 0, 1);
    let three = practice(&mut net, 0, 2);
    let fake_two = twin
        .append(
            Body::Practice(sample_practice(Visibility::Members)),
            BASE_TIME_MS + 30_000,
        )
        .unwrap();
    assert!(feeds.ingest(delegations[0].clone(), &net.roster).is_ok());
    assert!(feeds.ingest(three, &net.roster).is_ok());
    assert_eq!(
        feeds.ingest(fake_two, &net.roster),
        Err(AgainstError::ConflictsWithNext { seq: 2 })
    );
}

#[test]
fn a_fork_becomes_a_proof_anyone_can_check_and_freezes_the_feed() {
    let (mut net, delegations) = net();
    let mut feeds = MemoryFeeds::new();
    let mut twin = net.writers[0].clone();
    let one = practice(&mut net, 0, 1);
    let other = twin
        .append(
            Body::Practice(sample_practice(Visibility::Members)),
            BASE_TIME_MS + 90_000,
        )
        .unwrap();
    assert!(feeds.ingest(delegations[0].clone(), &net.roster).is_ok());
    assert!(feeds.ingest(one.clone(), &net.roster).is_ok());
    assert_eq!(
        feeds.ingest(other.clone(), &net.roster),
        Ok(FeedOutcome::Fork { existing: one.id() })
    );
    let author = net.orgs[0].device.public();
    assert!(feeds.is_frozen(&author));

    let proof = feeds
        .fork_proofs()
        .next()
        .expect("the fork proof is kept")
        .clone();
    assert_eq!(proof.author(), author);
    let checked =
        ForkProof::decode(&proof.encode(), &net.network).expect("the proof stands on its own");
    assert_eq!(checked, proof);
    // Order does not matter when making it; the same fork gives the same bytes.
    assert_eq!(
        ForkProof::new(other.clone(), one.clone()).unwrap().encode(),
        proof.encode()
    );
    assert_eq!(
        ForkProof::new(one.clone(), one.clone()),
        Err(ForkProofError::SameRecord)
    );
    assert!(matches!(
        ForkProof::new(one, delegations[0].clone()),
        Err(ForkProofError::DifferentSeqs { .. })
    ));

    let next = practice(&mut net, 0, 3);
    assert_eq!(
        feeds.ingest(next, &net.roster),
        Err(AgainstError::FeedFrozen { author })
    );
    let elsewhere = practice(&mut net, 1, 3);
    assert!(feeds.ingest(delegations[1].clone(), &net.roster).is_ok());
    assert!(
        feeds.ingest(elsewhere, &net.roster).is_ok(),
        "only the equivocating feed is frozen"
    );
}

#[test]
fn an_org_retracts_its_own_records_even_before_holding_them() {
    let (mut net, delegations) = net();
    let mut feeds = MemoryFeeds::new();
    let study = practice(&mut net, 0, 1);
    let retraction = net.writers[0]
        .append(
            Body::Retraction(Retraction {
                target: study.id(),
                reason: String::new(),
            }),
            BASE_TIME_MS + 120_000,
        )
        .unwrap();
    assert!(feeds.ingest(delegations[0].clone(), &net.roster).is_ok());
    // The retraction arrives before its target (seq 2 is then the gap it reports).
    assert_eq!(
        feeds.ingest(retraction, &net.roster),
        Ok(FeedOutcome::Appended {
            missing: Some(SeqRange { first: 2, last: 2 })
        })
    );
    assert!(feeds.ingest(study, &net.roster).is_ok());
}

#[test]
fn a_kind_from_a_newer_version_is_stored_and_chains() {
    let (mut net, delegations) = net();
    let mut feeds = MemoryFeeds::new();
    let unknown = net.writers[0]
        .append(
            Body::Unknown {
                kind: 4242,
                bytes: vec![1, 2, 3],
            },
            BASE_TIME_MS + 60_000,
        )
        .unwrap();
    let after = practice(&mut net, 0, 2);
    assert!(feeds.ingest(delegations[0].clone(), &net.roster).is_ok());
    assert_eq!(
        feeds.ingest(unknown, &net.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    assert_eq!(
        feeds.ingest(after, &net.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
}

/// Known records behind a store that can be read only so far: past `readable` lookups,
/// every lookup fails.
struct FailingAfter {
    held: MemoryFeeds,
    readable: std::cell::Cell<usize>,
}

impl commons_protocol::KnownRecords for FailingAfter {
    type Error = &'static str;

    fn entry(
        &self,
        author: &commons_protocol::DeviceKey,
        seq: u64,
    ) -> Result<Option<commons_protocol::FeedEntry>, Self::Error> {
        self.spend()?;
        Ok(commons_protocol::KnownRecords::entry(&self.held, author, seq).unwrap())
    }

    fn contiguous_head(&self, author: &commons_protocol::DeviceKey) -> Result<u64, Self::Error> {
        self.spend()?;
        Ok(self.held.contiguous_head(author))
    }

    fn is_frozen(&self, author: &commons_protocol::DeviceKey) -> Result<bool, Self::Error> {
        self.spend()?;
        Ok(self.held.is_frozen(author))
    }

    fn author_of(
        &self,
        id: &commons_protocol::RecordId,
    ) -> Result<Option<commons_protocol::DeviceKey>, Self::Error> {
        self.spend()?;
        Ok(commons_protocol::KnownRecords::author_of(&self.held, id).unwrap())
    }
}

impl FailingAfter {
    fn spend(&self) -> Result<(), &'static str> {
        let left = self.readable.get();
        if left == 0 {
            return Err("the disk could not be read");
        }
        self.readable.set(left - 1);
        Ok(())
    }
}

#[test]
fn a_lookup_that_fails_stops_the_check_without_a_verdict() {
    use commons_protocol::{CheckError, check_against};
    let (mut net, delegations) = net();
    let mut held = MemoryFeeds::new();
    let appended = Ok(FeedOutcome::Appended { missing: None });
    assert_eq!(held.ingest(delegations[0].clone(), &net.roster), appended);
    let first = practice(&mut net, 0, 1);
    let second = practice(&mut net, 0, 2);
    assert_eq!(held.ingest(first, &net.roster), appended);
    // Whichever lookup fails, the answer is the failure, never a verdict made as if
    // nothing were held (which could call a fork a new record).
    let mut lookups_that_answer = 0;
    loop {
        let known = FailingAfter {
            held: held.clone(),
            readable: std::cell::Cell::new(lookups_that_answer),
        };
        match check_against(&second, &known, &net.roster) {
            Err(CheckError::Lookup(reason)) => assert_eq!(reason, "the disk could not be read"),
            answer => {
                // Every lookup answered: the same verdict as in memory.
                assert_eq!(
                    answer.map_err(|error| error.to_string()),
                    Ok(FeedOutcome::Appended { missing: None })
                );
                assert!(lookups_that_answer > 0);
                break;
            }
        }
        lookups_that_answer += 1;
        assert!(lookups_that_answer < 100, "the check keeps asking");
    }
}
