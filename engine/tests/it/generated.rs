//! The committed man pages (`deployment/man/ploy*.1`) and completion scripts
//! (`completions/ploy.*`, five shells) of `ploy` match what its clap
//! definitions generate (see `harness::generated`).

use std::path::PathBuf;

use clap::CommandFactory;

use crate::harness::generated::{current, man_pages_current};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn committed_ploy_completions_are_current() {
    use clap_complete::Shell;
    for (shell, ext) in [
        (Shell::Bash, "bash"),
        (Shell::Zsh, "zsh"),
        (Shell::Fish, "fish"),
        (Shell::Elvish, "elv"),
        (Shell::PowerShell, "ps1"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut ploy::cli::Cli::command(), "ploy", &mut out);
        assert!(!out.is_empty(), "{shell}");
        current(&root().join(format!("completions/ploy.{ext}")), &out);
    }
}

#[test]
fn committed_ploy_man_pages_are_current() {
    // The package version only: the git revision would change every page on
    // every commit.
    let command = ploy::cli::Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .long_version(env!("CARGO_PKG_VERSION"));
    man_pages_current(
        command,
        &root().join("deployment/man"),
        "ploy-run.1",
        |name| name.starts_with("ploy.") || name.starts_with("ploy-"),
    );
}
