//! `vpcd matrix FILE [--proto tcp] [--port 22] [--endpoints a,b] [--fail C]... [--format text|json]`
//!
//! Every named endpoint (instances, load balancers, internet, on-prem networks)
//! × every other for one protocol and port. Exit status: 0 done, 2 bad input.

use std::path::PathBuf;

use clap::Args;

use super::progress::Progress;
use super::style::Palette;
use super::{exit, load_or_report, OutputFormat, Ui};
use crate::analysis::{self, Analyzer, Failure};
use crate::model::{DesignIndex, Protocol};

#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// The design file (.ron).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,
    /// Protocol: tcp, udp, icmp, all or a number.
    #[arg(long, default_value = "tcp", value_parser = super::trace::parse_proto)]
    pub proto: Protocol,
    /// Destination port (default 22 for tcp/udp).
    #[arg(long)]
    pub port: Option<u16>,
    /// Endpoints to include, comma-separated (default: every instance, load
    /// balancer, `internet` and on-prem network).
    #[arg(long, value_delimiter = ',')]
    pub endpoints: Vec<String>,
    /// What-if: a component or AZ to fail (repeatable), as for `vpcd trace`.
    #[arg(long = "fail")]
    pub fail: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(args: &MatrixArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.file, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let failures: Vec<Failure> = args.fail.iter().map(|f| Failure::parse(&design, f)).collect();
    let design = match analysis::design_with_failures(&design, &failures) {
        Ok(d) => d,
        Err(e) => {
            ui.error(e);
            return exit::BAD_INPUT;
        }
    };
    let idx = DesignIndex::new(&design.design);
    let an = Analyzer::new(&design.design, &idx).with_failures(&design);
    let endpoints = if args.endpoints.is_empty() {
        analysis::named_endpoints(&design.design)
    } else {
        for e in &args.endpoints {
            if let Err(err) = an.endpoint(e) {
                ui.error(err);
                return exit::BAD_INPUT;
            }
        }
        args.endpoints.clone()
    };
    let port = if args.proto.has_ports() {
        Some(args.port.unwrap_or(22))
    } else {
        None
    };
    let progress = Progress::new(ui, args.format, endpoints.len() as u64, "matrix: rows");
    let m = ui.time("matrix", || {
        analysis::matrix_with_progress(&an, &endpoints, args.proto, port, &mut |done, total| {
            progress.update(done, total)
        })
    });
    progress.finish();
    match args.format {
        OutputFormat::Json => ui.json_of(&m),
        OutputFormat::Text => {
            ui.print(&styled_text(&m, ui.out));
            let pairs = m.cells.iter().flatten().count();
            let reachable = m.cells.iter().flatten().filter(|c| c.reachable).count();
            ui.note(format!(
                "{} endpoints, {reachable} of {pairs} ordered pairs reachable",
                m.endpoints.len()
            ));
        }
    }
    exit::OK
}

/// The matrix's text with reachable cells green and blocked ones dim.
pub fn styled_text(m: &analysis::Matrix, pal: Palette) -> String {
    if !pal.color {
        return m.to_text();
    }
    m.to_text()
        .lines()
        .enumerate()
        .map(|(i, line)| {
            // The first two lines are the title and the column numbers.
            let line = if i < 2 {
                line.to_string()
            } else {
                line.replace('✓', &pal.ok("✓")).replace('·', &pal.dim("·"))
            };
            line + "\n"
        })
        .collect()
}
