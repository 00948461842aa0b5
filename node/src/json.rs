//! Records as JSON, written once: what `GET /v1/records`, the event stream and any
//! JSON export show. Ids and keys appear in their text form (`rec_…`, `org_…`,
//! `dev_…`, `root_…`), signatures and raw bytes as lowercase hex, enum values as
//! lowercase words (the text forms themselves, both ways, are in text_forms.rs and
//! re-exported here for the API).

use commons_protocol::body::{Campaign, Practice, Profile, Revised};
use commons_protocol::text::hex;
use commons_protocol::{Body, BodyKind, GroupChoice, OrgId, VerifiedRecord, VoteChoice};

use crate::contract::records::{
    AlertBody, AlertResponseBody, ApplicationBody, AttachmentJson, CampaignBody,
    CampaignUpdateBody, DelegationBody, GrantedKey, GroupChoiceJson, GroupFoundingBody,
    GroupHistoryBody, GroupKeysBody, GroupRecordBody, GroupVoteBody, PracticeBody, ProfileBody,
    RecordBody, RecordJson, RedactionVoteBody, RetractionBody, RevisionBody, RevocationBody,
    RootRotationBody, SealingKeyBody, ShownVersion, UnknownBody, VersionBody, VoteBody,
    VoteChoiceJson,
};
use crate::revisions::Versions;
pub use crate::text_forms::{Cursor, FromText, Text, TextEnum, from_hex};

/// A record as the API shows it: header, org, body, and the signed bytes in hex (so
/// anyone can check the signature again).
pub fn record_json(record: &VerifiedRecord, org: &OrgId) -> RecordJson {
    let header = record.record();
    RecordJson {
        id: record.id().to_string(),
        body: record_body(&header.body),
        org: org.to_string(),
        author: header.author.to_string(),
        seq: header.seq,
        prev: header.prev.map(|prev| prev.to_string()),
        timestamp_ms: header.timestamp_ms,
        visibility: header.body.visibility().text().to_owned(),
        signed: hex(record.signed_bytes()),
        shown: None,
    }
}

/// Adds to a record's JSON what its versions are ([`crate::revisions`]): `original`
/// (the first version's id), `latest` (the id of the version shown), `versions` (how
/// many, the original included), `latest_timestamp_ms`, and `latest_body`, the version
/// shown's content as a body of the original's kind. `body` and `signed` stay the
/// record's own.
pub fn add_versions(answer: &mut RecordJson, versions: &Versions) {
    let latest = versions.latest();
    // `Versions` holds only profiles, case studies and campaigns, so the content always
    // is one of them.
    let Some(latest_body) = version_body(&versions.latest_body()) else {
        return;
    };
    answer.shown = Some(ShownVersion {
        original: versions.original.record.id().to_string(),
        latest: latest.record.id().to_string(),
        versions: versions.count() as u64,
        latest_timestamp_ms: latest.record.record().timestamp_ms,
        latest_body,
    });
}

/// The kind's name ([`BodyKind::name`]), or `unknown` for a kind this version does not
/// know.
pub fn kind_label(body: &Body) -> &'static str {
    body.kind().map_or("unknown", BodyKind::name)
}

/// A profile's, case study's or campaign's fields: the content of one of its versions;
/// `None` for a body of another kind.
pub fn version_body(body: &Body) -> Option<VersionBody> {
    Revised::from_body(body).map(|content| revised_json(&content))
}

fn revised_json(content: &Revised) -> VersionBody {
    match content {
        Revised::Practice(practice) => VersionBody::Practice(practice_json(practice)),
        Revised::Campaign(campaign) => VersionBody::Campaign(campaign_json(campaign)),
        Revised::Profile(profile) => VersionBody::Profile(profile_json(profile)),
    }
}

fn practice_json(practice: &Practice) -> PracticeBody {
    PracticeBody {
        title: practice.title.clone(),
        summary: practice.summary.clone(),
        body: practice.body.clone(),
        themes: practice.themes.clone(),
        regions: practice.regions.clone(),
        language: practice.language.clone(),
        licence: practice.licence.clone(),
        links: practice.links.clone(),
        visibility: practice.visibility.text().to_owned(),
        attachments: attachments_json(&practice.attachments),
    }
}

fn campaign_json(campaign: &Campaign) -> CampaignBody {
    CampaignBody {
        title: campaign.title.clone(),
        goals: campaign.goals.clone(),
        partners: campaign.partners.iter().map(ToString::to_string).collect(),
        status: campaign.status.text().to_owned(),
    }
}

fn profile_json(profile: &Profile) -> ProfileBody {
    ProfileBody {
        name: profile.name.clone(),
        country: profile.country.clone(),
        region: profile.region.clone(),
        website: profile.website.clone(),
        working_groups: profile.working_groups.clone(),
        languages: profile.languages.clone(),
        description: profile.description.clone(),
    }
}

/// An alert's body as the record JSON (and the alert endpoints) show it.
pub fn alert_body(alert: &commons_protocol::Alert) -> AlertBody {
    AlertBody {
        severity: alert.severity.text().to_owned(),
        region: alert.region.clone(),
        title: alert.title.clone(),
        body: alert.body.clone(),
        action_requested: alert.action_requested.clone(),
        expires_at_ms: alert.expires_at_ms,
    }
}

/// A body's kind and fields, for every kind; a kind this version does not know shows
/// its wire number and its bytes in hex.
pub fn record_body(body: &Body) -> RecordBody {
    match body {
        Body::Delegation(delegation) => RecordBody::Delegation(DelegationBody {
            org: delegation.org.to_string(),
            device: delegation.device.to_string(),
            label: delegation.label.clone(),
            root: delegation.root.to_string(),
            root_signature: hex(delegation.root_signature.as_bytes()),
        }),
        Body::Revocation(revocation) => RecordBody::Revocation(RevocationBody {
            org: revocation.org.to_string(),
            device: revocation.device.to_string(),
            from_seq: revocation.from_seq,
            root: revocation.root.to_string(),
            root_signature: hex(revocation.root_signature.as_bytes()),
        }),
        Body::RootRotation(rotation) => RecordBody::RootRotation(RootRotationBody {
            org: rotation.org.to_string(),
            old_root: rotation.old_root.to_string(),
            new_root: rotation.new_root.to_string(),
            old_signature: hex(rotation.old_signature.as_bytes()),
            new_signature: hex(rotation.new_signature.as_bytes()),
        }),
        Body::Profile(profile) => RecordBody::Profile(profile_json(profile)),
        Body::Practice(practice) => RecordBody::Practice(practice_json(practice)),
        Body::Campaign(campaign) => RecordBody::Campaign(campaign_json(campaign)),
        Body::CampaignUpdate(update) => RecordBody::CampaignUpdate(CampaignUpdateBody {
            campaign: update.campaign.to_string(),
            status: update.status.map(|status| status.text().to_owned()),
            body: update.body.clone(),
        }),
        Body::Alert(alert) => RecordBody::Alert(alert_body(alert)),
        Body::AlertResponse(response) => RecordBody::AlertResponse(AlertResponseBody {
            alert: response.alert.to_string(),
            response: response.response.text().to_owned(),
            note: response.note.clone(),
        }),
        Body::Retraction(retraction) => RecordBody::Retraction(RetractionBody {
            target: retraction.target.to_string(),
            reason: retraction.reason.clone(),
        }),
        Body::RedactionVote(vote) => RecordBody::RedactionVote(RedactionVoteBody {
            target: vote.target.to_string(),
            target_author: vote.target_author.to_string(),
            reason: vote.reason.clone(),
        }),
        Body::Application(application) => RecordBody::Application(ApplicationBody {
            org: application.org.to_string(),
            statement: application.statement.clone(),
        }),
        Body::Vote(vote) => RecordBody::Vote(VoteBody {
            subject: vote.subject.to_string(),
            choice: match vote.choice {
                VoteChoice::Admit => VoteChoiceJson::Admit,
                VoteChoice::Remove => VoteChoiceJson::Remove,
                VoteChoice::Recover { new_root } => VoteChoiceJson::Recover {
                    new_root: new_root.to_string(),
                },
            },
        }),
        Body::Revision(revision) => RecordBody::Revision(RevisionBody {
            original: revision.original.to_string(),
            content_kind: revision.content.kind().name().to_owned(),
            content: revised_json(&revision.content),
        }),
        Body::SealingKey(announcement) => RecordBody::SealingKey(SealingKeyBody {
            key: hex(&announcement.key.0),
        }),
        Body::GroupFounding(founding) => RecordBody::GroupFounding(GroupFoundingBody {
            name: founding.name.clone(),
            purpose: founding.purpose.clone(),
            admission: founding.admission.to_string(),
            removal: founding.removal.to_string(),
        }),
        Body::GroupVote(vote) => RecordBody::GroupVote(GroupVoteBody {
            group: vote.group.to_string(),
            subject: vote.subject.to_string(),
            choice: match vote.choice {
                GroupChoice::Admit { history } => GroupChoiceJson::Admit { history },
                GroupChoice::Remove => GroupChoiceJson::Remove,
            },
        }),
        // A group's key and records: who the key is sealed to, and how large the
        // content is; never the content, which only the group's devices can open.
        Body::GroupKeys(keys) => RecordBody::GroupKeys(GroupKeysBody {
            group: keys.group.to_string(),
            follows: keys.follows.map(|epoch| epoch.to_string()),
            sealed_to: keys
                .sealed
                .iter()
                .map(|sealed| sealed.device.to_string())
                .collect(),
        }),
        Body::GroupHistory(history) => RecordBody::GroupHistory(GroupHistoryBody {
            group: history.group.to_string(),
            granted: history
                .keys
                .iter()
                .map(|entry| GrantedKey {
                    epoch: entry.epoch.to_string(),
                    device: entry.sealed.device.to_string(),
                })
                .collect(),
        }),
        Body::GroupRecord(record) => RecordBody::GroupRecord(GroupRecordBody {
            group: record.group.to_string(),
            epoch: record.epoch.to_string(),
            ciphertext_bytes: record.ciphertext.len() as u64,
        }),
        // `Body::Unknown`, and any kind a later protocol version adds before this
        // mapping learns it.
        other => RecordBody::Unknown(UnknownBody {
            kind: u64::from(other.kind_code()),
            bytes: hex(&other.encode()),
        }),
    }
}

/// A case study's files: `[{name, media_type, size, blob}]`.
pub fn attachments_json(files: &[commons_protocol::body::Attachment]) -> Vec<AttachmentJson> {
    files
        .iter()
        .map(|file| AttachmentJson {
            name: file.name.clone(),
            media_type: file.media_type.clone(),
            size: file.size,
            blob: file.blob.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::{CampaignStatus, RecordId, ResponseKind, Severity, Visibility};

    use super::*;

    #[test]
    fn every_known_kind_has_its_fields_and_a_group_record_never_its_content() {
        let (_, records) = commons_protocol::fixtures::sample_records();
        for (kind, record) in &records {
            let shown = record_body(&record.record().body);
            assert!(
                !matches!(shown, RecordBody::Unknown(_)),
                "{kind} is shown as bytes: {shown:?}"
            );
            assert_eq!(shown.kind(), kind.name());
        }
        let (_, group_record) = records
            .iter()
            .find(|(kind, _)| *kind == BodyKind::GroupRecord)
            .unwrap();
        let shown = serde_json::to_string(&record_body(&group_record.record().body)).unwrap();
        assert!(shown.contains("ciphertext_bytes"), "{shown}");
        assert!(!shown.contains("witness"), "{shown}");
    }

    #[test]
    fn every_kind_reads_back_as_it_was_shown() {
        let (charter, records) = commons_protocol::fixtures::sample_records();
        let org = charter.charter().founders[0].org;
        for (kind, record) in &records {
            let shown = record_json(record, &org);
            let value = serde_json::to_value(&shown).unwrap();
            assert_eq!(value["kind"], kind.name(), "{value}");
            assert!(value["body"].is_object(), "{value}");
            let read: RecordJson = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(read, shown, "{kind}");
            let fields = serde_json::to_value(shown.body.clone().into_fields()).unwrap();
            assert_eq!(fields, value["body"], "{kind}");
        }
    }

    #[test]
    fn hex_round_trips_and_refuses_odd_or_foreign_digits() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_hex(&hex(&bytes)).unwrap(), bytes);
        assert_eq!(from_hex("ABcd").unwrap(), vec![0xab, 0xcd]);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn every_enum_word_parses_back() {
        fn check<T: TextEnum + PartialEq + std::fmt::Debug>() {
            for value in T::ALL {
                assert_eq!(T::from_text(value.text()), Some(*value));
            }
            assert!(T::unknown("nope").contains("expected one of"));
        }
        check::<Visibility>();
        check::<CampaignStatus>();
        check::<Severity>();
        check::<ResponseKind>();
        check::<BodyKind>();
    }

    #[test]
    fn cursor_round_trips() {
        let cursor = Cursor {
            timestamp_ms: 1_767_225_600_000,
            id: RecordId::of(b"abc"),
        };
        assert_eq!(Cursor::parse_text(&cursor.to_string()).unwrap(), cursor);
        assert!(Cursor::parse_text("12").is_err());
        assert!(Cursor::parse_text("x:rec_00").is_err());
    }

    #[test]
    fn unknown_kinds_show_their_number_and_bytes() {
        let body = Body::Unknown {
            kind: 99,
            bytes: vec![1, 2, 255],
        };
        assert_eq!(kind_label(&body), "unknown");
        assert_eq!(
            serde_json::to_value(record_body(&body).into_fields()).unwrap(),
            serde_json::json!({ "kind": 99, "bytes": "0102ff" })
        );
    }
}
