//! The command line: `vpcd [FILE]` opens the designer; subcommands run headless.
//! Each subcommand lives in its own module and returns the process exit code.

mod bench;
mod check;
mod cost;
mod diagram;
mod diff;
mod exercise;
mod export;
mod generate;
mod import;
mod matrix;
mod new;
mod plan;
mod templates;
mod trace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes shared by the headless commands.
pub mod exit {
    /// Success: no errors, reachable, all objectives hold.
    pub const OK: u8 = 0;
    /// The design has errors / the flow is not reachable / an objective fails.
    pub const FINDINGS: u8 = 1;
    /// The input could not be read or parsed, or an argument is wrong.
    pub const BAD_INPUT: u8 = 2;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Parser)]
#[command(
    name = "vpcd",
    version,
    about = "Design AWS VPC networks in the terminal and see, live, whether traffic gets through",
    long_about = "Design AWS VPC networks in the terminal and see, live, whether traffic gets through.\n\n\
        With no arguments, vpcd opens the designer on the built-in three-tier sample. With FILE it opens \
        that design (a new one if the file does not exist). Subcommands run headless.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Design file to open in the designer (created on first save if it does not exist).
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a design: print errors, warnings and infos.
    ///
    /// Exit status: 0 when there are no errors, 1 when there are, 2 when the
    /// file cannot be read or parsed.
    Check(check::CheckArgs),
    /// List the built-in templates with one-line descriptions.
    Templates,
    /// Write a new design from a template (--template NAME) or the "VPC and more" generator.
    ///
    /// Exit status: 0 when written, 2 for an unknown template (close matches are
    /// suggested), invalid options or a file that cannot be written.
    New(new::NewArgs),
    /// Generate a realistic, valid design of any size (tiered subnets per AZ,
    /// NAT per AZ, SGs referencing each other, NACLs, TGW hub, VPN to on-prem).
    ///
    /// Exit status: 0 on success, 2 when a parameter is out of range or the
    /// file cannot be written.
    Generate(generate::GenerateArgs),
    /// Measure load, validation, edit, trace, matrix and render times (medians)
    /// and peak memory on a design.
    ///
    /// Exit status: 0 on success, 2 when the file cannot be read or parsed.
    Bench(bench::BenchArgs),
    /// Trace a flow hop by hop: can A reach B on this protocol and port?
    ///
    /// Exit status: 0 reachable, 1 not reachable, 2 bad input (unknown names list close matches).
    Trace(trace::TraceArgs),
    /// Reachability matrix: every endpoint × every other for one protocol/port.
    Matrix(matrix::MatrixArgs),
    /// The flows opened and closed between two designs.
    ///
    /// Exit status: 0 no flow changed, 1 flows changed, 2 bad input.
    Diff(diff::DiffArgs),
    /// Print the topology diagram (text, or Graphviz DOT with `--format dot`).
    ///
    /// Exit status: 0 when drawn, 2 when the file cannot be read or parsed.
    Diagram(diagram::DiagramArgs),
    /// Plan a VPC's address space: map used and free blocks, split, join, size by hosts, find free blocks.
    ///
    /// Exit status: 0 when the operation succeeds, 1 when it cannot be satisfied
    /// (no free block, refused secondary CIDR, impossible split or join), 2 for
    /// unreadable files or bad arguments.
    Plan(plan::PlanArgs),
    /// Estimate the monthly cost of the design's billable network parts, with what-if comparisons.
    ///
    /// Exit status: 0, or 2 when the design or price file cannot be read.
    Cost(cost::CostArgs),
    /// Grade an exercise, or a saved attempt, by behaviour: print each objective ✓/✗ with the reason.
    ///
    /// Exit status: 0 when every objective holds, 1 when one does not, 2 on bad
    /// input. `--list` shows the bundled exercises.
    Exercise(exercise::ExerciseArgs),
    /// Import a real network: `vpcd import aws PATH...` reads AWS CLI `describe-*` JSON.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Export a design to another tool's format: `vpcd export aws-json FILE -o DIR`.
    #[command(subcommand)]
    Export(export::ExportCommand),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Templates) => templates::run(),
        Some(Command::New(args)) => new::run(&args),
        Some(Command::Generate(args)) => generate::run(&args),
        Some(Command::Bench(args)) => bench::run(&args),
        Some(Command::Trace(args)) => trace::run(&args),
        Some(Command::Matrix(args)) => matrix::run(&args),
        Some(Command::Diff(args)) => diff::run(&args),
        Some(Command::Diagram(args)) => diagram::run(&args),
        Some(Command::Plan(args)) => plan::run(&args),
        Some(Command::Cost(args)) => cost::run(&args),
        Some(Command::Exercise(args)) => exercise::run(&args),
        Some(Command::Import(cmd)) => import::run(&cmd),
        Some(Command::Export(cmd)) => export::run(&cmd),
        None => open_designer(cli.file.as_deref()),
    };
    ExitCode::from(code)
}

/// Without the terminal UI only the headless subcommands exist.
#[cfg(not(feature = "tui"))]
fn open_designer(_file: Option<&std::path::Path>) -> u8 {
    eprintln!("error: this vpcd was built without the terminal designer (feature `tui`); use a subcommand, see --help");
    exit::BAD_INPUT
}

/// `vpcd` opens the built-in sample; `vpcd FILE` opens FILE, or a new design
/// saved there on Ctrl-s when it does not exist yet.
#[cfg(feature = "tui")]
fn open_designer(file: Option<&std::path::Path>) -> u8 {
    // An exercise file opens in practice mode.
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if crate::practice::exercise::is_exercise_text(&text) {
            let ex = match crate::practice::exercise::Exercise::parse(&text, &path.display().to_string()) {
                Ok(ex) => ex,
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::BAD_INPUT;
                }
            };
            let ws = crate::workspace::Workspace::new(ex.start.clone());
            let mut app = crate::tui::App::new(ws, crate::tui::Options::from_env());
            app.open_exercise(ex);
            return match crate::tui::run_app(app) {
                Ok(()) => exit::OK,
                Err(e) => {
                    eprintln!("error: the terminal failed: {e}");
                    exit::BAD_INPUT
                }
            };
        }
    }
    let ws = match file {
        None => crate::workspace::Workspace::new(crate::templates::sample::three_tier()),
        // A folder of AWS CLI JSON is imported in memory; Ctrl-s asks where to save it.
        Some(path) if path.is_dir() => match import_folder(path) {
            Ok(design) => crate::workspace::Workspace::new(design),
            Err(code) => return code,
        },
        Some(path) => match crate::tui::app::open_design(path) {
            Ok((design, _)) => crate::workspace::Workspace::new(design).with_path(path),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::BAD_INPUT;
            }
        },
    };
    match crate::tui::run(ws, crate::tui::Options::from_env()) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: the terminal failed: {e}");
            exit::BAD_INPUT
        }
    }
}

/// Loads a design for a headless command, printing a located error on failure.
/// A folder is read as AWS CLI JSON (`vpcd import aws FOLDER`, in memory).
pub(crate) fn load_or_report(path: &std::path::Path) -> Result<crate::model::Design, u8> {
    if path.is_dir() {
        return import_folder(path);
    }
    crate::io::load(path).map_err(|e| {
        eprintln!("error: {e}");
        exit::BAD_INPUT
    })
}

/// Imports a folder of AWS CLI JSON in memory (the whole dump; one Region).
fn import_folder(path: &std::path::Path) -> Result<crate::model::Design, u8> {
    let opts = crate::interop::aws::ImportOptions::default();
    match crate::interop::aws::import_paths(&[path.to_path_buf()], &opts) {
        Ok(i) => {
            if !i.report.skipped.is_empty() || !i.report.approximated.is_empty() {
                eprintln!(
                    "note: imported {} from AWS JSON: {} objects skipped, {} approximated (`vpcd import aws` lists them)",
                    path.display(),
                    i.report.skipped.len(),
                    i.report.approximated.len()
                );
            }
            Ok(i.design)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(exit::BAD_INPUT)
        }
    }
}
