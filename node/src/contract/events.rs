//! The event stream, `GET /v1/events` (docs/api.md §10).
//!
//! The stream is server-sent events, not one JSON answer: each event's `data` is one of
//! these types on one line, named by the event's `event` field.

use serde::{Deserialize, Serialize};

use super::records::RecordJson;

/// The `event: record` name.
pub const RECORD_EVENT: &str = "record";
/// The `event: lagged` name.
pub const LAGGED_EVENT: &str = "lagged";

/// An event's `data` (docs/api.md §10), by the event's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    /// `record`: a newly stored record, as the record JSON (without its versions).
    Record(Box<RecordJson>),
    /// `lagged`: the client read too slowly and missed records.
    Lagged(Lagged),
}

impl StreamEvent {
    /// The event named `event` with `data`, or why the data is not that event's JSON;
    /// `None` for an event of another name.
    pub fn read(event: &str, data: &str) -> Option<Result<StreamEvent, serde_json::Error>> {
        match event {
            RECORD_EVENT => {
                Some(serde_json::from_str(data).map(|record| StreamEvent::Record(Box::new(record))))
            }
            LAGGED_EVENT => Some(serde_json::from_str(data).map(StreamEvent::Lagged)),
            _ => None,
        }
    }
}

/// The data of an `event: lagged` (docs/api.md §10): how many records were skipped
/// (fetch them with `GET /v1/records?since=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lagged {
    /// How many records the stream skipped.
    pub missed: u64,
}
