//! `ployctl completions <shell>`: shell completion scripts (also committed under
//! `completions/`).

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Writes the completion script for `shell` to stdout.
pub fn run(shell: Shell) {
    let mut command = Cli::command();
    clap_complete::aot::generate(shell, &mut command, "ployctl", &mut std::io::stdout());
}
