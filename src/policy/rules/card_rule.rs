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
    let headings: Vec<String> = card.headings().iter().map(|h| h.to_lowercase()).collect();
    for section in &rule.sections {
        if !headings.contains(&section.trim().to_lowercase()) {
            ctx.report(
                Code::CardSectionMissing,
                None,
                format!("README.md has no section \"{section}\""),
                format!("add a heading `## {section}` with its text to README.md"),
            );
        }
    }
}
