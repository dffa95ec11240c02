//! The server configuration file (`--config`, `HUBGATE_CONFIG`): what post-receive watches, how
//! long it may take, and where discussion entries are delivered. Policies stay in their own
//! files; this file is about the server, not about repositories.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// The whole file; every table is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `[discussions]`.
    #[serde(default)]
    pub discussions: Discussions,
    /// `[gitea]`: deliver entries as issues on a Gitea or Forgejo instance.
    #[serde(default)]
    pub gitea: Option<Gitea>,
}

/// What post-receive records.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Discussions {
    /// Record discussion entries at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Ref globs watched; `HEAD` means the repository's default branch (see `repo::branch`:
    /// HEAD's branch if it exists, else the only branch, `main`, `master`, or the first pushed).
    /// Checked and compiled when the file is read: a broken glob is an error at its place.
    #[serde(default = "default_refs")]
    pub watch_refs: Vec<RefPattern>,
    /// Further top-level card keys whose changes are recorded, for every repository.
    #[serde(default)]
    pub watch_keys: Vec<String>,
    /// The most post-receive may take, in milliseconds, whatever the forge does.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
}

impl Default for Discussions {
    fn default() -> Self {
        Discussions {
            enabled: true,
            watch_refs: default_refs(),
            watch_keys: Vec::new(),
            timeout_ms: default_timeout(),
        }
    }
}

fn yes() -> bool {
    true
}

fn default_refs() -> Vec<RefPattern> {
    // Both compile (a unit test checks that both are there).
    ["HEAD", "refs/pr/*"]
        .into_iter()
        .filter_map(|s| RefPattern::try_from(s.to_owned()).ok())
        .collect()
}

/// One entry of `watch-refs`: `HEAD` (the default branch) or a glob over full ref names,
/// compiled once when the configuration is read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub enum RefPattern {
    /// The repository's default branch.
    Head,
    /// Refs whose full name the glob matches.
    Glob(glob::Pattern),
}

impl TryFrom<String> for RefPattern {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Self, String> {
        if s == "HEAD" {
            return Ok(RefPattern::Head);
        }
        glob::Pattern::new(&s)
            .map(RefPattern::Glob)
            .map_err(|e| format!("invalid glob \"{s}\" in watch-refs: {e}"))
    }
}

/// A pattern equals the text it was written as (`HEAD`, or the glob).
impl PartialEq<&str> for RefPattern {
    fn eq(&self, other: &&str) -> bool {
        match self {
            RefPattern::Head => *other == "HEAD",
            RefPattern::Glob(g) => g.as_str() == *other,
        }
    }
}

impl RefPattern {
    /// Whether `refname` is watched, `default_branch` being what `HEAD` stands for.
    pub fn matches(&self, refname: &str, default_branch: Option<&str>) -> bool {
        match self {
            RefPattern::Head => default_branch == Some(refname),
            RefPattern::Glob(g) => g.matches(refname),
        }
    }
}

fn default_timeout() -> u64 {
    5000
}

/// A Gitea or Forgejo instance (same REST API for issues and labels).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Gitea {
    /// Base URL, e.g. `https://git.example.org` (the API lives under `/api/v1`).
    pub url: String,
    /// A file holding the access token (needs `write:issue`).
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// Or an environment variable holding it.
    #[serde(default)]
    pub token_env: Option<String>,
    /// The label put on every issue (created when missing).
    #[serde(default = "default_label")]
    pub label: String,
    /// The colour of that label when hubgate creates it.
    #[serde(default = "default_color")]
    pub label_color: String,
}

fn default_label() -> String {
    "risk-metadata".into()
}

fn default_color() -> String {
    "#d73a4a".into()
}

impl Gitea {
    /// The token, from its file or variable; never printed.
    pub fn token(&self) -> Result<String> {
        if let Some(file) = &self.token_file {
            let t = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the token file {}", file.display()))?;
            return Ok(t.trim().to_owned());
        }
        if let Some(var) = &self.token_env {
            return crate::env::secret(var).with_context(|| format!("the token variable {var} is not set"));
        }
        anyhow::bail!("[gitea] needs token-file or token-env")
    }
}

impl Config {
    /// Reads the file, or the defaults when no file is configured.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let Some(path) = path else { return Ok(Config::default()) };
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            let at = e.span().map(|s| {
                let (line, column) = crate::text::LineIndex::new(&text).line_col(&text, s.start);
                format!(":{line}:{column}")
            });
            anyhow::anyhow!(
                "{}{}: {} [{}]",
                path.display(),
                at.unwrap_or_default(),
                e.message(),
                crate::verdict::Code::ConfigInvalid.as_str()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_watches_head_and_pull_requests() {
        let d = Discussions::default();
        assert_eq!(d.watch_refs.len(), 2);
        assert!(d.watch_refs[0].matches("refs/heads/main", Some("refs/heads/main")));
        assert!(d.watch_refs[1].matches("refs/pr/7", None));
    }

    #[test]
    fn a_broken_watch_glob_is_an_error_at_its_place() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[discussions]\nwatch-refs = [\"HEAD\", \"refs/[\"]\n").expect("write");
        let e = Config::load(Some(&file)).expect_err("refused");
        let text = format!("{e:#}");
        assert!(text.contains("c.toml:2:"), "{text}");
        assert!(text.contains("invalid glob \"refs/[\" in watch-refs"), "{text}");
    }
}
