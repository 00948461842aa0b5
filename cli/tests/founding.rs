//! Founding a network by commands, offline: `init` writes each org's `org.toml`,
//! `network create` drafts and (for a founder) signs the charter and names who has yet
//! to sign, `network sign` adds signatures, and `network join` refuses a charter that
//! is not completely signed, saying who must sign and how. No node runs here; the
//! joins of running nodes are in `member_life.rs`.
#![allow(clippy::unwrap_used)]

mod common;

use common::commons;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn at(dir: &Path, args: &[&str]) -> Run {
    run(commons().arg("--data-dir").arg(dir).args(args))
}

fn json_at(dir: &Path, args: &[&str]) -> Value {
    let done = run(commons()
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args));
    assert_eq!(done.code, Some(0), "{done:#?}");
    serde_json::from_str(&done.stdout).unwrap()
}

/// Three initialised orgs: their dirs, ids and names.
fn three_orgs(temp: &Path) -> Vec<(PathBuf, String, &'static str)> {
    [
        "Tenants' Voice Alliance",
        "Land Defenders Network",
        "Health Rights Forum",
    ]
    .iter()
    .enumerate()
    .map(|(index, name)| {
        let dir = temp.join(format!("org{index}"));
        let init = json_at(&dir, &["init", "--org-name", name]);
        (dir, init["org_id"].as_str().unwrap().to_owned(), *name)
    })
    .collect()
}

fn create(temp: &Path, by: &Path, orgs: &[(PathBuf, String, &str)], extra: &[&str]) -> Run {
    let out = temp.join("charter.bin");
    let mut command = commons();
    command
        .arg("--data-dir")
        .arg(by)
        .args([
            "network",
            "create",
            "--name",
            "Housing Rights Network",
            "--out",
        ])
        .arg(&out);
    for (dir, _, _) in orgs {
        command.arg("--founder").arg(dir.join("org.toml"));
    }
    command.args(extra);
    run(&mut command)
}

#[test]
fn a_partly_signed_charter_names_who_has_yet_to_sign_and_join_refuses_it() {
    let temp = TempDir::new().unwrap();
    let orgs = three_orgs(temp.path());
    let charter = temp.path().join("charter.bin");
    let file = charter.to_str().unwrap();

    let created = create(temp.path(), &orgs[0].0, &orgs, &["--admission", "2"]);
    assert_eq!(created.code, Some(0), "{created:#?}");
    assert!(
        created
            .stdout
            .contains("Partly signed: 2 of 3 founder(s) have yet to sign"),
        "{created:#?}"
    );
    for (_, org, name) in &orgs[1..] {
        assert!(
            created.stdout.contains(&format!("{name} ({org})")),
            "{created:#?}"
        );
    }
    assert!(
        created
            .stdout
            .contains(&format!("commons network sign {file}")),
        "{created:#?}"
    );
    // --out never overwrites.
    let again = create(temp.path(), &orgs[0].0, &orgs, &[]);
    assert_eq!(again.code, Some(1), "{again:#?}");
    assert!(again.stderr.contains("already exists"), "{again:#?}");

    // A founder who has not signed cannot join yet; the message says who and how.
    let refused = at(&orgs[1].0, &["network", "join", file]);
    assert_eq!(refused.code, Some(1), "{refused:#?}");
    for (_, org, name) in &orgs[1..] {
        assert!(
            refused.stderr.contains(&format!("{name} ({org})")),
            "{refused:#?}"
        );
    }
    assert!(
        refused
            .stderr
            .contains(&format!("ask them to run `commons network sign {file}`")),
        "{refused:#?}"
    );

    // A stranger cannot sign.
    let stranger = temp.path().join("stranger");
    json_at(&stranger, &["init", "--org-name", "Someone Else"]);
    let refused = at(&stranger, &["network", "sign", file]);
    assert_eq!(refused.code, Some(1), "{refused:#?}");
    assert!(refused.stderr.contains("not a founder"), "{refused:#?}");

    at(&orgs[1].0, &["network", "sign", file]);
    let shown = json_at(&orgs[0].0, &["network", "show", file]);
    assert_eq!(shown["complete"], false);
    assert_eq!(shown["missing"], serde_json::json!([orgs[2].1]));
    assert_eq!(shown["admission"]["rule"], "2 member(s)");
    let signed = json_at(&orgs[2].0, &["network", "sign", file]);
    assert_eq!(signed["complete"], true, "{signed:#}");

    let joined = json_at(&orgs[1].0, &["network", "join", file]);
    assert_eq!(joined["founder"], true);
    assert_eq!(joined["network"], shown["network"]);
    let own = json_at(&orgs[1].0, &["network", "show"]);
    assert_eq!(own["network"], shown["network"]);
    assert_eq!(own["complete"], true);
    let again = json_at(&orgs[1].0, &["network", "join", file]);
    assert_eq!(again["already"], true);
}

#[test]
fn bad_founder_files_and_thresholds_are_refused() {
    let temp = TempDir::new().unwrap();
    let orgs = three_orgs(temp.path());
    let usage = at(&orgs[0].0, &["network", "create", "--name", "X"]);
    assert_eq!(usage.code, Some(2), "no --founder is bad usage: {usage:#?}");
    let usage = create(temp.path(), &orgs[0].0, &orgs, &["--admission", "most"]);
    assert_eq!(usage.code, Some(2), "{usage:#?}");
    let refused = create(temp.path(), &orgs[0].0, &orgs, &["--removal", "3/2"]);
    assert_eq!(refused.code, Some(1), "{refused:#?}");
    assert!(refused.stderr.contains("removal threshold"), "{refused:#?}");
    let not_org = temp.path().join("notes.txt");
    std::fs::write(&not_org, "hello\n").unwrap();
    let refused = at(
        &orgs[0].0,
        &[
            "network",
            "create",
            "--name",
            "X",
            "--founder",
            not_org.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.code, Some(1), "{refused:#?}");
    assert!(
        refused.stderr.contains("is not an org file"),
        "{refused:#?}"
    );
    assert!(!temp.path().join("charter.bin").exists());
}
