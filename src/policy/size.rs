//! Sizes in policy files (`max-size = "10MiB"`, `min-size = 1000000`) and the scanner tables
//! that carry them, `[policy.directory-entries] max-entries` among them.

use serde::Deserialize;
use toml::Spanned;

use super::load::Problem;
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

/// A scanner table, defaulting to the Hub's behaviour (deny, the Hub's threshold).
pub(super) fn scan(
    raw: Option<(Level, bool, Option<Spanned<RawSize>>)>,
    default: u64,
    problems: &mut Vec<Problem>,
    at: &impl Fn(std::ops::Range<usize>, String) -> Problem,
) -> Scan {
    let Some((level, overridable, size)) = raw else {
        return Scan {
            rule: Rule::new(Level::Deny, false),
            size: default,
        };
    };
    let size = match size {
        None => default,
        Some(s) => {
            let span = s.span();
            match s.into_inner() {
                RawSize::Bytes(b) => b,
                RawSize::Text(t) => parse_size(&t).unwrap_or_else(|| {
                    problems.push(at(
                        span,
                        format!("invalid size \"{t}\": use bytes or a unit such as 10MiB, 1MB"),
                    ));
                    default
                }),
            }
        }
    };
    Scan {
        rule: Rule::new(level, overridable),
        size,
    }
}

/// `[policy.directory-entries]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawEntries {
    #[serde(default)]
    level: Level,
    #[serde(default)]
    overridable: bool,
    #[serde(default)]
    max_entries: Option<u64>,
}

/// The directory-entries table, defaulting to the Hub's behaviour (deny past 10,000 entries).
pub(super) fn entries(raw: Option<RawEntries>) -> Entries {
    match raw {
        None => Entries {
            rule: Rule::new(Level::Deny, false),
            max: DEFAULT_MAX_ENTRIES,
        },
        Some(r) => Entries {
            rule: Rule::new(r.level, r.overridable),
            max: r.max_entries.unwrap_or(DEFAULT_MAX_ENTRIES),
        },
    }
}
