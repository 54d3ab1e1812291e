//! `vpcd diff OLD NEW [--format text|json]`: the flows a change opened and closed,
//! over the named endpoints of both designs and their listening ports.
//!
//! Two captures of one AWS account compare object by object: an object whose
//! `Name` tag changed between them is matched by its AWS id, and every
//! imported object is printed with its id beside its name.
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
    let mut old = match load_or_report(&args.old, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let new = match load_or_report(&args.new, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let renamed = crate::interop::aws::align_names(&mut old, &new);
    if !renamed.is_empty() {
        let shown: Vec<String> = renamed.iter().take(5).map(|(a, b)| format!("{a} → {b}")).collect();
        let more = if renamed.len() > 5 { ", …" } else { "" };
        ui.status(format!(
            "{} matched by AWS id under a new name: {}{more}",
            super::style::plural(renamed.len(), "object"),
            shown.join(", ")
        ));
    }
    // Each imported endpoint's own id: an instance's `i-…`, not its primary interface's `eni-…`.
    let ids: std::collections::HashMap<&str, &str> = new
        .aws_ids_by_name()
        .into_iter()
        .filter_map(|(name, ids)| {
            let own = ids.iter().find(|id| !id.starts_with("eni-")).or(ids.first())?;
            Some((name, *own))
        })
        .collect();
    let progress = Progress::new(ui, args.format, 0, "diff: destinations");
    let changes = ui.time("diff", || {
        analysis::diff_designs_with_progress(&old, &new, &mut |done, total| progress.update(done, total))
    });
    progress.finish();
    let opened = changes.iter().filter(|c| c.opened).count();
    match args.format {
        OutputFormat::Json => {
            let mut doc = serde_json::json!({
                "opened": changes.iter().filter(|c| c.opened).map(|c| &c.flow).collect::<Vec<_>>(),
                "closed": changes.iter().filter(|c| !c.opened).collect::<Vec<_>>(),
            });
            // Imported designs: the AWS id of every endpoint named above.
            if !ids.is_empty() {
                let named: std::collections::BTreeMap<&str, &str> = changes
                    .iter()
                    .flat_map(|c| [c.flow.from.as_str(), c.flow.to.as_str()])
                    .filter_map(|n| ids.get(n).map(|id| (n, *id)))
                    .collect();
                doc["aws_ids"] = serde_json::json!(named);
            }
            ui.json(doc);
        }
        OutputFormat::Text => {
            for c in &changes {
                let line = c.line(|n| match ids.get(n) {
                    Some(id) => format!("{n} ({id})"),
                    None => n.to_string(),
                });
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
