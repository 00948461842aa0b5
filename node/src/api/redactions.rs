//! `/v1/redactions` and `/v1/publish/redaction`: records the members voted to redact,
//! with each tally as the roster counts it (docs/protocol.md §10.7), and this org's
//! vote, checked by `crate::redactions` and published through the one publish path.
//! The API reads the store and asks the node to publish; it never writes to the store.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use commons_protocol::{OrgId, RecordId, RedactionTally};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ApiError, ApiJson, ApiQuery};
use super::json::Text;
use super::publish::{Created, published_json};
use super::reads::introductions;
use super::{ApiState, read_store};
use crate::redactions::{Proposal, RedactionError, VoteError, proposals, vote};

/// `POST /v1/publish/redaction`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RedactionRequest {
    target: Text<RecordId>,
    reason: String,
}

/// `GET /v1/redactions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RedactionsParams {
    target: Option<Text<RecordId>>,
}

fn org_json(org: Option<OrgId>, names: &BTreeMap<OrgId, String>) -> Value {
    match org {
        Some(org) => json!({
            "org": org.to_string(),
            "name": names.get(&org),
        }),
        None => Value::Null,
    }
}

fn tally_json(tally: &RedactionTally, own: &OrgId) -> Value {
    json!({
        "target": tally.target.to_string(),
        "author_device": tally.author.to_string(),
        "votes": tally.votes.len(),
        "needed": tally.needed,
        "decided_by": tally.decided.map(|vote| vote.to_string()),
        "voted": tally.votes.iter().any(|(voter, _)| voter == own),
    })
}

fn proposal_json(proposal: &Proposal, names: &BTreeMap<OrgId, String>, own: &OrgId) -> Value {
    let mut shown = tally_json(&proposal.tally, own);
    if let Some(fields) = shown.as_object_mut() {
        fields.insert(
            "author".to_owned(),
            org_json(proposal.tally.author_org, names),
        );
        fields.insert(
            "kind".to_owned(),
            json!(proposal.kind.map(commons_protocol::BodyKind::name)),
        );
        fields.insert("content_gone".to_owned(), json!(proposal.gone));
        fields.insert(
            "cast".to_owned(),
            proposal
                .votes
                .iter()
                .map(|cast| {
                    json!({
                        "org": cast.org.to_string(),
                        "name": names.get(&cast.org),
                        "vote": cast.vote.to_string(),
                        "reason": cast.reason,
                        "timestamp_ms": cast.timestamp_ms,
                    })
                })
                .collect(),
        );
    }
    shown
}

pub(super) async fn list(
    State(state): State<Arc<ApiState>>,
    ApiQuery(params): ApiQuery<RedactionsParams>,
) -> Result<Json<Value>, ApiError> {
    let roster = state.node.roster();
    let target = params.target.map(|Text(id)| id);
    let held = read_store(&state, move |store| proposals(store, &roster, target)).await?;
    let names: BTreeMap<OrgId, String> = introductions(&state)
        .await?
        .names
        .into_iter()
        .map(|(org, (name, _))| (org, name))
        .collect();
    let own = state.node.org;
    Ok(Json(json!({
        "redactions": held
            .iter()
            .map(|proposal| proposal_json(proposal, &names, &own))
            .collect::<Vec<_>>(),
    })))
}

pub(super) async fn publish(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<RedactionRequest>,
) -> Result<Created, ApiError> {
    let (published, tally) = vote(&state.node, request.target.0, request.reason)
        .await
        .map_err(|error| match error {
            VoteError::Refused(refused) => refusal(refused),
            VoteError::Publish(ingest) => ApiError::from(ingest),
            other => ApiError::internal(other.to_string()),
        })?;
    let mut answer = published_json(&published);
    if let Some(fields) = answer.as_object_mut() {
        fields.insert("tally".to_owned(), tally_json(&tally, &state.node.org));
    }
    Ok((StatusCode::CREATED, Json(answer)))
}

fn refusal(error: RedactionError) -> ApiError {
    let (status, reason) = match &error {
        RedactionError::Store(store) => return ApiError::store(store),
        RedactionError::NotHeld(_) => return ApiError::not_found(error.to_string()),
        RedactionError::NoReason => (StatusCode::BAD_REQUEST, error.reason()),
        RedactionError::NotRedactable { .. } | RedactionError::OwnRecord(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, error.reason())
        }
        _ => (StatusCode::CONFLICT, error.reason()),
    };
    ApiError::new(status, reason, error.to_string())
}
