//! Which repositories hubgate can read, decided from the repository's own `config` before any
//! object or ref is looked at.
//!
//! hubgate reads SHA-1 object ids and refs in git's `files` format (loose files and
//! `packed-refs`). Two extensions change that, and each is refused with a message that names it
//! rather than misread:
//!
//! - `extensions.objectFormat = sha256`: ids of another length;
//! - `extensions.refStorage = reftable` (git 2.45 and later, `git init --ref-format=reftable`):
//!   the refs live in `reftable/`, and `refs/heads` is a file that only says so. Read as files,
//!   such a repository has no refs at all: the walk would find no history to stop at, the
//!   default branch would be unknown, and discussion refs written as loose files would be
//!   invisible to git (and their objects pruned by its next `gc`).
//!
//! Both are read whatever `core.repositoryFormatVersion` says: git ignores extensions in a
//! version 0 repository, but the objects and refs on disk are what they are, and reading them
//! wrongly is worse than refusing. As git reads the repository format, includes are not followed.

use std::path::Path;

use anyhow::{Result, bail};

/// The object id kind of the repository whose shared directory is `common_dir`, after checking
/// that hubgate can read its objects and refs (see the module comment).
pub fn object_hash(common_dir: &Path) -> Result<gix::hash::Kind> {
    let path = common_dir.join("config");
    if !path.is_file() {
        // git reads a repository without a config file as format version 0: SHA-1, files.
        return Ok(gix::hash::Kind::Sha1);
    }
    let file = gix::config::File::from_path_no_includes(path.clone(), gix::config::Source::Local)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let shown = common_dir.display();
    // Values compared exactly, as git compares them (it refuses `SHA1`).
    if let Some(format) = file.string("extensions.objectFormat")
        && format != "sha1"
    {
        bail!(
            "cannot read the repository at {shown}: its objects use {format} ids \
             (extensions.objectFormat = {format} in its config); hubgate reads SHA-1 repositories only"
        );
    }
    if let Some(storage) = file.string("extensions.refStorage")
        && storage != "files"
    {
        bail!(
            "cannot read the repository at {shown}: its refs are stored as {storage} \
             (extensions.refStorage = {storage} in its config), which hubgate cannot read; \
             `git --git-dir={shown} refs migrate --ref-format=files` (git 2.46 or later) converts them \
             to the files format it reads"
        );
    }
    Ok(gix::hash::Kind::Sha1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_config(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("config"), text).expect("write");
        dir
    }

    #[test]
    fn sha1_files_repositories_are_read() {
        let none = tempfile::tempdir().expect("tmp");
        assert_eq!(object_hash(none.path()).expect("no config"), gix::hash::Kind::Sha1);
        for text in [
            "[core]\n\trepositoryformatversion = 0\n",
            "[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectFormat = sha1\n\trefStorage = files\n",
            "[EXTENSIONS]\n\tobjectformat = sha1\n",
        ] {
            let dir = with_config(text);
            assert_eq!(object_hash(dir.path()).expect(text), gix::hash::Kind::Sha1, "{text}");
        }
    }

    #[test]
    fn reftable_and_sha256_are_refused_by_name() {
        let dir = with_config("[core]\n\trepositoryformatversion = 1\n[extensions]\n\trefstorage = reftable\n");
        let e = format!("{:#}", object_hash(dir.path()).expect_err("reftable"));
        assert!(
            e.contains("refs are stored as reftable") && e.contains("refs migrate --ref-format=files"),
            "{e}"
        );
        let dir = with_config("[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectFormat = sha256\n");
        let e = format!("{:#}", object_hash(dir.path()).expect_err("sha256"));
        assert!(
            e.contains("objects use sha256 ids") && e.contains("SHA-1 repositories only"),
            "{e}"
        );
        // Values are exact, as git reads them.
        assert!(object_hash(with_config("[extensions]\n\tobjectFormat = SHA1\n").path()).is_err());
        // Version 0 does not make git ignore what is on disk.
        let dir = with_config("[core]\n\trepositoryformatversion = 0\n[extensions]\n\trefStorage = reftable\n");
        assert!(object_hash(dir.path()).is_err());
    }

    #[test]
    fn an_unreadable_config_is_an_error() {
        let dir = with_config("[core\n");
        let e = format!("{:#}", object_hash(dir.path()).expect_err("bad config"));
        assert!(e.contains("cannot read"), "{e}");
    }
}
