//! A repository card (`README.md`) as the Hub reads it: front matter, metadata, body.
//!
//! Reading never fails: a card that cannot be read is a card with a problem, and the problem is
//! reported as a finding by [`crate::hub`]. Text is decoded as Node's `readFileSync(f, 'utf8')`
//! does (invalid bytes become U+FFFD, a BOM is kept and counts as whitespace before the opener).

pub mod front_matter;
pub mod headings;
pub mod yaml;

pub use front_matter::FrontMatter;
pub use headings::Headings;
pub use yaml::{Node, Pos, Value};

use crate::text::LineIndex;

/// The tag that marks content not suitable for all audiences
/// (docs/sources.md#not-for-all-audiences).
pub const NFAA_TAG: &str = "not-for-all-audiences";

/// What the YAML block held.
#[derive(Debug, Clone, PartialEq)]
pub enum Metadata {
    /// No front-matter block was found.
    Missing,
    /// The block did not parse.
    Invalid(yaml::Error),
    /// The block parsed; `None` is an empty document (js-yaml's `undefined`).
    Parsed(Option<Node>),
}

/// A card read from bytes.
#[derive(Debug, Clone)]
pub struct Card {
    /// The text, decoded as UTF-8 with invalid bytes replaced.
    pub text: String,
    /// Whether the bytes were valid UTF-8.
    pub utf8: bool,
    /// Where the front matter sits, if found.
    pub front_matter: Option<FrontMatter>,
    /// What the front matter held.
    pub metadata: Metadata,
    /// The body's headings, parsed on first use: only a `sections` rule or the discussion
    /// record needs them, and most pushes meet neither.
    headings: std::sync::OnceLock<Headings>,
    /// The line index of `text`, built on first use (a finding's excerpt, the headings): a
    /// card that passes needs none.
    lines: std::sync::OnceLock<LineIndex>,
}

impl Card {
    /// Reads a card from its bytes.
    ///
    /// ```
    /// use hubgate::card::Card;
    ///
    /// let card = Card::read(b"---\nlanguage: no\npython_version: 3.10\n---\n");
    /// let json = card.mapping().expect("a mapping").to_json();
    /// // YAML 1.2 as the Hub reads it: `no` stays a string, 3.10 is the number 3.1.
    /// assert_eq!(json, serde_json::json!({"language": "no", "python_version": 3.1}));
    /// ```
    pub fn read(bytes: &[u8]) -> Card {
        Card::from_bytes(bytes.to_vec())
    }

    /// [`Card::read`] on bytes the caller gives up: a card of megabytes is not copied (the
    /// hooks read each card once, and its YAML reading holds it again as UTF-16).
    pub fn from_bytes(bytes: Vec<u8>) -> Card {
        let (text, utf8) = match String::from_utf8(bytes) {
            Ok(s) => (s, true),
            Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
        };
        let front_matter = front_matter::find(&text);
        let metadata = match &front_matter {
            None => Metadata::Missing,
            Some(fm) => match yaml::read(&text[fm.yaml.clone()]) {
                Ok(doc) => Metadata::Parsed(doc),
                Err(e) => Metadata::Invalid(e),
            },
        };
        Card {
            text,
            utf8,
            front_matter,
            metadata,
            headings: std::sync::OnceLock::new(),
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The YAML text of the front matter, if found.
    pub fn yaml_text(&self) -> Option<&str> {
        self.front_matter.as_ref().map(|fm| &self.text[fm.yaml.clone()])
    }

    /// The body: everything after the front matter (the whole text when there is none).
    pub fn body(&self) -> &str {
        match &self.front_matter {
            Some(fm) => &self.text[fm.body_start..],
            None => &self.text,
        }
    }

    /// The metadata mapping, when the block parsed into one.
    pub fn mapping(&self) -> Option<&Node> {
        match &self.metadata {
            Metadata::Parsed(Some(node)) if matches!(node.value, Value::Map(_)) => Some(node),
            _ => None,
        }
    }

    /// The value under a top-level key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.mapping().and_then(|m| m.get(key))
    }

    /// The card line (1-based) of a position inside the YAML block.
    pub fn line_of(&self, pos: Pos) -> Option<usize> {
        let fm = self.front_matter.as_ref()?;
        Some(fm.first_line + pos.line.saturating_sub(1))
    }

    /// The text of a card line (1-based), without its line break.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        self.lines().text(&self.text, line)
    }

    /// The line index of the card's text, built once, on first use.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The string items of `tags` (non-strings are a Hub finding, not a tag).
    pub fn tags(&self) -> Vec<&str> {
        match self.get("tags").map(|n| &n.value) {
            Some(Value::Seq(items)) => items.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `tags` holds `tag` (exact, case-sensitive; CONTRACT.md).
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags().contains(&tag)
    }

    /// The item of `tags` that holds `tag`, so that a finding about it points at its own line.
    pub fn tag_node(&self, tag: &str) -> Option<&Node> {
        match self.get("tags").map(|n| &n.value) {
            Some(Value::Seq(items)) => items.iter().find(|n| n.as_str() == Some(tag)),
            _ => None,
        }
    }

    /// The declared licence ids: `license` as a string, or the strings of a list.
    pub fn licenses(&self) -> Vec<(&str, &Node)> {
        match self.get("license") {
            Some(
                n @ Node {
                    value: Value::String(s),
                    ..
                },
            ) => vec![(s.as_str(), n)],
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items.iter().filter_map(|n| n.as_str().map(|s| (s, n))).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the card declares gating: `gated` is `auto`, `manual` or `true`, or it carries
    /// `extra_gated_prompt` or `extra_gated_fields`; `gated: false` declares none (CONTRACT.md).
    pub fn declares_gating(&self) -> bool {
        match self.get("gated").map(|n| &n.value) {
            Some(Value::Bool(false)) => return false,
            Some(Value::Bool(true)) => return true,
            Some(Value::String(s)) if s == "auto" || s == "manual" => return true,
            _ => {}
        }
        ["extra_gated_prompt", "extra_gated_fields"]
            .iter()
            .any(|k| self.get(k).is_some_and(|n| n.value != Value::Null))
    }

    /// The headings of the body a reader sees (ATX `#` headings and setext underlined ones, not
    /// look-alikes in comments, HTML or code), parsed once, on first use ([`headings::read`]).
    pub fn headings(&self) -> &Headings {
        let start = self.front_matter.as_ref().map_or(0, |fm| fm.body_start);
        self.headings
            .get_or_init(|| headings::read_indexed(&self.text, start, self.lines()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_metadata_tags_and_lines() {
        let card = Card::read(b"\n---\nlicense: mit\ntags:\n- a\n- not-for-all-audiences\n---\n# T\n");
        assert_eq!(card.licenses().len(), 1);
        assert!(card.has_tag(NFAA_TAG));
        let node = card.get("license").expect("license");
        assert_eq!(card.line_of(node.pos), Some(3));
        assert_eq!(card.line_text(3), Some("license: mit"));
    }

    /// Card lines count a lone `\r` as YAML does, so the excerpt is the line the number names
    /// (it used to show the line four `\n`s down, `## Limitations`).
    #[test]
    fn a_lone_cr_before_the_front_matter_keeps_line_and_excerpt_together() {
        let card = Card::read(b"\r\r---\nlicense: foo\n---\n## Limitations\n");
        let node = card.get("license").expect("license");
        assert_eq!(card.line_of(node.pos), Some(4));
        assert_eq!(card.line_text(4), Some("license: foo"));
        assert_eq!(card.headings().visible[0].line, 6);
    }

    #[test]
    fn gating_declarations() {
        assert!(Card::read(b"---\ngated: manual\n---\n").declares_gating());
        assert!(Card::read(b"---\nextra_gated_prompt: hi\n---\n").declares_gating());
        assert!(!Card::read(b"---\ngated: false\nextra_gated_prompt: hi\n---\n").declares_gating());
        assert!(!Card::read(b"---\nlicense: mit\n---\n").declares_gating());
    }

    #[test]
    fn headings_atx_and_setext_outside_fences() {
        let card = Card::read(
            b"---\na: 1\n---\n# Title\n## Bias, Risks, and Limitations ##\nOut-of-Scope Use\n---\n```\n# not\n```\n",
        );
        let texts: Vec<&str> = card.headings().visible.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(texts, ["Title", "Bias, Risks, and Limitations", "Out-of-Scope Use"]);
    }

    #[test]
    fn non_utf8_is_read_lossily() {
        let card = Card::read(b"---\nlicense: mit\n---\n\xff\xfe");
        assert!(!card.utf8);
        assert!(card.mapping().is_some());
    }
}
