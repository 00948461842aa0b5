//! Serving sync: the step where this node reads its store to answer a peer's
//! `/commons/sync/1` request. Every answer is bounded by the protocol's caps (feeds per
//! heads page, records and bytes per page, proofs per answer), and so is the work done
//! to build it: a range is read no further than the feed's highest seq, and at most
//! [`MAX_SEQS_SCANNED_PER_PAGE`] seqs are looked at per page, so a request for
//! `1..=u64::MAX` costs no more than a page. These functions block on the store: the
//! event loop runs them on the blocking pool.
//!
//! Who may ask is not checked yet: admission by roster (members only, `Public` records
//! for observers when the charter allows) is a later step.

use commons_protocol::sync::{MAX_FORK_PROOFS_PER_RESPONSE, MAX_HEADS_PER_RESPONSE};
use commons_protocol::{FeedSummary, Refusal, SyncRequest, SyncResponse};

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

/// Answers `request` from `store`.
pub fn serve(store: &dyn Store, request: &SyncRequest) -> Result<SyncResponse, StoreError> {
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
                if let Some(stored) = store.record_at(author, next)? {
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
        SyncRequest::ForkProofs => {
            let proofs = store
                .fork_proofs()?
                .iter()
                .take(MAX_FORK_PROOFS_PER_RESPONSE)
                .map(|proof| proof.encode())
                .collect();
            Ok(SyncResponse::ForkProofs { proofs })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::fixtures::{BASE_TIME_MS, SampleOrg, sample_charter, sample_practice};
    use commons_protocol::{DeviceKey, DeviceKeypair, Visibility};

    use super::*;
    use crate::store::{CommitBatch, MemoryStore, NewRecord};

    const MAX_PAGE: u32 = commons_protocol::sync::MAX_PAGE_BYTES;

    /// A store holding `count` records of the first sample org's feed.
    fn feed(count: u64) -> (MemoryStore, DeviceKey) {
        let (charter, _) = sample_charter(3);
        let org = SampleOrg::new(0);
        let mut writer = org.writer(charter.charter().network_id());
        let mut batch = CommitBatch::default();
        for seq in 1..=count {
            let body = if seq == 1 {
                org.delegation(charter.charter().network_id())
            } else {
                commons_protocol::Body::Practice(sample_practice(Visibility::Public))
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

    fn records(response: SyncResponse) -> (usize, bool) {
        match response {
            SyncResponse::Records { records, more } => (records.len(), more),
            other => panic!("expected records, got {other:?}"),
        }
    }

    #[test]
    fn a_range_stops_at_the_feed_head_and_within_the_page_limits() {
        let (store, author) = feed(10);
        let all = serve(&store, &range(author, 1, u64::MAX, 512, MAX_PAGE)).unwrap();
        assert_eq!(records(all), (10, false));
        let two = serve(&store, &range(author, 3, 10, 2, MAX_PAGE)).unwrap();
        assert_eq!(records(two), (2, true));
        let tiny = serve(&store, &range(author, 3, 10, 512, 1)).unwrap();
        assert_eq!(
            records(tiny),
            (1, true),
            "at least one record, so sync progresses"
        );
        let none = serve(
            &store,
            &range(DeviceKeypair::from_seed([9; 32]).public(), 1, 5, 9, 9),
        );
        assert_eq!(records(none.unwrap()), (0, false));
    }

    #[test]
    fn heads_are_listed_after_the_given_author() {
        let (store, author) = feed(3);
        match serve(&store, &SyncRequest::Heads { after: None }).unwrap() {
            SyncResponse::Heads { feeds, more } => {
                assert!(!more);
                assert_eq!(feeds.len(), 1);
                assert_eq!((feeds[0].author, feeds[0].contiguous), (author, 3));
            }
            other => panic!("expected heads, got {other:?}"),
        }
        match serve(
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
