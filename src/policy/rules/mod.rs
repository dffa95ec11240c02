//! Evaluating a card against the policies in force: the Hub's verification at the strictest
//! `hub` level, then each policy's own rules. One function serves the hook, `check` and `lint`,
//! so the dry runs cannot drift from what a push meets.

mod audience;
mod card_rule;
mod gating;
mod license;

use super::{Applied, Level, Policy, Rule};
use crate::card::{Card, Node};
use crate::verdict::{Code, Finding, Severity};

/// What is being checked: the card at the new tip (and at the old one, for removals).
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The ref, in hook mode and `check`.
    pub refname: Option<&'a str>,
    /// The file name shown to the pusher (`README.md`, or a path given to `lint`).
    pub file: &'a str,
    /// The card, or `None` when the tree has no README.md.
    pub card: Option<&'a Card>,
    /// The string items of `tags` in the card before the push, when there was one and a rule
    /// compares with it: all the audience rule reads of the old card, so that a push between two
    /// cards of megabytes holds one parsed card at a time.
    pub old_tags: Option<&'a [String]>,
}

/// Evaluates `subject` under `applied`; findings carry the ref, the policy and the rule.
pub fn evaluate(applied: &Applied, subject: &Subject<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    // The Hub's verification runs once, at the strictest level any matching policy sets.
    if let Some(card) = subject.card
        && let Some(strictest) = applied.policies.iter().max_by_key(|p| p.hub.level)
        && strictest.hub.level != Level::Off
    {
        // Every policy at that level raised these findings: an override must be allowed by each.
        let raisers: Vec<&Policy> = applied
            .policies
            .iter()
            .filter(|p| p.hub.level == strictest.hub.level)
            .collect();
        for mut f in crate::hub::verify(card, applied.repo_type) {
            if let Some(sev) = strictest.hub.level.apply(f.severity) {
                f.severity = sev;
                f.policy = raisers.first().map(|p| p.name.clone());
                f.raised_by = raisers.iter().map(|p| p.name.clone()).collect();
                f.overridable = raisers.iter().all(|p| p.hub.overridable);
                f.file = Some(subject.file.to_owned());
                out.push(f);
            }
        }
    }
    // A block that does not parse declares nothing anyone can read: once the pusher is told so
    // (the YAML error, refusing the push), findings that read "nothing declared" would only
    // mislead ("no licence declared" for a card whose licence is written twice). When no YAML
    // error refuses the push (the Hub's check is off or only warns), the rules run on the empty
    // metadata and refuse what they must: never silently skipped.
    let unreadable = subject
        .card
        .is_some_and(|c| matches!(c.metadata, crate::card::Metadata::Invalid(_)))
        && out
            .iter()
            .any(|f| matches!(f.code, Code::HubYamlInvalid | Code::HubYamlTooComplex) && f.severity == Severity::Error);
    for policy in &applied.policies {
        let mut ctx = Ctx {
            policy,
            subject,
            level: Level::Off,
            overridable: false,
            rule: "",
            out: &mut out,
        };
        if !unreadable {
            license::check(&mut ctx);
            gating::check(&mut ctx);
            audience::check(&mut ctx);
        }
        card_rule::check(&mut ctx);
    }
    for f in &mut out {
        f.refname = subject.refname.map(str::to_owned);
    }
    out
}

/// What a rule needs while it runs, and where its findings go.
pub(super) struct Ctx<'a, 'o> {
    pub policy: &'a Policy,
    pub subject: &'a Subject<'a>,
    level: Level,
    overridable: bool,
    rule: &'static str,
    out: &'o mut Vec<Finding>,
}

impl<'a> Ctx<'a, '_> {
    /// Starts a rule: later findings get its level and name.
    pub fn rule(&mut self, rule: &'static str, table: Rule) -> bool {
        self.rule = rule;
        self.level = table.level;
        self.overridable = table.overridable;
        table.level != Level::Off
    }

    /// The card's metadata as a mapping, if the card has readable metadata.
    pub fn card(&self) -> Option<&'a Card> {
        self.subject.card
    }

    /// Reports a finding at `node` (or the top of the card).
    pub fn report(&mut self, code: Code, node: Option<&Node>, message: String, help: String) {
        let Some(mut f) = self.finding(code, message, help) else {
            return;
        };
        if let Some(card) = self.subject.card {
            match node {
                Some(node) => {
                    f.line = card.line_of(node.pos);
                    f.column = Some(node.pos.col);
                }
                // Something missing: the front matter's opening `---` is where it belongs.
                None => {
                    f.line = card
                        .front_matter
                        .as_ref()
                        .map(|fm| fm.first_line.saturating_sub(1).max(1))
                }
            }
            f.excerpt = f.line.and_then(|l| card.line_text(l)).map(str::to_owned);
        }
        self.out.push(f);
    }

    /// Reports a finding at a card line (1-based) outside the front matter, such as the body's.
    pub fn report_line(&mut self, code: Code, line: usize, message: String, help: String) {
        let Some(mut f) = self.finding(code, message, help) else {
            return;
        };
        f.line = Some(line);
        f.excerpt = self
            .subject
            .card
            .and_then(|card| card.line_text(line))
            .map(str::to_owned);
        self.out.push(f);
    }

    /// A finding of the current rule, or `None` when its level drops it.
    fn finding(&self, code: Code, message: String, help: String) -> Option<Finding> {
        let severity = self.level.apply(Severity::Error)?;
        let mut f = Finding::new(code, severity, self.rule, message).with_help(help);
        f.policy = Some(self.policy.name.clone());
        f.raised_by = vec![self.policy.name.clone()];
        f.overridable = self.overridable;
        f.file = Some(self.subject.file.to_owned());
        Some(f)
    }
}

/// The first of `tags` that `holds` finds, counting the audience synonyms of `policy` as the
/// `not-for-all-audiences` tag (the first synonym found, in the policy's order): the tag as
/// written, and what `holds` answered for it.
fn first_held<T>(tags: &[String], policy: &Policy, holds: impl Fn(&str) -> Option<T>) -> Option<(String, T)> {
    let synonyms: &[String] = policy.audience.as_ref().map_or(&[], |a| &a.synonyms);
    for tag in tags {
        if let Some(found) = holds(tag) {
            return Some((tag.clone(), found));
        }
        if tag == crate::card::NFAA_TAG
            && let Some(found) = synonyms.iter().find_map(|s| holds(s).map(|f| (s.clone(), f)))
        {
            return Some(found);
        }
    }
    None
}

/// Which of `tags` the old card's tags `old` hold, as [`carries_any`] would answer on the card.
pub(super) fn carried_before(old: &[String], tags: &[String], policy: &Policy) -> Option<String> {
    first_held(tags, policy, |t| old.iter().any(|o| o == t).then_some(())).map(|(tag, ())| tag)
}

/// Which of `tags` `card` carries, counting the audience synonyms of `policy` as the
/// `not-for-all-audiences` tag: the tag as written, and its item (for the finding's line).
pub(super) fn carries_any<'c>(card: &'c Card, tags: &[String], policy: &Policy) -> Option<(String, &'c Node)> {
    first_held(tags, policy, |t| card.tag_node(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the audience rule reads of the old card (its tags) answers as the card itself did.
    #[test]
    fn the_old_cards_tags_answer_as_the_old_card() {
        let text = "[[policy]]\nname = \"p\"\nrepos = [\"*\"]\n[policy.audience]\nprotect-removal = true\nsynonyms = [\"nsfw\", \"porn\"]\n";
        let (mut policies, mut problems) = (Vec::new(), Vec::new());
        crate::policy::load::parse(std::path::Path::new("p.toml"), text, &mut policies, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let policy = &policies[0];
        let wanted = [crate::card::NFAA_TAG.to_owned(), "art".to_owned()];
        for tags in [
            "[porn, nsfw]",
            "[nlp]",
            "[art, porn]",
            "[not-for-all-audiences, nsfw]",
            "x",
            "[1, nsfw]",
            "[]",
        ] {
            let card = Card::read(format!("---\ntags: {tags}\n---\n").as_bytes());
            let old: Vec<String> = card.tags().into_iter().map(str::to_owned).collect();
            assert_eq!(
                carried_before(&old, &wanted, policy),
                carries_any(&card, &wanted, policy).map(|(t, _)| t),
                "{tags}"
            );
        }
        let card = Card::read(b"---\ntags: [porn, nsfw]\n---\n");
        let old: Vec<String> = card.tags().into_iter().map(str::to_owned).collect();
        assert_eq!(carried_before(&old, &wanted, policy).as_deref(), Some("nsfw"));
    }
}
