//! `hubgate discussions`: reading and answering the entries kept in a repository.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Format;
use hubgate::discussion::store::Store;
use hubgate::discussion::{Entry, Event};
use hubgate::report::inert::line;

/// Arguments of `discussions`.
#[derive(clap::Args)]
pub(super) struct Args {
    /// The repository (default: the current directory).
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t, global = true)]
    format: Format,
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Every entry, newest last.
    List,
    /// One entry with its events.
    Show {
        /// The entry's number.
        num: u64,
    },
    /// Closes an entry (an administrator's answer), optionally with a comment.
    Close {
        /// The entry's number.
        num: u64,
        /// Who closes it (default: $USER).
        #[arg(long)]
        author: Option<String>,
    },
    /// Records the pushes post-receive kept for later (a crash, a full disk, a lock, a forge
    /// that was down), each with its own pusher, options and time; `--stdin` replays ref lines an
    /// administrator copied from the log (`hubgate-lost:` lines, or plain `<old> <new> <ref>`).
    Replay {
        /// Read one push's ref lines from stdin instead of the journal.
        #[arg(long)]
        stdin: bool,
        /// With `--stdin`: who pushed (as the log line says).
        #[arg(long, requires = "stdin")]
        pusher: Option<String>,
        /// With `--stdin`: the push's identity (as the log line says), so that what was recorded
        /// of it already is not recorded twice.
        #[arg(long, requires = "stdin")]
        push_id: Option<String>,
        /// Only list what is kept; record nothing.
        #[arg(long, conflicts_with = "stdin")]
        dry_run: bool,
    },
    /// Adds a comment to an entry.
    Comment {
        /// The entry's number.
        num: u64,
        /// The comment (Markdown).
        text: String,
        /// Who comments (default: $USER).
        #[arg(long)]
        author: Option<String>,
    },
}

fn who(author: Option<String>) -> String {
    author
        .or_else(hubgate::env::login_name)
        .unwrap_or_else(|| "administrator".into())
}

pub(super) fn run(args: Args, ctx: &super::replay::Ctx<'_>) -> Result<ExitCode> {
    let writes = match &args.action {
        Action::Close { .. } | Action::Comment { .. } => true,
        Action::Replay { dry_run, .. } => !dry_run,
        Action::List | Action::Show { .. } => false,
    };
    if writes {
        hubgate::repo::owner::check_writer(&args.repo)?;
    }
    let store = Store::open(&args.repo)?;
    let mut out = std::io::stdout().lock();
    let now = hubgate::time::rfc3339(hubgate::time::now());
    let show = |out: &mut dyn Write, e: &Entry| -> Result<()> {
        match args.format {
            Format::Json => writeln!(out, "{}", serde_json::to_string(e)?)?,
            Format::Text => {
                // Entries hold card text (and titles written before titles were made inert):
                // every piece is one terminal line, with no control or format character.
                writeln!(out, "#{} [{}] {}", e.num, line(&e.status), line(&e.title))?;
                writeln!(
                    out,
                    "  {} {} -> {} by {} at {}",
                    line(&e.refname),
                    line(short(&e.old)),
                    line(short(&e.new)),
                    line(e.pusher.as_deref().unwrap_or("(unknown)")),
                    line(&e.created_at)
                )?;
                for c in &e.changes {
                    let (k, b, a) = (line(&c.key), line(&c.before.to_string()), line(&c.after.to_string()));
                    writeln!(out, "  {k}: {b} -> {a}")?;
                }
                for ev in &e.events {
                    let (kind, author, at) = (line(&ev.kind), line(&ev.author), line(&ev.created_at));
                    writeln!(out, "  -- {kind} by {author} at {at}")?;
                    if let Some(body) = &ev.body {
                        for l in body.lines() {
                            writeln!(out, "     {}", line(l))?;
                        }
                    }
                }
            }
        }
        Ok(())
    };
    match args.action {
        Action::List => {
            let entries = store.list()?;
            match args.format {
                Format::Json => writeln!(out, "{}", serde_json::json!({"discussions": entries}))?,
                Format::Text => {
                    for e in &entries {
                        writeln!(
                            out,
                            "#{} [{}] {} ({}, {})",
                            e.num,
                            line(&e.status),
                            line(&e.title),
                            line(&e.refname),
                            line(&e.created_at)
                        )?;
                    }
                }
            }
        }
        Action::Show { num } => {
            let e = store.get(num)?.with_context(|| format!("no discussion #{num}"))?;
            show(&mut out, &e)?;
        }
        Action::Close { num, author } => {
            let event = Event {
                kind: "status-change".into(),
                author: who(author),
                created_at: now,
                body: None,
                status: Some("closed".into()),
            };
            let e = store.add_event(num, event)?;
            show(&mut out, &e)?;
        }
        Action::Replay {
            stdin,
            pusher,
            push_id,
            dry_run,
        } => return super::replay::run(&args.repo, stdin, (pusher, push_id), dry_run, ctx),
        Action::Comment { num, text, author } => {
            let event = Event {
                kind: "comment".into(),
                author: who(author),
                created_at: now,
                body: Some(text),
                status: None,
            };
            let e = store.add_event(num, event)?;
            show(&mut out, &e)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
