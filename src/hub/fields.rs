//! Keys the Hub checks on every card type: `license`, `tags`, `datasets`, `widget`,
//! `base_model`, `language`, and the gating form of models and datasets.
//! The evidence for each rule is in docs/hub-rules.md.

use super::{Report, language, licenses};
use crate::card::{Node, Value};
use crate::verdict::Code;

/// Checks the common keys of a metadata mapping.
pub(super) fn check(r: &mut Report<'_>, root: &Node) {
    if let Some(n) = root.get("license") {
        license(r, n);
    }
    if let Some(n) = root.get("tags") {
        string_array(r, Code::HubTagsInvalid, "tags", n);
    }
    if let Some(n) = root.get("datasets") {
        string_or_array(r, Code::HubDatasetsInvalid, "datasets", n, false);
    }
    if let Some(n) = root.get("widget")
        && !matches!(n.value, Value::Seq(_))
    {
        r.error(Code::HubWidgetInvalid, Some(n), "\"widget\" must be an array".into());
    }
    if let Some(n) = root.get("base_model") {
        string_or_array(r, Code::HubBaseModelInvalid, "base_model", n, true);
        for (label, item) in items("base_model", n) {
            if let Some(s) = item.as_str()
                && !s.is_empty()
                && !is_model_id(s)
            {
                r.error(
                    Code::HubBaseModelInvalid,
                    Some(item),
                    format!("\"{label}\" with value \"{s}\" is not valid. Use a model id from https://hf.co/models."),
                );
            }
        }
    }
    if let Some(n) = root.get("language") {
        string_or_array(r, Code::HubLanguageInvalid, "language", n, false);
        for (label, item) in items("language", n) {
            if let Some(s) = item.as_str() {
                language::check(r, &label, item, s);
            }
        }
    }
}

/// `extra_gated_fields`: the Hub's own type check, whatever the policy says of gating
/// (api-inference-community#453: `"extra_gated_fields" must be of type object`).
pub(super) fn gated_fields(r: &mut Report<'_>, root: &Node) {
    if let Some(n) = root.get("extra_gated_fields")
        && !matches!(n.value, Value::Map(_))
    {
        r.error(
            Code::HubGatedFieldsInvalid,
            Some(n),
            "\"extra_gated_fields\" must be of type object".into(),
        );
    }
}

/// `license`: a known id, or a list of known ids (docs/sources.md#licence-list).
fn license(r: &mut Report<'_>, n: &Node) {
    match &n.value {
        Value::String(s) if licenses::is_known(s) => {}
        Value::Seq(list) => {
            for (i, item) in list.iter().enumerate() {
                if !item.as_str().is_some_and(licenses::is_known) {
                    r.error(
                        Code::HubLicenseInvalid,
                        Some(item),
                        licenses::message(&format!("license[{i}]")),
                    );
                }
            }
        }
        _ => r.error(Code::HubLicenseInvalid, Some(n), licenses::message("license")),
    }
}

/// The items of a string-or-list value, labelled as Joi labels them.
fn items<'n>(label: &str, n: &'n Node) -> Vec<(String, &'n Node)> {
    match &n.value {
        Value::Seq(list) => list
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{label}[{i}]"), item))
            .collect(),
        _ => vec![(label.to_owned(), n)],
    }
}

/// An array of strings: `"<label>" must be an array`, `"<label>[i]" must be a string`.
pub(super) fn string_array(r: &mut Report<'_>, code: Code, label: &str, n: &Node) {
    match &n.value {
        Value::Seq(list) => {
            for (i, item) in list.iter().enumerate() {
                if item.as_str().is_none() {
                    r.error(code, Some(item), format!("\"{label}[{i}]\" must be a string"));
                }
            }
        }
        _ => r.error(code, Some(n), format!("\"{label}\" must be an array")),
    }
}

/// A string or an array of strings (Joi `alternatives.try(string, array.items(string))`).
fn string_or_array(r: &mut Report<'_>, code: Code, label: &str, n: &Node, non_empty: bool) {
    let empty = |r: &mut Report<'_>, label: &str, item: &Node| {
        r.error(code, Some(item), format!("\"{label}\" is not allowed to be empty"));
    };
    match &n.value {
        Value::String(s) => {
            if non_empty && s.is_empty() {
                empty(r, label, n);
            }
        }
        Value::Seq(list) => {
            for (i, item) in list.iter().enumerate() {
                match item.as_str() {
                    None => r.error(code, Some(item), format!("\"{label}[{i}]\" must be a string")),
                    Some("") if non_empty => empty(r, &format!("{label}[{i}]"), item),
                    Some(_) => {}
                }
            }
        }
        _ => r.error(code, Some(n), format!("\"{label}\" must be one of [string, array]")),
    }
}

/// A Hub model id: `name` or `owner/name`, letters, digits, `-`, `_`, `.`; no spaces, no paths.
fn is_model_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    parts.len() <= 2
        && s.len() <= 96 * 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && *p != "."
                && *p != ".."
                && !p.starts_with(['-', '.'])
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids() {
        assert!(is_model_id("mistralai/Mistral-7B-v0.1"));
        assert!(is_model_id("gpt2"));
        assert!(!is_model_id("Kokoro 82M"));
        assert!(!is_model_id("/home/me/model"));
        assert!(!is_model_id("./out"));
        assert!(!is_model_id("a/b/c"));
    }
}
