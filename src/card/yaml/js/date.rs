//! JavaScript's `Date` as js-yaml's `timestamp` type makes and prints it, in UTC (the Hub's
//! servers and the reference reading run in UTC).

use crate::time::{civil_from_days, days_from_civil};

const MS_PER_DAY: i64 = 86_400_000;

/// `Date.UTC(year, month, day, hours, minutes, seconds, ms)` for the integers js-yaml passes:
/// months and days out of range carry over, years 0 to 99 mean 1900 to 1999.
pub(in super::super) fn utc(year: i64, month: i64, day: i64, h: i64, m: i64, s: i64, ms: i64) -> f64 {
    let year = if (0..=99).contains(&year) { 1900 + year } else { year };
    let ym = year + month.div_euclid(12);
    let mn = month.rem_euclid(12);
    let days = days_from_civil(ym, mn + 1, 1) + day - 1;
    let t = days * MS_PER_DAY + h * 3_600_000 + m * 60_000 + s * 1000 + ms;
    time_clip(t as f64)
}

/// `TimeClip`: times beyond 8.64e15 ms from the epoch are invalid.
pub(in super::super) fn time_clip(t: f64) -> f64 {
    if t.abs() > 8.64e15 { f64::NAN } else { t }
}

fn split(t: f64) -> (i64, i64, i64, i64, i64, i64, i64, i64) {
    let t = t as i64;
    let days = t.div_euclid(MS_PER_DAY);
    let in_day = t.rem_euclid(MS_PER_DAY);
    let (y, mo, d) = civil_from_days(days);
    let weekday = (days + 4).rem_euclid(7);
    (
        y,
        mo,
        d,
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
        weekday,
    )
}

/// `Date.prototype.toISOString` (what `JSON.stringify` prints); `None` for an invalid date,
/// which `toJSON` turns into `null`.
pub(in super::super) fn to_iso(t: f64) -> Option<String> {
    if !t.is_finite() {
        return None;
    }
    let (y, mo, d, h, mi, s, ms, _) = split(t);
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    Some(format!("{year}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z"))
}

/// `Date.prototype.toString` in UTC, what `String(date)` gives a date used as a mapping key.
pub(in super::super) fn to_string(t: f64) -> String {
    if !t.is_finite() {
        return "Invalid Date".into();
    }
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, _, wd) = split(t);
    let year = if y >= 0 {
        format!("{y:04}")
    } else {
        format!("-{:04}", -y)
    };
    let day = DAYS[wd as usize % 7];
    let month = MONTHS[(mo as usize).saturating_sub(1) % 12];
    format!("{day} {month} {d:02} {year} {h:02}:{mi:02}:{s:02} GMT+0000 (Coordinated Universal Time)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_as_node_prints_them_in_utc() {
        let t = utc(2023, 0, 15, 0, 0, 0, 0);
        assert_eq!(to_iso(t).as_deref(), Some("2023-01-15T00:00:00.000Z"));
        assert_eq!(
            to_string(t),
            "Sun Jan 15 2023 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            to_iso(utc(50, 0, 1, 0, 0, 0, 0)).as_deref(),
            Some("1950-01-01T00:00:00.000Z")
        );
        assert_eq!(
            to_iso(utc(2023, -1, 0, 99, 99, 99, 5)).as_deref(),
            Some("2022-12-04T04:40:39.005Z")
        );
        let far = utc(9999, 98, 99, 0, 0, 0, 0);
        assert_eq!(to_iso(far).as_deref(), Some("+010007-06-07T00:00:00.000Z"));
        assert_eq!(
            to_string(far),
            "Thu Jun 07 10007 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
    }
}
