//! `core.sharedRepository` (issue 11, item 3): what hubgate writes into a shared repository (the
//! discussions store's objects and ref, its lock, the journal) gets the group permissions git
//! gives its own files: group-writable, folders setgid, the repository's group. As root (CI), the
//! repository belongs to root and the group `users`, and root pushes; otherwise to the test's user
//! and its group.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::util::{Sandbox, git, hubgate};

const CONFIG: &str = "[discussions]\nwatch-refs = [\"HEAD\"]\n";

/// Whether the tests run as root.
fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Every file and folder under `dir`.
fn all(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out
}

#[test]
fn a_shared_repository_keeps_what_hubgate_writes_group_writable() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    // As `git init --shared=group` leaves it.
    git(&s.server, &["config", "core.sharedRepository", "group"]);
    if is_root() {
        let ok = std::process::Command::new("chgrp")
            .args(["-R", "users"])
            .arg(&s.server)
            .status()
            .is_ok_and(|st| st.success());
        assert!(ok, "chgrp users");
    }
    for p in all(&s.server).into_iter().chain([s.server.clone()]) {
        let ok = std::process::Command::new("chmod")
            .arg(if p.is_dir() { "g+ws" } else { "g+w" })
            .arg(&p)
            .status()
            .is_ok_and(|st| st.success());
        assert!(ok);
    }
    let group = std::fs::metadata(&s.server).expect("stat").gid();
    s.card("---\nlicense: mit\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.remote.contains("opened discussion #1"), "{}", p.remote);
    let repo = s.server.to_str().expect("utf8");
    let o = hubgate(&s.root, &["discussions", "--repo", repo, "comment", "1", "Reviewed."]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wrong = Vec::new();
    for p in all(&s.server) {
        let meta = std::fs::symlink_metadata(&p).expect("stat");
        let mode = meta.mode() & 0o7777;
        let rel = p
            .strip_prefix(&s.server)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        let is_object = rel.starts_with("objects/") && !meta.is_dir();
        let want = if meta.is_dir() {
            0o2070
        } else if is_object {
            // Objects are read-only for everyone (0444).
            0o040
        } else {
            0o060
        };
        if meta.gid() != group || mode & want != want {
            wrong.push(format!("{rel} {mode:04o} gid {}", meta.gid()));
        }
    }
    assert!(s.server.join("hubgate/discussions.lock").exists() && s.server.join("refs/hubgate/discussions").exists());
    assert!(
        wrong.is_empty(),
        "not shared with the group as git would:\n{}",
        wrong.join("\n")
    );
}
