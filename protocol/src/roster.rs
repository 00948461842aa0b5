//! The roster: who the members are, which devices speak for them, and which root key
//! each org holds. It is a pure fold over the charter and the governance records
//! (delegations, revocations, root rotations, votes), so every node holding the same
//! records computes the same roster, in whatever order the records arrived.
//!
//! Records are applied in ascending order of `(timestamp_ms, RecordId)`. Within one
//! feed timestamps strictly increase, so a device's delegation is always applied
//! before anything else it signed.

use std::collections::{BTreeMap, BTreeSet};

use crate::body::{Body, VoteChoice};
use crate::charter::{Charter, Threshold};
use crate::fork::ForkProof;
use crate::id::{NetworkId, RecordId};
use crate::keys::{DeviceKey, OrgId, RootKey};
use crate::record::VerifiedRecord;

/// What the roster knows of one org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgState {
    /// The root key that currently speaks for the org.
    pub root: RootKey,
    /// Whether the org is a member now.
    pub member: bool,
}

/// What the roster knows of one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceState {
    /// The org it belongs to.
    pub org: OrgId,
    /// Its label from the delegation.
    pub label: String,
    /// The delegation record that brought it in.
    pub delegation: RecordId,
    /// The first seq of its feed that is refused, if its org revoked it.
    pub revoked_from: Option<u64>,
}

/// The votes cast on one org and what each decision needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The org voted on.
    pub subject: OrgId,
    /// Whether it is a member now.
    pub member: bool,
    /// Member orgs whose latest vote is to admit it.
    pub admit: Vec<OrgId>,
    /// Votes needed to admit it.
    pub admit_needed: usize,
    /// Other member orgs whose latest vote is to remove it.
    pub remove: Vec<OrgId>,
    /// Votes needed to remove it.
    pub remove_needed: usize,
    /// Other member orgs whose latest vote is to give it each proposed new root.
    pub recover: BTreeMap<RootKey, Vec<OrgId>>,
    /// Votes needed to recover its root.
    pub recover_needed: usize,
}

/// A record the members voted to redact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redaction {
    /// The device that signed the record.
    pub author: DeviceKey,
    /// The vote that reached the threshold: tombstones name it as a retraction's are
    /// named by the retraction.
    pub decided_by: RecordId,
}

/// The votes to redact one record and what redacting it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactionTally {
    /// The record.
    pub target: RecordId,
    /// The device that signed it.
    pub author: DeviceKey,
    /// Its org, if the roster knows the device.
    pub author_org: Option<OrgId>,
    /// Member orgs other than the author's that voted to redact it, each with its
    /// vote, in ascending order of org.
    pub votes: Vec<(OrgId, RecordId)>,
    /// Votes needed: the charter's removal threshold, out of the members other than
    /// the author's org.
    pub needed: usize,
    /// Whether it is redacted, and by which vote.
    pub decided: Option<RecordId>,
}

/// The membership of a network, derived from its charter and governance records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    network: NetworkId,
    admission: Threshold,
    removal: Threshold,
    recovery: Threshold,
    open_read: bool,
    orgs: BTreeMap<OrgId, OrgState>,
    devices: BTreeMap<DeviceKey, (OrgId, String, RecordId)>,
    revocations: BTreeMap<(OrgId, DeviceKey), u64>,
    /// subject → voter org → latest choice.
    votes: BTreeMap<OrgId, BTreeMap<OrgId, VoteChoice>>,
    /// (record, its author) → voter org → the org's first redaction vote on it.
    redaction_votes: BTreeMap<(RecordId, DeviceKey), BTreeMap<OrgId, RecordId>>,
    /// Records redacted, once and for good: a later change of members does not bring
    /// their content back (it is gone from every node).
    /// Keyed by record and author: a vote naming the wrong author is a vote on no
    /// record, and must not stand in the way of the right one.
    redacted: BTreeMap<(RecordId, DeviceKey), RecordId>,
}

impl Roster {
    /// The roster of a new network: its founders, with no devices yet.
    pub fn new(charter: &Charter) -> Self {
        Roster {
            network: charter.network_id(),
            admission: charter.admission,
            removal: charter.removal,
            recovery: charter.recovery,
            open_read: charter.open_read,
            orgs: charter
                .founders
                .iter()
                .map(|founder| {
                    (
                        founder.org,
                        OrgState {
                            root: founder.org.first_root(),
                            member: true,
                        },
                    )
                })
                .collect(),
            devices: BTreeMap::new(),
            revocations: BTreeMap::new(),
            votes: BTreeMap::new(),
            redaction_votes: BTreeMap::new(),
            redacted: BTreeMap::new(),
        }
    }

    /// The roster after every governance record in `records` (others are skipped, as
    /// are records of other networks and repeated records).
    ///
    /// A device with a fork proof in `forks` counts only up to the seq before its
    /// fork: nodes may hold different sides of a fork, and must still agree.
    /// Revocations take effect by seq, whatever their timestamps: a first pass learns
    /// every revocation, and the second pass applies the records knowing them all, so
    /// a seized device's votes from the revoked seq on never count.
    pub fn fold<'a>(
        charter: &Charter,
        records: impl IntoIterator<Item = &'a VerifiedRecord>,
        forks: impl IntoIterator<Item = &'a ForkProof>,
    ) -> Self {
        let mut frozen_from: BTreeMap<DeviceKey, u64> = BTreeMap::new();
        for proof in forks {
            let from = frozen_from.entry(proof.author()).or_insert(proof.seq());
            *from = (*from).min(proof.seq());
        }
        let network = charter.network_id();
        let mut ordered: Vec<&VerifiedRecord> = records
            .into_iter()
            .filter(|record| {
                let header = record.record();
                header.body.is_governance()
                    && header.network == network
                    && frozen_from
                        .get(&header.author)
                        .is_none_or(|from| header.seq < *from)
            })
            .collect();
        ordered.sort_by_key(|record| (record.record().timestamp_ms, record.id()));
        ordered.dedup_by_key(|record| record.id());

        let mut learning = Roster::new(charter);
        for record in &ordered {
            learning.apply(record);
        }
        let mut roster = Roster::new(charter);
        roster.revocations = learning.revocations;
        for record in &ordered {
            roster.apply(record);
        }
        roster
    }

    fn apply(&mut self, record: &VerifiedRecord) {
        let header = record.record();
        match &header.body {
            Body::Delegation(delegation) => {
                let root_now = self
                    .orgs
                    .get(&delegation.org)
                    .map_or(delegation.org.first_root(), |org| org.root);
                if delegation.root != root_now || self.devices.contains_key(&delegation.device) {
                    return;
                }
                self.orgs.entry(delegation.org).or_insert(OrgState {
                    root: root_now,
                    member: false,
                });
                self.devices.insert(
                    delegation.device,
                    (delegation.org, delegation.label.clone(), record.id()),
                );
            }
            Body::Revocation(revocation)
                if self
                    .orgs
                    .get(&revocation.org)
                    .is_some_and(|org| org.root == revocation.root) =>
            {
                let from = self
                    .revocations
                    .entry((revocation.org, revocation.device))
                    .or_insert(revocation.from_seq);
                *from = (*from).min(revocation.from_seq);
            }
            Body::RootRotation(rotation) => {
                if let Some(org) = self.orgs.get_mut(&rotation.org)
                    && org.root == rotation.old_root
                {
                    org.root = rotation.new_root;
                }
            }
            Body::Vote(vote) => {
                let Some(voter) = self.active_member_device(&header.author, header.seq) else {
                    return;
                };
                self.votes
                    .entry(vote.subject)
                    .or_default()
                    .insert(voter, vote.choice);
                self.decide(vote.subject);
            }
            Body::RedactionVote(vote) => {
                let Some(voter) = self.active_member_device(&header.author, header.seq) else {
                    return;
                };
                let Some(author_org) = self.device(&vote.target_author).map(|d| d.org) else {
                    return;
                };
                let key = (vote.target, vote.target_author);
                if voter == author_org || self.redacted.contains_key(&key) {
                    return;
                }
                self.redaction_votes
                    .entry(key)
                    .or_default()
                    .entry(voter)
                    .or_insert(record.id());
                let tally = self.redaction_tally(&vote.target, &vote.target_author);
                if tally.votes.len() >= tally.needed {
                    self.redacted.insert(key, record.id());
                }
            }
            _ => {}
        }
    }

    /// The org of `device` if it may act for a member at `seq`.
    fn active_member_device(&self, device: &DeviceKey, seq: u64) -> Option<OrgId> {
        let state = self.device(device)?;
        let active = state.revoked_from.is_none_or(|from| seq < from);
        (active && self.is_member(&state.org)).then_some(state.org)
    }

    /// Applies whichever decision on `subject` its votes now reach.
    fn decide(&mut self, subject: OrgId) {
        let tally = self.tally(&subject);
        if !tally.member && tally.admit.len() >= tally.admit_needed {
            self.orgs
                .entry(subject)
                .or_insert(OrgState {
                    root: subject.first_root(),
                    member: false,
                })
                .member = true;
            self.votes.remove(&subject);
            return;
        }
        if tally.member && self.member_count() > 1 && tally.remove.len() >= tally.remove_needed {
            if let Some(org) = self.orgs.get_mut(&subject) {
                org.member = false;
            }
            self.votes.remove(&subject);
            return;
        }
        let recovered = tally
            .recover
            .iter()
            .find(|(_, voters)| voters.len() >= tally.recover_needed)
            .map(|(root, _)| *root);
        let can_recover = tally.member && self.member_count() > 1;
        if let (true, Some(new_root), Some(org)) =
            (can_recover, recovered, self.orgs.get_mut(&subject))
        {
            org.root = new_root;
            if let Some(votes) = self.votes.get_mut(&subject) {
                votes.retain(|_, choice| !matches!(choice, VoteChoice::Recover { .. }));
            }
        }
    }

    /// The current votes on `subject` and what each decision needs.
    pub fn tally(&self, subject: &OrgId) -> Tally {
        let members = self.member_count();
        let member = self.is_member(subject);
        let others = members - usize::from(member);
        let mut tally = Tally {
            subject: *subject,
            member,
            admit: Vec::new(),
            admit_needed: self.admission.needed(members),
            remove: Vec::new(),
            remove_needed: self.removal.needed(others),
            recover: BTreeMap::new(),
            recover_needed: self.recovery.needed(others),
        };
        let votes = self.votes.get(subject).into_iter().flatten();
        for (voter, choice) in votes.filter(|(voter, _)| self.is_member(voter)) {
            match choice {
                VoteChoice::Admit => tally.admit.push(*voter),
                VoteChoice::Remove if voter != subject => tally.remove.push(*voter),
                VoteChoice::Recover { new_root } if voter != subject => {
                    tally.recover.entry(*new_root).or_default().push(*voter);
                }
                VoteChoice::Remove | VoteChoice::Recover { .. } => {}
            }
        }
        tally
    }

    /// The votes to redact `target`, signed by `author`, counted as the fold stands:
    /// votes of orgs that are members now, other than the author's org, out of the
    /// members other than the author's org (at least one vote is always needed).
    pub fn redaction_tally(&self, target: &RecordId, author: &DeviceKey) -> RedactionTally {
        let author_org = self.device(author).map(|device| device.org);
        let electorate = self
            .members()
            .filter(|member| Some(*member) != author_org)
            .count();
        let votes = self
            .redaction_votes
            .get(&(*target, *author))
            .into_iter()
            .flatten()
            .filter(|(voter, _)| self.is_member(voter) && Some(**voter) != author_org)
            .map(|(voter, vote)| (*voter, *vote))
            .collect();
        RedactionTally {
            target: *target,
            author: *author,
            author_org,
            votes,
            needed: self.removal.needed(electorate),
            decided: self.redacted.get(&(*target, *author)).copied(),
        }
    }

    /// Every record with a redaction vote, decided or not, in ascending order of id.
    pub fn redaction_proposals(&self) -> impl Iterator<Item = (RecordId, DeviceKey)> + '_ {
        self.redaction_votes.keys().copied()
    }

    /// The vote that redacted `target` signed by `author`, if the members decided it.
    pub fn redaction(&self, target: &RecordId, author: &DeviceKey) -> Option<RecordId> {
        self.redacted.get(&(*target, *author)).copied()
    }

    /// Every redacted record, in ascending order of id.
    pub fn redactions(&self) -> impl Iterator<Item = (RecordId, Redaction)> + '_ {
        self.redacted.iter().map(|((id, author), decided_by)| {
            (
                *id,
                Redaction {
                    author: *author,
                    decided_by: *decided_by,
                },
            )
        })
    }

    /// The orgs with at least one vote recorded on them (a decision under way), in
    /// ascending order of id. Votes of orgs that are no longer members stay recorded,
    /// so a subject listed here may have an empty [`Roster::tally`].
    pub fn voted_subjects(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.votes
            .iter()
            .filter(|(_, voters)| !voters.is_empty())
            .map(|(subject, _)| *subject)
    }

    /// The network this roster belongs to.
    pub fn network(&self) -> NetworkId {
        self.network
    }

    /// Whether the charter lets non-members read `Public` records.
    pub fn open_read(&self) -> bool {
        self.open_read
    }

    /// Whether `org` is a member now.
    pub fn is_member(&self, org: &OrgId) -> bool {
        self.orgs.get(org).is_some_and(|state| state.member)
    }

    /// What the roster knows of `org` (members, former members and applicants).
    pub fn org(&self, org: &OrgId) -> Option<&OrgState> {
        self.orgs.get(org)
    }

    /// Every org the roster knows, in ascending order of id.
    pub fn orgs(&self) -> impl Iterator<Item = (&OrgId, &OrgState)> {
        self.orgs.iter()
    }

    /// The current members, in ascending order of id.
    pub fn members(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.orgs
            .iter()
            .filter(|(_, state)| state.member)
            .map(|(org, _)| *org)
    }

    /// How many members there are now.
    pub fn member_count(&self) -> usize {
        self.members().count()
    }

    /// What the roster knows of `device`.
    pub fn device(&self, device: &DeviceKey) -> Option<DeviceState> {
        self.devices
            .get(device)
            .map(|(org, label, delegation)| DeviceState {
                org: *org,
                label: label.clone(),
                delegation: *delegation,
                revoked_from: self.revocations.get(&(*org, *device)).copied(),
            })
    }

    /// The first seq from which `org` revoked `device`, if it did.
    pub fn revoked_from(&self, org: &OrgId, device: &DeviceKey) -> Option<u64> {
        self.revocations.get(&(*org, *device)).copied()
    }

    /// The devices of `org`, in ascending order of key.
    pub fn devices_of(&self, org: &OrgId) -> BTreeSet<DeviceKey> {
        self.devices
            .iter()
            .filter(|(_, (owner, _, _))| owner == org)
            .map(|(device, _)| *device)
            .collect()
    }
}
