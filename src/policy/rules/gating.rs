//! `[policy.gating]`: when a card must (or must not) be gated, what a gated card must carry,
//! and the field types of `extra_gated_fields` (docs/sources.md#gated-fields).

use super::{Ctx, carries_any};
use crate::card::{Node, Value};
use crate::verdict::Code;

/// The Hub's field types (docs, plus `ip_location` from huggingface.js).
const FIELD_TYPES: &[&str] = &["text", "checkbox", "date_picker", "country", "ip_location"];

pub(super) fn check(ctx: &mut Ctx<'_, '_>) {
    let Some(rule) = ctx.policy.gating.clone() else {
        return;
    };
    if !ctx.rule("gating", rule.rule) {
        return;
    }
    let Some(card) = ctx.card() else { return };
    let gated = card.declares_gating();
    let gated_node = ["gated", "extra_gated_prompt", "extra_gated_fields"]
        .iter()
        .find_map(|k| card.get(k))
        .cloned();
    if rule.never {
        if gated {
            ctx.report(
                Code::GatingForbidden,
                gated_node.as_ref(),
                "this repository's policy forbids gating, and the card declares it".into(),
                "remove `gated` and the `extra_gated_*` keys (or set `gated: false`)".into(),
            );
        }
        return;
    }
    // Why gating is required, and the line that makes it so (none for `always`: the finding then
    // points at the front matter).
    let why: Option<(String, Option<Node>)> = if rule.always {
        Some(("for every card in this repository".to_owned(), None))
    } else if let Some((tag, node)) = carries_any(card, &rule.when_tags, ctx.policy) {
        Some((
            format!("because the card carries the tag \"{tag}\""),
            Some(node.clone()),
        ))
    } else {
        card.licenses().iter().find_map(|(id, node)| {
            rule.when_license.iter().find(|g| g.matches(id)).map(|g| {
                (
                    format!("because its licence \"{id}\" matches \"{}\"", g.as_str()),
                    Some((*node).clone()),
                )
            })
        })
    };
    if let Some((why, node)) = &why
        && !gated
    {
        let keys = if rule.required_keys.is_empty() {
            "`extra_gated_prompt: ...`".to_owned()
        } else {
            rule.required_keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        ctx.report(
            Code::GatingRequired,
            node.as_ref(),
            format!("gating is required {why}, and the card declares none"),
            format!("gate the repository: add {keys} to the front matter (or `gated: manual`)"),
        );
    }
    if gated {
        for key in &rule.required_keys {
            if card.get(key).is_none_or(|n| n.value == Value::Null) {
                ctx.report(
                    Code::GatingKeyMissing,
                    gated_node.as_ref(),
                    format!("the card is gated but lacks `{key}`, which this repository's policy requires"),
                    format!("add `{key}: ...` to the front matter"),
                );
            }
        }
    }
    if rule.check_field_types
        && let Some(fields) = card.get("extra_gated_fields").cloned()
    {
        check_fields(ctx, &fields);
    }
}

fn check_fields(ctx: &mut Ctx<'_, '_>, fields: &Node) {
    let help = "field types: text, checkbox, date_picker, country, ip_location, or {type: select, options: [...]}";
    let Value::Map(entries) = &fields.value else {
        ctx.report(
            Code::GatingFieldInvalid,
            Some(fields),
            "`extra_gated_fields` must be a mapping of field labels to types".into(),
            help.into(),
        );
        return;
    };
    for e in entries {
        let problem = match &e.value.value {
            Value::String(t) if FIELD_TYPES.contains(&t.as_str()) => None,
            Value::String(t) => Some(format!("field \"{}\" has unknown type \"{t}\"", e.key)),
            Value::Map(_) => match e.value.get("type").and_then(Node::as_str) {
                Some(t) if FIELD_TYPES.contains(&t) => None,
                Some("select") => select_problem(&e.key, &e.value),
                Some(t) => Some(format!("field \"{}\" has unknown type \"{t}\"", e.key)),
                None => Some(format!("field \"{}\" has no `type`", e.key)),
            },
            other => Some(format!(
                "field \"{}\" must be a type name or an object, not a {}",
                e.key,
                other.type_name()
            )),
        };
        if let Some(message) = problem {
            ctx.report(Code::GatingFieldInvalid, Some(&e.value), message, help.into());
        }
    }
}

fn select_problem(label: &str, field: &Node) -> Option<String> {
    let Some(options) = field.get("options").and_then(Node::as_seq) else {
        return Some(format!("select field \"{label}\" needs `options:` as a list"));
    };
    let ok = !options.is_empty()
        && options.iter().all(|o| match &o.value {
            Value::String(_) => true,
            Value::Map(_) => {
                o.get("label").and_then(Node::as_str).is_some() && o.get("value").and_then(Node::as_str).is_some()
            }
            _ => false,
        });
    (!ok).then(|| format!("select field \"{label}\" options must be strings or {{label, value}} pairs"))
}
