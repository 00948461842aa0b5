//! `commons members …`: who the members are and how they decide, from the operator's
//! side. `list` reads the roster the node folds (`GET /v1/roster`): members, applicants
//! and every decision under way with who voted and how many votes are still needed,
//! as the protocol's `Roster::tally` and `Threshold::needed` count them. `apply` and
//! `vote` create governance records through the node's publish endpoints.

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use commons_node::api::contract::PublishAnswer;
use commons_node::api::contract::feeds::{Decision, RosterAnswer, VoteCount};
use commons_node::api::contract::requests::{ApplicationRequest, ProfileRequest, VoteRequest};
use commons_node::config::ConfigFile;
use commons_node::data_dir::DataDir;
use commons_protocol::{OrgId, RootKey};
use serde_json::json;

use crate::GlobalArgs;
use crate::client::{Client, print_json};

/// `commons members …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum MembersCommand {
    /// List the members, the applicants, and the decisions under way (who voted, what
    /// is still needed)
    List,
    /// Ask to join the network: publishes your organization's profile (its name, so
    /// members know who asks) and an application
    Apply(ApplyArgs),
    /// Vote on an organization: admit an applicant, remove a member, or replace a
    /// member's lost root key
    #[command(subcommand)]
    Vote(VoteCommand),
}

/// Arguments of `commons members apply`.
#[derive(Debug, clap::Args)]
pub(crate) struct ApplyArgs {
    /// Who you are and why you ask to join, for the members who vote
    #[arg(long, value_name = "TEXT")]
    statement: String,
    /// Your country, for the profile
    #[arg(long, value_name = "C")]
    country: Option<String>,
    /// Your region, such as "East Africa", for the profile
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// Your website, for the profile
    #[arg(long, value_name = "URL")]
    website: Option<String>,
    /// What your organization does, for the profile
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// A working group you take part in, for the profile (repeat for more)
    #[arg(long = "working-group", value_name = "G")]
    working_groups: Vec<String>,
    /// Publish the application only, not a profile (members then see your org id
    /// without a name, unless you published a profile before)
    #[arg(long)]
    no_profile: bool,
}

/// `commons members vote …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum VoteCommand {
    /// Vote to admit an organization that applied
    Admit(SubjectArgs),
    /// Vote to remove a member
    Remove(SubjectArgs),
    /// Vote to give a member that lost its root key a new one (social recovery)
    Recover(RecoverArgs),
}

/// The org voted on.
#[derive(Debug, clap::Args)]
pub(crate) struct SubjectArgs {
    /// The organization's id, org_… (`commons members list` shows it; names are not
    /// accepted, since anyone can claim a name in a profile)
    #[arg(value_name = "ORG")]
    org: OrgId,
}

/// Arguments of `commons members vote recover`.
#[derive(Debug, clap::Args)]
pub(crate) struct RecoverArgs {
    /// The organization's id, org_…
    #[arg(value_name = "ORG")]
    org: OrgId,
    /// The new root key the organization made, root_… (check it with the
    /// organization by another channel before voting)
    #[arg(long, value_name = "KEY")]
    new_root: RootKey,
}

pub(crate) fn run(global: &GlobalArgs, command: &MembersCommand) -> anyhow::Result<()> {
    match command {
        MembersCommand::List => list(global),
        MembersCommand::Apply(args) => apply(global, args),
        MembersCommand::Vote(vote) => cast(global, vote),
    }
}

/// Org ids to names, from a `/v1/roster` answer.
fn names(roster: &RosterAnswer) -> BTreeMap<String, String> {
    roster
        .orgs()
        .filter_map(|entry| Some((entry.org.clone(), entry.name.clone()?)))
        .collect()
}

/// `org` with its name, if the node knows one.
fn named(names: &BTreeMap<String, String>, org: &str) -> String {
    match names.get(org) {
        Some(name) => format!("{name} ({org})"),
        None => format!("{org} (no name known)"),
    }
}

/// "2 of 3 endorsements (A, B); 1 more needed" for one vote count.
fn count_line(names: &BTreeMap<String, String>, votes: &VoteCount, word: &str) -> String {
    let VoteCount {
        count,
        needed,
        missing,
        ..
    } = *votes;
    let voters: Vec<String> = votes
        .votes
        .iter()
        .map(|org| names.get(org).cloned().unwrap_or_else(|| org.clone()))
        .collect();
    let mut line = format!("{count} of {needed} {word}");
    if !voters.is_empty() {
        line.push_str(&format!(" ({})", voters.join(", ")));
    }
    if missing > 0 {
        line.push_str(&format!("; {missing} more needed"));
    } else {
        line.push_str("; enough");
    }
    line
}

/// The lines of one decision under way.
fn decision_lines(names: &BTreeMap<String, String>, decision: &Decision) -> Vec<String> {
    let mut lines = Vec::new();
    if decision.member {
        if decision.remove.count > 0 {
            lines.push(format!(
                "removal: {}",
                count_line(names, &decision.remove, "votes to remove")
            ));
        }
        for recover in &decision.recover {
            lines.push(format!(
                "recovery to {}: {}",
                recover.new_root,
                count_line(names, &recover.votes, "votes")
            ));
        }
    } else {
        lines.push(format!(
            "admission: {}",
            count_line(names, &decision.admit, "endorsements")
        ));
    }
    lines
}

fn list(global: &GlobalArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client.get("/v1/roster", &[])?;
    if global.json {
        return print_json(&answer);
    }
    let roster: RosterAnswer = client.read_as("/v1/roster", &answer)?;
    print!("{}", list_human(&roster));
    Ok(())
}

fn list_human(roster: &RosterAnswer) -> String {
    let names = names(roster);
    let own = roster.org.as_str();
    let mut out = format!(
        "{} — {} member(s)\n",
        roster.network_name,
        roster.members.len()
    );
    for entry in &roster.members {
        let org = entry.org.as_str();
        let devices = entry
            .devices
            .iter()
            .filter(|device| device.revoked_from.is_none())
            .count();
        out.push_str(&format!(
            "  {}  {}  {} device(s){}{}\n",
            org,
            entry.name.as_deref().unwrap_or("(no name known)"),
            devices,
            if entry.founder { ", founder" } else { "" },
            if org == own { "  (you)" } else { "" },
        ));
    }
    let applicants: Vec<_> = roster
        .others
        .iter()
        .filter_map(|entry| Some((entry, entry.application.as_ref()?)))
        .collect();
    if !applicants.is_empty() {
        out.push_str("Applicants\n");
        for (entry, application) in applicants {
            let org = entry.org.as_str();
            out.push_str(&format!(
                "  {}  {}{}\n    \"{}\"\n",
                org,
                entry.name.as_deref().unwrap_or("(no name known)"),
                if org == own { "  (you)" } else { "" },
                application.statement,
            ));
        }
    }
    if roster.decisions.is_empty() {
        out.push_str("No decision under way.\n");
    } else {
        out.push_str("Decisions under way\n");
        for decision in &roster.decisions {
            out.push_str(&format!("  {}\n", named(&names, &decision.subject)));
            for line in decision_lines(&names, decision) {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    let thresholds = &roster.thresholds;
    out.push_str(&format!(
        "Thresholds: admission {}, removal {}, recovery {}\n",
        thresholds.admission, thresholds.removal, thresholds.recovery,
    ));
    out
}

fn apply(global: &GlobalArgs, args: &ApplyArgs) -> anyhow::Result<()> {
    if args.statement.trim().is_empty() {
        bail!("the statement is empty: say who your organization is and why it asks to join");
    }
    let dir = DataDir::resolve(global.data_dir.clone())?;
    let client = Client::connect(global)?;
    let roster: RosterAnswer = client.get_as("/v1/roster", &[])?;
    let own = roster.org.clone();
    if roster.members.iter().any(|entry| entry.org == own) {
        bail!(
            "your organization ({own}) is already a member of \"{}\": there is nothing to apply for",
            roster.network_name
        );
    }
    let profile = if args.no_profile {
        None
    } else {
        let config = ConfigFile::load(&dir.config_path())
            .context("could not read the org's name from config.toml for its profile")?;
        let body = ProfileRequest {
            name: config.org_name,
            country: args.country.clone().unwrap_or_default(),
            region: args.region.clone().unwrap_or_default(),
            website: args.website.clone().unwrap_or_default(),
            working_groups: args.working_groups.clone(),
            description: args.description.clone().unwrap_or_default(),
            ..ProfileRequest::default()
        };
        Some(
            client
                .post_as::<PublishAnswer>("/v1/publish/profile", &body)
                .context("the profile was not published")?,
        )
    };
    let application: PublishAnswer = client
        .post_as(
            "/v1/publish/application",
            &ApplicationRequest {
                statement: args.statement.clone(),
            },
        )
        .context("the application was not published")?;
    if global.json {
        return print_json(&json!({
            "org": own,
            "profile": profile,
            "application": application,
        }));
    }
    if let Some(profile) = &profile {
        println!(
            "Published your profile {} (seq {})",
            profile.record.id, profile.record.seq
        );
    }
    println!(
        "Published your application {} (seq {})",
        application.record.id, application.record.seq
    );
    println!(
        "Members' nodes fetch it from yours when they connect. Ask the members to vote:\n  \
         commons members vote admit {own}\n\
         `commons members list` shows the votes as they arrive (once your node is admitted)."
    );
    Ok(())
}

fn cast(global: &GlobalArgs, vote: &VoteCommand) -> anyhow::Result<()> {
    let (subject, new_root, word) = match vote {
        VoteCommand::Admit(args) => (args.org, None, "admit"),
        VoteCommand::Remove(args) => (args.org, None, "remove"),
        VoteCommand::Recover(args) => (args.org, Some(args.new_root.to_string()), "recover"),
    };
    let body = VoteRequest {
        subject: subject.to_string(),
        choice: word.to_owned(),
        new_root,
    };
    let client = Client::connect(global)?;
    let published: PublishAnswer = client
        .post_as("/v1/publish/vote", &body)
        .context("the vote was not published")?;
    let roster: RosterAnswer = client.get_as("/v1/roster", &[])?;
    let subject_text = subject.to_string();
    let decision = roster
        .decisions
        .iter()
        .find(|decision| decision.subject == subject_text)
        .cloned();
    let member = roster.members.iter().any(|entry| entry.org == subject_text);
    if global.json {
        return print_json(&json!({
            "vote": published,
            "subject": subject_text,
            "member": member,
            "decision": decision,
        }));
    }
    let names = names(&roster);
    println!(
        "Voted to {word} {} (record {}, seq {})",
        named(&names, &subject_text),
        published.record.id,
        published.record.seq
    );
    match decision {
        Some(decision) => {
            for line in decision_lines(&names, &decision) {
                println!("  {line}");
            }
        }
        None if member => println!("  It is a member now."),
        None => println!("  It is not a member."),
    }
    Ok(())
}
