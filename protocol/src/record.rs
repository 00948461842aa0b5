//! Records: created → signed → decoded → verified. This module turns a record into its
//! signed bytes, and signed bytes from anywhere (a local publish, gossip, sync, an
//! archive) back into a [`VerifiedRecord`], checking everything that needs no state:
//! size, canonical encoding, version, network, seq and prev, keys, body rules, and
//! every signature (the device's, and the root's inside governance bodies).
//!
//! The wire layout is specified byte by byte in `docs/protocol.md`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::body::{Attachment, Body, BodyKind, Practice, Revised};
use crate::codec::{DecodeError, decode_canonical, encode};
use crate::id::{NetworkId, RecordId};
use std::collections::HashMap;

use crate::keys::{DeviceKey, DeviceKeypair, Domain, KeyError, Signature};
use crate::signature::{CheckedKey, SignatureBatch};

/// The record format version this crate reads and writes.
pub const RECORD_VERSION: u8 = 1;
/// The largest payload accepted, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// The largest signed record accepted: the payload, its length prefix (at most 3 bytes
/// for 64 KiB) and the 64-byte signature.
pub const MAX_SIGNED_RECORD_BYTES: usize = MAX_PAYLOAD_BYTES + 3 + 64;

/// One entry of a device's feed, before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The format version, [`RECORD_VERSION`].
    pub version: u8,
    /// The network the record belongs to.
    pub network: NetworkId,
    /// The device that signs it.
    pub author: DeviceKey,
    /// Its position in the author's feed, from 1.
    pub seq: u64,
    /// The id of the feed's previous record: `None` exactly when `seq` is 1.
    pub prev: Option<RecordId>,
    /// When the author says it was made, in ms since the Unix epoch; strictly greater
    /// than the previous record's.
    pub timestamp_ms: u64,
    /// What it says.
    pub body: Body,
}

/// The payload as laid out on the wire: the body travels as its kind number and its
/// own length-prefixed bytes.
#[derive(Serialize, Deserialize)]
struct PayloadWire<'a> {
    version: u8,
    network: NetworkId,
    author: DeviceKey,
    seq: u64,
    prev: Option<RecordId>,
    timestamp_ms: u64,
    body_kind: u32,
    #[serde(borrow, with = "crate::codec::byte_slice")]
    body: &'a [u8],
}

/// A signed record as laid out on the wire.
#[derive(Serialize, Deserialize)]
struct SignedWire<'a> {
    #[serde(borrow, with = "crate::codec::byte_slice")]
    payload: &'a [u8],
    signature: Signature,
}

/// Why a record was refused without looking at any state.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RecordError {
    /// More bytes than any valid signed record has.
    #[error("the signed record is {len} bytes, more than the {max}-byte limit")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The envelope (payload and signature) is malformed.
    #[error("the signed record's envelope is malformed: {0}")]
    Envelope(DecodeError),
    /// The payload is over the limit.
    #[error("the payload is {len} bytes, more than the {max}-byte limit")]
    PayloadTooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A version this implementation cannot read.
    #[error(
        "record format version {version} is not supported (this node reads version {RECORD_VERSION}); upgrade the node"
    )]
    UnsupportedVersion {
        /// The version found.
        version: u8,
    },
    /// The payload is malformed.
    #[error("the record's payload is malformed: {0}")]
    Payload(DecodeError),
    /// The body of a known kind is malformed.
    #[error("the body of this {kind} record is malformed: {error}")]
    Body {
        /// The kind.
        kind: BodyKind,
        /// What is wrong.
        error: DecodeError,
    },
    /// A record of another network.
    #[error("the record belongs to network {found}, not to this network {expected}")]
    WrongNetwork {
        /// This network.
        expected: NetworkId,
        /// The record's.
        found: NetworkId,
    },
    /// Seq 0 does not exist.
    #[error("seq 0 is invalid: feeds start at seq 1")]
    SeqZero,
    /// A first record that names a previous one.
    #[error("the first record of a feed (seq 1) must not name a previous record")]
    PrevOnFirst,
    /// A later record without its previous record's id.
    #[error("record {seq} does not name the previous record of its feed")]
    MissingPrev {
        /// Its seq.
        seq: u64,
    },
    /// The author key is unacceptable.
    #[error("the author's device key is unacceptable: {0}")]
    AuthorKey(KeyError),
    /// The device's signature does not verify.
    #[error("the record's signature does not verify for its author")]
    BadSignature,
    /// A feed must open with its device's delegation.
    #[error("the first record of a feed must be a delegation, not a {}", crate::body::kind_name(*.kind))]
    FirstNotDelegation {
        /// What it is instead (`None`: a kind this version does not know).
        kind: Option<BodyKind>,
    },
    /// A delegation anywhere but at seq 1.
    #[error("a delegation may only be the first record of a feed, not seq {seq}")]
    DelegationNotFirst {
        /// Its seq.
        seq: u64,
    },
    /// A delegation of a device other than the author.
    #[error("the delegation names device {delegated}, but the record is signed by {author}")]
    DelegationOfOtherDevice {
        /// The device named in the delegation.
        delegated: DeviceKey,
        /// The author.
        author: DeviceKey,
    },
    /// A key inside the body is unacceptable.
    #[error("the {field} key in the body is unacceptable: {error}")]
    BodyKey {
        /// Which field.
        field: &'static str,
        /// Why.
        error: KeyError,
    },
    /// A root key's signature inside a governance body does not verify.
    #[error("the root key's signature inside this {kind} does not verify")]
    BadRootSignature {
        /// The kind of body.
        kind: BodyKind,
    },
    /// A required text field is empty.
    #[error("the {field} of a {kind} must not be empty")]
    EmptyField {
        /// The kind.
        kind: BodyKind,
        /// The field.
        field: &'static str,
    },
    /// An alert that expires before it is issued.
    #[error("the alert expires ({expires_at_ms}) before it was issued ({timestamp_ms})")]
    AlertExpiresBeforeIssued {
        /// Expiry.
        expires_at_ms: u64,
        /// Issue time.
        timestamp_ms: u64,
    },
    /// A working group's vote threshold that no vote could meet, or that any could.
    #[error(
        "the group's {field} threshold is invalid: a count must be at least 1, a fraction between 1/d and d/d"
    )]
    BadGroupThreshold {
        /// `admission` or `removal`.
        field: &'static str,
    },
    /// A group's keys sealed to no device.
    #[error("a group-keys or group-history record must seal at least one key")]
    GroupKeysEmpty,
    /// A group's sealed keys out of order, or two for one device (and epoch).
    #[error(
        "a group-keys record must list its devices, and a group-history record its (epoch, device) pairs, in strictly ascending order, each once"
    )]
    GroupKeysNotSorted,
    /// A group record's ciphertext shorter than its tag.
    #[error("a group record's ciphertext is {len} bytes, shorter than its 16-byte tag")]
    SealedContentTooShort {
        /// Its length.
        len: usize,
    },
    /// A revocation from seq 0.
    #[error("a revocation must take effect from seq 1 or later")]
    RevocationFromSeqZero,
    /// A rotation to the key already held.
    #[error("a root rotation must name a new root key different from the old one")]
    RotationToSameRoot,
    /// An attachment entry breaks the rules.
    #[error("attachment {name:?} is refused: {problem}")]
    Attachment {
        /// Its name (at most 64 characters of it).
        name: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// A record that this implementation would refuse was about to be signed.
    #[error("the record to sign is authored by {author}, not by the signing device {signer}")]
    SignerIsNotAuthor {
        /// The record's author.
        author: DeviceKey,
        /// The signing device.
        signer: DeviceKey,
    },
}

impl Record {
    /// The payload bytes: what is hashed into the id and signed.
    pub fn encode_payload(&self) -> Vec<u8> {
        let body = self.body.encode();
        encode(&PayloadWire {
            version: self.version,
            network: self.network,
            author: self.author,
            seq: self.seq,
            prev: self.prev,
            timestamp_ms: self.timestamp_ms,
            body_kind: self.body.kind_code(),
            body: &body,
        })
    }

    /// Signs the record with its author's key, after the same checks a receiver makes,
    /// so a node never signs what its peers would refuse.
    pub fn sign(self, device: &DeviceKeypair) -> Result<VerifiedRecord, RecordError> {
        if device.public() != self.author {
            return Err(RecordError::SignerIsNotAuthor {
                author: self.author,
                signer: device.public(),
            });
        }
        let payload = self.encode_payload();
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(RecordError::PayloadTooLarge {
                len: payload.len(),
                max: MAX_PAYLOAD_BYTES,
            });
        }
        check_sequence(&self)?;
        check_body_rules(&self)?;
        let signature = device.sign(Domain::Record, &payload);
        let signed = encode(&SignedWire {
            payload: &payload,
            signature,
        });
        let verified = VerifiedRecord {
            id: RecordId::of(&payload),
            record: self,
            signed,
        };
        check_body_signatures(&verified.record)?;
        Ok(verified)
    }
}

/// A record whose bytes decoded canonically and passed every check that needs no state,
/// except its signatures.
#[derive(Debug, Clone)]
pub struct DecodedRecord {
    record: Record,
    id: RecordId,
    signature: Signature,
    signed: Vec<u8>,
    /// The author key, already checked and prepared for verification.
    author_key: CheckedKey,
}

impl DecodedRecord {
    /// The record.
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// Its id.
    pub fn id(&self) -> RecordId {
        self.id
    }

    fn payload(&self) -> &[u8] {
        // The envelope is canonical: a varint length, the payload, then the signature.
        &self.signed[payload_offset(&self.signed)..self.signed.len() - 64]
    }

    /// Checks the device signature and any root signature in the body.
    pub fn verify(self) -> Result<VerifiedRecord, RecordError> {
        self.author_key
            .verify(&Domain::Record.message(self.payload()), &self.signature)
            .map_err(|_| RecordError::BadSignature)?;
        self.verified()
    }

    /// Once the device signature holds: the root signatures in the body.
    fn verified(self) -> Result<VerifiedRecord, RecordError> {
        check_body_signatures(&self.record)?;
        Ok(VerifiedRecord {
            record: self.record,
            id: self.id,
            signed: self.signed,
        })
    }
}

/// Checks every record's device signature in one batch, and each record's root
/// signatures (a delegation's, a revocation's, a rotation's) one by one; the results
/// are in the order of `records` and are exactly those of [`DecodedRecord::verify`] on
/// each (docs/protocol.md §6). When the batch does not hold, each record is checked on
/// its own to find which failed.
pub fn verify_records(records: Vec<DecodedRecord>) -> Vec<Result<VerifiedRecord, RecordError>> {
    let mut batch = SignatureBatch::new();
    let mut refused = vec![false; records.len()];
    for (index, record) in records.iter().enumerate() {
        let message = Domain::Record.message(record.payload());
        if batch
            .add(&record.author_key, &message, &record.signature)
            .is_err()
        {
            refused[index] = true;
        }
    }
    if batch.verify() {
        records
            .into_iter()
            .zip(refused)
            .map(|(record, refused)| {
                if refused {
                    Err(RecordError::BadSignature)
                } else {
                    record.verified()
                }
            })
            .collect()
    } else {
        records.into_iter().map(DecodedRecord::verify).collect()
    }
}

/// The length of the varint prefix in front of the payload.
fn payload_offset(signed: &[u8]) -> usize {
    signed
        .iter()
        .position(|byte| byte & 0x80 == 0)
        .map_or(0, |last| last + 1)
}

/// A record whose every stateless rule and signature has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRecord {
    record: Record,
    id: RecordId,
    signed: Vec<u8>,
}

impl VerifiedRecord {
    /// The record.
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// Its id: SHA-256 of its payload.
    pub fn id(&self) -> RecordId {
        self.id
    }

    /// The signed bytes, exactly as received or produced: what is stored and relayed.
    pub fn signed_bytes(&self) -> &[u8] {
        &self.signed
    }

    /// The payload bytes inside the signed bytes.
    pub fn payload_bytes(&self) -> &[u8] {
        let end = self.signed.len() - 64;
        &self.signed[payload_offset(&self.signed)..end]
    }

    /// The device signature.
    pub fn signature(&self) -> Signature {
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(&self.signed[self.signed.len() - 64..]);
        Signature::from_bytes(bytes)
    }

    /// Gives up the record and keeps its signed bytes.
    pub fn into_signed_bytes(self) -> Vec<u8> {
        self.signed
    }
}

/// Decodes signed bytes received from anywhere and checks every stateless rule except
/// signatures; call [`DecodedRecord::verify`] next.
pub fn decode_record(bytes: &[u8], network: &NetworkId) -> Result<DecodedRecord, RecordError> {
    decode_with(bytes, network, DeviceKey::checked)
}

/// The stateless check (docs/protocol.md §5): decode, check every rule that needs no state, and
/// verify every signature. The result can go on to [`crate::validate_against`].
pub fn validate_record(bytes: &[u8], network: &NetworkId) -> Result<VerifiedRecord, RecordError> {
    decode_record(bytes, network)?.verify()
}

/// Decodes bytes that this node verified before it stored them, skipping the author
/// key and every signature; the canonical encoding and field rules are still checked.
/// Only for a node's own store, whose commits are checksummed: never for bytes from a
/// peer, a file or a user.
pub fn decode_stored_record(
    bytes: &[u8],
    network: &NetworkId,
) -> Result<VerifiedRecord, RecordError> {
    let (record, id, _) = decode_fields(bytes, network)?;
    check_sequence(&record)?;
    check_body_rules(&record)?;
    Ok(VerifiedRecord {
        record,
        id,
        signed: bytes.to_vec(),
    })
}

fn decode_with(
    bytes: &[u8],
    network: &NetworkId,
    author_key: impl FnOnce(&DeviceKey) -> Result<CheckedKey, KeyError>,
) -> Result<DecodedRecord, RecordError> {
    let (record, id, signature) = decode_fields(bytes, network)?;
    check_sequence(&record)?;
    let author_key = author_key(&record.author).map_err(RecordError::AuthorKey)?;
    check_body_rules(&record)?;
    Ok(DecodedRecord {
        id,
        signature,
        record,
        signed: bytes.to_vec(),
        author_key,
    })
}

/// Steps 1 to 8 of docs/protocol.md §5.1: size, canonical envelope and payload,
/// version, body, network.
fn decode_fields(
    bytes: &[u8],
    network: &NetworkId,
) -> Result<(Record, RecordId, Signature), RecordError> {
    if bytes.len() > MAX_SIGNED_RECORD_BYTES {
        return Err(RecordError::TooLarge {
            len: bytes.len(),
            max: MAX_SIGNED_RECORD_BYTES,
        });
    }
    let envelope: SignedWire<'_> = decode_canonical(bytes).map_err(RecordError::Envelope)?;
    let payload = envelope.payload;
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(RecordError::PayloadTooLarge {
            len: payload.len(),
            max: MAX_PAYLOAD_BYTES,
        });
    }
    // The version comes first and decides how the rest is read.
    match payload.first() {
        None => return Err(RecordError::Payload(DecodeError::UnexpectedEnd)),
        Some(&RECORD_VERSION) => {}
        Some(&version) => return Err(RecordError::UnsupportedVersion { version }),
    }
    let wire: PayloadWire<'_> = decode_canonical(payload).map_err(RecordError::Payload)?;
    let body = Body::decode(wire.body_kind, wire.body).map_err(|error| RecordError::Body {
        // Body::decode only fails for kinds it knows.
        kind: BodyKind::from_code(wire.body_kind).unwrap_or(BodyKind::Delegation),
        error,
    })?;
    if wire.network != *network {
        return Err(RecordError::WrongNetwork {
            expected: *network,
            found: wire.network,
        });
    }
    let record = Record {
        version: wire.version,
        network: wire.network,
        author: wire.author,
        seq: wire.seq,
        prev: wire.prev,
        timestamp_ms: wire.timestamp_ms,
        body,
    };
    Ok((record, RecordId::of(payload), envelope.signature))
}

/// Remembers the prepared keys of recent authors, so a node checking many records by
/// the same devices decompresses each key once. It changes no answer: only keys that
/// passed every key check are kept, and at most [`AuthorKeyCache::CAPACITY`] of them.
#[derive(Debug, Default)]
pub struct AuthorKeyCache {
    keys: HashMap<DeviceKey, CheckedKey>,
}

impl AuthorKeyCache {
    /// How many authors' keys are kept; past that the cache starts again empty.
    pub const CAPACITY: usize = 4096;

    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn prepared(&mut self, author: &DeviceKey) -> Result<CheckedKey, KeyError> {
        if let Some(key) = self.keys.get(author) {
            return Ok(*key);
        }
        let key = author.checked()?;
        if self.keys.len() >= Self::CAPACITY {
            self.keys.clear();
        }
        self.keys.insert(*author, key);
        Ok(key)
    }

    /// [`decode_record`], with the author's key from the cache.
    pub fn decode_record(
        &mut self,
        bytes: &[u8],
        network: &NetworkId,
    ) -> Result<DecodedRecord, RecordError> {
        decode_with(bytes, network, |author| self.prepared(author))
    }

    /// [`validate_record`], with the author's key from the cache.
    pub fn validate_record(
        &mut self,
        bytes: &[u8],
        network: &NetworkId,
    ) -> Result<VerifiedRecord, RecordError> {
        self.decode_record(bytes, network)?.verify()
    }

    /// [`validate_record`] on each of `records`, their device signatures checked in one
    /// batch ([`verify_records`]); the results are in input order and are exactly
    /// those of [`AuthorKeyCache::validate_record`] on each.
    pub fn validate_records<B: AsRef<[u8]>>(
        &mut self,
        records: &[B],
        network: &NetworkId,
    ) -> Vec<Result<VerifiedRecord, RecordError>> {
        // Each record's decoding error, or `None` for one that goes into the batch.
        let mut refused = Vec::with_capacity(records.len());
        let mut decoded = Vec::with_capacity(records.len());
        for bytes in records {
            match self.decode_record(bytes.as_ref(), network) {
                Ok(record) => {
                    decoded.push(record);
                    refused.push(None);
                }
                Err(error) => refused.push(Some(error)),
            }
        }
        let mut verified = verify_records(decoded).into_iter();
        refused
            .into_iter()
            .map(|refused| match refused {
                Some(error) => Err(error),
                None => verified.next().unwrap_or(Err(RecordError::BadSignature)),
            })
            .collect()
    }
}

/// The first of a record's rules: seq and prev.
fn check_sequence(record: &Record) -> Result<(), RecordError> {
    match (record.seq, record.prev) {
        (0, _) => Err(RecordError::SeqZero),
        (1, Some(_)) => Err(RecordError::PrevOnFirst),
        (seq, None) if seq > 1 => Err(RecordError::MissingPrev { seq }),
        _ => Ok(()),
    }
}

/// The rules on a record's body that need neither state nor signatures (checked after
/// the author key).
fn check_body_rules(record: &Record) -> Result<(), RecordError> {
    let is_delegation = matches!(record.body, Body::Delegation(_));
    if record.seq == 1 && !is_delegation {
        return Err(RecordError::FirstNotDelegation {
            kind: record.body.kind(),
        });
    }
    if record.seq > 1 && is_delegation {
        return Err(RecordError::DelegationNotFirst { seq: record.seq });
    }
    let key = |field: &'static str, bytes: &[u8; 32]| {
        crate::keys::DeviceKey::from_bytes(*bytes)
            .map(drop)
            .map_err(|error| RecordError::BodyKey { field, error })
    };
    let not_empty = |kind: BodyKind, field: &'static str, text: &str| {
        if text.trim().is_empty() {
            Err(RecordError::EmptyField { kind, field })
        } else {
            Ok(())
        }
    };
    match &record.body {
        Body::Delegation(delegation) => {
            if delegation.device != record.author {
                return Err(RecordError::DelegationOfOtherDevice {
                    delegated: delegation.device,
                    author: record.author,
                });
            }
            key("org", delegation.org.as_bytes())?;
            key("root", delegation.root.as_bytes())?;
        }
        Body::Revocation(revocation) => {
            if revocation.from_seq == 0 {
                return Err(RecordError::RevocationFromSeqZero);
            }
            key("org", revocation.org.as_bytes())?;
            key("device", revocation.device.as_bytes())?;
            key("root", revocation.root.as_bytes())?;
        }
        Body::RootRotation(rotation) => {
            if rotation.old_root == rotation.new_root {
                return Err(RecordError::RotationToSameRoot);
            }
            key("org", rotation.org.as_bytes())?;
            key("old root", rotation.old_root.as_bytes())?;
            key("new root", rotation.new_root.as_bytes())?;
        }
        Body::Vote(vote) => {
            key("subject", vote.subject.as_bytes())?;
            if let crate::body::VoteChoice::Recover { new_root } = vote.choice {
                key("new root", new_root.as_bytes())?;
            }
        }
        Body::Application(application) => key("org", application.org.as_bytes())?,
        Body::Practice(practice) => check_practice(practice)?,
        Body::Revision(revision) => match &revision.content {
            Revised::Practice(practice) => check_practice(practice)?,
            Revised::Campaign(campaign) => {
                not_empty(BodyKind::Campaign, "title", &campaign.title)?;
            }
            Revised::Profile(profile) => not_empty(BodyKind::Profile, "name", &profile.name)?,
        },
        Body::Campaign(campaign) => not_empty(BodyKind::Campaign, "title", &campaign.title)?,
        Body::Alert(alert) => {
            not_empty(BodyKind::Alert, "title", &alert.title)?;
            if alert.expires_at_ms <= record.timestamp_ms {
                return Err(RecordError::AlertExpiresBeforeIssued {
                    expires_at_ms: alert.expires_at_ms,
                    timestamp_ms: record.timestamp_ms,
                });
            }
        }
        Body::Profile(profile) => not_empty(BodyKind::Profile, "name", &profile.name)?,
        Body::GroupFounding(founding) => {
            not_empty(BodyKind::GroupFounding, "name", &founding.name)?;
            for (field, threshold) in [
                ("admission", founding.admission),
                ("removal", founding.removal),
            ] {
                if !threshold.is_valid() {
                    return Err(RecordError::BadGroupThreshold { field });
                }
            }
        }
        Body::GroupVote(vote) => key("subject", vote.subject.as_bytes())?,
        Body::RedactionVote(vote) => {
            key("target author", vote.target_author.as_bytes())?;
            not_empty(BodyKind::RedactionVote, "reason", &vote.reason)?;
        }
        Body::GroupKeys(keys) => {
            if keys.sealed.is_empty() {
                return Err(RecordError::GroupKeysEmpty);
            }
            if !keys
                .sealed
                .windows(2)
                .all(|pair| pair[0].device < pair[1].device)
            {
                return Err(RecordError::GroupKeysNotSorted);
            }
            for sealed in &keys.sealed {
                key("device", sealed.device.as_bytes())?;
            }
        }
        Body::GroupHistory(history) => {
            if history.keys.is_empty() {
                return Err(RecordError::GroupKeysEmpty);
            }
            if !history.keys.windows(2).all(|pair| {
                (pair[0].epoch, pair[0].sealed.device) < (pair[1].epoch, pair[1].sealed.device)
            }) {
                return Err(RecordError::GroupKeysNotSorted);
            }
            for entry in &history.keys {
                key("device", entry.sealed.device.as_bytes())?;
            }
        }
        Body::GroupRecord(record) => {
            if record.ciphertext.len() < 16 {
                return Err(RecordError::SealedContentTooShort {
                    len: record.ciphertext.len(),
                });
            }
        }
        Body::CampaignUpdate(_)
        | Body::AlertResponse(_)
        | Body::Retraction(_)
        | Body::SealingKey(_)
        | Body::Unknown { .. } => {}
    }
    Ok(())
}

/// The most files one case study may carry.
pub const MAX_ATTACHMENTS: usize = 32;
/// The longest attachment file name, in bytes.
pub const MAX_ATTACHMENT_NAME_BYTES: usize = 255;
/// The longest media type, in bytes.
pub const MAX_MEDIA_TYPE_BYTES: usize = 127;

fn check_practice(practice: &Practice) -> Result<(), RecordError> {
    if practice.title.trim().is_empty() {
        return Err(RecordError::EmptyField {
            kind: BodyKind::Practice,
            field: "title",
        });
    }
    if practice.attachments.len() > MAX_ATTACHMENTS {
        return Err(RecordError::Attachment {
            name: String::new(),
            problem: "a case study carries at most 32 files",
        });
    }
    for (index, attachment) in practice.attachments.iter().enumerate() {
        check_attachment(attachment)?;
        if practice.attachments[..index]
            .iter()
            .any(|earlier| earlier.blob == attachment.blob || earlier.name == attachment.name)
        {
            return Err(RecordError::Attachment {
                name: attachment.name.clone(),
                problem: "the same file or file name is attached twice",
            });
        }
    }
    Ok(())
}

/// Whether `name` is a file name a node can save as is: no path, no control
/// characters, not `.` or `..`, at most [`MAX_ATTACHMENT_NAME_BYTES`].
pub fn is_safe_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_ATTACHMENT_NAME_BYTES
        && name != "."
        && name != ".."
        && name.trim() == name
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
}

/// Whether `media_type` is `type/subtype` in lowercase token characters (RFC 6838),
/// with no parameters.
pub fn is_media_type(media_type: &str) -> bool {
    let token = |part: &str| {
        !part.is_empty()
            && part.len() <= 63
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$&-^_.+".contains(&b))
    };
    media_type.len() <= MAX_MEDIA_TYPE_BYTES
        && media_type
            .split_once('/')
            .is_some_and(|(kind, subtype)| token(kind) && token(subtype))
}

fn check_attachment(attachment: &Attachment) -> Result<(), RecordError> {
    let problem = if !is_safe_file_name(&attachment.name) {
        Some("the file name is empty, too long, or contains a path or control characters")
    } else if !is_media_type(&attachment.media_type) {
        Some("the media type is not of the form type/subtype in lowercase")
    } else if attachment.size == 0 || attachment.size > crate::blob::MAX_BLOB_BYTES {
        Some("the size is 0 or more than the protocol's 1 GiB limit")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(RecordError::Attachment {
            name: attachment.name.chars().take(64).collect(),
            problem,
        }),
        None => Ok(()),
    }
}

/// Verifies the root signatures that governance bodies carry.
fn check_body_signatures(record: &Record) -> Result<(), RecordError> {
    let network = record.network;
    let checked = match &record.body {
        Body::Delegation(body) => body
            .root
            .verify(
                Domain::Delegation,
                &body.statement(network),
                &body.root_signature,
            )
            .map_err(|_| BodyKind::Delegation),
        Body::Revocation(body) => body
            .root
            .verify(
                Domain::Revocation,
                &body.statement(network),
                &body.root_signature,
            )
            .map_err(|_| BodyKind::Revocation),
        Body::RootRotation(body) => {
            let statement = body.statement(network);
            body.old_root
                .verify(Domain::RootRotation, &statement, &body.old_signature)
                .and_then(|()| {
                    body.new_root
                        .verify(Domain::RootRotation, &statement, &body.new_signature)
                })
                .map_err(|_| BodyKind::RootRotation)
        }
        _ => Ok(()),
    };
    checked.map_err(|kind| RecordError::BadRootSignature { kind })
}
