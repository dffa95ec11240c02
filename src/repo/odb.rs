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
use gix::objs::{Find, FindHeader};

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
    /// Opens the quarantine at `object_dir` and every alternate of `alternates` that is not
    /// `own_objects` (the repository's object directory, already open). Relative paths are
    /// resolved against the working directory, as git's are.
    pub fn open(
        object_dir: &Path,
        alternates: &[PathBuf],
        own_objects: &Path,
        hash: gix::hash::Kind,
        setup: impl Fn(&mut gix::odb::Handle),
    ) -> Result<Extra> {
        let abs = std::path::absolute(object_dir).context("cannot resolve the quarantine path")?;
        let mut pushed = gix::odb::at(&abs, hash).context("cannot open the quarantine directory")?;
        setup(&mut pushed);
        // The quarantine does not change while the hook runs, and most lookups there miss
        // (every object the push did not bring): by default each miss would list its pack
        // folder again. The alternates keep gix's default: a pool may be repacked meanwhile.
        pushed.refresh_never();
        let own = std::fs::canonicalize(own_objects).ok();
        let mut stores = Vec::new();
        for alt in alternates {
            let abs = std::path::absolute(alt).context("cannot resolve an alternate object directory")?;
            if own.is_some() && std::fs::canonicalize(&abs).ok() == own {
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
        use gix::objs::Exists;
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

/// Looks `id` up in `pushed` (unless `scope` leaves it out), `own`, then `alternates`: the first
/// store that has it answers. The empty tree exists whether or not it is stored, as it does for
/// git and gix.
pub fn find(own: &gix::OdbHandle, extra: &Extra, id: &gix::oid, scope: Scope) -> Result<Option<Object>> {
    if id == gix::ObjectId::empty_tree(id.kind()) {
        return Ok(Some(Object {
            kind: gix::object::Kind::Tree,
            data: Vec::new(),
        }));
    }
    let mut buf = Vec::new();
    if scope == Scope::WithPush
        && let Some(pushed) = extra.pushed_for(id)
    {
        match find_in(pushed, id, &mut buf)? {
            Some(kind) => return Ok(Some(Object { kind, data: buf })),
            None => extra.missed(id),
        }
    }
    let rest = std::iter::once(own as &dyn Find).chain(extra.alternates.iter().map(|a| a as &dyn Find));
    for store in rest {
        if let Some(kind) = find_in(store, id, &mut buf)? {
            return Ok(Some(Object { kind, data: buf }));
        }
    }
    Ok(None)
}

/// One store's answer: the object's kind, its bytes left in `buf` (as in gix's own
/// `find_object`, a found object's bytes are the whole buffer).
fn find_in(store: &dyn Find, id: &gix::oid, buf: &mut Vec<u8>) -> Result<Option<gix::object::Kind>> {
    Ok(store
        .try_find(id, buf)
        .map_err(|e| anyhow::anyhow!("cannot read object {id}: {e}"))?
        .map(|d| d.kind))
}

/// Whether `id` was in the repository before the push: in `own` or an alternate, never the
/// quarantine. Nothing is read but the loose object's path or the pack index.
pub fn existed_before_push(own: &gix::OdbHandle, extra: &Extra, id: &gix::oid) -> bool {
    use gix::objs::Exists;
    own.exists(id) || extra.alternates.iter().any(|a| a.exists(id))
}

/// An object's kind and size from its header, searched as [`find`] does.
pub fn header(own: &gix::OdbHandle, extra: &Extra, id: &gix::oid, scope: Scope) -> Result<Option<gix::objs::Header>> {
    if id == gix::ObjectId::empty_tree(id.kind()) {
        return Ok(Some(gix::objs::Header {
            kind: gix::object::Kind::Tree,
            size: 0,
        }));
    }
    let header_in = |store: &dyn FindHeader| {
        store
            .try_header(id)
            .map_err(|e| anyhow::anyhow!("cannot read object {id}: {e}"))
    };
    if scope == Scope::WithPush
        && let Some(pushed) = extra.pushed_for(id)
    {
        match header_in(pushed)? {
            Some(h) => return Ok(Some(h)),
            None => extra.missed(id),
        }
    }
    let rest = std::iter::once(own as &dyn FindHeader).chain(extra.alternates.iter().map(|a| a as &dyn FindHeader));
    for store in rest {
        if let Some(h) = header_in(store)? {
            return Ok(Some(h));
        }
    }
    Ok(None)
}
