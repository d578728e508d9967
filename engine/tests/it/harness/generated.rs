//! Files generated from the clap definitions (man pages, completion
//! scripts) and committed: a test compares each with what the current CLI
//! generates, or rewrites it under `PLOY_REGENERATE=1`. Shared by the
//! engine's and ployctl's tests.

use std::path::{Path, PathBuf};

/// How to bring the files up to date.
pub const REGENERATE: &str =
    "PLOY_REGENERATE=1 cargo test --workspace --test it -- completions generated";

/// Whether this run rewrites the files instead of comparing them.
pub fn regenerate() -> bool {
    std::env::var_os("PLOY_REGENERATE").is_some()
}

/// Compares `path` with `generated`, or writes it when regenerating.
pub fn current(path: &Path, generated: &[u8]) {
    if regenerate() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, generated).unwrap();
        return;
    }
    let committed = std::fs::read(path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: regenerate with `{REGENERATE}`",
        path.display()
    );
}

/// The man pages of `command` (one per command, `clap_mangen`) against those
/// in `dir`, including `expected` among them; a page in `dir` that is
/// `ours` and no longer generated is an error (removed when regenerating).
pub fn man_pages_current(
    command: clap::Command,
    dir: &Path,
    expected: &str,
    ours: impl Fn(&str) -> bool,
) {
    let generated = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(command, generated.path()).unwrap();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(generated.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert!(pages.iter().any(|p| p.ends_with(expected)), "{pages:?}");
    for page in &pages {
        let text = std::fs::read(page).unwrap();
        assert!(
            String::from_utf8_lossy(&text).contains(".TH "),
            "{}",
            page.display()
        );
        current(&dir.join(page.file_name().unwrap()), &text);
    }
    let names: Vec<_> = pages.iter().map(|p| p.file_name().unwrap()).collect();
    for committed in std::fs::read_dir(dir).unwrap() {
        let committed = committed.unwrap().path();
        let name = committed.file_name().unwrap();
        if ours(&name.to_string_lossy()) && !names.contains(&name) {
            if regenerate() {
                std::fs::remove_file(&committed).unwrap();
            } else {
                panic!("{} is for no command any more", committed.display());
            }
        }
    }
}
