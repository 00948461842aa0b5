//! What pages show of the store's records, orgs and devices: org names from their
//! profiles, short ids, excerpts, and publishing through the node's publisher with its
//! refusals in words. Pages read the store through [`crate::AppState::read`] and
//! publish only through [`publish`]: the web app never writes to the store.

use std::collections::HashMap;

use commons_node::publish::PublishError;
use commons_node::publish::Published;
use commons_node::store::{MAX_QUERY_LIMIT, RecordQuery, Store, StoreError, StoredRecord};
use commons_protocol::{Body, BodyKind, Charter, OrgId, RecordId};

use crate::AppState;
use crate::i18n::Tr;

pub use commons_node::clock::now_ms;

/// The display names of orgs: the latest profile each org published, else the name
/// the charter gives a founder.
#[derive(Debug, Clone, Default)]
pub struct OrgDirectory {
    names: HashMap<OrgId, String>,
}

/// What a directory was read from: the store (its address), the charter's founders, and
/// the store's state as its counts and newest profile show it. Every new record changes
/// the record count and every retraction the tombstone count, so a directory read under
/// an equal key holds the same names; the newest profile guards against another store
/// later allocated at the same address with the same counts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DirectoryKey {
    store: usize,
    founders: Vec<commons_protocol::Founder>,
    records: u64,
    tombstones: u64,
    newest_profile: Option<RecordId>,
}

/// The last directory read. Pages name orgs on every request, reading the directory
/// means decoding up to [`MAX_QUERY_LIMIT`] profiles (about 10 ms on a node of 100,000
/// records: docs/benchmarks.md, "commons-web: page times"), and profiles change rarely;
/// checking the key costs the store's counts and one profile.
static LAST_DIRECTORY: std::sync::Mutex<Option<(DirectoryKey, OrgDirectory)>> =
    std::sync::Mutex::new(None);

impl OrgDirectory {
    /// Reads the names from `store` and `charter`, or takes them from the last read when
    /// nothing was stored or retracted since.
    pub fn read(store: &dyn Store, charter: &Charter) -> Result<OrgDirectory, StoreError> {
        // The key is read before the profiles: a commit in between makes the key older
        // than the names, which only costs a read next time, never a stale name.
        let stats = store.stats()?;
        let newest_profile = store
            .query(&RecordQuery {
                kind: Some(BodyKind::Profile),
                limit: 1,
                ..RecordQuery::default()
            })?
            .first()
            .map(|stored| stored.record.id());
        let key = DirectoryKey {
            store: std::ptr::from_ref(store).cast::<()>() as usize,
            founders: charter.founders.clone(),
            records: stats.records,
            tombstones: stats.tombstones,
            newest_profile,
        };
        if let Ok(last) = LAST_DIRECTORY.lock()
            && let Some((last_key, directory)) = last.as_ref()
            && *last_key == key
        {
            return Ok(directory.clone());
        }
        let directory = Self::read_profiles(store, charter)?;
        if let Ok(mut last) = LAST_DIRECTORY.lock() {
            *last = Some((key, directory.clone()));
        }
        Ok(directory)
    }

    /// Reads the names from the latest version of each org's newest profile in
    /// `store`, and `charter`.
    fn read_profiles(store: &dyn Store, charter: &Charter) -> Result<OrgDirectory, StoreError> {
        let mut names: HashMap<OrgId, String> = charter
            .founders
            .iter()
            .map(|founder| (founder.org, founder.name.clone()))
            .collect();
        let profiles = store.query(&RecordQuery {
            kind: Some(BodyKind::Profile),
            limit: MAX_QUERY_LIMIT,
            ..RecordQuery::default()
        })?;
        let mut named = std::collections::HashSet::new();
        // Newest first: the first profile seen of an org is its newest, read as its
        // latest version.
        for stored in profiles {
            if !named.insert(stored.org) {
                continue;
            }
            if let Body::Profile(profile) = commons_node::revisions::latest_body(store, &stored)?
                && !profile.name.trim().is_empty()
            {
                names.insert(stored.org, profile.name);
            }
        }
        Ok(OrgDirectory { names })
    }

    /// The org's name, or its short id when it never said its name.
    pub fn name(&self, org: &OrgId) -> String {
        self.names
            .get(org)
            .cloned()
            .unwrap_or_else(|| short_org(org))
    }
}

/// An org's id shortened for people: `org_` and its first 8 hex digits.
pub fn short_org(org: &OrgId) -> String {
    let text = org.to_string();
    text.chars().take(12).collect()
}

/// A record's id shortened for people: its first 8 hex digits.
pub fn short_id(id: &RecordId) -> String {
    let text = id.to_string();
    text.chars().skip(4).take(8).collect()
}

/// At most `max_chars` of `text`, cut at a word, with an ellipsis when cut.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut
        .rsplit_once(char::is_whitespace)
        .map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

/// The words of a Markdown text without its markup, on one line: for an excerpt of a
/// peer's text in a list, where markup characters would show as typed.
pub fn markdown_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                text.push(' ');
            }
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where the app shows a record of `kind`, if it has a page for it.
pub fn record_path(kind: Option<BodyKind>, id: &RecordId) -> Option<String> {
    let section = match kind? {
        BodyKind::Practice => "cases",
        BodyKind::Campaign => "campaigns",
        BodyKind::Alert => "alerts",
        _ => return None,
    };
    Some(format!("/{section}/{id}"))
}

/// Where the app shows the record `id` with `body`: a revision leads to the page of the
/// record it revises.
pub fn record_link(body: &Body, id: &RecordId) -> Option<String> {
    match body {
        Body::Revision(revision) => record_path(Some(revision.content.kind()), &revision.original),
        other => record_path(other.kind(), id),
    }
}

/// The versions of a case study, campaign or profile as pages show them: the original
/// and its org's revisions, the version shown chosen by the node's one rule
/// ([`commons_node::revisions`]).
#[derive(Debug, Clone)]
pub struct Versions {
    /// The first version.
    pub original: StoredRecord,
    /// The revisions that count (the original's org's, of its kind), oldest first.
    pub revisions: Vec<StoredRecord>,
    /// The version shown: the original, or one of `revisions`.
    pub latest: StoredRecord,
}

impl Versions {
    /// The content of the version shown, as a body of the original's kind.
    pub fn latest_body(&self) -> Body {
        content_of(&self.latest)
    }

    /// When the version shown was published, if it is a revision.
    pub fn edited_ms(&self) -> Option<u64> {
        (self.latest.record.id() != self.original.record.id())
            .then(|| self.latest.record.record().timestamp_ms)
    }

    /// Every version, oldest first: the original, then the revisions.
    pub fn all(&self) -> impl Iterator<Item = &StoredRecord> {
        std::iter::once(&self.original).chain(self.revisions.iter())
    }
}

/// A version's content as a body of the kind it revises (the original's own body for
/// the original).
pub fn content_of(stored: &StoredRecord) -> Body {
    commons_node::revisions::content(stored)
}

/// The versions of record `id` (the original or any of its revisions), if it is held
/// and can have versions: [`commons_node::revisions::versions`], the node's one rule.
pub fn read_versions(store: &dyn Store, id: &RecordId) -> Result<Option<Versions>, StoreError> {
    let Some(found) = commons_node::revisions::versions(store, id)? else {
        return Ok(None);
    };
    Ok(Some(Versions {
        latest: found.latest().clone(),
        original: found.original,
        revisions: found.revisions,
    }))
}

/// How far before a record another org's reply to it (an update, a response) may be
/// dated and still be looked for: members' clocks are not in step, so a reply can
/// carry a timestamp a little before the record it answers.
pub const CLOCK_SKEW_ALLOWANCE_MS: u64 = 24 * 60 * 60 * 1000;

/// The records of `kind` from `since_ms` on, newest first, read page by page with the
/// store's paging cursor and stopping after `max` records: the bounded scan a page
/// uses to find records that point at another (a campaign's updates, an alert's
/// responses), since the store keeps no index by referenced record. The flag says
/// whether the scan stopped at `max` with more left unread.
pub fn scan_kind(
    store: &dyn Store,
    kind: BodyKind,
    since_ms: Option<u64>,
    max: usize,
) -> Result<(Vec<commons_node::store::StoredRecord>, bool), StoreError> {
    let mut found = Vec::new();
    let mut before = None;
    while found.len() < max {
        let limit = (max - found.len()).min(MAX_QUERY_LIMIT);
        let page = store.query(&RecordQuery {
            kind: Some(kind),
            since_ms,
            before,
            limit,
            ..RecordQuery::default()
        })?;
        let full = page.len() >= limit;
        before = page
            .last()
            .map(|stored| (stored.record.record().timestamp_ms, stored.record.id()));
        found.extend(page);
        if !full {
            return Ok((found, false));
        }
    }
    Ok((found, true))
}

/// A record with the records that answer it (a campaign with its updates, an alert
/// with its responses), as its page shows them.
#[derive(Debug)]
pub enum Thread {
    /// No record of that kind with that id is held.
    Missing,
    /// Its content is gone: its org retracted it, or (`redacted`) the members voted it
    /// down for safety. Its replies are other orgs' records, still held until each is
    /// retracted or redacted in turn.
    Retracted {
        /// Whether the members' vote took it down, rather than its org.
        redacted: bool,
        /// The records of the answering kind that name it, newest first.
        replies: Vec<StoredRecord>,
        /// Whether the replies stopped at their bound.
        cut: bool,
        /// The orgs' names.
        names: OrgDirectory,
    },
    /// It is held.
    Here {
        /// The record.
        record: Box<StoredRecord>,
        /// The records of the answering kind that name it, newest first.
        replies: Vec<StoredRecord>,
        /// Whether the replies stopped at their bound: older ones may be left unread.
        cut: bool,
        /// The orgs' names.
        names: OrgDirectory,
    },
}

/// The record `id` if it is of `kind`, with the newest `max_scanned` records of
/// `reply_kind` that refer to it ([`Body::references`]), read from the store's index of
/// records by the record they reference ([`Store::referring`]): only the replies are
/// read, whatever else the store holds.
pub fn read_thread(
    store: &dyn Store,
    charter: &Charter,
    id: RecordId,
    kind: BodyKind,
    reply_kind: BodyKind,
    max_scanned: usize,
) -> Result<Thread, StoreError> {
    let limit = max_scanned.clamp(1, MAX_QUERY_LIMIT);
    let Some(stored) = store.record(&id)? else {
        let Some(tombstone) = store.tombstone(&id)? else {
            return Ok(Thread::Missing);
        };
        let redacted = store
            .record(&tombstone.retraction)?
            .is_some_and(|taken_by| {
                matches!(taken_by.record.record().body, Body::RedactionVote(_))
            });
        let replies = store.referring(&id, Some(reply_kind), limit)?;
        return Ok(Thread::Retracted {
            redacted,
            cut: replies.len() >= limit,
            replies,
            names: OrgDirectory::read(store, charter)?,
        });
    };
    if stored.record.record().body.kind() != Some(kind) {
        return Ok(Thread::Missing);
    }
    let replies = store.referring(&id, Some(reply_kind), limit)?;
    let cut = replies.len() >= limit;
    Ok(Thread::Here {
        record: Box::new(stored),
        replies,
        cut,
        names: OrgDirectory::read(store, charter)?,
    })
}

/// Signs `body` as this node's next record and stores it, answering in the person's
/// words when the node refuses it.
pub async fn publish(state: &AppState, tr: &Tr, body: Body) -> Result<Published, String> {
    state
        .node()
        .publisher
        .publish(body)
        .await
        .map_err(|error| refusal(tr, &error))
}

/// Why the node did not publish, in words for the person who asked.
pub fn refusal(tr: &Tr, error: &PublishError) -> String {
    match error {
        PublishError::Invalid(detail)
        | PublishError::Ingest(commons_node::ingest::IngestError::Invalid(detail)) => {
            tr.text("publish-invalid", "detail", &detail.to_string())
        }
        PublishError::Held(hold) => tr.text("publish-held", "detail", &hold.message()),
        PublishError::Shutdown
        | PublishError::Ingest(commons_node::ingest::IngestError::Shutdown) => {
            tr.msg("publish-shutdown")
        }
        other => tr.text("publish-failed", "detail", &other.to_string()),
    }
}

/// Splits a comma-separated form field into trimmed, non-empty items, each once.
pub fn split_list(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    // The Arabic comma separates items as the Latin one does.
    for item in text.split([',', '\u{060c}', '\n']) {
        let item = item.trim();
        if !item.is_empty() && !items.iter().any(|seen| seen.eq_ignore_ascii_case(item)) {
            items.push(item.to_owned());
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unwrap_used)]
    fn the_directory_follows_new_profiles_and_retractions() {
        use commons_node::store::{CommitBatch, CommitStore, MemoryStore, NewRecord, Tombstone};
        use commons_protocol::fixtures::{
            BASE_TIME_MS, delegated_feeds, sample_charter, sample_profile,
        };
        use commons_protocol::{Profile, Retraction};

        let (charter, orgs) = sample_charter(3);
        let charter = charter.charter().clone();
        let (mut writers, delegations) = delegated_feeds(&orgs, charter.network_id());
        let store = MemoryStore::new();
        let org = orgs[1].id();
        let commit = |records: Vec<commons_protocol::VerifiedRecord>, tombstones| {
            store
                .commit(&CommitBatch {
                    records: records
                        .into_iter()
                        .map(|record| NewRecord { record, org })
                        .collect(),
                    tombstones,
                    ..CommitBatch::default()
                })
                .unwrap();
        };
        commit(vec![delegations[1].clone()], Vec::new());
        let founder_name = orgs[1].name.clone();
        assert_eq!(
            OrgDirectory::read(&store, &charter).unwrap().name(&org),
            founder_name
        );
        let renamed = |name: &str| {
            Body::Profile(Profile {
                name: name.to_owned(),
                ..sample_profile()
            })
        };
        let first = writers[1]
            .append(renamed("First name"), BASE_TIME_MS + 1)
            .unwrap();
        commit(vec![first.clone()], Vec::new());
        assert_eq!(
            OrgDirectory::read(&store, &charter).unwrap().name(&org),
            "First name"
        );
        // Read again with nothing new: the same names (from the last read).
        assert_eq!(
            OrgDirectory::read(&store, &charter).unwrap().name(&org),
            "First name"
        );
        let second = writers[1]
            .append(renamed("Second name"), BASE_TIME_MS + 2)
            .unwrap();
        commit(vec![second.clone()], Vec::new());
        assert_eq!(
            OrgDirectory::read(&store, &charter).unwrap().name(&org),
            "Second name"
        );
        // The newest profile retracted: the one before it names the org again.
        let retraction = writers[1]
            .append(
                Body::Retraction(Retraction {
                    target: second.id(),
                    reason: "A typing mistake.".to_owned(),
                }),
                BASE_TIME_MS + 3,
            )
            .unwrap();
        let tombstone = Tombstone {
            target: second.id(),
            author: orgs[1].device.public(),
            seq: second.record().seq,
            retraction: retraction.id(),
        };
        commit(vec![retraction], vec![tombstone]);
        assert_eq!(
            OrgDirectory::read(&store, &charter).unwrap().name(&org),
            "First name"
        );
        // A new version of that profile renames the org.
        let Body::Profile(corrected) = renamed("First name, corrected") else {
            unreachable!()
        };
        let revision = writers[1]
            .append(
                Body::Revision(commons_protocol::Revision {
                    original: first.id(),
                    content: commons_protocol::Revised::Profile(corrected),
                }),
                BASE_TIME_MS + 4,
            )
            .unwrap();
        commit(vec![revision], Vec::new());
        assert_eq!(
            OrgDirectory::read(&store, &charter).unwrap().name(&org),
            "First name, corrected"
        );
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three four", 10), "one two…");
        assert_eq!(excerpt("  padded  ", 10), "padded");
    }

    #[test]
    fn markdown_text_drops_the_markup() {
        assert_eq!(
            markdown_text(
                "# Held\n\nThey are held *pending* [review](https://x.org).\n\n- one\n- `two`"
            ),
            "Held They are held pending review. one two"
        );
    }

    #[test]
    fn lists_are_split_trimmed_and_deduplicated() {
        assert_eq!(
            split_list(" housing, Land ,,housing\nwater "),
            vec!["housing", "Land", "water"]
        );
        assert!(split_list(" , ").is_empty());
        assert_eq!(split_list("سكن، أرض"), vec!["سكن", "أرض"]);
    }
}
