//! Record bodies: what a record says. Each kind is its own postcard structure, carried
//! in the payload as `kind` (varint) followed by the body's bytes (length-prefixed), so
//! a node can skip a kind a newer version added without failing the whole record.
//!
//! Bodies that carry a root key's authority (delegation, revocation, root rotation)
//! include the root's signature over a statement in its own domain; those statements
//! name the network, so they cannot be replayed into another network.

use serde::{Deserialize, Serialize};

use crate::charter::Threshold;
use crate::codec::{DecodeError, decode_canonical, encode};
use crate::id::{BlobId, NetworkId, RecordId};
use crate::keys::{DeviceKey, Domain, OrgId, RootKey, RootKeypair, Signature};

/// Who may read a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visibility {
    /// Anyone the network lets read (members always; observers if the charter allows).
    Public,
    /// Member orgs only.
    Members,
}

/// The state of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CampaignStatus {
    /// Being prepared.
    Planning,
    /// Running.
    Active,
    /// Paused, for instance while waiting for a hearing.
    Paused,
    /// Its goals were won.
    Won,
    /// Ended without winning, or merged into another campaign.
    Closed,
}

/// How urgent a solidarity alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    /// A situation to watch.
    Watch,
    /// Members should act soon.
    Urgent,
    /// Someone is in immediate danger.
    Critical,
}

/// How a member answers an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseKind {
    /// Seen.
    Acknowledged,
    /// Taking the requested action.
    Acting,
    /// Passed on to the org's own contacts.
    Shared,
}

/// A member's choice in a governance vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoteChoice {
    /// Admit the subject org as a member.
    Admit,
    /// Remove the subject org from the membership.
    Remove,
    /// Replace the subject org's lost root key with `new_root`.
    Recover {
        /// The root key the org will hold after recovery.
        new_root: RootKey,
    },
}

/// A device feed's first record: the org's root key says this device speaks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    /// The org the device belongs to.
    pub org: OrgId,
    /// The delegated device: must be the record's author.
    pub device: DeviceKey,
    /// A name for the device, such as "office server".
    pub label: String,
    /// The root key that signs (the org's current root).
    pub root: RootKey,
    /// `root`'s signature over the [`DelegationStatement`].
    pub root_signature: Signature,
}

/// What a root key signs to delegate a device (domain `commons/delegation/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationStatement {
    /// The network the delegation is valid in.
    pub network: NetworkId,
    /// The org.
    pub org: OrgId,
    /// The device.
    pub device: DeviceKey,
    /// The device's label.
    pub label: String,
}

impl Delegation {
    /// The root key `root` delegates `device` to `org` in `network`.
    pub fn sign(
        root: &RootKeypair,
        network: NetworkId,
        org: OrgId,
        device: DeviceKey,
        label: &str,
    ) -> Self {
        let statement = DelegationStatement {
            network,
            org,
            device,
            label: label.to_owned(),
        };
        Delegation {
            org,
            device,
            label: label.to_owned(),
            root: root.public(),
            root_signature: root.sign(Domain::Delegation, &encode(&statement)),
        }
    }

    /// The bytes the root key signed.
    pub fn statement(&self, network: NetworkId) -> Vec<u8> {
        encode(&DelegationStatement {
            network,
            org: self.org,
            device: self.device,
            label: self.label.clone(),
        })
    }
}

/// The org's root key revokes one of its devices from a given seq on (a seized laptop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    /// The org revoking its device.
    pub org: OrgId,
    /// The revoked device.
    pub device: DeviceKey,
    /// The first seq of the device's feed that is no longer accepted.
    pub from_seq: u64,
    /// The root key that signs (the org's current root).
    pub root: RootKey,
    /// `root`'s signature over the [`RevocationStatement`].
    pub root_signature: Signature,
}

/// What a root key signs to revoke a device (domain `commons/revocation/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationStatement {
    /// The network.
    pub network: NetworkId,
    /// The org.
    pub org: OrgId,
    /// The device.
    pub device: DeviceKey,
    /// The first refused seq.
    pub from_seq: u64,
}

impl Revocation {
    /// The root key `root` revokes `device` of `org` from `from_seq` on.
    pub fn sign(
        root: &RootKeypair,
        network: NetworkId,
        org: OrgId,
        device: DeviceKey,
        from_seq: u64,
    ) -> Self {
        let statement = RevocationStatement {
            network,
            org,
            device,
            from_seq,
        };
        Revocation {
            org,
            device,
            from_seq,
            root: root.public(),
            root_signature: root.sign(Domain::Revocation, &encode(&statement)),
        }
    }

    /// The bytes the root key signed.
    pub fn statement(&self, network: NetworkId) -> Vec<u8> {
        encode(&RevocationStatement {
            network,
            org: self.org,
            device: self.device,
            from_seq: self.from_seq,
        })
    }
}

/// The org hands its authority from its current root key to a new one. Both keys sign,
/// so a rotation can neither be made without the old key nor point at a key nobody
/// holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootRotation {
    /// The org.
    pub org: OrgId,
    /// The org's current root key.
    pub old_root: RootKey,
    /// The root key the org will hold.
    pub new_root: RootKey,
    /// `old_root`'s signature over the [`RotationStatement`].
    pub old_signature: Signature,
    /// `new_root`'s signature over the same statement.
    pub new_signature: Signature,
}

/// What both root keys sign in a rotation (domain `commons/root-rotation/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationStatement {
    /// The network.
    pub network: NetworkId,
    /// The org.
    pub org: OrgId,
    /// The current root.
    pub old_root: RootKey,
    /// The next root.
    pub new_root: RootKey,
}

impl RootRotation {
    /// `old` hands `org` to `new` in `network`.
    pub fn sign(old: &RootKeypair, new: &RootKeypair, network: NetworkId, org: OrgId) -> Self {
        let statement = encode(&RotationStatement {
            network,
            org,
            old_root: old.public(),
            new_root: new.public(),
        });
        RootRotation {
            org,
            old_root: old.public(),
            new_root: new.public(),
            old_signature: old.sign(Domain::RootRotation, &statement),
            new_signature: new.sign(Domain::RootRotation, &statement),
        }
    }

    /// The bytes both root keys signed.
    pub fn statement(&self, network: NetworkId) -> Vec<u8> {
        encode(&RotationStatement {
            network,
            org: self.org,
            old_root: self.old_root,
            new_root: self.new_root,
        })
    }
}

/// Who an org is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The org's name.
    pub name: String,
    /// Country, as the org writes it.
    pub country: String,
    /// Region, such as "East Africa".
    pub region: String,
    /// Website, possibly empty.
    pub website: String,
    /// Working groups the org takes part in.
    pub working_groups: Vec<String>,
    /// Languages the org works in.
    pub languages: Vec<String>,
    /// What the org does.
    pub description: String,
}

/// A file a record carries, named by the hash of its bytes. The bytes travel apart
/// from the record (see [`crate::blob`]) and are checked against `blob` before a node
/// keeps or serves them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file's name as the author gave it (no path: no `/`, `\\` or control
    /// characters).
    pub name: String,
    /// Its media type, such as `application/pdf`.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The root hash of its chunk list.
    pub blob: BlobId,
}

/// A best-practice case study: what a group did, where, against what, with what result.
///
/// On the wire a case study without attachments is kind 5, laid out without the
/// `attachments` field (as before attachments existed); one with attachments is kind
/// 14, with the field last. Each case study therefore has exactly one encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practice {
    /// Title (not empty).
    pub title: String,
    /// A short summary.
    pub summary: String,
    /// The case study, in Markdown.
    pub body: String,
    /// Themes, such as "housing" or "land".
    pub themes: Vec<String>,
    /// Regions it concerns.
    pub regions: Vec<String>,
    /// The language it is written in.
    pub language: String,
    /// Its licence, such as "CC-BY-4.0".
    pub licence: String,
    /// Links to further material.
    pub links: Vec<String>,
    /// Who may read it.
    pub visibility: Visibility,
    /// Files it carries: reports, photos, testimonies.
    pub attachments: Vec<Attachment>,
}

/// A case study as kind 5 lays it out: every field but `attachments`.
#[derive(Serialize, Deserialize)]
struct PracticeWithoutFiles {
    title: String,
    summary: String,
    body: String,
    themes: Vec<String>,
    regions: Vec<String>,
    language: String,
    licence: String,
    links: Vec<String>,
    visibility: Visibility,
}

impl Practice {
    fn encode_wire(&self) -> Vec<u8> {
        if !self.attachments.is_empty() {
            return encode(self);
        }
        encode(&PracticeWithoutFiles {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            themes: self.themes.clone(),
            regions: self.regions.clone(),
            language: self.language.clone(),
            licence: self.licence.clone(),
            links: self.links.clone(),
            visibility: self.visibility,
        })
    }

    fn decode_without_files(bytes: &[u8]) -> Result<Self, DecodeError> {
        let wire: PracticeWithoutFiles = decode_canonical(bytes)?;
        Ok(Practice {
            title: wire.title,
            summary: wire.summary,
            body: wire.body,
            themes: wire.themes,
            regions: wire.regions,
            language: wire.language,
            licence: wire.licence,
            links: wire.links,
            visibility: wire.visibility,
            attachments: Vec::new(),
        })
    }

    fn decode_with_files(bytes: &[u8]) -> Result<Self, DecodeError> {
        let practice: Practice = decode_canonical(bytes)?;
        if practice.attachments.is_empty() {
            // Kind 5 is the one encoding of a case study without files.
            return Err(DecodeError::NonCanonical);
        }
        Ok(practice)
    }
}

/// The content of a new version: the same kind as the record it revises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Revised {
    /// A new version of the org's profile.
    Profile(Profile),
    /// A new version of a case study (with its attachments, if any).
    Practice(Practice),
    /// A new version of a campaign.
    Campaign(Campaign),
}

impl Revised {
    /// The kind of record this content revises.
    pub fn kind(&self) -> BodyKind {
        match self {
            Revised::Profile(_) => BodyKind::Profile,
            Revised::Practice(_) => BodyKind::Practice,
            Revised::Campaign(_) => BodyKind::Campaign,
        }
    }

    /// The content as the body it replaces.
    pub fn to_body(&self) -> Body {
        match self {
            Revised::Profile(profile) => Body::Profile(profile.clone()),
            Revised::Practice(practice) => Body::Practice(practice.clone()),
            Revised::Campaign(campaign) => Body::Campaign(campaign.clone()),
        }
    }

    /// The content of `body`, if it is a kind that can be revised.
    pub fn from_body(body: &Body) -> Option<Self> {
        match body {
            Body::Profile(profile) => Some(Revised::Profile(profile.clone())),
            Body::Practice(practice) => Some(Revised::Practice(practice.clone())),
            Body::Campaign(campaign) => Some(Revised::Campaign(campaign.clone())),
            _ => None,
        }
    }
}

/// A new version of one of the org's own profiles, case studies or campaigns. Every
/// version names the first one, `original`; the versions of a record are the original
/// and every revision naming it, and the one shown is the revision with the greatest
/// `(timestamp_ms, id)` (the original while there is none). The rule needs nothing but
/// the signed records, so every node that holds the same versions shows the same one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// The first version: a profile, case study or campaign record of the same org.
    pub original: RecordId,
    /// The new content, of the original's kind.
    pub content: Revised,
}

/// A campaign run by a coalition of members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Title (not empty).
    pub title: String,
    /// What the campaign wants to achieve.
    pub goals: Vec<String>,
    /// Partner orgs.
    pub partners: Vec<OrgId>,
    /// Where it stands.
    pub status: CampaignStatus,
}

/// News of a campaign: a hearing date, a win, a setback, a call to action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignUpdate {
    /// The campaign record this updates.
    pub campaign: RecordId,
    /// The campaign's new status, if it changed.
    pub status: Option<CampaignStatus>,
    /// The update, in Markdown.
    pub body: String,
}

/// An urgent call on the System of Solidarity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// How urgent.
    pub severity: Severity,
    /// Where.
    pub region: String,
    /// Title (not empty).
    pub title: String,
    /// What happened.
    pub body: String,
    /// What members are asked to do.
    pub action_requested: String,
    /// When the alert stops being current (ms since the Unix epoch, after the record's
    /// timestamp).
    pub expires_at_ms: u64,
}

/// A member's answer to an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertResponse {
    /// The alert record answered.
    pub alert: RecordId,
    /// The answer.
    pub response: ResponseKind,
    /// A note, possibly empty.
    pub note: String,
}

/// The author's org takes back one of its own records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retraction {
    /// The retracted record.
    pub target: RecordId,
    /// Why, possibly empty.
    pub reason: String,
}

/// A member org's vote that another org's record be redacted for safety: its content
/// dropped on every node, as for a retraction, once the charter's removal threshold of
/// the other members votes for it (docs/protocol.md §10.7). The first vote on a record
/// is the proposal; each carries its org's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionVote {
    /// The record to redact.
    pub target: RecordId,
    /// The device that signed it: the vote counts only for that record of that feed,
    /// and tells the tally whose org is the author's even when the record is gone.
    pub target_author: DeviceKey,
    /// Why, for the other members (public, like a retraction's reason: say what the
    /// danger is without repeating what endangers).
    pub reason: String,
}

/// An org's request to join the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// The applying org: the author's own org.
    pub org: OrgId,
    /// Why it asks to join.
    pub statement: String,
}

/// A member org's vote on another org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// The org voted on.
    pub subject: OrgId,
    /// The choice.
    pub choice: VoteChoice,
}

/// A member org founds a working group: a named set of member orgs that decide among
/// themselves who else belongs (docs/groups.md). The group's id is this record's id; the
/// founder's org is its first member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFounding {
    /// The group's name, such as "Strategic litigation" (not blank).
    pub name: String,
    /// What the group is for (may be empty).
    pub purpose: String,
    /// Votes of the group's members needed to admit an org.
    pub admission: Threshold,
    /// Votes of the group's other members needed to remove one.
    pub removal: Threshold,
}

/// A group member org's choice on another org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupChoice {
    /// Admit the subject to the group; `history` asks that it may also read what the
    /// group published before its admission.
    Admit {
        /// Whether the subject gets the group's earlier records too.
        history: bool,
    },
    /// Remove the subject from the group. On the voter's own org: leave the group.
    Remove,
}

/// A group member org's vote on an org's place in a working group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupVote {
    /// The group: its founding record.
    pub group: RecordId,
    /// The org voted on.
    pub subject: OrgId,
    /// The choice.
    pub choice: GroupChoice,
}

/// A device's public key for receiving sealed group keys (X25519).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SealingKey(pub [u8; 32]);

/// An epoch key sealed to one device: HPKE's encapsulated key, then the sealed 32
/// bytes and the AEAD tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedKey {
    /// The recipient device.
    pub device: DeviceKey,
    /// HPKE's encapsulated (ephemeral) public key.
    pub enc: [u8; 32],
    /// The epoch key, sealed.
    pub sealed: [u8; 32],
    /// The AEAD tag.
    pub tag: [u8; 16],
}

/// A device publishes the key that group keys are sealed to (docs/groups.md §4): the
/// latest by `(timestamp_ms, id)` in its feed is its current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealingKeyAnnouncement {
    /// The X25519 public key.
    pub key: SealingKey,
}

/// A new epoch of a working group: one fresh key, sealed to each device of the group's
/// members (docs/groups.md §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupKeys {
    /// The group: its founding record.
    pub group: RecordId,
    /// The epoch this one replaces, if any (for the reader's history; not a rule).
    pub follows: Option<RecordId>,
    /// The key sealed to each device, in strictly ascending order of device.
    pub sealed: Vec<SealedKey>,
}

/// Earlier epoch keys of a working group, sealed to the devices of an org the group
/// admitted with its history (docs/groups.md §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupHistory {
    /// The group: its founding record.
    pub group: RecordId,
    /// Each earlier epoch's key sealed to one device, in strictly ascending order of
    /// `(epoch, device)`.
    pub keys: Vec<HistoricKey>,
}

/// One earlier epoch's key, sealed to one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoricKey {
    /// The epoch: its `group-keys` record.
    pub epoch: RecordId,
    /// Its key sealed to a device, as in a `group-keys` record.
    pub sealed: SealedKey,
}

/// A record only a working group's members can read: its content (kind and body)
/// encrypted under an epoch's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecord {
    /// The group: its founding record.
    pub group: RecordId,
    /// The `group-keys` record whose key encrypts the content.
    pub epoch: RecordId,
    /// XChaCha20-Poly1305's nonce.
    pub nonce: [u8; 24],
    /// The content, encrypted, with its tag.
    pub ciphertext: Vec<u8>,
}

/// The kinds of body this version knows, with their wire numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum BodyKind {
    /// [`Delegation`], kind 1.
    Delegation,
    /// [`Revocation`], kind 2.
    Revocation,
    /// [`RootRotation`], kind 3.
    RootRotation,
    /// [`Profile`], kind 4.
    Profile,
    /// [`Practice`], kind 5.
    Practice,
    /// [`Campaign`], kind 6.
    Campaign,
    /// [`CampaignUpdate`], kind 7.
    CampaignUpdate,
    /// [`Alert`], kind 8.
    Alert,
    /// [`AlertResponse`], kind 9.
    AlertResponse,
    /// [`Retraction`], kind 10.
    Retraction,
    /// [`Application`], kind 11.
    Application,
    /// [`Vote`], kind 12.
    Vote,
    /// [`Revision`], kind 13.
    Revision,
    /// [`SealingKeyAnnouncement`], kind 15.
    SealingKey,
    /// [`GroupFounding`], kind 16.
    GroupFounding,
    /// [`GroupVote`], kind 17.
    GroupVote,
    /// [`GroupKeys`], kind 18.
    GroupKeys,
    /// [`GroupRecord`], kind 19.
    GroupRecord,
    /// [`GroupHistory`], kind 20.
    GroupHistory,
    /// [`RedactionVote`], kind 21.
    RedactionVote,
}

impl BodyKind {
    /// Every known kind, in wire-number order.
    pub const ALL: [BodyKind; 20] = [
        BodyKind::Delegation,
        BodyKind::Revocation,
        BodyKind::RootRotation,
        BodyKind::Profile,
        BodyKind::Practice,
        BodyKind::Campaign,
        BodyKind::CampaignUpdate,
        BodyKind::Alert,
        BodyKind::AlertResponse,
        BodyKind::Retraction,
        BodyKind::Application,
        BodyKind::Vote,
        BodyKind::Revision,
        BodyKind::SealingKey,
        BodyKind::GroupFounding,
        BodyKind::GroupVote,
        BodyKind::GroupKeys,
        BodyKind::GroupRecord,
        BodyKind::GroupHistory,
        BodyKind::RedactionVote,
    ];

    /// The wire number of a case study that carries attachments (see [`Practice`]).
    pub const PRACTICE_WITH_ATTACHMENTS: u32 = 14;

    /// The kind's number on the wire.
    pub const fn code(self) -> u32 {
        match self {
            BodyKind::Delegation => 1,
            BodyKind::Revocation => 2,
            BodyKind::RootRotation => 3,
            BodyKind::Profile => 4,
            BodyKind::Practice => 5,
            BodyKind::Campaign => 6,
            BodyKind::CampaignUpdate => 7,
            BodyKind::Alert => 8,
            BodyKind::AlertResponse => 9,
            BodyKind::Retraction => 10,
            BodyKind::Application => 11,
            BodyKind::Vote => 12,
            BodyKind::Revision => 13,
            BodyKind::SealingKey => 15,
            BodyKind::GroupFounding => 16,
            BodyKind::GroupVote => 17,
            BodyKind::GroupKeys => 18,
            BodyKind::GroupRecord => 19,
            BodyKind::GroupHistory => 20,
            BodyKind::RedactionVote => 21,
        }
    }

    /// The kind with wire number `code`, if this version knows it.
    pub fn from_code(code: u32) -> Option<Self> {
        if code == Self::PRACTICE_WITH_ATTACHMENTS {
            return Some(BodyKind::Practice);
        }
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The kind's name in the CLI, the API and documents (`practice`, `campaign-update`…).
    pub const fn name(self) -> &'static str {
        match self {
            BodyKind::Delegation => "delegation",
            BodyKind::Revocation => "revocation",
            BodyKind::RootRotation => "root-rotation",
            BodyKind::Profile => "profile",
            BodyKind::Practice => "practice",
            BodyKind::Campaign => "campaign",
            BodyKind::CampaignUpdate => "campaign-update",
            BodyKind::Alert => "alert",
            BodyKind::AlertResponse => "alert-response",
            BodyKind::Retraction => "retraction",
            BodyKind::Application => "application",
            BodyKind::Vote => "vote",
            BodyKind::Revision => "revision",
            BodyKind::SealingKey => "sealing-key",
            BodyKind::GroupFounding => "group-founding",
            BodyKind::GroupVote => "group-vote",
            BodyKind::GroupKeys => "group-keys",
            BodyKind::GroupRecord => "group-record",
            BodyKind::GroupHistory => "group-history",
            BodyKind::RedactionVote => "redaction-vote",
        }
    }

    /// The kind named `name`, as [`BodyKind::name`] spells it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

impl core::fmt::Display for BodyKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of a kind, or "record of a kind this version does not know".
pub fn kind_name(kind: Option<BodyKind>) -> &'static str {
    kind.map_or(
        "record of a kind this version does not know",
        BodyKind::name,
    )
}

/// What a record says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// A device feed's first record.
    Delegation(Delegation),
    /// A device revoked by its org's root.
    Revocation(Revocation),
    /// An org's root key replaced by the old root.
    RootRotation(RootRotation),
    /// An org's profile.
    Profile(Profile),
    /// A best-practice case study.
    Practice(Practice),
    /// A campaign.
    Campaign(Campaign),
    /// A campaign update.
    CampaignUpdate(CampaignUpdate),
    /// A solidarity alert.
    Alert(Alert),
    /// An answer to an alert.
    AlertResponse(AlertResponse),
    /// A retraction of one of the org's own records.
    Retraction(Retraction),
    /// An application to join.
    Application(Application),
    /// A governance vote.
    Vote(Vote),
    /// A new version of a profile, case study or campaign.
    Revision(Revision),
    /// A device's key for receiving sealed group keys.
    SealingKey(SealingKeyAnnouncement),
    /// A working group founded.
    GroupFounding(GroupFounding),
    /// A vote on an org's place in a working group.
    GroupVote(GroupVote),
    /// A working group's new epoch key, sealed to its members' devices.
    GroupKeys(GroupKeys),
    /// A record only a working group can read.
    GroupRecord(GroupRecord),
    /// A working group's earlier keys for an org admitted with the history.
    GroupHistory(GroupHistory),
    /// A member's vote to redact another org's record.
    RedactionVote(RedactionVote),
    /// A kind a newer version defines: kept and relayed as bytes, never interpreted.
    Unknown {
        /// Its wire number.
        kind: u32,
        /// Its body bytes, as received.
        bytes: Vec<u8>,
    },
}

impl Body {
    /// The kind, or `None` for a kind this version does not know.
    pub fn kind(&self) -> Option<BodyKind> {
        Some(match self {
            Body::Delegation(_) => BodyKind::Delegation,
            Body::Revocation(_) => BodyKind::Revocation,
            Body::RootRotation(_) => BodyKind::RootRotation,
            Body::Profile(_) => BodyKind::Profile,
            Body::Practice(_) => BodyKind::Practice,
            Body::Campaign(_) => BodyKind::Campaign,
            Body::CampaignUpdate(_) => BodyKind::CampaignUpdate,
            Body::Alert(_) => BodyKind::Alert,
            Body::AlertResponse(_) => BodyKind::AlertResponse,
            Body::Retraction(_) => BodyKind::Retraction,
            Body::Application(_) => BodyKind::Application,
            Body::Vote(_) => BodyKind::Vote,
            Body::Revision(_) => BodyKind::Revision,
            Body::SealingKey(_) => BodyKind::SealingKey,
            Body::GroupFounding(_) => BodyKind::GroupFounding,
            Body::GroupVote(_) => BodyKind::GroupVote,
            Body::GroupKeys(_) => BodyKind::GroupKeys,
            Body::GroupRecord(_) => BodyKind::GroupRecord,
            Body::GroupHistory(_) => BodyKind::GroupHistory,
            Body::RedactionVote(_) => BodyKind::RedactionVote,
            Body::Unknown { .. } => return None,
        })
    }

    /// The wire number of the body's kind (14 for a case study with attachments).
    pub fn kind_code(&self) -> u32 {
        match self {
            Body::Unknown { kind, .. } => *kind,
            Body::Practice(practice) if !practice.attachments.is_empty() => {
                BodyKind::PRACTICE_WITH_ATTACHMENTS
            }
            known => known.kind().map_or(0, BodyKind::code),
        }
    }

    /// Who may read a record with this body. Governance (delegations, revocations,
    /// rotations, applications, votes, redaction votes), profiles and retractions are public, so anyone
    /// allowed to read can check the roster and drop retracted content; a case study
    /// says for itself; campaigns, alerts and answers stay among members, and so do
    /// working groups' foundings and votes (who works on what is itself sensitive).
    pub fn visibility(&self) -> Visibility {
        match self {
            Body::Practice(practice) => practice.visibility,
            Body::Revision(revision) => revision.content.to_body().visibility(),
            Body::Delegation(_)
            | Body::Revocation(_)
            | Body::RootRotation(_)
            | Body::Profile(_)
            | Body::Retraction(_)
            | Body::Application(_)
            | Body::Vote(_)
            | Body::RedactionVote(_)
            | Body::SealingKey(_) => Visibility::Public,
            Body::Campaign(_)
            | Body::CampaignUpdate(_)
            | Body::Alert(_)
            | Body::AlertResponse(_)
            | Body::GroupFounding(_)
            | Body::GroupVote(_)
            | Body::GroupKeys(_)
            | Body::GroupRecord(_)
            | Body::GroupHistory(_)
            | Body::Unknown { .. } => Visibility::Members,
        }
    }

    /// The body's own bytes (without kind and length).
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Body::Delegation(body) => encode(body),
            Body::Revocation(body) => encode(body),
            Body::RootRotation(body) => encode(body),
            Body::Profile(body) => encode(body),
            Body::Practice(body) => body.encode_wire(),
            Body::Campaign(body) => encode(body),
            Body::CampaignUpdate(body) => encode(body),
            Body::Alert(body) => encode(body),
            Body::AlertResponse(body) => encode(body),
            Body::Retraction(body) => encode(body),
            Body::Application(body) => encode(body),
            Body::Vote(body) => encode(body),
            Body::Revision(body) => encode(body),
            Body::SealingKey(body) => encode(body),
            Body::GroupFounding(body) => encode(body),
            Body::GroupVote(body) => encode(body),
            Body::GroupKeys(body) => encode(body),
            Body::GroupRecord(body) => encode(body),
            Body::GroupHistory(body) => encode(body),
            Body::RedactionVote(body) => encode(body),
            Body::Unknown { bytes, .. } => bytes.clone(),
        }
    }

    /// Decodes a body of wire kind `kind` from its own bytes, canonically. A kind this
    /// version does not know becomes [`Body::Unknown`].
    pub fn decode(kind: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        let Some(known) = BodyKind::from_code(kind) else {
            return Ok(Body::Unknown {
                kind,
                bytes: bytes.to_vec(),
            });
        };
        Ok(match known {
            BodyKind::Delegation => Body::Delegation(decode_canonical(bytes)?),
            BodyKind::Revocation => Body::Revocation(decode_canonical(bytes)?),
            BodyKind::RootRotation => Body::RootRotation(decode_canonical(bytes)?),
            BodyKind::Profile => Body::Profile(decode_canonical(bytes)?),
            BodyKind::Practice if kind == BodyKind::PRACTICE_WITH_ATTACHMENTS => {
                Body::Practice(Practice::decode_with_files(bytes)?)
            }
            BodyKind::Practice => Body::Practice(Practice::decode_without_files(bytes)?),
            BodyKind::Campaign => Body::Campaign(decode_canonical(bytes)?),
            BodyKind::CampaignUpdate => Body::CampaignUpdate(decode_canonical(bytes)?),
            BodyKind::Alert => Body::Alert(decode_canonical(bytes)?),
            BodyKind::AlertResponse => Body::AlertResponse(decode_canonical(bytes)?),
            BodyKind::Retraction => Body::Retraction(decode_canonical(bytes)?),
            BodyKind::Application => Body::Application(decode_canonical(bytes)?),
            BodyKind::Vote => Body::Vote(decode_canonical(bytes)?),
            BodyKind::Revision => Body::Revision(decode_canonical(bytes)?),
            BodyKind::SealingKey => Body::SealingKey(decode_canonical(bytes)?),
            BodyKind::GroupFounding => Body::GroupFounding(decode_canonical(bytes)?),
            BodyKind::GroupVote => Body::GroupVote(decode_canonical(bytes)?),
            BodyKind::GroupKeys => Body::GroupKeys(decode_canonical(bytes)?),
            BodyKind::GroupRecord => Body::GroupRecord(decode_canonical(bytes)?),
            BodyKind::GroupHistory => Body::GroupHistory(decode_canonical(bytes)?),
            BodyKind::RedactionVote => Body::RedactionVote(decode_canonical(bytes)?),
        })
    }

    /// The records this body points at (a retraction's target, an update's campaign, a
    /// response's alert, a revision's original).
    pub fn references(&self) -> Option<RecordId> {
        match self {
            Body::Revision(body) => Some(body.original),
            Body::Retraction(body) => Some(body.target),
            Body::RedactionVote(body) => Some(body.target),
            Body::CampaignUpdate(body) => Some(body.campaign),
            Body::AlertResponse(body) => Some(body.alert),
            _ => None,
        }
    }

    /// The files this body carries (a case study's, or a revised case study's).
    pub fn attachments(&self) -> &[Attachment] {
        match self {
            Body::Practice(practice) => &practice.attachments,
            Body::Revision(Revision {
                content: Revised::Practice(practice),
                ..
            }) => &practice.attachments,
            _ => &[],
        }
    }

    /// Whether the members' vote may drop a record with this body (§10.7): anything but
    /// governance records and retractions, which the roster and the tombstones need
    /// (and which archives therefore keep whole).
    pub fn is_redactable(&self) -> bool {
        !self.is_governance() && !matches!(self, Body::Retraction(_))
    }

    /// Whether records with this body can have versions (§8): a profile, a case study
    /// or a campaign. Every other kind is published once, as it is.
    pub fn can_be_revised(&self) -> bool {
        matches!(
            self,
            Body::Profile(_) | Body::Practice(_) | Body::Campaign(_)
        )
    }

    /// The record whose versions this one belongs to, when the record `id` with this
    /// body is a version at all (§8): the original a revision names, or the record
    /// itself when it can be revised; `None` for a kind that has no versions.
    ///
    /// This is the one statement of the retraction rule's reach: a retraction (or a
    /// redaction by vote) of any version takes back every version of the same family
    /// by the same org. Ingest (which drops them) and the archive verifier (which
    /// refuses a bundle still carrying one) both ask this function.
    pub fn version_family(&self, id: RecordId) -> Option<RecordId> {
        match self {
            Body::Revision(revision) => Some(revision.original),
            body if body.can_be_revised() => Some(id),
            _ => None,
        }
    }

    /// Whether this body feeds the roster fold.
    pub fn is_governance(&self) -> bool {
        matches!(
            self,
            Body::Delegation(_)
                | Body::Revocation(_)
                | Body::RootRotation(_)
                | Body::Vote(_)
                | Body::RedactionVote(_)
        )
    }
}
