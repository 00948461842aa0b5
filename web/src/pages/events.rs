//! `GET /events`: live notices for open pages. Each record the node stores from now
//! on becomes a small server-sent `record` event (its kind, and the page that shows
//! it), which `static/app.js` turns into a notice ("2 new records: refresh"), louder
//! for an alert. Only the kind, the id and the link travel, and for an alert, or
//! another org's answer to one of ours, the alert's title and whether it should wake
//! someone up (`notify`: another org's alert still open, or an answer to our alert),
//! which app.js turns into a browser notification when the person asked for them: the
//! page itself is read fresh. The stream ends when the node stops.

use std::convert::Infallible;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, Sse};
use axum::routing::get;
use commons_node::api::sse_until_stopped;
use commons_node::ingest::StoredEvent;
use commons_protocol::Body;
use serde_json::json;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::{Stream, StreamExt};

use crate::AppState;
use crate::security::Staff;
use crate::view::{now_ms, record_path};

/// The event stream's route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

async fn events(
    State(state): State<AppState>,
    _staff: Staff,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stopping = state.stopping();
    let records = BroadcastStream::new(state.node().ingest.subscribe())
        .then(move |stored| {
            let state = state.clone();
            async move { to_event(&state, stored).await }
        })
        .filter_map(|event| event);
    sse_until_stopped(records, stopping)
}

async fn to_event(
    state: &AppState,
    stored: Result<StoredEvent, BroadcastStreamRecvError>,
) -> Option<Event> {
    let ours = state.node().org;
    match stored {
        Ok(stored) => {
            let kind = stored.record.record().body.kind();
            // Only what a person reads: not delegations, votes' plumbing and the like.
            let name = match kind? {
                commons_protocol::BodyKind::Practice => "practice",
                commons_protocol::BodyKind::Campaign => "campaign",
                commons_protocol::BodyKind::CampaignUpdate => "update",
                commons_protocol::BodyKind::Alert => "alert",
                commons_protocol::BodyKind::AlertResponse => "response",
                commons_protocol::BodyKind::Application => "application",
                commons_protocol::BodyKind::Vote => "vote",
                _ => return None,
            };
            let href = record_path(kind, &stored.record.id());
            let mut data = json!({ "kind": name, "href": href });
            data["id"] = json!(stored.record.id().to_string());
            match &stored.record.record().body {
                Body::Alert(alert) => {
                    data["title"] = json!(alert.title);
                    data["notify"] = json!(stored.org != ours && alert.expires_at_ms > now_ms());
                }
                Body::AlertResponse(response) if stored.org != ours => {
                    // Another org answered: worth a notification if the alert is ours.
                    let alert = response.alert;
                    let answered = state.read(move |store| store.record(&alert)).await;
                    if let Ok(Some(answered)) = answered
                        && answered.org == ours
                        && let Body::Alert(ours_alert) = &answered.record.record().body
                    {
                        data["href"] = json!(format!("/alerts/{alert}"));
                        data["title"] = json!(ours_alert.title);
                        data["notify"] = json!(true);
                    }
                }
                _ => {}
            }
            Some(Event::default().event("record").data(data.to_string()))
        }
        Err(BroadcastStreamRecvError::Lagged(missed)) => Some(
            Event::default()
                .event("record")
                .data(json!({ "kind": "many", "missed": missed }).to_string()),
        ),
    }
}
