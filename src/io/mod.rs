//! Reading and writing `.ron` design files.
//!
//! Loading names the file, line and column of any syntax or shape error;
//! saving is atomic (temporary file, fsync, rename) so a crash never leaves a
//! half-written design. Comments in a hand-edited file are not kept when vpcd
//! saves it (RON's serde data model has no place for them); the README says so.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{Design, FORMAT_VERSION};

/// The default folder for user designs.
pub const SAVES_DIR: &str = "saves";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: format version {found} is not supported; this vpcd reads version {supported} (upgrade vpcd or re-save the file with the version that wrote it)")]
    UnsupportedVersion { path: String, found: u32, supported: u32 },
}

impl LoadError {
    /// Line and column (1-based) of a syntax error.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            LoadError::Syntax { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// Why a data file other than a design (a price table, an exercise) could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DataFileError {
    #[error("{path}: cannot read: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Reads a data file, naming it in the error.
pub fn read_data_file(path: &Path) -> Result<String, DataFileError> {
    fs::read_to_string(path).map_err(|source| DataFileError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Parses a RON data file with `options`; a syntax error names `origin`, line and column.
pub fn parse_data_file<T: serde::de::DeserializeOwned>(
    options: &ron::Options,
    text: &str,
    origin: &str,
) -> Result<T, DataFileError> {
    options.from_str(text).map_err(|e| DataFileError::Syntax {
        path: origin.to_string(),
        line: e.position.line,
        column: e.position.col,
        message: e.code.to_string(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{path}: cannot save: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("cannot serialise the design: {0}")]
    Serialize(String),
}

/// Only the version field, read first so that a file from another version
/// gets a version message rather than a confusing shape error.
#[derive(Deserialize)]
struct VersionProbe {
    format: Option<u32>,
}

/// Parses a design from RON text; `origin` names the file in errors.
pub fn parse(text: &str, origin: &str) -> Result<Design, LoadError> {
    let syntax = |e: ron::error::SpannedError| LoadError::Syntax {
        path: origin.to_string(),
        line: e.position.line,
        column: e.position.col,
        message: explain(&e.code),
    };
    let options = ron_options();
    if let Ok(VersionProbe { format: Some(found) }) = options.from_str::<VersionProbe>(text) {
        if found != FORMAT_VERSION {
            return Err(LoadError::UnsupportedVersion {
                path: origin.to_string(),
                found,
                supported: FORMAT_VERSION,
            });
        }
    }
    options.from_str::<Design>(text).map_err(syntax)
}

/// `Some(…)` may be omitted around optional values, in files with or without
/// the `#![enable(implicit_some)]` header vpcd writes.
fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Turns RON's error into a sentence that says what was expected.
fn explain(e: &ron::Error) -> String {
    use ron::Error as E;
    match e {
        E::Eof => "the file ends too early: a closing `)` or `]` is missing (is the file truncated?)".into(),
        E::ExpectedStructLike | E::ExpectedNamedStructLike(_) => "expected `(` to start a structure".into(),
        E::MissingStructField { field, outer } => match outer {
            Some(o) => format!("`{o}` is missing the field `{field}`"),
            None => format!("missing the field `{field}`"),
        },
        E::NoSuchStructField { expected, found, outer } => {
            let within = outer.as_deref().map(|o| format!(" in `{o}`")).unwrap_or_default();
            format!(
                "unknown field `{found}`{within}; expected one of: {}",
                expected.join(", ")
            )
        }
        E::NoSuchEnumVariant { expected, found, outer } => {
            let within = outer.as_deref().map(|o| format!(" for `{o}`")).unwrap_or_default();
            format!(
                "unknown value `{found}`{within}; expected one of: {}",
                expected.join(", ")
            )
        }
        other => other.to_string(),
    }
}

/// Loads a design from a file.
pub fn load(path: &Path) -> Result<Design, LoadError> {
    let shown = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: shown.clone(),
        source,
    })?;
    parse(&text, &shown)
}

/// Serialises a design as readable RON.
pub fn to_ron_string(d: &Design) -> Result<String, SaveError> {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(4)
        .indentor("  ".to_string())
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let mut text = ron_options()
        .to_string_pretty(d, config)
        .map_err(|e| SaveError::Serialize(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// Saves a design atomically: write a temporary file beside the target,
/// fsync it, rename it over the target, fsync the folder.
pub fn save(path: &Path, d: &Design) -> Result<(), SaveError> {
    let text = to_ron_string(d)?;
    write_atomic(path, text.as_bytes())
}

/// Writes bytes to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let shown = path.display().to_string();
    let io = |source| SaveError::Io {
        path: shown.clone(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(io)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "design.ron".into());
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        if let Ok(d) = fs::File::open(&dir) {
            // Persist the rename itself; not every platform allows syncing a folder.
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_file_gives_a_located_error() {
        let text = to_ron_string(&Design::default_vpc("us-east-1", &["us-east-1a", "us-east-1b"])).unwrap();
        let cut = &text[..text.len() / 2];
        let err = parse(cut, "cut.ron").unwrap_err();
        let (line, col) = err.location().expect("a location");
        assert!(line > 1 && col >= 1, "{err}");
        assert!(err.to_string().starts_with("cut.ron:"), "{err}");
    }

    #[test]
    fn garbled_file_names_line_column_and_expectation() {
        let text =
            "(\n  format: 1,\n  name: \"x\",\n  region: \"us-east-1\",\n  azs: [],\n  vpcs: [ (nmae: \"a\") ],\n)";
        let err = parse(text, "bad.ron").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("bad.ron:6:"), "{msg}");
        assert!(msg.contains("unknown field `nmae`"), "{msg}");
        assert!(msg.contains("expected one of"), "{msg}");
    }

    #[test]
    fn unknown_version_is_reported_as_such() {
        let err = parse("(format: 99, name: \"x\", region: \"r\", azs: [])", "v.ron").unwrap_err();
        assert!(matches!(err, LoadError::UnsupportedVersion { found: 99, .. }), "{err}");
    }

    #[test]
    fn save_is_atomic_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/design.ron");
        let d = Design::default_vpc("us-east-1", &["us-east-1a", "us-east-1b", "us-east-1c"]);
        save(&path, &d).unwrap();
        assert_eq!(load(&path).unwrap(), d);
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }
}
