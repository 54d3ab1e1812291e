//! Reading and writing `.ron` design files.
//!
//! Loading names the file, line and column of any syntax or shape error (a
//! byte that is not UTF-8 included; a UTF-8 byte-order mark is skipped);
//! saving is atomic ([`atomic`]: temporary file, fsync, rename, symlinks and
//! permission bits kept) so a crash never leaves a half-written design. Comments in a hand-edited file are not kept when vpcd
//! saves it (RON's serde data model has no place for them); the README says so.

pub mod atomic;
pub mod process;
pub mod recovery;

use std::fs;
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

/// Why a file's bytes are not text vpcd can parse.
#[derive(Debug)]
pub enum TextError {
    Io(std::io::Error),
    /// The first byte that is not UTF-8, located (1-based line and column).
    NotUtf8 {
        line: usize,
        column: usize,
        byte: u8,
    },
}

/// Reads a text file: a UTF-8 byte-order mark (as some editors write) is
/// skipped, and a byte that is not UTF-8 is located.
pub fn read_text(path: &Path) -> Result<String, TextError> {
    let bytes = fs::read(path).map_err(TextError::Io)?;
    decode_text(bytes)
}

/// [`read_text`] on bytes already read.
pub fn decode_text(mut bytes: Vec<u8>) -> Result<String, TextError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        // The prefix is valid UTF-8: count characters, not bytes.
        let column = std::str::from_utf8(&before[line_start..]).map_or(1, |s| s.chars().count() + 1);
        TextError::NotUtf8 {
            line,
            column,
            byte: bytes[at],
        }
    })
}

fn not_utf8_message(byte: u8) -> String {
    format!("byte 0x{byte:02X} is not UTF-8 text; save the file as UTF-8")
}

/// vpcd's per-user state directory: `$XDG_STATE_HOME/vpcd`, else
/// `~/.local/state/vpcd` (XDG Base Directory Specification); `None` when
/// neither variable is set. Recovery files and the practice record live here.
pub fn state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(base.join("vpcd"))
}

/// Reads a data file, naming it in the error.
pub fn read_data_file(path: &Path) -> Result<String, DataFileError> {
    let shown = path.display().to_string();
    read_text(path).map_err(|e| match e {
        TextError::Io(source) => DataFileError::Io { path: shown, source },
        TextError::NotUtf8 { line, column, byte } => DataFileError::Syntax {
            path: shown,
            line,
            column,
            message: not_utf8_message(byte),
        },
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
        message: explain(&e.code),
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
    let unsupported = |found: u32| LoadError::UnsupportedVersion {
        path: origin.to_string(),
        found,
        supported: FORMAT_VERSION,
    };
    match options.from_str::<Design>(text) {
        Ok(d) if d.format != FORMAT_VERSION => Err(unsupported(d.format)),
        Ok(d) => Ok(d),
        // Only a file that does not read as a design is read a second time,
        // for its version alone: a file from another version gets a version
        // message rather than a confusing shape error. (Reading the version
        // first would parse every file twice, the first time slowly: every
        // other field is skipped through RON's self-describing path.)
        Err(e) => match options.from_str::<VersionProbe>(text) {
            Ok(VersionProbe { format: Some(found) }) if found != FORMAT_VERSION => Err(unsupported(found)),
            _ => Err(syntax(e)),
        },
    }
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
    let text = read_text(path).map_err(|e| match e {
        TextError::Io(source) => LoadError::Io {
            path: shown.clone(),
            source,
        },
        TextError::NotUtf8 { line, column, byte } => LoadError::Syntax {
            path: shown.clone(),
            line,
            column,
            message: not_utf8_message(byte),
        },
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

/// Writes several files atomically as one step: all of them or none (see
/// [`atomic::write_all`]).
pub fn write_all_atomic(files: &[(PathBuf, &[u8])]) -> Result<(), SaveError> {
    atomic::write_all(files).map_err(|(path, source)| SaveError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Writes bytes to `path` atomically (see [`atomic`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    atomic::write(path, bytes).map_err(|source| SaveError::Io {
        path: path.display().to_string(),
        source,
    })
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
    fn another_versions_file_that_does_not_read_as_a_design_is_reported_by_its_version() {
        let text = "(format: 2, name: \"x\", region: \"r\", azs: [], zones_v2: [])";
        let err = parse(text, "v.ron").unwrap_err();
        assert!(matches!(err, LoadError::UnsupportedVersion { found: 2, .. }), "{err}");
        // The current version's file with the same mistake is a shape error, with its place.
        let err = parse(&text.replace("format: 2", "format: 1"), "v.ron").unwrap_err();
        assert!(err.to_string().contains("zones_v2"), "{err}");
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

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bom.ron");
        let d = Design::default_vpc("us-east-1", &["us-east-1a"]);
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(to_ron_string(&d).unwrap().into_bytes());
        fs::write(&p, bytes).unwrap();
        assert_eq!(load(&p).unwrap(), d);
    }

    #[test]
    fn a_non_utf8_byte_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("latin1.ron");
        fs::write(&p, b"(\n  format: 1,\n  name: \"caf\xE9\",\n)").unwrap();
        let msg = load(&p).unwrap_err().to_string();
        assert!(
            msg.ends_with("latin1.ron:3:13: byte 0xE9 is not UTF-8 text; save the file as UTF-8"),
            "{msg}"
        );
        // Columns count characters: a multi-byte character before the bad byte is one column.
        fs::write(&p, "é".bytes().chain([0xFF]).collect::<Vec<u8>>()).unwrap();
        assert!(load(&p).unwrap_err().to_string().contains("latin1.ron:1:2: byte 0xFF"));
    }

    #[test]
    fn data_file_errors_read_like_design_errors() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Table {
            rate: f64,
        }
        let err = parse_data_file::<Table>(&ron::Options::default(), "(\n  nope: 1,\n)", "prices.ron").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("prices.ron:2:"), "{msg}");
        assert!(
            msg.contains("unknown field `nope`") || msg.contains("missing the field `rate`"),
            "{msg}"
        );
    }
}
