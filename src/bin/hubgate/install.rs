//! `hubgate install` and `hubgate doctor`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use hubgate::install::{self, Layout, doctor};

/// Which server's layout (default plain git).
#[derive(clap::Args)]
#[group(multiple = false)]
pub(super) struct Server {
    /// Gitea: `hooks/<hook>.d/hubgate` per repository (or the global `core.hooksPath`).
    #[arg(long)]
    gitea: bool,
    /// Forgejo: the same layout as Gitea.
    #[arg(long)]
    forgejo: bool,
    /// GitLab: `<custom_hooks_dir>/<hook>.d/hubgate`; PATH is the custom_hooks_dir.
    #[arg(long)]
    gitlab: bool,
    /// gitolite: hooks in `$LOCAL_CODE/hooks/common` of the gitolite home (default
    /// /var/lib/gitolite3), linked into every repository, new ones too; no PATH.
    #[arg(long, value_name = "GITOLITE_HOME", num_args = 0..=1, default_missing_value = install::gitolite::DEFAULT_HOME)]
    gitolite: Option<PathBuf>,
}

impl Server {
    fn layout(&self) -> Layout {
        if self.gitea || self.forgejo {
            Layout::Gitea
        } else if self.gitlab {
            Layout::GitLab
        } else {
            Layout::Plain
        }
    }
}

/// Arguments of `install`.
#[derive(clap::Args)]
pub(super) struct InstallArgs {
    #[command(flatten)]
    server: Server,
    /// Remove the hooks instead, restoring what was there before.
    #[arg(long)]
    uninstall: bool,
    /// Print what would be done, change nothing.
    #[arg(long)]
    dry_run: bool,
    /// The binary the hooks run (default: this one).
    #[arg(long, value_name = "FILE")]
    bin: Option<PathBuf>,
    /// Also write a git template folder at DIR holding the hooks (plain git: and the settings),
    /// which git copies into every repository it creates with that template: repositories made
    /// later are gated from their first push.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["gitlab", "gitolite"])]
    template: Option<PathBuf>,
    /// The home whose `.gitconfig` names the template (`init.templateDir`): Gitea's or Forgejo's
    /// `[git] HOME_PATH`, or on plain git the home of the user who creates repositories.
    #[arg(long, value_name = "DIR", requires = "template")]
    git_home: Option<PathBuf>,
    /// Bare repositories, or folders holding them (a server's repository root).
    #[arg(required_unless_present = "gitolite", conflicts_with = "gitolite")]
    paths: Vec<PathBuf>,
}

/// Arguments of `doctor`.
#[derive(clap::Args)]
pub(super) struct DoctorArgs {
    #[command(flatten)]
    server: Server,
    /// Bare repositories, or folders holding them.
    #[arg(required_unless_present = "gitolite", conflicts_with = "gitolite")]
    paths: Vec<PathBuf>,
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
}

pub(super) fn install(args: InstallArgs, policies: Option<&Path>, config: Option<&Path>) -> Result<ExitCode> {
    let bin = match &args.bin {
        Some(b) => absolute(b)?,
        None => hubgate::env::current_exe().context("cannot find the hubgate binary")?,
    };
    let cmd = install::Command {
        bin,
        policies: policies.map(absolute).transpose()?,
        config: config.map(absolute).transpose()?,
        repo_root: None,
        chained_dir: None,
    };
    let layout = args.server.layout();
    // A fresh server holds no repository yet: with --template, the template alone is fine.
    let empty = args.template.is_some() && args.paths.iter().all(|p| p.is_dir() && install::find_repos(p).is_err());
    let mut actions = match &args.server.gitolite {
        Some(home) => install::gitolite::plan(home, &cmd, args.uninstall)?,
        None if empty => Vec::new(),
        None => install::plan(layout, &args.paths, &cmd, args.uninstall)?,
    };
    if let Some(dir) = &args.template {
        actions.extend(template_actions(&args, layout, dir, &cmd)?);
    }
    let mut out = std::io::stdout().lock();
    let verb = if args.dry_run { "would " } else { "" };
    for a in &actions {
        writeln!(out, "{verb}{a}")?;
    }
    if args.server.gitolite.is_some() {
        if !args.uninstall {
            writeln!(
                out,
                "name: gitolite names each repository (GL_REPO) and its pusher (GL_USER); policies match those."
            )?;
        }
    } else if !args.uninstall && !empty {
        names(&mut out, layout, &args.paths)?;
    }
    if matches!(layout, Layout::Gitea) && !args.uninstall {
        writeln!(
            out,
            "note: Gitea and Forgejo set receive.advertisePushOptions=true themselves (needed for overrides)."
        )?;
    }
    if layout != Layout::Plain && !args.uninstall {
        writeln!(
            out,
            "note: the forge owns its repositories' configuration; `hubgate doctor` says whether receive.fsckObjects is on."
        )?;
    }
    if args.template.is_some() && args.server.forgejo && !args.uninstall {
        writeln!(
            out,
            "note: recent Forgejo creates new repositories with `git init --template \"\"`, which skips the template (forks and migrations still get it): run this install again over the repository root after creating repositories there."
        )?;
    }
    if let (Some(dir), None, false) = (&args.template, &args.git_home, args.uninstall) {
        let dir = absolute(dir)?;
        match layout {
            Layout::Gitea => writeln!(
                out,
                "note: Gitea and Forgejo use the template once their git home's .gitconfig names it: give --git-home <[git] HOME_PATH>, or add to app.ini and restart:\n{}",
                install::template::app_ini_lines(&dir).trim_end()
            )?,
            _ => writeln!(
                out,
                "note: git copies the template into repositories made with `git init --bare --template={0}`, or by a user whose git configuration sets init.templateDir={0} (give --git-home <that user's home>, or `git config --system init.templateDir {0}`)",
                dir.display()
            )?,
        }
    }
    if !args.dry_run {
        install::apply(&actions)?;
        let changed = actions
            .iter()
            .filter(|a| !matches!(a, install::Action::Keep { .. }))
            .count();
        writeln!(
            out,
            "{} change{} made; check with `hubgate doctor`.",
            changed,
            if changed == 1 { "" } else { "s" }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The template folder's actions, and its `init.templateDir` in `--git-home`.
fn template_actions(
    args: &InstallArgs,
    layout: Layout,
    dir: &Path,
    cmd: &install::Command,
) -> Result<Vec<install::Action>> {
    let dir = absolute(dir)?;
    let mut roots = args.paths.iter().map(|p| install::naming_root(layout, p));
    let root = roots.next().flatten();
    if roots.any(|r| r != root) {
        anyhow::bail!("--template takes one repository root (its wrappers name repositories under it)");
    }
    let cmd = install::Command {
        repo_root: root,
        ..cmd.clone()
    };
    let mut actions = if args.uninstall {
        install::template::plan_template_removal(&dir, layout)
    } else {
        install::template::plan_template(&dir, layout, &cmd)?
    };
    if let Some(home) = &args.git_home {
        let gitconfig = install::template::forge_gitconfig(&absolute(home)?);
        actions.extend(install::template::plan_template_setting(
            &gitconfig,
            &dir,
            args.uninstall,
        )?);
    }
    Ok(actions)
}

/// Prints the name policies will match for each repository, so a wrong root shows before a push,
/// and warns of a repository hubgate cannot read (reftable refs, SHA-256 ids).
fn names(out: &mut dyn Write, layout: Layout, paths: &[PathBuf]) -> Result<()> {
    if layout == Layout::GitLab {
        return writeln!(
            out,
            "note: GitLab names each project (GL_PROJECT_PATH); policies match that name."
        )
        .map_err(Into::into);
    }
    for (repo, root) in install::targets_with_roots(layout, paths)? {
        let name = hubgate::repo::name::derive(&repo, root.as_deref());
        let how = match (layout, &root) {
            (Layout::Gitea, _) => "by path; on the forge, its owner/name (compared ignoring case)".to_owned(),
            (_, Some(root)) => format!("path under {}", root.display()),
            (_, None) => "its last two path components: install on the root to name nested repositories".to_owned(),
        };
        writeln!(out, "name: {} is \"{name}\" ({how})", repo.display())?;
        // Installed all the same (the gate then refuses every push, as it must), but said now,
        // before a pusher meets it.
        if let Err(e) = hubgate::repo::format::object_hash(&repo) {
            writeln!(out, "warning: {}: every push will be refused: {e:#}", repo.display())?;
        }
    }
    Ok(())
}

pub(super) fn doctor(args: DoctorArgs) -> Result<ExitCode> {
    let checks = match &args.server.gitolite {
        Some(home) => install::gitolite_doctor::run(home),
        None => doctor::run(args.server.layout(), &args.paths),
    };
    let mut out = std::io::stdout().lock();
    for c in &checks {
        let tag = match c.status {
            doctor::Status::Pass => "PASS",
            doctor::Status::Warn => "WARN",
            doctor::Status::Fail => "FAIL",
        };
        writeln!(out, "{tag}  {}", c.what)?;
    }
    let failed = checks.iter().filter(|c| c.status == doctor::Status::Fail).count();
    writeln!(out, "{} checks, {failed} failed", checks.len())?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
