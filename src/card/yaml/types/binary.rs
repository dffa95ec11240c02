//! `binary` (`lib/type/binary.js`): base64, line breaks skipped, `=` counted as a digit by
//! `resolve` and dropped by `construct`, so `QQ==QQ==` reads and `QQ` does not.

use std::rc::Rc;

use super::super::js::JsValue;
use super::{Resolved, TypeError};

const MAP: &[u8; 67] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n\r";

fn code(c: u16) -> Option<usize> {
    MAP.iter().position(|m| u16::from(*m) == c)
}

/// `resolve` and `construct` of `!!binary`.
pub(super) fn resolve(data: &JsValue) -> Resolved {
    let s = match data {
        JsValue::Null => return Ok(None),
        JsValue::Str(s) => s,
        // `data.charAt` / `data.replace` on something that is not a string: a TypeError.
        _ => return Err(TypeError),
    };
    let mut bitlen = 0usize;
    for &c in s.iter() {
        match code(c) {
            Some(c) if c > 64 => {}
            Some(_) => bitlen += 6,
            None => return Ok(None),
        }
    }
    if !bitlen.is_multiple_of(8) {
        return Ok(None);
    }
    let input: Vec<u32> = s
        .iter()
        .filter_map(|&c| code(c).filter(|c| *c < 64))
        .map(|c| c as u32)
        .collect();
    let mut bits: u32 = 0;
    let mut out = Vec::with_capacity(input.len() * 3 / 4 + 3);
    for (idx, v) in input.iter().enumerate() {
        if idx % 4 == 0 && idx > 0 {
            out.extend([(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]);
        }
        bits = (bits << 6) | v;
    }
    match (input.len() % 4) * 6 {
        0 => out.extend([(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]),
        18 => out.extend([(bits >> 10) as u8, (bits >> 2) as u8]),
        12 => out.push((bits >> 4) as u8),
        _ => {}
    }
    Ok(Some(JsValue::Bytes(Rc::from(out))))
}
