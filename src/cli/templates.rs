//! `vpcd templates [--format text|json]`: lists the built-in templates with one-line descriptions.

use clap::Args;

use super::{exit, OutputFormat, Ui};
use crate::create::templates::TEMPLATES;

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(args: &TemplatesArgs, ui: &Ui) -> u8 {
    if args.format == OutputFormat::Json {
        let rows: Vec<_> = TEMPLATES
            .iter()
            .map(|t| serde_json::json!({"name": t.name, "description": t.description}))
            .collect();
        ui.json(serde_json::json!({ "templates": rows }));
        return exit::OK;
    }
    let width = TEMPLATES.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for t in TEMPLATES {
        ui.line(format!(
            "{}  {}",
            ui.out.accent(&format!("{:<width$}", t.name)),
            t.description
        ));
    }
    ui.note("");
    ui.note("Create one with: vpcd new --template NAME -o FILE");
    exit::OK
}
