//! The outbox: entries waiting to be delivered, kept durably next to the repository.
//!
//! An item is one JSON file in `<git dir>/hubgate/outbox/`, written to a temporary name, synced
//! and renamed into place, so a crash leaves either the whole item or nothing. It is removed only
//! after the forge confirmed the issue. Flushes take an exclusive lock on the directory, so two
//! post-receives never deliver the same item at once; a flush that finds the lock taken leaves
//! the work to the holder. Nothing is ever dropped: a failing item stays, with its last error.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::discussion::Entry;
use crate::repo::settle::Settle;

/// One pending delivery.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    /// The entry to deliver.
    pub entry: Entry,
    /// The forge owner and repository.
    pub owner: String,
    /// The forge repository name.
    pub repo: String,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// The last failure, for `hubgate outbox list`.
    pub last_error: Option<String>,
}

/// The outbox of one repository.
pub struct Outbox {
    dir: PathBuf,
    git_dir: PathBuf,
}

/// What a flush did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Flushed {
    /// Items delivered (and removed).
    pub delivered: usize,
    /// Items still waiting.
    pub pending: usize,
    /// True when another process held the lock (nothing was tried).
    pub busy: bool,
}

impl Outbox {
    /// The outbox of the repository at `git_dir`.
    pub fn of(git_dir: &Path) -> Outbox {
        Outbox {
            dir: git_dir.join("hubgate").join("outbox"),
            git_dir: git_dir.to_owned(),
        }
    }

    /// Queues every entry of the store not queued before (numbers above the high-water mark in
    /// `queued`, read by `entries_after(mark)`), under the queueing lock. Reconciling with the store, rather than queueing right
    /// after each write, means a post-receive killed between the two loses nothing: the next one
    /// queues what is missing. Item names are the entry numbers, so an item is never queued twice.
    pub fn enqueue(
        &self,
        entries_after: impl FnOnce(u64) -> Result<Vec<Entry>>,
        owner: &str,
        repo: &str,
        deadline: std::time::Instant,
    ) -> Result<usize> {
        // Everything here is the repository owner's when root writes, and group-writable in a
        // shared repository, so that the next pusher can lock, write and rename.
        let settle = Settle::of(&self.git_dir)?;
        settle
            .create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        // Queueing has its own lock, held for milliseconds: a flush (which may wait on a slow
        // forge for its whole deadline) holds `.lock`, never this one, so it cannot hold up a
        // post-receive. Items are written by rename, so a flush never sees half of one.
        let lock = File::create(self.dir.join(".queue-lock")).context("cannot open the outbox lock")?;
        settle.path(&self.dir.join(".queue-lock"))?;
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    anyhow::bail!("the outbox is busy queueing; the next push queues these entries")
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e).context("cannot lock the outbox"),
            }
        }
        let mark_path = self.dir.join("queued");
        let mark: u64 = std::fs::read_to_string(&mark_path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let mut queued = 0;
        let mut high = mark;
        for entry in entries_after(mark)?.iter().filter(|e| e.num > mark) {
            let item = Item {
                entry: entry.clone(),
                owner: owner.to_owned(),
                repo: repo.to_owned(),
                attempts: 0,
                last_error: None,
            };
            self.write(&settle, &self.dir.join(format!("{:09}.json", entry.num)), &item)?;
            high = high.max(entry.num);
            queued += 1;
        }
        if high > mark {
            let tmp = self.dir.join("queued.tmp");
            std::fs::write(&tmp, high.to_string())?;
            settle.path(&tmp)?;
            File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, &mark_path)?;
        }
        Ok(queued)
    }

    fn write(&self, settle: &Settle, path: &Path, item: &Item) -> Result<()> {
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let mut f = File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        settle.path(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(item)?)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// The waiting items, oldest first. Unreadable files are reported, never deleted.
    pub fn items(&self) -> Result<Vec<(PathBuf, Result<Item>)>> {
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", self.dir.display())),
        };
        paths.sort();
        Ok(paths
            .into_iter()
            .map(|p| {
                let item = std::fs::read(&p)
                    .map_err(anyhow::Error::from)
                    .and_then(|b| serde_json::from_slice(&b).map_err(anyhow::Error::from))
                    .with_context(|| format!("outbox item {} is unreadable", p.display()));
                (p, item)
            })
            .collect())
    }

    /// Tries to deliver every item with `deliver` until `deadline`; delivered items are removed.
    pub fn flush(
        &self,
        deadline: std::time::Instant,
        mut deliver: impl FnMut(&Item) -> Result<i64>,
    ) -> Result<Flushed> {
        if !self.dir.exists() {
            return Ok(Flushed::default());
        }
        let settle = Settle::of(&self.git_dir)?;
        let lock = File::create(self.dir.join(".lock")).context("cannot open the outbox lock")?;
        settle.path(&self.dir.join(".lock"))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Ok(Flushed {
                    busy: true,
                    ..Flushed::default()
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e).context("cannot lock the outbox"),
        }
        let mut out = Flushed::default();
        for (path, item) in self.items()? {
            let Ok(mut item) = item else {
                out.pending += 1;
                continue;
            };
            if std::time::Instant::now() >= deadline {
                out.pending += 1;
                continue;
            }
            match deliver(&item) {
                Ok(number) => {
                    tracing::debug!(num = item.entry.num, issue = number, "delivered");
                    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
                    out.delivered += 1;
                }
                Err(e) => {
                    item.attempts += 1;
                    item.last_error = Some(format!("{e:#}"));
                    self.write(&settle, &path, &item)?;
                    out.pending += 1;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
