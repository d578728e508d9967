//! The committed completion scripts (`completions/ployctl.*`, five shells)
//! match what `ployctl completions` prints, and the man pages
//! (`deployment/man/ployctl*.1`) match what the clap definitions generate
//! (see `harness::generated`).

use std::path::PathBuf;

use clap::CommandFactory;

use crate::harness::generated::{current, man_pages_current};
use crate::harness::ployctl_bin;

#[test]
fn committed_completions_are_current() {
    for (shell, ext) in [
        ("bash", "bash"),
        ("zsh", "zsh"),
        ("fish", "fish"),
        ("elvish", "elv"),
        ("powershell", "ps1"),
    ] {
        let out = std::process::Command::new(ployctl_bin())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(!out.stdout.is_empty(), "{shell}");
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("completions/ployctl.{ext}"));
        current(&path, &out.stdout);
    }
}

#[test]
fn committed_man_pages_are_current() {
    man_pages_current(
        ployctl::cli::Cli::command(),
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deployment/man"),
        "ployctl-deploy.1",
        |name| name.starts_with("ployctl"),
    );
}
