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
use commons_node::api::contract::records::{RecordAnswer, RecordBody};
use commons_node::api::contract::requests::{
    AlertRequest, AttachmentRequest, CampaignRequest, PracticeRequest, RespondRequest,
    RetractRequest, UpdateRequest,
};
use commons_protocol::{MAX_SIGNED_RECORD_BYTES, OrgId, RecordId};
use serde::Serialize;

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
fn upload_all(
    client: &Client,
    files: &[ToAttach],
    quiet: bool,
) -> anyhow::Result<Vec<AttachmentRequest>> {
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
        // The upload answers the very entry a publish names the file by.
        entries.push(AttachmentRequest::from(answer));
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
    body: RequestBody,
}

/// The body of one `POST /v1/publish/*` of a single record, as the API's contract
/// types it (also what a devnet publishes).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum RequestBody {
    Practice(PracticeRequest),
    Campaign(CampaignRequest),
    Update(UpdateRequest),
    Alert(AlertRequest),
    Respond(RespondRequest),
    Retract(RetractRequest),
}

/// The latest version of the record `id` as the body of its kind's request, for
/// `--revise`: what the new version keeps of what is not given. `kind` is the kind the
/// record must be (`practice`, `campaign`).
fn latest_version<T: serde::de::DeserializeOwned>(
    client: &Client,
    id: &RecordId,
    kind: &str,
) -> anyhow::Result<T> {
    let record: RecordAnswer = client
        .get_as(&format!("/v1/records/{id}"), &[])
        .with_context(|| format!("could not read {id} to revise it"))?;
    let RecordAnswer::Held(held) = record else {
        bail!(
            "{id} was retracted by its org, so it cannot get a new version; publish a new record instead"
        );
    };
    let found = match &held.record.body {
        RecordBody::Revision(revision) => revision.content_kind.as_str(),
        other => other.kind(),
    };
    let Some(shown) = held.record.shown.as_ref().filter(|_| found == kind) else {
        bail!(
            "{id} is of kind {found}, not {kind}: only case studies, campaigns and profiles have \
             versions, and a new version keeps its record's kind"
        );
    };
    // A version's content has the fields of its kind's request, so it reads as one.
    let latest = serde_json::to_value(&shown.latest_body)
        .context("could not read the latest version's fields")?;
    client.read_as(&format!("/v1/records/{id}"), &latest)
}

impl PracticeArgs {
    /// `base` (an empty case study, or the latest version with `--revise`) with what
    /// was given: `text` (the body) and the files uploaded.
    fn request(
        &self,
        mut base: PracticeRequest,
        text: Option<String>,
        attachments: Vec<AttachmentRequest>,
    ) -> PracticeRequest {
        if let Some(title) = &self.title {
            base.title.clone_from(title);
        }
        if let Some(summary) = &self.summary {
            base.summary.clone_from(summary);
        }
        if let Some(text) = text {
            base.body = text;
        }
        for (field, given) in [
            (&mut base.themes, &self.themes),
            (&mut base.regions, &self.regions),
            (&mut base.links, &self.links),
        ] {
            if !given.is_empty() {
                field.clone_from(given);
            }
        }
        if self.public {
            base.visibility = Some("public".to_owned());
        } else if self.members || self.revise.is_none() {
            base.visibility = Some("members".to_owned());
        }
        if let Some(language) = &self.language {
            base.language = Some(language.clone());
        }
        if let Some(licence) = &self.licence {
            base.licence = Some(licence.clone());
        }
        if !attachments.is_empty() {
            base.attachments = attachments;
        }
        base.revises = self.revise.map(|id| id.to_string());
        base
    }
}

impl CampaignArgs {
    /// `base` (an empty campaign, or the latest version with `--revise`) with what was
    /// given.
    fn request(&self, mut base: CampaignRequest) -> CampaignRequest {
        if let Some(title) = &self.title {
            base.title.clone_from(title);
        }
        if !self.goals.is_empty() {
            base.goals.clone_from(&self.goals);
        }
        if !self.partners.is_empty() {
            base.partners = self.partners.iter().map(ToString::to_string).collect();
        }
        if let Some(status) = self.status {
            base.status = name(&status);
        }
        base.revises = self.revise.map(|id| id.to_string());
        base
    }
}

impl PublishCommand {
    /// The text of the record's body, read before the node is looked for so that a bad
    /// file is refused first; `None` when none is given (or none is needed).
    fn text(&self) -> anyhow::Result<Option<String>> {
        match self {
            PublishCommand::Practice(args) => {
                let text = BodyArgs {
                    body: args.body.clone(),
                    body_file: args.body_file.clone(),
                }
                .given()?;
                if text.is_none() && args.revise.is_none() {
                    bail!("give the text with --body TEXT or --body-file FILE");
                }
                Ok(text)
            }
            PublishCommand::Update(args) => args.body.text().map(Some),
            PublishCommand::Alert(args) => args.body.text().map(Some),
            _ => Ok(None),
        }
    }

    /// The request, with `text` from [`Self::text`], the files uploaded, and with
    /// `--revise` the fields not given taken from the latest version (read from the
    /// node through `client`).
    fn request(
        &self,
        client: &Client,
        text: Option<String>,
        attachments: Vec<AttachmentRequest>,
    ) -> anyhow::Result<Request> {
        let body_text = || text.clone().unwrap_or_default();
        Ok(match self {
            PublishCommand::Practice(args) => {
                let base = match &args.revise {
                    Some(id) => latest_version(client, id, "practice")?,
                    None => PracticeRequest::default(),
                };
                Request {
                    endpoint: "/v1/publish/practice",
                    what: "case study",
                    body: RequestBody::Practice(args.request(base, text.clone(), attachments)),
                }
            }
            PublishCommand::Campaign(args) => {
                let base = match &args.revise {
                    Some(id) => latest_version(client, id, "campaign")?,
                    None => CampaignRequest::default(),
                };
                Request {
                    endpoint: "/v1/publish/campaign",
                    what: "campaign",
                    body: RequestBody::Campaign(args.request(base)),
                }
            }
            PublishCommand::Update(args) => Request {
                endpoint: "/v1/publish/update",
                what: "campaign update",
                body: RequestBody::Update(UpdateRequest {
                    campaign: args.campaign.to_string(),
                    status: args.status.as_ref().and_then(name),
                    body: body_text(),
                }),
            },
            PublishCommand::Alert(args) => Request {
                endpoint: "/v1/publish/alert",
                what: "alert",
                body: RequestBody::Alert(AlertRequest {
                    severity: name(&args.severity).unwrap_or_default(),
                    region: args.region.clone(),
                    title: args.title.clone(),
                    body: body_text(),
                    action_requested: args.action.clone(),
                    expires_in_hours: args.expires_in_hours,
                    expires_at_ms: None,
                }),
            },
            PublishCommand::Respond(args) => Request {
                endpoint: "/v1/publish/respond",
                what: "response",
                body: RequestBody::Respond(RespondRequest {
                    alert: args.alert.to_string(),
                    response: name(&args.response).unwrap_or_default(),
                    note: args.note.clone().unwrap_or_default(),
                }),
            },
            PublishCommand::Retract(args) => Request {
                endpoint: "/v1/publish/retract",
                what: "retraction",
                body: RequestBody::Retract(RetractRequest {
                    target: args.target.to_string(),
                    reason: args.reason.clone().unwrap_or_default(),
                }),
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
    let text = command.text()?;
    let attach = match command {
        PublishCommand::Practice(args) => files_to_attach(&args.attach)?,
        _ => Vec::new(),
    };
    let client = Client::connect(global)?;
    let attachments = upload_all(&client, &attach, global.json)?;
    let request = command.request(&client, text, attachments)?;
    let answer = client
        .post(request.endpoint, &request.body)
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
