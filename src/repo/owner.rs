//! Who may write into a repository: its owner. Administrators run commands as root; objects,
//! refs and folders root creates in a repository owned by the git server's user would later
//! refuse that user's pushes. Commands that write into a repository (answering a discussion,
//! replaying kept pushes, flushing the outbox) therefore refuse to run as root on a repository
//! root does not own, and say which user to run them as.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// Refuses when this process runs as root and the repository at `git_dir` belongs to another
/// user.
pub fn check_writer(git_dir: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        if !rustix::process::geteuid().is_root() {
            return Ok(());
        }
        let Ok(meta) = std::fs::metadata(git_dir.join("objects")).or_else(|_| std::fs::metadata(git_dir)) else {
            return Ok(());
        };
        let owner = meta.uid();
        if owner != 0 {
            let name = user_name(owner).unwrap_or_else(|| format!("uid {owner}"));
            bail!(
                "this repository belongs to {name}; running this as root would leave files {name} cannot write \
                 (and later pushes would fail): run it as that user, e.g. `sudo -u {name} hubgate ...`"
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = git_dir;
    Ok(())
}

/// Gives `path` the owner and group of `like` (a file or folder of the same repository) when
/// this process runs as root and they differ: what root writes into a repository must stay the
/// repository owner's. Does nothing for other users (they cannot give files away) and off Linux.
pub fn follow(path: &Path, like: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        if !rustix::process::geteuid().is_root() {
            return Ok(());
        }
        let want = std::fs::metadata(like).with_context(|| format!("cannot read {}", like.display()))?;
        let have = std::fs::symlink_metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if (have.uid(), have.gid()) != (want.uid(), want.gid()) {
            rustix::fs::chown(
                path,
                Some(rustix::process::Uid::from_raw(want.uid())),
                Some(rustix::process::Gid::from_raw(want.gid())),
            )
            .map_err(|e| anyhow::anyhow!("cannot give {} to the repository's owner: {e}", path.display()))?;
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (path, like);
    Ok(())
}

/// The name `/etc/passwd` gives `uid`.
fn user_name(uid: u32) -> Option<String> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid).then(|| name.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_named_in_passwd() {
        assert_eq!(user_name(0).as_deref(), Some("root"));
        assert_eq!(user_name(4_000_000_000), None);
    }
}
