//! post-receive as a library pipeline: the push, already built, in; the lines for the pusher
//! out. Write-ahead first (the journal), then what earlier pushes kept, then this push, all within
//! one deadline (`timeout-ms`): replays, the store's lock wait and forge requests together.

use std::time::{Duration, Instant};

use super::journal::{Journal, Kept};
use super::record::record;
use crate::config::Config;
use crate::hook::push::Push;
use crate::policy::Policy;

/// What post-receive has to say.
pub struct Outcome {
    /// Lines for the pusher.
    pub lines: Vec<String>,
    /// When not even the journal could be written: the raw push, for the server's log
    /// (stderr and syslog), in `hubgate-lost:` lines an administrator can replay.
    pub lost: Option<String>,
}

/// Records `push` (whose hook input was `raw`) and what earlier pushes kept. `loaded` is the
/// server configuration and the policies, or why they could not be read (then every push is kept
/// for later); `started` is when the hook started, from which the deadline runs.
pub fn post_receive(
    push: &Push,
    raw: &[u8],
    loaded: &anyhow::Result<(Config, Vec<Policy>)>,
    started: Instant,
) -> Outcome {
    let journal = Journal::of(&push.git_dir, &push.repo);
    let mut lines: Vec<String> = Vec::new();
    let mut lost = None;
    // Write-ahead: before any other work, the push is stored durably.
    let held = match journal.write(push) {
        Ok(held) => Some(held),
        Err(e) => {
            lost = Some(lost_lines(
                push,
                raw,
                &crate::report::inert::paths(&format!("{e:#}"), &push.git_dir),
            ));
            say(
                &mut lines,
                "hubgate: WARNING: this push could not be kept for recording (the journal could not be written); \
                 its ref lines went to the server's log so that an administrator can replay them.",
            );
            None
        }
    };
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
                    &mut lines,
                    &format!(
                        "hubgate: WARNING: a kept push cannot be read back: {shown} {why}; kept as {aside} for an administrator"
                    ),
                );
            }
            Kept::Push(earlier, held) => {
                if started.elapsed() >= budget / 2 {
                    say(
                        &mut lines,
                        "hubgate: earlier pushes still wait to be recorded (out of time); the next push records them",
                    );
                    break;
                }
                match recorder(&earlier) {
                    Ok(said) => {
                        lines.extend(said);
                        let _ = journal.remove(held);
                    }
                    Err(e) => say(
                        &mut lines,
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
    match recorder(push) {
        Ok(said) => {
            lines.extend(said);
            if let Some(held) = held {
                let _ = journal.remove(held);
            }
        }
        Err(e) => {
            say(
                &mut lines,
                &format!(
                    "hubgate: post-receive could not record this push's metadata changes: {}",
                    crate::report::inert::paths(&first_line(&e), &push.git_dir)
                ),
            );
            tracing::warn!(error = %format!("{e:#}"), push = %push.id, "post-receive could not record a push");
            match held {
                Some(held) => say(
                    &mut lines,
                    &format!(
                        "hubgate: the push was accepted; it will be recorded by the next push (kept in {}; an administrator can run `hubgate discussions replay`).",
                        Journal::shown(&held.path)
                    ),
                ),
                None => say(
                    &mut lines,
                    "hubgate: the push was accepted but could not be kept for later; tell an administrator (its ref lines are in the server's log).",
                ),
            }
        }
    }
    Outcome { lines, lost }
}

fn say(lines: &mut Vec<String>, text: &str) {
    lines.push(text.to_owned());
}

/// The first line of an error chain, without file system paths a pusher should not see.
fn first_line(e: &anyhow::Error) -> String {
    e.to_string().lines().next().unwrap_or("").to_owned()
}

/// The last resort when not even the journal can be written: the raw push goes to stderr (the
/// server's log of the hook) and to syslog when the system has one, for an administrator to
/// replay with `hubgate discussions replay --stdin`.
fn lost_lines(push: &Push, stdin: &[u8], why: &str) -> String {
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
    msg
}
