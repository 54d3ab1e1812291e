//! The command line: `vpcd [FILE]` opens the designer; subcommands run headless.
//! Each subcommand lives in its own module: `run(&args, &Ui) -> u8` prints
//! through [`style::Ui`] (colour, `-q`/`-v`, JSON with `schema_version`, a
//! closed pipe) and returns the process exit code from [`exit`].

pub mod apply;
mod bench;
mod check;
mod cost;
mod diagram;
mod diff;
mod exercise;
mod export;
mod generate;
mod import;
mod man;
mod matrix;
mod new;
mod plan;
pub mod progress;
mod report;
pub mod style;
mod templates;
mod trace;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use style::{GlobalArgs, Ui};

/// Exit codes shared by the headless commands (and clap's own usage errors, which exit 2).
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
        that design (a new one if the file does not exist); an exercise file or a bundled exercise id \
        (`vpcd exercise --list`) opens practice mode. Subcommands run headless.",
    override_usage = "vpcd [OPTIONS] [FILE]\n       vpcd [OPTIONS] <COMMAND>",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Design file to open in the designer (created on first save if it does
    /// not exist), an exercise file, or a bundled exercise id (`vpcd exercise
    /// --list`), which opens practice mode.
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Anything after FILE: refused with an explanation (a mistyped command's arguments).
    #[arg(hide = true)]
    pub extra: Vec<std::ffi::OsString>,
    #[command(flatten)]
    pub global: GlobalArgs,
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
    ///
    /// Exit status: 0.
    Templates(templates::TemplatesArgs),
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
    ///
    /// Exit status: 0 when computed, 2 bad input (unknown endpoints list close matches).
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
    /// Apply a list of edits (`[Put(…), Delete(…)]`) in order through the workspace,
    /// as the designer does, and write the design atomically (to -o OUT, or back to DESIGN).
    ///
    /// Exit status: 0 all applied and written, 1 an edit was refused (its index,
    /// object, reason and AWS's error code are printed; nothing is written),
    /// 2 bad input (located parse errors).
    Apply(apply::ApplyArgs),
    /// Grade an exercise, or a saved attempt, by behaviour: print each objective ✓/✗ with the reason.
    ///
    /// Exit status: 0 when every objective holds, 1 when one does not, 2 on bad
    /// input. `--list` shows the bundled exercises.
    Exercise(exercise::ExerciseArgs),
    /// Export the design as infrastructure as code: Terraform (a folder of .tf
    /// files) or CloudFormation (one YAML template).
    ///
    /// Exit status: 0 written, 2 bad input or an output that exists (without --force).
    Export(export::ExportArgs),
    /// Write a Markdown design review: summary, per-VPC tables, diagram, findings,
    /// internet exposure, reachability matrix and what-if results.
    ///
    /// Exit status: 0 written, 2 bad input.
    Report(report::ReportArgs),
    /// Import a real network: `vpcd import aws PATH...` reads AWS CLI `describe-*` JSON.
    ///
    /// Exit status: 0 imported, 1 imported with errors in the result, 2 bad input.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Print a shell completion script (subcommands, flags, template and exercise ids).
    ///
    /// Install, e.g.: `vpcd completions bash > ~/.local/share/bash-completion/completions/vpcd`,
    /// `vpcd completions zsh > ~/.zfunc/_vpcd`, `vpcd completions fish > ~/.config/fish/completions/vpcd.fish`.
    /// Exit status: 0.
    Completions(CompletionsArgs),
    /// Write the man pages: vpcd.1 and one vpcd-COMMAND.1 per subcommand.
    ///
    /// Install, e.g.: `vpcd man -o ~/.local/share/man/man1`, then `man vpcd-trace`.
    /// Exit status: 0 when written, 2 when DIR cannot be written.
    Man(man::ManArgs),
}

/// `vpcd completions SHELL`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const AFTER_HELP: &str = "\
Exit status: 0 success (no errors, reachable, nothing changed); 1 findings (errors, not reachable,
flows changed, an objective fails); 2 bad input (unreadable file, unknown name, wrong argument);
141 the output pipe was closed (`vpcd diagram BIG | head`).

Colour: --color auto colours a terminal only; NO_COLOR=1 turns it off, CLICOLOR_FORCE=1 forces it.
Machine output: --format json on the commands that print findings, verdicts or figures; every
document carries \"schema_version\".

`vpcd COMMAND --help` describes each command; `vpcd man` writes the man pages.";

/// The process entry point: parses the command line (clap's own messages
/// coloured as `--color` says) and runs it.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cmd = Cli::command().color(style::clap_color(&args));
    let cli = cmd
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
        .unwrap_or_else(|e| e.exit());
    // A design FILE opens the designer; a subcommand takes its own files.
    // (clap's args_conflicts_with_subcommands would also refuse the global
    // flags written before a subcommand, as in `vpcd -q check FILE`.)
    if let (Some(file), Some(_)) = (&cli.file, &cli.command) {
        let mut cmd = Cli::command();
        cmd.error(
            clap::error::ErrorKind::ArgumentConflict,
            format!(
                "a design file ({}) and a subcommand cannot be given together",
                file.display()
            ),
        )
        .exit();
    }
    run(cli)
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let ui = Ui::from_args(&cli.global);
    let code = match cli.command {
        Some(Command::Check(args)) => check::run(&args, &ui),
        Some(Command::Templates(args)) => templates::run(&args, &ui),
        Some(Command::New(args)) => new::run(&args, &ui),
        Some(Command::Generate(args)) => generate::run(&args, &ui),
        Some(Command::Bench(args)) => bench::run(&args, &ui),
        Some(Command::Trace(args)) => trace::run(&args, &ui),
        Some(Command::Matrix(args)) => matrix::run(&args, &ui),
        Some(Command::Diff(args)) => diff::run(&args, &ui),
        Some(Command::Diagram(args)) => diagram::run(&args, &ui),
        Some(Command::Plan(args)) => plan::run(&args, &ui),
        Some(Command::Cost(args)) => cost::run(&args, &ui),
        Some(Command::Exercise(args)) => exercise::run(&args, &ui),
        Some(Command::Import(cmd)) => import::run(&cmd, &ui),
        Some(Command::Export(args)) => export::run(&args, &ui),
        Some(Command::Report(args)) => report::run(&args, &ui),
        Some(Command::Apply(args)) => apply::run(&args, &ui),
        Some(Command::Completions(args)) => completions(&args, &ui),
        Some(Command::Man(args)) => man::run(&args, &ui),
        None => match first_argument_problem(cli.file.as_deref(), &cli.extra) {
            Some(msg) => {
                ui.error(msg);
                exit::BAD_INPUT
            }
            None => open_designer(cli.file.as_deref(), &ui),
        },
    };
    ui.finish();
    ExitCode::from(code)
}

/// `vpcd completions SHELL`: the script clap_complete generates from the
/// same definition that parses the command line, so it never goes stale.
fn completions(args: &CompletionsArgs, ui: &Ui) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "vpcd", &mut script);
    ui.print(&String::from_utf8_lossy(&script));
    exit::OK
}

/// The subcommands, for "did you mean" on a mistyped first argument.
fn command_names() -> Vec<String> {
    use clap::CommandFactory;
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// Why `vpcd FIRST [REST…]` is not a design to open: a first argument that is
/// no existing path, has no `.ron` extension or path separator and is close
/// to a subcommand is a mistyped command, not a new design's name.
fn first_argument_problem(file: Option<&std::path::Path>, extra: &[std::ffi::OsString]) -> Option<String> {
    let file = file?;
    let looks_like_a_word = !file.exists()
        && file.extension().is_none()
        && file.components().count() == 1
        && !file.to_string_lossy().contains(std::path::MAIN_SEPARATOR)
        && !file.to_string_lossy().contains('/');
    if looks_like_a_word && crate::practice::exercise::bundled(&file.to_string_lossy()).is_none() {
        let word = file.to_string_lossy().to_ascii_lowercase();
        let mut close: Vec<(usize, String)> = command_names()
            .into_iter()
            .map(|c| (crate::create::templates::edit_distance(&word, &c), c))
            .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len())
            .collect();
        close.sort();
        if let Some((_, best)) = close.first() {
            return Some(format!(
                "no such command `{}`; did you mean {best}? (`vpcd --help` lists the commands)",
                file.display()
            ));
        }
    }
    if !extra.is_empty() {
        let rest: Vec<String> = extra.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        return Some(format!(
            "vpcd opens one design at a time; unexpected argument(s) after {}: {} (`vpcd --help` lists the commands)",
            file.display(),
            rest.join(" ")
        ));
    }
    None
}

/// Refuses to replace an existing file unless `--force` was given (every
/// command that writes a file uses this).
pub(crate) fn refuse_overwrite(path: &std::path::Path, force: bool, ui: &Ui) -> Result<(), u8> {
    if force || std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    ui.error(format!(
        "{} already exists; pass --force to overwrite it",
        path.display()
    ));
    Err(exit::BAD_INPUT)
}

/// Makes writing into a closed pipe (`vpcd diagram BIG | head -1`) end the
/// process quietly instead of panicking with "failed printing to stdout":
/// Rust ignores SIGPIPE, so `println!` panics on EPIPE; the hook turns that
/// one panic into a silent exit, as a reader that stops early expects.
/// (The headless commands print through [`Ui`], which exits the same way
/// without a panic; this covers any other printing.)
pub fn exit_quietly_on_closed_pipe() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        let broken_pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe).to_string();
        let epipe = std::io::Error::from_raw_os_error(32).to_string();
        if text.starts_with("failed printing to std") && (text.contains(&broken_pipe) || text.contains(&epipe)) {
            std::process::exit(style::CLOSED_PIPE.into());
        }
        previous(info);
    }));
}

/// Without the terminal UI only the headless subcommands exist.
#[cfg(not(feature = "tui"))]
fn open_designer(_file: Option<&std::path::Path>, ui: &Ui) -> u8 {
    ui.error("this vpcd was built without the terminal designer (feature `tui`); use a subcommand, see --help");
    exit::BAD_INPUT
}

/// `vpcd` opens the built-in sample; `vpcd FILE` opens FILE, or a new design
/// saved there on Ctrl-s when it does not exist yet.
#[cfg(feature = "tui")]
fn open_designer(file: Option<&std::path::Path>, ui: &Ui) -> u8 {
    // An exercise file, or a bundled exercise id, opens practice mode.
    if let Some(path) = file {
        let exercise = if path.exists() {
            let text = crate::io::read_data_file(path).map(|t| {
                crate::practice::exercise::is_exercise_text(&t)
                    .then(|| crate::practice::exercise::Exercise::parse(&t, &path.display().to_string()))
            });
            match text {
                Ok(found) => found,
                Err(e) => Some(Err(e)),
            }
        } else {
            crate::practice::exercise::bundled(&path.to_string_lossy())
        };
        match exercise {
            Some(Ok(ex)) => {
                let ws = crate::workspace::Workspace::new(ex.start.clone());
                let mut app = crate::tui::App::new(ws, designer_options(ui));
                app.open_exercise(ex);
                return designer_status(crate::tui::run_app(app), ui);
            }
            Some(Err(e)) => {
                ui.error(e);
                return exit::BAD_INPUT;
            }
            None => {}
        }
    }
    let ws = match file {
        None => crate::workspace::Workspace::new(crate::create::templates::sample::three_tier()),
        // A folder of AWS CLI JSON is imported in memory; Ctrl-s asks where to save it.
        Some(path) if path.is_dir() => match import_folder(path, ui) {
            Ok(design) => crate::workspace::Workspace::new(design),
            Err(code) => return code,
        },
        Some(path) => match crate::tui::app::open_design(path) {
            Ok((design, _)) => crate::workspace::Workspace::new(design).with_path(path),
            Err(e) => {
                ui.error(e);
                return exit::BAD_INPUT;
            }
        },
    };
    designer_status(crate::tui::run(ws, designer_options(ui)), ui)
}

/// The exit status of a designer session: 0 after a quit, 128 + N after
/// signal N, 129 when the terminal went away, 101 after a panic.
#[cfg(feature = "tui")]
fn designer_status(ended: std::io::Result<crate::tui::Ending>, ui: &Ui) -> u8 {
    match ended {
        Ok(ending) => ending.exit_code(),
        Err(e) => {
            ui.error(format!("the terminal failed: {e}"));
            exit::BAD_INPUT
        }
    }
}

/// The designer's options: `--color always|never` overrides its NO_COLOR check.
#[cfg(feature = "tui")]
fn designer_options(ui: &Ui) -> crate::tui::Options {
    let mut opts = crate::tui::Options::from_env();
    match ui.color {
        style::ColorChoice::Always => opts.theme.color = true,
        style::ColorChoice::Never => opts.theme.color = false,
        style::ColorChoice::Auto => {}
    }
    opts
}

/// Loads a design for a headless command, printing a located error on failure.
/// The time it takes is the `load` phase of `-v`. A folder is read as AWS CLI
/// JSON (`vpcd import aws FOLDER`, in memory).
pub(crate) fn load_or_report(path: &std::path::Path, ui: &Ui) -> Result<crate::model::Design, u8> {
    if path.is_dir() {
        return ui.time("load", || import_folder(path, ui));
    }
    ui.time("load", || crate::io::load(path)).map_err(|e| {
        ui.error(e);
        exit::BAD_INPUT
    })
}

/// Imports a folder of AWS CLI JSON in memory (the whole dump; one Region).
fn import_folder(path: &std::path::Path, ui: &Ui) -> Result<crate::model::Design, u8> {
    let opts = crate::interop::aws::ImportOptions::default();
    match crate::interop::aws::import_paths(&[path.to_path_buf()], &opts) {
        Ok(i) => {
            if !i.report.skipped.is_empty() || !i.report.approximated.is_empty() {
                ui.warn(format!(
                    "imported {} from AWS JSON: {} objects skipped, {} approximated (`vpcd import aws` lists them)",
                    path.display(),
                    i.report.skipped.len(),
                    i.report.approximated.len()
                ));
            }
            Ok(i.design)
        }
        Err(e) => {
            let many = matches!(e, crate::interop::aws::ImportError::ManyRegions(_));
            ui.error(e);
            if many {
                // Only `vpcd import aws` takes --region; every other command reads one Region's folder.
                ui.hint(format!(
                    "give one Region's folder ({}/accounts/<id>/<region>), or write a design first: vpcd import aws {} --region R -o FILE.ron",
                    path.display(),
                    path.display()
                ));
            }
            Err(exit::BAD_INPUT)
        }
    }
}
