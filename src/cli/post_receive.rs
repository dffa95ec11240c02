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
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::Config;
use crate::discussion::record::record;
use crate::hook::push::Push;
use crate::hook::{env::Env, input};

pub(super) fn run(env: &Env, policies: Option<&Path>, config: Option<&Path>) -> ExitCode {
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
            let _ = writeln!(out, "hubgate: post-receive: {e}");
            return ExitCode::from(2);
        }
    };
    let push = Push::new(env, updates);
    let pending = push.git_dir.join("hubgate").join("pending");
    let recorder = |p: &Push| -> anyhow::Result<Vec<String>> {
        let config = Config::load(config)?;
        let all = super::load_policies(policies)?;
        record(p, &all, &config)
    };
    // Pushes whose recording failed earlier are recorded first (entries are idempotent).
    for (path, earlier) in pending_pushes(&pending) {
        let earlier = Push {
            updates: earlier,
            ..push.clone()
        };
        match recorder(&earlier) {
            Ok(lines) => {
                for line in lines {
                    let _ = out.write_all(super::for_forge(env, &format!("{line}\n")).as_bytes());
                }
                let _ = std::fs::remove_file(path);
            }
            Err(e) => {
                let msg = format!(
                    "hubgate: an earlier push is still not recorded ({e:#}); it stays in {}\n",
                    path.display()
                );
                let _ = out.write_all(super::for_forge(env, &msg).as_bytes());
            }
        }
    }
    match recorder(&push) {
        Ok(lines) => {
            for line in lines {
                let _ = out.write_all(super::for_forge(env, &format!("{line}\n")).as_bytes());
            }
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "hubgate: post-receive could not record this push's metadata changes: {e:#}"
            );
            // Keep the push's lines so that the next post-receive records it: nothing is lost.
            let kept = std::fs::create_dir_all(&pending).and_then(|()| {
                let name = format!("{:020}-{}.txt", crate::time::now(), std::process::id());
                std::fs::write(pending.join(name), &stdin)
            });
            let _ = match kept {
                Ok(()) => writeln!(
                    out,
                    "hubgate: the push was accepted; it will be recorded by the next push."
                ),
                Err(e) => writeln!(
                    out,
                    "hubgate: the push was accepted but could not be kept for later ({e}); tell an administrator."
                ),
            };
        }
    }
    ExitCode::SUCCESS
}

/// Earlier pushes kept for recording, oldest first.
fn pending_pushes(dir: &Path) -> Vec<(PathBuf, Vec<input::Update>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let updates = input::parse(&std::fs::read(&p).ok()?).ok()?;
            Some((p, updates))
        })
        .collect()
}
