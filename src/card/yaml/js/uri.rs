//! `decodeURIComponent`, which js-yaml applies to tag names and `%TAG` prefixes.

/// Decodes `%XX` sequences of UTF-8; `Err` where JavaScript throws a `URIError` (a `%` without
/// two hex digits, bytes that are not UTF-8 of one code point).
pub(in super::super) fn decode_uri_component(text: &[u16]) -> Result<Vec<u16>, ()> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    let byte_at = |i: usize| -> Result<u8, ()> {
        if text.get(i) != Some(&u16::from(b'%')) {
            return Err(());
        }
        let hex = |j: usize| {
            text.get(j)
                .and_then(|&c| char::from_u32(u32::from(c)))
                .and_then(|c| c.to_digit(16))
                .ok_or(())
        };
        Ok((hex(i + 1)? * 16 + hex(i + 2)?) as u8)
    };
    while i < text.len() {
        if text[i] != u16::from(b'%') {
            out.push(text[i]);
            i += 1;
            continue;
        }
        let first = byte_at(i)?;
        i += 3;
        let len = match first {
            0x00..=0x7F => {
                out.push(u16::from(first));
                continue;
            }
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return Err(()),
        };
        let mut bytes = vec![first];
        for _ in 1..len {
            let b = byte_at(i)?;
            if b & 0xC0 != 0x80 {
                return Err(());
            }
            bytes.push(b);
            i += 3;
        }
        let s = std::str::from_utf8(&bytes).map_err(|_| ())?;
        out.extend(s.encode_utf16());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn decodes_like_javascript() {
        assert_eq!(decode_uri_component(&u("a%21b")), Ok(u("a!b")));
        assert_eq!(decode_uri_component(&u("%C3%A9")), Ok(u("é")));
        assert_eq!(decode_uri_component(&u("%zz")), Err(()));
        assert_eq!(decode_uri_component(&u("%C3")), Err(()));
        assert_eq!(decode_uri_component(&u("%ED%A0%80")), Err(()));
        assert_eq!(decode_uri_component(&u("%C0%80")), Err(()));
    }
}
