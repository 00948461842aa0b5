//! The heads file: what a site holds, written to a file a person carries (on a USB
//! stick) to a site it has no network to, so that the other site can export only the
//! records this one lacks (docs/protocol.md §17). It lists, for each feed the site
//! holds, the head it holds ([`FeedSummary`]), for one network. The records that come
//! back still take the receiving node's one ingest path.
//!
//! Layout: the 16 bytes of [`HEADS_FILE_MAGIC`], then the canonical encoding of
//! [`HeadsFile`]. The file is checked whole before anything in it is used: its size
//! ([`MAX_HEADS_FILE_BYTES`]), the magic, the version, the network, the feed count
//! ([`MAX_HEADS_FILE_FEEDS`]), feeds in strictly ascending order of author, and each
//! head's own consistency (a contiguous head never above the highest seq).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codec::{DecodeError, decode_canonical, encode};
use crate::id::NetworkId;
use crate::keys::DeviceKey;
use crate::sync::FeedSummary;

/// The first bytes of every heads file: says what it is to a person who opens it, and
/// lets a wrong file be named as such rather than as a decoding error.
pub const HEADS_FILE_MAGIC: &[u8; 16] = b"commons heads\n\0\0";
/// The version this module writes and reads.
pub const HEADS_FILE_VERSION: u8 = 1;
/// The most feeds one heads file lists.
pub const MAX_HEADS_FILE_FEEDS: usize = 1 << 20;
/// The largest heads file read, in bytes: the most feeds at their largest encoding
/// (32 + 10 + 10 + 1 bytes each), with room for the header.
pub const MAX_HEADS_FILE_BYTES: usize = MAX_HEADS_FILE_FEEDS * 53 + 1024;

/// What a site holds of one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadsFile {
    /// [`HEADS_FILE_VERSION`].
    pub version: u8,
    /// The network the heads are of.
    pub network: NetworkId,
    /// When the site wrote the file, in ms since the Unix epoch (its clock: shown to
    /// people, never used to decide anything).
    pub written_ms: u64,
    /// Each feed the site holds, in strictly ascending order of author.
    pub feeds: Vec<FeedSummary>,
}

/// Why a heads file was refused.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeadsFileError {
    /// Larger than any heads file can be.
    #[error("{len} bytes is larger than a heads file can be ({max} bytes)")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// It does not start as a heads file does.
    #[error(
        "this is not a heads file (they start with \"commons heads\"): write one with \
         `commons sync heads --out FILE` at the site that will receive the records"
    )]
    NotAHeadsFile,
    /// A version this build does not read.
    #[error("heads file version {0} is not one this build reads (it reads version 1)")]
    Version(u8),
    /// The bytes after the magic are not a heads file's encoding.
    #[error("the heads file is damaged: {0}")]
    Decode(DecodeError),
    /// It lists the heads of another network.
    #[error("the heads file is of network {found}, not of this node's network {expected}")]
    OtherNetwork {
        /// This node's network.
        expected: NetworkId,
        /// The file's.
        found: NetworkId,
    },
    /// More feeds than a heads file may list.
    #[error("the heads file lists {count} feeds, more than {MAX_HEADS_FILE_FEEDS}")]
    TooManyFeeds {
        /// How many.
        count: usize,
    },
    /// Feeds out of order, or one listed twice.
    #[error("the heads file's feeds are not in strictly ascending order of author")]
    NotSorted,
    /// A head whose contiguous seq is above its highest seq.
    #[error(
        "the heads file says feed {author} is held whole up to {contiguous}, above its highest seq {max_seq}"
    )]
    BadHead {
        /// The feed.
        author: DeviceKey,
        /// Its contiguous head.
        contiguous: u64,
        /// Its highest seq.
        max_seq: u64,
    },
}

impl HeadsFile {
    /// A heads file of `network`'s `feeds` (sorted here), written at `written_ms`.
    pub fn new(network: NetworkId, written_ms: u64, mut feeds: Vec<FeedSummary>) -> Self {
        feeds.sort_by_key(|feed| feed.author);
        feeds.dedup_by_key(|feed| feed.author);
        HeadsFile {
            version: HEADS_FILE_VERSION,
            network,
            written_ms,
            feeds,
        }
    }

    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = HEADS_FILE_MAGIC.to_vec();
        bytes.extend_from_slice(&encode(self));
        bytes
    }

    /// Reads a heads file of `network`, refusing anything but a whole, canonical and
    /// consistent one.
    pub fn decode(bytes: &[u8], network: &NetworkId) -> Result<Self, HeadsFileError> {
        if bytes.len() > MAX_HEADS_FILE_BYTES {
            return Err(HeadsFileError::TooLarge {
                len: bytes.len(),
                max: MAX_HEADS_FILE_BYTES,
            });
        }
        let body = bytes
            .strip_prefix(HEADS_FILE_MAGIC.as_slice())
            .ok_or(HeadsFileError::NotAHeadsFile)?;
        // The version is the first byte of the encoding: read it first, so a later
        // version is named as such, not as damage.
        match body.first() {
            Some(&HEADS_FILE_VERSION) => {}
            Some(&other) => return Err(HeadsFileError::Version(other)),
            None => return Err(HeadsFileError::Decode(DecodeError::UnexpectedEnd)),
        }
        let file: HeadsFile = decode_canonical(body).map_err(HeadsFileError::Decode)?;
        if file.network != *network {
            return Err(HeadsFileError::OtherNetwork {
                expected: *network,
                found: file.network,
            });
        }
        if file.feeds.len() > MAX_HEADS_FILE_FEEDS {
            return Err(HeadsFileError::TooManyFeeds {
                count: file.feeds.len(),
            });
        }
        if !file
            .feeds
            .windows(2)
            .all(|pair| pair[0].author < pair[1].author)
        {
            return Err(HeadsFileError::NotSorted);
        }
        if let Some(feed) = file
            .feeds
            .iter()
            .find(|feed| feed.contiguous > feed.max_seq)
        {
            return Err(HeadsFileError::BadHead {
                author: feed.author,
                contiguous: feed.contiguous,
                max_seq: feed.max_seq,
            });
        }
        Ok(file)
    }

    /// The head the site holds of `author`'s feed, if it holds any of it.
    pub fn head(&self, author: &DeviceKey) -> Option<&FeedSummary> {
        self.feeds
            .binary_search_by_key(author, |feed| feed.author)
            .ok()
            .map(|index| &self.feeds[index])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;
    use crate::keys::DeviceKeypair;
    use crate::text::hex;

    fn network() -> NetworkId {
        NetworkId([9; 32])
    }

    fn feed(seed: u8, contiguous: u64, max_seq: u64) -> FeedSummary {
        FeedSummary {
            author: DeviceKeypair::from_seed([seed; 32]).public(),
            contiguous,
            max_seq,
            frozen: false,
        }
    }

    fn sample() -> HeadsFile {
        let mut frozen = feed(2, 3, 5);
        frozen.frozen = true;
        HeadsFile::new(network(), 1_700_000_000_000, vec![feed(1, 12, 12), frozen])
    }

    #[test]
    fn the_golden_vector_is_stable() {
        let bytes = sample().encode();
        assert_eq!(
            hex(&bytes),
            concat!(
                "636f6d6d6f6e732068656164730a0000", // the magic
                "01",                               // version
                "0909090909090909090909090909090909090909090909090909090909090909",
                "80d095ffbc31", // written_ms, a varint
                "02",           // two feeds, ascending by author (seed 2's key first)
                "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394",
                "030501", // contiguous 3, max_seq 5, frozen
                "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c",
                "0c0c00", // 12, 12, not frozen
            ),
            "the heads file's bytes changed: a file written by an earlier build would not \
             read; bump HEADS_FILE_VERSION instead"
        );
        assert_eq!(HeadsFile::decode(&bytes, &network()).unwrap(), sample());
    }

    #[test]
    fn a_wrong_damaged_or_inconsistent_file_is_refused_with_its_reason() {
        let bytes = sample().encode();
        assert_eq!(
            HeadsFile::decode(b"org = \"org_x\"\n", &network()),
            Err(HeadsFileError::NotAHeadsFile)
        );
        let mut later = bytes.clone();
        later[HEADS_FILE_MAGIC.len()] = 2;
        assert_eq!(
            HeadsFile::decode(&later, &network()),
            Err(HeadsFileError::Version(2))
        );
        assert!(matches!(
            HeadsFile::decode(&bytes[..bytes.len() - 1], &network()),
            Err(HeadsFileError::Decode(_))
        ));
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(matches!(
            HeadsFile::decode(&trailing, &network()),
            Err(HeadsFileError::Decode(DecodeError::TrailingBytes {
                count: 1
            }))
        ));
        assert!(matches!(
            HeadsFile::decode(&bytes, &NetworkId([8; 32])),
            Err(HeadsFileError::OtherNetwork { .. })
        ));
        let mut unsorted = sample();
        unsorted.feeds.reverse();
        assert_eq!(
            HeadsFile::decode(&unsorted.encode(), &network()),
            Err(HeadsFileError::NotSorted)
        );
        let mut twice = sample();
        twice.feeds.push(twice.feeds[1]);
        assert_eq!(
            HeadsFile::decode(&twice.encode(), &network()),
            Err(HeadsFileError::NotSorted)
        );
        let mut bad = sample();
        bad.feeds[0].contiguous = bad.feeds[0].max_seq + 1;
        assert!(matches!(
            HeadsFile::decode(&bad.encode(), &network()),
            Err(HeadsFileError::BadHead { .. })
        ));
        assert!(matches!(
            HeadsFile::decode(&vec![0; MAX_HEADS_FILE_BYTES + 1], &network()),
            Err(HeadsFileError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_feed_is_looked_up_by_author() {
        let file = sample();
        let author = DeviceKeypair::from_seed([2; 32]).public();
        assert_eq!(file.head(&author).map(|feed| feed.contiguous), Some(3));
        let stranger = DeviceKeypair::from_seed([3; 32]).public();
        assert_eq!(file.head(&stranger), None);
    }

    proptest! {
        #[test]
        fn any_bytes_are_refused_or_read_back_the_same(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut input = HEADS_FILE_MAGIC.to_vec();
            input.extend_from_slice(&bytes);
            if let Ok(file) = HeadsFile::decode(&input, &network()) {
                prop_assert_eq!(file.encode(), input);
            }
            let _ = HeadsFile::decode(&bytes, &network());
        }

        #[test]
        fn every_file_written_reads_back(
            heads in proptest::collection::vec((any::<u8>(), 0u64..1_000_000, 0u64..1000, any::<bool>()), 0..40),
            written_ms in any::<u64>(),
        ) {
            let feeds = heads
                .into_iter()
                .map(|(seed, contiguous, above, frozen)| FeedSummary {
                    author: DeviceKeypair::from_seed([seed; 32]).public(),
                    contiguous,
                    max_seq: contiguous + above,
                    frozen,
                })
                .collect();
            let file = HeadsFile::new(network(), written_ms, feeds);
            prop_assert_eq!(HeadsFile::decode(&file.encode(), &network()).unwrap(), file);
        }
    }
}
