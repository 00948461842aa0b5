//! The control API's contract: the serde types of its answers, beside the "watched"
//! end of a record's path (docs/api.md). The server builds its answers
//! from these types and the clients (the `commons` CLI, its devnet, the test harnesses)
//! read the answers through the same types, so a field renamed or retyped on one side
//! fails to compile on the other instead of reading `null` at run time.
//!
//! Each type names the section of `docs/api.md` it answers. Ids and keys stay the
//! strings they are on the wire (`rec_…`, `org_…`, `dev_…`); a field that is `null` on
//! the wire is an `Option` serialized as `null`, and one that is sometimes left out is
//! an `Option` (or an empty list) skipped when absent, exactly as the API sends it.
//! Numbers of the answer are `u64` whatever the server counts them in.
//!
//! Every JSON answer and every JSON request body is here: the first ones below, the
//! rest in one submodule per group of endpoints. The request types check ids and enum
//! words while they are parsed, so the server refuses a bad body with the same
//! `bad_json` message and position as before they were shared. What is not JSON stays
//! out: the archive and attachment downloads, the heads file and `/metrics`.

use serde::{Deserialize, Serialize};

// One module per group of endpoints; the first ones typed are in this file.
pub mod alerts;
pub mod archive;
pub mod attachments;
pub mod events;
pub mod feeds;
pub mod groups;
pub mod records;
pub mod requests;
pub mod web;

/// Every error, whatever the status (docs/api.md §2): `error` for people, `reason` a
/// short stable label for scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorAnswer {
    /// What happened and what to do.
    pub error: String,
    /// A short, stable label (`bad_json`, `not_found`…).
    pub reason: String,
}

/// `GET /v1/status` (docs/api.md §4).
///
/// Every field has a default so that a client reads the status of an older node that
/// does not say something (its search index, its network) as "not said".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusAnswer {
    /// The network id, `net_…`.
    pub network: String,
    /// The network's name from its charter.
    pub network_name: String,
    /// This node's org, `org_…`.
    pub org: String,
    /// This node's device, `dev_…`.
    pub device: String,
    /// Seconds since the node started.
    pub uptime_s: u64,
    /// Records held with their content.
    pub records: u64,
    /// Retracted records.
    pub tombstones: u64,
    /// Frozen feeds.
    pub fork_proofs: u64,
    /// The store's size on disk.
    pub store_bytes: u64,
    /// Member orgs on the current roster.
    pub members: u64,
    /// Device feeds of which at least one record is held.
    pub feeds: u64,
    /// How text search runs: `ready`, `rebuilding`, `unavailable` or `none` (empty from
    /// a node that does not say).
    pub search_index: String,
    /// The node's version.
    pub version: String,
    /// Where the staff's web app listens, `None` when the node does not serve it.
    pub web: Option<String>,
    /// How the notification hooks fare since the node started.
    pub notify: NotifyCounts,
    /// Whether this device may publish.
    pub publishing: PublishingState,
    /// The node's libp2p peer id; `None` without a network.
    pub peer_id: Option<String>,
    /// The addresses it listens on, each ending in `/p2p/<peer id>`; `None` without a
    /// network or when it stopped answering.
    pub listen: Option<Vec<String>>,
    /// Connected peers; `None` without a network or when it stopped answering.
    pub peers: Option<u64>,
    /// Connected peers that are member orgs' devices.
    pub member_peers: Option<u64>,
    /// How other nodes reach this one; `None` without a network.
    pub reach: Option<Reach>,
}

/// The notification hooks' counters in [`StatusAnswer::notify`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotifyCounts {
    /// Hooks configured.
    pub hooks: u64,
    /// Events taken in to notify.
    pub events: u64,
    /// Deliveries made.
    pub delivered: u64,
    /// Failed attempts, each retry counted.
    pub failures: u64,
    /// Deliveries given up.
    pub given_up: u64,
    /// Records dropped from the full notification queue.
    pub dropped: u64,
    /// Deliveries pending now.
    pub pending: u64,
}

/// [`StatusAnswer::publishing`]: `{"held": false}`, or while publishing is held after a
/// restore, `held: true` with how catching up stands (every other field present).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublishingState {
    /// Whether publishing is held.
    pub held: bool,
    /// This device's highest seq in the store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_seq: Option<u64>,
    /// Member peers that have reported this device's feed head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peers_reported: Option<u64>,
    /// Connected member peers that have not reported it yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peers_waiting: Option<u64>,
    /// The highest seq of this device's feed a peer reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highest_reported: Option<u64>,
    /// The message a publish gets with its 503.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// [`StatusAnswer::reach`]: how peers reach this node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reach {
    /// `unknown`, `public`, `behind_nat` or `relayed`.
    pub reachability: String,
    /// The addresses a peer dialed back.
    pub confirmed: Vec<String>,
    /// The member relays holding a slot for this node.
    pub relays: Vec<Relay>,
    /// Whether this node offers a relay to members' devices.
    pub offers_relay: bool,
    /// Connected peers reached only through a relay.
    pub relayed_peers: u64,
}

/// One member relay of [`Reach::relays`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Relay {
    /// The relay's peer id.
    pub peer_id: String,
    /// Its org, when the roster knows its device.
    pub org: Option<String>,
    /// The org's name, when known.
    pub org_name: Option<String>,
}

/// What a publish answers with its `201` (docs/api.md §5): the new record's id, seq
/// and timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// The record id, `rec_…`.
    pub id: String,
    /// Its seq in this device's feed.
    pub seq: u64,
    /// Its timestamp, ms since the Unix epoch.
    pub timestamp_ms: u64,
}

/// The answer of `POST /v1/publish/practice`, `/campaign`, `/update`, `/alert`,
/// `/respond`, `/retract`, `/profile`, `/application`, `/vote`, `/revocation`,
/// `/group` and `/group-vote` (docs/api.md §5, §17): [`Published`], and for a new
/// version or a retraction of several versions what that adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishAnswer {
    /// The record published.
    #[serde(flatten)]
    pub record: Published,
    /// With `revises`: the first version's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// With `revises`: how many versions there are now, the first included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<u64>,
    /// A retraction: the other versions retracted with the target (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_retracted: Vec<String>,
}

impl From<Published> for PublishAnswer {
    fn from(record: Published) -> PublishAnswer {
        PublishAnswer {
            record,
            original: None,
            versions: None,
            also_retracted: Vec::new(),
        }
    }
}

/// `POST /v1/publish/batch`'s answer (docs/api.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchAnswer {
    /// How many records were published.
    pub published: u64,
    /// How many were refused.
    pub refused: u64,
    /// One result per record, in the order sent.
    pub results: Vec<BatchResult>,
}

/// One record's result in a [`BatchAnswer`]: published or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    /// Its place in the request's `records`, from 0.
    pub index: u64,
    /// Published, or refused and why.
    #[serde(flatten)]
    pub outcome: BatchOutcome,
}

/// Whether one record of a batch was published: `{id, seq, timestamp_ms}` or
/// `{error, reason}`, as the API's other answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BatchOutcome {
    /// Published.
    Published(Published),
    /// Refused by its own rules: it took no seq.
    Refused(ErrorAnswer),
}

/// `POST /v1/publish/group-record`'s answer (docs/api.md §17): [`Published`], and how
/// the case study was sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecordPublished {
    /// The `group-record` published.
    #[serde(flatten)]
    pub record: Published,
    /// The group's id, `rec_…`.
    pub group: String,
    /// The `group-keys` record it is sealed under.
    pub epoch: String,
    /// Whether that epoch was made for this record.
    pub new_epoch: bool,
    /// How many devices can open it.
    pub sealed_to: u64,
    /// Member orgs' devices with no sealing key yet, which cannot read it.
    pub devices_without_key: Vec<String>,
}

/// One connected peer of `GET /v1/peers` (docs/api.md §12), which answers a list of
/// them in order of peer id.
///
/// Every field has a default so that a client reads an older node's peers, which
/// lack the newer fields, as "not said".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Peer {
    /// Its libp2p peer id.
    pub peer_id: String,
    /// Its device key, `None` if its peer id is not an ed25519 key.
    pub device: Option<String>,
    /// The org that delegated the device, if the roster knows it.
    pub org: Option<String>,
    /// Whether the roster lists the device as a current member org's.
    pub member: bool,
    /// Whether every connection to it goes through a relay.
    pub relayed: bool,
    /// Whether it admits this node, `None` until it answered the hello.
    pub admitted_us: Option<bool>,
    /// The address of the connection.
    pub address: String,
    /// When it connected, ms since the Unix epoch.
    pub connected_ms: u64,
    /// When its feed heads last arrived, `None` if never.
    pub last_sync_ms: Option<u64>,
    /// Records stored from its sync pages since it connected.
    pub records_pulled: u64,
    /// How many feeds its last heads listed.
    pub feeds_reported: u64,
    /// Its gossipsub score, `None` if gossipsub has none.
    pub score: Option<f64>,
    /// Whether it is subscribed to the records topic.
    pub gossip: bool,
    /// Whether it is in this node's gossip mesh for the records topic.
    pub in_mesh: bool,
}

/// `GET /v1/sync` (docs/api.md §12): each feed held here or reported by a member peer,
/// and what each connected peer delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncAnswer {
    /// Every feed held here or reported by a member peer, in order of author.
    pub feeds: Vec<SyncFeed>,
    /// The connected peers.
    pub peers: Vec<SyncPeer>,
}

/// One feed of [`SyncAnswer::feeds`]: this node's head against the best one reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncFeed {
    /// The feed's device, `dev_…`.
    pub author: String,
    /// Its org, if the roster knows the device.
    pub org: Option<String>,
    /// This node's head, `None` if it holds nothing of the feed.
    pub local: Option<FeedHead>,
    /// The best head any member peer reported, `None` if none did.
    pub best_known: Option<FeedHead>,
    /// How many records of the best known contiguous run this node lacks.
    pub behind: u64,
}

/// A feed's head: every seq up to `contiguous` held, `max_seq` the highest held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedHead {
    /// Every seq from 1 to this is held.
    pub contiguous: u64,
    /// The highest seq held.
    pub max_seq: u64,
    /// Whether a fork proof froze the feed.
    pub frozen: bool,
}

/// One peer of [`SyncAnswer::peers`]: the sync fields of a [`Peer`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncPeer {
    /// Its libp2p peer id.
    pub peer_id: String,
    /// Its device key, `None` if its peer id is not an ed25519 key.
    pub device: Option<String>,
    /// The org that delegated the device, if the roster knows it.
    pub org: Option<String>,
    /// Whether the roster lists the device as a current member org's.
    pub member: bool,
    /// When its feed heads last arrived, `None` if never.
    pub last_sync_ms: Option<u64>,
    /// Records stored from its sync pages since it connected.
    pub records_pulled: u64,
    /// How many feeds its last heads listed.
    pub feeds_reported: u64,
}

/// A redaction's tally as the roster folds it (docs/api.md §18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionTally {
    /// The record voted on, `rec_…`.
    pub target: String,
    /// The device that signed it, `dev_…`.
    pub author_device: String,
    /// How many member orgs other than the author's voted.
    pub votes: u64,
    /// How many votes redact it.
    pub needed: u64,
    /// The vote that reached the threshold, `None` while undecided.
    pub decided_by: Option<String>,
    /// Whether this node's org voted.
    pub voted: bool,
}

/// `POST /v1/publish/redaction`'s answer (docs/api.md §18): [`Published`], and the
/// tally once the vote is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionPublished {
    /// The `redaction-vote` published.
    #[serde(flatten)]
    pub record: Published,
    /// The tally with this vote.
    pub tally: RedactionTally,
}

/// `GET /v1/redactions` (docs/api.md §18): undecided requests first, then the newest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionsAnswer {
    /// Every record members voted to redact.
    pub redactions: Vec<Redaction>,
}

/// One record of [`RedactionsAnswer`]: its tally, whose it is, and the votes cast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    /// The tally.
    #[serde(flatten)]
    pub tally: RedactionTally,
    /// The author's org, `None` if the roster does not know the author.
    pub author: Option<OrgNamed>,
    /// The record's kind, `None` when its content is not held.
    pub kind: Option<String>,
    /// Whether the record's content is gone from this node.
    pub content_gone: bool,
    /// The votes, oldest first.
    pub cast: Vec<RedactionVote>,
}

/// An org and its name, `None` when the node knows no name for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgNamed {
    /// The org, `org_…`.
    pub org: String,
    /// Its name.
    pub name: Option<String>,
}

/// One vote of [`Redaction::cast`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionVote {
    /// The voting org, `org_…`.
    pub org: String,
    /// Its name, when known.
    pub name: Option<String>,
    /// The vote's record id.
    pub vote: String,
    /// Why it endangers someone.
    pub reason: String,
    /// When it was cast.
    pub timestamp_ms: u64,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn published() -> Published {
        Published {
            id: "rec_1".to_owned(),
            seq: 2,
            timestamp_ms: 3,
        }
    }

    #[test]
    fn a_publish_answers_only_what_it_has() {
        let plain = PublishAnswer::from(published());
        assert_eq!(
            serde_json::to_value(&plain).expect("JSON"),
            json!({"id": "rec_1", "seq": 2, "timestamp_ms": 3})
        );
        let revised = PublishAnswer {
            original: Some("rec_0".to_owned()),
            versions: Some(2),
            also_retracted: vec!["rec_9".to_owned()],
            ..plain.clone()
        };
        let value = serde_json::to_value(&revised).expect("JSON");
        assert_eq!(
            value,
            json!({"id": "rec_1", "seq": 2, "timestamp_ms": 3, "original": "rec_0",
                   "versions": 2, "also_retracted": ["rec_9"]})
        );
        assert_eq!(
            serde_json::from_value::<PublishAnswer>(value).expect("read back"),
            revised
        );
    }

    #[test]
    fn batch_results_are_published_or_refused() {
        let answer = BatchAnswer {
            published: 1,
            refused: 1,
            results: vec![
                BatchResult {
                    index: 0,
                    outcome: BatchOutcome::Published(published()),
                },
                BatchResult {
                    index: 1,
                    outcome: BatchOutcome::Refused(ErrorAnswer {
                        error: "empty title".to_owned(),
                        reason: "invalid_fields".to_owned(),
                    }),
                },
            ],
        };
        let value = serde_json::to_value(&answer).expect("JSON");
        assert_eq!(
            value,
            json!({"published": 1, "refused": 1, "results": [
                {"index": 0, "id": "rec_1", "seq": 2, "timestamp_ms": 3},
                {"index": 1, "error": "empty title", "reason": "invalid_fields"}]})
        );
        assert_eq!(
            serde_json::from_value::<BatchAnswer>(value).expect("read back"),
            answer
        );
    }

    #[test]
    fn open_publishing_is_held_false_alone() {
        assert_eq!(
            serde_json::to_value(PublishingState::default()).expect("JSON"),
            json!({"held": false})
        );
        let status = serde_json::to_value(StatusAnswer::default()).expect("JSON");
        for network_field in ["web", "peer_id", "listen", "peers", "member_peers", "reach"] {
            assert_eq!(
                status[network_field],
                serde_json::Value::Null,
                "{network_field}"
            );
        }
    }
}
