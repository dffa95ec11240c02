//! Who may write into a repository: its owner. Administrators run commands as root; objects,
//! refs and folders root creates in a repository owned by the git server's user would later
//! refuse that user's pushes. Commands that write into a repository (answering a discussion,
//! replaying kept pushes, flushing the outbox) therefore refuse to run as root on a repository
//! root does not own, and say which user to run them as. `hubgate doctor` reads who the owner is
//! ([`Account`]) to tell what it can read and write.

use std::path::Path;

use anyhow::{Result, bail};

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

/// The name `/etc/passwd` gives `uid`.
pub fn user_name(uid: u32) -> Option<String> {
    passwd_entry(uid).map(|(name, _)| name)
}

/// The name and primary group `/etc/passwd` gives `uid`.
fn passwd_entry(uid: u32) -> Option<(String, u32)> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        let gid: u32 = fields.next()?.parse().ok()?;
        (id == uid).then(|| (name.to_owned(), gid))
    })
}

/// The name `/etc/group` gives `gid`.
pub fn group_name(gid: u32) -> Option<String> {
    let text = std::fs::read_to_string("/etc/group").ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == gid).then(|| name.to_owned())
    })
}

/// A user as the kernel checks its file access: its uid and every group it is in. `hubgate
/// doctor` uses it to tell, from mode bits, what a repository's owner can do, without switching
/// users. Read from `/etc/passwd` and `/etc/group`; users and groups that only a directory service
/// knows are seen by their ids alone (primary group unknown, no supplementary groups).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The uid.
    pub uid: u32,
    /// Its name, or `uid N`.
    pub name: String,
    /// Its primary group, if known.
    pub gid: Option<u32>,
    /// Its primary and supplementary groups.
    pub groups: Vec<u32>,
}

impl Account {
    /// The account of `uid`.
    pub fn of(uid: u32) -> Account {
        let (name, gid) = match passwd_entry(uid) {
            Some((name, gid)) => (Some(name), Some(gid)),
            None => (None, None),
        };
        let mut groups: Vec<u32> = gid.into_iter().collect();
        if let (Some(name), Ok(text)) = (&name, std::fs::read_to_string("/etc/group")) {
            for line in text.lines() {
                let fields: Vec<&str> = line.split(':').collect();
                if let [_, _, id, members, ..] = fields.as_slice()
                    && members.split(',').any(|m| m.trim() == name)
                    && let Ok(id) = id.parse::<u32>()
                    && !groups.contains(&id)
                {
                    groups.push(id);
                }
            }
        }
        Account {
            uid,
            name: name.unwrap_or_else(|| format!("uid {uid}")),
            gid,
            groups,
        }
    }

    /// The permission bits (`rwx` as 4, 2, 1) this account has on a file of `mode` owned by
    /// `uid` and `gid`: root has all but execute, which needs some execute bit.
    pub fn bits(&self, mode: u32, uid: u32, gid: u32) -> u32 {
        if self.uid == 0 {
            let x = u32::from(mode & 0o111 != 0);
            return 0o6 | x;
        }
        if uid == self.uid {
            (mode >> 6) & 7
        } else if self.groups.contains(&gid) {
            (mode >> 3) & 7
        } else {
            mode & 7
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_named_in_passwd() {
        assert_eq!(user_name(0).as_deref(), Some("root"));
        assert_eq!(user_name(4_000_000_000), None);
        assert_eq!(group_name(0).as_deref(), Some("root"));
        let root = Account::of(0);
        assert_eq!((root.name.as_str(), root.gid), ("root", Some(0)));
        assert!(root.groups.contains(&0));
        assert_eq!(Account::of(4_000_000_000).name, "uid 4000000000");
    }

    #[test]
    fn bits_by_owner_group_and_others() {
        let alice = Account {
            uid: 1000,
            name: "alice".into(),
            gid: Some(1000),
            groups: vec![1000, 50],
        };
        assert_eq!(alice.bits(0o750, 1000, 0), 0o7);
        assert_eq!(alice.bits(0o750, 0, 50), 0o5);
        assert_eq!(alice.bits(0o750, 0, 0), 0);
        assert_eq!(alice.bits(0o444, 0, 0), 0o4);
        let root = Account::of(0);
        assert_eq!(root.bits(0o600, 1000, 1000), 0o6);
        assert_eq!(root.bits(0o700, 1000, 1000), 0o7);
    }
}
