//! `vpcd exercise FILE [--design ATTEMPT] [--reference] [--hints-used N] [--format text|json]`,
//! `vpcd exercise --list`, `vpcd exercise --faults` and
//! `vpcd exercise --generate [--fault ID | --topic T] [--template NAME|FILE] [--seed N] [-o FILE]`.
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
    #[arg(required_unless_present_any = ["list", "faults", "generate", "progress"], value_parser = super::values::Offering(super::values::exercise_ids), hide_possible_values = true)]
    pub file: Option<String>,
    /// List the bundled exercises.
    #[arg(long, conflicts_with_all = ["file", "design", "reference"])]
    pub list: bool,
    /// List the fault kinds troubleshooting exercises are generated from.
    #[arg(long, conflicts_with_all = ["file", "design", "reference", "list"])]
    pub faults: bool,
    /// Generate a troubleshooting exercise: a healthy design with one injected fault.
    #[arg(long, conflicts_with_all = ["file", "design", "reference", "list", "faults"])]
    pub generate: bool,
    /// With --generate: the fault to inject (an id from --faults).
    #[arg(long, requires = "generate", value_name = "ID")]
    pub fault: Option<String>,
    /// With --generate: pick a fault of this topic (the second column of --faults).
    #[arg(long, requires = "generate", conflicts_with = "fault", value_name = "T")]
    pub topic: Option<String>,
    /// With --generate: the healthy design, a bundled template name or a design file
    /// (default: any template the fault applies to).
    #[arg(long, requires = "generate", value_name = "NAME|FILE")]
    pub template: Option<String>,
    /// With --generate: the seed; the same seed gives the same exercise.
    #[arg(long, requires = "generate", default_value_t = 1)]
    pub seed: u64,
    /// Print the practice record (solved exercises, best score, hints, time), kept in
    /// `$XDG_STATE_HOME/vpcd/progress.ron` by the designer's practice mode.
    #[arg(long, conflicts_with_all = ["file", "design", "reference", "list", "faults", "generate"])]
    pub progress: bool,
    /// With --progress: clear the practice record.
    #[arg(long, requires = "progress")]
    pub reset: bool,
    /// With --generate: write the exercise here (default: standard output).
    #[arg(short = 'o', long = "output", requires = "generate", value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// Hints taken: `--hints-used`, else what a saved attempt records.
    hints_used: usize,
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
            let hints_used = match &design.practice {
                // A saved attempt of this exercise records the hints it took.
                Some(r) if args.hints_used == 0 && r.title == ex.title => r.hints_used,
                _ => args.hints_used,
            };
            Ok(Subject {
                source,
                title: Some(ex.title),
                objectives: ex.objectives,
                hints: ex.hints,
                hints_used,
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
            // A practice attempt saved from the designer carries its exercise's
            // title and hints, and how many were taken (they cost points).
            let record = design.practice.clone();
            Ok(Subject {
                source: spec.to_string(),
                title: record.as_ref().map(|r| r.title.clone()),
                objectives: design.intents.clone(),
                hints: record.as_ref().map(|r| r.hints.clone()).unwrap_or_default(),
                hints_used: match &record {
                    Some(r) if args.hints_used == 0 => r.hints_used,
                    _ => args.hints_used,
                },
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
            let record = crate::practice::progress::default_path()
                .and_then(|p| crate::practice::progress::Progress::load(&p).ok())
                .unwrap_or_default();
            for (id, ex) in &rows {
                let mark = if record.solved(id) { "✓ " } else { "" };
                ui.line(format!("{} {mark}{}", ui.out.accent(&format!("{id:<22}")), ex.title));
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

fn list_faults(format: OutputFormat) -> u8 {
    use crate::practice::faults::FAULTS;
    match format {
        OutputFormat::Json => {
            let doc: Vec<serde_json::Value> = FAULTS
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "id": f.id, "exam": f.exam, "topic": f.topic, "description": f.description,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        OutputFormat::Text => {
            for f in FAULTS {
                println!("{:<32}  {:<7} {:<16}  {}", f.id, f.exam, f.topic, f.description);
            }
        }
    }
    exit::OK
}

fn generate(args: &ExerciseArgs) -> u8 {
    use crate::practice::generate::{self, Options};
    let base = match args.template.as_deref() {
        None => None,
        Some(t) => match crate::create::templates::find(t) {
            Some(tpl) => Some((tpl.name.to_string(), tpl.design())),
            None if Path::new(t).exists() => match crate::io::load(Path::new(t)) {
                Ok(d) => Some((t.to_string(), d)),
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::BAD_INPUT;
                }
            },
            None => {
                let close = crate::create::templates::close_matches(t);
                eprintln!(
                    "error: `{t}` is neither a bundled template nor a file{}",
                    if close.is_empty() {
                        " (see `vpcd templates`)".to_string()
                    } else {
                        format!("; did you mean {}?", close.join(", "))
                    }
                );
                return exit::BAD_INPUT;
            }
        },
    };
    let opts = Options {
        fault: args.fault.clone(),
        topic: args.topic.clone(),
        base,
        seed: args.seed,
    };
    let ex = match generate::generate(&opts) {
        Ok(ex) => ex,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    let text = match generate::to_file_text(&ex, args.seed) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    match &args.output {
        None => print!("{text}"),
        Some(p) => {
            if let Err(e) = crate::io::write_atomic(p, text.as_bytes()) {
                eprintln!("error: {e}");
                return exit::BAD_INPUT;
            }
            eprintln!(
                "wrote {}: {} ({} objectives)",
                p.display(),
                ex.title,
                ex.objectives.len()
            );
        }
    }
    exit::OK
}

fn progress(args: &ExerciseArgs) -> u8 {
    use crate::practice::progress::{default_path, Progress};
    let Some(path) = default_path() else {
        eprintln!("error: neither XDG_STATE_HOME nor HOME is set: there is no place for the practice record");
        return exit::BAD_INPUT;
    };
    if args.reset {
        return match Progress::default().save(&path) {
            Ok(()) => {
                println!("practice record cleared ({})", path.display());
                exit::OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::BAD_INPUT
            }
        };
    }
    let p = match Progress::load(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&p).unwrap_or_default()),
        OutputFormat::Text => print!("{}", p.to_text()),
    }
    exit::OK
}

pub fn run(args: &ExerciseArgs, ui: &Ui) -> u8 {
    if args.progress {
        return progress(args);
    }
    if args.list {
        return list(args.format, ui);
    }
    if args.faults {
        return list_faults(args.format);
    }
    if args.generate {
        return generate(args);
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
    let r = exercise::grade(&s.objectives, &s.hints, &s.design, s.hints_used);
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
