//! `[policy.license]`: required, allow and deny globs, and what `license: other` needs.

use super::Ctx;
use crate::card::Value;
use crate::verdict::Code;

const MATCH: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: false,
    require_literal_leading_dot: false,
};

pub(super) fn check(ctx: &mut Ctx<'_, '_>) {
    let Some(rule) = ctx.policy.license.clone() else {
        return;
    };
    if !ctx.rule("license", rule.rule) {
        return;
    }
    let card = ctx.card();
    let declared: Vec<(String, Option<crate::card::Node>)> = card
        .map(|c| {
            c.licenses()
                .into_iter()
                .map(|(id, n)| (id.to_owned(), Some(n.clone())))
                .collect()
        })
        .unwrap_or_default();
    if declared.is_empty() {
        if rule.required {
            let node = card.and_then(|c| c.get("license")).cloned();
            ctx.report(
                Code::LicenseMissing,
                node.as_ref(),
                "no licence declared: this repository's policy requires one".into(),
                "add `license: <id>` to the front matter of README.md (ids: https://huggingface.co/docs/hub/repositories-licenses)".into(),
            );
        }
        return;
    }
    let allowed: Vec<String> = rule.allow.iter().map(|g| g.as_str().to_owned()).collect();
    for (id, node) in &declared {
        if let Some(g) = rule.deny.iter().find(|g| g.matches_with(id, MATCH)) {
            ctx.report(
                Code::LicenseDenied,
                node.as_ref(),
                format!(
                    "licence \"{id}\" is refused by this repository's policy (deny: {})",
                    g.as_str()
                ),
                "choose another licence, or ask an administrator".into(),
            );
        } else if !rule.allow.is_empty() && !rule.allow.iter().any(|g| g.matches_with(id, MATCH)) {
            ctx.report(
                Code::LicenseNotAllowed,
                node.as_ref(),
                format!("licence \"{id}\" is not allowed by this repository's policy"),
                format!("use one of: {}", allowed.join(", ")),
            );
        }
    }
    if declared.iter().any(|(id, _)| id == "other") {
        let other_node = declared
            .iter()
            .find(|(id, _)| id == "other")
            .and_then(|(_, n)| n.clone());
        for key in &rule.other_requires {
            let present = card.and_then(|c| c.get(key)).is_some_and(|n| match &n.value {
                Value::String(s) => !s.trim().is_empty(),
                Value::Null => false,
                _ => true,
            });
            if !present {
                ctx.report(
                    Code::LicenseOtherIncomplete,
                    other_node.as_ref(),
                    format!("`license: other` needs `{key}`"),
                    match key.as_str() {
                        "license_name" => "add `license_name: <short-id>` (e.g. my-license-1.0)".into(),
                        "license_link" => "add `license_link: LICENSE` (a file in the repository) or a URL".into(),
                        _ => format!("add `{key}: ...` to the front matter"),
                    },
                );
            }
        }
    }
}
