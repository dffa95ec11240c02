//! One ref update of a push, as git hands it to a hook. It lives with the repository, below every
//! stage that reads it (the hook's input, the scan of what a push brings, the gate, discussions),
//! so that none of them needs another's module for it.

use gix::ObjectId;

/// One ref update of a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The ref's value before the push; `None` on creation.
    pub old: Option<ObjectId>,
    /// The ref's value after the push; `None` on deletion.
    pub new: Option<ObjectId>,
    /// The full ref name (`refs/heads/main`).
    pub refname: String,
}
