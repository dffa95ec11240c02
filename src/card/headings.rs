//! The headings of a card body as a reader sees them: the sections a policy can require.
//!
//! Required sections are sections a reader sees (issue 9). The body is parsed as CommonMark with
//! `pulldown-cmark`, and only real ATX (`## Limitations`) and setext (underlined) headings count.
//! Text that merely looks like a heading does not: inside an HTML comment (`<!-- ## Limitations
//! -->`), an HTML block, or fenced or indented code. Those look-alikes are still collected, as
//! [`Hidden`], so that a finding can point at the line a pusher took for the section.
//!
//! A heading's text is what a reader sees: inline markup is dropped (`## **Limitations**` is
//! `Limitations`), entities are decoded, inline HTML and image descriptions are left out.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::text::LineIndex;

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Its text, trimmed, without markup.
    pub text: String,
    /// 1 (`#`, or underlined with `=`) to 6.
    pub level: u8,
    /// The card line (1-based) on which it starts.
    pub line: usize,
}

/// Where a heading-like line sits that a reader does not see as a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// An HTML comment (`<!-- ... -->`).
    Comment,
    /// Other HTML.
    Html,
    /// A fenced or indented code block.
    Code,
}

impl Within {
    /// How the place is named to a pusher.
    pub fn describe(self) -> &'static str {
        match self {
            Within::Comment => "inside an HTML comment",
            Within::Html => "inside an HTML block",
            Within::Code => "inside a code block",
        }
    }
}

/// A line that looks like a heading (`## Text`) but is not one a reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// The text after the `#` marks, trimmed.
    pub text: String,
    /// The card line (1-based).
    pub line: usize,
    /// What hides it.
    pub within: Within,
}

/// The headings of one body, in order, and the heading look-alikes readers do not see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headings {
    /// The real headings.
    pub visible: Vec<Heading>,
    /// Lines that look like headings inside comments, HTML and code.
    pub hidden: Vec<Hidden>,
}

impl Headings {
    /// The first heading that names section `name` ([`names`]).
    pub fn find(&self, name: &str) -> Option<&Heading> {
        self.visible.iter().find(|h| names(&h.text, name))
    }

    /// The first look-alike that would name section `name` if it were a heading.
    pub fn find_hidden(&self, name: &str) -> Option<&Hidden> {
        self.hidden.iter().find(|h| names(&h.text, name))
    }
}

/// Whether a heading's text names the section `name`: equal ignoring case (Unicode lower case)
/// and the whitespace around `name`, as policies have always matched required sections.
pub fn names(heading: &str, name: &str) -> bool {
    heading.to_lowercase() == name.trim().to_lowercase()
}

/// Reads the headings of `body`, a card's text from `body_start` on; lines are card lines.
pub fn read(text: &str, body_start: usize) -> Headings {
    read_indexed(text, body_start, &LineIndex::new(text))
}

/// [`read`] with the card's own line index (`index` is [`LineIndex::new`] of `text`), so that a
/// card is indexed once however many readers need its lines.
pub fn read_indexed(text: &str, body_start: usize, index: &LineIndex) -> Headings {
    let body_start = body_start.min(text.len());
    let body = &text[body_start..];
    let lines = Lines { index, body_start };
    let mut out = Headings::default();
    // The heading being collected: its level, first line and text so far.
    let mut heading: Option<(u8, usize, String)> = None;
    let mut image_depth = 0usize;
    let mut code = false;
    let mut html: Option<Within> = None;
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, lines.of(range.start), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, line, t)) = heading.take() {
                    out.visible.push(Heading {
                        text: t.trim().to_owned(),
                        level,
                        line,
                    });
                }
            }
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => code = true,
            Event::End(TagEnd::CodeBlock) => code = false,
            Event::Start(Tag::HtmlBlock) => html = None,
            Event::End(TagEnd::HtmlBlock) => html = None,
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                if let Some((_, _, collected)) = heading.as_mut()
                    && image_depth == 0
                {
                    collected.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, collected)) = heading.as_mut() {
                    collected.push(' ');
                }
            }
            Event::Text(t) if code => look_alikes(&t, &range, Within::Code, &lines, &mut out.hidden),
            Event::Html(t) => {
                // An HTML block is a comment when it opens with one (CommonMark's block type 2).
                let within = *html.get_or_insert_with(|| html_kind(&t));
                look_alikes(&t, &range, within, &lines, &mut out.hidden);
            }
            Event::InlineHtml(t) => look_alikes(&t, &range, html_kind(&t), &lines, &mut out.hidden),
            _ => {}
        }
    }
    out
}

/// Whether HTML opens with a comment.
fn html_kind(t: &str) -> Within {
    if t.trim_start().starts_with("<!--") {
        Within::Comment
    } else {
        Within::Html
    }
}

/// Collects the lines of `t` (source `range`) that look like ATX headings.
fn look_alikes(t: &str, range: &Range<usize>, within: Within, lines: &Lines, out: &mut Vec<Hidden>) {
    let first = lines.of(range.start);
    for (i, line) in t.lines().enumerate() {
        let rest = line.trim_start();
        let rest = rest.strip_prefix("<!--").unwrap_or(rest).trim_start();
        let hashes = rest.bytes().take_while(|b| *b == b'#').count();
        if !(1..=6).contains(&hashes) || !rest[hashes..].starts_with([' ', '\t']) {
            continue;
        }
        let body = rest[hashes..].trim();
        let body = body.strip_suffix("-->").unwrap_or(body).trim_end();
        let body = body.trim_end_matches('#').trim_end();
        if !body.is_empty() {
            out.push(Hidden {
                text: body.to_owned(),
                line: first + i,
                within,
            });
        }
    }
}

/// Card line numbers of body offsets (the parser's offsets are the body's).
struct Lines<'i> {
    /// The card's line index.
    index: &'i LineIndex,
    /// Where the body starts in the card.
    body_start: usize,
}

impl Lines<'_> {
    /// The card line (1-based) of body offset `offset`.
    fn of(&self, offset: usize) -> usize {
        self.index.line(self.body_start + offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<String> {
        read(body, 0).visible.into_iter().map(|h| h.text).collect()
    }

    #[test]
    fn atx_and_setext_headings_with_their_lines() {
        let h = read("intro\n# Title\n\nOut-of-Scope Use\n---\nBias\n===\n", 0);
        let got: Vec<_> = h.visible.iter().map(|h| (h.text.as_str(), h.level, h.line)).collect();
        assert_eq!(got, [("Title", 1, 2), ("Out-of-Scope Use", 2, 4), ("Bias", 1, 6)]);
    }

    #[test]
    fn lines_are_card_lines_after_the_front_matter() {
        let text = "---\na: 1\n---\n\n## Limitations\n";
        let h = read(text, 12);
        assert_eq!(h.visible[0].line, 5);
    }

    #[test]
    fn a_heading_in_an_html_comment_is_hidden() {
        let h = read("# Model\n\n<!-- ## Limitations -->\n\n<!--\n## Bias\n-->\n", 0);
        assert_eq!(texts("# Model\n\n<!-- ## Limitations -->\n"), ["Model"]);
        assert_eq!(h.find("limitations"), None);
        let hidden = h.find_hidden("Limitations").expect("seen as a look-alike");
        assert_eq!((hidden.line, hidden.within), (3, Within::Comment));
        assert_eq!(h.find_hidden("Bias").map(|h| h.line), Some(6));
    }

    #[test]
    fn a_heading_in_an_html_block_is_hidden() {
        let h = read("<details>\n## Limitations\n</details>\n", 0);
        assert!(h.visible.is_empty());
        let hidden = h.find_hidden("Limitations").expect("look-alike");
        assert_eq!((hidden.line, hidden.within), (2, Within::Html));
    }

    #[test]
    fn headings_in_fenced_and_indented_code_are_hidden() {
        let h = read("```md\n## Limitations\n```\n\n~~~\n# Bias\n~~~\n\n    ## Uses\n", 0);
        assert!(h.visible.is_empty(), "{:?}", h.visible);
        let lines: Vec<_> = h.hidden.iter().map(|h| (h.text.as_str(), h.line, h.within)).collect();
        assert_eq!(
            lines,
            [
                ("Limitations", 2, Within::Code),
                ("Bias", 6, Within::Code),
                ("Uses", 9, Within::Code)
            ]
        );
    }

    #[test]
    fn a_shorter_fence_inside_a_longer_one_does_not_close_it() {
        let body = "````markdown\n```\n## Limitations\n````\n## After\n";
        assert_eq!(texts(body), ["After"]);
        assert_eq!(read(body, 0).find_hidden("limitations").map(|h| h.line), Some(3));
    }

    #[test]
    fn inline_markup_is_dropped_from_heading_text() {
        assert_eq!(
            texts("## **Limitations**\n## _Bias_, `Risks` &amp; [Uses](#u)\n## ![logo](l.png) Model ##\n"),
            ["Limitations", "Bias, Risks & Uses", "Model"]
        );
        assert!(read("## **Limitations**\n", 0).find(" limitations ").is_some());
    }

    #[test]
    fn not_headings_at_all() {
        assert!(texts("#Limitations\n\n####### Seven\n\n\\## Escaped\n").is_empty());
    }

    #[test]
    fn matching_ignores_case_and_the_space_around_the_name() {
        assert!(names("Out-of-Scope Use", " out-of-scope use "));
        assert!(names("ÜBERSICHT", "übersicht"));
        assert!(!names("Limitations and Bias", "Limitations"));
    }
}
