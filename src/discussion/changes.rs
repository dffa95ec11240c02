//! Which differences between two cards are risk-relevant (issue 3): the licence and its details,
//! the audience tag (and its synonyms), every gating key, the card appearing, disappearing or its
//! front matter becoming invalid, required sections removed, and keys the administrator adds.

use super::Change;
use crate::card::{Card, Metadata, NFAA_TAG};
use serde_json::Value as J;

/// What the comparison needs from the configuration and policies.
#[derive(Debug, Clone, Default)]
pub struct Watch {
    /// Tags that count as `not-for-all-audiences`.
    pub synonyms: Vec<String>,
    /// Body sections whose removal is recorded.
    pub sections: Vec<String>,
    /// Further top-level keys to record.
    pub keys: Vec<String>,
}

/// The state of a card as a single word, for the `README.md` row.
fn state(card: Option<&Card>) -> &'static str {
    match card {
        None => "absent",
        Some(c) => match &c.metadata {
            Metadata::Missing => "no front matter",
            Metadata::Invalid(_) => "invalid front matter",
            Metadata::Parsed(_) if c.mapping().is_none() => "invalid front matter",
            Metadata::Parsed(_) => "valid",
        },
    }
}

fn value(card: Option<&Card>, key: &str) -> J {
    card.and_then(|c| c.get(key))
        .map_or(J::Null, crate::card::Node::to_json)
}

fn audience(card: Option<&Card>, synonyms: &[String]) -> Option<String> {
    let card = card?;
    std::iter::once(NFAA_TAG)
        .chain(synonyms.iter().map(String::as_str))
        .find(|t| card.has_tag(t))
        .map(str::to_owned)
}

/// The risk-relevant changes from `old` to `new` (either may be absent).
pub fn compare(old: Option<&Card>, new: Option<&Card>, watch: &Watch) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |key: &str, before: J, after: J| {
        if before != after {
            out.push(Change {
                key: key.to_owned(),
                before,
                after,
            });
        }
    };
    let (s_old, s_new) = (state(old), state(new));
    if s_old != s_new {
        let as_value = |s: &str| {
            if s == "absent" {
                J::Null
            } else {
                J::String(s.to_owned())
            }
        };
        push("README.md", as_value(s_old), as_value(s_new));
    }
    for key in ["license", "license_name", "license_link"] {
        push(key, value(old, key), value(new, key));
    }
    let (a_old, a_new) = (audience(old, &watch.synonyms), audience(new, &watch.synonyms));
    if a_old.is_some() != a_new.is_some() {
        push(
            &format!("tags:{NFAA_TAG}"),
            a_old.map_or(J::Null, J::String),
            a_new.map_or(J::Null, J::String),
        );
    }
    let mut gating: Vec<String> = Vec::new();
    for card in [old, new].into_iter().flatten() {
        if let Some(crate::card::Node {
            value: crate::card::Value::Map(entries),
            ..
        }) = card.mapping()
        {
            for e in entries {
                if (e.key == "gated" || e.key.starts_with("extra_gated_"))
                    && !gating.iter().any(|g| e.key == g.as_str())
                {
                    gating.push(e.key.to_string());
                }
            }
        }
    }
    for key in &gating {
        push(key, value(old, key), value(new, key));
    }
    for section in &watch.sections {
        // The same reading as the `sections` rule: a heading a reader sees (crate::card::headings).
        let has = |c: Option<&Card>| c.is_some_and(|c| c.headings().find(section).is_some());
        if has(old) && !has(new) {
            push(&format!("section:{section}"), J::String("present".into()), J::Null);
        }
    }
    for key in &watch.keys {
        if !gating.contains(key) && !["license", "license_name", "license_link"].contains(&key.as_str()) {
            push(key, value(old, key), value(new, key));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(text: &str) -> Card {
        Card::read(text.as_bytes())
    }

    fn keys(changes: &[Change]) -> Vec<&str> {
        changes.iter().map(|c| c.key.as_str()).collect()
    }

    #[test]
    fn licence_audience_and_gating() {
        let old =
            card("---\nlicense: creativeml-openrail-m\ntags: [not-for-all-audiences]\nextra_gated_prompt: a\n---\n");
        let new = card("---\nlicense: mit\ntags: [art]\nextra_gated_prompt: b\ngated: manual\n---\n");
        let c = compare(Some(&old), Some(&new), &Watch::default());
        assert_eq!(
            keys(&c),
            ["license", "tags:not-for-all-audiences", "extra_gated_prompt", "gated"]
        );
        assert_eq!(c[0].before, "creativeml-openrail-m");
        assert_eq!(c[1].after, J::Null);
    }

    #[test]
    fn unchanged_and_irrelevant_changes_give_nothing() {
        let old = card("---\nlicense: mit\ntags: [a]\n---\n# A\n");
        let new = card("---\nlicense: mit\ntags: [b]\npipeline_tag: x\n---\n# B\n");
        assert!(compare(Some(&old), Some(&new), &Watch::default()).is_empty());
    }

    #[test]
    fn card_lifecycle_sections_synonyms_and_extra_keys() {
        let old = card("---\nlicense: mit\ntags: [nsfw]\nbase_model: a\n---\n## Out-of-Scope Use\n");
        let new = card("---\nlicense: [\n---\n");
        let watch = Watch {
            synonyms: vec!["nsfw".into()],
            sections: vec!["Out-of-Scope Use".into()],
            keys: vec!["base_model".into()],
        };
        let c = compare(Some(&old), Some(&new), &watch);
        assert_eq!(
            keys(&c),
            [
                "README.md",
                "license",
                "tags:not-for-all-audiences",
                "section:Out-of-Scope Use",
                "base_model"
            ]
        );
        assert_eq!(c[0].after, "invalid front matter");
        let created = compare(None, Some(&card("---\nlicense: mit\n---\n")), &Watch::default());
        assert_eq!(keys(&created), ["README.md", "license"]);
        let deleted = compare(Some(&card("# x\n")), None, &Watch::default());
        assert_eq!(keys(&deleted), ["README.md"]);
    }

    #[test]
    fn a_section_hidden_in_a_comment_counts_as_removed() {
        let watch = Watch {
            sections: vec!["Limitations".into()],
            ..Watch::default()
        };
        let old = card("---\nlicense: mit\n---\n## Limitations\nSome.\n");
        let hidden = card("---\nlicense: mit\n---\n<!--\n## Limitations\nSome.\n-->\n");
        assert_eq!(
            keys(&compare(Some(&old), Some(&hidden), &watch)),
            ["section:Limitations"]
        );
        let renamed = card("---\nlicense: mit\n---\n## **limitations**\nSome.\n");
        assert!(compare(Some(&old), Some(&renamed), &watch).is_empty());
    }
}
