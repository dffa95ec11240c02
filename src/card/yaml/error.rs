//! Errors of YAML reading, as js-yaml 4.3.2 words and places them.
//!
//! The Hub prints `Invalid YAML in README.md: <reason> (L:C)` followed by js-yaml's snippet
//! (HUB-SPEC 1.4, 1.7). The reader is a port of js-yaml's loader, so the reason is js-yaml's own
//! text and the position its `mark`: 1-based, the column in UTF-16 code units.

use super::value::Pos;

/// Why the YAML block could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The YAML is not valid (js-yaml would throw as well).
    Syntax,
    /// The YAML is too large, too deep or expands too much to be read safely; js-yaml might read
    /// it, but a gate must not spend unbounded time or memory on a push.
    Budget,
}

/// A YAML reading error with the position js-yaml would report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Syntax or budget.
    pub kind: ErrorKind,
    /// js-yaml's `reason`, without the position.
    pub reason: String,
    /// 1-based line and column inside the YAML block, when known (a column js-yaml reports
    /// before the start of its line is shown as column 1).
    pub pos: Option<Pos>,
    /// js-yaml's mark exactly (1-based line and column), which [`Error::headline`] prints.
    mark: Option<(usize, isize)>,
}

impl Error {
    /// An error with a reason and an optional position.
    pub fn new(kind: ErrorKind, reason: impl Into<String>, pos: Option<Pos>) -> Self {
        Error {
            kind,
            reason: reason.into(),
            pos,
            mark: pos.map(|p| (p.line, p.col as isize)),
        }
    }

    /// An error at js-yaml's mark: 0-based line, and a 0-based column that may be negative.
    pub(super) fn at_mark(kind: ErrorKind, reason: String, line: usize, column: isize) -> Self {
        Error {
            kind,
            reason,
            pos: Some(Pos {
                line: line + 1,
                col: usize::try_from(column + 1).unwrap_or(1).max(1),
            }),
            mark: Some((line + 1, column + 1)),
        }
    }

    /// `reason (L:C)`, as js-yaml's `message` starts.
    ///
    /// The position counts lines inside the YAML block, as the Hub's does (HUB-SPEC 6.3).
    pub fn headline(&self) -> String {
        match self.mark {
            Some((line, col)) => format!("{} ({line}:{col})", self.reason),
            None => self.reason.clone(),
        }
    }
}

/// js-yaml's numbered excerpt under an error: three lines before, two after, a `---^` pointer.
///
/// `text` is the YAML block the position counts in. Tabs are shown as `→`, as js-yaml does.
pub fn snippet(text: &str, pos: Pos) -> String {
    let mut lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    // The empty piece after a final line break is shown only when the error points at it.
    if lines.len() > 1 && lines.last() == Some(&"") && pos.line < lines.len() {
        lines.pop();
    }
    let at = pos.line.saturating_sub(1).min(lines.len().saturating_sub(1));
    let first = at.saturating_sub(3);
    let last = (at + 2).min(lines.len().saturating_sub(1));
    let width = (last + 1).to_string().len();
    let show = |l: &str| l.replace('\t', "→");
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate().take(last + 1).skip(first) {
        out.push_str(&format!(" {:>width$} | {}\n", i + 1, show(line)));
        if i == at {
            out.push_str(&"-".repeat(1 + width + 3 + pos.col.saturating_sub(1)));
            out.push_str("^\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_matches_js_yaml_layout() {
        let text = "a: 1\na: 2\n";
        assert_eq!(snippet(text, Pos { line: 2, col: 1 }), " 1 | a: 1\n 2 | a: 2\n-----^\n");
        assert_eq!(
            snippet("license: [\n", Pos { line: 2, col: 1 }),
            " 1 | license: [\n 2 | \n-----^\n"
        );
    }
}
