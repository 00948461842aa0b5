//! `commons redactions …`: records the members voted to redact for safety, from the
//! operator's side. `list` reads the tallies the node folds (`GET /v1/redactions`);
//! `request` publishes this org's vote (`POST /v1/publish/redaction`): the first vote
//! on a record is the proposal, and every node drops its content once the charter's
//! removal threshold of the other members has voted (docs/protocol.md §10.7).

use anyhow::Context;
use commons_node::api::contract::requests::RedactionRequest;
use commons_node::api::contract::{OrgNamed, Redaction, RedactionPublished, RedactionsAnswer};
use commons_protocol::RecordId;

use crate::GlobalArgs;
use crate::client::{Client, print_json};

/// `commons redactions …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum RedactionsCommand {
    /// List the records members voted to redact, with each tally and the reasons given
    List,
    /// Vote to redact another organization's record because it endangers someone; the
    /// first vote is the proposal. A vote cannot be withdrawn.
    Request(RequestArgs),
}

/// Arguments of `commons redactions request`.
#[derive(Debug, clap::Args)]
pub(crate) struct RequestArgs {
    /// The record's id, rec_… (`commons records list` shows it)
    #[arg(value_name = "RECORD")]
    record: RecordId,
    /// Why it endangers someone, for the other members. The reason is public, like a
    /// retraction's: say what the danger is without repeating what endangers
    #[arg(long, value_name = "TEXT")]
    reason: String,
}

pub(crate) fn run(global: &GlobalArgs, command: &RedactionsCommand) -> anyhow::Result<()> {
    match command {
        RedactionsCommand::List => list(global),
        RedactionsCommand::Request(args) => request(global, args),
    }
}

fn list(global: &GlobalArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client.get("/v1/redactions", &[])?;
    if global.json {
        return print_json(&answer);
    }
    let listed: RedactionsAnswer = client.read_as("/v1/redactions", &answer)?;
    if listed.redactions.is_empty() {
        println!(
            "No member has voted to redact a record. To propose one: commons redactions request RECORD --reason \"…\""
        );
        return Ok(());
    }
    for redaction in &listed.redactions {
        print!("{}", describe(redaction));
    }
    Ok(())
}

fn describe(redaction: &Redaction) -> String {
    let author = match &redaction.author {
        Some(OrgNamed {
            org,
            name: Some(name),
        }) => format!("{name} ({org})"),
        Some(OrgNamed { org, name: None }) => org.clone(),
        None => "an org this node does not know".to_owned(),
    };
    let tally = &redaction.tally;
    let state = if tally.decided_by.is_some() {
        "redacted".to_owned()
    } else {
        format!(
            "{} of {} votes needed{}",
            tally.votes,
            tally.needed,
            if tally.voted {
                ", yours among them"
            } else {
                ""
            }
        )
    };
    let mut out = format!(
        "{}  {} by {}: {}\n",
        tally.target,
        redaction.kind.as_deref().unwrap_or("record"),
        author,
        state
    );
    for cast in &redaction.cast {
        out.push_str(&format!(
            "  {}: {}\n",
            cast.name.as_deref().unwrap_or(&cast.org),
            cast.reason
        ));
    }
    out
}

fn request(global: &GlobalArgs, args: &RequestArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client
        .post(
            "/v1/publish/redaction",
            &RedactionRequest {
                target: args.record.to_string(),
                reason: args.reason.clone(),
            },
        )
        .with_context(|| format!("could not vote to redact {}", args.record))?;
    if global.json {
        return print_json(&answer);
    }
    let voted: RedactionPublished = client.read_as("/v1/publish/redaction", &answer)?;
    let tally = &voted.tally;
    if tally.decided_by.is_some() {
        println!(
            "Voted ({}). That was the last vote needed: every node drops the record's content as the vote reaches it.",
            voted.record.id
        );
    } else {
        println!(
            "Voted ({}): {} of {} votes needed. The other members see the request in `commons redactions list` and in the web app.",
            voted.record.id, tally.votes, tally.needed
        );
    }
    Ok(())
}
