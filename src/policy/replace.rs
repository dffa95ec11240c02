//! `[policy.replace-refs]`: pushes that create or move a replacement ref (`refs/replace/<id>`).
//!
//! git reads the object a replacement names wherever `<id>` is asked for, in every command run on
//! the server without `GIT_NO_REPLACE_OBJECTS` (web views, `git log`, `git archive`, scripts),
//! while clones fetch the stored objects and hubgate judges the stored objects (it never applies
//! replacements: [`crate::repo::Repo::open`]). A replacement pushed beside an adult card would show
//! everyone browsing the server a harmless one. Deleting a replacement takes that away, so it is
//! never refused. The rule is hubgate's own (nothing says what the Hub does with such refs), so
//! the embedded baseline, no stricter than the Hub, leaves it off; a policy that writes the table
//! turns it on, at `deny` unless it says otherwise.

use super::Applied;
use crate::repo::update::Update;
use crate::verdict::{Code, Finding, Severity};

/// Where git keeps replacement refs (its default `GIT_REPLACE_REF_BASE`).
pub const REPLACE_NAMESPACE: &str = "refs/replace/";

/// The findings of every policy about the replacement refs `updates` create or move.
pub fn check(applied: &Applied, updates: &[Update]) -> Vec<Finding> {
    let mut out = Vec::new();
    for u in updates {
        let (Some(replaced), Some(new)) = (u.refname.strip_prefix(REPLACE_NAMESPACE), u.new) else {
            continue;
        };
        let short = |s: &str| s.chars().take(12).collect::<String>();
        let (replaced, new) = (short(replaced), short(&new.to_string()));
        for p in &applied.policies {
            let Some(severity) = p.replace_refs.level.apply(Severity::Error) else {
                continue;
            };
            let message = format!(
                "a replacement: git on this server would show {new} wherever {replaced} is read, \
                 while clones (and hubgate) get {replaced} itself"
            );
            let mut f = Finding::new(Code::RefReplace, severity, "replace-refs", message);
            f.refname = Some(u.refname.clone());
            f.policy = Some(p.name.clone());
            f.raised_by = vec![p.name.clone()];
            f.overridable = p.replace_refs.overridable;
            out.push(f);
        }
    }
    crate::verdict::merge(out)
}
