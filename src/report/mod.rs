//! What the pusher (or the administrator running a dry run) reads: findings rendered in one
//! format or another, each format in a module of its own.
//!
//! [`text`] is the only place findings become text (the `remote:` lines of a push, `check` and
//! `lint` in a terminal, `card`'s list); [`json`] the only place they become JSON (`check`,
//! `lint` and `card` with `--format json`, shaped as CONTRACT.md gives them). Another format
//! (SARIF, say) is one more module beside them and one more [`Format`].

pub mod inert;
pub mod json;
pub mod text;

use crate::verdict::Finding;

/// The formats a set of findings can be rendered in, so that a command picks one by name and
/// every format is reached through [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The pusher's view ([`text::render`]).
    Text,
    /// The JSON document of CONTRACT.md ([`json::render`]), on one line.
    Json,
}

/// Renders `findings` in `format`, ready to print: a run's whole output. `several` says the run
/// covered more than one ref or file (the text names each then; JSON carries them in its fields).
pub fn render(findings: &[Finding], format: Format, several: bool) -> String {
    match format {
        Format::Text => text::render(findings, several),
        Format::Json => format!("{}\n", json::render(findings)),
    }
}

#[cfg(test)]
#[path = "codes_tests.rs"]
mod codes_tests;
