//! The request bodies of `POST /v1/publish/*` and the other writes (docs/api.md §5, §6,
//! §13, §15, §17, §18). The server parses each body with its type here and the clients
//! build their bodies from the same types.
//!
//! Ids, keys and the words of enums stay strings, as the top of the contract says, so
//! that a client sends what its operator typed and the node is the one judge of it. The
//! node still checks them while it parses the body ([`checked`]), as it did when each
//! endpoint had its own struct: a bad id is refused as `bad_json`, naming the field and
//! where it is, with the same message as before. Every body refuses unknown fields, and
//! an `Option` is left out when `None` because the node reads an absent field and a
//! `null` one alike.

use serde::{Deserialize, Serialize};

/// `POST /v1/publish/practice`: a case study (docs/api.md §5), or a new version of one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PracticeRequest {
    /// The record this is a new version of (`rec_…`, its original or any version of it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::record_option"
    )]
    pub revises: Option<String>,
    /// The title, not blank.
    pub title: String,
    /// One or two sentences saying what it is about.
    #[serde(default)]
    pub summary: String,
    /// The text, in Markdown.
    pub body: String,
    /// Themes (`housing`, `land`…).
    #[serde(default)]
    pub themes: Vec<String>,
    /// Regions it concerns.
    #[serde(default)]
    pub regions: Vec<String>,
    /// The language it is written in; `en` when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The licence others may reuse it under; `CC-BY-4.0` when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Links to more material.
    #[serde(default)]
    pub links: Vec<String>,
    /// `public` or `members`; `members` when `None`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::visibility_option"
    )]
    pub visibility: Option<String>,
    /// Files uploaded first with `POST /v1/attachments` (docs/api.md §15).
    #[serde(default)]
    pub attachments: Vec<AttachmentRequest>,
}

/// One file a case study names (docs/api.md §15, "Publishing with files"): as
/// `POST /v1/attachments` answered it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRequest {
    /// The file's name.
    pub name: String,
    /// Its media type (`application/pdf`…).
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its id, `blob_…`.
    #[serde(deserialize_with = "checked::blob")]
    pub blob: String,
}

/// `POST /v1/publish/campaign` (docs/api.md §5), or a new version of one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    /// The record this is a new version of (`rec_…`, its original or any version of it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::record_option"
    )]
    pub revises: Option<String>,
    /// The title, not blank.
    pub title: String,
    /// The campaign's goals.
    #[serde(default)]
    pub goals: Vec<String>,
    /// Partner orgs, `org_…`.
    #[serde(default, deserialize_with = "checked::orgs")]
    pub partners: Vec<String>,
    /// `planning`, `active`, `paused`, `won` or `closed`; `active` when `None`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::campaign_status_option"
    )]
    pub status: Option<String>,
}

/// `POST /v1/publish/update`: a campaign update (docs/api.md §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// The campaign's record id, `rec_…`.
    #[serde(deserialize_with = "checked::record")]
    pub campaign: String,
    /// The campaign's new status, if it changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::campaign_status_option"
    )]
    pub status: Option<String>,
    /// The text, in Markdown.
    pub body: String,
}

/// One record of `POST /v1/publish/batch` (docs/api.md §5): the body of the single
/// endpoint of its kind, with `"kind"` naming it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum BatchItem {
    /// As `POST /v1/publish/practice`, without `revises`.
    Practice(PracticeRequest),
    /// As `POST /v1/publish/campaign`, without `revises`.
    Campaign(CampaignRequest),
    /// As `POST /v1/publish/update`.
    Update(UpdateRequest),
}

/// `POST /v1/publish/batch` (docs/api.md §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The records, published in this order.
    pub records: Vec<BatchItem>,
}

/// `POST /v1/publish/alert`: a solidarity alert (docs/api.md §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRequest {
    /// `watch`, `urgent` or `critical`.
    #[serde(deserialize_with = "checked::severity")]
    pub severity: String,
    /// Where it happened.
    pub region: String,
    /// What happened, in a few words; not blank.
    pub title: String,
    /// The text.
    pub body: String,
    /// What members are asked to do.
    #[serde(default)]
    pub action_requested: String,
    /// How long the alert stays current, at least 1; 168 (a week) when neither this nor
    /// `expires_at_ms` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_hours: Option<u64>,
    /// When it stops being current, in ms since the epoch; not with `expires_in_hours`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<u64>,
}

/// `POST /v1/publish/respond`: an answer to an alert (docs/api.md §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RespondRequest {
    /// The alert's record id, `rec_…`.
    #[serde(deserialize_with = "checked::record")]
    pub alert: String,
    /// `acknowledged`, `acting` or `shared`.
    #[serde(deserialize_with = "checked::response")]
    pub response: String,
    /// What the org did or will do.
    #[serde(default)]
    pub note: String,
}

/// `POST /v1/publish/retract` (docs/api.md §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetractRequest {
    /// The record to retract, `rec_…`, one of this org's.
    #[serde(deserialize_with = "checked::record")]
    pub target: String,
    /// Why, for the other members.
    #[serde(default)]
    pub reason: String,
}

/// `POST /v1/publish/profile`: who this org is (docs/api.md §5), or a new version of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    /// The record this is a new version of (`rec_…`, its original or any version of it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::record_option"
    )]
    pub revises: Option<String>,
    /// The org's name.
    pub name: String,
    /// Its country.
    #[serde(default)]
    pub country: String,
    /// Its region.
    #[serde(default)]
    pub region: String,
    /// Its website.
    #[serde(default)]
    pub website: String,
    /// The working groups it takes part in.
    #[serde(default)]
    pub working_groups: Vec<String>,
    /// The languages it works in.
    #[serde(default)]
    pub languages: Vec<String>,
    /// What it does.
    #[serde(default)]
    pub description: String,
}

/// `POST /v1/publish/application`: this node's org asks to join (docs/api.md §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    /// Who the org is and why it asks.
    pub statement: String,
}

/// `POST /v1/publish/vote` (docs/api.md §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// The org voted on, `org_…`.
    #[serde(deserialize_with = "checked::org")]
    pub subject: String,
    /// `admit`, `remove` or `recover`; the node checks the word, with `new_root`.
    pub choice: String,
    /// The org's new root key, `root_…`, with `recover` only.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::root_option"
    )]
    pub new_root: Option<String>,
}

/// `POST /v1/publish/revocation`: a revocation the org's root key signed (docs/api.md
/// §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationRequest {
    /// The device taken back, `dev_…`, of this org.
    #[serde(deserialize_with = "checked::device")]
    pub device: String,
    /// The first seq refused, at least 1.
    pub from_seq: u64,
    /// The org's current root key, `root_…`.
    #[serde(deserialize_with = "checked::root")]
    pub root: String,
    /// The root key's signature over the revocation statement, 128 hex digits.
    pub root_signature: String,
}

/// `POST /v1/records`: a record signed elsewhere (docs/api.md §6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// The signed record's bytes, in hex (either case).
    pub signed: String,
}

/// `POST /v1/archive/import`: a batch of an archive's records (docs/api.md §13).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The network the archive belongs to, `net_…`.
    pub network: String,
    /// Signed records, each in hex, ingested in this order.
    pub records: Vec<String>,
}

/// `POST /v1/publish/group`: founds a working group (docs/api.md §17).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoundGroupRequest {
    /// The group's name, not blank.
    pub name: String,
    /// What the group is for.
    #[serde(default)]
    pub purpose: String,
    /// The members' votes needed to admit an org, a count (`"2"`) or a fraction
    /// (`"1/2"`); `1/2` when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission: Option<String>,
    /// The other members' votes needed to remove one, as `admission`; `2/3` when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal: Option<String>,
}

/// `POST /v1/publish/group-vote`: a vote on an org's place in a group (docs/api.md §17).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupVoteRequest {
    /// The group's id (`rec_…`) or its name.
    pub group: String,
    /// The org voted on, `org_…`.
    #[serde(deserialize_with = "checked::org")]
    pub subject: String,
    /// `admit` or `remove`; the node checks the word, with `history`.
    pub choice: String,
    /// With `admit`: also give the org what the group published before.
    #[serde(default)]
    pub history: bool,
}

/// `POST /v1/publish/group-record`: a case study sealed to a working group (docs/api.md
/// §17).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRecordRequest {
    /// The group's id (`rec_…`) or its name.
    pub group: String,
    /// The title, not blank.
    pub title: String,
    /// One or two sentences saying what it is about.
    #[serde(default)]
    pub summary: String,
    /// The text, in Markdown.
    #[serde(default)]
    pub body: String,
    /// Themes (`housing`, `land`…).
    #[serde(default)]
    pub themes: Vec<String>,
    /// Regions it concerns.
    #[serde(default)]
    pub regions: Vec<String>,
    /// The language it is written in.
    #[serde(default)]
    pub language: String,
}

/// `POST /v1/publish/redaction`: this org's vote to redact a record (docs/api.md §18).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionRequest {
    /// The record, `rec_…`.
    #[serde(deserialize_with = "checked::record")]
    pub target: String,
    /// Why it endangers someone, not blank; public to the network.
    pub reason: String,
}

/// The node's checks of the text fields it parses, run while the body is parsed so that
/// a refusal names the field and its place in the body. Each keeps the text: the
/// handler reads the value with [`crate::text_forms::FromText`], which cannot fail then.
pub mod checked {
    use std::marker::PhantomData;

    use commons_protocol::{
        BlobId, CampaignStatus, DeviceKey, OrgId, RecordId, ResponseKind, RootKey, Severity,
        Visibility,
    };
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer};

    use crate::text_forms::FromText;

    /// A text that parses as a `T`, kept as the text.
    struct Valid<T>(String, PhantomData<fn() -> T>);

    impl<'de, T: FromText> Deserialize<'de> for Valid<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let text = String::deserialize(deserializer)?;
            T::parse_text(&text).map_err(D::Error::custom)?;
            Ok(Valid(text, PhantomData))
        }
    }

    fn one<'de, T: FromText, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        Valid::<T>::deserialize(deserializer).map(|valid| valid.0)
    }

    fn option<'de, T: FromText, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        Option::<Valid<T>>::deserialize(deserializer).map(|valid| valid.map(|valid| valid.0))
    }

    fn list<'de, T: FromText, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<String>, D::Error> {
        Vec::<Valid<T>>::deserialize(deserializer)
            .map(|valid| valid.into_iter().map(|valid| valid.0).collect())
    }

    /// A record id, `rec_…`.
    pub fn record<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        one::<RecordId, D>(deserializer)
    }

    /// A record id, `rec_…`, or nothing.
    pub fn record_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        option::<RecordId, D>(deserializer)
    }

    /// An org id, `org_…`.
    pub fn org<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        one::<OrgId, D>(deserializer)
    }

    /// Org ids, `org_…`.
    pub fn orgs<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
        list::<OrgId, D>(deserializer)
    }

    /// A device key, `dev_…`.
    pub fn device<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        one::<DeviceKey, D>(deserializer)
    }

    /// A root key, `root_…`.
    pub fn root<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        one::<RootKey, D>(deserializer)
    }

    /// A root key, `root_…`, or nothing.
    pub fn root_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        option::<RootKey, D>(deserializer)
    }

    /// An attachment's id, `blob_…`.
    pub fn blob<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        one::<BlobId, D>(deserializer)
    }

    /// A visibility word, or nothing.
    pub fn visibility_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        option::<Visibility, D>(deserializer)
    }

    /// A campaign status word, or nothing.
    pub fn campaign_status_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        option::<CampaignStatus, D>(deserializer)
    }

    /// A severity word.
    pub fn severity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        one::<Severity, D>(deserializer)
    }

    /// A response word.
    pub fn response<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        one::<ResponseKind, D>(deserializer)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::{BlobId, RecordId, RootKeypair};
    use serde_json::json;

    use super::*;

    fn round_trips<T>(request: &T)
    where
        T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
    {
        let sent = serde_json::to_value(request).unwrap();
        assert_eq!(&serde_json::from_value::<T>(sent).unwrap(), request);
    }

    #[test]
    fn what_a_client_builds_the_node_reads_back_the_same() {
        let record = RecordId::of(b"a case study").to_string();
        let org = RootKeypair::from_seed([3; 32]).org_id().to_string();
        let practice = PracticeRequest {
            revises: Some(record.clone()),
            title: "Tenant-led surveys".to_owned(),
            body: "…".to_owned(),
            visibility: Some("public".to_owned()),
            attachments: vec![AttachmentRequest {
                name: "survey.pdf".to_owned(),
                media_type: "application/pdf".to_owned(),
                size: 3,
                blob: BlobId::from_bytes([9; 32]).to_string(),
            }],
            ..PracticeRequest::default()
        };
        round_trips(&practice);
        round_trips(&BatchRequest {
            records: vec![
                BatchItem::Practice(PracticeRequest {
                    revises: None,
                    ..practice
                }),
                BatchItem::Campaign(CampaignRequest {
                    title: "No evictions".to_owned(),
                    partners: vec![org.clone()],
                    status: Some("won".to_owned()),
                    ..CampaignRequest::default()
                }),
                BatchItem::Update(UpdateRequest {
                    campaign: record.clone(),
                    status: None,
                    body: "Signed.".to_owned(),
                }),
            ],
        });
        round_trips(&VoteRequest {
            subject: org,
            choice: "admit".to_owned(),
            new_root: None,
        });
    }

    #[test]
    fn an_option_left_as_none_is_not_sent() {
        let sent = serde_json::to_value(UpdateRequest {
            campaign: "rec_…".to_owned(),
            status: None,
            body: String::new(),
        })
        .unwrap();
        assert_eq!(sent, json!({ "campaign": "rec_…", "body": "" }));
        let sent = serde_json::to_value(BatchItem::Update(UpdateRequest::default())).unwrap();
        assert_eq!(sent["kind"], "update");
    }

    #[test]
    fn a_bad_id_or_word_is_refused_saying_what_was_expected() {
        let refused = |body: serde_json::Value| {
            serde_json::from_value::<CampaignRequest>(body)
                .unwrap_err()
                .to_string()
        };
        assert!(refused(json!({ "title": "t", "partners": ["org_x"] })).contains("not an org id"));
        assert!(
            refused(json!({ "title": "t", "status": "lost" }))
                .contains("unknown campaign status `lost`")
        );
        assert!(refused(json!({ "title": "t", "revises": "x" })).contains("not a record id"));
        assert!(refused(json!({ "title": "t", "colour": "red" })).contains("unknown field"));
        let absent = serde_json::from_value::<CampaignRequest>(json!({
            "title": "t", "revises": null, "status": null,
        }))
        .unwrap();
        assert_eq!((absent.revises, absent.status), (None, None));
    }
}
