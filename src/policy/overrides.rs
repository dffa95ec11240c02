//! Overrides: a pusher named in a policy's `override` list may push past that policy's
//! overridable rules with `git push -o hubgate.override="reason"`.
//!
//! The override is all or nothing per finding: an error from an overridable rule of a policy that
//! names the pusher becomes a warning marked with who overrode it and why; errors from rules that
//! are not overridable stay errors. Anyone not named by every policy that applies is refused with a
//! message saying who may override, so an override can never be guessed or borrowed.

use super::Applied;
use crate::verdict::{Code, Finding, Severity};

/// Applies an override request to the findings of a push.
pub fn apply(
    mut findings: Vec<Finding>,
    applied: &Applied,
    pusher: Option<&str>,
    reason: Option<&str>,
) -> Vec<Finding> {
    let Some(reason) = reason else { return findings };
    let who = pusher.unwrap_or("(unknown pusher)");
    if reason.trim().is_empty() {
        let f = Finding::new(
            Code::OverrideReasonEmpty,
            Severity::Error,
            "override",
            format!("{who} asked for an override without a reason"),
        )
        .with_help("say why in the push option: `git push -o hubgate.override=\"reviewed by legal\"`");
        findings.push(f);
        return findings;
    }
    let reason = reason.trim();
    let mut refused = false;
    for p in &applied.policies {
        if pusher.is_some_and(|u| p.override_by.iter().any(|o| o == u)) {
            continue;
        }
        refused = true;
        let may = if p.override_by.is_empty() {
            "no one may override it".to_owned()
        } else {
            format!("only {} may override it", p.override_by.join(", "))
        };
        let mut f = Finding::new(
            Code::OverrideNotAllowed,
            Severity::Error,
            "override",
            format!("{who} asked to override policy \"{}\", but {may}", p.name),
        )
        .with_help("push without `-o hubgate.override=...`, or ask one of the people named to push");
        f.policy = Some(p.name.clone());
        findings.push(f);
    }
    if refused {
        return findings;
    }
    let mut overridden = 0;
    // Every policy that raised a finding at error level names this pusher (checked above); the
    // finding yields only when each of those policies also lets that rule be overridden
    // (`overridable` is already the conjunction over `raised_by`).
    for f in findings.iter_mut().filter(|f| f.severity == Severity::Error) {
        if f.overridable {
            f.severity = Severity::Warning;
            f.overridden = Some(format!("{who}: {reason}"));
            f.message.push_str(&format!(" (overridden by {who}: {reason})"));
            overridden += 1;
        } else {
            let policies = if f.raised_by.is_empty() {
                "this policy".to_owned()
            } else {
                format!("policy \"{}\"", f.raised_by.join("\", \""))
            };
            f.help = Some(format!(
                "rule `{}` of {policies} cannot be overridden; fix what it refuses",
                f.rule
            ));
        }
    }
    if overridden > 0 {
        let mut f = Finding::new(
            Code::OverrideUsed,
            Severity::Warning,
            "override",
            format!(
                "{who} overrode {overridden} finding{}: {reason}",
                if overridden == 1 { "" } else { "s" }
            ),
        )
        .with_help("the discussion entry of this push records the override (where the server records discussions; `[discussions] enabled = false` turns that off)");
        f.refname = findings.iter().find_map(|f| f.refname.clone());
        findings.push(f);
    }
    findings
}
