//! The committed completion scripts match what `ployctl completions` prints.

use std::path::PathBuf;

use crate::harness::ployctl_bin;

#[test]
fn committed_completions_are_current() {
    for shell in ["bash", "zsh", "fish"] {
        let out = std::process::Command::new(ployctl_bin())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("completions/ployctl.{shell}"));
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "{} is out of date: regenerate with `target/debug/ployctl completions {shell} > {}`",
            path.display(),
            path.display()
        );
    }
}
