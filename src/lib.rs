//! `ployctl`: the operations CLI for the ploy trading engine. See ARCHITECTURE.md.

pub mod app;
pub mod cli;
pub mod commands;
pub mod daily;
pub mod decisions;
pub mod exit;
pub mod fleet;
pub mod health;
pub mod inventory;
pub mod logline;
pub mod plan;
pub mod printer;
pub mod quote_gap;
pub mod recovery;
pub mod remote;
pub mod report;
pub mod retention;
pub mod rollout;
pub mod session;
pub mod settings;
pub mod textdiff;
pub mod transport;

/// Parses the command line and runs; returns the process exit code.
pub fn main() -> std::process::ExitCode {
    use clap::Parser;
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(exit::Outcome::Failed.code());
        },
    };
    let code = runtime.block_on(app::run(cli));
    // Do not wait for detached tasks (signal listener, forwards).
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    std::process::ExitCode::from(code)
}
