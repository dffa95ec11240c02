//! Who may write the store, and for how long a writer waits: never past its deadline, and never
//! behind a lock whose holder is gone.
//!
//! Writers first take an exclusive `flock` on `<repo>/hubgate/discussions.lock`. The kernel
//! releases it when its holder exits, however it exits (`kill -9` included), so this lock is never
//! stale. Holding it, a writer knows that no other hubgate process is between locking and
//! unlocking the ref, so a ref lock file (`refs/hubgate/discussions.lock`, git's and gix's
//! lock, which a killed process leaves behind) can only belong to a dead hubgate process or to a
//! foreign git command (`git update-ref`, `git pack-refs --prune`, a mirror fetch), which holds it
//! for milliseconds. Such a file older than [`STALE_AFTER`] is broken: moved aside, checked to be
//! the very file that was judged old (same device and inode), then deleted; if a fresh lock took
//! its place in between, it is put back. A younger one is waited for until the deadline, so a
//! lock left by a crash costs the pushes of the next [`STALE_AFTER`] at most their deadline, and
//! no push afterwards anything.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};

use crate::repo::settle::Settle;

/// The age from which a ref lock file, found while holding the store's lock, is taken for one
/// left by a dead process. Real holds last milliseconds (lock, write 41 bytes, rename); two
/// seconds is a thousand times that, and short enough that a crash is forgotten by the next push.
pub const STALE_AFTER: Duration = Duration::from_secs(2);

/// The store's write lock, held until dropped.
pub(super) struct WriteLock {
    /// `None` when the lock file could not be opened (a repository the writer may not create
    /// files in): then writers rely on the ref's compare-and-swap alone and break no ref lock.
    file: Option<File>,
    common_dir: PathBuf,
}

impl WriteLock {
    /// Takes the store's lock in the repository whose common directory is `common_dir`, waiting
    /// at most until `deadline` (one attempt is always made).
    pub(super) fn acquire(common_dir: &Path, deadline: Instant) -> Result<WriteLock> {
        let file = match open(common_dir) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot open the discussions store's lock file; writing without it");
                return Ok(WriteLock {
                    file: None,
                    common_dir: common_dir.to_owned(),
                });
            }
        };
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(e).context("cannot lock the discussions store"),
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!("another hubgate process held the discussions store until the deadline");
            }
            std::thread::sleep(left.min(Duration::from_millis(5)));
        }
        Ok(WriteLock {
            file: Some(file),
            common_dir: common_dir.to_owned(),
        })
    }

    /// Breaks the ref's lock file if it was left by a dead process (see the module comment).
    /// Returns whether it did.
    pub(super) fn break_stale_ref_lock(&self, refname: &str) -> Result<bool> {
        if self.file.is_none() {
            return Ok(false);
        }
        let lock = self.common_dir.join(format!("{refname}.lock"));
        let Ok(meta) = std::fs::symlink_metadata(&lock) else {
            return Ok(false);
        };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or_default();
        if age < STALE_AFTER {
            return Ok(false);
        }
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let aside = self
            .common_dir
            .join("hubgate")
            .join(format!("stale-ref-lock-{}-{nanos}", std::process::id()));
        match std::fs::rename(&lock, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e).with_context(|| format!("cannot remove the stale lock {}", lock.display())),
        }
        let moved = std::fs::symlink_metadata(&aside)?;
        if (moved.dev(), moved.ino()) != (meta.dev(), meta.ino()) {
            // A live holder's fresh lock replaced the stale one in between: give it back (unless
            // yet another lock is there already, which then stands).
            let _ = std::fs::hard_link(&aside, &lock);
            let _ = std::fs::remove_file(&aside);
            return Ok(false);
        }
        std::fs::remove_file(&aside).with_context(|| format!("cannot delete {}", aside.display()))?;
        tracing::warn!(lock = %lock.display(), age_s = age.as_secs(), "broke a stale lock left by a process that died");
        Ok(true)
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        if let Some(f) = &self.file {
            let _ = f.unlock();
        }
    }
}

/// Opens (creating it if needed) the store's lock file. An existing file is opened read-only, so
/// a file an administrator's command created stays usable by the hook's user (`flock` needs no
/// write access).
///
/// A new folder and file are settled (`repo::settle`): the repository owner's when root creates
/// them, group-writable in a shared repository.
fn open(common_dir: &Path) -> Result<File> {
    let dir = common_dir.join("hubgate");
    let path = dir.join("discussions.lock");
    match File::open(&path) {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let settle = Settle::of(common_dir)?;
            settle.create_dir_all(&dir)?;
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(f) => {
                    settle.path(&path)?;
                    Ok(f)
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(File::open(&path)?),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
