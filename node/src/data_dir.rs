//! The node's data directory, before anything runs: `commons init` creates it (keys,
//! charter, the device's delegation record, the API token and the config) and
//! `commons node run` opens and checks it before the daemon starts. The delegation
//! record written here is the first record the node ingests. What `init` writes, and
//! [`crate::founding::init_network`] for several founding orgs at once, is decided in
//! [`crate::founding`]; this module names the files, writes each one whole and reads
//! them back.
//!
//! | file | what it holds | mode |
//! |---|---|---|
//! | `root.key` | the org's root key seed, 64 hex digits (absent on a device made by `commons devices add`, or once the operator moved it offline) | 0600 |
//! | `device.key` | this device's key seed, 64 hex digits | 0600 |
//! | `api-token` | the control API's bearer token, 64 hex digits | 0600 |
//! | `charter.bin` | the signed charter of the network | 0600 |
//! | `delegation.record` | the device feed's seq 1, signed | 0600 |
//! | `config.toml` | [`ConfigFile`] | 0600 |
//! | `org.toml` | the public org file: org id and name, for founders drafting a charter ([`OrgFile`]) | 0600 |
//! | `root-key-location` | on a device without `root.key`: where the root key was when the device was delegated | 0600 |
//! | `store.redb` | the store, created by the node | |
//! | `blobs/` | attachments' bytes ([`crate::blobs`]), created by the node | |
//! | `previous-networks/` | stores of networks this node left by `commons network join` ([`crate::founding`]) | |
//!
//! Every file is written whole or not at all (a temporary file, fsynced, then linked
//! into place, which fails rather than replacing an existing file), and the directory
//! is fsynced after each.

use std::fs::{self, DirBuilder};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use commons_protocol::charter::MAX_CHARTER_BYTES;
use commons_protocol::text::hex;
use commons_protocol::{
    Body, CharterError, DeviceKey, DeviceKeypair, MAX_SIGNED_RECORD_BYTES, NetworkId, OrgId,
    ParseKeyError, RecordError, RngError, RootKeypair, SealingKeypair, SignedCharter, fresh_bytes,
    validate_record,
};
use serde::Deserialize;
use thiserror::Error;

use crate::config::{ConfigError, ConfigFile};

/// The environment variable naming the data directory when `--data-dir` is not given.
pub const DATA_DIR_ENV: &str = "COMMONS_DATA_DIR";
/// The directory under the platform's data directory used by default.
pub const DEFAULT_DIR_NAME: &str = "commons";

/// The org's root key seed.
pub const ROOT_KEY_FILE: &str = "root.key";
/// This device's key seed.
pub const DEVICE_KEY_FILE: &str = "device.key";
/// The device's sealing key for working groups (docs/groups.md §4), beside the device
/// key and as private: made at the node's first start after it was added.
pub const SEALING_KEY_FILE: &str = "sealing.key";
/// The signed charter.
pub const CHARTER_FILE: &str = "charter.bin";
/// The device feed's first record: the root key's delegation of the device.
pub const DELEGATION_FILE: &str = "delegation.record";
/// The control API's bearer token.
pub const API_TOKEN_FILE: &str = "api-token";
/// The configuration.
pub const CONFIG_FILE: &str = "config.toml";
/// The store, created by the node on its first start.
pub const STORE_FILE: &str = "store.redb";
/// Attachments' bytes, created by the node ([`crate::blobs`]).
pub const BLOBS_DIR: &str = "blobs";
/// The search index's folder in a data dir: words of the store's records, rebuilt from
/// the store whenever it is missing or behind (store/text_index.rs).
pub const SEARCH_INDEX_DIR: &str = "search-index";
/// The directory of a data dir where the stores of networks it left are kept (copied
/// whole by a backup).
pub const PREVIOUS_NETWORKS_DIR: &str = "previous-networks";
/// The public org file: the org's id and name.
pub const ORG_FILE: &str = "org.toml";
/// On a device data dir without `root.key`: where the org's root key is kept.
pub const ROOT_KEY_LOCATION_FILE: &str = "root-key-location";

/// The default device label given by `commons init`.
pub const DEFAULT_DEVICE_LABEL: &str = "node";
/// The longest org name or device label accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The files `init` writes, in the order written; any of them present means the
/// directory already holds a node.
pub(crate) const NODE_FILES: [&str; 7] = [
    ROOT_KEY_FILE,
    DEVICE_KEY_FILE,
    CHARTER_FILE,
    DELEGATION_FILE,
    API_TOKEN_FILE,
    CONFIG_FILE,
    ORG_FILE,
];
/// The files a node cannot run without. `root.key` is not one of them: the root key
/// is needed only to delegate or revoke devices, sign a charter or join a network, and
/// is best kept on as few machines as possible. `org.toml` is not either: data dirs
/// made before it existed have none.
const REQUIRED_FILES: [&str; 5] = [
    DEVICE_KEY_FILE,
    CHARTER_FILE,
    DELEGATION_FILE,
    API_TOKEN_FILE,
    CONFIG_FILE,
];
/// Files that must be readable by their owner only (when present).
const SECRET_FILES: [&str; 3] = [ROOT_KEY_FILE, DEVICE_KEY_FILE, API_TOKEN_FILE];
/// The mode of a data directory `init` creates.
pub(crate) const DIR_MODE: u32 = 0o700;
use crate::files::{FileError, MAX_SECRET_FILE_BYTES};

/// A data directory, named but not yet opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    path: PathBuf,
}

/// What `init` created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    /// The new org's id (its root public key).
    pub org: OrgId,
    /// This device's public key (its libp2p identity).
    pub device: DeviceKey,
    /// The new single-member network.
    pub network: NetworkId,
    /// The network's name, as written in the charter.
    pub network_name: String,
    /// The data directory.
    pub data_dir: PathBuf,
    /// Every file written, in the order written.
    pub files: Vec<PathBuf>,
}

/// A data directory whose files have all been read and checked.
#[derive(Clone)]
pub struct OpenedDataDir {
    dir: DataDir,
    /// `None` on a device whose data dir holds no `root.key`.
    root: Option<RootKeypair>,
    org: OrgId,
    device: DeviceKeypair,
    charter: SignedCharter,
    network: NetworkId,
    delegation: Vec<u8>,
    api_token: String,
    config: ConfigFile,
}

impl std::fmt::Debug for OpenedDataDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keypairs print their public half only; the token is not printed at all.
        f.debug_struct("OpenedDataDir")
            .field("dir", &self.dir)
            .field("root", &self.root)
            .field("org", &self.org)
            .field("device", &self.device)
            .field("network", &self.network)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl DataDir {
    /// The data directory at `path`, as given.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DataDir { path: path.into() }
    }

    /// The data directory to use: `flag` (`--data-dir`), else the `COMMONS_DATA_DIR`
    /// environment variable, else `commons` under the platform's data directory
    /// (`~/.local/share/commons` on Linux). A relative path is made absolute against
    /// the current directory, so messages name the directory unambiguously.
    pub fn resolve(flag: Option<PathBuf>) -> Result<DataDir, DataDirError> {
        let env = std::env::var_os(DATA_DIR_ENV).map(PathBuf::from);
        let path = choose_path(flag, env, dirs::data_dir)?;
        let path = std::path::absolute(&path).map_err(|source| DataDirError::Io {
            action: "find the current directory to resolve",
            path: path.clone(),
            source,
        })?;
        Ok(DataDir { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `root.key`.
    pub fn root_key_path(&self) -> PathBuf {
        self.path.join(ROOT_KEY_FILE)
    }

    /// `device.key`.
    pub fn device_key_path(&self) -> PathBuf {
        self.path.join(DEVICE_KEY_FILE)
    }

    /// `charter.bin`.
    pub fn charter_path(&self) -> PathBuf {
        self.path.join(CHARTER_FILE)
    }

    /// `delegation.record`.
    pub fn delegation_path(&self) -> PathBuf {
        self.path.join(DELEGATION_FILE)
    }

    /// `api-token`.
    pub fn api_token_path(&self) -> PathBuf {
        self.path.join(API_TOKEN_FILE)
    }

    /// `config.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.path.join(CONFIG_FILE)
    }

    /// `store.redb` (created by the node, not by `init`).
    pub fn store_path(&self) -> PathBuf {
        self.path.join(STORE_FILE)
    }

    /// `search-index/`: the words of the store's records (made by the node).
    pub fn search_index_path(&self) -> PathBuf {
        self.path.join(SEARCH_INDEX_DIR)
    }

    /// `blobs/`: attachments' bytes (created by the node, not by `init`).
    pub fn blobs_path(&self) -> PathBuf {
        self.path.join(BLOBS_DIR)
    }

    /// Refuses if the directory already holds any of a node's files.
    pub(crate) fn check_free(&self) -> Result<(), DataDirError> {
        for name in NODE_FILES {
            let file = self.path.join(name);
            if fs::symlink_metadata(&file).is_ok() {
                return Err(DataDirError::AlreadyInitialised {
                    path: self.path.clone(),
                    found: file,
                });
            }
        }
        Ok(())
    }

    /// Reads and checks every file: the key files parse and are readable by their
    /// owner only, the charter is completely signed, the delegation record is valid
    /// in the charter's network and delegates this device from this org (from the key
    /// in `root.key`, when there is one), and the config parses. A data dir without
    /// `root.key` opens: [`OpenedDataDir::root`] then says where the root key is.
    pub fn open(&self) -> Result<OpenedDataDir, DataDirError> {
        if !NODE_FILES
            .iter()
            .any(|name| fs::symlink_metadata(self.path.join(name)).is_ok())
        {
            return Err(DataDirError::NotInitialised {
                path: self.path.clone(),
            });
        }
        for name in REQUIRED_FILES {
            let file = self.path.join(name);
            if fs::symlink_metadata(&file).is_err() {
                return Err(DataDirError::Incomplete { missing: file });
            }
        }
        for name in SECRET_FILES {
            let file = self.path.join(name);
            if name != ROOT_KEY_FILE || fs::symlink_metadata(&file).is_ok() {
                check_private(&file)?;
            }
        }

        let root = self.read_root()?;
        let device = DeviceKeypair::from_seed(read_secret(&self.device_key_path())?);
        let api_token = hex(&read_secret(&self.api_token_path())?);

        let charter_path = self.charter_path();
        let charter_bytes = read_bounded(&charter_path, MAX_CHARTER_BYTES)?;
        let charter =
            SignedCharter::decode(&charter_bytes).map_err(|source| DataDirError::Charter {
                path: charter_path.clone(),
                source,
            })?;
        charter.complete().map_err(|source| DataDirError::Charter {
            path: charter_path,
            source,
        })?;
        let network = charter.charter().network_id();

        let delegation_path = self.delegation_path();
        let delegation = read_bounded(&delegation_path, MAX_SIGNED_RECORD_BYTES)?;
        let record =
            validate_record(&delegation, &network).map_err(|source| DataDirError::Delegation {
                path: delegation_path.clone(),
                source,
            })?;
        let header = record.record();
        let mismatch = |reason: &'static str| DataDirError::DelegationMismatch {
            path: delegation_path.clone(),
            reason,
        };
        if header.author != device.public() {
            return Err(mismatch("its author is not the key in device.key"));
        }
        if header.seq != 1 {
            return Err(mismatch("it is not the first record of the device's feed"));
        }
        let org = match &header.body {
            Body::Delegation(body)
                if root.as_ref().is_some_and(|root| body.org != root.org_id()) =>
            {
                return Err(mismatch("it names another org than the key in root.key"));
            }
            Body::Delegation(body) => body.org,
            _ => return Err(mismatch("it is not a delegation")),
        };

        let config = ConfigFile::load(&self.config_path())?;
        Ok(OpenedDataDir {
            dir: self.clone(),
            root,
            org,
            device,
            charter,
            network,
            delegation,
            api_token,
            config,
        })
    }

    /// The root key in `root.key` (checked to be readable by its owner only), or
    /// `None` if there is no such file.
    pub fn read_root(&self) -> Result<Option<RootKeypair>, DataDirError> {
        let path = self.root_key_path();
        match fs::symlink_metadata(&path) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            _ => {
                check_private(&path)?;
                Ok(Some(RootKeypair::from_seed(read_secret(&path)?)))
            }
        }
    }

    /// The root key, for the offline commands that sign with it (`network sign`,
    /// `network join`): an error if the directory holds no node, or if its `root.key`
    /// is elsewhere (saying where, when known).
    pub fn open_root(&self) -> Result<RootKeypair, DataDirError> {
        if !NODE_FILES
            .iter()
            .any(|name| fs::symlink_metadata(self.path.join(name)).is_ok())
        {
            return Err(DataDirError::NotInitialised {
                path: self.path.clone(),
            });
        }
        self.read_root()?.ok_or_else(|| self.root_elsewhere())
    }

    /// The error for an operation that needs the root key this data dir lacks, naming
    /// where the key is if `root-key-location` says.
    pub(crate) fn root_elsewhere(&self) -> DataDirError {
        let location = read_bounded(
            &self.path.join(ROOT_KEY_LOCATION_FILE),
            MAX_SECRET_FILE_BYTES,
        )
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty() && !text.chars().any(char::is_control));
        DataDirError::RootKeyElsewhere {
            path: self.root_key_path(),
            location,
        }
    }

    pub(crate) fn create_dir(&self) -> Result<(), DataDirError> {
        match fs::metadata(&self.path) {
            Ok(meta) if meta.is_dir() => Ok(()),
            Ok(_) => Err(DataDirError::NotADirectory {
                path: self.path.clone(),
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => DirBuilder::new()
                .recursive(true)
                .mode(DIR_MODE)
                .create(&self.path)
                .map_err(|source| DataDirError::Io {
                    action: "create the data directory",
                    path: self.path.clone(),
                    source,
                }),
            Err(source) => Err(DataDirError::Io {
                action: "look at the data directory",
                path: self.path.clone(),
                source,
            }),
        }
    }

    /// The device's sealing key pair (`sealing.key`, mode 0600): read, or made from the
    /// operating system's randomness and written the first time, so a data dir made
    /// before working groups existed gets one at its next start.
    pub fn sealing_key(&self) -> Result<SealingKeypair, DataDirError> {
        let path = self.path.join(SEALING_KEY_FILE);
        if fs::symlink_metadata(&path).is_ok() {
            check_private(&path)?;
            return Ok(SealingKeypair::from_seed(read_secret(&path)?));
        }
        let seed = fresh_bytes()?;
        self.write_new(SEALING_KEY_FILE, &secret_text(&seed))?;
        Ok(SealingKeypair::from_seed(seed))
    }

    /// Writes `bytes` to the new file `name`: a temporary file (mode 0600), fsynced,
    /// hard-linked to its name (which fails if the name exists, so nothing is ever
    /// replaced), then the temporary name removed and the directory fsynced.
    pub(crate) fn write_new(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, DataDirError> {
        crate::files::write_new(&self.path, name, bytes).map_err(|error| match error {
            FileError::Exists { path } => DataDirError::AlreadyInitialised {
                path: self.path.clone(),
                found: path,
            },
            other => other.into(),
        })
    }
}

/// The largest org file read, in bytes.
pub const MAX_ORG_FILE_BYTES: usize = 4096;

/// An org's public card: its id and its name. `commons init` writes it as `org.toml`
/// in the data dir; a founder hands it to whoever drafts the charter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFile {
    /// The org's id (its first root key).
    pub org: OrgId,
    /// Its name, as the charter will list it.
    pub name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgFileText {
    org: String,
    name: String,
}

/// Why an org file could not be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OrgFileError {
    /// The file could not be read.
    #[error("could not read the org file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Larger than an org file can be.
    #[error(
        "{} is larger than {MAX_ORG_FILE_BYTES} bytes, so it is not an org file: ask the org \
         for the org.toml in its data directory",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// Not the org file's TOML.
    #[error(
        "{} is not an org file (expected `org = \"org_…\"` and `name = \"…\"`): {message}; ask \
         the org for the org.toml in its data directory",
        path.display()
    )]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// The org id is not one.
    #[error("{} names an org id that is not valid ({error}): ask the org for its org.toml again", path.display())]
    BadOrg {
        /// The file.
        path: PathBuf,
        /// Why.
        error: ParseKeyError,
    },
    /// The name cannot be used.
    #[error("the name in {} {problem}: ask the org to fix it", path.display())]
    BadName {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

impl OrgFile {
    /// The file's text.
    pub fn to_toml(&self) -> String {
        let quoted = |text: &str| toml::Value::String(text.to_owned()).to_string();
        format!(
            "# A Commons org file: public. Hand it to the founder who drafts a network's\n\
             # charter (`commons network create --founder org.toml …`).\n\
             org = {}\n\
             name = {}\n",
            quoted(&self.org.to_string()),
            quoted(&self.name),
        )
    }

    /// Parses the text of the org file at `path` (named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self, OrgFileError> {
        let parsed: OrgFileText = toml::from_str(text).map_err(|error| OrgFileError::Parse {
            path: path.to_owned(),
            message: error.message().to_owned(),
        })?;
        let org = parsed
            .org
            .trim()
            .parse::<OrgId>()
            .map_err(|error| OrgFileError::BadOrg {
                path: path.to_owned(),
                error,
            })?;
        let name = check_name("org name", "", &parsed.name)
            .map_err(|error| OrgFileError::BadName {
                path: path.to_owned(),
                problem: match error {
                    DataDirError::BadName { problem, .. } => problem,
                    other => other.to_string(),
                },
            })?
            .to_owned();
        Ok(OrgFile { org, name })
    }

    /// Reads the org file at `path` (at most [`MAX_ORG_FILE_BYTES`]).
    pub fn load(path: &Path) -> Result<Self, OrgFileError> {
        let bytes = read_bounded(path, MAX_ORG_FILE_BYTES).map_err(|error| match error {
            DataDirError::File(FileError::TooLarge { .. }) => OrgFileError::TooLarge {
                path: path.to_owned(),
            },
            DataDirError::Io { source, .. } => OrgFileError::Read {
                path: path.to_owned(),
                source,
            },
            other => OrgFileError::Read {
                path: path.to_owned(),
                source: io::Error::other(other.to_string()),
            },
        })?;
        let text = String::from_utf8(bytes).map_err(|_| OrgFileError::Parse {
            path: path.to_owned(),
            message: "it is not UTF-8 text".to_owned(),
        })?;
        Self::parse(&text, path)
    }
}

impl OpenedDataDir {
    /// The data directory and its file names.
    pub fn dir(&self) -> &DataDir {
        &self.dir
    }

    /// The org's root key, or (on a device whose data dir holds no `root.key`) an
    /// error saying which machine holds it.
    pub fn root(&self) -> Result<&RootKeypair, DataDirError> {
        self.root.as_ref().ok_or_else(|| self.dir.root_elsewhere())
    }

    /// Whether this data dir holds the org's root key.
    pub fn has_root(&self) -> bool {
        self.root.is_some()
    }

    /// The org's id, as this device's delegation names it.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// This device's key: it signs the device's feed and is the node's identity.
    pub fn device(&self) -> &DeviceKeypair {
        &self.device
    }

    /// The network's charter, completely signed.
    pub fn charter(&self) -> &SignedCharter {
        &self.charter
    }

    /// The network's id.
    pub fn network(&self) -> NetworkId {
        self.network
    }

    /// The signed bytes of the device feed's first record (its delegation), already
    /// checked by `validate_record`; the node ingests them on its first start.
    pub fn delegation(&self) -> &[u8] {
        &self.delegation
    }

    /// The control API's bearer token, as 64 hex digits.
    pub fn api_token(&self) -> &str {
        &self.api_token
    }

    /// The config file as written (apply overrides with [`ConfigFile::build`]).
    pub fn config(&self) -> &ConfigFile {
        &self.config
    }
}

/// Why a data directory could not be resolved, created or opened.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DataDirError {
    /// No flag, no environment variable, and no platform data directory.
    #[error(
        "could not find the platform's data directory (is $HOME set?): pass --data-dir PATH \
         or set {DATA_DIR_ENV}"
    )]
    NoDefaultDir,
    /// The directory holds no node.
    #[error(
        "no Commons node here: run `commons init --org-name NAME` first (data dir: {})",
        path.display()
    )]
    NotInitialised {
        /// The data directory.
        path: PathBuf,
    },
    /// `init` found a node's file already there.
    #[error(
        "already initialised: {} already holds {}; use another --data-dir (or {DATA_DIR_ENV}) \
         for a new node",
        path.display(),
        found.display()
    )]
    AlreadyInitialised {
        /// The data directory.
        path: PathBuf,
        /// The file found.
        found: PathBuf,
    },
    /// Some files are there and some are not.
    #[error(
        "{} is missing, so this data directory is incomplete (an interrupted `commons init`?): \
         restore it from a backup, or move the directory away and run `commons init` again",
        missing.display()
    )]
    Incomplete {
        /// The missing file.
        missing: PathBuf,
    },
    /// [`crate::founding::init_network`] was given one directory for two founders.
    #[error(
        "{} is named for two founders: give each founder its own data directory",
        path.display()
    )]
    SameDirTwice {
        /// The directory.
        path: PathBuf,
    },
    /// The data directory's path names a file.
    #[error("{} is not a directory: pass another --data-dir", path.display())]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// A file of the data dir could not be written or read safely (an interrupted
    /// write in the way, a secret others can read, a key file that is not one, a file
    /// too large to be what it should).
    #[error(transparent)]
    File(FileError),
    /// The charter file is not a completely signed charter.
    #[error("{} is not a valid, completely signed charter", path.display())]
    Charter {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: CharterError,
    },
    /// The delegation record is not valid in the charter's network.
    #[error("{} is not a valid delegation record of this network", path.display())]
    Delegation {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: RecordError,
    },
    /// The delegation record does not belong to these keys.
    #[error(
        "{} does not delegate this node's device from this org: {reason}; the data directory's \
         files do not belong together, restore them from one backup",
        path.display()
    )]
    DelegationMismatch {
        /// The file.
        path: PathBuf,
        /// What does not match.
        reason: &'static str,
    },
    /// An org name or device label that cannot be used.
    #[error("the {what} {problem}: pass {flag}")]
    BadName {
        /// `org name` or `device label`.
        what: &'static str,
        /// What is wrong.
        problem: String,
        /// The flag to fix it with.
        flag: &'static str,
    },
    /// An operation needs the org's root key, and this data dir has none.
    #[error(
        "this needs your organization's root key, and {} is not here: {}",
        path.display(),
        match location {
            Some(location) => format!(
                "it was at {location} when this device was added; run the command there (or \
                 copy root.key back here for the moment)"
            ),
            None => "run the command on the machine that holds root.key (or copy it back \
                     here for the moment)"
                .to_owned(),
        }
    )]
    RootKeyElsewhere {
        /// Where `root.key` would be.
        path: PathBuf,
        /// What `root-key-location` says, if anything.
        location: Option<String>,
    },
    /// The charter could not be made (from `init`).
    #[error("could not create the charter")]
    NewCharter(#[source] CharterError),
    /// The delegation could not be made (from `init`).
    #[error("could not create the device's delegation record")]
    NewDelegation(#[source] RecordError),
    /// The system's random number generator failed.
    #[error(transparent)]
    Rng(#[from] RngError),
    /// The config file could not be read.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An I/O error.
    #[error("could not {action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: io::Error,
    },
}

/// The rule behind [`DataDir::resolve`], without the environment: flag, then the
/// environment variable (if not empty), then the platform's data directory.
fn choose_path(
    flag: Option<PathBuf>,
    env: Option<PathBuf>,
    platform: impl FnOnce() -> Option<PathBuf>,
) -> Result<PathBuf, DataDirError> {
    if let Some(path) = flag {
        return Ok(path);
    }
    if let Some(path) = env.filter(|path| !path.as_os_str().is_empty()) {
        return Ok(path);
    }
    platform()
        .map(|base| base.join(DEFAULT_DIR_NAME))
        .ok_or(DataDirError::NoDefaultDir)
}

pub(crate) fn check_name<'a>(
    what: &'static str,
    flag: &'static str,
    name: &'a str,
) -> Result<&'a str, DataDirError> {
    let name = name.trim();
    let problem = if name.is_empty() {
        Some("must not be empty".to_owned())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some(format!("is longer than {MAX_NAME_CHARS} characters"))
    } else if name.chars().any(char::is_control) {
        Some("must not hold control characters such as newlines".to_owned())
    } else {
        None
    };
    match problem {
        Some(problem) => Err(DataDirError::BadName {
            what,
            problem,
            flag,
        }),
        None => Ok(name),
    }
}

pub(crate) use crate::files::secret_text;

pub(crate) fn check_private(path: &Path) -> Result<(), DataDirError> {
    Ok(crate::files::check_private(path)?)
}

pub(crate) fn read_secret(path: &Path) -> Result<[u8; 32], DataDirError> {
    Ok(crate::files::read_secret(path)?)
}

/// Reads `path` whole, refusing it if it is longer than `max` bytes.
pub(crate) fn read_bounded(path: &Path, max: usize) -> Result<Vec<u8>, DataDirError> {
    Ok(crate::files::read_bounded(path, max)?)
}

pub(crate) fn sync_dir(path: &Path) -> Result<(), DataDirError> {
    crate::files::sync_dir(path).map_err(|source| DataDirError::Io {
        action: "sync the directory",
        path: path.to_owned(),
        source,
    })
}

impl From<FileError> for DataDirError {
    fn from(error: FileError) -> Self {
        match error {
            FileError::Io {
                action,
                path,
                source,
            } => DataDirError::Io {
                action,
                path,
                source,
            },
            FileError::Exists { path } => DataDirError::AlreadyInitialised {
                found: path.clone(),
                path: path.parent().map(Path::to_owned).unwrap_or(path),
            },
            other => DataDirError::File(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_beats_the_environment_which_beats_the_platform() {
        let platform = || Some(PathBuf::from("/home/a/.local/share"));
        assert_eq!(
            choose_path(Some("/flag".into()), Some("/env".into()), platform).unwrap(),
            PathBuf::from("/flag")
        );
        assert_eq!(
            choose_path(None, Some("/env".into()), platform).unwrap(),
            PathBuf::from("/env")
        );
        assert_eq!(
            choose_path(None, Some("".into()), platform).unwrap(),
            PathBuf::from("/home/a/.local/share/commons")
        );
        assert_eq!(
            choose_path(None, None, platform).unwrap(),
            PathBuf::from("/home/a/.local/share/commons")
        );
        let error = choose_path(None, None, || None).unwrap_err();
        assert!(error.to_string().contains("--data-dir"), "{error}");
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(
            check_name("org name", "--org-name NAME", "  A  ").unwrap(),
            "A"
        );
        for bad in ["", "   ", "two\nlines"] {
            let error = check_name("org name", "--org-name NAME", bad).unwrap_err();
            assert!(error.to_string().contains("--org-name NAME"), "{error}");
        }
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        assert!(check_name("device label", "--device-label LABEL", &long).is_err());
    }

    #[test]
    fn secret_files_are_hex_and_a_newline() {
        let text = secret_text(&[0xab; 32]);
        assert_eq!(text.len(), 65);
        assert_eq!(text.last(), Some(&b'\n'));
        assert_eq!(
            commons_protocol::text::parse_hex32(std::str::from_utf8(&text).unwrap().trim()),
            Some([0xab; 32])
        );
    }
}
