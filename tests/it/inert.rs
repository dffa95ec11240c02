//! Issue 10 item 7: card text (key names as well as values) reaches `remote:` lines, discussion
//! titles, bodies and `hubgate discussions` output inert; pushers never see the server's paths.

use crate::util::{Sandbox, hubgate};

const CONFIG: &str = "[discussions]\nwatch-refs = [\"HEAD\"]\n";

/// A gating key whose name carries a newline and a forged `remote: error` line, ANSI escapes, a
/// Markdown link, a mention, HTML and a bidi override (YAML double-quoted escapes: `\e` is ESC).
const HOSTILE_CARD: &str = "---\nlicense: mit\n\"extra_gated_x\\nremote: error: forged\\e[2J\\e[31m [l](http://evil) @admin <img src=x onerror=alert(1)> \\u202Eexe\": yes\n---\n# Model\n";

/// No escape byte, no other control character but the line break, no bidi override.
fn assert_no_control(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || ('\u{2028}'..='\u{202E}').contains(&c) || c == '\u{200B}')
        .collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}:\n{text}");
}

#[test]
fn issue_10_a_hostile_gating_key_name_is_inert_on_remote_lines_titles_and_bodies() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    s.card(HOSTILE_CARD);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.stderr);
    let title = "Card created; License set: mit; Gating changed: extra_gated_x?remote? error? forged??2J??31m ?l??http?//evil...";
    assert!(
        p.remote.contains(&format!("hubgate: opened discussion #1: {title}")),
        "{}",
        p.remote
    );
    // git's stderr as the pusher's terminal gets it: no escape, and the forged line never stands
    // on a line of its own (every mention of it is inside the title's line).
    assert_no_control("the push's output", &p.stderr);
    for l in p.stderr.lines().filter(|l| l.contains("forged")) {
        assert!(
            l.starts_with("remote: hubgate: opened discussion #1: "),
            "injected line: {l:?}"
        );
    }

    let entries = s.discussions();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["title"], title);
    let body = entries[0]["events"][0]["body"].as_str().expect("the opening comment");
    assert_no_control("the body", body);
    let row = body
        .lines()
        .find(|l| l.contains("extra_gated_x"))
        .expect("the key's row");
    // The key cell is one code span with a fence longer than any backtick run inside it.
    let cell = row.split(" | ").next().expect("first cell");
    assert!(
        cell.starts_with("| `extra_gated_x remote: error: forged") && cell.ends_with("exe`"),
        "{row}"
    );
    assert!(!body.lines().any(|l| l.starts_with("remote:")), "{body}");

    for args in [&["list"][..], &["show", "1"][..]] {
        let mut all = vec!["discussions", "--repo", s.server.to_str().expect("utf8")];
        all.extend_from_slice(args);
        let o = hubgate(&s.root, &all);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        assert_no_control("discussions output", &out);
        assert!(
            !out.lines().any(|l| l.trim_start().starts_with("remote: error")),
            "{out}"
        );
    }
}

#[test]
fn issue_10_pushers_never_see_the_servers_paths() {
    // A configuration the hook cannot read: the error names its file, and the push is kept in
    // hubgate/pending/ for the next push, which says where it stays.
    let s = Sandbox::new().with_post_receive("[discussions\n");
    let server = s.server.canonicalize().expect("canonical");
    let roots = [
        s.root.to_string_lossy().into_owned(),
        server.to_string_lossy().into_owned(),
    ];
    let assert_no_path = |what: &str, text: &str| {
        for r in &roots {
            assert!(!text.contains(r.as_str()), "{what} shows {r}:\n{text}");
        }
    };
    s.card("---\nlicense: mit\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok && p.remote.contains("could not record"), "{}", p.remote);
    assert!(p.remote.contains(".../hubgate.toml"), "{}", p.remote);
    assert_no_path("post-receive", &p.remote);
    s.card("---\nlicense: apache-2.0\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.remote.contains("it stays in hubgate/"), "{}", p.remote);
    assert_no_path("post-receive replaying", &p.remote);

    // pre-receive: the policy directory gone, the gate fails closed without naming its path.
    std::fs::remove_dir_all(&s.policies).expect("rm");
    s.card("---\nlicense: mit\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok && p.remote.contains("fail closed"), "{}", p.remote);
    assert_no_path("pre-receive", &p.remote);
}
