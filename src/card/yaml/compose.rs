//! Builds the metadata tree from parser events with js-yaml 4's rules.
//!
//! The events come from serde-saphyr's own YAML parser (`granit-parser`, re-exported by
//! serde-saphyr), after serde-saphyr's budget has bounded the input (see [`super::read`]). This
//! module adds what js-yaml does and no Rust crate does: its tag set and messages, merge keys,
//! duplicate-key detection on JavaScript's string keys, and JavaScript's key conversion.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

use super::error::{Error, ErrorKind};
use super::tags::{Kind, collection, core_suffix, scalar};
use super::value::{Entry, Node, Pos, Value, js_number_to_string};

/// Most nodes a document may expand to, counting every copy an alias makes. js-yaml shares
/// aliased objects; we copy them, so this bounds the copy (an alias bomb is refused here).
const MAX_EXPANDED_NODES: usize = 1_000_000;

/// Composes the single document of `text`. `Ok(None)` is an empty stream (js-yaml's `undefined`).
///
/// Errors come in the order js-yaml meets them: a duplicate key or a tab-indented line before a
/// syntax error is what is reported.
/// One composition; the second value names a line whose leading tabs js-yaml would accept
/// (inside a flow collection or a quoted scalar) but the parser refused, for [`super::read`] to
/// replace by spaces and try again (columns and values are unchanged by that).
pub fn compose_once(text: &str) -> (Result<Option<Node>, Error>, Option<usize>) {
    let mut c = Composer {
        parser: Parser::new_from_str(text),
        text,
        anchors: HashMap::new(),
        expanded: 0,
        exempt: Vec::new(),
        open: Vec::new(),
        open_maps: Vec::new(),
        last_end: 0,
        retry: None,
    };
    let result = c.document();
    if c.retry.is_some() {
        return (result, c.retry);
    }
    let limit = match &result {
        Ok(_) => None,
        Err(e) => Some(e.pos.unwrap_or(Pos {
            line: usize::MAX,
            col: usize::MAX,
        })),
    };
    let result = match super::tabs::first_violation(text, &c.exempt, limit) {
        Some(pos) => Err(Error::new(
            ErrorKind::Syntax,
            "tab characters must not be used in indentation",
            Some(pos),
        )),
        None => result,
    };
    (result, None)
}

impl Composer<'_> {
    fn document(&mut self) -> Result<Option<Node>, Error> {
        let c = self;
        let mut doc: Option<Node> = None;
        let mut documents = 0;
        loop {
            let (event, span) = c.next()?;
            match event {
                Event::StreamEnd => return Ok(doc),
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(Error::new(
                            ErrorKind::Syntax,
                            "expected a single document in the stream, but found more",
                            None,
                        ));
                    }
                    c.anchors.clear();
                }
                other if other.is_node() => doc = Some(c.node(other, span)?),
                _ => {}
            }
        }
    }
}

struct Composer<'a> {
    text: &'a str,
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    expanded: usize,
    /// Line ranges where tabs in indentation are content (quoted, block scalars, flow).
    exempt: Vec<(usize, usize)>,
    /// The open collections: whether each is a flow collection, and its first line.
    open: Vec<(bool, usize)>,
    /// Whether each open collection is a mapping (parallel to `open`).
    open_maps: Vec<bool>,
    /// Where the last event ended (a character index).
    last_end: usize,
    /// A line to retry with its leading tabs as spaces (see [`compose_once`]).
    retry: Option<usize>,
}

fn pos(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        col: span.start.col() + 1,
    }
}

fn end_pos(span: &Span) -> Pos {
    Pos {
        line: span.end.line(),
        col: span.end.col() + 1,
    }
}

impl<'a> Composer<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), Error> {
        match self.parser.next_event() {
            Some(Ok(pair)) => {
                let (ev, span) = &pair;
                self.last_end = span.end.index();
                match ev {
                    Event::Scalar(_, style, ..)
                        if *style != ScalarStyle::Plain && span.end.line() > span.start.line() =>
                    {
                        self.exempt.push((span.start.line() + 1, span.end.line()));
                    }
                    Event::SequenceStart(style, ..) | Event::MappingStart(style, ..) => {
                        self.open_maps.push(matches!(ev, Event::MappingStart(..)));
                        self.open.push((
                            *style == serde_saphyr::granit_parser::StructureStyle::Flow,
                            span.start.line(),
                        ));
                    }
                    Event::SequenceEnd | Event::MappingEnd => {
                        self.open_maps.pop();
                        if let Some((true, first)) = self.open.pop()
                            && span.end.line() > first
                        {
                            self.exempt.push((first + 1, span.end.line()));
                        }
                    }
                    _ => {}
                }
                Ok(pair)
            }
            Some(Err(e)) => {
                let err = Error::from_scan(&e, self.text);
                if err.reason == "tab characters must not be used in indentation"
                    && (self.open.last().is_some_and(|(flow, _)| *flow) || self.quote_open(e.marker().index()))
                {
                    self.retry = err.pos.map(|p| p.line);
                }
                Err(self.in_context(err))
            }
            None => Err(Error::new(ErrorKind::Syntax, "unexpected end of the stream", None)),
        }
    }

    /// Whether a quoted scalar opened after the last event and is still open at `upto` (character
    /// indexes): its continuation lines may start with tabs in js-yaml.
    fn quote_open(&self, upto: usize) -> bool {
        let between: String = self
            .text
            .chars()
            .skip(self.last_end)
            .take(upto.saturating_sub(self.last_end))
            .collect();
        let trimmed = between.trim_start_matches([' ', '\t', ':', '-', '?', ',', '[', '{', '\n', '\r']);
        let mut chars = trimmed.chars();
        match chars.next() {
            // Open unless a closing quote follows ('' is an escaped quote in single quotes).
            Some('\'') => {
                let rest: String = chars.collect();
                !rest.replace("''", "").contains('\'')
            }
            Some('"') => {
                let mut escaped = false;
                for c in chars {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => return false,
                        _ => escaped = false,
                    }
                }
                true
            }
            _ => false,
        }
    }

    /// js-yaml words the structural errors of block context by where they happen: inside a block
    /// mapping or sequence it reports "bad indentation" of an entry, at the top level that the
    /// document should have ended. The parser's own wording names the token instead.
    fn in_context(&self, mut e: Error) -> Error {
        const STRUCTURAL: &[&str] = &[
            "mapping values are not allowed in this context",
            "block sequence entries are not allowed in this context",
            "unexpected character",
            "did not find expected <document start>",
            "while parsing a block mapping, did not find expected key",
            "invalid trailing content after",
            "misplaced bracket",
        ];
        if e.reason.contains("found a tab") {
            if let Some(pos) = super::tabs::first_violation(self.text, &self.exempt, None) {
                return Error::new(
                    ErrorKind::Syntax,
                    "tab characters must not be used in indentation",
                    Some(pos),
                );
            }
            return e;
        }
        if !STRUCTURAL.iter().any(|s| e.reason.starts_with(s)) || self.open.last().is_some_and(|(flow, _)| *flow) {
            return e;
        }
        e.reason = match self.open_maps.last() {
            Some(true) => "bad indentation of a mapping entry",
            Some(false) => "bad indentation of a sequence entry",
            None => "end of the stream or a document separator is expected",
        }
        .to_owned();
        e
    }

    fn count(&mut self, n: usize, at: Pos) -> Result<(), Error> {
        self.expanded += n;
        if self.expanded > MAX_EXPANDED_NODES {
            return Err(Error::new(
                ErrorKind::Budget,
                format!("the metadata expands to more than {MAX_EXPANDED_NODES} nodes (alias bomb?)"),
                Some(at),
            ));
        }
        Ok(())
    }

    /// Builds the node that starts with `event`; returns it with the span of its last event.
    fn node(&mut self, event: Event<'a>, span: Span) -> Result<Node, Error> {
        Ok(self.node_spanned(event, span)?.0)
    }

    fn node_spanned(&mut self, event: Event<'a>, span: Span) -> Result<(Node, Span), Error> {
        let at = pos(&span);
        self.count(1, at)?;
        let (node, anchor, last) = match event {
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| Error::new(ErrorKind::Syntax, "unidentified alias", Some(at)))?;
                self.count(size(&node), at)?;
                return Ok((
                    Node {
                        value: node.value,
                        pos: at,
                    },
                    span,
                ));
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(&text, style, tag.as_deref(), end_pos(&span))?;
                (Node { value, pos: at }, anchor, span)
            }
            Event::SequenceStart(_, anchor, tag) => {
                let mut items = Vec::new();
                let end = loop {
                    let (ev, sp) = self.next()?;
                    match ev {
                        Event::SequenceEnd => break sp,
                        other if other.is_node() => items.push(self.node(other, sp)?),
                        _ => {}
                    }
                };
                let value = collection(Value::Seq(items), Kind::Sequence, tag.as_deref(), end_pos(&end))?;
                (Node { value, pos: at }, anchor, end)
            }
            Event::MappingStart(_, anchor, tag) => {
                let (entries, end) = self.mapping()?;
                let value = collection(Value::Map(entries), Kind::Mapping, tag.as_deref(), end_pos(&end))?;
                (Node { value, pos: at }, anchor, end)
            }
            _ => {
                return Err(Error::new(
                    ErrorKind::Syntax,
                    "unexpected event in the YAML stream",
                    Some(at),
                ));
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok((node, last))
    }

    /// Reads mapping entries up to `MappingEnd`, applying merge keys and refusing duplicates.
    fn mapping(&mut self) -> Result<(Vec<Entry>, Span), Error> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        // Keys that came from a merge may be overridden once without a duplicate error.
        let mut overridable: std::collections::HashSet<String> = std::collections::HashSet::new();
        loop {
            let (ev, sp) = self.next()?;
            let is_merge = match &ev {
                Event::MappingEnd => return Ok((entries, sp)),
                ev if !ev.is_node() => continue,
                Event::Scalar(text, ScalarStyle::Plain, _, tag) => {
                    text == "<<"
                        && tag
                            .as_deref()
                            .is_none_or(|t| core_suffix(t).as_deref() == Some("merge"))
                }
                _ => false,
            };
            let key_pos = pos(&sp);
            let key = self.node(ev, sp)?;
            let (ev, sp) = self.next_node_event()?;
            let (value, value_span) = self.node_spanned(ev, sp)?;
            if is_merge {
                // js-yaml merges any JavaScript object: a mapping, or each item of a sequence
                // that is one (a mapping, a date, a byte array, a nested array).
                let sources: Vec<&Node> = match &value.value {
                    Value::Seq(items) => items.iter().collect(),
                    _ => vec![&value],
                };
                for source in sources {
                    let Some(merged) = object_entries(source) else {
                        return Err(Error::new(
                            ErrorKind::Syntax,
                            "cannot merge mappings; the provided source object is unacceptable",
                            Some(end_pos(&value_span)),
                        ));
                    };
                    for e in merged {
                        if !index.contains_key(&e.key) {
                            index.insert(e.key.clone(), entries.len());
                            overridable.insert(e.key.clone());
                            entries.push(e);
                        }
                    }
                }
                continue;
            }
            let key_text = key_string(&key.value);
            match index.get(&key_text) {
                Some(&i) if overridable.remove(&key_text) => {
                    entries[i].value = value;
                }
                Some(_) => {
                    return Err(Error::new(ErrorKind::Syntax, "duplicated mapping key", Some(key_pos)));
                }
                None => {
                    index.insert(key_text.clone(), entries.len());
                    entries.push(Entry {
                        key: key_text,
                        key_pos,
                        value,
                    });
                }
            }
        }
    }

    fn next_node_event(&mut self) -> Result<(Event<'a>, Span), Error> {
        loop {
            let (ev, sp) = self.next()?;
            if ev.is_node() {
                return Ok((ev, sp));
            }
        }
    }
}

/// The own enumerable keys of a node that is a JavaScript object (`Object.keys`), or `None` for a
/// primitive, which js-yaml refuses to merge.
fn object_entries(node: &Node) -> Option<Vec<Entry>> {
    let indexed = |values: Vec<Node>| {
        values
            .into_iter()
            .enumerate()
            .map(|(i, value)| Entry {
                key: i.to_string(),
                key_pos: node.pos,
                value,
            })
            .collect()
    };
    match &node.value {
        Value::Map(entries) => Some(entries.clone()),
        Value::Timestamp(_) => Some(Vec::new()),
        Value::Seq(items) => Some(indexed(items.clone())),
        Value::Bytes(bytes) => Some(indexed(
            bytes
                .iter()
                .map(|b| Node {
                    value: Value::Number(f64::from(*b)),
                    pos: node.pos,
                })
                .collect(),
        )),
        _ => None,
    }
}

/// The number of nodes in a tree, to charge an alias for the copy it makes.
fn size(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|e| size(&e.value)).sum::<usize>(),
        _ => 1,
    }
}

/// `String(key)` in JavaScript, as js-yaml uses it for mapping keys.
fn key_string(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => js_number_to_string(*n),
        Value::String(s) | Value::Timestamp(s) => s.clone(),
        Value::Bytes(bytes) => bytes.iter().map(u8::to_string).collect::<Vec<_>>().join(","),
        Value::Seq(items) => items
            .iter()
            .map(|n| match &n.value {
                Value::Map(_) => "[object Object]".to_owned(),
                Value::Null => String::new(),
                other => key_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Map(_) => "[object Object]".into(),
    }
}
