//! `GET /v1/alerts` and `GET /v1/alerts/{id}`: who has seen an alert, the read step of
//! the System of Solidarity. The list gives the newest alerts with how many member orgs
//! are in each state; one alert gives every member org asked (all but the raiser) with
//! its latest answer or `not_yet`. Both read [`crate::alert_status`].

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use commons_protocol::OrgId;
use serde::Deserialize;

use super::contract::alerts::{
    AlertAnswer, AlertCounts, AlertOrg, AlertSummary, AlertText, AlertsPage,
};
use super::error::{ApiError, ApiPath, ApiQuery};
use super::json::{Cursor, Text, TextEnum, alert_body};
use super::reads::{Introductions, introductions};
use super::{ApiState, read_store};
use crate::alert_status::{self, AlertWithStatus, Counts, Found};
use crate::clock::now_ms;
use crate::store::MAX_QUERY_LIMIT;

/// Alerts per page of `GET /v1/alerts` when the request names no limit.
pub const DEFAULT_ALERT_PAGE: usize = 20;

/// `GET /v1/alerts` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListParams {
    limit: Option<usize>,
    before: Option<Text<Cursor>>,
}

pub(super) async fn list(
    State(state): State<Arc<ApiState>>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<AlertsPage>, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_ALERT_PAGE);
    if !(1..=MAX_QUERY_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "bad_query",
            format!("limit must be between 1 and {MAX_QUERY_LIMIT}"),
        ));
    }
    let before = params
        .before
        .map(|cursor| (cursor.0.timestamp_ms, cursor.0.id));
    let roster = state.node.roster();
    let (alerts, more) = read_store(&state, move |store| {
        alert_status::recent(store, &roster, limit, before)
    })
    .await?;
    let known = introductions(&state).await?;
    let now = now_ms();
    let next = alerts
        .last()
        .filter(|_| more)
        .map(|last| Cursor::after(&last.stored.record).to_string());
    let alerts = alerts
        .iter()
        .map(|found| summary(&state, found, &known, now))
        .collect();
    Ok(Json(AlertsPage { alerts, next }))
}

pub(super) async fn show(
    State(state): State<Arc<ApiState>>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AlertAnswer>, ApiError> {
    let id = super::record_id_in_path(&id, "An alert's id", "commons alerts list")?;
    let roster = state.node.roster();
    let found = read_store(&state, move |store| alert_status::read(store, &roster, &id)).await?;
    let found = match found {
        Found::Alert(found) => found,
        Found::NotAnAlert { kind } => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_an_alert",
                format!(
                    "record {id} is of kind {kind}, not an alert; `commons alerts list` lists \
                     the alerts"
                ),
            ));
        }
        Found::Retracted => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "retracted",
                format!(
                    "alert {id} was retracted by its org; `commons records show {id}` shows \
                     the retraction"
                ),
            ));
        }
        Found::Nothing => {
            return Err(ApiError::not_found(format!(
                "this node holds no alert {id}: it may not have reached this node yet (see \
                 `commons sync`), or the id is mistyped"
            )));
        }
    };
    let known = introductions(&state).await?;
    let orgs = found
        .status
        .orgs
        .iter()
        .map(|each| {
            let latest = each.answer.as_ref();
            AlertOrg {
                org: each.org.to_string(),
                name: name(&known, &each.org),
                ours: each.org == state.node.org,
                state: latest
                    .map_or("not_yet", |latest| latest.response.text())
                    .to_owned(),
                timestamp_ms: latest.map(|latest| latest.timestamp_ms),
                note: latest.map(|latest| latest.note.clone()),
                response: latest.map(|latest| latest.record.to_string()),
            }
        })
        .collect();
    Ok(Json(AlertAnswer {
        alert: summary(&state, &found, &known, now_ms()),
        responses_cut: found.status.cut,
        orgs,
    }))
}

fn name(known: &Introductions, org: &OrgId) -> Option<String> {
    known.names.get(org).map(|(name, _)| name.clone())
}

/// An alert's summary and its counts, as both endpoints show it.
fn summary(
    state: &ApiState,
    found: &AlertWithStatus,
    known: &Introductions,
    now: u64,
) -> AlertSummary {
    let header = found.stored.record.record();
    let raiser = found.stored.org;
    AlertSummary {
        id: found.stored.record.id().to_string(),
        org: raiser.to_string(),
        org_name: name(known, &raiser),
        ours: raiser == state.node.org,
        timestamp_ms: header.timestamp_ms,
        counts: counts(&found.status.counts),
        our_state: found
            .status
            .answer_of(&state.node.org)
            .map(|latest| latest.response.text().to_owned()),
        text: found.alert().map(|alert| AlertText {
            alert: alert_body(alert),
            expired: alert.expires_at_ms <= now,
        }),
    }
}

fn counts(counts: &Counts) -> AlertCounts {
    AlertCounts {
        acknowledged: counts.acknowledged as u64,
        acting: counts.acting as u64,
        shared: counts.shared as u64,
        not_yet: counts.not_yet as u64,
        responded: counts.responded() as u64,
        asked: counts.asked() as u64,
    }
}
