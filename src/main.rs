//! `ployctl`: the operations CLI for the ploy trading engine.

use clap::Parser;

/// Operations CLI for the ploy trading engine.
#[derive(Debug, Parser)]
#[command(name = "ployctl", version, about)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
    println!(
        "ployctl {}: see `ployctl --help`",
        env!("CARGO_PKG_VERSION")
    );
}
