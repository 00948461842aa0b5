//! Records as JSON, written once: what `GET /v1/records`, the event stream and any
//! JSON export show. Ids and keys appear in their text form (`rec_…`, `org_…`,
//! `dev_…`, `root_…`), signatures and raw bytes as lowercase hex, enum values as
//! lowercase words. Also the other direction for request fields: [`Text`] parses those
//! same text forms, with a message naming what was expected.

use std::fmt::Display;
use std::str::FromStr;

use commons_protocol::text::hex;
use commons_protocol::{
    Body, BodyKind, CampaignStatus, DeviceKey, GroupChoice, OrgId, RecordId, ResponseKind, RootKey,
    Severity, VerifiedRecord, Visibility, VoteChoice,
};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use crate::revisions::Versions;

/// A record as the API shows it: header, org, body, and the signed bytes in hex (so
/// anyone can check the signature again).
pub fn record_json(record: &VerifiedRecord, org: &OrgId) -> Value {
    let header = record.record();
    json!({
        "id": record.id().to_string(),
        "kind": kind_label(&header.body),
        "org": org.to_string(),
        "author": header.author.to_string(),
        "seq": header.seq,
        "prev": header.prev.map(|prev| prev.to_string()),
        "timestamp_ms": header.timestamp_ms,
        "visibility": header.body.visibility().text(),
        "body": body_json(&header.body),
        "signed": hex(record.signed_bytes()),
    })
}

/// Adds to a record's JSON what its versions are ([`crate::revisions`]): `original`
/// (the first version's id), `latest` (the id of the version shown), `versions` (how
/// many, the original included), `latest_timestamp_ms`, and `latest_body`, the version
/// shown's content as a body of the original's kind. `body` and `signed` stay the
/// record's own.
pub fn add_versions(answer: &mut Value, versions: &Versions) {
    let Some(fields) = answer.as_object_mut() else {
        return;
    };
    let latest = versions.latest();
    fields.insert(
        "original".to_owned(),
        json!(versions.original.record.id().to_string()),
    );
    fields.insert("latest".to_owned(), json!(latest.record.id().to_string()));
    fields.insert("versions".to_owned(), json!(versions.count()));
    fields.insert(
        "latest_timestamp_ms".to_owned(),
        json!(latest.record.record().timestamp_ms),
    );
    fields.insert("latest_body".to_owned(), body_json(&versions.latest_body()));
}

/// The kind's name ([`BodyKind::name`]), or `unknown` for a kind this version does not
/// know.
pub fn kind_label(body: &Body) -> &'static str {
    body.kind().map_or("unknown", BodyKind::name)
}

/// A body's fields as JSON, for every kind; a kind this version does not know shows its
/// wire number and its bytes in hex.
pub fn body_json(body: &Body) -> Value {
    let texts = |items: &[String]| Value::from(items.to_vec());
    match body {
        Body::Delegation(delegation) => json!({
            "org": delegation.org.to_string(),
            "device": delegation.device.to_string(),
            "label": delegation.label,
            "root": delegation.root.to_string(),
            "root_signature": hex(delegation.root_signature.as_bytes()),
        }),
        Body::Revocation(revocation) => json!({
            "org": revocation.org.to_string(),
            "device": revocation.device.to_string(),
            "from_seq": revocation.from_seq,
            "root": revocation.root.to_string(),
            "root_signature": hex(revocation.root_signature.as_bytes()),
        }),
        Body::RootRotation(rotation) => json!({
            "org": rotation.org.to_string(),
            "old_root": rotation.old_root.to_string(),
            "new_root": rotation.new_root.to_string(),
            "old_signature": hex(rotation.old_signature.as_bytes()),
            "new_signature": hex(rotation.new_signature.as_bytes()),
        }),
        Body::Profile(profile) => json!({
            "name": profile.name,
            "country": profile.country,
            "region": profile.region,
            "website": profile.website,
            "working_groups": texts(&profile.working_groups),
            "languages": texts(&profile.languages),
            "description": profile.description,
        }),
        Body::Practice(practice) => json!({
            "title": practice.title,
            "summary": practice.summary,
            "body": practice.body,
            "themes": texts(&practice.themes),
            "regions": texts(&practice.regions),
            "language": practice.language,
            "licence": practice.licence,
            "links": texts(&practice.links),
            "visibility": practice.visibility.text(),
            "attachments": attachments_json(&practice.attachments),
        }),
        Body::Campaign(campaign) => json!({
            "title": campaign.title,
            "goals": texts(&campaign.goals),
            "partners": campaign.partners.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "status": campaign.status.text(),
        }),
        Body::CampaignUpdate(update) => json!({
            "campaign": update.campaign.to_string(),
            "status": update.status.map(TextEnum::text),
            "body": update.body,
        }),
        Body::Alert(alert) => json!({
            "severity": alert.severity.text(),
            "region": alert.region,
            "title": alert.title,
            "body": alert.body,
            "action_requested": alert.action_requested,
            "expires_at_ms": alert.expires_at_ms,
        }),
        Body::AlertResponse(response) => json!({
            "alert": response.alert.to_string(),
            "response": response.response.text(),
            "note": response.note,
        }),
        Body::Retraction(retraction) => json!({
            "target": retraction.target.to_string(),
            "reason": retraction.reason,
        }),
        Body::RedactionVote(vote) => json!({
            "target": vote.target.to_string(),
            "target_author": vote.target_author.to_string(),
            "reason": vote.reason,
        }),
        Body::Application(application) => json!({
            "org": application.org.to_string(),
            "statement": application.statement,
        }),
        Body::Vote(vote) => match vote.choice {
            VoteChoice::Admit => json!({ "subject": vote.subject.to_string(), "choice": "admit" }),
            VoteChoice::Remove => {
                json!({ "subject": vote.subject.to_string(), "choice": "remove" })
            }
            VoteChoice::Recover { new_root } => json!({
                "subject": vote.subject.to_string(),
                "choice": "recover",
                "new_root": new_root.to_string(),
            }),
        },
        Body::Revision(revision) => json!({
            "original": revision.original.to_string(),
            "content_kind": revision.content.kind().name(),
            "content": body_json(&revision.content.to_body()),
        }),
        Body::SealingKey(announcement) => json!({ "key": hex(&announcement.key.0) }),
        Body::GroupFounding(founding) => json!({
            "name": founding.name,
            "purpose": founding.purpose,
            "admission": founding.admission.to_string(),
            "removal": founding.removal.to_string(),
        }),
        Body::GroupVote(vote) => match vote.choice {
            GroupChoice::Admit { history } => json!({
                "group": vote.group.to_string(),
                "subject": vote.subject.to_string(),
                "choice": "admit",
                "history": history,
            }),
            GroupChoice::Remove => json!({
                "group": vote.group.to_string(),
                "subject": vote.subject.to_string(),
                "choice": "remove",
            }),
        },
        // A group's key and records: who the key is sealed to, and how large the
        // content is; never the content, which only the group's devices can open.
        Body::GroupKeys(keys) => json!({
            "group": keys.group.to_string(),
            "follows": keys.follows.map(|epoch| epoch.to_string()),
            "sealed_to": keys.sealed.iter().map(|sealed| sealed.device.to_string()).collect::<Vec<_>>(),
        }),
        Body::GroupHistory(history) => json!({
            "group": history.group.to_string(),
            "granted": history.keys.iter().map(|entry| json!({
                "epoch": entry.epoch.to_string(),
                "device": entry.sealed.device.to_string(),
            })).collect::<Vec<_>>(),
        }),
        Body::GroupRecord(record) => json!({
            "group": record.group.to_string(),
            "epoch": record.epoch.to_string(),
            "ciphertext_bytes": record.ciphertext.len(),
        }),
        // `Body::Unknown`, and any kind a later protocol version adds before this
        // mapping learns it.
        other => json!({ "kind": other.kind_code(), "bytes": hex(&other.encode()) }),
    }
}

/// An enum of the protocol shown and parsed as one lowercase word.
pub trait TextEnum: Sized + Copy + 'static {
    /// What the value is, for error messages ("visibility").
    const WHAT: &'static str;
    /// Every value.
    const ALL: &'static [Self];
    /// The value's word.
    fn text(self) -> &'static str;
    /// The value named `text`.
    fn from_text(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.text() == text)
    }
    /// Why `text` names no value: what it is and which words are accepted.
    fn unknown(text: &str) -> String {
        let words: Vec<&str> = Self::ALL.iter().map(|value| value.text()).collect();
        format!(
            "unknown {} `{text}`: expected one of {}",
            Self::WHAT,
            words.join(", ")
        )
    }
}

impl TextEnum for Visibility {
    const WHAT: &'static str = "visibility";
    const ALL: &'static [Self] = &[Visibility::Public, Visibility::Members];
    fn text(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Members => "members",
        }
    }
}

impl TextEnum for CampaignStatus {
    const WHAT: &'static str = "campaign status";
    const ALL: &'static [Self] = &[
        CampaignStatus::Planning,
        CampaignStatus::Active,
        CampaignStatus::Paused,
        CampaignStatus::Won,
        CampaignStatus::Closed,
    ];
    fn text(self) -> &'static str {
        match self {
            CampaignStatus::Planning => "planning",
            CampaignStatus::Active => "active",
            CampaignStatus::Paused => "paused",
            CampaignStatus::Won => "won",
            CampaignStatus::Closed => "closed",
        }
    }
}

impl TextEnum for Severity {
    const WHAT: &'static str = "severity";
    const ALL: &'static [Self] = &[Severity::Watch, Severity::Urgent, Severity::Critical];
    fn text(self) -> &'static str {
        match self {
            Severity::Watch => "watch",
            Severity::Urgent => "urgent",
            Severity::Critical => "critical",
        }
    }
}

impl TextEnum for ResponseKind {
    const WHAT: &'static str = "response";
    const ALL: &'static [Self] = &[
        ResponseKind::Acknowledged,
        ResponseKind::Acting,
        ResponseKind::Shared,
    ];
    fn text(self) -> &'static str {
        match self {
            ResponseKind::Acknowledged => "acknowledged",
            ResponseKind::Acting => "acting",
            ResponseKind::Shared => "shared",
        }
    }
}

impl TextEnum for BodyKind {
    const WHAT: &'static str = "kind";
    const ALL: &'static [Self] = &BodyKind::ALL;
    fn text(self) -> &'static str {
        self.name()
    }
}

/// A value that a request gives as text.
pub trait FromText: Sized {
    /// Parses `text`, or says why not.
    fn parse_text(text: &str) -> Result<Self, String>;
}

fn parse_display<T>(what: &str, text: &str) -> Result<T, String>
where
    T: FromStr,
    T::Err: Display,
{
    text.parse()
        .map_err(|error| format!("`{text}` is not {what}: {error}"))
}

impl FromText for RecordId {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("a record id", text)
    }
}

impl FromText for OrgId {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("an org id", text)
    }
}

impl FromText for commons_protocol::BlobId {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("an attachment id (blob_ and 64 hex digits)", text)
    }
}

impl FromText for DeviceKey {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("a device key", text)
    }
}

impl FromText for RootKey {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("a root key", text)
    }
}

macro_rules! text_enum_from_text {
    ($($type:ty),*) => {$(
        impl FromText for $type {
            fn parse_text(text: &str) -> Result<Self, String> {
                <$type as TextEnum>::from_text(text).ok_or_else(|| <$type as TextEnum>::unknown(text))
            }
        }
    )*};
}
text_enum_from_text!(Visibility, CampaignStatus, Severity, ResponseKind, BodyKind);

/// The paging cursor of `GET /v1/records`: `<timestamp_ms>:<record id>`, the last
/// record of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The last record's timestamp.
    pub timestamp_ms: u64,
    /// The last record's id.
    pub id: RecordId,
}

impl Cursor {
    /// The cursor after `record`.
    pub fn after(record: &VerifiedRecord) -> Self {
        Cursor {
            timestamp_ms: record.record().timestamp_ms,
            id: record.id(),
        }
    }
}

impl Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.timestamp_ms, self.id)
    }
}

impl FromText for Cursor {
    fn parse_text(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{text}` is not a paging cursor: use the `next` value of the previous page \
                 (<timestamp_ms>:<record id>)"
            )
        };
        let (timestamp, id) = text.split_once(':').ok_or_else(bad)?;
        Ok(Cursor {
            timestamp_ms: timestamp.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// A case study's files: `[{name, media_type, size, blob}]`.
pub fn attachments_json(files: &[commons_protocol::body::Attachment]) -> Value {
    Value::Array(
        files
            .iter()
            .map(|file| {
                json!({
                    "name": file.name,
                    "media_type": file.media_type,
                    "size": file.size,
                    "blob": file.blob.to_string(),
                })
            })
            .collect(),
    )
}

/// A request field given as text and parsed with [`FromText`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<T>(pub T);

impl<'de, T: FromText> Deserialize<'de> for Text<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        T::parse_text(&text).map(Text).map_err(D::Error::custom)
    }
}

/// Bytes from hex (either case); `None` if `text` is not an even number of hex digits.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let value = |digit: u8| char::from(digit).to_digit(16).map(|v| v as u8);
    digits
        .chunks_exact(2)
        .map(|pair| Some((value(pair[0])? << 4) | value(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_known_kind_has_its_fields_and_a_group_record_never_its_content() {
        let (_, records) = commons_protocol::fixtures::sample_records();
        for (kind, record) in &records {
            let shown = body_json(&record.record().body);
            assert!(
                shown.get("bytes").is_none(),
                "{kind} is shown as bytes: {shown}"
            );
        }
        let (_, group_record) = records
            .iter()
            .find(|(kind, _)| *kind == BodyKind::GroupRecord)
            .unwrap();
        let shown = body_json(&group_record.record().body).to_string();
        assert!(shown.contains("ciphertext_bytes"), "{shown}");
        assert!(!shown.contains("witness"), "{shown}");
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
        assert_eq!(body_json(&body), json!({ "kind": 99, "bytes": "0102ff" }));
    }
}
