//! Errors of YAML reading, worded as js-yaml 4 words them where we know its wording.
//!
//! The Hub prints `Invalid YAML in README.md: <reason> (L:C)` followed by js-yaml's snippet
//! (HUB-SPEC 1.4, 1.7). The reasons below are js-yaml's own texts for the errors a card meets in
//! practice; for the rarer syntax errors the parser's text is kept, with the same position format.

use serde_saphyr::granit_parser::{ErrorKind as ScanKind, ScanError};

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
    /// 1-based line and column inside the YAML block, when known.
    pub pos: Option<Pos>,
}

impl Error {
    /// An error with a reason and an optional position.
    pub fn new(kind: ErrorKind, reason: impl Into<String>, pos: Option<Pos>) -> Self {
        Error {
            kind,
            reason: reason.into(),
            pos,
        }
    }

    /// Translates a parser error into js-yaml's wording where the two agree on the cause.
    pub fn from_scan(e: &ScanError, text: &str) -> Self {
        let marker = e.marker();
        let mut pos = Pos {
            line: marker.line(),
            col: marker.col() + 1,
        };
        // Byte offset of the marker (the parser counts characters).
        let at = text.char_indices().nth(marker.index()).map_or(text.len(), |(i, _)| i);
        let rest = &text[at..];
        let reason = match e.kind() {
            ScanKind::UnexpectedEofFlowSequence
            | ScanKind::UnexpectedEofFlowMapping
            | ScanKind::UnexpectedEofImplicitFlowMapping
            | ScanKind::UnclosedFlowCollection { .. } => {
                pos = end_of_input(text);
                "unexpected end of the stream within a flow collection".to_owned()
            }
            ScanKind::UnclosedQuotedScalar | ScanKind::InvalidQuotedScalarIndent if rest.trim().is_empty() => {
                pos = end_of_input(text);
                let quote = text[..at].chars().rev().find(|c| *c == '"' || *c == '\'');
                match quote {
                    Some('"') => "unexpected end of the stream within a double quoted scalar",
                    _ => "unexpected end of the stream within a single quoted scalar",
                }
                .to_owned()
            }
            ScanKind::TabNotAllowed | ScanKind::TabInBlockIndentation | ScanKind::TabInIndentation => {
                // js-yaml points at the start of the indented line.
                pos.col = 1;
                "tab characters must not be used in indentation".to_owned()
            }
            ScanKind::UnknownAnchor => {
                let name: String = rest
                    .trim_start_matches('*')
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                    .collect();
                // js-yaml points just after the alias name.
                pos.col += 1 + name.chars().count();
                format!("unidentified alias \"{name}\"")
            }
            ScanKind::UnknownQuotedScalarEscape => {
                // js-yaml points at the character after the backslash.
                if let Some(offset) = first_bad_escape(rest) {
                    pos.col += rest[..offset].chars().count();
                }
                "unknown escape sequence".to_owned()
            }
            ScanKind::MultipleDocumentsUnsupported => {
                return Error::new(
                    ErrorKind::Syntax,
                    "expected a single document in the stream, but found more",
                    None,
                );
            }
            _ => e.info(),
        };
        Error {
            kind: ErrorKind::Syntax,
            reason,
            pos: Some(pos),
        }
    }

    /// `reason (L:C)`, as js-yaml's `message` starts.
    ///
    /// The position counts lines inside the YAML block, as the Hub's does (HUB-SPEC 6.3).
    pub fn headline(&self) -> String {
        match self.pos {
            Some(p) => format!("{} ({}:{})", self.reason, p.line, p.col),
            None => self.reason.clone(),
        }
    }
}

/// Where js-yaml reports an unexpected end of input: after the final line break, which js-yaml
/// adds when the text lacks one.
fn end_of_input(text: &str) -> Pos {
    let breaks = crate::card::front_matter::line_breaks(text);
    let ends_with_break = text.ends_with('\n') || text.ends_with('\r');
    Pos {
        line: breaks + if ends_with_break { 1 } else { 2 },
        col: 1,
    }
}

/// Byte offset of the first character after a backslash that is not a YAML escape.
fn first_bad_escape(quoted: &str) -> Option<usize> {
    let mut chars = quoted.char_indices();
    while let Some((_, c)) = chars.next() {
        if c == '\\' {
            let (i, next) = chars.next()?;
            if !"0abt\tnvfre \"/\\N_LPxuU\r\n".contains(next) {
                return Some(i);
            }
        }
    }
    None
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
