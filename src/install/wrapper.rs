//! The hook scripts `hubgate install` writes, and reading them back for `hubgate doctor`.
//!
//! A wrapper is a POSIX `sh` script whose second line carries [`MARKER`], so hubgate recognises
//! its own files and never touches anyone else's. When a hook already existed, it is kept as
//! `<hook>.hubgate-chained` and runs with the same input, copied into the repository's own
//! `hubgate/tmp` folder with every step checked: for pre-receive it runs first and its refusal
//! stands, and a copy that cannot be made whole refuses the push (fail closed); for post-receive
//! hubgate reads the input straight from git through `tee` (a failed copy never costs the
//! record) and the previous hook runs after it from a complete copy, or the wrapper says loudly
//! what it missed.

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
    /// Where the hook that was there before is kept, when not beside the running hook: gitolite
    /// symlinks its common hooks into every repository, so `$0` is the repository's link, not the
    /// common folder that holds `<hook>.hubgate-chained`.
    pub chained_dir: Option<PathBuf>,
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

/// The script for hook `kind`; with `chained`, the previous hook runs too, with the same input.
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
    let template = if kind == "pre-receive" {
        PRE_RECEIVE
    } else {
        POST_RECEIVE
    };
    // The command goes in last, so that nothing in its paths is ever read as a placeholder.
    let body = format!("{COPY_SETUP}{template}")
        .replace("{kind}", kind)
        .replace("{CHAINED}", CHAINED)
        .replace("{CHAINED_DIR}", &chained_dir(cmd))
        .replace("{CMD}", &cmd.line(kind));
    format!("{head}{body}")
}

/// The `sh` expression for the folder holding the previous hook.
fn chained_dir(cmd: &Command) -> String {
    match &cmd.chained_dir {
        Some(dir) => quote(dir),
        None => "\"$(dirname \"$0\")\"".to_owned(),
    }
}

/// What both chained wrappers share: where the copy of the input goes, and its cleanup.
///
/// The copy lives in the repository's own `hubgate/tmp` folder, not in `$TMPDIR`: `/tmp` is
/// often a small tmpfs shared by every user of the server, while the repository's file system has
/// just taken the push's objects; and a copy left by a killed hook stays beside the repository it
/// belongs to. Every step's status is checked; the messages name no server path.
const COPY_SETUP: &str = r#"chained={CHAINED_DIR}/{kind}.{CHAINED}
tmp="${GIT_DIR:-.}/hubgate/tmp"
input=
keep=
trap 'if [ -n "$input" ] && [ -z "$keep" ]; then rm -f "$input"; fi' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
"#;

/// pre-receive: the previous hook runs first, from a complete copy, and its refusal stands; when
/// the copy cannot be made whole the push is refused (fail closed, exit 2), since the previous
/// hook and hubgate could not both check it.
const PRE_RECEIVE: &str = r#"# The hook that was here before runs first, with the same input: {kind}.{CHAINED}.
# The input is copied whole first; if that fails the push is refused (fail closed).
refuse() {
    echo "hubgate: the push was refused unchecked: $1; {kind}.{CHAINED} and hubgate could not both check it (fail closed); tell an administrator." >&2
    exit 2
}
{ mkdir -p "$tmp"; } 2>/dev/null || refuse "the folder hubgate/tmp for a copy of the push cannot be created"
input=$(mktemp "$tmp/{kind}.XXXXXX" 2>/dev/null) || { input=; refuse "no file for a copy of the push can be created in hubgate/tmp"; }
{ cat > "$input"; } 2>/dev/null || refuse "copying the push to hubgate/tmp failed (is the disk full?)"
"$chained" "$@" < "$input" || exit $?
{CMD} < "$input"
"#;

/// post-receive: hubgate reads the input straight from git through `tee`, so a failed copy never
/// costs the record; the previous hook runs after it from the copy, and only from a complete one.
/// Otherwise the wrapper says loudly what the previous hook missed and where it is: the ref lines
/// themselves when no copy could be started, the partial copy (kept) when it broke off.
const POST_RECEIVE: &str = r#"# The hook that was here before runs too, with the same input: {kind}.{CHAINED}.
# hubgate reads the input straight from git (tee copies it on the way), so a failed copy never
# costs the record; the previous hook then runs from the copy, if the copy is complete.
run_hubgate() {
{CMD}
}
if ! { mkdir -p "$tmp" && input=$(mktemp "$tmp/{kind}.XXXXXX"); } 2>/dev/null; then
    input=
    echo "hubgate: WARNING: the push was accepted, but {kind}.{CHAINED} did not run: no file for a copy of its input can be created in hubgate/tmp (full disk or permissions). hubgate records the push; the ref updates the previous hook missed follow, for an administrator to run it with." >&2
    LC_ALL=C awk '{ print "hubgate: missed by {kind}.{CHAINED}: " $0 | "cat 1>&2"; print }' | run_hubgate
    exit 1
fi
exec 4>&1
copied=$( { { tee "$input" 2>/dev/null; echo $? >&3; } | run_hubgate >&4 3>&-; } 3>&1 )
exec 4>&-
if [ "$copied" != 0 ]; then
    keep=1
    echo "hubgate: WARNING: the push was accepted and hubgate read all of it, but {kind}.{CHAINED} did not run: copying its input failed (is the disk full?). What was copied is kept in hubgate/tmp/${input##*/}; tell an administrator." >&2
    exit 1
fi
"$chained" "$@" < "$input"
"#;

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
    cmd.chained_dir = text
        .lines()
        .find_map(|l| l.strip_prefix("chained=").filter(|rest| rest.starts_with('\'')))
        .and_then(|rest| split(rest).into_iter().next())
        .and_then(|p| p.rsplit_once('/').map(|(dir, _)| PathBuf::from(dir)));
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
            chained_dir: None,
        };
        for root in [None, Some(PathBuf::from("/srv/it's git"))] {
            let cmd = Command {
                repo_root: root,
                ..cmd.clone()
            };
            for (kind, chained) in [("pre-receive", false), ("pre-receive", true), ("post-receive", true)] {
                let text = script(&cmd, kind, chained);
                assert!(is_ours(&text));
                assert_eq!(parse(&text), Some(cmd.clone()), "{text}");
            }
            let elsewhere = Command {
                chained_dir: Some("/var/lib/git's/local/hooks/common".into()),
                ..cmd.clone()
            };
            let text = script(&elsewhere, "pre-receive", true);
            assert!(
                text.contains("chained='/var/lib/git'\\''s/local/hooks/common'/pre-receive.hubgate-chained"),
                "{text}"
            );
            assert_eq!(parse(&text), Some(elsewhere.clone()), "{text}");
        }
        assert!(!is_ours("#!/bin/sh\necho hi\n"));
    }

    /// The chained scripts are valid `sh` (the integration tests in tests/it/install_wrapper.rs
    /// run them through real pushes).
    #[test]
    fn chained_scripts_parse_as_sh() {
        let cmd = Command {
            bin: "/usr/local/bin/hubgate {kind} {CMD}".into(),
            ..Command::default()
        };
        for kind in ["pre-receive", "post-receive"] {
            let text = script(&cmd, kind, true);
            assert!(!text.contains("{CHAINED}"), "{text}");
            assert!(
                text.contains("'/usr/local/bin/hubgate {kind} {CMD}'"),
                "placeholders stay out of paths: {text}"
            );
            let o = std::process::Command::new("sh")
                .args(["-n", "-c", &text])
                .output()
                .expect("sh runs");
            assert!(
                o.status.success(),
                "{kind}: {}\n{text}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}
