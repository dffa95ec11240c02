//! One git configuration file (a repository's `config`, a template's, a user's `.gitconfig`)
//! read and written in-process with gix-config, as `git config --file FILE` does it, instead of
//! spawning git several times per repository (issue 13 item 5).
//!
//! Only what `install` and `doctor` need: the last value of a key, setting a key that is not
//! set, and removing one. Like `git config --file`, include directives are not followed (git
//! only follows them with `--includes`). The bytes written are git's own for the cases the
//! tests compare (`tests` below: a `git init --bare` config, comments, a `[receive]` section
//! already there, an include, a missing final newline, an empty or missing file), except where
//! gix-config writes differently; those cases are handed to git itself ([`git_writes`]).
//!
//! A write goes through `<file>.lock`, created exclusively as git does, so that hubgate and a
//! git command running at the same time never interleave: the second one fails, as between two
//! git commands.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use gix::config::{File, Source, file::Metadata};

/// The last value of `key` (`section.name`, or `section.sub.name`) in `file`, as
/// `git config --file file --get key` prints it (quotes and escapes resolved; an entry written
/// without `=` reads as empty); `None` when the file or the key is missing, or the file does
/// not parse.
pub(crate) fn get(file: &Path, key: &str) -> Option<String> {
    let config = load(file).ok()?;
    let (section, name) = key.rsplit_once('.')?;
    let (section, sub) = match section.split_once('.') {
        Some((s, sub)) => (s, Some(sub.as_bytes())),
        None => (section, None),
    };
    // The last section of that name holding the key, and its last value there, as git reads
    // it; `value_implicit` also sees an entry written without `=` (git prints it as empty).
    let value = config
        .sections_by_name(section)?
        .filter(|s| s.header().subsection_name().map(|n| n.as_ref()) == sub && s.body().contains_value_name(name))
        .last()?
        .body()
        .value_implicit(name)?;
    Some(value.map_or_else(String::new, |v| String::from_utf8_lossy(&v).into_owned()))
}

/// Sets `key` to `value` in `file` (created when missing), as `git config --file file key value`.
pub(crate) fn set(file: &Path, key: &str, value: &str) -> Result<()> {
    edit(file, &[key, value], |config| {
        config
            .set_raw_value(key, value)
            .map(drop)
            .map_err(|e| anyhow::anyhow!("cannot set {key} in {}: {e}", file.display()))
    })
}

/// Removes `key` from `file`: `git config --file file --unset key`, spawned. git also removes
/// the section header when the key was its last one, unless a comment is before or after it
/// (`maybe_remove_section` in git's config.c, since git 2.18); gix-config leaves the header,
/// and that rule is git's to keep. Uninstalling is rare; installing, which only sets, is what
/// runs on every repository of a server.
pub(crate) fn unset(file: &Path, key: &str) -> Result<()> {
    spawn_git(file, &["--unset", key])
}

/// The file's configuration, without following includes; an empty one when the file is missing.
fn load(file: &Path) -> Result<File> {
    let mut bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    };
    File::from_bytes_owned(&mut bytes, Metadata::from(Source::Local), Default::default())
        .map_err(|e| anyhow::anyhow!("cannot parse {}: {e}", file.display()))
}

/// Whether gix-config would not write what git writes for `value` in the file holding `bytes`,
/// so that git must write it (each case seen in the tests against git 2.47):
/// - a file with CRLF line ends: gix-config writes the lines it adds with the file's line end,
///   git with LF;
/// - an entry not indented by exactly one tab (spaces, none, two tabs), or a section header with
///   more after its `]`: gix-config copies the indentation of the section's entries, git always
///   writes a tab (and the header rule keeps the check simple);
/// - a value git quotes or escapes (`"`, `\`, `#`, `;`, a line end, space at either end):
///   gix-config's raw setter writes the value as it is, which would read back differently.
fn git_writes(bytes: &[u8], value: &str) -> bool {
    let odd_line = |line: &[u8]| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = line.trim_ascii_start();
        match text.first() {
            None | Some(b'#' | b';') => false,
            Some(b'[') => !text.trim_ascii_end().ends_with(b"]"),
            Some(_) => !(line.starts_with(b"\t") && !line[1..].starts_with(b" ") && !line[1..].starts_with(b"\t")),
        }
    };
    memchr::memmem::find(bytes, b"\r\n").is_some()
        || bytes.split(|&b| b == b'\n').any(odd_line)
        || value.contains(['"', '\\', '#', ';', '\n', '\r'])
        || value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace)
}

/// Applies `change` to `file` through its lock file, or runs `git config --file file <args>`
/// where gix-config would not write git's bytes ([`git_writes`]).
fn edit(file: &Path, args: &[&str], change: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
    let value = args.last().copied().unwrap_or_default();
    if std::fs::read(file).is_ok_and(|b| git_writes(&b, value)) || git_writes(b"", value) {
        return spawn_git(file, args);
    }
    let mut config = load(file)?;
    change(&mut config)?;
    let mut out = Vec::new();
    config
        .write_to(&mut out)
        .with_context(|| format!("cannot write {}", file.display()))?;
    let lock = {
        let mut name = file.as_os_str().to_owned();
        name.push(".lock");
        std::path::PathBuf::from(name)
    };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&lock)
        .with_context(|| format!("cannot lock {} (is another git command writing it?)", file.display()))?;
    let written = f.write_all(&out).and_then(|()| f.sync_all());
    if let Err(e) = written.and_then(|()| std::fs::rename(&lock, file)) {
        let _ = std::fs::remove_file(&lock);
        return Err(e).with_context(|| format!("cannot write {}", file.display()));
    }
    Ok(())
}

/// `git config --file file <args>`.
fn spawn_git(file: &Path, args: &[&str]) -> Result<()> {
    let o = std::process::Command::new("git")
        .args(["config", "--file"])
        .arg(file)
        .args(args)
        .output()
        .context("cannot run git config")?;
    if !o.status.success() {
        bail!(
            "git config {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
#[path = "gitconfig_tests.rs"]
mod tests;
