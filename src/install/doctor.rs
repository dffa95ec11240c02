//! `hubgate doctor`: is the installation sound? A pass/fail list an administrator can act on.

use std::path::{Path, PathBuf};

use super::repo_doctor::{head_check, open, replacement_check};
use super::{Layout, hook_files, targets, wrapper};

/// One check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Fine.
    Pass,
    /// Works, but something needs attention.
    Warn,
    /// Broken: pushes will not be checked as configured.
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Check {
    /// Outcome.
    pub status: Status,
    /// What was checked, and what was found.
    pub what: String,
}

/// Adds one line to the report.
pub(super) fn check(out: &mut Vec<Check>, status: Status, what: String) {
    out.push(Check { status, what });
}

/// Checks every target under `paths`.
pub fn run(layout: Layout, paths: &[PathBuf]) -> Vec<Check> {
    let mut out = Vec::new();
    let targets = match targets(layout, paths) {
        Ok(t) => t,
        Err(e) => {
            check(&mut out, Status::Fail, format!("{e:#}"));
            return out;
        }
    };
    let mut commands = Vec::new();
    for target in &targets {
        let mut root = None;
        let files = hook_files(layout, target);
        let mut mine = Vec::new();
        for (kind, file, _) in &files {
            if let Some(cmd) = hook(&mut out, kind, file) {
                root = root.or_else(|| cmd.repo_root.clone());
                mine.push(cmd.clone());
                commands.push(cmd);
            }
        }
        if layout != Layout::GitLab {
            name_check(&mut out, target, root.as_deref(), layout);
            repo_checks(&mut out, target, layout);
            let hooks: Vec<PathBuf> = files.into_iter().map(|(_, file, _)| file).collect();
            super::access::owner_checks(&mut out, target, &hooks, &mine);
        }
    }
    commands.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    commands.dedup();
    for cmd in &commands {
        command_checks(&mut out, cmd, &targets, layout);
    }
    out
}

/// Checks hubgate's hook `kind` at `file`; the command it runs, when it is ours.
pub(super) fn hook(out: &mut Vec<Check>, kind: &str, file: &Path) -> Option<wrapper::Command> {
    let shown = file.display();
    let Ok(text) = std::fs::read_to_string(file) else {
        check(
            out,
            Status::Fail,
            format!("{kind} hook {shown} is missing (run `hubgate install`)"),
        );
        return None;
    };
    if !wrapper::is_ours(&text) {
        check(
            out,
            Status::Fail,
            format!("{kind} hook {shown} was not written by hubgate"),
        );
        return None;
    }
    if !is_executable(file) {
        check(
            out,
            Status::Fail,
            format!("{kind} hook {shown} is not executable (git skips it)"),
        );
    } else {
        check(out, Status::Pass, format!("{kind} hook {shown}"));
    }
    let chained = file.with_file_name(format!("{kind}.{}", wrapper::CHAINED));
    if text.contains(wrapper::CHAINED) {
        if is_executable(&chained) {
            check(
                out,
                Status::Pass,
                format!(
                    "the previous {kind} hook {} still runs {}",
                    chained.display(),
                    if kind == "pre-receive" {
                        "first"
                    } else {
                        "after hubgate"
                    }
                ),
            );
        } else {
            check(
                out,
                Status::Fail,
                format!(
                    "the previous {kind} hook {} is missing or not executable",
                    chained.display()
                ),
            );
        }
    }
    wrapper::parse(&text).or_else(|| {
        check(
            out,
            Status::Fail,
            format!("{kind} hook {shown}: cannot find the hubgate command in it"),
        );
        None
    })
}

/// Checks what a wrapper runs: the binary, the policies, the configuration (and the forge).
pub(super) fn command_checks(out: &mut Vec<Check>, cmd: &wrapper::Command, targets: &[PathBuf], layout: Layout) {
    let bin = cmd.bin.display();
    match std::process::Command::new(&cmd.bin).arg("--version").output() {
        Ok(o) if o.status.success() => {
            check(
                out,
                Status::Pass,
                format!("binary {bin} runs ({})", String::from_utf8_lossy(&o.stdout).trim()),
            );
        }
        Ok(o) => check(
            out,
            Status::Fail,
            format!("binary {bin} fails: {}", String::from_utf8_lossy(&o.stderr).trim()),
        ),
        Err(e) => check(out, Status::Fail, format!("binary {bin} cannot run: {e}")),
    }
    match &cmd.policies {
        None => check(
            out,
            Status::Pass,
            "policies: none configured (the embedded Hub-compatible default applies)".into(),
        ),
        Some(p) => match crate::policy::load::load_all(p) {
            Ok(loaded) => {
                let n = loaded.policies.len();
                check(
                    out,
                    Status::Pass,
                    format!(
                        "policies {}: {n} polic{} load",
                        p.display(),
                        if n == 1 { "y" } else { "ies" }
                    ),
                );
                for w in loaded.warnings {
                    check(out, Status::Warn, format!("policy: {w}"));
                }
            }
            Err(e) => {
                for problem in e.problems {
                    let status = if problem.warning { Status::Warn } else { Status::Fail };
                    check(out, status, format!("policy: {problem}"));
                }
            }
        },
    }
    let config = match crate::config::Config::load(cmd.config.as_deref()) {
        Ok(c) => {
            if let Some(path) = &cmd.config {
                check(out, Status::Pass, format!("configuration {} loads", path.display()));
            }
            c
        }
        Err(e) => {
            // One line per problem: the administrator fixes them all in one round.
            for problem in e.problems {
                check(out, Status::Fail, format!("configuration: {problem}"));
            }
            return;
        }
    };
    if let Some(gitea) = &config.gitea {
        for target in targets.iter().filter(|_| layout != Layout::GitLab) {
            let name = crate::repo::name::derive(target, cmd.repo_root.as_deref());
            let (owner, repo) = name.rsplit_once('/').unwrap_or(("", &name));
            match crate::forge::gitea::Client::new(
                gitea,
                owner,
                repo,
                std::time::Instant::now() + std::time::Duration::from_secs(5),
            )
            .and_then(|c| c.check())
            {
                Ok(()) => check(
                    out,
                    Status::Pass,
                    format!("forge {}: {name} reachable with the token", gitea.url),
                ),
                Err(e) => check(out, Status::Fail, format!("forge {}: {name}: {e:#}", gitea.url)),
            }
        }
    }
}

/// The name policies match for `repo`, from the root its wrapper records.
fn name_check(out: &mut Vec<Check>, repo: &Path, root: Option<&Path>, layout: Layout) {
    let name = crate::repo::name::derive(repo, root);
    let how = match (layout, root) {
        (Layout::Gitea, _) => {
            "when the forge gives none; Gitea and Forgejo name it GITEA_REPO_USER_NAME/GITEA_REPO_NAME, compared \
             ignoring case"
                .to_owned()
        }
        (_, Some(root)) => format!("path under {}", root.display()),
        (_, None) => "last two path components: no root recorded; `hubgate install <root>` records one".to_owned(),
    };
    check(
        out,
        Status::Pass,
        format!("{}: policies match it as \"{name}\" ({how})", repo.display()),
    );
}

fn repo_checks(out: &mut Vec<Check>, repo: &Path, layout: Layout) {
    let shown = repo.display();
    let Some(opened) = open(out, repo) else {
        return;
    };
    replacement_check(out, repo, &opened);
    match crate::discussion::store::Store::open(repo).and_then(|s| s.list()) {
        Ok(list) => check(
            out,
            Status::Pass,
            format!("{shown}: discussion store readable ({} entries)", list.len()),
        ),
        Err(e) => check(out, Status::Fail, format!("{shown}: discussion store: {e:#}")),
    }
    match crate::forge::outbox::Outbox::of(repo).items() {
        Ok(items) if items.is_empty() => check(out, Status::Pass, format!("{shown}: outbox empty")),
        Ok(items) => {
            for (path, item) in items {
                match item {
                    Ok(i) => check(
                        out,
                        Status::Warn,
                        format!(
                            "{shown}: discussion #{} waits for delivery ({} attempts; {})",
                            i.entry.num,
                            i.attempts,
                            i.last_error.unwrap_or_default()
                        ),
                    ),
                    Err(e) => check(out, Status::Fail, format!("{}: {e:#}", path.display())),
                }
            }
        }
        Err(e) => check(out, Status::Fail, format!("{shown}: outbox: {e:#}")),
    }
    fsck_check(out, repo, layout);
    head_check(out, repo, &opened);
    // Gitea and Forgejo set it in their global git configuration (docs/sources.md#push-options).
    if layout == Layout::Plain
        && super::git_config_get(&repo.join("config"), "receive.advertisePushOptions").as_deref() != Some("true")
    {
        check(
            out,
            Status::Warn,
            format!(
                "{shown}: receive.advertisePushOptions is not true: overrides (-o hubgate.override=...) cannot reach the hook"
            ),
        );
    }
}

/// A boolean setting as git reads it for `repo` (system, global and repository files), if set.
/// Spawns git, unlike the reads of one file (`install::gitconfig`): the answer is git's whole
/// cascade (system and global files, includes, `GIT_CONFIG_*`), which only git itself gives exactly.
fn effective_bool(repo: &Path, key: &str) -> Option<bool> {
    let o = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(["config", "--bool", "--get", key])
        .output()
        .ok()?;
    match String::from_utf8_lossy(&o.stdout).trim() {
        "true" if o.status.success() => Some(true),
        "false" if o.status.success() => Some(false),
        _ => None,
    }
}

/// Whether git checks pushed objects (`receive.fsckObjects`, else `transfer.fsckObjects`): without
/// it a tree with two `README.md` entries (or a `.git` entry, or a bad mode) is stored as pushed.
fn fsck_check(out: &mut Vec<Check>, repo: &Path, layout: Layout) {
    let shown = repo.display();
    let on = effective_bool(repo, "receive.fsckObjects")
        .or_else(|| effective_bool(repo, "transfer.fsckObjects"))
        .unwrap_or(false);
    if on {
        check(
            out,
            Status::Pass,
            format!("{shown}: receive.fsckObjects is on (git refuses malformed trees)"),
        );
        return;
    }
    let how = match layout {
        Layout::Plain => {
            format!("`git --git-dir={shown} config receive.fsckObjects true` (or rerun `hubgate install`)")
        }
        _ => "the forge's git configuration, e.g. `git config --global receive.fsckObjects true` as the forge's \
              user (Gitea/Forgejo: `receive.fsckObjects = true` under `[git.config]` in app.ini)"
            .to_owned(),
    };
    check(
        out,
        Status::Warn,
        format!(
            "{shown}: receive.fsckObjects is off: git stores malformed trees as pushed (duplicate entries, \
             `.git` entries, bad modes); enable it with {how}"
        ),
    );
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}
