//! `commons-bench`: the network's figures for `docs/benchmarks.md`, each measured on
//! real `commons node run` processes on loopback, beside its peer measured in the same
//! run. Run by hand, in release:
//!
//! ```text
//! cargo build --release -p commons-cli -p commons-tests
//! target/release/commons-bench [propagation|catchup|spread|all] [--records N] [--json]
//! ```
//!
//! - **propagation** (a): two founders' nodes, B dialing A. `--records` (default
//!   20,000) case studies of 1 KiB are published at A through its API by 64 clients at
//!   once (each is signed by A's publisher and gossiped); the figure is records durably
//!   stored at B per second, from the first publish to B holding the last. Peer: bare
//!   rust-libp2p gossipsub between two processes, anonymous messages with SHA-256 ids,
//!   the same count of 1 KiB messages (`gossip-baseline`).
//! - **catchup** (b): A holds an archive of `--records` (default 100,000) 1 KiB
//!   records of its own feed; a fresh founder's node B is started dialing A; the figure
//!   is records verified and stored at B per second, from B's start to B holding the
//!   whole feed. Peer: hypercore 11.37.1 replicating as many 1 KiB blocks into an empty
//!   core over TCP (`tests/hypercore`).
//! - **spread** (c): `commons devnet --nodes 20 --records R --json`, 20 founders each
//!   dialing 3 others; the p50 and p99 time from a publish to the last node storing it.
//!
//! This is a measurement, not a test: it polls the nodes while they work.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use commons_node::config::ConfigFile;
use commons_node::data_dir::{DataDir, FounderDir, init_network};
use commons_node::publish::now_ms;
use commons_tests::baseline::{
    BaselineRate, gossip_baseline_binary, gossipsub_rate, hypercore_dir, hypercore_rate,
};
use commons_tests::load::{head_position, sign_records, submit_all};
use commons_tests::{Api, CommonsBinary, TestNode, poll_for};
use serde_json::{Value, json};

/// Clients publishing at once in the propagation figure: enough that A's publisher
/// signs and commits in large groups.
const PUBLISHERS: usize = 64;
/// Clients submitting the archive of the catch-up figure.
const ARCHIVE_WRITERS: usize = 64;
/// How long any one figure may take.
const DEADLINE: Duration = Duration::from_secs(600);
/// The size of the case studies' bodies in the propagation figure, so that each signed
/// record is about 1 KiB.
const BODY_BYTES: usize = 800;

struct Options {
    which: String,
    records: Option<u64>,
    json: bool,
}

fn options() -> Result<Options> {
    let mut options = Options {
        which: "all".to_owned(),
        records: None,
        json: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--records" => {
                let value = args.next().context("--records needs a number")?;
                options.records = Some(value.parse().context("--records needs a number")?);
            }
            "--json" => options.json = true,
            "propagation" | "catchup" | "spread" | "all" => options.which = arg,
            other => bail!(
                "unknown argument {other}: use propagation|catchup|spread|all, --records N, --json"
            ),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("commons-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let options = options()?;
    let mut figures = Vec::new();
    if matches!(options.which.as_str(), "propagation" | "all") {
        figures.push(propagation(options.records.unwrap_or(20_000))?);
    }
    if matches!(options.which.as_str(), "catchup" | "all") {
        figures.push(catchup(options.records.unwrap_or(100_000))?);
    }
    if matches!(options.which.as_str(), "spread" | "all") {
        figures.push(spread(options.records.unwrap_or(200))?);
    }
    if options.json {
        println!("{}", Value::Array(figures));
    } else {
        for figure in &figures {
            println!("{}", serde_json::to_string_pretty(figure)?);
        }
    }
    Ok(())
}

/// The data dirs of `count` founders of one network under `root`, each dialing the
/// previous one when started.
fn founders(root: &Path, count: usize) -> Result<Vec<TestNode>> {
    let names = ["Housing Rights Coalition", "Tenants' Voice Alliance"];
    let dirs: Vec<FounderDir> = (0..count)
        .map(|index| {
            let name = names.get(index).map_or_else(
                || format!("Member organisation {index}"),
                |n| (*n).to_owned(),
            );
            FounderDir {
                dir: DataDir::new(root.join(format!("node-{index}"))),
                config: ConfigFile::new(&name, "benchmark node"),
                org_name: name,
                device_label: "benchmark node".to_owned(),
            }
        })
        .collect();
    init_network(&dirs, "Benchmark network", now_ms())?;
    Ok((0..count)
        .map(|index| {
            TestNode::existing(
                root.join(format!("node-{index}")),
                root.join(format!("node-{index}.log")),
            )
        })
        .collect())
}

/// The contiguous head of `device`'s feed at the node behind `api`.
fn contiguous(api: &Api, device: &str) -> u64 {
    api.get("/v1/feeds")
        .ok()
        .and_then(|reply| match reply.body {
            Value::Array(feeds) => feeds.into_iter().find(|feed| feed["author"] == device),
            _ => None,
        })
        .and_then(|feed| feed["contiguous"].as_u64())
        .unwrap_or(0)
}

/// A Prometheus sample from the node's `/metrics`, if it has one by that name.
fn metric(node: &TestNode, name: &str) -> Option<f64> {
    let text = reqwest::blocking::Client::new()
        .get(format!("http://{}/metrics", node.api().addr()))
        .bearer_auth(node.token())
        .send()
        .ok()?
        .text()
        .ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
}

fn device_of(node: &TestNode) -> Result<String> {
    node.api().status()["device"]
        .as_str()
        .map(str::to_owned)
        .context("the status names the device")
}

/// Starts A, then B dialing A, and waits until each holds the other's delegation (the
/// hello has made them members to each other).
fn start_pair(nodes: &mut [TestNode]) -> Result<(String, String)> {
    let [a, b] = nodes else {
        bail!("two nodes expected");
    };
    a.run();
    let address = a
        .network_addresses()
        .into_iter()
        .next()
        .context("A wrote its network addresses")?;
    b.bootstrap(address);
    b.run();
    let (a_device, b_device) = (device_of(a)?, device_of(b)?);
    poll_for(DEADLINE, || {
        (contiguous(b.api(), &a_device) >= 1 && contiguous(a.api(), &b_device) >= 1).then_some(())
    })
    .context("A and B exchanged their delegations")?;
    Ok((a_device, b_device))
}

fn ratio(commons: f64, peer: f64) -> f64 {
    if peer > 0.0 { commons / peer } else { 0.0 }
}

/// (a) 2-node sustained propagation.
fn propagation(records: u64) -> Result<Value> {
    let temp = tempfile::tempdir()?;
    let mut nodes = founders(temp.path(), 2)?;
    let (a_device, _) = start_pair(&mut nodes)?;
    let (a, b) = (&nodes[0], &nodes[1]);
    let start_head = contiguous(b.api(), &a_device);
    let target = start_head + records;
    eprintln!("propagation: publishing {records} records of ~1 KiB at A");
    let body = "Residents mapped every household at risk of eviction. ".repeat(BODY_BYTES / 54);
    let started = Instant::now();
    let next = std::sync::atomic::AtomicU64::new(0);
    let failures = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..PUBLISHERS {
            scope.spawn(|| {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= records {
                        break;
                    }
                    let ok = a
                        .api()
                        .publish_practice(&format!("Case study {n}"), &body)
                        .is_ok_and(|reply| reply.status == 201);
                    if !ok {
                        failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let published_at = started.elapsed();
    let failed = failures.into_inner();
    ensure!(failed == 0, "{failed} publishes failed at A");
    poll_for(DEADLINE, || {
        (contiguous(b.api(), &a_device) >= target).then_some(())
    })
    .context("B stored every record A published")?;
    let elapsed = started.elapsed();
    let rate = records as f64 / elapsed.as_secs_f64();
    let by_gossip = metric(b, "commons_gossip_accepted_total");
    let by_sync = metric(b, "commons_sync_records_stored_total");
    eprintln!("propagation: {rate:.0} records/s; now the bare gossipsub baseline");
    let peer = gossipsub_rate(&gossip_baseline_binary()?, records)?;
    Ok(json!({
        "figure": "(a) 2-node propagation, 1 KiB records, published at A, durably stored at B",
        "records": records,
        "seconds": elapsed.as_secs_f64(),
        "records_per_second": rate,
        "published_per_second_at_a": records as f64 / published_at.as_secs_f64(),
        "b_stored_by_gossip": by_gossip,
        "b_stored_by_sync": by_sync,
        "goal_records_per_second": 10_000,
        "peer": "rust-libp2p 0.57 gossipsub, anonymous, SHA-256 ids, 2 processes",
        "peer_per_second": peer.per_second,
        "ratio_to_peer": ratio(rate, peer.per_second),
    }))
}

/// (b) A fresh node catching up an archive from one peer.
fn catchup(records: u64) -> Result<Value> {
    let temp = tempfile::tempdir()?;
    let mut nodes = founders(temp.path(), 2)?;
    let a = &mut nodes[0];
    a.run();
    let opened = DataDir::new(a.data_dir()).open()?;
    let a_device = device_of(a)?;
    eprintln!("catchup: writing an archive of {records} records of 1 KiB at A");
    let position = head_position(a.api(), &opened)?;
    let count = usize::try_from(records)?;
    let signed = sign_records(&opened, position, count)?;
    let failures = submit_all(a.api(), &signed, ARCHIVE_WRITERS);
    ensure!(
        failures.is_empty(),
        "writing the archive failed: {failures:?}"
    );
    drop(signed);
    let target = position.seq + records;
    ensure!(
        contiguous(a.api(), &a_device) == target,
        "A holds the archive"
    );
    let address = a
        .network_addresses()
        .into_iter()
        .next()
        .context("A wrote its network addresses")?;
    let b = &mut nodes[1];
    b.bootstrap(address);
    eprintln!("catchup: starting a fresh node B dialing A");
    let started = Instant::now();
    b.run();
    poll_for(DEADLINE, || {
        (contiguous(b.api(), &a_device) >= target).then_some(())
    })
    .context("B caught up the archive")?;
    let elapsed = started.elapsed();
    let rate = records as f64 / elapsed.as_secs_f64();
    eprintln!("catchup: {rate:.0} records/s; now hypercore");
    let peer: BaselineRate = hypercore_rate(&hypercore_dir(), records)?;
    Ok(json!({
        "figure": "(b) a fresh node catching up an archive of 1 KiB records from one peer, verified and stored",
        "records": records,
        "seconds": elapsed.as_secs_f64(),
        "records_per_second": rate,
        "goal_records_per_second": 20_000,
        "peer": "hypercore 11.37.1 replicating into an empty core over TCP, 2 processes",
        "peer_per_second": peer.per_second,
        "ratio_to_peer": ratio(rate, peer.per_second),
        "goal_ratio_to_peer": 5,
    }))
}

/// (c) 20 nodes in a sparse topology.
fn spread(records: u64) -> Result<Value> {
    eprintln!("spread: commons devnet --nodes 20 --records {records}");
    let started = Instant::now();
    let output = Command::new(CommonsBinary::path())
        .args([
            "devnet",
            "--nodes",
            "20",
            "--records",
            &records.to_string(),
            "--json",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("commons devnet runs")?;
    ensure!(
        output.status.success(),
        "commons devnet failed ({})",
        output.status
    );
    let report: Value = serde_json::from_slice(&output.stdout).context("devnet's JSON")?;
    Ok(json!({
        "figure": "(c) 20 nodes, each dialing 3 others: time from a publish to the last node storing it",
        "records": records,
        "latency_ms": report["latency_ms"],
        "wall_seconds": started.elapsed().as_secs_f64(),
        "nodes": report["nodes"].as_array().map(Vec::len),
    }))
}
