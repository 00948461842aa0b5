//! Redaction by the members' vote, in the node: the step before a redaction vote is
//! signed (is this a record the members may redact, and has this org not voted on it
//! yet?) and the tallies the CLI, the API and the web app show. The tally itself is the
//! roster's (docs/protocol.md §10.7); dropping the content is ingest's, on the one
//! ingest path. Everything here reads the store; publishing goes through the publisher.

use commons_protocol::{
    Body, BodyKind, DeviceKey, OrgId, RecordId, RedactionTally, RedactionVote, Roster,
};
use thiserror::Error;

use crate::node_handle::NodeHandle;
use crate::publish::{PublishError, Published};
use crate::store::{Store, StoreError};

/// Why this org cannot vote to redact a record.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RedactionError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The record is not held here, with its content or as a tombstone.
    #[error("record {0} is not held by this node: wait for sync, or check the id")]
    NotHeld(RecordId),
    /// The record's content is already gone.
    #[error("record {0} is already retracted or redacted: its content is gone from this node")]
    AlreadyGone(RecordId),
    /// The record is this org's own.
    #[error(
        "record {0} is your organization's own: retract it instead (commons publish retract, or \"Retract\" in the web app)"
    )]
    OwnRecord(RecordId),
    /// The record is of a kind the members' vote never drops.
    #[error(
        "record {id} is a {kind}: the roster needs it, so it cannot be redacted (only content such as case studies, campaigns and alerts can)"
    )]
    NotRedactable {
        /// The record.
        id: RecordId,
        /// Its kind.
        kind: &'static str,
    },
    /// This org is not a member, so its vote would not count.
    #[error("your organization is not a member of the network now, so its vote would not count")]
    NotMember,
    /// This org already voted to redact it.
    #[error("your organization has already voted to redact record {0}; a vote cannot be withdrawn")]
    AlreadyVoted(RecordId),
    /// No reason was given.
    #[error("say why the record endangers someone, without repeating what endangers them")]
    NoReason,
}

impl RedactionError {
    /// A short, stable name for the API.
    pub fn reason(&self) -> &'static str {
        match self {
            RedactionError::Store(_) => "storage",
            RedactionError::NotHeld(_) => "not_found",
            RedactionError::AlreadyGone(_) => "already_gone",
            RedactionError::OwnRecord(_) => "own_record",
            RedactionError::NotRedactable { .. } => "not_redactable",
            RedactionError::NotMember => "not_member",
            RedactionError::AlreadyVoted(_) => "already_voted",
            RedactionError::NoReason => "empty_reason",
        }
    }
}

/// The vote `org` would publish to redact `target`, after the checks that make it
/// count: held with its content, another org's, of a kind that can be redacted, `org`
/// a member that has not voted on it yet, a reason given.
pub fn checked_vote(
    store: &dyn Store,
    roster: &Roster,
    org: OrgId,
    target: RecordId,
    reason: &str,
) -> Result<RedactionVote, RedactionError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RedactionError::NoReason);
    }
    let Some(held) = store.record(&target)? else {
        return Err(if store.tombstone(&target)?.is_some() {
            RedactionError::AlreadyGone(target)
        } else {
            RedactionError::NotHeld(target)
        });
    };
    if held.org == org {
        return Err(RedactionError::OwnRecord(target));
    }
    let body = &held.record.record().body;
    if !body.is_redactable() {
        return Err(RedactionError::NotRedactable {
            id: target,
            kind: body.kind().map_or("record", BodyKind::name),
        });
    }
    if !roster.is_member(&org) {
        return Err(RedactionError::NotMember);
    }
    let author = held.record.record().author;
    let tally = roster.redaction_tally(&target, &author);
    if tally.votes.iter().any(|(voter, _)| *voter == org) {
        return Err(RedactionError::AlreadyVoted(target));
    }
    Ok(RedactionVote {
        target,
        target_author: author,
        reason: reason.to_owned(),
    })
}

/// One org's vote, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastVote {
    /// The voting org.
    pub org: OrgId,
    /// The vote record.
    pub vote: RecordId,
    /// Its reason (empty if the vote record is not held with its content).
    pub reason: String,
    /// When it was signed, ms since the Unix epoch.
    pub timestamp_ms: u64,
}

/// A record some member voted to redact, with its tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The tally as the roster has it.
    pub tally: RedactionTally,
    /// The counted votes, oldest first: the first is the proposal.
    pub votes: Vec<CastVote>,
    /// The record's kind, while its content is held.
    pub kind: Option<BodyKind>,
    /// Whether its content is gone from this node (retracted or redacted).
    pub gone: bool,
}

/// Every record with a redaction vote (`target` given: that record's only), with the
/// counted votes and their reasons, undecided ones first, then newest proposal first.
pub fn proposals(
    store: &dyn Store,
    roster: &Roster,
    target: Option<RecordId>,
) -> Result<Vec<Proposal>, StoreError> {
    let keys: Vec<(RecordId, DeviceKey)> = roster
        .redaction_proposals()
        .filter(|(id, _)| target.is_none_or(|wanted| wanted == *id))
        .collect();
    let mut out = Vec::with_capacity(keys.len());
    for (id, author) in keys {
        let tally = roster.redaction_tally(&id, &author);
        let mut votes = Vec::with_capacity(tally.votes.len());
        for (org, vote) in &tally.votes {
            let held = store.record(vote)?;
            let (reason, timestamp_ms) = match held.as_ref().map(|s| s.record.record()) {
                Some(header) => (
                    match &header.body {
                        Body::RedactionVote(body) => body.reason.clone(),
                        _ => String::new(),
                    },
                    header.timestamp_ms,
                ),
                None => (String::new(), 0),
            };
            votes.push(CastVote {
                org: *org,
                vote: *vote,
                reason,
                timestamp_ms,
            });
        }
        votes.sort_by_key(|vote| (vote.timestamp_ms, vote.vote));
        let held = store.record(&id)?;
        let kind = held
            .as_ref()
            .filter(|stored| stored.record.record().author == author)
            .and_then(|stored| stored.record.record().body.kind());
        let gone = held.is_none() && store.tombstone(&id)?.is_some();
        if votes.is_empty() && tally.decided.is_none() {
            // Only votes that no longer count (their orgs left): nothing under way.
            continue;
        }
        out.push(Proposal {
            tally,
            votes,
            kind,
            gone,
        });
    }
    out.sort_by_key(|proposal| {
        (
            proposal.tally.decided.is_some(),
            std::cmp::Reverse(proposal.votes.first().map_or(0, |vote| vote.timestamp_ms)),
        )
    });
    Ok(out)
}

/// Why a redaction vote was not published.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum VoteError {
    /// The checks before signing refused it.
    #[error(transparent)]
    Refused(#[from] RedactionError),
    /// The publisher refused or failed it.
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// The checks' store read did not finish (the blocking task panicked or was
    /// cancelled).
    #[error("the checks before the vote did not finish: {0}")]
    Task(#[source] tokio::task::JoinError),
}

/// Checks and publishes this org's vote to redact `target`, through the one publish
/// path; the answer is the vote as published and the tally once it is stored.
pub async fn vote(
    node: &NodeHandle,
    target: RecordId,
    reason: String,
) -> Result<(Published, RedactionTally), VoteError> {
    let (store, roster, org) = (node.store.clone(), node.roster(), node.org);
    let vote = tokio::task::spawn_blocking(move || {
        checked_vote(store.as_ref(), &roster, org, target, &reason)
    })
    .await
    .map_err(VoteError::Task)??;
    let author = vote.target_author;
    let published = node.publisher.publish(Body::RedactionVote(vote)).await?;
    let tally = node.roster().redaction_tally(&target, &author);
    Ok((published, tally))
}
