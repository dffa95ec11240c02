//! The hook scripts `hubgate install` writes, and reading them back for `hubgate doctor`.
//!
//! A wrapper is a POSIX `sh` script whose second line carries [`MARKER`], so hubgate recognises
//! its own files and never touches anyone else's. When a hook already existed, it is kept as
//! `<hook>.hubgate-chained` and runs first with the same input: for pre-receive its refusal stands,
//! for post-receive both always run.

use std::path::{Path, PathBuf};

/// The second line of every script hubgate writes.
pub const MARKER: &str = "# hubgate-managed";
/// The suffix of a hook that was there before and now runs first.
pub const CHAINED: &str = "hubgate-chained";

/// What a wrapper runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Command {
    /// The hubgate binary.
    pub bin: PathBuf,
    /// `--policies`, if given.
    pub policies: Option<PathBuf>,
    /// `--config`, if given.
    pub config: Option<PathBuf>,
    /// The root repository names are relative to, exported as `HUBGATE_REPO_ROOT` unless the
    /// environment already sets it (forge variables, read first, still win over both).
    pub repo_root: Option<PathBuf>,
}

/// The start of the line that sets the naming root.
const ROOT_LINE: &str = "[ -n \"${HUBGATE_REPO_ROOT:-}\" ] || HUBGATE_REPO_ROOT=";

/// Single-quotes a word for `sh`.
fn quote(p: &Path) -> String {
    format!("'{}'", p.to_string_lossy().replace('\'', "'\\''"))
}

impl Command {
    /// The command line for hook `kind` (`pre-receive` or `post-receive`).
    fn line(&self, kind: &str) -> String {
        let mut words = vec![quote(&self.bin)];
        if let Some(p) = &self.policies {
            words.push(format!("--policies {}", quote(p)));
        }
        if let Some(c) = &self.config {
            words.push(format!("--config {}", quote(c)));
        }
        words.push(kind.to_owned());
        words.join(" ")
    }
}

/// The script for hook `kind`; with `chained`, the previous hook runs first.
pub fn script(cmd: &Command, kind: &str, chained: bool) -> String {
    let mut head = format!(
        "#!/bin/sh\n{MARKER} {kind} hook: written by `hubgate install`, removed by `hubgate install --uninstall`.\n"
    );
    if let Some(root) = &cmd.repo_root {
        head.push_str(&format!(
            "# Repository names are paths under this root (a HUBGATE_REPO_ROOT already set wins).\n\
             {ROOT_LINE}{}\nexport HUBGATE_REPO_ROOT\n",
            quote(root)
        ));
    }
    if !chained {
        return format!("{head}exec {}\n", cmd.line(kind));
    }
    let previous = format!("\"$(dirname \"$0\")/{kind}.{CHAINED}\" \"$@\" < \"$input\"");
    let run_previous = if kind == "pre-receive" {
        format!("{previous} || exit $?\n")
    } else {
        format!("{previous}\n")
    };
    format!(
        "{head}# The hook that was here before runs first with the same input: {kind}.{CHAINED}.\n\
         input=$(mktemp) || exit 1\n\
         trap 'rm -f \"$input\"' EXIT\n\
         cat > \"$input\"\n\
         {run_previous}\
         {} < \"$input\"\n",
        cmd.line(kind)
    )
}

/// Whether a file's text is one of ours.
pub fn is_ours(text: &str) -> bool {
    text.lines().nth(1).is_some_and(|l| l.starts_with(MARKER))
}

/// Reads the command back from a wrapper's text (the last line that runs the binary).
pub fn parse(text: &str) -> Option<Command> {
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with("exec '") || l.starts_with('\''))?;
    let line = line.strip_prefix("exec ").unwrap_or(line);
    let words = split(line);
    let mut cmd = Command {
        bin: PathBuf::from(words.first()?),
        ..Command::default()
    };
    cmd.repo_root = text
        .lines()
        .find_map(|l| l.strip_prefix(ROOT_LINE))
        .and_then(|rest| split(rest).into_iter().next())
        .map(PathBuf::from);
    let mut it = words.iter().skip(1);
    while let Some(w) = it.next() {
        match w.as_str() {
            "--policies" => cmd.policies = it.next().map(PathBuf::from),
            "--config" => cmd.config = it.next().map(PathBuf::from),
            _ => {}
        }
    }
    Some(cmd)
}

/// Splits a line of single-quoted and bare words, as our scripts write them.
fn split(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    cur.push(q);
                }
            }
            '\\' if chars.peek() == Some(&'\'') => {
                chars.next();
                cur.push('\'');
            }
            '<' => break,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_round_trip() {
        let cmd = Command {
            bin: "/opt/hub gate/bin/hubgate".into(),
            policies: Some("/etc/it's/policies".into()),
            config: None,
            repo_root: None,
        };
        for root in [None, Some(PathBuf::from("/srv/it's git"))] {
            let cmd = Command {
                repo_root: root,
                ..cmd.clone()
            };
            for chained in [false, true] {
                let text = script(&cmd, "pre-receive", chained);
                assert!(is_ours(&text));
                assert_eq!(parse(&text), Some(cmd.clone()), "{text}");
            }
        }
        assert!(!is_ours("#!/bin/sh\necho hi\n"));
    }
}
