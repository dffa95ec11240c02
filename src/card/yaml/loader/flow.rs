//! `readFlowCollection`: `[...]` and `{...}`, with `key: value` pairs inside sequences.

use std::collections::HashSet;

use super::super::js::{JsStr, JsValue, Slot};
use super::mapping::KeyAt;
use super::{Ctx, Kind, R, State, c, is_ws_or_eol};

impl State {
    /// `readFlowCollection`.
    pub(super) fn read_flow_collection(&mut self, node_indent: isize) -> R<bool> {
        let mut ch = self.cur();
        let (terminator, is_mapping) = if ch == c(b'[') {
            (c(b']'), false)
        } else if ch == c(b'{') {
            (c(b'}'), true)
        } else {
            return Ok(false);
        };
        let tag = self.tag.clone();
        let anchor = self.anchor.clone();
        let result = if is_mapping {
            JsValue::Object(JsValue::new_object())
        } else {
            JsValue::Array(JsValue::new_array())
        };
        if let Some(name) = self.anchor.clone() {
            self.store_anchor(name, result.clone());
        }
        let mut overridable: HashSet<JsStr> = HashSet::new();
        let mut read_next = true;
        self.position += 1;
        ch = self.cur();
        while ch != 0 && ch != super::NAN {
            self.skip_separation_space(true);
            ch = self.cur();
            if ch == terminator {
                self.position += 1;
                self.tag = tag;
                self.anchor = anchor;
                self.kind = Some(if is_mapping { Kind::Mapping } else { Kind::Sequence });
                self.result = result;
                return Ok(true);
            } else if !read_next {
                return Err(self.fail("missed comma between flow collection entries"));
            } else if ch == c(b',') {
                // "flow collection entries can never be completely empty" (YAML 1.2, 7.4).
                return Err(self.fail("expected the node content, but found ','"));
            }
            let mut is_pair = false;
            let mut is_explicit_pair = false;
            if ch == c(b'?') && is_ws_or_eol(self.ch(self.position + 1)) {
                is_pair = true;
                is_explicit_pair = true;
                self.position += 1;
                self.skip_separation_space(true);
            }
            let at = KeyAt {
                line: self.line,
                line_start: self.line_start,
                position: self.position,
            };
            self.compose_node(node_indent, Ctx::FlowIn, false, true)?;
            let key_tag = self.tag.clone();
            let key = self.result.clone();
            let key_pos = self.result_pos;
            let mut value = JsValue::Null;
            let mut value_pos = key_pos;
            self.skip_separation_space(true);
            ch = self.cur();
            if (is_explicit_pair || self.line == at.line) && ch == c(b':') {
                is_pair = true;
                self.position += 1;
                self.skip_separation_space(true);
                self.compose_node(node_indent, Ctx::FlowIn, false, true)?;
                value = self.result.clone();
                value_pos = self.result_pos;
            }
            match &result {
                JsValue::Object(map) => {
                    let map = map.clone();
                    self.store_mapping_pair(
                        Some(map),
                        &mut overridable,
                        key_tag.as_deref(),
                        (key, key_pos),
                        (value, value_pos),
                        at,
                    )?;
                }
                JsValue::Array(items) => {
                    let item = if is_pair {
                        let pair = self.store_mapping_pair(
                            None,
                            &mut overridable,
                            key_tag.as_deref(),
                            (key, key_pos),
                            (value, value_pos),
                            at,
                        )?;
                        JsValue::Object(pair)
                    } else {
                        key
                    };
                    items.borrow_mut().push(Slot {
                        value: item,
                        pos: key_pos,
                    });
                }
                _ => {}
            }
            self.skip_separation_space(true);
            ch = self.cur();
            if ch == c(b',') {
                read_next = true;
                self.position += 1;
                ch = self.cur();
            } else {
                read_next = false;
            }
        }
        Err(self.fail("unexpected end of the stream within a flow collection"))
    }
}
