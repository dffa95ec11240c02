//! From the loader's shared JavaScript values to the tree hubgate reads ([`Node`]).
//!
//! Where js-yaml shares an object between an anchor and its aliases, the tree holds a copy at
//! each place, as `JSON.stringify` (and so the Hub's stored metadata) spells it out. The copy is
//! bounded: past [`MAX_EXPANDED_NODES`] nodes, [`MAX_EXPANDED_UNITS`] code units of strings or
//! [`MAX_DEPTH`] levels (an alias bomb, a long string aliased many times), the card is refused
//! as too complex. A value that contains itself (`a: &x [*x]`), which `JSON.stringify` refuses
//! with a `TypeError`, is refused the way the Hub's reading reports that error.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::js::{JsValue, date};
use super::loader::Fail;
use super::value::{Entry, JsString, Node, Pos, Value};

/// The most nodes the tree may have once aliases are copied.
pub(super) const MAX_EXPANDED_NODES: usize = 1_000_000;

/// The most UTF-16 code units the tree's strings and keys may add up to once aliases are copied:
/// twice the largest card that is read at all (10 MiB).
pub(super) const MAX_EXPANDED_UNITS: usize = 20 * 1024 * 1024;

/// The deepest the tree may nest once aliases are copied (js-yaml itself stops at 100 levels
/// without aliases).
pub(super) const MAX_DEPTH: usize = 200;

/// The size of a value's tree once aliases are copied.
#[derive(Clone, Copy, Default)]
struct Size {
    nodes: usize,
    units: usize,
    depth: usize,
}

impl Size {
    fn add(self, child: Size) -> Size {
        Size {
            nodes: self.nodes.saturating_add(child.nodes),
            units: self.units.saturating_add(child.units),
            depth: self.depth.max(child.depth.saturating_add(1)),
        }
    }
}

fn identity(value: &JsValue) -> Option<*const ()> {
    match value {
        JsValue::Array(items) => Some(Rc::as_ptr(items).cast()),
        JsValue::Object(map) => Some(Rc::as_ptr(map).cast()),
        _ => None,
    }
}

/// The size of a scalar's node.
fn leaf(value: &JsValue) -> Size {
    match value {
        JsValue::Str(s) => Size {
            nodes: 1,
            units: s.len(),
            depth: 0,
        },
        JsValue::Bytes(b) => Size {
            nodes: 1 + b.len(),
            units: 0,
            depth: 1,
        },
        _ => Size {
            nodes: 1,
            units: 0,
            depth: 0,
        },
    }
}

/// Measures the tree of `root` without building it: each shared array or object once, in a
/// loop (a chain of aliases can be deeper than the stack). A value reached again while it is
/// being measured contains itself: `JSON.stringify` throws a `TypeError` there.
fn measure(root: &JsValue) -> Result<Size, Fail> {
    let mut sizes: HashMap<*const (), Size> = HashMap::new();
    let mut open: HashSet<*const ()> = HashSet::new();
    let mut stack: Vec<(JsValue, bool)> = vec![(root.clone(), false)];
    let children = |value: &JsValue| -> Vec<(JsValue, usize)> {
        match value {
            JsValue::Array(items) => items.borrow().iter().map(|s| (s.value.clone(), 0)).collect(),
            JsValue::Object(map) => map
                .borrow()
                .props()
                .iter()
                .map(|p| (p.value.clone(), p.key.len()))
                .collect(),
            _ => Vec::new(),
        }
    };
    while let Some((value, entered)) = stack.pop() {
        let Some(id) = identity(&value) else { continue };
        if sizes.contains_key(&id) {
            continue;
        }
        if !entered {
            open.insert(id);
            stack.push((value.clone(), true));
            for (child, _) in children(&value) {
                if let Some(child_id) = identity(&child) {
                    if open.contains(&child_id) {
                        return Err(Fail::type_error());
                    }
                    if !sizes.contains_key(&child_id) {
                        stack.push((child, false));
                    }
                }
            }
            continue;
        }
        let mut size = Size {
            nodes: 1,
            units: 0,
            depth: 1,
        };
        for (child, key_units) in children(&value) {
            let child_size = match identity(&child) {
                Some(child_id) => sizes.get(&child_id).copied().unwrap_or_default(),
                None => leaf(&child),
            };
            size = size.add(child_size);
            size.units = size.units.saturating_add(key_units);
        }
        open.remove(&id);
        sizes.insert(id, size);
    }
    Ok(match identity(root) {
        Some(id) => sizes.get(&id).copied().unwrap_or_default(),
        None => leaf(root),
    })
}

/// The tree of `value`, which starts at `pos`.
pub(super) fn build(value: &JsValue, pos: Pos) -> Result<Node, Fail> {
    let size = measure(value)?;
    if size.nodes > MAX_EXPANDED_NODES {
        return Err(Fail::budget(format!(
            "the metadata expands to more than {MAX_EXPANDED_NODES} nodes (alias bomb?)"
        )));
    }
    if size.units > MAX_EXPANDED_UNITS {
        return Err(Fail::budget(format!(
            "the metadata expands to more than {MAX_EXPANDED_UNITS} characters"
        )));
    }
    if size.depth > MAX_DEPTH {
        return Err(Fail::budget(format!(
            "the metadata nests more than {MAX_DEPTH} levels deep once aliases are expanded"
        )));
    }
    Ok(node(value, pos))
}

/// Copies `value` into a tree; [`measure`] has bounded its size and depth and ruled out cycles.
fn node(value: &JsValue, pos: Pos) -> Node {
    let value = match value {
        JsValue::Array(items) => Value::Seq(items.borrow().iter().map(|s| node(&s.value, s.pos)).collect()),
        JsValue::Object(map) => Value::Map(
            map.borrow()
                .props()
                .iter()
                .map(|p| Entry {
                    key: JsString::from_utf16(&p.key),
                    key_pos: p.key_pos,
                    value: node(&p.value, p.pos),
                })
                .collect(),
        ),
        // Only arrays and objects have no scalar value.
        other => scalar(other).unwrap_or(Value::Null),
    };
    Node { value, pos }
}

/// The tree value of a scalar (`None` for an array or object): also how the direct reader
/// (`super::fast`) turns a resolved plain scalar into a value.
pub(super) fn scalar(value: &JsValue) -> Option<Value> {
    Some(match value {
        JsValue::Null => Value::Null,
        JsValue::Bool(b) => Value::Bool(*b),
        JsValue::Number(n) => Value::Number(*n),
        JsValue::Str(s) => Value::String(JsString::from_utf16(s)),
        // `toJSON` of an invalid date is null; js-yaml's dates are always valid.
        JsValue::Date(t) => date::to_iso(*t).map_or(Value::Null, Value::Timestamp),
        JsValue::Bytes(bytes) => Value::Bytes(bytes.to_vec()),
        JsValue::Array(_) | JsValue::Object(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{ErrorKind, read};

    fn kind(text: &str) -> Option<ErrorKind> {
        read(text).err().map(|e| e.kind)
    }

    #[test]
    fn a_value_that_contains_itself_is_refused_as_the_hubs_reading_refuses_it() {
        for text in ["a: &x [*x]\n", "a: &x {b: *x}\n", "a: &x\n  b: [1, *x]\n"] {
            let e = read(text).err();
            assert_eq!(e.as_ref().map(|e| e.headline()).as_deref(), Some("undefined"), "{text}");
        }
        // Shared but not circular: copied at each place.
        assert!(read("a: &x [1]\nb: [*x, *x]\n").is_ok());
    }

    #[test]
    fn expansion_is_bounded_in_nodes_characters_and_depth() {
        // 10^6 copies of a one-item list.
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..6 {
            let prev = if i == 0 { "a".to_owned() } else { format!("b{}", i - 1) };
            bomb.push_str(&format!("b{i}: &b{i} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
        }
        assert_eq!(kind(&bomb), Some(ErrorKind::Budget));
        // A 1 MiB string copied 64 times.
        let long = format!("s: &s {}\nt: [{}]\n", "x".repeat(1 << 20), vec!["*s"; 64].join(", "));
        assert_eq!(kind(&long), Some(ErrorKind::Budget));
        // Chains of aliases nest deeper than the 100 levels js-yaml allows without them.
        let mut deep = format!("l0: &l0 {}{}\n", "[".repeat(90), "]".repeat(90));
        for i in 1..3 {
            deep.push_str(&format!(
                "l{i}: &l{i} {}*l{}{}\n",
                "[".repeat(90),
                i - 1,
                "]".repeat(90)
            ));
        }
        assert_eq!(kind(&deep), Some(ErrorKind::Budget));
        let shallow = format!(
            "l0: &l0 {}{}\nl1: {}*l0{}\n",
            "[".repeat(90),
            "]".repeat(90),
            "[".repeat(90),
            "]".repeat(90)
        );
        assert!(read(&shallow).is_ok());
    }

    #[test]
    fn a_chain_of_aliases_deeper_than_the_stack_is_refused_and_dropped_safely() {
        // 200 anchors, each nesting the previous one 90 levels down: 18,000 levels, also when
        // the error stops the reading half-way (the last line is not valid).
        let mut chain = format!("l0: &l0 {}{}\n", "[".repeat(90), "]".repeat(90));
        for i in 1..200 {
            chain.push_str(&format!(
                "l{i}: &l{i} {}*l{}{}\n",
                "[".repeat(90),
                i - 1,
                "]".repeat(90)
            ));
        }
        assert_eq!(kind(&chain), Some(ErrorKind::Budget));
        chain.push_str("x: [\n");
        assert_eq!(kind(&chain), Some(ErrorKind::Syntax));
        // Two anchor names used again and again: only the values hold the older ones.
        let mut redefined = format!("l0: &b {}{}\n", "[".repeat(90), "]".repeat(90));
        for i in 1..200 {
            let (this, last) = if i % 2 == 0 { ("b", "a") } else { ("a", "b") };
            redefined.push_str(&format!("l{i}: &{this} {}*{last}{}\n", "[".repeat(90), "]".repeat(90)));
        }
        assert_eq!(kind(&redefined), Some(ErrorKind::Budget));
        redefined.push_str("x: [\n");
        assert_eq!(kind(&redefined), Some(ErrorKind::Syntax));
    }

    #[test]
    fn keys_made_from_long_aliased_values_are_bounded() {
        // A 2 MiB key, 20 times over.
        let items = vec!["x".repeat(8192); 256].join(", ");
        let text = format!("a: &a [{items}]\nb:\n{}", "- {? *a : 1}\n".repeat(20));
        assert_eq!(kind(&text), Some(ErrorKind::Budget));
    }
}
