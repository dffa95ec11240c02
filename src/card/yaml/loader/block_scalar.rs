//! `readBlockScalar`: literal (`|`) and folded (`>`) scalars with their chomping and
//! indentation indicators.

use super::super::js::JsValue;
use super::{Kind, R, State, c, is_eol, is_white_space};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomping {
    Clip,
    Strip,
    Keep,
}

fn push_breaks(out: &mut Vec<u16>, count: usize) {
    out.extend(std::iter::repeat_n(c(b'\n') as u16, count));
}

impl State {
    /// `readBlockScalar`.
    pub(super) fn read_block_scalar(&mut self, node_indent: isize) -> R<bool> {
        let mut ch = self.cur();
        let folding = if ch == c(b'|') {
            false
        } else if ch == c(b'>') {
            true
        } else {
            return Ok(false);
        };
        let mut chomping = Chomping::Clip;
        let mut did_read_content = false;
        let mut detected_indent = false;
        let mut text_indent = node_indent;
        let mut empty_lines = 0usize;
        let mut at_more_indented = false;
        self.kind = Some(Kind::Scalar);
        let mut out: Vec<u16> = Vec::new();

        while ch != 0 {
            self.position += 1;
            ch = self.cur();
            if ch == c(b'+') || ch == c(b'-') {
                if chomping == Chomping::Clip {
                    chomping = if ch == c(b'+') { Chomping::Keep } else { Chomping::Strip };
                } else {
                    return Err(self.fail("repeat of a chomping mode identifier"));
                }
            } else if (c(b'0')..=c(b'9')).contains(&ch) {
                let width = (ch - c(b'0')) as isize;
                if width == 0 {
                    return Err(
                        self.fail("bad explicit indentation width of a block scalar; it cannot be less than one")
                    );
                } else if !detected_indent {
                    text_indent = node_indent + width - 1;
                    detected_indent = true;
                } else {
                    return Err(self.fail("repeat of an indentation width identifier"));
                }
            } else {
                break;
            }
        }

        if is_white_space(ch) {
            loop {
                self.position += 1;
                ch = self.cur();
                if !is_white_space(ch) {
                    break;
                }
            }
            if ch == c(b'#') {
                loop {
                    self.position += 1;
                    ch = self.cur();
                    if is_eol(ch) || ch == 0 || ch == super::NAN {
                        break;
                    }
                }
            }
        }

        while ch != 0 && ch != super::NAN {
            self.read_line_break()?;
            self.line_indent = 0;
            ch = self.cur();
            while (!detected_indent || self.line_indent < text_indent) && ch == c(b' ') {
                self.line_indent += 1;
                self.position += 1;
                ch = self.cur();
            }
            if !detected_indent && self.line_indent > text_indent {
                text_indent = self.line_indent;
            }
            if is_eol(ch) {
                empty_lines += 1;
                continue;
            }
            if !detected_indent && text_indent == 0 {
                return Err(self.fail("missing indentation for block scalar"));
            }
            // The end of the scalar: chomping.
            if self.line_indent < text_indent {
                match chomping {
                    Chomping::Keep => {
                        push_breaks(&mut out, if did_read_content { 1 + empty_lines } else { empty_lines });
                    }
                    Chomping::Clip if did_read_content => push_breaks(&mut out, 1),
                    _ => {}
                }
                break;
            }
            if folding {
                if is_white_space(ch) {
                    // More-indented lines are not folded.
                    at_more_indented = true;
                    push_breaks(&mut out, if did_read_content { 1 + empty_lines } else { empty_lines });
                } else if at_more_indented {
                    at_more_indented = false;
                    push_breaks(&mut out, empty_lines + 1);
                } else if empty_lines == 0 {
                    if did_read_content {
                        out.push(c(b' ') as u16);
                    }
                } else {
                    push_breaks(&mut out, empty_lines);
                }
            } else {
                push_breaks(&mut out, if did_read_content { 1 + empty_lines } else { empty_lines });
            }
            did_read_content = true;
            detected_indent = true;
            empty_lines = 0;
            let capture_start = self.position;
            while !is_eol(ch) && ch != 0 && ch != super::NAN {
                self.position += 1;
                ch = self.cur();
            }
            self.capture_segment(&mut out, capture_start, self.position, false)?;
        }
        self.result = JsValue::str(out);
        Ok(true)
    }
}
