//! gitolite3 over a real `sshd` on 127.0.0.1 (issue 11): hubgate installed as root with
//! `hubgate install --gitolite`, exactly as the README says, for a gitolite user the test creates;
//! pushes with generated keys as `alice` and `bob`. Needs root (a user of its own, `sshd` switching
//! to it) and the Debian packages `gitolite3 openssh-server`; skipped, saying why, without them
//! (`.ci/run` installs them, runs as root and sets the variables that make a skip a failure).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::server_kit::{
    POLICY, User, exercise, give, keygen, need, need_root, open_to_all, owned_by_others, ssh_command, sshd,
};
use crate::util::{Group, Sandbox, git, git_cmd, hubgate, hubgate_bin};

/// gitolite for a user of its own, behind `sshd`.
struct Gitolite {
    // Stopped first: the user is deleted only once no session of it can be running.
    _sshd: Group,
    user: User,
    home: PathBuf,
    keys: PathBuf,
    port: u16,
}

impl Gitolite {
    fn start(root: &Path) -> Option<Gitolite> {
        let bins = need(&["gitolite", "sshd", "ssh-keygen", "ssh"], "gitolite3 openssh-server")?;
        if !need_root("gitolite over sshd") {
            return None;
        }
        let home = root.join("gitolite");
        let user = User::create(&home);
        let keys = root.join("keys");
        std::fs::create_dir_all(&keys).expect("keys");
        for k in ["admin", "alice", "bob", "host"] {
            keygen(&keys.join(k));
        }
        let admin_pub = home.join("admin.pub");
        std::fs::copy(keys.join("admin.pub"), &admin_pub).expect("admin.pub");
        let o = user
            .command("gitolite", &home)
            .arg("setup")
            .arg("-pk")
            .arg(&admin_pub)
            .output()
            .expect("gitolite setup");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (sshd, port) = sshd(root, &user, &keys.join("host"), &bins[1]);
        Some(Gitolite {
            _sshd: sshd,
            user,
            home,
            keys,
            port,
        })
    }

    fn url(&self, repo: &str) -> String {
        format!("ssh://{}@127.0.0.1:{}/{repo}", self.user.name, self.port)
    }

    /// `git` in `dir` authenticating with `key`'s ssh key.
    fn git_as(&self, key: &str, dir: &Path) -> Command {
        let mut c = git_cmd(dir);
        c.env("GIT_SSH_COMMAND", ssh_command(&self.keys.join(key)));
        c
    }

    /// Pushes `dir`'s HEAD to `main` of `repo` as `key`, with push options.
    fn push(&self, key: &str, dir: &Path, repo: &str, options: &[&str]) -> Output {
        let mut c = self.git_as(key, dir);
        c.arg("push");
        for o in options {
            c.arg("-o").arg(o);
        }
        c.arg(self.url(repo))
            .arg("HEAD:refs/heads/main")
            .output()
            .expect("push")
    }

    /// Adds `conf` to gitolite.conf (and alice's and bob's keys), pushed as the admin.
    fn admin(&self, root: &Path, conf: &str) {
        let admin = root.join("gitolite-admin");
        if !admin.exists() {
            let o = self
                .git_as("admin", root)
                .args(["clone", "-q", &self.url("gitolite-admin"), "gitolite-admin"])
                .output()
                .expect("clone");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            for k in ["alice", "bob"] {
                std::fs::copy(
                    self.keys.join(format!("{k}.pub")),
                    admin.join(format!("keydir/{k}.pub")),
                )
                .expect("key");
            }
        }
        let file = admin.join("conf/gitolite.conf");
        let mut text = std::fs::read_to_string(&file).expect("conf");
        text.push_str(conf);
        std::fs::write(&file, text).expect("conf");
        git(&admin, &["add", "-A"]);
        git(&admin, &["commit", "-q", "-m", "conf"]);
        let o = self
            .git_as("admin", &admin)
            .args(["push", "-q", "origin", "HEAD:master"])
            .output()
            .expect("push");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn gitolite_install_gates_every_repository_and_names_the_pusher() {
    let s = Sandbox::new();
    // The gitolite user must reach its home, the binary and the policies: an administrator
    // installs the binary where every user can run it.
    open_to_all(&s.root);
    let Some(gl) = Gitolite::start(&s.root) else {
        return;
    };
    let bin = s.root.join("hubgate");
    std::fs::copy(hubgate_bin(), &bin).expect("binary");
    s.policy("p.toml", POLICY);
    let config = s.root.join("hubgate.toml");
    // The default configuration: discussions follow HEAD, which gitolite points at master while
    // clients push main.
    std::fs::write(&config, "").expect("config");
    let home = gl.home.to_str().expect("utf8");
    let install = |extra: &[&str]| {
        let mut args = vec![
            "--policies",
            s.policies.to_str().expect("utf8"),
            "--config",
            config.to_str().expect("utf8"),
            "install",
            "--bin",
            bin.to_str().expect("utf8"),
            "--gitolite",
            home,
        ];
        args.extend(extra);
        let o = hubgate(&s.root, &args);
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    install(&[]);
    let doctor = hubgate(&s.root, &["doctor", "--gitolite", home]);
    assert!(doctor.status.success(), "{}", String::from_utf8_lossy(&doctor.stdout));

    // A repository that existed before (gitolite's `testing`) and one created after the install.
    gl.admin(
        &s.root,
        "repo acme/model\n    RW+ = @all\nrepo wild/CREATOR/..*\n    C = @all\n    RW+ = CREATOR\n",
    );
    let w = &s.work;
    s.card("---\nlicense: not-a-licence\n---\n");
    let o = gl.push("alice", w, "testing", &[]);
    assert!(!o.status.success(), "testing: {}", stderr(&o));
    assert!(stderr(&o).contains("\"license\" must be one of"), "{}", stderr(&o));
    // A wild repository, created by the push itself, is gated from that first push.
    let o = gl.push("bob", w, "wild/bob/fresh", &[]);
    assert!(!o.status.success(), "wild: {}", stderr(&o));
    assert!(stderr(&o).contains("\"license\" must be one of"), "{}", stderr(&o));
    assert!(
        gl.home.join("repositories/wild/bob/fresh.git").is_dir(),
        "gitolite created it"
    );
    let repo = gl.home.join("repositories/acme/model.git");
    exercise(&s, &repo, true, &|user, options| {
        let o = gl.push(user, w, "acme/model", options);
        (o.status.success(), stderr(&o))
    });

    // gitolite's repo-specific hooks replace pre-receive with its driver: hubgate stays.
    let rc = gl.home.join(".gitolite.rc");
    let text = std::fs::read_to_string(&rc).expect("rc");
    std::fs::write(&rc, text.replace("# 'repo-specific-hooks',", "'repo-specific-hooks',")).expect("rc");
    let site = gl.home.join("local/hooks/repo-specific");
    std::fs::create_dir_all(&site).expect("mkdir");
    std::fs::write(site.join("site"), "#!/bin/sh\necho site-hook-ran >&2\n").expect("hook");
    crate::util::make_executable(&site.join("site"));
    give(&gl.home, &gl.user);
    gl.admin(&s.root, "repo acme/model\n    option hook.pre-receive = site\n");
    s.card("---\nlicense: not-a-licence\n---\n");
    let o = gl.push("alice", w, "acme/model", &[]);
    assert!(
        stderr(&o).contains("site-hook-ran"),
        "the site's hook runs: {}",
        stderr(&o)
    );
    assert!(!o.status.success(), "and so does hubgate: {}", stderr(&o));
    let doctor = hubgate(&s.root, &["doctor", "--gitolite", home]);
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(doctor.status.success(), "{report}");
    assert!(
        report.contains("WARN") && report.contains("model.git: HEAD names refs/heads/master"),
        "doctor warns about gitolite's unborn HEAD: {report}"
    );

    // Nothing in gitolite's home is root's after all of that.
    let strays = owned_by_others(&gl.home, gl.user.uid);
    assert!(strays.is_empty(), "owned by another user than gitolite's: {strays:?}");

    // Uninstalling gives back gitolite as it was: the site's hook still runs, hubgate no more.
    install(&["--uninstall"]);
    let text = std::fs::read_to_string(&rc).expect("rc");
    assert!(!text.contains("NON_CORE") && !text.contains("'hubgate'"), "{text}");
    assert!(
        text.contains("LOCAL_CODE"),
        "the site's repo-specific hooks still need LOCAL_CODE"
    );
    let o = gl.push("alice", w, "acme/model", &[]);
    assert!(stderr(&o).contains("site-hook-ran"), "{}", stderr(&o));
    assert!(o.status.success(), "hubgate is gone: {}", stderr(&o));
    let strays = owned_by_others(&gl.home, gl.user.uid);
    assert!(strays.is_empty(), "owned by another user than gitolite's: {strays:?}");
}

/// A site that already runs a common hook of its own through `LOCAL_CODE`: hubgate chains it
/// (both run, its refusal stands), and `--uninstall` gives it back.
#[test]
fn gitolite_keeps_the_sites_own_common_hook() {
    let s = Sandbox::new();
    open_to_all(&s.root);
    let Some(gl) = Gitolite::start(&s.root) else {
        return;
    };
    let rc = gl.home.join(".gitolite.rc");
    let text = std::fs::read_to_string(&rc).expect("rc");
    std::fs::write(
        &rc,
        text.replacen("%RC = (", "%RC = (\n    LOCAL_CODE => \"$ENV{HOME}/site\",", 1),
    )
    .expect("rc");
    let common = gl.home.join("site/hooks/common");
    std::fs::create_dir_all(&common).expect("mkdir");
    let site_hook = "#!/bin/sh\ncat > /dev/null\necho site-common-ran >&2\n";
    std::fs::write(common.join("pre-receive"), site_hook).expect("hook");
    crate::util::make_executable(&common.join("pre-receive"));
    give(&gl.home, &gl.user);
    let o = gl
        .user
        .command("gitolite", &gl.home)
        .args(["setup", "--hooks-only"])
        .output()
        .expect("gitolite");
    assert!(o.status.success(), "{}", stderr(&o));
    let bin = s.root.join("hubgate");
    std::fs::copy(hubgate_bin(), &bin).expect("binary");
    let home = gl.home.to_str().expect("utf8");
    let install = |extra: &[&str]| {
        let mut args = vec!["install", "--bin", bin.to_str().expect("utf8"), "--gitolite", home];
        args.extend(extra);
        let o = hubgate(&s.root, &args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    install(&[]);
    assert!(
        common.join("pre-receive.hubgate-chained").is_file(),
        "the site's hook is kept"
    );
    gl.admin(&s.root, "repo acme/model\n    RW+ = @all\n");
    s.card("---\nlicense: not-a-licence\n---\n");
    let o = gl.push("alice", &s.work, "acme/model", &[]);
    assert!(stderr(&o).contains("site-common-ran"), "{}", stderr(&o));
    assert!(
        !o.status.success() && stderr(&o).contains("\"license\" must be one of"),
        "{}",
        stderr(&o)
    );
    install(&["--uninstall"]);
    assert_eq!(
        std::fs::read_to_string(common.join("pre-receive")).expect("hook"),
        site_hook
    );
    let o = gl.push("alice", &s.work, "acme/model", &[]);
    assert!(stderr(&o).contains("site-common-ran"), "{}", stderr(&o));
    assert!(
        o.status.success(),
        "hubgate is gone, the site's hook stays: {}",
        stderr(&o)
    );
    let strays = owned_by_others(&gl.home, gl.user.uid);
    assert!(strays.is_empty(), "owned by another user than gitolite's: {strays:?}");
}
