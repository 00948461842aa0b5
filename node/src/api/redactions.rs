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

use super::contract::requests::RedactionRequest;
use super::contract::{
    self, OrgNamed, Redaction, RedactionPublished, RedactionVote, RedactionsAnswer,
};
use super::error::{ApiError, ApiJson, ApiQuery};
use super::json::Text;
use super::publish::published_answer;
use super::reads::introductions;
use super::{ApiState, read_store};
use crate::redactions::{Proposal, RedactionError, VoteError, proposals, vote};

/// `GET /v1/redactions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RedactionsParams {
    target: Option<Text<RecordId>>,
}

fn org_named(org: Option<OrgId>, names: &BTreeMap<OrgId, String>) -> Option<OrgNamed> {
    org.map(|org| OrgNamed {
        org: org.to_string(),
        name: names.get(&org).cloned(),
    })
}

fn tally_answer(tally: &RedactionTally, own: &OrgId) -> contract::RedactionTally {
    contract::RedactionTally {
        target: tally.target.to_string(),
        author_device: tally.author.to_string(),
        votes: tally.votes.len() as u64,
        needed: tally.needed as u64,
        decided_by: tally.decided.map(|vote| vote.to_string()),
        voted: tally.votes.iter().any(|(voter, _)| voter == own),
    }
}

fn redaction_answer(
    proposal: &Proposal,
    names: &BTreeMap<OrgId, String>,
    own: &OrgId,
) -> Redaction {
    Redaction {
        tally: tally_answer(&proposal.tally, own),
        author: org_named(proposal.tally.author_org, names),
        kind: proposal
            .kind
            .map(|kind| commons_protocol::BodyKind::name(kind).to_owned()),
        content_gone: proposal.gone,
        cast: proposal
            .votes
            .iter()
            .map(|cast| RedactionVote {
                org: cast.org.to_string(),
                name: names.get(&cast.org).cloned(),
                vote: cast.vote.to_string(),
                reason: cast.reason.clone(),
                timestamp_ms: cast.timestamp_ms,
            })
            .collect(),
    }
}

pub(super) async fn list(
    State(state): State<Arc<ApiState>>,
    ApiQuery(params): ApiQuery<RedactionsParams>,
) -> Result<Json<RedactionsAnswer>, ApiError> {
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
    Ok(Json(RedactionsAnswer {
        redactions: held
            .iter()
            .map(|proposal| redaction_answer(proposal, &names, &own))
            .collect(),
    }))
}

pub(super) async fn publish(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<RedactionRequest>,
) -> Result<(StatusCode, Json<RedactionPublished>), ApiError> {
    let target: RecordId = super::publish::parsed(&request.target)?;
    let (published, tally) = vote(&state.node, target, request.reason)
        .await
        .map_err(|error| match error {
            VoteError::Refused(refused) => refusal(refused),
            VoteError::Publish(ingest) => ApiError::from(ingest),
            other => ApiError::internal(other.to_string()),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(RedactionPublished {
            record: published_answer(&published),
            tally: tally_answer(&tally, &state.node.org),
        }),
    ))
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
