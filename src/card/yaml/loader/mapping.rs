//! `storeMappingPair` and `mergeMappings`: JavaScript's string keys, duplicate keys, merge keys.

use std::collections::HashSet;

use super::super::js::{JsStr, JsValue, ObjectRef, Prop, Slot, to_string, units};
use super::super::types::MERGE_TAG;
use super::super::value::Pos;
use super::{Fail, MAX_KEY_UNITS, MAX_TOTAL_MERGE_KEYS, R, State};

/// Where a key started, for the duplicate-key error (`startLine`, `startLineStart`, `startPos`).
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyAt {
    /// The key's line.
    pub line: usize,
    /// Where that line starts.
    pub line_start: usize,
    /// Where the key starts.
    pub position: usize,
}

impl State {
    /// `String(keyNode)` as `storeMappingPair` makes it: an array key may not hold arrays and
    /// shows its objects as `[object Object]`; a plain object is `[object Object]`.
    fn key_string(&mut self, key: &JsValue) -> R<JsStr> {
        let text: Vec<u16> = match key {
            JsValue::Array(items) => {
                if items.borrow().iter().any(|s| matches!(s.value, JsValue::Array(_))) {
                    return Err(self.fail("nested arrays are not supported inside keys"));
                }
                to_string(key)
            }
            JsValue::Str(s) => return self.charge_key(s.clone()),
            other => to_string(other),
        };
        self.charge_key(text.into())
    }

    fn charge_key(&mut self, key: JsStr) -> R<JsStr> {
        self.key_units = self.key_units.saturating_add(key.len());
        if self.key_units > MAX_KEY_UNITS {
            return Err(Fail::budget(format!(
                "the metadata's keys add up to more than {MAX_KEY_UNITS} characters"
            )));
        }
        Ok(key)
    }

    /// `storeMappingPair`: stores `key: value` in `target` (a new object when `None`), or merges
    /// the value into it when the key is a merge key (`<<`).
    pub(super) fn store_mapping_pair(
        &mut self,
        target: Option<ObjectRef>,
        overridable: &mut HashSet<JsStr>,
        key_tag: Option<&str>,
        (key, key_pos): (JsValue, Pos),
        (value, value_pos): (JsValue, Pos),
        at: KeyAt,
    ) -> R<ObjectRef> {
        let key = self.key_string(&key)?;
        let target = target.unwrap_or_else(JsValue::new_object);
        if key_tag == Some(MERGE_TAG) {
            if let JsValue::Array(items) = &value {
                let items: Vec<Slot> = items.borrow().clone();
                if items.len() > 100 {
                    return Err(self.fail("abnormal merge sequence size"));
                }
                for slot in items {
                    self.merge_mappings(&target, &slot.value, slot.pos, overridable)?;
                }
            } else {
                self.merge_mappings(&target, &value, value_pos, overridable)?;
            }
        } else {
            if !overridable.contains(&key) && target.borrow().has_own(&key) {
                // js-yaml's `startLine || state.line`: a start on the first line (or at the first
                // character) does not count.
                if at.line != 0 {
                    self.line = at.line;
                }
                if at.line_start != 0 {
                    self.line_start = at.line_start;
                }
                if at.position != 0 {
                    self.position = at.position;
                }
                return Err(self.fail("duplicated mapping key"));
            }
            overridable.remove(&key);
            target.borrow_mut().set(Prop {
                key,
                key_pos,
                value,
                pos: value_pos,
            });
        }
        Ok(target)
    }

    fn charge_merge_work(&mut self) -> R<()> {
        self.total_merge_keys += 1;
        if self.total_merge_keys > MAX_TOTAL_MERGE_KEYS {
            return Err(self.fail(format!(
                "merge keys exceeded maxTotalMergeKeys ({MAX_TOTAL_MERGE_KEYS})"
            )));
        }
        Ok(())
    }

    /// `mergeMappings`: copies the own keys of `source` that `destination` lacks.
    fn merge_mappings(
        &mut self,
        destination: &ObjectRef,
        source: &JsValue,
        source_pos: Pos,
        overridable: &mut HashSet<JsStr>,
    ) -> R<()> {
        // `Object.keys(source)`, taken before writing (the source may be the destination).
        let props: Vec<Prop> = match source {
            JsValue::Object(map) => map.borrow().props_in_key_order(),
            JsValue::Array(items) => items
                .borrow()
                .iter()
                .enumerate()
                .map(|(i, slot)| Prop {
                    key: units(&i.to_string()).into(),
                    key_pos: slot.pos,
                    value: slot.value.clone(),
                    pos: slot.pos,
                })
                .collect(),
            JsValue::Bytes(bytes) => bytes
                .iter()
                .enumerate()
                .map(|(i, b)| Prop {
                    key: units(&i.to_string()).into(),
                    key_pos: source_pos,
                    value: JsValue::Number(f64::from(*b)),
                    pos: source_pos,
                })
                .collect(),
            JsValue::Date(_) => Vec::new(),
            _ => return Err(self.fail("cannot merge mappings; the provided source object is unacceptable")),
        };
        // The source itself counts, to bound sequences of empty mappings.
        self.charge_merge_work()?;
        for prop in props {
            self.charge_merge_work()?;
            if !destination.borrow().has_own(&prop.key) {
                overridable.insert(prop.key.clone());
                destination.borrow_mut().set(prop);
            }
        }
        Ok(())
    }
}
