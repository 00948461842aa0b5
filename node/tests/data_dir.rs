//! The data directory on real files: what `init` and `init_network` write, and what
//! `open` accepts and refuses.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;

use commons_node::config::{ConfigFile, LogFormat, Overrides};
use commons_node::data_dir::{DataDir, DataDirError, FounderDir, init_network};
use commons_protocol::{Body, Threshold, validate_record};
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

/// Founding orgs of a regional network, for the multi-founder tests.
const FOUNDERS: [&str; 4] = [
    "Housing Rights Coalition",
    "Tenants' Voice Alliance",
    "Land and Livelihoods Network",
    "Community Legal Aid Centre",
];

#[test]
fn init_network_writes_one_node_per_founder_of_one_network() {
    let temp = TempDir::new().unwrap();
    let founders: Vec<FounderDir> = FOUNDERS
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let mut founder =
                FounderDir::new(DataDir::new(temp.path().join(format!("n{index}"))), name);
            founder.config.target_peers = 3;
            founder
        })
        .collect();
    let report = init_network(&founders, "Southern Africa Housing Network", NOW_MS).unwrap();
    assert_eq!(report.network_name, "Southern Africa Housing Network");
    assert_eq!(report.nodes.len(), FOUNDERS.len());

    let mut orgs = Vec::new();
    let mut tokens = Vec::new();
    for (founder, node) in founders.iter().zip(&report.nodes) {
        assert_eq!(node.data_dir, founder.dir.path());
        assert_eq!(node.network, report.network);
        assert_eq!(mode(founder.dir.path()), 0o700);
        assert_eq!(node.files.len(), 6);
        for file in &node.files {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }

        let opened = founder.dir.open().unwrap();
        assert_eq!(opened.network(), report.network);
        assert_eq!(opened.org(), node.org);
        assert_eq!(opened.device().public(), node.device);
        let delegation = validate_record(opened.delegation(), &opened.network()).unwrap();
        assert_eq!(delegation.record().timestamp_ms, NOW_MS);
        match &delegation.record().body {
            Body::Delegation(body) => {
                assert_eq!(body.org, node.org);
                assert_eq!(body.label, "node");
            }
            other => panic!("expected a delegation, found {other:?}"),
        }
        let config = opened.config();
        assert_eq!(config.org_name, founder.org_name);
        assert_eq!(
            config.target_peers, 3,
            "the founder's config is written as given"
        );
        orgs.push(node.org);
        tokens.push(opened.api_token().to_owned());
    }

    // One charter, naming every founder with its name, signed by all of them.
    let charter_bytes = fs::read(founders[0].dir.charter_path()).unwrap();
    for founder in &founders[1..] {
        assert_eq!(fs::read(founder.dir.charter_path()).unwrap(), charter_bytes);
    }
    let opened = founders[0].dir.open().unwrap();
    let charter = opened.charter().complete().unwrap();
    assert_eq!(charter.name, "Southern Africa Housing Network");
    assert_eq!(charter.created_ms, NOW_MS);
    assert_eq!(charter.founders.len(), FOUNDERS.len());
    for (org, name) in orgs.iter().zip(FOUNDERS) {
        assert!(charter.is_founder(org));
        let listed = charter.founders.iter().find(|f| &f.org == org).unwrap();
        assert_eq!(listed.name, name);
    }
    assert_eq!(opened.charter().signatures().len(), FOUNDERS.len());

    // A strict majority of the four founders: three.
    for threshold in [charter.admission, charter.removal, charter.recovery] {
        assert_eq!(
            threshold,
            Threshold::Fraction {
                numerator: 3,
                denominator: 4
            }
        );
        assert_eq!(threshold.needed(FOUNDERS.len()), 3);
    }

    // Every node has its own keys and token.
    orgs.sort();
    orgs.dedup();
    assert_eq!(orgs.len(), FOUNDERS.len());
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), FOUNDERS.len());
}

#[test]
fn founding_majorities_are_strict() {
    use commons_node::data_dir::founding_majority;
    for (founders, needed) in [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (20, 11)] {
        assert_eq!(
            founding_majority(founders).needed(founders),
            needed,
            "{founders}"
        );
    }
}

#[test]
fn init_network_checks_everything_before_writing_anything() {
    let temp = TempDir::new().unwrap();
    let dir = |name: &str| DataDir::new(temp.path().join(name));

    // A directory that already holds a node: nothing is written anywhere.
    dir("taken")
        .init("Housing Rights Coalition", "node", NOW_MS)
        .unwrap();
    let founders = [
        FounderDir::new(dir("fresh"), FOUNDERS[0]),
        FounderDir::new(dir("taken"), FOUNDERS[1]),
    ];
    let error = init_network(&founders, "Housing Network", NOW_MS).unwrap_err();
    assert!(
        matches!(error, DataDirError::AlreadyInitialised { .. }),
        "{error}"
    );
    assert!(
        !dir("fresh").path().exists(),
        "nothing written before the refusal"
    );

    // One directory for two founders.
    let founders = [
        FounderDir::new(dir("same"), FOUNDERS[0]),
        FounderDir::new(dir("same"), FOUNDERS[1]),
    ];
    let error = init_network(&founders, "Housing Network", NOW_MS).unwrap_err();
    assert!(
        matches!(error, DataDirError::SameDirTwice { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("its own data directory"),
        "{error}"
    );
    assert!(!dir("same").path().exists());

    // A bad org name or network name, and no founders at all.
    let founders = [
        FounderDir::new(dir("a"), FOUNDERS[0]),
        FounderDir::new(dir("b"), "two\nlines"),
    ];
    let error = init_network(&founders, "Housing Network", NOW_MS).unwrap_err();
    assert!(matches!(error, DataDirError::BadName { .. }), "{error}");
    let founders = [FounderDir::new(dir("a"), FOUNDERS[0])];
    let error = init_network(&founders, "  ", NOW_MS).unwrap_err();
    assert!(error.to_string().contains("network name"), "{error}");
    let error = init_network(&[], "Housing Network", NOW_MS).unwrap_err();
    assert!(
        chain(&error).contains("at least one founding org"),
        "{error}"
    );
    assert!(!dir("a").path().exists());
}
