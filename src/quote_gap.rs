//! The time a deploy leaves the market without our quotes, from the engine's
//! own order records (`ploy orders --json`): from the last quote the old
//! process cancelled (its shutdown cancels every resting order) to the first
//! quote the new one placed. Each process names its orders
//! `<mode>-<start>-<seq>`, so the records tell the processes apart. Pure.

use serde::{Deserialize, Serialize};

/// One row of `ploy orders --json`, the fields used here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderRow {
    /// `<mode>-<process start>-<seq>`.
    pub client_id: String,
    /// `pending`, `open`, `filled`, `cancelled`, `failed`.
    pub status: String,
    /// Stored (Unix ms).
    pub created_at_ms: i64,
    /// Last changed: for a cancelled order, when it was cancelled.
    pub updated_at_ms: i64,
}

/// The gap between two processes' quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuoteGap {
    /// The old process's last cancel (Unix ms, the host's clock).
    pub last_old_cancel_ms: i64,
    /// The new process's first order placed.
    pub first_new_quote_ms: i64,
    /// The difference (0 when the new quote came first).
    pub gap_ms: u64,
}

/// The process an order belongs to: its id without the sequence number.
fn process(client_id: &str) -> &str {
    client_id.rsplit_once('-').map_or(client_id, |(p, _)| p)
}

/// The gap between the first process that placed orders after
/// `restarted_at_ms` (when ployctl started the new release, the host's clock)
/// and the last one before it, when both quoted (the old one had an order
/// cancelled, the new one placed one that did not fail).
pub fn measure(orders: &[OrderRow], restarted_at_ms: i64) -> Option<QuoteGap> {
    let mut processes: Vec<(&str, i64)> = Vec::new();
    for o in orders {
        let p = process(&o.client_id);
        match processes.iter_mut().find(|(name, _)| *name == p) {
            Some((_, first)) => *first = (*first).min(o.created_at_ms),
            None => processes.push((p, o.created_at_ms)),
        }
    }
    processes.sort_by_key(|(_, first)| *first);
    let split = processes.partition_point(|(_, first)| *first < restarted_at_ms);
    let (old, _) = *processes.get(split.checked_sub(1)?)?;
    let (new, _) = *processes.get(split)?;
    let last_old_cancel_ms = orders
        .iter()
        .filter(|o| process(&o.client_id) == old && o.status == "cancelled")
        .map(|o| o.updated_at_ms)
        .max()?;
    let first_new_quote_ms = orders
        .iter()
        .filter(|o| process(&o.client_id) == new && o.status != "failed")
        .map(|o| o.created_at_ms)
        .min()?;
    Some(QuoteGap {
        last_old_cancel_ms,
        first_new_quote_ms,
        gap_ms: u64::try_from(first_new_quote_ms - last_old_cancel_ms).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, status: &str, created: i64, updated: i64) -> OrderRow {
        OrderRow {
            client_id: id.to_owned(),
            status: status.to_owned(),
            created_at_ms: created,
            updated_at_ms: updated,
        }
    }

    #[test]
    fn the_gap_runs_from_the_old_last_cancel_to_the_new_first_quote() {
        let orders = [
            row("live-b-000002", "open", 9_000, 9_000),
            row("live-b-000001", "failed", 8_000, 8_000),
            row("live-a-000002", "cancelled", 2_000, 5_500),
            row("live-a-000001", "cancelled", 1_000, 4_000),
            row("live-0-000001", "cancelled", 10, 20),
        ];
        assert_eq!(
            measure(&orders, 7_000),
            Some(QuoteGap {
                last_old_cancel_ms: 5_500,
                first_new_quote_ms: 9_000,
                gap_ms: 3_500
            }),
            "the failed post is no quote; the older process is not the old one"
        );
        assert_eq!(
            measure(&orders[2..], 7_000),
            None,
            "the new release has not quoted yet: no gap from an older deploy"
        );
    }

    #[test]
    fn no_gap_without_two_quoting_processes() {
        assert_eq!(measure(&[], 3), None);
        assert_eq!(measure(&[row("live-a-000001", "open", 1, 1)], 3), None);
        let old_never_cancelled = [
            row("live-a-000001", "filled", 1, 2),
            row("live-b-000001", "open", 5, 5),
        ];
        assert_eq!(measure(&old_never_cancelled, 3), None);
        let new_not_yet = [
            row("live-a-000001", "cancelled", 1, 2),
            row("live-b-000001", "failed", 5, 5),
        ];
        assert_eq!(measure(&new_not_yet, 3), None);
        let overlap = [
            row("paper-a-000001", "cancelled", 1, 9),
            row("paper-b-000001", "open", 5, 5),
        ];
        assert_eq!(measure(&overlap, 3).map(|g| g.gap_ms), Some(0));
    }
}
