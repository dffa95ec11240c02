//! Which repository and which objects hubgate reads: replacement refs (`refs/replace/*`, which
//! anyone who can push can create) never stand in for the objects hubgate judges and records, and
//! a policy can refuse pushing one (`ref-replace`); a clone's `.git` is read, not a repository
//! planted in its working tree; a shallow repository's walk stops at its boundary; repositories
//! whose refs or ids hubgate cannot read (reftable, SHA-256) are refused by name, on every push,
//! rather than misread.

use crate::quarantine::StdinBytes;
use crate::util::{Sandbox, git, git_cmd, hubgate};

const CONFIG: &str = "[discussions]\nwatch-refs = [\"HEAD\"]\n";
const PLAIN: &str = "---\nlicense: mit\n---\n# Model\n";
const ADULT: &str = "---\nlicense: mit\ntags: [not-for-all-audiences]\nextra_gated_prompt: Adults only\n---\n# Model\n";

/// Commits the plain card (pushed to main), then the adult one, and names the plain card's blob
/// as the adult one's replacement: the two blob ids and the refspec pushing the replacement.
fn adult_card_replaced_by_the_plain_one(s: &Sandbox) -> (String, String, String) {
    s.card(PLAIN);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
    let plain = git(&s.work, &["rev-parse", "HEAD:README.md"]);
    s.card(ADULT);
    let adult = git(&s.work, &["rev-parse", "HEAD:README.md"]);
    git(&s.work, &["replace", &adult, &plain]);
    let replace = format!("refs/replace/{adult}:refs/replace/{adult}");
    (plain, adult, replace)
}

/// A push that makes a card adult and, in the same push, names the old card's blob as the new
/// one's replacement. post-receive must record the change it stores, not the card the
/// replacement shows (gix reads through `refs/replace/*` unless told not to).
#[test]
fn a_replace_ref_does_not_hide_a_card_change_from_the_discussion() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    // Under the embedded baseline the replacement itself lands (`[policy.replace-refs]` is off
    // unless written, as the Hub is not known to refuse it); what is read must be the stored card.
    let (_, _, replace) = adult_card_replaced_by_the_plain_one(&s);
    assert_eq!(s.discussions().len(), 1, "the card's creation is recorded");
    let p = s.push(&["HEAD:refs/heads/main", &replace]);
    assert!(p.ok, "{}", p.stderr);
    assert!(
        p.remote
            .contains("hubgate: opened discussion #2: not-for-all-audiences added; Gating changed: extra_gated_prompt"),
        "the change stored is recorded: {}",
        p.remote
    );
    // The dry run reads the stored card too: under a policy requiring the audience tag, the
    // adult card passes where the replacement (the plain card) would be refused.
    s.policy(
        "audience.toml",
        "[[policy]]\nname = \"a\"\nrepos = [\"*\"]\n[policy.audience]\nrequire-tag = true\n",
    );
    let server = s.server.to_str().expect("utf8");
    let policies = s.policies.to_str().expect("utf8");
    let o = hubgate(
        &s.root,
        &["--policies", policies, "check", "--repo", server, "--format", "json"],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && out.contains("\"verdict\":\"accept\""), "{out}");
    // The administrator is told the replacement is there.
    let o = hubgate(&s.root, &["doctor", server]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("WARN") && said.contains("1 replacement ref (refs/replace/"),
        "{said}"
    );
}

/// A replacement ref pushed beside a card made adult, under a policy with `[policy.replace-refs]`:
/// refused in words the pusher understands; at `warn` it lands with a warning; deleting a
/// replacement passes. Without the table (the embedded baseline) the rule is off: the baseline
/// is no stricter than the Hub.
#[test]
fn a_push_creating_a_replacement_is_refused() {
    let s = Sandbox::new();
    s.policy(
        "replace.toml",
        "[[policy]]\nname = \"r\"\nrepos = [\"*\"]\n[policy.replace-refs]\n",
    );
    let (plain, adult, replace) = adult_card_replaced_by_the_plain_one(&s);
    let p = s.push(&["HEAD:refs/heads/main", &replace]);
    assert!(!p.ok, "{}", p.remote);
    assert!(p.remote.contains("error[ref-replace]"), "{}", p.remote);
    assert!(
        p.remote.contains(&format!(
            "would show {} wherever {} is read",
            &plain[..12],
            &adult[..12]
        )),
        "{}",
        p.remote
    );
    assert_eq!(s.server_ref(&format!("refs/replace/{adult}")), None);
    // At `warn`, it lands; then deleting it passes at `deny`.
    s.policy(
        "replace.toml",
        "[[policy]]\nname = \"r\"\nrepos = [\"*\"]\n[policy.replace-refs]\nlevel = \"warn\"\n",
    );
    let p = s.push(&["HEAD:refs/heads/main", &replace]);
    assert!(p.ok && p.remote.contains("warning[ref-replace]"), "{}", p.remote);
    s.policy(
        "replace.toml",
        "[[policy]]\nname = \"r\"\nrepos = [\"*\"]\n[policy.replace-refs]\n",
    );
    let p = s.push(&[&format!(":refs/replace/{adult}")]);
    assert!(p.ok, "{}", p.remote);
    assert_eq!(s.server_ref(&format!("refs/replace/{adult}")), None);
    // Where the server's git reads replacements from another base (`GIT_REPLACE_REF_BASE` in
    // the server's environment, which the hook inherits; git's local transport drops the
    // client's, so the hook script sets it), refs there are replacements too.
    let alt = format!("{plain}:refs/alt/{adult}");
    let hook = s.server.join("hooks/pre-receive");
    let script = std::fs::read_to_string(&hook).expect("hook");
    std::fs::write(
        &hook,
        script.replacen("exec ", "GIT_REPLACE_REF_BASE=refs/alt/ exec ", 1),
    )
    .expect("hook");
    let p = s.push(&[&alt]);
    assert!(!p.ok && p.remote.contains("error[ref-replace]"), "{}", p.remote);
    std::fs::write(&hook, script).expect("hook");
    let p = s.push(&[&alt]);
    assert!(p.ok, "elsewhere they are plain refs: {}", p.remote);
}

/// A replacement for a discussion entry's blob, pushed by anyone: the entries listed are the
/// ones hubgate wrote.
#[test]
fn a_replace_ref_does_not_rewrite_a_discussion_entry() {
    let s = Sandbox::new().with_post_receive(CONFIG);
    s.card(PLAIN);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let entry = git(
        &s.server,
        &["rev-parse", "refs/hubgate/discussions:entries/000/000001.json"],
    );
    let forged = git_cmd(&s.server)
        .args(["hash-object", "-w", "--stdin"])
        .stdin_bytes("{\"title\": \"nothing to see\"}\n");
    let forged = String::from_utf8_lossy(&forged).trim().to_owned();
    git(&s.server, &["update-ref", &format!("refs/replace/{entry}"), &forged]);
    let d = s.discussions();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["title"].as_str(), Some("Card created; License set: mit"), "{d:?}");
}

/// A repository whose refs are in git's reftable format: hubgate cannot read them, and says so
/// on the first push as on every later one (read as files, the first push passed, every later
/// one was refused with a message about a reference that "could not be decoded").
#[test]
fn a_reftable_repository_is_refused_by_name() {
    let s = Sandbox::new();
    let reftable = s.root.join("reftable.git");
    let o = git_cmd(&s.root)
        .args(["init", "-q", "--bare", "--ref-format=reftable"])
        .arg(&reftable)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "this test needs git 2.45 or later: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::copy(s.server.join("hooks/pre-receive"), reftable.join("hooks/pre-receive")).expect("hook");
    s.card(PLAIN);
    let o = git_cmd(&s.work)
        .args(["push", reftable.to_str().expect("utf8"), "HEAD:refs/heads/main"])
        .output()
        .expect("git runs");
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{said}");
    assert!(
        said.contains("its refs are stored as reftable") && said.contains("refs migrate --ref-format=files"),
        "{said}"
    );
    let o = hubgate(&s.root, &["check", "--repo", reftable.to_str().expect("utf8")]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("reftable"));
    // The administrator learns it before any pusher does: at install, and from doctor.
    let o = hubgate(&s.root, &["install", reftable.to_str().expect("utf8")]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{said}");
    assert!(
        said.contains("warning:") && said.contains("every push will be refused") && said.contains("reftable"),
        "{said}"
    );
    let o = hubgate(&s.root, &["doctor", reftable.to_str().expect("utf8")]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success(), "{said}");
    assert!(
        said.contains("every push is refused") && said.contains("reftable"),
        "{said}"
    );
}

/// A blob pushed as an ordinary file with a replacement beside it (the baseline lets both
/// land), then made the card by a later push: the blob is no longer in that push's quarantine,
/// so a gate reading the repository through `refs/replace/*` judged the replacement instead.
#[test]
fn a_replacement_pushed_earlier_does_not_change_the_card_judged_later() {
    let s = Sandbox::new();
    s.card(PLAIN);
    let bad = "---\nlicense: no-such-licence\n---\n# Model\n";
    s.write("docs/README.md", bad);
    s.commit("docs");
    let x = git(&s.work, &["rev-parse", "HEAD:docs/README.md"]);
    let plain = git(&s.work, &["rev-parse", "HEAD:README.md"]);
    git(&s.work, &["replace", &x, &plain]);
    let replace = format!("refs/replace/{x}:refs/replace/{x}");
    let p = s.push(&["HEAD:refs/heads/main", &replace]);
    assert!(p.ok, "{}", p.remote);
    s.card(bad);
    assert_eq!(git(&s.work, &["rev-parse", "HEAD:README.md"]), x, "the same blob");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "the stored card is judged: {}", p.remote);
    assert!(p.remote.contains("\"license\" must be one of"), "{}", p.remote);
}

/// `hubgate check` in a clone whose working tree holds a `HEAD`, `objects/` and `refs/` of its
/// own (committed by anyone): the clone's `.git` is the repository, as for git, not the planted
/// one beside it.
#[test]
fn check_in_a_clone_reads_its_git_directory_not_a_planted_one() {
    let s = Sandbox::new();
    s.card("---\nlicense: no-such-licence\n---\n# Model\n");
    let planted = s.root.join("planted.git");
    let o = git_cmd(&s.root)
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&planted)
        .output()
        .expect("git runs");
    assert!(o.status.success());
    let blob = git_cmd(&planted)
        .args(["hash-object", "-w", "--stdin"])
        .stdin_bytes(PLAIN);
    let blob = String::from_utf8_lossy(&blob).trim().to_owned();
    let tree = git_cmd(&planted)
        .args(["mktree"])
        .stdin_bytes(format!("100644 blob {blob}\tREADME.md\n"));
    let tree = String::from_utf8_lossy(&tree).trim().to_owned();
    let commit = git(&planted, &["commit-tree", &tree, "-m", "planted"]);
    git(&planted, &["update-ref", "refs/heads/main", &commit]);
    for entry in ["HEAD", "objects", "refs"] {
        let o = std::process::Command::new("cp")
            .arg("-R")
            .arg(planted.join(entry))
            .arg(s.work.join(entry))
            .output()
            .expect("cp runs");
        assert!(o.status.success());
    }
    let o = hubgate(&s.root, &["check", "--repo", s.work.to_str().expect("utf8")]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(said.contains("\"license\" must be one of"), "{said}");
}

/// A shallow repository (`git clone --bare --depth`), checked over a range whose history
/// reaches the shallow boundary without meeting the hidden side: the walk stops at the boundary
/// as git's does, and what is above it is judged.
#[test]
fn a_range_in_a_shallow_repository_stops_at_the_boundary() {
    let s = Sandbox::new();
    for i in 0..4 {
        s.card(&format!("---\nlicense: mit\n---\n# v{i}\n"));
    }
    s.write("keys.txt", "hf_Ab3dEf5hIj7lMn9pQr1tUv3xYz5BcD7fGh\n");
    let tip = s.commit("token");
    let shallow = s.root.join("shallow.git");
    let url = format!("file://{}", s.work.display());
    let o = git_cmd(&s.root)
        .args(["clone", "-q", "--bare", "--depth", "2", &url])
        .arg(&shallow)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(shallow.join("shallow").is_file());
    let tree = git(&shallow, &["mktree"]);
    let orphan = git(&shallow, &["commit-tree", &tree, "-m", "unrelated"]);
    let o = hubgate(
        &s.root,
        &[
            "check",
            "--repo",
            shallow.to_str().expect("utf8"),
            "--ref",
            "refs/heads/main",
            "--old",
            &orphan,
            "--new",
            &tip,
        ],
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(
        said.contains("Hugging Face secrets") && said.contains("keys.txt"),
        "{said}"
    );
}
