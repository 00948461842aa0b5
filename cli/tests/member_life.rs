//! The life of a network and of a new member, on the real binary, with real nodes on
//! loopback: three orgs found a network by commands (`init`, `network create`, `network
//! sign`, `network join`) and run their nodes; a fourth org joins (`init`, `network
//! join`, `node run --bootstrap`, `members apply`), is admitted by the founders' votes
//! (`members list` shows the tally before and after), publishes and retracts a case
//! study, adds a second device (`devices add`) whose records reach the founders, and
//! revokes it from a seq (`devices revoke`): the device's next record is refused at the
//! founders. Every wait is for a condition, with a deadline; every process is stopped
//! when its `Node` is dropped.
#![allow(clippy::unwrap_used)]

mod common;

use common::commons;
use common::running_node::{Node, Patience, Run, at, json_at};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tempfile::TempDir;

/// How long something may take to cross the network (hello retries every 5 s, periodic
/// sync every 2 s here), and how often to look.
const NETWORK: Patience = Patience {
    deadline: Duration::from_secs(90),
    poll: Duration::from_millis(100),
    wait_through_failures: true,
};
/// The periodic sync interval written to every node's config.toml, in seconds.
const SYNC_INTERVAL_SECS: u64 = 2;

/// Makes a node's periodic sync fast enough for a test, and turns Kademlia off (the
/// test dials its peers itself).
fn tune(dir: &Path) {
    let mut config = OpenOptions::new()
        .append(true)
        .open(dir.join("config.toml"))
        .unwrap();
    writeln!(
        config,
        "\nsync_interval_secs = {SYNC_INTERVAL_SECS}\nkademlia = false"
    )
    .unwrap();
}

/// Sends pre-signed record bytes to `node`'s `POST /v1/records`, as an import would;
/// answers the status and the body.
fn submit(node: &Node, signed_hex: &str) -> (u16, Value) {
    let token = std::fs::read_to_string(node.dir().join("api-token")).unwrap();
    let address = std::fs::read_to_string(node.dir().join("api-address")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let response = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!("http://{}/v1/records", address.trim()))
            .bearer_auth(token.trim())
            .json(&json!({ "signed": signed_hex }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    })
}

/// The roster entry (in `members` or `others`) of `org`.
fn org_entry<'a>(roster: &'a Value, org: &str) -> Option<&'a Value> {
    ["members", "others"]
        .iter()
        .filter_map(|key| roster[*key].as_array())
        .flatten()
        .find(|entry| entry["org"] == org)
}

fn is_member(roster: &Value, org: &str) -> bool {
    roster["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|entry| entry["org"] == org)
}

fn decision<'a>(roster: &'a Value, org: &str) -> Option<&'a Value> {
    roster["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|decision| decision["subject"] == org)
}

fn device_entry<'a>(roster: &'a Value, org: &str, device: &str) -> Option<&'a Value> {
    org_entry(roster, org)?["devices"]
        .as_array()?
        .iter()
        .find(|entry| entry["device"] == device)
}

/// Publishes a case study through `node`, answering its id and seq.
fn publish_practice(node: &Node, title: &str) -> (String, u64) {
    let published = node.json(&[
        "publish",
        "practice",
        "--title",
        title,
        "--summary",
        "Residents documented evictions and negotiated relocation terms.",
        "--body",
        "What the tenants' committee did, step by step.",
        "--theme",
        "housing",
    ]);
    (
        published["id"].as_str().unwrap().to_owned(),
        published["seq"].as_u64().unwrap(),
    )
}

/// Three founders' data dirs, founded by the real commands; answers their dirs, org
/// ids and the charter file.
fn found(temp: &Path) -> (Vec<PathBuf>, Vec<String>, PathBuf) {
    let names = [
        "Tenants' Voice Alliance",
        "Land Defenders Network",
        "Women and ESCR Collective",
    ];
    let dirs: Vec<PathBuf> = ["a", "b", "c"].iter().map(|n| temp.join(n)).collect();
    let mut orgs = Vec::new();
    for (dir, name) in dirs.iter().zip(names) {
        let init = json_at(dir, &["init", "--org-name", name]);
        orgs.push(init["org_id"].as_str().unwrap().to_owned());
        assert!(dir.join("org.toml").exists());
    }
    let charter = temp.join("charter.bin");
    let charter_text = charter.to_str().unwrap();
    let mut create: Vec<String> = vec![
        "network".into(),
        "create".into(),
        "--name".into(),
        "Housing and Land Rights Network".into(),
    ];
    for dir in &dirs {
        create.push("--founder".into());
        create.push(dir.join("org.toml").display().to_string());
    }
    create.extend(["--out".into(), charter_text.to_owned()]);
    let created = Run::of(commons().arg("--data-dir").arg(&dirs[0]).args(&create)).ok();
    assert!(
        created.contains("Partly signed: 2 of 3 founder(s) have yet to sign"),
        "{created}"
    );
    for (org, name) in orgs.iter().zip(names).skip(1) {
        assert!(created.contains(&format!("{name} ({org})")), "{created}");
    }
    for dir in &dirs[1..] {
        at(dir, &["network", "sign", charter_text]).ok();
    }
    let shown = json_at(&dirs[0], &["network", "show", charter_text]);
    assert_eq!(shown["complete"], true, "{shown:#}");
    for dir in &dirs {
        let joined = json_at(dir, &["network", "join", charter_text]);
        assert_eq!(joined["founder"], true, "{joined:#}");
        tune(dir);
    }
    (dirs, orgs, charter)
}

#[test]
fn a_new_member_is_admitted_publishes_adds_a_device_and_revokes_it() {
    let temp = TempDir::new().unwrap();
    let (dirs, orgs, charter) = found(temp.path());
    let charter_text = charter.to_str().unwrap();

    let mut a = Node::run_on(&dirs[0], &[]);
    let bootstrap = vec![a.network_address()];
    let mut b = Node::run_on(&dirs[1], &bootstrap);
    let c = Node::run_on(&dirs[2], &bootstrap);
    let b_device = b.json(&["status"])["device"].as_str().unwrap().to_owned();
    let c_device = c.json(&["status"])["device"].as_str().unwrap().to_owned();
    a.wait_for_json(
        "A to see B and C as members",
        NETWORK,
        &["peers"],
        |peers| {
            [&b_device, &c_device].iter().all(|device| {
                peers
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|peer| peer["device"] == device.as_str() && peer["member"] == true)
            })
        },
    );

    // A new org: init, join the network (not a founder), run, apply.
    let d_dir = temp.path().join("d");
    let d_org = json_at(&d_dir, &["init", "--org-name", "Rural Defenders Forum"])["org_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let joined = json_at(&d_dir, &["network", "join", charter_text]);
    assert_eq!(joined["founder"], false, "{joined:#}");
    assert!(
        joined["previous"].is_null(),
        "D never ran, so it has no store to keep: {joined:#}"
    );
    tune(&d_dir);
    let mut d = Node::run_on(&d_dir, &[a.network_address(), b.network_address()]);
    let applied = d.json(&[
        "members",
        "apply",
        "--statement",
        "We support rural defenders documenting land grabs, and want to share our methods.",
        "--region",
        "West Africa",
    ]);
    assert!(
        applied["application"]["id"]
            .as_str()
            .unwrap()
            .starts_with("rec_")
    );

    // Until it is admitted, D may not publish case studies, and is told why.
    d.run(&[
        "publish",
        "practice",
        "--title",
        "Too early",
        "--summary",
        "Published before admission.",
        "--body",
        "Nothing yet.",
    ])
    .fails_saying(&[
        "is not a member, so its devices may not publish a practice",
        "`commons members list` shows what it knows",
    ]);

    // The founders see the application with its tally: none of two endorsements yet.
    let roster = a.wait_for_json(
        "A to hold D's application",
        NETWORK,
        &["members", "list"],
        |roster| decision(roster, &d_org).is_some_and(|d| !d["application"].is_null()),
    );
    let pending = decision(&roster, &d_org).unwrap();
    assert_eq!(pending["name"], "Rural Defenders Forum", "{pending:#}");
    assert_eq!(pending["admit"]["count"], 0, "{pending:#}");
    assert_eq!(pending["admit"]["needed"], 2, "{pending:#}");
    let listed = a.run(&["members", "list"]).ok();
    assert!(
        listed.contains("0 of 2 endorsements; 2 more needed"),
        "{listed}"
    );
    assert!(listed.contains("Rural Defenders Forum"), "{listed}");

    // A votes: one of two.
    let voted = a.run(&["members", "vote", "admit", &d_org]).ok();
    assert!(
        voted.contains("1 of 2 endorsements (Tenants' Voice Alliance); 1 more needed"),
        "{voted}"
    );
    let roster = b.wait_for_json(
        "B to see A's vote",
        NETWORK,
        &["members", "list"],
        |roster| decision(roster, &d_org).is_some_and(|d| d["admit"]["count"] == 1),
    );
    assert!(!is_member(&roster, &d_org));
    let listed = b.run(&["members", "list"]).ok();
    assert!(
        listed.contains("1 of 2 endorsements (Tenants' Voice Alliance)"),
        "{listed}"
    );

    // B votes: admitted.
    let voted = b.run(&["members", "vote", "admit", &d_org]).ok();
    assert!(voted.contains("It is a member now."), "{voted}");
    let roster = a.wait_for_json("A to admit D", NETWORK, &["members", "list"], |roster| {
        is_member(roster, &d_org)
    });
    assert!(
        decision(&roster, &d_org).is_none(),
        "the decision is taken: {roster:#}"
    );
    let listed = a.run(&["members", "list"]).ok();
    assert!(listed.contains("4 member(s)"), "{listed}");
    d.wait_for_json(
        "D to learn it was admitted",
        NETWORK,
        &["members", "list"],
        |roster| is_member(roster, &d_org),
    );

    // D publishes a case study; it reaches A; D retracts it; A drops its content.
    let (practice, _) = publish_practice(&d, "Community land mapping with GPS phones");
    a.wait_for_json(
        "A to hold D's case study",
        NETWORK,
        &["records", "list", "--kind", "practice"],
        |list| list.to_string().contains(&practice),
    );
    d.run(&[
        "publish",
        "retract",
        "--target",
        &practice,
        "--reason",
        "consent withdrawn",
    ])
    .ok();
    a.wait_for_json(
        "A to drop the retracted case study",
        NETWORK,
        &["records", "show", &practice],
        |shown| shown["retracted"] == true,
    );

    // A second device of D: its own data dir without root.key, its own feed.
    let laptop_dir = temp.path().join("d-laptop");
    let added = json_at(
        &d_dir,
        &[
            "devices",
            "add",
            "--label",
            "field laptop",
            "--out",
            laptop_dir.to_str().unwrap(),
        ],
    );
    let laptop = added["device"].as_str().unwrap().to_owned();
    assert!(!laptop_dir.join("root.key").exists());
    let mut l = Node::run_on(&laptop_dir, &[a.network_address()]);
    // A new device learns the roster from its peers; before that, it refuses to publish.
    l.wait_for_json(
        "the laptop to learn D is a member",
        NETWORK,
        &["members", "list"],
        |roster| is_member(roster, &d_org),
    );
    let (first, first_seq) = publish_practice(&l, "Paralegal training for land defenders");
    assert_eq!(
        first_seq, 2,
        "the delegation is seq 1 of the laptop's own feed"
    );
    a.wait_for_json(
        "A to hold the laptop's case study",
        NETWORK,
        &["records", "show", &first],
        |shown| shown["id"] == first.as_str() && shown.get("retracted").is_none_or(|r| r != true),
    );
    let devices = d.wait_for_json(
        "D to list its laptop",
        NETWORK,
        &["devices", "list"],
        |list| list["devices"].as_array().unwrap().len() == 2,
    );
    assert!(devices.to_string().contains("field laptop"), "{devices:#}");
    // Root operations fail on the laptop, naming where the root key is.
    at(
        &laptop_dir,
        &["devices", "revoke", &laptop, "--from-seq", "3"],
    )
    .fails_saying(&["root key", d_dir.to_str().unwrap()]);

    // Revoke the laptop from seq 3: its next record (seq 3) is refused at the founders,
    // its seq 2 stays.
    assert!(l.stop().success(), "{}", l.log());
    let revoked = d
        .run(&["devices", "revoke", &laptop, "--from-seq", "3"])
        .ok();
    assert!(revoked.contains("from seq 3"), "{revoked}");
    a.wait_for_json(
        "A to learn of the revocation",
        NETWORK,
        &["members", "list"],
        |roster| {
            device_entry(roster, &d_org, &laptop).is_some_and(|device| device["revoked_from"] == 3)
        },
    );
    // The laptop, restarted alone (it has not heard of its revocation), signs seq 3.
    let l = Node::run_on(&laptop_dir, &[]);
    let (next, next_seq) = publish_practice(&l, "Lessons from a solidarity visit");
    assert_eq!(next_seq, 3);
    let signed = l.json(&["records", "show", &next])["signed"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, answer) = submit(&a, &signed);
    assert_eq!(status, 422, "{answer:#}");
    assert!(
        answer["error"].as_str().unwrap().contains("revoked"),
        "{answer:#}"
    );
    let shown = a.json(&["records", "show", &first]);
    assert_eq!(
        shown["id"],
        first.as_str(),
        "the record below the revoked seq stays"
    );

    // Joining another network is refused while the node runs, and refused after it
    // stops because its store holds the other members' records.
    let other_dir = temp.path().join("other");
    at(&other_dir, &["init", "--org-name", "Another Coalition"]).ok();
    let other_charter = other_dir.join("charter.bin");
    let other_text = other_charter.to_str().unwrap();
    a.run(&["network", "join", other_text])
        .fails_saying(&["the node is running", "stop it first"]);
    drop(l);
    drop(d);
    drop(c);
    assert!(b.stop().success(), "{}", b.log());
    assert!(a.stop().success(), "{}", a.log());
    at(&dirs[0], &["network", "join", other_text]).fails_saying(&[
        "holds records of",
        "other device(s)",
        "would leave them behind",
    ]);
    // Nothing changed: A's node still opens on its network.
    let shown = json_at(&dirs[0], &["network", "show"]);
    assert_eq!(shown["name"], "Housing and Land Rights Network");
    let _ = orgs;
}
