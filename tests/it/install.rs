//! `hubgate install`, `doctor` and `policy explain` on plain, Gitea- and GitLab-shaped servers.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use crate::util::{Sandbox, git, git_cmd, hubgate, make_executable};

const BAD: &str = "---\nlicense: MIT\n---\n";
const GOOD: &str = "---\nlicense: mit\n---\n";

/// A snapshot of a repository's hooks folder and config, to prove uninstall restores them.
fn snapshot(repo: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut stack = vec![repo.join("hooks")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push((p.clone(), std::fs::read(&p).expect("read")));
            }
        }
    }
    files.push((repo.join("config"), std::fs::read(repo.join("config")).expect("config")));
    files.sort();
    files
}

/// A sandbox whose server has no hubgate hook yet, but a hook of its own.
fn server_with_own_hook() -> Sandbox {
    let s = Sandbox::new();
    let hook = s.server.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\ncat > \"$(dirname \"$0\")/../old-hook-input\"\n").expect("hook");
    make_executable(&hook);
    s
}

fn install(dir: &Path, args: &[&str]) -> String {
    let o = hubgate(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn plain_install_chains_the_existing_hook_and_uninstall_restores_everything() {
    let s = server_with_own_hook();
    let before = snapshot(&s.server);
    let root = s.root.join("acme");
    let root = root.to_str().expect("utf8");
    let dry = install(&s.root, &["install", "--dry-run", root]);
    assert!(
        dry.contains("would move") && dry.contains("would set receive.advertisePushOptions=true"),
        "{dry}"
    );
    assert_eq!(snapshot(&s.server), before, "a dry run changes nothing");
    install(&s.root, &["install", root]);
    assert!(
        install(&s.root, &["install", root]).contains("0 changes made"),
        "idempotent"
    );
    s.card(BAD);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(
        !p.ok && p.remote.contains("Sorry, your push was rejected"),
        "{}",
        p.remote
    );
    let seen = std::fs::read_to_string(s.server.join("old-hook-input")).expect("the previous hook ran");
    assert!(seen.ends_with(" refs/heads/main\n"), "{seen:?}");
    s.card(GOOD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let o = hubgate(&s.root, &["doctor", root]);
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{report}");
    assert!(
        report.contains("PASS  pre-receive hook") && report.contains("still runs first"),
        "{report}"
    );
    install(&s.root, &["install", "--uninstall", root]);
    std::fs::remove_file(s.server.join("old-hook-input")).expect("rm");
    assert_eq!(snapshot(&s.server), before, "uninstall leaves the repository as it was");
}

/// `git daemon` with receive-pack, on 127.0.0.1, stopped when dropped: `git daemon` runs
/// `git-daemon` as a child (which forks one process per connection), so the whole process group
/// is killed, not only the process the test started.
type Daemon = crate::util::Group;

fn daemon(base: &Path) -> (Daemon, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let child = git_cmd(base)
        .args([
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--enable=receive-pack",
            "--listen=127.0.0.1",
        ])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", base.display()))
        .arg(base)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .expect("git daemon");
    let d: Daemon = crate::util::Group(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (d, port);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("git daemon did not start");
}

#[test]
fn pushes_over_git_daemon_are_checked() {
    let s = Sandbox::new();
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm");
    install(&s.root, &["install", s.root.to_str().expect("utf8")]);
    let (_daemon, port) = daemon(&s.root);
    let url = format!("git://127.0.0.1:{port}/acme/model.git");
    s.card(BAD);
    let o = git_cmd(&s.work)
        .args(["push", &url, "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("remote: - Error: \"license\" must be one of"),
        "{err}"
    );
    s.card(GOOD);
    let o = git_cmd(&s.work)
        .args(["push", &url, "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("hubgate: opened discussion #1"));
}

/// Gitea's generated dispatcher (GIT-FORGE.md 2.1), and a stand-in for its own `.d/gitea` hook.
fn giteaify(repo: &Path) {
    for kind in ["pre-receive", "post-receive"] {
        let hook = repo.join("hooks").join(kind);
        std::fs::write(
            &hook,
            "#!/usr/bin/env bash\n# AUTO GENERATED BY GITEA, DO NOT MODIFY\ndata=$(cat)\nexitcodes=\"\"\nhookname=$(basename $0)\n\
             GIT_DIR=${GIT_DIR:-$(dirname $0)/..}\n\nfor hook in ${GIT_DIR}/hooks/${hookname}.d/*; do\n\
             test -x \"${hook}\" && test -f \"${hook}\" || continue\necho \"${data}\" | \"${hook}\"\nexitcodes=\"${exitcodes} $?\"\ndone\n\n\
             for i in ${exitcodes}; do\n[ ${i} -eq 0 ] || exit ${i}\ndone\n",
        )
        .expect("dispatcher");
        make_executable(&hook);
        let d = repo.join("hooks").join(format!("{kind}.d"));
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(d.join("gitea"), "#!/bin/sh\ncat > /dev/null\necho gitea-hook-ran\n").expect("gitea");
        make_executable(&d.join("gitea"));
    }
}

#[test]
fn gitea_layout_runs_through_giteas_dispatcher_with_gitea_variables() {
    let s = Sandbox::named("forge-owner", "path-name");
    giteaify(&s.server);
    let before = snapshot(&s.server);
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\n[policy.license]\nallow = [\"apache-2.0\"]\n",
    );
    let policies = s.policies.to_str().expect("utf8").to_owned();
    install(
        &s.root,
        &[
            "--policies",
            &policies,
            "install",
            "--gitea",
            s.root.to_str().expect("utf8"),
        ],
    );
    assert!(s.server.join("hooks/pre-receive.d/hubgate").is_file());
    s.card(GOOD);
    // Gitea names the repository acme/model; the path says forge-owner/path-name.
    let o = git_cmd(&s.work)
        .env("GITEA_REPO_USER_NAME", "acme")
        .env("GITEA_REPO_NAME", "model")
        .env("GITEA_PUSHER_NAME", "alice")
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("remote: gitea-hook-ran"), "{err}");
    assert!(
        err.contains("error[license-not-allowed]") && err.contains("policy: org"),
        "{err}"
    );
    install(
        &s.root,
        &["install", "--gitea", "--uninstall", s.root.to_str().expect("utf8")],
    );
    assert_eq!(snapshot(&s.server), before);
}

#[test]
fn gitlab_layout_prefixes_lines_for_its_interface() {
    let s = Sandbox::new();
    let custom = s.root.join("custom_hooks");
    std::fs::create_dir_all(&custom).expect("mkdir");
    install(&s.root, &["install", "--gitlab", custom.to_str().expect("utf8")]);
    // Gitaly runs <custom_hooks_dir>/pre-receive.d/* after its own hooks; stand in for it.
    let hook = s.server.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\nexec '{}'\n", custom.join("pre-receive.d/hubgate").display()),
    )
    .expect("hook");
    make_executable(&hook);
    s.card(BAD);
    let o = git_cmd(&s.work)
        .env("GL_ID", "user-1")
        .env("GL_USERNAME", "bob")
        .env("GL_PROJECT_PATH", "group/model")
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("remote: GL-HOOK-ERR: Sorry, your push was rejected during YAML metadata verification:"),
        "{err}"
    );
    install(
        &s.root,
        &["install", "--gitlab", "--uninstall", custom.to_str().expect("utf8")],
    );
    assert_eq!(
        std::fs::read_dir(&custom).expect("dir").count(),
        0,
        "uninstall removes the folders it created"
    );
}

fn override_policy(s: &Sandbox) {
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n\
         [policy.license]\nallow = [\"apache-2.0\"]\noverridable = true\n\
         [policy.audience]\nrequire-tag = true\n",
    );
}

fn push_as(s: &Sandbox, who: &str, reason: Option<&str>) -> (bool, String) {
    let mut c = git_cmd(&s.work);
    c.env("HUBGATE_PUSHER", who).arg("push");
    if let Some(r) = reason {
        c.arg("-o").arg(format!("hubgate.override={r}"));
    }
    let o = c.args(["origin", "HEAD:refs/heads/main"]).output().expect("push");
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn overrides_by_an_allowed_and_a_disallowed_pusher() {
    let s = Sandbox::new().with_post_receive("[discussions]\n");
    git(&s.server, &["config", "receive.advertisePushOptions", "true"]);
    override_policy(&s);
    s.card("---\nlicense: mit\ntags: [not-for-all-audiences]\n---\n");
    let (ok, err) = push_as(&s, "bob", Some("legal approved"));
    assert!(!ok);
    assert!(
        err.contains(
            "error[override-not-allowed]: bob asked to override policy \"org\", but only alice may override it"
        ),
        "{err}"
    );
    let (ok, err) = push_as(&s, "alice", None);
    assert!(!ok && err.contains("error[license-not-allowed]"), "{err}");
    let (ok, err) = push_as(&s, "alice", Some("legal approved"));
    assert!(ok, "{err}");
    assert!(
        err.contains("warning[license-not-allowed]") && err.contains("(overridden by alice: legal approved)"),
        "{err}"
    );
    assert!(
        err.contains("warning[override-used]: alice overrode 1 finding: legal approved"),
        "{err}"
    );
    let entry = &s.discussions()[0];
    assert_eq!(entry["override_reason"], "legal approved");
    assert_eq!(entry["pusher"], "alice");
    // A rule that is not overridable stays an error, even for alice.
    s.card("---\nlicense: mit\n---\n");
    let (ok, err) = push_as(&s, "alice", Some("again"));
    assert!(
        !ok && err.contains("error[audience-tag-required]") && err.contains("cannot be overridden"),
        "{err}"
    );
}

#[test]
fn doctor_fails_on_a_broken_install() {
    let s = Sandbox::new();
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm");
    s.policy("p.toml", "[[policy]]\nname = \"x\"\nrepos = [\"*\"]\nbogus = 1\n");
    let policies = s.policies.to_str().expect("utf8").to_owned();
    let fake_bin = s.root.join("gone/hubgate");
    install(
        &s.root,
        &[
            "--policies",
            &policies,
            "install",
            "--bin",
            fake_bin.to_str().expect("utf8"),
            s.server.to_str().expect("utf8"),
        ],
    );
    std::fs::set_permissions(
        s.server.join("hooks/post-receive"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .expect("chmod");
    let o = hubgate(&s.root, &["doctor", s.server.to_str().expect("utf8")]);
    let report = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{report}");
    assert!(
        report.contains("FAIL  post-receive hook") && report.contains("is not executable"),
        "{report}"
    );
    assert!(
        report.contains(&format!("FAIL  binary {} cannot run", fake_bin.display())),
        "{report}"
    );
    assert!(
        report.contains("FAIL  policy:") && report.contains("p.toml:4:1: unknown field `bogus`"),
        "{report}"
    );
}

#[test]
fn policy_explain_says_which_policies_apply_and_why() {
    let s = Sandbox::new();
    override_policy(&s);
    s.policy(
        "q.toml",
        "[[policy]]\nname = \"other\"\nrepos = [\"acme/*\"]\nexclude = [\"acme/model\"]\n",
    );
    let policies = s.policies.to_str().expect("utf8").to_owned();
    let o = hubgate(&s.root, &["--policies", &policies, "policy", "explain", "acme/model"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("org (") && text.contains("applies: \"acme/*\" matches"),
        "{text}"
    );
    assert!(
        text.contains("other (") && text.contains("excluded by \"acme/model\""),
        "{text}"
    );
    assert!(
        text.contains("license [org]: deny, overridable; allow apache-2.0"),
        "{text}"
    );
    assert!(text.contains("overrides [org]: alice may override"), "{text}");
}

#[test]
fn internal_gitea_pushes_follow_the_policy_setting() {
    for (setting, accepted) in [("skip", true), ("check", false)] {
        let s = Sandbox::new();
        s.policy(
            "p.toml",
            &format!("[[policy]]\nname = \"org\"\nrepos = [\"*\"]\ninternal-push = \"{setting}\"\n"),
        );
        s.card(BAD);
        let o = git_cmd(&s.work)
            .env("GITEA_INTERNAL_PUSH", "true")
            .env("GITEA_REPO_USER_NAME", "acme")
            .env("GITEA_REPO_NAME", "model")
            .args(["push", "origin", "HEAD:refs/heads/main"])
            .output()
            .expect("push");
        assert_eq!(
            o.status.success(),
            accepted,
            "{setting}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn a_global_hooks_path_is_installed_once() {
    let s = Sandbox::new();
    let second = s.root.join("acme/second.git");
    git(&s.root, &["init", "-q", "--bare", second.to_str().expect("utf8")]);
    let global = s.root.join("git-home/hooks");
    for repo in [&s.server, &second] {
        git(repo, &["config", "core.hooksPath", global.to_str().expect("utf8")]);
    }
    let out = install(
        &s.root,
        &["install", "--forgejo", s.root.join("acme").to_str().expect("utf8")],
    );
    assert_eq!(
        out.matches("write ").count(),
        2,
        "one pre-receive.d and one post-receive.d entry: {out}"
    );
    assert!(global.join("pre-receive.d/hubgate").is_file() && global.join("post-receive.d/hubgate").is_file());
}
