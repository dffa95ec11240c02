//! The doctor's checks that read a repository's objects and refs, through [`Repo`] as the hooks
//! open it: whether it can be opened at all, replacement refs, and `HEAD`.

use std::path::Path;

use super::doctor::{Check, Status, check};
use crate::repo::Repo;

/// Warns of replacement refs already in a repository: git on the server shows another object
/// in their place (web views, `git log`, archives), while hubgate judges, and clones get, the
/// stored one. `[policy.replace-refs]` refuses new ones; these came before it, or while it was off.
pub(super) fn replacement_check(out: &mut Vec<Check>, repo: &Path, opened: &Repo) {
    let shown = repo.display();
    match opened.replacement_refs() {
        Ok(names) if names.is_empty() => {}
        Ok(names) => {
            let first = &names[0];
            check(
                out,
                Status::Warn,
                format!(
                    "{shown}: {} replacement ref{} ({first}{}): git on this server shows other objects in their place, \
                     while hubgate and clones read the stored ones; remove one with `git --git-dir={shown} update-ref -d {first}`",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" },
                    if names.len() > 1 { ", ..." } else { "" },
                ),
            )
        }
        Err(e) => check(
            out,
            Status::Warn,
            format!("{shown}: cannot list replacement refs: {e:#}"),
        ),
    }
}

/// Opens `repo` as the hooks do, once for every check that reads it. A repository the hooks
/// cannot open (reftable refs, SHA-256 ids, a broken layout) has every push refused: one `FAIL`
/// line says so, and the checks that read it are left out, as they would only repeat why.
pub(super) fn open(out: &mut Vec<Check>, repo: &Path) -> Option<Repo> {
    match Repo::open(repo, &Default::default()) {
        Ok(r) => Some(r),
        Err(e) => {
            check(
                out,
                Status::Fail,
                format!("{}: every push is refused: {e:#}", repo.display()),
            );
            None
        }
    }
}

/// Warns when `HEAD` names a branch that does not exist while others do (`git init --bare` and
/// gitolite name `master`, clients push `main`): the `HEAD` watch pattern then follows another
/// branch (`repo::branch`), and the owner should say which one is meant.
pub(super) fn head_check(out: &mut Vec<Check>, repo: &Path, opened: &Repo) {
    let shown = repo.display();
    let d = match opened.default_branch(&[]) {
        Ok(d) => d,
        Err(e) => return check(out, Status::Warn, format!("{shown}: cannot read HEAD: {e:#}")),
    };
    let Some(problem) = d.head_problem() else {
        return;
    };
    let fix = d.branch.as_deref().unwrap_or("refs/heads/<branch>");
    check(
        out,
        Status::Warn,
        format!(
            "{shown}: {problem}; {}; set it with `git --git-dir={shown} symbolic-ref HEAD {fix}`",
            d.follows()
        ),
    );
}
