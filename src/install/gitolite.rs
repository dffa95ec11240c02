//! gitolite mode: `hubgate install --gitolite [GITOLITE_HOME]`, through gitolite's own mechanism,
//! so that every repository runs hubgate, those created later through `gitolite-admin` (or as
//! wild repositories) too.
//!
//! - the hooks go to `$LOCAL_CODE/hooks/common/`, which `gitolite setup --hooks-only` links into
//!   every repository and gitolite links into each new one (`LOCAL_CODE` is set in
//!   `.gitolite.rc` to `$ENV{HOME}/local` when the site has none); a site's own common hook is kept
//!   as `<hook>.hubgate-chained` and still runs;
//! - a trigger, `$LOCAL_CODE/triggers/hubgate`, enabled for `POST_COMPILE` and `POST_CREATE` after
//!   gitolite's own: gitolite's `repo-specific-hooks` replaces a repository's `pre-receive` with its
//!   multi-hook driver, which runs `hooks/pre-receive.*`; the trigger links hubgate there as
//!   `pre-receive.hubgate`, and warns (to whoever pushed `gitolite-admin`) about any other hook
//!   that took hubgate's place;
//! - `receive.advertisePushOptions` and `receive.fsckObjects` go to the gitolite user's
//!   `~/.gitconfig`, which git reads for every repository, new ones too.
//!
//! Every line hubgate adds to `.gitolite.rc` ends with [`RC_MARK`], and `--uninstall` removes
//! exactly those lines, the hooks and trigger it wrote, and the links to them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{Action, HOOKS, plan_install, plan_removal, plan_settings, wrapper};

/// Where Debian's gitolite3 package keeps gitolite's home.
pub const DEFAULT_HOME: &str = "/var/lib/gitolite3";
/// The end of every line hubgate adds to `.gitolite.rc`.
pub const RC_MARK: &str = "# added by hubgate install --gitolite";
/// The name of hubgate's gitolite trigger, in `$LOCAL_CODE/triggers/`.
pub const TRIGGER: &str = "hubgate";
/// The suffix under which the trigger links hubgate beside gitolite's multi-hook driver.
pub const BESIDE_DRIVER: &str = "hubgate";

/// What hubgate needs to know of a gitolite installation.
#[derive(Debug, Clone)]
pub struct Site {
    /// The gitolite user's home (`HOME` for every gitolite command).
    pub home: PathBuf,
    /// `$HOME/.gitolite.rc`.
    pub rc: PathBuf,
    /// `LOCAL_CODE`, as configured, or the `$HOME/local` hubgate sets.
    pub local_code: PathBuf,
    /// Whether the rc sets `LOCAL_CODE` (other than by hubgate's own line).
    pub local_code_set: bool,
    /// `GL_REPO_BASE`: where the repositories are.
    pub repo_base: PathBuf,
    /// Whether the rc already has a `NON_CORE` list (hubgate then cannot add its trigger).
    pub non_core_set: bool,
    /// gitolite's multi-hook driver (`MULTI_HOOK_DRIVER`, else `$LOCAL_CODE/hooks/multi-hook-driver`).
    pub driver: PathBuf,
}

impl Site {
    /// Reads the installation at `home` through `gitolite query-rc`, as its owner would.
    pub fn read(home: &Path) -> Result<Site> {
        let home = std::fs::canonicalize(home)
            .with_context(|| format!("no gitolite home at {} (give the gitolite user's home)", home.display()))?;
        let rc = home.join(".gitolite.rc");
        if !rc.is_file() {
            bail!(
                "{} has no .gitolite.rc: not a gitolite home (give the gitolite user's home, e.g. {DEFAULT_HOME})",
                home.display()
            );
        }
        let local = query(&home, "LOCAL_CODE")?;
        let local_code_set = local.is_some();
        let local_code = local.map_or_else(|| home.join("local"), PathBuf::from);
        let repo_base = query(&home, "GL_REPO_BASE")?
            .map(PathBuf::from)
            .with_context(|| format!("gitolite at {} names no GL_REPO_BASE", home.display()))?;
        let non_core_set = query(&home, "NON_CORE")?.is_some();
        let driver = query(&home, "MULTI_HOOK_DRIVER")?
            .map_or_else(|| local_code.join("hooks/multi-hook-driver"), PathBuf::from);
        Ok(Site {
            home,
            rc,
            local_code,
            local_code_set,
            repo_base,
            non_core_set,
            driver,
        })
    }

    /// `$LOCAL_CODE/hooks/common`: what gitolite links into every repository's `hooks/`.
    pub fn common(&self) -> PathBuf {
        self.local_code.join("hooks/common")
    }

    /// The trigger's path.
    pub fn trigger(&self) -> PathBuf {
        self.local_code.join("triggers").join(TRIGGER)
    }
}

/// A `gitolite` command run as the owner of `home`, with `HOME` set to it (gitolite finds its rc
/// and repositories through `HOME`).
fn command(home: &Path) -> Result<Command> {
    let mut c = Command::new("gitolite");
    c.env("HOME", home).current_dir(home);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::process::CommandExt;
        let meta = std::fs::metadata(home).with_context(|| format!("cannot read {}", home.display()))?;
        let me = rustix::process::geteuid();
        if me.is_root() && meta.uid() != 0 {
            c.uid(meta.uid()).gid(meta.gid());
        } else if me.as_raw() != meta.uid() {
            bail!(
                "{} belongs to uid {}: run hubgate as that user or as root",
                home.display(),
                meta.uid()
            );
        }
    }
    Ok(c)
}

/// `gitolite query-rc key`: its value, or `None` when the rc does not set it.
fn query(home: &Path, key: &str) -> Result<Option<String>> {
    let o = command(home)?
        .args(["query-rc", key])
        .output()
        .context("cannot run `gitolite` (is gitolite3 installed and on PATH?)")?;
    let value = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    match (o.status.success(), value.is_empty()) {
        (true, false) => Ok(Some(value)),
        (_, true) if o.status.code() == Some(1) || o.status.success() => Ok(None),
        _ => bail!(
            "`gitolite query-rc {key}` failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
    }
}

/// Runs `gitolite <args>` for the installation at `home`.
pub fn run(home: &Path, args: &[String]) -> Result<()> {
    let o = command(home)?.args(args).output().context("cannot run `gitolite`")?;
    if !o.status.success() {
        bail!(
            "`gitolite {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        );
    }
    Ok(())
}

/// Plans installing (or removing) hubgate on the gitolite installation at `home`.
pub fn plan(home: &Path, cmd: &wrapper::Command, uninstall: bool) -> Result<Vec<Action>> {
    let site = Site::read(home)?;
    let common = site.common();
    let cmd = wrapper::Command {
        repo_root: None,
        chained_dir: Some(common.clone()),
        ..cmd.clone()
    };
    let rc_text = std::fs::read_to_string(&site.rc).with_context(|| format!("cannot read {}", site.rc.display()))?;
    let mut actions = Vec::new();
    if uninstall {
        plan_uninstall(&site, &rc_text, &mut actions)?;
        return Ok(actions);
    }
    let edited = rc_with_lines(&rc_text, !site.local_code_set, !site.non_core_set)?;
    if edited != rc_text {
        actions.push(Action::Replace {
            path: site.rc.clone(),
            content: edited,
        });
    }
    for kind in HOOKS {
        plan_install(&common.join(kind), kind, false, &cmd, &mut actions)?;
    }
    if site.non_core_set {
        actions.push(Action::Keep {
            path: site.rc.clone(),
            why: "NON_CORE is already set, so hubgate's trigger cannot be enabled: repositories given \
                  repo-specific hooks would stop running hubgate (`hubgate doctor --gitolite` reports them)"
                .into(),
        });
    } else {
        let trigger = trigger_script(&common, &site.driver);
        if std::fs::read_to_string(site.trigger()).ok().as_deref() != Some(trigger.as_str()) {
            actions.push(Action::Write {
                path: site.trigger(),
                content: trigger,
            });
        }
    }
    plan_settings(&site.home.join(".gitconfig"), false, &mut actions);
    actions.push(Action::Gitolite {
        home: site.home.clone(),
        args: vec!["setup".into(), "--hooks-only".into()],
    });
    // Repositories whose hooks repo-specific-hooks manages get hubgate beside the driver.
    if !site.non_core_set {
        actions.push(Action::Gitolite {
            home: site.home.clone(),
            args: vec!["trigger".into(), "POST_COMPILE".into()],
        });
    }
    Ok(actions)
}

fn plan_uninstall(site: &Site, rc_text: &str, actions: &mut Vec<Action>) -> Result<()> {
    let common = site.common();
    let mut restored = Vec::new();
    for kind in HOOKS {
        let before = actions.len();
        plan_removal(&common.join(kind), kind, false, actions)?;
        restored.extend(
            actions[before..]
                .iter()
                .filter(|a| matches!(a, Action::Rename { .. }))
                .map(|_| kind),
        );
    }
    // The links gitolite made to hubgate's hooks, and those the trigger made beside the driver.
    let repos = if site.repo_base.is_dir() {
        super::find_repos(&site.repo_base).unwrap_or_default()
    } else {
        Vec::new()
    };
    for repo in repos {
        for kind in HOOKS {
            let link = repo.join("hooks").join(kind);
            if !restored.contains(&kind) && std::fs::read_link(&link).ok() == Some(common.join(kind)) {
                actions.push(Action::Remove { path: link });
            }
            let beside = repo.join("hooks").join(format!("{kind}.{BESIDE_DRIVER}"));
            if std::fs::read_link(&beside).ok() == Some(common.join(kind)) {
                actions.push(Action::Remove { path: beside });
            }
        }
    }
    let trigger = site.trigger();
    if std::fs::read_to_string(&trigger).is_ok_and(|t| wrapper::is_ours(&t)) {
        actions.push(Action::Remove { path: trigger.clone() });
    }
    // LOCAL_CODE stays while the site keeps anything of its own there (repo-specific hooks, its
    // multi-hook driver, other triggers): removing it would break them.
    let ours = [common.join("pre-receive"), common.join("post-receive"), trigger.clone()];
    let mut theirs = Vec::new();
    files_under(&site.local_code, 4, &mut theirs);
    theirs.retain(|f| !ours.contains(f));
    if !theirs.is_empty()
        && rc_text
            .lines()
            .any(|l| l.ends_with(RC_MARK) && l.contains("LOCAL_CODE"))
    {
        actions.push(Action::Keep {
            path: site.rc.clone(),
            why: format!(
                "LOCAL_CODE stays: {} holds the site's own files (e.g. {})",
                site.local_code.display(),
                theirs[0].display()
            ),
        });
    }
    let edited = rc_without_lines(rc_text, !theirs.is_empty());
    if edited != rc_text {
        actions.push(Action::Replace {
            path: site.rc.clone(),
            content: edited,
        });
    }
    plan_settings(&site.home.join(".gitconfig"), true, actions);
    for dir in [
        trigger.parent().map(Path::to_owned),
        Some(common.clone()),
        common.parent().map(Path::to_owned),
        Some(site.local_code.clone()),
    ]
    .into_iter()
    .flatten()
    {
        actions.push(Action::Prune { path: dir });
    }
    Ok(())
}

/// The rc with hubgate's lines: `LOCAL_CODE` (when `local_code`), and the trigger enabled (when
/// `trigger`). Lines already there are not added twice.
pub fn rc_with_lines(rc: &str, local_code: bool, trigger: bool) -> Result<String> {
    let mut lines: Vec<String> = rc.lines().map(str::to_owned).collect();
    let has = |lines: &[String], what: &str| lines.iter().any(|l| l.ends_with(RC_MARK) && l.contains(what));
    let start = lines
        .iter()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with("%RC") && t.contains('(')
        })
        .context(".gitolite.rc has no `%RC = (` line to add LOCAL_CODE after; set LOCAL_CODE by hand")?;
    if trigger && !has(&lines, "'hubgate'") {
        let enable = lines
            .iter()
            .position(|l| {
                let t = l.trim_start();
                t.starts_with("ENABLE") && t.contains("=>") && t.contains('[')
            })
            .context(".gitolite.rc has no `ENABLE => [` line to enable hubgate's trigger in")?;
        lines.insert(enable + 1, format!("            '{TRIGGER}', {RC_MARK}"));
    }
    if trigger && !has(&lines, "NON_CORE") {
        lines.insert(
            start + 1,
            format!("    NON_CORE => \"{TRIGGER} POST_COMPILE .\\n{TRIGGER} POST_CREATE .\\n\", {RC_MARK}"),
        );
    }
    if local_code && !has(&lines, "LOCAL_CODE") {
        lines.insert(
            start + 1,
            format!("    LOCAL_CODE => \"$ENV{{HOME}}/local\", {RC_MARK}"),
        );
    }
    Ok(lines.join("\n") + "\n")
}

/// The rc without the lines hubgate added (but its `LOCAL_CODE` line, with `keep_local_code`).
pub fn rc_without_lines(rc: &str, keep_local_code: bool) -> String {
    let kept: Vec<&str> = rc
        .lines()
        .filter(|l| !l.ends_with(RC_MARK) || (keep_local_code && l.contains("LOCAL_CODE")))
        .collect();
    kept.join("\n") + "\n"
}

/// The files (and links) under `dir`, `depth` levels down.
fn files_under(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() && depth > 0 => files_under(&path, depth - 1, out),
            _ => out.push(path),
        }
    }
}

/// The trigger: links hubgate's common hooks into repositories whose hooks gitolite's
/// repo-specific-hooks replaced with its multi-hook driver (as `<hook>.hubgate`, which the driver
/// runs), links them where a hook is missing, and warns about any other hook in their place.
pub fn trigger_script(common: &Path, driver: &Path) -> String {
    let quote = |p: &Path| format!("'{}'", p.to_string_lossy().replace('\'', "'\\''"));
    format!(
        r#"#!/bin/sh
{marker} gitolite trigger: written by `hubgate install --gitolite`, removed by `hubgate install --gitolite --uninstall`.
# Run by gitolite after its own POST_COMPILE and POST_CREATE triggers: keeps hubgate's common hooks
# running in every repository, beside gitolite's multi-hook driver where repo-specific hooks are set.
common={common}
driver={driver}
case "$1" in
    POST_CREATE) repos=$2 ;;
    *) repos=$(gitolite list-phy-repos) || {{ echo "hubgate: WARNING: cannot list gitolite's repositories; run \`hubgate doctor --gitolite\`" >&2; exit 0; }} ;;
esac
cd "$GL_REPO_BASE" || {{ echo "hubgate: WARNING: cannot enter GL_REPO_BASE; run \`hubgate doctor --gitolite\`" >&2; exit 0; }}
for repo in $repos; do
    for kind in pre-receive post-receive; do
        hook="$repo.git/hooks/$kind"
        [ -d "$repo.git/hooks" ] || continue
        target=$(readlink "$hook" 2>/dev/null)
        if [ "$target" = "$common/$kind" ]; then
            continue
        elif [ "$target" = "$driver" ]; then
            ln -sfn "$common/$kind" "$hook.{beside}" 2>/dev/null ||
                echo "hubgate: WARNING: cannot link hubgate's $kind hook into $repo: pushes to it are not checked" >&2
        elif [ -e "$hook" ] || [ -L "$hook" ]; then
            echo "hubgate: WARNING: $repo has its own $kind hook in place of hubgate's: pushes to it are not checked (see \`hubgate doctor --gitolite\`)" >&2
        else
            ln -sfn "$common/$kind" "$hook" 2>/dev/null ||
                echo "hubgate: WARNING: cannot link hubgate's $kind hook into $repo: pushes to it are not checked" >&2
        fi
    done
done
exit 0
"#,
        marker = wrapper::MARKER,
        common = quote(common),
        driver = quote(driver),
        beside = BESIDE_DRIVER,
    )
}

#[cfg(test)]
#[path = "gitolite_tests.rs"]
mod tests;
