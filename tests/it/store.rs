//! The discussion store on repositories made and checked with the real git client: one commit
//! per batch, sharded trees, stores written before sharding read and migrated, the lock wait
//! bounded by the deadline, stale ref locks broken.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use hubgate::discussion::Entry;
use hubgate::discussion::store::{Opened, REF, Store};

use crate::util::{assert_fsck, git};

fn bare() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("r.git");
    std::fs::create_dir_all(&dir).expect("mkdir");
    git(&dir, &["init", "-q", "--bare", "-b", "main"]);
    (tmp, dir)
}

fn entry(title: &str) -> Entry {
    serde_json::from_value(serde_json::json!({
        "num": 0, "title": title, "status": "open", "author": "hubgate", "pusher": null,
        "created_at": "2000-01-01T00:00:00Z", "repo": "acme/model", "ref": "refs/heads/main",
        "old": "0".repeat(40), "new": "1".repeat(40), "changes": [], "policies": [],
        "override_reason": null, "events": []
    }))
    .expect("entry")
}

fn commits(dir: &Path) -> u64 {
    git(dir, &["rev-list", "--count", REF]).parse().expect("count")
}

fn paths(dir: &Path) -> Vec<String> {
    git(dir, &["ls-tree", "-r", "--name-only", REF])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Writes `blob` into the repository with git and returns its id.
fn blob(dir: &Path, bytes: &str) -> String {
    crate::util::git_stdin(dir, &["hash-object", "-w", "--stdin"], bytes.as_bytes())
}

fn mktree(dir: &Path, lines: &str) -> String {
    crate::util::git_stdin(dir, &["mktree"], lines.as_bytes())
}

#[test]
fn one_batch_is_one_commit_and_replaying_it_writes_nothing() {
    let (_tmp, dir) = bare();
    let store = Store::open(&dir).expect("open");
    let batch = vec![
        ("k1".to_owned(), entry("one")),
        ("k2".to_owned(), entry("two")),
        ("k1".to_owned(), entry("one again")),
    ];
    let opened = store.open_entries(batch.clone()).expect("write");
    let created = |num| Opened { num, created: true };
    assert_eq!(opened, [created(1), created(2), Opened { num: 1, created: false }]);
    assert_eq!(commits(&dir), 1, "one push, one commit");
    assert_eq!(
        store.open_entries(batch).expect("replay"),
        [
            Opened { num: 1, created: false },
            Opened { num: 2, created: false },
            Opened { num: 1, created: false }
        ]
    );
    assert_eq!(commits(&dir), 1, "a replay writes nothing");
    let mut p = paths(&dir);
    p.retain(|p| p.starts_with("entries/"));
    assert_eq!(p, ["entries/000/000001.json", "entries/000/000002.json"]);
    assert_eq!(store.get(2).expect("get").map(|e| e.title), Some("two".into()));
    assert_eq!(store.find_key("k2").expect("key"), Some(2));
    assert_fsck(&dir);
}

#[test]
fn entries_across_shards_are_counted_listed_and_read_one_by_one() {
    let (_tmp, dir) = bare();
    let store = Store::open(&dir).expect("open");
    for chunk in 0..3 {
        let batch = (0..400)
            .map(|i| (format!("k{chunk}-{i}"), entry(&format!("e{chunk}-{i}"))))
            .collect();
        store.open_entries(batch).expect("write");
    }
    assert_eq!(store.count().expect("count"), 1200);
    let tail: Vec<u64> = store.list_after(990).expect("list").iter().map(|e| e.num).collect();
    assert_eq!(tail, (991..=1200).collect::<Vec<_>>());
    assert_eq!(store.get(1000).expect("get").map(|e| e.title), Some("e2-199".into()));
    let shards = git(&dir, &["ls-tree", "--name-only", &format!("{REF}:entries")]);
    assert_eq!(shards, "000\n001");
    let nums: Vec<u64> = store.list().expect("list").iter().map(|e| e.num).collect();
    assert_eq!(nums, (1..=1200).collect::<Vec<_>>());
    assert_fsck(&dir);
}

#[test]
fn a_store_written_flat_is_read_then_migrated_by_the_next_write_losing_nothing() {
    let (_tmp, dir) = bare();
    // The layout before sharding: entries/NNNNNN.json and keys/<hash of the (repo, ref, old,
    // new) key>, as the previous version wrote them.
    let mut e1 = entry("old one");
    e1.num = 1;
    let mut e2 = entry("old two");
    e2.num = 2;
    let legacy_key = Entry::key("acme/model", "refs/heads/main", &"0".repeat(40), &"1".repeat(40));
    let key_name = blob(&dir, &legacy_key); // the key's name is the hash of its text
    let entries = mktree(
        &dir,
        &format!(
            "100644 blob {}\t000001.json\n100644 blob {}\t000002.json\n",
            blob(&dir, &serde_json::to_string_pretty(&e1).expect("json")),
            blob(&dir, &serde_json::to_string_pretty(&e2).expect("json"))
        ),
    );
    let keys = mktree(&dir, &format!("100644 blob {}\t{key_name}\n", blob(&dir, "1")));
    let root = mktree(
        &dir,
        &format!("040000 tree {entries}\tentries\n040000 tree {keys}\tkeys\n"),
    );
    let commit = git(&dir, &["commit-tree", &root, "-m", "old store"]);
    git(&dir, &["update-ref", REF, &commit]);

    let store = Store::open(&dir).expect("open");
    assert_eq!(store.count().expect("count"), 2);
    assert_eq!(store.get(2).expect("get").map(|e| e.title), Some("old two".into()));
    assert_eq!(
        store.find_key(&legacy_key).expect("key"),
        Some(1),
        "old keys stay readable"
    );
    let opened = store.open_entry("new", entry("new")).expect("write");
    assert_eq!(opened, Opened { num: 3, created: true });
    assert_eq!(
        paths(&dir)
            .iter()
            .filter(|p| p.starts_with("entries/"))
            .collect::<Vec<_>>(),
        [
            "entries/000/000001.json",
            "entries/000/000002.json",
            "entries/000/000003.json"
        ]
    );
    assert!(
        paths(&dir)
            .iter()
            .all(|p| p.matches('/').count() == 3 || p.starts_with("entries/"))
    );
    assert_eq!(store.find_key(&legacy_key).expect("key"), Some(1), "migrated keys too");
    let titles: Vec<String> = store.list().expect("list").into_iter().map(|e| e.title).collect();
    assert_eq!(titles, ["old one", "old two", "new"]);
    assert_eq!(commits(&dir), 2, "the old commit stays in the history");
    assert_eq!(
        git(&dir, &["rev-parse", &format!("{REF}~1:entries/000001.json")]),
        git(&dir, &["rev-parse", &format!("{REF}:entries/000/000001.json")]),
        "same blob, new path"
    );
    assert_fsck(&dir);
}

#[test]
fn a_fresh_ref_lock_is_waited_for_until_the_deadline_and_a_stale_one_is_broken() {
    let (_tmp, dir) = bare();
    Store::open(&dir)
        .expect("open")
        .open_entry("a", entry("a"))
        .expect("write");
    let lock = dir.join("refs/hubgate/discussions.lock");
    std::fs::write(&lock, "").expect("lock");
    let started = Instant::now();
    let store = Store::open(&dir)
        .expect("open")
        .until(Instant::now() + Duration::from_millis(400));
    assert!(store.open_entry("b", entry("b")).is_err(), "a live lock is respected");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(lock.exists());
    // The same file, as a process killed an hour ago leaves it.
    let old = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&lock)
        .expect("open")
        .set_modified(old)
        .expect("mtime");
    let started = Instant::now();
    let store = Store::open(&dir)
        .expect("open")
        .until(Instant::now() + Duration::from_millis(400));
    assert_eq!(store.open_entry("b", entry("b")).expect("write").num, 2);
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert!(!lock.exists());
    assert!(
        std::fs::read_dir(dir.join("hubgate")).expect("dir").all(|e| !e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .starts_with("stale")),
        "nothing left aside"
    );
    assert_fsck(&dir);
}
