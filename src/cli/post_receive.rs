//! `hubgate post-receive`: after an accepted push, records risk-relevant metadata changes as
//! discussion entries in the repository and delivers them to the forge.
//!
//! It cannot undo the push, so it never fails it: problems are printed for the pusher and the
//! entries that could not be delivered stay in the outbox. It finishes within the configured time
//! (default 5 s) whatever the forge does: requests share one deadline, and what is left over waits
//! in the outbox for the next push or `hubgate outbox flush`.
//!
//! Its input is read whole up to the same bound as pre-receive's (`HUBGATE_MAX_INPUT`): past it
//! nothing is recorded, and it says so loudly to the pusher and in the server's log (stderr),
//! rather than record a part of the push as if it were all of it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::discussion::journal::{Journal, Kept};
use crate::discussion::record::record;
use crate::hook::push::Push;
use crate::hook::{env::Env, input};

pub(super) fn run(env: &Env, policies: Option<&Path>, config: Option<&Path>) -> ExitCode {
    // One deadline for everything below: replays, the store's lock wait, forge requests.
    let started = Instant::now();
    let mut out = std::io::stdout().lock();
    let read = match &env.max_input.0 {
        Ok(bound) => input::read(std::io::stdin().lock(), *bound).map_err(|e| e.to_string()),
        Err(e) => Err(e.clone()),
    };
    let stdin = match read {
        Ok(stdin) => stdin,
        Err(e) => {
            let msg = format!(
                "hubgate: WARNING: post-receive did not record this push's metadata changes: {e}.\n\
                 hubgate: the push was accepted, but its discussion entries are missing; tell an administrator.\n"
            );
            let _ = out.write_all(super::for_forge(env, &msg).as_bytes());
            let _ = std::io::stderr().lock().write_all(msg.as_bytes());
            return ExitCode::from(2);
        }
    };
    let updates = match input::parse(&stdin) {
        Ok(u) => u,
        Err(e) => {
            say_once(&mut out, env, &format!("hubgate: post-receive: {e}"));
            return ExitCode::from(2);
        }
    };
    if updates.is_empty() {
        return ExitCode::SUCCESS;
    }
    let push = Push::new(env, updates);
    let journal = Journal::of(&push.git_dir, &push.repo);
    let say = |out: &mut std::io::StdoutLock<'_>, text: &str| {
        let _ = out.write_all(super::for_forge(env, &format!("{text}\n")).as_bytes());
    };
    // Write-ahead: before any other work, the push is stored durably.
    let held = match journal.write(&push) {
        Ok(held) => Some(held),
        Err(e) => {
            lost(
                &push,
                &stdin,
                &crate::report::inert::paths(&format!("{e:#}"), &push.git_dir),
            );
            say(
                &mut out,
                "hubgate: WARNING: this push could not be kept for recording (the journal could not be written); \
                 its ref lines went to the server's log so that an administrator can replay them.",
            );
            None
        }
    };
    // The administrator's files, read once; a broken one keeps every push for later.
    let loaded = Config::load(config).and_then(|c| Ok((c, super::load_policies(policies)?)));
    let budget = loaded
        .as_ref()
        .map(|(c, _)| Duration::from_millis(c.discussions.timeout_ms))
        .unwrap_or(Duration::from_secs(5));
    let deadline = started + budget;
    let recorder = |p: &Push| -> anyhow::Result<Vec<String>> {
        match &loaded {
            Ok((config, all)) => record(p, all, config, deadline),
            Err(e) => Err(anyhow::anyhow!("{e:#}")),
        }
    };
    // Pushes kept earlier (crash, full disk, lock, forge) are recorded first, each with its own
    // pusher, options and time, in the first half of the deadline; what is left waits for the
    // next push, and this push's own recording keeps the rest.
    for kept in journal.kept() {
        match kept {
            Kept::Damaged(path, why) => {
                let shown = Journal::shown(&path);
                let aside = journal
                    .set_aside(&path)
                    .map(|p| Journal::shown(&p))
                    .unwrap_or(shown.clone());
                say(
                    &mut out,
                    &format!(
                        "hubgate: WARNING: a kept push cannot be read back: {shown} {why}; kept as {aside} for an administrator"
                    ),
                );
            }
            Kept::Push(earlier, held) => {
                if started.elapsed() >= budget / 2 {
                    say(
                        &mut out,
                        "hubgate: earlier pushes still wait to be recorded (out of time); the next push records them",
                    );
                    break;
                }
                match recorder(&earlier) {
                    Ok(lines) => {
                        for line in lines {
                            say(&mut out, &line);
                        }
                        let _ = journal.remove(held);
                    }
                    Err(e) => say(
                        &mut out,
                        &format!(
                            "hubgate: an earlier push is still not recorded ({}); it stays in {}",
                            crate::report::inert::paths(&first_line(&e), &push.git_dir),
                            Journal::shown(&held.path)
                        ),
                    ),
                }
            }
        }
    }
    match recorder(&push) {
        Ok(lines) => {
            for line in lines {
                say(&mut out, &line);
            }
            if let Some(held) = held {
                let _ = journal.remove(held);
            }
        }
        Err(e) => {
            say(
                &mut out,
                &format!(
                    "hubgate: post-receive could not record this push's metadata changes: {}",
                    crate::report::inert::paths(&first_line(&e), &push.git_dir)
                ),
            );
            tracing::warn!(error = %format!("{e:#}"), push = %push.id, "post-receive could not record a push");
            match held {
                Some(held) => say(
                    &mut out,
                    &format!(
                        "hubgate: the push was accepted; it will be recorded by the next push (kept in {}; an administrator can run `hubgate discussions replay`).",
                        Journal::shown(&held.path)
                    ),
                ),
                None => say(
                    &mut out,
                    "hubgate: the push was accepted but could not be kept for later; tell an administrator (its ref lines are in the server's log).",
                ),
            }
        }
    }
    ExitCode::SUCCESS
}

/// The first line of an error chain, without file system paths a pusher should not see.
fn first_line(e: &anyhow::Error) -> String {
    e.to_string().lines().next().unwrap_or("").to_owned()
}

/// The last resort when not even the journal can be written: the raw push goes to stderr (the
/// server's log of the hook) and to syslog when the system has one, for an administrator to
/// replay with `hubgate discussions replay --stdin`.
fn lost(push: &Push, stdin: &[u8], why: &str) {
    let text = String::from_utf8_lossy(stdin);
    let mut msg = format!(
        "hubgate: post-receive could not keep push {} of {} by {} ({why}); its ref lines follow, replay them with `hubgate discussions --repo <repo> replay --stdin`:\n",
        push.id,
        push.repo,
        push.pusher.as_deref().unwrap_or("(unknown)")
    );
    for line in text.lines() {
        msg.push_str("hubgate-lost: ");
        msg.push_str(line);
        msg.push('\n');
    }
    let _ = std::io::stderr().lock().write_all(msg.as_bytes());
    crate::discussion::syslog::send(&msg);
}

/// One line for the pusher, through the forge's framing and the terminal filter.
fn say_once(out: &mut std::io::StdoutLock<'_>, env: &Env, text: &str) {
    let _ = out.write_all(super::for_forge(env, &format!("{text}\n")).as_bytes());
}
