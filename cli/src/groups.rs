//! `commons groups …`: working groups from the operator's side. `list` and `show` read
//! the groups the node folds (`GET /v1/groups`); `create`, `invite`, `vote` and `leave`
//! publish a group's founding and votes through the node's publish endpoints. What a
//! group protects, and what it does not yet, is in docs/groups.md.

use std::collections::BTreeMap;

use anyhow::Context;
use commons_node::api::contract::groups::{
    Group, GroupRecordEntry, GroupRecordsAnswer, GroupsAnswer,
};
use commons_node::api::contract::requests::{
    FoundGroupRequest, GroupRecordRequest, GroupVoteRequest,
};
use commons_node::api::contract::{GroupRecordPublished, PublishAnswer, StatusAnswer};
use commons_protocol::OrgId;
use serde_json::json;

use crate::GlobalArgs;
use crate::client::{Client, print_json};

/// `commons groups …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum GroupsCommand {
    /// List the working groups this node knows, with their members
    List,
    /// Show one working group: purpose, members, former members, votes under way
    Show(GroupArg),
    /// Found a working group; your organization is its first member
    Create(CreateArgs),
    /// Vote to admit a member organization of the network to a group
    Invite(InviteArgs),
    /// Vote on an organization in a group: admit it or remove it
    #[command(subcommand)]
    Vote(GroupVoteCommand),
    /// Take your organization out of a group (at once: no vote of the others)
    Leave(GroupArg),
    /// Publish a case study only the group's member organizations can read (sealed to
    /// their devices)
    Publish(PublishArgs),
    /// The group's records, opened for this device where they were sealed to it
    Records(GroupArg),
}

/// Arguments of `commons groups publish`.
#[derive(Debug, clap::Args)]
pub(crate) struct PublishArgs {
    /// The group's id or name
    #[arg(value_name = "GROUP")]
    group: String,
    /// The case study's title
    #[arg(long, value_name = "TEXT")]
    title: String,
    /// A short summary
    #[arg(long, value_name = "TEXT", default_value = "")]
    summary: String,
    /// The case study itself (Markdown)
    #[arg(long, value_name = "TEXT", default_value = "")]
    body: String,
    /// A theme (repeat for more)
    #[arg(long = "theme", value_name = "T")]
    themes: Vec<String>,
    /// A region (repeat for more)
    #[arg(long = "region", value_name = "R")]
    regions: Vec<String>,
    /// Its language, such as en
    #[arg(long, value_name = "L", default_value = "")]
    language: String,
}

/// The group: its id (rec_…) or its name.
#[derive(Debug, clap::Args)]
pub(crate) struct GroupArg {
    /// The group's id (rec_…, as `commons groups list` shows) or its name
    #[arg(value_name = "GROUP")]
    group: String,
}

/// Arguments of `commons groups create`.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    /// The group's name, such as "Strategic litigation"
    #[arg(value_name = "NAME")]
    name: String,
    /// What the group is for, for the organizations invited to it
    #[arg(long, value_name = "TEXT", default_value = "")]
    purpose: String,
    /// Votes of the group's members needed to admit an organization: a count ("2") or
    /// a fraction ("1/2", the default)
    #[arg(long, value_name = "T")]
    admission: Option<String>,
    /// Votes of the other members needed to remove one: a count or a fraction ("2/3",
    /// the default)
    #[arg(long, value_name = "T")]
    removal: Option<String>,
}

/// Arguments of `commons groups invite`.
#[derive(Debug, clap::Args)]
pub(crate) struct InviteArgs {
    /// The group's id or name
    #[arg(value_name = "GROUP")]
    group: String,
    /// The organization's id, org_… (`commons members list` shows it)
    #[arg(value_name = "ORG")]
    org: OrgId,
    /// Also let it read what the group published before it was admitted (the history
    /// is given when as many members as admission needs ask for it)
    #[arg(long)]
    history: bool,
}

/// `commons groups vote …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum GroupVoteCommand {
    /// Vote to admit an organization to the group
    Admit(InviteArgs),
    /// Vote to remove an organization from the group
    Remove(RemoveArgs),
}

/// Arguments of `commons groups vote remove`.
#[derive(Debug, clap::Args)]
pub(crate) struct RemoveArgs {
    /// The group's id or name
    #[arg(value_name = "GROUP")]
    group: String,
    /// The organization's id, org_…
    #[arg(value_name = "ORG")]
    org: OrgId,
}

pub(crate) fn run(global: &GlobalArgs, command: &GroupsCommand) -> anyhow::Result<()> {
    match command {
        GroupsCommand::List => list(global),
        GroupsCommand::Show(args) => show(global, &args.group),
        GroupsCommand::Create(args) => create(global, args),
        GroupsCommand::Invite(args) | GroupsCommand::Vote(GroupVoteCommand::Admit(args)) => {
            let choice = GroupVoteRequest {
                group: args.group.clone(),
                subject: args.org.to_string(),
                choice: "admit".to_owned(),
                history: args.history,
            };
            cast(global, &args.group, &args.org.to_string(), &choice, "admit")
        }
        GroupsCommand::Vote(GroupVoteCommand::Remove(args)) => {
            let choice = GroupVoteRequest {
                group: args.group.clone(),
                subject: args.org.to_string(),
                choice: "remove".to_owned(),
                history: false,
            };
            cast(
                global,
                &args.group,
                &args.org.to_string(),
                &choice,
                "remove",
            )
        }
        GroupsCommand::Leave(args) => leave(global, &args.group),
        GroupsCommand::Publish(args) => publish(global, args),
        GroupsCommand::Records(args) => records(global, &args.group),
    }
}

/// The path of one group, its id or name escaped for a URL path segment.
fn group_path(group: &str) -> String {
    let mut path = String::from("/v1/groups/");
    for byte in group.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            path.push(char::from(byte));
        } else {
            path.push_str(&format!("%{byte:02X}"));
        }
    }
    path
}

fn list(global: &GlobalArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client.get("/v1/groups", &[])?;
    if global.json {
        return print_json(&answer);
    }
    let groups: GroupsAnswer = client.read_as("/v1/groups", &answer)?;
    if groups.groups.is_empty() {
        println!(
            "This node knows no working group. Found one with: commons groups create \"NAME\" --purpose \"…\""
        );
        return Ok(());
    }
    for group in &groups.groups {
        println!(
            "{}  {}  {} member(s){}",
            group.id,
            group.name,
            group.members.len(),
            if group.you_are_member {
                ", yours among them"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// The names the group's answer gives the orgs it mentions.
fn names(group: &Group) -> BTreeMap<String, String> {
    let members = group
        .members
        .iter()
        .map(|member| (&member.org, &member.name));
    let former = group
        .former
        .iter()
        .map(|former| (&former.org, &former.name));
    let subjects = group
        .decisions
        .iter()
        .map(|decision| (&decision.subject, &decision.name));
    members
        .chain(former)
        .chain(subjects)
        .filter_map(|(org, name)| Some((org.clone(), name.clone()?)))
        .collect()
}

fn named(names: &BTreeMap<String, String>, org: &str) -> String {
    match names.get(org) {
        Some(name) => format!("{name} ({org})"),
        None => format!("{org} (no name known)"),
    }
}

fn show_human(group: &Group) -> String {
    let names = names(group);
    let mut out = format!("{} ({})\n", group.name, group.id);
    if !group.purpose.is_empty() {
        out.push_str(&format!("  {}\n", group.purpose));
    }
    out.push_str(&format!("Members ({})\n", group.members.len()));
    for member in &group.members {
        out.push_str(&format!(
            "  {}{}\n",
            named(&names, &member.org),
            if member.history {
                ""
            } else {
                ", from its admission on"
            }
        ));
    }
    for former in &group.former {
        out.push_str(&format!(
            "  former: {} ({})\n",
            named(&names, &former.org),
            if former.left {
                "left"
            } else {
                "removed by vote"
            }
        ));
    }
    if group.decisions.is_empty() {
        out.push_str("No vote under way.\n");
    } else {
        out.push_str("Votes under way\n");
        for decision in &group.decisions {
            let (word, votes) = if decision.member {
                ("removal", &decision.remove)
            } else {
                ("admission", &decision.admit)
            };
            out.push_str(&format!(
                "  {}: {} {} of {} needed\n",
                named(&names, &decision.subject),
                word,
                votes.count,
                votes.needed
            ));
        }
    }
    out.push_str(&format!(
        "Thresholds: admission {}, removal {}\n",
        group.thresholds.admission, group.thresholds.removal,
    ));
    out.push_str(
        "Records published to the group are sealed to its member organizations' devices: `commons groups publish`, `commons groups records` (docs/groups.md says what that protects).\n",
    );
    out
}

fn show(global: &GlobalArgs, group: &str) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let path = group_path(group);
    let answer = client.get(&path, &[])?;
    if global.json {
        return print_json(&answer);
    }
    let group: Group = client.read_as(&path, &answer)?;
    print!("{}", show_human(&group));
    Ok(())
}

fn create(global: &GlobalArgs, args: &CreateArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let body = FoundGroupRequest {
        name: args.name.clone(),
        purpose: args.purpose.clone(),
        admission: args.admission.clone(),
        removal: args.removal.clone(),
    };
    let answer = client
        .post("/v1/publish/group", &body)
        .context("the working group was not founded")?;
    if global.json {
        return print_json(&answer);
    }
    let published: PublishAnswer = client.read_as("/v1/publish/group", &answer)?;
    let id = &published.record.id;
    println!(
        "Founded the working group \"{}\" ({id}); your organization is its first member.\n\
         Invite a member organization: commons groups invite {id} org_…",
        args.name.trim()
    );
    Ok(())
}

fn cast(
    global: &GlobalArgs,
    group: &str,
    subject: &str,
    body: &GroupVoteRequest,
    word: &str,
) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client
        .post("/v1/publish/group-vote", body)
        .context("the vote was not published")?;
    let published: PublishAnswer = client.read_as("/v1/publish/group-vote", &answer)?;
    let path = group_path(group);
    let after = client.get(&path, &[])?;
    let group: Group = client.read_as(&path, &after)?;
    let member = group.members.iter().any(|entry| entry.org == subject);
    if global.json {
        return print_json(&json!({ "vote": answer, "group": after, "member": member }));
    }
    let names = names(&group);
    println!(
        "Voted to {word} {} in \"{}\" (record {}, seq {})",
        named(&names, subject),
        group.name,
        published.record.id,
        published.record.seq
    );
    println!(
        "  {}",
        if member {
            "It is a member of the group now."
        } else {
            "It is not a member of the group (now, or yet: `commons groups show` gives the votes)."
        }
    );
    Ok(())
}

fn leave(global: &GlobalArgs, group: &str) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let status: StatusAnswer = client.get_as("/v1/status", &[])?;
    let own = status.org;
    let answer = client
        .post(
            "/v1/publish/group-vote",
            &GroupVoteRequest {
                group: group.to_owned(),
                subject: own,
                choice: "remove".to_owned(),
                history: false,
            },
        )
        .context("your organization did not leave the group")?;
    if global.json {
        return print_json(&answer);
    }
    let published: PublishAnswer = client.read_as("/v1/publish/group-vote", &answer)?;
    println!(
        "Your organization left the group (record {}). Records the group publishes from now on are not for it.",
        published.record.id
    );
    Ok(())
}

fn publish(global: &GlobalArgs, args: &PublishArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client
        .post(
            "/v1/publish/group-record",
            &GroupRecordRequest {
                group: args.group.clone(),
                title: args.title.clone(),
                summary: args.summary.clone(),
                body: args.body.clone(),
                themes: args.themes.clone(),
                regions: args.regions.clone(),
                language: args.language.clone(),
            },
        )
        .context("the case study was not published to the group")?;
    if global.json {
        return print_json(&answer);
    }
    let published: GroupRecordPublished = client.read_as("/v1/publish/group-record", &answer)?;
    println!(
        "Published to the group, sealed to {} device(s) of its member organizations (record {}, seq {}).",
        published.sealed_to, published.record.id, published.record.seq
    );
    let waiting = published.devices_without_key.len();
    if waiting > 0 {
        println!(
            "  {waiting} device(s) of member organizations have no sealing key yet: they cannot read this record; the first record after their key arrives is sealed to them too."
        );
    }
    Ok(())
}

fn records(global: &GlobalArgs, group: &str) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let path = format!("{}/records", group_path(group));
    let answer = client.get(&path, &[])?;
    if global.json {
        return print_json(&answer);
    }
    let answer: GroupRecordsAnswer = client.read_as(&path, &answer)?;
    println!("{}: {} record(s)", answer.name, answer.records.len());
    for record in &answer.records {
        println!("  {}", record_line(record));
    }
    Ok(())
}

/// One line of `commons groups records`: the record, its title or why it does not open,
/// and its author's org, said to be outside the group when it is no member now (a
/// removed member still holds the keys of the epochs it was in).
fn record_line(record: &GroupRecordEntry) -> String {
    let mut by = record
        .org_name
        .as_deref()
        .or(record.org.as_deref())
        .unwrap_or("?")
        .to_owned();
    if !record.author_in_group {
        by.push_str(" (not a member of the group now)");
    }
    if record.readable {
        // The body is the record JSON (docs/api.md §8), read apart from this answer.
        // Kinds without a title (a campaign's update) go by their kind.
        let title = match record.body.as_ref().and_then(|body| body["title"].as_str()) {
            Some(title) => title.to_owned(),
            None => format!("({}, untitled)", record.kind.as_deref().unwrap_or("record")),
        };
        format!("{}  {}  by {}", record.id, title, by)
    } else {
        format!(
            "{}  sealed, by {}: {}",
            record.id,
            by,
            record.why_not.as_deref().unwrap_or("it does not open here")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(author_in_group: bool, readable: bool) -> GroupRecordEntry {
        GroupRecordEntry {
            id: "rec_1".to_owned(),
            author: "dev_1".to_owned(),
            org: Some("org_1".to_owned()),
            org_name: Some("Riverside Tenants".to_owned()),
            author_in_group,
            timestamp_ms: 0,
            readable,
            kind: readable.then(|| "practice".to_owned()),
            body: readable.then(|| serde_json::json!({"title": "Hearing notes"})),
            why_not: (!readable).then(|| "not sealed to this device".to_owned()),
        }
    }

    #[test]
    fn a_record_by_an_org_outside_the_group_says_so() {
        assert_eq!(
            record_line(&entry(true, true)),
            "rec_1  Hearing notes  by Riverside Tenants"
        );
        assert_eq!(
            record_line(&entry(false, true)),
            "rec_1  Hearing notes  by Riverside Tenants (not a member of the group now)"
        );
        assert_eq!(
            record_line(&entry(false, false)),
            "rec_1  sealed, by Riverside Tenants (not a member of the group now): not sealed to this device"
        );
        let update = GroupRecordEntry {
            kind: Some("campaign-update".to_owned()),
            body: Some(serde_json::json!({"body": "The hearing moved to Friday."})),
            ..entry(true, true)
        };
        assert_eq!(
            record_line(&update),
            "rec_1  (campaign-update, untitled)  by Riverside Tenants"
        );
    }
}
