//! `commons archive export|verify|import` on the real binary: a founder's node
//! publishes case studies (one for members only), a campaign and a retraction; two
//! exports are byte-identical and verify offline; a second founder's fresh node of the
//! same network imports the archive and then holds the same records; a public-only
//! export withholds the members' records and still verifies; each of four tamperings
//! is refused with its own reason and exit code 1; another network's archive is
//! refused by the node. The nodes run on loopback without mDNS and never dial each
//! other, so records reach the second node only through the import.
#![allow(clippy::unwrap_used)]

mod common;

use common::commons;
use common::running_node::{Node, Run, two_founders};
use std::path::Path;

use commons_protocol::archive::EntryRef;
use commons_protocol::parse_bundle;
use serde_json::Value;
use tempfile::TempDir;

/// The ids of every record `node` lists (up to 1000).
fn publish(node: &Node, args: &[&str]) -> String {
    let mut full = vec!["publish"];
    full.extend_from_slice(args);
    let published = node.json(&full);
    published["id"].as_str().unwrap().to_owned()
}

/// Publishes the sample life of a founder: returns the id of the members-only case
/// study (which has successors in its feed).
fn publish_sample(node: &Node) -> String {
    let common = |title: &'static str| {
        vec![
            "practice",
            "--title",
            title,
            "--summary",
            "Residents surveyed their own settlement and negotiated relocation terms.",
            "--body",
            "## What we did\n\nTrained residents as surveyors.",
            "--theme",
            "housing",
            "--region",
            "Southeast Asia",
        ]
    };
    let mut public = common("Mapping eviction risk with tenant-led surveys");
    public.push("--public");
    publish(node, &public);
    let members = publish(node, &common("Accompanying families to eviction hearings"));
    publish(
        node,
        &[
            "campaign",
            "--title",
            "No evictions in the rainy season",
            "--goal",
            "A moratorium from June to October",
        ],
    );
    let mut retracted = common("Naming the officials at the demolition");
    retracted.push("--public");
    let retracted = publish(node, &retracted);
    publish(
        node,
        &[
            "retract",
            "--target",
            &retracted,
            "--reason",
            "It names a resident at risk",
        ],
    );
    let mut last = common("Health committees that outlast the project");
    last.push("--public");
    publish(node, &last);
    members
}

fn bytes_of(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn archive_round_trip_public_only_and_tampering() {
    let temp = TempDir::new().unwrap();
    let (a_dir, b_dir) = two_founders(temp.path(), "Commons archive test network");
    let a = Node::run_on(&a_dir, &[]);
    let members_only = publish_sample(&a);

    // Two exports of one record set are byte-identical; the root hash is printed.
    let (first, second) = (
        temp.path().join("one.bundle"),
        temp.path().join("two.bundle"),
    );
    let exported = a.json(&["archive", "export", "--out", first.to_str().unwrap()]);
    let root = exported["root_hash"].as_str().unwrap().to_owned();
    assert_eq!(root.len(), 64, "{exported}");
    let human = a
        .run(&["archive", "export", "--out", second.to_str().unwrap()])
        .ok();
    assert!(human.contains(&format!("root hash  {root}")), "{human}");
    assert_eq!(bytes_of(&first), bytes_of(&second));
    // A's feed only (the two nodes never met): seven entries, the delegation, four
    // case studies, the campaign and the retraction, one of them retracted.
    assert_eq!(exported["archive"]["records"], 6, "{exported}");
    assert_eq!(exported["archive"]["tombstones"], 1, "{exported}");

    // Verify offline: no --data-dir, no node.
    let verified =
        Run::of(
            commons()
                .arg("--json")
                .args(["archive", "verify", first.to_str().unwrap()]),
        )
        .json();
    assert_eq!(verified["valid"], true);
    assert_eq!(verified["root_hash"], root.as_str());
    let feed = &verified["feeds"][0];
    assert_eq!(
        (feed["max_seq"].as_u64(), feed["complete"].as_bool()),
        (Some(7), Some(true))
    );
    let human = Run::of(commons().args(["archive", "verify", first.to_str().unwrap()])).ok();
    assert!(
        human.contains("complete") && human.contains(&root),
        "{human}"
    );

    // A fresh node of the same network imports it and holds the same records.
    let b = Node::run_on(&b_dir, &[]);
    let imported = b.json(&["archive", "import", first.to_str().unwrap()]);
    assert_eq!(
        imported["refused"].as_array().unwrap().len(),
        0,
        "{imported}"
    );
    assert_eq!(imported["stored"], 6, "{imported}");
    let a_ids = a.record_ids();
    let b_ids = b.record_ids();
    assert!(a_ids.is_subset(&b_ids), "A: {a_ids:?}\nB: {b_ids:?}");
    // B also holds its own delegation.
    assert_eq!(b_ids.len(), a_ids.len() + 1);
    // Importing again changes nothing.
    let again = b.json(&["archive", "import", first.to_str().unwrap()]);
    assert_eq!(
        (again["stored"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(6))
    );

    // Public-only: the members' case study and the campaign are withheld by id.
    let public = temp.path().join("public.bundle");
    let exported = a.json(&[
        "archive",
        "export",
        "--public-only",
        "--out",
        public.to_str().unwrap(),
    ]);
    assert_eq!(exported["archive"]["withheld"], 2, "{exported}");
    assert_eq!(exported["archive"]["records"], 4, "{exported}");
    let public_bytes = bytes_of(&public);
    let parts = parse_bundle(&public_bytes).unwrap();
    let withheld: Vec<String> = parts.feeds[0]
        .entries
        .iter()
        .filter_map(|entry| match entry {
            EntryRef::Withheld { id, .. } => Some(id.to_string()),
            _ => None,
        })
        .collect();
    assert!(withheld.contains(&members_only), "{withheld:?}");
    Run::of(commons().args(["archive", "verify", public.to_str().unwrap()])).ok();

    // JSONL: one line per entry, each record with its payload and signature.
    let jsonl = temp.path().join("records.jsonl");
    a.json(&[
        "archive",
        "export",
        "--format",
        "jsonl",
        "--out",
        jsonl.to_str().unwrap(),
    ]);
    let text = String::from_utf8(bytes_of(&jsonl)).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 7);
    assert!(lines.iter().all(|line| line["entry"] == "tombstone"
        || (line["payload_base64"].is_string() && line["signature"].is_string())));

    // Tampering: each refused with its own reason, exit code 1.
    let bundle = bytes_of(&first);
    let parts = parse_bundle(&bundle).unwrap();
    let entries = &parts.feeds[0].entries;
    let record_at = |index: usize| match entries[index] {
        EntryRef::Record(signed) => signed,
        _ => panic!("entry {index} is a record"),
    };
    let offset_in = |slice: &[u8]| slice.as_ptr() as usize - bundle.as_ptr() as usize;
    let tampered = |name: &str, bytes: Vec<u8>| {
        let path = temp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        Run::of(commons().args(["archive", "verify", path.to_str().unwrap()]))
    };

    // A flipped byte inside a record's text (seq 2: the public case study).
    let seq2 = record_at(1);
    let title = b"Mapping eviction";
    let at = offset_in(seq2) + seq2.windows(title.len()).position(|w| w == title).unwrap();
    let mut flipped = bundle.clone();
    flipped[at] ^= 0x20;
    let run = tampered("flipped.bundle", flipped);
    assert!(run.stderr.contains("was altered"), "{run:#?}");
    run.fails_saying(&["record 2 of feed dev_"]);

    // A record removed from the middle of a feed, even with the root hash recomputed.
    let mut removed = parts.clone();
    removed.feeds[0].entries.remove(2);
    tampered("removed.bundle", removed.encode()).fails_saying(&["records 3 to 3 of feed dev_"]);

    // Two records' signatures swapped.
    let (s2, s3) = (record_at(1), record_at(2));
    let (at2, at3) = (offset_in(s2) + s2.len() - 64, offset_in(s3) + s3.len() - 64);
    let mut swapped = bundle.clone();
    for i in 0..64 {
        swapped.swap(at2 + i, at3 + i);
    }
    tampered("swapped.bundle", swapped).fails_saying(&["the signature of record 2 of feed dev_"]);

    // An edited manifest.
    let mut edited = parts.clone();
    edited.manifest.records -= 1;
    tampered("manifest.bundle", edited.encode())
        .fails_saying(&["the manifest declares 5 records, but the archive holds 6"]);

    // Another network's archive: the node refuses it, naming both networks.
    let other = TempDir::new().unwrap();
    let (c_dir, _) = two_founders(other.path(), "Another network");
    let c = Node::run_on(&c_dir, &[]);
    let other_bundle = other.path().join("other.bundle");
    c.run(&["archive", "export", "--out", other_bundle.to_str().unwrap()])
        .ok();
    let verified_other = Run::of(commons().arg("--json").args([
        "archive",
        "verify",
        other_bundle.to_str().unwrap(),
    ]))
    .json();
    let other_network = verified_other["network"].as_str().unwrap().to_owned();
    let ours = verified["network"].as_str().unwrap().to_owned();
    let refused = b.run(&["archive", "import", other_bundle.to_str().unwrap()]);
    refused.fails_saying(&[&format!("the archive belongs to network {other_network}")]);
    let refused = b.run(&["archive", "import", other_bundle.to_str().unwrap()]);
    assert!(refused.stderr.contains(&ours), "{refused:#?}");
}
