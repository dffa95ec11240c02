//! The outbox on a temporary folder: queueing once per entry, order, retries that keep the item
//! and its error, deadlines, the flush lock, unreadable items kept.

use std::time::{Duration, Instant};

use super::*;

fn entry(num: u64) -> Entry {
    serde_json::from_value(serde_json::json!({
        "num": num, "title": format!("entry {num}"), "status": "open", "author": "hubgate",
        "pusher": null, "created_at": "2000-01-01T00:00:00Z", "repo": "acme/model",
        "ref": "refs/heads/main", "old": "0".repeat(40), "new": "1".repeat(40), "changes": [],
        "policies": [], "override_reason": null, "events": []
    }))
    .expect("entry")
}

/// A folder standing for a bare repository, and its outbox.
fn outbox() -> (tempfile::TempDir, Outbox) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::of(tmp.path());
    (tmp, outbox)
}

fn later() -> Instant {
    Instant::now() + Duration::from_secs(10)
}

/// Queues entries `nums` (what the store holds above the mark the outbox passes).
fn enqueue(outbox: &Outbox, nums: &[u64]) -> usize {
    let nums = nums.to_vec();
    outbox
        .enqueue(
            move |mark| Ok(nums.iter().filter(|&&n| n > mark).map(|&n| entry(n)).collect()),
            "acme",
            "model",
            later(),
        )
        .expect("enqueue")
}

fn queued(outbox: &Outbox) -> Vec<u64> {
    outbox
        .items()
        .expect("items")
        .into_iter()
        .map(|(_, item)| item.expect("readable").entry.num)
        .collect()
}

#[test]
fn an_outbox_never_written_lists_nothing_and_flushes_nothing() {
    let (_tmp, outbox) = outbox();
    assert!(outbox.items().expect("items").is_empty());
    let flushed = outbox.flush(later(), |_| panic!("nothing to deliver")).expect("flush");
    assert_eq!(flushed, Flushed::default());
}

#[test]
fn each_entry_is_queued_once_however_often_enqueue_runs() {
    let (_tmp, outbox) = outbox();
    assert_eq!(enqueue(&outbox, &[1, 2]), 2);
    assert_eq!(enqueue(&outbox, &[1, 2]), 0, "the high-water mark remembers them");
    assert_eq!(enqueue(&outbox, &[1, 2, 3]), 1);
    assert_eq!(queued(&outbox), [1, 2, 3]);
}

#[test]
fn entries_at_or_below_the_mark_are_not_queued_again_even_if_offered() {
    let (_tmp, outbox) = outbox();
    enqueue(&outbox, &[1, 2]);
    let n = outbox
        .enqueue(|_| Ok(vec![entry(1), entry(2), entry(3)]), "acme", "model", later())
        .expect("enqueue");
    assert_eq!(n, 1);
    assert_eq!(queued(&outbox), [1, 2, 3]);
}

#[test]
fn delivered_items_are_not_queued_again() {
    let (_tmp, outbox) = outbox();
    enqueue(&outbox, &[1]);
    outbox.flush(later(), |_| Ok(7)).expect("flush");
    assert_eq!(enqueue(&outbox, &[1, 2]), 1);
    assert_eq!(queued(&outbox), [2]);
}

#[test]
fn items_are_listed_and_delivered_oldest_first() {
    let (_tmp, outbox) = outbox();
    enqueue(&outbox, &[2, 9, 10, 100]);
    assert_eq!(
        queued(&outbox),
        [2, 9, 10, 100],
        "numeric order, not name order of 9 and 10"
    );
    let mut order = Vec::new();
    outbox
        .flush(later(), |item| {
            order.push(item.entry.num);
            Ok(1)
        })
        .expect("flush");
    assert_eq!(order, [2, 9, 10, 100]);
}

#[test]
fn a_failed_delivery_keeps_the_item_counts_attempts_and_records_the_error() {
    let (_tmp, outbox) = outbox();
    enqueue(&outbox, &[1, 2]);
    let fail_two = |item: &Item| {
        if item.entry.num == 2 {
            anyhow::bail!("forge answered 502")
        }
        Ok(41)
    };
    let flushed = outbox.flush(later(), fail_two).expect("flush");
    assert_eq!((flushed.delivered, flushed.pending, flushed.busy), (1, 1, false));
    outbox.flush(later(), fail_two).expect("flush again");
    let items = outbox.items().expect("items");
    assert_eq!(items.len(), 1);
    let item = items[0].1.as_ref().expect("readable");
    assert_eq!((item.entry.num, item.attempts), (2, 2));
    assert_eq!(item.last_error.as_deref(), Some("forge answered 502"));
    assert_eq!((item.owner.as_str(), item.repo.as_str()), ("acme", "model"));
}

#[test]
fn a_flush_past_its_deadline_tries_nothing_and_keeps_everything() {
    let (_tmp, outbox) = outbox();
    enqueue(&outbox, &[1, 2]);
    let flushed = outbox
        .flush(Instant::now(), |_| panic!("past the deadline"))
        .expect("flush");
    assert_eq!((flushed.delivered, flushed.pending), (0, 2));
    assert_eq!(queued(&outbox), [1, 2]);
}

#[test]
fn a_flush_that_finds_the_lock_held_reports_busy_and_delivers_nothing() {
    let (tmp, outbox) = outbox();
    enqueue(&outbox, &[1]);
    let held = File::create(tmp.path().join("hubgate/outbox/.lock")).expect("lock file");
    held.try_lock().expect("lock");
    let flushed = outbox.flush(later(), |_| panic!("busy")).expect("flush");
    assert!(flushed.busy);
    drop(held);
    assert_eq!(outbox.flush(later(), |_| Ok(1)).expect("flush").delivered, 1);
}

#[test]
fn an_unreadable_item_is_reported_kept_and_counted_pending() {
    let (tmp, outbox) = outbox();
    enqueue(&outbox, &[1]);
    let broken = tmp.path().join("hubgate/outbox/000000005.json");
    std::fs::write(&broken, "{ not json").expect("write");
    let items = outbox.items().expect("items");
    assert_eq!(items.len(), 2);
    assert!(items[1].1.is_err(), "the broken item is listed, with its error");
    let flushed = outbox.flush(later(), |_| Ok(1)).expect("flush");
    assert_eq!((flushed.delivered, flushed.pending), (1, 1));
    assert!(broken.exists(), "never deleted");
}

#[test]
fn a_queued_item_is_the_whole_entry_as_json() {
    let (tmp, outbox) = outbox();
    enqueue(&outbox, &[3]);
    let text = std::fs::read_to_string(tmp.path().join("hubgate/outbox/000000003.json")).expect("item");
    let item: Item = serde_json::from_str(&text).expect("json");
    assert_eq!(item.entry, entry(3));
    assert_eq!((item.attempts, item.last_error), (0, None));
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path().join("hubgate/outbox"))
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left: {leftovers:?}");
}
