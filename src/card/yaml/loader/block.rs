//! Block collections: `readBlockSequence` and `readBlockMapping`.

use std::collections::HashSet;
use std::rc::Rc;

use super::super::js::{JsStr, JsValue, Slot};
use super::mapping::KeyAt;
use super::{Ctx, Kind, R, State, c, is_white_space, is_ws_or_eol};

const TAB_IN_INDENTATION: &str = "tab characters must not be used in indentation";

impl State {
    /// `readBlockSequence`.
    pub(super) fn read_block_sequence(&mut self, node_indent: isize) -> R<bool> {
        // A tab before this token: not a block collection (a flow one or a scalar may follow).
        if self.first_tab_in_line.is_some() {
            return Ok(false);
        }
        let tag = self.tag.clone();
        let anchor = self.anchor.clone();
        let items = JsValue::new_array();
        if let Some(name) = self.anchor.clone() {
            self.store_anchor(name, JsValue::Array(items.clone()));
        }
        let mut detected = false;
        let mut ch = self.cur();
        while ch != 0 && ch != super::NAN {
            if let Some(tab) = self.first_tab_in_line {
                self.position = tab;
                return Err(self.fail(TAB_IN_INDENTATION));
            }
            if ch != c(b'-') || !is_ws_or_eol(self.ch(self.position + 1)) {
                break;
            }
            detected = true;
            let dash = self.here();
            self.position += 1;
            if self.skip_separation_space(true) > 0 && self.line_indent <= node_indent {
                items.borrow_mut().push(Slot {
                    value: JsValue::Null,
                    pos: dash,
                });
                ch = self.cur();
                continue;
            }
            let line = self.line;
            self.compose_node(node_indent, Ctx::BlockIn, false, true)?;
            items.borrow_mut().push(Slot {
                value: self.result.clone(),
                pos: self.result_pos,
            });
            self.skip_separation_space(true);
            ch = self.cur();
            if (self.line == line || self.line_indent > node_indent) && ch != 0 {
                return Err(self.fail("bad indentation of a sequence entry"));
            } else if self.line_indent < node_indent {
                break;
            }
        }
        if detected {
            self.tag = tag;
            self.anchor = anchor;
            self.kind = Some(Kind::Sequence);
            self.result = JsValue::Array(items);
            return Ok(true);
        }
        Ok(false)
    }

    /// `readBlockMapping`.
    pub(super) fn read_block_mapping(&mut self, node_indent: isize, flow_indent: isize) -> R<bool> {
        if self.first_tab_in_line.is_some() {
            return Ok(false);
        }
        let tag = self.tag.clone();
        let anchor = self.anchor.clone();
        let map = JsValue::new_object();
        if let Some(name) = self.anchor.clone() {
            self.store_anchor(name, JsValue::Object(map.clone()));
        }
        let mut overridable: HashSet<JsStr> = HashSet::new();
        let mut key_tag: Option<Rc<str>> = None;
        let mut key = JsValue::Null;
        let mut value = JsValue::Null;
        let mut key_pos = self.here();
        let mut value_pos = key_pos;
        // `_keyLine` and friends start undefined, which js-yaml's `||` treats as 0 does.
        let mut at = KeyAt {
            line: 0,
            line_start: 0,
            position: 0,
        };
        let mut at_explicit_key = false;
        let mut detected = false;
        let mut allow_compact;
        let mut ch = self.cur();
        while ch != 0 && ch != super::NAN {
            if !at_explicit_key && let Some(tab) = self.first_tab_in_line {
                self.position = tab;
                return Err(self.fail(TAB_IN_INDENTATION));
            }
            let following = self.ch(self.position + 1);
            let line = self.line;
            if (ch == c(b'?') || ch == c(b':')) && is_ws_or_eol(following) {
                // Explicit notation: `?` starts a key, `:` its value.
                if ch == c(b'?') {
                    if at_explicit_key {
                        self.store_mapping_pair(
                            Some(map.clone()),
                            &mut overridable,
                            key_tag.as_deref(),
                            (key, key_pos),
                            (JsValue::Null, key_pos),
                            at,
                        )?;
                        key_tag = None;
                        key = JsValue::Null;
                        value = JsValue::Null;
                    }
                    detected = true;
                    at_explicit_key = true;
                    allow_compact = true;
                } else if at_explicit_key {
                    at_explicit_key = false;
                    allow_compact = true;
                } else {
                    return Err(self.fail(
                        "incomplete explicit mapping pair; a key node is missed; or followed by a non-tabulated empty line",
                    ));
                }
                self.position += 1;
                ch = following;
            } else {
                // Implicit notation: a flow node as the key, then `:`, then the value.
                at = KeyAt {
                    line: self.line,
                    line_start: self.line_start,
                    position: self.position,
                };
                if !self.compose_node(flow_indent, Ctx::FlowOut, false, true)? {
                    break;
                }
                if self.line == line {
                    ch = self.cur();
                    while is_white_space(ch) {
                        self.position += 1;
                        ch = self.cur();
                    }
                    if ch == c(b':') {
                        self.position += 1;
                        ch = self.cur();
                        if !is_ws_or_eol(ch) {
                            return Err(self.fail(
                                "a whitespace character is expected after the key-value separator within a block mapping",
                            ));
                        }
                        if at_explicit_key {
                            self.store_mapping_pair(
                                Some(map.clone()),
                                &mut overridable,
                                key_tag.as_deref(),
                                (key, key_pos),
                                (JsValue::Null, key_pos),
                                at,
                            )?;
                            value = JsValue::Null;
                        }
                        detected = true;
                        at_explicit_key = false;
                        allow_compact = false;
                        key_tag = self.tag.clone();
                        key = self.result.clone();
                        key_pos = self.result_pos;
                    } else if detected {
                        return Err(self.fail("can not read an implicit mapping pair; a colon is missed"));
                    } else {
                        self.tag = tag;
                        self.anchor = anchor;
                        // Keep the result of `composeNode`.
                        return Ok(true);
                    }
                } else if detected {
                    return Err(
                        self.fail("can not read a block mapping entry; a multiline key may not be an implicit key")
                    );
                } else {
                    self.tag = tag;
                    self.anchor = anchor;
                    return Ok(true);
                }
            }
            // Common to both notations: the node after `?` or `:`.
            if self.line == line || self.line_indent > node_indent {
                if at_explicit_key {
                    at = KeyAt {
                        line: self.line,
                        line_start: self.line_start,
                        position: self.position,
                    };
                }
                let read = self.compose_node(node_indent, Ctx::BlockOut, true, allow_compact)?;
                if at_explicit_key {
                    if read {
                        key = self.result.clone();
                    }
                    key_pos = self.result_pos;
                } else {
                    if read {
                        value = self.result.clone();
                    }
                    value_pos = self.result_pos;
                }
                if !at_explicit_key {
                    self.store_mapping_pair(
                        Some(map.clone()),
                        &mut overridable,
                        key_tag.as_deref(),
                        (key, key_pos),
                        (value, value_pos),
                        at,
                    )?;
                    key_tag = None;
                    key = JsValue::Null;
                    value = JsValue::Null;
                }
                self.skip_separation_space(true);
                ch = self.cur();
            }
            if (self.line == line || self.line_indent > node_indent) && ch != 0 {
                return Err(self.fail("bad indentation of a mapping entry"));
            } else if self.line_indent < node_indent {
                break;
            }
        }
        // A last key in explicit notation, without a value.
        if at_explicit_key {
            self.store_mapping_pair(
                Some(map.clone()),
                &mut overridable,
                key_tag.as_deref(),
                (key, key_pos),
                (JsValue::Null, key_pos),
                at,
            )?;
        }
        if detected {
            self.tag = tag;
            self.anchor = anchor;
            self.kind = Some(Kind::Mapping);
            self.result = JsValue::Object(map);
        }
        Ok(detected)
    }
}
