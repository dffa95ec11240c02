//! `hubgate outbox`: what waits for delivery to the forge, and delivering it now.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;

use hubgate::config::Config;
use hubgate::forge::outbox::Outbox;

/// Arguments of `outbox`.
#[derive(clap::Args)]
pub(super) struct Args {
    /// The repository (default: the current directory).
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Lists the waiting items with their last error.
    List,
    /// Delivers every waiting item now (exit 1 if some are still waiting).
    Flush {
        /// How long it may take, in seconds.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
    },
}

pub(super) fn run(args: Args, config: Option<&Path>) -> Result<ExitCode> {
    let outbox = Outbox::of(&args.repo);
    let mut out = std::io::stdout().lock();
    match args.action {
        Action::List => {
            for (path, item) in outbox.items()? {
                match item {
                    Ok(i) => writeln!(
                        out,
                        "#{} {} -> {}/{} (attempts: {}{})",
                        i.entry.num,
                        i.entry.title,
                        i.owner,
                        i.repo,
                        i.attempts,
                        i.last_error.map(|e| format!("; last error: {e}")).unwrap_or_default()
                    )?,
                    Err(e) => writeln!(out, "{}: {e:#}", path.display())?,
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::Flush { timeout } => {
            hubgate::repo::owner::check_writer(&args.repo)?;
            let config = Config::load(config)?;
            let Some(gitea) = &config.gitea else {
                anyhow::bail!("no [gitea] in the configuration: nothing to deliver to")
            };
            let deadline = Instant::now() + Duration::from_secs(timeout);
            let flushed = hubgate::forge::deliver::flush(&outbox, gitea, deadline)?;
            writeln!(
                out,
                "delivered {}, waiting {}{}",
                flushed.delivered,
                flushed.pending,
                if flushed.busy {
                    " (another flush holds the lock)"
                } else {
                    ""
                }
            )?;
            Ok(if flushed.pending == 0 && !flushed.busy {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
