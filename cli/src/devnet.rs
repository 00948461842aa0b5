//! `commons devnet`: a whole network on this machine, to watch every step of a record's
//! path at once. It founds one network of N orgs ([`init_network`]) in a temporary
//! directory, runs each org's node as a child process (`commons node run`, each dialing
//! a few earlier nodes), publishes sample content round-robin through the nodes' control
//! APIs (a coalition campaign with its partners' updates, an urgent alert and the other
//! orgs' answers, case studies, more campaigns), and times each record from the start of
//! its publish call until each node's `/v1/events` stream announces it. Then it reports,
//! and stops every node and removes the directory; with `--keep-running` it first keeps
//! the network up, telling how to point `commons` at each node, until Ctrl-C.
//!
//! | step | where |
//! |---|---|
//! | arguments, checked | [`DevnetArgs`], [`Plan`] |
//! | who dials whom | [`dial_targets`] |
//! | the nodes as child processes, never left behind | [`Children`] |
//! | each node's event stream | [`watch_events`], [`EventParser`] |
//! | what is published | [`Story`], [`sample`] |
//! | convergence and latency, per node too | [`wait_for_convergence`], [`percentile`], [`arrival_latencies`] |
//! | keeping it running | [`print_hints`], [`keep_running`] |

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, anyhow, bail};
use commons_node::config::ConfigFile;
use commons_node::daemon::{API_ADDRESS_FILE, NETWORK_ADDRESSES_FILE, WEB_ADDRESS_FILE};
use commons_node::data_dir::{DataDir, FounderDir, init_network};
use commons_protocol::OrgId;
use commons_protocol::text::hex;
use serde_json::{Value, json};
use tokio::signal::unix::{SignalKind, signal};

use crate::GlobalArgs;
use crate::archive::{Exported, Format, export_archive};
use crate::client::{Client, print_json};
use crate::traffic::TrafficReport;

/// The most nodes a devnet runs: each is a process with its own store.
pub(crate) const MAX_NODES: u32 = 100;
/// The most records a devnet publishes.
pub(crate) const MAX_RECORDS: u32 = 100_000;
/// The most earlier nodes a node dials.
pub(crate) const MAX_DIAL: u32 = 32;
/// How many earlier nodes each node dials, and its `target_peers`, by default.
pub(crate) const DEFAULT_DIAL: u32 = 3;

/// Each node's log (its standard error), in its data directory.
const LOG_FILE: &str = "node.log";
/// How long one node may take to write its addresses after it is started.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// How long the nodes may take to connect and to hold every founder's delegation.
const READY_DEADLINE: Duration = Duration::from_secs(60);
/// How long the event streams may take to open.
const SUBSCRIBE_DEADLINE: Duration = Duration::from_secs(15);
/// The convergence deadline is this, plus [`CONVERGE_PER_RECORD`] per record.
const CONVERGE_BASE: Duration = Duration::from_secs(60);
/// See [`CONVERGE_BASE`].
const CONVERGE_PER_RECORD: Duration = Duration::from_millis(10);
/// How long a node has to stop after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// The pause between two looks at something being waited for.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// The pause between two rounds of `GET /v1/status` while waiting.
const STATUS_INTERVAL: Duration = Duration::from_millis(250);
/// How long opening an event stream may take (the node is on this machine).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Records per page when a lagged stream's node is read back.
const PAGE_LIMIT: usize = 1000;
/// The most bytes of an event stream held while waiting for the end of a line: an event
/// is one record's JSON, far below this.
const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;
/// How many lines of a failed node's log an error quotes.
const LOG_TAIL_LINES: usize = 15;

/// Arguments of `commons devnet`.
#[derive(Debug, clap::Args)]
pub(crate) struct DevnetArgs {
    /// How many nodes to run (2 to 100), each the first node of one founding org
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(2..=i64::from(MAX_NODES)))]
    nodes: u32,
    /// How many records to publish (at least 1), spread round-robin over the nodes: case studies,
    /// campaigns and their updates, and one solidarity alert
    #[arg(long, value_name = "R", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_RECORDS)))]
    records: u32,
    /// How many earlier nodes each node dials at start (1, 2, 4, 8… back); also its
    /// `target_peers`, below which it dials the peers discovery finds
    #[arg(long, value_name = "K", default_value_t = DEFAULT_DIAL,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_DIAL)))]
    dial: u32,
    /// Keep the nodes' data directories and logs (node.log) instead of removing them
    /// when the devnet ends
    #[arg(long)]
    keep: bool,
    /// Once every node holds every record, keep the network up: print how to point
    /// `commons` at each node, and stop every node on Ctrl-C (SIGINT or SIGTERM)
    #[arg(long)]
    keep_running: bool,
    /// Once every node holds every record, write an archive bundle of the network to
    /// FILE (as `commons archive export` does), verified before it is kept
    #[arg(long, value_name = "FILE")]
    export: Option<PathBuf>,
}

/// The devnet to run, from checked arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    nodes: usize,
    records: usize,
    dial: usize,
    keep: bool,
    keep_running: bool,
}

impl Plan {
    fn from_args(args: &DevnetArgs) -> anyhow::Result<Plan> {
        // clap checked the ranges; this refuses them again for callers that bypass it.
        let count = |value: u32, min: u32, max: u32, flag: &str| -> anyhow::Result<usize> {
            if !(min..=max).contains(&value) {
                bail!("{flag} must be between {min} and {max}, not {value}");
            }
            usize::try_from(value).with_context(|| format!("{flag} {value} is too large"))
        };
        Ok(Plan {
            nodes: count(args.nodes, 2, MAX_NODES, "--nodes")?,
            records: count(args.records, 1, MAX_RECORDS, "--records")?,
            dial: count(args.dial, 1, MAX_DIAL, "--dial")?,
            keep: args.keep,
            keep_running: args.keep_running,
        })
    }

    fn converge_deadline(&self) -> Duration {
        CONVERGE_BASE + CONVERGE_PER_RECORD * u32::try_from(self.records).unwrap_or(u32::MAX)
    }
}

/// Member organizations of a regional human-rights network, to name the devnet's
/// founders (a number is added when there are more nodes than names).
const ORG_NAMES: [&str; 24] = [
    "Housing Rights Coalition",
    "Tenants' Voice Alliance",
    "Land and Livelihoods Network",
    "Community Legal Aid Centre",
    "Rural Defenders Collective",
    "Women's Land Rights Forum",
    "Urban Poor Federation",
    "Small Food Producers' Alliance",
    "Indigenous Territories Council",
    "Migrant Workers' Solidarity Centre",
    "Right to Water Campaign",
    "Street Vendors' Association",
    "Domestic Workers' Union",
    "Fisherfolk Rights Network",
    "Health for All Coalition",
    "Education Rights Project",
    "Corporate Accountability Watch",
    "Strategic Litigation Unit",
    "Youth for Nonviolent Change",
    "Faith and Peacebuilding Circle",
    "Displaced Communities Network",
    "Decent Work Collective",
    "Environmental Defenders Trust",
    "Transport Workers' Health Initiative",
];

/// The name of the devnet's `index`-th org.
fn org_name(index: usize) -> String {
    let name = ORG_NAMES[index % ORG_NAMES.len()];
    match index / ORG_NAMES.len() {
        0 => name.to_owned(),
        round => format!("{name} ({})", round + 1),
    }
}

/// The earlier nodes node `index` dials at start: 1, 2, 4, 8… nodes back (so the
/// network's diameter grows with the logarithm of its size, not linearly), then the
/// nearest earlier nodes not yet chosen, `dial` in all or every earlier node if fewer.
/// Node 0 dials no one; later nodes dial it.
fn dial_targets(index: usize, dial: usize) -> Vec<usize> {
    let want = dial.min(index);
    let mut targets = Vec::with_capacity(want);
    let mut step = 1;
    while step <= index && targets.len() < want {
        targets.push(index - step);
        step *= 2;
    }
    let mut back = 1;
    while targets.len() < want {
        let target = index - back;
        if !targets.contains(&target) {
            targets.push(target);
        }
        back += 1;
    }
    targets
}

pub(crate) fn run(global: &GlobalArgs, args: &DevnetArgs) -> anyhow::Result<()> {
    let plan = Plan::from_args(args)?;
    if let Some(dir) = &global.data_dir {
        progress(&format!(
            "--data-dir {} is not used: a devnet's nodes live in a temporary directory",
            dir.display()
        ));
    }
    // The event streams and the signal handlers run here; the nodes' APIs are called
    // through `Client`, which has its own runtime, from plain threads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    let interrupted = Arc::new(AtomicBool::new(false));
    watch_signals(&runtime, interrupted.clone())?;

    devnet(
        &plan,
        args.export.as_deref(),
        &runtime,
        &interrupted,
        |outcome, nodes| {
            if global.json {
                print_json(&outcome.json())?;
            } else {
                print!("{}", outcome.table(&plan));
            }
            if plan.keep_running {
                print_hints(global.json, nodes, &plan);
            }
            Ok(())
        },
    )
}

/// How to point `commons` at each node of a devnet that keeps running: on standard
/// output for people, on standard error (beside the progress lines) with --json, so that
/// standard output stays one JSON document.
fn print_hints(json: bool, nodes: &[Node], plan: &Plan) {
    let mut lines = vec![
        "The devnet keeps running. Point commons at any of its nodes with --data-dir, and open \
         each org's web app with `open` (it prints a one-time login link):"
            .to_owned(),
    ];
    for (index, node) in nodes.iter().enumerate() {
        lines.push(format!("  node {index}  {}", node.name));
        lines.push(format!(
            "    commons --data-dir {} open",
            node.dir.display()
        ));
        lines.push(format!(
            "    commons --data-dir {} status",
            node.dir.display()
        ));
        if let Ok(web) = std::fs::read_to_string(node.dir.join(WEB_ADDRESS_FILE)) {
            lines.push(format!("    web app http://{}", web.trim()));
        }
        lines.push(format!(
            "    api {}  peer {}  log {}",
            node.api,
            node.peer_id,
            node.dir.join(LOG_FILE).display()
        ));
    }
    if let Some(node) = nodes.get(1) {
        lines.push(format!(
            "For example: commons --data-dir {} records search eviction",
            node.dir.display()
        ));
    }
    let parent = nodes
        .first()
        .and_then(|node| node.dir.parent())
        .map(|dir| dir.display().to_string())
        .unwrap_or_default();
    lines.push(if plan.keep {
        format!("Press Ctrl-C to stop every node (their directories stay in {parent}).")
    } else {
        format!("Press Ctrl-C to stop every node and remove {parent} (--keep keeps it).")
    });
    for line in lines {
        if json {
            progress(&line);
        } else {
            println!("{line}");
        }
    }
}

/// Sets `interrupted` on the first SIGINT or SIGTERM. The handlers are installed here,
/// before any node is started, so that Ctrl-C always reaches the code that stops the
/// nodes instead of ending this process and leaving them running.
fn watch_signals(
    runtime: &tokio::runtime::Runtime,
    interrupted: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let (mut interrupt, mut terminate) = runtime
        .block_on(async {
            Ok::<_, std::io::Error>((
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
            ))
        })
        .context("could not listen for SIGINT and SIGTERM")?;
    runtime.spawn(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        progress("interrupted: stopping every node");
        interrupted.store(true, Ordering::SeqCst);
    });
    Ok(())
}

/// A progress line, on standard error so that `--json` output stays clean.
fn progress(line: &str) {
    eprintln!("devnet: {line}");
}

/// One node of the devnet, once started.
#[derive(Debug)]
struct Node {
    name: String,
    dir: PathBuf,
    api: SocketAddr,
    /// The address others dial it at, ending in `/p2p/<peer id>`.
    address: String,
    peer_id: String,
    /// How many others it dials or is dialed by at start.
    degree: usize,
}

/// One record published, and when its publish call started.
#[derive(Debug, Clone)]
struct Published {
    id: String,
    /// Its kind's name (`practice`, `alert-response`…).
    kind: &'static str,
    node: usize,
    started: Instant,
    /// How long the publish call took (the node signs, stores durably and gossips).
    call: Duration,
}

/// What a devnet run measured.
#[derive(Debug)]
struct Outcome {
    /// The archive written with --export, and what it holds.
    exported: Option<(PathBuf, Exported)>,
    network: String,
    nodes: Vec<NodeOutcome>,
    published: usize,
    /// How many of each kind were published.
    published_by_kind: BTreeMap<&'static str, u64>,
    /// Publish-to-last-node latency of each record, in ms, sorted.
    latencies_ms: Vec<f64>,
    /// How long each publish call took, in ms, sorted.
    calls_ms: Vec<f64>,
    /// From the first publish call until every node held every record.
    converged: Duration,
    /// The whole run, from creating the directories to the report.
    /// Bytes each node received while the records spread.
    traffic: TrafficReport,
    wall: Duration,
}

/// A node at the end of the run.
#[derive(Debug)]
struct NodeOutcome {
    name: String,
    peer_id: String,
    records: u64,
    peers: Option<u64>,
    api: SocketAddr,
    /// Its data directory, if it outlives the report (--keep, --keep-running).
    data_dir: Option<PathBuf>,
    /// Publish-to-last-node latency of the records this node published, in ms, sorted.
    sent_ms: Vec<f64>,
    /// Publish-to-this-node latency of the records the other nodes published, in ms,
    /// sorted.
    arrival_ms: Vec<f64>,
    /// The published records this node holds, by kind.
    held_by_kind: BTreeMap<&'static str, u64>,
}

impl Outcome {
    /// The `--json` report: `network`; `nodes`, each with `name`, `peer_id`, `records`
    /// (held, delegations included), `peers`, `api`, `data_dir` (`null` once removed),
    /// `publish_to_everywhere_ms` (its own records until the last node held them) and
    /// `arrival_ms` (the others' records until it held them), each `{p50, p99,
    /// records}`, and `held_by_kind`; `records_published` and `published_by_kind`;
    /// `latency_ms` (every record until the last node, `{p50, p99, max}`);
    /// `publish_call_ms`; `converged_ms`; `traffic` (bytes received per node per
    /// record while they spread, by protocol: [`TrafficReport::json`]); `wall_ms`
    /// (until this report).
    fn json(&self) -> Value {
        let nodes: Vec<Value> = self
            .nodes
            .iter()
            .map(|node| {
                json!({
                    "name": node.name,
                    "peer_id": node.peer_id,
                    "records": node.records,
                    "peers": node.peers,
                    "api": node.api.to_string(),
                    "data_dir": node.data_dir.as_ref().map(|dir| dir.display().to_string()),
                    "publish_to_everywhere_ms": {
                        "p50": round_ms(percentile(&node.sent_ms, 50.0)),
                        "p99": round_ms(percentile(&node.sent_ms, 99.0)),
                        "records": node.sent_ms.len(),
                    },
                    "arrival_ms": {
                        "p50": round_ms(percentile(&node.arrival_ms, 50.0)),
                        "p99": round_ms(percentile(&node.arrival_ms, 99.0)),
                        "records": node.arrival_ms.len(),
                    },
                    "held_by_kind": node.held_by_kind,
                })
            })
            .collect();
        let export = self.exported.as_ref().and_then(|(path, exported)| {
            exported.report.as_ref().map(|report| {
                json!({
                    "file": path.display().to_string(),
                    "bytes": exported.bytes,
                    "records": report.records,
                    "feeds": report.feeds.len(),
                    "root_hash": hex(&report.root),
                })
            })
        });
        json!({
            "network": self.network,
            "export": export,
            "nodes": nodes,
            "records_published": self.published,
            "published_by_kind": self.published_by_kind,
            "latency_ms": {
                "p50": round_ms(percentile(&self.latencies_ms, 50.0)),
                "p99": round_ms(percentile(&self.latencies_ms, 99.0)),
                "max": round_ms(self.latencies_ms.last().copied().unwrap_or(0.0)),
            },
            "publish_call_ms": {
                "p50": round_ms(percentile(&self.calls_ms, 50.0)),
                "p99": round_ms(percentile(&self.calls_ms, 99.0)),
            },
            "converged_ms": round_ms(self.converged.as_secs_f64() * 1000.0),
            "traffic": self.traffic.json(),
            "wall_ms": round_ms(self.wall.as_secs_f64() * 1000.0),
        })
    }

    fn table(&self, plan: &Plan) -> String {
        let width = self
            .nodes
            .iter()
            .map(|node| node.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("node".len());
        let mut out = format!(
            "Devnet of {} nodes, each dialing up to {} others: {} records published\n\n",
            plan.nodes, plan.dial, self.published
        );
        out.push_str(&format!(
            "{:>3}  {:<width$}  {:<14}  {:>7}  {:>5}  {:>17}  {:>17}\n",
            "", "", "", "", "", "its records to all", "others' to it"
        ));
        out.push_str(&format!(
            "{:>3}  {:<width$}  {:<14}  {:>7}  {:>5}  {:>8} {:>8}  {:>8} {:>8}\n",
            "#", "node", "peer id", "records", "peers", "p50 ms", "p99 ms", "p50 ms", "p99 ms"
        ));
        for (index, node) in self.nodes.iter().enumerate() {
            out.push_str(&format!(
                "{index:>3}  {:<width$}  {:<14}  {:>7}  {:>5}  {:>8.1} {:>8.1}  {:>8.1} {:>8.1}\n",
                node.name,
                short_peer_id(&node.peer_id),
                node.records,
                node.peers
                    .map_or_else(|| "?".to_owned(), |peers| peers.to_string()),
                percentile(&node.sent_ms, 50.0),
                percentile(&node.sent_ms, 99.0),
                percentile(&node.arrival_ms, 50.0),
                percentile(&node.arrival_ms, 99.0),
            ));
        }
        let kinds: Vec<String> = self
            .published_by_kind
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect();
        out.push_str(&format!(
            "\nPublished: {}; every node holds every one.\n",
            kinds.join(", ")
        ));
        out.push_str(&format!(
            "Records held include the {} devices' delegations. \"Its records to all\": from \
             the publish call until the last node held it; \"others' to it\": until this \
             node held it.\n\
             Publish to last node: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n\
             The publish call alone: p50 {:.1} ms, p99 {:.1} ms\n\
             Every node held every record {:.2} s after the first publish; {:.1} s in all.\n",
            plan.nodes,
            percentile(&self.latencies_ms, 50.0),
            percentile(&self.latencies_ms, 99.0),
            self.latencies_ms.last().copied().unwrap_or(0.0),
            percentile(&self.calls_ms, 50.0),
            percentile(&self.calls_ms, 99.0),
            self.converged.as_secs_f64(),
            self.wall.as_secs_f64(),
        ));
        out.push_str(&self.traffic.line());
        if let Some((path, exported)) = &self.exported
            && let Some(report) = &exported.report
        {
            out.push_str(&format!(
                "\nArchive: {} records of {} feeds in {} ({} bytes), verified.\n\
                 root hash  {}\n\
                 Check it offline, with no node running: commons archive verify {}\n",
                report.records,
                report.feeds.len(),
                path.display(),
                exported.bytes,
                hex(&report.root),
                path.display(),
            ));
        }
        out
    }
}

/// `ms` to a tenth of a millisecond, as a JSON number.
fn round_ms(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

/// A peer id as a table shows it: every Commons peer id starts `12D3KooW`, so the end
/// is what tells them apart.
fn short_peer_id(peer_id: &str) -> String {
    let chars: Vec<char> = peer_id.chars().collect();
    if chars.len() <= 12 {
        return peer_id.to_owned();
    }
    let tail: String = chars[chars.len() - 8..].iter().collect();
    format!("12D3…{tail}")
}

/// The nearest-rank `p`th percentile of `sorted` (ascending), 0 when empty.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // The rank is at most the length, so these conversions lose nothing that matters.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn now_ms() -> anyhow::Result<u64> {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is set before 1970")?;
    u64::try_from(elapsed.as_millis()).context("the system clock is too far in the future")
}

/// Runs the devnet: founds the network, starts the nodes, publishes, waits for
/// convergence, hands the outcome to `report` while every node still runs, keeps them
/// running until a signal if the plan says so, then stops them and removes (or keeps)
/// their directory.
fn devnet(
    plan: &Plan,
    export: Option<&Path>,
    runtime: &tokio::runtime::Runtime,
    interrupted: &AtomicBool,
    report: impl FnOnce(&Outcome, &[Node]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let temp = tempfile::Builder::new()
        .prefix("commons-devnet-")
        .tempdir()
        .context("could not create a temporary directory for the devnet")?;
    progress(&format!(
        "founding a network of {} orgs in {}",
        plan.nodes,
        temp.path().display()
    ));
    let founders: Vec<FounderDir> = (0..plan.nodes)
        .map(|index| {
            let dir = DataDir::new(temp.path().join(format!("node-{index:02}")));
            let mut founder = FounderDir::new(dir, &org_name(index));
            founder.device_label = "devnet".to_owned();
            founder.config = devnet_config(&founder.org_name, plan.dial);
            founder
        })
        .collect();
    let network = init_network(
        &founders,
        &format!("Commons devnet ({} orgs)", plan.nodes),
        now_ms()?,
    )
    .context("could not create the devnet's data directories")?;

    // Declared after `temp`, so dropped before it: the nodes stop before their
    // directories are removed, whichever way this function returns.
    let mut children = Children::default();
    let exe = std::env::current_exe().context("could not find this program to run the nodes")?;
    let mut nodes: Vec<Node> = Vec::with_capacity(plan.nodes);
    for (index, founder) in founders.iter().enumerate() {
        let node = start_node(
            &exe,
            index,
            founder,
            plan,
            &nodes,
            &mut children,
            interrupted,
        )?;
        progress(&format!(
            "node {index} ({}) is up: api {}, {}",
            node.name, node.api, node.address
        ));
        nodes.push(node);
    }
    let clients = nodes
        .iter()
        .map(connect)
        .collect::<anyhow::Result<Vec<_>>>()?;

    wait_until_ready(plan, &nodes, &clients, &mut children, interrupted)?;

    let observed = Arc::new(Mutex::new(Observed::new(plan.nodes)));
    for (index, node) in nodes.iter().enumerate() {
        let token = read_token(&node.dir)?;
        runtime.spawn(watch_events(index, node.api, token, observed.clone()));
    }
    wait_for(
        "every node's event stream",
        SUBSCRIBE_DEADLINE,
        interrupted,
        || {
            let observed = lock(&observed);
            if let Some((index, error)) = observed.failure() {
                bail!(
                    "the event stream of node {index} ({}) failed: {error}",
                    nodes[index].name
                );
            }
            Ok(observed.subscribed.iter().all(|yes| *yes).then_some(()))
        },
    )?;

    progress(&format!(
        "publishing {} records round-robin through the {} nodes",
        plan.records, plan.nodes
    ));
    let traffic_before = crate::traffic::snapshot(&clients)?;
    let publish_start = Instant::now();
    let orgs: Vec<OrgId> = network.nodes.iter().map(|node| node.org).collect();
    let published = publish(plan, &nodes, &orgs, interrupted)?;
    progress(&format!(
        "published {} records in {:.2} s; waiting until every node holds them",
        published.len(),
        publish_start.elapsed().as_secs_f64()
    ));
    let expected = u64::try_from(plan.records + plan.nodes).unwrap_or(u64::MAX);
    let finals = wait_for_convergence(
        plan,
        &nodes,
        &clients,
        &published,
        &observed,
        expected,
        publish_start,
        &mut children,
        interrupted,
    )?;
    let converged = publish_start.elapsed();
    let traffic_after = crate::traffic::snapshot(&clients)?;
    let ids: HashSet<&str> = published.iter().map(|record| record.id.as_str()).collect();
    let traffic = TrafficReport {
        records: published.len(),
        record_bytes: crate::traffic::record_bytes(&clients[0], &ids)?,
        nodes: traffic_after
            .iter()
            .zip(&traffic_before)
            .map(|(after, before)| after.since(before))
            .collect(),
    };

    let latencies_ms = latencies(&published, &lock(&observed));
    let mut calls_ms: Vec<f64> = published
        .iter()
        .map(|record| record.call.as_secs_f64() * 1000.0)
        .collect();
    calls_ms.sort_by(f64::total_cmp);
    let mut outcome_nodes = Vec::with_capacity(nodes.len());
    {
        let observed = lock(&observed);
        for (index, ((node, client), status)) in nodes.iter().zip(&clients).zip(finals).enumerate()
        {
            outcome_nodes.push(NodeOutcome {
                name: node.name.clone(),
                peer_id: node.peer_id.clone(),
                records: status["records"].as_u64().unwrap_or(0),
                peers: peer_count(client, &status),
                api: node.api,
                data_dir: (plan.keep || plan.keep_running).then(|| node.dir.clone()),
                sent_ms: sent_latencies(index, &published, &observed),
                arrival_ms: arrival_latencies(index, &published, &observed),
                held_by_kind: held_by_kind(index, &published, &observed),
            });
        }
    }
    // Every node holds every record and still runs, so an archive of any one node's
    // store is the whole network's.
    let exported = match export {
        Some(path) => {
            progress(&format!(
                "exporting the network's archive to {}",
                path.display()
            ));
            let exported = export_archive(&clients[0], path, Format::Bundle, false, false, None)
                .context("the devnet converged, but its archive could not be exported")?;
            Some((path.to_owned(), exported))
        }
        None => None,
    };
    let outcome = Outcome {
        exported,
        network: network.network.to_string(),
        nodes: outcome_nodes,
        published: published.len(),
        published_by_kind: count_kinds(published.iter()),
        latencies_ms,
        calls_ms,
        converged,
        traffic,
        wall: started.elapsed(),
    };

    report(&outcome, &nodes)?;
    if plan.keep_running {
        keep_running(&mut children, interrupted);
    }

    progress(&format!("stopping {} nodes", plan.nodes));
    children.stop();
    if plan.keep {
        let kept = temp.keep();
        progress(&format!(
            "kept the data directories and logs ({LOG_FILE}) in {}",
            kept.display()
        ));
    } else {
        let path = temp.path().to_owned();
        temp.close().with_context(|| {
            format!("could not remove the devnet's directory {}", path.display())
        })?;
    }
    Ok(())
}

/// Keeps the devnet's nodes running until SIGINT or SIGTERM. A node that exits in the
/// meantime (an operator may stop one to watch the others catch it up later) is
/// reported once; the others keep running.
fn keep_running(children: &mut Children, interrupted: &AtomicBool) {
    progress("running; Ctrl-C (SIGINT) or SIGTERM stops every node");
    let mut reported: HashSet<usize> = HashSet::new();
    while !interrupted.load(Ordering::SeqCst) {
        for slot in 0..children.running.len() {
            if reported.contains(&slot) {
                continue;
            }
            if let Err(error) = children.check_running(slot) {
                progress(&format!("{error:#}"));
                progress("the other nodes keep running");
                reported.insert(slot);
            }
        }
        std::thread::sleep(STATUS_INTERVAL);
    }
}

/// A devnet node's config: loopback only, no mDNS and no Kademlia (the devnet's
/// topology is the one it chooses, not whatever else runs on this machine, and not
/// the full mesh that Kademlia's lookups make of a small network), and
/// `target_peers = dial`.
/// The flags `start_node` passes say the same; the file says it too so that a kept
/// devnet restarts the same way.
fn devnet_config(org_name: &str, dial: usize) -> ConfigFile {
    let mut config = ConfigFile::new(org_name, "devnet");
    config.api_listen = "127.0.0.1:0".to_owned();
    config.web_listen = "127.0.0.1:0".to_owned();
    config.listen = vec!["/ip4/127.0.0.1/tcp/0".to_owned()];
    config.mdns = false;
    config.kademlia = false;
    config.target_peers = dial;
    config
}

/// Starts node `index` as a child of this process, dialing its [`dial_targets`] among
/// the nodes already started, and waits until it has written its API and network
/// addresses.
fn start_node(
    exe: &Path,
    index: usize,
    founder: &FounderDir,
    plan: &Plan,
    started: &[Node],
    children: &mut Children,
    interrupted: &AtomicBool,
) -> anyhow::Result<Node> {
    let dir = founder.dir.path().to_owned();
    let log_path = dir.join(LOG_FILE);
    let log = File::create(&log_path)
        .with_context(|| format!("could not create {}", log_path.display()))?;
    let targets = dial_targets(index, plan.dial);
    let mut command = Command::new(exe);
    command
        .arg("--data-dir")
        .arg(&dir)
        .args([
            "node",
            "run",
            "--api-listen",
            "127.0.0.1:0",
            "--web-listen",
            "127.0.0.1:0",
        ])
        .args(["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"]);
    for &target in &targets {
        command.arg("--bootstrap").arg(&started[target].address);
    }
    // Flags beat these, but a stray one must not change what the devnet measures.
    command
        .env_remove("COMMONS_API_LISTEN")
        .env_remove("COMMONS_WEB_LISTEN")
        .env_remove("COMMONS_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    let child = command
        .spawn()
        .with_context(|| format!("could not start node {index} ({})", exe.display()))?;
    let slot = children.push(child, &founder.org_name, &log_path);

    let api_path = dir.join(API_ADDRESS_FILE);
    let addresses_path = dir.join(NETWORK_ADDRESSES_FILE);
    let what = format!("node {index} ({}) to start", founder.org_name);
    let (api, address) = wait_for(&what, START_DEADLINE, interrupted, || {
        children.check_running(slot)?;
        // The node writes its network addresses, then its API address: once the API
        // address is there, both files are whole.
        let Ok(api_text) = std::fs::read_to_string(&api_path) else {
            return Ok(None);
        };
        let Ok(api) = api_text.trim().parse::<SocketAddr>() else {
            return Ok(None);
        };
        let addresses = std::fs::read_to_string(&addresses_path)
            .with_context(|| format!("could not read {}", addresses_path.display()))?;
        let address = addresses
            .lines()
            .map(str::trim)
            .find(|line| line.contains("/p2p/"))
            .ok_or_else(|| {
                anyhow!(
                    "{} holds no address ending in /p2p/<peer id>",
                    addresses_path.display()
                )
            })?;
        Ok(Some((api, address.to_owned())))
    })?;
    let peer_id = address
        .rsplit_once("/p2p/")
        .map(|(_, peer)| peer.to_owned())
        .unwrap_or_default();
    let later = (index + 1..plan.nodes)
        .filter(|&later| dial_targets(later, plan.dial).contains(&index))
        .count();
    Ok(Node {
        name: founder.org_name.clone(),
        dir,
        api,
        address,
        peer_id,
        degree: targets.len() + later,
    })
}

/// The control API client of `node`, as every operator command makes it.
fn connect(node: &Node) -> anyhow::Result<Client> {
    Client::connect(&GlobalArgs {
        data_dir: Some(node.dir.clone()),
        json: false,
    })
    .with_context(|| format!("could not reach the API of {}", node.name))
}

fn read_token(dir: &Path) -> anyhow::Result<String> {
    let opened = DataDir::new(dir).open()?;
    Ok(opened.api_token().to_owned())
}

/// Waits until every node has a gossip mesh peer and holds every founder's delegation, so that the
/// latencies measure records travelling a connected network rather than nodes
/// starting. Not being ready in time is reported but not fatal: convergence, which is
/// checked next, says precisely what is missing.
fn wait_until_ready(
    plan: &Plan,
    nodes: &[Node],
    clients: &[Client],
    children: &mut Children,
    interrupted: &AtomicBool,
) -> anyhow::Result<()> {
    progress("waiting until every node has a gossip mesh and every founder's delegation");
    let expected = u64::try_from(plan.nodes).unwrap_or(u64::MAX);
    let mut lacking = Vec::new();
    let result = wait_for("the nodes to connect", READY_DEADLINE, interrupted, || {
        children.check_all()?;
        lacking.clear();
        for (index, (node, client)) in nodes.iter().zip(clients).enumerate() {
            let status = client.get("/v1/status", &[])?;
            let records = status["records"].as_u64().unwrap_or(0);
            // A node whose status has no peer count yet is judged by its records alone.
            let peers = status["peers"].as_u64();
            // Records published before a node has a gossip mesh reach the others only
            // by sync rounds, which would time sync, not gossip.
            let meshed = records >= expected
                && peers != Some(0)
                && client
                    .get("/v1/peers", &[])?
                    .as_array()
                    .is_some_and(|peers| peers.iter().any(|peer| peer["in_mesh"] == true));
            if !meshed {
                lacking.push(format!(
                    "node {index} ({}) has {} peers (its topology gives it {}), none in its \
                     gossip mesh yet, and {records} of {expected} delegations",
                    node.name,
                    peers.map_or_else(|| "?".to_owned(), |peers| peers.to_string()),
                    node.degree,
                ));
            }
        }
        if lacking.is_empty() {
            return Ok(Some(()));
        }
        std::thread::sleep(STATUS_INTERVAL);
        Ok(None)
    });
    match result {
        Ok(()) => Ok(()),
        Err(error) if interrupted.load(Ordering::SeqCst) => Err(error),
        Err(error) if error.to_string().starts_with("timed out") => {
            progress(&format!(
                "not every node is ready after {} s, publishing anyway: {}",
                READY_DEADLINE.as_secs(),
                lacking.join("; ")
            ));
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// Calls `probe` every [`POLL_INTERVAL`] until it answers `Some`, fails, `deadline`
/// passes or a signal arrives.
fn wait_for<T>(
    what: &str,
    deadline: Duration,
    interrupted: &AtomicBool,
    mut probe: impl FnMut() -> anyhow::Result<Option<T>>,
) -> anyhow::Result<T> {
    let start = Instant::now();
    loop {
        if interrupted.load(Ordering::SeqCst) {
            bail!("interrupted while waiting for {what}");
        }
        if let Some(value) = probe()? {
            return Ok(value);
        }
        if start.elapsed() > deadline {
            bail!(
                "timed out after {} s waiting for {what}",
                deadline.as_secs()
            );
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// What the event streams have seen, shared between their tasks and the main thread.
#[derive(Debug)]
struct Observed {
    /// For each node, when its stream announced each record id.
    seen: Vec<HashMap<String, Instant>>,
    /// Whether each node's stream has opened.
    subscribed: Vec<bool>,
    /// Whether each node's stream skipped records (then they are read back).
    lagged: Vec<bool>,
    /// Why a stream ended early.
    failed: Vec<Option<String>>,
}

impl Observed {
    fn new(nodes: usize) -> Self {
        Observed {
            seen: vec![HashMap::new(); nodes],
            subscribed: vec![false; nodes],
            lagged: vec![false; nodes],
            failed: vec![None; nodes],
        }
    }

    fn failure(&self) -> Option<(usize, &str)> {
        self.failed
            .iter()
            .enumerate()
            .find_map(|(index, failed)| failed.as_deref().map(|error| (index, error)))
    }
}

fn lock(observed: &Mutex<Observed>) -> MutexGuard<'_, Observed> {
    // A panicking stream task cannot leave the maps half-updated: recover them.
    observed
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What an event stream said.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StreamItem {
    /// The `: subscribed` comment: every record stored from now on is announced.
    Subscribed,
    /// A `record` event, with the record's id.
    Record(String),
    /// A `lagged` event: records were skipped.
    Lagged,
}

/// Splits a server-sent event stream (docs/api.md, section 10) into what the devnet
/// needs: the subscription comment, record ids and lag notices.
#[derive(Debug, Default)]
struct EventParser {
    buffer: Vec<u8>,
    event: String,
    id: String,
}

impl EventParser {
    fn feed(&mut self, bytes: &[u8]) -> anyhow::Result<Vec<StreamItem>> {
        self.buffer.extend_from_slice(bytes);
        let mut items = Vec::new();
        while let Some(end) = self.buffer.iter().position(|byte| *byte == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                match self.event.as_str() {
                    "record" if !self.id.is_empty() => {
                        items.push(StreamItem::Record(std::mem::take(&mut self.id)));
                    }
                    "lagged" => items.push(StreamItem::Lagged),
                    _ => {}
                }
                self.event.clear();
                self.id.clear();
            } else if let Some(comment) = line.strip_prefix(':') {
                if comment.trim() == "subscribed" {
                    items.push(StreamItem::Subscribed);
                }
            } else if let Some(value) = line.strip_prefix("event:") {
                value.trim().clone_into(&mut self.event);
            } else if let Some(value) = line.strip_prefix("id:") {
                value.trim().clone_into(&mut self.id);
            }
        }
        if self.buffer.len() > MAX_LINE_BYTES {
            bail!("the event stream sent a line longer than {MAX_LINE_BYTES} bytes");
        }
        Ok(items)
    }
}

/// Follows node `index`'s `/v1/events`, noting when each record is announced, until the
/// stream ends. A failure is noted for the main thread rather than returned, since no
/// one awaits this task.
async fn watch_events(
    index: usize,
    api: SocketAddr,
    token: String,
    observed: Arc<Mutex<Observed>>,
) {
    if let Err(error) = follow_stream(index, api, &token, &observed).await {
        lock(&observed).failed[index] = Some(format!("{error:#}"));
    }
}

async fn follow_stream(
    index: usize,
    api: SocketAddr,
    token: &str,
    observed: &Mutex<Observed>,
) -> anyhow::Result<()> {
    // No overall timeout: the stream lasts as long as the node.
    let http = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .context("could not set up the HTTP client")?;
    let mut response = http
        .get(format!("http://{api}/v1/events"))
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .send()
        .await
        .with_context(|| format!("could not open the event stream at {api}"))?;
    if !response.status().is_success() {
        bail!("GET /v1/events at {api} answered {}", response.status());
    }
    let mut parser = EventParser::default();
    while let Some(chunk) = response
        .chunk()
        .await
        .with_context(|| format!("the event stream at {api} broke"))?
    {
        let now = Instant::now();
        let items = parser.feed(&chunk)?;
        if items.is_empty() {
            continue;
        }
        let mut observed = lock(observed);
        for item in items {
            match item {
                StreamItem::Subscribed => observed.subscribed[index] = true,
                StreamItem::Record(id) => {
                    observed.seen[index].entry(id).or_insert(now);
                }
                StreamItem::Lagged => observed.lagged[index] = true,
            }
        }
    }
    Ok(())
}

/// Publishes the plan's records: record `i` through node `i mod N`. The story's two
/// opening records go first, one after the other (later records answer them); then each
/// node publishes the rest of its share in order from its own thread, all nodes at once.
fn publish(
    plan: &Plan,
    nodes: &[Node],
    orgs: &[OrgId],
    interrupted: &AtomicBool,
) -> anyhow::Result<Vec<Published>> {
    let mut story = Story::new(orgs);
    let mut published = Vec::with_capacity(plan.records);
    for global in 0..STORY_OPENING.min(plan.records) {
        let index = global % plan.nodes;
        let client = connect(&nodes[index])?;
        let request = story.opening(global);
        let record = publish_one(&client, index, &nodes[index], &request)?;
        story.opened(global, &record.id);
        published.push(record);
    }
    let story = &story;
    let results: Vec<anyhow::Result<Vec<Published>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = nodes
            .iter()
            .enumerate()
            .map(|(index, node)| {
                scope.spawn(move || publish_from(plan, index, node, story, interrupted))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow!("a publishing thread panicked")))
            })
            .collect()
    });
    for result in results {
        published.extend(result?);
    }
    Ok(published)
}

/// Node `index`'s share of the records after the story's opening, published in order
/// (an update needs its campaign's id).
fn publish_from(
    plan: &Plan,
    index: usize,
    node: &Node,
    story: &Story,
    interrupted: &AtomicBool,
) -> anyhow::Result<Vec<Published>> {
    let client = connect(node)?;
    let mut campaign: Option<String> = None;
    let mut published = Vec::new();
    let share = (index..plan.records)
        .step_by(plan.nodes)
        .filter(|global| *global >= STORY_OPENING);
    for (local, global) in share.enumerate() {
        if interrupted.load(Ordering::SeqCst) {
            bail!("interrupted while publishing");
        }
        let request = story
            .follow_up(index, local)
            .unwrap_or_else(|| sample(global, local, campaign.as_deref()));
        let record = publish_one(&client, index, node, &request)?;
        if request.endpoint == CAMPAIGN_ENDPOINT {
            campaign = Some(record.id.clone());
        }
        published.push(record);
    }
    Ok(published)
}

/// Publishes one record through node `index`, timing the call.
fn publish_one(
    client: &Client,
    index: usize,
    node: &Node,
    request: &Request,
) -> anyhow::Result<Published> {
    let started = Instant::now();
    let answer = client
        .post(request.endpoint, &request.body)
        .with_context(|| {
            format!(
                "node {index} ({}) did not publish the {}",
                node.name, request.what
            )
        })?;
    let id = answer["id"]
        .as_str()
        .ok_or_else(|| anyhow!("node {index} answered a publish without a record id"))?
        .to_owned();
    Ok(Published {
        id,
        kind: request.kind,
        node: index,
        started,
        call: started.elapsed(),
    })
}

/// One publish request.
#[derive(Debug, Clone, PartialEq)]
struct Request {
    endpoint: &'static str,
    /// The record's kind, as the API names it.
    kind: &'static str,
    what: &'static str,
    body: Value,
}

const PRACTICE_ENDPOINT: &str = "/v1/publish/practice";
const CAMPAIGN_ENDPOINT: &str = "/v1/publish/campaign";
const UPDATE_ENDPOINT: &str = "/v1/publish/update";
const ALERT_ENDPOINT: &str = "/v1/publish/alert";
const RESPOND_ENDPOINT: &str = "/v1/publish/respond";

/// How many records open the story: the coalition's campaign, then the alert.
const STORY_OPENING: usize = 2;
/// The node whose org raises the alert (the campaign's lead is node 0).
const ALERT_NODE: usize = 1;

/// What every devnet tells, whatever its size, so that each kind of record and each way
/// they refer to one another is on the network: node 0's org leads a campaign with the
/// orgs of nodes 1 and 2 as partners (node 1's alone in a devnet of two), and the lead
/// and each partner post an update to it; node 1's org raises an urgent alert, and
/// every other org answers it.
#[derive(Debug, Clone)]
struct Story {
    partners: Vec<OrgId>,
    campaign: Option<String>,
    alert: Option<String>,
}

impl Story {
    fn new(orgs: &[OrgId]) -> Story {
        Story {
            partners: orgs.iter().skip(1).take(2).copied().collect(),
            campaign: None,
            alert: None,
        }
    }

    /// The story's `global`-th opening record: the campaign (0), then the alert (1).
    fn opening(&self, global: usize) -> Request {
        if global == 0 {
            let partners: Vec<String> = self.partners.iter().map(ToString::to_string).collect();
            Request {
                endpoint: CAMPAIGN_ENDPOINT,
                kind: "campaign",
                what: "coalition campaign",
                body: json!({
                    "title": "No evictions in the rainy season",
                    "goals": [
                        "A moratorium on evictions from June to October",
                        "Alternative housing agreed with residents before any demolition",
                    ],
                    "partners": partners,
                    "status": "active",
                }),
            }
        } else {
            Request {
                endpoint: ALERT_ENDPOINT,
                kind: "alert",
                what: "solidarity alert",
                body: json!({
                    "severity": "urgent",
                    "region": "Central America",
                    "title": "Housing defender detained after an eviction protest",
                    "body": "A member of our housing committee was detained after a community \
                             assembly against the eviction of 40 families. She has had no access \
                             to a lawyer since yesterday evening.",
                    "action_requested": "Write to the regional prosecutor asking for access to \
                                         counsel and her release; share this alert with your \
                                         networks.",
                    "expires_in_hours": 72,
                }),
            }
        }
    }

    /// Notes the id of the opening record `global`.
    fn opened(&mut self, global: usize, id: &str) {
        if global == 0 {
            self.campaign = Some(id.to_owned());
        } else {
            self.alert = Some(id.to_owned());
        }
    }

    /// What node `index` publishes as its `local`-th record after the opening, if the
    /// story says: first an answer to the alert (every node but the one that raised
    /// it), then an update to the campaign (its lead and partners).
    fn follow_up(&self, index: usize, local: usize) -> Option<Request> {
        match local {
            0 if index != ALERT_NODE => {
                let alert = self.alert.as_ref()?;
                let (response, note) = ALERT_RESPONSES[index % ALERT_RESPONSES.len()];
                Some(Request {
                    endpoint: RESPOND_ENDPOINT,
                    kind: "alert-response",
                    what: "response to the alert",
                    body: json!({ "alert": alert, "response": response, "note": note }),
                })
            }
            1 if index <= self.partners.len() => {
                let campaign = self.campaign.as_ref()?;
                let (text, status) = COALITION_UPDATES[index];
                let mut body = json!({ "campaign": campaign, "body": text });
                if let Some(status) = status {
                    body["status"] = json!(status);
                }
                Some(Request {
                    endpoint: UPDATE_ENDPOINT,
                    kind: "campaign-update",
                    what: "campaign update",
                    body,
                })
            }
            _ => None,
        }
    }
}

/// The coalition campaign's updates: by its lead (node 0), then by each partner.
const COALITION_UPDATES: [(&str, Option<&str>); 3] = [
    (
        "Call to action: the council votes on the moratorium next month. Please send letters \
         of support from your organization before the 20th; a template is on the campaign \
         page.",
        None,
    ),
    (
        "The High Court set the hearing on the eviction order for the 14th. Residents and \
         members are welcome to observe; we will meet outside the court at 8 am.",
        None,
    ),
    (
        "Win: the city council voted to pause demolitions while the review runs. The \
         moratorium itself is still to be won, so the campaign goes on.",
        Some("active"),
    ),
];

/// Answers to the alert, by the answering node's index.
const ALERT_RESPONSES: [(&str, &str); 4] = [
    (
        "acting",
        "Our legal team wrote to the regional prosecutor this morning asking for access to \
         counsel.",
    ),
    (
        "acknowledged",
        "Seen by our board; we will raise it at the regional meeting on Friday.",
    ),
    (
        "shared",
        "Shared with the forty groups of our national coalition.",
    ),
    (
        "acting",
        "We called the national human rights commission, which has asked the police for \
         information.",
    ),
];

/// A case study's parts.
struct CaseStudy {
    title: &'static str,
    summary: &'static str,
    context: &'static str,
    what_we_did: &'static str,
    reusable: &'static str,
    themes: [&'static str; 2],
}

const CASE_STUDIES: [CaseStudy; 6] = [
    CaseStudy {
        title: "Tenant-led surveys of eviction risk",
        summary: "Residents mapped their own settlement and used the map to negotiate with the city.",
        context: "Three informal settlements faced demolition for a road project",
        what_we_did: "Volunteers trained by the coalition surveyed every household, recorded tenure documents and marked the homes on a shared map.",
        reusable: "The survey form, the consent script and the way the map was presented to officials.",
        themes: ["housing", "participatory-documentation"],
    },
    CaseStudy {
        title: "Paralegals at the district court",
        summary: "Community paralegals helped tenants answer eviction notices before the deadline.",
        context: "Most tenants served with eviction notices never answered them in time",
        what_we_did: "We placed two trained paralegals at the court registry on hearing days and ran a phone line for tenants outside the city.",
        reusable: "The paralegal curriculum and the checklist of documents a tenant needs.",
        themes: ["legal-aid", "housing"],
    },
    CaseStudy {
        title: "Women's names on land titles",
        summary: "A joint-titling campaign doubled the share of titles naming women.",
        context: "Land registration named only the head of household, almost always a man",
        what_we_did: "Village assemblies discussed joint titling, and the forum accompanied couples to the registry.",
        reusable: "The assembly guide and the letter template to the land registry.",
        themes: ["land", "women-escr"],
    },
    CaseStudy {
        title: "Water point monitoring by residents",
        summary: "Residents logged broken water points and took the log to the utility.",
        context: "Half of the public taps in the settlement were broken for months at a time",
        what_we_did: "Residents checked every tap weekly and shared a simple log with the utility and the local council.",
        reusable: "The weekly log, and how the meetings with the utility were prepared.",
        themes: ["water", "monitoring"],
    },
    CaseStudy {
        title: "Training police in rights-respecting evictions",
        summary: "Joint sessions with police commanders cut violence during court-ordered evictions.",
        context: "Evictions were carried out at night, with force and without notice",
        what_we_did: "We ran joint sessions for commanders and community leaders on the national eviction guidelines.",
        reusable: "The session plan and the pocket card of the guidelines.",
        themes: ["housing", "policing"],
    },
    CaseStudy {
        title: "Small producers research trade rules",
        summary: "Farmers' groups documented how an import surge hit local prices.",
        context: "Cheap imports pushed local rice prices below the cost of growing it",
        what_we_did: "Producer groups recorded market prices every week for a season and presented them at a national hearing.",
        reusable: "The price-recording method and the hearing brief.",
        themes: ["food", "economic-policy"],
    },
];

const REGIONS: [&str; 8] = [
    "East Africa",
    "Southern Africa",
    "West Africa",
    "South Asia",
    "Southeast Asia",
    "Central America",
    "Andean region",
    "Middle East and North Africa",
];

const CAMPAIGNS: [(&str, [&str; 2]); 3] = [
    (
        "Women's names on every land title",
        [
            "Joint titling as the registry's default for married couples",
            "Free registration for women farmers in the first year",
        ],
    ),
    (
        "Legal aid in every district court",
        [
            "A paralegal desk in each district court",
            "Free representation for tenants facing eviction",
        ],
    ),
    (
        "Water connections for informal settlements",
        [
            "A public tap within 200 metres of every home",
            "No disconnections for unpaid bills during the dry season",
        ],
    ),
];

const UPDATES: [(&str, Option<&str>); 3] = [
    (
        "The hearing is set for the 14th at the High Court; members are welcome to observe.",
        None,
    ),
    (
        "The city council voted to pause demolitions while the review runs.",
        Some("active"),
    ),
    (
        "Setback: the ministry left the negotiation. Please write to the minister this week.",
        Some("paused"),
    ),
];

/// The `global`-th record of the devnet, the `local`-th of its node after the story's
/// opening, when the [`Story`] has nothing for it: a campaign of the node's own every
/// eighth record, updates to that campaign, and case studies otherwise.
fn sample(global: usize, local: usize, campaign: Option<&str>) -> Request {
    match (local % 8, campaign) {
        (3, _) => {
            let (title, goals) = CAMPAIGNS[(global / 8) % CAMPAIGNS.len()];
            Request {
                endpoint: CAMPAIGN_ENDPOINT,
                kind: "campaign",
                what: "campaign",
                body: json!({ "title": title, "goals": goals, "status": "active" }),
            }
        }
        (5 | 7, Some(campaign)) => {
            let (text, status) = UPDATES[global % UPDATES.len()];
            let mut body = json!({ "campaign": campaign, "body": text });
            if let Some(status) = status {
                body["status"] = json!(status);
            }
            Request {
                endpoint: UPDATE_ENDPOINT,
                kind: "campaign-update",
                what: "campaign update",
                body,
            }
        }
        _ => {
            let case = &CASE_STUDIES[global % CASE_STUDIES.len()];
            let region = REGIONS[(global / CASE_STUDIES.len()) % REGIONS.len()];
            Request {
                endpoint: PRACTICE_ENDPOINT,
                kind: "practice",
                what: "case study",
                body: json!({
                    "title": case.title,
                    "summary": case.summary,
                    "body": format!(
                        "## Context\n\n{} ({region}).\n\n## What we did\n\n{}\n\n\
                         ## What others can reuse\n\n{}",
                        case.context, case.what_we_did, case.reusable
                    ),
                    "themes": case.themes,
                    "regions": [region],
                }),
            }
        }
    }
}

/// Waits until every node's stream has announced every published record and every
/// node's status counts `expected` records; answers the final statuses.
#[allow(clippy::too_many_arguments)]
fn wait_for_convergence(
    plan: &Plan,
    nodes: &[Node],
    clients: &[Client],
    published: &[Published],
    observed: &Mutex<Observed>,
    expected: u64,
    publish_start: Instant,
    children: &mut Children,
    interrupted: &AtomicBool,
) -> anyhow::Result<Vec<Value>> {
    let deadline = plan.converge_deadline();
    let mut last_status = publish_start;
    let mut statuses: Vec<Value> = vec![Value::Null; nodes.len()];
    loop {
        if interrupted.load(Ordering::SeqCst) {
            bail!("interrupted while waiting for the records to reach every node");
        }
        children.check_all()?;
        let missing = missing_per_node(published, &lock(observed));
        // A stream that lagged skipped some announcements: read that node's records.
        let lagged: Vec<usize> = {
            let observed = lock(observed);
            (0..nodes.len())
                .filter(|&index| observed.lagged[index] && missing[index] > 0)
                .collect()
        };
        for index in lagged {
            let ids = held_ids(&clients[index])?;
            let now = Instant::now();
            let mut observed = lock(observed);
            for id in ids {
                observed.seen[index].entry(id).or_insert(now);
            }
            observed.lagged[index] = false;
        }
        let all_seen = missing.iter().all(|missing| *missing == 0);
        let timed_out = publish_start.elapsed() > deadline;
        if all_seen || timed_out || last_status.elapsed() >= STATUS_INTERVAL {
            for (status, client) in statuses.iter_mut().zip(clients) {
                *status = client.get("/v1/status", &[])?;
            }
            last_status = Instant::now();
            let counts_match = statuses
                .iter()
                .all(|status| status["records"].as_u64() == Some(expected));
            if all_seen && counts_match {
                return Ok(statuses);
            }
        }
        if timed_out {
            return Err(not_converged(
                plan,
                nodes,
                published,
                &lock(observed),
                &statuses,
                expected,
            ));
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// How many published records each node's stream has not announced.
fn missing_per_node(published: &[Published], observed: &Observed) -> Vec<usize> {
    observed
        .seen
        .iter()
        .map(|seen| {
            published
                .iter()
                .filter(|record| !seen.contains_key(&record.id))
                .count()
        })
        .collect()
}

/// Every record id `client`'s node holds, page by page.
fn held_ids(client: &Client) -> anyhow::Result<HashSet<String>> {
    let mut ids = HashSet::new();
    let mut before: Option<String> = None;
    loop {
        let mut query = vec![("limit", PAGE_LIMIT.to_string())];
        if let Some(cursor) = &before {
            query.push(("before", cursor.clone()));
        }
        let page = client.get("/v1/records", &query)?;
        for record in page["records"].as_array().into_iter().flatten() {
            if let Some(id) = record["id"].as_str() {
                ids.insert(id.to_owned());
            }
        }
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => return Ok(ids),
        }
    }
}

/// The error of a devnet that did not converge: which nodes miss how many records,
/// and whose.
fn not_converged(
    plan: &Plan,
    nodes: &[Node],
    published: &[Published],
    observed: &Observed,
    statuses: &[Value],
    expected: u64,
) -> anyhow::Error {
    let mut lines = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        let held = statuses[index]["records"].as_u64();
        let mut missing_from = vec![0usize; nodes.len()];
        for record in published {
            if !observed.seen[index].contains_key(&record.id) {
                missing_from[record.node] += 1;
            }
        }
        let missing: usize = missing_from.iter().sum();
        if missing == 0 && held == Some(expected) {
            continue;
        }
        let publishers: Vec<String> = missing_from
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(publisher, count)| format!("{count} from node {publisher}"))
            .collect();
        lines.push(format!(
            "node {index} ({}, peer {}) misses {missing} of the {} published records{} and \
             holds {} of {expected} records (the delegations included); log: {}",
            node.name,
            short_peer_id(&node.peer_id),
            published.len(),
            if publishers.is_empty() {
                String::new()
            } else {
                format!(" ({})", publishers.join(", "))
            },
            held.map_or_else(|| "?".to_owned(), |held| held.to_string()),
            node.dir.join(LOG_FILE).display(),
        ));
    }
    anyhow!(
        "the devnet did not converge within {} s: {} of {} nodes lack records:\n  {}\n\
         rerun with --keep to keep the logs, and RUST_LOG=commons_node=debug for detail",
        plan.converge_deadline().as_secs(),
        lines.len(),
        nodes.len(),
        lines.join("\n  ")
    )
}

/// Each record's publish-to-last-node latency in ms, sorted.
fn latencies(published: &[Published], observed: &Observed) -> Vec<f64> {
    let mut latencies: Vec<f64> = published
        .iter()
        .filter_map(|record| {
            observed
                .seen
                .iter()
                .map(|seen| seen.get(&record.id))
                .collect::<Option<Vec<_>>>()
                .and_then(|times| times.into_iter().max().copied())
                .map(|last| last.saturating_duration_since(record.started).as_secs_f64() * 1000.0)
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    latencies
}

/// The publish-to-last-node latencies, in ms and sorted, of the records node `index`
/// published.
fn sent_latencies(index: usize, published: &[Published], observed: &Observed) -> Vec<f64> {
    let own: Vec<Published> = published
        .iter()
        .filter(|record| record.node == index)
        .cloned()
        .collect();
    latencies(&own, observed)
}

/// The publish-to-this-node latencies, in ms and sorted, of the records the other nodes
/// published: when node `index`'s event stream announced each.
fn arrival_latencies(index: usize, published: &[Published], observed: &Observed) -> Vec<f64> {
    let seen = &observed.seen[index];
    let mut latencies: Vec<f64> = published
        .iter()
        .filter(|record| record.node != index)
        .filter_map(|record| {
            seen.get(&record.id).map(|arrived| {
                arrived
                    .saturating_duration_since(record.started)
                    .as_secs_f64()
                    * 1000.0
            })
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    latencies
}

/// The published records node `index` announced holding, by kind. A record id is the
/// hash of the record's payload, kind included, so holding the id is holding a record
/// of the kind it was published as.
fn held_by_kind(
    index: usize,
    published: &[Published],
    observed: &Observed,
) -> BTreeMap<&'static str, u64> {
    let seen = &observed.seen[index];
    count_kinds(
        published
            .iter()
            .filter(|record| seen.contains_key(&record.id)),
    )
}

/// How many of `records` are of each kind.
fn count_kinds<'a>(records: impl Iterator<Item = &'a Published>) -> BTreeMap<&'static str, u64> {
    let mut counts = BTreeMap::new();
    for record in records {
        *counts.entry(record.kind).or_insert(0) += 1;
    }
    counts
}

/// Connected peers: `peers` in `GET /v1/status`, else the length of `GET /v1/peers`.
fn peer_count(client: &Client, status: &Value) -> Option<u64> {
    if let Some(peers) = status["peers"].as_u64() {
        return Some(peers);
    }
    let peers = client.get("/v1/peers", &[]).ok()?;
    let list = peers.as_array().or_else(|| peers["peers"].as_array())?;
    u64::try_from(list.len()).ok()
}

/// The devnet's child processes. Dropping this stops them all, so that no node outlives
/// the devnet, whether it ends normally, with an error or on Ctrl-C.
#[derive(Debug, Default)]
struct Children {
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
    fn push(&mut self, child: Child, name: &str, log: &Path) -> usize {
        self.running.push(RunningChild {
            child,
            name: name.to_owned(),
            log: log.to_owned(),
        });
        self.running.len() - 1
    }

    /// An error if the child in `slot` has exited, quoting the end of its log.
    fn check_running(&mut self, slot: usize) -> anyhow::Result<()> {
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
    fn check_all(&mut self) -> anyhow::Result<()> {
        (0..self.running.len()).try_for_each(|slot| self.check_running(slot))
    }

    /// Sends SIGTERM to every child still running, waits up to [`STOP_GRACE`] for them
    /// to finish shutting down, then kills the rest, and reaps them all.
    fn stop(&mut self) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_node_dials_earlier_nodes_at_power_of_two_distances() {
        assert_eq!(dial_targets(0, 3), Vec::<usize>::new());
        assert_eq!(dial_targets(1, 3), vec![0]);
        assert_eq!(dial_targets(2, 3), vec![1, 0]);
        assert_eq!(dial_targets(3, 3), vec![2, 1, 0]);
        assert_eq!(dial_targets(19, 3), vec![18, 17, 15]);
        assert_eq!(dial_targets(5, 1), vec![4]);
        // More dials than powers of two below the index: the nearest others fill in.
        assert_eq!(dial_targets(5, 5), vec![4, 3, 1, 2, 0]);
        for index in 0..40 {
            let targets = dial_targets(index, 4);
            assert_eq!(targets.len(), index.min(4));
            assert!(targets.iter().all(|target| *target < index));
            assert_eq!(targets.iter().collect::<HashSet<_>>().len(), targets.len());
        }
    }

    #[test]
    fn the_topology_is_connected() {
        // Every node reaches node 0 by dialing earlier nodes.
        for index in 1..50 {
            assert!(!dial_targets(index, 1).is_empty());
        }
    }

    #[test]
    fn org_names_are_unique_beyond_the_list() {
        let names: HashSet<String> = (0..(MAX_NODES as usize)).map(org_name).collect();
        assert_eq!(names.len(), MAX_NODES as usize);
        assert_eq!(org_name(0), "Housing Rights Coalition");
        assert_eq!(org_name(ORG_NAMES.len()), "Housing Rights Coalition (2)");
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&values, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 50.0), 2.0);
    }

    #[test]
    fn the_parser_finds_records_lags_and_the_subscription() {
        let mut parser = EventParser::default();
        let stream = ": subscribed\n\nevent: record\nid: rec_1\ndata: {\"id\":\"rec_1\"}\n\n\
                      : keep-alive\n\nevent: lagged\ndata: {\"missed\":12}\n\n";
        // Fed in pieces that split lines, as a network would.
        let mut items = Vec::new();
        for piece in stream.as_bytes().chunks(7) {
            items.extend(parser.feed(piece).unwrap());
        }
        assert_eq!(
            items,
            vec![
                StreamItem::Subscribed,
                StreamItem::Record("rec_1".to_owned()),
                StreamItem::Lagged
            ]
        );
        let items = parser
            .feed(b"event: record\r\nid: rec_2\r\ndata: {}\r\n\r\n")
            .unwrap();
        assert_eq!(items, vec![StreamItem::Record("rec_2".to_owned())]);
    }

    #[test]
    fn the_samples_hold_campaigns_updates_and_case_studies() {
        let mut endpoints = Vec::new();
        let mut campaign = None;
        for local in 0..16 {
            let request = sample(local * 3, local, campaign.as_deref());
            if request.endpoint == CAMPAIGN_ENDPOINT {
                campaign = Some("rec_campaign".to_owned());
            }
            if request.endpoint == UPDATE_ENDPOINT {
                assert_eq!(request.body["campaign"], "rec_campaign");
            }
            endpoints.push(request.endpoint);
        }
        assert!(endpoints.contains(&CAMPAIGN_ENDPOINT));
        assert!(endpoints.contains(&UPDATE_ENDPOINT));
        assert!(endpoints.contains(&PRACTICE_ENDPOINT));
        // No update before the node has a campaign of its own.
        assert_eq!(sample(5, 5, None).endpoint, PRACTICE_ENDPOINT);
        let practice = sample(0, 0, None);
        assert_eq!(practice.kind, "practice");
        assert!(!practice.body["themes"].as_array().unwrap().is_empty());
        assert!(!practice.body["regions"].as_array().unwrap().is_empty());
    }

    fn orgs(count: u8) -> Vec<OrgId> {
        (0..count)
            .map(|seed| commons_protocol::RootKeypair::from_seed([seed; 32]).org_id())
            .collect()
    }

    #[test]
    fn the_story_names_two_partners_whose_updates_follow_and_others_answer_the_alert() {
        let orgs = orgs(5);
        let mut story = Story::new(&orgs);
        let campaign = story.opening(0);
        assert_eq!(campaign.endpoint, CAMPAIGN_ENDPOINT);
        assert_eq!(
            campaign.body["partners"],
            json!([orgs[1].to_string(), orgs[2].to_string()])
        );
        let alert = story.opening(1);
        assert_eq!(alert.endpoint, ALERT_ENDPOINT);
        assert_eq!(alert.body["severity"], "urgent");
        // Nothing follows before the opening records have ids.
        assert_eq!(story.follow_up(0, 0), None);
        story.opened(0, "rec_campaign");
        story.opened(1, "rec_alert");

        for index in 0..5 {
            let answer = story.follow_up(index, 0);
            if index == ALERT_NODE {
                assert_eq!(answer, None, "the alert's own org does not answer it");
            } else {
                let answer = answer.unwrap();
                assert_eq!(answer.endpoint, RESPOND_ENDPOINT);
                assert_eq!(answer.body["alert"], "rec_alert");
            }
            let update = story.follow_up(index, 1);
            if index <= 2 {
                let update = update.unwrap();
                assert_eq!(
                    update.endpoint, UPDATE_ENDPOINT,
                    "the lead and its partners"
                );
                assert_eq!(update.body["campaign"], "rec_campaign");
            } else {
                assert_eq!(update, None);
            }
            assert_eq!(story.follow_up(index, 2), None);
        }

        // Two orgs: the one partner is the other org.
        let two = orgs[..2].to_vec();
        let story = Story::new(&two);
        assert_eq!(
            story.opening(0).body["partners"],
            json!([two[1].to_string()])
        );
    }

    #[test]
    fn peer_ids_are_shortened_to_their_end() {
        assert_eq!(
            short_peer_id("12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo"),
            "12D3…kSCVe2Xo"
        );
        assert_eq!(short_peer_id("short"), "short");
    }
}
