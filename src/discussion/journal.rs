//! post-receive's write-ahead journal: every push is stored durably before any other work, then
//! recorded, then removed, so that a crash, `kill -9`, a full disk or a lock that cannot be had
//! leaves each push either recorded or kept, and a kept push is recorded later with its own
//! identity, pusher, options and time.
//!
//! Layout: `<git dir>/hubgate/journal/<unix time>-<push id>.json`, written as a temporary file
//! (`.<name>.tmp`), flushed to disk, renamed, and the folder flushed. The post-receive that owns a
//! file holds an exclusive lock on it while it works: a replay skips files whose lock is held (that
//! push is being recorded right now) and takes over those whose holder is gone (the kernel drops the
//! lock of a killed process, so a stale lock cannot exist). A file that cannot be read back
//! (empty, cut short, not a push) is reported, never read as "no updates", and left for the
//! administrator. Files of the older `hubgate/pending/*.txt` form (ref lines only) are replayed
//! too, without a pusher, since they never had one.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::push::{Push, Record};
use crate::repo::name::Name;
use crate::repo::settle::Settle;

/// A temporary journal file is considered only once it is this old: its writer locks it right
/// after creating it, so by then an unlocked one belongs to a writer that is gone.
const INTERRUPTED_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// The journal of one repository.
pub struct Journal {
    dir: PathBuf,
    legacy: PathBuf,
    git_dir: PathBuf,
    /// The repository's name, for old-form files that do not carry it.
    repo: Name,
}

/// A push held in the journal by this process: the lock lasts as long as the value.
pub struct Held {
    /// The journal file.
    pub path: PathBuf,
    _lock: File,
}

/// What a journal file holds, as far as it can be read.
pub enum Kept {
    /// A push to record, locked by this process while it is recorded.
    Push(Box<Push>, Held),
    /// A file that is not a readable push: reported, left in place.
    Damaged(PathBuf, String),
}

impl Journal {
    /// The journal of the repository at `git_dir`, named `repo`.
    pub fn of(git_dir: &Path, repo: &Name) -> Journal {
        Journal {
            dir: git_dir.join("hubgate").join("journal"),
            legacy: git_dir.join("hubgate").join("pending"),
            git_dir: git_dir.to_owned(),
            repo: repo.clone(),
        }
    }

    /// The folder, for messages (relative to the repository).
    pub fn shown(path: &Path) -> String {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let folder = if path.parent().and_then(Path::file_name).is_some_and(|f| f == "pending") {
            "pending"
        } else {
            "journal"
        };
        format!("hubgate/{folder}/{name}")
    }

    /// Stores `push` durably and holds it until the returned value is dropped or removed.
    pub fn write(&self, push: &Push) -> Result<Held> {
        // The repository owner's when root writes, group-writable in a shared repository.
        let settle = Settle::of(&self.git_dir)?;
        settle
            .create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", Journal::shown(&self.dir)))?;
        let name = format!("{:020}-{}.json", push.time.max(0), push.id);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let path = self.dir.join(&name);
        let text = serde_json::to_vec_pretty(&push.to_record()).context("cannot encode the push")?;
        let write = || -> std::io::Result<File> {
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            f.lock()?;
            settle.path(&tmp).map_err(std::io::Error::other)?;
            f.write_all(&text)?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            // The rename itself must reach the disk.
            File::open(&self.dir)?.sync_all()?;
            Ok(f)
        };
        match write() {
            Ok(lock) => Ok(Held { path, _lock: lock }),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(anyhow::Error::new(e).context("cannot write the push to the journal"))
            }
        }
    }

    /// Removes a recorded push.
    pub fn remove(&self, held: Held) -> Result<()> {
        std::fs::remove_file(&held.path).with_context(|| format!("cannot remove {}", Journal::shown(&held.path)))
    }

    /// Every kept push not being recorded by another process right now, oldest first, each
    /// locked; and every file that cannot be read back. Interrupted writes (`.*.tmp` files whose
    /// writer is gone) count as damaged: the push they were writing never reached the disk whole.
    pub fn kept(&self) -> Vec<Kept> {
        self.kept_with(false)
    }

    /// [`Journal::kept`], and with `set_aside` also the files set aside earlier as unreadable
    /// (for an administrator's `replay`; a push would only repeat them to every pusher).
    pub fn kept_with(&self, set_aside: bool) -> Vec<Kept> {
        let mut out = Vec::new();
        let mut paths: Vec<PathBuf> = [&self.dir, &self.legacy]
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flat_map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())))
            .collect();
        paths.sort_by_key(|p| p.file_name().map(|n| n.to_owned()));
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".damaged") {
                if set_aside {
                    out.push(Kept::Damaged(path, "kept aside earlier as unreadable".into()));
                }
                continue;
            }
            if name.ends_with(".tmp") {
                // Its writer locks it right after creating it: a young one may not be locked yet.
                let age = std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok());
                if age.is_none_or(|a| a <= INTERRUPTED_AFTER) {
                    continue;
                }
            }
            let Ok(file) = File::open(&path) else {
                out.push(Kept::Damaged(path, "cannot be opened".into()));
                continue;
            };
            if file.try_lock().is_err() {
                // Its post-receive is running now.
                continue;
            }
            let held = Held {
                path: path.clone(),
                _lock: file,
            };
            // An interrupted write may have reached the disk whole (killed before its rename):
            // then it is a push like any other; if not, it is reported.
            match self.read(&path, &name) {
                Ok(push) => out.push(Kept::Push(Box::new(push), held)),
                Err(e) if name.ends_with(".tmp") => out.push(Kept::Damaged(
                    path,
                    format!("a journal write was interrupted before it completed ({e})"),
                )),
                Err(e) => out.push(Kept::Damaged(path, e)),
            }
        }
        out
    }

    fn read(&self, path: &Path, name: &str) -> Result<Push, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
        if bytes.is_empty() {
            return Err("is empty (a write that never completed)".into());
        }
        if name.ends_with(".txt") {
            let updates = crate::push::input::parse(&bytes).map_err(|e| e.to_string())?;
            if updates.is_empty() {
                return Err("holds no ref update".into());
            }
            let record = Record {
                version: 1,
                id: format!("{}pending-{name}", crate::discussion::record::LEGACY_ID),
                repo: String::new(),
                repo_ignores_case: false,
                updates: Vec::new(),
                pusher: None,
                push_options: Vec::new(),
                forge_repo: None,
                internal: false,
                time: crate::time::now(),
            };
            let mut push = Push::from_record(record, self.git_dir.clone())?;
            push.updates = updates;
            push.repo = self.repo.clone();
            return Ok(push);
        }
        let record: Record = serde_json::from_slice(&bytes).map_err(|e| format!("is not a whole push: {e}"))?;
        if record.updates.is_empty() {
            return Err("holds no ref update".into());
        }
        Push::from_record(record, self.git_dir.clone())
    }

    /// Sets an unreadable file aside (`<name>.damaged`) so it is reported, not retried forever.
    pub fn set_aside(&self, path: &Path) -> Result<PathBuf> {
        let mut name = path.file_name().map(|n| n.to_owned()).unwrap_or_default();
        if name.to_string_lossy().ends_with(".damaged") {
            return Ok(path.to_owned());
        }
        name.push(".damaged");
        let to = path.with_file_name(name);
        std::fs::rename(path, &to).with_context(|| format!("cannot set aside {}", Journal::shown(path)))?;
        Ok(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    fn push() -> Push {
        let updates = crate::push::input::parse(
            b"0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 refs/heads/main\n",
        )
        .expect("valid");
        Push::new(
            &Env {
                pusher: Some("alice".into()),
                ..Env::default()
            },
            updates,
        )
    }

    #[test]
    fn a_held_push_is_skipped_and_a_released_one_is_kept() {
        let tmp = tempfile::tempdir().expect("tmp");
        let j = Journal::of(tmp.path(), &Name::exact("acme/model"));
        let held = j.write(&push()).expect("write");
        assert!(j.kept().is_empty(), "its owner holds it");
        drop(held);
        let kept = j.kept();
        assert_eq!(kept.len(), 1);
        let Kept::Push(p, h) = kept.into_iter().next().expect("one") else {
            panic!("a readable push");
        };
        assert_eq!(p.pusher.as_deref(), Some("alice"));
        j.remove(h).expect("remove");
        assert!(j.kept().is_empty());
    }

    #[test]
    fn empty_cut_and_interrupted_files_are_reported_not_ignored() {
        let tmp = tempfile::tempdir().expect("tmp");
        let j = Journal::of(tmp.path(), &Name::exact("acme/model"));
        let dir = tmp.path().join("hubgate/journal");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("1-a.json"), "").expect("write");
        std::fs::write(dir.join("2-b.json"), "{\"version\": 1, \"id\": \"x\", \"up").expect("write");
        let tmp_file = dir.join(".3-c.json.tmp");
        std::fs::write(&tmp_file, "{").expect("write");
        assert_eq!(j.kept().len(), 2, "a fresh temporary file is being written: left alone");
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&tmp_file)
            .and_then(|f| f.set_modified(old))
            .expect("age it");
        let kept = j.kept();
        assert_eq!(kept.len(), 3);
        for k in &kept {
            assert!(matches!(k, Kept::Damaged(..)));
        }
        let Kept::Damaged(path, why) = &kept[0] else {
            panic!("damaged")
        };
        assert!(why.contains("interrupted"), "{why}");
        let aside = j.set_aside(path).expect("aside");
        assert!(aside.to_string_lossy().ends_with(".damaged"));
    }
}
