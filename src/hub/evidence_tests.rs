//! The rules brought up to date with the Hub as of 2026-08, each pinned to the Hub's own words
//! where they are known (docs/hub-rules.md gives the source of each).

use super::{RepoType, verify};
use crate::card::Card;
use crate::verdict::{Code, Severity};

/// (code, severity, message) of every finding.
fn findings(card: &str, repo_type: RepoType) -> Vec<(Code, Severity, String)> {
    verify(&Card::read(card.as_bytes()), repo_type)
        .into_iter()
        .map(|f| (f.code, f.severity, f.message))
        .collect()
}

fn errors(card: &str, repo_type: RepoType) -> Vec<String> {
    findings(card, repo_type)
        .into_iter()
        .filter(|(_, s, _)| *s == Severity::Error)
        .map(|(_, _, m)| m)
        .collect()
}

fn warnings(card: &str, repo_type: RepoType) -> Vec<(Code, String)> {
    findings(card, repo_type)
        .into_iter()
        .filter(|(_, s, _)| *s == Severity::Warning)
        .map(|(c, _, m)| (c, m))
        .collect()
}

const NOT_VALID: &str = "is not valid. It must be an ISO 639-1, 639-2 or 639-3 code (two/three letters), or a special value like \"code\", \"multilingual\". If you want to use BCP-47 identifiers, you can specify them in language_bcp47.";

#[test]
fn language_refusals_are_in_the_hubs_words() {
    let card = "---\nlanguage: [en, English, noinfo, en-US]\n---\n";
    assert_eq!(
        errors(card, RepoType::Model),
        [
            "\"language[1]\" must only contain lowercase characters".to_owned(),
            format!("\"language[1]\" with value \"English\" {NOT_VALID}"),
            format!("\"language[2]\" with value \"noinfo\" {NOT_VALID}"),
            "\"language[3]\" must only contain lowercase characters".to_owned(),
            format!("\"language[3]\" with value \"en-US\" {NOT_VALID}"),
        ]
    );
    assert_eq!(
        errors("---\nlanguage: dutch\n---\n", RepoType::Dataset),
        [format!("\"language\" with value \"dutch\" {NOT_VALID}")]
    );
}

#[test]
fn language_families_and_withdrawn_codes_are_not_refused() {
    // OPUS-MT cards: ISO 639-2 collective and ISO 639-5 codes; the Hub's banners do not flag them.
    let card = "---\nlanguage: [gem, roa, inc, zle, zlw, fiu, en]\n---\n";
    assert!(findings(card, RepoType::Model).is_empty());
    // Withdrawn codes are not seen refused: a warning, not an error.
    let card = "---\nlanguage: [iw, jw]\n---\n";
    assert!(errors(card, RepoType::Model).is_empty());
    let w = warnings(card, RepoType::Model);
    assert_eq!(w.len(), 2);
    assert!(w.iter().all(|(c, _)| *c == Code::HubLanguageUnknown));
    assert!(w[0].1.contains("the current one is \"he\""), "{w:?}");
}

#[test]
fn extra_gated_fields_must_be_an_object_without_any_policy() {
    let want = ["\"extra_gated_fields\" must be of type object"];
    for card in [
        "---\nextra_gated_fields: [Company]\n---\n",
        "---\nextra_gated_fields: text\n---\n",
        "---\nextra_gated_fields:\n---\n",
    ] {
        assert_eq!(errors(card, RepoType::Model), want, "{card}");
        assert_eq!(errors(card, RepoType::Dataset), want, "{card}");
        assert!(errors(card, RepoType::Space).is_empty(), "{card}");
    }
    let ok = "---\nextra_gated_fields:\n  Company: text\n  Use:\n    type: select\n    options: [a]\n---\n";
    assert!(findings(ok, RepoType::Model).is_empty());
}

#[test]
fn the_spaces_oauth_scopes_and_hardware_of_2026_08() {
    let card = "---\nsdk: gradio\nhf_oauth: true\nhf_oauth_scopes:\n- email\n- read-billing\n- read-memberships\n\
                - read-repos\n- gated-repos\n- contribute-repos\n- write-repos\n- manage-repos\n- read-collections\n\
                - write-collections\n- inference-api\n- read-endpoints\n- write-endpoints\n- jobs\n- webhooks\n\
                - write-discussions\nsuggested_hardware: zero-a10g\n---\n";
    assert!(
        findings(card, RepoType::Space).is_empty(),
        "{:?}",
        findings(card, RepoType::Space)
    );
    for hw in ["cpu-performance", "h200x8", "inf2x6", "l40sx8"] {
        let card = format!("---\nsuggested_hardware: {hw}\n---\n");
        assert!(findings(&card, RepoType::Space).is_empty(), "{hw}");
    }
    let w = warnings(
        "---\nsuggested_hardware: v5e-1x1\nhf_oauth_scopes: [admin]\n---\n",
        RepoType::Space,
    );
    assert_eq!(w.len(), 2, "{w:?}");
}

#[test]
fn a_non_string_short_description_is_only_a_warning() {
    let card = "---\nshort_description: 123\n---\n";
    assert!(errors(card, RepoType::Space).is_empty());
    assert_eq!(
        warnings(card, RepoType::Space),
        [(
            Code::HubSpaceConfigInvalid,
            "\"short_description\" must be a string".to_owned()
        )]
    );
}

#[test]
fn model_index_missing_keys_warn_and_wrong_types_refuse() {
    let card = "---\nmodel-index:\n- name: m\n  results:\n  - task: {name: t}\n    metrics: [{type: acc}]\n---\n";
    assert!(
        errors(card, RepoType::Model).is_empty(),
        "{:?}",
        errors(card, RepoType::Model)
    );
    let w: Vec<String> = warnings(card, RepoType::Model).into_iter().map(|(_, m)| m).collect();
    assert_eq!(
        w,
        [
            "\"model-index[0].results[0].task.type\" is required",
            "\"model-index[0].results[0].metrics[0].value\" is required"
        ]
    );
    let card = "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: n, config: 3}\n---\n";
    assert_eq!(
        errors(card, RepoType::Model),
        ["\"model-index[0].results[0].dataset.config\" must be a string"]
    );
}
