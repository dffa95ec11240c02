//! The Hub's own metadata verification, reproduced: same rules, same messages (HUB-SPEC 1-3, 9).
//!
//! The Hub validates card metadata with a Joi schema (HUB-SPEC 1.6): every problem is reported,
//! one `- Error:` line each, with Joi's wording and quoted dotted labels
//! (`"model-index[0].results[0].dataset.config" must be a string`). Rules the Hub is known to
//! enforce give errors; rules the Hub documents but is not known to enforce (a Space's other
//! configuration keys, a dataset's `configs`) give warnings, so a card that passes the Hub is
//! never refused for them while its author still learns what will break.

mod dataset;
mod fields;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
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
    /// The help URL of the missing-metadata warning (HUB-SPEC 1.3; datasets not observed, their
    /// card documentation is used).
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
            if let (Some(pos), Some(yaml)) = (e.pos, card.yaml_text()) {
                f.line = card.line_of(pos);
                f.column = Some(pos.col);
                f.detail = Some(crate::card::yaml::snippet(yaml, pos));
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
                    RepoType::Model => model_index::check(&mut r, root),
                    RepoType::Dataset => dataset::check(&mut r, root),
                    RepoType::Space => space::check(&mut r, root),
                }
            }
            Value::Seq(_) => r.error(
                Code::HubMetadataInvalid,
                Some(root),
                "\"value\" must be of type object".into(),
            ),
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
