//! The object reads the push walk needs: what a ref points at, commits with their dates, raw
//! trees, which commits the refs already reach, and blobs streamed in chunks.

use std::collections::{BinaryHeap, HashSet};

use anyhow::{Context, Result};
use gix::ObjectId;

use super::Repo;
use super::tree::{self, RawEntry};

/// The largest tree hubgate reads: 64 MiB is over a million entries, far above any real folder
/// (git's own source tree is 30 kB); a larger one is refused, not skipped.
pub const MAX_TREE_BYTES: u64 = 64 * 1024 * 1024;

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
    queue: BinaryHeap<(i64, ObjectId)>,
    seen: HashSet<ObjectId>,
}

impl Repo {
    /// Follows annotated tags (chains included) to the commit, tree or blob they end at.
    pub fn target(&self, id: ObjectId) -> Result<Target> {
        let object = self
            .repo
            .find_object(id)
            .with_context(|| format!("object {id} is missing from the repository"))?
            .peel_tags_to_end()
            .with_context(|| format!("cannot peel {id}"))?;
        Ok(match object.kind {
            gix::object::Kind::Commit => Target::Commit(object.id),
            gix::object::Kind::Tree => Target::Tree(object.id),
            gix::object::Kind::Blob => Target::Blob(object.id),
            gix::object::Kind::Tag => anyhow::bail!("tag {id} does not end at an object"),
        })
    }

    /// The annotated tag objects from `id` down to what they point at (empty when `id` is not a
    /// tag): their messages are text the push brings.
    pub fn tag_chain(&self, id: ObjectId) -> Result<Vec<ObjectId>> {
        let mut out = Vec::new();
        let mut at = id;
        // Tag chains are short; a bound keeps a cycle of hostile ids from spinning.
        for _ in 0..64 {
            let object = self
                .repo
                .find_object(at)
                .with_context(|| format!("object {at} is missing from the repository"))?;
            if !object.kind.is_tag() {
                break;
            }
            out.push(at);
            at = object
                .try_into_tag()
                .with_context(|| format!("cannot read tag {at}"))?
                .target_id()
                .with_context(|| format!("cannot read the target of tag {at}"))?
                .detach();
        }
        Ok(out)
    }

    /// A commit's tree, parents and committer time (seconds).
    pub fn commit_info(&self, id: ObjectId) -> Result<(ObjectId, Vec<ObjectId>, i64)> {
        let c = self
            .repo
            .find_commit(id)
            .with_context(|| format!("cannot read commit {id}"))?;
        let tree = c
            .tree_id()
            .with_context(|| format!("cannot read the tree of {id}"))?
            .detach();
        let time = c.time().map(|t| t.seconds).unwrap_or(0);
        Ok((tree, c.parent_ids().map(|p| p.detach()).collect(), time))
    }

    /// A commit's or tag's raw bytes (headers and message): searched for tokens like any file.
    pub fn raw_commit(&self, id: ObjectId) -> Result<Vec<u8>> {
        let object = self
            .repo
            .find_object(id)
            .with_context(|| format!("cannot read commit {id}"))?;
        Ok(object.detach().data)
    }

    /// A tree's entries as written; `None` when its bytes are not a tree. Trees larger than
    /// [`MAX_TREE_BYTES`] are not loaded: [`Repo::tree_too_large`] says so first.
    pub fn raw_tree(&self, id: ObjectId) -> Result<Option<Vec<RawEntry>>> {
        if self.tree_too_large(id)?.is_some() {
            return Ok(None);
        }
        let object = self
            .repo
            .find_object(id)
            .with_context(|| format!("cannot read tree {id}"))?;
        anyhow::ensure!(object.kind.is_tree(), "object {id} is not a tree");
        Ok(tree::parse(&object.data, self.repo.object_hash().len_in_bytes()))
    }

    /// The size of a tree over [`MAX_TREE_BYTES`], read from its header.
    pub fn tree_too_large(&self, id: ObjectId) -> Result<Option<u64>> {
        let size = self.object_size(id)?;
        Ok((size > MAX_TREE_BYTES).then_some(size))
    }

    /// Every commit some ref points at (tags peeled), before the push: where the history the
    /// repository already has begins.
    pub fn ref_tips(&self) -> Result<Vec<ObjectId>> {
        let refs = self.repo.references().context("cannot list references")?;
        let mut out = Vec::new();
        for r in refs.all().context("cannot list references")? {
            let mut r = r.map_err(|e| anyhow::anyhow!("cannot read a reference: {e}"))?;
            let Ok(id) = r.peel_to_id() else {
                // A symbolic ref to an unborn branch, or a broken ref: it reaches nothing.
                continue;
            };
            if let Ok(Target::Commit(c)) = self.target(id.detach()) {
                out.push(c);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Starts a walk of the history reached from `tips`.
    pub fn reached(&self, tips: &[ObjectId]) -> Result<Reached> {
        let mut r = Reached {
            queue: BinaryHeap::new(),
            seen: HashSet::new(),
        };
        for &tip in tips {
            if r.seen.insert(tip) {
                let (_, _, time) = self.commit_info(tip)?;
                r.queue.push((time, tip));
            }
        }
        Ok(r)
    }

    /// Whether `commit` is reachable from the tips of `reached`. Walks newest first until it is
    /// found or the history is exhausted; the walk resumes where it stopped on the next call, so
    /// all the questions of one push cost one walk at most.
    pub fn is_reached(&self, reached: &mut Reached, commit: ObjectId) -> Result<bool> {
        while !reached.seen.contains(&commit) {
            let Some((_, id)) = reached.queue.pop() else {
                return Ok(false);
            };
            let (_, parents, _) = self.commit_info(id)?;
            for p in parents {
                if reached.seen.insert(p) {
                    // A parent missing from a shallow repository ends that line of history.
                    if let Ok((_, _, time)) = self.commit_info(p) {
                        reached.queue.push((time, p));
                    }
                }
            }
        }
        Ok(true)
    }

    /// Passes the bytes of blob `id` to `each` in chunks. Quarantined blobs stored whole are
    /// inflated as a stream (memory stays bounded whatever their size); any other blob is read
    /// whole when it is at most `max` bytes, and reported [`Streamed::TooLarge`] otherwise.
    pub fn stream_blob(&self, id: ObjectId, max: u64, each: &mut dyn FnMut(&[u8])) -> Result<Streamed> {
        if let Some(p) = &self.prefixes
            && p.stream(&id, each)?.is_some()
        {
            return Ok(Streamed::Whole);
        }
        match self.small_blob(id, max)? {
            Some(bytes) => {
                each(&bytes);
                Ok(Streamed::Whole)
            }
            None => Ok(Streamed::TooLarge(self.object_size(id)?)),
        }
    }
}
