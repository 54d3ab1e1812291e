//! `vpcd bench FILE [--format json]`: the benchmark figures on the user's own
//! design (medians of repeated runs).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;

#[cfg(feature = "tui")]
use ratatui::{backend::TestBackend, Terminal};

use super::progress::Progress;
use super::{exit, load_or_report, OutputFormat, Ui};
use crate::analysis::{Analyzer, Query};
use crate::model::{DesignIndex, Protocol};
use crate::perf::{self, Timing};
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The design file (.ron).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Time spent per figure (each also runs a minimum number of times).
const BUDGET: Duration = Duration::from_secs(2);
/// Time spent on repeated matrix runs (at least three run).
const MATRIX_BUDGET: Duration = Duration::from_secs(5);

fn ms(t: &Timing) -> f64 {
    t.median.as_secs_f64() * 1e3
}

pub fn run(args: &BenchArgs, ui: &Ui) -> u8 {
    let first_load = Instant::now();
    let design = match load_or_report(&args.file, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let first_load = first_load.elapsed();
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            ui.error(format!("cannot read {}: {e}", args.file.display()));
            return exit::BAD_INPUT;
        }
    };
    let origin = args.file.display().to_string();
    // Six figures, each timed for a few seconds at most.
    let progress = Progress::new(ui, args.format, 6, "bench: load");

    // Load: parse the file's text into a design (the file is already in the page cache).
    let load = perf::time_runs(3, 50, BUDGET.max(first_load * 3), || {
        let _ = crate::io::parse(&text, &origin);
    });
    progress.advance("bench: validate");
    let validate = perf::time_runs(5, 500, BUDGET, || {
        let _ = crate::validate::validate(&design);
    });
    // The current trace: the design's last remembered trace, if any.
    let query = design.traces.last().map(Query::from);
    let idx = DesignIndex::new(&design);
    let an = Analyzer::new(&design, &idx);
    progress.advance("bench: trace");
    let trace = query.as_ref().and_then(|q| an.trace(q).ok().map(|_| q)).map(|q| {
        perf::time_runs(20, 20_000, BUDGET, || {
            let _ = an.trace(q);
        })
    });

    // The matrix: up to 1,000 instances × up to 1,000 instances on TCP 443,
    // verdicts only, computed as `vpcd matrix` does (one walk per pair of
    // endpoint classes, `analysis::verdicts`). Timed whole, a few runs.
    let names: Vec<&str> = design.instances.iter().map(|i| i.name.as_str()).collect();
    let n = names.len().min(1000);
    let srcs: Vec<_> = names[..n].iter().filter_map(|s| an.endpoint(s).ok()).collect();
    let dsts: Vec<_> = names[names.len() - n..]
        .iter()
        .filter_map(|s| an.endpoint(s).ok())
        .collect();
    progress.advance("bench: matrix");
    let mut matrix: Option<(f64, bool)> = None;
    if !srcs.is_empty() && !dsts.is_empty() {
        let t = perf::time_runs(3, 20, MATRIX_BUDGET, || {
            std::hint::black_box(crate::analysis::verdicts(&an, &srcs, &dsts, Protocol::Tcp, Some(443)));
        });
        matrix = Some((ms(&t), false));
    }
    drop(an);

    progress.advance("bench: edit and render");
    let (edit, render) = time_edit_and_render(&design, query.as_ref());
    progress.finish();
    let peak = perf::peak_rss_mb();

    let objects = design.object_refs().len();
    let us = |t: &Timing| t.median.as_secs_f64() * 1e6;
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "file": origin,
                "objects": objects,
                "instances": design.instances.len(),
                "load_ms": ms(&load),
                "validate_ms": ms(&validate),
                "edit_ms": edit.as_ref().map(ms),
                "trace_us": trace.as_ref().map(us),
                "matrix_ms": matrix.map(|m| m.0),
                "matrix_size": matrix.map(|_| format!("{}x{}", srcs.len(), dsts.len())),
                "matrix_extrapolated": matrix.map(|m| m.1),
                "render_ms": render.as_ref().map(ms),
                "peak_rss_mb": peak,
            });
            ui.json(doc);
        }
        OutputFormat::Text => {
            ui.note(format!(
                "{}: {objects} objects, {} instances (medians; min–max over n runs)",
                origin,
                design.instances.len()
            ));
            let line = |what: &str, t: &Timing| {
                ui.line(format!(
                    "  {what:<10} {:>10.3} ms   ({:.3}–{:.3} ms, n={})",
                    ms(t),
                    t.min.as_secs_f64() * 1e3,
                    t.max.as_secs_f64() * 1e3,
                    t.runs
                ))
            };
            line("load", &load);
            line("validate", &validate);
            match &edit {
                Some(t) => line("edit", t),
                None => ui.line("  edit       not measured: the design has no security group to edit"),
            }
            match &trace {
                Some(t) => ui.line(format!(
                    "  trace      {:>10.1} µs   ({:.1}–{:.1} µs, n={})",
                    us(t),
                    t.min.as_secs_f64() * 1e6,
                    t.max.as_secs_f64() * 1e6,
                    t.runs
                )),
                None => ui.line("  trace      not measured: the design remembers no trace that runs"),
            }
            match matrix {
                Some((m, extrapolated)) => ui.line(format!(
                    "  matrix     {m:>10.1} ms   ({}×{} instances, TCP 443{})",
                    srcs.len(),
                    dsts.len(),
                    if extrapolated {
                        ", extrapolated from the first rows"
                    } else {
                        ""
                    }
                )),
                None => ui.line("  matrix     not measured: the design has no instances"),
            }
            match &render {
                Some(t) => line("render", t),
                None if cfg!(feature = "tui") => ui.line("  render     not measured: no test terminal"),
                None => ui.line("  render     not measured: built without the terminal designer"),
            }
            match peak {
                Some(mb) => ui.line(format!("  peak RSS   {mb:>10.1} MB")),
                None => ui.line("  peak RSS   unknown (/proc/self/status not readable)"),
            }
        }
    }
    exit::OK
}

/// One edit end-to-end as the designer does it per keystroke: apply through
/// the app (index, validation, status, the workspace's analysis tables) and
/// re-run the current trace on the new revision; then one full frame of the
/// main screen into a 200×60 test terminal.
#[cfg(feature = "tui")]
fn time_edit_and_render(design: &crate::model::Design, query: Option<&Query>) -> (Option<Timing>, Option<Timing>) {
    use crate::tui::theme::Theme;
    use crate::tui::{App, Options};

    let dir = std::env::temp_dir().join(format!("vpcd-bench-{}", std::process::id()));
    let opts = Options {
        saves_dir: dir.join("saves"),
        recovery: None,
        theme: Theme::plain(),
    };
    let mut app = App::new(Workspace::new(design.clone()), opts);
    let edit = perf::toggle_edits(design).map(|edits| {
        let mut i = 0usize;
        perf::time_runs(10, 2000, BUDGET, || {
            let _ = app.apply_edit(edits[i % 2].clone());
            // The workspace's analysis of the new revision (patched, not recompiled).
            if let Some(q) = query {
                let _ = app.ws.trace(q);
            }
            i += 1;
        })
    });
    let render = Terminal::new(TestBackend::new(200, 60)).ok().map(|mut term| {
        perf::time_runs(10, 2000, BUDGET, || {
            let _ = term.draw(|f| app.draw(f));
        })
    });
    (edit, render)
}

/// Without the terminal designer the edit goes through the workspace alone
/// (index, validation, analysis tables) and nothing is rendered.
#[cfg(not(feature = "tui"))]
fn time_edit_and_render(design: &crate::model::Design, query: Option<&Query>) -> (Option<Timing>, Option<Timing>) {
    let mut ws = Workspace::new(design.clone());
    let edit = perf::toggle_edits(design).map(|edits| {
        let mut i = 0usize;
        perf::time_runs(10, 2000, BUDGET, || {
            let _ = ws.apply(edits[i % 2].clone());
            if let Some(q) = query {
                let _ = ws.trace(q);
            }
            i += 1;
        })
    });
    (edit, None)
}
