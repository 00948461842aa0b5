//! Files the CLI writes for people to keep or carry (an archive, a heads file): written
//! to a temporary file beside their final name, fsynced, checked by the caller, then
//! renamed and the directory fsynced, so a failure never leaves half a file under the
//! name, and a file once named survives a power cut.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tempfile::NamedTempFile;

/// A file being written beside `out`, not yet under its name.
pub(crate) struct PendingFile {
    temp: NamedTempFile,
    dir: PathBuf,
    what: &'static str,
}

impl PendingFile {
    /// A temporary file named `.<prefix>…` in `out`'s directory; `what` names the file
    /// in messages ("the export", "the heads file").
    pub(crate) fn beside(out: &Path, prefix: &str, what: &'static str) -> anyhow::Result<Self> {
        let dir = match out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(prefix)
            .tempfile_in(&dir)
            .with_context(|| {
                format!(
                    "cannot create a file in {}: check that the directory exists and is writable",
                    dir.display()
                )
            })?;
        Ok(PendingFile { temp, dir, what })
    }

    /// The file, to write to.
    pub(crate) fn file_mut(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// Where it is, to read it back.
    pub(crate) fn path(&self) -> &Path {
        self.temp.path()
    }

    /// The directory it goes in, for messages.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Flushes what was written to the disk.
    pub(crate) fn sync(&self) -> anyhow::Result<()> {
        self.temp.as_file().sync_all().with_context(|| {
            format!(
                "could not flush {} to disk in {}",
                self.what,
                self.dir.display()
            )
        })
    }

    /// Puts the file under `out`'s name, durably.
    pub(crate) fn commit(self, out: &Path) -> anyhow::Result<()> {
        let (what, dir) = (self.what, self.dir);
        self.temp
            .persist(out)
            .with_context(|| format!("could not move {what} into place at {}", out.display()))?;
        // The rename is durable once the directory is.
        if let Ok(directory) = File::open(&dir) {
            let _ = directory.sync_all();
        }
        Ok(())
    }
}
