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
