//! `GET /v1/events`: the "announced" step, seen from outside. Every record ingest
//! stores from now on, as a server-sent `record` event carrying the record's JSON. A
//! subscriber too slow to keep up gets a `lagged` event saying how many it missed (then
//! `GET /v1/records` fills the gap). The stream ends when the API shuts down.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use tokio::sync::watch;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};
use tokio_stream::{Stream, StreamExt};

use super::ApiState;
use super::contract::events::{LAGGED_EVENT, Lagged, RECORD_EVENT};
use super::json::record_json;
use crate::ingest::StoredEvent;

/// How often an idle stream sends a keep-alive comment.
pub const KEEP_ALIVE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(15);

pub(super) async fn events(
    State(state): State<Arc<ApiState>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before answering, so every record stored after the response's headers
    // reach the client is in the stream.
    let records = BroadcastStream::new(state.node.ingest.subscribe()).map(to_event);
    sse_until_stopped(records, state.stopping.clone())
}

/// `events` as a server-sent event stream that opens with a comment (so the headers
/// and the stream's start reach the client at once), keeps itself alive every
/// [`KEEP_ALIVE_INTERVAL`], and ends when `events` does or `stopping` turns `true`, so a
/// server can stop with streams open. The control API's and the web app's streams.
pub fn sse_until_stopped(
    events: impl Stream<Item = Event> + Send + 'static,
    stopping: watch::Receiver<bool>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // `None` ends the stream.
    let stop = WatchStream::new(stopping)
        .filter(|stopping| *stopping)
        .map(|_| None);
    let stream = tokio_stream::once(Some(Event::default().comment("subscribed")))
        .chain(events.map(Some))
        .chain(tokio_stream::once(None))
        .merge(stop)
        .map_while(|event| event.map(Ok));
    Sse::new(stream).keep_alive(
        KeepAlive::new()
            .interval(KEEP_ALIVE_INTERVAL)
            .text("keep-alive"),
    )
}

fn to_event(stored: Result<StoredEvent, BroadcastStreamRecvError>) -> Event {
    let (event, id, data) = match stored {
        Ok(stored) => (
            RECORD_EVENT,
            Some(stored.record.id().to_string()),
            serde_json::to_value(record_json(&stored.record, &stored.org)),
        ),
        Err(BroadcastStreamRecvError::Lagged(missed)) => {
            (LAGGED_EVENT, None, serde_json::to_value(Lagged { missed }))
        }
    };
    let mut out = Event::default().event(event);
    if let Some(id) = id {
        out = out.id(id);
    }
    // Through a `Value`, whose keys are sorted, so the line is what it always was. A
    // record's JSON is strings, numbers and lists, which always serialize.
    out.data(data.unwrap_or_default().to_string())
}
