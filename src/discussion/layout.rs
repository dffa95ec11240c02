//! Where the store keeps things in its tree, so that a write touches a few small trees whatever
//! the number of entries.
//!
//! Entry `n` is `entries/<n / 1000, 3+ digits>/<n, 6+ digits>.json` (at most 1,000 names per
//! shard; a million entries make 1,000 shards); an idempotency key hashing to `abcd...` is
//! `keys/ab/cd/<rest>` (65,536 buckets: a million keys leave about 15 names per bucket). A write
//! rewrites one shard, one bucket and the trees above them.
//!
//! Stores written before sharding hold `entries/NNNNNN.json` and `keys/<40 hex>` flat. Both are
//! read; the first write on such a store moves every flat name to its sharded place in the same
//! commit as the new entry (same blobs, new paths: nothing is lost, and the commit before stays
//! in the ref's history), so later writes no longer rewrite the large flat trees.

use anyhow::{Context, Result};
use gix::ObjectId;
use gix::objs::tree::EntryKind;

/// Names per shard of `entries/`.
const SHARD: u64 = 1000;

/// The path of entry `num`.
pub(super) fn entry_path(num: u64) -> String {
    format!("entries/{:03}/{num:06}.json", num / SHARD)
}

/// The path entry `num` had before sharding.
pub(super) fn flat_entry_path(num: u64) -> String {
    format!("entries/{num:06}.json")
}

/// The hex name of an idempotency key (its git blob hash: never ambiguous, any length of key).
pub(super) fn key_hex(kind: gix::hash::Kind, key: &str) -> Result<String> {
    Ok(gix::objs::compute_hash(kind, gix::objs::Kind::Blob, key.as_bytes())?.to_string())
}

/// The path of the key whose hex name is `hex`.
pub(super) fn key_path(hex: &str) -> String {
    format!("keys/{}/{}/{}", &hex[..2], &hex[2..4], &hex[4..])
}

/// The path the key had before sharding.
pub(super) fn flat_key_path(hex: &str) -> String {
    format!("keys/{hex}")
}

/// The entries of the tree at `path` under `root` as (name, is a tree, id); empty when absent.
fn children(repo: &gix::Repository, root: ObjectId, path: &str) -> Result<Vec<(String, bool, ObjectId)>> {
    let tree = repo.find_tree(root)?;
    let id = if path.is_empty() {
        root
    } else {
        match tree.lookup_entry_by_path(path)? {
            Some(e) if e.mode().is_tree() => e.object_id(),
            _ => return Ok(Vec::new()),
        }
    };
    let tree = repo.find_tree(id)?;
    let decoded = tree
        .decode()
        .with_context(|| format!("the store's tree {path} is corrupt"))?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| (e.filename.to_string(), e.mode.is_tree(), e.oid.to_owned()))
        .collect())
}

/// The number in an entry's file name (`000042.json`).
fn num_of(name: &str) -> Option<u64> {
    name.strip_suffix(".json")?.parse().ok()
}

/// The highest entry number in the store's tree (0 when empty). Numbers are gapless, so this is
/// also the count. Reads the `entries` tree, the last shard and nothing else.
pub(super) fn highest(repo: &gix::Repository, root: ObjectId) -> Result<u64> {
    let top = children(repo, root, "entries")?;
    let flat = top
        .iter()
        .filter(|(_, t, _)| !t)
        .filter_map(|(n, _, _)| num_of(n))
        .max();
    let last_shard = top
        .iter()
        .filter(|(_, t, _)| *t)
        .filter_map(|(n, _, _)| n.parse::<u64>().ok().map(|s| (s, n)))
        .max_by_key(|(s, _)| *s);
    let sharded = match last_shard {
        Some((_, name)) => children(repo, root, &format!("entries/{name}"))?
            .iter()
            .filter_map(|(n, _, _)| num_of(n))
            .max(),
        None => None,
    };
    Ok(flat.unwrap_or(0).max(sharded.unwrap_or(0)))
}

/// The entries numbered above `after`, as (number, blob), in number order. Reads only the shards
/// that can hold them.
pub(super) fn entries_after(repo: &gix::Repository, root: ObjectId, after: u64) -> Result<Vec<(u64, ObjectId)>> {
    let mut out = Vec::new();
    for (name, is_tree, id) in children(repo, root, "entries")? {
        if !is_tree {
            if let Some(n) = num_of(&name).filter(|n| *n > after) {
                out.push((n, id));
            }
            continue;
        }
        let Ok(shard) = name.parse::<u64>() else { continue };
        if (shard + 1) * SHARD <= after + 1 {
            continue;
        }
        for (file, _, blob) in children(repo, root, &format!("entries/{name}"))? {
            if let Some(n) = num_of(&file).filter(|n| *n > after) {
                out.push((n, blob));
            }
        }
    }
    out.sort_by_key(|(n, _)| *n);
    Ok(out)
}

/// Moves every flat entry and key of a store written before sharding to its sharded path, in
/// `editor` (the caller's commit). Returns whether anything moved. Names it does not recognise
/// stay where they are.
pub(super) fn migrate(
    repo: &gix::Repository,
    root: ObjectId,
    editor: &mut gix::object::tree::Editor<'_>,
) -> Result<bool> {
    let mut moved = false;
    for (name, is_tree, id) in children(repo, root, "entries")? {
        if let (false, Some(num)) = (is_tree, num_of(&name)) {
            editor.remove(format!("entries/{name}").as_str())?;
            editor.upsert(entry_path(num).as_str(), EntryKind::Blob, id)?;
            moved = true;
        }
    }
    let hex_len = repo.object_hash().len_in_hex();
    for (name, is_tree, id) in children(repo, root, "keys")? {
        if !is_tree && name.len() == hex_len && name.bytes().all(|b| b.is_ascii_hexdigit()) {
            editor.remove(format!("keys/{name}").as_str())?;
            editor.upsert(key_path(&name).as_str(), EntryKind::Blob, id)?;
            moved = true;
        }
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_shard_by_thousands_and_by_hex_pairs() {
        assert_eq!(entry_path(1), "entries/000/000001.json");
        assert_eq!(entry_path(999), "entries/000/000999.json");
        assert_eq!(entry_path(1000), "entries/001/001000.json");
        assert_eq!(entry_path(100_000), "entries/100/100000.json");
        assert_eq!(entry_path(1_234_567), "entries/1234/1234567.json");
        let hex = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(key_path(hex), "keys/01/23/456789abcdef0123456789abcdef01234567");
        assert_eq!(flat_key_path(hex), format!("keys/{hex}"));
        assert_eq!(flat_entry_path(42), "entries/000042.json");
    }
}
