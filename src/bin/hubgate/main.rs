//! The `hubgate` binary: the command line (parsing, dispatch, printing, exit status 0 accept, 1
//! refuse, 2 operational error); everything it runs lives in the library.

mod card;
mod check;
mod demo;
mod discussions;
mod install;
mod lint;
mod outbox;
mod policy;
mod post_receive;
mod pre_receive;
mod replay;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use hubgate::hub::RepoType;
use hubgate::policy::Policy;

/// hubgate: a Hugging Face Hub-compatible gate for ML repositories.
#[derive(Parser)]
#[command(name = "hubgate", version, about)]
pub struct Cli {
    /// Policy directory (`*.toml`) or file; default `$HUBGATE_POLICIES`, else the embedded
    /// Hub-compatible default.
    #[arg(long, global = true, value_name = "PATH")]
    policies: Option<PathBuf>,
    /// Server configuration file (discussions, forge delivery); default `$HUBGATE_CONFIG`.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Output formats of the dry runs.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// What a pusher reads.
    #[default]
    Text,
    /// One JSON object (docs/interface.md).
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// git hook: checks the pushed refs read from stdin; refuses the whole push on an error.
    PreReceive,
    /// git hook: records risk-relevant metadata changes of an accepted push as discussions.
    PostReceive,
    /// Reads and answers the discussion entries kept in a repository.
    Discussions(discussions::Args),
    /// Shows or delivers the entries waiting for the forge.
    Outbox(outbox::Args),
    /// Dry run on a repository: the pre-receive evaluation for the named refs (default: every
    /// branch) as if newly pushed, or for one exact update with --old/--new/--ref.
    Check(check::Args),
    /// Checks card files on disk with the same card and policy rules (default ./README.md).
    Lint(lint::Args),
    /// Prints what the gate reads from one card.
    Card(card::Args),
    /// A self-contained tour: real pushes into a temporary repository with the hook installed.
    Demo,
    /// Installs (or removes) the hooks on bare repositories or a server's repository root.
    Install(install::InstallArgs),
    /// Checks an installation and prints a pass/fail list (exit 1 on a failure).
    Doctor(install::DoctorArgs),
    /// Explains the policies in force for a repository.
    Policy(policy::Args),
}

/// A panic is a bug, and with `panic = "abort"` the pusher would read only "pre-receive hook
/// declined": one line says what happened before the process stops (a pre-receive that stops is
/// a refused push: fail closed). It names the place in hubgate's source, never a server path or
/// the card's text (the panic's message may hold either).
fn say_panics(gitlab: bool) {
    std::panic::set_hook(Box::new(move |info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "{}hubgate: internal error (a bug in hubgate{at}); it stopped, and a push it was checking is refused (fail closed): tell an administrator",
            if gitlab { "GL-HOOK-ERR: " } else { "" }
        );
    }));
}

/// Parses the command line and runs it.
/// The two commands git runs at every push, `hubgate pre-receive` and `hubgate post-receive`, as
/// hooks and `install`'s wrappers write them (optionally `--policies P` and `--config C` first,
/// each once, values not starting with `-`), read without building the whole command line:
/// clap's parser costs about a tenth of the instructions of a single-ref push. Any other form
/// (`--policies=P`, `--help`, a typo) goes through clap as usual.
fn hook_command() -> Option<Cli> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    hook_command_in(&args)
}

/// [`hook_command`] on the arguments after the program name.
fn hook_command_in(args: &[std::ffi::OsString]) -> Option<Cli> {
    let (mut policies, mut config) = (None, None);
    let mut rest = args;
    loop {
        match rest {
            // An empty value is clap's to refuse.
            [flag, value, tail @ ..] if !value.is_empty() && !value.to_string_lossy().starts_with('-') => {
                let slot = match flag.to_str() {
                    Some("--policies") => &mut policies,
                    Some("--config") => &mut config,
                    _ => return None,
                };
                if slot.replace(PathBuf::from(value)).is_some() {
                    return None;
                }
                rest = tail;
            }
            [command] => {
                let command = match command.to_str()? {
                    "pre-receive" => Command::PreReceive,
                    "post-receive" => Command::PostReceive,
                    _ => return None,
                };
                return Some(Cli {
                    policies,
                    config,
                    command,
                });
            }
            _ => return None,
        }
    }
}

fn main() -> ExitCode {
    init_logging();
    let cli = hook_command().unwrap_or_else(Cli::parse);
    let env = hubgate::env::Env::read();
    say_panics(env.forge == hubgate::env::Forge::GitLab);
    #[cfg(debug_assertions)]
    if hubgate::env::test_panic_requested() {
        panic!("a panic the tests asked for (HUBGATE_TEST_PANIC, debug builds only)");
    }
    let policies = cli.policies.or_else(|| env.policies.clone());
    let config = cli.config.or_else(|| env.config.clone());
    let result = match cli.command {
        Command::PreReceive => return pre_receive::run(&env, policies.as_deref()),
        Command::PostReceive => return post_receive::run(&env, policies.as_deref(), config.as_deref()),
        Command::Discussions(args) => discussions::run(
            args,
            &replay::Ctx {
                env: &env,
                policies: policies.as_deref(),
                config: config.as_deref(),
            },
        ),
        Command::Outbox(args) => outbox::run(args, config.as_deref()),
        Command::Check(args) => check::run(args, &env, policies.as_deref()),
        Command::Lint(args) => lint::run(args, policies.as_deref()),
        Command::Card(args) => card::run(args),
        Command::Demo => demo::run(),
        Command::Install(args) => install::install(args, policies.as_deref(), config.as_deref()),
        Command::Doctor(args) => install::doctor(args),
        Command::Policy(args) => policy::run(args, policies.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "hubgate: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr, and only when `RUST_LOG` asks: nothing may reach `remote:` lines unasked.
fn init_logging() {
    if hubgate::env::logs_requested() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .try_init();
    }
}

/// Loads the policies, or none (the embedded default applies) when no path is configured.
fn load_policies(path: Option<&std::path::Path>) -> anyhow::Result<Vec<Policy>> {
    match path {
        None => Ok(Vec::new()),
        Some(p) => hubgate::policy::load::load(p).map_err(|e| anyhow::anyhow!("invalid policy configuration:\n{e}")),
    }
}

/// Exit status of a set of findings.
fn exit_for(findings: &[hubgate::verdict::Finding]) -> ExitCode {
    match hubgate::verdict::Verdict::of(findings) {
        hubgate::verdict::Verdict::Accept => ExitCode::SUCCESS,
        hubgate::verdict::Verdict::Reject => ExitCode::from(1),
    }
}

/// Writes findings in the chosen format to stdout.
fn print(findings: &[hubgate::verdict::Finding], format: Format, several: bool) -> anyhow::Result<()> {
    let format = match format {
        Format::Text => hubgate::report::Format::Text,
        Format::Json => hubgate::report::Format::Json,
    };
    std::io::stdout()
        .lock()
        .write_all(hubgate::report::render(findings, format, several).as_bytes())?;
    Ok(())
}

/// Hook output as the server shows it: on GitLab, only lines that start with `GL-HOOK-ERR:` reach
/// its interface, so every line gets the prefix (docs/sources.md#gitlab-hooks). Everything a hook
/// prints passes here, so this is where it is made inert for terminals: no control or invisible
/// format character from a card, ref or push option reaches a `remote:` line.
fn for_forge(env: &hubgate::env::Env, text: &str) -> String {
    let text = hubgate::report::inert::terminal(text);
    if env.forge != hubgate::env::Forge::GitLab {
        return text;
    }
    text.lines().map(|l| format!("GL-HOOK-ERR: {l}\n")).collect()
}

/// `--repo-type`: the repository kinds the command line accepts, the library's [`RepoType`]
/// without a command-line trait on it.
#[derive(Clone, Copy, ValueEnum, Default)]
enum RepoKind {
    /// A model repository (the default).
    #[default]
    Model,
    /// A dataset repository.
    Dataset,
    /// A Space.
    Space,
}

impl From<RepoKind> for RepoType {
    fn from(k: RepoKind) -> RepoType {
        match k {
            RepoKind::Model => RepoType::Model,
            RepoKind::Dataset => RepoType::Dataset,
            RepoKind::Space => RepoType::Space,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<std::ffi::OsString> {
        line.split(' ').filter(|w| !w.is_empty()).map(Into::into).collect()
    }

    /// What clap reads from the same line, in the fast path's terms (`None`: not a hook line).
    fn by_clap(line: &str) -> Option<(Option<PathBuf>, Option<PathBuf>, bool)> {
        let cli = Cli::try_parse_from(std::iter::once("hubgate".into()).chain(args(line))).ok()?;
        let pre = match cli.command {
            Command::PreReceive => true,
            Command::PostReceive => false,
            _ => return None,
        };
        Some((cli.policies, cli.config, pre))
    }

    #[test]
    fn the_hook_lines_read_as_clap_reads_them_and_other_lines_go_to_clap() {
        for line in [
            "pre-receive",
            "post-receive",
            "--policies /etc/hubgate/policies pre-receive",
            "--config /etc/hubgate.toml --policies /p post-receive",
            "--policies /p --config /c pre-receive",
        ] {
            let fast =
                hook_command_in(&args(line)).map(|c| (c.policies, c.config, matches!(c.command, Command::PreReceive)));
            assert!(fast.is_some(), "{line}");
            assert_eq!(fast, by_clap(line), "{line}");
        }
        for line in [
            "",
            "pre-receive extra",
            "--help",
            "--policies=/p pre-receive",
            "--policies /p --policies /q pre-receive",
            "--policies --config pre-receive",
            "--policies /p",
            "check",
            "--verbose pre-receive",
        ] {
            assert!(hook_command_in(&args(line)).is_none(), "{line:?} must go to clap");
        }
        let empty_value: Vec<std::ffi::OsString> = vec!["--policies".into(), "".into(), "pre-receive".into()];
        assert!(
            hook_command_in(&empty_value).is_none(),
            "an empty --policies must go to clap"
        );
    }
}
