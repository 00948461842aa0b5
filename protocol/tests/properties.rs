//! Property tests: round-trips, canonicality, and the roster's independence from the
//! order records arrive in.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

mod common;

use commons_protocol::fixtures::{
    BASE_TIME_MS, SampleOrg, delegated_feeds, sample_charter, sample_practice,
};
use commons_protocol::{
    Alert, AlertResponse, Application, Body, Campaign, CampaignStatus, CampaignUpdate, NetworkId,
    Practice, Profile, RecordId, RedactionVote, ResponseKind, Retraction, RootKeypair, Roster,
    Severity, Threshold, VerifiedRecord, Visibility, Vote, VoteChoice, validate_record,
};
use commons_protocol::{Attachment, BlobId, Revised, Revision};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,24}"
}

fn title() -> impl Strategy<Value = String> {
    "[A-Za-z][\\PC]{0,24}"
}

fn texts() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..4)
}

fn id() -> impl Strategy<Value = RecordId> {
    any::<[u8; 32]>().prop_map(RecordId::from_bytes)
}

/// Up to three files with distinct names and ids, each name safe to save.
fn attachments() -> impl Strategy<Value = Vec<Attachment>> {
    prop::collection::vec(
        (
            "[A-Za-z0-9 ._-]{0,20}",
            prop::sample::select(vec!["application/pdf", "image/png", "text/csv"]),
            1u64..(1 << 30),
            any::<[u8; 32]>(),
        ),
        0..4,
    )
    .prop_map(|files| {
        files
            .into_iter()
            .enumerate()
            .map(|(index, (stem, media_type, size, blob))| Attachment {
                name: format!("{index}-{}.bin", stem.trim()),
                media_type: media_type.to_owned(),
                size,
                blob: BlobId::from_bytes(blob),
            })
            .collect()
    })
}

fn body() -> impl Strategy<Value = Body> {
    let org = (0u8..6).prop_map(|i| SampleOrg::new(i).id());
    prop_oneof![
        (
            title(),
            text(),
            text(),
            texts(),
            texts(),
            text(),
            text(),
            texts(),
            any::<bool>()
        )
            .prop_map(
                |(title, summary, body, themes, regions, language, licence, links, public)| {
                    Body::Practice(Practice {
                        title,
                        summary,
                        body,
                        themes,
                        regions,
                        language,
                        licence,
                        links,
                        visibility: if public {
                            Visibility::Public
                        } else {
                            Visibility::Members
                        },
                        attachments: Vec::new(),
                    })
                }
            ),
        (title(), attachments()).prop_map(|(title, attachments)| {
            let mut practice = sample_practice(Visibility::Members);
            practice.title = title;
            practice.attachments = attachments;
            Body::Practice(practice)
        }),
        (id(), title(), texts(), attachments(), 0u8..3).prop_map(
            |(original, title, goals, attachments, which)| {
                let content = match which {
                    0 => {
                        let mut practice = sample_practice(Visibility::Public);
                        practice.title = title;
                        practice.attachments = attachments;
                        Revised::Practice(practice)
                    }
                    1 => Revised::Campaign(Campaign {
                        title,
                        goals,
                        partners: Vec::new(),
                        status: CampaignStatus::Paused,
                    }),
                    _ => Revised::Profile(Profile {
                        name: title,
                        country: String::new(),
                        region: String::new(),
                        website: String::new(),
                        working_groups: goals,
                        languages: Vec::new(),
                        description: String::new(),
                    }),
                };
                Body::Revision(Revision { original, content })
            }
        ),
        (title(), text(), text(), text(), texts(), texts(), text()).prop_map(
            |(name, country, region, website, working_groups, languages, description)| {
                Body::Profile(Profile {
                    name,
                    country,
                    region,
                    website,
                    working_groups,
                    languages,
                    description,
                })
            }
        ),
        (title(), texts(), prop::collection::vec(org.clone(), 0..3)).prop_map(
            |(title, goals, partners)| {
                Body::Campaign(Campaign {
                    title,
                    goals,
                    partners,
                    status: CampaignStatus::Active,
                })
            }
        ),
        (id(), any::<bool>(), text()).prop_map(|(campaign, won, body)| {
            Body::CampaignUpdate(CampaignUpdate {
                campaign,
                status: won.then_some(CampaignStatus::Won),
                body,
            })
        }),
        (title(), text(), text(), text(), 1u64..1_000_000_000).prop_map(
            |(title, region, body, action_requested, lasts)| {
                Body::Alert(Alert {
                    severity: Severity::Critical,
                    region,
                    title,
                    body,
                    action_requested,
                    expires_at_ms: BASE_TIME_MS * 2 + lasts,
                })
            }
        ),
        (id(), text()).prop_map(|(alert, note)| {
            Body::AlertResponse(AlertResponse {
                alert,
                response: ResponseKind::Shared,
                note,
            })
        }),
        (id(), text()).prop_map(|(target, reason)| Body::Retraction(Retraction { target, reason })),
        (id(), 0u8..6, title()).prop_map(|(target, author, reason)| {
            Body::RedactionVote(RedactionVote {
                target,
                target_author: SampleOrg::new(author).device.public(),
                reason,
            })
        }),
        (org.clone(), text())
            .prop_map(|(org, statement)| Body::Application(Application { org, statement })),
        (org, any::<bool>()).prop_map(|(subject, admit)| {
            Body::Vote(Vote {
                subject,
                choice: if admit {
                    VoteChoice::Admit
                } else {
                    VoteChoice::Remove
                },
            })
        }),
        (5u32..10_000, prop::collection::vec(any::<u8>(), 0..64)).prop_map(|(kind, bytes)| {
            Body::Unknown {
                kind: kind + 100,
                bytes,
            }
        }),
    ]
}

/// A signed seq-2 record of the first sample org with `body`.
fn signed(body: Body, now_ms: u64) -> (NetworkId, VerifiedRecord) {
    let (charter, orgs) = sample_charter(1);
    let network = charter.charter().network_id();
    let mut writer = orgs[0].writer(network);
    writer
        .append(orgs[0].delegation(network), BASE_TIME_MS)
        .unwrap();
    (
        network,
        writer.append(body, BASE_TIME_MS * 2 + now_ms).unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_body_round_trips_byte_for_byte(body in body(), now in 0u64..1_000) {
        let (network, record) = signed(body, now);
        let received = validate_record(record.signed_bytes(), &network).unwrap();
        prop_assert_eq!(received.record(), record.record());
        prop_assert_eq!(received.signed_bytes(), record.signed_bytes());
        prop_assert_eq!(received.id(), record.id());
        prop_assert_eq!(received.record().encode_payload(), record.payload_bytes().to_vec());
    }

    #[test]
    fn any_change_to_a_valid_record_is_refused(
        body in body(),
        position in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let (network, record) = signed(body, 0);
        let mut bytes = record.signed_bytes().to_vec();
        let at = position.index(bytes.len());
        bytes[at] ^= flip;
        prop_assert!(validate_record(&bytes, &network).is_err());
    }

    #[test]
    fn truncated_or_extended_records_are_refused(body in body(), cut in any::<prop::sample::Index>(), extra in 1u8..=255) {
        let (network, record) = signed(body, 0);
        let bytes = record.signed_bytes();
        prop_assert!(validate_record(&bytes[..cut.index(bytes.len())], &network).is_err());
        let longer = [bytes, &[extra]].concat();
        prop_assert!(validate_record(&longer, &network).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_only_canonical_bytes_pass(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let network = sample_charter(1).0.charter().network_id();
        if let Ok(record) = validate_record(&bytes, &network) {
            prop_assert_eq!(record.signed_bytes(), bytes.as_slice());
        }
    }

    #[test]
    fn ids_round_trip_through_text(bytes in any::<[u8; 32]>()) {
        let id = RecordId::from_bytes(bytes);
        prop_assert_eq!(id.to_string().parse::<RecordId>().unwrap(), id);
    }

    #[test]
    fn thresholds_need_between_one_and_the_electorate(
        count in 1u32..50,
        numerator in 1u32..20,
        extra in 0u32..20,
        electorate in 0usize..200,
    ) {
        let by_count = Threshold::Count(count).needed(electorate);
        prop_assert!(by_count >= 1 && by_count <= electorate.max(1));
        let fraction = Threshold::Fraction { numerator, denominator: numerator + extra };
        let needed = fraction.needed(electorate);
        prop_assert!(needed >= 1 && needed <= electorate.max(1));
        // Rounded up: needed/electorate is never below the fraction.
        prop_assert!(needed as u64 * u64::from(numerator + extra) >= electorate as u64 * u64::from(numerator));
    }
}

/// A governance history: 6 orgs (3 founders) each with a device, then `votes`, each
/// `(voter, subject, choice, minute)`, written to the voters' feeds.
fn history(votes: &[(u8, u8, u8, u16)]) -> (commons_protocol::Charter, Vec<VerifiedRecord>) {
    let (charter, _) = sample_charter(3);
    let network = charter.charter().network_id();
    let orgs: Vec<SampleOrg> = (0..6).map(SampleOrg::new).collect();
    let (mut writers, mut records) = delegated_feeds(&orgs, network);
    let new_roots = [
        RootKeypair::from_seed([0x41; 32]).public(),
        RootKeypair::from_seed([0x42; 32]).public(),
    ];
    for &(voter, subject, choice, minute) in votes {
        let choice = match choice % 4 {
            0 | 1 => VoteChoice::Admit,
            2 => VoteChoice::Remove,
            _ => VoteChoice::Recover {
                new_root: new_roots[usize::from(minute % 2)],
            },
        };
        let vote = Body::Vote(Vote {
            subject: orgs[usize::from(subject)].id(),
            choice,
        });
        let writer = &mut writers[usize::from(voter)];
        records.push(
            writer
                .append(vote, BASE_TIME_MS + u64::from(minute) * 60_000)
                .unwrap(),
        );
    }
    (charter.charter().clone(), records)
}

fn votes() -> impl Strategy<Value = Vec<(u8, u8, u8, u16)>> {
    prop::collection::vec((0u8..6, 0u8..6, 0u8..4, 0u16..40), 0..24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_order_of_the_same_records_gives_the_same_roster(
        (charter, records, shuffled) in votes()
            .prop_map(|votes| history(&votes))
            .prop_flat_map(|(charter, records)| {
                let shuffled = Just(records.clone()).prop_shuffle();
                (Just(charter), Just(records), shuffled)
            }),
        repeat in any::<prop::sample::Index>(),
    ) {
        let in_order = Roster::fold(&charter, &records, []);
        let mut with_repeat = shuffled.clone();
        if !records.is_empty() {
            with_repeat.push(records[repeat.index(records.len())].clone());
        }
        prop_assert_eq!(&Roster::fold(&charter, &shuffled, []), &in_order);
        prop_assert_eq!(&Roster::fold(&charter, &with_repeat, []), &in_order);
        prop_assert!(in_order.member_count() >= 1, "a network never loses its last member");
    }
}

#[test]
fn fixed_practice_is_public_when_asked() {
    assert_eq!(
        Body::Practice(sample_practice(Visibility::Public)).visibility(),
        Visibility::Public
    );
    assert_eq!(
        Body::Practice(sample_practice(Visibility::Members)).visibility(),
        Visibility::Members
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// However a file is fed to the hasher, its chunk list is the same, checks against
    /// its own root, and accepts each chunk exactly while the chunk is unchanged.
    #[test]
    fn a_files_chunk_list_does_not_depend_on_how_it_was_read(
        len in 1usize..700_000,
        seed in any::<u8>(),
        cuts in prop::collection::vec(1usize..200_000, 0..6),
        flip in any::<prop::sample::Index>(),
    ) {
        use commons_protocol::blob::{BlobHasher, chunk_list_of};
        let file: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(31) ^ seed).collect();
        let whole = chunk_list_of(&file).unwrap();
        let mut hasher = BlobHasher::new();
        let mut rest = &file[..];
        for cut in cuts {
            let (piece, after) = rest.split_at(cut.min(rest.len()));
            hasher.update(piece);
            rest = after;
        }
        hasher.update(rest);
        prop_assert_eq!(&hasher.finish().unwrap(), &whole);
        prop_assert!(whole.check(&whole.root()).is_ok());

        let at = flip.index(len);
        let index = u32::try_from(at / commons_protocol::CHUNK_BYTES).unwrap();
        let range = whole.range(index).unwrap();
        let chunk = &file[range.start as usize..range.end as usize];
        prop_assert!(whole.verify_chunk(index, chunk).is_ok());
        let mut bad = chunk.to_vec();
        bad[at - range.start as usize] ^= 0x80;
        prop_assert!(whole.verify_chunk(index, &bad).is_err());
    }

    /// Arbitrary bytes as blob messages: refused, or accepted as their own canonical
    /// encoding.
    #[test]
    fn blob_messages_decode_only_their_own_encoding(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        use commons_protocol::{BlobRequest, BlobResponse};
        if let Ok(request) = BlobRequest::decode(&bytes) {
            prop_assert_eq!(request.encode(), bytes.clone());
        }
        if let Ok(response) = BlobResponse::decode(&bytes) {
            prop_assert_eq!(response.encode(), bytes);
        }
    }
}
