//! The JavaScript values js-yaml builds, as far as the loader can observe them.
//!
//! js-yaml shares objects: an alias is the very object its anchor names, an anchor is stored
//! before its collection is filled (so an alias inside it makes a cycle), and a merge copies
//! references. The loader works on these shared values ([`JsValue`]); the tree the rest of
//! hubgate reads is built from them once the document is loaded (`super::tree`).

pub(super) mod date;
pub(super) mod number;
pub(super) mod uri;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::value::Pos;

/// A JavaScript string: UTF-16 code units, cheap to share.
pub(super) type JsStr = Rc<[u16]>;

/// An array, shared by reference.
pub(super) type ArrayRef = Rc<RefCell<JsArray>>;

/// A plain object, shared by reference.
pub(super) type ObjectRef = Rc<RefCell<JsObject>>;

/// A value as js-yaml's loader holds it.
#[derive(Clone)]
pub(super) enum JsValue {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Str(JsStr),
    /// A `Date`, by its time value (milliseconds since the epoch).
    Date(f64),
    /// A `Uint8Array` (`!!binary`).
    Bytes(Rc<[u8]>),
    /// An array.
    Array(ArrayRef),
    /// A plain object.
    Object(ObjectRef),
}

/// An array element and where its node starts.
#[derive(Clone)]
pub(super) struct Slot {
    /// The element.
    pub value: JsValue,
    /// Where its node starts.
    pub pos: Pos,
}

/// A property of a plain object, with where its key and its value start.
#[derive(Clone)]
pub(super) struct Prop {
    /// The key (`String(key)`).
    pub key: JsStr,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: JsValue,
    /// Where the value starts.
    pub pos: Pos,
}

/// An array's elements (a `Vec`, with a drop that does not recurse).
#[derive(Default)]
pub(super) struct JsArray(Vec<Slot>);

impl std::ops::Deref for JsArray {
    type Target = Vec<Slot>;

    fn deref(&self) -> &Vec<Slot> {
        &self.0
    }
}

impl std::ops::DerefMut for JsArray {
    fn deref_mut(&mut self) -> &mut Vec<Slot> {
        &mut self.0
    }
}

impl Drop for JsArray {
    fn drop(&mut self) {
        drop_values(self.0.drain(..).map(|slot| slot.value).collect());
    }
}

impl Drop for JsObject {
    fn drop(&mut self) {
        self.index.clear();
        drop_values(self.props.drain(..).map(|prop| prop.value).collect());
    }
}

/// Drops values with a loop instead of recursion: an array or object owned by nothing else is
/// emptied onto the list first, so a chain of aliases deeper than the stack drops safely.
fn drop_values(mut stack: Vec<JsValue>) {
    while let Some(value) = stack.pop() {
        match value {
            JsValue::Array(items) => {
                if let Ok(cell) = Rc::try_unwrap(items) {
                    let mut items = cell.into_inner();
                    stack.extend(items.0.drain(..).map(|slot| slot.value));
                }
            }
            JsValue::Object(map) => {
                if let Ok(cell) = Rc::try_unwrap(map) {
                    let mut map = cell.into_inner();
                    map.index.clear();
                    stack.extend(map.props.drain(..).map(|prop| prop.value));
                }
            }
            _ => {}
        }
    }
}

/// A plain object: own properties in insertion order, found by key in constant time.
#[derive(Default)]
pub(super) struct JsObject {
    props: Vec<Prop>,
    index: HashMap<JsStr, usize>,
}

impl JsObject {
    /// Whether the object has an own property `key`.
    pub fn has_own(&self, key: &[u16]) -> bool {
        self.index.contains_key(key)
    }

    /// `object[key] = value`: a new key goes last, an existing one keeps its place.
    pub fn set(&mut self, prop: Prop) {
        match self.index.get(&prop.key) {
            Some(&i) => self.props[i] = prop,
            None => {
                self.index.insert(prop.key.clone(), self.props.len());
                self.props.push(prop);
            }
        }
    }

    /// Takes the properties out, leaving the object empty.
    pub fn take_props(&mut self) -> Vec<Prop> {
        self.index.clear();
        std::mem::take(&mut self.props)
    }

    /// The properties in insertion order.
    pub fn props(&self) -> &[Prop] {
        &self.props
    }

    /// The properties in `Object.keys` order: array indexes ascending, then the others in
    /// insertion order.
    pub fn props_in_key_order(&self) -> Vec<Prop> {
        let mut indexed: Vec<(u32, usize)> = self
            .props
            .iter()
            .enumerate()
            .filter_map(|(i, p)| array_index(&p.key).map(|n| (n, i)))
            .collect();
        indexed.sort_unstable();
        let mut out: Vec<Prop> = indexed.iter().map(|(_, i)| self.props[*i].clone()).collect();
        out.extend(self.props.iter().filter(|p| array_index(&p.key).is_none()).cloned());
        out
    }
}

/// The array index a key names (`"0"` to `"4294967294"`, no leading zeros), which JavaScript
/// orders before the other keys of an object.
pub(super) fn array_index(key: &[u16]) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key[0] == u16::from(b'0')) {
        return None;
    }
    let mut n: u64 = 0;
    for &c in key {
        if !(u16::from(b'0')..=u16::from(b'9')).contains(&c) {
            return None;
        }
        n = n * 10 + u64::from(c - u16::from(b'0'));
    }
    u32::try_from(n).ok().filter(|n| *n < u32::MAX)
}

impl JsValue {
    /// A new empty array.
    pub fn new_array() -> ArrayRef {
        Rc::new(RefCell::new(JsArray::default()))
    }

    /// A new empty object.
    pub fn new_object() -> ObjectRef {
        Rc::new(RefCell::new(JsObject::default()))
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, JsValue::Null)
    }

    /// A string value from UTF-16 code units.
    pub fn str(units: Vec<u16>) -> JsValue {
        JsValue::Str(units.into())
    }
}

/// Empties every array and object reachable from `roots`, so that a value that contains itself
/// (which reference counting alone never frees) does not outlive loading.
pub(super) fn tear_down(roots: impl IntoIterator<Item = JsValue>) {
    let mut stack: Vec<JsValue> = roots.into_iter().collect();
    while let Some(value) = stack.pop() {
        match value {
            JsValue::Array(items) => {
                if let Ok(mut items) = items.try_borrow_mut() {
                    stack.extend(items.drain(..).map(|slot| slot.value));
                }
            }
            JsValue::Object(map) => {
                if let Ok(mut map) = map.try_borrow_mut() {
                    stack.extend(map.take_props().into_iter().map(|prop| prop.value));
                }
            }
            _ => {}
        }
    }
}

/// UTF-16 code units of an ASCII or Unicode text.
pub(super) fn units(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

/// `String(value)` for a value that is not an array or a plain object holding arrays: what
/// `Array.prototype.join` gives each element, and what a scalar key becomes.
pub(super) fn to_string(value: &JsValue) -> Vec<u16> {
    match value {
        JsValue::Null => units("null"),
        JsValue::Bool(b) => units(if *b { "true" } else { "false" }),
        JsValue::Number(n) => units(&super::json::number_to_string(*n)),
        JsValue::Str(s) => s.to_vec(),
        JsValue::Date(t) => units(&date::to_string(*t)),
        JsValue::Bytes(bytes) => units(&bytes.iter().map(u8::to_string).collect::<Vec<_>>().join(",")),
        JsValue::Array(items) => {
            let mut out = Vec::new();
            for (i, slot) in items.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(u16::from(b','));
                }
                match &slot.value {
                    JsValue::Null => {}
                    // A nested array would be joined in turn; js-yaml refuses those keys
                    // before converting, and a cycle must not recurse.
                    JsValue::Array(_) => {}
                    other => out.extend(to_string(other)),
                }
            }
            out
        }
        JsValue::Object(_) => units("[object Object]"),
    }
}
