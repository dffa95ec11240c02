//! The policy files on disk: which entries of a policy directory are policies, and reading one.
//!
//! No policy file is silently skipped (issue 9): every entry of the directory whose name ends in
//! `.toml` is a policy, whatever kind of entry it is. One that cannot be read (a dangling symbolic
//! link, a directory, a FIFO, no permission, not UTF-8) is reported with its name and the reason,
//! and [`super::load::load`] then fails, which refuses pushes (fail closed) and makes
//! `hubgate doctor` fail. Skipping it would quietly drop a policy the administrator wrote, for
//! instance when a deployment leaves a symbolic link pointing at a file that is not there yet.

use std::path::{Path, PathBuf};

/// The entries of a policy directory whose names end in `.toml`, in name order, or the one path
/// given when it is not a directory.
///
/// Entries are listed whatever their kind (file, symbolic link, directory, ...): [`read`] decides
/// whether each one is a readable policy. An error listing the directory is an error for all of
/// them, since which policies exist is then unknown.
pub fn list(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_dir() {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            if entry.file_name().as_encoded_bytes().ends_with(b".toml") {
                files.push(entry.path());
            }
        }
        files.sort();
        Ok(files)
    } else {
        // A missing single file is an error the caller reports (a typo must not disable policy);
        // a dangling link there is listed, so that `read` says what it is.
        std::fs::symlink_metadata(path)?;
        Ok(vec![path.to_owned()])
    }
}

/// The text of a policy file, or why it cannot be read (for the administrator, after the name).
///
/// The kind of entry is checked before reading, so that a FIFO named `*.toml` fails at once
/// instead of blocking the hook until git gives up.
pub fn read(path: &Path) -> Result<String, String> {
    crate::toml_table::read(path, "unreadable policy file", None)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn names(files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|p| p.file_name().expect("a name").to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn lists_every_toml_entry_whatever_its_kind() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        std::fs::write(d.join("b.toml"), "").expect("write");
        std::fs::write(d.join("a.toml.bak"), "").expect("write");
        std::fs::write(d.join("README"), "").expect("write");
        std::fs::create_dir(d.join("dir.toml")).expect("mkdir");
        std::os::unix::fs::symlink("gone.toml", d.join("broken.toml")).expect("symlink");
        assert_eq!(names(&list(d).expect("list")), ["b.toml", "broken.toml", "dir.toml"]);
    }

    #[test]
    fn a_single_dangling_link_is_listed_and_a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tmp");
        let link = dir.path().join("p.toml");
        std::os::unix::fs::symlink("gone.toml", &link).expect("symlink");
        assert_eq!(list(&link).expect("listed"), vec![link]);
        assert!(list(&dir.path().join("typo.toml")).is_err());
    }

    #[test]
    fn says_why_an_entry_cannot_be_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        std::os::unix::fs::symlink("gone.toml", d.join("broken.toml")).expect("symlink");
        std::fs::create_dir(d.join("dir.toml")).expect("mkdir");
        std::fs::write(d.join("latin1.toml"), b"name = \"caf\xe9\"\n").expect("write");
        std::fs::write(d.join("ok.toml"), "[[policy]]\n").expect("write");
        let why = |name: &str| read(&d.join(name)).expect_err(name);
        assert_eq!(
            why("broken.toml"),
            "unreadable policy file: a dangling symbolic link (its target gone.toml does not exist)"
        );
        assert_eq!(why("dir.toml"), "unreadable policy file: a directory, not a file");
        assert_eq!(
            why("latin1.toml"),
            "unreadable policy file: not UTF-8 text (invalid byte at offset 11)"
        );
        assert_eq!(read(&d.join("ok.toml")).as_deref(), Ok("[[policy]]\n"));
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tmp");
        let fifo = dir.path().join("pipe.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        assert_eq!(
            read(&fifo).expect_err("a fifo"),
            "unreadable policy file: not a regular file (a FIFO, socket or device)"
        );
    }
}
