//! Issue 11: Gitea/Forgejo delivery pages through labels and issues as Gitea's API pages, and
//! puts label names into queries percent-encoded, against the double.

use crate::discussions::{flush, push_env};
use crate::gitea_double::{Gitea, MAX_RESPONSE_ITEMS, Mode, query_of};
use crate::util::{Sandbox, hubgate_bin};

fn config(url: &str, label: &str) -> String {
    // A JSON string is a valid TOML basic string for these names.
    let label = serde_json::to_string(label).expect("json");
    format!(
        "[discussions]\ntimeout-ms = 5000\n[gitea]\nurl = \"{url}\"\ntoken-env = \"HUBGATE_TEST_GITEA_TOKEN\"\nlabel = {label}\n"
    )
}

/// 119 labels sorting before `risk-metadata`, which is therefore the 120th: page 3 of 50.
fn crowded(gitea: &Gitea) -> serde_json::Value {
    let mut names: Vec<String> = (0..119).map(|i| format!("area/{i:03}")).collect();
    names.push("risk-metadata".to_owned());
    gitea.seed_labels(&names);
    gitea
        .labels()
        .into_iter()
        .find(|l| l["name"] == "risk-metadata")
        .expect("seeded")
}

#[test]
fn the_double_pages_and_caps_limit_as_gitea_does() {
    let gitea = Gitea::start();
    crowded(&gitea);
    let at = |query: &str| gitea.get(&format!("/api/v1/repos/o/r/labels?{query}"));
    let (status, total, page) = at("page=1&limit=100");
    assert_eq!((status, total), (200, Some(120)));
    assert_eq!(
        page.as_array().map(Vec::len),
        Some(MAX_RESPONSE_ITEMS),
        "limit capped at 50"
    );
    assert_eq!(at("page=1").2.as_array().map(Vec::len), Some(30), "default page size");
    assert_eq!(
        at("page=3&limit=50").2.as_array().map(Vec::len),
        Some(20),
        "the last page"
    );
    assert_eq!(at("page=4&limit=50").2.as_array().map(Vec::len), Some(0));
    let first = at("page=0&limit=-5").2;
    assert_eq!(
        first.as_array().map(Vec::len),
        Some(30),
        "page 0 is page 1, limit -5 the default"
    );
    assert_eq!(first[0]["name"], "area/000", "sorted by name");
    assert_eq!(at("limit=abc&page=x").2.as_array().map(Vec::len), Some(30));
}

#[test]
fn a_label_on_the_third_page_is_found_and_not_created_again() {
    let gitea = Gitea::start();
    let label = crowded(&gitea);
    let s = Sandbox::new().with_post_receive(&config(&gitea.url, "risk-metadata"));
    s.card("---\nlicense: mit\n---\n");
    let p = push_env(&s, &gitea.token, "HEAD:refs/heads/main");
    assert!(p.ok && !p.remote.contains("outbox"), "{}", p.remote);
    assert_eq!(gitea.labels().len(), 120, "no second `risk-metadata`");
    let issues = gitea.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["labels"][0]["id"], label["id"]);
    let pages: Vec<String> = gitea
        .requests()
        .iter()
        .filter(|r| r.starts_with("GET ") && r.contains("/labels?"))
        .filter_map(|r| query_of(r).into_iter().find(|(k, _)| k == "page").map(|(_, v)| v))
        .collect();
    assert_eq!(pages, ["1", "2", "3"], "paged until found");
}

#[test]
fn label_names_needing_encoding_round_trip() {
    // A retried delivery looks for its issue by the label: a lost answer makes the flush retry.
    for label in ["risk review & audit #1 + ü=%", "risk, review"] {
        let gitea = Gitea::start();
        // With `,` Gitea splits the filter into names; `risk` exists, and would hide our issue.
        gitea.seed_labels(&["risk".to_owned()]);
        let s = Sandbox::new().with_post_receive(&config(&gitea.url, label));
        gitea.set(Mode::LoseAnswer);
        s.card("---\nlicense: mit\n---\n");
        let p = push_env(&s, &gitea.token, "HEAD:refs/heads/main");
        assert!(
            p.ok && p.remote.contains("1 discussion entry waits in the outbox"),
            "{label}: {}",
            p.remote
        );
        gitea.set(Mode::Normal);
        let o = flush(&s, &gitea.token);
        assert!(
            o.status.success(),
            "{label}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let issues = gitea.issues();
        assert_eq!(issues.len(), 1, "{label}: found again, not created twice");
        assert_eq!(issues[0]["labels"][0]["name"], label);
        let filters: Vec<String> = gitea
            .requests()
            .iter()
            .filter(|r| r.starts_with("GET ") && r.contains("/issues"))
            .filter_map(|r| query_of(r).into_iter().find(|(k, _)| k == "labels").map(|(_, v)| v))
            .collect();
        if label.contains(',') {
            assert!(filters.is_empty(), "{label}: Gitea cannot filter on it: {filters:?}");
        } else {
            assert!(
                !filters.is_empty() && filters.iter().all(|f| f == label),
                "{label}: {filters:?}"
            );
        }
    }
}

#[test]
fn a_server_that_never_ends_its_labels_is_given_up_on_with_a_reason() {
    let gitea = Gitea::start();
    gitea.set(Mode::EndlessLabels);
    let s = Sandbox::new().with_post_receive(&config(&gitea.url, "risk-metadata"));
    s.card("---\nlicense: mit\n---\n");
    let p = push_env(&s, &gitea.token, "HEAD:refs/heads/main");
    assert!(
        p.ok && p.remote.contains("1 discussion entry waits in the outbox"),
        "{}",
        p.remote
    );
    assert!(gitea.issues().is_empty() && gitea.labels().is_empty());
    let o = std::process::Command::new(hubgate_bin())
        .args(["--config", s.root.join("hubgate.toml").to_str().expect("utf8")])
        .args(["outbox", "--repo", s.server.to_str().expect("utf8"), "list"])
        .output()
        .expect("list");
    let listed = String::from_utf8_lossy(&o.stdout);
    assert!(listed.contains("gave up after 100 pages"), "{listed}");
    let asked = gitea.requests().iter().filter(|r| r.contains("/labels?")).count();
    assert_eq!(asked, 100, "bounded");
}
