//! `vpcd bench FILE [--format json]`: the benchmark figures on the user's own
//! design (medians of repeated runs).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;

use super::{exit, load_or_report, OutputFormat};
use crate::perf::{self, Timing};
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The design file (.ron).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Time spent per figure (each also runs a minimum number of times).
const BUDGET: Duration = Duration::from_secs(2);

fn ms(t: &Timing) -> f64 {
    t.median.as_secs_f64() * 1e3
}

pub fn run(args: &BenchArgs) -> u8 {
    let first_load = Instant::now();
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let first_load = first_load.elapsed();
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.file.display());
            return exit::BAD_INPUT;
        }
    };
    let origin = args.file.display().to_string();

    // Load: parse the file's text into a design (the file is already in the page cache).
    let load = perf::time_runs(3, 50, BUDGET.max(first_load * 3), || {
        let _ = crate::io::parse(&text, &origin);
    });
    let validate = perf::time_runs(5, 500, BUDGET, || {
        let _ = crate::validate::validate(&design);
    });
    // One edit end-to-end as the designer does it per keystroke: apply
    // (which re-indexes and re-validates).
    let edit = perf::toggle_edits(&design).map(|edits| {
        let mut ws = Workspace::new(design.clone());
        let mut i = 0usize;
        perf::time_runs(10, 2000, BUDGET, || {
            let _ = ws.apply(edits[i % 2].clone());
            i += 1;
        })
    });
    let peak = perf::peak_rss_mb();

    let objects = design.object_refs().len();
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "file": origin,
                "objects": objects,
                "instances": design.instances.len(),
                "load_ms": ms(&load),
                "validate_ms": ms(&validate),
                "edit_ms": edit.as_ref().map(ms),
                // Not measured in this build: tracing, the matrix and the
                // designer's frame are not part of it yet.
                "trace_us": serde_json::Value::Null,
                "matrix_ms": serde_json::Value::Null,
                "matrix_size": serde_json::Value::Null,
                "render_ms": serde_json::Value::Null,
                "peak_rss_mb": peak,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        OutputFormat::Text => {
            println!(
                "{}: {objects} objects, {} instances (medians; min–max over n runs)",
                origin,
                design.instances.len()
            );
            let line = |what: &str, t: &Timing| {
                println!(
                    "  {what:<10} {:>10.3} ms   ({:.3}–{:.3} ms, n={})",
                    ms(t),
                    t.min.as_secs_f64() * 1e3,
                    t.max.as_secs_f64() * 1e3,
                    t.runs
                )
            };
            line("load", &load);
            line("validate", &validate);
            match &edit {
                Some(t) => line("edit", t),
                None => println!("  edit       not measured: the design has no security group to edit"),
            }
            println!("  trace      not measured: the trace engine is not in this build");
            println!("  matrix     not measured: the reachability matrix is not in this build");
            println!("  render     not measured: the designer (TUI) is not in this build");
            match peak {
                Some(mb) => println!("  peak RSS   {mb:>10.1} MB"),
                None => println!("  peak RSS   unknown (/proc/self/status not readable)"),
            }
        }
    }
    exit::OK
}
