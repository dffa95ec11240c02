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
            // What the Hub takes as metadata: a mapping, or a timestamp or `!!binary` alone.
            Metadata::Parsed(Some(root)) if root.value.is_object() => "valid",
            Metadata::Parsed(_) => "invalid front matter",
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

/// What the comparison reads from one card, taken before the next card is read: a push that
/// changes a card of megabytes holds one parsed card at a time, not two.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    state: &'static str,
    licence: [J; 3],
    audience: Option<String>,
    /// Every gating key (`gated`, `extra_gated_*`) in the card's order, with its value.
    gating: Vec<(String, J)>,
    /// For each of the watched sections, whether a reader sees it.
    sections: Vec<bool>,
    /// The value of each of the watched keys.
    keys: Vec<J>,
}

const LICENCE_KEYS: [&str; 3] = ["license", "license_name", "license_link"];

impl Facts {
    /// The facts of `card` (absent: `None`) that `watch` asks about.
    pub fn of(card: Option<&Card>, watch: &Watch) -> Facts {
        let mut gating = Vec::new();
        if let Some(crate::card::Node {
            value: crate::card::Value::Map(entries),
            ..
        }) = card.and_then(Card::mapping)
        {
            for e in entries {
                if (e.key == "gated" || e.key.starts_with("extra_gated_"))
                    && !gating.iter().any(|(g, _): &(String, J)| e.key == g.as_str())
                {
                    gating.push((e.key.to_string(), e.value.to_json()));
                }
            }
        }
        Facts {
            state: state(card),
            licence: LICENCE_KEYS.map(|k| value(card, k)),
            audience: audience(card, &watch.synonyms),
            gating,
            // The same reading as the `sections` rule: a heading a reader sees (crate::card::headings).
            sections: watch
                .sections
                .iter()
                .map(|s| card.is_some_and(|c| c.headings().find(s).is_some()))
                .collect(),
            keys: watch.keys.iter().map(|k| value(card, k)).collect(),
        }
    }

    fn gating_value(&self, key: &str) -> J {
        self.gating
            .iter()
            .find(|(k, _)| k == key)
            .map_or(J::Null, |(_, v)| v.clone())
    }
}

/// The risk-relevant changes from the card whose facts are `old` to the one whose facts are
/// `new` (either card may be absent), both taken with `watch`.
pub fn compare_facts(old: &Facts, new: &Facts, watch: &Watch) -> Vec<Change> {
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
    if old.state != new.state {
        let as_value = |s: &str| {
            if s == "absent" {
                J::Null
            } else {
                J::String(s.to_owned())
            }
        };
        push("README.md", as_value(old.state), as_value(new.state));
    }
    for (i, key) in LICENCE_KEYS.iter().enumerate() {
        push(key, old.licence[i].clone(), new.licence[i].clone());
    }
    if old.audience.is_some() != new.audience.is_some() {
        push(
            &format!("tags:{NFAA_TAG}"),
            old.audience.clone().map_or(J::Null, J::String),
            new.audience.clone().map_or(J::Null, J::String),
        );
    }
    // The gating keys of both cards, the old card's order first.
    let mut gating: Vec<&str> = Vec::new();
    for (key, _) in old.gating.iter().chain(&new.gating) {
        if !gating.contains(&key.as_str()) {
            gating.push(key);
        }
    }
    for key in &gating {
        push(key, old.gating_value(key), new.gating_value(key));
    }
    for (i, section) in watch.sections.iter().enumerate() {
        if old.sections.get(i) == Some(&true) && new.sections.get(i) != Some(&true) {
            push(&format!("section:{section}"), J::String("present".into()), J::Null);
        }
    }
    for (i, key) in watch.keys.iter().enumerate() {
        if !gating.contains(&key.as_str()) && !LICENCE_KEYS.contains(&key.as_str()) {
            push(
                key,
                old.keys.get(i).cloned().unwrap_or(J::Null),
                new.keys.get(i).cloned().unwrap_or(J::Null),
            );
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

    /// The risk-relevant changes from `old` to `new` (either may be absent), as post-receive
    /// finds them.
    fn compare(old: Option<&Card>, new: Option<&Card>, watch: &Watch) -> Vec<Change> {
        compare_facts(&Facts::of(old, watch), &Facts::of(new, watch), watch)
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
    fn a_timestamp_front_matter_is_valid_as_the_hub_takes_it() {
        let old = card("---\nlicense: mit\n---\n");
        let keys_of = |text: &str| {
            let new = card(text);
            compare(Some(&old), Some(&new), &Watch::default())
                .into_iter()
                .map(|c| (c.key, c.after))
                .collect::<Vec<_>>()
        };
        // The licence goes (recorded); the front matter stays valid (not recorded as invalid).
        for text in ["---\n2024-01-01\n---\n", "---\n!!binary aGk=\n---\n"] {
            assert_eq!(keys_of(text), vec![("license".to_owned(), J::Null)], "{text}");
        }
        assert!(
            keys_of("---\nhello\n---\n").contains(&("README.md".to_owned(), J::String("invalid front matter".into())))
        );
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
