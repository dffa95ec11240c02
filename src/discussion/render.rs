//! Titles and Markdown bodies of discussion entries, with every piece of card text escaped.
//!
//! Card text is untrusted: a licence name or a gating prompt could carry Markdown, HTML, links or
//! `@mentions`. In bodies every such value is shown inside a code span (no markup, no links, no
//! mentions are rendered there), with a backtick fence longer than any run inside it and table
//! pipes escaped. Titles are plain text: values and key names alike are reduced to a safe
//! character set ([`inert::title`]), so a key named `extra_gated_x\nremote: error: ...` cannot
//! forge a line where the title is printed.

use super::{Change, Entry};
use crate::card::NFAA_TAG;
use crate::report::inert;
use serde_json::Value as J;

/// The Hub caps discussion titles at 200 characters (docs/sources.md#discussions).
const MAX_TITLE: usize = 200;
const MAX_VALUE: usize = 60;

/// A value reduced to characters that cannot be markup, a mention or a link in a title.
fn title_value(v: &J) -> String {
    let text = match v {
        J::Null => return "none".into(),
        J::String(s) => s.clone(),
        J::Array(items) => items.iter().map(title_value).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    };
    inert::title(&text, MAX_VALUE)
}

/// A card key name in a title: the same reduction as values (a key is card text too).
fn title_key(key: &str) -> String {
    inert::title(key, MAX_VALUE)
}

/// One change, as a title fragment.
fn phrase(c: &Change) -> String {
    let (b, a) = (title_value(&c.before), title_value(&c.after));
    let nfaa = format!("tags:{NFAA_TAG}");
    match c.key.as_str() {
        "README.md" if c.before.is_null() => "Card created".into(),
        "README.md" if c.after.is_null() => "Card deleted".into(),
        "README.md" => format!("Card front matter: {b} -> {a}"),
        "license" if c.before.is_null() => format!("License set: {a}"),
        "license" if c.after.is_null() => format!("License removed: {b}"),
        "license" => format!("License changed: {b} -> {a}"),
        k if k == nfaa && c.after.is_null() => format!("{NFAA_TAG} removed"),
        k if k == nfaa => format!("{NFAA_TAG} added"),
        k if k.starts_with("section:") => format!("Section removed: {}", title_key(&k[8..])),
        "ref" => format!("Branch deleted: {b}"),
        k if c.before.is_null() => format!("{} added", title_key(k)),
        k if c.after.is_null() => format!("{} removed", title_key(k)),
        k => format!("{} changed", title_key(k)),
    }
}

/// The title: every change named, joined by `; `, at most 200 characters.
pub fn title(changes: &[Change]) -> String {
    let mut gating: Vec<String> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for c in changes {
        if c.key == "gated" || c.key.starts_with("extra_gated_") {
            gating.push(title_key(&c.key));
        } else {
            parts.push(phrase(c));
        }
    }
    if !gating.is_empty() {
        parts.push(format!("Gating changed: {}", gating.join(", ")));
    }
    let t = parts.join("; ");
    if t.chars().count() > MAX_TITLE {
        format!("{}...", t.chars().take(MAX_TITLE - 3).collect::<String>())
    } else {
        t
    }
}

/// Card text as an inert Markdown code span, safe inside a table cell.
pub fn code(text: &str) -> String {
    // Control and invisible format characters (newlines, escapes, bidi overrides, zero-width)
    // would break the table row or reorder what a reader sees: each shows as a space.
    let flat: String = text
        .chars()
        .map(|c| if inert::is_hostile(c) { ' ' } else { c })
        .collect();
    let flat = flat.replace('|', "\\|");
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') || flat.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// The most characters of one card value a body shows: a card may hold megabytes in one key
/// (a gating prompt), which must not become a megabyte issue on the forge or in the store.
pub const MAX_CELL_CHARS: usize = 2000;

fn cell(v: &J) -> String {
    let text = match v {
        J::Null => return "(absent)".into(),
        J::String(s) => s.clone(),
        other => other.to_string(),
    };
    let count = text.chars().count();
    if count <= MAX_CELL_CHARS {
        return code(&text);
    }
    let head: String = text.chars().take(MAX_CELL_CHARS).collect();
    format!(
        "{} (… {} more characters, see the card)",
        code(&head),
        count - MAX_CELL_CHARS
    )
}

/// The opening comment: who, where, what changed (before/after), which policy watches it.
pub fn body(e: &Entry) -> String {
    let short = |id: &str| id.chars().take(12).collect::<String>();
    let mut out = format!(
        "hubgate recorded a risk-relevant metadata change on {}.\n\n| | |\n|---|---|\n| Repository | {} |\n| Pusher | {} |\n| Ref | {} |\n| Commits | {} → {} |\n| Policy | {} |\n",
        code(&e.refname),
        code(&e.repo),
        e.pusher.as_deref().map_or("(unknown)".into(), code),
        code(&e.refname),
        code(&short(&e.old)),
        code(&short(&e.new)),
        if e.policies.is_empty() {
            "(none)".into()
        } else {
            e.policies.iter().map(|p| code(p)).collect::<Vec<_>>().join(", ")
        },
    );
    if let Some(reason) = &e.override_reason {
        out.push_str(&format!("| Override | {} |\n", code(reason)));
    }
    out.push_str("\n| Key | Before | After |\n|---|---|---|\n");
    for c in &e.changes {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            code(&c.key),
            cell(&c.before),
            cell(&c.after)
        ));
    }
    out.push_str("\nOwners and moderators: please review this change and answer here.\n");
    out.push_str(&format!("\n<!-- hubgate:{} -->\n", marker(e)));
    out
}

/// A marker that identifies the entry on a forge, so a retried delivery can find it: the hash of
/// its idempotency key (the push's identity and the update; older entries: repository, ref, old,
/// new), hex only, safe inside an HTML comment.
pub fn marker(e: &Entry) -> String {
    let key = e.identity();
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, key.as_bytes())
        .map_or_else(|_| format!("{}-{}", e.refname.len(), e.num), |id| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(key: &str, before: J, after: J) -> Change {
        Change {
            key: key.into(),
            before,
            after,
        }
    }

    #[test]
    fn titles_name_every_change() {
        let t = title(&[
            change("license", "creativeml-openrail-m".into(), "mit".into()),
            change("tags:not-for-all-audiences", "not-for-all-audiences".into(), J::Null),
            change("extra_gated_prompt", "a".into(), J::Null),
        ]);
        assert_eq!(
            t,
            "License changed: creativeml-openrail-m -> mit; not-for-all-audiences removed; Gating changed: extra_gated_prompt"
        );
    }

    #[test]
    fn card_text_cannot_inject() {
        let t = title(&[change("license", J::Null, "[x](http://evil) @admin <b>".into())]);
        assert_eq!(t, "License set: ?x??http?//evil? ?admin ?b?");
        assert_eq!(code("a`b|c\n@d"), "``a`b\\|c @d``");
        assert_eq!(code("`x`"), "`` `x` ``");
    }

    /// Issue 10 item 7: a gating key's NAME is card text too. Each hostile form, alone.
    #[test]
    fn hostile_key_names_are_inert_in_titles() {
        let gated = |key: &str| title(&[change(key, J::Null, "yes".into())]);
        let cases = [
            (
                "extra_gated_x\nremote: error: forged",
                "Gating changed: extra_gated_x?remote? error? forged",
            ),
            (
                "extra_gated_\u{1b}[2J\u{1b}[31mx",
                "Gating changed: extra_gated_??2J??31mx",
            ),
            (
                "extra_gated_[link](http://evil)",
                "Gating changed: extra_gated_?link??http?//evil?",
            ),
            ("extra_gated_@admin", "Gating changed: extra_gated_?admin"),
            (
                "extra_gated_<img src=x onerror=alert(1)>",
                "Gating changed: extra_gated_?img src?x onerror?alert?1??",
            ),
            ("extra_gated_\u{202E}txt.exe", "Gating changed: extra_gated_?txt.exe"),
            ("extra_gated_a\u{200B}b\u{FEFF}", "Gating changed: extra_gated_a?b?"),
        ];
        for (key, want) in cases {
            assert_eq!(gated(key), want, "{key:?}");
        }
        let long = format!("extra_gated_{}", "k".repeat(100));
        assert_eq!(gated(&long), format!("Gating changed: {}...", &long[..60]));
        // Watched keys outside gating (administrator-named, but the same path) too.
        assert_eq!(
            title(&[change("base_model\n@x", J::Null, "a".into())]),
            "base_model??x added"
        );
    }

    #[test]
    fn huge_values_are_cut_in_bodies() {
        let huge = J::String("x".repeat(5 * MAX_CELL_CHARS));
        let shown = cell(&huge);
        assert!(shown.len() < MAX_CELL_CHARS + 100, "{}", shown.len());
        assert!(shown.ends_with(&format!("(… {} more characters, see the card)", 4 * MAX_CELL_CHARS)));
        assert_eq!(cell(&J::String("short".into())), "`short`");
    }

    #[test]
    fn hostile_key_names_show_only_inside_code_spans_in_bodies() {
        let key = "extra_gated_x\nremote: error: `[l](http://evil)` @admin <img src=x onerror=y> \u{1b}[2J\u{202E}|";
        let e = Entry {
            num: 1,
            title: title(&[change(key, J::Null, "v".into())]),
            status: "open".into(),
            author: "hubgate".into(),
            pusher: None,
            created_at: "2000-01-01T00:00:00Z".into(),
            repo: "acme/model".into(),
            refname: "refs/heads/main".into(),
            old: "0".repeat(40),
            new: "1".repeat(40),
            changes: vec![change(key, J::Null, "v".into())],
            policies: Vec::new(),
            override_reason: None,
            events: Vec::new(),
            push_id: None,
            key: None,
        };
        let b = body(&e);
        let row = b.lines().find(|l| l.contains("extra_gated_x")).expect("the key's row");
        assert_eq!(
            row,
            "| ``extra_gated_x remote: error: `[l](http://evil)` @admin <img src=x onerror=y>  [2J \\|`` | (absent) | `v` |"
        );
        assert!(!b.contains('\u{1b}') && !b.contains('\u{202E}'));
        assert!(!b.lines().any(|l| l.starts_with("remote:")));
    }
}
