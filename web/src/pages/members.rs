//! Members: the roster of member orgs with their profiles; the applications and the
//! proposals to remove a member, each with its tally in words; an org's own page with
//! its devices and the vote buttons, each behind a confirmation that names the
//! consequence, and under another org's profile its "Safety" panel (the members' vote
//! to redact it, [`crate::pages::redactions`]); our org's profile (edit) and devices;
//! and, on the node of an org not yet admitted, applying to join (with the org's
//! profile, so members see its name).
//! Profiles, applications and votes are published through [`crate::view::publish`];
//! every count is the roster's own ([`Roster::tally`]), so the page and
//! `commons members list` always agree.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use commons_node::store::{MAX_QUERY_LIMIT, RecordQuery, Store, StoreError};
use commons_protocol::{
    Application, Body, BodyKind, Charter, DeviceKey, OrgId, Profile, RecordId, Roster, Tally, Vote,
    VoteChoice,
};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::{ArgValue, Tr};
use crate::page::{Failure, Layout, PageResult, Section, render};
use crate::pages::redactions::{self, Redacted, RedactionPanel};
use crate::security::{Posted, Staff};
use crate::view::{OrgDirectory, excerpt, now_ms, publish, split_list};

/// How many member orgs the roster lists per page.
pub const ROSTER_PAGE_SIZE: usize = 50;
/// How much of an application's statement the roster shows.
pub const STATEMENT_EXCERPT_CHARS: usize = 320;
/// How much of an org's description the roster shows.
pub const DESCRIPTION_EXCERPT_CHARS: usize = 200;
/// The longest application statement the form takes, in characters.
pub const MAX_STATEMENT_CHARS: usize = 4000;
/// The longest profile description the form takes, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// The longest one-line profile field (name, country, region, website), in characters.
pub const MAX_LINE_CHARS: usize = 200;

/// The members pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/members", get(roster_page))
        .route("/members/apply", get(apply_form).post(apply))
        .route("/members/{org}", get(org_page))
        .route("/members/{org}/vote", get(vote_confirmation).post(vote))
        .route("/profile", get(profile_form).post(save_profile))
}

// ---- what the pages read ----

/// An org's latest application, when its own device made it.
#[derive(Debug, Clone)]
struct Applied {
    org: OrgId,
    statement: String,
    timestamp_ms: u64,
}

/// The names, latest profiles and latest applications of every org, in one store visit.
struct Known {
    names: OrgDirectory,
    profiles: HashMap<OrgId, Profile>,
    /// Newest first, one per org.
    applications: Vec<Applied>,
}

fn read_known(store: &dyn Store, charter: &Charter) -> Result<Known, StoreError> {
    let names = OrgDirectory::read(store, charter)?;
    let mut profiles = HashMap::new();
    for stored in store.query(&RecordQuery {
        kind: Some(BodyKind::Profile),
        limit: MAX_QUERY_LIMIT,
        ..RecordQuery::default()
    })? {
        // Newest first: the first profile seen of an org is its newest, shown as its
        // latest version.
        if !profiles.contains_key(&stored.org)
            && let Body::Profile(profile) = commons_node::revisions::latest_body(store, &stored)?
        {
            profiles.insert(stored.org, profile);
        }
    }
    let mut applications: Vec<Applied> = Vec::new();
    let mut seen = HashSet::new();
    for stored in store.query(&RecordQuery {
        kind: Some(BodyKind::Application),
        limit: MAX_QUERY_LIMIT,
        ..RecordQuery::default()
    })? {
        if let Some(applied) = application_of(&stored)
            && seen.insert(applied.org)
        {
            applications.push(applied);
        }
    }
    Ok(Known {
        names,
        profiles,
        applications,
    })
}

/// The application in `stored`, if an org made it for itself (an application naming
/// another org speaks for no one).
fn application_of(stored: &commons_node::store::StoredRecord) -> Option<Applied> {
    match &stored.record.record().body {
        Body::Application(Application { org, statement }) if *org == stored.org => Some(Applied {
            org: *org,
            statement: statement.clone(),
            timestamp_ms: stored.record.record().timestamp_ms,
        }),
        _ => None,
    }
}

/// What is known of one org: its latest profile and application.
struct OneOrg {
    names: OrgDirectory,
    profile: Option<Profile>,
    /// The first version of the profile shown: what a redaction vote names.
    profile_id: Option<RecordId>,
    application: Option<Applied>,
    /// The highest seq held of each of its devices' feeds.
    heads: HashMap<DeviceKey, u64>,
}

fn read_one(
    store: &dyn Store,
    charter: &Charter,
    org: OrgId,
    devices: Vec<DeviceKey>,
) -> Result<OneOrg, StoreError> {
    // By kind, then the org's: a query by org walks the org's whole feed (thousands of
    // records) to find a kind it may never have written, where the newest profiles and
    // applications of the network are few (docs/benchmarks.md, "commons-web: page
    // times": 126 ms p50 by org at 100,000 records).
    let latest = |kind| -> Result<Vec<_>, StoreError> {
        Ok(store
            .query(&RecordQuery {
                kind: Some(kind),
                limit: MAX_QUERY_LIMIT,
                ..RecordQuery::default()
            })?
            .into_iter()
            .filter(|stored| stored.org == org)
            .take(1)
            .collect())
    };
    let (profile, profile_id) = match latest(BodyKind::Profile)?.first() {
        Some(stored) => match commons_node::revisions::latest_body(store, stored)? {
            Body::Profile(profile) => (Some(profile), Some(stored.record.id())),
            _ => (None, None),
        },
        None => (None, None),
    };
    let application = latest(BodyKind::Application)?
        .iter()
        .find_map(application_of);
    let mut heads = HashMap::new();
    for device in devices {
        if let Some(head) = store.head(&device)? {
            heads.insert(device, head.max_seq);
        }
    }
    Ok(OneOrg {
        names: OrgDirectory::read(store, charter)?,
        profile,
        profile_id,
        application,
        heads,
    })
}

// ---- words ----

/// "1 of 2 endorsements to admit".
fn admit_words(t: &Tr, tally: &Tally) -> String {
    counted(t, "tally-admit", tally.admit.len(), tally.admit_needed)
}

/// "1 of 2 votes to remove".
fn remove_words(t: &Tr, tally: &Tally) -> String {
    counted(t, "tally-remove", tally.remove.len(), tally.remove_needed)
}

fn counted(t: &Tr, id: &str, count: usize, needed: usize) -> String {
    t.with(
        id,
        &[
            ("count", ArgValue::Number(count as u64)),
            ("needed", ArgValue::Number(needed as u64)),
        ],
    )
}

/// "Kenya · East Africa": the parts given, in order.
fn place(profile: Option<&Profile>) -> String {
    profile
        .map(|profile| {
            [profile.country.trim(), profile.region.trim()]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
}

/// The names of `orgs`, joined for a sentence.
fn names_of(names: &OrgDirectory, orgs: &[OrgId]) -> String {
    orgs.iter()
        .map(|org| names.name(org))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `org_…` as a path segment, or `None` for anything else.
fn parse_org(text: &str) -> Option<OrgId> {
    text.parse().ok()
}

/// Whether `text` is a web address that may be a link (an `http` or `https` one).
fn web_link(text: &str) -> Option<String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let is_web = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    is_web.then(|| text.to_owned())
}

/// A notice shown once after a POST, from `?done=…`.
#[derive(Debug, Default, Deserialize)]
struct Done {
    done: Option<String>,
    page: Option<usize>,
}

// ---- the roster ----

/// One member org on the roster.
#[derive(Debug, Clone)]
struct MemberCard {
    href: String,
    name: String,
    ours: bool,
    founder: bool,
    place: String,
    working_groups: String,
    languages: String,
    description: String,
    devices: String,
}

/// One application under way.
#[derive(Debug, Clone)]
struct ApplicantCard {
    href: String,
    name: String,
    place: String,
    statement: String,
    applied: String,
    tally: String,
    endorsed: bool,
}

/// One proposal to remove a member.
#[derive(Debug, Clone)]
struct RemovalCard {
    href: String,
    name: String,
    ours: bool,
    tally: String,
    voters: String,
    voted: bool,
}

/// Our own application, on the node of an org not yet admitted.
#[derive(Debug, Clone)]
struct OwnApplication {
    statement: String,
    applied: String,
    tally: String,
}

#[derive(Debug, Template)]
#[template(path = "members_roster.html")]
struct RosterPage {
    page: Layout,
    is_member: bool,
    our_name: String,
    member_count: String,
    thresholds: String,
    members: Vec<MemberCard>,
    previous_page: Option<String>,
    next_page: Option<String>,
    applicants: Vec<ApplicantCard>,
    removals: Vec<RemovalCard>,
    own_application: Option<OwnApplication>,
    /// "2 requests under way", for the link to the redaction requests.
    redactions_open: String,
}

async fn roster_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(done): Query<Done>,
) -> PageResult {
    let t = &staff.tr;
    let notice = match done.done.as_deref() {
        Some("applied") => Some(t.msg("members-applied-notice")),
        _ => None,
    };
    let layout =
        Layout::new(&state, &staff, Section::Members, t.msg("members-title")).with_notice(notice);
    let charter = state.node().charter.clone();
    let known = match state.read(move |store| read_known(store, &charter)).await {
        Ok(known) => known,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let roster = state.node().roster();
    let ours = state.node().org;
    let is_member = roster.is_member(&ours);
    let now = now_ms();
    let founders: HashSet<OrgId> = state
        .node()
        .charter
        .founders
        .iter()
        .map(|founder| founder.org)
        .collect();

    // Ours first, then by name.
    let mut members: Vec<OrgId> = roster.members().collect();
    members.sort_by_cached_key(|org| (*org != ours, known.names.name(org).to_lowercase()));
    let pages = members.len().div_ceil(ROSTER_PAGE_SIZE).max(1);
    let page_index = done.page.unwrap_or(1).clamp(1, pages);
    let cards = members
        .iter()
        .skip((page_index - 1) * ROSTER_PAGE_SIZE)
        .take(ROSTER_PAGE_SIZE)
        .map(|org| {
            let profile = known.profiles.get(org);
            let devices = roster
                .devices_of(org)
                .iter()
                .filter(|device| roster.revoked_from(org, device).is_none())
                .count();
            MemberCard {
                href: format!("/members/{org}"),
                name: known.names.name(org),
                ours: *org == ours,
                founder: founders.contains(org),
                place: place(profile),
                working_groups: profile.map_or_else(String::new, |p| p.working_groups.join(", ")),
                languages: profile.map_or_else(String::new, |p| p.languages.join(", ")),
                description: profile.map_or_else(String::new, |p| {
                    excerpt(&p.description, DESCRIPTION_EXCERPT_CHARS)
                }),
                devices: t.count("members-devices-count", devices),
            }
        })
        .collect();

    let applicants = known
        .applications
        .iter()
        .filter(|applied| !roster.is_member(&applied.org) && applied.org != ours)
        .map(|applied| {
            let tally = roster.tally(&applied.org);
            ApplicantCard {
                href: format!("/members/{}", applied.org),
                name: known.names.name(&applied.org),
                place: place(known.profiles.get(&applied.org)),
                statement: excerpt(&applied.statement, STATEMENT_EXCERPT_CHARS),
                applied: t.text(
                    "members-applied-when",
                    "when",
                    &t.ago(applied.timestamp_ms, now),
                ),
                tally: admit_words(t, &tally),
                endorsed: tally.admit.contains(&ours),
            }
        })
        .collect();

    let removals = roster
        .voted_subjects()
        .map(|org| roster.tally(&org))
        .filter(|tally| tally.member && !tally.remove.is_empty())
        .map(|tally| RemovalCard {
            href: format!("/members/{}", tally.subject),
            name: known.names.name(&tally.subject),
            ours: tally.subject == ours,
            tally: remove_words(t, &tally),
            voters: t.text(
                "members-removal-voters",
                "orgs",
                &names_of(&known.names, &tally.remove),
            ),
            voted: tally.remove.contains(&ours),
        })
        .collect();

    let own_application = if is_member {
        None
    } else {
        known
            .applications
            .iter()
            .find(|applied| applied.org == ours)
            .map(|applied| OwnApplication {
                statement: applied.statement.clone(),
                applied: t.date(applied.timestamp_ms),
                tally: admit_words(t, &roster.tally(&ours)),
            })
    };
    let sample = roster.tally(&ours);
    let thresholds = t.with(
        "members-thresholds",
        &[
            ("admit", ArgValue::Number(sample.admit_needed as u64)),
            ("members", ArgValue::Number(roster.member_count() as u64)),
            ("remove", ArgValue::Number(sample.remove_needed as u64)),
        ],
    );
    let redactions_open = roster
        .redaction_proposals()
        .map(|(id, author)| roster.redaction_tally(&id, &author))
        .filter(|tally| tally.decided.is_none() && !tally.votes.is_empty())
        .count();
    let link = |index: usize| format!("/members?page={index}#roster");
    let page = RosterPage {
        is_member,
        our_name: known.names.name(&ours),
        member_count: t.count("members-count", roster.member_count()),
        thresholds,
        members: cards,
        previous_page: (page_index > 1).then(|| link(page_index - 1)),
        next_page: (page_index < pages).then(|| link(page_index + 1)),
        applicants,
        removals,
        own_application,
        redactions_open: t.count("members-redactions-open", redactions_open),
        page: layout,
    };
    Ok(render(&page))
}

// ---- one org ----

/// One device of an org.
#[derive(Debug, Clone)]
struct DeviceRow {
    label: String,
    key: String,
    this_device: bool,
    revoked: Option<String>,
    records: String,
}

fn device_rows(
    t: &Tr,
    roster: &Roster,
    org: &OrgId,
    this_device: &DeviceKey,
    heads: &HashMap<DeviceKey, u64>,
) -> Vec<DeviceRow> {
    let mut rows: Vec<(bool, DeviceRow)> = roster
        .devices_of(org)
        .into_iter()
        .filter_map(|device| {
            let known = roster.device(&device)?;
            let revoked = known
                .revoked_from
                .map(|from| t.count("members-device-revoked", from));
            let held = heads.get(&device).copied().unwrap_or(0);
            Some((
                revoked.is_some(),
                DeviceRow {
                    label: known.label,
                    key: device.to_string(),
                    this_device: device == *this_device,
                    revoked,
                    records: t.count("members-device-records", held),
                },
            ))
        })
        .collect();
    // Devices in use first.
    rows.sort_by_key(|(revoked, row)| (*revoked, !row.this_device, row.label.to_lowercase()));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// A vote button of the org page.
#[derive(Debug, Clone)]
struct VoteLink {
    href: String,
    label: String,
    class: &'static str,
}

#[derive(Debug, Template)]
#[template(path = "members_org.html")]
struct OrgPage {
    page: Layout,
    org_id: String,
    ours: bool,
    state: String,
    state_class: &'static str,
    country: String,
    region: String,
    website: String,
    website_link: Option<String>,
    working_groups: String,
    languages: String,
    description: Vec<String>,
    has_profile: bool,
    /// The profile's "Safety" panel, when it is shown.
    redaction: Option<RedactionPanel>,
    statement: Vec<String>,
    applied: String,
    tally: Option<String>,
    voters: String,
    position: Option<String>,
    votes: Vec<VoteLink>,
    cannot_vote: Option<String>,
    removal: Option<RemovalOffer>,
    devices: Vec<DeviceRow>,
}

/// The way to propose removing a member, offered apart from the other votes.
#[derive(Debug, Clone)]
struct RemovalOffer {
    link: VoteLink,
    /// How many votes removing it takes, in words.
    how: String,
}

/// What our org may do about `subject`: the vote a button leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VoteAction {
    /// Endorse an applicant's admission.
    Admit,
    /// Vote to remove a member.
    Remove,
    /// Take back our current vote on it.
    Withdraw,
}

impl VoteAction {
    fn parse(text: &str) -> Option<VoteAction> {
        match text {
            "admit" => Some(VoteAction::Admit),
            "remove" => Some(VoteAction::Remove),
            "withdraw" => Some(VoteAction::Withdraw),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            VoteAction::Admit => "admit",
            VoteAction::Remove => "remove",
            VoteAction::Withdraw => "withdraw",
        }
    }

    /// The vote that carries it out. The protocol has no "abstain": a later vote
    /// replaces an org's earlier one, so taking back an endorsement is a vote to
    /// remove (which does nothing to a non-member), and taking back a vote to remove
    /// is a vote to admit (which does nothing to a member).
    fn choice(self, tally: &Tally) -> VoteChoice {
        match self {
            VoteAction::Admit => VoteChoice::Admit,
            VoteAction::Remove => VoteChoice::Remove,
            VoteAction::Withdraw if tally.member => VoteChoice::Admit,
            VoteAction::Withdraw => VoteChoice::Remove,
        }
    }
}

/// Why our org may not take `action` on `subject` now, as a message id; `None` when
/// it may. `applied` says whether the subject asked to join.
fn refusal_of(
    roster: &Roster,
    ours: &OrgId,
    subject: &OrgId,
    applied: bool,
    action: VoteAction,
) -> Option<&'static str> {
    if !roster.is_member(ours) {
        return Some("members-vote-not-member");
    }
    let tally = roster.tally(subject);
    match action {
        VoteAction::Admit if tally.member => Some("members-vote-already-member"),
        VoteAction::Admit if !applied && roster.org(subject).is_none() => {
            Some("members-vote-unknown")
        }
        VoteAction::Admit if tally.admit.contains(ours) => Some("members-vote-already-endorsed"),
        VoteAction::Remove if subject == ours => Some("members-vote-not-ourselves"),
        VoteAction::Remove if !tally.member => Some("members-vote-not-a-member"),
        VoteAction::Remove if tally.remove.contains(ours) => Some("members-vote-already-removing"),
        // Our current vote: a vote to remove a member, or an endorsement of a non-member.
        VoteAction::Withdraw
            if !(tally.member && tally.remove.contains(ours)
                || !tally.member && tally.admit.contains(ours)) =>
        {
            Some("members-vote-nothing-to-withdraw")
        }
        _ => None,
    }
}

async fn org_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(org): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    let t = &staff.tr;
    let fallback = Layout::new(&state, &staff, Section::Members, t.msg("members-title"));
    let Some(org) = parse_org(&org) else {
        return Err(fallback.not_found());
    };
    let roster = state.node().roster();
    let ours = state.node().org;
    let charter = state.node().charter.clone();
    let devices: Vec<DeviceKey> = roster.devices_of(&org).into_iter().collect();
    let folded = roster.clone();
    let found = match state
        .read(move |store| {
            let found = read_one(store, &charter, org, devices)?;
            // The members' request to redact the profile shown, if any.
            let redaction = match found.profile_id {
                Some(id) => redactions::proposal_on(store, &folded, id)?,
                None => None,
            };
            Ok((found, redaction))
        })
        .await
    {
        Ok(found) => found,
        Err(error) => return Err(fallback.store_failure(&error)),
    };
    let (found, redaction) = found;
    let tally = roster.tally(&org);
    if roster.org(&org).is_none() && found.application.is_none() && found.profile.is_none() {
        return Err(fallback.not_found());
    }
    let name = found.names.name(&org);
    let notice = match done.done.as_deref() {
        Some("redaction-voted") => Some(t.msg("redaction-done-voted")),
        Some("redacted") => Some(t.msg("redaction-done-redacted")),
        other => other
            .and_then(VoteAction::parse)
            .and_then(|action| vote_notice(t, &name, &tally, &ours, action)),
    };
    let layout = Layout::new(&state, &staff, Section::Members, name.clone()).with_notice(notice);
    let (state_text, state_class) = if tally.member {
        (t.msg("members-state-member"), "ok")
    } else if found.application.is_some() {
        (t.msg("members-state-applicant"), "watch")
    } else {
        (t.msg("members-state-outsider"), "plain")
    };
    let profile = found.profile.as_ref();
    let field = |get: fn(&Profile) -> String| profile.map(get).unwrap_or_default();
    let applied = found.application.is_some();
    let we_vote = roster.is_member(&ours);
    let (tally_line, voters, position) = if tally.member {
        if tally.remove.is_empty() {
            (None, String::new(), None)
        } else {
            (
                Some(remove_words(t, &tally)),
                t.text(
                    "members-removal-voters",
                    "orgs",
                    &names_of(&found.names, &tally.remove),
                ),
                tally
                    .remove
                    .contains(&ours)
                    .then(|| t.msg("members-position-removing")),
            )
        }
    } else if applied || !tally.admit.is_empty() {
        let position = if tally.admit.contains(&ours) {
            Some(t.msg("members-position-endorsed"))
        } else if we_vote && org != ours {
            Some(t.msg("members-position-waiting"))
        } else {
            None
        };
        let voters = if tally.admit.is_empty() {
            String::new()
        } else {
            t.text(
                "members-endorsed-by",
                "orgs",
                &names_of(&found.names, &tally.admit),
            )
        };
        (Some(admit_words(t, &tally)), voters, position)
    } else {
        (None, String::new(), None)
    };
    let may = |action| refusal_of(&roster, &ours, &org, applied, action).is_none();
    let link = |action: VoteAction, label, class| VoteLink {
        href: format!("/members/{org}/vote?choice={}", action.as_str()),
        label: t.msg(label),
        class,
    };
    let votes = [
        (VoteAction::Admit, "members-button-admit", ""),
        (VoteAction::Withdraw, "members-button-withdraw", "secondary"),
    ]
    .into_iter()
    .filter(|(action, _, _)| may(*action))
    .map(|(action, label, class)| link(action, label, class))
    .collect();
    // Proposing removal is rare and grave: it comes last, below the profile, as a
    // quiet button; the red one is on the confirmation page that names the consequence.
    let removal = may(VoteAction::Remove).then(|| RemovalOffer {
        link: link(VoteAction::Remove, "members-button-remove", "secondary"),
        how: counted(t, "members-removal-how", 0, tally.remove_needed),
    });
    let cannot_vote = (!we_vote && org != ours).then(|| t.msg("members-vote-not-member"));
    let page = OrgPage {
        org_id: org.to_string(),
        ours: org == ours,
        state: state_text,
        state_class,
        country: field(|p| p.country.clone()),
        region: field(|p| p.region.clone()),
        website: field(|p| p.website.clone()),
        website_link: profile.and_then(|p| web_link(&p.website)),
        working_groups: field(|p| p.working_groups.join(", ")),
        languages: field(|p| p.languages.join(", ")),
        description: paragraphs(&field(|p| p.description.clone())),
        has_profile: profile.is_some(),
        redaction: found.profile_id.map(|profile| {
            redactions::panel(
                t,
                Redacted::Profile { org, profile },
                redaction.as_ref(),
                &roster,
                ours,
                org,
                &found.names,
            )
        }),
        statement: found
            .application
            .as_ref()
            .filter(|_| !tally.member)
            .map(|applied| paragraphs(&applied.statement))
            .unwrap_or_default(),
        applied: found
            .application
            .as_ref()
            .map(|applied| t.text("members-applied-on", "date", &t.date(applied.timestamp_ms)))
            .unwrap_or_default(),
        tally: tally_line,
        voters,
        position,
        votes,
        cannot_vote,
        removal,
        devices: device_rows(t, &roster, &org, &state.node().device, &found.heads),
        page: layout,
    };
    Ok(render(&page))
}

/// The paragraphs of a plain text, split at blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What the org page says after our vote, with the tally as it stands now; `None`
/// when the roster shows no such vote of ours (a `?done=` typed by hand).
fn vote_notice(
    t: &Tr,
    name: &str,
    tally: &Tally,
    ours: &OrgId,
    action: VoteAction,
) -> Option<String> {
    let text = match action {
        VoteAction::Admit if tally.member => t.text("members-notice-admitted", "org", name),
        VoteAction::Admit if tally.admit.contains(ours) => {
            t.text("members-notice-endorsed", "tally", &admit_words(t, tally))
        }
        VoteAction::Remove if !tally.member => t.text("members-notice-removed", "org", name),
        VoteAction::Remove if tally.remove.contains(ours) => t.text(
            "members-notice-remove-voted",
            "tally",
            &remove_words(t, tally),
        ),
        VoteAction::Withdraw if tally.member && !tally.remove.contains(ours) => {
            t.text("members-notice-withdrawn", "tally", &remove_words(t, tally))
        }
        VoteAction::Withdraw if !tally.member && !tally.admit.contains(ours) => {
            t.text("members-notice-withdrawn", "tally", &admit_words(t, tally))
        }
        _ => return None,
    };
    Some(text)
}

// ---- voting ----

#[derive(Debug, Deserialize)]
struct ChoiceQuery {
    choice: Option<String>,
}

#[derive(Debug, Deserialize)]
struct VoteFields {
    choice: String,
}

#[derive(Debug, Template)]
#[template(path = "members_vote.html")]
struct VotePage {
    page: Layout,
    org_href: String,
    org_name: String,
    choice: &'static str,
    consequence: String,
    tally_now: String,
    decides: Option<String>,
    button: String,
    button_class: &'static str,
}

/// The subject, the action asked for and whether our org may take it, or the page
/// that says why not.
struct Ballot {
    subject: OrgId,
    name: String,
    action: VoteAction,
    tally: Tally,
}

async fn ballot(
    state: &AppState,
    staff: &Staff,
    org: &str,
    choice: Option<&str>,
) -> Result<Ballot, Failure> {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Members, t.msg("members-vote-title"));
    let Some(subject) = parse_org(org) else {
        return Err(layout.not_found());
    };
    let Some(action) = choice.and_then(VoteAction::parse) else {
        return Err(layout.failure(StatusCode::BAD_REQUEST, t.msg("members-vote-bad-choice")));
    };
    let charter = state.node().charter.clone();
    let found = state
        .read(move |store| read_one(store, &charter, subject, Vec::new()))
        .await;
    let found = match found {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let roster = state.node().roster();
    let ours = state.node().org;
    let name = found.names.name(&subject);
    if let Some(reason) = refusal_of(
        &roster,
        &ours,
        &subject,
        found.application.is_some(),
        action,
    ) {
        let status = if reason == "members-vote-not-member" {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::CONFLICT
        };
        return Err(layout.failure(status, t.text(reason, "org", &name)));
    }
    Ok(Ballot {
        subject,
        name,
        action,
        tally: roster.tally(&subject),
    })
}

async fn vote_confirmation(
    State(state): State<AppState>,
    staff: Staff,
    Path(org): Path<String>,
    Query(query): Query<ChoiceQuery>,
) -> PageResult {
    let ballot = ballot(&state, &staff, &org, query.choice.as_deref()).await?;
    let t = &staff.tr;
    let name = ballot.name.as_str();
    let tally = &ballot.tally;
    let needed = |count: usize| ArgValue::Number(count as u64);
    let (title, consequence, tally_now, decides, button, button_class) = match ballot.action {
        VoteAction::Admit => (
            t.text("members-vote-admit-title", "org", name),
            t.with(
                "members-vote-admit-consequence",
                &[
                    ("org", ArgValue::Text(name)),
                    ("needed", needed(tally.admit_needed)),
                ],
            ),
            admit_words(t, tally),
            (tally.admit.len() + 1 >= tally.admit_needed)
                .then(|| t.text("members-vote-admit-decides", "org", name)),
            t.msg("members-vote-admit-button"),
            "",
        ),
        VoteAction::Remove => (
            t.text("members-vote-remove-title", "org", name),
            t.with(
                "members-vote-remove-consequence",
                &[
                    ("org", ArgValue::Text(name)),
                    ("needed", needed(tally.remove_needed)),
                ],
            ),
            remove_words(t, tally),
            (tally.remove.len() + 1 >= tally.remove_needed)
                .then(|| t.text("members-vote-remove-decides", "org", name)),
            t.msg("members-vote-remove-button"),
            "danger",
        ),
        VoteAction::Withdraw => {
            let (consequence, now) = if tally.member {
                ("members-vote-withdraw-removal", remove_words(t, tally))
            } else {
                ("members-vote-withdraw-endorsement", admit_words(t, tally))
            };
            (
                t.text("members-vote-withdraw-title", "org", name),
                t.text(consequence, "org", name),
                now,
                None,
                t.msg("members-vote-withdraw-button"),
                "secondary",
            )
        }
    };
    let page = VotePage {
        org_href: format!("/members/{}", ballot.subject),
        org_name: ballot.name.clone(),
        choice: ballot.action.as_str(),
        consequence,
        tally_now,
        decides,
        button,
        button_class,
        page: Layout::new(&state, &staff, Section::Members, title),
    };
    Ok(render(&page))
}

async fn vote(
    State(state): State<AppState>,
    Path(org): Path<String>,
    Posted { staff, form }: Posted<VoteFields>,
) -> PageResult {
    let ballot = ballot(&state, &staff, &org, Some(form.choice.as_str())).await?;
    let t = &staff.tr;
    let body = Body::Vote(Vote {
        subject: ballot.subject,
        choice: ballot.action.choice(&ballot.tally),
    });
    if let Err(refusal) = publish(&state, t, body).await {
        let layout = Layout::new(
            &state,
            &staff,
            Section::Members,
            t.msg("members-vote-title"),
        );
        return Err(layout.failure(StatusCode::SERVICE_UNAVAILABLE, refusal));
    }
    Ok(Redirect::to(&format!(
        "/members/{}?done={}",
        ballot.subject,
        ballot.action.as_str()
    ))
    .into_response())
}

// ---- applying ----

/// The apply form's fields: who the org is (published as its profile, so members see
/// its name rather than an id) and why it asks to join.
#[derive(Debug, Clone, Default, Deserialize)]
struct ApplyFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    statement: String,
}

impl ApplyFields {
    /// The form as first shown: the org's details from its latest profile, if any.
    fn of(profile: Option<&Profile>) -> ApplyFields {
        profile.map_or_else(ApplyFields::default, |profile| ApplyFields {
            name: profile.name.clone(),
            country: profile.country.clone(),
            region: profile.region.clone(),
            description: profile.description.clone(),
            statement: String::new(),
        })
    }

    /// The profile to publish with the application: the typed details over what the
    /// latest profile says of the rest (website, working groups, languages), or the
    /// message id of the first field to correct.
    fn profile(&self, latest: Option<&Profile>) -> Result<Profile, &'static str> {
        let line = |text: &str| text.trim().to_owned();
        let name = line(&self.name);
        if name.is_empty() {
            return Err("members-profile-name-missing");
        }
        if [&self.name, &self.country, &self.region]
            .iter()
            .any(|text| text.trim().chars().count() > MAX_LINE_CHARS)
        {
            return Err("members-profile-too-long");
        }
        if self.description.trim().chars().count() > MAX_DESCRIPTION_CHARS {
            return Err("members-profile-description-long");
        }
        let rest = latest.cloned().unwrap_or_else(|| Profile {
            name: String::new(),
            country: String::new(),
            region: String::new(),
            website: String::new(),
            working_groups: Vec::new(),
            languages: Vec::new(),
            description: String::new(),
        });
        Ok(Profile {
            name,
            country: line(&self.country),
            region: line(&self.region),
            description: self.description.trim().to_owned(),
            ..rest
        })
    }
}

#[derive(Debug, Template)]
#[template(path = "members_apply.html")]
struct ApplyPage {
    page: Layout,
    form: ApplyFields,
    error: Option<String>,
    has_profile: bool,
    max_statement: usize,
    max_line: usize,
    max_description: usize,
}

/// Our org's latest profile, if it published one.
async fn our_profile(state: &AppState) -> Result<Option<Profile>, StoreError> {
    let charter = state.node().charter.clone();
    let ours = state.node().org;
    state
        .read(move |store| Ok(read_one(store, &charter, ours, Vec::new())?.profile))
        .await
}

/// The apply form, with `typed` (or our latest profile's details) and `error`.
async fn apply_page(
    state: &AppState,
    staff: &Staff,
    typed: Option<ApplyFields>,
    error: Option<String>,
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Members, t.msg("members-apply-title"));
    if state.node().roster().is_member(&state.node().org) {
        return Ok(Redirect::to("/members").into_response());
    }
    let latest = match our_profile(state).await {
        Ok(latest) => latest,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&ApplyPage {
        form: typed.unwrap_or_else(|| ApplyFields::of(latest.as_ref())),
        error,
        has_profile: latest.is_some(),
        max_statement: MAX_STATEMENT_CHARS,
        max_line: MAX_LINE_CHARS,
        max_description: MAX_DESCRIPTION_CHARS,
        page: layout,
    });
    *response.status_mut() = status;
    Ok(response)
}

async fn apply_form(State(state): State<AppState>, staff: Staff) -> PageResult {
    apply_page(&state, &staff, None, None).await
}

/// Publishes our profile (when it is new or changed) and then the application, as
/// `commons members apply` does: an application alone shows members an id, not a name.
async fn apply(
    State(state): State<AppState>,
    Posted { staff, form }: Posted<ApplyFields>,
) -> PageResult {
    let t = &staff.tr;
    if state.node().roster().is_member(&state.node().org) {
        return Ok(Redirect::to("/members").into_response());
    }
    let latest = match our_profile(&state).await {
        Ok(latest) => latest,
        Err(error) => {
            let layout = Layout::new(
                &state,
                &staff,
                Section::Members,
                t.msg("members-apply-title"),
            );
            return Err(layout.store_failure(&error));
        }
    };
    let profile = match form.profile(latest.as_ref()) {
        Ok(profile) => profile,
        Err(id) => {
            let error = t.with(
                id,
                &[
                    ("max", ArgValue::Number(MAX_LINE_CHARS as u64)),
                    ("count", ArgValue::Number(MAX_DESCRIPTION_CHARS as u64)),
                ],
            );
            return apply_page(&state, &staff, Some(form), Some(error)).await;
        }
    };
    let statement = form.statement.trim().to_owned();
    if statement.is_empty() {
        let error = t.msg("members-apply-statement-missing");
        return apply_page(&state, &staff, Some(form), Some(error)).await;
    }
    if statement.chars().count() > MAX_STATEMENT_CHARS {
        let error = t.count("members-apply-statement-long", MAX_STATEMENT_CHARS);
        return apply_page(&state, &staff, Some(form), Some(error)).await;
    }
    if latest.as_ref() != Some(&profile)
        && let Err(refusal) = publish(&state, t, Body::Profile(profile)).await
    {
        return apply_page(&state, &staff, Some(form), Some(refusal)).await;
    }
    let body = Body::Application(Application {
        org: state.node().org,
        statement,
    });
    match publish(&state, t, body).await {
        Ok(_) => Ok(Redirect::to("/members?done=applied").into_response()),
        Err(refusal) => apply_page(&state, &staff, Some(form), Some(refusal)).await,
    }
}

// ---- our profile ----

/// The profile form's fields, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
struct ProfileFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    working_groups: String,
    #[serde(default)]
    languages: String,
    #[serde(default)]
    description: String,
}

impl ProfileFields {
    fn of(profile: &Profile) -> ProfileFields {
        ProfileFields {
            name: profile.name.clone(),
            country: profile.country.clone(),
            region: profile.region.clone(),
            website: profile.website.clone(),
            working_groups: profile.working_groups.join(", "),
            languages: profile.languages.join(", "),
            description: profile.description.clone(),
        }
    }

    /// The profile to publish, or the message id of the first field to correct.
    fn check(&self) -> Result<Profile, &'static str> {
        let line = |text: &str| text.trim().to_owned();
        let name = line(&self.name);
        if name.is_empty() {
            return Err("members-profile-name-missing");
        }
        let fields = [&self.name, &self.country, &self.region, &self.website];
        if fields
            .iter()
            .any(|text| text.trim().chars().count() > MAX_LINE_CHARS)
        {
            return Err("members-profile-too-long");
        }
        if self.description.trim().chars().count() > MAX_DESCRIPTION_CHARS {
            return Err("members-profile-description-long");
        }
        let mut website = line(&self.website);
        if !website.is_empty() && !website.contains("://") {
            website = format!("https://{website}");
        }
        if !website.is_empty() && web_link(&website).is_none() {
            return Err("members-profile-website-bad");
        }
        Ok(Profile {
            name,
            country: line(&self.country),
            region: line(&self.region),
            website,
            working_groups: split_list(&self.working_groups),
            languages: split_list(&self.languages),
            description: self.description.trim().to_owned(),
        })
    }
}

#[derive(Debug, Template)]
#[template(path = "members_profile.html")]
struct ProfilePage {
    page: Layout,
    form: ProfileFields,
    error: Option<String>,
    has_profile: bool,
    org_id: String,
    org_href: String,
    devices: Vec<DeviceRow>,
    this_device: String,
    add_command: String,
    revoke_commands: Vec<(String, String)>,
}

async fn profile_page(
    state: &AppState,
    staff: &Staff,
    typed: Option<ProfileFields>,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(
        state,
        staff,
        Section::Members,
        t.msg("members-profile-title"),
    )
    .with_notice(notice);
    let roster = state.node().roster();
    let ours = state.node().org;
    let charter = state.node().charter.clone();
    let devices: Vec<DeviceKey> = roster.devices_of(&ours).into_iter().collect();
    let found = match state
        .read(move |store| read_one(store, &charter, ours, devices))
        .await
    {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let form = typed.unwrap_or_else(|| {
        found.profile.as_ref().map_or_else(
            || ProfileFields {
                name: found.names.name(&ours),
                ..ProfileFields::default()
            },
            ProfileFields::of,
        )
    });
    let this_device = state.node().device;
    let rows = device_rows(t, &roster, &ours, &this_device, &found.heads);
    let revoke_commands = rows
        .iter()
        .filter(|row| row.revoked.is_none() && !row.this_device)
        .map(|row| {
            let key: DeviceKey = row.key.parse().unwrap_or(this_device);
            let next = found.heads.get(&key).copied().unwrap_or(0) + 1;
            (
                row.label.clone(),
                format!("commons devices revoke {} --from-seq {next}", row.key),
            )
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&ProfilePage {
        form,
        error,
        has_profile: found.profile.is_some(),
        org_id: ours.to_string(),
        org_href: format!("/members/{ours}"),
        devices: rows,
        this_device: short_id_of_device(&this_device),
        add_command: format!(
            "commons devices add --label \"{}\" --out /media/usb/new-device",
            t.msg("members-devices-sample-label")
        ),
        revoke_commands,
        page: layout,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// A device key shortened for people: `dev_` and its first 8 hex digits.
fn short_id_of_device(device: &DeviceKey) -> String {
    device.to_string().chars().take(12).collect()
}

async fn profile_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(done): Query<Done>,
) -> PageResult {
    let notice =
        (done.done.as_deref() == Some("saved")).then(|| staff.tr.msg("members-profile-saved"));
    profile_page(&state, &staff, None, None, notice).await
}

async fn save_profile(
    State(state): State<AppState>,
    Posted { staff, form }: Posted<ProfileFields>,
) -> Response {
    let t = &staff.tr;
    let profile = match form.check() {
        Ok(profile) => profile,
        Err(id) => {
            let error = t.with(
                id,
                &[
                    ("max", ArgValue::Number(MAX_LINE_CHARS as u64)),
                    ("count", ArgValue::Number(MAX_DESCRIPTION_CHARS as u64)),
                ],
            );
            return into_response(
                profile_page(&state, &staff, Some(form), Some(error), None).await,
            );
        }
    };
    match publish(&state, t, Body::Profile(profile)).await {
        Ok(_) => Redirect::to("/profile?done=saved").into_response(),
        Err(refusal) => {
            into_response(profile_page(&state, &staff, Some(form), Some(refusal), None).await)
        }
    }
}

fn into_response(result: PageResult) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            web_link(" https://example.org/about "),
            Some("https://example.org/about".to_owned())
        );
        assert!(web_link("javascript:alert(1)").is_none());
        assert!(web_link("https://exa mple.org").is_none());
        assert!(web_link("ftp://example.org").is_none());
    }

    #[test]
    fn a_profile_needs_a_name_and_a_web_address() {
        let typed = ProfileFields {
            name: "  Rural Defenders Forum ".into(),
            website: "rural-defenders.example".into(),
            working_groups: "Land, land, Environment".into(),
            ..ProfileFields::default()
        };
        let profile = typed.check().expect("a valid profile");
        assert_eq!(profile.name, "Rural Defenders Forum");
        assert_eq!(profile.website, "https://rural-defenders.example");
        assert_eq!(profile.working_groups, vec!["Land", "Environment"]);
        let nameless = ProfileFields::default();
        assert_eq!(nameless.check(), Err("members-profile-name-missing"));
        let odd = ProfileFields {
            name: "x".into(),
            website: "javascript://x".into(),
            ..ProfileFields::default()
        };
        assert_eq!(odd.check(), Err("members-profile-website-bad"));
    }

    #[test]
    fn statements_split_into_paragraphs() {
        assert_eq!(paragraphs("one\n\n\ntwo\n  \n\n"), vec!["one", "two"]);
        assert!(paragraphs("  ").is_empty());
    }
}
