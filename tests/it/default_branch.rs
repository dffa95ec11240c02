//! Issue 11, item 6: discussions follow the branch people push. `git init --bare` (git's own
//! default) and gitolite make `HEAD` name `refs/heads/master` while clients push `main`; the
//! `HEAD` watch pattern must still follow the branch that is in practice the default, say so to the
//! pusher, and `doctor` must warn about the unborn `HEAD`.

use crate::util::{Sandbox, git, hubgate};

/// The default configuration's watch list: the default branch and `refs/pr/*`.
const CONFIG: &str = "[discussions]\nwatch-refs = [\"HEAD\", \"refs/pr/*\"]\n";

const NOTE: &str = "hubgate: HEAD names refs/heads/master, which does not exist; discussions follow refs/heads/main";

#[test]
fn a_head_naming_master_still_records_risky_changes_pushed_to_main() {
    let s = Sandbox::named_on("acme", "model", "master").with_post_receive(CONFIG);
    s.card("---\nlicense: mit\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.stderr);
    assert!(p.remote.contains(NOTE), "{}", p.remote);
    assert!(
        p.remote
            .contains("hubgate: opened discussion #1: Card created; License set: mit"),
        "{}",
        p.remote
    );
    s.card("---\nlicense: mit\ntags: [not-for-all-audiences]\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(
        p.remote
            .contains("hubgate: opened discussion #2: not-for-all-audiences added"),
        "{}",
        p.remote
    );
    assert_eq!(p.remote.matches(NOTE).count(), 1, "said once: {}", p.remote);
    // Another branch is not the default: main exists.
    s.card("---\nlicense: apache-2.0\ntags: [not-for-all-audiences]\n---\n");
    let p = s.push(&["HEAD:refs/heads/feature"]);
    assert!(p.ok && !p.remote.contains("opened discussion"), "{}", p.remote);
    let entries = s.discussions();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["ref"] == "refs/heads/main"), "{entries:?}");
    // Once the owner fixes HEAD, nothing more is said.
    git(&s.server, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    s.card("---\nlicense: apache-2.0\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.remote.contains("HEAD names"), "{}", p.remote);
    assert!(p.remote.contains("opened discussion #3"), "{}", p.remote);
}

#[test]
fn doctor_warns_about_a_head_naming_a_branch_that_does_not_exist() {
    let s = Sandbox::named_on("acme", "model", "master");
    let repo = s.server.to_str().expect("utf8");
    let doctor = |s: &Sandbox| {
        let o = hubgate(&s.root, &["doctor", repo]);
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    // A new repository without branches: its unborn HEAD is normal.
    assert!(!doctor(&s).contains("HEAD names"), "{}", doctor(&s));
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let out = doctor(&s);
    let line = out
        .lines()
        .find(|l| l.contains("HEAD names refs/heads/master"))
        .unwrap_or_else(|| panic!("no HEAD warning: {out}"));
    assert!(line.starts_with("WARN"), "{line}");
    assert!(line.contains("which does not exist"), "{line}");
    assert!(line.contains("discussions follow refs/heads/main"), "{line}");
    assert!(
        line.contains(&format!("git --git-dir={repo} symbolic-ref HEAD refs/heads/main")),
        "{line}"
    );
    git(&s.server, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    assert!(!doctor(&s).contains("HEAD names"), "{}", doctor(&s));
}

#[test]
fn deleting_the_branch_head_names_is_recorded() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    // git refuses to delete the branch HEAD names unless told otherwise.
    git(&s.server, &["config", "receive.denyDeleteCurrent", "ignore"]);
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main", "HEAD:refs/heads/dev"]).ok);
    assert_eq!(s.discussions().len(), 1);
    let p = s.push(&[":refs/heads/main"]);
    assert!(p.ok, "{}", p.stderr);
    assert!(
        p.remote
            .contains("opened discussion #2: Branch deleted: refs/heads/main"),
        "{}",
        p.remote
    );
    assert!(
        p.remote
            .contains("hubgate: HEAD names refs/heads/main, which does not exist; discussions follow refs/heads/dev"),
        "{}",
        p.remote
    );
}
