//! The archive bundle: its golden vector, what the verifier reports of the sample
//! archive, a distinct rejection for each kind of tampering, and properties: re-encoding
//! gives the same bytes, any single-byte change is refused (or, never, accepted as a
//! different archive), any truncation is refused.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

mod common;

use std::path::PathBuf;

use common::{hex, unhex};
use commons_protocol::archive::EntryRef;
use commons_protocol::fixtures::{sample_archive, sample_archive_records};
use commons_protocol::{ArchiveError, Gap, VerifyOptions, parse_bundle, verify_bundle};
use proptest::prelude::*;

fn verify(bytes: &[u8]) -> Result<commons_protocol::ArchiveReport, ArchiveError> {
    verify_bundle(bytes, VerifyOptions { threads: 2 })
}

#[test]
fn golden_vector_of_the_sample_archive() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/archive.hex");
    let bytes = sample_archive(false);
    if std::env::var_os("COMMONS_BLESS_VECTORS").is_some() {
        std::fs::write(&path, format!("{}\n", hex(&bytes))).unwrap();
    }
    let stored = unhex(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(hex(&stored), hex(&bytes), "the archive format changed");
    let report = verify(&stored).unwrap();
    // The root hash is the last 32 bytes.
    assert_eq!(report.root.as_slice(), &stored[stored.len() - 32..]);
}

#[test]
fn the_sample_archive_verifies_with_its_completeness() {
    let sample = sample_archive_records();
    let report = verify(&sample_archive(false)).unwrap();
    assert_eq!(report.network, sample.charter.charter().network_id());
    assert_eq!(report.network_name, "Commons sample network");
    assert!(!report.public_only);
    assert_eq!(
        (
            report.records,
            report.tombstones,
            report.withheld,
            report.fork_proofs
        ),
        (8, 1, 0, 1)
    );
    assert_eq!(report.members.len(), 3);
    let gaps: Vec<Vec<Gap>> = report.feeds.iter().map(|feed| feed.gaps.clone()).collect();
    assert!(
        gaps.contains(&vec![Gap { first: 2, last: 2 }]),
        "org 2's missing profile is a declared gap: {gaps:?}"
    );
    let first_org = sample
        .feeds
        .iter()
        .position(|feed| feed.len() == 4)
        .unwrap();
    let feed = &report.feeds[first_org];
    assert_eq!((feed.max_seq, feed.records, feed.tombstones), (5, 4, 1));
    assert_eq!(feed.forked_at, Some(2));
}

#[test]
fn two_writes_of_one_record_set_are_identical_and_reencode_identically() {
    let bytes = sample_archive(false);
    assert_eq!(bytes, sample_archive(false));
    assert_eq!(parse_bundle(&bytes).unwrap().encode(), bytes);
    let public = sample_archive(true);
    assert_eq!(parse_bundle(&public).unwrap().encode(), public);
}

#[test]
fn a_public_only_archive_withholds_members_records_and_still_verifies() {
    let report = verify(&sample_archive(true)).unwrap();
    assert!(report.public_only);
    // Org 0's members-only case study and org 1's campaign.
    assert_eq!((report.records, report.withheld), (6, 2));
    let parts_bytes = sample_archive(true);
    let parts = parse_bundle(&parts_bytes).unwrap();
    let withheld = parts
        .feeds
        .iter()
        .flat_map(|feed| &feed.entries)
        .filter(|entry| matches!(entry, EntryRef::Withheld { .. }))
        .count();
    assert_eq!(withheld, 2);
}

/// Org 0's feed: delegation, case study, members-only case study, tombstone, retraction.
fn org0_feed(parts: &commons_protocol::BundleParts<'_>) -> usize {
    parts
        .feeds
        .iter()
        .position(|feed| feed.entries.len() == 5)
        .unwrap()
}

#[test]
fn a_flipped_byte_inside_a_record_is_an_altered_record() {
    let bytes = sample_archive(false);
    let parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    let EntryRef::Record(signed) = parts.feeds[feed].entries[1] else {
        panic!("seq 2 is a record");
    };
    let title = b"Mapping eviction risk";
    let in_record = signed
        .windows(title.len())
        .position(|w| w == title)
        .unwrap();
    let offset = signed.as_ptr() as usize - bytes.as_ptr() as usize + in_record;
    let mut tampered = bytes.clone();
    tampered[offset] ^= 0x20; // 'M' becomes 'm': still valid text.
    match verify(&tampered) {
        Err(ArchiveError::AlteredRecord {
            seq: 2, next: 3, ..
        }) => {}
        other => panic!("expected AlteredRecord at seq 2, got {other:?}"),
    }
}

#[test]
fn a_record_removed_from_the_middle_of_a_feed_is_an_undeclared_gap() {
    let bytes = sample_archive(false);
    let mut parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    parts.feeds[feed].entries.remove(2);
    // Even with a recomputed root hash (the tamperer's best effort).
    let tampered = parts.encode();
    match verify(&tampered) {
        Err(ArchiveError::UndeclaredGap {
            first: 3, last: 3, ..
        }) => {}
        other => panic!("expected UndeclaredGap 3-3, got {other:?}"),
    }
}

#[test]
fn a_swapped_signature_is_a_bad_signature() {
    let bytes = sample_archive(false);
    let parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    let (EntryRef::Record(a), EntryRef::Record(b)) =
        (parts.feeds[feed].entries[1], parts.feeds[feed].entries[2])
    else {
        panic!("seqs 2 and 3 are records");
    };
    let offset =
        |slice: &[u8]| slice.as_ptr() as usize - bytes.as_ptr() as usize + slice.len() - 64;
    let (at_a, at_b) = (offset(a), offset(b));
    let mut tampered = bytes.clone();
    for i in 0..64 {
        tampered.swap(at_a + i, at_b + i);
    }
    match verify(&tampered) {
        Err(ArchiveError::BadSignature { seq: 2, .. }) => {}
        other => panic!("expected BadSignature at seq 2, got {other:?}"),
    }
}

#[test]
fn an_edited_manifest_is_refused_even_with_a_fresh_root_hash() {
    let bytes = sample_archive(false);
    let mut parts = parse_bundle(&bytes).unwrap();
    parts.manifest.records += 1;
    match verify(&parts.encode()) {
        Err(ArchiveError::ManifestTotal {
            field: "records",
            declared: 9,
            found: 8,
        }) => {}
        other => panic!("expected ManifestTotal, got {other:?}"),
    }
    let mut parts = parse_bundle(&bytes).unwrap();
    parts.manifest.feeds[0].gaps.push(Gap { first: 9, last: 9 });
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::ManifestFeed { field: "gaps", .. })
    ));
}

#[test]
fn a_root_hash_that_does_not_match_is_refused() {
    let mut bytes = sample_archive(false);
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    assert!(matches!(
        verify(&bytes),
        Err(ArchiveError::RootHashMismatch { .. })
    ));
}

#[test]
fn restored_content_of_a_retracted_record_is_refused() {
    let sample = sample_archive_records();
    let bytes = sample_archive(false);
    let mut parts = parse_bundle(&bytes).unwrap();
    let feed = org0_feed(&parts);
    let retracted = sample.retracted.0.signed_bytes().to_vec();
    parts.feeds[feed].entries[3] = EntryRef::Record(&retracted);
    let mut manifest_feed = parts.manifest.feeds[feed].clone();
    manifest_feed.records += 1;
    manifest_feed.tombstones -= 1;
    parts.manifest.feeds[feed] = manifest_feed;
    match verify(&parts.encode()) {
        Err(ArchiveError::RetractedContentPresent { seq: 4, .. }) => {}
        other => panic!("expected RetractedContentPresent, got {other:?}"),
    }
}

#[test]
fn feeds_out_of_order_and_trailing_bytes_are_refused() {
    let bytes = sample_archive(false);
    let mut parts = parse_bundle(&bytes).unwrap();
    parts.feeds.swap(0, 1);
    assert!(matches!(
        verify(&parts.encode()),
        Err(ArchiveError::FeedsOutOfOrder { .. })
    ));
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        verify(&longer),
        Err(ArchiveError::TrailingBytes { count: 1 })
    );
    assert_eq!(verify(b"hello"), Err(ArchiveError::NotAnArchive));
}

#[test]
fn one_thread_and_many_agree() {
    let bytes = sample_archive(false);
    let one = verify_bundle(&bytes, VerifyOptions { threads: 1 }).unwrap();
    let four = verify_bundle(&bytes, VerifyOptions { threads: 4 }).unwrap();
    assert_eq!(one, four);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A single changed byte anywhere is refused: every byte is covered by a signature,
    /// a chain link, a manifest check or the root hash.
    #[test]
    fn any_single_byte_change_is_refused(index in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let mut bytes = sample_archive(false);
        let at = index.index(bytes.len());
        bytes[at] ^= flip;
        prop_assert!(verify(&bytes).is_err(), "byte {} ^ {:#x} accepted", at, flip);
    }

    /// Every truncation is refused, never a panic.
    #[test]
    fn any_truncation_is_refused(index in any::<prop::sample::Index>()) {
        let bytes = sample_archive(true);
        let cut = index.index(bytes.len());
        prop_assert!(verify(&bytes[..cut]).is_err());
    }

    /// Arbitrary bytes after the magic never panic the verifier.
    #[test]
    fn arbitrary_bytes_never_panic(tail in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = commons_protocol::ARCHIVE_MAGIC.to_vec();
        bytes.push(1);
        bytes.extend_from_slice(&tail);
        let _ = verify(&bytes);
    }
}

// ---------------------------------------------------------------------------------
// Attachments (format version 2)

#[test]
fn golden_vector_of_the_sample_archive_with_attachments() {
    use commons_protocol::fixtures::sample_archive_with_attachments;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/archive-with-attachments.hex");
    let bytes = sample_archive_with_attachments();
    if std::env::var_os("COMMONS_BLESS_VECTORS").is_some() {
        std::fs::write(&path, format!("{}\n", hex(&bytes))).unwrap();
    }
    let stored = unhex(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(hex(&stored), hex(&bytes), "the archive format changed");
    assert_eq!(
        stored[16], 2,
        "a bundle with attachments is format version 2"
    );
    let report = verify(&stored).unwrap();
    assert_eq!(
        (
            report.attachments,
            report.attachment_bytes,
            report.attachments_absent
        ),
        (1, 1000, 0)
    );
    assert_eq!(report.root.as_slice(), &stored[stored.len() - 32..]);
    // Parsing and re-encoding gives the same bytes.
    assert_eq!(parse_bundle(&stored).unwrap().encode(), stored);
}

#[test]
fn a_changed_attachment_byte_is_caught_and_named() {
    use commons_protocol::fixtures::{sample_archive_file, sample_archive_with_attachments};
    let bytes = sample_archive_with_attachments();
    let file = sample_archive_file();
    // The file's bytes sit just before the manifest: find them and change one.
    let at = bytes
        .windows(file.len())
        .position(|window| window == file.as_slice())
        .unwrap();
    let mut tampered = bytes.clone();
    tampered[at + 500] ^= 0x01;
    assert!(matches!(
        verify(&tampered),
        Err(ArchiveError::AttachmentMismatch { .. })
    ));
    // Even with the root hash made again, the file does not match its id.
    let mut parts = parse_bundle(&tampered).unwrap();
    parts.with_attachments = true;
    let rewritten = parts.encode();
    assert!(matches!(
        verify(&rewritten),
        Err(ArchiveError::AttachmentMismatch { .. })
    ));
}

#[test]
fn attachments_must_be_named_ordered_and_in_a_version_2_bundle() {
    use commons_protocol::blob::chunk_list_of;
    use commons_protocol::fixtures::sample_archive_with_attachments;
    let bytes = sample_archive_with_attachments();
    let parts = parse_bundle(&bytes).unwrap();

    // A file no record names.
    let stray: Vec<u8> = (0..100u8).collect();
    let stray_id = chunk_list_of(&stray).unwrap().root();
    let mut with_stray = parts.clone();
    with_stray.attachments.push((stray_id, &stray));
    with_stray.attachments.sort_by_key(|(blob, _)| *blob);
    assert!(matches!(
        verify(&with_stray.encode()),
        Err(ArchiveError::UnreferencedAttachment { blob }) if blob == stray_id
    ));

    // Twice, or out of order.
    let mut twice = parts.clone();
    twice.attachments.push(twice.attachments[0]);
    assert!(matches!(
        verify(&twice.encode()),
        Err(ArchiveError::AttachmentsOutOfOrder { .. })
    ));

    // In a bundle that says it is version 1.
    let mut version_1 = parts.clone();
    version_1.with_attachments = false;
    assert!(matches!(
        verify(&version_1.encode()),
        Err(ArchiveError::AttachmentInVersion1 { .. })
    ));

    // Left out: the bundle still verifies, and says a named file is absent.
    let mut without = parts.clone();
    without.attachments.clear();
    let report = verify(&without.encode()).unwrap();
    assert_eq!((report.attachments, report.attachments_absent), (0, 1));

    // Version 1 bundles are unchanged.
    let old = sample_archive(false);
    assert_eq!(old[16], 1);
    assert_eq!(verify(&old).unwrap().attachments, 0);
}
