//! Feeds, roster and forks (docs/api.md §9).

use serde::{Deserialize, Serialize};

/// One feed of `GET /v1/feeds` (docs/api.md §9, "`GET /v1/feeds`"), which answers a
/// list of every feed of which the node holds at least one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feed {
    /// The feed's device, `dev_…`.
    pub author: String,
    /// Every seq from 1 to this is held.
    pub contiguous: u64,
    /// The highest seq held (a gap below it if it is larger than `contiguous`).
    pub max_seq: u64,
    /// Whether a fork proof froze the feed.
    pub frozen: bool,
    /// The device's org, `None` if the roster does not know the device.
    pub org: Option<String>,
}

/// `GET /v1/roster` (docs/api.md §9, "`GET /v1/roster`"): the orgs the roster knows,
/// the decisions under way and the charter's thresholds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterAnswer {
    /// The network id, `net_…`.
    pub network: String,
    /// The network's name from its charter.
    pub network_name: String,
    /// This node's org, `org_…`.
    pub org: String,
    /// This node's device, `dev_…`.
    pub device: String,
    /// The current member orgs, in order of org id.
    pub members: Vec<RosterOrg>,
    /// Orgs the roster knows that are not (or no longer) members, in order of org id.
    pub others: Vec<RosterOrg>,
    /// Every org with votes recorded on it and every applicant that is not a member.
    pub decisions: Vec<Decision>,
    /// The charter's thresholds.
    pub thresholds: Thresholds,
}

impl RosterAnswer {
    /// Every org the roster knows, members first.
    pub fn orgs(&self) -> impl Iterator<Item = &RosterOrg> {
        self.members.iter().chain(&self.others)
    }
}

/// One org of [`RosterAnswer::members`] or [`RosterAnswer::others`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterOrg {
    /// The org, `org_…`.
    pub org: String,
    /// Its name, `None` when neither the charter nor a profile held names it.
    pub name: Option<String>,
    /// Where the name comes from, `charter` or `profile`; `None` without a name.
    pub name_from: Option<String>,
    /// Whether the charter lists it as a founder.
    pub founder: bool,
    /// Its root key, `root_…`.
    pub root: String,
    /// The devices it delegated.
    pub devices: Vec<RosterDevice>,
    /// Its latest application held, `None` if none.
    pub application: Option<Application>,
}

/// One device of [`RosterOrg::devices`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterDevice {
    /// The device, `dev_…`.
    pub device: String,
    /// The label its delegation gives it.
    pub label: String,
    /// The delegation record, `rec_…`.
    pub delegation: String,
    /// The first seq its org no longer accepts, `None` while it is not revoked.
    pub revoked_from: Option<u64>,
}

/// An org's latest application, in [`RosterOrg::application`] and
/// [`Decision::application`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// The application record, `rec_…`.
    pub id: String,
    /// Who the org is and why it asks to join.
    pub statement: String,
    /// When it applied, ms since the Unix epoch.
    pub timestamp_ms: u64,
}

/// One decision under way of [`RosterAnswer::decisions`]: the tally of the protocol
/// crate's `Roster::tally` on one org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The org voted on, `org_…`.
    pub subject: String,
    /// Its name, `None` when the node knows none.
    pub name: Option<String>,
    /// Whether it is a member now.
    pub member: bool,
    /// The votes to admit it.
    pub admit: VoteCount,
    /// The votes to remove it.
    pub remove: VoteCount,
    /// The votes to give it a new root key, one entry per root proposed.
    pub recover: Vec<RecoveryCount>,
    /// How many votes a recovery needs now.
    pub recover_needed: u64,
    /// Its latest application held, `None` if none.
    pub application: Option<Application>,
}

/// The votes for one choice of a [`Decision`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteCount {
    /// The member orgs whose latest vote it is, `org_…`.
    pub votes: Vec<String>,
    /// How many of them count.
    pub count: u64,
    /// How many the charter's threshold needs now.
    pub needed: u64,
    /// How many are still missing.
    pub missing: u64,
}

/// The votes for one new root of [`Decision::recover`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCount {
    /// The root key proposed, `root_…`.
    pub new_root: String,
    /// The votes for it.
    #[serde(flatten)]
    pub votes: VoteCount,
}

/// [`RosterAnswer::thresholds`]: the charter's thresholds as people read them
/// (`1/2 of members`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// To admit an org.
    pub admission: String,
    /// To remove a member.
    pub removal: String,
    /// To give a member a new root key.
    pub recovery: String,
}

/// One fork proof of `GET /v1/forks` (docs/api.md §9, "`GET /v1/forks`"), which
/// answers a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fork {
    /// The frozen feed's device, `dev_…`.
    pub author: String,
    /// The seq both records claim.
    pub seq: u64,
    /// One of the two records, `rec_…`.
    pub first: String,
    /// The other, `rec_…`.
    pub second: String,
    /// The proof's bytes (both signed records) in hex, which anyone can check offline.
    pub proof: String,
}
