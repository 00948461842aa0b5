//! A `commons` node run in the background for a test, and what a command run against
//! a data dir did: the real binary throughout (`commons init`, `commons node run` on
//! free loopback ports, no mDNS), stopped when dropped so a failing test leaves no
//! process behind. Every wait is for a condition, with a deadline.
//!
//! Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

use super::commons;

/// How long a node may take to start answering.
pub const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long a node may take to stop after SIGTERM.
pub const STOP_DEADLINE: Duration = Duration::from_secs(30);
/// The pause between two looks at a condition being waited for, unless a
/// [`Patience`] says otherwise.
pub const POLL_INTERVAL: Duration = Duration::from_millis(25);

/// How long to wait for something, how often to look, and whether a failing command
/// is waited through rather than a failure of the test.
#[derive(Clone, Copy, Debug)]
pub struct Patience {
    pub deadline: Duration,
    pub poll: Duration,
    pub wait_through_failures: bool,
}

/// What a command did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(command: &mut Command) -> Run {
        let output = command.output().unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts success and returns standard output.
    pub fn ok(self) -> String {
        assert_eq!(self.code, Some(0), "{self:#?}");
        self.stdout
    }

    /// Asserts success and parses standard output as one JSON document.
    pub fn json(self) -> Value {
        let stdout = self.ok();
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}: {stdout}"))
    }

    /// Asserts failure with exit code 1, an error on standard error that contains
    /// `expected`, and nothing on standard output.
    pub fn fails_with(&self, expected: &str) {
        self.fails_saying(&[expected]);
        assert!(self.stdout.is_empty(), "{self:#?}");
    }

    /// Asserts failure with exit code 1 and an error on standard error that contains
    /// each of `parts` (standard output is not looked at).
    pub fn fails_saying(&self, parts: &[&str]) {
        assert_eq!(self.code, Some(1), "{self:#?}");
        assert!(self.stderr.starts_with("error: "), "{self:#?}");
        for part in parts {
            assert!(self.stderr.contains(part), "{part:?}: {self:#?}");
        }
    }
}

/// `commons --data-dir DIR args…`.
pub fn at(dir: &Path, args: &[&str]) -> Run {
    Run::of(commons().arg("--data-dir").arg(dir).args(args))
}

/// `commons --data-dir DIR --json args…`, which must succeed with one JSON document.
pub fn json_at(dir: &Path, args: &[&str]) -> Value {
    Run::of(
        commons()
            .arg("--data-dir")
            .arg(dir)
            .arg("--json")
            .args(args),
    )
    .json()
}

/// Waits until `condition` holds, panicking with `what` after `deadline`.
pub fn wait_for(what: &str, deadline: Duration, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < deadline, "timed out waiting for {what}");
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// The text at JSON `pointer` in `value`.
pub fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no text at {pointer}: {value:#}"))
}

/// The ids of a `records list|search --json` answer.
pub fn ids(page: &Value) -> Vec<String> {
    page["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records array: {page:#}"))
        .iter()
        .map(|record| text(record, "/id").to_owned())
        .collect()
}

/// A node running `commons node run` in the background on a data dir, API and network
/// on free loopback ports, no mDNS. Dropping it stops it (SIGTERM, then SIGKILL) and
/// reaps it, and removes the temporary dir it made, if any.
pub struct Node {
    child: Option<Child>,
    dir: PathBuf,
    log: PathBuf,
    _temp: Option<TempDir>,
}

impl Node {
    /// A node of its own: `commons init` in a new temporary dir, then
    /// `commons node run`, waiting until `commons status` succeeds.
    pub fn start() -> Node {
        let temp = TempDir::new().unwrap();
        let dir = temp.path().join("node");
        at(&dir, &["init", "--org-name", "Tenants' Voice Alliance"]).ok();
        let log = temp.path().join("node.log");
        Node::spawn(&dir, &[], log, Some(temp))
    }

    /// Runs the node of the initialised data dir `dir`, dialing each of `bootstrap`,
    /// waiting until `commons status` succeeds. Its log is a new file beside `dir`, so a
    /// dir run twice keeps both logs.
    pub fn run_on(dir: &Path, bootstrap: &[String]) -> Node {
        static STARTS: AtomicUsize = AtomicUsize::new(0);
        let log = dir.with_extension(format!("{}.log", STARTS.fetch_add(1, Ordering::Relaxed)));
        Node::spawn(dir, bootstrap, log, None)
    }

    fn spawn(dir: &Path, bootstrap: &[String], log: PathBuf, temp: Option<TempDir>) -> Node {
        let mut command = commons();
        command
            .arg("--data-dir")
            .arg(dir)
            .args([
                "node",
                "run",
                "--api-listen",
                "127.0.0.1:0",
                "--web-listen",
                "127.0.0.1:0",
            ])
            .args(["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"]);
        for addr in bootstrap {
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
            _temp: temp,
        };
        let start = Instant::now();
        loop {
            node.assert_running();
            if node.dir.join("api-address").exists() && node.run(&["status"]).code == Some(0) {
                return node;
            }
            assert!(
                start.elapsed() < START_DEADLINE,
                "the node did not answer `commons status` within {START_DEADLINE:?}; its log:\n{}",
                node.log()
            );
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `commons --data-dir DIR args…`.
    pub fn run(&self, args: &[&str]) -> Run {
        at(&self.dir, args)
    }

    /// `commons --data-dir DIR --json args…`, which must succeed.
    pub fn json(&self, args: &[&str]) -> Value {
        json_at(&self.dir, args)
    }

    /// The ids of every record the node lists (up to 1,000).
    pub fn record_ids(&self) -> std::collections::BTreeSet<String> {
        let page = self.json(&["records", "list", "--limit", "1000"]);
        page["records"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"))
            .iter()
            .filter_map(|record| record["id"].as_str().map(str::to_owned))
            .collect()
    }

    /// The first line of its `network-addresses` file (written before the API listens,
    /// so present once the node answers).
    pub fn network_address(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("network-addresses")).unwrap();
        text.lines().next().unwrap_or_default().trim().to_owned()
    }

    /// What the node has written to standard error so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Panics, with the node's log, if the node has exited.
    pub fn assert_running(&mut self) {
        if let Some(child) = self.child.as_mut()
            && let Some(status) = child.try_wait().unwrap()
        {
            panic!("the node exited ({status}); its log:\n{}", self.log());
        }
    }

    /// Runs `commons --json args…` until it succeeds and `condition` holds of its
    /// answer, and returns it; panics with the last answer and the node's log after the
    /// deadline. A failing command fails the test at once unless
    /// `patience.wait_through_failures` (a record not held yet, say).
    pub fn wait_for_json(
        &mut self,
        what: &str,
        patience: Patience,
        args: &[&str],
        condition: impl Fn(&Value) -> bool,
    ) -> Value {
        let start = Instant::now();
        loop {
            self.assert_running();
            let (succeeded, value) = if !patience.wait_through_failures {
                (true, self.json(args))
            } else {
                let mut full = vec!["--json"];
                full.extend_from_slice(args);
                let run = self.run(&full);
                if run.code == Some(0) {
                    (
                        true,
                        serde_json::from_str(&run.stdout).unwrap_or(Value::Null),
                    )
                } else {
                    (false, json!({ "failed": run.stderr }))
                }
            };
            if succeeded && condition(&value) {
                return value;
            }
            assert!(
                start.elapsed() < patience.deadline,
                "timed out after {:?} waiting for {what}; last answer:\n{value:#}\n\
                 the node's log:\n{}",
                patience.deadline,
                self.log()
            );
            std::thread::sleep(patience.poll);
        }
    }

    /// Stops the node with SIGTERM and waits for it.
    pub fn stop(&mut self) -> ExitStatus {
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
pub fn terminate(mut child: Child) -> (Option<ExitStatus>, bool) {
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

/// Two founders' data dirs of one new network called `name`, under `temp`: `a` and `b`.
pub fn two_founders(temp: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (a, b) = (temp.join("a"), temp.join("b"));
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    commons_node::founding::init_network(
        &[
            commons_node::founding::FounderDir::new(
                commons_node::data_dir::DataDir::new(&a),
                "Tenants' Voice Alliance",
            ),
            commons_node::founding::FounderDir::new(
                commons_node::data_dir::DataDir::new(&b),
                "Land Defenders Network",
            ),
        ],
        name,
        u64::try_from(now_ms).unwrap(),
    )
    .unwrap();
    (a, b)
}

/// Three founders' data dirs of one new network (periodic sync every 2 s, Kademlia
/// off: the test dials the peers itself).
pub fn three_founders(temp: &Path) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = ["a", "b", "c"].iter().map(|name| temp.join(name)).collect();
    let names = [
        "Women and Land Collective",
        "Community Paralegals Circle",
        "Coastal Fishers' Union",
    ];
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let founders: Vec<commons_node::founding::FounderDir> = dirs
        .iter()
        .zip(names)
        .map(|(dir, name)| {
            commons_node::founding::FounderDir::new(commons_node::data_dir::DataDir::new(dir), name)
        })
        .collect();
    commons_node::founding::init_network(
        &founders,
        "Land Rights Network",
        u64::try_from(now_ms).unwrap(),
    )
    .unwrap();
    for dir in &dirs {
        let mut config = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join("config.toml"))
            .unwrap();
        writeln!(config, "\nsync_interval_secs = 2\nkademlia = false").unwrap();
    }
    dirs
}

/// Whether any file under `dir` contains `needle`.
pub fn written_anywhere(dir: &Path, needle: &[u8]) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if let Some(found) = written_anywhere(&path, needle) {
                return Some(found);
            }
        } else if std::fs::read(&path)
            .unwrap()
            .windows(needle.len())
            .any(|window| window == needle)
        {
            return Some(path);
        }
    }
    None
}
