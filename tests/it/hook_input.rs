//! The hook input is read whole (issue 9): no ref line is ever cut off, and past the bound
//! (`HUBGATE_MAX_INPUT`, default 256 MiB) the push is refused with a message naming the bound.

use crate::util::{Sandbox, hook, hook_env, hubgate_bin, make_executable};

const ZERO: &str = "0000000000000000000000000000000000000000";
const BAD: &str = "---\nlicense: not-a-licence\n---\n";
const GOOD: &str = "---\nlicense: mit\n---\n";

/// Lines of exactly `len` bytes deleting refs that do not exist, `total` bytes in all.
fn deletions(total: usize, len: usize) -> Vec<u8> {
    assert_eq!(total % len, 0);
    let mut out = Vec::with_capacity(total);
    for i in 0..total / len {
        let head = format!("{} {ZERO} refs/heads/gone/{i:08}-", "1".repeat(40));
        out.extend_from_slice(head.as_bytes());
        out.resize(out.len() + len - head.len() - 1, b'x');
        out.push(b'\n');
    }
    assert_eq!(out.len(), total);
    out
}

/// A card the Hub refuses, on a commit the server has (pushed before the hook was there).
fn server_with_bad_commit() -> (Sandbox, String) {
    let s = Sandbox::new();
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm");
    let commit = s.card(BAD);
    assert!(s.push(&["HEAD:refs/heads/parked"]).ok);
    s.install_plain_hook();
    (s, commit)
}

/// Regression for issue 9: the old hook read 64 MiB and ignored the rest, so an update of `main`
/// after 64 MiB of other lines was never checked and the bad card was accepted.
#[test]
fn issue_9_an_update_after_64_mib_of_input_is_still_checked() {
    let (s, commit) = server_with_bad_commit();
    let mut input = deletions(64 * 1024 * 1024, 256);
    input.extend_from_slice(format!("{ZERO} {commit} refs/heads/main\n").as_bytes());
    let out = hook(&s.server, &["pre-receive"], &input);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Sorry, your push was rejected") && text.contains("\"license\" must be one of"),
        "{text}"
    );
}

/// Rewrites the server's pre-receive hook with `HUBGATE_MAX_INPUT=<bound>`.
fn hook_with_bound(s: &Sandbox, bound: usize) {
    let path = s.server.join("hooks/pre-receive");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nHUBGATE_MAX_INPUT={bound} exec '{}' --policies '{}' pre-receive\n",
            hubgate_bin().display(),
            s.policies.display()
        ),
    )
    .expect("hook");
    make_executable(&path);
}

#[test]
fn input_at_the_bound_is_checked_and_one_byte_past_it_is_refused() {
    let s = Sandbox::new();
    let commit = s.card(GOOD);
    let names: Vec<String> = (0..40)
        .map(|i| format!("refs/heads/long/{i:03}-{}", "n".repeat(180)))
        .collect();
    // Each line: <40 hex> SP <40 hex> SP <refname> LF.
    let size: usize = names.iter().map(|n| 40 + 1 + 40 + 1 + n.len() + 1).sum();
    let specs: Vec<String> = names.iter().map(|n| format!("{commit}:{n}")).collect();
    let specs: Vec<&str> = specs.iter().map(String::as_str).collect();

    hook_with_bound(&s, size - 1);
    let p = s.push(&specs);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains(&format!("is larger than {} bytes", size - 1))
            && p.remote.contains("HUBGATE_MAX_INPUT=<bytes>")
            && p.remote.contains("refused unchecked"),
        "{}",
        p.remote
    );
    assert_eq!(s.server_ref(&names[0]), None);

    hook_with_bound(&s, size);
    let p = s.push(&specs);
    assert!(p.ok, "{}", p.remote);
    assert_eq!(s.server_ref(&names[39]).as_deref(), Some(commit.as_str()));

    // At the bound the card is still checked: a bad one is refused for the card alone.
    s.card(BAD);
    let specs: Vec<String> = names.iter().map(|n| format!("HEAD:{n}")).collect();
    let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
    let p = s.push(&specs);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("\"license\" must be one of") && !p.remote.contains("HUBGATE_MAX_INPUT"),
        "{}",
        p.remote
    );
}

#[test]
fn post_receive_past_the_bound_says_so_on_both_streams() {
    let (s, commit) = server_with_bad_commit();
    let line = format!("{ZERO} {commit} refs/heads/main\n");
    let out = hook_env(
        &s.server,
        &["post-receive"],
        line.as_bytes(),
        &[("HUBGATE_MAX_INPUT", &(line.len() - 1).to_string())],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for text in [&stdout, &stderr] {
        assert!(
            text.contains("WARNING: post-receive did not record this push's metadata changes")
                && text.contains(&format!("larger than {} bytes", line.len() - 1)),
            "{text}"
        );
    }
}

/// The pusher chooses the input's size: `HUBGATE_ON_ERROR=accept` must not turn an oversized
/// input into an unchecked push.
#[test]
fn failing_open_does_not_apply_to_an_input_past_the_bound() {
    let (s, commit) = server_with_bad_commit();
    let line = format!("{ZERO} {commit} refs/heads/main\n");
    let out = hook_env(
        &s.server,
        &["pre-receive"],
        line.as_bytes(),
        &[
            ("HUBGATE_MAX_INPUT", &(line.len() - 1).to_string()),
            ("HUBGATE_ON_ERROR", "accept"),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("refused unchecked"), "{text}");
}
