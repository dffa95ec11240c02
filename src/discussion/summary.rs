//! Entries about a push as a whole: the override it used (always recorded, on any ref, because
//! pre-receive tells the pusher that "the discussion entry of this push records the override"),
//! and the one summary entry that replaces per-ref entries when a push changes the cards of more
//! than [`MASS_UPDATE`] watched refs (a bot creating thousands of `refs/pr/*` must not open
//! thousands of discussions, nor write megabytes into the repository).

use serde_json::Value as J;

use super::{Change, Entry, Event, render};

/// The most watched refs with card changes one push may record as one entry each; above it the
/// push gets one summary entry. A hundred is more than any person reviews one by one.
pub const MASS_UPDATE: usize = 100;
/// The most refs a summary or override entry lists by name (the rest are counted), so that its
/// size stays bounded (about 30 kB) however large the push.
pub const LISTED: usize = 100;

/// What every entry of one push shares.
#[derive(Debug, Clone)]
pub struct PushContext {
    /// [`crate::push::Push::id`].
    pub push_id: String,
    /// The repository's `owner/name`.
    pub repo: String,
    /// Who pushed, when known.
    pub pusher: Option<String>,
    /// The override reason given with the push.
    pub override_reason: Option<String>,
    /// The policies that apply.
    pub policies: Vec<String>,
    /// When the entries are opened (RFC 3339).
    pub now: String,
}

/// One ref's update, ids in hex (all zeroes for none).
#[derive(Debug, Clone)]
pub struct RefUpdate {
    /// The ref.
    pub refname: String,
    /// Its value before the push.
    pub old: String,
    /// Its value after the push.
    pub new: String,
}

impl PushContext {
    /// An open entry with its opening comment; number and key are set by the store.
    pub fn entry(&self, update: &RefUpdate, changes: Vec<Change>, title: String) -> Entry {
        let mut entry = Entry {
            num: 0,
            title,
            status: "open".into(),
            author: "hubgate".into(),
            pusher: self.pusher.clone(),
            created_at: self.now.clone(),
            repo: self.repo.clone(),
            refname: update.refname.clone(),
            old: update.old.clone(),
            new: update.new.clone(),
            changes,
            policies: self.policies.clone(),
            override_reason: self.override_reason.clone(),
            push_id: Some(self.push_id.clone()),
            key: None,
            events: Vec::new(),
        };
        let body = render::body(&entry);
        entry.events.push(Event {
            kind: "comment".into(),
            author: "hubgate".into(),
            created_at: self.now.clone(),
            body: Some(body),
            status: None,
        });
        entry
    }

    /// The entry recording the push's override: who, why, and every ref it updated (the first
    /// [`LISTED`] by name).
    pub fn override_entry(&self, reason: &str, updates: &[RefUpdate]) -> Entry {
        let who = self
            .pusher
            .as_deref()
            .map_or_else(|| "unknown pusher".to_owned(), plain);
        let title = format!("Override by {who}: {}", refs_phrase(updates.len()));
        let mut changes = vec![Change {
            key: "override".into(),
            before: J::Null,
            after: reason.into(),
        }];
        let zero = |hex: &str| hex.bytes().all(|b| b == b'0');
        let id = |hex: &str| if zero(hex) { J::Null } else { hex.into() };
        changes.extend(updates.iter().take(LISTED).map(|u| Change {
            key: u.refname.clone(),
            before: id(&u.old),
            after: id(&u.new),
        }));
        changes.extend(more(updates.len()));
        self.entry(&scope(updates), changes, title)
    }

    /// The one entry of a push that changed the cards of more than [`MASS_UPDATE`] watched refs:
    /// how many, and the first [`LISTED`] with what changed on each.
    pub fn mass_update_entry(&self, changed: &[(RefUpdate, String)]) -> Entry {
        let zero = |hex: &str| hex.bytes().all(|b| b == b'0');
        let created = changed.iter().filter(|(u, _)| zero(&u.old)).count();
        let deleted = changed.iter().filter(|(u, _)| zero(&u.new)).count();
        let title = format!(
            "Mass update: {} watched refs changed ({created} created, {deleted} deleted, {} updated)",
            changed.len(),
            changed.len() - created - deleted
        );
        let mut changes: Vec<Change> = changed
            .iter()
            .take(LISTED)
            .map(|(u, what)| Change {
                key: u.refname.clone(),
                before: J::Null,
                after: what.as_str().into(),
            })
            .collect();
        changes.extend(more(changed.len()));
        let updates: Vec<RefUpdate> = changed.iter().map(|(u, _)| u.clone()).collect();
        self.entry(&scope(&updates), changes, title)
    }
}

/// "1 ref updated", "3 refs updated".
fn refs_phrase(n: usize) -> String {
    format!("{n} ref{} updated", if n == 1 { "" } else { "s" })
}

/// The row counting the refs not listed, if any.
fn more(total: usize) -> Option<Change> {
    (total > LISTED).then(|| Change {
        key: "(not listed)".into(),
        before: J::Null,
        after: format!("{} more refs", total - LISTED).into(),
    })
}

/// The ref an entry about several refs names: the ref itself when there is one, else the glob
/// of their longest common prefix up to a `/` (`refs/pr/*`), with all-zero commits.
fn scope(updates: &[RefUpdate]) -> RefUpdate {
    if let [one] = updates {
        return one.clone();
    }
    let mut prefix: &str = updates.first().map_or("", |u| u.refname.as_str());
    for u in updates {
        let common = prefix
            .char_indices()
            .zip(u.refname.chars())
            .find(|((_, a), b)| a != b)
            .map_or(prefix.len().min(u.refname.len()), |((i, _), _)| i);
        prefix = &prefix[..common];
    }
    let cut = prefix.rfind('/').map_or(0, |i| i + 1);
    // No single pair of commits: all-zero ids keep the entry's documented shape (CONTRACT.md:
    // `old` and `new` are hex ids).
    let zero = "0".repeat(updates.first().map_or(40, |u| u.old.len().max(u.new.len())));
    RefUpdate {
        refname: format!("{}*", &prefix[..cut]),
        old: zero.clone(),
        new: zero,
    }
}

/// A name reduced to characters that cannot be markup, a mention or a link in a title.
fn plain(text: &str) -> String {
    text.chars()
        .take(60)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> PushContext {
        PushContext {
            push_id: "1-2-3".into(),
            repo: "acme/model".into(),
            pusher: Some("al[i](x) @ce".into()),
            override_reason: Some("legal".into()),
            policies: vec!["org".into()],
            now: "2000-01-01T00:00:00Z".into(),
        }
    }

    fn update(refname: &str) -> RefUpdate {
        RefUpdate {
            refname: refname.into(),
            old: "0".repeat(40),
            new: "1".repeat(40),
        }
    }

    #[test]
    fn a_mass_update_lists_a_bounded_number_of_refs_under_their_common_glob() {
        let changed: Vec<(RefUpdate, String)> = (0..250)
            .map(|i| (update(&format!("refs/pr/{i}")), "Card created".to_owned()))
            .collect();
        let e = ctx().mass_update_entry(&changed);
        assert_eq!(
            e.title,
            "Mass update: 250 watched refs changed (250 created, 0 deleted, 0 updated)"
        );
        assert_eq!(e.refname, "refs/pr/*");
        assert_eq!(e.changes.len(), LISTED + 1);
        assert_eq!(e.changes[LISTED].after, "150 more refs");
        assert_eq!(e.push_id.as_deref(), Some("1-2-3"));
    }

    #[test]
    fn an_override_names_the_pusher_inertly_and_every_ref() {
        let e = ctx().override_entry("legal", &[update("refs/heads/feature"), update("refs/tags/v1")]);
        assert_eq!(e.title, "Override by al?i??x???ce: 2 refs updated");
        assert_eq!(e.refname, "refs/*");
        assert_eq!(e.changes[0].after, "legal");
        assert_eq!(e.changes[1].key, "refs/heads/feature");
        assert_eq!(e.changes[1].before, J::Null);
        let one = ctx().override_entry("legal", &[update("refs/heads/feature")]);
        assert_eq!(
            (one.refname.as_str(), one.new.as_str()),
            ("refs/heads/feature", &*"1".repeat(40))
        );
    }
}
