//! A `commons` node run in the background for a test, and what a command run against
//! it did: the real binary throughout (`commons init`, `commons node run` on a free
//! loopback port), each node in its own temporary data dir, stopped when dropped.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::commons;

/// How long a node may take to start answering.
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long a node may take to stop after SIGTERM.
const STOP_DEADLINE: Duration = Duration::from_secs(30);
/// The pause between two looks at a condition being waited for.
const POLL_INTERVAL: Duration = Duration::from_millis(25);

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
        assert_eq!(self.code, Some(1), "{self:#?}");
        assert!(self.stderr.starts_with("error: "), "{self:#?}");
        assert!(self.stderr.contains(expected), "{expected:?}: {self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
    }
}

/// Waits until `condition` holds, panicking with `what` after `deadline`.
pub fn wait_for(what: &str, deadline: Duration, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < deadline, "timed out waiting for {what}");
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// A node running in the background on its own data dir, API on a free loopback port.
/// Dropping it stops it, so a failing test never leaves a process behind.
pub struct Node {
    child: Option<Child>,
    dir: PathBuf,
    log: PathBuf,
    _temp: TempDir,
}

impl Node {
    /// `commons init`, then `commons node run --api-listen 127.0.0.1:0`, waiting until
    /// `commons status` succeeds.
    pub fn start() -> Node {
        let temp = TempDir::new().unwrap();
        let dir = temp.path().join("node");
        Run::of(commons().arg("--data-dir").arg(&dir).args([
            "init",
            "--org-name",
            "Tenants' Voice Alliance",
        ]))
        .ok();
        let log = temp.path().join("node.log");
        let child = commons()
            .arg("--data-dir")
            .arg(&dir)
            .args(["node", "run", "--api-listen", "127.0.0.1:0"])
            .args(["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"])
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut node = Node {
            child: Some(child),
            dir,
            log,
            _temp: temp,
        };
        wait_for(
            "the node to answer `commons status`",
            START_DEADLINE,
            || {
                node.assert_running();
                node.dir.join("api-address").exists() && node.run(&["status"]).code == Some(0)
            },
        );
        node
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `commons --data-dir DIR args…`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(commons().arg("--data-dir").arg(&self.dir).args(args))
    }

    /// `commons --data-dir DIR --json args…`, which must succeed.
    pub fn json(&self, args: &[&str]) -> Value {
        Run::of(
            commons()
                .arg("--data-dir")
                .arg(&self.dir)
                .arg("--json")
                .args(args),
        )
        .json()
    }

    pub fn assert_running(&mut self) {
        if let Some(child) = self.child.as_mut()
            && let Some(status) = child.try_wait().unwrap()
        {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            panic!("the node exited ({status}); its log:\n{log}");
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

pub fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no text at {pointer}: {value:#}"))
}
