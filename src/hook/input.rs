//! The lines git gives pre-receive and post-receive on stdin: `<old> SP <new> SP <ref> LF`.
//!
//! An all-zero id means "none": creation when old is zero, deletion when new is zero
//! (GIT-FORGE.md 1.2; checked by "all zeroes", not by length, so SHA-256 repositories work).

use gix::ObjectId;

/// One ref update of a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The ref's value before the push; `None` on creation.
    pub old: Option<ObjectId>,
    /// The ref's value after the push; `None` on deletion.
    pub new: Option<ObjectId>,
    /// The full ref name (`refs/heads/main`).
    pub refname: String,
}

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
    fn garbage_is_refused_with_its_line() {
        assert_eq!(parse(b"hello\n").map_err(|e| e.line), Err(1));
        let bad = format!("{A} {A} refs/heads/a\n{A} xyz refs/heads/b\n");
        assert_eq!(parse(bad.as_bytes()).map_err(|e| e.line), Err(2));
        assert!(parse(format!("{A} {A} main\n").as_bytes()).is_err());
        assert!(parse(b"\xff\xfe").is_err());
    }
}
