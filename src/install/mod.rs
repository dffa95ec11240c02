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
pub mod doctor;
pub mod gitolite;
pub mod gitolite_doctor;
pub mod template;
pub mod wrapper;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::repo::settle::Settle;

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

/// One step of an installation (fields: the files, repositories and keys concerned).
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(missing_docs, reason = "the variant docs name every field")]
pub enum Action {
    /// Write an executable script `content` at `path`.
    Write { path: PathBuf, content: String },
    /// Move a file `from` to `to` (an existing hook aside, or back).
    Rename { from: PathBuf, to: PathBuf },
    /// Delete a file hubgate wrote.
    Remove { path: PathBuf },
    /// Delete a folder hubgate created, now empty.
    RemoveDir { path: PathBuf },
    /// `git config --file file key value` (a repository's `config`, or a user's `.gitconfig`).
    SetConfig { file: PathBuf, key: String, value: String },
    /// `git config --file file --unset key`.
    UnsetConfig { file: PathBuf, key: String },
    /// Rewrite the existing file `path` with `content`, keeping its owner and mode (gitolite's
    /// `.gitolite.rc`).
    Replace { path: PathBuf, content: String },
    /// Delete the folder `path` if nothing is left in it.
    Prune { path: PathBuf },
    /// Run `gitolite <args>` as the owner of the gitolite home `home`, with `HOME` set to it.
    Gitolite { home: PathBuf, args: Vec<String> },
    /// Nothing to do at `path`, and `why`.
    Keep { path: PathBuf, why: String },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Write { path, .. } => write!(f, "write {}", path.display()),
            Action::Rename { from, to } => write!(f, "move {} to {}", from.display(), to.display()),
            Action::Remove { path } => write!(f, "remove {}", path.display()),
            Action::RemoveDir { path } => write!(f, "remove the empty folder {}", path.display()),
            Action::SetConfig { file, key, value } => write!(f, "set {key}={value} in {}", file.display()),
            Action::UnsetConfig { file, key } => write!(f, "unset {key} in {}", file.display()),
            Action::Replace { path, .. } => write!(f, "edit {}", path.display()),
            Action::Prune { path } => write!(f, "remove the folder {} if empty", path.display()),
            Action::Gitolite { home, args } => write!(f, "run `gitolite {}` for {}", args.join(" "), home.display()),
            Action::Keep { path, why } => write!(f, "keep {} ({why})", path.display()),
        }
    }
}

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
    let configured = std::process::Command::new("git")
        .args(["config", "--file"])
        .arg(repo.join("config"))
        .args(["--get", "core.hooksPath"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty());
    match configured {
        Some(p) if Path::new(&p).is_absolute() => PathBuf::from(p),
        Some(p) => repo.join(p),
        None => repo.join("hooks"),
    }
}

/// A value from the git configuration file `file`.
pub(crate) fn git_config_get(file: &Path, key: &str) -> Option<String> {
    let o = std::process::Command::new("git")
        .args(["config", "--file"])
        .arg(file)
        .args(["--get", key])
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_owned())
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

/// Carries out a plan.
pub fn apply(actions: &[Action]) -> Result<()> {
    for a in actions {
        match a {
            Action::Write { path, content } => {
                // Root installing for the server's user: the hook and its folders stay that
                // user's, with the modes a shared repository needs.
                let settle = Settle::enclosing(path)?;
                if let Some(dir) = path.parent() {
                    settle.create_dir_all(dir)?;
                }
                let tmp = path.with_extension("hubgate-tmp");
                std::fs::write(&tmp, content).with_context(|| format!("cannot write {}", tmp.display()))?;
                set_executable(&tmp)?;
                settle.path(&tmp)?;
                std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
                // A chained wrapper copies the push into `hubgate/tmp`: made here, settled, so
                // that in a shared repository every pusher can write there (a folder the first
                // pusher's `mkdir` made would refuse the others' pushes).
                if content.contains(wrapper::CHAINED)
                    && let Some(repo) = path.ancestors().skip(1).take(3).find(|d| is_bare_repo(d))
                {
                    Settle::of(repo)?.create_dir_all(&repo.join("hubgate").join("tmp"))?;
                }
            }
            Action::Rename { from, to } => std::fs::rename(from, to).with_context(|| format!("cannot {a}"))?,
            Action::Remove { path } => std::fs::remove_file(path).with_context(|| format!("cannot {a}"))?,
            Action::RemoveDir { path } => std::fs::remove_dir(path).with_context(|| format!("cannot {a}"))?,
            Action::SetConfig { file, key, value } => git_config(file, &[key, value])?,
            Action::UnsetConfig { file, key } => git_config(file, &["--unset", key])?,
            Action::Replace { path, content } => replace(path, content)?,
            Action::Prune { path } => {
                if std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none()) {
                    std::fs::remove_dir(path).with_context(|| format!("cannot {a}"))?;
                }
            }
            Action::Gitolite { home, args } => gitolite::run(home, args)?,
            Action::Keep { .. } => {}
        }
    }
    Ok(())
}

fn git_config(file: &Path, args: &[&str]) -> Result<()> {
    // git rewrites the file through a lock file: as root that would leave it root's, with git's
    // default mode. Its mode is put back, and it goes to the owner of the folder holding it (the
    // repository's, or the gitolite user's home).
    let before = std::fs::metadata(file).ok();
    let o = std::process::Command::new("git")
        .args(["config", "--file"])
        .arg(file)
        .args(args)
        .output()
        .context("cannot run git config")?;
    if !o.status.success() {
        bail!(
            "git config {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        );
    }
    if let Some(meta) = before {
        std::fs::set_permissions(file, meta.permissions())
            .with_context(|| format!("cannot restore the mode of {}", file.display()))?;
    }
    Settle::enclosing(file)?.path(file)
}

/// Rewrites `path` through a temporary file that takes the old file's mode and owner first, so
/// that no moment leaves it half-written or someone else's.
fn replace(path: &Path, content: &str) -> Result<()> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    let tmp = path.with_extension("hubgate-tmp");
    std::fs::write(&tmp, content).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::set_permissions(&tmp, meta.permissions())
        .with_context(|| format!("cannot set the mode of {}", tmp.display()))?;
    Settle::enclosing(path)?.path(&tmp)?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot chmod {}", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> Result<()> {
    Ok(())
}
