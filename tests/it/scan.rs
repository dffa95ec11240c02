//! The push scanners: large files, binary files, tokens, over the pushed objects only.

use crate::util::{Sandbox, git, hubgate};

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
    let loose = hubgate::repo::prefix::Prefixes::open(&objects).expect("open");
    assert_eq!(
        loose.blob_prefix(&oid, 8000).expect("read"),
        Some(data[..8000].to_vec())
    );
    git(&s.work, &["repack", "-adq"]);
    let packed = hubgate::repo::prefix::Prefixes::open(&objects).expect("open");
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
