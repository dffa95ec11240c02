//! `loadDocuments`, `readDocument` and the `%YAML` and `%TAG` directives.

use std::collections::HashMap;

use super::super::js::JsValue;
use super::super::js::uri::decode_uri_component;
use super::super::value::Pos;
use super::properties::{is_tag_handle, is_tag_uri};
use super::{Ctx, Fail, R, State, c, is_eol, is_white_space, is_ws_or_eol};

fn text(units: &[u16]) -> String {
    String::from_utf16_lossy(units)
}

/// `loadDocuments`: every document of the stream, in a state ready to inspect.
pub(super) fn load_documents(input: &str) -> R<State> {
    let mut units: Vec<u16> = Vec::with_capacity(input.len() + 2);
    units.extend(input.encode_utf16());
    if let Some(&last) = units.last() {
        // A final line break, then the BOM stripped.
        if last != 0x0A && last != 0x0D {
            units.push(0x0A);
        }
        if units.first() == Some(&0xFEFF) {
            units.remove(0);
        }
    }
    let length = units.len();
    let null_at = units.iter().position(|&u| u == 0);
    units.push(0);
    let mut state = State {
        input: units,
        length,
        position: 0,
        line: 0,
        line_start: 0,
        line_indent: 0,
        depth: 0,
        total_merge_keys: 0,
        first_tab_in_line: None,
        documents: Vec::new(),
        transactions: Vec::new(),
        version_seen: false,
        tag_map: HashMap::new(),
        anchor_map: HashMap::new(),
        tag: None,
        anchor: None,
        kind: None,
        result: JsValue::Null,
        result_pos: Pos { line: 1, col: 1 },
        nodes: 0,
        key_units: 0,
    };
    if let Some(at) = null_at {
        state.position = at;
        // The `\0` terminator is not appended yet: js-yaml's snippet loses the last character.
        return Err(state.fail_in("null byte is not allowed in input", length.saturating_sub(1)));
    }
    while state.cur() == c(b' ') {
        state.line_indent += 1;
        state.position += 1;
    }
    while (state.position as isize) < state.length as isize - 1 {
        let before = state.position;
        state.read_document()?;
        if state.position == before {
            // js-yaml would loop for ever here; no input is known to get here.
            return Err(Fail::budget("the metadata could not be read to its end"));
        }
    }
    Ok(state)
}

impl State {
    /// `readDocument`.
    fn read_document(&mut self) -> R<()> {
        let mut has_directives = false;
        self.version_seen = false;
        self.tag_map.clear();
        self.anchor_map.clear();

        while self.cur() != 0 {
            self.skip_separation_space(true);
            let mut ch = self.cur();
            if self.line_indent > 0 || ch != c(b'%') {
                break;
            }
            has_directives = true;
            self.position += 1;
            ch = self.cur();
            let mut start = self.position;
            while ch != 0 && !is_ws_or_eol(ch) {
                self.position += 1;
                ch = self.cur();
            }
            let name = self.slice(start, self.position).to_vec();
            let mut args: Vec<Vec<u16>> = Vec::new();
            if name.is_empty() {
                return Err(self.fail("directive name must not be less than one character in length"));
            }
            while ch != 0 {
                while is_white_space(ch) {
                    self.position += 1;
                    ch = self.cur();
                }
                if ch == c(b'#') {
                    loop {
                        self.position += 1;
                        ch = self.cur();
                        if ch == 0 || is_eol(ch) {
                            break;
                        }
                    }
                    break;
                }
                if is_eol(ch) {
                    break;
                }
                start = self.position;
                while ch != 0 && !is_ws_or_eol(ch) {
                    self.position += 1;
                    ch = self.cur();
                }
                args.push(self.slice(start, self.position).to_vec());
            }
            if ch != 0 {
                self.read_line_break()?;
            }
            match text(&name).as_str() {
                "YAML" => self.yaml_directive(&args)?,
                "TAG" => self.tag_directive(&args)?,
                // An unknown directive is only a warning.
                _ => {}
            }
        }

        self.skip_separation_space(true);
        if self.line_indent == 0
            && self.cur() == c(b'-')
            && self.ch(self.position + 1) == c(b'-')
            && self.ch(self.position + 2) == c(b'-')
        {
            self.position += 3;
            self.skip_separation_space(true);
        } else if has_directives {
            return Err(self.fail("directives end mark is expected"));
        }

        self.compose_node(self.line_indent - 1, Ctx::BlockOut, false, true)?;
        self.skip_separation_space(true);
        self.documents.push((self.result.clone(), self.result_pos));

        if self.position == self.line_start && self.test_document_separator() {
            if self.cur() == c(b'.') {
                self.position += 3;
                self.skip_separation_space(true);
            }
            return Ok(());
        }
        if (self.position as isize) < self.length as isize - 1 {
            return Err(self.fail("end of the stream or a document separator is expected"));
        }
        Ok(())
    }

    /// `%YAML major.minor`: version 1 only, once.
    fn yaml_directive(&mut self, args: &[Vec<u16>]) -> R<()> {
        if self.version_seen {
            return Err(self.fail("duplication of %YAML directive"));
        }
        let [arg] = args else {
            return Err(self.fail("YAML directive accepts exactly one argument"));
        };
        let arg = text(arg);
        let Some((major, minor)) = arg.split_once('.') else {
            return Err(self.fail("ill-formed argument of the YAML directive"));
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return Err(self.fail("ill-formed argument of the YAML directive"));
        }
        if major.trim_start_matches('0') != "1" {
            return Err(self.fail("unacceptable YAML version of the document"));
        }
        self.version_seen = true;
        Ok(())
    }

    /// `%TAG handle prefix`.
    fn tag_directive(&mut self, args: &[Vec<u16>]) -> R<()> {
        let [handle, prefix] = args else {
            return Err(self.fail("TAG directive accepts exactly two arguments"));
        };
        if !is_tag_handle(handle) {
            return Err(self.fail("ill-formed tag handle (first argument) of the TAG directive"));
        }
        if self.tag_map.contains_key(handle) {
            return Err(self.fail(format!(
                "there is a previously declared suffix for \"{}\" tag handle",
                text(handle)
            )));
        }
        if !is_tag_uri(prefix) {
            return Err(self.fail("ill-formed tag prefix (second argument) of the TAG directive"));
        }
        let Ok(decoded) = decode_uri_component(prefix) else {
            return Err(self.fail(format!("tag prefix is malformed: {}", text(prefix))));
        };
        self.tag_map.insert(handle.clone(), decoded);
        Ok(())
    }
}
