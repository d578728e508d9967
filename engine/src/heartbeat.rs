//! The exchange's dead-man's switch. Once heartbeats have started
//! (`POST /v1/heartbeats`, L2), the exchange cancels every open order of the
//! account when none arrives for about 10 s, so a dead, frozen or cut-off
//! engine leaves no quote on the book. Live mode sends one every
//! `exchange.heartbeat_interval` from a task of its own (independent of the
//! executor), started after reconciliation.
//!
//! While the switch is not known to be armed (no heartbeat has succeeded, or
//! the last success is older than the exchange's limit), the live venue
//! posts nothing: an order placed then might rest with nothing to take it
//! off the book if the engine died. `/health` shows it as the `heartbeat`
//! check; `ploy_heartbeat_failures_total` counts failures.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::clock::Clock;
use crate::exchange::ClobClient;
use crate::health::Check;
use crate::metrics::Metrics;

/// How long the exchange waits for a heartbeat before it cancels every order.
pub const EXCHANGE_LIMIT: Duration = Duration::from_secs(10);

/// The switch's state, shared by the heartbeat task, the live venue and `/health`.
#[derive(Debug, Default)]
pub struct HeartbeatStatus {
    /// The last heartbeat the exchange acknowledged (Unix ms; 0: none yet).
    last_ok_ms: AtomicI64,
    /// Failed heartbeats since the start.
    failures: AtomicU64,
    /// Woken when the switch becomes armed (the main loop quotes at once).
    armed_now: tokio::sync::Notify,
}

impl HeartbeatStatus {
    /// Whether the switch is armed: a heartbeat succeeded within the
    /// exchange's limit (less a second of margin).
    pub fn armed(&self, now_ms: i64) -> bool {
        let last = self.last_ok_ms.load(Ordering::SeqCst);
        let margin = i64::try_from(EXCHANGE_LIMIT.as_millis()).unwrap_or(10_000) - 1_000;
        last > 0 && now_ms - last < margin
    }

    /// The `/health` check.
    pub fn check(&self, now_ms: i64) -> Check {
        let last = self.last_ok_ms.load(Ordering::SeqCst);
        let failures = self.failures.load(Ordering::SeqCst);
        let check = if self.armed(now_ms) {
            Check::up(Duration::ZERO)
        } else if last == 0 {
            Check::down(
                Duration::ZERO,
                "no heartbeat has been acknowledged yet; no order is posted until the exchange's dead-man's switch is armed",
            )
        } else {
            Check::down(
                Duration::ZERO,
                format!(
                    "the last heartbeat was acknowledged {} s ago: the exchange has cancelled (or will cancel) every open order; no order is posted until heartbeats succeed again",
                    (now_ms - last) / 1000
                ),
            )
        };
        let check = check.with("failures", failures);
        if last > 0 {
            check.with("last_ok_age_ms", (now_ms - last).max(0))
        } else {
            check
        }
    }

    fn succeeded(&self, now_ms: i64) {
        let was_armed = self.armed(now_ms);
        self.last_ok_ms.store(now_ms, Ordering::SeqCst);
        if !was_armed {
            self.armed_now.notify_one();
        }
    }

    /// Waits until the switch becomes armed (again).
    pub async fn became_armed(&self) {
        self.armed_now.notified().await;
    }

    fn failed(&self) -> u64 {
        self.failures.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// Sends heartbeats every `interval` until `stop`.
pub async fn run(
    client: ClobClient,
    status: Arc<HeartbeatStatus>,
    interval: Duration,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
    mut stop: watch::Receiver<bool>,
) {
    let mut id: Option<String> = None;
    let mut failing = false;
    loop {
        match client.post_heartbeat(id.as_deref()).await {
            Ok(next) => {
                if failing {
                    tracing::info!("heartbeats acknowledged again; orders are posted again");
                    failing = false;
                } else if id.is_none() {
                    tracing::info!(
                        interval = ?interval,
                        "heartbeats started: the exchange cancels every open order of ours if they stop"
                    );
                }
                id = Some(next);
                status.succeeded(clock.now_ms());
            },
            Err(e) => {
                let n = status.failed();
                metrics.heartbeat_failures.inc();
                if !failing {
                    tracing::warn!(error = %e, failures = n, "a heartbeat failed; no order is posted while the exchange's dead-man's switch is not armed");
                    failing = true;
                }
            },
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            _ = stop.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armed_only_within_the_exchanges_limit_less_a_margin() {
        let s = HeartbeatStatus::default();
        assert!(!s.armed(1_000_000), "not before the first acknowledgement");
        assert!(s
            .check(1_000_000)
            .error
            .unwrap()
            .contains("no heartbeat has been acknowledged yet"));
        s.succeeded(1_000_000);
        assert!(s.armed(1_008_999));
        assert!(
            !s.armed(1_009_000),
            "a second of margin before the exchange's 10 s"
        );
        let late = s.check(1_012_000);
        assert!(late.error.unwrap().contains("acknowledged 12 s ago"));
        assert_eq!(late.detail["last_ok_age_ms"], 12_000);
        assert_eq!(s.failed(), 1);
        assert_eq!(s.check(1_000_500).detail["failures"], 1);
    }
}
