//! The read endpoints: status, records, feeds, roster and fork proofs, answered from
//! the store (off the async threads) and the roster ingest keeps (and, for status, the
//! network's part from [`super::peers`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use commons_protocol::text::hex;
use commons_protocol::{Body, BodyKind, OrgId, Roster};
use serde::Deserialize;

use super::contract::feeds::{
    Application, Decision, Feed, Fork, RecoveryCount, RosterAnswer, RosterDevice, RosterOrg,
    Thresholds, VoteCount,
};
use super::contract::records::RecordsPage;
use super::contract::{NotifyCounts, PublishingState, StatusAnswer};
use super::error::{ApiError, ApiQuery};
use super::json::{Cursor, Text, add_versions, record_json};
use super::{ApiState, peers, read_store};
use crate::publish_gate::Publishing;
use crate::revisions;
use crate::store::{MAX_QUERY_LIMIT, RecordQuery, SearchText};

/// Records per page of `GET /v1/records` when the request names no limit.
pub const DEFAULT_PAGE_SIZE: usize = 50;

/// The node's version, as `GET /v1/status` shows it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub(super) async fn status(
    State(state): State<Arc<ApiState>>,
) -> Result<Json<StatusAnswer>, ApiError> {
    let (stats, feeds, search_index) = read_store(&state, |store| {
        Ok((store.stats()?, store.heads()?.len(), store.search_index()))
    })
    .await?;
    let node = &state.node;
    let counter = crate::metrics::Metrics::get;
    let network = peers::status_fields(&state).await;
    Ok(Json(StatusAnswer {
        network: node.network.to_string(),
        network_name: node.charter.name.clone(),
        org: node.org.to_string(),
        device: node.device.to_string(),
        uptime_s: node.started.elapsed().as_secs(),
        records: stats.records,
        tombstones: stats.tombstones,
        fork_proofs: stats.fork_proofs,
        store_bytes: stats.bytes,
        members: node.roster().member_count() as u64,
        feeds: feeds as u64,
        search_index: search_index.name().to_owned(),
        version: VERSION.to_owned(),
        web: state.web.as_ref().map(|web| web.base_url()),
        notify: NotifyCounts {
            hooks: counter(&node.metrics.notify_hooks),
            events: counter(&node.metrics.notify_events),
            delivered: counter(&node.metrics.notify_delivered),
            failures: counter(&node.metrics.notify_failures),
            given_up: counter(&node.metrics.notify_given_up),
            dropped: counter(&node.metrics.notify_dropped),
            pending: counter(&node.metrics.notify_pending),
        },
        publishing: match node.publishing.current() {
            Publishing::Open => PublishingState::default(),
            Publishing::Held(hold) => PublishingState {
                held: true,
                own_seq: Some(hold.own_seq),
                peers_reported: Some(hold.peers_reported as u64),
                peers_waiting: Some(hold.peers_waiting as u64),
                highest_reported: Some(hold.highest_reported),
                message: Some(hold.message()),
            },
        },
        peer_id: network.peer_id,
        listen: network.listen,
        peers: network.peers,
        member_peers: network.member_peers,
        reach: network.reach,
    }))
}

/// `GET /v1/records` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListParams {
    kind: Option<Text<BodyKind>>,
    author: Option<Text<OrgId>>,
    #[serde(alias = "tag")]
    theme: Option<String>,
    since: Option<u64>,
    limit: Option<usize>,
    before: Option<Text<Cursor>>,
    /// Search text: every word must begin a word of the record's text.
    q: Option<String>,
}

pub(super) async fn list(
    State(state): State<Arc<ApiState>>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<RecordsPage>, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_QUERY_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "bad_query",
            format!("limit must be between 1 and {MAX_QUERY_LIMIT}"),
        ));
    }
    let text = params
        .q
        .as_deref()
        .map(SearchText::parse)
        .transpose()
        .map_err(|error| ApiError::bad_request("bad_query", error.to_string()))?;
    let query = RecordQuery {
        kind: params.kind.map(|kind| kind.0),
        text,
        org: params.author.map(|org| org.0),
        tag: params
            .theme
            .map(|theme| theme.trim().to_lowercase())
            .filter(|theme| !theme.is_empty()),
        since_ms: params.since,
        before: params
            .before
            .map(|cursor| (cursor.0.timestamp_ms, cursor.0.id)),
        // One more than asked, to know whether another page follows.
        limit: (limit + 1).min(MAX_QUERY_LIMIT),
    };
    // Each profile, case study and campaign with its versions, so the page shows the
    // version to show (`latest_body`) beside the record's own.
    let (found, more) = read_store(&state, move |store| {
        let mut found = store.query(&query)?;
        let more = found.len() > limit || (found.len() == limit && limit == MAX_QUERY_LIMIT);
        found.truncate(limit);
        let with_versions = found
            .into_iter()
            .map(|stored| {
                let versions = revisions::versions_including(store, &stored)?;
                Ok((stored, versions))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((with_versions, more))
    })
    .await?;
    let next = found
        .last()
        .filter(|_| more)
        .map(|(last, _)| Cursor::after(&last.record).to_string());
    let records = found
        .iter()
        .map(|(stored, versions)| {
            let mut answer = record_json(&stored.record, &stored.org);
            if let Some(versions) = versions {
                add_versions(&mut answer, versions);
            }
            answer
        })
        .collect();
    Ok(Json(RecordsPage { records, next }))
}

fn org_of(roster: &Roster, device: &commons_protocol::DeviceKey) -> Option<String> {
    roster.device(device).map(|state| state.org.to_string())
}

pub(super) async fn feeds(State(state): State<Arc<ApiState>>) -> Result<Json<Vec<Feed>>, ApiError> {
    let heads = read_store(&state, |store| store.heads()).await?;
    let roster = state.node.roster();
    let feeds = heads
        .iter()
        .map(|head| Feed {
            author: head.author.to_string(),
            contiguous: head.contiguous,
            max_seq: head.max_seq,
            frozen: head.frozen,
            org: org_of(&roster, &head.author),
        })
        .collect();
    Ok(Json(feeds))
}

/// The names and applications the node holds, newest first per org: names from the
/// charter, else from the latest version of the org's newest profile.
pub(super) struct Introductions {
    pub(super) names: BTreeMap<OrgId, (String, &'static str)>,
    applications: BTreeMap<OrgId, Application>,
}

pub(super) async fn introductions(state: &ApiState) -> Result<Introductions, ApiError> {
    let query = |kind| RecordQuery {
        kind: Some(kind),
        limit: MAX_QUERY_LIMIT,
        ..RecordQuery::default()
    };
    let (profiles, applications) = read_store(state, move |store| {
        // Newest first: the first profile seen of an org is its newest; it is read as
        // its latest version.
        let mut seen = BTreeSet::new();
        let mut profiles = Vec::new();
        for stored in store.query(&query(BodyKind::Profile))? {
            if seen.insert(stored.org) {
                let body = revisions::latest_body(store, &stored)?;
                profiles.push((stored.org, body));
            }
        }
        Ok((profiles, store.query(&query(BodyKind::Application))?))
    })
    .await?;
    let mut names = BTreeMap::new();
    for founder in &state.node.charter.founders {
        names.insert(founder.org, (founder.name.clone(), "charter"));
    }
    for (org, body) in &profiles {
        if let Body::Profile(profile) = body
            && !profile.name.trim().is_empty()
        {
            names
                .entry(*org)
                .or_insert_with(|| (profile.name.clone(), "profile"));
        }
    }
    let mut latest = BTreeMap::new();
    for stored in &applications {
        if let Body::Application(application) = &stored.record.record().body {
            latest.entry(stored.org).or_insert_with(|| Application {
                id: stored.record.id().to_string(),
                statement: application.statement.clone(),
                timestamp_ms: stored.record.record().timestamp_ms,
            });
        }
    }
    Ok(Introductions {
        names,
        applications: latest,
    })
}

/// The votes on one org and what each decision still needs (`Roster::tally`).
fn decision(roster: &Roster, subject: &OrgId, known: &Introductions) -> Decision {
    let tally = roster.tally(subject);
    let votes = |voters: &[OrgId], needed: usize| VoteCount {
        votes: voters.iter().map(ToString::to_string).collect(),
        count: voters.len() as u64,
        needed: needed as u64,
        missing: needed.saturating_sub(voters.len()) as u64,
    };
    let recover = tally
        .recover
        .iter()
        .map(|(new_root, voters)| RecoveryCount {
            new_root: new_root.to_string(),
            votes: votes(voters, tally.recover_needed),
        })
        .collect();
    Decision {
        subject: subject.to_string(),
        name: known.names.get(subject).map(|(name, _)| name.clone()),
        member: tally.member,
        admit: votes(&tally.admit, tally.admit_needed),
        remove: votes(&tally.remove, tally.remove_needed),
        recover,
        recover_needed: tally.recover_needed as u64,
        application: known.applications.get(subject).cloned(),
    }
}

pub(super) async fn roster(
    State(state): State<Arc<ApiState>>,
) -> Result<Json<RosterAnswer>, ApiError> {
    let known = introductions(&state).await?;
    let roster = state.node.roster();
    let charter = &state.node.charter;
    let mut members = Vec::new();
    let mut others = Vec::new();
    for (org, org_state) in roster.orgs() {
        let devices = roster
            .devices_of(org)
            .iter()
            .filter_map(|device| {
                roster.device(device).map(|known| RosterDevice {
                    device: device.to_string(),
                    label: known.label.clone(),
                    delegation: known.delegation.to_string(),
                    revoked_from: known.revoked_from,
                })
            })
            .collect();
        let (name, name_from) = known.names.get(org).map_or((None, None), |(name, from)| {
            (Some(name.clone()), Some((*from).to_owned()))
        });
        let entry = RosterOrg {
            org: org.to_string(),
            name,
            name_from,
            founder: charter.is_founder(org),
            root: org_state.root.to_string(),
            devices,
            application: known.applications.get(org).cloned(),
        };
        if org_state.member {
            members.push(entry);
        } else {
            others.push(entry);
        }
    }
    // A decision is under way on every org someone voted on, and on every applicant
    // that is not a member (its admission needs votes even before the first).
    let mut subjects: BTreeSet<OrgId> = roster.voted_subjects().collect();
    subjects.extend(
        known
            .applications
            .keys()
            .filter(|org| !roster.is_member(org))
            .copied(),
    );
    let decisions = subjects
        .iter()
        .map(|subject| decision(&roster, subject, &known))
        .collect();
    Ok(Json(RosterAnswer {
        network: state.node.network.to_string(),
        network_name: charter.name.clone(),
        org: state.node.org.to_string(),
        device: state.node.device.to_string(),
        members,
        others,
        decisions,
        thresholds: Thresholds {
            admission: charter.admission.to_string(),
            removal: charter.removal.to_string(),
            recovery: charter.recovery.to_string(),
        },
    }))
}

pub(super) async fn forks(State(state): State<Arc<ApiState>>) -> Result<Json<Vec<Fork>>, ApiError> {
    let proofs = read_store(&state, |store| store.fork_proofs()).await?;
    let forks = proofs
        .iter()
        .map(|proof| {
            let (first, second) = proof.records();
            Fork {
                author: proof.author().to_string(),
                seq: proof.seq(),
                first: first.id().to_string(),
                second: second.id().to_string(),
                proof: hex(&proof.encode()),
            }
        })
        .collect();
    Ok(Json(forks))
}
