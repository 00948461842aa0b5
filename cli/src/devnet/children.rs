//! What step 3 of a devnet starts its nodes under, until the last step stops them: the
//! supervisor of the nodes' child processes ([`Children`]), which never leaves one
//! behind, and the end of a failed node's log ([`log_tail`]).

use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::anyhow;

use super::{POLL_INTERVAL, progress};

/// How long a node has to stop after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// How many lines of a failed node's log an error quotes.
const LOG_TAIL_LINES: usize = 15;

/// The devnet's child processes. Dropping this stops them all, so that no node outlives
/// the devnet, whether it ends normally, with an error or on Ctrl-C.
#[derive(Debug, Default)]
pub(super) struct Children {
    running: Vec<RunningChild>,
}

#[derive(Debug)]
struct RunningChild {
    child: Child,
    name: String,
    log: PathBuf,
}

impl Children {
    /// Adds `child`; answers its slot.
    pub(super) fn push(&mut self, child: Child, name: &str, log: &Path) -> usize {
        self.running.push(RunningChild {
            child,
            name: name.to_owned(),
            log: log.to_owned(),
        });
        self.running.len() - 1
    }

    /// Every child's slot.
    pub(super) fn slots(&self) -> Range<usize> {
        0..self.running.len()
    }

    /// An error if the child in `slot` has exited, quoting the end of its log.
    pub(super) fn check_running(&mut self, slot: usize) -> anyhow::Result<()> {
        let Some(running) = self.running.get_mut(slot) else {
            return Ok(());
        };
        match running.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(anyhow!(
                "node {slot} ({}) exited ({status}); the end of its log {}:\n{}",
                running.name,
                running.log.display(),
                log_tail(&running.log)
            )),
            Err(error) => Err(anyhow!(
                "could not check on node {slot} ({}): {error}",
                running.name
            )),
        }
    }

    /// An error if any child has exited.
    pub(super) fn check_all(&mut self) -> anyhow::Result<()> {
        self.slots().try_for_each(|slot| self.check_running(slot))
    }

    /// Sends SIGTERM to every child still running, waits up to [`STOP_GRACE`] for them
    /// to finish shutting down, then kills the rest, and reaps them all.
    pub(super) fn stop(&mut self) {
        let mut pids = Vec::new();
        for running in &mut self.running {
            if matches!(running.child.try_wait(), Ok(None)) {
                pids.push(running.child.id().to_string());
            }
        }
        if !pids.is_empty() {
            // `kill` from the system: sending a signal ourselves needs `unsafe`, which
            // this workspace forbids, and std's `Child::kill` is SIGKILL only.
            let sent = Command::new("kill")
                .arg("-TERM")
                .args(&pids)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let grace_start = Instant::now();
            if sent.is_ok() {
                while grace_start.elapsed() < STOP_GRACE
                    && self
                        .running
                        .iter_mut()
                        .any(|running| matches!(running.child.try_wait(), Ok(None)))
                {
                    std::thread::sleep(POLL_INTERVAL);
                }
            }
        }
        for mut running in self.running.drain(..) {
            if matches!(running.child.try_wait(), Ok(None)) {
                progress(&format!(
                    "{} did not stop within {} s of SIGTERM: killing it",
                    running.name,
                    STOP_GRACE.as_secs()
                ));
                let _ = running.child.kill();
            }
            let _ = running.child.wait();
        }
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last [`LOG_TAIL_LINES`] lines of a node's log (at most 64 KiB of it is read).
fn log_tail(path: &Path) -> String {
    let mut text = String::new();
    let read = File::open(path).and_then(|file| {
        let length = file.metadata()?.len();
        let mut file = file;
        std::io::Seek::seek(
            &mut file,
            std::io::SeekFrom::Start(length.saturating_sub(64 * 1024)),
        )?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(())
    });
    if let Err(error) = read {
        return format!("  (could not read it: {error})");
    }
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(LOG_TAIL_LINES);
    lines[start..]
        .iter()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
