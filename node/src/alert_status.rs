//! Who has seen an alert: the read step after the store, where an alert's responses
//! (`AlertResponse` records naming it, found through the store's index of records by
//! the record they reference) are folded into each member org's latest answer. The
//! API (`GET /v1/alerts`, `GET /v1/alerts/{id}`), the CLI (`commons alerts`) and the
//! web app's alert and home pages all read it from here, so they say the same thing.
//!
//! The rule, in [`fold`], reads nothing but signed records and the roster:
//! - the orgs asked are the members of the current roster but the org that raised the
//!   alert (it is not asked to answer itself);
//! - an org's answer is its response with the greatest `(timestamp_ms, id)`: an org
//!   that first said "seen" and then "acting" counts as acting;
//! - responses from orgs that are not members now, and from the raiser, are left out;
//! - an org with no response is "not yet".
//!
//! Nothing here writes: [`read`] and [`recent`] only query the store.

use std::collections::BTreeMap;

use commons_protocol::{Alert, Body, BodyKind, OrgId, RecordId, ResponseKind, Roster};

use crate::store::{MAX_QUERY_LIMIT, RecordQuery, Store, StoreError, StoredRecord};

/// The most responses to one alert read: the newest this many count. With one
/// response per org per state change, a network would need hundreds of members
/// changing their answer several times to pass it; past it [`AlertStatus::cut`] says so.
pub const MAX_RESPONSES: usize = MAX_QUERY_LIMIT;

/// An org's latest answer to an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Seen (acknowledged), acting or shared.
    pub response: ResponseKind,
    /// When the org answered (the response record's timestamp).
    pub timestamp_ms: u64,
    /// Its note, possibly empty.
    pub note: String,
    /// The response record.
    pub record: RecordId,
}

/// One org asked to answer an alert, with its latest answer or none yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAnswer {
    /// The member org.
    pub org: OrgId,
    /// Its latest answer; `None`: not yet.
    pub answer: Option<Answer>,
}

/// How many of the orgs asked are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Latest answer "seen".
    pub acknowledged: usize,
    /// Latest answer "acting".
    pub acting: usize,
    /// Latest answer "shared".
    pub shared: usize,
    /// No answer yet.
    pub not_yet: usize,
}

impl Counts {
    /// How many orgs have answered, in any way.
    pub fn responded(&self) -> usize {
        self.acknowledged + self.acting + self.shared
    }

    /// How many orgs are asked: every member but the raiser.
    pub fn asked(&self) -> usize {
        self.responded() + self.not_yet
    }
}

/// Who has answered one alert and who has not yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertStatus {
    /// The orgs asked, ordered by org id (a stable order every node shares).
    pub orgs: Vec<OrgAnswer>,
    /// How many are in each state.
    pub counts: Counts,
    /// Whether the responses read stopped at [`MAX_RESPONSES`]: older ones were left
    /// unread, so an org shown "not yet" may have answered long ago.
    pub cut: bool,
}

impl AlertStatus {
    /// The answer of `org`, if it is asked and has answered.
    pub fn answer_of(&self, org: &OrgId) -> Option<&Answer> {
        self.orgs
            .iter()
            .find(|each| each.org == *org)
            .and_then(|each| each.answer.as_ref())
    }
}

/// Who has answered alert `alert`, raised by `raiser`, given the current `roster` and
/// `responses` (records of any kind and order: only `AlertResponse`s naming `alert`
/// count). Pure: the same inputs give the same status on every node.
pub fn fold(
    alert: &RecordId,
    raiser: &OrgId,
    roster: &Roster,
    responses: &[StoredRecord],
    cut: bool,
) -> AlertStatus {
    let mut latest: BTreeMap<OrgId, (u64, RecordId, &commons_protocol::AlertResponse)> =
        BTreeMap::new();
    for stored in responses {
        let Body::AlertResponse(response) = &stored.record.record().body else {
            continue;
        };
        if response.alert != *alert || stored.org == *raiser || !roster.is_member(&stored.org) {
            continue;
        }
        let key = (stored.record.record().timestamp_ms, stored.record.id());
        let newer = latest
            .get(&stored.org)
            .is_none_or(|(time, id, _)| key > (*time, *id));
        if newer {
            latest.insert(stored.org, (key.0, key.1, response));
        }
    }
    let mut counts = Counts::default();
    let mut members: Vec<OrgId> = roster.members().filter(|org| org != raiser).collect();
    members.sort();
    let orgs = members
        .into_iter()
        .map(|org| {
            let answer = latest
                .get(&org)
                .map(|(timestamp_ms, record, response)| Answer {
                    response: response.response,
                    timestamp_ms: *timestamp_ms,
                    note: response.note.clone(),
                    record: *record,
                });
            match answer.as_ref().map(|answer| answer.response) {
                None => counts.not_yet += 1,
                Some(ResponseKind::Acknowledged) => counts.acknowledged += 1,
                Some(ResponseKind::Acting) => counts.acting += 1,
                Some(ResponseKind::Shared) => counts.shared += 1,
            }
            OrgAnswer { org, answer }
        })
        .collect();
    AlertStatus { orgs, counts, cut }
}

/// An alert as read with its status.
#[derive(Debug, Clone)]
pub struct AlertWithStatus {
    /// The alert record.
    pub stored: StoredRecord,
    /// Who has answered it.
    pub status: AlertStatus,
}

impl AlertWithStatus {
    /// The alert's body.
    pub fn alert(&self) -> Option<&Alert> {
        match &self.stored.record.record().body {
            Body::Alert(alert) => Some(alert),
            _ => None,
        }
    }
}

/// What the store holds of an id asked for as an alert.
#[derive(Debug, Clone)]
pub enum Found {
    /// An alert, with who has answered it.
    Alert(Box<AlertWithStatus>),
    /// A record of another kind.
    NotAnAlert {
        /// Its kind's name.
        kind: &'static str,
    },
    /// Its org retracted it.
    Retracted,
    /// Nothing by that id.
    Nothing,
}

/// The status of alert `id` as the store holds it.
pub fn read(store: &dyn Store, roster: &Roster, id: &RecordId) -> Result<Found, StoreError> {
    let Some(stored) = store.record(id)? else {
        return Ok(if store.tombstone(id)?.is_some() {
            Found::Retracted
        } else {
            Found::Nothing
        });
    };
    match stored.record.record().body.kind() {
        Some(BodyKind::Alert) => Ok(Found::Alert(Box::new(with_status(store, roster, stored)?))),
        kind => Ok(Found::NotAnAlert {
            kind: kind.map_or("unknown", BodyKind::name),
        }),
    }
}

/// The newest `limit` alerts (at most [`MAX_QUERY_LIMIT`]) strictly before `before`
/// (`(timestamp_ms, id)`, the paging cursor) if given, newest first, each with its
/// status; and whether more alerts follow.
pub fn recent(
    store: &dyn Store,
    roster: &Roster,
    limit: usize,
    before: Option<(u64, RecordId)>,
) -> Result<(Vec<AlertWithStatus>, bool), StoreError> {
    let limit = limit.clamp(1, MAX_QUERY_LIMIT);
    let mut alerts = store.query(&RecordQuery {
        kind: Some(BodyKind::Alert),
        before,
        // One more than asked, to know whether another page follows.
        limit: (limit + 1).min(MAX_QUERY_LIMIT),
        ..RecordQuery::default()
    })?;
    let more = alerts.len() > limit || (alerts.len() == limit && limit == MAX_QUERY_LIMIT);
    alerts.truncate(limit);
    let listed = alerts
        .into_iter()
        .map(|stored| with_status(store, roster, stored))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((listed, more))
}

/// `stored` (an alert) with who has answered it.
pub fn with_status(
    store: &dyn Store,
    roster: &Roster,
    stored: StoredRecord,
) -> Result<AlertWithStatus, StoreError> {
    let id = stored.record.id();
    let responses = store.referring(&id, Some(BodyKind::AlertResponse), MAX_RESPONSES)?;
    let cut = responses.len() >= MAX_RESPONSES;
    let status = fold(&id, &stored.org, roster, &responses, cut);
    Ok(AlertWithStatus { stored, status })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::fixtures::{BASE_TIME_MS, SampleOrg, delegated_feeds, sample_charter};
    use commons_protocol::{AlertResponse, FeedWriter, Severity};

    use super::*;

    /// Sample orgs 0..n founding a network, plus org 9 that is not a member.
    struct Net {
        writers: Vec<FeedWriter>,
        orgs: Vec<OrgId>,
        roster: Roster,
    }

    impl Net {
        fn new(founders: u8) -> Self {
            let (charter, mut sample) = sample_charter(founders);
            let network = charter.charter().network_id();
            sample.push(SampleOrg::new(9));
            let (writers, _) = delegated_feeds(&sample, network);
            Net {
                writers,
                orgs: sample.iter().map(SampleOrg::id).collect(),
                roster: Roster::new(charter.charter()),
            }
        }

        /// Signs `body` by org `who` at `at` ms past the base time.
        fn publish(&mut self, who: usize, at: u64, body: Body) -> StoredRecord {
            StoredRecord {
                record: self.writers[who].append(body, BASE_TIME_MS + at).unwrap(),
                org: self.orgs[who],
            }
        }
    }

    fn alert() -> Body {
        Body::Alert(Alert {
            severity: Severity::Urgent,
            region: "Coastal district".to_owned(),
            title: "Community radio host held overnight".to_owned(),
            body: "Held after a broadcast on land titles.".to_owned(),
            action_requested: "Call the district police station.".to_owned(),
            expires_at_ms: BASE_TIME_MS + 10_000_000,
        })
    }

    fn response(alert: RecordId, response: ResponseKind, note: &str) -> Body {
        Body::AlertResponse(AlertResponse {
            alert,
            response,
            note: note.to_owned(),
        })
    }

    #[test]
    fn each_member_but_the_raiser_has_its_latest_answer_or_none() {
        let mut net = Net::new(4);
        let raised = net.publish(0, 1_000, alert());
        let id = raised.record.id();
        let seen = net.publish(1, 2_000, response(id, ResponseKind::Acknowledged, ""));
        let acting = net.publish(1, 3_000, response(id, ResponseKind::Acting, "letter sent"));
        let shared = net.publish(2, 2_500, response(id, ResponseKind::Shared, ""));
        // The raiser's own answer and an answer to another alert do not count.
        let own = net.publish(0, 2_600, response(id, ResponseKind::Acting, ""));
        let other = net.publish(
            3,
            2_700,
            response(seen.record.id(), ResponseKind::Acting, ""),
        );
        // Any order.
        let responses = vec![acting.clone(), shared.clone(), own, other, seen];
        let status = fold(&id, &raised.org, &net.roster, &responses, false);
        let asked: Vec<OrgId> = status.orgs.iter().map(|each| each.org).collect();
        let mut expected = vec![net.orgs[1], net.orgs[2], net.orgs[3]];
        expected.sort();
        assert_eq!(asked, expected);
        let answer = status.answer_of(&net.orgs[1]).unwrap();
        assert_eq!(answer.response, ResponseKind::Acting);
        assert_eq!(answer.note, "letter sent");
        assert_eq!(answer.timestamp_ms, BASE_TIME_MS + 3_000);
        assert_eq!(answer.record, acting.record.id());
        assert_eq!(
            status.answer_of(&net.orgs[2]).unwrap().record,
            shared.record.id()
        );
        assert_eq!(status.answer_of(&net.orgs[3]), None);
        assert_eq!(
            status.counts,
            Counts {
                acknowledged: 0,
                acting: 1,
                shared: 1,
                not_yet: 1
            }
        );
        assert_eq!((status.counts.responded(), status.counts.asked()), (2, 3));
    }

    #[test]
    fn answers_of_orgs_that_are_not_members_are_left_out() {
        let mut net = Net::new(2);
        let raised = net.publish(0, 1_000, alert());
        let id = raised.record.id();
        // Org 9 (index 2) is not in the roster.
        let outsider = net.publish(2, 2_000, response(id, ResponseKind::Acting, ""));
        let status = fold(&id, &raised.org, &net.roster, &[outsider], false);
        assert_eq!(status.orgs.len(), 1);
        assert_eq!(status.orgs[0].org, net.orgs[1]);
        assert_eq!(status.counts.not_yet, 1);
        assert_eq!(status.counts.responded(), 0);
    }

    #[test]
    fn the_same_timestamp_is_decided_by_the_greater_id() {
        let mut net = Net::new(2);
        let raised = net.publish(0, 1_000, alert());
        let id = raised.record.id();
        let first = net.publish(1, 2_000, response(id, ResponseKind::Acknowledged, ""));
        let second = net.publish(1, 2_000, response(id, ResponseKind::Shared, ""));
        let winner = first.record.id().max(second.record.id());
        for order in [
            vec![first.clone(), second.clone()],
            vec![second.clone(), first.clone()],
        ] {
            let status = fold(&id, &raised.org, &net.roster, &order, false);
            assert_eq!(status.answer_of(&net.orgs[1]).unwrap().record, winner);
        }
    }
}
