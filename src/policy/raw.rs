//! Reading a policy file's tables key by key, so that every problem of a file is found in one
//! round: every syntax error (the parser recovers), every key that does not belong to its table,
//! every value of the wrong type, each with its place. serde's derive stops at the first problem
//! of a table; here each key is read on its own.

use std::ops::Range;

use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::load::Problem;
use super::{Level, Rule};

/// One table of a policy file as written, with where it is.
pub(super) struct Table<'t, 'i> {
    table: &'t DeTable<'i>,
    span: Range<usize>,
    /// What the table is called in messages (`[[policy]]`, `[policy.license]`).
    pub name: String,
}

/// Where a problem is, turned into a [`Problem`] by the caller (it knows the file).
pub(super) type At<'a> = &'a dyn Fn(Range<usize>, String) -> Problem;

impl<'t, 'i> Table<'t, 'i> {
    /// The table in `value`, or a problem when it is another kind of value.
    pub fn of(value: &'t Spanned<DeValue<'i>>, name: String, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Self> {
        match value.get_ref() {
            DeValue::Table(table) => Some(Table {
                table,
                span: value.span(),
                name,
            }),
            _ => {
                problems.push(at(value.span(), format!("{name} must be a table")));
                None
            }
        }
    }

    /// The document's top-level table.
    pub fn root(table: &'t Spanned<DeTable<'i>>) -> Self {
        Table {
            table: table.get_ref(),
            span: table.span(),
            name: "the file".into(),
        }
    }

    /// Where the table starts (for problems about the table as a whole).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Reports every key not in `allowed`, each at its place, naming the keys that are.
    pub fn only(&self, allowed: &[&str], at: At<'_>, problems: &mut Vec<Problem>) {
        for key in self.table.keys() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let expected: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
                problems.push(at(
                    key.span(),
                    format!(
                        "unknown field `{}` in {}, expected one of {}",
                        key.get_ref(),
                        self.name,
                        expected.join(", ")
                    ),
                ));
            }
        }
    }

    /// The raw value under `key`.
    pub fn value(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// The value under `key` read as `T`; `None` when absent or unreadable (then a problem says
    /// why, at the value).
    pub fn get<T: DeserializeOwned>(&self, key: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Option<T> {
        let value = self.value(key)?;
        match T::deserialize(value.clone().into_deserializer()) {
            Ok(v) => Some(v),
            Err(e) => {
                let span = e.span().unwrap_or_else(|| value.span());
                problems.push(at(span, format!("{} (`{key}` in {})", e.message(), self.name)));
                None
            }
        }
    }

    /// [`Table::get`] with a default for an absent or unreadable value.
    pub fn or<T: DeserializeOwned>(&self, key: &str, default: T, at: At<'_>, problems: &mut Vec<Problem>) -> T {
        self.get(key, at, problems).unwrap_or(default)
    }

    /// The sub-table under `key`, when present.
    pub fn table(&self, key: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Table<'t, 'i>> {
        let name = format!("[policy.{key}]");
        Table::of(self.value(key)?, name, at, problems)
    }

    /// The `level` and `overridable` every rule table has, read once for all of them.
    pub fn rule(&self, default: Level, at: At<'_>, problems: &mut Vec<Problem>) -> Rule {
        Rule::new(
            self.or("level", default, at, problems),
            self.or("overridable", false, at, problems),
        )
    }
}

/// The keys of every rule table.
pub(super) const RULE_KEYS: [&str; 2] = ["level", "overridable"];

/// `RULE_KEYS` and `more`: the keys a rule table may hold.
pub(super) fn rule_keys<'a>(more: &[&'a str]) -> Vec<&'a str> {
    RULE_KEYS.iter().copied().chain(more.iter().copied()).collect()
}
