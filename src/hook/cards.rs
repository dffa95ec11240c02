//! The cards of a push: read from the repository on the calling thread, parsed and judged under
//! the policies, on a second thread when the push updates many refs.
//!
//! Per ref: deletions pass; hubgate's own namespace is refused; the `README.md` entries of the old
//! and new tips are compared by blob id first, so a push that does not touch the card never
//! parses it; otherwise the card is read and evaluated under the policies in force.
//!
//! The repository handle stays on the calling thread (gix's handle is not shared between
//! threads); only card bytes cross to the second thread. For a push of many refs, parsing and
//! judging the cards there overlaps with reading the next refs' objects and with the walk of what
//! the push brings: on the 1,000-ref push of `scripts/bench_cards.py` the cards are about half of
//! the work. The findings come back in the order of the updates, whichever thread made them.

use anyhow::{Result, anyhow};

use crate::card::Card;
use crate::policy::{Applied, Level, Subject, evaluate};
use crate::repo::update::Update;
use crate::repo::{Blob, CARD_FILE, Readme, Repo};
use crate::verdict::{Code, Finding, Severity};

use super::gate::RESERVED_NAMESPACE;

/// Fewer updates than this are judged on the calling thread: starting a thread costs more than
/// it saves on a push of a few refs.
const PARALLEL_FROM: usize = 16;

/// Cards (old and new together) larger than this are judged on the calling thread, so that the
/// queue holds at most [`QUEUE`] times this many bytes (4 MiB): real cards are a few kB.
const QUEUED_CARD_BYTES: usize = 128 * 1024;

/// How many read cards may wait for the second thread.
const QUEUE: usize = 32;

/// One update, read: what it already produced, and the cards to judge.
struct Pending<'a> {
    refname: &'a str,
    /// Findings made while reading (a reserved ref, a card that is not a file or too large).
    early: Vec<Finding>,
    /// `None`: nothing to judge (a deletion, an unchanged card, a reserved ref).
    cards: Option<Cards>,
}

/// The bytes of the new card and, when a rule compares with it, the old one.
struct Cards {
    new: Option<Vec<u8>>,
    old: Option<Vec<u8>>,
}

impl Pending<'_> {
    fn bytes(&self) -> usize {
        self.cards.as_ref().map_or(0, |c| {
            c.new.as_ref().map_or(0, Vec::len) + c.old.as_ref().map_or(0, Vec::len)
        })
    }
}

/// What every update's reading needs from the policies, worked out once per push.
#[derive(Clone, Copy)]
struct Needs {
    /// The strictest level of the Hub rule among the policies (a card that cannot be read is
    /// reported at it).
    hub_level: Level,
    /// Whether a rule compares the new card with the old one (audience removal).
    compares: bool,
}

impl Needs {
    fn of(applied: &Applied) -> Needs {
        Needs {
            hub_level: applied
                .policies
                .iter()
                .map(|p| p.hub.level)
                .max()
                .unwrap_or(Level::Deny),
            compares: applied.policies.iter().any(|p| {
                p.audience
                    .as_ref()
                    .is_some_and(|a| a.protect_removal && a.rule.level != Level::Off)
            }),
        }
    }
}

/// Judges the card of every update and runs `rest` (the walk of what the push brings) on the
/// calling thread meanwhile. An `Err` is an operational failure, never a finding.
pub(super) fn judge_all<R>(
    repo: &Repo,
    applied: &Applied,
    updates: &[Update],
    rest: impl FnOnce() -> Result<R>,
) -> Result<(Vec<Finding>, R)> {
    let needs = Needs::of(applied);
    if updates.len() < PARALLEL_FROM {
        let mut findings = Vec::new();
        for update in updates {
            findings.extend(judge(applied, read(repo, needs, update)?));
        }
        return Ok((findings, rest()?));
    }
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Pending<'_>)>(QUEUE);
        let worker = s.spawn(move || {
            rx.into_iter()
                .map(|(i, pending)| (i, judge(applied, pending)))
                .collect::<Vec<_>>()
        });
        let mut judged = Vec::with_capacity(updates.len());
        let mut read_all = || -> Result<()> {
            for (i, update) in updates.iter().enumerate() {
                let pending = read(repo, needs, update)?;
                if pending.bytes() > QUEUED_CARD_BYTES {
                    judged.push((i, judge(applied, pending)));
                } else if tx.send((i, pending)).is_err() {
                    // The second thread is gone (it can only have panicked): the join below
                    // reports it and the push is refused.
                    break;
                }
            }
            Ok(())
        };
        let read = read_all();
        drop(tx);
        let rest = read.and_then(|()| rest());
        let from_worker = worker
            .join()
            .map_err(|_| anyhow!("internal error: the thread judging cards stopped"))?;
        let rest = rest?;
        judged.extend(from_worker);
        judged.sort_by_key(|(i, _)| *i);
        Ok((judged.into_iter().flat_map(|(_, f)| f).collect(), rest))
    })
}

/// Reads what one update needs judged.
fn read<'a>(repo: &Repo, needs: Needs, update: &'a Update) -> Result<Pending<'a>> {
    let refname = update.refname.as_str();
    let mut pending = Pending {
        refname,
        early: Vec::new(),
        cards: None,
    };
    if refname.starts_with(RESERVED_NAMESPACE) {
        let mut f = Finding::new(
            Code::RefReserved,
            Severity::Error,
            "ref",
            format!("{refname} is under {RESERVED_NAMESPACE}, which only hubgate may write"),
        );
        f.refname = Some(refname.to_owned());
        pending.early.push(f.with_help("push to another ref name"));
        return Ok(pending);
    }
    let Some(new) = update.new else {
        return Ok(pending);
    };
    let Some(new_readme) = repo.readme_at(new)? else {
        return Ok(pending);
    };
    let old_readme = update.old.map(|old| repo.readme_at(old)).transpose()?.flatten();
    if old_readme.as_ref() == Some(&new_readme) {
        tracing::debug!(refname, "README.md unchanged; not parsed");
        return Ok(pending);
    }
    let hub_level = needs.hub_level;
    let mut reading_problem = |code: Code, message: String| {
        if let Some(severity) = hub_level.apply(Severity::Error) {
            let mut f = Finding::new(code, severity, "card", message);
            f.file = Some(CARD_FILE.into());
            f.refname = Some(refname.to_owned());
            pending.early.push(f.with_help(code.fix()));
        }
    };
    let new = match new_readme {
        Readme::Absent => None,
        Readme::NotAFile(kind) => {
            reading_problem(Code::CardNotAFile, format!("README.md is {kind}, not a regular file"));
            None
        }
        Readme::Blob(id) => match repo.blob(id)? {
            Blob::Bytes(bytes) => Some(bytes),
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
    let old = match old_readme {
        Some(Readme::Blob(id)) if needs.compares => repo.blob(id)?.into_bytes(),
        _ => None,
    };
    pending.cards = Some(Cards { new, old });
    Ok(pending)
}

/// Parses the cards of one update and evaluates them under the policies.
fn judge(applied: &Applied, pending: Pending<'_>) -> Vec<Finding> {
    let mut findings = pending.early;
    let Some(cards) = pending.cards else {
        return findings;
    };
    // The old card first, reduced to what the rules read of it before the new one is parsed:
    // one parsed card at a time.
    let old_tags: Option<Vec<String>> = cards
        .old
        .map(|bytes| Card::from_bytes(bytes).tags().into_iter().map(str::to_owned).collect());
    let card = cards.new.map(Card::from_bytes);
    let subject = Subject {
        refname: Some(pending.refname),
        file: CARD_FILE,
        card: card.as_ref(),
        old_tags: old_tags.as_deref(),
    };
    findings.extend(evaluate(applied, &subject));
    findings
}
