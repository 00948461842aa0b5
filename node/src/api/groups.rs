//! `/v1/groups` and `/v1/publish/group…`: working groups as the node folds them from
//! the records it holds (`commons_protocol::WorkingGroup`), and the founding and votes
//! that change them, published through the one publish path. The API reads the store
//! and asks the node to publish; it never writes to the store.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::contract::GroupRecordPublished;
use super::contract::groups::{
    FormerMember, Group, GroupDecision, GroupMember, GroupRecordEntry, GroupRecordsAnswer,
    GroupThresholds, GroupVotes, GroupsAnswer,
};
use super::contract::requests::{FoundGroupRequest, GroupRecordRequest, GroupVoteRequest};
use super::error::{ApiError, ApiJson, ApiPath};
use super::json::FromText;
use super::publish::{Created, publish, published_answer};
use super::reads::introductions;
use super::{ApiState, read_store};
use crate::founding::parse_threshold;
use crate::groups::{
    GroupPublishError, Opened, all_of_kind, held_groups, open_record, publish_to_group,
};
use crate::json::record_body;
use axum::Json;
use axum::extract::State;
use commons_protocol::{
    Body, BodyKind, GroupChoice, GroupFounding, GroupVote, OrgId, Practice, RecordId, Roster,
    Threshold, Visibility, WorkingGroup,
};

/// A group's thresholds when its founder names none: as the sample charter's, half of
/// the members to admit and two thirds of the others to remove.
const DEFAULT_ADMISSION: Threshold = Threshold::Fraction {
    numerator: 1,
    denominator: 2,
};
const DEFAULT_REMOVAL: Threshold = Threshold::Fraction {
    numerator: 2,
    denominator: 3,
};

async fn groups_and_names(
    state: &ApiState,
) -> Result<(Vec<WorkingGroup>, Arc<Roster>, BTreeMap<OrgId, String>), ApiError> {
    let roster = state.node.roster();
    let folding = roster.clone();
    let groups = read_store(state, move |store| held_groups(store, &folding)).await?;
    let names = introductions(state)
        .await?
        .names
        .into_iter()
        .map(|(org, (name, _))| (org, name))
        .collect();
    Ok((groups, roster, names))
}

fn group_answer(
    group: &WorkingGroup,
    roster: &Roster,
    names: &BTreeMap<OrgId, String>,
    own: &OrgId,
) -> Group {
    let name_of = |org: &OrgId| names.get(org).cloned();
    let members = group
        .members(roster)
        .map(|(org, admission)| GroupMember {
            org: org.to_string(),
            name: name_of(&org),
            admitted_by: admission.by.to_string(),
            admitted_ms: admission.at_ms,
            history: admission.history,
        })
        .collect();
    let former = group
        .former()
        .map(|(org, departure)| FormerMember {
            org: org.to_string(),
            name: name_of(&org),
            by: departure.by.to_string(),
            at_ms: departure.at_ms,
            left: departure.left,
        })
        .collect();
    let decisions = group
        .voted_subjects()
        .map(|subject| {
            let tally = group.tally(&subject, roster);
            let votes = |voters: &BTreeSet<OrgId>, needed: usize| GroupVotes {
                votes: voters.iter().map(ToString::to_string).collect(),
                count: voters.len() as u64,
                needed: needed as u64,
                missing: needed.saturating_sub(voters.len()) as u64,
            };
            GroupDecision {
                subject: subject.to_string(),
                name: name_of(&subject),
                member: tally.member,
                admit: votes(&tally.admit, tally.admit_needed),
                with_history: tally.admit_with_history.len() as u64,
                remove: votes(&tally.remove, tally.remove_needed),
            }
        })
        .collect();
    Group {
        id: group.id().to_string(),
        name: group.name().to_owned(),
        purpose: group.purpose().to_owned(),
        founder: group.founder().to_string(),
        founder_name: name_of(&group.founder()),
        founded_ms: group.founded_ms(),
        you_are_member: group.is_member(own, roster),
        members,
        former,
        decisions,
        thresholds: GroupThresholds {
            admission: group.admission().to_string(),
            removal: group.removal().to_string(),
        },
    }
}

/// `GET /v1/groups`: every group the node knows of, by name.
pub(super) async fn list(
    State(state): State<Arc<ApiState>>,
) -> Result<Json<GroupsAnswer>, ApiError> {
    let (groups, roster, names) = groups_and_names(&state).await?;
    let own = state.node.org;
    let groups = groups
        .iter()
        .map(|group| group_answer(group, &roster, &names, &own))
        .collect();
    Ok(Json(GroupsAnswer {
        org: own.to_string(),
        groups,
    }))
}

/// The group named by `text`: its id (`rec_…`), or its name when exactly one group
/// has it.
fn find<'a>(groups: &'a [WorkingGroup], text: &str) -> Result<&'a WorkingGroup, ApiError> {
    if let Ok(id) = <RecordId as FromText>::parse_text(text) {
        return groups.iter().find(|group| group.id() == id).ok_or_else(|| {
            ApiError::not_found(format!(
                "this node holds no working group {id}: `commons groups list` shows the groups it knows"
            ))
        });
    }
    let named: Vec<&WorkingGroup> = groups
        .iter()
        .filter(|group| group.name().eq_ignore_ascii_case(text.trim()))
        .collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(ApiError::not_found(format!(
            "this node knows no working group named \"{text}\": `commons groups list` shows the groups it knows"
        ))),
        _ => Err(ApiError::bad_request(
            "ambiguous_group",
            format!(
                "{} working groups are named \"{text}\": name one by its id (rec_…), as `commons groups list` shows",
                named.len()
            ),
        )),
    }
}

/// `GET /v1/groups/{group}`: one group, by id or name.
pub(super) async fn show(
    State(state): State<Arc<ApiState>>,
    ApiPath(group): ApiPath<String>,
) -> Result<Json<Group>, ApiError> {
    let (groups, roster, names) = groups_and_names(&state).await?;
    let found = find(&groups, &group)?;
    Ok(Json(group_answer(found, &roster, &names, &state.node.org)))
}

/// Founds a working group; this org is its first member.
pub(super) async fn found(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<FoundGroupRequest>,
) -> Result<Created, ApiError> {
    if request.name.trim().is_empty() {
        return Err(ApiError::bad_request(
            "bad_field",
            "a working group needs a name, such as \"Strategic litigation\"",
        ));
    }
    let threshold = |field: &'static str, text: Option<String>, default: Threshold| {
        text.map_or(Ok(default), |text| {
            parse_threshold(&text)
                .and_then(|threshold| {
                    if threshold.is_valid() {
                        Ok(threshold)
                    } else {
                        Err(format!(
                            "`{text}` can never be met, or is met by no vote: write a count of at least 1, or a fraction from 1/d to d/d"
                        ))
                    }
                })
                .map_err(|error| ApiError::bad_request("bad_field", format!("{field}: {error}")))
        })
    };
    let body = Body::GroupFounding(GroupFounding {
        name: request.name.trim().to_owned(),
        purpose: request.purpose,
        admission: threshold("admission", request.admission, DEFAULT_ADMISSION)?,
        removal: threshold("removal", request.removal, DEFAULT_REMOVAL)?,
    });
    publish(&state, body).await
}

/// A vote on an org's place in a group, by a member of the group: admit (with or
/// without the history), remove, or, on this org itself, leave.
pub(super) async fn vote(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<GroupVoteRequest>,
) -> Result<Created, ApiError> {
    let choice = match (request.choice.as_str(), request.history) {
        ("admit", history) => GroupChoice::Admit { history },
        ("remove", false) => GroupChoice::Remove,
        ("remove", true) => {
            return Err(ApiError::bad_request(
                "bad_field",
                "history goes only with the choice `admit`",
            ));
        }
        (other, _) => {
            return Err(ApiError::bad_request(
                "bad_field",
                format!("`{other}` is not a group vote: use admit or remove"),
            ));
        }
    };
    let (groups, roster, _) = groups_and_names(&state).await?;
    let group = find(&groups, &request.group)?;
    let own = state.node.org;
    let subject: OrgId = super::publish::parsed(&request.subject)?;
    if !group.is_member(&own, &roster) {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "not_group_member",
            format!(
                "your organization is not a member of the working group \"{}\": only its members vote; ask one of them to invite yours",
                group.name()
            ),
        ));
    }
    if matches!(choice, GroupChoice::Admit { .. }) {
        if !roster.is_member(&subject) {
            return Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "not_network_member",
                format!(
                    "{subject} is not a member of the network: a working group admits member organizations only"
                ),
            ));
        }
        if group.is_member(&subject, &roster) {
            return Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "already_group_member",
                format!(
                    "{subject} is already a member of \"{}\": there is nothing to vote on",
                    group.name()
                ),
            ));
        }
    } else if !group.is_member(&subject, &roster) {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "not_group_member",
            format!(
                "{subject} is not a member of \"{}\": there is no one to remove",
                group.name()
            ),
        ));
    }
    let body = Body::GroupVote(GroupVote {
        group: group.id(),
        subject,
        choice,
    });
    publish(&state, body).await
}

/// Seals a case study to a group and publishes it ([`publish_to_group`]).
pub(super) async fn publish_sealed(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<GroupRecordRequest>,
) -> Result<(axum::http::StatusCode, Json<GroupRecordPublished>), ApiError> {
    if request.title.trim().is_empty() {
        return Err(ApiError::bad_request(
            "bad_field",
            "a case study needs a title",
        ));
    }
    let (groups, roster, _) = groups_and_names(&state).await?;
    let group = find(&groups, &request.group)?.clone();
    let mut practice = Practice {
        title: request.title.trim().to_owned(),
        summary: request.summary,
        body: request.body,
        themes: request.themes,
        regions: request.regions,
        language: request.language,
        licence: String::new(),
        links: Vec::new(),
        visibility: Visibility::Members,
        attachments: Vec::new(),
    };
    practice.themes.retain(|theme| !theme.trim().is_empty());
    let published = publish_to_group(&state.node, &group, &roster, &Body::Practice(practice))
        .await
        .map_err(|error| match error {
            GroupPublishError::NoSealingKey => ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "no_sealing_key",
                error.to_string(),
            ),
            GroupPublishError::NotMember { .. } => ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "not_group_member",
                error.to_string(),
            ),
            GroupPublishError::Publish(ingest) => ApiError::from(ingest),
            other => ApiError::internal(other.to_string()),
        })?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(GroupRecordPublished {
            record: published_answer(&published.record),
            group: group.id().to_string(),
            epoch: published.epoch.to_string(),
            new_epoch: published.new_epoch,
            sealed_to: published.sealed_to as u64,
            devices_without_key: published
                .without_key
                .iter()
                .map(ToString::to_string)
                .collect(),
        }),
    ))
}

/// `GET /v1/groups/{group}/records`: the group's records, newest first, each opened for
/// this device when its epoch was sealed to it.
pub(super) async fn records(
    State(state): State<Arc<ApiState>>,
    ApiPath(group): ApiPath<String>,
) -> Result<Json<GroupRecordsAnswer>, ApiError> {
    let (groups, roster, names) = groups_and_names(&state).await?;
    let group = find(&groups, &group)?.clone();
    let device = state.node.device;
    let sealing = state.node.sealing.clone();
    let id = group.id();
    let opened = read_store(&state, move |store| {
        let mut out = Vec::new();
        for record in all_of_kind(store, BodyKind::GroupRecord)? {
            let Body::GroupRecord(sealed) = &record.record().body else {
                continue;
            };
            if sealed.group != id {
                continue;
            }
            let opened = match &sealing {
                Some(sealing) => open_record(store, &record, &device, sealing)?,
                None => Opened::NotForThisDevice,
            };
            out.push((record, opened));
        }
        Ok(out)
    })
    .await?;
    let records = opened
        .iter()
        .map(|(record, opened)| {
            let header = record.record();
            let org = roster.device(&header.author).map(|state| state.org);
            let (body, why_not) = match opened {
                Opened::Content(body) => (
                    Some(
                        serde_json::to_value(record_body(body).into_fields()).map_err(|error| {
                            ApiError::internal(format!("could not write a group record's body: {error}"))
                        })?,
                    ),
                    None,
                ),
                Opened::NotForThisDevice => (None, Some("not sealed to this device: written before your organization joined the group, after it left, or before this device's sealing key")),
                Opened::EpochNotHeld => (None, Some("its epoch key record has not reached this node yet")),
                Opened::Unreadable(_) => (None, Some("it does not open: altered, or sealed wrongly")),
            };
            Ok(GroupRecordEntry {
                id: record.id().to_string(),
                author: header.author.to_string(),
                org: org.map(|org| org.to_string()),
                org_name: org.and_then(|org| names.get(&org).cloned()),
                author_in_group: org.is_some_and(|org| group.is_member(&org, &roster)),
                timestamp_ms: header.timestamp_ms,
                readable: body.is_some(),
                kind: match opened {
                    Opened::Content(body) => body.kind().map(|kind| kind.name().to_owned()),
                    _ => None,
                },
                body,
                why_not: why_not.map(str::to_owned),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(Json(GroupRecordsAnswer {
        group: group.id().to_string(),
        name: group.name().to_owned(),
        records,
    }))
}
