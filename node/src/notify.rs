//! Notifications: the step after a record is stored, where a person is woken up. An
//! alert from another org, an answer from another org to one of this org's alerts, and
//! an application or a vote that waits for this org's vote become [`NotifyEvent`]s,
//! handed to each `[[notify]]` hook of `config.toml`: a command (the event as JSON on
//! its standard input, killed after its timeout) or a webhook (the event POSTed as
//! JSON, signed with HMAC-SHA256 under a secret kept in the data dir, retried with
//! exponential backoff).
//!
//! It never holds ingest up. A listener task takes ingest's stored-record events
//! ([`crate::ingest::IngestHandle::subscribe`]) and passes the ones that may matter
//! to the notifier through a queue of [`NOTIFY_QUEUE_CAPACITY`]; when that queue is
//! full (or the listener lagged behind ingest) the record is dropped there, counted and
//! logged, and the notifier looks through the store again for what it missed.
//!
//! Each event notifies once per node, across restarts: the notifier keeps its own redb
//! file ([`NOTIFY_DB_FILE`]) with the events it has taken in and, per hook, the
//! deliveries still to make. Taking an event in and queueing its deliveries is one
//! transaction; a delivery row is removed once the hook took it, so a restart resumes
//! what was pending and does not repeat what was done (a delivery under way at a stop is
//! let finish for [`ATTEMPT_GRACE_AT_STOP`] and recorded; only one cut by a crash, or
//! slower than that, runs again). At start,
//! and after anything was missed, the store is read for alerts, answers and governance
//! records of the last [`CATCH_UP_WINDOW`] not taken in yet (a record stored just
//! before a crash).
//!
//! An alert whose `expires_at_ms` has passed when it is handled does not notify.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use commons_protocol::text::hex;
use commons_protocol::{Body, BodyKind, OrgId, Roster, VerifiedRecord, VoteChoice};
use hmac::{Hmac, KeyInit, Mac};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use thiserror::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Notify, broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use tracing::{Instrument, debug, info, info_span, warn};

use crate::files::FileError;
use crate::ingest::StoredEvent;
use crate::json::{TextEnum, record_json};
use crate::metrics::Metrics;
use crate::node_handle::NodeHandle;
use crate::store::{MAX_QUERY_LIMIT, RecordQuery, Store, StoreError};

/// Records waiting between the listener and the notifier; past it they are dropped
/// (counted) and found again by a look through the store.
pub const NOTIFY_QUEUE_CAPACITY: usize = 1024;
/// The notifier's own redb file in the data dir.
pub const NOTIFY_DB_FILE: &str = "notify.redb";
/// The file in the data dir holding the webhooks' signing secret (mode 0600).
pub const NOTIFY_SECRET_FILE: &str = "notify-secret";
/// The header carrying `sha256=<hex HMAC-SHA256 of the body>`.
pub const SIGNATURE_HEADER: &str = "x-commons-signature";
/// The header carrying the event's kind (`alert`, `alert_response`, `vote_waiting`).
pub const EVENT_HEADER: &str = "x-commons-event";
/// The header carrying the event's id, the same on every retry.
pub const DELIVERY_HEADER: &str = "x-commons-delivery";
/// Default: how long a command or a webhook request may take.
pub const DEFAULT_HOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// Default: the wait before the first retry of a failed delivery; doubled each time.
pub const DEFAULT_FIRST_RETRY: Duration = Duration::from_secs(2);
/// Default: the longest wait between two retries.
pub const DEFAULT_MAX_RETRY: Duration = Duration::from_secs(10 * 60);
/// Default: a delivery still failing this long after its event is given up.
pub const DEFAULT_GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// How far back (by record timestamp) the look through the store goes.
pub const CATCH_UP_WINDOW: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// The most records taken in in one transaction of the notifications' file.
pub const TAKE_IN_BATCH: usize = 256;
/// How much of a failing command's standard error is kept for the log.
const STDERR_KEPT: usize = 2048;

/// Event ids taken in → when (ms since the epoch).
const SEEN: TableDefinition<&str, u64> = TableDefinition::new("seen");
/// (hook id, order) → the delivery still to make, as JSON.
const PENDING: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("pending");
/// `created_ms`, `next_order`.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// Why notifications could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// The notifier's file could not be opened or written.
    #[error(
        "the notifications' file {} failed: {message}. Check the data dir's disk and permissions; the file may be deleted (events already notified could then notify again)", path.display()
    )]
    Db {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// The webhook secret could not be read or created.
    #[error("the webhook signing secret could not be read or created: {0}")]
    Secret(#[from] FileError),
    /// The HTTP client could not be built.
    #[error("the webhook client could not be built: {0}")]
    Client(String),
}

/// What a hook does with an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hook {
    /// Runs a program (no shell) with the event as JSON on its standard input.
    Command(Vec<String>),
    /// POSTs the event as JSON to an `http` or `https` address.
    Webhook(String),
}

/// One `[[notify]]` entry, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyTarget {
    /// A stable name: the one given, or one made from the command or address. Pending
    /// deliveries are kept under it.
    pub name: String,
    /// What to run or call.
    pub hook: Hook,
    /// How long one attempt may take.
    pub timeout: Duration,
}

impl NotifyTarget {
    /// A target named `name`, or after a hash of `hook` when no name is given.
    pub fn new(name: Option<String>, hook: Hook, timeout: Duration) -> Self {
        let name = name.unwrap_or_else(|| {
            let mut hash = Sha256::new();
            match &hook {
                Hook::Command(argv) => {
                    for arg in argv {
                        hash.update(arg.as_bytes());
                        hash.update([0]);
                    }
                }
                Hook::Webhook(url) => hash.update(url.as_bytes()),
            }
            let digest = hash.finalize();
            let kind = match hook {
                Hook::Command(_) => "command",
                Hook::Webhook(_) => "webhook",
            };
            format!("{kind}-{}", &hex(&digest)[..12])
        });
        NotifyTarget {
            name,
            hook,
            timeout,
        }
    }

    /// What logs name it by: its name and the program, or the address's host (never
    /// the full address, which may hold a token).
    fn label(&self) -> String {
        match &self.hook {
            Hook::Command(argv) => format!(
                "{} (command {})",
                self.name,
                argv.first().map_or("?", String::as_str)
            ),
            Hook::Webhook(url) => {
                let host = url
                    .split_once("://")
                    .map_or(url.as_str(), |(_, rest)| rest)
                    .split(['/', '?', '#'])
                    .next()
                    .and_then(|authority| authority.rsplit('@').next())
                    .unwrap_or("?");
                format!("{} (webhook to {host})", self.name)
            }
        }
    }
}

/// How notifications run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySettings {
    /// The hooks.
    pub targets: Vec<NotifyTarget>,
    /// The wait before the first retry; doubled after each failure.
    pub first_retry: Duration,
    /// The longest wait between retries.
    pub max_retry: Duration,
    /// A delivery still failing this long after its event was taken in is given up.
    pub give_up_after: Duration,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            targets: Vec::new(),
            first_retry: DEFAULT_FIRST_RETRY,
            max_retry: DEFAULT_MAX_RETRY,
            give_up_after: DEFAULT_GIVE_UP_AFTER,
        }
    }
}

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An alert from another org.
    Alert,
    /// Another org answered one of this org's alerts.
    AlertResponse,
    /// An application or a vote waits for this org's vote.
    VoteWaiting,
}

impl EventKind {
    /// The name in the event's JSON and the header.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Alert => "alert",
            EventKind::AlertResponse => "alert_response",
            EventKind::VoteWaiting => "vote_waiting",
        }
    }
}

/// One event to notify.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyEvent {
    /// `<kind>:<record id>`: the key it notifies once under.
    pub id: String,
    /// Its kind.
    pub kind: EventKind,
    /// What hooks are given.
    pub json: Value,
}

/// Whether `record` (stored, of `org`) is something this node's org (`ours`) should be
/// woken for, at `now_ms`. Pure but for the reads: the answered alert's org from
/// `store`, orgs' names from their latest profiles.
pub fn classify(
    store: &dyn Store,
    roster: &Roster,
    ours: OrgId,
    record: &VerifiedRecord,
    org: OrgId,
    now_ms: u64,
) -> Result<Option<NotifyEvent>, StoreError> {
    classify_named(&mut Names::new(store), roster, ours, record, org, now_ms)
}

/// [`classify`], reading org names through `names` (kept for a batch).
fn classify_named(
    names: &mut Names<'_>,
    roster: &Roster,
    ours: OrgId,
    record: &VerifiedRecord,
    org: OrgId,
    now_ms: u64,
) -> Result<Option<NotifyEvent>, StoreError> {
    let store = names.store;
    if org == ours {
        return Ok(None);
    }
    let body = &record.record().body;
    let (kind, summary, extra) = match body {
        Body::Alert(alert) => {
            if alert.expires_at_ms <= now_ms {
                return Ok(None);
            }
            let severity = alert.severity.text();
            (
                EventKind::Alert,
                format!(
                    "{severity} alert from {}: {} ({})",
                    names.of(org)?,
                    alert.title,
                    alert.region
                ),
                json!({}),
            )
        }
        Body::AlertResponse(response) => {
            let Some(answered) = store.record(&response.alert)? else {
                return Ok(None);
            };
            if answered.org != ours {
                return Ok(None);
            }
            let title = match &answered.record.record().body {
                Body::Alert(alert) => alert.title.clone(),
                _ => return Ok(None),
            };
            let answer = response.response.text();
            (
                EventKind::AlertResponse,
                format!(
                    "{} answered your alert \"{title}\": {answer}",
                    names.of(org)?
                ),
                json!({ "alert": record_json(&answered.record, &answered.org) }),
            )
        }
        Body::Application(application) => {
            let subject = application.org;
            if subject != org
                || roster.is_member(&subject)
                || !roster.is_member(&ours)
                || roster.tally(&subject).admit.contains(&ours)
            {
                return Ok(None);
            }
            (
                EventKind::VoteWaiting,
                format!(
                    "{} applies to join the network: your org's vote is awaited",
                    names.of(org)?
                ),
                json!({ "subject": subject.to_string(), "asks": "admit" }),
            )
        }
        Body::Vote(vote) => {
            let subject = vote.subject;
            if subject == ours || !roster.is_member(&ours) {
                return Ok(None);
            }
            let tally = roster.tally(&subject);
            let (waiting, asks) = match &vote.choice {
                VoteChoice::Admit => (!tally.member && !tally.admit.contains(&ours), "admit"),
                VoteChoice::Remove => (tally.member && !tally.remove.contains(&ours), "remove"),
                VoteChoice::Recover { new_root } => (
                    tally.member
                        && !tally
                            .recover
                            .get(new_root)
                            .is_some_and(|voters| voters.contains(&ours)),
                    "recover",
                ),
            };
            if !waiting {
                return Ok(None);
            }
            (
                EventKind::VoteWaiting,
                format!(
                    "{} voted to {asks} {}: your org's vote is awaited",
                    names.of(org)?,
                    names.of(subject)?
                ),
                json!({ "subject": subject.to_string(), "asks": asks }),
            )
        }
        Body::RedactionVote(vote) => {
            if !roster.is_member(&ours) {
                return Ok(None);
            }
            let tally = roster.redaction_tally(&vote.target, &vote.target_author);
            let voted = tally.votes.iter().any(|(voter, _)| *voter == ours);
            if tally.decided.is_some() || voted {
                return Ok(None);
            }
            let summary = match tally.author_org {
                // Our own record: the org may agree, and retract it.
                Some(author) if author == ours => format!(
                    "{} asks the network to redact one of your org's records ({}): retract it if you agree",
                    names.of(org)?,
                    vote.target
                ),
                Some(author) => format!(
                    "{} asks the network to redact a record of {} ({} of {} votes): your org's vote is awaited",
                    names.of(org)?,
                    names.of(author)?,
                    tally.votes.len(),
                    tally.needed
                ),
                None => return Ok(None),
            };
            (
                EventKind::VoteWaiting,
                summary,
                json!({ "target": vote.target.to_string(), "asks": "redact", "reason": vote.reason }),
            )
        }
        _ => return Ok(None),
    };
    let id = format!("{}:{}", kind.as_str(), record.id());
    debug_assert_eq!(Some(&id), event_id(record).as_ref());
    let mut json = json!({
        "event": kind.as_str(),
        "id": id,
        "for_org": ours.to_string(),
        "org_name": names.of(org)?,
        "summary": summary,
        "noticed_ms": now_ms,
        "record": record_json(record, &org),
    });
    if let (Some(fields), Value::Object(extra)) = (json.as_object_mut(), extra) {
        fields.extend(extra);
    }
    Ok(Some(NotifyEvent { id, kind, json }))
}

/// The id the event a record may make would have, for the kinds that may make one.
fn event_id(record: &VerifiedRecord) -> Option<String> {
    let kind = match record.record().body {
        Body::Alert(_) => EventKind::Alert,
        Body::AlertResponse(_) => EventKind::AlertResponse,
        Body::Application(_) | Body::Vote(_) | Body::RedactionVote(_) => EventKind::VoteWaiting,
        _ => return None,
    };
    Some(format!("{}:{}", kind.as_str(), record.id()))
}

/// Orgs' names, each read once: the latest version of the org's newest profile, or
/// its id.
struct Names<'a> {
    store: &'a dyn Store,
    known: HashMap<OrgId, String>,
}

impl<'a> Names<'a> {
    fn new(store: &'a dyn Store) -> Self {
        Names {
            store,
            known: HashMap::new(),
        }
    }

    fn of(&mut self, org: OrgId) -> Result<String, StoreError> {
        if let Some(name) = self.known.get(&org) {
            return Ok(name.clone());
        }
        let newest = self.store.query(&RecordQuery {
            kind: Some(BodyKind::Profile),
            org: Some(org),
            limit: 1,
            ..RecordQuery::default()
        })?;
        let name = match newest.first() {
            Some(stored) => match crate::revisions::latest_body(self.store, stored)? {
                Body::Profile(profile) => profile.name,
                _ => org.to_string(),
            },
            None => org.to_string(),
        };
        self.known.insert(org, name.clone());
        Ok(name)
    }
}

/// Whether a stored record may be an event at all (cheap: the listener's filter).
fn may_matter(event: &StoredEvent, ours: OrgId) -> bool {
    event.org != ours
        && matches!(
            event.record.record().body,
            Body::Alert(_)
                | Body::AlertResponse(_)
                | Body::Application(_)
                | Body::Vote(_)
                | Body::RedactionVote(_)
        )
}

/// The signature header's value for `body` under `secret`: `sha256=<hex>`. `None`
/// only if the HMAC implementation refused the key, which it does for no length.
pub fn signature(secret: &[u8], body: &[u8]) -> Option<String> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).ok()?;
    mac.update(body);
    Some(format!("sha256={}", hex(&mac.finalize().into_bytes())))
}

/// The webhooks' secret: read from the data dir, or created there (0600) the first
/// time. The key is the file's text (64 hex digits), as a receiver reads it.
pub fn load_or_create_secret(dir: &Path) -> Result<Vec<u8>, FileError> {
    let path = dir.join(NOTIFY_SECRET_FILE);
    if !path.exists() {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| FileError::Io {
            action: "draw random bytes for",
            path: path.clone(),
            source: std::io::Error::other(error.to_string()),
        })?;
        crate::files::write_new(dir, NOTIFY_SECRET_FILE, &crate::files::secret_text(&bytes))?;
        info!(path = %path.display(), "created the webhooks' signing secret");
    }
    crate::files::check_private(&path)?;
    let bytes = crate::files::read_secret(&path)?;
    Ok(hex(&bytes).into_bytes())
}

/// The webhooks' HTTP client: https through rustls with the system's roots, no
/// redirects followed.
fn webhook_client() -> Result<reqwest::Client, NotifyError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("commons/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| NotifyError::Client(error.to_string()))
}

/// A delivery still to make, as kept in the pending table.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Pending {
    event: String,
    kind: String,
    body: String,
    attempts: u32,
    first_ms: u64,
    next_ms: u64,
}

/// The notifier's own file.
#[derive(Debug, Clone)]
struct Ledger {
    db: Arc<Database>,
    path: PathBuf,
}

impl Ledger {
    fn open(path: PathBuf, now_ms: u64) -> Result<Ledger, NotifyError> {
        let fail = |error: &dyn std::fmt::Display| NotifyError::Db {
            path: path.clone(),
            message: error.to_string(),
        };
        let db = Database::create(&path).map_err(|e| fail(&e))?;
        let txn = db.begin_write().map_err(|e| fail(&e))?;
        {
            txn.open_table(SEEN).map_err(|e| fail(&e))?;
            txn.open_table(PENDING).map_err(|e| fail(&e))?;
            let mut meta = txn.open_table(META).map_err(|e| fail(&e))?;
            if meta.get("created_ms").map_err(|e| fail(&e))?.is_none() {
                meta.insert("created_ms", now_ms).map_err(|e| fail(&e))?;
            }
        }
        txn.commit().map_err(|e| fail(&e))?;
        Ok(Ledger {
            db: Arc::new(db),
            path,
        })
    }

    fn error(&self, error: impl std::fmt::Display) -> NotifyError {
        NotifyError::Db {
            path: self.path.clone(),
            message: error.to_string(),
        }
    }

    fn created_ms(&self) -> Result<u64, NotifyError> {
        let txn = self.db.begin_read().map_err(|e| self.error(e))?;
        let meta = txn.open_table(META).map_err(|e| self.error(e))?;
        Ok(meta
            .get("created_ms")
            .map_err(|e| self.error(e))?
            .map_or(0, |value| value.value()))
    }

    fn seen(&self, id: &str) -> Result<bool, NotifyError> {
        let txn = self.db.begin_read().map_err(|e| self.error(e))?;
        let seen = txn.open_table(SEEN).map_err(|e| self.error(e))?;
        Ok(seen.get(id).map_err(|e| self.error(e))?.is_some())
    }

    /// Takes each of `events` in with one delivery per target, unless it was taken in
    /// before, all in one transaction. Which of them were new.
    fn take_in(
        &self,
        events: &[NotifyEvent],
        targets: &[NotifyTarget],
        now_ms: u64,
    ) -> Result<Vec<bool>, NotifyError> {
        let mut new = Vec::with_capacity(events.len());
        let txn = self.db.begin_write().map_err(|e| self.error(e))?;
        {
            let mut seen = txn.open_table(SEEN).map_err(|e| self.error(e))?;
            let mut meta = txn.open_table(META).map_err(|e| self.error(e))?;
            let mut pending = txn.open_table(PENDING).map_err(|e| self.error(e))?;
            let mut order = meta
                .get("next_order")
                .map_err(|e| self.error(e))?
                .map_or(0, |value| value.value());
            for event in events {
                let known = seen
                    .get(event.id.as_str())
                    .map_err(|e| self.error(e))?
                    .is_some();
                new.push(!known);
                if known {
                    continue;
                }
                seen.insert(event.id.as_str(), now_ms)
                    .map_err(|e| self.error(e))?;
                let row = Pending {
                    event: event.id.clone(),
                    kind: event.kind.as_str().to_owned(),
                    body: event.json.to_string(),
                    attempts: 0,
                    first_ms: now_ms,
                    next_ms: now_ms,
                };
                let bytes = serde_json::to_vec(&row).map_err(|e| self.error(e))?;
                for target in targets {
                    pending
                        .insert((target.name.as_str(), order), bytes.as_slice())
                        .map_err(|e| self.error(e))?;
                    order += 1;
                }
            }
            meta.insert("next_order", order)
                .map_err(|e| self.error(e))?;
        }
        txn.commit().map_err(|e| self.error(e))?;
        Ok(new)
    }

    /// The oldest delivery still to make to `target`.
    fn next(&self, target: &str) -> Result<Option<(u64, Pending)>, NotifyError> {
        let txn = self.db.begin_read().map_err(|e| self.error(e))?;
        let pending = txn.open_table(PENDING).map_err(|e| self.error(e))?;
        let mut range = pending
            .range((target, 0)..=(target, u64::MAX))
            .map_err(|e| self.error(e))?;
        match range.next() {
            Some(entry) => {
                let (key, value) = entry.map_err(|e| self.error(e))?;
                let row: Pending =
                    serde_json::from_slice(value.value()).map_err(|e| self.error(e))?;
                Ok(Some((key.value().1, row)))
            }
            None => Ok(None),
        }
    }

    /// Removes a delivery made or given up, or writes its next attempt.
    fn settle(&self, target: &str, order: u64, retry: Option<&Pending>) -> Result<(), NotifyError> {
        let txn = self.db.begin_write().map_err(|e| self.error(e))?;
        {
            let mut pending = txn.open_table(PENDING).map_err(|e| self.error(e))?;
            match retry {
                None => {
                    pending.remove((target, order)).map_err(|e| self.error(e))?;
                }
                Some(row) => {
                    let bytes = serde_json::to_vec(row).map_err(|e| self.error(e))?;
                    pending
                        .insert((target, order), bytes.as_slice())
                        .map_err(|e| self.error(e))?;
                }
            }
        }
        txn.commit().map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Pending deliveries by target.
    fn pending_counts(&self) -> Result<BTreeMap<String, u64>, NotifyError> {
        let txn = self.db.begin_read().map_err(|e| self.error(e))?;
        let pending = txn.open_table(PENDING).map_err(|e| self.error(e))?;
        let mut counts = BTreeMap::new();
        for entry in pending.iter().map_err(|e| self.error(e))? {
            let (key, _) = entry.map_err(|e| self.error(e))?;
            *counts.entry(key.value().0.to_owned()).or_insert(0) += 1;
        }
        Ok(counts)
    }

    /// Drops the deliveries to hooks no longer configured. How many.
    fn drop_unknown(&self, targets: &[NotifyTarget]) -> Result<u64, NotifyError> {
        let known: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
        let counts = self.pending_counts()?;
        let mut dropped = 0;
        let txn = self.db.begin_write().map_err(|e| self.error(e))?;
        {
            let mut pending = txn.open_table(PENDING).map_err(|e| self.error(e))?;
            for (name, count) in counts {
                if !known.contains(&name.as_str()) {
                    pending
                        .retain_in((name.as_str(), 0)..=(name.as_str(), u64::MAX), |_, _| false)
                        .map_err(|e| self.error(e))?;
                    dropped += count;
                }
            }
        }
        txn.commit().map_err(|e| self.error(e))?;
        Ok(dropped)
    }
}

/// What the listener hands the notifier.
enum Heard {
    /// A stored record that may be an event.
    Record(Box<StoredEvent>),
    /// Something was missed: look through the store.
    Missed,
}

/// How long a delivery under way when the node stops may still take: within the
/// node's shutdown grace, leaving time to record its outcome.
const ATTEMPT_GRACE_AT_STOP: Duration = Duration::from_secs(5);

/// The running notifications: owned by the daemon, stopped before the node (a
/// notifier holds no handle that keeps ingest running).
#[derive(Debug)]
pub struct Notifier {
    stop: watch::Sender<bool>,
    tasks: Vec<(String, JoinHandle<()>)>,
}

/// Everything a task of the notifier shares. Not the node's handle: holding ingest's
/// request channel would keep ingest from stopping.
#[derive(Debug)]
struct Shared {
    store: Arc<dyn Store>,
    roster: watch::Receiver<Arc<Roster>>,
    metrics: Arc<Metrics>,
    org: OrgId,
    ledger: Ledger,
    settings: NotifySettings,
    secret: Option<Vec<u8>>,
    client: Option<reqwest::Client>,
    /// One wake-up per target, in `settings.targets` order.
    wake: Vec<Notify>,
}

impl Notifier {
    /// Starts notifications for `node`, keeping their state in `dir` (the data dir).
    /// With no target it still takes events in (so hooks added later are not woken by
    /// old ones), but delivers nothing.
    pub async fn start(
        dir: &Path,
        settings: NotifySettings,
        node: NodeHandle,
    ) -> Result<Notifier, NotifyError> {
        let events = node.ingest.subscribe();
        let now = crate::clock::now_ms();
        let path = dir.join(NOTIFY_DB_FILE);
        let webhooks = settings
            .targets
            .iter()
            .any(|target| matches!(target.hook, Hook::Webhook(_)));
        let dir_owned = dir.to_owned();
        let targets = settings.targets.clone();
        let (ledger, secret) = tokio::task::spawn_blocking(move || {
            let ledger = Ledger::open(path, now)?;
            let dropped = ledger.drop_unknown(&targets)?;
            if dropped > 0 {
                warn!(
                    dropped,
                    "dropped pending notifications to hooks no longer in config.toml"
                );
            }
            let secret = if webhooks {
                Some(load_or_create_secret(&dir_owned)?)
            } else {
                None
            };
            Ok::<_, NotifyError>((ledger, secret))
        })
        .await
        .map_err(|error| NotifyError::Db {
            path: dir.join(NOTIFY_DB_FILE),
            message: error.to_string(),
        })??;
        let client = if webhooks {
            Some(webhook_client()?)
        } else {
            None
        };
        Metrics::set(&node.metrics.notify_hooks, settings.targets.len() as u64);
        let span = info_span!("notify", device = %node.device);
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            wake: settings.targets.iter().map(|_| Notify::new()).collect(),
            store: node.store.clone(),
            roster: node.ingest.watch_roster(),
            metrics: node.metrics.clone(),
            org: node.org,
            ledger,
            settings,
            secret,
            client,
        });
        let (queue, heard) = mpsc::channel(NOTIFY_QUEUE_CAPACITY);
        let missed = Arc::new(AtomicBool::new(true));
        let mut tasks = Vec::new();
        tasks.push((
            "notify listener".to_owned(),
            tokio::spawn(
                listen(
                    shared.clone(),
                    events,
                    queue,
                    missed.clone(),
                    stopped.clone(),
                )
                .instrument(span.clone()),
            ),
        ));
        tasks.push((
            "notifier".to_owned(),
            tokio::spawn(
                take_in(shared.clone(), heard, missed, stopped.clone()).instrument(span.clone()),
            ),
        ));
        for index in 0..shared.settings.targets.len() {
            tasks.push((
                format!("notify hook {}", shared.settings.targets[index].name),
                tokio::spawn(
                    deliver(shared.clone(), index, stopped.clone()).instrument(span.clone()),
                ),
            ));
        }
        shared.refresh_pending().await;
        Ok(Notifier { stop, tasks })
    }

    /// Stops every task and waits for them. A delivery under way is abandoned (its
    /// command killed) and made again at the next start; records stored after this
    /// are found by the next start's look through the store.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for (name, task) in self.tasks {
            match tokio::time::timeout(crate::node_handle::SHUTDOWN_GRACE, task).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => warn!(task = name, %error, "task ended abnormally"),
                Err(_) => warn!(
                    task = name,
                    "task still busy after the shutdown grace period"
                ),
            }
        }
    }
}

/// Takes stored records from ingest's events and queues the ones that may matter,
/// never waiting: a full queue or a lag behind ingest is counted, logged, and made up
/// for by a look through the store.
async fn listen(
    shared: Arc<Shared>,
    mut events: broadcast::Receiver<StoredEvent>,
    queue: mpsc::Sender<Heard>,
    missed: Arc<AtomicBool>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let event = tokio::select! {
            event = events.recv() => event,
            _ = stopped.wait_for(|stop| *stop) => break,
        };
        let heard = match event {
            Ok(event) if may_matter(&event, shared.org) => Heard::Record(Box::new(event)),
            Ok(_) => continue,
            Err(broadcast::error::RecvError::Lagged(count)) => {
                Metrics::add(&shared.metrics.notify_dropped, count);
                warn!(
                    missed = count,
                    "notifications fell behind ingest; looking through the store for what was missed"
                );
                missed.store(true, Ordering::Relaxed);
                Heard::Missed
            }
            Err(broadcast::error::RecvError::Closed) => break,
        };
        match queue.try_send(heard) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(Heard::Record(event))) => {
                Metrics::add(&shared.metrics.notify_dropped, 1);
                warn!(
                    record = %event.record.id(),
                    capacity = NOTIFY_QUEUE_CAPACITY,
                    "the notification queue is full: record dropped from it, to be found again by a look through the store"
                );
                missed.store(true, Ordering::Relaxed);
            }
            Err(mpsc::error::TrySendError::Full(Heard::Missed)) => {}
            Err(mpsc::error::TrySendError::Closed(_)) => break,
        }
    }
    debug!("notification listener stopped");
}

/// Turns queued records into events, each taken in once, and wakes the hooks.
async fn take_in(
    shared: Arc<Shared>,
    mut heard: mpsc::Receiver<Heard>,
    missed: Arc<AtomicBool>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        if missed.swap(false, Ordering::Relaxed) {
            let shared2 = shared.clone();
            let caught = tokio::task::spawn_blocking(move || shared2.catch_up()).await;
            match caught {
                Ok(Ok(0)) => {}
                Ok(Ok(found)) => {
                    info!(
                        found,
                        "found records to notify by looking through the store"
                    );
                    shared.wake_all();
                }
                Ok(Err(error)) => {
                    warn!(%error, "could not look through the store for notifications")
                }
                Err(error) => warn!(%error, "the look through the store for notifications failed"),
            }
            shared.refresh_pending().await;
        }
        let next = tokio::select! {
            next = heard.recv() => next,
            _ = stopped.wait_for(|stop| *stop) => break,
        };
        let Some(next) = next else { break };
        let Heard::Record(first) = next else {
            continue;
        };
        // What else is queued already goes in the same transaction.
        let mut records = vec![(first.record, first.org)];
        while records.len() < TAKE_IN_BATCH {
            match heard.try_recv() {
                Ok(Heard::Record(event)) => records.push((event.record, event.org)),
                Ok(Heard::Missed) => missed.store(true, Ordering::Relaxed),
                Err(_) => break,
            }
        }
        let shared2 = shared.clone();
        let handled = tokio::task::spawn_blocking(move || {
            shared2.take_in_records(&records, crate::clock::now_ms())
        })
        .await;
        match handled {
            Ok(Ok(0)) => {}
            Ok(Ok(_)) => {
                shared.wake_all();
                shared.refresh_pending().await;
            }
            Ok(Err(error)) => {
                warn!(%error, "could not take records in for notifications; they will be looked for again");
                missed.store(true, Ordering::Relaxed);
            }
            Err(error) => warn!(%error, "taking records in for notifications failed"),
        }
    }
    debug!("notifier stopped");
}

impl Shared {
    /// Takes in the records that are new events, in one transaction. How many were.
    fn take_in_records(
        &self,
        records: &[(VerifiedRecord, OrgId)],
        now_ms: u64,
    ) -> Result<u64, NotifyError> {
        let roster = self.roster.borrow().clone();
        let mut names = Names::new(self.store.as_ref());
        let mut events = Vec::new();
        for (record, org) in records {
            let event = classify_named(&mut names, &roster, self.org, record, *org, now_ms)
                .map_err(|error| self.ledger.error(format!("reading the store: {error}")))?;
            events.extend(event);
        }
        if events.is_empty() {
            return Ok(0);
        }
        let new = self
            .ledger
            .take_in(&events, &self.settings.targets, now_ms)?;
        let mut count = 0;
        for (event, _) in events.iter().zip(&new).filter(|(_, new)| **new) {
            count += 1;
            info!(event = %event.id, kind = event.kind.as_str(), hooks = self.settings.targets.len(), "notifying");
        }
        Metrics::add(&self.metrics.notify_events, count);
        Ok(count)
    }

    /// Looks through the store for records of the catch-up window not taken in, page
    /// by page. How many events it found.
    fn catch_up(&self) -> Result<u64, NotifyError> {
        let now = crate::clock::now_ms();
        let since = self
            .ledger
            .created_ms()?
            .max(now.saturating_sub(CATCH_UP_WINDOW.as_millis() as u64));
        let mut found = 0;
        for kind in [
            BodyKind::Alert,
            BodyKind::AlertResponse,
            BodyKind::Application,
            BodyKind::Vote,
            BodyKind::RedactionVote,
        ] {
            let mut before = None;
            loop {
                let page = self
                    .store
                    .query(&RecordQuery {
                        kind: Some(kind),
                        since_ms: Some(since),
                        before,
                        limit: MAX_QUERY_LIMIT,
                        ..RecordQuery::default()
                    })
                    .map_err(|error| self.ledger.error(format!("reading the store: {error}")))?;
                let Some(last) = page.last() else { break };
                before = Some((last.record.record().timestamp_ms, last.record.id()));
                let full = page.len() == MAX_QUERY_LIMIT;
                let mut unseen = Vec::new();
                // Newest first; each page taken in oldest first.
                for stored in page.into_iter().rev() {
                    if stored.org == self.org {
                        continue;
                    }
                    if let Some(id) = event_id(&stored.record)
                        && !self.ledger.seen(&id)?
                    {
                        unseen.push((stored.record, stored.org));
                    }
                }
                for chunk in unseen.chunks(TAKE_IN_BATCH) {
                    found += self.take_in_records(chunk, now)?;
                }
                if !full {
                    break;
                }
            }
        }
        Ok(found)
    }

    fn wake_all(&self) {
        for wake in &self.wake {
            wake.notify_one();
        }
    }

    /// Updates the pending gauge from the file.
    async fn refresh_pending(self: &Arc<Self>) {
        let shared = self.clone();
        if let Ok(Ok(counts)) =
            tokio::task::spawn_blocking(move || shared.ledger.pending_counts()).await
        {
            Metrics::set(&self.metrics.notify_pending, counts.values().sum());
        }
    }
}

/// Makes the deliveries to one hook, oldest first, each retried with backoff until it
/// is made or given up.
async fn deliver(shared: Arc<Shared>, index: usize, mut stopped: watch::Receiver<bool>) {
    let target = &shared.settings.targets[index];
    let label = target.label();
    loop {
        if *stopped.borrow() {
            break;
        }
        let next = {
            let shared = shared.clone();
            let name = target.name.clone();
            tokio::task::spawn_blocking(move || shared.ledger.next(&name)).await
        };
        let (order, mut row) = match next {
            Ok(Ok(Some(next))) => next,
            Ok(Ok(None)) => {
                tokio::select! {
                    _ = shared.wake[index].notified() => continue,
                    _ = stopped.wait_for(|stop| *stop) => break,
                }
            }
            Ok(Err(error)) => {
                warn!(hook = %label, %error, "cannot read the pending notifications; trying again");
                tokio::select! {
                    _ = tokio::time::sleep(shared.settings.max_retry) => continue,
                    _ = stopped.wait_for(|stop| *stop) => break,
                }
            }
            Err(_) => break,
        };
        let now = crate::clock::now_ms();
        if row.next_ms > now {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(row.next_ms - now)) => {}
                _ = stopped.wait_for(|stop| *stop) => break,
            }
        }
        let attempt = {
            let under_way = attempt(&shared, target, &row);
            tokio::pin!(under_way);
            let finished = tokio::select! {
                attempt = &mut under_way => Some(attempt),
                _ = stopped.wait_for(|stop| *stop) => None,
            };
            match finished {
                Some(attempt) => attempt,
                // Stopping: an attempt under way may already have reached the hook, so it
                // is let finish for a while and its outcome recorded, not made again at
                // the next start. Past that it is dropped, which kills its command
                // (kill_on_drop) and its request.
                None => match tokio::time::timeout(ATTEMPT_GRACE_AT_STOP, &mut under_way).await {
                    Ok(attempt) => attempt,
                    Err(_) => break,
                },
            }
        };
        let now = crate::clock::now_ms();
        let retry = match attempt {
            Ok(()) => {
                Metrics::add(&shared.metrics.notify_delivered, 1);
                info!(hook = %label, event = %row.event, attempts = row.attempts + 1, "notified");
                None
            }
            Err(error) => {
                row.attempts += 1;
                Metrics::add(&shared.metrics.notify_failures, 1);
                if now.saturating_sub(row.first_ms)
                    >= shared.settings.give_up_after.as_millis() as u64
                {
                    Metrics::add(&shared.metrics.notify_given_up, 1);
                    warn!(hook = %label, event = %row.event, attempts = row.attempts, %error,
                        "notification given up: the hook kept failing");
                    None
                } else {
                    let wait = backoff(&shared.settings, row.attempts);
                    warn!(hook = %label, event = %row.event, attempts = row.attempts, %error,
                        retry_in_ms = wait.as_millis() as u64, "notification failed; it will be retried");
                    row.next_ms = now.saturating_add(wait.as_millis() as u64);
                    Some(row)
                }
            }
        };
        let settled = {
            let shared = shared.clone();
            let name = target.name.clone();
            tokio::task::spawn_blocking(move || shared.ledger.settle(&name, order, retry.as_ref()))
                .await
        };
        match settled {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                warn!(hook = %label, %error, "could not record a notification's outcome");
                tokio::select! {
                    _ = tokio::time::sleep(shared.settings.max_retry) => {}
                    _ = stopped.wait_for(|stop| *stop) => break,
                }
            }
            Err(_) => break,
        }
        shared.refresh_pending().await;
    }
    debug!(hook = %label, "notification hook stopped");
}

/// The wait after the `attempts`-th failure: `first_retry` doubled each time, at most
/// `max_retry`.
pub fn backoff(settings: &NotifySettings, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(30);
    settings
        .first_retry
        .saturating_mul(1u32 << doublings)
        .min(settings.max_retry)
}

/// Why one delivery failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The command could not be started.
    #[error("could not start {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
    /// The command ran past its timeout and was killed.
    #[error("still running after {0:?}: killed")]
    TimedOut(Duration),
    /// The command failed.
    #[error("exited with {status}: {stderr}")]
    Exit {
        /// Its status.
        status: std::process::ExitStatus,
        /// The end of its standard error.
        stderr: String,
    },
    /// The request failed or was refused.
    #[error("{0}")]
    Http(String),
}

async fn attempt(
    shared: &Shared,
    target: &NotifyTarget,
    row: &Pending,
) -> Result<(), DeliveryError> {
    match &target.hook {
        Hook::Command(argv) => run_command(argv, target.timeout, row).await,
        Hook::Webhook(url) => {
            let (Some(client), Some(secret)) = (&shared.client, &shared.secret) else {
                return Err(DeliveryError::Http("no webhook client".to_owned()));
            };
            let signed = signature(secret, row.body.as_bytes()).ok_or_else(|| {
                DeliveryError::Http("the webhook secret cannot key HMAC-SHA256".to_owned())
            })?;
            let response = client
                .post(url)
                .timeout(target.timeout)
                .header("content-type", "application/json")
                .header(SIGNATURE_HEADER, signed)
                .header(EVENT_HEADER, &row.kind)
                .header(DELIVERY_HEADER, &row.event)
                .body(row.body.clone())
                .send()
                .await
                .map_err(|error| DeliveryError::Http(error_chain(&error)))?;
            let status = response.status();
            if status.is_success() {
                Ok(())
            } else {
                Err(DeliveryError::Http(format!(
                    "the receiver answered {status}"
                )))
            }
        }
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Runs the hook's program in a process group of its own, the event on its standard
/// input; past `timeout` the whole group is killed.
async fn run_command(
    argv: &[String],
    timeout: Duration,
    row: &Pending,
) -> Result<(), DeliveryError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(DeliveryError::Spawn {
            program: String::new(),
            source: std::io::Error::other("empty command"),
        });
    };
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .env("COMMONS_EVENT", &row.kind)
        .env("COMMONS_EVENT_ID", &row.event)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| DeliveryError::Spawn {
            program: program.clone(),
            source,
        })?;
    // Kills what the hook left running, whether it timed out, failed, or its attempt
    // was dropped at shutdown; disarmed when it succeeds.
    let mut group = GroupGuard(
        child
            .id()
            .and_then(|pid| rustix::process::Pid::from_raw(pid as i32)),
    );
    let mut stdin = child.stdin.take();
    let mut stderr = child.stderr.take();
    let body = row.body.as_bytes();
    let run = async {
        if let Some(stdin) = stdin.as_mut() {
            // A hook that does not read its input is its own business.
            let _ = stdin.write_all(body).await;
            let _ = stdin.shutdown().await;
        }
        drop(stdin.take());
        let mut kept = Vec::new();
        if let Some(stderr) = stderr.as_mut() {
            let mut chunk = [0u8; 512];
            while let Ok(read) = stderr.read(&mut chunk).await {
                if read == 0 {
                    break;
                }
                if kept.len() < STDERR_KEPT {
                    kept.extend_from_slice(&chunk[..read.min(STDERR_KEPT - kept.len())]);
                }
            }
        }
        (child.wait().await, kept)
    };
    let outcome = tokio::time::timeout(timeout, run).await;
    match outcome {
        Err(_) => Err(DeliveryError::TimedOut(timeout)),
        Ok((Ok(status), _)) if status.success() => {
            group.0 = None;
            Ok(())
        }
        Ok((Ok(status), stderr)) => Err(DeliveryError::Exit {
            status,
            stderr: String::from_utf8_lossy(&stderr).trim().to_owned(),
        }),
        Ok((Err(error), _)) => Err(DeliveryError::Spawn {
            program: program.clone(),
            source: error,
        }),
    }
}

/// A hook's process group, killed when this is dropped unless disarmed.
#[derive(Debug)]
struct GroupGuard(Option<rustix::process::Pid>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pid) = self.0.take() {
            // Already gone is fine.
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_in_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?").as_deref(),
            Some("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
    }

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let settings = NotifySettings::default();
        let waits: Vec<u64> = (1..=12)
            .map(|attempt| backoff(&settings, attempt).as_secs())
            .collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600]);
        assert_eq!(backoff(&settings, u32::MAX), DEFAULT_MAX_RETRY);
    }

    #[tokio::test]
    async fn this_build_speaks_https_to_webhooks() {
        // A port nobody listens on: the request gets as far as connecting, which an
        // https address would not if TLS were missing from the build.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .unwrap_or(9);
        let client = webhook_client().unwrap_or_else(|error| panic!("{error}"));
        match client
            .post(format!("https://127.0.0.1:{port}/hook"))
            .send()
            .await
        {
            Ok(response) => panic!("nobody listens there, yet {response:?}"),
            Err(error) => assert!(error.is_connect() && !error.is_builder(), "{error:?}"),
        }
    }

    #[test]
    fn hooks_are_named_without_their_secrets() {
        let target = NotifyTarget::new(
            None,
            Hook::Webhook("https://chat.example.org/hooks/t0ken?key=s3cret".into()),
            DEFAULT_HOOK_TIMEOUT,
        );
        assert!(target.name.starts_with("webhook-"));
        let label = target.label();
        assert!(label.contains("chat.example.org"), "{label}");
        assert!(
            !label.contains("t0ken") && !label.contains("s3cret"),
            "{label}"
        );
    }
}
