//! `null`, `bool`, `int` and `float` (`lib/type/{null,bool,int,float}.js`).

use super::super::js::number::{parse_float, parse_int};
use super::super::js::{JsValue, to_string};
use super::{Resolved, TypeError};

const fn u(c: u8) -> u16 {
    c as u16
}

fn is(data: &[u16], text: &str) -> bool {
    data.len() == text.len() && data.iter().zip(text.bytes()).all(|(a, b)| *a == u(b))
}

/// `!!null`: `~`, `null`, `Null`, `NULL`, or no content.
pub(super) fn null(data: &JsValue) -> Option<JsValue> {
    match data {
        JsValue::Null => Some(JsValue::Null),
        JsValue::Str(s) if ["~", "null", "Null", "NULL"].iter().any(|t| is(s, t)) => Some(JsValue::Null),
        _ => None,
    }
}

/// `!!bool`: the YAML 1.2 spellings only.
pub(super) fn boolean(data: &JsValue) -> Option<JsValue> {
    let JsValue::Str(s) = data else { return None };
    if ["true", "True", "TRUE"].iter().any(|t| is(s, t)) {
        Some(JsValue::Bool(true))
    } else if ["false", "False", "FALSE"].iter().any(|t| is(s, t)) {
        Some(JsValue::Bool(false))
    } else {
        None
    }
}

fn is_dec(c: u16) -> bool {
    (u(b'0')..=u(b'9')).contains(&c)
}

fn is_oct(c: u16) -> bool {
    (u(b'0')..=u(b'7')).contains(&c)
}

fn is_hex(c: u16) -> bool {
    is_dec(c) || (u(b'A')..=u(b'F')).contains(&c) || (u(b'a')..=u(b'f')).contains(&c)
}

/// `!!int`: decimal (leading zeros read as decimal), `0b`, `0o`, `0x`; no `_`, no `0X`.
pub(super) fn int(data: &JsValue) -> Resolved {
    match data {
        JsValue::Str(s) => Ok(resolve_int(s).then(|| JsValue::Number(parse_yaml_integer(s)))),
        // `data.charCodeAt` of a byte array: a TypeError in js-yaml.
        JsValue::Bytes(b) if !b.is_empty() => Err(TypeError),
        _ => Ok(None),
    }
}

fn resolve_int(data: &[u16]) -> bool {
    let max = data.len();
    if max == 0 {
        return false;
    }
    let mut index = 0;
    let mut ch = data.first().copied();
    if ch == Some(u(b'-')) || ch == Some(u(b'+')) {
        index += 1;
        ch = data.get(index).copied();
    }
    if ch == Some(u(b'0')) {
        if index + 1 == max {
            return true;
        }
        index += 1;
        ch = data.get(index).copied();
        let radix: Option<fn(u16) -> bool> = match ch.map(|c| c as u8) {
            Some(b'b') => Some(|c| c == u(b'0') || c == u(b'1')),
            Some(b'x') => Some(is_hex),
            Some(b'o') => Some(is_oct),
            _ => None,
        };
        if let Some(valid) = radix {
            let digits = &data[index + 1..];
            return !digits.is_empty() && digits.iter().all(|c| valid(*c)) && parse_yaml_integer(data).is_finite();
        }
    }
    let digits = &data[index..];
    !digits.is_empty() && digits.iter().all(|c| is_dec(*c)) && parse_yaml_integer(data).is_finite()
}

fn parse_yaml_integer(data: &[u16]) -> f64 {
    let mut value = data;
    let mut sign = 1.0;
    if let Some(&c) = value.first()
        && (c == u(b'-') || c == u(b'+'))
    {
        if c == u(b'-') {
            sign = -1.0;
        }
        value = &value[1..];
    }
    if is(value, "0") {
        return 0.0;
    }
    if value.first() == Some(&u(b'0')) {
        match value.get(1).map(|c| *c as u8) {
            Some(b'b') => return sign * parse_int(&value[2..], 2),
            Some(b'x') => return sign * parse_int(&value[2..], 16),
            Some(b'o') => return sign * parse_int(&value[2..], 8),
            _ => {}
        }
    }
    sign * parse_int(value, 10)
}

/// Whether `data` matches js-yaml's `YAML_FLOAT_PATTERN`.
fn float_pattern(d: &[u16]) -> bool {
    let digits = |i: &mut usize| {
        let start = *i;
        while d.get(*i).is_some_and(|c| is_dec(*c)) {
            *i += 1;
        }
        *i > start
    };
    let exponent = |i: &mut usize| {
        if d.get(*i) == Some(&u(b'e')) || d.get(*i) == Some(&u(b'E')) {
            let mut j = *i + 1;
            if d.get(j) == Some(&u(b'-')) || d.get(j) == Some(&u(b'+')) {
                j += 1;
            }
            if digits(&mut j) {
                *i = j;
            }
        }
    };
    if special_pattern(d) {
        return true;
    }
    let mut i = 0;
    if d.first() == Some(&u(b'.')) {
        i = 1;
        if !digits(&mut i) {
            return false;
        }
        exponent(&mut i);
        return i == d.len();
    }
    if d.first() == Some(&u(b'-')) || d.first() == Some(&u(b'+')) {
        i = 1;
    }
    if !digits(&mut i) {
        return false;
    }
    if d.get(i) == Some(&u(b'.')) {
        i += 1;
        digits(&mut i);
    }
    exponent(&mut i);
    i == d.len()
}

/// `[-+]?.inf` in three spellings, `.nan` in three.
fn special_pattern(d: &[u16]) -> bool {
    let rest = match d.first() {
        Some(&c) if c == u(b'-') || c == u(b'+') => &d[1..],
        _ => d,
    };
    let inf = [".inf", ".Inf", ".INF"].iter().any(|t| is(rest, t));
    let nan = rest.len() == d.len() && [".nan", ".NaN", ".NAN"].iter().any(|t| is(d, t));
    inf || nan
}

/// `!!float`: `1.5`, `1e3`, `.5`, `1.`, `.inf`, `.nan`; a finite value or one of the specials.
pub(super) fn float(data: &JsValue) -> Resolved {
    let text = match data {
        JsValue::Str(s) => {
            if !float_pattern(s) {
                return Ok(None);
            }
            let finite = parse_float(strip_sign(s)).is_finite();
            if !finite && !special_pattern(s) {
                return Ok(None);
            }
            return Ok(Some(JsValue::Number(construct_float(s))));
        }
        JsValue::Null => return Ok(None),
        other => to_string(other),
    };
    // The pattern is tested on `String(data)`; `construct` then calls `data.toLowerCase`,
    // which numbers and byte arrays lack.
    if float_pattern(&text) && parse_float(strip_sign(&text)).is_finite() {
        Err(TypeError)
    } else {
        Ok(None)
    }
}

fn strip_sign(d: &[u16]) -> &[u16] {
    match d.first() {
        Some(&c) if c == u(b'-') || c == u(b'+') => &d[1..],
        _ => d,
    }
}

fn construct_float(data: &[u16]) -> f64 {
    let lower: Vec<u16> = data
        .iter()
        .map(|&c| if (u(b'A')..=u(b'Z')).contains(&c) { c + 32 } else { c })
        .collect();
    let sign = if lower.first() == Some(&u(b'-')) { -1.0 } else { 1.0 };
    let value = strip_sign(&lower);
    if is(value, ".inf") {
        sign * f64::INFINITY
    } else if is(value, ".nan") {
        f64::NAN
    } else {
        sign * parse_float(value)
    }
}
