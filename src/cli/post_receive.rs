//! `hubgate post-receive`: after an accepted push, records risk-relevant metadata changes as
//! discussion entries in the repository and delivers them to the forge.
//!
//! It cannot undo the push, so it never fails it: problems are printed for the pusher and the
//! entries that could not be delivered stay in the outbox. It finishes within the configured time
//! (default 5 s) whatever the forge does: requests share one deadline, and what is left over waits
//! in the outbox for the next push or `hubgate outbox flush`.
//!
//! Its input is read whole up to the same bound as pre-receive's (`HUBGATE_MAX_INPUT`): past it
//! nothing is recorded, and it says so loudly to the pusher and in the server's log (stderr),
//! rather than record a part of the push as if it were all of it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::Config;
use crate::discussion::changes::{Watch, compare};
use crate::discussion::store::Store;
use crate::discussion::{Change, Entry, Event, render};
use crate::forge::outbox::Outbox;
use crate::hook::{env::Env, input};
use crate::repo::{Quarantine, Repo};

pub(super) fn run(env: &Env, policies: Option<&Path>, config: Option<&Path>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let read = match &env.max_input.0 {
        Ok(bound) => input::read(std::io::stdin().lock(), *bound).map_err(|e| e.to_string()),
        Err(e) => Err(e.clone()),
    };
    let stdin = match read {
        Ok(stdin) => stdin,
        Err(e) => {
            let msg = format!(
                "hubgate: WARNING: post-receive did not record this push's metadata changes: {e}.\n\
                 hubgate: the push was accepted, but its discussion entries are missing; tell an administrator.\n"
            );
            let _ = out.write_all(super::for_forge(env, &msg).as_bytes());
            let _ = std::io::stderr().lock().write_all(msg.as_bytes());
            return ExitCode::from(2);
        }
    };
    let updates = match input::parse(&stdin) {
        Ok(u) => u,
        Err(e) => {
            let _ = writeln!(out, "hubgate: post-receive: {e}");
            return ExitCode::from(2);
        }
    };
    let git_dir = env.git_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let pending = git_dir.join("hubgate").join("pending");
    // Pushes whose recording failed earlier are recorded first (entries are idempotent).
    for (path, earlier) in pending_pushes(&pending) {
        match record(env, policies, config, &earlier) {
            Ok(lines) => {
                for line in lines {
                    let _ = out.write_all(super::for_forge(env, &format!("{line}\n")).as_bytes());
                }
                let _ = std::fs::remove_file(path);
            }
            Err(e) => {
                let msg = format!(
                    "hubgate: an earlier push is still not recorded ({e:#}); it stays in {}\n",
                    path.display()
                );
                let _ = out.write_all(super::for_forge(env, &msg).as_bytes());
            }
        }
    }
    match record(env, policies, config, &updates) {
        Ok(lines) => {
            for line in lines {
                let _ = out.write_all(super::for_forge(env, &format!("{line}\n")).as_bytes());
            }
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "hubgate: post-receive could not record this push's metadata changes: {e:#}"
            );
            // Keep the push's lines so that the next post-receive records it: nothing is lost.
            let kept = std::fs::create_dir_all(&pending).and_then(|()| {
                let name = format!("{:020}-{}.txt", crate::time::now(), std::process::id());
                std::fs::write(pending.join(name), &stdin)
            });
            let _ = match kept {
                Ok(()) => writeln!(
                    out,
                    "hubgate: the push was accepted; it will be recorded by the next push."
                ),
                Err(e) => writeln!(
                    out,
                    "hubgate: the push was accepted but could not be kept for later ({e}); tell an administrator."
                ),
            };
        }
    }
    ExitCode::SUCCESS
}

/// Earlier pushes kept for recording, oldest first.
fn pending_pushes(dir: &Path) -> Vec<(PathBuf, Vec<input::Update>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let updates = input::parse(&std::fs::read(&p).ok()?).ok()?;
            Some((p, updates))
        })
        .collect()
}

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

/// Records every watched update and flushes the outbox; returns the lines for the pusher.
pub(super) fn record(
    env: &Env,
    policies: Option<&Path>,
    config: Option<&Path>,
    updates: &[input::Update],
) -> Result<Vec<String>> {
    let config = Config::load(config)?;
    let deadline = Instant::now() + Duration::from_millis(config.discussions.timeout_ms);
    if !config.discussions.enabled {
        return Ok(Vec::new());
    }
    let git_dir = env.git_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let repo_name = env.repo_name(&git_dir);
    let all = super::load_policies(policies)?;
    let applied = crate::policy::select(&all, &repo_name, None).map_err(anyhow::Error::msg)?;
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
    let repo = Repo::open(&git_dir, &Quarantine::default())?;
    let store = Store::open(&git_dir)?;
    let outbox = Outbox::of(&git_dir);
    let default_branch = repo.default_branch();
    let zero = "0".repeat(repo.hash_kind().len_in_hex());
    let mut lines = Vec::new();
    for u in updates {
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
            pusher: env.pusher.clone(),
            created_at: now.clone(),
            repo: repo_name.text.clone(),
            refname: u.refname.clone(),
            old: hex(u.old),
            new: hex(u.new),
            changes,
            policies: applied.policies.iter().map(|p| p.name.clone()).collect(),
            override_reason: env.override_reason().map(str::to_owned),
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
        let (owner, name) = forge_repo(env, &repo_name.text);
        outbox.enqueue(|mark| store.list_after(mark), &owner, &name)?;
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

/// The forge's owner and name: its variables, else the repository name split at the last `/`.
fn forge_repo(env: &Env, repo_name: &str) -> (String, String) {
    match &env.forge_repo {
        Some((o, n)) => (o.clone(), n.clone()),
        None => match repo_name.rsplit_once('/') {
            Some((o, n)) => (o.to_owned(), n.to_owned()),
            None => (String::new(), repo_name.to_owned()),
        },
    }
}

/// Delivers what the outbox holds, within `deadline`.
pub(super) fn flush(
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
