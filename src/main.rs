use clap::Parser;

fn main() -> std::process::ExitCode {
    vpcd::cli::exit_quietly_on_closed_pipe();
    vpcd::cli::run(vpcd::cli::Cli::parse())
}
