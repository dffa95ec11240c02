//! Reading policy files: TOML into raw tables, then validated policies.
//!
//! Unknown keys and bad values are errors with file, line and column, collected for every file
//! before anything is decided (a broken policy must be fixable in one round). In hook mode such
//! an error refuses the push: a gate whose policy cannot be read must not let pushes through.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::raw::{At, PolicyTable, RULE_KEYS, Table, rule_keys};
use super::{Audience, Card, Gating, Level, License, Policy, Rule};
use crate::hub::RepoType;
use crate::verdict::Code;

/// A problem in a policy file: `policy-invalid`, or the warning `policy-license-glob-unknown`.
pub type Problem = crate::verdict::FileProblem;

/// Every problem found in the policy files; loading fails as a whole when any error exists.
pub type Error = crate::verdict::FileProblems;

/// `internal-push`: what to do with pushes Gitea makes itself (`GITEA_INTERNAL_PUSH=true`).
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawInternalPush {
    #[default]
    Check,
    Skip,
}

/// The keys of a `[[policy]]` table.
const POLICY_KEYS: [&str; 17] = [
    "name",
    "repos",
    "exclude",
    "repo-type",
    "hub",
    "license",
    "gating",
    "audience",
    "card",
    "discussions",
    "large-files",
    "binary-files",
    "secrets",
    "directory-entries",
    "replace-refs",
    "override",
    "internal-push",
];

/// Loads and validates every policy under `path` (a directory or one file).
///
/// Every `*.toml` entry of a directory counts ([`super::files::list`]); one that cannot be read
/// is a problem like a syntax error, never skipped.
pub fn load_all(path: &Path) -> Result<Loaded, Error> {
    let files = super::files::list(path).map_err(|e| Error {
        problems: vec![Problem::error(
            path.to_owned(),
            None,
            None,
            format!("cannot read policies: {e}"),
            Code::PolicyInvalid,
        )],
    })?;
    let mut policies = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match super::files::read(&file) {
            Ok(text) => parse(&file, &text, &mut policies, &mut problems),
            Err(message) => problems.push(Problem::error(file.clone(), None, None, message, Code::PolicyInvalid)),
        }
    }
    let mut seen = std::collections::HashMap::new();
    for p in &policies {
        if let Some(first) = seen.insert(p.name.clone(), p.file.clone()) {
            problems.push(Problem::error(
                p.file.clone(),
                None,
                None,
                format!("policy name \"{}\" is already used in {}", p.name, first.display()),
                Code::PolicyInvalid,
            ));
        }
    }
    if problems.iter().all(|p| p.warning) {
        Ok(Loaded {
            policies,
            warnings: problems,
        })
    } else {
        Err(Error { problems })
    }
}

/// Policies that load, with the warnings found on the way (shown by `doctor` and `policy
/// explain`; a warning never stops a push).
#[derive(Debug)]
pub struct Loaded {
    /// The policies.
    pub policies: Vec<Policy>,
    /// Problems that do not stop loading (a licence glob that matches no licence id).
    pub warnings: Vec<Problem>,
}

/// Loads and validates every policy under `path`; see [`load_all`].
pub fn load(path: &Path) -> Result<Vec<Policy>, Error> {
    load_all(path).map(|l| l.policies)
}

/// Parses one file's text; used by [`load`] and by tests on strings. Every problem of the file
/// is reported, not only the first: every syntax error, every key that does not belong to its
/// table, every unreadable value.
pub fn parse(file: &Path, text: &str, policies: &mut Vec<Policy>, problems: &mut Vec<Problem>) {
    let lines = crate::text::LineIndex::new(text);
    let at = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = lines.line_col(text, span.start);
        Problem::error(file.to_owned(), Some(line), Some(column), message, Code::PolicyInvalid)
    };
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    for e in &errors {
        let message = e.message().to_owned();
        problems.push(match e.span() {
            Some(span) => at(span, message),
            None => Problem::error(file.to_owned(), None, None, message, Code::PolicyInvalid),
        });
    }
    if !errors.is_empty() {
        // What the parser recovered is not what the administrator meant: no policy from it.
        return;
    }
    let root = Table::root(&doc);
    root.only(&["policy"], &at, problems);
    let Some(list) = root.value("policy") else {
        return;
    };
    let toml::de::DeValue::Array(list) = list.get_ref() else {
        problems.push(at(
            list.span(),
            "`policy` must be written `[[policy]]` (an array of tables)".into(),
        ));
        return;
    };
    for (i, value) in list.iter().enumerate() {
        if let Some(t) = Table::of(value, format!("[[policy]] number {}", i + 1), &at, problems)
            && let Some(p) = policy(file, &t, &at, problems)
        {
            policies.push(p);
        }
    }
}

/// One `[[policy]]` table, validated in full.
fn policy(file: &Path, t: &Table, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Policy> {
    t.only(&POLICY_KEYS, at, problems);
    let name: Option<Spanned<String>> = t.get("name", at, problems);
    if name.is_none() && t.value("name").is_none() {
        problems.push(at(t.span(), format!("{} has no `name`", t.name)));
    }
    let globs = |key: &str, problems: &mut Vec<Problem>| -> Vec<glob::Pattern> {
        let written: Vec<Spanned<String>> = t.or(key, Vec::new(), at, problems);
        written.iter().filter_map(|s| compile(s, at, problems)).collect()
    };
    let written: Option<Vec<Spanned<String>>> = t.get("repos", at, problems);
    let repos: Vec<glob::Pattern> = written
        .iter()
        .flatten()
        .filter_map(|s| compile(s, at, problems))
        .collect();
    if written.as_ref().is_some_and(Vec::is_empty) || t.value("repos").is_none() {
        let span = name.as_ref().map_or_else(|| t.span(), Spanned::span);
        problems.push(at(span, "`repos` must name at least one pattern".into()));
    }
    let exclude = globs("exclude", problems);
    let license = t.table("license", at, problems).map(|l| {
        l.only(
            &rule_keys(&["required", "allow", "deny", "other-requires"]),
            at,
            problems,
        );
        License {
            rule: l.rule(Level::Deny, at, problems),
            required: l.or("required", false, at, problems),
            allow: licence_globs(&l, "allow", at, problems),
            deny: licence_globs(&l, "deny", at, problems),
            other_requires: l.or(
                "other-requires",
                vec!["license_name".into(), "license_link".into()],
                at,
                problems,
            ),
        }
    });
    let gating = t.table("gating", at, problems).map(|g| {
        let keys = [
            "always",
            "never",
            "when-tags",
            "when-license",
            "required-keys",
            "check-field-types",
        ];
        g.only(&rule_keys(&keys), at, problems);
        let gating = Gating {
            rule: g.rule(Level::Deny, at, problems),
            always: g.or("always", false, at, problems),
            never: g.or("never", false, at, problems),
            when_tags: g.or("when-tags", Vec::new(), at, problems),
            when_license: licence_globs(&g, "when-license", at, problems),
            required_keys: g.or("required-keys", Vec::new(), at, problems),
            check_field_types: g.or("check-field-types", true, at, problems),
        };
        if gating.never && (gating.always || !gating.when_tags.is_empty() || !gating.when_license.is_empty()) {
            problems.push(at(
                g.span(),
                "gating: `never` cannot be combined with `always`, `when-tags` or `when-license`".into(),
            ));
        }
        gating
    });
    let audience = t.table("audience", at, problems).map(|a| {
        a.only(
            &rule_keys(&["require-tag", "protect-removal", "synonyms"]),
            at,
            problems,
        );
        Audience {
            rule: a.rule(Level::Deny, at, problems),
            require_tag: a.or("require-tag", false, at, problems),
            protect_removal: a.or("protect-removal", true, at, problems),
            synonyms: a.or("synonyms", Vec::new(), at, problems),
        }
    });
    let card = t.table("card", at, problems).map(|c| {
        c.only(&rule_keys(&["required", "sections"]), at, problems);
        Card {
            rule: c.rule(Level::Warn, at, problems),
            required: c.or("required", false, at, problems),
            sections: c.or("sections", Vec::new(), at, problems),
        }
    });
    let watch_keys = t.table("discussions", at, problems).map_or_else(Vec::new, |d| {
        d.only(&["watch-keys"], at, problems);
        d.or("watch-keys", Vec::new(), at, problems)
    });
    let rule_only = |key: &str, problems: &mut Vec<Problem>| {
        t.table(key, at, problems).map_or(Rule::new(Level::Deny, false), |r| {
            r.only(&RULE_KEYS, at, problems);
            r.rule(Level::Deny, at, problems)
        })
    };
    let hub = rule_only("hub", problems);
    let secrets = rule_only("secrets", problems);
    // hubgate's own rule, not the Hub's: off unless the administrator writes the table.
    let replace_refs = t
        .table("replace-refs", at, problems)
        .map_or(Rule::new(Level::Off, false), |r| {
            r.only(&RULE_KEYS, at, problems);
            r.rule(Level::Deny, at, problems)
        });
    let large_files = super::size::scan(
        t.table("large-files", at, problems),
        "max-size",
        super::DEFAULT_MAX_FILE,
        at,
        problems,
    );
    let binary_files = super::size::scan(
        t.table("binary-files", at, problems),
        "min-size",
        super::DEFAULT_BINARY_MIN,
        at,
        problems,
    );
    let directory_entries = super::size::entries(t.table("directory-entries", at, problems), at, problems);
    let repo_type: RepoType = t.or("repo-type", RepoType::default(), at, problems);
    let override_by: Vec<String> = t.or("override", Vec::new(), at, problems);
    let internal: RawInternalPush = t.or("internal-push", RawInternalPush::default(), at, problems);
    Some(Policy {
        name: name?.into_inner(),
        file: file.to_owned(),
        repos,
        exclude,
        repo_type,
        hub,
        license,
        gating,
        audience,
        card,
        watch_keys,
        large_files,
        binary_files,
        secrets,
        directory_entries,
        replace_refs,
        override_by,
        skip_internal_pushes: matches!(internal, RawInternalPush::Skip),
    })
}

/// A glob as written, compiled; an invalid one is a problem at its place.
fn compile(s: &Spanned<String>, at: At<'_>, problems: &mut Vec<Problem>) -> Option<glob::Pattern> {
    match glob::Pattern::new(s.get_ref()) {
        Ok(g) => Some(g),
        Err(e) => {
            problems.push(at(s.span(), format!("invalid glob \"{}\": {e}", s.get_ref())));
            None
        }
    }
}

/// Licence globs (`allow`, `deny`, `when-license`); one that matches no licence id the Hub knows
/// is a warning (a typo such as `apache2` would otherwise match nothing, silently).
fn licence_globs(t: &Table, key: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Vec<glob::Pattern> {
    let written: Vec<Spanned<String>> = t.or(key, Vec::new(), at, problems);
    written
        .iter()
        .filter_map(|s| {
            let g = compile(s, at, problems)?;
            if !crate::hub::licenses::ids().any(|id| g.matches(id)) {
                let mut p = at(
                    s.span(),
                    format!(
                        "{key}: \"{}\" matches no licence id the Hub knows (see `hubgate policy explain`); a typo?",
                        s.get_ref()
                    ),
                );
                p.warning = true;
                p.code = Code::PolicyLicenseGlobUnknown;
                problems.push(p);
            }
            Some(g)
        })
        .collect()
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
