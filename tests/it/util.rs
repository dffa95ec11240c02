//! The test harness: temporary bare repositories with the hook installed, pushed to with the real
//! `git` client in a hermetic environment (no system or user config, fixed identities).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The hubgate binary under test.
pub fn hubgate_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hubgate"))
}

/// The variables a test's child process keeps from the test's own environment; every other is
/// cleared, so that a `GITEA_*`, `GL_*`, `GITHUB_*` or `HUBGATE_*` variable of the machine running
/// the tests never reaches hubgate (each test sets what it means to).
const KEPT: [&str; 7] = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "USER", "LOGNAME"];

/// `c` with its environment cleared and rebuilt from [`KEPT`].
pub fn clean_env(c: &mut Command) -> &mut Command {
    c.env_clear();
    for k in KEPT {
        if let Some(v) = std::env::var_os(k) {
            c.env(k, v);
        }
    }
    c
}

/// A `git` command with a hermetic environment.
pub fn git_cmd(dir: &Path) -> Command {
    let mut c = Command::new("git");
    clean_env(&mut c);
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Tester")
        .env("GIT_AUTHOR_EMAIL", "tester@example.org")
        .env("GIT_COMMITTER_NAME", "Tester")
        .env("GIT_COMMITTER_EMAIL", "tester@example.org")
        .env("GIT_AUTHOR_DATE", "2000-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2000-01-01T00:00:00Z");
    c
}

/// Runs git and fails the test loudly if it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let o = git_cmd(dir).args(args).output().expect("git must be installed");
    assert!(
        o.status.success(),
        "git {args:?} in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// The result of a push.
pub struct Push {
    /// Whether git reported success.
    pub ok: bool,
    /// The `remote:` lines, prefix and git's trailing padding removed.
    pub remote: String,
    /// All of git's stderr.
    pub stderr: String,
}

/// A bare server repository with hubgate as pre-receive, and a work clone.
pub struct Sandbox {
    _tmp: tempfile::TempDir,
    /// Root of the sandbox.
    pub root: PathBuf,
    /// `<root>/<owner>/<name>.git`.
    pub server: PathBuf,
    /// The work tree.
    pub work: PathBuf,
    /// The policy directory the hook uses.
    pub policies: PathBuf,
}

impl Sandbox {
    /// A sandbox whose server is named `acme/model` by its path.
    pub fn new() -> Sandbox {
        Self::named("acme", "model")
    }

    /// A sandbox whose server is `<owner>/<name>.git`.
    pub fn named(owner: &str, name: &str) -> Sandbox {
        Self::named_on(owner, name, "main")
    }

    /// A sandbox whose server was made by `git init --bare -b <head>` (`HEAD` names `head`).
    pub fn named_on(owner: &str, name: &str, head: &str) -> Sandbox {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let tmp = tempfile::Builder::new()
            .prefix(&format!("hubgate-it-{n}-"))
            .tempdir()
            .expect("tempdir");
        let root = tmp.path().to_owned();
        let server = root.join(owner).join(format!("{name}.git"));
        std::fs::create_dir_all(&server).expect("mkdir");
        git(&server, &["init", "-q", "--bare", "-b", head]);
        let policies = root.join("policies");
        std::fs::create_dir_all(&policies).expect("mkdir");
        let hook = server.join("hooks/pre-receive");
        std::fs::write(
            &hook,
            format!(
                "#!/bin/sh\nexec '{}' --policies '{}' pre-receive\n",
                hubgate_bin().display(),
                policies.display()
            ),
        )
        .expect("hook");
        make_executable(&hook);
        git(&root, &["clone", "-q", server.to_str().expect("utf8 path"), "work"]);
        let work = root.join("work");
        Sandbox {
            _tmp: tmp,
            root,
            server,
            work,
            policies,
        }
    }

    /// Writes a policy file into the hook's policy directory.
    pub fn policy(&self, file: &str, toml: &str) {
        std::fs::write(self.policies.join(file), toml).expect("policy");
    }

    /// Writes a file in the work tree.
    pub fn write(&self, path: &str, bytes: impl AsRef<[u8]>) {
        let p = self.work.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, bytes).expect("write");
    }

    /// Commits everything in the work tree.
    pub fn commit(&self, message: &str) -> String {
        git(&self.work, &["add", "-A"]);
        git(&self.work, &["commit", "-q", "--allow-empty", "-m", message]);
        git(&self.work, &["rev-parse", "HEAD"])
    }

    /// Writes README.md and commits it.
    pub fn card(&self, text: &str) -> String {
        self.write("README.md", text);
        self.commit("card")
    }

    /// Pushes with the given refspecs.
    pub fn push(&self, refspecs: &[&str]) -> Push {
        let mut args = vec!["push", "origin"];
        args.extend_from_slice(refspecs);
        let o: Output = git_cmd(&self.work).args(&args).output().expect("git push");
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        let remote = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("remote: ").or_else(|| (l == "remote:").then_some("")))
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        Push {
            ok: o.status.success(),
            remote,
            stderr,
        }
    }

    /// The server's value of a ref, if it exists.
    pub fn server_ref(&self, name: &str) -> Option<String> {
        let o = git_cmd(&self.server)
            .args(["rev-parse", "--verify", "-q", name])
            .output()
            .expect("git");
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    }
}

/// Runs `hubgate` with arguments in a directory.
pub fn hubgate(dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(hubgate_bin());
    clean_env(&mut c).args(args).current_dir(dir);
    c.output().expect("hubgate runs")
}

#[cfg(unix)]
pub fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

impl Sandbox {
    /// Installs `hubgate post-receive` too, with `config` as the server configuration file.
    pub fn with_post_receive(self, config: &str) -> Sandbox {
        self.with_post_receive_again(config);
        self
    }

    /// Writes the plain post-receive hook (again, after a test replaced it), with `config`.
    pub fn with_post_receive_again(&self, config: &str) {
        let config_path = self.root.join("hubgate.toml");
        std::fs::write(&config_path, config).expect("config");
        let hook = self.server.join("hooks/post-receive");
        std::fs::write(
            &hook,
            format!(
                "#!/bin/sh\nexec '{}' --policies '{}' --config '{}' post-receive\n",
                hubgate_bin().display(),
                self.policies.display(),
                config_path.display()
            ),
        )
        .expect("hook");
        make_executable(&hook);
    }

    /// `hubgate discussions --repo <server> list --format json`, parsed.
    pub fn discussions(&self) -> Vec<serde_json::Value> {
        let o = hubgate(
            &self.root,
            &[
                "discussions",
                "--repo",
                self.server.to_str().expect("utf8"),
                "--format",
                "json",
                "list",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        doc["discussions"].as_array().cloned().unwrap_or_default()
    }
}

/// Runs `hubgate ARGS` as git runs a hook: in the repository, `GIT_DIR=.`, `stdin` on stdin.
pub fn hook(git_dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    hook_env(git_dir, args, stdin, &[])
}

/// [`hook`] with further environment variables.
pub fn hook_env(git_dir: &Path, args: &[&str], stdin: &[u8], vars: &[(&str, &str)]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = clean_env(&mut Command::new(hubgate_bin()))
        .args(args)
        .current_dir(git_dir)
        .env("GIT_DIR", ".")
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hubgate runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// `git fsck --strict` passes on the repository.
pub fn assert_fsck(git_dir: &Path) {
    let fsck = git_cmd(git_dir).args(["fsck", "--strict"]).output().expect("fsck");
    assert!(fsck.status.success(), "{}", String::from_utf8_lossy(&fsck.stderr));
}

impl Sandbox {
    /// Puts back a plain `hubgate pre-receive` hook (for tests that pushed without one first).
    pub fn install_plain_hook(&self) {
        let hook = self.server.join("hooks/pre-receive");
        std::fs::write(
            &hook,
            format!("#!/bin/sh\nexec '{}' pre-receive\n", hubgate_bin().display()),
        )
        .expect("hook");
        make_executable(&hook);
    }
}

/// An object id's raw bytes, from its hex form (trees hold ids raw).
pub fn raw_id(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

impl Sandbox {
    /// Writes `raw` as a tree object exactly as given (`git mktree` would refuse a malformed one)
    /// into the work clone, and returns its id.
    pub fn raw_tree(&self, raw: &[u8]) -> String {
        let file = self.root.join("tree.raw");
        std::fs::write(&file, raw).expect("write");
        let path = file.to_str().expect("utf8");
        git(&self.work, &["hash-object", "-t", "tree", "--literally", "-w", path])
    }
}

/// Runs git with `stdin` on its standard input; fails the test if git fails; returns its output,
/// trimmed (an object id for `hash-object -w --stdin` or `mktree`).
pub fn git_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> String {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = git_cmd(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git must be installed");
    child.stdin.take().expect("stdin").write_all(stdin).expect("stdin");
    let o = child.wait_with_output().expect("git");
    assert!(o.status.success(), "git {args:?} in {} failed", dir.display());
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// A process started in its own process group (`process_group(0)`), killed with its whole
/// group when dropped: servers fork, and a test must stop every process it started.
pub struct Group(pub std::process::Child);

impl Drop for Group {
    fn drop(&mut self) {
        let pgid = self.0.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stderr(std::process::Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
