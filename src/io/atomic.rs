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

/// Writes `bytes` to `path` atomically (see the module comment).
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = write_target(path)?;
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
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &target)?;
        if let Ok(d) = fs::File::open(&dir) {
            // Persist the rename itself; not every platform allows syncing a folder.
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
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
