//! `commons-measure`: the node's resource figures for `docs/benchmarks.md`, measured on
//! the real `commons` binary through its control API. Run by hand, in release:
//!
//! ```text
//! cargo run --release -p commons-tests --bin commons-measure -- [--records N]
//!     [--concurrency N] [--reopens N] [--idle-seconds N]
//! ```
//!
//! 1. Idle: a fresh node (`commons init`, `commons node run`) is left alone for a few
//!    seconds; its resident memory (`VmRSS` in `/proc/PID/status`) is read.
//! 2. Load: the node's own device continues its feed with `--records` case studies of
//!    1 KiB (signed bytes), signed here with the device key from the data dir and
//!    submitted through `POST /v1/records` by `--concurrency` clients, in seq order
//!    (a client takes the next record when its previous one is answered). The rate is
//!    records stored per second; resident memory is read after the load, and its peak.
//! 3. Reopen: the loaded node is killed with SIGKILL and started again `--reopens`
//!    times; each time, the time from spawning `commons node run` until
//!    `GET /v1/status` answers 200 (probed every millisecond); then as many times again,
//!    killed 150 ms into writing 2,000 more records, so a commit is cut short.
//!
//! For comparison in the same run, the single-core rate of `validate_record` on the
//! same records: the signature check that bounds ingest.
//!
//! This is a measurement, not a test: it sleeps to let the node settle.

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use commons_node::data_dir::DataDir;
use commons_protocol::validate_record;
use commons_tests::load::{head_position, sign_records, submit_all};
use commons_tests::{Api, CommonsBinary, TestNode, resident_memory};

/// How often resident memory is sampled while the node settles.
const SAMPLE_INTERVAL: Duration = Duration::from_millis(250);
/// How often a restarting node is probed.
const PROBE_INTERVAL: Duration = Duration::from_millis(1);
/// Records being submitted at each kill of the "during writes" reopens.
const RECORDS_PER_KILL_DURING_WRITES: usize = 2_000;
/// How long those records are written before the kill.
const WRITING_BEFORE_KILL: Duration = Duration::from_millis(150);
/// Records validated on one core for the comparison figure.
const VALIDATE_SAMPLE: usize = 20_000;

#[derive(Debug)]
struct Options {
    records: usize,
    concurrency: usize,
    reopens: usize,
    idle: Duration,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Options> {
        let mut options = Options {
            records: 100_000,
            concurrency: 64,
            reopens: 5,
            idle: Duration::from_secs(5),
        };
        while let Some(flag) = args.next() {
            let value = args
                .next()
                .with_context(|| format!("{flag} needs a value"))?;
            let number: u64 = value
                .parse()
                .with_context(|| format!("{flag} takes a whole number, not {value:?}"))?;
            match flag.as_str() {
                "--records" => options.records = usize::try_from(number)?,
                "--concurrency" => options.concurrency = usize::try_from(number)?.max(1),
                "--reopens" => options.reopens = usize::try_from(number)?,
                "--idle-seconds" => options.idle = Duration::from_secs(number),
                other => bail!(
                    "unknown option {other}: use --records, --concurrency, --reopens, --idle-seconds"
                ),
            }
        }
        Ok(options)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Resident memory of a node that was left alone for a while.
#[derive(Debug, Clone, Copy)]
struct Memory {
    /// `VmRSS` at the end.
    rss: u64,
    /// `VmHWM`: the peak since the process started.
    peak: u64,
}

fn settle(node: &TestNode, idle: Duration) -> Result<Memory> {
    let pid = node.pid();
    let end = Instant::now() + idle;
    let mut memory = None;
    while memory.is_none() || Instant::now() < end {
        thread::sleep(SAMPLE_INTERVAL);
        let (rss, peak) = resident_memory(pid).context("reading /proc/PID/status")?;
        memory = Some(Memory { rss, peak });
    }
    memory.context("no sample")
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores, {cpu}")
}

fn check_whole(api: &Api, device: &str, expected_records: u64) -> Result<()> {
    let status = api.status();
    ensure!(
        status.records == expected_records,
        "the node holds {} records, not {expected_records}",
        status.records
    );
    let feed = api.feed_of(device).context("own feed listed")?;
    ensure!(
        feed.contiguous == feed.max_seq && feed.max_seq == expected_records && !feed.frozen,
        "the node's feed is not whole: {feed:?}"
    );
    Ok(())
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn run() -> Result<()> {
    let options = Options::parse(std::env::args().skip(1))?;
    println!("machine: {}", machine());
    println!("binary: {}", CommonsBinary::path().display());
    println!("options: {options:?}");

    // 1. Idle.
    let mut node = TestNode::start();
    let idle = settle(&node, options.idle)?;
    println!(
        "idle: VmRSS {:.1} MB (peak {:.1} MB) after {:?}",
        mb(idle.rss),
        mb(idle.peak),
        options.idle
    );

    // 2. Load.
    let opened = DataDir::new(node.data_dir())
        .open()
        .context("opening the node's data dir")?;
    let device = opened.device().public().to_string();
    let api = node.api().clone();
    let position = head_position(&api, &opened)?;
    let extra = options.reopens * RECORDS_PER_KILL_DURING_WRITES;
    let signing = Instant::now();
    let mut records = sign_records(&opened, position, options.records + extra)?;
    let signing = signing.elapsed();
    // Written after the load, while the node is killed.
    let during_kills: Vec<Vec<u8>> = records.split_off(options.records);
    let sizes = (
        records.iter().map(Vec::len).min().unwrap_or(0),
        records.iter().map(Vec::len).max().unwrap_or(0),
    );
    println!(
        "signed {} records of {}..={} bytes in {:.2} s ({:.0}/s, one core)",
        records.len() + extra,
        sizes.0,
        sizes.1,
        signing.as_secs_f64(),
        (records.len() + extra) as f64 / signing.as_secs_f64()
    );

    let sample = &records[..records.len().min(VALIDATE_SAMPLE)];
    let validating = Instant::now();
    for bytes in sample {
        validate_record(bytes, &opened.network())
            .map_err(|error| anyhow::anyhow!("a signed record does not validate: {error}"))?;
    }
    let validate_rate = sample.len() as f64 / validating.elapsed().as_secs_f64();
    println!("validate_record on one core: {validate_rate:.0}/s (the limit of ingest per core)");

    let loading = Instant::now();
    let failures = submit_all(&api, &records, options.concurrency);
    let loading = loading.elapsed();
    ensure!(
        failures.is_empty(),
        "{} submissions failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    let load_rate = records.len() as f64 / loading.as_secs_f64();
    println!(
        "load: {} records through POST /v1/records, {} clients, in {:.2} s: {load_rate:.0} records/s",
        records.len(),
        options.concurrency,
        loading.as_secs_f64()
    );
    let held = position.seq + records.len() as u64;
    check_whole(&api, &device, held)?;
    let loaded = settle(&node, options.idle)?;
    let store_bytes = api.status().store_bytes;
    println!(
        "loaded: VmRSS {:.1} MB, peak during the load {:.1} MB, store {:.1} MB on disk",
        mb(loaded.rss),
        mb(loaded.peak),
        mb(store_bytes)
    );

    // 3. Reopen after SIGKILL.
    let mut reopens = Vec::new();
    for _ in 0..options.reopens {
        node.kill();
        let started = node.spawn();
        let ready = node.wait_ready_every(started, PROBE_INTERVAL);
        check_whole(node.api(), &device, held)?;
        println!("reopen after SIGKILL: {:.1} ms", ready.as_secs_f64() * 1e3);
        reopens.push(ready);
    }
    // The same, killed while records are being written: the last commit is cut short.
    let mut reopens_during_writes = Vec::new();
    for batch in during_kills.chunks(RECORDS_PER_KILL_DURING_WRITES) {
        let api = node.api().clone();
        thread::scope(|scope| {
            // Answers stop when the node dies: those failures are expected.
            scope.spawn(|| submit_all(&api, batch, options.concurrency));
            thread::sleep(WRITING_BEFORE_KILL);
            node.kill();
        });
        let started = node.spawn();
        let ready = node.wait_ready_every(started, PROBE_INTERVAL);
        let records = node.api().status().records;
        ensure!(records >= held, "records were lost: {records} < {held}");
        println!(
            "reopen after SIGKILL during writes: {:.1} ms ({records} records held)",
            ready.as_secs_f64() * 1e3
        );
        reopens_during_writes.push(ready);
    }
    let reopened = settle(&node, options.idle)?;
    println!("reopened: VmRSS {:.1} MB when idle", mb(reopened.rss));
    let exit = node.terminate();
    ensure!(exit.success(), "the node exited with {exit} on SIGTERM");

    let reopen = median(&mut reopens);
    let reopen_during_writes = median(&mut reopens_during_writes);
    println!();
    println!("| figure | measured | goal |");
    println!("|---|---|---|");
    println!("| idle VmRSS | {:.1} MB | ≤ 40 MB |", mb(idle.rss));
    println!(
        "| VmRSS holding {} records, idle after the load | {:.1} MB | ≤ 150 MB |",
        held,
        mb(loaded.rss)
    );
    println!(
        "| peak VmRSS during the load | {:.1} MB | |",
        mb(loaded.peak)
    );
    println!(
        "| VmRSS holding ≥ {held} records, idle after the last reopen | {:.1} MB | |",
        mb(reopened.rss)
    );
    println!(
        "| load through `POST /v1/records`, {} clients | {load_rate:.0} records/s | |",
        options.concurrency
    );
    println!("| `validate_record`, one core, same records | {validate_rate:.0} /s | |");
    println!(
        "| reopen after SIGKILL to `GET /v1/status` 200 (median of {}) | {:.0} ms | ≤ 1 s |",
        reopens.len(),
        reopen.as_secs_f64() * 1e3
    );
    println!(
        "| reopen after SIGKILL during writes (median of {}) | {:.0} ms | ≤ 1 s |",
        reopens_during_writes.len(),
        reopen_during_writes.as_secs_f64() * 1e3
    );
    println!(
        "| store on disk after the load | {:.1} MB | |",
        mb(store_bytes)
    );
    Ok(())
}
