//! Golden vectors: the exact bytes of every body kind, a charter and a fork proof, made
//! from fixed seeds. A change to any wire format breaks these on purpose. To accept an
//! intended change, run with `COMMONS_BLESS_VECTORS=1` and review the diff.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

mod common;

use std::path::PathBuf;

use common::{hex, unhex};
use commons_protocol::fixtures::{sample_fork, sample_records, sample_sync_messages};
use commons_protocol::{
    Body, BodyKind, ForkProof, SignedCharter, SyncRequest, SyncResponse, validate_record,
};

fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(format!("{name}.hex"))
}

/// Checks `bytes` against the stored vector `name`, or writes it when blessing.
fn check_vector(name: &str, bytes: &[u8]) -> Vec<u8> {
    let path = vector_path(name);
    if std::env::var_os("COMMONS_BLESS_VECTORS").is_some() {
        std::fs::write(&path, format!("{}\n", hex(bytes))).expect("write vector");
    }
    let stored = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("missing vector {}: {error}", path.display()));
    let stored = unhex(&stored);
    assert_eq!(
        hex(&stored),
        hex(bytes),
        "vector {name} differs from the bytes produced now"
    );
    stored
}

#[test]
fn every_body_kind_matches_its_vector_and_decodes_back() {
    let (charter, records) = sample_records();
    let network = charter.charter().network_id();
    let kinds: Vec<BodyKind> = records.iter().map(|(kind, _)| *kind).collect();
    for kind in BodyKind::ALL {
        assert!(kinds.contains(&kind), "the fixtures have no {kind} record");
    }
    for (kind, record) in &records {
        let stored = check_vector(kind.name(), record.signed_bytes());
        let decoded = validate_record(&stored, &network).expect("a golden vector validates");
        assert_eq!(decoded.id(), record.id());
        assert_eq!(decoded.record(), record.record());
        assert_eq!(decoded.record().body.kind(), Some(*kind));
    }
}

#[test]
fn charter_matches_its_vector() {
    let (charter, _) = sample_records();
    let stored = check_vector("charter", &charter.encode());
    let decoded = SignedCharter::decode(&stored).expect("the golden charter decodes");
    assert_eq!(decoded, charter);
    assert!(decoded.complete().is_ok());
    assert_eq!(
        decoded.charter().network_id().to_string(),
        "net_".to_owned() + &hex(&sha256_of(&decoded.charter().encode())),
    );
}

#[test]
fn fork_proof_matches_its_vector() {
    let (charter, proof) = sample_fork();
    let stored = check_vector("fork-proof", &proof.encode());
    let decoded = ForkProof::decode(&stored, &charter.charter().network_id())
        .expect("the golden proof decodes");
    assert_eq!(decoded, proof);
    assert_eq!(decoded.seq(), 2);
}

#[test]
fn record_id_is_the_sha256_of_the_payload() {
    let (_, records) = sample_records();
    for (_, record) in records {
        assert_eq!(record.id().as_bytes(), &sha256_of(record.payload_bytes()));
    }
}

/// SHA-256 written out independently of the crate's own hashing path.
fn sha256_of(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

#[test]
fn sync_messages_match_their_vectors_and_decode_back() {
    for (name, bytes) in sample_sync_messages() {
        let stored = check_vector(name, &bytes);
        if name.ends_with("-request") || name.ends_with("-request-next") {
            let request = SyncRequest::decode(&stored).expect("a golden request decodes");
            assert_eq!(request.encode(), stored, "{name}");
        } else {
            let response = SyncResponse::decode(&stored).expect("a golden response decodes");
            assert_eq!(response.encode(), stored, "{name}");
        }
    }
}

#[test]
fn a_case_study_with_an_attachment_matches_its_vector() {
    let (charter, record) = commons_protocol::fixtures::sample_practice_with_attachment();
    let network = charter.charter().network_id();
    let stored = check_vector("practice-with-attachments", record.signed_bytes());
    let decoded = validate_record(&stored, &network).expect("the golden vector validates");
    assert_eq!(decoded.record(), record.record());
    assert_eq!(decoded.record().body.kind(), Some(BodyKind::Practice));
    assert_eq!(
        decoded.record().body.kind_code(),
        BodyKind::PRACTICE_WITH_ATTACHMENTS
    );
    assert_eq!(decoded.record().body.attachments().len(), 1);
}

#[test]
fn blob_messages_match_their_vectors() {
    use commons_protocol::blob::chunk_list_of;
    use commons_protocol::fixtures::{sample_attachment, sample_file};
    use commons_protocol::{BlobRequest, BlobResponse};

    let file = sample_file();
    let list = chunk_list_of(&file).unwrap();
    let blob = list.root();
    assert_eq!(blob, sample_attachment().blob);
    // The id, written out so an independent implementation can compare its own.
    let stored = check_vector("blob-id", blob.as_bytes());
    assert_eq!(stored, blob.as_bytes());

    let messages: Vec<(&str, Vec<u8>)> = vec![
        (
            "blob-chunk-list-request",
            BlobRequest::ChunkList { blob }.encode(),
        ),
        (
            "blob-chunk-request",
            BlobRequest::Chunk { blob, index: 1 }.encode(),
        ),
        (
            "blob-chunk-list-response",
            BlobResponse::ChunkList(list.clone()).encode(),
        ),
        ("blob-not-held-response", BlobResponse::NotHeld.encode()),
        ("blob-refused-response", BlobResponse::Refused.encode()),
    ];
    for (name, bytes) in messages {
        let stored = check_vector(name, &bytes);
        if name.ends_with("-request") {
            assert_eq!(BlobRequest::decode(&stored).unwrap().encode(), stored);
        } else {
            assert_eq!(BlobResponse::decode(&stored).unwrap().encode(), stored);
        }
    }
    // The second chunk as a response: its framing only, the bytes are the sample file's.
    let chunk = BlobResponse::Chunk(file[262_144..].to_vec()).encode();
    assert_eq!(&chunk[..4], &[1, 0xe0, 0xa7, 0x02]);
    list.verify_chunk(1, &file[262_144..]).unwrap();
}

#[test]
fn the_sample_group_records_content_matches_its_vector() {
    // The plaintext inside `group-record.hex` (docs/protocol.md §4.8): what a group
    // member's node reads once it has opened the epoch key.
    let (charter, records) = sample_records();
    let network = charter.charter().network_id();
    let find = |kind: BodyKind| {
        records
            .iter()
            .find(|(found, _)| *found == kind)
            .map(|(_, record)| record.clone())
            .unwrap()
    };
    let group = find(BodyKind::GroupFounding).id();
    let epoch = find(BodyKind::GroupKeys);
    let record = find(BodyKind::GroupRecord);
    let (Body::GroupKeys(keys), Body::GroupRecord(sealed)) =
        (&epoch.record().body, &record.record().body)
    else {
        panic!("the sample group records are of their kinds");
    };
    let sealing = commons_protocol::SealingKeypair::from_seed([0x50; 32]);
    let key =
        commons_protocol::open_epoch_key(&keys.sealed[0], &sealing, &network, &group).unwrap();
    let context = commons_protocol::ContentContext {
        network,
        group,
        epoch: epoch.id(),
        author: record.record().author,
    };
    let body = commons_protocol::decrypt_content(&key, sealed.nonce, &context, &sealed.ciphertext)
        .unwrap();
    let plaintext = commons_protocol::sealed_content_bytes(&body);
    let stored = check_vector("group-content", &plaintext);
    assert_eq!(
        commons_protocol::decode_sealed_content(&stored).unwrap(),
        body
    );
}
