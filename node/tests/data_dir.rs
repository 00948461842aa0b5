//! The data directory on real files: what `init` and `init_network` write, and what
//! `open` accepts and refuses.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;

use commons_node::config::{ConfigFile, LogFormat, Overrides};
use commons_node::data_dir::{DataDir, DataDirError};
use commons_node::files::FileError;
use commons_node::founding::{FounderDir, init_network};
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
    assert_eq!(report.files.len(), 7);
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
            matches!(
                error,
                DataDirError::File(FileError::InsecurePermissions { mode: 0o644, .. })
            ),
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
        matches!(error, DataDirError::File(FileError::BadSecretFile { .. })),
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
        assert_eq!(node.files.len(), 7);
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
    use commons_node::founding::founding_majority;
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

mod founding_and_devices {
    //! Org files, charters drafted and signed, joining a network, and devices without
    //! the root key: what `commons network …` and `commons devices …` do on disk.

    use super::*;
    use commons_node::data_dir::OrgFile;
    use commons_node::founding::founding_majority;
    use commons_node::founding::{
        CharterTerms, JoinError, PREVIOUS_NETWORKS_DIR, draft_charter, parse_threshold,
        read_charter_file, sign_charter_file, write_charter_file,
    };
    use commons_node::store::{CommitBatch, CommitStore, NewRecord, RedbStore, Store};
    use commons_protocol::{FeedPosition, FeedWriter, Practice, Visibility};
    use std::path::{Path, PathBuf};

    /// `count` orgs made by `init`, each in its own dir under `base`.
    fn orgs(base: &Path, count: usize) -> Vec<DataDir> {
        (0..count)
            .map(|index| {
                let dir = DataDir::new(base.join(format!("org{index}")));
                dir.init(&format!("Org {index}"), "node", NOW_MS).unwrap();
                dir
            })
            .collect()
    }

    fn org_file(dir: &DataDir) -> OrgFile {
        OrgFile::load(&dir.path().join("org.toml")).unwrap()
    }

    /// A charter founded by `founders`, signed by those in `signers`, written to `path`.
    fn charter(founders: &[DataDir], signers: &[&DataDir], path: &Path) -> PathBuf {
        let files: Vec<OrgFile> = founders.iter().map(org_file).collect();
        let terms = CharterTerms {
            name: "Land Rights Network".to_owned(),
            admission: None,
            removal: None,
            recovery: Some(Threshold::Count(1)),
            open_read: false,
        };
        let drafted = draft_charter(&terms, &files, NOW_MS).unwrap();
        write_charter_file(path, &drafted, false).unwrap();
        for signer in signers {
            sign_charter_file(path, &signer.open_root().unwrap()).unwrap();
        }
        path.to_owned()
    }

    #[test]
    fn the_org_file_names_the_org_and_refuses_what_is_not_one() {
        let temp = TempDir::new().unwrap();
        let dir = &orgs(temp.path(), 1)[0];
        let file = org_file(dir);
        assert_eq!(file.org, dir.open().unwrap().org());
        assert_eq!(file.name, "Org 0");
        let path = temp.path().join("bad.toml");
        for (text, expected) in [
            ("org = \"org_12\"\nname = \"A\"\n", "not valid"),
            ("name = \"A\"\n", "not an org file"),
            (
                &format!("org = \"{}\"\nname = \"  \"\n", file.org),
                "must not be empty",
            ),
        ] {
            fs::write(&path, text).unwrap();
            let error = OrgFile::load(&path).unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
        fs::write(&path, vec![b'#'; 5000]).unwrap();
        assert!(OrgFile::load(&path).is_err());
    }

    #[test]
    fn thresholds_are_counts_or_fractions() {
        assert_eq!(parse_threshold("2"), Ok(Threshold::Count(2)));
        assert_eq!(
            parse_threshold("2/3"),
            Ok(Threshold::Fraction {
                numerator: 2,
                denominator: 3
            })
        );
        assert!(parse_threshold("two").is_err());
        assert!(parse_threshold("1/").is_err());
    }

    #[test]
    fn a_charter_is_signed_founder_by_founder_and_refuses_a_stranger() {
        let temp = TempDir::new().unwrap();
        let dirs = orgs(temp.path(), 4);
        let path = charter(&dirs[..3], &[&dirs[0]], &temp.path().join("charter.bin"));
        let partly = read_charter_file(&path).unwrap();
        assert_eq!(partly.missing_signatures().len(), 2);
        assert_eq!(partly.charter().admission, founding_majority(3));
        assert_eq!(partly.charter().recovery, Threshold::Count(1));
        let error = sign_charter_file(&path, &dirs[3].open_root().unwrap()).unwrap_err();
        assert!(
            error.to_string().contains("not a valid charter file"),
            "{error}"
        );
        assert!(chain(&error).contains("not a founder"), "{}", chain(&error));
        sign_charter_file(&path, &dirs[1].open_root().unwrap()).unwrap();
        sign_charter_file(&path, &dirs[2].open_root().unwrap()).unwrap();
        assert!(read_charter_file(&path).unwrap().complete().is_ok());
        let twice = draft_charter(
            &CharterTerms {
                name: "X".to_owned(),
                admission: None,
                removal: None,
                recovery: None,
                open_read: true,
            },
            &[org_file(&dirs[0]), org_file(&dirs[0])],
            NOW_MS,
        )
        .unwrap_err();
        assert!(twice.to_string().contains("given twice"), "{twice}");
    }

    #[test]
    fn join_refuses_a_partly_signed_charter_naming_who_has_yet_to_sign() {
        let temp = TempDir::new().unwrap();
        let dirs = orgs(temp.path(), 3);
        let path = charter(&dirs, &[&dirs[0]], &temp.path().join("charter.bin"));
        let before = fs::read(dirs[1].charter_path()).unwrap();
        let error = dirs[1].join(&path, NOW_MS + 1).unwrap_err();
        assert!(matches!(error, JoinError::Unsigned { .. }), "{error}");
        let message = error.to_string();
        for dir in &dirs[1..] {
            let file = org_file(dir);
            assert!(
                message.contains(&format!("{} ({})", file.name, file.org)),
                "{message}"
            );
        }
        assert!(message.contains("commons network sign"), "{message}");
        assert_eq!(
            fs::read(dirs[1].charter_path()).unwrap(),
            before,
            "nothing changed"
        );
    }

    #[test]
    fn join_keeps_the_old_store_aside_when_it_holds_only_this_devices_records() {
        let temp = TempDir::new().unwrap();
        let dirs = orgs(temp.path(), 2);
        let old = dirs[0].open().unwrap();
        {
            // The node ran alone once: its store holds its delegation and a case study.
            let store = RedbStore::open(dirs[0].store_path(), old.network()).unwrap();
            let delegation = validate_record(old.delegation(), &old.network()).unwrap();
            let mut writer = FeedWriter::new(
                old.device().clone(),
                old.network(),
                FeedPosition::after(&delegation),
            );
            let practice = writer
                .append(
                    Body::Practice(Practice {
                        title: "Tenant surveys".to_owned(),
                        summary: String::new(),
                        body: "What we did.".to_owned(),
                        themes: Vec::new(),
                        regions: Vec::new(),
                        language: "en".to_owned(),
                        licence: "CC-BY-4.0".to_owned(),
                        links: Vec::new(),
                        visibility: Visibility::Members,
                        attachments: Vec::new(),
                    }),
                    NOW_MS + 1,
                )
                .unwrap();
            let records = [delegation, practice]
                .into_iter()
                .map(|record| NewRecord {
                    record,
                    org: old.org(),
                })
                .collect();
            store
                .commit(&CommitBatch {
                    records,
                    ..CommitBatch::default()
                })
                .unwrap();
            // While the store is open (the node runs), joining is refused.
            let path = charter(&dirs, &[&dirs[0], &dirs[1]], &temp.path().join("c1.bin"));
            let error = dirs[0].join(&path, NOW_MS + 2).unwrap_err();
            assert!(matches!(error, JoinError::NodeRunning { .. }), "{error}");
            assert!(error.to_string().contains("stop it first"), "{error}");
        }
        let path = temp.path().join("c1.bin");
        let report = dirs[0].join(&path, NOW_MS + 2).unwrap();
        assert!(report.founder && !report.already);
        let previous = report.previous.clone().unwrap();
        assert_eq!(previous.network, old.network());
        assert_eq!(previous.own_records, 2);
        assert_eq!(
            previous.kept_in,
            dirs[0]
                .path()
                .join(PREVIOUS_NETWORKS_DIR)
                .join(old.network().to_string())
        );
        for name in ["store.redb", "charter.bin", "delegation.record"] {
            assert!(previous.kept_in.join(name).exists(), "{name}");
        }
        assert!(!dirs[0].store_path().exists());
        let opened = dirs[0].open().unwrap();
        assert_eq!(opened.network(), report.network);
        assert_eq!(
            opened.device().public(),
            old.device().public(),
            "same device"
        );
        let delegation = validate_record(opened.delegation(), &report.network).unwrap();
        assert_eq!(delegation.record().seq, 1);
        // The kept store still opens on its own network, records intact.
        let kept = RedbStore::open(previous.kept_in.join("store.redb"), old.network()).unwrap();
        assert_eq!(kept.stats().unwrap().records, 2);
        // Joining again changes nothing.
        let again = dirs[0].join(&path, NOW_MS + 3).unwrap();
        assert!(again.already && again.previous.is_none());
        assert_eq!(
            fs::read(dirs[0].delegation_path()).unwrap(),
            opened.delegation()
        );
    }

    #[test]
    fn join_refuses_a_node_holding_other_devices_records() {
        let temp = TempDir::new().unwrap();
        let dirs = orgs(temp.path(), 2);
        let first = charter(&dirs, &[&dirs[0], &dirs[1]], &temp.path().join("c1.bin"));
        for dir in &dirs {
            dir.join(&first, NOW_MS + 1).unwrap();
        }
        let member = dirs[0].open().unwrap();
        let other = dirs[1].open().unwrap();
        {
            let store = RedbStore::open(dirs[0].store_path(), member.network()).unwrap();
            let records = [member.delegation(), other.delegation()]
                .into_iter()
                .zip([member.org(), other.org()])
                .map(|(bytes, org)| NewRecord {
                    record: validate_record(bytes, &member.network()).unwrap(),
                    org,
                })
                .collect();
            store
                .commit(&CommitBatch {
                    records,
                    ..CommitBatch::default()
                })
                .unwrap();
        }
        let elsewhere = orgs(&temp.path().join("x"), 1);
        let error = dirs[0]
            .join(&elsewhere[0].charter_path(), NOW_MS + 2)
            .unwrap_err();
        assert!(
            matches!(error, JoinError::HoldsOtherRecords { devices: 1, .. }),
            "{error}"
        );
        let message = error.to_string();
        assert!(message.contains(&member.network().to_string()), "{message}");
        assert!(message.contains("would leave them behind"), "{message}");
        assert_eq!(
            dirs[0].open().unwrap().network(),
            member.network(),
            "nothing changed"
        );
        assert!(dirs[0].store_path().exists());
    }

    #[test]
    fn a_device_is_added_without_the_root_key_and_opens() {
        let temp = TempDir::new().unwrap();
        let dir = &orgs(temp.path(), 1)[0];
        let opened = dir.open().unwrap();
        let out = DataDir::new(temp.path().join("laptop"));
        let added = opened.add_device(&out, "field laptop", NOW_MS + 1).unwrap();
        assert!(
            !out.root_key_path().exists(),
            "the root key stays on the first machine"
        );
        for file in &added.files {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
        let laptop = out.open().unwrap();
        assert!(!laptop.has_root());
        assert_eq!(laptop.org(), opened.org());
        assert_eq!(laptop.network(), opened.network());
        assert_eq!(laptop.device().public(), added.device);
        assert_ne!(added.device, opened.device().public());
        assert_eq!(laptop.config().device_label, "field laptop");
        assert_eq!(laptop.config().org_name, opened.config().org_name);
        assert_ne!(laptop.api_token(), opened.api_token());
        let delegation = validate_record(laptop.delegation(), &laptop.network()).unwrap();
        match &delegation.record().body {
            Body::Delegation(body) => {
                assert_eq!(body.label, "field laptop");
                assert_eq!(body.root, opened.root().unwrap().public());
            }
            other => panic!("{other:?}"),
        }
        // What needs the root key says where it is.
        let error = laptop.revocation(added.device, 2).unwrap_err();
        assert!(
            matches!(error, DataDirError::RootKeyElsewhere { .. }),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .contains(&dir.path().display().to_string()),
            "{error}"
        );
        assert!(
            laptop
                .add_device(&DataDir::new(temp.path().join("x")), "x", NOW_MS)
                .is_err()
        );
        // A second add to the same place is refused, the first left whole.
        let again = opened.add_device(&out, "other", NOW_MS + 2).unwrap_err();
        assert!(
            matches!(again, DataDirError::AlreadyInitialised { .. }),
            "{again}"
        );
        assert_eq!(out.open().unwrap().device().public(), added.device);
        // The revocation the root key signs is valid for this org's device.
        let revocation = opened.revocation(added.device, 3).unwrap();
        assert_eq!((revocation.org, revocation.from_seq), (opened.org(), 3));
    }
}
