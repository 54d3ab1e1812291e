//! `vpcd import aws PATH... [-o OUT.ron] [--region R] [--account ID] [--name NAME] [--force] [--format text|json]`
//! and `vpcd import aws --commands [--region R]`.
//!
//! Exit status: 0 imported and `vpcd check` finds no errors; 1 imported, but
//! the design has error findings (listed, with the outputs that seem
//! missing); 2 nothing usable (no AWS JSON, a JSON error, several Regions
//! without --region, an output file that exists without --force), nothing written.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{exit, OutputFormat, Ui};
use crate::interop::aws::{self, ImportOptions};

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
    }
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
    if let Err(e) = crate::io::save(&out, &imported.design) {
        ui.error(e);
        return exit::BAD_INPUT;
    }
    match args.format {
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
