//! `vpcd diff OLD NEW [--format text|json]`: the flows a change opened and closed,
//! over the named endpoints of both designs and their listening ports.
//!
//! Exit status: 0 no flow changed, 1 flows changed, 2 bad input.

use std::path::PathBuf;

use clap::Args;

use super::progress::Progress;
use super::{exit, load_or_report, OutputFormat, Ui};
use crate::analysis;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The design before the change (.ron).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub old: PathBuf,
    /// The design after the change (.ron).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(args: &DiffArgs, ui: &Ui) -> u8 {
    let old = match load_or_report(&args.old, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let new = match load_or_report(&args.new, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let progress = Progress::new(ui, args.format, 0, "diff: destinations");
    let changes = ui.time("diff", || {
        analysis::diff_designs_with_progress(&old, &new, &mut |done, total| progress.update(done, total))
    });
    progress.finish();
    let opened = changes.iter().filter(|c| c.opened).count();
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "opened": changes.iter().filter(|c| c.opened).map(|c| &c.flow).collect::<Vec<_>>(),
                "closed": changes.iter().filter(|c| !c.opened).collect::<Vec<_>>(),
            });
            ui.json(doc);
        }
        OutputFormat::Text => {
            for c in &changes {
                let line = c.to_string();
                ui.line(if c.opened {
                    ui.out.opened(&line)
                } else {
                    ui.out.closed(&line)
                });
            }
            ui.note(format!(
                "{} opened, {} closed",
                super::style::plural(opened, "flow"),
                changes.len() - opened
            ));
        }
    }
    if changes.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    }
}
