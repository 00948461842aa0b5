//! `commons publish batch FILE`: many case studies, campaigns and updates from a JSON
//! Lines file, for imports from another system. Each line is what `POST
//! /v1/publish/batch` takes for one record (docs/api.md, §5): the body of `POST
//! /v1/publish/practice`, `/campaign` or `/update` with `"kind"` naming which. The file
//! is read and checked whole before anything is sent, then sent in requests of at most
//! [`BATCH_RECORDS`] records and [`BATCH_BYTES`] bytes; the node signs the records in the
//! file's order.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use commons_node::api::contract::{BatchAnswer, BatchOutcome};
use serde_json::{Value, json};

use crate::GlobalArgs;
use crate::client::{Client, print_json};

/// Records per request: the node's `MAX_BATCH_RECORDS`.
pub(crate) const BATCH_RECORDS: usize = 1024;
/// Bytes of records per request, below the node's 8 MiB `MAX_BATCH_BODY_BYTES` by a
/// margin for the envelope.
pub(crate) const BATCH_BYTES: usize = 8 * 1024 * 1024 - 64 * 1024;
/// The kinds a batch may hold, as the file names them.
const KINDS: [&str; 3] = ["practice", "campaign", "update"];

/// `commons publish batch`.
#[derive(Debug, clap::Args)]
pub(crate) struct BatchArgs {
    /// A JSON Lines file (`-` for standard input): one record per line, such as
    /// {"kind": "practice", "title": "…", "summary": "…", "body": "…", "themes": ["housing"]}.
    /// Blank lines are skipped
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

impl BatchArgs {
    /// The file named.
    pub(crate) fn file(&self) -> &Path {
        &self.file
    }
}

/// One record of the file, with the line it came from.
#[derive(Debug)]
struct Line {
    number: usize,
    record: Value,
    bytes: usize,
}

/// Reads and checks every line: JSON objects with a `kind` of [`KINDS`] and no
/// `revises`, each small enough to be sent.
fn read_lines(reader: impl Read, name: &str) -> anyhow::Result<Vec<Line>> {
    let mut lines = Vec::new();
    for (index, line) in BufReader::new(reader).lines().enumerate() {
        let number = index + 1;
        let line = line.with_context(|| format!("could not read line {number} of {name}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = serde_json::from_str(&line)
            .with_context(|| format!("line {number} of {name} is not one JSON object"))?;
        let Some(fields) = record.as_object() else {
            bail!("line {number} of {name} is not a JSON object: each line is one record");
        };
        match fields.get("kind").and_then(Value::as_str) {
            Some(kind) if KINDS.contains(&kind) => {}
            Some(kind) => bail!(
                "line {number} of {name} has kind {kind:?}: a batch holds case studies \
                 (\"practice\"), campaigns and updates; publish alerts, answers and \
                 retractions one at a time"
            ),
            None => bail!(
                "line {number} of {name} has no \"kind\": say \"practice\", \"campaign\" or \
                 \"update\""
            ),
        }
        if fields.contains_key("revises") {
            bail!(
                "line {number} of {name} revises a record: new versions are published one \
                 at a time (`commons publish practice --revise rec_…`)"
            );
        }
        if line.len() > BATCH_BYTES {
            bail!(
                "line {number} of {name} is {} bytes; a record must fit in {} bytes",
                line.len(),
                BATCH_BYTES
            );
        }
        lines.push(Line {
            number,
            bytes: line.len() + 1,
            record,
        });
    }
    if lines.is_empty() {
        bail!("{name} holds no records: nothing was published");
    }
    Ok(lines)
}

/// The lines cut into requests the node takes.
fn requests(lines: &[Line]) -> Vec<&[Line]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (index, line) in lines.iter().enumerate() {
        if index > start && (index - start == BATCH_RECORDS || bytes + line.bytes > BATCH_BYTES) {
            out.push(&lines[start..index]);
            start = index;
            bytes = 0;
        }
        bytes += line.bytes;
    }
    out.push(&lines[start..]);
    out
}

fn open(path: &Path) -> anyhow::Result<(Box<dyn Read>, String)> {
    if path == Path::new("-") {
        return Ok((Box::new(std::io::stdin()), "standard input".to_owned()));
    }
    let file =
        std::fs::File::open(path).with_context(|| format!("could not open {}", path.display()))?;
    Ok((Box::new(file), path.display().to_string()))
}

pub(crate) fn run(global: &GlobalArgs, args: &BatchArgs) -> anyhow::Result<()> {
    let (reader, name) = open(&args.file)?;
    let lines = read_lines(reader, &name)?;
    let client = Client::connect(global)?;
    let mut results = Vec::with_capacity(lines.len());
    let mut published = 0usize;
    let mut refused: Vec<(usize, String)> = Vec::new();
    for chunk in requests(&lines) {
        let records: Vec<&Value> = chunk.iter().map(|line| &line.record).collect();
        let answer: BatchAnswer = client
            .post_as("/v1/publish/batch", &json!({ "records": records }))
            .with_context(|| {
                format!(
                    "the records from line {} of {name} on were not published ({published} \
                     before them were)",
                    chunk[0].number
                )
            })?;
        for result in answer.results {
            let index = usize::try_from(result.index)
                .ok()
                .filter(|index| *index < chunk.len())
                .ok_or_else(|| {
                    anyhow!("the node's answer names a record the batch did not have")
                })?;
            let number = chunk[index].number;
            match &result.outcome {
                BatchOutcome::Published(_) => published += 1,
                BatchOutcome::Refused(refusal) => refused.push((number, refusal.error.clone())),
            }
            // The node's result, naming the line instead of the place in the request.
            let mut result = serde_json::to_value(&result.outcome)
                .context("could not write the node's answer as JSON")?;
            result["line"] = json!(number);
            results.push(result);
        }
    }
    if global.json {
        print_json(&json!({
            "published": published,
            "refused": refused.len(),
            "results": results,
        }))?;
    } else {
        println!(
            "Published {published} of the {} records in {name}.",
            lines.len()
        );
        for (number, error) in &refused {
            println!("  line {number}: {error}");
        }
    }
    if !refused.is_empty() {
        bail!(
            "{} of the {} records were refused (the others are published): correct those \
             lines and publish them again",
            refused.len(),
            lines.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn line(number: usize, bytes: usize) -> Line {
        Line {
            number,
            record: json!({"kind": "practice"}),
            bytes,
        }
    }

    #[test]
    fn requests_hold_at_most_the_nodes_limits() {
        let many: Vec<Line> = (0..2500).map(|n| line(n + 1, 100)).collect();
        let sizes: Vec<usize> = requests(&many).iter().map(|chunk| chunk.len()).collect();
        assert_eq!(sizes, vec![1024, 1024, 452]);
        let big: Vec<Line> = (0..5).map(|n| line(n + 1, BATCH_BYTES / 2)).collect();
        let sizes: Vec<usize> = requests(&big).iter().map(|chunk| chunk.len()).collect();
        assert_eq!(sizes, vec![2, 2, 1]);
    }

    #[test]
    fn bad_lines_are_refused_with_their_number_before_anything_is_sent() {
        let refused = |text: &str| {
            read_lines(text.as_bytes(), "records.jsonl")
                .unwrap_err()
                .to_string()
        };
        assert!(refused("").contains("holds no records"));
        assert!(
            refused("{\"kind\": \"practice\"}\nnot json\n").contains("line 2 of records.jsonl")
        );
        assert!(refused("[1, 2]").contains("not a JSON object"));
        assert!(refused("{\"title\": \"x\"}").contains("no \"kind\""));
        assert!(refused("{\"kind\": \"alert\"}").contains("one at a time"));
        assert!(refused("{\"kind\": \"practice\", \"revises\": \"rec_1\"}").contains("--revise"));
        let read = read_lines(
            "{\"kind\": \"campaign\"}\n\n{\"kind\": \"update\"}\n".as_bytes(),
            "f",
        )
        .unwrap();
        assert_eq!(
            read.iter().map(|line| line.number).collect::<Vec<_>>(),
            vec![1, 3]
        );
    }
}
