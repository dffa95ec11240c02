//! Node properties and aliases: `readTagProperty`, `readAnchorProperty`, `readAlias`, and the
//! tag patterns they test (`PATTERN_TAG_HANDLE`, `PATTERN_TAG_URI`).

use std::rc::Rc;

use super::super::js::uri::decode_uri_component;
use super::{R, State, c, is_flow_indicator, is_ws_or_eol};

fn lossy(units: &[u16]) -> String {
    String::from_utf16_lossy(units)
}

fn is_alnum(u: u16) -> bool {
    u8::try_from(u).is_ok_and(|b| b.is_ascii_alphanumeric())
}

/// `PATTERN_TAG_HANDLE`: `!`, `!!`, or `!name!` with letters, digits and `-`.
pub(super) fn is_tag_handle(h: &[u16]) -> bool {
    let bang = c(b'!') as u16;
    match h {
        [b] => *b == bang,
        [a, b] => *a == bang && *b == bang,
        [first, middle @ .., last] => {
            *first == bang && *last == bang && middle.iter().all(|u| is_alnum(*u) || *u == c(b'-') as u16)
        }
        [] => false,
    }
}

/// `PATTERN_TAG_URI` (case-insensitive): a first character that is `!` or not a flow indicator
/// (`,[]{}`), then `%XX` escapes and URI characters.
pub(super) fn is_tag_uri(t: &[u16]) -> bool {
    let Some((&first, rest)) = t.split_first() else {
        return false;
    };
    if b",[]{}".iter().any(|b| u16::from(*b) == first) {
        return false;
    }
    let hex = |u: Option<&u16>| u.is_some_and(|u| u8::try_from(*u).is_ok_and(|b| b.is_ascii_hexdigit()));
    let mut i = 0;
    while i < rest.len() {
        let u = rest[i];
        if u == c(b'%') as u16 {
            if !(hex(rest.get(i + 1)) && hex(rest.get(i + 2))) {
                return false;
            }
            i += 3;
        } else if is_alnum(u) || b"-#;/?:@&=+$,_.!~*'()[]".iter().any(|b| u16::from(*b) == u) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

impl State {
    /// `readTagProperty`.
    pub(super) fn read_tag_property(&mut self) -> R<bool> {
        let mut ch = self.cur();
        if ch != c(b'!') {
            return Ok(false);
        }
        if self.tag.is_some() {
            return Err(self.fail("duplication of a tag property"));
        }
        self.position += 1;
        ch = self.cur();
        let mut is_verbatim = false;
        let mut is_named = false;
        let mut handle: Vec<u16> = Vec::new();
        if ch == c(b'<') {
            is_verbatim = true;
            self.position += 1;
            ch = self.cur();
        } else if ch == c(b'!') {
            is_named = true;
            handle = vec![0x21, 0x21];
            self.position += 1;
            ch = self.cur();
        } else {
            handle = vec![0x21];
        }
        let mut start = self.position;
        let name: Vec<u16>;
        if is_verbatim {
            // A do-while: the character right after `<` is not tested.
            loop {
                self.position += 1;
                ch = self.cur();
                if ch == 0 || ch == c(b'>') || ch == super::NAN {
                    break;
                }
            }
            if self.position < self.length {
                name = self.slice(start, self.position).to_vec();
                self.position += 1;
            } else {
                return Err(self.fail("unexpected end of the stream within a verbatim tag"));
            }
        } else {
            while ch != 0 && ch != super::NAN && !is_ws_or_eol(ch) {
                if ch == c(b'!') {
                    if is_named {
                        return Err(self.fail("tag suffix cannot contain exclamation marks"));
                    }
                    handle = self.slice(start.saturating_sub(1), self.position + 1).to_vec();
                    if !is_tag_handle(&handle) {
                        return Err(self.fail("named tag handle cannot contain such characters"));
                    }
                    is_named = true;
                    start = self.position + 1;
                }
                self.position += 1;
                ch = self.cur();
            }
            name = self.slice(start, self.position).to_vec();
            if name.iter().any(|u| is_flow_indicator(u32::from(*u))) {
                return Err(self.fail("tag suffix cannot contain flow indicator characters"));
            }
        }
        if !name.is_empty() && !is_tag_uri(&name) {
            return Err(self.fail(format!("tag name cannot contain such characters: {}", lossy(&name))));
        }
        let Ok(decoded) = decode_uri_component(&name) else {
            return Err(self.fail(format!("tag name is malformed: {}", lossy(&name))));
        };
        let tag = if is_verbatim {
            lossy(&decoded)
        } else if let Some(prefix) = self.tag_map.get(&handle) {
            format!("{}{}", lossy(prefix), lossy(&decoded))
        } else if handle == [0x21] {
            format!("!{}", lossy(&decoded))
        } else if handle == [0x21, 0x21] {
            format!("tag:yaml.org,2002:{}", lossy(&decoded))
        } else {
            return Err(self.fail(format!("undeclared tag handle \"{}\"", lossy(&handle))));
        };
        self.tag = Some(Rc::from(tag));
        Ok(true)
    }

    /// Reads a name after `&` or `*`: up to a blank, a line break or a flow indicator.
    fn read_name(&mut self) -> (usize, usize) {
        self.position += 1;
        let start = self.position;
        let mut ch = self.cur();
        while ch != 0 && ch != super::NAN && !is_ws_or_eol(ch) && !is_flow_indicator(ch) {
            self.position += 1;
            ch = self.cur();
        }
        (start, self.position)
    }

    /// `readAnchorProperty`.
    pub(super) fn read_anchor_property(&mut self) -> R<bool> {
        if self.cur() != c(b'&') {
            return Ok(false);
        }
        if self.anchor.is_some() {
            return Err(self.fail("duplication of an anchor property"));
        }
        let (start, end) = self.read_name();
        if start == end {
            return Err(self.fail("name of an anchor node must contain at least one character"));
        }
        self.anchor = Some(self.slice(start, end).into());
        Ok(true)
    }

    /// `readAlias`.
    pub(super) fn read_alias(&mut self) -> R<bool> {
        if self.cur() != c(b'*') {
            return Ok(false);
        }
        let (start, end) = self.read_name();
        if start == end {
            return Err(self.fail("name of an alias node must contain at least one character"));
        }
        let name = self.slice(start, end);
        match self.anchor_map.get(name) {
            Some(value) => self.result = value.clone(),
            None => return Err(self.fail(format!("unidentified alias \"{}\"", lossy(name)))),
        }
        self.skip_separation_space(true);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn tag_patterns() {
        assert!(is_tag_handle(&u("!")));
        assert!(is_tag_handle(&u("!!")));
        assert!(is_tag_handle(&u("!a-b1!")));
        assert!(!is_tag_handle(&u("!a_b!")));
        assert!(is_tag_uri(&u("str")));
        assert!(is_tag_uri(&u("%zz")));
        assert!(!is_tag_uri(&u("a%zz")));
        assert!(is_tag_uri(&u("é")));
        assert!(!is_tag_uri(&u("😀")));
        assert!(!is_tag_uri(&u("{a")));
        assert!(is_tag_uri(&u("a[b],c")));
    }
}
