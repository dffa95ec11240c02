//! `timestamp` (`lib/type/timestamp.js`): `2001-12-14`, `2001-12-14t21:59:43.10-05:00`,
//! `2001-12-14 21:59:43.10 -5`, made into a `Date` as `Date.UTC` makes it.

use super::super::js::JsValue;
use super::super::js::date::{time_clip, utc};

const fn u(c: u8) -> u16 {
    c as u16
}

/// The parts of a timestamp the two patterns capture.
struct Parts {
    year: i64,
    month: i64,
    day: i64,
    /// Hour, minute, second, milliseconds, and the zone offset in minutes when given.
    time: Option<(i64, i64, i64, i64, Option<i64>)>,
}

/// A cursor over the text, matching as the regular expressions do.
struct Scan<'a> {
    d: &'a [u16],
    i: usize,
}

impl Scan<'_> {
    fn digit(&self, at: usize) -> Option<i64> {
        self.d
            .get(at)
            .filter(|c| (u(b'0')..=u(b'9')).contains(*c))
            .map(|c| i64::from(*c - u(b'0')))
    }

    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0;
        for k in 0..n {
            v = v * 10 + self.digit(self.i + k)?;
        }
        self.i += n;
        Some(v)
    }

    /// `[0-9][0-9]?` followed by `next` (the regex backtracks from two digits to one).
    fn one_or_two_then(&mut self, next: u16) -> Option<i64> {
        let first = self.digit(self.i)?;
        if let Some(second) = self.digit(self.i + 1)
            && self.d.get(self.i + 2) == Some(&next)
        {
            self.i += 2;
            return Some(first * 10 + second);
        }
        if self.d.get(self.i + 1) == Some(&next) {
            self.i += 1;
            return Some(first);
        }
        None
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.d.get(self.i) == Some(&u(c)) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn at_end(&self) -> bool {
        self.i == self.d.len()
    }
}

fn is_blank(c: Option<&u16>) -> bool {
    c == Some(&u(b' ')) || c == Some(&u(b'\t'))
}

/// `YAML_DATE_REGEXP`, then `YAML_TIMESTAMP_REGEXP`.
fn parse(d: &[u16]) -> Option<Parts> {
    let mut s = Scan { d, i: 0 };
    let year = s.digits(4)?;
    if !s.eat(b'-') {
        return None;
    }
    // YYYY-MM-DD exactly.
    if d.len() == 10 && d[7] == u(b'-') {
        let mut t = Scan { d, i: 5 };
        if let (Some(month), true, Some(day)) = (t.digits(2), t.eat(b'-'), t.digits(2)) {
            return Some(Parts {
                year,
                month,
                day,
                time: None,
            });
        }
    }
    let month = s.one_or_two_then(u(b'-'))?;
    s.eat(b'-');
    // The day is followed by `[Tt]` or by blanks.
    let first = s.digit(s.i)?;
    let mut day = first;
    s.i += 1;
    if let Some(second) = s.digit(s.i) {
        let after = d.get(s.i + 1);
        if after == Some(&u(b'T')) || after == Some(&u(b't')) || is_blank(after) {
            day = first * 10 + second;
            s.i += 1;
        }
    }
    if !(s.eat(b'T') || s.eat(b't')) {
        if !is_blank(d.get(s.i)) {
            return None;
        }
        while is_blank(d.get(s.i)) {
            s.i += 1;
        }
    }
    let hour = s.one_or_two_then(u(b':'))?;
    s.eat(b':');
    let minute = s.digits(2)?;
    if !s.eat(b':') {
        return None;
    }
    let second = s.digits(2)?;
    let mut ms = 0;
    if s.eat(b'.') {
        let start = s.i;
        while s.digit(s.i).is_some() {
            s.i += 1;
        }
        // The first three digits, padded: milliseconds.
        let fraction = &d[start..s.i];
        if !fraction.is_empty() {
            for k in 0..3 {
                ms = ms * 10 + fraction.get(k).map_or(0, |c| i64::from(*c - u(b'0')));
            }
        }
    }
    if s.at_end() {
        return Some(Parts {
            year,
            month,
            day,
            time: Some((hour, minute, second, ms, None)),
        });
    }
    while is_blank(d.get(s.i)) {
        s.i += 1;
    }
    let zone = if s.eat(b'Z') {
        None
    } else {
        let sign = if s.eat(b'-') {
            -1
        } else if s.eat(b'+') {
            1
        } else {
            return None;
        };
        let first = s.digit(s.i)?;
        s.i += 1;
        // `([0-9][0-9]?)(?::([0-9][0-9]))?$`: two hour digits only if what follows can end.
        let mut tz_hour = first;
        if let Some(second) = s.digit(s.i) {
            let rest = &d[s.i + 1..];
            let ends = rest.is_empty() || (rest.len() == 3 && rest[0] == u(b':'));
            if ends {
                tz_hour = first * 10 + second;
                s.i += 1;
            }
        }
        let mut tz_minute = 0;
        if s.eat(b':') {
            tz_minute = s.digits(2)?;
        }
        Some(sign * (tz_hour * 60 + tz_minute))
    };
    if !s.at_end() {
        return None;
    }
    Some(Parts {
        year,
        month,
        day,
        time: Some((hour, minute, second, ms, zone)),
    })
}

/// `resolve` and `construct` of `!!timestamp`.
pub(super) fn resolve(data: &JsValue) -> Option<JsValue> {
    let JsValue::Str(s) = data else { return None };
    let p = parse(s)?;
    let t = match p.time {
        None => utc(p.year, p.month - 1, p.day, 0, 0, 0, 0),
        Some((h, m, sec, ms, zone)) => {
            let t = utc(p.year, p.month - 1, p.day, h, m, sec, ms);
            match zone {
                Some(minutes) if minutes != 0 => time_clip(t - (minutes * 60_000) as f64),
                _ => t,
            }
        }
    };
    Some(JsValue::Date(t))
}
