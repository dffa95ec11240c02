//! Where the history a repository already has begins, as pre-receive decides it: the refs' tips
//! (read before the push, never from the quarantine), the updated refs' old values (only when
//! the ref holds them and the object was there), and no quarantine where git set none.

use std::path::Path;

use crate::quarantine::StdinBytes;
use crate::util::{Sandbox, git, git_cmd, hook_env};

const GOOD: &str = "---\nlicense: apache-2.0\n---\n# Model\n";
const TOKEN_FILE: (&str, &str) = ("keys.txt", "hf_Ab3dEf5hIj7lMn9pQr1tUv3xYz5BcD7fGh\n");

/// The new objects of `tip` (not reachable from `base`), packed by git.
fn pack(s: &Sandbox, tip: &str, base: Option<&str>) -> Vec<u8> {
    let revs = match base {
        Some(b) => format!("{tip}\n^{b}\n"),
        None => format!("{tip}\n"),
    };
    git_cmd(&s.work)
        .args(["pack-objects", "--revs", "--stdout", "-q"])
        .stdin_bytes(revs)
}

/// Unpacks `pack` into `objects` (a quarantine or a pool), which may refer to `alternate`.
fn unpack(s: &Sandbox, objects: &Path, alternate: Option<&Path>, pack: Vec<u8>) {
    let mut c = git_cmd(&s.server);
    c.args(["unpack-objects", "-q"]).env("GIT_OBJECT_DIRECTORY", objects);
    if let Some(a) = alternate {
        c.env("GIT_ALTERNATE_OBJECT_DIRECTORIES", a);
    }
    c.stdin_bytes(pack);
}

/// Runs pre-receive on `line` with `vars`; returns whether it accepted, and what it printed.
fn pre_receive(s: &Sandbox, line: &str, vars: &[(&str, &str)]) -> (bool, String) {
    let out = hook_env(
        &s.server,
        &["--policies", s.policies.to_str().expect("utf8"), "pre-receive"],
        line.as_bytes(),
        vars,
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

/// A commit with a token, present before hubgate was installed, is history: a new branch
/// created at a commit on top of it, with `GIT_OBJECT_DIRECTORY` naming the repository's own
/// objects (a server exporting it for every process), must not be judged as if the whole history
/// came with the push. Taking that directory for a quarantine made every object "pushed".
#[test]
fn the_repositorys_own_object_directory_is_no_quarantine() {
    let s = Sandbox::new();
    s.card(GOOD);
    s.write(TOKEN_FILE.0, TOKEN_FILE.1);
    let old = s.commit("before hubgate");
    // The history reaches the server without the hook (installed later).
    let hook = s.server.join("hooks/pre-receive");
    let saved = std::fs::read(&hook).expect("hook");
    std::fs::remove_file(&hook).expect("rm hook");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    std::fs::write(&hook, saved).expect("hook");
    crate::util::make_executable(&hook);
    s.write("notes.txt", "harmless\n");
    let new = s.commit("on top");
    let objects = s.server.join("objects");
    unpack(&s, &objects, None, pack(&s, &new, Some(&old)));
    let own = objects.to_str().expect("utf8");
    let zero = "0".repeat(40);
    let (ok, said) = pre_receive(
        &s,
        &format!("{zero} {new} refs/heads/feature\n"),
        &[("GIT_OBJECT_DIRECTORY", own)],
    );
    assert!(ok, "only the new commit is judged: {said}");
    // The same line in a real quarantine holding the new commit: also accepted.
    let (ok, said) = pre_receive(&s, &format!("{zero} {new} refs/heads/feature\n"), &[]);
    assert!(ok, "{said}");
}

/// History in an object pool named only by `GIT_ALTERNATE_OBJECT_DIRECTORIES`, the repository's
/// own objects empty: a branch created at an existing commit brings nothing, and the token in
/// that history is not the push's. The refs' tips must be read through the same stores.
#[test]
fn ref_tips_are_read_through_the_environments_alternates() {
    let s = Sandbox::new();
    s.card(GOOD);
    s.write(TOKEN_FILE.0, TOKEN_FILE.1);
    let base = s.commit("history");
    let pool = s.root.join("pool-objects");
    std::fs::create_dir_all(pool.join("pack")).expect("pool");
    unpack(&s, &pool, None, pack(&s, &base, None));
    std::fs::write(s.server.join("refs/heads/main"), format!("{base}\n")).expect("ref");
    let incoming = s.root.join("incoming");
    std::fs::create_dir_all(incoming.join("pack")).expect("quarantine");
    let alternates = format!("{}:{}", s.server.join("objects").display(), pool.display());
    let q = incoming.to_str().expect("utf8");
    let vars = [
        ("GIT_OBJECT_DIRECTORY", q),
        ("GIT_QUARANTINE_PATH", q),
        ("GIT_ALTERNATE_OBJECT_DIRECTORIES", alternates.as_str()),
    ];
    let zero = "0".repeat(40);
    let (ok, said) = pre_receive(&s, &format!("{zero} {base} refs/heads/copy\n"), &vars);
    assert!(ok, "a branch at an existing commit brings nothing: {said}");
}

/// A ref that points at a commit the repository does not have (a partial restore, a lost pool),
/// and a push that brings that commit, with a token, under the ref's own value as its old value.
/// The commit is the push's: it must be scanned, not taken for history because the ref names it.
#[test]
fn a_ref_to_a_missing_commit_does_not_make_the_push_bringing_it_history() {
    let s = Sandbox::new();
    s.card(GOOD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let base = git(&s.work, &["rev-parse", "HEAD"]);
    s.write(TOKEN_FILE.0, TOKEN_FILE.1);
    let missing = s.commit("not on the server");
    std::fs::write(s.server.join("refs/heads/main"), format!("{missing}\n")).expect("ref");
    s.write("notes.txt", "harmless\n");
    let new = s.commit("on top");
    let incoming = s.root.join("incoming");
    std::fs::create_dir_all(incoming.join("pack")).expect("quarantine");
    unpack(
        &s,
        &incoming,
        Some(&s.server.join("objects")),
        pack(&s, &new, Some(&base)),
    );
    let q = incoming.to_str().expect("utf8");
    let objects = s.server.join("objects");
    let vars = [
        ("GIT_OBJECT_DIRECTORY", q),
        ("GIT_QUARANTINE_PATH", q),
        ("GIT_ALTERNATE_OBJECT_DIRECTORIES", objects.to_str().expect("utf8")),
    ];
    let (ok, said) = pre_receive(&s, &format!("{missing} {new} refs/heads/main\n"), &vars);
    assert!(!ok, "{said}");
    assert!(said.contains("keys.txt"), "the token the push brings is found: {said}");
}
