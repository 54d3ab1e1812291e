//! `vpcd import aws PATH... [-o OUT.ron] [--region R] [--account ID] [--name NAME] [--force] [--format text|json]`,
//! `vpcd import aws --commands [--region R]` and
//! `vpcd import terraform DIR [-o OUT.ron] [--var k=v]... [--var-file F] [--name NAME] [--force] [--format text|json]`.
//!
//! Exit status: 0 imported and `vpcd check` finds no errors; 1 imported, but
//! the design has error findings (listed, with the outputs that seem
//! missing); 2 nothing usable (no AWS JSON, a JSON error, several Regions
//! without --region, an output file that exists without --force), nothing written.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{exit, OutputFormat, Ui};
use crate::interop::aws::{self, ImportOptions};
use crate::interop::terraform;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import AWS CLI `describe-*` JSON (files, or folders searched recursively).
    ///
    /// Each file is routed by its top-level key (`Vpcs`, `Subnets`, `RouteTables`, …),
    /// never by its name. Account and Region come from the folder layout
    /// (`accounts/<id>/<region>/`), from ARNs and owner ids, or from the flags.
    ///
    /// Exit status: 0 imported and the design has no errors; 1 imported, but
    /// `vpcd check` finds errors (listed with the outputs that seem missing);
    /// 2 nothing usable, nothing written.
    Aws(ImportAwsArgs),
    /// Import Terraform code for the AWS provider (a folder of `.tf` files).
    ///
    /// Variables come from defaults, `terraform.tfvars`, `*.auto.tfvars`,
    /// `--var-file` and `--var`, in that order; local modules (`source = "./x"`)
    /// are followed, registry modules are reported as not loaded. What only AWS
    /// knows (ids, addresses, data sources such as aws_availability_zones) gets
    /// a stand-in the report names.
    ///
    /// Exit status: 0 imported and the design has no errors; 1 imported, but
    /// `vpcd check` finds errors; 2 unparsable or unsupported code (with
    /// file:line:column), nothing written.
    Terraform(ImportTerraformArgs),
}

#[derive(Debug, Args)]
pub struct ImportTerraformArgs {
    /// The folder of `.tf` files (the root module).
    pub dir: PathBuf,
    /// Where to write the design (default: saves/<folder-name>.ron).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Set a root variable: `--var name=value` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from a `.tfvars` (or `.tfvars.json`) file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// The design's name (default: the folder's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Output format of the report.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ImportAwsArgs {
    /// JSON files or folders of AWS CLI output.
    #[arg(required_unless_present = "commands")]
    pub paths: Vec<PathBuf>,
    /// Where to write the design (default: saves/<folder-name>.ron).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The Region to import (required when the dump spans several).
    #[arg(long)]
    pub region: Option<String>,
    /// Import only this account's files.
    #[arg(long)]
    pub account: Option<String>,
    /// The design's name (default: the folder's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Print the AWS CLI commands that capture an account into a folder this command reads.
    #[arg(long, conflicts_with_all = ["paths", "output", "account", "name", "force"])]
    pub commands: bool,
    /// Output format of the report.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(cmd: &ImportCommand, ui: &Ui) -> u8 {
    match cmd {
        ImportCommand::Aws(args) => run_aws(args, ui),
        ImportCommand::Terraform(args) => run_terraform(args, ui),
    }
}

fn run_terraform(args: &ImportTerraformArgs, ui: &Ui) -> u8 {
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(std::slice::from_ref(&args.dir)));
    if out.exists() && !args.force {
        ui.error(format!(
            "{} exists; use --force to overwrite it or -o to write elsewhere",
            out.display()
        ));
        return exit::BAD_INPUT;
    }
    let mut opts = terraform::import::TfOptions {
        vars: Vec::new(),
        var_files: args.var_files.clone(),
        name: args.name.clone(),
    };
    for v in &args.vars {
        if let Err(e) = opts.add_var(v) {
            ui.error(e);
            return exit::BAD_INPUT;
        }
    }
    let imported = match terraform::import::import_dir(&args.dir, &opts) {
        Ok(i) => i,
        Err(e) => {
            ui.error(e);
            return exit::BAD_INPUT;
        }
    };
    finish(&out, &imported, args.format, ui)
}

fn run_aws(args: &ImportAwsArgs, ui: &Ui) -> u8 {
    if args.commands {
        ui.print(&aws::capture_commands(args.region.as_deref()));
        return exit::OK;
    }
    let out = args.output.clone().unwrap_or_else(|| default_output(&args.paths));
    if out.exists() && !args.force {
        ui.error(format!(
            "{} exists; use --force to overwrite it or -o to write elsewhere",
            out.display()
        ));
        return exit::BAD_INPUT;
    }
    let opts = ImportOptions {
        region: args.region.clone(),
        account: args.account.clone(),
        name: args.name.clone(),
    };
    let imported = match aws::import_paths(&args.paths, &opts) {
        Ok(i) => i,
        Err(e) => {
            ui.error(e);
            return exit::BAD_INPUT;
        }
    };
    finish(&out, &imported, args.format, ui)
}

/// Writes the design atomically and prints the report; the exit status says
/// whether the design has error findings.
fn finish(out: &Path, imported: &aws::Imported, format: OutputFormat, ui: &Ui) -> u8 {
    if let Err(e) = crate::io::save(out, &imported.design) {
        ui.error(e);
        return exit::BAD_INPUT;
    }
    match format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "output": out.display().to_string(),
                "report": imported.report,
            });
            ui.json(doc);
        }
        OutputFormat::Text => {
            ui.print(&imported.report.to_text());
            ui.note(format!("wrote {}", out.display()));
        }
    }
    if imported.has_errors() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// `saves/<folder-name>.ron`.
fn default_output(paths: &[PathBuf]) -> PathBuf {
    let name = paths
        .first()
        .map(|p| aws::default_name(p))
        .unwrap_or_else(|| "imported".into());
    Path::new(crate::io::SAVES_DIR).join(format!("{name}.ron"))
}
