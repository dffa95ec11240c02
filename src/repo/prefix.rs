//! Reading the first bytes of a pushed blob without inflating all of it.
//!
//! gix 0.90 reads objects whole. The scanners only need a bounded prefix of most blobs (the
//! binary test looks at 8000 bytes), so for objects in the push's quarantine this module inflates
//! just that prefix: from a loose object file, or from an undeltified entry of a quarantined pack
//! (located through the pack's `.idx`, version 2). Anything else (a delta, an unknown layout)
//! answers `None` and the caller reads the object whole, as before. Read-only; files are opened
//! per call and nothing is mapped, so memory stays bounded by the prefix.

use std::fs::File;
use std::io::{BufReader, Read};
#[cfg(not(unix))]
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use gix::ObjectId;

/// The quarantine's object directory, indexed for prefix reads.
pub struct Prefixes {
    dir: PathBuf,
    /// The loose objects present (listed once: trying to open a missing file per object costs
    /// a path lookup each time).
    loose: std::collections::HashSet<String>,
    packs: Vec<(Vec<u8>, File)>,
    /// One inflater, reset per object: setting up a fresh one per blob costs more than reading
    /// its prefix.
    inflater: std::cell::RefCell<flate2::Decompress>,
    /// The input and output buffers of streamed reads, allocated once: buffers this size come
    /// from fresh pages on every allocation, and those page faults cost more than the inflating.
    buffers: std::cell::RefCell<(Vec<u8>, Vec<u8>)>,
}

/// Scattered small reads: tell the kernel not to read ahead (a hint; failure is harmless).
#[cfg(target_os = "linux")]
fn no_readahead(file: &File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::Random);
}

#[cfg(not(target_os = "linux"))]
fn no_readahead(_: &File) {}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, pos)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(pos))?;
    f.read(buf)
}

impl Prefixes {
    /// Indexes the packs of `objects_dir` (their `.idx` files are read into memory: 28 bytes per
    /// object, so a push of 100,000 objects costs under 3 MB).
    pub fn open(objects_dir: &Path) -> Result<Prefixes> {
        let mut packs = Vec::new();
        if let Ok(rd) = std::fs::read_dir(objects_dir.join("pack")) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "idx") {
                    let idx = std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
                    if idx.len() >= 8 + 256 * 4 && idx.starts_with(b"\xfftOc") && idx[4..8] == [0, 0, 0, 2] {
                        let pack = p.with_extension("pack");
                        let file = File::open(&pack).with_context(|| format!("cannot open {}", pack.display()))?;
                        no_readahead(&file);
                        packs.push((idx, file));
                    }
                }
            }
        }
        let mut loose = std::collections::HashSet::new();
        if let Ok(rd) = std::fs::read_dir(objects_dir) {
            for sub in rd.flatten() {
                let name = sub.file_name().to_string_lossy().into_owned();
                if name.len() != 2 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
                    continue;
                }
                if let Ok(files) = std::fs::read_dir(sub.path()) {
                    loose.extend(
                        files
                            .flatten()
                            .map(|f| format!("{name}{}", f.file_name().to_string_lossy())),
                    );
                }
            }
        }
        Ok(Prefixes {
            dir: objects_dir.to_owned(),
            loose,
            packs,
            inflater: std::cell::RefCell::new(flate2::Decompress::new(true)),
            buffers: std::cell::RefCell::new((vec![0u8; STREAM_CHUNK], Vec::with_capacity(STREAM_CHUNK))),
        })
    }

    fn open_loose(&self, hex: &str) -> Option<File> {
        if !self.loose.contains(hex) {
            return None;
        }
        File::open(self.dir.join(&hex[..2]).join(&hex[2..])).ok()
    }

    /// The size of blob `id` from its loose header or undeltified pack entry header, read with
    /// plain file reads (gix maps the whole pack, and the page faults of a header lookup per
    /// object can pull most of a large pack into memory); `None` when not answerable here.
    pub fn blob_size(&self, id: &ObjectId) -> Result<Option<u64>> {
        Ok(self.blob(id, 0)?.map(|(size, _)| size))
    }

    /// Up to `n` leading bytes of blob `id`, or `None` when it cannot be read in part.
    pub fn blob_prefix(&self, id: &ObjectId, n: usize) -> Result<Option<Vec<u8>>> {
        Ok(self.blob(id, n)?.map(|(_, head)| head))
    }

    /// The size of blob `id` and up to `n` of its leading bytes, in one read; `None` for objects
    /// that are not here, not blobs, or stored as deltas.
    pub fn blob(&self, id: &ObjectId, n: usize) -> Result<Option<(u64, Vec<u8>)>> {
        let hex = id.to_string();
        if let Some(f) = self.open_loose(&hex) {
            let mut z = flate2::read::ZlibDecoder::new(BufReader::new(f));
            let Some(size) = loose_header(&mut z)? else {
                return Ok(None);
            };
            return Ok(Some((size, read_up_to(z, n)?)));
        }
        for (idx, pack) in &self.packs {
            if let Some(offset) = find(idx, id.as_bytes()) {
                return self.pack_blob(pack, offset, n);
            }
        }
        Ok(None)
    }

    /// Passes all of blob `id` to `each`, inflated chunk by chunk (a few hundred kB of memory
    /// whatever the blob's size); `None`, with nothing passed, for objects that are not here, not
    /// blobs, or stored as deltas.
    pub fn stream(&self, id: &ObjectId, each: &mut dyn FnMut(&[u8])) -> Result<Option<u64>> {
        let hex = id.to_string();
        if let Some(f) = self.open_loose(&hex) {
            let mut z = flate2::read::ZlibDecoder::new(BufReader::new(f));
            let Some(size) = loose_header(&mut z)? else {
                return Ok(None);
            };
            let mut buffers = self.buffers.borrow_mut();
            let buf = &mut buffers.0;
            loop {
                let got = z.read(buf).with_context(|| format!("corrupt loose object {hex}"))?;
                if got == 0 {
                    break;
                }
                each(&buf[..got]);
            }
            return Ok(Some(size));
        }
        for (idx, pack) in &self.packs {
            let Some(offset) = find(idx, id.as_bytes()) else {
                continue;
            };
            let mut head = [0u8; 16];
            let got = read_at(pack, &mut head, offset)?;
            let Some((kind, size, len)) = entry_header(&head[..got]) else {
                return Ok(None);
            };
            if kind != 3 {
                return Ok(None);
            }
            let mut z = self.inflater.borrow_mut();
            z.reset(true);
            let mut buffers = self.buffers.borrow_mut();
            let (input, out) = &mut *buffers;
            let mut pos = offset + len as u64;
            let mut have = 0usize;
            loop {
                let got = read_at(pack, &mut input[have..], pos)?;
                pos += got as u64;
                have += got;
                anyhow::ensure!(have > 0, "truncated pack entry at {offset}");
                out.clear();
                let before_in = z.total_in();
                let before_out = z.total_out();
                let status = z
                    .decompress_vec(&input[..have], out, flate2::FlushDecompress::None)
                    .map_err(|e| anyhow::anyhow!("corrupt pack entry at {offset}: {e}"))?;
                let used = (z.total_in() - before_in) as usize;
                input.copy_within(used..have, 0);
                have -= used;
                if !out.is_empty() {
                    each(out);
                }
                if status == flate2::Status::StreamEnd {
                    break;
                }
                // No progress on either side: the entry is truncated or corrupt.
                anyhow::ensure!(
                    used > 0 || z.total_out() > before_out,
                    "corrupt or truncated pack entry at {offset}"
                );
            }
            return Ok(Some(size));
        }
        Ok(None)
    }

    /// The size and prefix of a pack entry when it is a whole blob; `None` for deltas and others.
    fn pack_blob(&self, pack: &File, offset: u64, n: usize) -> Result<Option<(u64, Vec<u8>)>> {
        let mut buf = [0u8; 16];
        let got = read_at(pack, &mut buf, offset)?;
        let Some((kind, size, len)) = entry_header(&buf[..got]) else {
            return Ok(None);
        };
        if kind != 3 {
            return Ok(None);
        }
        let want = n.min(usize::try_from(size).unwrap_or(usize::MAX));
        let mut out = Vec::with_capacity(want);
        if want == 0 {
            return Ok(Some((size, out)));
        }
        let mut z = self.inflater.borrow_mut();
        z.reset(true);
        let mut input = vec![0u8; want.clamp(512, 16 * 1024) + 64];
        let mut pos = offset + len as u64;
        // Bounded: every round consumes input or ends (a corrupt stream cannot spin forever).
        for _ in 0..100_000 {
            if out.len() >= want {
                break;
            }
            let got = read_at(pack, &mut input, pos)?;
            if got == 0 {
                break;
            }
            let before_in = z.total_in();
            let status = z
                .decompress_vec(&input[..got], &mut out, flate2::FlushDecompress::None)
                .map_err(|e| anyhow::anyhow!("corrupt pack entry at {offset}: {e}"))?;
            pos += z.total_in() - before_in;
            if status == flate2::Status::StreamEnd || z.total_in() == before_in {
                break;
            }
        }
        out.truncate(want);
        Ok(Some((size, out)))
    }
}

/// Output chunk of a streamed blob.
const STREAM_CHUNK: usize = 256 * 1024;

/// Reads a loose object's `blob <size>\0` header; `None` when it is another kind of object.
fn loose_header(z: &mut impl Read) -> Result<Option<u64>> {
    let mut header = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if z.read(&mut byte)? == 0 {
            return Ok(None);
        }
        if byte[0] == 0 {
            break;
        }
        header.push(byte[0]);
        if header.len() > 32 {
            return Ok(None);
        }
    }
    Ok(std::str::from_utf8(&header)
        .ok()
        .and_then(|h| h.strip_prefix("blob ")?.parse().ok()))
}

fn read_up_to(r: impl Read, n: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(n.min(64 * 1024));
    r.take(n as u64).read_to_end(&mut out)?;
    Ok(out)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The pack offset of `oid` in a version-2 index.
fn find(idx: &[u8], oid: &[u8]) -> Option<u64> {
    let hash = oid.len();
    let fan = 8;
    let count = be32(idx, fan + 255 * 4)? as usize;
    let first = *oid.first()? as usize;
    let hi = be32(idx, fan + first * 4)? as usize;
    let lo = if first == 0 {
        0
    } else {
        be32(idx, fan + (first - 1) * 4)? as usize
    };
    let names = fan + 256 * 4;
    let (mut a, mut b) = (lo, hi);
    while a < b {
        let mid = (a + b) / 2;
        let name = idx.get(names + mid * hash..names + (mid + 1) * hash)?;
        match name.cmp(oid) {
            std::cmp::Ordering::Equal => {
                let offsets = names + count * hash + count * 4;
                let small = be32(idx, offsets + mid * 4)?;
                if small & 0x8000_0000 == 0 {
                    return Some(u64::from(small));
                }
                let large = offsets + count * 4 + (small & 0x7fff_ffff) as usize * 8;
                return Some(u64::from_be_bytes(idx.get(large..large + 8)?.try_into().ok()?));
            }
            std::cmp::Ordering::Less => a = mid + 1,
            std::cmp::Ordering::Greater => b = mid,
        }
    }
    None
}

/// A pack entry's type, inflated size and header length.
fn entry_header(b: &[u8]) -> Option<(u8, u64, usize)> {
    let first = *b.first()?;
    let kind = (first >> 4) & 7;
    let mut size = u64::from(first & 15);
    let mut shift = 4;
    let mut i = 0;
    let mut byte = first;
    while byte & 0x80 != 0 {
        i += 1;
        byte = *b.get(i)?;
        if shift > 57 {
            return None;
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
    }
    Some((kind, size, i + 1))
}

#[cfg(test)]
mod tests {
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
        let loose = Prefixes::open(&dir.join("objects")).expect("open");
        assert_eq!(read(&loose), (Some(data.len() as u64), data.clone()));
        let line = format!("{id}\n");
        git(dir, &["pack-objects", "-q", "objects/pack/pack"], Some(line.as_bytes()));
        git(dir, &["prune-packed"], None);
        let packed = Prefixes::open(&dir.join("objects")).expect("open");
        assert!(packed.loose.is_empty() && packed.packs.len() == 1);
        assert_eq!(read(&packed), (Some(data.len() as u64), data));
    }
}
