//! `vpcd diff OLD NEW [--format text|json]`: the flows a change opened and closed,
//! over the named endpoints of both designs and their listening ports.
//!
//! Exit status: 0 no flow changed, 1 flows changed, 2 bad input.

use std::path::PathBuf;

use clap::Args;

use super::{exit, load_or_report, OutputFormat};
use crate::analysis;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The design before the change (.ron).
    pub old: PathBuf,
    /// The design after the change (.ron).
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(args: &DiffArgs) -> u8 {
    let old = match load_or_report(&args.old) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let new = match load_or_report(&args.new) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let changes = analysis::diff_designs(&old, &new);
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "opened": changes.iter().filter(|c| c.opened).map(|c| &c.flow).collect::<Vec<_>>(),
                "closed": changes.iter().filter(|c| !c.opened).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        OutputFormat::Text => {
            for c in &changes {
                println!("{c}");
            }
            let opened = changes.iter().filter(|c| c.opened).count();
            println!("{opened} flows opened, {} closed", changes.len() - opened);
        }
    }
    if changes.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    }
}
