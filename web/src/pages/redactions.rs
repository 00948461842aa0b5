//! Redaction by the members' vote in the web app: on a case study's page, its members'
//! staff see whether a redaction was requested, the tally and the reasons, and request
//! one or add their vote; `/redactions` lists every request. The checks and the tally
//! are the node's ([`commons_node::redactions`], the roster's fold); the page never
//! writes to the store: its vote goes through the one publish path, and dropping the
//! content is ingest's.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use commons_node::redactions::{Proposal, RedactionError, VoteError, proposals, vote};
use commons_node::store::{Store, StoreError};
use commons_protocol::{Body, BodyKind, OrgId, RecordId, Roster};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::{ArgValue, Tr};
use crate::page::{Layout, PageResult, Section, render};
use crate::pages::cases::MAX_REASON_CHARS;
use crate::security::{Posted, Staff};
use crate::view::{self, OrgDirectory};

/// The redaction pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/redactions", get(list_page))
        .route("/cases/{id}/redact", get(redact_form).post(redact_posted))
}

/// One org's vote, as a page shows it.
#[derive(Debug, Clone)]
pub struct CastLine {
    /// The voting org's name.
    pub org: String,
    /// Its reason.
    pub reason: String,
    /// When it voted.
    pub when: String,
}

/// What a record's page shows of its redaction.
#[derive(Debug, Clone)]
pub struct RedactionPanel {
    /// "1 of 2 votes needed", once someone asked.
    pub tally: Option<String>,
    /// The votes, oldest first.
    pub cast: Vec<CastLine>,
    /// Our org has voted.
    pub voted: bool,
    /// The button that leads to the vote, if our staff may vote.
    pub action: Option<String>,
    /// What the panel says under it.
    pub hint: String,
}

fn tally_text(t: &Tr, proposal: &Proposal) -> String {
    t.with(
        "redaction-tally",
        &[
            ("votes", ArgValue::Number(proposal.tally.votes.len() as u64)),
            ("needed", ArgValue::Number(proposal.tally.needed as u64)),
        ],
    )
}

fn cast_lines(t: &Tr, proposal: &Proposal, names: &OrgDirectory) -> Vec<CastLine> {
    proposal
        .votes
        .iter()
        .map(|cast| CastLine {
            org: names.name(&cast.org),
            reason: cast.reason.clone(),
            when: t.date(cast.timestamp_ms),
        })
        .collect()
}

/// The panel of a record `author_org` published, for our staff: the tally and reasons
/// if someone asked, and the way to ask or vote if our org may.
pub fn panel(
    t: &Tr,
    proposal: Option<&Proposal>,
    roster: &Roster,
    ours: OrgId,
    author_org: OrgId,
    names: &OrgDirectory,
) -> RedactionPanel {
    let voted = proposal.is_some_and(|p| p.tally.votes.iter().any(|(org, _)| *org == ours));
    let may_vote = author_org != ours && roster.is_member(&ours) && !voted;
    let asked = proposal.is_some_and(|p| !p.votes.is_empty());
    RedactionPanel {
        tally: proposal.filter(|_| asked).map(|p| tally_text(t, p)),
        cast: proposal.map_or_else(Vec::new, |p| cast_lines(t, p, names)),
        voted,
        action: may_vote.then(|| {
            t.msg(if asked {
                "redaction-vote-action"
            } else {
                "redaction-request-action"
            })
        }),
        hint: t.msg(if author_org == ours {
            "redaction-hint-ours"
        } else if voted {
            "redaction-hint-voted"
        } else if asked {
            "redaction-hint-asked"
        } else {
            "redaction-hint"
        }),
    }
}

/// The proposal on `id`, if any member voted to redact it.
pub fn proposal_on(
    store: &dyn Store,
    roster: &Roster,
    id: RecordId,
) -> Result<Option<Proposal>, StoreError> {
    Ok(proposals(store, roster, Some(id))?.into_iter().next())
}

// ---- the list ----

/// The words for what kind of record a request is about.
fn kind_message(kind: Option<BodyKind>, gone: bool) -> &'static str {
    match kind {
        _ if gone => "redactions-kind-gone",
        Some(BodyKind::Practice) | Some(BodyKind::Revision) => "redactions-kind-practice",
        Some(BodyKind::Campaign) | Some(BodyKind::CampaignUpdate) => "redactions-kind-campaign",
        Some(BodyKind::Alert) | Some(BodyKind::AlertResponse) => "redactions-kind-alert",
        _ => "redactions-kind-other",
    }
}

/// One request in the list.
#[derive(Debug, Clone)]
struct RequestLine {
    title: String,
    href: Option<String>,
    kind: String,
    org: String,
    tally: String,
    decided: bool,
    voted: bool,
    cast: Vec<CastLine>,
}

#[derive(Template)]
#[template(path = "redactions_list.html")]
struct ListPage {
    page: Layout,
    open: Vec<RequestLine>,
    decided: Vec<RequestLine>,
}

/// The title and page of a record still held with its content.
fn title_of(
    store: &dyn Store,
    id: &RecordId,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    Ok(store.record(id)?.map(|stored| {
        let body = &stored.record.record().body;
        let title = match body {
            Body::Practice(practice) => practice.title.clone(),
            Body::Campaign(campaign) => campaign.title.clone(),
            Body::Alert(alert) => alert.title.clone(),
            Body::Profile(profile) => profile.name.clone(),
            _ => String::new(),
        };
        (title, view::record_link(body, id))
    }))
}

async fn list_page(State(state): State<AppState>, staff: Staff) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Members, t.msg("redactions-title"));
    let charter = state.node().charter.clone();
    let roster = state.node().roster();
    let read = state
        .read(move |store| {
            let all = proposals(store, &roster, None)?;
            let mut held = Vec::with_capacity(all.len());
            for proposal in all {
                let title = title_of(store, &proposal.tally.target)?;
                held.push((proposal, title));
            }
            Ok((held, OrgDirectory::read(store, &charter)?))
        })
        .await;
    let (held, names) = match read {
        Ok(read) => read,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let ours = state.node().org;
    let (mut open, mut decided) = (Vec::new(), Vec::new());
    for (proposal, title) in held {
        let (title, href) = title.unwrap_or_default();
        let line = RequestLine {
            title: if title.trim().is_empty() {
                view::short_id(&proposal.tally.target)
            } else {
                title
            },
            href,
            kind: t.msg(kind_message(proposal.kind, proposal.gone)),
            org: proposal
                .tally
                .author_org
                .map_or_else(|| t.msg("redactions-org-unknown"), |org| names.name(&org)),
            tally: tally_text(t, &proposal),
            decided: proposal.tally.decided.is_some(),
            voted: proposal.tally.votes.iter().any(|(org, _)| *org == ours),
            cast: cast_lines(t, &proposal, &names),
        };
        if line.decided {
            decided.push(line);
        } else {
            open.push(line);
        }
    }
    Ok(render(&ListPage {
        page: layout,
        open,
        decided,
    }))
}

// ---- requesting, or adding a vote ----

#[derive(Template)]
#[template(path = "cases_redact.html")]
struct RedactPage {
    page: Layout,
    id: String,
    title: String,
    org: String,
    published: String,
    needed: String,
    tally: Option<String>,
    cast: Vec<CastLine>,
    reason: String,
    reason_error: Option<String>,
    publish_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RedactForm {
    reason: String,
}

/// A case study of another org, with its redaction so far, or the response that says
/// why our staff cannot vote on it.
struct Target {
    id: RecordId,
    title: String,
    org: String,
    published: String,
    tally: Option<String>,
    cast: Vec<CastLine>,
    needed: usize,
}

async fn target(state: &AppState, staff: &Staff, id_text: &str) -> Result<Target, Response> {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Cases, t.msg("redaction-page-title"));
    let Some(id) = id_text.trim().parse::<RecordId>().ok() else {
        return Err(layout.not_found().into_response());
    };
    let charter = state.node().charter.clone();
    // One snapshot of the roster for the tally read and the checks below.
    let roster = state.node().roster();
    let folded = roster.clone();
    let read = state
        .read(move |store| {
            let held = store.record(&id)?;
            let proposal = proposal_on(store, &folded, id)?;
            Ok((held, proposal, OrgDirectory::read(store, &charter)?))
        })
        .await;
    let (held, proposal, names) = match read {
        Ok(read) => read,
        Err(error) => return Err(layout.store_failure(&error).into_response()),
    };
    let Some(held) = held else {
        // Gone already (the page says how), or never held.
        return Err(Redirect::to(&format!("/cases/{id}")).into_response());
    };
    let header = held.record.record();
    let Body::Practice(practice) = &header.body else {
        return Err(layout.not_found().into_response());
    };
    let ours = state.node().org;
    if held.org == ours {
        return Err(layout
            .failure(StatusCode::FORBIDDEN, t.msg("redaction-refused-own"))
            .into_response());
    }
    if !roster.is_member(&ours) {
        return Err(layout
            .failure(StatusCode::FORBIDDEN, t.msg("redaction-refused-not-member"))
            .into_response());
    }
    let needed = roster.redaction_tally(&id, &header.author).needed;
    let asked = proposal.as_ref().filter(|p| !p.votes.is_empty());
    Ok(Target {
        id,
        title: practice.title.clone(),
        org: names.name(&held.org),
        published: t.date(header.timestamp_ms),
        tally: asked.map(|p| tally_text(t, p)),
        cast: asked.map_or_else(Vec::new, |p| cast_lines(t, p, &names)),
        needed,
    })
}

fn redact_page(
    state: &AppState,
    staff: &Staff,
    target: &Target,
    reason: String,
    reason_error: Option<String>,
    publish_error: Option<String>,
) -> Response {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Cases, t.msg("redaction-page-title"));
    let failed = reason_error.is_some() || publish_error.is_some();
    let page = RedactPage {
        id: target.id.to_string(),
        title: target.title.clone(),
        org: target.org.clone(),
        published: target.published.clone(),
        needed: t.count("redaction-needed", target.needed as u64),
        tally: target.tally.clone(),
        cast: target.cast.clone(),
        reason,
        reason_error,
        publish_error,
        page: layout,
    };
    let mut response = render(&page);
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

async fn redact_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id_text): Path<String>,
) -> Response {
    match target(&state, &staff, &id_text).await {
        Ok(target) => redact_page(&state, &staff, &target, String::new(), None, None),
        Err(response) => response,
    }
}

async fn redact_posted(
    State(state): State<AppState>,
    Path(id_text): Path<String>,
    Posted { staff, form }: Posted<RedactForm>,
) -> Response {
    let t = &staff.tr;
    let target = match target(&state, &staff, &id_text).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let reason = form.reason.trim().to_owned();
    let reason_error = if reason.is_empty() {
        Some(t.msg("redaction-reason-empty"))
    } else if reason.chars().count() > MAX_REASON_CHARS {
        Some(t.count("cases-retract-reason-long", MAX_REASON_CHARS))
    } else {
        None
    };
    if reason_error.is_some() {
        return redact_page(&state, &staff, &target, form.reason, reason_error, None);
    }
    match vote(state.node(), target.id, reason).await {
        Ok((_, tally)) => {
            let done = if tally.decided.is_some() {
                "redacted"
            } else {
                "redaction-voted"
            };
            Redirect::to(&format!("/cases/{}?done={done}", target.id)).into_response()
        }
        Err(error) => {
            let message = match &error {
                VoteError::Refused(RedactionError::AlreadyVoted(_)) => {
                    t.msg("redaction-refused-voted")
                }
                VoteError::Refused(RedactionError::AlreadyGone(_)) => {
                    return Redirect::to(&format!("/cases/{}", target.id)).into_response();
                }
                VoteError::Refused(RedactionError::NotMember) => {
                    t.msg("redaction-refused-not-member")
                }
                VoteError::Refused(RedactionError::OwnRecord(_)) => t.msg("redaction-refused-own"),
                VoteError::Publish(ingest) => view::refusal(t, ingest),
                other => t.text("publish-failed", "detail", &other.to_string()),
            };
            redact_page(&state, &staff, &target, form.reason, None, Some(message))
        }
    }
}
