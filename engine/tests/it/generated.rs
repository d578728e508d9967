//! The committed man pages (`deployment/man/ploy*.1`) and completion scripts
//! (`completions/ploy.*`, five shells) of `ploy` match what its clap
//! definitions generate. `PLOY_REGENERATE=1 cargo test -p ploy --test it
//! generated` rewrites them.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn regenerate() -> bool {
    std::env::var_os("PLOY_REGENERATE").is_some()
}

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
    let dir = root().join("deployment/man");
    let generated = tempfile::tempdir().unwrap();
    // The package version only: the git revision would change every page on
    // every commit.
    let command = ploy::cli::Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .long_version(env!("CARGO_PKG_VERSION"));
    clap_mangen::generate_to(command, generated.path()).unwrap();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(generated.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert!(pages.iter().any(|p| p.ends_with("ploy-run.1")), "{pages:?}");
    let names: Vec<_> = pages
        .iter()
        .map(|p| p.file_name().unwrap().to_owned())
        .collect();
    for page in &pages {
        current(
            &dir.join(page.file_name().unwrap()),
            &std::fs::read(page).unwrap(),
        );
    }
    for committed in std::fs::read_dir(&dir).unwrap() {
        let committed = committed.unwrap().path();
        let name = committed.file_name().unwrap().to_owned();
        let ours = name.to_string_lossy().starts_with("ploy.")
            || name.to_string_lossy().starts_with("ploy-");
        if ours && !names.contains(&name) {
            if regenerate() {
                std::fs::remove_file(&committed).unwrap();
            } else {
                panic!("{} is for no command any more", committed.display());
            }
        }
    }
}
