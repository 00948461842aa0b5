//! Reading records back, and the errors an operator meets on the way, on the real binary
//! against a real node: `commons records search` and `commons records show` with its
//! provenance; a node that is not running, a data dir that is not a node's, an API token
//! that does not match the running node's, and an unknown or malformed record id, each
//! saying what happened and what to do.
#![allow(clippy::unwrap_used)]

mod common;

use common::commons;
use common::running_node::{Node, Run, ids, text};
use tempfile::TempDir;

fn publish_practice(node: &Node, title: &str, body: &str, theme: &str) -> String {
    let published = node.json(&[
        "publish",
        "practice",
        "--title",
        title,
        "--summary",
        "",
        "--body",
        body,
        "--theme",
        theme,
        "--region",
        "East Africa",
    ]);
    text(&published, "/id").to_owned()
}

#[test]
fn records_are_searched_and_shown_with_their_provenance() {
    let node = Node::start();
    let surveys = publish_practice(
        &node,
        "Tenant-led surveys of eviction risk",
        "Volunteers mapped every household and took the map to the city.",
        "housing",
    );
    let paralegals = publish_practice(
        &node,
        "Paralegals at the district court",
        "Tenants answered their eviction notices in time.",
        "legal-aid",
    );
    let alert = node.json(&[
        "publish",
        "alert",
        "--title",
        "Housing defender detained",
        "--region",
        "Central America",
        "--body",
        "Held since the assembly, without a lawyer.",
        "--action",
        "Write to the regional prosecutor.",
        "--severity",
        "urgent",
    ]);
    let alert = text(&alert, "/id").to_owned();

    // Every word must begin a word of the record, in any case; newest first.
    let found = ids(&node.json(&["records", "search", "Evict"]));
    assert_eq!(found, vec![paralegals.clone(), surveys.clone()]);
    let found = ids(&node.json(&["records", "search", "eviction household"]));
    assert_eq!(found, vec![surveys.clone()]);
    let found = ids(&node.json(&["records", "search", "prosecutor", "--kind", "alert"]));
    assert_eq!(found, vec![alert.clone()]);
    let found = ids(&node.json(&["records", "search", "eviction", "--theme", "legal-aid"]));
    assert_eq!(found, vec![paralegals.clone()]);
    let found = ids(&node.json(&["records", "search", "eviction", "--limit", "1"]));
    assert_eq!(found, vec![paralegals.clone()]);

    // For people: the table, or a sentence when nothing matches.
    let table = node.run(&["records", "search", "eviction"]).ok();
    assert!(table.starts_with("TIME (UTC)"), "{table}");
    assert!(
        table.contains(&surveys) && table.contains(&paralegals),
        "{table}"
    );
    let none = node.run(&["records", "search", "fisheries"]).ok();
    assert!(
        none.starts_with("No record this node holds has every word of \"fisheries\""),
        "{none}"
    );

    // Show: the whole provenance, the signature verified again by the node.
    let shown = node.run(&["records", "show", &surveys]).ok();
    for expected in [
        format!("practice {surveys}\n"),
        "(Tenants' Voice Alliance, a member)".to_owned(),
        "(\"node\")".to_owned(),
        "delegated by rec_".to_owned(),
        "2 (after rec_".to_owned(),
        "signature   valid: verified again from the stored bytes at ".to_owned(),
        "retracted   no".to_owned(),
        "Tenant-led surveys of eviction risk".to_owned(),
        "Volunteers mapped every household".to_owned(),
    ] {
        // The label column is as wide as the longest label shown: compare with runs
        // of spaces collapsed.
        let flat = |text: &str| {
            text.split(' ')
                .filter(|word| !word.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(
            flat(&shown).contains(&flat(&expected)),
            "{expected:?} in:\n{shown}"
        );
    }
    let shown = node.json(&["records", "show", &surveys]);
    assert_eq!(shown["retracted"], false);
    assert_eq!(shown["provenance"]["signature"]["valid"], true, "{shown:#}");
    assert_eq!(
        text(&shown, "/provenance/org/name"),
        "Tenants' Voice Alliance"
    );
    assert_eq!(text(&shown, "/provenance/device/label"), "node");

    // Retracted: never found again, and shown as a tombstone with the reason.
    let retraction = node.json(&[
        "publish",
        "retract",
        "--target",
        &surveys,
        "--reason",
        "A resident withdrew consent",
    ]);
    let retraction = text(&retraction, "/id").to_owned();
    let found = ids(&node.json(&["records", "search", "eviction"]));
    assert_eq!(found, vec![paralegals.clone()]);
    assert!(ids(&node.json(&["records", "search", "household"])).is_empty());
    let shown = node.run(&["records", "show", &surveys]).ok();
    for expected in [
        format!("{surveys} was retracted by its org\n"),
        format!("retraction     {retraction}"),
        "reason         A resident withdrew consent".to_owned(),
        "its signature  valid".to_owned(),
        "(Tenants' Voice Alliance, a member)".to_owned(),
        "Its content is gone from this node".to_owned(),
    ] {
        assert!(shown.contains(&expected), "{expected:?} in:\n{shown}");
    }
    assert!(!shown.contains("Volunteers mapped"), "{shown}");
    let shown = node.json(&["records", "show", &surveys]);
    assert_eq!(shown["retracted"], true);
    assert_eq!(
        text(&shown, "/retraction_record/reason"),
        "A resident withdrew consent"
    );
}

#[test]
fn a_search_the_node_would_refuse_is_bad_usage() {
    let temp = TempDir::new().unwrap();
    let run = |args: &[&str]| Run::of(commons().arg("--data-dir").arg(temp.path()).args(args));
    let long = "word ".repeat(60);
    for (args, expected) in [
        (vec!["records", "search", "--", "--"], "no words"),
        (vec!["records", "search", long.as_str()], "at most 256"),
        (
            vec!["records", "search", "a b c d e f g h i j k l m n o p q"],
            "at most 16",
        ),
        (vec!["records", "search"], "<TEXT>"),
    ] {
        let run = run(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
        assert!(run.stderr.contains(expected), "{args:?}: {run:#?}");
    }
}

#[test]
fn a_node_that_is_not_running_is_named_with_the_command_to_start_it() {
    let mut node = Node::start();
    node.stop();
    let dir = node.dir().display().to_string();
    // Stopped cleanly: no API address left.
    let run = node.run(&["status"]);
    run.fails_with("the node is not running");
    assert!(
        run.stderr.contains(&format!(
            "start it with `commons node run --data-dir {dir}`"
        )),
        "{run:#?}"
    );

    // Killed without cleaning up: its address is left, and nothing answers there.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let stale = free.local_addr().unwrap();
    drop(free);
    std::fs::write(node.dir().join("api-address"), format!("{stale}\n")).unwrap();
    let run = node.run(&["records", "search", "eviction"]);
    run.fails_with(&format!(
        "the node is not running: nothing answers at {stale}"
    ));
    assert!(
        run.stderr
            .contains(&format!("`commons node run --data-dir {dir}`")),
        "{run:#?}"
    );
}

#[test]
fn a_wrong_data_dir_says_what_it_is_and_how_to_name_the_right_one() {
    let temp = TempDir::new().unwrap();
    let run_in =
        |dir: &std::path::Path| Run::of(commons().arg("--data-dir").arg(dir).arg("status"));

    // A directory that does not exist.
    let missing = temp.path().join("no-such-dir");
    let run = run_in(&missing);
    run.fails_with(&format!(
        "no Commons node here: the data dir {} (from --data-dir) does not exist",
        missing.display()
    ));
    for hint in [
        "commons init --org-name NAME",
        "--data-dir PATH",
        "COMMONS_DATA_DIR",
    ] {
        assert!(run.stderr.contains(hint), "{hint}: {run:#?}");
    }

    // A directory of something else, named by the environment variable.
    let other = temp.path().join("photos");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("march.jpg"), b"not a node").unwrap();
    let run = Run::of(commons().env("COMMONS_DATA_DIR", &other).arg("status"));
    run.fails_with(&format!(
        "no Commons node here: {} (from COMMONS_DATA_DIR) is not a Commons data dir",
        other.display()
    ));
    assert!(
        run.stderr.contains("commons init --org-name NAME"),
        "{run:#?}"
    );

    // A file.
    let file = other.join("march.jpg");
    run_in(&file).fails_with("is a file, not a data dir");

    // A node's data dir without its token: incomplete, restore it.
    let node_dir = temp.path().join("node");
    Run::of(commons().arg("--data-dir").arg(&node_dir).args([
        "init",
        "--org-name",
        "Rural Defenders Collective",
    ]))
    .ok();
    std::fs::remove_file(node_dir.join("api-token")).unwrap();
    let run = run_in(&node_dir);
    run.fails_with("is incomplete");
    assert!(run.stderr.contains("restore it from a backup"), "{run:#?}");
}

#[test]
fn a_token_that_does_not_match_the_running_node_says_which_node_and_what_to_do() {
    // Node A runs; data dir B was initialised separately, and its API address file names
    // the port A now runs on (B's node ran there once): B's token is not A's.
    let a = Node::start();
    let temp = TempDir::new().unwrap();
    let b = temp.path().join("b");
    Run::of(commons().arg("--data-dir").arg(&b).args([
        "init",
        "--org-name",
        "Urban Poor Federation",
    ]))
    .ok();
    let address = std::fs::read_to_string(a.dir().join("api-address")).unwrap();
    std::fs::write(b.join("api-address"), &address).unwrap();
    let run = Run::of(commons().arg("--data-dir").arg(&b).arg("status"));
    run.fails_with(&format!(
        "the node rejected the API token: the token in {} does not match the running node's \
         at {}",
        b.join("api-token").display(),
        address.trim()
    ));
    for hint in [
        "runs from another data dir".to_owned(),
        format!("`commons node run --data-dir {}`", b.display()),
    ] {
        assert!(run.stderr.contains(&hint), "{hint}: {run:#?}");
    }
    // A's own data dir still works.
    assert_eq!(a.json(&["status"])["records"], 1);
}

#[test]
fn an_unknown_or_malformed_record_id_says_how_to_find_ids() {
    let node = Node::start();
    let unknown = format!("rec_{}", "ab".repeat(32));
    let run = node.run(&["records", "show", &unknown]);
    run.fails_with(&format!("this node holds no record {unknown}"));
    for hint in [
        "commons sync",
        "commons records list",
        "commons records search",
    ] {
        assert!(run.stderr.contains(hint), "{hint}: {run:#?}");
    }
    node.run(&["--json", "records", "show", &unknown])
        .fails_with("commons records list");

    for malformed in ["rec_12ab", "org_1234", "12345"] {
        let run = node.run(&["records", "show", malformed]);
        assert_eq!(run.code, Some(2), "{malformed}: {run:#?}");
        assert!(run.stderr.contains("rec_"), "{malformed}: {run:#?}");
        assert!(
            run.stderr
                .contains("copy a record's id from `commons records list`"),
            "{malformed}: {run:#?}"
        );
    }
    let run = node.run(&["records", "show", "rec_12ab"]);
    assert!(run.stderr.contains("64 lowercase hex digits"), "{run:#?}");
}

/// `commons publish batch`: an import of 1,031 records from a JSON Lines file goes in
/// two requests; a record the node refuses is named by its line and the others are
/// published; a file with a bad line is refused whole before anything is sent.
#[test]
fn a_file_of_records_is_published_in_batches_and_a_refusal_names_its_line() {
    let node = Node::start();
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("import.jsonl");
    let mut lines = String::new();
    for n in 0..1030 {
        lines.push_str(&format!(
            "{{\"kind\": \"practice\", \"title\": \"Water committee minutes {n}\", \
             \"summary\": \"\", \"body\": \"Minutes of meeting {n}.\", \"themes\": [\"water\"]}}\n"
        ));
    }
    lines.push_str("\n{\"kind\": \"campaign\", \"title\": \" \", \"goals\": []}\n");
    std::fs::write(&file, &lines).unwrap();
    let run = node.run(&["publish", "batch", file.to_str().unwrap()]);
    run.fails_saying(&["1 of the 1031 records were refused", "publish them again"]);
    assert!(
        run.stdout.contains(&format!(
            "Published 1030 of the 1031 records in {}.",
            file.display()
        )),
        "{run:#?}"
    );
    assert!(run.stdout.contains("  line 1032: "), "{run:#?}");
    let found = ids(&node.json(&["records", "search", "minutes", "--limit", "3"]));
    assert_eq!(found.len(), 3);
    let status = node.json(&["status"]);
    let held = status["records"].as_u64().unwrap();
    assert_eq!(
        held,
        1 + 1030,
        "the delegation and the case studies: {status}"
    );

    // A line that is not JSON: nothing of the file is sent.
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"kind\": \"practice\", \"title\": \"Fine\", \"summary\": \"\", \"body\": \"\"}\nnot json\n",
    )
    .unwrap();
    node.run(&["publish", "batch", bad.to_str().unwrap()])
        .fails_with("line 2 of");
    assert_eq!(node.json(&["status"])["records"].as_u64().unwrap(), held);
}
