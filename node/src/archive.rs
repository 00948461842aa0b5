//! Archive export: the step where a node's records leave it for researchers. One scan
//! of a store snapshot ([`Store::scan_archive`]) is written either as a bundle
//! (`commons_protocol::BundleWriter`, verifiable offline) or as JSON lines, in chunks
//! handed to a sink as they fill, so memory stays bounded: one chunk
//! ([`EXPORT_CHUNK_BYTES`]) and one record, plus the manifest (a few dozen bytes per
//! feed). The same record set always gives the same bytes: no time, no exporter.
//! With attachments ([`export_with`]), the files the exported records name follow the
//! fork proofs, each streamed from the blob store in pieces. An export can be limited
//! to what a disconnected site lacks ([`Since`]): the records above the heads it
//! wrote to a heads file, or those signed since a date.
//!
//! Import is not here: an archive's records go back in through the one ingest path
//! (`POST /v1/archive/import`, `ingest.submit_many`), like any record.

use std::collections::BTreeMap;
use std::io::Read;
use std::ops::ControlFlow;

use base64::Engine as _;
use commons_protocol::text::hex;
use commons_protocol::{
    ArchiveWriteError, BundleWriter, DeviceKey, HeadsFile, OrgId, SignedCharter,
};
use commons_protocol::{BlobId, TombstoneEntry, Visibility};
use serde_json::{Value, json};
use thiserror::Error;

use crate::blobs::BlobStore;
use crate::contract::records::{ArchiveLine, ArchiveRecord, ArchiveTombstone, ArchiveWithheld};
use crate::json::record_json;
use crate::store::{ArchiveItem, Store, StoreError, StoredRecord};

/// How many bytes an export gathers before handing them to the sink.
pub const EXPORT_CHUNK_BYTES: usize = 256 * 1024;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// The self-verifying bundle of docs/archive.md.
    Bundle,
    /// One JSON object per feed entry, for pandas, R or DuckDB.
    Jsonl,
}

impl ArchiveFormat {
    /// The format's name in the API and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            ArchiveFormat::Bundle => "bundle",
            ArchiveFormat::Jsonl => "jsonl",
        }
    }

    /// The format named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "bundle" => Some(ArchiveFormat::Bundle),
            "jsonl" => Some(ArchiveFormat::Jsonl),
            _ => None,
        }
    }
}

/// Which records an export carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Since {
    /// Every record.
    #[default]
    Everything,
    /// What the site that wrote this heads file lacks: every record and tombstone
    /// above the contiguous head it holds of its feed (all of a feed it does not hold).
    Heads(HeadsFile),
    /// Records and tombstones signed at or after this time, in ms since the Unix epoch
    /// (by their authors' clocks).
    Time(u64),
}

impl Since {
    /// Whether an entry of `author`'s feed at `seq`, signed at `timestamp_ms`, is
    /// exported. Governance records always are: a bundle's roster is folded from its
    /// own records (docs/archive.md §4.6), and a feed's delegation opens it, so a
    /// partial bundle without them would not verify. They are few, and a site that
    /// holds them already takes them as duplicates.
    fn keeps(&self, author: &DeviceKey, seq: u64, timestamp_ms: u64, governance: bool) -> bool {
        governance
            || match self {
                Since::Everything => true,
                Since::Heads(heads) => heads.head(author).is_none_or(|head| seq > head.contiguous),
                Since::Time(since_ms) => timestamp_ms >= *since_ms,
            }
    }
}

/// Why an export stopped.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The store could not be read.
    #[error("reading the store for the export failed: {0}")]
    Store(#[from] StoreError),
    /// The store's entries broke the bundle's canonical order: the store is damaged.
    #[error(
        "the store's feeds cannot be written as an archive ({0}); check the store with a backup"
    )]
    Order(#[from] ArchiveWriteError),
    /// An attachment could not be read from disk.
    #[error("an attachment could not be read ({0}); nothing more was exported")]
    Attachment(String),
    /// The blob store failed.
    #[error(transparent)]
    Blobs(#[from] crate::blobs::BlobStoreError),
    /// The sink stopped taking bytes (the client went away).
    #[error("the export was cancelled before it finished")]
    Cancelled,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportSummary {
    /// Records written whole.
    pub records: u64,
    /// Tombstones.
    pub tombstones: u64,
    /// Withheld entries.
    pub withheld: u64,
    /// Fork proofs.
    pub fork_proofs: u64,
    /// Feeds.
    pub feeds: u64,
    /// The bundle's root hash (bundle exports only).
    pub root: Option<[u8; 32]>,
    /// Attachments written (bundles with attachments only).
    pub attachments: u64,
    /// Files the exported records name that this node does not hold whole, so the
    /// bundle lacks them.
    pub attachments_absent: u64,
}

/// Writes `store`'s records as an archive of the network `charter` founded, handing
/// chunks of at most about [`EXPORT_CHUNK_BYTES`] to `sink`, which answers `Break` to
/// cancel. Blocking: run it off the async threads.
pub fn export(
    store: &dyn Store,
    charter: &SignedCharter,
    format: ArchiveFormat,
    public_only: bool,
    sink: &mut dyn FnMut(Vec<u8>) -> ControlFlow<()>,
) -> Result<ExportSummary, ExportError> {
    export_with(
        store,
        charter,
        format,
        public_only,
        None,
        &Since::Everything,
        sink,
    )
}

/// [`export`]; a bundle also carries, from `attachments`, the bytes of every file the
/// records it carries whole name (format version 2), in ascending order of id, read
/// from disk in pieces. A file not held whole is left out and counted. Only what
/// `since` keeps is carried (and only the files it names); the feeds' manifests declare
/// the gaps that leaves.
pub fn export_with(
    store: &dyn Store,
    charter: &SignedCharter,
    format: ArchiveFormat,
    public_only: bool,
    attachments: Option<&BlobStore>,
    since: &Since,
    sink: &mut dyn FnMut(Vec<u8>) -> ControlFlow<()>,
) -> Result<ExportSummary, ExportError> {
    let mut out = Vec::with_capacity(EXPORT_CHUNK_BYTES + 1024);
    let mut summary = ExportSummary::default();
    let mut bundle = match (format, attachments) {
        (ArchiveFormat::Bundle, None) => Some(BundleWriter::new(charter, public_only, &mut out)),
        (ArchiveFormat::Bundle, Some(_)) => Some(BundleWriter::with_attachments(
            charter,
            public_only,
            &mut out,
        )),
        (ArchiveFormat::Jsonl, _) => None,
    };
    let mut named: BTreeMap<BlobId, u64> = BTreeMap::new();
    let mut feed: Option<(DeviceKey, Option<OrgId>)> = None;
    let mut failure: Option<ExportError> = None;
    let mut cancelled = false;
    store.scan_archive(&mut |item| {
        let kept = match &item {
            ArchiveItem::Record(stored) => {
                let record = stored.record.record();
                since.keeps(
                    &record.author,
                    record.seq,
                    record.timestamp_ms,
                    record.body.is_governance(),
                )
            }
            ArchiveItem::Tombstone {
                author, seq, entry, ..
            } => since.keeps(author, *seq, entry.timestamp_ms, false),
            ArchiveItem::ForkProof(_) => true,
        };
        if !kept {
            return ControlFlow::Continue(());
        }
        if let ArchiveItem::Record(stored) = &item
            && !(public_only && stored.record.record().body.visibility() == Visibility::Members)
        {
            for file in stored.record.record().body.attachments() {
                named.insert(file.blob, file.size);
            }
        }
        let written = write_item(
            item,
            bundle.as_mut(),
            public_only,
            &mut feed,
            &mut summary,
            &mut out,
        );
        if let Err(error) = written {
            failure = Some(error.into());
            return ControlFlow::Break(());
        }
        if out.len() >= EXPORT_CHUNK_BYTES {
            let chunk = std::mem::replace(&mut out, Vec::with_capacity(EXPORT_CHUNK_BYTES + 1024));
            if sink(chunk).is_break() {
                cancelled = true;
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    })?;
    if let Some(error) = failure {
        return Err(error);
    }
    if cancelled {
        return Err(ExportError::Cancelled);
    }
    if let (Some(writer), Some(blobs)) = (bundle.as_mut(), attachments) {
        for (blob, size) in named {
            let Some(mut file) = blobs.open_read(&blob)? else {
                summary.attachments_absent += 1;
                continue;
            };
            let held = file
                .metadata()
                .map_err(|error| ExportError::Attachment(error.to_string()))?
                .len();
            if held != size {
                summary.attachments_absent += 1;
                continue;
            }
            writer.attachment(blob, size, &mut out)?;
            let mut left = size;
            while left > 0 {
                let start = out.len();
                let want = usize::try_from(left.min(EXPORT_CHUNK_BYTES as u64)).unwrap_or(0);
                out.resize(start + want, 0);
                file.read_exact(&mut out[start..])
                    .map_err(|error| ExportError::Attachment(format!("{blob}: {error}")))?;
                left -= want as u64;
                if out.len() >= EXPORT_CHUNK_BYTES {
                    let chunk =
                        std::mem::replace(&mut out, Vec::with_capacity(EXPORT_CHUNK_BYTES + 1024));
                    if sink(chunk).is_break() {
                        return Err(ExportError::Cancelled);
                    }
                }
            }
            summary.attachments += 1;
        }
    }
    if let Some(writer) = bundle {
        let (_, root) = writer.finish(&mut out)?;
        summary.root = Some(root);
    }
    if !out.is_empty() && sink(out).is_break() {
        return Err(ExportError::Cancelled);
    }
    Ok(summary)
}

fn write_item(
    item: ArchiveItem,
    bundle: Option<&mut BundleWriter>,
    public_only: bool,
    feed: &mut Option<(DeviceKey, Option<OrgId>)>,
    summary: &mut ExportSummary,
    out: &mut Vec<u8>,
) -> Result<(), ArchiveWriteError> {
    let author = match &item {
        ArchiveItem::Record(stored) => Some(stored.record.record().author),
        ArchiveItem::Tombstone { author, .. } => Some(*author),
        ArchiveItem::ForkProof(_) => None,
    };
    let mut bundle = bundle;
    if let Some(author) = author
        && feed.is_none_or(|(current, _)| current != author)
    {
        *feed = Some((author, None));
        summary.feeds += 1;
        if let Some(writer) = bundle.as_deref_mut() {
            writer.feed(author, out)?;
        }
    }
    match item {
        ArchiveItem::Record(stored) => {
            if let Some((_, org)) = feed.as_mut() {
                *org = Some(stored.org);
            }
            let withhold =
                public_only && stored.record.record().body.visibility() == Visibility::Members;
            if withhold {
                summary.withheld += 1;
            } else {
                summary.records += 1;
            }
            match bundle {
                Some(writer) => writer.record(&stored.record, out)?,
                None => write_line(out, &record_line(&stored, withhold)),
            }
        }
        ArchiveItem::Tombstone {
            author,
            seq,
            entry,
            retraction,
        } => {
            summary.tombstones += 1;
            let tombstone = TombstoneEntry {
                seq,
                id: entry.id,
                prev: entry.prev,
                timestamp_ms: entry.timestamp_ms,
                retraction,
            };
            match bundle {
                Some(writer) => writer.tombstone(&tombstone, out)?,
                None => {
                    let org = feed.and_then(|(_, org)| org);
                    write_line(out, &tombstone_line(author, org, &tombstone));
                }
            }
        }
        ArchiveItem::ForkProof(proof) => {
            summary.fork_proofs += 1;
            if let Some(writer) = bundle {
                writer.fork_proof(&proof, out)?;
            }
        }
    }
    Ok(())
}

fn write_line(out: &mut Vec<u8>, value: &Value) {
    // Writing a JSON value into a vector cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
    out.push(b'\n');
}

/// One JSONL line for a record: the API's record JSON (decoded fields and `signed`,
/// the whole signed record in hex), plus the payload in base64 and the signature in
/// hex, so `sha256sum` of the decoded payload gives the id and any Ed25519 library
/// checks the signature. A withheld record keeps only its place in the feed.
pub fn record_line(stored: &StoredRecord, withheld: bool) -> Value {
    let record = &stored.record;
    let header = record.record();
    let line = if withheld {
        ArchiveLine::Withheld(ArchiveWithheld {
            id: record.id().to_string(),
            org: stored.org.to_string(),
            author: header.author.to_string(),
            seq: header.seq,
        })
    } else {
        ArchiveLine::Record(Box::new(ArchiveRecord {
            record: record_json(record, &stored.org),
            payload_base64: base64::engine::general_purpose::STANDARD
                .encode(record.payload_bytes()),
            signature: hex(record.signature().as_bytes()),
        }))
    };
    // A `Value`, whose keys serialize sorted, so the line's bytes stay what they were.
    json!(line)
}

/// One JSONL line for a retracted record: where it stood in its feed and what
/// retracted it; its content is gone.
pub fn tombstone_line(author: DeviceKey, org: Option<OrgId>, tombstone: &TombstoneEntry) -> Value {
    json!(ArchiveLine::Tombstone(ArchiveTombstone {
        id: tombstone.id.to_string(),
        org: org.map(|org| org.to_string()),
        author: author.to_string(),
        seq: tombstone.seq,
        prev: tombstone.prev.map(|prev| prev.to_string()),
        timestamp_ms: tombstone.timestamp_ms,
        retracted_by: tombstone.retraction.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{CommitBatch, CommitStore, MemoryStore, NewRecord, Tombstone};
    use commons_protocol::fixtures::{sample_archive, sample_archive_records};
    use commons_protocol::{Body, FeedSummary, VerifyOptions, verify_bundle};

    /// The sample archive's records in a store, as the exporting node held them.
    fn sample_store() -> (MemoryStore, SignedCharter) {
        let store = MemoryStore::new();
        let charter = fill(&store);
        (store, charter)
    }

    /// Commits the sample archive's records, tombstone and fork proof to `store`.
    fn fill(store: &dyn CommitStore) -> SignedCharter {
        let sample = sample_archive_records();
        let org_of = |record: &commons_protocol::VerifiedRecord| match &record.record().body {
            Body::Delegation(delegation) => Some(delegation.org),
            _ => None,
        };
        let mut batch = CommitBatch::default();
        let (retracted, retraction) = &sample.retracted;
        for feed in &sample.feeds {
            let org = org_of(&feed[0]).unwrap();
            for record in feed {
                batch.records.push(NewRecord {
                    record: record.clone(),
                    org,
                });
                if record.id() == retraction.id() {
                    batch.records.push(NewRecord {
                        record: retracted.clone(),
                        org,
                    });
                }
            }
        }
        batch.tombstones.push(Tombstone {
            target: retracted.id(),
            author: retracted.record().author,
            seq: retracted.record().seq,
            retraction: retraction.id(),
        });
        batch.fork_proofs.push(sample.fork.clone());
        store.commit(&batch).unwrap();
        sample.charter
    }

    fn export_bytes(
        store: &dyn Store,
        charter: &SignedCharter,
        format: ArchiveFormat,
        public_only: bool,
    ) -> Vec<u8> {
        let mut bytes = Vec::new();
        export(store, charter, format, public_only, &mut |chunk| {
            bytes.extend_from_slice(&chunk);
            ControlFlow::Continue(())
        })
        .unwrap();
        bytes
    }

    #[test]
    fn a_store_exports_exactly_the_sample_bundle() {
        let (store, charter) = sample_store();
        for public_only in [false, true] {
            let bytes = export_bytes(&store, &charter, ArchiveFormat::Bundle, public_only);
            assert_eq!(bytes, sample_archive(public_only));
            verify_bundle(&bytes, VerifyOptions::default()).unwrap();
        }
    }

    #[test]
    fn a_partial_export_carries_what_the_heads_lack_and_verifies() {
        let (store, charter) = sample_store();
        let network = charter.charter().network_id();
        let heads: Vec<_> = store
            .heads()
            .unwrap()
            .iter()
            .map(crate::network::sync_serve::summary)
            .collect();
        let export_since = |since: &Since| {
            let mut bytes = Vec::new();
            let summary = export_with(
                &store,
                &charter,
                ArchiveFormat::Bundle,
                false,
                None,
                since,
                &mut |chunk| {
                    bytes.extend_from_slice(&chunk);
                    ControlFlow::Continue(())
                },
            )
            .unwrap();
            let report = verify_bundle(&bytes, VerifyOptions::default()).unwrap();
            (summary, report)
        };
        let (everything, _) = export_since(&Since::Everything);
        let governance = sample_archive_records()
            .feeds
            .iter()
            .flatten()
            .filter(|record| record.record().body.is_governance())
            .count() as u64;
        assert!(
            governance >= 3,
            "a delegation opens each of the three feeds"
        );
        // Records above a hole: a site's heads say only how far it holds a feed whole,
        // so these go even to a site that holds everything.
        let above_holes = sample_archive_records()
            .feeds
            .iter()
            .flatten()
            .filter(|record| {
                let header = record.record();
                !header.body.is_governance()
                    && heads
                        .iter()
                        .any(|head| head.author == header.author && header.seq > head.contiguous)
            })
            .count() as u64;
        // A site that holds everything: the governance records, what lies above a hole,
        // and the fork proof, nothing else; the rest of each feed is a declared gap.
        let (nothing_new, report) =
            export_since(&Since::Heads(HeadsFile::new(network, 0, heads.clone())));
        assert_eq!(
            nothing_new.records,
            governance + above_holes,
            "{nothing_new:?}"
        );
        assert!(nothing_new.records < everything.records);
        assert_eq!(nothing_new.tombstones, 0);
        assert_eq!(nothing_new.fork_proofs, everything.fork_proofs);
        assert!(report.feeds.iter().any(|feed| !feed.gaps.is_empty()));
        // A site that holds each feed's first record only: all but those.
        let first_only: Vec<_> = heads
            .iter()
            .map(|head| FeedSummary {
                contiguous: 1,
                max_seq: 1,
                ..*head
            })
            .collect();
        let (after_first, _) = export_since(&Since::Heads(HeadsFile::new(network, 0, first_only)));
        assert_eq!(after_first.records, everything.records);
        assert_eq!(after_first.tombstones, everything.tombstones);
        // A site that holds nothing of this network: everything.
        let (all, _) = export_since(&Since::Heads(HeadsFile::new(network, 0, Vec::new())));
        assert_eq!(all, everything);
        // By time: before every record, everything; after, the governance records.
        assert_eq!(export_since(&Since::Time(0)).0, everything);
        assert_eq!(export_since(&Since::Time(u64::MAX)).0.records, governance);
    }

    #[test]
    fn a_redb_store_exports_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (_, charter) = sample_store();
        let store = crate::store::RedbStore::open(
            dir.path().join("store.redb"),
            charter.charter().network_id(),
        )
        .unwrap();
        fill(&store);
        for public_only in [false, true] {
            let bytes = export_bytes(&store, &charter, ArchiveFormat::Bundle, public_only);
            assert_eq!(bytes, sample_archive(public_only));
        }
    }

    #[test]
    fn jsonl_has_one_line_per_entry_with_checkable_bytes() {
        let (store, charter) = sample_store();
        let text =
            String::from_utf8(export_bytes(&store, &charter, ArchiveFormat::Jsonl, true)).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        // 3 delegations, 2 public case studies of org 0 and 2, a retraction; 2
        // withheld; 1 tombstone.
        assert_eq!(lines.len(), 9);
        let count = |entry: &str| lines.iter().filter(|line| line["entry"] == entry).count();
        assert_eq!(
            (count("record"), count("withheld"), count("tombstone")),
            (6, 2, 1)
        );
        for line in lines.iter().filter(|line| line["entry"] == "record") {
            let payload = base64::engine::general_purpose::STANDARD
                .decode(line["payload_base64"].as_str().unwrap())
                .unwrap();
            assert_eq!(
                format!(
                    "rec_{}",
                    hex(commons_protocol::RecordId::of(&payload).as_bytes())
                ),
                line["id"].as_str().unwrap()
            );
        }
    }

    #[test]
    fn a_sink_that_stops_cancels_the_export() {
        let (store, charter) = sample_store();
        let result = export(&store, &charter, ArchiveFormat::Bundle, false, &mut |_| {
            ControlFlow::Break(())
        });
        assert!(matches!(result, Err(ExportError::Cancelled)));
    }
}
