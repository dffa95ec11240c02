//! A quarantined pack, for reading single whole blobs out of it: gix-pack finds the entry (the
//! `.idx`, mapped: it is small) and decodes the entry's header; the pack data itself is only ever
//! read with positioned reads. gix's `data::File` would map the whole pack, and the page faults of
//! a lookup per object can pull most of a large pack into memory.

use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result};
use gix::odb::pack::{data, index};

/// The longest entry header read ahead of its data: the size (at most 10 bytes) and, for a
/// ref-delta, its base id (gix then reports a delta rather than a truncated header).
pub(super) const HEADER_MAX: usize = 10 + 32;

/// An index and its pack's data file.
pub(super) struct Pack {
    index: index::File,
    data: File,
}

/// Scattered small reads: tell the kernel not to read ahead (a hint; failure is harmless).
#[cfg(target_os = "linux")]
fn no_readahead(file: &File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::Random);
}

#[cfg(not(target_os = "linux"))]
fn no_readahead(_: &File) {}

impl Pack {
    /// Opens the pack of index `idx` in a repository hashing with `hash`; `None` when gix does
    /// not read the index (corrupt): its objects are then left to the caller's whole reads,
    /// which report it.
    pub(super) fn open(idx: &Path, hash: gix::hash::Kind) -> Result<Option<Pack>> {
        let index = match index::File::at(idx, hash) {
            Ok(index) => index,
            Err(e) => {
                tracing::debug!(index = %idx.display(), error = %e, "pack index not used for partial reads");
                return Ok(None);
            }
        };
        let path = idx.with_extension("pack");
        let data = File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
        no_readahead(&data);
        Ok(Some(Pack { index, data }))
    }

    /// The offset of `id`'s entry in the pack, if the pack holds it.
    pub(super) fn offset(&self, id: &gix::oid) -> Option<u64> {
        if id.kind() != self.index.object_hash() {
            return None;
        }
        let i = self.index.lookup(id)?;
        Some(self.index.pack_offset_at_index(i))
    }

    /// The pack's index file, to name the pack in an error.
    pub(super) fn index_path(&self) -> &Path {
        self.index.path()
    }

    /// The pack's data file, for positioned reads.
    pub(super) fn data(&self) -> &File {
        &self.data
    }
}

/// The inflated size and header length of the entry whose first bytes are `head`, when it is a
/// whole blob followed by a zlib stream's header; `None` for other objects, deltas and headers
/// that do not decode (an index pointing into an entry's middle, most of the time).
pub(super) fn blob_entry(head: &[u8], hash: gix::hash::Kind) -> Option<(u64, usize)> {
    // Offset 0: only the header's own length is wanted (no offset arithmetic on untrusted values).
    let entry = data::Entry::from_bytes(head, 0, hash).ok()?;
    let len = usize::try_from(entry.data_offset).ok()?;
    let zlib = head.get(len..len + 2)?;
    // RFC 1950: deflate, a window of at most 32 kB, no preset dictionary, the check bits.
    let zlib_header = zlib[0] & 0x0f == 8 && zlib[0] >> 4 <= 7 && zlib[1] & 0x20 == 0;
    let checked = (u16::from(zlib[0]) << 8 | u16::from(zlib[1])) % 31 == 0;
    (matches!(entry.header, data::entry::Header::Blob) && zlib_header && checked)
        .then_some((entry.decompressed_size, len))
}
