//! The archive: the last step of a record's path, where a node's records leave it as one
//! self-verifying file for researchers. [`BundleWriter`] writes the bundle a node
//! exports, item by item in canonical order (so the same record set always gives the
//! same bytes); [`verify_bundle`] checks a bundle offline, with no node and no network:
//! the charter, every record and signature, every feed chain, the roster fold over the
//! archive's own governance records, tombstones, fork proofs, the manifest and the root
//! hash, and reports how complete each feed is.
//!
//! The byte layout, the root hash and every check are specified in `docs/archive.md`.
//!
//! Device signatures are checked in batches of 64 under the one rule of
//! docs/protocol.md §2.3 and §6 (a batch that fails is checked signature by signature),
//! spread over `threads` worker threads; every byte is hashed once (the root hash
//! reuses the record ids).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::blob::{BlobHasher, MAX_BLOB_BYTES};
use crate::body::{Body, Visibility};
use crate::charter::{Charter, CharterError, SignedCharter};
use crate::codec::{DecodeError, decode_canonical, encode};
use crate::fork::{ForkProof, ForkProofError};
use crate::id::{BlobId, NetworkId, RecordId};
use crate::keys::{DeviceKey, OrgId};
use crate::record::{AuthorKeyCache, DecodedRecord, RecordError, VerifiedRecord, verify_records};
use crate::roster::Roster;

/// The first 16 bytes of every bundle: `commons-archive` and a zero byte.
pub const ARCHIVE_MAGIC: [u8; 16] = *b"commons-archive\0";
/// The bundle format version this crate writes and reads for a bundle without
/// attachments.
pub const ARCHIVE_FORMAT_VERSION: u8 = 1;
/// The format version of a bundle that carries attachments' bytes: version 1 and
/// attachment items after the fork proofs (`docs/archive.md` §7). A version-1 reader
/// refuses it as an unknown version rather than misreading it.
pub const ARCHIVE_FORMAT_VERSION_ATTACHMENTS: u8 = 2;

const TAG_FEED: u8 = 0;
const TAG_RECORD: u8 = 1;
const TAG_TOMBSTONE: u8 = 2;
const TAG_WITHHELD: u8 = 3;
const TAG_FORK_PROOF: u8 = 4;
const TAG_END: u8 = 5;
const TAG_ATTACHMENT: u8 = 6;

/// A run of seqs a feed's exporter did not hold, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// The first missing seq.
    pub first: u64,
    /// The last missing seq.
    pub last: u64,
}

/// What the manifest declares about one feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedManifest {
    /// The device whose feed it is.
    pub author: DeviceKey,
    /// The org its delegation names.
    pub org: OrgId,
    /// The highest seq with an entry.
    pub max_seq: u64,
    /// Entries carrying the signed record.
    pub records: u64,
    /// Entries of retracted records.
    pub tombstones: u64,
    /// Entries of `Members` records left out of a public-only archive.
    pub withheld: u64,
    /// Seqs below `max_seq` with no entry, in ascending order.
    pub gaps: Vec<Gap>,
}

impl FeedManifest {
    /// The summary of `author`'s feed before any entry is counted: its org is the one
    /// the device key names until the delegation at seq 1 says which it is.
    fn before_entries(author: DeviceKey) -> Self {
        FeedManifest {
            author,
            org: OrgId(author.0),
            max_seq: 0,
            records: 0,
            tombstones: 0,
            withheld: 0,
            gaps: Vec::new(),
        }
    }
}

/// The bundle's table of contents, written after the content and checked against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The network (SHA-256 of the charter).
    pub network: NetworkId,
    /// Whether `Members` records were withheld.
    pub public_only: bool,
    /// Entries carrying the signed record, over all feeds.
    pub records: u64,
    /// Tombstones, over all feeds.
    pub tombstones: u64,
    /// Withheld entries, over all feeds.
    pub withheld: u64,
    /// Fork proofs.
    pub fork_proofs: u64,
    /// One summary per feed, in the feeds' order.
    pub feeds: Vec<FeedManifest>,
}

/// Why a bundle could not be written: the caller gave items out of canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ArchiveWriteError {
    /// Feeds must come in strictly ascending order of device key.
    #[error(
        "feed {author} was given after feed {previous}: feeds go in ascending order of device key"
    )]
    FeedOutOfOrder {
        /// The feed given.
        author: DeviceKey,
        /// The feed before it.
        previous: DeviceKey,
    },
    /// An entry with no feed started, or a feed after the fork proofs.
    #[error("an entry was given outside a feed, or a feed after the fork proofs")]
    OutOfPlace,
    /// An entry's seq is not above the previous entry's.
    #[error("entry {seq} of feed {author} was given after entry {previous}")]
    SeqOutOfOrder {
        /// The feed.
        author: DeviceKey,
        /// The seq given.
        seq: u64,
        /// The previous entry's seq.
        previous: u64,
    },
    /// A record given for another feed.
    #[error("a record by {found} was given in the feed of {author}")]
    WrongFeed {
        /// The feed.
        author: DeviceKey,
        /// The record's author.
        found: DeviceKey,
    },
    /// A feed whose first entry is not its delegation, so its org is unknown.
    #[error("the feed of {author} does not start with its delegation, so its org is unknown")]
    NoDelegation {
        /// The feed.
        author: DeviceKey,
    },
    /// Fork proofs must come in strictly ascending order of device key.
    #[error("the fork proof of {author} is out of order: one proof per device, ascending")]
    ForkProofOutOfOrder {
        /// The device.
        author: DeviceKey,
    },
    /// An attachment in a bundle started with [`BundleWriter::new`].
    #[error("attachments go only in a bundle started with BundleWriter::with_attachments")]
    AttachmentsNotEnabled,
    /// Attachments must come in strictly ascending order of id.
    #[error("attachment {blob} is out of order: one item per file, ascending by id")]
    AttachmentOutOfOrder {
        /// The file.
        blob: BlobId,
    },
}

/// Writes a bundle item by item, in canonical order, appending the bytes to a buffer
/// the caller drains as it likes: memory stays bounded by one record and the manifest.
#[derive(Debug)]
pub struct BundleWriter {
    digest: Sha256,
    manifest: Manifest,
    open: Option<OpenFeedState>,
    proofs_started: bool,
    last_proof: Option<DeviceKey>,
    /// `Some` in a bundle that carries attachments: the last one written.
    attachments: Option<Option<BlobId>>,
}

#[derive(Debug)]
struct OpenFeedState {
    manifest: FeedManifest,
    last_seq: u64,
    has_org: bool,
}

impl BundleWriter {
    /// Starts a bundle of the network `charter` founded; appends the header to `out`.
    pub fn new(charter: &SignedCharter, public_only: bool, out: &mut Vec<u8>) -> Self {
        Self::start(charter, public_only, false, out)
    }

    /// Starts a bundle that carries attachments (format version 2): after the fork
    /// proofs, [`BundleWriter::attachment`] adds each file, in ascending order of id.
    pub fn with_attachments(charter: &SignedCharter, public_only: bool, out: &mut Vec<u8>) -> Self {
        Self::start(charter, public_only, true, out)
    }

    fn start(
        charter: &SignedCharter,
        public_only: bool,
        attachments: bool,
        out: &mut Vec<u8>,
    ) -> Self {
        let start = out.len();
        out.extend_from_slice(&ARCHIVE_MAGIC);
        out.push(if attachments {
            ARCHIVE_FORMAT_VERSION_ATTACHMENTS
        } else {
            ARCHIVE_FORMAT_VERSION
        });
        put_bytes(out, &charter.encode());
        out.push(u8::from(public_only));
        let mut digest = Sha256::new();
        digest.update(&out[start..]);
        BundleWriter {
            digest,
            manifest: Manifest {
                network: charter.charter().network_id(),
                public_only,
                records: 0,
                tombstones: 0,
                withheld: 0,
                fork_proofs: 0,
                feeds: Vec::new(),
            },
            open: None,
            proofs_started: false,
            last_proof: None,
            attachments: attachments.then_some(None),
        }
    }

    /// Whether `Members` records are to be withheld.
    pub fn public_only(&self) -> bool {
        self.manifest.public_only
    }

    fn emit(&mut self, out: &[u8], start: usize) {
        self.digest.update(&out[start..]);
    }

    fn close_feed(&mut self) -> Result<(), ArchiveWriteError> {
        if let Some(open) = self.open.take() {
            if !open.has_org {
                return Err(ArchiveWriteError::NoDelegation {
                    author: open.manifest.author,
                });
            }
            self.manifest.feeds.push(open.manifest);
        }
        Ok(())
    }

    /// Starts the feed of `author`; feeds come in strictly ascending order of key.
    pub fn feed(&mut self, author: DeviceKey, out: &mut Vec<u8>) -> Result<(), ArchiveWriteError> {
        if self.proofs_started {
            return Err(ArchiveWriteError::OutOfPlace);
        }
        let previous = self
            .open
            .as_ref()
            .map(|open| open.manifest.author)
            .or_else(|| self.manifest.feeds.last().map(|feed| feed.author));
        if let Some(previous) = previous
            && author <= previous
        {
            return Err(ArchiveWriteError::FeedOutOfOrder { author, previous });
        }
        self.close_feed()?;
        let start = out.len();
        out.push(TAG_FEED);
        out.extend_from_slice(author.as_bytes());
        self.emit(out, start);
        self.open = Some(OpenFeedState {
            manifest: FeedManifest::before_entries(author),
            last_seq: 0,
            has_org: false,
        });
        Ok(())
    }

    fn advance(&mut self, seq: u64) -> Result<&mut OpenFeedState, ArchiveWriteError> {
        let open = self.open.as_mut().ok_or(ArchiveWriteError::OutOfPlace)?;
        if seq <= open.last_seq {
            return Err(ArchiveWriteError::SeqOutOfOrder {
                author: open.manifest.author,
                seq,
                previous: open.last_seq,
            });
        }
        if seq > open.last_seq + 1 {
            open.manifest.gaps.push(Gap {
                first: open.last_seq + 1,
                last: seq - 1,
            });
        }
        open.last_seq = seq;
        open.manifest.max_seq = seq;
        Ok(open)
    }

    /// Appends the next entry of the open feed: a record with its signed bytes, or, in
    /// a public-only bundle, a withheld entry if the record is for members only.
    pub fn record(
        &mut self,
        record: &VerifiedRecord,
        out: &mut Vec<u8>,
    ) -> Result<(), ArchiveWriteError> {
        let header = record.record();
        let withhold = self.manifest.public_only && header.body.visibility() == Visibility::Members;
        if let Some(open) = &self.open
            && open.manifest.author != header.author
        {
            return Err(ArchiveWriteError::WrongFeed {
                author: open.manifest.author,
                found: header.author,
            });
        }
        if withhold {
            return self.withheld(header.seq, record.id(), out);
        }
        let open = self.advance(header.seq)?;
        open.manifest.records += 1;
        if let Body::Delegation(delegation) = &header.body {
            open.manifest.org = delegation.org;
            open.has_org = true;
        }
        self.manifest.records += 1;
        out.push(TAG_RECORD);
        put_bytes(out, record.signed_bytes());
        // The digest takes the record's id and signature in place of its bytes
        // (docs/archive.md, "Root hash"), so verifying hashes each byte once.
        self.digest.update([TAG_RECORD]);
        self.digest.update(record.id().as_bytes());
        self.digest.update(record.signature().as_bytes());
        Ok(())
    }

    /// Appends the entry of a retracted record: its feed entry and the retraction.
    pub fn tombstone(
        &mut self,
        entry: &TombstoneEntry,
        out: &mut Vec<u8>,
    ) -> Result<(), ArchiveWriteError> {
        let open = self.advance(entry.seq)?;
        open.manifest.tombstones += 1;
        self.manifest.tombstones += 1;
        let start = out.len();
        put_tombstone(out, entry);
        self.emit(out, start);
        Ok(())
    }

    /// Appends a withheld entry: a `Members` record left out of a public-only bundle,
    /// named by its id so the feed's chain still links.
    pub fn withheld(
        &mut self,
        seq: u64,
        id: RecordId,
        out: &mut Vec<u8>,
    ) -> Result<(), ArchiveWriteError> {
        let open = self.advance(seq)?;
        open.manifest.withheld += 1;
        self.manifest.withheld += 1;
        let start = out.len();
        put_withheld(out, seq, &id);
        self.emit(out, start);
        Ok(())
    }

    /// Appends a fork proof, after every feed, in strictly ascending order of device.
    pub fn fork_proof(
        &mut self,
        proof: &ForkProof,
        out: &mut Vec<u8>,
    ) -> Result<(), ArchiveWriteError> {
        self.close_feed()?;
        self.proofs_started = true;
        if self.attachments.is_some_and(|last| last.is_some()) {
            return Err(ArchiveWriteError::OutOfPlace);
        }
        let author = proof.author();
        if self.last_proof.is_some_and(|last| author <= last) {
            return Err(ArchiveWriteError::ForkProofOutOfOrder { author });
        }
        self.last_proof = Some(author);
        self.manifest.fork_proofs += 1;
        let start = out.len();
        out.push(TAG_FORK_PROOF);
        put_bytes(out, &proof.encode());
        self.emit(out, start);
        Ok(())
    }

    /// Starts an attachment item for the file `blob` of `size` bytes, after every feed
    /// and fork proof, in strictly ascending order of id; the caller appends exactly
    /// the file's `size` bytes to `out` next (in pieces if it likes: they are not
    /// hashed here, the id stands for them in the root hash). The caller vouches that
    /// the bytes are the file's: the verifier checks them against `blob`.
    pub fn attachment(
        &mut self,
        blob: BlobId,
        size: u64,
        out: &mut Vec<u8>,
    ) -> Result<(), ArchiveWriteError> {
        self.close_feed()?;
        self.proofs_started = true;
        let Some(last) = self.attachments.as_mut() else {
            return Err(ArchiveWriteError::AttachmentsNotEnabled);
        };
        if last.is_some_and(|last| blob <= last) {
            return Err(ArchiveWriteError::AttachmentOutOfOrder { blob });
        }
        *last = Some(blob);
        out.push(TAG_ATTACHMENT);
        out.extend_from_slice(blob.as_bytes());
        put_varint(out, size);
        self.digest.update([TAG_ATTACHMENT]);
        self.digest.update(blob.as_bytes());
        Ok(())
    }

    /// Appends the manifest and the root hash; answers the manifest and the root hash.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<(Manifest, [u8; 32]), ArchiveWriteError> {
        self.close_feed()?;
        let start = out.len();
        out.push(TAG_END);
        put_bytes(out, &encode(&self.manifest));
        self.digest.update(&out[start..]);
        let root: [u8; 32] = self.digest.finalize().into();
        out.extend_from_slice(&root);
        Ok((self.manifest, root))
    }
}

/// A retracted record's entry, as a bundle carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TombstoneEntry {
    /// Its seq.
    pub seq: u64,
    /// Its id.
    pub id: RecordId,
    /// Its `prev`, as the store kept it.
    pub prev: Option<RecordId>,
    /// Its timestamp, as the store kept it.
    pub timestamp_ms: u64,
    /// The retraction record that took it back.
    pub retraction: RecordId,
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

// ---------------------------------------------------------------------------------
// Reading

/// Why a bundle is not a valid archive. Each names where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The file does not start with the archive magic.
    #[error("this is not a Commons archive bundle (it does not start with `commons-archive`)")]
    NotAnArchive,
    /// A bundle format this version cannot read.
    #[error(
        "archive format version {version} is not supported (this build reads version {ARCHIVE_FORMAT_VERSION}); use a newer `commons`"
    )]
    UnsupportedFormat {
        /// The version found.
        version: u8,
    },
    /// The bytes at `offset` do not decode.
    #[error("the bundle is malformed at byte {offset} ({what}): {error}")]
    Malformed {
        /// Where.
        offset: usize,
        /// What was being read.
        what: &'static str,
        /// Why.
        error: DecodeError,
    },
    /// The charter does not decode, or is not signed by every founder.
    #[error("the archive's charter is invalid: {0}")]
    Charter(CharterError),
    /// An item tag this version does not define.
    #[error("unknown item tag {tag} at byte {offset}")]
    UnknownItem {
        /// Where.
        offset: usize,
        /// The tag.
        tag: u8,
    },
    /// A feed entry before any feed started.
    #[error("a feed entry at byte {offset} comes before any feed")]
    EntryOutsideFeed {
        /// Where.
        offset: usize,
    },
    /// A feed or entry after the fork proofs.
    #[error("a feed item at byte {offset} comes after the fork proofs")]
    FeedAfterForkProofs {
        /// Where.
        offset: usize,
    },
    /// Feeds out of canonical order (or repeated).
    #[error(
        "feed {feed} comes after feed {previous}: feeds must be in strictly ascending order of device key"
    )]
    FeedsOutOfOrder {
        /// The feed.
        feed: DeviceKey,
        /// The feed before it.
        previous: DeviceKey,
    },
    /// A feed with no entries.
    #[error("feed {feed} has no entries")]
    EmptyFeed {
        /// The feed.
        feed: DeviceKey,
    },
    /// Bytes after the root hash.
    #[error("{count} byte(s) follow the root hash")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// A record that does not decode or breaks a stateless rule.
    #[error("entry {entry} of feed {feed} is not a valid record: {error}")]
    InvalidRecord {
        /// The feed.
        feed: DeviceKey,
        /// The entry's position in the feed, from 1.
        entry: usize,
        /// Why.
        error: RecordError,
    },
    /// A record whose content was altered: its id no longer matches the next record's
    /// link to it, and its signature fails.
    #[error(
        "record {seq} of feed {feed} was altered: its content no longer matches its signature, nor the id record {next} links to"
    )]
    AlteredRecord {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// The next seq.
        next: u64,
    },
    /// A record whose content is intact (its successor links to it) but whose
    /// signature fails: the signature was replaced or damaged.
    #[error(
        "the signature of record {seq} of feed {feed} does not verify: the signature was replaced or damaged"
    )]
    BadSignature {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
    },
    /// A root signature inside a governance record fails.
    #[error("the root key's signature inside record {seq} of feed {feed} does not verify")]
    BadRootSignature {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
    },
    /// A record placed in another device's feed.
    #[error("record {seq} in feed {feed} is signed by {author}, another device")]
    RecordInWrongFeed {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// The record's author.
        author: DeviceKey,
    },
    /// Entries out of order within a feed (or repeated).
    #[error(
        "entry {seq} of feed {feed} comes after entry {previous}: entries must be in strictly ascending order of seq"
    )]
    SeqOutOfOrder {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// The previous entry's seq.
        previous: u64,
    },
    /// An entry whose `prev` is not the id of the entry before it.
    #[error("record {seq} of feed {feed} names {found} as its previous record, but the archive's record {} is {expected}", seq - 1)]
    BrokenChain {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// The id of the entry at seq − 1.
        expected: RecordId,
        /// The `prev` found.
        found: RecordId,
    },
    /// Timestamps not strictly increasing along a feed.
    #[error("record {seq} of feed {feed} is dated {timestamp_ms}, not after record {}'s {previous_ms}", seq - 1)]
    TimestampNotIncreasing {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// Its timestamp.
        timestamp_ms: u64,
        /// The previous record's.
        previous_ms: u64,
    },
    /// A withheld entry in an archive that claims to be complete.
    #[error("entry {seq} of feed {feed} is withheld, but the archive is not public-only")]
    WithheldInFullArchive {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
    },
    /// A members-only record in a public-only archive.
    #[error("record {seq} of feed {feed} is for members only, but the archive is public-only")]
    MembersRecordInPublicArchive {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
    },
    /// A feed whose seq 1 (its delegation) is not in the archive.
    #[error(
        "feed {feed} does not carry its delegation (seq 1), so no record of it can be attributed"
    )]
    FeedWithoutDelegation {
        /// The feed.
        feed: DeviceKey,
    },
    /// A delegation the roster fold did not accept (wrong root, or a device of
    /// another org).
    #[error(
        "the delegation of feed {feed} to {org} does not take effect in the roster the archive's governance records give"
    )]
    DelegationNotApplied {
        /// The feed.
        feed: DeviceKey,
        /// The org it names.
        org: OrgId,
    },
    /// Seqs missing from a feed that the manifest does not declare: records removed.
    #[error(
        "records {first} to {last} of feed {feed} are missing but the manifest does not declare that gap: records were removed from the archive"
    )]
    UndeclaredGap {
        /// The feed.
        feed: DeviceKey,
        /// The first missing seq.
        first: u64,
        /// The last.
        last: u64,
    },
    /// A tombstone whose retraction is not a Retraction record carried whole in the
    /// archive (absent, withheld, itself a tombstone, or a record of another kind), nor
    /// the redaction vote that decided the record's redaction in the archive's fold.
    #[error(
        "record {seq} of feed {feed} is a tombstone, but the archive carries no retraction {retraction} whole (absent, withheld, itself retracted, or not a retraction), and no redaction of it was decided by that vote"
    )]
    TombstoneWithoutRetraction {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// The retraction named.
        retraction: RecordId,
    },
    /// A tombstone whose retraction names another record.
    #[error("record {seq} of feed {feed} is a tombstone, but {retraction} retracts another record")]
    TombstoneRetractionMismatch {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// The retraction named.
        retraction: RecordId,
    },
    /// A tombstone justified by a retraction from another org (or by a device the
    /// archive's roster does not know, which vouches for no org).
    #[error(
        "record {seq} of feed {feed} is a tombstone, but {retraction} is by another org, which cannot retract it"
    )]
    TombstoneByOtherOrg {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// The retraction named.
        retraction: RecordId,
    },
    /// A record whose org retracted it, still carried with its content.
    #[error(
        "record {seq} of feed {feed} was retracted by its org ({retraction}), but the archive still carries its content"
    )]
    RetractedContentPresent {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
        /// The retraction.
        retraction: RecordId,
    },
    /// An invalid fork proof.
    #[error("fork proof {index} is invalid: {error}")]
    ForkProof {
        /// Its position, from 1.
        index: usize,
        /// Why.
        error: ForkProofError,
    },
    /// Fork proofs out of order (or two for one device).
    #[error(
        "the fork proof of {author} is out of order: one proof per device, in ascending order of device key"
    )]
    ForkProofsOutOfOrder {
        /// The device.
        author: DeviceKey,
    },
    /// The manifest does not decode.
    #[error("the manifest is malformed: {0}")]
    ManifestMalformed(DecodeError),
    /// The manifest names another network than the charter's.
    #[error("the manifest names network {declared}, but the charter founds {found}")]
    ManifestNetwork {
        /// In the manifest.
        declared: NetworkId,
        /// From the charter.
        found: NetworkId,
    },
    /// The manifest's public-only flag differs from the header's.
    #[error("the manifest says public-only is {declared}, but the bundle's header says {found}")]
    ManifestPublicOnly {
        /// In the manifest.
        declared: bool,
        /// In the header.
        found: bool,
    },
    /// A tombstone whose `prev` contradicts its seq (none at seq > 1, or one at seq 1).
    #[error(
        "the tombstone of record {seq} of feed {feed} has a previous-record link that does not fit its seq"
    )]
    BadTombstone {
        /// The feed.
        feed: DeviceKey,
        /// The seq.
        seq: u64,
    },
    /// A total in the manifest differs from the content.
    #[error("the manifest declares {declared} {field}, but the archive holds {found}")]
    ManifestTotal {
        /// Which total.
        field: &'static str,
        /// In the manifest.
        declared: u64,
        /// In the content.
        found: u64,
    },
    /// The manifest lists other feeds than the content holds.
    #[error("the manifest lists {declared} feed(s) ({detail}), but the archive holds {found}")]
    ManifestFeeds {
        /// In the manifest.
        declared: usize,
        /// In the content.
        found: usize,
        /// The first difference.
        detail: String,
    },
    /// A feed's summary in the manifest differs from the content.
    #[error("the manifest says feed {feed} has {field} {declared}, but the archive holds {found}")]
    ManifestFeed {
        /// The feed.
        feed: DeviceKey,
        /// Which field.
        field: &'static str,
        /// In the manifest.
        declared: String,
        /// In the content.
        found: String,
    },
    /// An attachment item in a version-1 bundle, or after the manifest's place.
    #[error(
        "the bundle carries an attachment at byte {offset} but says it is format version 1: \
         a bundle with attachments is version 2"
    )]
    AttachmentInVersion1 {
        /// The item's byte offset.
        offset: usize,
    },
    /// A feed or fork proof after an attachment.
    #[error("item at byte {offset} comes after the attachments, which go last")]
    ItemAfterAttachments {
        /// The item's byte offset.
        offset: usize,
    },
    /// Attachments out of order, or one twice.
    #[error("attachment {blob} is out of order: one item per file, ascending by id")]
    AttachmentsOutOfOrder {
        /// The file.
        blob: BlobId,
    },
    /// An attachment's bytes do not hash to its id.
    #[error(
        "attachment {blob}'s bytes do not match its id (they hash to {found}): the file was \
         changed"
    )]
    AttachmentMismatch {
        /// The id the item gives.
        blob: BlobId,
        /// What its bytes hash to (or why they cannot be a file).
        found: String,
    },
    /// An attachment no record carried whole in the archive names.
    #[error(
        "attachment {blob} is not named by any record the archive carries whole (in a \
         public-only archive, members' files must be left out too)"
    )]
    UnreferencedAttachment {
        /// The file.
        blob: BlobId,
    },
    /// An attachment whose size differs from what a record naming it says.
    #[error("attachment {blob} is {found} bytes, but record {record} says {declared}")]
    AttachmentSize {
        /// The file.
        blob: BlobId,
        /// The record.
        record: RecordId,
        /// The size the record gives.
        declared: u64,
        /// The bytes in the bundle.
        found: u64,
    },
    /// The root hash at the end of the bundle is not the hash of its content.
    #[error(
        "the root hash at the end of the bundle is {declared}, but the content hashes to {computed}"
    )]
    RootHashMismatch {
        /// In the bundle.
        declared: String,
        /// Computed.
        computed: String,
    },
}

/// One feed entry as read from a bundle, before it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryRef<'a> {
    /// A signed record.
    Record(&'a [u8]),
    /// A retracted record.
    Tombstone(TombstoneEntry),
    /// A withheld record.
    Withheld {
        /// Its seq.
        seq: u64,
        /// Its id.
        id: RecordId,
    },
}

/// One feed as read from a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRef<'a> {
    /// The device.
    pub author: DeviceKey,
    /// Its entries, in bundle order.
    pub entries: Vec<EntryRef<'a>>,
}

/// A bundle split into its parts, structure checked but nothing verified: what
/// [`verify_bundle`] starts from, and what tools (and tests) re-encode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleParts<'a> {
    /// The signed charter file's bytes.
    pub charter: &'a [u8],
    /// Whether the bundle is public-only.
    pub public_only: bool,
    /// The feeds.
    pub feeds: Vec<FeedRef<'a>>,
    /// The encoded fork proofs.
    pub fork_proofs: Vec<&'a [u8]>,
    /// Whether the bundle is format version 2 (it may carry attachments).
    pub with_attachments: bool,
    /// The attachments: each file's id and bytes, in bundle order.
    pub attachments: Vec<(BlobId, &'a [u8])>,
    /// The manifest.
    pub manifest: Manifest,
    /// The root hash as written.
    pub root: [u8; 32],
    /// The header's length: magic, version, charter and flag.
    header_len: usize,
}

impl BundleParts<'_> {
    /// Encodes the parts as a bundle, with the manifest as given and a freshly
    /// computed root hash. Used to write test bundles and to rewrite tampered ones.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&ARCHIVE_MAGIC);
        out.push(if self.with_attachments {
            ARCHIVE_FORMAT_VERSION_ATTACHMENTS
        } else {
            ARCHIVE_FORMAT_VERSION
        });
        put_bytes(&mut out, self.charter);
        out.push(u8::from(self.public_only));
        let mut digest = Sha256::new();
        digest.update(&out);
        for feed in &self.feeds {
            let start = out.len();
            out.push(TAG_FEED);
            out.extend_from_slice(feed.author.as_bytes());
            digest.update(&out[start..]);
            for entry in &feed.entries {
                let start = out.len();
                match entry {
                    EntryRef::Record(signed) => {
                        out.push(TAG_RECORD);
                        put_bytes(&mut out, signed);
                        digest.update(record_digest(signed));
                        continue;
                    }
                    EntryRef::Tombstone(tombstone) => put_tombstone(&mut out, tombstone),
                    EntryRef::Withheld { seq, id } => put_withheld(&mut out, *seq, id),
                }
                digest.update(&out[start..]);
            }
        }
        for proof in &self.fork_proofs {
            let start = out.len();
            out.push(TAG_FORK_PROOF);
            put_bytes(&mut out, proof);
            digest.update(&out[start..]);
        }
        for (blob, bytes) in &self.attachments {
            out.push(TAG_ATTACHMENT);
            out.extend_from_slice(blob.as_bytes());
            put_bytes(&mut out, bytes);
            digest.update([TAG_ATTACHMENT]);
            digest.update(blob.as_bytes());
        }
        let start = out.len();
        out.push(TAG_END);
        put_bytes(&mut out, &encode(&self.manifest));
        digest.update(&out[start..]);
        let root: [u8; 32] = digest.finalize().into();
        out.extend_from_slice(&root);
        out
    }
}

/// The digest form of a record item: tag, record id, signature. Falls back to the raw
/// bytes for a record too short to hold a signature (which fails verification anyway).
fn record_digest(signed: &[u8]) -> Vec<u8> {
    let mut form = Vec::with_capacity(97);
    form.push(TAG_RECORD);
    match split_signed(signed) {
        Some((payload, signature)) => {
            form.extend_from_slice(RecordId::of(payload).as_bytes());
            form.extend_from_slice(signature);
        }
        None => form.extend_from_slice(signed),
    }
    form
}

/// The payload and signature of a signed record's canonical envelope.
fn split_signed(signed: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut reader = Reader::new(signed);
    let len = usize::try_from(reader.varint().ok()?).ok()?;
    let payload = reader.take(len).ok()?;
    let signature = reader.take(64).ok()?;
    reader.is_empty().then_some((payload, signature))
}

/// Reads canonical postcard primitives from a slice, never trusting a length beyond
/// the bytes that remain.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        if len > self.remaining() {
            return Err(DecodeError::UnexpectedEnd);
        }
        let slice = &self.bytes[self.pos..self.pos + len];
        self.pos += len;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn array32(&mut self) -> Result<[u8; 32], DecodeError> {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.take(32)?);
        Ok(out)
    }

    /// A u64 varint: at most 10 bytes, the 10th at most 1, and no over-long form.
    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for index in 0..10 {
            let byte = self.byte()?;
            if index == 9 && byte > 1 {
                return Err(DecodeError::BadVarint);
            }
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte & 0x80 == 0 {
                if byte == 0 && index > 0 {
                    return Err(DecodeError::NonCanonical);
                }
                return Ok(value);
            }
        }
        Err(DecodeError::BadVarint)
    }

    fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.varint()?;
        let len = usize::try_from(len).map_err(|_| DecodeError::UnexpectedEnd)?;
        self.take(len)
    }

    fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError::BadBool),
        }
    }

    /// A feed's entry after its tag: a record's bytes, a tombstone or a withheld id.
    fn entry(&mut self, tag: u8) -> Result<EntryRef<'a>, DecodeError> {
        Ok(match tag {
            TAG_RECORD => EntryRef::Record(self.bytes()?),
            TAG_TOMBSTONE => {
                let seq = self.varint()?;
                let id = RecordId(self.array32()?);
                let prev = match self.byte()? {
                    0 => None,
                    1 => Some(RecordId(self.array32()?)),
                    _ => return Err(DecodeError::BadOption),
                };
                EntryRef::Tombstone(TombstoneEntry {
                    seq,
                    id,
                    prev,
                    timestamp_ms: self.varint()?,
                    retraction: RecordId(self.array32()?),
                })
            }
            _ => EntryRef::Withheld {
                seq: self.varint()?,
                id: RecordId(self.array32()?),
            },
        })
    }
}

/// Splits a bundle into its parts, checking its framing and canonical encoding but
/// nothing else (no signature, no chain, no manifest, no root hash).
pub fn parse_bundle(bytes: &[u8]) -> Result<BundleParts<'_>, ArchiveError> {
    if bytes.len() < ARCHIVE_MAGIC.len() || bytes[..ARCHIVE_MAGIC.len()] != ARCHIVE_MAGIC {
        return Err(ArchiveError::NotAnArchive);
    }
    let mut reader = Reader::new(bytes);
    reader.pos = ARCHIVE_MAGIC.len();
    let malformed = |offset, what| {
        move |error| ArchiveError::Malformed {
            offset,
            what,
            error,
        }
    };
    let version = reader
        .byte()
        .map_err(malformed(reader.pos, "format version"))?;
    if version != ARCHIVE_FORMAT_VERSION && version != ARCHIVE_FORMAT_VERSION_ATTACHMENTS {
        return Err(ArchiveError::UnsupportedFormat { version });
    }
    let with_attachments = version == ARCHIVE_FORMAT_VERSION_ATTACHMENTS;
    let charter = reader.bytes().map_err(malformed(reader.pos, "charter"))?;
    let public_only = reader
        .bool()
        .map_err(malformed(reader.pos, "public-only flag"))?;
    let header_len = reader.pos;
    let mut feeds: Vec<FeedRef<'_>> = Vec::new();
    let mut fork_proofs = Vec::new();
    let mut attachments: Vec<(BlobId, &[u8])> = Vec::new();
    loop {
        let offset = reader.pos;
        let tag = reader.byte().map_err(malformed(offset, "item tag"))?;
        let item = malformed(offset, item_name(tag));
        if !attachments.is_empty() && !matches!(tag, TAG_ATTACHMENT | TAG_END) {
            return Err(ArchiveError::ItemAfterAttachments { offset });
        }
        match tag {
            TAG_ATTACHMENT => {
                if !with_attachments {
                    return Err(ArchiveError::AttachmentInVersion1 { offset });
                }
                let blob = BlobId(reader.array32().map_err(item)?);
                let bytes = reader.bytes().map_err(item)?;
                if let Some((last, _)) = attachments.last()
                    && blob <= *last
                {
                    return Err(ArchiveError::AttachmentsOutOfOrder { blob });
                }
                attachments.push((blob, bytes));
            }
            TAG_FEED => {
                if !fork_proofs.is_empty() {
                    return Err(ArchiveError::FeedAfterForkProofs { offset });
                }
                let author = DeviceKey(reader.array32().map_err(item)?);
                if let Some(previous) = feeds.last() {
                    if author <= previous.author {
                        return Err(ArchiveError::FeedsOutOfOrder {
                            feed: author,
                            previous: previous.author,
                        });
                    }
                    if previous.entries.is_empty() {
                        return Err(ArchiveError::EmptyFeed {
                            feed: previous.author,
                        });
                    }
                }
                feeds.push(FeedRef {
                    author,
                    entries: Vec::new(),
                });
            }
            TAG_RECORD | TAG_TOMBSTONE | TAG_WITHHELD => {
                if !fork_proofs.is_empty() {
                    return Err(ArchiveError::FeedAfterForkProofs { offset });
                }
                let entry = reader.entry(tag).map_err(item)?;
                let feed = feeds
                    .last_mut()
                    .ok_or(ArchiveError::EntryOutsideFeed { offset })?;
                feed.entries.push(entry);
            }
            TAG_FORK_PROOF => fork_proofs.push(reader.bytes().map_err(item)?),
            TAG_END => {
                let manifest = reader.bytes().map_err(item)?;
                let manifest: Manifest =
                    decode_canonical(manifest).map_err(ArchiveError::ManifestMalformed)?;
                let root = reader
                    .array32()
                    .map_err(malformed(reader.pos, "root hash"))?;
                if !reader.is_empty() {
                    return Err(ArchiveError::TrailingBytes {
                        count: reader.remaining(),
                    });
                }
                if let Some(last) = feeds.last()
                    && last.entries.is_empty()
                {
                    return Err(ArchiveError::EmptyFeed { feed: last.author });
                }
                return Ok(BundleParts {
                    charter,
                    public_only,
                    feeds,
                    fork_proofs,
                    with_attachments,
                    attachments,
                    manifest,
                    root,
                    header_len,
                });
            }
            tag => return Err(ArchiveError::UnknownItem { offset, tag }),
        }
    }
}

fn item_name(tag: u8) -> &'static str {
    match tag {
        TAG_FEED => "feed",
        TAG_RECORD => "record",
        TAG_TOMBSTONE => "tombstone",
        TAG_WITHHELD => "withheld entry",
        TAG_FORK_PROOF => "fork proof",
        TAG_END => "manifest",
        TAG_ATTACHMENT => "attachment",
        _ => "item",
    }
}

// ---------------------------------------------------------------------------------
// Verifying

/// How to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Worker threads for signature checks (at least 1).
    pub threads: usize,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions { threads: 1 }
    }
}

/// How complete one feed of a verified archive is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedReport {
    /// The device.
    pub author: DeviceKey,
    /// Its org.
    pub org: OrgId,
    /// Whether the org is a member in the archive's roster.
    pub org_member: bool,
    /// The highest seq with an entry.
    pub max_seq: u64,
    /// Records carried whole.
    pub records: u64,
    /// Retracted records (tombstones).
    pub tombstones: u64,
    /// Members records withheld from a public-only archive.
    pub withheld: u64,
    /// Seqs the exporting node did not hold, as its manifest declares.
    pub gaps: Vec<Gap>,
    /// From which seq its org revoked the device, if it did.
    pub revoked_from: Option<u64>,
    /// The seq a fork proof in the archive froze the feed at, if any.
    pub forked_at: Option<u64>,
}

impl FeedReport {
    /// Whether every seq from 1 to the highest is present (whole, tombstoned or
    /// withheld).
    pub fn is_contiguous(&self) -> bool {
        self.gaps.is_empty()
    }
}

/// What a verified archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveReport {
    /// The network.
    pub network: NetworkId,
    /// Its name, from the charter.
    pub network_name: String,
    /// Whether `Members` records were withheld.
    pub public_only: bool,
    /// The root hash, to cite.
    pub root: [u8; 32],
    /// Records carried whole.
    pub records: u64,
    /// Tombstones.
    pub tombstones: u64,
    /// Withheld entries.
    pub withheld: u64,
    /// Fork proofs.
    pub fork_proofs: u64,
    /// Member orgs in the roster the archive gives.
    pub members: Vec<OrgId>,
    /// Per feed, in canonical order.
    pub feeds: Vec<FeedReport>,
    /// Attachments carried, each checked against its id.
    pub attachments: u64,
    /// Their bytes.
    pub attachment_bytes: u64,
    /// Files named by records carried whole whose bytes the bundle does not carry.
    pub attachments_absent: u64,
    /// Tombstones justified by a retraction of another version of the same record
    /// (itself a tombstone of the same org), not of their own id: the link between
    /// the versions went with their content, so the bundle cannot show it.
    pub tombstones_by_another_version: u64,
}

/// What the sequential checks need of one verified record.
struct Checked {
    id: RecordId,
    author: DeviceKey,
    seq: u64,
    prev: Option<RecordId>,
    timestamp_ms: u64,
    visibility: Visibility,
    /// Whether the device signature verified.
    signature_ok: bool,
    /// The delegation's org, for seq 1.
    delegation_org: Option<OrgId>,
    /// Governance records and retractions, kept whole for the roster and tombstones.
    kept: Option<VerifiedRecord>,
    /// The files its body names: id and size.
    files: Vec<(BlobId, u64)>,
    /// The record whose versions it belongs to ([`Body::version_family`]).
    family: Option<RecordId>,
}

/// Verifies a bundle completely, with no node and no network; see `docs/archive.md`
/// for every check, in order. The first failure is the answer.
///
/// Each step below cites the section of `docs/archive.md` it follows (`§4 step 3`);
/// `P§` cites `docs/protocol.md`.
pub fn verify_bundle(bytes: &[u8], options: VerifyOptions) -> Result<ArchiveReport, ArchiveError> {
    let parts = parse_bundle(bytes)?;
    let charter = founding_charter(parts.charter)?;
    let network = charter.network_id();
    let checked = check_every_record(&parts, &network, options.threads)?;

    let mut walk = ContentWalk::new(&parts, &bytes[..parts.header_len], &checked);
    for feed in &parts.feeds {
        walk.walk_feed(feed)?;
    }
    let proofs = walk.check_fork_proofs(&parts.fork_proofs, &network)?;
    let attachments = walk.check_attachments(&parts.attachments)?;

    let roster = Roster::fold(&charter, walk.governance.iter().copied(), proofs.iter());
    check_delegations_applied(&roster, &walk.feeds, &proofs)?;
    let taken_back = TakenBack::new(&roster, &walk.retractions);
    let tombstones_by_another_version = taken_back.check_tombstones(&walk.tombstones)?;
    taken_back.check_no_retracted_content(&walk.whole, &walk.tombstones)?;

    check_manifest(&parts, network, &walk.feeds, proofs.len())?;
    let root = check_root_hash(walk.digest, &parts)?;

    let feeds = feed_reports(&roster, &proofs, walk.feeds);
    Ok(ArchiveReport {
        network,
        network_name: charter.name.clone(),
        public_only: parts.public_only,
        root,
        records: parts.manifest.records,
        tombstones: parts.manifest.tombstones,
        withheld: parts.manifest.withheld,
        fork_proofs: parts.manifest.fork_proofs,
        members: roster.members().collect(),
        feeds,
        attachments: parts.attachments.len() as u64,
        attachment_bytes: attachments.bytes,
        attachments_absent: attachments.absent,
        tombstones_by_another_version,
    })
}

/// The charter the bundle carries, only once every founder has signed it (§4 step 2):
/// its network id is what every record must belong to, and its founders seed the roster.
fn founding_charter(signed: &[u8]) -> Result<Charter, ArchiveError> {
    let signed_charter = SignedCharter::decode(signed).map_err(ArchiveError::Charter)?;
    let charter = signed_charter.complete().map_err(ArchiveError::Charter)?;
    Ok(charter.clone())
}

/// Every record carried whole, decoded and its signatures checked on its own, before
/// any feed is walked (§4 step 3): the checks are spread over the threads, and the first
/// failure in file order is the answer. A failing device signature is only noted here;
/// the feed walk names it once the feed's order is known.
fn check_every_record(
    parts: &BundleParts<'_>,
    network: &NetworkId,
    threads: usize,
) -> Result<Vec<Checked>, ArchiveError> {
    let slices: Vec<(usize, usize, &[u8])> = parts
        .feeds
        .iter()
        .enumerate()
        .flat_map(|(feed_index, feed)| {
            feed.entries
                .iter()
                .enumerate()
                .filter_map(move |(entry, item)| match item {
                    EntryRef::Record(bytes) => Some((feed_index, entry + 1, *bytes)),
                    _ => None,
                })
        })
        .collect();
    check_records(parts, &slices, network, threads.max(1))
}

/// A record carried whole, as the check that no retracted content remains needs it.
struct WholeRecord {
    id: RecordId,
    feed: DeviceKey,
    seq: u64,
    /// The record whose versions it belongs to ([`Body::version_family`]): a retraction
    /// of any version of that family by its org takes this one too.
    family: Option<RecordId>,
    /// Whether it is kept for the roster or the tombstones: no redaction drops those.
    kept: bool,
}

/// An entry's place in its feed's chain: what the next entry's link and date are
/// checked against.
#[derive(Clone, Copy)]
struct ChainLink {
    seq: u64,
    id: RecordId,
    prev: Option<RecordId>,
    /// Unknown for a withheld entry, whose content is not in the bundle.
    timestamp_ms: Option<u64>,
}

/// One feed's walk so far.
struct FeedProgress {
    summary: FeedManifest,
    /// Whether its seq 1 is a record carrying the feed's delegation.
    has_delegation: bool,
    previous: Option<ChainLink>,
}

/// What attachments the bundle carries, for the report.
struct AttachmentTally {
    /// The bytes of every file carried.
    bytes: u64,
    /// Files named by records carried whole whose bytes the bundle leaves out.
    absent: u64,
}

/// One pass over the bundle's content in file order. It feeds the root hash as it goes,
/// so that every byte is hashed once, and gathers what the checks over the whole archive
/// (roster, tombstones, retracted content) need: those can only run once every feed has
/// been read.
struct ContentWalk<'a> {
    public_only: bool,
    /// The manifest's summary of each feed, for the gaps it declares.
    declared: HashMap<DeviceKey, &'a FeedManifest>,
    /// The checked records not walked yet, in file order.
    unwalked: std::slice::Iter<'a, Checked>,
    digest: Sha256,
    /// Each feed's summary as the content gives it, in file order.
    feeds: Vec<FeedManifest>,
    tombstones: Vec<(DeviceKey, TombstoneEntry)>,
    /// Governance records carried whole, for the roster fold.
    governance: Vec<&'a VerifiedRecord>,
    /// Retractions carried whole: id → (the device that signed it, the record it retracts).
    retractions: HashMap<RecordId, (DeviceKey, RecordId)>,
    whole: Vec<WholeRecord>,
    /// Files named by records carried whole: id → (a record naming it, its size there).
    named: BTreeMap<BlobId, Vec<(RecordId, u64)>>,
}

impl<'a> ContentWalk<'a> {
    fn new(parts: &'a BundleParts<'_>, header: &[u8], checked: &'a [Checked]) -> Self {
        let mut digest = Sha256::new();
        digest.update(header);
        ContentWalk {
            public_only: parts.public_only,
            declared: parts
                .manifest
                .feeds
                .iter()
                .map(|feed| (feed.author, feed))
                .collect(),
            unwalked: checked.iter(),
            digest,
            feeds: Vec::with_capacity(parts.feeds.len()),
            tombstones: Vec::new(),
            governance: Vec::new(),
            retractions: HashMap::new(),
            whole: Vec::new(),
            named: BTreeMap::new(),
        }
    }

    /// One feed, entry by entry (§4 step 4): seq order over the whole feed first, then
    /// each entry's own checks and its link to the entry before. A feed must carry its
    /// delegation, or none of its records can be attributed to an org.
    fn walk_feed(&mut self, feed: &FeedRef<'_>) -> Result<(), ArchiveError> {
        let author = feed.author;
        self.digest.update([TAG_FEED]);
        self.digest.update(author.as_bytes());
        let records_here = self.take_records_of(feed);
        check_seq_order(feed, &records_here)?;
        let mut progress = FeedProgress {
            summary: FeedManifest::before_entries(author),
            has_delegation: false,
            previous: None,
        };
        let mut records = records_here.iter();
        for (position, entry) in feed.entries.iter().enumerate() {
            let link = match entry {
                EntryRef::Record(signed) => {
                    let Some(record) = records.next() else {
                        break;
                    };
                    self.record_entry(feed, position, signed, record, &records_here, &mut progress)?
                }
                EntryRef::Tombstone(tombstone) => {
                    self.tombstone_entry(author, tombstone, &mut progress.summary)?
                }
                EntryRef::Withheld { seq, id } => {
                    self.withheld_entry(author, *seq, id, &mut progress.summary)?
                }
            };
            self.check_gap(author, &mut progress, link)?;
            check_chain_link(author, progress.previous, link)?;
            progress.previous = Some(link);
            progress.summary.max_seq = link.seq;
        }
        if !progress.has_delegation {
            return Err(ArchiveError::FeedWithoutDelegation { feed: author });
        }
        self.feeds.push(progress.summary);
        Ok(())
    }

    /// The checked records of `feed`, one per record entry, in order: the records of
    /// every feed were checked together, in file order.
    fn take_records_of(&mut self, feed: &FeedRef<'_>) -> Vec<&'a Checked> {
        feed.entries
            .iter()
            .filter(|entry| matches!(entry, EntryRef::Record(_)))
            .filter_map(|_| self.unwalked.next())
            .collect()
    }

    /// A record entry: in its own device's feed, its device signature held (if not, the
    /// next entry's link tells whether it was altered or only re-signed), and not for
    /// members only in a public-only archive, which promised to leave those out. A seq-1
    /// delegation names the feed's org.
    fn record_entry(
        &mut self,
        feed: &FeedRef<'_>,
        position: usize,
        signed: &[u8],
        record: &'a Checked,
        records_here: &[&Checked],
        progress: &mut FeedProgress,
    ) -> Result<ChainLink, ArchiveError> {
        let author = feed.author;
        self.digest.update(record_digest_of(record.id, signed));
        if record.author != author {
            return Err(ArchiveError::RecordInWrongFeed {
                feed: author,
                seq: record.seq,
                author: record.author,
            });
        }
        if !record.signature_ok {
            let next = checked_next(feed, position, records_here);
            return Err(signature_failure(feed, position, record, &next));
        }
        if self.public_only && record.visibility == Visibility::Members {
            return Err(ArchiveError::MembersRecordInPublicArchive {
                feed: author,
                seq: record.seq,
            });
        }
        if record.seq == 1
            && let Some(org) = record.delegation_org
        {
            progress.summary.org = org;
            progress.has_delegation = true;
        }
        self.note_whole_record(author, record);
        progress.summary.records += 1;
        Ok(ChainLink {
            seq: record.seq,
            id: record.id,
            prev: record.prev,
            timestamp_ms: Some(record.timestamp_ms),
        })
    }

    /// Keeps what the checks over the whole archive need of a record carried whole: a
    /// governance record for the roster fold, a retraction for the tombstones, the
    /// record itself for the retracted-content check, and the files it names for the
    /// attachments.
    fn note_whole_record(&mut self, feed: DeviceKey, record: &'a Checked) {
        if let Some(kept) = &record.kept {
            match &kept.record().body {
                Body::Retraction(retraction) => {
                    self.retractions
                        .insert(record.id, (feed, retraction.target));
                }
                body if body.is_governance() => self.governance.push(kept),
                _ => {}
            }
        }
        self.whole.push(WholeRecord {
            id: record.id,
            feed,
            seq: record.seq,
            family: record.family,
            kept: record.kept.is_some(),
        });
        for (blob, size) in &record.files {
            self.named
                .entry(*blob)
                .or_default()
                .push((record.id, *size));
        }
    }

    /// A tombstone entry: its `prev` must fit its seq (absent exactly at seq 1), since
    /// the chain check trusts it. What justifies it waits for the roster (§4 step 7).
    fn tombstone_entry(
        &mut self,
        feed: DeviceKey,
        tombstone: &TombstoneEntry,
        summary: &mut FeedManifest,
    ) -> Result<ChainLink, ArchiveError> {
        let mut form = Vec::new();
        put_tombstone(&mut form, tombstone);
        self.digest.update(&form);
        if (tombstone.seq == 1) != tombstone.prev.is_none() {
            return Err(ArchiveError::BadTombstone {
                feed,
                seq: tombstone.seq,
            });
        }
        self.tombstones.push((feed, *tombstone));
        summary.tombstones += 1;
        Ok(ChainLink {
            seq: tombstone.seq,
            id: tombstone.id,
            prev: tombstone.prev,
            timestamp_ms: Some(tombstone.timestamp_ms),
        })
    }

    /// A withheld entry: only a public-only archive may leave a record out this way; a
    /// full one that does is hiding it.
    fn withheld_entry(
        &mut self,
        feed: DeviceKey,
        seq: u64,
        id: &RecordId,
        summary: &mut FeedManifest,
    ) -> Result<ChainLink, ArchiveError> {
        let mut form = Vec::new();
        put_withheld(&mut form, seq, id);
        self.digest.update(&form);
        if !self.public_only {
            return Err(ArchiveError::WithheldInFullArchive { feed, seq });
        }
        summary.withheld += 1;
        Ok(ChainLink {
            seq,
            id: *id,
            prev: None,
            timestamp_ms: None,
        })
    }

    /// Seqs skipped before this entry must be a gap the manifest declares, exactly: an
    /// undeclared one means records were removed from the archive.
    fn check_gap(
        &self,
        feed: DeviceKey,
        progress: &mut FeedProgress,
        link: ChainLink,
    ) -> Result<(), ArchiveError> {
        // Ascending from 1, as `check_seq_order` made sure.
        let previous_seq = progress.previous.map_or(0, |previous| previous.seq);
        if link.seq > previous_seq + 1 {
            let gap = Gap {
                first: previous_seq + 1,
                last: link.seq - 1,
            };
            let declared_gap = self
                .declared
                .get(&feed)
                .is_some_and(|declared| declared.gaps.contains(&gap));
            if !declared_gap {
                return Err(ArchiveError::UndeclaredGap {
                    feed,
                    first: gap.first,
                    last: gap.last,
                });
            }
            progress.summary.gaps.push(gap);
        }
        Ok(())
    }

    /// Fork proofs (§4 step 5): each valid on its own, and one per device in ascending
    /// order, so that the roster fold freezes each forked device once.
    fn check_fork_proofs(
        &mut self,
        fork_proofs: &[&[u8]],
        network: &NetworkId,
    ) -> Result<Vec<ForkProof>, ArchiveError> {
        let mut proofs: Vec<ForkProof> = Vec::with_capacity(fork_proofs.len());
        for (index, bytes) in fork_proofs.iter().enumerate() {
            let mut form = vec![TAG_FORK_PROOF];
            put_bytes(&mut form, bytes);
            self.digest.update(&form);
            let proof =
                ForkProof::decode(bytes, network).map_err(|error| ArchiveError::ForkProof {
                    index: index + 1,
                    error,
                })?;
            if let Some(last) = proofs.last().map(ForkProof::author)
                && proof.author() <= last
            {
                return Err(ArchiveError::ForkProofsOutOfOrder {
                    author: proof.author(),
                });
            }
            proofs.push(proof);
        }
        Ok(proofs)
    }

    /// Attachments (§8): each file's bytes hash to its id, and a record carried whole
    /// names it with that size, so that a bundle carries no file its records do not
    /// vouch for (in a public-only archive, no members' file).
    fn check_attachments(
        &mut self,
        attachments: &[(BlobId, &[u8])],
    ) -> Result<AttachmentTally, ArchiveError> {
        let mut attachment_bytes = 0u64;
        for (blob, bytes) in attachments {
            self.digest.update([TAG_ATTACHMENT]);
            self.digest.update(blob.as_bytes());
            check_attachment_matches_id(blob, bytes)?;
            let size = bytes.len() as u64;
            let Some(naming) = self.named.get(blob) else {
                return Err(ArchiveError::UnreferencedAttachment { blob: *blob });
            };
            if let Some((record, declared)) = naming.iter().find(|(_, declared)| *declared != size)
            {
                return Err(ArchiveError::AttachmentSize {
                    blob: *blob,
                    record: *record,
                    declared: *declared,
                    found: size,
                });
            }
            attachment_bytes += size;
        }
        let absent = self
            .named
            .keys()
            .filter(|blob| {
                attachments
                    .binary_search_by(|(held, _)| held.cmp(blob))
                    .is_err()
            })
            .count() as u64;
        Ok(AttachmentTally {
            bytes: attachment_bytes,
            absent,
        })
    }
}

/// Entry seqs strictly ascending over the whole feed, before any entry's own checks, so
/// that a record moved out of place is named as such, not as the gap its old place leaves.
fn check_seq_order(feed: &FeedRef<'_>, records_here: &[&Checked]) -> Result<(), ArchiveError> {
    let mut order_records = records_here.iter();
    let mut previous_seq = 0;
    for entry in &feed.entries {
        let seq = match entry {
            EntryRef::Record(_) => match order_records.next() {
                Some(record) => record.seq,
                None => break,
            },
            EntryRef::Tombstone(tombstone) => tombstone.seq,
            EntryRef::Withheld { seq, .. } => *seq,
        };
        if seq <= previous_seq {
            return Err(ArchiveError::SeqOutOfOrder {
                feed: feed.author,
                seq,
                previous: previous_seq,
            });
        }
        previous_seq = seq;
    }
    Ok(())
}

/// Where an entry follows the previous seq, it must link to the previous entry's id and
/// be dated after it, where both are known: a feed is one chain, and its dates only
/// move forward.
fn check_chain_link(
    feed: DeviceKey,
    previous: Option<ChainLink>,
    link: ChainLink,
) -> Result<(), ArchiveError> {
    let Some(previous) = previous else {
        return Ok(());
    };
    if previous.seq + 1 != link.seq {
        return Ok(());
    }
    if let Some(prev) = link.prev
        && prev != previous.id
    {
        return Err(ArchiveError::BrokenChain {
            feed,
            seq: link.seq,
            expected: previous.id,
            found: prev,
        });
    }
    if let (Some(previous_ms), Some(timestamp_ms)) = (previous.timestamp_ms, link.timestamp_ms)
        && timestamp_ms <= previous_ms
    {
        return Err(ArchiveError::TimestampNotIncreasing {
            feed,
            seq: link.seq,
            timestamp_ms,
            previous_ms,
        });
    }
    Ok(())
}

/// An attachment's bytes must be a file the protocol allows and hash to the id the item
/// gives: the root hash covers only the id, so this is what commits it to the bytes.
fn check_attachment_matches_id(blob: &BlobId, bytes: &[u8]) -> Result<(), ArchiveError> {
    let size = bytes.len() as u64;
    if size > MAX_BLOB_BYTES {
        return Err(ArchiveError::AttachmentMismatch {
            blob: *blob,
            found: format!("a file of {size} bytes, over the protocol's limit"),
        });
    }
    let mut hasher = BlobHasher::new();
    hasher.update(bytes);
    let root = hasher
        .finish()
        .map(|list| list.root().to_string())
        .unwrap_or_else(|error| error.to_string());
    if root != blob.to_string() {
        return Err(ArchiveError::AttachmentMismatch {
            blob: *blob,
            found: root,
        });
    }
    Ok(())
}

/// The org the archive's own roster puts a device in: a bundle is checked with no node
/// to ask, so its governance records are the only word on who is in which org.
fn org_of(roster: &Roster, device: &DeviceKey) -> Option<OrgId> {
    roster.device(device).map(|state| state.org)
}

/// Two devices are of the same org only when the roster knows both: a device it does
/// not know vouches for no org.
fn same_org(roster: &Roster, a: &DeviceKey, b: &DeviceKey) -> bool {
    matches!((org_of(roster, a), org_of(roster, b)), (Some(x), Some(y)) if x == y)
}

/// Every feed's delegation must take effect in the archive's own roster (§4 step 6):
/// a delegation signed by a root that was not the org's root at that point of the fold
/// attributes nothing.
fn check_delegations_applied(
    roster: &Roster,
    feeds: &[FeedManifest],
    proofs: &[ForkProof],
) -> Result<(), ArchiveError> {
    // A device forked at seq 1 signed two different first records: the fold counts
    // nothing of it (P§10.2), so its delegation never takes effect. Its feed is still
    // carried and checked as a chain, and the report shows it frozen at seq 1; refusing
    // it would let one device stop every export of the network.
    let forked_at_first: HashSet<DeviceKey> = proofs
        .iter()
        .filter(|proof| proof.seq() == 1)
        .map(ForkProof::author)
        .collect();
    for feed in feeds {
        if !forked_at_first.contains(&feed.author) && org_of(roster, &feed.author) != Some(feed.org)
        {
            return Err(ArchiveError::DelegationNotApplied {
                feed: feed.author,
                org: feed.org,
            });
        }
    }
    Ok(())
}

/// What justifies a tombstone: a retraction or redaction of its own id, or of another
/// version of the same record (which the report counts apart).
#[derive(Clone, Copy, PartialEq, Eq)]
enum TombstoneBasis {
    ThisVersion,
    AnotherVersion,
}

/// What the archive shows was taken back, and by whom: the retractions its orgs signed
/// and the redactions its members voted in its own roster fold (§4 step 7).
struct TakenBack<'a> {
    roster: &'a Roster,
    /// Retractions carried whole: id → (the device that signed it, the record it retracts).
    retractions: &'a HashMap<RecordId, (DeviceKey, RecordId)>,
    /// A record the members voted to redact (P§10.7), by record: (author, deciding
    /// vote). A record id may carry a second, bogus entry from votes naming the wrong
    /// author; every entry is kept.
    redacted: HashMap<RecordId, Vec<(DeviceKey, RecordId)>>,
}

impl<'a> TakenBack<'a> {
    fn new(roster: &'a Roster, retractions: &'a HashMap<RecordId, (DeviceKey, RecordId)>) -> Self {
        let mut redacted: HashMap<RecordId, Vec<(DeviceKey, RecordId)>> = HashMap::new();
        for (target, redaction) in roster.redactions() {
            redacted
                .entry(target)
                .or_default()
                .push((redaction.author, redaction.decided_by));
        }
        TakenBack {
            roster,
            retractions,
            redacted,
        }
    }

    /// Tombstones, in file order: each justified, in the archive, by its own org taking
    /// the record back, of this version or of another (a retraction of any version
    /// retracts them all, P§8). A version's content is gone, so which record it revised
    /// cannot be shown: another version counts only when the record taken back is itself
    /// a tombstone of the same org. Returns how many tombstones rest on another version.
    fn check_tombstones(
        &self,
        tombstones: &[(DeviceKey, TombstoneEntry)],
    ) -> Result<u64, ArchiveError> {
        let tombstoned: HashMap<RecordId, DeviceKey> = tombstones
            .iter()
            .map(|(feed, tombstone)| (tombstone.id, *feed))
            .collect();
        let mut by_another_version = 0u64;
        for (feed, tombstone) in tombstones {
            let basis = match self.redaction_basis(feed, tombstone, &tombstoned) {
                Some(basis) => basis,
                None => self.retraction_basis(feed, tombstone, &tombstoned)?,
            };
            if basis == TombstoneBasis::AnotherVersion {
                by_another_version += 1;
            }
        }
        Ok(by_another_version)
    }

    /// A tombstone may name, instead of a retraction, the vote that decided the
    /// redaction (P§10.7) of this record by this feed's device, or of another version
    /// tombstoned by the same org: the members, not the org, took it back.
    fn redaction_basis(
        &self,
        feed: &DeviceKey,
        tombstone: &TombstoneEntry,
        tombstoned: &HashMap<RecordId, DeviceKey>,
    ) -> Option<TombstoneBasis> {
        let (target, _) = self.redacted.iter().find(|(target, entries)| {
            entries.iter().any(|(author, decided_by)| {
                *decided_by == tombstone.retraction
                    && ((**target == tombstone.id && author == feed)
                        || (tombstoned.get(*target) == Some(author)
                            && same_org(self.roster, author, feed)))
            })
        })?;
        Some(if *target == tombstone.id {
            TombstoneBasis::ThisVersion
        } else {
            TombstoneBasis::AnotherVersion
        })
    }

    /// Otherwise the tombstone's retraction must be carried whole, retract this record or
    /// a version of it the same org tombstoned, and be signed by the same org: no org
    /// may take back another's record.
    fn retraction_basis(
        &self,
        feed: &DeviceKey,
        tombstone: &TombstoneEntry,
        tombstoned: &HashMap<RecordId, DeviceKey>,
    ) -> Result<TombstoneBasis, ArchiveError> {
        let Some((retracting_device, target)) = self.retractions.get(&tombstone.retraction) else {
            return Err(ArchiveError::TombstoneWithoutRetraction {
                feed: *feed,
                seq: tombstone.seq,
                retraction: tombstone.retraction,
            });
        };
        let mut basis = TombstoneBasis::ThisVersion;
        if *target != tombstone.id {
            let another_version_of_ours = tombstoned
                .get(target)
                .is_some_and(|target_feed| same_org(self.roster, target_feed, feed));
            if !another_version_of_ours {
                return Err(ArchiveError::TombstoneRetractionMismatch {
                    feed: *feed,
                    seq: tombstone.seq,
                    retraction: tombstone.retraction,
                });
            }
            basis = TombstoneBasis::AnotherVersion;
        }
        if !same_org(self.roster, retracting_device, feed) {
            return Err(ArchiveError::TombstoneByOtherOrg {
                feed: *feed,
                seq: tombstone.seq,
                retraction: tombstone.retraction,
            });
        }
        Ok(basis)
    }

    /// No record its own org retracted, or its members redacted, may still carry its
    /// content, and neither may another version of such a record: the archive would
    /// publish what was taken back. A version's family is known from its own body
    /// ([`Body::version_family`]); a family whose original is a tombstone of the same
    /// org was taken back whole, whichever version the retraction named.
    fn check_no_retracted_content(
        &self,
        whole: &[WholeRecord],
        tombstones: &[(DeviceKey, TombstoneEntry)],
    ) -> Result<(), ArchiveError> {
        let targets = self.retractions_by_target();
        if targets.is_empty() && self.redacted.is_empty() {
            return Ok(());
        }
        let tombstoned: HashMap<RecordId, (DeviceKey, RecordId)> = tombstones
            .iter()
            .map(|(feed, tombstone)| (tombstone.id, (*feed, tombstone.retraction)))
            .collect();
        for record in whole {
            let versions = [Some(&record.id), record.family.as_ref()];
            let by_own_org = versions
                .into_iter()
                .flatten()
                .filter_map(|target| targets.get(target))
                .flatten()
                .find(|(_, device)| same_org(self.roster, device, &record.feed))
                .map(|(retraction, _)| retraction);
            // Governance records and retractions are never redacted.
            let by_vote = versions
                .into_iter()
                .flatten()
                .filter(|_| !record.kept)
                .filter_map(|target| self.redacted.get(target))
                .flatten()
                .find(|(author, _)| {
                    *author == record.feed || same_org(self.roster, author, &record.feed)
                })
                .map(|(_, decided_by)| decided_by);
            let with_its_family = record
                .family
                .as_ref()
                .and_then(|family| tombstoned.get(family))
                .filter(|(feed, _)| same_org(self.roster, feed, &record.feed))
                .map(|(_, retraction)| retraction);
            if let Some(retraction) = by_own_org.or(by_vote).or(with_its_family) {
                return Err(ArchiveError::RetractedContentPresent {
                    feed: record.feed,
                    seq: record.seq,
                    retraction: *retraction,
                });
            }
        }
        Ok(())
    }

    /// The retractions naming each record, lowest id first. A record can be named by
    /// several (its org's, and another org's that nodes refused): every one is kept, so
    /// that the first of its own org's is the answer, whatever the map's order.
    fn retractions_by_target(&self) -> BTreeMap<RecordId, Vec<(RecordId, DeviceKey)>> {
        let mut targets: BTreeMap<RecordId, Vec<(RecordId, DeviceKey)>> = BTreeMap::new();
        for (retraction, (device, target)) in self.retractions {
            targets
                .entry(*target)
                .or_default()
                .push((*retraction, *device));
        }
        for named_by in targets.values_mut() {
            named_by.sort_by_key(|(retraction, _)| *retraction);
        }
        targets
    }
}

/// The manifest against the content (§4 step 8): a reader trusts the manifest's table
/// of contents, so every figure in it must be what the content holds.
fn check_manifest(
    parts: &BundleParts<'_>,
    network: NetworkId,
    content_feeds: &[FeedManifest],
    fork_proofs: usize,
) -> Result<(), ArchiveError> {
    let manifest = &parts.manifest;
    if manifest.network != network {
        return Err(ArchiveError::ManifestNetwork {
            declared: manifest.network,
            found: network,
        });
    }
    if manifest.public_only != parts.public_only {
        return Err(ArchiveError::ManifestPublicOnly {
            declared: manifest.public_only,
            found: parts.public_only,
        });
    }
    check_manifest_totals(manifest, content_feeds, fork_proofs)?;
    if manifest.feeds.len() != content_feeds.len() {
        let detail = first_feed_difference(&manifest.feeds, content_feeds);
        return Err(ArchiveError::ManifestFeeds {
            declared: manifest.feeds.len(),
            found: content_feeds.len(),
            detail,
        });
    }
    for (declared, found) in manifest.feeds.iter().zip(content_feeds) {
        compare_feed(declared, found)?;
    }
    Ok(())
}

/// The manifest's four totals against the content's, in the order the format lists them.
fn check_manifest_totals(
    manifest: &Manifest,
    content_feeds: &[FeedManifest],
    fork_proofs: usize,
) -> Result<(), ArchiveError> {
    let total = |field, declared: u64, found: u64| {
        if declared == found {
            Ok(())
        } else {
            Err(ArchiveError::ManifestTotal {
                field,
                declared,
                found,
            })
        }
    };
    let sum = |pick: fn(&FeedManifest) -> u64| content_feeds.iter().map(pick).sum::<u64>();
    total("records", manifest.records, sum(|feed| feed.records))?;
    total(
        "tombstones",
        manifest.tombstones,
        sum(|feed| feed.tombstones),
    )?;
    total(
        "withheld entries",
        manifest.withheld,
        sum(|feed| feed.withheld),
    )?;
    total("fork proofs", manifest.fork_proofs, fork_proofs as u64)
}

/// The root hash (§4 step 9), last: every other check names what is wrong more
/// precisely than "the hash differs". Returns the hash, to cite.
fn check_root_hash(mut digest: Sha256, parts: &BundleParts<'_>) -> Result<[u8; 32], ArchiveError> {
    let mut end = vec![TAG_END];
    put_bytes(&mut end, &encode(&parts.manifest));
    digest.update(&end);
    let computed: [u8; 32] = digest.finalize().into();
    if computed != parts.root {
        return Err(ArchiveError::RootHashMismatch {
            declared: crate::text::hex(&parts.root),
            computed: crate::text::hex(&computed),
        });
    }
    Ok(computed)
}

/// Each feed's completeness for the report, with what the roster and the fork proofs
/// say of its device: whether its org is a member, and where it was revoked or frozen.
fn feed_reports(
    roster: &Roster,
    proofs: &[ForkProof],
    feeds: Vec<FeedManifest>,
) -> Vec<FeedReport> {
    let forked_at: BTreeMap<DeviceKey, u64> = proofs
        .iter()
        .map(|proof| (proof.author(), proof.seq()))
        .collect();
    feeds
        .into_iter()
        .map(|feed| FeedReport {
            org_member: roster.is_member(&feed.org),
            revoked_from: roster.revoked_from(&feed.org, &feed.author),
            forked_at: forked_at.get(&feed.author).copied(),
            author: feed.author,
            org: feed.org,
            max_seq: feed.max_seq,
            records: feed.records,
            tombstones: feed.tombstones,
            withheld: feed.withheld,
            gaps: feed.gaps,
        })
        .collect()
}

fn record_digest_of(id: RecordId, signed: &[u8]) -> Vec<u8> {
    let mut form = Vec::with_capacity(97);
    form.push(TAG_RECORD);
    form.extend_from_slice(id.as_bytes());
    form.extend_from_slice(&signed[signed.len().saturating_sub(64)..]);
    form
}

/// A tombstone entry as the bundle holds it, and as it enters the root hash.
fn put_tombstone(out: &mut Vec<u8>, tombstone: &TombstoneEntry) {
    out.push(TAG_TOMBSTONE);
    put_varint(out, tombstone.seq);
    out.extend_from_slice(tombstone.id.as_bytes());
    match tombstone.prev {
        None => out.push(0),
        Some(prev) => {
            out.push(1);
            out.extend_from_slice(prev.as_bytes());
        }
    }
    put_varint(out, tombstone.timestamp_ms);
    out.extend_from_slice(tombstone.retraction.as_bytes());
}

/// A withheld entry as the bundle holds it, and as it enters the root hash.
fn put_withheld(out: &mut Vec<u8>, seq: u64, id: &RecordId) {
    out.push(TAG_WITHHELD);
    put_varint(out, seq);
    out.extend_from_slice(id.as_bytes());
}

/// The entry right after `position` in `feed`, if it is the next seq: its `prev`
/// tells whether a record whose signature fails was altered or only re-signed.
fn checked_next(
    feed: &FeedRef<'_>,
    position: usize,
    records_here: &[&Checked],
) -> Option<(u64, Option<RecordId>)> {
    let next = feed.entries.get(position + 1)?;
    match next {
        EntryRef::Record(_) => {
            let index = feed.entries[..=position]
                .iter()
                .filter(|entry| matches!(entry, EntryRef::Record(_)))
                .count();
            records_here
                .get(index)
                .map(|record| (record.seq, record.prev))
        }
        EntryRef::Tombstone(tombstone) => Some((tombstone.seq, tombstone.prev)),
        EntryRef::Withheld { .. } => None,
    }
}

fn signature_failure(
    feed: &FeedRef<'_>,
    _position: usize,
    record: &Checked,
    next: &Option<(u64, Option<RecordId>)>,
) -> ArchiveError {
    match next {
        Some((next_seq, Some(prev))) if *next_seq == record.seq + 1 && *prev != record.id => {
            ArchiveError::AlteredRecord {
                feed: feed.author,
                seq: record.seq,
                next: *next_seq,
            }
        }
        _ => ArchiveError::BadSignature {
            feed: feed.author,
            seq: record.seq,
        },
    }
}

fn first_feed_difference(declared: &[FeedManifest], found: &[FeedManifest]) -> String {
    let declared_keys: HashSet<DeviceKey> = declared.iter().map(|feed| feed.author).collect();
    let found_keys: HashSet<DeviceKey> = found.iter().map(|feed| feed.author).collect();
    if let Some(extra) = declared
        .iter()
        .find(|feed| !found_keys.contains(&feed.author))
    {
        return format!("it lists {}, which the archive does not hold", extra.author);
    }
    if let Some(missing) = found
        .iter()
        .find(|feed| !declared_keys.contains(&feed.author))
    {
        return format!("it leaves out {}", missing.author);
    }
    "the same devices, listed more than once".to_owned()
}

fn compare_feed(declared: &FeedManifest, found: &FeedManifest) -> Result<(), ArchiveError> {
    let feed = found.author;
    let differ = |field: &'static str, declared: String, found: String| {
        if declared == found {
            Ok(())
        } else {
            Err(ArchiveError::ManifestFeed {
                feed,
                field,
                declared,
                found,
            })
        }
    };
    differ(
        "device",
        declared.author.to_string(),
        found.author.to_string(),
    )?;
    differ("org", declared.org.to_string(), found.org.to_string())?;
    differ(
        "highest seq",
        declared.max_seq.to_string(),
        found.max_seq.to_string(),
    )?;
    differ(
        "records",
        declared.records.to_string(),
        found.records.to_string(),
    )?;
    differ(
        "tombstones",
        declared.tombstones.to_string(),
        found.tombstones.to_string(),
    )?;
    differ(
        "withheld entries",
        declared.withheld.to_string(),
        found.withheld.to_string(),
    )?;
    differ("gaps", gaps_text(&declared.gaps), gaps_text(&found.gaps))
}

/// Gaps as `3-5, 9`; `none` if there are none.
pub fn gaps_text(gaps: &[Gap]) -> String {
    if gaps.is_empty() {
        return "none".to_owned();
    }
    gaps.iter()
        .map(|gap| {
            if gap.first == gap.last {
                gap.first.to_string()
            } else {
                format!("{}-{}", gap.first, gap.last)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Records whose device signatures are checked in one batch by `archive verify`.
const VERIFY_BATCH: usize = 64;

/// What the verifier keeps of a decoded record, before its signatures are checked.
fn unsigned_checked(decoded: &DecodedRecord) -> Checked {
    let header = decoded.record();
    Checked {
        id: decoded.id(),
        author: header.author,
        seq: header.seq,
        prev: header.prev,
        timestamp_ms: header.timestamp_ms,
        visibility: header.body.visibility(),
        signature_ok: false,
        delegation_org: match &header.body {
            Body::Delegation(delegation) => Some(delegation.org),
            _ => None,
        },
        kept: None,
        files: header
            .body
            .attachments()
            .iter()
            .map(|file| (file.blob, file.size))
            .collect(),
        family: header.body.version_family(decoded.id()),
    }
}

/// Decodes and verifies every record, `threads` at a time, each thread taking a
/// contiguous share so the results come back in bundle order. The first failure in
/// bundle order wins, whatever thread met it.
fn check_records(
    parts: &BundleParts<'_>,
    slices: &[(usize, usize, &[u8])],
    network: &NetworkId,
    threads: usize,
) -> Result<Vec<Checked>, ArchiveError> {
    if threads <= 1 || slices.len() < 2 * threads {
        return check_share(parts, slices, network);
    }
    let share_len = slices.len().div_ceil(threads);
    let results: Vec<Result<Vec<Checked>, ArchiveError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = slices
            .chunks(share_len)
            .map(|share| scope.spawn(move || check_share(parts, share, network)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker.join().unwrap_or(Err(ArchiveError::Malformed {
                    offset: 0,
                    what: "records",
                    error: DecodeError::Malformed("a verifying thread failed"),
                }))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(slices.len());
    for result in results {
        out.extend(result?);
    }
    Ok(out)
}

/// Decodes and verifies one thread's share of the records, in order. The device
/// signatures of each chunk are checked in one batch (docs/protocol.md §6); errors are
/// still reported in bundle order: a record that does not decode ends the chunk, after
/// the records before it are judged.
fn check_share(
    parts: &BundleParts<'_>,
    share: &[(usize, usize, &[u8])],
    network: &NetworkId,
) -> Result<Vec<Checked>, ArchiveError> {
    let mut keys = AuthorKeyCache::new();
    let mut out = Vec::with_capacity(share.len());
    for chunk in share.chunks(VERIFY_BATCH) {
        let mut decoded = Vec::with_capacity(chunk.len());
        let mut pending = Vec::with_capacity(chunk.len());
        let mut stop = None;
        for &(feed_index, entry, bytes) in chunk {
            let feed = parts.feeds[feed_index].author;
            match keys.decode_record(bytes, network) {
                Ok(record) => {
                    let keep = !record.record().body.is_redactable();
                    pending.push((feed, entry, unsigned_checked(&record), keep));
                    decoded.push(record);
                }
                Err(error) => {
                    stop = Some(ArchiveError::InvalidRecord { feed, entry, error });
                    break;
                }
            }
        }
        for ((feed, entry, mut checked, keep), result) in
            pending.into_iter().zip(verify_records(decoded))
        {
            match result {
                Ok(verified) => {
                    checked.signature_ok = true;
                    checked.kept = keep.then_some(verified);
                }
                Err(RecordError::BadSignature) => {}
                Err(RecordError::BadRootSignature { .. }) => {
                    return Err(ArchiveError::BadRootSignature {
                        feed,
                        seq: checked.seq,
                    });
                }
                Err(error) => return Err(ArchiveError::InvalidRecord { feed, entry, error }),
            }
            out.push(checked);
        }
        if let Some(error) = stop {
            return Err(error);
        }
    }
    Ok(out)
}
