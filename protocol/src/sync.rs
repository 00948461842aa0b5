//! The sync protocol's messages (`/commons/sync/1`): how a node asks a peer which feeds
//! it holds and pulls the records it is missing, the catch-up path beside gossip. This
//! module only encodes and decodes; each record pulled still takes the node's one
//! ingest path, where it is checked on its own signature like any other.
//!
//! Every message has a hard size cap checked before decoding, every list a count cap,
//! and decoding is canonical (docs/protocol.md §1.3), so a peer can neither make a node
//! allocate on its word nor send two encodings of one message.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codec::{DecodeError, decode_canonical, encode};
use crate::fork::MAX_FORK_PROOF_BYTES;
use crate::keys::DeviceKey;
use crate::record::MAX_SIGNED_RECORD_BYTES;

/// The protocol name, as negotiated by libp2p.
pub const SYNC_PROTOCOL: &str = "/commons/sync/1";
/// The largest request: room for a hello's delegation.
pub const MAX_SYNC_REQUEST_BYTES: usize = 4 * 1024;
/// The largest delegation a hello carries. A delegation is a few hundred bytes; its
/// device label is the only part of variable length.
pub const MAX_HELLO_DELEGATION_BYTES: usize = 2 * 1024;
/// The largest response: a page of records, and room for its framing.
pub const MAX_SYNC_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The most feeds one heads answer lists.
pub const MAX_HEADS_PER_RESPONSE: usize = 16 * 1024;
/// The most records one page holds.
pub const MAX_RECORDS_PER_PAGE: u32 = 1024;
/// The most bytes of records one page holds (the records' own bytes).
pub const MAX_PAGE_BYTES: u32 = 2 * 1024 * 1024;
/// The most fork proofs one answer holds.
pub const MAX_FORK_PROOFS_PER_RESPONSE: usize = 256;
/// The most feeds one announcement names: 64 summaries of at most 53 bytes each fit
/// in a request.
pub const MAX_ANNOUNCED_FEEDS: usize = 64;
/// Bytes of the length prefix of a frame on a sync stream.
pub const FRAME_PREFIX_BYTES: usize = 4;

/// Where one feed stands at a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSummary {
    /// The feed's device.
    pub author: DeviceKey,
    /// Every seq from 1 to this one is held.
    pub contiguous: u64,
    /// The highest seq held.
    pub max_seq: u64,
    /// Whether a fork proof froze it.
    pub frozen: bool,
}

/// What a node asks a peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncRequest {
    /// The feeds the peer holds, in ascending order of author, starting after `after`
    /// (for the next page).
    Heads {
        /// The last author of the previous page.
        after: Option<DeviceKey>,
    },
    /// The records of one feed from `from_seq` to `to_seq` (inclusive), at most
    /// `max_records` of them and `max_bytes` of their bytes.
    Range {
        /// The feed.
        author: DeviceKey,
        /// The first seq wanted.
        from_seq: u64,
        /// The last seq wanted.
        to_seq: u64,
        /// At most this many records (capped at [`MAX_RECORDS_PER_PAGE`]).
        max_records: u32,
        /// At most this many bytes of records (capped at [`MAX_PAGE_BYTES`]).
        max_bytes: u32,
    },
    /// Every fork proof the peer holds.
    ForkProofs,
    /// The first request on a connection: the asking device introduces itself with the
    /// delegation that opens its feed, so the peer can tell from its roster whether the
    /// asker is a member's device before it answers anything else.
    Hello {
        /// The asking device's delegation record (seq 1 of its feed), signed bytes.
        delegation: Vec<u8>,
    },
    /// Where some feeds stand at the asking node, pushed because they have just moved
    /// there (this node published, or pulled records a peer may lack): the peer pulls
    /// what it is missing by `Range`, as after a heads answer, instead of waiting for
    /// its next sync round. Answered like `Heads`, with the peer's own summaries of the
    /// same feeds (those it holds), so either side can pull from the other.
    Announce {
        /// The feeds, in strictly ascending order of author, at most
        /// [`MAX_ANNOUNCED_FEEDS`].
        feeds: Vec<FeedSummary>,
    },
}

/// Why a peer did not answer a request with data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The asking device is not on the roster, and the charter keeps records among
    /// members (or the asked feed holds no public records).
    NotAMember,
    /// The request breaks a rule of this protocol (a range ending before it starts).
    BadRequest,
    /// The peer is overloaded: ask again later.
    Busy,
}

/// What a peer answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncResponse {
    /// Feeds held, in ascending order of author; `more` if another page follows.
    Heads {
        /// The feeds.
        feeds: Vec<FeedSummary>,
        /// Whether to ask again after the last one.
        more: bool,
    },
    /// Signed records of the asked feed, in ascending seq, each exactly as stored;
    /// retracted records are left out, so seqs may skip. `more` if the range holds more
    /// than the page did.
    Records {
        /// Signed record bytes.
        records: Vec<Vec<u8>>,
        /// Whether the range continues after the last record.
        more: bool,
    },
    /// Encoded fork proofs.
    ForkProofs {
        /// The proofs.
        proofs: Vec<Vec<u8>>,
    },
    /// No data, and why.
    Refused(Refusal),
    /// The answer to a hello: the answering device's own delegation, and whether the
    /// asker is admitted as a member's device (if not, it may read `Public` records
    /// when the charter allows, and nothing else).
    Hello {
        /// The answering device's delegation record, signed bytes.
        delegation: Vec<u8>,
        /// Whether the asker's device is on the answerer's roster as a member's.
        admitted: bool,
    },
}

/// Why sync bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SyncError {
    /// More bytes than the message may have.
    #[error("the sync message is {len} bytes, more than the {max}-byte limit")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The bytes are not a canonical message.
    #[error("the sync message is malformed: {0}")]
    Decode(DecodeError),
    /// A range that ends before it starts, or starts at seq 0.
    #[error("the range {from_seq}..={to_seq} is empty or starts at seq 0")]
    BadRange {
        /// The first seq.
        from_seq: u64,
        /// The last seq.
        to_seq: u64,
    },
    /// A list longer than its cap.
    #[error("the message lists {count} {what}, more than the {max} allowed")]
    TooMany {
        /// What is listed.
        what: &'static str,
        /// How many.
        count: usize,
        /// The cap.
        max: usize,
    },
    /// An item larger than any valid one.
    #[error("the message holds a {what} of {len} bytes, more than the {max} any can have")]
    ItemTooLarge {
        /// What it is.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Heads out of order or repeated.
    #[error("the feeds must be listed once each, in ascending order of author")]
    HeadsNotSorted,
    /// A frame's length prefix claims more than the message may have.
    #[error("a sync frame of {len} bytes is over the {max}-byte limit")]
    FrameTooLarge {
        /// The length the prefix claims.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// The bytes end inside a frame.
    #[error("the sync stream ends inside a frame ({missing} bytes missing)")]
    FrameTruncated {
        /// How many more bytes the frame needs (its prefix's, or its body's).
        missing: usize,
    },
}

/// The length of the message a frame's prefix announces (4 bytes, big-endian), refused
/// if it is over `max`: read the prefix, call this, and only then allocate.
pub fn frame_len(prefix: [u8; FRAME_PREFIX_BYTES], max: usize) -> Result<usize, SyncError> {
    let len = u32::from_be_bytes(prefix);
    match usize::try_from(len) {
        Ok(len) if len <= max => Ok(len),
        _ => Err(SyncError::FrameTooLarge {
            len: u64::from(len),
            max,
        }),
    }
}

/// Splits the first frame off `bytes`: its message, and what follows it. The frame's
/// length is checked against `max` before anything else; nothing is copied.
pub fn split_frame(bytes: &[u8], max: usize) -> Result<(&[u8], &[u8]), SyncError> {
    let Some((prefix, rest)) = bytes.split_first_chunk::<FRAME_PREFIX_BYTES>() else {
        return Err(SyncError::FrameTruncated {
            missing: FRAME_PREFIX_BYTES - bytes.len(),
        });
    };
    let len = frame_len(*prefix, max)?;
    if rest.len() < len {
        return Err(SyncError::FrameTruncated {
            missing: len - rest.len(),
        });
    }
    Ok(rest.split_at(len))
}

/// `message` as one frame: its length (4 bytes, big-endian), then its bytes; `None` if
/// it is over `max` (the peer would refuse it).
pub fn frame(message: &[u8], max: usize) -> Option<Vec<u8>> {
    let len = u32::try_from(message.len())
        .ok()
        .filter(|_| message.len() <= max)?;
    let mut out = Vec::with_capacity(FRAME_PREFIX_BYTES + message.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(message);
    Some(out)
}

fn check_len(bytes: &[u8], max: usize) -> Result<(), SyncError> {
    if bytes.len() > max {
        Err(SyncError::TooLarge {
            len: bytes.len(),
            max,
        })
    } else {
        Ok(())
    }
}

fn check_items(
    what: &'static str,
    items: &[Vec<u8>],
    max_count: usize,
    max_len: usize,
) -> Result<(), SyncError> {
    if items.len() > max_count {
        return Err(SyncError::TooMany {
            what,
            count: items.len(),
            max: max_count,
        });
    }
    match items.iter().find(|item| item.len() > max_len) {
        Some(item) => Err(SyncError::ItemTooLarge {
            what,
            len: item.len(),
            max: max_len,
        }),
        None => Ok(()),
    }
}

fn check_hello(delegation: &[u8]) -> Result<(), SyncError> {
    if delegation.len() > MAX_HELLO_DELEGATION_BYTES {
        return Err(SyncError::ItemTooLarge {
            what: "delegation",
            len: delegation.len(),
            max: MAX_HELLO_DELEGATION_BYTES,
        });
    }
    Ok(())
}

/// A list of feed summaries: at most `max`, each author once, in ascending order.
fn check_feeds(feeds: &[FeedSummary], max: usize) -> Result<(), SyncError> {
    if feeds.len() > max {
        return Err(SyncError::TooMany {
            what: "feeds",
            count: feeds.len(),
            max,
        });
    }
    if !feeds.windows(2).all(|pair| pair[0].author < pair[1].author) {
        return Err(SyncError::HeadsNotSorted);
    }
    Ok(())
}

impl SyncRequest {
    /// The request's bytes.
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    /// Decodes a request, refusing anything over [`MAX_SYNC_REQUEST_BYTES`], any
    /// non-canonical encoding and any empty range. Caps the page sizes it asks for.
    pub fn decode(bytes: &[u8]) -> Result<Self, SyncError> {
        check_len(bytes, MAX_SYNC_REQUEST_BYTES)?;
        let request: SyncRequest = decode_canonical(bytes).map_err(SyncError::Decode)?;
        if let SyncRequest::Range {
            from_seq, to_seq, ..
        } = request
            && (from_seq == 0 || to_seq < from_seq)
        {
            return Err(SyncError::BadRange { from_seq, to_seq });
        }
        if let SyncRequest::Hello { delegation } = &request {
            check_hello(delegation)?;
        }
        if let SyncRequest::Announce { feeds } = &request {
            check_feeds(feeds, MAX_ANNOUNCED_FEEDS)?;
        }
        Ok(request)
    }

    /// For a range: how many records and bytes the answer may hold, within the caps.
    pub fn page_limits(&self) -> Option<(u32, u32)> {
        match self {
            SyncRequest::Range {
                max_records,
                max_bytes,
                ..
            } => Some((
                (*max_records).clamp(1, MAX_RECORDS_PER_PAGE),
                (*max_bytes).clamp(1, MAX_PAGE_BYTES),
            )),
            _ => None,
        }
    }
}

impl SyncResponse {
    /// The response's bytes.
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    /// Decodes a response, refusing anything over [`MAX_SYNC_RESPONSE_BYTES`], any
    /// non-canonical encoding, and lists or items over their caps. The records inside
    /// are not checked here: each goes through ingest on its own.
    pub fn decode(bytes: &[u8]) -> Result<Self, SyncError> {
        check_len(bytes, MAX_SYNC_RESPONSE_BYTES)?;
        let response: SyncResponse = decode_canonical(bytes).map_err(SyncError::Decode)?;
        match &response {
            SyncResponse::Heads { feeds, .. } => check_feeds(feeds, MAX_HEADS_PER_RESPONSE)?,
            SyncResponse::Records { records, .. } => {
                check_items(
                    "records",
                    records,
                    MAX_RECORDS_PER_PAGE as usize,
                    MAX_SIGNED_RECORD_BYTES,
                )?;
            }
            SyncResponse::ForkProofs { proofs } => {
                check_items(
                    "fork proofs",
                    proofs,
                    MAX_FORK_PROOFS_PER_RESPONSE,
                    MAX_FORK_PROOF_BYTES,
                )?;
            }
            SyncResponse::Refused(_) => {}
            SyncResponse::Hello { delegation, .. } => check_hello(delegation)?,
        }
        Ok(response)
    }
}

/// What a node should pull from a peer, from the two nodes' summaries of one feed: the
/// seqs the peer holds contiguously beyond what this node holds contiguously, or
/// nothing. A frozen feed is pulled no further (its fork proof is fetched instead).
pub fn missing_range(local: Option<&FeedSummary>, remote: &FeedSummary) -> Option<(u64, u64)> {
    let have = local.map_or(0, |feed| feed.contiguous);
    if local.is_some_and(|feed| feed.frozen) || remote.contiguous <= have {
        return None;
    }
    Some((have + 1, remote.contiguous))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::DeviceKeypair;

    fn summary(seed: u8, contiguous: u64) -> FeedSummary {
        FeedSummary {
            author: DeviceKeypair::from_seed([seed; 32]).public(),
            contiguous,
            max_seq: contiguous + 2,
            frozen: false,
        }
    }

    #[test]
    fn a_peer_ahead_gives_the_range_between_the_two_contiguous_heads() {
        let remote = summary(1, 40);
        assert_eq!(missing_range(None, &remote), Some((1, 40)));
        assert_eq!(
            missing_range(Some(&summary(1, 12)), &remote),
            Some((13, 40))
        );
        assert_eq!(missing_range(Some(&summary(1, 40)), &remote), None);
        assert_eq!(missing_range(Some(&summary(1, 50)), &remote), None);
        let frozen = FeedSummary {
            frozen: true,
            ..summary(1, 3)
        };
        assert_eq!(missing_range(Some(&frozen), &remote), None);
    }

    #[test]
    fn frames_are_split_after_their_length_is_checked() {
        let framed = frame(b"abc", 8).unwrap();
        assert_eq!(framed, [0, 0, 0, 3, b'a', b'b', b'c']);
        let mut two = framed.clone();
        two.extend_from_slice(&frame(b"", 8).unwrap());
        let (first, rest) = split_frame(&two, 8).unwrap();
        assert_eq!((first, rest), (&b"abc"[..], &[0u8, 0, 0, 0][..]));
        assert_eq!(split_frame(rest, 8).unwrap(), (&[][..], &[][..]));
        assert_eq!(
            split_frame(&u32::MAX.to_be_bytes(), 8),
            Err(SyncError::FrameTooLarge {
                len: u64::from(u32::MAX),
                max: 8
            })
        );
        assert_eq!(
            split_frame(&framed[..5], 8),
            Err(SyncError::FrameTruncated { missing: 2 })
        );
        assert_eq!(
            split_frame(&[0, 0], 8),
            Err(SyncError::FrameTruncated { missing: 2 })
        );
        assert_eq!(frame(b"abcdefghi", 8), None);
    }

    #[test]
    fn page_limits_stay_within_the_caps() {
        let author = DeviceKeypair::from_seed([1; 32]).public();
        let greedy = SyncRequest::Range {
            author,
            from_seq: 1,
            to_seq: 9,
            max_records: u32::MAX,
            max_bytes: 0,
        };
        assert_eq!(greedy.page_limits(), Some((MAX_RECORDS_PER_PAGE, 1)));
        assert_eq!(SyncRequest::ForkProofs.page_limits(), None);
    }
}
