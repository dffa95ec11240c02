//! Scalar resolution of js-yaml 4's default schema (YAML 1.2 core, plus timestamps and merge).
//!
//! The Hub reads card metadata with js-yaml 4 (HUB-SPEC 1.7, 6.3). A plain scalar is tried, in
//! order, as null, boolean, integer, float and timestamp; anything else is a string. Quoted and
//! block scalars are always strings. This module is a line-by-line port of js-yaml's
//! `lib/type/{null,bool,int,float,timestamp}.js` (4.3.2), so that `no` stays a string, `0777` is
//! 777, `3.10` is 3.1 and `1_000` is the string "1_000", exactly as on the Hub.

use super::value::Value;
use crate::time::{civil_from_days, days_from_civil};

/// Resolves a plain (unquoted) scalar the way js-yaml's implicit types do.
pub fn plain(text: &str) -> Value {
    if is_null(text) {
        Value::Null
    } else if let Some(b) = bool_value(text) {
        Value::Bool(b)
    } else if let Some(n) = int_value(text) {
        Value::Number(n)
    } else if let Some(n) = float_value(text) {
        Value::Number(n)
    } else if let Some(ts) = timestamp(text) {
        Value::Timestamp(ts)
    } else {
        Value::String(text.to_owned())
    }
}

/// `!!null`, and the implicit null of a plain scalar.
pub fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// `!!bool`: the YAML 1.2 spellings only; `yes`, `no`, `on`, `off` are not booleans.
pub fn bool_value(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `!!int`: decimal (leading zeros allowed, read as decimal), `0b`, `0o`, `0x`; no underscores.
pub fn int_value(text: &str) -> Option<f64> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'-') => (-1.0, &text[1..]),
        Some(b'+') => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    if rest.is_empty() {
        return None;
    }
    if rest == "0" {
        return Some(sign * 0.0);
    }
    let radix_digits = |prefix: &str, radix: u32| -> Option<Option<f64>> {
        let digits = rest.strip_prefix(prefix)?;
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return Some(None);
        }
        let value = digits.chars().fold(0.0_f64, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        });
        Some(Some(sign * value).filter(|v| v.is_finite()))
    };
    for (prefix, radix) in [("0b", 2), ("0x", 16), ("0o", 8)] {
        if let Some(result) = radix_digits(prefix, radix) {
            return result;
        }
    }
    if !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // parseInt(rest, 10): decimal, correctly rounded; leading zeros are not octal.
    let value: f64 = rest.parse().ok()?;
    Some(sign * value).filter(|v| v.is_finite())
}

/// `!!float`: `[-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?`, `\.[0-9]+(...)?`, `.inf`, `.nan`.
pub fn float_value(text: &str) -> Option<f64> {
    let (sign, unsigned, signed) = match text.as_bytes().first() {
        Some(b'-') => (-1.0, &text[1..], true),
        Some(b'+') => (1.0, &text[1..], true),
        _ => (1.0, text, false),
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if !signed => return Some(f64::NAN),
        _ => {}
    }
    let bytes = unsigned.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if bytes.first() == Some(&b'.') {
        // The `.5` form takes no sign in js-yaml's pattern.
        if signed {
            return None;
        }
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    } else {
        if digits(&mut i) == 0 {
            return None;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    let value: f64 = unsigned.parse().ok()?;
    Some(sign * value).filter(|v| v.is_finite())
}

/// `!!timestamp`: a date or a date-time, as the ISO-8601 text `JSON.stringify(date)` prints.
pub fn timestamp(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let num = |s: &[u8]| -> i64 { s.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')) };
    let all_digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    // YYYY-MM-DD exactly.
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let (y, m, d) = (&b[0..4], &b[5..7], &b[8..10]);
        if all_digits(y) && all_digits(m) && all_digits(d) {
            return Some(iso(num(y), num(m) - 1, num(d), 0, 0, 0, 0, 0));
        }
    }
    // YYYY-M[M]-D[D](T|t|[ \t]+)H[H]:MM:SS(.f*)?([ \t]*(Z|[-+]H[H](:MM)?))?
    let mut p = Parser { b, i: 0 };
    let year = p.digits(4, 4)?;
    p.byte(b'-')?;
    let month = p.digits(1, 2)?;
    p.byte(b'-')?;
    let day = p.digits(1, 2)?;
    if p.byte(b'T').is_none() && p.byte(b't').is_none() && p.blanks() == 0 {
        return None;
    }
    let hour = p.digits(1, 2)?;
    p.byte(b':')?;
    let minute = p.digits(2, 2)?;
    p.byte(b':')?;
    let second = p.digits(2, 2)?;
    let mut millis = 0;
    if p.byte(b'.').is_some() {
        let start = p.i;
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
        let mut frac: Vec<u8> = b[start..p.i].iter().copied().take(3).collect();
        if !frac.is_empty() {
            frac.resize(3, b'0');
            millis = num(&frac);
        }
    }
    let mut delta_minutes = 0;
    if p.i < b.len() {
        p.blanks();
        if p.byte(b'Z').is_none() {
            let sign = match b.get(p.i) {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            p.i += 1;
            let tz_hour = p.digits(1, 2)?;
            let tz_minute = if p.byte(b':').is_some() { p.digits(2, 2)? } else { 0 };
            delta_minutes = sign * (tz_hour * 60 + tz_minute);
        }
    }
    if p.i != b.len() {
        return None;
    }
    let offset_ms = delta_minutes * 60_000;
    Some(iso(year, month - 1, day, hour, minute, second, millis, offset_ms))
}

/// A tiny cursor for the timestamp pattern.
struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.i;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        Some(
            self.b[start..self.i]
                .iter()
                .fold(0, |acc, d| acc * 10 + i64::from(d - b'0')),
        )
    }

    fn byte(&mut self, want: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&want)).then(|| self.i += 1)
    }

    fn blanks(&mut self) -> usize {
        let start = self.i;
        while matches!(self.b.get(self.i), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        self.i - start
    }
}

/// `new Date(Date.UTC(...)).toISOString()`, with JavaScript's overflow rules and its mapping of
/// years 0-99 to 1900-1999.
#[expect(clippy::too_many_arguments, reason = "mirrors Date.UTC's own argument list")]
fn iso(year: i64, month0: i64, day: i64, h: i64, mi: i64, s: i64, ms: i64, offset_ms: i64) -> String {
    let year = if (0..=99).contains(&year) { year + 1900 } else { year };
    let y = year + month0.div_euclid(12);
    let m = month0.rem_euclid(12) + 1;
    let days = days_from_civil(y, m, 1) + day - 1;
    let total = days * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms - offset_ms;
    let days = total.div_euclid(86_400_000);
    let rem = total.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let year_text = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{}{:06}", if y < 0 { '-' } else { '+' }, y.abs())
    };
    format!(
        "{year_text}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: Value) -> f64 {
        match v {
            Value::Number(n) => n,
            other => panic!("not a number: {other:?}"),
        }
    }

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        for s in ["yes", "no", "on", "off", "y", "n", "Yes", "NO"] {
            assert_eq!(plain(s), Value::String(s.into()), "{s}");
        }
        assert_eq!(plain("True"), Value::Bool(true));
        assert_eq!(plain("FALSE"), Value::Bool(false));
    }

    #[test]
    fn numbers_follow_js_yaml_4() {
        assert_eq!(num(plain("0777")), 777.0);
        assert_eq!(num(plain("0o17")), 15.0);
        assert_eq!(num(plain("0x1F")), 31.0);
        assert_eq!(num(plain("0b101")), 5.0);
        assert_eq!(num(plain("3.10")), 3.1);
        assert_eq!(num(plain("+12")), 12.0);
        assert_eq!(num(plain("1e3")), 1000.0);
        assert_eq!(num(plain(".5")), 0.5);
        assert_eq!(num(plain("1.")), 1.0);
        assert!(num(plain(".nan")).is_nan());
        assert_eq!(num(plain("-.inf")), f64::NEG_INFINITY);
        assert_eq!(plain("1_000"), Value::String("1_000".into()));
        assert_eq!(plain("-.5"), Value::String("-.5".into()));
        assert_eq!(plain("0x"), Value::String("0x".into()));
        assert_eq!(plain("1e"), Value::String("1e".into()));
    }

    #[test]
    fn nulls() {
        for s in ["~", "null", "Null", "NULL"] {
            assert_eq!(plain(s), Value::Null);
        }
        assert_eq!(plain("nULL"), Value::String("nULL".into()));
    }

    #[test]
    fn timestamps_print_as_javascript_dates() {
        assert_eq!(plain("2023-01-15"), Value::Timestamp("2023-01-15T00:00:00.000Z".into()));
        assert_eq!(
            plain("2001-12-14t21:59:43.10-05:00"),
            Value::Timestamp("2001-12-15T02:59:43.100Z".into())
        );
        assert_eq!(
            plain("2001-12-14 21:59:43.10 -5"),
            Value::Timestamp("2001-12-15T02:59:43.100Z".into())
        );
        assert_eq!(plain("2023-02-30"), Value::Timestamp("2023-03-02T00:00:00.000Z".into()));
        assert_eq!(plain("0050-01-01"), Value::Timestamp("1950-01-01T00:00:00.000Z".into()));
        assert_eq!(plain("2023-1-5"), Value::String("2023-1-5".into()));
    }
}
