//! Administrator policy: which rules apply to which repositories, at which level.
//!
//! Policies come from TOML files ([`load`]); each applies to the repositories its `repos` globs
//! match (minus `exclude`). Every matching policy applies and a push must satisfy all of them, so
//! no policy can loosen another. A repository that no policy matches gets the embedded default,
//! [`Policy::hub_baseline`]: the Hub's own verification and nothing stricter.

pub mod files;
pub mod load;
pub mod overrides;
mod raw;
pub mod replace;
mod rules;
pub mod size;

use std::path::PathBuf;

use serde::Deserialize;

pub use rules::{Subject, evaluate};

use crate::hub::RepoType;
pub use crate::repo::name::{Case, Name};
use crate::verdict::Severity;

/// How a rule's findings count: refuse, report, or ignore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not checked.
    Off,
    /// Reported; the push goes through.
    Warn,
    /// Reported; the push is refused.
    #[default]
    Deny,
}

impl Level {
    /// The severity a finding gets at this level, from the severity it has by nature (a Hub
    /// warning stays a warning under `deny`); `None` drops it.
    pub fn apply(self, natural: Severity) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warn => Some(Severity::Warning),
            Level::Deny => Some(natural),
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// The part every rule table shares: its level, and whether a pusher named in the policy's
/// `override` list may push past it with `git push -o hubgate.override="reason"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// deny, warn or off.
    pub level: Level,
    /// May be overridden (default false).
    pub overridable: bool,
}

impl Rule {
    fn new(level: Level, overridable: bool) -> Self {
        Rule { level, overridable }
    }
}

/// `[policy.license]`.
#[derive(Debug, Clone)]
pub struct License {
    /// Level.
    pub rule: Rule,
    /// A licence must be declared.
    pub required: bool,
    /// Globs; empty means any licence the Hub accepts.
    pub allow: Vec<glob::Pattern>,
    /// Globs of refused licences.
    pub deny: Vec<glob::Pattern>,
    /// Keys `license: other` needs.
    pub other_requires: Vec<String>,
}

/// `[policy.gating]`.
#[derive(Debug, Clone)]
pub struct Gating {
    /// Level.
    pub rule: Rule,
    /// Gating required for every card.
    pub always: bool,
    /// Gating forbidden.
    pub never: bool,
    /// Gating required when the card carries one of these tags.
    pub when_tags: Vec<String>,
    /// Gating required when the licence matches one of these globs.
    pub when_license: Vec<glob::Pattern>,
    /// Keys a gated card must carry.
    pub required_keys: Vec<String>,
    /// `extra_gated_fields` must use the Hub's field types.
    pub check_field_types: bool,
}

/// `[policy.audience]`.
#[derive(Debug, Clone)]
pub struct Audience {
    /// Level.
    pub rule: Rule,
    /// The card must carry the audience tag.
    pub require_tag: bool,
    /// A push may not remove the tag.
    pub protect_removal: bool,
    /// Tags that count as the audience tag.
    pub synonyms: Vec<String>,
}

/// The Hub refuses files larger than 10 MiB outside LFS/Xet (docs/hub-rules.md, push scanners).
pub const DEFAULT_MAX_FILE: u64 = 10 * 1024 * 1024;
/// ... and binary files over about 1 MB (docs/sources.md#binary-heuristic; "1MB" read as 10^6
/// bytes).
pub const DEFAULT_BINARY_MIN: u64 = 1_000_000;

/// The Hub refuses a push that brings a directory with more than 10,000 entries
/// (docs/hub-rules.md, "Files per directory").
pub const DEFAULT_MAX_ENTRIES: u64 = 10_000;

/// `[policy.directory-entries]`: a level and the most entries (files and subdirectories) one
/// directory of the push may hold, so that a push the Hub would refuse is refused here first.
#[derive(Debug, Clone, Copy)]
pub struct Entries {
    /// Level.
    pub rule: Rule,
    /// `max-entries`: more than this many entries in one directory is a finding.
    pub max: u64,
}

/// `[policy.large-files]` and `[policy.binary-files]`: a level and a size.
#[derive(Debug, Clone, Copy)]
pub struct Scan {
    /// Level.
    pub rule: Rule,
    /// `max-size` (large files) or `min-size` (binary files), in bytes.
    pub size: u64,
}

/// `[policy.card]`.
#[derive(Debug, Clone)]
pub struct Card {
    /// Level.
    pub rule: Rule,
    /// README.md with front matter must exist.
    pub required: bool,
    /// Body headings that must exist.
    pub sections: Vec<String>,
}

/// One validated `[[policy]]`.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Unique name, shown in every finding.
    pub name: String,
    /// The file it came from (empty for the embedded default).
    pub file: PathBuf,
    /// Repository globs.
    pub repos: Vec<glob::Pattern>,
    /// Repository globs excluded.
    pub exclude: Vec<glob::Pattern>,
    /// The repository type its repositories have.
    pub repo_type: RepoType,
    /// `[policy.hub]`: the Hub's verification.
    pub hub: Rule,
    /// `[policy.license]`.
    pub license: Option<License>,
    /// `[policy.gating]`.
    pub gating: Option<Gating>,
    /// `[policy.audience]`.
    pub audience: Option<Audience>,
    /// `[policy.card]`.
    pub card: Option<Card>,
    /// `[policy.discussions] watch-keys`: further card keys whose changes post-receive records.
    pub watch_keys: Vec<String>,
    /// `[policy.large-files]`: files over `max-size` (default 10 MiB) not stored as pointers.
    pub large_files: Scan,
    /// `[policy.binary-files]`: binary files over `min-size` (default 1 MB) not stored as pointers.
    pub binary_files: Scan,
    /// `[policy.secrets]`: Hugging Face access tokens in pushed files.
    pub secrets: Rule,
    /// `[policy.directory-entries]`: directories holding more than `max-entries` entries.
    pub directory_entries: Entries,
    /// `[policy.replace-refs]`: pushes creating or moving `refs/replace/*` (off unless the
    /// table is present).
    pub replace_refs: Rule,
    /// `override`: pushers who may override this policy's overridable rules.
    pub override_by: Vec<String>,
    /// `internal-push = "skip"`: pushes Gitea makes itself are not checked.
    pub skip_internal_pushes: bool,
}

/// How `repos` and `exclude` globs meet a name. `*` crosses `/`, so an organisation's `acme/*`
/// also covers its GitLab subgroups and gitolite sub-paths (`acme/team/model`): a policy never
/// loses a repository because of nesting. `acme/**` is accepted and means the same. Case follows
/// the server: exact for paths and gitolite, ignoring case for forge names.
fn match_options(case: Case) -> glob::MatchOptions {
    glob::MatchOptions {
        case_sensitive: case == Case::Sensitive,
        require_literal_separator: false,
        require_literal_leading_dot: false,
    }
}

/// How one policy relates to one repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match<'a> {
    /// This `repos` pattern matches and no `exclude` pattern does.
    Applies(&'a glob::Pattern),
    /// This `exclude` pattern matches.
    Excluded(&'a glob::Pattern),
    /// No `repos` pattern matches.
    None,
}

impl Policy {
    /// The embedded default: Hub verification at `deny`, nothing else.
    pub fn hub_baseline() -> Policy {
        Policy {
            name: "hub-baseline".into(),
            file: PathBuf::new(),
            repos: Vec::new(),
            exclude: Vec::new(),
            repo_type: RepoType::Model,
            hub: Rule::new(Level::Deny, false),
            license: None,
            gating: None,
            audience: None,
            card: None,
            watch_keys: Vec::new(),
            large_files: Scan {
                rule: Rule::new(Level::Deny, false),
                size: DEFAULT_MAX_FILE,
            },
            binary_files: Scan {
                rule: Rule::new(Level::Deny, false),
                size: DEFAULT_BINARY_MIN,
            },
            secrets: Rule::new(Level::Deny, false),
            directory_entries: Entries {
                rule: Rule::new(Level::Deny, false),
                max: DEFAULT_MAX_ENTRIES,
            },
            // Not the Hub's (nothing says what it does with such refs): the baseline is no
            // stricter than the Hub.
            replace_refs: Rule::new(Level::Off, false),
            override_by: Vec::new(),
            skip_internal_pushes: false,
        }
    }

    /// Whether the policy applies to `repo`, and which pattern decides it (an `exclude` wins).
    pub fn match_repo(&self, repo: &Name) -> Match<'_> {
        let options = match_options(repo.case);
        if let Some(g) = self.exclude.iter().find(|g| g.matches_with(&repo.text, options)) {
            return Match::Excluded(g);
        }
        match self.repos.iter().find(|g| g.matches_with(&repo.text, options)) {
            Some(g) => Match::Applies(g),
            None => Match::None,
        }
    }

    /// The pattern of `repos` that matches `repo`, unless an `exclude` pattern does.
    pub fn matches(&self, repo: &Name) -> Option<&glob::Pattern> {
        match self.match_repo(repo) {
            Match::Applies(g) => Some(g),
            _ => None,
        }
    }
}

/// The policies in force for one repository, and what follows from them.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The matching policies (the embedded default when none matched).
    pub policies: Vec<Policy>,
    /// The repository type, agreed by all matching policies.
    pub repo_type: RepoType,
}

/// Picks the policies for `repo` from `all`; refuses (as an error for the administrator) when
/// matching policies disagree on the repository type, since no rule could then be checked right.
pub fn select(all: &[Policy], repo: &Name, repo_type_override: Option<RepoType>) -> Result<Applied, String> {
    let mut policies: Vec<Policy> = all.iter().filter(|p| p.matches(repo).is_some()).cloned().collect();
    if policies.is_empty() {
        policies.push(Policy::hub_baseline());
    }
    let repo_type = match repo_type_override {
        Some(t) => t,
        None => {
            let first = policies[0].repo_type;
            if let Some(other) = policies.iter().find(|p| p.repo_type != first) {
                return Err(format!(
                    "policies \"{}\" and \"{}\" both apply to {repo} but give it different repo types ({} and {})",
                    policies[0].name,
                    other.name,
                    first.as_str(),
                    other.repo_type.as_str()
                ));
            }
            first
        }
    };
    Ok(Applied { policies, repo_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(repos: &[&str], exclude: &[&str]) -> Policy {
        let globs = |g: &[&str]| g.iter().map(|p| glob::Pattern::new(p).expect("glob")).collect();
        Policy {
            repos: globs(repos),
            exclude: globs(exclude),
            ..Policy::hub_baseline()
        }
    }

    #[test]
    fn star_and_double_star_both_cover_nested_repositories() {
        let nested = Name::exact("acme/team/model");
        for pattern in ["acme/*", "acme/**"] {
            let p = policy(&[pattern], &[]);
            assert_eq!(p.matches(&nested).map(glob::Pattern::as_str), Some(pattern));
            assert!(p.matches(&Name::exact("acme/model")).is_some(), "{pattern}");
            assert!(p.matches(&Name::exact("acme-evil/model")).is_none(), "{pattern}");
            assert!(p.matches(&Name::exact("other/acme/model")).is_none(), "{pattern}");
        }
        let p = policy(&["acme/*"], &["acme/team/**"]);
        assert!(matches!(p.match_repo(&nested), Match::Excluded(g) if g.as_str() == "acme/team/**"));
    }

    #[test]
    fn forge_names_match_ignoring_case_and_paths_exactly() {
        let p = policy(&["acme/model-*"], &[]);
        assert!(p.matches(&Name::forge("acme/Model-x")).is_some());
        assert!(p.matches(&Name::forge("ACME/MODEL-X")).is_some());
        assert!(p.matches(&Name::exact("acme/Model-x")).is_none());
        let p = policy(&["acme/*"], &["acme/secret-*"]);
        assert!(matches!(
            p.match_repo(&Name::forge("Acme/Secret-1")),
            Match::Excluded(_)
        ));
        assert!(matches!(p.match_repo(&Name::exact("acme/Secret-1")), Match::Applies(_)));
        let picked = select(&[p], &Name::forge("ACME/Secret-2"), None).expect("select");
        assert_eq!(
            picked.policies[0].name, "hub-baseline",
            "an excluded forge name is excluded"
        );
    }
}
