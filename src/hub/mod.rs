//! The Hub's own metadata verification, reproduced: same rules, same messages (docs/hub-rules.md).
//!
//! The Hub validates card metadata with a Joi schema (docs/sources.md#joi-messages): every problem
//! is reported, one `- Error:` line each, with Joi's wording and quoted dotted labels
//! (`"model-index[0].results[0].dataset.config" must be a string`). A rule gives an error only
//! where a refusal by the Hub (or its own "YAML Metadata Error" banner) has been seen for that key
//! and that kind of check; rules the Hub documents but is not seen to enforce (a Space's other
//! configuration keys, a dataset's `configs`, the keys `model-index` calls required, a language
//! code outside the ISO tables) give warnings, so a card that passes the Hub is never refused for
//! them while its author still learns what will break. docs/hub-rules.md gives the evidence per
//! rule.

mod dataset;
#[cfg(test)]
mod evidence_tests;
mod fields;
mod iso639;
mod language;
pub mod licenses;
mod model_index;
mod space;

use serde::{Deserialize, Serialize};

use crate::card::{Card, Metadata, Node, Value};
use crate::verdict::{Code, Finding, Severity};

/// The documentation link of the Hub's framing footer.
pub const DOCS_URL: &str = "https://huggingface.co/docs/hub/model-cards#model-card-metadata";
/// The `help:` link under a YAML syntax error (the Hub's validate-yaml item carries it).
pub const YAML_HELP: &str = "You can use a tool like http://www.yamllint.com/ to check it";

/// The kind of repository a card belongs to; the Hub checks some keys per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RepoType {
    /// A model repository (the default).
    #[default]
    Model,
    /// A dataset repository.
    Dataset,
    /// A Space.
    Space,
}

impl RepoType {
    /// The help URL of the missing-metadata warning (docs/sources.md#missing-metadata-warning;
    /// datasets not observed, their card documentation is used).
    pub fn missing_metadata_help(self) -> &'static str {
        match self {
            RepoType::Model => DOCS_URL,
            RepoType::Dataset => "https://huggingface.co/docs/hub/datasets-cards",
            RepoType::Space => "https://huggingface.co/docs/hub/spaces-config-reference",
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RepoType::Model => "model",
            RepoType::Dataset => "dataset",
            RepoType::Space => "space",
        }
    }
}

/// Collects Hub findings with Joi's labels and the card's line numbers.
pub(crate) struct Report<'a> {
    card: &'a Card,
    /// The findings so far.
    pub findings: Vec<Finding>,
}

impl<'a> Report<'a> {
    fn new(card: &'a Card) -> Self {
        Report {
            card,
            findings: Vec::new(),
        }
    }

    /// Adds a finding at `node` (its card line), at error severity.
    pub(crate) fn error(&mut self, code: Code, node: Option<&Node>, message: String) {
        self.push(code, Severity::Error, node, message);
    }

    /// Adds a finding at `node`, at warning severity.
    pub(crate) fn warn(&mut self, code: Code, node: Option<&Node>, message: String) {
        self.push(code, Severity::Warning, node, message);
    }

    fn push(&mut self, code: Code, severity: Severity, node: Option<&Node>, message: String) {
        let mut f = Finding::new(code, severity, "hub", message);
        f.file = Some("README.md".into());
        if let Some(node) = node {
            f.line = self.card.line_of(node.pos);
            f.column = Some(node.pos.col);
            f.excerpt = f.line.and_then(|l| self.card.line_text(l)).map(str::to_owned);
        }
        self.findings.push(f);
    }
}

/// Verifies a card as the Hub would for a repository of type `repo_type`.
///
/// Findings are `hub-*` codes at the severity the Hub gives them (error: the Hub refuses the
/// push; warning: it accepts with a warning). The policy's `hub` level is applied by the caller.
pub fn verify(card: &Card, repo_type: RepoType) -> Vec<Finding> {
    let mut r = Report::new(card);
    match &card.metadata {
        Metadata::Missing => {
            r.warn(
                Code::HubMetadataMissing,
                None,
                "empty or missing yaml metadata in repo card".into(),
            );
            if let Some(f) = r.findings.last_mut() {
                f.help = Some(repo_type.missing_metadata_help().into());
            }
        }
        Metadata::Invalid(e) => {
            let code = match e.kind {
                crate::card::yaml::ErrorKind::Syntax => Code::HubYamlInvalid,
                crate::card::yaml::ErrorKind::Budget => Code::HubYamlTooComplex,
            };
            let mut f = Finding::new(
                code,
                Severity::Error,
                "hub",
                format!("Invalid YAML in README.md: {}", e.headline()),
            );
            f.file = Some("README.md".into());
            if let Some(pos) = e.pos {
                f.line = card.line_of(pos);
                f.column = Some(pos.col);
                f.detail = e.snippet().map(str::to_owned);
            }
            if code == Code::HubYamlInvalid {
                f.help = Some(YAML_HELP.into());
            }
            r.findings.push(f);
        }
        Metadata::Parsed(None) => {
            r.error(
                Code::HubMetadataInvalid,
                None,
                "The YAML metadata of your README.md is invalid.".into(),
            );
        }
        Metadata::Parsed(Some(root)) => match &root.value {
            Value::Map(_) => {
                fields::check(&mut r, root);
                match repo_type {
                    RepoType::Model => {
                        fields::gated_fields(&mut r, root);
                        model_index::check(&mut r, root);
                    }
                    RepoType::Dataset => {
                        fields::gated_fields(&mut r, root);
                        dataset::check(&mut r, root);
                    }
                    RepoType::Space => space::check(&mut r, root),
                }
            }
            Value::Seq(_) => r.error(
                Code::HubMetadataInvalid,
                Some(root),
                "\"value\" must be of type object".into(),
            ),
            // A timestamp or `!!binary` alone: objects to JavaScript (`Value::is_object`), so
            // they pass the Hub's object check, and none of their keys is a field it checks.
            v if v.is_object() => {}
            _ => r.error(
                Code::HubMetadataInvalid,
                Some(root),
                "The YAML metadata of your README.md is invalid.".into(),
            ),
        },
    }
    if !card.utf8 {
        r.warn(
            Code::CardNotUtf8,
            None,
            "README.md is not valid UTF-8; invalid bytes were replaced".into(),
        );
    }
    r.findings
}

/// Joi's rendering of a value list: `[a, b, c]`.
pub(crate) fn joi_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("[{}]", items.join(", "))
}

/// The length of a string as JavaScript (and so Joi) counts it: UTF-16 code units.
pub(crate) fn js_length(s: &str) -> usize {
    s.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(card: &str, repo_type: RepoType) -> Vec<(String, Severity, Option<usize>)> {
        verify(&Card::read(card.as_bytes()), repo_type)
            .into_iter()
            .map(|f| (f.message, f.severity, f.line))
            .collect()
    }

    fn errors(card: &str, repo_type: RepoType) -> Vec<String> {
        messages(card, repo_type)
            .into_iter()
            .filter(|(_, s, _)| *s == Severity::Error)
            .map(|(m, _, _)| m)
            .collect()
    }

    #[test]
    fn top_level_shapes() {
        assert_eq!(
            errors("---\n\n---\n", RepoType::Model),
            ["The YAML metadata of your README.md is invalid."]
        );
        assert_eq!(
            errors("---\nhello\n---\n", RepoType::Model),
            ["The YAML metadata of your README.md is invalid."]
        );
        assert_eq!(
            errors("---\n- a\n- b\n---\n", RepoType::Model),
            ["\"value\" must be of type object"]
        );
        assert!(errors("---\nbogus_key: 1\n---\n", RepoType::Model).is_empty());
        let warn = messages("# no metadata\n", RepoType::Space);
        assert_eq!(warn[0].0, "empty or missing yaml metadata in repo card");
        assert_eq!(warn[0].1, Severity::Warning);
    }

    #[test]
    fn every_problem_is_listed_with_joi_labels() {
        let card = "---\nlicense: [mit, MIT]\ntags: text\ndatasets: [null]\nwidget: {}\nbase_model: ''\n\
                    model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: n, config: 3}\n\
                    language: [en, en-US]\n---\n";
        assert_eq!(
            errors(card, RepoType::Model),
            [
                licenses::message("license[1]"),
                "\"tags\" must be an array".to_owned(),
                "\"datasets[0]\" must be a string".to_owned(),
                "\"widget\" must be an array".to_owned(),
                "\"base_model\" is not allowed to be empty".to_owned(),
                language::lowercase_message("language[1]"),
                language::message("language[1]", "en-US"),
                "\"model-index[0].results[0].dataset.config\" must be a string".to_owned(),
            ]
        );
    }

    #[test]
    fn base_model_must_be_an_id() {
        assert_eq!(
            errors("---\nbase_model: Kokoro 82M\n---\n", RepoType::Model),
            ["\"base_model\" with value \"Kokoro 82M\" is not valid. Use a model id from https://hf.co/models."]
        );
        assert!(errors("---\nbase_model: [a/b, c]\n---\n", RepoType::Model).is_empty());
    }

    #[test]
    fn dataset_and_space_rules() {
        assert_eq!(
            errors("---\nlicenses: mit\ntask_categories: text\n---\n", RepoType::Dataset),
            ["\"licenses\" is not allowed", "\"task_categories\" must be an array"]
        );
        let long = "x".repeat(61);
        assert_eq!(
            errors(
                &format!("---\ncolorTo: '#fff'\nshort_description: {long}\n---\n"),
                RepoType::Space
            ),
            [
                "\"colorTo\" must be one of [red, yellow, green, blue, indigo, purple, pink, gray]",
                "\"short_description\" length must be less than or equal to 60 characters long"
            ]
        );
        let warnings = messages("---\nsdk: gradio\npython_version: 3.10\n---\n", RepoType::Space);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].0.starts_with("\"python_version\" must be a string"));
        assert_eq!(warnings[0].1, Severity::Warning);
        assert_eq!(warnings[0].2, Some(3));
    }

    #[test]
    fn yaml_errors_carry_the_snippet_and_the_card_line() {
        let f = verify(&Card::read(b"\n---\na: 1\na: 2\n---\n"), RepoType::Model);
        assert_eq!(f[0].message, "Invalid YAML in README.md: duplicated mapping key (2:1)");
        assert_eq!(f[0].line, Some(4));
        assert_eq!(f[0].detail.as_deref(), Some(" 1 | a: 1\n 2 | a: 2\n-----^\n"));
        assert_eq!(f[0].help.as_deref(), Some(YAML_HELP));
    }

    #[test]
    fn hostile_yaml_is_refused_by_the_budget() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 { "a".to_owned() } else { format!("b{}", i - 1) };
            bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let deep_block: String = (0..10_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let many_keys: String = (0..300_000).map(|i| format!("k{i}: {i}\n")).collect();
        // Each input is refused by the bound meant for it, in its own words: an alias bomb and a
        // document of too many nodes by hubgate's budget, deep nesting by js-yaml's own limit.
        let cases = [
            (bomb, Code::HubYamlTooComplex, "alias bomb"),
            (deep, Code::HubYamlInvalid, "nesting exceeded maxDepth (100)"),
            (deep_block, Code::HubYamlInvalid, "nesting exceeded maxDepth (100)"),
            (many_keys, Code::HubYamlTooComplex, "250000 nodes"),
        ];
        for (yaml, code, words) in cases {
            let card = format!("---\n{yaml}---\n");
            let f = verify(&Card::read(card.as_bytes()), RepoType::Model);
            assert!(
                f.iter().any(|f| f.code == code && f.message.contains(words)),
                "{code:?} with {words:?} expected: {:?}",
                f.iter().map(|f| (&f.code, &f.message)).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_timestamp_or_binary_front_matter_is_an_object_to_the_hub_and_a_scalar_is_not() {
        for yaml in [
            "2024-01-01",
            "2024-01-01T10:00:00Z",
            "!!timestamp 2024-01-01",
            "!!binary aGk=",
            "&a 2024-01-01",
        ] {
            let card = format!("---\n{yaml}\n---\n");
            assert!(errors(&card, RepoType::Model).is_empty(), "{yaml}");
        }
        for yaml in ["hello", "12", "true", "~", "\"2024-01-01\""] {
            let card = format!("---\n{yaml}\n---\n");
            let f = verify(&Card::read(card.as_bytes()), RepoType::Model);
            assert!(
                f.iter().any(|f| f.code == Code::HubMetadataInvalid
                    && f.message == "The YAML metadata of your README.md is invalid."),
                "{yaml}"
            );
        }
    }

    #[test]
    fn ten_thousand_keys_are_fine() {
        let yaml: String = (0..10_000).map(|i| format!("k{i}: {i}\n")).collect();
        let card = format!("---\nlicense: mit\n{yaml}---\n");
        assert!(errors(&card, RepoType::Model).is_empty());
    }
}
