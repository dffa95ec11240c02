//! `hubgate check`: the pre-receive evaluation on a repository, writing nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use gix::ObjectId;

use super::Format;
use hubgate::env::Env;
use hubgate::hook::gate;
use hubgate::hub::RepoType;
use hubgate::repo::update::Update;
use hubgate::repo::{Quarantine, Repo, name};

/// Arguments of `check`.
#[derive(clap::Args)]
pub(super) struct Args {
    /// The repository (bare or not).
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// A ref to check (repeatable); default every branch.
    #[arg(long = "ref", value_name = "REF")]
    refs: Vec<String>,
    /// With --new and one --ref: the ref's value before the update.
    #[arg(long, requires = "new")]
    old: Option<String>,
    /// With one --ref: the ref's value after the update (checked as pushed).
    #[arg(long)]
    new: Option<String>,
    /// The repository's `owner/name` for policy matching (default: from its path).
    #[arg(long)]
    name: Option<String>,
    /// Override the repository type the policies give.
    #[arg(long)]
    repo_type: Option<super::RepoKind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn run(args: Args, env: &Env, policies: Option<&Path>) -> Result<ExitCode> {
    let all = super::load_policies(policies)?;
    let repo_name = args
        .name
        .clone()
        .unwrap_or_else(|| name::derive(&args.repo, env.repo_root.as_deref()));
    let applied = hubgate::policy::select(&all, &name::Name::exact(repo_name), args.repo_type.map(RepoType::from))
        .map_err(anyhow::Error::msg)?;
    let repo = Repo::open(&args.repo, &Quarantine::default())?;
    let parse_id = |s: &str| -> Result<ObjectId> {
        ObjectId::from_hex(s.as_bytes()).with_context(|| format!("not an object id: {s}"))
    };
    let updates = if let Some(new) = &args.new {
        let [refname] = args.refs.as_slice() else {
            bail!("--new needs exactly one --ref")
        };
        let full = full_ref(refname);
        vec![Update {
            old: args.old.as_deref().map(parse_id).transpose()?,
            new: Some(parse_id(new)?),
            refname: full,
        }]
    } else if args.refs.is_empty() {
        repo.branches()?
            .into_iter()
            .map(|(refname, id)| Update {
                old: None,
                new: Some(id),
                refname,
            })
            .collect()
    } else {
        args.refs
            .iter()
            .map(|r| {
                Ok(Update {
                    old: None,
                    new: Some(repo.resolve(r)?),
                    refname: full_ref(r),
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    let scan = if args.new.is_some() {
        gate::Scan::Range
    } else {
        gate::Scan::Tip
    };
    let findings = gate::check(&repo, &applied, &updates, scan, env.replace_ref_base.as_deref())?;
    super::print(&findings, args.format, updates.len() > 1)?;
    Ok(super::exit_for(&findings))
}

/// `main` -> `refs/heads/main`; full names are kept.
fn full_ref(name: &str) -> String {
    if name.starts_with("refs/") {
        name.to_owned()
    } else {
        format!("refs/heads/{name}")
    }
}
