//! The points of docs/archive.md an independent verifier could not settle from the text
//! (issue 16), each pinned by the verdict the reference verifier gives: the order of a
//! feed's checks, a file cut inside its root hash, which entry decides AlteredRecord,
//! fork proofs and the roster (a feed forked at seq 1), tombstones naming what is not a
//! retraction or a retraction of another org, gaps declared exactly, and record items
//! that do not decode. The signature rule's vector is in `signatures.rs`.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

use commons_protocol::archive::{BundleWriter, EntryRef, TombstoneEntry};
use commons_protocol::fixtures::{
    BASE_TIME_MS, SampleOrg, delegated_feeds, sample_archive, sample_charter, sample_practice,
};
use commons_protocol::{
    ArchiveError, ArchiveReport, Body, BundleParts, DecodeError, ForkProof, Gap, Practice,
    RecordError, RedactionVote, Retraction, Revised, Revision, SignedCharter, VerifiedRecord,
    VerifyOptions, Visibility, parse_bundle, verify_bundle,
};

fn verify(bytes: &[u8]) -> Result<ArchiveReport, ArchiveError> {
    verify_bundle(bytes, VerifyOptions { threads: 2 })
}

/// Org 0's feed in the sample archive: delegation (1), public case study (2),
/// members-only case study (3), tombstone (4), retraction (5).
fn org0_feed(parts: &BundleParts<'_>) -> usize {
    parts
        .feeds
        .iter()
        .position(|feed| feed.entries.len() == 5)
        .unwrap()
}

/// `bytes` with the first occurrence of `text` inside the record at `entry` of org 0's
/// feed changed by one letter's case: still valid text, no longer what was signed.
fn alter_record(bytes: &[u8], entry: usize, text: &[u8]) -> Vec<u8> {
    let parts = parse_bundle(bytes).unwrap();
    let EntryRef::Record(signed) = parts.feeds[org0_feed(&parts)].entries[entry] else {
        panic!("entry {entry} of org 0's feed is a record");
    };
    let at = signed.windows(text.len()).position(|w| w == text).unwrap();
    let offset = signed.as_ptr() as usize - bytes.as_ptr() as usize + at;
    let mut tampered = bytes.to_vec();
    tampered[offset] ^= 0x20;
    tampered
}

/// Point 1: seq order is checked over the whole feed before any entry's own checks.
#[test]
fn a_record_moved_out_of_place_is_seq_order_not_a_gap() {
    let bytes = sample_archive(false);
    let mut parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    // 1, 2, 4, 3, 5: the record at seq 3 moved after the tombstone at seq 4.
    parts.feeds[feed].entries.swap(2, 3);
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::SeqOutOfOrder {
            seq: 3,
            previous: 4,
            ..
        })
    ));

    // A seq given twice.
    let mut parts = parse_bundle(&bytes).unwrap();
    let repeated = parts.feeds[feed].entries[1];
    parts.feeds[feed].entries.insert(2, repeated);
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::SeqOutOfOrder {
            seq: 2,
            previous: 2,
            ..
        })
    ));

    // Seq order comes before the signature of an entry earlier in the feed.
    let altered = alter_record(&bytes, 1, b"Mapping eviction risk");
    let mut parts = parse_bundle(&altered).unwrap();
    parts.feeds[feed].entries.swap(2, 3);
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::SeqOutOfOrder { seq: 3, .. })
    ));
}

/// Point 1: a feed whose first entry is above seq 1 has the gap 1..k−1; declared, the
/// missing delegation is what is named.
#[test]
fn a_feed_starting_above_seq_1_is_a_gap_then_a_missing_delegation() {
    let bytes = sample_archive(false);
    let mut parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    parts.feeds[feed].entries.remove(0);
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::UndeclaredGap {
            first: 1,
            last: 1,
            ..
        })
    ));
    parts.manifest.feeds[feed]
        .gaps
        .insert(0, Gap { first: 1, last: 1 });
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::FeedWithoutDelegation { .. })
    ));
}

/// Point 2: fewer than 32 bytes after `end` is Malformed at the root hash; more than 32
/// is TrailingBytes.
#[test]
fn a_file_cut_inside_its_root_hash_is_malformed_there() {
    let bytes = sample_archive(false);
    let root_starts = bytes.len() - 32;
    for cut in [1, 31, 32] {
        match verify(&bytes[..bytes.len() - cut]) {
            Err(ArchiveError::Malformed {
                offset,
                what: "root hash",
                error: DecodeError::UnexpectedEnd,
            }) => assert_eq!(offset, root_starts, "cut by {cut}"),
            other => panic!("cut by {cut}: expected Malformed at the root hash, got {other:?}"),
        }
    }
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0, 0]);
    assert_eq!(
        verify(&longer),
        Err(ArchiveError::TrailingBytes { count: 2 })
    );
}

/// Point 3: the entry right after the record in the file decides; a tombstone counts,
/// a withheld entry or the end of the feed does not.
#[test]
fn the_next_entry_in_the_file_decides_altered_or_bad_signature() {
    let full = sample_archive(false);
    // Seq 3, followed by the tombstone at seq 4, which links to it.
    assert!(matches!(
        verify(&alter_record(
            &full,
            2,
            b"Accompanying families to eviction hearings"
        )),
        Err(ArchiveError::AlteredRecord {
            seq: 3,
            next: 4,
            ..
        })
    ));
    // Seq 5, the feed's last entry: nothing shows it was altered.
    assert!(matches!(
        verify(&alter_record(&full, 4, b"It named a resident")),
        Err(ArchiveError::BadSignature { seq: 5, .. })
    ));
    // In the public-only archive seq 3 is withheld: seq 2 before it shows nothing either.
    let public = sample_archive(true);
    assert!(matches!(
        verify(&alter_record(&public, 1, b"Mapping eviction risk")),
        Err(ArchiveError::BadSignature { seq: 2, .. })
    ));
}

/// Signs `body` as the next record of `writer` at `minute` past the sample time.
fn signed(writer: &mut commons_protocol::FeedWriter, body: Body, minute: u64) -> VerifiedRecord {
    writer.append(body, BASE_TIME_MS + minute * 60_000).unwrap()
}

fn practice(title: &str) -> Body {
    Body::Practice(Practice {
        title: title.to_owned(),
        ..sample_practice(Visibility::Public)
    })
}

/// One entry of a feed to write.
enum Entry<'a> {
    Whole(&'a VerifiedRecord),
    Tombstone(&'a VerifiedRecord, &'a VerifiedRecord),
}

/// A bundle of `charter` with `feeds` (in any order) and `proofs`.
fn bundle(
    charter: &SignedCharter,
    mut feeds: Vec<Vec<Entry<'_>>>,
    proofs: &[ForkProof],
) -> Vec<u8> {
    let author = |entry: &Entry<'_>| match entry {
        Entry::Whole(record) | Entry::Tombstone(record, _) => record.record().author,
    };
    feeds.sort_by_key(|feed| author(&feed[0]));
    let mut out = Vec::new();
    let mut writer = BundleWriter::new(charter, false, &mut out);
    for feed in &feeds {
        writer.feed(author(&feed[0]), &mut out).unwrap();
        for entry in feed {
            match entry {
                Entry::Whole(record) => writer.record(record, &mut out).unwrap(),
                Entry::Tombstone(record, retraction) => {
                    let header = record.record();
                    writer
                        .tombstone(
                            &TombstoneEntry {
                                seq: header.seq,
                                id: record.id(),
                                prev: header.prev,
                                timestamp_ms: header.timestamp_ms,
                                retraction: retraction.id(),
                            },
                            &mut out,
                        )
                        .unwrap();
                }
            }
        }
    }
    for proof in proofs {
        writer.fork_proof(proof, &mut out).unwrap();
    }
    writer.finish(&mut out).unwrap();
    out
}

/// Point 4: a fork proof's records never feed the roster; a device forked at seq 1
/// (two different first records) has no delegation in effect, and its feed is still
/// carried, checked, and reported frozen at 1.
#[test]
fn a_feed_forked_at_seq_1_is_carried_and_reported_frozen_at_1() {
    let (charter, orgs) = sample_charter(2);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs, network);
    let mut twin = orgs[0].writer(network);
    let other_first = signed(
        &mut twin,
        Body::Delegation(commons_protocol::Delegation::sign(
            &orgs[0].root,
            network,
            orgs[0].id(),
            orgs[0].device.public(),
            "the same device, labelled again",
        )),
        0,
    );
    let proof = ForkProof::new(delegations[0].clone(), other_first).unwrap();
    let later = signed(&mut writers[0], practice("Rent strikes that held"), 1);
    let bytes = bundle(
        &charter,
        vec![
            vec![Entry::Whole(&delegations[0]), Entry::Whole(&later)],
            vec![Entry::Whole(&delegations[1])],
        ],
        std::slice::from_ref(&proof),
    );
    let report = verify(&bytes).unwrap();
    let forked = report
        .feeds
        .iter()
        .find(|feed| feed.author == orgs[0].device.public())
        .unwrap();
    assert_eq!(forked.forked_at, Some(1));
    assert_eq!(
        forked.org,
        orgs[0].id(),
        "the org its carried delegation names"
    );
    assert_eq!(forked.records, 2);

    // The fork proof of seq 1 is what exempts the feed: without it, a feed whose
    // delegation is not in effect is refused. Here org 1's device is delegated by
    // org 0's root, which the fold refuses.
    let mut stray = SampleOrg::new(1).writer(network);
    let wrong_root = signed(
        &mut stray,
        Body::Delegation(commons_protocol::Delegation::sign(
            &orgs[0].root,
            network,
            orgs[1].id(),
            orgs[1].device.public(),
            "signed by the wrong root",
        )),
        0,
    );
    assert!(matches!(
        verify(&bundle(
            &charter,
            vec![vec![Entry::Whole(&wrong_root)]],
            &[]
        )),
        Err(ArchiveError::DelegationNotApplied { .. }) | Err(ArchiveError::BadRootSignature { .. })
    ));
}

/// Point 5: a tombstone must name a Retraction carried whole; a retraction by another
/// org justifies nothing.
#[test]
fn a_tombstone_needs_a_retraction_of_its_own_org_carried_whole() {
    // The sample's tombstone made to name org 0's case study at seq 2 instead.
    let bytes = sample_archive(false);
    let mut parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    let EntryRef::Record(case_study) = parts.feeds[feed].entries[1] else {
        panic!("seq 2 is a record");
    };
    let case_study_id = commons_protocol::validate_record(
        case_study,
        &SignedCharter::decode(parts.charter)
            .unwrap()
            .charter()
            .network_id(),
    )
    .unwrap()
    .id();
    let EntryRef::Tombstone(mut tombstone) = parts.feeds[feed].entries[3] else {
        panic!("seq 4 is a tombstone");
    };
    tombstone.retraction = case_study_id;
    parts.feeds[feed].entries[3] = EntryRef::Tombstone(tombstone);
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::TombstoneWithoutRetraction { seq: 4, .. })
    ));

    // Org 1 "retracts" org 0's case study.
    let (charter, orgs) = sample_charter(2);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs, network);
    let theirs = signed(&mut writers[0], practice("Rent strikes that held"), 1);
    let foreign = signed(
        &mut writers[1],
        Body::Retraction(Retraction {
            target: theirs.id(),
            reason: "not ours to take back".to_owned(),
        }),
        2,
    );
    assert!(matches!(
        verify(&bundle(
            &charter,
            vec![
                vec![
                    Entry::Whole(&delegations[0]),
                    Entry::Tombstone(&theirs, &foreign)
                ],
                vec![Entry::Whole(&delegations[1]), Entry::Whole(&foreign)],
            ],
            &[],
        )),
        Err(ArchiveError::TombstoneByOtherOrg { seq: 2, .. })
    ));
}

/// Point 5: a record named by two retractions, its own org's and another org's, with
/// its content restored, is refused every time (the answer once depended on a hash
/// map's order).
#[test]
fn restored_content_is_refused_whichever_retraction_comes_first() {
    let (charter, orgs) = sample_charter(2);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs, network);
    let record = signed(&mut writers[0], practice("Naming the officials"), 1);
    let own = signed(
        &mut writers[0],
        Body::Retraction(Retraction {
            target: record.id(),
            reason: "It named a resident.".to_owned(),
        }),
        2,
    );
    let foreign = signed(
        &mut writers[1],
        Body::Retraction(Retraction {
            target: record.id(),
            reason: String::new(),
        }),
        3,
    );
    let bytes = bundle(
        &charter,
        vec![
            vec![
                Entry::Whole(&delegations[0]),
                Entry::Whole(&record),
                Entry::Whole(&own),
            ],
            vec![Entry::Whole(&delegations[1]), Entry::Whole(&foreign)],
        ],
        &[],
    );
    for _ in 0..32 {
        match verify(&bytes) {
            Err(ArchiveError::RetractedContentPresent {
                seq: 2, retraction, ..
            }) => assert_eq!(retraction, own.id()),
            other => panic!("expected RetractedContentPresent by its own org, got {other:?}"),
        }
    }
}

/// Point 5: a retraction of any version takes every version of the record back
/// (P§8). When a *sibling* revision was retracted, the sibling's tombstone no longer
/// says which record it revised, but the original is then a tombstone of the same
/// org too: a revision of it still carried whole is restored content.
#[test]
fn a_revision_of_an_original_taken_back_through_a_sibling_is_refused() {
    let (charter, orgs) = sample_charter(1);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs, network);
    let revision = |original: &VerifiedRecord, title: &str| {
        let Body::Practice(study) = practice(title) else {
            unreachable!("practice() builds a case study")
        };
        Body::Revision(Revision {
            original: original.id(),
            content: Revised::Practice(study),
        })
    };
    let original = signed(&mut writers[0], practice("Naming the officials"), 1);
    let sibling = signed(&mut writers[0], revision(&original, "Naming the office"), 2);
    let kept_back = signed(&mut writers[0], revision(&original, "Naming the unit"), 3);
    let retraction = signed(
        &mut writers[0],
        Body::Retraction(Retraction {
            target: sibling.id(),
            reason: "It still named a resident.".to_owned(),
        }),
        4,
    );
    let with_third = |third| {
        bundle(
            &charter,
            vec![vec![
                Entry::Whole(&delegations[0]),
                Entry::Tombstone(&original, &retraction),
                Entry::Tombstone(&sibling, &retraction),
                third,
                Entry::Whole(&retraction),
            ]],
            &[],
        )
    };
    match verify(&with_third(Entry::Whole(&kept_back))) {
        Err(ArchiveError::RetractedContentPresent {
            seq: 4,
            retraction: named,
            ..
        }) => assert_eq!(named, retraction.id()),
        other => panic!("expected RetractedContentPresent at seq 4, got {other:?}"),
    }
    // What a node writes: every version dropped, two of them on another's retraction.
    let report = verify(&with_third(Entry::Tombstone(&kept_back, &retraction))).unwrap();
    assert_eq!(report.tombstones_by_another_version, 2);
}

/// Point 6: gaps are declared exactly: a wider or split declaration does not cover a
/// real gap, and a declared run with nothing missing is refused.
#[test]
fn gaps_are_declared_exactly() {
    let bytes = sample_archive(false);
    let mut parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    // Seqs 2 and 3 removed: the real gap is 2-3.
    parts.feeds[feed].entries.drain(1..3);
    for declared in [
        vec![Gap { first: 2, last: 4 }],
        vec![Gap { first: 2, last: 2 }, Gap { first: 3, last: 3 }],
    ] {
        parts.manifest.feeds[feed].gaps = declared.clone();
        assert!(
            matches!(
                verify(&parts.encode()),
                Err(ArchiveError::UndeclaredGap {
                    first: 2,
                    last: 3,
                    ..
                })
            ),
            "{declared:?} does not declare 2-3"
        );
    }
    let mut parts = parse_bundle(&bytes).unwrap();
    parts.manifest.feeds[feed]
        .gaps
        .push(Gap { first: 9, last: 9 });
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::ManifestFeed { field: "gaps", .. })
    ));
}

/// Point 7: a record item whose bytes do not decode is refused before any root hash.
#[test]
fn a_record_item_that_does_not_decode_is_refused_first() {
    let bytes = sample_archive(false);
    let parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    let EntryRef::Record(signed) = parts.feeds[feed].entries[1] else {
        panic!("seq 2 is a record");
    };
    let one_more = [signed, &[0u8][..]].concat();
    for (what, item) in [
        ("a lone byte", &[0u8][..]),
        ("a trailing byte", &one_more[..]),
    ] {
        let mut tampered = parts.clone();
        tampered.feeds[feed].entries[1] = EntryRef::Record(item);
        match verify(&tampered.encode()) {
            Err(ArchiveError::InvalidRecord {
                entry: 2,
                error: RecordError::Envelope(_),
                ..
            }) => {}
            other => panic!("{what}: expected InvalidRecord (Envelope), got {other:?}"),
        }
    }
}

/// A redaction by vote (protocol §10.7): the tombstone names the vote that reached the
/// threshold in the archive's own fold; an earlier vote, or a vote short of the
/// threshold, justifies nothing; and the content of a redacted record is refused.
#[test]
fn a_tombstone_may_name_the_vote_that_decided_a_redaction() {
    let (charter, orgs) = sample_charter(3);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs, network);
    let record = signed(
        &mut writers[0],
        practice("Names in the hearing transcript"),
        1,
    );
    let vote = |writer: &mut commons_protocol::FeedWriter, minute| {
        signed(
            writer,
            Body::RedactionVote(RedactionVote {
                target: record.id(),
                target_author: record.record().author,
                reason: "It names a witness who is now in hiding.".to_owned(),
            }),
            minute,
        )
    };
    let first = vote(&mut writers[1], 2);
    let second = vote(&mut writers[2], 3);
    let archive = |entry: Entry<'_>, with_second: bool| {
        let mut third = vec![Entry::Whole(&delegations[2])];
        if with_second {
            third.push(Entry::Whole(&second));
        }
        bundle(
            &charter,
            vec![
                vec![Entry::Whole(&delegations[0]), entry],
                vec![Entry::Whole(&delegations[1]), Entry::Whole(&first)],
                third,
            ],
            &[],
        )
    };
    // Two thirds of the two other members: both votes. The second decided it.
    let report = verify(&archive(Entry::Tombstone(&record, &second), true)).unwrap();
    assert_eq!(report.tombstones, 1);
    assert!(matches!(
        verify(&archive(Entry::Tombstone(&record, &first), true)),
        Err(ArchiveError::TombstoneWithoutRetraction { seq: 2, .. })
    ));
    // One vote of the two needed: no redaction, so no tombstone.
    assert!(matches!(
        verify(&archive(Entry::Tombstone(&record, &first), false)),
        Err(ArchiveError::TombstoneWithoutRetraction { seq: 2, .. })
    ));
    // The votes are there, and so is the content.
    match verify(&archive(Entry::Whole(&record), true)) {
        Err(ArchiveError::RetractedContentPresent {
            seq: 2, retraction, ..
        }) => assert_eq!(retraction, second.id()),
        other => panic!("expected RetractedContentPresent, got {other:?}"),
    }
    // Short of the threshold, the content stays.
    verify(&archive(Entry::Whole(&record), false)).unwrap();
}
