//! The embedded discussion store: entries live in the repository as git objects under
//! `refs/hubgate/discussions`, so they travel with the repository and keep a history.
//!
//! The ref points at a commit whose tree holds `entries/NNNNNN.json` (one blob per entry) and
//! `keys/<id>` (the idempotency index: one blob per (repository, ref, old, new), holding the
//! entry's number). Each write is a new commit on top of the last, published with a
//! compare-and-swap on the ref; a writer that loses the race re-reads and tries again. A number is
//! the count of entries plus one at the commit it is written on, so numbers are unique and
//! gapless however many pushes race. Never used from pre-receive (no writes in quarantine).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use gix::ObjectId;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};

use super::{Entry, Event};

/// The ref holding the discussions.
pub const REF: &str = "refs/hubgate/discussions";
/// How often a write is retried when another writer moved the ref first. Each attempt waits at
/// most `core.filesRefLockTimeout` (100 ms by default) for the ref's lock.
const MAX_ATTEMPTS: u32 = 60;
/// The longest a write keeps retrying.
const MAX_WAIT: Duration = Duration::from_secs(4);

/// The discussions of one repository.
pub struct Store {
    repo: gix::Repository,
}

/// The result of [`Store::open_entry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    /// The entry's number.
    pub num: u64,
    /// False when an entry for the same update existed already (nothing was written).
    pub created: bool,
}

impl Store {
    /// Opens the store of the repository at `git_dir`.
    pub fn open(git_dir: &std::path::Path) -> Result<Store> {
        let repo = gix::open_opts(git_dir, gix::open::Options::isolated())
            .with_context(|| format!("cannot open the repository at {}", git_dir.display()))?;
        Ok(Store { repo })
    }

    fn head(&self) -> Result<Option<ObjectId>> {
        Ok(
            match self
                .repo
                .try_find_reference(REF)
                .context("cannot read the discussions ref")?
            {
                Some(mut r) => Some(r.peel_to_id().context("cannot resolve the discussions ref")?.detach()),
                None => None,
            },
        )
    }

    fn tree_of(&self, commit: Option<ObjectId>) -> Result<ObjectId> {
        Ok(match commit {
            Some(c) => self.repo.find_commit(c)?.tree_id()?.detach(),
            None => ObjectId::empty_tree(self.repo.object_hash()),
        })
    }

    fn blob_at(&self, tree: ObjectId, path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self.repo.find_tree(tree)?;
        match tree.lookup_entry_by_path(path)? {
            Some(entry) => Ok(Some(entry.object()?.detach().data)),
            None => Ok(None),
        }
    }

    fn count(&self, tree: ObjectId) -> Result<u64> {
        let tree = self.repo.find_tree(tree)?;
        Ok(match tree.lookup_entry_by_path("entries")? {
            Some(e) => e.object()?.into_tree().decode()?.entries.len() as u64,
            None => 0,
        })
    }

    fn key_path(&self, key: &str) -> Result<String> {
        let id = gix::objs::compute_hash(self.repo.object_hash(), gix::objs::Kind::Blob, key.as_bytes())?;
        Ok(format!("keys/{id}"))
    }

    /// Every entry, in number order.
    pub fn list(&self) -> Result<Vec<Entry>> {
        self.list_after(0)
    }

    /// The entries numbered above `num`, in number order (reads only those).
    pub fn list_after(&self, num: u64) -> Result<Vec<Entry>> {
        let tree = self.tree_of(self.head()?)?;
        let n = self.count(tree)?;
        (num + 1..=n)
            .filter_map(|num| self.get_in(tree, num).transpose())
            .collect()
    }

    /// One entry.
    pub fn get(&self, num: u64) -> Result<Option<Entry>> {
        let tree = self.tree_of(self.head()?)?;
        self.get_in(tree, num)
    }

    fn get_in(&self, tree: ObjectId, num: u64) -> Result<Option<Entry>> {
        match self.blob_at(tree, &entry_path(num))? {
            Some(bytes) => Ok(Some(
                serde_json::from_slice(&bytes).with_context(|| format!("discussion {num} is corrupt"))?,
            )),
            None => Ok(None),
        }
    }

    /// Adds `entry` under the next number unless an entry with the same idempotency `key`
    /// exists; `entry.num` is set here.
    pub fn open_entry(&self, key: &str, mut entry: Entry) -> Result<Opened> {
        let key_path = self.key_path(key)?;
        self.transact(|store, tree| {
            if let Some(bytes) = store.blob_at(tree, &key_path)? {
                let num = String::from_utf8_lossy(&bytes)
                    .trim()
                    .parse()
                    .context("corrupt discussion key")?;
                return Ok((None, Opened { num, created: false }));
            }
            let num = store.count(tree)? + 1;
            entry.num = num;
            let mut editor = store.repo.edit_tree(tree)?;
            let blob = store.repo.write_blob(serde_json::to_vec_pretty(&entry)?)?.detach();
            let key_blob = store.repo.write_blob(num.to_string())?.detach();
            editor.upsert(entry_path(num), gix::objs::tree::EntryKind::Blob, blob)?;
            editor.upsert(key_path.as_str(), gix::objs::tree::EntryKind::Blob, key_blob)?;
            let new_tree = editor.write()?.detach();
            Ok((
                Some((new_tree, format!("discussion #{num}: {}", entry.title))),
                Opened { num, created: true },
            ))
        })
    }

    /// Adds an event to an entry (a comment, or closing it).
    pub fn add_event(&self, num: u64, event: Event) -> Result<Entry> {
        self.transact(|store, tree| {
            let Some(mut entry) = store.get_in(tree, num)? else {
                bail!("no discussion #{num}")
            };
            if let Some(status) = &event.status {
                entry.status = status.clone();
            }
            entry.events.push(event.clone());
            let mut editor = store.repo.edit_tree(tree)?;
            let blob = store.repo.write_blob(serde_json::to_vec_pretty(&entry)?)?.detach();
            editor.upsert(entry_path(num), gix::objs::tree::EntryKind::Blob, blob)?;
            let new_tree = editor.write()?.detach();
            Ok((Some((new_tree, format!("discussion #{num}: {}", event.kind))), entry))
        })
    }

    /// Runs `f` on the current tree and publishes the tree it returns as a new commit with a
    /// compare-and-swap on the ref, retrying from a fresh read when another writer got there first.
    fn transact<T>(&self, mut f: impl FnMut(&Store, ObjectId) -> Result<(Option<(ObjectId, String)>, T)>) -> Result<T> {
        let mut last_error = None;
        let started = std::time::Instant::now();
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 && started.elapsed() > MAX_WAIT {
                break;
            }
            let head = self.head()?;
            let tree = self.tree_of(head)?;
            let (change, out) = f(self, tree)?;
            let Some((new_tree, message)) = change else {
                return Ok(out);
            };
            let commit = self.commit(new_tree, head, &message)?;
            match self.swap(head, commit, &message) {
                Ok(()) => return Ok(out),
                Err(e) => {
                    tracing::debug!(attempt, error = %e, "discussions ref moved; retrying");
                    last_error = Some(e);
                    // Back off a little, differently per process, so racing writers spread out.
                    let jitter = u64::from(std::process::id() % 7) + u64::from(attempt.min(20));
                    std::thread::sleep(Duration::from_millis(1 + jitter));
                }
            }
        }
        Err(last_error
            .unwrap_or_else(|| anyhow::anyhow!("no attempt made"))
            .context(format!(
                "could not update {REF} (gave up after retrying for {MAX_WAIT:?})"
            )))
    }

    fn signature() -> gix::actor::Signature {
        gix::actor::Signature {
            name: "hubgate".into(),
            email: "hubgate@localhost".into(),
            time: gix::date::Time::now_utc(),
        }
    }

    fn commit(&self, tree: ObjectId, parent: Option<ObjectId>, message: &str) -> Result<ObjectId> {
        let sig = Self::signature();
        let mut buf = gix::date::parse::TimeBuf::default();
        let mut buf2 = gix::date::parse::TimeBuf::default();
        let commit = self
            .repo
            .new_commit_as(sig.to_ref(&mut buf), sig.to_ref(&mut buf2), message, tree, parent)?;
        Ok(commit.id)
    }

    fn swap(&self, old: Option<ObjectId>, new: ObjectId, message: &str) -> Result<()> {
        let expected = match old {
            Some(id) => PreviousValue::MustExistAndMatch(gix::refs::Target::Object(id)),
            None => PreviousValue::MustNotExist,
        };
        let edit = RefEdit {
            change: Change::Update {
                log: LogChange {
                    mode: RefLog::AndReference,
                    force_create_reflog: false,
                    message: message.into(),
                },
                expected,
                new: gix::refs::Target::Object(new),
            },
            name: REF.try_into().context("the discussions ref name is valid")?,
            deref: false,
        };
        let sig = Self::signature();
        let mut buf = gix::date::parse::TimeBuf::default();
        self.repo.edit_references_as(Some(edit), Some(sig.to_ref(&mut buf)))?;
        Ok(())
    }
}

fn entry_path(num: u64) -> String {
    format!("entries/{num:06}.json")
}
