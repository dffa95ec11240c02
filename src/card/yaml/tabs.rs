//! Tabs in indentation, as js-yaml refuses them.
//!
//! serde-saphyr's parser accepts some tab-indented lines that js-yaml refuses (a tab before a
//! top-level key, a plain scalar continued on a tab-indented line). js-yaml's rule, observed on
//! js-yaml 4.3.2: in block context, a line whose leading whitespace holds a tab and which has
//! content is an error, `tab characters must not be used in indentation`, at the tab. Lines inside
//! quoted scalars, block scalars and flow collections are exempt, as are blank lines, comments and
//! a line starting with the `:` of an explicit key.

use super::value::Pos;

/// The first tab-indented content line (before `limit`, when given) outside the `exempt` line
/// ranges (inclusive, 1-based).
pub fn first_violation(text: &str, exempt: &[(usize, usize)], limit: Option<Pos>) -> Option<Pos> {
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        if limit.is_some_and(|l| line > l.line) {
            return None;
        }
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let lead = raw.len() - raw.trim_start_matches([' ', '\t']).len();
        let (indent, content) = raw.split_at(lead);
        let Some(tab) = indent.find('\t') else { continue };
        if content.is_empty() || content.starts_with('#') || content.starts_with(':') {
            continue;
        }
        if exempt.iter().any(|(a, b)| (*a..=*b).contains(&line)) {
            continue;
        }
        let pos = Pos {
            line,
            col: indent[..tab].chars().count() + 1,
        };
        if limit.is_some_and(|l| (pos.line, pos.col) >= (l.line, l.col)) {
            return None;
        }
        return Some(pos);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_indented_content_outside_exempt_lines() {
        assert_eq!(
            first_violation("a: 1\n\tb: 2\n", &[], None),
            Some(Pos { line: 2, col: 1 })
        );
        assert_eq!(
            first_violation("a:\n  b: 1\n  \tc: 2\n", &[], None),
            Some(Pos { line: 3, col: 3 })
        );
        assert_eq!(first_violation("a: b\n\t# note\n\t\n", &[], None), None);
        assert_eq!(first_violation("a: [\n\tb]\n", &[(2, 2)], None), None);
        assert_eq!(first_violation("a:\tb\n", &[], None), None);
    }
}
