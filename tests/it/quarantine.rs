//! Where pre-receive finds a push's objects: the quarantine, the repository's objects and the
//! alternates git names only in its environment, with nothing written anywhere (not even in
//! `$TMPDIR`).

use std::path::Path;

use crate::util::{Sandbox, git, git_cmd, hook_env, make_executable};

const GOOD: &str = "---\nlicense: apache-2.0\n---\n# Model\n";
const BAD: &str = "---\nlicense: MIT\n---\n# Model\n";

/// Points the installed hook's `$TMPDIR` at `tmpdir`.
fn hook_with_tmpdir(s: &Sandbox, tmpdir: &Path) {
    let hook = s.server.join("hooks/pre-receive");
    let script = std::fs::read_to_string(&hook).expect("hook");
    let script = script.replacen(
        "exec ",
        &format!("TMPDIR='{}'; export TMPDIR; exec ", tmpdir.display()),
        1,
    );
    std::fs::write(&hook, script).expect("hook");
    make_executable(&hook);
}

/// The attack: fill or break `$TMPDIR` (a full `/tmp` on the server) and push. A gate that needs
/// a scratch folder there refuses every push, good ones included, for as long as it lasts. The
/// hook must judge each push on its card alone.
#[test]
fn pushes_are_judged_when_tmpdir_is_unusable() {
    let s = Sandbox::new();
    // A file where a folder is expected: nothing can be created under it.
    let not_a_dir = s.root.join("tmpdir-is-a-file");
    std::fs::write(&not_a_dir, "x").expect("file");
    hook_with_tmpdir(&s, &not_a_dir);

    s.card(BAD);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.stderr);
    assert!(
        p.remote.contains("- Error: \"license\" must be one of"),
        "refused for its card, not for an internal failure:\n{}",
        p.remote
    );
    assert!(!p.remote.contains("internal"), "{}", p.remote);

    s.card(GOOD);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "a good card goes through whatever $TMPDIR is:\n{}", p.stderr);
    assert_eq!(
        s.server_ref("refs/heads/main"),
        Some(git(&s.work, &["rev-parse", "HEAD"]))
    );
}

/// A repository whose history lives in an object directory git names only in
/// `GIT_ALTERNATE_OBJECT_DIRECTORIES` (as Gitaly passes its object pools): the ref's old commit
/// and card are read from there, the new ones from the quarantine, and the repository's own
/// object directory holds nothing.
#[test]
fn objects_named_only_by_an_environment_alternate_are_read() {
    let s = Sandbox::new();
    // The history: a commit with a good card, in a pool of its own.
    s.card(GOOD);
    let base = git(&s.work, &["rev-parse", "HEAD"]);
    let pool = s.root.join("pool.git");
    git(&s.root, &["init", "-q", "--bare", pool.to_str().expect("utf8")]);
    git(
        &s.work,
        &["push", "-q", pool.to_str().expect("utf8"), "HEAD:refs/heads/main"],
    );
    let pool_objects = pool.join("objects");
    // The server's ref points at it, its objects elsewhere.
    std::fs::write(s.server.join("refs/heads/main"), format!("{base}\n")).expect("ref");

    // The push: a new commit, its objects in a quarantine directory written by git.
    let incoming = s.root.join("incoming.git");
    git(&s.root, &["init", "-q", "--bare", incoming.to_str().expect("utf8")]);
    let quarantine = incoming.join("objects");
    let alternates = format!("{}:{}", s.server.join("objects").display(), pool_objects.display());
    good_then_bad(
        &s,
        &base,
        |pack| {
            git_cmd(&incoming)
                .args(["unpack-objects", "-q"])
                .env("GIT_ALTERNATE_OBJECT_DIRECTORIES", &pool_objects)
                .stdin_bytes(pack);
        },
        &[
            ("GIT_OBJECT_DIRECTORY", quarantine.to_str().expect("utf8")),
            ("GIT_QUARANTINE_PATH", quarantine.to_str().expect("utf8")),
            ("GIT_ALTERNATE_OBJECT_DIRECTORIES", &alternates),
        ],
    );
    // Nothing was written into the repository's objects.
    let own: Vec<_> = std::fs::read_dir(s.server.join("objects"))
        .expect("objects")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n != "info" && n != "pack")
        .collect();
    assert!(own.is_empty(), "{own:?}");
}

/// The hook input's old value is what the client sent, not what the ref holds. The attack: a
/// commit with a token smuggled into the repository unscanned (no ref reaches it), then a push
/// on top of it whose command names that commit as the ref's old value, so that a gate trusting
/// the input stops its walk there. The token must still be found.
#[test]
fn an_old_value_the_ref_does_not_hold_stops_no_walk() {
    let s = Sandbox::new();
    s.card(GOOD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let base = git(&s.work, &["rev-parse", "HEAD"]);
    // The smuggled commit: its objects in the repository, no ref to it.
    s.write("keys.txt", "hf_Ab3dEf5hIj7lMn9pQr1tUv3xYz5BcD7fGh\n");
    let smuggled = s.commit("smuggled");
    let pack = git_cmd(&s.work)
        .args(["pack-objects", "--revs", "--stdout", "-q"])
        .stdin_bytes(format!("{smuggled}\n^{base}\n"));
    git_cmd(&s.server).args(["unpack-objects", "-q"]).stdin_bytes(pack);
    // The push: one harmless commit on top, in a quarantine.
    s.write("notes.txt", "harmless\n");
    let new = s.commit("on top");
    let incoming = s.root.join("incoming.git");
    git(&s.root, &["init", "-q", "--bare", incoming.to_str().expect("utf8")]);
    let pack = git_cmd(&s.work)
        .args(["pack-objects", "--revs", "--stdout", "-q"])
        .stdin_bytes(format!("{new}\n^{smuggled}\n"));
    git_cmd(&incoming)
        .args(["unpack-objects", "-q"])
        .env("GIT_ALTERNATE_OBJECT_DIRECTORIES", s.server.join("objects"))
        .stdin_bytes(pack);
    let quarantine = incoming.join("objects");
    let objects = s.server.join("objects");
    let env = [
        ("GIT_OBJECT_DIRECTORY", quarantine.to_str().expect("utf8")),
        ("GIT_QUARANTINE_PATH", quarantine.to_str().expect("utf8")),
        ("GIT_ALTERNATE_OBJECT_DIRECTORIES", objects.to_str().expect("utf8")),
    ];
    let args = ["--policies", s.policies.to_str().expect("utf8"), "pre-receive"];
    // The lie: main is at `base`, the command says `smuggled`.
    let out = hook_env(
        &s.server,
        &args,
        format!("{smuggled} {new} refs/heads/main\n").as_bytes(),
        &env,
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("keys.txt"), "the smuggled token is found: {said}");
    // The truth: the same commits with main's real old value are refused for the same file.
    let out = hook_env(
        &s.server,
        &args,
        format!("{base} {new} refs/heads/main\n").as_bytes(),
        &env,
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success() && said.contains("keys.txt"), "{said}");
}

/// git lays the quarantine out inside the repository's own `objects/` (`tmp_objdir-incoming-*`),
/// and a server may give its paths relative to the repository (Gitaly does): both variables
/// relative, the quarantine where git puts it.
#[test]
fn relative_quarantine_paths_are_resolved_in_the_repository() {
    let s = Sandbox::new();
    s.card(GOOD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let base = git(&s.work, &["rev-parse", "HEAD"]);
    let incoming = s.server.join("objects/tmp_objdir-incoming-test");
    std::fs::create_dir_all(incoming.join("pack")).expect("quarantine");
    good_then_bad(
        &s,
        &base,
        |pack| {
            git_cmd(&s.server)
                .args(["unpack-objects", "-q"])
                .env("GIT_OBJECT_DIRECTORY", &incoming)
                .env("GIT_ALTERNATE_OBJECT_DIRECTORIES", s.server.join("objects"))
                .stdin_bytes(pack);
        },
        &[
            ("GIT_OBJECT_DIRECTORY", "objects/tmp_objdir-incoming-test"),
            ("GIT_QUARANTINE_PATH", "objects/tmp_objdir-incoming-test"),
            ("GIT_ALTERNATE_OBJECT_DIRECTORIES", "./objects"),
        ],
    );
}

/// Commits a changed good card, then a bad one, each on `base`; `unpack` puts each commit's new
/// objects where the quarantine is, and pre-receive runs with `env`. The good card passes, the
/// bad one is refused in the Hub's words, and no object is missing.
fn good_then_bad(s: &Sandbox, base: &str, unpack: impl Fn(Vec<u8>), env: &[(&str, &str)]) {
    for (card, expect_ok) in [(GOOD.replace("# Model", "# Changed"), true), (BAD.to_owned(), false)] {
        s.card(&card);
        let new = git(&s.work, &["rev-parse", "HEAD"]);
        unpack(
            git_cmd(&s.work)
                .args(["pack-objects", "--revs", "--stdout", "-q"])
                .stdin_bytes(format!("{new}\n^{base}\n")),
        );
        let out = hook_env(
            &s.server,
            &["--policies", s.policies.to_str().expect("utf8"), "pre-receive"],
            format!("{base} {new} refs/heads/main\n").as_bytes(),
            env,
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.success(),
            expect_ok,
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if !expect_ok {
            assert!(stdout.contains("- Error: \"license\" must be one of"), "{stdout}");
        }
        assert!(!stdout.contains("missing"), "{stdout}");
        git(&s.work, &["reset", "-q", "--hard", base]);
    }
}

/// Runs a command with `input` on stdin and returns its stdout; fails the test on failure.
pub(crate) trait StdinBytes {
    fn stdin_bytes(&mut self, input: impl AsRef<[u8]>) -> Vec<u8>;
}

impl StdinBytes for std::process::Command {
    fn stdin_bytes(&mut self, input: impl AsRef<[u8]>) -> Vec<u8> {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_ref())
            .expect("stdin");
        let o = child.wait_with_output().expect("wait");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    }
}
