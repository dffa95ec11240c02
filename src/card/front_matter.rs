//! Finding the YAML block at the top of a card, exactly as the Hub's regular expression does.
//!
//! The Hub (and huggingface_hub since PR #4526) uses, with JavaScript semantics
//! (docs/sources.md#front-matter-regex):
//!
//! ```text
//! ^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))
//! ```
//!
//! This module is a hand-made matcher for that one expression rather than a regex: Rust's `\s`
//! is not JavaScript's (it lacks U+FEFF, the BOM, and adds U+0085), and the backtracking at the
//! opening fence matters (`---\r\n---\r\n` matches with an empty block, `---\n---\n` does not).
//! The matcher is linear: the lazy group stops at the first closing fence.

/// Where the YAML block sits in the card text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    /// Byte range of the YAML text (group 2).
    pub yaml: std::ops::Range<usize>,
    /// Byte offset where the body starts (end of the whole match).
    pub body_start: usize,
    /// 1-based line of the card on which the YAML text starts.
    pub first_line: usize,
}

/// JavaScript's `\s`: `[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]`.
pub fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// Finds the front-matter block, or `None` where the Hub finds none (it then warns
/// `empty or missing yaml metadata in repo card`).
///
/// ```
/// use hubgate::card::front_matter::find;
///
/// let card = "\u{feff}---\r\nlicense: mit\r\n--- \r\n# Model\r\n";
/// let fm = find(card).expect("a BOM, CRLF and a trailing blank on the fence are fine");
/// assert_eq!(&card[fm.yaml.clone()], "license: mit");
/// assert_eq!(&card[fm.body_start..], "# Model\r\n");
/// assert!(find("---\nlicense: mit\n---oops").is_none());
/// ```
pub fn find(text: &str) -> Option<FrontMatter> {
    let lead = text.len() - text.trim_start_matches(is_js_whitespace).len();
    let after_fence = lead + text[lead..].strip_prefix("---").map(|_| 3)?;
    // Alternatives of the opening line break, in the order the regex tries them.
    let rest = &text[after_fence..];
    let openers: &[usize] = if rest.starts_with("\r\n") {
        &[2, 1]
    } else if rest.starts_with('\r') || rest.starts_with('\n') {
        &[1]
    } else {
        &[]
    };
    for &len in openers {
        let start = after_fence + len;
        if let Some((yaml_end, end)) = closing(text, start) {
            // The prefix alone: the opener's `\r` ends its line even where a `\n` follows it
            // (the regex backtracked to `\r`), as the YAML reader of the block counts it.
            let first_line = crate::text::LineIndex::new(&text[..start]).count();
            return Some(FrontMatter {
                yaml: start..yaml_end,
                body_start: end,
                first_line,
            });
        }
    }
    None
}

/// The first closing fence at or after `from`: returns (end of YAML text, end of the match).
fn closing(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut p = from;
    // Line breaks are found with `memchr2`: the text between them cannot hold a fence.
    while let Some(found) = memchr::memchr2(b'\r', b'\n', &bytes[p..]) {
        p += found;
        let nl = if bytes[p] == b'\r' && bytes.get(p + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        // `\r\n` is tried first; if the fence does not follow, `\r` alone cannot help because
        // the next byte is `\n`, not `-`.
        let q = p + nl;
        if text[q..].starts_with("---") {
            let mut r = q + 3;
            while matches!(bytes.get(r), Some(b' ' | b'\t')) {
                r += 1;
            }
            match bytes.get(r) {
                None => return Some((p, r)),
                Some(b'\n') => return Some((p, r + 1)),
                Some(b'\r') if bytes.get(r + 1) == Some(&b'\n') => return Some((p, r + 2)),
                _ => {}
            }
        }
        p += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Option<&str> {
        find(text).map(|f| &text[f.yaml])
    }

    /// The regex's behaviour matrix (docs/sources.md#front-matter-matrix), row by row.
    #[test]
    fn finds_the_block_as_the_hubs_regex_does_row_by_row() {
        assert_eq!(yaml("---\nlicense: mit\n---\nbody"), Some("license: mit"));
        assert_eq!(yaml("---\r\nlicense: mit\r\n---\r\nbody"), Some("license: mit"));
        assert_eq!(yaml("---\rlicense: mit\r---\rbody"), None);
        assert_eq!(yaml("   \n\n---\nlicense: mit\n---\n"), Some("license: mit"));
        assert_eq!(yaml("# Title\n---\nlicense: mit\n---\n"), None);
        assert_eq!(yaml("\u{feff}---\nlicense: mit\n---\n"), Some("license: mit"));
        assert_eq!(yaml("---\n---\nbody"), None);
        assert_eq!(yaml("---\n\n---\nbody"), Some(""));
        assert_eq!(yaml("---\nlicense: mit\n--- \nbody"), Some("license: mit"));
        assert_eq!(yaml("---\nlicense: mit\n---\t \r\nbody"), Some("license: mit"));
        assert_eq!(yaml("---\nlicense: mit\n---oops"), None);
        assert_eq!(yaml("---\nlicense: mit\n..."), None);
        assert_eq!(yaml("---\nlicense: mit\n----"), None);
        assert_eq!(yaml("--- \nlicense: mit\n---\n"), None);
        assert_eq!(yaml("---\nlicense: mit\n---"), Some("license: mit"));
        assert_eq!(yaml("---\nlicense: mit"), None);
        assert_eq!(
            yaml("---\r\n---\r\nlanguage: en\r\n---\r\nbody"),
            Some("---\r\nlanguage: en")
        );
    }

    #[test]
    fn backtracking_at_the_opener_finds_an_empty_crlf_block() {
        // With `\r\n` as the opener no fence follows; the regex backtracks to `\r` and the block
        // is empty: JavaScript reports a match with group 2 = "".
        let f = find("---\r\n---\r\nbody").expect("a block");
        assert_eq!(f.yaml, 4..4);
        assert_eq!(f.body_start, 10);
    }

    #[test]
    fn first_fence_wins_and_body_follows() {
        let text = "---\na: 1\n---\nb: 2\n---\nrest";
        let f = find(text).expect("a block");
        assert_eq!(&text[f.yaml.clone()], "a: 1");
        assert_eq!(&text[f.body_start..], "b: 2\n---\nrest");
        assert_eq!(f.first_line, 2);
    }

    #[test]
    fn leading_blank_lines_shift_the_first_line() {
        let f = find("\n\n---\na: 1\n---\n").expect("a block");
        assert_eq!(f.first_line, 4);
    }

    #[test]
    fn javascript_whitespace_is_not_rusts() {
        assert!(is_js_whitespace('\u{feff}'));
        assert!(!is_js_whitespace('\u{85}'));
        assert_eq!(yaml("\u{85}---\na: 1\n---\n"), None);
    }
}
