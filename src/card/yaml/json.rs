//! The JSON text `JSON.stringify` prints for a value, exactly.
//!
//! [`Value::to_json`] gives a `serde_json::Value` for code that works on JSON, but serde_json
//! cannot print what JavaScript prints for every value: a lone surrogate (`"\ud800"`) or the
//! number `1e+21`. `hubgate card --format json` is compared with the Hub's reading text for
//! text (`hub_parse.js`), so it prints through [`to_json_text`].

use super::value::{JsString, Node, Value, array_index};

/// `JSON.stringify(value)` for the value of `node`.
pub fn to_json_text(node: &Node) -> String {
    let mut out = String::new();
    write_value(&node.value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&number_to_string(*n)),
        Value::Number(_) => out.push_str("null"),
        Value::String(s) => write_string(s, out),
        Value::Timestamp(s) => write_string(&JsString::from(s.as_str()), out),
        Value::Bytes(bytes) => {
            out.push('{');
            for (i, b) in bytes.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!("\"{i}\":{b}"));
            }
            out.push('}');
        }
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(&item.value, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            // JavaScript lists array-index keys first, ascending, then the others in insertion order.
            let mut indexed: Vec<(u32, usize)> = entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| array_index(&e.key).map(|n| (n, i)))
                .collect();
            indexed.sort_unstable();
            let order = indexed
                .iter()
                .map(|(_, i)| *i)
                .chain((0..entries.len()).filter(|i| array_index(&entries[*i].key).is_none()));
            out.push('{');
            for (n, i) in order.enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_string(&entries[i].key, out);
                out.push(':');
                write_value(&entries[i].value.value, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string as `JSON.stringify` quotes it: the short escapes, `\u00XX` for other control
/// characters, `\udXXX` for a lone surrogate, everything else as it is.
fn write_string(s: &JsString, out: &mut String) {
    out.push('"');
    match s.lone_surrogates() {
        None => {
            for c in s.as_str().chars() {
                write_char(u32::from(c), out);
            }
        }
        Some(units) => {
            for c in char::decode_utf16(units.iter().copied()) {
                match c {
                    Ok(c) => write_char(u32::from(c), out),
                    Err(e) => out.push_str(&format!("\\u{:04x}", e.unpaired_surrogate())),
                }
            }
        }
    }
    out.push('"');
}

fn write_char(c: u32, out: &mut String) {
    match c {
        0x22 => out.push_str("\\\""),
        0x5C => out.push_str("\\\\"),
        0x08 => out.push_str("\\b"),
        0x0C => out.push_str("\\f"),
        0x0A => out.push_str("\\n"),
        0x0D => out.push_str("\\r"),
        0x09 => out.push_str("\\t"),
        c if c < 0x20 => out.push_str(&format!("\\u{c:04x}")),
        c => out.push(char::from_u32(c).unwrap_or('\u{FFFD}')),
    }
}

/// `Number.prototype.toString()`: the shortest digits that read back as `n`, in positional
/// notation from 1e-6 up to 1e21 (exclusive), in exponential notation (`1e+21`, `5e-7`) outside.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n < 0.0 {
        return format!("-{}", number_to_string(-n));
    }
    // The shortest digits that read back as `n`, and of two such equally near `n` the even one,
    // as ECMAScript requires (Rust's `{:e}` takes the upper one: `562949953421312.25` printed
    // as `...312.3` where JavaScript prints `...312.2`). zmij prints them as a plain number or
    // with an exponent: both are read back into digits and the decimal point's place.
    let mut buf = zmij::Buffer::new();
    let printed = buf.format_finite(n);
    let (mantissa, exp) = match printed.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i64>().unwrap_or(0)),
        None => (printed, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let significant = all.trim_start_matches('0');
    let leading_zeros = (all.len() - significant.len()) as i64;
    let digits = significant.trim_end_matches('0').to_owned();
    // Where the decimal point falls, counted from the first significant digit.
    let point = int.len() as i64 - leading_zeros + exp;
    let k = digits.len() as i64;
    if k <= point && point <= 21 {
        format!("{digits}{}", "0".repeat((point - k) as usize))
    } else if 0 < point && point <= 21 {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    } else if -6 < point && point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let sign = if point - 1 < 0 { '-' } else { '+' };
        let dot = if rest.is_empty() { "" } else { "." };
        format!("{first}{dot}{rest}e{sign}{}", (point - 1).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // The tie cases are written exactly as the doubles they are (`.25` is exact there): the
    // digit clippy would cut is the point of the case.
    #[allow(clippy::excessive_precision)]
    fn numbers_print_as_javascript_prints_them() {
        let cases: &[(f64, &str)] = &[
            (0.000001, "0.000001"),
            // Two shortest spellings equally near: JavaScript takes the even one.
            (562949953421312.25, "562949953421312.2"),
            (225392328631774.625, "225392328631774.62"),
            (12274597140153.3125, "12274597140153.312"),
            (0.1, "0.1"),
            (123.0, "123"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.2089258196146292e24, "1.2089258196146292e+24"),
            (12_345_678_901_234_567_890.0, "12345678901234567000"),
            (2_305_843_009_213_694_000.0, "2305843009213694000"),
            (3.1, "3.1"),
            (-0.5, "-0.5"),
            (123.456, "123.456"),
            (-0.0, "0"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
        ];
        for (n, want) in cases {
            assert_eq!(number_to_string(*n), *want, "{n:e}");
        }
    }

    #[test]
    fn strings_escape_as_json_stringify_does() {
        let mut out = String::new();
        write_string(&JsString::from_utf16(&[0xD800, 0x41, 0x1F, 0x22, 0x7F]), &mut out);
        assert_eq!(out, "\"\\ud800A\\u001f\\\"\u{7f}\"");
    }
}
