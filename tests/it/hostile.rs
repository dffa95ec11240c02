//! Hostile and broken pushes (issue 6): each answered with a clear message, never a panic, never
//! an accepted push that a rule should refuse.

use crate::util::{Sandbox, git, hook};

const CARD: &str = "---\nlicense: mit\n---\n";

fn no_panic(text: &str) {
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn readme_as_a_directory_or_a_submodule_is_refused() {
    let s = Sandbox::new();
    s.write("README.md/inner.md", CARD);
    s.commit("dir");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(
        !p.ok && p.remote.contains("error[card-not-a-file]: README.md is a directory"),
        "{}",
        p.remote
    );
    let s = Sandbox::new();
    s.write("other.md", CARD);
    let blob = s.commit("x");
    git(
        &s.work,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{blob},README.md"),
        ],
    );
    git(&s.work, &["commit", "-q", "-m", "submodule"]);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok && p.remote.contains("README.md is a submodule"), "{}", p.remote);
}

#[test]
fn hostile_yaml_in_a_real_push_is_refused_cleanly() {
    let mut bomb = String::from("---\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 0..10 {
        let prev = if i == 0 { "a".to_owned() } else { format!("b{}", i - 1) };
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    bomb.push_str("---\n");
    let deep = format!("---\na: {}{}\n---\n", "[".repeat(100_000), "]".repeat(100_000));
    let nul = "---\nlicense: mit\nx: \"a\0b\"\n---\nbody\0\n".to_owned();
    for (name, card, refused) in [("bomb", bomb, true), ("deep", deep, true), ("nul", nul, true)] {
        let s = Sandbox::new();
        s.card(&card);
        let p = s.push(&["HEAD:refs/heads/main"]);
        no_panic(&p.stderr);
        assert_eq!(!p.ok, refused, "{name}: {}", p.remote);
        assert!(p.remote.contains("Invalid YAML in README.md:"), "{name}: {}", p.remote);
    }
    let keys: String = (0..10_000).map(|i| format!("k{i}: {i}\n")).collect();
    let s = Sandbox::new();
    s.card(&format!("---\nlicense: mit\n{keys}---\n"));
    assert!(s.push(&["HEAD:refs/heads/main"]).ok, "10,000 keys are a valid card");
}

#[test]
fn a_100_mb_card_is_refused_without_being_read() {
    let s = Sandbox::new();
    let mut card = String::from(CARD);
    card.push_str(&"x".repeat(100 * 1024 * 1024));
    s.card(&card);
    let p = s.push(&["HEAD:refs/heads/main"]);
    no_panic(&p.stderr);
    assert!(!p.ok);
    assert!(p.remote.contains("error[card-too-large]"), "{}", p.remote);
    assert!(
        p.remote.contains("files larger than 10 MiB") && p.remote.contains("  - README.md (ref: refs/heads/main)"),
        "{}",
        p.remote
    );
}

#[test]
fn truncated_lines_and_missing_objects_fail_closed() {
    let s = Sandbox::new();
    let zero = "0".repeat(40);
    let missing = "1234567890123456789012345678901234567890";
    for (input, expect) in [
        (format!("{zero} {missing}"), "expected `<old> <new> <ref>`"),
        (format!("{zero} 12345 refs/heads/main\n"), "not an object id"),
        (
            format!("{zero} {missing} refs/heads/main\n"),
            "is missing from the repository",
        ),
    ] {
        let out = hook(&s.server, &["pre-receive"], input.as_bytes());
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains(expect) && text.contains("fail closed"), "{text}");
        no_panic(&text);
    }
}

#[test]
fn a_shallow_client_can_push() {
    let s = Sandbox::new();
    for i in 0..3 {
        s.card(&format!("---\nlicense: mit\ntags: [v{i}]\n---\n"));
        assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    }
    let shallow = s.root.join("shallow");
    let url = format!("file://{}", s.server.display());
    git(
        &s.root,
        &["clone", "-q", "--depth", "1", &url, shallow.to_str().expect("utf8")],
    );
    std::fs::write(shallow.join("README.md"), "---\nlicense: apache-2.0\n---\n").expect("write");
    git(&shallow, &["commit", "-q", "-am", "from a shallow clone"]);
    let o = crate::util::git_cmd(&shallow)
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_push_deleting_every_branch_is_answered() {
    let s = Sandbox::new();
    s.card(CARD);
    assert!(
        s.push(&["HEAD:refs/heads/main", "HEAD:refs/heads/dev", "HEAD:refs/pr/1"])
            .ok
    );
    git(&s.server, &["config", "receive.denyDeleteCurrent", "ignore"]);
    let p = s.push(&[":refs/heads/main", ":refs/heads/dev", ":refs/pr/1"]);
    assert!(p.ok, "{}", p.stderr);
    assert_eq!(s.server_ref("refs/heads/dev"), None);
}

#[test]
fn unusual_names_are_reported_faithfully() {
    let s = Sandbox::new();
    s.card(CARD);
    s.write("dïr with space/😀 model.bin", "x".repeat(11 * 1024 * 1024));
    s.commit("odd names");
    let p = s.push(&["HEAD:refs/heads/ü/😀"]);
    assert!(!p.ok);
    assert!(
        p.remote
            .contains("  - dïr with space/😀 model.bin (ref: refs/heads/ü/😀)"),
        "{}",
        p.remote
    );
}
