//! `vpcd export aws-json FILE -o DIR`: the design as the AWS CLI's
//! `describe-*` JSON, one file per API (what `vpcd import aws DIR` reads back).
//!
//! Exit status: 0 written, 2 unreadable design or unwritable folder.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{exit, load_or_report};

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the design as AWS CLI describe-* JSON (Vpcs.json, Subnets.json, …),
    /// with its AWS ids, or stable fake ids where it has none.
    ///
    /// Exit status: 0 written, 2 bad input or a folder that cannot be written.
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

pub fn run(cmd: &ExportCommand) -> u8 {
    let ExportCommand::AwsJson(args) = cmd;
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match crate::interop::aws::export::write_dir(&design, &args.output) {
        Ok(left_out) => {
            for l in &left_out {
                eprintln!("note: not exported: {l}");
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
