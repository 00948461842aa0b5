//! The peer baselines of the network benchmarks: what other systems achieve on this
//! machine, measured the same way (separate processes, loopback, 1 KiB payloads), so
//! the node's own figures have something to be compared with in the same run.
//!
//! | function | what it measures |
//! |---|---|
//! | [`gossipsub_rate`] | bare rust-libp2p gossipsub, one publisher to one subscriber (`src/bin/gossip-baseline.rs`) |
//! | [`hypercore_rate`] | hypercore 11 replicating a feed into an empty core (`hypercore/replicate.js`, run with `node`) |
//! | [`http_download`] | `curl` downloading files from `python3 -m http.server` on loopback, for the attachment transfer |
//!
//! Each spawns its processes, reads the one JSON line the measuring side prints, and
//! kills everything it started, also on an error or a panic (a [`ChildGuard`] per
//! process). Every wait has a deadline that grows with the count, so a stuck peer is an
//! error rather than a hang. The figures are printed by the ignored tests below:
//!
//! ```text
//! cargo build --release -p commons-tests --bin gossip-baseline
//! cargo test --release -p commons-tests --lib baseline -- --ignored --nocapture --test-threads 1
//! ```
//!
//! (one at a time: two baselines at once on two cores would measure each other), with
//! `BASELINE_COUNT=N` for another count than 100,000.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use serde::{Deserialize, Serialize};

/// The payload of every message and block in the baselines.
pub const PAYLOAD_BYTES: usize = 1024;
/// The name of the gossipsub baseline binary, built beside this crate's other targets.
pub const GOSSIP_BASELINE_BIN: &str = "gossip-baseline";
/// Time allowed for what does not grow with the count: starting processes, connecting,
/// subscribing.
const SETUP_DEADLINE: Duration = Duration::from_secs(60);
/// The slowest rate still taken for a result: the deadlines allow for this many
/// messages or blocks per second on top of [`SETUP_DEADLINE`].
const SLOWEST_RATE_PER_SECOND: u64 = 500;
/// How long `npm ci` may take.
const NPM_CI_DEADLINE: Duration = Duration::from_secs(300);
/// How often the processes working with the one being read are checked on.
const PEER_CHECK_INTERVAL: Duration = Duration::from_millis(100);
/// How often a process run to completion is checked on.
const EXIT_POLL_INTERVAL: Duration = Duration::from_millis(20);

/// A measured rate: `count` messages or blocks in `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BaselineRate {
    /// How many messages or blocks were delivered.
    pub count: u64,
    /// How long the measuring side took for them.
    pub seconds: f64,
    /// Messages or blocks per second, as the measuring side computed it.
    pub per_second: f64,
}

/// The receiver's line: `{"received": N, "seconds": S, "per_second": R}`.
#[derive(Debug, Deserialize)]
struct ReceiverReport {
    received: u64,
    seconds: f64,
    per_second: f64,
}

/// The fetcher's line: `{"blocks": N, "seconds": S, "per_second": R}`.
#[derive(Debug, Deserialize)]
struct FetchReport {
    blocks: u64,
    seconds: f64,
    per_second: f64,
}

/// The `gossip-baseline` binary beside the running executable (in `target/<profile>`,
/// above `deps/` for a test), where `cargo build -p commons-tests --bin gossip-baseline`
/// puts it.
pub fn gossip_baseline_binary() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("the path of the running executable")?;
    let mut dir = exe.parent().context("the executable's directory")?;
    if dir.file_name().is_some_and(|name| name == "deps") {
        dir = dir.parent().context("the profile directory above deps/")?;
    }
    Ok(dir.join(format!(
        "{GOSSIP_BASELINE_BIN}{}",
        std::env::consts::EXE_SUFFIX
    )))
}

/// The directory of the hypercore baseline: `tests/hypercore` in the source tree.
pub fn hypercore_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("hypercore")
}

/// Bare gossipsub: runs `binary receive` and `binary send` (the `gossip-baseline`
/// binary) as two processes on loopback, `count` messages of [`PAYLOAD_BYTES`], and
/// returns the receiver's rate, timed from its first message to its last (so the rate
/// is of the `count - 1` messages after the first). Gossipsub drops duplicates by
/// message id, the SHA-256 of the bytes, so the messages counted are distinct.
pub fn gossipsub_rate(binary: &Path, count: u64) -> Result<BaselineRate> {
    ensure!(count >= 2, "the receiver's clock needs at least 2 messages");
    let deadline = Instant::now() + deadline_for(count);
    let timeout_secs = deadline_for(count).as_secs().to_string();
    let count_arg = count.to_string();

    let mut receiver = ChildGuard::spawn(
        Command::new(binary)
            .args(["receive", "--listen", "/ip4/127.0.0.1/tcp/0"])
            .args(["--count", &count_arg, "--timeout-secs", &timeout_secs])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()),
        "gossip-baseline receive",
    )?;
    let lines = receiver.lines()?;
    let listen = lines.find(
        &mut receiver,
        &mut [],
        deadline,
        "its LISTEN line",
        |line| line.strip_prefix("LISTEN ").map(str::to_owned),
    )?;

    let mut sender = ChildGuard::spawn(
        Command::new(binary)
            .args(["send", "--peer", &listen, "--count", &count_arg])
            .args(["--size", &PAYLOAD_BYTES.to_string()])
            .args(["--timeout-secs", &timeout_secs])
            .stdin(Stdio::null())
            // The sender's own summary is not the figure.
            .stdout(Stdio::null())
            .stderr(Stdio::inherit()),
        "gossip-baseline send",
    )?;
    let report: ReceiverReport = lines.find(
        &mut receiver,
        &mut [&mut sender],
        deadline,
        "its figures",
        json_line,
    )?;
    ensure!(
        report.received == count,
        "the receiver reports {} messages, not {count}",
        report.received
    );
    Ok(BaselineRate {
        count: report.received,
        seconds: report.seconds,
        per_second: report.per_second,
    })
}

/// Hypercore: in `dir` (see [`hypercore_dir`]), installs the pinned packages with
/// `npm ci` if `node_modules` is missing, starts `node replicate.js serve` (a writer
/// core of `blocks` blocks of [`PAYLOAD_BYTES`]), then `node replicate.js fetch` (an
/// empty reader core in another process, over TCP on loopback), and returns the
/// fetcher's rate, timed from connecting to holding every block. The cores' storage is
/// in a temporary directory removed afterwards.
pub fn hypercore_rate(dir: &Path, blocks: u64) -> Result<BaselineRate> {
    ensure!(blocks >= 1, "nothing to replicate");
    if !dir.join("node_modules").is_dir() {
        npm_ci(dir)?;
    }
    // Both processes put their storage under TMPDIR; this directory is removed when it
    // is dropped, even if a process was killed before cleaning up after itself.
    let storage = tempfile::Builder::new()
        .prefix("hypercore-baseline-")
        .tempdir()
        .context("a temporary directory for the cores")?;
    let deadline = Instant::now() + deadline_for(blocks);
    let blocks_arg = blocks.to_string();

    let mut server = ChildGuard::spawn(
        Command::new("node")
            .args(["replicate.js", "serve", &blocks_arg])
            .arg(PAYLOAD_BYTES.to_string())
            .current_dir(dir)
            .env("TMPDIR", storage.path())
            // A pipe: replicate.js stops serving when it closes, so the server cannot
            // outlive this process even if this process is killed.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()),
        "node replicate.js serve",
    )?;
    let server_lines = server.lines()?;
    let (port, key) = server_lines.find(
        &mut server,
        &mut [],
        deadline,
        "its SERVING line",
        parse_serving,
    )?;

    let mut fetcher = ChildGuard::spawn(
        Command::new("node")
            .args([
                "replicate.js",
                "fetch",
                &port.to_string(),
                &key,
                &blocks_arg,
            ])
            .current_dir(dir)
            .env("TMPDIR", storage.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()),
        "node replicate.js fetch",
    )?;
    let fetch_lines = fetcher.lines()?;
    let report: FetchReport = fetch_lines.find(
        &mut fetcher,
        &mut [&mut server],
        deadline,
        "its figures",
        json_line,
    )?;
    ensure!(
        report.blocks == blocks,
        "the fetcher reports {} blocks, not {blocks}",
        report.blocks
    );
    // The fetcher removes its own storage on the way out; let it, before the server
    // and the directory go.
    let status = fetcher.wait_until(deadline)?;
    ensure!(
        status.success(),
        "node replicate.js fetch failed ({status})"
    );
    drop(server);
    drop(storage);
    Ok(BaselineRate {
        count: report.blocks,
        seconds: report.seconds,
        per_second: report.per_second,
    })
}

/// What `curl` measured downloading files from a local HTTP server.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HttpDownload {
    /// Files downloaded.
    pub files: usize,
    /// Bytes downloaded.
    pub bytes: u64,
    /// Wall time of the one `curl` run that fetched them all.
    pub seconds: f64,
    /// Bytes per second.
    pub bytes_per_second: f64,
}

/// How long the HTTP baseline may take, whatever the size.
const HTTP_DEADLINE: Duration = Duration::from_secs(300);

/// `curl` downloading every file of `dir` named in `names` from `python3 -m
/// http.server` serving `dir` on 127.0.0.1, into `out` (a directory on the same disk),
/// in one `curl` run (one connection, kept alive), timed from starting `curl` to its
/// exit. Both processes are killed and reaped on any error.
pub fn http_download(dir: &Path, names: &[String], out: &Path) -> Result<HttpDownload> {
    let deadline = Instant::now() + HTTP_DEADLINE;
    let mut server = ChildGuard::spawn(
        Command::new("python3")
            .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
        "python3 -m http.server",
    )?;
    let lines = server.lines()?;
    // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
    let port: u16 = lines.find(&mut server, &mut [], deadline, "its port", |line| {
        line.split_whitespace()
            .skip_while(|word| *word != "port")
            .nth(1)
            .and_then(|port| port.parse().ok())
    })?;
    let mut command = Command::new("curl");
    command.args(["--silent", "--show-error", "--fail"]);
    let mut bytes = 0u64;
    for name in names {
        bytes += std::fs::metadata(dir.join(name))
            .with_context(|| format!("the size of {name}"))?
            .len();
        command
            .arg("-o")
            .arg(out.join(name))
            .arg(format!("http://127.0.0.1:{port}/{name}"));
    }
    let started = Instant::now();
    let mut curl = ChildGuard::spawn(command.stdin(Stdio::null()).stdout(Stdio::null()), "curl")?;
    let status = curl.wait_until(deadline)?;
    let seconds = started.elapsed().as_secs_f64();
    ensure!(status.success(), "curl failed ({status})");
    for name in names {
        let got = std::fs::metadata(out.join(name))?.len();
        let want = std::fs::metadata(dir.join(name))?.len();
        ensure!(got == want, "curl wrote {got} bytes of {name}, not {want}");
    }
    Ok(HttpDownload {
        files: names.len(),
        bytes,
        seconds,
        bytes_per_second: bytes as f64 / seconds,
    })
}

/// The time allowed for a run of `count` messages or blocks.
fn deadline_for(count: u64) -> Duration {
    SETUP_DEADLINE + Duration::from_secs(count.div_ceil(SLOWEST_RATE_PER_SECOND))
}

/// `npm ci` in `dir`, within [`NPM_CI_DEADLINE`]: the exact versions of the committed
/// `package-lock.json`.
pub fn npm_ci(dir: &Path) -> Result<()> {
    let mut npm = ChildGuard::spawn(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit()),
        "npm ci",
    )?;
    let status = npm.wait_until(Instant::now() + NPM_CI_DEADLINE)?;
    ensure!(
        status.success(),
        "npm ci in {} failed ({status})",
        dir.display()
    );
    Ok(())
}

/// `SERVING <port> <key hex>`, as `replicate.js serve` prints it.
fn parse_serving(line: &str) -> Option<(u16, String)> {
    let mut words = line.strip_prefix("SERVING ")?.split_whitespace();
    let port = words.next()?.parse().ok()?;
    let key = words.next()?;
    let is_key = key.len() == 64 && key.bytes().all(|byte| byte.is_ascii_hexdigit());
    (is_key && words.next().is_none()).then(|| (port, key.to_owned()))
}

/// A line that is a JSON object of the expected shape.
fn json_line<T: for<'de> Deserialize<'de>>(line: &str) -> Option<T> {
    serde_json::from_str(line).ok()
}

/// A child process that is killed and reaped when dropped, whatever happened.
#[derive(Debug)]
pub struct ChildGuard {
    child: Child,
    what: &'static str,
}

impl ChildGuard {
    /// Starts `command`; `what` names it in errors.
    pub fn spawn(command: &mut Command, what: &'static str) -> Result<ChildGuard> {
        let child = command
            .spawn()
            .with_context(|| format!("starting {what}"))?;
        Ok(ChildGuard { child, what })
    }

    /// The lines of the child's standard output (which must be piped), read on a thread
    /// of their own so that waiting for one can have a deadline.
    fn lines(&mut self) -> Result<Lines> {
        let stdout = self
            .child
            .stdout
            .take()
            .with_context(|| format!("the standard output of {} is not piped", self.what))?;
        Ok(Lines::read(stdout))
    }

    /// Waits for the child to exit, at most until `deadline`.
    pub fn wait_until(&mut self, deadline: Instant) -> Result<ExitStatus> {
        loop {
            if let Some(status) = self
                .child
                .try_wait()
                .with_context(|| format!("checking on {}", self.what))?
            {
                return Ok(status);
            }
            let now = Instant::now();
            if now >= deadline {
                bail!("{} did not finish in time", self.what);
            }
            thread::sleep(EXIT_POLL_INTERVAL.min(deadline - now));
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // An error means it already exited; wait reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child's standard output, line by line, from a reader thread. The thread ends when
/// the child closes its output (it exits or is killed).
#[derive(Debug)]
struct Lines {
    receiver: Receiver<std::io::Result<String>>,
}

impl Lines {
    fn read(output: impl Read + Send + 'static) -> Lines {
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(output).lines() {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Lines { receiver }
    }

    /// The first line for which `parse` gives a value; lines before it are skipped.
    /// Fails if `child` closes its output first, if one of `peers` (the processes
    /// `child` works with) fails, or at `deadline`.
    fn find<T>(
        &self,
        child: &mut ChildGuard,
        peers: &mut [&mut ChildGuard],
        deadline: Instant,
        what: &str,
        mut parse: impl FnMut(&str) -> Option<T>,
    ) -> Result<T> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.receiver.recv_timeout(left.min(PEER_CHECK_INTERVAL)) {
                Ok(line) => {
                    let line =
                        line.with_context(|| format!("reading the output of {}", child.what))?;
                    if let Some(found) = parse(line.trim()) {
                        return Ok(found);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if left <= PEER_CHECK_INTERVAL {
                        bail!("{} did not print {what} in time", child.what);
                    }
                    // A failed peer means `child` may wait for it until the deadline.
                    for peer in peers.iter_mut() {
                        if let Some(status) = peer.child.try_wait().ok().flatten()
                            && !status.success()
                        {
                            bail!(
                                "{} failed ({status}) before {} printed {what}",
                                peer.what,
                                child.what
                            );
                        }
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // The output closes as the process exits; give it a moment to be
                    // reaped so the error can say how it ended.
                    let status = child
                        .wait_until(Instant::now() + Duration::from_secs(1))
                        .map_or_else(|_| "still running".to_owned(), |status| status.to_string());
                    bail!("{} closed its output before {what} ({status})", child.what);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_serving_line_is_parsed_and_checked() {
        let key = "ab".repeat(32);
        assert_eq!(
            parse_serving(&format!("SERVING 4242 {key}")),
            Some((4242, key.clone()))
        );
        assert_eq!(parse_serving(&format!("SERVING 70000 {key}")), None);
        assert_eq!(parse_serving("SERVING 4242 abcd"), None);
        assert_eq!(parse_serving(&format!("LISTEN 4242 {key}")), None);
        assert_eq!(parse_serving(&format!("SERVING 4242 {key} more")), None);
    }

    #[test]
    fn the_figures_lines_are_parsed() {
        let report: ReceiverReport =
            json_line(r#"{"received":100,"seconds":0.5,"per_second":198.0}"#).unwrap();
        assert_eq!(report.received, 100);
        assert_eq!(report.seconds, 0.5);
        assert_eq!(report.per_second, 198.0);
        let report: FetchReport =
            json_line(r#"{"blocks":7,"seconds":1.0,"per_second":7.0}"#).unwrap();
        assert_eq!(report.blocks, 7);
        assert!(json_line::<FetchReport>("LISTEN /ip4/127.0.0.1/tcp/1").is_none());
    }

    #[test]
    fn a_child_that_exits_early_is_an_error_not_a_hang() {
        let mut child = ChildGuard::spawn(
            Command::new("sh")
                .args(["-c", "echo hello; exit 3"])
                .stdout(Stdio::piped()),
            "sh",
        )
        .unwrap();
        let lines = child.lines().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let error = lines
            .find(&mut child, &mut [], deadline, "a LISTEN line", |line| {
                line.strip_prefix("LISTEN ").map(str::to_owned)
            })
            .unwrap_err();
        assert!(error.to_string().contains("exit status: 3"), "{error:#}");
    }

    #[test]
    fn a_peer_that_fails_is_an_error_not_a_wait_for_the_deadline() {
        let mut quiet = ChildGuard::spawn(
            Command::new("sleep").arg("60").stdout(Stdio::piped()),
            "sleep",
        )
        .unwrap();
        let mut failing =
            ChildGuard::spawn(Command::new("sh").args(["-c", "exit 4"]), "sh").unwrap();
        let lines = quiet.lines().unwrap();
        let started = Instant::now();
        let deadline = started + Duration::from_secs(30);
        let error = lines
            .find(
                &mut quiet,
                &mut [&mut failing],
                deadline,
                "figures",
                json_line::<FetchReport>,
            )
            .unwrap_err();
        assert!(error.to_string().contains("exit status: 4"), "{error:#}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    /// How many messages or blocks the ignored baselines move (`BASELINE_COUNT`).
    fn baseline_count() -> u64 {
        std::env::var("BASELINE_COUNT")
            .ok()
            .and_then(|count| count.parse().ok())
            .unwrap_or(100_000)
    }

    /// Runs `measure` three times, prints each figure and the median.
    fn median_of_three(name: &str, mut measure: impl FnMut() -> Result<BaselineRate>) {
        let mut rates: Vec<BaselineRate> = (0..3)
            .map(|run| {
                let rate = measure().unwrap();
                println!(
                    "{name} run {run}: {}",
                    serde_json::to_string(&rate).unwrap()
                );
                rate
            })
            .collect();
        rates.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
        println!(
            "{name} median: {:.0} /s over {} ({:.2} s)",
            rates[1].per_second, rates[1].count, rates[1].seconds
        );
    }

    #[test]
    #[ignore = "a measurement: needs `cargo build -p commons-tests --bin gossip-baseline` first"]
    fn gossipsub_baseline() {
        let binary = gossip_baseline_binary().unwrap();
        assert!(
            binary.is_file(),
            "no {} : run `cargo build -p commons-tests --bin gossip-baseline` with the same profile",
            binary.display()
        );
        median_of_three("gossipsub", || gossipsub_rate(&binary, baseline_count()));
    }

    #[test]
    #[ignore = "a measurement: needs node and npm"]
    fn hypercore_baseline() {
        let dir = hypercore_dir();
        median_of_three("hypercore", || hypercore_rate(&dir, baseline_count()));
    }
}
