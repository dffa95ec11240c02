//! Builds the metadata tree from parser events with js-yaml 4's rules.
//!
//! The events come from serde-saphyr's own YAML parser (`granit-parser`, re-exported by
//! serde-saphyr), after serde-saphyr's budget has bounded the input (see [`super::read`]). This
//! module adds what js-yaml does and no Rust crate does: its tag set and messages, merge keys,
//! duplicate-key detection on JavaScript's string keys, and JavaScript's key conversion.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::error::{Error, ErrorKind};
use super::resolve;
use super::value::{Entry, Node, Pos, Value, js_number_to_string};

/// Most nodes a document may expand to, counting every copy an alias makes. js-yaml shares
/// aliased objects; we copy them, so this bounds the copy (an alias bomb is refused here).
const MAX_EXPANDED_NODES: usize = 1_000_000;

const CORE: &str = "tag:yaml.org,2002:";

/// Composes the single document of `text`. `Ok(None)` is an empty stream (js-yaml's `undefined`).
pub fn compose(text: &str) -> Result<Option<Node>, Error> {
    let mut c = Composer {
        parser: Parser::new_from_str(text),
        text,
        anchors: HashMap::new(),
        expanded: 0,
    };
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

struct Composer<'a> {
    text: &'a str,
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    expanded: usize,
}

/// What kind of collection a tag was put on.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Sequence,
    Mapping,
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

/// The tag as js-yaml prints it inside `!<...>`.
fn tag_name(tag: &Tag) -> String {
    format!("{}{}", tag.handle(), tag.suffix())
}

/// The suffix of a core-schema tag (`str` of `!!str` or `!<tag:yaml.org,2002:str>`).
fn core_suffix(tag: &Tag) -> Option<String> {
    tag_name(tag).strip_prefix(CORE).map(str::to_owned)
}

/// The non-specific tag `!`, which makes a scalar a string.
fn is_non_specific(tag: &Tag) -> bool {
    tag_name(tag) == "!"
}

impl<'a> Composer<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), Error> {
        match self.parser.next_event() {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(e)) => Err(Error::from_scan(&e, self.text)),
            None => Err(Error::new(ErrorKind::Syntax, "unexpected end of the stream", None)),
        }
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
                let value = collection(Value::Seq(items), Kind::Sequence, tag.as_deref(), &end)?;
                (Node { value, pos: at }, anchor, end)
            }
            Event::MappingStart(_, anchor, tag) => {
                let (entries, end) = self.mapping()?;
                let value = collection(Value::Map(entries), Kind::Mapping, tag.as_deref(), &end)?;
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
                let sources: Vec<&Node> = match &value.value {
                    Value::Map(_) => vec![&value],
                    Value::Seq(items) if items.iter().all(|n| matches!(n.value, Value::Map(_))) => {
                        items.iter().collect()
                    }
                    _ => {
                        return Err(Error::new(
                            ErrorKind::Syntax,
                            "cannot merge mappings; the provided source object is unacceptable",
                            Some(end_pos(&value_span)),
                        ));
                    }
                };
                for source in sources {
                    if let Value::Map(src) = &source.value {
                        for e in src {
                            if !index.contains_key(&e.key) {
                                index.insert(e.key.clone(), entries.len());
                                overridable.insert(e.key.clone());
                                entries.push(e.clone());
                            }
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

fn unknown_tag(tag: &Tag, at: Pos) -> Error {
    Error::new(ErrorKind::Syntax, format!("unknown tag !<{}>", tag_name(tag)), Some(at))
}

fn cannot_resolve(tag: &Tag, at: Pos) -> Error {
    Error::new(
        ErrorKind::Syntax,
        format!("cannot resolve a node with !<{}> explicit tag", tag_name(tag)),
        Some(at),
    )
}

/// Resolves a scalar: implicit types for plain untagged scalars, the explicit tag otherwise.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>, end: Pos) -> Result<Value, Error> {
    let Some(tag) = tag else {
        return Ok(if style == ScalarStyle::Plain {
            resolve::plain(text)
        } else {
            Value::String(text.to_string())
        });
    };
    // The non-specific tag `!` forces a string.
    if is_non_specific(tag) {
        return Ok(Value::String(text.to_string()));
    }
    let Some(suffix) = core_suffix(tag) else {
        return Err(unknown_tag(tag, end));
    };
    let value = match suffix.as_str() {
        "str" => Some(Value::String(text.to_string())),
        "null" => (!text.is_empty() && resolve::is_null(text)).then_some(Value::Null),
        "bool" => resolve::bool_value(text).map(Value::Bool),
        "int" => resolve::int_value(text).map(Value::Number),
        "float" => resolve::float_value(text).map(Value::Number),
        "timestamp" => resolve::timestamp(text).map(Value::Timestamp),
        "merge" => (text == "<<").then(|| Value::String(text.to_string())),
        "binary" => base64(text).map(Value::Bytes),
        // js-yaml looks tags up per node kind: a collection tag on a scalar is "unknown".
        _ => return Err(unknown_tag(tag, end)),
    };
    value.ok_or_else(|| cannot_resolve(tag, end))
}

/// Applies an explicit tag to a finished sequence or mapping.
fn collection(value: Value, kind: Kind, tag: Option<&Tag>, end: &Span) -> Result<Value, Error> {
    let Some(tag) = tag else { return Ok(value) };
    let at = end_pos(end);
    if is_non_specific(tag) {
        return Ok(value);
    }
    let Some(suffix) = core_suffix(tag) else {
        return Err(unknown_tag(tag, at));
    };
    let want = match suffix.as_str() {
        "seq" | "omap" | "pairs" => Kind::Sequence,
        "map" | "set" => Kind::Mapping,
        _ => return Err(unknown_tag(tag, at)),
    };
    // js-yaml looks tags up per node kind: a tag of the other kind is "unknown".
    if want != kind {
        return Err(unknown_tag(tag, at));
    }
    match (suffix.as_str(), value) {
        ("omap", Value::Seq(items)) => {
            let mut seen = std::collections::HashSet::new();
            let ok = items.iter().all(|n| match &n.value {
                Value::Map(e) => e.len() == 1 && seen.insert(e[0].key.clone()),
                _ => false,
            });
            if ok {
                Ok(Value::Seq(items))
            } else {
                Err(cannot_resolve(tag, at))
            }
        }
        ("pairs", Value::Seq(items)) => {
            let mut pairs = Vec::with_capacity(items.len());
            for n in items {
                match n.value {
                    Value::Map(mut e) if e.len() == 1 => {
                        let entry = e.remove(0);
                        let key = Node {
                            value: Value::String(entry.key),
                            pos: entry.key_pos,
                        };
                        pairs.push(Node {
                            value: Value::Seq(vec![key, entry.value]),
                            pos: n.pos,
                        });
                    }
                    _ => return Err(cannot_resolve(tag, at)),
                }
            }
            Ok(Value::Seq(pairs))
        }
        ("set", Value::Map(entries)) => {
            if entries.iter().all(|e| e.value.value == Value::Null) {
                Ok(Value::Map(entries))
            } else {
                Err(cannot_resolve(tag, at))
            }
        }
        (_, value) => Ok(value),
    }
}

/// `!!binary`: base64 with line breaks and spaces ignored, as js-yaml reads it.
fn base64(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::new();
    let mut padding = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        let v = ALPHABET.iter().position(|a| *a == c)?;
        bits = (bits << 6) | v as u32;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    (padding <= 2).then_some(out)
}
