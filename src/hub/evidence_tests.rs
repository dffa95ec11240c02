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
