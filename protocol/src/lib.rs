//! # commons-protocol
//!
//! Everything that decides whether a Commons record is valid, with no I/O and no clock:
//! bytes in, checked types out. A record's path through this crate:
//!
//! | step | module |
//! |---|---|
//! | keys sign and verify, in separate domains | [`keys`] |
//! | the body says what the record is about | [`body`] |
//! | the record is encoded, signed, decoded, checked without state | [`record`], [`codec`] |
//! | it is named by the hash of its payload | [`id`] |
//! | it is placed in its author's feed, against the roster | [`feed`] |
//! | two records with one seq become a fork proof | [`fork`] |
//! | a device appends to its own feed | [`writer`] |
//! | governance records fold into the roster, from the charter | [`roster`], [`charter`] |
//! | a working group's votes fold into its members, against the roster | [`group`] |
//! | a group's key is sealed to its members' devices; its records' content encrypted | [`seal`] |
//! | peers exchange feed heads and pull missing records | [`sync`] |
//! | a node's records leave as one self-verifying file, checked offline | [`archive`] |
//! | attachments' bytes are chunked, named by their hash and checked as they arrive | [`blob`] |
//! | keys and ids are shown and parsed in one textual form | [`text`] |
//!
//! The byte layout of every structure is specified in `docs/protocol.md`.
//!
//! ```
//! use commons_protocol::{
//!     Body, Delegation, DeviceKeypair, MemoryFeeds, NetworkId, Record, RootKeypair, Roster,
//!     validate_record, RECORD_VERSION,
//! };
//! # use commons_protocol::{Charter, Founder, Threshold};
//! let root = RootKeypair::from_seed([1; 32]);
//! let device = DeviceKeypair::from_seed([2; 32]);
//! # let charter = Charter { version: 1, name: "Example".into(), founders: vec![Founder { org: root.org_id(), name: "Org".into() }], admission: Threshold::Count(1), removal: Threshold::Count(1), recovery: Threshold::Count(1), open_read: false, created_ms: 0 };
//! let network = charter.network_id();
//! let record = Record {
//!     version: RECORD_VERSION,
//!     network,
//!     author: device.public(),
//!     seq: 1,
//!     prev: None,
//!     timestamp_ms: 1_700_000_000_000,
//!     body: Body::Delegation(Delegation::sign(&root, network, root.org_id(), device.public(), "office")),
//! };
//! let signed = record.sign(&device)?;
//! let received = validate_record(signed.signed_bytes(), &network)?;
//! assert_eq!(received.id(), signed.id());
//!
//! let roster = Roster::new(&charter);
//! let mut feeds = MemoryFeeds::new();
//! feeds.ingest(received, &roster)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod archive;
pub mod blob;
pub mod body;
pub mod charter;
pub mod codec;
pub mod feed;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod fork;
pub mod group;
pub mod heads_file;
pub mod id;
pub mod keys;
mod memory;
pub mod record;
pub mod roster;
pub mod seal;
pub mod signature;
pub mod sync;
pub mod text;
pub mod writer;

pub use archive::{
    ARCHIVE_FORMAT_VERSION, ARCHIVE_MAGIC, ArchiveError, ArchiveReport, ArchiveWriteError,
    BundleParts, BundleWriter, FeedReport, Gap, Manifest, TombstoneEntry, VerifyOptions,
    parse_bundle, verify_bundle,
};
pub use blob::{
    BlobError, BlobHasher, BlobRequest, BlobResponse, CHUNK_BYTES, ChunkList, MAX_BLOB_BYTES,
};
pub use body::{
    Alert, AlertResponse, Application, Attachment, Body, BodyKind, Campaign, CampaignStatus,
    CampaignUpdate, Delegation, GroupChoice, GroupFounding, GroupHistory, GroupKeys, GroupRecord,
    GroupVote, HistoricKey, Practice, Profile, RedactionVote, ResponseKind, Retraction, Revised,
    Revision, Revocation, RootRotation, SealedKey, SealingKey, SealingKeyAnnouncement, Severity,
    Visibility, Vote, VoteChoice,
};
pub use charter::{
    CHARTER_VERSION, Charter, CharterError, Founder, FounderSignature, MAX_CHARTER_BYTES,
    SignedCharter, Threshold,
};
pub use codec::DecodeError;
pub use feed::{
    AgainstError, CheckError, FeedEntry, FeedOutcome, KnownRecords, SeqRange, check_against,
    validate_against,
};
pub use fork::{ForkProof, ForkProofError};
pub use group::{Admission, Departure, GroupError, GroupTally, WorkingGroup};
pub use heads_file::{HeadsFile, HeadsFileError};
pub use id::{BlobId, NetworkId, RecordId, gossip_message_id};
pub use keys::{
    DeviceKey, DeviceKeypair, Domain, KeyError, OrgId, ParseKeyError, RngError, RootKey,
    RootKeypair, Signature, SignatureError,
};
pub use memory::MemoryFeeds;
pub use record::{
    AuthorKeyCache, DecodedRecord, MAX_ATTACHMENTS, MAX_PAYLOAD_BYTES, MAX_SIGNED_RECORD_BYTES,
    RECORD_VERSION, Record, RecordError, VerifiedRecord, decode_record, decode_stored_record,
    validate_record, verify_records,
};
pub use roster::{DeviceState, OrgState, Redaction, RedactionTally, Roster, Tally};
pub use seal::{
    ContentContext, EpochKey, SealError, SealingKeypair, decode_sealed_content, decrypt_content,
    encrypt_content, fresh_bytes, is_sealable, open_epoch_key, seal_epoch_key,
    sealed_content_bytes,
};
pub use sync::{FeedSummary, Refusal, SyncError, SyncRequest, SyncResponse};
pub use text::TextError;
pub use writer::{FeedPosition, FeedWriter};
