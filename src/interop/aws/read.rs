//! Finding and parsing the CLI's JSON: folders are searched recursively,
//! each file is routed by its top-level key (never by its name), and the
//! account and Region of each file come from the folder layout
//! (`accounts/<id>/<region>/`) or, failing that, from its content (ARNs,
//! availability zones, owner ids).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::json::AwsFile;

/// Why the input could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: cannot read: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

impl ReadError {
    /// Line and column (1-based) of a syntax or shape error.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            ReadError::Syntax { line, column, .. } => Some((*line, *column)),
            ReadError::Io { .. } => None,
        }
    }
}

/// One parsed file of AWS output.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub account: Option<String>,
    /// Whether `account` comes from the folder layout (`accounts/<id>/`),
    /// i.e. the file is that account's output, rather than being guessed
    /// from the first owner id in the content.
    pub account_from_layout: bool,
    pub region: Option<String>,
    pub content: AwsFile,
}

/// A JSON file that holds no output vpcd reads, with its top-level keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredFile {
    pub path: PathBuf,
    pub keys: Vec<String>,
    pub reason: String,
}

/// Everything read from the given paths.
#[derive(Debug, Clone, Default)]
pub struct Dump {
    pub files: Vec<SourceFile>,
    pub ignored: Vec<IgnoredFile>,
}

impl Dump {
    /// The Regions the files belong to.
    pub fn regions(&self) -> BTreeSet<String> {
        self.files.iter().filter_map(|f| f.region.clone()).collect()
    }

    /// The accounts the files belong to.
    pub fn accounts(&self) -> BTreeSet<String> {
        self.files.iter().filter_map(|f| f.account.clone()).collect()
    }
}

/// Reads every `.json` file under `paths` (files, or folders searched recursively).
pub fn read_paths(paths: &[PathBuf]) -> Result<Dump, ReadError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    files.sort();
    files.dedup();
    let mut dump = Dump::default();
    for path in files {
        let text = fs::read_to_string(&path).map_err(|source| ReadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        match parse_file(&text, &path)? {
            Parsed::Aws(content) => {
                let (account, region) = layout(&path);
                let region = region.or_else(|| content_region(&content));
                let account_from_layout = account.is_some();
                let account = account.or_else(|| content_account(&content));
                dump.files.push(SourceFile {
                    path,
                    account,
                    account_from_layout,
                    region,
                    content: *content,
                });
            }
            Parsed::Ignored { keys, reason } => dump.ignored.push(IgnoredFile { path, keys, reason }),
        }
    }
    Ok(dump)
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), ReadError> {
    let io = |source| ReadError::Io {
        path: p.display().to_string(),
        source,
    };
    let meta = fs::metadata(p).map_err(io)?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(p)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() {
                collect(&e, out)?;
            } else if e.extension().is_some_and(|x| x.eq_ignore_ascii_case("json")) {
                out.push(e);
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}

enum Parsed {
    Aws(Box<AwsFile>),
    Ignored { keys: Vec<String>, reason: String },
}

/// Parses one file: a JSON syntax or shape error names file, line and column.
fn parse_file(text: &str, path: &Path) -> Result<Parsed, ReadError> {
    let shown = path.display().to_string();
    let located = |e: serde_json::Error| ReadError::Syntax {
        path: shown.clone(),
        line: e.line(),
        column: e.column(),
        message: explain(&e),
    };
    // The top level must be an object for a describe-* output; anything else
    // (a list, a scalar) is valid JSON of some other tool.
    let first = text.trim_start().chars().next();
    if first != Some('{') {
        // Still report broken JSON as such.
        serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(located)?;
        return Ok(Parsed::Ignored {
            keys: Vec::new(),
            reason: "not an AWS CLI output (the top level is not a JSON object)".into(),
        });
    }
    let content: AwsFile = serde_json::from_str(text).map_err(located)?;
    if !content.keys().is_empty() {
        return Ok(Parsed::Aws(Box::new(content)));
    }
    let keys: Vec<String> = serde_json::from_str::<std::collections::BTreeMap<String, serde::de::IgnoredAny>>(text)
        .map_err(located)?
        .into_keys()
        .collect();
    let reason = keys
        .iter()
        .find_map(|k| {
            super::json::KNOWN_UNMODELLED
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, why)| why.to_string())
        })
        .unwrap_or_else(|| "not an API vpcd imports".into());
    Ok(Parsed::Ignored { keys, reason })
}

fn explain(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = e.to_string();
    // serde_json appends " at line L column C"; the location is printed in front.
    let what = what.split(" at line ").next().unwrap_or(&what).to_string();
    match e.classify() {
        Category::Eof => format!("{what}: the file ends too early (is it truncated?)"),
        Category::Syntax => format!("invalid JSON: {what}"),
        Category::Data => format!("unexpected value: {what}"),
        Category::Io => what,
    }
}

/// Whether a folder name looks like a Region (`us-east-1`, `us-gov-west-1`, `ap-southeast-2`).
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// Account and Region from the folder layout: `accounts/<id>/…` and any folder named like a Region.
fn layout(path: &Path) -> (Option<String>, Option<String>) {
    let parts: Vec<String> = path
        .parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut account = None;
    let mut region = None;
    for (i, part) in parts.iter().enumerate() {
        if part == "accounts" {
            if let Some(id) = parts.get(i + 1) {
                account = Some(id.clone());
            }
        }
        if is_region(part) {
            region = Some(part.clone());
        }
    }
    (account, region)
}

/// The Region an AZ belongs to (`us-east-1a` → `us-east-1`).
pub fn region_of_az(az: &str) -> Option<String> {
    let r = az.trim_end_matches(|c: char| c.is_ascii_lowercase());
    is_region(r).then(|| r.to_string())
}

/// `arn:aws:SERVICE:REGION:ACCOUNT:…` → (region, account).
pub fn arn_parts(arn: &str) -> Option<(String, String)> {
    let mut it = arn.split(':');
    if it.next()? != "arn" {
        return None;
    }
    let _partition = it.next()?;
    let _service = it.next()?;
    let region = it.next()?.to_string();
    let account = it.next()?.to_string();
    Some((region, account))
}

fn content_region(f: &AwsFile) -> Option<String> {
    let from_az = |az: &str| region_of_az(az);
    let from_arn = |arn: &str| arn_parts(arn).map(|(r, _)| r).filter(|r| is_region(r));
    if let Some(z) = f.availability_zones.as_ref().and_then(|z| z.first()) {
        if let Some(r) = z.region_name.clone().or_else(|| from_az(&z.zone_name)) {
            return Some(r);
        }
    }
    f.subnets
        .iter()
        .flatten()
        .find_map(|s| from_az(&s.availability_zone))
        .or_else(|| {
            f.network_interfaces
                .iter()
                .flatten()
                .find_map(|e| e.availability_zone.as_deref().and_then(from_az))
        })
        .or_else(|| {
            f.reservations
                .iter()
                .flatten()
                .flat_map(|r| &r.instances)
                .find_map(|i| i.placement.as_ref().and_then(|p| from_az(&p.availability_zone)))
        })
        .or_else(|| {
            f.transit_gateways
                .iter()
                .flatten()
                .find_map(|t| t.transit_gateway_arn.as_deref().and_then(from_arn))
        })
        .or_else(|| {
            f.load_balancers
                .iter()
                .flatten()
                .find_map(|l| from_arn(&l.load_balancer_arn))
        })
        .or_else(|| {
            f.target_groups
                .iter()
                .flatten()
                .find_map(|t| from_arn(&t.target_group_arn))
        })
}

fn content_account(f: &AwsFile) -> Option<String> {
    f.vpcs
        .iter()
        .flatten()
        .find_map(|v| v.owner_id.clone())
        .or_else(|| f.subnets.iter().flatten().find_map(|s| s.owner_id.clone()))
        .or_else(|| f.security_groups.iter().flatten().find_map(|s| s.owner_id.clone()))
        .or_else(|| f.reservations.iter().flatten().find_map(|r| r.owner_id.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_recognised() {
        assert!(is_region("us-east-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(is_region("ap-southeast-2"));
        assert!(!is_region("aws_configs"));
        assert!(!is_region("us-east-1a"));
        assert!(!is_region("accounts"));
        assert_eq!(region_of_az("eu-west-3c").as_deref(), Some("eu-west-3"));
    }

    #[test]
    fn layout_gives_account_and_region() {
        let (a, r) = layout(Path::new("dump/accounts/123456789012/us-west-2/Vpcs.json"));
        assert_eq!(a.as_deref(), Some("123456789012"));
        assert_eq!(r.as_deref(), Some("us-west-2"));
    }

    #[test]
    fn syntax_errors_are_located() {
        let Err(e) = parse_file(
            "{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\",,}\n  ]\n}",
            Path::new("x.json"),
        ) else {
            panic!("accepted broken JSON");
        };
        assert_eq!(e.location(), Some((3, 23)), "{e}");
        assert!(e.to_string().starts_with("x.json:3:23: invalid JSON"), "{e}");
    }

    #[test]
    fn files_are_routed_by_key_not_name() {
        let Ok(Parsed::Aws(f)) = parse_file("{\"Subnets\": []}", Path::new("Vpcs.json")) else {
            panic!("not routed");
        };
        assert_eq!(f.keys(), vec!["Subnets"]);
        let Ok(Parsed::Ignored { keys, reason }) = parse_file("{\"DhcpOptions\": []}", Path::new("Vpcs.json")) else {
            panic!("not ignored");
        };
        assert_eq!(keys, vec!["DhcpOptions".to_string()]);
        assert!(reason.contains("DHCP"), "{reason}");
        assert!(matches!(
            parse_file("[1, 2]", Path::new("a.json")),
            Ok(Parsed::Ignored { .. })
        ));
    }
}
