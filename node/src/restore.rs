//! Backup, restore, and the hold on publishing after a restore: the step before this
//! device signs again, once its data dir has come back from an older copy. A feed's
//! seqs are never reused (docs/protocol.md §7.1): a node restored from a backup may have
//! published records after the backup was made, which its peers hold and it does not.
//! Publishing from the backup's head would sign a second record at a seq already taken,
//! and every peer would freeze this device's feed with a fork proof.
//!
//! - [`backup`] copies a stopped node's data dir (the store opened, so its lock keeps a
//!   node from starting during the copy) into a new directory, written whole or not at
//!   all, and puts the restore mark ([`RESTORE_MARK_FILE`]) in it: any node started
//!   from those files, whether by [`restore`] or by a plain copy, holds its publishing.
//! - [`restore`] copies a backup into the data dir (moving a data dir already there
//!   aside, never deleting it) and makes sure the mark is there.
//! - The publishing gate ([`crate::publish_gate`]) is what the publisher looks at
//!   before it signs. A node started on a marked data dir holds it; the network releases it ([`catch_up`]) once every
//!   member peer it is connected to (at least one) has reported this device's feed head
//!   by sync and the store holds this device's records up to the highest seq any of
//!   them reported. Releasing removes the mark; the publisher then resumes from the
//!   store, after the pulled records.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use commons_protocol::DeviceKey;
use thiserror::Error;
use tracing::info;

use crate::data_dir::{
    API_TOKEN_FILE, BLOBS_DIR, CHARTER_FILE, CONFIG_FILE, DELEGATION_FILE, DEVICE_KEY_FILE,
    DataDir, DataDirError, ORG_FILE, PREVIOUS_NETWORKS_DIR, ROOT_KEY_FILE, ROOT_KEY_LOCATION_FILE,
    SEALING_KEY_FILE, STORE_FILE,
};
use crate::store::{RedbStore, Store, StoreError};

/// The file that marks a data dir as restored from a backup: while it is there, the
/// node holds publishing until it has caught up with its own feed.
pub const RESTORE_MARK_FILE: &str = "restored-from-backup";
/// Every file of a data dir a backup copies, when present (`store.redb` apart).
/// The notifications' file and secret go too: a restored node does not notify again
/// what it had notified, and its webhooks' receivers keep the secret they check with.
/// The sealing key goes too: without it the restored device could not open what working
/// groups sealed to it before.
const BACKED_UP_FILES: [&str; 12] = [
    ROOT_KEY_FILE,
    DEVICE_KEY_FILE,
    SEALING_KEY_FILE,
    CHARTER_FILE,
    DELEGATION_FILE,
    API_TOKEN_FILE,
    CONFIG_FILE,
    ORG_FILE,
    ROOT_KEY_LOCATION_FILE,
    RESTORE_MARK_FILE,
    crate::notify::NOTIFY_DB_FILE,
    crate::notify::NOTIFY_SECRET_FILE,
];
/// The mode of a directory a backup or restore creates.
const DIR_MODE: u32 = 0o700;
/// The mode of every file a backup or restore writes.
const FILE_MODE: u32 = 0o600;

/// What [`backup`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// The new backup directory.
    pub out: PathBuf,
    /// The device whose data dir it is.
    pub device: DeviceKey,
    /// The highest seq of the device's feed in the backed-up store (0: no store yet).
    pub own_seq: u64,
    /// The files copied, in the order copied.
    pub files: Vec<PathBuf>,
    /// Whether the backup holds the org's root key.
    pub has_root_key: bool,
}

/// What [`restore`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// The data dir restored.
    pub data_dir: PathBuf,
    /// The device whose data dir it is.
    pub device: DeviceKey,
    /// The highest seq of the device's feed in the restored store.
    pub own_seq: u64,
    /// Where the data dir found there was moved, if there was one.
    pub moved_aside: Option<PathBuf>,
}

/// Why a backup or a restore failed. Nothing is left half-written: a failed backup
/// leaves no backup directory, a failed restore leaves the data dir as it was.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The node is running on this data dir.
    #[error(
        "a node is running on {}: stop it first (`systemctl stop commons`, or Ctrl-C), then \
         run this again; a copy of a store being written could be torn",
        path.display()
    )]
    NodeRunning {
        /// The data dir.
        path: PathBuf,
    },
    /// The source is not a data dir that opens.
    #[error("{} is not a usable Commons data dir", path.display())]
    Source {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: DataDirError,
    },
    /// The store cannot be opened.
    #[error("the store in {} cannot be opened", path.display())]
    Store {
        /// The data dir.
        path: PathBuf,
        /// Why.
        #[source]
        source: StoreError,
    },
    /// The destination exists.
    #[error(
        "{} already exists: name a new directory (a backup never overwrites anything)",
        path.display()
    )]
    Exists {
        /// The destination.
        path: PathBuf,
    },
    /// The data dir to restore into holds a node, and `replace` was not asked.
    #[error(
        "{} already holds a node: pass --replace to move it aside (to {}) and restore the \
         backup in its place",
        path.display(),
        aside.display()
    )]
    Occupied {
        /// The data dir.
        path: PathBuf,
        /// Where `--replace` would move it.
        aside: PathBuf,
    },
    /// The backup and the data dir are one directory.
    #[error("{} is both the backup and the data dir: name the data dir to restore into with --data-dir", path.display())]
    SameDir {
        /// The directory.
        path: PathBuf,
    },
    /// An I/O error.
    #[error("could not {action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> BackupError {
    let path = path.to_owned();
    move |source| BackupError::Io {
        action,
        path,
        source,
    }
}

/// Opens `dir`'s store, which takes its lock: while the returned store lives no node
/// can run on `dir`. `None` when the node has never run (no store yet).
fn lock_store(
    dir: &DataDir,
    network: commons_protocol::NetworkId,
) -> Result<Option<RedbStore>, BackupError> {
    if fs::symlink_metadata(dir.store_path()).is_err() {
        return Ok(None);
    }
    match RedbStore::open(dir.store_path(), network) {
        Ok(store) => Ok(Some(store)),
        Err(StoreError::AlreadyOpen) => Err(BackupError::NodeRunning {
            path: dir.path().to_owned(),
        }),
        Err(source) => Err(BackupError::Store {
            path: dir.path().to_owned(),
            source,
        }),
    }
}

fn own_seq(store: Option<&RedbStore>, device: &DeviceKey, dir: &Path) -> Result<u64, BackupError> {
    let Some(store) = store else { return Ok(0) };
    store
        .head(device)
        .map(|head| head.map_or(0, |head| head.max_seq))
        .map_err(|source| BackupError::Store {
            path: dir.to_owned(),
            source,
        })
}

/// Copies the stopped node's data dir `dir` into the new directory `out`: every key,
/// charter, config and org file present, the store, the stores of networks left, and a
/// restore mark. The store is opened first (its lock refuses a running node, and keeps
/// one from starting until the copy is done). Everything is written into a temporary
/// sibling of `out`, fsynced, then renamed to `out`, so a failure leaves no backup.
pub fn backup(dir: &DataDir, out: &Path, now_ms: u64) -> Result<BackupReport, BackupError> {
    let opened = dir.open().map_err(|source| BackupError::Source {
        path: dir.path().to_owned(),
        source,
    })?;
    if fs::symlink_metadata(out).is_ok() {
        return Err(BackupError::Exists {
            path: out.to_owned(),
        });
    }
    let device = opened.device().public();
    let store = lock_store(dir, opened.network())?;
    let own_seq = own_seq(store.as_ref(), &device, dir.path())?;

    let partial = sibling(out, "partial")?;
    let written = (|| {
        let mut files = copy_data_dir(dir.path(), &partial)?;
        if fs::symlink_metadata(partial.join(RESTORE_MARK_FILE)).is_err() {
            files.push(write_mark(&partial, &device, own_seq, now_ms)?);
        }
        sync_dir_io(&partial)?;
        fs::rename(&partial, out).map_err(io_error("move the finished backup to", out))?;
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir_io(parent)?;
        }
        Ok(files
            .into_iter()
            .map(|file| out.join(file.strip_prefix(&partial).unwrap_or(&file)))
            .collect())
    })();
    drop(store);
    let files = match written {
        Ok(files) => files,
        Err(error) => {
            let _ = fs::remove_dir_all(&partial);
            return Err(error);
        }
    };
    info!(out = %out.display(), %device, own_seq, "backup written");
    Ok(BackupReport {
        out: out.to_owned(),
        device,
        own_seq,
        files,
        has_root_key: opened.has_root(),
    })
}

/// Restores the backup `from` into the data dir `dir` and marks it restored. If `dir`
/// already holds files, `replace` must be set: the node there must be stopped, and the
/// directory is moved aside to `<dir>.before-restore-<now_ms>` (never deleted). The
/// copy is made in a temporary sibling of `dir` and renamed into place.
pub fn restore(
    from: &DataDir,
    dir: &DataDir,
    replace: bool,
    now_ms: u64,
) -> Result<RestoreReport, BackupError> {
    let same = fs::canonicalize(from.path())
        .ok()
        .zip(fs::canonicalize(dir.path()).ok())
        .is_some_and(|(a, b)| a == b);
    if same || from.path() == dir.path() {
        return Err(BackupError::SameDir {
            path: dir.path().to_owned(),
        });
    }
    let opened = from.open().map_err(|source| BackupError::Source {
        path: from.path().to_owned(),
        source,
    })?;
    let device = opened.device().public();
    let backup_store = lock_store(from, opened.network())?;
    let own_seq = own_seq(backup_store.as_ref(), &device, from.path())?;

    let aside = dir
        .path()
        .with_file_name(format!("{}.before-restore-{now_ms}", file_name(dir.path())));
    let occupied = match fs::read_dir(dir.path()) {
        Ok(mut entries) => entries.next().is_some(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => false,
        Err(error) => return Err(io_error("read", dir.path())(error)),
    };
    // Checked before anything is written, so a refusal changes nothing.
    let _current_store = if occupied {
        if !replace {
            return Err(BackupError::Occupied {
                path: dir.path().to_owned(),
                aside,
            });
        }
        if fs::symlink_metadata(&aside).is_ok() {
            return Err(BackupError::Exists { path: aside });
        }
        // Only the lock matters here: a store that does not open (another network, a
        // damaged file) is moved aside with the rest.
        match fs::symlink_metadata(dir.store_path())
            .ok()
            .map(|_| RedbStore::open(dir.store_path(), opened.network()))
        {
            Some(Err(StoreError::AlreadyOpen)) => {
                return Err(BackupError::NodeRunning {
                    path: dir.path().to_owned(),
                });
            }
            Some(Ok(store)) => Some(store),
            Some(Err(_)) | None => None,
        }
    } else {
        None
    };

    let partial = sibling(dir.path(), "restoring")?;
    let copied = (|| {
        copy_data_dir(from.path(), &partial)?;
        if fs::symlink_metadata(partial.join(RESTORE_MARK_FILE)).is_err() {
            write_mark(&partial, &device, own_seq, now_ms)?;
        }
        sync_dir_io(&partial)
    })();
    drop(backup_store);
    if let Err(error) = copied {
        let _ = fs::remove_dir_all(&partial);
        return Err(error);
    }
    let moved_aside = if occupied {
        fs::rename(dir.path(), &aside).map_err(|error| {
            let _ = fs::remove_dir_all(&partial);
            io_error("move aside", dir.path())(error)
        })?;
        Some(aside)
    } else {
        // An empty directory is in the way of the rename.
        let _ = fs::remove_dir(dir.path());
        None
    };
    fs::rename(&partial, dir.path())
        .map_err(io_error("move the restored data dir to", dir.path()))?;
    if let Some(parent) = dir.path().parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir_io(parent)?;
    }
    info!(data_dir = %dir.path().display(), %device, own_seq, "restored from a backup");
    Ok(RestoreReport {
        data_dir: dir.path().to_owned(),
        device,
        own_seq,
        moved_aside,
    })
}

/// Whether `dir` is marked as restored from a backup.
pub fn is_marked(dir: &DataDir) -> bool {
    fs::symlink_metadata(dir.path().join(RESTORE_MARK_FILE)).is_ok()
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || "data".to_owned(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// A new, empty directory beside `path` (mode 0700), named after it.
fn sibling(path: &Path, what: &str) -> Result<PathBuf, BackupError> {
    let partial = path.with_file_name(format!(
        ".{}.{what}-{}",
        file_name(path),
        std::process::id()
    ));
    if fs::symlink_metadata(&partial).is_ok() {
        fs::remove_dir_all(&partial).map_err(io_error("remove the leftover", &partial))?;
    }
    if let Some(parent) = partial.parent().filter(|p| !p.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(parent)
            .map_err(io_error("create", parent))?;
    }
    DirBuilder::new()
        .mode(DIR_MODE)
        .create(&partial)
        .map_err(io_error("create", &partial))?;
    Ok(partial)
}

/// Copies the data dir files a backup holds from `from` into the empty `to`.
fn copy_data_dir(from: &Path, to: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut files = Vec::new();
    for name in BACKED_UP_FILES.iter().chain(&[STORE_FILE]) {
        let source = from.join(name);
        if fs::symlink_metadata(&source).is_ok() {
            files.push(copy_file(&source, &to.join(name))?);
        }
    }
    let previous = from.join(PREVIOUS_NETWORKS_DIR);
    if previous.is_dir() {
        copy_tree(&previous, &to.join(PREVIOUS_NETWORKS_DIR), &mut files)?;
    }
    copy_blobs(&from.join(BLOBS_DIR), &to.join(BLOBS_DIR), &mut files)?;
    Ok(files)
}

/// Copies the attachments held whole (each file and its chunk list), not the partial
/// fetches or the files being written: a restored node fetches what it lacks again.
fn copy_blobs(from: &Path, to: &Path, files: &mut Vec<PathBuf>) -> Result<(), BackupError> {
    let held = crate::blobs::list_complete(from).map_err(|error| BackupError::Io {
        action: "list the attachments in",
        path: from.to_owned(),
        source: io::Error::other(error.to_string()),
    })?;
    if held.is_empty() {
        return Ok(());
    }
    DirBuilder::new()
        .mode(DIR_MODE)
        .create(to)
        .map_err(io_error("create", to))?;
    for blob in held {
        let name = crate::blobs::file_name(&blob);
        files.push(copy_file(&from.join(&name), &to.join(&name))?);
        let chunks = format!("{name}{}", crate::blobs::CHUNKS_SUFFIX);
        if fs::symlink_metadata(from.join(&chunks)).is_ok() {
            files.push(copy_file(&from.join(&chunks), &to.join(&chunks))?);
        }
    }
    sync_dir_io(to)
}

fn copy_tree(from: &Path, to: &Path, files: &mut Vec<PathBuf>) -> Result<(), BackupError> {
    DirBuilder::new()
        .mode(DIR_MODE)
        .create(to)
        .map_err(io_error("create", to))?;
    for entry in fs::read_dir(from).map_err(io_error("read", from))? {
        let entry = entry.map_err(io_error("read", from))?;
        let kind = entry.file_type().map_err(io_error("read", &entry.path()))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target, files)?;
        } else if kind.is_file() {
            files.push(copy_file(&entry.path(), &target)?);
        }
    }
    sync_dir_io(to)
}

/// Copies one file into a new file (mode 0600), fsynced.
fn copy_file(from: &Path, to: &Path) -> Result<PathBuf, BackupError> {
    let mut source = File::open(from).map_err(io_error("read", from))?;
    let mut target = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(to)
        .map_err(io_error("create", to))?;
    io::copy(&mut source, &mut target).map_err(io_error("copy into", to))?;
    target.sync_all().map_err(io_error("write", to))?;
    Ok(to.to_owned())
}

fn write_mark(
    dir: &Path,
    device: &DeviceKey,
    own_seq: u64,
    now_ms: u64,
) -> Result<PathBuf, BackupError> {
    let path = dir.join(RESTORE_MARK_FILE);
    let text = format!(
        "# This data dir comes from a backup of device {device}, whose feed stood at seq\n\
         # {own_seq} when the backup was made (at {now_ms} ms since 1970). Its node may have\n\
         # published after that. While this file is here, the node holds publishing until\n\
         # its member peers have reported this device's feed head and it has pulled its own\n\
         # records up to it; then it removes this file. Do not remove it by hand.\n\
         device = \"{device}\"\n\
         seq_at_backup = {own_seq}\n\
         backed_up_ms = {now_ms}\n"
    );
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&path)
        .map_err(io_error("create", &path))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io_error("write", &path))?;
    Ok(path)
}

fn sync_dir_io(path: &Path) -> Result<(), BackupError> {
    crate::files::sync_dir(path).map_err(|source| BackupError::Io {
        action: "sync the directory",
        path: path.to_owned(),
        source,
    })
}
