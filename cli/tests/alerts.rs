//! Who has seen an alert, on the real binary with real nodes over loopback: a network
//! of four founders, three of them running; one raises an alert, the two others answer
//! it with `commons publish respond` (one of them twice), the fourth is silent (its node
//! is not even running). `commons alerts list|show`, with and without `--json`, say
//! exactly that on the raiser's node, once the answers have arrived over the network.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::running_node::{Node, Patience, text, wait_for};
use commons_node::data_dir::DataDir;
use commons_node::founding::{FounderDir, init_network};
use serde_json::Value;

const NETWORK: Patience = Patience {
    deadline: Duration::from_secs(90),
    poll: Duration::from_millis(100),
    wait_through_failures: true,
};

const NAMES: [&str; 4] = [
    "Tenants' Voice Alliance",
    "Land Defenders Network",
    "Women and ESCR Collective",
    "Coastal Fishers' Union",
];

/// Four founders' data dirs of one new network, each with periodic sync every 2 s and
/// no Kademlia (the test dials the peers itself); answers their dirs and org ids.
fn four_founders(temp: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let dirs: Vec<PathBuf> = ["a", "b", "c", "d"].iter().map(|n| temp.join(n)).collect();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let founders: Vec<FounderDir> = dirs
        .iter()
        .zip(NAMES)
        .map(|(dir, name)| FounderDir::new(DataDir::new(dir), name))
        .collect();
    let report = init_network(
        &founders,
        "Housing and Land Rights Network",
        u64::try_from(now_ms).unwrap(),
    )
    .unwrap();
    let orgs = report
        .nodes
        .iter()
        .map(|node| node.org.to_string())
        .collect();
    for dir in &dirs {
        let mut config = OpenOptions::new()
            .append(true)
            .open(dir.join("config.toml"))
            .unwrap();
        writeln!(config, "\nsync_interval_secs = 2\nkademlia = false").unwrap();
    }
    (dirs, orgs)
}

fn state_of<'a>(shown: &'a Value, org: &str) -> &'a str {
    shown["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|each| each["org"] == org)
        .map_or("absent", |each| each["state"].as_str().unwrap())
}

#[test]
fn an_alert_shows_which_members_responded_and_which_have_not_yet() {
    let temp = tempfile::tempdir().unwrap();
    let (dirs, orgs) = four_founders(temp.path());
    let mut a = Node::run_on(&dirs[0], &[]);
    let b = Node::run_on(&dirs[1], &[a.network_address()]);
    let c = Node::run_on(&dirs[2], &[a.network_address()]);

    let raised = a.json(&[
        "publish",
        "alert",
        "--title",
        "Community radio host detained",
        "--region",
        "Coastal district",
        "--body",
        "Taken from the station after a programme on land titles.",
        "--action",
        "Call the district police commander and ask where she is held.",
        "--severity",
        "critical",
    ]);
    let alert = text(&raised, "/id").to_owned();

    // Before anyone answers: three orgs asked, none has responded.
    let shown = a.json(&["alerts", "show", &alert]);
    assert_eq!(shown["counts"]["asked"], 3, "{shown:#}");
    assert_eq!(shown["counts"]["not_yet"], 3, "{shown:#}");

    for (node, answers) in [
        (
            &b,
            vec![("shared", ""), ("acting", "We wrote to the commander.")],
        ),
        // `seen` is the word people use for `acknowledged`.
        (&c, vec![("seen", "")]),
    ] {
        // The answering node must hold the alert first (gossip or sync).
        wait_for(
            &format!("the alert to reach {}", node.dir().display()),
            NETWORK.deadline,
            || node.run(&["--json", "records", "show", &alert]).code == Some(0),
        );
        for (response, note) in answers {
            let mut args = vec![
                "publish",
                "respond",
                "--alert",
                &alert,
                "--response",
                response,
            ];
            if !note.is_empty() {
                args.extend(["--note", note]);
            }
            node.json(&args);
        }
    }

    let shown = a.wait_for_json(
        "both answers to reach the raiser",
        NETWORK,
        &["alerts", "show", &alert],
        |shown| shown["counts"]["responded"] == 2 && shown["counts"]["acting"] == 1,
    );
    assert_eq!(
        shown["counts"],
        serde_json::json!({"acknowledged": 1, "acting": 1, "shared": 0, "not_yet": 1,
                           "responded": 2, "asked": 3}),
        "{shown:#}"
    );
    assert_eq!(
        state_of(&shown, &orgs[0]),
        "absent",
        "the raiser is not asked"
    );
    assert_eq!(state_of(&shown, &orgs[1]), "acting");
    assert_eq!(state_of(&shown, &orgs[2]), "acknowledged");
    assert_eq!(state_of(&shown, &orgs[3]), "not_yet");

    // For people: who responded, with the note, and who has not yet.
    let human = a.run(&["alerts", "show", &alert]).ok();
    assert!(
        human.contains("2 of 3 member orgs have responded: 1 seen, 1 acting, 0 shared; 1 not yet."),
        "{human}"
    );
    let (responded, waiting) = human.split_once("Not yet:").unwrap();
    assert!(
        responded.contains(NAMES[1]) && responded.contains("We wrote to the commander."),
        "{human}"
    );
    assert!(responded.contains(NAMES[2]), "{human}");
    assert!(
        waiting.contains(NAMES[3]) && !waiting.contains(NAMES[1]),
        "{human}"
    );

    // The list: the alert with its count, and on an answering node its own answer.
    let listed = a.json(&["alerts", "list"]);
    assert_eq!(listed["alerts"][0]["id"], alert.as_str());
    assert_eq!(listed["alerts"][0]["counts"]["responded"], 2);
    let table = a.run(&["alerts", "list"]).ok();
    assert!(
        table.contains(" 2/3 ") && table.contains(" raised "),
        "{table}"
    );
    let at_b = b.json(&["alerts", "list"]);
    assert_eq!(at_b["alerts"][0]["our_state"], "acting", "{at_b:#}");

    // A malformed id is bad usage; a record that is not an alert says what it is.
    let malformed = b.run(&["alerts", "show", "rec_nothex"]);
    assert_eq!(malformed.code, Some(2), "{malformed:#?}");
    let response = text(
        &b.json(&["records", "list", "--kind", "alert-response"]),
        "/records/0/id",
    )
    .to_owned();
    b.run(&["alerts", "show", &response])
        .fails_saying(&["not an alert", "commons alerts list"]);
}
