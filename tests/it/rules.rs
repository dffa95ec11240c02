//! Each policy rule at each level, through real pushes.

use crate::util::{Sandbox, git};

fn policy(table: &str, level: &str, body: &str) -> String {
    format!("[[policy]]\nname = \"p\"\nrepos = [\"acme/*\"]\n\n[policy.{table}]\nlevel = \"{level}\"\n{body}\n")
}

/// Pushes `card` under a policy and returns (accepted, remote text).
fn push_with(policy_toml: &str, card: &str) -> (bool, String) {
    let s = Sandbox::new();
    s.policy("p.toml", policy_toml);
    s.card(card);
    let p = s.push(&["HEAD:refs/heads/main"]);
    (p.ok, p.remote)
}

/// A rule at `deny` refuses with its code, at `warn` accepts with a warning, at `off` is silent.
fn each_level(table: &str, body: &str, card: &str, code: &str) {
    let (ok, remote) = push_with(&policy(table, "deny", body), card);
    assert!(!ok, "{table} at deny should refuse:\n{remote}");
    assert!(remote.contains(&format!("error[{code}]")), "{remote}");
    assert!(remote.contains("policy: p (rule: "), "{remote}");
    let (ok, remote) = push_with(&policy(table, "warn", body), card);
    assert!(ok, "{table} at warn should accept:\n{remote}");
    assert!(remote.contains(&format!("warning[{code}]")), "{remote}");
    let (ok, remote) = push_with(&policy(table, "off", body), card);
    assert!(
        ok && !remote.contains(code),
        "{table} at off should be silent:\n{remote}"
    );
}

#[test]
fn license_required() {
    each_level("license", "required = true", "---\ntags: [a]\n---\n", "license-missing");
}

#[test]
fn license_allow_list_with_globs() {
    each_level(
        "license",
        "allow = [\"apache-2.0\", \"*openrail*\"]",
        "---\nlicense: mit\n---\n",
        "license-not-allowed",
    );
    let (ok, _) = push_with(
        &policy("license", "deny", "allow = [\"*openrail*\"]"),
        "---\nlicense: creativeml-openrail-m\n---\n",
    );
    assert!(ok);
}

#[test]
fn license_deny_list() {
    each_level(
        "license",
        "deny = [\"unknown\"]",
        "---\nlicense: unknown\n---\n",
        "license-denied",
    );
}

#[test]
fn license_other_needs_name_and_link() {
    each_level(
        "license",
        "",
        "---\nlicense: other\nlicense_name: x\n---\n",
        "license-other-incomplete",
    );
    let (ok, remote) = push_with(
        &policy("license", "deny", ""),
        "---\nlicense: other\nlicense_name: x\nlicense_link: LICENSE\n---\n",
    );
    assert!(ok, "{remote}");
}

#[test]
fn gating_when_nfaa_and_required_keys() {
    let body = "when-tags = [\"not-for-all-audiences\"]\nrequired-keys = [\"extra_gated_prompt\"]";
    each_level(
        "gating",
        body,
        "---\nlicense: mit\ntags:\n- not-for-all-audiences\n---\n",
        "gating-required",
    );
    each_level(
        "gating",
        body,
        "---\nlicense: mit\ntags:\n- not-for-all-audiences\ngated: manual\n---\n",
        "gating-key-missing",
    );
    let (ok, remote) = push_with(
        &policy("gating", "deny", body),
        "---\nlicense: mit\ntags:\n- not-for-all-audiences\nextra_gated_prompt: Agree\n---\n",
    );
    assert!(ok, "{remote}");
}

#[test]
fn gating_synonyms_of_the_audience_tag_count() {
    let toml = format!(
        "{}\n[policy.audience]\nlevel = \"off\"\nsynonyms = [\"nsfw\"]\n",
        policy("gating", "deny", "when-tags = [\"not-for-all-audiences\"]")
    );
    let (ok, remote) = push_with(&toml, "---\nlicense: mit\ntags: [nsfw]\n---\n");
    assert!(!ok && remote.contains("\"nsfw\""), "{remote}");
}

#[test]
fn gating_by_license_always_and_never() {
    each_level(
        "gating",
        "when-license = [\"llama*\", \"gemma\"]",
        "---\nlicense: llama3.1\n---\n",
        "gating-required",
    );
    each_level("gating", "always = true", "---\nlicense: mit\n---\n", "gating-required");
    each_level(
        "gating",
        "never = true",
        "---\nlicense: mit\nextra_gated_prompt: hi\n---\n",
        "gating-forbidden",
    );
}

#[test]
fn gating_field_types() {
    each_level(
        "gating",
        "",
        "---\nextra_gated_fields:\n  Company: text\n  Age: number\n---\n",
        "gating-field-invalid",
    );
    let (ok, remote) = push_with(
        &policy("gating", "deny", ""),
        "---\nextra_gated_fields:\n  Company: text\n  Use:\n    type: select\n    options: [Research, {label: Other, value: other}]\n---\n",
    );
    assert!(ok, "{remote}");
}

#[test]
fn audience_tag_required() {
    each_level(
        "audience",
        "require-tag = true",
        "---\nlicense: mit\n---\n",
        "audience-tag-required",
    );
}

#[test]
fn audience_tag_removal_is_refused() {
    for (level, refused) in [("deny", true), ("warn", false)] {
        let s = Sandbox::new();
        s.policy("p.toml", &policy("audience", level, "protect-removal = true"));
        s.card("---\nlicense: mit\ntags:\n- not-for-all-audiences\n---\n");
        assert!(s.push(&["HEAD:refs/heads/main"]).ok);
        s.card("---\nlicense: mit\ntags:\n- art\n---\n");
        let p = s.push(&["HEAD:refs/heads/main"]);
        assert_eq!(p.ok, !refused, "{}", p.remote);
        assert!(
            p.remote
                .contains("[audience-tag-removed]: this push removes the tag \"not-for-all-audiences\""),
            "{}",
            p.remote
        );
        // A new branch compares with nothing: no removal.
        git(&s.work, &["checkout", "-q", "-b", "other"]);
        assert!(s.push(&["HEAD:refs/heads/other"]).ok);
    }
}

#[test]
fn card_required_and_sections() {
    each_level("card", "required = true", "# no front matter\n", "card-missing");
    each_level(
        "card",
        "sections = [\"Out-of-Scope Use\"]",
        "---\nlicense: mit\n---\n# Model\n",
        "card-section-missing",
    );
    let (ok, remote) = push_with(
        &policy("card", "deny", "sections = [\"Out-of-Scope Use\"]"),
        "---\nlicense: mit\n---\n## Out-of-scope use\n",
    );
    assert!(ok, "{remote}");
}

/// Issue 9, "required sections are sections a reader sees": a heading in an HTML comment or a
/// code fence does not count, and the finding points at the line the pusher took for it.
#[test]
fn issue_9_required_sections_are_headings_a_reader_sees() {
    let s = Sandbox::new();
    s.policy("p.toml", &policy("card", "deny", "sections = [\"Limitations\"]"));
    // A section of the card template left commented out.
    s.card("---\nlicense: mit\n---\n# Model\n\n<!--\n## Limitations\n\nTo do.\n-->\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote
            .contains("error[card-section-missing]: README.md has no section \"Limitations\""),
        "{}",
        p.remote
    );
    assert!(
        p.remote.contains("README.md:7") && p.remote.contains("7 | ## Limitations"),
        "{}",
        p.remote
    );
    assert!(p.remote.contains("inside an HTML comment"), "{}", p.remote);
    // An example card in a four-backtick fence, holding a three-backtick one.
    s.card("---\nlicense: mit\n---\n# Model\n\n````markdown\n```\n## Limitations\n````\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("error[card-section-missing]") && p.remote.contains("inside a code block"),
        "{}",
        p.remote
    );
    assert!(p.remote.contains("README.md:8"), "{}", p.remote);
    s.card("---\nlicense: mit\n---\n# Model\n\n## **Limitations**\n\nNot for medical use.\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
}

#[test]
fn hub_rule_levels_and_repo_type() {
    let (ok, remote) = push_with(&policy("hub", "warn", ""), "---\nlicense: MIT\n---\n");
    assert!(
        ok && remote.contains("Your push was accepted, but with warnings:"),
        "{remote}"
    );
    let (ok, remote) = push_with(&policy("hub", "off", ""), "---\nlicense: MIT\n---\n");
    assert!(ok && remote.is_empty(), "{remote}");
    let space = "[[policy]]\nname = \"s\"\nrepos = [\"acme/*\"]\nrepo-type = \"space\"\n";
    let (ok, remote) = push_with(space, "---\ncolorFrom: '#fff'\ncolorTo: blue\n---\n");
    assert!(!ok);
    assert!(
        remote.contains("- Error: \"colorFrom\" must be one of [red, yellow, green, blue, indigo, purple, pink, gray]"),
        "{remote}"
    );
}

#[test]
fn every_matching_policy_applies_and_excludes_work() {
    let toml = "[[policy]]\nname = \"all\"\nrepos = [\"*\"]\n[policy.license]\nrequired = true\n\n\
                [[policy]]\nname = \"acme\"\nrepos = [\"acme/*\"]\nexclude = [\"acme/model\"]\n[policy.license]\ndeny = [\"mit\"]\n";
    let (ok, remote) = push_with(toml, "---\nlicense: mit\n---\n");
    assert!(ok, "acme/model is excluded from the acme policy:\n{remote}");
    let (ok, remote) = push_with(toml, "---\ntags: [x]\n---\n");
    assert!(!ok && remote.contains("policy: all"), "{remote}");
}

/// The Hub's own type check on `extra_gated_fields`, with no gating policy at all.
#[test]
fn extra_gated_fields_that_is_not_a_mapping_is_refused_by_the_hub_check() {
    let s = Sandbox::new();
    s.card("---\nlicense: mit\nextra_gated_fields: [Company, Country]\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.starts_with(
            "Sorry, your push was rejected during YAML metadata verification:\n\
             - Error: \"extra_gated_fields\" must be of type object\n"
        ),
        "{}",
        p.remote
    );
}

/// `language`: OPUS-MT's family codes pass, a withdrawn code is a warning, a name is refused in
/// the Hub's words.
#[test]
fn language_codes_as_the_hub_takes_them() {
    let s = Sandbox::new();
    s.card("---\nlicense: mit\nlanguage: [gem, zle, iw]\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
    assert!(
        p.remote
            .contains("Your push was accepted, but with warnings:\n- Warning: \"language[2]\" with value \"iw\""),
        "{}",
        p.remote
    );
    s.card("---\nlicense: mit\nlanguage: English\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains(
            "- Error: \"language\" must only contain lowercase characters\n\
             - Error: \"language\" with value \"English\" is not valid. It must be an ISO 639-1, 639-2 or 639-3 code (two/three letters), or a special value like \"code\", \"multilingual\". If you want to use BCP-47 identifiers, you can specify them in language_bcp47.\n"
        ),
        "{}",
        p.remote
    );
}

/// A card whose YAML does not parse gets the YAML error alone, not also "no licence declared"
/// as if it declared nothing; with the Hub's check off, the licence rule still refuses it.
#[test]
fn an_unreadable_block_gets_its_yaml_error_not_findings_that_assume_it_is_empty() {
    let s = Sandbox::new();
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\n[policy.license]\nrequired = true\n",
    );
    s.card("---\nlicense: mit\nlicense: apache-2.0\n---\n");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    assert!(p.remote.contains("duplicated mapping key"), "{}", p.remote);
    assert!(!p.remote.contains("no licence declared"), "{}", p.remote);
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\n[policy.hub]\nlevel = \"off\"\n[policy.license]\nrequired = true\n",
    );
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "nothing is skipped silently: {}", p.remote);
    assert!(p.remote.contains("no licence declared"), "{}", p.remote);
}

/// Every finding points at the line that caused it: the tag that requires gating (a synonym
/// too), the licence that requires it; something missing points at the front matter.
#[test]
fn findings_point_at_the_line_that_caused_them() {
    let gating = "[[policy]]\nname = \"p\"\nrepos = [\"acme/*\"]\n[policy.gating]\nwhen-tags = [\"not-for-all-audiences\"]\n\
                  when-license = [\"llama*\"]\n[policy.audience]\nsynonyms = [\"nsfw\"]\nprotect-removal = false\n";
    let (ok, remote) = push_with(
        gating,
        "---\nlicense: mit\ntags:\n- art\n- text\n- not-for-all-audiences\n---\n",
    );
    assert!(!ok);
    assert!(
        remote.contains("README.md:6\n") && remote.contains("6 | - not-for-all-audiences"),
        "{remote}"
    );
    let (ok, remote) = push_with(gating, "---\nlicense: mit\ntags:\n- art\n- nsfw\n---\n");
    assert!(!ok);
    assert!(
        remote.contains("the tag \"nsfw\"") && remote.contains("5 | - nsfw"),
        "{remote}"
    );
    let (ok, remote) = push_with(gating, "---\ntags:\n- art\nlicense: llama3\n---\n");
    assert!(!ok);
    assert!(remote.contains("4 | license: llama3"), "{remote}");
    let required = "[[policy]]\nname = \"p\"\nrepos = [\"acme/*\"]\n[policy.license]\nrequired = true\n";
    let (ok, remote) = push_with(required, "---\ntags:\n- art\n---\n");
    assert!(!ok);
    assert!(
        remote.contains("no licence declared") && remote.contains("README.md:1\n"),
        "{remote}"
    );
}

/// `extra_gated_prompt: !` is null for js-yaml (a non-specific tag on an empty node), so the card
/// is not gated: a gating policy refuses it (the earlier reader read `""` and let it through).
#[test]
fn an_empty_tagged_gating_prompt_does_not_gate_the_card() {
    let gating =
        "[[policy]]\nname = \"p\"\nrepos = [\"acme/*\"]\n[policy.gating]\nwhen-tags = [\"not-for-all-audiences\"]\n";
    let (ok, remote) = push_with(
        gating,
        "---\nlicense: mit\ntags:\n- not-for-all-audiences\nextra_gated_prompt: !\n---\n",
    );
    assert!(!ok, "{remote}");
    assert!(remote.contains("error[gating-required]"), "{remote}");
}
