//! hubgate's configuration writes against git's own: the same starting file, the same steps,
//! byte for byte; and the values read against `git config --get`.

use super::*;

/// `git config --file file <args>` in a hermetic environment; whether it succeeded.
fn git(file: &Path, args: &[&str]) -> bool {
    std::process::Command::new("git")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["config", "--file"])
        .arg(file)
        .args(args)
        .output()
        .expect("git runs")
        .status
        .success()
}

/// A `git init --bare` repository's own `config`.
fn init_bare_config() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tmp");
    let repo = dir.path().join("r.git");
    let o = std::process::Command::new("git")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["init", "-q", "--bare"])
        .arg(&repo)
        .output()
        .expect("git init");
    assert!(o.status.success());
    std::fs::read(repo.join("config")).expect("config")
}

/// The starting files: what `install` meets on real servers and what an administrator may have
/// written by hand (`None`: no file at all, as a user without a `.gitconfig`).
fn starts() -> Vec<(&'static str, Option<Vec<u8>>)> {
    vec![
        ("git init --bare", Some(init_bare_config())),
        (
            "comments",
            Some(b"# the server's settings\n[core]\n\tbare = true ; for ever\n\n; more later\n".to_vec()),
        ),
        (
            "a [receive] section already",
            Some(b"[core]\n\tbare = true\n[receive]\n\tdenyNonFastForwards = true\n[gc]\n\tauto = 0\n".to_vec()),
        ),
        (
            "[Receive] in capitals",
            Some(b"[Receive]\n\tdenyDeletes = true\n".to_vec()),
        ),
        (
            "two [receive] sections",
            Some(
                b"[receive]\n\tdenyDeletes = true\n[core]\n\tbare = true\n[receive]\n\tshallowUpdate = true\n".to_vec(),
            ),
        ),
        (
            "an include",
            Some(b"[include]\n\tpath = other.config\n[core]\n\tbare = true\n".to_vec()),
        ),
        (
            "CRLF lines",
            Some(b"[core]\r\n\tbare = true\r\n[receive]\r\n\tdenyDeletes = true\r\n".to_vec()),
        ),
        ("no final newline", Some(b"[core]\n\tbare = true".to_vec())),
        (
            "spaces, not tabs",
            Some(b"[core]\n    bare = true\n[receive]\n    denyDeletes = true\n".to_vec()),
        ),
        ("no indentation", Some(b"[receive]\ndenyDeletes = true\n".to_vec())),
        (
            "a key on the header's line",
            Some(b"[receive] denyDeletes = true\n".to_vec()),
        ),
        (
            "a continued value",
            Some(b"[receive]\n\thideRefs = refs/\\\n  pull\n".to_vec()),
        ),
        (
            "a subsection",
            Some(b"[receive \"x\"]\n\tdenyDeletes = true\n[hubgate \"a\"]\n\tx = 1\n".to_vec()),
        ),
        ("empty", Some(Vec::new())),
        ("missing", None),
    ]
}

/// Runs `steps` (`Some(value)`: set, `None`: unset) from `start` with hubgate and with git, and
/// asserts the files are the same bytes after every step.
fn same_bytes_as_git(start: &Option<Vec<u8>>, what: &str, steps: &[(&str, Option<&str>)]) {
    let dir = tempfile::tempdir().expect("tmp");
    let (ours, theirs) = (dir.path().join("ours"), dir.path().join("theirs"));
    if let Some(bytes) = start {
        std::fs::write(&ours, bytes).expect("write");
        std::fs::write(&theirs, bytes).expect("write");
    }
    for (key, value) in steps {
        match value {
            Some(v) => {
                set(&ours, key, v).unwrap_or_else(|e| panic!("{what}: set {key}: {e:#}"));
                assert!(git(&theirs, &[key, v]), "{what}: git set {key}");
            }
            None => {
                unset(&ours, key).unwrap_or_else(|e| panic!("{what}: unset {key}: {e:#}"));
                assert!(git(&theirs, &["--unset", key]), "{what}: git unset {key}");
            }
        }
        let (a, b) = (
            std::fs::read(&ours).expect("ours"),
            std::fs::read(&theirs).expect("git's"),
        );
        assert!(
            a == b,
            "{what}, after {key}:\nhubgate:\n{:?}\ngit:\n{:?}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
    }
}

#[test]
fn install_and_uninstall_write_the_bytes_git_writes() {
    let mut install: Vec<(&str, Option<&str>)> = Vec::new();
    for (key, marker) in crate::install::SETTINGS {
        install.extend([(key, Some("true")), (marker, Some("true"))]);
    }
    let uninstall: Vec<(&str, Option<&str>)> = install.iter().map(|(k, _)| (*k, None)).collect();
    let steps: Vec<_> = install.into_iter().chain(uninstall).collect();
    for (what, start) in starts() {
        same_bytes_as_git(&start, what, &steps);
    }
}

#[test]
fn the_template_setting_is_written_as_git_writes_it() {
    let key = crate::install::template::TEMPLATE_KEY;
    let steps = [
        (key, Some("/etc/hubgate/template")),
        (key, None),
        // Values git quotes or escapes.
        (key, Some("/srv/git templates; #1 \"new\" \\ ")),
        (key, None),
    ];
    for (what, start) in starts() {
        same_bytes_as_git(&start, what, &steps);
    }
}

#[test]
fn values_read_as_git_reads_them() {
    let text = "[core]\n\thooksPath = \"/srv/hooks dir\" ; a comment\n\tbare\n[receive]\n\tfsckObjects = yes\n\
                [Receive]\n\tfsckObjects = false\n[hubgate]\n\tsetFsckObjects = true\n[init]\n\ttemplateDir = a\\\"b\\\\c\n\
                [include]\n\tpath = other\n";
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("config");
    std::fs::write(&file, text).expect("write");
    std::fs::write(dir.path().join("other"), "[receive]\n\tadvertisePushOptions = true\n").expect("write");
    for key in [
        "core.hooksPath",
        "core.bare",
        "receive.fsckObjects",
        "receive.advertisePushOptions",
        "hubgate.setFsckObjects",
        "hubgate.setAdvertisePushOptions",
        "init.templateDir",
    ] {
        let o = std::process::Command::new("git")
            .args(["config", "--file"])
            .arg(&file)
            .args(["--get", key])
            .output()
            .expect("git");
        let theirs = o
            .status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).trim_end_matches('\n').to_owned());
        assert_eq!(get(&file, key), theirs, "{key}");
    }
    assert_eq!(get(&dir.path().join("missing"), "core.bare"), None);
}

#[test]
fn a_lock_held_by_another_writer_is_respected() {
    // git holds `config.lock` while it rewrites `config`: hubgate must fail, not write around it.
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("config");
    std::fs::write(&file, "[core]\n\tbare = true\n").expect("write");
    std::fs::write(dir.path().join("config.lock"), "git's").expect("lock");
    let e = set(&file, "receive.fsckObjects", "true").expect_err("locked");
    assert!(format!("{e:#}").contains("cannot lock"), "{e:#}");
    assert_eq!(std::fs::read(&file).expect("config"), b"[core]\n\tbare = true\n");
    assert_eq!(std::fs::read(dir.path().join("config.lock")).expect("lock"), b"git's");
}
