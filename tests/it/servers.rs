//! Real servers on 127.0.0.1 (issue 11): smart HTTP through nginx + fcgiwrap + `git
//! http-backend` with basic auth. Each test stops every process it started (process groups). On
//! a machine without the Debian packages (`nginx-light fcgiwrap apache2-utils`) the tests say
//! what they skipped; `.ci/run` installs them and sets `HUBGATE_REQUIRE_SERVERS`, which turns a
//! missing server into a failure.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::server_kit::{
    User, exercise, free_port, git_daemon, give, install_for_server, need, new_repository_is_gated, owned_by_others,
    wait_for,
};
use crate::util::{Group, Sandbox, git, git_cmd};

/// nginx in front of fcgiwrap running `git http-backend`, basic auth for `alice` and `bob`.
struct SmartHttp {
    _nginx: Group,
    _fcgiwrap: Group,
    port: u16,
}

impl SmartHttp {
    /// Starts the servers; `git http-backend` (under fcgiwrap) runs as `owner` when given, as a
    /// web server's user does.
    fn start(root: &Path, project_root: &Path, owner: Option<&User>) -> Option<SmartHttp> {
        let bins = need(&["nginx", "fcgiwrap", "htpasswd"], "nginx-light fcgiwrap apache2-utils")?;
        // Debian's parameters, REMOTE_USER among them, as the README's configuration uses.
        assert!(
            Path::new("/etc/nginx/fastcgi_params").is_file(),
            "nginx-common's fastcgi_params"
        );
        let (nginx, fcgiwrap, htpasswd) = (&bins[0], &bins[1], &bins[2]);
        let dir = root.join("http");
        std::fs::create_dir_all(dir.join("logs")).expect("mkdir");
        let users = dir.join("users");
        for (i, user) in ["alice", "bob"].iter().enumerate() {
            let mut c = Command::new(htpasswd);
            if i == 0 {
                c.arg("-c");
            }
            let ok = c
                .args(["-b", "-B"])
                .arg(&users)
                .arg(user)
                .arg(format!("{user}-pw"))
                .status();
            assert!(ok.is_ok_and(|s| s.success()), "htpasswd");
        }
        let socket = dir.join("fcgiwrap.sock");
        let mut fcgi = Command::new(fcgiwrap);
        if let Some(owner) = owner {
            give(&dir, owner);
            fcgi.uid(owner.uid).gid(owner.gid);
        }
        let fcgi = fcgi
            .arg("-s")
            .arg(format!("unix:{}", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("fcgiwrap");
        let fcgi = Group(fcgi);
        for _ in 0..200 {
            if socket.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        let port = free_port();
        let backend = Command::new("git")
            .arg("--exec-path")
            .output()
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join("git-http-backend"))
            .expect("git --exec-path");
        let is_root = std::fs::read_to_string("/proc/self/status").is_ok_and(|t| {
            t.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
        });
        let conf = dir.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "{user}daemon off;\npid {dir}/nginx.pid;\nerror_log {dir}/logs/error.log;\nevents {{ worker_connections 64; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {dir}/body;\n  fastcgi_temp_path {dir}/fastcgi;\n\
                 proxy_temp_path {dir}/proxy;\n  uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n\
                 client_max_body_size 0;\n\
                 server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      auth_basic \"git\";\n      auth_basic_user_file {users};\n\
                 fastcgi_pass unix:{socket};\n      fastcgi_param SCRIPT_FILENAME {backend};\n\
                 fastcgi_param GIT_PROJECT_ROOT {projects};\n      fastcgi_param GIT_HTTP_EXPORT_ALL 1;\n\
                 include /etc/nginx/fastcgi_params;\n      fastcgi_param PATH_INFO $uri;\n\
                 fastcgi_param GIT_CONFIG_NOSYSTEM 1;\n      fastcgi_param HOME {dir};\n    }}\n  }}\n}}\n",
                user = if is_root { "user root;\n" } else { "" },
                dir = dir.display(),
                users = users.display(),
                socket = socket.display(),
                backend = backend.display(),
                projects = project_root.display(),
            ),
        )
        .expect("nginx.conf");
        let nginx = Command::new(nginx)
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("nginx");
        let nginx = Group(nginx);
        wait_for(port);
        Some(SmartHttp {
            _nginx: nginx,
            _fcgiwrap: fcgi,
            port,
        })
    }

    fn url(&self, user: &str, repo: &str) -> String {
        format!("http://{user}:{user}-pw@127.0.0.1:{}/{repo}", self.port)
    }
}

fn push_url(s: &Sandbox, url: &str, options: &[&str]) -> (bool, String) {
    let mut c = git_cmd(&s.work);
    c.arg("push");
    for o in options {
        c.arg("-o").arg(o);
    }
    let o = c.arg(url).arg("HEAD:refs/heads/main").output().expect("push");
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// Smart HTTP installed as root, as the README says, on repositories owned by the web server's
/// user (a user of the test's own when the tests run as root): the authenticated user is the
/// pusher, and nothing in the repository ends up root's.
#[test]
fn smart_http_names_the_authenticated_pusher() {
    let s = Sandbox::new();
    git(&s.server, &["config", "http.receivepack", "true"]);
    let (owner, home) = install_for_server(&s, "www");
    let Some(http) = SmartHttp::start(&s.root, &s.root, owner.as_ref()) else {
        return;
    };
    // Without credentials nginx refuses.
    s.card("---\nlicense: apache-2.0\n---\n");
    let anonymous = format!("http://127.0.0.1:{}/acme/model.git", http.port);
    let (ok, _) = push_url(&s, &anonymous, &[]);
    assert!(!ok, "basic auth is required");
    exercise(&s, &s.server, true, &|user, options| {
        push_url(&s, &http.url(user, "acme/model.git"), options)
    });
    // bob claims to be alice in a header: the web server passes it as HTTP_REMOTE_USER, never as
    // REMOTE_USER, so bob stays bob.
    s.card("---\nlicense: mit\n---\n");
    let o = git_cmd(&s.work)
        .args([
            "-c",
            "http.extraHeader=Remote-User: alice",
            "push",
            "-o",
            "hubgate.override=trust me",
        ])
        .arg(http.url("bob", "acme/model.git"))
        .arg("HEAD:refs/heads/main")
        .output()
        .expect("push");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains("bob asked to override policy \"org\""),
        "a header names nobody: {err}"
    );
    new_repository_is_gated(&s, owner.as_ref(), &home, &|| {
        push_url(&s, &http.url("alice", "acme/fresh.git"), &[])
    });
    if let Some(owner) = &owner {
        let strays = owned_by_others(&s.root.join("acme"), owner.uid);
        assert!(
            strays.is_empty(),
            "owned by another user than the web server's: {strays:?}"
        );
    }
}

/// `git daemon --enable=receive-pack` as the repositories' owner, installed as root: pushes are
/// checked, nobody is named (overrides refused for everyone), nothing ends up root's.
#[test]
fn git_daemon_as_the_owner_installed_by_root() {
    let s = Sandbox::new();
    let (owner, home) = install_for_server(&s, "daemon-home");
    let (_daemon, port) = git_daemon(&s.root, owner.as_ref());
    let url = format!("git://127.0.0.1:{port}/acme/model.git");
    exercise(&s, &s.server, false, &|_, options| push_url(&s, &url, options));
    let fresh = format!("git://127.0.0.1:{port}/acme/fresh.git");
    new_repository_is_gated(&s, owner.as_ref(), &home, &|| push_url(&s, &fresh, &[]));
    if let Some(owner) = &owner {
        let strays = owned_by_others(&s.root.join("acme"), owner.uid);
        assert!(strays.is_empty(), "owned by another user than the daemon's: {strays:?}");
    }
}
