//! `vpcd exercise FILE [--design ATTEMPT] [--reference] [--hints-used N] [--format text|json]`
//! and `vpcd exercise --list`.
//!
//! FILE is an exercise file (its `start` design is graded — a student may
//! edit it in place), a bundled exercise id (`nat-per-az`), or a student's
//! saved attempt: a design file whose `intents` hold the objectives (practice
//! mode saves attempts that way). With `--design ATTEMPT` the attempt design
//! is graded against FILE's objectives, ignoring any intents it carries.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{exit, OutputFormat, Ui};
use crate::model::intent::Intent;
use crate::model::Design;
use crate::practice::exercise::{self, Exercise, Hint, Report};

#[derive(Debug, Args)]
pub struct ExerciseArgs {
    /// Exercise file, bundled exercise id, or a saved attempt (a design with intents).
    #[arg(required_unless_present = "list", value_parser = super::values::Offering(super::values::exercise_ids), hide_possible_values = true)]
    pub file: Option<String>,
    /// List the bundled exercises.
    #[arg(long, conflicts_with_all = ["file", "design", "reference"])]
    pub list: bool,
    /// Grade this design file against FILE's objectives (FILE must be an exercise).
    #[arg(long, value_name = "ATTEMPT", value_hint = clap::ValueHint::FilePath)]
    pub design: Option<PathBuf>,
    /// Grade the exercise's reference solution instead of its starting design.
    #[arg(long, conflicts_with = "design")]
    pub reference: bool,
    /// Number of hints taken (the first N); each costs its points of the score.
    #[arg(long, default_value_t = 0)]
    pub hints_used: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// What is being graded.
struct Subject {
    source: String,
    title: Option<String>,
    objectives: Vec<Intent>,
    hints: Vec<Hint>,
    design: Design,
}

fn load_exercise(spec: &str) -> Result<Option<(Exercise, String)>, String> {
    let path = Path::new(spec);
    if !path.exists() {
        return match exercise::bundled(spec) {
            Some(Ok(ex)) => Ok(Some((ex, format!("bundled:{spec}")))),
            Some(Err(e)) => Err(e.to_string()),
            None => Err(format!(
                "{spec}: no such file, and not a bundled exercise (see `vpcd exercise --list`)"
            )),
        };
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{spec}: cannot read: {e}"))?;
    if exercise::is_exercise_text(&text) {
        Exercise::parse(&text, spec)
            .map(|ex| Some((ex, spec.to_string())))
            .map_err(|e| e.to_string())
    } else {
        Ok(None)
    }
}

fn subject(args: &ExerciseArgs, spec: &str) -> Result<Subject, String> {
    match load_exercise(spec)? {
        Some((ex, source)) => {
            let (design, source) = match (&args.design, args.reference) {
                (Some(p), _) => (crate::io::load(p).map_err(|e| e.to_string())?, p.display().to_string()),
                (None, true) => (ex.reference_solution()?, format!("{source} (reference solution)")),
                (None, false) => (ex.start.clone(), source),
            };
            Ok(Subject {
                source,
                title: Some(ex.title),
                objectives: ex.objectives,
                hints: ex.hints,
                design,
            })
        }
        None => {
            if args.design.is_some() || args.reference {
                return Err(format!(
                    "{spec} is a design, not an exercise: --design and --reference need an exercise"
                ));
            }
            let design = crate::io::load(Path::new(spec)).map_err(|e| e.to_string())?;
            if design.intents.is_empty() {
                return Err(format!(
                    "{spec}: this design has no intents to grade; add an `intents: [...]` list or pass an exercise"
                ));
            }
            Ok(Subject {
                source: spec.to_string(),
                title: None,
                objectives: design.intents.clone(),
                hints: Vec::new(),
                design,
            })
        }
    }
}

fn list(format: OutputFormat, ui: &Ui) -> u8 {
    let mut rows = Vec::new();
    for (id, text) in exercise::BUNDLED {
        match Exercise::parse(text, id) {
            Ok(ex) => rows.push((id, ex)),
            Err(e) => {
                ui.error(e);
                return exit::BAD_INPUT;
            }
        }
    }
    match format {
        OutputFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|(id, ex)| {
                    serde_json::json!({
                        "id": id,
                        "title": ex.title,
                        "concept": ex.concept,
                        "objectives": ex.objectives.len(),
                        "hints": ex.hints.len(),
                    })
                })
                .collect();
            ui.json(serde_json::json!({ "exercises": list }));
        }
        OutputFormat::Text => {
            for (id, ex) in &rows {
                ui.line(format!("{} {}", ui.out.accent(&format!("{id:<22}")), ex.title));
                ui.line(format!("{:<22} {}", "", ui.out.dim(&ex.concept)));
            }
            ui.note(format!(
                "{} exercises; grade one with `vpcd exercise ID` or `vpcd exercise FILE`",
                rows.len()
            ));
        }
    }
    exit::OK
}

fn print_text(s: &Subject, r: &Report, ui: &Ui) {
    if let Some(t) = &s.title {
        ui.note(ui.out.bold(t));
    }
    ui.note(format!("grading {}", s.source));
    for e in &r.objectives {
        let mark = e.status.mark();
        let mark = match e.status {
            crate::practice::Status::Pass => ui.out.ok(mark),
            crate::practice::Status::Fail => ui.out.error(mark),
            crate::practice::Status::Error => ui.out.warning(mark),
        };
        ui.line(format!("{mark} {}", e.intent));
        ui.line(format!("    {}", e.reason));
    }
    ui.line(format!(
        "{}/{} objectives hold · score {}{}{}",
        r.passed,
        r.total,
        r.score,
        if r.hints_used > 0 {
            format!(" ({} hint(s) taken)", r.hints_used)
        } else {
            String::new()
        },
        if r.solved { " · solved" } else { "" }
    ));
}

pub fn run(args: &ExerciseArgs, ui: &Ui) -> u8 {
    if args.list {
        return list(args.format, ui);
    }
    let Some(spec) = args.file.as_deref() else {
        ui.error("give an exercise FILE or --list");
        return exit::BAD_INPUT;
    };
    let s = match subject(args, spec) {
        Ok(s) => s,
        Err(e) => {
            ui.error(e);
            return exit::BAD_INPUT;
        }
    };
    let r = exercise::grade(&s.objectives, &s.hints, &s.design, args.hints_used);
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "source": s.source,
                "title": s.title,
                "solved": r.solved,
                "passed": r.passed,
                "total": r.total,
                "score": r.score,
                "hints_used": r.hints_used,
                "objectives": r.objectives,
            });
            ui.json(doc);
        }
        OutputFormat::Text => print_text(&s, &r, ui),
    }
    if r.solved {
        exit::OK
    } else {
        exit::FINDINGS
    }
}
