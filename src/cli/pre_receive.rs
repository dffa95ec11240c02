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
    let mut text = String::new();
    let code = match evaluate(env, policies) {
        Ok((findings, refs)) => {
            text.push_str(&crate::report::text(&findings, refs > 1));
            super::exit_for(&findings)
        }
        Err(e) => {
            text.push_str(&format!("hubgate: internal error: {e:#}\n"));
            if env.fail_open {
                text.push_str(
                    "hubgate: the push was accepted unchecked (HUBGATE_ON_ERROR=accept); tell an administrator.\n",
                );
                ExitCode::SUCCESS
            } else {
                text.push_str(
                    "hubgate: the push was refused because the gate could not check it (fail closed); tell an administrator.\n",
                );
                ExitCode::from(2)
            }
        }
    };
    let _ = std::io::stdout()
        .lock()
        .write_all(super::for_forge(env, &text).as_bytes());
    code
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
    if env.internal_push && applied.policies.iter().all(|p| p.skip_internal_pushes) {
        tracing::debug!("internal Gitea push; every policy skips those");
        return Ok((Vec::new(), updates.len()));
    }
    let repo = Repo::open(&git_dir, &env.quarantine)?;
    let findings = gate::check(&repo, &applied, &updates, gate::Scan::Push)?;
    let findings = crate::policy::overrides::apply(findings, &applied, env.pusher.as_deref(), env.override_reason());
    Ok((findings, updates.len()))
}
