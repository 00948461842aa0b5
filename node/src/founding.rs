//! Founding and joining a network, before any record exists: the step that decides
//! which network a node's records will name. `commons init` founds a one-member
//! network in one data dir ([`DataDir::init`]); [`init_network`] founds one network of
//! several orgs at once, each founder's first node in its own data dir (for `commons
//! devnet`, benchmarks and the test labs). A real network is founded across machines:
//! founders hand each other their public
//! [`OrgFile`]s, one of them drafts the charter ([`draft_charter`]), every founder signs
//! the charter file ([`sign_charter_file`]), and each node adopts the completely signed
//! charter with [`DataDir::join`], which signs this device's delegation for the new
//! network (its feed's seq 1 there).
//!
//! A data dir holds one network. Joining another one moves the old network's store
//! aside, into `previous-networks/<network id>/` with its charter and delegation, and
//! only when that store holds nothing but this device's own records (such as the
//! delegation of the one-member network `commons init` founds): a store holding other
//! devices' records belongs to a network this node takes part in, and joining is
//! refused. Nothing is ever deleted.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use commons_protocol::{
    Body, CHARTER_VERSION, Charter, CharterError, Delegation, DeviceKey, DeviceKeypair,
    FeedPosition, FeedWriter, Founder, MAX_CHARTER_BYTES, MAX_SIGNED_RECORD_BYTES, NetworkId,
    OrgId, RecordError, RngError, RootKeypair, SignedCharter, Threshold, validate_record,
};
use thiserror::Error;

use crate::config::ConfigFile;
use crate::data_dir::{
    API_TOKEN_FILE, CHARTER_FILE, CONFIG_FILE, DEFAULT_DEVICE_LABEL, DELEGATION_FILE,
    DEVICE_KEY_FILE, DataDir, DataDirError, InitReport, ORG_FILE, OrgFile, ROOT_KEY_FILE,
    STORE_FILE, check_name, read_bounded, read_secret, secret_text, sync_dir,
};
use crate::files::{FileError, WriteError, write_atomically};
use crate::store::{RedbStore, Store, StoreError};

pub use crate::data_dir::PREVIOUS_NETWORKS_DIR;

/// Parses a threshold as an operator writes it: `N` (a count of member orgs) or `N/D`
/// (a fraction of them, rounded up). Whether it is in range is the charter's rule.
pub fn parse_threshold(text: &str) -> Result<Threshold, String> {
    let number = |part: &str| {
        part.trim().parse::<u32>().map_err(|_| {
            format!(
                "`{text}` is not a threshold: write a count such as 2, or a fraction such as 2/3"
            )
        })
    };
    match text.split_once('/') {
        Some((numerator, denominator)) => Ok(Threshold::Fraction {
            numerator: number(numerator)?,
            denominator: number(denominator)?,
        }),
        None => Ok(Threshold::Count(number(text)?)),
    }
}

/// What a new charter says besides its founders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharterTerms {
    /// The network's name.
    pub name: String,
    /// Votes needed to admit an org; `None` for a majority of the founders.
    pub admission: Option<Threshold>,
    /// Votes needed to remove a member; `None` for a majority of the founders.
    pub removal: Option<Threshold>,
    /// Votes needed to replace a member's root key; `None` for a majority.
    pub recovery: Option<Threshold>,
    /// Whether non-members may read `Public` records.
    pub open_read: bool,
}

/// Why a charter could not be drafted.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DraftError {
    /// The network's name cannot be used.
    #[error("the network's name {problem}: pass --name NAME")]
    BadName {
        /// What is wrong.
        problem: String,
    },
    /// One org given twice.
    #[error("{org} ({name}) is given twice as a founder: give each founder's org file once")]
    SameOrgTwice {
        /// The org.
        org: OrgId,
        /// Its name.
        name: String,
    },
    /// The charter's own rules refuse it (no founders, a threshold out of range).
    #[error("the charter cannot be made: {0}")]
    Charter(#[source] CharterError),
}

/// Draws up an unsigned charter listing `founders` (in ascending order of org id, as a
/// charter must), dated `now_ms`. A threshold not given is a strict majority of the
/// founders ([`founding_majority`]), written as a fraction so that it stays a majority
/// as members join.
pub fn draft_charter(
    terms: &CharterTerms,
    founders: &[OrgFile],
    now_ms: u64,
) -> Result<SignedCharter, DraftError> {
    let name = check_name("network name", "--name NAME", &terms.name).map_err(|error| {
        DraftError::BadName {
            problem: match error {
                DataDirError::BadName { problem, .. } => problem,
                other => other.to_string(),
            },
        }
    })?;
    let mut listed: Vec<Founder> = Vec::with_capacity(founders.len());
    for founder in founders {
        if listed.iter().any(|earlier| earlier.org == founder.org) {
            return Err(DraftError::SameOrgTwice {
                org: founder.org,
                name: founder.name.clone(),
            });
        }
        listed.push(Founder {
            org: founder.org,
            name: founder.name.clone(),
        });
    }
    listed.sort_by_key(|founder| founder.org);
    let majority = founding_majority(founders.len());
    SignedCharter::new(Charter {
        version: CHARTER_VERSION,
        name: name.to_owned(),
        founders: listed,
        admission: terms.admission.unwrap_or(majority),
        removal: terms.removal.unwrap_or(majority),
        recovery: terms.recovery.unwrap_or(majority),
        open_read: terms.open_read,
        created_ms: now_ms,
    })
    .map_err(DraftError::Charter)
}

/// Why a charter file could not be read or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CharterFileError {
    /// The file could not be read or written.
    #[error("could not {action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The file is not a charter, or a signature in it does not verify.
    #[error("{} is not a valid charter file", path.display())]
    Charter {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: CharterError,
    },
    /// `--out` names a file that exists.
    #[error("{} already exists: pass another --out FILE, or move it away first", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
}

/// Reads a (possibly partly) signed charter file, checking every signature it holds.
pub fn read_charter_file(path: &Path) -> Result<SignedCharter, CharterFileError> {
    let bytes = read_bounded(path, MAX_CHARTER_BYTES).map_err(|error| match error {
        DataDirError::File(FileError::TooLarge { max, .. }) => CharterFileError::Charter {
            path: path.to_owned(),
            source: CharterError::TooLarge { len: max + 1, max },
        },
        DataDirError::Io { source, .. } => CharterFileError::Io {
            action: "read",
            path: path.to_owned(),
            source,
        },
        other => CharterFileError::Io {
            action: "read",
            path: path.to_owned(),
            source: io::Error::other(other.to_string()),
        },
    })?;
    SignedCharter::decode(&bytes).map_err(|source| CharterFileError::Charter {
        path: path.to_owned(),
        source,
    })
}

/// Writes `charter` to `path` whole or not at all: a temporary file beside it (mode
/// 0600), fsynced, then renamed over `path` (or, unless `replace`, linked to it, which
/// fails if `path` exists), and the directory fsynced.
pub fn write_charter_file(
    path: &Path,
    charter: &SignedCharter,
    replace: bool,
) -> Result<(), CharterFileError> {
    write_atomically(path, &charter.encode(), replace).map_err(|error| match error {
        WriteError::Exists => CharterFileError::Exists {
            path: path.to_owned(),
        },
        WriteError::Io(source) => CharterFileError::Io {
            action: "write",
            path: path.to_owned(),
            source,
        },
    })
}

/// Adds (or renews) the signature of the org holding `root` to the charter file at
/// `path`, and writes the file back atomically. Answers the charter as now signed.
pub fn sign_charter_file(
    path: &Path,
    root: &RootKeypair,
) -> Result<SignedCharter, CharterFileError> {
    let mut charter = read_charter_file(path)?;
    charter
        .sign(root)
        .map_err(|source| CharterFileError::Charter {
            path: path.to_owned(),
            source,
        })?;
    write_charter_file(path, &charter, true)?;
    Ok(charter)
}

/// The founders of `charter` who have not signed it yet, with their names.
pub fn unsigned_founders(charter: &SignedCharter) -> Vec<Founder> {
    let missing = charter.missing_signatures();
    charter
        .charter()
        .founders
        .iter()
        .filter(|founder| missing.contains(&founder.org))
        .cloned()
        .collect()
}

fn founders_text(founders: &[Founder]) -> String {
    founders
        .iter()
        .map(|founder| format!("{} ({})", founder.name, founder.org))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What joining did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinReport {
    /// The network joined.
    pub network: NetworkId,
    /// Its name.
    pub network_name: String,
    /// This org.
    pub org: OrgId,
    /// This device.
    pub device: DeviceKey,
    /// Whether this org is one of the network's founders (and so a member already).
    pub founder: bool,
    /// Whether the data dir was already in this network (nothing was changed).
    pub already: bool,
    /// The network left, if its store was moved aside.
    pub previous: Option<PreviousNetwork>,
}

/// The network a data dir left, and where its files were kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousNetwork {
    /// Its id.
    pub network: NetworkId,
    /// The directory holding its store, charter and delegation.
    pub kept_in: PathBuf,
    /// How many records of this device the store held (retracted ones included).
    pub own_records: u64,
}

/// Why a data dir could not join a network.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum JoinError {
    /// The data dir or its keys.
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    /// The charter file.
    #[error(transparent)]
    CharterFile(#[from] CharterFileError),
    /// Some founders have not signed.
    #[error(
        "the charter {} is not yet signed by {}: ask them to run `commons network sign {}`, \
         then run `commons network join` again",
        path.display(),
        founders_text(missing),
        path.display()
    )]
    Unsigned {
        /// The charter file.
        path: PathBuf,
        /// Who has yet to sign.
        missing: Vec<Founder>,
    },
    /// The node is running on this data dir.
    #[error(
        "the node is running on {}: stop it first (Ctrl-C, or `systemctl stop` for a service), \
         run `commons network join` again, then start it",
        path.display()
    )]
    NodeRunning {
        /// The data dir.
        path: PathBuf,
    },
    /// The store holds other devices' records of another network.
    #[error(
        "this node belongs to network {network}, and its store holds records of {devices} other \
         device(s) there: joining {joining} would leave them behind. Keep this data dir for \
         {network}; if you really mean to leave it, move {} elsewhere yourself (nothing here \
         deletes records), then run `commons network join` again",
        store.display()
    )]
    HoldsOtherRecords {
        /// The network the store belongs to.
        network: NetworkId,
        /// The network being joined.
        joining: NetworkId,
        /// How many other devices have records in the store.
        devices: usize,
        /// The store.
        store: PathBuf,
    },
    /// The store could not be opened or read.
    #[error("could not look into the store before joining")]
    Store(#[source] StoreError),
    /// The new delegation could not be made.
    #[error("could not sign this device's delegation for the new network")]
    Delegation(#[source] RecordError),
    /// A file could not be moved or written.
    #[error("could not {action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl DataDir {
    /// Adopts the completely signed charter at `charter_path`: signs this device's
    /// delegation for its network with the root key (which this data dir must hold),
    /// moves the previous network's store aside (see the module's comment), then
    /// replaces `charter.bin` and `delegation.record`. Refused while the node runs (its
    /// store is locked). Joining the network the data dir is already in changes
    /// nothing; after a crash between the two replacements, joining again completes it.
    pub fn join(&self, charter_path: &Path, now_ms: u64) -> Result<JoinReport, JoinError> {
        let signed = read_charter_file(charter_path)?;
        let missing = unsigned_founders(&signed);
        if !missing.is_empty() {
            return Err(JoinError::Unsigned {
                path: charter_path.to_owned(),
                missing,
            });
        }
        let charter = signed.charter();
        let network = charter.network_id();

        let root = self.open_root()?;
        let org = root.org_id();
        let device = DeviceKeypair::from_seed(read_secret(&self.device_key_path())?);
        let config = ConfigFile::load(&self.config_path()).map_err(DataDirError::from)?;
        let current = read_charter_file(&self.charter_path())?;
        let current_network = current.charter().network_id();
        let report = |already, previous| JoinReport {
            network,
            network_name: charter.name.clone(),
            org,
            device: device.public(),
            founder: charter.is_founder(&org),
            already,
            previous,
        };

        let delegation_holds = read_bounded(&self.delegation_path(), MAX_SIGNED_RECORD_BYTES)
            .ok()
            .and_then(|bytes| validate_record(&bytes, &network).ok())
            .is_some_and(|record| {
                record.record().author == device.public()
                    && matches!(&record.record().body, Body::Delegation(body) if body.org == org)
            });
        if current_network == network && delegation_holds {
            return Ok(report(true, None));
        }

        let previous = if current_network == network {
            None
        } else {
            self.move_store_aside(current_network, network, &device.public())?
        };

        let delegation = FeedWriter::new(device.clone(), network, FeedPosition::EMPTY)
            .append(
                Body::Delegation(Delegation::sign(
                    &root,
                    network,
                    org,
                    device.public(),
                    &config.device_label,
                )),
                now_ms,
            )
            .map_err(JoinError::Delegation)?;
        // The charter first: a crash before the delegation is replaced leaves a data dir
        // that refuses to open, and that joining again completes.
        self.replace(CHARTER_FILE, &signed.encode())?;
        self.replace(DELEGATION_FILE, delegation.signed_bytes())?;
        Ok(report(false, previous))
    }

    fn replace(&self, name: &str, bytes: &[u8]) -> Result<(), JoinError> {
        let path = self.path().join(name);
        write_atomically(&path, bytes, true).map_err(|error| JoinError::Io {
            action: "write",
            path,
            source: match error {
                WriteError::Io(source) => source,
                WriteError::Exists => io::Error::from(io::ErrorKind::AlreadyExists),
            },
        })
    }

    /// Moves the store of `old` (with copies of its charter and delegation) into
    /// `previous-networks/<old>/`, if there is a store and it holds only `device`'s
    /// records.
    fn move_store_aside(
        &self,
        old: NetworkId,
        joining: NetworkId,
        device: &DeviceKey,
    ) -> Result<Option<PreviousNetwork>, JoinError> {
        let store_path = self.store_path();
        if fs::symlink_metadata(&store_path).is_err() {
            return Ok(None);
        }
        let own_records = {
            let store = RedbStore::open(&store_path, old).map_err(|error| match error {
                StoreError::AlreadyOpen => JoinError::NodeRunning {
                    path: self.path().to_owned(),
                },
                StoreError::WrongNetwork { found, .. } => JoinError::HoldsOtherRecords {
                    network: found,
                    joining,
                    devices: 0,
                    store: store_path.clone(),
                },
                other => JoinError::Store(other),
            })?;
            let heads = store.heads().map_err(JoinError::Store)?;
            let others = heads.iter().filter(|head| head.author != *device).count();
            if others > 0 {
                return Err(JoinError::HoldsOtherRecords {
                    network: old,
                    joining,
                    devices: others,
                    store: store_path,
                });
            }
            let stats = store.stats().map_err(JoinError::Store)?;
            stats.records + stats.tombstones
        };

        let base = self.path().join(PREVIOUS_NETWORKS_DIR);
        let mut kept_in = base.join(old.to_string());
        let mut attempt = 1;
        while fs::symlink_metadata(&kept_in).is_ok() {
            attempt += 1;
            kept_in = base.join(format!("{old}-{attempt}"));
        }
        let io_error = |action: &'static str, path: &Path| {
            let path = path.to_owned();
            move |source| JoinError::Io {
                action,
                path,
                source,
            }
        };
        fs::create_dir_all(&kept_in).map_err(io_error("create", &kept_in))?;
        for name in [CHARTER_FILE, DELEGATION_FILE] {
            let from = self.path().join(name);
            let to = kept_in.join(name);
            if let Ok(bytes) = read_bounded(&from, MAX_CHARTER_BYTES) {
                write_atomically(&to, &bytes, false).map_err(|error| JoinError::Io {
                    action: "keep a copy of",
                    path: from.clone(),
                    source: match error {
                        WriteError::Io(source) => source,
                        WriteError::Exists => io::Error::from(io::ErrorKind::AlreadyExists),
                    },
                })?;
            }
        }
        fs::rename(&store_path, kept_in.join(STORE_FILE)).map_err(io_error("move", &store_path))?;
        sync_dir(&kept_in)?;
        sync_dir(self.path())?;
        Ok(Some(PreviousNetwork {
            network: old,
            kept_in,
            own_records,
        }))
    }
}

/// One founding org of a network that [`init_network`] creates: where its node's data
/// directory goes, who it is, and the config written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FounderDir {
    /// The data directory of the org's first node; created (mode 0700) if needed, and
    /// refused if it already holds any of a node's files.
    pub dir: DataDir,
    /// The org's name, as the charter lists it.
    pub org_name: String,
    /// The label of the org's first device.
    pub device_label: String,
    /// The `config.toml` written there. Its `org_name` and `device_label` are replaced
    /// by the checked names above; every other setting is written as it is, so a
    /// devnet or a benchmark can set `target_peers`, `listen` or `bootstrap` here.
    pub config: ConfigFile,
}

impl FounderDir {
    /// A founder whose node is at `dir`, with the default device label
    /// ([`DEFAULT_DEVICE_LABEL`]) and every config setting at its default.
    pub fn new(dir: DataDir, org_name: &str) -> Self {
        FounderDir {
            dir,
            org_name: org_name.to_owned(),
            device_label: DEFAULT_DEVICE_LABEL.to_owned(),
            config: ConfigFile::new(org_name, DEFAULT_DEVICE_LABEL),
        }
    }
}

/// What [`init_network`] created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkReport {
    /// The new network.
    pub network: NetworkId,
    /// The network's name, as written in the charter.
    pub network_name: String,
    /// Each founder's node, in the order the founders were given.
    pub nodes: Vec<InitReport>,
}

/// The thresholds a new charter is written with.
#[derive(Debug, Clone, Copy)]
struct Governance {
    admission: Threshold,
    removal: Threshold,
    recovery: Threshold,
}

/// A founder's keys, made before anything is written.
struct FounderKeys {
    root: RootKeypair,
    device: DeviceKeypair,
}

/// The threshold of a network founded by `founders` orgs: a strict majority of them
/// (`founders / 2 + 1` out of `founders`), written as a fraction so that it stays a
/// majority-sized share as members join.
pub fn founding_majority(founders: usize) -> Threshold {
    let denominator = u32::try_from(founders.max(1)).unwrap_or(u32::MAX);
    Threshold::Fraction {
        numerator: denominator / 2 + 1,
        denominator,
    }
}

/// Creates one network founded by several orgs, and the data directory of each
/// founder's first node: for every founder a new root key and device key, then one
/// charter named `network_name` listing every founder, with [`founding_majority`] as
/// the admission, removal and recovery thresholds, signed by every founder's root key;
/// then in each directory that founder's keys, the shared charter, its device's
/// delegation (dated `now_ms`, like the charter), its own API token and its config,
/// written as [`DataDir::init`] writes them (files 0600, directory 0700).
///
/// Every name and directory is checked before anything is written: no founders, a
/// bad name, a directory given twice or one already holding a node is refused with
/// nothing created. A failure while writing (a full disk) can leave the directories
/// written so far; they hold a network that was never finished and should be removed.
pub fn init_network(
    founders: &[FounderDir],
    network_name: &str,
    now_ms: u64,
) -> Result<NetworkReport, DataDirError> {
    let network_name = check_name("network name", "another network name", network_name)?;
    let majority = founding_majority(founders.len());
    let governance = Governance {
        admission: majority,
        removal: majority,
        recovery: majority,
    };
    let nodes = found_network(founders, network_name, governance, now_ms)?;
    let network = nodes
        .first()
        .map(|node| node.network)
        .ok_or(DataDirError::NewCharter(CharterError::NoFounders))?;
    Ok(NetworkReport {
        network,
        network_name: network_name.to_owned(),
        nodes,
    })
}

/// What [`DataDir::init`] and [`init_network`] share: checks every founder, makes
/// their keys, the charter they all sign, and writes each founder's node.
fn found_network(
    founders: &[FounderDir],
    network_name: &str,
    governance: Governance,
    now_ms: u64,
) -> Result<Vec<InitReport>, DataDirError> {
    if founders.is_empty() {
        return Err(DataDirError::NewCharter(CharterError::NoFounders));
    }
    // Check everything before writing anything, so a refusal leaves no half network.
    let mut checked = Vec::with_capacity(founders.len());
    for (index, founder) in founders.iter().enumerate() {
        let org_name = check_name("org name", "--org-name NAME", &founder.org_name)?;
        let device_label = check_name(
            "device label",
            "--device-label LABEL",
            &founder.device_label,
        )?;
        if founders[..index]
            .iter()
            .any(|earlier| earlier.dir.path() == founder.dir.path())
        {
            return Err(DataDirError::SameDirTwice {
                path: founder.dir.path().to_owned(),
            });
        }
        founder.dir.check_free()?;
        let keys = FounderKeys {
            root: RootKeypair::generate()?,
            device: DeviceKeypair::generate()?,
        };
        checked.push((founder, org_name, device_label, keys));
    }

    let mut listed: Vec<Founder> = checked
        .iter()
        .map(|(_, org_name, _, keys)| Founder {
            org: keys.root.org_id(),
            name: (*org_name).to_owned(),
        })
        .collect();
    // The charter lists its founders in ascending order of org id.
    listed.sort_by_key(|founder| founder.org);
    let mut charter = SignedCharter::new(Charter {
        version: CHARTER_VERSION,
        name: network_name.to_owned(),
        founders: listed,
        admission: governance.admission,
        removal: governance.removal,
        recovery: governance.recovery,
        open_read: false,
        created_ms: now_ms,
    })
    .map_err(DataDirError::NewCharter)?;
    for (_, _, _, keys) in &checked {
        charter.sign(&keys.root).map_err(DataDirError::NewCharter)?;
    }
    charter.complete().map_err(DataDirError::NewCharter)?;
    let network = charter.charter().network_id();

    let mut reports = Vec::with_capacity(checked.len());
    for (founder, org_name, device_label, keys) in &checked {
        let mut config = founder.config.clone();
        config.org_name = (*org_name).to_owned();
        config.device_label = (*device_label).to_owned();
        let files =
            write_founder_node(&founder.dir, keys, &charter, device_label, &config, now_ms)?;
        reports.push(InitReport {
            org: keys.root.org_id(),
            device: keys.device.public(),
            network,
            network_name: network_name.to_owned(),
            data_dir: founder.dir.path().to_owned(),
            files,
        });
    }
    Ok(reports)
}

/// Writes one founder's node: its keys, the network's (completely signed)
/// charter, its device's delegation dated `now_ms`, a new API token and its
/// config, creating the directory (mode 0700) if needed.
fn write_founder_node(
    dir: &DataDir,
    keys: &FounderKeys,
    charter: &SignedCharter,
    device_label: &str,
    config: &ConfigFile,
    now_ms: u64,
) -> Result<Vec<PathBuf>, DataDirError> {
    dir.create_dir()?;
    let network = charter.charter().network_id();
    let org = keys.root.org_id();
    let delegation = FeedWriter::new(keys.device.clone(), network, FeedPosition::EMPTY)
        .append(
            Body::Delegation(Delegation::sign(
                &keys.root,
                network,
                org,
                keys.device.public(),
                device_label,
            )),
            now_ms,
        )
        .map_err(DataDirError::NewDelegation)?;
    let mut token = [0u8; 32];
    getrandom::fill(&mut token).map_err(|_| RngError)?;

    let org_file = OrgFile {
        org,
        name: config.org_name.clone(),
    };
    let contents: [(&str, Vec<u8>); 7] = [
        (ROOT_KEY_FILE, secret_text(&keys.root.seed())),
        (DEVICE_KEY_FILE, secret_text(&keys.device.seed())),
        (CHARTER_FILE, charter.encode()),
        (DELEGATION_FILE, delegation.into_signed_bytes()),
        (API_TOKEN_FILE, secret_text(&token)),
        (CONFIG_FILE, config.to_toml().into_bytes()),
        (ORG_FILE, org_file.to_toml().into_bytes()),
    ];
    let mut files = Vec::with_capacity(contents.len());
    for (name, bytes) in contents {
        files.push(dir.write_new(name, &bytes)?);
    }
    Ok(files)
}

impl DataDir {
    /// Creates a new node here: a new org (root key) with one device, a one-member
    /// network founded by that org, the device's delegation, an API token and a
    /// config. Refuses if the directory already holds any of a node's files; creates
    /// the directory (mode 0700) if needed. `now_ms` dates the charter and the
    /// delegation.
    ///
    /// [`init_network`] does the same for several founding orgs at once.
    pub fn init(
        &self,
        org_name: &str,
        device_label: &str,
        now_ms: u64,
    ) -> Result<InitReport, DataDirError> {
        let founder = FounderDir {
            config: ConfigFile::new(org_name, device_label),
            dir: self.clone(),
            org_name: org_name.to_owned(),
            device_label: device_label.to_owned(),
        };
        let network_name = format!("{} (single-member network)", org_name.trim());
        // One founder decides alone: every threshold is that one vote.
        let governance = Governance {
            admission: Threshold::Count(1),
            removal: Threshold::Count(1),
            recovery: Threshold::Count(1),
        };
        let mut reports = found_network(&[founder], &network_name, governance, now_ms)?;
        reports
            .pop()
            .ok_or(DataDirError::NewCharter(CharterError::NoFounders))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// An org file comes from another org: any text parses or is refused without a
        /// panic, and what parses writes out as text that parses back to the same.
        #[test]
        fn any_org_file_text_parses_or_is_refused(text in "\\PC{0,200}") {
            let path = Path::new("org.toml");
            if let Ok(file) = OrgFile::parse(&text, path) {
                prop_assert_eq!(OrgFile::parse(&file.to_toml(), path).unwrap(), file);
            }
        }

        /// Any org and name (a valid one) round-trips through the file.
        #[test]
        fn org_files_round_trip(seed in any::<[u8; 32]>(), name in "[^\\p{Cc}]{1,100}") {
            prop_assume!(!name.trim().is_empty());
            let org = commons_protocol::RootKeypair::from_seed(seed).org_id();
            let file = OrgFile { org, name: name.trim().to_owned() };
            prop_assert_eq!(OrgFile::parse(&file.to_toml(), Path::new("org.toml")).unwrap(), file);
        }
    }
}
