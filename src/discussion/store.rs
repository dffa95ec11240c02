//! The embedded discussion store: entries live in the repository as git objects under
//! `refs/hubgate/discussions`, so they travel with the repository and keep a history.
//!
//! The ref points at a commit whose tree holds one JSON blob per entry and the idempotency index
//! (one blob per key, holding the entry's number), sharded so that a write rewrites a few small
//! trees whatever the number of entries (see `layout`). All entries of one call to
//! [`Store::open_entries`] (one push) go into one commit, published with a compare-and-swap on
//! the ref; a writer that loses the race re-reads and tries again. A number is the highest number
//! plus one at the commit it is written on, so numbers are unique and gapless however many pushes
//! race. Writers queue on the store's lock and give up at their deadline (see `lock`). Never used
//! from pre-receive (no writes in quarantine).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use gix::ObjectId;
use gix::objs::tree::EntryKind;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};

use super::layout::{self, entry_path, flat_entry_path, flat_key_path, key_path};
use super::lock::WriteLock;
use super::{Entry, Event};

/// The ref holding the discussions.
pub const REF: &str = "refs/hubgate/discussions";
/// How long a write waits for other writers when the caller sets no deadline (an
/// administrator's `hubgate discussions comment`); hooks pass their own with [`Store::until`].
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// The discussions of one repository.
pub struct Store {
    repo: gix::Repository,
    deadline: Instant,
}

/// The result of opening one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    /// The entry's number.
    pub num: u64,
    /// False when an entry with the same idempotency key existed already (nothing was written).
    pub created: bool,
}

/// What a transaction's step decided: the tree to publish with its message (none: nothing to
/// write), and the caller's result.
type Step<T> = (Option<(ObjectId, String)>, T);

impl Store {
    /// Opens the store of the repository at `git_dir`.
    pub fn open(git_dir: &std::path::Path) -> Result<Store> {
        // Entries are read as they were written: an object named in `refs/replace/*` (refs a
        // push can create) must not stand in for one of them.
        let repo = gix::open_opts(
            git_dir,
            gix::open::Options::isolated().config_overrides(["core.useReplaceRefs=false"]),
        )
        .with_context(|| format!("cannot open the repository at {}", git_dir.display()))?;
        Ok(Store {
            repo,
            deadline: Instant::now() + DEFAULT_WAIT,
        })
    }

    /// The same store, whose writes stop waiting for other writers at `deadline` (a hook's
    /// `timeout-ms`). A write always makes one attempt, even past it.
    #[must_use]
    pub fn until(mut self, deadline: Instant) -> Store {
        self.deadline = deadline;
        self
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

    /// The number of entries (the highest number: they are gapless), without reading them.
    pub fn count(&self) -> Result<u64> {
        layout::highest(&self.repo, self.tree_of(self.head()?)?)
    }

    /// Every entry, in number order.
    pub fn list(&self) -> Result<Vec<Entry>> {
        self.list_after(0)
    }

    /// The entries numbered above `num`, in number order (reads only those and the shards that
    /// hold them).
    pub fn list_after(&self, num: u64) -> Result<Vec<Entry>> {
        let tree = self.tree_of(self.head()?)?;
        layout::entries_after(&self.repo, tree, num)?
            .into_iter()
            .map(|(n, blob)| parse(n, &self.repo.find_object(blob)?.detach().data))
            .collect()
    }

    /// One entry (reads that one blob and the trees above it).
    pub fn get(&self, num: u64) -> Result<Option<Entry>> {
        let tree = self.tree_of(self.head()?)?;
        self.get_in(tree, num).map(|found| found.map(|(_, e)| e))
    }

    /// The entry and the path it is stored at, in either layout.
    fn get_in(&self, tree: ObjectId, num: u64) -> Result<Option<(String, Entry)>> {
        for path in [entry_path(num), flat_entry_path(num)] {
            if let Some(bytes) = self.blob_at(tree, &path)? {
                return Ok(Some((path, parse(num, &bytes)?)));
            }
        }
        Ok(None)
    }

    /// The number of the entry opened under idempotency `key`, if any (either layout).
    pub fn find_key(&self, key: &str) -> Result<Option<u64>> {
        let tree = self.tree_of(self.head()?)?;
        self.find_key_in(tree, &layout::key_hex(self.repo.object_hash(), key)?)
    }

    fn find_key_in(&self, tree: ObjectId, hex: &str) -> Result<Option<u64>> {
        for path in [key_path(hex), flat_key_path(hex)] {
            if let Some(bytes) = self.blob_at(tree, &path)? {
                let num = String::from_utf8_lossy(&bytes)
                    .trim()
                    .parse()
                    .context("corrupt discussion key")?;
                return Ok(Some(num));
            }
        }
        Ok(None)
    }

    /// Adds `entry` under the next number unless an entry with the same idempotency `key`
    /// exists; `entry.num` is set here.
    pub fn open_entry(&self, key: &str, entry: Entry) -> Result<Opened> {
        let mut opened = self.open_entries(vec![(key.to_owned(), entry)])?;
        opened.pop().context("one entry in, one result out")
    }

    /// Adds each `(key, entry)` whose key is not in the store yet under the next numbers, in
    /// order, all in one commit; the results are in the same order. `num` and `key` of each
    /// entry are set here.
    pub fn open_entries(&self, items: Vec<(String, Entry)>) -> Result<Vec<Opened>> {
        let kind = self.repo.object_hash();
        let mut prepared = Vec::with_capacity(items.len());
        for (key, entry) in items {
            prepared.push((layout::key_hex(kind, &key)?, entry));
        }
        self.transact(|store, tree, editor| {
            let mut next = layout::highest(&store.repo, tree)? + 1;
            let mut seen: HashMap<&str, u64> = HashMap::new();
            let mut out = Vec::with_capacity(prepared.len());
            let mut first_title = None;
            for (hex, entry) in &prepared {
                let existing = match seen.get(hex.as_str()) {
                    Some(num) => Some(*num),
                    None => store.find_key_in(tree, hex)?,
                };
                if let Some(num) = existing {
                    out.push(Opened { num, created: false });
                    continue;
                }
                let mut entry = entry.clone();
                entry.num = next;
                entry.key = Some(hex.clone());
                let blob = store.repo.write_blob(serde_json::to_vec_pretty(&entry)?)?.detach();
                let key_blob = store.repo.write_blob(next.to_string())?.detach();
                editor.upsert(entry_path(next).as_str(), EntryKind::Blob, blob)?;
                editor.upsert(key_path(hex).as_str(), EntryKind::Blob, key_blob)?;
                seen.insert(hex, next);
                first_title.get_or_insert_with(|| format!("discussion #{next}: {}", entry.title));
                out.push(Opened {
                    num: next,
                    created: true,
                });
                next += 1;
            }
            let created = out.iter().filter(|o| o.created).count();
            let message = match (created, first_title) {
                (0, _) | (_, None) => None,
                (1, Some(title)) => Some(title),
                (n, Some(_)) => Some(format!("discussions #{}-#{}: {n} entries", next - n as u64, next - 1)),
            };
            Ok((message, out))
        })
    }

    /// Adds an event to an entry (a comment, or closing it).
    pub fn add_event(&self, num: u64, event: Event) -> Result<Entry> {
        self.transact(|store, tree, editor| {
            let Some((_, mut entry)) = store.get_in(tree, num)? else {
                bail!("no discussion #{num}")
            };
            if let Some(status) = &event.status {
                entry.status = status.clone();
            }
            entry.events.push(event.clone());
            let blob = store.repo.write_blob(serde_json::to_vec_pretty(&entry)?)?.detach();
            // After this transaction's migration every entry is at its sharded path.
            editor.upsert(entry_path(num).as_str(), EntryKind::Blob, blob)?;
            Ok((Some(format!("discussion #{num}: {}", event.kind)), entry))
        })
    }

    /// Runs `f` on the current tree with an editor of it (in which a store written before
    /// sharding is already migrated) and publishes the edited tree as a new commit with a
    /// compare-and-swap on the ref, retrying from a fresh read when another writer got there
    /// first, until the deadline. `f` returns the commit message, or `None` to write nothing.
    fn transact<T>(
        &self,
        mut f: impl FnMut(&Store, ObjectId, &mut gix::object::tree::Editor<'_>) -> Result<(Option<String>, T)>,
    ) -> Result<T> {
        let common_dir = self.repo.common_dir().to_owned();
        let lock = WriteLock::acquire(&common_dir, self.deadline)?;
        let mut attempt = 0u32;
        loop {
            lock.break_stale_ref_lock(REF)?;
            let head = self.head()?;
            let tree = self.tree_of(head)?;
            let (change, out): Step<T> = {
                let mut editor = self.repo.edit_tree(tree)?;
                layout::migrate(&self.repo, tree, &mut editor)?;
                match f(self, tree, &mut editor)? {
                    (Some(message), out) => (Some((editor.write()?.detach(), message)), out),
                    (None, out) => (None, out),
                }
            };
            let Some((new_tree, message)) = change else {
                return Ok(out);
            };
            let written = std::time::SystemTime::now();
            let commit = self.commit(new_tree, head, &message)?;
            match self.swap(head, commit, &message) {
                Ok(()) => {
                    self.settle(&common_dir, written);
                    return Ok(out);
                }
                Err(e) if Instant::now() >= self.deadline => {
                    return Err(e.context(format!(
                        "could not update {REF} before the deadline ({} attempts)",
                        attempt + 1
                    )));
                }
                Err(e) => {
                    tracing::debug!(attempt, error = %e, "discussions ref moved or locked; retrying");
                    attempt += 1;
                    // Back off a little, differently per process, so racing writers spread out.
                    let jitter = u64::from(std::process::id() % 7) + u64::from(attempt.min(20));
                    let left = self.deadline.saturating_duration_since(Instant::now());
                    std::thread::sleep(left.min(Duration::from_millis(1 + jitter)));
                }
            }
        }
    }

    /// Settles what this write created (`repo::settle`): the loose objects and their folders,
    /// the ref, its reflog and their folders. gix writes them with the process's owner and umask;
    /// as root that would leave them root's, and in a shared repository not group-writable. The
    /// entry is written by then, so a failure here is logged rather than returned.
    fn settle(&self, common_dir: &std::path::Path, since: std::time::SystemTime) {
        let done = crate::repo::settle::Settle::of(common_dir).and_then(|settle| {
            if !settle.needed() {
                return Ok(());
            }
            settle.objects_since(&common_dir.join("objects"), since)?;
            for file in [common_dir.join(REF), common_dir.join("logs").join(REF)] {
                if file.exists() {
                    settle.path_up_to(&file, common_dir)?;
                }
            }
            Ok(())
        });
        if let Err(e) = done {
            tracing::warn!(error = %format!("{e:#}"), "the discussion entry is written, but its files keep the writer's owner or mode");
        }
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

fn parse(num: u64, bytes: &[u8]) -> Result<Entry> {
    serde_json::from_slice(bytes).with_context(|| format!("discussion {num} is corrupt"))
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
