//! The steps of an installation ([`Action`]) and carrying them out ([`apply`]): every file and
//! folder written is settled for the repository's owner (`repo::settle`), every configuration
//! file keeps its mode.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{gitconfig, gitolite, is_bare_repo, wrapper};
use crate::repo::settle::Settle;

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
    /// Set `key` to `value` in the git configuration file `file` (a repository's `config`, or a
    /// user's `.gitconfig`), as `git config --file file key value` would.
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
            Action::SetConfig { file, key, value } => git_config(file, |f| gitconfig::set(f, key, value))?,
            Action::UnsetConfig { file, key } => git_config(file, |f| gitconfig::unset(f, key))?,
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

/// Changes the git configuration file `file` with `change` ([`gitconfig`]), then gives it back
/// its mode and owner.
fn git_config(file: &Path, change: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    // The file is rewritten through a lock file (by hubgate or by git): as root that would leave
    // it root's, with the default mode. Its mode is put back, and it goes to the owner of the
    // folder holding it (the repository's, or the gitolite user's home).
    let before = std::fs::metadata(file).ok();
    change(file)?;
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
