//! Malformed and hostile inputs, each with the exact error it must produce. Stateless
//! rows go through `validate_record`; stateful rows through `validate_against` with a
//! real roster and feed set. Nothing here may panic, and nothing refused is kept.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

mod common;

use common::{RawPayload, bytes, sign_raw, varint};
use commons_protocol::fixtures::{BASE_TIME_MS, SampleOrg, sample_charter, sample_practice};
use commons_protocol::{
    AgainstError, Alert, AuthorKeyCache, Body, BodyKind, DecodeError, Delegation, DeviceKeypair,
    FeedOutcome, KeyError, MAX_PAYLOAD_BYTES, MAX_SIGNED_RECORD_BYTES, MemoryFeeds, NetworkId,
    Practice, Record, RecordError, Retraction, Revocation, RootKeypair, Roster, Severity,
    VerifiedRecord, Visibility, Vote, VoteChoice, validate_record,
};

struct Setup {
    network: NetworkId,
    orgs: Vec<SampleOrg>,
    roster: Roster,
    feeds: MemoryFeeds,
    /// The first org's delegation (seq 1) and a case study (seq 2).
    delegation: VerifiedRecord,
    practice: VerifiedRecord,
}

fn setup() -> Setup {
    let (charter, orgs) = sample_charter(3);
    let network = charter.charter().network_id();
    let mut writer = orgs[0].writer(network);
    let delegation = writer
        .append(orgs[0].delegation(network), BASE_TIME_MS)
        .unwrap();
    let practice = writer
        .append(
            Body::Practice(sample_practice(Visibility::Public)),
            BASE_TIME_MS + 1,
        )
        .unwrap();
    let mut feeds = MemoryFeeds::new();
    let roster = Roster::fold(charter.charter(), [&delegation], []);
    assert_eq!(
        feeds.ingest(delegation.clone(), &roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    assert_eq!(
        feeds.ingest(practice.clone(), &roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    Setup {
        network,
        orgs,
        roster,
        feeds,
        delegation,
        practice,
    }
}

fn practice_body() -> Vec<u8> {
    Body::Practice(sample_practice(Visibility::Public)).encode()
}

/// A seq-2 payload of the first org's feed with `body` of wire kind `kind`.
fn payload(s: &Setup, kind: u32, body: Vec<u8>) -> RawPayload {
    RawPayload::new(
        s.network,
        *s.orgs[0].device.public().as_bytes(),
        2,
        Some(s.delegation.id()),
        kind,
        body,
    )
}

fn signed(s: &Setup, raw: &RawPayload) -> Vec<u8> {
    sign_raw(&s.orgs[0].device, &raw.encode())
}

#[test]
#[allow(clippy::vec_init_then_push)] // One row per block reads as a table.
fn stateless_hostile_inputs_give_their_errors() {
    let s = setup();
    let good = s.practice.signed_bytes().to_vec();
    let practice_kind = BodyKind::Practice.code();
    let weak_key = {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        identity
    };

    let mut rows: Vec<(&str, Vec<u8>, RecordError)> = Vec::new();
    rows.push((
        "empty input",
        Vec::new(),
        RecordError::Envelope(DecodeError::UnexpectedEnd),
    ));
    rows.push((
        "truncated in the middle",
        good[..good.len() / 2].to_vec(),
        RecordError::Envelope(DecodeError::UnexpectedEnd),
    ));
    rows.push((
        "truncated signature",
        good[..good.len() - 1].to_vec(),
        RecordError::Envelope(DecodeError::UnexpectedEnd),
    ));
    rows.push((
        "one trailing byte",
        [good.as_slice(), &[0]].concat(),
        RecordError::Envelope(DecodeError::TrailingBytes { count: 1 }),
    ));
    {
        // The payload length written as an over-long varint: one extra 0x80/0x00 pair.
        let payload = s.practice.payload_bytes();
        let mut prefix = varint(payload.len() as u64);
        *prefix.last_mut().unwrap() |= 0x80;
        prefix.push(0);
        let bytes = [
            prefix.as_slice(),
            payload,
            s.practice.signature().as_bytes(),
        ]
        .concat();
        rows.push((
            "over-long varint in the envelope",
            bytes,
            RecordError::Envelope(DecodeError::NonCanonical),
        ));
    }
    {
        let mut raw = payload(&s, practice_kind, practice_body());
        raw.seq = vec![0x82, 0x00];
        rows.push((
            "over-long varint for seq",
            signed(&s, &raw),
            RecordError::Payload(DecodeError::NonCanonical),
        ));
    }
    rows.push((
        "4 GiB length prefix on the payload",
        [varint(4 << 30).as_slice(), &[1, 2, 3]].concat(),
        RecordError::Envelope(DecodeError::UnexpectedEnd),
    ));
    {
        let body = [varint(4 << 30).as_slice(), b"x"].concat();
        rows.push((
            "4 GiB length prefix on a body text",
            signed(&s, &payload(&s, practice_kind, body)),
            RecordError::Body {
                kind: BodyKind::Practice,
                error: DecodeError::UnexpectedEnd,
            },
        ));
    }
    {
        // A list claiming 2^32 themes inside a case study.
        let mut body = Vec::new();
        for text in ["t", "s", "b"] {
            body.extend(bytes(text.as_bytes()));
        }
        body.extend(varint(1 << 32));
        rows.push((
            "4 G list items claimed",
            signed(&s, &payload(&s, practice_kind, body)),
            RecordError::Body {
                kind: BodyKind::Practice,
                error: DecodeError::UnexpectedEnd,
            },
        ));
    }
    rows.push((
        "larger than any record",
        vec![0; MAX_SIGNED_RECORD_BYTES + 1],
        RecordError::TooLarge {
            len: MAX_SIGNED_RECORD_BYTES + 1,
            max: MAX_SIGNED_RECORD_BYTES,
        },
    ));
    {
        let other = NetworkId::of(b"another network");
        let mut raw = payload(&s, practice_kind, practice_body());
        raw.network = other;
        rows.push((
            "the wrong network",
            signed(&s, &raw),
            RecordError::WrongNetwork {
                expected: s.network,
                found: other,
            },
        ));
    }
    {
        let mut bytes = good.clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        rows.push(("a flipped signature bit", bytes, RecordError::BadSignature));
    }
    {
        let mut bytes = good.clone();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
        rows.push((
            "a flipped byte in the body text",
            bytes,
            RecordError::BadSignature,
        ));
    }
    {
        let other = DeviceKeypair::from_seed([0x77; 32]);
        let bytes = sign_raw(
            &other,
            &payload(&s, practice_kind, practice_body()).encode(),
        );
        rows.push(("signed by another device", bytes, RecordError::BadSignature));
    }
    {
        let mut raw = payload(&s, practice_kind, practice_body());
        raw.seq = varint(0);
        rows.push(("seq 0", signed(&s, &raw), RecordError::SeqZero));
    }
    {
        let mut raw = payload(&s, practice_kind, practice_body());
        raw.seq = varint(1);
        rows.push((
            "a first record naming a previous one",
            signed(&s, &raw),
            RecordError::PrevOnFirst,
        ));
    }
    {
        let mut raw = payload(&s, practice_kind, practice_body());
        raw.prev = vec![0];
        rows.push((
            "seq 2 without prev",
            signed(&s, &raw),
            RecordError::MissingPrev { seq: 2 },
        ));
    }
    {
        let mut raw = payload(&s, practice_kind, practice_body());
        raw.prev = vec![2];
        rows.push((
            "an option tag of 2",
            signed(&s, &raw),
            RecordError::Payload(DecodeError::BadOption),
        ));
    }
    {
        let mut raw = payload(&s, practice_kind, practice_body());
        raw.version = 2;
        rows.push((
            "a future version",
            signed(&s, &raw),
            RecordError::UnsupportedVersion { version: 2 },
        ));
    }
    {
        let mut body = practice_body();
        *body.last_mut().unwrap() = 7;
        rows.push((
            "an undefined visibility",
            signed(&s, &payload(&s, practice_kind, body)),
            RecordError::Body {
                kind: BodyKind::Practice,
                error: DecodeError::BadEnum,
            },
        ));
    }
    {
        let mut body = practice_body();
        body[1] = 0xff;
        rows.push((
            "a title that is not UTF-8",
            signed(&s, &payload(&s, practice_kind, body)),
            RecordError::Body {
                kind: BodyKind::Practice,
                error: DecodeError::BadUtf8,
            },
        ));
    }
    {
        let body = [practice_body().as_slice(), &[0, 0]].concat();
        rows.push((
            "trailing bytes inside the body",
            signed(&s, &payload(&s, practice_kind, body)),
            RecordError::Body {
                kind: BodyKind::Practice,
                error: DecodeError::TrailingBytes { count: 2 },
            },
        ));
    }
    {
        let raw = RawPayload::new(
            s.network,
            weak_key,
            2,
            Some(s.delegation.id()),
            practice_kind,
            practice_body(),
        );
        let bytes = sign_raw(&s.orgs[0].device, &raw.encode());
        rows.push((
            "a weak author key",
            bytes,
            RecordError::AuthorKey(KeyError::Weak),
        ));
    }
    {
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        let raw = RawPayload::new(
            s.network,
            off_curve,
            2,
            Some(s.delegation.id()),
            practice_kind,
            practice_body(),
        );
        let bytes = sign_raw(&s.orgs[0].device, &raw.encode());
        rows.push((
            "an author key off the curve",
            bytes,
            RecordError::AuthorKey(KeyError::NotAPoint),
        ));
    }
    {
        let vote = Body::Vote(Vote {
            subject: s.orgs[1].id(),
            choice: VoteChoice::Admit,
        })
        .encode();
        let mut raw = payload(&s, BodyKind::Vote.code(), vote);
        raw.body[..32].copy_from_slice(&weak_key);
        rows.push((
            "a weak key as a vote's subject",
            signed(&s, &raw),
            RecordError::BodyKey {
                field: "subject",
                error: KeyError::Weak,
            },
        ));
    }
    {
        let mut raw = payload(&s, practice_kind, practice_body());
        raw.seq = varint(1);
        raw.prev = vec![0];
        rows.push((
            "a feed that opens with a case study",
            signed(&s, &raw),
            RecordError::FirstNotDelegation {
                kind: Some(BodyKind::Practice),
            },
        ));
    }
    {
        let body = s.orgs[0].delegation(s.network).encode();
        rows.push((
            "a delegation at seq 2",
            signed(&s, &payload(&s, BodyKind::Delegation.code(), body)),
            RecordError::DelegationNotFirst { seq: 2 },
        ));
    }
    {
        let stranger = DeviceKeypair::from_seed([0x55; 32]).public();
        let body = Body::Delegation(Delegation::sign(
            &s.orgs[0].root,
            s.network,
            s.orgs[0].id(),
            stranger,
            "x",
        ))
        .encode();
        let mut raw = payload(&s, BodyKind::Delegation.code(), body);
        raw.seq = varint(1);
        raw.prev = vec![0];
        rows.push((
            "a delegation of another device",
            signed(&s, &raw),
            RecordError::DelegationOfOtherDevice {
                delegated: stranger,
                author: s.orgs[0].device.public(),
            },
        ));
    }
    {
        // A delegation the root signed for another network, replayed here.
        let elsewhere = NetworkId::of(b"elsewhere");
        let body = Body::Delegation(Delegation::sign(
            &s.orgs[0].root,
            elsewhere,
            s.orgs[0].id(),
            s.orgs[0].device.public(),
            "office server",
        ))
        .encode();
        let mut raw = payload(&s, BodyKind::Delegation.code(), body);
        raw.seq = varint(1);
        raw.prev = vec![0];
        rows.push((
            "a delegation replayed from another network",
            signed(&s, &raw),
            RecordError::BadRootSignature {
                kind: BodyKind::Delegation,
            },
        ));
    }
    {
        let mut practice = sample_practice(Visibility::Public);
        practice.title = "   ".to_owned();
        rows.push((
            "a case study with a blank title",
            signed(
                &s,
                &payload(&s, practice_kind, Body::Practice(practice).encode()),
            ),
            RecordError::EmptyField {
                kind: BodyKind::Practice,
                field: "title",
            },
        ));
    }
    {
        let attachment = commons_protocol::fixtures::sample_attachment();
        let with_file = |change: &dyn Fn(&mut commons_protocol::Attachment)| {
            let mut practice = sample_practice(Visibility::Public);
            let mut file = attachment.clone();
            change(&mut file);
            practice.attachments.push(file);
            Body::Practice(practice)
        };
        let refused = |name: &str, problem: &'static str| RecordError::Attachment {
            name: name.to_owned(),
            problem,
        };
        let path_name = with_file(&|file| file.name = "../../.ssh/authorized_keys".into());
        rows.push((
            "an attachment whose file name is a path",
            signed(
                &s,
                &payload(&s, BodyKind::PRACTICE_WITH_ATTACHMENTS, path_name.encode()),
            ),
            refused(
                "../../.ssh/authorized_keys",
                "the file name is empty, too long, or contains a path or control characters",
            ),
        ));
        let html_type = with_file(&|file| file.media_type = "text/html; charset=utf-8".into());
        rows.push((
            "an attachment whose media type carries parameters",
            signed(
                &s,
                &payload(&s, BodyKind::PRACTICE_WITH_ATTACHMENTS, html_type.encode()),
            ),
            refused(
                "survey-form.pdf",
                "the media type is not of the form type/subtype in lowercase",
            ),
        ));
        let huge = with_file(&|file| file.size = u64::MAX);
        rows.push((
            "an attachment claiming more than the protocol's largest file",
            signed(
                &s,
                &payload(&s, BodyKind::PRACTICE_WITH_ATTACHMENTS, huge.encode()),
            ),
            refused(
                "survey-form.pdf",
                "the size is 0 or more than the protocol's 1 GiB limit",
            ),
        ));
        let mut twice = sample_practice(Visibility::Public);
        twice.attachments = vec![attachment.clone(), attachment.clone()];
        rows.push((
            "the same file attached twice",
            signed(
                &s,
                &payload(
                    &s,
                    BodyKind::PRACTICE_WITH_ATTACHMENTS,
                    Body::Practice(twice).encode(),
                ),
            ),
            refused(
                "survey-form.pdf",
                "the same file or file name is attached twice",
            ),
        ));
        // Kind 14 with no attachments: a second encoding of a kind-5 case study.
        // The kind-5 layout followed by an empty list (a count of 0).
        let mut bare = Body::Practice(sample_practice(Visibility::Public)).encode();
        bare.push(0);
        rows.push((
            "a case study without files sent as kind 14",
            signed(&s, &payload(&s, BodyKind::PRACTICE_WITH_ATTACHMENTS, bare)),
            RecordError::Body {
                kind: BodyKind::Practice,
                error: DecodeError::NonCanonical,
            },
        ));
        let mut blank = sample_practice(Visibility::Public);
        blank.title = " ".into();
        let revision = Body::Revision(commons_protocol::Revision {
            original: s.practice.id(),
            content: commons_protocol::Revised::Practice(blank),
        });
        rows.push((
            "a revision whose new version has a blank title",
            signed(
                &s,
                &payload(&s, BodyKind::Revision.code(), revision.encode()),
            ),
            RecordError::EmptyField {
                kind: BodyKind::Practice,
                field: "title",
            },
        ));
    }
    {
        let raw = payload(&s, practice_kind, practice_body());
        let alert = Body::Alert(Alert {
            severity: Severity::Critical,
            region: "x".into(),
            title: "x".into(),
            body: String::new(),
            action_requested: String::new(),
            expires_at_ms: raw.timestamp_ms,
        });
        let raw = payload(&s, BodyKind::Alert.code(), alert.encode());
        rows.push((
            "an alert that expires as it is issued",
            signed(&s, &raw),
            RecordError::AlertExpiresBeforeIssued {
                expires_at_ms: raw.timestamp_ms,
                timestamp_ms: raw.timestamp_ms,
            },
        ));
    }
    {
        let revocation = Body::Revocation(Revocation::sign(
            &s.orgs[0].root,
            s.network,
            s.orgs[0].id(),
            s.orgs[0].device.public(),
            0,
        ));
        rows.push((
            "a revocation from seq 0",
            signed(
                &s,
                &payload(&s, BodyKind::Revocation.code(), revocation.encode()),
            ),
            RecordError::RevocationFromSeqZero,
        ));
    }

    assert!(rows.len() >= 25, "the table shrank to {} rows", rows.len());
    // The key cache a node uses must give the very same answers, hostile rows first and
    // then the valid record whose key it now holds.
    let mut keys = AuthorKeyCache::new();
    for (name, input, expected) in rows {
        match validate_record(&input, &s.network) {
            Ok(record) => panic!("{name}: accepted as {:?}", record.id()),
            Err(error) => assert_eq!(error, expected, "{name}"),
        }
        assert_eq!(
            keys.validate_record(&input, &s.network),
            Err(expected),
            "{name}, with cached keys"
        );
    }
    assert_eq!(
        keys.validate_record(&good, &s.network),
        Ok(s.practice.clone())
    );
}

#[test]
fn an_unknown_kind_from_a_newer_version_is_kept_as_opaque_bytes() {
    let s = setup();
    let raw = payload(&s, 999, b"something a newer node says".to_vec());
    let record =
        validate_record(&signed(&s, &raw), &s.network).expect("unknown kinds are not fatal");
    assert_eq!(record.record().body.kind(), None);
    assert_eq!(record.record().body.kind_code(), 999);
    assert_eq!(
        record.record().body.encode(),
        b"something a newer node says"
    );
}

#[test]
fn an_oversized_body_is_refused_before_signing() {
    let s = setup();
    let mut practice = sample_practice(Visibility::Public);
    practice.body = "x".repeat(MAX_PAYLOAD_BYTES);
    let record = Record {
        version: 1,
        network: s.network,
        author: s.orgs[0].device.public(),
        seq: 2,
        prev: Some(s.delegation.id()),
        timestamp_ms: BASE_TIME_MS + 5,
        body: Body::Practice(practice),
    };
    let len = record.encode_payload().len();
    assert_eq!(
        record.sign(&s.orgs[0].device),
        Err(RecordError::PayloadTooLarge {
            len,
            max: MAX_PAYLOAD_BYTES
        })
    );
}

fn next(
    s: &Setup,
    org: usize,
    seq: u64,
    prev: Option<commons_protocol::RecordId>,
    body: Body,
    minute: u64,
) -> VerifiedRecord {
    Record {
        version: 1,
        network: s.network,
        author: s.orgs[org].device.public(),
        seq,
        prev,
        timestamp_ms: BASE_TIME_MS + minute * 60_000,
        body,
    }
    .sign(&s.orgs[org].device)
    .expect("valid on its own")
}

#[test]
fn stateful_hostile_inputs_give_their_errors() {
    let mut s = setup();
    let org0 = s.orgs[0].id();
    let applicant = SampleOrg::new(4);
    // The second org's device joins; the applicant's device introduces itself.
    let second = next(&s, 1, 1, None, s.orgs[1].delegation(s.network), 1);
    let applicant_delegation = Record {
        version: 1,
        network: s.network,
        author: applicant.device.public(),
        seq: 1,
        prev: None,
        timestamp_ms: BASE_TIME_MS + 60_000,
        body: applicant.delegation(s.network),
    }
    .sign(&applicant.device)
    .unwrap();
    s.roster = Roster::fold(
        &sample_charter(3).0.charter().clone(),
        [&s.delegation, &second, &applicant_delegation],
        [],
    );
    assert_eq!(
        s.feeds.ingest(second.clone(), &s.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );
    assert_eq!(
        s.feeds.ingest(applicant_delegation.clone(), &s.roster),
        Ok(FeedOutcome::Appended { missing: None })
    );

    let impostor_root = RootKeypair::from_seed([0x66; 32]);
    let fresh = DeviceKeypair::from_seed([0x67; 32]);
    let wrong_root_delegation = Record {
        version: 1,
        network: s.network,
        author: fresh.public(),
        seq: 1,
        prev: None,
        timestamp_ms: BASE_TIME_MS,
        body: Body::Delegation(Delegation::sign(
            &impostor_root,
            s.network,
            org0,
            fresh.public(),
            "stolen name",
        )),
    }
    .sign(&fresh)
    .unwrap();
    let applicant_vote = Record {
        version: 1,
        network: s.network,
        author: applicant.device.public(),
        seq: 2,
        prev: Some(applicant_delegation.id()),
        timestamp_ms: BASE_TIME_MS + 120_000,
        body: Body::Vote(Vote {
            subject: applicant.id(),
            choice: VoteChoice::Admit,
        }),
    }
    .sign(&applicant.device)
    .unwrap();
    let unknown_author = Record {
        version: 1,
        network: s.network,
        author: fresh.public(),
        seq: 2,
        prev: Some(wrong_root_delegation.id()),
        timestamp_ms: BASE_TIME_MS + 1,
        body: Body::Practice(sample_practice(Visibility::Public)),
    }
    .sign(&fresh)
    .unwrap();
    let practice_body = || Body::Practice(sample_practice(Visibility::Members));
    let retract_other = next(
        &s,
        1,
        2,
        Some(second.id()),
        Body::Retraction(Retraction {
            target: s.practice.id(),
            reason: "not ours".into(),
        }),
        2,
    );
    let revise_other = next(
        &s,
        1,
        2,
        Some(second.id()),
        Body::Revision(commons_protocol::Revision {
            original: s.practice.id(),
            content: commons_protocol::Revised::Practice(sample_practice(Visibility::Public)),
        }),
        2,
    );
    let prev_mismatch = next(&s, 0, 3, Some(s.delegation.id()), practice_body(), 3);
    let stale_time = next(&s, 0, 3, Some(s.practice.id()), practice_body(), 0);
    let revoke_other_org = next(
        &s,
        1,
        2,
        Some(second.id()),
        Body::Revocation(Revocation::sign(
            &s.orgs[0].root,
            s.network,
            org0,
            s.orgs[0].device.public(),
            3,
        )),
        2,
    );
    let member_applies = next(
        &s,
        1,
        2,
        Some(second.id()),
        Body::Application(commons_protocol::Application {
            org: s.orgs[1].id(),
            statement: "again".into(),
        }),
        2,
    );

    let rows: Vec<(&str, &VerifiedRecord, AgainstError)> = vec![
        (
            "a delegation signed by a root that is not the org's",
            &wrong_root_delegation,
            AgainstError::DelegationWrongRoot {
                org: org0,
                expected: org0.first_root(),
                found: impostor_root.public(),
            },
        ),
        (
            "a vote by a non-member",
            &applicant_vote,
            AgainstError::NotAMember {
                org: applicant.id(),
                kind: Some(BodyKind::Vote),
            },
        ),
        (
            "a record by a device with no known delegation",
            &unknown_author,
            AgainstError::UnknownAuthor {
                author: fresh.public(),
            },
        ),
        (
            "a retraction of another org's record",
            &retract_other,
            AgainstError::RetractionOfOtherOrg {
                target: s.practice.id(),
            },
        ),
        (
            "a new version of another org's case study",
            &revise_other,
            AgainstError::RevisionOfOtherOrg {
                original: s.practice.id(),
            },
        ),
        (
            "a prev that is not the feed's previous record",
            &prev_mismatch,
            AgainstError::PrevMismatch {
                seq: 3,
                expected: s.practice.id(),
                found: Some(s.delegation.id()),
            },
        ),
        (
            "a timestamp before the previous record's",
            &stale_time,
            AgainstError::TimestampNotIncreasing {
                seq: 3,
                timestamp_ms: BASE_TIME_MS,
                neighbour_ms: BASE_TIME_MS + 1,
            },
        ),
        (
            "a revocation of another org's device",
            &revoke_other_org,
            AgainstError::GovernanceOfOtherOrg {
                kind: BodyKind::Revocation,
                author_org: s.orgs[1].id(),
                named_org: org0,
            },
        ),
        (
            "an application by a member",
            &member_applies,
            AgainstError::AlreadyMember {
                org: s.orgs[1].id(),
            },
        ),
    ];
    let held = s.feeds.len();
    for (name, record, expected) in rows {
        assert_eq!(
            s.feeds.ingest(record.clone(), &s.roster),
            Err(expected),
            "{name}"
        );
    }
    assert_eq!(s.feeds.len(), held, "a refused record was kept");

    // A revoked device: its org revokes it from seq 3, so its seq 3 is refused.
    let revocation = next(
        &s,
        0,
        3,
        Some(s.practice.id()),
        Body::Revocation(Revocation::sign(
            &s.orgs[0].root,
            s.network,
            org0,
            s.orgs[0].device.public(),
            4,
        )),
        4,
    );
    assert!(matches!(
        s.feeds.ingest(revocation.clone(), &s.roster),
        Ok(FeedOutcome::Appended { missing: None })
    ));
    let roster = s.feeds.roster(sample_charter(3).0.charter());
    let after = next(&s, 0, 4, Some(revocation.id()), practice_body(), 5);
    assert_eq!(
        s.feeds.ingest(after, &roster),
        Err(AgainstError::DeviceRevoked {
            author: s.orgs[0].device.public(),
            from_seq: 4,
            seq: 4
        })
    );

    // Equivocation: a second seq 3 makes a fork proof, and then the feed is frozen.
    let twin = next(&s, 0, 3, Some(s.practice.id()), practice_body(), 6);
    assert_eq!(
        s.feeds.ingest(twin, &roster),
        Ok(FeedOutcome::Fork {
            existing: revocation.id()
        })
    );
    let later = next(&s, 1, 2, Some(second.id()), practice_body(), 7);
    assert!(
        s.feeds.ingest(later, &roster).is_ok(),
        "other feeds are not frozen"
    );
    let frozen = next(&s, 0, 5, Some(revocation.id()), practice_body(), 8);
    assert_eq!(
        s.feeds.ingest(frozen, &roster),
        Err(AgainstError::FeedFrozen {
            author: s.orgs[0].device.public()
        })
    );
}

#[test]
fn a_practice_round_trips_through_its_own_type() {
    // Guards the helper layout above against drifting from the crate's.
    let s = setup();
    let raw = payload(&s, BodyKind::Practice.code(), practice_body());
    let mut raw_fixed = raw.clone();
    raw_fixed.timestamp_ms = s.practice.record().timestamp_ms;
    assert_eq!(raw_fixed.encode(), s.practice.payload_bytes());
    let _: Practice = sample_practice(Visibility::Public);
}
