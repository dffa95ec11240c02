//! Taking recorded discussion entries to the forge: queue what the store holds beyond the
//! outbox's mark, then deliver what waits, within the post-receive's deadline. Never an error for
//! the push: the entries are in the store whatever happens here.

use std::time::Instant;

use anyhow::Result;

use super::outbox::Outbox;
use crate::config::Config;
use crate::discussion::store::Store;
use crate::push::Push;

/// Queues what the store holds beyond the outbox's mark and delivers what waits to the forge,
/// once per post-receive (after every push it recorded), within `deadline`. Never an error: the
/// entries are in the store whatever happens here, and a later push or `hubgate outbox flush`
/// delivers what is left; the lines say what waits and why.
pub fn deliver(push: &Push, config: &Config, deadline: Instant) -> Vec<String> {
    let Some(gitea) = &config.gitea else {
        return Vec::new();
    };
    if !config.discussions.enabled {
        return Vec::new();
    }
    let git_dir = push.git_dir.as_path();
    let outbox = Outbox::of(git_dir);
    let (owner, name) = push.forge_owner_name();
    let queued = Store::open(git_dir).and_then(|store| {
        let store = store.until(deadline);
        outbox.enqueue(|mark| store.list_after(mark), &owner, &name, deadline)
    });
    if let Err(e) = queued {
        let why = crate::report::inert::paths(&format!("{e:#}"), git_dir);
        return vec![format!(
            "hubgate: entries not yet queued for the forge ({why}); the next push queues them"
        )];
    }
    match flush(&outbox, gitea, deadline) {
        Ok(flushed) if flushed.pending > 0 => vec![format!(
            "hubgate: {} discussion {} in the outbox for delivery to the forge",
            flushed.pending,
            if flushed.pending == 1 {
                "entry waits"
            } else {
                "entries wait"
            }
        )],
        Ok(_) => Vec::new(),
        Err(e) => vec![format!(
            "hubgate: the outbox could not be flushed ({}); its entries wait for the next push",
            crate::report::inert::paths(&format!("{e:#}"), git_dir)
        )],
    }
}

/// Delivers what the outbox holds, within `deadline`.
pub fn flush(outbox: &Outbox, gitea: &crate::config::Gitea, deadline: Instant) -> Result<super::outbox::Flushed> {
    outbox.flush(deadline, |item| {
        // Each request gets only the time left (`Client`); `Outbox::flush` stops at the deadline.
        let client = super::gitea::Client::new(gitea, &item.owner, &item.repo, deadline)?;
        // Always look for an earlier delivery first: a lost answer or a concurrent flush elsewhere
        // must not create a second issue.
        client.deliver(&item.entry, true)
    })
}
