//! `POST /v1/publish/*` and `POST /v1/records`: the "created" step of a record's path
//! when an operator (or a script) creates it. A case study, campaign or profile with
//! `"revises": "rec_…"` is published as a new version of that record (its original, or
//! any version of it: [`crate::revisions::versions_to_revise`]). The governance
//! endpoints (profile, application, vote, revocation) publish as this node's device too; a revocation's
//! root signature is made by the CLI from the data dir's `root.key`, so the root key
//! never enters the daemon. Each request, parsed with its type of the contract
//! ([`super::contract::requests`]), becomes a [`Body`] here;
//! the record's own rules (an empty title…) are the protocol's, checked when the
//! publisher signs, and come back as 422. Nothing is written here: every record goes
//! through [`crate::publish::PublishHandle::publish`] or the one ingest path.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use commons_protocol::{
    Alert, AlertResponse, Application, Body, Campaign, CampaignStatus, CampaignUpdate, OrgId,
    Practice, Profile, RecordId, Revocation, RootKey, Signature, Visibility, Vote, VoteChoice,
};

use super::contract::requests::{
    AlertRequest, ApplicationRequest, BatchItem, BatchRequest, CampaignRequest, PracticeRequest,
    ProfileRequest, RespondRequest, RetractRequest, RevocationRequest, SubmitRequest,
    UpdateRequest, VoteRequest,
};

use super::contract::records::{SeqRange, SubmitAnswer};
use super::contract::{
    BatchAnswer, BatchOutcome, BatchResult, ErrorAnswer, PublishAnswer, Published,
};
use super::error::{ApiError, ApiJson};
use super::json::{FromText, from_hex};
use super::{ApiState, read_store};
use crate::clock::now_ms;
use crate::ingest::{Ingested, Source};
use crate::revisions::{self, ReviseError};

/// The language of a case study when the request names none.
pub const DEFAULT_LANGUAGE: &str = "en";
/// The licence of a case study when the request names none.
pub const DEFAULT_LICENCE: &str = "CC-BY-4.0";
/// How long an alert stays current when the request says nothing: one week.
pub const DEFAULT_ALERT_HOURS: u64 = 168;

const HOUR_MS: u64 = 3_600_000;

/// The value of a text field of a request body, which its type already checked while
/// the body was parsed ([`super::contract::requests::checked`]): this cannot fail then.
pub(super) fn parsed<T: FromText>(text: &str) -> Result<T, ApiError> {
    T::parse_text(text).map_err(|error| ApiError::bad_request("bad_json", error))
}

/// [`parsed`] for a field that may be left out.
fn parsed_option<T: FromText>(text: Option<&str>) -> Result<Option<T>, ApiError> {
    text.map(parsed).transpose()
}

impl PracticeRequest {
    fn into_body(self) -> Result<Body, ApiError> {
        Ok(Body::Practice(Practice {
            title: self.title,
            summary: self.summary,
            body: self.body,
            themes: self.themes,
            regions: self.regions,
            language: self.language.unwrap_or_else(|| DEFAULT_LANGUAGE.to_owned()),
            licence: self.licence.unwrap_or_else(|| DEFAULT_LICENCE.to_owned()),
            links: self.links,
            visibility: parsed_option(self.visibility.as_deref())?.unwrap_or(Visibility::Members),
            attachments: self
                .attachments
                .into_iter()
                .map(super::attachments::into_attachment)
                .collect::<Result<_, _>>()?,
        }))
    }
}

impl CampaignRequest {
    fn into_body(self) -> Result<Body, ApiError> {
        Ok(Body::Campaign(Campaign {
            title: self.title,
            goals: self.goals,
            partners: self
                .partners
                .iter()
                .map(|partner| parsed(partner))
                .collect::<Result<_, _>>()?,
            status: parsed_option(self.status.as_deref())?.unwrap_or(CampaignStatus::Active),
        }))
    }
}

impl UpdateRequest {
    fn into_body(self) -> Result<Body, ApiError> {
        Ok(Body::CampaignUpdate(CampaignUpdate {
            campaign: parsed(&self.campaign)?,
            status: parsed_option(self.status.as_deref())?,
            body: self.body,
        }))
    }
}

impl AlertRequest {
    fn into_body(self, now_ms: u64) -> Result<Body, ApiError> {
        let expires_at_ms = match (self.expires_in_hours, self.expires_at_ms) {
            (Some(_), Some(_)) => {
                return Err(ApiError::bad_request(
                    "bad_field",
                    "give either expires_in_hours or expires_at_ms, not both",
                ));
            }
            (None, Some(at)) => at,
            (Some(0), None) => {
                return Err(ApiError::bad_request(
                    "bad_field",
                    "expires_in_hours must be at least 1",
                ));
            }
            (hours, None) => {
                now_ms.saturating_add(hours.unwrap_or(DEFAULT_ALERT_HOURS).saturating_mul(HOUR_MS))
            }
        };
        Ok(Body::Alert(Alert {
            severity: parsed(&self.severity)?,
            region: self.region,
            title: self.title,
            body: self.body,
            action_requested: self.action_requested,
            expires_at_ms,
        }))
    }
}

impl RespondRequest {
    fn into_body(self) -> Result<Body, ApiError> {
        Ok(Body::AlertResponse(AlertResponse {
            alert: parsed(&self.alert)?,
            response: parsed(&self.response)?,
            note: self.note,
        }))
    }
}

impl ProfileRequest {
    fn into_body(self) -> Body {
        Body::Profile(Profile {
            name: self.name,
            country: self.country,
            region: self.region,
            website: self.website,
            working_groups: self.working_groups,
            languages: self.languages,
            description: self.description,
        })
    }
}

impl VoteRequest {
    fn into_body(self) -> Result<Body, ApiError> {
        let new_root: Option<RootKey> = parsed_option(self.new_root.as_deref())?;
        let choice = match (self.choice.as_str(), new_root) {
            ("admit", None) => VoteChoice::Admit,
            ("remove", None) => VoteChoice::Remove,
            ("recover", Some(new_root)) => VoteChoice::Recover { new_root },
            ("recover", None) => {
                return Err(ApiError::bad_request(
                    "bad_field",
                    "a recover vote names the org's new root key: give new_root (root_…)",
                ));
            }
            ("admit" | "remove", Some(_)) => {
                return Err(ApiError::bad_request(
                    "bad_field",
                    "new_root goes only with the choice `recover`",
                ));
            }
            (other, _) => {
                return Err(ApiError::bad_request(
                    "bad_field",
                    format!("`{other}` is not a vote: use admit, remove or recover"),
                ));
            }
        };
        Ok(Body::Vote(Vote {
            subject: parsed(&self.subject)?,
            choice,
        }))
    }
}

impl RevocationRequest {
    fn into_body(self, org: OrgId) -> Result<Body, ApiError> {
        let signature: [u8; 64] = from_hex(self.root_signature.trim())
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "bad_hex",
                    "`root_signature` must be the root key's 64-byte signature as 128 hex digits",
                )
            })?;
        Ok(Body::Revocation(Revocation {
            org,
            device: parsed(&self.device)?,
            from_seq: self.from_seq,
            root: parsed(&self.root)?,
            root_signature: Signature::from_bytes(signature),
        }))
    }
}

/// The most records one `POST /v1/publish/batch` publishes.
pub const MAX_BATCH_RECORDS: usize = 1024;
/// The largest `POST /v1/publish/batch` body.
pub const MAX_BATCH_BODY_BYTES: usize = 8 * 1024 * 1024;

/// `POST /v1/publish/batch`: many case studies, campaigns and updates in one request,
/// signed in order and stored in as few group commits as the publisher's batch allows.
/// Each record is answered on its own; one refused (an empty title) takes no seq and
/// does not stop the others.
pub(super) async fn batch(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<BatchRequest>,
) -> Result<(StatusCode, Json<BatchAnswer>), ApiError> {
    let count = request.records.len();
    if count == 0 {
        return Err(ApiError::bad_request(
            "empty_batch",
            "`records` is empty: nothing to publish",
        ));
    }
    if count > MAX_BATCH_RECORDS {
        return Err(ApiError::bad_request(
            "too_many",
            format!(
                "{count} records in one batch; at most {MAX_BATCH_RECORDS}: send the rest in \
                 another request"
            ),
        ));
    }
    let mut bodies = Vec::with_capacity(count);
    for (index, item) in request.records.into_iter().enumerate() {
        let (revises, body) = match item {
            BatchItem::Practice(request) => (request.revises.is_some(), request.into_body()?),
            BatchItem::Campaign(request) => (request.revises.is_some(), request.into_body()?),
            BatchItem::Update(request) => (false, request.into_body()?),
        };
        if revises {
            return Err(ApiError::bad_request(
                "revises_in_batch",
                format!(
                    "record {index} revises another: publish new versions one at a time \
                     (POST /v1/publish/practice or /campaign with `revises`)"
                ),
            ));
        }
        bodies.push(body);
    }
    let files: Vec<_> = bodies
        .iter()
        .flat_map(|body| body.attachments().iter().cloned())
        .collect();
    super::attachments::check_files(&state, files).await?;
    let results = state.node.publisher.publish_many(bodies).await;
    let published = results.iter().filter(|result| result.is_ok()).count();
    let results: Vec<BatchResult> = results
        .into_iter()
        .enumerate()
        .map(|(index, result)| BatchResult {
            index: index as u64,
            outcome: match result {
                Ok(published) => BatchOutcome::Published(published_answer(&published)),
                Err(error) => {
                    let error = ApiError::from(error);
                    BatchOutcome::Refused(ErrorAnswer {
                        error: error.message,
                        reason: error.reason.to_owned(),
                    })
                }
            },
        })
        .collect();
    Ok((
        StatusCode::OK,
        Json(BatchAnswer {
            published: published as u64,
            refused: (count - published) as u64,
            results,
        }),
    ))
}

/// A publish's `201` and its answer.
pub(super) type Created = (StatusCode, Json<PublishAnswer>);

pub(super) async fn publish(state: &ApiState, body: Body) -> Result<Created, ApiError> {
    let published = state.node.publisher.publish(body).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublishAnswer::from(published_answer(&published))),
    ))
}

/// What every publish answers: the new record's id, seq and timestamp.
pub(super) fn published_answer(published: &crate::publish::Published) -> Published {
    Published {
        id: published.id.to_string(),
        seq: published.seq,
        timestamp_ms: published.timestamp_ms,
    }
}

/// Publishes `body`, or a new version of the record `revises` names with `body` as its
/// content: that record must be held, this org's, of `body`'s kind and not retracted
/// (404, 422, 409).
async fn publish_or_revise(
    state: &ApiState,
    revises: Option<String>,
    body: Body,
) -> Result<Created, ApiError> {
    let Some(named) = parsed_option::<RecordId>(revises.as_deref())? else {
        return publish(state, body).await;
    };
    let Some(kind) = body.kind() else {
        return Err(ApiError::internal("a published body has a kind"));
    };
    let org = state.node.org;
    let versions = read_store_revise(state, move |store| {
        revisions::versions_to_revise(store, &named, org, kind)
    })
    .await?;
    let original = versions.original.record.id();
    let revision = revisions::revision_body(original, &body).ok_or_else(|| {
        ApiError::bad_request(
            "wrong_kind",
            "only profiles, case studies and campaigns have versions",
        )
    })?;
    let (status, Json(mut answer)) = publish(state, revision).await?;
    answer.original = Some(original.to_string());
    answer.versions = Some(versions.count() as u64 + 1);
    Ok((status, Json(answer)))
}

/// Runs a store read that checks a revision off the async threads.
async fn read_store_revise<T, F>(state: &ApiState, read: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn crate::store::Store) -> Result<T, ReviseError> + Send + 'static,
{
    let store = state.node.store.clone();
    tokio::task::spawn_blocking(move || read(store.as_ref()))
        .await
        .map_err(|error| ApiError::internal(format!("a store read failed: {error}")))?
        .map_err(|error| {
            let message = error.to_string();
            match error {
                ReviseError::NotHeld(_) | ReviseError::OriginalNotHeld { .. } => {
                    ApiError::not_found(message)
                }
                ReviseError::Retracted(_) => {
                    ApiError::new(StatusCode::CONFLICT, "revision_of_retracted", message)
                }
                ReviseError::OtherOrg(_) => {
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "other_org", message)
                }
                ReviseError::WrongKind { .. } => {
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "wrong_kind", message)
                }
                ReviseError::Store(store) => ApiError::store(&store),
            }
        })
}

pub(super) async fn practice(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<PracticeRequest>,
) -> Result<Created, ApiError> {
    let revises = request.revises.clone();
    let body = request.into_body()?;
    super::attachments::check_files(&state, body.attachments().to_vec()).await?;
    publish_or_revise(&state, revises, body).await
}

pub(super) async fn campaign(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<CampaignRequest>,
) -> Result<Created, ApiError> {
    let revises = request.revises.clone();
    publish_or_revise(&state, revises, request.into_body()?).await
}

pub(super) async fn update(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<UpdateRequest>,
) -> Result<Created, ApiError> {
    publish(&state, request.into_body()?).await
}

pub(super) async fn alert(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<AlertRequest>,
) -> Result<Created, ApiError> {
    publish(&state, request.into_body(now_ms())?).await
}

pub(super) async fn respond(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<RespondRequest>,
) -> Result<Created, ApiError> {
    publish(&state, request.into_body()?).await
}

/// A retraction of a version retracts every version: one retraction per version is
/// published ([`revisions::retractions`]), the one named last, and the answer is its.
pub(super) async fn retract(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<RetractRequest>,
) -> Result<Created, ApiError> {
    let target: RecordId = parsed(&request.target)?;
    let (reason, org) = (request.reason, state.node.org);
    let bodies = read_store(&state, move |store| {
        revisions::retractions(store, target, org, &reason)
    })
    .await?;
    let mut also = Vec::new();
    let mut last = None;
    for body in bodies {
        if let Body::Retraction(retraction) = &body
            && retraction.target != target
        {
            also.push(retraction.target.to_string());
        }
        last = Some(publish(&state, body).await?);
    }
    let (status, Json(mut answer)) =
        last.ok_or_else(|| ApiError::internal("a retraction names its target"))?;
    answer.also_retracted = also;
    Ok((status, Json(answer)))
}

pub(super) async fn profile(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<ProfileRequest>,
) -> Result<Created, ApiError> {
    let revises = request.revises.clone();
    publish_or_revise(&state, revises, request.into_body()).await
}

pub(super) async fn application(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<ApplicationRequest>,
) -> Result<Created, ApiError> {
    let body = Body::Application(Application {
        org: state.node.org,
        statement: request.statement,
    });
    publish(&state, body).await
}

pub(super) async fn vote(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<VoteRequest>,
) -> Result<Created, ApiError> {
    publish(&state, request.into_body()?).await
}

pub(super) async fn revocation(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<RevocationRequest>,
) -> Result<Created, ApiError> {
    publish(&state, request.into_body(state.node.org)?).await
}

/// Pre-signed record bytes, ingested like an imported record.
pub(super) async fn submit(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<SubmitRequest>,
) -> Result<(StatusCode, Json<SubmitAnswer>), ApiError> {
    let bytes = from_hex(request.signed.trim()).ok_or_else(|| {
        ApiError::bad_request(
            "bad_hex",
            "`signed` must be the signed record's bytes as hex digits",
        )
    })?;
    let outcome = state
        .node
        .ingest
        .submit(bytes.clone(), Source::Import)
        .await?;
    Ok(match outcome {
        Ingested::Stored { id, missing } => (
            StatusCode::CREATED,
            Json(SubmitAnswer::Stored {
                id: id.to_string(),
                missing: missing.map(|range| SeqRange {
                    first: range.first,
                    last: range.last,
                }),
            }),
        ),
        Ingested::Duplicate { id } => (
            StatusCode::OK,
            Json(SubmitAnswer::Duplicate { id: id.to_string() }),
        ),
        Ingested::Fork { proof } => {
            let (first, second) = proof.records();
            let (mine, other) = if first.signed_bytes() == bytes.as_slice() {
                (first, second)
            } else {
                (second, first)
            };
            (
                StatusCode::OK,
                Json(SubmitAnswer::Fork {
                    id: mine.id().to_string(),
                    conflicts_with: other.id().to_string(),
                    author: proof.author().to_string(),
                    seq: proof.seq(),
                }),
            )
        }
    })
}
