use clap::Parser;

fn main() -> std::process::ExitCode {
    vpcd::cli::run(vpcd::cli::Cli::parse())
}
