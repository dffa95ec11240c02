//! The repository's name, which policies match on: the server's own name for it.
//!
//! In order: the forge's variables (Gitea, Forgejo, GitLab, GitHub Enterprise; compared ignoring
//! case, as those forges compare names), gitolite's `GL_REPO`, then the path. With a root
//! (`HUBGATE_REPO_ROOT`, which `hubgate install` records in its wrappers) the name is the path
//! under it (`<root>/acme/team/model.git` -> `acme/team/model`); without one, the last two
//! components of the path (`/srv/git/acme/model.git` -> `acme/model`). A trailing `.git` is
//! removed either way. Which source applies is decided in `crate::env`.

use std::path::{Component, Path, PathBuf};

/// How the server compares repository names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Case {
    /// Exactly (paths, gitolite): `acme/Model` and `acme/model` are two repositories.
    #[default]
    Sensitive,
    /// Ignoring ASCII case (Gitea, Forgejo, GitLab, GitHub): `acme/Model` is `acme/model`.
    Insensitive,
}

/// A repository's name and how the server that named it compares names; policy globs match it
/// the same way, so a policy cannot miss a repository because of the case of its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// `owner/name`, or deeper (`group/sub/name`).
    pub text: String,
    /// How it is compared.
    pub case: Case,
}

impl Name {
    /// A name compared exactly (a path, gitolite, or given on the command line).
    pub fn exact(text: impl Into<String>) -> Name {
        Name {
            text: text.into(),
            case: Case::Sensitive,
        }
    }

    /// A name given by a forge, compared ignoring case.
    pub fn forge(text: impl Into<String>) -> Name {
        Name {
            text: text.into(),
            case: Case::Insensitive,
        }
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Derives the name from a repository path, under `root` when given. Both are resolved through
/// symbolic links when they exist (git runs hooks in the repository's real directory), else
/// lexically.
pub fn derive(git_dir: &Path, root: Option<&Path>) -> String {
    let abs = resolve(git_dir);
    let parts: Vec<String> = match root.map(resolve) {
        Some(root) if abs.starts_with(&root) => components(abs.strip_prefix(&root).unwrap_or(&abs)),
        _ => {
            let all = components(&abs);
            let skip = all.len().saturating_sub(2);
            all.into_iter().skip(skip).collect()
        }
    };
    let mut name = parts.join("/");
    if let Some(stripped) = name.strip_suffix(".git") {
        name = stripped.to_owned();
    }
    name
}

/// The real path when it exists, else the absolute path with `.` and `..` resolved lexically.
fn resolve(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_owned())))
}

fn components(p: &Path) -> Vec<String> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// Removes `.` and resolves `..` lexically (hooks run with `GIT_DIR=.`); also what the pusher's
/// view of server paths (`report::inert`) compares with.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_two_components_without_git_suffix() {
        assert_eq!(derive(Path::new("/srv/git/acme/model.git"), None), "acme/model");
        assert_eq!(derive(Path::new("/srv/git/acme/model.git/."), None), "acme/model");
    }

    #[test]
    fn relative_to_a_root() {
        let root = Path::new("/srv/git");
        assert_eq!(
            derive(Path::new("/srv/git/acme/team/model.git"), Some(root)),
            "acme/team/model"
        );
        assert_eq!(derive(Path::new("/elsewhere/x/y.git"), Some(root)), "x/y");
    }

    #[cfg(unix)]
    #[test]
    fn a_root_reached_through_a_symbolic_link_still_names_nested_repositories() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let real = tmp.path().join("real");
        std::fs::create_dir_all(real.join("acme/team/model.git")).expect("mkdir");
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        assert_eq!(
            derive(&real.join("acme/team/model.git"), Some(&link)),
            "acme/team/model"
        );
    }
}
