//! Findings as JSON: the documents of `check`, `lint` and `card` with `--format json`. The only
//! place findings become JSON; the shapes are CONTRACT.md's ("JSON output") and
//! docs/interface.md's, and may only grow.

use serde_json::{Value, json};

use crate::verdict::{Finding, Severity, Verdict};

/// The JSON document of `check` and `lint` (docs/interface.md, as the contract gives it):
/// `{"verdict": ..., "findings": [...]}`, every finding with its code, severity, message and
/// place, tokens masked in the fields a pusher wrote (message, file, ref).
pub fn render(findings: &[Finding]) -> Value {
    let masked: Vec<Finding> = findings
        .iter()
        .cloned()
        .map(|mut f| {
            use crate::scan::tokens::mask_all;
            f.message = mask_all(&f.message);
            f.file = f.file.as_deref().map(mask_all);
            f.refname = f.refname.as_deref().map(mask_all);
            f
        })
        .collect();
    json!({ "verdict": Verdict::of(findings), "findings": masked })
}

/// The one-line document of `hubgate card --format json`: whether front matter was found, the
/// metadata (`metadata` is already JSON text, `null` when there is none, so that it prints as
/// `JSON.stringify` would: lone surrogates, `1e+21`), and the card's findings split into
/// `errors` and `warnings`, each `{"code", "message", "line", "column"}`.
pub fn card(front_matter: bool, metadata: &str, findings: &[Finding]) -> String {
    let items = |severity: Severity| -> Value {
        findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| json!({"code": f.code.as_str(), "message": f.message, "line": f.line, "column": f.column}))
            .collect()
    };
    format!(
        "{{\"front_matter\":{front_matter},\"metadata\":{metadata},\"errors\":{},\"warnings\":{}}}",
        items(Severity::Error),
        items(Severity::Warning)
    )
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
