//! `vpcd export terraform FILE -o DIR [--force]` and
//! `vpcd export cloudformation FILE -o stack.yaml [--force]` and
//! `vpcd export aws-json FILE -o DIR` (the AWS CLI's `describe-*` JSON, one
//! file per API: what `vpcd import aws DIR` reads back).
//!
//! Exit status: 0 written, 2 bad input (unreadable design, existing output
//! without `--force`, a file that cannot be written).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{exit, load_or_report, Ui};
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
    /// Write the design as AWS CLI describe-* JSON (Vpcs.json, Subnets.json, …),
    /// with its AWS ids, or stable fake ids where it has none.
    AwsJson(ExportAwsArgs),
}

#[derive(Debug, Args)]
pub struct ExportAwsArgs {
    /// The design (.ron, or a folder of AWS JSON).
    pub file: PathBuf,
    /// The folder to write into (created if missing).
    #[arg(short, long)]
    pub output: PathBuf,
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

pub fn run(args: &ExportArgs, ui: &Ui) -> u8 {
    match &args.target {
        ExportTarget::Terraform(a) => run_terraform(a, ui),
        ExportTarget::Cloudformation(a) => run_cloudformation(a, ui),
        ExportTarget::AwsJson(a) => run_aws_json(a, ui),
    }
}

fn run_aws_json(args: &ExportAwsArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.file, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match crate::interop::aws::export::write_dir(&design, &args.output) {
        Ok(left_out) => {
            for l in &left_out {
                ui.warn(format!("not exported: {l}"));
            }
            ui.note(format!("wrote {}", args.output.display()));
            exit::OK
        }
        Err(e) => {
            ui.error(e);
            exit::BAD_INPUT
        }
    }
}

fn run_terraform(args: &TerraformArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.file, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let out = terraform::export(&design);
    match write_files(&args.output, &out.files, args.force) {
        Ok(written) => {
            for n in &out.notes {
                ui.warn(format!("not exported: {n}"));
            }
            ui.note(format!("wrote {}", written.join(", ")));
            exit::OK
        }
        Err(e) => {
            ui.error(e);
            exit::BAD_INPUT
        }
    }
}

fn run_cloudformation(args: &CloudFormationArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.file, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let out = cloudformation::export(&design);
    if args.output.exists() && !args.force {
        ui.error(format!(
            "{} exists; pass --force to overwrite it",
            args.output.display()
        ));
        return exit::BAD_INPUT;
    }
    match crate::io::write_atomic(&args.output, out.template.as_bytes()) {
        Ok(()) => {
            for n in &out.notes {
                ui.warn(format!("not exported: {n}"));
            }
            ui.note(format!("wrote {}", args.output.display()));
            exit::OK
        }
        Err(e) => {
            ui.error(e);
            exit::BAD_INPUT
        }
    }
}

/// Writes every file into `dir` as one atomic step (all or none); refuses
/// (writing nothing) when one exists and `force` is off. Returns the paths
/// written.
pub(crate) fn write_files(dir: &Path, files: &[(String, String)], force: bool) -> Result<Vec<String>, String> {
    if !force {
        let existing = existing_files(dir, files);
        if !existing.is_empty() {
            return Err(format!(
                "{} already exist; pass --force to overwrite",
                existing.join(", ")
            ));
        }
    }
    let staged: Vec<(PathBuf, &[u8])> = files.iter().map(|(n, t)| (dir.join(n), t.as_bytes())).collect();
    crate::io::write_all_atomic(&staged).map_err(|e| e.to_string())?;
    Ok(staged.iter().map(|(p, _)| p.display().to_string()).collect())
}

/// The files of `files` that already exist in `dir`.
pub(crate) fn existing_files(dir: &Path, files: &[(String, String)]) -> Vec<String> {
    files
        .iter()
        .map(|(n, _)| dir.join(n))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect()
}
