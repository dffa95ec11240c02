//! `[policy.audience]`: the `not-for-all-audiences` tag required, and never silently removed.

use super::{Ctx, carried_before, carries_any};
use crate::card::NFAA_TAG;
use crate::verdict::Code;

pub(super) fn check(ctx: &mut Ctx<'_, '_>) {
    let Some(rule) = ctx.policy.audience.clone() else {
        return;
    };
    if !ctx.rule("audience", rule.rule) {
        return;
    }
    let tags = [NFAA_TAG.to_owned()];
    let now = ctx.card().and_then(|c| carries_any(c, &tags, ctx.policy));
    // A missing tag belongs under `tags:` when there is one, else in the front matter.
    let node = ctx.card().and_then(|c| c.get("tags")).cloned();
    if rule.require_tag && now.is_none() {
        ctx.report(
            Code::AudienceTagRequired,
            node.as_ref(),
            format!("this repository's policy requires the tag \"{NFAA_TAG}\""),
            format!("add `- {NFAA_TAG}` under `tags:` in the front matter"),
        );
    }
    if rule.protect_removal
        && now.is_none()
        && let Some(before) = ctx
            .subject
            .old_tags
            .and_then(|old| carried_before(old, &tags, ctx.policy))
    {
        ctx.report(
            Code::AudienceTagRemoved,
            node.as_ref(),
            format!("this push removes the tag \"{before}\" that the card carried"),
            format!("keep `- {before}` under `tags:`, or ask a moderator to review the removal"),
        );
    }
}
