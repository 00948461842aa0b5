//! Working groups: the groups this node knows, each with its members, and its records
//! opened for this device where they were sealed to it; on a group's page, a member's
//! staff write a case study only the group's member organizations can read. Reading
//! and sealing are the node's ([`commons_node::groups`]); the page never writes to the
//! store and never keeps what it decrypted.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use commons_node::groups::{
    GroupPublishError, Opened, all_of_kind, held_groups, open_record, publish_to_group,
};
use commons_protocol::{Body, BodyKind, Practice, RecordId, Visibility, WorkingGroup};
use serde::Deserialize;

use crate::AppState;
use crate::markdown;
use crate::page::{Layout, PageResult, Section, render};
use crate::security::{Posted, Staff};
use crate::view::{OrgDirectory, refusal};

/// The longest case study the group form takes, in characters.
pub const MAX_BODY_CHARS: usize = 40_000;

/// The groups pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/groups", get(list_page))
        .route("/groups/{group}", get(group_page).post(publish))
}

/// One group in the list.
#[derive(Debug, Clone)]
struct GroupLine {
    href: String,
    name: String,
    purpose: String,
    members: String,
    ours: bool,
}

#[derive(Template)]
#[template(path = "groups_list.html")]
struct GroupsList {
    page: Layout,
    groups: Vec<GroupLine>,
}

/// One member org on a group's page.
#[derive(Debug, Clone)]
struct Member {
    name: String,
    since: String,
}

/// One of a group's records, as this device can read it.
#[derive(Debug, Clone)]
struct Entry {
    title: String,
    byline: String,
    summary: String,
    body_html: String,
    sealed_why: Option<String>,
}

#[derive(Template)]
#[template(path = "groups_show.html")]
struct GroupPage {
    page: Layout,
    action: String,
    purpose: String,
    members: Vec<Member>,
    ours: bool,
    entries: Vec<Entry>,
    problem: Option<String>,
    draft_title: String,
    draft_summary: String,
    draft_body: String,
}

async fn groups(state: &AppState) -> Result<Vec<WorkingGroup>, commons_node::store::StoreError> {
    let roster = state.node().roster();
    state.read(move |store| held_groups(store, &roster)).await
}

async fn list_page(State(state): State<AppState>, staff: Staff) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Groups, t.msg("groups-title"));
    let charter = state.node().charter.clone();
    let read = async {
        let groups = groups(&state).await?;
        let names = state
            .read(move |store| OrgDirectory::read(store, &charter))
            .await?;
        Ok::<_, commons_node::store::StoreError>((groups, names))
    };
    let (groups, _names) = match read.await {
        Ok(read) => read,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let roster = state.node().roster();
    let own = state.node().org;
    let lines = groups
        .iter()
        .map(|group| GroupLine {
            href: format!("/groups/{}", group.id()),
            name: group.name().to_owned(),
            purpose: group.purpose().to_owned(),
            members: t.count("groups-member-count", group.members(&roster).count()),
            ours: group.is_member(&own, &roster),
        })
        .collect();
    Ok(render(&GroupsList {
        page: layout,
        groups: lines,
    }))
}

/// The draft a person typed, kept when the form comes back with a problem.
#[derive(Debug, Clone, Default, Deserialize)]
struct Draft {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
}

#[derive(Debug, Default, Deserialize)]
struct Shown {
    done: Option<String>,
}

async fn group_page(
    State(state): State<AppState>,
    Path(group): Path<String>,
    Query(shown): Query<Shown>,
    staff: Staff,
) -> PageResult {
    let notice = shown
        .done
        .is_some()
        .then(|| staff.tr.msg("groups-published"));
    show(&state, &staff, &group, Draft::default(), None, notice).await
}

async fn show(
    state: &AppState,
    staff: &Staff,
    group: &str,
    draft: Draft,
    problem: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Groups, t.msg("groups-title"));
    let id = match group.parse::<RecordId>() {
        Ok(id) => id,
        Err(_) => return Err(layout.failure(StatusCode::NOT_FOUND, t.msg("groups-not-found"))),
    };
    let groups = match groups(state).await {
        Ok(groups) => groups,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let Some(found) = groups.into_iter().find(|known| known.id() == id) else {
        return Err(layout.failure(StatusCode::NOT_FOUND, t.msg("groups-not-found")));
    };
    let node = state.node().clone();
    let roster = node.roster();
    let charter = node.charter.clone();
    let (device, sealing) = (node.device, node.sealing.clone());
    let read = state
        .read(move |store| {
            let names = OrgDirectory::read(store, &charter)?;
            let mut opened = Vec::new();
            for record in all_of_kind(store, BodyKind::GroupRecord)? {
                let Body::GroupRecord(sealed) = &record.record().body else {
                    continue;
                };
                if sealed.group != id {
                    continue;
                }
                let what = match &sealing {
                    Some(sealing) => open_record(store, &record, &device, sealing)?,
                    None => Opened::NotForThisDevice,
                };
                opened.push((record, what));
            }
            Ok((names, opened))
        })
        .await;
    let (names, opened) = match read {
        Ok(read) => read,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let members = found
        .members(&roster)
        .map(|(org, admission)| Member {
            name: names.name(&org),
            since: t.text("groups-member-since", "date", &t.date(admission.at_ms)),
        })
        .collect();
    let entries = opened
        .iter()
        .map(|(record, what)| {
            let header = record.record();
            let known = roster.device(&header.author);
            // A removed member still holds the keys of the epochs it was in, so a record
            // it wrote after leaving can open: the reader is told the author is outside.
            let in_group = known
                .as_ref()
                .is_some_and(|known| found.is_member(&known.org, &roster));
            let author = known.map_or_else(
                || t.msg("groups-unknown-org"),
                |known| names.name(&known.org),
            );
            let byline = t.with(
                if in_group {
                    "groups-byline"
                } else {
                    "groups-byline-outside"
                },
                &[
                    ("org", crate::i18n::ArgValue::Text(&author)),
                    (
                        "date",
                        crate::i18n::ArgValue::Text(&t.date(header.timestamp_ms)),
                    ),
                ],
            );
            match what {
                Opened::Content(body) => match body.as_ref() {
                    Body::Practice(practice) => Entry {
                        title: practice.title.clone(),
                        byline,
                        summary: practice.summary.clone(),
                        body_html: markdown::render(&practice.body),
                        sealed_why: None,
                    },
                    other => Entry {
                        title: other.kind().map_or("", |kind| kind.name()).to_owned(),
                        byline,
                        summary: String::new(),
                        body_html: String::new(),
                        sealed_why: None,
                    },
                },
                Opened::NotForThisDevice => sealed_entry(byline, t.msg("groups-sealed-not-ours")),
                Opened::EpochNotHeld => sealed_entry(byline, t.msg("groups-sealed-waiting")),
                Opened::Unreadable(_) => sealed_entry(byline, t.msg("groups-sealed-broken")),
            }
        })
        .collect();
    let ours = found.is_member(&node.org, &roster);
    let title = found.name().to_owned();
    let mut page = Layout::new(state, staff, Section::Groups, title).with_notice(notice);
    page.title = found.name().to_owned();
    Ok(render(&GroupPage {
        page,
        action: format!("/groups/{id}"),
        purpose: found.purpose().to_owned(),
        members,
        ours,
        entries,
        problem,
        draft_title: draft.title,
        draft_summary: draft.summary,
        draft_body: draft.body,
    }))
}

fn sealed_entry(byline: String, why: String) -> Entry {
    Entry {
        title: String::new(),
        byline,
        summary: String::new(),
        body_html: String::new(),
        sealed_why: Some(why),
    }
}

async fn publish(
    State(state): State<AppState>,
    Path(group): Path<String>,
    Posted { staff, form }: Posted<Draft>,
) -> PageResult {
    let t = &staff.tr;
    if form.title.trim().is_empty() || form.body.trim().is_empty() {
        let problem = t.msg("groups-form-missing");
        return show(&state, &staff, &group, form, Some(problem), None).await;
    }
    if form.body.chars().count() > MAX_BODY_CHARS {
        let problem = t.msg("groups-form-too-long");
        return show(&state, &staff, &group, form, Some(problem), None).await;
    }
    let layout = Layout::new(&state, &staff, Section::Groups, t.msg("groups-title"));
    let Ok(id) = group.parse::<RecordId>() else {
        return Err(layout.failure(StatusCode::NOT_FOUND, t.msg("groups-not-found")));
    };
    let known = match groups(&state).await {
        Ok(groups) => groups,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let Some(found) = known.into_iter().find(|known| known.id() == id) else {
        return Err(layout.failure(StatusCode::NOT_FOUND, t.msg("groups-not-found")));
    };
    let practice = Practice {
        title: form.title.trim().to_owned(),
        summary: form.summary.trim().to_owned(),
        body: form.body.clone(),
        themes: Vec::new(),
        regions: Vec::new(),
        language: t.lang().code().to_owned(),
        licence: String::new(),
        links: Vec::new(),
        visibility: Visibility::Members,
        attachments: Vec::new(),
    };
    let roster = state.node().roster();
    match publish_to_group(state.node(), &found, &roster, &Body::Practice(practice)).await {
        Ok(_) => Ok(Redirect::to(&format!("/groups/{id}?done=1")).into_response()),
        Err(GroupPublishError::NotMember { .. }) => {
            let problem = t.msg("groups-form-not-member");
            show(&state, &staff, &group, form, Some(problem), None).await
        }
        Err(GroupPublishError::Publish(error)) => {
            Err(layout.failure(StatusCode::SERVICE_UNAVAILABLE, refusal(t, &error)))
        }
        Err(other) => Err(layout.failure(
            StatusCode::SERVICE_UNAVAILABLE,
            t.text("groups-publish-failed", "detail", &other.to_string()),
        )),
    }
}
