//! The sync messages: hostile inputs with their exact errors, and round-trips.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

mod common;

use common::varint;
use commons_protocol::fixtures::{SampleOrg, sample_sync_messages};
use commons_protocol::sync::{
    MAX_ANNOUNCED_FEEDS, MAX_HEADS_PER_RESPONSE, MAX_HELLO_DELEGATION_BYTES, MAX_RECORDS_PER_PAGE,
    MAX_SYNC_REQUEST_BYTES, MAX_SYNC_RESPONSE_BYTES,
};
use commons_protocol::{
    DecodeError, FeedSummary, MAX_SIGNED_RECORD_BYTES, SyncError, SyncRequest, SyncResponse,
};
use proptest::prelude::*;

fn author(seed: u8) -> commons_protocol::DeviceKey {
    SampleOrg::new(seed).device.public()
}

#[test]
fn hostile_sync_bytes_give_their_errors() {
    let range = SyncRequest::Range {
        author: author(0),
        from_seq: 3,
        to_seq: 9,
        max_records: 10,
        max_bytes: 10,
    }
    .encode();
    let mut over_long = range.clone();
    // The variant number 1 (Range) written as an over-long varint.
    over_long.splice(0..1, [0x81, 0x00]);
    let backwards = SyncRequest::Range {
        author: author(0),
        from_seq: 9,
        to_seq: 3,
        max_records: 1,
        max_bytes: 1,
    };
    let from_zero = SyncRequest::Range {
        author: author(0),
        from_seq: 0,
        to_seq: 3,
        max_records: 1,
        max_bytes: 1,
    };
    let request_rows: Vec<(&str, Vec<u8>, SyncError)> = vec![
        (
            "empty",
            Vec::new(),
            SyncError::Decode(DecodeError::UnexpectedEnd),
        ),
        (
            "an undefined request",
            vec![7],
            SyncError::Decode(DecodeError::BadEnum),
        ),
        (
            "truncated",
            range[..range.len() - 1].to_vec(),
            SyncError::Decode(DecodeError::UnexpectedEnd),
        ),
        (
            "trailing byte",
            [range.as_slice(), &[0]].concat(),
            SyncError::Decode(DecodeError::TrailingBytes { count: 1 }),
        ),
        (
            "over-long varint",
            over_long,
            SyncError::Decode(DecodeError::NonCanonical),
        ),
        (
            "a range that ends first",
            backwards.encode(),
            SyncError::BadRange {
                from_seq: 9,
                to_seq: 3,
            },
        ),
        (
            "a range from seq 0",
            from_zero.encode(),
            SyncError::BadRange {
                from_seq: 0,
                to_seq: 3,
            },
        ),
        (
            "an oversized request",
            vec![0; MAX_SYNC_REQUEST_BYTES + 1],
            SyncError::TooLarge {
                len: MAX_SYNC_REQUEST_BYTES + 1,
                max: MAX_SYNC_REQUEST_BYTES,
            },
        ),
    ];
    for (name, bytes, expected) in request_rows {
        assert_eq!(SyncRequest::decode(&bytes), Err(expected), "{name}");
    }

    // Responses: tag 0 = Heads, 1 = Records, 2 = ForkProofs, 3 = Refused.
    let mut huge_page = vec![1];
    huge_page.extend(varint(u64::from(MAX_RECORDS_PER_PAGE) + 1));
    huge_page.extend(std::iter::repeat_n(0u8, MAX_RECORDS_PER_PAGE as usize + 1)); // empty records
    huge_page.push(0);
    let mut giant_record = vec![1, 1];
    giant_record.extend(varint(MAX_SIGNED_RECORD_BYTES as u64 + 1));
    giant_record.extend(std::iter::repeat_n(0u8, MAX_SIGNED_RECORD_BYTES + 1));
    giant_record.push(0);
    let mut lying_length = vec![1, 1];
    lying_length.extend(varint(4 << 30));
    lying_length.extend([1, 2, 3]);
    let mut unsorted = vec![
        FeedSummary {
            author: author(0),
            contiguous: 1,
            max_seq: 1,
            frozen: false,
        },
        FeedSummary {
            author: author(1),
            contiguous: 1,
            max_seq: 1,
            frozen: false,
        },
    ];
    unsorted.sort_by_key(|feed| std::cmp::Reverse(feed.author));
    let mut too_many_heads = vec![0];
    too_many_heads.extend(varint(MAX_HEADS_PER_RESPONSE as u64 + 1));
    let summary = SyncResponse::Heads {
        feeds: vec![unsorted[0]],
        more: false,
    }
    .encode();
    for _ in 0..=MAX_HEADS_PER_RESPONSE {
        too_many_heads.extend(&summary[2..summary.len() - 1]);
    }
    too_many_heads.push(0);
    let response_rows: Vec<(&str, Vec<u8>, SyncError)> = vec![
        (
            "more records than a page holds",
            huge_page,
            SyncError::TooMany {
                what: "records",
                count: MAX_RECORDS_PER_PAGE as usize + 1,
                max: MAX_RECORDS_PER_PAGE as usize,
            },
        ),
        (
            "a record larger than any record",
            giant_record,
            SyncError::ItemTooLarge {
                what: "records",
                len: MAX_SIGNED_RECORD_BYTES + 1,
                max: MAX_SIGNED_RECORD_BYTES,
            },
        ),
        (
            "a 4 GiB record length",
            lying_length,
            SyncError::Decode(DecodeError::UnexpectedEnd),
        ),
        (
            "heads out of order",
            SyncResponse::Heads {
                feeds: unsorted,
                more: false,
            }
            .encode(),
            SyncError::HeadsNotSorted,
        ),
        (
            "more heads than a page holds",
            too_many_heads,
            SyncError::TooMany {
                what: "feeds",
                count: MAX_HEADS_PER_RESPONSE + 1,
                max: MAX_HEADS_PER_RESPONSE,
            },
        ),
        (
            "an undefined refusal",
            vec![3, 9],
            SyncError::Decode(DecodeError::BadEnum),
        ),
        (
            "a hello whose delegation is larger than any delegation",
            SyncResponse::Hello {
                delegation: vec![7; MAX_HELLO_DELEGATION_BYTES + 1],
                admitted: true,
            }
            .encode(),
            SyncError::ItemTooLarge {
                what: "delegation",
                len: MAX_HELLO_DELEGATION_BYTES + 1,
                max: MAX_HELLO_DELEGATION_BYTES,
            },
        ),
        (
            "a hello whose admitted flag is not a bool",
            vec![4, 1, 7, 2],
            SyncError::Decode(DecodeError::BadBool),
        ),
        (
            "an oversized response",
            vec![0; MAX_SYNC_RESPONSE_BYTES + 1],
            SyncError::TooLarge {
                len: MAX_SYNC_RESPONSE_BYTES + 1,
                max: MAX_SYNC_RESPONSE_BYTES,
            },
        ),
    ];
    let hello = SyncRequest::Hello {
        delegation: vec![7; MAX_HELLO_DELEGATION_BYTES + 1],
    }
    .encode();
    assert_eq!(
        SyncRequest::decode(&hello),
        Err(SyncError::ItemTooLarge {
            what: "delegation",
            len: MAX_HELLO_DELEGATION_BYTES + 1,
            max: MAX_HELLO_DELEGATION_BYTES,
        }),
        "a hello whose delegation is larger than any delegation"
    );
    for (name, bytes, expected) in response_rows {
        assert_eq!(SyncResponse::decode(&bytes), Err(expected), "{name}");
    }
}

/// `count` summaries of distinct feeds, in ascending order of author, each with the
/// largest varints a summary can hold.
fn widest_summaries(count: usize) -> Vec<FeedSummary> {
    let mut feeds: Vec<FeedSummary> = (0..count)
        .map(|index| FeedSummary {
            author: author(u8::try_from(index).unwrap()),
            contiguous: u64::MAX,
            max_seq: u64::MAX,
            frozen: true,
        })
        .collect();
    feeds.sort_by_key(|feed| feed.author);
    feeds
}

#[test]
fn the_largest_announcement_fits_in_a_request_and_one_more_feed_is_refused() {
    let largest = SyncRequest::Announce {
        feeds: widest_summaries(MAX_ANNOUNCED_FEEDS),
    };
    let bytes = largest.encode();
    assert!(
        bytes.len() <= MAX_SYNC_REQUEST_BYTES,
        "{} bytes",
        bytes.len()
    );
    assert_eq!(SyncRequest::decode(&bytes), Ok(largest));

    let over = SyncRequest::Announce {
        feeds: widest_summaries(MAX_ANNOUNCED_FEEDS + 1),
    };
    assert_eq!(
        SyncRequest::decode(&over.encode()),
        Err(SyncError::TooMany {
            what: "feeds",
            count: MAX_ANNOUNCED_FEEDS + 1,
            max: MAX_ANNOUNCED_FEEDS,
        })
    );

    let mut unsorted = widest_summaries(2);
    unsorted.reverse();
    let repeated = vec![unsorted[0], unsorted[0]];
    for feeds in [unsorted, repeated] {
        assert_eq!(
            SyncRequest::decode(&SyncRequest::Announce { feeds }.encode()),
            Err(SyncError::HeadsNotSorted)
        );
    }
    // The count is read before the feeds: a claim of 2^32 feeds in a few bytes is
    // refused without reading (or allocating for) any of them.
    let mut lying_count = vec![4];
    lying_count.extend(varint(1 << 32));
    lying_count.extend([1, 2, 3]);
    assert!(SyncRequest::decode(&lying_count).is_err());
}

#[test]
fn every_sample_message_survives_any_single_change_without_panicking() {
    for (_, bytes) in sample_sync_messages() {
        for at in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] ^= 0x41;
            let _ = SyncRequest::decode(&changed);
            if let Ok(response) = SyncResponse::decode(&changed) {
                assert_eq!(
                    response.encode(),
                    changed,
                    "an accepted response is canonical"
                );
            }
        }
    }
}

proptest! {
    #[test]
    fn ranges_round_trip(seed in 0u8..6, from in 1u64..1_000_000, span in 0u64..1_000_000, max_records: u32, max_bytes: u32) {
        let request = SyncRequest::Range { author: author(seed), from_seq: from, to_seq: from + span, max_records, max_bytes };
        prop_assert_eq!(SyncRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn pages_round_trip(records in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..20), more: bool) {
        let response = SyncResponse::Records { records, more };
        prop_assert_eq!(SyncResponse::decode(&response.encode()).unwrap(), response);
    }

    #[test]
    fn announcements_round_trip(seeds in prop::collection::btree_set(0u8..200, 0..MAX_ANNOUNCED_FEEDS), contiguous: u64, extra in 0u64..1000, frozen: bool) {
        let mut feeds: Vec<FeedSummary> = seeds
            .into_iter()
            .map(|seed| FeedSummary { author: author(seed), contiguous, max_seq: contiguous.saturating_add(extra), frozen })
            .collect();
        feeds.sort_by_key(|feed| feed.author);
        let request = SyncRequest::Announce { feeds };
        prop_assert_eq!(SyncRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = SyncRequest::decode(&bytes);
        if let Ok(response) = SyncResponse::decode(&bytes) {
            prop_assert_eq!(response.encode(), bytes);
        }
    }
}
