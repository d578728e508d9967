//! Time, injected: the live clock reads the system; the historical clock is
//! set from recorded receive times, so a replay gives the same result every run.
//! Nothing in the engine calls `SystemTime::now()` outside a `Clock`.

use std::sync::atomic::{AtomicI64, Ordering};

/// Unix milliseconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, in Unix milliseconds.
    fn now_ms(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// Now on the system clock, in Unix milliseconds (for code that has no
/// injected [`Clock`]: commands, `/health`, request stamps).
pub fn wall_ms() -> i64 {
    SystemClock.now_ms()
}

/// A clock that shows whatever it was last set to.
#[derive(Debug, Default)]
pub struct HistoricalClock(AtomicI64);

impl HistoricalClock {
    /// A clock at `ms`.
    pub fn at(ms: i64) -> Self {
        Self(AtomicI64::new(ms))
    }

    /// Moves the clock (never backwards).
    pub fn advance_to(&self, ms: i64) {
        self.0.fetch_max(ms, Ordering::SeqCst);
    }
}

impl Clock for HistoricalClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    /// The documented rule, checked: only this module reads the system clock.
    #[test]
    fn nothing_else_reads_the_system_clock() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("read src").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("clock.rs")
                {
                    scan(&path, found);
                }
            }
        }
        fn scan(path: &std::path::Path, found: &mut Vec<String>) {
            let text = std::fs::read_to_string(path).expect("read file");
            found.extend(
                text.lines()
                    .enumerate()
                    .filter(|(_, line)| line.contains(concat!("SystemTime", "::now")))
                    .map(|(i, _)| format!("{}:{}", path.display(), i + 1)),
            );
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "read the time through clock::Clock: {found:?}"
        );
    }
}
