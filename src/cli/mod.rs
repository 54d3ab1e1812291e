//! The command line: `vpcd [FILE]` opens the designer; subcommands run headless.
//! Each subcommand lives in its own module and returns the process exit code.

mod check;
mod exercise;

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
    /// Grade an exercise, or a saved attempt, by behaviour: print each objective ✓/✗ with the reason.
    ///
    /// Exit status: 0 when every objective holds, 1 when one does not, 2 on bad
    /// input. `--list` shows the bundled exercises.
    Exercise(exercise::ExerciseArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Exercise(args)) => exercise::run(&args),
        None => {
            eprintln!("the designer is not available in this build; use `vpcd --help` for the headless commands");
            exit::BAD_INPUT
        }
    };
    ExitCode::from(code)
}

/// Loads a design for a headless command, printing a located error on failure.
pub(crate) fn load_or_report(path: &std::path::Path) -> Result<crate::model::Design, u8> {
    crate::io::load(path).map_err(|e| {
        eprintln!("error: {e}");
        exit::BAD_INPUT
    })
}
