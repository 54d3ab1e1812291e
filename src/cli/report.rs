//! `vpcd report FILE [-o report.md] [--fail X]...`: the Markdown design review.
//!
//! Exit status: 0 written, 2 bad input or an output that cannot be written.

use std::path::PathBuf;

use clap::Args;

use super::{exit, load_or_report};
use crate::report::{self, ReportOptions};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The design file (.ron).
    pub file: PathBuf,
    /// Write the report here (atomically) instead of printing it.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// A failure for the what-if section (repeatable): an AZ or a component name,
    /// as for `vpcd trace --fail`. Default: each AZ and each NAT gateway, VPN and DX connection.
    #[arg(long = "fail")]
    pub fail: Vec<String>,
}

pub fn run(args: &ReportArgs) -> u8 {
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let text = report::render(
        &design,
        &ReportOptions {
            failures: args.fail.clone(),
        },
    );
    match &args.output {
        None => {
            print!("{text}");
            exit::OK
        }
        Some(path) => match crate::io::write_atomic(path, text.as_bytes()) {
            Ok(()) => {
                println!("wrote {}", path.display());
                exit::OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::BAD_INPUT
            }
        },
    }
}
