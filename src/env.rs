//! The only place hubgate reads its environment: git's hook variables and its own settings, and
//! the process's own (working folder, executable, login name). A clippy rule
//! (`disallowed-methods` in `clippy.toml`) keeps every other module from reading it, so what a
//! hook depends on is listed here and nowhere else. Paths stay `OsString`s: a repository under a
//! non-UTF-8 path is still found.
#![allow(clippy::disallowed_methods, reason = "this module is where the environment is read")]

use std::ffi::OsString;

use std::path::PathBuf;

use crate::repo::Quarantine;
use crate::repo::name::Name;

/// Which server runs the hook, from its variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Forge {
    /// Plain git (or a server hubgate does not recognise).
    #[default]
    Plain,
    /// Gitea or Forgejo (`GITEA_*`).
    Gitea,
    /// GitLab (`GL_ID`, `GL_PROJECT_PATH`, `GL_REPOSITORY`).
    GitLab,
    /// GitHub Enterprise Server (`GITHUB_REPO_NAME`, `GITHUB_USER_LOGIN`).
    GitHub,
}

/// What the environment says about this run.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `GIT_DIR` (hooks run with it set, usually to `.`).
    pub git_dir: Option<PathBuf>,
    /// The push's quarantine, during pre-receive.
    pub quarantine: Quarantine,
    /// `HUBGATE_POLICIES`: a policy directory or file.
    pub policies: Option<PathBuf>,
    /// `HUBGATE_REPO_ROOT`: the root repository names are relative to.
    pub repo_root: Option<PathBuf>,
    /// `HUBGATE_ON_ERROR=accept`: let pushes through on an internal failure (default: refuse).
    pub fail_open: bool,
    /// `HUBGATE_CONFIG`: the server configuration file.
    pub config: Option<PathBuf>,
    /// The server, from its variables.
    pub forge: Forge,
    /// Who pushed: `HUBGATE_PUSHER` (set by an administrator's wrapper), `GITEA_PUSHER_NAME`
    /// (Gitea, Forgejo), `GL_USERNAME` (GitLab), `GITHUB_USER_LOGIN` (GitHub Enterprise),
    /// `GL_USER` (gitolite), `REMOTE_USER` (smart HTTP behind an authenticating web server).
    pub pusher: Option<String>,
    /// The repository's `owner/name` as the forge names it: `GITEA_REPO_USER_NAME` +
    /// `GITEA_REPO_NAME`, `GL_PROJECT_PATH`, or `GITHUB_REPO_NAME`.
    pub forge_repo: Option<(String, String)>,
    /// gitolite's `GL_REPO` (the full repository name), when `GL_USER` is set as well.
    pub gitolite_repo: Option<String>,
    /// `GITEA_INTERNAL_PUSH=true`: a push Gitea makes itself (merges, web edits).
    pub internal_push: bool,
    /// The push options (`GIT_PUSH_OPTION_0`...), when the client sent any.
    pub push_options: Vec<String>,
    /// `HUBGATE_MAX_INPUT`: the most hook input (stdin) hubgate accepts, in bytes.
    pub max_input: MaxInput,
    /// `GIT_REPLACE_REF_BASE`: where git on this server reads replacement refs besides
    /// `refs/replace/` (the replace-refs rule watches both).
    pub replace_ref_base: Option<String>,
}

/// The default bound on the hook input: 256 MiB, about 2.5 million ref lines, far above any real
/// push, yet small enough that reading it cannot exhaust a server's memory.
pub const DEFAULT_MAX_INPUT: u64 = 256 * 1024 * 1024;

/// The bound on the hook input (`HUBGATE_MAX_INPUT`, in bytes), or the unusable value an
/// administrator set: the hooks then refuse to guess a bound and say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxInput(pub Result<u64, String>);

impl Default for MaxInput {
    fn default() -> Self {
        MaxInput(Ok(DEFAULT_MAX_INPUT))
    }
}

impl MaxInput {
    /// Reads a `HUBGATE_MAX_INPUT` value: a positive whole number of bytes.
    pub fn parse(value: Option<&str>) -> MaxInput {
        MaxInput(match value.map(str::trim) {
            None => Ok(DEFAULT_MAX_INPUT),
            Some(v) => match v.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!(
                    "HUBGATE_MAX_INPUT={v:?} is not a positive number of bytes (default {DEFAULT_MAX_INPUT})"
                )),
            },
        })
    }
}

impl Env {
    /// The repository's name as the server knows it: the forge's (compared ignoring case, as the
    /// forge does), else gitolite's `GL_REPO`, else the path under `HUBGATE_REPO_ROOT` (or its last
    /// two components); the last two are compared exactly.
    pub fn repo_name(&self, git_dir: &std::path::Path) -> Name {
        if let Some((owner, name)) = &self.forge_repo {
            return Name::forge(format!("{owner}/{name}"));
        }
        if let Some(repo) = &self.gitolite_repo {
            let repo = repo.trim_matches('/');
            return Name::exact(repo.strip_suffix(".git").unwrap_or(repo));
        }
        Name::exact(crate::repo::name::derive(git_dir, self.repo_root.as_deref()))
    }

    /// Reads the process environment.
    pub fn read() -> Env {
        Self::from_vars(|k| std::env::var_os(k).filter(|v| !v.is_empty()))
    }

    /// Builds the view from a variable lookup (the process environment, or a map in tests).
    pub fn from_vars(raw: impl Fn(&str) -> Option<OsString>) -> Env {
        let var = |k: &str| raw(k).map(|v| v.to_string_lossy().into_owned());
        let path = |k: &str| raw(k).map(PathBuf::from);
        let split = |full: String| match full.rsplit_once('/') {
            Some((o, n)) => (o.to_owned(), n.to_owned()),
            None => (String::new(), full),
        };
        let forge = if var("GITEA_REPO_NAME").is_some() || var("GITEA_PUSHER_NAME").is_some() {
            Forge::Gitea
        } else if ["GL_ID", "GL_PROJECT_PATH", "GL_REPOSITORY"]
            .iter()
            .any(|k| var(k).is_some())
        {
            Forge::GitLab
        } else if var("GITHUB_REPO_NAME").is_some() || var("GITHUB_USER_LOGIN").is_some() {
            Forge::GitHub
        } else {
            Forge::Plain
        };
        let count: usize = var("GIT_PUSH_OPTION_COUNT").and_then(|c| c.parse().ok()).unwrap_or(0);
        Env {
            git_dir: path("GIT_DIR"),
            quarantine: Quarantine {
                object_dir: path("GIT_OBJECT_DIRECTORY"),
                alternates: var("GIT_ALTERNATE_OBJECT_DIRECTORIES")
                    .map(|v| split_alternates(&v))
                    .unwrap_or_default(),
            },
            policies: path("HUBGATE_POLICIES"),
            repo_root: path("HUBGATE_REPO_ROOT"),
            fail_open: var("HUBGATE_ON_ERROR").is_some_and(|v| v == "accept"),
            config: path("HUBGATE_CONFIG"),
            forge,
            pusher: [
                "HUBGATE_PUSHER",
                "GITEA_PUSHER_NAME",
                "GL_USERNAME",
                "GITHUB_USER_LOGIN",
                "GL_USER",
                // Smart HTTP: the web server's authenticated user, which `git http-backend`
                // passes on to the hooks (no web server configuration needed).
                "REMOTE_USER",
            ]
            .iter()
            .find_map(|k| var(k)),
            forge_repo: match (var("GITEA_REPO_USER_NAME"), var("GITEA_REPO_NAME")) {
                (Some(o), Some(n)) => Some((o, n)),
                _ => var("GL_PROJECT_PATH").or_else(|| var("GITHUB_REPO_NAME")).map(split),
            },
            gitolite_repo: var("GL_USER").and(var("GL_REPO")),
            internal_push: var("GITEA_INTERNAL_PUSH").is_some_and(|v| v == "true"),
            push_options: (0..count.min(1000))
                .filter_map(|i| var(&format!("GIT_PUSH_OPTION_{i}")))
                .collect(),
            max_input: MaxInput::parse(var("HUBGATE_MAX_INPUT").as_deref()),
            replace_ref_base: var("GIT_REPLACE_REF_BASE"),
        }
    }
}

/// The working folder (relative paths in git's variables are relative to it).
pub fn current_dir() -> std::io::Result<PathBuf> {
    std::env::current_dir()
}

/// This executable, which `install` and `demo` write into hooks.
pub fn current_exe() -> std::io::Result<PathBuf> {
    std::env::current_exe()
}

/// The login name (`USER`), for commands an administrator runs by hand.
pub fn login_name() -> Option<String> {
    std::env::var("USER").ok().filter(|u| !u.is_empty())
}

/// Whether logs were asked for (`RUST_LOG`): they go to stderr only then.
pub fn logs_requested() -> bool {
    std::env::var_os("RUST_LOG").is_some()
}

/// `HUBGATE_TEST_PANIC`, which makes a debug build panic at once: the tests check what a pusher
/// reads when hubgate has a bug. Release builds do not have it.
#[cfg(debug_assertions)]
pub fn test_panic_requested() -> bool {
    std::env::var_os("HUBGATE_TEST_PANIC").is_some()
}

/// The value of the variable the server configuration names for a secret (the forge token).
pub fn secret(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Splits `GIT_ALTERNATE_OBJECT_DIRECTORIES`: `:`-separated, an entry C-quoted in double quotes
/// when it contains `:` or starts with `"` (git's `tmp-objdir.c`).
pub fn split_alternates(value: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    while chars.peek().is_some() {
        let mut entry = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => entry.push('\n'),
                        Some('t') => entry.push('\t'),
                        Some(d @ '0'..='7') => {
                            let mut code = d.to_digit(8).unwrap_or(0);
                            for _ in 0..2 {
                                if let Some(n) = chars.peek().and_then(|c| c.to_digit(8)) {
                                    code = code * 8 + n;
                                    chars.next();
                                }
                            }
                            entry.push(char::from_u32(code).unwrap_or('?'));
                        }
                        Some(other) => entry.push(other),
                        None => {}
                    },
                    other => entry.push(other),
                }
            }
            // Skip up to the separator.
            for c in chars.by_ref() {
                if c == ':' {
                    break;
                }
            }
        } else {
            for c in chars.by_ref() {
                if c == ':' {
                    break;
                }
                entry.push(c);
            }
        }
        if !entry.is_empty() {
            out.push(PathBuf::from(entry));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        let map: std::collections::HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Env::from_vars(|k| map.get(k).map(OsString::from))
    }

    /// A repository under a path that is not UTF-8 is still the repository git names.
    #[test]
    #[cfg(unix)]
    fn paths_are_kept_as_the_os_gives_them() {
        use std::os::unix::ffi::OsStrExt;
        let raw = std::ffi::OsStr::from_bytes(b"/srv/git/caf\xe9/model.git").to_owned();
        let e = Env::from_vars(|k| match k {
            "GIT_DIR" | "GIT_OBJECT_DIRECTORY" | "HUBGATE_POLICIES" => Some(raw.clone()),
            _ => None,
        });
        assert_eq!(e.git_dir.as_deref(), Some(std::path::Path::new(&raw)));
        assert_eq!(e.quarantine.object_dir.as_deref(), Some(std::path::Path::new(&raw)));
        assert_eq!(e.policies.as_deref(), Some(std::path::Path::new(&raw)));
    }

    #[test]
    fn forges_pushers_and_names() {
        let g = env(&[
            ("GITEA_REPO_USER_NAME", "acme"),
            ("GITEA_REPO_NAME", "model"),
            ("GITEA_PUSHER_NAME", "alice"),
        ]);
        assert_eq!((g.forge, g.pusher.as_deref()), (Forge::Gitea, Some("alice")));
        assert_eq!(g.repo_name(std::path::Path::new("/x/y.git")), Name::forge("acme/model"));
        let l = env(&[
            ("GL_ID", "user-1"),
            ("GL_USERNAME", "bob"),
            ("GL_PROJECT_PATH", "group/sub/model"),
        ]);
        assert_eq!((l.forge, l.pusher.as_deref()), (Forge::GitLab, Some("bob")));
        assert_eq!(
            l.repo_name(std::path::Path::new("/x/@hashed/ab.git")),
            Name::forge("group/sub/model")
        );
        let h = env(&[("GITHUB_REPO_NAME", "org/repo"), ("GITHUB_USER_LOGIN", "carol")]);
        assert_eq!((h.forge, h.pusher.as_deref()), (Forge::GitHub, Some("carol")));
        assert_eq!(h.repo_name(std::path::Path::new("/x")), Name::forge("org/repo"));
        let p = env(&[]);
        assert_eq!((p.forge, p.pusher.as_deref()), (Forge::Plain, None));
        assert_eq!(
            p.repo_name(std::path::Path::new("/srv/git/acme/model.git")),
            Name::exact("acme/model")
        );
        let r = env(&[("HUBGATE_REPO_ROOT", "/srv/git")]);
        assert_eq!(
            r.repo_name(std::path::Path::new("/srv/git/acme/team/model.git")),
            Name::exact("acme/team/model")
        );
    }

    #[test]
    fn smart_http_names_the_authenticated_user() {
        let h = env(&[("REMOTE_USER", "dana")]);
        assert_eq!((h.forge, h.pusher.as_deref()), (Forge::Plain, Some("dana")));
        let both = env(&[("REMOTE_USER", "dana"), ("HUBGATE_PUSHER", "erin")]);
        assert_eq!(both.pusher.as_deref(), Some("erin"));
    }

    #[test]
    fn gitolite_names_the_repository_ahead_of_the_path_and_forges_ahead_of_gitolite() {
        let path = std::path::Path::new("/home/git/repositories/team/model.git");
        let g = env(&[("GL_USER", "alice"), ("GL_REPO", "acme/team/model")]);
        assert_eq!((g.forge, g.pusher.as_deref()), (Forge::Plain, Some("alice")));
        assert_eq!(g.repo_name(path), Name::exact("acme/team/model"));
        // GL_REPO alone (no gitolite user) is not gitolite's word.
        assert_eq!(env(&[("GL_REPO", "acme/x")]).repo_name(path), Name::exact("team/model"));
        let both = env(&[
            ("GL_USER", "alice"),
            ("GL_REPO", "acme/team/model"),
            ("GITEA_REPO_USER_NAME", "Acme"),
            ("GITEA_REPO_NAME", "Model-x"),
        ]);
        assert_eq!(both.repo_name(path), Name::forge("Acme/Model-x"));
    }

    #[test]
    fn override_reason_from_push_options() {
        let e = env(&[
            ("GIT_PUSH_OPTION_COUNT", "2"),
            ("GIT_PUSH_OPTION_0", "ci.skip"),
            ("GIT_PUSH_OPTION_1", "hubgate.override=legal approved"),
        ]);
        assert_eq!(e.push_options, ["ci.skip", "hubgate.override=legal approved"]);
        let push = crate::push::Push::new(&e, Vec::new());
        assert_eq!(push.override_reason(), Some("legal approved"));
        assert!(env(&[("GIT_PUSH_OPTION_COUNT", "0")]).push_options.is_empty());
        assert!(env(&[("GITEA_INTERNAL_PUSH", "true")]).internal_push);
    }

    #[test]
    fn the_input_bound_is_256_mib_unless_set() {
        assert_eq!(env(&[]).max_input, MaxInput(Ok(256 * 1024 * 1024)));
        assert_eq!(env(&[("HUBGATE_MAX_INPUT", "1000")]).max_input, MaxInput(Ok(1000)));
        for bad in ["0", "-1", "1G", "lots"] {
            assert!(env(&[("HUBGATE_MAX_INPUT", bad)]).max_input.0.is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_and_quoted_alternates() {
        assert_eq!(
            split_alternates("/a/objects:/b/objects"),
            [PathBuf::from("/a/objects"), PathBuf::from("/b/objects")]
        );
        assert_eq!(
            split_alternates("\"/x:y/objects\":/b"),
            [PathBuf::from("/x:y/objects"), PathBuf::from("/b")]
        );
        assert_eq!(split_alternates("\"/q\\\"t\""), [PathBuf::from("/q\"t")]);
    }
}
