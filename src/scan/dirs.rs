//! Directories with too many entries: the Hub refuses a push that brings a directory holding more
//! than 10,000 of them ("Your push was rejected because it contains too many files per
//! directory."; docs/hub-rules.md). Each policy's `[policy.directory-entries]` applies on its own,
//! as the other scanners' tables do; the walk records only new trees over the smallest limit.

use crate::policy::{Applied, Level};
use crate::verdict::{Code, Finding, Severity};

use super::walk::Walked;

/// The smallest `max-entries` of the policies whose rule is on; `None` when every one is off.
pub fn floor(applied: &Applied) -> Option<u64> {
    applied
        .policies
        .iter()
        .filter(|p| p.directory_entries.rule.level != Level::Off)
        .map(|p| p.directory_entries.max)
        .min()
}

/// A tree's path as the Hub prints it: from the root, with a trailing slash (`/` for the root).
pub fn hub_path(path: &str) -> String {
    if path.is_empty() {
        "/".to_owned()
    } else {
        format!("/{path}/")
    }
}

/// The findings of every policy about the crowded trees of the walk.
pub fn check(applied: &Applied, walked: &Walked) -> Vec<Finding> {
    let mut out = Vec::new();
    for tree in &walked.crowded {
        for p in &applied.policies {
            let table = p.directory_entries;
            if tree.entries as u64 <= table.max {
                continue;
            }
            let Some(severity) = table.rule.level.apply(Severity::Error) else {
                continue;
            };
            let dir = hub_path(&tree.path);
            let message = format!("{dir} holds {} entries, more than {}", tree.entries, table.max);
            let mut f = Finding::new(Code::DirectoryTooManyEntries, severity, "directory-entries", message);
            f.file = Some(dir);
            f.refname = Some(tree.refname.clone());
            f.policy = Some(p.name.clone());
            f.raised_by = vec![p.name.clone()];
            f.overridable = table.rule.overridable;
            f.limit = Some(table.max);
            out.push(f);
        }
    }
    crate::verdict::merge(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_as_the_hub_prints_them() {
        assert_eq!(hub_path(""), "/");
        assert_eq!(
            hub_path("data/expression.lance/_transactions"),
            "/data/expression.lance/_transactions/"
        );
    }
}
