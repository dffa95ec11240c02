//! Issue 10 item 8: the wrapper `hubgate install` writes over an existing hook checks every step.
//! The previous hook and hubgate see the identical input; a copy that cannot be made refuses the
//! push (pre-receive, fail closed) or is reported with what the previous hook missed
//! (post-receive, where hubgate still reads the input straight from git and records the push).

use std::path::{Path, PathBuf};

use crate::util::{Push, Sandbox, git_cmd, hubgate, hubgate_bin, make_executable};

const CARD: &str = "---\nlicense: mit\n---\n# Model\n";

/// A server whose own hooks (as requested) write their input to `<server>/seen-<hook>`, with
/// hubgate installed over them through a shim that writes what hubgate reads to
/// `<server>/hubgate-saw-<hook>`.
fn server_with_hooks(hooks: &[&str]) -> Sandbox {
    let s = Sandbox::new();
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm the sandbox's hook");
    for hook in hooks {
        let path = s.server.join("hooks").join(hook);
        std::fs::write(
            &path,
            format!("#!/bin/sh\ncat > \"$(dirname \"$0\")/../seen-{hook}\"\n"),
        )
        .expect("hook");
        make_executable(&path);
    }
    let shim = s.root.join("hubgate-shim");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\nfor last; do :; done\ntee \"$GIT_DIR/hubgate-saw-$last\" | '{}' \"$@\"\n",
            hubgate_bin().display()
        ),
    )
    .expect("shim");
    make_executable(&shim);
    let root = s.root.join("acme");
    let o = hubgate(
        &s.root,
        &[
            "install",
            "--bin",
            shim.to_str().expect("utf8"),
            root.to_str().expect("utf8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    s
}

/// A push with extra environment (`PATH` with a fake `mktemp`, for instance).
fn push_env(s: &Sandbox, refspecs: &[&str], vars: &[(&str, String)]) -> Push {
    let o = git_cmd(&s.work)
        .arg("push")
        .arg("origin")
        .args(refspecs)
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("git push");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let remote = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("remote: "))
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    Push {
        ok: o.status.success(),
        remote,
        stderr,
    }
}

fn read(p: PathBuf) -> Option<Vec<u8>> {
    std::fs::read(p).ok()
}

/// The files left in `hubgate/tmp` (none after a healthy push).
fn left_in_tmp(server: &Path) -> Vec<String> {
    std::fs::read_dir(server.join("hubgate/tmp"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Makes `hubgate/tmp` impossible to create, even for root: a regular file stands there.
fn block_tmp(server: &Path) {
    std::fs::create_dir_all(server.join("hubgate")).expect("mkdir");
    // `install` made the (empty) folder for chained wrappers.
    let _ = std::fs::remove_dir(server.join("hubgate/tmp"));
    std::fs::write(server.join("hubgate/tmp"), "not a folder").expect("block");
}

/// A `PATH` whose `mktemp` hands out a link to `/dev/full`: the copy breaks off with ENOSPC, as
/// on a full disk, after the temporary file was made.
fn full_disk_path(s: &Sandbox) -> String {
    let bin = s.root.join("full-disk-bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let fake = bin.join("mktemp");
    std::fs::write(
        &fake,
        "#!/bin/sh\nf=\"${1%XXXXXX}full$$\"\nln -s /dev/full \"$f\" || exit 1\necho \"$f\"\n",
    )
    .expect("fake mktemp");
    make_executable(&fake);
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

#[test]
fn issue_10_chained_hooks_and_hubgate_see_the_identical_input() {
    let s = server_with_hooks(&["pre-receive", "post-receive"]);
    s.card(CARD);
    s.commit("second");
    let p = s.push(&["HEAD:refs/heads/main", "HEAD~1:refs/heads/dev", "HEAD:refs/tags/v1"]);
    assert!(p.ok, "{}", p.stderr);
    for hook in ["pre-receive", "post-receive"] {
        let seen = read(s.server.join(format!("seen-{hook}"))).expect("the previous hook ran");
        let saw = read(s.server.join(format!("hubgate-saw-{hook}"))).expect("hubgate ran");
        assert_eq!(seen, saw, "{hook}: the previous hook and hubgate read the same bytes");
        assert_eq!(String::from_utf8_lossy(&seen).lines().count(), 3, "{hook}");
    }
    assert_eq!(
        read(s.server.join("seen-pre-receive")),
        read(s.server.join("seen-post-receive"))
    );
    assert!(left_in_tmp(&s.server).is_empty(), "{:?}", left_in_tmp(&s.server));
    assert_eq!(s.discussions().len(), 1, "hubgate recorded the card on main");
    let root = s.root.join("acme");
    let o = hubgate(&s.root, &["install", "--uninstall", root.to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for hook in ["pre-receive", "post-receive"] {
        let text = std::fs::read_to_string(s.server.join("hooks").join(hook)).expect("restored");
        assert_eq!(text, format!("#!/bin/sh\ncat > \"$(dirname \"$0\")/../seen-{hook}\"\n"));
        assert!(!s.server.join(format!("hooks/{hook}.hubgate-chained")).exists());
    }
}

#[test]
fn issue_10_pre_receive_refuses_when_no_copy_can_be_made() {
    let s = server_with_hooks(&["pre-receive"]);
    block_tmp(&s.server);
    s.card(CARD);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.stderr);
    assert!(
        p.remote.contains(
            "the push was refused unchecked: the folder hubgate/tmp for a copy of the push cannot be created"
        ) && p.remote.contains("fail closed"),
        "{}",
        p.remote
    );
    assert!(
        !p.remote.contains(&*s.root.to_string_lossy()),
        "no server path: {}",
        p.remote
    );
    assert!(
        read(s.server.join("seen-pre-receive")).is_none(),
        "the previous hook did not run"
    );
    assert_eq!(s.server_ref("refs/heads/main"), None);
}

#[test]
fn issue_10_pre_receive_refuses_when_the_copy_breaks_off() {
    let s = server_with_hooks(&["pre-receive"]);
    s.card(CARD);
    let p = push_env(&s, &["HEAD:refs/heads/main"], &[("PATH", full_disk_path(&s))]);
    assert!(!p.ok, "{}", p.stderr);
    assert!(
        p.remote
            .contains("copying the push to hubgate/tmp failed (is the disk full?)")
            && p.remote.contains("fail closed"),
        "{}",
        p.remote
    );
    assert!(
        read(s.server.join("seen-pre-receive")).is_none(),
        "the previous hook did not run"
    );
    assert_eq!(s.server_ref("refs/heads/main"), None);
    assert!(
        left_in_tmp(&s.server).is_empty(),
        "cleaned up: {:?}",
        left_in_tmp(&s.server)
    );
}

#[test]
fn issue_10_post_receive_records_and_lists_what_the_chained_hook_missed() {
    let s = server_with_hooks(&["post-receive"]);
    block_tmp(&s.server);
    let new = s.card(CARD);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.stderr);
    assert!(
        p.remote
            .contains("the push was accepted, but post-receive.hubgate-chained did not run")
            && p.remote.contains(&format!(
                "hubgate: missed by post-receive.hubgate-chained: {} {new} refs/heads/main",
                "0".repeat(40)
            )),
        "{}",
        p.remote
    );
    assert!(read(s.server.join("seen-post-receive")).is_none());
    assert_eq!(
        read(s.server.join("hubgate-saw-post-receive")).map(|b| String::from_utf8_lossy(&b).into_owned()),
        Some(format!("{} {new} refs/heads/main\n", "0".repeat(40))),
        "hubgate read the whole input"
    );
    assert_eq!(s.discussions().len(), 1, "and recorded the push");
}

#[test]
fn issue_10_post_receive_keeps_a_broken_copy_and_says_so() {
    let s = server_with_hooks(&["post-receive"]);
    s.card(CARD);
    let p = push_env(&s, &["HEAD:refs/heads/main"], &[("PATH", full_disk_path(&s))]);
    assert!(p.ok, "{}", p.stderr);
    assert!(
        p.remote
            .contains("hubgate read all of it, but post-receive.hubgate-chained did not run: copying its input failed")
            && p.remote
                .contains("What was copied is kept in hubgate/tmp/post-receive.full"),
        "{}",
        p.remote
    );
    assert!(read(s.server.join("seen-post-receive")).is_none());
    assert_eq!(left_in_tmp(&s.server).len(), 1, "the partial copy is kept");
    assert_eq!(s.discussions().len(), 1, "hubgate recorded the push");
}
