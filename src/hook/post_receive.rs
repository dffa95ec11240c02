//! post-receive as a library pipeline: the push, already built, in; the lines for the pusher
//! out. Write-ahead first (the journal), then what earlier pushes kept, then this push, all within
//! one deadline (`timeout-ms`): replays, the store's lock wait and forge requests together.

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::discussion::journal::{self, Journal, Kept};
use crate::discussion::record::record;
use crate::policy::Policy;
use crate::push::Push;

/// What post-receive has to say.
pub struct Outcome {
    /// Lines for the pusher.
    pub lines: Vec<String>,
    /// For the server's log only (syslog): what an administrator must know and a pusher cannot
    /// act on, such as the raw ref lines of a push that could be neither recorded nor kept
    /// (`hubgate-lost:` lines, which `hubgate discussions replay --stdin` takes back).
    pub log: Option<String>,
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
    let mut lines: Vec<String> = Vec::new();
    let mut log = None;
    if loaded.as_ref().is_ok_and(|(c, _)| !c.discussions.enabled) {
        return Outcome { lines, log };
    }
    let shown = |e: &anyhow::Error| crate::report::inert::paths(&format!("{e:#}"), &push.git_dir);
    let journal = Journal::of(&push.git_dir, &push.repo);
    // Write-ahead: before any other work, the push is stored durably.
    let held = match journal.write(push) {
        Ok(held) => Some(held),
        Err(e) => {
            // The push is at risk from here on: its raw lines go out now (to the pusher and the
            // server's log), under its own identity, so that a replay records nothing twice
            // even if the recording below succeeds.
            say(
                &mut lines,
                "hubgate: WARNING: this push could not be kept for recording (the journal could not be written); \
                 its ref lines follow and went to the server's log, so that an administrator can replay them if \
                 no entry below says it was recorded.",
            );
            let text = lost_lines(push, raw, &shown(&e));
            lines.extend(text.lines().map(str::to_owned));
            log = Some(text);
            None
        }
    };
    let budget = loaded.as_ref().map_or_else(
        |_| Duration::from_millis(crate::config::Discussions::default().timeout_ms),
        |(c, _)| Duration::from_millis(c.discussions.timeout_ms),
    );
    let deadline = started + budget;
    let (config, all) = match loaded {
        Ok((config, all)) => (config, all),
        Err(e) => {
            // Nothing can be recorded: every kept push waits (said once, not once per push), and
            // this one joins them.
            let earlier = journal
                .kept()
                .into_iter()
                .filter(|k| matches!(k, Kept::Push(..)))
                .count();
            if earlier > 0 {
                say(
                    &mut lines,
                    &format!(
                        "hubgate: an earlier push is still not recorded ({}); it stays in hubgate/journal/ ({earlier} kept in all)",
                        shown(e)
                    ),
                );
            }
            say(
                &mut lines,
                &format!(
                    "hubgate: post-receive could not record this push's metadata changes: {}",
                    shown(e)
                ),
            );
            kept_or_lost(&mut lines, held.as_ref());
            return Outcome { lines, log };
        }
    };
    // Pushes kept earlier (crash, full disk, lock) are recorded first, each with its own pusher,
    // options and time, in the first half of the deadline; what is left waits for the next push.
    for kept in journal.kept() {
        match kept {
            Kept::Damaged(path, why) => {
                let name = Journal::shown(&path);
                let aside = match journal.set_aside(&path) {
                    Ok(to) => format!("set aside as {}", Journal::shown(&to)),
                    Err(e) => format!("could not be set aside ({})", shown(&e)),
                };
                say(
                    &mut lines,
                    &format!(
                        "hubgate: WARNING: a kept push cannot be read back: {name} {why}; {aside} for an administrator"
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
                match record(&earlier, all, config, deadline) {
                    Ok(said) => {
                        extend(&mut lines, said);
                        removed(&mut lines, &journal, held);
                    }
                    Err(e) => say(
                        &mut lines,
                        &format!(
                            "hubgate: an earlier push is still not recorded ({}); it stays in {}",
                            shown(&e),
                            Journal::shown(&held.path)
                        ),
                    ),
                }
            }
        }
    }
    match record(push, all, config, deadline) {
        Ok(said) => {
            extend(&mut lines, said);
            if let Some(held) = held {
                removed(&mut lines, &journal, held);
            }
        }
        Err(e) => {
            say(
                &mut lines,
                &format!(
                    "hubgate: post-receive could not record this push's metadata changes: {}",
                    shown(&e)
                ),
            );
            tracing::warn!(error = %format!("{e:#}"), push = %push.id, "post-receive could not record a push");
            kept_or_lost(&mut lines, held.as_ref());
        }
    }
    lines.extend(crate::forge::deliver::deliver(push, config, deadline));
    Outcome { lines, log }
}

/// Adds what recording a push said, each line once: kept pushes replayed before this one say the
/// same things about the repository (an unborn `HEAD`), which the pusher needs to read only once.
fn extend(lines: &mut Vec<String>, said: Vec<String>) {
    for line in said {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
}

fn say(lines: &mut Vec<String>, text: &str) {
    lines.push(text.to_owned());
}

/// Removes a recorded push from the journal; a file that stays would be replayed by every push.
fn removed(lines: &mut Vec<String>, journal: &Journal, held: journal::Held) {
    let path = Journal::shown(&held.path);
    if let Err(e) = journal.remove(held) {
        say(
            lines,
            &format!("hubgate: WARNING: recorded, but {path} could not be removed ({e}); tell an administrator"),
        );
    }
}

/// Says where a push that could not be recorded waits: in the journal, or (when even that
/// failed) only in the raw lines shown above and in the server's log.
fn kept_or_lost(lines: &mut Vec<String>, held: Option<&journal::Held>) {
    say(
        lines,
        &match held {
            Some(held) => format!(
                "hubgate: the push was accepted; it will be recorded by the next push (kept in {}; an administrator can run `hubgate discussions replay`).",
                Journal::shown(&held.path)
            ),
            None => "hubgate: the push was accepted but could not be kept for later; tell an administrator (its ref lines are above and in the server's log).".to_owned(),
        },
    );
}

/// The raw push, for an administrator to replay with `hubgate discussions replay --stdin
/// --push-id ID`: the same identity, so nothing is recorded twice.
fn lost_lines(push: &Push, stdin: &[u8], why: &str) -> String {
    let text = String::from_utf8_lossy(stdin);
    let mut msg = format!(
        "hubgate: post-receive could not keep push {} of {} by {} ({why}); replay its ref lines with `hubgate discussions --repo <repo> replay --stdin --push-id {} --pusher <name>`:\n",
        push.id,
        push.repo,
        push.pusher.as_deref().unwrap_or("(unknown)"),
        push.id,
    );
    for line in text.lines() {
        msg.push_str("hubgate-lost: ");
        msg.push_str(line);
        msg.push('\n');
    }
    msg
}
