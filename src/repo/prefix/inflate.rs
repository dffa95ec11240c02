//! Bounded inflating with `gix::zlib`: a zlib stream is inflated into the caller's buffer, never
//! further, from compressed bytes read a window at a time (a loose object file read in order, or a
//! pack read at offsets). Every round consumes input, produces output or ends with an error, so a
//! corrupt or truncated stream cannot spin; output never exceeds the buffer it is given.

use std::fs::File;
use std::io::Read;

use anyhow::{Result, anyhow, bail};
use gix::zlib::{Decompress, FlushDecompress, Status};

/// Where the compressed bytes come from.
pub(super) enum Source<'a> {
    /// A loose object file, read from where it stands.
    Loose(File),
    /// A pack, read with positioned reads from `pos` on (the pack is never mapped).
    Pack {
        /// The pack's data file.
        file: &'a File,
        /// The offset of the next byte to read.
        pos: u64,
    },
}

impl Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Loose(f) => f.read(buf),
            Source::Pack { file, pos } => {
                let got = read_at(file, buf, *pos)?;
                *pos += got as u64;
                Ok(got)
            }
        }
    }
}

/// Reads at `pos` without moving a cursor (so one open pack serves every lookup).
#[cfg(unix)]
pub(super) fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, pos)
}

/// Reads at `pos` (elsewhere than unix, through a cloned handle's cursor).
#[cfg(not(unix))]
pub(super) fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(pos))?;
    f.read(buf)
}

/// One zlib stream being inflated: the inflater (reset here), the source and a window of its
/// compressed bytes (`window[start..end]` not yet consumed).
pub(super) struct Stream<'a, 'b> {
    z: &'b mut Decompress,
    src: Source<'a>,
    window: &'b mut [u8],
    start: usize,
    end: usize,
    eof: bool,
    ended: bool,
}

impl<'a, 'b> Stream<'a, 'b> {
    /// Starts inflating at `window[start..end]` (bytes already read), then from `src`. Each read
    /// asks for at most `window.len()` bytes: the caller bounds how far past the stream's needs a
    /// read can go.
    pub(super) fn new(z: &'b mut Decompress, src: Source<'a>, window: &'b mut [u8], start: usize, end: usize) -> Self {
        z.reset();
        let end = end.min(window.len());
        Stream {
            z,
            src,
            window,
            start: start.min(end),
            end,
            eof: false,
            ended: false,
        }
    }

    /// Whether the zlib stream has ended.
    pub(super) fn ended(&self) -> bool {
        self.ended
    }

    /// Inflates into `out` until it is full or the stream ends; returns the bytes written (fewer
    /// than `out.len()` only at the stream's end). A stream that stops short is an error.
    pub(super) fn fill(&mut self, out: &mut [u8]) -> Result<usize> {
        let mut written = 0;
        while written < out.len() && !self.ended {
            if self.start == self.end && !self.eof {
                let got = self.src.read(self.window)?;
                (self.start, self.end, self.eof) = (0, got, got == 0);
            }
            let flush = if self.eof {
                FlushDecompress::Finish
            } else {
                FlushDecompress::None
            };
            let (before_in, before_out) = (self.z.total_in(), self.z.total_out());
            let status = self
                .z
                .decompress(&self.window[self.start..self.end], &mut out[written..], flush)
                .map_err(|e| anyhow!("corrupt zlib stream: {e}"))?;
            let used = (self.z.total_in() - before_in) as usize;
            let made = (self.z.total_out() - before_out) as usize;
            self.start = (self.start + used).min(self.end);
            written += made;
            if status == Status::StreamEnd {
                self.ended = true;
            } else if used == 0 && made == 0 {
                // Input left that zlib will not take, or none left at all.
                bail!("corrupt or truncated zlib stream");
            }
        }
        Ok(written)
    }
}
