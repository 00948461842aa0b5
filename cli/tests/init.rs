//! The real `commons` binary on real files: `commons init`, and `commons node run` up
//! to the point where the daemon starts.
#![allow(clippy::unwrap_used)]

mod common;

use common::commons;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tempfile::TempDir;

/// How long a test waits for the node to log that it is starting.
const START_DEADLINE: Duration = Duration::from_secs(30);

fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

fn init(dir: &Path, org_name: &str) -> (Output, String, String) {
    run(commons()
        .arg("--data-dir")
        .arg(dir)
        .args(["init", "--org-name", org_name]))
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_creates_the_files_with_private_keys() {
    let temp = TempDir::new().unwrap();
    let dir = temp.path().join("node");
    let (output, stdout, stderr) = init(&dir, "Land Rights Network");
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains(&dir.display().to_string()), "{stdout}");
    assert!(stdout.contains("org_"), "{stdout}");
    assert!(stdout.contains("dev_"), "{stdout}");
    assert!(stdout.contains("net_"), "{stdout}");
    assert!(stdout.contains("next: commons --data-dir"), "{stdout}");
    assert!(stdout.contains("node run"), "{stdout}");

    assert_eq!(mode(&dir), 0o700);
    for name in ["root.key", "device.key", "api-token"] {
        let path = dir.join(name);
        assert_eq!(mode(&path), 0o600, "{name}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.len(), 65, "{name}: {text:?}");
        assert!(text.ends_with('\n'));
        assert!(
            text.trim_end()
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
            "{name}: {text:?}"
        );
    }
    for name in ["charter.bin", "delegation.record", "config.toml"] {
        assert!(dir.join(name).is_file(), "{name}");
    }
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.contains("org_name = \"Land Rights Network\""),
        "{config}"
    );
    assert!(config.contains("device_label = \"node\""), "{config}");
    assert!(
        config.contains("api_listen = \"127.0.0.1:7390\""),
        "{config}"
    );
}

#[test]
fn a_second_init_in_the_same_directory_fails_and_names_it() {
    let temp = TempDir::new().unwrap();
    let (first, _, stderr) = init(temp.path(), "A");
    assert!(first.status.success(), "{stderr}");
    let key = std::fs::read(temp.path().join("root.key")).unwrap();

    let (second, _, stderr) = init(temp.path(), "B");
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: already initialised"), "{stderr}");
    assert!(
        stderr.contains(&temp.path().display().to_string()),
        "{stderr}"
    );
    assert!(stderr.contains("--data-dir"), "{stderr}");
    assert_eq!(std::fs::read(temp.path().join("root.key")).unwrap(), key);
}

#[test]
fn init_json_prints_one_object() {
    let temp = TempDir::new().unwrap();
    let (output, stdout, stderr) = run(commons().arg("--data-dir").arg(temp.path()).args([
        "init",
        "--org-name",
        "A",
        "--device-label",
        "laptop",
        "--json",
    ]));
    assert!(output.status.success(), "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let object = value.as_object().unwrap();
    let text = |key: &str| object[key].as_str().unwrap().to_owned();
    assert!(text("org_id").starts_with("org_"), "{stdout}");
    assert!(text("device").starts_with("dev_"), "{stdout}");
    assert!(text("network").starts_with("net_"), "{stdout}");
    assert_eq!(text("data_dir"), temp.path().display().to_string());
    assert_eq!(
        text("org_file"),
        temp.path().join("org.toml").display().to_string()
    );
    assert_eq!(object.len(), 5, "{stdout}");
    let config = std::fs::read_to_string(temp.path().join("config.toml")).unwrap();
    assert!(config.contains("device_label = \"laptop\""), "{config}");
}

#[test]
fn init_without_an_org_name_is_bad_usage() {
    let temp = TempDir::new().unwrap();
    let (output, _, stderr) = run(commons().arg("--data-dir").arg(temp.path()).arg("init"));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--org-name"), "{stderr}");

    let (output, _, stderr) = init(temp.path(), "   ");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("org name must not be empty"), "{stderr}");
    assert!(!temp.path().join("root.key").exists());
}

#[test]
fn the_data_dir_comes_from_the_environment_unless_the_flag_is_given() {
    let temp = TempDir::new().unwrap();
    let from_env = temp.path().join("from-env");
    let (output, stdout, stderr) =
        run(commons()
            .env("COMMONS_DATA_DIR", &from_env)
            .args(["init", "--org-name", "A"]));
    assert!(output.status.success(), "{stderr}");
    assert!(from_env.join("root.key").is_file());
    assert!(stdout.contains("next: commons node run"), "{stdout}");

    let from_flag = temp.path().join("from-flag");
    let (output, _, stderr) = run(commons()
        .env("COMMONS_DATA_DIR", &from_env)
        .arg("--data-dir")
        .arg(&from_flag)
        .args(["init", "--org-name", "B"]));
    assert!(output.status.success(), "{stderr}");
    assert!(from_flag.join("root.key").is_file());

    // `node run` finds the node through the environment too: it gets past opening it.
    let (output, _, stderr) = run(commons()
        .env("COMMONS_DATA_DIR", temp.path().join("nothing-here"))
        .args(["node", "run"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("nothing-here"), "{stderr}");
}

#[test]
fn node_run_without_init_says_to_run_init() {
    let temp = TempDir::new().unwrap();
    let (output, stdout, stderr) = run(commons()
        .arg("--data-dir")
        .arg(temp.path())
        .args(["node", "run"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.starts_with("error: no Commons node here"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run `commons init --org-name NAME` first"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&temp.path().display().to_string()),
        "{stderr}"
    );
}

#[test]
fn node_run_refuses_a_key_readable_by_others() {
    let temp = TempDir::new().unwrap();
    assert!(init(temp.path(), "A").0.status.success());
    let key = temp.path().join("device.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (output, _, stderr) = run(commons()
        .arg("--data-dir")
        .arg(temp.path())
        .args(["node", "run"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("chmod 600 {}", key.display())),
        "{stderr}"
    );
}

#[test]
fn the_api_listens_on_loopback_only() {
    let temp = TempDir::new().unwrap();
    assert!(init(temp.path(), "A").0.status.success());
    let node_run = || {
        let mut command = commons();
        command
            .arg("--data-dir")
            .arg(temp.path())
            .args(["node", "run"]);
        command
    };

    let (output, _, stderr) = run(node_run().args(["--api-listen", "0.0.0.0:7390"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("0.0.0.0:7390"), "{stderr}");
    assert!(stderr.contains("not a loopback address"), "{stderr}");

    let (output, _, stderr) = run(node_run().env("COMMONS_API_LISTEN", "0.0.0.0:7390"));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not a loopback address"), "{stderr}");

    let config = temp.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("127.0.0.1:7390", "[::]:7390")).unwrap();
    let (output, _, stderr) = run(&mut node_run());
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not a loopback address"), "{stderr}");
    assert!(stderr.contains("config.toml"), "{stderr}");
}

#[test]
fn node_run_rejects_an_unknown_log_format_as_bad_usage() {
    let temp = TempDir::new().unwrap();
    let (output, _, stderr) = run(commons().arg("--data-dir").arg(temp.path()).args([
        "node",
        "run",
        "--log-format",
        "xml",
    ]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("xml"), "{stderr}");
}

/// Starts `node run` with JSON logs, reads its "node starting" line, then asks it to
/// stop with SIGTERM (if it is still running) and waits for it.
#[test]
fn node_run_logs_its_start_as_json() {
    let temp = TempDir::new().unwrap();
    let (output, stdout, stderr) = run(commons().arg("--data-dir").arg(temp.path()).args([
        "--json",
        "init",
        "--org-name",
        "A",
    ]));
    assert!(output.status.success(), "{stderr}");
    let created: serde_json::Value = serde_json::from_str(&stdout).unwrap();

    let mut child = commons()
        .arg("--data-dir")
        .arg(temp.path())
        .args([
            "node",
            "run",
            "--api-listen",
            "127.0.0.1:0",
            "--web-listen",
            "127.0.0.1:0",
        ])
        .args(["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"])
        .env("COMMONS_LOG_FORMAT", "json")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            if lines_tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let starting = loop {
        let line = lines
            .recv_timeout(START_DEADLINE)
            .unwrap_or_else(|error| panic!("no \"node starting\" line ({error}): {seen:#?}"));
        if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line)
            && event["message"] == "node starting"
        {
            break event;
        }
        seen.push(line);
    };
    assert_eq!(starting["level"], "INFO", "{starting}");
    assert_eq!(starting["network"], created["network"], "{starting}");
    assert_eq!(starting["device"], created["device"], "{starting}");
    assert_eq!(starting["org"], created["org_id"], "{starting}");
    assert_eq!(starting["api"], "127.0.0.1:0", "{starting}");

    if child.try_wait().unwrap().is_none() {
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
    }
    child.wait().unwrap();
}

/// A data dir whose `search-index` is not a folder the node can make: the node refuses
/// to start and names it, rather than run with a search that cannot follow the store.
#[test]
fn node_run_names_a_search_index_folder_it_cannot_make() {
    let temp = TempDir::new().unwrap();
    assert!(init(temp.path(), "A").0.status.success());
    let index = temp.path().join("search-index");
    std::fs::write(&index, "not a folder").unwrap();
    let (output, _, stderr) = run(commons().arg("--data-dir").arg(temp.path()).args([
        "node",
        "run",
        "--api-listen",
        "127.0.0.1:0",
        "--listen",
        "/ip4/127.0.0.1/tcp/0",
    ]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot prepare the search index folder {}",
            index.display()
        )),
        "{stderr}"
    );
}
