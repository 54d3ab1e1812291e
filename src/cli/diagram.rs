//! `vpcd diagram FILE [--width N] [--ascii] [--format text|dot] [--summary]`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{exit, load_or_report, Ui};
use crate::diagram::{self, Charset, Diagram, DiagramOptions, Zoom};
use crate::model::DesignIndex;
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DiagramFormat {
    /// The character drawing, as in the designer.
    #[default]
    Text,
    /// A Graphviz graph of the same nodes and links (`dot -Tsvg`).
    Dot,
}

#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// The design file (.ron).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,
    /// Width of the drawing in columns (at least 40).
    #[arg(long, default_value_t = 120)]
    pub width: u16,
    /// Plain ASCII instead of box-drawing characters.
    #[arg(long)]
    pub ascii: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagramFormat,
    /// One box per VPC with counts instead of subnets and instances.
    #[arg(long)]
    pub summary: bool,
}

pub fn run(args: &DiagramArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.file, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let idx = DesignIndex::new(&design);
    match args.format {
        DiagramFormat::Dot => ui.print(&diagram::to_dot(&design, &idx)),
        DiagramFormat::Text => {
            let diags = validate::validate_with(&design, &idx);
            let options = DiagramOptions {
                width: args.width,
                charset: if args.ascii { Charset::Ascii } else { Charset::Unicode },
                zoom: if args.summary { Zoom::Summary } else { Zoom::Detail },
            };
            ui.print(&Diagram::build(&design, &idx, &diags, options).to_text());
        }
    }
    exit::OK
}
