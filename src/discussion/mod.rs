//! Discussion entries: the record of a risk-relevant metadata change, like the Hub's community
//! tab (docs/sources.md#discussions), kept in the repository itself and mirrored to a forge.

pub mod changes;
pub mod journal;
mod layout;
mod lock;
pub mod record;
pub mod render;
pub mod store;
pub mod summary;
pub mod syslog;

use serde::{Deserialize, Serialize};

/// One change of a watched key between the old and the new card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The key (`license`, `tags:not-for-all-audiences`, `extra_gated_prompt`, `README.md`, ...).
    pub key: String,
    /// The value before (JSON as the Hub reads it), `null` when absent.
    pub before: serde_json::Value,
    /// The value after, `null` when absent.
    pub after: serde_json::Value,
}

/// Something that happened on a discussion after it was opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `comment` or `status-change` (the Hub's event types).
    #[serde(rename = "type")]
    pub kind: String,
    /// Who did it.
    pub author: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
    /// The comment text (Markdown), for comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The new status, for status changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A discussion entry, shaped like the Hub's discussions plus what hubgate knows (the contract's
/// shape, docs/interface.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Number, unique and gapless per repository, from 1.
    pub num: u64,
    /// Names the change ("License changed: a -> b; not-for-all-audiences removed").
    pub title: String,
    /// `open` or `closed`.
    pub status: String,
    /// Always `hubgate`: the gate opened it.
    pub author: String,
    /// Who pushed, from the forge's variables, when known.
    pub pusher: Option<String>,
    /// When the entry was opened (RFC 3339, UTC).
    pub created_at: String,
    /// The repository's `owner/name`.
    pub repo: String,
    /// The ref that changed.
    #[serde(rename = "ref")]
    pub refname: String,
    /// The ref's value before the push (all zeroes on creation).
    pub old: String,
    /// The ref's value after the push (all zeroes on deletion).
    pub new: String,
    /// What changed.
    pub changes: Vec<Change>,
    /// The policies that watch this repository.
    pub policies: Vec<String>,
    /// The override reason given with the push, if any.
    pub override_reason: Option<String>,
    /// The identity of the push that opened the entry ([`crate::push::Push::id`]); absent
    /// in entries written before entries were keyed on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_id: Option<String>,
    /// The idempotency key the entry was opened under (see [`Entry::identity`]); absent in
    /// entries written before entries were keyed on their push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The opening comment and everything after it.
    pub events: Vec<Event>,
}

impl Entry {
    /// The idempotency key stores written before keys named the push used: one entry per
    /// repository, ref, old and new value. Still read (such stores hold these keys) and still the
    /// forge marker of entries without a [`Entry::push_id`]; new entries use [`Entry::push_key`].
    pub fn key(repo: &str, refname: &str, old: &str, new: &str) -> String {
        format!("{repo}\0{refname}\0{old}\0{new}")
    }

    /// The idempotency key of one update of one push: replaying the same push (same identity)
    /// finds it and records nothing twice, while a later push of the very same update (a revert
    /// re-applied, a ref deleted and re-created at the same commit) has a new identity and is
    /// recorded again.
    pub fn push_key(push_id: &str, refname: &str, old: &str, new: &str) -> String {
        format!("push\0{push_id}\0{refname}\0{old}\0{new}")
    }

    /// The idempotency key of an entry about a push as a whole (`what` is `override` or
    /// `mass-update`): at most one of each per push.
    pub fn push_scope_key(push_id: &str, what: &str) -> String {
        format!("push\0{push_id}\0*{what}")
    }

    /// The key that identifies this entry wherever it is mirrored (the forge marker, which must
    /// tell a re-applied change from the first one): the key it was opened under, else (older
    /// entries) the key of older stores.
    pub fn identity(&self) -> String {
        match &self.key {
            Some(key) => key.clone(),
            None => Entry::key(&self.repo, &self.refname, &self.old, &self.new),
        }
    }
}
