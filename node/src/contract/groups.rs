//! Groups: the list, one group, a group's sealed records.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `GET /v1/groups` (docs/api.md §17, "`GET /v1/groups`, `GET /v1/groups/{group}`"):
/// every working group this node knows, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsAnswer {
    /// This node's org, `org_…`, against which `you_are_member` is told.
    pub org: String,
    /// The groups.
    pub groups: Vec<Group>,
}

/// One working group as the node folds it: an entry of [`GroupsAnswer::groups`], and
/// the whole answer of `GET /v1/groups/{group}` (docs/api.md §17, "`GET /v1/groups`,
/// `GET /v1/groups/{group}`").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The group's id, its founding's record id, `rec_…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is for, empty when the founder gave nothing.
    pub purpose: String,
    /// The founding org, `org_…`.
    pub founder: String,
    /// The founding org's name, `None` when this node knows none.
    pub founder_name: Option<String>,
    /// When it was founded, ms since the Unix epoch.
    pub founded_ms: u64,
    /// Whether this node's org is a member now.
    pub you_are_member: bool,
    /// The member orgs now.
    pub members: Vec<GroupMember>,
    /// Orgs that left or were removed by vote.
    pub former: Vec<FormerMember>,
    /// The orgs voted on, with how each vote stands.
    pub decisions: Vec<GroupDecision>,
    /// What admitting and removing need.
    pub thresholds: GroupThresholds,
}

/// One member org of [`Group::members`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    /// The org, `org_…`.
    pub org: String,
    /// Its name, `None` when this node knows none.
    pub name: Option<String>,
    /// The record that made it a member: the founding, or the vote that reached the
    /// threshold.
    pub admitted_by: String,
    /// That record's timestamp, ms since the Unix epoch.
    pub admitted_ms: u64,
    /// Whether it may read what the group published before its admission.
    pub history: bool,
}

/// One org of [`Group::former`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormerMember {
    /// The org, `org_…`.
    pub org: String,
    /// Its name, `None` when this node knows none.
    pub name: Option<String>,
    /// The record that ended its membership.
    pub by: String,
    /// That record's timestamp, ms since the Unix epoch.
    pub at_ms: u64,
    /// True when it left by its own vote, false when the others removed it.
    pub left: bool,
}

/// One org voted on, of [`Group::decisions`]: the votes to admit it and to remove it,
/// counted now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDecision {
    /// The org voted on, `org_…`.
    pub subject: String,
    /// Its name, `None` when this node knows none.
    pub name: Option<String>,
    /// Whether it is a member now (so the vote that matters is `remove`).
    pub member: bool,
    /// The votes to admit it.
    pub admit: GroupVotes,
    /// How many of the admitting votes also give it the history.
    pub with_history: u64,
    /// The votes to remove it.
    pub remove: GroupVotes,
}

/// One side of a [`GroupDecision`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupVotes {
    /// The member orgs whose latest choice is this one, `org_…`.
    pub votes: Vec<String>,
    /// How many they are.
    pub count: u64,
    /// How many votes the decision needs.
    pub needed: u64,
    /// How many more it needs (0 once met).
    pub missing: u64,
}

/// [`Group::thresholds`], as people read them (`1/2 of members`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupThresholds {
    /// Votes of the members needed to admit an org.
    pub admission: String,
    /// Votes of the other members needed to remove one.
    pub removal: String,
}

/// `GET /v1/groups/{group}/records` (docs/api.md §17, "`GET
/// /v1/groups/{group}/records`"): the group's records, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecordsAnswer {
    /// The group's id, `rec_…`.
    pub group: String,
    /// Its name.
    pub name: String,
    /// Its records, each opened for this device where it was sealed to it.
    pub records: Vec<GroupRecordEntry>,
}

/// One record of [`GroupRecordsAnswer::records`]: readable, with its body, or not, and
/// why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecordEntry {
    /// The `group-record`'s id, `rec_…`.
    pub id: String,
    /// The device that signed it, `dev_…`.
    pub author: String,
    /// The author's org, `None` when the roster does not know the device.
    pub org: Option<String>,
    /// That org's name, `None` when this node knows none.
    pub org_name: Option<String>,
    /// Whether the author's org is a member of the group now: a removed member still
    /// holds the old epochs' keys, so a reader weighs its records accordingly.
    pub author_in_group: bool,
    /// Its timestamp, ms since the Unix epoch.
    pub timestamp_ms: u64,
    /// Whether it opened for this device.
    pub readable: bool,
    /// The kind of the sealed body (`practice`), `None` when it did not open.
    pub kind: Option<String>,
    /// The opened body in the record JSON's form (docs/api.md §8), `None` when it did
    /// not open. Still plain JSON: it is the record JSON, typed apart.
    pub body: Option<Value>,
    /// Why it did not open, `None` when it did.
    pub why_not: Option<String>,
}
