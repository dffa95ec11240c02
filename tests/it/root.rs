//! Administrators run hubgate as root (issue 11): nothing it writes may leave a repository its
//! owner cannot use. These tests give a repository to `nobody` and run hubgate as root; they
//! need root (CI runs as root, and `HUBGATE_REQUIRE_ROOT_TESTS` makes them fail rather than skip).

use std::path::Path;

use crate::util::{Sandbox, hubgate, hubgate_bin};

const CONFIG: &str = "[discussions]\nwatch-refs = [\"refs/heads/*\"]\n";

/// Whether the tests run as root, which these need.
#[allow(clippy::print_stderr)] // says why the test is skipped
pub fn as_root() -> bool {
    let is_root = std::fs::read_to_string("/proc/self/status").is_ok_and(|t| {
        t.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
    });
    if !is_root {
        eprintln!("skipped: needs root to give a repository to another user (CI runs as root)");
        assert!(
            std::env::var_os("HUBGATE_REQUIRE_ROOT_TESTS").is_none(),
            "HUBGATE_REQUIRE_ROOT_TESTS is set but the tests do not run as root"
        );
    }
    is_root
}

/// Files under `dir` not owned by `user`.
pub fn not_owned_by(dir: &Path, user: &str) -> String {
    let o = std::process::Command::new("find")
        .arg(dir)
        .args(["!", "-user", user])
        .output()
        .expect("find");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Changes the owner of every file under `dir` (root only).
pub fn chown_tree(dir: &Path, user: &str) -> bool {
    std::process::Command::new("chown")
        .args(["-R", user])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
#[allow(clippy::print_stderr)] // says why the test is skipped
fn root_refuses_to_write_into_a_repository_it_does_not_own() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    s.card("---\nlicense: mit\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let is_root = std::fs::read_to_string("/proc/self/status").is_ok_and(|t| {
        t.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
    });
    if !is_root || !chown_tree(&s.server, "nobody") {
        eprintln!("skipped: needs root to give the repository to another user (CI runs as root)");
        assert!(
            std::env::var_os("HUBGATE_REQUIRE_ROOT_TESTS").is_none(),
            "HUBGATE_REQUIRE_ROOT_TESTS is set but the repository could not be given away"
        );
        return;
    }
    let repo = s.server.to_str().expect("utf8");
    for args in [
        vec!["discussions", "--repo", repo, "comment", "1", "Reviewed."],
        vec!["discussions", "--repo", repo, "close", "1"],
        vec!["discussions", "--repo", repo, "replay"],
        vec!["outbox", "--repo", repo, "flush"],
    ] {
        let o = hubgate(&s.root, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("this repository belongs to nobody") && err.contains("sudo -u nobody hubgate"),
            "{args:?}: {err}"
        );
    }
    // Reading is fine, and nothing root-owned appeared.
    let o = hubgate(&s.root, &["discussions", "--repo", repo, "list"]);
    assert!(o.status.success());
    let owned_by_root = std::process::Command::new("find")
        .arg(&s.server)
        .args(["-user", "root"])
        .output()
        .expect("find");
    assert!(
        owned_by_root.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&owned_by_root.stdout)
    );
    assert!(chown_tree(&s.server, "root"));
}

#[test]
fn install_and_uninstall_as_root_keep_the_owner_and_modes() {
    let s = Sandbox::new();
    if !as_root() {
        return;
    }
    // A hook of the site's own, to be chained.
    std::fs::write(s.server.join("hooks/post-update"), "#!/bin/sh\nexit 0\n").expect("hook");
    assert!(chown_tree(&s.server, "nobody"));
    let config = s.server.join("config");
    let mode = |p: &Path| std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(p).expect("stat").permissions());
    let before = mode(&config);
    let root = s.root.to_str().expect("utf8");
    let bin = hubgate_bin();
    let o = hubgate(&s.root, &["install", "--bin", bin.to_str().expect("utf8"), root]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(s.server.join("hooks/post-receive").exists());
    assert_eq!(not_owned_by(&s.server, "nobody"), "", "everything stays nobody's");
    assert_eq!(mode(&config), before, "config keeps its mode");
    let o = hubgate(&s.root, &["install", "--uninstall", root]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(not_owned_by(&s.server, "nobody"), "");
    assert_eq!(mode(&config), before);
    assert!(chown_tree(&s.server, "root"));
}
