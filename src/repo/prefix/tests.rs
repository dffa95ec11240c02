//! Partial reads against git's own: loose, packed whole, deltified, truncated and corrupt.

use super::*;
use std::process::Command;

fn git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        input.write_all(bytes).expect("stdin");
    }
    drop(input);
    let out = child.wait_with_output().expect("git");
    assert!(out.status.success(), "git {args:?}");
    out.stdout
}

/// Streamed bytes equal git's own reading, loose and packed, over many chunk borders.
#[test]
fn streams_are_the_blobs_bytes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    git(dir, &["init", "-q", "--bare", "."], None);
    let data: Vec<u8> = (0..1_500_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let id = String::from_utf8(git(dir, &["hash-object", "-w", "--stdin"], Some(&data))).expect("hex");
    let id = ObjectId::from_hex(id.trim().as_bytes()).expect("id");
    let read = |p: &Prefixes| {
        let mut got = Vec::new();
        let size = p.stream(&id, &mut |c| got.extend_from_slice(c)).expect("stream");
        (size, got)
    };
    let loose = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert_eq!(read(&loose), (Some(data.len() as u64), data.clone()));
    let line = format!("{id}\n");
    git(dir, &["pack-objects", "-q", "objects/pack/pack"], Some(line.as_bytes()));
    git(dir, &["prune-packed"], None);
    let packed = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert!(packed.loose.is_empty() && packed.packs.len() == 1);
    assert_eq!(read(&packed), (Some(data.len() as u64), data));
}

/// Pseudo-random (incompressible) bytes, the same for a given `seed`.
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    (0..len)
        .map(|_| {
            // xorshift32
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    git(tmp.path(), &["init", "-q", "--bare", "."], None);
    tmp
}

fn write_blob(dir: &Path, data: &[u8]) -> ObjectId {
    let hex = String::from_utf8(git(dir, &["hash-object", "-w", "--stdin"], Some(data))).expect("hex");
    ObjectId::from_hex(hex.trim().as_bytes()).expect("id")
}

/// Packs `ids` into one pack, drops their loose copies; returns the pack's path without extension.
fn pack(dir: &Path, ids: &[ObjectId]) -> PathBuf {
    let list: String = ids.iter().map(|id| format!("{id}\n")).collect();
    let name = String::from_utf8(git(
        dir,
        &["pack-objects", "-q", "objects/pack/pack"],
        Some(list.as_bytes()),
    ))
    .expect("name");
    git(dir, &["prune-packed"], None);
    dir.join(format!("objects/pack/pack-{}", name.trim()))
}

/// `(id, pack offset, depth)` per object of a pack, from `git verify-pack -v` (depth 0: stored whole).
fn entries(dir: &Path, pack: &Path) -> Vec<(ObjectId, u64, u32)> {
    let idx = pack.with_extension("idx");
    let out = String::from_utf8(git(dir, &["verify-pack", "-v", &idx.to_string_lossy()], None)).expect("utf8");
    out.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let id = ObjectId::from_hex(f.first()?.as_bytes()).ok()?;
            Some((
                id,
                f.get(4)?.parse().ok()?,
                f.get(5).map_or(Some(0), |d| d.parse().ok())?,
            ))
        })
        .collect()
}

/// Rewrites part of a file git made read-only.
fn patch(path: &Path, edit: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = std::fs::read(path).expect("read");
    edit(&mut bytes);
    let mut perms = std::fs::metadata(path).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(path, perms).expect("chmod");
    std::fs::write(path, bytes).expect("write");
}

fn streamed(p: &Prefixes, id: &ObjectId) -> Result<(Option<u64>, Vec<u8>)> {
    let mut got = Vec::new();
    let size = p.stream(id, &mut |c| got.extend_from_slice(c))?;
    Ok((size, got))
}

/// A loose blob answers its size and any prefix; other loose objects and absent ones answer `None`.
#[test]
fn loose_blobs_and_others() {
    let tmp = repo();
    let dir = tmp.path();
    let data = noise(20_000, 1);
    let id = write_blob(dir, &data);
    let tree = String::from_utf8(git(dir, &["mktree"], Some(b""))).expect("hex");
    let tree = ObjectId::from_hex(tree.trim().as_bytes()).expect("tree");
    let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert_eq!(p.blob_size(&id).expect("size"), Some(20_000));
    assert_eq!(p.blob(&id, 0).expect("blob"), Some((20_000, Vec::new())));
    assert_eq!(p.blob_prefix(&id, 100).expect("prefix"), Some(data[..100].to_vec()));
    assert_eq!(p.blob_prefix(&id, 1 << 20).expect("prefix"), Some(data.clone()));
    let empty = write_blob(dir, b"");
    let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert_eq!(p.blob(&empty, 10).expect("empty"), Some((0, Vec::new())));
    assert_eq!(streamed(&p, &empty).expect("empty"), (Some(0), Vec::new()));
    assert_eq!(p.blob(&tree, 10).expect("tree"), None);
    assert_eq!(streamed(&p, &tree).expect("tree"), (None, Vec::new()));
    let absent = ObjectId::from_hex(b"0123456789012345678901234567890123456789").expect("id");
    assert_eq!(p.blob(&absent, 10).expect("absent"), None);
}

/// A blob packed whole answers from the pack; a deltified one answers `None`, with nothing passed.
#[test]
fn packed_whole_and_deltified() {
    let tmp = repo();
    let dir = tmp.path();
    let base = noise(60_000, 2);
    let mut near = base.clone();
    near[30_000] ^= 0xff;
    near.truncate(59_000);
    let ids = [write_blob(dir, &base), write_blob(dir, &near)];
    let pack = pack(dir, &ids);
    let found = entries(dir, &pack);
    let delta = found.iter().find(|e| e.2 > 0).expect("git stored one as a delta").0;
    let whole = found.iter().find(|e| e.2 == 0).expect("and one whole").0;
    let data = if whole == ids[0] { &base } else { &near };
    let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert!(p.loose.is_empty() && p.packs.len() == 1);
    assert_eq!(
        p.blob(&whole, 8000).expect("whole"),
        Some((data.len() as u64, data[..8000].to_vec()))
    );
    assert_eq!(
        streamed(&p, &whole).expect("whole"),
        (Some(data.len() as u64), data.clone())
    );
    assert_eq!(p.blob_size(&delta).expect("delta"), None);
    assert_eq!(p.blob(&delta, 8000).expect("delta"), None);
    assert_eq!(streamed(&p, &delta).expect("delta"), (None, Vec::new()));
}

/// A pack cut short: a prefix that lies before the cut is still read (nothing past it is needed);
/// anything reaching the cut is an error or `None`, never a panic or a short answer.
#[test]
fn a_truncated_pack_fails_safely() {
    let tmp = repo();
    let dir = tmp.path();
    let data = noise(200_000, 3);
    let id = write_blob(dir, &data);
    let pack = pack(dir, &[id]);
    let offset = entries(dir, &pack)[0].1;
    let file = pack.with_extension("pack");
    for cut in [offset + 9_000, offset + 100_000, offset + 2, offset, 0] {
        patch(&file, |b| b.truncate(cut as usize));
        let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
        if cut == offset + 9_000 {
            assert_eq!(
                p.blob_prefix(&id, 8000).expect("before the cut"),
                Some(data[..8000].to_vec())
            );
        }
        for n in [100_000, 300_000] {
            let read = p.blob(&id, n);
            assert!(
                read.as_ref().map_or(true, Option::is_none),
                "cut at {cut}, n {n}: a prefix"
            );
        }
        let read = streamed(&p, &id);
        assert!(read.as_ref().map_or(true, |r| r.0.is_none()), "cut at {cut}: streamed");
    }
}

/// Corrupt indexes are not used (those objects are left to gix); an index pointing outside the
/// pack or into an entry's middle, and damaged compressed data, are an error or `None`.
#[test]
fn corrupt_indexes_and_data_fail_safely() {
    let tmp = repo();
    let dir = tmp.path();
    let data = noise(50_000, 4);
    let id = write_blob(dir, &data);
    let pack = pack(dir, &[id]);
    let offset = entries(dir, &pack)[0].1;
    let idx = pack.with_extension("idx");
    let good = std::fs::read(&idx).expect("idx");
    // One object: fan-out (8..1032), its id, its CRC, then its 32-bit offset at 1056.
    type Edit = Box<dyn Fn(&mut Vec<u8>)>;
    let edits: [(&str, Edit); 6] = [
        ("cut", Box::new(|b| b.truncate(b.len() - 1))),
        ("fan-out", Box::new(|b| b[8..12].copy_from_slice(&[0xff; 4]))),
        ("version", Box::new(|b| b[7] = 9)),
        (
            "past the end",
            Box::new(|b| b[1056..1060].copy_from_slice(&0x7fff_0000u32.to_be_bytes())),
        ),
        (
            "mid-entry",
            Box::new(move |b| b[1056..1060].copy_from_slice(&(offset as u32 + 700).to_be_bytes())),
        ),
        (
            "large offset",
            Box::new(|b| b[1056..1060].copy_from_slice(&0x8000_0005u32.to_be_bytes())),
        ),
    ];
    for (what, edit) in &edits {
        patch(&idx, |b| {
            b.clone_from(&good);
            edit(b);
        });
        let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1)
            .expect("a corrupt index is skipped, not an error");
        let read = p.blob(&id, 8000);
        assert!(read.as_ref().map_or(true, Option::is_none), "{what}: a prefix");
        let read = streamed(&p, &id);
        assert!(read.as_ref().map_or(true, |r| r.0.is_none()), "{what}: streamed");
    }
    patch(&idx, |b| b.clone_from(&good));
    let file = pack.with_extension("pack");
    let start = offset as usize;
    let pristine = std::fs::read(&file).expect("pack");
    // Inside the content: only the checksum at the stream's end tells, so a prefix cannot.
    patch(&file, |b| b[start + 40..start + 60].iter_mut().for_each(|x| *x ^= 0x5a));
    let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert!(streamed(&p, &id).is_err(), "damaged content, streamed");
    assert!(p.blob(&id, 100_000).is_err(), "damaged content, read whole");
    // The first deflate block's header (after 3 bytes of entry header and 2 of zlib header):
    // block type 3 does not exist.
    patch(&file, |b| {
        b.clone_from(&pristine);
        b[start + 5] = 0xff;
    });
    let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert!(p.blob(&id, 8000).is_err(), "damaged block header");
    assert!(streamed(&p, &id).is_err(), "damaged block header, streamed");
}

/// A loose object file that is not zlib, or cut short, is an error.
#[test]
fn a_corrupt_loose_object_is_an_error() {
    let tmp = repo();
    let dir = tmp.path();
    let data = noise(30_000, 5);
    let id = write_blob(dir, &data);
    let hex = id.to_string();
    let file = dir.join("objects").join(&hex[..2]).join(&hex[2..]);
    patch(&file, |b| b.truncate(b.len() / 2));
    let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert_eq!(
        p.blob_prefix(&id, 100).expect("before the cut"),
        Some(data[..100].to_vec())
    );
    assert!(p.blob(&id, 30_000).is_err() && streamed(&p, &id).is_err(), "cut short");
    patch(&file, |b| b.iter_mut().for_each(|x| *x = 0x42));
    let p = Prefixes::open(&dir.join("objects"), gix::hash::Kind::Sha1).expect("open");
    assert!(p.blob(&id, 100).is_err() && streamed(&p, &id).is_err(), "not zlib");
}
