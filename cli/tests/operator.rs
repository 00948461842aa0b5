//! The operator's commands on the real binary against a real node: `commons init`, then
//! `commons node run --api-listen 127.0.0.1:0` in the background, then `status`,
//! `publish …` and `records …` over the control API, each test with its own data dir.
#![allow(clippy::unwrap_used)]

mod common;

use common::commons;
use common::running_node::{Node, Run, ids, text};
use tempfile::TempDir;

#[test]
fn records_are_published_listed_shown_and_retracted() {
    let mut node = Node::start();

    // A case study with themes, members-only by default.
    let published = node.json(&[
        "publish",
        "practice",
        "--title",
        "Mapping eviction risk with tenant-led surveys",
        "--summary",
        "Residents surveyed their own settlement and used the map to negotiate.",
        "--body",
        "## Context\n\nThree settlements faced demolition.",
        "--theme",
        "housing",
        "--theme",
        "participatory-documentation",
        "--region",
        "Southeast Asia",
    ]);
    let practice = text(&published, "/id").to_owned();
    assert!(practice.starts_with("rec_"), "{published}");
    assert!(published["seq"].as_u64().unwrap() >= 2, "{published}");

    // A second one, public, in human output: the id and seq are printed.
    let stdout = node
        .run(&[
            "publish",
            "practice",
            "--title",
            "Land titles through community paralegals",
            "--summary",
            "Paralegals helped farmers register their land.",
            "--body",
            "What we did.",
            "--theme",
            "Land",
            "--public",
        ])
        .ok();
    assert!(
        stdout.starts_with("Published the case study rec_"),
        "{stdout}"
    );
    assert!(stdout.contains("(seq "), "{stdout}");
    let other: String = stdout
        .split_whitespace()
        .find(|word| word.starts_with("rec_"))
        .unwrap()
        .to_owned();

    // Listing by kind finds it with its title.
    let page = node.json(&["records", "list", "--kind", "practice"]);
    let listed = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["id"] == practice.as_str())
        .unwrap_or_else(|| panic!("{practice} not listed: {page:#}"));
    assert_eq!(
        text(listed, "/body/title"),
        "Mapping eviction risk with tenant-led surveys"
    );
    assert_eq!(text(listed, "/kind"), "practice");
    assert_eq!(text(listed, "/visibility"), "members");
    assert_eq!(ids(&page).len(), 2, "{page:#}");

    // The theme filter, without regard to case.
    let housing = ids(&node.json(&["records", "list", "--theme", "housing"]));
    assert_eq!(housing, vec![practice.clone()]);
    let land = ids(&node.json(&["records", "list", "--theme", "LAND"]));
    assert_eq!(land, vec![other.clone()]);
    // The time filter, as a date and as milliseconds.
    let since_2000 = ids(&node.json(&[
        "records",
        "list",
        "--kind",
        "practice",
        "--since",
        "2000-01-01",
    ]));
    assert_eq!(since_2000.len(), 2);
    let far_future = node.json(&["records", "list", "--since", "9999-12-31T23:59:59Z"]);
    assert!(ids(&far_future).is_empty(), "{far_future:#}");
    let timestamp = listed["timestamp_ms"].as_u64().unwrap();
    let since_it = ids(&node.json(&[
        "records",
        "list",
        "--kind",
        "practice",
        "--since",
        &timestamp.to_string(),
    ]));
    assert!(since_it.contains(&practice), "{since_it:?}");
    // Paging: one record, then the cursor to the next.
    let first_page = node.json(&["records", "list", "--kind", "practice", "--limit", "1"]);
    assert_eq!(ids(&first_page).len(), 1);
    let cursor = text(&first_page, "/next").to_owned();
    let second_page = node.json(&[
        "records", "list", "--kind", "practice", "--limit", "1", "--before", &cursor,
    ]);
    assert_eq!(ids(&second_page).len(), 1);
    assert_ne!(ids(&first_page), ids(&second_page));

    // The human table: time, kind, short org, title, id.
    let table = node.run(&["records", "list"]).ok();
    assert!(table.starts_with("TIME (UTC)"), "{table}");
    let row = table
        .lines()
        .find(|line| line.contains(&practice))
        .unwrap_or_else(|| panic!("{practice} not in the table:\n{table}"));
    assert!(row.contains(" practice "), "{row}");
    assert!(row.contains(" org_"), "{row}");
    assert!(
        row.contains("Mapping eviction risk with tenant-led"),
        "{row}"
    );
    assert!(row.contains('…'), "the long title is cut: {row}");
    assert!(table.contains(" delegation "), "{table}");

    // Show: every field for people, the API's JSON for scripts.
    let shown = node.run(&["records", "show", &practice]).ok();
    assert!(
        shown.starts_with(&format!("practice {practice}\n")),
        "{shown}"
    );
    for expected in [
        "Mapping eviction risk with tenant-led surveys",
        "Residents surveyed their own settlement",
        "housing, participatory-documentation",
        "Southeast Asia",
        "members",
        "CC-BY-4.0",
        "## Context\n\nThree settlements faced demolition.",
    ] {
        assert!(shown.contains(expected), "{expected:?} in:\n{shown}");
    }
    let shown = node.json(&["records", "show", &practice]);
    assert_eq!(text(&shown, "/id"), practice);
    assert_eq!(
        text(&shown, "/body/title"),
        "Mapping eviction risk with tenant-led surveys"
    );
    assert!(text(&shown, "/signed").len() > 128, "{shown:#}");
    assert_eq!(
        text(&node.json(&["records", "show", &other]), "/visibility"),
        "public"
    );

    // A campaign, and an update to it with its body read from a file.
    let campaign = node.json(&[
        "publish",
        "campaign",
        "--title",
        "No evictions in the rainy season",
        "--goal",
        "A moratorium from June to October",
        "--status",
        "planning",
    ]);
    let campaign = text(&campaign, "/id").to_owned();
    let body_file = node.dir().join("..").join("update.md");
    std::fs::write(&body_file, "The hearing is set for 12 June.\n").unwrap();
    let update = node.json(&[
        "publish",
        "update",
        "--campaign",
        &campaign,
        "--body-file",
        body_file.to_str().unwrap(),
        "--status",
        "active",
    ]);
    let update = node.json(&["records", "show", text(&update, "/id")]);
    assert_eq!(text(&update, "/kind"), "campaign-update");
    assert_eq!(text(&update, "/body/campaign"), campaign);
    assert_eq!(text(&update, "/body/status"), "active");
    assert_eq!(
        text(&update, "/body/body"),
        "The hearing is set for 12 June.\n"
    );
    let shown = node.json(&["records", "show", &campaign]);
    assert_eq!(text(&shown, "/body/status"), "planning");
    assert_eq!(
        shown["body"]["goals"],
        serde_json::json!(["A moratorium from June to October"])
    );

    // An alert, and a response to it.
    let alert = node.json(&[
        "publish",
        "alert",
        "--title",
        "Land defender detained",
        "--region",
        "Central America",
        "--body",
        "Detained after a community assembly; no access to a lawyer.",
        "--action",
        "Write to the regional prosecutor asking for access to counsel.",
        "--severity",
        "critical",
        "--expires-in-hours",
        "72",
    ]);
    let alert = text(&alert, "/id").to_owned();
    let shown = node.json(&["records", "show", &alert]);
    assert_eq!(text(&shown, "/body/severity"), "critical");
    assert_eq!(
        text(&shown, "/body/action_requested"),
        "Write to the regional prosecutor asking for access to counsel."
    );
    let expires = shown["body"]["expires_at_ms"].as_u64().unwrap();
    let issued = shown["timestamp_ms"].as_u64().unwrap();
    // The API reads its clock for the expiry just before the record is stamped, so
    // the two may differ by a few milliseconds.
    let lifetime = expires.abs_diff(issued);
    assert!(
        lifetime.abs_diff(72 * 3_600_000) < 10_000,
        "{lifetime} ms: {shown:#}"
    );
    let shown = node.run(&["records", "show", &alert]).ok();
    assert!(shown.contains("action requested"), "{shown}");
    assert!(shown.contains(" UTC ("), "{shown}");

    let stdout = node
        .run(&[
            "publish",
            "respond",
            "--alert",
            &alert,
            "--response",
            "acting",
            "--note",
            "Letter sent to the prosecutor",
        ])
        .ok();
    assert!(
        stdout.starts_with("Published the response rec_"),
        "{stdout}"
    );
    let responses = node.json(&["records", "list", "--kind", "alert-response"]);
    assert_eq!(ids(&responses).len(), 1, "{responses:#}");
    assert_eq!(text(&responses, "/records/0/body/alert"), alert);
    assert_eq!(text(&responses, "/records/0/body/response"), "acting");
    let table = node
        .run(&["records", "list", "--kind", "alert-response"])
        .ok();
    assert!(table.contains("acting: Letter sent"), "{table}");

    // Retracting the first case study leaves a tombstone.
    let retraction = node.json(&[
        "publish",
        "retract",
        "--target",
        &practice,
        "--reason",
        "It names a person at risk",
    ]);
    let retraction = text(&retraction, "/id").to_owned();
    let shown = node.run(&["records", "show", &practice]).ok();
    assert!(
        shown.starts_with(&format!("{practice} was retracted")),
        "{shown}"
    );
    assert!(shown.contains(&retraction), "{shown}");
    assert!(!shown.contains("Mapping eviction risk"), "{shown}");
    let shown = node.json(&["records", "show", &practice]);
    assert_eq!(shown["retracted"], true, "{shown:#}");
    assert_eq!(text(&shown, "/retraction"), retraction);
    let practices = ids(&node.json(&["records", "list", "--kind", "practice"]));
    assert_eq!(practices, vec![other]);

    // The status counts what happened.
    let status = node.json(&["status"]);
    assert_eq!(status["tombstones"], 1, "{status:#}");

    let stopped = node.stop();
    assert!(stopped.success(), "{stopped}");
    assert!(!node.dir().join("api-address").exists());
}

#[test]
fn what_the_node_refuses_exits_1_with_its_reason() {
    let node = Node::start();
    node.run(&[
        "publish",
        "practice",
        "--title",
        "  ",
        "--summary",
        "s",
        "--body",
        "b",
    ])
    .fails_with("the title of a practice must not be empty");

    let zeros = format!("rec_{}", "0".repeat(64));
    node.run(&["records", "show", &zeros])
        .fails_with("no record");
    node.run(&["--json", "records", "show", &zeros])
        .fails_with("no record");

    let missing = node.dir().join("no-such-file.md");
    node.run(&[
        "publish",
        "update",
        "--campaign",
        &zeros,
        "--body-file",
        missing.to_str().unwrap(),
    ])
    .fails_with("no-such-file.md");
}

#[test]
fn a_wrong_token_is_refused_with_a_message_naming_the_token_file() {
    let node = Node::start();
    let token = node.dir().join("api-token");
    std::fs::write(&token, format!("{}\n", "ab".repeat(32))).unwrap();
    let expected = format!(
        "the node rejected the API token: the token in {} does not match the running node's",
        token.display()
    );
    node.run(&["status"]).fails_with(&expected);
    node.run(&["records", "list"]).fails_with(&expected);
    node.run(&[
        "publish",
        "respond",
        "--alert",
        &format!("rec_{}", "1".repeat(64)),
        "--response",
        "shared",
    ])
    .fails_with(&expected);

    std::fs::remove_file(&token).unwrap();
    node.run(&["status"]).fails_with("commons init");
}

#[test]
fn status_describes_the_node_and_says_when_it_is_not_running() {
    let mut node = Node::start();
    let status = node.json(&["status"]);
    for key in ["network", "org", "device", "version"] {
        assert!(status[key].is_string(), "{key}: {status:#}");
    }
    assert!(text(&status, "/org").starts_with("org_"), "{status:#}");
    assert_eq!(status["members"], 1, "{status:#}");
    // The device's delegation is its first record.
    assert_eq!(status["records"], 1, "{status:#}");

    let human = node.run(&["status"]).ok();
    assert!(human.starts_with("Commons node running"), "{human}");
    assert!(human.contains(text(&status, "/org")), "{human}");
    assert!(human.contains("Tenants' Voice Alliance"), "{human}");
    let address = std::fs::read_to_string(node.dir().join("api-address")).unwrap();
    assert!(human.contains(address.trim()), "{human}");

    let stopped = node.stop();
    assert!(stopped.success(), "{stopped}");
    node.run(&["status"]).fails_with("the node is not running");
    node.run(&["status"]).fails_with("commons node run");

    // A node killed without cleaning up leaves its address behind: nothing answers.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let stale = free.local_addr().unwrap();
    drop(free);
    std::fs::write(node.dir().join("api-address"), format!("{stale}\n")).unwrap();
    node.run(&["records", "list"])
        .fails_with("the node is not running");
}

#[test]
fn commands_without_a_node_say_what_to_do() {
    let temp = TempDir::new().unwrap();
    let run = |args: &[&str]| Run::of(commons().arg("--data-dir").arg(temp.path()).args(args));
    run(&["status"]).fails_with("no Commons node here");
    run(&["records", "list"]).fails_with("run `commons init --org-name NAME` first");

    // Initialised but not started.
    Run::of(
        commons()
            .arg("--data-dir")
            .arg(temp.path())
            .args(["init", "--org-name", "A"]),
    )
    .ok();
    run(&["records", "show", &format!("rec_{}", "0".repeat(64))])
        .fails_with("the node is not running: start it with `commons node run --data-dir");
}

#[test]
fn bad_usage_exits_2_before_reaching_the_node() {
    let temp = TempDir::new().unwrap();
    let run = |args: &[&str]| Run::of(commons().arg("--data-dir").arg(temp.path()).args(args));
    for (args, expected) in [
        (
            &["publish", "practice", "--title", "t", "--summary", "s"][..],
            "--body",
        ),
        (
            &[
                "publish",
                "practice",
                "--title",
                "t",
                "--summary",
                "s",
                "--body",
                "b",
                "--body-file",
                "f",
            ][..],
            "cannot be used with",
        ),
        (
            &[
                "publish",
                "practice",
                "--title",
                "t",
                "--summary",
                "s",
                "--body",
                "b",
                "--public",
                "--members",
            ][..],
            "cannot be used with",
        ),
        (
            &["publish", "campaign", "--title", "t", "--status", "lost"][..],
            "lost",
        ),
        (&["publish", "retract", "--target", "org_00"][..], "rec_"),
        (
            &[
                "publish",
                "alert",
                "--title",
                "t",
                "--region",
                "r",
                "--body",
                "b",
                "--action",
                "a",
                "--expires-in-hours",
                "0",
            ][..],
            "--expires-in-hours",
        ),
        (
            &["records", "list", "--since", "yesterday"][..],
            "2026-01-01T10:00:00Z",
        ),
        (&["records", "list", "--kind", "essay"][..], "practice"),
        (&["records", "list", "--limit", "1001"][..], "--limit"),
        (
            &["records", "show", "rec_1234"][..],
            "64 lowercase hex digits",
        ),
    ] {
        let run = run(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
        assert!(run.stderr.contains(expected), "{args:?}: {run:#?}");
    }
}
