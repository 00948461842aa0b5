//! Campaigns: the coalitions members run together. The list has three tabs (the
//! campaigns our org leads, the ones it partners in, all of them); a campaign's page
//! shows its goals and coalition and its updates as a timeline, and lets the lead org
//! and its partners post an update; a form starts a new campaign.
//!
//! The protocol lets any member publish an update naming any campaign (it does not
//! check who, docs/protocol.md §4.3). The app holds to what a coalition means: it
//! offers and accepts an update only from the lead org or a partner, and on the
//! campaign's page an update from anyone else is marked as such and its status change
//! is not taken as the campaign's.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use commons_node::redactions::{Proposal, proposals};
use commons_node::store::{MAX_QUERY_LIMIT, RecordQuery, Store, StoreError, StoredRecord};
use commons_protocol::{
    Body, BodyKind, Campaign, CampaignStatus, CampaignUpdate, OrgId, RecordId, Revised, Revision,
    Roster,
};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::Tr;
use crate::markdown;
use crate::page::{Layout, PageResult, Section, render};
use crate::pages::gone::{self, GoneReply, GoneWords};
use crate::pages::redactions::{self, Redacted, RedactionPanel};
use crate::security::{Posted, Staff};
use crate::view::{OrgDirectory, Thread, Versions, publish, read_thread, read_versions, scan_kind};

/// How many campaigns the list reads: the newest ones, one store query.
pub const CAMPAIGN_LIST_LIMIT: usize = MAX_QUERY_LIMIT;
/// How many of the newest campaign updates the list reads to date each campaign's
/// latest update and status; a campaign whose last update is older shows none.
pub const LIST_UPDATE_SCAN: usize = MAX_QUERY_LIMIT;
/// How many of the newest revisions the list reads to find the campaigns that were
/// edited; a campaign whose last edit is older shows its original.
pub const LIST_REVISION_SCAN: usize = MAX_QUERY_LIMIT;
/// How many campaign updates, from the campaign's own date on, a campaign's page reads
/// to find its own. The store keeps no index by campaign, so this is a bounded scan of
/// every campaign's updates; past it the page says some older updates may be missing.
pub const CAMPAIGN_UPDATE_SCAN: usize = 5 * MAX_QUERY_LIMIT;
/// The longest title a form accepts, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The most goals a new campaign may list.
pub const MAX_GOALS: usize = 50;

/// The campaigns' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/campaigns", get(list))
        .route("/campaigns/new", get(new_form).post(start))
        .route("/campaigns/{id}", get(show))
        .route("/campaigns/{id}/edit", get(edit_form).post(edit_posted))
        .route(
            "/campaigns/{id}/history",
            get(super::history::campaign_history),
        )
        .route("/campaigns/{id}/updates", axum::routing::post(post_update))
}

/// A campaign status's form value.
fn status_value(status: CampaignStatus) -> &'static str {
    match status {
        CampaignStatus::Planning => "planning",
        CampaignStatus::Active => "active",
        CampaignStatus::Paused => "paused",
        CampaignStatus::Won => "won",
        CampaignStatus::Closed => "closed",
    }
}

/// The status a form value names.
fn parse_status(value: &str) -> Option<CampaignStatus> {
    STATUSES
        .into_iter()
        .find(|status| status_value(*status) == value)
}

/// Every status, in the order a campaign usually goes through them.
const STATUSES: [CampaignStatus; 5] = [
    CampaignStatus::Planning,
    CampaignStatus::Active,
    CampaignStatus::Paused,
    CampaignStatus::Won,
    CampaignStatus::Closed,
];

/// A status's badge: its words and style (the words carry the meaning, the colour
/// only repeats it).
#[derive(Debug, Clone)]
pub struct StatusBadge {
    /// The status in words.
    pub label: String,
    /// The badge's style.
    pub class: &'static str,
}

fn badge(t: &Tr, status: CampaignStatus) -> StatusBadge {
    let class = match status {
        CampaignStatus::Active | CampaignStatus::Won => "ok",
        CampaignStatus::Paused => "watch",
        CampaignStatus::Planning | CampaignStatus::Closed => "plain",
    };
    StatusBadge {
        label: t.msg(&format!("campaigns-status-{}", status_value(status))),
        class,
    }
}

/// One choice of a select or a set of checkboxes.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Its form value.
    pub value: String,
    /// Its label.
    pub label: String,
    /// Whether it is chosen.
    pub chosen: bool,
}

fn status_choices(t: &Tr, chosen: Option<CampaignStatus>) -> Vec<Choice> {
    STATUSES
        .into_iter()
        .map(|status| Choice {
            value: status_value(status).to_owned(),
            label: badge(t, status).label,
            chosen: Some(status) == chosen,
        })
        .collect()
}

/// An org named and linked to its page.
#[derive(Debug, Clone)]
pub struct OrgLink {
    /// Its page.
    pub href: String,
    /// Its name.
    pub name: String,
}

fn org_link(names: &OrgDirectory, org: &OrgId) -> OrgLink {
    OrgLink {
        href: format!("/members/{org}"),
        name: names.name(org),
    }
}

/// Whether `org` is in the campaign's coalition: its lead or a partner.
fn in_coalition(campaign: &Campaign, lead: &OrgId, org: &OrgId) -> bool {
    lead == org || campaign.partners.contains(org)
}

/// A form's fields as sent (a list, since checkboxes repeat a name).
type Fields = Vec<(String, String)>;

/// The first value of field `name`, or "".
fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(field, _)| field == name)
        .map_or("", |(_, value)| value.as_str())
}

// ---- the list ----

/// The list's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Ours,
    Partner,
    All,
}

impl Tab {
    fn value(self) -> &'static str {
        match self {
            Tab::Ours => "ours",
            Tab::Partner => "partner",
            Tab::All => "all",
        }
    }
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    tab: Option<String>,
}

/// One tab link.
#[derive(Debug, Clone)]
pub struct TabLink {
    /// Where it leads.
    pub href: String,
    /// Its label with its count.
    pub label: String,
    /// Whether it is the tab shown.
    pub current: bool,
}

/// One campaign in the list.
#[derive(Debug, Clone)]
pub struct CampaignRow {
    /// Its page.
    pub href: String,
    /// Its title.
    pub title: String,
    /// Its lead org.
    pub lead: OrgLink,
    /// Its partners.
    pub partners: Vec<OrgLink>,
    /// Where it stands now.
    pub status: StatusBadge,
    /// How many goals it has, in words.
    pub goals: String,
    /// When it was started.
    pub started: String,
    /// When its latest update was posted, if any was read.
    pub latest: Option<String>,
}

#[derive(Template)]
#[template(path = "campaigns_list.html")]
struct ListPage {
    page: Layout,
    tabs: Vec<TabLink>,
    tab: &'static str,
    rows: Vec<CampaignRow>,
    empty: String,
    more: bool,
}

/// What the list reads in one store visit.
struct ListFound {
    names: OrgDirectory,
    campaigns: Vec<StoredRecord>,
    /// The version shown of each campaign that was edited, and when it was published.
    edited: HashMap<RecordId, (Campaign, u64)>,
    /// Each campaign's newest update read: (its timestamp, the newest status a
    /// coalition org set, if any).
    latest: HashMap<RecordId, (u64, Option<CampaignStatus>)>,
}

fn read_list(
    store: &dyn Store,
    charter: &commons_protocol::Charter,
) -> Result<ListFound, StoreError> {
    let campaigns = store.query(&RecordQuery {
        kind: Some(BodyKind::Campaign),
        limit: CAMPAIGN_LIST_LIMIT,
        ..RecordQuery::default()
    })?;
    let listed: std::collections::HashSet<RecordId> =
        campaigns.iter().map(|stored| stored.record.id()).collect();
    // The campaigns some recent revision names are read whole, and the node's rule
    // picks the version shown; the others have only their original.
    let (revisions, _) = scan_kind(store, BodyKind::Revision, None, LIST_REVISION_SCAN)?;
    let mut edited: HashMap<RecordId, (Campaign, u64)> = HashMap::new();
    for revision in &revisions {
        let Body::Revision(revision) = &revision.record.record().body else {
            continue;
        };
        if !listed.contains(&revision.original) || edited.contains_key(&revision.original) {
            continue;
        }
        if let Some(versions) = read_versions(store, &revision.original)?
            && let Some(when) = versions.edited_ms()
            && let Body::Campaign(campaign) = versions.latest_body()
        {
            edited.insert(revision.original, (campaign, when));
        }
    }
    let coalition: HashMap<RecordId, (OrgId, &Campaign)> = campaigns
        .iter()
        .filter_map(|stored| match &stored.record.record().body {
            Body::Campaign(campaign) => Some((
                stored.record.id(),
                (
                    stored.org,
                    edited
                        .get(&stored.record.id())
                        .map_or(campaign, |(latest, _)| latest),
                ),
            )),
            _ => None,
        })
        .collect();
    let (updates, _) = scan_kind(store, BodyKind::CampaignUpdate, None, LIST_UPDATE_SCAN)?;
    let mut latest: HashMap<RecordId, (u64, Option<CampaignStatus>)> = HashMap::new();
    // Newest first: the first update of a campaign dates it, the first status set by
    // its coalition is its status.
    for stored in &updates {
        let Body::CampaignUpdate(update) = &stored.record.record().body else {
            continue;
        };
        let Some((lead, campaign)) = coalition.get(&update.campaign) else {
            continue;
        };
        let when = stored.record.record().timestamp_ms;
        let entry = latest.entry(update.campaign).or_insert((when, None));
        // A status set by an edit newer than the update stands.
        let edited_after = edited
            .get(&update.campaign)
            .is_some_and(|(_, edited)| *edited > when);
        if entry.1.is_none() && !edited_after && in_coalition(campaign, lead, &stored.org) {
            entry.1 = update.status;
        }
    }
    drop(coalition);
    Ok(ListFound {
        names: OrgDirectory::read(store, charter)?,
        campaigns,
        edited,
        latest,
    })
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Campaigns, t.msg("campaigns-title"));
    let charter = state.node().charter.clone();
    let found = match state.read(move |store| read_list(store, &charter)).await {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let ours = state.node().org;
    let names = &found.names;
    let mut by_tab: [Vec<CampaignRow>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for stored in &found.campaigns {
        let Body::Campaign(original) = &stored.record.record().body else {
            continue;
        };
        let id = stored.record.id();
        let campaign = found.edited.get(&id).map_or(original, |(latest, _)| latest);
        let latest = found.latest.get(&id);
        let status = latest
            .and_then(|(_, status)| *status)
            .unwrap_or(campaign.status);
        let row = CampaignRow {
            href: format!("/campaigns/{id}"),
            title: campaign.title.clone(),
            lead: org_link(names, &stored.org),
            partners: campaign
                .partners
                .iter()
                .map(|org| org_link(names, org))
                .collect(),
            status: badge(t, status),
            goals: t.count("campaigns-goal-count", campaign.goals.len()),
            started: t.date(stored.record.record().timestamp_ms),
            latest: latest.map(|(when, _)| t.date(*when)),
        };
        if stored.org == ours {
            by_tab[0].push(row.clone());
        }
        if campaign.partners.contains(&ours) {
            by_tab[1].push(row.clone());
        }
        by_tab[2].push(row);
    }
    let tab = match query.tab.as_deref() {
        Some("ours") => Tab::Ours,
        Some("partner") => Tab::Partner,
        Some("all") => Tab::All,
        // First visit: our own campaigns if we lead any, else those we partner in,
        // else all, so the page never opens on an empty tab it could have avoided.
        _ if !by_tab[0].is_empty() => Tab::Ours,
        _ if !by_tab[1].is_empty() => Tab::Partner,
        _ => Tab::All,
    };
    let tabs = [
        (Tab::Ours, "campaigns-tab-ours"),
        (Tab::Partner, "campaigns-tab-partner"),
        (Tab::All, "campaigns-tab-all"),
    ]
    .into_iter()
    .enumerate()
    .map(|(index, (each, id))| TabLink {
        href: format!("/campaigns?tab={}", each.value()),
        label: t.with(
            id,
            &[(
                "count",
                crate::i18n::ArgValue::Number(by_tab[index].len() as u64),
            )],
        ),
        current: each == tab,
    })
    .collect();
    let [ours_rows, partner_rows, all_rows] = by_tab;
    let (rows, empty) = match tab {
        Tab::Ours => (ours_rows, "campaigns-empty-ours"),
        Tab::Partner => (partner_rows, "campaigns-empty-partner"),
        Tab::All => (all_rows, "campaigns-empty-all"),
    };
    let page = ListPage {
        page: layout,
        tabs,
        tab: tab.value(),
        rows,
        empty: t.msg(empty),
        more: found.campaigns.len() >= CAMPAIGN_LIST_LIMIT,
    };
    Ok(render(&page))
}

// ---- starting a campaign ----

/// A member org that may be chosen as a partner.
#[derive(Debug, Clone)]
pub struct PartnerChoice {
    /// Its id, the form value.
    pub value: String,
    /// Its name.
    pub name: String,
    /// Whether it is chosen.
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "campaigns_new.html")]
struct NewPage {
    page: Layout,
    /// A new campaign, or which one is edited.
    target: FormTarget,
    title: String,
    goals: String,
    partners: Vec<PartnerChoice>,
    statuses: Vec<Choice>,
    errors: Vec<String>,
    title_error: bool,
}

/// What the campaign form writes.
#[derive(Debug, Clone, Copy)]
enum FormTarget {
    /// A new campaign.
    New,
    /// A new version of this one of ours.
    Edit(RecordId),
}

impl FormTarget {
    fn title_id(self) -> &'static str {
        match self {
            FormTarget::New => "campaigns-new-title",
            FormTarget::Edit(_) => "campaigns-edit-title",
        }
    }

    /// Where the form posts.
    fn action(&self) -> String {
        match self {
            FormTarget::New => "/campaigns/new".to_owned(),
            FormTarget::Edit(id) => format!("/campaigns/{id}/edit"),
        }
    }

    /// Where Cancel leads.
    fn cancel(&self) -> String {
        match self {
            FormTarget::New => "/campaigns".to_owned(),
            FormTarget::Edit(id) => format!("/campaigns/{id}"),
        }
    }

    fn editing(&self) -> bool {
        matches!(self, FormTarget::Edit(_))
    }
}

/// The member orgs other than ours, by name, for the partner checkboxes; with `kept`
/// (the partners of the version edited) even if they are no longer members.
async fn partner_choices(
    state: &AppState,
    chosen: &[OrgId],
    kept: &[OrgId],
) -> Result<Vec<PartnerChoice>, StoreError> {
    let charter = state.node().charter.clone();
    let names = state
        .read(move |store| OrgDirectory::read(store, &charter))
        .await?;
    let ours = state.node().org;
    let roster = state.node().roster();
    let mut orgs: Vec<OrgId> = roster.members().filter(|org| *org != ours).collect();
    for org in kept {
        if !orgs.contains(org) && *org != ours {
            orgs.push(*org);
        }
    }
    let mut choices: Vec<PartnerChoice> = orgs
        .into_iter()
        .map(|org| PartnerChoice {
            value: org.to_string(),
            name: names.name(&org),
            chosen: chosen.contains(&org),
        })
        .collect();
    choices.sort_by_key(|choice| choice.name.to_lowercase());
    Ok(choices)
}

async fn new_form(State(state): State<AppState>, staff: Staff) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(
        &state,
        &staff,
        Section::Campaigns,
        t.msg("campaigns-new-title"),
    );
    let partners = match partner_choices(&state, &[], &[]).await {
        Ok(partners) => partners,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let page = NewPage {
        statuses: status_choices(t, Some(CampaignStatus::Active)),
        page: layout,
        target: FormTarget::New,
        title: String::new(),
        goals: String::new(),
        partners,
        errors: Vec::new(),
        title_error: false,
    };
    Ok(render(&page))
}

/// A campaign form as posted, read and checked.
struct CampaignForm {
    title: String,
    goals_text: String,
    goals: Vec<String>,
    partners: Vec<OrgId>,
    status: Option<CampaignStatus>,
    errors: Vec<String>,
    title_error: bool,
}

impl CampaignForm {
    /// Reads the form's fields. Partners are member orgs other than ours, or orgs
    /// already partners in `kept` (the version edited), so an edit does not drop a
    /// partner that has since left the network.
    fn read(state: &AppState, t: &Tr, form: &Fields, kept: &[OrgId]) -> CampaignForm {
        let title = field(form, "title").trim().to_owned();
        let goals_text = field(form, "goals").replace("\r\n", "\n");
        let goals: Vec<String> = goals_text
            .lines()
            .map(|line| line.trim().trim_start_matches(['-', '*', '•']).trim())
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        let roster = state.node().roster();
        let ours = state.node().org;
        let mut partners: Vec<OrgId> = Vec::new();
        for (name, value) in form {
            if name != "partner" {
                continue;
            }
            // Only the orgs offered are taken; anything else is dropped.
            if let Ok(org) = value.parse::<OrgId>()
                && org != ours
                && (roster.is_member(&org) || kept.contains(&org))
                && !partners.contains(&org)
            {
                partners.push(org);
            }
        }
        let status = parse_status(field(form, "status"));
        let mut errors = Vec::new();
        let title_error = title.is_empty() || title.chars().count() > MAX_TITLE_CHARS;
        if title.is_empty() {
            errors.push(t.msg("campaigns-error-title"));
        } else if title.chars().count() > MAX_TITLE_CHARS {
            errors.push(t.with(
                "campaigns-error-title-long",
                &[("max", crate::i18n::ArgValue::Number(MAX_TITLE_CHARS as u64))],
            ));
        }
        if goals.len() > MAX_GOALS {
            errors.push(t.with(
                "campaigns-error-goals",
                &[("max", crate::i18n::ArgValue::Number(MAX_GOALS as u64))],
            ));
        }
        CampaignForm {
            title,
            goals_text,
            goals,
            partners,
            status,
            errors,
            title_error,
        }
    }

    fn campaign(&self) -> Campaign {
        Campaign {
            title: self.title.clone(),
            goals: self.goals.clone(),
            partners: self.partners.clone(),
            status: self.status.unwrap_or(CampaignStatus::Active),
        }
    }
}

/// The form again, with what was written and why it was not published.
async fn form_again(
    state: &AppState,
    staff: &Staff,
    target: FormTarget,
    form: CampaignForm,
    kept: &[OrgId],
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Campaigns, t.msg(target.title_id()));
    let choices = match partner_choices(state, &form.partners, kept).await {
        Ok(choices) => choices,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let page = NewPage {
        statuses: status_choices(t, form.status.or(Some(CampaignStatus::Active))),
        page: layout,
        target,
        title: form.title,
        goals: form.goals_text,
        partners: choices,
        errors: form.errors,
        title_error: form.title_error,
    };
    let mut response = render(&page);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

async fn start(State(state): State<AppState>, posted: Posted<Fields>) -> PageResult {
    let Posted { staff, form } = posted;
    let t = &staff.tr;
    let mut form = CampaignForm::read(&state, t, &form, &[]);
    if form.errors.is_empty() {
        match publish(&state, t, Body::Campaign(form.campaign())).await {
            Ok(published) => {
                return Ok(
                    Redirect::to(&format!("/campaigns/{}?done=started", published.id))
                        .into_response(),
                );
            }
            Err(refusal) => form.errors.push(refusal),
        }
    }
    form_again(&state, &staff, FormTarget::New, form, &[]).await
}

// ---- editing one of ours ----

/// One of our campaigns, ready to edit: its versions and its status now (an update's
/// newer than the version shown), or the page that says why not.
async fn ours_to_edit(
    state: &AppState,
    staff: &Staff,
    id_text: &str,
) -> Result<(RecordId, Campaign, CampaignStatus), Response> {
    let t = &staff.tr;
    let layout = Layout::new(
        state,
        staff,
        Section::Campaigns,
        t.msg("campaigns-edit-title"),
    );
    let Ok(id) = id_text.trim().parse::<RecordId>() else {
        return Err(layout.not_found().into_response());
    };
    let (thread, found, _) = match read_campaign(state, id, None).await {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error).into_response()),
    };
    let versions = match (thread, found) {
        (Thread::Here { .. }, Some(Found::Versions(versions))) => versions,
        (Thread::Missing, Some(Found::RevisionOf(original))) => {
            return Err(Redirect::to(&format!("/campaigns/{original}/edit")).into_response());
        }
        (Thread::Retracted { .. }, _) => {
            return Err(Redirect::to(&format!("/campaigns/{id}")).into_response());
        }
        _ => return Err(layout.not_found().into_response()),
    };
    if versions.original.org != state.node().org {
        let message = t.msg("campaigns-edit-not-ours");
        return Err(layout
            .failure(StatusCode::FORBIDDEN, message)
            .into_response());
    }
    let Body::Campaign(campaign) = versions.latest_body() else {
        return Err(layout.not_found().into_response());
    };
    let status = match current_status(state, &versions, &campaign).await {
        Ok(status) => status,
        Err(error) => return Err(layout.store_failure(&error).into_response()),
    };
    Ok((id, campaign, status))
}

/// The campaign's status now: the newest status its coalition set in an update after
/// the version shown was published, else the version's own.
async fn current_status(
    state: &AppState,
    versions: &Versions,
    campaign: &Campaign,
) -> Result<CampaignStatus, StoreError> {
    let id = versions.original.record.id();
    let lead = versions.original.org;
    let shown_at = versions.latest.record.record().timestamp_ms;
    let charter = state.node().charter.clone();
    let thread = state
        .read(move |store| {
            read_thread(
                store,
                &charter,
                id,
                BodyKind::Campaign,
                BodyKind::CampaignUpdate,
                CAMPAIGN_UPDATE_SCAN,
            )
        })
        .await?;
    let Thread::Here { replies, .. } = thread else {
        return Ok(campaign.status);
    };
    Ok(replies
        .iter()
        .filter(|reply| {
            versions.edited_ms().is_none() || reply.record.record().timestamp_ms > shown_at
        })
        .filter(|reply| in_coalition(campaign, &lead, &reply.org))
        .find_map(|reply| match &reply.record.record().body {
            Body::CampaignUpdate(update) => update.status,
            _ => None,
        })
        .unwrap_or(campaign.status))
}

async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id_text): Path<String>,
) -> Response {
    let t = &staff.tr;
    let (id, campaign, status) = match ours_to_edit(&state, &staff, &id_text).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let layout = Layout::new(
        &state,
        &staff,
        Section::Campaigns,
        t.msg("campaigns-edit-title"),
    );
    let partners = match partner_choices(&state, &campaign.partners, &campaign.partners).await {
        Ok(partners) => partners,
        Err(error) => return layout.store_failure(&error).into_response(),
    };
    let page = NewPage {
        statuses: status_choices(t, Some(status)),
        page: layout,
        target: FormTarget::Edit(id),
        title: campaign.title.clone(),
        goals: campaign.goals.join("\n"),
        partners,
        errors: Vec::new(),
        title_error: false,
    };
    render(&page)
}

/// A new version of one of our campaigns, published as a revision naming the original.
async fn edit_posted(
    State(state): State<AppState>,
    Path(id_text): Path<String>,
    posted: Posted<Fields>,
) -> Response {
    let Posted { staff, form } = posted;
    let t = &staff.tr;
    let (id, latest, status) = match ours_to_edit(&state, &staff, &id_text).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let mut form = CampaignForm::read(&state, t, &form, &latest.partners);
    let campaign = form.campaign();
    let unchanged = Campaign {
        status,
        ..latest.clone()
    };
    if form.errors.is_empty() && campaign == unchanged {
        form.errors.push(t.msg("campaigns-edit-unchanged"));
    }
    if form.errors.is_empty() {
        let body = Body::Revision(Revision {
            original: id,
            content: Revised::Campaign(campaign),
        });
        match publish(&state, t, body).await {
            Ok(_) => {
                return Redirect::to(&format!("/campaigns/{id}?done=edited")).into_response();
            }
            Err(refusal) => form.errors.push(refusal),
        }
    }
    form_again(&state, &staff, FormTarget::Edit(id), form, &latest.partners)
        .await
        .into_response()
}

// ---- a campaign's page ----

/// What the store holds of a campaign's id besides its thread.
enum Found {
    /// The campaign's versions.
    Versions(Box<Versions>),
    /// The id is a revision of this campaign.
    RevisionOf(RecordId),
}

/// A campaign with its updates, and its versions (or the campaign a revision's id
/// names); with the `roster`, also the redactions asked for on it and its updates.
async fn read_campaign(
    state: &AppState,
    id: RecordId,
    roster: Option<Arc<Roster>>,
) -> Result<(Thread, Option<Found>, HashMap<RecordId, Proposal>), StoreError> {
    let charter = state.node().charter.clone();
    state
        .read(move |store| {
            let thread = read_thread(
                store,
                &charter,
                id,
                BodyKind::Campaign,
                BodyKind::CampaignUpdate,
                CAMPAIGN_UPDATE_SCAN,
            )?;
            let found = match &thread {
                Thread::Here { .. } => {
                    read_versions(store, &id)?.map(|versions| Found::Versions(Box::new(versions)))
                }
                Thread::Missing => {
                    store
                        .record(&id)?
                        .and_then(|stored| match &stored.record.record().body {
                            Body::Revision(revision)
                                if revision.content.kind() == BodyKind::Campaign =>
                            {
                                Some(Found::RevisionOf(revision.original))
                            }
                            _ => None,
                        })
                }
                Thread::Retracted { .. } => None,
            };
            // The redactions asked for on it and on its updates (still held, and still
            // to be judged, when the campaign itself is gone).
            let mut asked = HashMap::new();
            if let (
                Thread::Here { replies, .. } | Thread::Retracted { replies, .. },
                Some(roster),
            ) = (&thread, &roster)
            {
                let updates: HashSet<RecordId> = replies
                    .iter()
                    .map(|reply| reply.record.id())
                    .chain([id])
                    .collect();
                for proposal in proposals(store, roster, None)? {
                    if updates.contains(&proposal.tally.target) {
                        asked.insert(proposal.tally.target, proposal);
                    }
                }
            }
            Ok((thread, found, asked))
        })
        .await
}

/// One update in the timeline.
#[derive(Debug, Clone)]
pub struct UpdateEntry {
    /// Its record id, the anchor of its place on the page.
    pub id: String,
    /// Whether a member asked to redact it, and our staff's way to ask or vote.
    pub redaction: RedactionPanel,
    /// Who posted it.
    pub org: OrgLink,
    /// When.
    pub when: String,
    /// The status it set, if any.
    pub status: Option<StatusBadge>,
    /// Its body, rendered and sanitized.
    pub html: String,
    /// Whether its org is outside the campaign's coalition.
    pub outsider: bool,
    /// Whether it is our org's.
    pub ours: bool,
}

#[derive(Template)]
#[template(path = "campaigns_show.html")]
struct ShowPage {
    page: Layout,
    id: String,
    status: StatusBadge,
    started: String,
    /// When the version shown was published, if it is a revision.
    edited: Option<String>,
    /// How many revisions there are.
    edits: usize,
    /// Whether our org leads it (and so may edit it).
    ours: bool,
    lead: OrgLink,
    partners: Vec<OrgLink>,
    goals: Vec<String>,
    updates: Vec<UpdateEntry>,
    /// Whether a member asked to redact the campaign, and our staff's way to ask or vote.
    redaction: RedactionPanel,
    /// Under the timeline, when our staff may ask to redact an update: what it is for.
    redaction_hint: Option<String>,
    updates_cut: bool,
    role: Option<String>,
    can_post: bool,
    statuses: Vec<Choice>,
    draft: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ShowQuery {
    done: Option<String>,
}

/// The campaign's page, with `draft` and `error` in its update form.
async fn campaign_page(
    state: &AppState,
    staff: &Staff,
    id: &str,
    notice: Option<String>,
    draft: (String, Option<CampaignStatus>),
    error: Option<String>,
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Campaigns, t.msg("campaigns-title"));
    let Ok(id) = id.parse::<RecordId>() else {
        return Err(layout.not_found());
    };
    let roster = state.node().roster();
    let found = match read_campaign(state, id, Some(roster.clone())).await {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let (found, versions, asked) = found;
    let (stored, updates, cut, names) = match found {
        Thread::Missing => {
            return match versions {
                // A revision's id: the campaign it revises.
                Some(Found::RevisionOf(original)) => {
                    Ok(Redirect::to(&format!("/campaigns/{original}")).into_response())
                }
                _ => Err(layout.not_found()),
            };
        }
        Thread::Retracted {
            redacted,
            replies,
            cut,
            names,
        } => {
            let ours = state.node().org;
            let updates = replies
                .iter()
                .filter_map(|reply| {
                    let Body::CampaignUpdate(update) = &reply.record.record().body else {
                        return None;
                    };
                    let update_id = reply.record.id();
                    let target = Redacted::CampaignUpdate {
                        campaign: id,
                        update: update_id,
                    };
                    let asked = asked.get(&update_id);
                    Some(GoneReply {
                        html: Some(markdown::render(&update.body)),
                        ..GoneReply::of(t, reply, target, asked, &roster, ours, &names)
                    })
                })
                .collect();
            let words = GoneWords {
                message: t.msg(if redacted {
                    "campaigns-redacted"
                } else {
                    "campaigns-retracted"
                }),
                heading: t.msg("campaigns-gone-updates"),
                list_id: "updates",
                explain: t.msg("campaigns-gone-updates-explain"),
                us: t.msg("campaigns-us"),
                cut: t.msg("campaigns-updates-cut"),
                section: ("/campaigns".to_owned(), t.msg("campaigns-title")),
                breadcrumb: t.msg("campaigns-breadcrumb-label"),
            };
            return Ok(gone::page(layout.with_notice(notice), words, updates, cut));
        }
        Thread::Here {
            record,
            replies,
            cut,
            names,
        } => (record, replies, cut, names),
    };
    let Some(Found::Versions(versions)) = versions else {
        return Err(layout.not_found());
    };
    let Body::Campaign(campaign) = versions.latest_body() else {
        return Err(layout.not_found());
    };
    let campaign = &campaign;
    let edited_ms = versions.edited_ms();
    let lead = stored.org;
    let ours = state.node().org;
    let mut status = None;
    let entries: Vec<UpdateEntry> = updates
        .iter()
        .filter_map(|update_record| {
            let Body::CampaignUpdate(update) = &update_record.record.record().body else {
                return None;
            };
            let outsider = !in_coalition(campaign, &lead, &update_record.org);
            // A status set by an edit newer than the update stands.
            let before_edit =
                edited_ms.is_some_and(|edited| edited > update_record.record.record().timestamp_ms);
            if !outsider && !before_edit && status.is_none() {
                status = update.status;
            }
            let update_id = update_record.record.id();
            Some(UpdateEntry {
                id: update_id.to_string(),
                redaction: redactions::panel(
                    t,
                    Redacted::CampaignUpdate {
                        campaign: id,
                        update: update_id,
                    },
                    asked.get(&update_id),
                    &roster,
                    ours,
                    update_record.org,
                    &names,
                ),
                org: org_link(&names, &update_record.org),
                when: t.datetime(update_record.record.record().timestamp_ms),
                status: update.status.map(|status| badge(t, status)),
                html: markdown::render(&update.body),
                outsider,
                ours: update_record.org == ours,
            })
        })
        .collect();
    let role = if lead == ours {
        Some(t.msg("campaigns-role-lead"))
    } else if campaign.partners.contains(&ours) {
        Some(t.msg("campaigns-role-partner"))
    } else {
        None
    };
    let (draft_body, draft_status) = draft;
    let mut layout = layout.with_notice(notice);
    layout.title = campaign.title.clone();
    let page = ShowPage {
        id: stored.record.id().to_string(),
        status: badge(t, status.unwrap_or(campaign.status)),
        started: t.date(stored.record.record().timestamp_ms),
        edited: edited_ms.map(|ms| t.datetime(ms)),
        edits: versions.revisions.len(),
        ours: lead == ours,
        lead: org_link(&names, &lead),
        partners: campaign
            .partners
            .iter()
            .map(|org| org_link(&names, org))
            .collect(),
        goals: campaign.goals.clone(),
        redaction: redactions::panel(
            t,
            Redacted::Campaign(stored.record.id()),
            asked.get(&stored.record.id()),
            &roster,
            ours,
            lead,
            &names,
        ),
        redaction_hint: entries
            .iter()
            .any(|entry| entry.redaction.action.is_some())
            .then(|| t.msg("redaction-update-hint")),
        updates: entries,
        updates_cut: cut,
        can_post: role.is_some(),
        role,
        statuses: status_choices(t, draft_status),
        draft: draft_body,
        error,
        page: layout,
    };
    Ok(render(&page))
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> PageResult {
    let notice = match query.done.as_deref() {
        Some("started") => Some(staff.tr.msg("campaigns-done-started")),
        Some("edited") => Some(staff.tr.msg("campaigns-done-edited")),
        Some("update") => Some(staff.tr.msg("campaigns-done-update")),
        Some("redaction-voted") => Some(staff.tr.msg("redaction-done-voted")),
        Some("redacted") => Some(staff.tr.msg("redaction-done-redacted")),
        _ => None,
    };
    campaign_page(&state, &staff, &id, notice, (String::new(), None), None).await
}

async fn post_update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Fields>,
) -> PageResult {
    let Posted { staff, form } = posted;
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Campaigns, t.msg("campaigns-title"));
    let Ok(campaign_id) = id.parse::<RecordId>() else {
        return Err(layout.not_found());
    };
    let body = field(&form, "body").trim().to_owned();
    let status = parse_status(field(&form, "status"));
    let found = match state
        .read(move |store| read_versions(store, &campaign_id))
        .await
    {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let Some(versions) = found else {
        return Err(layout.not_found());
    };
    // The coalition as the version shown names it.
    let Body::Campaign(campaign) = versions.latest_body() else {
        return Err(layout.not_found());
    };
    if !in_coalition(&campaign, &versions.original.org, &state.node().org) {
        let message = t.msg("campaigns-error-not-coalition");
        return Err(layout.failure(StatusCode::FORBIDDEN, message));
    }
    let error = if body.is_empty() {
        Some(t.msg("campaigns-error-update-body"))
    } else {
        let update = Body::CampaignUpdate(CampaignUpdate {
            campaign: campaign_id,
            status,
            body: body.clone(),
        });
        match publish(&state, t, update).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/campaigns/{campaign_id}?done=update#updates"))
                        .into_response(),
                );
            }
            Err(refusal) => Some(refusal),
        }
    };
    let mut response = campaign_page(&state, &staff, &id, None, (body, status), error).await?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}
