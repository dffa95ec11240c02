//! The object reads the push walk needs: what a ref points at, commits with their dates, raw
//! trees, which commits the refs already reach, and blobs streamed in chunks.

use std::collections::{BinaryHeap, HashSet};

use anyhow::{Context, Result};
use gix::ObjectId;
use gix::objs::CommitRefIter;

use super::Repo;
use super::tree::{self, RawEntry};

/// The longest chain of annotated tags hubgate follows (a longer one is refused as an error).
pub const MAX_TAG_CHAIN: usize = 64;

/// The largest tree hubgate reads: 64 MiB is over a million entries, far above any real folder
/// (git's own source tree is 30 kB); a larger one is refused, not skipped.
pub const MAX_TREE_BYTES: u64 = 64 * 1024 * 1024;

/// A tree as the walk reads it.
#[derive(Debug)]
pub enum TreeRead {
    /// Its entries.
    Entries(Vec<RawEntry>),
    /// Over [`MAX_TREE_BYTES`]: refused, not parsed.
    TooLarge(u64),
    /// Bytes that do not parse as a tree.
    NotATree,
}

impl TreeRead {
    /// The entries, or none.
    pub fn entries(self) -> Vec<RawEntry> {
        match self {
            TreeRead::Entries(e) => e,
            _ => Vec::new(),
        }
    }
}

/// What a ref's new value is, once annotated tags are peeled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A commit.
    Commit(ObjectId),
    /// A tree (`git push origin HEAD^{tree}:refs/tags/t`).
    Tree(ObjectId),
    /// A blob (`git push origin <blob>:refs/pr/1`).
    Blob(ObjectId),
}

/// How a blob was read for the token search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streamed {
    /// Every byte went through the callback.
    Whole,
    /// The blob could not be read within `max` bytes of memory (a delta, or an object outside the
    /// quarantine, over the bound): nothing was searched.
    TooLarge(u64),
}

/// Walks the history the refs already reach, newest first, a little at a time: each question
/// walks only as far as it needs.
pub struct Reached {
    /// Commits to visit, newest first, with their parents (each commit is read once).
    queue: BinaryHeap<(i64, ObjectId, Vec<ObjectId>)>,
    seen: HashSet<ObjectId>,
}

impl Repo {
    /// Follows annotated tags (chains included) to the commit, tree or blob they end at, and
    /// returns the tags on the way: their messages are text the push brings.
    pub fn target(&self, id: ObjectId) -> Result<(Target, Vec<ObjectId>)> {
        self.target_in(id, super::odb::Scope::WithPush)
    }

    /// [`Repo::target`], reading only the stores `scope` names.
    fn target_in(&self, id: ObjectId, scope: super::odb::Scope) -> Result<(Target, Vec<ObjectId>)> {
        let mut tags = Vec::new();
        let mut at = id;
        // Tag chains are short; a bound keeps a cycle of hostile ids from spinning.
        for _ in 0..MAX_TAG_CHAIN {
            let object = self.find_in(at, scope)?;
            let target = match object.kind {
                gix::object::Kind::Commit => Target::Commit(at),
                gix::object::Kind::Tree => Target::Tree(at),
                gix::object::Kind::Blob => Target::Blob(at),
                gix::object::Kind::Tag => {
                    tags.push(at);
                    at = gix::objs::TagRefIter::from_bytes(&object.data, at.kind())
                        .target_id()
                        .with_context(|| format!("cannot read the target of tag {at}"))?;
                    continue;
                }
            };
            return Ok((target, tags));
        }
        anyhow::bail!("tag {id} starts a chain of more than {MAX_TAG_CHAIN} tags")
    }

    /// A commit's tree, parents and committer time (seconds).
    pub fn commit_info(&self, id: ObjectId) -> Result<(ObjectId, Vec<ObjectId>, i64)> {
        let data = self.commit_bytes(id)?;
        let tree = tree_of(&data, id)?;
        let time = CommitRefIter::from_bytes(&data, id.kind())
            .committer()
            .ok()
            .and_then(|c| c.time().ok())
            .map(|t| t.seconds)
            .unwrap_or(0);
        Ok((tree, parents_of(&data, id), time))
    }

    /// A commit's tree (the walk compares it with the pushed commit's tree).
    pub fn commit_tree(&self, id: ObjectId) -> Result<ObjectId> {
        tree_of(&self.commit_bytes(id)?, id)
    }

    /// A commit's tree, its parents and its raw bytes (its message and headers are searched for
    /// tokens), in one read; without the committer time, which the walk does not need and which
    /// costs a date parse.
    pub fn commit_read(&self, id: ObjectId) -> Result<(ObjectId, Vec<ObjectId>, Vec<u8>)> {
        let data = self.commit_bytes(id)?;
        Ok((tree_of(&data, id)?, parents_of(&data, id), data))
    }

    /// A commit's bytes; an error for any other kind of object.
    fn commit_bytes(&self, id: ObjectId) -> Result<Vec<u8>> {
        let object = self.find(id).with_context(|| format!("cannot read commit {id}"))?;
        anyhow::ensure!(
            object.kind.is_commit(),
            "cannot read commit {id}: the object is a {}",
            object.kind
        );
        Ok(object.data)
    }

    /// An object's raw bytes (a tag's headers and message): searched for tokens like any file.
    pub fn raw_object(&self, id: ObjectId) -> Result<Vec<u8>> {
        Ok(self.find(id).with_context(|| format!("cannot read object {id}"))?.data)
    }

    /// A tree's entries as written, or why they are not given: more than [`MAX_TREE_BYTES`]
    /// (refused, not parsed), or bytes that are not a tree.
    pub fn raw_tree(&self, id: ObjectId) -> Result<TreeRead> {
        let object = self.find(id).with_context(|| format!("cannot read tree {id}"))?;
        anyhow::ensure!(object.kind.is_tree(), "object {id} is not a tree");
        if object.data.len() as u64 > MAX_TREE_BYTES {
            return Ok(TreeRead::TooLarge(object.data.len() as u64));
        }
        Ok(match tree::parse(&object.data, self.hash.len_in_bytes()) {
            Some(entries) => TreeRead::Entries(entries),
            None => TreeRead::NotATree,
        })
    }

    /// Every commit some ref points at (tags peeled), before the push: where the history the
    /// repository already has begins.
    pub fn ref_tips(&self) -> Result<Vec<ObjectId>> {
        let mut out = Vec::new();
        for id in self.refs.every_target()? {
            match self.peel_before_push(id) {
                Ok(Some(commit)) => out.push(commit),
                Ok(None) => {}
                Err(e) => tracing::debug!(error = %e, "a ref points at a missing object"),
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The commit `id` is or its annotated tags end at, reading only what the repository held
    /// before the push (a ref to an object only the push brings reaches no history the
    /// repository has); `None` for a tree or a blob.
    fn peel_before_push(&self, id: ObjectId) -> Result<Option<ObjectId>> {
        Ok(match self.target_in(id, super::odb::Scope::BeforePush)?.0 {
            Target::Commit(commit) => Some(commit),
            Target::Tree(_) | Target::Blob(_) => None,
        })
    }

    /// The commits of `new` not reachable from `hidden`, newest first (the repository's own
    /// objects: this is asked where there is no quarantine). In a shallow repository the walk
    /// stops at the commits `shallow` lists, whose parents it does not have, as git's and gix's
    /// walks do; any other missing commit is an error.
    pub fn commits_between(&self, new: ObjectId, hidden: &[ObjectId]) -> Result<Vec<ObjectId>> {
        let shallow = self.shallow_commits()?;
        let objects = &self.objects;
        // The parents of shallow commits met so far: each is passed over once (gix's rule).
        let mut grafted: Vec<ObjectId> = Vec::new();
        let mut buf = Vec::new();
        let walk = gix::traverse::commit::Simple::filtered([new], objects, move |id: &gix::oid| {
            if let Ok(at) = grafted.binary_search_by(|g| g.as_ref().cmp(id)) {
                grafted.remove(at);
                return false;
            }
            if shallow.binary_search_by(|s| s.as_ref().cmp(id)).is_ok()
                && let Ok(Some(data)) = gix::objs::Find::try_find(objects, id, &mut buf)
            {
                grafted.extend(gix::objs::CommitRefIter::from_bytes(data.data, id.kind()).parent_ids());
                grafted.sort();
            }
            true
        })
        .hide(hidden.iter().copied())
        .with_context(|| format!("cannot walk the history of {new}"))?;
        let mut out = Vec::new();
        for info in walk {
            out.push(
                info.map_err(|e| anyhow::anyhow!("cannot walk the history of {new}: {e}"))?
                    .id,
            );
        }
        Ok(out)
    }

    /// The commits a shallow repository's `shallow` file lists, sorted (none when there is no
    /// such file), read as gix reads it.
    fn shallow_commits(&self) -> Result<Vec<ObjectId>> {
        let path = self.common_dir.join("shallow");
        gix_shallow::read(&path)
            .map(|ids| ids.map(Vec::from).unwrap_or_default())
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
    }

    /// Starts a walk of the history reached from `tips`.
    pub fn reached(&self, tips: &[ObjectId]) -> Result<Reached> {
        let mut r = Reached {
            queue: BinaryHeap::new(),
            seen: HashSet::new(),
        };
        for &tip in tips {
            if r.seen.insert(tip) {
                let (_, parents, time) = self.commit_info(tip)?;
                r.queue.push((time, tip, parents));
            }
        }
        Ok(r)
    }

    /// Whether `commit` is reachable from the tips of `reached`. Walks newest first until it is
    /// found or the history is exhausted; the walk resumes where it stopped on the next call, so
    /// all the questions of one push cost one walk at most.
    pub fn is_reached(&self, reached: &mut Reached, commit: ObjectId) -> Result<bool> {
        while !reached.seen.contains(&commit) {
            let Some((_, _, parents)) = reached.queue.pop() else {
                return Ok(false);
            };
            for p in parents {
                if reached.seen.insert(p) {
                    // A parent missing from a shallow repository ends that line of history.
                    if let Ok((_, grand, time)) = self.commit_info(p) {
                        reached.queue.push((time, p, grand));
                    }
                }
            }
        }
        Ok(true)
    }

    /// Passes the bytes of blob `id` to `each` in chunks and returns its size. Quarantined blobs
    /// stored whole are inflated as a stream (memory stays bounded whatever their size, and the
    /// header is read once); any other blob is read whole when it is at most `max` bytes, and
    /// reported [`Streamed::TooLarge`] otherwise.
    pub fn stream_blob(&self, id: ObjectId, max: u64, each: &mut dyn FnMut(&[u8])) -> Result<(Streamed, u64)> {
        if let Some(p) = &self.prefixes
            && let Some(size) = p.stream(&id, each)?
        {
            return Ok((Streamed::Whole, size));
        }
        let size = self.object_size(id)?;
        if size > max {
            return Ok((Streamed::TooLarge(size), size));
        }
        let object = self.find(id).with_context(|| format!("cannot read blob {id}"))?;
        each(&object.data);
        Ok((Streamed::Whole, size))
    }
}

/// The tree a commit's bytes name.
fn tree_of(data: &[u8], id: ObjectId) -> Result<ObjectId> {
    CommitRefIter::from_bytes(data, id.kind())
        .tree_id()
        .with_context(|| format!("cannot read the tree of {id}"))
}

/// The parents a commit's bytes name, in order.
fn parents_of(data: &[u8], id: ObjectId) -> Vec<ObjectId> {
    CommitRefIter::from_bytes(data, id.kind()).parent_ids().collect()
}
