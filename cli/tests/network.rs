//! `commons peers`, `commons sync` and the network lines of `commons status` on the
//! real binary: two nodes run with `commons node run` on loopback (no mDNS), the
//! second dialing the first from its `network-addresses` file. Founders of one charter
//! see each other as members and sync; two nodes made by separate `commons init`s are
//! on different networks, so each sees the other connected but not a member. Nothing
//! sleeps for a fixed time: each test waits for a condition, with a deadline.
#![allow(clippy::unwrap_used)]

mod common;

use common::commons;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use commons_node::data_dir::{DataDir, FounderDir, init_network};
use serde_json::Value;
use tempfile::TempDir;

/// How long a node may take to start answering.
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long two nodes may take to connect, say hello and sync.
const NETWORK_DEADLINE: Duration = Duration::from_secs(60);
/// How long a node may take to stop after SIGTERM.
const STOP_DEADLINE: Duration = Duration::from_secs(30);
/// The pause between two looks at a condition being waited for.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// What a command did.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(command: &mut Command) -> Run {
        let output = command.output().unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts success and returns standard output.
    fn ok(self) -> String {
        assert_eq!(
            self.code,
            Some(0),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self.stdout
    }
}

/// A node running `commons node run` in the background on a data dir. Dropping it
/// stops it (SIGTERM, then SIGKILL) and reaps it, so a failing test leaves no process
/// behind.
struct Node {
    child: Option<Child>,
    dir: PathBuf,
    log: PathBuf,
}

impl Node {
    /// Runs the node of the initialised data dir `dir` on loopback, API and network on
    /// free ports, no mDNS, dialing `bootstrap`; waits until `commons status` succeeds.
    fn start(dir: &Path, bootstrap: Option<&str>) -> Node {
        let log = dir.with_extension("log");
        let mut command = commons();
        command
            .arg("--data-dir")
            .arg(dir)
            .args(["node", "run", "--api-listen", "127.0.0.1:0"])
            .args(["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"]);
        if let Some(addr) = bootstrap {
            command.args(["--bootstrap", addr]);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut node = Node {
            child: Some(child),
            dir: dir.to_owned(),
            log,
        };
        let start = Instant::now();
        loop {
            node.assert_running();
            if node.dir.join("api-address").exists() && node.run(&["status"]).code == Some(0) {
                break;
            }
            assert!(
                start.elapsed() < START_DEADLINE,
                "the node did not answer `commons status` within {START_DEADLINE:?}; its log:\n{}",
                node.log()
            );
            std::thread::sleep(POLL_INTERVAL);
        }
        node
    }

    /// `commons --data-dir DIR args…`.
    fn run(&self, args: &[&str]) -> Run {
        Run::of(commons().arg("--data-dir").arg(&self.dir).args(args))
    }

    /// `commons --data-dir DIR --json args…`, which must succeed with one JSON document.
    fn json(&self, args: &[&str]) -> Value {
        let stdout = Run::of(
            commons()
                .arg("--data-dir")
                .arg(&self.dir)
                .arg("--json")
                .args(args),
        )
        .ok();
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}: {stdout}"))
    }

    /// The first address of its `network-addresses` file (written before the API
    /// listens, so present once the node answers).
    fn network_address(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("network-addresses")).unwrap();
        let addr = text.lines().next().unwrap_or_default().trim().to_owned();
        assert!(
            addr.starts_with("/ip4/127.0.0.1/tcp/") && addr.contains("/p2p/"),
            "{text}"
        );
        addr
    }

    /// Its device, `dev_…`, as `commons status --json` shows it.
    fn device(&self) -> String {
        self.json(&["status"])["device"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn assert_running(&mut self) {
        if let Some(child) = self.child.as_mut()
            && let Some(status) = child.try_wait().unwrap()
        {
            panic!("the node exited ({status}); its log:\n{}", self.log());
        }
    }

    /// Runs `commons --json args…` until `condition` holds of its answer, and returns
    /// it; panics with the last answer and the node's log after [`NETWORK_DEADLINE`].
    fn wait_for_json(
        &mut self,
        what: &str,
        args: &[&str],
        condition: impl Fn(&Value) -> bool,
    ) -> Value {
        let start = Instant::now();
        loop {
            self.assert_running();
            let value = self.json(args);
            if condition(&value) {
                return value;
            }
            assert!(
                start.elapsed() < NETWORK_DEADLINE,
                "timed out after {NETWORK_DEADLINE:?} waiting for {what}; last answer:\n{value:#}\n\
                 the node's log:\n{}",
                self.log()
            );
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Stops the node with SIGTERM and waits for it.
    fn stop(&mut self) -> ExitStatus {
        let child = self.child.take().expect("the node is running");
        let (status, in_time) = terminate(child);
        assert!(
            in_time,
            "the node did not stop within {STOP_DEADLINE:?} of SIGTERM ({status:?})"
        );
        status.expect("the node's exit status")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            let _ = terminate(child);
        }
    }
}

/// SIGTERM, then up to [`STOP_DEADLINE`] for the child to exit, then SIGKILL. Says how
/// it ended and whether that was within the deadline; never panics, as it runs in
/// `drop` too.
fn terminate(mut child: Child) -> (Option<ExitStatus>, bool) {
    if let Ok(Some(status)) = child.try_wait() {
        return (Some(status), true);
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let start = Instant::now();
    while start.elapsed() < STOP_DEADLINE {
        if let Ok(Some(status)) = child.try_wait() {
            return (Some(status), true);
        }
        std::thread::sleep(POLL_INTERVAL);
    }
    let _ = child.kill();
    (child.wait().ok(), false)
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
    let mut a = Node::start(&a_dir, None);
    let mut b = Node::start(&b_dir, Some(&a.network_address()));
    let (a_device, b_device) = (a.device(), b.device());

    // Each is the other's member peer, and admits the other.
    let peers = a.wait_for_json("A to see B as an admitting member", &["peers"], |peers| {
        entry(peers, "device", &b_device)
            .is_some_and(|peer| peer["member"] == true && peer["admitted_us"] == true)
    });
    let peer = entry(&peers, "device", &b_device).unwrap();
    assert!(peer["org"].as_str().unwrap().starts_with("org_"), "{peer}");
    b.wait_for_json("B to see A as an admitting member", &["peers"], |peers| {
        entry(peers, "device", &a_device)
            .is_some_and(|peer| peer["member"] == true && peer["admitted_us"] == true)
    });

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
    let sync = a.wait_for_json("A to hold B's case study", &["sync"], |sync| {
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
    let mut a = Node::start(&a_dir, None);
    let b = Node::start(&b_dir, Some(&a.network_address()));
    let (a_device, b_device) = (a.device(), b.device());

    // Each `commons init` founds a one-member network of its own: B connects, but A's
    // roster does not know its device, and B does not admit A.
    let peers = a.wait_for_json("A to see B answer its hello", &["peers"], |peers| {
        entry(peers, "device", &b_device).is_some_and(|peer| !peer["admitted_us"].is_null())
    });
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
