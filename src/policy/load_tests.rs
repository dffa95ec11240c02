//! Loading policy files: every problem at once, each at its place.

use super::*;

fn problems(text: &str) -> (Vec<Policy>, Vec<Problem>) {
    let (mut policies, mut problems) = (Vec::new(), Vec::new());
    parse(Path::new("p.toml"), text, &mut policies, &mut problems);
    (policies, problems)
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let (_, found) = problems(
        "[[policy]]\nname = \"a\"\nrepos = [\"*\"]\ncolour = 1\n[policy.license]\nlevel = \"strict\"\nallow = 3\nextra = true\n\
         [policy.gating]\nalways = \"yes\"\n[policy.large-files]\nmin-size = \"1MB\"\n",
    );
    let at: Vec<String> = found.iter().map(ToString::to_string).collect();
    let want = [
        "p.toml:4:1: unknown field `colour` in [[policy]] number 1",
        "p.toml:8:1: unknown field `extra` in [policy.license]",
        "p.toml:6:9: unknown variant `strict`",
        "p.toml:7:9: invalid type: integer `3`",
        "p.toml:10:10: invalid type: string \"yes\", expected a boolean",
        // The large-files table takes max-size; min-size belongs to binary-files.
        "p.toml:12:1: unknown field `min-size` in [policy.large-files], expected one of `level`, `overridable`, `max-size`",
    ];
    for w in want {
        assert!(at.iter().any(|p| p.starts_with(w)), "{w} missing from {at:#?}");
    }
    assert_eq!(found.len(), want.len(), "{at:#?}");
}

#[test]
fn every_syntax_error_is_reported_and_no_policy_is_built_from_a_broken_file() {
    let (policies, found) = problems("[[policy]]\nname = \"a\nrepos = [\"*\"]\n[x\n");
    assert!(policies.is_empty());
    assert!(found.len() >= 2, "{found:#?}");
    assert!(found.iter().all(|p| !p.warning));
}

#[test]
fn a_licence_glob_matching_no_hub_licence_warns_and_loads() {
    let (policies, found) = problems(
        "[[policy]]\nname = \"a\"\nrepos = [\"*\"]\n[policy.license]\nallow = [\"apache2\", \"apache-*\", \"cc-by-*\"]\n",
    );
    assert_eq!(policies.len(), 1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].warning);
    assert!(
        found[0]
            .to_string()
            .starts_with("warning: p.toml:5:10: allow: \"apache2\" matches no licence id the Hub knows"),
        "{}",
        found[0]
    );
    assert!(
        found[0].to_string().ends_with("[policy-license-glob-unknown]"),
        "{}",
        found[0]
    );
}

#[test]
fn a_policy_without_name_or_repos_is_refused_at_its_table() {
    let (policies, found) = problems("[[policy]]\nrepo-type = \"model\"\n");
    assert!(policies.is_empty());
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.contains("has no `name`")), "{text:#?}");
    assert!(
        text.iter()
            .any(|t| t.contains("`repos` must name at least one pattern")),
        "{text:#?}"
    );
}

/// `policies/template.toml` shows every key at its real default: loaded, it equals a policy that
/// says nothing but its name and repositories (with every table present).
#[test]
fn the_template_shows_the_defaults() {
    let (mut from_template, found) = problems(include_str!("../../policies/template.toml"));
    assert!(found.is_empty(), "{found:#?}");
    let (mut bare, found) = problems(
        "[[policy]]\nname = \"template\"\nrepos = [\"example-org/*\"]\n[policy.hub]\n[policy.license]\n[policy.gating]\n\
         [policy.audience]\n[policy.card]\n[policy.discussions]\n[policy.large-files]\n[policy.binary-files]\n\
         [policy.secrets]\n[policy.directory-entries]\n",
    );
    assert!(found.is_empty(), "{found:#?}");
    let (t, b) = (from_template.remove(0), bare.remove(0));
    assert_eq!(format!("{:?}", t.license), format!("{:?}", b.license));
    assert_eq!(format!("{:?}", t.gating), format!("{:?}", b.gating));
    assert_eq!(format!("{:?}", t.audience), format!("{:?}", b.audience));
    assert_eq!(format!("{:?}", t.card), format!("{:?}", b.card));
    assert_eq!(t.watch_keys, b.watch_keys);
    assert_eq!(format!("{:?}", t.large_files), format!("{:?}", b.large_files));
    assert_eq!(format!("{:?}", t.binary_files), format!("{:?}", b.binary_files));
    assert_eq!(
        format!("{:?}", t.directory_entries),
        format!("{:?}", b.directory_entries)
    );
    assert_eq!(t.override_by, b.override_by);
    assert!(t.exclude.is_empty());
}

/// `[policy.replace-refs]` is hubgate's own rule: off when absent (and in the embedded
/// baseline, no stricter than the Hub), `deny` when written without a level, and checked like
/// any rule table.
#[test]
fn the_replace_refs_rule_is_off_unless_written() {
    let head = "[[policy]]\nname = \"a\"\nrepos = [\"*\"]\n";
    let level = |tables: &str| {
        let (policies, found) = problems(&format!("{head}{tables}"));
        assert!(found.is_empty(), "{found:?}");
        (policies[0].replace_refs.level, policies[0].replace_refs.overridable)
    };
    assert_eq!(level(""), (Level::Off, false));
    assert_eq!(Policy::hub_baseline().replace_refs.level, Level::Off);
    assert_eq!(level("[policy.replace-refs]\n"), (Level::Deny, false));
    assert_eq!(
        level("[policy.replace-refs]\nlevel = \"warn\"\noverridable = true\n"),
        (Level::Warn, true)
    );
    let (_, found) = problems(&format!("{head}[policy.replace-refs]\nmax-size = 1\n"));
    assert_eq!(found.len(), 1, "{found:?}");
}
