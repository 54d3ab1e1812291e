//! The recovery file: unsaved work written after a few idle seconds, offered
//! back on the next start if the session ended without saving.

use std::path::{Path, PathBuf};

use crate::model::Design;

const HEADER: &str = "// vpcd recovery file; original: ";

/// `$XDG_STATE_HOME/vpcd/recovery.ron`, else `~/.local/state/vpcd/recovery.ron`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(base.join("vpcd").join("recovery.ron"))
}

/// Writes the design (atomically) with the original file's path in a header comment.
pub fn write(path: &Path, design: &Design, original: Option<&Path>) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let body = crate::io::to_ron_string(design).map_err(|e| e.to_string())?;
    let original = original.map(|p| p.display().to_string()).unwrap_or_default();
    let text = format!("{HEADER}{original}\n{body}");
    crate::io::write_atomic(path, text.as_bytes()).map_err(|e| e.to_string())
}

/// Reads a recovery file: the design and the path it came from.
pub fn read(path: &Path) -> Option<(Design, Option<PathBuf>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let first = text.lines().next()?;
    let original = first
        .strip_prefix(HEADER)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from);
    let design = crate::io::parse(&text, &path.display().to_string()).ok()?;
    Some((design, original))
}

pub fn remove(path: &Path) {
    // Missing already is fine.
    let _ = std::fs::remove_file(path);
}
