//! `vpcd matrix FILE [--proto tcp] [--port 22] [--endpoints a,b] [--fail C]... [--pairs] [--format text|json]`
//!
//! Every named endpoint (instances, load balancers, internet, on-prem networks)
//! × every other for one protocol and port. Above [`GROUP_ABOVE`] endpoints a
//! pair grid is unreadable and every pair would be held in memory: the matrix
//! is printed by endpoint class (class × class, with member counts) unless
//! `--pairs` asks for every pair, which is then streamed row by row.
//! Exit status: 0 done, 2 bad input.

use std::path::PathBuf;

use clap::Args;

use super::progress::Progress;
use super::style::Palette;
use super::{exit, load_or_report, OutputFormat, Ui};
use crate::analysis::{self, Analyzer, ClassMatrix, Failure, Matrix, MatrixCell};
use crate::model::{DesignIndex, Protocol};

/// Above this many endpoints the matrix is printed by class unless `--pairs`.
pub const GROUP_ABOVE: usize = 200;

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
    /// Every pair even for more than 200 endpoints (streamed row by row)
    /// instead of the matrix by endpoint class.
    #[arg(long)]
    pub pairs: bool,
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
    if endpoints.len() > GROUP_ABOVE {
        if args.pairs {
            stream_pairs(&an, &endpoints, args.proto, port, args.format, ui);
        } else {
            by_class(&an, &endpoints, args.proto, port, args.format, ui);
        }
        return exit::OK;
    }
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

/// A JSON value as text (values built here always serialise).
fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Every pair, printed row by row as it is computed (the same text and JSON
/// as a small matrix, without holding the pairs).
fn stream_pairs(
    an: &Analyzer<'_>,
    endpoints: &[String],
    proto: Protocol,
    port: Option<u16>,
    format: OutputFormat,
    ui: &Ui,
) {
    let parsed: Vec<(&String, analysis::Endpoint)> = endpoints
        .iter()
        .filter_map(|e| an.endpoint(e).ok().map(|p| (e, p)))
        .collect();
    let names: Vec<String> = parsed.iter().map(|(n, _)| (*n).clone()).collect();
    let eps: Vec<analysis::Endpoint> = parsed.into_iter().map(|(_, e)| e).collect();
    let progress = Progress::new(ui, format, eps.len() as u64, "matrix: rows");
    let w = Matrix::text_width(&names);
    match format {
        OutputFormat::Json => ui.print(&format!(
            "{{\"proto\":{},\"port\":{},\"endpoints\":{},\"cells\":[",
            json(&proto),
            json(&port),
            json(&names)
        )),
        OutputFormat::Text => ui.print(&Matrix::text_header(proto, port, names.len(), w)),
    }
    let (mut pairs, mut reachable) = (0usize, 0usize);
    ui.time("matrix", || {
        analysis::for_each_row(an, &eps, &eps, proto, port, &mut |i, row| {
            let cell = |j: usize| (names[i] != names[j]).then_some(row[j]);
            pairs += (0..row.len()).filter(|&j| cell(j).is_some()).count();
            reachable += (0..row.len()).filter(|&j| cell(j) == Some(None)).count();
            match format {
                OutputFormat::Json => {
                    let cells: Vec<String> = (0..row.len())
                        .map(|j| {
                            json(&cell(j).map(|code| MatrixCell {
                                from: names[i].clone(),
                                to: names[j].clone(),
                                reachable: code.is_none(),
                                code: code.map(|c| c.as_str().to_string()),
                            }))
                        })
                        .collect();
                    let sep = if i == 0 { "" } else { "," };
                    ui.print(&format!("{sep}\n{}", cells.join(",")));
                }
                OutputFormat::Text => {
                    let line = Matrix::text_row(i, &names[i], w, (0..row.len()).map(|j| cell(j).map(|c| c.is_none())));
                    ui.print(&colour_cells(&line, ui.out));
                }
            }
            progress.update(i + 1, eps.len());
        })
    });
    progress.finish();
    match format {
        OutputFormat::Json => ui.line(format!("\n],\"schema_version\":{}}}", super::style::SCHEMA_VERSION)),
        OutputFormat::Text => ui.note(format!(
            "{} endpoints, {reachable} of {pairs} ordered pairs reachable",
            names.len()
        )),
    }
}

/// The matrix by endpoint class: one line per class (members counted) and a
/// class × class grid; JSON lists every class's members. Streamed: each row
/// of the grid is printed as it is computed, so only one row is held.
fn by_class(
    an: &Analyzer<'_>,
    endpoints: &[String],
    proto: Protocol,
    port: Option<u16>,
    format: OutputFormat,
    ui: &Ui,
) {
    let progress = Progress::new(ui, format, 0, "matrix: classes");
    let (mut n, mut endpoint_count, mut pairs, mut reachable) = (0usize, 0usize, 0usize, 0usize);
    ui.time("matrix", || {
        analysis::for_each_class_row(
            an,
            endpoints,
            proto,
            port,
            &mut |classes| {
                n = classes.len();
                endpoint_count = classes.iter().map(Vec::len).sum();
                match format {
                    OutputFormat::Json => {
                        let names: Vec<&String> = classes.iter().flatten().collect();
                        let members: Vec<serde_json::Value> =
                            classes.iter().map(|c| serde_json::json!({ "members": c })).collect();
                        ui.print(&format!(
                            "{{\"proto\":{},\"port\":{},\"endpoints\":{},\"grouped\":true,\"classes\":{},\"class_cells\":[",
                            json(&proto),
                            json(&port),
                            json(&names),
                            json(&members)
                        ));
                    }
                    OutputFormat::Text => ui.print(&ClassMatrix::header_text(proto, port, classes)),
                }
            },
            &mut |i, cells| {
                pairs += cells.iter().map(|c| c.pairs).sum::<usize>();
                reachable += cells.iter().map(|c| c.reachable).sum::<usize>();
                match format {
                    OutputFormat::Json => {
                        let row: Vec<String> = cells
                            .iter()
                            .map(|c| {
                                json(&serde_json::json!({
                                    "pairs": c.pairs,
                                    "reachable_pairs": c.reachable,
                                    "code": c.code.map(|c| c.as_str()),
                                }))
                            })
                            .collect();
                        let sep = if i == 0 { "" } else { "," };
                        ui.print(&format!("{sep}\n[{}]", row.join(",")));
                    }
                    OutputFormat::Text => {
                        ui.print(&colour_cells(&ClassMatrix::row_text(i, cells.len(), cells), ui.out))
                    }
                }
                progress.update(i + 1, cells.len());
            },
        )
    });
    progress.finish();
    match format {
        OutputFormat::Json => ui.line(format!("\n],\"schema_version\":{}}}", super::style::SCHEMA_VERSION)),
        OutputFormat::Text => ui.note(format!(
            "{endpoint_count} endpoints in {n} classes, {reachable} of {pairs} ordered pairs reachable (--pairs lists every pair)"
        )),
    }
}

/// A grid line with reachable cells green, blocked ones dim and mixed ones as they are.
fn colour_cells(line: &str, pal: Palette) -> String {
    if !pal.color {
        return line.to_string();
    }
    line.replace('✓', &pal.ok("✓")).replace('·', &pal.dim("·"))
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
