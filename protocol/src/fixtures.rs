//! Fixed sample networks and records for tests, benchmarks, fuzz seeds and golden
//! vectors (feature `fixtures`). Every key comes from a fixed seed and every timestamp
//! from a fixed clock, so the same call always gives the same bytes.
//!
//! The content is invented: it reads like what member organizations share, and names
//! no real person or group.

use crate::body::{
    Alert, AlertResponse, Application, Body, BodyKind, Campaign, CampaignStatus, CampaignUpdate,
    Delegation, GroupChoice, GroupFounding, GroupHistory, GroupKeys, GroupRecord, GroupVote,
    HistoricKey, Practice, Profile, RedactionVote, ResponseKind, Retraction, Revocation,
    RootRotation, SealingKeyAnnouncement, Severity, Visibility, Vote, VoteChoice,
};
use crate::charter::{Charter, Founder, SignedCharter, Threshold};
use crate::fork::ForkProof;
use crate::id::NetworkId;
use crate::keys::{DeviceKeypair, OrgId, RootKeypair};
use crate::record::VerifiedRecord;
use crate::seal::{ContentContext, EpochKey, SealingKeypair, encrypt_content, seal_epoch_key};
use crate::writer::{FeedPosition, FeedWriter};

/// 2026-01-01T00:00:00Z, the fixtures' clock start.
pub const BASE_TIME_MS: u64 = 1_767_225_600_000;

/// The names of the sample orgs, in index order.
pub const ORG_NAMES: [&str; 6] = [
    "Tenants' Voice Alliance",
    "Rural Defenders Network",
    "Workers' Health Forum",
    "Coastal Fisherfolk Coalition",
    "Women and Land Collective",
    "Community Paralegals Circle",
];

/// One sample org with its root key and one device.
#[derive(Debug, Clone)]
pub struct SampleOrg {
    /// Its name.
    pub name: String,
    /// Its root key (seed `[0x10 + index; 32]`).
    pub root: RootKeypair,
    /// Its device key (seed `[0x20 + index; 32]`).
    pub device: DeviceKeypair,
}

impl SampleOrg {
    /// Sample org number `index`.
    pub fn new(index: u8) -> Self {
        SampleOrg {
            name: ORG_NAMES[usize::from(index) % ORG_NAMES.len()].to_owned(),
            root: RootKeypair::from_seed([0x10 + index; 32]),
            device: DeviceKeypair::from_seed([0x20 + index; 32]),
        }
    }

    /// Its org id.
    pub fn id(&self) -> OrgId {
        self.root.org_id()
    }

    /// A writer for its device's feed, from an empty feed.
    pub fn writer(&self, network: NetworkId) -> FeedWriter {
        FeedWriter::new(self.device.clone(), network, FeedPosition::EMPTY)
    }

    /// Its device's delegation, signed by its root.
    pub fn delegation(&self, network: NetworkId) -> Body {
        Body::Delegation(Delegation::sign(
            &self.root,
            network,
            self.id(),
            self.device.public(),
            "office server",
        ))
    }
}

/// A writer for each org's feed, with each feed opened by the org's delegation at
/// [`BASE_TIME_MS`]; the delegations are returned in the orgs' order.
pub fn delegated_feeds(
    orgs: &[SampleOrg],
    network: NetworkId,
) -> (Vec<FeedWriter>, Vec<VerifiedRecord>) {
    let mut writers: Vec<FeedWriter> = orgs.iter().map(|org| org.writer(network)).collect();
    let delegations = orgs
        .iter()
        .zip(&mut writers)
        .map(|(org, writer)| signed(writer, org.delegation(network), 0))
        .collect();
    (writers, delegations)
}

/// A network founded by the first `founders` sample orgs, with the charter signed by
/// all of them: admission by half the members, removal and recovery by two thirds of
/// the others, public records open to observers.
pub fn sample_charter(founders: u8) -> (SignedCharter, Vec<SampleOrg>) {
    let orgs: Vec<SampleOrg> = (0..founders).map(SampleOrg::new).collect();
    let mut founder_list: Vec<Founder> = orgs
        .iter()
        .map(|org| Founder {
            org: org.id(),
            name: org.name.clone(),
        })
        .collect();
    founder_list.sort_by_key(|founder| founder.org);
    let charter = Charter {
        version: crate::charter::CHARTER_VERSION,
        name: "Commons sample network".to_owned(),
        founders: founder_list,
        admission: Threshold::Fraction {
            numerator: 1,
            denominator: 2,
        },
        removal: Threshold::Fraction {
            numerator: 2,
            denominator: 3,
        },
        recovery: Threshold::Fraction {
            numerator: 2,
            denominator: 3,
        },
        open_read: true,
        created_ms: BASE_TIME_MS,
    };
    let mut signed = match SignedCharter::new(charter) {
        Ok(signed) => signed,
        Err(error) => unreachable_fixture(&error),
    };
    for org in &orgs {
        if let Err(error) = signed.sign(&org.root) {
            unreachable_fixture(&error);
        }
    }
    (signed, orgs)
}

/// [`sample_charter`] with the open-read flag set to `open_read`: with `false`, records
/// are kept among members and a non-member's device is served nothing.
pub fn sample_charter_with(founders: u8, open_read: bool) -> (SignedCharter, Vec<SampleOrg>) {
    let (open, orgs) = sample_charter(founders);
    let charter = Charter {
        open_read,
        ..open.charter().clone()
    };
    let mut signed = match SignedCharter::new(charter) {
        Ok(signed) => signed,
        Err(error) => unreachable_fixture(&error),
    };
    for org in &orgs {
        if let Err(error) = signed.sign(&org.root) {
            unreachable_fixture(&error);
        }
    }
    (signed, orgs)
}

/// A member's vote on `subject`.
pub fn sample_vote(subject: OrgId, choice: VoteChoice) -> Body {
    Body::Vote(Vote { subject, choice })
}

#[allow(clippy::panic)]
fn unreachable_fixture(error: &dyn std::error::Error) -> ! {
    panic!("the sample fixtures are built to be valid, but: {error}")
}

fn signed(writer: &mut FeedWriter, body: Body, minute: u64) -> VerifiedRecord {
    // Each record of a feed is at least a millisecond after the last, so minute 0 right
    // after a delegation is still valid.
    match writer.append(body, BASE_TIME_MS + minute * 60_000) {
        Ok(record) => record,
        Err(error) => unreachable_fixture(&error),
    }
}

/// One valid record of every known body kind, in the order they were written, over
/// three founders' feeds and one applicant's. Each record is valid on its own and
/// against the records before it.
pub fn sample_records() -> (SignedCharter, Vec<(BodyKind, VerifiedRecord)>) {
    let (charter, orgs) = sample_charter(3);
    let network = charter.charter().network_id();
    let applicant = SampleOrg::new(3);
    let mut first = orgs[0].writer(network);
    let mut second = orgs[1].writer(network);
    let mut third = orgs[2].writer(network);
    let mut joining = applicant.writer(network);
    let mut out = Vec::new();

    out.push((
        BodyKind::Delegation,
        signed(&mut first, orgs[0].delegation(network), 1),
    ));
    let _ = signed(&mut second, orgs[1].delegation(network), 2);
    let _ = signed(&mut third, orgs[2].delegation(network), 3);
    let _ = signed(&mut joining, applicant.delegation(network), 4);
    out.push((
        BodyKind::Profile,
        signed(&mut first, Body::Profile(sample_profile()), 5),
    ));
    let practice = signed(
        &mut first,
        Body::Practice(sample_practice(Visibility::Public)),
        6,
    );
    out.push((BodyKind::Practice, practice.clone()));
    let campaign = signed(
        &mut first,
        Body::Campaign(Campaign {
            title: "No evictions in the rainy season".to_owned(),
            goals: vec![
                "A provincial moratorium on forced evictions from June to October".to_owned(),
                "Relocation plans agreed with residents before any demolition".to_owned(),
            ],
            partners: vec![orgs[1].id(), orgs[2].id()],
            status: CampaignStatus::Active,
        }),
        7,
    );
    out.push((BodyKind::Campaign, campaign.clone()));
    out.push((
        BodyKind::CampaignUpdate,
        signed(
            &mut second,
            Body::CampaignUpdate(CampaignUpdate {
                campaign: campaign.id(),
                status: None,
                body:
                    "The provincial hearing is set for 14 March. Partners: please send letters of \
                       support to the housing committee before the 10th."
                        .to_owned(),
            }),
            8,
        ),
    ));
    let alert = signed(
        &mut third,
        Body::Alert(Alert {
            severity: Severity::Urgent,
            region: "Central America".to_owned(),
            title: "Land defender detained after a community assembly".to_owned(),
            body:
                "A member of a partner community was detained on the evening of the assembly and \
                   has not been allowed to see a lawyer."
                    .to_owned(),
            action_requested: "Write to the regional prosecutor asking for access to counsel and \
                               for the defender's release."
                .to_owned(),
            expires_at_ms: BASE_TIME_MS + 7 * 24 * 3_600_000,
        }),
        9,
    );
    out.push((BodyKind::Alert, alert.clone()));
    out.push((
        BodyKind::AlertResponse,
        signed(
            &mut first,
            Body::AlertResponse(AlertResponse {
                alert: alert.id(),
                response: ResponseKind::Acting,
                note: "Letter sent, co-signed by twelve member organizations.".to_owned(),
            }),
            10,
        ),
    ));
    out.push((
        BodyKind::Retraction,
        signed(
            &mut first,
            Body::Retraction(Retraction {
                target: practice.id(),
                reason: "The case study named a community member who has asked to be left out."
                    .to_owned(),
            }),
            11,
        ),
    ));
    out.push((
        BodyKind::Application,
        signed(
            &mut joining,
            Body::Application(Application {
                org: applicant.id(),
                statement:
                    "A network of small fishing communities documenting coastal land grabs; we \
                            would like to join the land and environment working groups."
                        .to_owned(),
            }),
            12,
        ),
    ));
    out.push((
        BodyKind::Vote,
        signed(
            &mut second,
            Body::Vote(Vote {
                subject: applicant.id(),
                choice: VoteChoice::Admit,
            }),
            13,
        ),
    ));
    let spare_laptop = DeviceKeypair::from_seed([0x30; 32]);
    out.push((
        BodyKind::Revocation,
        signed(
            &mut first,
            Body::Revocation(Revocation::sign(
                &orgs[0].root,
                network,
                orgs[0].id(),
                spare_laptop.public(),
                1,
            )),
            14,
        ),
    ));
    let new_root = RootKeypair::from_seed([0x40; 32]);
    out.push((
        BodyKind::RootRotation,
        signed(
            &mut third,
            Body::RootRotation(RootRotation::sign(
                &orgs[2].root,
                &new_root,
                network,
                orgs[2].id(),
            )),
            15,
        ),
    ));
    let mut won = Campaign {
        title: "No evictions in the rainy season".to_owned(),
        goals: vec![
            "A provincial moratorium on forced evictions from June to October".to_owned(),
            "Relocation plans agreed with residents before any demolition".to_owned(),
        ],
        partners: vec![orgs[1].id(), orgs[2].id()],
        status: CampaignStatus::Active,
    };
    won.status = CampaignStatus::Won;
    won.goals
        .push("Residents consulted on every relocation site".to_owned());
    out.push((
        BodyKind::Revision,
        signed(
            &mut first,
            Body::Revision(crate::body::Revision {
                original: campaign.id(),
                content: crate::body::Revised::Campaign(won),
            }),
            16,
        ),
    ));
    let group = signed(&mut first, Body::GroupFounding(sample_group_founding()), 17);
    out.push((BodyKind::GroupFounding, group.clone()));
    out.push((
        BodyKind::GroupVote,
        signed(
            &mut first,
            Body::GroupVote(GroupVote {
                group: group.id(),
                subject: orgs[1].id(),
                choice: GroupChoice::Admit { history: true },
            }),
            18,
        ),
    ));
    let (sealing, keys, content) = sample_group_epoch(network, group.id(), &orgs[0]);
    out.push((
        BodyKind::SealingKey,
        signed(
            &mut first,
            Body::SealingKey(SealingKeyAnnouncement {
                key: sealing.public(),
            }),
            19,
        ),
    ));
    let epoch = signed(&mut first, Body::GroupKeys(keys), 20);
    out.push((BodyKind::GroupKeys, epoch.clone()));
    let context = ContentContext {
        network,
        group: group.id(),
        epoch: epoch.id(),
        author: orgs[0].device.public(),
    };
    let nonce = [0x71; 24];
    let ciphertext = match encrypt_content(&sample_epoch_key(), nonce, &context, &content) {
        Ok(ciphertext) => ciphertext,
        Err(error) => unreachable_fixture(&error),
    };
    out.push((
        BodyKind::GroupRecord,
        signed(
            &mut first,
            Body::GroupRecord(GroupRecord {
                group: group.id(),
                epoch: epoch.id(),
                nonce,
                ciphertext,
            }),
            21,
        ),
    ));
    // Org 1 was admitted with the history (the sample vote): the first epoch's key,
    // sealed to its device's sealing key (seed `[0x51; 32]`).
    let historic = match seal_epoch_key(
        &sample_epoch_key(),
        orgs[1].device.public(),
        &SealingKeypair::from_seed([0x51; 32]).public(),
        &network,
        &group.id(),
        [0x72; 32],
    ) {
        Ok(sealed) => sealed,
        Err(error) => unreachable_fixture(&error),
    };
    out.push((
        BodyKind::GroupHistory,
        signed(
            &mut first,
            Body::GroupHistory(GroupHistory {
                group: group.id(),
                keys: vec![HistoricKey {
                    epoch: epoch.id(),
                    sealed: historic,
                }],
            }),
            22,
        ),
    ));
    // Org 1 votes to redact org 0's case study (the first vote is the proposal).
    out.push((
        BodyKind::RedactionVote,
        signed(
            &mut second,
            Body::RedactionVote(RedactionVote {
                target: practice.id(),
                target_author: practice.record().author,
                reason: "The photographs show the faces of two witnesses who have since been \
                         threatened."
                    .to_owned(),
            }),
            23,
        ),
    ));
    (charter, out)
}

/// A working group's founding: admission by half of its members, removal by two thirds
/// of the others.
pub fn sample_group_founding() -> GroupFounding {
    GroupFounding {
        name: "Strategic litigation".to_owned(),
        purpose: "Case files and hearing strategy for cases brought by member organizations."
            .to_owned(),
        admission: Threshold::Fraction {
            numerator: 1,
            denominator: 2,
        },
        removal: Threshold::Fraction {
            numerator: 2,
            denominator: 3,
        },
    }
}

/// The sample group's epoch key (fixed bytes: a real one is [`EpochKey::generate`]d).
pub fn sample_epoch_key() -> EpochKey {
    EpochKey::from_bytes([0x60; 32])
}

/// For the sample group: `org`'s device's sealing key pair (seed `[0x50; 32]`), an
/// epoch sealed to that one device (ephemeral seed `[0x70; 32]`), and the campaign
/// update the sample group record carries.
pub fn sample_group_epoch(
    network: NetworkId,
    group: crate::id::RecordId,
    org: &SampleOrg,
) -> (SealingKeypair, GroupKeys, Body) {
    let sealing = SealingKeypair::from_seed([0x50; 32]);
    let sealed = match seal_epoch_key(
        &sample_epoch_key(),
        org.device.public(),
        &sealing.public(),
        &network,
        &group,
        [0x70; 32],
    ) {
        Ok(sealed) => sealed,
        Err(error) => unreachable_fixture(&error),
    };
    let keys = GroupKeys {
        group,
        follows: None,
        sealed: vec![sealed],
    };
    let content = Body::Practice(Practice {
        title: "Preparing a community witness for a land hearing".to_owned(),
        summary: "How the group prepared witnesses without exposing them before the hearing."
            .to_owned(),
        body: "Names and contacts are kept in the group's own records only.".to_owned(),
        themes: vec!["Strategic litigation".to_owned()],
        regions: vec!["Southeast Asia".to_owned()],
        language: "en".to_owned(),
        licence: "CC BY-SA 4.0".to_owned(),
        links: Vec::new(),
        visibility: Visibility::Members,
        attachments: Vec::new(),
    });
    (sealing, keys, content)
}

/// A profile of the first sample org.
pub fn sample_profile() -> Profile {
    Profile {
        name: ORG_NAMES[0].to_owned(),
        country: "Philippines".to_owned(),
        region: "Southeast Asia".to_owned(),
        website: String::new(),
        working_groups: vec!["Housing".to_owned(), "Social movements".to_owned()],
        languages: vec!["en".to_owned(), "tl".to_owned()],
        description:
            "Tenant associations in informal settlements organising against forced evictions."
                .to_owned(),
    }
}

/// A case study.
pub fn sample_practice(visibility: Visibility) -> Practice {
    Practice {
        title: "Mapping eviction risk with tenant-led surveys".to_owned(),
        summary: "Residents surveyed their own settlement and used the map to negotiate relocation terms."
            .to_owned(),
        body: "## Context\n\nThree settlements faced demolition for a road project.\n\n## What we did\n\n\
               Residents trained as surveyors mapped every household, then presented the map at the \
               city hearing.\n\n## What others can reuse\n\nThe survey form and the consent protocol."
            .to_owned(),
        themes: vec!["housing".to_owned(), "participatory-documentation".to_owned()],
        regions: vec!["Southeast Asia".to_owned()],
        language: "en".to_owned(),
        licence: "CC-BY-4.0".to_owned(),
        links: Vec::new(),
        visibility,
        attachments: Vec::new(),
    }
}

/// The bytes of the sample attachment: 300,000 bytes (two chunks), byte `i` being
/// `i * 7 mod 251`, so an independent implementation can rebuild them.
pub fn sample_file() -> Vec<u8> {
    (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect()
}

/// The sample attachment entry for [`sample_file`].
pub fn sample_attachment() -> crate::body::Attachment {
    let bytes = sample_file();
    let list = match crate::blob::chunk_list_of(&bytes) {
        Ok(list) => list,
        Err(error) => unreachable_fixture(&error),
    };
    crate::body::Attachment {
        name: "survey-form.pdf".to_owned(),
        media_type: "application/pdf".to_owned(),
        size: list.size,
        blob: list.root(),
    }
}

/// A case study carrying [`sample_attachment`] (wire kind 14), by the second sample
/// org, right after its delegation.
pub fn sample_practice_with_attachment() -> (SignedCharter, VerifiedRecord) {
    let (charter, orgs) = sample_charter(3);
    let network = charter.charter().network_id();
    let mut writer = orgs[1].writer(network);
    let _ = signed(&mut writer, orgs[1].delegation(network), 2);
    let mut practice = sample_practice(Visibility::Members);
    practice.attachments.push(sample_attachment());
    let record = signed(&mut writer, Body::Practice(practice), 20);
    (charter, record)
}

/// A fork: the first sample org's device signs two different records with seq 2.
pub fn sample_fork() -> (SignedCharter, ForkProof) {
    let (charter, orgs) = sample_charter(3);
    let network = charter.charter().network_id();
    let mut writer = orgs[0].writer(network);
    let _ = signed(&mut writer, orgs[0].delegation(network), 1);
    let mut twin = writer.clone();
    let a = signed(
        &mut writer,
        Body::Practice(sample_practice(Visibility::Public)),
        2,
    );
    let b = signed(
        &mut twin,
        Body::Practice(sample_practice(Visibility::Members)),
        2,
    );
    match ForkProof::new(a, b) {
        Ok(proof) => (charter, proof),
        Err(error) => unreachable_fixture(&error),
    }
}

/// One of each sync message, over the sample records: name (the golden vector's file
/// name) and encoded bytes.
pub fn sample_sync_messages() -> Vec<(&'static str, Vec<u8>)> {
    use crate::sync::{FeedSummary, Refusal, SyncRequest, SyncResponse};
    let (_, records) = sample_records();
    let first = SampleOrg::new(0).device.public();
    let mut feeds: Vec<FeedSummary> = (0..3)
        .map(|index| FeedSummary {
            author: SampleOrg::new(index).device.public(),
            contiguous: u64::from(index) + 1,
            max_seq: u64::from(index) + 3,
            frozen: index == 2,
        })
        .collect();
    feeds.sort_by_key(|feed| feed.author);
    let page: Vec<Vec<u8>> = records
        .iter()
        .filter(|(_, record)| record.record().author == first)
        .take(3)
        .map(|(_, record)| record.signed_bytes().to_vec())
        .collect();
    let (_, proof) = sample_fork();
    let hello_delegation = records
        .iter()
        .find(|(_, record)| record.record().author == first && record.record().seq == 1)
        .map(|(_, record)| record.signed_bytes().to_vec())
        .unwrap_or_default();
    vec![
        (
            "sync-heads-request",
            SyncRequest::Heads { after: None }.encode(),
        ),
        (
            "sync-heads-request-next",
            SyncRequest::Heads { after: Some(first) }.encode(),
        ),
        (
            "sync-range-request",
            SyncRequest::Range {
                author: first,
                from_seq: 2,
                to_seq: 40,
                max_records: 256,
                max_bytes: 1 << 20,
            }
            .encode(),
        ),
        ("sync-fork-proofs-request", SyncRequest::ForkProofs.encode()),
        (
            "sync-announce-request",
            SyncRequest::Announce {
                feeds: feeds.clone(),
            }
            .encode(),
        ),
        (
            "sync-hello-request",
            SyncRequest::Hello {
                delegation: hello_delegation.clone(),
            }
            .encode(),
        ),
        (
            "sync-hello-response",
            SyncResponse::Hello {
                delegation: hello_delegation,
                admitted: true,
            }
            .encode(),
        ),
        (
            "sync-heads-response",
            SyncResponse::Heads { feeds, more: false }.encode(),
        ),
        (
            "sync-records-response",
            SyncResponse::Records {
                records: page,
                more: true,
            }
            .encode(),
        ),
        (
            "sync-fork-proofs-response",
            SyncResponse::ForkProofs {
                proofs: vec![proof.encode()],
            }
            .encode(),
        ),
        (
            "sync-refused-response",
            SyncResponse::Refused(Refusal::NotAMember).encode(),
        ),
    ]
}

/// The feeds of [`sample_archive`]: every record the sample archive's exporter held,
/// by feed, with the retracted record and its retraction.
#[derive(Debug, Clone)]
pub struct SampleArchiveRecords {
    /// The charter.
    pub charter: SignedCharter,
    /// Each feed's records held whole, in seq order; feeds in ascending device order.
    pub feeds: Vec<Vec<VerifiedRecord>>,
    /// The retracted record (the content the exporter dropped) and its retraction.
    pub retracted: (VerifiedRecord, VerifiedRecord),
    /// The fork proof the exporter holds.
    pub fork: ForkProof,
}

/// The records behind the sample archive: three founders' feeds. Org 0 writes a public
/// case study (seq 2), a members-only one (3), a case study it then retracts (4) and the
/// retraction (5); org 1 a campaign (members only, 2); org 2 a profile (2) the exporter
/// never received and a public case study (3). Org 0's device also forked its seq 2.
pub fn sample_archive_records() -> SampleArchiveRecords {
    let (charter, orgs) = sample_charter(3);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs, network);
    let mut feeds: Vec<Vec<VerifiedRecord>> = delegations.into_iter().map(|d| vec![d]).collect();
    feeds[0].push(signed(
        &mut writers[0],
        Body::Practice(sample_practice(Visibility::Public)),
        2,
    ));
    feeds[0].push(signed(
        &mut writers[0],
        Body::Practice(Practice {
            title: "Accompanying families to eviction hearings".to_owned(),
            ..sample_practice(Visibility::Members)
        }),
        3,
    ));
    let retracted = signed(
        &mut writers[0],
        Body::Practice(Practice {
            title: "Naming the officials at the demolition".to_owned(),
            ..sample_practice(Visibility::Public)
        }),
        4,
    );
    let retraction = signed(
        &mut writers[0],
        Body::Retraction(Retraction {
            target: retracted.id(),
            reason: "It named a resident who asked to be left out.".to_owned(),
        }),
        5,
    );
    feeds[0].push(retraction.clone());
    feeds[1].push(signed(
        &mut writers[1],
        Body::Campaign(Campaign {
            title: "Safe water for the resettlement site".to_owned(),
            goals: vec!["Piped water before the first families move".to_owned()],
            partners: vec![orgs[0].id()],
            status: CampaignStatus::Planning,
        }),
        6,
    ));
    let _never_received = signed(&mut writers[2], Body::Profile(sample_profile()), 7);
    feeds[2].push(signed(
        &mut writers[2],
        Body::Practice(Practice {
            title: "Health committees that outlast the project".to_owned(),
            themes: vec!["health".to_owned()],
            ..sample_practice(Visibility::Public)
        }),
        8,
    ));
    feeds.sort_by_key(|feed| feed.first().map(|record| record.record().author));
    let (_, fork) = sample_fork();
    SampleArchiveRecords {
        charter,
        feeds,
        retracted: (retracted, retraction),
        fork,
    }
}

/// The sample archive bundle (docs/archive.md), full or public-only, written by
/// [`crate::BundleWriter`] from [`sample_archive_records`].
pub fn sample_archive(public_only: bool) -> Vec<u8> {
    use crate::archive::{BundleWriter, TombstoneEntry};
    let sample = sample_archive_records();
    let (retracted, retraction) = &sample.retracted;
    let mut out = Vec::new();
    let mut writer = BundleWriter::new(&sample.charter, public_only, &mut out);
    let written = (|| {
        for feed in &sample.feeds {
            let author = feed[0].record().author;
            writer.feed(author, &mut out)?;
            for record in feed {
                if author == retracted.record().author
                    && record.record().seq == retracted.record().seq + 1
                {
                    writer.tombstone(
                        &TombstoneEntry {
                            seq: retracted.record().seq,
                            id: retracted.id(),
                            prev: retracted.record().prev,
                            timestamp_ms: retracted.record().timestamp_ms,
                            retraction: retraction.id(),
                        },
                        &mut out,
                    )?;
                }
                writer.record(record, &mut out)?;
            }
        }
        writer.fork_proof(&sample.fork, &mut out)?;
        writer.finish(&mut out)
    })();
    match written {
        Ok(_) => out,
        Err(error) => unreachable_fixture(&error),
    }
}

/// The bytes of the file the sample archive with attachments carries: 1,000 bytes,
/// byte `i` being `(i * 11 + 3) mod 256`, so an independent implementation can rebuild
/// them.
pub fn sample_archive_file() -> Vec<u8> {
    (0..1000u32).map(|i| ((i * 11 + 3) % 256) as u8).collect()
}

/// A bundle that carries attachments (format version 2): the first sample org's feed
/// (its delegation and a public case study naming [`sample_archive_file`] as
/// `survey-form.pdf`), then the file itself.
pub fn sample_archive_with_attachments() -> Vec<u8> {
    use crate::archive::BundleWriter;
    use crate::blob::chunk_list_of;
    let (charter, orgs) = sample_charter(3);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs[..1], network);
    let file = sample_archive_file();
    let blob = match chunk_list_of(&file) {
        Ok(list) => list.root(),
        Err(error) => unreachable_fixture(&error),
    };
    let mut practice = sample_practice(Visibility::Public);
    practice.attachments.push(crate::body::Attachment {
        name: "survey-form.pdf".to_owned(),
        media_type: "application/pdf".to_owned(),
        size: file.len() as u64,
        blob,
    });
    let study = signed(&mut writers[0], Body::Practice(practice), 2);
    let mut out = Vec::new();
    let mut writer = BundleWriter::with_attachments(&charter, false, &mut out);
    let written = (|| {
        writer.feed(delegations[0].record().author, &mut out)?;
        writer.record(&delegations[0], &mut out)?;
        writer.record(&study, &mut out)?;
        writer.attachment(blob, file.len() as u64, &mut out)?;
        out.extend_from_slice(&file);
        writer.finish(&mut out)
    })();
    match written {
        Ok(_) => out,
        Err(error) => unreachable_fixture(&error),
    }
}
