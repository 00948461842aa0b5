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
    let out = tempfile::tempdir().unwrap();
    let archive = out.path().join("devnet.bundle");
    let output = commons()
        .args([
            "devnet",
            "--nodes",
            "3",
            "--records",
            "30",
            "--json",
            "--export",
        ])
        .arg(&archive)
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

    // Every kind of the sample content was published, and every node holds all of it.
    let by_kind = report["published_by_kind"].as_object().unwrap();
    for kind in [
        "practice",
        "campaign",
        "campaign-update",
        "alert",
        "alert-response",
    ] {
        assert!(by_kind[kind].as_u64().unwrap() >= 1, "{kind}: {report}");
    }
    assert_eq!(by_kind["alert"], 1, "{report}");
    assert_eq!(
        by_kind["alert-response"], 2,
        "the two other orgs answer: {report}"
    );
    assert_eq!(
        by_kind.values().map(|n| n.as_u64().unwrap()).sum::<u64>(),
        30
    );
    for node in nodes {
        assert_eq!(node["held_by_kind"], report["published_by_kind"], "{node}");
        // Per node: how fast its own records reached every node, and how fast the
        // others' reached it.
        for field in ["publish_to_everywhere_ms", "arrival_ms"] {
            let p50 = node[field]["p50"].as_f64().unwrap();
            let p99 = node[field]["p99"].as_f64().unwrap();
            assert!(p50 >= 0.0 && p50 <= p99, "{field}: {node}");
        }
        assert_eq!(node["publish_to_everywhere_ms"]["records"], 10, "{node}");
        assert_eq!(node["arrival_ms"]["records"], 20, "{node}");
        assert!(
            node["api"].as_str().unwrap().starts_with("127.0.0.1:"),
            "{node}"
        );
        assert_eq!(node["data_dir"], Value::Null, "removed: {node}");
    }

    // --export wrote the converged network's archive, which verifies offline, with no
    // node running, to the root hash the devnet printed.
    let export = &report["export"];
    assert_eq!(export["records"], 33, "{report}");
    assert_eq!(export["feeds"], 3, "{report}");
    let verify = commons()
        .args(["--json", "archive", "verify"])
        .arg(&archive)
        .output()
        .unwrap();
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    let verified: Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(verified["root_hash"], export["root_hash"], "{verified}");
    assert_eq!(verified["records"], 33, "{verified}");
    assert_eq!(verified["network"], report["network"], "{verified}");

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
    // Five records and two delegations on each node, one peer, then four latencies.
    for name in ["Housing Rights Coalition", "Tenants' Voice Alliance"] {
        let row = stdout.lines().find(|line| line.contains(name)).unwrap();
        let fields: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(fields[fields.len() - 6], "7", "{row}");
        assert_eq!(fields[fields.len() - 5], "1", "{row}");
        for latency in &fields[fields.len() - 4..] {
            assert!(latency.parse::<f64>().unwrap() >= 0.0, "{row}");
        }
    }
    assert!(stdout.contains("its records to all"), "{stdout}");
    assert!(stdout.contains("1 alert, 1 alert-response"), "{stdout}");
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

/// The lines a child writes, read on a thread so that the test can wait for one with a
/// deadline.
fn lines_of(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    received
}

/// `commons --data-dir DIR --json args…`, which must succeed.
fn json_at(dir: &Path, args: &[&str]) -> Value {
    let output = commons()
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn records(page: &Value) -> &Vec<Value> {
    page["records"].as_array().unwrap()
}

#[test]
fn a_devnet_kept_running_answers_the_cli_at_every_node_until_ctrl_c() {
    let mut child = commons()
        .args([
            "devnet",
            "--nodes",
            "3",
            "--records",
            "30",
            "--keep-running",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lines_of(child.stdout.take().unwrap());
    let stderr = lines_of(child.stderr.take().unwrap());

    // The report, then how to point the CLI at each node.
    let mut printed = Vec::new();
    loop {
        let line = stdout.recv_timeout(PROGRESS_DEADLINE).unwrap_or_else(|_| {
            let errors: Vec<String> = stderr.try_iter().collect();
            panic!("no CLI hints: {printed:#?}\n{errors:#?}")
        });
        printed.push(line.clone());
        if line.starts_with("Press Ctrl-C to stop every node") {
            break;
        }
    }
    let text = printed.join("\n");
    assert!(text.contains("Publish to last node: p50 "), "{text}");
    assert!(
        text.contains("The devnet keeps running. Point commons at any of its nodes"),
        "{text}"
    );
    let dirs: Vec<PathBuf> = printed
        .iter()
        .filter_map(|line| {
            line.trim()
                .strip_prefix("commons --data-dir ")?
                .strip_suffix(" status")
                .map(PathBuf::from)
        })
        .collect();
    assert_eq!(dirs.len(), 3, "{text}");
    for line in printed
        .iter()
        .filter(|line| line.trim().starts_with("api "))
    {
        assert!(line.contains("api 127.0.0.1:"), "{line}");
        assert!(line.contains(" peer 12D3KooW"), "{line}");
    }
    let devnet = dirs[0].parent().unwrap().to_owned();
    assert_eq!(processes_using(&devnet).len(), 3, "three nodes run");

    // The real binary, pointed at one node as the hint says.
    let status = commons()
        .arg("--data-dir")
        .arg(&dirs[1])
        .arg("status")
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&status.stdout);
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    assert!(human.starts_with("Commons node running"), "{human}");
    assert!(human.contains("Commons devnet (3 orgs)"), "{human}");
    assert!(
        human.contains("33 held"),
        "30 records and 3 delegations: {human}"
    );

    // The sample content, read back from a node: the coalition campaign names its two
    // partners, whose updates follow; the alert is answered by the two other orgs.
    let orgs: Vec<String> = dirs
        .iter()
        .map(|dir| {
            json_at(dir, &["status"])["org"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let node = &dirs[2];
    let campaigns = json_at(node, &["records", "list", "--kind", "campaign"]);
    let coalition = records(&campaigns)
        .iter()
        .find(|campaign| !records_of(&campaign["body"]["partners"]).is_empty())
        .unwrap_or_else(|| panic!("no campaign with partners: {campaigns:#}"));
    assert_eq!(coalition["org"], orgs[0].as_str());
    assert_eq!(
        records_of(&coalition["body"]["partners"]),
        vec![orgs[1].clone(), orgs[2].clone()]
    );
    let updates = json_at(
        node,
        &[
            "records",
            "list",
            "--kind",
            "campaign-update",
            "--limit",
            "1000",
        ],
    );
    let updaters: Vec<&str> = records(&updates)
        .iter()
        .filter(|update| update["body"]["campaign"] == coalition["id"])
        .map(|update| update["org"].as_str().unwrap())
        .collect();
    for partner in &orgs[1..] {
        assert!(
            updaters.contains(&partner.as_str()),
            "{partner}: {updates:#}"
        );
    }
    let alerts = json_at(node, &["records", "list", "--kind", "alert"]);
    assert_eq!(records(&alerts).len(), 1, "{alerts:#}");
    let alert = &records(&alerts)[0];
    assert_eq!(alert["body"]["severity"], "urgent");
    let responses = json_at(node, &["records", "list", "--kind", "alert-response"]);
    let mut responders: Vec<&str> = records(&responses)
        .iter()
        .filter(|response| response["body"]["alert"] == alert["id"])
        .map(|response| response["org"].as_str().unwrap())
        .collect();
    responders.sort_unstable();
    let mut others: Vec<&str> = orgs
        .iter()
        .map(String::as_str)
        .filter(|org| *org != alert["org"].as_str().unwrap())
        .collect();
    others.sort_unstable();
    assert_eq!(responders, others, "{responses:#}");
    let found = json_at(node, &["records", "search", "detained"]);
    assert_eq!(records(&found)[0]["id"], alert["id"], "{found:#}");

    // Ctrl-C: every node stops, the directory goes, and that is a normal end.
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let ended = child.wait().unwrap();
    let errors: Vec<String> = stderr.iter().collect();
    assert_eq!(ended.code(), Some(0), "{errors:#?}");
    assert!(
        errors.iter().any(|line| line.contains("stopping 3 nodes")),
        "{errors:#?}"
    );
    assert_eq!(processes_using(&devnet), Vec::<String>::new());
    assert!(!devnet.exists(), "{} is left behind", devnet.display());
}

/// The strings of a JSON array.
fn records_of(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
