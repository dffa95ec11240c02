//! The only place hubgate reads its environment: git's hook variables and its own settings.

use std::path::PathBuf;

use crate::repo::Quarantine;

/// What the environment says about this run.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `GIT_DIR` (hooks run with it set, usually to `.`).
    pub git_dir: Option<PathBuf>,
    /// The push's quarantine, during pre-receive.
    pub quarantine: Quarantine,
    /// `HUBGATE_POLICIES`: a policy directory or file.
    pub policies: Option<PathBuf>,
    /// `HUBGATE_REPO_ROOT`: the root repository names are relative to.
    pub repo_root: Option<PathBuf>,
    /// `HUBGATE_ON_ERROR=accept`: let pushes through on an internal failure (default: refuse).
    pub fail_open: bool,
    /// `HUBGATE_CONFIG`: the server configuration file.
    pub config: Option<PathBuf>,
    /// Who pushed: `GITEA_PUSHER_NAME` (Gitea, Forgejo), `GL_USERNAME` (GitLab),
    /// `GITHUB_USER_LOGIN` (GitHub Enterprise).
    pub pusher: Option<String>,
    /// The repository's owner and name on the forge: `GITEA_REPO_USER_NAME`, `GITEA_REPO_NAME`.
    pub forge_repo: Option<(String, String)>,
}

impl Env {
    /// The repository's `owner/name`: the forge's, when the forge says it, else from the path.
    pub fn repo_name(&self, git_dir: &std::path::Path) -> String {
        match &self.forge_repo {
            Some((owner, name)) => format!("{owner}/{name}"),
            None => crate::repo::name::derive(git_dir, self.repo_root.as_deref()),
        }
    }

    /// Reads the process environment.
    pub fn read() -> Env {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        Env {
            git_dir: var("GIT_DIR").map(PathBuf::from),
            quarantine: Quarantine {
                object_dir: var("GIT_OBJECT_DIRECTORY").map(PathBuf::from),
                alternates: var("GIT_ALTERNATE_OBJECT_DIRECTORIES")
                    .map(|v| split_alternates(&v.to_string_lossy()))
                    .unwrap_or_default(),
            },
            policies: var("HUBGATE_POLICIES").map(PathBuf::from),
            repo_root: var("HUBGATE_REPO_ROOT").map(PathBuf::from),
            fail_open: var("HUBGATE_ON_ERROR").is_some_and(|v| v == "accept"),
            config: var("HUBGATE_CONFIG").map(PathBuf::from),
            pusher: ["GITEA_PUSHER_NAME", "GL_USERNAME", "GITHUB_USER_LOGIN"]
                .iter()
                .find_map(|k| var(k))
                .map(|v| v.to_string_lossy().into_owned()),
            forge_repo: match (var("GITEA_REPO_USER_NAME"), var("GITEA_REPO_NAME")) {
                (Some(o), Some(n)) => Some((o.to_string_lossy().into_owned(), n.to_string_lossy().into_owned())),
                _ => None,
            },
        }
    }
}

/// Splits `GIT_ALTERNATE_OBJECT_DIRECTORIES`: `:`-separated, an entry C-quoted in double quotes
/// when it contains `:` or starts with `"` (git's `tmp-objdir.c`).
pub fn split_alternates(value: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    while chars.peek().is_some() {
        let mut entry = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => entry.push('\n'),
                        Some('t') => entry.push('\t'),
                        Some(d @ '0'..='7') => {
                            let mut code = d.to_digit(8).unwrap_or(0);
                            for _ in 0..2 {
                                if let Some(n) = chars.peek().and_then(|c| c.to_digit(8)) {
                                    code = code * 8 + n;
                                    chars.next();
                                }
                            }
                            entry.push(char::from_u32(code).unwrap_or('?'));
                        }
                        Some(other) => entry.push(other),
                        None => {}
                    },
                    other => entry.push(other),
                }
            }
            // Skip up to the separator.
            for c in chars.by_ref() {
                if c == ':' {
                    break;
                }
            }
        } else {
            for c in chars.by_ref() {
                if c == ':' {
                    break;
                }
                entry.push(c);
            }
        }
        if !entry.is_empty() {
            out.push(PathBuf::from(entry));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_quoted_alternates() {
        assert_eq!(
            split_alternates("/a/objects:/b/objects"),
            [PathBuf::from("/a/objects"), PathBuf::from("/b/objects")]
        );
        assert_eq!(
            split_alternates("\"/x:y/objects\":/b"),
            [PathBuf::from("/x:y/objects"), PathBuf::from("/b")]
        );
        assert_eq!(split_alternates("\"/q\\\"t\""), [PathBuf::from("/q\"t")]);
    }
}
