//! Writing a feed: the "created → signed" step for a device. The writer assigns each
//! new record the next seq, the previous record's id and a timestamp that strictly
//! increases along the feed, then signs it. Time is a parameter; the node persists the
//! writer's position so a restart never reuses a seq.

use crate::body::Body;
use crate::id::{NetworkId, RecordId};
use crate::keys::DeviceKeypair;
use crate::record::{RECORD_VERSION, Record, RecordError, VerifiedRecord};

/// The position a feed writer resumes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedPosition {
    /// The seq of the last record written (0 for an empty feed).
    pub seq: u64,
    /// Its id.
    pub id: Option<RecordId>,
    /// Its timestamp.
    pub timestamp_ms: u64,
}

impl FeedPosition {
    /// The position of an empty feed.
    pub const EMPTY: FeedPosition = FeedPosition {
        seq: 0,
        id: None,
        timestamp_ms: 0,
    };

    /// The position just after `record`.
    pub fn after(record: &VerifiedRecord) -> Self {
        FeedPosition {
            seq: record.record().seq,
            id: Some(record.id()),
            timestamp_ms: record.record().timestamp_ms,
        }
    }
}

/// Appends signed records to one device's feed.
#[derive(Debug, Clone)]
pub struct FeedWriter {
    device: DeviceKeypair,
    network: NetworkId,
    position: FeedPosition,
}

impl FeedWriter {
    /// A writer continuing the feed of `device` from `position`.
    pub fn new(device: DeviceKeypair, network: NetworkId, position: FeedPosition) -> Self {
        FeedWriter {
            device,
            network,
            position,
        }
    }

    /// Where the feed stands.
    pub fn position(&self) -> FeedPosition {
        self.position
    }

    /// The record `body` would become at `now_ms`, unsigned: the next seq, the previous
    /// id, and `now_ms` or, if the clock went back, one millisecond after the previous
    /// record.
    pub fn next_record(&self, body: Body, now_ms: u64) -> Record {
        Record {
            version: RECORD_VERSION,
            network: self.network,
            author: self.device.public(),
            seq: self.position.seq + 1,
            prev: self.position.id,
            timestamp_ms: now_ms.max(self.position.timestamp_ms + 1),
            body,
        }
    }

    /// Signs `body` as the feed's next record and advances the writer.
    pub fn append(&mut self, body: Body, now_ms: u64) -> Result<VerifiedRecord, RecordError> {
        let record = self.next_record(body, now_ms).sign(&self.device)?;
        self.position = FeedPosition::after(&record);
        Ok(record)
    }
}
