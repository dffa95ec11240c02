//! `hubgate card`: what the gate reads from one card, for authors and for comparison with the
//! Hub's reference reading (docs/reference-reading.md).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Format;
use anyhow::{Context, Result};
use hubgate::card::{Card, Metadata};
use hubgate::verdict::Severity;

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
    let card = Card::from_bytes(bytes);
    let findings = hubgate::hub::verify(&card, args.repo_type.into());
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            // The metadata as `JSON.stringify` prints it (lone surrogates, `1e+21`), spliced
            // into the document the report prints for the rest.
            let metadata = match &card.metadata {
                Metadata::Parsed(Some(node)) => hubgate::card::yaml::to_json_text(node),
                _ => "null".to_owned(),
            };
            let document = hubgate::report::json::card(card.front_matter.is_some(), &metadata, &findings);
            writeln!(out, "{document}")?;
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
            if let Metadata::Parsed(Some(node)) = &card.metadata
                && let metadata = node.to_json()
                && !metadata.is_null()
            {
                writeln!(out, "{}", serde_json::to_string_pretty(&metadata)?)?;
            }
            out.write_all(hubgate::report::text::card_lines(&findings).as_bytes())?;
        }
    }
    let errors = findings.iter().any(|f| f.severity == Severity::Error);
    Ok(if errors { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
