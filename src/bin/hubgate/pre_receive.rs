//! `hubgate pre-receive`: the hook.
//!
//! Fail closed: when the gate cannot check a push (unreadable input or policy, missing object,
//! internal fault) it refuses the push and says so, because an administrator relies on nothing
//! getting past a policy. `HUBGATE_ON_ERROR=accept` lets such pushes through with a warning,
//! for administrators who prefer availability.
//!
//! The hook input is read whole, up to a bound (`HUBGATE_MAX_INPUT`, default 256 MiB): past it
//! the push is refused whatever `HUBGATE_ON_ERROR` says, because its size is the pusher's choice
//! (many refs, long names) and a gate that accepted or cut such input would let a push through
//! unchecked.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use hubgate::env::Env;
use hubgate::push::Push;
use hubgate::push::input;

pub(super) fn run(env: &Env, policies: Option<&Path>) -> ExitCode {
    let mut text = String::new();
    let stdin = match read_input(env) {
        Ok(stdin) => Ok(stdin),
        Err(Unread::OverBound(refusal)) => {
            let _ = std::io::stdout()
                .lock()
                .write_all(super::for_forge(env, &refusal).as_bytes());
            return ExitCode::from(2);
        }
        Err(Unread::Failed(e)) => Err(e),
    };
    let code = match stdin.and_then(|stdin| evaluate(env, policies, &stdin)) {
        Ok((findings, refs)) => {
            text.push_str(&hubgate::report::text::render(&findings, refs > 1));
            super::exit_for(&findings)
        }
        Err(e) => {
            // The full chain (with server paths) goes to the log only; the pusher reads it with
            // every absolute path made repository-relative or cut to its file name.
            tracing::error!(error = format!("{e:#}"), "pre-receive could not check the push");
            let git_dir = env.git_dir.clone().unwrap_or_else(|| PathBuf::from("."));
            let shown = hubgate::report::inert::paths(&format!("{e:#}"), &git_dir);
            text.push_str(&format!("hubgate: internal error: {shown}\n"));
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

/// Why the hook input was not taken.
enum Unread {
    /// Over the bound, or the bound is unusable: the refusal to print (fail-open does not apply).
    OverBound(String),
    /// stdin failed: an ordinary internal error.
    Failed(anyhow::Error),
}

/// The whole hook input, up to the bound in force.
fn read_input(env: &Env) -> Result<Vec<u8>, Unread> {
    let bound = match &env.max_input.0 {
        Ok(bound) => *bound,
        Err(e) => {
            // An administrator's mistake, not the pusher's: drain git's pipe and say so.
            tracing::error!(error = %e, "HUBGATE_MAX_INPUT is unusable");
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            return Err(Unread::OverBound(format!(
                "hubgate: the push was refused unchecked: {e}.\n\
                 hubgate: the server's hook is misconfigured; tell an administrator.\n"
            )));
        }
    };
    input::read(std::io::stdin().lock(), bound).map_err(|e| match e {
        input::ReadError::Io(e) => Unread::Failed(anyhow::Error::new(e).context("cannot read the push from git")),
        e @ input::ReadError::TooLarge { .. } => {
            tracing::warn!(error = %e, "hook input over the bound");
            Unread::OverBound(format!(
                "hubgate: the push was refused unchecked: {e}.\n\
                 hubgate: push fewer refs at a time, or ask an administrator.\n"
            ))
        }
    })
}

/// The findings of the push and the number of refs it updates.
fn evaluate(env: &Env, policies: Option<&Path>, stdin: &[u8]) -> Result<(Vec<hubgate::verdict::Finding>, usize)> {
    let updates = input::parse(stdin).context("cannot read the push from git")?;
    let all = super::load_policies(policies)?;
    let push = Push::new(env, updates);
    let findings = hubgate::hook::pre_receive(&push, &all)?;
    Ok((findings, push.updates.len()))
}
