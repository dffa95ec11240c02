//! Reading a policy file's tables key by key, so that every problem of a file is found in one
//! round: every syntax error (the parser recovers), every key that does not belong to its table,
//! every value of the wrong type, each with its place. The reading itself is shared with the
//! server configuration ([`crate::toml_table`]); what is policy-only lives here: the names of
//! rule tables and the `level` and `overridable` every rule table has.

pub(super) use crate::toml_table::Table;

use super::load::Problem;
use super::{Level, Rule};

/// Where a problem is, turned into a [`Problem`] by the caller (it knows the file).
pub(super) type At<'a> = crate::toml_table::At<'a, Problem>;

/// What a policy's tables have beyond a plain table.
pub(super) trait PolicyTable<'t, 'i> {
    /// The rule table under `key` (`[policy.<key>]`), when present.
    fn table(&self, key: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Table<'t, 'i>>;

    /// The `level` and `overridable` every rule table has, read once for all of them.
    fn rule(&self, default: Level, at: At<'_>, problems: &mut Vec<Problem>) -> Rule;
}

impl<'t, 'i> PolicyTable<'t, 'i> for Table<'t, 'i> {
    fn table(&self, key: &str, at: At<'_>, problems: &mut Vec<Problem>) -> Option<Table<'t, 'i>> {
        self.child(key, format!("[policy.{key}]"), at, problems)
    }

    fn rule(&self, default: Level, at: At<'_>, problems: &mut Vec<Problem>) -> Rule {
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
