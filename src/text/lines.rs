//! One line index per file: byte offsets to 1-based lines and columns.
//!
//! Findings and problems point a person at a place in a file (`README.md:3:10`,
//! `policies/a.toml:2:5`). Every such place is computed here, from the offsets of the line
//! starts found once per file and a binary search, so that the card, the policy files and the
//! configuration agree on what a line and a column are:
//! - a line ends at `\n`, at `\r\n` and at a lone `\r`, as YAML 1.2 (js-yaml) and CommonMark count
//!   them, so that a card line computed here is the line the YAML reader and the Markdown parser
//!   report (TOML allows no lone `\r`, so policy files lose nothing by it);
//! - a column counts characters, not bytes, from 1: what an editor shows for `modèle: x`;
//! - an offset past the end is the end, and an offset inside a character or a line break
//!   belongs to the line it is in.

use std::ops::Range;

/// The line starts of one text, for turning byte offsets into lines and columns.
///
/// Built once per file with [`LineIndex::new`]; every query takes the same text again (the index
/// keeps offsets only, so that it can live beside the text it indexes, in a
/// [`crate::card::Card`] for instance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0, and a text ending in a line break
    /// has a last, empty line starting at its end.
    starts: Vec<usize>,
    /// The length of the text indexed, so that offsets past it are taken as its end.
    len: usize,
}

impl LineIndex {
    /// Indexes `text`: one pass over its bytes.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + found;
            let end = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(end);
            i = end;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// How many lines the text has: one more than its line breaks (an empty text has one line).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The 1-based line of byte `offset` (past the end: the last line).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset.min(self.len))
    }

    /// The 1-based line and column (in characters) of byte `offset` in `text`, the text the
    /// index was built from. An offset inside a character counts that character as before it.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len).min(text.len());
        let line = self.line(offset);
        let start = self.starts[line - 1];
        // Characters are counted by their first bytes, so an offset that is not on a character
        // boundary cannot panic.
        let chars = text.as_bytes()[start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        (line, chars + 1)
    }

    /// The byte range of 1-based `line` without its line break, or `None` past the last line.
    pub fn range(&self, text: &str, line: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).copied().unwrap_or(self.len).min(text.len());
        let bytes = &text.as_bytes()[start..end];
        let cut = if bytes.ends_with(b"\r\n") {
            2
        } else {
            usize::from(bytes.ends_with(b"\n") || bytes.ends_with(b"\r"))
        };
        Some(start..end - cut)
    }

    /// The text of 1-based `line` without its line break, or `None` past the last line.
    pub fn text<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        self.range(text, line).and_then(|r| text.get(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, offset: usize) -> (usize, usize) {
        LineIndex::new(text).line_col(text, offset)
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        let text = "license: mit\ntags:\n- a\n";
        assert_eq!(at(text, 0), (1, 1));
        assert_eq!(at(text, 9), (1, 10));
        assert_eq!(at(text, 13), (2, 1));
        assert_eq!(at(text, 21), (3, 3));
    }

    #[test]
    fn crlf_is_one_line_break_and_its_cr_stays_on_its_line() {
        let text = "a: 1\r\nb: 2\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.count(), 3);
        assert_eq!(index.line_col(text, 4), (1, 5), "the \\r");
        assert_eq!(index.line_col(text, 5), (1, 6), "the \\n");
        assert_eq!(index.line_col(text, 6), (2, 1));
        assert_eq!(index.text(text, 1), Some("a: 1"));
        assert_eq!(index.text(text, 2), Some("b: 2"));
        assert_eq!(index.text(text, 3), Some(""));
    }

    #[test]
    fn a_lone_cr_ends_a_line_as_yaml_counts_it() {
        let text = "a\rb\n\rc";
        let index = LineIndex::new(text);
        assert_eq!(index.count(), 4);
        assert_eq!(index.line_col(text, 2), (2, 1));
        assert_eq!(index.text(text, 3), Some(""));
        assert_eq!(index.text(text, 4), Some("c"));
    }

    #[test]
    fn text_without_a_trailing_newline_ends_on_its_last_line() {
        let text = "a\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.count(), 2);
        assert_eq!(index.text(text, 2), Some("last"));
        assert_eq!(index.text(text, 3), None);
        assert_eq!(index.line_col(text, text.len()), (2, 5));
    }

    #[test]
    fn an_offset_at_or_past_the_end_is_the_end() {
        let text = "a\n";
        let index = LineIndex::new(text);
        assert_eq!(
            index.line_col(text, 2),
            (2, 1),
            "after the last break: the empty last line"
        );
        assert_eq!(index.line_col(text, 99), (2, 1));
        assert_eq!(index.line(99), 2);
        let empty = LineIndex::new("");
        assert_eq!((empty.count(), empty.line_col("", 0)), (1, (1, 1)));
        assert_eq!(empty.text("", 1), Some(""));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "modèle: 模型 x\n";
        let x = text.find('x').expect("x");
        assert_eq!(at(text, x), (1, 12));
        // Inside the two bytes of `è`: counted as before it, without a panic.
        assert_eq!(at(text, 4), (1, 5));
    }

    #[test]
    fn line_zero_and_lines_past_the_end_have_no_text() {
        let text = "one\ntwo\n";
        let index = LineIndex::new(text);
        assert_eq!(index.text(text, 0), None);
        assert_eq!(index.text(text, 2), Some("two"));
        assert_eq!(index.text(text, 4), None);
    }
}
