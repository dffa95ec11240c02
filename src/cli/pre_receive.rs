//! `hubgate pre-receive`: the hook.
//!
//! Fail closed: when the gate cannot check a push (unreadable input or policy, missing object,
//! internal fault) it refuses the push and says so, because an administrator relies on nothing
//! getting past a policy. `HUBGATE_ON_ERROR=accept` lets such pushes through with a warning,
//! for administrators who prefer availability.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::hook::{env::Env, gate, input};
use crate::repo::Repo;

/// The most stdin hubgate reads: far above 100,000 ref lines.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

pub(super) fn run(env: &Env, policies: Option<&Path>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match evaluate(env, policies) {
        Ok((findings, refs)) => {
            let _ = out.write_all(crate::report::text(&findings, refs > 1).as_bytes());
            super::exit_for(&findings)
        }
        Err(e) => {
            let _ = writeln!(out, "hubgate: internal error: {e:#}");
            if env.fail_open {
                let _ = writeln!(
                    out,
                    "hubgate: the push was accepted unchecked (HUBGATE_ON_ERROR=accept); tell an administrator."
                );
                ExitCode::SUCCESS
            } else {
                let _ = writeln!(
                    out,
                    "hubgate: the push was refused because the gate could not check it (fail closed); tell an administrator."
                );
                ExitCode::from(2)
            }
        }
    }
}

/// The findings of the push and the number of refs it updates.
fn evaluate(env: &Env, policies: Option<&Path>) -> Result<(Vec<crate::verdict::Finding>, usize)> {
    let mut stdin = Vec::new();
    std::io::stdin()
        .take(MAX_INPUT)
        .read_to_end(&mut stdin)
        .context("cannot read the push from git")?;
    let updates = input::parse(&stdin).context("cannot read the push from git")?;
    let all = super::load_policies(policies)?;
    let git_dir = env.git_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let repo_name = env.repo_name(&git_dir);
    let applied = crate::policy::select(&all, &repo_name, None).map_err(anyhow::Error::msg)?;
    tracing::debug!(repo = %repo_name, policies = applied.policies.len(), refs = updates.len(), "pre-receive");
    let repo = Repo::open(&git_dir, &env.quarantine)?;
    Ok((gate::check(&repo, &applied, &updates)?, updates.len()))
}
