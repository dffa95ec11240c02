//! The lines git gives pre-receive and post-receive on stdin: `<old> SP <new> SP <ref> LF`.
//!
//! An all-zero id means "none": creation when old is zero, deletion when new is zero
//! (docs/sources.md#hook-input; checked by "all zeroes", not by length, so SHA-256 repositories
//! work).

use std::io::Read;

use gix::ObjectId;

pub use crate::repo::update::Update;

/// A line that is not an update, with its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hook input line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for Error {}

/// Why the hook input was not taken.
#[derive(Debug)]
pub enum ReadError {
    /// The input is larger than the bound (in bytes); it was read to its end and dropped.
    TooLarge {
        /// The bound in force.
        bound: u64,
    },
    /// The input could not be read.
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge { bound } => {
                let mib = if bound % (1024 * 1024) == 0 {
                    format!(" ({} MiB)", bound / (1024 * 1024))
                } else {
                    String::new()
                };
                write!(
                    f,
                    "the hook input (the list of pushed refs) is larger than {bound} bytes{mib}, the bound \
                     hubgate reads; an administrator can raise it with HUBGATE_MAX_INPUT=<bytes> in the \
                     hooks' environment (default {} bytes, 256 MiB)",
                    crate::env::DEFAULT_MAX_INPUT
                )
            }
            ReadError::Io(e) => write!(f, "cannot read the hook input: {e}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads the whole hook input, refusing it past `bound` bytes. Never a silent cut: an input over
/// the bound is still read to its end (and dropped, so memory stays bounded and git never writes
/// into a closed pipe), and the answer is [`ReadError::TooLarge`], so no caller can mistake a
/// prefix of the push for all of it.
pub fn read(mut input: impl Read, bound: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    (&mut input)
        .take(bound.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 <= bound {
        return Ok(bytes);
    }
    drop(bytes);
    std::io::copy(&mut input, &mut std::io::sink()).map_err(ReadError::Io)?;
    Err(ReadError::TooLarge { bound })
}

/// Parses the whole of stdin; any malformed line fails the whole input (the push is refused:
/// a gate that cannot tell what is pushed must not guess).
pub fn parse(input: &[u8]) -> Result<Vec<Update>, Error> {
    let text = std::str::from_utf8(input).map_err(|e| Error {
        line: 1,
        message: format!("not UTF-8 ({e})"),
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let err = |message: String| Error { line: i + 1, message };
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, ' ');
        let (Some(old), Some(new), Some(refname)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err("expected `<old> <new> <ref>`".into()));
        };
        let old = id(old).map_err(&err)?;
        let new = id(new).map_err(&err)?;
        if !refname.starts_with("refs/") || refname.chars().any(char::is_control) {
            return Err(err(format!("not a full ref name: {refname:?}")));
        }
        if old.is_none() && new.is_none() {
            return Err(err("both ids are zero".into()));
        }
        out.push(Update {
            old,
            new,
            refname: refname.to_owned(),
        });
    }
    Ok(out)
}

fn id(hex: &str) -> Result<Option<ObjectId>, String> {
    if !hex.is_empty() && hex.bytes().all(|b| b == b'0') && (hex.len() == 40 || hex.len() == 64) {
        return Ok(None);
    }
    ObjectId::from_hex(hex.as_bytes())
        .map(Some)
        .map_err(|_| format!("not an object id: {hex:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const Z: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn create_update_delete() {
        let input = format!("{Z} {A} refs/heads/new\n{A} {A} refs/pr/1\n{A} {Z} refs/tags/v1\n");
        let u = parse(input.as_bytes()).expect("valid");
        assert_eq!(u.len(), 3);
        assert!(u[0].old.is_none() && u[0].new.is_some());
        assert!(u[2].new.is_none());
        assert_eq!(u[1].refname, "refs/pr/1");
    }

    #[test]
    fn input_at_the_bound_is_read_and_one_byte_more_is_refused() {
        let line = format!("{Z} {A} refs/heads/x\n");
        let bound = line.len() as u64 * 3;
        let three = line.repeat(3);
        assert_eq!(read(three.as_bytes(), bound).map(|b| b.len()).ok(), Some(three.len()));
        let over = format!("{three}\n");
        let err = read(over.as_bytes(), bound).expect_err("one byte past the bound");
        assert!(matches!(err, ReadError::TooLarge { bound: b } if b == bound));
        let text = err.to_string();
        assert!(text.contains(&format!("larger than {bound} bytes")) && text.contains("HUBGATE_MAX_INPUT"));
        // Far past the bound, the rest is drained, not left in the pipe.
        let mut reader = std::io::Cursor::new(line.repeat(1000));
        assert!(read(&mut reader, bound).is_err());
        assert_eq!(reader.position() as usize, line.len() * 1000);
    }

    #[test]
    fn garbage_is_refused_with_its_line() {
        assert_eq!(parse(b"hello\n").map_err(|e| e.line), Err(1));
        let bad = format!("{A} {A} refs/heads/a\n{A} xyz refs/heads/b\n");
        assert_eq!(parse(bad.as_bytes()).map_err(|e| e.line), Err(2));
        assert!(parse(format!("{A} {A} main\n").as_bytes()).is_err());
        assert!(parse(b"\xff\xfe").is_err());
    }
}
