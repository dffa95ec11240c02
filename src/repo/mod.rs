//! Reading cards from a repository's objects with gix, including a push's quarantined objects
//! (the stores searched, and why no scratch directory: [`odb`]). Nothing is ever written through
//! a [`Repo`]: pre-receive must not write objects or refs (git refuses ref updates in quarantine,
//! gix does not).

pub mod branch;
pub mod format;
pub mod name;
pub mod objects;
pub mod odb;
pub mod owner;
pub mod prefix;
pub mod refs;
pub mod settle;
#[cfg(test)]
mod test_git;
pub mod tree;
pub mod update;

/// Whether `dir` is a bare repository (a `HEAD` file, `objects/` and `refs/` folders).
pub fn is_bare_repo(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use gix::ObjectId;

/// Where a card stands in a tree (the root's `README.md`): the one name the gate, the scan and
/// the card reader look up.
pub const CARD_FILE: &str = "README.md";

/// Where git keeps replacement refs (its default `GIT_REPLACE_REF_BASE`): refs that make git read
/// another object in place of the one named, which hubgate never does.
pub const REPLACE_NAMESPACE: &str = "refs/replace/";

/// The largest card hubgate reads: the Hub refuses files over 10 MiB outside LFS anyway.
pub const MAX_CARD_BYTES: u64 = 10 * 1024 * 1024;

/// Where the push's objects are while pre-receive runs (from git's environment).
#[derive(Debug, Clone, Default)]
pub struct Quarantine {
    /// `GIT_OBJECT_DIRECTORY`: the quarantine directory.
    pub object_dir: Option<PathBuf>,
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`, already split and unquoted.
    pub alternates: Vec<PathBuf>,
}

/// An open repository, able to see a push in flight.
pub struct Repo {
    /// The repository's own objects (with its `info/alternates`).
    objects: gix::odb::Handle,
    /// Its refs.
    refs: refs::Refs,
    /// The kind of its object ids.
    hash: gix::hash::Kind,
    /// Its shared directory (where `shallow` is).
    common_dir: PathBuf,
    /// The quarantine and the environment's alternates, searched around the repository's own
    /// objects.
    extra: odb::Extra,
    /// Prefix reads of quarantined blobs.
    prefixes: Option<prefix::Prefixes>,
    /// Sizes of the cards already read: a card is read by the scan of what the push brings and
    /// again for its metadata, and finding a deltified object's size walks its delta chain.
    card_sizes: std::cell::RefCell<std::collections::HashMap<ObjectId, u64>>,
}

/// What stands at `README.md` in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readme {
    /// No entry.
    Absent,
    /// A symlink, a directory or a submodule: not a card.
    NotAFile(&'static str),
    /// A regular (or executable) file.
    Blob(ObjectId),
}

/// The card file's bytes, or why they were not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blob {
    /// The bytes.
    Bytes(Vec<u8>),
    /// Larger than [`MAX_CARD_BYTES`]; never loaded.
    TooLarge(u64),
}

impl Blob {
    /// The bytes, if they were read.
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Blob::Bytes(bytes) => Some(bytes),
            Blob::TooLarge(_) => None,
        }
    }
}

/// A small cache of decoded pack entries (64 entries, gix's static LRU): delta chains are
/// decoded once per run instead of once per object read.
/// The decoded objects kept between reads (gix's object cache, a hash map capped in bytes,
/// grown as used): enough for the cards of a few thousand refs, which the scan reads before
/// their metadata is checked.
const OBJECT_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Blobs larger than this are read past the object cache: a card of megabytes is read once or
/// twice per push, and a copy of it in the cache would only raise the hook's peak memory.
const UNCACHED_BLOB_BYTES: u64 = 1024 * 1024;

fn pack_cache() -> Box<gix::odb::cache::PackCache> {
    Box::<gix::odb::pack::cache::lru::StaticLinkedList<64>>::default()
}

/// Gives a store both caches: deltified objects (a push's pack, or a repository's, where similar
/// cards are deltas of each other) are rebuilt from their base once, and the objects several
/// steps look at (the walk, the card, the size check) are inflated once.
fn setup_cache(handle: &mut gix::odb::Handle) {
    handle.set_pack_cache(pack_cache);
    handle.set_object_cache(|| {
        Box::new(gix::odb::pack::cache::object::MemoryCappedHashmap::new(
            OBJECT_CACHE_BYTES,
        ))
    });
}

/// The directory of the repository at `path` and its shared directory. A directory laid out as
/// a repository's (`HEAD`, `objects/`, `refs/`, no `commondir` file, no `.git` entry: what every
/// hook sees) is taken as it is; anything else (a working tree, a linked worktree) is found by
/// gix's discovery, of which nothing else is kept. A working tree's `.git` comes first, as for git
/// and gix: a model repository can commit a `HEAD`, `objects/` and `refs/` of its own at its root,
/// and `hubgate check` in a clone must not judge that planted history instead of the clone's.
pub fn locate(path: &Path) -> Result<(PathBuf, PathBuf)> {
    if is_bare_repo(path) && !path.join("commondir").exists() && std::fs::symlink_metadata(path.join(".git")).is_err() {
        return Ok((path.to_owned(), path.to_owned()));
    }
    let found = gix::open_opts(path, gix::open::Options::isolated())
        .with_context(|| format!("cannot open the repository at {}", path.display()))?;
    Ok((found.git_dir().to_owned(), found.common_dir().to_owned()))
}

impl Repo {
    /// Opens the repository at `path` (a repository's directory; or, outside hooks, a working
    /// tree or a linked worktree's), seeing `quarantine` if given.
    ///
    /// The objects and refs are opened as gix stores of their own, not through `gix::open`:
    /// reading them needs nothing of a `gix::Repository`, whose configuration cascade is a
    /// quarter of what a single-ref push costs; and a repository opened by gix reads every
    /// object through the replacements `refs/replace/*` name, refs anyone can push. Through
    /// them a push could show hubgate another card than the one it stores (a discussion entry
    /// about a card made adult would then say nothing). Here every id reads its own object,
    /// as `GIT_NO_REPLACE_OBJECTS` makes git read them.
    pub fn open(path: &Path, quarantine: &Quarantine) -> Result<Repo> {
        let (git_dir, common_dir) = locate(path)?;
        let hash = format::object_hash(&common_dir)?;
        let own_objects = common_dir.join("objects");
        let mut objects = gix::odb::at(&own_objects, hash)
            .with_context(|| format!("cannot open the objects of the repository at {}", path.display()))?;
        setup_cache(&mut objects);
        // A GIT_OBJECT_DIRECTORY naming the repository's own objects (exported by a server
        // for every process, or git older than 2.11 with it set) is no quarantine: taking it
        // for one would count every object as brought by the push.
        let own = std::fs::canonicalize(&own_objects).ok();
        let object_dir = quarantine
            .object_dir
            .as_ref()
            .filter(|d| own.is_none() || std::fs::canonicalize(d).ok() != own);
        let (extra, prefixes) = match object_dir {
            Some(objdir) => {
                let abs = std::path::absolute(objdir).context("cannot resolve the quarantine path")?;
                let extra = odb::Extra::open(&abs, &quarantine.alternates, own.as_deref(), hash, setup_cache)?;
                (extra, Some(prefix::Prefixes::open(&abs, hash)?))
            }
            None => (odb::Extra::default(), None),
        };
        Ok(Repo {
            objects,
            refs: refs::Refs::open(git_dir, common_dir.clone(), hash),
            hash,
            common_dir,
            extra,
            prefixes,
            card_sizes: Default::default(),
        })
    }

    /// `id` read whole from the first store that has it (see [`odb::find`]).
    fn find(&self, id: ObjectId) -> Result<odb::Object> {
        self.find_in(id, odb::Scope::WithPush)
    }

    /// `id` read whole from the stores `scope` names.
    fn find_in(&self, id: ObjectId, scope: odb::Scope) -> Result<odb::Object> {
        self.find_cached(id, scope, odb::Cached::Yes)
    }

    /// `id` read whole from the stores `scope` names, kept in the object cache or not.
    fn find_cached(&self, id: ObjectId, scope: odb::Scope, cached: odb::Cached) -> Result<odb::Object> {
        odb::find(&self.objects, &self.extra, &id, scope, cached)?
            .ok_or_else(|| anyhow::anyhow!("object {id} is missing from the repository"))
    }

    /// `id`'s kind and size from its header (see [`odb::header`]).
    fn header(&self, id: ObjectId) -> Result<gix::objs::Header> {
        self.header_in(id, odb::Scope::WithPush)
    }

    /// `id`'s header from the stores `scope` names.
    fn header_in(&self, id: ObjectId, scope: odb::Scope) -> Result<gix::objs::Header> {
        odb::header(&self.objects, &self.extra, &id, scope)?
            .ok_or_else(|| anyhow::anyhow!("object {id} is missing from the repository"))
    }

    /// The commit an id points to, peeling annotated tags; `None` for a tag on a tree or blob.
    pub fn commit(&self, id: ObjectId) -> Result<Option<ObjectId>> {
        Ok(match self.target(id)?.0 {
            objects::Target::Commit(c) => Some(c),
            _ => None,
        })
    }

    /// What stands at `README.md` at the root of `commit`'s tree.
    pub fn readme(&self, commit: ObjectId) -> Result<Readme> {
        let tree_id = self.commit_tree(commit)?;
        let tree = self
            .find(tree_id)
            .with_context(|| format!("cannot read the tree of {commit}"))?;
        anyhow::ensure!(
            tree.kind.is_tree(),
            "cannot read the tree of {commit}: object {tree_id} is not a tree"
        );
        // As gix's `Tree::find_entry`: entries that do not parse are passed over.
        let Some(entry) = gix::objs::TreeRefIter::from_bytes(&tree.data, tree_id.kind())
            .filter_map(std::result::Result::ok)
            .find(|e| e.filename == CARD_FILE)
        else {
            return Ok(Readme::Absent);
        };
        let mode = entry.mode;
        Ok(if mode.is_blob() {
            Readme::Blob(entry.oid.to_owned())
        } else if mode.is_link() {
            Readme::NotAFile("a symbolic link")
        } else if mode.is_tree() {
            Readme::NotAFile("a directory")
        } else if mode.is_commit() {
            Readme::NotAFile("a submodule")
        } else {
            Readme::NotAFile("not a regular file")
        })
    }

    /// Reads a blob, checking its size from the object header before loading it.
    pub fn blob(&self, id: ObjectId) -> Result<Blob> {
        let known = self.card_sizes.borrow().get(&id).copied();
        let size = match known {
            Some(size) => size,
            None => {
                let size = self.header(id).with_context(|| format!("cannot read blob {id}"))?.size;
                self.card_sizes.borrow_mut().insert(id, size);
                size
            }
        };
        if size > MAX_CARD_BYTES {
            return Ok(Blob::TooLarge(size));
        }
        let cached = if size > UNCACHED_BLOB_BYTES {
            odb::Cached::No
        } else {
            odb::Cached::Yes
        };
        let object = self
            .find_cached(id, odb::Scope::WithPush, cached)
            .with_context(|| format!("cannot read blob {id}"))?;
        if !object.kind.is_blob() {
            bail!("object {id} is not a blob");
        }
        Ok(Blob::Bytes(object.data))
    }

    /// The tips of every branch (`refs/heads/*`), for `check` without `--ref`.
    pub fn branches(&self) -> Result<Vec<(String, ObjectId)>> {
        self.refs.branches(&self.objects)
    }

    /// Resolves a ref name (full or short) to the id it points to.
    pub fn resolve(&self, name: &str) -> Result<ObjectId> {
        self.refs.resolve(name, &self.objects)
    }

    /// Whether the ref `refname` points straight at `id` now (no peeling) and `id` was in the
    /// repository before the push (a ref may point at an object the repository lacks, which the
    /// push could then bring). Any failure to read either answers `false`: the caller then takes
    /// the long way.
    pub fn ref_is_at(&self, refname: &str, id: ObjectId) -> bool {
        self.refs.holds(refname, id) && odb::existed_before_push(&self.objects, &self.extra, &id)
    }

    /// What stands at `README.md` at `id` (a commit, or a tag on one); `None` for a tag on a
    /// tree or blob.
    pub fn readme_at(&self, id: ObjectId) -> Result<Option<Readme>> {
        match self.commit(id)? {
            Some(commit) => Ok(Some(self.readme(commit)?)),
            None => Ok(None),
        }
    }

    /// The default branch as it is now (see [`branch`]): `HEAD`'s branch if it exists, else the
    /// only branch, `main`, `master`, or the first of `created` (the branches the push being
    /// recorded creates, in input order).
    pub fn default_branch(&self, created: &[String]) -> Result<branch::DefaultBranch> {
        branch::DefaultBranch::of(&self.refs, created)
    }

    /// The replacement refs the repository holds (`refs/replace/*`): hubgate reads through none,
    /// but git on the server does.
    pub fn replacement_refs(&self) -> Result<Vec<String>> {
        self.refs.names_under(REPLACE_NAMESPACE)
    }

    /// Whether this run sees a push's quarantine (pre-receive with git >= 2.11).
    pub fn has_quarantine(&self) -> bool {
        self.extra.pushed.is_some()
    }

    /// Whether the object came with the push being received (it is in the quarantine).
    pub fn is_pushed(&self, id: &gix::oid) -> bool {
        self.extra.is_pushed(id)
    }

    /// The size of an object, from its header (the object is not loaded).
    pub fn object_size(&self, id: ObjectId) -> Result<u64> {
        if let Some(p) = &self.prefixes
            && let Some(size) = p.blob_size(&id)?
        {
            return Ok(size);
        }
        Ok(self
            .header(id)
            .with_context(|| format!("cannot read object {id}"))?
            .size)
    }

    /// A blob's size and up to `n` leading bytes: in one partial read when the blob is in the
    /// quarantine; else the size from the header and, when it is at most `max`, the bytes read
    /// whole (`None` for the bytes of a larger blob, which is never loaded).
    pub fn blob_head(&self, id: ObjectId, n: usize, max: u64) -> Result<(u64, Option<Vec<u8>>)> {
        if let Some(p) = &self.prefixes
            && let Some((size, head)) = p.blob(&id, n)?
        {
            return Ok((size, Some(head)));
        }
        let size = self.object_size(id)?;
        if size > max {
            return Ok((size, None));
        }
        Ok((
            size,
            self.small_blob(id, max)?.map(|mut b| {
                b.truncate(n);
                b
            }),
        ))
    }

    /// The bytes of a blob of at most `max` bytes; `None` for a larger one (never loaded).
    pub fn small_blob(&self, id: ObjectId, max: u64) -> Result<Option<Vec<u8>>> {
        Ok(self.blob_limited(id, max)?.into_bytes())
    }

    fn blob_limited(&self, id: ObjectId, max: u64) -> Result<Blob> {
        let size = self.object_size(id)?;
        if size > max {
            return Ok(Blob::TooLarge(size));
        }
        let object = self.find(id).with_context(|| format!("cannot read blob {id}"))?;
        Ok(Blob::Bytes(object.data))
    }

    /// The id length of this repository's hash.
    pub fn hash_kind(&self) -> gix::hash::Kind {
        self.hash
    }
}
