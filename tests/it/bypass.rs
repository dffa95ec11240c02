//! Issue 9's attacks on the gate, each performed with the real git client: objects laundered
//! through refs that point at trees or blobs or through alternates, files that only start like
//! LFS pointers, malformed trees, overrides crossing policies, tokens where the scanners did not
//! look. Each test failed on the build before the fix.

use std::path::Path;

use crate::util::{Sandbox, git, git_cmd, raw_id};

const CARD: &str = "---\nlicense: mit\n---\n";
/// Shaped like a real token: letters and digits.
const TOKEN: &str = "hf_Ab3dEf5hIj7lMn9pQr1tUv3xYz5BcD7fGh";
const MASKED: &str = "hf_Ab3d****************************Gh";
const LFS_HEAD: &str = "version https://git-lfs.github.com/spec/v1\n";

fn big_text(n: usize) -> Vec<u8> {
    b"0123456789abcdef\n".iter().copied().cycle().take(n).collect()
}

fn binary(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// Writes the three files every scanner refuses, at the top of the work tree.
fn bad_files(s: &Sandbox) {
    s.write("big.txt", big_text(11 * 1024 * 1024));
    s.write("blob.nrrd", binary(1_500_000));
    s.write("app.py", format!("TOKEN = \"{TOKEN}\"\n"));
}

fn names_all_three(remote: &str) {
    assert!(remote.contains("  - big.txt (ref: refs/heads/main)"), "{remote}");
    assert!(remote.contains("  - blob.nrrd (ref: refs/heads/main)"), "{remote}");
    assert!(
        remote.contains(&format!("  - app.py (ref: refs/heads/main, token: '{MASKED}')")),
        "{remote}"
    );
}

#[test]
fn a_tree_under_a_tag_and_a_blob_under_a_pr_ref_are_scanned() {
    let s = Sandbox::new();
    s.card(CARD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    bad_files(&s);
    git(&s.work, &["add", "-A"]);
    let tree = git(&s.work, &["write-tree"]);
    let p = s.push(&[&format!("{tree}:refs/tags/smuggled")]);
    assert!(!p.ok, "a tag to a tree carries its files: {}", p.remote);
    assert!(
        p.remote.contains("  - big.txt (ref: refs/tags/smuggled)"),
        "{}",
        p.remote
    );
    assert!(
        p.remote.contains("  - blob.nrrd (ref: refs/tags/smuggled)"),
        "{}",
        p.remote
    );
    assert!(
        p.remote
            .contains(&format!("  - app.py (ref: refs/tags/smuggled, token: '{MASKED}')")),
        "{}",
        p.remote
    );
    assert!(s.server_ref("refs/tags/smuggled").is_none());
    let blob = git(&s.work, &["rev-parse", &format!("{tree}:app.py")]);
    let p = s.push(&[&format!("{blob}:refs/pr/1")]);
    assert!(!p.ok, "a ref to a blob carries it: {}", p.remote);
    assert!(p.remote.contains(MASKED), "{}", p.remote);
}

#[test]
fn files_smuggled_in_before_are_scanned_when_a_commit_uses_them() {
    let s = Sandbox::new();
    s.card(CARD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    bad_files(&s);
    git(&s.work, &["add", "-A"]);
    let tree = git(&s.work, &["write-tree"]);
    // The objects reach the server unscanned: before hubgate was installed, say.
    let hook = s.server.join("hooks/pre-receive");
    let saved = std::fs::read(&hook).expect("hook");
    std::fs::remove_file(&hook).expect("rm hook");
    assert!(s.push(&[&format!("{tree}:refs/tags/smuggled")]).ok);
    git(&s.server, &["tag", "-d", "smuggled"]);
    std::fs::write(&hook, saved).expect("hook");
    crate::util::make_executable(&hook);
    // Now a commit on main whose tree is exactly the smuggled one: nothing new in the quarantine
    // but the commit.
    s.commit("use the files");
    assert_eq!(git(&s.work, &["rev-parse", "HEAD^{tree}"]), tree);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    names_all_three(&p.remote);
}

#[test]
fn objects_present_through_alternates_are_scanned() {
    // A fork shares the object pool of the repository it came from (as forges do).
    let s = Sandbox::named("acme", "fork");
    let pool = s.root.join("pool.git");
    git(
        &s.root,
        &["init", "-q", "--bare", "-b", "main", pool.to_str().expect("utf8")],
    );
    std::fs::write(
        s.server.join("objects/info/alternates"),
        format!("{}\n", pool.join("objects").display()),
    )
    .expect("alternates");
    s.card(CARD);
    bad_files(&s);
    s.commit("bad files");
    git(
        &s.work,
        &["push", "-q", pool.to_str().expect("utf8"), "HEAD:refs/heads/main"],
    );
    // The pool's objects are the fork's: git sends nothing, the quarantine holds no object.
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    names_all_three(&p.remote);
}

#[test]
fn only_real_lfs_pointers_escape_the_size_and_binary_checks() {
    let s = Sandbox::new();
    s.card(CARD);
    let oid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";
    s.write("weights.bin", format!("{LFS_HEAD}oid sha256:{oid}\nsize 5000000000\n"));
    s.commit("a real pointer");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let mut fake = LFS_HEAD.as_bytes().to_vec();
    fake.extend(binary(1_500_000));
    s.write("fake.bin", &fake);
    let mut big = LFS_HEAD.as_bytes().to_vec();
    big.extend(big_text(11 * 1024 * 1024));
    s.write("fake-big.txt", &big);
    s.write(
        "fake-token.txt",
        format!("{LFS_HEAD}oid sha256:{oid}\nsize 1\nnote {TOKEN}\n"),
    );
    s.commit("things that start like pointers");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(p.remote.contains("  - fake.bin (ref: refs/heads/main)"), "{}", p.remote);
    assert!(
        p.remote.contains("  - fake-big.txt (ref: refs/heads/main)"),
        "{}",
        p.remote
    );
    assert!(
        p.remote.contains("  - fake-token.txt (ref: refs/heads/main, token:"),
        "{}",
        p.remote
    );
    assert!(!p.remote.contains("weights.bin"), "{}", p.remote);
}

/// A tree with two `README.md` entries: the first a clean card, the second one a policy refuses.
fn duplicate_readme_commit(s: &Sandbox) -> String {
    let good = git(&s.work, &["rev-parse", "HEAD:README.md"]);
    let bad_card = "---\nlicense: mit\ntags: [not-for-all-audiences]\n---\n";
    let path = s.root.join("bad-card.md");
    std::fs::write(&path, bad_card).expect("write");
    let bad = git(&s.work, &["hash-object", "-w", path.to_str().expect("utf8")]);
    let mut raw = Vec::new();
    for id in [&good, &bad] {
        raw.extend_from_slice(b"100644 README.md\0");
        raw.extend(raw_id(id));
    }
    let tree = s.raw_tree(&raw);
    let parent = git(&s.work, &["rev-parse", "HEAD"]);
    git(&s.work, &["commit-tree", &tree, "-p", &parent, "-m", "two cards"])
}

#[test]
fn a_tree_with_two_readme_entries_is_refused_by_the_gate() {
    let s = Sandbox::new();
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\n[policy.gating]\nwhen-tags = [\"not-for-all-audiences\"]\n",
    );
    s.card(CARD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let commit = duplicate_readme_commit(&s);
    let p = s.push(&[&format!("{commit}:refs/heads/main")]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("error[tree-malformed]: the root tree (")
            && p.remote.contains("is malformed: the name \"README.md\" appears twice"),
        "{}",
        p.remote
    );
    // The same attack under a tag is refused too.
    let p = s.push(&[&format!("{commit}:refs/tags/v1")]);
    assert!(!p.ok && p.remote.contains("tree-malformed"), "{}", p.remote);
}

#[test]
fn a_dot_git_folder_is_refused_by_the_gate() {
    let s = Sandbox::new();
    s.card(CARD);
    let blob = git(&s.work, &["rev-parse", "HEAD:README.md"]);
    let inner = git_input(&s.work, &["mktree"], &format!("100644 blob {blob}\tconfig\n"));
    let readme = git(&s.work, &["rev-parse", "HEAD:README.md"]);
    let root = git_input(
        &s.work,
        &["mktree"],
        &format!("040000 tree {inner}\t.GIT\n100644 blob {readme}\tREADME.md\n"),
    );
    let commit = git(&s.work, &["commit-tree", &root, "-m", "dot git"]);
    let p = s.push(&[&format!("{commit}:refs/heads/main")]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("the entry \".GIT\" is a `.git` folder"),
        "{}",
        p.remote
    );
}

fn git_input(dir: &Path, args: &[&str], stdin: &str) -> String {
    crate::util::git_stdin(dir, args, stdin.as_bytes())
}

#[test]
fn each_scanner_policy_keeps_its_own_level_and_threshold() {
    let s = Sandbox::new();
    s.policy(
        "a.toml",
        "[[policy]]\nname = \"warn-big\"\nrepos = [\"acme/*\"]\n[policy.large-files]\nlevel = \"warn\"\nmax-size = \"1MiB\"\n",
    );
    s.policy(
        "b.toml",
        "[[policy]]\nname = \"deny-big\"\nrepos = [\"acme/*\"]\n[policy.large-files]\nlevel = \"deny\"\nmax-size = \"10MiB\"\n",
    );
    s.card(CARD);
    s.write("medium.txt", big_text(2 * 1024 * 1024));
    s.commit("2 MiB");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "2 MiB is only over the warn policy's limit: {}", p.remote);
    assert!(
        p.remote
            .contains("Your push was accepted, but it contains files larger than 1 MiB.")
            && p.remote.contains("hubgate: policy \"warn-big\" (rule: large-files)")
            && !p.remote.contains("deny-big"),
        "{}",
        p.remote
    );
    s.write("large.txt", big_text(12 * 1024 * 1024));
    s.commit("12 MiB");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote
            .contains("Your push was rejected because it contains files larger than 10 MiB.")
            && p.remote.contains("  - large.txt (ref: refs/heads/main)")
            && p.remote.contains("hubgate: policy \"deny-big\" (rule: large-files)"),
        "{}",
        p.remote
    );
}

fn push_with(s: &Sandbox, who: &str, options: &[&str]) -> (bool, String) {
    let mut c = git_cmd(&s.work);
    c.env("HUBGATE_PUSHER", who).arg("push");
    for o in options {
        c.arg("-o").arg(o);
    }
    let o = c.args(["origin", "HEAD:refs/heads/main"]).output().expect("push");
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn an_override_needs_every_policy_that_raised_the_finding() {
    let s = Sandbox::new();
    git(&s.server, &["config", "receive.advertisePushOptions", "true"]);
    // Both policies name alice, both refuse the Hub's findings; only the second lets them be
    // overridden. The file order puts the strict one first.
    s.policy(
        "a.toml",
        "[[policy]]\nname = \"strict\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n",
    );
    s.policy(
        "b.toml",
        "[[policy]]\nname = \"lenient\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n[policy.hub]\noverridable = true\n",
    );
    s.card("---\nlicense: not-a-licence\n---\n");
    let (ok, err) = push_with(&s, "alice", &["hubgate.override=trust me"]);
    assert!(!ok, "policy \"strict\" does not let its Hub rule be overridden: {err}");
    assert!(err.contains("\"license\" must be one of"), "{err}");
    // The same two tables for large files.
    s.policy(
        "a.toml",
        "[[policy]]\nname = \"strict\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n",
    );
    s.policy(
        "b.toml",
        "[[policy]]\nname = \"lenient\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n[policy.large-files]\noverridable = true\n",
    );
    s.card(CARD);
    s.write("large.txt", big_text(11 * 1024 * 1024));
    s.commit("large");
    let (ok, err) = push_with(&s, "alice", &["hubgate.override=trust me"]);
    assert!(!ok, "{err}");
    assert!(err.contains("large.txt"), "{err}");
}

#[test]
fn an_empty_or_blank_override_reason_is_refused() {
    let s = Sandbox::new();
    git(&s.server, &["config", "receive.advertisePushOptions", "true"]);
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\noverride = [\"alice\"]\n[policy.license]\nallow = [\"apache-2.0\"]\noverridable = true\n",
    );
    s.card(CARD);
    for option in ["hubgate.override=", "hubgate.override=   "] {
        let (ok, err) = push_with(&s, "alice", &[option]);
        assert!(!ok, "{option:?}: {err}");
        assert!(
            err.contains("error[override-reason-empty]: alice asked for an override without a reason"),
            "{err}"
        );
    }
    let (ok, err) = push_with(&s, "alice", &["hubgate.override=licence reviewed"]);
    assert!(ok, "{err}");
}

#[test]
fn tokens_are_found_in_binary_large_linked_and_message_text() {
    let s = Sandbox::new();
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\n[policy.large-files]\nlevel = \"warn\"\n[policy.binary-files]\nlevel = \"off\"\n",
    );
    s.card(CARD);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    // A pickled `training_args.bin` carries `hub_token`.
    let mut pickle = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x09hub_token\x94\x8c\x25".to_vec();
    pickle.extend_from_slice(TOKEN.as_bytes());
    pickle.extend(binary(2_000_000));
    s.write("training_args.bin", &pickle);
    s.commit("pickle");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(
        !p.ok && p.remote.contains("  - training_args.bin (ref: refs/heads/main, token:"),
        "{}",
        p.remote
    );
    git(&s.work, &["reset", "-q", "--hard", "HEAD~1"]);
    // A large file at `warn` is still searched, to its end.
    let mut large = big_text(11 * 1024 * 1024);
    large.extend_from_slice(format!("\nkey={TOKEN}\n").as_bytes());
    s.write("dump.txt", &large);
    s.commit("large");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(
        !p.ok && p.remote.contains("  - dump.txt (ref: refs/heads/main, token:"),
        "{}",
        p.remote
    );
    git(&s.work, &["reset", "-q", "--hard", "HEAD~1"]);
    // A symbolic link's target.
    std::os::unix::fs::symlink(format!("/secrets/{TOKEN}"), s.work.join("link")).expect("symlink");
    s.commit("link");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(
        !p.ok && p.remote.contains("  - link (ref: refs/heads/main, token:"),
        "{}",
        p.remote
    );
    git(&s.work, &["reset", "-q", "--hard", "HEAD~1"]);
    // A commit message, and an organisation token.
    let org = "api_org_Zz1Yy2Xx3Ww4Vv5Uu6Tt7Ss8Rr9Qq0PpOo";
    git(
        &s.work,
        &["commit", "-q", "--allow-empty", "-m", &format!("deploy with {org}")],
    );
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(
        !p.ok
            && p.remote
                .contains("(message) (ref: refs/heads/main, token: 'api_org_Zz1"),
        "{}",
        p.remote
    );
    assert!(!p.remote.contains(org), "masked: {}", p.remote);
    git(&s.work, &["reset", "-q", "--hard", "HEAD~1"]);
    // An annotated tag's message.
    git(&s.work, &["tag", "-a", "v1", "-m", &format!("release, token {TOKEN}")]);
    let p = s.push(&["refs/tags/v1"]);
    assert!(
        !p.ok && p.remote.contains("(message) (ref: refs/tags/v1, token: 'hf_Ab3d"),
        "{}",
        p.remote
    );
    assert!(p.remote.contains("  - tag "), "{}", p.remote);
}

#[test]
fn a_tree_over_the_bound_is_refused_not_skipped() {
    let s = Sandbox::new();
    s.card(CARD);
    let blob = git(&s.work, &["rev-parse", "HEAD:README.md"]);
    let id = raw_id(&blob);
    // 17,000 entries with 4,000-byte names: just over 64 MiB, sorted, otherwise well formed.
    let mut raw = Vec::with_capacity(70 << 20);
    for i in 0..17_000 {
        raw.extend_from_slice(format!("100644 {i:08}{}\0", "x".repeat(3992)).as_bytes());
        raw.extend_from_slice(&id);
    }
    assert!(raw.len() as u64 > 64 << 20);
    let tree = s.raw_tree(&raw);
    let commit = git(&s.work, &["commit-tree", &tree, "-m", "huge folder"]);
    let p = s.push(&[&format!("{commit}:refs/heads/main")]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("error[tree-malformed]") && p.remote.contains("over the 64 MiB hubgate reads"),
        "{}",
        p.remote
    );
}

#[test]
fn tokens_in_file_names_and_ref_names_are_found() {
    let s = Sandbox::new();
    s.card(CARD);
    s.write(&format!("keys/{TOKEN}.txt"), "nothing to see\n");
    s.commit("a name");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(p.remote.contains("  - keys/hf_Ab3d"), "{}", p.remote);
    assert!(
        p.remote.contains(".txt (file name) (ref: refs/heads/main, token:"),
        "{}",
        p.remote
    );
    assert!(!p.remote.contains(TOKEN), "masked: {}", p.remote);
    git(&s.work, &["reset", "-q", "--hard", "HEAD~1"]);
    let p = s.push(&[&format!("HEAD:refs/heads/{TOKEN}")]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("  - (ref name) (ref: refs/heads/hf_Ab3d"),
        "{}",
        p.remote
    );
}

#[test]
fn a_token_in_a_blob_stored_as_a_delta_is_found() {
    let s = Sandbox::new();
    s.card(CARD);
    // Over git's unpack limit (100 objects), so the quarantine keeps the pack with its deltas.
    for i in 0..120 {
        s.write(&format!("notes/{i:03}.txt"), format!("note {i}\n"));
    }
    // git keeps the larger version whole and stores the smaller one as a delta against it: the
    // token is in the smaller, older version, replaced within the push.
    let mut clean: Vec<u8> = big_text(200_000);
    let mut leaked = clean.clone();
    leaked.extend_from_slice(format!("\nleaked {TOKEN}\n").as_bytes());
    clean.extend(std::iter::repeat_n(b'z', 500));
    s.write("corpus.txt", &leaked);
    s.commit("corpus");
    s.write("corpus.txt", &clean);
    s.commit("remove the line again");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("  - corpus.txt (ref: refs/heads/main, token:"),
        "{}",
        p.remote
    );
    // The premise: the same push, received without the hook, stores that blob as a delta.
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm hook");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let blob = git(&s.work, &["rev-parse", "HEAD~1:corpus.txt"]);
    let pack_dir = s.server.join("objects/pack");
    let idx = std::fs::read_dir(&pack_dir)
        .expect("packs")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .expect("the push was kept as a pack");
    let listing = git(&s.server, &["verify-pack", "-v", idx.to_str().expect("utf8")]);
    let line = listing
        .lines()
        .find(|l| l.starts_with(&blob))
        .expect("blob in the pack");
    assert_eq!(line.split_whitespace().count(), 7, "stored as a delta: {line}");
}

#[test]
fn a_token_deep_inside_a_packed_binary_is_found() {
    let s = Sandbox::new();
    s.card(CARD);
    // Over git's unpack limit, so the blob is read from the quarantined pack, streamed.
    for i in 0..120 {
        s.write(&format!("notes/{i:03}.txt"), format!("note {i}\n"));
    }
    let mut weights = binary(3_000_000);
    weights.splice(2_100_000..2_100_000, TOKEN.bytes().chain(*b"\0"));
    weights.insert(2_100_000, 0);
    s.write("model.safetensors", &weights);
    s.commit("weights");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains(&format!(
            "  - model.safetensors (ref: refs/heads/main, token: '{MASKED}')"
        )),
        "{}",
        p.remote
    );
}

#[test]
fn a_token_in_utf16_text_is_found() {
    let s = Sandbox::new();
    s.card(CARD);
    let mut text = vec![0xff, 0xfe];
    text.extend(
        format!("HF_TOKEN={TOKEN}\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    s.write("settings.ini", &text);
    s.commit("windows notepad");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote
            .contains(&format!("  - settings.ini (ref: refs/heads/main, token: '{MASKED}')")),
        "{}",
        p.remote
    );
}

#[test]
fn a_blob_past_the_whole_read_bound_is_refused_not_skipped() {
    // A fork whose pool holds a 257 MiB file: reached through alternates, it is outside the push's
    // quarantine, so it cannot be streamed and would have to be read whole.
    let s = Sandbox::named("acme", "fork");
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"org\"\nrepos = [\"acme/*\"]\n[policy.large-files]\nlevel = \"warn\"\n",
    );
    let pool = s.root.join("pool.git");
    git(
        &s.root,
        &["init", "-q", "--bare", "-b", "main", pool.to_str().expect("utf8")],
    );
    let pool_objects = format!("{}\n", pool.join("objects").display());
    // The fork and the pusher's clone both borrow the pool's objects: nothing is copied.
    std::fs::write(s.server.join("objects/info/alternates"), &pool_objects).expect("alternates");
    std::fs::write(s.work.join(".git/objects/info/alternates"), &pool_objects).expect("alternates");
    // Written straight into the pool's object store, with fast compression.
    // `repeat` copies by doubling: fast even in an unoptimised test build.
    let text = b"0123456789abcde\n".repeat((257 << 20) / 16);
    let blob = crate::util::git_stdin(
        &pool,
        &["-c", "core.compression=1", "hash-object", "-w", "--stdin"],
        &text,
    );
    let card = git_input(&pool, &["hash-object", "-w", "--stdin"], CARD);
    let tree = git_input(
        &pool,
        &["mktree"],
        &format!("100644 blob {card}\tREADME.md\n100644 blob {blob}\tdump.txt\n"),
    );
    let commit = git(&pool, &["commit-tree", &tree, "-m", "a very large text file"]);
    git(&pool, &["update-ref", "refs/heads/main", &commit]);
    let p = s.push(&[&format!("{commit}:refs/heads/main")]);
    assert!(!p.ok, "{}", p.remote);
    assert!(
        p.remote.contains("error[scan-incomplete]")
            && p.remote.contains("dump.txt (257 MiB) could not be searched for tokens"),
        "{}",
        p.remote
    );
}
