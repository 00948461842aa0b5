//! The fault harness: the step *between* nodes, where records cross a real (if small)
//! network. A [`Lab`] puts every node in a Linux network namespace of its own, with its
//! own address, cabled by a veth pair to one bridge, and runs the real
//! `commons node run` process there; then it breaks the network between them in the
//! ways its users' networks break (`docs/faults.md` lists the scenarios and figures).
//!
//! ```text
//!   namespace  cf-<pid>-<lab>-br : bridge br0 10.77.0.254/24, the delay relay
//!        |  v0     |  v1     ...   (veth pairs)
//!   namespace  cf-<pid>-<lab>-0  : eth0 10.77.0.1/24, `commons node run` on :7411
//!   namespace  cf-<pid>-<lab>-1  : eth0 10.77.0.2/24, ...
//! ```
//!
//! - **Isolation**: the bridge lives in a namespace of its own, not in the root one, so
//!   nothing a lab sends can reach the machine's real network or another lab: every lab
//!   may use the same subnet ([`SUBNET`]). Names carry this process's pid and a counter,
//!   so parallel tests and parallel runs never collide; a lab left behind by a process
//!   that was killed is removed by the next lab made on the machine ([`sweep_stale`]).
//! - **Nodes**: founders of one network ([`init_network`]), each with its data dir in
//!   the lab's temporary directory, listening on `/ip4/10.77.0.N/tcp/7411`, mDNS and
//!   Kademlia off, dialing its next [`LabOptions::dial`] neighbours on a ring.
//! - **Driving them**: a node's control API listens on loopback *inside* its namespace,
//!   as in production; the lab drives it with the real CLI run in that namespace
//!   (`ip netns exec NS commons --data-dir D --json ...`), never by opening the API.
//! - **Behind NAT** ([`LabOptions::behind_nat`]): such a node's namespace is cabled not
//!   to the bridge but to a router namespace of its own (`…-nat<N>`), whose outside
//!   address on the bridge is the one the node would have had (`10.77.0.N+1`) and
//!   whose inside network is `192.168.N+1.0/24` (the node at `.2`), with nftables
//!   masquerade on the way out and nothing forwarded in: a home router, as the node's
//!   peers see it. Nodes on the bridge cannot dial it; it dials them. With
//!   [`LabOptions::nat_random_ports`] the routers map every connection to a port of
//!   its own (`masquerade fully-random`), as carrier-grade NATs do, so no peer can
//!   predict the port and hole punching cannot work.
//! - **Faults**: [`Lab::partition`] / [`Lab::heal`] (nftables drop rules between
//!   groups), [`Lab::kill`] (SIGKILL) and [`Lab::start`], [`Lab::freeze`] / [`Lab::thaw`]
//!   (SIGSTOP / SIGCONT), [`Lab::packet_loss`] (nftables `numgen random`),
//!   [`Lab::bandwidth`] (a `tc` token bucket), [`Lab::set_clock_offset`] (libfaketime,
//!   with the monotonic clock left real), and added latency ([`LabOptions::latency`]):
//!   every node dials every other through the `commons-delay-relay` process in the
//!   bridge's namespace, and direct traffic between nodes is dropped.
//! - **Teardown**: dropping the lab (also while a test panics) kills and reaps every
//!   process it started, then deletes its namespaces, which takes the veths, the
//!   bridge, the nftables tables and the qdiscs with them; the temporary directory goes
//!   last.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use commons_node::api::contract::records::RecordsPage;
use commons_node::config::ConfigFile;
use commons_node::daemon::API_ADDRESS_FILE;
use commons_node::data_dir::DataDir;
use commons_node::founding::{FounderDir, init_network};
use serde::Deserialize;
use serde_json::Value;
use tempfile::TempDir;

use crate::{CommonsBinary, Published, poll_for};

/// The first three octets of every lab's subnet (a /24): node `i` is `.i+1`, the bridge
/// `.254`. Labs are isolated from each other, so they can share it.
pub const SUBNET: [u8; 3] = [10, 77, 0];
/// The bridge's last octet: where the delay relay listens.
pub const BRIDGE_OCTET: u8 = 254;
/// The TCP port every node listens on for peers, in its own namespace.
pub const NODE_PORT: u16 = 7411;
/// The relay's port for node `i` is this plus `i`.
pub const RELAY_BASE_PORT: u16 = 10_000;
/// The most nodes a lab holds (addresses .1 to .200).
pub const MAX_NODES: usize = 200;
/// The prefix of every namespace a lab makes: `cf-<pid>-<lab>-<node>` and `…-br`.
pub const NAMESPACE_PREFIX: &str = "cf-";
/// How long a node may take from spawn until its API answers through the CLI.
pub const NODE_START_DEADLINE: Duration = Duration::from_secs(60);
/// How long one CLI command may take before the lab kills it and reports a failure.
pub const CLI_DEADLINE: Duration = Duration::from_secs(20);
/// The shared library of Debian's `faketime` package.
pub const LIBFAKETIME_PATHS: [&str; 2] = [
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
];
/// The nftables table each fault of a kind lives in, in a node's namespace: healing
/// deletes the table, leaving the other kinds of fault in place.
const PARTITION_TABLE: &str = "commons_partition";
const LOSS_TABLE: &str = "commons_loss";
const RELAY_ONLY_TABLE: &str = "commons_relay_only";
/// How many lines of a node's log a failure message shows.
const LOG_TAIL_LINES: usize = 30;
/// Set (to anything) to keep a lab's data dirs and node logs after it is dropped.
pub const KEEP_ENV: &str = "COMMONS_FAULTS_KEEP";
/// What Rust's panic message in a node's log (its stderr) starts with.
const PANIC_MARK: &str = "panicked at";
/// The pause between two probes of convergence.
pub const CONVERGENCE_PROBE_INTERVAL: Duration = Duration::from_millis(200);
/// Records asked for per page when listing everything a node holds.
const LIST_PAGE: usize = 1000;

/// Labs made by this process so far, for unique names.
static LABS_MADE: AtomicUsize = AtomicUsize::new(0);

/// Whether this machine can run a lab: root, and `ip`, `nft`, `tc` and libfaketime
/// installed. `Err` says what is missing and how to get it.
pub fn preflight() -> Result<(), String> {
    let uid = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(str::to_owned))
        })
        .unwrap_or_default();
    if uid != "0" {
        return Err(
            "the fault scenarios make network namespaces, so they need root (run the tests as root)"
                .to_owned(),
        );
    }
    let mut missing = Vec::new();
    for (tool, package) in [("ip", "iproute2"), ("nft", "nftables"), ("tc", "iproute2")] {
        let found = Command::new(tool)
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            missing.push(format!("`{tool}` (Debian package {package})"));
        }
    }
    if libfaketime().is_none() {
        missing.push("libfaketime (Debian package faketime)".to_owned());
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "missing {}: install with `apt-get install -y iproute2 nftables faketime`",
            missing.join(", ")
        ))
    }
}

/// Calls [`preflight`]; if the machine cannot run a lab, panics under CI (`CI` set to
/// anything but `false`), so a CI run never passes without running the scenarios, and
/// otherwise prints why the test is skipped and returns `false`.
pub fn lab_available(test: &str) -> bool {
    match preflight() {
        Ok(()) => true,
        Err(reason) => {
            let ci = std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false");
            if ci {
                panic!("{test}: cannot run under CI: {reason}");
            }
            eprintln!("{test}: SKIPPED (not under CI): {reason}");
            false
        }
    }
}

/// The path of libfaketime, if installed.
pub fn libfaketime() -> Option<&'static str> {
    LIBFAKETIME_PATHS
        .into_iter()
        .find(|path| Path::new(path).is_file())
}

/// How a lab is built.
#[derive(Debug, Clone)]
pub struct LabOptions {
    /// How many nodes (founders of one network).
    pub nodes: usize,
    /// Each node dials the next `dial` nodes on a ring (and is dialed by the `dial`
    /// before it).
    pub dial: usize,
    /// The nodes' periodic sync interval, in seconds (`sync_interval_secs`).
    pub sync_interval_secs: u64,
    /// Added latency each way on every link: nodes dial each other through the delay
    /// relay, and direct traffic between them is dropped. `None`: direct links.
    pub latency: Option<Duration>,
    /// The relay binary (`env!("CARGO_BIN_EXE_commons-delay-relay")` in this crate's
    /// tests); needed only with `latency`.
    pub relay_binary: Option<PathBuf>,
    /// Changes each node's config.toml (the node's index, its config) after the lab's
    /// own settings (limits of a scenario, such as `auto_fetch_max_mb`).
    pub tune: fn(usize, &mut ConfigFile),
    /// The nodes each behind a NAT router of their own (masquerade out, nothing in).
    pub behind_nat: Vec<usize>,
    /// The routers of [`LabOptions::behind_nat`] give every connection a random
    /// outside port (endpoint-dependent mapping, "symmetric NAT"); otherwise they keep
    /// the node's port where they can, as Linux and most home routers do.
    pub nat_random_ports: bool,
    /// Nodes that list no peer to dial: the others still dial them, so every
    /// connection they have is one a peer dialed.
    pub dial_nobody: Vec<usize>,
}

impl LabOptions {
    /// `nodes` nodes, each dialing its next two, syncing every 2 s, no added latency.
    pub fn new(nodes: usize) -> LabOptions {
        LabOptions {
            nodes,
            dial: 2,
            sync_interval_secs: 2,
            latency: None,
            relay_binary: None,
            tune: |_, _| {},
            behind_nat: Vec::new(),
            nat_random_ports: false,
            dial_nobody: Vec::new(),
        }
    }
}

/// Why a CLI command run against a node failed.
#[derive(Debug, Clone)]
pub enum CliFailure {
    /// The node is not running (killed and not restarted) or frozen: nothing was sent.
    NotRunning,
    /// The command ran and failed (it could not reach the node, or the node refused).
    Failed(String),
    /// The command did not finish within [`CLI_DEADLINE`] and was killed.
    TimedOut,
}

impl fmt::Display for CliFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliFailure::NotRunning => f.write_str("the node is not running"),
            CliFailure::Failed(message) => write!(f, "the command failed: {message}"),
            CliFailure::TimedOut => write!(f, "the command took longer than {CLI_DEADLINE:?}"),
        }
    }
}

/// One node of a lab.
#[derive(Debug)]
struct LabNode {
    namespace: String,
    data_dir: PathBuf,
    log_path: PathBuf,
    device: String,
    bootstrap: Vec<String>,
    clock_offset_secs: Option<i64>,
    child: Option<Child>,
    frozen: bool,
}

/// What every node acknowledged: each `(node, record)` the API answered 201 for, and
/// how many publishes failed (node down, frozen, or refused).
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    /// Acknowledged records, with the index of the node that published each.
    pub acked: Vec<(usize, Published)>,
    /// Publishes that were not acknowledged.
    pub failed: usize,
}

impl Ledger {
    /// Records one publish's outcome.
    pub fn note(&mut self, node: usize, outcome: Result<Published, CliFailure>) {
        match outcome {
            Ok(published) => self.acked.push((node, published)),
            Err(_) => self.failed += 1,
        }
    }
}

/// Namespaces, a bridge and one `commons node run` per namespace: see the module's
/// documentation. Everything is removed when the lab is dropped.
pub struct Lab {
    name: String,
    bridge: String,
    nodes: Vec<LabNode>,
    relay: Option<Child>,
    options: LabOptions,
    /// Namespaces made so far (deleted on drop, in reverse).
    namespaces: Vec<String>,
    /// Declared last: removed after every process is gone.
    temp: TempDir,
}

impl fmt::Debug for Lab {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lab")
            .field("name", &self.name)
            .field("nodes", &self.nodes.len())
            .finish_non_exhaustive()
    }
}

impl Lab {
    /// Builds the namespaces, the bridge and the data dirs of `options.nodes` founders
    /// of one network. No node runs yet: call [`Lab::start_all`].
    pub fn new(options: LabOptions) -> Lab {
        assert!(
            (2..=MAX_NODES).contains(&options.nodes),
            "a lab holds 2 to {MAX_NODES} nodes"
        );
        assert!(
            options.latency.is_none() || options.relay_binary.is_some(),
            "added latency needs LabOptions::relay_binary"
        );
        sweep_stale();
        let serial = LABS_MADE.fetch_add(1, Ordering::SeqCst);
        let name = format!("{NAMESPACE_PREFIX}{}-{serial}", std::process::id());
        let temp = tempfile::Builder::new()
            .prefix("commons-faults-")
            .tempdir()
            .expect("a temporary directory");
        let mut lab = Lab {
            bridge: format!("{name}-br"),
            name,
            nodes: Vec::new(),
            relay: None,
            options,
            namespaces: Vec::new(),
            temp,
        };
        lab.build_network();
        lab.found_network();
        lab
    }

    fn build_network(&mut self) {
        let bridge = self.bridge.clone();
        self.add_namespace(&bridge);
        ip(&["-n", &bridge, "link", "set", "lo", "up"]);
        ip(&["-n", &bridge, "link", "add", "br0", "type", "bridge"]);
        ip(&["-n", &bridge, "link", "set", "br0", "up"]);
        let bridge_cidr = format!("{}/24", address(BRIDGE_OCTET));
        ip(&["-n", &bridge, "addr", "add", &bridge_cidr, "dev", "br0"]);
        for index in 0..self.options.nodes {
            let namespace = format!("{}-{index}", self.name);
            self.add_namespace(&namespace);
            let port = format!("v{index}");
            if self.options.behind_nat.contains(&index) {
                self.cable_behind_nat(index, &namespace, &port);
                continue;
            }
            ip(&[
                "-n", &bridge, "link", "add", &port, "type", "veth", "peer", "name", "eth0",
                "netns", &namespace,
            ]);
            ip(&["-n", &bridge, "link", "set", &port, "master", "br0", "up"]);
            let node_cidr = format!("{}/24", node_address(index));
            ip(&["-n", &namespace, "addr", "add", &node_cidr, "dev", "eth0"]);
            ip(&["-n", &namespace, "link", "set", "eth0", "up"]);
            ip(&["-n", &namespace, "link", "set", "lo", "up"]);
        }
    }

    /// Node `index` behind a router namespace of its own: the router's `wan0` on the
    /// bridge at the node's usual address, its `lan0` at `192.168.N.1`, the node at
    /// `192.168.N.2` with the router as its default route; masquerade out of `wan0`,
    /// no port forwarded in, and what comes in unasked dropped without an answer (as
    /// home routers do: a reset would end a hole punch's first attempt).
    fn cable_behind_nat(&mut self, index: usize, namespace: &str, port: &str) {
        let bridge = self.bridge.clone();
        let router = format!("{}-nat{index}", self.name);
        self.add_namespace(&router);
        ip(&[
            "-n", &bridge, "link", "add", port, "type", "veth", "peer", "name", "wan0", "netns",
            &router,
        ]);
        ip(&["-n", &bridge, "link", "set", port, "master", "br0", "up"]);
        let wan_cidr = format!("{}/24", node_address(index));
        ip(&["-n", &router, "addr", "add", &wan_cidr, "dev", "wan0"]);
        ip(&["-n", &router, "link", "set", "wan0", "up"]);
        ip(&["-n", &router, "link", "set", "lo", "up"]);
        ip(&[
            "-n", &router, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns",
            namespace,
        ]);
        let (gateway, inside) = nat_inside(index);
        ip(&[
            "-n",
            &router,
            "addr",
            "add",
            &format!("{gateway}/24"),
            "dev",
            "lan0",
        ]);
        ip(&["-n", &router, "link", "set", "lan0", "up"]);
        ip(&[
            "-n",
            namespace,
            "addr",
            "add",
            &format!("{inside}/24"),
            "dev",
            "eth0",
        ]);
        ip(&["-n", namespace, "link", "set", "eth0", "up"]);
        ip(&["-n", namespace, "link", "set", "lo", "up"]);
        ip(&[
            "-n",
            namespace,
            "route",
            "add",
            "default",
            "via",
            &gateway.to_string(),
        ]);
        run_in(&router, &["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
        let masquerade = if self.options.nat_random_ports {
            "masquerade fully-random"
        } else {
            "masquerade"
        };
        let rules = format!(
            "table ip commons_nat {{\n\
                     \x20 chain postrouting {{\n\
                     \x20   type nat hook postrouting priority srcnat; policy accept;\n\
                     \x20   oifname \"wan0\" {masquerade}\n\
                     \x20 }}\n\
                     \x20 chain forward {{\n\
                     \x20   type filter hook forward priority filter; policy drop;\n\
                     \x20   iifname \"lan0\" oifname \"wan0\" accept\n\
                     \x20   ct state established,related accept\n\
                     \x20 }}\n\
                     \x20 chain input {{\n\
                     \x20   type filter hook input priority filter; policy drop;\n\
                     \x20   iifname \"lo\" accept\n\
                     \x20   ct state established,related accept\n\
                     \x20 }}\n\
                     }}\n",
        );
        nft_in(&router, &rules);
    }

    fn add_namespace(&mut self, namespace: &str) {
        ip(&["netns", "add", namespace]);
        self.namespaces.push(namespace.to_owned());
    }

    fn found_network(&mut self) {
        let count = self.options.nodes;
        let founders: Vec<FounderDir> = (0..count)
            .map(|index| {
                let org_name = format!("Fault lab member {index}");
                let mut config = ConfigFile::new(&org_name, "fault lab node");
                config.api_listen = "127.0.0.1:0".to_owned();
                config.web_listen = "127.0.0.1:0".to_owned();
                config.listen = vec![format!(
                    "/ip4/{}/tcp/{NODE_PORT}",
                    self.listen_address(index)
                )];
                config.mdns = false;
                config.kademlia = false;
                config.sync_interval_secs = self.options.sync_interval_secs;
                // Below its target a node redials its bootstrap peers every 10 s, so
                // the target is every other node: a link lost to a fault comes back.
                config.target_peers = count - 1;
                (self.options.tune)(index, &mut config);
                FounderDir {
                    dir: DataDir::new(self.temp.path().join(format!("node-{index}"))),
                    config,
                    org_name,
                    device_label: "fault lab node".to_owned(),
                }
            })
            .collect();
        let report = init_network(
            &founders,
            "Fault lab network",
            commons_node::clock::now_ms(),
        )
        .expect("the lab's network is founded");
        let peer_ids: Vec<String> = report
            .nodes
            .iter()
            .map(|node| peer_id_of(node.device.as_bytes()))
            .collect();
        let dial = self.options.dial.min(count - 1);
        for (index, init) in report.nodes.iter().enumerate() {
            // Nobody lists a node behind NAT as a peer to dial: it cannot be dialed, and
            // a dial timed with its own dial out meets it as a TCP simultaneous open
            // through the router's mapping, which both sides then fail to negotiate
            // (seen here: a node behind NAT that never connected).
            let dials = if self.options.dial_nobody.contains(&index) {
                0
            } else {
                dial
            };
            let bootstrap = (1..=dials)
                .map(|step| (index + step) % count)
                .filter(|target| !self.options.behind_nat.contains(target))
                .map(|target| self.dial_address(target, &peer_ids[target]))
                .collect();
            self.nodes.push(LabNode {
                namespace: format!("{}-{index}", self.name),
                data_dir: init.data_dir.clone(),
                log_path: self.temp.path().join(format!("node-{index}.log")),
                device: init.device.to_string(),
                bootstrap,
                clock_offset_secs: None,
                child: None,
                frozen: false,
            });
        }
    }

    /// The address node `index` listens on: its own on the bridge, or inside its NAT.
    fn listen_address(&self, index: usize) -> Ipv4Addr {
        if self.options.behind_nat.contains(&index) {
            nat_inside(index).1
        } else {
            node_address(index)
        }
    }

    /// The address other nodes dial node `target` at: its own, or its relay's.
    fn dial_address(&self, target: usize, peer_id: &str) -> String {
        match self.options.latency {
            None => format!(
                "/ip4/{}/tcp/{NODE_PORT}/p2p/{peer_id}",
                node_address(target)
            ),
            Some(_) => format!(
                "/ip4/{}/tcp/{}/p2p/{peer_id}",
                address(BRIDGE_OCTET),
                relay_port(target)
            ),
        }
    }

    /// How many nodes the lab has.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the lab has no nodes (never: a lab has at least two).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Node `index`'s device, `dev_…`: the author of its records.
    pub fn device(&self, index: usize) -> &str {
        &self.nodes[index].device
    }

    /// Node `index`'s data dir.
    pub fn data_dir(&self, index: usize) -> &Path {
        &self.nodes[index].data_dir
    }

    /// Node `index`'s namespace.
    pub fn namespace(&self, index: usize) -> &str {
        &self.nodes[index].namespace
    }

    /// Node `index`'s process id, if it runs.
    pub fn pid(&self, index: usize) -> Option<u32> {
        self.nodes[index].child.as_ref().map(Child::id)
    }

    /// Starts the relay (with latency) and every node, then waits until every node's
    /// API answers.
    pub fn start_all(&mut self) {
        if self.options.latency.is_some() && self.relay.is_none() {
            self.start_relay();
        }
        for index in 0..self.nodes.len() {
            self.spawn(index);
        }
        for index in 0..self.nodes.len() {
            self.wait_ready(index);
        }
    }

    fn start_relay(&mut self) {
        let delay = self.options.latency.expect("latency is set");
        let binary = self
            .options
            .relay_binary
            .clone()
            .expect("latency needs the relay binary");
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.bridge])
            .arg(&binary)
            .args(["--delay-ms", &delay.as_millis().to_string()]);
        for index in 0..self.nodes.len() {
            command.arg("--route").arg(format!(
                "{}:{}={}:{NODE_PORT}",
                address(BRIDGE_OCTET),
                relay_port(index),
                node_address(index)
            ));
        }
        let log = File::create(self.temp.path().join("relay.log")).expect("the relay's log");
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the delay relay starts");
        let stdout: ChildStdout = child.stdout.take().expect("the relay's stdout");
        self.relay = Some(child);
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the relay's first line");
        assert!(
            line.starts_with("READY"),
            "the delay relay did not start: {line:?}; log: {}",
            fs::read_to_string(self.temp.path().join("relay.log")).unwrap_or_default()
        );
        // Nodes talk only through the relay: direct traffic between them is dropped.
        let bridge = address(BRIDGE_OCTET);
        for index in 0..self.nodes.len() {
            self.nft(
                index,
                &format!(
                    "table inet {RELAY_ONLY_TABLE} {{\n\
                     chain input {{\n type filter hook input priority 0; policy accept;\n\
                     iifname \"eth0\" ip saddr != {bridge} drop\n }}\n\
                     chain output {{\n type filter hook output priority 0; policy accept;\n\
                     oifname \"eth0\" ip daddr != {bridge} drop\n }}\n}}\n"
                ),
            );
        }
    }

    /// Starts node `index` (which must not be running) and waits until its API answers.
    /// Returns the time from spawn to the first answer.
    pub fn start(&mut self, index: usize) -> Duration {
        let started = Instant::now();
        self.spawn(index);
        self.wait_ready(index);
        started.elapsed()
    }

    fn spawn(&mut self, index: usize) {
        let node = &mut self.nodes[index];
        assert!(node.child.is_none(), "node {index} is already running");
        // A node killed with SIGKILL leaves its address behind.
        let _ = fs::remove_file(node.data_dir.join(API_ADDRESS_FILE));
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&node.log_path)
            .expect("the node's log file opens");
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &node.namespace])
            .arg(CommonsBinary::path())
            .arg("--data-dir")
            .arg(&node.data_dir)
            .args(["node", "run", "--log-format", "json", "--no-mdns"])
            .args(
                node.bootstrap
                    .iter()
                    .flat_map(|addr| ["--bootstrap", addr.as_str()]),
            )
            .env_remove("COMMONS_API_LISTEN")
            .env_remove("COMMONS_WEB_LISTEN")
            .env_remove("COMMONS_LOG_FORMAT")
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME");
        if let Some(offset) = node.clock_offset_secs {
            let library = libfaketime().expect("libfaketime is installed (Debian: faketime)");
            // Only the wall clock moves: tokio's timers and gossipsub's heartbeats run
            // on the monotonic clock, as a real machine's would after an NTP error.
            command
                .env("LD_PRELOAD", library)
                .env("FAKETIME", format!("{offset:+}s"))
                .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
                .env("FAKETIME_NO_CACHE", "1");
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("ip netns exec … commons node run starts");
        node.child = Some(child);
        node.frozen = false;
    }

    fn wait_ready(&mut self, index: usize) {
        let address_file = self.nodes[index].data_dir.join(API_ADDRESS_FILE);
        let mut exited: Option<ExitStatus> = None;
        let ready = poll_for(NODE_START_DEADLINE, || {
            let child = self.nodes[index].child.as_mut()?;
            if let Ok(Some(status)) = child.try_wait() {
                exited = Some(status);
                return Some(false);
            }
            if !address_file.is_file() {
                return None;
            }
            self.cli(index, &["status"]).ok().map(|_| true)
        });
        match (ready, exited) {
            (Some(true), _) => {}
            (_, Some(status)) => {
                self.nodes[index].child = None;
                panic!(
                    "node {index} exited ({status}) before its API answered; log:\n{}",
                    self.log_tail(index)
                );
            }
            _ => panic!(
                "node {index}'s API did not answer within {NODE_START_DEADLINE:?}; log:\n{}",
                self.log_tail(index)
            ),
        }
    }

    /// Whether node `index` runs and is not frozen.
    pub fn is_up(&self, index: usize) -> bool {
        let node = &self.nodes[index];
        node.child.is_some() && !node.frozen
    }

    /// Kills node `index` with SIGKILL, wherever it is, and reaps it. Does nothing if
    /// it is not running.
    pub fn kill(&mut self, index: usize) {
        let node = &mut self.nodes[index];
        node.frozen = false;
        if let Some(mut child) = node.child.take() {
            // An error means it already exited; wait reaps it either way.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops node `index` as an operator would (SIGTERM) and waits (at most
    /// [`crate::STOP_DEADLINE`]) for it to exit; panics, with its log, if it does not.
    pub fn terminate(&mut self, index: usize) -> ExitStatus {
        let pid = self.pid(index).expect("the node runs");
        if self.nodes[index].frozen {
            self.thaw(index);
        }
        signal("TERM", pid);
        let child = self.nodes[index].child.as_mut().expect("the node runs");
        let status = poll_for(crate::STOP_DEADLINE, || child.try_wait().ok().flatten());
        match status {
            Some(status) => {
                self.nodes[index].child = None;
                status
            }
            None => {
                self.kill(index);
                panic!(
                    "node {index} did not exit within {:?} of SIGTERM; log:\n{}",
                    crate::STOP_DEADLINE,
                    self.log_tail(index)
                )
            }
        }
    }

    /// Kills node `index` (SIGKILL) and starts it again; returns the time from spawn
    /// to its API's first answer.
    pub fn restart(&mut self, index: usize) -> Duration {
        self.kill(index);
        self.start(index)
    }

    /// Freezes node `index` with SIGSTOP: it holds its connections but answers nothing.
    pub fn freeze(&mut self, index: usize) {
        let pid = self.pid(index).expect("the node runs");
        signal("STOP", pid);
        self.nodes[index].frozen = true;
    }

    /// Wakes a frozen node with SIGCONT.
    pub fn thaw(&mut self, index: usize) {
        let pid = self.pid(index).expect("the node runs");
        signal("CONT", pid);
        self.nodes[index].frozen = false;
    }

    /// Cuts the network into `groups`: a node receives nothing from, and sends nothing
    /// to, a node of another group (packets are dropped silently, as on a cut link).
    /// Every node must be in exactly one group. Replaces any earlier partition.
    pub fn partition(&mut self, groups: &[&[usize]]) {
        let mut seen = HashSet::new();
        for group in groups {
            for &index in *group {
                assert!(index < self.nodes.len(), "no node {index}");
                assert!(seen.insert(index), "node {index} is in two groups");
            }
        }
        assert_eq!(
            seen.len(),
            self.nodes.len(),
            "every node must be in a group"
        );
        self.heal();
        for group in groups {
            let others: Vec<String> = (0..self.nodes.len())
                .filter(|index| !group.contains(index))
                .map(|index| node_address(index).to_string())
                .collect();
            if others.is_empty() {
                continue;
            }
            let set = others.join(", ");
            for &index in *group {
                self.nft(
                    index,
                    &format!(
                        "table inet {PARTITION_TABLE} {{\n\
                         chain input {{\n type filter hook input priority 0; policy accept;\n\
                         ip saddr {{ {set} }} drop\n }}\n\
                         chain output {{\n type filter hook output priority 0; policy accept;\n\
                         ip daddr {{ {set} }} drop\n }}\n}}\n"
                    ),
                );
            }
        }
    }

    /// Removes any partition.
    pub fn heal(&mut self) {
        for index in 0..self.nodes.len() {
            self.delete_table(index, PARTITION_TABLE);
        }
    }

    /// Drops `percent` % of the packets node `index` receives on its link, chosen at
    /// random by nftables (`numgen random mod 100 < percent`); 0 removes the loss.
    pub fn packet_loss(&mut self, index: usize, percent: u8) {
        assert!(percent <= 100, "a loss is 0 to 100 %");
        self.delete_table(index, LOSS_TABLE);
        if percent == 0 {
            return;
        }
        self.nft(
            index,
            &format!(
                "table inet {LOSS_TABLE} {{\n\
                 chain input {{\n type filter hook input priority 0; policy accept;\n\
                 iifname \"eth0\" numgen random mod 100 < {percent} drop\n }}\n}}\n"
            ),
        );
    }

    /// Limits what node `index` sends to `kbit_per_s` kbit/s with a token bucket
    /// (`tc qdisc … tbf`); `None` removes the limit.
    pub fn bandwidth(&mut self, index: usize, kbit_per_s: Option<u32>) {
        let namespace = self.nodes[index].namespace.clone();
        match kbit_per_s {
            Some(rate) => ip_netns_exec(
                &namespace,
                &[
                    "tc",
                    "qdisc",
                    "replace",
                    "dev",
                    "eth0",
                    "root",
                    "tbf",
                    "rate",
                    &format!("{rate}kbit"),
                    "burst",
                    "32kbit",
                    "latency",
                    "400ms",
                ],
            ),
            None => {
                let _ = run_quiet(
                    Command::new("ip")
                        .args(["netns", "exec", &namespace])
                        .args(["tc", "qdisc", "del", "dev", "eth0", "root"]),
                );
            }
        }
    }

    /// Sets node `index`'s wall clock `offset_secs` from the machine's, with
    /// libfaketime, from its next start on ([`Lab::start`], [`Lab::restart`],
    /// [`Lab::start_all`]); `None` puts it back on the machine's clock.
    pub fn set_clock_offset(&mut self, index: usize, offset_secs: Option<i64>) {
        self.nodes[index].clock_offset_secs = offset_secs;
    }

    fn nft(&self, index: usize, script: &str) {
        nft_in(&self.nodes[index].namespace, script);
    }

    fn delete_table(&self, index: usize, table: &str) {
        let namespace = &self.nodes[index].namespace;
        // Absent unless the fault is on: "No such file or directory" is fine.
        let _ = run_quiet(Command::new("ip").args([
            "netns", "exec", namespace, "nft", "delete", "table", "inet", table,
        ]));
    }

    /// Runs `commons --data-dir D --json ARGS` inside node `index`'s namespace and
    /// parses what it prints. A frozen or stopped node is not asked.
    pub fn cli(&self, index: usize, args: &[&str]) -> Result<Value, CliFailure> {
        if !self.is_up(index) {
            return Err(CliFailure::NotRunning);
        }
        let node = &self.nodes[index];
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &node.namespace])
            .arg(CommonsBinary::path())
            .arg("--data-dir")
            .arg(&node.data_dir)
            .arg("--json")
            .args(args);
        run_for_json(command)
    }

    /// Runs `program ARGS` on the lab's "internet" (the bridge's namespace, where any
    /// machine could be) and parses the JSON it prints: a stranger's view of the nodes.
    pub fn run_on_internet(&self, program: &Path, args: &[&str]) -> Result<Value, CliFailure> {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.bridge])
            .arg(program)
            .args(args);
        run_for_json(command)
    }

    /// Publishes a public case study from node `index` (`commons publish practice`).
    pub fn publish(&self, index: usize, title: &str) -> Result<Published, CliFailure> {
        let reply = self.cli(
            index,
            &[
                "publish",
                "practice",
                "--title",
                title,
                "--summary",
                "written by the fault lab",
                "--body",
                "A case study published while the lab broke the network.",
                "--theme",
                "testing",
                "--public",
            ],
        )?;
        published_from(&reply).ok_or_else(|| CliFailure::Failed(format!("odd answer: {reply}")))
    }

    /// Starts a publish from node `index` without waiting for it: for killing a node
    /// while a publish is under way. [`PendingPublish::finish`] reads the outcome.
    pub fn publish_in_background(&self, index: usize, title: &str) -> PendingPublish {
        let node = &self.nodes[index];
        let child = Command::new("ip")
            .args(["netns", "exec", &node.namespace])
            .arg(CommonsBinary::path())
            .arg("--data-dir")
            .arg(&node.data_dir)
            .args(["--json", "publish", "practice", "--title", title])
            .args(["--summary", "written by the fault lab", "--public"])
            .args(["--body", "A case study published as its node was killed."])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ip netns exec … commons publish runs");
        PendingPublish { child }
    }

    /// Node `index`'s feed heads, `device → (contiguous, max_seq)` (`commons sync`).
    pub fn heads(&self, index: usize) -> Result<BTreeMap<String, (u64, u64)>, CliFailure> {
        let sync = self.cli(index, &["sync"])?;
        let mut heads = BTreeMap::new();
        for feed in sync["feeds"].as_array().map_or(&[][..], Vec::as_slice) {
            let (Some(author), Some(local)) = (feed["author"].as_str(), feed.get("local")) else {
                continue;
            };
            if let (Some(contiguous), Some(max_seq)) =
                (local["contiguous"].as_u64(), local["max_seq"].as_u64())
            {
                heads.insert(author.to_owned(), (contiguous, max_seq));
            }
        }
        Ok(heads)
    }

    /// Every record node `index` holds with its content: id → timestamp_ms.
    pub fn records(&self, index: usize) -> Result<BTreeMap<String, u64>, CliFailure> {
        let mut records = BTreeMap::new();
        let mut before: Option<String> = None;
        loop {
            let limit = LIST_PAGE.to_string();
            let mut args = vec!["records", "list", "--limit", &limit];
            if let Some(cursor) = &before {
                args.extend(["--before", cursor.as_str()]);
            }
            let answer = self.cli(index, &args)?;
            let page = RecordsPage::deserialize(&answer).map_err(|error| {
                CliFailure::Failed(format!("`records list` printed {answer}: {error}"))
            })?;
            for record in page.records {
                records.insert(record.id, record.timestamp_ms);
            }
            match page.next {
                Some(next) => before = Some(next),
                None => return Ok(records),
            }
        }
    }

    /// Whether every running node holds every record of `ledger` and all of them hold
    /// the same feed heads with no gap. Nodes that are not up are left out.
    pub fn converged(&self, ledger: &Ledger) -> bool {
        let mut first: Option<BTreeMap<String, (u64, u64)>> = None;
        for index in 0..self.nodes.len() {
            if !self.is_up(index) {
                continue;
            }
            let Ok(heads) = self.heads(index) else {
                return false;
            };
            if heads.values().any(|(contiguous, max)| contiguous != max) {
                return false;
            }
            if heads.len() < self.nodes.len() {
                return false;
            }
            for (node, published) in &ledger.acked {
                let held = heads
                    .get(&self.nodes[*node].device)
                    .is_some_and(|(contiguous, _)| *contiguous >= published.seq);
                if !held {
                    return false;
                }
            }
            match &first {
                None => first = Some(heads),
                Some(expected) if *expected != heads => return false,
                Some(_) => {}
            }
        }
        true
    }

    /// Waits (at most `deadline`) until [`Lab::converged`]; returns how long it took.
    /// Panics, with what each node lacks and the logs' tails, if it does not.
    pub fn wait_converged(&self, ledger: &Ledger, deadline: Duration, what: &str) -> Duration {
        let started = Instant::now();
        // Each probe runs the CLI once per node: probe at a steady pace, not flat out.
        let converged = crate::poll_with(deadline, Some(CONVERGENCE_PROBE_INTERVAL), || {
            self.converged(ledger).then_some(())
        });
        if converged.is_some() {
            return started.elapsed();
        }
        let mut report = String::new();
        for index in 0..self.nodes.len() {
            report.push_str(&format!(
                "node {index} ({}): heads {:?}\n",
                self.nodes[index].device,
                self.heads(index)
            ));
        }
        panic!(
            "{what}: the lab did not converge within {deadline:?}\n{report}\nlog of node 0:\n{}",
            self.log_tail(0)
        );
    }

    /// Asserts that every node holds every acknowledged record of `ledger`, by id, and
    /// that no node holds a fork proof; returns the number of records each node holds.
    pub fn assert_nothing_lost(&self, ledger: &Ledger, what: &str) -> usize {
        let mut held = None;
        for index in 0..self.nodes.len() {
            let records = self
                .records(index)
                .unwrap_or_else(|failure| panic!("{what}: node {index}'s records: {failure}"));
            let lost: Vec<&str> = ledger
                .acked
                .iter()
                .filter(|(_, published)| !records.contains_key(&published.id))
                .map(|(_, published)| published.id.as_str())
                .collect();
            assert!(
                lost.is_empty(),
                "{what}: node {index} lacks {} acknowledged records, such as {:?}",
                lost.len(),
                &lost[..lost.len().min(5)]
            );
            let status = self
                .cli(index, &["status"])
                .unwrap_or_else(|failure| panic!("{what}: node {index}'s status: {failure}"));
            assert_eq!(
                status["fork_proofs"].as_u64(),
                Some(0),
                "{what}: node {index} holds a fork proof: a feed reused a seq"
            );
            match held {
                None => held = Some(records.len()),
                Some(count) => assert_eq!(
                    count,
                    records.len(),
                    "{what}: node {index} holds a different number of records"
                ),
            }
        }
        held.unwrap_or(0)
    }

    /// Node `index`'s whole log (JSON lines).
    pub fn log(&self, index: usize) -> String {
        fs::read_to_string(&self.nodes[index].log_path).unwrap_or_default()
    }

    /// The last lines of node `index`'s log.
    pub fn log_tail(&self, index: usize) -> String {
        let text = self.log(index);
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for index in 0..self.nodes.len() {
            self.kill(index);
        }
        if let Some(mut relay) = self.relay.take() {
            let _ = relay.kill();
            let _ = relay.wait();
        }
        for namespace in self.namespaces.iter().rev() {
            remove_namespace(namespace);
        }
        // A panic inside a node can leave it running but broken (a connection task
        // that dies is never reported closed), so the test's own checks may not see
        // it: every node's log is read for one once the lab is down.
        let panicked = (0..self.nodes.len())
            .filter(|index| self.log(*index).contains(PANIC_MARK))
            .collect::<Vec<_>>();
        let keep = std::env::var_os(KEEP_ENV).is_some() || !panicked.is_empty();
        if keep {
            let kept = std::mem::replace(
                &mut self.temp,
                tempfile::tempdir().expect("a temporary directory"),
            )
            .keep();
            eprintln!(
                "{}: kept its data dirs and logs in {}",
                self.name,
                kept.display()
            );
        }
        if let Some(first) = panicked.first()
            && !std::thread::panicking()
        {
            let log = self.log(*first);
            let lines: Vec<&str> = log.lines().collect();
            let at = lines
                .iter()
                .position(|line| line.contains(PANIC_MARK))
                .unwrap_or_default();
            panic!(
                "{}: nodes {panicked:?} panicked (their logs are kept); node {first}'s log \
                 from its panic:\n{}",
                self.name,
                lines[at..lines.len().min(at + LOG_TAIL_LINES)].join("\n")
            );
        }
    }
}

/// A publish started by [`Lab::publish_in_background`].
#[derive(Debug)]
pub struct PendingPublish {
    child: Child,
}

impl PendingPublish {
    /// Waits (at most [`CLI_DEADLINE`]) for the publish; the record if it was
    /// acknowledged.
    pub fn finish(mut self) -> Result<Published, CliFailure> {
        let status = poll_for(CLI_DEADLINE, || self.child.try_wait().ok().flatten());
        let Some(status) = status else {
            let _ = self.child.kill();
            let _ = self.child.wait();
            return Err(CliFailure::TimedOut);
        };
        let mut stdout = Vec::new();
        if let Some(mut pipe) = self.child.stdout.take() {
            let _ = pipe.read_to_end(&mut stdout);
        }
        if !status.success() {
            return Err(CliFailure::Failed(format!("exit {status}")));
        }
        serde_json::from_slice::<Value>(&stdout)
            .ok()
            .as_ref()
            .and_then(published_from)
            .ok_or_else(|| CliFailure::Failed("odd answer".to_owned()))
    }
}

impl Drop for PendingPublish {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn published_from(reply: &Value) -> Option<Published> {
    Some(Published {
        id: reply.get("id")?.as_str()?.to_owned(),
        seq: reply.get("seq")?.as_u64()?,
        timestamp_ms: reply.get("timestamp_ms")?.as_u64()?,
    })
}

/// `10.77.0.<last>`.
fn address(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(SUBNET[0], SUBNET[1], SUBNET[2], last)
}

/// Node `index`'s address: `10.77.0.<index + 1>`.
pub fn node_address(index: usize) -> Ipv4Addr {
    address(u8::try_from(index + 1).expect("at most MAX_NODES nodes"))
}

/// Behind its NAT, node `index`'s router (`192.168.N.1`) and the node (`192.168.N.2`),
/// with N = index + 1.
pub fn nat_inside(index: usize) -> (Ipv4Addr, Ipv4Addr) {
    let network = u8::try_from(index + 1).expect("at most MAX_NODES nodes");
    (
        Ipv4Addr::new(192, 168, network, 1),
        Ipv4Addr::new(192, 168, network, 2),
    )
}

/// Runs `command` (at most [`CLI_DEADLINE`]) and parses what it prints as JSON.
fn run_for_json(mut command: Command) -> Result<Value, CliFailure> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ip netns exec … runs");
    let mut stdout = child.stdout.take().expect("the command's stdout");
    let mut stderr = child.stderr.take().expect("the command's stderr");
    // Read both pipes on threads so a chatty command cannot block on a full pipe.
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let status = poll_for(CLI_DEADLINE, || child.try_wait().ok().flatten());
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(CliFailure::TimedOut);
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        return Err(CliFailure::Failed(
            String::from_utf8_lossy(&stderr).trim().to_owned(),
        ));
    }
    serde_json::from_slice(&stdout).map_err(|error| {
        CliFailure::Failed(format!(
            "its output is not JSON ({error}): {}",
            String::from_utf8_lossy(&stdout)
        ))
    })
}

/// Runs `args` in `namespace`, failing the test if it fails.
fn run_in(namespace: &str, args: &[&str]) {
    let mut command = vec!["netns", "exec", namespace];
    command.extend_from_slice(args);
    ip(&command);
}

/// Loads the nftables `script` in `namespace`.
fn nft_in(namespace: &str, script: &str) {
    let mut child = Command::new("ip")
        .args(["netns", "exec", namespace, "nft", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nft runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .expect("nft takes its script");
    }
    let output = child.wait_with_output().expect("nft finishes");
    assert!(
        output.status.success(),
        "nft in {namespace} failed: {}\n{script}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The delay relay's port for node `index`.
fn relay_port(index: usize) -> u16 {
    RELAY_BASE_PORT + u16::try_from(index).expect("at most MAX_NODES nodes")
}

/// The libp2p peer id of a device key (the device key is the node's identity).
fn peer_id_of(device: &[u8; 32]) -> String {
    let key = libp2p::identity::ed25519::PublicKey::try_from_bytes(device)
        .expect("a device key is an ed25519 key");
    libp2p::identity::PublicKey::from(key)
        .to_peer_id()
        .to_string()
}

/// Runs `ip ARGS`, panicking with its error output if it fails.
fn ip(args: &[&str]) {
    let output = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("ip runs");
    assert!(
        output.status.success(),
        "ip {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr).trim()
    );
}

/// Runs `ip netns exec NAMESPACE ARGS`, panicking if it fails.
fn ip_netns_exec(namespace: &str, args: &[&str]) {
    let mut all = vec!["netns", "exec", namespace];
    all.extend_from_slice(args);
    ip(&all);
}

/// Runs a command with its output discarded; whether it succeeded.
fn run_quiet(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn signal(name: &str, pid: u32) {
    assert!(
        run_quiet(Command::new("kill").args([&format!("-{name}"), &pid.to_string()])),
        "kill -{name} {pid} failed"
    );
}

/// Kills whatever still runs in `namespace`, then deletes it (its interfaces, nftables
/// tables and qdiscs go with it).
fn remove_namespace(namespace: &str) {
    if let Ok(output) = Command::new("ip")
        .args(["netns", "pids", namespace])
        .stderr(Stdio::null())
        .output()
    {
        for pid in String::from_utf8_lossy(&output.stdout).split_whitespace() {
            let _ = run_quiet(Command::new("kill").args(["-KILL", pid]));
        }
    }
    let _ = run_quiet(Command::new("ip").args(["netns", "del", namespace]));
}

/// Removes the namespaces of labs whose process no longer runs (it was killed before
/// its labs were dropped), and what still runs in them.
pub fn sweep_stale() {
    let Ok(output) = Command::new("ip").args(["netns", "list"]).output() else {
        return;
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some(namespace) = line.split_whitespace().next() else {
            continue;
        };
        let Some(rest) = namespace.strip_prefix(NAMESPACE_PREFIX) else {
            continue;
        };
        let Some(pid) = rest
            .split('-')
            .next()
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            remove_namespace(namespace);
        }
    }
}
