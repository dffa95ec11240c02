//! A repository's refs, read with gix's files store (loose refs, then `packed-refs`) opened on
//! its own rather than through `gix::open`: nothing else of a `gix::Repository` is needed to
//! read refs, and opening one costs a quarter of a single-ref push (its configuration cascade)
//! and would bring `refs/replace/*` into every object read (see [`super::Repo::open`]).

use std::path::PathBuf;

use anyhow::{Context, Result};
use gix::ObjectId;
use gix::refs::file::ReferenceExt;

/// The refs of one repository (its own directory for `HEAD` and per-worktree refs, the common
/// directory for the rest).
pub struct Refs {
    store: gix::refs::file::Store,
}

/// What `HEAD` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// It names a branch that exists.
    Branch(String),
    /// It names a branch that does not exist (yet).
    Unborn(String),
    /// It holds an object id.
    Detached,
}

impl Refs {
    /// The store of the repository whose directory is `git_dir` and shared directory
    /// `common_dir` (the same for any repository but a linked worktree's).
    pub fn open(git_dir: PathBuf, common_dir: PathBuf, hash: gix::hash::Kind) -> Refs {
        let store = if git_dir == common_dir {
            gix::refs::file::Store::at(git_dir, hash)
        } else {
            gix::refs::file::Store::for_linked_worktree(git_dir, common_dir, hash)
        };
        Refs { store }
    }

    /// The ref named exactly `name`, if there is one (`None` too for a name gix cannot read).
    fn exact(&self, name: &str) -> Option<gix::refs::Reference> {
        self.store
            .try_find(name)
            .ok()
            .flatten()
            .filter(|r| r.name.as_bstr() == name.as_bytes())
    }

    /// Whether the ref named exactly `name` holds `id` itself (no symbolic ref followed, no tag
    /// peeled). Any failure to read it answers `false`.
    pub fn holds(&self, name: &str, id: ObjectId) -> bool {
        self.exact(name).is_some_and(|r| r.target.try_id() == Some(id.as_ref()))
    }

    /// The object a ref name (full, or short as git resolves it: `main`, `heads/main`, `v1`)
    /// ends at, symbolic refs followed and annotated tags peeled with `objects`.
    pub fn resolve(&self, name: &str, objects: &dyn gix::objs::Find) -> Result<ObjectId> {
        let mut r = self
            .store
            .try_find(name)
            .with_context(|| format!("cannot read the ref {name}"))?
            .with_context(|| format!("no ref {name} in the repository"))?;
        r.peel_to_id(&self.store, objects)
            .with_context(|| format!("cannot resolve {name}"))
    }

    /// Every branch (`refs/heads/*`) with the object it ends at, peeled with `objects`.
    pub fn branches(&self, objects: &dyn gix::objs::Find) -> Result<Vec<(String, ObjectId)>> {
        let mut out = Vec::new();
        for mut r in self.listed("refs/heads/")? {
            let name = r.name.as_bstr().to_string();
            let id = r
                .peel_to_id(&self.store, objects)
                .with_context(|| format!("cannot resolve {name}"))?;
            out.push((name, id));
        }
        Ok(out)
    }

    /// The names of every branch, nothing read beyond the refs themselves.
    pub fn branch_names(&self) -> Result<Vec<String>> {
        Ok(self
            .listed("refs/heads/")?
            .into_iter()
            .map(|r| r.name.as_bstr().to_string())
            .collect())
    }

    /// The object every ref holds, symbolic refs followed (tags not peeled). A symbolic ref
    /// to a ref that does not exist, or one in a loop, holds nothing and is passed over.
    pub fn every_target(&self) -> Result<Vec<ObjectId>> {
        let mut out = Vec::new();
        for mut r in self.listed("")? {
            if let Ok(id) = r.follow_to_object_packed(&self.store, None) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// What `HEAD` says (a `HEAD` naming a branch that names another is read as git reads it:
    /// the branch it names first).
    pub fn head(&self) -> Result<Head> {
        let head = self
            .store
            .try_find("HEAD")
            .context("cannot read HEAD")?
            .context("cannot read HEAD: there is none")?;
        Ok(match head.target {
            gix::refs::Target::Object(_) => Head::Detached,
            gix::refs::Target::Symbolic(name) => {
                let name = name.as_bstr().to_string();
                match self
                    .store
                    .try_find(name.as_str())
                    .context("cannot read HEAD's branch")?
                {
                    Some(_) => Head::Branch(name),
                    None => Head::Unborn(name),
                }
            }
        })
    }

    /// Every ref whose name starts with `prefix` (`""`: all), loose then packed, sorted.
    fn listed(&self, prefix: &str) -> Result<Vec<gix::refs::Reference>> {
        let platform = self.store.iter().context("cannot list references")?;
        let iter = if prefix.is_empty() {
            platform.all()
        } else {
            let prefix: &gix::path::RelativePath = prefix.try_into().context("cannot list references")?;
            platform.prefixed(prefix)
        }
        .context("cannot list references")?;
        iter.map(|r| r.map_err(|e| anyhow::anyhow!("cannot read a reference: {e}")))
            .collect()
    }
}
