//! `hubgate lint`: card files on disk, with the same card and policy rules as a push.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Format;
use hubgate::card::Card;
use hubgate::hub::RepoType;
use hubgate::policy::{Subject, evaluate};

/// Arguments of `lint`.
#[derive(clap::Args)]
pub(super) struct Args {
    /// The repository's `owner/name` for policy matching (default: the last two components of
    /// the current directory).
    #[arg(long = "repo", value_name = "NAME")]
    name: Option<String>,
    /// Override the repository type the policies give.
    #[arg(long)]
    repo_type: Option<super::RepoKind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Card files (default ./README.md).
    files: Vec<PathBuf>,
}

pub(super) fn run(args: Args, policies: Option<&Path>) -> Result<ExitCode> {
    let all = super::load_policies(policies)?;
    let name = match args.name {
        Some(n) => n,
        None => hubgate::repo::name::derive(&hubgate::env::current_dir()?, None),
    };
    let applied = hubgate::policy::select(
        &all,
        &hubgate::repo::name::Name::exact(name),
        args.repo_type.map(RepoType::from),
    )
    .map_err(anyhow::Error::msg)?;
    let files = if args.files.is_empty() {
        vec![PathBuf::from("README.md")]
    } else {
        args.files
    };
    let mut findings = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let card = Card::from_bytes(bytes);
        let shown = file.display().to_string();
        let subject = Subject {
            refname: None,
            file: &shown,
            card: Some(&card),
            old_tags: None,
        };
        findings.extend(evaluate(&applied, &subject));
    }
    super::print(&findings, args.format, files.len() > 1)?;
    Ok(super::exit_for(&findings))
}
