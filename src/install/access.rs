//! `hubgate doctor`: can the repository's owner use what it must? Administrators run hubgate as
//! root, and a root-owned folder under `objects/` or a hook only root can run breaks the server's
//! pushes later, while everything looks fine to root.
//!
//! The owner is the user owning the repository folder (git runs as that user on the server). From
//! uid, gid and mode bits (the owner's primary and supplementary groups from `/etc/passwd` and
//! `/etc/group`; ACLs are not read), without switching users, it checks that the owner can:
//! - search every folder above the repository, and read, write and search the repository folder;
//! - read and execute the hooks hubgate installed (and the hooks they chain to);
//! - read and write `config`; read `HEAD` and `packed-refs`;
//! - read, write and search every folder under `objects/`, `refs/`, `logs/` and `hubgate/` (the
//!   discussions store's ref, its lock, journal and outbox); read the files under `objects/`;
//!   read and write the other files there;
//! - read the binary (and execute it), the policy files, the configuration and the forge token
//!   file the installed wrappers name.
//!
//! And when the owner is not root, that nothing in the repository is root's. Each problem is a
//! FAIL naming the path, the owner, what is missing, and the command that fixes it.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::doctor::{Check, Status, check};
use super::wrapper;
use crate::repo::owner::{Account, group_name, user_name};

/// Read, write, execute (search, for a folder), as in a mode's bits.
const R: u32 = 4;
const W: u32 = 2;
const X: u32 = 1;
/// The most paths named, per repository, for what its owner cannot use (the rest are counted).
const MAX_LINES: usize = 10;
/// The most root-owned paths named per repository (all are counted).
const MAX_NAMED: usize = 5;
/// The most entries walked in one repository.
const MAX_WALK: usize = 2_000_000;

/// What one repository's owner cannot use.
struct Findings<'a> {
    repo: &'a Path,
    owner: Account,
    lines: Vec<String>,
    more: usize,
    /// The paths checked already (the wrappers of one repository name the same files).
    seen: std::collections::HashSet<PathBuf>,
}

/// Checks what the owner of `repo` can use: the repository's files, `hooks` (the hook files
/// hubgate manages for it) and what `commands` (its wrappers' commands) read.
pub(super) fn owner_checks(out: &mut Vec<Check>, repo: &Path, hooks: &[PathBuf], commands: &[wrapper::Command]) {
    let shown = repo.display();
    let meta = match std::fs::metadata(repo) {
        Ok(m) => m,
        Err(e) => return check(out, Status::Fail, format!("{shown}: cannot read its owner: {e}")),
    };
    if meta.uid() == 0 {
        // Root can read and write everything; git runs as root on this server.
        return;
    }
    let mut f = Findings {
        repo,
        owner: Account::of(meta.uid()),
        lines: Vec::new(),
        more: 0,
        seen: std::collections::HashSet::new(),
    };
    f.need(repo, R | W | X);
    for hook in hooks.iter().filter(|h| h.exists()) {
        f.need(hook, R | X);
        let chained = hook.with_file_name(format!(
            "{}.{}",
            hook.file_name().unwrap_or_default().to_string_lossy(),
            wrapper::CHAINED
        ));
        if chained.exists() {
            f.need(&chained, R | X);
        }
    }
    f.need(&repo.join("config"), R | W);
    f.need(&repo.join("HEAD"), R);
    if repo.join("packed-refs").exists() {
        f.need(&repo.join("packed-refs"), R);
    }
    let root_owned = f.walk();
    for cmd in commands {
        f.need(&cmd.bin, R | X);
        if let Some(p) = &cmd.policies {
            f.need(p, if p.is_dir() { R | X } else { R });
            for file in crate::policy::files::list(p).unwrap_or_default() {
                f.need(&file, R);
            }
        }
        if let Some(c) = &cmd.config {
            f.need(c, R);
            if let Ok(config) = crate::config::Config::load(Some(c))
                && let Some(token) = config.gitea.and_then(|g| g.token_file)
            {
                f.need(&token, R);
            }
        }
    }
    let name = f.owner.name.clone();
    let (named, count) = root_owned;
    if count > 0 {
        let list: Vec<String> = named.iter().map(|p| p.display().to_string()).collect();
        check(
            out,
            Status::Fail,
            format!(
                "{shown}: {count} of its files and folders are root's, not its owner {name}'s ({}{}): {name}'s pushes \
                 cannot write there; fix with `chown -R {}: {shown}`",
                list.join(", "),
                if count > list.len() { ", ..." } else { "" },
                chown_user(&f.owner),
            ),
        );
    }
    let clean = f.lines.is_empty() && count == 0;
    for line in f.lines {
        check(out, Status::Fail, line);
    }
    if f.more > 0 {
        check(
            out,
            Status::Fail,
            format!("{shown}: {} more paths its owner {name} cannot use as it must", f.more),
        );
    }
    if clean {
        check(
            out,
            Status::Pass,
            format!(
                "{shown}: its owner {name} can use its hooks, config, objects, refs and hubgate folder, and read the \
                 binary, policies and configuration"
            ),
        );
    }
}

/// The user name for `chown` (a uid where no name is known).
fn chown_user(owner: &Account) -> String {
    user_name(owner.uid).unwrap_or_else(|| owner.uid.to_string())
}

/// `bits` in words: "read, write and search".
fn words(bits: u32, dir: bool) -> String {
    let mut list = Vec::new();
    if bits & R != 0 {
        list.push("read");
    }
    if bits & W != 0 {
        list.push("write");
    }
    if bits & X != 0 {
        list.push(if dir { "search" } else { "execute" });
    }
    match list.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `bits` as `chmod` letters.
fn letters(bits: u32) -> String {
    [(R, 'r'), (W, 'w'), (X, 'x')]
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, c)| *c)
        .collect()
}

impl Findings<'_> {
    fn add(&mut self, line: String) {
        if self.lines.contains(&line) {
            // A folder above several paths is said once.
        } else if self.lines.len() < MAX_LINES {
            self.lines.push(line);
        } else {
            self.more += 1;
        }
    }

    /// What the owner lacks on `path` (and the folders above it, which it must search); nothing
    /// for a path that does not exist (other checks report those).
    fn need(&mut self, path: &Path, bits: u32) {
        let Ok(real) = std::fs::canonicalize(path) else { return };
        if !self.seen.insert(real.clone()) {
            return;
        }
        let mut above: Vec<&Path> = real.ancestors().skip(1).collect();
        above.reverse();
        for dir in above {
            if !self.lacks(dir, X) {
                continue;
            }
            // One unsearchable folder hides everything below it.
            return;
        }
        self.lacks(&real, bits);
    }

    /// Adds a line when the owner lacks `bits` on `path`; returns whether it does.
    fn lacks(&mut self, path: &Path, bits: u32) -> bool {
        let Ok(meta) = std::fs::metadata(path) else {
            return false;
        };
        let has = self.owner.bits(meta.mode(), meta.uid(), meta.gid());
        let missing = bits & !has;
        if missing == 0 {
            return false;
        }
        let shown = path.display();
        let name = &self.owner.name;
        let dir = meta.is_dir();
        let whose = format!(
            "{:04o}, owned by {}:{}",
            meta.mode() & 0o7777,
            user_name(meta.uid()).unwrap_or_else(|| meta.uid().to_string()),
            group_name(meta.gid()).unwrap_or_else(|| meta.gid().to_string())
        );
        let inside = path.starts_with(self.repo) || self.repo.canonicalize().is_ok_and(|r| path.starts_with(r));
        let fix = if inside && meta.uid() != self.owner.uid {
            format!("chown -R {}: {shown}", chown_user(&self.owner))
        } else if inside {
            format!("chmod u+{} {shown}", letters(missing))
        } else {
            format!("chmod o+{} {shown}", letters(missing))
        };
        self.add(format!(
            "{shown}: the repository's owner {name} cannot {} it ({whose}); fix with `{fix}`",
            words(missing, dir)
        ));
        true
    }

    /// Walks the repository: the root-owned paths (the first few named, and their count), and
    /// what the owner lacks under `objects/`, `refs/`, `logs/` and `hubgate/`.
    fn walk(&mut self) -> (Vec<PathBuf>, usize) {
        let mut named = Vec::new();
        let mut count = 0;
        let mut stack = vec![self.repo.to_owned()];
        let mut walked = 0;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.filter_map(Result::ok) {
                walked += 1;
                if walked > MAX_WALK {
                    return (named, count);
                }
                let path = entry.path();
                let Ok(meta) = std::fs::symlink_metadata(&path) else {
                    continue;
                };
                if meta.file_type().is_symlink() {
                    continue;
                }
                if meta.uid() == 0 {
                    count += 1;
                    if named.len() < MAX_NAMED {
                        named.push(path.clone());
                    }
                }
                let top = path
                    .strip_prefix(self.repo)
                    .ok()
                    .and_then(|r| r.components().next())
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .unwrap_or_default();
                let bits = match (top.as_str(), meta.is_dir()) {
                    ("objects" | "refs" | "logs" | "hubgate", true) => R | W | X,
                    ("objects", false) => R,
                    ("refs" | "logs" | "hubgate", false) => R | W,
                    _ => 0,
                };
                // What root owns is said once, with the chown that fixes all of it.
                if bits != 0 && meta.uid() != 0 {
                    self.lacks(&path, bits);
                }
                if meta.is_dir() {
                    stack.push(path);
                }
            }
        }
        (named, count)
    }
}
