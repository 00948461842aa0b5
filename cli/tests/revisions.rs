//! New versions on the real binary against a real node: `commons publish practice
//! --revise` and `commons publish campaign --revise` keep every field not given from
//! the latest version, `commons records history` lists the versions with what each
//! changed, listings show the latest, and the refusals say what to do.
#![allow(clippy::unwrap_used)]

mod common;

use common::running_node::{Node, text};
use serde_json::Value;

fn practice(node: &Node) -> String {
    let published = node.json(&[
        "publish",
        "practice",
        "--title",
        "Paralegals at the district court",
        "--summary",
        "Tenants answered eviction notices in time.",
        "--body",
        "Six volunteers sat at the court's door on market days.",
        "--theme",
        "legal-aid",
        "--region",
        "East Africa",
        "--public",
    ]);
    text(&published, "/id").to_owned()
}

fn history(node: &Node, id: &str) -> Vec<Value> {
    node.json(&["records", "history", id])["versions"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_case_study_is_revised_field_by_field_and_its_history_says_what_changed() {
    let node = Node::start();
    let original = practice(&node);

    // Only the title: everything else is carried over from the latest version.
    let out = node
        .run(&[
            "publish",
            "practice",
            "--revise",
            &original,
            "--title",
            "Paralegals at two district courts",
        ])
        .ok();
    assert!(
        out.contains("Published version 2 of the case study"),
        "{out}"
    );
    assert!(out.contains(&original), "{out}");
    let versions = history(&node, &original);
    assert_eq!(versions.len(), 2);
    let second = &versions[1]["body"];
    assert_eq!(second["title"], "Paralegals at two district courts");
    assert_eq!(
        second["body"],
        "Six volunteers sat at the court's door on market days."
    );
    assert_eq!(second["themes"], serde_json::json!(["legal-aid"]));
    assert_eq!(second["visibility"], "public", "kept, not the default");
    let second_id = text(&versions[1], "/id").to_owned();

    // Revising by the second version's id revises the same case study.
    let published = node.json(&[
        "publish",
        "practice",
        "--revise",
        &second_id,
        "--body",
        "Six volunteers, then nine, sat at the court's door on market days.",
        "--theme",
        "housing",
    ]);
    assert_eq!(text(&published, "/original"), original);
    let versions = history(&node, &second_id);
    assert_eq!(versions.len(), 3);
    assert_eq!(
        versions[2]["body"]["themes"],
        serde_json::json!(["housing"])
    );
    assert_eq!(
        versions[2]["body"]["title"],
        "Paralegals at two district courts"
    );

    // For people: each version, and the fields it changed.
    let shown = node.run(&["records", "history", &original]).ok();
    assert!(shown.contains("3 versions"), "{shown}");
    assert!(shown.contains("(the first version)"), "{shown}");
    assert!(shown.contains("changed  title\n"), "{shown}");
    assert!(shown.contains("changed  themes, body\n"), "{shown}");
    assert!(shown.contains("(shown)"), "{shown}");

    // The listing shows the latest title, once.
    let table = node.run(&["records", "list", "--kind", "practice"]).ok();
    assert!(
        table.contains("Paralegals at two district") && table.contains("… (edited)"),
        "{table}"
    );
    assert_eq!(table.matches(&original).count(), 1, "{table}");
    let shown = node.run(&["records", "show", &original]).ok();
    assert!(shown.contains("versions"), "{shown}");
    assert!(shown.contains(text(&published, "/id")), "{shown}");

    // Retracted: every version goes, and no new one is accepted.
    let out = node
        .run(&["publish", "retract", "--target", &second_id])
        .ok();
    assert!(
        out.contains("Its other versions were retracted with it") && out.contains(&original),
        "{out}"
    );
    node.run(&["records", "history", &original])
        .fails_saying(&["retracted"]);
    node.run(&[
        "publish",
        "practice",
        "--revise",
        &original,
        "--title",
        "Back again",
    ])
    .fails_saying(&["retracted", "publish a new record"]);
}

#[test]
fn a_campaign_is_revised_and_the_wrong_kind_is_refused() {
    let node = Node::start();
    let campaign = node.json(&[
        "publish",
        "campaign",
        "--title",
        "Legal aid in every district",
        "--goal",
        "A paralegal desk in each court",
    ]);
    let campaign = text(&campaign, "/id").to_owned();
    let published = node.json(&[
        "publish", "campaign", "--revise", &campaign, "--status", "won",
    ]);
    assert_eq!(text(&published, "/original"), campaign);
    let versions = history(&node, &campaign);
    assert_eq!(versions[1]["body"]["status"], "won");
    assert_eq!(
        versions[1]["body"]["goals"],
        serde_json::json!(["A paralegal desk in each court"])
    );

    // A campaign is not a case study.
    node.run(&[
        "publish",
        "practice",
        "--revise",
        &campaign,
        "--title",
        "Not a case study",
    ])
    .fails_saying(&["kind campaign, not practice"]);
    // Without --revise the title and the text are still required.
    let missing = node.run(&["publish", "practice", "--title", "Only a title"]);
    assert_eq!(missing.code, Some(2), "a usage error: {missing:#?}");
    assert!(missing.stderr.contains("--summary"), "{missing:#?}");
    let missing = node.run(&[
        "publish",
        "practice",
        "--title",
        "Only a title",
        "--summary",
        "",
    ]);
    assert_eq!(missing.code, Some(2), "a usage error: {missing:#?}");
    assert!(missing.stderr.contains("--body"), "{missing:#?}");
}
