//! Repositories a forge creates after `hubgate install --gitea`: a git template folder holding
//! `hooks/pre-receive.d/hubgate` and `hooks/post-receive.d/hubgate`, named by `init.templateDir`
//! in the git configuration that the forge's own git commands read.
//!
//! Why this reaches new repositories and stays there (go-gitea/gitea source):
//! - Gitea makes a repository's folder with git itself: `git init --bare` for a new repository
//!   (`modules/git/repo.go` `InitRepository`, no `--template`), `git clone --bare` for a fork
//!   (`services/repository/fork.go`), `git clone --mirror` for a migration
//!   (`services/repository/migrate.go`). git copies the template folder into each.
//! - Every git command Gitea runs gets `HOME=<[git] HOME_PATH>` (default `<APP_DATA_PATH>/home`)
//!   and, since 1.24, `GIT_CONFIG_NOSYSTEM=1` (`modules/git/command.go` `commonBaseEnvs`): the
//!   setting belongs in `<HOME_PATH>/.gitconfig`, the file Gitea fills at each start from
//!   app.ini's `[git.config]` section and its own keys, never removing others
//!   (`modules/git/config.go`, earlier `modules/git/git.go`, `syncGitConfig`).
//! - Gitea writes its hooks after git made the folder (`CreateDelegateHooks`, also what
//!   `gitea admin regenerate hooks` runs for every repository): it removes and rewrites
//!   `hooks/<hook>` and `hooks/<hook>.d/gitea` only, creating the `.d` folder when missing, so
//!   the template's `hubgate` entries stay (`modules/gitrepo/hooks.go` `createDelegateHooks`).
//!
//! The folder holds hubgate's entries only, so new repositories no longer get git's sample hooks,
//! `description` or `info/exclude`: the forge needs none of them (recent Forgejo makes its
//! repositories with no template at all).
//!
//! Not reached: adopted repositories (their folder exists already, no git runs) and Forgejo
//! versions whose `git init` passes `--template ""`; `hubgate install --gitea` over the
//! repository root covers those, as it covers the repositories that existed before.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Action, D_NAME, HOOKS, Layout, wrapper};

/// The git setting that names the template folder.
pub const TEMPLATE_KEY: &str = "init.templateDir";

/// Plans the template folder `dir` for `layout`, with the same scripts `hubgate install` writes
/// into each repository (so a later install over the repositories finds them already installed):
/// for Gitea and Forgejo `dir/hooks/<hook>.d/hubgate`; for plain git `dir/hooks/<hook>` and, in
/// `dir/config` (which `git init` copies), the settings a plain install makes ([`SETTINGS`]).
/// A file hubgate did not write is never overwritten. GitLab needs none: it runs its server-wide
/// hooks folder for new projects too.
///
/// [`SETTINGS`]: super::SETTINGS
pub fn plan_template(dir: &Path, layout: Layout, cmd: &wrapper::Command) -> Result<Vec<Action>> {
    if layout == Layout::GitLab {
        bail!("GitLab runs its server-wide custom_hooks_dir for every project, new ones too: no template is needed");
    }
    if !dir.is_absolute() {
        bail!(
            "the template folder must be an absolute path (git reads it from the forge's working directory): {}",
            dir.display()
        );
    }
    let mut actions = Vec::new();
    for (kind, file) in template_files(dir, layout) {
        let content = wrapper::script(cmd, kind, false);
        match std::fs::read(&file)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
        {
            None => actions.push(Action::Write { path: file, content }),
            Some(text) if text == content => actions.push(Action::Keep {
                path: file,
                why: "already installed".into(),
            }),
            Some(text) if wrapper::is_ours(&text) => actions.push(Action::Write { path: file, content }),
            Some(_) => bail!(
                "{} exists and was not written by hubgate; not overwriting it",
                file.display()
            ),
        }
    }
    if layout == Layout::Plain {
        super::plan_settings(&dir.join("config"), false, &mut actions);
    }
    Ok(actions)
}

/// Plans removing what [`plan_template`] wrote in `dir`, and each `.d` folder left empty.
/// Repositories created meanwhile keep their copies: `hubgate install --gitea --uninstall` over
/// the repository root removes those.
pub fn plan_template_removal(dir: &Path, layout: Layout) -> Vec<Action> {
    let mut actions = Vec::new();
    for (_, file) in template_files(dir, layout) {
        match std::fs::read_to_string(&file) {
            Ok(text) if wrapper::is_ours(&text) => {
                actions.push(Action::Remove { path: file.clone() });
                if let Some(d) = file.parent().filter(|_| layout != Layout::Plain) {
                    let others = std::fs::read_dir(d)
                        .map(|rd| rd.filter_map(Result::ok).filter(|e| e.path() != file).count())
                        .unwrap_or(1);
                    if others == 0 {
                        actions.push(Action::RemoveDir { path: d.to_owned() });
                    }
                }
            }
            Ok(_) => actions.push(Action::Keep {
                path: file,
                why: "not written by hubgate; left alone".into(),
            }),
            Err(_) => actions.push(Action::Keep {
                path: file,
                why: "not installed".into(),
            }),
        }
    }
    if layout == Layout::Plain {
        super::plan_settings(&dir.join("config"), true, &mut actions);
    }
    actions
}

/// The template's hook files.
fn template_files(dir: &Path, layout: Layout) -> Vec<(&'static str, PathBuf)> {
    HOOKS
        .iter()
        .map(|kind| match layout {
            Layout::Plain => (*kind, dir.join("hooks").join(kind)),
            _ => (*kind, dir.join("hooks").join(format!("{kind}.d")).join(D_NAME)),
        })
        .collect()
}

/// The git configuration file the forge's git commands read as global: `<HOME_PATH>/.gitconfig`
/// for Gitea's `[git] HOME_PATH` (default `<APP_DATA_PATH>/home`).
pub fn forge_gitconfig(git_home: &Path) -> PathBuf {
    git_home.join(".gitconfig")
}

/// What a git configuration file says of `init.templateDir`, against the folder we want.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateDir {
    /// Not set: the forge's repositories get git's default template.
    Unset,
    /// Set to our folder.
    Ours,
    /// Set to another folder (the administrator's): left alone.
    Other(String),
}

/// Reads `init.templateDir` from the configuration file `gitconfig`.
pub fn template_dir_setting(gitconfig: &Path, dir: &Path) -> TemplateDir {
    let value = super::gitconfig::get(gitconfig, TEMPLATE_KEY);
    match value {
        None => TemplateDir::Unset,
        Some(v) if Path::new(&v) == dir => TemplateDir::Ours,
        Some(v) => TemplateDir::Other(v),
    }
}

/// Plans `init.templateDir = dir` in `gitconfig` (see [`forge_gitconfig`]), or with
/// `uninstall` its removal when it names `dir`. Another template folder already named there is
/// the administrator's: an error on install (never replaced), left alone on uninstall.
pub fn plan_template_setting(gitconfig: &Path, dir: &Path, uninstall: bool) -> Result<Vec<Action>> {
    let value = dir
        .to_str()
        .with_context(|| format!("the template folder must be a UTF-8 path: {}", dir.display()))?;
    if !dir.is_absolute() {
        bail!("the template folder must be an absolute path: {}", dir.display());
    }
    let set = template_dir_setting(gitconfig, dir);
    Ok(match (set, uninstall) {
        (TemplateDir::Ours, false) => vec![Action::Keep {
            path: gitconfig.to_owned(),
            why: format!("{TEMPLATE_KEY} already names {value}"),
        }],
        (TemplateDir::Other(v), false) => bail!(
            "{} already sets {TEMPLATE_KEY} = {v}; copy the hooks from {value} into that folder instead",
            gitconfig.display()
        ),
        (TemplateDir::Unset, false) => vec![Action::SetConfig {
            file: gitconfig.to_owned(),
            key: TEMPLATE_KEY.into(),
            value: value.into(),
        }],
        (TemplateDir::Ours, true) => vec![Action::UnsetConfig {
            file: gitconfig.to_owned(),
            key: TEMPLATE_KEY.into(),
        }],
        (_, true) => Vec::new(),
    })
}

/// The same setting as app.ini lines, for administrators who keep Gitea's git settings there
/// (Gitea copies `[git.config]` into `<HOME_PATH>/.gitconfig` at each start).
pub fn app_ini_lines(dir: &Path) -> String {
    format!("[git.config]\n{TEMPLATE_KEY} = {}\n", dir.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd() -> wrapper::Command {
        wrapper::Command {
            bin: PathBuf::from("/usr/local/bin/hubgate"),
            ..Default::default()
        }
    }

    #[test]
    fn plans_both_entries_then_keeps_them() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("template");
        let plan = plan_template(&dir, Layout::Gitea, &cmd()).expect("plan");
        assert_eq!(plan.len(), 2);
        assert!(plan.iter().all(|a| matches!(a, Action::Write { .. })));
        crate::install::apply(&plan).expect("apply");
        let again = plan_template(&dir, Layout::Gitea, &cmd()).expect("plan");
        assert!(again.iter().all(|a| matches!(a, Action::Keep { .. })), "{again:?}");
        let removal = plan_template_removal(&dir, Layout::Gitea);
        crate::install::apply(&removal).expect("remove");
        assert!(!dir.join("hooks/pre-receive.d").exists() && dir.join("hooks").is_dir());
    }

    #[test]
    fn refuses_foreign_files_other_layouts_and_relative_folders() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join("hooks/pre-receive.d/hubgate");
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, "#!/bin/sh\nexit 0\n").expect("write");
        assert!(plan_template(tmp.path(), Layout::Gitea, &cmd()).is_err());
        assert!(plan_template(tmp.path(), Layout::GitLab, &cmd()).is_err());
        assert!(plan_template(Path::new("template"), Layout::Gitea, &cmd()).is_err());
    }

    #[test]
    fn plain_templates_carry_the_hooks_and_the_settings() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("template");
        let plan = plan_template(&dir, Layout::Plain, &cmd()).expect("plan");
        crate::install::apply(&plan).expect("apply");
        assert!(dir.join("hooks/pre-receive").is_file() && dir.join("hooks/post-receive").is_file());
        let config = std::fs::read_to_string(dir.join("config")).expect("config");
        assert!(config.contains("advertisePushOptions = true") && config.contains("fsckObjects = true"));
        crate::install::apply(&plan_template_removal(&dir, Layout::Plain)).expect("remove");
        assert!(!dir.join("hooks/pre-receive").exists());
        let config = std::fs::read_to_string(dir.join("config")).unwrap_or_default();
        assert!(!config.contains("true"), "{config}");
    }

    #[test]
    fn sets_the_template_folder_once_and_never_replaces_anothers() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let config = forge_gitconfig(tmp.path());
        let ours = tmp.path().join("template");
        assert_eq!(template_dir_setting(&config, &ours), TemplateDir::Unset);
        let plan = plan_template_setting(&config, &ours, false).expect("plan");
        crate::install::apply(&plan).expect("set");
        let again = plan_template_setting(&config, &ours, false).expect("again");
        assert!(matches!(again[..], [Action::Keep { .. }]), "{again:?}");
        assert_eq!(template_dir_setting(&config, &ours), TemplateDir::Ours);
        let theirs = tmp.path().join("theirs");
        assert!(plan_template_setting(&config, &theirs, false).is_err());
        assert!(plan_template_setting(&config, Path::new("relative"), false).is_err());
        assert_eq!(
            template_dir_setting(&config, &theirs),
            TemplateDir::Other(ours.display().to_string())
        );
        assert!(app_ini_lines(&ours).starts_with("[git.config]\ninit.templateDir = /"));
        assert!(
            plan_template_setting(&config, &theirs, true)
                .expect("not ours")
                .is_empty()
        );
        crate::install::apply(&plan_template_setting(&config, &ours, true).expect("plan")).expect("unset");
        assert_eq!(template_dir_setting(&config, &ours), TemplateDir::Unset);
    }
}
