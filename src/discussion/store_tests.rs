//! The store on a fresh bare repository: an empty store, writing and reading entries back
//! whole, numbering, idempotency keys, events. Sharding, migration and the lock are covered with
//! the git client in tests/it/store.rs.

use super::*;

fn bare() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("r.git");
    gix::init_bare(&dir).expect("init");
    let store = Store::open(&dir).expect("open");
    (tmp, store)
}

fn entry(title: &str) -> Entry {
    serde_json::from_value(serde_json::json!({
        "num": 0, "title": title, "status": "open", "author": "hubgate", "pusher": "alice",
        "created_at": "2000-01-01T00:00:00Z", "repo": "acme/model", "ref": "refs/heads/main",
        "old": "0".repeat(40), "new": "1".repeat(40),
        "changes": [{"key": "license", "before": "mit", "after": "gpl-3.0"}],
        "policies": ["acme"], "override_reason": null, "events": []
    }))
    .expect("entry")
}

fn event(kind: &str, body: Option<&str>, status: Option<&str>) -> Event {
    Event {
        kind: kind.into(),
        author: "moderator".into(),
        created_at: "2000-01-02T00:00:00Z".into(),
        body: body.map(str::to_owned),
        status: status.map(str::to_owned),
    }
}

#[test]
fn an_empty_store_has_no_entries_keys_or_ref() {
    let (_tmp, store) = bare();
    assert_eq!(store.count().expect("count"), 0);
    assert!(store.list().expect("list").is_empty());
    assert_eq!(store.get(1).expect("get"), None);
    assert_eq!(store.find_key("k").expect("key"), None);
    assert_eq!(store.head().expect("head"), None);
}

#[test]
fn an_entry_reads_back_whole_with_its_number_and_key_set() {
    let (_tmp, store) = bare();
    let written = entry("License changed: mit -> gpl-3.0");
    let opened = store.open_entry("push-1", written.clone()).expect("open");
    assert_eq!(opened, Opened { num: 1, created: true });
    let read = store.get(1).expect("get").expect("entry 1");
    assert_eq!(read.num, 1);
    assert!(read.key.is_some(), "the idempotency key is recorded");
    let mut expected = written;
    expected.num = 1;
    expected.key = read.key.clone();
    assert_eq!(read, expected);
    assert_eq!(store.list().expect("list"), [expected]);
}

#[test]
fn numbers_follow_each_other_across_writes_and_keys_find_them() {
    let (_tmp, store) = bare();
    for (i, key) in ["a", "b", "c"].iter().enumerate() {
        let opened = store.open_entry(key, entry(key)).expect("open");
        assert_eq!(opened.num, i as u64 + 1);
    }
    assert_eq!(store.count().expect("count"), 3);
    assert_eq!(store.find_key("b").expect("key"), Some(2));
    let titles: Vec<String> = store
        .list_after(1)
        .expect("list")
        .into_iter()
        .map(|e| e.title)
        .collect();
    assert_eq!(titles, ["b", "c"]);
}

#[test]
fn opening_under_a_known_key_writes_nothing_and_returns_the_first_number() {
    let (_tmp, store) = bare();
    store.open_entry("k", entry("first")).expect("open");
    let head = store.head().expect("head");
    let again = store.open_entry("k", entry("second")).expect("again");
    assert_eq!(again, Opened { num: 1, created: false });
    assert_eq!(store.head().expect("head"), head, "no commit for a replay");
    assert_eq!(store.get(1).expect("get").map(|e| e.title), Some("first".into()));
}

#[test]
fn an_empty_batch_writes_nothing() {
    let (_tmp, store) = bare();
    assert!(store.open_entries(Vec::new()).expect("open").is_empty());
    assert_eq!(store.head().expect("head"), None);
}

#[test]
fn events_append_in_order_and_a_status_change_sets_the_status() {
    let (_tmp, store) = bare();
    store.open_entry("k", entry("t")).expect("open");
    store
        .add_event(1, event("comment", Some("looks fine"), None))
        .expect("comment");
    let closed = store
        .add_event(1, event("status-change", None, Some("closed")))
        .expect("close");
    assert_eq!(closed.status, "closed");
    let read = store.get(1).expect("get").expect("entry");
    assert_eq!(read, closed, "what add_event returns is what is stored");
    let kinds: Vec<&str> = read.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["comment", "status-change"]);
    assert_eq!(read.events[0].body.as_deref(), Some("looks fine"));
}

#[test]
fn an_event_for_a_missing_entry_is_an_error_and_writes_nothing() {
    let (_tmp, store) = bare();
    store.open_entry("k", entry("t")).expect("open");
    let head = store.head().expect("head");
    let e = store
        .add_event(2, event("comment", Some("x"), None))
        .expect_err("no entry 2");
    assert!(format!("{e:#}").contains("no discussion #2"), "{e:#}");
    assert_eq!(store.head().expect("head"), head);
}

#[test]
fn a_corrupt_entry_is_an_error_naming_it_not_a_silent_skip() {
    let e = parse(7, b"{ not json").expect_err("corrupt");
    assert!(format!("{e:#}").contains("discussion 7 is corrupt"), "{e:#}");
}
