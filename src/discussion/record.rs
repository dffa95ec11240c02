//! Recording one accepted push: every watched ref whose card changed in a risk-relevant way
//! becomes a discussion entry in the repository's store, then the outbox delivers what waits to
//! the forge within the deadline.

use std::time::Instant;

use anyhow::{Context, Result};

use super::changes::{Facts, Watch, compare_facts};
use super::store::Store;
use super::summary::{MASS_UPDATE, PushContext, RefUpdate};
use super::{Change, Entry, render};
use crate::config::Config;
use crate::policy::Policy;
use crate::push::Push;
use crate::repo::{Blob, Quarantine, Readme, Repo};

/// The prefix of [`Push::id`] of a push kept by a hubgate older than push identities (its
/// journal gives it an id of `legacy:<anything unique>`): besides its own keys, the keys of that
/// version (repository, ref, old, new) are honoured, so what it recorded before failing is not
/// recorded twice.
pub const LEGACY_ID: &str = "legacy:";

/// The card behind a [`Readme`] entry for comparisons: `None` when it is not a regular,
/// readable file.
fn card_of(repo: &Repo, readme: Option<&Readme>) -> Result<Option<crate::card::Card>> {
    match readme {
        Some(Readme::Blob(blob)) => match repo.blob(*blob)? {
            Blob::Bytes(bytes) => Ok(Some(crate::card::Card::from_bytes(bytes))),
            Blob::TooLarge(_) => Ok(None),
        },
        _ => Ok(None),
    }
}

/// Whether `refname` is watched: `HEAD` stands for the default branch (as
/// [`crate::repo::branch`] defines it), the rest are globs.
fn watched(patterns: &[crate::config::RefPattern], refname: &str, default_branch: Option<&str>) -> bool {
    patterns.iter().any(|p| p.matches(refname, default_branch))
}

/// Records `push` in the store; returns the lines for the pusher ([`crate::forge::deliver::deliver`] then takes the
/// entries to the forge). `all` are the
/// administrator's policies (the ones matching the repository apply). Every watched ref whose
/// card changed in a risk-relevant way gets an entry (or, above [`MASS_UPDATE`] such refs, the
/// push gets one summary entry), a push with an override reason gets an entry recording it, all
/// written in one store commit keyed on the push's identity. Waiting for the store and the forge
/// stops at `deadline`.
pub fn record(push: &Push, all: &[Policy], config: &Config, deadline: Instant) -> Result<Vec<String>> {
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
    let store = Store::open(git_dir)?.until(deadline);
    let created: Vec<String> = push
        .updates
        .iter()
        .filter(|u| u.old.is_none() && u.new.is_some() && u.refname.starts_with("refs/heads/"))
        .map(|u| u.refname.clone())
        .collect();
    let follows_head = config.discussions.watch_refs.contains(&crate::config::RefPattern::Head);
    let default = if follows_head {
        Some(repo.default_branch(&created)?)
    } else {
        None
    };
    let default_branch = default.as_ref().and_then(|d| d.branch.clone());
    let zero = "0".repeat(repo.hash_kind().len_in_hex());
    let hex = |id: Option<gix::ObjectId>| id.map_or_else(|| zero.clone(), |i| i.to_string());
    let ctx = PushContext {
        push_id: push.id.clone(),
        repo: repo_name.text.clone(),
        pusher: push.pusher.clone(),
        override_reason: push.override_reason().map(str::to_owned),
        policies: applied.policies.iter().map(|p| p.name.clone()).collect(),
        // When the push happened (a kept push replayed later keeps its own time).
        now: crate::time::rfc3339(push.time),
    };
    let mut changed: Vec<(RefUpdate, Vec<Change>)> = Vec::new();
    for u in &push.updates {
        // The branch HEAD names, deleted by this push (when git allows it), was the default.
        let head_deleted =
            u.new.is_none() && default.as_ref().and_then(|d| d.unborn_head.as_deref()) == Some(u.refname.as_str());
        if !head_deleted && !watched(&config.discussions.watch_refs, &u.refname, default_branch.as_deref()) {
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
                // One parsed card at a time: its facts are taken and it is dropped.
                let old_facts = Facts::of(card_of(&repo, old_readme.as_ref())?.as_ref(), &watch);
                let new_facts = Facts::of(card_of(&repo, new_readme.as_ref())?.as_ref(), &watch);
                compare_facts(&old_facts, &new_facts, &watch)
            }
        };
        if changes.is_empty() {
            continue;
        }
        let update = RefUpdate {
            refname: u.refname.clone(),
            old: hex(u.old),
            new: hex(u.new),
        };
        // A push kept by a hubgate older than push identities: what that version recorded
        // before failing carries its (ref, old, new) key.
        if push.id.starts_with(LEGACY_ID)
            && store
                .find_key(&Entry::key(&ctx.repo, &update.refname, &update.old, &update.new))?
                .is_some()
        {
            continue;
        }
        changed.push((update, changes));
    }
    let mut batch: Vec<(String, Entry)> = Vec::new();
    if let Some(reason) = push.override_reason()
        && !push.updates.is_empty()
    {
        let all_updates: Vec<RefUpdate> = push
            .updates
            .iter()
            .map(|u| RefUpdate {
                refname: u.refname.clone(),
                old: hex(u.old),
                new: hex(u.new),
            })
            .collect();
        let key = Entry::push_scope_key(&push.id, "override");
        batch.push((key, ctx.override_entry(reason, &all_updates)));
    }
    if changed.len() > MASS_UPDATE {
        let titled: Vec<(RefUpdate, String)> = changed
            .into_iter()
            .map(|(u, changes)| (u, render::title(&changes)))
            .collect();
        let key = Entry::push_scope_key(&push.id, "mass-update");
        batch.push((key, ctx.mass_update_entry(&titled)));
    } else {
        for (u, changes) in changed {
            let key = Entry::push_key(&push.id, &u.refname, &u.old, &u.new);
            let title = render::title(&changes);
            batch.push((key, ctx.entry(&u, changes, title)));
        }
    }
    // The owner learns that HEAD names no existing branch, and which one is followed instead.
    let mut lines: Vec<String> = default.and_then(|d| d.note()).into_iter().collect();
    if !batch.is_empty() {
        let titles: Vec<String> = batch.iter().map(|(_, e)| e.title.clone()).collect();
        let opened = store
            .open_entries(batch)
            .context("cannot write the discussion entries")?;
        for (o, title) in opened.iter().zip(titles) {
            if o.created {
                lines.push(format!("hubgate: opened discussion #{}: {title}", o.num));
            }
        }
    }
    Ok(lines)
}
