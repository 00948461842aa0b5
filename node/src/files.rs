//! Files on disk, below every step of a record's path: what makes a write durable (a
//! new private file, a whole-or-nothing replacement, a directory's entries fsynced) and
//! a secret file safe to read. The data dir, founding, restore, the blob store,
//! notifications and the publishing gate share these rather than each opening, writing
//! and syncing in its own way.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use commons_protocol::text::{hex, parse_hex32};
use thiserror::Error;

/// The mode of every file written here: readable and writable by its owner only.
pub const FILE_MODE: u32 = 0o600;
/// Permission bits that give anyone but the owner access.
pub const OTHERS_MASK: u32 = 0o077;
/// The largest key or token file read, in bytes (64 hex digits and a newline, with
/// room for stray whitespace).
pub const MAX_SECRET_FILE_BYTES: usize = 1024;

/// Why a file could not be written or read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FileError {
    /// The operating system refused.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A temporary file from an interrupted write is in the way.
    #[error(
        "{} was left behind by an interrupted write: remove it and try again",
        path.display()
    )]
    LeftoverTemporary {
        /// The temporary file.
        path: PathBuf,
    },
    /// The file to write new is already there (nothing is ever replaced).
    #[error("{} already exists and is never replaced", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// A secret file that others can read or write.
    #[error(
        "{} can be read or changed by other users (mode {mode:03o}): run `chmod 600 {}` and \
         try again, and consider the key exposed if others could log in here",
        path.display(),
        path.display()
    )]
    InsecurePermissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A key or token file that is not 64 hex digits.
    #[error(
        "{} is not a valid key file (expected 64 lowercase hex digits and a newline): \
         restore it from a backup",
        path.display()
    )]
    BadSecretFile {
        /// The file.
        path: PathBuf,
    },
    /// A file larger than it can be.
    #[error("{} is larger than {max} bytes, so it cannot be what it should: restore it from a backup", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: usize,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> FileError {
    let path = path.to_owned();
    move |source| FileError::Io {
        action,
        path,
        source,
    }
}

/// Writes `bytes` to the new file `name` in `dir`: a temporary file (mode 0600),
/// fsynced, hard-linked to its name (which fails if the name exists, so nothing is ever
/// replaced), then the temporary name removed and the directory fsynced.
pub fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, FileError> {
    let target = dir.join(name);
    let temporary = dir.join(format!(".{name}.tmp"));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&temporary)
        .map_err(|source| {
            if source.kind() == io::ErrorKind::AlreadyExists {
                FileError::LeftoverTemporary {
                    path: temporary.clone(),
                }
            } else {
                io_error("create", &temporary)(source)
            }
        })?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io_error("write", &temporary));
    drop(file);
    let linked = written.and_then(|()| {
        fs::hard_link(&temporary, &target).map_err(|source| {
            if source.kind() == io::ErrorKind::AlreadyExists {
                FileError::Exists {
                    path: target.clone(),
                }
            } else {
                io_error("create", &target)(source)
            }
        })
    });
    let removed = fs::remove_file(&temporary).map_err(io_error("remove", &temporary));
    linked?;
    removed?;
    sync_dir(dir).map_err(io_error("sync the directory", dir))?;
    Ok(target)
}

/// 32 secret bytes as a file: 64 lowercase hex digits and a newline.
pub fn secret_text(bytes: &[u8; 32]) -> Vec<u8> {
    let mut text = hex(bytes).into_bytes();
    text.push(b'\n');
    text
}

/// Refuses `path` if anyone but its owner may read or write it.
pub fn check_private(path: &Path) -> Result<(), FileError> {
    let meta = fs::metadata(path).map_err(io_error("read", path))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & OTHERS_MASK != 0 {
        return Err(FileError::InsecurePermissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

/// Reads the 32 secret bytes of a key or token file ([`secret_text`]).
pub fn read_secret(path: &Path) -> Result<[u8; 32], FileError> {
    let bytes = read_bounded(path, MAX_SECRET_FILE_BYTES)?;
    std::str::from_utf8(&bytes)
        .ok()
        .and_then(|text| parse_hex32(text.trim()))
        .ok_or_else(|| FileError::BadSecretFile {
            path: path.to_owned(),
        })
}

/// Reads `path` whole, refusing it if it is longer than `max` bytes.
pub fn read_bounded(path: &Path, max: usize) -> Result<Vec<u8>, FileError> {
    let file = File::open(path).map_err(io_error("read", path))?;
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error("read", path))?;
    if bytes.len() > max {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
            max,
        });
    }
    Ok(bytes)
}

/// Why [`write_atomically`] did not write.
#[derive(Debug)]
pub enum WriteError {
    /// The file exists, and was not to be replaced.
    Exists,
    /// The operating system refused.
    Io(io::Error),
}

/// Temporary file, fsync, then rename (replace) or hard link (create only), then fsync
/// of the directory: `path` holds either its old bytes or `bytes`, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8], replace: bool) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !replace && fs::symlink_metadata(path).is_ok() {
        return Err(WriteError::Exists);
    }
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = fs::remove_file(&temporary);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&temporary)
        .map_err(WriteError::Io)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    let placed = written.and_then(|()| {
        if replace {
            fs::rename(&temporary, path)
        } else {
            fs::hard_link(&temporary, path)
        }
    });
    if let Err(error) = placed {
        let _ = fs::remove_file(&temporary);
        return Err(if error.kind() == io::ErrorKind::AlreadyExists {
            WriteError::Exists
        } else {
            WriteError::Io(error)
        });
    }
    if !replace {
        fs::remove_file(&temporary).map_err(WriteError::Io)?;
    }
    File::open(&dir)
        .and_then(|dir| dir.sync_all())
        .map_err(WriteError::Io)
}

/// Makes the entries of directory `path` durable (a file created, renamed or removed
/// in it), as `fsync` on the file does for its bytes.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn an_atomic_write_creates_only_when_asked_and_replaces_whole() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("charter.bin");
        write_atomically(&path, b"first", false).unwrap();
        assert!(matches!(
            write_atomically(&path, b"second", false),
            Err(WriteError::Exists)
        ));
        assert_eq!(fs::read(&path).unwrap(), b"first");
        write_atomically(&path, b"second", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        check_private(&path).unwrap();
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn a_new_file_is_private_and_never_replaces_one() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = write_new(dir.path(), "secret", &secret_text(&[7; 32])).unwrap();
        check_private(&path).unwrap();
        assert_eq!(read_secret(&path).unwrap(), [7; 32]);
        let again = write_new(dir.path(), "secret", b"other");
        assert!(matches!(again, Err(FileError::Exists { .. })), "{again:?}");
        assert_eq!(read_secret(&path).unwrap(), [7; 32]);
        assert!(!dir.path().join(".secret.tmp").exists());
        fs::write(dir.path().join(".left.tmp"), b"x").unwrap();
        let left = write_new(dir.path(), "left", b"x");
        assert!(matches!(left, Err(FileError::LeftoverTemporary { .. })));
    }

    #[test]
    fn a_secret_others_can_read_or_too_long_is_refused() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("open");
        fs::write(&path, secret_text(&[1; 32])).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            check_private(&path),
            Err(FileError::InsecurePermissions { mode: 0o644, .. })
        ));
        fs::write(&path, vec![b'a'; MAX_SECRET_FILE_BYTES + 1]).unwrap();
        assert!(matches!(
            read_secret(&path),
            Err(FileError::TooLarge { .. })
        ));
        fs::write(&path, b"not hex\n").unwrap();
        assert!(matches!(
            read_secret(&path),
            Err(FileError::BadSecretFile { .. })
        ));
    }
}
