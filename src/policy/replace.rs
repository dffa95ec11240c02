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

use crate::repo::REPLACE_NAMESPACE;

/// The replaced id a ref names, when it is a replacement ref: under `refs/replace/` or under
/// `base` (the server's `GIT_REPLACE_REF_BASE`, where git then reads them), compared ignoring
/// case (on a case-insensitive file system `refs/REPLACE/<id>` is stored where git reads
/// `refs/replace/<id>`).
fn replaced<'a>(refname: &'a str, base: Option<&str>) -> Option<&'a str> {
    let base = base.map(|b| {
        if b.ends_with('/') {
            b.to_owned()
        } else {
            format!("{b}/")
        }
    });
    [Some(REPLACE_NAMESPACE.to_owned()), base]
        .into_iter()
        .flatten()
        .find_map(|prefix| {
            let head = refname.get(..prefix.len())?;
            head.eq_ignore_ascii_case(&prefix).then(|| &refname[prefix.len()..])
        })
}

/// The findings of every policy about the replacement refs `updates` create or move; `base` is
/// the server's `GIT_REPLACE_REF_BASE`, if set.
pub fn check(applied: &Applied, updates: &[Update], base: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    for u in updates {
        let (Some(replaced), Some(new)) = (replaced(&u.refname, base), u.new) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_refs_are_known_under_either_base_and_any_case() {
        let id = "9d308493072be43cbc49a0701974c516d377d58c";
        assert_eq!(replaced(&format!("refs/replace/{id}"), None), Some(id));
        assert_eq!(replaced(&format!("refs/REPLACE/{id}"), None), Some(id));
        assert_eq!(replaced(&format!("refs/alt/{id}"), None), None);
        assert_eq!(replaced(&format!("refs/alt/{id}"), Some("refs/alt")), Some(id));
        assert_eq!(replaced(&format!("refs/alt/{id}"), Some("refs/alt/")), Some(id));
        assert_eq!(replaced(&format!("refs/replace/{id}"), Some("refs/alt/")), Some(id));
        assert_eq!(replaced("refs/heads/replace", None), None);
        assert_eq!(replaced("refs/rep", None), None);
        // A multi-byte character where the prefix ends is no panic.
        assert_eq!(replaced("refs/replace\u{e9}x", None), None);
    }
}
