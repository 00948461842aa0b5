//! A js-libp2p peer, run with `node` from `tests/interop-js/peer.mjs`: an independent
//! implementation of libp2p that dials a Commons node over TCP/Noise/Yamux, pings it
//! and gossips on its records topic. [`JsPeer`] spawns one, writes its commands (one
//! JSON object per line on its standard input) and waits, with a deadline, for the
//! events it prints (one JSON object per line on its standard output), each stamped
//! with the moment it was read. The process is killed and reaped when the [`JsPeer`]
//! is dropped; it also exits by itself when its standard input closes.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::baseline::npm_ci;

/// The script every peer runs.
pub const PEER_SCRIPT: &str = "peer.mjs";
/// How long a peer process may live, whatever its test does: the script exits by itself
/// then (passed as `--deadline-secs`).
pub const PEER_LIFETIME: Duration = Duration::from_secs(300);
/// How many lines of a peer's standard error an error message shows.
const STDERR_TAIL_LINES: usize = 20;

/// The directory of the JS peer: `tests/interop-js` in the source tree.
pub fn interop_js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop-js")
}

/// Installs the pinned packages of [`interop_js_dir`] with `npm ci` if `node_modules`
/// is missing (`.ci/run` installs them before the tests; this covers a plain
/// `cargo test` on a fresh clone).
pub fn ensure_installed() -> Result<()> {
    let dir = interop_js_dir();
    if !dir.join("node_modules").is_dir() {
        npm_ci(&dir)?;
    }
    Ok(())
}

/// One line the peer printed, and when it was read.
#[derive(Debug, Clone)]
pub struct PeerEvent {
    /// When this process read the line.
    pub at: Instant,
    /// The line's JSON object.
    pub value: Value,
}

impl PeerEvent {
    /// Its `event` field.
    pub fn kind(&self) -> &str {
        self.value
            .get("event")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Its string field `name`, or "".
    pub fn text(&self, name: &str) -> &str {
        self.value
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// A running js-libp2p peer.
#[derive(Debug)]
pub struct JsPeer {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<(Instant, std::io::Result<String>)>,
    /// Every event read so far, and whether a wait has taken it.
    events: Vec<(PeerEvent, bool)>,
    stderr_path: PathBuf,
    peer_id: String,
}

impl JsPeer {
    /// Starts `node peer.mjs` with the ed25519 key of `seed`, dialing `dial` (a
    /// multiaddr ending in `/p2p/<peer id>`) and subscribing to `topic`; its standard
    /// error goes to `stderr_path`. Returns once it has printed its peer id.
    pub fn spawn(
        name: &str,
        seed: &[u8; 32],
        dial: &str,
        topic: &str,
        stderr_path: &Path,
        deadline: Duration,
    ) -> Result<JsPeer> {
        let stderr = File::create(stderr_path)
            .with_context(|| format!("creating {}", stderr_path.display()))?;
        let mut child = Command::new("node")
            .arg(PEER_SCRIPT)
            .args(["--seed", &commons_protocol::text::hex(seed)])
            .args(["--dial", dial, "--topic", topic])
            .args(["--deadline-secs", &PEER_LIFETIME.as_secs().to_string()])
            .current_dir(interop_js_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .context("starting `node peer.mjs` (is Node.js 20 or later installed?)")?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().context("the peer's stdout is piped")?;
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if sender.send((Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        let mut peer = JsPeer {
            name: name.to_owned(),
            child,
            stdin,
            lines,
            events: Vec::new(),
            stderr_path: stderr_path.to_owned(),
            peer_id: String::new(),
        };
        let started =
            peer.wait_event(deadline, "its peer id", |event| event.kind() == "started")?;
        peer.peer_id = started.text("peer_id").to_owned();
        Ok(peer)
    }

    /// Its libp2p peer id.
    pub fn peer_id(&self) -> &str {
        &self.peer_id
    }

    /// Writes `command` on the peer's standard input; returns when it was written.
    pub fn send(&mut self, command: &Value) -> Result<Instant> {
        let stdin = self
            .stdin
            .as_mut()
            .with_context(|| format!("{}: standard input already closed", self.name))?;
        writeln!(stdin, "{command}")
            .and_then(|()| stdin.flush())
            .with_context(|| format!("{}: writing a command", self.name))?;
        Ok(Instant::now())
    }

    /// Asks the peer to gossip `data` on its topic; returns when the command was
    /// written. Its answer is a `published` event (or an `error`).
    pub fn publish(&mut self, data: &[u8]) -> Result<Instant> {
        self.send(&json!({"command": "publish", "data": commons_protocol::text::hex(data)}))
    }

    /// The first event not taken yet for which `matches` holds, waiting for it until
    /// `deadline` has passed; it is taken. Fails at once if the peer reports an error
    /// or exits.
    pub fn wait_event(
        &mut self,
        deadline: Duration,
        what: &str,
        mut matches: impl FnMut(&PeerEvent) -> bool,
    ) -> Result<PeerEvent> {
        let end = Instant::now() + deadline;
        let mut checked = 0;
        loop {
            for (event, taken) in &mut self.events[checked..] {
                if !*taken && matches(event) {
                    *taken = true;
                    return Ok(event.clone());
                }
                if event.kind() == "error" {
                    bail!(
                        "{} reported an error while this test waited for {what}: {}",
                        self.name,
                        event.value
                    );
                }
            }
            checked = self.events.len();
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((at, line)) => {
                    let line = line.with_context(|| format!("reading {}'s output", self.name))?;
                    let value: Value = serde_json::from_str(&line).with_context(|| {
                        format!("{} printed a line that is not JSON: {line}", self.name)
                    })?;
                    self.events.push((PeerEvent { at, value }, false));
                }
                Err(RecvTimeoutError::Timeout) => bail!(
                    "{} did not report {what} within {deadline:?}; its stderr:\n{}",
                    self.name,
                    self.stderr_tail()
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self
                        .child
                        .wait()
                        .map_or_else(|e| e.to_string(), |s| s.to_string());
                    bail!(
                        "{} exited ({status}) before reporting {what}; its stderr:\n{}",
                        self.name,
                        self.stderr_tail()
                    )
                }
            }
        }
    }

    /// Every event read so far whose kind is `kind`, taken or not.
    pub fn events_of(&self, kind: &str) -> Vec<PeerEvent> {
        self.events
            .iter()
            .filter(|(event, _)| event.kind() == kind)
            .map(|(event, _)| event.clone())
            .collect()
    }

    /// Closes the peer's standard input, which makes it stop, and waits (until
    /// `deadline`) for it to exit; fails if it does not exit, or exits with an error.
    pub fn close(mut self, deadline: Duration) -> Result<()> {
        drop(self.stdin.take());
        let exited = crate::poll_for(deadline, || {
            // Draining its output keeps the pipe from filling while it stops.
            while self.lines.try_recv().is_ok() {}
            self.child.try_wait().transpose()
        });
        match exited {
            None => bail!(
                "{} did not exit within {deadline:?} of its input closing",
                self.name
            ),
            Some(status) => {
                let status = status?;
                if !status.success() {
                    bail!(
                        "{} exited with {status}; its stderr:\n{}",
                        self.name,
                        self.stderr_tail()
                    );
                }
                Ok(())
            }
        }
    }

    /// The last lines of the peer's standard error.
    pub fn stderr_tail(&self) -> String {
        let text = fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..].join("\n")
    }
}

impl Drop for JsPeer {
    fn drop(&mut self) {
        // An error means it already exited; wait reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
