//! `commons peers`, `commons sync` and the network lines of `commons status` on the
//! real binary: two nodes run with `commons node run` on loopback (no mDNS), the
//! second dialing the first from its `network-addresses` file. Founders of one charter
//! see each other as members and sync; two nodes made by separate `commons init`s are
//! on different networks, so each sees the other connected but not a member. Nothing
//! sleeps for a fixed time: each test waits for a condition, with a deadline.
#![allow(clippy::unwrap_used)]

mod common;

use common::commons;
use common::running_node::{Node, Patience, Run};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use commons_node::data_dir::DataDir;
use commons_node::founding::{FounderDir, init_network};
use serde_json::Value;
use tempfile::TempDir;

/// How long two nodes may take to connect, say hello and sync, and how often to look.
const NETWORK: Patience = Patience {
    deadline: Duration::from_secs(60),
    poll: Duration::from_millis(50),
    wait_through_failures: false,
};

/// The first address of a node's `network-addresses` file: loopback TCP, with its
/// peer id.
fn network_address(node: &Node) -> String {
    let addr = node.network_address();
    assert!(
        addr.starts_with("/ip4/127.0.0.1/tcp/") && addr.contains("/p2p/"),
        "{addr}"
    );
    addr
}

/// A node's device, `dev_…`, as `commons status --json` shows it.
fn device(node: &Node) -> String {
    node.json(&["status"])["device"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The entry of a `--json` list (`peers --json`, or `sync --json`'s `feeds` or
/// `peers`) whose `key` is `value`.
fn entry<'a>(list: &'a Value, key: &str, value: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|item| item[key] == value)
}

/// `commons status` lines of a node whose network runs with one peer connected.
fn assert_status_shows_the_network(node: &Node, member_peers: u64) {
    let status = node.json(&["status"]);
    let peer_id = status["peer_id"].as_str().unwrap();
    assert!(
        status["listen"]
            .as_array()
            .unwrap()
            .iter()
            .all(|addr| addr.as_str().unwrap().ends_with(&format!("/p2p/{peer_id}"))),
        "{status:#}"
    );
    assert_eq!(status["peers"], 1, "{status:#}");
    assert_eq!(status["member_peers"], member_peers, "{status:#}");
    let human = node.run(&["status"]).ok();
    assert!(human.contains(&format!("peer id   {peer_id}\n")), "{human}");
    assert!(human.contains("  listen    /ip4/127.0.0.1/tcp/"), "{human}");
    assert!(
        human.contains(&format!(
            "peers     1 connected, {member_peers} of them members' devices"
        )),
        "{human}"
    );
}

#[test]
fn founders_of_one_network_see_each_other_as_members_and_sync() {
    let temp = TempDir::new().unwrap();
    let (a_dir, b_dir) = (temp.path().join("a"), temp.path().join("b"));
    let now_ms = u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    init_network(
        &[
            FounderDir::new(DataDir::new(&a_dir), "Tenants' Voice Alliance"),
            FounderDir::new(DataDir::new(&b_dir), "Land Defenders Network"),
        ],
        "Commons test network",
        now_ms,
    )
    .unwrap();
    let mut a = Node::run_on(&a_dir, &[]);
    let mut b = Node::run_on(&b_dir, &[network_address(&a)]);
    let (a_device, b_device) = (device(&a), device(&b));

    // Each is the other's member peer, and admits the other.
    let peers = a.wait_for_json(
        "A to see B as an admitting member",
        NETWORK,
        &["peers"],
        |peers| {
            entry(peers, "device", &b_device)
                .is_some_and(|peer| peer["member"] == true && peer["admitted_us"] == true)
        },
    );
    let peer = entry(&peers, "device", &b_device).unwrap();
    assert!(peer["org"].as_str().unwrap().starts_with("org_"), "{peer}");
    b.wait_for_json(
        "B to see A as an admitting member",
        NETWORK,
        &["peers"],
        |peers| {
            entry(peers, "device", &a_device)
                .is_some_and(|peer| peer["member"] == true && peer["admitted_us"] == true)
        },
    );

    // B publishes; A holds B's feed in full and is behind on nothing.
    let published = b.json(&[
        "publish",
        "practice",
        "--title",
        "Tenant surveys",
        "--summary",
        "Residents mapped their own settlement.",
        "--body",
        "What we did.",
    ]);
    let seq = published["seq"].as_u64().unwrap();
    let sync = a.wait_for_json("A to hold B's case study", NETWORK, &["sync"], |sync| {
        entry(&sync["feeds"], "author", &b_device)
            .is_some_and(|feed| feed["local"]["contiguous"] == seq && feed["behind"] == 0)
    });
    let peer = entry(&sync["peers"], "device", &b_device).unwrap();
    assert_eq!(peer["member"], true, "{sync:#}");
    assert!(peer["last_sync_ms"].is_u64(), "{sync:#}");

    // The tables name the peer by its device's short form.
    let short_b: String = b_device.chars().take(12).collect();
    let table = a.run(&["peers"]).ok();
    let row = table
        .lines()
        .find(|line| line.starts_with(&short_b))
        .unwrap_or_else(|| panic!("no row for {short_b}:\n{table}"));
    assert!(row.contains(" yes "), "member and admits us: {table}");
    assert!(row.contains(" /ip4/127.0.0.1/tcp/"), "{table}");
    assert!(table.starts_with("PEER "), "{table}");
    let table = a.run(&["sync"]).ok();
    assert!(table.starts_with("AUTHOR "), "{table}");
    assert!(
        table.lines().any(|line| line.starts_with(&short_b)),
        "{table}"
    );
    assert!(table.contains("\nPEER "), "{table}");

    assert_status_shows_the_network(&a, 1);

    assert!(b.stop().success(), "{}", b.log());
    assert!(a.stop().success(), "{}", a.log());
}

#[test]
fn separately_initialised_nodes_connect_but_are_not_members() {
    let temp = TempDir::new().unwrap();
    let (a_dir, b_dir) = (temp.path().join("a"), temp.path().join("b"));
    for (dir, name) in [
        (&a_dir, "Tenants' Voice Alliance"),
        (&b_dir, "Land Defenders"),
    ] {
        Run::of(
            commons()
                .arg("--data-dir")
                .arg(dir)
                .args(["init", "--org-name", name]),
        )
        .ok();
    }
    let mut a = Node::run_on(&a_dir, &[]);
    let b = Node::run_on(&b_dir, &[network_address(&a)]);
    let (a_device, b_device) = (device(&a), device(&b));

    // Each `commons init` founds a one-member network of its own: B connects, but A's
    // roster does not know its device, and B does not admit A.
    let peers = a.wait_for_json(
        "A to see B answer its hello",
        NETWORK,
        &["peers"],
        |peers| {
            entry(peers, "device", &b_device).is_some_and(|peer| !peer["admitted_us"].is_null())
        },
    );
    let peer = entry(&peers, "device", &b_device).unwrap();
    assert_eq!(peer["member"], false, "{peer}");
    assert_eq!(peer["admitted_us"], false, "{peer}");
    assert_eq!(peer["org"], Value::Null, "{peer}");
    let table = a.run(&["peers"]).ok();
    let short_b: String = b_device.chars().take(12).collect();
    let row = table
        .lines()
        .find(|line| line.starts_with(&short_b))
        .unwrap_or_else(|| panic!("no row for {short_b}:\n{table}"));
    assert!(row.contains(" -  "), "no org: {table}");
    assert!(row.contains(" no "), "not a member: {table}");

    // Sync parses, shows A's own feed only (no member peer reported any), and B.
    let sync = a.json(&["sync"]);
    let feeds = sync["feeds"].as_array().unwrap();
    assert_eq!(feeds.len(), 1, "{sync:#}");
    assert_eq!(feeds[0]["author"], a_device.as_str());
    assert_eq!(feeds[0]["best_known"], Value::Null, "{sync:#}");
    assert_eq!(feeds[0]["behind"], 0, "{sync:#}");
    let peer = entry(&sync["peers"], "device", &b_device).unwrap();
    assert_eq!(peer["member"], false, "{sync:#}");
    let table = a.run(&["sync"]).ok();
    assert!(table.contains("All 1 feeds caught up"), "{table}");

    assert_status_shows_the_network(&a, 0);
}
