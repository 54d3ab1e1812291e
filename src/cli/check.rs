//! `vpcd check FILE [--format text|json]`

use std::path::PathBuf;

use clap::Args;

use super::{exit, load_or_report, OutputFormat};
use crate::validate::{self, Severity};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The design file (.ron).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(args: &CheckArgs) -> u8 {
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let diags = validate::validate(&design);
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, infos) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "file": args.file.display().to_string(),
                "errors": errors,
                "warnings": warnings,
                "infos": infos,
                "diagnostics": diags,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        OutputFormat::Text => {
            for d in &diags {
                println!("{:<7} {:<28} {}: {}", d.severity, d.code, d.path, d.message);
                if !d.hint.is_empty() {
                    println!("        hint: {}", d.hint);
                }
            }
            println!(
                "{}: {errors} errors, {warnings} warnings, {infos} infos",
                args.file.display()
            );
        }
    }
    if errors > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    }
}
