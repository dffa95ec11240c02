//! `[policy.card]`: a card with front matter required, and required body sections.

use super::Ctx;
use crate::verdict::Code;

pub(super) fn check(ctx: &mut Ctx<'_, '_>) {
    let Some(rule) = ctx.policy.card.clone() else {
        return;
    };
    if !ctx.rule("card", rule.rule) {
        return;
    }
    let Some(card) = ctx.card() else {
        if rule.required {
            ctx.report(
                Code::CardMissing,
                None,
                "the pushed tree has no README.md, and this repository's policy requires a card".into(),
                "add a README.md that starts with a `---` YAML front matter block".into(),
            );
        }
        return;
    };
    if rule.required && card.front_matter.is_none() {
        ctx.report(
            Code::CardMissing,
            None,
            "README.md has no YAML front matter, and this repository's policy requires it".into(),
            "start README.md with `---`, the metadata, and a closing `---`".into(),
        );
    }
    if rule.sections.is_empty() {
        return;
    }
    // Parsed here, not before: only a `sections` rule reads the body.
    let headings = card.headings();
    for section in &rule.sections {
        if headings.find(section).is_some() {
            continue;
        }
        let message = format!("README.md has no section \"{section}\"");
        match headings.find_hidden(section) {
            // What the pusher took for the section: point at it and say why it does not count.
            Some(hidden) => ctx.report_line(
                Code::CardSectionMissing,
                hidden.line,
                message,
                format!(
                    "this `{section}` is {}, which readers do not see; make it a real heading",
                    hidden.within.describe()
                ),
            ),
            None => ctx.report(
                Code::CardSectionMissing,
                None,
                message,
                format!("add a heading `## {section}` with its text to README.md"),
            ),
        }
    }
}
