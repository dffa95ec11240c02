//! Explicit tags, as js-yaml's default schema knows them: `!!str`, `!!int`, `!!float`, `!!bool`,
//! `!!null`, `!!timestamp`, `!!binary`, `!!merge`, `!!seq`, `!!map`, `!!omap`, `!!pairs`, `!!set`,
//! and the non-specific `!`. Any other tag is "unknown", as `!!python/tuple` is on the Hub.

use serde_saphyr::granit_parser::{ScalarStyle, Tag};

use super::error::{Error, ErrorKind};
use super::resolve;
use super::value::{Node, Pos, Value};

const CORE: &str = "tag:yaml.org,2002:";

/// What kind of collection a tag was put on.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    /// A sequence.
    Sequence,
    /// A mapping.
    Mapping,
}

/// The tag as js-yaml prints it inside `!<...>`.
fn tag_name(tag: &Tag) -> String {
    format!("{}{}", tag.handle(), tag.suffix())
}

/// The suffix of a core-schema tag (`str` of `!!str` or `!<tag:yaml.org,2002:str>`).
pub(super) fn core_suffix(tag: &Tag) -> Option<String> {
    tag_name(tag).strip_prefix(CORE).map(str::to_owned)
}

/// The non-specific tag `!`, which makes a scalar a string.
fn is_non_specific(tag: &Tag) -> bool {
    tag_name(tag) == "!"
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
pub(super) fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>, end: Pos) -> Result<Value, Error> {
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
pub(super) fn collection(value: Value, kind: Kind, tag: Option<&Tag>, at: Pos) -> Result<Value, Error> {
    let Some(tag) = tag else { return Ok(value) };
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
