//! The JSON documents: field order and names (CONTRACT.md), masking, the `card` document.

use super::*;
use crate::verdict::Code;

fn finding() -> Finding {
    let mut f = Finding::new(
        Code::HubLicenseInvalid,
        Severity::Error,
        "hub",
        "\"license\" must be one of [...]",
    );
    f.file = Some("README.md".into());
    f.line = Some(3);
    f.column = Some(10);
    f.refname = Some("refs/heads/main".into());
    f.policy = Some("hub-baseline".into());
    f
}

#[test]
fn no_findings_is_an_accepting_document_with_an_empty_list() {
    assert_eq!(render(&[]).to_string(), r#"{"verdict":"accept","findings":[]}"#);
}

#[test]
fn a_finding_has_the_contracts_fields_in_the_contracts_order() {
    assert_eq!(
        render(&[finding()]).to_string(),
        r#"{"verdict":"reject","findings":[{"code":"hub-license-invalid","severity":"error","message":"\"license\" must be one of [...]","file":"README.md","line":3,"column":10,"ref":"refs/heads/main","policy":"hub-baseline"}]}"#
    );
}

#[test]
fn absent_places_are_null_and_an_override_is_named() {
    let mut f = Finding::new(
        Code::OverrideUsed,
        Severity::Warning,
        "override",
        "alice overrode 1 finding: ok",
    );
    f.overridden = Some("alice: ok".into());
    assert_eq!(
        render(&[f]).to_string(),
        r#"{"verdict":"accept","findings":[{"code":"override-used","severity":"warning","message":"alice overrode 1 finding: ok","file":null,"line":null,"column":null,"ref":null,"policy":null,"overridden":"alice: ok"}]}"#
    );
}

#[test]
fn tokens_are_masked_in_message_file_and_ref() {
    let token = format!("hf_{}", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3f");
    let mut f = finding();
    f.message = format!("has {token}");
    f.file = Some(format!("{token}.txt"));
    f.refname = Some(format!("refs/heads/{token}"));
    let out = render(&[f]).to_string();
    assert!(!out.contains(&token), "{out}");
    assert_eq!(out.matches(&crate::scan::tokens::mask(&token)).count(), 3, "{out}");
}

#[test]
fn the_card_document_splits_errors_and_warnings_and_splices_the_metadata() {
    let warning = Finding::new(Code::HubLanguageUnknown, Severity::Warning, "hub", "iw");
    assert_eq!(
        card(true, r#"{"license":"x"}"#, &[warning, finding()]),
        r#"{"front_matter":true,"metadata":{"license":"x"},"errors":[{"code":"hub-license-invalid","message":"\"license\" must be one of [...]","line":3,"column":10}],"warnings":[{"code":"hub-language-unknown","message":"iw","line":null,"column":null}]}"#
    );
    assert_eq!(
        card(false, "null", &[]),
        r#"{"front_matter":false,"metadata":null,"errors":[],"warnings":[]}"#
    );
}

#[test]
fn the_json_format_is_the_document_on_one_line() {
    let out = super::super::render(&[finding()], super::super::Format::Json, true);
    assert_eq!(out, format!("{}\n", render(&[finding()])));
    assert_eq!(out.lines().count(), 1);
}
