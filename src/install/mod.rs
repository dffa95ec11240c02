//! `hubgate install`: putting the hooks where each server runs them, idempotently, reversibly.
//!
//! - plain git: `<repo>/hooks/pre-receive` and `post-receive` (or the `core.hooksPath` folder);
//!   an existing hook is kept as `<hook>.hubgate-chained` and still runs, with the same input;
//! - Gitea and Forgejo: `hooks/pre-receive.d/hubgate` and `post-receive.d/hubgate`, which Gitea's
//!   generated dispatcher runs, or the global `core.hooksPath` folder of newer Forgejo
//!   (docs/sources.md#gitea-hooks);
//! - GitLab: `<custom_hooks_dir>/pre-receive.d/hubgate` and `post-receive.d/hubgate`
//!   (docs/sources.md#gitlab-hooks).
//!
//! On plain git it also sets [`SETTINGS`] in each repository (push options for overrides,
//! `receive.fsckObjects` so git refuses malformed trees); forges own their repositories'
//! configuration, so there `doctor` only reports.
//!
//! Everything is planned first ([`plan`]) and printed; `--dry-run` stops there.

mod access;
mod apply;
pub mod doctor;
mod gitconfig;
pub mod gitolite;
pub mod gitolite_doctor;
mod repo_doctor;
pub mod template;
pub mod wrapper;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use apply::{Action, apply};
pub use wrapper::Command;

/// Which server's hook layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Plain bare repositories.
    Plain,
    /// Gitea or Forgejo `.d` folders.
    Gitea,
    /// GitLab's server-wide `custom_hooks_dir`.
    GitLab,
}

/// The hooks hubgate installs.
pub const HOOKS: [&str; 2] = ["pre-receive", "post-receive"];
/// The file name inside `.d` folders.
pub const D_NAME: &str = "hubgate";

pub use crate::repo::is_bare_repo;

/// The bare repositories at or under `path` (not looking inside repositories).
pub fn find_repos(path: &Path) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<()> {
        if is_bare_repo(dir) {
            out.push(dir.to_owned());
            return Ok(());
        }
        if depth == 0 {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && !p.is_symlink())
            .collect();
        entries.sort();
        for e in entries {
            walk(&e, depth - 1, out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(path, 6, &mut out)?;
    if out.is_empty() {
        bail!("no bare repository at or under {}", path.display());
    }
    Ok(out)
}

/// The folder git runs a repository's hooks from: `core.hooksPath` when set, else `hooks/`.
pub fn hooks_dir(repo: &Path) -> PathBuf {
    let configured = git_config_get(&repo.join("config"), "core.hooksPath")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    match configured {
        Some(p) if Path::new(&p).is_absolute() => PathBuf::from(p),
        Some(p) => repo.join(p),
        None => repo.join("hooks"),
    }
}

/// A value from the git configuration file `file`, as `git config --file file --get key`
/// prints it, trimmed; read in-process ([`gitconfig::get`]).
pub(crate) fn git_config_get(file: &Path, key: &str) -> Option<String> {
    gitconfig::get(file, key).map(|v| v.trim().to_owned())
}

/// The hook files hubgate manages for a target, with whether each is a `.d` entry.
fn hook_files(layout: Layout, target: &Path) -> Vec<(&'static str, PathBuf, bool)> {
    HOOKS
        .iter()
        .map(|kind| match layout {
            Layout::Plain => (*kind, hooks_dir(target).join(kind), false),
            Layout::Gitea => (*kind, hooks_dir(target).join(format!("{kind}.d")).join(D_NAME), true),
            Layout::GitLab => (*kind, target.join(format!("{kind}.d")).join(D_NAME), true),
        })
        .collect()
}

/// The targets of `paths`: repositories (plain, Gitea) or the hooks folder itself (GitLab).
pub fn targets(layout: Layout, paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        match layout {
            Layout::GitLab => {
                if !p.is_dir() {
                    bail!("{} is not a folder (give GitLab's custom_hooks_dir)", p.display());
                }
                out.push(p.clone());
            }
            _ => out.extend(find_repos(p)?),
        }
    }
    Ok(out)
}

/// The root repository names are relative to, for repositories found under `path`: `path`
/// itself (resolved through symbolic links, as git runs hooks in the real directory), so that
/// `<path>/acme/team/model.git` is `acme/team/model`. None on GitLab (the path is the hooks
/// folder; GitLab names the project) and when `path` is itself a repository (then its last two
/// path components name it).
pub fn naming_root(layout: Layout, path: &Path) -> Option<PathBuf> {
    if layout == Layout::GitLab || is_bare_repo(path) {
        return None;
    }
    std::fs::canonicalize(path).or_else(|_| std::path::absolute(path)).ok()
}

/// The targets of `paths`, each with its naming root.
pub fn targets_with_roots(layout: Layout, paths: &[PathBuf]) -> Result<Vec<(PathBuf, Option<PathBuf>)>> {
    let mut out = Vec::new();
    for p in paths {
        let root = naming_root(layout, p);
        out.extend(
            targets(layout, std::slice::from_ref(p))?
                .into_iter()
                .map(|t| (t, root.clone())),
        );
    }
    Ok(out)
}

/// Plans an installation (or removal) on `paths`; the wrappers record each path's naming root.
pub fn plan(layout: Layout, paths: &[PathBuf], cmd: &Command, uninstall: bool) -> Result<Vec<Action>> {
    let mut actions = Vec::new();
    let mut seen = BTreeSet::new();
    for (target, root) in targets_with_roots(layout, paths)? {
        let cmd = &Command {
            repo_root: root,
            ..cmd.clone()
        };
        for (kind, file, in_d) in hook_files(layout, &target) {
            // A global hooks folder is shared by many repositories: plan it once.
            if !seen.insert(file.clone()) {
                continue;
            }
            if uninstall {
                plan_removal(&file, kind, in_d, &mut actions)?;
            } else {
                plan_install(&file, kind, in_d, cmd, &mut actions)?;
            }
        }
        if layout == Layout::Plain {
            plan_settings(&target.join("config"), uninstall, &mut actions);
        }
    }
    Ok(actions)
}

/// Plans hubgate's hook `kind` at `file` (a `.d` entry when `in_d`); a hook already there that is
/// not ours is moved aside and chained.
pub(crate) fn plan_install(
    file: &Path,
    kind: &str,
    in_d: bool,
    cmd: &Command,
    actions: &mut Vec<Action>,
) -> Result<()> {
    let chained = file.with_file_name(format!("{kind}.{}", wrapper::CHAINED));
    let existing = std::fs::read(file)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    match existing {
        None => {
            let content = wrapper::script(cmd, kind, !in_d && chained.exists());
            actions.push(Action::Write {
                path: file.to_owned(),
                content,
            });
        }
        Some(text) if wrapper::is_ours(&text) => {
            let content = wrapper::script(cmd, kind, !in_d && chained.exists());
            if text == content {
                actions.push(Action::Keep {
                    path: file.to_owned(),
                    why: "already installed".into(),
                });
            } else {
                actions.push(Action::Write {
                    path: file.to_owned(),
                    content,
                });
            }
        }
        Some(_) if in_d => bail!(
            "{} exists and was not written by hubgate; not overwriting it",
            file.display()
        ),
        Some(_) => {
            if chained.exists() {
                bail!(
                    "both {} and {} exist; resolve by hand",
                    file.display(),
                    chained.display()
                );
            }
            actions.push(Action::Rename {
                from: file.to_owned(),
                to: chained,
            });
            actions.push(Action::Write {
                path: file.to_owned(),
                content: wrapper::script(cmd, kind, true),
            });
        }
    }
    Ok(())
}

/// Plans the removal of hubgate's hook `kind` at `file`, restoring the chained hook if any.
pub(crate) fn plan_removal(file: &Path, kind: &str, in_d: bool, actions: &mut Vec<Action>) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(file) else {
        actions.push(Action::Keep {
            path: file.to_owned(),
            why: "not installed".into(),
        });
        return Ok(());
    };
    if !wrapper::is_ours(&text) {
        actions.push(Action::Keep {
            path: file.to_owned(),
            why: "not written by hubgate; left alone".into(),
        });
        return Ok(());
    }
    let chained = file.with_file_name(format!("{kind}.{}", wrapper::CHAINED));
    if !in_d && chained.exists() {
        actions.push(Action::Rename {
            from: chained,
            to: file.to_owned(),
        });
    } else {
        actions.push(Action::Remove { path: file.to_owned() });
    }
    if in_d && let Some(dir) = file.parent() {
        let others = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(Result::ok).filter(|e| e.path() != file).count())
            .unwrap_or(1);
        if others == 0 {
            actions.push(Action::RemoveDir { path: dir.to_owned() });
        }
    }
    Ok(())
}

/// The repository settings a plain install makes, each with the key that records hubgate made it
/// (so that `--uninstall` unsets exactly what it set). A setting the administrator already has,
/// whatever its value, is left alone: uninstalling must give back their configuration as it was.
pub const SETTINGS: [(&str, &str); 2] = [
    // Overrides need push options, which receive-pack advertises only when told to
    // (docs/sources.md#push-options).
    ("receive.advertisePushOptions", "hubgate.setAdvertisePushOptions"),
    // git itself then refuses malformed objects before any hook runs: trees with duplicate
    // entries (two README.md, one of which hubgate would not see), `.git` entries, bad modes.
    ("receive.fsckObjects", "hubgate.setFsckObjects"),
];

/// Plans [`SETTINGS`] in the git configuration file `file`.
pub(crate) fn plan_settings(file: &Path, uninstall: bool, actions: &mut Vec<Action>) {
    for (key, marker) in SETTINGS {
        let ours = git_config_get(file, marker).as_deref() == Some("true");
        let value = git_config_get(file, key);
        let unset = |key: &str| Action::UnsetConfig {
            file: file.to_owned(),
            key: key.to_owned(),
        };
        let set = |key: &str| Action::SetConfig {
            file: file.to_owned(),
            key: key.to_owned(),
            value: "true".into(),
        };
        if uninstall {
            if ours {
                actions.extend([unset(key), unset(marker)]);
            }
        } else if ours {
            // Set by an earlier install: nothing to do.
        } else if let Some(value) = value {
            if value != "true" {
                actions.push(Action::Keep {
                    path: file.to_owned(),
                    why: format!("{key}={value} is the administrator's setting; left as it is"),
                });
            }
        } else {
            actions.extend([set(key), set(marker)]);
        }
    }
}
