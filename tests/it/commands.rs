//! The dry runs and the demo: `check`, `lint`, `card`, `demo`.

use crate::util::{Sandbox, hubgate};

#[test]
fn check_is_the_hooks_evaluation_as_a_dry_run() {
    let s = Sandbox::new();
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm");
    s.card("---\nlicense: MIT\n---\n");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let server = s.server.to_str().expect("utf8");
    let o = hubgate(&s.root, &["check", "--repo", server, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["verdict"], "reject");
    let f = &doc["findings"][0];
    assert_eq!(f["code"], "hub-license-invalid");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["ref"], "refs/heads/main");
    assert_eq!(f["file"], "README.md");
    assert_eq!(f["line"], 2);
    assert_eq!(f["policy"], "hub-baseline");
    // One exact update: an old tip with the same card means nothing to check.
    let head = crate::util::git(&s.work, &["rev-parse", "HEAD"]);
    let o = hubgate(
        &s.root,
        &[
            "check", "--repo", server, "--ref", "main", "--old", &head, "--new", &head,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn lint_checks_files_with_policies() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("README.md"), "---\nlicense: mit\n---\n# x\n").expect("write");
    std::fs::write(
        dir.path().join("p.toml"),
        "[[policy]]\nname = \"org\"\nrepos = [\"org/*\"]\n[policy.license]\nallow = [\"apache-2.0\"]\n",
    )
    .expect("write");
    let o = hubgate(dir.path(), &["lint", "--repo", "other/x"]);
    assert_eq!(o.status.code(), Some(0));
    let o = hubgate(
        dir.path(),
        &["--policies", "p.toml", "lint", "--repo", "org/x", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["findings"][0]["code"], "license-not-allowed");
    assert_eq!(doc["findings"][0]["ref"], serde_json::Value::Null);
}

#[test]
fn card_prints_metadata_as_the_hub_reads_it() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("c.md"),
        "---\nlanguage: no\npython_version: 3.10\nd: 2023-01-15\n---\n",
    )
    .expect("write");
    let o = hubgate(dir.path(), &["card", "--format", "json", "c.md"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        doc["metadata"],
        serde_json::json!({"language": "no", "python_version": 3.1, "d": "2023-01-15T00:00:00.000Z"})
    );
    assert_eq!(doc["front_matter"], true);
    std::fs::write(dir.path().join("d.md"), "---\na: 1\na: 2\n---\n").expect("write");
    let o = hubgate(dir.path(), &["card", "--format", "json", "d.md"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        doc["errors"][0]["message"],
        "Invalid YAML in README.md: duplicated mapping key (2:1)"
    );
    assert_eq!(doc["errors"][0]["line"], 3);
}

#[test]
fn card_json_is_the_text_json_stringify_prints() {
    // Lone surrogates, JavaScript's number formats, array-index keys first, a byte array: the
    // metadata text equals what the Hub's reading (`JSON.stringify` in hub_parse.js) prints.
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("c.md"),
        "---\na: \"\\ud800x\"\nb: 0.000001\nc: 100000000000000000000\nd: 1e21\ne: 12345678901234567890\n\
         \"\\ud800\": 1\ng: !!binary QUJD\nh: .nan\n2: x\n1: y\n---\n",
    )
    .expect("write");
    let o = hubgate(dir.path(), &["card", "--format", "json", "c.md"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with(
            r#"{"front_matter":true,"metadata":{"1":"y","2":"x","a":"\ud800x","b":0.000001,"c":100000000000000000000,"d":1e+21,"e":12345678901234567000,"\ud800":1,"g":{"0":65,"1":66,"2":67},"h":null},"errors":[]"#
        ),
        "{out}"
    );
}

#[test]
fn demo_runs_end_to_end() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = hubgate(dir.path(), &["demo"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("All pushes behaved as expected."));
    assert!(text.contains("error[gating-required]"));
    assert!(
        text.contains("remote: hubgate: opened discussion #2: License changed: apache-2.0 -> mit"),
        "{text}"
    );
}
