//! The invariants of ARCHITECTURE.md that a grep over the sources can check.

use std::path::{Path, PathBuf};

/// Every `file:line` under `src/` whose line contains one of `needles`,
/// outside the files and folders in `allowed` (paths relative to `src/`).
fn lines_containing(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    fn walk(dir: &Path, src: &Path, needles: &[&str], allowed: &[&str], found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read src").flatten() {
            let path = entry.path();
            let relative = path.strip_prefix(src).unwrap_or(&path);
            if allowed.iter().any(|a| relative == Path::new(a)) {
                continue;
            }
            if path.is_dir() {
                walk(&path, src, needles, allowed, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read file");
                found.extend(
                    text.lines()
                        .enumerate()
                        .filter(|(_, line)| needles.iter().any(|n| line.contains(n)))
                        .map(|(i, _)| format!("{}:{}", relative.display(), i + 1)),
                );
            }
        }
    }
    let src: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    walk(&src, &src, needles, allowed, &mut found);
    found
}

/// Only `clock.rs` reads the system clock.
#[test]
fn nothing_but_the_clock_reads_the_system_clock() {
    let found = lines_containing(&[concat!("SystemTime", "::now")], &["clock.rs"]);
    assert!(
        found.is_empty(),
        "read the time through clock::Clock: {found:?}"
    );
}

/// Network clients appear only under `exchange/`, and in `ploy
/// health-check`, which probes the engine's own `/health`.
#[test]
fn only_the_exchange_module_touches_the_network() {
    let found = lines_containing(
        &[
            concat!("reqwest", "::"),
            concat!("tokio_tungstenite", "::"),
            concat!("TcpStream", "::connect"),
        ],
        &["exchange", "commands/health_check.rs"],
    );
    assert!(
        found.is_empty(),
        "network calls go through exchange/: {found:?}"
    );
}

/// The trading core, the strategy and the learning policy do no I/O: no
/// async, no storage, no network, no clock of their own.
#[test]
fn the_trading_core_and_the_strategy_do_no_io() {
    let io = [
        "async fn",
        ".await",
        "crate::storage",
        "crate::exchange",
        "tokio::",
        concat!("Instant", "::now"),
    ];
    let mut found = Vec::new();
    for file in [
        "trading/core.rs",
        "trading/own_book.rs",
        "trading/paper.rs",
        "orders/refusal.rs",
        "trading/sim.rs",
        "strategy/quoter.rs",
        "risk.rs",
        "rl/features.rs",
        "rl/linucb.rs",
        "rl/model.rs",
        "rl/train.rs",
        "rl/eval.rs",
        "rl/synth.rs",
    ] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(file))
                .expect("read file");
        // The tests at the bottom may do what they like.
        let body = text.split("#[cfg(test)]").next().unwrap_or("");
        found.extend(
            body.lines()
                .enumerate()
                .filter(|(_, line)| io.iter().any(|n| line.contains(n)))
                .map(|(i, _)| format!("{file}:{}", i + 1)),
        );
    }
    assert!(found.is_empty(), "the core stays pure: {found:?}");
}
