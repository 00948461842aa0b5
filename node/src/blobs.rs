//! Attachments' bytes on this node's disk: where a file a record names is kept once
//! it was uploaded here or fetched from peers, and served from to peers, the API and
//! the web app. Nothing here trusts a file's bytes until they hash to its [`BlobId`].
//!
//! Layout, under `<data dir>/blobs/`:
//!
//! | path | what it holds |
//! |---|---|
//! | `<64 hex>` | a complete file, named by its id's hex |
//! | `<64 hex>.chunks` | its chunk list (so serving does not rehash the file) |
//! | `partial/<64 hex>.part` | a file being fetched, chunks written in place |
//! | `partial/<64 hex>.progress` | its verified chunk list and which chunks are written |
//! | `tmp/` | files being written; emptied when the store is opened |
//!
//! A complete file only ever appears by an atomic rename of a file whose every byte
//! was hashed against its id and fsynced (then the directory is fsynced), so a
//! half-written file is never served: [`BlobStore::has`] and the reads look only at
//! complete files. A fetch cut by a crash or SIGKILL resumes from its progress file
//! with the chunks it lacks ([`BlobStore::begin_fetch`]).
//!
//! Nothing is written that would leave less than the store's reserve free on the disk
//! ([`BlobStoreError::DiskFull`], answered 507 by the API like a full store); a refused
//! or failed write leaves nothing behind.
//!
//! The calls block: async callers use `spawn_blocking`.

use std::collections::HashMap;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use commons_protocol::blob::{
    BlobError, BlobHasher, CHUNK_BYTES, ChunkHash, ChunkList, MAX_CHUNKS, chunk_count, chunk_range,
};
use commons_protocol::text::{hex, parse_hex32};
use commons_protocol::{BlobId, MAX_BLOB_BYTES};
use thiserror::Error;

/// The directory of complete files, under the blob store's directory.
const PARTIAL_DIR: &str = "partial";
/// Files being written, emptied on open.
const TMP_DIR: &str = "tmp";
/// A complete file's chunk list, beside it.
pub const CHUNKS_SUFFIX: &str = ".chunks";
/// A partial file's bytes.
const PART_SUFFIX: &str = ".part";
/// A partial file's chunk list and written chunks.
const PROGRESS_SUFFIX: &str = ".progress";
/// The first bytes of a `.chunks` file.
const CHUNKS_MAGIC: &[u8; 8] = b"CMNSCL1\n";
/// The first bytes of a `.progress` file.
const PROGRESS_MAGIC: &[u8; 8] = b"CMNSPG1\n";
/// The largest `.chunks` or `.progress` file read: a list of [`MAX_CHUNKS`] hashes and
/// its bitmap.
const MAX_LIST_FILE_BYTES: usize = 8 + 8 + MAX_CHUNKS * 32 + MAX_CHUNKS / 8 + 1;
/// The buffer an import reads into.
const IMPORT_BUFFER_BYTES: usize = 64 * 1024;
/// How often an import looks at the disk's free space, in bytes written.
const FREE_SPACE_CHECK_BYTES: u64 = 4 * 1024 * 1024;
/// A partial file's written chunks are made durable and recorded every this many
/// chunks (16 MiB; and when the fetch stops). A resumed fetch rechecks every
/// unrecorded chunk against its hash, so a crash loses no verified chunk that reached
/// the disk; recording more often only costs fsyncs (at 8 chunks they took a fifth of
/// a loopback transfer's time).
const PROGRESS_EVERY_CHUNKS: usize = 64;
/// The mode of every file written.
const FILE_MODE: u32 = 0o600;
/// The mode of every directory created.
const DIR_MODE: u32 = 0o700;
/// The free space left on the disk by default, below which nothing is written.
pub const DEFAULT_DISK_RESERVE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a blob store operation failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BlobStoreError {
    /// The disk is full, or writing would leave less free than the reserve.
    #[error(
        "the disk holding the data dir is full (writing {needed} bytes would leave less \
         than the {reserve}-byte reserve free; {available} bytes are free); nothing was \
         written. Free some space and retry"
    )]
    DiskFull {
        /// Bytes the write needed.
        needed: u64,
        /// Bytes free on the disk when it was refused.
        available: u64,
        /// The reserve kept free.
        reserve: u64,
    },
    /// A file larger than the limit it was imported under.
    #[error(
        "the file is larger than {max} bytes, the largest attachment this node accepts; \
         nothing was kept"
    )]
    TooLarge {
        /// The limit, in bytes.
        max: u64,
    },
    /// An empty file.
    #[error("the file is empty: attach a file with at least one byte")]
    Empty,
    /// A chunk list or chunk that does not match the file's id.
    #[error("{0}")]
    Invalid(BlobError),
    /// The file is already held whole: there is nothing to fetch.
    #[error("{blob} is already held whole; there is nothing to fetch")]
    AlreadyHeld {
        /// The file.
        blob: BlobId,
    },
    /// Another fetch of the same file is running in this process.
    #[error("{blob} is already being fetched; wait for that fetch")]
    FetchInProgress {
        /// The file.
        blob: BlobId,
    },
    /// `finish` before every chunk was written.
    #[error("{blob} lacks {missing} of its chunks; fetch them before finishing")]
    Incomplete {
        /// The file.
        blob: BlobId,
        /// How many chunks are missing.
        missing: usize,
    },
    /// The file was deleted (its records retracted) while it was being fetched.
    #[error("{blob} was deleted while it was being fetched; nothing was kept")]
    Cancelled {
        /// The file.
        blob: BlobId,
    },
    /// A file on disk does not hash to its name: the disk or someone changed it.
    #[error(
        "{path} does not match its id: the file was changed on disk. Delete it; it is \
         fetched again from peers"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
    },
    /// Reading the file being imported failed.
    #[error("could not read the file being attached: {0}")]
    Read(io::Error),
    /// Another I/O failure.
    #[error("could not {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

impl From<BlobError> for BlobStoreError {
    fn from(error: BlobError) -> Self {
        match error {
            BlobError::Empty => BlobStoreError::Empty,
            other => BlobStoreError::Invalid(other),
        }
    }
}

fn is_disk_full(error: &io::Error) -> bool {
    // ENOSPC, EDQUOT.
    error.kind() == io::ErrorKind::StorageFull
        || error.kind() == io::ErrorKind::QuotaExceeded
        || matches!(error.raw_os_error(), Some(28 | 122))
}

/// How an import is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
}

/// A file imported into the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedBlob {
    /// Its id.
    pub blob: BlobId,
    /// Its chunk list.
    pub chunk_list: ChunkList,
    /// Its size in bytes.
    pub size: u64,
}

/// How far a fetch has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchProgress {
    /// Bytes held and verified.
    pub held_bytes: u64,
    /// The file's size.
    pub size: u64,
    /// Whether a fetch is running in this process (else it stopped and resumes when
    /// fetched again).
    pub active: bool,
}

impl FetchProgress {
    /// Whole percent held, rounded down (100 only when complete).
    pub fn percent(&self) -> u8 {
        if self.size == 0 {
            return 0;
        }
        let percent = u128::from(self.held_bytes) * 100 / u128::from(self.size);
        u8::try_from(percent.min(100)).unwrap_or(100)
    }
}

/// The attachments' bytes this node holds. Cheap to clone; every clone is the same
/// store.
#[derive(Debug, Clone)]
pub struct BlobStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    reserve: u64,
    /// Removed with everything in it when the last clone is dropped
    /// ([`BlobStore::temporary`]).
    temporary: bool,
    /// Fetches running in this process.
    fetches: Mutex<HashMap<BlobId, Arc<FetchState>>>,
    /// Files imported (uploaded) and not yet named by a stored record, with when: kept
    /// from [`BlobStore::unreferenced`] until a record names them or they expire.
    pins: Mutex<HashMap<BlobId, SystemTime>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if self.temporary {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[derive(Debug)]
struct FetchState {
    held: AtomicU64,
    size: u64,
    cancelled: AtomicBool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> BlobStoreError {
    let path = path.to_owned();
    move |source| BlobStoreError::Io {
        action,
        path,
        source,
    }
}

fn create_dir(path: &Path) -> Result<(), BlobStoreError> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(path)
        .map_err(io_error("create the directory", path))
}

fn sync_dir(path: &Path) -> Result<(), BlobStoreError> {
    crate::files::sync_dir(path).map_err(io_error("sync the directory", path))
}

fn random_name() -> String {
    let mut bytes = [0u8; 12];
    // A name clash only makes `create_new` fail, which is reported.
    let _ = getrandom::fill(&mut bytes);
    hex(&bytes)
}

/// Free bytes on the disk holding `path` for an unprivileged writer.
fn free_bytes(path: &Path) -> Result<u64, BlobStoreError> {
    let stat = rustix::fs::statvfs(path).map_err(|errno| BlobStoreError::Io {
        action: "read the free space of the disk holding",
        path: path.to_owned(),
        source: io::Error::from(errno),
    })?;
    Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
}

fn encode_list(magic: &[u8; 8], list: &ChunkList, written: Option<&[bool]>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16 + list.hashes.len() * 32 + list.hashes.len() / 8 + 1);
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&list.size.to_be_bytes());
    for hash in &list.hashes {
        bytes.extend_from_slice(hash);
    }
    if let Some(written) = written {
        let mut bitmap = vec![0u8; written.len().div_ceil(8)];
        for (index, _) in written.iter().enumerate().filter(|(_, done)| **done) {
            bitmap[index / 8] |= 1 << (index % 8);
        }
        bytes.extend_from_slice(&bitmap);
    }
    bytes
}

/// Decodes a `.chunks` (no bitmap) or `.progress` file; `None` if malformed or not the
/// list of `blob`.
fn decode_list(
    magic: &[u8; 8],
    bytes: &[u8],
    blob: &BlobId,
    with_bitmap: bool,
) -> Option<(ChunkList, Vec<bool>)> {
    let rest = bytes.strip_prefix(magic.as_slice())?;
    let (size, rest) = rest.split_first_chunk::<8>()?;
    let size = u64::from_be_bytes(*size);
    if size == 0 || size > MAX_BLOB_BYTES {
        return None;
    }
    let count = chunk_count(size);
    let hash_bytes = count.checked_mul(32)?;
    if rest.len() < hash_bytes {
        return None;
    }
    let (hashes, bitmap) = rest.split_at(hash_bytes);
    let expected_bitmap = if with_bitmap { count.div_ceil(8) } else { 0 };
    if bitmap.len() != expected_bitmap {
        return None;
    }
    let hashes: Vec<ChunkHash> = hashes
        .chunks_exact(32)
        .filter_map(|hash| hash.try_into().ok())
        .collect();
    let list = ChunkList { size, hashes };
    list.check(blob).ok()?;
    let written = (0..count)
        .map(|index| with_bitmap && bitmap[index / 8] & (1 << (index % 8)) != 0)
        .collect();
    Some((list, written))
}

fn read_small(path: &Path) -> Result<Option<Vec<u8>>, BlobStoreError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(io_error("open", path)(source)),
    };
    let mut bytes = Vec::new();
    file.take(MAX_LIST_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error("read", path))?;
    Ok(Some(bytes))
}

fn remove_if_present(path: &Path) -> Result<bool, BlobStoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(io_error("remove", path)(source)),
    }
}

/// Parses a complete file's name (64 hex digits) into its id.
fn blob_of_name(name: &str) -> Option<BlobId> {
    if name.len() != 64 {
        return None;
    }
    parse_hex32(name).map(BlobId::from_bytes)
}

impl BlobStore {
    /// Opens (creating if needed) the blob store in `dir`, keeping
    /// [`DEFAULT_DISK_RESERVE_BYTES`] free. Empties `tmp/`: whatever is there was being
    /// written when the node stopped.
    pub fn open(dir: impl Into<PathBuf>) -> Result<BlobStore, BlobStoreError> {
        Self::open_with_reserve(dir, DEFAULT_DISK_RESERVE_BYTES)
    }

    /// [`BlobStore::open`], keeping `reserve` bytes free on the disk.
    pub fn open_with_reserve(
        dir: impl Into<PathBuf>,
        reserve: u64,
    ) -> Result<BlobStore, BlobStoreError> {
        Self::open_inner(dir.into(), reserve, false)
    }

    fn open_inner(
        dir: PathBuf,
        reserve: u64,
        temporary: bool,
    ) -> Result<BlobStore, BlobStoreError> {
        create_dir(&dir)?;
        create_dir(&dir.join(PARTIAL_DIR))?;
        let tmp = dir.join(TMP_DIR);
        create_dir(&tmp)?;
        for entry in fs::read_dir(&tmp).map_err(io_error("list", &tmp))? {
            let entry = entry.map_err(io_error("list", &tmp))?;
            remove_if_present(&entry.path())?;
        }
        // A chunk list whose file never arrived (a crash between the two renames).
        for entry in fs::read_dir(&dir).map_err(io_error("list", &dir))? {
            let entry = entry.map_err(io_error("list", &dir))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if let Some(stem) = name.strip_suffix(CHUNKS_SUFFIX)
                && blob_of_name(stem).is_some()
                && !dir.join(stem).exists()
            {
                remove_if_present(&entry.path())?;
            }
        }
        Ok(BlobStore {
            inner: Arc::new(Inner {
                dir,
                reserve,
                temporary,
                fetches: Mutex::new(HashMap::new()),
                pins: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// A store in a new directory under the system's temporary directory, removed
    /// with its files when the last clone is dropped: for a node started without a
    /// data dir (tests, benchmarks), as the in-memory record store is.
    pub fn temporary() -> Result<BlobStore, BlobStoreError> {
        let dir = std::env::temp_dir().join(format!("commons-blobs-{}", random_name()));
        Self::open_inner(dir, 0, true)
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The free space kept on the disk, in bytes.
    pub fn reserve(&self) -> u64 {
        self.inner.reserve
    }

    fn path(&self, blob: &BlobId) -> PathBuf {
        self.inner.dir.join(hex(blob.as_bytes()))
    }

    fn chunks_path(&self, blob: &BlobId) -> PathBuf {
        self.inner
            .dir
            .join(format!("{}{CHUNKS_SUFFIX}", hex(blob.as_bytes())))
    }

    fn part_path(&self, blob: &BlobId) -> PathBuf {
        self.inner
            .dir
            .join(PARTIAL_DIR)
            .join(format!("{}{PART_SUFFIX}", hex(blob.as_bytes())))
    }

    fn progress_path(&self, blob: &BlobId) -> PathBuf {
        self.inner
            .dir
            .join(PARTIAL_DIR)
            .join(format!("{}{PROGRESS_SUFFIX}", hex(blob.as_bytes())))
    }

    fn tmp_path(&self, what: &str) -> PathBuf {
        self.inner
            .dir
            .join(TMP_DIR)
            .join(format!("{what}-{}.tmp", random_name()))
    }

    /// Refuses a write of `needed` more bytes that would leave less than the reserve
    /// free.
    fn check_free(&self, needed: u64) -> Result<(), BlobStoreError> {
        let available = free_bytes(&self.inner.dir)?;
        if available < needed.saturating_add(self.inner.reserve) {
            return Err(BlobStoreError::DiskFull {
                needed,
                available,
                reserve: self.inner.reserve,
            });
        }
        Ok(())
    }

    /// Maps a write's error, turning a full disk into [`BlobStoreError::DiskFull`].
    fn write_error(
        &self,
        action: &'static str,
        path: &Path,
        needed: u64,
    ) -> impl FnOnce(io::Error) -> BlobStoreError {
        let path = path.to_owned();
        let reserve = self.inner.reserve;
        move |source| {
            if is_disk_full(&source) {
                let available = free_bytes(&path).unwrap_or(0);
                BlobStoreError::DiskFull {
                    needed,
                    available,
                    reserve,
                }
            } else {
                BlobStoreError::Io {
                    action,
                    path,
                    source,
                }
            }
        }
    }

    /// Whether the whole file is held.
    pub fn has(&self, blob: &BlobId) -> bool {
        fs::metadata(self.path(blob)).is_ok_and(|meta| meta.is_file())
    }

    /// The size of a held file.
    pub fn size(&self, blob: &BlobId) -> Result<Option<u64>, BlobStoreError> {
        let path = self.path(blob);
        match fs::metadata(&path) {
            Ok(meta) => Ok(Some(meta.len())),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(io_error("look at", &path)(source)),
        }
    }

    /// Every file held whole, by id.
    pub fn list(&self) -> Result<Vec<BlobId>, BlobStoreError> {
        list_complete(&self.inner.dir)
    }

    /// The chunk list of a held file, from the list kept beside it (computed and kept
    /// if missing, as after a restore).
    pub fn chunk_list(&self, blob: &BlobId) -> Result<Option<ChunkList>, BlobStoreError> {
        if !self.has(blob) {
            return Ok(None);
        }
        let chunks_path = self.chunks_path(blob);
        if let Some(bytes) = read_small(&chunks_path)?
            && let Some((list, _)) = decode_list(CHUNKS_MAGIC, &bytes, blob, false)
        {
            return Ok(Some(list));
        }
        let path = self.path(blob);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(io_error("open", &path)(source)),
        };
        let list = hash_file(file, &path)?;
        if list.root() != *blob {
            return Err(BlobStoreError::Corrupt { path });
        }
        self.write_chunks_file(blob, &list)?;
        Ok(Some(list))
    }

    /// The bytes of chunk `index` of a held file; `None` if the file is not held whole
    /// or has no such chunk.
    pub fn read_chunk(&self, blob: &BlobId, index: u32) -> Result<Option<Vec<u8>>, BlobStoreError> {
        let Some(file) = self.open_read(blob)? else {
            return Ok(None);
        };
        let path = self.path(blob);
        let size = file.metadata().map_err(io_error("look at", &path))?.len();
        let Some(range) = chunk_range(size, index) else {
            return Ok(None);
        };
        let len = usize::try_from(range.end - range.start).unwrap_or(CHUNK_BYTES);
        let mut bytes = vec![0u8; len];
        file.read_exact_at(&mut bytes, range.start)
            .map_err(io_error("read", &path))?;
        Ok(Some(bytes))
    }

    /// A held file opened for reading (for downloads).
    pub fn open_read(&self, blob: &BlobId) -> Result<Option<File>, BlobStoreError> {
        let path = self.path(blob);
        match File::open(&path) {
            Ok(file) => Ok(Some(file)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(io_error("open", &path)(source)),
        }
    }

    /// Stores a file read from `reader`: written to a temporary file while it is
    /// hashed, refused as soon as it passes `limits.max_bytes` (the rest is not read)
    /// or the disk fills or keeps less than the reserve free (looked at every few MiB),
    /// then fsynced and renamed to its id.
    /// A file already held is kept as it is.
    pub fn import(
        &self,
        reader: impl Read,
        limits: ImportLimits,
    ) -> Result<ImportedBlob, BlobStoreError> {
        self.import_expecting(reader, limits, None)
    }

    /// [`BlobStore::import`] of a file said to be `expected` bytes long (an upload's
    /// `Content-Length`): refused at once if it is over the limit or the disk cannot
    /// take it and keep the reserve free.
    pub fn import_expecting(
        &self,
        mut reader: impl Read,
        limits: ImportLimits,
        expected: Option<u64>,
    ) -> Result<ImportedBlob, BlobStoreError> {
        if let Some(expected) = expected {
            if expected > limits.max_bytes {
                return Err(BlobStoreError::TooLarge {
                    max: limits.max_bytes,
                });
            }
            self.check_free(expected)?;
        }
        let tmp = self.tmp_path("import");
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(&tmp)
            .map_err(self.write_error("create", &tmp, 0))?;
        let written = (|| {
            let mut hasher = BlobHasher::new();
            let mut buffer = vec![0u8; IMPORT_BUFFER_BYTES];
            let mut next_check = 0u64;
            loop {
                let read = match reader.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(read) => read,
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                    Err(error) => return Err(BlobStoreError::Read(error)),
                };
                let piece = &buffer[..read];
                if hasher.size().saturating_add(read as u64) > limits.max_bytes {
                    return Err(BlobStoreError::TooLarge {
                        max: limits.max_bytes,
                    });
                }
                if hasher.size() >= next_check {
                    // The disk may be filling from elsewhere too.
                    self.check_free(read as u64)?;
                    next_check = hasher.size() + FREE_SPACE_CHECK_BYTES;
                }
                file.write_all(piece)
                    .map_err(self.write_error("write", &tmp, read as u64))?;
                hasher.update(piece);
            }
            let list = hasher.finish()?;
            file.sync_all().map_err(self.write_error("sync", &tmp, 0))?;
            Ok(list)
        })();
        drop(file);
        let list = match written {
            Ok(list) => list,
            Err(error) => {
                let _ = fs::remove_file(&tmp);
                return Err(error);
            }
        };
        let blob = list.root();
        let size = list.size;
        lock(&self.inner.pins).insert(blob, SystemTime::now());
        let placed = if self.has(&blob) {
            Ok(())
        } else {
            self.place(&blob, &list, &tmp)
        };
        let _ = fs::remove_file(&tmp);
        placed?;
        Ok(ImportedBlob {
            blob,
            chunk_list: list,
            size,
        })
    }

    /// Writes `<hex>.chunks` whole (temporary file, fsync, rename).
    fn write_chunks_file(&self, blob: &BlobId, list: &ChunkList) -> Result<(), BlobStoreError> {
        let bytes = encode_list(CHUNKS_MAGIC, list, None);
        let target = self.chunks_path(blob);
        self.write_whole(&target, &bytes)?;
        sync_dir(&self.inner.dir)
    }

    /// Writes `bytes` to `target` through a temporary file in `tmp/`, fsynced and
    /// renamed; the caller fsyncs the target's directory.
    fn write_whole(&self, target: &Path, bytes: &[u8]) -> Result<(), BlobStoreError> {
        let tmp = self.tmp_path("list");
        let written = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(&tmp)
            .and_then(|mut file| {
                file.write_all(bytes)?;
                file.sync_all()
            })
            .map_err(self.write_error("write", &tmp, bytes.len() as u64))
            .and_then(|()| fs::rename(&tmp, target).map_err(io_error("rename into", target)));
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written
    }

    /// Puts a verified, fsynced file at its id: its chunk list first, then the file by
    /// an atomic rename, then the directory fsynced.
    fn place(&self, blob: &BlobId, list: &ChunkList, from: &Path) -> Result<(), BlobStoreError> {
        self.write_chunks_file(blob, list)?;
        let target = self.path(blob);
        fs::rename(from, &target).map_err(io_error("rename into", &target))?;
        sync_dir(&self.inner.dir)
    }

    /// Starts or resumes fetching `blob`, whose chunk list `list` came from a peer: the
    /// list is checked against the id first. A new fetch reserves the file's whole
    /// size on disk at once (refused with [`BlobStoreError::DiskFull`] if that would
    /// leave less than the reserve free); a resumed one keeps every chunk written
    /// before that still matches its hash.
    pub fn begin_fetch(
        &self,
        blob: &BlobId,
        list: ChunkList,
    ) -> Result<PartialBlob, BlobStoreError> {
        list.check(blob)?;
        if self.has(blob) {
            return Err(BlobStoreError::AlreadyHeld { blob: *blob });
        }
        let state = {
            let mut fetches = lock(&self.inner.fetches);
            if fetches.contains_key(blob) {
                return Err(BlobStoreError::FetchInProgress { blob: *blob });
            }
            let state = Arc::new(FetchState {
                held: AtomicU64::new(0),
                size: list.size,
                cancelled: AtomicBool::new(false),
            });
            fetches.insert(*blob, Arc::clone(&state));
            state
        };
        let opened = self.open_partial(blob, &list);
        match opened {
            Ok((file, written)) => {
                let held = written
                    .iter()
                    .enumerate()
                    .filter(|(_, done)| **done)
                    .filter_map(|(index, _)| u32::try_from(index).ok())
                    .filter_map(|index| chunk_range(list.size, index))
                    .map(|range| range.end - range.start)
                    .sum();
                state.held.store(held, Ordering::Relaxed);
                let resumed = written.iter().any(|done| *done);
                Ok(PartialBlob {
                    store: self.clone(),
                    blob: *blob,
                    list,
                    file,
                    written: Mutex::new(Written {
                        chunks: written,
                        unsaved: 0,
                    }),
                    state,
                    resumed,
                    finished: false,
                })
            }
            Err(error) => {
                lock(&self.inner.fetches).remove(blob);
                Err(error)
            }
        }
    }

    /// Opens the partial file of `blob`: resumed from its progress file if it has one
    /// for the same list, else created and reserved whole.
    fn open_partial(
        &self,
        blob: &BlobId,
        list: &ChunkList,
    ) -> Result<(File, Vec<bool>), BlobStoreError> {
        let part = self.part_path(blob);
        let progress = self.progress_path(blob);
        if let Some(bytes) = read_small(&progress)?
            && let Some((saved, mut written)) = decode_list(PROGRESS_MAGIC, &bytes, blob, true)
            && saved == *list
            && let Ok(file) = OpenOptions::new().read(true).write(true).open(&part)
            && file.metadata().is_ok_and(|meta| meta.len() == list.size)
        {
            // Chunks written after the progress was last recorded: keep those that
            // match their hash (a chunk cut mid-write does not).
            let mut buffer = vec![0u8; CHUNK_BYTES];
            for (index, done) in written.iter_mut().enumerate() {
                let Ok(index) = u32::try_from(index) else {
                    break;
                };
                let Some(range) = chunk_range(list.size, index) else {
                    break;
                };
                if *done {
                    continue;
                }
                let len = usize::try_from(range.end - range.start).unwrap_or(CHUNK_BYTES);
                let bytes = &mut buffer[..len];
                if file.read_exact_at(bytes, range.start).is_ok()
                    && list.verify_chunk(index, bytes).is_ok()
                {
                    *done = true;
                }
            }
            return Ok((file, written));
        }
        // A new fetch (or a leftover for another list, or one whose files are damaged).
        remove_if_present(&progress)?;
        remove_if_present(&part)?;
        self.check_free(list.size)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(&part)
            .map_err(self.write_error("create", &part, list.size))?;
        let reserved = reserve_space(&file, list.size).map_err(self.write_error(
            "reserve space for",
            &part,
            list.size,
        ));
        let written = vec![false; list.chunks()];
        let saved = reserved.and_then(|()| {
            self.write_whole(
                &progress,
                &encode_list(PROGRESS_MAGIC, list, Some(&written)),
            )
        });
        let saved = saved.and_then(|()| sync_dir(&self.inner.dir.join(PARTIAL_DIR)));
        if let Err(error) = saved {
            drop(file);
            let _ = fs::remove_file(&part);
            let _ = fs::remove_file(&progress);
            return Err(error);
        }
        Ok((file, written))
    }

    /// How far a fetch of `blob` has got: the running fetch's count, else the progress
    /// file of a stopped one; `None` if neither.
    pub fn fetch_progress(&self, blob: &BlobId) -> Result<Option<FetchProgress>, BlobStoreError> {
        if let Some(state) = lock(&self.inner.fetches).get(blob) {
            return Ok(Some(FetchProgress {
                held_bytes: state.held.load(Ordering::Relaxed),
                size: state.size,
                active: true,
            }));
        }
        let Some(bytes) = read_small(&self.progress_path(blob))? else {
            return Ok(None);
        };
        let Some((list, written)) = decode_list(PROGRESS_MAGIC, &bytes, blob, true) else {
            return Ok(None);
        };
        Ok(Some(FetchProgress {
            held_bytes: held_bytes(&list, &written),
            size: list.size,
            active: false,
        }))
    }

    /// Deletes `blob`: the whole file, its chunk list, and any partial fetch (a
    /// running fetch of it fails at `finish` and keeps nothing). Returns whether
    /// anything was deleted.
    pub fn delete(&self, blob: &BlobId) -> Result<bool, BlobStoreError> {
        if let Some(state) = lock(&self.inner.fetches).get(blob) {
            state.cancelled.store(true, Ordering::Relaxed);
        }
        let file = remove_if_present(&self.path(blob))?;
        let chunks = remove_if_present(&self.chunks_path(blob))?;
        let part = remove_if_present(&self.part_path(blob))?;
        let progress = remove_if_present(&self.progress_path(blob))?;
        if file || chunks {
            sync_dir(&self.inner.dir)?;
        }
        if part || progress {
            sync_dir(&self.inner.dir.join(PARTIAL_DIR))?;
        }
        Ok(file || part)
    }

    /// Marks `blob` as named by a stored record: it is no longer an upload waiting
    /// for its record.
    pub fn unpin(&self, blob: &BlobId) {
        lock(&self.inner.pins).remove(blob);
    }

    /// Keeps `blob` from [`BlobStore::unreferenced`] as if it had just been uploaded
    /// at `since`.
    pub fn pin(&self, blob: BlobId, since: SystemTime) {
        lock(&self.inner.pins).insert(blob, since);
    }

    /// The files held whole or in part that `is_referenced` says no live record needs,
    /// leaving out uploads pinned less than `grace` ago (an upload is pinned until the
    /// record naming it is stored: [`BlobStore::unpin`]). Expired pins are dropped.
    pub fn unreferenced(
        &self,
        grace: Duration,
        mut is_referenced: impl FnMut(&BlobId) -> Result<bool, BlobStoreError>,
    ) -> Result<Vec<BlobId>, BlobStoreError> {
        let now = SystemTime::now();
        // A pin from the future (the clock moved back) is kept.
        lock(&self.inner.pins).retain(|_, since| match now.duration_since(*since) {
            Ok(age) => age < grace,
            Err(_) => true,
        });
        let mut held = self.list()?;
        held.extend(self.partials()?.into_iter().map(|(blob, _)| blob));
        held.extend(lock(&self.inner.fetches).keys().copied());
        held.sort();
        held.dedup();
        let mut found = Vec::new();
        for blob in held {
            if lock(&self.inner.pins).contains_key(&blob) {
                continue;
            }
            if !is_referenced(&blob)? {
                found.push(blob);
            }
        }
        Ok(found)
    }

    /// When a held file was last written (its upload or the end of its fetch).
    pub fn modified(&self, blob: &BlobId) -> Result<Option<SystemTime>, BlobStoreError> {
        let path = self.path(blob);
        match fs::metadata(&path) {
            Ok(meta) => Ok(meta.modified().ok()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(io_error("look at", &path)(source)),
        }
    }

    /// Every fetch that stopped before it finished (cut by a stop or a crash) and is
    /// not running now, with the file's size: what to resume.
    pub fn partials(&self) -> Result<Vec<(BlobId, u64)>, BlobStoreError> {
        let dir = self.inner.dir.join(PARTIAL_DIR);
        let mut stopped = Vec::new();
        for entry in fs::read_dir(&dir).map_err(io_error("list", &dir))? {
            let entry = entry.map_err(io_error("list", &dir))?;
            let name = entry.file_name();
            let Some(blob) = name
                .to_str()
                .and_then(|name| name.strip_suffix(PROGRESS_SUFFIX))
                .and_then(blob_of_name)
            else {
                continue;
            };
            if lock(&self.inner.fetches).contains_key(&blob) {
                continue;
            }
            if let Some(progress) = self.fetch_progress(&blob)? {
                stopped.push((blob, progress.size));
            }
        }
        stopped.sort();
        Ok(stopped)
    }

    /// Bytes held on disk: whole files, their chunk lists and partial fetches
    /// (reserved at their whole size).
    pub fn usage(&self) -> Result<u64, BlobStoreError> {
        let mut total = 0u64;
        for dir in [self.inner.dir.clone(), self.inner.dir.join(PARTIAL_DIR)] {
            for entry in fs::read_dir(&dir).map_err(io_error("list", &dir))? {
                let entry = entry.map_err(io_error("list", &dir))?;
                let meta = entry
                    .metadata()
                    .map_err(io_error("look at", &entry.path()))?;
                if meta.is_file() {
                    total = total.saturating_add(meta.len());
                }
            }
        }
        Ok(total)
    }
}

/// Every complete file in a blob store directory, by id (sorted). Reads only: used by
/// backups of a data dir whose node may be running.
pub fn list_complete(dir: &Path) -> Result<Vec<BlobId>, BlobStoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(io_error("list", dir)(source)),
    };
    let mut blobs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error("list", dir))?;
        if let Some(name) = entry.file_name().to_str()
            && let Some(blob) = blob_of_name(name)
            && entry.file_type().is_ok_and(|kind| kind.is_file())
        {
            blobs.push(blob);
        }
    }
    blobs.sort();
    Ok(blobs)
}

/// The file name of a complete file in a blob store directory.
pub fn file_name(blob: &BlobId) -> String {
    hex(blob.as_bytes())
}

/// Reserves `size` bytes for `file` (so a full disk is found now, not mid-fetch),
/// falling back to a sparse length where the file system cannot.
fn reserve_space(file: &File, size: u64) -> io::Result<()> {
    match rustix::fs::fallocate(file, rustix::fs::FallocateFlags::empty(), 0, size) {
        Ok(()) => Ok(()),
        Err(errno)
            if errno == rustix::io::Errno::OPNOTSUPP || errno == rustix::io::Errno::NOSYS =>
        {
            file.set_len(size)
        }
        Err(errno) => Err(io::Error::from(errno)),
    }
}

/// The chunk list of a file read from the start.
fn hash_file(mut file: File, path: &Path) -> Result<ChunkList, BlobStoreError> {
    let mut hasher = BlobHasher::new();
    let mut buffer = vec![0u8; IMPORT_BUFFER_BYTES];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => {
                if hasher.size().saturating_add(read as u64) > MAX_BLOB_BYTES {
                    return Err(BlobStoreError::Corrupt {
                        path: path.to_owned(),
                    });
                }
                hasher.update(&buffer[..read]);
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => return Err(io_error("read", path)(source)),
        }
    }
    hasher.finish().map_err(|_| BlobStoreError::Corrupt {
        path: path.to_owned(),
    })
}

fn held_bytes(list: &ChunkList, written: &[bool]) -> u64 {
    written
        .iter()
        .enumerate()
        .filter(|(_, done)| **done)
        .filter_map(|(index, _)| u32::try_from(index).ok())
        .filter_map(|index| chunk_range(list.size, index))
        .map(|range| range.end - range.start)
        .sum()
}

#[derive(Debug)]
struct Written {
    chunks: Vec<bool>,
    /// Chunks written since the progress file was last saved.
    unsaved: usize,
}

/// A file being fetched: chunks are checked against the verified chunk list before
/// they are written in place, and [`PartialBlob::finish`] turns it into a complete
/// file once every chunk is there. Chunks may be written from several threads at once
/// (share it in an `Arc`). Dropped unfinished, it records its progress so a later
/// [`BlobStore::begin_fetch`] resumes.
#[derive(Debug)]
pub struct PartialBlob {
    store: BlobStore,
    blob: BlobId,
    list: ChunkList,
    file: File,
    written: Mutex<Written>,
    state: Arc<FetchState>,
    /// Whether chunks written by an earlier run were kept: the finished file is then
    /// hashed again whole before it is placed.
    resumed: bool,
    finished: bool,
}

impl PartialBlob {
    /// The file being fetched.
    pub fn blob(&self) -> BlobId {
        self.blob
    }

    /// Its verified chunk list.
    pub fn chunk_list(&self) -> &ChunkList {
        &self.list
    }

    /// The chunks not yet written, in order.
    pub fn missing(&self) -> Vec<u32> {
        lock(&self.written)
            .chunks
            .iter()
            .enumerate()
            .filter(|(_, done)| !**done)
            .filter_map(|(index, _)| u32::try_from(index).ok())
            .collect()
    }

    /// Checks chunk `index` against the chunk list and writes it in place. A chunk
    /// already written is left as it is.
    pub fn write_chunk(&self, index: u32, bytes: &[u8]) -> Result<(), BlobStoreError> {
        self.list.verify_chunk(index, bytes)?;
        if self.state.cancelled.load(Ordering::Relaxed) {
            return Err(BlobStoreError::Cancelled { blob: self.blob });
        }
        let slot = usize::try_from(index).unwrap_or(usize::MAX);
        if lock(&self.written)
            .chunks
            .get(slot)
            .copied()
            .unwrap_or(true)
        {
            return Ok(());
        }
        let range = self.list.range(index)?;
        let part = self.store.part_path(&self.blob);
        self.file
            .write_all_at(bytes, range.start)
            .map_err(self.store.write_error("write", &part, bytes.len() as u64))?;
        let save = {
            let mut written = lock(&self.written);
            if let Some(done) = written.chunks.get_mut(slot)
                && !*done
            {
                *done = true;
                self.state
                    .held
                    .fetch_add(range.end - range.start, Ordering::Relaxed);
                written.unsaved += 1;
            }
            if written.unsaved >= PROGRESS_EVERY_CHUNKS {
                written.unsaved = 0;
                Some(written.chunks.clone())
            } else {
                None
            }
        };
        if let Some(chunks) = save {
            self.save_progress(&chunks)?;
        }
        Ok(())
    }

    /// Makes the written chunks durable, then records them in the progress file.
    fn save_progress(&self, chunks: &[bool]) -> Result<(), BlobStoreError> {
        let part = self.store.part_path(&self.blob);
        self.file
            .sync_data()
            .map_err(self.store.write_error("sync", &part, 0))?;
        self.store.write_whole(
            &self.store.progress_path(&self.blob),
            &encode_list(PROGRESS_MAGIC, &self.list, Some(chunks)),
        )
    }

    /// Bytes held (verified) so far, and the file's size.
    pub fn progress(&self) -> (u64, u64) {
        (self.state.held.load(Ordering::Relaxed), self.list.size)
    }

    /// Turns the fetched file into a complete one: every chunk must be written; it is
    /// fsynced and renamed to its id. A fetch that resumed chunks an earlier run wrote
    /// is hashed again whole from disk first; in one run every chunk was checked in
    /// memory before it was written at its place, and a read-back would come from the
    /// page cache, proving nothing more.
    pub fn finish(mut self) -> Result<(), BlobStoreError> {
        let missing = self.missing().len();
        if missing > 0 {
            return Err(BlobStoreError::Incomplete {
                blob: self.blob,
                missing,
            });
        }
        self.finished = true;
        let part = self.store.part_path(&self.blob);
        let progress = self.store.progress_path(&self.blob);
        let result = (|| {
            if self.state.cancelled.load(Ordering::Relaxed) {
                return Err(BlobStoreError::Cancelled { blob: self.blob });
            }
            self.file
                .sync_all()
                .map_err(self.store.write_error("sync", &part, 0))?;
            if self.resumed {
                let reread = File::open(&part).map_err(io_error("open", &part))?;
                let list = hash_file(reread, &part)?;
                if list != self.list {
                    return Err(BlobStoreError::Corrupt { path: part.clone() });
                }
            }
            if !self.store.has(&self.blob) {
                self.store.place(&self.blob, &self.list, &part)?;
            }
            Ok(())
        })();
        let _ = fs::remove_file(&part);
        let _ = fs::remove_file(&progress);
        let _ = sync_dir(&self.store.inner.dir.join(PARTIAL_DIR));
        result
    }
}

impl Drop for PartialBlob {
    fn drop(&mut self) {
        if !self.finished && !self.state.cancelled.load(Ordering::Relaxed) {
            let chunks = lock(&self.written).chunks.clone();
            if let Err(error) = self.save_progress(&chunks) {
                tracing::warn!(blob = %self.blob, %error, "could not record a fetch's progress");
            }
        }
        let mut fetches = lock(&self.store.inner.fetches);
        if fetches
            .get(&self.blob)
            .is_some_and(|state| Arc::ptr_eq(state, &self.state))
        {
            fetches.remove(&self.blob);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use commons_protocol::blob::chunk_list_of;

    fn file(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i.wrapping_mul(31) as u8) ^ seed)
            .collect()
    }

    const LIMITS: ImportLimits = ImportLimits {
        max_bytes: 8 * 1024 * 1024,
    };

    fn store() -> (tempfile::TempDir, BlobStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open_with_reserve(dir.path().join("blobs"), 0).unwrap();
        (dir, store)
    }

    #[test]
    fn an_import_is_kept_under_its_id_with_its_chunk_list() {
        let (_dir, store) = store();
        let bytes = file(CHUNK_BYTES * 2 + 17, 1);
        let imported = store.import(&bytes[..], LIMITS).unwrap();
        let expected = chunk_list_of(&bytes).unwrap();
        assert_eq!(imported.blob, expected.root());
        assert_eq!(imported.size, bytes.len() as u64);
        assert!(store.has(&imported.blob));
        assert_eq!(store.chunk_list(&imported.blob).unwrap(), Some(expected));
        assert_eq!(
            store.read_chunk(&imported.blob, 2).unwrap().unwrap(),
            bytes[CHUNK_BYTES * 2..]
        );
        assert_eq!(store.read_chunk(&imported.blob, 3).unwrap(), None);
        assert_eq!(store.list().unwrap(), vec![imported.blob]);
        // The same bytes again: kept once.
        assert_eq!(store.import(&bytes[..], LIMITS).unwrap(), imported);
        assert!(store.usage().unwrap() >= bytes.len() as u64);
        // Nothing left in tmp/.
        assert_eq!(fs::read_dir(store.dir().join(TMP_DIR)).unwrap().count(), 0);
    }

    /// A reader that counts what was read from it.
    struct Counting<'a> {
        bytes: &'a [u8],
        read: usize,
    }

    impl Read for Counting<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let n = buffer.len().min(self.bytes.len() - self.read);
            buffer[..n].copy_from_slice(&self.bytes[self.read..self.read + n]);
            self.read += n;
            Ok(n)
        }
    }

    #[test]
    fn an_import_over_the_limit_stops_reading_and_keeps_nothing() {
        let (_dir, store) = store();
        let bytes = file(4 * 1024 * 1024, 2);
        let mut reader = Counting {
            bytes: &bytes,
            read: 0,
        };
        let limits = ImportLimits {
            max_bytes: 1024 * 1024,
        };
        assert!(matches!(
            store.import(&mut reader, limits),
            Err(BlobStoreError::TooLarge { max }) if max == 1024 * 1024
        ));
        assert!(reader.read <= 1024 * 1024 + IMPORT_BUFFER_BYTES);
        assert!(store.list().unwrap().is_empty());
        assert_eq!(fs::read_dir(store.dir().join(TMP_DIR)).unwrap().count(), 0);
        assert!(matches!(
            store.import(&b""[..], LIMITS),
            Err(BlobStoreError::Empty)
        ));
    }

    #[test]
    fn the_reserve_refuses_imports_and_fetches_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open_with_reserve(dir.path().join("blobs"), u64::MAX / 4).unwrap();
        let bytes = file(1000, 3);
        assert!(matches!(
            store.import(&bytes[..], LIMITS),
            Err(BlobStoreError::DiskFull { .. })
        ));
        let list = chunk_list_of(&bytes).unwrap();
        assert!(matches!(
            store.begin_fetch(&list.root(), list.clone()),
            Err(BlobStoreError::DiskFull { .. })
        ));
        assert_eq!(store.usage().unwrap(), 0);
        assert_eq!(store.fetch_progress(&list.root()).unwrap(), None);
        assert_eq!(fs::read_dir(store.dir().join(TMP_DIR)).unwrap().count(), 0);
    }

    #[test]
    fn a_fetch_checks_each_chunk_and_is_served_only_when_finished() {
        let (_dir, store) = store();
        let bytes = file(CHUNK_BYTES * 3 + 5, 4);
        let list = chunk_list_of(&bytes).unwrap();
        let blob = list.root();
        let mut wrong = list.clone();
        wrong.size += 1;
        assert!(matches!(
            store.begin_fetch(&blob, wrong),
            Err(BlobStoreError::Invalid(_))
        ));
        let partial = store.begin_fetch(&blob, list.clone()).unwrap();
        assert!(matches!(
            store.begin_fetch(&blob, list.clone()),
            Err(BlobStoreError::FetchInProgress { .. })
        ));
        assert_eq!(partial.missing(), vec![0, 1, 2, 3]);
        let chunk = |i: u32| {
            &bytes[list.range(i).unwrap().start as usize..list.range(i).unwrap().end as usize]
        };
        let mut bad = chunk(1).to_vec();
        bad[0] ^= 0xff;
        assert!(matches!(
            partial.write_chunk(1, &bad),
            Err(BlobStoreError::Invalid(BlobError::WrongChunk { index: 1 }))
        ));
        for i in [3, 0, 2] {
            partial.write_chunk(i, chunk(i)).unwrap();
        }
        assert_eq!(partial.missing(), vec![1]);
        assert_eq!(
            partial.progress(),
            (CHUNK_BYTES as u64 * 2 + 5, bytes.len() as u64)
        );
        let progress = store.fetch_progress(&blob).unwrap().unwrap();
        assert!(progress.active);
        assert_eq!(progress.percent(), 66);
        // Not served while partial.
        assert!(!store.has(&blob));
        assert_eq!(store.read_chunk(&blob, 0).unwrap(), None);
        assert!(store.open_read(&blob).unwrap().is_none());
        assert!(store.chunk_list(&blob).unwrap().is_none());
        let partial = match partial.finish() {
            Err(BlobStoreError::Incomplete { missing: 1, .. }) => {
                store.begin_fetch(&blob, list.clone()).unwrap()
            }
            other => panic!("finished an incomplete file: {other:?}"),
        };
        partial.write_chunk(1, chunk(1)).unwrap();
        partial.finish().unwrap();
        assert!(store.has(&blob));
        let mut held = Vec::new();
        store
            .open_read(&blob)
            .unwrap()
            .unwrap()
            .read_to_end(&mut held)
            .unwrap();
        assert_eq!(held, bytes);
        assert_eq!(store.fetch_progress(&blob).unwrap(), None);
        assert_eq!(
            fs::read_dir(store.dir().join(PARTIAL_DIR)).unwrap().count(),
            0
        );
    }

    #[test]
    fn a_stopped_fetch_resumes_with_the_chunks_it_lacks() {
        const SAVED: u32 = PROGRESS_EVERY_CHUNKS as u32;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blobs");
        let bytes = file(CHUNK_BYTES * (SAVED as usize + 12) + 1, 5);
        let list = chunk_list_of(&bytes).unwrap();
        let blob = list.root();
        let chunk = |i: u32| {
            let range = list.range(i).unwrap();
            &bytes[range.start as usize..range.end as usize]
        };
        {
            let store = BlobStore::open_with_reserve(&path, 0).unwrap();
            let partial = store.begin_fetch(&blob, list.clone()).unwrap();
            for i in 0..SAVED + 4 {
                partial.write_chunk(i, chunk(i)).unwrap();
            }
            // Dropped without recording (as by SIGKILL): the progress file says SAVED.
            std::mem::forget(partial);
        }
        let store = BlobStore::open_with_reserve(&path, 0).unwrap();
        let stopped = store.fetch_progress(&blob).unwrap().unwrap();
        assert!(!stopped.active);
        assert_eq!(stopped.held_bytes, CHUNK_BYTES as u64 * u64::from(SAVED));
        // A chunk damaged on disk after it was written is fetched again.
        let part = OpenOptions::new()
            .write(true)
            .open(store.part_path(&blob))
            .unwrap();
        part.write_all_at(b"x", CHUNK_BYTES as u64 * u64::from(SAVED + 2) + 3)
            .unwrap();
        let partial = store.begin_fetch(&blob, list.clone()).unwrap();
        let missing = partial.missing();
        let mut expected = vec![SAVED + 2];
        expected.extend(SAVED + 4..=SAVED + 12);
        assert_eq!(missing, expected);
        for i in missing {
            partial.write_chunk(i, chunk(i)).unwrap();
        }
        partial.finish().unwrap();
        assert_eq!(
            store.read_chunk(&blob, SAVED + 2).unwrap().unwrap(),
            chunk(SAVED + 2)
        );
    }

    /// A chunk the progress file records, damaged on disk while the fetch was stopped,
    /// is not rechecked on resuming; the whole-file hash of a resumed fetch catches it,
    /// and the file is not placed.
    #[test]
    fn a_resumed_fetch_is_hashed_whole_before_it_is_placed() {
        const SAVED: u32 = PROGRESS_EVERY_CHUNKS as u32;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blobs");
        let bytes = file(CHUNK_BYTES * (SAVED as usize + 2), 8);
        let list = chunk_list_of(&bytes).unwrap();
        let blob = list.root();
        let chunk = |i: u32| {
            let range = list.range(i).unwrap();
            &bytes[range.start as usize..range.end as usize]
        };
        {
            let store = BlobStore::open_with_reserve(&path, 0).unwrap();
            let partial = store.begin_fetch(&blob, list.clone()).unwrap();
            for i in 0..SAVED {
                partial.write_chunk(i, chunk(i)).unwrap();
            }
            std::mem::forget(partial);
        }
        let store = BlobStore::open_with_reserve(&path, 0).unwrap();
        let part = OpenOptions::new()
            .write(true)
            .open(store.part_path(&blob))
            .unwrap();
        part.write_all_at(b"x", 3).unwrap();
        let partial = store.begin_fetch(&blob, list.clone()).unwrap();
        assert_eq!(partial.missing(), [SAVED, SAVED + 1]);
        for i in [SAVED, SAVED + 1] {
            partial.write_chunk(i, chunk(i)).unwrap();
        }
        assert!(matches!(
            partial.finish(),
            Err(BlobStoreError::Corrupt { .. })
        ));
        assert!(!store.has(&blob));
    }

    #[test]
    fn delete_removes_files_and_cancels_a_fetch() {
        let (_dir, store) = store();
        let bytes = file(5000, 6);
        let imported = store.import(&bytes[..], LIMITS).unwrap();
        assert!(store.delete(&imported.blob).unwrap());
        assert!(!store.has(&imported.blob));
        assert!(!store.delete(&imported.blob).unwrap());
        assert_eq!(store.usage().unwrap(), 0);

        let list = chunk_list_of(&bytes).unwrap();
        let partial = store.begin_fetch(&list.root(), list.clone()).unwrap();
        assert!(store.delete(&list.root()).unwrap());
        partial.write_chunk(0, &bytes).unwrap_err();
        assert!(matches!(
            partial.finish(),
            Err(BlobStoreError::Incomplete { .. })
        ));
        assert!(!store.has(&list.root()));
        assert_eq!(store.usage().unwrap(), 0);
    }

    #[test]
    fn a_lost_chunk_list_is_computed_again_and_a_changed_file_is_caught() {
        let (_dir, store) = store();
        let bytes = file(CHUNK_BYTES + 3, 7);
        let imported = store.import(&bytes[..], LIMITS).unwrap();
        fs::remove_file(store.chunks_path(&imported.blob)).unwrap();
        assert_eq!(
            store.chunk_list(&imported.blob).unwrap(),
            Some(imported.chunk_list.clone())
        );
        assert!(store.chunks_path(&imported.blob).exists());
        fs::remove_file(store.chunks_path(&imported.blob)).unwrap();
        let held = OpenOptions::new()
            .write(true)
            .open(store.path(&imported.blob))
            .unwrap();
        held.write_all_at(b"!", 0).unwrap();
        assert!(matches!(
            store.chunk_list(&imported.blob),
            Err(BlobStoreError::Corrupt { .. })
        ));
    }
}
