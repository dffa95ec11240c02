//! Reading policy files: TOML into raw tables, then validated policies.
//!
//! Unknown keys and bad values are errors with file, line and column, collected for every file
//! before anything is decided (a broken policy must be fixable in one round). In hook mode such
//! an error refuses the push: a gate whose policy cannot be read must not let pushes through.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{Audience, Card, Gating, Level, License, Policy, Rule};
use crate::hub::RepoType;

/// A problem in a policy file, located for the administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in the policy files; loading fails as a whole when any exists.
#[derive(Debug, Clone)]
pub struct Error {
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    policy: Vec<RawPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPolicy {
    name: Spanned<String>,
    repos: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    repo_type: RepoType,
    #[serde(default)]
    hub: Option<RawHub>,
    #[serde(default)]
    license: Option<RawLicense>,
    #[serde(default)]
    gating: Option<RawGating>,
    #[serde(default)]
    audience: Option<RawAudience>,
    #[serde(default)]
    card: Option<RawCard>,
    #[serde(default)]
    discussions: Option<RawDiscussions>,
    #[serde(default)]
    large_files: Option<RawScan>,
    #[serde(default)]
    binary_files: Option<RawScan>,
    #[serde(default)]
    secrets: Option<RawSecrets>,
    #[serde(default)]
    directory_entries: Option<super::size::RawEntries>,
    #[serde(default, rename = "override")]
    override_by: Vec<String>,
    #[serde(default)]
    internal_push: RawInternalPush,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawScan {
    #[serde(default)]
    level: Level,
    #[serde(default)]
    overridable: bool,
    /// `max-size` (large files) or `min-size` (binary files): bytes, or text with a unit.
    #[serde(default, alias = "max-size", alias = "min-size")]
    size: Option<Spanned<super::size::RawSize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSecrets {
    #[serde(default)]
    level: Level,
    #[serde(default)]
    overridable: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDiscussions {
    #[serde(default)]
    watch_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHub {
    #[serde(default)]
    level: Level,
    #[serde(default)]
    overridable: bool,
}

/// `internal-push`: what to do with pushes Gitea makes itself (`GITEA_INTERNAL_PUSH=true`).
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawInternalPush {
    #[default]
    Check,
    Skip,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLicense {
    #[serde(default)]
    level: Level,
    #[serde(default)]
    overridable: bool,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    #[serde(default = "default_other_requires")]
    other_requires: Vec<String>,
}

fn default_other_requires() -> Vec<String> {
    vec!["license_name".into(), "license_link".into()]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGating {
    #[serde(default)]
    level: Level,
    #[serde(default)]
    overridable: bool,
    #[serde(default)]
    always: bool,
    #[serde(default)]
    never: bool,
    #[serde(default)]
    when_tags: Vec<String>,
    #[serde(default)]
    when_license: Vec<Spanned<String>>,
    #[serde(default)]
    required_keys: Vec<String>,
    #[serde(default = "yes")]
    check_field_types: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAudience {
    #[serde(default)]
    level: Level,
    #[serde(default)]
    overridable: bool,
    #[serde(default)]
    require_tag: bool,
    #[serde(default = "yes")]
    protect_removal: bool,
    #[serde(default)]
    synonyms: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard {
    #[serde(default = "warn")]
    level: Level,
    #[serde(default)]
    overridable: bool,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    sections: Vec<String>,
}

fn warn() -> Level {
    Level::Warn
}

/// Loads and validates every policy under `path` (a directory or one file).
///
/// Every `*.toml` entry of a directory counts ([`super::files::list`]); one that cannot be read
/// is a problem like a syntax error, never skipped.
pub fn load(path: &Path) -> Result<Vec<Policy>, Error> {
    let files = super::files::list(path).map_err(|e| Error {
        problems: vec![Problem {
            file: path.to_owned(),
            line: None,
            column: None,
            message: format!("cannot read policies: {e}"),
        }],
    })?;
    let mut policies = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match super::files::read(&file) {
            Ok(text) => parse(&file, &text, &mut policies, &mut problems),
            Err(message) => problems.push(Problem {
                file: file.clone(),
                line: None,
                column: None,
                message,
            }),
        }
    }
    let mut seen = std::collections::HashMap::new();
    for p in &policies {
        if let Some(first) = seen.insert(p.name.clone(), p.file.clone()) {
            problems.push(Problem {
                file: p.file.clone(),
                line: None,
                column: None,
                message: format!("policy name \"{}\" is already used in {}", p.name, first.display()),
            });
        }
    }
    if problems.is_empty() {
        Ok(policies)
    } else {
        Err(Error { problems })
    }
}

/// Parses one file's text; used by [`load`] and by tests on strings.
pub fn parse(file: &Path, text: &str, policies: &mut Vec<Policy>, problems: &mut Vec<Problem>) {
    let at = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = line_col(text, span.start);
        Problem {
            file: file.to_owned(),
            line: Some(line),
            column: Some(column),
            message,
        }
    };
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let message = e.message().to_owned();
            problems.push(match e.span() {
                Some(span) => at(span, message),
                None => Problem {
                    file: file.to_owned(),
                    line: None,
                    column: None,
                    message,
                },
            });
            return;
        }
    };
    for p in raw.policy {
        let mut glob = |s: &Spanned<String>| match glob::Pattern::new(s.get_ref()) {
            Ok(g) => Some(g),
            Err(e) => {
                problems.push(at(s.span(), format!("invalid glob \"{}\": {e}", s.get_ref())));
                None
            }
        };
        let repos: Vec<_> = p.repos.iter().filter_map(&mut glob).collect();
        let exclude: Vec<_> = p.exclude.iter().filter_map(&mut glob).collect();
        let license = p.license.map(|l| License {
            rule: Rule::new(l.level, l.overridable),
            required: l.required,
            allow: l.allow.iter().filter_map(&mut glob).collect(),
            deny: l.deny.iter().filter_map(&mut glob).collect(),
            other_requires: l.other_requires,
        });
        let gating = p.gating.map(|g| Gating {
            rule: Rule::new(g.level, g.overridable),
            always: g.always,
            never: g.never,
            when_tags: g.when_tags,
            when_license: g.when_license.iter().filter_map(&mut glob).collect(),
            required_keys: g.required_keys,
            check_field_types: g.check_field_types,
        });
        if let Some(g) = &gating
            && g.never
            && (g.always || !g.when_tags.is_empty() || !g.when_license.is_empty())
        {
            problems.push(at(
                p.name.span(),
                "gating: `never` cannot be combined with `always`, `when-tags` or `when-license`".into(),
            ));
        }
        if p.repos.is_empty() {
            problems.push(at(p.name.span(), "`repos` must name at least one pattern".into()));
        }
        policies.push(Policy {
            name: p.name.into_inner(),
            file: file.to_owned(),
            repos,
            exclude,
            repo_type: p.repo_type,
            hub: p
                .hub
                .map_or(Rule::new(Level::Deny, false), |h| Rule::new(h.level, h.overridable)),
            license,
            gating,
            audience: p.audience.map(|a| Audience {
                rule: Rule::new(a.level, a.overridable),
                require_tag: a.require_tag,
                protect_removal: a.protect_removal,
                synonyms: a.synonyms,
            }),
            card: p.card.map(|c| Card {
                rule: Rule::new(c.level, c.overridable),
                required: c.required,
                sections: c.sections,
            }),
            watch_keys: p.discussions.map(|d| d.watch_keys).unwrap_or_default(),
            large_files: super::size::scan(
                p.large_files.map(|r| (r.level, r.overridable, r.size)),
                super::DEFAULT_MAX_FILE,
                problems,
                &at,
            ),
            binary_files: super::size::scan(
                p.binary_files.map(|r| (r.level, r.overridable, r.size)),
                super::DEFAULT_BINARY_MIN,
                problems,
                &at,
            ),
            secrets: p
                .secrets
                .map_or(Rule::new(Level::Deny, false), |s| Rule::new(s.level, s.overridable)),
            directory_entries: super::size::entries(p.directory_entries),
            override_by: p.override_by,
            skip_internal_pushes: matches!(p.internal_push, RawInternalPush::Skip),
        });
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
