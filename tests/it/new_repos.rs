//! Repositories created after `hubgate install` are gated (issue 11, item 5), on each server kind
//! whose mechanism is not tested with its real server elsewhere (gitolite: tests/it/gitolite.rs).

use std::path::Path;

use crate::util::{Sandbox, git, git_cmd, hubgate, make_executable};

const BAD: &str = "---\nlicense: not-a-licence\n---\n";

fn install(dir: &Path, args: &[&str]) {
    let o = hubgate(dir, args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// GitLab: Gitaly runs, for every repository, its own hooks and then each executable in
/// `<custom_hooks_dir>/<hook>.d/` in alphabetical order with the same input (GitLab's
/// `doc/administration/server_hooks.md`). Its hooks reach git through its own hooks folder, not
/// through files in the repository; the recreation is that folder, set as `core.hooksPath` for
/// every repository (as Gitaly passes it to git), with a dispatcher that does what Gitaly's does.
#[test]
fn gitlab_repositories_created_after_the_install_are_gated() {
    let s = Sandbox::new();
    let custom = s.root.join("custom_hooks");
    std::fs::create_dir_all(&custom).expect("mkdir");
    install(&s.root, &["install", "--gitlab", custom.to_str().expect("utf8")]);
    let gitaly = s.root.join("gitaly-hooks");
    std::fs::create_dir_all(&gitaly).expect("mkdir");
    for kind in ["pre-receive", "post-receive"] {
        let hook = gitaly.join(kind);
        std::fs::write(
            &hook,
            format!(
                "#!/bin/sh\n# Gitaly's chain for {kind}: its own checks, then {custom}/{kind}.d/* in order.\n\
                 input=$(mktemp)\ncat > \"$input\"\nfor h in '{custom}'/{kind}.d/*; do\n    [ -x \"$h\" ] || continue\n\
                 \"$h\" < \"$input\" || {{ rm -f \"$input\"; exit 1; }}\ndone\nrm -f \"$input\"\n",
                custom = custom.display()
            ),
        )
        .expect("hook");
        make_executable(&hook);
    }
    // A project created after the install: nothing of hubgate's is in it.
    let fresh = s.root.join("group/fresh.git");
    std::fs::create_dir_all(&fresh).expect("mkdir");
    git(&fresh, &["init", "-q", "--bare", "-b", "main"]);
    let hooks = std::fs::read_dir(fresh.join("hooks")).expect("hooks");
    assert!(
        hooks
            .flatten()
            .all(|e| e.file_name().to_string_lossy().ends_with(".sample")),
        "the new repository holds no hook of hubgate's"
    );
    git(&fresh, &["config", "core.hooksPath", gitaly.to_str().expect("utf8")]);
    let push = || {
        let o = git_cmd(&s.work)
            .env("GL_ID", "user-1")
            .env("GL_USERNAME", "bob")
            .env("GL_PROJECT_PATH", "group/fresh")
            .args(["push", fresh.to_str().expect("utf8"), "HEAD:refs/heads/main"])
            .output()
            .expect("push");
        (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    s.card(BAD);
    let (ok, err) = push();
    assert!(!ok, "{err}");
    assert!(err.contains("GL-HOOK-ERR: Sorry, your push was rejected"), "{err}");
    s.card("---\nlicense: apache-2.0\n---\n");
    let (ok, err) = push();
    assert!(ok, "{err}");
}

/// Plain git: `hubgate install --template DIR --git-home HOME ROOT` writes a git template (the
/// hooks, and in its `config` the settings) and names it in the `.gitconfig` of the user who
/// creates repositories; a repository that user makes later with a plain `git init --bare` is
/// gated from its first push, overrides included (push options advertised).
#[test]
fn plain_repositories_created_after_the_install_are_gated() {
    let s = Sandbox::new();
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n[policy.license]\nallow = [\"apache-2.0\"]\noverridable = true\n",
    );
    let home = s.root.join("git-home");
    std::fs::create_dir_all(&home).expect("home");
    let template = s.root.join("template");
    let root = s.root.to_str().expect("utf8");
    let args = [
        "--policies",
        s.policies.to_str().expect("utf8"),
        "install",
        "--template",
        template.to_str().expect("utf8"),
        "--git-home",
        home.to_str().expect("utf8"),
        root,
    ];
    install(&s.root, &args);
    let gitconfig = home.join(".gitconfig");
    // The server's user makes a repository the ordinary way.
    let fresh = s.root.join("acme/fresh.git");
    let o = git_cmd(&s.root)
        .env("GIT_CONFIG_GLOBAL", &gitconfig)
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&fresh)
        .output()
        .expect("git init");
    assert!(o.status.success());
    let url = fresh.to_str().expect("utf8");
    let push = |options: &[&str]| {
        let mut c = git_cmd(&s.work);
        c.env("HUBGATE_PUSHER", "alice").arg("push");
        for o in options {
            c.arg("-o").arg(o);
        }
        let o = c.args([url, "HEAD:refs/heads/main"]).output().expect("push");
        (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    s.card(BAD);
    let (ok, err) = push(&[]);
    assert!(!ok && err.contains("\"license\" must be one of"), "{err}");
    s.card("---\nlicense: mit\n---\n");
    let (ok, err) = push(&[]);
    assert!(!ok && err.contains("license-not-allowed"), "{err}");
    let (ok, err) = push(&["hubgate.override=reviewed"]);
    assert!(ok, "push options reach the hook of the new repository: {err}");
    // Installing over the root now finds the template's hooks in it already; the name is the
    // path under the root, as for the others.
    let o = hubgate(&s.root, &args);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("keep {}/hooks/pre-receive (already installed)", url)),
        "{out}"
    );
    assert!(out.contains("\"acme/fresh\""), "{out}");
    // Uninstalling removes the setting: a repository made afterwards carries nothing of hubgate.
    let mut undo = args.to_vec();
    undo.insert(3, "--uninstall");
    install(&s.root, &undo);
    assert!(
        !std::fs::read_to_string(&gitconfig)
            .unwrap_or_default()
            .contains("templateDir")
    );
    assert!(!template.join("hooks/pre-receive").exists());
}
