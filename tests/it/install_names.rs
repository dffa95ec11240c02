//! Repository names are the server's names (issue 9): `hubgate install <root>` records the root,
//! so nested repositories keep their full path; forge names are compared ignoring case; gitolite's
//! `GL_REPO` names the repository.

use crate::util::{Sandbox, git_cmd, hubgate};

const GOOD: &str = "---\nlicense: mit\n---\n";

fn org_policy(s: &Sandbox, pattern: &str) {
    s.policy(
        "p.toml",
        &format!("[[policy]]\nname = \"org\"\nrepos = [\"{pattern}\"]\n[policy.license]\nallow = [\"apache-2.0\"]\n"),
    );
}

fn push_with(s: &Sandbox, vars: &[(&str, &str)]) -> (bool, String) {
    let o = git_cmd(&s.work)
        .envs(vars.iter().copied())
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .output()
        .expect("push");
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn refused_by_org(pushed: (bool, String)) {
    let (ok, err) = pushed;
    assert!(!ok, "{err}");
    assert!(
        err.contains("error[license-not-allowed]") && err.contains("policy: org"),
        "{err}"
    );
}

/// Regression for issue 9: the name was the last two path components (`team/model`), so a policy
/// for `acme/*` did not apply to `acme/team/model`.
#[test]
fn issue_9_a_nested_repository_is_named_under_the_installed_root() {
    let s = Sandbox::named("acme/team", "model");
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm");
    org_policy(&s, "acme/*");
    let policies = s.policies.to_str().expect("utf8").to_owned();
    let root = s.root.to_str().expect("utf8").to_owned();
    let o = hubgate(&s.root, &["--policies", &policies, "install", &root]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("is \"acme/team/model\" (path under"), "{out}");
    s.card(GOOD);
    refused_by_org(push_with(&s, &[]));
    let o = hubgate(&s.root, &["doctor", &root]);
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(report.contains("policies match it as \"acme/team/model\""), "{report}");
    // A root the server's environment sets wins over the recorded one.
    let (ok, err) = push_with(
        &s,
        &[("HUBGATE_REPO_ROOT", s.root.join("acme").to_str().expect("utf8"))],
    );
    assert!(
        ok,
        "named team/model under <root>/acme, which acme/* does not cover: {err}"
    );
}

#[test]
fn gitea_names_meet_policies_ignoring_case() {
    let s = Sandbox::named("forge-owner", "path-name");
    org_policy(&s, "acme/model-*");
    s.card(GOOD);
    refused_by_org(push_with(
        &s,
        &[
            ("GITEA_REPO_USER_NAME", "acme"),
            ("GITEA_REPO_NAME", "Model-x"),
            ("GITEA_PUSHER_NAME", "alice"),
        ],
    ));
}

#[test]
fn gitolite_names_the_repository_with_gl_repo() {
    let s = Sandbox::named("team", "model");
    org_policy(&s, "acme/*");
    s.card(GOOD);
    refused_by_org(push_with(&s, &[("GL_USER", "alice"), ("GL_REPO", "acme/team/model")]));
    // gitolite names are compared exactly, as gitolite does.
    assert!(push_with(&s, &[("GL_USER", "alice"), ("GL_REPO", "ACME/team/model")]).0);
}

#[test]
fn policy_explain_matches_as_the_hook_does() {
    let s = Sandbox::new();
    org_policy(&s, "acme/model-*");
    let policies = s.policies.to_str().expect("utf8").to_owned();
    let explain = |extra: &[&str]| {
        let mut args = vec!["--policies", &policies, "policy", "explain", "acme/Model-x"];
        args.extend_from_slice(extra);
        let o = hubgate(&s.root, &args);
        assert!(o.status.success());
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let exact = explain(&[]);
    assert!(exact.contains("org (") && exact.contains("does not apply"), "{exact}");
    let forge = explain(&["--ignore-case"]);
    assert!(
        forge.contains("applies: \"acme/model-*\" matches") && forge.contains("ignoring case"),
        "{forge}"
    );
    let nested = hubgate(
        &s.root,
        &["--policies", &policies, "policy", "explain", "acme/model-x/sub"],
    );
    assert!(
        String::from_utf8_lossy(&nested.stdout).contains("applies"),
        "`*` crosses `/`"
    );
}
