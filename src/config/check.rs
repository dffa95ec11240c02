//! Checking the configuration file key by key (the shared reader is [`crate::toml_table`]):
//! every key that does not belong to its table, every value of the wrong type, every value out
//! of range, each a [`Problem`] at its place, all collected before anything is decided.
//!
//! The ranges are what hubgate can act on: a `timeout-ms` of 0 would record nothing and one of
//! hours would hold every pusher's terminal; a forge URL with a user name or password in it
//! would print that password in every delivery error; a relative `token-file` would be read from
//! each repository's folder (git runs hooks there), not from where the administrator meant.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Config, Discussions, Gitea, Problem, RefPattern};
use crate::text::LineIndex;
use crate::toml_table::Table;

/// Where a problem is, turned into a [`Problem`] of this file.
type At<'a> = crate::toml_table::At<'a, Problem>;

/// The keys of the file's top level.
const ROOT_KEYS: [&str; 2] = ["discussions", "gitea"];
/// The keys of `[discussions]`.
const DISCUSSIONS_KEYS: [&str; 4] = ["enabled", "watch-refs", "watch-keys", "timeout-ms"];
/// The keys of `[gitea]`.
const GITEA_KEYS: [&str; 5] = ["url", "token-file", "token-env", "label", "label-color"];
/// The longest `timeout-ms`: post-receive holds the pusher's terminal that long at most.
pub(super) const MAX_TIMEOUT_MS: u64 = 600_000;

/// The configuration in `text` (the file `file`), and every problem of it pushed onto
/// `problems`; `None` when the text is not TOML (what the parser recovered is not what the
/// administrator meant).
pub(super) fn config(file: &Path, text: &str, problems: &mut Vec<Problem>) -> Option<Config> {
    let lines = LineIndex::new(text);
    let at = |span: Range<usize>, message: String| {
        let (line, column) = lines.line_col(text, span.start);
        Problem::error(
            file.to_owned(),
            Some(line),
            Some(column),
            message,
            crate::verdict::Code::ConfigInvalid,
        )
    };
    let (doc, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        let message = e.message().to_owned();
        problems.push(match e.span() {
            Some(span) => at(span, message),
            None => Problem::error(
                file.to_owned(),
                None,
                None,
                message,
                crate::verdict::Code::ConfigInvalid,
            ),
        });
    }
    if !errors.is_empty() {
        return None;
    }
    let root = Table::root(&doc);
    root.only(&ROOT_KEYS, &at, problems);
    let discussions = root
        .child("discussions", "[discussions]".into(), &at, problems)
        .map_or_else(Discussions::default, |t| discussions(&t, &at, problems));
    let gitea = root
        .child("gitea", "[gitea]".into(), &at, problems)
        .and_then(|t| gitea(&t, &at, problems));
    Some(Config { discussions, gitea })
}

/// `[discussions]`, every key checked.
fn discussions(t: &Table, at: At<'_>, problems: &mut Vec<Problem>) -> Discussions {
    t.only(&DISCUSSIONS_KEYS, at, problems);
    let default = Discussions::default();
    let enabled = boolean(t, "enabled", at, problems).unwrap_or(default.enabled);
    // An invalid glob is reported where the array starts, as it was before the file was checked
    // key by key (the `config-invalid` snapshot in src/report/snapshots shows that place).
    let array = t.value("watch-refs").map_or(0..0, Spanned::span);
    let watch_refs = strings(t, "watch-refs", at, problems).map_or(default.watch_refs, |written| {
        written
            .iter()
            .filter_map(|s| ref_pattern(s, &array, at, problems))
            .collect()
    });
    let watch_keys = strings(t, "watch-keys", at, problems).map_or(default.watch_keys, |written| {
        for key in written.iter().filter(|k| k.get_ref().trim().is_empty()) {
            problems.push(at(key.span(), "an entry of `watch-keys` must not be empty".into()));
        }
        written.into_iter().map(Spanned::into_inner).collect()
    });
    let timeout_ms =
        integer(t, "timeout-ms", "an integer (milliseconds)", at, problems).map_or(default.timeout_ms, |n| {
            match u64::try_from(*n.get_ref()) {
                Ok(ms) if (1..=MAX_TIMEOUT_MS).contains(&ms) => ms,
                _ => {
                    problems.push(at(
                        n.span(),
                        format!(
                            "`timeout-ms` in [discussions] must be from 1 to {MAX_TIMEOUT_MS} (milliseconds), not {}",
                            n.get_ref()
                        ),
                    ));
                    default.timeout_ms
                }
            }
        });
    Discussions {
        enabled,
        watch_refs,
        watch_keys,
        timeout_ms,
    }
}

/// One entry of `watch-refs`, compiled; an empty one or one that cannot match a full ref name
/// (`main` for `refs/heads/main`) is a problem at its place, an invalid glob one at `array`.
fn ref_pattern(
    s: &Spanned<String>,
    array: &Range<usize>,
    at: At<'_>,
    problems: &mut Vec<Problem>,
) -> Option<RefPattern> {
    let text = s.get_ref();
    let problem = if text.is_empty() {
        Some("an empty pattern matches no ref (`watch-refs` in [discussions])".to_owned())
    } else if text != "HEAD" && !text.starts_with("refs/") && !text.starts_with(['*', '?', '[']) {
        Some(format!(
            "\"{text}\" in watch-refs matches no ref: full ref names start with refs/ (refs/heads/{text}?), \
             or write HEAD for the default branch"
        ))
    } else {
        None
    };
    if let Some(message) = problem {
        problems.push(at(s.span(), message));
        return None;
    }
    RefPattern::try_from(text.clone())
        .map_err(|message| problems.push(at(array.clone(), message)))
        .ok()
}

/// `[gitea]`, every key checked; `None` without a usable `url`.
fn gitea(t: &Table, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Gitea> {
    t.only(&GITEA_KEYS, at, problems);
    let url = string(t, "url", at, problems);
    if t.value("url").is_none() {
        problems.push(at(t.span(), "[gitea] has no `url`".into()));
    }
    let url = url.and_then(|u| match url_problem(u.get_ref()) {
        None => Some(u.into_inner()),
        Some(why) => {
            problems.push(at(u.span(), format!("`url` in [gitea] {why}")));
            None
        }
    });
    let token_file = string(t, "token-file", at, problems).and_then(|f| {
        let path = PathBuf::from(f.get_ref());
        if path.is_absolute() {
            Some(path)
        } else {
            problems.push(at(
                f.span(),
                format!(
                    "`token-file` in [gitea] must be an absolute path (hooks run in each repository's folder), not \"{}\"",
                    f.get_ref()
                ),
            ));
            None
        }
    });
    let token_env = string(t, "token-env", at, problems).and_then(|v| {
        let name = v.get_ref();
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if valid {
            Some(v.into_inner())
        } else {
            problems.push(at(
                v.span(),
                format!(
                    "`token-env` in [gitea] must be an environment variable name (letters, digits, _), not \"{name}\""
                ),
            ));
            None
        }
    });
    let label = string(t, "label", at, problems).map_or_else(super::default_label, |l| {
        if l.get_ref().trim().is_empty() || l.get_ref().chars().any(char::is_control) {
            problems.push(at(
                l.span(),
                "`label` in [gitea] must not be empty nor hold control characters".into(),
            ));
        }
        l.into_inner()
    });
    let label_color = string(t, "label-color", at, problems).map_or_else(super::default_color, |c| {
        let hex = c.get_ref().strip_prefix('#');
        if !hex.is_some_and(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit())) {
            problems.push(at(
                c.span(),
                format!(
                    "`label-color` in [gitea] must be a colour written #rrggbb (such as \"#d73a4a\"), not \"{}\"",
                    c.get_ref()
                ),
            ));
        }
        c.into_inner()
    });
    Some(Gitea {
        url: url?,
        token_file,
        token_env,
        label,
        label_color,
    })
}

/// Why `url` cannot be a forge's base URL, or `None`. Never repeats the URL: it may hold a
/// password.
fn url_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Some("must start with https:// or http://");
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("must not hold spaces or control characters");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Some("must not hold a user name or password (use token-file or token-env)");
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Some("names no host");
    }
    if rest.contains(['?', '#']) {
        return Some("must not hold a query or a fragment (the API is <url>/api/v1)");
    }
    None
}

/// The boolean under `key`.
fn boolean(t: &Table, key: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Option<bool> {
    let read = |v: &DeValue| match v {
        DeValue::Boolean(b) => Some(*b),
        _ => None,
    };
    t.typed(key, "a boolean", read, at, problems).map(Spanned::into_inner)
}

/// The string under `key`.
fn string(t: &Table, key: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Spanned<String>> {
    let read = |v: &DeValue| match v {
        DeValue::String(s) => Some(s.to_string()),
        _ => None,
    };
    t.typed(key, "a string", read, at, problems)
}

/// The integer under `key` (`wanted` says what it counts).
fn integer(t: &Table, key: &str, wanted: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Spanned<i128>> {
    let read = |v: &DeValue| match v {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    };
    t.typed(key, wanted, read, at, problems)
}

/// The array of strings under `key`; an entry of another kind is a problem at that entry.
fn strings<'i>(t: &Table<'_, 'i>, key: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Vec<Spanned<String>>> {
    let read = |v: &DeValue<'i>| match v {
        DeValue::Array(a) => Some(a.to_vec()),
        _ => None,
    };
    let entries = t.typed(key, "an array of strings", read, at, problems)?;
    let mut out = Vec::new();
    let mut wrong = false;
    for entry in entries.into_inner() {
        match entry.get_ref() {
            DeValue::String(s) => out.push(Spanned::new(entry.span(), s.to_string())),
            other => {
                wrong = true;
                problems.push(at(
                    entry.span(),
                    format!(
                        "`{key}` in {} must be an array of strings, not {}",
                        t.name,
                        crate::toml_table::kind(other)
                    ),
                ));
            }
        }
    }
    (!wrong).then_some(out)
}
