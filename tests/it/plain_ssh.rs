//! Plain git over ssh (issue 11): one system user owns the repositories, every pusher logs in as
//! that user with a key of their own, and the key's `command=` in `authorized_keys` names the
//! pusher (`HUBGATE_PUSHER`) before `git-shell` runs, as the README says. Installed as root.
//! Needs root and `openssh-server`; skipped, saying why, without them.

use std::path::Path;

use crate::server_kit::{
    POLICY, User, exercise, give, install_args, keygen, need, need_root, new_repository_is_gated, open_to_all,
    owned_by_others, ssh_command, sshd,
};
use crate::util::{Sandbox, git_cmd, hubgate, hubgate_bin};

/// The `authorized_keys` line that names `pusher` for the key at `public`.
fn forced(pusher: &str, public: &Path) -> String {
    let key = std::fs::read_to_string(public).expect("key");
    format!(
        "command=\"HUBGATE_PUSHER={pusher} exec git-shell -c \\\"$SSH_ORIGINAL_COMMAND\\\"\",no-port-forwarding,\
         no-X11-forwarding,no-agent-forwarding,no-pty {}",
        key.trim()
    )
}

#[test]
fn plain_ssh_names_the_pusher_from_authorized_keys() {
    let Some(bins) = need(&["sshd", "ssh-keygen", "ssh"], "openssh-server openssh-client") else {
        return;
    };
    if !need_root("plain ssh with a git user") {
        return;
    }
    let s = Sandbox::new();
    open_to_all(&s.root);
    s.policy("p.toml", POLICY);
    let config = s.root.join("hubgate.toml");
    std::fs::write(&config, "[discussions]\nwatch-refs = [\"refs/heads/*\"]\n").expect("config");
    let home = s.root.join("git-home");
    let user = User::create(&home);
    let keys = s.root.join("keys");
    std::fs::create_dir_all(&keys).expect("keys");
    let mut authorized = String::new();
    for k in ["alice", "bob", "host"] {
        keygen(&keys.join(k));
        if k != "host" {
            authorized.push_str(&forced(k, &keys.join(format!("{k}.pub"))));
            authorized.push('\n');
        }
    }
    std::fs::create_dir_all(home.join(".ssh")).expect(".ssh");
    std::fs::write(home.join(".ssh/authorized_keys"), authorized).expect("authorized_keys");
    let bin = s.root.join("hubgate");
    std::fs::copy(hubgate_bin(), &bin).expect("binary");
    give(&home, &user);
    give(&s.root.join("acme"), &user);
    let args = install_args(&s, &config, &bin, &home);
    let o = hubgate(&s.root, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (_sshd, port) = sshd(&s.root, &user, &keys.join("host"), &bins[0]);
    let url = format!("ssh://{}@127.0.0.1:{port}{}", user.name, s.server.display());
    let push = |pusher: &str, url: &str, options: &[&str]| {
        let mut c = git_cmd(&s.work);
        c.env("GIT_SSH_COMMAND", ssh_command(&keys.join(pusher))).arg("push");
        for o in options {
            c.arg("-o").arg(o);
        }
        let o = c.arg(url).arg("HEAD:refs/heads/main").output().expect("push");
        (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    exercise(&s, &s.server, true, &|pusher, options| push(pusher, &url, options));
    let fresh = format!(
        "ssh://{}@127.0.0.1:{port}{}",
        user.name,
        s.root.join("acme/fresh.git").display()
    );
    new_repository_is_gated(&s, Some(&user), &home, &|| push("alice", &fresh, &[]));
    let strays = owned_by_others(&s.root.join("acme"), user.uid);
    assert!(strays.is_empty(), "owned by another user than git's: {strays:?}");
}
