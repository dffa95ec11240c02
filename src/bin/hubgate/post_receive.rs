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

use std::time::Instant;

use hubgate::config::Config;
use hubgate::env::Env;
use hubgate::hook::post_receive::post_receive;
use hubgate::push::Push;
use hubgate::push::input;

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
            // stdout for the pusher, stderr for servers that log a hook's stderr (Gitea, GitLab),
            // and syslog.
            let _ = out.write_all(super::for_forge(env, &msg).as_bytes());
            let _ = std::io::stderr().lock().write_all(msg.as_bytes());
            hubgate::discussion::syslog::send(&msg);
            return ExitCode::from(2);
        }
    };
    let updates = match input::parse(&stdin) {
        Ok(u) => u,
        Err(e) => {
            say_once(
                &mut out,
                env,
                &format!(
                    "hubgate: post-receive could not read the push ({e}); the push was accepted, but nothing was recorded: tell an administrator"
                ),
            );
            return ExitCode::from(2);
        }
    };
    if updates.is_empty() {
        return ExitCode::SUCCESS;
    }
    let push = Push::new(env, updates);
    // The administrator's files, read once; a broken one keeps every push for later.
    let loaded = Config::load(config)
        .map_err(|e| anyhow::anyhow!("invalid server configuration (nothing is recorded until it is fixed):\n{e}"))
        .and_then(|c| Ok((c, super::load_policies(policies)?)));
    let outcome = post_receive(&push, &stdin, &loaded, started);
    // The server's log; the pusher already has these lines among `lines`.
    if let Some(log) = &outcome.log {
        hubgate::discussion::syslog::send(log);
    }
    for line in &outcome.lines {
        say_once(&mut out, env, line);
    }
    ExitCode::SUCCESS
}

/// One line for the pusher, through the forge's framing and the terminal filter.
fn say_once(out: &mut std::io::StdoutLock<'_>, env: &Env, text: &str) {
    let _ = out.write_all(super::for_forge(env, &format!("{text}\n")).as_bytes());
}
