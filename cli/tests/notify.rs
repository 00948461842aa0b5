//! Notifications on the real binary: two founders' nodes over loopback, the second with
//! a `[[notify]]` command hook in its config.toml. An alert raised at the first runs the
//! hook once at the second; the second is stopped (SIGTERM), another alert is raised,
//! and once restarted it runs the hook for that one only. `commons status` shows what
//! the hooks did; a hook that cannot be used stops the node at start with a message.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use common::running_node::{Node, Patience, at, text, two_founders, wait_for};
use serde_json::Value;

const NETWORK: Patience = Patience {
    deadline: Duration::from_secs(90),
    poll: Duration::from_millis(100),
    wait_through_failures: true,
};

fn append(dir: &Path, text: &str) {
    let mut config = OpenOptions::new()
        .append(true)
        .open(dir.join("config.toml"))
        .unwrap();
    writeln!(config, "{text}").unwrap();
}

/// The ids of the events the hook wrote to `log`, one JSON object a line.
fn logged(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let event: Value = serde_json::from_str(line).unwrap();
            event["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn raise(node: &Node, title: &str) -> String {
    let raised = node.json(&[
        "publish",
        "alert",
        "--title",
        title,
        "--region",
        "River delta",
        "--body",
        "Bulldozers arrived at dawn with no court order.",
        "--action",
        "Call the governor's office and ask for the order to be shown.",
        "--severity",
        "urgent",
    ]);
    text(&raised, "/id").to_owned()
}

#[test]
fn an_alert_runs_the_hook_once_even_across_a_restart_and_status_shows_it() {
    let temp = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = two_founders(temp.path(), "Housing and Land Rights Network");
    let log = temp.path().join("hook.log");
    for dir in [&dir_a, &dir_b] {
        append(dir, "\nsync_interval_secs = 2\nkademlia = false");
    }
    append(
        &dir_b,
        &format!(
            "\n[[notify]]\nname = \"duty-log\"\ncommand = [\"sh\", \"-c\", \"cat >> '{0}'; echo >> '{0}'\"]\ntimeout_secs = 5",
            log.display()
        ),
    );
    let a = Node::run_on(&dir_a, &[]);
    let mut b = Node::run_on(&dir_b, &[a.network_address()]);

    let first = raise(&a, "Eviction under way in the river delta");
    wait_for(
        "B's hook to run for the first alert",
        NETWORK.deadline,
        || logged(&log) == [format!("alert:{first}")],
    );
    let status = b.wait_for_json(
        "B's status to count the delivery",
        NETWORK,
        &["status"],
        |status| status["notify"]["delivered"] == 1,
    );
    assert_eq!(status["notify"]["hooks"], 1, "{status:#}");
    assert_eq!(status["notify"]["failures"], 0, "{status:#}");
    let human = b.run(&["status"]).ok();
    assert!(
        human.contains("notify    1 hooks: 1 notified, 0 waiting, 0 failed attempts"),
        "{human}"
    );

    b.stop();
    let second = raise(&a, "Second settlement threatened");
    let mut b = Node::run_on(&dir_b, &[a.network_address()]);
    wait_for(
        "B's hook to run for the alert raised while it was stopped",
        NETWORK.deadline,
        || logged(&log).len() >= 2,
    );
    // A third alert bounds anything else still on its way.
    let third = raise(&a, "Third call");
    wait_for(
        "B's hook to run for the third alert",
        NETWORK.deadline,
        || logged(&log).len() >= 3,
    );
    assert_eq!(
        logged(&log),
        [first, second, third]
            .iter()
            .map(|id| format!("alert:{id}"))
            .collect::<Vec<_>>(),
        "each alert once, the first not again after the restart"
    );
    b.assert_running();
    drop(a);

    // A hook that cannot be used: the node says which entry and why, and does not start.
    append(
        &dir_b,
        "\n[[notify]]\nurl = \"ftp://chat.example.org/hook\"",
    );
    drop(b);
    at(
        &dir_b,
        &[
            "node",
            "run",
            "--api-listen",
            "127.0.0.1:0",
            "--web-listen",
            "127.0.0.1:0",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--no-mdns",
        ],
    )
    .fails_saying(&["[[notify]] entry 2", "http:// or https://"]);
}
