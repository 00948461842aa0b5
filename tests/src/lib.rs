//! # commons-tests
//!
//! The harness for end-to-end scenarios: the real `commons` binary, run as a child
//! process in a data directory of its own, driven and watched through its control API
//! (`docs/api.md`) the way an operator's scripts would. Scenarios live in `tests/`
//! (crash and restart, a full disk); `src/bin/commons-measure.rs` uses the same harness
//! for the figures in `docs/benchmarks.md`.
//!
//! | piece | what it does |
//! |---|---|
//! | [`CommonsBinary`] | finds the `commons` binary beside this crate's own, building it if missing or older than the sources |
//! | [`TestNode`] | `commons init` in a fresh directory, then `commons node run` as a child: started, killed (SIGKILL), terminated (SIGTERM), restarted; killed when dropped |
//! | [`Api`] | a small blocking client for the control API, with the node's bearer token |
//! | [`hostile`] | a hostile peer (gossip and raw sync) and connection storms, for `tests/hostile.rs` |
//! | [`attachments`] | a file stored in a node's blob store and a case study carrying it, signed by the node's device, for `tests/attachments.rs` and `commons-bench transfer` |
//! | [`wait_for`], [`poll_for`] | wait for a condition with a deadline, never for a fixed time |
//! | [`js_peer::JsPeer`] | a js-libp2p peer (`interop-js/peer.mjs`, run with `node`) that dials a node, pings it and gossips |
//! | [`netns::Lab`] | nodes in network namespaces of their own, and the faults between them (`tests/faults.rs`) |
//! | [`browser::Browser`] | the web app in a real Chromium over WebDriver, against a [`browser::Devnet`] (`tests/web_browser.rs`) |
//!
//! Every process and every port belongs to the [`TestNode`] that made it: the node
//! listens on `127.0.0.1:0` and says which port it got in its data dir's `api-address`
//! file, and the child is killed and reaped when the [`TestNode`] is dropped, so tests
//! can run in parallel and leave nothing behind.

pub mod attachments;
pub mod baseline;
pub mod browser;
pub mod hostile;
pub mod js_peer;
pub mod load;
pub mod netns;

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use commons_node::api::contract::feeds::{Feed, Fork, RosterAnswer};
use commons_node::api::contract::records::RecordsPage;
use commons_node::api::contract::requests::{PracticeRequest, SubmitRequest};
use commons_node::api::contract::{self, StatusAnswer};
use commons_node::daemon::API_ADDRESS_FILE;
use commons_node::data_dir::{API_TOKEN_FILE, STORE_FILE};
use reqwest::blocking::Client;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tempfile::TempDir;

/// The environment variable naming the `commons` binary to test, instead of the one
/// beside this crate's build output.
pub const COMMONS_BIN_ENV: &str = "COMMONS_BIN";
/// How long a node may take from `commons node run` until its API answers.
pub const START_DEADLINE: Duration = Duration::from_secs(30);
/// How long a node may take to exit after SIGTERM.
pub const STOP_DEADLINE: Duration = Duration::from_secs(20);
/// How long one API request may take before the client gives up on it.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a readiness probe waits for `GET /v1/status`.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// The first pause between two probes of a condition; it doubles up to
/// [`MAX_POLL_INTERVAL`].
const FIRST_POLL_INTERVAL: Duration = Duration::from_millis(1);
/// The longest pause between two probes of a condition.
const MAX_POLL_INTERVAL: Duration = Duration::from_millis(50);
/// How many lines of a node's log a failure message shows.
const LOG_TAIL_LINES: usize = 40;

/// The environment variable naming a file that [`report_figures`] appends each scenario's
/// figures to, so that a CI log shows them although `cargo test` keeps a passing
/// test's output to itself.
pub const FIGURES_FILE_ENV: &str = "COMMONS_FIGURES_FILE";

/// Prints one line of a scenario's figures and, when [`FIGURES_FILE_ENV`] names a file,
/// appends it there too. A file that cannot be written is said on stderr and does not
/// fail the scenario: the figures are a report, not what it tests.
pub fn report_figures(line: &str) {
    println!("{line}");
    let Some(path) = std::env::var_os(FIGURES_FILE_ENV) else {
        return;
    };
    let appended = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        // One write of the whole line, so that lines from tests running side by side in
        // separate processes do not interleave in the appended file.
        .and_then(|mut file| {
            use std::io::Write as _;
            file.write_all(format!("{line}\n").as_bytes())
        });
    if let Err(error) = appended {
        eprintln!(
            "could not append figures to {}: {error}",
            Path::new(&path).display()
        );
    }
}

/// Probes `probe` until it returns `Some`, or until `deadline` has passed (then `None`).
/// Pauses between probes start at a millisecond and grow to 50 ms.
pub fn poll_for<T>(deadline: Duration, probe: impl FnMut() -> Option<T>) -> Option<T> {
    poll_with(deadline, None, probe)
}

/// [`poll_for`] with a fixed pause between probes, if `interval` is given.
pub(crate) fn poll_with<T>(
    deadline: Duration,
    interval: Option<Duration>,
    mut probe: impl FnMut() -> Option<T>,
) -> Option<T> {
    let end = Instant::now() + deadline;
    let mut pause = interval.unwrap_or(FIRST_POLL_INTERVAL);
    loop {
        if let Some(found) = probe() {
            return Some(found);
        }
        let now = Instant::now();
        if now >= end {
            return None;
        }
        std::thread::sleep(pause.min(end - now));
        if interval.is_none() {
            pause = (pause * 2).min(MAX_POLL_INTERVAL);
        }
    }
}

/// Waits until `condition` holds; panics, naming `what`, if it does not within
/// `deadline`.
pub fn wait_for(deadline: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    if poll_for(deadline, || condition().then_some(())).is_none() {
        panic!("timed out after {deadline:?} waiting for {what}");
    }
}

/// The `commons` binary under test.
#[derive(Debug)]
pub struct CommonsBinary;

impl CommonsBinary {
    /// The path of the `commons` binary: `$COMMONS_BIN` if set, otherwise the one in
    /// the cargo target directory this process was built into (`target/debug/commons`
    /// for `target/debug/deps/crash-…`), which is built first with
    /// `cargo build -p commons-cli --bin commons` (same profile, same target dir) if it
    /// is missing or older than the sources of the protocol, the node, the web app or the CLI.
    ///
    /// A bin target of another package cannot be a dependency on stable cargo, so this
    /// is how the tests of this crate find it.
    pub fn path() -> &'static Path {
        static PATH: OnceLock<PathBuf> = OnceLock::new();
        PATH.get_or_init(|| {
            if let Some(path) = std::env::var_os(COMMONS_BIN_ENV) {
                return PathBuf::from(path);
            }
            let exe = std::env::current_exe().expect("the path of the running executable");
            let mut dir = exe.parent().expect("the executable's directory");
            if dir.file_name().is_some_and(|name| name == "deps") {
                dir = dir.parent().expect("the profile directory above deps/");
            }
            let binary = dir.join(format!("commons{}", std::env::consts::EXE_SUFFIX));
            if needs_build(&binary) {
                build_commons(dir);
            }
            assert!(
                binary.is_file(),
                "no commons binary at {}; build it with `cargo build -p commons-cli --bin commons` or set {COMMONS_BIN_ENV}",
                binary.display()
            );
            binary
        })
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Whether `binary` is missing or older than a source it is built from.
fn needs_build(binary: &Path) -> bool {
    let Ok(built) = fs::metadata(binary).and_then(|meta| meta.modified()) else {
        return true;
    };
    let root = workspace_root();
    let mut newest = SystemTime::UNIX_EPOCH;
    for file in ["Cargo.toml", "Cargo.lock"] {
        newest_in(&root.join(file), &mut newest);
    }
    for crate_dir in ["protocol", "node", "web", "cli"] {
        newest_in(&root.join(crate_dir).join("src"), &mut newest);
        newest_in(&root.join(crate_dir).join("Cargo.toml"), &mut newest);
    }
    // The web app's templates, catalogs and assets are compiled into the binary too.
    for web_dir in ["templates", "i18n", "static"] {
        newest_in(&root.join("web").join(web_dir), &mut newest);
    }
    newest > built
}

/// Raises `newest` to the modification time of `path` or of any file under it.
fn newest_in(path: &Path, newest: &mut SystemTime) {
    let Ok(meta) = fs::metadata(path) else {
        return;
    };
    if meta.is_dir() {
        if let Ok(entries) = fs::read_dir(path) {
            for entry in entries.flatten() {
                newest_in(&entry.path(), newest);
            }
        }
    } else if let Ok(modified) = meta.modified() {
        *newest = (*newest).max(modified);
    }
}

/// Builds the `commons` binary into `profile_dir` (`<target>/<profile>`).
fn build_commons(profile_dir: &Path) {
    let target_dir = profile_dir
        .parent()
        .expect("the target directory above the profile directory");
    let profile = profile_dir
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("debug");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args(["build", "--quiet", "-p", "commons-cli", "--bin", "commons"])
        .arg("--target-dir")
        .arg(target_dir);
    match profile {
        "debug" => {}
        "release" => {
            command.arg("--release");
        }
        other => {
            command.args(["--profile", other]);
        }
    }
    eprintln!(
        "commons-tests: building the commons binary into {} ({profile})",
        target_dir.display()
    );
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "building the commons binary failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An answer of the control API: its status and its JSON body (`Null` if it had none
/// or it was not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// The body.
    pub body: Value,
}

impl Reply {
    /// The error's `reason` label, if the body is the API's error shape.
    pub fn reason(&self) -> Option<&str> {
        self.body.get("reason").and_then(Value::as_str)
    }

    /// The error's message for people, if the body is the API's error shape.
    pub fn error(&self) -> Option<&str> {
        self.body.get("error").and_then(Value::as_str)
    }

    /// The body, if the status is `expected`; panics with the answer otherwise.
    pub fn expect_status(self, expected: u16, what: &str) -> Value {
        assert_eq!(
            self.status, expected,
            "{what}: expected {expected}, got {} {}",
            self.status, self.body
        );
        self.body
    }
}

/// A record acknowledged by `POST /v1/publish/*`: `201 {id, seq, timestamp_ms}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The record id, `rec_…`.
    pub id: String,
    /// Its seq in the node's device feed.
    pub seq: u64,
    /// Its timestamp.
    pub timestamp_ms: u64,
}

impl Published {
    /// The acknowledgement in a 201 answer's body.
    pub fn from_reply(reply: &Reply) -> Option<Published> {
        if reply.status != 201 {
            return None;
        }
        let answer = contract::Published::deserialize(&reply.body).ok()?;
        Some(Published {
            id: answer.id,
            seq: answer.seq,
            timestamp_ms: answer.timestamp_ms,
        })
    }
}

/// A blocking client of one node's control API, with its token. Cheap to clone; a
/// clone can be moved to another thread.
#[derive(Clone)]
pub struct Api {
    addr: SocketAddr,
    base: String,
    token: String,
    client: Client,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token stays out of test output.
        f.debug_struct("Api")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Api {
    /// A client for the API at `addr`, sending `token`.
    pub fn new(addr: SocketAddr, token: impl Into<String>) -> Api {
        Api::with_timeout(addr, token, REQUEST_TIMEOUT)
    }

    /// A client whose requests give up after `timeout`.
    pub fn with_timeout(addr: SocketAddr, token: impl Into<String>, timeout: Duration) -> Api {
        let client = Client::builder()
            .timeout(timeout)
            .build()
            .expect("an HTTP client builds");
        Api {
            addr,
            base: format!("http://{addr}"),
            token: token.into(),
            client,
        }
    }

    /// The address the API listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `GET path` (`/v1/…`).
    pub fn get(&self, path: &str) -> Result<Reply, reqwest::Error> {
        let request = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        Self::reply(request)
    }

    /// `GET path` answered as text (`/metrics`): its status and body.
    pub fn get_text(&self, path: &str) -> Result<(u16, String), reqwest::Error> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()?;
        let status = response.status().as_u16();
        Ok((status, response.text()?))
    }

    /// `POST path` with a JSON body: a request type of the API's contract, or raw JSON
    /// (a hostile body, say).
    pub fn post(
        &self,
        path: &str,
        body: &(impl Serialize + ?Sized),
    ) -> Result<Reply, reqwest::Error> {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body);
        Self::reply(request)
    }

    /// `POST path` with raw bytes as the body (`POST /v1/attachments?…`).
    pub fn post_bytes(&self, path: &str, bytes: Vec<u8>) -> Result<Reply, reqwest::Error> {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/octet-stream")
            .body(bytes);
        Self::reply(request)
    }

    fn reply(request: reqwest::blocking::RequestBuilder) -> Result<Reply, reqwest::Error> {
        let response = request.send()?;
        let status = response.status().as_u16();
        let bytes = response.bytes()?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Reply { status, body })
    }

    /// `POST /v1/publish/practice` of a public case study with this title and body.
    pub fn publish_practice(&self, title: &str, body: &str) -> Result<Reply, reqwest::Error> {
        self.post(
            "/v1/publish/practice",
            &PracticeRequest {
                title: title.to_owned(),
                summary: "written by the commons-tests harness".to_owned(),
                body: body.to_owned(),
                themes: vec!["testing".to_owned()],
                regions: vec!["loopback".to_owned()],
                visibility: Some("public".to_owned()),
                ..PracticeRequest::default()
            },
        )
    }

    /// `POST /v1/records` with signed record bytes.
    pub fn submit(&self, signed: &[u8]) -> Result<Reply, reqwest::Error> {
        self.post(
            "/v1/records",
            &SubmitRequest {
                signed: commons_protocol::text::hex(signed),
            },
        )
    }

    /// `GET path`, a listing of `GET /v1/records`, which must answer 200 with a page of
    /// records.
    pub fn records_page(&self, path: &str) -> RecordsPage {
        let body = self
            .get(path)
            .unwrap_or_else(|error| panic!("GET {path} is not answered: {error}"))
            .expect_status(200, path);
        RecordsPage::deserialize(&body)
            .unwrap_or_else(|error| panic!("GET {path} answered {body}: {error}"))
    }

    /// Every record id held with its content, through the listing's pages.
    pub fn record_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let path = match &before {
                Some(cursor) => format!("/v1/records?limit=1000&before={cursor}"),
                None => "/v1/records?limit=1000".to_owned(),
            };
            let page = self.records_page(&path);
            ids.extend(page.records.into_iter().map(|record| record.id));
            match page.next {
                Some(next) => before = Some(next),
                None => return ids,
            }
        }
    }

    /// `GET /v1/status`, which must answer 200 with the API's status.
    pub fn status(&self) -> StatusAnswer {
        let body = self
            .get("/v1/status")
            .expect("GET /v1/status is answered")
            .expect_status(200, "GET /v1/status");
        StatusAnswer::deserialize(&body)
            .unwrap_or_else(|error| panic!("GET /v1/status answered {body}: {error}"))
    }

    /// `GET path`, which must answer 200 with `T`, a type of the API's contract.
    fn get_as<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let body = self
            .get(path)
            .unwrap_or_else(|error| panic!("GET {path} is not answered: {error}"))
            .expect_status(200, &format!("GET {path}"));
        T::deserialize(&body).unwrap_or_else(|error| panic!("GET {path} answered {body}: {error}"))
    }

    /// `GET /v1/feeds`, which must answer 200 with a list of feeds.
    pub fn feeds(&self) -> Vec<Feed> {
        self.get_as("/v1/feeds")
    }

    /// The feed of `device` (`dev_…`) in `GET /v1/feeds`, if the node holds any of it.
    pub fn feed_of(&self, device: &str) -> Option<Feed> {
        self.feeds().into_iter().find(|feed| feed.author == device)
    }

    /// `GET /v1/roster`, which must answer 200 with the roster.
    pub fn roster(&self) -> RosterAnswer {
        self.get_as("/v1/roster")
    }

    /// `GET /v1/forks`, which must answer 200 with a list of fork proofs.
    pub fn forks(&self) -> Vec<Fork> {
        self.get_as("/v1/forks")
    }
}

/// A `commons` node run by a test: a data directory made by `commons init`, and, while
/// it runs, a `commons node run` child process whose standard error (the JSON log) is
/// appended to a log file. The child is killed and reaped on drop; the temporary
/// directory, if the node made it, is removed.
#[derive(Debug)]
pub struct TestNode {
    data_dir: PathBuf,
    log_path: PathBuf,
    token: String,
    child: Option<Child>,
    api: Option<Api>,
    /// Peers `commons node run` is told to dial (`--bootstrap`).
    bootstrap: Vec<String>,
    /// Declared last, so it is removed after the child is gone.
    _temp: Option<TempDir>,
}

impl TestNode {
    /// A new node in a fresh temporary directory, started and answering.
    pub fn start() -> TestNode {
        let temp = tempfile::Builder::new()
            .prefix("commons-test-")
            .tempdir()
            .expect("a temporary directory");
        let mut node = TestNode::init_in(temp.path().join("node"), temp.path().join("node.log"));
        node._temp = Some(temp);
        node.run();
        node
    }

    /// Runs `commons init` for a new org in `data_dir` (which must not hold a node
    /// yet); the node will log to `log_path`. The node is not started: call
    /// [`TestNode::run`].
    pub fn init_in(data_dir: PathBuf, log_path: PathBuf) -> TestNode {
        let output = Command::new(CommonsBinary::path())
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["init", "--org-name", "Commons test org"])
            .stdin(Stdio::null())
            .output()
            .expect("commons init runs");
        assert!(
            output.status.success(),
            "commons init failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        TestNode::existing(data_dir, log_path)
    }

    /// A node whose data directory already exists (from `commons init`, or
    /// `commons_node::founding::init_network` for several founders of one network);
    /// it will log to `log_path`. The node is not started: call [`TestNode::run`].
    pub fn existing(data_dir: PathBuf, log_path: PathBuf) -> TestNode {
        let token = fs::read_to_string(data_dir.join(API_TOKEN_FILE))
            .expect("the data dir holds an API token")
            .trim()
            .to_owned();
        TestNode {
            data_dir,
            log_path,
            token,
            child: None,
            api: None,
            bootstrap: Vec::new(),
            _temp: None,
        }
    }

    /// Tells the node to dial `addr` (a multiaddr ending in `/p2p/<peer id>`) when it
    /// next starts.
    pub fn bootstrap(&mut self, addr: impl Into<String>) {
        self.bootstrap.push(addr.into());
    }

    /// The addresses peers can dial the running node at, from its data dir's
    /// `network-addresses` file.
    pub fn network_addresses(&self) -> Vec<String> {
        fs::read_to_string(self.data_dir.join("network-addresses"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .filter(|line| !line.is_empty())
            .collect()
    }

    /// Starts `commons node run --api-listen 127.0.0.1:0 --log-format json` and waits
    /// (at most [`START_DEADLINE`]) until its API answers `GET /v1/status` with 200.
    /// Returns the time from spawning the process to that answer. Panics, with the
    /// log's tail, if the node exits or does not answer in time.
    pub fn run(&mut self) -> Duration {
        let started = self.spawn();
        self.wait_ready(started)
    }

    /// Starts `commons node run` without waiting for it; returns when it was spawned.
    /// Follow with [`TestNode::wait_ready`] or [`TestNode::kill`].
    pub fn spawn(&mut self) -> Instant {
        assert!(self.child.is_none(), "the node is already running");
        // A node killed with SIGKILL leaves its address behind.
        let address_file = self.data_dir.join(API_ADDRESS_FILE);
        match fs::remove_file(&address_file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => panic!("cannot remove {}: {error}", address_file.display()),
        }
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .expect("the node's log file opens");
        let started = Instant::now();
        let child = Command::new(CommonsBinary::path())
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args([
                "node",
                "run",
                "--api-listen",
                "127.0.0.1:0",
                "--web-listen",
                "127.0.0.1:0",
                "--log-format",
                "json",
                "--listen",
                "/ip4/127.0.0.1/tcp/0",
                "--no-mdns",
            ])
            .args(
                self.bootstrap
                    .iter()
                    .flat_map(|addr| ["--bootstrap", addr.as_str()]),
            )
            .env_remove("COMMONS_API_LISTEN")
            .env_remove("COMMONS_WEB_LISTEN")
            .env_remove("COMMONS_LOG_FORMAT")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("commons node run starts");
        self.child = Some(child);
        started
    }

    /// Waits (at most [`START_DEADLINE`]) until the spawned node's API answers
    /// `GET /v1/status` with 200; returns the time since `started`. Panics, with the
    /// log's tail, if the node exits or does not answer in time.
    pub fn wait_ready(&mut self, started: Instant) -> Duration {
        self.wait_ready_probing(started, None)
    }

    /// [`TestNode::wait_ready`], probing every `interval` exactly instead of with a
    /// growing pause: for measuring how long a start takes.
    pub fn wait_ready_every(&mut self, started: Instant, interval: Duration) -> Duration {
        self.wait_ready_probing(started, Some(interval))
    }

    fn wait_ready_probing(&mut self, started: Instant, interval: Option<Duration>) -> Duration {
        assert!(self.child.is_some(), "the node was not spawned");
        let address_file = self.data_dir.join(API_ADDRESS_FILE);
        let mut exited = None;
        // One client per address read, not per probe: building one starts a thread.
        let mut probe: Option<Api> = None;
        let api = poll_with(START_DEADLINE, interval, || {
            if let Some(status) = self.try_exit_status() {
                exited = Some(status);
                return Some(None);
            }
            let addr: SocketAddr = fs::read_to_string(&address_file)
                .ok()?
                .trim()
                .parse()
                .ok()?;
            let api = match probe.take() {
                Some(api) if api.addr() == addr => api,
                _ => Api::with_timeout(addr, self.token.clone(), PROBE_TIMEOUT),
            };
            let reply = api.get("/v1/status");
            probe = Some(api);
            match reply {
                Ok(reply) if reply.status == 200 => Some(Some(addr)),
                _ => None,
            }
        });
        let ready = started.elapsed();
        match (api, exited) {
            (Some(Some(addr)), _) => {
                self.api = Some(Api::new(addr, self.token.clone()));
                ready
            }
            (_, Some(status)) => {
                self.child = None;
                panic!(
                    "commons node run exited ({status}) before its API answered; log:\n{}",
                    self.log_tail()
                )
            }
            _ => {
                self.kill();
                panic!(
                    "the node's API did not answer within {START_DEADLINE:?}; log:\n{}",
                    self.log_tail()
                )
            }
        }
    }

    /// The running node's API client. Panics if the node is not running.
    pub fn api(&self) -> &Api {
        self.api.as_ref().expect("the node is running")
    }

    /// The running node's process id. Panics if the node is not running.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the node is running").id()
    }

    /// Whether the child process is still running (it may have been started and have
    /// exited by itself since).
    pub fn is_running(&mut self) -> bool {
        self.child.is_some() && self.try_exit_status().is_none()
    }

    /// Reaps the child if it exited; its exit status then.
    fn try_exit_status(&mut self) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        child.try_wait().expect("the child's status can be read")
    }

    /// Kills the node with SIGKILL, at whatever point it is, and reaps it. Does
    /// nothing if it is not running.
    pub fn kill(&mut self) {
        self.api = None;
        if let Some(mut child) = self.child.take() {
            // An error means it already exited; wait reaps it either way.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Asks the node to stop with SIGTERM and waits (at most [`STOP_DEADLINE`], then
    /// SIGKILL and a panic) for it to exit. Returns its exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        self.api = None;
        let mut child = self.child.take().expect("the node is running");
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -TERM {} failed", child.id());
        let status = poll_for(STOP_DEADLINE, || {
            child.try_wait().expect("the child's status can be read")
        });
        match status {
            Some(status) => status,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the node did not exit within {STOP_DEADLINE:?} of SIGTERM; log:\n{}",
                    self.log_tail()
                )
            }
        }
    }

    /// Kills the node (SIGKILL) if it runs, and starts it again on the same data dir.
    /// Returns the time from spawning to the API's first 200.
    pub fn restart(&mut self) -> Duration {
        self.kill();
        self.run()
    }

    /// The node's data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The path of the node's redb store.
    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join(STORE_FILE)
    }

    /// The API token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The log file, holding the standard error of every run of this node.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The whole log so far.
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = File::open(&self.log_path) {
            use std::io::Read;
            let mut bytes = Vec::new();
            if file.read_to_end(&mut bytes).is_ok() {
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
        text
    }

    /// The last lines of the log, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A tiny xorshift64* generator: reproducible pseudo-random choices (kill moments,
/// sizes) from a seed that a test prints, with no dependency.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from `seed` (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> XorShift {
        XorShift(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// A seed from `$var` if it is set to a number, otherwise from the clock.
    pub fn seed_from_env(var: &str) -> u64 {
        if let Some(seed) = std::env::var(var)
            .ok()
            .and_then(|text| text.trim().parse().ok())
        {
            return seed;
        }
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.as_nanos() as u64)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        assert!(low <= high, "empty range {low}..={high}");
        low + self.next_u64() % (high - low + 1)
    }
}

/// The resident set size of process `pid` in bytes (`VmRSS` in `/proc/PID/status`),
/// and its peak (`VmHWM`).
pub fn resident_memory(pid: u32) -> Option<(u64, u64)> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        let kib: u64 = line
            .trim_start_matches(name)
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xorshift_is_reproducible_and_stays_in_range() {
        let mut a = XorShift::new(42);
        let mut b = XorShift::new(42);
        for _ in 0..1000 {
            let x = a.between(20, 300);
            assert_eq!(x, b.between(20, 300));
            assert!((20..=300).contains(&x));
        }
        assert_ne!(XorShift::new(0).next_u64(), 0);
    }

    #[test]
    fn poll_for_returns_the_first_value_or_none_at_the_deadline() {
        let mut calls = 0;
        let found = poll_for(Duration::from_secs(5), || {
            calls += 1;
            (calls == 3).then_some(calls)
        });
        assert_eq!(found, Some(3));
        assert_eq!(
            poll_for(Duration::from_millis(20), || None::<()>),
            None,
            "gives up at the deadline"
        );
    }

    #[test]
    fn resident_memory_reads_this_process() {
        let (rss, peak) = resident_memory(std::process::id()).unwrap();
        assert!(rss > 0 && peak >= rss);
    }
}
