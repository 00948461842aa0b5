//! `commons devnet`: a whole network on this machine, to watch every step of a record's
//! path at once. It founds one network of N orgs (`init_network`) in a temporary
//! directory, runs each org's node as a child process (`commons node run`, each dialing
//! a few earlier nodes), publishes sample content round-robin through the nodes' control
//! APIs (a coalition campaign with its partners' updates, an urgent alert and the other
//! orgs' answers, case studies, more campaigns), and times each record from the start of
//! its publish call until each node's `/v1/events` stream announces it. Then it reports,
//! and stops every node and removes the directory; with `--keep-running` it first keeps
//! the network up, telling how to point `commons` at each node, until Ctrl-C.
//!
//! [`devnet`] runs these steps in order, one file each:
//!
//! | step | where |
//! |---|---|
//! | 1. arguments, checked; who dials whom | [`DevnetArgs`]; `plan.rs`: [`Plan`], [`dial_targets`](plan::dial_targets) |
//! | 2. found the network: the orgs, their configs, a temporary directory | `found.rs`: [`found_network`] |
//! | 3. start the nodes as child processes, never left behind; wait until they are ready | `nodes.rs`: [`start_nodes`], [`wait_until_ready`]; `children.rs`: [`Children`] |
//! | 4. subscribe to each node's event stream | `events.rs`: [`subscribe`], `EventParser` |
//! | 5. publish, round-robin, timing each call; what is published | `publish.rs`: [`publish()`]; `story.rs`: [`Story`](story::Story), [`sample`](story::sample) |
//! | 6. wait for convergence, and the traffic it took | `converge.rs`: [`converge()`] |
//! | 7. latency, per node too | `measure.rs`: [`Outcome`], [`node_outcomes`] |
//! | 8. export the archive (`--export`) | `export.rs`: [`export_network`] |
//! | 9. the report, and how to reach each node | `report.rs`: [`Outcome::table`], [`Outcome::json`], [`print_hints`](report::print_hints) |
//! | 10. keep it running (`--keep-running`), then stop | `stop.rs`: [`keep_running`], [`stop()`], [`watch_signals`](stop::watch_signals) |
//!
//! Shared by the steps: [`progress`] lines and [`wait_for`].

mod children;
mod converge;
mod events;
mod export;
mod found;
mod measure;
mod nodes;
mod plan;
mod publish;
mod report;
mod stop;
mod story;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use self::children::Children;
use self::converge::converge;
use self::events::subscribe;
use self::export::export_network;
use self::found::found_network;
use self::measure::{Outcome, node_outcomes};
use self::nodes::{Node, start_nodes, wait_until_ready};
use self::plan::Plan;
use self::publish::publish;
use self::stop::{keep_running, stop};
use crate::GlobalArgs;
use crate::client::print_json;

/// The most nodes a devnet runs: each is a process with its own store.
const MAX_NODES: u32 = 100;
/// The most records a devnet publishes.
const MAX_RECORDS: u32 = 100_000;
/// The most earlier nodes a node dials.
const MAX_DIAL: u32 = 32;
/// How many earlier nodes each node dials, and its `target_peers`, by default.
const DEFAULT_DIAL: u32 = 3;

/// The pause between two looks at something being waited for.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// The pause between two rounds of `GET /v1/status` while waiting.
const STATUS_INTERVAL: Duration = Duration::from_millis(250);

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
    stop::watch_signals(&runtime, interrupted.clone())?;

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
                report::print_hints(global.json, nodes, &plan);
            }
            Ok(())
        },
    )
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
    let founded = found_network(plan)?;
    // Declared after `founded`, so dropped before it: the nodes stop before their
    // directories are removed, whichever way this function returns.
    let mut children = Children::default();
    let nodes = start_nodes(plan, &founded.founders, &mut children, interrupted)?;
    let clients = nodes
        .iter()
        .map(Node::client)
        .collect::<anyhow::Result<Vec<_>>>()?;
    wait_until_ready(plan, &nodes, &clients, &mut children, interrupted)?;
    let observed = subscribe(runtime, &nodes, &clients, interrupted)?;
    let published = publish(plan, &nodes, &clients, &founded.orgs, interrupted)?;
    let converged = converge(
        plan,
        &nodes,
        &clients,
        &published,
        &observed,
        &mut children,
        interrupted,
    )?;
    let measured = node_outcomes(plan, &nodes, &clients, &published, &observed, &converged);
    let exported = export_network(export, &clients[0])?;
    let outcome = Outcome::new(
        founded.network,
        measured,
        &published,
        &observed,
        converged,
        exported,
        started,
    );
    report(&outcome, &nodes)?;
    if plan.keep_running {
        keep_running(&mut children, interrupted);
    }
    stop(plan, children, founded.temp)
}

/// A progress line, on standard error so that `--json` output stays clean.
fn progress(line: &str) {
    eprintln!("devnet: {line}");
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
