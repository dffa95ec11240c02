//! Policy and configuration files: broken ones are reported with their place; shipped ones load.

use crate::util::{Sandbox, hubgate};

#[test]
fn a_broken_policy_file_refuses_the_push_with_file_line_and_column() {
    let s = Sandbox::new();
    s.policy(
        "a.toml",
        "[[policy]]\nname = \"x\"\nrepos = [\"*\"]\n\n[policy.license]\nlevel = \"strict\"\n",
    );
    s.policy("b.toml", "[[policy]]\nname = \"y\"\nrepos = [\"*\"]\ncolour = 1\n");
    s.card("---\nlicense: mit\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    assert!(p.remote.contains("invalid policy configuration"), "{}", p.remote);
    assert!(
        p.remote.contains("a.toml:6:9: unknown variant `strict`"),
        "{}",
        p.remote
    );
    assert!(p.remote.contains("b.toml:4:1: unknown field `colour`"), "{}", p.remote);
    assert!(p.remote.contains("fail closed"), "{}", p.remote);
}

#[test]
fn a_bad_glob_is_reported_at_its_place() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("p.toml"),
        "[[policy]]\nname = \"x\"\nrepos = [\"acme/[\"]\n",
    )
    .expect("write");
    let o = hubgate(
        dir.path(),
        &["--policies", "p.toml", "lint", "--repo", "acme/x", "README.md"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("p.toml:3:10: invalid glob \"acme/[\""), "{err}");
}

#[test]
fn shipped_policies_load_and_apply() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut names = Vec::new();
    for dir in ["policies", "policies/examples"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).expect("policies/ exists") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                let policies = hubgate::policy::load::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert!(!policies.is_empty(), "{} defines no policy", path.display());
                names.extend(policies.into_iter().map(|p| p.name));
            }
        }
    }
    assert!(names.len() >= 4, "template and at least three examples: {names:?}");
}

#[test]
fn the_example_configuration_loads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/hubgate.example.toml");
    let config = hubgate::config::Config::load(Some(&path)).expect("example config loads");
    assert_eq!(config.discussions.watch_refs, ["HEAD", "refs/pr/*"]);
    assert_eq!(config.gitea.expect("gitea table").label, "risk-metadata");
}
