//! `commons backup` and `commons restore` on the real binary, and what a node started
//! from a restored data dir does: it holds publishing (the API answers 503, saying
//! why) until a member peer has reported its own feed's head and it has pulled its own
//! records up to it, then publishes from the next seq, with no fork proof anywhere. A
//! plain restart, without a restore, changes nothing. Every wait is for a condition,
//! with a deadline.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::running_node::{Node, Patience, at, two_founders};
use serde_json::Value;
use tempfile::TempDir;

/// How long two nodes may take to connect, say hello and sync, and how often to look.
const NETWORK: Patience = Patience {
    deadline: Duration::from_secs(60),
    poll: Duration::from_millis(50),
    wait_through_failures: false,
};

const MARK: &str = "restored-from-backup";

/// The args of `publish practice` for the `n`th case study.
fn practice(n: usize) -> Vec<String> {
    [
        "publish",
        "practice",
        "--title",
        &format!("Community paralegals, lesson {n}"),
        "--summary",
        "What a rural network of defenders learnt documenting land grabs.",
        "--body",
        "Context, what we did, what others can reuse.",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Publishes the `n`th case study on `node` and returns its seq.
fn publish(node: &Node, n: usize) -> u64 {
    let args = practice(n);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    node.json(&args)["seq"].as_u64().unwrap()
}

/// The feed entry of `author` in a `sync --json` answer.
fn feed<'a>(sync: &'a Value, author: &str) -> Option<&'a Value> {
    sync["feeds"]
        .as_array()?
        .iter()
        .find(|feed| feed["author"] == author)
}

fn device(node: &Node) -> String {
    node.json(&["status"])["device"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_restored_node_catches_up_its_own_feed_before_it_publishes_again() {
    let temp = TempDir::new().unwrap();
    let (a_dir, b_dir) = two_founders(temp.path(), "Commons test network");
    let backup_dir = temp.path().join("a-backup");

    // A publishes 5 case studies alone (seq 2..=6, after its delegation), stops, and
    // is backed up.
    let mut a = Node::run_on(&a_dir, &[]);
    let a_device = device(&a);
    let first: Vec<u64> = (1..=5).map(|n| publish(&a, n)).collect();
    assert_eq!(first, vec![2, 3, 4, 5, 6]);
    // A backup of a running node is refused: the copy could be torn.
    at(&a_dir, &["backup", "--out", backup_dir.to_str().unwrap()]).fails_with("stop it first");
    assert!(!backup_dir.exists());
    a.stop();
    let backed_up: Value = serde_json::from_str(
        &at(
            &a_dir,
            &["--json", "backup", "--out", backup_dir.to_str().unwrap()],
        )
        .ok(),
    )
    .unwrap();
    assert_eq!(backed_up["own_seq"], 6, "{backed_up:#}");
    assert!(backup_dir.join(MARK).exists());
    assert!(
        backup_dir.join("notify.redb").exists(),
        "what was notified is backed up, so a restore does not notify it again"
    );
    assert!(
        !a_dir.join(MARK).exists(),
        "the node's own data dir is not marked"
    );

    // A comes back and publishes 5 more (seq 7..=11), which reach B.
    let mut a = Node::run_on(&a_dir, &[]);
    let mut b = Node::run_on(&b_dir, &[a.network_address()]);
    let more: Vec<u64> = (6..=10).map(|n| publish(&a, n)).collect();
    assert_eq!(more, vec![7, 8, 9, 10, 11]);
    b.wait_for_json(
        "B to hold A's feed up to seq 11",
        NETWORK,
        &["sync"],
        |sync| feed(sync, &a_device).is_some_and(|feed| feed["local"]["contiguous"] == 11),
    );
    a.stop();
    b.stop();

    // A's data dir is replaced by the backup; without --replace nothing changes.
    let restore = |extra: &[&str]| {
        let mut args = vec!["restore", backup_dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        at(&a_dir, &args)
    };
    restore(&[]).fails_with("--replace");
    assert!(!a_dir.join(MARK).exists());
    let restored = restore(&["--replace"]).ok();
    assert!(restored.contains("holds publishing"), "{restored}");
    assert!(a_dir.join(MARK).exists());
    let aside: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("a.before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "the replaced data dir is kept: {aside:?}");

    // Started alone, A holds publishing: 503, saying why and what to do.
    let mut a = Node::run_on(&a_dir, &[]);
    let held = a.run(&practice(11).iter().map(String::as_str).collect::<Vec<_>>());
    held.fails_saying(&[
        "publishing is held",
        "restored from a backup",
        "commons sync",
    ]);
    let status = a.json(&["status"]);
    assert_eq!(status["publishing"]["held"], true, "{status:#}");
    assert_eq!(status["publishing"]["own_seq"], 6, "{status:#}");
    assert!(a.run(&["status"]).ok().contains("publish   HELD: "));
    let metrics = metrics_of(&a);
    assert!(
        metrics.contains("\ncommons_publishing_held 1\n"),
        "{metrics}"
    );

    // B comes back and dials A: A pulls its own seq 7..=11 from B, then publishes 12.
    let mut b = Node::run_on(&b_dir, &[a.network_address()]);
    a.wait_for_json(
        "A to pull its own feed up to seq 11 from B",
        NETWORK,
        &["sync"],
        |sync| feed(sync, &a_device).is_some_and(|feed| feed["local"]["max_seq"] == 11),
    );
    a.wait_for_json(
        "A's publishing hold to end",
        NETWORK,
        &["status"],
        |status| status["publishing"]["held"] == false,
    );
    assert!(
        !a_dir.join(MARK).exists(),
        "the mark is removed once caught up"
    );
    assert_eq!(publish(&a, 11), 12);
    b.wait_for_json("B to hold A's seq 12", NETWORK, &["sync"], |sync| {
        feed(sync, &a_device).is_some_and(|feed| feed["local"]["contiguous"] == 12)
    });
    for node in [&a, &b] {
        let status = node.json(&["status"]);
        assert_eq!(status["fork_proofs"], 0, "no fork proof: {status:#}");
        let forks = node.json(&["sync"]);
        assert_eq!(
            feed(&forks, &a_device).unwrap()["local"]["frozen"],
            false,
            "{forks:#}"
        );
    }
    assert!(
        !a.log().contains("fork"),
        "A's log mentions a fork:\n{}",
        a.log()
    );
    b.assert_running();
    a.assert_running();
}

/// `GET /metrics` of a running node, with its token, over a plain HTTP/1.1 request.
fn metrics_of(node: &Node) -> String {
    use std::io::{Read, Write};
    let address = std::fs::read_to_string(node.dir().join("api-address")).unwrap();
    let token = std::fs::read_to_string(node.dir().join("api-token")).unwrap();
    let mut stream = std::net::TcpStream::connect(address.trim()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Connection: close\r\n\r\n",
        token.trim()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    answer
}

#[test]
fn a_plain_restart_publishes_at_once_with_no_peer() {
    let mut node = Node::start();
    assert_eq!(publish(&node, 1), 2);
    let dir = node.dir().to_owned();
    node.stop();
    let node = Node::run_on(&dir, &[]);
    let status = node.json(&["status"]);
    assert_eq!(status["publishing"]["held"], false, "{status:#}");
    assert_eq!(publish(&node, 2), 3);
    assert!(!dir.join(MARK).exists());
}

#[test]
fn a_backup_restores_into_an_empty_place_and_refuses_to_overwrite() {
    let temp = TempDir::new().unwrap();
    let mut node = Node::start();
    publish(&node, 1);
    let dir = node.dir().to_owned();
    node.stop();
    let out = temp.path().join("backup");
    let human = at(&dir, &["backup", "--out", out.to_str().unwrap()]).ok();
    assert!(human.contains("root.key"), "the root key is in it: {human}");
    // Never over an existing directory.
    at(&dir, &["backup", "--out", out.to_str().unwrap()]).fails_with("already exists");
    for secret in ["device.key", "api-token", "root.key", "store.redb", MARK] {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(out.join(secret)).unwrap().permissions(),
        );
        assert_eq!(mode & 0o077, 0, "{secret} is private");
    }
    // Restored on a new machine (a new, empty data dir): marked, and its node starts held.
    let fresh = temp.path().join("new-machine");
    let restored: Value =
        serde_json::from_str(&at(&fresh, &["--json", "restore", out.to_str().unwrap()]).ok())
            .unwrap();
    assert_eq!(restored["own_seq"], 2, "{restored:#}");
    assert_eq!(restored["moved_aside"], Value::Null);
    let node = Node::run_on(&fresh, &[]);
    assert_eq!(node.json(&["status"])["publishing"]["held"], true);
    // A backup is not a data dir to restore into itself.
    at(&out, &["restore", out.to_str().unwrap()]).fails_with("both the backup and the data dir");
}
