//! Redaction by the members' vote in the web app: on the page of a case study, a
//! campaign or an alert, under each update of a campaign's timeline and each response
//! to an alert, and on another org's page under its profile, members' staff
//! see whether a redaction was requested, the tally and the reasons, and request one or
//! add their vote; `/redactions` lists every request. The checks and the tally
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
use commons_node::revisions::latest_body;
use commons_node::store::{Store, StoreError, StoredRecord};
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
        .route("/cases/{id}/redact", get(case_form).post(case_posted))
        .route(
            "/campaigns/{id}/updates/{update}/redact",
            get(update_form).post(update_posted),
        )
        .route("/alerts/{id}/redact", get(alert_form).post(alert_posted))
        .route(
            "/alerts/{id}/responses/{response}/redact",
            get(response_form).post(response_posted),
        )
        .route(
            "/campaigns/{id}/redact",
            get(campaign_form).post(campaign_posted),
        )
        .route(
            "/members/{org}/profiles/{profile}/redact",
            get(profile_form).post(profile_posted),
        )
}

/// What a redaction is about: the app offers the vote on case studies, campaigns, their
/// updates, alerts and their responses, and orgs' profiles, where a defender's name or
/// whereabouts are written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redactable {
    /// A case study, on its own page.
    CaseStudy,
    /// An update on a campaign's timeline.
    CampaignUpdate,
    /// A solidarity alert, on its own page.
    Alert,
    /// A campaign (all its versions), on its own page.
    Campaign,
    /// A member org's response to an alert, on the alert's page.
    AlertResponse,
    /// An org's profile (all its versions), on the org's page.
    Profile,
}

/// The message ids a redaction's panel and page use, by what is redacted: the words
/// differ in grammar (gender, pronoun) from one language to another.
#[derive(Debug)]
pub struct Wording {
    pub tally: &'static str,
    pub request_action: &'static str,
    pub vote_action: &'static str,
    pub page_title: &'static str,
    pub what: &'static str,
    pub needed: &'static str,
    pub author_cannot_block: &'static str,
    pub reason: &'static str,
    pub reason_hint: &'static str,
    pub confirm: &'static str,
    pub refused_own: &'static str,
    pub refused_voted: &'static str,
    pub hint: &'static str,
    pub hint_asked: &'static str,
    pub hint_voted: &'static str,
    pub hint_ours: &'static str,
}

impl Wording {
    /// Every message id it names.
    pub fn ids(&self) -> [&'static str; 16] {
        [
            self.tally,
            self.request_action,
            self.vote_action,
            self.page_title,
            self.what,
            self.needed,
            self.author_cannot_block,
            self.reason,
            self.reason_hint,
            self.confirm,
            self.refused_own,
            self.refused_voted,
            self.hint,
            self.hint_asked,
            self.hint_voted,
            self.hint_ours,
        ]
    }
}

const CASE_STUDY_WORDING: Wording = Wording {
    tally: "redaction-tally",
    request_action: "redaction-request-action",
    vote_action: "redaction-vote-action",
    page_title: "redaction-page-title",
    what: "redaction-what",
    needed: "redaction-needed",
    author_cannot_block: "redaction-author-cannot-block",
    reason: "redaction-reason",
    reason_hint: "redaction-reason-hint",
    confirm: "redaction-confirm",
    refused_own: "redaction-refused-own",
    refused_voted: "redaction-refused-voted",
    hint: "redaction-hint",
    hint_asked: "redaction-hint-asked",
    hint_voted: "redaction-hint-voted",
    hint_ours: "redaction-hint-ours",
};

const CAMPAIGN_UPDATE_WORDING: Wording = Wording {
    tally: "redaction-update-tally",
    request_action: "redaction-update-request-action",
    vote_action: "redaction-update-vote-action",
    page_title: "redaction-update-page-title",
    what: "redaction-update-what",
    needed: "redaction-update-needed",
    author_cannot_block: "redaction-update-author-cannot-block",
    reason: "redaction-update-reason",
    reason_hint: "redaction-update-reason-hint",
    confirm: "redaction-update-confirm",
    refused_own: "redaction-update-refused-own",
    refused_voted: "redaction-update-refused-voted",
    // The timeline says these once, under its updates, not for each.
    hint: "redaction-update-hint",
    hint_asked: "redaction-update-hint",
    hint_voted: "redaction-update-voted",
    hint_ours: "redaction-update-hint",
};

const CAMPAIGN_WORDING: Wording = Wording {
    tally: "redaction-campaign-tally",
    request_action: "redaction-request-action",
    vote_action: "redaction-vote-action",
    page_title: "redaction-campaign-page-title",
    what: "redaction-campaign-what",
    needed: "redaction-campaign-needed",
    author_cannot_block: "redaction-campaign-author-cannot-block",
    reason: "redaction-campaign-reason",
    reason_hint: "redaction-campaign-reason-hint",
    confirm: "redaction-campaign-confirm",
    refused_own: "redaction-campaign-refused-own",
    refused_voted: "redaction-campaign-refused-voted",
    hint: "redaction-campaign-hint",
    hint_asked: "redaction-campaign-hint-asked",
    hint_voted: "redaction-campaign-hint-voted",
    hint_ours: "redaction-campaign-hint-ours",
};

const ALERT_RESPONSE_WORDING: Wording = Wording {
    tally: "redaction-response-tally",
    request_action: "redaction-response-request-action",
    vote_action: "redaction-response-vote-action",
    page_title: "redaction-response-page-title",
    what: "redaction-response-what",
    needed: "redaction-response-needed",
    author_cannot_block: "redaction-response-author-cannot-block",
    reason: "redaction-response-reason",
    reason_hint: "redaction-response-reason-hint",
    confirm: "redaction-response-confirm",
    refused_own: "redaction-response-refused-own",
    refused_voted: "redaction-response-refused-voted",
    // The list of responses says these once, under it, not for each.
    hint: "redaction-response-hint",
    hint_asked: "redaction-response-hint",
    hint_voted: "redaction-response-voted",
    hint_ours: "redaction-response-hint",
};

const ALERT_WORDING: Wording = Wording {
    tally: "redaction-alert-tally",
    request_action: "redaction-request-action",
    vote_action: "redaction-vote-action",
    page_title: "redaction-alert-page-title",
    what: "redaction-alert-what",
    needed: "redaction-alert-needed",
    author_cannot_block: "redaction-alert-author-cannot-block",
    reason: "redaction-alert-reason",
    reason_hint: "redaction-alert-reason-hint",
    confirm: "redaction-alert-confirm",
    refused_own: "redaction-alert-refused-own",
    refused_voted: "redaction-alert-refused-voted",
    hint: "redaction-alert-hint",
    hint_asked: "redaction-alert-hint-asked",
    hint_voted: "redaction-alert-hint-voted",
    hint_ours: "redaction-alert-hint-ours",
};

const PROFILE_WORDING: Wording = Wording {
    tally: "redaction-profile-tally",
    request_action: "redaction-request-action",
    vote_action: "redaction-vote-action",
    page_title: "redaction-profile-page-title",
    what: "redaction-profile-what",
    needed: "redaction-profile-needed",
    author_cannot_block: "redaction-profile-author-cannot-block",
    reason: "redaction-profile-reason",
    reason_hint: "redaction-profile-reason-hint",
    confirm: "redaction-profile-confirm",
    refused_own: "redaction-profile-refused-own",
    refused_voted: "redaction-profile-refused-voted",
    hint: "redaction-profile-hint",
    hint_asked: "redaction-profile-hint-asked",
    hint_voted: "redaction-profile-hint-voted",
    hint_ours: "redaction-profile-hint-ours",
};

impl Redactable {
    /// The words for a record of `kind` in the list of requests: its own where the app
    /// offers the vote on that kind, else the case study's, which read right for any.
    fn of(kind: Option<BodyKind>) -> Redactable {
        match kind {
            Some(BodyKind::CampaignUpdate) => Redactable::CampaignUpdate,
            Some(BodyKind::Alert) => Redactable::Alert,
            Some(BodyKind::Campaign) => Redactable::Campaign,
            Some(BodyKind::AlertResponse) => Redactable::AlertResponse,
            Some(BodyKind::Profile) => Redactable::Profile,
            _ => Redactable::CaseStudy,
        }
    }

    /// Every kind the app offers the vote on.
    pub const ALL: [Redactable; 6] = [
        Redactable::CaseStudy,
        Redactable::CampaignUpdate,
        Redactable::Alert,
        Redactable::Campaign,
        Redactable::AlertResponse,
        Redactable::Profile,
    ];

    /// The words for this kind of record.
    pub fn wording(self) -> &'static Wording {
        match self {
            Redactable::CaseStudy => &CASE_STUDY_WORDING,
            Redactable::CampaignUpdate => &CAMPAIGN_UPDATE_WORDING,
            Redactable::Alert => &ALERT_WORDING,
            Redactable::Campaign => &CAMPAIGN_WORDING,
            Redactable::AlertResponse => &ALERT_RESPONSE_WORDING,
            Redactable::Profile => &PROFILE_WORDING,
        }
    }
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
    /// Where that button leads.
    pub href: String,
    /// What the panel says under it.
    pub hint: String,
}

fn tally_text(t: &Tr, kind: Redactable, proposal: &Proposal) -> String {
    t.with(
        kind.wording().tally,
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
    record: Redacted,
    proposal: Option<&Proposal>,
    roster: &Roster,
    ours: OrgId,
    author_org: OrgId,
    names: &OrgDirectory,
) -> RedactionPanel {
    let kind = record.kind();
    let voted = proposal.is_some_and(|p| p.tally.votes.iter().any(|(org, _)| *org == ours));
    let may_vote = author_org != ours && roster.is_member(&ours) && !voted;
    let asked = proposal.is_some_and(|p| !p.votes.is_empty());
    RedactionPanel {
        tally: proposal.filter(|_| asked).map(|p| tally_text(t, kind, p)),
        cast: proposal.map_or_else(Vec::new, |p| cast_lines(t, p, names)),
        voted,
        href: record.action(),
        action: may_vote.then(|| {
            let wording = kind.wording();
            t.msg(if asked {
                wording.vote_action
            } else {
                wording.request_action
            })
        }),
        hint: {
            let wording = kind.wording();
            t.msg(if author_org == ours {
                wording.hint_ours
            } else if voted {
                wording.hint_voted
            } else if asked {
                wording.hint_asked
            } else {
                wording.hint
            })
        },
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
        Some(BodyKind::Campaign) => "redactions-kind-campaign",
        Some(BodyKind::CampaignUpdate) => "redactions-kind-update",
        Some(BodyKind::Alert) => "redactions-kind-alert",
        Some(BodyKind::AlertResponse) => "redactions-kind-response",
        Some(BodyKind::Profile) => "redactions-kind-profile",
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

/// The title and page of a record still held with its content; a campaign update
/// goes by its campaign's title, and leads to its place on the campaign's page; a
/// profile goes by the org's name in its latest version, and leads to the org's page.
fn title_of(
    store: &dyn Store,
    id: &RecordId,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    let Some(stored) = store.record(id)? else {
        return Ok(None);
    };
    let body = &stored.record.record().body;
    let title = match body {
        Body::Practice(practice) => practice.title.clone(),
        Body::Campaign(campaign) => campaign.title.clone(),
        Body::Alert(alert) => alert.title.clone(),
        Body::Profile(_) => {
            let name = profile_name(store, &stored)?.unwrap_or_default();
            return Ok(Some((name, Some(format!("/members/{}", stored.org)))));
        }
        Body::CampaignUpdate(update) => {
            let campaign = campaign_title(store, &update.campaign)?;
            return Ok(Some((campaign, Some(update_link(&update.campaign, id)))));
        }
        Body::AlertResponse(response) => {
            let alert = alert_title(store, &response.alert)?;
            return Ok(Some((alert, Some(response_link(&response.alert, id)))));
        }
        _ => String::new(),
    };
    Ok(Some((title, view::record_link(body, id))))
}

/// The title of the campaign `id` as its page shows it (its latest version), or empty
/// when it is not held.
fn campaign_title(store: &dyn Store, id: &RecordId) -> Result<String, StoreError> {
    Ok(
        match view::read_versions(store, id)?.map(|versions| versions.latest_body()) {
            Some(Body::Campaign(campaign)) => campaign.title,
            _ => String::new(),
        },
    )
}

/// The name in the latest version of the profile `stored`, as the org's page shows it;
/// `None` when `stored` is not a profile.
fn profile_name(store: &dyn Store, stored: &StoredRecord) -> Result<Option<String>, StoreError> {
    Ok(match latest_body(store, stored)? {
        Body::Profile(profile) => Some(profile.name),
        _ => None,
    })
}

/// The title of the alert `id`, or empty when it is not held.
fn alert_title(store: &dyn Store, id: &RecordId) -> Result<String, StoreError> {
    Ok(
        match store
            .record(id)?
            .map(|stored| stored.record.record().body.clone())
        {
            Some(Body::Alert(alert)) => alert.title,
            _ => String::new(),
        },
    )
}

/// Where the response `response` to `alert` is on the alert's page.
pub fn response_link(alert: &RecordId, response: &RecordId) -> String {
    format!("/alerts/{alert}#response-{response}")
}

/// Where the update `update` of `campaign` is on the campaign's page.
pub fn update_link(campaign: &RecordId, update: &RecordId) -> String {
    format!("/campaigns/{campaign}#update-{update}")
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
            title: match proposal.kind {
                _ if !title.trim().is_empty() => title,
                // Held, while the campaign or alert it answers is gone.
                Some(BodyKind::CampaignUpdate) if !proposal.gone => {
                    t.msg("redaction-update-of-gone")
                }
                Some(BodyKind::AlertResponse) if !proposal.gone => {
                    t.msg("redaction-response-of-gone")
                }
                _ => view::short_id(&proposal.tally.target),
            },
            href,
            kind: t.msg(kind_message(proposal.kind, proposal.gone)),
            org: proposal
                .tally
                .author_org
                .map_or_else(|| t.msg("redactions-org-unknown"), |org| names.name(&org)),
            tally: tally_text(t, Redactable::of(proposal.kind), &proposal),
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
    w: &'static Wording,
    /// Where the form posts.
    action: String,
    /// The page the person came from, and goes back to without voting.
    back: String,
    /// The breadcrumb's section: its address and name.
    section_href: &'static str,
    section: String,
    title: String,
    /// The update's text, for a campaign update: which one is meant.
    excerpt: Option<String>,
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

/// The longest excerpt of a campaign update the vote's page quotes, in characters.
const MAX_EXCERPT_CHARS: usize = 400;

/// Another org's case study or campaign update, with its redaction so far, or the
/// response that says why our staff cannot vote on it.
struct Target {
    asked: Redacted,
    title: String,
    excerpt: Option<String>,
    org: String,
    published: String,
    tally: Option<String>,
    cast: Vec<CastLine>,
    needed: usize,
}

/// The record a redaction vote would be about, as an address names it: a case study,
/// an update of the campaign `campaign`, an alert, a campaign, a response to the alert
/// `alert`, or a profile of the org `org`.
#[derive(Debug, Clone, Copy)]
pub enum Redacted {
    CaseStudy(RecordId),
    CampaignUpdate {
        campaign: RecordId,
        update: RecordId,
    },
    Alert(RecordId),
    Campaign(RecordId),
    AlertResponse {
        alert: RecordId,
        response: RecordId,
    },
    Profile {
        org: OrgId,
        profile: RecordId,
    },
}

impl Redacted {
    /// What kind of record it is, for the words.
    pub fn kind(self) -> Redactable {
        match self {
            Redacted::CaseStudy(_) => Redactable::CaseStudy,
            Redacted::CampaignUpdate { .. } => Redactable::CampaignUpdate,
            Redacted::Alert(_) => Redactable::Alert,
            Redacted::Campaign(_) => Redactable::Campaign,
            Redacted::AlertResponse { .. } => Redactable::AlertResponse,
            Redacted::Profile { .. } => Redactable::Profile,
        }
    }

    fn id(self) -> RecordId {
        match self {
            Redacted::CaseStudy(id)
            | Redacted::CampaignUpdate { update: id, .. }
            | Redacted::Alert(id)
            | Redacted::Campaign(id)
            | Redacted::AlertResponse { response: id, .. }
            | Redacted::Profile { profile: id, .. } => id,
        }
    }

    /// The page the record is on.
    fn back(self) -> String {
        match self {
            Redacted::CaseStudy(id) => format!("/cases/{id}"),
            Redacted::CampaignUpdate { campaign, update } => update_link(&campaign, &update),
            Redacted::Alert(id) => format!("/alerts/{id}"),
            Redacted::Campaign(id) => format!("/campaigns/{id}"),
            Redacted::AlertResponse { alert, response } => response_link(&alert, &response),
            Redacted::Profile { org, .. } => format!("/members/{org}"),
        }
    }

    /// Where the vote's form posts.
    pub fn action(self) -> String {
        match self {
            Redacted::CaseStudy(id) => format!("/cases/{id}/redact"),
            Redacted::CampaignUpdate { campaign, update } => {
                format!("/campaigns/{campaign}/updates/{update}/redact")
            }
            Redacted::Alert(id) => format!("/alerts/{id}/redact"),
            Redacted::Campaign(id) => format!("/campaigns/{id}/redact"),
            Redacted::AlertResponse { alert, response } => {
                format!("/alerts/{alert}/responses/{response}/redact")
            }
            Redacted::Profile { org, profile } => {
                format!("/members/{org}/profiles/{profile}/redact")
            }
        }
    }

    /// Where the person lands after voting, with the notice `done`: a redacted update
    /// is gone from the timeline, so the page opens at the timeline.
    fn done(self, done: &str, redacted: bool) -> String {
        match self {
            Redacted::CaseStudy(id) => format!("/cases/{id}?done={done}"),
            Redacted::Alert(id) => format!("/alerts/{id}?done={done}"),
            Redacted::Campaign(id) => format!("/campaigns/{id}?done={done}"),
            Redacted::CampaignUpdate { campaign, .. } if redacted => {
                format!("/campaigns/{campaign}?done={done}#updates")
            }
            Redacted::CampaignUpdate { campaign, update } => {
                format!("/campaigns/{campaign}?done={done}#update-{update}")
            }
            Redacted::AlertResponse { alert, .. } if redacted => {
                format!("/alerts/{alert}?done={done}#responses")
            }
            Redacted::AlertResponse { alert, response } => {
                format!("/alerts/{alert}?done={done}#response-{response}")
            }
            Redacted::Profile { org, .. } => format!("/members/{org}?done={done}"),
        }
    }

    fn section(self) -> Section {
        match self {
            Redacted::CaseStudy(_) => Section::Cases,
            Redacted::CampaignUpdate { .. } => Section::Campaigns,
            Redacted::Alert(_) => Section::Alerts,
            Redacted::Campaign(_) => Section::Campaigns,
            Redacted::AlertResponse { .. } => Section::Alerts,
            Redacted::Profile { .. } => Section::Members,
        }
    }
}

async fn target(state: &AppState, staff: &Staff, asked: Redacted) -> Result<Target, Response> {
    let t = &staff.tr;
    let kind = asked.kind();
    let wording = kind.wording();
    let layout = Layout::new(state, staff, asked.section(), t.msg(wording.page_title));
    let id = asked.id();
    let charter = state.node().charter.clone();
    // One snapshot of the roster for the tally read and the checks below.
    let roster = state.node().roster();
    let folded = roster.clone();
    let read = state
        .read(move |store| {
            let held = store.record(&id)?;
            let campaign =
                match (&asked, held.as_ref().map(|held| &held.record.record().body)) {
                    (
                        Redacted::CampaignUpdate { campaign, .. },
                        Some(Body::CampaignUpdate(update)),
                    ) if update.campaign == *campaign => Some(campaign_title(store, campaign)?),
                    // A campaign goes by its latest version's title.
                    (Redacted::Campaign(campaign), Some(Body::Campaign(_))) => {
                        Some(campaign_title(store, campaign)?)
                    }
                    (
                        Redacted::AlertResponse { alert, .. },
                        Some(Body::AlertResponse(response)),
                    ) if response.alert == *alert => Some(alert_title(store, alert)?),
                    // A profile goes by the name in its latest version, as the org's
                    // page shows it.
                    (Redacted::Profile { org, .. }, Some(Body::Profile(_))) => {
                        match held.as_ref().filter(|held| held.org == *org) {
                            Some(held) => profile_name(store, held)?,
                            None => None,
                        }
                    }
                    _ => None,
                };
            let proposal = proposal_on(store, &folded, id)?;
            Ok((
                held,
                campaign,
                proposal,
                OrgDirectory::read(store, &charter)?,
            ))
        })
        .await;
    let (held, campaign, proposal, names) = match read {
        Ok(read) => read,
        Err(error) => return Err(layout.store_failure(&error).into_response()),
    };
    let Some(held) = held else {
        // Gone already (the page says how), or never held.
        return Err(Redirect::to(&asked.back()).into_response());
    };
    let header = held.record.record();
    let (title, excerpt) = match (&header.body, campaign) {
        (Body::Practice(practice), None) if kind == Redactable::CaseStudy => {
            (practice.title.clone(), None)
        }
        (Body::Campaign(_), Some(campaign)) if kind == Redactable::Campaign => (campaign, None),
        // The campaign's or alert's own content may be gone while its replies stay.
        (Body::CampaignUpdate(update), Some(campaign)) => (
            if campaign.trim().is_empty() {
                t.msg("redaction-update-of-gone")
            } else {
                t.text("redaction-update-of", "campaign", &campaign)
            },
            Some(excerpt_of(&update.body)),
        ),
        (Body::Alert(alert), None) if kind == Redactable::Alert => (alert.title.clone(), None),
        (Body::AlertResponse(response), Some(alert)) => (
            if alert.trim().is_empty() {
                t.msg("redaction-response-of-gone")
            } else {
                t.text("redaction-response-of", "alert", &alert)
            },
            (!response.note.trim().is_empty()).then(|| excerpt_of(&response.note)),
        ),
        (Body::Profile(_), Some(name)) => (t.text("redaction-profile-of", "org", &name), None),
        _ => return Err(layout.not_found().into_response()),
    };
    let ours = state.node().org;
    if held.org == ours {
        return Err(layout
            .failure(StatusCode::FORBIDDEN, t.msg(wording.refused_own))
            .into_response());
    }
    if !roster.is_member(&ours) {
        return Err(layout
            .failure(StatusCode::FORBIDDEN, t.msg("redaction-refused-not-member"))
            .into_response());
    }
    let needed = roster.redaction_tally(&id, &header.author).needed;
    let asked_for = proposal.as_ref().filter(|p| !p.votes.is_empty());
    Ok(Target {
        asked,
        title,
        excerpt,
        org: names.name(&held.org),
        published: t.date(header.timestamp_ms),
        tally: asked_for.map(|p| tally_text(t, kind, p)),
        cast: asked_for.map_or_else(Vec::new, |p| cast_lines(t, p, &names)),
        needed,
    })
}

/// The start of a campaign update's text, cut at a character boundary.
fn excerpt_of(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(MAX_EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
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
    let wording = target.asked.kind().wording();
    let (section, section_href, section_name) = match target.asked.kind() {
        Redactable::CaseStudy => (Section::Cases, "/cases", t.msg("cases-title")),
        Redactable::CampaignUpdate => (Section::Campaigns, "/campaigns", t.msg("campaigns-title")),
        Redactable::Alert | Redactable::AlertResponse => {
            (Section::Alerts, "/alerts", t.msg("alerts-title"))
        }
        Redactable::Campaign => (Section::Campaigns, "/campaigns", t.msg("campaigns-title")),
        Redactable::Profile => (Section::Members, "/members", t.msg("members-title")),
    };
    let layout = Layout::new(state, staff, section, t.msg(wording.page_title));
    let failed = reason_error.is_some() || publish_error.is_some();
    let page = RedactPage {
        w: wording,
        action: target.asked.action(),
        back: target.asked.back(),
        section_href,
        section: section_name,
        title: target.title.clone(),
        excerpt: target.excerpt.clone(),
        org: target.org.clone(),
        published: target.published.clone(),
        needed: t.count(wording.needed, target.needed as u64),
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

/// The case study the address names, if its id reads.
fn case_asked(id: &str) -> Option<Redacted> {
    id.trim().parse().ok().map(Redacted::CaseStudy)
}

/// The campaign the address names, if its id reads.
fn campaign_asked(id: &str) -> Option<Redacted> {
    id.trim().parse().ok().map(Redacted::Campaign)
}

/// The response to an alert the address names, if both ids read.
fn response_asked(alert: &str, response: &str) -> Option<Redacted> {
    Some(Redacted::AlertResponse {
        alert: alert.trim().parse().ok()?,
        response: response.trim().parse().ok()?,
    })
}

/// The profile of an org the address names, if both ids read.
fn profile_asked(org: &str, profile: &str) -> Option<Redacted> {
    Some(Redacted::Profile {
        org: org.trim().parse().ok()?,
        profile: profile.trim().parse().ok()?,
    })
}

/// The alert the address names, if its id reads.
fn alert_asked(id: &str) -> Option<Redacted> {
    id.trim().parse().ok().map(Redacted::Alert)
}

/// The campaign update the address names, if both ids read.
fn update_asked(campaign: &str, update: &str) -> Option<Redacted> {
    Some(Redacted::CampaignUpdate {
        campaign: campaign.trim().parse().ok()?,
        update: update.trim().parse().ok()?,
    })
}

/// The page for an address whose ids do not read.
fn no_such_record(state: &AppState, staff: &Staff, section: Section) -> Response {
    Layout::new(state, staff, section, staff.tr.msg("redaction-page-title"))
        .not_found()
        .into_response()
}

async fn show_form(state: &AppState, staff: &Staff, asked: Redacted) -> Response {
    match target(state, staff, asked).await {
        Ok(target) => redact_page(state, staff, &target, String::new(), None, None),
        Err(response) => response,
    }
}

async fn case_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    match case_asked(&id) {
        Some(asked) => show_form(&state, &staff, asked).await,
        None => no_such_record(&state, &staff, Section::Cases),
    }
}

async fn update_form(
    State(state): State<AppState>,
    staff: Staff,
    Path((campaign, update)): Path<(String, String)>,
) -> Response {
    match update_asked(&campaign, &update) {
        Some(asked) => show_form(&state, &staff, asked).await,
        None => no_such_record(&state, &staff, Section::Campaigns),
    }
}

async fn alert_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    match alert_asked(&id) {
        Some(asked) => show_form(&state, &staff, asked).await,
        None => no_such_record(&state, &staff, Section::Alerts),
    }
}

async fn campaign_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    match campaign_asked(&id) {
        Some(asked) => show_form(&state, &staff, asked).await,
        None => no_such_record(&state, &staff, Section::Campaigns),
    }
}

async fn campaign_posted(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<RedactForm>,
) -> Response {
    match campaign_asked(&id) {
        Some(asked) => cast_vote(&state, posted, asked).await,
        None => no_such_record(&state, &posted.staff, Section::Campaigns),
    }
}

async fn profile_form(
    State(state): State<AppState>,
    staff: Staff,
    Path((org, profile)): Path<(String, String)>,
) -> Response {
    match profile_asked(&org, &profile) {
        Some(asked) => show_form(&state, &staff, asked).await,
        None => no_such_record(&state, &staff, Section::Members),
    }
}

async fn profile_posted(
    State(state): State<AppState>,
    Path((org, profile)): Path<(String, String)>,
    posted: Posted<RedactForm>,
) -> Response {
    match profile_asked(&org, &profile) {
        Some(asked) => cast_vote(&state, posted, asked).await,
        None => no_such_record(&state, &posted.staff, Section::Members),
    }
}

async fn response_form(
    State(state): State<AppState>,
    staff: Staff,
    Path((alert, response)): Path<(String, String)>,
) -> Response {
    match response_asked(&alert, &response) {
        Some(asked) => show_form(&state, &staff, asked).await,
        None => no_such_record(&state, &staff, Section::Alerts),
    }
}

async fn response_posted(
    State(state): State<AppState>,
    Path((alert, response)): Path<(String, String)>,
    posted: Posted<RedactForm>,
) -> Response {
    match response_asked(&alert, &response) {
        Some(asked) => cast_vote(&state, posted, asked).await,
        None => no_such_record(&state, &posted.staff, Section::Alerts),
    }
}

async fn alert_posted(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<RedactForm>,
) -> Response {
    match alert_asked(&id) {
        Some(asked) => cast_vote(&state, posted, asked).await,
        None => no_such_record(&state, &posted.staff, Section::Alerts),
    }
}

async fn case_posted(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<RedactForm>,
) -> Response {
    match case_asked(&id) {
        Some(asked) => cast_vote(&state, posted, asked).await,
        None => no_such_record(&state, &posted.staff, Section::Cases),
    }
}

async fn update_posted(
    State(state): State<AppState>,
    Path((campaign, update)): Path<(String, String)>,
    posted: Posted<RedactForm>,
) -> Response {
    match update_asked(&campaign, &update) {
        Some(asked) => cast_vote(&state, posted, asked).await,
        None => no_such_record(&state, &posted.staff, Section::Campaigns),
    }
}

async fn cast_vote(
    state: &AppState,
    Posted { staff, form }: Posted<RedactForm>,
    asked: Redacted,
) -> Response {
    let t = &staff.tr;
    let target = match target(state, &staff, asked).await {
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
        return redact_page(state, &staff, &target, form.reason, reason_error, None);
    }
    match vote(state.node(), target.asked.id(), reason).await {
        Ok((_, tally)) => {
            let redacted = tally.decided.is_some();
            let done = if redacted {
                "redacted"
            } else {
                "redaction-voted"
            };
            Redirect::to(&target.asked.done(done, redacted)).into_response()
        }
        Err(error) => {
            let message = match &error {
                VoteError::Refused(RedactionError::AlreadyVoted(_)) => {
                    t.msg(target.asked.kind().wording().refused_voted)
                }
                VoteError::Refused(RedactionError::AlreadyGone(_)) => {
                    return Redirect::to(&target.asked.back()).into_response();
                }
                VoteError::Refused(RedactionError::NotMember) => {
                    t.msg("redaction-refused-not-member")
                }
                VoteError::Refused(RedactionError::OwnRecord(_)) => {
                    t.msg(target.asked.kind().wording().refused_own)
                }
                VoteError::Publish(ingest) => view::refusal(t, ingest),
                other => t.text("publish-failed", "detail", &other.to_string()),
            };
            redact_page(state, &staff, &target, form.reason, None, Some(message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Redactable;
    use crate::i18n::{Catalogs, Lang};

    /// A misspelt id would show on the page as the id itself; the catalogs' own test
    /// checks that every language has the English ids.
    #[test]
    fn every_wording_names_an_english_message() {
        let english = Catalogs::message_ids(Lang::En);
        for kind in Redactable::ALL {
            for id in kind.wording().ids() {
                assert!(english.iter().any(|known| known == id), "{kind:?}: {id}");
            }
        }
    }
}
