//! The operator's line to a running node: every command other than `init` and
//! `node run` finds the node's data directory, reads the control API's token and the
//! address the node bound (`api-token`, `api-address`), and sends its request over the
//! API (docs/api.md). This is where a record *enters* the node from the operator's
//! side (the publish endpoints) and where the node's view of it is *read back*; the
//! API's errors become messages that say what to do.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use commons_node::api::contract::ErrorAnswer;
use commons_node::daemon::API_ADDRESS_FILE;
use commons_node::data_dir::{API_TOKEN_FILE, CHARTER_FILE, CONFIG_FILE, DATA_DIR_ENV, DataDir};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::GlobalArgs;

/// How long a connection to the node may take: it is on this machine, so a slow
/// connect means something is wrong.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole request may take, publishing (a durable group commit) included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a download (an archive export) may take in all.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The largest `api-token` or `api-address` file read, in bytes.
const MAX_SMALL_FILE_BYTES: u64 = 1024;
/// How much of an answer that is not the API's JSON is quoted in an error.
const MAX_QUOTED_CHARS: usize = 200;

/// A connection to the node whose data directory the command names.
#[derive(Debug)]
pub(crate) struct Client {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    base: Url,
    address: SocketAddr,
    token: String,
    token_path: PathBuf,
    data_dir: PathBuf,
}

/// An answer from the node other than success, in the API's one error shape.
#[derive(Debug)]
struct ApiFailure {
    status: StatusCode,
    reason: String,
    message: String,
}

impl Client {
    /// Finds the node: the data dir from `--data-dir` (or `COMMONS_DATA_DIR`, or the
    /// platform's default), its API token, and the address its API is bound to.
    pub(crate) fn connect(global: &GlobalArgs) -> anyhow::Result<Client> {
        let dir = DataDir::resolve(global.data_dir.clone())?;
        let token_path = dir.api_token_path();
        let token = read_token(&dir, &token_path, dir_source(global))?;
        let address = read_address(&dir)?;
        let base = Url::parse(&format!("http://{address}/"))
            .with_context(|| format!("the node's API address {address} is not usable"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("could not start the async runtime")?;
        let http = reqwest::Client::builder()
            // The API is on loopback: a proxy from the environment must not see it.
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("could not set up the HTTP client")?;
        Ok(Client {
            runtime,
            http,
            base,
            address,
            token,
            token_path,
            data_dir: dir.path().to_owned(),
        })
    }

    /// The address of the node's API.
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// The node's API token, read from its data directory, for a request this client
    /// cannot make itself: a devnet's event streams, which outlive any request's
    /// timeout and run on another runtime.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// `GET path?query`, answering the API's JSON.
    pub(crate) fn get(&self, path: &str, query: &[(&str, String)]) -> anyhow::Result<Value> {
        let mut url = self.url(path)?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        self.send(Method::GET, url, None::<&Value>)
    }

    /// `POST path` with a JSON body (a request type of the API's contract, or raw JSON),
    /// answering the API's JSON.
    pub(crate) fn post(
        &self,
        path: &str,
        body: &(impl Serialize + ?Sized),
    ) -> anyhow::Result<Value> {
        let url = self.url(path)?;
        self.send(Method::POST, url, Some(body))
    }

    /// `GET path?query`, answering the API's JSON read as `T`, a type of the API's
    /// contract (`commons_node::api::contract`).
    pub(crate) fn get_as<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> anyhow::Result<T> {
        let answer = self.get(path, query)?;
        self.read_as(path, &answer)
    }

    /// `POST path` with a JSON body, answering the API's JSON read as `T`, a type of
    /// the API's contract.
    pub(crate) fn post_as<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &(impl Serialize + ?Sized),
    ) -> anyhow::Result<T> {
        let answer = self.post(path, body)?;
        self.read_as(path, &answer)
    }

    /// `answer`, the node's answer to `path`, read as `T`, a type of the API's
    /// contract: for a command that prints the answer as it came with `--json` and
    /// reads it otherwise.
    pub(crate) fn read_as<T: DeserializeOwned>(
        &self,
        path: &str,
        answer: &Value,
    ) -> anyhow::Result<T> {
        T::deserialize(answer).with_context(|| {
            format!(
                "the node at {} answered {path} with JSON this command does not read (is the \
                 node running another version of Commons than this command?)",
                self.address
            )
        })
    }

    /// `GET path?query`, writing the answer's body to `out` as it arrives (an archive
    /// export can be large); answers how many bytes were written. An export of a big
    /// store takes longer than one request's usual limit, so this one has
    /// [`DOWNLOAD_TIMEOUT`].
    pub(crate) fn download(
        &self,
        path: &str,
        query: &[(&str, String)],
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<u64> {
        self.fetch(Method::GET, path, query, None, out)
    }

    /// [`Client::download`] with a `POST` of `body` (a heads file, for an export of
    /// what a site lacks).
    pub(crate) fn download_posting(
        &self,
        path: &str,
        query: &[(&str, String)],
        body: Vec<u8>,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<u64> {
        self.fetch(Method::POST, path, query, Some(body), out)
    }

    fn fetch(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<u64> {
        let mut url = self.url(path)?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(&self.token)
            .timeout(DOWNLOAD_TIMEOUT);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(body);
        }
        self.runtime.block_on(async {
            let mut response = request
                .send()
                .await
                .map_err(|error| self.transport_error(&error))?;
            let status = response.status();
            if !status.is_success() {
                let text = response.text().await.unwrap_or_default();
                return Err(self.api_error(status, &text));
            }
            let mut written = 0u64;
            while let Some(chunk) = response.chunk().await.map_err(|error| {
                anyhow!(
                    "the node at {} stopped sending before the end ({}); nothing was kept: \
                     look at the node's log and try again",
                    self.address,
                    error_chain(&error)
                )
            })? {
                out.write_all(&chunk)
                    .context("could not write what the node sent")?;
                written += chunk.len() as u64;
            }
            Ok(written)
        })
    }

    /// `POST path?query` with the file at `file` as the body, sent as it is read
    /// (attachments can be large), answering the API's JSON.
    pub(crate) fn upload(
        &self,
        path: &str,
        query: &[(&str, String)],
        file: &Path,
    ) -> anyhow::Result<Value> {
        let opened = self.runtime.block_on(tokio::fs::File::open(file));
        let opened = opened.with_context(|| format!("could not open {}", file.display()))?;
        let length = self
            .runtime
            .block_on(opened.metadata())
            .with_context(|| format!("could not read {}", file.display()))?
            .len();
        self.post_body(path, query, length, reqwest::Body::from(opened))
    }

    /// `POST path?query` with `bytes` as the body, answering the API's JSON.
    pub(crate) fn upload_bytes(
        &self,
        path: &str,
        query: &[(&str, String)],
        bytes: Vec<u8>,
    ) -> anyhow::Result<Value> {
        let length = bytes.len() as u64;
        self.post_body(path, query, length, reqwest::Body::from(bytes))
    }

    fn post_body(
        &self,
        path: &str,
        query: &[(&str, String)],
        length: u64,
        body: reqwest::Body,
    ) -> anyhow::Result<Value> {
        let mut url = self.url(path)?;
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        self.runtime.block_on(async {
            let response = self
                .http
                .post(url)
                .bearer_auth(&self.token)
                .header(reqwest::header::ACCEPT, "application/json")
                .header(reqwest::header::CONTENT_LENGTH, length)
                .timeout(DOWNLOAD_TIMEOUT)
                .body(body)
                .send()
                .await
                .map_err(|error| self.transport_error(&error))?;
            let status = response.status();
            let text = response
                .text()
                .await
                .map_err(|error| self.transport_error(&error))?;
            if status.is_success() {
                serde_json::from_str(&text).with_context(|| {
                    format!(
                        "the node at {} answered with something other than JSON: {}",
                        self.address,
                        quote(&text)
                    )
                })
            } else {
                Err(self.api_error(status, &text))
            }
        })
    }

    fn url(&self, path: &str) -> anyhow::Result<Url> {
        self.base
            .join(path.trim_start_matches('/'))
            .with_context(|| format!("`{path}` is not a usable API path"))
    }

    fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(&self.token)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        self.runtime.block_on(async {
            let response = request
                .send()
                .await
                .map_err(|error| self.transport_error(&error))?;
            let status = response.status();
            let text = response
                .text()
                .await
                .map_err(|error| self.transport_error(&error))?;
            if status.is_success() {
                serde_json::from_str(&text).with_context(|| {
                    format!(
                        "the node at {} answered with something other than JSON: {}",
                        self.address,
                        quote(&text)
                    )
                })
            } else {
                Err(self.api_error(status, &text))
            }
        })
    }

    fn transport_error(&self, error: &reqwest::Error) -> anyhow::Error {
        if error.is_connect() {
            return anyhow!(
                "the node is not running: nothing answers at {}, the API address in {} (a \
                 node that stopped without cleaning up leaves it behind). Start the node of \
                 this data dir with `commons node run --data-dir {}`",
                self.address,
                self.data_dir.join(API_ADDRESS_FILE).display(),
                self.data_dir.display()
            );
        }
        if error.is_timeout() {
            return anyhow!(
                "the node at {} did not answer within {} s: it may be overloaded or stuck; \
                 look at its logs",
                self.address,
                REQUEST_TIMEOUT.as_secs()
            );
        }
        anyhow!(
            "the request to the node at {} failed: {}",
            self.address,
            error_chain(error)
        )
    }

    fn api_error(&self, status: StatusCode, text: &str) -> anyhow::Error {
        let failure = match serde_json::from_str::<ErrorAnswer>(text) {
            Ok(answer) => ApiFailure {
                status,
                reason: answer.reason,
                message: answer.error,
            },
            Err(_) => ApiFailure {
                status,
                reason: String::new(),
                message: String::new(),
            },
        };
        if failure.status == StatusCode::UNAUTHORIZED {
            return anyhow!(
                "the node rejected the API token: the token in {} does not match the running \
                 node's at {}. Either the node answering there runs from another data dir \
                 (name that one with --data-dir), or this data dir's token was replaced after \
                 the node started (re-initialised, or restored from a backup): stop that node \
                 and start it again with `commons node run --data-dir {}`",
                self.token_path.display(),
                self.address,
                self.data_dir.display()
            );
        }
        if failure.message.is_empty() {
            return anyhow!(
                "the node at {} answered {} without saying why: {}",
                self.address,
                failure.status,
                quote(text)
            );
        }
        if failure.status == StatusCode::INSUFFICIENT_STORAGE {
            // The node's message says what happened and what to do.
            return anyhow!("{}", failure.message);
        }
        if matches!(failure.reason.as_str(), "bad_json" | "bad_query") {
            return anyhow!(
                "{} (is the node running another version of Commons than this command?)",
                failure.message
            );
        }
        if failure.reason == "not_a_member" {
            return anyhow!(
                "{}. If your org has been admitted, this node has not learnt it yet: a node \
                 started on a new device learns the roster from its peers within a minute. \
                 `commons members list` shows what it knows; try again once your org is listed",
                failure.message
            );
        }
        anyhow!("{}", failure.message)
    }
}

/// Prints `value` as one JSON document on standard output.
pub(crate) fn print_json(value: &Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("could not write the JSON")?;
    println!("{text}");
    Ok(())
}

/// Where the data dir's path came from, for messages.
fn dir_source(global: &GlobalArgs) -> &'static str {
    if global.data_dir.is_some() {
        "from --data-dir"
    } else if std::env::var_os(DATA_DIR_ENV).is_some() {
        "from COMMONS_DATA_DIR"
    } else {
        "the default"
    }
}

/// The API token, or a message saying there is no node here and what to do.
fn read_token(dir: &DataDir, path: &Path, source: &str) -> anyhow::Result<String> {
    let text = match read_small(path) {
        Ok(text) => text,
        Err(_) if dir.path().is_file() => bail!(
            "no Commons node here: {} ({source}) is a file, not a data dir; name the node's \
             data dir with --data-dir PATH or {DATA_DIR_ENV}",
            dir.path().display()
        ),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(not_a_node(dir, path, source));
        }
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => bail!(
            "cannot read the API token {}: {error}; run this command as the user that runs \
             the node",
            path.display()
        ),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("could not read the API token {}", path.display()));
        }
    };
    let token = text.trim();
    if token.is_empty() || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        bail!(
            "the API token file {} does not hold a token: restore it from a backup of the data \
             dir",
            path.display()
        );
    }
    Ok(token.to_owned())
}

/// Why `dir` is not a node's data dir: it does not exist, holds none of a node's files,
/// or holds some of them but not the API token.
fn not_a_node(dir: &DataDir, token: &Path, source: &str) -> anyhow::Error {
    let path = dir.path().display();
    let elsewhere = format!(
        "or name the node's data dir with --data-dir PATH or {DATA_DIR_ENV} (the path given \
         to `commons init` or `commons node run`)"
    );
    if !dir.path().exists() {
        return anyhow!(
            "no Commons node here: the data dir {path} ({source}) does not exist; run `commons \
             init --org-name NAME` first to create a node there, {elsewhere}"
        );
    }
    let node_files = [dir.config_path(), dir.charter_path(), dir.device_key_path()];
    if node_files.iter().any(|file| file.exists()) {
        return anyhow!(
            "{} is missing, so the data dir {path} ({source}) is incomplete: restore it from a \
             backup of the data dir, or, if this is a new node, move the directory away and run \
             `commons init` again",
            token.display()
        );
    }
    anyhow!(
        "no Commons node here: {path} ({source}) is not a Commons data dir (it has no \
         {API_TOKEN_FILE}, {CONFIG_FILE} or {CHARTER_FILE}); run `commons init --org-name NAME` \
         first to create a node there, {elsewhere}"
    )
}

/// The address the running node's API is bound to, or a message saying it is not
/// running.
fn read_address(dir: &DataDir) -> anyhow::Result<SocketAddr> {
    let path = dir.path().join(API_ADDRESS_FILE);
    let text = match read_small(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => bail!(
            "the node is not running: start it with `commons node run --data-dir {}` (a \
             running node writes its API address to {}, and there is none)",
            dir.path().display(),
            path.display()
        ),
        Err(error) => {
            return Err(error).with_context(|| {
                format!("could not read the node's API address {}", path.display())
            });
        }
    };
    text.trim().parse().map_err(|_| {
        anyhow!(
            "{} does not hold an address such as 127.0.0.1:7390: if the node is starting, try \
             again in a moment; otherwise start it with `commons node run`",
            path.display()
        )
    })
}

/// A small text file, read whole (at most [`MAX_SMALL_FILE_BYTES`]).
fn read_small(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(MAX_SMALL_FILE_BYTES).read_to_string(&mut text)?;
    Ok(text)
}

/// `error` and its sources, joined with `: `.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

/// `text` shortened for an error message.
fn quote(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "(an empty answer)".to_owned();
    }
    let mut quoted: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUOTED_CHARS)
        .collect();
    if text.chars().count() > MAX_QUOTED_CHARS {
        quoted.push('…');
    }
    format!("`{quoted}`")
}
