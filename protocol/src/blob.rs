//! Attachments' bytes: how a file a record references is named, cut into chunks,
//! checked chunk by chunk as it arrives from peers, and asked for on the wire
//! (`/commons/blob/1`). A record names a file by its [`BlobId`]; the bytes travel
//! outside the record, so every piece is checked against that id before it is kept.
//!
//! A file of `size` bytes (1 to [`MAX_BLOB_BYTES`]) is cut into chunks of
//! [`CHUNK_BYTES`], the last one shorter. Its [`ChunkList`] is the size and the SHA-256
//! of every chunk; its id is SHA-256 of `"commons/blob/v1"`, the size as 8 big-endian
//! bytes and the chunk hashes in order. A fetcher first gets the chunk list from any
//! peer and checks it against the id, then checks each chunk against its hash as it
//! comes: a wrong chunk is caught on its own, before the rest is asked for, and a fetch
//! that stopped resumes with the chunks it does not yet hold. The layout is specified
//! in `docs/protocol.md` §13.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::codec::{DecodeError, decode_canonical, encode};
use crate::id::BlobId;

/// The size of every chunk but the last.
pub const CHUNK_BYTES: usize = 256 * 1024;
/// The largest file the protocol can name (a node's own limit is lower; see its config).
pub const MAX_BLOB_BYTES: u64 = 1 << 30;
/// The most chunks a file can have.
pub const MAX_CHUNKS: usize = (MAX_BLOB_BYTES / CHUNK_BYTES as u64) as usize;
/// The largest `/commons/blob/1` request on the wire.
pub const MAX_BLOB_REQUEST_BYTES: usize = 64;
/// The largest `/commons/blob/1` response on the wire: a full chunk and its framing (a
/// chunk list of [`MAX_CHUNKS`] hashes is smaller).
pub const MAX_BLOB_RESPONSE_BYTES: usize = CHUNK_BYTES + 16;

const ROOT_DOMAIN: &[u8] = b"commons/blob/v1";

/// SHA-256 of one chunk.
pub type ChunkHash = [u8; 32];

/// Why a file, a chunk list or a chunk was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BlobError {
    /// An empty file: there is nothing to attach.
    #[error("the file is empty: attach a file with at least one byte")]
    Empty,
    /// A file over the protocol's limit.
    #[error("the file is {size} bytes, more than the {MAX_BLOB_BYTES}-byte limit of the protocol")]
    TooLarge {
        /// Its size.
        size: u64,
    },
    /// A chunk list with the wrong number of hashes for its size.
    #[error("the chunk list has {found} hashes, but a file of {size} bytes has {expected} chunks")]
    WrongChunkCount {
        /// The file size it claims.
        size: u64,
        /// The hashes it has.
        found: usize,
        /// The chunks a file of that size has.
        expected: usize,
    },
    /// A chunk list whose root is not the id asked for.
    #[error("the chunk list does not hash to {expected}: the peer sent another file's list")]
    WrongRoot {
        /// The id asked for.
        expected: BlobId,
    },
    /// A chunk index past the end of the file.
    #[error("chunk {index} does not exist: the file has {count} chunks")]
    NoSuchChunk {
        /// The index asked for.
        index: u32,
        /// How many the file has.
        count: usize,
    },
    /// A chunk of the wrong length.
    #[error("chunk {index} is {found} bytes, but should be {expected}")]
    WrongChunkLength {
        /// Its index.
        index: u32,
        /// Its length.
        found: usize,
        /// The length the chunk list implies.
        expected: usize,
    },
    /// A chunk whose bytes do not hash to the list's entry.
    #[error("chunk {index} does not match its hash in the chunk list: the peer sent wrong bytes")]
    WrongChunk {
        /// Its index.
        index: u32,
    },
    /// The bytes are not a canonical encoding.
    #[error("the message is malformed: {0}")]
    Decode(DecodeError),
    /// A message over its size limit, refused before decoding.
    #[error("the message is {len} bytes, more than the {max}-byte limit")]
    MessageTooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
}

/// How many chunks a file of `size` bytes has.
pub fn chunk_count(size: u64) -> usize {
    usize::try_from(size.div_ceil(CHUNK_BYTES as u64)).unwrap_or(usize::MAX)
}

/// The byte range of chunk `index` in a file of `size` bytes, if it exists.
pub fn chunk_range(size: u64, index: u32) -> Option<core::ops::Range<u64>> {
    let start = u64::from(index).checked_mul(CHUNK_BYTES as u64)?;
    if start >= size {
        return None;
    }
    Some(start..size.min(start + CHUNK_BYTES as u64))
}

fn check_size(size: u64) -> Result<(), BlobError> {
    if size == 0 {
        return Err(BlobError::Empty);
    }
    if size > MAX_BLOB_BYTES {
        return Err(BlobError::TooLarge { size });
    }
    Ok(())
}

/// A file's size and the hash of each of its chunks: what a fetcher checks chunks
/// against, itself checked against the file's [`BlobId`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkList {
    /// The file's size in bytes.
    pub size: u64,
    /// SHA-256 of each chunk, in order.
    pub hashes: Vec<ChunkHash>,
}

impl ChunkList {
    /// The id this list names: SHA-256 of the domain, the size (big-endian) and the
    /// chunk hashes.
    pub fn root(&self) -> BlobId {
        let mut hasher = Sha256::new();
        hasher.update(ROOT_DOMAIN);
        hasher.update(self.size.to_be_bytes());
        for hash in &self.hashes {
            hasher.update(hash);
        }
        BlobId::from_bytes(hasher.finalize().into())
    }

    /// Checks that this is the chunk list of `blob`: a size the protocol allows, one
    /// hash per chunk, and the right root.
    pub fn check(&self, blob: &BlobId) -> Result<(), BlobError> {
        check_size(self.size)?;
        let expected = chunk_count(self.size);
        if self.hashes.len() != expected {
            return Err(BlobError::WrongChunkCount {
                size: self.size,
                found: self.hashes.len(),
                expected,
            });
        }
        if self.root() != *blob {
            return Err(BlobError::WrongRoot { expected: *blob });
        }
        Ok(())
    }

    /// How many chunks the file has.
    pub fn chunks(&self) -> usize {
        self.hashes.len()
    }

    /// The byte range of chunk `index`.
    pub fn range(&self, index: u32) -> Result<core::ops::Range<u64>, BlobError> {
        chunk_range(self.size, index).ok_or(BlobError::NoSuchChunk {
            index,
            count: self.hashes.len(),
        })
    }

    /// Checks chunk `index`'s bytes against the list, before they are kept.
    pub fn verify_chunk(&self, index: u32, bytes: &[u8]) -> Result<(), BlobError> {
        let range = self.range(index)?;
        let expected = usize::try_from(range.end - range.start).unwrap_or(usize::MAX);
        if bytes.len() != expected {
            return Err(BlobError::WrongChunkLength {
                index,
                found: bytes.len(),
                expected,
            });
        }
        let hash: ChunkHash = Sha256::digest(bytes).into();
        let listed = usize::try_from(index)
            .ok()
            .and_then(|i| self.hashes.get(i))
            .ok_or(BlobError::NoSuchChunk {
                index,
                count: self.hashes.len(),
            })?;
        if hash != *listed {
            return Err(BlobError::WrongChunk { index });
        }
        Ok(())
    }
}

/// Hashes a file as it is read, one buffer at a time, into its [`ChunkList`].
#[derive(Debug, Clone, Default)]
pub struct BlobHasher {
    size: u64,
    hashes: Vec<ChunkHash>,
    chunk: Sha256,
    in_chunk: usize,
}

impl BlobHasher {
    /// A hasher that has seen no bytes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next bytes of the file.
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.size = self.size.saturating_add(bytes.len() as u64);
        while !bytes.is_empty() {
            let take = (CHUNK_BYTES - self.in_chunk).min(bytes.len());
            self.chunk.update(&bytes[..take]);
            self.in_chunk += take;
            bytes = &bytes[take..];
            if self.in_chunk == CHUNK_BYTES {
                let full = core::mem::take(&mut self.chunk);
                self.hashes.push(full.finalize().into());
                self.in_chunk = 0;
            }
        }
    }

    /// The bytes seen so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The file's chunk list; refused if the file is empty or over the protocol's limit.
    pub fn finish(mut self) -> Result<ChunkList, BlobError> {
        check_size(self.size)?;
        if self.in_chunk > 0 {
            self.hashes.push(self.chunk.finalize().into());
        }
        Ok(ChunkList {
            size: self.size,
            hashes: self.hashes,
        })
    }
}

/// The chunk list of a file held in memory.
pub fn chunk_list_of(bytes: &[u8]) -> Result<ChunkList, BlobError> {
    let mut hasher = BlobHasher::new();
    hasher.update(bytes);
    hasher.finish()
}

/// A request on `/commons/blob/1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlobRequest {
    /// "Send me the chunk list of this file."
    ChunkList {
        /// The file.
        blob: BlobId,
    },
    /// "Send me this chunk of this file."
    Chunk {
        /// The file.
        blob: BlobId,
        /// The chunk, from 0.
        index: u32,
    },
}

impl BlobRequest {
    /// The request's bytes.
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    /// Decodes a request, refusing anything over [`MAX_BLOB_REQUEST_BYTES`] unread.
    pub fn decode(bytes: &[u8]) -> Result<Self, BlobError> {
        if bytes.len() > MAX_BLOB_REQUEST_BYTES {
            return Err(BlobError::MessageTooLarge {
                len: bytes.len(),
                max: MAX_BLOB_REQUEST_BYTES,
            });
        }
        decode_canonical(bytes).map_err(BlobError::Decode)
    }

    /// The file asked about.
    pub fn blob(&self) -> BlobId {
        match self {
            BlobRequest::ChunkList { blob } | BlobRequest::Chunk { blob, .. } => *blob,
        }
    }
}

/// An answer on `/commons/blob/1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobResponse {
    /// The file's chunk list.
    ChunkList(ChunkList),
    /// The chunk's bytes.
    Chunk(Vec<u8>),
    /// This peer does not hold the whole file.
    NotHeld,
    /// This peer holds it but will not serve it to the asker (a members-only
    /// attachment asked for by a device that is not a member's).
    Refused,
}

/// The response as laid out on the wire: a chunk travels as one length-prefixed byte
/// string, borrowed when decoding rather than copied one element at a time.
#[derive(Serialize, Deserialize)]
enum BlobResponseWire<'a> {
    ChunkList(ChunkList),
    Chunk(#[serde(borrow, with = "crate::codec::byte_slice")] &'a [u8]),
    NotHeld,
    Refused,
}

impl BlobResponse {
    /// The response's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let wire = match self {
            BlobResponse::ChunkList(list) => BlobResponseWire::ChunkList(list.clone()),
            BlobResponse::Chunk(bytes) => BlobResponseWire::Chunk(bytes),
            BlobResponse::NotHeld => BlobResponseWire::NotHeld,
            BlobResponse::Refused => BlobResponseWire::Refused,
        };
        encode(&wire)
    }

    /// Decodes a response, refusing anything over [`MAX_BLOB_RESPONSE_BYTES`] unread
    /// and any chunk list longer than a file the protocol allows.
    pub fn decode(bytes: &[u8]) -> Result<Self, BlobError> {
        if bytes.len() > MAX_BLOB_RESPONSE_BYTES {
            return Err(BlobError::MessageTooLarge {
                len: bytes.len(),
                max: MAX_BLOB_RESPONSE_BYTES,
            });
        }
        let wire: BlobResponseWire<'_> = decode_canonical(bytes).map_err(BlobError::Decode)?;
        Ok(match wire {
            BlobResponseWire::ChunkList(list) => {
                if list.hashes.len() > MAX_CHUNKS {
                    return Err(BlobError::WrongChunkCount {
                        size: list.size,
                        found: list.hashes.len(),
                        expected: chunk_count(list.size).min(MAX_CHUNKS),
                    });
                }
                BlobResponse::ChunkList(list)
            }
            BlobResponseWire::Chunk(bytes) => {
                if bytes.len() > CHUNK_BYTES {
                    return Err(BlobError::MessageTooLarge {
                        len: bytes.len(),
                        max: CHUNK_BYTES,
                    });
                }
                BlobResponse::Chunk(bytes.to_vec())
            }
            BlobResponseWire::NotHeld => BlobResponse::NotHeld,
            BlobResponseWire::Refused => BlobResponse::Refused,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn chunks_cover_the_file_exactly() {
        assert_eq!(chunk_count(1), 1);
        assert_eq!(chunk_count(CHUNK_BYTES as u64), 1);
        assert_eq!(chunk_count(CHUNK_BYTES as u64 + 1), 2);
        assert_eq!(
            chunk_range(CHUNK_BYTES as u64 + 1, 1),
            Some(262_144..262_145)
        );
        assert_eq!(chunk_range(CHUNK_BYTES as u64, 1), None);
        assert_eq!(chunk_range(10, u32::MAX), None);
    }

    #[test]
    fn streaming_and_whole_hashing_agree() {
        let bytes = file(CHUNK_BYTES * 2 + 1000);
        let whole = chunk_list_of(&bytes).unwrap();
        let mut hasher = BlobHasher::new();
        for piece in bytes.chunks(7001) {
            hasher.update(piece);
        }
        assert_eq!(hasher.finish().unwrap(), whole);
        assert_eq!(whole.chunks(), 3);
        whole.check(&whole.root()).unwrap();
    }

    #[test]
    fn a_wrong_chunk_is_caught_on_its_own() {
        let bytes = file(CHUNK_BYTES + 10);
        let list = chunk_list_of(&bytes).unwrap();
        list.verify_chunk(0, &bytes[..CHUNK_BYTES]).unwrap();
        list.verify_chunk(1, &bytes[CHUNK_BYTES..]).unwrap();
        let mut bad = bytes[CHUNK_BYTES..].to_vec();
        bad[3] ^= 1;
        assert_eq!(
            list.verify_chunk(1, &bad),
            Err(BlobError::WrongChunk { index: 1 })
        );
        assert!(matches!(
            list.verify_chunk(1, &bytes[CHUNK_BYTES + 1..]),
            Err(BlobError::WrongChunkLength { .. })
        ));
        assert!(matches!(
            list.verify_chunk(2, &[]),
            Err(BlobError::NoSuchChunk { .. })
        ));
    }

    #[test]
    fn a_list_is_checked_against_its_id() {
        let list = chunk_list_of(&file(1000)).unwrap();
        let mut longer = list.clone();
        longer.size += 1;
        assert!(matches!(
            longer.check(&list.root()),
            Err(BlobError::WrongRoot { .. })
        ));
        let mut extra = list.clone();
        extra.hashes.push([0; 32]);
        assert!(matches!(
            extra.check(&extra.root()),
            Err(BlobError::WrongChunkCount { .. })
        ));
        assert_eq!(BlobHasher::new().finish(), Err(BlobError::Empty));
    }

    #[test]
    fn messages_round_trip_and_refuse_oversize() {
        let list = chunk_list_of(&file(CHUNK_BYTES * 3)).unwrap();
        let blob = list.root();
        for request in [
            BlobRequest::ChunkList { blob },
            BlobRequest::Chunk { blob, index: 2 },
        ] {
            assert_eq!(BlobRequest::decode(&request.encode()), Ok(request));
        }
        for response in [
            BlobResponse::ChunkList(list),
            BlobResponse::Chunk(file(CHUNK_BYTES)),
            BlobResponse::NotHeld,
            BlobResponse::Refused,
        ] {
            assert_eq!(BlobResponse::decode(&response.encode()), Ok(response));
        }
        assert!(matches!(
            BlobResponse::decode(&BlobResponse::Chunk(file(CHUNK_BYTES + 1)).encode()),
            Err(BlobError::MessageTooLarge { .. })
        ));
        assert!(matches!(
            BlobRequest::decode(&[0; 65]),
            Err(BlobError::MessageTooLarge { .. })
        ));
    }
}
