//! Reading and submitting records: the record JSON (docs/api.md §6–§8), a record's history and provenance.
//!
//! A record's `kind` and `body` are one value here, [`RecordBody`], tagged on the wire
//! the way the API shows them side by side (`"kind": "practice", "body": {…}`), so a
//! client matches on the kind and gets that kind's fields, never a `body["title"]` that
//! reads `null` for a kind that has none.

use serde::{Deserialize, Serialize, Serializer};

/// The record JSON (docs/api.md §8): what the listing, the single record, the event
/// stream and the archive's JSON lines show of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordJson {
    /// The record id, `rec_…`.
    pub id: String,
    /// Its kind (`kind`) and that kind's fields (`body`).
    #[serde(flatten)]
    pub body: RecordBody,
    /// The org the signing device speaks for, `org_…`.
    pub org: String,
    /// The signing device, `dev_…`.
    pub author: String,
    /// Its seq in the device's feed.
    pub seq: u64,
    /// The feed's record before it, `None` for a feed's first record (its delegation).
    pub prev: Option<String>,
    /// When it was signed, ms since the Unix epoch.
    pub timestamp_ms: u64,
    /// Who may read it: `public` or `members`.
    pub visibility: String,
    /// The exact signed bytes in hex, to check the signature and recompute the id.
    pub signed: String,
    /// For a case study, campaign or profile and a counting revision of one, in the
    /// listing and the single record (never in events or archives): which version
    /// every node shows.
    #[serde(flatten)]
    pub shown: Option<ShownVersion>,
}

impl RecordJson {
    /// The kind's name, as the wire's `kind` says it.
    pub fn kind(&self) -> &'static str {
        self.body.kind()
    }
}

/// The versions of a record as [`RecordJson::shown`] tells them (docs/api.md §8,
/// "which version every node shows").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownVersion {
    /// The first version's id.
    pub original: String,
    /// The id of the version shown.
    pub latest: String,
    /// How many versions, the first included.
    pub versions: u64,
    /// When the version shown was published.
    pub latest_timestamp_ms: u64,
    /// The version shown's content, as a body of the first version's kind.
    pub latest_body: VersionBody,
}

/// A record's kind and body (docs/api.md §8, "`body` by `kind`"): `kind` the kind's
/// name, `body` its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body", rename_all = "kebab-case")]
pub enum RecordBody {
    /// `delegation`: an org's root key lets a device sign for it.
    Delegation(DelegationBody),
    /// `revocation`: an org takes a device back from a seq on.
    Revocation(RevocationBody),
    /// `root-rotation`: an org replaces its root key.
    RootRotation(RootRotationBody),
    /// `profile`: who an org is.
    Profile(ProfileBody),
    /// `practice`: a case study.
    Practice(PracticeBody),
    /// `campaign`.
    Campaign(CampaignBody),
    /// `campaign-update`.
    CampaignUpdate(CampaignUpdateBody),
    /// `alert`: a solidarity alert.
    Alert(AlertBody),
    /// `alert-response`: an answer to an alert.
    AlertResponse(AlertResponseBody),
    /// `retraction`: an org takes back one of its records.
    Retraction(RetractionBody),
    /// `redaction-vote`: a member org votes to redact a record (docs/api.md §18).
    RedactionVote(RedactionVoteBody),
    /// `application`: an org asks to join.
    Application(ApplicationBody),
    /// `vote`: a member org's vote on an org.
    Vote(VoteBody),
    /// `revision`: a new version of a case study, campaign or profile.
    Revision(RevisionBody),
    /// `sealing-key`: a device's key for the records sealed to it (docs/api.md §17).
    SealingKey(SealingKeyBody),
    /// `group-founding`: a working group is founded (docs/api.md §17).
    GroupFounding(GroupFoundingBody),
    /// `group-vote`: a group member's vote on an org (docs/api.md §17).
    GroupVote(GroupVoteBody),
    /// `group-keys`: a group's key, sealed to its devices (docs/api.md §17).
    GroupKeys(GroupKeysBody),
    /// `group-history`: earlier keys granted to a newly admitted org's devices.
    GroupHistory(GroupHistoryBody),
    /// `group-record`: a record only the group reads; its size, never its content.
    GroupRecord(GroupRecordBody),
    /// `unknown`: a kind from a newer protocol version.
    Unknown(UnknownBody),
}

impl RecordBody {
    /// The kind's name (`BodyKind::name`), or `unknown`.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordBody::Delegation(_) => "delegation",
            RecordBody::Revocation(_) => "revocation",
            RecordBody::RootRotation(_) => "root-rotation",
            RecordBody::Profile(_) => "profile",
            RecordBody::Practice(_) => "practice",
            RecordBody::Campaign(_) => "campaign",
            RecordBody::CampaignUpdate(_) => "campaign-update",
            RecordBody::Alert(_) => "alert",
            RecordBody::AlertResponse(_) => "alert-response",
            RecordBody::Retraction(_) => "retraction",
            RecordBody::RedactionVote(_) => "redaction-vote",
            RecordBody::Application(_) => "application",
            RecordBody::Vote(_) => "vote",
            RecordBody::Revision(_) => "revision",
            RecordBody::SealingKey(_) => "sealing-key",
            RecordBody::GroupFounding(_) => "group-founding",
            RecordBody::GroupVote(_) => "group-vote",
            RecordBody::GroupKeys(_) => "group-keys",
            RecordBody::GroupHistory(_) => "group-history",
            RecordBody::GroupRecord(_) => "group-record",
            RecordBody::Unknown(_) => "unknown",
        }
    }

    /// Only the body's fields, as the wire shows them under `body` (for an answer that
    /// shows a body without its kind beside it).
    pub fn into_fields(self) -> BodyFields {
        BodyFields(self)
    }
}

/// A [`RecordBody`] serialized as its fields alone, without its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyFields(pub RecordBody);

impl Serialize for BodyFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            RecordBody::Delegation(body) => body.serialize(serializer),
            RecordBody::Revocation(body) => body.serialize(serializer),
            RecordBody::RootRotation(body) => body.serialize(serializer),
            RecordBody::Profile(body) => body.serialize(serializer),
            RecordBody::Practice(body) => body.serialize(serializer),
            RecordBody::Campaign(body) => body.serialize(serializer),
            RecordBody::CampaignUpdate(body) => body.serialize(serializer),
            RecordBody::Alert(body) => body.serialize(serializer),
            RecordBody::AlertResponse(body) => body.serialize(serializer),
            RecordBody::Retraction(body) => body.serialize(serializer),
            RecordBody::RedactionVote(body) => body.serialize(serializer),
            RecordBody::Application(body) => body.serialize(serializer),
            RecordBody::Vote(body) => body.serialize(serializer),
            RecordBody::Revision(body) => body.serialize(serializer),
            RecordBody::SealingKey(body) => body.serialize(serializer),
            RecordBody::GroupFounding(body) => body.serialize(serializer),
            RecordBody::GroupVote(body) => body.serialize(serializer),
            RecordBody::GroupKeys(body) => body.serialize(serializer),
            RecordBody::GroupHistory(body) => body.serialize(serializer),
            RecordBody::GroupRecord(body) => body.serialize(serializer),
            RecordBody::Unknown(body) => body.serialize(serializer),
        }
    }
}

/// The content of one version of a case study, campaign or profile, shown without its
/// kind (the kind is the first version's, said elsewhere): `latest_body`, a revision's
/// `content`, a history's `body`. The three kinds' fields tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VersionBody {
    /// A case study's fields.
    Practice(PracticeBody),
    /// A campaign's fields.
    Campaign(CampaignBody),
    /// A profile's fields.
    Profile(ProfileBody),
}

impl VersionBody {
    /// The kind's name: `practice`, `campaign` or `profile`.
    pub fn kind(&self) -> &'static str {
        match self {
            VersionBody::Practice(_) => "practice",
            VersionBody::Campaign(_) => "campaign",
            VersionBody::Profile(_) => "profile",
        }
    }

    /// What the version is called: a case study's or campaign's title, a profile's
    /// name.
    pub fn title(&self) -> &str {
        match self {
            VersionBody::Practice(practice) => &practice.title,
            VersionBody::Campaign(campaign) => &campaign.title,
            VersionBody::Profile(profile) => &profile.name,
        }
    }
}

/// `delegation`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationBody {
    /// The org, `org_…`.
    pub org: String,
    /// The device it delegates, `dev_…`.
    pub device: String,
    /// The device's label, such as "office server".
    pub label: String,
    /// The org's root key, `root_…`.
    pub root: String,
    /// The root key's signature, hex.
    pub root_signature: String,
}

/// `revocation`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationBody {
    /// The org, `org_…`.
    pub org: String,
    /// The device taken back, `dev_…`.
    pub device: String,
    /// The first seq the org no longer accepts from it.
    pub from_seq: u64,
    /// The org's root key, `root_…`.
    pub root: String,
    /// The root key's signature, hex.
    pub root_signature: String,
}

/// `root-rotation`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootRotationBody {
    /// The org, `org_…`.
    pub org: String,
    /// The root key replaced, `root_…`.
    pub old_root: String,
    /// The new root key, `root_…`.
    pub new_root: String,
    /// The old key's signature, hex.
    pub old_signature: String,
    /// The new key's signature, hex.
    pub new_signature: String,
}

/// `profile`'s body: who an org says it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileBody {
    /// The org's name.
    pub name: String,
    /// Its country.
    pub country: String,
    /// Its region.
    pub region: String,
    /// Its website.
    pub website: String,
    /// The working groups it takes part in.
    pub working_groups: Vec<String>,
    /// The languages it works in.
    pub languages: Vec<String>,
    /// What it does.
    pub description: String,
}

/// `practice`'s body: a case study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeBody {
    /// Its title.
    pub title: String,
    /// A short summary.
    pub summary: String,
    /// The text, Markdown.
    pub body: String,
    /// Its themes.
    pub themes: Vec<String>,
    /// The regions it is about.
    pub regions: Vec<String>,
    /// Its language.
    pub language: String,
    /// Its licence.
    pub licence: String,
    /// Links it names.
    pub links: Vec<String>,
    /// Who may read it: `public` or `members`.
    pub visibility: String,
    /// The files it names (docs/api.md §15).
    pub attachments: Vec<AttachmentJson>,
}

/// One file of [`PracticeBody::attachments`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentJson {
    /// The file's name.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its blob id, `blob_…`.
    pub blob: String,
}

/// `campaign`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignBody {
    /// Its title.
    pub title: String,
    /// Its goals.
    pub goals: Vec<String>,
    /// The partner orgs, `org_…`.
    pub partners: Vec<String>,
    /// `planning`, `active`, `paused`, `won` or `closed`.
    pub status: String,
}

/// `campaign-update`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignUpdateBody {
    /// The campaign, `rec_…`.
    pub campaign: String,
    /// Its new status, `None` when the update leaves it.
    pub status: Option<String>,
    /// The update's text.
    pub body: String,
}

/// `alert`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertBody {
    /// `watch`, `urgent` or `critical`.
    pub severity: String,
    /// The region it concerns.
    pub region: String,
    /// Its title.
    pub title: String,
    /// Its text.
    pub body: String,
    /// What it asks of the members.
    pub action_requested: String,
    /// When it expires, ms since the Unix epoch.
    pub expires_at_ms: u64,
}

/// `alert-response`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertResponseBody {
    /// The alert answered, `rec_…`.
    pub alert: String,
    /// `acknowledged`, `acting` or `shared`.
    pub response: String,
    /// A note.
    pub note: String,
}

/// `retraction`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetractionBody {
    /// The record retracted, `rec_…`.
    pub target: String,
    /// Why.
    pub reason: String,
}

/// `redaction-vote`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionVoteBody {
    /// The record to redact, `rec_…`.
    pub target: String,
    /// The device that signed it, `dev_…`.
    pub target_author: String,
    /// Why it endangers someone.
    pub reason: String,
}

/// `application`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationBody {
    /// The org applying, `org_…`.
    pub org: String,
    /// What it says of itself.
    pub statement: String,
}

/// `vote`'s body: `subject` and `choice`, and `new_root` for `recover`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteBody {
    /// The org voted on, `org_…`.
    pub subject: String,
    /// The choice.
    #[serde(flatten)]
    pub choice: VoteChoiceJson,
}

/// [`VoteBody::choice`]: `"choice": "admit" | "remove" | "recover"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "choice", rename_all = "lowercase")]
pub enum VoteChoiceJson {
    /// Admit the org.
    Admit,
    /// Remove it.
    Remove,
    /// Recover it under a new root key.
    Recover {
        /// The new root key, `root_…`.
        new_root: String,
    },
}

impl VoteChoiceJson {
    /// The choice's word.
    pub fn word(&self) -> &'static str {
        match self {
            VoteChoiceJson::Admit => "admit",
            VoteChoiceJson::Remove => "remove",
            VoteChoiceJson::Recover { .. } => "recover",
        }
    }
}

/// `revision`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionBody {
    /// The first version's id, `rec_…`.
    pub original: String,
    /// `practice`, `campaign` or `profile`.
    pub content_kind: String,
    /// The new version's fields, as for that kind.
    pub content: VersionBody,
}

/// `sealing-key`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealingKeyBody {
    /// The device's sealing key, hex.
    pub key: String,
}

/// `group-founding`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFoundingBody {
    /// The group's name.
    pub name: String,
    /// What it is for.
    pub purpose: String,
    /// The votes needed to admit an org, as the charter words thresholds.
    pub admission: String,
    /// The votes needed to remove one.
    pub removal: String,
}

/// `group-vote`'s body: `group`, `subject` and `choice`, and `history` for `admit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupVoteBody {
    /// The group, `rec_…`.
    pub group: String,
    /// The org voted on, `org_…`.
    pub subject: String,
    /// The choice.
    #[serde(flatten)]
    pub choice: GroupChoiceJson,
}

/// [`GroupVoteBody::choice`]: `"choice": "admit" | "remove"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "choice", rename_all = "lowercase")]
pub enum GroupChoiceJson {
    /// Admit the org.
    Admit {
        /// Whether it may also read what the group published before.
        history: bool,
    },
    /// Remove it (on the voter's own org: leave).
    Remove,
}

/// `group-keys`' body: who the key is sealed to, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupKeysBody {
    /// The group, `rec_…`.
    pub group: String,
    /// The epoch it follows, `None` for the first.
    pub follows: Option<String>,
    /// The devices it is sealed to, `dev_…`.
    pub sealed_to: Vec<String>,
}

/// `group-history`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupHistoryBody {
    /// The group, `rec_…`.
    pub group: String,
    /// The earlier keys granted.
    pub granted: Vec<GrantedKey>,
}

/// One key of [`GroupHistoryBody::granted`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantedKey {
    /// The `group-keys` record, `rec_…`.
    pub epoch: String,
    /// The device it is sealed to, `dev_…`.
    pub device: String,
}

/// `group-record`'s body: how large the content is, never the content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecordBody {
    /// The group, `rec_…`.
    pub group: String,
    /// The `group-keys` record it is sealed under.
    pub epoch: String,
    /// The sealed content's size.
    pub ciphertext_bytes: u64,
}

/// `unknown`'s body: a kind this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownBody {
    /// The kind's wire number.
    pub kind: u64,
    /// The body's bytes, hex.
    pub bytes: String,
}

/// `GET /v1/records` (docs/api.md §7): a page of records, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsPage {
    /// The records.
    pub records: Vec<RecordJson>,
    /// The cursor for the next page (`before`), `None` on the last page.
    pub next: Option<String>,
}

/// `GET /v1/records/{id}` (docs/api.md §7): the record with its provenance, or its
/// tombstone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RecordAnswer {
    /// The record is held.
    Held(Box<HeldRecord>),
    /// Its org retracted it (or the members redacted it).
    Retracted(Box<RetractedRecord>),
}

impl RecordAnswer {
    /// The record's id.
    pub fn id(&self) -> &str {
        match self {
            RecordAnswer::Held(held) => &held.record.id,
            RecordAnswer::Retracted(tombstone) => &tombstone.id,
        }
    }
}

/// [`RecordAnswer::Held`]: the record JSON, `retracted: false`, and its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRecord {
    /// The record.
    #[serde(flatten)]
    pub record: RecordJson,
    /// Always `false` here.
    pub retracted: bool,
    /// Who signed it and whether the signature verifies now.
    pub provenance: Provenance,
}

/// [`RecordAnswer::Retracted`]: where the record stood and what retracted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetractedRecord {
    /// The record's id.
    pub id: String,
    /// Always `true` here.
    pub retracted: bool,
    /// Whether the members' vote redacted it rather than its org retracting it (`false`
    /// from a node older than redaction, which does not say).
    #[serde(default)]
    pub redacted: bool,
    /// The device that signed it, `dev_…`.
    pub author: String,
    /// Its org, `None` if the roster does not know the author.
    pub org: Option<String>,
    /// Its seq.
    pub seq: u64,
    /// The retraction (or the deciding redaction vote), `rec_…`.
    pub retraction: String,
    /// Its timestamp from the feed entry kept, `None` if none is.
    pub timestamp_ms: Option<u64>,
    /// The feed's record before it, from the same entry.
    pub prev: Option<String>,
    /// The retraction record, `None` if it is not held.
    pub retraction_record: Option<RetractionRecord>,
    /// Who signed it; its own signature can no longer be checked.
    pub provenance: Provenance,
}

/// [`RetractedRecord::retraction_record`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetractionRecord {
    /// Its id, `rec_…`.
    pub id: String,
    /// Its device, `dev_…`.
    pub author: String,
    /// Its seq.
    pub seq: u64,
    /// When it was signed.
    pub timestamp_ms: u64,
    /// Why the record was retracted.
    pub reason: String,
    /// Its signature, checked again now.
    pub signature: SignatureCheck,
}

/// A record's provenance in `GET /v1/records/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The org, `None` in a tombstone whose author the roster does not know.
    pub org: Option<ProvenanceOrg>,
    /// The signing device as the roster knows it.
    pub device: ProvenanceDevice,
    /// The signature's check.
    pub signature: SignatureCheck,
}

/// [`Provenance::org`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenanceOrg {
    /// The org, `org_…`.
    pub id: String,
    /// Its name from the charter or its profile, `None` if neither says one.
    pub name: Option<String>,
    /// Whether it is a member now.
    pub member: bool,
}

/// [`Provenance::device`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenanceDevice {
    /// The device, `dev_…`.
    pub key: String,
    /// Its label, `None` if the roster does not know it.
    pub label: Option<String>,
    /// Its delegation, `None` if the roster does not know it.
    pub delegation: Option<String>,
    /// The first seq its org no longer accepts from it, `None` if not revoked.
    pub revoked_from: Option<u64>,
    /// Whether this record's seq is at or past `revoked_from`.
    pub revoked_at_seq: bool,
}

/// A signature checked again for the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureCheck {
    /// Whether it was checked (a tombstone's content signature cannot be).
    pub checked: bool,
    /// Whether it verifies, `None` when not checked.
    pub valid: Option<bool>,
    /// Why it does not verify.
    pub error: Option<String>,
    /// When it was checked, `None` when not checked.
    pub checked_at_ms: Option<u64>,
}

/// `GET /v1/records/{id}/history` (docs/api.md §7): every version, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryAnswer {
    /// The first version's id.
    pub original: String,
    /// The first version's kind: `practice`, `campaign` or `profile`.
    pub kind: String,
    /// The org, `org_…`.
    pub org: String,
    /// The id of the version shown.
    pub latest: String,
    /// The versions, oldest first.
    pub versions: Vec<HistoryVersion>,
}

/// One version of a [`HistoryAnswer`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryVersion {
    /// Its number, from 1.
    pub version: u64,
    /// Its record id.
    pub id: String,
    /// Its record's kind: the first version's, or `revision`.
    pub kind: String,
    /// When it was published.
    pub timestamp_ms: u64,
    /// The device that published it, `dev_…`.
    pub author: String,
    /// Its seq.
    pub seq: u64,
    /// Whether it is the version shown.
    pub latest: bool,
    /// Its content, as a body of the first version's kind.
    pub body: VersionBody,
}

/// `POST /v1/records`'s answer (docs/api.md §6), by `outcome`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum SubmitAnswer {
    /// Stored (201).
    Stored {
        /// The record id.
        id: String,
        /// The seqs just below it not held yet, `None` if none.
        missing: Option<SeqRange>,
    },
    /// Already held (200).
    Duplicate {
        /// The record id.
        id: String,
    },
    /// It and a held record share a seq: the proof is stored, the feed frozen (200).
    Fork {
        /// The record id.
        id: String,
        /// The held record it conflicts with.
        conflicts_with: String,
        /// The feed's device, `dev_…`.
        author: String,
        /// The seq both claim.
        seq: u64,
    },
}

impl SubmitAnswer {
    /// The submitted record's id.
    pub fn id(&self) -> &str {
        match self {
            SubmitAnswer::Stored { id, .. }
            | SubmitAnswer::Duplicate { id }
            | SubmitAnswer::Fork { id, .. } => id,
        }
    }
}

/// The seqs `first..=last` of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqRange {
    /// The first.
    pub first: u64,
    /// The last.
    pub last: u64,
}

/// One line of a JSON-lines archive export, `GET /v1/archive?format=jsonl`
/// (docs/api.md §13, specified in docs/archive.md §5), by `entry`. The node writes each
/// line with its keys sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "lowercase")]
pub enum ArchiveLine {
    /// A record held with its content.
    Record(Box<ArchiveRecord>),
    /// A retracted record: where it stood, and what retracted it.
    Tombstone(ArchiveTombstone),
    /// A record left out of the export (members only): its place in the feed.
    Withheld(ArchiveWithheld),
}

/// [`ArchiveLine::Record`]: the record JSON (without versions), and its payload and
/// signature apart, to check them with common tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveRecord {
    /// The record.
    #[serde(flatten)]
    pub record: RecordJson,
    /// The payload bytes, base64.
    pub payload_base64: String,
    /// The device's signature, hex.
    pub signature: String,
}

/// [`ArchiveLine::Tombstone`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveTombstone {
    /// The retracted record's id, `rec_…`.
    pub id: String,
    /// Its org, `None` if the roster does not know the author.
    pub org: Option<String>,
    /// Its device, `dev_…`.
    pub author: String,
    /// Its seq.
    pub seq: u64,
    /// The feed's record before it, as the node kept it.
    pub prev: Option<String>,
    /// Its timestamp, as the node kept it.
    pub timestamp_ms: u64,
    /// The retraction's id, `rec_…`.
    pub retracted_by: String,
}

/// [`ArchiveLine::Withheld`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveWithheld {
    /// The record's id, `rec_…`.
    pub id: String,
    /// Its org, `org_…`.
    pub org: String,
    /// Its device, `dev_…`.
    pub author: String,
    /// Its seq.
    pub seq: u64,
}
