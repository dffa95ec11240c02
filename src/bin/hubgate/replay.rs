//! `hubgate discussions replay`: records the pushes post-receive kept (its journal), or one push
//! whose ref lines an administrator copied from the log when not even the journal could be
//! written.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use hubgate::config::Config;
use hubgate::discussion::journal::{Journal, Kept};
use hubgate::discussion::record::record;
use hubgate::env::Env;
use hubgate::push::Push;

/// What a replay needs besides the repository: the environment (for the repository's name) and
/// the administrator's files.
pub(super) struct Ctx<'a> {
    /// The process environment.
    pub env: &'a Env,
    /// `--policies`.
    pub policies: Option<&'a Path>,
    /// `--config`.
    pub config: Option<&'a Path>,
}

/// `who` is the pusher and the push's identity given with `--stdin`.
pub(super) fn run(
    repo: &Path,
    stdin: bool,
    who: (Option<String>, Option<String>),
    dry_run: bool,
    ctx: &Ctx<'_>,
) -> Result<ExitCode> {
    let (pusher, push_id) = who;
    let git_dir = std::path::absolute(repo).unwrap_or_else(|_| repo.to_owned());
    let config = Config::load(ctx.config)?;
    let all = super::load_policies(ctx.policies)?;
    let mut out = std::io::stdout().lock();
    let env = Env {
        git_dir: Some(git_dir.clone()),
        ..ctx.env.clone()
    };
    if stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
        let lines: String = text
            .lines()
            .map(|l| l.trim_start().strip_prefix("hubgate-lost: ").unwrap_or(l))
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        let updates = hubgate::push::input::parse(lines.as_bytes())?;
        let mut push = Push::new(&env, updates);
        push.pusher = pusher;
        if let Some(id) = push_id {
            push.id = id;
        }
        let deadline = admin_deadline(&config);
        for line in record(&push, &all, &config, deadline)? {
            writeln!(out, "{line}")?;
        }
        for line in hubgate::forge::deliver::deliver(&push, &config, deadline) {
            writeln!(out, "{line}")?;
        }
        writeln!(out, "replayed push {} ({} refs)", push.id, push.updates.len())?;
        return Ok(ExitCode::SUCCESS);
    }
    let journal = Journal::of(&git_dir, &env.repo_name(&git_dir));
    let mut last = None;
    let mut failed = 0;
    let mut count = 0;
    for kept in journal.kept_with(true) {
        match kept {
            Kept::Damaged(path, why) => {
                failed += 1;
                writeln!(out, "unreadable: {} {why}", path.display())?;
            }
            Kept::Push(push, held) => {
                count += 1;
                let who = push.pusher.as_deref().unwrap_or("(unknown)");
                let when = hubgate::time::rfc3339(push.time);
                writeln!(out, "kept: {} by {who} at {when}, {} refs", push.id, push.updates.len())?;
                if dry_run {
                    continue;
                }
                match record(&push, &all, &config, admin_deadline(&config)) {
                    Ok(lines) => {
                        for line in lines {
                            writeln!(out, "  {line}")?;
                        }
                        journal.remove(held)?;
                        writeln!(out, "  recorded")?;
                        last = Some(push);
                    }
                    Err(e) => {
                        failed += 1;
                        writeln!(out, "  still not recorded: {e:#}")?;
                    }
                }
            }
        }
    }
    // One delivery to the forge for everything recorded (the outbox reconciles with the store).
    if let Some(push) = last {
        for line in hubgate::forge::deliver::deliver(&push, &config, admin_deadline(&config)) {
            writeln!(out, "{line}")?;
        }
    }
    if count == 0 && failed == 0 {
        writeln!(out, "nothing kept: every push is recorded")?;
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// An administrator's replay may wait longer than a push: at least 30 s per kept push.
fn admin_deadline(config: &Config) -> std::time::Instant {
    std::time::Instant::now() + std::time::Duration::from_millis(config.discussions.timeout_ms.max(30_000))
}
