//! What the real-server tests share: finding the programs (or saying why a test is skipped),
//! ports on 127.0.0.1, a system user of the test's own (root only), and ownership checks.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Whether the tests run as root.
pub(crate) fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|t| {
        t.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
    })
}

/// Whether a test that needs root may run; says why it is skipped otherwise, and fails when
/// `HUBGATE_REQUIRE_ROOT_TESTS` is set (CI runs as root).
pub(crate) fn need_root(what: &str) -> bool {
    if is_root() {
        return true;
    }
    assert!(
        std::env::var_os("HUBGATE_REQUIRE_ROOT_TESTS").is_none(),
        "HUBGATE_REQUIRE_ROOT_TESTS is set but the tests do not run as root"
    );
    skip(&format!(
        "skipped: {what} needs root (a user of its own; CI runs as root)"
    ));
    false
}

/// What a server test needs, or why it is skipped (`packages`: what to install).
pub(crate) fn need(programs: &[&str], packages: &str) -> Option<Vec<PathBuf>> {
    let found: Vec<Option<PathBuf>> = programs
        .iter()
        .map(|p| {
            ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
                .iter()
                .map(|d| Path::new(d).join(p))
                .find(|c| c.exists())
        })
        .collect();
    if found.iter().all(Option::is_some) {
        return Some(found.into_iter().flatten().collect());
    }
    let missing: Vec<&str> = programs
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(p, _)| *p)
        .collect();
    let why = format!(
        "skipped: {} not installed (apt-get install {packages})",
        missing.join(", ")
    );
    assert!(
        std::env::var_os("HUBGATE_REQUIRE_SERVERS").is_none(),
        "HUBGATE_REQUIRE_SERVERS is set: {why}"
    );
    skip(&why);
    None
}

#[expect(clippy::print_stderr, reason = "a skipped test must say so")]
pub(crate) fn skip(why: &str) {
    eprintln!("{why}");
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub(crate) fn wait_for(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("nothing listens on 127.0.0.1:{port}");
}

static USERS: AtomicUsize = AtomicUsize::new(0);

/// A system user made for one test, deleted when dropped.
pub(crate) struct User {
    /// Its login name.
    pub(crate) name: String,
    /// Its uid.
    pub(crate) uid: u32,
    /// Its primary group.
    pub(crate) gid: u32,
}

impl User {
    /// Creates the user, its home at `home`.
    pub(crate) fn create(home: &Path) -> User {
        let name = format!("hgl{}x{}", std::process::id(), USERS.fetch_add(1, Ordering::SeqCst));
        let ok = Command::new("useradd")
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/bin/sh",
                "-p",
                "*",
                "--home-dir",
            ])
            .arg(home)
            .arg(&name)
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "useradd {name}");
        std::fs::create_dir_all(home).expect("home");
        let mut user = User { name, uid: 0, gid: 0 };
        let ok = Command::new("chown").arg(format!("{}:", user.name)).arg(home).status();
        assert!(ok.is_ok_and(|s| s.success()), "chown home");
        let meta = std::fs::metadata(home).expect("home");
        (user.uid, user.gid) = (meta.uid(), meta.gid());
        user
    }

    /// A command run as this user, with `HOME` at `home`.
    pub(crate) fn command(&self, program: &str, home: &Path) -> Command {
        let mut c = Command::new(program);
        c.uid(self.uid).gid(self.gid).env("HOME", home).current_dir(home);
        c
    }
}

impl Drop for User {
    fn drop(&mut self) {
        // --force: a session sshd has not reaped yet must not leave the user behind.
        let _ = Command::new("userdel")
            .arg("--force")
            .arg(&self.name)
            .stderr(Stdio::null())
            .status();
    }
}

/// Files under `dir` whose owner is not `uid`.
pub(crate) fn owned_by_others(dir: &Path, uid: u32) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let meta = std::fs::symlink_metadata(e.path()).expect("meta");
            if meta.uid() != uid {
                out.push(e.path());
            }
            if meta.is_dir() {
                stack.push(e.path());
            }
        }
    }
    out
}

/// The policy every real-server test pushes against: `acme/*` allows only apache-2.0, and only
/// alice may override that.
pub(crate) const POLICY: &str = "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n\
    [policy.license]\nallow = [\"apache-2.0\"]\noverridable = true\n";

/// What a push over a server reported: whether it went through, and git's stderr.
pub(crate) type Pushed = (bool, String);

/// The pushes every real server must handle, as `alice` or `bob` (`push(user, options)` pushes
/// the work tree's HEAD to `main`): a Hub refusal, a good card, a policy refusal, an override by
/// someone not allowed and one by alice, and a risky change; then the discussion entries of
/// `repo`. Where the server knows no pusher (`identity` false) overrides are refused for everyone.
pub(crate) fn exercise(s: &crate::util::Sandbox, repo: &Path, identity: bool, push: &dyn Fn(&str, &[&str]) -> Pushed) {
    s.card("---\nlicense: not-a-licence\n---\n");
    let (ok, err) = push("alice", &[]);
    assert!(
        !ok && err.contains("\"license\" must be one of"),
        "the Hub's refusal: {err}"
    );
    s.card("---\nlicense: apache-2.0\n---\n");
    let (ok, err) = push("alice", &[]);
    assert!(ok, "a good card passes: {err}");
    s.card("---\nlicense: mit\n---\n");
    let (ok, err) = push("alice", &[]);
    assert!(!ok && err.contains("org"), "the policy's refusal: {err}");
    let (ok, err) = push("bob", &["hubgate.override=trust me"]);
    assert!(!ok, "{err}");
    let who = if identity { "bob" } else { "(unknown pusher)" };
    assert!(
        err.contains(&format!(
            "{who} asked to override policy \"org\", but only alice may override it"
        )),
        "the server names the pusher: {err}"
    );
    if identity {
        let (ok, err) = push("alice", &["hubgate.override=licence reviewed"]);
        assert!(ok, "{err}");
        assert!(err.contains("(overridden by alice: licence reviewed)"), "{err}");
    } else {
        s.card("---\nlicense: apache-2.0\n---\n");
        let (ok, err) = push("alice", &[]);
        assert!(ok, "{err}");
    }
    s.card("---\nlicense: apache-2.0\ntags:\n- not-for-all-audiences\n---\n");
    let (ok, err) = push("alice", &[]);
    assert!(ok, "{err}");
    let o = crate::util::hubgate(
        &s.root,
        &[
            "discussions",
            "--repo",
            repo.to_str().expect("utf8"),
            "--format",
            "json",
            "list",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let entries = doc["discussions"].as_array().cloned().unwrap_or_default();
    let risky = entries
        .iter()
        .filter(|e| e.to_string().contains("not-for-all-audiences"))
        .count();
    assert!(risky >= 1, "the risky change is recorded: {entries:?}");
    if identity {
        assert!(entries.iter().all(|e| e["pusher"] == "alice"), "{entries:?}");
    }
}

/// `chmod -R a+rX dir`: a server's user must reach the sandbox, as it reaches `/srv/git`.
pub(crate) fn open_to_all(dir: &Path) {
    let ok = Command::new("chmod").args(["-R", "a+rX"]).arg(dir).status();
    assert!(ok.is_ok_and(|s| s.success()), "chmod");
}

/// `chown -R user: dir`.
pub(crate) fn give(dir: &Path, user: &User) {
    let ok = Command::new("chown")
        .arg("-R")
        .arg(format!("{}:", user.name))
        .arg(dir)
        .status();
    assert!(ok.is_ok_and(|s| s.success()), "chown");
}

/// A new ed25519 key pair at `path` (and `path.pub`).
pub(crate) fn keygen(path: &Path) {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status();
    assert!(ok.is_ok_and(|s| s.success()), "ssh-keygen");
}

/// `sshd` on 127.0.0.1 letting only `user` in, by key (`~user/.ssh/authorized_keys`), with host
/// key `host`; stopped with its process group.
pub(crate) fn sshd(root: &Path, user: &User, host: &Path, sshd: &Path) -> (crate::util::Group, u16) {
    let port = free_port();
    let config = root.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nPidFile {root}/sshd.pid\nStrictModes no\n\
             UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nAllowUsers {user}\n",
            host = host.display(),
            root = root.display(),
            user = user.name,
        ),
    )
    .expect("sshd_config");
    // sshd wants its privilege separation folder, and refuses a host key others can read.
    std::fs::create_dir_all("/run/sshd").expect("/run/sshd");
    std::fs::set_permissions(host, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
    let child = Command::new(sshd)
        .args(["-D", "-e", "-f"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("sshd");
    let group = crate::util::Group(child);
    wait_for(port);
    (group, port)
}

/// `GIT_SSH_COMMAND` for pushing with the private key `key`.
pub(crate) fn ssh_command(key: &Path) -> String {
    format!(
        "ssh -i {} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
        key.display()
    )
}

/// Runs `git args` as the server's user (`owner`, or this process) with the git configuration of
/// `home`, as that user creates repositories (`init.templateDir` there names hubgate's template).
pub(crate) fn git_as(owner: Option<&User>, home: &Path, args: &[&str]) {
    let mut c = match owner {
        Some(u) => u.command("git", home),
        None => Command::new("git"),
    };
    let o = c
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .output()
        .expect("git");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The arguments that install hubgate on the sandbox's root as the README says, template and
/// the server user's home included, with `bin` as the binary.
pub(crate) fn install_args(s: &crate::util::Sandbox, config: &Path, bin: &Path, home: &Path) -> Vec<String> {
    [
        "--policies".into(),
        s.policies.display().to_string(),
        "--config".into(),
        config.display().to_string(),
        "install".into(),
        "--bin".into(),
        bin.display().to_string(),
        "--template".into(),
        s.root.join("template").display().to_string(),
        "--git-home".into(),
        home.display().to_string(),
        s.root.display().to_string(),
    ]
    .to_vec()
}

/// A repository the server's user creates after the install, `acme/fresh.git`, refuses a bad
/// card from its first push (`push(url_path)` pushes the work tree's HEAD there).
pub(crate) fn new_repository_is_gated(
    s: &crate::util::Sandbox,
    owner: Option<&User>,
    home: &Path,
    push: &dyn Fn() -> Pushed,
) {
    let fresh = s.root.join("acme/fresh.git");
    let path = fresh.to_str().expect("utf8");
    git_as(owner, home, &["init", "-q", "--bare", "-b", "main", path]);
    git_as(owner, home, &["--git-dir", path, "config", "http.receivepack", "true"]);
    s.card("---\nlicense: not-a-licence\n---\n");
    let (ok, err) = push();
    assert!(
        !ok && err.contains("\"license\" must be one of"),
        "a new repository is gated: {err}"
    );
    if let Some(owner) = owner {
        let strays = owned_by_others(&fresh, owner.uid);
        assert!(strays.is_empty(), "owned by another user than the server's: {strays:?}");
    }
}

/// Installs hubgate on the sandbox's root as root would for a server whose user (a user of the
/// test's own, with its home at `<root>/<home>`, when the tests run as root; else this process)
/// owns the repositories: the README's command, template included, with the binary where every
/// user can run it, [`POLICY`], and discussions on every branch.
pub(crate) fn install_for_server(s: &crate::util::Sandbox, home: &str) -> (Option<User>, PathBuf) {
    s.policy("p.toml", POLICY);
    let config = s.root.join("hubgate.toml");
    std::fs::write(&config, "[discussions]\nwatch-refs = [\"refs/heads/*\"]\n").expect("config");
    let home = s.root.join(home);
    let owner = is_root().then(|| User::create(&home));
    std::fs::create_dir_all(&home).expect("home");
    let bin = s.root.join("hubgate");
    std::fs::copy(crate::util::hubgate_bin(), &bin).expect("binary");
    if let Some(owner) = &owner {
        open_to_all(&s.root);
        give(&s.root.join("acme"), owner);
    }
    let args = install_args(s, &config, &bin, &home);
    let o = crate::util::hubgate(&s.root, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (owner, home)
}

/// `git daemon --enable=receive-pack` on 127.0.0.1 serving `base`, as `owner` when given; stopped
/// with its process group (`git daemon` forks a process per connection).
pub(crate) fn git_daemon(base: &Path, owner: Option<&User>) -> (crate::util::Group, u16) {
    let port = free_port();
    let mut daemon = crate::util::git_cmd(base);
    daemon
        .args([
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--enable=receive-pack",
            "--listen=127.0.0.1",
        ])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", base.display()))
        .arg(base)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    if let Some(owner) = owner {
        daemon.uid(owner.uid).gid(owner.gid);
    }
    let group = crate::util::Group(daemon.spawn().expect("git daemon"));
    wait_for(port);
    (group, port)
}
