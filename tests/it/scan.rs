//! The push scanners: large files, binary files, tokens, over the pushed objects only.

use crate::util::{Sandbox, git, git_cmd, git_stdin, hubgate};

const CARD: &str = "---\nlicense: mit\n---\n";

fn big(n: usize) -> Vec<u8> {
    // Text (no control bytes), so that only the size matters.
    b"0123456789abcdef\n".iter().copied().cycle().take(n).collect()
}

fn binary(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

#[test]
fn a_large_file_is_refused_in_the_hubs_words_even_if_deleted_again() {
    let s = Sandbox::new();
    s.card(CARD);
    s.write("weights/model.bin", big(11 * 1024 * 1024));
    s.commit("add");
    std::fs::remove_file(s.work.join("weights/model.bin")).expect("rm");
    s.commit("remove again");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    let want = "-------------------------------------------------------------------------\n\
                Your push was rejected because it contains files larger than 10 MiB.\n\
                Please use https://git-lfs.github.com/ to store large files.\n\
                See also: https://hf.co/docs/hub/repositories-getting-started#terminal\n\
                \n\
                Offending files:\n\
                \x20 - weights/model.bin (ref: refs/heads/main)\n\
                -------------------------------------------------------------------------";
    assert!(p.remote.starts_with(want), "{}", p.remote);
}

#[test]
fn binary_files_over_the_threshold_are_refused_text_and_small_ones_pass() {
    let s = Sandbox::new();
    s.card(CARD);
    s.write("small.bin", binary(500_000));
    s.write("notes.txt", big(2_000_000));
    s.commit("fine");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    s.write("data/x.nrrd", binary(1_500_000));
    s.commit("binary");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    assert!(p.remote.contains("Your push was rejected because it contains binary files.\nPlease use https://huggingface.co/docs/hub/xet to store binary files."), "{}", p.remote);
    assert!(
        p.remote.contains("  - data/x.nrrd (ref: refs/heads/main)"),
        "{}",
        p.remote
    );
    assert!(
        !p.remote.contains("small.bin") && !p.remote.contains("notes.txt"),
        "only what this push brings: {}",
        p.remote
    );
}

#[test]
fn tokens_are_refused_and_never_printed_whole() {
    let s = Sandbox::new();
    let token = format!("hf_{}", "QwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUi");
    s.card(CARD);
    s.write("app.py", format!("TOKEN = \"{token}\"\n"));
    s.commit("oops");
    let p = s.push(&["HEAD:refs/heads/feature"]);
    assert!(!p.ok);
    assert!(
        p.remote
            .contains("It appears that one or more of your files contain valid Hugging Face secrets"),
        "{}",
        p.remote
    );
    assert!(
        p.remote
            .contains("  - app.py (ref: refs/heads/feature, token: 'hf_QwEr****************************Ui')"),
        "{}",
        p.remote
    );
    assert!(!p.stderr.contains(&token), "the whole token must never be printed");
}

#[test]
fn scanner_levels_and_thresholds_come_from_the_policy() {
    let s = Sandbox::new();
    s.policy(
        "p.toml",
        "[[policy]]\nname = \"p\"\nrepos = [\"*\"]\n[policy.large-files]\nlevel = \"warn\"\nmax-size = \"1MiB\"\n\
         [policy.binary-files]\nlevel = \"off\"\n[policy.secrets]\nlevel = \"deny\"\n",
    );
    s.card(CARD);
    s.write("big.txt", big(2 * 1024 * 1024));
    s.write("blob.bin", binary(3_000_000));
    s.commit("both");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
    assert!(
        p.remote
            .contains("Your push was accepted, but it contains files larger than 1 MiB."),
        "{}",
        p.remote
    );
    assert!(
        p.remote.contains("big.txt") && p.remote.contains("blob.bin"),
        "{}",
        p.remote
    );
}

#[test]
fn check_scans_the_commits_of_a_range_and_reports_json() {
    let s = Sandbox::new();
    std::fs::remove_file(s.server.join("hooks/pre-receive")).expect("rm");
    let old = s.card(CARD);
    s.write("big.bin", big(11 * 1024 * 1024));
    let new = s.commit("big");
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    let server = s.server.to_str().expect("utf8");
    let o = hubgate(
        &s.root,
        &[
            "check", "--repo", server, "--ref", "main", "--old", &old, "--new", &new, "--format", "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let f = &doc["findings"][0];
    assert_eq!(
        (f["code"].as_str(), f["file"].as_str(), f["ref"].as_str()),
        (Some("file-too-large"), Some("big.bin"), Some("refs/heads/main"))
    );
    // A later push that does not bring the file again is not refused for it.
    s.install_plain_hook();
    s.write("small.txt", "hello\n");
    s.commit("small");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "{}", p.remote);
    git(&s.work, &["log", "-1"]);
}

#[test]
fn prefixes_are_read_from_loose_objects_and_packs() {
    let s = Sandbox::new();
    let data = binary(300_000);
    s.write("a.bin", &data);
    s.commit("a");
    let id = git(&s.work, &["rev-parse", "HEAD:a.bin"]);
    let oid = gix::ObjectId::from_hex(id.as_bytes()).expect("oid");
    let objects = s.work.join(".git/objects");
    let loose = hubgate::repo::prefix::Prefixes::open(&objects, gix::hash::Kind::Sha1).expect("open");
    assert_eq!(
        loose.blob_prefix(&oid, 8000).expect("read"),
        Some(data[..8000].to_vec())
    );
    git(&s.work, &["repack", "-adq"]);
    let packed = hubgate::repo::prefix::Prefixes::open(&objects, gix::hash::Kind::Sha1).expect("open");
    assert_eq!(
        packed.blob_prefix(&oid, 8000).expect("read"),
        Some(data[..8000].to_vec())
    );
    assert_eq!(
        packed.blob_prefix(&oid, 10_000_000).expect("read").map(|b| b.len()),
        Some(300_000)
    );
}

#[test]
fn a_push_kept_as_a_pack_in_the_quarantine_is_scanned() {
    let s = Sandbox::new();
    s.card(CARD);
    for i in 0..150 {
        s.write(&format!("many/{i}.txt"), format!("file {i}\n"));
    }
    s.write("blob.bin", binary(1_500_000));
    s.write("app.py", format!("t = 'hf_{}'\n", "ZyXwVuTsRqPoNmLkJiHgFeDcBaZyXwVuTs"));
    s.commit("many");
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    assert!(p.remote.contains("  - blob.bin (ref: refs/heads/main)"), "{}", p.remote);
    assert!(
        p.remote.contains("  - app.py (ref: refs/heads/main, token: 'hf_ZyXw"),
        "{}",
        p.remote
    );
}

/// Commits a tree whose `data/` directory holds `n` entries (one blob under `n` names, built with
/// `git mktree`: fast, nothing on disk) on top of HEAD, and returns the commit.
fn commit_with_entries(s: &Sandbox, n: usize) -> String {
    let blob = git_stdin(&s.work, &["hash-object", "-w", "--stdin"], b"x\n");
    let card = git_stdin(&s.work, &["hash-object", "-w", "--stdin"], CARD.as_bytes());
    let listing: String = (0..n).map(|i| format!("100644 blob {blob}\tf{i:05}\n")).collect();
    let data = git_stdin(&s.work, &["mktree"], listing.as_bytes());
    let root = git_stdin(
        &s.work,
        &["mktree"],
        format!("100644 blob {card}\tREADME.md\n040000 tree {data}\tdata\n").as_bytes(),
    );
    let mut args = vec!["commit-tree", root.as_str(), "-m", "entries"];
    let head = git_cmd(&s.work)
        .args(["rev-parse", "-q", "--verify", "HEAD"])
        .output()
        .expect("git");
    let parent = String::from_utf8_lossy(&head.stdout).trim().to_owned();
    if head.status.success() {
        args.extend(["-p", parent.as_str()]);
    }
    let commit = git(&s.work, &args);
    git(&s.work, &["update-ref", "HEAD", &commit]);
    commit
}

#[test]
fn a_directory_of_10001_entries_is_refused_in_the_hubs_words_and_10000_pass() {
    let s = Sandbox::new();
    commit_with_entries(&s, 10_000);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "exactly 10,000 entries is allowed: {}", p.remote);
    commit_with_entries(&s, 10_001);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok);
    let want = "-------------------------------------------------------------------------\n\
                Your push was rejected because it contains too many files per directory.\n\
                Each directory in your git repo can only contain up to 10000 files.\n\
                \n\
                Offending reference: refs/heads/main\n\
                Offending directories:\n\
                /data/\n\
                -------------------------------------------------------------------------\n\
                hubgate: 1 error, 0 warnings; push rejected";
    assert_eq!(p.remote.trim_end(), want);
}

/// A crowded directory the repository already holds is not the push's: a push that leaves it as
/// it was passes, one that brings a new tree for it (a file changed in it) is refused.
#[test]
fn a_crowded_directory_already_there_is_judged_only_when_a_push_changes_it() {
    let s = Sandbox::new();
    let policy = |limit: usize| {
        format!(
            "[[policy]]\nname = \"p\"\nrepos = [\"*\"]\n[policy.directory-entries]\nlevel = \"deny\"\nmax-entries = {limit}\n"
        )
    };
    s.policy("p.toml", &policy(10));
    commit_with_entries(&s, 4);
    assert!(s.push(&["HEAD:refs/heads/main"]).ok);
    // The administrator lowers the limit under what the repository holds.
    s.policy("p.toml", &policy(3));
    let tree = |spec: &str| git(&s.work, &["rev-parse", spec]);
    let data = tree("HEAD:data");
    let card = git_stdin(
        &s.work,
        &["hash-object", "-w", "--stdin"],
        format!("{CARD}\nMore words.\n").as_bytes(),
    );
    let root = git_stdin(
        &s.work,
        &["mktree"],
        format!("100644 blob {card}\tREADME.md\n040000 tree {data}\tdata\n").as_bytes(),
    );
    let commit = git(&s.work, &["commit-tree", &root, "-p", "HEAD", "-m", "card only"]);
    git(&s.work, &["update-ref", "HEAD", &commit]);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(p.ok, "the crowded directory was not touched: {}", p.remote);
    assert!(!p.remote.contains("too many files"), "{}", p.remote);
    // One more file in it: a new tree of 5 entries, refused.
    commit_with_entries(&s, 5);
    let p = s.push(&["HEAD:refs/heads/main"]);
    assert!(!p.ok, "{}", p.remote);
    assert!(p.remote.contains("Offending directories:\n/data/\n"), "{}", p.remote);
}

#[test]
fn the_directory_entries_rule_has_a_level_and_a_limit() {
    for (level, ok) in [("warn", true), ("off", true), ("deny", false)] {
        let s = Sandbox::new();
        s.policy(
            "p.toml",
            &format!(
                "[[policy]]\nname = \"p\"\nrepos = [\"*\"]\n[policy.directory-entries]\nlevel = \"{level}\"\nmax-entries = 3\n"
            ),
        );
        commit_with_entries(&s, 3);
        assert!(s.push(&["HEAD:refs/heads/main"]).ok, "{level}");
        commit_with_entries(&s, 4);
        let p = s.push(&["HEAD:refs/heads/feature"]);
        assert_eq!(p.ok, ok, "{level}: {}", p.remote);
        let head = match level {
            "warn" => "Your push was accepted, but it contains too many files per directory.",
            _ => "Your push was rejected because it contains too many files per directory.",
        };
        if level == "off" {
            assert!(!p.remote.contains("too many files"), "{}", p.remote);
            continue;
        }
        assert!(
            p.remote.contains(&format!(
                "{head}\nEach directory in your git repo can only contain up to 3 files."
            )),
            "{}",
            p.remote
        );
        assert!(
            p.remote
                .contains("Offending reference: refs/heads/feature\nOffending directories:\n/data/\n"),
            "{}",
            p.remote
        );
        assert!(
            p.remote.contains("hubgate: policy \"p\" (rule: directory-entries)"),
            "{}",
            p.remote
        );
    }
}
