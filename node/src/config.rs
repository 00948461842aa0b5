//! The node's configuration, read before the node starts: `config.toml` in the data
//! directory ([`ConfigFile`], what the operator edits) is checked, with the overrides
//! from the command line and the environment, into the runtime [`Config`] that the
//! daemon is started with. Flags beat environment variables, which beat the file; the
//! binary reads both and hands them over as [`Overrides`].

use std::fmt;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use crate::attachments::AttachmentPolicy;
use crate::attachments::{
    DEFAULT_AUTO_FETCH_MAX_BYTES, DEFAULT_MAX_ATTACHMENT_BYTES,
    DEFAULT_MAX_ATTACHMENTS_PER_ORG_BYTES,
};
use crate::ingest::IngestSettings;
use crate::network::behaviour::{
    DEFAULT_GOSSIP_QUEUE_LEN, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_MEMORY_BYTES,
    DEFAULT_RELAY_MAX_CIRCUIT_BYTES, DEFAULT_RELAY_MAX_CIRCUIT_DURATION,
    DEFAULT_RELAY_MAX_CIRCUITS, DEFAULT_RELAY_MAX_RESERVATIONS, RelayLimits,
};
use crate::network::event_loop::FIRST_SYNC_ROUND;
use crate::network::{
    DEFAULT_LISTEN, DEFAULT_SYNC_INTERVAL, DEFAULT_TARGET_PEERS, NetworkSettings, SwarmOptions,
};
use crate::notify::{Hook, NotifySettings, NotifyTarget};

/// Where the control API listens unless told otherwise: loopback only.
pub const DEFAULT_API_LISTEN: &str = "127.0.0.1:7390";
/// Where the staff's web app listens unless told otherwise: loopback only.
pub const DEFAULT_WEB_LISTEN: &str = "127.0.0.1:7412";
/// How long the ingest waits for more records before committing a batch, in ms
/// (ingest's own default).
pub const DEFAULT_COMMIT_DELAY_MS: u64 = crate::ingest::DEFAULT_COMMIT_DELAY.as_millis() as u64;
/// The most records committed in one transaction (ingest's own default).
pub const DEFAULT_MAX_BATCH: usize = crate::ingest::DEFAULT_MAX_BATCH;
/// The longest commit delay accepted, in ms: a record is acknowledged only once its
/// batch is durable, so a longer wait would only slow every publish down.
pub const MAX_COMMIT_DELAY_MS: u64 = 1_000;
/// The largest batch accepted.
pub const MAX_MAX_BATCH: usize = 65_536;
/// The shortest periodic sync interval accepted, in seconds.
pub const MIN_SYNC_INTERVAL_SECS: u64 = 1;
/// The longest periodic sync interval accepted, in seconds (a day).
pub const MAX_SYNC_INTERVAL_SECS: u64 = 24 * 60 * 60;
/// The most connections that may be configured.
pub const MAX_MAX_CONNECTIONS: u32 = 10_000;
/// The default memory bound for new connections, in MiB.
pub const DEFAULT_MAX_MEMORY_MB: u64 = (DEFAULT_MAX_MEMORY_BYTES / (1024 * 1024)) as u64;
/// The largest config file read, in bytes.
pub const MAX_CONFIG_BYTES: u64 = 64 * 1024;
/// Default: the largest attachment uploaded, fetched or kept, in MiB.
pub const DEFAULT_MAX_ATTACHMENT_MB: u64 = DEFAULT_MAX_ATTACHMENT_BYTES / MIB;
/// Default: the most bytes of files attached by one org's live records that this node
/// keeps, in MiB.
pub const DEFAULT_MAX_ATTACHMENTS_PER_ORG_MB: u64 = DEFAULT_MAX_ATTACHMENTS_PER_ORG_BYTES / MIB;
/// Default: files up to this size are fetched as soon as a record naming them arrives;
/// bigger ones when asked for, in MiB.
pub const DEFAULT_AUTO_FETCH_MAX_MB: u64 = DEFAULT_AUTO_FETCH_MAX_BYTES / MIB;
/// Default: the free space an upload or a fetch must leave on the disk, in MiB.
pub const DEFAULT_DISK_RESERVE_MB: u64 = crate::blobs::DEFAULT_DISK_RESERVE_BYTES / MIB;
/// The largest `max_attachment_mb`: the protocol's limit for one file.
pub const MAX_MAX_ATTACHMENT_MB: u64 = commons_protocol::MAX_BLOB_BYTES / MIB;
/// The largest per-org total accepted, in MiB (1 TiB).
pub const MAX_ATTACHMENTS_PER_ORG_MB: u64 = 1024 * 1024;
/// The largest disk reserve accepted, in MiB (1 TiB).
pub const MAX_DISK_RESERVE_MB: u64 = 1024 * 1024;
const MIB: u64 = 1024 * 1024;

/// How the node writes its logs (always to standard error).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per event, for log collectors.
    Json,
}

impl LogFormat {
    /// The name used in the config file, the flag and the environment variable.
    pub const fn as_str(self) -> &'static str {
        match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogFormat {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(ConfigError::LogFormat {
                value: text.to_owned(),
            }),
        }
    }
}

fn default_web_listen() -> String {
    DEFAULT_WEB_LISTEN.to_owned()
}

fn default_api_listen() -> String {
    DEFAULT_API_LISTEN.to_owned()
}

const fn default_commit_delay_ms() -> u64 {
    DEFAULT_COMMIT_DELAY_MS
}

const fn default_max_batch() -> usize {
    DEFAULT_MAX_BATCH
}

fn default_listen() -> Vec<String> {
    DEFAULT_LISTEN
        .iter()
        .map(|addr| (*addr).to_owned())
        .collect()
}

const fn default_true() -> bool {
    true
}

const fn default_sync_interval_secs() -> u64 {
    DEFAULT_SYNC_INTERVAL.as_secs()
}

const fn default_target_peers() -> usize {
    DEFAULT_TARGET_PEERS
}

const fn default_max_connections() -> u32 {
    DEFAULT_MAX_CONNECTIONS
}

const fn default_relay_max_reservations() -> usize {
    DEFAULT_RELAY_MAX_RESERVATIONS
}

const fn default_relay_max_circuits() -> usize {
    DEFAULT_RELAY_MAX_CIRCUITS
}

const fn default_relay_max_circuit_minutes() -> u64 {
    DEFAULT_RELAY_MAX_CIRCUIT_DURATION.as_secs() / 60
}

const fn default_relay_max_circuit_mb() -> u64 {
    DEFAULT_RELAY_MAX_CIRCUIT_BYTES / MIB
}

/// The most relay slots or circuits that may be configured.
pub const MAX_RELAY_SLOTS: usize = 4096;
/// The longest relayed connection that may be configured, in minutes (a day).
pub const MAX_RELAY_CIRCUIT_MINUTES: u64 = 24 * 60;
/// The most bytes per relayed connection that may be configured, in MiB (64 GiB).
pub const MAX_RELAY_CIRCUIT_MB: u64 = 64 * 1024;

const fn default_gossip_queue_len() -> usize {
    DEFAULT_GOSSIP_QUEUE_LEN
}

/// The most gossip messages queued per connection a config may ask for.
pub const MAX_GOSSIP_QUEUE_LEN: usize = 100_000;

const fn default_max_memory_mb() -> u64 {
    DEFAULT_MAX_MEMORY_MB
}

const fn default_max_attachment_mb() -> u64 {
    DEFAULT_MAX_ATTACHMENT_MB
}

const fn default_max_attachments_per_org_mb() -> u64 {
    DEFAULT_MAX_ATTACHMENTS_PER_ORG_MB
}

const fn default_auto_fetch_max_mb() -> u64 {
    DEFAULT_AUTO_FETCH_MAX_MB
}

const fn default_disk_reserve_mb() -> u64 {
    DEFAULT_DISK_RESERVE_MB
}

/// `config.toml` as the operator writes it. Unknown keys are refused, so a misspelt
/// setting is an error rather than silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The org's name, as given to `commons init`.
    pub org_name: String,
    /// This device's label, as given to `commons init`.
    pub device_label: String,
    /// Where the control API listens: a loopback address and port.
    #[serde(default = "default_api_listen")]
    pub api_listen: String,
    /// Whether the node serves its org's staff the web app.
    #[serde(default = "default_true")]
    pub web: bool,
    /// Where the web app listens: a loopback address and port.
    #[serde(default = "default_web_listen")]
    pub web_listen: String,
    /// `text` or `json`.
    #[serde(default)]
    pub log_format: LogFormat,
    /// How long the ingest waits for more records before committing, in ms.
    #[serde(default = "default_commit_delay_ms")]
    pub commit_delay_ms: u64,
    /// The most records committed in one transaction.
    #[serde(default = "default_max_batch")]
    pub max_batch: usize,
    /// Where the node listens for peers (libp2p multiaddrs).
    #[serde(default = "default_listen")]
    pub listen: Vec<String>,
    /// Peers to dial at start (multiaddrs ending in `/p2p/<peer id>`).
    #[serde(default)]
    pub bootstrap: Vec<String>,
    /// Find peers on the local network with mDNS.
    #[serde(default = "default_true")]
    pub mdns: bool,
    /// Find more peers through connected ones, with Kademlia.
    #[serde(default = "default_true")]
    pub kademlia: bool,
    /// How often to sync with a member peer picked at random, in seconds.
    #[serde(default = "default_sync_interval_secs")]
    pub sync_interval_secs: u64,
    /// Discovered peers are dialed while fewer than this many are connected.
    #[serde(default = "default_target_peers")]
    pub target_peers: usize,
    /// The most peer connections at once.
    #[serde(default = "default_max_connections")]
    pub max_connections: u32,
    /// No new peer connection while the process uses more memory than this, in MiB.
    #[serde(default = "default_max_memory_mb")]
    pub max_memory_mb: u64,
    /// Gossip messages queued to one peer connection before gossip gives up on it
    /// (records it could not send are announced and pulled by sync instead).
    #[serde(default = "default_gossip_queue_len")]
    pub gossip_queue_len: usize,
    /// Offer a circuit relay to members' devices behind NAT (it is used only when
    /// peers can reach this node).
    #[serde(default = "default_true")]
    pub offer_relay: bool,
    /// The most relay slots held by members' devices at once.
    #[serde(default = "default_relay_max_reservations")]
    pub relay_max_reservations: usize,
    /// The most relayed connections at once.
    #[serde(default = "default_relay_max_circuits")]
    pub relay_max_circuits: usize,
    /// How long one relayed connection may last, in minutes.
    #[serde(default = "default_relay_max_circuit_minutes")]
    pub relay_max_circuit_minutes: u64,
    /// How many bytes one relayed connection may carry, in MiB.
    #[serde(default = "default_relay_max_circuit_mb")]
    pub relay_max_circuit_mb: u64,
    /// The largest attachment uploaded, fetched or kept, in MiB.
    #[serde(default = "default_max_attachment_mb")]
    pub max_attachment_mb: u64,
    /// The most bytes of files attached by one org's live records kept, in MiB.
    #[serde(default = "default_max_attachments_per_org_mb")]
    pub max_attachments_per_org_mb: u64,
    /// Attachments up to this size are fetched as soon as a record naming them
    /// arrives; bigger ones when asked for, in MiB (0: only on demand).
    #[serde(default = "default_auto_fetch_max_mb")]
    pub auto_fetch_max_mb: u64,
    /// An upload or a fetch that would leave less free space on the disk is refused,
    /// in MiB.
    #[serde(default = "default_disk_reserve_mb")]
    pub disk_reserve_mb: u64,
    /// Notification hooks (`[[notify]]`), each a command or a webhook.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<NotifyEntry>,
}

/// One `[[notify]]` entry as written: `command = ["prog", "arg"]` or
/// `url = "https://…"`, an optional `name` and `timeout_secs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyEntry {
    /// A name for logs and for the pending deliveries (made from the hook if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A program and its arguments (no shell), given the event as JSON on its input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// An `http://` or `https://` address the event is POSTed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// How long one attempt may take, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

/// The longest hook timeout accepted, in seconds.
pub const MAX_NOTIFY_TIMEOUT_SECS: u64 = 300;
/// The most `[[notify]]` entries.
pub const MAX_NOTIFY_HOOKS: usize = 16;

impl NotifyEntry {
    /// The entry, checked.
    fn target(&self, index: usize) -> Result<NotifyTarget, ConfigError> {
        let refuse = |reason: &str| ConfigError::Notify {
            index: index + 1,
            reason: reason.to_owned(),
        };
        let hook = match (&self.command, &self.url) {
            (Some(argv), None) => {
                if argv.first().is_none_or(|program| program.trim().is_empty()) {
                    return Err(refuse("`command` needs at least the program to run"));
                }
                Hook::Command(argv.clone())
            }
            (None, Some(url)) => {
                let lower = url.trim().to_ascii_lowercase();
                let host = lower
                    .strip_prefix("https://")
                    .or_else(|| lower.strip_prefix("http://"));
                if host.is_none_or(|rest| rest.is_empty() || rest.starts_with('/')) {
                    return Err(refuse(
                        "`url` must be an http:// or https:// address such as https://chat.example.org/hooks/commons",
                    ));
                }
                Hook::Webhook(url.trim().to_owned())
            }
            _ => {
                return Err(refuse(
                    "give exactly one of `command = [...]` or `url = \"...\"`",
                ));
            }
        };
        if let Some(name) = &self.name
            && (name.is_empty()
                || name.len() > 64
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(refuse("`name` must be 1 to 64 letters, digits, `-` or `_`"));
        }
        let timeout = match self.timeout_secs {
            None => crate::notify::DEFAULT_HOOK_TIMEOUT,
            Some(secs) if (1..=MAX_NOTIFY_TIMEOUT_SECS).contains(&secs) => {
                Duration::from_secs(secs)
            }
            Some(secs) => {
                return Err(ConfigError::OutOfRange {
                    field: "timeout_secs",
                    value: secs,
                    min: 1,
                    max: MAX_NOTIFY_TIMEOUT_SECS,
                });
            }
        };
        Ok(NotifyTarget::new(self.name.clone(), hook, timeout))
    }
}

/// Settings from the command line or the environment that beat the file. The binary
/// resolves flag-over-environment before filling this in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--api-listen` or `COMMONS_API_LISTEN`.
    pub api_listen: Option<String>,
    /// `--web-listen` or `COMMONS_WEB_LISTEN`.
    pub web_listen: Option<String>,
    /// `--no-web`: do not serve the web app.
    pub no_web: bool,
    /// `--log-format` or `COMMONS_LOG_FORMAT`.
    pub log_format: Option<LogFormat>,
    /// `--listen` (repeatable): replaces the file's addresses.
    pub listen: Vec<String>,
    /// `--bootstrap` (repeatable): added to the file's peers.
    pub bootstrap: Vec<String>,
    /// `--no-mdns`.
    pub no_mdns: bool,
}

/// The checked configuration the node runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    org_name: String,
    device_label: String,
    api_listen: SocketAddr,
    web_listen: Option<SocketAddr>,
    log_format: LogFormat,
    commit_delay: Duration,
    max_batch: usize,
    network: NetworkSettings,
    attachments: AttachmentPolicy,
    notify: NotifySettings,
}

impl Config {
    /// What the node's network starts with.
    pub fn network_settings(&self) -> &NetworkSettings {
        &self.network
    }

    /// The org's name.
    pub fn org_name(&self) -> &str {
        &self.org_name
    }

    /// This device's label.
    pub fn device_label(&self) -> &str {
        &self.device_label
    }

    /// Where the control API listens: always a loopback address (port 0 asks the
    /// system for a free port, for tests).
    pub fn api_listen(&self) -> SocketAddr {
        self.api_listen
    }

    /// Where the web app listens, if it is served: always a loopback address (port 0
    /// asks the system for a free port; the data dir's `web-address` file says which).
    pub fn web_listen(&self) -> Option<SocketAddr> {
        self.web_listen
    }

    /// How logs are written.
    pub fn log_format(&self) -> LogFormat {
        self.log_format
    }

    /// How long the ingest waits for more records before committing a batch.
    pub fn commit_delay(&self) -> Duration {
        self.commit_delay
    }

    /// The most records committed in one transaction (at least 1).
    pub fn max_batch(&self) -> usize {
        self.max_batch
    }

    /// What this node accepts and keeps of attachments.
    pub fn attachment_policy(&self) -> AttachmentPolicy {
        self.attachments
    }

    /// The notification hooks and how they are retried.
    pub fn notify_settings(&self) -> &NotifySettings {
        &self.notify
    }

    /// The ingest settings these values make.
    pub fn ingest_settings(&self) -> IngestSettings {
        IngestSettings {
            max_batch: self.max_batch,
            commit_delay: self.commit_delay,
        }
    }
}

impl ConfigFile {
    /// A config with the given names and every other setting at its default.
    pub fn new(org_name: &str, device_label: &str) -> Self {
        ConfigFile {
            org_name: org_name.to_owned(),
            device_label: device_label.to_owned(),
            api_listen: default_api_listen(),
            web: true,
            web_listen: default_web_listen(),
            log_format: LogFormat::default(),
            commit_delay_ms: DEFAULT_COMMIT_DELAY_MS,
            max_batch: DEFAULT_MAX_BATCH,
            listen: default_listen(),
            bootstrap: Vec::new(),
            mdns: true,
            kademlia: true,
            sync_interval_secs: default_sync_interval_secs(),
            target_peers: DEFAULT_TARGET_PEERS,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_memory_mb: DEFAULT_MAX_MEMORY_MB,
            gossip_queue_len: DEFAULT_GOSSIP_QUEUE_LEN,
            offer_relay: true,
            relay_max_reservations: DEFAULT_RELAY_MAX_RESERVATIONS,
            relay_max_circuits: DEFAULT_RELAY_MAX_CIRCUITS,
            relay_max_circuit_minutes: default_relay_max_circuit_minutes(),
            relay_max_circuit_mb: default_relay_max_circuit_mb(),
            max_attachment_mb: DEFAULT_MAX_ATTACHMENT_MB,
            max_attachments_per_org_mb: DEFAULT_MAX_ATTACHMENTS_PER_ORG_MB,
            auto_fetch_max_mb: DEFAULT_AUTO_FETCH_MAX_MB,
            disk_reserve_mb: DEFAULT_DISK_RESERVE_MB,
            notify: Vec::new(),
        }
    }

    /// Reads and parses `path` (at most [`MAX_CONFIG_BYTES`]).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let read_error = |source| ConfigError::Read {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read_error)?;
        let mut text = String::new();
        file.take(MAX_CONFIG_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(read_error)?;
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(ConfigError::TooLarge {
                path: path.to_owned(),
                max: MAX_CONFIG_BYTES,
            });
        }
        Self::parse(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// Parses the text of a config file.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The text of a config file holding these settings, with comments: the names and
    /// the API address are written out, the other settings only when they differ
    /// from their defaults (otherwise they are shown commented out, so a later
    /// version's defaults still apply).
    pub fn to_toml(&self) -> String {
        let quoted = |text: &str| toml::Value::String(text.to_owned()).to_string();
        let mut out = String::new();
        out.push_str(
            "# Commons node configuration, written by `commons init`.\n\
             # Flags and environment variables beat this file:\n\
             #   --api-listen / COMMONS_API_LISTEN, --web-listen / COMMONS_WEB_LISTEN,\n\
             #   --log-format / COMMONS_LOG_FORMAT.\n\n",
        );
        out.push_str(&format!("org_name = {}\n", quoted(&self.org_name)));
        out.push_str(&format!(
            "device_label = {}\n\n",
            quoted(&self.device_label)
        ));
        out.push_str("# The local control API: a loopback address only.\n");
        out.push_str(&format!("api_listen = {}\n\n", quoted(&self.api_listen)));
        out.push_str(
            "# The staff's web app (`commons open` gives a login link): a loopback address\n\
             # only; `web = false` turns it off.\n",
        );
        out.push_str(&format!("web = {}\n", self.web));
        out.push_str(&format!("web_listen = {}\n\n", quoted(&self.web_listen)));
        let setting = |name: &str, value: String, default: String, comment: &str| {
            let prefix = if value == default { "# " } else { "" };
            format!("# {comment}\n{prefix}{name} = {value}\n")
        };
        out.push_str(&setting(
            "log_format",
            quoted(self.log_format.as_str()),
            quoted(LogFormat::default().as_str()),
            "Logs go to standard error: \"text\" or \"json\".",
        ));
        out.push_str(&setting(
            "commit_delay_ms",
            self.commit_delay_ms.to_string(),
            DEFAULT_COMMIT_DELAY_MS.to_string(),
            "How long ingest waits for more records before committing a batch, in ms.",
        ));
        out.push_str(&setting(
            "max_batch",
            self.max_batch.to_string(),
            DEFAULT_MAX_BATCH.to_string(),
            "The most records committed in one transaction.",
        ));
        let list = |items: &[String]| {
            toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect()).to_string()
        };
        out.push_str("\n# The network.\n");
        out.push_str(&setting(
            "listen",
            list(&self.listen),
            list(&default_listen()),
            "Where to listen for peers (libp2p multiaddrs; TCP and QUIC).",
        ));
        out.push_str(&setting(
            "bootstrap",
            list(&self.bootstrap),
            list(&[]),
            "Peers to dial at start: multiaddrs ending in /p2p/<peer id> (see `commons status`).",
        ));
        out.push_str(&setting(
            "mdns",
            self.mdns.to_string(),
            "true".to_owned(),
            "Find peers on the local network with mDNS.",
        ));
        out.push_str(&setting(
            "kademlia",
            self.kademlia.to_string(),
            "true".to_owned(),
            "Find more peers through connected ones (Kademlia; peer routing only).",
        ));
        out.push_str(&setting(
            "sync_interval_secs",
            self.sync_interval_secs.to_string(),
            default_sync_interval_secs().to_string(),
            "How often to sync with a member peer picked at random, in seconds.",
        ));
        out.push_str(&setting(
            "target_peers",
            self.target_peers.to_string(),
            DEFAULT_TARGET_PEERS.to_string(),
            "Discovered peers are dialed while fewer than this many are connected.",
        ));
        out.push_str(&setting(
            "max_connections",
            self.max_connections.to_string(),
            DEFAULT_MAX_CONNECTIONS.to_string(),
            "The most peer connections at once.",
        ));
        out.push_str(&setting(
            "max_memory_mb",
            self.max_memory_mb.to_string(),
            DEFAULT_MAX_MEMORY_MB.to_string(),
            "No new peer connection while the node uses more memory than this, in MiB.",
        ));
        out.push_str(&setting(
            "gossip_queue_len",
            self.gossip_queue_len.to_string(),
            DEFAULT_GOSSIP_QUEUE_LEN.to_string(),
            "Gossip messages queued per peer connection; what gossip cannot queue is announced and pulled by sync.",
        ));
        out.push_str(
            "\n# Reach: a relay for members' devices behind NAT (docs/operations.md, \"Behind a router\").\n",
        );
        out.push_str(&setting(
            "offer_relay",
            self.offer_relay.to_string(),
            "true".to_owned(),
            "Offer a circuit relay to members' devices behind NAT (used only when peers can reach this node).",
        ));
        out.push_str(&setting(
            "relay_max_reservations",
            self.relay_max_reservations.to_string(),
            DEFAULT_RELAY_MAX_RESERVATIONS.to_string(),
            "The most relay slots held by members' devices at once.",
        ));
        out.push_str(&setting(
            "relay_max_circuits",
            self.relay_max_circuits.to_string(),
            DEFAULT_RELAY_MAX_CIRCUITS.to_string(),
            "The most relayed connections at once.",
        ));
        out.push_str(&setting(
            "relay_max_circuit_minutes",
            self.relay_max_circuit_minutes.to_string(),
            default_relay_max_circuit_minutes().to_string(),
            "How long one relayed connection may last, in minutes.",
        ));
        out.push_str(&setting(
            "relay_max_circuit_mb",
            self.relay_max_circuit_mb.to_string(),
            default_relay_max_circuit_mb().to_string(),
            "How many bytes one relayed connection may carry, in MiB.",
        ));
        out.push_str("\n# Attachments (files attached to case studies).\n");
        out.push_str(&setting(
            "max_attachment_mb",
            self.max_attachment_mb.to_string(),
            DEFAULT_MAX_ATTACHMENT_MB.to_string(),
            "The largest file uploaded, fetched or kept, in MiB.",
        ));
        out.push_str(&setting(
            "max_attachments_per_org_mb",
            self.max_attachments_per_org_mb.to_string(),
            DEFAULT_MAX_ATTACHMENTS_PER_ORG_MB.to_string(),
            "The most bytes of files attached by one org's records kept here, in MiB.",
        ));
        out.push_str(&setting(
            "auto_fetch_max_mb",
            self.auto_fetch_max_mb.to_string(),
            DEFAULT_AUTO_FETCH_MAX_MB.to_string(),
            "Files up to this size are fetched when their record arrives; bigger ones on demand.",
        ));
        out.push_str(&setting(
            "disk_reserve_mb",
            self.disk_reserve_mb.to_string(),
            DEFAULT_DISK_RESERVE_MB.to_string(),
            "An upload or a fetch that would leave less free disk space than this is refused, in MiB.",
        ));
        out.push_str(
            "\n# Notifications of alerts, answers to our alerts and votes waiting for us\n\
             # (docs/operations.md has recipes), for example:\n\
             #   [[notify]]\n\
             #   command = [\"/usr/local/bin/commons-mail\"]   # the event as JSON on stdin\n\
             #   [[notify]]\n\
             #   url = \"https://chat.example.org/hooks/commons\"   # signed with notify-secret\n",
        );
        if !self.notify.is_empty() {
            #[derive(Serialize)]
            struct Hooks<'a> {
                notify: &'a [NotifyEntry],
            }
            if let Ok(text) = toml::to_string(&Hooks {
                notify: &self.notify,
            }) {
                out.push_str(&text);
            }
        }
        out
    }

    /// The attachment settings, checked.
    fn attachment_policy(&self) -> Result<AttachmentPolicy, ConfigError> {
        let in_range = |field, value: u64, min: u64, max: u64| {
            if (min..=max).contains(&value) {
                Ok(value * MIB)
            } else {
                Err(ConfigError::OutOfRange {
                    field,
                    value,
                    min,
                    max,
                })
            }
        };
        let max_bytes = in_range(
            "max_attachment_mb",
            self.max_attachment_mb,
            1,
            MAX_MAX_ATTACHMENT_MB,
        )?;
        Ok(AttachmentPolicy {
            max_bytes,
            per_org_bytes: in_range(
                "max_attachments_per_org_mb",
                self.max_attachments_per_org_mb,
                self.max_attachment_mb,
                MAX_ATTACHMENTS_PER_ORG_MB,
            )?,
            // Above the largest attachment it means "every file this node takes".
            auto_fetch_max_bytes: in_range(
                "auto_fetch_max_mb",
                self.auto_fetch_max_mb,
                0,
                MAX_MAX_ATTACHMENT_MB,
            )?
            .min(max_bytes),
            disk_reserve_bytes: in_range(
                "disk_reserve_mb",
                self.disk_reserve_mb,
                0,
                MAX_DISK_RESERVE_MB,
            )?,
        })
    }

    /// Checks the settings, with `overrides` applied, into the runtime [`Config`].
    pub fn build(self, overrides: &Overrides) -> Result<Config, ConfigError> {
        let attachments = self.attachment_policy()?;
        if self.notify.len() > MAX_NOTIFY_HOOKS {
            return Err(ConfigError::Notify {
                index: self.notify.len(),
                reason: format!("at most {MAX_NOTIFY_HOOKS} [[notify]] entries are allowed"),
            });
        }
        let mut targets: Vec<NotifyTarget> = Vec::new();
        for (index, entry) in self.notify.iter().enumerate() {
            let target = entry.target(index)?;
            if targets.iter().any(|other| other.name == target.name) {
                return Err(ConfigError::Notify {
                    index: index + 1,
                    reason: format!(
                        "another entry has the name `{}` (or the same hook): give each a different `name`",
                        target.name
                    ),
                });
            }
            targets.push(target);
        }
        let notify = NotifySettings {
            targets,
            ..NotifySettings::default()
        };
        let api_text = overrides.api_listen.clone().unwrap_or(self.api_listen);
        let api_listen: SocketAddr =
            api_text
                .trim()
                .parse()
                .map_err(|source| ConfigError::ApiListen {
                    value: api_text.clone(),
                    source,
                })?;
        if !api_listen.ip().is_loopback() {
            return Err(ConfigError::ApiNotLoopback { addr: api_listen });
        }
        let web_listen = if self.web && !overrides.no_web {
            let web_text = overrides.web_listen.clone().unwrap_or(self.web_listen);
            let addr: SocketAddr =
                web_text
                    .trim()
                    .parse()
                    .map_err(|source| ConfigError::WebListen {
                        value: web_text.clone(),
                        source,
                    })?;
            if !addr.ip().is_loopback() {
                return Err(ConfigError::WebNotLoopback { addr });
            }
            Some(addr)
        } else {
            None
        };
        if self.commit_delay_ms > MAX_COMMIT_DELAY_MS {
            return Err(ConfigError::OutOfRange {
                field: "commit_delay_ms",
                value: self.commit_delay_ms,
                min: 0,
                max: MAX_COMMIT_DELAY_MS,
            });
        }
        if self.max_batch == 0 || self.max_batch > MAX_MAX_BATCH {
            return Err(ConfigError::OutOfRange {
                field: "max_batch",
                value: self.max_batch as u64,
                min: 1,
                max: MAX_MAX_BATCH as u64,
            });
        }
        let multiaddrs = |field: &'static str, values: &[String]| {
            values
                .iter()
                .map(|value| {
                    value.trim().parse::<libp2p::Multiaddr>().map_err(|error| {
                        ConfigError::Multiaddr {
                            field,
                            value: value.clone(),
                            error: error.to_string(),
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let listen_text = if overrides.listen.is_empty() {
            &self.listen
        } else {
            &overrides.listen
        };
        let listen = multiaddrs("listen", listen_text)?;
        let mut bootstrap = multiaddrs("bootstrap", &self.bootstrap)?;
        bootstrap.extend(multiaddrs("bootstrap", &overrides.bootstrap)?);
        if !(MIN_SYNC_INTERVAL_SECS..=MAX_SYNC_INTERVAL_SECS).contains(&self.sync_interval_secs) {
            return Err(ConfigError::OutOfRange {
                field: "sync_interval_secs",
                value: self.sync_interval_secs,
                min: MIN_SYNC_INTERVAL_SECS,
                max: MAX_SYNC_INTERVAL_SECS,
            });
        }
        if self.max_connections == 0 || self.max_connections > MAX_MAX_CONNECTIONS {
            return Err(ConfigError::OutOfRange {
                field: "max_connections",
                value: u64::from(self.max_connections),
                min: 1,
                max: u64::from(MAX_MAX_CONNECTIONS),
            });
        }
        for (field, value) in [
            ("relay_max_reservations", self.relay_max_reservations),
            ("relay_max_circuits", self.relay_max_circuits),
        ] {
            if value == 0 || value > MAX_RELAY_SLOTS {
                return Err(ConfigError::OutOfRange {
                    field,
                    value: value as u64,
                    min: 1,
                    max: MAX_RELAY_SLOTS as u64,
                });
            }
        }
        for (field, value, max) in [
            (
                "relay_max_circuit_minutes",
                self.relay_max_circuit_minutes,
                MAX_RELAY_CIRCUIT_MINUTES,
            ),
            (
                "relay_max_circuit_mb",
                self.relay_max_circuit_mb,
                MAX_RELAY_CIRCUIT_MB,
            ),
        ] {
            if value == 0 || value > max {
                return Err(ConfigError::OutOfRange {
                    field,
                    value,
                    min: 1,
                    max,
                });
            }
        }
        if self.gossip_queue_len > MAX_GOSSIP_QUEUE_LEN {
            return Err(ConfigError::OutOfRange {
                field: "gossip_queue_len",
                value: self.gossip_queue_len as u64,
                min: 0,
                max: MAX_GOSSIP_QUEUE_LEN as u64,
            });
        }
        let max_memory_bytes = usize::try_from(self.max_memory_mb.saturating_mul(1024 * 1024))
            .ok()
            .filter(|bytes| *bytes > 0)
            .ok_or(ConfigError::OutOfRange {
                field: "max_memory_mb",
                value: self.max_memory_mb,
                min: 1,
                max: (usize::MAX / (1024 * 1024)) as u64,
            })?;
        let network = NetworkSettings {
            attachments: crate::network::FetchLimits {
                auto_max_bytes: attachments.auto_fetch_max_bytes,
                max_bytes: attachments.max_bytes,
                per_org_bytes: attachments.per_org_bytes,
            },
            listen,
            bootstrap,
            sync_interval: Duration::from_secs(self.sync_interval_secs),
            first_sync_round: FIRST_SYNC_ROUND,
            target_peers: self.target_peers,
            swarm: SwarmOptions {
                mdns: self.mdns && !overrides.no_mdns,
                kademlia: self.kademlia,
                max_connections: self.max_connections,
                max_memory_bytes,
                gossip_queue_len: self.gossip_queue_len,
                relay: RelayLimits {
                    offer: self.offer_relay,
                    max_reservations: self.relay_max_reservations,
                    max_circuits: self.relay_max_circuits,
                    max_circuit_duration: Duration::from_secs(self.relay_max_circuit_minutes * 60),
                    max_circuit_bytes: self.relay_max_circuit_mb * MIB,
                    ..RelayLimits::default()
                },
                ..SwarmOptions::default()
            },
        };
        Ok(Config {
            network,
            org_name: self.org_name,
            device_label: self.device_label,
            api_listen,
            web_listen,
            log_format: overrides.log_format.unwrap_or(self.log_format),
            commit_delay: Duration::from_millis(self.commit_delay_ms),
            max_batch: self.max_batch,
            attachments,
            notify,
        })
    }
}

/// Why the configuration was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("could not read the config file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than any config file should be.
    #[error("the config file {} is larger than {max} bytes; is it the right file?", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: u64,
    },
    /// The file is not valid TOML, or holds an unknown or mistyped setting.
    #[error("the config file {} is not valid", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the TOML parser found.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// `api_listen` is not an address and port.
    #[error("api_listen `{value}` is not an address and port such as {DEFAULT_API_LISTEN}")]
    ApiListen {
        /// The value given.
        value: String,
        /// Why it did not parse.
        #[source]
        source: std::net::AddrParseError,
    },
    /// `api_listen` is not a loopback address.
    #[error(
        "api_listen {addr} is not a loopback address: the control API is local only, so \
         listen on 127.0.0.1 or [::1] (for example {DEFAULT_API_LISTEN})"
    )]
    ApiNotLoopback {
        /// The address given.
        addr: SocketAddr,
    },
    /// `web_listen` is not an address and port.
    #[error("web_listen `{value}` is not an address and port such as {DEFAULT_WEB_LISTEN}")]
    WebListen {
        /// The value given.
        value: String,
        /// Why it did not parse.
        #[source]
        source: std::net::AddrParseError,
    },
    /// `web_listen` is not a loopback address.
    #[error(
        "web_listen {addr} is not a loopback address: the web app is for this machine's \
         browser only, so listen on 127.0.0.1 or [::1] (for example {DEFAULT_WEB_LISTEN})"
    )]
    WebNotLoopback {
        /// The address given.
        addr: SocketAddr,
    },
    /// A peer address that is not a libp2p multiaddr.
    #[error(
        "{field} `{value}` is not a libp2p address ({error}); write it like \
         /ip4/192.0.2.10/tcp/7411/p2p/12D3KooW..."
    )]
    Multiaddr {
        /// The setting.
        field: &'static str,
        /// The value given.
        value: String,
        /// Why it did not parse.
        error: String,
    },
    /// An unknown log format.
    #[error("log format `{value}` is unknown: use `text` or `json`")]
    LogFormat {
        /// The value given.
        value: String,
    },
    /// A `[[notify]]` entry that cannot be used.
    #[error("[[notify]] entry {index} in config.toml: {reason}")]
    Notify {
        /// Which entry, from 1.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A number outside its range.
    #[error("{field} = {value} is out of range: use a value from {min} to {max}")]
    OutOfRange {
        /// The setting.
        field: &'static str,
        /// The value given.
        value: u64,
        /// The smallest accepted.
        min: u64,
        /// The largest accepted.
        max: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> &'static str {
        "org_name = \"Housing Rights Coalition\"\ndevice_label = \"office server\"\n"
    }

    #[test]
    fn a_minimal_file_takes_every_default() {
        let file = ConfigFile::parse(minimal()).unwrap();
        assert_eq!(
            file,
            ConfigFile::new("Housing Rights Coalition", "office server")
        );
        let config = file.build(&Overrides::default()).unwrap();
        assert_eq!(config.org_name(), "Housing Rights Coalition");
        assert_eq!(config.device_label(), "office server");
        assert_eq!(
            config.api_listen(),
            DEFAULT_API_LISTEN.parse::<SocketAddr>().unwrap()
        );
        assert_eq!(config.log_format(), LogFormat::Text);
        assert_eq!(
            config.commit_delay(),
            Duration::from_millis(DEFAULT_COMMIT_DELAY_MS)
        );
        assert_eq!(config.max_batch(), DEFAULT_MAX_BATCH);
        let settings = config.ingest_settings();
        assert_eq!(settings.max_batch, IngestSettings::default().max_batch);
        assert_eq!(
            settings.commit_delay,
            IngestSettings::default().commit_delay
        );
    }

    #[test]
    fn every_setting_is_read_from_the_file() {
        let text = format!(
            "{}api_listen = \"[::1]:8000\"\nlog_format = \"json\"\ncommit_delay_ms = 10\nmax_batch = 32\n",
            minimal()
        );
        let config = ConfigFile::parse(&text)
            .unwrap()
            .build(&Overrides::default())
            .unwrap();
        assert_eq!(config.api_listen(), "[::1]:8000".parse().unwrap());
        assert_eq!(config.log_format(), LogFormat::Json);
        assert_eq!(config.commit_delay(), Duration::from_millis(10));
        assert_eq!(config.max_batch(), 32);
    }

    #[test]
    fn the_network_settings_come_from_the_file_and_the_flags() {
        let text = format!(
            "{}listen = [\"/ip4/127.0.0.1/tcp/0\"]\nbootstrap = [\"/ip4/127.0.0.1/tcp/7411\"]\nmdns = false\nsync_interval_secs = 5\ntarget_peers = 3\n",
            minimal()
        );
        let file = ConfigFile::parse(&text).unwrap();
        let config = file.clone().build(&Overrides::default()).unwrap();
        let network = config.network_settings();
        assert_eq!(
            network.listen,
            vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()]
        );
        assert_eq!(network.bootstrap.len(), 1);
        assert!(!network.swarm.mdns);
        assert_eq!(network.sync_interval, Duration::from_secs(5));
        assert_eq!(network.target_peers, 3);
        let overrides = Overrides {
            listen: vec!["/ip4/127.0.0.1/udp/0/quic-v1".to_owned()],
            bootstrap: vec!["/ip4/127.0.0.1/tcp/7412".to_owned()],
            ..Overrides::default()
        };
        let network = file.build(&overrides).unwrap().network_settings().clone();
        assert_eq!(
            network.listen,
            vec!["/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap()]
        );
        assert_eq!(network.bootstrap.len(), 2, "flags add to the file's peers");

        let defaults = ConfigFile::parse(minimal())
            .unwrap()
            .build(&Overrides::default())
            .unwrap();
        assert_eq!(defaults.network_settings().listen.len(), 2, "TCP and QUIC");
        assert!(defaults.network_settings().swarm.mdns);
        let no_mdns = Overrides {
            no_mdns: true,
            ..Overrides::default()
        };
        let quiet = ConfigFile::parse(minimal())
            .unwrap()
            .build(&no_mdns)
            .unwrap();
        assert!(!quiet.network_settings().swarm.mdns);
    }

    #[test]
    fn a_bad_peer_address_is_named() {
        let text = format!("{}bootstrap = [\"192.0.2.1:7411\"]\n", minimal());
        let error = ConfigFile::parse(&text)
            .unwrap()
            .build(&Overrides::default())
            .unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::Multiaddr {
                    field: "bootstrap",
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("/p2p/"), "{error}");
        let text = format!("{}sync_interval_secs = 0\n", minimal());
        assert!(matches!(
            ConfigFile::parse(&text)
                .unwrap()
                .build(&Overrides::default()),
            Err(ConfigError::OutOfRange {
                field: "sync_interval_secs",
                ..
            })
        ));
    }

    #[test]
    fn overrides_beat_the_file() {
        let text = format!(
            "{}api_listen = \"127.0.0.1:8000\"\nlog_format = \"json\"\n",
            minimal()
        );
        let file = ConfigFile::parse(&text).unwrap();
        let overrides = Overrides {
            api_listen: Some("127.0.0.1:9000".into()),
            log_format: Some(LogFormat::Text),
            ..Overrides::default()
        };
        let config = file.clone().build(&overrides).unwrap();
        assert_eq!(config.api_listen(), "127.0.0.1:9000".parse().unwrap());
        assert_eq!(config.log_format(), LogFormat::Text);

        let only_format = Overrides {
            api_listen: None,
            log_format: Some(LogFormat::Text),
            ..Overrides::default()
        };
        let config = file.build(&only_format).unwrap();
        assert_eq!(config.api_listen(), "127.0.0.1:8000".parse().unwrap());
    }

    #[test]
    fn unknown_and_missing_fields_are_refused() {
        let misspelt = format!("{}api_listn = \"127.0.0.1:1\"\n", minimal());
        let error = ConfigFile::parse(&misspelt).unwrap_err().to_string();
        assert!(error.contains("api_listn"), "{error}");

        let error = ConfigFile::parse("org_name = \"A\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("device_label"), "{error}");

        let bad_format = format!("{}log_format = \"xml\"\n", minimal());
        let error = ConfigFile::parse(&bad_format).unwrap_err().to_string();
        assert!(error.contains("xml"), "{error}");
    }

    #[test]
    fn the_api_listens_on_loopback_only() {
        for addr in ["0.0.0.0:7390", "192.168.1.10:7390", "[::]:7390"] {
            let overrides = Overrides {
                api_listen: Some(addr.into()),
                log_format: None,
                ..Overrides::default()
            };
            let error = ConfigFile::new("A", "node").build(&overrides).unwrap_err();
            assert!(
                matches!(error, ConfigError::ApiNotLoopback { .. }),
                "{addr}: {error}"
            );
            assert!(error.to_string().contains("local only"), "{error}");
        }
        for addr in ["127.0.0.1:0", "127.0.0.2:7390", "[::1]:7390"] {
            let overrides = Overrides {
                api_listen: Some(addr.into()),
                log_format: None,
                ..Overrides::default()
            };
            assert!(
                ConfigFile::new("A", "node").build(&overrides).is_ok(),
                "{addr}"
            );
        }
        let overrides = Overrides {
            api_listen: Some("localhost:7390".into()),
            log_format: None,
            ..Overrides::default()
        };
        let error = ConfigFile::new("A", "node").build(&overrides).unwrap_err();
        assert!(matches!(error, ConfigError::ApiListen { .. }), "{error}");
    }

    #[test]
    fn numbers_out_of_range_are_refused() {
        let mut file = ConfigFile::new("A", "node");
        file.max_batch = 0;
        let error = file.build(&Overrides::default()).unwrap_err();
        assert!(error.to_string().contains("max_batch = 0"), "{error}");

        let mut file = ConfigFile::new("A", "node");
        file.commit_delay_ms = MAX_COMMIT_DELAY_MS + 1;
        let error = file.build(&Overrides::default()).unwrap_err();
        assert!(error.to_string().contains("commit_delay_ms"), "{error}");
    }

    #[test]
    fn attachment_limits_default_and_are_checked_against_each_other() {
        let config = ConfigFile::new("A", "node")
            .build(&Overrides::default())
            .unwrap();
        let policy = config.attachment_policy();
        assert_eq!(policy, AttachmentPolicy::default());
        assert_eq!(policy.max_bytes, 64 * MIB);
        assert_eq!(policy.per_org_bytes, 1024 * MIB);
        assert_eq!(policy.auto_fetch_max_bytes, 8 * MIB);
        assert_eq!(config.network_settings().attachments.max_bytes, 64 * MIB);
        assert_eq!(
            config.network_settings().attachments.auto_max_bytes,
            8 * MIB
        );

        let file = ConfigFile::parse(&format!(
            "{}max_attachment_mb = 16\nauto_fetch_max_mb = 0\nmax_attachments_per_org_mb = 100\n",
            minimal()
        ))
        .unwrap();
        let policy = file
            .build(&Overrides::default())
            .unwrap()
            .attachment_policy();
        assert_eq!(
            (
                policy.max_bytes,
                policy.auto_fetch_max_bytes,
                policy.per_org_bytes
            ),
            (16 * MIB, 0, 100 * MIB)
        );
        // The automatic limit never passes the largest attachment.
        let file = ConfigFile::parse(&format!("{}max_attachment_mb = 1\n", minimal())).unwrap();
        let policy = file
            .build(&Overrides::default())
            .unwrap()
            .attachment_policy();
        assert_eq!(policy.auto_fetch_max_bytes, MIB);

        for (field, edit) in [
            (
                "max_attachment_mb",
                (|file: &mut ConfigFile| file.max_attachment_mb = 2048) as fn(&mut ConfigFile),
            ),
            ("max_attachment_mb", |file| file.max_attachment_mb = 0),
            ("auto_fetch_max_mb", |file| file.auto_fetch_max_mb = 1025),
            ("max_attachments_per_org_mb", |file| {
                file.max_attachments_per_org_mb = 63
            }),
        ] {
            let mut file = ConfigFile::new("A", "node");
            edit(&mut file);
            let error = file.build(&Overrides::default()).unwrap_err();
            assert!(error.to_string().contains(field), "{error}");
        }
    }

    #[test]
    fn log_formats_parse_from_their_names() {
        assert_eq!("text".parse::<LogFormat>().unwrap(), LogFormat::Text);
        assert_eq!("json".parse::<LogFormat>().unwrap(), LogFormat::Json);
        let error = "JSON".parse::<LogFormat>().unwrap_err();
        assert!(
            error.to_string().contains("use `text` or `json`"),
            "{error}"
        );
    }

    #[test]
    fn the_written_file_reads_back_the_same() {
        let mut file = ConfigFile::new("Red \"Tierra\" \\ Libre\nMéxico", "laptop # 2");
        assert_eq!(ConfigFile::parse(&file.to_toml()).unwrap(), file);
        assert!(file.to_toml().contains(&format!(
            "# max_batch = {}",
            crate::ingest::DEFAULT_MAX_BATCH
        )));

        file.api_listen = "127.0.0.1:8000".into();
        file.log_format = LogFormat::Json;
        file.commit_delay_ms = 5;
        file.max_batch = 64;
        let text = file.to_toml();
        assert!(text.contains("\nmax_batch = 64\n"), "{text}");
        assert_eq!(ConfigFile::parse(&text).unwrap(), file);
    }

    #[test]
    fn notify_hooks_are_read_checked_and_written_back() {
        let text = format!(
            "{}\n[[notify]]\ncommand = [\"/usr/local/bin/commons-mail\", \"staff@example.org\"]\n\
             timeout_secs = 30\n\n[[notify]]\nname = \"chat\"\nurl = \"https://chat.example.org/hooks/x\"\n",
            minimal()
        );
        let file = ConfigFile::parse(&text).unwrap();
        assert_eq!(ConfigFile::parse(&file.to_toml()).unwrap(), file);
        let config = file.build(&Overrides::default()).unwrap();
        let targets = &config.notify_settings().targets;
        assert_eq!(targets.len(), 2);
        assert_eq!(
            targets[0].hook,
            Hook::Command(vec![
                "/usr/local/bin/commons-mail".into(),
                "staff@example.org".into()
            ])
        );
        assert_eq!(targets[0].timeout, Duration::from_secs(30));
        assert!(
            targets[0].name.starts_with("command-"),
            "{}",
            targets[0].name
        );
        assert_eq!(targets[1].name, "chat");
        assert_eq!(
            targets[1].hook,
            Hook::Webhook("https://chat.example.org/hooks/x".into())
        );

        for (entry, says) in [
            ("command = []", "at least the program"),
            ("url = \"ftp://example.org\"", "http:// or https://"),
            (
                "command = [\"true\"]\nurl = \"https://example.org\"",
                "exactly one",
            ),
            ("command = [\"true\"]\nname = \"a b\"", "`name`"),
            ("command = [\"true\"]\ntimeout_secs = 0", "timeout_secs"),
        ] {
            let text = format!("{}\n[[notify]]\n{entry}\n", minimal());
            let error = ConfigFile::parse(&text)
                .unwrap()
                .build(&Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains(says), "{entry}: {error}");
        }
        let twice = format!(
            "{}\n[[notify]]\ncommand = [\"true\"]\n[[notify]]\ncommand = [\"true\"]\n",
            minimal()
        );
        assert!(
            ConfigFile::parse(&twice)
                .unwrap()
                .build(&Overrides::default())
                .is_err()
        );
    }
}
