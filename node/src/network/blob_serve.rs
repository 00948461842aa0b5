//! Serving attachments: the step where this node reads a file it holds to answer a
//! peer's `/commons/blob/1` request for its chunk list or one of its chunks. Only
//! files held whole are served (a fetch under way is never read from), and only to a
//! device allowed to read a live record that names the file: a member's device may
//! have any file; any other device (when the charter's open-read flag is set, as
//! [`Access::Reader`]) only a file some live `Public` record names; a stranger
//! (open-read unset) nothing. A file no live record names any more is served to
//! members only (its retraction deletes it on every node soon). These functions block
//! on the store and the disk: the event loop runs them on the blocking pool, at most
//! [`super::event_loop::MAX_BLOB_SERVING_PER_PEER`] at a time per peer.

use commons_protocol::{BlobId, BlobRequest, BlobResponse, Visibility};
use thiserror::Error;

use super::sync_serve::Access;
use crate::blobs::{BlobStore, BlobStoreError};
use crate::store::{Store, StoreError};

/// Why a request could not be answered (the peer is then answered nothing; its
/// request fails and it asks another peer).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BlobServeError {
    /// The store could not be read.
    #[error("cannot read the store to answer an attachment request: {0}")]
    Store(#[from] StoreError),
    /// The file could not be read.
    #[error("cannot read an attachment to serve it: {0}")]
    Blob(#[from] BlobStoreError),
}

/// Whether a device with `access` may have the bytes of `blob`: a member's device
/// always; a reader if a live `Public` record names the file; a stranger never.
pub fn may_read(store: &dyn Store, blob: &BlobId, access: Access) -> Result<bool, StoreError> {
    match access {
        Access::Member => Ok(true),
        Access::Stranger => Ok(false),
        Access::Reader => {
            for id in store.blob_references(blob)? {
                if let Some(stored) = store.record(&id)?
                    && stored.record.record().body.visibility() == Visibility::Public
                {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// Answers `request` from `blobs` for a device with `access`: `Refused` if it may not
/// read the file, `NotHeld` if this node does not hold the whole file (or the chunk
/// does not exist), else the chunk list or the chunk.
pub fn serve(
    store: &dyn Store,
    blobs: &BlobStore,
    request: &BlobRequest,
    access: Access,
) -> Result<BlobResponse, BlobServeError> {
    let blob = request.blob();
    if !may_read(store, &blob, access)? {
        return Ok(BlobResponse::Refused);
    }
    let answer = match request {
        BlobRequest::ChunkList { .. } => blobs.chunk_list(&blob)?.map(BlobResponse::ChunkList),
        BlobRequest::Chunk { index, .. } => {
            blobs.read_chunk(&blob, *index)?.map(BlobResponse::Chunk)
        }
    };
    Ok(answer.unwrap_or(BlobResponse::NotHeld))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::CHUNK_BYTES;
    use commons_protocol::blob::chunk_list_of;
    use commons_protocol::fixtures::{BASE_TIME_MS, SampleOrg, sample_charter, sample_practice};
    use commons_protocol::{Attachment, Body, Visibility};

    use super::*;
    use crate::blobs::ImportLimits;
    use crate::store::{CommitBatch, CommitStore, MemoryStore, NewRecord};

    const LIMITS: ImportLimits = ImportLimits {
        max_bytes: 8 * 1024 * 1024,
    };

    fn file(len: usize, seed: u8) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8 ^ seed).collect()
    }

    /// A store holding one case study per `(visibility, blob)`, by the first sample org.
    fn store_naming(files: &[(Visibility, BlobId)]) -> MemoryStore {
        let (charter, _) = sample_charter(3);
        let network = charter.charter().network_id();
        let org = SampleOrg::new(0);
        let mut writer = org.writer(network);
        let mut batch = CommitBatch::default();
        let delegation = writer
            .append(org.delegation(network), BASE_TIME_MS)
            .unwrap();
        batch.records.push(NewRecord {
            record: delegation,
            org: org.id(),
        });
        for (n, (visibility, blob)) in files.iter().enumerate() {
            let mut practice = sample_practice(*visibility);
            practice.attachments.push(Attachment {
                name: format!("survey-{n}.pdf"),
                media_type: "application/pdf".to_owned(),
                size: 1,
                blob: *blob,
            });
            let record = writer
                .append(Body::Practice(practice), BASE_TIME_MS + 1 + n as u64)
                .unwrap();
            batch.records.push(NewRecord {
                record,
                org: org.id(),
            });
        }
        let store = MemoryStore::new();
        store.commit(&batch).unwrap();
        store
    }

    #[test]
    fn members_get_any_file_readers_public_ones_strangers_none() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::open_with_reserve(dir.path().join("blobs"), 0).unwrap();
        let public = file(CHUNK_BYTES + 10, 1);
        let members = file(CHUNK_BYTES + 20, 2);
        let both = file(100, 3);
        let [public_id, members_id, both_id] =
            [&public, &members, &both].map(|bytes| blobs.import(&bytes[..], LIMITS).unwrap().blob);
        let store = store_naming(&[
            (Visibility::Public, public_id),
            (Visibility::Members, members_id),
            (Visibility::Members, both_id),
            (Visibility::Public, both_id),
        ]);
        let chunk = |blob, index| BlobRequest::Chunk { blob, index };
        let answer = |blob, access| serve(&store, &blobs, &chunk(blob, 1), access).unwrap();

        assert_eq!(
            answer(public_id, Access::Member),
            BlobResponse::Chunk(public[CHUNK_BYTES..].to_vec())
        );
        assert_eq!(
            answer(public_id, Access::Reader),
            BlobResponse::Chunk(public[CHUNK_BYTES..].to_vec())
        );
        assert_eq!(answer(public_id, Access::Stranger), BlobResponse::Refused);
        assert_eq!(
            answer(members_id, Access::Member),
            BlobResponse::Chunk(members[CHUNK_BYTES..].to_vec())
        );
        assert_eq!(answer(members_id, Access::Reader), BlobResponse::Refused);
        // Named by a members-only record and a public one: readers may have it.
        assert!(may_read(&store, &both_id, Access::Reader).unwrap());
        let list = serve(
            &store,
            &blobs,
            &BlobRequest::ChunkList { blob: public_id },
            Access::Reader,
        )
        .unwrap();
        assert_eq!(
            list,
            BlobResponse::ChunkList(chunk_list_of(&public).unwrap())
        );
    }

    #[test]
    fn a_file_not_held_whole_or_a_chunk_past_the_end_is_not_held() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::open_with_reserve(dir.path().join("blobs"), 0).unwrap();
        let bytes = file(CHUNK_BYTES * 2, 4);
        let list = chunk_list_of(&bytes).unwrap();
        let blob = list.root();
        let store = store_naming(&[(Visibility::Public, blob)]);
        // Being fetched: half of it written, still not served.
        let partial = blobs.begin_fetch(&blob, list).unwrap();
        partial.write_chunk(0, &bytes[..CHUNK_BYTES]).unwrap();
        for request in [
            BlobRequest::ChunkList { blob },
            BlobRequest::Chunk { blob, index: 0 },
        ] {
            assert_eq!(
                serve(&store, &blobs, &request, Access::Member).unwrap(),
                BlobResponse::NotHeld
            );
        }
        partial.write_chunk(1, &bytes[CHUNK_BYTES..]).unwrap();
        partial.finish().unwrap();
        let past = BlobRequest::Chunk { blob, index: 2 };
        assert_eq!(
            serve(&store, &blobs, &past, Access::Member).unwrap(),
            BlobResponse::NotHeld
        );
        // No live record names this one: readers are refused, members told it is not held.
        let unknown = chunk_list_of(&file(10, 5)).unwrap().root();
        let request = BlobRequest::ChunkList { blob: unknown };
        assert_eq!(
            serve(&store, &blobs, &request, Access::Reader).unwrap(),
            BlobResponse::Refused
        );
        assert_eq!(
            serve(&store, &blobs, &request, Access::Member).unwrap(),
            BlobResponse::NotHeld
        );
    }
}
