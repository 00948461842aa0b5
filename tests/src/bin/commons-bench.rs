//! `commons-bench`: the network's figures for `docs/benchmarks.md`, each measured on
//! real `commons node run` processes on loopback, beside its peer measured in the same
//! run. Run by hand, in release:
//!
//! ```text
//! cargo build --release -p commons-cli -p commons-tests
//! target/release/commons-bench [propagation|catchup|spread|all] [--records N] [--bulk] [--json]
//! target/release/commons-bench transfer [--files 32] [--file-mib 8]   # attachments, loopback
//! target/release/commons-bench link [--file-mib 20] [--kbit 2000]     # attachments, fault lab, as root
//! target/release/commons-bench alerts [--nodes 30] [--records 10] [--runs 1] [--publisher-cannot-gossip|--no-gossip]
//! ```
//!
//! - **propagation** (a): two founders' nodes, B dialing A. `--records` (default
//!   20,000) case studies of 1 KiB are published at A through its API by 64 clients at
//!   once, one per request (with `--bulk`: by 4 clients in batches of 256 through
//!   `POST /v1/publish/batch`); each is signed by A's publisher and gossiped; the
//!   figure is records durably stored at B per second, from the first publish to B
//!   holding the last. Peer: bare rust-libp2p gossipsub between two processes,
//!   anonymous messages with SHA-256 ids, the same count of 1 KiB messages
//!   (`gossip-baseline`).
//! - **catchup** (b): A holds an archive of `--records` (default 100,000) 1 KiB
//!   records of its own feed; a fresh founder's node B is started dialing A; the figure
//!   is records verified and stored at B per second, from B's start to B holding the
//!   whole feed. Peer: hypercore 11.37.1 replicating as many 1 KiB blocks into an empty
//!   core over TCP (`tests/hypercore`).
//! - **spread** (c): `commons devnet --nodes 20 --records R --json`, 20 founders each
//!   dialing 3 others; the p50 and p99 time from a publish to the last node storing it.
//! - **transfer** (attachments): two founders' nodes on loopback, B dialing A. `--files`
//!   (32) files of `--file-mib` (8) MiB of incompressible bytes are uploaded at A and
//!   published in one case study; the figure is bytes per second from B storing the
//!   case study (its fetches start then) to B holding every file whole (each fetched,
//!   checked chunk by chunk, fsynced and renamed).
//!   Peer, in the same run: `curl` downloading the same files in one run from
//!   `python3 -m http.server` on loopback into a directory on the same disk.
//! - **link** (attachments, the fault lab): two founders' nodes in network namespaces
//!   (`commons_tests::netns`, as root), A's outgoing link limited to `--kbit` (2,000)
//!   kbit/s by a token bucket (`tc … tbf`); one file of `--file-mib` (20) MiB published
//!   at A; the figure is the payload rate from the publish to B holding the file,
//!   against the link's rate.
//! - **alerts** (issue 12): `--nodes` founders' nodes in the fault lab on a ring (each
//!   dialing the next two), 150 ms each way on every link, 10 % of received packets
//!   dropped, sync every 30 s (the default); `--records` alerts raised one every 2 s at
//!   nodes spread over the ring; each node's `[[notify]]` command hook writes when it
//!   was told. Figure: publish call to each other node's hook, p50/p99/max, and the
//!   slowest node per alert. Goal: every alert everywhere within 5 s, p50 ≤ 1 s.
//!   `--publisher-cannot-gossip` raises every alert at node 0 with its
//!   `gossip_queue_len` at 0 (every publish `AllQueuesFull`); `--no-gossip` sets every
//!   node's to 0, so every alert travels by announcements and sync pulls alone.
//!
//! This is a measurement, not a test: it polls the nodes while they work.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use commons_node::api::contract::feeds::Feed;
use commons_node::api::contract::requests::{BatchItem, BatchRequest, PracticeRequest};
use commons_node::clock::now_ms;
use commons_node::config::ConfigFile;
use commons_node::data_dir::DataDir;
use commons_node::founding::{FounderDir, init_network};
use commons_tests::attachments::{blob_of, held_path, publish_with, upload};
use commons_tests::baseline::{
    BaselineRate, gossip_baseline_binary, gossipsub_rate, http_download, hypercore_dir,
    hypercore_rate,
};
use commons_tests::load::{head_position, sign_records, submit_all};
use commons_tests::netns::{Lab, LabOptions};
use commons_tests::{Api, CommonsBinary, TestNode, poll_for};
use serde_json::{Value, json};

/// Clients publishing at once in the propagation figure: enough that A's publisher
/// signs and commits in large groups.
const PUBLISHERS: usize = 64;
/// Clients publishing at once with `--bulk`, each sending batches of [`BULK_RECORDS`].
const BULK_CLIENTS: usize = 4;
/// Records per `POST /v1/publish/batch` with `--bulk`.
const BULK_RECORDS: u64 = 256;
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
    files: usize,
    file_mib: Option<usize>,
    kbit: u32,
    nodes: usize,
    runs: usize,
    gossip: Gossip,
    bulk: bool,
    json: bool,
}

fn options() -> Result<Options> {
    let mut options = Options {
        which: "all".to_owned(),
        records: None,
        files: 32,
        file_mib: None,
        kbit: 2_000,
        nodes: 30,
        runs: 1,
        gossip: Gossip::On,
        bulk: false,
        json: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--records" => {
                let value = args.next().context("--records needs a number")?;
                options.records = Some(value.parse().context("--records needs a number")?);
            }
            "--files" => {
                let value = args.next().context("--files needs a number")?;
                options.files = value.parse().context("--files needs a number")?;
            }
            "--file-mib" => {
                let value = args.next().context("--file-mib needs a number")?;
                options.file_mib = Some(value.parse().context("--file-mib needs a number")?);
            }
            "--no-gossip" => options.gossip = Gossip::Off,
            "--bulk" => options.bulk = true,
            "--publisher-cannot-gossip" => options.gossip = Gossip::NotFromPublisher,
            "--kbit" => {
                let value = args.next().context("--kbit needs a number")?;
                options.kbit = value.parse().context("--kbit needs a number")?;
            }
            "--json" => options.json = true,
            "propagation" | "catchup" | "spread" | "transfer" | "link" | "alerts" | "all" => {
                options.which = arg;
            }
            "--nodes" => {
                let value = args.next().context("--nodes needs a number")?;
                options.nodes = value.parse().context("--nodes needs a number")?;
            }
            "--runs" => {
                let value = args.next().context("--runs needs a number")?;
                options.runs = value.parse().context("--runs needs a number")?;
            }
            other => bail!(
                "unknown argument {other}: use propagation|catchup|spread|transfer|link|alerts|all, \
                 --nodes N, --runs N, \
                 --records N, --files N, --file-mib N, --kbit N, --json"
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
        figures.push(propagation(
            options.records.unwrap_or(20_000),
            options.bulk,
        )?);
    }
    if matches!(options.which.as_str(), "catchup" | "all") {
        figures.push(catchup(options.records.unwrap_or(100_000))?);
    }
    if matches!(options.which.as_str(), "spread" | "all") {
        figures.push(spread(options.records.unwrap_or(200))?);
    }
    if options.which == "transfer" {
        figures.push(transfer(options.files, options.file_mib.unwrap_or(8))?);
    }
    if options.which == "alerts" {
        for run in 1..=options.runs {
            eprintln!("alerts: run {run} of {}", options.runs);
            figures.push(alerts(
                options.nodes,
                options.records.unwrap_or(10) as usize,
                options.gossip,
            )?);
        }
    }
    if options.which == "link" {
        figures.push(link(options.file_mib.unwrap_or(20), options.kbit)?);
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
        .and_then(|reply| serde_json::from_value::<Vec<Feed>>(reply.body).ok())
        .and_then(|feeds| feeds.into_iter().find(|feed| feed.author == device))
        .map_or(0, |feed| feed.contiguous)
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
    let device = node.api().status().device;
    ensure!(!device.is_empty(), "the status names the device");
    Ok(device)
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
fn propagation(records: u64, bulk: bool) -> Result<Value> {
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
    let (clients, per_request) = if bulk {
        (BULK_CLIENTS, BULK_RECORDS)
    } else {
        (PUBLISHERS, 1)
    };
    std::thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| {
                loop {
                    let first = next.fetch_add(per_request, std::sync::atomic::Ordering::Relaxed);
                    if first >= records {
                        break;
                    }
                    let last = (first + per_request).min(records);
                    let ok = if bulk {
                        let records = (first..last)
                            .map(|n| {
                                BatchItem::Practice(PracticeRequest {
                                    title: format!("Case study {n}"),
                                    summary: "written by the commons-tests harness".to_owned(),
                                    body: body.clone(),
                                    themes: vec!["testing".to_owned()],
                                    visibility: Some("public".to_owned()),
                                    ..PracticeRequest::default()
                                })
                            })
                            .collect();
                        a.api()
                            .post("/v1/publish/batch", &BatchRequest { records })
                            .is_ok_and(|reply| {
                                reply.status == 200
                                    && reply.body["published"].as_u64() == Some(last - first)
                            })
                    } else {
                        a.api()
                            .publish_practice(&format!("Case study {first}"), &body)
                            .is_ok_and(|reply| reply.status == 201)
                    };
                    if !ok {
                        failures.fetch_add(last - first, std::sync::atomic::Ordering::Relaxed);
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
        "figure": if bulk {
            "(a) 2-node propagation, 1 KiB records published in batches of 256 (POST /v1/publish/batch) at A, durably stored at B"
        } else {
            "(a) 2-node propagation, 1 KiB records published one per request at A, durably stored at B"
        },
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

/// Incompressible bytes for file `seed` (xorshift), so no layer can shrink them.
fn file_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).max(1);
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// Attachments between two nodes on loopback, beside curl and a local HTTP server.
fn transfer(files: usize, file_mib: usize) -> Result<Value> {
    let temp = tempfile::tempdir()?;
    let mut nodes = founders(temp.path(), 2)?;
    start_pair(&mut nodes)?;
    let (a, b) = (&nodes[0], &nodes[1]);
    let served = temp.path().join("served");
    let downloaded = temp.path().join("downloaded");
    std::fs::create_dir_all(&served)?;
    std::fs::create_dir_all(&downloaded)?;
    let size = file_mib * 1024 * 1024;
    eprintln!("transfer: uploading {files} files of {file_mib} MiB at A");
    let mut names = Vec::new();
    let mut attachments = Vec::new();
    for n in 0..files {
        let bytes = file_bytes(size, n as u64 + 1);
        let name = format!("report-{n:02}.pdf");
        std::fs::write(served.join(&name), &bytes)?;
        attachments.push(upload(a.api(), &bytes, &name)?);
        names.push(name);
    }
    let held: Vec<std::path::PathBuf> = attachments
        .iter()
        .map(|attachment| Ok(held_path(b.data_dir(), &blob_of(attachment)?)))
        .collect::<Result<_>>()?;
    let total = (size * files) as u64;
    eprintln!("transfer: publishing them at A; B fetches them");
    let published_at = Instant::now();
    let id = publish_with(
        a.api(),
        "Reports of the tenants' assembly",
        "members",
        &attachments,
    )?;
    // B's fetch starts as it stores the case study (by gossip), and the clock with it.
    let path = format!("/v1/records/{id}");
    poll_for(DEADLINE, || {
        b.api()
            .get(&path)
            .is_ok_and(|reply| reply.status == 200)
            .then_some(())
    })
    .context("B holds the case study")?;
    let started = Instant::now();
    let record_seconds = published_at.elapsed().as_secs_f64();
    poll_for(DEADLINE, || {
        held.iter().all(|path| path.is_file()).then_some(())
    })
    .context("B fetched every file")?;
    let elapsed = started.elapsed().as_secs_f64();
    let rate = total as f64 / elapsed;
    for (path, name) in held.iter().zip(&names) {
        ensure!(
            std::fs::read(path)? == std::fs::read(served.join(name))?,
            "B's copy of {name} differs"
        );
    }
    let fetched = metric(b, "commons_blob_bytes_fetched_total");
    eprintln!(
        "transfer: {:.0} MB/s; now curl from python3 -m http.server",
        rate / 1e6
    );
    let peer = http_download(&served, &names, &downloaded)?;
    Ok(json!({
        "figure": "attachments: files published at A, fetched whole by B on loopback",
        "files": files,
        "file_bytes": size,
        "bytes": total,
        "seconds": elapsed,
        "bytes_per_second": rate,
        "record_reached_b_after_seconds": record_seconds,
        "b_bytes_fetched": fetched,
        "peer": "curl (one run, one connection) from python3 -m http.server on loopback, to disk",
        "peer_seconds": peer.seconds,
        "peer_bytes_per_second": peer.bytes_per_second,
        "ratio_to_peer": ratio(rate, peer.bytes_per_second),
        "goal_ratio_to_peer": 0.5,
    }))
}

/// Which nodes of the alerts lab may gossip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gossip {
    /// Every node.
    On,
    /// Every node but the one raising the alerts (node 0), whose queues hold nothing:
    /// gossip can carry the alerts only once a peer has pulled them.
    NotFromPublisher,
    /// None: the repair path alone.
    Off,
}

/// Where every lab node's notify hook appends one line per alert it is told of:
/// `<unix ns> <the node's pid> <event id>`. A fixed path: `LabOptions::tune` is a plain
/// `fn`, and the lab runs one at a time.
const ALERT_ARRIVALS: &str = "/tmp/commons-bench-alert-arrivals.log";

/// Alerts across the fault lab: `nodes` founders' nodes in network namespaces, each
/// dialing the next two on a ring (a sparse mesh), 150 ms added each way on every link,
/// 10 % of the packets each node receives dropped, the periodic sync at its default
/// (30 s). `alerts` alerts are raised in turn at nodes spread over the ring, one every
/// 2 s; each node's `[[notify]]` command hook (the real one) appends the time it was
/// told of each. The figure: for each alert and each other node, the time from the
/// start of the `commons publish alert` call to that node's hook.
fn alerts(nodes: usize, alerts: usize, gossip: Gossip) -> Result<Value> {
    if let Err(reason) = commons_tests::netns::preflight() {
        bail!("the fault lab cannot run here: {reason}");
    }
    let relay = std::env::current_exe()?
        .parent()
        .context("the bench's directory")?
        .join("commons-delay-relay");
    ensure!(
        relay.is_file(),
        "no {}: build it with `cargo build --release -p commons-tests`",
        relay.display()
    );
    let _ = std::fs::remove_file(ALERT_ARRIVALS);
    let mut options = LabOptions::new(nodes);
    options.dial = 2;
    options.sync_interval_secs = 30;
    options.latency = Some(Duration::from_millis(150));
    options.relay_binary = Some(relay);
    fn hook(config: &mut commons_node::config::ConfigFile) {
        config.notify = vec![commons_node::config::NotifyEntry {
            name: Some("bench".to_owned()),
            command: Some(vec![
                "/bin/sh".to_owned(),
                "-c".to_owned(),
                format!(
                    "printf '%s %s %s\\n' \"$(date +%s%N)\" \"$PPID\" \"$COMMONS_EVENT_ID\" >> {ALERT_ARRIVALS}"
                ),
            ]),
            url: None,
            timeout_secs: Some(5),
        }];
    }
    options.tune = match gossip {
        Gossip::On => |_, config| hook(config),
        // Node 0 raises every alert and can gossip none of them.
        Gossip::NotFromPublisher => |index, config| {
            hook(config);
            if index == 0 {
                config.gossip_queue_len = 0;
            }
        },
        // Every alert travels by announcements and sync pulls alone.
        Gossip::Off => |_, config| {
            hook(config);
            config.gossip_queue_len = 0;
        },
    };
    let mut lab = Lab::new(options);
    lab.start_all();
    eprintln!("alerts: waiting for the {nodes} nodes to hold every delegation");
    let converged = Instant::now();
    lab.wait_converged(
        &commons_tests::netns::Ledger::default(),
        Duration::from_secs(300),
        "alerts: start",
    );
    let pids: Vec<u32> = (0..nodes).filter_map(|index| lab.pid(index)).collect();
    ensure!(pids.len() == nodes, "every node runs");
    for index in 0..nodes {
        lab.packet_loss(index, 10);
    }
    eprintln!(
        "alerts: converged in {:.1} s; 10 % loss on; raising {alerts} alerts",
        converged.elapsed().as_secs_f64()
    );
    // (event id, raised at (ns), the raising node's pid)
    let mut raised: Vec<(String, u128, u32)> = Vec::new();
    for n in 0..alerts {
        let index = match gossip {
            Gossip::NotFromPublisher => 0,
            Gossip::On | Gossip::Off => (n * 7) % nodes,
        };
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let answer = lab
            .cli(
                index,
                &[
                    "publish",
                    "alert",
                    "--title",
                    &format!("Community radio raided, report {n}"),
                    "--region",
                    "Central America",
                    "--body",
                    "Police took the transmitter; two volunteers are held at the district station.",
                    "--action",
                    "Call the district prosecutor and ask where they are held",
                    "--severity",
                    "urgent",
                ],
            )
            .map_err(|failure| anyhow::anyhow!("raising alert {n} at node {index}: {failure}"))?;
        let id = answer["id"]
            .as_str()
            .with_context(|| format!("odd answer to the publish: {answer}"))?;
        raised.push((format!("alert:{id}"), started, pids[index]));
        std::thread::sleep(Duration::from_secs(2));
    }
    let expected = alerts * (nodes - 1);
    let arrivals = || -> Vec<(u128, u32, String)> {
        std::fs::read_to_string(ALERT_ARRIVALS)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let mut parts = line.split(' ');
                let at = parts.next()?.parse().ok()?;
                let pid = parts.next()?.parse().ok()?;
                Some((at, pid, parts.next()?.to_owned()))
            })
            .collect()
    };
    let waited = poll_for(Duration::from_secs(120), || {
        let seen = arrivals();
        let told = raised
            .iter()
            .map(|(event, _, by)| {
                seen.iter()
                    .filter(|(_, pid, id)| id == event && pid != by)
                    .map(|(_, pid, _)| *pid)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
            })
            .sum::<usize>();
        (told >= expected).then_some(())
    });
    let seen = arrivals();
    let mut latencies = Vec::new();
    let mut slowest_per_alert = Vec::new();
    let mut missing = 0usize;
    for (event, at, by) in &raised {
        let mut slowest = 0f64;
        for pid in pids.iter().filter(|pid| *pid != by) {
            match seen
                .iter()
                .filter(|(_, told, id)| id == event && told == pid)
                .map(|(when, _, _)| *when)
                .min()
            {
                Some(when) => {
                    let ms = when.saturating_sub(*at) as f64 / 1e6;
                    latencies.push(ms);
                    slowest = slowest.max(ms);
                }
                None => missing += 1,
            }
        }
        slowest_per_alert.push(slowest);
    }
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let _ = std::fs::remove_file(ALERT_ARRIVALS);
    Ok(json!({
        "figure": "alerts across the fault lab: publish call to each other node's notify hook",
        "nodes": nodes,
        "alerts": alerts,
        "topology": "ring, each node dialing the next 2",
        "latency_each_way_ms": 150,
        "loss_percent": 10,
        "sync_interval_secs": 30,
        "gossip": match gossip {
            Gossip::On => "on",
            Gossip::NotFromPublisher => "the publisher's off: node 0 raises every alert, its gossip queues hold 0 messages",
            Gossip::Off => "off: every node's gossip queues hold 0 messages",
        },
        "all_arrived": waited.is_some(),
        "missing_after_120_s": missing,
        "p50_ms": pick(0.5),
        "p99_ms": pick(0.99),
        "max_ms": latencies.last().copied().unwrap_or(f64::NAN),
        "slowest_node_per_alert_ms": slowest_per_alert,
        "goal": "every alert at every node within 5 s, p50 <= 1 s",
    }))
}

/// One file over a rate-limited link between two nodes of the fault lab.
fn link(file_mib: usize, kbit: u32) -> Result<Value> {
    if let Err(reason) = commons_tests::netns::preflight() {
        bail!("the fault lab cannot run here: {reason}");
    }
    let mut options = LabOptions::new(2);
    options.dial = 1;
    // The file is fetched as soon as its record arrives.
    options.tune = |_, config| config.auto_fetch_max_mb = 64;
    let mut lab = Lab::new(options);
    lab.start_all();
    let peer_b = lab.device(1).to_owned();
    poll_for(DEADLINE, || {
        let peers = lab.cli(0, &["peers"]).ok()?;
        peers
            .as_array()?
            .iter()
            .any(|peer| peer["device"] == peer_b.as_str() && peer["member"] == true)
            .then_some(())
    })
    .context("A and B connected")?;
    let size = file_mib * 1024 * 1024;
    let bytes = file_bytes(size, 99);
    let file = lab_file_path(&lab, "ruling.pdf");
    std::fs::write(&file, &bytes)?;
    // A sends at most `kbit` kbit/s from here on.
    lab.bandwidth(0, Some(kbit));
    eprintln!("link: publishing a {file_mib} MiB file at A over {kbit} kbit/s");
    let started = Instant::now();
    let published = lab
        .cli(
            0,
            &[
                "publish",
                "practice",
                "--title",
                "The tribunal ruling",
                "--summary",
                "The ruling on the river settlement, scanned.",
                "--body",
                "The ruling is attached.",
                "--attach",
                file.to_str().context("a UTF-8 path")?,
            ],
        )
        .map_err(|failure| anyhow::anyhow!("publishing at A failed: {failure:?}"))?;
    ensure!(
        published["id"].is_string(),
        "odd answer to the publish: {published}"
    );
    let blob = commons_protocol::blob::chunk_list_of(&bytes)
        .map_err(|error| anyhow::anyhow!("{error}"))?
        .root();
    let held = held_path(lab.data_dir(1), &blob);
    let link_seconds = (size * 8) as f64 / (f64::from(kbit) * 1000.0);
    poll_for(Duration::from_secs_f64(link_seconds * 3.0 + 60.0), || {
        held.is_file().then_some(())
    })
    .context("B fetched the file")?;
    let elapsed = started.elapsed().as_secs_f64();
    ensure!(std::fs::read(&held)? == bytes, "B's copy differs");
    let rate = (size * 8) as f64 / elapsed;
    let limit = f64::from(kbit) * 1000.0;
    Ok(json!({
        "figure": "attachments: one file over a rate-limited link (fault lab, tc tbf on A's egress)",
        "file_bytes": size,
        "seconds": elapsed,
        "bits_per_second": rate,
        "link_bits_per_second": limit,
        "seconds_at_link_rate": link_seconds,
        "ratio_to_link": rate / limit,
        "goal_ratio_to_link": 0.8,
    }))
}

/// A path for a file the lab's node `0` can read (its data dir's parent is the lab's
/// temporary directory).
fn lab_file_path(lab: &Lab, name: &str) -> std::path::PathBuf {
    lab.data_dir(0)
        .parent()
        .map_or_else(|| std::path::PathBuf::from(name), |dir| dir.join(name))
}
