//! Home: what is new across the network since this person's last visit: alerts still
//! open (the most urgent first), new case studies, campaign updates, and the votes
//! waiting for this org, each with its count; and our own recent alerts, each with how
//! many member orgs have responded ([`commons_node::alert_status`]).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use commons_node::alert_status::{self, AlertWithStatus};
use commons_node::store::{MAX_QUERY_LIMIT, RecordQuery, Store, StoreError};
use commons_protocol::{Body, BodyKind, OrgId, Roster, Severity, VoteChoice};

use crate::AppState;
use crate::page::{Layout, PageResult, Section, render};
use crate::security::{self, Staff};
use crate::view::{OrgDirectory, excerpt, now_ms};

/// How many items of each kind the home page lists.
pub const HOME_LIST_LENGTH: usize = 5;

/// How many new case studies and campaign updates the home page counts before it says
/// "100+": every one counted is read and decoded, and past a hundred the exact number
/// tells a person nothing more. Counting to the store's query limit of 1,000 instead
/// cost about 10 ms of 34 at p50 on a node of 100,000 records (docs/benchmarks.md,
/// "commons-web: page times").
pub const HOME_COUNT_LIMIT: usize = 100;

/// The home page's route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// One line of a list on the home page.
#[derive(Debug, Clone)]
pub struct Item {
    /// Where it leads.
    pub href: String,
    /// Its title.
    pub title: String,
    /// Its language, for `lang=`.
    pub lang: Option<String>,
    /// Who published it.
    pub org: String,
    /// When, in words.
    pub when: String,
    /// A line of its text.
    pub excerpt: String,
    /// A badge: the alert's severity, the update's campaign.
    pub badge: Option<String>,
    /// The badge's style: `critical`, `urgent`, `watch` or `plain`.
    pub badge_class: &'static str,
}

/// A count that may have been cut at the query limit.
#[derive(Debug, Clone, Copy)]
pub struct Count {
    /// How many were found.
    pub found: usize,
    /// Whether there may be more.
    pub more: bool,
}

#[derive(Debug, Template)]
#[template(path = "home.html")]
struct Home {
    page: Layout,
    since: String,
    alerts: Vec<Item>,
    alert_count: Count,
    cases: Vec<Item>,
    case_count: Count,
    updates: Vec<Item>,
    update_count: Count,
    votes: Vec<Item>,
    ours: Vec<Item>,
}

/// What the home page reads, in one store visit.
struct Found {
    names: OrgDirectory,
    alerts: Vec<commons_node::store::StoredRecord>,
    alerts_more: bool,
    cases: Vec<commons_node::store::StoredRecord>,
    cases_more: bool,
    updates: Vec<commons_node::store::StoredRecord>,
    updates_more: bool,
    campaign_titles: std::collections::HashMap<commons_protocol::RecordId, String>,
    applications: Vec<commons_node::store::StoredRecord>,
    ours: Vec<AlertWithStatus>,
}

fn read(
    store: &dyn Store,
    charter: &commons_protocol::Charter,
    (roster, org): (&Roster, OrgId),
    since_ms: u64,
    now: u64,
) -> Result<Found, StoreError> {
    let since = |kind| {
        store.query(&RecordQuery {
            kind: Some(kind),
            since_ms: Some(since_ms),
            limit: HOME_COUNT_LIMIT,
            ..RecordQuery::default()
        })
    };
    let cases = since(BodyKind::Practice)?;
    let updates = since(BodyKind::CampaignUpdate)?;
    let mut alerts = store.query(&RecordQuery {
        kind: Some(BodyKind::Alert),
        limit: MAX_QUERY_LIMIT,
        ..RecordQuery::default()
    })?;
    let alerts_more = alerts.len() >= MAX_QUERY_LIMIT;
    alerts.retain(|stored| match &stored.record.record().body {
        Body::Alert(alert) => alert.expires_at_ms > now,
        _ => false,
    });
    alerts.sort_by_key(|stored| {
        let severity = match &stored.record.record().body {
            Body::Alert(alert) => match alert.severity {
                Severity::Critical => 0,
                Severity::Urgent => 1,
                Severity::Watch => 2,
            },
            _ => 3,
        };
        (
            severity,
            std::cmp::Reverse(stored.record.record().timestamp_ms),
        )
    });
    let mut campaign_titles = std::collections::HashMap::new();
    for stored in updates.iter().take(HOME_LIST_LENGTH) {
        if let Body::CampaignUpdate(update) = &stored.record.record().body
            && let Some(campaign) = store.record(&update.campaign)?
            && let Body::Campaign(campaign_body) = &campaign.record.record().body
        {
            campaign_titles.insert(update.campaign, campaign_body.title.clone());
        }
    }
    let applications = store.query(&RecordQuery {
        kind: Some(BodyKind::Application),
        limit: MAX_QUERY_LIMIT,
        ..RecordQuery::default()
    })?;
    let ours = store
        .query(&RecordQuery {
            kind: Some(BodyKind::Alert),
            org: Some(org),
            limit: HOME_LIST_LENGTH,
            ..RecordQuery::default()
        })?
        .into_iter()
        .map(|stored| alert_status::with_status(store, roster, stored))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Found {
        ours,
        names: OrgDirectory::read(store, charter)?,
        alerts_more,
        alerts,
        cases_more: cases.len() >= HOME_COUNT_LIMIT,
        cases,
        updates_more: updates.len() >= HOME_COUNT_LIMIT,
        updates,
        campaign_titles,
        applications,
    })
}

/// The orgs waiting for a vote of `ours`: applicants not yet admitted that we have not
/// voted to admit, and members others have proposed to remove that we have not voted
/// on, each once, newest application first.
fn waiting_votes(
    roster: &Roster,
    ours: &OrgId,
    applications: &[commons_node::store::StoredRecord],
) -> Vec<(OrgId, VoteChoice)> {
    let mut waiting: Vec<(OrgId, VoteChoice)> = Vec::new();
    for stored in applications {
        if let Body::Application(application) = &stored.record.record().body {
            let subject = application.org;
            let tally = roster.tally(&subject);
            if !tally.member
                && !tally.admit.contains(ours)
                && !waiting.iter().any(|(org, _)| *org == subject)
            {
                waiting.push((subject, VoteChoice::Admit));
            }
        }
    }
    for subject in roster.voted_subjects() {
        let tally = roster.tally(&subject);
        if tally.member
            && !tally.remove.is_empty()
            && subject != *ours
            && !tally.remove.contains(ours)
            && !waiting.iter().any(|(org, _)| *org == subject)
        {
            waiting.push((subject, VoteChoice::Remove));
        }
    }
    waiting
}

async fn home(State(state): State<AppState>, staff: Staff) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Home, t.msg("home-title"));
    let now = now_ms();
    let since_ms = staff.since_ms;
    let charter = state.node().charter.clone();
    let (roster, org) = (state.node().roster(), state.node().org);
    let found = match state
        .read(move |store| read(store, &charter, (&roster, org), since_ms, now))
        .await
    {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let names = &found.names;
    let alerts = found
        .alerts
        .iter()
        .take(HOME_LIST_LENGTH)
        .filter_map(|stored| {
            let Body::Alert(alert) = &stored.record.record().body else {
                return None;
            };
            let (badge, badge_class) = match alert.severity {
                Severity::Critical => ("severity-critical", "critical"),
                Severity::Urgent => ("severity-urgent", "urgent"),
                Severity::Watch => ("severity-watch", "watch"),
            };
            Some(Item {
                href: format!("/alerts/{}", stored.record.id()),
                title: alert.title.clone(),
                lang: None,
                org: names.name(&stored.org),
                when: t.ago(stored.record.record().timestamp_ms, now),
                excerpt: excerpt(&alert.body, 160),
                badge: Some(t.msg(badge)),
                badge_class,
            })
        })
        .collect();
    let ours = found
        .ours
        .iter()
        .filter_map(|found| {
            let alert = found.alert()?;
            let (badge, badge_class) = match alert.severity {
                Severity::Critical => ("severity-critical", "critical"),
                Severity::Urgent => ("severity-urgent", "urgent"),
                Severity::Watch => ("severity-watch", "watch"),
            };
            let counts = found.status.counts;
            Some(Item {
                href: format!("/alerts/{}", found.stored.record.id()),
                title: alert.title.clone(),
                lang: None,
                org: names.name(&found.stored.org),
                when: t.ago(found.stored.record.record().timestamp_ms, now),
                excerpt: t.with(
                    "alerts-responded-count",
                    &[
                        (
                            "count",
                            crate::i18n::ArgValue::Number(counts.responded() as u64),
                        ),
                        (
                            "total",
                            crate::i18n::ArgValue::Number(counts.asked() as u64),
                        ),
                    ],
                ),
                badge: Some(t.msg(badge)),
                badge_class,
            })
        })
        .collect();
    let cases = found
        .cases
        .iter()
        .take(HOME_LIST_LENGTH)
        .filter_map(|stored| {
            let Body::Practice(practice) = &stored.record.record().body else {
                return None;
            };
            Some(Item {
                href: format!("/cases/{}", stored.record.id()),
                title: practice.title.clone(),
                lang: Some(practice.language.clone()),
                org: names.name(&stored.org),
                when: t.ago(stored.record.record().timestamp_ms, now),
                excerpt: excerpt(&practice.summary, 160),
                badge: None,
                badge_class: "plain",
            })
        })
        .collect();
    let updates = found
        .updates
        .iter()
        .take(HOME_LIST_LENGTH)
        .filter_map(|stored| {
            let Body::CampaignUpdate(update) = &stored.record.record().body else {
                return None;
            };
            let title = found
                .campaign_titles
                .get(&update.campaign)
                .cloned()
                .unwrap_or_else(|| t.msg("home-campaign-unknown"));
            Some(Item {
                href: format!("/campaigns/{}", update.campaign),
                title,
                lang: None,
                org: names.name(&stored.org),
                when: t.ago(stored.record.record().timestamp_ms, now),
                excerpt: excerpt(&update.body, 160),
                badge: None,
                badge_class: "plain",
            })
        })
        .collect();
    let roster = state.node().roster();
    let votes = waiting_votes(&roster, &state.node().org, &found.applications)
        .into_iter()
        .map(|(org, choice)| {
            let tally = roster.tally(&org);
            let (title, excerpt) = match choice {
                VoteChoice::Remove => (
                    t.text("home-vote-remove", "org", &names.name(&org)),
                    t.with(
                        "tally-remove",
                        &[
                            (
                                "count",
                                crate::i18n::ArgValue::Number(tally.remove.len() as u64),
                            ),
                            (
                                "needed",
                                crate::i18n::ArgValue::Number(tally.remove_needed as u64),
                            ),
                        ],
                    ),
                ),
                _ => (
                    t.text("home-vote-admit", "org", &names.name(&org)),
                    t.with(
                        "tally-admit",
                        &[
                            (
                                "count",
                                crate::i18n::ArgValue::Number(tally.admit.len() as u64),
                            ),
                            (
                                "needed",
                                crate::i18n::ArgValue::Number(tally.admit_needed as u64),
                            ),
                        ],
                    ),
                ),
            };
            Item {
                href: format!("/members/{org}"),
                title,
                lang: None,
                org: names.name(&org),
                when: String::new(),
                excerpt,
                badge: None,
                badge_class: "plain",
            }
        })
        .collect();
    let since = if staff.first_visit {
        t.count(
            "home-since-first",
            crate::security::FIRST_VISIT_LOOKBACK.as_secs() / 86_400,
        )
    } else {
        t.text("home-since", "since", &t.datetime(since_ms))
    };
    let page = Home {
        since,
        alert_count: Count {
            found: found.alerts.len(),
            more: found.alerts_more,
        },
        case_count: Count {
            found: found.cases.len(),
            more: found.cases_more,
        },
        update_count: Count {
            found: found.updates.len(),
            more: found.updates_more,
        },
        alerts,
        cases,
        updates,
        votes,
        ours,
        page: layout,
    };
    let mut response: Response = render(&page);
    // The next session counts what is new from now on.
    if let Ok(value) = security::seen_cookie(now).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
