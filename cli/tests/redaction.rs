//! Redaction by the members' vote on the real binary, with three founders' nodes on
//! loopback (removal threshold: two thirds of the others, so both other orgs must
//! vote). Org a publishes a case study with a file; b proposes its redaction with a
//! reason and c sees the request and votes; the author's org cannot vote; then every
//! node shows a tombstone naming the deciding vote, the file's bytes are gone from
//! every data dir, and a fresh archive export carries the tombstone and verifies.
//! Every wait is for a condition, with a deadline.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::running_node::{Node, Patience, three_founders, written_anywhere};
use serde_json::Value;
use tempfile::TempDir;

/// How long a record may take to cross from one node to the others.
const NETWORK: Patience = Patience {
    deadline: Duration::from_secs(60),
    poll: Duration::from_millis(100),
    wait_through_failures: true,
};

const TESTIMONY: &str = "Testimony of the night of the eviction, with the names of the witnesses";

fn proposal<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list["redactions"]
        .as_array()?
        .iter()
        .find(|redaction| redaction["target"] == id)
}

#[test]
fn the_members_vote_drops_a_record_on_every_node_and_from_a_fresh_archive() {
    let temp = TempDir::new().unwrap();
    let dirs = three_founders(temp.path());
    let mut a = Node::run_on(&dirs[0], &[]);
    let mut b = Node::run_on(&dirs[1], &[a.network_address()]);
    let mut c = Node::run_on(&dirs[2], &[a.network_address()]);

    // A file whose bytes appear nowhere else.
    let photo: Vec<u8> = (0..50_000u32)
        .map(|i| u8::try_from((i * 7919 + 13) % 251).unwrap())
        .collect();
    let photo_path = temp.path().join("witnesses.jpg");
    std::fs::write(&photo_path, &photo).unwrap();
    let published = a.json(&[
        "publish",
        "practice",
        "--title",
        "Night of the riverside eviction",
        "--summary",
        "What the residents saw.",
        "--body",
        TESTIMONY,
        "--attach",
        photo_path.to_str().unwrap(),
    ]);
    let id = published["id"].as_str().unwrap().to_owned();
    std::fs::remove_file(&photo_path).unwrap();
    for (name, node) in [("b", &mut b), ("c", &mut c)] {
        node.wait_for_json(
            &format!("{name} to hold the case study and its file"),
            NETWORK,
            &["records", "attachments", &id],
            |listed| listed["files"][0]["state"] == "held",
        );
    }

    // b proposes; one vote of the two needed.
    let first = b.json(&[
        "redactions",
        "request",
        &id,
        "--reason",
        "The photograph shows the faces of two witnesses who have since been threatened.",
    ]);
    assert_eq!(first["tally"]["votes"], 1, "{first}");
    assert_eq!(first["tally"]["needed"], 2, "{first}");
    assert!(first["tally"]["decided_by"].is_null());
    b.run(&["redactions", "request", &id, "--reason", "again"])
        .fails_saying(&["already voted"]);
    // The author's org retracts instead; its vote would not count.
    a.run(&["redactions", "request", &id, "--reason", "ours"])
        .fails_saying(&["your organization's own", "retract it instead"]);

    // c sees the request, with b's reason, and votes: that decides it.
    let listed = c.wait_for_json(
        "the request to reach c",
        NETWORK,
        &["redactions", "list"],
        |list| proposal(list, &id).is_some(),
    );
    let shown = proposal(&listed, &id).unwrap();
    assert_eq!(shown["kind"], "practice");
    assert_eq!(shown["voted"], false);
    assert!(
        shown["cast"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("faces of two witnesses"),
        "{shown}"
    );
    let human = c.run(&["redactions", "list"]).ok();
    assert!(human.contains("1 of 2 votes needed"), "{human}");
    let second = c.json(&[
        "redactions",
        "request",
        &id,
        "--reason",
        "Agreed: the witnesses asked us to take it down.",
    ]);
    let deciding = second["id"].as_str().unwrap().to_owned();
    assert_eq!(second["tally"]["decided_by"], deciding.as_str(), "{second}");

    // Every node drops the content, the author's included, and the file's bytes.
    for (name, node, dir) in [
        ("a", &mut a, &dirs[0]),
        ("b", &mut b, &dirs[1]),
        ("c", &mut c, &dirs[2]),
    ] {
        let gone = node.wait_for_json(
            &format!("{name} to drop the content"),
            NETWORK,
            &["records", "show", &id],
            |shown| shown["retracted"] == true,
        );
        assert_eq!(gone["redacted"], true, "{name}: {gone}");
        assert_eq!(gone["retraction"], deciding.as_str(), "{name}: {gone}");
        let told = node.run(&["records", "show", &id]).ok();
        assert!(
            told.contains("was redacted by the members' vote"),
            "{name}: {told}"
        );
        let listed = node.json(&["records", "list", "--kind", "practice"]);
        assert!(
            !listed.to_string().contains(TESTIMONY),
            "{name} still lists the content"
        );
        common::running_node::wait_for(
            &format!("the file's bytes to go from {name}'s data dir"),
            Duration::from_secs(60),
            || written_anywhere(dir, &photo).is_none(),
        );
    }
    let decided = a.json(&["redactions", "list"]);
    assert_eq!(
        proposal(&decided, &id).unwrap()["decided_by"],
        deciding.as_str()
    );

    // A fresh archive from any node carries the tombstone, not the content, and
    // verifies.
    let bundle = temp.path().join("after.commons");
    b.json(&["archive", "export", "--out", bundle.to_str().unwrap()]);
    let bytes = std::fs::read(&bundle).unwrap();
    assert!(
        !bytes
            .windows(TESTIMONY.len())
            .any(|window| window == TESTIMONY.as_bytes())
    );
    let verified = b.json(&["archive", "verify", bundle.to_str().unwrap()]);
    assert!(verified["tombstones"].as_u64().unwrap() >= 1, "{verified}");
}
