//! The server configuration: defaults, and every way an administrator's file can be wrong,
//! each reported at its place, all in one round.

use super::*;

/// The problems `Config::load` finds in a file `c.toml` holding `text`, one per line, with the
/// temporary folder taken out of the path; none when it loads.
fn problems(text: impl AsRef<[u8]>) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("c.toml");
    std::fs::write(&file, text).expect("write");
    of(&dir, &file)
}

fn of(dir: &tempfile::TempDir, file: &Path) -> Vec<String> {
    match Config::load(Some(file)) {
        Ok(_) => Vec::new(),
        Err(e) => {
            let prefix = format!("{}/", dir.path().display());
            e.to_string().lines().map(|l| l.replace(&prefix, "")).collect()
        }
    }
}

/// The one problem of `text`, asserted to be alone.
fn problem(text: &str) -> String {
    let found = problems(text);
    assert_eq!(found.len(), 1, "{text:?}: {found:#?}");
    found.into_iter().next().unwrap_or_default()
}

#[test]
fn the_default_watches_head_and_pull_requests() {
    let d = Discussions::default();
    assert_eq!(d.watch_refs.len(), 2);
    assert!(d.watch_refs[0].matches("refs/heads/main", Some("refs/heads/main")));
    assert!(d.watch_refs[1].matches("refs/pr/7", None));
}

#[test]
fn a_broken_watch_glob_is_an_error_at_its_place() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "[discussions]\nwatch-refs = [\"HEAD\", \"refs/[\"]\n").expect("write");
    let e = Config::load(Some(&file)).expect_err("refused");
    let text = format!("{e:#}");
    assert!(text.contains("c.toml:2:"), "{text}");
    assert!(text.contains("invalid glob \"refs/[\" in watch-refs"), "{text}");
}

#[test]
fn three_mistakes_are_three_problems_in_one_run() {
    assert_eq!(
        problems("[discussions]\nenabled = \"yes\"\ntimeout-ms = 0\ncolour = 1\n"),
        [
            "c.toml:2:11: `enabled` in [discussions] must be a boolean, not a string [config-invalid]",
            "c.toml:3:14: `timeout-ms` in [discussions] must be from 1 to 600000 (milliseconds), not 0 [config-invalid]",
            "c.toml:4:1: unknown field `colour` in [discussions], expected one of `enabled`, `watch-refs`, \
             `watch-keys`, `timeout-ms` [config-invalid]",
        ]
    );
}

#[test]
fn every_syntax_error_is_reported_with_its_line() {
    let found = problems("[discussions\ntimeout-ms = 5000\n[gitea]\nurl = \nlabel = \"x\"\n");
    assert!(found.len() >= 2, "{found:#?}");
    assert!(found[0].starts_with("c.toml:1:"), "{found:#?}");
    assert!(found.iter().any(|p| p.starts_with("c.toml:4:")), "{found:#?}");
    assert!(found.iter().all(|p| p.ends_with("[config-invalid]")), "{found:#?}");
}

#[test]
fn an_unknown_key_in_every_table_is_refused_with_the_table_and_its_line() {
    assert_eq!(
        problems(
            "colour = 1\n[discussions]\nwatch = []\n[gitea]\nurl = \"https://git.example.org\"\n\
             token-env = \"T\"\ntokenfile = \"/x\"\n"
        ),
        [
            "c.toml:1:1: unknown field `colour` in the file, expected one of `discussions`, `gitea` [config-invalid]",
            "c.toml:3:1: unknown field `watch` in [discussions], expected one of `enabled`, `watch-refs`, \
             `watch-keys`, `timeout-ms` [config-invalid]",
            "c.toml:7:1: unknown field `tokenfile` in [gitea], expected one of `url`, `token-file`, `token-env`, \
             `label`, `label-color` [config-invalid]",
        ]
    );
}

#[test]
fn a_value_of_the_wrong_type_names_the_type_expected() {
    let cases = [
        (
            "discussions = 1\n",
            "1:15: [discussions] must be a table, not an integer",
        ),
        (
            "[[gitea]]\nurl = \"https://x.org\"\n",
            "1:1: [gitea] must be a table, not an array",
        ),
        (
            "[discussions]\nwatch-refs = \"HEAD\"\n",
            "2:14: `watch-refs` in [discussions] must be an array of strings, not a string",
        ),
        (
            "[discussions]\nwatch-refs = [\"HEAD\", 1]\n",
            "2:23: `watch-refs` in [discussions] must be an array of strings, not an integer",
        ),
        (
            "[discussions]\nwatch-keys = [[\"license\"]]\n",
            "2:15: `watch-keys` in [discussions] must be an array of strings, not an array",
        ),
        (
            "[discussions]\ntimeout-ms = \"5s\"\n",
            "2:14: `timeout-ms` in [discussions] must be an integer (milliseconds), not a string",
        ),
        (
            "[discussions]\ntimeout-ms = 5000.0\n",
            "2:14: `timeout-ms` in [discussions] must be an integer (milliseconds), not a float",
        ),
        (
            "[gitea]\nurl = 1\n",
            "2:7: `url` in [gitea] must be a string, not an integer",
        ),
        (
            "[gitea]\nurl = \"https://x.org\"\nlabel = true\n",
            "3:9: `label` in [gitea] must be a string, not a boolean",
        ),
        (
            "[gitea]\nurl = \"https://x.org\"\ntoken-file = 1979-05-27\n",
            "3:14: `token-file` in [gitea] must be a string, not a date-time",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(problem(text), format!("c.toml:{want} [config-invalid]"), "{text:?}");
    }
}

#[test]
fn values_out_of_range_are_refused() {
    let gitea = |line: &str| format!("[gitea]\nurl = \"https://git.example.org\"\n{line}\n");
    let cases = [
        (
            "[discussions]\ntimeout-ms = -1\n".to_owned(),
            "must be from 1 to 600000",
        ),
        (
            "[discussions]\ntimeout-ms = 600001\n".to_owned(),
            "must be from 1 to 600000",
        ),
        (
            "[discussions]\nwatch-refs = [\"\"]\n".to_owned(),
            "an empty pattern matches no ref",
        ),
        ("[discussions]\nwatch-refs = [\"main\"]\n".to_owned(), "matches no ref"),
        ("[discussions]\nwatch-keys = [\"\"]\n".to_owned(), "must not be empty"),
        (
            "[gitea]\nurl = \"git.example.org\"\n".to_owned(),
            "must start with https:// or http://",
        ),
        (
            "[gitea]\nurl = \"ftp://git.example.org\"\n".to_owned(),
            "must start with https:// or http://",
        ),
        ("[gitea]\nurl = \"https://\"\n".to_owned(), "names no host"),
        ("[gitea]\nurl = \"https://git.example.org/?a=b\"\n".to_owned(), "query"),
        (
            "[gitea]\nurl = \"https://git example.org\"\n".to_owned(),
            "spaces or control",
        ),
        ("[gitea]\ntoken-env = \"T\"\n".to_owned(), "[gitea] has no `url`"),
        (gitea("token-file = \"relative/token\""), "must be an absolute path"),
        (gitea("token-file = \"\""), "must be an absolute path"),
        (gitea("token-env = \"NOT A NAME\""), "environment variable name"),
        (gitea("token-env = \"\""), "environment variable name"),
        (gitea("label = \"\""), "must not be empty"),
        (gitea("label-color = \"red\""), "#rrggbb"),
        (gitea("label-color = \"#12345g\""), "#rrggbb"),
        (gitea("label-color = \"d73a4a\""), "#rrggbb"),
    ];
    for (text, want) in cases {
        let found = problem(&text);
        assert!(
            found.contains(want) && found.ends_with("[config-invalid]"),
            "{text:?}: {found}"
        );
    }
}

#[test]
fn credentials_in_the_forge_url_are_refused_and_never_repeated() {
    let found = problem("[gitea]\nurl = \"https://admin:s3cret@git.example.org\"\n");
    assert!(found.starts_with("c.toml:2:7: "), "{found}");
    assert!(found.contains("user name or password"), "{found}");
    assert!(!found.contains("s3cret"), "{found}");
}

#[test]
fn an_empty_file_means_every_default() {
    for text in ["", "\n\n", "# nothing configured yet\n"] {
        assert_eq!(problems(text), Vec::<String>::new(), "{text:?}");
    }
}

#[test]
fn a_file_that_is_not_utf8_is_refused() {
    assert_eq!(
        problems(b"[gitea]\nlabel = \"caf\xe9\"\n"),
        ["c.toml: unreadable configuration file: not UTF-8 text (invalid byte at offset 20) [config-invalid]"]
    );
}

#[test]
fn a_huge_file_is_refused_without_being_parsed() {
    let text = "# padding padding padding padding padding padding padding padding\n".repeat(20_000);
    assert_eq!(
        problems(text),
        ["c.toml: unreadable configuration file: larger than 1048576 bytes [config-invalid]"]
    );
}

#[test]
fn deep_nesting_is_a_problem_not_a_crash() {
    let text = format!(
        "[discussions]\nwatch-keys = {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let found = problems(text);
    assert!(!found.is_empty() && found[0].starts_with("c.toml:2:"), "{found:#?}");
}

#[cfg(unix)]
#[test]
fn a_fifo_a_directory_and_a_dangling_link_are_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    assert_eq!(
        of(&dir, &fifo),
        ["fifo.toml: unreadable configuration file: not a regular file (a FIFO, socket or device) [config-invalid]"]
    );
    assert_eq!(
        of(&dir, dir.path()),
        [format!(
            "{}: unreadable configuration file: a directory, not a file [config-invalid]",
            dir.path().display()
        )]
    );
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink("gone.toml", &link).expect("symlink");
    assert_eq!(
        of(&dir, &link),
        [
            "link.toml: unreadable configuration file: a dangling symbolic link (its target gone.toml does not exist) \
             [config-invalid]"
        ]
    );
}

#[test]
fn a_full_valid_file_loads_with_its_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("c.toml");
    std::fs::write(
        &file,
        "[discussions]\nenabled = false\nwatch-refs = [\"HEAD\", \"refs/heads/*\", \"*\"]\nwatch-keys = [\"base_model\"]\n\
         timeout-ms = 600000\n[gitea]\nurl = \"http://127.0.0.1:3000/\"\ntoken-file = \"/etc/hubgate/token\"\n\
         token-env = \"GITEA_TOKEN_2\"\nlabel = \"risk\"\nlabel-color = \"#A0b1C2\"\n",
    )
    .expect("write");
    let c = Config::load(Some(&file)).expect("valid");
    assert!(!c.discussions.enabled);
    assert_eq!(c.discussions.watch_refs, ["HEAD", "refs/heads/*", "*"]);
    assert_eq!(c.discussions.watch_keys, ["base_model"]);
    assert_eq!(c.discussions.timeout_ms, 600_000);
    let g = c.gitea.expect("gitea");
    assert_eq!(g.url, "http://127.0.0.1:3000/");
    assert_eq!(g.token_file.as_deref(), Some(Path::new("/etc/hubgate/token")));
    assert_eq!(g.token_env.as_deref(), Some("GITEA_TOKEN_2"));
    assert_eq!((g.label.as_str(), g.label_color.as_str()), ("risk", "#A0b1C2"));
}
