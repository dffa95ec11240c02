//! A direct reader for the plain shape most cards have, answering for the port or not at all.
//!
//! The port of js-yaml's loader (`super::loader`) builds JavaScript's shared values and then the
//! tree; on a typical card that costs about ten times reading the card's object. Most cards are
//! written in a small part of YAML: block mappings of plain keys, block sequences, plain scalars,
//! quoted scalars without escapes on one line, and one-line flow sequences of plain scalars. This
//! reader reads that part straight into the tree, and gives up (`None`) at the first thing outside
//! it (a tab, a CR, an anchor, a tag, a block scalar, an escape, a multi-line scalar, a duplicated
//! key, an unusual indentation, anything js-yaml would refuse), leaving the card to the port.
//!
//! It never refuses and never decides alone: when it answers, the answer is the port's, value
//! and position. `tests` checks that on every card and YAML case of the fixtures and on tens of
//! thousands of seeded variants of them, and the mutation differential of CI (which compares
//! `hubgate card` with js-yaml itself) goes through it.

use super::js::{JsValue, units};
use super::types;
use super::value::{Entry, JsString, Node, Pos, Value};

/// The deepest nesting followed here (js-yaml allows 100; deeper cards go to the port).
const MAX_DEPTH: usize = 32;

/// The longest key read here (js-yaml's own limit on implicit keys is 1024 characters).
const MAX_KEY_BYTES: usize = 512;

/// The most keys of one mapping read here (duplicates are looked for linearly).
const MAX_KEYS: usize = 64;

/// The largest YAML block read here: real cards are a few kB, and every size bound of the port
/// (characters of keys and strings, before and after aliases) is far above it, so that a block
/// the port refuses for its size is always left to it.
const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// The most nodes (keys, values, items) of a document read here: a real card has hundreds. Far
/// below the port's own bound ([`super::loader::MAX_NODES`], which counts at least as many), so
/// that a document the port refuses as too complex is always left to it.
const MAX_NODES: usize = 10_000;

/// One line of the YAML block.
struct Line<'a> {
    /// 1-based line number.
    no: usize,
    /// The line without its `\n`.
    text: &'a str,
    /// Leading spaces.
    indent: usize,
    /// Empty, spaces only, or a comment.
    blank: bool,
    /// Spaces only (a comment line is not empty).
    empty: bool,
}

/// Reads `text` when it lies in the plain subset; `None` leaves it to the port.
pub(super) fn read(text: &str) -> Option<Node> {
    if text.len() > MAX_TEXT_BYTES || !plain_characters(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        let line = &text[start..end];
        start = end + 1;
        if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let rest = &line[indent..];
        lines.push(Line {
            no: lines.len() + 1,
            text: line,
            indent,
            blank: rest.is_empty() || rest.starts_with('#'),
            empty: rest.is_empty(),
        });
    }
    let mut r = Reader { lines, at: 0, nodes: 0 };
    r.skip_blank();
    if r.peek()?.indent != 0 {
        return None;
    }
    let root = r.mapping(0, 0, 0)?;
    r.skip_blank();
    (r.at == r.lines.len()).then_some(root)
}

/// Whether every character is one this reader takes: no tab, no CR, no BOM, nothing js-yaml
/// calls non-printable.
fn plain_characters(text: &str) -> bool {
    if text.is_ascii() {
        // In blocks, without a branch per byte (the compiler compares 16 bytes at a time).
        return text.as_bytes().chunks(64).all(|block| {
            block
                .iter()
                .fold(0u8, |bad, &b| bad | u8::from(((b < 0x20) & (b != b'\n')) | (b == 0x7f)))
                == 0
        });
    }
    text.chars().all(|c| match c {
        '\n' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' => false,
        '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    })
}

/// The 1-based column js-yaml gives byte `at` of `line`: UTF-16 code units before it, plus one.
fn column(line: &str, at: usize) -> usize {
    let before = &line[..at];
    if before.is_ascii() {
        at + 1
    } else {
        before.chars().map(char::len_utf16).sum::<usize>() + 1
    }
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    at: usize,
    /// Nodes read so far (see [`MAX_NODES`]).
    nodes: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<&Line<'a>> {
        self.lines.get(self.at)
    }

    /// Counts `n` more nodes; `None` past [`MAX_NODES`].
    fn count(&mut self, n: usize) -> Option<()> {
        self.nodes += n;
        (self.nodes <= MAX_NODES).then_some(())
    }

    fn skip_blank(&mut self) {
        while self.peek().is_some_and(|l| l.blank) {
            self.at += 1;
        }
    }

    fn pos(&self, at: usize) -> Pos {
        let line = &self.lines[self.at];
        Pos {
            line: line.no,
            col: column(line.text, at),
        }
    }

    /// A block mapping whose keys stand at column `indent`; its first key starts at byte `first`
    /// of the current line (after `- ` for a mapping inside a sequence entry).
    fn mapping(&mut self, indent: usize, first: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let pos = self.pos(first);
        let mut entries: Vec<Entry> = Vec::with_capacity(4);
        let mut start = first;
        loop {
            let entry = self.entry(indent, start, depth)?;
            if entries.len() == MAX_KEYS || entries.iter().any(|e| e.key == entry.key) {
                return None;
            }
            entries.push(entry);
            self.skip_blank();
            match self.peek() {
                Some(line) if line.indent == indent => start = indent,
                Some(line) if line.indent > indent => return None,
                _ => break,
            }
        }
        Some(Node {
            value: Value::Map(entries),
            pos,
        })
    }

    /// One `key: value` entry of a mapping at column `indent`, its key at byte `start`.
    fn entry(&mut self, indent: usize, start: usize, depth: usize) -> Option<Entry> {
        self.count(2)?;
        let text = self.lines[self.at].text;
        let rest = &text[start..];
        let colon = rest.find(':')?;
        let key = &rest[..colon];
        if !plain_key(key) {
            return None;
        }
        let after = start + colon + 1;
        if !(text.len() == after || text.as_bytes()[after] == b' ') {
            return None;
        }
        let key_pos = self.pos(start);
        let value_at = after + (text.len() - after - text[after..].trim_start_matches(' ').len());
        let value = if text.len() == value_at || text.as_bytes()[value_at] == b'#' {
            let null_pos = self.pos(after);
            self.at += 1;
            self.nested(indent, true, null_pos, depth)?
        } else {
            self.inline(value_at, indent)?
        };
        Some(Entry {
            key: JsString::from(key),
            key_pos,
            value,
        })
    }

    /// The value of a key or entry that has nothing on its own line: a block mapping or sequence
    /// below it, or null (at `null_pos`). A sequence may stand at the key's own column
    /// (`same_column_sequence`) when it is a mapping's value.
    fn nested(&mut self, indent: usize, same_column_sequence: bool, null_pos: Pos, depth: usize) -> Option<Node> {
        self.skip_blank();
        let Some(line) = self.peek() else {
            return Some(Node {
                value: Value::Null,
                pos: null_pos,
            });
        };
        let (at, dash) = (line.indent, is_dash(line.text, line.indent));
        if at > indent || (at == indent && same_column_sequence && dash) {
            if dash {
                self.sequence(at, depth + 1)
            } else {
                self.mapping(at, at, depth + 1)
            }
        } else {
            Some(Node {
                value: Value::Null,
                pos: null_pos,
            })
        }
    }

    /// A block sequence whose dashes stand at column `indent` (the current line is a dash).
    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let pos = self.pos(indent);
        let mut items = Vec::with_capacity(4);
        loop {
            self.count(1)?;
            let text = self.lines[self.at].text;
            let after = indent + 1;
            let item_at = after + (text.len() - after - text[after..].trim_start_matches(' ').len());
            let item = if text.len() == item_at || text.as_bytes()[item_at] == b'#' {
                let null_pos = self.pos(indent);
                self.at += 1;
                self.nested(indent, false, null_pos, depth)?
            } else if is_dash(text, item_at) {
                return None;
            } else if starts_entry(&text[item_at..]) {
                self.mapping(item_at, item_at, depth + 1)?
            } else {
                self.inline(item_at, indent)?
            };
            items.push(item);
            self.skip_blank();
            match self.peek() {
                Some(line) if line.indent == indent && is_dash(line.text, indent) => {}
                Some(line) if line.indent > indent => return None,
                _ => break,
            }
        }
        Some(Node {
            value: Value::Seq(items),
            pos,
        })
    }

    /// A scalar or one-line flow sequence at byte `at` of the current line, in a block whose
    /// entries stand at column `indent`; moves past the line. A following line indented deeper
    /// (a continued scalar, or an error) is left to the port.
    fn inline(&mut self, at: usize, indent: usize) -> Option<Node> {
        let text = self.lines[self.at].text;
        let pos = self.pos(at);
        let rest = &text[at..];
        let value = match rest.as_bytes()[0] {
            q @ (b'"' | b'\'') => {
                let close = rest[1..].find(q as char)? + 1;
                let inner = &rest[1..close];
                if q == b'"' && inner.contains('\\') || !ends_line(&rest[close + 1..]) {
                    return None;
                }
                Value::String(JsString::from(inner))
            }
            b'[' => self.flow_sequence(at)?,
            b'-' | b'?' | b':' | b',' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@'
            | b'`' | b'<' => return None,
            _ => {
                let plain = rest[..comment_start(rest)].trim_end_matches(' ');
                if has_colon_space(plain) || plain.ends_with(':') {
                    return None;
                }
                resolve(plain)?
            }
        };
        self.at += 1;
        if self.lines[self.at..]
            .iter()
            .find(|l| !l.empty)
            .is_some_and(|l| l.indent > indent)
        {
            return None;
        }
        Some(Node { value, pos })
    }

    /// `[a, b]` on one line, of plain scalars, starting at byte `at` of the current line.
    fn flow_sequence(&mut self, at: usize) -> Option<Value> {
        let text = self.lines[self.at].text;
        let close = at + text[at..].find(']')?;
        if !ends_line(&text[close + 1..]) {
            return None;
        }
        let inner = &text[at + 1..close];
        if inner.trim_start_matches(' ').is_empty() {
            return Some(Value::Seq(Vec::new()));
        }
        let mut items = Vec::new();
        let mut from = at + 1;
        for piece in inner.split(',') {
            let lead = piece.len() - piece.trim_start_matches(' ').len();
            let item = piece.trim_matches(' ');
            let first = item.bytes().next()?;
            if item.contains([':', '#', '[', ']', '{', '}', '"', '\''])
                || matches!(
                    first,
                    b'-' | b'?' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'<'
                )
            {
                return None;
            }
            self.count(1)?;
            items.push(Node {
                value: resolve(item)?,
                pos: self.pos(from + lead),
            });
            from += piece.len() + 1;
        }
        Some(Value::Seq(items))
    }
}

/// Whether what follows a closed scalar ends the line: nothing, spaces, or a comment after one.
fn ends_line(rest: &str) -> bool {
    rest.is_empty()
        || (rest.starts_with(' ') && matches!(rest.trim_start_matches(' ').bytes().next(), None | Some(b'#')))
}

/// Where a comment starts in a plain scalar's line (` #`), or its length.
fn comment_start(rest: &str) -> usize {
    let b = rest.as_bytes();
    memchr::memchr_iter(b'#', b)
        .find(|&i| i > 0 && b[i - 1] == b' ')
        .map_or(b.len(), |i| i - 1)
}

/// Whether `plain` holds `: ` (a mapping entry, which js-yaml refuses inside a block value).
fn has_colon_space(plain: &str) -> bool {
    let b = plain.as_bytes();
    memchr::memchr_iter(b':', b).any(|i| b.get(i + 1) == Some(&b' '))
}

/// Whether byte `at` of `text` is a sequence entry's dash (`-` then a space or the end).
fn is_dash(text: &str, at: usize) -> bool {
    let b = text.as_bytes();
    b.get(at) == Some(&b'-') && matches!(b.get(at + 1), None | Some(b' '))
}

/// Whether `rest` begins like a `key:` entry (a plain key, then a colon ending it).
fn starts_entry(rest: &str) -> bool {
    rest.find(':')
        .is_some_and(|c| plain_key(&rest[..c]) && matches!(rest.as_bytes().get(c + 1), None | Some(b' ')))
}

/// Whether `key` is a plain key that reads as itself: it starts with a letter or `_`, holds no
/// character that could start a comment, a quote or a flow collection, and is not a word that
/// resolves to null or a boolean (js-yaml would turn it back into a string, but differently).
fn plain_key(key: &str) -> bool {
    let Some(first) = key.bytes().next() else { return false };
    (first.is_ascii_alphabetic() || first == b'_')
        && key.len() <= MAX_KEY_BYTES
        && !key.ends_with(' ')
        && !key.bytes().any(|b| {
            matches!(
                b,
                b'#' | b'"'
                    | b'\''
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b','
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'%'
                    | b'@'
                    | b'`'
            )
        })
        && !matches!(
            key,
            "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "null" | "Null" | "NULL" | "__proto__"
        )
}

/// The value of a plain scalar, as js-yaml's implicit types resolve it; `None` when they raise.
fn resolve(plain: &str) -> Option<Value> {
    let first = plain.bytes().next()?;
    if !first.is_ascii() || (first.is_ascii_alphabetic() && !matches!(first, b't' | b'T' | b'f' | b'F' | b'n' | b'N')) {
        return Some(Value::String(JsString::from(plain)));
    }
    match plain {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        "null" | "Null" | "NULL" => return Some(Value::Null),
        _ if first.is_ascii_alphabetic() => return Some(Value::String(JsString::from(plain))),
        _ => {}
    }
    let data = JsValue::Str(units(plain).into());
    match types::resolve_implicit(&data).ok()? {
        Some((value, _)) => super::tree::scalar(&value),
        None => Some(Value::String(JsString::from(plain))),
    }
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
