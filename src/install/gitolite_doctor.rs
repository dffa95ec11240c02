//! `hubgate doctor --gitolite`: does every repository of a gitolite installation run hubgate, and
//! will the ones created later?

use std::path::Path;

use super::doctor::{Check, Status, check, command_checks, hook};
use super::gitolite::{BESIDE_DRIVER, Site, TRIGGER};
use super::{HOOKS, Layout, git_config_get, wrapper};

/// Checks the gitolite installation at `home`.
pub fn run(home: &Path) -> Vec<Check> {
    let mut out = Vec::new();
    let site = match Site::read(home) {
        Ok(s) => s,
        Err(e) => {
            check(&mut out, Status::Fail, format!("gitolite: {e:#}"));
            return out;
        }
    };
    if site.local_code_set {
        check(
            &mut out,
            Status::Pass,
            format!("gitolite: LOCAL_CODE is {}", site.local_code.display()),
        );
    } else {
        check(
            &mut out,
            Status::Fail,
            format!(
                "gitolite: {} sets no LOCAL_CODE, so no common hook runs (run `hubgate install --gitolite {}`)",
                site.rc.display(),
                site.home.display()
            ),
        );
    }
    let common = site.common();
    let mut commands = Vec::new();
    for kind in HOOKS {
        if let Some(cmd) = hook(&mut out, kind, &common.join(kind)) {
            commands.push(cmd);
        }
    }
    commands.dedup();
    for cmd in &commands {
        command_checks(&mut out, cmd, &[], Layout::Plain);
    }
    trigger_check(&mut out, &site);
    let config = site.home.join(".gitconfig");
    for key in ["receive.advertisePushOptions", "receive.fsckObjects"] {
        if git_config_get(&config, key).as_deref() == Some("true") {
            check(
                &mut out,
                Status::Pass,
                format!("gitolite: {key}=true in {}", config.display()),
            );
        } else {
            check(
                &mut out,
                Status::Warn,
                format!(
                    "gitolite: {key} is not true in {} (every repository reads it; `hubgate install --gitolite` sets it)",
                    config.display()
                ),
            );
        }
    }
    repo_hooks(&mut out, &site, &commands);
    out
}

fn trigger_check(out: &mut Vec<Check>, site: &Site) {
    let trigger = site.trigger();
    let ours = std::fs::read_to_string(&trigger).is_ok_and(|t| wrapper::is_ours(&t));
    let enabled = std::fs::read_to_string(&site.rc)
        .is_ok_and(|rc| rc.lines().any(|l| l.trim_start().starts_with(&format!("'{TRIGGER}'"))));
    if ours && enabled {
        check(
            out,
            Status::Pass,
            format!(
                "gitolite: trigger {} keeps hubgate beside repo-specific hooks",
                trigger.display()
            ),
        );
    } else {
        check(
            out,
            Status::Warn,
            format!(
                "gitolite: hubgate's trigger {} is {}: a repository given repo-specific hooks stops running hubgate",
                trigger.display(),
                if ours { "not enabled in the rc" } else { "missing" }
            ),
        );
    }
}

/// Every repository's `pre-receive` and `post-receive` must lead to hubgate's common hooks:
/// directly (gitolite's link), or beside gitolite's multi-hook driver.
/// Also, per repository: an unborn `HEAD` (gitolite points it at `master`), and what the
/// gitolite user can use (the repository, the common hooks, what their commands read).
fn repo_hooks(out: &mut Vec<Check>, site: &Site, commands: &[wrapper::Command]) {
    let repos = match super::find_repos(&site.repo_base) {
        Ok(r) => r,
        Err(e) => {
            check(out, Status::Fail, format!("gitolite: {e:#}"));
            return;
        }
    };
    let common = site.common();
    let hooks: Vec<_> = HOOKS.iter().map(|kind| common.join(kind)).collect();
    let mut fine = 0;
    for repo in &repos {
        if let Some(opened) = super::repo_doctor::open(out, repo) {
            super::repo_doctor::head_check(out, repo, &opened);
        }
        super::access::owner_checks(out, repo, &hooks, commands);
        let mut ok = true;
        for kind in HOOKS {
            let hooks = repo.join("hooks");
            let target = std::fs::read_link(hooks.join(kind)).ok();
            let direct = target.as_deref() == Some(common.join(kind).as_path());
            let beside = target.as_deref() == Some(site.driver.as_path())
                && std::fs::read_link(hooks.join(format!("{kind}.{BESIDE_DRIVER}"))).ok() == Some(common.join(kind));
            if !direct && !beside {
                ok = false;
                check(
                    out,
                    Status::Fail,
                    format!(
                        "gitolite: {}: its {kind} hook does not run hubgate (run `gitolite setup --hooks-only` as \
                         the gitolite user, or `hubgate install --gitolite {}`)",
                        repo.display(),
                        site.home.display()
                    ),
                );
            }
        }
        fine += usize::from(ok);
    }
    check(
        out,
        if fine == repos.len() {
            Status::Pass
        } else {
            Status::Fail
        },
        format!(
            "gitolite: {fine} of {} repositories under {} run hubgate's hooks",
            repos.len(),
            site.repo_base.display()
        ),
    );
}
