//! A port of js-yaml 4.3.2's loader (`lib/loader.js`), state by state.
//!
//! One pass over the UTF-16 code units JavaScript sees, with the same functions
//! (`readPlainScalar` is [`State::read_plain_scalar`], and so on), the same decisions in the same
//! order, and the same `throwError` points and messages, so that a card is accepted, read and
//! refused exactly as the Hub reads it. Lines and columns count as js-yaml counts them: lines
//! end at LF, CR or CRLF, and a column is a number of UTF-16 code units (an emoji is two).
//!
//! Beyond js-yaml, bounds that no real card approaches keep hostile input cheap: js-yaml's own
//! nesting limit (`nesting exceeded maxDepth (100)`) and merge-key limit hold as in js-yaml, and
//! the loader also refuses, as too complex, a document of more than [`MAX_NODES`] nodes or
//! whose mapping keys, converted to strings, add up to more than [`MAX_KEY_UNITS`] code units
//! (an alias of a long string or array used as a key over and over). Every step is linear in the
//! input: keys are found in hash maps, and the only re-reading js-yaml does (a node's
//! properties read again as the start of a block mapping) reads one flow node twice at most.

mod block;
mod block_scalar;
mod compose;
mod document;
mod flow;
mod mapping;
mod properties;
mod scalar;

use std::collections::HashMap;
use std::rc::Rc;

use super::error::ErrorKind;
use super::js::{JsStr, JsValue};
use super::value::Pos;

/// The most nodes a document may have, keys included (before aliases are expanded).
pub(super) const MAX_NODES: usize = 250_000;

/// The most code units all mapping keys of a document may add up to once converted to strings.
pub(super) const MAX_KEY_UNITS: usize = 32 * 1024 * 1024;

/// js-yaml's default `maxDepth`.
const MAX_DEPTH: usize = 100;

/// js-yaml's default `maxTotalMergeKeys`.
const MAX_TOTAL_MERGE_KEYS: usize = 10_000;

/// What `charCodeAt` gives past the end of the input (JavaScript's `NaN`): equal to nothing.
const NAN: u32 = 0x1_0000;

const fn c(b: u8) -> u32 {
    b as u32
}

fn is_eol(ch: u32) -> bool {
    ch == c(b'\n') || ch == c(b'\r')
}

fn is_white_space(ch: u32) -> bool {
    ch == c(b'\t') || ch == c(b' ')
}

fn is_ws_or_eol(ch: u32) -> bool {
    is_white_space(ch) || is_eol(ch)
}

fn is_flow_indicator(ch: u32) -> bool {
    ch == c(b',') || ch == c(b'[') || ch == c(b']') || ch == c(b'{') || ch == c(b'}')
}

/// The kind of a node, as `state.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A scalar (`'scalar'`).
    Scalar,
    /// A sequence (`'sequence'`).
    Sequence,
    /// A mapping (`'mapping'`).
    Mapping,
}

impl Kind {
    /// js-yaml's name of the kind; a missing kind prints as `null`.
    pub fn name(kind: Option<Kind>) -> &'static str {
        match kind {
            None => "null",
            Some(Kind::Scalar) => "scalar",
            Some(Kind::Sequence) => "sequence",
            Some(Kind::Mapping) => "mapping",
        }
    }
}

/// The context a node is read in (`CONTEXT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Inside a flow collection.
    FlowIn,
    /// A flow node outside flow collections (an implicit block mapping key).
    FlowOut,
    /// A block sequence entry.
    BlockIn,
    /// A block node (a document, a mapping value).
    BlockOut,
}

/// Where an error is reported: js-yaml's `mark`, 0-based. The column can be negative (js-yaml
/// reports a duplicated key of a multi-line flow mapping against the current line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mark {
    /// 0-based line.
    pub line: usize,
    /// 0-based column in UTF-16 code units.
    pub column: isize,
}

/// Why loading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fail {
    /// Syntax (js-yaml throws) or budget (hubgate's bounds).
    pub kind: ErrorKind,
    /// js-yaml's `reason`.
    pub reason: String,
    /// js-yaml's `mark`, if the error has one.
    pub mark: Option<Mark>,
    /// js-yaml's snippet of the lines around the mark.
    pub snippet: Option<String>,
}

impl Fail {
    /// An error thrown by JavaScript itself rather than by js-yaml (a `TypeError`): the Hub's
    /// reading prints its undefined `reason`, without a position.
    pub fn type_error() -> Fail {
        Fail {
            kind: ErrorKind::Syntax,
            reason: "undefined".into(),
            mark: None,
            snippet: None,
        }
    }

    /// A refusal for size, not syntax.
    pub fn budget(reason: impl Into<String>) -> Fail {
        Fail {
            kind: ErrorKind::Budget,
            reason: reason.into(),
            mark: None,
            snippet: None,
        }
    }
}

type R<T> = Result<T, Fail>;

/// What `snapshotState` keeps.
#[derive(Clone)]
struct Snapshot {
    position: usize,
    line: usize,
    line_start: usize,
    line_indent: isize,
    first_tab_in_line: Option<usize>,
    tag: Option<Rc<str>>,
    anchor: Option<JsStr>,
    kind: Option<Kind>,
    result: JsValue,
}

/// js-yaml's `State`.
struct State {
    /// The input with a final `\0`, which ends every loop.
    input: Vec<u16>,
    /// The length without the `\0`.
    length: usize,
    position: usize,
    line: usize,
    line_start: usize,
    line_indent: isize,
    depth: usize,
    total_merge_keys: usize,
    first_tab_in_line: Option<usize>,
    documents: Vec<(JsValue, Pos)>,
    /// Anchor changes inside `tryReadBlockMappingFromProperty`, to undo: name and previous value.
    transactions: Vec<HashMap<JsStr, Option<JsValue>>>,
    version_seen: bool,
    tag_map: HashMap<Vec<u16>, Vec<u16>>,
    anchor_map: HashMap<JsStr, JsValue>,
    tag: Option<Rc<str>>,
    anchor: Option<JsStr>,
    kind: Option<Kind>,
    result: JsValue,
    /// Where the node in `result` starts (hubgate's addition, for findings).
    result_pos: Pos,
    nodes: usize,
    key_units: usize,
}

impl Drop for State {
    fn drop(&mut self) {
        let documents = std::mem::take(&mut self.documents).into_iter().map(|(v, _)| v);
        let anchors = std::mem::take(&mut self.anchor_map).into_values();
        let pending = self.transactions.drain(..).flat_map(|t| t.into_values().flatten());
        let result = std::mem::replace(&mut self.result, JsValue::Null);
        super::js::tear_down(
            documents
                .chain(anchors)
                .chain(pending.collect::<Vec<_>>())
                .chain([result]),
        );
    }
}

impl State {
    fn ch(&self, at: usize) -> u32 {
        self.input.get(at).map_or(NAN, |&u| u32::from(u))
    }

    fn cur(&self) -> u32 {
        self.ch(self.position)
    }

    /// The code unit before `at` (`NaN` before the start).
    fn before(&self, at: usize) -> u32 {
        at.checked_sub(1).map_or(NAN, |i| self.ch(i))
    }

    fn slice(&self, from: usize, to: usize) -> &[u16] {
        self.input.get(from..to).unwrap_or(&[])
    }

    /// `throwError`: the reason with the current line and column, and js-yaml's snippet of the
    /// input (without the final `\0`) around the position.
    fn fail(&self, reason: impl Into<String>) -> Fail {
        self.fail_in(reason, self.length)
    }

    /// [`State::fail`] with the snippet taken from the first `buffer_length` code units.
    fn fail_in(&self, reason: impl Into<String>, buffer_length: usize) -> Fail {
        let buffer = self.slice(0, buffer_length);
        Fail {
            kind: ErrorKind::Syntax,
            reason: reason.into(),
            mark: Some(Mark {
                line: self.line,
                column: self.position as isize - self.line_start as isize,
            }),
            snippet: super::error::make_snippet(buffer, self.position, self.line),
        }
    }

    /// The 1-based position of the current character.
    fn here(&self) -> Pos {
        Pos {
            line: self.line + 1,
            col: self.position.saturating_sub(self.line_start) + 1,
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            position: self.position,
            line: self.line,
            line_start: self.line_start,
            line_indent: self.line_indent,
            first_tab_in_line: self.first_tab_in_line,
            tag: self.tag.clone(),
            anchor: self.anchor.clone(),
            kind: self.kind,
            result: self.result.clone(),
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.position = s.position;
        self.line = s.line;
        self.line_start = s.line_start;
        self.line_indent = s.line_indent;
        self.first_tab_in_line = s.first_tab_in_line;
        self.tag = s.tag;
        self.anchor = s.anchor;
        self.kind = s.kind;
        self.result = s.result;
    }

    /// `readLineBreak`.
    fn read_line_break(&mut self) -> R<()> {
        let ch = self.cur();
        if ch == c(b'\n') {
            self.position += 1;
        } else if ch == c(b'\r') {
            self.position += 1;
            if self.cur() == c(b'\n') {
                self.position += 1;
            }
        } else {
            return Err(self.fail("a line break is expected"));
        }
        self.line += 1;
        self.line_start = self.position;
        self.first_tab_in_line = None;
        Ok(())
    }

    /// `skipSeparationSpace`: blanks, comments when allowed, line breaks and the next line's
    /// indentation; the number of line breaks. (Its `checkIndent` only warns, and `load` has no
    /// warning handler.)
    fn skip_separation_space(&mut self, allow_comments: bool) -> usize {
        let mut line_breaks = 0;
        let mut ch = self.cur();
        while ch != 0 {
            while is_white_space(ch) {
                if ch == c(b'\t') && self.first_tab_in_line.is_none() {
                    self.first_tab_in_line = Some(self.position);
                }
                self.position += 1;
                ch = self.cur();
            }
            if allow_comments && ch == c(b'#') {
                loop {
                    self.position += 1;
                    ch = self.cur();
                    if ch == c(b'\n') || ch == c(b'\r') || ch == 0 || ch == NAN {
                        break;
                    }
                }
            }
            if !is_eol(ch) {
                break;
            }
            // Cannot fail: the current character is a line break.
            let _ = self.read_line_break();
            ch = self.cur();
            line_breaks += 1;
            self.line_indent = 0;
            while ch == c(b' ') {
                self.line_indent += 1;
                self.position += 1;
                ch = self.cur();
            }
        }
        line_breaks
    }

    /// `testDocumentSeparator`: `---` or `...` followed by a blank, a line break or the end.
    fn test_document_separator(&self) -> bool {
        let p = self.position;
        let ch = self.ch(p);
        if (ch == c(b'-') || ch == c(b'.')) && ch == self.ch(p + 1) && ch == self.ch(p + 2) {
            let next = self.ch(p + 3);
            return next == 0 || is_ws_or_eol(next);
        }
        false
    }

    /// `storeAnchor`, recording the previous value inside a transaction.
    fn store_anchor(&mut self, name: JsStr, value: JsValue) {
        if let Some(transaction) = self.transactions.last_mut()
            && !transaction.contains_key(&name)
        {
            transaction.insert(name.clone(), self.anchor_map.get(&name).cloned());
        }
        self.anchor_map.insert(name, value);
    }

    fn begin_anchor_transaction(&mut self) {
        self.transactions.push(HashMap::new());
    }

    fn commit_anchor_transaction(&mut self) {
        let Some(transaction) = self.transactions.pop() else {
            return;
        };
        if let Some(parent) = self.transactions.last_mut() {
            for (name, previous) in transaction {
                parent.entry(name).or_insert(previous);
            }
        }
    }

    fn rollback_anchor_transaction(&mut self) {
        let Some(transaction) = self.transactions.pop() else {
            return;
        };
        for (name, previous) in transaction {
            match previous {
                Some(value) => {
                    self.anchor_map.insert(name, value);
                }
                None => {
                    self.anchor_map.remove(&name);
                }
            }
        }
    }
}

/// `yaml.load`: the single document of `text` and where it starts; `None` for a stream without
/// documents (`undefined`).
///
/// The values are shared JavaScript values, torn down when `with` returns; `with` builds what
/// outlives them.
pub(super) fn load<T>(text: &str, with: impl FnOnce(Option<(&JsValue, Pos)>) -> Result<T, Fail>) -> Result<T, Fail> {
    let state = document::load_documents(text)?;
    match state.documents.as_slice() {
        [] => with(None),
        [(value, pos)] => with(Some((value, *pos))),
        _ => Err(Fail {
            kind: ErrorKind::Syntax,
            reason: "expected a single document in the stream, but found more".into(),
            mark: None,
            snippet: None,
        }),
    }
}

#[cfg(test)]
mod tests;
