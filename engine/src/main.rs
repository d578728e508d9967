//! The `ploy` binary: parse arguments, run, exit with a documented code.

fn main() -> std::process::ExitCode {
    ploy::commands::main()
}
