//! The claims of SECURITY.md that no other test already shows.

use crate::gitea_double::{Gitea, Mode};
use crate::util::{Sandbox, hubgate};

#[test]
fn a_pushed_policy_file_changes_nothing() {
    let s = Sandbox::new();
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"strict\"\nrepos = [\"*\"]\n[policy.license]\nallow = [\"apache-2.0\"]\n",
    );
    s.write(
        "policies/open.toml",
        "[[policy]]\nname = \"open\"\nrepos = [\"*\"]\n[policy.license]\nlevel = \"off\"\n",
    );
    s.write("hubgate.toml", "[discussions]\nenabled = false\n");
    s.card("---\nlicense: mit\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok && p.remote.contains("policy: strict"), "{}", p.remote);
}

#[test]
fn the_token_never_appears_in_output_or_outbox() {
    let gitea = Gitea::start();
    gitea.set(Mode::Unauthorized);
    let config = format!(
        "[gitea]\nurl = \"{}\"\ntoken-env = \"HUBGATE_TEST_GITEA_TOKEN\"\n",
        gitea.url
    );
    let s = Sandbox::new().with_post_receive(&config);
    s.card("---\nlicense: mit\n---\n");
    let o = crate::util::git_cmd(&s.work)
        .env("HUBGATE_TEST_GITEA_TOKEN", &gitea.token)
        .env("RUST_LOG", "trace")
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(all.contains("outbox"), "{all}");
    assert!(!all.contains(&gitea.token), "token in push output or logs");
    let list = hubgate(&s.root, &["outbox", "--repo", s.server.to_str().expect("utf8"), "list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("HTTP 401") && !listed.contains(&gitea.token),
        "{listed}"
    );
    let stored = std::fs::read_dir(s.server.join("hubgate/outbox"))
        .expect("outbox")
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(!stored.contains(&gitea.token));
}

#[test]
fn card_text_in_a_discussion_is_inert() {
    let s = Sandbox::new().with_post_receive("[discussions]\n");
    s.card(
        "---\nlicense: mit\nextra_gated_prompt: \"<script>x</script> [click](http://evil) @admin | `code` ```\"\n---\n",
    );
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let body = s.discussions()[0]["events"][0]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let row = body.lines().find(|l| l.contains("extra_gated_prompt")).expect("row");
    assert_eq!(
        row,
        "| `extra_gated_prompt` | (absent) | ```` <script>x</script> [click](http://evil) @admin \\| `code` ``` ```` |"
    );
}

#[test]
/// A path climbing out of the root with `..` is resolved lexically into a name outside it
/// (`etc/x`); harmless, since a name only selects policies and is never used as a path.
fn a_path_with_dot_dot_is_named_lexically_even_outside_the_root() {
    let root = std::path::Path::new("/srv/git");
    let name = hubgate::repo::name::derive(std::path::Path::new("/srv/git/acme/../../etc/x.git"), Some(root));
    assert_eq!(name, "etc/x", "resolved lexically; a name is never used as a path");
}
