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
        self.each("refs/heads/", |mut r| {
            let name = r.name.as_bstr().to_string();
            let id = r
                .peel_to_id(&self.store, objects)
                .with_context(|| format!("cannot resolve {name}"))?;
            out.push((name, id));
            Ok(())
        })?;
        Ok(out)
    }

    /// The names of every branch, nothing read beyond the refs themselves.
    pub fn branch_names(&self) -> Result<Vec<String>> {
        self.names_under("refs/heads/")
    }

    /// The names of the refs under `prefix` (`refs/replace/`, for `doctor`).
    pub fn names_under(&self, prefix: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        self.each(prefix, |r| {
            out.push(r.name.as_bstr().to_string());
            Ok(())
        })?;
        Ok(out)
    }

    /// The object every ref holds, symbolic refs followed (tags not peeled). A symbolic ref
    /// to a ref that does not exist, or one in a loop, holds nothing and is passed over.
    pub fn every_target(&self) -> Result<Vec<ObjectId>> {
        // Symbolic refs may name packed ones: followed through the same packed-refs snapshot.
        let packed = self.store.cached_packed_buffer().context("cannot read packed-refs")?;
        let packed = packed.as_ref().map(|b| &***b);
        let mut out = Vec::new();
        self.each("", |mut r| {
            if let Ok(id) = r.follow_to_object_packed(&self.store, packed) {
                out.push(id);
            }
            Ok(())
        })?;
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

    /// Passes every ref whose name starts with `prefix` (`""`: all), loose then packed, sorted,
    /// to `f`, one at a time (a repository of a million refs is never held in memory at once).
    fn each(&self, prefix: &str, mut f: impl FnMut(gix::refs::Reference) -> Result<()>) -> Result<()> {
        let platform = self.store.iter().context("cannot list references")?;
        let iter = if prefix.is_empty() {
            platform.all()
        } else {
            let prefix: &gix::path::RelativePath = prefix.try_into().context("cannot list references")?;
            platform.prefixed(prefix)
        }
        .context("cannot list references")?;
        for r in iter {
            f(r.map_err(|e| anyhow::anyhow!("cannot read a reference: {e}"))?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::test_git::git;

    /// Packed refs, a symbolic ref naming a packed one, an annotated tag, a dangling symbolic
    /// ref and `HEAD` in each of its states, read as git reads them.
    #[test]
    fn refs_read_as_git_reads_them() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path();
        git(dir, &["init", "-q", "--bare", "-b", "trunk"]);
        let refs = || Refs::open(dir.to_owned(), dir.to_owned(), gix::hash::Kind::Sha1);
        assert_eq!(refs().head().expect("head"), Head::Unborn("refs/heads/trunk".into()));
        let tree = git(dir, &["mktree"]);
        let one = git(dir, &["commit-tree", &tree, "-m", "one"]);
        let two = git(dir, &["commit-tree", &tree, "-p", &one, "-m", "two"]);
        git(dir, &["update-ref", "refs/heads/main", &one]);
        git(dir, &["tag", "-a", "-m", "t", "v1", &two]);
        git(dir, &["pack-refs", "--all"]);
        git(dir, &["update-ref", "refs/heads/loose", &two]);
        git(dir, &["symbolic-ref", "refs/heads/alias", "refs/heads/main"]);
        git(dir, &["symbolic-ref", "refs/heads/dangling", "refs/heads/gone"]);
        let objects = gix::odb::at(dir.join("objects"), gix::hash::Kind::Sha1).expect("odb");
        let r = refs();
        let id = |hex: &str| ObjectId::from_hex(hex.as_bytes()).expect("hex");
        let tag = id(&git(dir, &["rev-parse", "v1"]));
        let mut targets = r.every_target().expect("targets");
        targets.sort();
        let mut expected = vec![id(&one), id(&one), id(&two), tag];
        expected.sort();
        assert_eq!(
            targets, expected,
            "alias followed into packed-refs, dangling passed over"
        );
        assert!(r.holds("refs/heads/main", id(&one)));
        assert!(!r.holds("refs/heads/alias", id(&one)), "no symbolic ref followed");
        assert!(!r.holds("main", id(&one)), "exact names only");
        assert!(r.holds("refs/tags/v1", tag) && !r.holds("refs/tags/v1", id(&two)));
        assert_eq!(r.resolve("v1", &objects).expect("tag"), id(&two), "tags peeled");
        assert_eq!(r.resolve("main", &objects).expect("short"), id(&one));
        assert!(r.resolve("nothing", &objects).is_err());
        assert_eq!(
            r.branch_names().expect("names"),
            ["alias", "dangling", "loose", "main"].map(|b| format!("refs/heads/{b}"))
        );
        git(dir, &["symbolic-ref", "HEAD", "refs/heads/main"]);
        assert_eq!(r.head().expect("head"), Head::Branch("refs/heads/main".into()));
        git(dir, &["update-ref", "--no-deref", "HEAD", &one]);
        assert_eq!(r.head().expect("head"), Head::Detached);
    }
}
