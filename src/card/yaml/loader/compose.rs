//! `composeNode` and `tryReadBlockMappingFromProperty`: which reader a node goes to, its
//! properties, and its type.
//!
//! Two of js-yaml's ways are kept although they look like accidents, because the Hub reads
//! cards with them: a node whose properties end a line and whose content is a single flow node
//! below (`a: !!str` / `  12`) takes the content as composed on its own (`12` stays a number),
//! and an anchor on such a node with the non-specific tag `!` keeps the empty mapping stored
//! when the node started.

use std::cmp::Ordering;
use std::rc::Rc;

use super::super::types::{self, TypeError};
use super::{Ctx, Fail, Kind, MAX_DEPTH, MAX_NODES, R, Snapshot, State, c};

fn indent_status(line_indent: isize, parent_indent: isize) -> i8 {
    match line_indent.cmp(&parent_indent) {
        Ordering::Greater => 1,
        Ordering::Equal => 0,
        Ordering::Less => -1,
    }
}

fn type_error(_: TypeError) -> Fail {
    Fail::type_error()
}

impl State {
    /// `tryReadBlockMappingFromProperty`: reads the properties again as the start of the first
    /// key of a block mapping (`!!map` / `  !!str key: value`).
    fn try_read_block_mapping_from_property(
        &mut self,
        property_start: Snapshot,
        node_indent: isize,
        flow_indent: isize,
    ) -> R<bool> {
        let fallback = self.snapshot();
        self.begin_anchor_transaction();
        self.restore(property_start);
        self.tag = None;
        self.anchor = None;
        self.kind = None;
        self.result = super::JsValue::Null;
        if self.read_block_mapping(node_indent, flow_indent)? && self.kind == Some(Kind::Mapping) {
            self.commit_anchor_transaction();
            return Ok(true);
        }
        self.rollback_anchor_transaction();
        self.restore(fallback);
        Ok(false)
    }

    /// `composeNode`.
    pub(super) fn compose_node(
        &mut self,
        parent_indent: isize,
        ctx: Ctx,
        allow_to_seek: bool,
        allow_compact: bool,
    ) -> R<bool> {
        if self.depth >= MAX_DEPTH {
            return Err(self.fail(format!("nesting exceeded maxDepth ({MAX_DEPTH})")));
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Fail::budget(format!(
                "the metadata has more than {MAX_NODES} nodes to check"
            )));
        }
        self.depth += 1;
        self.tag = None;
        self.anchor = None;
        self.kind = None;
        self.result = super::JsValue::Null;

        let allow_block_styles = matches!(ctx, Ctx::BlockOut | Ctx::BlockIn);
        let allow_block_scalars = allow_block_styles;
        let mut allow_block_collections = allow_block_styles;
        let mut status: i8 = 1;
        let mut at_new_line = false;
        let mut has_content = false;
        let mut property_start: Option<Snapshot> = None;

        let unseeked = self.here();
        if allow_to_seek && self.skip_separation_space(true) > 0 {
            at_new_line = true;
            status = indent_status(self.line_indent, parent_indent);
        }
        let start = self.here();

        if status == 1 {
            loop {
                let ch = self.cur();
                let property_state = self.snapshot();
                // A repeated property after a line break can start the first key of a nested
                // block mapping (`!!map` / `  !!str key: value`).
                if at_new_line && ((ch == c(b'!') && self.tag.is_some()) || (ch == c(b'&') && self.anchor.is_some())) {
                    break;
                }
                if !self.read_tag_property()? && !self.read_anchor_property()? {
                    break;
                }
                if property_start.is_none() {
                    property_start = Some(property_state);
                }
                if self.skip_separation_space(true) > 0 {
                    at_new_line = true;
                    allow_block_collections = allow_block_styles;
                    status = indent_status(self.line_indent, parent_indent);
                } else {
                    allow_block_collections = false;
                }
            }
        }

        if allow_block_collections {
            allow_block_collections = at_new_line || allow_compact;
        }

        if status == 1 || ctx == Ctx::BlockOut {
            let flow_indent = if matches!(ctx, Ctx::FlowIn | Ctx::FlowOut) {
                parent_indent
            } else {
                parent_indent + 1
            };
            let block_indent = self.position as isize - self.line_start as isize;
            if status == 1 {
                if (allow_block_collections
                    && (self.read_block_sequence(block_indent)?
                        || self.read_block_mapping(block_indent, flow_indent)?))
                    || self.read_flow_collection(flow_indent)?
                {
                    has_content = true;
                } else {
                    let ch = self.cur();
                    let from_property = match &property_start {
                        Some(ps)
                            if allow_block_styles && !allow_block_collections && ch != c(b'|') && ch != c(b'>') =>
                        {
                            let indent = ps.position as isize - ps.line_start as isize;
                            self.try_read_block_mapping_from_property(ps.clone(), indent, flow_indent)?
                        }
                        _ => false,
                    };
                    if from_property
                        || (allow_block_scalars && self.read_block_scalar(flow_indent)?)
                        || self.read_single_quoted_scalar(flow_indent)?
                        || self.read_double_quoted_scalar(flow_indent)?
                    {
                        has_content = true;
                    } else if self.read_alias()? {
                        has_content = true;
                        if self.tag.is_some() || self.anchor.is_some() {
                            return Err(self.fail("alias node should not have any properties"));
                        }
                    } else if self.read_plain_scalar(flow_indent, ctx == Ctx::FlowIn)? {
                        has_content = true;
                        if self.tag.is_none() {
                            self.tag = Some(Rc::from("?"));
                        }
                    }
                    if let Some(name) = self.anchor.clone() {
                        self.store_anchor(name, self.result.clone());
                    }
                }
            } else if status == 0 {
                // Block sequences may sit at their parent's indentation.
                has_content = allow_block_collections && self.read_block_sequence(block_indent)?;
            }
        }

        self.resolve_tag()?;

        self.depth -= 1;
        let composed = self.tag.is_some() || self.anchor.is_some() || has_content;
        self.result_pos = if composed { start } else { unseeked };
        Ok(composed)
    }

    /// The end of `composeNode`: the node's type, from its tag or, for a plain scalar, from the
    /// implicit types; the anchor is stored again with the constructed value.
    fn resolve_tag(&mut self) -> R<()> {
        let Some(tag) = self.tag.clone() else {
            if let Some(name) = self.anchor.clone() {
                self.store_anchor(name, self.result.clone());
            }
            return Ok(());
        };
        if &*tag == "?" {
            // Only an explicit `!<?>` can put `?` on a collection.
            if !self.result.is_null() && self.kind != Some(Kind::Scalar) {
                return Err(self.fail(format!(
                    "unacceptable node kind for !<?> tag; it should be \"scalar\", not \"{}\"",
                    Kind::name(self.kind)
                )));
            }
            if let Some((value, t)) = types::resolve_implicit(&self.result).map_err(type_error)? {
                self.result = value;
                self.tag = Some(Rc::from(t.tag()));
                if let Some(name) = self.anchor.clone() {
                    self.store_anchor(name, self.result.clone());
                }
            }
        } else if &*tag != "!" {
            let Some(t) = types::lookup(self.kind, &tag) else {
                return Err(self.fail(format!("unknown tag !<{tag}>")));
            };
            if !self.result.is_null() && Some(t.kind()) != self.kind {
                return Err(self.fail(format!(
                    "unacceptable node kind for !<{tag}> tag; it should be \"{}\", not \"{}\"",
                    Kind::name(Some(t.kind())),
                    Kind::name(self.kind)
                )));
            }
            match t.resolve(&self.result).map_err(type_error)? {
                None => return Err(self.fail(format!("cannot resolve a node with !<{tag}> explicit tag"))),
                Some(value) => {
                    self.result = value;
                    if let Some(name) = self.anchor.clone() {
                        self.store_anchor(name, self.result.clone());
                    }
                }
            }
        }
        Ok(())
    }
}
