//! JavaScript's number parsing as js-yaml's `int` and `float` types use it.

/// `parseInt(digits, radix)` for a string of valid digits in radix 2, 8, 10 or 16, rounded as V8
/// rounds it (correctly, to nearest, ties to even). `NaN` for no digits.
pub(in super::super) fn parse_int(digits: &[u16], radix: u32) -> f64 {
    if digits.is_empty() {
        return f64::NAN;
    }
    if radix == 10 {
        let text: String = digits.iter().map(|&c| char::from(c as u8)).collect();
        return text.parse().unwrap_or(f64::NAN);
    }
    let bits_per_digit = match radix {
        2 => 1,
        8 => 3,
        _ => 4,
    };
    // The value's bits, most significant first, without leading zeros.
    let mut bits: Vec<bool> = Vec::with_capacity(digits.len() * bits_per_digit);
    for &c in digits {
        let d = char::from_u32(u32::from(c))
            .and_then(|c| c.to_digit(radix))
            .unwrap_or(0);
        for shift in (0..bits_per_digit).rev() {
            let bit = (d >> shift) & 1 == 1;
            if bit || !bits.is_empty() {
                bits.push(bit);
            }
        }
    }
    if bits.is_empty() {
        return 0.0;
    }
    let exponent = bits.len() as i32 - 1;
    if exponent > 1023 {
        return f64::INFINITY;
    }
    let mut mantissa: u64 = 0;
    for &b in bits.iter().take(53) {
        mantissa = (mantissa << 1) | u64::from(b);
    }
    let kept = bits.len().min(53);
    if bits.len() > 53 {
        let half = bits[53];
        let sticky = bits[54..].iter().any(|b| *b);
        if half && (sticky || mantissa & 1 == 1) {
            mantissa += 1;
        }
    }
    // mantissa * 2^(len - kept): exact, since mantissa has at most 54 bits.
    let value = mantissa as f64 * 2f64.powi((bits.len() - kept) as i32);
    if value.is_finite() { value } else { f64::INFINITY }
}

/// `parseFloat` of a string that matches js-yaml's float pattern (digits with an optional point
/// and exponent; no sign, no `inf` or `nan`).
pub(in super::super) fn parse_float(text: &[u16]) -> f64 {
    let text: String = text.iter().map(|&c| char::from(c as u8)).collect();
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text.as_str(), ""),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let int = if int.is_empty() { "0" } else { int };
    let frac = if frac.is_empty() { "0" } else { frac };
    // A long exponent saturates: the value is infinite or zero either way.
    let exponent: String = if exponent.trim_start_matches(['+', '-']).len() > 9 {
        let sign = if exponent.starts_with('-') { "-" } else { "" };
        format!("{sign}999999999")
    } else if exponent.is_empty() {
        "0".into()
    } else {
        exponent.into()
    };
    format!("{int}.{frac}e{exponent}").parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn parse_int_rounds_as_v8() {
        assert_eq!(parse_int(&u("FFFFFFFFFFFFFFFFFFFF"), 16), 1.2089258196146292e24);
        assert_eq!(parse_int(&u(&"1".repeat(61)), 2), 2305843009213694000.0);
        assert_eq!(parse_int(&u("777"), 8), 511.0);
        assert_eq!(parse_int(&u("0012"), 10), 12.0);
        // 2^53 + 1 rounds to even (2^53), 2^53 + 3 up to 2^53 + 4.
        assert_eq!(parse_int(&u("20000000000001"), 16), 9007199254740992.0);
        assert_eq!(parse_int(&u("20000000000003"), 16), 9007199254740996.0);
        assert_eq!(parse_int(&u(&"F".repeat(300)), 16), f64::INFINITY);
    }

    #[test]
    fn parse_float_reads_every_form_of_the_pattern() {
        assert_eq!(parse_float(&u("1.")), 1.0);
        assert_eq!(parse_float(&u(".5")), 0.5);
        assert_eq!(parse_float(&u("1.e5")), 100000.0);
        assert_eq!(parse_float(&u("1E+2")), 100.0);
        assert_eq!(parse_float(&u("1e99999999999")), f64::INFINITY);
        assert_eq!(parse_float(&u("1e-99999999999")), 0.0);
    }
}
