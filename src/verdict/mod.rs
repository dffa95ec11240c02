//! Findings and the verdict they add up to.
//!
//! A finding is data about pushed content (a bad card, a licence the policy refuses); it is never
//! an `Err`. Operational failures (an unreadable repository, a broken policy file) are errors and
//! travel separately, so that the two cannot be confused (STYLE.md 7).

mod code;
mod problem;

pub use code::{Code, Governed, markdown};
pub use problem::{FileProblem, FileProblems};

use serde::Serialize;

/// How serious a finding is once the policy's level has been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, the push goes through.
    Warning,
    /// The push is refused.
    Error,
}

/// One thing the gate found, with everything a pusher needs to act on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable identifier (`hub-license-invalid`, `gating-required`, ...).
    #[serde(serialize_with = "ser_code")]
    pub code: Code,
    /// Error or warning, after the policy's level.
    pub severity: Severity,
    /// The message; for Hub findings, the Hub's own text.
    pub message: String,
    /// The file concerned (`README.md`), if any.
    pub file: Option<String>,
    /// 1-based line in `file`.
    pub line: Option<usize>,
    /// 1-based column in `file`.
    pub column: Option<usize>,
    /// The ref being checked.
    #[serde(rename = "ref")]
    pub refname: Option<String>,
    /// The policy that applied the rule.
    pub policy: Option<String>,
    /// The rule (`hub`, `license`, `gating`, `audience`, `card`, `ref`).
    #[serde(skip)]
    pub rule: &'static str,
    /// A one-line hint on how to fix it, beyond the code's generic fix.
    #[serde(skip)]
    pub help: Option<String>,
    /// A multi-line excerpt printed under the message (js-yaml's snippet for YAML errors).
    #[serde(skip)]
    pub detail: Option<String>,
    /// The text of the card line the finding points at.
    #[serde(skip)]
    pub excerpt: Option<String>,
    /// Whether the rule that made it may be overridden by a pusher the policy names.
    #[serde(skip)]
    pub overridable: bool,
    /// The size limit a scanner finding was measured against (bytes), so that a block can
    /// name the limit without reading it back from text.
    #[serde(skip)]
    pub limit: Option<u64>,
    /// Every policy that raised it at this severity (the policy shown is the first); an
    /// override must be allowed by each of them.
    #[serde(skip)]
    pub raised_by: Vec<String>,
    /// Set when a pusher overrode it: who, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overridden: Option<String>,
}

fn ser_code<S: serde::Serializer>(code: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.as_str())
}

impl Finding {
    /// A finding with a code, severity and message; everything else empty.
    pub fn new(code: Code, severity: Severity, rule: &'static str, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            refname: None,
            policy: None,
            rule,
            help: None,
            detail: None,
            excerpt: None,
            overridable: false,
            limit: None,
            raised_by: Vec::new(),
            overridden: None,
        }
    }

    /// Whether the finding is one of the Hub's own verification messages (`hub-*`), printed in
    /// the Hub's framing rather than hubgate's.
    pub fn is_hub(&self) -> bool {
        self.rule == "hub" && self.code.as_str().starts_with("hub-")
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Accept or reject, from the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No error-level finding.
    Accept,
    /// At least one error-level finding.
    Reject,
}

impl Verdict {
    /// The verdict of a set of findings.
    pub fn of(findings: &[Finding]) -> Verdict {
        if findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::Reject
        } else {
            Verdict::Accept
        }
    }
}

/// One finding per (code, file, ref, detail): the most severe, naming every policy that raised
/// it at that severity; overridable only when each of those policies lets its rule be overridden.
pub fn merge(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        let same = out
            .iter_mut()
            .find(|o| o.code == f.code && o.file == f.file && o.refname == f.refname && o.detail == f.detail);
        match same {
            None => out.push(f),
            Some(o) if f.severity > o.severity => *o = f,
            Some(o) if f.severity == o.severity => {
                o.raised_by.extend(f.raised_by);
                o.overridable &= f.overridable;
            }
            Some(_) => {}
        }
    }
    out
}
