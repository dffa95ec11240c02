//! Real servers on 127.0.0.1 (issue 11): smart HTTP through nginx + fcgiwrap + `git
//! http-backend` with basic auth. Each test stops every process it started (process groups). On
//! a machine without the Debian packages (`nginx-light fcgiwrap apache2-utils`) the tests say
//! what they skipped; `.ci/run` installs them and sets `HUBGATE_REQUIRE_SERVERS`, which turns a
//! missing server into a failure.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::{Group, Sandbox, git, git_cmd, hubgate, hubgate_bin};

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

/// nginx in front of fcgiwrap running `git http-backend`, basic auth for `alice` and `bob`.
struct SmartHttp {
    _nginx: Group,
    _fcgiwrap: Group,
    port: u16,
}

impl SmartHttp {
    fn start(root: &Path, project_root: &Path) -> Option<SmartHttp> {
        let bins = need(&["nginx", "fcgiwrap", "htpasswd"], "nginx-light fcgiwrap apache2-utils")?;
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
        let fcgi = Command::new(fcgiwrap)
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
                 fastcgi_param REMOTE_USER $remote_user;\n      fastcgi_param PATH_INFO $uri;\n\
                 fastcgi_param QUERY_STRING $query_string;\n      fastcgi_param REQUEST_METHOD $request_method;\n\
                 fastcgi_param CONTENT_TYPE $content_type;\n      fastcgi_param CONTENT_LENGTH $content_length;\n\
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

fn push_http(s: &Sandbox, url: &str, options: &[&str]) -> (bool, String) {
    let mut c = git_cmd(&s.work);
    c.arg("push");
    for o in options {
        c.arg("-o").arg(o);
    }
    let o = c.arg(url).arg("HEAD:refs/heads/main").output().expect("push");
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn smart_http_names_the_authenticated_pusher() {
    let s = Sandbox::new();
    let policies = s.policies.to_str().expect("utf8").to_owned();
    let config = s.root.join("hubgate.toml");
    std::fs::write(&config, "[discussions]\nwatch-refs = [\"refs/heads/*\"]\n").expect("config");
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n[policy.license]\nallow = [\"apache-2.0\"]\noverridable = true\n",
    );
    let o = hubgate(
        &s.root,
        &[
            "--policies",
            &policies,
            "--config",
            config.to_str().expect("utf8"),
            "install",
            "--bin",
            hubgate_bin().to_str().expect("utf8"),
            s.root.to_str().expect("utf8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    git(&s.server, &["config", "http.receivepack", "true"]);
    let Some(http) = SmartHttp::start(&s.root, &s.root) else {
        return;
    };
    s.card("---\nlicense: mit\n---\n");
    // Without credentials nginx refuses; bob may not override; alice may, and is recorded.
    let anonymous = format!("http://127.0.0.1:{}/acme/model.git", http.port);
    let (ok, _) = push_http(&s, &anonymous, &[]);
    assert!(!ok, "basic auth is required");
    let (ok, err) = push_http(&s, &http.url("bob", "acme/model.git"), &["hubgate.override=trust me"]);
    assert!(!ok, "{err}");
    assert!(
        err.contains("bob asked to override policy \"org\", but only alice may override it"),
        "the pusher is the authenticated user: {err}"
    );
    let (ok, err) = push_http(
        &s,
        &http.url("alice", "acme/model.git"),
        &["hubgate.override=licence reviewed"],
    );
    assert!(ok, "{err}");
    assert!(err.contains("(overridden by alice: licence reviewed)"), "{err}");
    let entries = s.discussions();
    assert!(!entries.is_empty(), "{err}");
    assert!(entries.iter().all(|e| e["pusher"] == "alice"), "{entries:?}");
}
