//! The metadata tree as the Hub's parser (js-yaml 4) builds it, with positions kept.
//!
//! Every node remembers where it starts in the card, so a policy finding can show the pusher the
//! offending line. The shapes are JavaScript's: numbers are `f64`, mapping keys are strings, and
//! the key order of a mapping is the order in which keys were first inserted. Strings are
//! JavaScript's too ([`JsString`]): a `"\ud800"` escape makes a lone surrogate, which a Rust
//! `String` cannot hold, so the exact UTF-16 is kept beside the text callers read.

use std::fmt;
use std::ops::Deref;

use serde_json::Map;

/// A JavaScript string as js-yaml produced it.
///
/// Callers read it as `&str` (through `Deref`); a lone surrogate, which only a `\u` or `\U`
/// escape in a double-quoted scalar can make, reads there as U+FFFD. The exact UTF-16 is kept
/// only for such strings, so that the JSON printed for a card is the JSON `JSON.stringify` prints
/// (`"\ud800"`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsString {
    text: String,
    lone: Option<Box<[u16]>>,
}

impl JsString {
    /// The string of UTF-16 code units `units`.
    pub fn from_utf16(units: &[u16]) -> Self {
        match String::from_utf16(units) {
            Ok(text) => JsString { text, lone: None },
            Err(_) => JsString {
                text: String::from_utf16_lossy(units),
                lone: Some(units.into()),
            },
        }
    }

    /// The text, with any lone surrogate replaced by U+FFFD.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The exact UTF-16 code units when the string holds a lone surrogate.
    pub fn lone_surrogates(&self) -> Option<&[u16]> {
        self.lone.as_deref()
    }
}

impl Deref for JsString {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<&str> for JsString {
    fn from(text: &str) -> Self {
        JsString {
            text: text.to_owned(),
            lone: None,
        }
    }
}

impl From<String> for JsString {
    fn from(text: String) -> Self {
        JsString { text, lone: None }
    }
}

impl PartialEq<str> for JsString {
    fn eq(&self, other: &str) -> bool {
        self.lone.is_none() && self.text == other
    }
}

impl PartialEq<&str> for JsString {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

/// A position in the YAML block: 1-based line and column, as js-yaml prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line, counted inside the front-matter block.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// One node of the metadata tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where the node starts in the YAML block.
    pub pos: Pos,
}

/// The value of a node, as JavaScript would hold it after `js-yaml.load`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~`, an empty value.
    Null,
    /// `true` / `false` (YAML 1.2 spellings only).
    Bool(bool),
    /// Every number is a double in JavaScript; integers too.
    Number(f64),
    /// A string, including every quoted or block scalar.
    String(JsString),
    /// A timestamp, kept as the ISO-8601 text `Date.toJSON` would print.
    Timestamp(String),
    /// `!!binary`: js-yaml gives a `Uint8Array`.
    Bytes(Vec<u8>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping; keys are unique and in insertion order.
    Map(Vec<Entry>),
}

/// One key of a mapping with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as JavaScript's `String(key)` gives it.
    pub key: JsString,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == *key).map(|e| &e.value),
            _ => None,
        }
    }

    /// The entry (with the key's position) under `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == *key),
            _ => None,
        }
    }

    /// The string when this node is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The items when this node is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The JSON that `JSON.stringify` would print for this node.
    pub fn to_json(&self) -> serde_json::Value {
        self.value.to_json()
    }
}

impl Value {
    /// Whether JavaScript holds this value as an object that is not an array: a mapping, a
    /// timestamp (`Date`) or `!!binary` (`Uint8Array`). The Hub takes such a front matter as
    /// metadata (`typeof v === 'object'`), and refuses any other.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Map(_) | Value::Timestamp(_) | Value::Bytes(_))
    }

    /// The JSON that `JSON.stringify` would print for this value.
    ///
    /// JavaScript objects list integer-like keys first, in ascending order, then the other keys
    /// in insertion order; non-finite numbers become `null`; a `Uint8Array` becomes an object
    /// keyed by index.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => J::String(s.as_str().to_owned()),
            Value::Timestamp(s) => J::String(s.clone()),
            Value::Bytes(bytes) => J::Object(
                bytes
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (i.to_string(), J::from(*b)))
                    .collect(),
            ),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut indexed: Vec<(u32, &Entry)> = entries
                    .iter()
                    .filter_map(|e| array_index(&e.key).map(|i| (i, e)))
                    .collect();
                indexed.sort_by_key(|(i, _)| *i);
                let mut map = Map::new();
                for (_, e) in &indexed {
                    map.insert(e.key.as_str().to_owned(), e.value.to_json());
                }
                for e in entries.iter().filter(|e| array_index(&e.key).is_none()) {
                    map.insert(e.key.as_str().to_owned(), e.value.to_json());
                }
                J::Object(map)
            }
        }
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Timestamp(_) => "date",
            Value::Bytes(_) => "binary",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }
}

/// `JSON.stringify` of a double: integers without a fraction, non-finite as `null`.
fn number_to_json(n: f64) -> serde_json::Value {
    const MAX_SAFE: f64 = 9_007_199_254_740_992.0;
    if !n.is_finite() {
        serde_json::Value::Null
    } else if n.fract() == 0.0 && n.abs() < MAX_SAFE {
        // Exact: the value is an integer well inside i64's range. `-0` prints as `0`.
        serde_json::Value::from(n as i64)
    } else if let Some(big) = js_big_integer(n) {
        big
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// An integral double of 2^53 or more (below 1e21) as JavaScript prints it: its shortest
/// round-trip digits, then zeros (`12345678901234567890` -> `12345678901234567000`).
fn js_big_integer(n: f64) -> Option<serde_json::Value> {
    if n.fract() != 0.0 || n.abs() >= 1e21 {
        return None;
    }
    // Positional below 1e21, with the digits JavaScript picks (the even one on a tie).
    let text = super::json::number_to_string(n.abs());
    let magnitude: u64 = text.parse().ok()?;
    if n < 0.0 {
        i64::try_from(magnitude).ok().map(|m| serde_json::Value::from(-m))
    } else {
        Some(serde_json::Value::from(magnitude))
    }
}

/// A canonical array index (`"0"`, `"17"`, not `"01"`), which JavaScript orders first.
pub(super) fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<u32>().ok().filter(|i| *i < u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_like_keys_come_first_as_in_javascript() {
        let p = Pos::default();
        let entry = |k: &str| Entry {
            key: k.into(),
            key_pos: p,
            value: Node {
                value: Value::Null,
                pos: p,
            },
        };
        let v = Value::Map(vec![entry("b"), entry("2"), entry("a"), entry("01"), entry("1")]);
        let keys: Vec<String> = v.to_json().as_object().expect("a map").keys().cloned().collect();
        assert_eq!(keys, ["1", "2", "b", "a", "01"]);
    }

    #[test]
    fn numbers_print_as_json_stringify_does() {
        assert_eq!(number_to_json(777.0).to_string(), "777");
        assert_eq!(number_to_json(3.1).to_string(), "3.1");
        assert_eq!(number_to_json(-0.0).to_string(), "0");
        assert_eq!(number_to_json(f64::INFINITY), serde_json::Value::Null);
        assert_eq!(
            number_to_json(12_345_678_901_234_567_890.0).to_string(),
            "12345678901234567000"
        );
        assert_eq!(super::super::json::number_to_string(1.0), "1");
        assert_eq!(super::super::json::number_to_string(3.1), "3.1");
        assert_eq!(super::super::json::number_to_string(1e21), "1e+21");
    }
}
