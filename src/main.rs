//! The `ployctl` binary.

fn main() -> std::process::ExitCode {
    ployctl::main()
}
