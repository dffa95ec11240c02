//! Flow scalars: `readPlainScalar`, `readSingleQuotedScalar`, `readDoubleQuotedScalar`, and the
//! helpers they share with block scalars (`captureSegment`, `writeFoldedLines`).

use super::super::js::JsValue;
use super::{Kind, R, State, c, is_eol, is_flow_indicator, is_white_space, is_ws_or_eol};

/// `PATTERN_NON_PRINTABLE`: C0 controls but tab and line breaks, DEL, C1 controls but NEL,
/// U+FFFE, U+FFFF, and surrogates without their other half.
fn has_non_printable(s: &[u16]) -> bool {
    let high = |u: u16| (0xD800..=0xDBFF).contains(&u);
    let low = |u: u16| (0xDC00..=0xDFFF).contains(&u);
    s.iter().enumerate().any(|(i, &u)| {
        matches!(u, 0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF)
            || (high(u) && !s.get(i + 1).is_some_and(|n| low(*n)))
            || (low(u) && (i == 0 || !high(s[i - 1])))
    })
}

/// `simpleEscapeSequence`.
fn simple_escape(ch: u32) -> Option<&'static [u16]> {
    Some(match u8::try_from(ch).ok()? {
        b'0' => &[0x00],
        b'a' => &[0x07],
        b'b' => &[0x08],
        b't' | b'\t' => &[0x09],
        b'n' => &[0x0A],
        b'v' => &[0x0B],
        b'f' => &[0x0C],
        b'r' => &[0x0D],
        b'e' => &[0x1B],
        b' ' => &[0x20],
        b'"' => &[0x22],
        b'/' => &[0x2F],
        b'\\' => &[0x5C],
        b'N' => &[0x85],
        b'_' => &[0xA0],
        b'L' => &[0x2028],
        b'P' => &[0x2029],
        _ => return None,
    })
}

fn escaped_hex_len(ch: u32) -> u32 {
    if ch == c(b'x') {
        2
    } else if ch == c(b'u') {
        4
    } else if ch == c(b'U') {
        8
    } else {
        0
    }
}

fn from_hex_code(ch: u32) -> Option<i32> {
    char::from_u32(ch).and_then(|c| c.to_digit(16)).map(|d| d as i32)
}

/// `charFromCodepoint` of js-yaml's 32-bit `hexResult`, with `String.fromCharCode`'s wrapping.
fn push_code_point(out: &mut Vec<u16>, c: i32) {
    if c <= 0xFFFF {
        out.push(c as u16);
    } else {
        let d = c.wrapping_sub(0x10000);
        out.push(((d >> 10).wrapping_add(0xD800)) as u16);
        out.push(((d & 0x3FF) + 0xDC00) as u16);
    }
}

/// `writeFoldedLines`.
pub(super) fn write_folded_lines(out: &mut Vec<u16>, count: usize) {
    if count == 1 {
        out.push(c(b' ') as u16);
    } else if count > 1 {
        out.extend(std::iter::repeat_n(c(b'\n') as u16, count - 1));
    }
}

impl State {
    /// `captureSegment`: appends `input[start..end]` after checking its characters.
    pub(super) fn capture_segment(&self, out: &mut Vec<u16>, start: usize, end: usize, check_json: bool) -> R<()> {
        if start < end {
            let segment = self.slice(start, end);
            if check_json {
                if segment.iter().any(|&u| !(u == 0x09 || u >= 0x20)) {
                    return Err(self.fail("expected valid JSON character"));
                }
            } else if has_non_printable(segment) {
                return Err(self.fail("the stream contains non-printable characters"));
            }
            out.extend_from_slice(segment);
        }
        Ok(())
    }

    /// `readPlainScalar`.
    pub(super) fn read_plain_scalar(&mut self, node_indent: isize, within_flow: bool) -> R<bool> {
        let mut ch = self.cur();
        if is_ws_or_eol(ch) || is_flow_indicator(ch) || b"#&*!|>'\"%@`".iter().any(|b| ch == c(*b)) {
            return Ok(false);
        }
        if ch == c(b'?') || ch == c(b'-') {
            let following = self.ch(self.position + 1);
            if is_ws_or_eol(following) || (within_flow && is_flow_indicator(following)) {
                return Ok(false);
            }
        }
        let kind_before = self.kind;
        self.kind = Some(Kind::Scalar);
        let mut out: Vec<u16> = Vec::new();
        let mut capture_start = self.position;
        let mut capture_end = self.position;
        let mut has_pending_content = false;
        let mut line_before = self.line;
        while ch != 0 {
            if ch == c(b':') {
                let following = self.ch(self.position + 1);
                if is_ws_or_eol(following) || (within_flow && is_flow_indicator(following)) {
                    break;
                }
            } else if ch == c(b'#') {
                if is_ws_or_eol(self.before(self.position)) {
                    break;
                }
            } else if (self.position == self.line_start && self.test_document_separator())
                || (within_flow && is_flow_indicator(ch))
            {
                break;
            } else if is_eol(ch) {
                line_before = self.line;
                let line_start = self.line_start;
                let line_indent = self.line_indent;
                self.skip_separation_space(false);
                if self.line_indent >= node_indent {
                    has_pending_content = true;
                    ch = self.cur();
                    continue;
                }
                self.position = capture_end;
                self.line = line_before;
                self.line_start = line_start;
                self.line_indent = line_indent;
                break;
            }
            if has_pending_content {
                self.capture_segment(&mut out, capture_start, capture_end, false)?;
                write_folded_lines(&mut out, self.line - line_before);
                capture_start = self.position;
                capture_end = self.position;
                has_pending_content = false;
            }
            if !is_white_space(ch) {
                capture_end = self.position + 1;
            }
            self.position += 1;
            ch = self.cur();
        }
        self.capture_segment(&mut out, capture_start, capture_end, false)?;
        if !out.is_empty() {
            self.result = JsValue::str(out);
            return Ok(true);
        }
        self.kind = kind_before;
        Ok(false)
    }

    /// `readSingleQuotedScalar`.
    pub(super) fn read_single_quoted_scalar(&mut self, node_indent: isize) -> R<bool> {
        if self.cur() != c(b'\'') {
            return Ok(false);
        }
        let _ = node_indent;
        self.kind = Some(Kind::Scalar);
        let mut out: Vec<u16> = Vec::new();
        self.position += 1;
        let mut capture_start = self.position;
        let mut capture_end = self.position;
        loop {
            let ch = self.cur();
            if ch == 0 || ch == super::NAN {
                break;
            }
            if ch == c(b'\'') {
                self.capture_segment(&mut out, capture_start, self.position, true)?;
                self.position += 1;
                if self.cur() == c(b'\'') {
                    capture_start = self.position;
                    self.position += 1;
                    capture_end = self.position;
                } else {
                    self.result = JsValue::str(out);
                    return Ok(true);
                }
            } else if is_eol(ch) {
                self.capture_segment(&mut out, capture_start, capture_end, true)?;
                let breaks = self.skip_separation_space(false);
                write_folded_lines(&mut out, breaks);
                capture_start = self.position;
                capture_end = self.position;
            } else if self.position == self.line_start && self.test_document_separator() {
                return Err(self.fail("unexpected end of the document within a single quoted scalar"));
            } else {
                self.position += 1;
                if !is_white_space(ch) {
                    capture_end = self.position;
                }
            }
        }
        Err(self.fail("unexpected end of the stream within a single quoted scalar"))
    }

    /// `readDoubleQuotedScalar`.
    pub(super) fn read_double_quoted_scalar(&mut self, node_indent: isize) -> R<bool> {
        if self.cur() != c(b'"') {
            return Ok(false);
        }
        let _ = node_indent;
        self.kind = Some(Kind::Scalar);
        let mut out: Vec<u16> = Vec::new();
        self.position += 1;
        let mut capture_start = self.position;
        let mut capture_end = self.position;
        loop {
            let mut ch = self.cur();
            if ch == 0 || ch == super::NAN {
                break;
            }
            if ch == c(b'"') {
                self.capture_segment(&mut out, capture_start, self.position, true)?;
                self.position += 1;
                self.result = JsValue::str(out);
                return Ok(true);
            } else if ch == c(b'\\') {
                self.capture_segment(&mut out, capture_start, self.position, true)?;
                self.position += 1;
                ch = self.cur();
                if is_eol(ch) {
                    self.skip_separation_space(false);
                } else if let Some(escaped) = simple_escape(ch) {
                    out.extend_from_slice(escaped);
                    self.position += 1;
                } else if escaped_hex_len(ch) > 0 {
                    let mut hex_result: i32 = 0;
                    for _ in 0..escaped_hex_len(ch) {
                        self.position += 1;
                        match from_hex_code(self.cur()) {
                            Some(d) => hex_result = hex_result.wrapping_shl(4).wrapping_add(d),
                            None => return Err(self.fail("expected hexadecimal character")),
                        }
                    }
                    push_code_point(&mut out, hex_result);
                    self.position += 1;
                } else {
                    return Err(self.fail("unknown escape sequence"));
                }
                capture_start = self.position;
                capture_end = self.position;
            } else if is_eol(ch) {
                self.capture_segment(&mut out, capture_start, capture_end, true)?;
                let breaks = self.skip_separation_space(false);
                write_folded_lines(&mut out, breaks);
                capture_start = self.position;
                capture_end = self.position;
            } else if self.position == self.line_start && self.test_document_separator() {
                return Err(self.fail("unexpected end of the document within a double quoted scalar"));
            } else {
                self.position += 1;
                if !is_white_space(ch) {
                    capture_end = self.position;
                }
            }
        }
        Err(self.fail("unexpected end of the stream within a double quoted scalar"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_printable_matches_js_yaml_pattern() {
        assert!(has_non_printable(&[0x41, 0x07]));
        assert!(!has_non_printable(&[0x09, 0x0A, 0x0D, 0x85, 0xA0]));
        assert!(has_non_printable(&[0x84]));
        assert!(has_non_printable(&[0xFFFE]));
        assert!(!has_non_printable(&[0xD83D, 0xDE00]));
        assert!(has_non_printable(&[0xD83D]));
        assert!(has_non_printable(&[0xDE00, 0x41]));
    }

    #[test]
    fn code_points_wrap_as_string_from_char_code() {
        let mut out = Vec::new();
        push_code_point(&mut out, -1);
        push_code_point(&mut out, 0x110000);
        push_code_point(&mut out, i32::MIN);
        push_code_point(&mut out, 0x1F600);
        assert_eq!(out, [0xFFFF, 0xDC00, 0xDC00, 0x0000, 0xD83D, 0xDE00]);
    }
}
