//! The server configuration file (`--config`, `HUBGATE_CONFIG`): what post-receive watches, how
//! long it may take, and where discussion entries are delivered. Policies stay in their own
//! files; this file is about the server, not about repositories.
//!
//! Validated in full, like policy files: the file is read as raw TOML tables, then every key is
//! checked on its own (`config::check`), so that every problem of the file (every syntax error,
//! every key that does not belong to its table, every value of the wrong type or out of range)
//! is reported in one round, each with its line and column and the code `config-invalid`.

mod check;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::verdict::Code;

/// The largest configuration file read, in bytes: a real one is a few hundred bytes, and a hook
/// must not spend its time budget parsing a runaway file.
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// The whole file; every table is optional.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `[discussions]`.
    pub discussions: Discussions,
    /// `[gitea]`: deliver entries as issues on a Gitea or Forgejo instance.
    pub gitea: Option<Gitea>,
}

/// What post-receive records.
#[derive(Debug, Clone)]
pub struct Discussions {
    /// Record discussion entries at all.
    pub enabled: bool,
    /// Ref globs watched; `HEAD` means the repository's default branch (see `repo::branch`:
    /// HEAD's branch if it exists, else the only branch, `main`, `master`, or the first pushed).
    /// Checked and compiled when the file is read: a broken glob is an error at its place.
    pub watch_refs: Vec<RefPattern>,
    /// Further top-level card keys whose changes are recorded, for every repository.
    pub watch_keys: Vec<String>,
    /// The most post-receive may take, in milliseconds, whatever the forge does.
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

fn default_refs() -> Vec<RefPattern> {
    // Both compile (a unit test checks that both are there).
    ["HEAD", "refs/pr/*"]
        .into_iter()
        .filter_map(|s| RefPattern::try_from(s.to_owned()).ok())
        .collect()
}

/// One entry of `watch-refs`: `HEAD` (the default branch) or a glob over full ref names,
/// compiled once when the configuration is read.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone)]
pub struct Gitea {
    /// Base URL, e.g. `https://git.example.org` (the API lives under `/api/v1`).
    pub url: String,
    /// A file holding the access token (needs `write:issue`).
    pub token_file: Option<PathBuf>,
    /// Or an environment variable holding it.
    pub token_env: Option<String>,
    /// The label put on every issue (created when missing).
    pub label: String,
    /// The colour of that label when hubgate creates it.
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
    /// Reads the file, or the defaults when no file is configured. Every problem of the file is
    /// in the error, not only the first.
    pub fn load(path: Option<&Path>) -> std::result::Result<Config, Error> {
        let Some(path) = path else { return Ok(Config::default()) };
        match crate::toml_table::read(path, "unreadable configuration file", Some(MAX_FILE_SIZE)) {
            Ok(text) => Config::parse(path, &text),
            Err(message) => Err(Error {
                problems: vec![Problem::error(
                    path.to_owned(),
                    None,
                    None,
                    message,
                    Code::ConfigInvalid,
                )],
            }),
        }
    }

    /// Validates the text of the file `file` (named in problems); used by [`Config::load`] and
    /// by tests on strings.
    pub fn parse(file: &Path, text: &str) -> std::result::Result<Config, Error> {
        let mut problems = Vec::new();
        let config = check::config(file, text, &mut problems);
        match config {
            Some(config) if problems.is_empty() => Ok(config),
            _ => {
                problems.sort_by_key(|p| (p.line, p.column));
                Err(Error { problems })
            }
        }
    }
}

/// A problem in the configuration file (always `config-invalid`: the server configuration has no
/// warnings, what is written must be what runs).
pub type Problem = crate::verdict::FileProblem;

/// Every problem found in the configuration file, in the order of the file; the file is used
/// only when there is none.
pub type Error = crate::verdict::FileProblems;

#[cfg(test)]
mod tests;
