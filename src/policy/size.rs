//! Sizes in policy files (`max-size = "10MiB"`, `min-size = 1000000`) and the scanner tables
//! that carry them, `[policy.directory-entries] max-entries` among them.

use serde::Deserialize;
use toml::Spanned;

use super::load::Problem;
use super::raw::{At, PolicyTable, Table, rule_keys};
use super::{DEFAULT_MAX_ENTRIES, Entries, Level, Rule, Scan};

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawSize {
    Bytes(u64),
    Text(String),
}

/// Bytes from `10MiB`, `1MB`, `512KiB`, `2000` (decimal and binary units).
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1_048_576.0,
        "gib" => 1_073_741_824.0,
        _ => return None,
    };
    let bytes = n * mult;
    (0.0..1.8e19).contains(&bytes).then_some(bytes.round() as u64)
}

/// A scanner table (`[policy.large-files]` with `max-size`, `[policy.binary-files]` with
/// `min-size`: `size_key`), defaulting to the Hub's behaviour (deny, the Hub's threshold).
pub(super) fn scan(
    table: Option<Table>,
    size_key: &str,
    default: u64,
    at: At<'_>,
    problems: &mut Vec<Problem>,
) -> Scan {
    let Some(t) = table else {
        return Scan {
            rule: Rule::new(Level::Deny, false),
            size: default,
        };
    };
    t.only(&rule_keys(&[size_key]), at, problems);
    let size = match t.get::<Spanned<RawSize>, _>(size_key, at, problems) {
        None => default,
        Some(s) => {
            let span = s.span();
            match s.into_inner() {
                RawSize::Bytes(b) => b,
                RawSize::Text(text) => parse_size(&text).unwrap_or_else(|| {
                    problems.push(at(
                        span,
                        format!("invalid size \"{text}\": use bytes or a unit such as 10MiB, 1MB"),
                    ));
                    default
                }),
            }
        }
    };
    Scan {
        rule: t.rule(Level::Deny, at, problems),
        size,
    }
}

/// `[policy.directory-entries]`, defaulting to the Hub's behaviour (deny past 10,000 entries).
pub(super) fn entries(table: Option<Table>, at: At<'_>, problems: &mut Vec<Problem>) -> Entries {
    match table {
        None => Entries {
            rule: Rule::new(Level::Deny, false),
            max: DEFAULT_MAX_ENTRIES,
        },
        Some(t) => {
            t.only(&rule_keys(&["max-entries"]), at, problems);
            Entries {
                rule: t.rule(Level::Deny, at, problems),
                max: t.or("max-entries", DEFAULT_MAX_ENTRIES, at, problems),
            }
        }
    }
}
