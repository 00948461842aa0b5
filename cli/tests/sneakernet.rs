//! Sync by hand, on the real binary: two founders' nodes that never connect (loopback,
//! no mDNS, no bootstrap) converge by files carried each way, as a person with a USB
//! stick would between a site the network does not reach and one it does. Each side
//! writes its heads (`commons sync heads`), the other exports only what those heads
//! lack (`commons archive export --since`), with the files its records name, and the
//! first imports it. A second round carries only what is new; a date works as
//! `--since` too; a file that is not a heads file, or a heads file of another network,
//! is refused with its reason.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::running_node::{Node, two_founders};
use serde_json::Value;
use tempfile::TempDir;

/// The ids of every record `node` lists.
fn publish_case(node: &Node, title: &str, attach: Option<&Path>) -> String {
    let mut args = vec![
        "publish",
        "practice",
        "--title",
        title,
        "--summary",
        "Residents recorded each notice and the date it was served.",
        "--body",
        "## What we did\n\nA ledger of notices, kept by the tenants' committee.",
        "--theme",
        "housing",
    ];
    let path;
    if let Some(file) = attach {
        path = file.to_str().unwrap().to_owned();
        args.extend(["--attach", path.as_str()]);
    }
    node.json(&args)["id"].as_str().unwrap().to_owned()
}

/// `node`'s heads file, written to `dir/name`.
fn heads(node: &Node, dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let written = node.json(&["sync", "heads", "--out", out.to_str().unwrap()]);
    assert_eq!(
        written["bytes"].as_u64(),
        Some(fs::read(&out).unwrap().len() as u64)
    );
    out
}

/// What `from` holds that the site of `heads_file` lacks, as a bundle at `dir/name`;
/// answers the export's report.
fn export_since(from: &Node, since: &str, dir: &Path, name: &str) -> (PathBuf, Value) {
    let out = dir.join(name);
    let exported = from.json(&[
        "archive",
        "export",
        "--with-attachments",
        "--since",
        since,
        "--out",
        out.to_str().unwrap(),
    ]);
    (out, exported)
}

fn import(into: &Node, bundle: &Path) -> Value {
    into.json(&["archive", "import", bundle.to_str().unwrap()])
}

#[test]
fn two_sites_that_never_connect_converge_by_files_carried_each_way() {
    let temp = TempDir::new().unwrap();
    let (a_dir, b_dir) = two_founders(temp.path(), "Commons sneakernet test network");
    let a = Node::run_on(&a_dir, &[]);
    let b = Node::run_on(&b_dir, &[]);
    let stick = temp.path().join("stick");
    fs::create_dir(&stick).unwrap();

    let ledger = temp.path().join("notice-ledger.pdf");
    let ledger_bytes: Vec<u8> = (0..90_000u32).map(|i| (i * 31 % 251) as u8).collect();
    fs::write(&ledger, &ledger_bytes).unwrap();
    let with_file = publish_case(&a, "A ledger of eviction notices", Some(&ledger));
    publish_case(&a, "Court accompaniment rota", None);
    publish_case(&b, "Water committee minutes in three languages", None);
    assert_eq!(a.json(&["peers"]).as_array().map(Vec::len), Some(0));

    // B, cut off, writes its heads; A exports what they lack; B imports it.
    let b_heads = heads(&b, &stick, "b.heads");
    let (for_b, exported) = export_since(&a, b_heads.to_str().unwrap(), &stick, "for-b.bundle");
    assert_eq!(exported["archive"]["attachments"], 1, "{exported:#}");
    let imported = import(&b, &for_b);
    assert_eq!(imported["attachments"], 1, "{imported:#}");
    assert_eq!(
        imported["refused"].as_array().map(Vec::len),
        Some(0),
        "{imported:#}"
    );
    // And back: A's heads to B, B's export to A.
    let a_heads = heads(&a, &stick, "a.heads");
    let (for_a, _) = export_since(&b, a_heads.to_str().unwrap(), &stick, "for-a.bundle");
    let imported = import(&a, &for_a);
    assert_eq!(
        imported["refused"].as_array().map(Vec::len),
        Some(0),
        "{imported:#}"
    );

    let (at_a, at_b) = (a.record_ids(), b.record_ids());
    assert_eq!(at_a, at_b, "both sites hold the same records");
    assert!(at_b.contains(&with_file));
    // The file came too: B serves it from its own disk.
    let out = temp.path().join("fetched");
    fs::create_dir(&out).unwrap();
    b.run(&[
        "records",
        "fetch",
        &with_file,
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        fs::read(out.join("notice-ledger.pdf")).unwrap(),
        ledger_bytes
    );
    // Their heads agree: the two heads files list the same feeds at the same heads.
    let network: commons_protocol::NetworkId = a.json(&["status"])["network"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let feeds = |path: &Path| {
        commons_protocol::HeadsFile::decode(&fs::read(path).unwrap(), &network)
            .unwrap()
            .feeds
    };
    let (a_again, b_again) = (heads(&a, &stick, "a2.heads"), heads(&b, &stick, "b2.heads"));
    assert_eq!(feeds(&a_again), feeds(&b_again));
    assert_eq!(
        feeds(&a_again).len(),
        2,
        "two feeds, one per founder's device"
    );

    // A second round carries only what is new: two case studies at A, and the two
    // delegations (governance records always go, so the bundle verifies).
    publish_case(&a, "Rent strike: what the first month taught us", None);
    publish_case(&a, "Mapping landlords' shell companies", None);
    let b_heads = heads(&b, &stick, "b3.heads");
    let (second, exported) = export_since(&a, b_heads.to_str().unwrap(), &stick, "for-b-2.bundle");
    assert_eq!(exported["archive"]["records"], 4, "{exported:#}");
    assert_eq!(exported["archive"]["attachments"], 0, "{exported:#}");
    let imported = import(&b, &second);
    assert_eq!(imported["stored"], 2, "{imported:#}");
    assert_eq!(imported["duplicates"], 2, "{imported:#}");
    assert_eq!(a.record_ids(), b.record_ids());
    let (full, _) = export_since(&a, "1970-01-01", &stick, "everything.bundle");
    assert!(
        fs::metadata(&second).unwrap().len() * 2 < fs::metadata(&full).unwrap().len(),
        "the second round carries less than half of everything"
    );

    // A date: only governance records are signed before 1970 and after 2200.
    let (_, exported) = export_since(&a, "2200-01-01", &stick, "future.bundle");
    assert_eq!(exported["archive"]["records"], 2, "{exported:#}");

    // Not a heads file, or none at all: refused, and nothing written.
    let wrong = stick.join("notes.txt");
    fs::write(&wrong, "remember the water committee").unwrap();
    let refused_out = stick.join("refused.bundle");
    a.run(&[
        "archive",
        "export",
        "--since",
        wrong.to_str().unwrap(),
        "--out",
        refused_out.to_str().unwrap(),
    ])
    .fails_saying(&["not a heads file", "commons sync heads"]);
    a.run(&[
        "archive",
        "export",
        "--since",
        "the-stick/b.heads",
        "--out",
        refused_out.to_str().unwrap(),
    ])
    .fails_saying(&["no such heads file", "is not a time"]);
    assert!(!refused_out.exists());
}

#[test]
fn a_heads_file_of_another_network_is_refused() {
    let temp = TempDir::new().unwrap();
    let (a_dir, _) = two_founders(temp.path(), "Commons sneakernet network one");
    let other = temp.path().join("other");
    fs::create_dir(&other).unwrap();
    let (c_dir, _) = two_founders(&other, "Commons sneakernet network two");
    let a = Node::run_on(&a_dir, &[]);
    let c = Node::run_on(&c_dir, &[]);
    let c_heads = heads(&c, temp.path(), "c.heads");
    let out = temp.path().join("never.bundle");
    a.run(&[
        "archive",
        "export",
        "--since",
        c_heads.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .fails_saying(&["not of this node's network"]);
    assert!(!out.exists());
}
