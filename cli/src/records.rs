//! `commons records list|search|show|history` (and `attachments|fetch`, in
//! [`crate::attachments`]): the last step of a record's path,
//! reading it back. Asks the running node for the records it holds (`GET /v1/records`, newest
//! first, with filters and paging; `search` adds the text to find, `q`, which the node
//! matches in its store) or for one record with its provenance, or its tombstone
//! (`GET /v1/records/{id}`: the node verifies the stored signature again for the
//! request), or for every version of a case study, campaign or profile
//! (`GET /v1/records/{id}/history`, with the fields each version changed), and prints
//! them as a table or field by field. Listings show each record's latest version. Record content comes from
//! other organizations, so control characters are removed before it reaches the
//! terminal.
//!
//! Times on the command line are read and shown by [`crate::calendar`]; text from
//! other orgs is cleaned for the terminal by [`crate::terminal_text`].

use anyhow::bail;
use clap::builder::PossibleValuesParser;
use commons_node::api::contract::records::{
    HeldRecord, HistoryAnswer, HistoryVersion, Provenance, RecordAnswer, RecordBody, RecordJson,
    RecordsPage, RetractedRecord, SignatureCheck, VersionBody,
};
use commons_node::store::SearchText;
use commons_protocol::{BodyKind, OrgId, RecordId};
use serde_json::{Map, Value};

use crate::GlobalArgs;
use crate::calendar::{format_time, parse_time};
use crate::client::{Client, print_json};
use crate::terminal_text::{clean, one_line, truncate};

/// The largest page `records list` asks for (the API's own limit).
const MAX_LIMIT: u64 = commons_node::store::MAX_QUERY_LIMIT as u64;
/// Characters of the title column in the human listing.
const TITLE_CHARS: usize = 40;
/// Characters of an org id shown in the listing: `org_` and 8 hex digits.
const SHORT_ORG_CHARS: usize = 12;

/// `commons records …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum RecordsCommand {
    /// List the records this node holds, newest first
    List(ListArgs),
    /// Find the records whose text has every word given, newest first
    ///
    /// Searches case studies (title, summary, body, themes, regions), campaigns (title,
    /// goals), campaign updates, alerts (title, body, region, action requested), alert
    /// responses, profiles, applications and retraction reasons. Every word must begin
    /// a word of the record, in any case: `evict` finds "eviction", `land` does not find
    /// "Thailand". Retracted records are never found: their content is gone.
    Search(SearchArgs),
    /// Show one record with its provenance (org, device, place in its feed, signature
    /// verified again now), or that it was retracted, by whom and why
    Show(ShowArgs),
    /// Show every version of a case study, campaign or profile, oldest first: when,
    /// by which device, and which fields each version changed
    History(ShowArgs),
    /// List the files a case study names: name, size, media type, and whether this
    /// node holds them (held, fetching 43%, not fetched)
    Attachments(ShowArgs),
    /// Write a case study's files into a directory, fetching them from peers first if
    /// this node does not hold them
    Fetch(crate::attachments::FetchArgs),
}

/// Arguments of `commons records search`.
#[derive(Debug, clap::Args)]
pub(crate) struct SearchArgs {
    /// The words to find (at most 16 words, 256 bytes)
    #[arg(value_name = "TEXT", value_parser = parse_search)]
    text: String,
    #[command(flatten)]
    filters: ListArgs,
}

/// Arguments of `commons records list`.
#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    /// Only records of this kind
    #[arg(long, value_name = "K", value_parser = PossibleValuesParser::new(BodyKind::ALL.map(BodyKind::name)))]
    kind: Option<String>,
    /// Only records by this organization, org_…
    #[arg(long, value_name = "ORG")]
    author: Option<OrgId>,
    /// Only records with this theme, region or working group (any case)
    #[arg(long, visible_alias = "tag", value_name = "X")]
    theme: Option<String>,
    /// Only records from this time on: milliseconds since the epoch, or a UTC date or time
    /// such as 2026-01-01 or 2026-01-01T10:00:00Z
    #[arg(long, value_name = "T", value_parser = parse_time)]
    since: Option<u64>,
    /// How many records to show [default: 50]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_LIMIT))]
    limit: Option<u64>,
    /// Continue a listing: the cursor printed at the end of the previous page
    #[arg(long, value_name = "CURSOR")]
    before: Option<String>,
}

/// Arguments of `commons records show`.
#[derive(Debug, clap::Args)]
pub(crate) struct ShowArgs {
    /// The record's id: rec_ and 64 lowercase hex digits, as `records list` and
    /// `records search` show them
    #[arg(value_name = "ID", value_parser = parse_record_id)]
    id: RecordId,
}

pub(crate) fn run(global: &GlobalArgs, command: &RecordsCommand) -> anyhow::Result<()> {
    match command {
        RecordsCommand::List(args) => list(global, args, None),
        RecordsCommand::Search(args) => list(global, &args.filters, Some(&args.text)),
        RecordsCommand::Show(args) => show(global, args),
        RecordsCommand::History(args) => history(global, args),
        RecordsCommand::Attachments(args) => crate::attachments::list(global, &args.id),
        RecordsCommand::Fetch(args) => crate::attachments::fetch(global, args),
    }
}

/// A search text the node will accept, or why not (before the node is asked).
fn parse_search(text: &str) -> Result<String, String> {
    SearchText::parse(text)
        .map(|_| text.to_owned())
        .map_err(|error| error.to_string())
}

/// A record id, or what one looks like and where to find them.
pub(crate) fn parse_record_id(text: &str) -> Result<RecordId, String> {
    text.trim().parse().map_err(|error| {
        format!(
            "{error}; copy a record's id from `commons records list` or `commons records              search TEXT`"
        )
    })
}

fn list(global: &GlobalArgs, args: &ListArgs, search: Option<&str>) -> anyhow::Result<()> {
    let mut query: Vec<(&str, String)> = Vec::new();
    if let Some(text) = search {
        query.push(("q", text.to_owned()));
    }
    if let Some(kind) = &args.kind {
        query.push(("kind", kind.clone()));
    }
    if let Some(author) = &args.author {
        query.push(("author", author.to_string()));
    }
    if let Some(theme) = &args.theme {
        query.push(("theme", theme.clone()));
    }
    if let Some(since) = args.since {
        query.push(("since", since.to_string()));
    }
    if let Some(limit) = args.limit {
        query.push(("limit", limit.to_string()));
    }
    if let Some(before) = &args.before {
        query.push(("before", before.clone()));
    }
    let client = Client::connect(global)?;
    let answer = client.get("/v1/records", &query)?;
    if global.json {
        return print_json(&answer);
    }
    let page: RecordsPage = client.read_as("/v1/records", &answer)?;
    let records = &page.records;
    if records.is_empty() {
        match search {
            Some(text) => println!(
                "No record this node holds has every word of \"{}\" (retracted records are \
                 never found).",
                one_line(text)
            ),
            None => println!("No records match."),
        }
    } else {
        print!("{}", table(records));
    }
    if let Some(next) = &page.next {
        println!("More records: add --before {}", one_line(next));
    }
    Ok(())
}

fn show(global: &GlobalArgs, args: &ShowArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let path = format!("/v1/records/{}", args.id);
    let answer = client.get(&path, &[])?;
    let record: RecordAnswer = client.read_as(&path, &answer)?;
    if global.json {
        print_json(&answer)?;
    } else {
        print!("{}", human_record(&record));
    }
    // The record is shown either way; a signature that no longer verifies still fails
    // the command, so that scripts notice.
    let signatures = match &record {
        RecordAnswer::Held(held) => vec![&held.provenance.signature],
        RecordAnswer::Retracted(tombstone) => tombstone
            .retraction_record
            .iter()
            .map(|retraction| &retraction.signature)
            .chain([&tombstone.provenance.signature])
            .collect(),
    };
    for signature in signatures {
        if signature.valid == Some(false) {
            bail!(
                "the signature of {} does not verify: {}",
                args.id,
                one_line(signature.error.as_deref().unwrap_or("no reason given"))
            );
        }
    }
    Ok(())
}

fn history(global: &GlobalArgs, args: &ShowArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let path = format!("/v1/records/{}/history", args.id);
    let answer = client.get(&path, &[])?;
    if global.json {
        return print_json(&answer);
    }
    let history: HistoryAnswer = client.read_as(&path, &answer)?;
    print!("{}", human_history(&history));
    Ok(())
}

/// The versions of a record, oldest first, each with what it changed.
fn human_history(history: &HistoryAnswer) -> String {
    let versions = &history.versions;
    let kind = history.kind.as_str();
    let mut out = format!(
        "{} {} of {}: {} version{}, the latest shown\n",
        one_line(kind),
        one_line(&history.original),
        one_line(&history.org),
        versions.len(),
        if versions.len() == 1 { "" } else { "s" },
    );
    let mut previous: Option<&HistoryVersion> = None;
    for version in versions {
        let time = format_time(version.timestamp_ms, true);
        let shown = if version.latest { "  (shown)" } else { "" };
        out.push_str(&format!(
            "\n{}. {time} UTC  {}{shown}\n",
            version.version,
            one_line(&version.id)
        ));
        let mut rows = vec![("device".to_owned(), one_line(&version.author))];
        let title = version.body.title();
        rows.push((
            "title".to_owned(),
            one_line(if title.is_empty() { "-" } else { title }),
        ));
        rows.push((
            "changed".to_owned(),
            match previous {
                None => "(the first version)".to_owned(),
                Some(before) => {
                    let changed = changed_fields(kind, &before.body, &version.body);
                    if changed.is_empty() {
                        "nothing (the same content again)".to_owned()
                    } else {
                        changed.join(", ")
                    }
                }
            },
        ));
        out.push_str(&aligned(&rows));
        previous = Some(version);
    }
    out
}

/// A body's fields by name, as the API sends them, for showing every field whatever
/// the kind.
fn fields_of(body: &impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(body) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    }
}

/// The fields whose value differs between two versions' bodies, in the order `records
/// show` prints them (then the rest alphabetically, `body` last).
fn changed_fields(kind: &str, before: &VersionBody, after: &VersionBody) -> Vec<String> {
    let (before, after) = (fields_of(before), fields_of(after));
    let order = FIELD_ORDER
        .iter()
        .find(|(name, _)| *name == kind)
        .map_or(&[][..], |(_, fields)| *fields);
    let mut keys: Vec<&str> = before
        .keys()
        .chain(after.keys())
        .map(String::as_str)
        .collect();
    keys.sort_unstable_by_key(|key| {
        let place = order.iter().position(|field| field == key);
        (*key == "body", place.is_none(), place, *key)
    });
    keys.dedup();
    keys.into_iter()
        .filter(|key| before.get(*key) != after.get(*key))
        .map(label)
        .collect()
}

/// Records as a table: time, kind, org, title, id.
fn table(records: &[RecordJson]) -> String {
    let mut out = format!(
        "{:<16}  {:<15}  {:<12}  {:<title$}  ID\n",
        "TIME (UTC)",
        "KIND",
        "ORG",
        "TITLE",
        title = TITLE_CHARS
    );
    for record in records {
        let time = format_time(record.timestamp_ms, false);
        out.push_str(&format!(
            "{:<16}  {:<15}  {:<12}  {:<title$}  {}\n",
            time,
            one_line(record.kind()),
            one_line(&truncate(&record.org, SHORT_ORG_CHARS, false)),
            title_cell(record),
            one_line(&record.id),
            title = TITLE_CHARS
        ));
    }
    out
}

/// Whether a record has several versions, so the listing shows the latest's content.
fn revised(record: &RecordJson) -> Option<&VersionBody> {
    record
        .shown
        .as_ref()
        .filter(|shown| shown.versions > 1)
        .map(|shown| &shown.latest_body)
}

/// What a record is about, in a few words: its title, or what stands in for one. A
/// record with versions shows its latest version's.
fn headline(record: &RecordJson) -> String {
    let latest = revised(record).map(VersionBody::title);
    match &record.body {
        RecordBody::Practice(practice) => latest.unwrap_or(&practice.title).to_owned(),
        RecordBody::Campaign(campaign) => latest.unwrap_or(&campaign.title).to_owned(),
        RecordBody::Profile(profile) => latest.unwrap_or(&profile.name).to_owned(),
        RecordBody::Alert(alert) => format!("[{}] {}", alert.severity, alert.title),
        RecordBody::CampaignUpdate(update) => match &update.status {
            Some(status) => format!("({status}) {}", update.body),
            None => update.body.clone(),
        },
        RecordBody::AlertResponse(response) if response.note.is_empty() => {
            response.response.clone()
        }
        RecordBody::AlertResponse(response) => {
            format!("{}: {}", response.response, response.note)
        }
        RecordBody::Retraction(retraction) => format!("retracts {}", retraction.target),
        RecordBody::Delegation(delegation) => format!("device {}", delegation.label),
        RecordBody::Revocation(revocation) => format!(
            "revokes {} from seq {}",
            revocation.device, revocation.from_seq
        ),
        RecordBody::RootRotation(_) => "new root key".to_owned(),
        RecordBody::Application(application) => {
            format!("applies: {}", application.statement)
        }
        RecordBody::Vote(vote) => format!("{} {}", vote.choice.word(), vote.subject),
        RecordBody::Revision(revision) => format!(
            "new version of {}: {}",
            revision.original,
            revision.content.title()
        ),
        _ => String::new(),
    }
}

/// A record's headline cut to the title column, `(edited)` kept at the end of one with
/// several versions.
fn title_cell(record: &RecordJson) -> String {
    const EDITED: &str = " (edited)";
    let line = one_line(&headline(record));
    if revised(record).is_some() {
        let room = TITLE_CHARS - EDITED.chars().count();
        format!("{}{EDITED}", truncate(&line, room, true))
    } else {
        truncate(&line, TITLE_CHARS, true)
    }
}

/// The fields of each kind in the order `records show` prints them; any others follow
/// in alphabetical order, and a `body` text comes last.
const FIELD_ORDER: [(&str, &[&str]); 10] = [
    (
        "practice",
        &[
            "title", "summary", "themes", "regions", "language", "licence", "links",
        ],
    ),
    ("campaign", &["title", "status", "goals", "partners"]),
    ("campaign-update", &["campaign", "status"]),
    (
        "alert",
        &[
            "severity",
            "title",
            "region",
            "action_requested",
            "expires_at_ms",
        ],
    ),
    ("alert-response", &["alert", "response", "note"]),
    ("retraction", &["target", "reason"]),
    (
        "delegation",
        &["org", "device", "label", "root", "root_signature"],
    ),
    (
        "profile",
        &[
            "name",
            "country",
            "region",
            "website",
            "working_groups",
            "languages",
            "description",
        ],
    ),
    ("application", &["org", "statement"]),
    ("vote", &["subject", "choice", "new_root"]),
];

/// A record (or its tombstone) field by field: first where it comes from (org, device,
/// place in its feed, signature), then its content.
fn human_record(answer: &RecordAnswer) -> String {
    match answer {
        RecordAnswer::Held(held) => human_held(held),
        RecordAnswer::Retracted(tombstone) => human_tombstone(tombstone),
    }
}

/// The rows every record and tombstone has: org, device, place in its feed, time.
fn origin_rows(
    org: Option<&str>,
    author: &str,
    seq: u64,
    prev: Option<&str>,
    timestamp_ms: Option<u64>,
    provenance: &Provenance,
) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = vec![
        ("org".to_owned(), org_text(org, provenance)),
        ("device".to_owned(), device_text(author, provenance)),
    ];
    rows.push((
        "seq".to_owned(),
        match prev {
            Some(prev) => format!("{seq} (after {})", one_line(prev)),
            None if timestamp_ms.is_none() => seq.to_string(),
            None => format!("{seq} (the feed's first record)"),
        },
    ));
    if let Some(ms) = timestamp_ms {
        rows.push(("time".to_owned(), time_text(ms)));
    }
    rows
}

fn human_tombstone(tombstone: &RetractedRecord) -> String {
    let mut rows = origin_rows(
        tombstone.org.as_deref(),
        &tombstone.author,
        tombstone.seq,
        tombstone.prev.as_deref(),
        tombstone.timestamp_ms,
        &tombstone.provenance,
    );
    rows.push(("retracted".to_owned(), "yes".to_owned()));
    rows.push(("retraction".to_owned(), one_line(&tombstone.retraction)));
    if let Some(retraction) = &tombstone.retraction_record {
        rows.push((
            "retracted at".to_owned(),
            time_text(retraction.timestamp_ms),
        ));
        let reason = one_line(&retraction.reason);
        rows.push((
            "reason".to_owned(),
            if reason.is_empty() {
                "(none given)".to_owned()
            } else {
                reason
            },
        ));
        rows.push((
            "its signature".to_owned(),
            signature_text(&retraction.signature),
        ));
    }
    rows.push((
        "signature".to_owned(),
        "cannot be checked: the content and its signature were dropped with the retraction"
            .to_owned(),
    ));
    let how = if tombstone.redacted {
        "was redacted by the members' vote (the retraction row names the deciding vote)"
    } else {
        "was retracted by its org"
    };
    format!(
        "{} {how}\n{}Its content is gone from this node; only this tombstone remains.\n",
        one_line(&tombstone.id),
        aligned(&rows)
    )
}

fn human_held(held: &HeldRecord) -> String {
    let record = &held.record;
    let mut rows = origin_rows(
        Some(&record.org),
        &record.author,
        record.seq,
        record.prev.as_deref(),
        Some(record.timestamp_ms),
        &held.provenance,
    );
    let kind = record.kind();
    rows.push((
        "signature".to_owned(),
        signature_text(&held.provenance.signature),
    ));
    rows.push(("retracted".to_owned(), "no".to_owned()));
    rows.push(("visibility".to_owned(), one_line(&record.visibility)));
    if let Some(shown) = &record.shown {
        let shown_text = if shown.latest == record.id {
            "this one is shown".to_owned()
        } else {
            format!("{} is shown", one_line(&shown.latest))
        };
        rows.push((
            "versions".to_owned(),
            format!(
                "{}; {shown_text} (`commons records history {}` lists them)",
                shown.versions,
                one_line(&shown.original)
            ),
        ));
    }

    // Every field of the body, whatever its kind: the kinds a table orders first.
    let body = fields_of(&record.body.clone().into_fields());
    let order = FIELD_ORDER
        .iter()
        .find(|(name, _)| *name == kind)
        .map_or(&[][..], |(_, fields)| *fields);
    let mut keys: Vec<&str> = order
        .iter()
        .copied()
        .filter(|key| body.contains_key(*key))
        .collect();
    let mut others: Vec<&str> = body
        .keys()
        .map(String::as_str)
        // The record's visibility is shown above; the body text is shown last.
        .filter(|key| !order.contains(key) && *key != "visibility" && *key != "body")
        .collect();
    others.sort_unstable();
    keys.extend(others);
    for key in keys {
        rows.push((label(key), value_text(key, &body[key])));
    }
    rows.push((
        "signed".to_owned(),
        format!("{} bytes (the hex is in --json)", record.signed.len() / 2),
    ));

    let mut out = format!(
        "{} {}\n{}",
        one_line(kind),
        one_line(&record.id),
        aligned(&rows)
    );
    match body.get("body") {
        Some(Value::String(text)) => {
            out.push('\n');
            out.push_str(clean(text).trim_end());
            out.push('\n');
        }
        Some(other) => out.push_str(&aligned(&[("body".to_owned(), value_text("body", other))])),
        None => {}
    }
    out
}

/// A time as `records show` prints it: in UTC, and the milliseconds.
fn time_text(ms: u64) -> String {
    format!("{} UTC ({ms})", format_time(ms, true))
}

/// The org line of `records show`: its id, name, and whether it is a member now.
fn org_text(org: Option<&str>, provenance: &Provenance) -> String {
    let id = one_line(org.unwrap_or("-"));
    let Some(org) = &provenance.org else {
        return id;
    };
    let standing = if org.member {
        "a member"
    } else {
        "not a member now"
    };
    match &org.name {
        Some(name) => format!("{id} ({}, {standing})", one_line(name)),
        None => format!("{id} ({standing})"),
    }
}

/// The device line of `records show`: its key, label, delegation, and whether its org
/// revoked it before this record.
fn device_text(author: &str, provenance: &Provenance) -> String {
    let device = &provenance.device;
    let key = one_line(author);
    let mut out = match &device.label {
        Some(label) => format!("{key} (\"{}\")", one_line(label)),
        None => format!("{key} (not on this node's roster)"),
    };
    if let Some(delegation) = &device.delegation {
        out.push_str(&format!("\ndelegated by {}", one_line(delegation)));
    }
    if let Some(from) = device.revoked_from {
        out.push_str(&format!("\nrevoked by its org from seq {from}"));
        if device.revoked_at_seq {
            out.push_str(" (this record's seq is not accepted from it)");
        }
    }
    out
}

/// What the node's fresh check of a signature found.
fn signature_text(signature: &SignatureCheck) -> String {
    match signature.valid {
        Some(true) => {
            let when = signature
                .checked_at_ms
                .map(|ms| format!(" at {} UTC", format_time(ms, true)))
                .unwrap_or_default();
            format!("valid: verified again from the stored bytes{when}")
        }
        Some(false) => format!(
            "DOES NOT VERIFY: {}",
            one_line(signature.error.as_deref().unwrap_or("no reason given"))
        ),
        None => "not checked".to_owned(),
    }
}

/// `field_name` as a label: `action requested` for `action_requested`, `expires at` for
/// `expires_at_ms`.
fn label(key: &str) -> String {
    key.strip_suffix("_ms").unwrap_or(key).replace('_', " ")
}

/// A JSON value as text for `records show`: lists joined with commas, times in UTC.
fn value_text(key: &str, value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(text) => clean(text),
        Value::Array(items) if items.is_empty() => "-".to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => one_line(text),
                other => one_line(&other.to_string()),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Number(number) if key.ends_with("_ms") => match number.as_u64() {
            Some(ms) => format!("{} UTC ({ms})", format_time(ms, true)),
            None => number.to_string(),
        },
        other => one_line(&other.to_string()),
    }
}

/// `label  value` rows, the values aligned; a value on several lines stays indented.
fn aligned(rows: &[(String, String)]) -> String {
    let width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (label, value) in rows {
        let indent = format!("\n  {:width$}  ", "");
        let value = value.trim_end().replace('\n', &indent);
        out.push_str(&format!("  {label:<width$}  {value}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_history_names_each_versions_changed_fields_in_show_order() {
        let version = |n: u64, title: &str, themes: &[&str], body: &str, latest: bool| {
            json!({
                "version": n,
                "id": format!("rec_{n}"),
                "kind": if n == 1 { "practice" } else { "revision" },
                "timestamp_ms": 1_700_000_000_000u64 + n * 60_000,
                "author": "dev_a",
                "seq": n + 1,
                "latest": latest,
                "body": { "title": title, "themes": themes, "body": body, "summary": "s",
                          "regions": [], "language": "en", "licence": "CC-BY-4.0",
                          "links": [], "visibility": "public", "attachments": [] },
            })
        };
        let history = json!({
            "original": "rec_1",
            "kind": "practice",
            "org": "org_a",
            "latest": "rec_3",
            "versions": [
                version(1, "Surveys", &["housing"], "text", false),
                version(2, "Surveys", &["housing", "land"], "more text", false),
                version(3, "Surveys of\u{202e} risk", &["housing", "land"], "more text", true),
                version(4, "Surveys of\u{202e} risk", &["housing", "land"], "more text", false),
            ],
        });
        let shown = human_history(&serde_json::from_value(history).unwrap());
        assert_eq!(
            shown,
            "practice rec_1 of org_a: 4 versions, the latest shown\n\
             \n1. 2023-11-14 22:14:20 UTC  rec_1\n\
             \x20 device   dev_a\n\
             \x20 title    Surveys\n\
             \x20 changed  (the first version)\n\
             \n2. 2023-11-14 22:15:20 UTC  rec_2\n\
             \x20 device   dev_a\n\
             \x20 title    Surveys\n\
             \x20 changed  themes, body\n\
             \n3. 2023-11-14 22:16:20 UTC  rec_3  (shown)\n\
             \x20 device   dev_a\n\
             \x20 title    Surveys of risk\n\
             \x20 changed  title\n\
             \n4. 2023-11-14 22:17:20 UTC  rec_4\n\
             \x20 device   dev_a\n\
             \x20 title    Surveys of risk\n\
             \x20 changed  nothing (the same content again)\n"
        );
    }

    fn read(answer: Value) -> RecordAnswer {
        serde_json::from_value(answer).unwrap()
    }

    fn practice() -> Value {
        json!({
            "id": "rec_aa", "kind": "practice", "org": "org_0123456789abcdef", "author": "dev_1",
            "seq": 2, "prev": "rec_bb", "timestamp_ms": 1_767_261_630_000_u64,
            "visibility": "members",
            "body": {
                "title": "Tenant surveys\u{1b}[31m", "summary": "Residents mapped it.",
                "body": "## What we did\n\nA survey.", "themes": ["housing", "land"],
                "regions": [], "language": "en", "licence": "CC-BY-4.0", "links": [],
                "visibility": "members", "attachments": [],
            },
            "signed": "abcd",
            "retracted": false,
            "provenance": {
                "org": {"id": "org_0123456789abcdef", "name": "Tenants' Voice Alliance", "member": true},
                "device": {"key": "dev_1", "label": "office server", "delegation": "rec_dd",
                           "revoked_from": null, "revoked_at_seq": false},
                "signature": {"checked": true, "valid": true, "error": null,
                              "checked_at_ms": 1_767_261_631_000_u64},
            },
        })
    }

    #[test]
    fn the_table_shows_time_kind_short_org_title_and_id() {
        let text = table(&[serde_json::from_value(practice()).unwrap()]);
        let mut lines = text.lines();
        assert!(lines.next().unwrap_or_default().starts_with("TIME (UTC)"));
        let row = lines.next().unwrap_or_default();
        assert!(row.starts_with("2026-01-01 10:00  practice "), "{row}");
        assert!(row.contains(" org_01234567  Tenant surveys[31m "), "{row}");
        assert!(row.ends_with("  rec_aa"), "{row}");
    }

    #[test]
    fn show_prints_every_field_and_the_body_last() {
        let text = human_record(&read(practice()));
        assert!(text.starts_with("practice rec_aa\n"), "{text}");
        for expected in [
            "org_0123456789abcdef",
            "2 (after rec_bb)",
            "2026-01-01 10:00:30 UTC (1767261630000)",
            "title        Tenant surveys[31m",
            "themes       housing, land",
            "regions      -",
            "licence      CC-BY-4.0",
            "signed       2 bytes",
            "signature    valid: verified again from the stored bytes at 2026-01-01 10:00:31 UTC",
            "retracted    no",
            "device       dev_1 (\"office server\")\n               delegated by rec_dd",
            "org_0123456789abcdef (Tenants' Voice Alliance, a member)",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        assert!(
            text.ends_with("\n\n## What we did\n\nA survey.\n"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'));
    }

    #[test]
    fn show_says_a_record_was_retracted() {
        let text = human_record(&read(json!({
            "id": "rec_aa", "retracted": true, "author": "dev_1", "org": null, "seq": 2,
            "retraction": "rec_cc",
            "provenance": {
                "org": null,
                "device": {"key": "dev_1", "label": null, "delegation": null,
                           "revoked_from": null, "revoked_at_seq": false},
                "signature": {"checked": false, "valid": null, "error": null, "checked_at_ms": null},
            },
        })));
        assert!(
            text.starts_with("rec_aa was retracted by its org\n"),
            "{text}"
        );
        assert!(text.contains("retraction  rec_cc"), "{text}");
        assert!(text.contains("org         -"), "{text}");

        // With its provenance and the retraction record.
        let text = human_record(&read(json!({
            "id": "rec_aa", "retracted": true, "author": "dev_1", "org": "org_1", "seq": 2,
            "retraction": "rec_cc", "timestamp_ms": 1_767_261_630_000_u64, "prev": "rec_bb",
            "retraction_record": {
                "id": "rec_cc", "author": "dev_1", "seq": 3,
                "timestamp_ms": 1_767_261_690_000_u64, "reason": "It names a witness",
                "signature": {"checked": true, "valid": true, "error": null, "checked_at_ms": 1},
            },
            "provenance": {
                "org": {"id": "org_1", "name": "Rural Defenders Collective", "member": true},
                "device": {"key": "dev_1", "label": "laptop", "delegation": "rec_dd",
                           "revoked_from": null, "revoked_at_seq": false},
                "signature": {"checked": false, "valid": null, "error": null, "checked_at_ms": null},
            },
        })));
        for expected in [
            "org_1 (Rural Defenders Collective, a member)",
            "2 (after rec_bb)",
            "retracted      yes",
            "retracted at   2026-01-01 10:01:30 UTC",
            "reason         It names a witness",
            "its signature  valid",
            "cannot be checked",
        ] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
    }

    #[test]
    fn a_signature_that_does_not_verify_is_shown_loudly() {
        let mut record = practice();
        record["provenance"]["signature"] =
            json!({"checked": true, "valid": false, "error": "bad signature", "checked_at_ms": 1});
        let text = human_record(&read(record));
        assert!(text.contains("DOES NOT VERIFY: bad signature"), "{text}");
    }
}
