//! Solidarity alerts: the System of Solidarity's calls to act. The list puts the alerts
//! still open first, the most urgent first, and the expired ones after, apart; each
//! says how many member orgs have responded. An alert's page shows what happened and
//! what is asked, lets our org respond (seen, acting, shared, with a note), and lists
//! which member orgs have responded so far and which have not yet. A form raises a
//! new alert.
//!
//! Who has responded is [`commons_node::alert_status::fold`], the rule the API and the
//! CLI use: each member org's latest response counts, the org that raised the alert is
//! not asked (it is not counted among those who have not responded), and responses from
//! orgs that are not members now are left out.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use commons_node::alert_status::{self, Answer, Counts};
use commons_node::api::publish::DEFAULT_ALERT_HOURS;
use commons_node::redactions::proposals;
use commons_node::store::{MAX_QUERY_LIMIT, RecordQuery, Store, StoreError, StoredRecord};
use commons_protocol::{
    Alert, AlertResponse, Body, BodyKind, OrgId, RecordId, ResponseKind, Severity,
};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::{ArgValue, Tr};
use crate::markdown;
use crate::page::{Layout, PageResult, Section, render};
use crate::pages::gone::{self, GoneReply, GoneWords};
use crate::pages::redactions::{self, Redacted, RedactionPanel};
use crate::security::{Posted, Staff};
use crate::view::{
    CLOCK_SKEW_ALLOWANCE_MS, OrgDirectory, Thread, excerpt, markdown_text, now_ms, publish,
    read_thread, scan_kind,
};

/// How many alerts the list reads: the newest ones, one store query.
pub const ALERT_LIST_LIMIT: usize = MAX_QUERY_LIMIT;
/// How many expired alerts the list shows, the most recently expired first.
pub const EXPIRED_LIST_LENGTH: usize = 50;
/// How many alert responses, from the oldest listed open alert's date on, the list
/// reads to count who has responded. The store keeps no index by alert, so this is a
/// bounded scan of every alert's responses.
pub const LIST_RESPONSE_SCAN: usize = 5 * MAX_QUERY_LIMIT;
/// How many alert responses, from the alert's own date on, an alert's page reads to
/// find its own (a bounded scan, as above); past it the page says so.
pub const ALERT_RESPONSE_SCAN: usize = 5 * MAX_QUERY_LIMIT;
/// The longest an alert may stay open, in hours: 90 days.
pub const MAX_ALERT_HOURS: u64 = 90 * 24;
/// The longest title, region or note a form accepts, in characters.
pub const MAX_LINE_CHARS: usize = 200;
/// The longest note to a response, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 60 * MINUTE_MS;
const DAY_MS: u64 = 24 * HOUR_MS;

/// The alerts' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list))
        .route("/alerts/new", get(new_form).post(raise))
        .route("/alerts/{id}", get(show))
        .route("/alerts/{id}/respond", post(respond))
}

// ---- words for severities, responses and times ----

/// Every severity, the most urgent first.
const SEVERITIES: [Severity; 3] = [Severity::Critical, Severity::Urgent, Severity::Watch];

fn severity_value(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::Urgent => "urgent",
        Severity::Watch => "watch",
    }
}

fn severity_rank(severity: Severity) -> u8 {
    match severity {
        Severity::Critical => 0,
        Severity::Urgent => 1,
        Severity::Watch => 2,
    }
}

/// Every response kind, in the order the form offers them.
const RESPONSES: [ResponseKind; 3] = [
    ResponseKind::Acknowledged,
    ResponseKind::Acting,
    ResponseKind::Shared,
];

fn response_value(response: ResponseKind) -> &'static str {
    match response {
        ResponseKind::Acknowledged => "seen",
        ResponseKind::Acting => "acting",
        ResponseKind::Shared => "shared",
    }
}

/// A badge: words, and a style that only repeats them.
#[derive(Debug, Clone)]
pub struct Badge {
    /// The words.
    pub label: String,
    /// The style: `critical`, `urgent`, `watch`, `ok` or `plain`.
    pub class: &'static str,
}

fn severity_badge(t: &Tr, severity: Severity) -> Badge {
    Badge {
        label: t.msg(&format!("severity-{}", severity_value(severity))),
        class: severity_value(severity),
    }
}

fn response_badge(t: &Tr, response: ResponseKind) -> Badge {
    Badge {
        label: t.msg(&format!("alerts-response-{}", response_value(response))),
        class: match response {
            ResponseKind::Acting => "ok",
            ResponseKind::Shared => "watch",
            ResponseKind::Acknowledged => "plain",
        },
    }
}

/// When an alert stops (or stopped) being current, in words: "expires in 3 hours",
/// "expired 2 days ago".
fn expiry_words(t: &Tr, expires_at_ms: u64, now: u64) -> String {
    if expires_at_ms > now {
        let left = expires_at_ms - now;
        match left {
            l if l < HOUR_MS => t.count("alerts-expires-in-minutes", l.div_ceil(MINUTE_MS)),
            l if l < 2 * DAY_MS => t.count("alerts-expires-in-hours", l / HOUR_MS),
            l => t.count("alerts-expires-in-days", l / DAY_MS),
        }
    } else {
        t.text("alerts-expired-ago", "when", &t.ago(expires_at_ms, now))
    }
}

fn responded_words(t: &Tr, counts: &Counts) -> String {
    let (responded, asked) = (counts.responded(), counts.asked());
    t.with(
        "alerts-responded-count",
        &[
            ("count", ArgValue::Number(responded as u64)),
            ("total", ArgValue::Number(asked as u64)),
        ],
    )
}

/// A form's fields as sent.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(field, _)| field == name)
        .map_or("", |(_, value)| value.as_str())
}

// ---- the list ----

/// One alert in the list.
#[derive(Debug, Clone)]
pub struct AlertRow {
    /// Its page.
    pub href: String,
    /// Its title.
    pub title: String,
    /// How urgent.
    pub severity: Badge,
    /// Where.
    pub region: String,
    /// Who raised it.
    pub org: String,
    /// Whether our org raised it.
    pub ours: bool,
    /// When it was raised, in words.
    pub raised: String,
    /// When it expires or expired, in words.
    pub expiry: String,
    /// How many member orgs responded, in words.
    pub responded: String,
    /// Whether our org has responded.
    pub we_responded: bool,
    /// A line of what happened.
    pub excerpt: String,
}

#[derive(Template)]
#[template(path = "alerts_list.html")]
struct ListPage {
    page: Layout,
    open: Vec<AlertRow>,
    expired: Vec<AlertRow>,
    expired_total: usize,
    more: bool,
}

struct ListFound {
    names: OrgDirectory,
    alerts: Vec<StoredRecord>,
    /// The responses scanned, by the alert they answer.
    responses: HashMap<RecordId, Vec<StoredRecord>>,
    /// Whether the scan stopped at its bound.
    cut: bool,
}

fn read_list(
    store: &dyn Store,
    charter: &commons_protocol::Charter,
    now: u64,
) -> Result<ListFound, StoreError> {
    let alerts = store.query(&RecordQuery {
        kind: Some(BodyKind::Alert),
        limit: ALERT_LIST_LIMIT,
        ..RecordQuery::default()
    })?;
    // Responses matter most for open alerts: scan from the oldest open one's date (an
    // expired alert shown may miss responses older than that, which the scan bounds).
    let since = alerts
        .iter()
        .filter(|stored| matches!(&stored.record.record().body, Body::Alert(alert) if alert.expires_at_ms > now))
        .map(|stored| {
            stored
                .record
                .record()
                .timestamp_ms
                .saturating_sub(CLOCK_SKEW_ALLOWANCE_MS)
        })
        .min();
    let listed: HashSet<RecordId> = alerts.iter().map(|stored| stored.record.id()).collect();
    let (scanned, cut) = scan_kind(store, BodyKind::AlertResponse, since, LIST_RESPONSE_SCAN)?;
    let mut responses: HashMap<RecordId, Vec<StoredRecord>> = HashMap::new();
    for stored in scanned {
        if let Body::AlertResponse(response) = &stored.record.record().body
            && listed.contains(&response.alert)
        {
            responses.entry(response.alert).or_default().push(stored);
        }
    }
    Ok(ListFound {
        names: OrgDirectory::read(store, charter)?,
        alerts,
        responses,
        cut,
    })
}

async fn list(State(state): State<AppState>, staff: Staff) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Alerts, t.msg("alerts-title"));
    let now = now_ms();
    let charter = state.node().charter.clone();
    let found = match state
        .read(move |store| read_list(store, &charter, now))
        .await
    {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let roster = state.node().roster();
    let ours = state.node().org;
    let mut open: Vec<(u8, u64, AlertRow)> = Vec::new();
    let mut expired: Vec<(u64, AlertRow)> = Vec::new();
    for stored in &found.alerts {
        let Body::Alert(alert) = &stored.record.record().body else {
            continue;
        };
        let id = stored.record.id();
        let raised_ms = stored.record.record().timestamp_ms;
        let responses = found.responses.get(&id).map_or(&[][..], Vec::as_slice);
        let status = alert_status::fold(&id, &stored.org, &roster, responses, found.cut);
        let row = AlertRow {
            href: format!("/alerts/{id}"),
            title: alert.title.clone(),
            severity: severity_badge(t, alert.severity),
            region: alert.region.clone(),
            org: found.names.name(&stored.org),
            ours: stored.org == ours,
            raised: t.ago(raised_ms, now),
            expiry: expiry_words(t, alert.expires_at_ms, now),
            responded: responded_words(t, &status.counts),
            we_responded: status.answer_of(&ours).is_some(),
            excerpt: excerpt(&markdown_text(&alert.body), 200),
        };
        if alert.expires_at_ms > now {
            open.push((severity_rank(alert.severity), raised_ms, row));
        } else {
            expired.push((alert.expires_at_ms, row));
        }
    }
    // The most urgent first, then the newest.
    open.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    // The most recently expired first.
    expired.sort_by_key(|(expired_at, _)| std::cmp::Reverse(*expired_at));
    let expired_total = expired.len();
    let page = ListPage {
        page: layout,
        open: open.into_iter().map(|(_, _, row)| row).collect(),
        expired: expired
            .into_iter()
            .take(EXPIRED_LIST_LENGTH)
            .map(|(_, row)| row)
            .collect(),
        expired_total,
        more: found.alerts.len() >= ALERT_LIST_LIMIT,
    };
    Ok(render(&page))
}

// ---- raising an alert ----

/// One choice of a set of radio buttons.
#[derive(Debug, Clone)]
pub struct RadioChoice {
    /// Its form value.
    pub value: &'static str,
    /// Its label.
    pub label: String,
    /// What it means.
    pub hint: String,
    /// Whether it is chosen.
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "alerts_new.html")]
struct NewPage {
    page: Layout,
    severities: Vec<RadioChoice>,
    region: String,
    title: String,
    body: String,
    action: String,
    hours: String,
    max_hours: u64,
    errors: Vec<String>,
}

fn severity_choices(t: &Tr, chosen: Option<Severity>) -> Vec<RadioChoice> {
    SEVERITIES
        .into_iter()
        .map(|severity| RadioChoice {
            value: severity_value(severity),
            label: t.msg(&format!("severity-{}", severity_value(severity))),
            hint: t.msg(&format!(
                "alerts-severity-{}-hint",
                severity_value(severity)
            )),
            chosen: Some(severity) == chosen,
        })
        .collect()
}

async fn new_form(State(state): State<AppState>, staff: Staff) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Alerts, t.msg("alerts-new-title"));
    let page = NewPage {
        severities: severity_choices(t, Some(Severity::Urgent)),
        page: layout,
        region: String::new(),
        title: String::new(),
        body: String::new(),
        action: String::new(),
        hours: DEFAULT_ALERT_HOURS.to_string(),
        max_hours: MAX_ALERT_HOURS,
        errors: Vec::new(),
    };
    Ok(render(&page))
}

async fn raise(State(state): State<AppState>, posted: Posted<Fields>) -> PageResult {
    let Posted { staff, form } = posted;
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Alerts, t.msg("alerts-new-title"));
    let severity = SEVERITIES
        .into_iter()
        .find(|severity| severity_value(*severity) == field(&form, "severity"));
    let region = field(&form, "region").trim().to_owned();
    let title = field(&form, "title").trim().to_owned();
    let body = field(&form, "body").trim().to_owned();
    let action = field(&form, "action").trim().to_owned();
    let hours_text = field(&form, "hours").trim().to_owned();
    let hours = hours_text.parse::<u64>().ok();
    let mut errors = Vec::new();
    if severity.is_none() {
        errors.push(t.msg("alerts-error-severity"));
    }
    if region.is_empty() {
        errors.push(t.msg("alerts-error-region"));
    }
    if title.is_empty() {
        errors.push(t.msg("alerts-error-title"));
    }
    if title.chars().count() > MAX_LINE_CHARS || region.chars().count() > MAX_LINE_CHARS {
        errors.push(t.with(
            "alerts-error-too-long",
            &[("max", ArgValue::Number(MAX_LINE_CHARS as u64))],
        ));
    }
    if body.is_empty() {
        errors.push(t.msg("alerts-error-body"));
    }
    let hours = match hours {
        Some(hours) if (1..=MAX_ALERT_HOURS).contains(&hours) => Some(hours),
        _ => {
            errors.push(t.with(
                "alerts-error-hours",
                &[("max", ArgValue::Number(MAX_ALERT_HOURS))],
            ));
            None
        }
    };
    if let (true, Some(severity), Some(hours)) = (errors.is_empty(), severity, hours) {
        let alert = Body::Alert(Alert {
            severity,
            region: region.clone(),
            title: title.clone(),
            body: body.clone(),
            action_requested: action.clone(),
            expires_at_ms: now_ms().saturating_add(hours.saturating_mul(HOUR_MS)),
        });
        match publish(&state, t, alert).await {
            Ok(published) => {
                return Ok(
                    Redirect::to(&format!("/alerts/{}?done=raised", published.id)).into_response(),
                );
            }
            Err(refusal) => errors.push(refusal),
        }
    }
    let page = NewPage {
        severities: severity_choices(t, severity),
        page: layout,
        region,
        title,
        body,
        action,
        hours: hours_text,
        max_hours: MAX_ALERT_HOURS,
        errors,
    };
    let mut response = render(&page);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

// ---- an alert's page ----

/// A member org's latest response.
#[derive(Debug, Clone)]
pub struct ResponseRow {
    /// Its record id, the anchor of its place on the page.
    pub id: String,
    /// Whether a member asked to redact it, and our staff's way to ask or vote.
    pub redaction: RedactionPanel,
    /// Its page.
    pub href: String,
    /// Its name.
    pub org: String,
    /// Whether it is ours.
    pub ours: bool,
    /// Its answer.
    pub response: Badge,
    /// Its note, possibly empty.
    pub note: String,
    /// When, in words.
    pub when: String,
}

/// A member org that has not responded.
#[derive(Debug, Clone)]
pub struct Waiting {
    /// Its page.
    pub href: String,
    /// Its name.
    pub org: String,
    /// Whether it is ours.
    pub ours: bool,
}

/// Our own latest response, for the form.
#[derive(Debug, Clone)]
pub struct OurResponse {
    /// Its answer.
    pub response: Badge,
    /// Its note.
    pub note: String,
    /// When, in words.
    pub when: String,
}

#[derive(Template)]
#[template(path = "alerts_show.html")]
struct ShowPage {
    page: Layout,
    id: String,
    severity: Badge,
    region: String,
    raised_by: String,
    raised_by_href: String,
    raised_ours: bool,
    raised: String,
    raised_ago: String,
    expires: String,
    expiry: String,
    open: bool,
    body_html: String,
    action_html: String,
    responded: String,
    responses: Vec<ResponseRow>,
    /// Under the responses, when our staff may ask to redact one: what it is for.
    redaction_hint: Option<String>,
    waiting: Vec<Waiting>,
    responses_cut: bool,
    ours: Option<OurResponse>,
    choices: Vec<RadioChoice>,
    note: String,
    error: Option<String>,
    /// Whether a member asked to redact it, and our staff's way to ask or vote.
    redaction: RedactionPanel,
}

#[derive(Debug, Deserialize)]
struct ShowQuery {
    done: Option<String>,
}

/// The alert's page, with `note`, `chosen` and `error` in its form.
async fn alert_page(
    state: &AppState,
    staff: &Staff,
    id: &str,
    notice: Option<String>,
    draft: (String, Option<ResponseKind>),
    error: Option<String>,
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Alerts, t.msg("alerts-title"));
    let Ok(id) = id.parse::<RecordId>() else {
        return Err(layout.not_found());
    };
    let charter = state.node().charter.clone();
    let roster = state.node().roster();
    let folded = roster.clone();
    let found = match state
        .read(move |store| {
            let thread = read_thread(
                store,
                &charter,
                id,
                BodyKind::Alert,
                BodyKind::AlertResponse,
                ALERT_RESPONSE_SCAN,
            )?;
            // The redactions asked for on the alert and on its responses (still held,
            // and still to be judged, when the alert itself is gone).
            let mut asked = HashMap::new();
            if let Thread::Here { replies, .. } | Thread::Retracted { replies, .. } = &thread {
                let ours: HashSet<RecordId> = replies
                    .iter()
                    .map(|reply| reply.record.id())
                    .chain([id])
                    .collect();
                for proposal in proposals(store, &folded, None)? {
                    if ours.contains(&proposal.tally.target) {
                        asked.insert(proposal.tally.target, proposal);
                    }
                }
            }
            Ok((thread, asked))
        })
        .await
    {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let (found, asked) = found;
    let (stored, replies, cut, names) = match found {
        Thread::Missing => return Err(layout.not_found()),
        Thread::Retracted {
            redacted,
            replies,
            cut,
            names,
        } => {
            let ours = state.node().org;
            let responses = replies
                .iter()
                .filter_map(|reply| {
                    let Body::AlertResponse(response) = &reply.record.record().body else {
                        return None;
                    };
                    let response_id = reply.record.id();
                    let target = Redacted::AlertResponse {
                        alert: id,
                        response: response_id,
                    };
                    let asked = asked.get(&response_id);
                    Some(GoneReply {
                        badge: Some(response_badge(t, response.response)),
                        note: (!response.note.trim().is_empty()).then(|| response.note.clone()),
                        ..GoneReply::of(t, reply, target, asked, &roster, ours, &names)
                    })
                })
                .collect();
            let words = GoneWords {
                message: t.msg(if redacted {
                    "alerts-redacted"
                } else {
                    "alerts-retracted"
                }),
                heading: t.msg("alerts-gone-responses"),
                list_id: "responses",
                explain: t.msg("alerts-gone-responses-explain"),
                us: t.msg("alerts-us"),
                cut: t.msg("alerts-responses-cut"),
                section: ("/alerts".to_owned(), t.msg("alerts-title")),
                breadcrumb: t.msg("alerts-breadcrumb-label"),
            };
            return Ok(gone::page(
                layout.with_notice(notice),
                words,
                responses,
                cut,
            ));
        }
        Thread::Here {
            record,
            replies,
            cut,
            names,
        } => (record, replies, cut, names),
    };
    let Body::Alert(alert) = &stored.record.record().body else {
        return Err(layout.not_found());
    };
    let now = now_ms();
    let ours = state.node().org;
    let raiser = stored.org;
    let status = alert_status::fold(&stored.record.id(), &raiser, &roster, &replies, cut);
    // The newest answers first.
    let mut answered: Vec<(&OrgId, &Answer)> = status
        .orgs
        .iter()
        .filter_map(|each| each.answer.as_ref().map(|answer| (&each.org, answer)))
        .collect();
    answered.sort_by_key(|(_, answer)| std::cmp::Reverse((answer.timestamp_ms, answer.record)));
    let rows: Vec<ResponseRow> = answered
        .into_iter()
        .map(|(org, answer)| ResponseRow {
            id: answer.record.to_string(),
            redaction: redactions::panel(
                t,
                Redacted::AlertResponse {
                    alert: id,
                    response: answer.record,
                },
                asked.get(&answer.record),
                &roster,
                ours,
                *org,
                &names,
            ),
            href: format!("/members/{org}"),
            org: names.name(org),
            ours: *org == ours,
            response: response_badge(t, answer.response),
            note: answer.note.clone(),
            when: t.ago(answer.timestamp_ms, now),
        })
        .collect();
    let mut waiting: Vec<Waiting> = status
        .orgs
        .iter()
        .filter(|each| each.answer.is_none())
        .map(|each| Waiting {
            href: format!("/members/{}", each.org),
            org: names.name(&each.org),
            ours: each.org == ours,
        })
        .collect();
    waiting.sort_by_key(|each| (!each.ours, each.org.to_lowercase()));
    let our_answer = status.answer_of(&ours);
    let our_response = our_answer.map(|answer| OurResponse {
        response: response_badge(t, answer.response),
        note: answer.note.clone(),
        when: t.ago(answer.timestamp_ms, now),
    });
    let (note, chosen) = draft;
    let chosen = chosen.or_else(|| our_answer.map(|answer| answer.response));
    let choices = RESPONSES
        .into_iter()
        .map(|response| RadioChoice {
            value: response_value(response),
            label: t.msg(&format!("alerts-response-{}", response_value(response))),
            hint: t.msg(&format!(
                "alerts-response-{}-hint",
                response_value(response)
            )),
            chosen: Some(response) == chosen,
        })
        .collect();
    let redaction = redactions::panel(
        t,
        Redacted::Alert(id),
        asked.get(&id),
        &roster,
        ours,
        raiser,
        &names,
    );
    let mut layout = layout.with_notice(notice);
    layout.title = alert.title.clone();
    let page = ShowPage {
        redaction,
        id: stored.record.id().to_string(),
        severity: severity_badge(t, alert.severity),
        region: alert.region.clone(),
        raised_by: names.name(&raiser),
        raised_by_href: format!("/members/{raiser}"),
        raised_ours: raiser == ours,
        raised: t.datetime(stored.record.record().timestamp_ms),
        raised_ago: t.ago(stored.record.record().timestamp_ms, now),
        expires: t.datetime(alert.expires_at_ms),
        expiry: expiry_words(t, alert.expires_at_ms, now),
        open: alert.expires_at_ms > now,
        body_html: markdown::render(&alert.body),
        action_html: markdown::render(&alert.action_requested),
        responded: responded_words(t, &status.counts),
        redaction_hint: rows
            .iter()
            .any(|row| row.redaction.action.is_some())
            .then(|| t.msg("redaction-response-hint")),
        responses: rows,
        waiting,
        responses_cut: cut,
        ours: our_response,
        choices,
        note,
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
        Some("raised") => Some(staff.tr.msg("alerts-done-raised")),
        Some("responded") => Some(staff.tr.msg("alerts-done-responded")),
        Some("redaction-voted") => Some(staff.tr.msg("redaction-done-voted")),
        Some("redacted") => Some(staff.tr.msg("redaction-done-redacted")),
        _ => None,
    };
    alert_page(&state, &staff, &id, notice, (String::new(), None), None).await
}

async fn respond(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Fields>,
) -> PageResult {
    let Posted { staff, form } = posted;
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Alerts, t.msg("alerts-title"));
    let Ok(alert_id) = id.parse::<RecordId>() else {
        return Err(layout.not_found());
    };
    let found = match state.read(move |store| store.record(&alert_id)).await {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let Some(Body::Alert(_)) = found.as_ref().map(|stored| &stored.record.record().body) else {
        return Err(layout.not_found());
    };
    // The org that raised an alert is not asked to respond to it (nor counted).
    if found.as_ref().map(|stored| stored.org) == Some(state.node().org) {
        let message = t.msg("alerts-respond-raiser");
        return Err(layout.failure(StatusCode::CONFLICT, message));
    }
    let kind = RESPONSES
        .into_iter()
        .find(|response| response_value(*response) == field(&form, "response"));
    let note = field(&form, "note").trim().to_owned();
    let error = match kind {
        None => Some(t.msg("alerts-error-response")),
        Some(_) if note.chars().count() > MAX_NOTE_CHARS => Some(t.with(
            "alerts-error-note-long",
            &[("max", ArgValue::Number(MAX_NOTE_CHARS as u64))],
        )),
        Some(response) => {
            let body = Body::AlertResponse(AlertResponse {
                alert: alert_id,
                response,
                note: note.clone(),
            });
            match publish(&state, t, body).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!(
                        "/alerts/{alert_id}?done=responded#responses"
                    ))
                    .into_response());
                }
                Err(refusal) => Some(refusal),
            }
        }
    };
    let mut response = alert_page(&state, &staff, &id, None, (note, kind), error).await?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}
