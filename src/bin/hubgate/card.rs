//! `hubgate card`: what the gate reads from one card, for authors and for comparison with the
//! Hub's reference reading (docs/reference-reading.md).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::json;

use super::Format;
use hubgate::card::{Card, Metadata};
use hubgate::verdict::{Finding, Severity};

/// Arguments of `card`.
#[derive(clap::Args)]
pub(super) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// The repository type the Hub's checks assume.
    #[arg(long, value_enum, default_value_t)]
    repo_type: super::RepoKind,
    /// The card (default ./README.md).
    file: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> Result<ExitCode> {
    let file = args.file.unwrap_or_else(|| PathBuf::from("README.md"));
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let card = Card::read(&bytes);
    let findings = hubgate::hub::verify(&card, args.repo_type.into());
    let metadata = match &card.metadata {
        Metadata::Parsed(Some(node)) => node.to_json(),
        _ => serde_json::Value::Null,
    };
    let item = |f: &Finding| json!({"code": f.code.as_str(), "message": f.message, "line": f.line, "column": f.column});
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(item)
        .collect();
    let warnings: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(item)
        .collect();
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            // The metadata as `JSON.stringify` prints it (lone surrogates, `1e+21`), spliced
            // into the object serde_json prints for the rest.
            let metadata = match &card.metadata {
                Metadata::Parsed(Some(node)) => hubgate::card::yaml::to_json_text(node),
                _ => "null".to_owned(),
            };
            writeln!(
                out,
                "{{\"front_matter\":{},\"metadata\":{metadata},\"errors\":{},\"warnings\":{}}}",
                card.front_matter.is_some(),
                serde_json::to_string(&errors)?,
                serde_json::to_string(&warnings)?
            )?;
        }
        Format::Text => {
            writeln!(
                out,
                "{}: front matter {}",
                file.display(),
                if card.front_matter.is_some() {
                    "found"
                } else {
                    "not found"
                }
            )?;
            if !metadata.is_null() {
                writeln!(out, "{}", serde_json::to_string_pretty(&metadata)?)?;
            }
            for f in &findings {
                let sev = if f.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                let at = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                writeln!(out, "{sev}[{}]{at}: {}", f.code.as_str(), f.message)?;
            }
        }
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
