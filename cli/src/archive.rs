//! `commons archive export|verify|import`: the end of a record's path, where the
//! shared archive leaves a node for researchers and comes back into another. Export
//! asks the running node for a bundle (or JSON lines), writes it atomically and, for a
//! bundle, verifies what it wrote before keeping it; verify needs no node at all
//! (`commons_protocol::verify_bundle`); import verifies first, then hands the records
//! to the node's one ingest path in bounded batches.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use clap::{Subcommand, ValueEnum};
use commons_node::api::contract::archive::ImportAnswer;
use commons_node::api::contract::attachments::UploadAnswer;
use commons_node::api::contract::records::ArchiveLine;
use commons_node::api::contract::requests::ImportRequest;
use commons_protocol::archive::{EntryRef, gaps_text};
use commons_protocol::heads_file::MAX_HEADS_FILE_BYTES;
use commons_protocol::text::hex;
use commons_protocol::{
    ArchiveReport, ForkProof, RecordId, VerifyOptions, decode_record, parse_bundle, verify_bundle,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::GlobalArgs;
use crate::atomic_file::PendingFile;
use crate::client::{Client, print_json};

/// The largest archive file read, in bytes: verify and import hold the whole bundle in
/// memory (and verify's report), so a file beyond this is refused up front.
pub(crate) const MAX_ARCHIVE_FILE_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// Records per import request (the node takes at most 4096).
const IMPORT_BATCH_RECORDS: usize = 1024;
/// Signed bytes per import request, before hex (the node takes 16 MiB of JSON).
const IMPORT_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Import passes: records refused because a record they depend on (a delegation, an
/// admission vote) came later in the batch order are offered again while any pass
/// stores something.
const IMPORT_PASSES: usize = 4;

/// `commons archive …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ArchiveCommand {
    /// Export the running node's records as an archive file, for researchers
    ///
    /// The same record set always gives a byte-identical file. A bundle is verified
    /// after it is written and before it is kept; its root hash is printed for
    /// citation.
    Export(ExportArgs),
    /// Verify an archive bundle offline, with no node and no network
    ///
    /// Checks the charter, every signature, every feed chain, the roster, tombstones,
    /// fork proofs, the manifest and the root hash, and reports how complete each feed
    /// is. Exits 1 with the precise reason if anything was altered.
    Verify(VerifyArgs),
    /// Verify an archive bundle, then import its records into the running node
    Import(ImportArgs),
}

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The self-verifying bundle (docs/archive.md)
    Bundle,
    /// One JSON object per feed entry, with each record's signed bytes
    Jsonl,
}

/// Arguments of `commons archive export`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// Where to write the archive (replaced atomically if it exists)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// What to write
    #[arg(long, value_enum, default_value_t = Format::Bundle)]
    format: Format,
    /// Leave out records for members only (campaigns, alerts, members-only case
    /// studies), keeping their place in each feed by id
    #[arg(long)]
    public_only: bool,
    /// Carry the bytes of every file the exported records name (a bundle only; files
    /// this node does not hold are left out and counted)
    #[arg(long)]
    with_attachments: bool,
    /// Only what a disconnected site lacks: a heads file it wrote with `commons sync
    /// heads` (the records above its heads), or a time (records signed since then,
    /// such as 2026-11-01). Governance records always go, so the bundle verifies.
    #[arg(long, value_name = "HEADS_FILE|TIME")]
    since: Option<String>,
}

/// What `--since` names: a site's heads file, or a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Since {
    /// The bytes of a heads file (the node checks them).
    Heads(Vec<u8>),
    /// Milliseconds since the Unix epoch.
    Time(u64),
}

impl Since {
    /// A file that exists is a heads file; anything else must be a time.
    fn parse(text: &str) -> anyhow::Result<Self> {
        let path = Path::new(text);
        if path.is_file() {
            let len = std::fs::metadata(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .len();
            if len > MAX_HEADS_FILE_BYTES as u64 {
                bail!(
                    "{} is {len} bytes, larger than a heads file can be: give the file \
                     `commons sync heads --out FILE` wrote at the disconnected site",
                    path.display()
                );
            }
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            return Ok(Since::Heads(bytes));
        }
        crate::calendar::parse_time(text)
            .map(Since::Time)
            .map_err(|problem| {
                anyhow!(
                    "--since {text}: no such heads file, and {problem}. Give the file `commons \
                 sync heads --out FILE` wrote at the disconnected site, or a time"
                )
            })
    }
}

/// Arguments of `commons archive verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The archive bundle
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Arguments of `commons archive import`.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The archive bundle
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

pub(crate) fn run(global: &GlobalArgs, command: &ArchiveCommand) -> anyhow::Result<()> {
    match command {
        ArchiveCommand::Export(args) => {
            if args.with_attachments && matches!(args.format, Format::Jsonl) {
                anyhow::bail!(
                    "--with-attachments goes with a bundle: JSON lines name each file (name, \
                     media type, size, id) without its bytes"
                );
            }
            let since = args.since.as_deref().map(Since::parse).transpose()?;
            let client = Client::connect(global)?;
            let exported = export_archive(
                &client,
                &args.out,
                args.format,
                args.public_only,
                args.with_attachments,
                since.as_ref(),
            )?;
            print_export(global, &args.out, &exported)
        }
        ArchiveCommand::Verify(args) => {
            let bytes = read_archive(&args.file)?;
            let report = verify(&args.file, &bytes)?;
            if global.json {
                print_json(&report_json(&report))
            } else {
                print!("{}", human_report(&args.file, &report));
                Ok(())
            }
        }
        ArchiveCommand::Import(args) => {
            let bytes = read_archive(&args.file)?;
            let report = verify(&args.file, &bytes)?;
            let client = Client::connect(global)?;
            let imported = import_archive(&client, &bytes, &report)?;
            print_import(global, &args.file, &report, &imported)
        }
    }
}

/// What [`export_archive`] wrote.
#[derive(Debug, Clone)]
pub(crate) struct Exported {
    /// The format written.
    pub(crate) format: Format,
    /// The file's size.
    pub(crate) bytes: u64,
    /// The bundle's report, for a bundle.
    pub(crate) report: Option<ArchiveReport>,
    /// Lines of a JSONL export, by entry kind: records, tombstones, withheld.
    pub(crate) lines: (u64, u64, u64),
    /// SHA-256 of the file.
    pub(crate) sha256: [u8; 32],
}

/// Asks the node behind `client` for an archive and writes it to `out` atomically (a
/// temporary file beside it, fsynced, then renamed); a bundle is verified before it is
/// kept, so a cut-short or damaged export never replaces `out`. With `since`, only
/// what a disconnected site lacks.
pub(crate) fn export_archive(
    client: &Client,
    out: &Path,
    format: Format,
    public_only: bool,
    with_attachments: bool,
    since: Option<&Since>,
) -> anyhow::Result<Exported> {
    let mut file = PendingFile::beside(out, ".commons-archive-", "the export")?;
    let format_name = match format {
        Format::Bundle => "bundle",
        Format::Jsonl => "jsonl",
    };
    let mut query = vec![
        ("format", format_name.to_owned()),
        ("public_only", public_only.to_string()),
    ];
    if with_attachments {
        query.push(("with_attachments", "true".to_owned()));
    }
    {
        let dir = file.dir().to_owned();
        let mut writer = BufWriter::new(file.file_mut());
        match since {
            None => client.download("/v1/archive", &query, &mut writer)?,
            Some(Since::Time(ms)) => {
                query.push(("since_ms", ms.to_string()));
                client.download("/v1/archive", &query, &mut writer)?
            }
            Some(Since::Heads(bytes)) => {
                client.download_posting("/v1/archive", &query, bytes.clone(), &mut writer)?
            }
        };
        writer
            .flush()
            .with_context(|| format!("could not write to {}", dir.display()))?;
    }
    file.sync()?;
    let bytes = std::fs::read(file.path()).context("could not read back the export")?;
    let sha256: [u8; 32] = Sha256::digest(&bytes).into();
    let mut exported = Exported {
        format,
        bytes: bytes.len() as u64,
        report: None,
        lines: (0, 0, 0),
        sha256,
    };
    match format {
        Format::Bundle => {
            let report = verify_bundle(&bytes, verify_options()).map_err(|error| {
                anyhow!(
                    "the node's export does not verify ({error}); nothing was written to {}: \
                     report this, with the node's log",
                    out.display()
                )
            })?;
            exported.report = Some(report);
        }
        Format::Jsonl => exported.lines = count_lines(&bytes)?,
    }
    file.commit(out)?;
    Ok(exported)
}

fn count_lines(bytes: &[u8]) -> anyhow::Result<(u64, u64, u64)> {
    let mut counts = (0, 0, 0);
    for line in bytes
        .split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
    {
        let value: Value = serde_json::from_slice(line)
            .context("the node's JSONL export holds a line that is not JSON")?;
        let line: ArchiveLine = serde_json::from_value(value).context(
            "the node's JSONL export holds a line of no known entry kind (is the node running \
             another version of Commons than this command?)",
        )?;
        match line {
            ArchiveLine::Record(_) => counts.0 += 1,
            ArchiveLine::Tombstone(_) => counts.1 += 1,
            ArchiveLine::Withheld(_) => counts.2 += 1,
        }
    }
    Ok(counts)
}

fn print_export(global: &GlobalArgs, out: &Path, exported: &Exported) -> anyhow::Result<()> {
    let file = out.display();
    if global.json {
        let mut value = json!({
            "file": file.to_string(),
            "format": match exported.format { Format::Bundle => "bundle", Format::Jsonl => "jsonl" },
            "bytes": exported.bytes,
            "sha256": hex(&exported.sha256),
        });
        if let Some(report) = &exported.report {
            value["archive"] = report_json(report);
            value["root_hash"] = json!(hex(&report.root));
        } else {
            value["records"] = json!(exported.lines.0);
            value["tombstones"] = json!(exported.lines.1);
            value["withheld"] = json!(exported.lines.2);
        }
        return print_json(&value);
    }
    match &exported.report {
        Some(report) => println!(
            "Exported {} records, {} tombstones, {} withheld and {} fork proofs from {} feeds of \
             network {} to {file} ({} bytes), verified.\n\
             root hash  {}\n\
             Cite the root hash to name exactly this archive; anyone can check it with \
             `commons archive verify {file}`.",
            report.records,
            report.tombstones,
            report.withheld,
            report.fork_proofs,
            report.feeds.len(),
            report.network,
            exported.bytes,
            hex(&report.root),
        ),
        None => println!(
            "Exported {} records, {} tombstones and {} withheld as JSON lines to {file} ({} bytes).\n\
             sha256  {}\n\
             Each line carries its record's payload (base64) and signature (hex): see \
             docs/archive.md to check them with sha256sum and any Ed25519 library.",
            exported.lines.0,
            exported.lines.1,
            exported.lines.2,
            exported.bytes,
            hex(&exported.sha256),
        ),
    }
    Ok(())
}

/// The whole archive file, refusing one too large to verify here.
fn read_archive(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file =
        File::open(path).with_context(|| format!("cannot open the archive {}", path.display()))?;
    let len = file
        .metadata()
        .with_context(|| format!("cannot read the archive {}", path.display()))?
        .len();
    if len > MAX_ARCHIVE_FILE_BYTES {
        bail!(
            "the archive {} is {len} bytes, more than the {MAX_ARCHIVE_FILE_BYTES} bytes this \
             command verifies in memory",
            path.display()
        );
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_ARCHIVE_FILE_BYTES)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read the archive {}", path.display()))?;
    Ok(bytes)
}

fn verify_options() -> VerifyOptions {
    VerifyOptions {
        threads: std::thread::available_parallelism().map_or(1, usize::from),
    }
}

fn verify(path: &Path, bytes: &[u8]) -> anyhow::Result<ArchiveReport> {
    verify_bundle(bytes, verify_options()).map_err(|error| {
        anyhow!(
            "{} does not verify: {error}. The archive was altered or damaged after it was \
             exported: obtain it again from its source, and check its root hash against the \
             one cited",
            path.display()
        )
    })
}

fn report_json(report: &ArchiveReport) -> Value {
    json!({
        "valid": true,
        "network": report.network.to_string(),
        "network_name": report.network_name,
        "public_only": report.public_only,
        "root_hash": hex(&report.root),
        "records": report.records,
        "tombstones": report.tombstones,
        "withheld": report.withheld,
        "fork_proofs": report.fork_proofs,
        "attachments": report.attachments,
        "attachment_bytes": report.attachment_bytes,
        "attachments_absent": report.attachments_absent,
        "tombstones_by_another_version": report.tombstones_by_another_version,
        "members": report.members.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "feeds": report.feeds.iter().map(|feed| json!({
            "author": feed.author.to_string(),
            "org": feed.org.to_string(),
            "org_member": feed.org_member,
            "max_seq": feed.max_seq,
            "records": feed.records,
            "tombstones": feed.tombstones,
            "withheld": feed.withheld,
            "gaps": feed.gaps.iter().map(|gap| json!({"first": gap.first, "last": gap.last})).collect::<Vec<_>>(),
            "complete": feed.is_contiguous(),
            "revoked_from": feed.revoked_from,
            "forked_at": feed.forked_at,
        })).collect::<Vec<_>>(),
    })
}

/// What the report says of attachments, if the records name any.
fn attachments_line(report: &ArchiveReport) -> String {
    if report.attachments == 0 && report.attachments_absent == 0 {
        return String::new();
    }
    let mut line = format!(
        "\x20 {} attached files ({} bytes), every byte checked against its id",
        report.attachments, report.attachment_bytes
    );
    if report.attachments_absent > 0 {
        line.push_str(&format!(
            "; {} more named by records but not in this archive",
            report.attachments_absent
        ));
    }
    line.push('\n');
    line
}

fn human_report(path: &Path, report: &ArchiveReport) -> String {
    let mut text = format!(
        "{} verifies: every signature, feed chain, delegation, tombstone and fork proof, the \
         manifest and the root hash.\n\
         \x20 network    {} ({})\n\
         \x20 root hash  {}  (cite this)\n\
         \x20 {} records, {} tombstones, {} withheld{}, {} fork proofs, {} feeds, {} member orgs\n\
         {}\
         \n\
         Feeds (seqs the exporting node did not hold are gaps):\n",
        path.display(),
        report.network,
        report.network_name,
        hex(&report.root),
        report.records,
        report.tombstones,
        report.withheld,
        if report.public_only {
            " (public-only archive)"
        } else {
            ""
        },
        report.fork_proofs,
        report.feeds.len(),
        report.members.len(),
        attachments_line(report),
    );
    if report.tombstones_by_another_version > 0 {
        text.insert_str(
            text.find("\n\nFeeds").unwrap_or(text.len()),
            &format!(
                "\n  {} of the tombstones went with another version of the same record, \
                 retracted by its org (which record a dropped version revised is not shown)",
                report.tombstones_by_another_version
            ),
        );
    }
    for feed in &report.feeds {
        let mut notes = Vec::new();
        if !feed.org_member {
            notes.push("org not a member".to_owned());
        }
        if let Some(seq) = feed.revoked_from {
            notes.push(format!("revoked from seq {seq}"));
        }
        if let Some(seq) = feed.forked_at {
            notes.push(format!("forked at seq {seq}"));
        }
        text.push_str(&format!(
            "  {}  {}\n    seqs 1-{}: {} records, {} tombstones, {} withheld; {}{}\n",
            feed.author,
            feed.org,
            feed.max_seq,
            feed.records,
            feed.tombstones,
            feed.withheld,
            if feed.is_contiguous() {
                "complete".to_owned()
            } else {
                format!("gaps: {}", gaps_text(&feed.gaps))
            },
            if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            },
        ));
    }
    text
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Imported {
    stored: u64,
    duplicates: u64,
    forks: u64,
    /// Files the bundle carried, handed to the node.
    attachments: u64,
    /// Records refused in the last pass, with the node's reason.
    refused: Vec<(RecordId, String)>,
}

/// Sends a verified bundle's records to the node, in `(timestamp, id)` order (the
/// roster's order, so delegations and admissions come before what depends on them),
/// in bounded batches; records refused for want of an earlier one are offered again.
fn import_archive(
    client: &Client,
    bytes: &[u8],
    report: &ArchiveReport,
) -> anyhow::Result<Imported> {
    let parts = parse_bundle(bytes).map_err(|error| anyhow!("{error}"))?;
    let mut records: Vec<(u64, RecordId, &[u8])> = Vec::new();
    for entry in parts.feeds.iter().flat_map(|feed| &feed.entries) {
        if let EntryRef::Record(signed) = entry {
            let decoded = decode_record(signed, &report.network)
                .map_err(|error| anyhow!("a record of the archive does not decode: {error}"))?;
            records.push((decoded.record().timestamp_ms, decoded.id(), signed));
        }
    }
    // The second record of each fork proof: submitted after the feeds, it makes the
    // node find the fork and keep the proof.
    let mut proof_records = Vec::new();
    for proof in &parts.fork_proofs {
        let proof = ForkProof::decode(proof, &report.network)
            .map_err(|error| anyhow!("a fork proof of the archive is invalid: {error}"))?;
        let (first, second) = proof.records();
        proof_records.push(first.signed_bytes().to_vec());
        proof_records.push(second.signed_bytes().to_vec());
    }
    records.sort_by_key(|(timestamp, id, _)| (*timestamp, *id));
    let mut pending: Vec<(RecordId, Vec<u8>)> = records
        .into_iter()
        .map(|(_, id, signed)| (id, signed.to_vec()))
        .collect();
    pending.extend(
        proof_records
            .into_iter()
            .map(|signed| (RecordId::of(&signed), signed)),
    );
    let mut imported = Imported::default();
    for _ in 0..IMPORT_PASSES {
        let stored_before = imported.stored + imported.forks;
        let mut refused = Vec::new();
        for batch in batches(&pending) {
            let body = ImportRequest {
                network: report.network.to_string(),
                records: batch.iter().map(|(_, signed)| hex(signed)).collect(),
            };
            let answer: ImportAnswer = client.post_as("/v1/archive/import", &body)?;
            imported.stored += answer.stored;
            imported.duplicates += answer.duplicates;
            imported.forks += answer.forks;
            for refusal in answer.refused {
                let index = usize::try_from(refusal.index).ok();
                if let Some((id, signed)) = index.and_then(|index| batch.get(index)) {
                    refused.push((*id, signed.clone(), refusal.refusal.error));
                }
            }
        }
        imported.refused = refused
            .iter()
            .map(|(id, _, reason)| (*id, reason.clone()))
            .collect();
        let progress = imported.stored + imported.forks > stored_before;
        pending = refused
            .into_iter()
            .map(|(id, signed, _)| (id, signed))
            .collect();
        if pending.is_empty() || !progress {
            break;
        }
    }
    // The files the records name, carried in the bundle (verify_bundle checked each
    // against its id): stored by the node as uploads, which the records now name.
    for (blob, bytes) in &parts.attachments {
        let uploaded = client
            .upload_bytes(
                "/v1/attachments",
                &[
                    ("name", blob.to_string()),
                    ("type", "application/octet-stream".to_owned()),
                ],
                bytes.to_vec(),
            )
            .with_context(|| format!("the file {blob} of the archive was not stored"))?;
        let uploaded: UploadAnswer = client.read_as("/v1/attachments", &uploaded)?;
        if uploaded.blob != blob.to_string() {
            bail!(
                "the node stored the file {blob} of the archive under another id ({}): \
                 report this, with the archive",
                uploaded.blob
            );
        }
        imported.attachments += 1;
    }
    Ok(imported)
}

/// Consecutive runs of `records` within the per-request limits.
fn batches(records: &[(RecordId, Vec<u8>)]) -> Vec<&[(RecordId, Vec<u8>)]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, (_, signed)) in records.iter().enumerate() {
        if index > start
            && (index - start >= IMPORT_BATCH_RECORDS || bytes + signed.len() > IMPORT_BATCH_BYTES)
        {
            out.push(&records[start..index]);
            (start, bytes) = (index, 0);
        }
        bytes += signed.len();
    }
    if start < records.len() {
        out.push(&records[start..]);
    }
    out
}

fn print_import(
    global: &GlobalArgs,
    file: &Path,
    report: &ArchiveReport,
    imported: &Imported,
) -> anyhow::Result<()> {
    if global.json {
        return print_json(&json!({
            "file": file.display().to_string(),
            "root_hash": hex(&report.root),
            "stored": imported.stored,
            "duplicates": imported.duplicates,
            "forks": imported.forks,
            "attachments": imported.attachments,
            "refused": imported.refused.iter().map(|(id, reason)| json!({
                "id": id.to_string(),
                "error": reason,
            })).collect::<Vec<_>>(),
        }));
    }
    println!(
        "{} verified (root hash {}), then imported: {} stored, {} already held, {} forks \
         found, {} refused; {} files stored.",
        file.display(),
        hex(&report.root),
        imported.stored,
        imported.duplicates,
        imported.forks,
        imported.refused.len(),
        imported.attachments
    );
    for (id, reason) in imported.refused.iter().take(10) {
        println!("  refused {id}: {reason}");
    }
    if imported.refused.len() > 10 {
        println!("  … and {} more", imported.refused.len() - 10);
    }
    Ok(())
}
