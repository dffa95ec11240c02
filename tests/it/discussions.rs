//! post-receive: discussion entries in the repository and on a Gitea-compatible double.

use crate::gitea_double::{Gitea, Mode, down_url};
use crate::util::{Sandbox, git, hubgate, hubgate_bin};

const CONFIG: &str = "[discussions]\nwatch-refs = [\"HEAD\", \"refs/pr/*\"]\n";

fn titles(s: &Sandbox) -> Vec<String> {
    s.discussions()
        .iter()
        .map(|d| d["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn each_kind_of_change_yields_exactly_one_entry() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    // Hub checks at warn so that a broken front matter can land and be recorded.
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"watch\"\nrepos = [\"*\"]\n[policy.hub]\nlevel = \"warn\"\n[policy.discussions]\nwatch-keys = [\"base_model\"]\n\
         [policy.card]\nlevel = \"off\"\nsections = [\"Out-of-Scope Use\"]\n",
    );
    let steps: &[(&str, Option<&str>)] = &[
        (
            "---\nlicense: creativeml-openrail-m\n---\n## Out-of-Scope Use\n",
            Some("Card created; License set: creativeml-openrail-m"),
        ),
        (
            "---\nlicense: creativeml-openrail-m\npipeline_tag: x\n---\n## Out-of-Scope Use\n",
            None,
        ),
        (
            "---\nlicense: mit\n---\n## Out-of-Scope Use\n",
            Some("License changed: creativeml-openrail-m -> mit"),
        ),
        (
            "---\nlicense: mit\ntags: [not-for-all-audiences]\n---\n## Out-of-Scope Use\n",
            Some("not-for-all-audiences added"),
        ),
        (
            "---\nlicense: mit\ntags: [art]\n---\n## Out-of-Scope Use\n",
            Some("not-for-all-audiences removed"),
        ),
        (
            "---\nlicense: mit\ngated: manual\nextra_gated_prompt: hi\n---\n## Out-of-Scope Use\n",
            Some("Gating changed: gated, extra_gated_prompt"),
        ),
        (
            "---\nlicense: mit\ngated: manual\nextra_gated_prompt: hi\nbase_model: a/b\n---\n# Other\n",
            Some("Section removed: Out-of-Scope Use; base_model added"),
        ),
        (
            "---\nlicense: [\n---\n",
            Some(
                "Card front matter: valid -> invalid front matter; License removed: mit; base_model removed; Gating changed: gated, extra_gated_prompt",
            ),
        ),
    ];
    let mut expected = Vec::new();
    for (card, title) in steps {
        s.card(card);
        let p = s.push(&["HEAD:refs/heads/main"]);
        assert!(p.ok, "{}", p.stderr);
        if let Some(t) = title {
            expected.push((*t).to_owned());
            assert!(
                p.remote
                    .contains(&format!("hubgate: opened discussion #{}: {t}", expected.len())),
                "{}",
                p.remote
            );
        }
    }
    std::fs::remove_file(s.work.join("README.md")).expect("rm");
    s.commit("no card");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    expected.push("Card deleted".into());
    assert_eq!(titles(&s), expected);
    let first = &s.discussions()[1];
    assert_eq!(first["num"], 2);
    assert_eq!(first["status"], "open");
    assert_eq!(first["ref"], "refs/heads/main");
    assert_eq!(
        first["changes"][0],
        serde_json::json!({"key": "license", "before": "creativeml-openrail-m", "after": "mit"})
    );
    assert_eq!(first["policies"][0], "watch");
    assert!(
        first["events"][0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains("| `license` | `creativeml-openrail-m` | `mit` |")
    );
    crate::util::assert_fsck(&s.server);
}

#[test]
fn replaying_post_receive_adds_nothing_and_unwatched_refs_are_ignored() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    let old = s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let new = s.card("---\nlicense: apache-2.0\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    assert!(
        s.push(&["HEAD:refs/heads/feature"]).ok,
        "feature branches are not watched by default"
    );
    assert_eq!(s.discussions().len(), 2);
    // The same push recorded again (as post-receive's journal replays a kept push: same
    // identity) adds nothing.
    let config = hubgate::config::Config::load(Some(&s.root.join("hubgate.toml"))).expect("config");
    let record = hubgate::push::Record {
        version: 1,
        id: "1-2-3".into(),
        repo: "acme/model".into(),
        repo_ignores_case: false,
        updates: vec![[Some(old), Some(new), Some("refs/heads/main".into())]],
        pusher: None,
        push_options: Vec::new(),
        forge_repo: None,
        internal: false,
        time: 0,
    };
    let push = hubgate::push::Push::from_record(record, s.server.clone()).expect("push");
    let deadline = || std::time::Instant::now() + std::time::Duration::from_secs(5);
    let first = hubgate::discussion::record::record(&push, &[], &config, deadline()).expect("record");
    assert_eq!(first.len(), 1, "{first:?}");
    let again = hubgate::discussion::record::record(&push, &[], &config, deadline()).expect("record");
    assert!(again.is_empty(), "replay is idempotent: {again:?}");
    assert_eq!(s.discussions().len(), 3);
    // refs/pr/N is watched; deleting it is itself an entry.
    assert!(s.push(&["HEAD:refs/pr/1"]).ok);
    assert!(s.push(&[":refs/pr/1"]).ok);
    let t = titles(&s);
    assert_eq!(t[3], "Card created; License set: apache-2.0");
    assert_eq!(t[4], "Branch deleted: refs/pr/1");
}

#[test]
fn twenty_racing_pushes_get_numbers_one_to_twenty() {
    let s = Sandbox::new().with_post_receive("[discussions]\nwatch-refs = [\"refs/heads/*\"]\n");
    let licences = ["mit", "apache-2.0", "bsd", "isc", "cc0-1.0"];
    for i in 0..20 {
        git(&s.work, &["checkout", "-q", "--orphan", &format!("b{i}")]);
        s.card(&format!(
            "---\nlicense: {}\ntags: [t{i}]\n---\n",
            licences[i % licences.len()]
        ));
    }
    let work = s.work.clone();
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let work = work.clone();
            std::thread::spawn(move || {
                crate::util::git_cmd(&work)
                    .args(["push", "origin", &format!("b{i}:refs/heads/b{i}")])
                    .output()
                    .expect("push")
            })
        })
        .collect();
    let mut outputs = Vec::new();
    for h in handles {
        let o = h.join().expect("thread");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        outputs.push(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    let nums: Vec<u64> = s.discussions().iter().filter_map(|d| d["num"].as_u64()).collect();
    assert_eq!(nums, (1..=20).collect::<Vec<_>>(), "{:?}", outputs);
    let mut refs: Vec<String> = s
        .discussions()
        .iter()
        .map(|d| d["ref"].as_str().unwrap_or_default().to_owned())
        .collect();
    refs.sort();
    refs.dedup();
    assert_eq!(refs.len(), 20, "one entry per accepted update");
    crate::util::assert_fsck(&s.server);
}

#[test]
fn close_and_comment_answer_an_entry() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let repo = s.server.to_str().expect("utf8");
    let o = hubgate(
        &s.root,
        &[
            "discussions",
            "--repo",
            repo,
            "comment",
            "1",
            "Reviewed.",
            "--author",
            "mod",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = hubgate(
        &s.root,
        &[
            "discussions",
            "--repo",
            repo,
            "--format",
            "json",
            "close",
            "1",
            "--author",
            "mod",
        ],
    );
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(e["status"], "closed");
    assert_eq!(e["events"][1]["body"], "Reviewed.");
    assert_eq!(e["events"][2]["type"], "status-change");
    let o = hubgate(&s.root, &["discussions", "--repo", repo, "show", "7"]);
    assert_eq!(o.status.code(), Some(2));
}

fn gitea_config(url: &str, timeout_ms: u64) -> String {
    format!(
        "[discussions]\ntimeout-ms = {timeout_ms}\n[gitea]\nurl = \"{url}\"\ntoken-env = \"HUBGATE_TEST_GITEA_TOKEN\"\nlabel = \"risk-metadata\"\n"
    )
}

/// The hooks read the token from the environment the test gives git.
pub(crate) fn push_env(s: &Sandbox, token: &str, refspec: &str) -> crate::util::Push {
    let o = crate::util::git_cmd(&s.work)
        .env("HUBGATE_TEST_GITEA_TOKEN", token)
        .env("GITEA_PUSHER_NAME", "alice")
        .env("GITEA_REPO_USER_NAME", "forge-owner")
        .env("GITEA_REPO_NAME", "forge-repo")
        .args(["push", "origin", refspec])
        .output()
        .expect("push");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let remote = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("remote: "))
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    crate::util::Push {
        ok: o.status.success(),
        remote,
        stderr,
    }
}

pub(crate) fn flush(s: &Sandbox, token: &str) -> std::process::Output {
    let mut c = std::process::Command::new(hubgate_bin());
    c.args([
        "--config",
        s.root.join("hubgate.toml").to_str().expect("utf8"),
        "outbox",
        "--repo",
        s.server.to_str().expect("utf8"),
        "flush",
    ])
    .env("HUBGATE_TEST_GITEA_TOKEN", token);
    c.output().expect("flush")
}

#[test]
fn entries_become_gitea_issues_with_the_label() {
    let gitea = Gitea::start();
    let s = Sandbox::new().with_post_receive(&gitea_config(&gitea.url, 5000));
    s.card("---\nlicense: mit\ntags: [not-for-all-audiences]\n---\n");
    let p = push_env(&s, &gitea.token, "HEAD:refs/heads/main");
    assert!(p.ok && !p.remote.contains("outbox"), "{}", p.remote);
    let issues = gitea.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0]["title"],
        "Card created; License set: mit; not-for-all-audiences added"
    );
    assert_eq!(issues[0]["labels"][0]["name"], "risk-metadata");
    assert_eq!(
        issues[0]["repository"]["full_name"], "forge-owner/forge-repo",
        "owner/name from GITEA_* variables"
    );
    assert!(
        issues[0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains("| Pusher | `alice` |")
    );
    assert!(!issues[0]["body"].as_str().unwrap_or_default().contains(&gitea.token));
    assert_eq!(s.discussions()[0]["pusher"], "alice");
}

#[test]
fn forge_faults_leave_entries_in_the_outbox_and_a_flush_delivers_each_once() {
    for fault in ["down", "slow", "500", "401", "lost-answer"] {
        let gitea = Gitea::start();
        let url = if fault == "down" { down_url() } else { gitea.url.clone() };
        let s = Sandbox::new().with_post_receive(&gitea_config(&url, 1500));
        match fault {
            "slow" => gitea.set(Mode::Slow(std::time::Duration::from_secs(3))),
            "500" => gitea.set(Mode::Error500),
            "401" => gitea.set(Mode::Unauthorized),
            "lost-answer" => gitea.set(Mode::LoseAnswer),
            _ => {}
        }
        s.card("---\nlicense: mit\n---\n");
        let p = push_env(&s, &gitea.token, "HEAD:refs/heads/main");
        assert!(p.ok, "{fault}: the push is never failed by post-receive: {}", p.stderr);
        assert!(
            p.remote.contains("1 discussion entry waits in the outbox"),
            "{fault}: {}",
            p.remote
        );
        s.card("---\nlicense: apache-2.0\n---\n");
        assert!(push_env(&s, &gitea.token, "HEAD:refs/heads/main").ok);
        gitea.set(Mode::Normal);
        if fault == "down" {
            // The forge comes back at another address: point the configuration there.
            std::fs::write(s.root.join("hubgate.toml"), gitea_config(&gitea.url, 1500)).expect("config");
        }
        let o = flush(&s, &gitea.token);
        assert!(
            o.status.success(),
            "{fault}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let mut titles: Vec<String> = gitea
            .issues()
            .iter()
            .map(|i| i["title"].as_str().unwrap_or_default().to_owned())
            .collect();
        titles.sort();
        assert_eq!(
            titles,
            ["Card created; License set: mit", "License changed: mit -> apache-2.0"],
            "{fault}"
        );
        // A second flush has nothing left to do.
        let o = flush(&s, &gitea.token);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("delivered 0, waiting 0"),
            "{fault}"
        );
        assert_eq!(gitea.issues().len(), 2, "{fault}: delivered once, never twice");
    }
}

#[test]
fn a_push_whose_recording_fails_is_recorded_by_the_next_one() {
    // A deadline shorter than the age at which a ref lock counts as stale (2 s): the fresh lock
    // below is a live writer's as far as this push can tell.
    let s = Sandbox::new().with_post_receive(&format!("{CONFIG}timeout-ms = 1000\n"));
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    // A stale lock on the discussions ref makes every write fail (as a full disk would).
    let lock = s.server.join("refs/hubgate/discussions.lock");
    std::fs::write(&lock, "").expect("lock");
    s.card("---\nlicense: apache-2.0\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "post-receive never fails the push");
    assert!(
        p.remote.contains("it will be recorded by the next push"),
        "{}",
        p.remote
    );
    std::fs::remove_file(&lock).expect("unlock");
    // The default deadline again: the next push replays the kept one only within the first half
    // of its deadline, and half of one second is not enough on a machine busy with other tests.
    s.with_post_receive_again(CONFIG);
    s.card("---\nlicense: apache-2.0\ntags: [not-for-all-audiences]\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    assert_eq!(
        titles(&s),
        [
            "Card created; License set: mit",
            "License changed: mit -> apache-2.0",
            "not-for-all-audiences added"
        ]
    );
}

#[test]
fn the_same_update_pushed_again_is_recorded_again() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    let a = s.card("---\nlicense: mit\ntags: [not-for-all-audiences]\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let b = s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    // Revert to A, then re-apply B: the second A -> B is the very (ref, old, new) of the first.
    assert!(s.push(&[&format!("+{a}:refs/heads/main")]).ok);
    let p = s.push(&[&format!("{b}:refs/heads/main")]);
    assert!(p.ok, "{}", p.stderr);
    assert!(
        p.remote
            .contains("hubgate: opened discussion #4: not-for-all-audiences removed"),
        "{}",
        p.remote
    );
    // A ref deleted and re-created at the same commit.
    assert!(s.push(&[&format!("{b}:refs/pr/1")]).ok);
    assert!(s.push(&[":refs/pr/1"]).ok);
    assert!(s.push(&[&format!("{b}:refs/pr/1")]).ok);
    assert_eq!(
        titles(&s),
        [
            "Card created; License set: mit; not-for-all-audiences added",
            "not-for-all-audiences removed",
            "not-for-all-audiences added",
            "not-for-all-audiences removed",
            "Card created; License set: mit",
            "Branch deleted: refs/pr/1",
            "Card created; License set: mit",
        ]
    );
    let d = s.discussions();
    assert_ne!(d[1]["push_id"], d[3]["push_id"], "each entry names its own push");
    crate::util::assert_fsck(&s.server);
}

#[test]
fn an_override_on_an_unwatched_branch_is_recorded_with_its_reason_and_pusher() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    git(&s.server, &["config", "receive.advertisePushOptions", "true"]);
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n\
         [policy.license]\nallow = [\"apache-2.0\"]\noverridable = true\n",
    );
    // The default branch exists (a lone branch would be the default: repo::branch).
    s.commit("no card yet");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    s.card("---\nlicense: mit\n---\n");
    let o = crate::util::git_cmd(&s.work)
        .env("HUBGATE_PUSHER", "alice")
        .args([
            "push",
            "-o",
            "hubgate.override=legal approved",
            "origin",
            "HEAD:refs/heads/feature",
        ])
        .output()
        .expect("push");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("the discussion entry of this push records the override"),
        "{err}"
    );
    assert!(
        err.contains("hubgate: opened discussion #1: Override by alice: 1 ref updated"),
        "{err}"
    );
    let d = s.discussions();
    assert_eq!(
        d.len(),
        1,
        "feature branches are not watched: the override is the only entry"
    );
    assert_eq!(d[0]["override_reason"], "legal approved");
    assert_eq!(d[0]["pusher"], "alice");
    assert_eq!(d[0]["ref"], "refs/heads/feature");
    assert_eq!(d[0]["changes"][1]["key"], "refs/heads/feature");
    let body = d[0]["events"][0]["body"].as_str().unwrap_or_default();
    assert!(body.contains("legal approved") && body.contains("alice"), "{body}");
}

#[test]
fn more_than_a_hundred_watched_cards_in_one_push_open_one_summary_entry() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    s.card("---\nlicense: mit\n---\n");
    let specs: Vec<String> = (1..=150).map(|i| format!("HEAD:refs/pr/{i}")).collect();
    let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
    let p = s.push(&specs);
    assert!(p.ok, "{}", p.stderr);
    let title = "Mass update: 150 watched refs changed (150 created, 0 deleted, 0 updated)";
    assert!(
        p.remote.contains(&format!("hubgate: opened discussion #1: {title}")),
        "{}",
        p.remote
    );
    let d = s.discussions();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["ref"], "refs/pr/*");
    let changes = d[0]["changes"].as_array().cloned().unwrap_or_default();
    assert_eq!(changes.len(), 101, "100 listed, the rest counted");
    assert_eq!(changes[0]["after"], "Card created; License set: mit");
    assert_eq!(changes[100]["after"], "50 more refs");
    assert_eq!(
        git(&s.server, &["rev-list", "--count", "refs/hubgate/discussions"]),
        "1",
        "one store commit for the push"
    );
    // At the cap, one entry per ref, still in one commit.
    let specs: Vec<String> = (1..=100).map(|i| format!("HEAD:refs/pr/x{i}")).collect();
    let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
    assert!(s.push(&specs).ok);
    assert_eq!(s.discussions().len(), 101);
    assert_eq!(
        git(&s.server, &["rev-list", "--count", "refs/hubgate/discussions"]),
        "2"
    );
    crate::util::assert_fsck(&s.server);
}

#[test]
fn a_stale_lock_left_by_a_killed_process_delays_no_push() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let lock = s.server.join("refs/hubgate/discussions.lock");
    std::fs::write(&lock, "").expect("lock");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&lock)
        .expect("open")
        .set_modified(old)
        .expect("mtime");
    for (i, licence) in ["apache-2.0", "bsd"].iter().enumerate() {
        s.card(&format!("---\nlicense: {licence}\n---\n"));
        let started = std::time::Instant::now();
        let p = s.push(&["HEAD:refs/heads/main"]);
        assert!(
            p.ok && p.remote.contains(&format!("opened discussion #{}", i + 2)),
            "{}",
            p.remote
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
    assert!(!lock.exists());
    crate::util::assert_fsck(&s.server);
}
