//! What hubgate creates inside a repository is left as git would leave it for the repository's
//! users: one function, [`Settle::path`], for every file and folder, whoever runs hubgate.
//!
//! - Run as root (administrators do), what it creates is given to the repository's owner and
//!   group (the owner of the repository folder): a root-owned object folder, ref or lock file
//!   would refuse the owner's later pushes.
//! - With `core.sharedRepository` set (`group`, `true`, `all`/`world`/`everybody`, or an octal
//!   mode `0xxx`), it gets the permission bits git's `adjust_shared_perm` gives: group-writable
//!   (and world-readable for `all`) files, setgid folders, so that every member of the group can
//!   push after it. Without it, the process's umask decides, as for git.
//!
//! Only what this process owns is touched (a file another user of a shared repository wrote is
//! theirs); root touches only what root owns. The setting is read from the repository's own
//! `config` (where `git init --shared` puts it), without includes.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

/// How what hubgate creates in one repository must be left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settle {
    /// The repository folder's owner.
    uid: u32,
    /// The repository folder's group.
    gid: u32,
    /// `core.sharedRepository` in git's encoding: 0 leaves the umask's bits, a positive mode is
    /// added to them, a negative one replaces them.
    shared: i32,
    /// This process's effective uid (`u32::MAX` where it cannot be known: nothing is touched).
    euid: u32,
}

impl Settle {
    /// The rules of the repository (or other folder, such as a server-wide hooks folder) `dir`.
    pub fn of(dir: &Path) -> Result<Settle> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        Ok(Settle {
            uid: meta.uid(),
            gid: meta.gid(),
            shared: shared_setting(&dir.join("config"))?,
            euid: euid(),
        })
    }

    /// The rules of the repository that holds `path` (the nearest folder above it that is a bare
    /// repository), else of the nearest existing folder above it (a hooks folder outside any
    /// repository).
    pub fn enclosing(path: &Path) -> Result<Settle> {
        let mut nearest: Option<PathBuf> = None;
        for dir in path.ancestors().skip(1) {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if super::is_bare_repo(dir) {
                return Settle::of(dir);
            }
            if nearest.is_none() && dir.is_dir() {
                nearest = Some(dir.to_owned());
            }
        }
        Settle::of(nearest.as_deref().unwrap_or(Path::new("/")))
    }

    /// Whether anything can ever need settling: this process runs as root on a repository
    /// another user owns, or the repository is shared.
    pub fn needed(&self) -> bool {
        (self.euid == 0 && (self.uid, self.gid) != (0, 0)) || (self.shared != 0 && self.euid != u32::MAX)
    }

    /// Leaves `path` (a file or folder this process created) with the repository owner's uid and
    /// group when root made it, and the mode bits `core.sharedRepository` asks for. Symbolic links
    /// and what another user owns are left alone.
    pub fn path(&self, path: &Path) -> Result<()> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if !self.needed() {
            return Ok(());
        }
        let meta = std::fs::symlink_metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.file_type().is_symlink() || meta.uid() != self.euid {
            return Ok(());
        }
        if self.euid == 0 && (meta.uid(), meta.gid()) != (self.uid, self.gid) {
            std::os::unix::fs::lchown(path, Some(self.uid), Some(self.gid))
                .with_context(|| format!("cannot give {} to the repository's owner", path.display()))?;
        }
        let mode = meta.mode() & 0o7777;
        let want = shared_mode(self.shared, mode, meta.is_dir());
        if want != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(want))
                .with_context(|| format!("cannot set the mode of {}", path.display()))?;
        }
        Ok(())
    }

    /// [`Settle::path`] for `path` and every folder above it up to `top` (excluded).
    pub fn path_up_to(&self, path: &Path, top: &Path) -> Result<()> {
        for p in path.ancestors().take_while(|p| *p != top && p.starts_with(top)) {
            self.path(p)?;
        }
        Ok(())
    }

    /// Creates `dir` and the folders missing above it, settling each one it created.
    pub fn create_dir_all(&self, dir: &Path) -> Result<()> {
        let missing: Vec<&Path> = dir
            .ancestors()
            .take_while(|p| !p.as_os_str().is_empty() && !p.exists())
            .collect();
        for level in missing.into_iter().rev() {
            match std::fs::create_dir(level) {
                Ok(()) => self.path(level)?,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e).with_context(|| format!("cannot create {}", level.display())),
            }
        }
        Ok(())
    }

    /// Settles what appeared in an object folder (`objects/`) since `since`: the fan-out folders
    /// changed since then and the loose objects written in them. gix writes objects itself, so
    /// the store settles them afterwards, reading only the folders that changed.
    pub fn objects_since(&self, objects: &Path, since: SystemTime) -> Result<()> {
        if !self.needed() {
            return Ok(());
        }
        // Coarse timestamps and a clock that steps: a second of slack settles a few more files.
        let since = since - std::time::Duration::from_secs(1);
        let recent = |p: &Path| {
            std::fs::symlink_metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since)
        };
        let fanout = std::fs::read_dir(objects).with_context(|| format!("cannot read {}", objects.display()))?;
        for entry in fanout.filter_map(|e| e.ok()) {
            let dir = entry.path();
            let name = entry.file_name();
            if name.len() != 2 || !name.to_string_lossy().bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            if !recent(&dir) {
                continue;
            }
            self.path(&dir)?;
            for file in std::fs::read_dir(&dir).into_iter().flatten().filter_map(|e| e.ok()) {
                if recent(&file.path()) {
                    self.path(&file.path())?;
                }
            }
        }
        Ok(())
    }
}

/// `core.sharedRepository` of the repository whose `config` file is `config`, in git's encoding
/// (0 when absent, or when there is no such file).
fn shared_setting(config: &Path) -> Result<i32> {
    if !config.is_file() {
        return Ok(0);
    }
    let file = gix::config::File::from_path_no_includes(config.to_owned(), gix::config::Source::Local)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", config.display()))?;
    let value = file.sections_by_name("core").and_then(|sections| {
        sections
            .filter(|s| s.header().subsection_name().is_none())
            .filter_map(|s| s.value_implicit("sharedRepository"))
            .last()
    });
    let Some(value) = value else { return Ok(0) };
    gix::config::tree::Core::SHARED_REPOSITORY
        .try_into_shared_repository(value)
        .map_err(|e| anyhow::anyhow!("core.sharedRepository in {}: {e}", config.display()))
}

/// The mode git gives a file or folder of mode `mode` in a repository whose
/// `core.sharedRepository` is `shared` (git's `calc_shared_perm` and `adjust_shared_perm`).
pub fn shared_mode(shared: i32, mode: u32, is_dir: bool) -> u32 {
    if shared == 0 {
        return mode;
    }
    let mut tweak = shared.unsigned_abs();
    if mode & 0o200 == 0 {
        tweak &= !0o222;
    }
    if mode & 0o100 != 0 {
        tweak |= (tweak & 0o444) >> 2;
    }
    let mut new = if shared < 0 {
        (mode & !0o777) | tweak
    } else {
        mode | tweak
    };
    if is_dir {
        new |= (new & 0o444) >> 2;
        if new & 0o060 != 0 {
            new |= 0o2000;
        }
    }
    new
}

#[cfg(target_os = "linux")]
fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

#[cfg(not(target_os = "linux"))]
fn euid() -> u32 {
    u32::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_as_git_gives_them() {
        const GROUP: i32 = 0o660;
        const ALL: i32 = 0o664;
        // Loose objects (0444), refs and lock files (0644), hooks (0755), folders (0755).
        assert_eq!(shared_mode(GROUP, 0o444, false), 0o444);
        assert_eq!(shared_mode(GROUP, 0o644, false), 0o664);
        assert_eq!(shared_mode(GROUP, 0o600, false), 0o660);
        assert_eq!(shared_mode(GROUP, 0o755, false), 0o775);
        assert_eq!(shared_mode(GROUP, 0o755, true), 0o2775);
        assert_eq!(shared_mode(GROUP, 0o700, true), 0o2770);
        assert_eq!(shared_mode(ALL, 0o600, false), 0o664);
        assert_eq!(shared_mode(ALL, 0o700, true), 0o2775);
        // An octal mode replaces the bits: 0640 keeps others out.
        assert_eq!(shared_mode(-0o640, 0o644, false), 0o640);
        assert_eq!(shared_mode(-0o640, 0o755, true), 0o2750);
        assert_eq!(shared_mode(0, 0o600, false), 0o600);
    }

    #[test]
    fn the_setting_is_read_as_git_reads_it() {
        let tmp = tempfile::tempdir().expect("tmp");
        let config = tmp.path().join("config");
        assert_eq!(shared_setting(&config).expect("absent"), 0);
        for (text, want) in [
            ("[core]\n\tbare = true\n", 0),
            ("[core]\n\tsharedRepository = group\n", 0o660),
            ("[core]\n\tsharedRepository = true\n", 0o660),
            ("[core]\n\tsharedRepository\n", 0o660),
            ("[core]\n\tsharedRepository = 1\n", 0o660),
            ("[core]\n\tsharedRepository = everybody\n", 0o664),
            ("[core]\n\tsharedRepository = 0640\n", -0o640),
            ("[core]\n\tsharedRepository = umask\n", 0),
            ("[core]\n\tsharedRepository = false\n", 0),
        ] {
            std::fs::write(&config, text).expect("write");
            assert_eq!(shared_setting(&config).expect(text), want, "{text}");
        }
    }

    #[test]
    fn a_shared_repositorys_new_folders_and_files_are_group_writable() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tmp");
        std::fs::write(tmp.path().join("config"), "[core]\n\tsharedRepository = group\n").expect("config");
        let settle = Settle::of(tmp.path()).expect("settle");
        let dir = tmp.path().join("hubgate/outbox");
        settle.create_dir_all(&dir).expect("mkdir");
        let file = dir.join("item");
        std::fs::write(&file, "x").expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        settle.path(&file).expect("settle");
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o7777;
        assert_eq!(mode(&file), 0o660);
        assert_eq!(mode(&dir) & 0o2070, 0o2070, "{:o}", mode(&dir));
        assert_eq!(mode(&tmp.path().join("hubgate")) & 0o2070, 0o2070);
    }
}
