//! `omap`, `pairs` and `set` (`lib/type/{omap,pairs,set}.js`).

use std::collections::HashSet;

use super::super::js::{JsStr, JsValue, Slot};

/// `!!omap`: a sequence of one-key mappings with distinct keys; the sequence itself.
pub(super) fn omap(data: &JsValue) -> Option<JsValue> {
    let items = match data {
        JsValue::Null => return Some(JsValue::Array(JsValue::new_array())),
        JsValue::Array(items) => items,
        _ => return None,
    };
    let mut seen: HashSet<JsStr> = HashSet::new();
    for slot in items.borrow().iter() {
        let JsValue::Object(pair) = &slot.value else {
            return None;
        };
        let pair = pair.borrow();
        let [prop] = pair.props() else { return None };
        if !seen.insert(prop.key.clone()) {
            return None;
        }
    }
    Some(data.clone())
}

/// `!!pairs`: a sequence of one-key mappings, made into `[key, value]` arrays.
pub(super) fn pairs(data: &JsValue) -> Option<JsValue> {
    let items = match data {
        JsValue::Null => return Some(JsValue::Array(JsValue::new_array())),
        JsValue::Array(items) => items,
        _ => return None,
    };
    let result = JsValue::new_array();
    for slot in items.borrow().iter() {
        let JsValue::Object(pair) = &slot.value else {
            return None;
        };
        let pair = pair.borrow();
        let [prop] = pair.props() else { return None };
        let entry = JsValue::new_array();
        entry.borrow_mut().extend([
            Slot {
                value: JsValue::Str(prop.key.clone()),
                pos: prop.key_pos,
            },
            Slot {
                value: prop.value.clone(),
                pos: prop.pos,
            },
        ]);
        result.borrow_mut().push(Slot {
            value: JsValue::Array(entry),
            pos: slot.pos,
        });
    }
    Some(JsValue::Array(result))
}

/// `!!set`: a mapping whose values are all null; the mapping itself.
pub(super) fn set(data: &JsValue) -> Option<JsValue> {
    match data {
        JsValue::Null => Some(JsValue::Object(JsValue::new_object())),
        JsValue::Object(map) => map
            .borrow()
            .props()
            .iter()
            .all(|p| p.value.is_null())
            .then(|| data.clone()),
        _ => None,
    }
}
