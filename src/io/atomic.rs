//! Atomic file writes that keep what the user set up around the file.
//!
//! The bytes go to a temporary file beside the target (`.NAME.tmp-PID`), which
//! is fsynced, renamed over the target and followed by an fsync of the folder,
//! so a crash or `kill -9` leaves either the old file or the new one, never a
//! mix. On top of that:
//! - a symlink is followed: its target is written and the link stays a link;
//! - the target's permission bits are kept (a 600 file stays 600);
//! - temporary files of earlier saves whose process no longer runs (a save
//!   killed between create and rename) are removed on the next save.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::process;

/// How many links are followed before giving up (Linux's own limit is 40).
const MAX_LINKS: usize = 40;

/// The file a write to `path` should replace: `path` itself, or the final
/// target when `path` is a symlink (possibly a dangling one, which the save
/// then creates).
pub fn write_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p)?;
                p = if target.is_absolute() {
                    target
                } else {
                    p.parent().unwrap_or(Path::new("")).join(target)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other(format!(
        "too many levels of symbolic links (more than {MAX_LINKS})"
    )))
}

fn temp_prefix(file_name: &str) -> String {
    format!(".{file_name}.tmp-")
}

/// Removes `.NAME.tmp-PID` files in `dir` whose process has ended.
fn remove_stale_temps(dir: &Path, file_name: &str) {
    let prefix = temp_prefix(file_name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process::pid_exists(pid) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// A file written to its temporary beside the target, fsynced, not yet
/// renamed over it.
#[derive(Debug)]
struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    dir: PathBuf,
}

impl Staged {
    /// Writes `bytes` to the temporary of `path` (see the module comment).
    fn write(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
        let target = write_target(path)?;
        // Renaming a file over a folder fails; say so before anything is
        // written, so that `write_all` changes nothing.
        if target.is_dir() {
            return Err(std::io::Error::other(format!("{} is a folder", target.display())));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&dir)?;
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "design.ron".into());
        remove_stale_temps(&dir, &file_name);
        // The mode of the file being replaced (None for a new file, which gets
        // the usual mode from the umask).
        let keep = fs::metadata(&target).ok().map(|m| m.permissions());
        let tmp = dir.join(format!("{}{}", temp_prefix(&file_name), std::process::id()));
        let result = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            if let Some(perm) = keep {
                f.set_permissions(perm)?;
            }
            f.sync_all()
        })();
        match result {
            Ok(()) => Ok(Staged { tmp, target, dir }),
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Renames the temporary over the target and persists the rename.
    fn commit(self) -> std::io::Result<()> {
        if let Err(e) = fs::rename(&self.tmp, &self.target) {
            let _ = fs::remove_file(&self.tmp);
            return Err(e);
        }
        if let Ok(d) = fs::File::open(&self.dir) {
            // Persist the rename itself; not every platform allows syncing a folder.
            let _ = d.sync_all();
        }
        Ok(())
    }

    fn discard(self) {
        let _ = fs::remove_file(&self.tmp);
    }
}

/// Writes `bytes` to `path` atomically (see the module comment).
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    Staged::write(path, bytes)?.commit()
}

/// Writes several files as one step: every file goes to its temporary first
/// and only when all of them are written are they renamed into place, so a
/// failure (a full disk, a folder without write permission, a target that
/// is a folder) leaves none of the targets changed; only a rename failing
/// after others succeeded, which a local filesystem does not do once the
/// temporary is written beside its target, could. On error, the path that
/// failed.
pub fn write_all(files: &[(PathBuf, &[u8])]) -> Result<(), (PathBuf, std::io::Error)> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        match Staged::write(path, bytes) {
            Ok(s) => staged.push(s),
            Err(e) => {
                staged.into_iter().for_each(Staged::discard);
                return Err((path.clone(), e));
            }
        }
    }
    let mut staged = staged.into_iter();
    while let Some(s) = staged.next() {
        let path = s.target.clone();
        if let Err(e) = s.commit() {
            staged.for_each(Staged::discard);
            return Err((path, e));
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    #[test]
    fn saving_through_a_symlink_writes_its_target_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        let real = dir.path().join("real/lab.ron");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("lab.ron");
        symlink("real/lab.ron", &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // A chain of links, the last one dangling: the final target is created.
        let a = dir.path().join("a.ron");
        let b = dir.path().join("b.ron");
        symlink(&b, &a).unwrap();
        symlink("real/fresh.ron", &b).unwrap();
        write(&a, b"fresh").unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("real/fresh.ron")).unwrap(), "fresh");
        assert!(fs::symlink_metadata(&b).unwrap().file_type().is_symlink());
    }

    #[test]
    fn a_symlink_loop_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        symlink(&b, &a).unwrap();
        symlink(&a, &b).unwrap();
        assert!(write(&a, b"x").is_err());
    }

    #[test]
    fn write_all_changes_no_file_when_one_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("main.tf");
        fs::write(&kept, "old").unwrap();
        // A folder where the second file should go: it cannot be written.
        let blocked = dir.path().join("variables.tf");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("inside"), "x").unwrap();
        let files: Vec<(PathBuf, &[u8])> = vec![(kept.clone(), b"new"), (blocked.clone(), b"vars")];
        let (failed, _) = write_all(&files).unwrap_err();
        assert_eq!(failed, blocked);
        assert_eq!(fs::read_to_string(&kept).unwrap(), "old", "the first file is untouched");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "no temporaries are left behind");
        // Both writable: both written.
        let other = dir.path().join("outputs.tf");
        write_all(&[(kept.clone(), b"new".as_slice()), (other.clone(), b"out".as_slice())]).unwrap();
        assert_eq!(fs::read_to_string(&kept).unwrap(), "new");
        assert_eq!(fs::read_to_string(&other).unwrap(), "out");
    }

    #[test]
    fn the_files_permission_bits_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secret.ron");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        write(&p, b"new").unwrap();
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write(&p, b"newer").unwrap();
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn temporaries_of_dead_saves_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("lab.ron");
        // A finished process's id stands in for a save killed mid-way.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!(".lab.ron.tmp-{dead}"));
        fs::write(&stale, "half").unwrap();
        // pid 1 always runs: its temporary may be a save in progress.
        let live = dir.path().join(".lab.ron.tmp-1");
        fs::write(&live, "busy").unwrap();
        let other = dir.path().join(format!(".other.ron.tmp-{dead}"));
        fs::write(&other, "not ours").unwrap();
        write(&p, b"x").unwrap();
        assert!(!stale.exists(), "the dead save's temporary is removed");
        assert!(live.exists(), "a live process's temporary is kept");
        assert!(other.exists(), "another file's temporaries are left alone");
    }
}
