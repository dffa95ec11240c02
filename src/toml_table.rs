//! Reading the administrator's TOML files (policy files, the server configuration) table by
//! table and key by key, so that every problem of a file is found in one round, each at its
//! place: every key that does not belong to its table, every value of the wrong type. serde's
//! derive stops at the first problem of a table; here each key is read on its own.
//!
//! The problem type is the caller's (`P`): a policy file and the server configuration report
//! under different codes, and only the caller knows the file. This module uses no other module
//! of the crate, so that both `policy` and `config` can use it without a cycle
//! (`scripts/module-graph.py`).

use std::io::Read;
use std::ops::Range;
use std::path::Path;

use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Turns a place (a byte range of the file) and a message into the caller's problem type.
pub type At<'a, P> = &'a dyn Fn(Range<usize>, String) -> P;

/// One table of a file as written, with where it is.
pub struct Table<'t, 'i> {
    table: &'t DeTable<'i>,
    span: Range<usize>,
    /// What the table is called in messages (`[[policy]]`, `[policy.license]`, `[gitea]`).
    pub name: String,
}

impl<'t, 'i> Table<'t, 'i> {
    /// The table in `value`, or a problem when it is another kind of value.
    pub fn of<P>(value: &'t Spanned<DeValue<'i>>, name: String, at: At<'_, P>, problems: &mut Vec<P>) -> Option<Self> {
        match value.get_ref() {
            DeValue::Table(table) => Some(Table {
                table,
                span: value.span(),
                name,
            }),
            other => {
                problems.push(at(value.span(), format!("{name} must be a table, not {}", kind(other))));
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
    pub fn only<P>(&self, allowed: &[&str], at: At<'_, P>, problems: &mut Vec<P>) {
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
    /// why, at the value, in serde's words).
    pub fn get<T: DeserializeOwned, P>(&self, key: &str, at: At<'_, P>, problems: &mut Vec<P>) -> Option<T> {
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
    pub fn or<T: DeserializeOwned, P>(&self, key: &str, default: T, at: At<'_, P>, problems: &mut Vec<P>) -> T {
        self.get(key, at, problems).unwrap_or(default)
    }

    /// The sub-table under `key`, when present, called `name` in messages.
    pub fn child<P>(&self, key: &str, name: String, at: At<'_, P>, problems: &mut Vec<P>) -> Option<Table<'t, 'i>> {
        Table::of(self.value(key)?, name, at, problems)
    }

    /// The value under `key` when it is of the kind `expected` accepts, else a problem naming
    /// the kind wanted (`wanted`, such as "a boolean") and the kind written. For files whose
    /// readers are administrators, not serde users: "must be an integer, not a string".
    pub fn typed<T, P>(
        &self,
        key: &str,
        wanted: &str,
        expected: impl Fn(&DeValue<'i>) -> Option<T>,
        at: At<'_, P>,
        problems: &mut Vec<P>,
    ) -> Option<Spanned<T>> {
        let value = self.value(key)?;
        match expected(value.get_ref()) {
            Some(v) => Some(Spanned::new(value.span(), v)),
            None => {
                problems.push(at(
                    value.span(),
                    format!(
                        "`{key}` in {} must be {wanted}, not {}",
                        self.name,
                        kind(value.get_ref())
                    ),
                ));
                None
            }
        }
    }
}

/// What kind of TOML value `value` is, for messages ("a string", "an array").
pub fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The text of an administrator's file, or why it cannot be read, starting with `unreadable`
/// (such as "unreadable policy file"). `max` bounds its size in bytes, when given.
///
/// The kind of entry is checked before reading, so that a FIFO fails at once instead of
/// blocking a hook until git gives up; a file larger than `max` is refused before it is read.
pub fn read(path: &Path, unreadable: &str, max: Option<u64>) -> Result<String, String> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => {
            let dangling = e.kind() == std::io::ErrorKind::NotFound
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            return Err(match std::fs::read_link(path) {
                Ok(target) if dangling => format!(
                    "{unreadable}: a dangling symbolic link (its target {} does not exist)",
                    target.display()
                ),
                _ => format!("{unreadable}: {e}"),
            });
        }
    };
    if meta.is_dir() {
        return Err(format!("{unreadable}: a directory, not a file"));
    }
    if !meta.is_file() {
        return Err(format!("{unreadable}: not a regular file (a FIFO, socket or device)"));
    }
    let too_large = |max: u64| format!("{unreadable}: larger than {max} bytes");
    if let Some(max) = max
        && meta.len() > max
    {
        return Err(too_large(max));
    }
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path).map_err(|e| format!("{unreadable}: {e}"))?;
    // The file may have grown since `metadata`: never read more than the bound and one byte.
    file.take(max.map_or(u64::MAX, |m| m.saturating_add(1)))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{unreadable}: {e}"))?;
    if let Some(max) = max
        && bytes.len() as u64 > max
    {
        return Err(too_large(max));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{unreadable}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}
