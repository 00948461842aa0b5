//! `commons devnet` on the real binary: a small network of real node processes
//! converges and is measured, bad arguments are refused, and no node outlives the
//! devnet, even when it is interrupted.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::commons;
use serde_json::Value;

/// How long a devnet's progress may take to reach a given line.
const PROGRESS_DEADLINE: Duration = Duration::from_secs(120);

/// The temporary directory a devnet announced on standard error.
fn devnet_dir(stderr: &str) -> PathBuf {
    let line = stderr
        .lines()
        .find(|line| line.starts_with("devnet: founding a network"))
        .unwrap_or_else(|| panic!("no founding line in {stderr}"));
    PathBuf::from(line.rsplit_once(" in ").unwrap().1)
}

/// Processes whose command line mentions `dir`: the devnet's nodes, if any are left.
fn processes_using(dir: &Path) -> Vec<String> {
    let needle = dir.display().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&needle) {
            found.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    found
}

#[test]
fn three_nodes_converge_and_every_node_holds_every_record() {
    let output = commons()
        .args(["devnet", "--nodes", "3", "--records", "30", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");

    // Exactly one JSON object on standard output; progress went to standard error.
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert!(report.is_object(), "{stdout}");
    assert!(stderr.contains("devnet: publishing 30 records"), "{stderr}");

    assert_eq!(report["records_published"], 30);
    let nodes = report["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    for node in nodes {
        // The 30 records and the three devices' delegations.
        assert_eq!(node["records"], 33, "{node}");
        assert!(node["peers"].as_u64().unwrap() >= 1, "{node}");
        assert!(
            node["peer_id"].as_str().unwrap().starts_with("12D3KooW"),
            "{node}"
        );
        assert!(!node["name"].as_str().unwrap().is_empty(), "{node}");
    }
    let p50 = report["latency_ms"]["p50"].as_f64().unwrap();
    let p99 = report["latency_ms"]["p99"].as_f64().unwrap();
    assert!(p50 >= 0.0 && p50 <= p99, "{report}");

    // The nodes were stopped and their directory removed.
    let dir = devnet_dir(&stderr);
    assert!(!dir.exists(), "{} is left behind", dir.display());
    assert_eq!(processes_using(&dir), Vec::<String>::new());
}

#[test]
fn the_table_names_every_node_and_the_latencies() {
    let output = commons()
        .args(["devnet", "--nodes", "2", "--records", "5", "--dial", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Housing Rights Coalition"), "{stdout}");
    assert!(stdout.contains("Tenants' Voice Alliance"), "{stdout}");
    assert!(stdout.contains("Publish to last node: p50 "), "{stdout}");
    assert!(
        stdout.contains("include the 2 devices' delegations"),
        "{stdout}"
    );
    // Five records and two delegations on each node: the column before the peers.
    for name in ["Housing Rights Coalition", "Tenants' Voice Alliance"] {
        let row = stdout.lines().find(|line| line.contains(name)).unwrap();
        let fields: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(fields[fields.len() - 2], "7", "{row}");
        assert_eq!(fields[fields.len() - 1], "1", "{row}");
    }
    assert!(
        !stdout.contains("devnet:"),
        "progress belongs on standard error"
    );
}

#[test]
fn a_devnet_needs_at_least_two_nodes_and_one_record() {
    for args in [
        ["--nodes", "0", "--records", "10"],
        ["--nodes", "1", "--records", "10"],
        ["--nodes", "3", "--records", "0"],
        ["--nodes", "101", "--records", "10"],
    ] {
        let output = commons().arg("devnet").args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
        // clap names the flag, the value and the range it must be in.
        assert!(stderr.contains("invalid value"), "{args:?}: {stderr}");
        assert!(stderr.contains(" is not in "), "{args:?}: {stderr}");
    }
}

#[test]
fn an_interrupted_devnet_stops_its_nodes_and_removes_them() {
    let mut child = commons()
        .args(["devnet", "--nodes", "3", "--records", "100000"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    // Once every node is up, Ctrl-C.
    loop {
        let line = received.recv_timeout(PROGRESS_DEADLINE).unwrap();
        seen.push(line.clone());
        if line.starts_with("devnet: node 2 ") && line.contains("is up") {
            break;
        }
    }
    let dir = devnet_dir(&seen.join("\n"));
    assert_eq!(processes_using(&dir).len(), 3, "three nodes run");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = child.wait().unwrap();
    seen.extend(received.iter());
    let stderr = seen.join("\n");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(processes_using(&dir), Vec::<String>::new(), "{stderr}");
    assert!(!dir.exists(), "{} is left behind", dir.display());
}
