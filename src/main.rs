fn main() -> std::process::ExitCode {
    vpcd::cli::main()
}
