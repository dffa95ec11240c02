//! post-receive's write-ahead journal (issue 10): every accepted push is recorded or kept, and a
//! kept push is recorded later with its own pusher, options and time, whatever kills or blocks
//! post-receive.

use std::path::Path;

use crate::util::{Sandbox, git, git_cmd, hubgate, hubgate_bin, make_executable};

const CONFIG: &str = "[discussions]\nwatch-refs = [\"refs/heads/*\"]\n";

fn push_as(s: &Sandbox, who: &str, options: &[&str], specs: &[&str]) -> (bool, String) {
    let mut c = git_cmd(&s.work);
    c.env("HUBGATE_PUSHER", who).arg("push");
    for o in options {
        c.arg("-o").arg(o);
    }
    let o = c.arg("origin").args(specs).output().expect("push");
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A post-receive hook that starts hubgate, waits until its journal file exists, waits
/// `delay_ms` more, and kills it with SIGKILL.
fn killing_hook(s: &Sandbox, delay_ms: u64) {
    let hook = s.server.join("hooks/post-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\n\
             exec 3<&0\n\
             '{bin}' --policies '{pol}' --config '{cfg}' post-receive <&3 &\n\
             pid=$!\n\
             i=0\n\
             while [ $i -lt 2000 ] && ! ls hubgate/journal/*.json >/dev/null 2>&1; do i=$((i+1)); sleep 0.005; done\n\
             sleep {secs}\n\
             kill -9 $pid 2>/dev/null\n\
             wait $pid 2>/dev/null\n\
             exit 0\n",
            bin = hubgate_bin().display(),
            pol = s.policies.display(),
            cfg = s.root.join("hubgate.toml").display(),
            secs = delay_ms as f64 / 1000.0,
        ),
    )
    .expect("hook");
    make_executable(&hook);
}

#[test]
fn killed_at_staggered_points_every_entry_lands_once_with_its_own_pusher() {
    let mut interrupted = 0;
    for (round, delay) in [0u64, 15, 60, 200].into_iter().enumerate() {
        let s = Sandbox::new().with_post_receive(CONFIG);
        git(&s.server, &["config", "receive.advertisePushOptions", "true"]);
        s.card("---\nlicense: mit\n---\n");
        let specs: Vec<String> = (0..60).map(|i| format!("HEAD:refs/heads/b{i:03}")).collect();
        let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
        killing_hook(&s, delay);
        let (ok, err) = push_as(&s, "alice", &["ci.note=first"], &specs);
        assert!(ok, "round {round}: {err}");
        // Killed before it finished: its push is still in the journal.
        if std::fs::read_dir(s.server.join("hubgate/journal")).is_ok_and(|mut d| d.next().is_some()) {
            interrupted += 1;
        }
        // The next push, by someone else, with the real hook.
        s.with_post_receive_again(CONFIG);
        s.card("---\nlicense: apache-2.0\n---\n");
        let (ok, err) = push_as(&s, "bob", &[], &["HEAD:refs/heads/main"]);
        assert!(ok, "round {round}: {err}");
        let entries = s.discussions();
        let mut refs: Vec<String> = entries
            .iter()
            .filter(|e| e["pusher"] == "alice")
            .map(|e| e["ref"].as_str().unwrap_or_default().to_owned())
            .collect();
        refs.sort();
        let want: Vec<String> = (0..60).map(|i| format!("refs/heads/b{i:03}")).collect();
        assert_eq!(
            refs, want,
            "round {round} (kill after {delay} ms): alice's 60 entries, once each\n{err}"
        );
        assert_eq!(
            entries.iter().filter(|e| e["pusher"] == "bob").count(),
            1,
            "round {round}: bob's own entry"
        );
        let nums: Vec<u64> = entries.iter().filter_map(|e| e["num"].as_u64()).collect();
        assert_eq!(nums, (1..=61).collect::<Vec<_>>(), "round {round}: gapless");
        assert!(
            !s.server
                .join("hubgate/journal")
                .read_dir()
                .is_ok_and(|mut d| d.next().is_some())
        );
        crate::util::assert_fsck(&s.server);
    }
    assert!(
        interrupted > 0,
        "no round was killed before it finished: the test proves nothing"
    );
}

#[test]
fn a_kept_push_keeps_its_pusher_and_reason_and_replay_records_it() {
    // A deadline shorter than the age at which a ref lock counts as stale (2 s).
    let s = Sandbox::new().with_post_receive(&format!("{CONFIG}timeout-ms = 1000\n"));
    git(&s.server, &["config", "receive.advertisePushOptions", "true"]);
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n[policy.license]\nallow = [\"apache-2.0\"]\noverridable = true\n",
    );
    let base = s.card("---\nlicense: apache-2.0\n---\n");
    assert!(push_as(&s, "carol", &[], &["HEAD:refs/heads/main"]).0);
    // The store's ref is locked by a writer that holds on: the push is kept.
    let lock = s.server.join("refs/hubgate/discussions.lock");
    std::fs::write(&lock, format!("{base}\n")).expect("lock");
    s.card("---\nlicense: mit\n---\n");
    let (ok, err) = push_as(
        &s,
        "alice",
        &["hubgate.override=legal approved"],
        &["HEAD:refs/heads/main"],
    );
    assert!(ok && err.contains("it will be recorded by the next push"), "{err}");
    assert!(err.contains("kept in hubgate/journal/"), "{err}");
    let remote: String = err.lines().filter(|l| l.starts_with("remote:")).collect();
    assert!(
        !remote.contains(s.root.to_str().expect("utf8")),
        "no server path: {err}"
    );
    std::fs::remove_file(&lock).expect("unlock");
    let o = hubgate(
        &s.root,
        &[
            "discussions",
            "--repo",
            s.server.to_str().expect("utf8"),
            "replay",
            "--dry-run",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("by alice") && text.contains("1 refs"), "{text}");
    let o = hubgate(
        &s.root,
        &[
            "--config",
            s.root.join("hubgate.toml").to_str().expect("utf8"),
            "--policies",
            s.policies.to_str().expect("utf8"),
            "discussions",
            "--repo",
            s.server.to_str().expect("utf8"),
            "replay",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && text.contains("recorded"), "{text}");
    let entries = s.discussions();
    let last = entries.last().expect("an entry");
    assert_eq!(last["pusher"], "alice");
    assert_eq!(last["override_reason"], "legal approved");
    let o = hubgate(
        &s.root,
        &["discussions", "--repo", s.server.to_str().expect("utf8"), "replay"],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing kept"));
}

/// Mounts a tiny tmpfs (root only), unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).expect("mkdir");
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[allow(clippy::print_stderr)] // says why the test is skipped
fn a_full_disk_loses_nothing_and_says_so() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let Some(disk) = Tmpfs::mount(&s.server.join("hubgate"), "16k") else {
        eprintln!("skipped: mounting a tmpfs needs root (CI runs as root)");
        if std::env::var_os("HUBGATE_REQUIRE_ROOT_TESTS").is_some() {
            panic!("HUBGATE_REQUIRE_ROOT_TESTS is set but the tmpfs could not be mounted");
        }
        return;
    };
    // Fill it.
    let filler = disk.0.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 64 * 1024]);
    s.card("---\nlicense: apache-2.0\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("could not be kept for recording") && p.remote.contains("hubgate-lost: "),
        "the raw push is shown for the administrator: {}",
        p.remote
    );
    // The store lives in the repository's objects, which still had room: recorded anyway.
    let titles: Vec<String> = s
        .discussions()
        .iter()
        .map(|d| d["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        titles.last().map(String::as_str),
        Some("License changed: mit -> apache-2.0")
    );
    // Nothing partial or empty was left behind to be read as "no updates".
    let leftovers: Vec<_> = std::fs::read_dir(disk.0.join("journal"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // An administrator replaying the lines shown, with the push's own identity, records nothing
    // twice.
    let id = p
        .remote
        .split("--push-id ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the replay command names the push's identity")
        .to_owned();
    let lost: String = p
        .remote
        .lines()
        .filter(|l| l.starts_with("hubgate-lost: "))
        .map(|l| format!("{l}\n"))
        .collect();
    let before = s.discussions().len();
    let o = crate::util::hook_env(
        &s.root,
        &[
            "--config",
            s.root.join("hubgate.toml").to_str().expect("utf8"),
            "discussions",
            "--repo",
            s.server.to_str().expect("utf8"),
            "replay",
            "--stdin",
            "--push-id",
            &id,
        ],
        lost.as_bytes(),
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(s.discussions().len(), before, "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn an_empty_or_cut_journal_file_is_reported_not_dropped() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let dir = s.server.join("hubgate/journal");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("00000000000000000001-1-1-1.json"), "").expect("empty");
    std::fs::write(
        dir.join("00000000000000000002-2-2-2.json"),
        "{\"version\":1,\"id\":\"2\",",
    )
    .expect("cut");
    s.card("---\nlicense: apache-2.0\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
    assert!(p.remote.contains("is empty"), "{}", p.remote);
    assert!(p.remote.contains("is not a whole push"), "{}", p.remote);
    assert!(dir.join("00000000000000000001-1-1-1.json.damaged").exists());
    assert!(dir.join("00000000000000000002-2-2-2.json.damaged").exists());
}

#[test]
fn a_long_outbox_flush_never_holds_up_a_post_receive() {
    let config = "[discussions]\ntimeout-ms = 3000\n[gitea]\nurl = \"http://127.0.0.1:9\"\ntoken-env = \"HUBGATE_TEST_GITEA_TOKEN\"\nlabel = \"risk-metadata\"\n";
    let s = Sandbox::new().with_post_receive(config);
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    // An administrator's `hubgate outbox flush` holds the delivery lock (a slow forge).
    let lock = std::fs::File::create(s.server.join("hubgate/outbox/.lock")).expect("lock file");
    lock.lock().expect("lock");
    s.card("---\nlicense: apache-2.0\n---\n");
    let started = std::time::Instant::now();
    let mut c = git_cmd(&s.work);
    let o = c
        .env("HUBGATE_TEST_GITEA_TOKEN", "t")
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    let took = started.elapsed();
    assert!(o.status.success());
    assert!(
        took < std::time::Duration::from_millis(2500),
        "post-receive waited {took:?}"
    );
    // Both entries are queued for delivery; nothing was lost to the busy flush.
    let o = hubgate(&s.root, &["outbox", "--repo", s.server.to_str().expect("utf8"), "list"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("#1") || text.contains("000000001"), "{text}");
    assert!(text.contains("#2") || text.contains("000000002"), "{text}");
    drop(lock);
}

#[test]
fn a_forge_answering_every_request_in_2_5_s_cannot_stretch_post_receive_past_its_deadline() {
    use crate::gitea_double::{Gitea, Mode};
    let gitea = Gitea::start();
    gitea.set(Mode::Slow(std::time::Duration::from_millis(2500)));
    let config = format!(
        "[discussions]\nwatch-refs = [\"refs/heads/*\"]\ntimeout-ms = 3000\n[gitea]\nurl = \"{}\"\ntoken-env = \"HUBGATE_TEST_GITEA_TOKEN\"\nlabel = \"risk-metadata\"\n",
        gitea.url
    );
    let s = Sandbox::new();
    std::fs::write(s.root.join("hubgate.toml"), &config).expect("config");
    let mut lines = String::new();
    for i in 0..3 {
        git(&s.work, &["checkout", "-q", "--orphan", &format!("b{i}")]);
        let id = s.card(&format!("---\nlicense: mit\ntags: [t{i}]\n---\n"));
        assert!(s.push(&[&format!("b{i}:refs/heads/b{i}")]).ok);
        lines.push_str(&format!("{} {id} refs/heads/b{i}\n", "0".repeat(40)));
    }
    let started = std::time::Instant::now();
    let out = crate::util::hook_env(
        &s.server,
        &[
            "--config",
            s.root.join("hubgate.toml").to_str().expect("utf8"),
            "post-receive",
        ],
        lines.as_bytes(),
        &[("HUBGATE_TEST_GITEA_TOKEN", &gitea.token)],
    );
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(
        took < std::time::Duration::from_millis(3500),
        "post-receive took {took:?}\n{said}"
    );
    assert!(said.contains("opened discussion #3"), "{said}");
    // One or two of the three, depending on when the deadline fell.
    assert!(
        said.contains("discussion entries wait in the outbox") || said.contains("discussion entry waits in the outbox"),
        "{said}"
    );
    assert_eq!(s.discussions().len(), 3);
}

#[test]
fn a_killed_1500_ref_push_is_recorded_once_by_the_next_push() {
    for delay in [0u64, 100] {
        let s = Sandbox::new().with_post_receive(CONFIG);
        s.card("---\nlicense: mit\n---\n");
        let specs: Vec<String> = (0..1500).map(|i| format!("HEAD:refs/heads/m{i:04}")).collect();
        let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
        killing_hook(&s, delay);
        let (ok, err) = push_as(&s, "alice", &[], &specs);
        assert!(ok, "{err}");
        s.with_post_receive_again(CONFIG);
        s.card("---\nlicense: apache-2.0\n---\n");
        let (ok, err) = push_as(&s, "bob", &[], &["HEAD:refs/heads/main"]);
        assert!(ok, "{err}");
        let entries = s.discussions();
        let alice: Vec<&serde_json::Value> = entries.iter().filter(|e| e["pusher"] == "alice").collect();
        assert_eq!(
            alice.len(),
            1,
            "one summary entry for the mass update (kill after {delay} ms): {err}"
        );
        let title = alice[0]["title"].as_str().unwrap_or_default();
        assert!(title.contains("1500"), "{title}");
        assert_eq!(entries.iter().filter(|e| e["pusher"] == "bob").count(), 1);
        assert!(
            !s.server
                .join("hubgate/journal")
                .read_dir()
                .is_ok_and(|mut d| d.next().is_some())
        );
    }
}
