//! Pushes through the hook: create, update, delete, several refs, quarantine, CRLF and BOM.

use crate::util::{Sandbox, git};

const GOOD: &str = "---\nlicense: apache-2.0\ntags:\n- text-generation\n---\n# Model\n";
const BAD_LICENSE: &str = "---\nlicense: MIT\n---\n# Model\n";

#[test]
fn a_new_card_that_exists_only_in_the_quarantine_is_read() {
    let s = Sandbox::new();
    s.card(BAD_LICENSE);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.stderr);
    assert!(
        p.remote
            .contains("Sorry, your push was rejected during YAML metadata verification:"),
        "{}",
        p.remote
    );
    assert!(
        p.remote
            .contains("- Error: \"license\" must be one of [apache-2.0, mit,"),
        "{}",
        p.remote
    );
    assert!(p.stderr.contains("(pre-receive hook declined)"));
    assert_eq!(s.server_ref("refs/heads/main"), None);
}

#[test]
fn create_update_and_delete() {
    let s = Sandbox::new();
    s.card(GOOD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    s.card("---\nlicense: mit\n---\n# Changed\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.stderr);
    assert!(p.remote.is_empty(), "a clean push prints nothing: {:?}", p.remote);
    assert!(s.push(&["HEAD:refs/heads/feature"]).ok);
    let p = s.push(&[":refs/heads/feature"]);
    assert!(p.ok, "{}", p.stderr);
    assert_eq!(s.server_ref("refs/heads/feature"), None);
}

#[test]
fn an_unchanged_card_is_not_parsed_again() {
    // The server already holds a card the Hub would refuse (pushed before the hook existed);
    // a push that does not touch README.md goes through.
    let s = Sandbox::new();
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm hook");
    s.card(BAD_LICENSE);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    s.install_plain_hook();
    s.write("model.txt", "weights");
    s.commit("no card change");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
    s.card("---\nlicense: MIT2\n---\n");
    assert!(!s.push(&["HEAD:refs/heads/main"]).ok);
}

#[test]
fn several_refs_with_mixed_results_refuse_the_whole_push() {
    let s = Sandbox::new();
    let good = s.card(GOOD);
    git(&s.work, &["checkout", "-q", "-b", "bad"]);
    s.card(BAD_LICENSE);
    let p = s.push(&[
        &format!("{good}:refs/heads/main"),
        "bad:refs/heads/bad",
        &format!("{good}:refs/pr/1"),
    ]);
    assert!(!p.ok);
    assert!(
        p.remote.contains("hubgate: refs/heads/bad: README.md") && p.remote.contains("Sorry, your push"),
        "{}",
        p.remote
    );
    assert_eq!(
        s.server_ref("refs/heads/main"),
        None,
        "nothing lands when pre-receive refuses"
    );
    // refs/pr/N and tags are checked like branches.
    let p = s.push(&["bad:refs/pr/2"]);
    assert!(!p.ok);
    git(&s.work, &["tag", "v1", "bad"]);
    assert!(!s.push(&["refs/tags/v1"]).ok);
}

#[test]
fn crlf_and_bom_cards_are_read() {
    let s = Sandbox::new();
    s.card("\u{feff}---\r\nlicense: MIT\r\n---\r\n# T\r\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "BOM + CRLF card with a bad licence must be read and refused");
    assert!(p.remote.contains("\"license\" must be one of"));
    s.card("\u{feff}---\r\nlicense: mit\r\n---\r\n# T\r\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
}

#[test]
fn missing_metadata_is_accepted_with_the_hubs_warning() {
    let s = Sandbox::new();
    s.card("# Just a title\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok);
    let want = "-------------------------------------------------------------------------\n\
                Your push was accepted, but with warnings:\n\
                - Warning: empty or missing yaml metadata in repo card\n\
                help: https://huggingface.co/docs/hub/model-cards#model-card-metadata\n\
                -------------------------------------------------------------------------\n\
                -------------------------------------------------------------------------\n\
                Please find the documentation at:\n\
                https://huggingface.co/docs/hub/model-cards#model-card-metadata\n\
                \n\
                -------------------------------------------------------------------------";
    assert!(p.remote.starts_with(want), "{}", p.remote);
}

#[test]
fn a_symlink_readme_is_refused() {
    let s = Sandbox::new();
    s.write("real.md", GOOD);
    std::os::unix::fs::symlink("real.md", s.work.join("README.md")).expect("symlink");
    s.commit("link");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    assert!(
        p.remote
            .contains("error[card-not-a-file]: README.md is a symbolic link"),
        "{}",
        p.remote
    );
}

#[test]
fn garbage_on_stdin_fails_closed() {
    let s = Sandbox::new();
    let out = crate::util::hook(&s.server, &["pre-receive"], b"this is not a ref update\n");
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("hook input line 1"), "{text}");
    assert!(text.contains("fail closed"), "{text}");
}

#[test]
fn pushing_to_the_reserved_namespace_is_refused() {
    let s = Sandbox::new();
    s.card(GOOD);
    let p = s.push(&["HEAD:refs/hubgate/discussions"]);
    assert!(!p.ok);
    assert!(p.remote.contains("error[ref-reserved]"), "{}", p.remote);
}

#[test]
fn an_oversized_card_is_refused_without_being_read() {
    let s = Sandbox::new();
    let mut card = String::from("---\nlicense: mit\n---\n");
    card.push_str(&"x".repeat(11 * 1024 * 1024));
    s.card(&card);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    assert!(
        p.remote.contains("error[card-too-large]: README.md is 11534357 bytes"),
        "{}",
        p.remote
    );
}

#[test]
fn a_non_utf8_card_is_read_lossily_with_a_warning() {
    let s = Sandbox::new();
    s.card("---\nlicense: mit\n---\n\u{0}");
    s.write("README.md", b"---\nlicense: mit\n---\n\xff\xfe binary\x00tail\n");
    s.commit("binary card");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
    assert!(
        p.remote
            .contains("warning[card-not-utf8]: README.md is not valid UTF-8"),
        "{}",
        p.remote
    );
}

/// Issue 12: a push of many refs has its cards judged on a second thread while its objects are
/// walked. What the pusher reads must not depend on it: every ref's findings, in the order git
/// gave the refs, the same findings as each ref pushed alone; a card too large to queue is
/// judged on the calling thread and takes its place in that order.
#[test]
fn a_push_of_many_refs_reports_every_card_in_input_order_as_one_ref_at_a_time() {
    let s = Sandbox::new();
    // The objects go to the server without the hook; the hook then runs on made-up input.
    std::fs::rename(s.server.join("hooks/pre-receive"), s.root.join("pre-receive.off")).expect("hook off");
    let zero = "0".repeat(40);
    let mut lines = Vec::new();
    for i in 0..40 {
        let card = match i {
            5 | 30 => "---\nlicense: not-a-licence\n---\n".to_owned(),
            17 => format!("---\nlicense: not-a-licence-either\n---\n{}\n", "x".repeat(200 * 1024)),
            22 => "---\nlicense: mit\nlicense: mit\n---\n".to_owned(),
            _ => format!("---\nlicense: mit\ntags: [t{i}]\n---\n"),
        };
        let id = s.card(&card);
        git(&s.work, &["push", "-q", "origin", &format!("HEAD:refs/heads/b{i:02}")]);
        lines.push(format!("{zero} {id} refs/heads/b{i:02}\n"));
    }
    let head = git(&s.work, &["rev-parse", "HEAD"]);
    lines.push(format!("{zero} {head} refs/hubgate/x\n"));
    // An order of git's choosing, not sorted: every seventh line first.
    let order: Vec<usize> = (0..lines.len()).map(|k| (k * 7) % lines.len()).collect();
    let input: String = order.iter().map(|&k| lines[k].as_str()).collect();
    let policies = s.policies.to_str().expect("utf8 path");
    let run = |stdin: &str| {
        let out = crate::util::hook(&s.server, &["--policies", policies, "pre-receive"], stdin.as_bytes());
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, all) = run(&input);
    assert_eq!(code, Some(1), "refused:\n{all}");
    let bad = [
        "refs/heads/b05",
        "refs/heads/b17",
        "refs/heads/b22",
        "refs/heads/b30",
        "refs/hubgate/x",
    ];
    // Named in input order.
    let mut named: Vec<(usize, &str)> = bad
        .iter()
        .map(|r| {
            (
                all.find(&format!("{r}\n"))
                    .or_else(|| all.find(r))
                    .unwrap_or_else(|| panic!("{r} not named:\n{all}")),
                *r,
            )
        })
        .collect();
    named.sort();
    let in_input: Vec<&str> = order
        .iter()
        .map(|&k| lines[k].trim_end().rsplit(' ').next().unwrap_or_default())
        .filter(|r| bad.contains(r))
        .collect();
    assert_eq!(named.iter().map(|(_, r)| *r).collect::<Vec<_>>(), in_input, "{all}");
    // The same messages as each ref alone (the framing of a several-ref report aside).
    let messages = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.contains("error") || l.contains("license") || l.contains("refs/hubgate/x is under"))
            .filter(|l| !l.contains("refs/heads/") && !l.starts_with("hubgate:"))
            .map(str::to_owned)
            .collect()
    };
    let alone: Vec<String> = order.iter().flat_map(|&k| messages(&run(&lines[k]).1)).collect();
    assert!(!alone.is_empty());
    assert_eq!(messages(&all), alone, "together:\n{all}");
}
