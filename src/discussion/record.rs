//! Recording one accepted push: every watched ref whose card changed in a risk-relevant way
//! becomes a discussion entry in the repository's store, then the outbox delivers what waits to
//! the forge within the deadline.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::changes::{Watch, compare};
use super::store::Store;
use super::{Change, Entry, Event, render};
use crate::config::Config;
use crate::forge::outbox::Outbox;
use crate::hook::push::Push;
use crate::policy::Policy;
use crate::repo::{Quarantine, Repo};

/// Whether `refname` is watched: `HEAD` stands for the default branch, the rest are globs.
fn watched(patterns: &[String], refname: &str, default_branch: Option<&str>) -> bool {
    patterns.iter().any(|p| {
        if p == "HEAD" {
            default_branch == Some(refname)
        } else {
            glob::Pattern::new(p).is_ok_and(|g| g.matches(refname))
        }
    })
}

/// Records every watched update of `push` and flushes the outbox; returns the lines for the
/// pusher. `all` are the administrator's policies (the ones matching the repository apply).
pub fn record(push: &Push, all: &[Policy], config: &Config) -> Result<Vec<String>> {
    let deadline = Instant::now() + Duration::from_millis(config.discussions.timeout_ms);
    if !config.discussions.enabled {
        return Ok(Vec::new());
    }
    let git_dir = push.git_dir.as_path();
    let repo_name = &push.repo;
    let applied = crate::policy::select(all, repo_name, None).map_err(anyhow::Error::msg)?;
    let mut watch = Watch {
        keys: config.discussions.watch_keys.clone(),
        ..Watch::default()
    };
    for p in &applied.policies {
        watch.keys.extend(p.watch_keys.iter().cloned());
        if let Some(a) = &p.audience {
            watch.synonyms.extend(a.synonyms.iter().cloned());
        }
        if let Some(c) = &p.card {
            watch.sections.extend(c.sections.iter().cloned());
        }
    }
    let repo = Repo::open(git_dir, &Quarantine::default())?;
    let store = Store::open(git_dir)?;
    let outbox = Outbox::of(git_dir);
    let default_branch = repo.default_branch();
    let zero = "0".repeat(repo.hash_kind().len_in_hex());
    let mut lines = Vec::new();
    for u in &push.updates {
        if !watched(&config.discussions.watch_refs, &u.refname, default_branch.as_deref()) {
            continue;
        }
        let changes = match u.new {
            None => vec![Change {
                key: "ref".into(),
                before: u.refname.clone().into(),
                after: serde_json::Value::Null,
            }],
            Some(new) => {
                // Blob ids first: a push that leaves README.md alone parses nothing.
                let old_readme = u.old.map(|o| repo.readme_at(o)).transpose()?.flatten();
                let new_readme = repo.readme_at(new)?;
                if old_readme.is_some() && old_readme == new_readme {
                    continue;
                }
                let old_card = repo.card_of(old_readme.as_ref())?;
                let new_card = repo.card_of(new_readme.as_ref())?;
                compare(old_card.as_ref(), new_card.as_ref(), &watch)
            }
        };
        if changes.is_empty() {
            continue;
        }
        let hex = |id: Option<gix::ObjectId>| id.map_or_else(|| zero.clone(), |i| i.to_string());
        let now = crate::time::rfc3339(crate::time::now());
        let mut entry = Entry {
            num: 0,
            title: render::title(&changes),
            status: "open".into(),
            author: "hubgate".into(),
            pusher: push.pusher.clone(),
            created_at: now.clone(),
            repo: repo_name.text.clone(),
            refname: u.refname.clone(),
            old: hex(u.old),
            new: hex(u.new),
            changes,
            policies: applied.policies.iter().map(|p| p.name.clone()).collect(),
            override_reason: push.override_reason().map(str::to_owned),
            events: Vec::new(),
        };
        let body = render::body(&entry);
        entry.events.push(Event {
            kind: "comment".into(),
            author: "hubgate".into(),
            created_at: now,
            body: Some(body),
            status: None,
        });
        let key = Entry::key(&entry.repo, &entry.refname, &entry.old, &entry.new);
        let opened = store
            .open_entry(&key, entry.clone())
            .context("cannot write the discussion entry")?;
        if !opened.created {
            continue;
        }
        lines.push(format!("hubgate: opened discussion #{}: {}", opened.num, entry.title));
    }
    if let Some(gitea) = &config.gitea {
        let (owner, name) = push.forge_owner_name();
        outbox.enqueue(|mark| store.list_after(mark), &owner, &name, deadline)?;
        let flushed = flush(&outbox, gitea, deadline)?;
        if flushed.pending > 0 {
            lines.push(format!(
                "hubgate: {} discussion entr{} wait in the outbox for delivery to the forge",
                flushed.pending,
                if flushed.pending == 1 { "y" } else { "ies" }
            ));
        }
    }
    Ok(lines)
}

/// Delivers what the outbox holds, within `deadline`.
pub fn flush(
    outbox: &Outbox,
    gitea: &crate::config::Gitea,
    deadline: Instant,
) -> Result<crate::forge::outbox::Flushed> {
    outbox.flush(deadline, |item| {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            anyhow::bail!("out of time");
        }
        let client = crate::forge::gitea::Client::new(gitea, &item.owner, &item.repo, left)?;
        // Always look for an earlier delivery first: a lost answer or a concurrent flush elsewhere
        // must not create a second issue.
        client.deliver(&item.entry, true)
    })
}
