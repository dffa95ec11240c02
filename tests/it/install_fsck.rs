//! `hubgate install` turns on `receive.fsckObjects` on plain repositories (issue 9), so git itself
//! refuses malformed trees, and `--uninstall` gives the configuration back byte for byte; on
//! forges it changes nothing and `doctor` says what to do.

use std::path::Path;

use crate::util::{Sandbox, git, hubgate};

fn run(dir: &Path, args: &[&str]) -> String {
    let o = hubgate(dir, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{args:?}: {text}");
    text
}

/// A commit whose tree lists `README.md` twice (written raw: `git mktree` refuses duplicates).
fn commit_with_two_readmes(s: &Sandbox) -> String {
    s.card("---\nlicense: mit\n---\n");
    let blob = git(&s.work, &["rev-parse", "HEAD:README.md"]);
    let id = crate::util::raw_id(&blob);
    let mut tree = Vec::new();
    for _ in 0..2 {
        tree.extend_from_slice(b"100644 README.md\0");
        tree.extend_from_slice(&id);
    }
    let tree = s.raw_tree(&tree);
    git(&s.work, &["commit-tree", &tree, "-m", "two READMEs"])
}

#[test]
fn plain_install_makes_git_refuse_a_tree_with_duplicate_entries() {
    let s = Sandbox::new();
    let config = std::fs::read(s.server.join("config")).expect("config");
    let repo = s.server.to_str().expect("utf8");
    let out = run(&s.root, &["install", repo]);
    assert!(out.contains("set receive.fsckObjects=true"), "{out}");
    assert_eq!(git(&s.server, &["config", "--get", "receive.fsckObjects"]), "true");
    let commit = commit_with_two_readmes(&s);
    let p = s.push(&[&format!("{commit}:refs/heads/main")]);
    assert!(!p.ok, "{}", p.stderr);
    assert!(p.stderr.contains("duplicateEntries"), "{}", p.stderr);
    assert_eq!(s.server_ref("refs/heads/main"), None);
    let doctor = run(&s.root, &["doctor", repo]);
    assert!(
        doctor.contains("PASS  ") && doctor.contains("receive.fsckObjects is on"),
        "{doctor}"
    );
    run(&s.root, &["install", "--uninstall", repo]);
    assert_eq!(std::fs::read(s.server.join("config")).expect("config"), config);
}

#[test]
fn an_administrators_own_setting_is_kept_and_forges_are_only_told() {
    let s = Sandbox::new();
    git(&s.server, &["config", "receive.fsckObjects", "false"]);
    let config = std::fs::read(s.server.join("config")).expect("config");
    let repo = s.server.to_str().expect("utf8");
    let out = run(&s.root, &["install", repo]);
    assert!(
        !out.contains("set receive.fsckObjects") && out.contains("receive.fsckObjects=false is the administrator's"),
        "{out}"
    );
    let doctor = run(&s.root, &["doctor", repo]);
    assert!(
        doctor.contains("WARN  ")
            && doctor.contains("receive.fsckObjects is off")
            && doctor.contains(&format!("git --git-dir={repo} config receive.fsckObjects true")),
        "{doctor}"
    );
    run(&s.root, &["install", "--uninstall", repo]);
    assert_eq!(std::fs::read(s.server.join("config")).expect("config"), config);

    // Gitea layout: the repository's configuration is the forge's; doctor tells, install does not touch.
    git(&s.server, &["config", "--unset", "receive.fsckObjects"]);
    let config = std::fs::read(s.server.join("config")).expect("config");
    let out = run(&s.root, &["install", "--gitea", repo]);
    assert!(
        !out.contains("set receive.fsckObjects") && out.contains("hubgate doctor` says whether receive.fsckObjects"),
        "{out}"
    );
    assert_eq!(std::fs::read(s.server.join("config")).expect("config"), config);
    let doctor = run(&s.root, &["doctor", "--gitea", repo]);
    assert!(
        doctor.contains("receive.fsckObjects is off") && doctor.contains("[git.config]"),
        "{doctor}"
    );
}
