//! `hubgate demo`: real pushes with the real `git` client into a temporary bare repository with
//! this binary installed as its pre-receive hook; shows what a pusher sees. Writes only inside a
//! temporary directory, removed at the end.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

const POLICY: &str = r#"# A demo policy: adult content must be gated, and the licence must be open.
[[policy]]
name = "demo-gating"
repos = ["*"]

[policy.gating]
level = "deny"
when-tags = ["not-for-all-audiences"]
required-keys = ["extra_gated_prompt"]
"#;

const STEPS: &[(&str, &str)] = &[
    (
        "a good card is accepted",
        "---\nlicense: apache-2.0\ntags:\n- text-generation\n---\n# My model\n",
    ),
    (
        "a card the Hub would refuse is refused with the Hub's words",
        "---\nlicense: MIT\ntags: text-generation\nlicense: mit\n---\n# My model\n",
    ),
    (
        "a card the Hub would refuse for a licence outside its list",
        "---\nlicense: gpl-2.0-or-later\nwidget: hello\n---\n# My model\n",
    ),
    (
        "the administrator's policy refuses adult content without gating",
        "---\nlicense: apache-2.0\ntags:\n- not-for-all-audiences\n---\n# My model\n",
    ),
    (
        "a risky change that passes every rule is accepted and opens a discussion",
        "---\nlicense: mit\ntags:\n- not-for-all-audiences\nextra_gated_prompt: You agree to use this model responsibly.\n---\n# My model\n",
    ),
];

/// Which steps the demo expects to be accepted.
const ACCEPTED: &[usize] = &[0, 4];

pub(super) fn run() -> Result<ExitCode> {
    let exe = hubgate::env::current_exe().context("cannot find the hubgate binary")?;
    let tmp = tempfile::Builder::new().prefix("hubgate-demo-").tempdir()?;
    let root = tmp.path();
    let mut out = std::io::stdout().lock();
    writeln!(out, "hubgate demo in {} (removed afterwards)\n", root.display())?;
    let server = root.join("server.git");
    let policies = root.join("policies");
    std::fs::create_dir_all(&policies)?;
    std::fs::write(policies.join("demo.toml"), POLICY)?;
    git(root, &["init", "-q", "--bare", "-b", "main", "server.git"])?;
    let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', "'\\''"));
    for kind in ["pre-receive", "post-receive"] {
        let hook = server.join("hooks").join(kind);
        std::fs::write(
            &hook,
            format!(
                "#!/bin/sh\nexec {} --policies {} {kind}\n",
                quote(&exe),
                quote(&policies)
            ),
        )?;
        make_executable(&hook)?;
    }
    writeln!(
        out,
        "policy in force ({}):\n{POLICY}",
        policies.join("demo.toml").display()
    )?;
    git(root, &["clone", "-q", "server.git", "work"])?;
    let work = root.join("work");
    let mut all_as_expected = true;
    for (i, (title, card)) in STEPS.iter().enumerate() {
        writeln!(out, "== {}. {title}", i + 1)?;
        std::fs::write(work.join("README.md"), card)?;
        writeln!(out, "README.md:\n{}", indent(card))?;
        git(&work, &["add", "README.md"])?;
        git(&work, &["commit", "-q", "-m", title])?;
        let push = git_output(&work, &["push", "origin", "HEAD:refs/heads/main"])?;
        writeln!(out, "$ git push origin main")?;
        for line in String::from_utf8_lossy(&push.stderr).lines() {
            writeln!(out, "  {}", line.trim_end())?;
        }
        let accepted = push.status.success();
        writeln!(out, "=> {}\n", if accepted { "accepted" } else { "refused" })?;
        all_as_expected &= accepted == ACCEPTED.contains(&i);
        if !accepted {
            git(&work, &["reset", "-q", "--hard", "HEAD~1"])?;
        }
    }
    writeln!(
        out,
        "== The discussions the accepted pushes opened (hubgate discussions list / show 2)"
    )?;
    let list = Command::new(&exe)
        .args(["discussions", "--repo"])
        .arg(&server)
        .arg("list")
        .output()?;
    out.write_all(&list.stdout)?;
    let show = Command::new(&exe)
        .args(["discussions", "--repo"])
        .arg(&server)
        .args(["show", "2"])
        .output()?;
    out.write_all(&show.stdout)?;
    all_as_expected &= String::from_utf8_lossy(&list.stdout).lines().count() == 2;
    if !all_as_expected {
        bail!("the demo did not behave as expected (see above)");
    }
    writeln!(out, "All pushes behaved as expected.")?;
    Ok(ExitCode::SUCCESS)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  | {l}\n")).collect()
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("git");
    c.args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Demo")
        .env("GIT_AUTHOR_EMAIL", "demo@example.org")
        .env("GIT_COMMITTER_NAME", "Demo")
        .env("GIT_COMMITTER_EMAIL", "demo@example.org")
        .env_remove("GIT_DIR")
        .env_remove("HUBGATE_POLICIES");
    c
}

fn git_output(dir: &Path, args: &[&str]) -> Result<std::process::Output> {
    command(dir, args).output().context("cannot run git (is it installed?)")
}

fn git(dir: &Path, args: &[&str]) -> Result<()> {
    let o = git_output(dir, args)?;
    if !o.status.success() {
        bail!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&o.stderr));
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}
