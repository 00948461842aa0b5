//! `GET /events`: live notices for open pages. Each record the node stores from now
//! on becomes a small server-sent `record` event (its kind, and the page that shows
//! it), which `static/app.js` turns into a notice ("2 new records: refresh"), louder
//! for an alert. Only the kind, the id and the link travel, and for what should wake
//! someone up (`notify`) a `title` for the notification app.js shows when the person
//! asked for them: another org's alert still open (its title), another org's answer to
//! one of our alerts (the alert's title), another org's application or proposal to
//! remove a member that waits for our vote (in the person's words, leading to the org's
//! page). The page itself is read fresh. The stream ends when the node stops.

use std::convert::Infallible;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, Sse};
use axum::routing::get;
use commons_node::api::sse_until_stopped;
use commons_node::ingest::StoredEvent;
use commons_protocol::{Body, OrgId, VoteChoice};
use serde_json::json;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::{Stream, StreamExt};

use crate::AppState;
use crate::i18n::Tr;
use crate::security::Staff;
use crate::view::{OrgDirectory, now_ms, record_path};

/// The event stream's route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

async fn events(
    State(state): State<AppState>,
    staff: Staff,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stopping = state.stopping();
    let records = BroadcastStream::new(state.node().ingest.subscribe())
        .then(move |stored| {
            let state = state.clone();
            let tr = staff.tr.clone();
            async move { to_event(&state, &tr, stored).await }
        })
        .filter_map(|event| event);
    sse_until_stopped(records, stopping)
}

async fn to_event(
    state: &AppState,
    tr: &Tr,
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
                Body::Application(application) if stored.org != ours => {
                    let roster = state.node().roster();
                    let subject = application.org;
                    if !roster.is_member(&subject) && !roster.tally(&subject).admit.contains(&ours)
                    {
                        let name = org_name(state, subject).await;
                        vote_waits(
                            &mut data,
                            &subject,
                            tr.text("home-vote-admit", "org", &name),
                        );
                    }
                }
                Body::Vote(vote) if stored.org != ours && vote.choice == VoteChoice::Remove => {
                    let roster = state.node().roster();
                    let subject = vote.subject;
                    let tally = roster.tally(&subject);
                    if subject != ours && tally.member && !tally.remove.contains(&ours) {
                        let name = org_name(state, subject).await;
                        vote_waits(
                            &mut data,
                            &subject,
                            tr.text("home-vote-remove", "org", &name),
                        );
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

/// Marks `data` as a vote that waits for our org on `subject`: it notifies, says
/// `title`, and leads to the org's page.
fn vote_waits(data: &mut serde_json::Value, subject: &OrgId, title: String) {
    data["href"] = json!(format!("/members/{subject}"));
    data["title"] = json!(title);
    data["notify"] = json!(true);
}

/// `org`'s name as the pages show it (read off the async threads), or its id.
async fn org_name(state: &AppState, org: OrgId) -> String {
    let charter = state.node().charter.clone();
    match state
        .read(move |store| OrgDirectory::read(store, &charter))
        .await
    {
        Ok(names) => names.name(&org),
        Err(_) => org.to_string(),
    }
}
