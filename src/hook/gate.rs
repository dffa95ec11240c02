//! The evaluation of a set of ref updates: the same code for pre-receive and `check`.
//!
//! Per ref: deletions pass; hubgate's own namespace is refused; the `README.md` entries of the
//! old and new tips are compared by blob id first, so a push that does not touch the card never
//! parses it; otherwise the card is read and evaluated under the policies in force.

use anyhow::Result;

use crate::card::Card;
use crate::policy::{Applied, Level, Subject, evaluate};
use crate::repo::update::Update;
use crate::repo::{Blob, Readme, Repo};
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
/// repository), never a finding.
pub fn check(repo: &Repo, applied: &Applied, updates: &[Update], scan: Scan) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for update in updates {
        findings.extend(check_one(repo, applied, update)?);
    }
    let floor = crate::scan::dirs::floor(applied);
    let mut walked = if scan == Scan::Push && repo.has_quarantine() {
        crate::scan::walk::pushed(repo, updates, floor)?
    } else {
        without_quarantine(repo, updates, scan, floor)?
    };
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

fn check_one(repo: &Repo, applied: &Applied, update: &Update) -> Result<Vec<Finding>> {
    let refname = update.refname.as_str();
    if refname.starts_with(RESERVED_NAMESPACE) {
        let mut f = Finding::new(
            Code::RefReserved,
            Severity::Error,
            "ref",
            format!("{refname} is under {RESERVED_NAMESPACE}, which only hubgate may write"),
        );
        f.refname = Some(refname.to_owned());
        return Ok(vec![f.with_help("push to another ref name")]);
    }
    let Some(new) = update.new else {
        return Ok(Vec::new());
    };
    let Some(new_commit) = repo.commit(new)? else {
        return Ok(Vec::new());
    };
    let new_readme = repo.readme(new_commit)?;
    let old_readme = match update.old {
        Some(old) => match repo.commit(old)? {
            Some(c) => Some(repo.readme(c)?),
            None => None,
        },
        None => None,
    };
    if old_readme.as_ref() == Some(&new_readme) {
        tracing::debug!(refname, "README.md unchanged; not parsed");
        return Ok(Vec::new());
    }
    let mut findings = Vec::new();
    let hub_level = applied
        .policies
        .iter()
        .map(|p| p.hub.level)
        .max()
        .unwrap_or(Level::Deny);
    let mut reading_problem = |code: Code, message: String| {
        if let Some(severity) = hub_level.apply(Severity::Error) {
            let mut f = Finding::new(code, severity, "card", message);
            f.file = Some("README.md".into());
            f.refname = Some(refname.to_owned());
            findings.push(f.with_help(code.fix()));
        }
    };
    let card = match new_readme {
        Readme::Absent => None,
        Readme::NotAFile(kind) => {
            reading_problem(Code::CardNotAFile, format!("README.md is {kind}, not a regular file"));
            None
        }
        Readme::Blob(id) => match repo.blob(id)? {
            Blob::Bytes(bytes) => Some(Card::read(&bytes)),
            Blob::TooLarge(size) => {
                reading_problem(
                    Code::CardTooLarge,
                    format!("README.md is {size} bytes; hubgate reads cards up to 10 MiB"),
                );
                None
            }
        },
    };
    // The old card matters only to a rule that compares with it (audience removal).
    let compares = applied.policies.iter().any(|p| {
        p.audience
            .as_ref()
            .is_some_and(|a| a.protect_removal && a.rule.level != Level::Off)
    });
    let old_card = match old_readme {
        Some(Readme::Blob(id)) if compares => match repo.blob(id)? {
            Blob::Bytes(bytes) => Some(Card::read(&bytes)),
            Blob::TooLarge(_) => None,
        },
        _ => None,
    };
    let subject = Subject {
        refname: Some(refname),
        file: "README.md",
        card: card.as_ref(),
        old_card: old_card.as_ref(),
    };
    findings.extend(evaluate(applied, &subject));
    Ok(findings)
}
