//! `commons publish …`: the first step of a record's path, its creation, from the
//! operator's side. Each subcommand turns its flags into the JSON body of one
//! `POST /v1/publish/*` request; the node signs the record as the next of this device's
//! feed, checks the record's own rules (an empty title is refused there, not here),
//! stores it durably and announces it, then answers with its id and seq.
//!
//! `--revise ID` on `practice` and `campaign` publishes a new version of one of the
//! org's own records instead: the latest version is read first (`GET /v1/records/ID`),
//! every field not given keeps its value there, and the request names the record it
//! revises (`"revises"`), which the node checks is the org's own and not retracted.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::ValueEnum;
use commons_node::api::contract::PublishAnswer;
use commons_node::api::contract::attachments::UploadAnswer;
use commons_protocol::{MAX_SIGNED_RECORD_BYTES, OrgId, RecordId};
use serde_json::{Value, json};

use crate::GlobalArgs;
use crate::client::{Client, print_json};

/// `commons publish …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum PublishCommand {
    /// Publish a case study: what your organization did, where, and what others can
    /// reuse. Members-only unless --public
    Practice(PracticeArgs),
    /// Publish a campaign run by your organization and its partners
    Campaign(CampaignArgs),
    /// Publish an update to one of your campaigns (a hearing date, a win, a setback)
    Update(UpdateArgs),
    /// Publish a solidarity alert asking members to act
    Alert(AlertArgs),
    /// Answer a solidarity alert: say you have seen it, are acting, or have shared it
    Respond(RespondArgs),
    /// Retract one of your organization's records: every node drops its content
    Retract(RetractArgs),
    /// Publish many case studies, campaigns and updates from a JSON Lines file (one
    /// record per line, as for an import from another system)
    Batch(crate::publish_batch::BatchArgs),
}

/// A body given inline or read from a file.
#[derive(Debug, clap::Args)]
#[group(id = "body-source", required = true, multiple = false)]
pub(crate) struct BodyArgs {
    /// The text, in Markdown
    #[arg(long, value_name = "TEXT")]
    body: Option<String>,
    /// Read the text from FILE (`-` for standard input)
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
}

impl BodyArgs {
    fn text(&self) -> anyhow::Result<String> {
        match self.given()? {
            Some(text) => Ok(text),
            None => bail!("give the text with --body TEXT or --body-file FILE"),
        }
    }

    /// The text, if one was given.
    fn given(&self) -> anyhow::Result<Option<String>> {
        match (&self.body, &self.body_file) {
            (Some(body), _) => Ok(Some(body.clone())),
            (None, Some(path)) => read_body_file(path).map(Some),
            (None, None) => Ok(None),
        }
    }
}

/// Arguments of `commons publish practice`.
#[derive(Debug, clap::Args)]
pub(crate) struct PracticeArgs {
    /// Publish a new version of this case study of your organization, rec_… (its first
    /// version or any later one): the fields you do not give keep their latest values
    #[arg(long, value_name = "REC_ID")]
    revise: Option<RecordId>,
    /// The case study's title
    #[arg(long, value_name = "T", required_unless_present = "revise")]
    title: Option<String>,
    /// One or two sentences saying what it is about
    #[arg(long, value_name = "S", required_unless_present = "revise")]
    summary: Option<String>,
    /// The text, in Markdown
    #[arg(
        long,
        value_name = "TEXT",
        required_unless_present_any = ["revise", "body_file"],
        conflicts_with = "body_file"
    )]
    body: Option<String>,
    /// Read the text from FILE (`-` for standard input)
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// A theme, such as housing or land (repeat for more)
    #[arg(long = "theme", value_name = "X")]
    themes: Vec<String>,
    /// A region it concerns (repeat for more)
    #[arg(long = "region", value_name = "R")]
    regions: Vec<String>,
    /// The language it is written in [default: en]
    #[arg(long, value_name = "L")]
    language: Option<String>,
    /// The licence others may reuse it under [default: CC-BY-4.0]
    #[arg(long, value_name = "L")]
    licence: Option<String>,
    /// A link to more material (repeat for more)
    #[arg(long = "link", value_name = "URL")]
    links: Vec<String>,
    /// Anyone may read it, not only members. Case studies can name people at risk:
    /// choose this deliberately
    #[arg(long, conflicts_with = "members")]
    public: bool,
    /// Only member organizations may read it (the default)
    #[arg(long)]
    members: bool,
    /// Attach FILE (repeat for more): uploaded to the node first, then named by the
    /// case study with its file name, size and media type (guessed from its extension).
    /// With --revise, the files given replace the latest version's
    #[arg(long = "attach", value_name = "FILE")]
    attach: Vec<PathBuf>,
}

/// Media types by file extension, for `--attach`; anything else is
/// `application/octet-stream`.
const MEDIA_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("mp3", "audio/mpeg"),
    ("mp4", "video/mp4"),
    ("zip", "application/zip"),
];

/// The media type of a file, from its extension (any case).
pub(crate) fn media_type_of(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    MEDIA_TYPES
        .iter()
        .find(|(known, _)| *known == extension)
        .map_or("application/octet-stream", |(_, media_type)| media_type)
}

/// A file to attach, checked before the node is asked: a regular file with a name a
/// record can carry.
struct ToAttach {
    path: PathBuf,
    name: String,
    media_type: &'static str,
}

fn files_to_attach(paths: &[PathBuf]) -> anyhow::Result<Vec<ToAttach>> {
    let mut files: Vec<ToAttach> = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot attach {}", path.display()))?;
        if !meta.is_file() {
            bail!("cannot attach {}: it is not a file", path.display());
        }
        if meta.len() == 0 {
            bail!(
                "cannot attach {}: it is empty; attach a file with at least one byte",
                path.display()
            );
        }
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .map(str::to_owned)
            .filter(|name| commons_protocol::record::is_safe_file_name(name))
            .with_context(|| {
                format!(
                    "cannot attach {}: its name is not valid UTF-8 or is longer than 255 bytes; rename it",
                    path.display()
                )
            })?;
        if files.iter().any(|earlier| earlier.name == name) {
            bail!("two files named {name} are attached: a case study's file names must differ");
        }
        files.push(ToAttach {
            media_type: media_type_of(path),
            path: path.clone(),
            name,
        });
    }
    if files.len() > commons_protocol::MAX_ATTACHMENTS {
        bail!(
            "a case study carries at most {} files; {} were given",
            commons_protocol::MAX_ATTACHMENTS,
            files.len()
        );
    }
    Ok(files)
}

/// Uploads each file to the node; the entries the case study names them by.
fn upload_all(client: &Client, files: &[ToAttach], quiet: bool) -> anyhow::Result<Vec<Value>> {
    let mut entries = Vec::new();
    for file in files {
        let uploaded = client
            .upload(
                "/v1/attachments",
                &[
                    ("name", file.name.clone()),
                    ("type", file.media_type.to_owned()),
                ],
                &file.path,
            )
            .with_context(|| {
                format!(
                    "{} was not uploaded, so nothing was published",
                    file.path.display()
                )
            })?;
        let answer: UploadAnswer = client.read_as("/v1/attachments", &uploaded)?;
        if !quiet {
            println!(
                "Uploaded {} ({} bytes, {}): {}",
                file.name, answer.size, file.media_type, answer.blob
            );
        }
        // The answer is the entry the case study names the file by, as it came.
        entries.push(uploaded);
    }
    Ok(entries)
}

/// Arguments of `commons publish campaign`.
#[derive(Debug, clap::Args)]
pub(crate) struct CampaignArgs {
    /// Publish a new version of this campaign of your organization, rec_… (its first
    /// version or any later one): the fields you do not give keep their latest values
    #[arg(long, value_name = "REC_ID")]
    revise: Option<RecordId>,
    /// The campaign's title
    #[arg(long, value_name = "T", required_unless_present = "revise")]
    title: Option<String>,
    /// A goal of the campaign (repeat for more)
    #[arg(long = "goal", value_name = "G")]
    goals: Vec<String>,
    /// A partner organization's id, org_… (repeat for more)
    #[arg(long = "partner", value_name = "ORG")]
    partners: Vec<OrgId>,
    /// Where the campaign stands [default: active]
    #[arg(long, value_name = "STATUS")]
    status: Option<CampaignStatus>,
}

/// Arguments of `commons publish update`.
#[derive(Debug, clap::Args)]
pub(crate) struct UpdateArgs {
    /// The campaign's record id, rec_…
    #[arg(long, value_name = "REC_ID")]
    campaign: RecordId,
    #[command(flatten)]
    body: BodyArgs,
    /// The campaign's new status, if it changed
    #[arg(long, value_name = "STATUS")]
    status: Option<CampaignStatus>,
}

/// Arguments of `commons publish alert`.
#[derive(Debug, clap::Args)]
pub(crate) struct AlertArgs {
    /// What happened, in a few words
    #[arg(long, value_name = "T")]
    title: String,
    /// Where it happened
    #[arg(long, value_name = "R")]
    region: String,
    #[command(flatten)]
    body: BodyArgs,
    /// What members are asked to do
    #[arg(long, value_name = "TEXT")]
    action: String,
    /// How grave it is
    #[arg(long, value_name = "SEVERITY", default_value = "urgent")]
    severity: Severity,
    /// How long the alert stays current [default: 168, one week]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    expires_in_hours: Option<u64>,
}

/// Arguments of `commons publish respond`.
#[derive(Debug, clap::Args)]
pub(crate) struct RespondArgs {
    /// The alert's record id, rec_…
    #[arg(long, value_name = "REC_ID")]
    alert: RecordId,
    /// Your answer
    #[arg(long, value_name = "RESPONSE")]
    response: Response,
    /// What you did or will do
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
}

/// Arguments of `commons publish retract`.
#[derive(Debug, clap::Args)]
pub(crate) struct RetractArgs {
    /// The record to retract, rec_…; it must be your organization's
    #[arg(long, value_name = "REC_ID")]
    target: RecordId,
    /// Why, for the other members
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

/// A campaign's status.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum CampaignStatus {
    /// Being prepared
    Planning,
    /// Under way
    Active,
    /// On hold
    Paused,
    /// Its goals were met
    Won,
    /// Ended
    Closed,
}

/// An alert's severity.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Severity {
    /// A threat to keep an eye on
    Watch,
    /// Act within days
    Urgent,
    /// Life or liberty at stake: act now
    Critical,
}

/// An answer to an alert.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Response {
    /// We have seen it (also accepted as `seen`, the word `commons alerts show` uses)
    #[value(alias = "seen")]
    Acknowledged,
    /// We are acting on it
    Acting,
    /// We have passed it on
    Shared,
}

/// The name a value has on the command line, which is also its name in the API.
fn name(value: &impl ValueEnum) -> Option<String> {
    value
        .to_possible_value()
        .map(|possible| possible.get_name().to_owned())
}

/// What a subcommand sends: the endpoint, the body, and the word for the record.
struct Request {
    endpoint: &'static str,
    what: &'static str,
    body: Value,
    /// With `--revise`: the record revised; fields not in `body` are taken from its
    /// latest version.
    revise: Option<Revise>,
}

/// A new version to publish: of which record, and what it carries over.
struct Revise {
    id: RecordId,
    /// The kind the record must be (`practice`, `campaign`).
    kind: &'static str,
    /// The request fields a version carries over from the latest one.
    fields: &'static [&'static str],
}

/// What a new case study version keeps from the latest when not given.
const PRACTICE_FIELDS: &[&str] = &[
    "title",
    "summary",
    "body",
    "themes",
    "regions",
    "language",
    "licence",
    "links",
    "visibility",
    "attachments",
];
/// What a new campaign version keeps from the latest when not given.
const CAMPAIGN_FIELDS: &[&str] = &["title", "goals", "partners", "status"];

impl Revise {
    /// `given` completed from the latest version of the record (read from the node),
    /// with `revises` set.
    fn complete(&self, client: &Client, given: &Value) -> anyhow::Result<Value> {
        let record = client
            .get(&format!("/v1/records/{}", self.id), &[])
            .with_context(|| format!("could not read {} to revise it", self.id))?;
        if record["retracted"] == Value::Bool(true) {
            bail!(
                "{} was retracted by its org, so it cannot get a new version; publish a new record instead",
                self.id
            );
        }
        let latest = &record["latest_body"];
        let kind = record["body"]["content_kind"]
            .as_str()
            .or_else(|| record["kind"].as_str())
            .unwrap_or("?");
        if !latest.is_object() || kind != self.kind {
            bail!(
                "{} is of kind {kind}, not {}: only case studies, campaigns and profiles have                  versions, and a new version keeps its record's kind",
                self.id,
                self.kind
            );
        }
        let mut body = given.clone();
        for field in self.fields {
            if body.get(*field).is_none()
                && let Some(value) = latest.get(*field)
            {
                body[*field] = value.clone();
            }
        }
        body["revises"] = json!(self.id.to_string());
        Ok(body)
    }
}

impl PublishCommand {
    fn request(&self) -> anyhow::Result<Request> {
        Ok(match self {
            PublishCommand::Practice(args) => {
                // Only what was given: with --revise the rest comes from the latest
                // version ([`Request::revise`]).
                let mut body = json!({});
                let mut set = |key: &str, value: Value| {
                    body[key] = value;
                };
                if let Some(title) = &args.title {
                    set("title", json!(title));
                }
                if let Some(summary) = &args.summary {
                    set("summary", json!(summary));
                }
                let text = BodyArgs {
                    body: args.body.clone(),
                    body_file: args.body_file.clone(),
                };
                if let Some(text) = text.given()? {
                    set("body", json!(text));
                } else if args.revise.is_none() {
                    bail!("give the text with --body TEXT or --body-file FILE");
                }
                for (key, items) in [
                    ("themes", &args.themes),
                    ("regions", &args.regions),
                    ("links", &args.links),
                ] {
                    if !items.is_empty() || args.revise.is_none() {
                        set(key, json!(items));
                    }
                }
                if args.public || args.members || args.revise.is_none() {
                    set(
                        "visibility",
                        json!(if args.public { "public" } else { "members" }),
                    );
                }
                if let Some(language) = &args.language {
                    set("language", json!(language));
                }
                if let Some(licence) = &args.licence {
                    set("licence", json!(licence));
                }
                Request {
                    endpoint: "/v1/publish/practice",
                    what: "case study",
                    body,
                    revise: args.revise.map(|id| Revise {
                        id,
                        kind: "practice",
                        fields: PRACTICE_FIELDS,
                    }),
                }
            }
            PublishCommand::Campaign(args) => {
                let mut body = json!({});
                if let Some(title) = &args.title {
                    body["title"] = json!(title);
                }
                if !args.goals.is_empty() || args.revise.is_none() {
                    body["goals"] = json!(args.goals);
                }
                if !args.partners.is_empty() || args.revise.is_none() {
                    body["partners"] = json!(
                        args.partners
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                    );
                }
                if let Some(status) = args.status {
                    body["status"] = json!(name(&status));
                }
                Request {
                    endpoint: "/v1/publish/campaign",
                    what: "campaign",
                    body,
                    revise: args.revise.map(|id| Revise {
                        id,
                        kind: "campaign",
                        fields: CAMPAIGN_FIELDS,
                    }),
                }
            }
            PublishCommand::Update(args) => {
                let mut body = json!({
                    "campaign": args.campaign.to_string(),
                    "body": args.body.text()?,
                });
                if let Some(status) = args.status {
                    body["status"] = json!(name(&status));
                }
                Request {
                    endpoint: "/v1/publish/update",
                    what: "campaign update",
                    body,
                    revise: None,
                }
            }
            PublishCommand::Alert(args) => {
                let mut body = json!({
                    "severity": name(&args.severity),
                    "region": args.region,
                    "title": args.title,
                    "body": args.body.text()?,
                    "action_requested": args.action,
                });
                if let Some(hours) = args.expires_in_hours {
                    body["expires_in_hours"] = json!(hours);
                }
                Request {
                    endpoint: "/v1/publish/alert",
                    what: "alert",
                    body,
                    revise: None,
                }
            }
            PublishCommand::Respond(args) => Request {
                endpoint: "/v1/publish/respond",
                what: "response",
                body: json!({
                    "alert": args.alert.to_string(),
                    "response": name(&args.response),
                    "note": args.note.clone().unwrap_or_default(),
                }),
                revise: None,
            },
            PublishCommand::Retract(args) => Request {
                endpoint: "/v1/publish/retract",
                what: "retraction",
                body: json!({
                    "target": args.target.to_string(),
                    "reason": args.reason.clone().unwrap_or_default(),
                }),
                revise: None,
            },
            PublishCommand::Batch(args) => bail!(
                "{} is a batch of records, sent by `commons publish batch`, not one request",
                args.file().display()
            ),
        })
    }
}

pub(crate) fn run(global: &GlobalArgs, command: &PublishCommand) -> anyhow::Result<()> {
    if let PublishCommand::Batch(args) = command {
        return crate::publish_batch::run(global, args);
    }
    // Read the body (and refuse bad files) before looking for the node.
    let mut request = command.request()?;
    let attach = match command {
        PublishCommand::Practice(args) => files_to_attach(&args.attach)?,
        _ => Vec::new(),
    };
    let client = Client::connect(global)?;
    if !attach.is_empty() {
        request.body["attachments"] = Value::Array(upload_all(&client, &attach, global.json)?);
    }
    let body = match &request.revise {
        Some(revise) => revise.complete(&client, &request.body)?,
        None => request.body.clone(),
    };
    let answer = client
        .post(request.endpoint, &body)
        .with_context(|| format!("the {} was not published", request.what))?;
    if global.json {
        return print_json(&answer);
    }
    let published: PublishAnswer = client.read_as(request.endpoint, &answer)?;
    let (id, seq) = (&published.record.id, published.record.seq);
    match &published.original {
        Some(original) => {
            let count = published
                .versions
                .map_or_else(|| "?".to_owned(), |count| count.to_string());
            println!(
                "Published version {count} of the {} {original}: {id} (seq {seq})",
                request.what
            );
            println!(
                "Every node now shows it in place of the earlier versions; `commons records history {original}` lists them."
            );
        }
        None => println!("Published the {} {id} (seq {seq})", request.what),
    }
    if let PublishCommand::Retract(args) = command {
        println!(
            "Every node that receives the retraction drops the content of {}.",
            args.target
        );
        let also = &published.also_retracted;
        if !also.is_empty() {
            println!(
                "Its other versions were retracted with it: {}.",
                also.join(", ")
            );
        }
    }
    Ok(())
}

/// The text of `--body-file`: a file, or standard input for `-`.
fn read_body_file(path: &Path) -> anyhow::Result<String> {
    // A body larger than a whole signed record can never be published.
    let limit = u64::try_from(MAX_SIGNED_RECORD_BYTES).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    let described = if path.as_os_str() == "-" {
        std::io::stdin()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .context("could not read the body from standard input")?;
        "standard input".to_owned()
    } else {
        std::fs::File::open(path)
            .and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
            .with_context(|| format!("could not read --body-file {}", path.display()))?;
        path.display().to_string()
    };
    if bytes.len() > MAX_SIGNED_RECORD_BYTES {
        bail!(
            "the body in {described} is too long: a record holds at most \
             {MAX_SIGNED_RECORD_BYTES} bytes; shorten it, or put the full text elsewhere and link to it"
        );
    }
    String::from_utf8(bytes).with_context(|| format!("the body in {described} is not UTF-8 text"))
}
