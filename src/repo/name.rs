//! The repository's `owner/name`, which policies match on.
//!
//! With a configured root, the name is the path relative to it (`<root>/acme/model.git` ->
//! `acme/model`); without one, the last two components of the path (`/srv/git/acme/model.git` ->
//! `acme/model`). A trailing `.git` is removed either way. Forge variables come in a later
//! issue and will take precedence.

use std::path::{Component, Path};

/// Derives `owner/name` from a repository path.
pub fn derive(git_dir: &Path, root: Option<&Path>) -> String {
    let abs = std::path::absolute(git_dir).unwrap_or_else(|_| git_dir.to_owned());
    let abs = normalize(&abs);
    let parts: Vec<String> = match root.map(|r| normalize(&std::path::absolute(r).unwrap_or_else(|_| r.to_owned()))) {
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

fn components(p: &Path) -> Vec<String> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// Removes `.` and resolves `..` lexically (hooks run with `GIT_DIR=.`).
fn normalize(p: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
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
}
