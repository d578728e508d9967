//! The committed completion scripts (`completions/ployctl.*`, five shells)
//! match what `ployctl completions` prints, and the man pages
//! (`deployment/man/ployctl*.1`) match what the clap definitions generate.
//! `PLOY_REGENERATE=1 cargo test` rewrites them.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::harness::ployctl_bin;

fn regenerate() -> bool {
    std::env::var_os("PLOY_REGENERATE").is_some()
}

/// Compares `path` with `generated`, or writes it when regenerating.
fn current(path: &Path, generated: &[u8]) {
    if regenerate() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, generated).unwrap();
        return;
    }
    let committed = std::fs::read(path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: regenerate with `PLOY_REGENERATE=1 cargo test --workspace --test it -- completions generated`",
        path.display()
    );
}

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
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deployment/man");
    let generated = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(ployctl::cli::Cli::command(), generated.path()).unwrap();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(generated.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert!(
        pages.iter().any(|p| p.ends_with("ployctl-deploy.1")),
        "{pages:?}"
    );
    for page in &pages {
        let text = std::fs::read(page).unwrap();
        assert!(
            String::from_utf8_lossy(&text).contains(".TH "),
            "{}",
            page.display()
        );
        current(&dir.join(page.file_name().unwrap()), &text);
    }
    // No page left behind for a command that is gone.
    let names: Vec<_> = pages.iter().map(|p| p.file_name().unwrap()).collect();
    for committed in std::fs::read_dir(&dir).unwrap() {
        let committed = committed.unwrap().path();
        let name = committed.file_name().unwrap();
        if name.to_string_lossy().starts_with("ployctl") && !names.contains(&name) {
            if regenerate() {
                std::fs::remove_file(&committed).unwrap();
            } else {
                panic!("{} is for no command any more", committed.display());
            }
        }
    }
}
