//! Faults (issue 6): each leaves the repository and the stores consistent.

use std::process::Stdio;

use crate::gitea_double::Gitea;
use crate::util::{Sandbox, assert_fsck, git, hubgate, hubgate_bin};

#[test]
fn a_corrupt_outbox_item_is_kept_and_reported_while_the_others_are_delivered() {
    let gitea = Gitea::start();
    let config = format!(
        "[gitea]\nurl = \"{}\"\ntoken-env = \"HUBGATE_TEST_GITEA_TOKEN\"\n",
        gitea.url
    );
    let s = Sandbox::new().with_post_receive(&config);
    let outbox = s.server.join("hubgate/outbox");
    std::fs::create_dir_all(&outbox).expect("mkdir");
    std::fs::write(outbox.join("000000000.json"), "{ not json").expect("garbage");
    s.card("---\nlicense: mit\n---\n");
    let o = crate::util::git_cmd(&s.work)
        .env("HUBGATE_TEST_GITEA_TOKEN", &gitea.token)
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    assert!(o.status.success());
    assert_eq!(gitea.issues().len(), 1, "the good item is delivered");
    assert!(
        outbox.join("000000000.json").exists(),
        "the corrupt item is never deleted"
    );
    let server = s.server.to_str().expect("utf8");
    let list = hubgate(&s.root, &["outbox", "--repo", server, "list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("is unreadable"));
    let doctor = hubgate(&s.root, &["doctor", server]);
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("FAIL") && !doctor.status.success());
}

#[test]
fn a_policy_directory_removed_refuses_pushes() {
    let s = Sandbox::new();
    std::fs::remove_dir_all(&s.policies).expect("rm");
    s.card("---\nlicense: mit\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    assert!(
        p.remote.contains("cannot read policies") && p.remote.contains("fail closed"),
        "{}",
        p.remote
    );
}

#[test]
fn an_unwritable_store_keeps_the_push_for_later() {
    let s = Sandbox::new().with_post_receive("[discussions]\n");
    let base = s.commit("base");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    // refs/hubgate as a ref file: refs/hubgate/discussions cannot be created beside it (as on a
    // full or broken disk); git itself is unaffected.
    std::fs::write(s.server.join("refs/hubgate"), format!("{base}\n")).expect("block");
    s.card("---\nlicense: mit\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(
        p.ok && p.remote.contains("it will be recorded by the next push"),
        "{}",
        p.remote
    );
    std::fs::remove_file(s.server.join("refs/hubgate")).expect("unblock");
    s.card("---\nlicense: apache-2.0\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let titles: Vec<String> = s
        .discussions()
        .iter()
        .map(|d| d["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        titles,
        ["Card created; License set: mit", "License changed: mit -> apache-2.0"]
    );
    assert_fsck(&s.server);
}

#[test]
fn post_receives_killed_halfway_leave_no_partial_entry() {
    let s = Sandbox::new();
    std::fs::write(
        s.root.join("watch.toml"),
        "[discussions]\nwatch-refs = [\"refs/heads/*\"]\n",
    )
    .expect("config");
    let licences = ["mit", "apache-2.0", "bsd", "isc"];
    let mut lines = Vec::new();
    for i in 0..12 {
        git(&s.work, &["checkout", "-q", "--orphan", &format!("k{i}")]);
        let id = s.card(&format!("---\nlicense: {}\ntags: [k{i}]\n---\n", licences[i % 4]));
        lines.push(format!("{} {id} refs/heads/k{i}\n", "0".repeat(40)));
    }
    assert!(s.push(&["--all"]).ok);
    let config = s.root.join("watch.toml");
    // Kill each at a different moment, several at once, then replay every one to completion.
    let handles: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (l, cfg, server) = (l.clone(), config.clone(), s.server.clone());
            std::thread::spawn(move || {
                let mut child = std::process::Command::new(hubgate_bin())
                    .args(["--config", cfg.to_str().expect("utf8"), "post-receive"])
                    .current_dir(&server)
                    .env("GIT_DIR", ".")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("spawn");
                use std::io::Write;
                let _ = child.stdin.take().expect("stdin").write_all(l.as_bytes());
                // Once its push is in the journal (the write-ahead that makes a kill harmless;
                // before it, the push exists only in git's pipe), at a different moment each.
                let journal = server.join("hubgate/journal");
                let mine = format!("-{}-", child.id());
                for _ in 0..2000 {
                    let written = std::fs::read_dir(&journal).is_ok_and(|d| {
                        d.flatten().any(|e| {
                            let name = e.file_name().to_string_lossy().into_owned();
                            name.contains(&mine) && name.ends_with(".json")
                        })
                    });
                    if written {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                std::thread::sleep(std::time::Duration::from_millis(i as u64 * 2));
                let _ = child.kill();
                let _ = child.wait();
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread");
    }
    // The next push replays what the killed ones kept (re-running the same lines would be new
    // pushes of the same updates, which are recorded again by design).
    // A ref lock left by a killed writer is broken once it is older than `STALE_AFTER`: age it
    // instead of waiting for the clock.
    let lock = s.server.join("refs/hubgate/discussions.lock");
    if lock.exists() {
        let ok = std::process::Command::new("touch")
            .args(["-d", "1 minute ago"])
            .arg(&lock)
            .status();
        assert!(ok.is_ok_and(|st| st.success()), "touch");
    }
    git(&s.work, &["checkout", "-q", "--orphan", "next"]);
    let id = s.card("---\nlicense: mit\ntags: [next]\n---\n");
    assert!(s.push(&["next:refs/heads/next"]).ok);
    let replay = crate::util::hook(
        &s.server,
        &["--config", config.to_str().expect("utf8"), "post-receive"],
        format!("{} {id} refs/heads/next\n", "0".repeat(40)).as_bytes(),
    );
    let said = String::from_utf8_lossy(&replay.stdout).into_owned();
    let kept: Vec<String> = std::fs::read_dir(s.server.join("hubgate/journal"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(kept.is_empty(), "every kept push was replayed: {kept:?}\n{said}");
    let entries = s.discussions();
    let nums: Vec<u64> = entries.iter().filter_map(|d| d["num"].as_u64()).collect();
    assert_eq!(
        nums,
        (1..=13).collect::<Vec<_>>(),
        "one entry per update, gapless, none partial"
    );
    let mut refs: Vec<&str> = entries.iter().filter_map(|d| d["ref"].as_str()).collect();
    refs.sort_unstable();
    refs.dedup();
    assert_eq!(refs.len(), 13);
    assert!(
        !s.server.join("refs/hubgate/discussions.lock").exists(),
        "no stale lock left behind"
    );
    assert_fsck(&s.server);
}

/// A bug in hubgate (a panic) refuses the push and says so on a `remote:` line; the line names
/// the place in hubgate's source, not the panic's own text.
#[test]
fn a_panic_refuses_the_push_and_says_so() {
    let s = Sandbox::new();
    s.card("---\nlicense: apache-2.0\n---\n");
    let o = crate::util::git_cmd(&s.work)
        .env("HUBGATE_TEST_PANIC", "1")
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains("remote: hubgate: internal error (a bug in hubgate at src/bin/hubgate/main.rs:"),
        "{err}"
    );
    assert!(err.contains("a push it was checking is refused (fail closed)"), "{err}");
    assert!(
        !err.contains("the tests asked for"),
        "the panic's own text is not shown: {err}"
    );
    assert!(s.server_ref("refs/heads/main").is_none(), "nothing was accepted");
}
