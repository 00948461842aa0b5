//! Working groups: which member orgs belong to a group. The step after the roster: a
//! pure fold over one group's founding record, the votes naming it and the network's
//! roster, so every node holding the same records computes the same group, in whatever
//! order they arrived (docs/groups.md §1, docs/protocol.md §10.6).
//!
//! The founder's org is the first member. Members admit and remove orgs by votes,
//! counted against the group's own thresholds; an org that votes to remove itself
//! leaves at once. Only network members count: an org the network removes is no longer
//! in any group, and its votes stop counting, without a vote of the group.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use crate::body::{Body, BodyKind, GroupChoice};
use crate::charter::Threshold;
use crate::fork::ForkProof;
use crate::id::RecordId;
use crate::keys::{DeviceKey, OrgId};
use crate::record::VerifiedRecord;
use crate::roster::Roster;

/// Why a record does not found a group this roster can fold.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum GroupError {
    /// The record is not a group founding.
    #[error("record {record} is a {}, not a group founding", crate::body::kind_name(*.kind))]
    NotAFounding {
        /// The record.
        record: RecordId,
        /// Its kind (`None`: a kind this version does not know).
        kind: Option<BodyKind>,
    },
    /// The founding is of another network.
    #[error("the group founding {record} belongs to another network")]
    WrongNetwork {
        /// The founding record.
        record: RecordId,
    },
    /// The founding's device does not act for an org of the roster at its seq: unknown,
    /// revoked from that seq, or frozen by a fork proof.
    #[error(
        "the group founding {record} is signed by device {device}, which does not act for any org at seq {seq}; the group does not exist"
    )]
    FounderNotActing {
        /// The founding record.
        record: RecordId,
        /// Its author.
        device: DeviceKey,
        /// Its seq.
        seq: u64,
    },
}

/// How an org came into a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    /// The record that made it a member: the founding for the founder, else the vote
    /// that reached the threshold.
    pub by: RecordId,
    /// That record's timestamp.
    pub at_ms: u64,
    /// Whether it may read what the group published before `by`: always for the
    /// founder; for others when enough of the admitting votes asked for it.
    pub history: bool,
}

/// How an org left a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Departure {
    /// The record that ended its membership.
    pub by: RecordId,
    /// That record's timestamp.
    pub at_ms: u64,
    /// True when the org left by its own vote; false when the others removed it.
    pub left: bool,
}

/// The votes on one org and what each decision needs, counted now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTally {
    /// Whether the subject is a member of the group now.
    pub member: bool,
    /// Member orgs whose latest choice is to admit.
    pub admit: BTreeSet<OrgId>,
    /// Of those, the ones that also give the history.
    pub admit_with_history: BTreeSet<OrgId>,
    /// Admitting votes needed (of all members).
    pub admit_needed: usize,
    /// Member orgs other than the subject whose latest choice is to remove.
    pub remove: BTreeSet<OrgId>,
    /// Removing votes needed (of the members other than the subject).
    pub remove_needed: usize,
}

/// A working group as its records say, folded against a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingGroup {
    id: RecordId,
    name: String,
    purpose: String,
    admission: Threshold,
    removal: Threshold,
    founder: OrgId,
    founded_ms: u64,
    members: BTreeMap<OrgId, Admission>,
    former: BTreeMap<OrgId, Departure>,
    votes: BTreeMap<OrgId, BTreeMap<OrgId, GroupChoice>>,
}

impl WorkingGroup {
    /// The group founded by `founding`, after every vote in `records` that names it
    /// (other records are skipped, as are repeated ones and those of another network).
    ///
    /// `roster` is the network's roster folded from the same records: it says which
    /// device acts for which org, from which seq a device is revoked, and which orgs
    /// are members. A device with a fork proof in `forks` counts only up to the seq
    /// before its fork, as in the roster.
    pub fn fold<'a>(
        founding: &VerifiedRecord,
        records: impl IntoIterator<Item = &'a VerifiedRecord>,
        roster: &Roster,
        forks: impl IntoIterator<Item = &'a ForkProof>,
    ) -> Result<Self, GroupError> {
        let header = founding.record();
        let Body::GroupFounding(body) = &header.body else {
            return Err(GroupError::NotAFounding {
                record: founding.id(),
                kind: header.body.kind(),
            });
        };
        let network = roster.network();
        if header.network != network {
            return Err(GroupError::WrongNetwork {
                record: founding.id(),
            });
        }
        let mut frozen_from: BTreeMap<DeviceKey, u64> = BTreeMap::new();
        for proof in forks {
            let from = frozen_from.entry(proof.author()).or_insert(proof.seq());
            *from = (*from).min(proof.seq());
        }
        let counts =
            |author: &DeviceKey, seq: u64| frozen_from.get(author).is_none_or(|from| seq < *from);
        let founder = counts(&header.author, header.seq)
            .then(|| acting_org(roster, &header.author, header.seq))
            .flatten()
            .ok_or(GroupError::FounderNotActing {
                record: founding.id(),
                device: header.author,
                seq: header.seq,
            })?;

        let group = founding.id();
        let mut votes: Vec<&VerifiedRecord> = records
            .into_iter()
            .filter(|record| {
                let vote = record.record();
                matches!(&vote.body, Body::GroupVote(body) if body.group == group)
                    && vote.network == network
                    && counts(&vote.author, vote.seq)
            })
            .collect();
        votes.sort_by_key(|record| (record.record().timestamp_ms, record.id()));
        votes.dedup_by_key(|record| record.id());

        let mut state = WorkingGroup {
            id: group,
            name: body.name.clone(),
            purpose: body.purpose.clone(),
            admission: body.admission,
            removal: body.removal,
            founder,
            founded_ms: header.timestamp_ms,
            members: BTreeMap::from([(
                founder,
                Admission {
                    by: group,
                    at_ms: header.timestamp_ms,
                    history: true,
                },
            )]),
            former: BTreeMap::new(),
            votes: BTreeMap::new(),
        };
        for vote in votes {
            state.apply(vote, roster);
        }
        Ok(state)
    }

    fn apply(&mut self, record: &VerifiedRecord, roster: &Roster) {
        let header = record.record();
        let Body::GroupVote(vote) = &header.body else {
            return;
        };
        let Some(voter) = acting_org(roster, &header.author, header.seq)
            .filter(|org| self.is_member(org, roster))
        else {
            return;
        };
        if vote.subject == voter && vote.choice == GroupChoice::Remove {
            self.depart(voter, record, true);
            return;
        }
        self.votes
            .entry(vote.subject)
            .or_default()
            .insert(voter, vote.choice);
        self.decide(vote.subject, record, roster);
    }

    /// Applies whichever decision on `subject` its votes now reach.
    fn decide(&mut self, subject: OrgId, record: &VerifiedRecord, roster: &Roster) {
        let tally = self.tally(&subject, roster);
        if !tally.member
            && !self.members.contains_key(&subject)
            && roster.is_member(&subject)
            && tally.admit.len() >= tally.admit_needed
        {
            self.members.insert(
                subject,
                Admission {
                    by: record.id(),
                    at_ms: record.record().timestamp_ms,
                    history: tally.admit_with_history.len() >= tally.admit_needed,
                },
            );
            self.former.remove(&subject);
            self.votes.remove(&subject);
            return;
        }
        if tally.member && tally.remove.len() >= tally.remove_needed {
            self.depart(subject, record, false);
        }
    }

    fn depart(&mut self, org: OrgId, record: &VerifiedRecord, left: bool) {
        self.members.remove(&org);
        self.former.insert(
            org,
            Departure {
                by: record.id(),
                at_ms: record.record().timestamp_ms,
                left,
            },
        );
        self.votes.remove(&org);
    }

    /// The current votes on `subject`, counting only orgs that are members of the
    /// group and of the network now.
    pub fn tally(&self, subject: &OrgId, roster: &Roster) -> GroupTally {
        let electorate = self.members(roster).count();
        let member = self.is_member(subject, roster);
        let others = electorate - usize::from(member);
        let mut tally = GroupTally {
            member,
            admit: BTreeSet::new(),
            admit_with_history: BTreeSet::new(),
            admit_needed: self.admission.needed(electorate),
            remove: BTreeSet::new(),
            remove_needed: self.removal.needed(others),
        };
        for (voter, choice) in self.votes.get(subject).into_iter().flatten() {
            if !self.is_member(voter, roster) {
                continue;
            }
            match choice {
                GroupChoice::Admit { history } => {
                    tally.admit.insert(*voter);
                    if *history {
                        tally.admit_with_history.insert(*voter);
                    }
                }
                GroupChoice::Remove if voter != subject => {
                    tally.remove.insert(*voter);
                }
                GroupChoice::Remove => {}
            }
        }
        tally
    }

    /// Whether `org` is a member of the group now: admitted, not since removed or
    /// gone, and a member of the network.
    pub fn is_member(&self, org: &OrgId, roster: &Roster) -> bool {
        self.members.contains_key(org) && roster.is_member(org)
    }

    /// The group's members now, with how each came in, in ascending order of org.
    pub fn members<'a>(
        &'a self,
        roster: &'a Roster,
    ) -> impl Iterator<Item = (OrgId, Admission)> + 'a {
        self.members
            .iter()
            .filter(|(org, _)| roster.is_member(org))
            .map(|(org, admission)| (*org, *admission))
    }

    /// The orgs that were members and are no longer, by the group's decision or their
    /// own (an org the network removed is not here: see [`WorkingGroup::is_member`]).
    pub fn former(&self) -> impl Iterator<Item = (OrgId, Departure)> + '_ {
        self.former
            .iter()
            .map(|(org, departure)| (*org, *departure))
    }

    /// The orgs with votes pending on them.
    pub fn voted_subjects(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.votes.keys().copied()
    }

    /// The group's id: its founding record's id.
    pub fn id(&self) -> RecordId {
        self.id
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the group is for.
    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    /// The org that founded it.
    pub fn founder(&self) -> OrgId {
        self.founder
    }

    /// When it was founded (the founding's timestamp).
    pub fn founded_ms(&self) -> u64 {
        self.founded_ms
    }

    /// Votes needed to admit, of the members.
    pub fn admission(&self) -> Threshold {
        self.admission
    }

    /// Votes needed to remove, of the other members.
    pub fn removal(&self) -> Threshold {
        self.removal
    }
}

/// The org `device` acts for at `seq`: delegated, and not revoked from that seq.
fn acting_org(roster: &Roster, device: &DeviceKey, seq: u64) -> Option<OrgId> {
    let state = roster.device(device)?;
    state
        .revoked_from
        .is_none_or(|from| seq < from)
        .then_some(state.org)
}
