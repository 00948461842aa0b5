//! Serving sync: the step where this node reads its store to answer a peer's
//! `/commons/sync/1` request. Every answer is bounded by the protocol's caps (feeds per
//! heads page, records and bytes per page, proofs per answer), and so is the work done
//! to build it: a range is read no further than the feed's highest seq, and at most
//! [`MAX_SEQS_SCANNED_PER_PAGE`] seqs are looked at per page, so a request for
//! `1..=u64::MAX` costs no more than a page. These functions block on the store: the
//! event loop runs them on the blocking pool.
//!
//! What is answered depends on who asks ([`Access`], decided by the event loop from the
//! roster at the moment of the request): a member's device is answered in full; a
//! reader (any other device, when the charter's open-read flag is set) sees the heads
//! and only `Public` records, and no fork proofs; a stranger (open-read unset) is told
//! `NotAMember`. An announcement is answered like heads, for the feeds it names. The
//! hello that introduces a device is answered by the event loop, not here.

use commons_protocol::sync::{MAX_FORK_PROOFS_PER_RESPONSE, MAX_HEADS_PER_RESPONSE};
use commons_protocol::{FeedSummary, Refusal, SyncRequest, SyncResponse, Visibility};

use crate::store::{FeedHead, Store, StoreError};

/// The most seqs one range page looks at (held or not), as a multiple of the page's
/// record limit: a feed with long gaps or many retractions still answers in bounded
/// time, and says `more`.
pub const MAX_SEQS_SCANNED_PER_PAGE: u64 = 4 * commons_protocol::sync::MAX_RECORDS_PER_PAGE as u64;

/// A store head as the protocol shows it.
pub fn summary(head: &FeedHead) -> FeedSummary {
    FeedSummary {
        author: head.author,
        contiguous: head.contiguous,
        max_seq: head.max_seq,
        frozen: head.frozen,
    }
}

/// What the asking device may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A member's device: everything.
    Member,
    /// Not a member's device, and the charter lets non-members read: `Public` records.
    Reader,
    /// Not a member's device, and the charter keeps records among members: nothing.
    Stranger,
}

impl Access {
    /// The access of a device that is a member's (`member`) or not, under a charter
    /// whose open-read flag is `open_read`.
    pub fn of(member: bool, open_read: bool) -> Self {
        match (member, open_read) {
            (true, _) => Access::Member,
            (false, true) => Access::Reader,
            (false, false) => Access::Stranger,
        }
    }
}

const NOT_A_MEMBER: SyncResponse = SyncResponse::Refused(Refusal::NotAMember);

/// Answers `request` from `store` for a device with `access`.
pub fn serve(
    store: &dyn Store,
    request: &SyncRequest,
    access: Access,
) -> Result<SyncResponse, StoreError> {
    if access == Access::Stranger {
        return Ok(NOT_A_MEMBER);
    }
    match request {
        SyncRequest::Heads { after } => {
            let mut heads = store.heads()?;
            heads.retain(|head| after.is_none_or(|after| head.author > after));
            heads.sort_by_key(|head| head.author);
            let more = heads.len() > MAX_HEADS_PER_RESPONSE;
            let feeds = heads
                .iter()
                .take(MAX_HEADS_PER_RESPONSE)
                .map(summary)
                .collect();
            Ok(SyncResponse::Heads { feeds, more })
        }
        SyncRequest::Range {
            author,
            from_seq,
            to_seq,
            ..
        } => {
            let Some((max_records, max_bytes)) = request.page_limits() else {
                return Ok(SyncResponse::Refused(Refusal::BadRequest));
            };
            if *from_seq == 0 || to_seq < from_seq {
                return Ok(SyncResponse::Refused(Refusal::BadRequest));
            }
            let Some(head) = store.head(author)? else {
                return Ok(SyncResponse::Records {
                    records: Vec::new(),
                    more: false,
                });
            };
            let last = (*to_seq).min(head.max_seq);
            let scan_end = last.min(from_seq.saturating_add(MAX_SEQS_SCANNED_PER_PAGE - 1));
            let (mut records, mut bytes) = (Vec::new(), 0usize);
            let mut next = *from_seq;
            while next <= scan_end {
                if let Some(stored) = store.record_at(author, next)?
                    && (access == Access::Member
                        || stored.record.record().body.visibility() == Visibility::Public)
                {
                    let signed = stored.record.signed_bytes();
                    // Always at least one record, so a tiny byte limit still progresses.
                    if !records.is_empty() && bytes + signed.len() > max_bytes as usize {
                        break;
                    }
                    bytes += signed.len();
                    records.push(signed.to_vec());
                }
                next += 1;
                if records.len() >= max_records as usize {
                    break;
                }
            }
            Ok(SyncResponse::Records {
                records,
                more: next <= last,
            })
        }
        SyncRequest::ForkProofs if access != Access::Member => Ok(NOT_A_MEMBER),
        SyncRequest::ForkProofs => {
            let proofs = store
                .fork_proofs()?
                .iter()
                .take(MAX_FORK_PROOFS_PER_RESPONSE)
                .map(|proof| proof.encode())
                .collect();
            Ok(SyncResponse::ForkProofs { proofs })
        }
        // Each announced feed this node holds, as it stands here (the event loop takes
        // the announcement itself; this is only the answer).
        SyncRequest::Announce { feeds } => {
            let mut held = Vec::with_capacity(feeds.len());
            for feed in feeds {
                if let Some(head) = store.head(&feed.author)? {
                    held.push(summary(&head));
                }
            }
            Ok(SyncResponse::Heads {
                feeds: held,
                more: false,
            })
        }
        // Answered by the event loop, which must ingest the delegation first.
        SyncRequest::Hello { .. } => Ok(SyncResponse::Refused(Refusal::BadRequest)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::fixtures::{BASE_TIME_MS, SampleOrg, sample_charter, sample_practice};
    use commons_protocol::{DeviceKey, DeviceKeypair, Visibility};

    use super::*;
    use crate::store::{CommitBatch, CommitStore, MemoryStore, NewRecord};

    const MAX_PAGE: u32 = commons_protocol::sync::MAX_PAGE_BYTES;

    /// A store holding `count` records of the first sample org's feed.
    fn feed(count: u64) -> (MemoryStore, DeviceKey) {
        feed_with(count, |_| Visibility::Public)
    }

    /// A store holding `count` records of the first sample org's feed, the case
    /// studies after the delegation with `visibility(seq)`.
    fn feed_with(count: u64, visibility: impl Fn(u64) -> Visibility) -> (MemoryStore, DeviceKey) {
        let (charter, _) = sample_charter(3);
        let org = SampleOrg::new(0);
        let mut writer = org.writer(charter.charter().network_id());
        let mut batch = CommitBatch::default();
        for seq in 1..=count {
            let body = if seq == 1 {
                org.delegation(charter.charter().network_id())
            } else {
                commons_protocol::Body::Practice(sample_practice(visibility(seq)))
            };
            let record = writer.append(body, BASE_TIME_MS + seq).unwrap();
            batch.records.push(NewRecord {
                record,
                org: org.id(),
            });
        }
        let store = MemoryStore::new();
        store.commit(&batch).unwrap();
        (store, org.device.public())
    }

    fn range(
        author: DeviceKey,
        from_seq: u64,
        to_seq: u64,
        max_records: u32,
        max_bytes: u32,
    ) -> SyncRequest {
        SyncRequest::Range {
            author,
            from_seq,
            to_seq,
            max_records,
            max_bytes,
        }
    }

    fn serve_all(store: &MemoryStore, request: &SyncRequest) -> Result<SyncResponse, StoreError> {
        serve(store, request, Access::Member)
    }

    fn records(response: SyncResponse) -> (usize, bool) {
        match response {
            SyncResponse::Records { records, more } => (records.len(), more),
            other => panic!("expected records, got {other:?}"),
        }
    }

    #[test]
    fn a_range_stops_at_the_feed_head_and_within_the_page_limits() {
        let (store, author) = feed(10);
        let all = serve_all(&store, &range(author, 1, u64::MAX, 512, MAX_PAGE)).unwrap();
        assert_eq!(records(all), (10, false));
        let two = serve_all(&store, &range(author, 3, 10, 2, MAX_PAGE)).unwrap();
        assert_eq!(records(two), (2, true));
        let tiny = serve_all(&store, &range(author, 3, 10, 512, 1)).unwrap();
        assert_eq!(
            records(tiny),
            (1, true),
            "at least one record, so sync progresses"
        );
        let none = serve_all(
            &store,
            &range(DeviceKeypair::from_seed([9; 32]).public(), 1, 5, 9, 9),
        );
        assert_eq!(records(none.unwrap()), (0, false));
    }

    #[test]
    fn readers_get_public_records_only_and_strangers_nothing() {
        // The delegation and three public case studies, then one kept among members.
        let (store, author) = feed_with(5, |seq| {
            if seq == 5 {
                Visibility::Members
            } else {
                Visibility::Public
            }
        });
        let all = range(author, 1, 5, 512, MAX_PAGE);
        assert_eq!(
            records(serve(&store, &all, Access::Member).unwrap()),
            (5, false)
        );
        assert_eq!(
            records(serve(&store, &all, Access::Reader).unwrap()),
            (4, false)
        );
        for request in [
            all,
            SyncRequest::Heads { after: None },
            SyncRequest::ForkProofs,
        ] {
            assert_eq!(
                serve(&store, &request, Access::Stranger).unwrap(),
                NOT_A_MEMBER
            );
        }
        assert_eq!(
            serve(&store, &SyncRequest::ForkProofs, Access::Reader).unwrap(),
            NOT_A_MEMBER
        );
    }

    #[test]
    fn heads_are_listed_after_the_given_author() {
        let (store, author) = feed(3);
        match serve_all(&store, &SyncRequest::Heads { after: None }).unwrap() {
            SyncResponse::Heads { feeds, more } => {
                assert!(!more);
                assert_eq!(feeds.len(), 1);
                assert_eq!((feeds[0].author, feeds[0].contiguous), (author, 3));
            }
            other => panic!("expected heads, got {other:?}"),
        }
        match serve_all(
            &store,
            &SyncRequest::Heads {
                after: Some(author),
            },
        )
        .unwrap()
        {
            SyncResponse::Heads { feeds, more } => assert!(feeds.is_empty() && !more),
            other => panic!("expected heads, got {other:?}"),
        }
    }
}
