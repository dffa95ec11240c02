//! Inert text: card text (values and key names alike), ref names, push options and error chains
//! made safe before they reach a terminal line, a discussion title or a pusher.
//!
//! A card is written by the pusher, and whatever hubgate prints from it lands on `remote:` lines
//! the pusher and others read, in `hubgate discussions` output an administrator reads in a
//! terminal, and in forge issue titles. So:
//! - terminal text never carries a control character from the input: C0 (newlines included,
//!   which would forge a `remote:` line; carriage returns, which overwrite one), DEL, C1 (CSI
//!   escapes), nor an invisible format character (bidi embeddings, overrides and isolates such as
//!   U+202E, zero-width characters, line and paragraph separators, tag characters);
//! - titles keep a conservative set, `[A-Za-z0-9._+-/ ,]`, everything else becomes `?`, and a
//!   long text ends in `...`: no Markdown, mention, link, HTML or escape survives;
//! - pushers never see where the server keeps things: a path inside the repository is shown
//!   relative to it (`hubgate/pending/<file>`), any other absolute path by its last component.
//!
//! Replacement is visible (`?`) rather than silent, so that an administrator sees that something
//! was there.

use std::path::{Path, PathBuf};

/// What a hostile character becomes.
const REPLACEMENT: char = '?';

/// Whether `c` is an invisible formatting character: Unicode's format category (Cf) and the
/// line and paragraph separators. These reorder (U+202E), hide (U+200B) or break text without
/// being control characters, so neither `char::is_control` nor a terminal catches them.
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{600}'..='\u{605}'
            | '\u{61C}'
            | '\u{6DD}'
            | '\u{70F}'
            | '\u{890}'..='\u{891}'
            | '\u{8E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Whether `c` must never reach a terminal from untrusted text: C0 (tab and newline included),
/// DEL, C1, and the invisible format characters of [`is_format`].
pub fn is_hostile(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// One terminal line from untrusted text: every hostile character, newlines included, becomes
/// `?`, so the text can neither start a line of its own nor drive the terminal.
pub fn line(text: &str) -> String {
    text.chars()
        .map(|c| if is_hostile(c) { REPLACEMENT } else { c })
        .collect()
}

/// Terminal text of several lines (what a hook prints): line breaks stay (`\r\n` becomes `\n`),
/// a tab becomes a space, every other hostile character becomes `?`. Applied last, to the whole
/// text, so no piece of it can carry an escape sequence or a lone carriage return.
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\t' => out.push(' '),
            c if is_hostile(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` may appear in a title as it is.
fn title_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._+-/ ,".contains(c)
}

/// Untrusted text as a title fragment: `[A-Za-z0-9._+-/ ,]` kept, everything else `?`, at most
/// `max` characters followed by `...` when longer. Used for card values and card key names alike.
pub fn title(text: &str, max: usize) -> String {
    let safe: String = text
        .chars()
        .map(|c| if title_char(c) { c } else { REPLACEMENT })
        .take(max)
        .collect();
    if text.chars().count() > max {
        format!("{safe}...")
    } else {
        safe
    }
}

/// The directory a relative `git_dir` stands for, and its canonical form when it exists: git
/// runs hooks with `GIT_DIR=.`, but libraries report absolute and resolved paths.
fn roots(git_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(abs) = std::path::absolute(git_dir) {
        out.push(crate::repo::name::normalize(&abs));
    }
    if let Ok(canon) = git_dir.canonicalize() {
        out.push(canon);
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.as_os_str().len()));
    out.dedup();
    out
}

/// A path as a pusher may see it: relative to the repository when inside it
/// (`hubgate/pending/<file>`), `<repository>` for the repository itself, else its last component
/// after `.../`.
pub fn in_repo(path: &Path, git_dir: &Path) -> String {
    let abs = std::path::absolute(path).map_or_else(|_| path.to_owned(), |p| crate::repo::name::normalize(&p));
    for root in roots(git_dir) {
        for candidate in [&abs, &path.to_owned()] {
            if let Ok(rest) = candidate.strip_prefix(&root) {
                return if rest.as_os_str().is_empty() {
                    "<repository>".into()
                } else {
                    line(&rest.to_string_lossy())
                };
            }
        }
    }
    if path.is_relative() {
        return line(&crate::repo::name::normalize(path).to_string_lossy());
    }
    match path.file_name() {
        Some(name) => format!(".../{}", line(&name.to_string_lossy())),
        None => "<server path>".into(),
    }
}

/// Whether an absolute path may start after `prev` (start of text, a space, a quote, a bracket,
/// `=`): never after `:`, so `https://host/...` stays whole.
fn path_may_start_after(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || "'\"`([{<=,".contains(p))
}

/// Where a path that started at a `/` ends.
fn path_ends_at(c: char) -> bool {
    c.is_whitespace() || "'\"`)]}>,;".contains(c)
}

/// A message for the pusher (an error chain, typically) with every absolute server path replaced
/// as [`in_repo`] does. The full message still belongs in the server's log, never on `remote:`.
pub fn paths(text: &str, git_dir: &Path) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '/' && path_may_start_after(prev) && !rest.starts_with("//") {
            let end = rest.find(path_ends_at).unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            // `file.toml:3:5:` keeps its position; the colon ends a path only when a line number
            // or the end follows.
            let (path, suffix) = split_position(word);
            if path.len() > 1 {
                out.push_str(&in_repo(Path::new(path), git_dir));
                out.push_str(suffix);
            } else {
                out.push_str(word);
            }
            prev = word.chars().last();
            rest = after;
            continue;
        }
        out.push(c);
        prev = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `path:3:5:` into `path` and `:3:5:`; a path ending in `:` loses it to the suffix.
fn split_position(word: &str) -> (&str, &str) {
    let mut cut = word.len();
    while let Some(i) = word[..cut].rfind(':') {
        let tail = &word[i + 1..cut];
        if tail.is_empty() || tail.chars().all(|c| c.is_ascii_digit()) {
            cut = i;
        } else {
            break;
        }
    }
    word.split_at(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_cannot_forge_a_remote_line() {
        assert_eq!(
            line("extra_gated_x\nremote: error: fake\r\n"),
            "extra_gated_x?remote: error: fake??"
        );
        assert_eq!(terminal("a\r\nb\rc\n"), "a\nb?c\n");
    }

    #[test]
    fn ansi_escapes_and_c1_controls_are_replaced() {
        assert_eq!(line("\u{1b}[2J\u{1b}]0;x\u{7}"), "?[2J?]0;x?");
        assert_eq!(line("a\u{7f}b\u{9b}31mc\u{85}d"), "a?b?31mc?d");
        assert_eq!(terminal("\u{1b}[31mred\u{1b}[0m\tx\n"), "?[31mred?[0m x\n");
    }

    #[test]
    fn bidi_overrides_and_zero_width_characters_are_replaced() {
        for c in [
            '\u{202E}',
            '\u{2066}',
            '\u{200B}',
            '\u{200D}',
            '\u{FEFF}',
            '\u{2028}',
            '\u{E0041}',
        ] {
            assert_eq!(line(&format!("a{c}b")), "a?b", "{:?}", c);
            assert!(is_hostile(c));
        }
        assert_eq!(line("modèle 模型 é"), "modèle 模型 é", "ordinary letters stay");
    }

    #[test]
    fn titles_keep_a_conservative_set_with_an_ellipsis() {
        assert_eq!(title("[link](http://evil)", 60), "?link??http?//evil?");
        assert_eq!(
            title("@admin <img src=x onerror=alert(1)>", 60),
            "?admin ?img src?x onerror?alert?1??"
        );
        assert_eq!(title("x\u{202E}\u{200B}\u{1b}[2J", 60), "x????2J");
        assert_eq!(title(&"k".repeat(70), 60), format!("{}...", "k".repeat(60)));
        assert_eq!(title("extra_gated_prompt", 60), "extra_gated_prompt");
    }

    #[test]
    fn server_paths_become_repository_relative_or_a_file_name() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let git_dir = tmp.path().join("acme/model.git");
        std::fs::create_dir_all(git_dir.join("hubgate/pending")).expect("mkdir");
        let pending = git_dir.join("hubgate/pending/0001-2.txt");
        assert_eq!(in_repo(&pending, &git_dir), "hubgate/pending/0001-2.txt");
        let text = format!(
            "it stays in {}; cannot open the repository at {}: \"/etc/hubgate/policies/a.toml:3:5: bad\" see https://hf.co/docs/x",
            pending.display(),
            git_dir.display()
        );
        assert_eq!(
            paths(&text, &git_dir),
            "it stays in hubgate/pending/0001-2.txt; cannot open the repository at <repository>: \".../a.toml:3:5: bad\" see https://hf.co/docs/x"
        );
        assert_eq!(
            paths("ref refs/heads/a/b and / alone", &git_dir),
            "ref refs/heads/a/b and / alone"
        );
        assert!(!paths(&format!("in {}", tmp.path().display()), &git_dir).contains(&*tmp.path().to_string_lossy()));
    }

    #[test]
    fn a_relative_git_dir_still_matches_absolute_paths() {
        let cwd = crate::env::current_dir().expect("cwd");
        let abs = cwd.join("hubgate/pending/x.txt");
        assert_eq!(in_repo(&abs, Path::new(".")), "hubgate/pending/x.txt");
        assert_eq!(
            in_repo(Path::new("./hubgate/pending/x.txt"), Path::new(".")),
            "hubgate/pending/x.txt"
        );
    }
}
