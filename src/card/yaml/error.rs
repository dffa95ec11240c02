//! Errors of YAML reading, as js-yaml 4.3.2 words and places them.
//!
//! The Hub prints `Invalid YAML in README.md: <reason> (L:C)` followed by js-yaml's snippet
//! (docs/sources.md#yaml-error-format). The reader is a port of js-yaml's loader, so the reason is js-yaml's own
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
    /// js-yaml's snippet of the lines around the mark.
    snippet: Option<String>,
}

impl Error {
    /// An error with a reason and an optional position.
    pub fn new(kind: ErrorKind, reason: impl Into<String>, pos: Option<Pos>) -> Self {
        Error {
            kind,
            reason: reason.into(),
            pos,
            mark: pos.map(|p| (p.line, p.col as isize)),
            snippet: None,
        }
    }

    /// An error at js-yaml's mark: 0-based line, and a 0-based column that may be negative.
    pub(super) fn at_mark(
        kind: ErrorKind,
        reason: String,
        line: usize,
        column: isize,
        snippet: Option<String>,
    ) -> Self {
        Error {
            snippet,
            kind,
            reason,
            pos: Some(Pos {
                line: line + 1,
                col: usize::try_from(column + 1).unwrap_or(1).max(1),
            }),
            mark: Some((line + 1, column + 1)),
        }
    }

    /// js-yaml's numbered excerpt of the YAML block around the error, as the Hub prints it
    /// under the message (ending with a line break).
    pub fn snippet(&self) -> Option<&str> {
        self.snippet.as_deref()
    }

    /// `reason (L:C)`, as js-yaml's `message` starts.
    ///
    /// The position counts lines inside the YAML block, as the Hub's does (docs/sources.md#yaml-error-format).
    pub fn headline(&self) -> String {
        match self.mark {
            Some((line, col)) => format!("{} ({line}:{col})", self.reason),
            None => self.reason.clone(),
        }
    }
}

/// js-yaml's `makeSnippet`: the numbered lines around `position` (three before, two after), a
/// `---^` pointer, tabs shown as `→`, lines longer than 79 columns cut around the position with
/// ` ... `, everything counted in UTF-16 code units.
///
/// `buffer` is the text js-yaml's mark holds, `position` an index into it and `line` the 0-based
/// line js-yaml reports. The result ends with a line break, unlike js-yaml's, for printing; a
/// surrogate pair that the cut splits shows as U+FFFD, as Node prints the half it keeps.
pub(super) fn make_snippet(buffer: &[u16], position: usize, line: usize) -> Option<String> {
    const MAX_LENGTH: usize = 79;
    const INDENT: usize = 1;
    const LINES_BEFORE: usize = 3;
    const LINES_AFTER: usize = 2;
    if buffer.is_empty() {
        return None;
    }
    // Lines end at `\r?\n`, `\r` or `\0`.
    let mut starts = vec![0usize];
    let mut ends = Vec::new();
    let mut found: Option<usize> = None;
    let mut i = 0;
    while i < buffer.len() {
        let len = match buffer[i] {
            0x0D if buffer.get(i + 1) == Some(&0x0A) => 2,
            0x0A | 0x0D | 0x00 => 1,
            _ => {
                i += 1;
                continue;
            }
        };
        ends.push(i);
        starts.push(i + len);
        if position <= i && found.is_none() {
            found = Some(starts.len() - 2);
        }
        i += len;
    }
    let found = found.unwrap_or(starts.len() - 1);
    let number_width = (line + LINES_AFTER).min(ends.len()).to_string().len();
    let max_line = MAX_LENGTH.saturating_sub(INDENT + number_width + 3);
    // Numbered from js-yaml's line, which can be before the line shown (the null-byte error is
    // reported on the first line): the numbers then go negative, as in js-yaml.
    let show = |n: isize, text: &str| format!("{}{n:>number_width$} | {text}\n", " ".repeat(INDENT));
    let line = line as isize;
    let mut out = String::new();
    for k in (1..=LINES_BEFORE).rev() {
        let Some(at) = found.checked_sub(k) else { continue };
        let virtual_position = position as isize - (starts[found] - starts[at]) as isize;
        let (text, _) = snippet_line(buffer, starts[at], ends.get(at).copied(), virtual_position, max_line);
        out.push_str(&show(line + 1 - k as isize, &text));
    }
    let (text, pointer) = snippet_line(
        buffer,
        starts[found],
        ends.get(found).copied(),
        position as isize,
        max_line,
    );
    out.push_str(&show(line + 1, &text));
    out.push_str(&"-".repeat(INDENT + number_width + 3 + pointer.max(0) as usize));
    out.push_str("^\n");
    for k in 1..=LINES_AFTER {
        if found + k >= ends.len() {
            break;
        }
        let virtual_position = position as isize - (starts[found] as isize - starts[found + k] as isize);
        let (text, _) = snippet_line(
            buffer,
            starts[found + k],
            ends.get(found + k).copied(),
            virtual_position,
            max_line,
        );
        out.push_str(&show(line + k as isize + 1, &text));
    }
    Some(out)
}

/// js-yaml's `getLine`: one line of the snippet, cut to `max` around `position`, and where the
/// pointer goes in it.
fn snippet_line(buffer: &[u16], start: usize, end: Option<usize>, position: isize, max: usize) -> (String, isize) {
    let half = (max / 2) as isize - 1;
    let mut start = start as isize;
    let mut end = end.map_or(buffer.len() as isize, |e| e as isize);
    let mut head = "";
    let mut tail = "";
    if position - start > half {
        head = " ... ";
        start = position - half + head.len() as isize;
    }
    if end - position > half {
        tail = " ...";
        end = position + half - tail.len() as isize;
    }
    let clamp = |i: isize| i.clamp(0, buffer.len() as isize) as usize;
    let (from, to) = (clamp(start), clamp(end));
    let slice = if from < to { &buffer[from..to] } else { &[][..] };
    let text = String::from_utf16_lossy(slice).replace('\t', "→");
    (format!("{head}{text}{tail}"), position - start + head.len() as isize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str, position: usize, line: usize) -> Option<String> {
        make_snippet(&text.encode_utf16().collect::<Vec<_>>(), position, line)
    }

    #[test]
    fn snippet_matches_js_yaml_layout() {
        assert_eq!(
            snippet("a: 1\na: 2\n", 5, 1).as_deref(),
            Some(" 1 | a: 1\n 2 | a: 2\n-----^\n")
        );
        assert_eq!(
            snippet("license: [\n", 11, 1).as_deref(),
            Some(" 1 | license: [\n 2 | \n-----^\n")
        );
        let long = format!("a: \"{}\\q{}\"\n", "x".repeat(100), "y".repeat(100));
        assert_eq!(
            snippet(&long, 105, 0).as_deref(),
            Some(&*format!(
                " 1 |  ... {}\\q{} ...\n{}^\n",
                "x".repeat(30),
                "y".repeat(31),
                "-".repeat(41)
            ))
        );
        assert_eq!(snippet("\ta: 1\n", 2, 0).as_deref(), Some(" 1 | →a: 1\n-------^\n"));
    }
}
