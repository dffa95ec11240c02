//! Reading the first bytes of a pushed blob without inflating all of it.
//!
//! gix 0.90 reads objects whole. The scanners only need a bounded prefix of most blobs (the
//! binary test looks at 8000 bytes), so for objects in the push's quarantine this module inflates
//! just that prefix: from a loose object file, or from an undeltified entry of a quarantined pack
//! (found through the pack's index with gix-pack). Anything else (a delta, an index gix
//! does not read) answers `None` and the caller reads the object whole, as before. Read-only;
//! files are opened per call and pack data is never mapped, so memory stays bounded by the prefix.

mod inflate;
mod pack;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, ensure};
use gix::ObjectId;
use gix::zlib::Decompress;

use inflate::{Source, Stream};
use pack::{HEADER_MAX, Pack};

/// The quarantine's object directory, indexed for prefix reads.
pub struct Prefixes {
    dir: PathBuf,
    /// The loose objects present (listed once: trying to open a missing file per object costs
    /// a path lookup each time).
    loose: std::collections::HashSet<String>,
    packs: Vec<Pack>,
    /// What every read reuses, one read at a time.
    scratch: RefCell<Scratch>,
}

/// One inflater, reset per object (setting up a fresh one per blob costs more than reading its
/// prefix), and the input and output buffers, allocated once (buffers this size come from fresh
/// pages on every allocation, and those page faults cost more than the inflating).
struct Scratch {
    z: Decompress,
    input: Vec<u8>,
    output: Vec<u8>,
}

/// Output chunk of a streamed blob, and the most compressed input read at once.
const STREAM_CHUNK: usize = 256 * 1024;

/// The longest loose object header read (`blob <20 digits>\0`).
const LOOSE_HEADER: usize = 32;

impl Prefixes {
    /// Indexes the packs of `objects_dir` (their `.idx` files are mapped: 28 bytes per object),
    /// whose objects are named with `hash`, and lists its loose objects.
    pub fn open(objects_dir: &Path, hash: gix::hash::Kind) -> Result<Prefixes> {
        let mut packs = Vec::new();
        if let Ok(rd) = std::fs::read_dir(objects_dir.join("pack")) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "idx")
                    && let Some(pack) = Pack::open(&p, hash)?
                {
                    packs.push(pack);
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
            scratch: RefCell::new(Scratch {
                z: Decompress::new(),
                input: vec![0u8; STREAM_CHUNK],
                output: vec![0u8; STREAM_CHUNK],
            }),
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
        // A read asks for about what the prefix needs (incompressible data inflates to its own
        // size plus a few bytes per block), not for a whole window.
        let window = n.clamp(512, 16 * 1024) + 64;
        let mut head = Vec::new();
        let size = self.read(id, window, &mut |size, body, _| {
            let want = n.min(usize::try_from(size).unwrap_or(usize::MAX));
            head.resize(want, 0);
            let got = body.fill(&mut head)?;
            ensure!(got == want, "the blob ends before its size");
            if want as u64 == size {
                // Read whole: its stream must end here (which checks its checksum too).
                ensure!(
                    body.fill(&mut [0])? == 0 && body.ended(),
                    "the blob inflates past its size"
                );
            }
            Ok(())
        })?;
        Ok(size.map(|size| (size, head)))
    }

    /// Passes all of blob `id` to `each`, inflated chunk by chunk (a few hundred kB of memory
    /// whatever the blob's size); `None`, with nothing passed, for objects that are not here, not
    /// blobs, or stored as deltas.
    pub fn stream(&self, id: &ObjectId, each: &mut dyn FnMut(&[u8])) -> Result<Option<u64>> {
        self.read(id, STREAM_CHUNK, &mut |size, body, chunk| {
            let mut total = 0u64;
            while !body.ended() {
                let got = body.fill(chunk)?;
                total += got as u64;
                ensure!(total <= size, "the blob inflates past its size");
                if got > 0 {
                    each(&chunk[..got]);
                }
            }
            ensure!(total == size, "the blob ends before its size");
            Ok(())
        })
    }

    /// Finds blob `id` and passes its size and content to `body` (with the output buffer);
    /// returns the size, or `None`, without calling `body`, when the blob is not answerable here.
    /// Compressed bytes are read at most `window` at a time.
    fn read(&self, id: &ObjectId, window: usize, body: &mut Reader<'_>) -> Result<Option<u64>> {
        let mut scratch = self
            .scratch
            .try_borrow_mut()
            .map_err(|_| anyhow!("partial blob reads are not re-entrant"))?;
        let Scratch { z, input, output } = &mut *scratch;
        let input = &mut input[..window.clamp(HEADER_MAX, STREAM_CHUNK)];
        let hex = id.to_string();
        if let Some(f) = self.open_loose(&hex) {
            let mut stream = Stream::new(z, Source::Loose(f), input, 0, 0);
            let mut header = [0u8; LOOSE_HEADER];
            let got = stream
                .fill(&mut header)
                .with_context(|| format!("corrupt loose object {hex}"))?;
            let Some((size, len)) = loose_header(&header[..got]) else {
                return Ok(None);
            };
            let mut content = Body {
                head: &header[len..got],
                stream,
            };
            body(size, &mut content, output).with_context(|| format!("corrupt loose object {hex}"))?;
            return Ok(Some(size));
        }
        for pack in &self.packs {
            let Some(offset) = pack.offset(id) else {
                continue;
            };
            // The entry's header and the first compressed bytes, in one read.
            let got = inflate::read_at(pack.data(), input, offset)?;
            let Some((size, len)) = pack::blob_entry(&input[..got], id.kind()) else {
                return Ok(None);
            };
            let src = Source::Pack {
                file: pack.data(),
                pos: offset + got as u64,
            };
            let mut content = Body {
                head: &[],
                stream: Stream::new(z, src, input, len, got),
            };
            body(size, &mut content, output)
                .with_context(|| format!("corrupt pack entry at {offset} of {}", pack.index_path().display()))?;
            return Ok(Some(size));
        }
        Ok(None)
    }
}

/// What reads a found blob: its size, its content and an output buffer.
type Reader<'r> = dyn FnMut(u64, &mut Body<'_, '_, '_>, &mut [u8]) -> Result<()> + 'r;

/// A blob's content: bytes already inflated with its header, then the rest of its stream.
struct Body<'h, 'a, 'b> {
    head: &'h [u8],
    stream: Stream<'a, 'b>,
}

impl Body<'_, '_, '_> {
    /// Fills `out` until it is full or the content ends; returns the bytes written.
    fn fill(&mut self, out: &mut [u8]) -> Result<usize> {
        let k = self.head.len().min(out.len());
        let (now, rest) = out.split_at_mut(k);
        now.copy_from_slice(&self.head[..k]);
        self.head = &self.head[k..];
        Ok(k + self.stream.fill(rest)?)
    }

    /// Whether all of the content has been passed.
    fn ended(&self) -> bool {
        self.head.is_empty() && self.stream.ended()
    }
}

/// A loose object's `blob <size>\0` header at the start of `b`: the size and the header's length;
/// `None` when it is another kind of object (or no header fits).
fn loose_header(b: &[u8]) -> Option<(u64, usize)> {
    let nul = memchr::memchr(0, b)?;
    let size = std::str::from_utf8(&b[..nul])
        .ok()?
        .strip_prefix("blob ")?
        .parse()
        .ok()?;
    Some((size, nul + 1))
}
