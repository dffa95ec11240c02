//! `hubgate install` and `hubgate doctor`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::install::{self, Layout, doctor};

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
    let bin = match args.bin {
        Some(b) => absolute(&b)?,
        None => std::env::current_exe().context("cannot find the hubgate binary")?,
    };
    let cmd = install::Command {
        bin,
        policies: policies.map(absolute).transpose()?,
        config: config.map(absolute).transpose()?,
        repo_root: None,
        chained_dir: None,
    };
    let layout = args.server.layout();
    let actions = match &args.server.gitolite {
        Some(home) => install::gitolite::plan(home, &cmd, args.uninstall)?,
        None => install::plan(layout, &args.paths, &cmd, args.uninstall)?,
    };
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
    } else if !args.uninstall {
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

/// Prints the name policies will match for each repository, so a wrong root shows before a push.
fn names(out: &mut dyn Write, layout: Layout, paths: &[PathBuf]) -> Result<()> {
    if layout == Layout::GitLab {
        return writeln!(
            out,
            "note: GitLab names each project (GL_PROJECT_PATH); policies match that name."
        )
        .map_err(Into::into);
    }
    for (repo, root) in install::targets_with_roots(layout, paths)? {
        let name = crate::repo::name::derive(&repo, root.as_deref());
        let how = match (layout, &root) {
            (Layout::Gitea, _) => "by path; on the forge, its owner/name (compared ignoring case)".to_owned(),
            (_, Some(root)) => format!("path under {}", root.display()),
            (_, None) => "its last two path components: install on the root to name nested repositories".to_owned(),
        };
        writeln!(out, "name: {} is \"{name}\" ({how})", repo.display())?;
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
