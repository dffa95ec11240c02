//! Issue 11, item 3: `hubgate doctor`, run as root, checks that the repository's owner can use
//! what it must (hooks, config, objects, refs, the discussions store, the policies and the
//! configuration), and fails on root-owned files in a repository another user owns. The damage is
//! made by hand, as an administrator running commands as root would.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::root::{as_root, chown_tree};
use crate::util::{Sandbox, hubgate, hubgate_bin};

/// Doctor's report (stdout and stderr).
fn doctor(s: &Sandbox) -> String {
    let o = hubgate(&s.root, &["doctor", s.server.to_str().expect("utf8")]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The FAIL line naming `what`.
fn fail_line<'a>(out: &'a str, what: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with("FAIL") && l.contains(what))
        .unwrap_or_else(|| panic!("no FAIL naming {what}:\n{out}"))
}

/// A sandbox installed as root with policies and a configuration, then given to `nobody`, with
/// nothing for doctor to fail on.
fn installed_for_nobody() -> Option<Sandbox> {
    let s = Sandbox::new();
    if !as_root() {
        return None;
    }
    // The sandbox folder is root's 0700: nobody could not reach the repository at all.
    chmod(&s.root, 0o755);
    s.policy("p.toml", "[[policy]]\nname = \"p\"\nrepos = [\"*\"]\n");
    let config = s.root.join("hubgate.toml");
    std::fs::write(&config, "[discussions]\nenabled = true\n").expect("config");
    let o = hubgate(
        &s.root,
        &[
            "--policies",
            s.policies.to_str().expect("utf8"),
            "--config",
            config.to_str().expect("utf8"),
            "install",
            "--bin",
            hubgate_bin().to_str().expect("utf8"),
            s.server.to_str().expect("utf8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(chown_tree(&s.server, "nobody"));
    let out = doctor(&s);
    assert!(!out.contains("FAIL"), "{out}");
    Some(s)
}

#[test]
fn doctor_fails_on_a_root_owned_folder_under_objects() {
    let Some(s) = installed_for_nobody() else { return };
    let folder = s.server.join("objects/ab");
    std::fs::create_dir(&folder).expect("mkdir");
    let out = doctor(&s);
    let line = fail_line(&out, "are root's");
    let repo = s.server.display().to_string();
    assert!(line.contains(&folder.display().to_string()), "{line}");
    assert!(line.contains("not its owner nobody's"), "{line}");
    assert!(line.contains(&format!("chown -R nobody: {repo}")), "{line}");
    // The command it gives fixes it.
    assert!(chown_tree(&s.server, "nobody:"));
    let out = doctor(&s);
    assert!(!out.contains("FAIL"), "{out}");
    assert!(
        out.contains("its owner nobody can use its hooks, config, objects, refs and hubgate folder"),
        "{out}"
    );
    assert!(chown_tree(&s.server, "root"));
}

#[test]
fn doctor_fails_on_a_policy_file_the_owner_cannot_read() {
    let Some(s) = installed_for_nobody() else { return };
    let policy = s.policies.join("p.toml");
    chmod(&policy, 0o600);
    let out = doctor(&s);
    let shown = policy.display().to_string();
    let line = fail_line(&out, &shown);
    assert!(line.contains("owner nobody cannot read it"), "{line}");
    assert!(line.contains("0600, owned by root:root"), "{line}");
    assert!(line.contains(&format!("chmod o+r {shown}")), "{line}");
    assert!(chown_tree(&s.server, "root"));
}

#[test]
fn doctor_fails_on_a_hook_the_owner_cannot_execute() {
    let Some(s) = installed_for_nobody() else { return };
    let hook = s.server.join("hooks/post-receive");
    assert!(chown_tree(&hook, "root"));
    chmod(&hook, 0o700);
    let out = doctor(&s);
    let shown = hook.display().to_string();
    let line = fail_line(&out, &format!("{shown}: the repository's owner"));
    assert!(line.contains("cannot read and execute it"), "{line}");
    assert!(line.contains(&format!("chown -R nobody: {shown}")), "{line}");
    // The owner's own hook without its execute bit: chmod, not chown.
    assert!(chown_tree(&hook, "nobody"));
    chmod(&hook, 0o644);
    let out = doctor(&s);
    let line = fail_line(&out, &format!("{shown}: the repository's owner"));
    assert!(line.contains(&format!("chmod u+x {shown}")), "{line}");
    assert!(chown_tree(&s.server, "root"));
}
