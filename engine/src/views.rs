//! Read-only views of what the database holds, as pure functions of its rows:
//! the orders an operator asks for, positions with their marks and P&L, and an
//! activity report for a window. `ploy orders`, `ploy positions` and
//! `ploy report` print them; they read the database directly, so they work
//! while the service is stopped. Money stays decimal, as stored.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::orders::{OrderStatus, TokenId};
use crate::portfolio::Position;
use crate::storage::{Deployment, Fill, Mark, OrderRecord, TradingStateChange};

pub use ploy_api::views::{
    ActivityReport, Inventory, OrderCounts, PositionView, PositionsAnswer, ReportAnswer,
};

/// Which orders to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Only orders created at least this long ago (ms).
    pub older_than_ms: Option<i64>,
    /// Only this token.
    pub market: Option<TokenId>,
    /// At most this many (newest first).
    pub limit: usize,
}

/// The orders `query` selects at `now_ms`, newest first.
pub fn select_orders(orders: &[OrderRecord], query: &OrderQuery, now_ms: i64) -> Vec<OrderRecord> {
    let mut picked: Vec<OrderRecord> = orders
        .iter()
        .filter(|o| query.status.is_none_or(|s| o.status == s))
        .filter(|o| {
            query
                .older_than_ms
                .is_none_or(|age| now_ms - o.created_at_ms >= age)
        })
        .filter(|o| query.market.as_ref().is_none_or(|m| &o.token_id == m))
        .cloned()
        .collect();
    picked.sort_by(|a, b| {
        b.created_at_ms
            .cmp(&a.created_at_ms)
            .then_with(|| b.client_id.as_str().cmp(a.client_id.as_str()))
    });
    picked.truncate(query.limit);
    picked
}

/// Positions with their marks and P&L, by token.
pub fn positions(positions: &[Position], marks: &[Mark]) -> Vec<PositionView> {
    let marks: BTreeMap<&TokenId, &Mark> = marks.iter().map(|m| (&m.token_id, m)).collect();
    positions
        .iter()
        .map(|p| {
            let mark = marks.get(&p.token_id);
            PositionView {
                token_id: p.token_id.to_string(),
                size: p.size,
                avg_price: p.avg_price,
                mark: mark.map(|m| m.price),
                mark_at_ms: mark.map(|m| m.ts_ms),
                unrealized_pnl: mark.map(|m| ((m.price - p.avg_price) * p.size).normalize()),
                realized_pnl: p.realized_pnl,
                fees_paid: p.fees_paid,
                updated_at_ms: p.updated_at_ms,
            }
        })
        .collect()
}

/// The activity between `since_ms` and `until_ms`. Realized P&L and inventory
/// come from replaying every fill, in time order, through the same position
/// arithmetic the engine uses, so a window's figures are exact even though
/// positions only keep totals.
pub fn report(
    orders: &[OrderRecord],
    fills: &[Fill],
    changes: &[TradingStateChange],
    deployments: &[Deployment],
    since_ms: i64,
    until_ms: i64,
) -> ActivityReport {
    let in_window = |t: i64| t >= since_ms && t <= until_ms;
    let mut counts = OrderCounts::default();
    for o in orders {
        if in_window(o.created_at_ms) {
            counts.placed += 1;
        }
        let ended_in_window = in_window(o.updated_at_ms);
        match o.status {
            OrderStatus::Filled if ended_in_window => counts.filled += 1,
            OrderStatus::Failed if ended_in_window => counts.failed += 1,
            OrderStatus::Cancelled if ended_in_window => counts.cancelled += 1,
            OrderStatus::Open | OrderStatus::Pending => counts.open_now += 1,
            _ => {},
        }
    }
    let mut sorted: Vec<&Fill> = fills.iter().collect();
    sorted.sort_by(|a, b| {
        a.ts_ms
            .cmp(&b.ts_ms)
            .then_with(|| a.trade_id.as_str().cmp(b.trade_id.as_str()))
    });
    let mut books: BTreeMap<TokenId, Position> = BTreeMap::new();
    let (mut n, mut volume, mut fees, mut realized) =
        (0u64, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut largest: Option<Inventory> = None;
    for f in sorted {
        if f.ts_ms > until_ms {
            break;
        }
        if f.ts_ms >= since_ms && n == 0 {
            // What was held when the window opened counts too.
            for (token, p) in &books {
                consider(token, p.size, &mut largest);
            }
        }
        let position = books
            .entry(f.token_id.clone())
            .or_insert_with(|| Position::flat(f.token_id.clone()));
        let before = position.realized_pnl;
        position.apply_fill(f.side, f.price, f.size, f.fee, f.ts_ms);
        if f.ts_ms >= since_ms {
            n += 1;
            volume += f.price * f.size;
            fees += f.fee;
            realized += position.realized_pnl - before;
            consider(&f.token_id, position.size, &mut largest);
        }
    }
    if n == 0 {
        for (token, p) in &books {
            consider(token, p.size, &mut largest);
        }
    }
    ActivityReport {
        since_ms,
        until_ms,
        orders: counts,
        fills: n,
        volume: volume.normalize(),
        fees: fees.normalize(),
        realized_pnl: realized.normalize(),
        net_pnl: (realized - fees).normalize(),
        largest_inventory: largest,
        kill_switch_changes: changes
            .iter()
            .filter(|c| in_window(c.changed_at_ms))
            .cloned()
            .collect(),
        deployments: deployments
            .iter()
            .filter(|d| in_window(d.started_at_ms))
            .cloned()
            .collect(),
        last_fill_ms: fills.iter().map(|f| f.ts_ms).max(),
    }
}

/// Keeps the larger of the inventory seen so far and `size` of `token`.
fn consider(token: &TokenId, size: Decimal, largest: &mut Option<Inventory>) {
    if size != Decimal::ZERO && largest.as_ref().is_none_or(|l| size.abs() > l.size.abs()) {
        *largest = Some(Inventory {
            token_id: token.to_string(),
            size,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::orders::{ClientOrderId, Side};
    use crate::storage::TradingStateChange;
    use ploy_api::TradingState;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn order(
        id: &str,
        token: &str,
        status: OrderStatus,
        created: i64,
        updated: i64,
    ) -> OrderRecord {
        OrderRecord {
            client_id: ClientOrderId(id.into()),
            order_hash: None,
            token_id: token.into(),
            side: Side::Buy,
            price: d("0.5"),
            size: d("5"),
            filled_size: Decimal::ZERO,
            status,
            mode: "paper".into(),
            signed_order: None,
            error: None,
            created_at_ms: created,
            updated_at_ms: updated,
        }
    }

    fn fill(
        id: &str,
        token: &str,
        side: Side,
        price: &str,
        size: &str,
        fee: &str,
        ts: i64,
    ) -> Fill {
        Fill {
            trade_id: id.into(),
            client_id: ClientOrderId(format!("c-{id}")),
            token_id: token.into(),
            side,
            price: d(price),
            size: d(size),
            fee: d(fee),
            ts_ms: ts,
        }
    }

    #[test]
    fn orders_are_filtered_newest_first_and_limited() {
        let orders = vec![
            order("a", "1", OrderStatus::Open, 1_000, 1_000),
            order("b", "1", OrderStatus::Open, 9_000, 9_000),
            order("c", "2", OrderStatus::Open, 5_000, 5_000),
            order("d", "1", OrderStatus::Filled, 2_000, 3_000),
        ];
        let open_old = OrderQuery {
            status: Some(OrderStatus::Open),
            older_than_ms: Some(4_000),
            market: None,
            limit: 10,
        };
        let ids = |v: Vec<OrderRecord>| v.into_iter().map(|o| o.client_id.0).collect::<Vec<_>>();
        assert_eq!(ids(select_orders(&orders, &open_old, 10_000)), ["c", "a"]);
        let market = OrderQuery {
            market: Some("1".into()),
            limit: 2,
            ..OrderQuery::default()
        };
        assert_eq!(ids(select_orders(&orders, &market, 10_000)), ["b", "d"]);
    }

    #[test]
    fn positions_are_marked_when_a_mark_is_known() {
        let mut long = Position::flat("1".into());
        long.apply_fill(Side::Buy, d("0.40"), d("10"), d("0.01"), 5);
        let mut short = Position::flat("2".into());
        short.apply_fill(Side::Sell, d("0.70"), d("4"), d("0"), 6);
        let marks = [Mark {
            token_id: "1".into(),
            price: d("0.45"),
            ts_ms: 9,
        }];
        let view = positions(&[long, short], &marks);
        assert_eq!(view[0].unrealized_pnl, Some(d("0.5")));
        assert_eq!(view[0].mark_at_ms, Some(9));
        assert_eq!(view[1].mark, None);
        assert_eq!(view[1].unrealized_pnl, None);
    }

    #[test]
    fn a_window_counts_its_fills_pnl_inventory_changes_and_deployments() {
        let fills = [
            // Before the window: 10 long at 0.40.
            fill("t1", "1", Side::Buy, "0.40", "10", "0", 100),
            // In the window: sell 6 at 0.50 (realizes 0.60), buy 20 of token 2.
            fill("t2", "1", Side::Sell, "0.50", "6", "0.02", 1_100),
            fill("t3", "2", Side::Buy, "0.30", "20", "0.03", 1_200),
            // After the window.
            fill("t4", "2", Side::Sell, "0.35", "20", "0", 5_000),
        ];
        let orders = [
            order("a", "1", OrderStatus::Filled, 900, 1_100),
            order("b", "2", OrderStatus::Open, 1_150, 1_150),
            order("c", "2", OrderStatus::Cancelled, 500, 600),
        ];
        let changes = [
            TradingStateChange {
                state: TradingState::Halted,
                changed_at_ms: 1_300,
                source: "PUT /trading-state from 127.0.0.1:1".into(),
                reason: None,
            },
            TradingStateChange {
                state: TradingState::Active,
                changed_at_ms: 50,
                source: "earlier".into(),
                reason: None,
            },
        ];
        let deployments = [Deployment {
            version: "0.1.0".into(),
            git_sha: "abc".into(),
            profile: "release".into(),
            hostname: "h".into(),
            started_at_ms: 1_050,
        }];
        let r = report(&orders, &fills, &changes, &deployments, 1_000, 2_000);
        assert_eq!(r.fills, 2);
        assert_eq!(r.volume, d("9"), "0.50×6 + 0.30×20");
        assert_eq!(r.fees, d("0.05"));
        assert_eq!(r.realized_pnl, d("0.6"));
        assert_eq!(r.net_pnl, d("0.55"));
        assert_eq!(
            r.largest_inventory,
            Some(Inventory {
                token_id: "2".into(),
                size: d("20")
            })
        );
        assert_eq!(
            r.orders,
            OrderCounts {
                placed: 1,
                filled: 1,
                failed: 0,
                cancelled: 0,
                open_now: 1
            }
        );
        assert_eq!(r.kill_switch_changes.len(), 1);
        assert_eq!(r.deployments.len(), 1);
    }

    #[test]
    fn a_quiet_window_still_shows_what_was_held() {
        let fills = [fill("t1", "1", Side::Buy, "0.40", "10", "0", 100)];
        let r = report(&[], &fills, &[], &[], 1_000, 2_000);
        assert_eq!(r.fills, 0);
        assert_eq!(r.realized_pnl, Decimal::ZERO);
        assert_eq!(r.largest_inventory.unwrap().size, d("10"));
    }
}
