//! `vpcd export terraform FILE -o DIR [--force]` and
//! `vpcd export cloudformation FILE -o stack.yaml [--force]`.
//!
//! Exit status: 0 written, 2 bad input (unreadable design, existing output
//! without `--force`, a file that cannot be written).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{exit, load_or_report};
use crate::interop::{cloudformation, terraform};

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub target: ExportTarget,
}

#[derive(Debug, Subcommand)]
pub enum ExportTarget {
    /// Terraform for the AWS provider: DIR/main.tf, variables.tf, versions.tf, outputs.tf.
    Terraform(TerraformArgs),
    /// One CloudFormation template (YAML).
    Cloudformation(CloudFormationArgs),
}

#[derive(Debug, Args)]
pub struct TerraformArgs {
    /// The design file (.ron).
    pub file: PathBuf,
    /// The folder to write the .tf files into (created if missing).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Overwrite .tf files that already exist there.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CloudFormationArgs {
    /// The design file (.ron).
    pub file: PathBuf,
    /// The template to write (e.g. stack.yaml).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Overwrite the template if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &ExportArgs) -> u8 {
    match &args.target {
        ExportTarget::Terraform(a) => run_terraform(a),
        ExportTarget::Cloudformation(a) => run_cloudformation(a),
    }
}

fn run_terraform(args: &TerraformArgs) -> u8 {
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let out = terraform::export(&design);
    match write_files(&args.output, &out.files, args.force) {
        Ok(written) => {
            for n in &out.notes {
                eprintln!("note: not exported: {n}");
            }
            println!("wrote {}", written.join(", "));
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::BAD_INPUT
        }
    }
}

fn run_cloudformation(args: &CloudFormationArgs) -> u8 {
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let out = cloudformation::export(&design);
    if args.output.exists() && !args.force {
        eprintln!("error: {} exists; pass --force to overwrite it", args.output.display());
        return exit::BAD_INPUT;
    }
    match crate::io::write_atomic(&args.output, out.template.as_bytes()) {
        Ok(()) => {
            for n in &out.notes {
                eprintln!("note: not exported: {n}");
            }
            println!("wrote {}", args.output.display());
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::BAD_INPUT
        }
    }
}

/// Writes every file into `dir`, each atomically; refuses (writing nothing) when
/// one exists and `force` is off. Returns the paths written.
pub(crate) fn write_files(dir: &Path, files: &[(String, String)], force: bool) -> Result<Vec<String>, String> {
    if !force {
        let existing: Vec<String> = files
            .iter()
            .map(|(n, _)| dir.join(n))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "{} already exist; pass --force to overwrite",
                existing.join(", ")
            ));
        }
    }
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        crate::io::write_atomic(&path, text.as_bytes()).map_err(|e| e.to_string())?;
        written.push(path.display().to_string());
    }
    Ok(written)
}
