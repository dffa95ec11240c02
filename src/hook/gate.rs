//! The evaluation of a set of ref updates: the same code for pre-receive and `check`.
//!
//! The cards of every update are judged (`super::cards`) while what the push brings is walked:
//! git's rules for new trees, the entries per directory, the tokens in ref names, and the scanners
//! over every new file.

use anyhow::Result;

use crate::policy::Applied;
use crate::repo::Repo;
use crate::repo::update::Update;
use crate::verdict::{Code, Finding, Severity};

/// hubgate's own ref namespace (discussions live there from issue 3 on); pushers may not write it.
pub const RESERVED_NAMESPACE: &str = "refs/hubgate/";

/// Which blobs the push scanners look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// What a push brings: the quarantine's objects (or, without one, the commits of each update).
    Push,
    /// The commits of each update's `old..new`.
    Range,
    /// Every file of each new tip (`check` on refs as if newly pushed).
    Tip,
}

/// Checks every update; an `Err` is an operational failure (a missing object, an unreadable
/// repository), never a finding. `replace_base` is the server's `GIT_REPLACE_REF_BASE`.
pub fn check(
    repo: &Repo,
    applied: &Applied,
    updates: &[Update],
    scan: Scan,
    replace_base: Option<&str>,
) -> Result<Vec<Finding>> {
    let floor = crate::scan::dirs::floor(applied);
    // The cards are judged (on a second thread for a push of many refs) while what the push
    // brings is walked.
    let (mut findings, mut walked) = super::cards::judge_all(repo, applied, updates, || {
        if scan == Scan::Push && repo.has_quarantine() {
            crate::scan::walk::pushed(repo, updates, floor)
        } else {
            without_quarantine(repo, updates, scan, floor)
        }
    })?;
    for bad in &walked.bad_trees {
        let place = if bad.path.is_empty() {
            "the root tree".to_owned()
        } else {
            format!("the tree at {}", bad.path)
        };
        let mut f = Finding::new(
            Code::TreeMalformed,
            Severity::Error,
            "tree",
            format!(
                "{place} ({}) is malformed: {}",
                &bad.id.to_string()[..12],
                bad.problems.join("; ")
            ),
        );
        f.refname = Some(bad.refname.clone());
        findings.push(f.with_help(Code::TreeMalformed.fix()));
    }
    // Ref names are shown to everyone who lists the repository.
    for u in updates.iter().filter(|u| u.new.is_some()) {
        let found = crate::scan::tokens::find(u.refname.as_bytes());
        if !found.is_empty() {
            walked.named.push(("(ref name)".to_owned(), u.refname.clone(), found));
        }
    }
    findings.extend(crate::policy::replace::check(applied, updates, replace_base));
    findings.extend(crate::scan::dirs::check(applied, &walked));
    findings.extend(crate::scan::check(repo, applied, &walked)?);
    Ok(findings)
}

/// The blobs of each update compared with what came before it, when there is no quarantine to
/// tell new objects from old (`check`, or git older than 2.11).
fn without_quarantine(
    repo: &Repo,
    updates: &[Update],
    scan: Scan,
    entries_floor: Option<u64>,
) -> Result<crate::scan::Walked> {
    use crate::repo::objects::Target;
    // Only a ref created without a quarantine needs the other refs' tips (a delete-only push
    // needs nothing).
    let creates = updates.iter().any(|u| u.old.is_none() && u.new.is_some());
    let hidden_all: Vec<gix::ObjectId> = if scan == Scan::Push && creates {
        repo.branches()?.into_iter().map(|(_, id)| id).collect()
    } else {
        Vec::new()
    };
    let known: std::collections::HashSet<gix::ObjectId> = hidden_all.iter().copied().collect();
    let mut w = crate::scan::walk::Walker::new(repo).count_entries_over(entries_floor);
    for u in updates.iter().filter(|u| !u.refname.starts_with(RESERVED_NAMESPACE)) {
        let Some(new) = u.new else { continue };
        let (target, tags) = repo.target(new)?;
        if u.old != Some(new) {
            w.tags(&tags, &u.refname)?;
        }
        let new = match target {
            Target::Commit(c) => c,
            other => {
                w.target(other, &u.refname)?;
                continue;
            }
        };
        // A ref created at a commit another ref already has brings nothing new.
        if u.old.is_none() && known.contains(&new) {
            continue;
        }
        let old = u.old.map(|o| repo.commit(o)).transpose()?.flatten();
        match (scan, old) {
            (Scan::Tip, _) => crate::scan::walk::tip(&mut w, new, &u.refname)?,
            (_, Some(old)) => crate::scan::walk::range_hiding(&mut w, &[old], new, &u.refname)?,
            (_, None) => crate::scan::walk::range_hiding(&mut w, &hidden_all, new, &u.refname)?,
        }
    }
    Ok(w.finish())
}
