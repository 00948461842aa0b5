//! `commons records attachments ID` and `commons records fetch ID --out DIR`: the files
//! a case study names, read back from the node. `attachments` lists each file with
//! where it stands on the node (`GET /v1/records/{id}/attachments`); `fetch` asks the
//! node to fetch the ones it lacks from peers (`POST …/attachments/fetch`), waits for
//! them, then writes each into DIR under the name its record gives, checked against its
//! hash, through a temporary file linked into place so that nothing is overwritten and
//! nothing half-written is left under the file's name.

use std::fs::{self, File};
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use commons_node::api::contract::attachments::{FileState, RecordFilesAnswer, UploadAnswer};
use commons_protocol::RecordId;
use commons_protocol::blob::BlobHasher;
use serde_json::Value;

use crate::GlobalArgs;
use crate::client::{Client, print_json};

/// How often `fetch` asks the node how far its fetches have got.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Arguments of `commons records fetch`.
#[derive(Debug, clap::Args)]
pub(crate) struct FetchArgs {
    /// The case study's id: rec_ and 64 lowercase hex digits
    #[arg(value_name = "ID", value_parser = crate::records::parse_record_id)]
    id: RecordId,
    /// The directory the files are written into (it must exist); a file already there
    /// under the same name is never overwritten
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// How long to wait for the node to fetch the files from peers, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    timeout: u64,
}

/// A file's state as words: `held`, `fetching 43%`, `not fetched (on demand)`.
fn state_words(state: &FileState) -> String {
    match state {
        FileState::Held => "held".to_owned(),
        FileState::Fetching { percent, .. } => format!("fetching {percent}%"),
        FileState::NotFetched { auto: true } => {
            "not fetched (fetched when a peer has it)".to_owned()
        }
        FileState::NotFetched { auto: false } => {
            "not fetched (on demand: commons records fetch)".to_owned()
        }
    }
}

/// Control characters out: file names come from other organizations.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// `commons records attachments ID`.
pub(crate) fn list(global: &GlobalArgs, id: &RecordId) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let path = format!("/v1/records/{id}/attachments");
    let answer = client.get(&path, &[])?;
    if global.json {
        return print_json(&answer);
    }
    let answer: RecordFilesAnswer = client.read_as(&path, &answer)?;
    if answer.files.is_empty() {
        println!("{id} has no attached files.");
        return Ok(());
    }
    for file in &answer.files {
        println!(
            "{}  {} bytes  {}  {}  {}",
            clean(&file.file.name),
            file.file.size,
            clean(&file.file.media_type),
            state_words(&file.state),
            file.file.blob,
        );
    }
    Ok(())
}

/// `commons records fetch ID --out DIR`.
pub(crate) fn fetch(global: &GlobalArgs, args: &FetchArgs) -> anyhow::Result<()> {
    let meta = fs::metadata(&args.out)
        .with_context(|| format!("cannot write into {}", args.out.display()))?;
    if !meta.is_dir() {
        bail!("{} is not a directory", args.out.display());
    }
    let client = Client::connect(global)?;
    let path = format!("/v1/records/{}/attachments", args.id);
    let fetch_path = format!("{path}/fetch");
    // The answer as it came, for --json, and as read.
    let mut raw = client.get(&path, &[])?;
    let mut answer: RecordFilesAnswer = client.read_as(&path, &raw)?;
    if answer.files.is_empty() {
        bail!("{} has no attached files", args.id);
    }
    // Refuse before anything is fetched or written.
    for file in &answer.files {
        let target = args.out.join(&file.file.name);
        if fs::symlink_metadata(&target).is_ok() {
            bail!(
                "{} already exists: nothing is overwritten; move it away or choose another --out",
                target.display()
            );
        }
    }
    let all_held = |answer: &RecordFilesAnswer| {
        answer
            .files
            .iter()
            .all(|file| file.state == FileState::Held)
    };
    if !all_held(&answer) {
        raw = client
            .post(&fetch_path, &Value::Null)
            .context("the node cannot fetch the files")?;
        answer = client.read_as(&fetch_path, &raw)?;
        let started = Instant::now();
        let deadline = Duration::from_secs(args.timeout);
        let mut last = String::new();
        while !all_held(&answer) {
            if started.elapsed() > deadline {
                bail!(
                    "the files were not all fetched within {} s ({}); run the command again \
                     later: a fetch resumes where it stopped",
                    args.timeout,
                    progress_line(&answer)
                );
            }
            let line = progress_line(&answer);
            if line != last && !global.json {
                eprintln!("{line}");
                last = line;
            }
            std::thread::sleep(POLL_INTERVAL);
            raw = client.get(&path, &[])?;
            answer = client.read_as(&path, &raw)?;
        }
    }
    let mut written = Vec::new();
    for file in &answer.files {
        let target = write_file(&client, &args.out, &file.file)?;
        if !global.json {
            println!("Wrote {} ({} bytes)", target.display(), file.file.size);
        }
        written.push(target);
    }
    if global.json {
        return print_json(&raw);
    }
    Ok(())
}

fn progress_line(answer: &RecordFilesAnswer) -> String {
    answer
        .files
        .iter()
        .map(|file| format!("{}: {}", clean(&file.file.name), state_words(&file.state)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Downloads one held file into `dir` under its record's name: a temporary file,
/// checked against the file's id and fsynced, then linked to its name (which fails
/// rather than replace a file) and the directory fsynced.
fn write_file(client: &Client, dir: &Path, file: &UploadAnswer) -> anyhow::Result<PathBuf> {
    let name = file.name.as_str();
    if !commons_protocol::record::is_safe_file_name(name) {
        bail!("the node named a file {name:?}, which is not a file name; nothing was written");
    }
    let blob = file.blob.as_str();
    let target = dir.join(name);
    let temporary = dir.join(format!(".{name}.commons-part"));
    let result = (|| {
        let handle = File::options()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .with_context(|| format!("cannot create {}", temporary.display()))?;
        let mut out = BufWriter::new(handle);
        client.download(
            &format!("/v1/attachments/{blob}"),
            &[("name", name.to_owned()), ("type", file.media_type.clone())],
            &mut out,
        )?;
        let handle = out
            .into_inner()
            .map_err(|error| error.into_error())
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        handle
            .sync_all()
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        drop(handle);
        let held = hash(&temporary)?;
        if held != blob {
            bail!(
                "the bytes the node sent for {name} do not match its id {blob} (they hash to \
                 {held}); nothing was written"
            );
        }
        fs::hard_link(&temporary, &target).with_context(|| {
            format!("cannot write {} (nothing is overwritten)", target.display())
        })?;
        Ok(())
    })();
    let _ = fs::remove_file(&temporary);
    result?;
    if let Ok(directory) = File::open(dir) {
        let _ = directory.sync_all();
    }
    Ok(target)
}

/// The id of the file at `path`: the root of its chunk list.
fn hash(path: &Path) -> anyhow::Result<String> {
    let mut file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = BlobHasher::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file
            .read(&mut buffer)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher
        .finish()
        .map(|list| list.root().to_string())
        .unwrap_or_default())
}
