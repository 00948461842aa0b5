//! The data directory on real files: what `init` writes, and what `open` accepts and
//! refuses.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;

use commons_node::config::{ConfigFile, LogFormat, Overrides};
use commons_node::data_dir::{DataDir, DataDirError};
use commons_protocol::{Body, validate_record};
use tempfile::TempDir;

const NOW_MS: u64 = 1_760_000_000_000;

/// The error and its causes, as the binary prints them.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_writes_a_node_that_opens() {
    let temp = TempDir::new().unwrap();
    let dir = DataDir::new(temp.path().join("node"));
    let report = dir
        .init("Housing Rights Coalition", "office server", NOW_MS)
        .unwrap();
    assert_eq!(report.data_dir, dir.path());
    assert_eq!(report.files.len(), 6);
    assert_eq!(mode(dir.path()), 0o700);
    for file in &report.files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    assert!(!dir.store_path().exists(), "the node creates the store");

    let opened = dir.open().unwrap();
    assert_eq!(opened.org(), report.org);
    assert_eq!(opened.device().public(), report.device);
    assert_eq!(opened.network(), report.network);
    assert_eq!(opened.api_token().len(), 64);
    let charter = opened.charter().complete().unwrap();
    assert_eq!(
        charter.name,
        "Housing Rights Coalition (single-member network)"
    );
    assert_eq!(report.network_name, charter.name);
    assert_eq!(charter.founders.len(), 1);
    assert_eq!(charter.founders[0].org, report.org);
    assert_eq!(charter.created_ms, NOW_MS);

    let delegation = validate_record(opened.delegation(), &opened.network()).unwrap();
    assert_eq!(delegation.record().seq, 1);
    assert_eq!(delegation.record().timestamp_ms, NOW_MS);
    match &delegation.record().body {
        Body::Delegation(body) => {
            assert_eq!(body.org, report.org);
            assert_eq!(body.label, "office server");
        }
        other => panic!("expected a delegation, found {other:?}"),
    }

    assert_eq!(
        opened.config(),
        &ConfigFile::new("Housing Rights Coalition", "office server")
    );
    let config = opened
        .config()
        .clone()
        .build(&Overrides::default())
        .unwrap();
    assert_eq!(config.api_listen().to_string(), "127.0.0.1:7390");
    assert_eq!(config.log_format(), LogFormat::Text);

    let debug = format!("{opened:?}");
    assert!(
        !debug.contains(opened.api_token()),
        "Debug must not print the token"
    );
}

#[test]
fn two_nodes_get_different_keys_and_tokens() {
    let temp = TempDir::new().unwrap();
    let first = DataDir::new(temp.path().join("a"));
    let second = DataDir::new(temp.path().join("b"));
    first.init("A", "node", NOW_MS).unwrap();
    second.init("A", "node", NOW_MS).unwrap();
    let (first, second) = (first.open().unwrap(), second.open().unwrap());
    assert_ne!(first.org(), second.org());
    assert_ne!(first.device().public(), second.device().public());
    assert_ne!(first.network(), second.network());
    assert_ne!(first.api_token(), second.api_token());
}

#[test]
fn init_refuses_a_directory_that_holds_a_node() {
    let temp = TempDir::new().unwrap();
    let dir = DataDir::new(temp.path());
    dir.init("A", "node", NOW_MS).unwrap();
    let root_before = fs::read(dir.root_key_path()).unwrap();
    let error = dir.init("B", "node", NOW_MS).unwrap_err();
    assert!(
        matches!(error, DataDirError::AlreadyInitialised { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("already initialised"), "{message}");
    assert!(
        message.contains(&temp.path().display().to_string()),
        "{message}"
    );
    assert_eq!(fs::read(dir.root_key_path()).unwrap(), root_before);

    // Even a lone config file counts.
    let other = TempDir::new().unwrap();
    fs::write(other.path().join("config.toml"), "").unwrap();
    let error = DataDir::new(other.path())
        .init("A", "node", NOW_MS)
        .unwrap_err();
    assert!(
        matches!(error, DataDirError::AlreadyInitialised { .. }),
        "{error}"
    );
}

#[test]
fn open_says_to_run_init_in_an_empty_directory() {
    let temp = TempDir::new().unwrap();
    for path in [temp.path().to_owned(), temp.path().join("missing")] {
        let error = DataDir::new(&path).open().unwrap_err();
        assert!(
            matches!(error, DataDirError::NotInitialised { .. }),
            "{error}"
        );
        let message = error.to_string();
        assert!(
            message.contains("run `commons init --org-name NAME` first"),
            "{message}"
        );
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
}

#[test]
fn a_key_readable_by_others_is_refused_with_the_chmod_hint() {
    let temp = TempDir::new().unwrap();
    let dir = DataDir::new(temp.path());
    dir.init("A", "node", NOW_MS).unwrap();
    for path in [
        dir.root_key_path(),
        dir.device_key_path(),
        dir.api_token_path(),
    ] {
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let error = dir.open().unwrap_err();
        assert!(
            matches!(error, DataDirError::InsecurePermissions { mode: 0o644, .. }),
            "{error}"
        );
        let message = error.to_string();
        assert!(
            message.contains(&format!("chmod 600 {}", path.display())),
            "{message}"
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    }
    dir.open().unwrap();
}

#[test]
fn a_missing_or_damaged_file_is_named() {
    let temp = TempDir::new().unwrap();
    let dir = DataDir::new(temp.path());
    dir.init("A", "node", NOW_MS).unwrap();

    let charter = fs::read(dir.charter_path()).unwrap();
    fs::remove_file(dir.charter_path()).unwrap();
    let error = dir.open().unwrap_err();
    assert!(matches!(error, DataDirError::Incomplete { .. }), "{error}");
    assert!(error.to_string().contains("charter.bin"), "{error}");
    fs::write(dir.charter_path(), &charter[..charter.len() - 1]).unwrap();
    let error = dir.open().unwrap_err();
    assert!(matches!(error, DataDirError::Charter { .. }), "{error}");
    fs::write(dir.charter_path(), &charter).unwrap();

    let device_key = fs::read(dir.device_key_path()).unwrap();
    fs::write(dir.device_key_path(), "not hex\n").unwrap();
    let error = dir.open().unwrap_err();
    assert!(
        matches!(error, DataDirError::BadSecretFile { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("device.key"), "{error}");
    fs::write(dir.device_key_path(), &device_key).unwrap();

    fs::write(
        dir.config_path(),
        "org_name = \"A\"\ndevice_label = \"node\"\nport = 1\n",
    )
    .unwrap();
    let error = chain(&dir.open().unwrap_err());
    assert!(error.contains("config.toml"), "{error}");
    assert!(error.contains("unknown field `port`"), "{error}");
}

#[test]
fn files_from_two_nodes_do_not_mix() {
    let temp = TempDir::new().unwrap();
    let first = DataDir::new(temp.path().join("a"));
    let second = DataDir::new(temp.path().join("b"));
    first.init("A", "node", NOW_MS).unwrap();
    second.init("B", "node", NOW_MS).unwrap();

    // Another node's delegation is of another network.
    fs::copy(second.delegation_path(), first.delegation_path()).unwrap();
    let error = first.open().unwrap_err();
    assert!(matches!(error, DataDirError::Delegation { .. }), "{error}");

    // The same charter and delegation, with another device key: not this device's.
    fs::copy(second.charter_path(), first.charter_path()).unwrap();
    let error = first.open().unwrap_err();
    assert!(
        matches!(error, DataDirError::DelegationMismatch { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("device.key"), "{error}");
}
