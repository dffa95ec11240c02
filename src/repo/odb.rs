//! The object stores one run reads, searched in git's order: a push's quarantine, then the
//! repository's objects (with their own `info/alternates`), then the alternates git gives only in
//! its environment.
//!
//! gix 0.90 ignores `GIT_OBJECT_DIRECTORY` and `GIT_ALTERNATE_OBJECT_DIRECTORIES`
//! (docs/sources.md#gix-quarantine), so each directory is opened as a store of its own and an
//! object is looked up in each in turn. Nothing is written anywhere: an earlier design rooted one
//! store in a scratch directory whose `info/alternates` listed them all, which cost a folder
//! created and removed in `$TMPDIR` at every push (milliseconds on a journaled disk) and refused
//! every push while `$TMPDIR` was full or unwritable.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use gix::objs::{Exists, Find, FindHeader};

/// An object read whole: its kind and its bytes (without git's header).
pub struct Object {
    /// Commit, tree, blob or tag.
    pub kind: gix::object::Kind,
    /// The content.
    pub data: Vec<u8>,
}

/// The stores besides the repository's own, in search order around it.
#[derive(Default)]
pub struct Extra {
    /// The quarantine's own objects (no alternates): searched first, and membership means
    /// "brought by this push".
    pub pushed: Option<gix::odb::Handle>,
    /// Alternates named only in git's environment (not the repository's objects, which its
    /// own store already reads): searched last.
    pub alternates: Vec<gix::odb::Handle>,
    /// Ids the quarantine was asked for and does not have. Every object the push did not bring
    /// misses there first, and a miss costs a system call (the loose object's path); the
    /// objects a push shares (the base commit and tree of many refs) are asked for again and
    /// again. Grows by one id per distinct object read, as the object cache does.
    not_pushed: std::cell::RefCell<std::collections::HashSet<gix::ObjectId>>,
}

impl Extra {
    /// Opens the quarantine at `object_dir` (an absolute path) and every alternate of
    /// `alternates` that is not `own` (the repository's object directory, canonical, already
    /// open). Relative alternates are resolved against the working directory, as git's are.
    pub fn open(
        object_dir: &Path,
        alternates: &[PathBuf],
        own: Option<&Path>,
        hash: gix::hash::Kind,
        setup: impl Fn(&mut gix::odb::Handle),
    ) -> Result<Extra> {
        let mut pushed = gix::odb::at(object_dir, hash).context("cannot open the quarantine directory")?;
        setup(&mut pushed);
        // The quarantine does not change while the hook runs, and most lookups there miss
        // (every object the push did not bring): by default each miss would list its pack
        // folder again. The alternates keep gix's default: a pool may be repacked meanwhile.
        pushed.refresh_never();
        let mut stores = Vec::new();
        for alt in alternates {
            let abs = std::path::absolute(alt).context("cannot resolve an alternate object directory")?;
            if own.is_some() && std::fs::canonicalize(&abs).ok().as_deref() == own {
                continue;
            }
            let mut handle = gix::odb::at(&abs, hash)
                .with_context(|| format!("cannot open the alternate object directory {}", abs.display()))?;
            setup(&mut handle);
            stores.push(handle);
        }
        Ok(Extra {
            pushed: Some(pushed),
            alternates: stores,
            not_pushed: Default::default(),
        })
    }

    /// The quarantine's store, unless `id` is known not to be in it.
    fn pushed_for(&self, id: &gix::oid) -> Option<&gix::odb::Handle> {
        self.pushed.as_ref().filter(|_| !self.not_pushed.borrow().contains(id))
    }

    /// Notes that the quarantine does not have `id`.
    fn missed(&self, id: &gix::oid) {
        if self.pushed.is_some() {
            self.not_pushed.borrow_mut().insert(id.to_owned());
        }
    }

    /// Whether the push brought `id` (it is in the quarantine's own objects).
    pub fn is_pushed(&self, id: &gix::oid) -> bool {
        let Some(pushed) = self.pushed_for(id) else {
            return false;
        };
        let found = pushed.exists(id);
        if !found {
            self.missed(id);
        }
        found
    }
}

/// Which stores a lookup searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// All of them: what the repository holds once the push is accepted.
    WithPush,
    /// All but the quarantine: what the repository held before the push (the history its refs
    /// point into; an object only the push brings is never part of it).
    BeforePush,
}

/// Asks `pushed` (unless `scope` leaves it out, or it is known not to have `id`), `own`, then
/// `alternates`, in git's order; the first store whose answer is `Some` answers. A miss in the
/// quarantine is remembered. The empty tree is not looked up: it exists whether or not it is
/// stored, as it does for git and gix, and callers answer it themselves.
fn search<T>(
    own: &gix::odb::Handle,
    extra: &Extra,
    id: &gix::oid,
    scope: Scope,
    mut ask: impl FnMut(&gix::odb::Handle) -> Result<Option<T>>,
) -> Result<Option<T>> {
    if scope == Scope::WithPush
        && let Some(pushed) = extra.pushed_for(id)
    {
        match ask(pushed)? {
            Some(answer) => return Ok(Some(answer)),
            None => extra.missed(id),
        }
    }
    for store in std::iter::once(own).chain(&extra.alternates) {
        if let Some(answer) = ask(store)? {
            return Ok(Some(answer));
        }
    }
    Ok(None)
}

/// Whether `id` is the empty tree, which git and gix know without storing it.
fn is_empty_tree(id: &gix::oid) -> bool {
    id == gix::ObjectId::empty_tree(id.kind())
}

/// Whether a read keeps a copy of the object in the store's object cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cached {
    /// Kept (trees, commits, cards of ordinary size: several steps read them).
    Yes,
    /// Read past the caches: a large object would be copied into the cache (and evicted at
    /// once, as it exceeds its cap), a second copy at the moment memory peaks.
    No,
}

/// `id` read whole from the stores `scope` names, in git's order: the quarantine (unless
/// `scope` leaves it out), the repository's own store, then the environment's alternates.
pub fn find(
    own: &gix::odb::Handle,
    extra: &Extra,
    id: &gix::oid,
    scope: Scope,
    cached: Cached,
) -> Result<Option<Object>> {
    if is_empty_tree(id) {
        return Ok(Some(Object {
            kind: gix::object::Kind::Tree,
            data: Vec::new(),
        }));
    }
    let mut buf = Vec::new();
    let kind = search(own, extra, id, scope, |store| {
        // As in gix's own `find_object`, a found object's bytes are the whole buffer.
        let found = match cached {
            Cached::Yes => store.try_find(id, &mut buf),
            // The store under the caches (gix's `Cache` derefs to it).
            Cached::No => (**store).try_find(id, &mut buf),
        };
        Ok(found
            .map_err(|e| anyhow::anyhow!("cannot read object {id}: {e}"))?
            .map(|d| d.kind))
    })?;
    Ok(kind.map(|kind| Object { kind, data: buf }))
}

/// Whether `id` was in the repository before the push: in `own` or an alternate, never the
/// quarantine. Nothing is read but the loose object's path or the pack index.
pub fn existed_before_push(own: &gix::odb::Handle, extra: &Extra, id: &gix::oid) -> bool {
    // `exists` cannot fail, so neither can the search.
    is_empty_tree(id)
        || search(own, extra, id, Scope::BeforePush, |store| {
            Ok(store.exists(id).then_some(()))
        })
        .is_ok_and(|found| found.is_some())
}

/// An object's kind and size from its header, searched as [`find`] does.
pub fn header(own: &gix::odb::Handle, extra: &Extra, id: &gix::oid, scope: Scope) -> Result<Option<gix::objs::Header>> {
    if is_empty_tree(id) {
        return Ok(Some(gix::objs::Header {
            kind: gix::object::Kind::Tree,
            size: 0,
        }));
    }
    search(own, extra, id, scope, |store| {
        store
            .try_header(id)
            .map_err(|e| anyhow::anyhow!("cannot read object {id}: {e}"))
    })
}
