//! `commons sync`: whether the running node has caught up, the step where the network
//! converges. Asks for `GET /v1/sync` and prints each feed with the head this node
//! holds against the best head any member peer reported and how many records it is
//! behind, then each peer with when sync last heard from it and how many records were
//! pulled from it.
//!
//! `commons sync heads --out FILE` is sync by hand, for a site the network does not
//! reach: it writes what this node holds as a heads file (docs/protocol.md §17), which
//! a person carries to a connected site, whose `commons archive export --since FILE`
//! writes only what this one lacks; `commons archive import` brings that in.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;
use commons_node::api::contract::{FeedHead, StatusAnswer, SyncAnswer, SyncFeed};
use commons_protocol::{HeadsFile, NetworkId};
use serde_json::json;

use crate::GlobalArgs;
use crate::atomic_file::PendingFile;
use crate::client::{Client, print_json};
use crate::peers::{NO_PEERS, ago, columns, peer_name, short, short_or_dash, yes_no};

/// Arguments of `commons sync`.
#[derive(Debug, clap::Args)]
pub(crate) struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
}

/// `commons sync …`.
#[derive(Debug, Subcommand)]
pub(crate) enum SyncCommand {
    /// Write what this node holds to a heads file, to carry to a site that can export
    /// what this one lacks (`commons archive export --since FILE`)
    Heads {
        /// Where to write the heads file (replaced atomically if it exists)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

pub(crate) fn run(global: &GlobalArgs, args: &SyncArgs) -> anyhow::Result<()> {
    match &args.command {
        None => report(global),
        Some(SyncCommand::Heads { out }) => heads(global, out),
    }
}

/// Writes the node's heads file to `out`: a temporary file beside it, fsynced, then
/// renamed, so a failure never leaves half a file under the name.
fn heads(global: &GlobalArgs, out: &Path) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let mut bytes = Vec::new();
    client.download("/v1/sync/heads", &[], &mut bytes)?;
    // Read back as the importing site will, against this node's network: what the
    // person carries is checked before it is written.
    let status: StatusAnswer = client.get_as("/v1/status", &[])?;
    let network: NetworkId = status
        .network
        .parse()
        .ok()
        .context("the node's status does not name its network")?;
    let feeds = HeadsFile::decode(&bytes, &network)
        .with_context(|| {
            format!(
                "the node's heads file does not read back as one of its network; nothing \
                 was written to {}",
                out.display()
            )
        })?
        .feeds
        .len();
    let mut file = PendingFile::beside(out, ".commons-heads-", "the heads file")?;
    file.file_mut()
        .write_all(&bytes)
        .with_context(|| format!("could not write the heads file in {}", file.dir().display()))?;
    file.sync()?;
    file.commit(out)?;
    if global.json {
        print_json(&json!({
            "out": out.display().to_string(),
            "bytes": bytes.len(),
            "feeds": feeds,
        }))
    } else {
        println!(
            "Wrote the heads of {feeds} feeds to {} ({} bytes).\n\
             Carry it to a site that reaches the network; there run\n  \
             commons archive export --since {} --out FILE\n\
             and bring FILE back here for `commons archive import FILE`.",
            out.display(),
            bytes.len(),
            out.display(),
        );
        Ok(())
    }
}

fn report(global: &GlobalArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client.get("/v1/sync", &[])?;
    if global.json {
        print_json(&answer)
    } else {
        let sync: SyncAnswer = client.read_as("/v1/sync", &answer)?;
        print!("{}", human(&sync, commons_node::clock::now_ms()));
        Ok(())
    }
}

/// The feeds, a summary line, then the peers.
fn human(sync: &SyncAnswer, now_ms: u64) -> String {
    let (feeds, peers) = (&sync.feeds, &sync.peers);
    let mut out = String::new();
    if feeds.is_empty() {
        out.push_str("No feeds held or reported yet.\n");
    } else {
        let rows: Vec<Vec<String>> = feeds
            .iter()
            .map(|feed| {
                vec![
                    short(&feed.author),
                    short_or_dash(feed.org.as_deref()),
                    head(feed.local.as_ref()),
                    head(feed.best_known.as_ref()),
                    feed.behind.to_string(),
                ]
            })
            .collect();
        out.push_str(&columns(
            &["AUTHOR", "ORG", "LOCAL HEAD", "BEST KNOWN", "BEHIND"],
            &rows,
        ));
        out.push_str(&summary(feeds));
    }
    out.push('\n');
    if peers.is_empty() {
        out.push_str(NO_PEERS);
        out.push('\n');
    } else {
        let rows: Vec<Vec<String>> = peers
            .iter()
            .map(|peer| {
                vec![
                    peer_name(peer.device.as_deref(), &peer.peer_id),
                    short_or_dash(peer.org.as_deref()),
                    yes_no(Some(peer.member)),
                    ago(now_ms, peer.last_sync_ms),
                    peer.records_pulled.to_string(),
                    peer.feeds_reported.to_string(),
                ]
            })
            .collect();
        out.push_str(&columns(
            &["PEER", "ORG", "MEMBER", "LAST SYNC", "PULLED", "FEEDS"],
            &rows,
        ));
    }
    out
}

/// A head as `12`, `12 (max 14)` when seqs above a gap are held, `frozen` appended
/// when a fork proof froze the feed, and `-` for none.
fn head(value: Option<&FeedHead>) -> String {
    let Some(head) = value else {
        return "-".to_owned();
    };
    let mut text = head.contiguous.to_string();
    if head.max_seq > head.contiguous {
        text.push_str(&format!(" (max {})", head.max_seq));
    }
    if head.frozen {
        text.push_str(" frozen");
    }
    text
}

/// `All N feeds caught up.`, or how many records of how many feeds are missing.
fn summary(feeds: &[SyncFeed]) -> String {
    let behind: Vec<u64> = feeds
        .iter()
        .map(|feed| feed.behind)
        .filter(|&behind| behind > 0)
        .collect();
    if behind.is_empty() {
        return format!(
            "All {} feeds caught up with what member peers reported.\n",
            feeds.len()
        );
    }
    format!(
        "Behind on {} of {} feeds by {} records in all: sync is pulling them.\n",
        behind.len(),
        feeds.len(),
        behind.iter().sum::<u64>()
    )
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde_json::json;

    use super::*;

    const NOW: u64 = 1_767_261_630_000;

    /// A value of the API's contract, from its JSON.
    fn typed<T: DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).expect("an answer of the API")
    }

    #[test]
    fn heads_show_gaps_and_frozen_feeds() {
        assert_eq!(head(None), "-");
        assert_eq!(
            head(Some(&typed(
                json!({"contiguous": 5, "max_seq": 5, "frozen": false})
            ))),
            "5"
        );
        assert_eq!(
            head(Some(&typed(
                json!({"contiguous": 5, "max_seq": 9, "frozen": true})
            ))),
            "5 (max 9) frozen"
        );
    }

    #[test]
    fn sync_shows_feeds_a_summary_and_peers() {
        let sync = json!({
            "feeds": [
                {"author": "dev_4ed32f63bf35f0ee", "org": "org_5c9c6df261c9cb84",
                 "local": {"contiguous": 2, "max_seq": 2, "frozen": false},
                 "best_known": {"contiguous": 7, "max_seq": 7, "frozen": false}, "behind": 5},
                {"author": "dev_aaaaaaaabbbbbbbb", "org": null, "local": null,
                 "best_known": {"contiguous": 1, "max_seq": 1, "frozen": false}, "behind": 1},
            ],
            "peers": [
                {"peer_id": "12D3KooWQYhTNQdmr3Ar", "device": "dev_1234567890abcdef",
                 "org": "org_fedcba0987654321", "member": true, "last_sync_ms": NOW - 3_000,
                 "records_pulled": 42, "feeds_reported": 2},
            ],
        });
        let text = human(&typed(sync), NOW);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("AUTHOR "), "{text}");
        assert!(
            lines[1].starts_with("dev_4ed32f63  org_5c9c6df2  2 "),
            "{text}"
        );
        assert!(lines[1].ends_with(" 7           5"), "{text}");
        assert!(lines[2].contains(" -  "), "{text}");
        assert_eq!(
            lines[3],
            "Behind on 2 of 2 feeds by 6 records in all: sync is pulling them."
        );
        assert_eq!(lines[4], "");
        assert!(lines[5].starts_with("PEER "), "{text}");
        assert!(
            lines[6].starts_with("dev_12345678  org_fedcba09  yes "),
            "{text}"
        );
        assert!(lines[6].contains(" 3 s ago "), "{text}");
        assert!(lines[6].ends_with(" 42      2"), "{text}");
    }

    #[test]
    fn sync_without_peers_says_how_peers_are_found() {
        let text = human(&typed(json!({"feeds": [], "peers": []})), NOW);
        assert!(text.starts_with("No feeds held or reported yet.\n\nNo peers connected."));
    }
}
