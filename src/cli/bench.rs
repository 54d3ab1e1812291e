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
/// Above this many named endpoints the whole-design matrix (run once for its
/// peak memory) would take minutes: it is not measured.
const MATRIX_PEAK_MAX: usize = 20_000;

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
    // Nine stages, each timed for a few seconds at most.
    let progress = Progress::new(ui, args.format, 9, "bench: load");

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

    // `vpcd diff` of a one-rule change over every named endpoint.
    progress.advance("bench: diff");
    let diff = perf::one_rule_change(&design).map(|changed| {
        perf::time_runs(1, 5, BUDGET, || {
            std::hint::black_box(crate::analysis::diff_designs(&design, &changed));
        })
    });

    // `vpcd matrix FILE` with no endpoint list: every named endpoint, by class
    // above the grouping threshold (as the command prints it), peak memory.
    progress.advance("bench: matrix peak memory");
    let endpoints = crate::analysis::named_endpoints(&design);
    let matrix_peak = if endpoints.len() > MATRIX_PEAK_MAX {
        None
    } else {
        perf::with_peak_rss(|| {
            let an = Analyzer::new(&design, &idx);
            let port = Some(22);
            if endpoints.len() > super::matrix::GROUP_ABOVE {
                // Streamed by class row, as `vpcd matrix` prints it.
                let mut reachable = 0usize;
                crate::analysis::for_each_class_row(
                    &an,
                    &endpoints,
                    Protocol::Tcp,
                    port,
                    &mut |classes| {
                        std::hint::black_box(classes.len());
                    },
                    &mut |_, cells| reachable += cells.iter().map(|c| c.reachable).sum::<usize>(),
                );
                std::hint::black_box(reachable);
            } else {
                std::hint::black_box(crate::analysis::matrix(&an, &endpoints, Protocol::Tcp, port));
            }
        })
        .1
    };

    progress.advance("bench: edit and render");
    let ui_figures = time_edit_and_render(&design, query.as_ref());
    let (edit, render) = (ui_figures.edit, ui_figures.render);
    progress.advance("bench: start to first frame");
    let start = time_start(&text, &origin);
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
                "edit_frame_ms": ui_figures.edit_frame.as_ref().map(ms),
                "structural_edit_ms": ui_figures.structural.as_ref().map(ms),
                "structural_idle_ms": ui_figures.structural_idle.as_ref().map(ms),
                "rename_edit_ms": ui_figures.rename.as_ref().map(ms),
                "subnet_edit_ms": ui_figures.subnet.as_ref().map(ms),
                "subnet_rename_ms": ui_figures.subnet_rename.as_ref().map(ms),
                "form_key_ms": ui_figures.form_key.as_ref().map(ms),
                "diff_ms": diff.as_ref().map(ms),
                "matrix_peak_mb": matrix_peak,
                "start_ms": start.as_ref().map(ms),
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
            let optional = |what: &str, t: &Option<Timing>, why: &str| match t {
                Some(t) => line(what, t),
                None => ui.line(format!("  {what:<10} not measured: {why}")),
            };
            let no_tui = if cfg!(feature = "tui") {
                "the design has nothing to edit"
            } else {
                "built without the terminal designer"
            };
            optional("edit+frame", &ui_figures.edit_frame, no_tui);
            optional("add+delete", &ui_figures.structural, no_tui);
            optional("add+delete+idle", &ui_figures.structural_idle, no_tui);
            optional("rename x2", &ui_figures.rename, no_tui);
            optional("subnet add+delete", &ui_figures.subnet, no_tui);
            optional("subnet rename x2", &ui_figures.subnet_rename, no_tui);
            optional("form key", &ui_figures.form_key, no_tui);
            optional("diff", &diff, "the design has no security group to change");
            optional("start", &start, "built without the terminal designer");
            match peak {
                Some(mb) => ui.line(format!("  peak RSS   {mb:>10.1} MB")),
                None => ui.line("  peak RSS   unknown (/proc/self/status not readable)"),
            }
            match matrix_peak {
                Some(mb) => ui.line(format!(
                    "  matrix RSS {mb:>10.1} MB   (peak while `vpcd matrix` runs on every endpoint)"
                )),
                None if endpoints.len() > MATRIX_PEAK_MAX => ui.line(format!(
                    "  matrix RSS not measured: more than {MATRIX_PEAK_MAX} endpoints"
                )),
                None => ui.line("  matrix RSS unknown (/proc/self/clear_refs not writable)"),
            }
        }
    }
    exit::OK
}

/// What the designer's figures measure (each `None` when not measured).
struct UiFigures {
    edit: Option<Timing>,
    render: Option<Timing>,
    edit_frame: Option<Timing>,
    structural: Option<Timing>,
    /// `structural` with the idle tick after each edit (the diagram's
    /// relayout, put off while typing) and the exact frame after it.
    structural_idle: Option<Timing>,
    /// Renaming an instance and back, each with its frame.
    rename: Option<Timing>,
    /// Adding an empty subnet and deleting it, each with its frame.
    subnet: Option<Timing>,
    /// Renaming a subnet and back, each with its frame.
    subnet_rename: Option<Timing>,
    form_key: Option<Timing>,
}

/// One edit end-to-end as the designer does it per keystroke: apply through
/// the app (index, validation, status, the workspace's analysis tables) and
/// re-run the current trace on the new revision; then one full frame of the
/// main screen into a 200×60 test terminal. Then as the user feels it at
/// 160×50: an edit plus the next frame, adding and deleting an instance
/// (each with its frame; the diagram shows the previous layout until input
/// pauses), the same with the idle tick's relayout and the exact frame after
/// each edit, renaming an instance and back (each with its frame), the same
/// two for a subnet (added and deleted, renamed and back), and one key in the
/// new-instance form with its live check.
#[cfg(feature = "tui")]
fn time_edit_and_render(design: &crate::model::Design, query: Option<&Query>) -> UiFigures {
    use crate::tui::forms::Form;
    use crate::tui::theme::Theme;
    use crate::tui::{App, Options};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    let dir = std::env::temp_dir().join(format!("vpcd-bench-{}", std::process::id()));
    let opts = Options {
        saves_dir: dir.join("saves"),
        recovery: None,
        theme: Theme::plain(),
    };
    let mut app = App::new(Workspace::new(design.clone()), opts);
    let toggles = perf::toggle_edits(design);
    let edit = toggles.as_ref().map(|edits| {
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
    let Ok(mut term) = Terminal::new(TestBackend::new(160, 50)) else {
        return UiFigures {
            edit,
            render,
            edit_frame: None,
            structural: None,
            structural_idle: None,
            rename: None,
            subnet: None,
            subnet_rename: None,
            form_key: None,
        };
    };
    let _ = term.draw(|f| app.draw(f));
    let edit_frame = toggles.as_ref().map(|edits| {
        let mut i = 0usize;
        perf::time_runs(10, 2000, BUDGET, || {
            let _ = app.apply_edit(edits[i % 2].clone());
            let _ = term.draw(|f| app.draw(f));
            i += 1;
        })
    });
    let structural = perf::add_delete_instance(design).map(|[add, delete]| {
        perf::time_runs(3, 500, BUDGET, || {
            let _ = app.apply_edit(add.clone());
            let _ = term.draw(|f| app.draw(f));
            let _ = app.apply_edit(delete.clone());
            let _ = term.draw(|f| app.draw(f));
        })
    });
    let structural_idle = perf::add_delete_instance(design).map(|[add, delete]| {
        perf::time_runs(3, 500, BUDGET, || {
            for edit in [&add, &delete] {
                let _ = app.apply_edit(edit.clone());
                let _ = term.draw(|f| app.draw(f));
                app.idle();
                let _ = term.draw(|f| app.draw(f));
            }
        })
    });
    let mut each_with_frame = |edits: [crate::edit::Edit; 2]| {
        perf::time_runs(3, 500, BUDGET, || {
            for edit in &edits {
                let _ = app.apply_edit(edit.clone());
                let _ = term.draw(|f| app.draw(f));
            }
        })
    };
    let rename = perf::rename_instance(design).map(&mut each_with_frame);
    let subnet = perf::add_delete_subnet(design).map(&mut each_with_frame);
    let subnet_rename = perf::rename_subnet(design).map(&mut each_with_frame);
    let form_key = (!design.instances.is_empty()).then(|| {
        let mut form = Form::create_for(crate::model::ObjectKind::Instance, &app.ws);
        let keys = [
            KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
        ];
        let mut i = 0usize;
        perf::time_runs(10, 2000, BUDGET, || {
            form.input(keys[i % 2]);
            i += 1;
        })
    });
    UiFigures {
        edit,
        render,
        edit_frame,
        structural,
        structural_idle,
        rename,
        subnet,
        subnet_rename,
        form_key,
    }
}

/// What a user waits for between starting `vpcd FILE` and seeing the design:
/// parsing the file's text, the index and validation of the workspace, the
/// designer's panes and its first full frame at 160×50.
#[cfg(feature = "tui")]
fn time_start(text: &str, origin: &str) -> Option<Timing> {
    use crate::tui::theme::Theme;
    use crate::tui::{App, Options};
    let dir = std::env::temp_dir().join(format!("vpcd-bench-{}", std::process::id()));
    let mut term = Terminal::new(TestBackend::new(160, 50)).ok()?;
    // At least three runs, a few seconds when they are quick.
    Some(perf::time_runs(3, 20, BUDGET, || {
        let Ok(design) = crate::io::parse(text, origin) else {
            return;
        };
        let opts = Options {
            saves_dir: dir.join("saves"),
            recovery: None,
            theme: Theme::plain(),
        };
        let mut app = App::new(Workspace::new(design), opts);
        let _ = term.draw(|f| app.draw(f));
    }))
}

#[cfg(not(feature = "tui"))]
fn time_start(_text: &str, _origin: &str) -> Option<Timing> {
    None
}

/// Without the terminal designer the edit goes through the workspace alone
/// (index, validation, analysis tables) and nothing is rendered.
#[cfg(not(feature = "tui"))]
fn time_edit_and_render(design: &crate::model::Design, query: Option<&Query>) -> UiFigures {
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
    UiFigures {
        edit,
        render: None,
        edit_frame: None,
        structural: None,
        structural_idle: None,
        rename: None,
        subnet: None,
        subnet_rename: None,
        form_key: None,
    }
}
