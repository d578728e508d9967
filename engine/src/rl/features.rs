//! The context a quoting decision is made in, per token, from the book and
//! the recent trades only (event time; no clock, no I/O):
//!
//! | # | feature | scale |
//! |---|---|---|
//! | 0 | bias | 1 |
//! | 1 | the book's spread in ticks | ÷ 5, at most 2 |
//! | 2 | top-of-book imbalance (bid − ask size) / (bid + ask size) | −1 … 1 |
//! | 3 | absolute mid movement over the last window, in ticks | ÷ 5, at most 2 |
//! | 4 | trades per second over the last window | ÷ 2, at most 2 |
//! | 5 | signed flow: (taker buys − taker sells) / volume | −1 … 1 |
//! | 6 | mean trade size over the last window, in quotes | ÷ 4, at most 2 |
//! | 7 | inventory relative to the position limit | 0 … 1 |
//! | 8 | p(1 − p) of the midpoint, times 4 | 0 … 1 |

use std::collections::VecDeque;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::market_data::{MarketEvent, OrderBook};
use crate::orders::Side;

/// How many features a context has.
pub const DIM: usize = 9;

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// One token's recent trades and mids, over a sliding window of event time.
#[derive(Debug, Clone)]
pub struct ContextTracker {
    window_ms: i64,
    /// (time, mid).
    mids: VecDeque<(i64, f64)>,
    /// (time, signed size: + taker buy).
    trades: VecDeque<(i64, f64)>,
}

impl ContextTracker {
    /// A tracker looking back `window_ms`.
    pub fn new(window_ms: i64) -> Self {
        Self {
            window_ms: window_ms.max(1),
            mids: VecDeque::new(),
            trades: VecDeque::new(),
        }
    }

    /// Takes in a market event for this token (after the book applied it).
    pub fn observe(&mut self, event: &MarketEvent, book: Option<&OrderBook>, now_ms: i64) {
        if let MarketEvent::Trade {
            size, taker_side, ..
        } = event
        {
            let signed = match taker_side {
                Side::Buy => f(*size),
                Side::Sell => -f(*size),
            };
            self.trades.push_back((now_ms, signed));
        }
        if let Some(mid) = book.and_then(OrderBook::midpoint) {
            self.mids.push_back((now_ms, f(mid)));
        }
        self.forget(now_ms);
    }

    fn forget(&mut self, now_ms: i64) {
        let since = now_ms - self.window_ms;
        // Keep one mid from before the window, as the window's starting mid.
        while self.mids.len() > 1 && self.mids[1].0 <= since {
            self.mids.pop_front();
        }
        while self.trades.front().is_some_and(|t| t.0 <= since) {
            self.trades.pop_front();
        }
    }

    /// The context now, or `None` while the book is one-sided or empty.
    pub fn context(
        &mut self,
        book: &OrderBook,
        tick: Decimal,
        position: Decimal,
        max_position: Decimal,
        order_size: Decimal,
        now_ms: i64,
    ) -> Option<[f64; DIM]> {
        self.forget(now_ms);
        let (bid, bid_size) = book.best_bid()?;
        let (ask, ask_size) = book.best_ask()?;
        let tick = f(tick).max(1e-9);
        let mid = f((bid + ask) / Decimal::TWO);
        let spread_ticks = f(ask - bid) / tick;
        let depth = f(bid_size + ask_size);
        let imbalance = if depth > 0.0 {
            f(bid_size - ask_size) / depth
        } else {
            0.0
        };
        let first_mid = self.mids.front().map_or(mid, |m| m.1);
        let moved = (mid - first_mid).abs() / tick;
        #[allow(clippy::cast_precision_loss)]
        let n = self.trades.len() as f64;
        #[allow(clippy::cast_precision_loss)]
        let rate = n / (self.window_ms as f64 / 1000.0);
        let volume: f64 = self.trades.iter().map(|t| t.1.abs()).sum();
        let signed: f64 = self.trades.iter().map(|t| t.1).sum();
        let flow = if volume > 0.0 { signed / volume } else { 0.0 };
        let mean_size = if n > 0.0 { volume / n } else { 0.0 };
        let quote = f(order_size).max(1e-9);
        let limit = f(max_position).max(1e-9);
        Some([
            1.0,
            (spread_ticks / 5.0).min(2.0),
            imbalance,
            (moved / 5.0).min(2.0),
            (rate / 2.0).min(2.0),
            flow,
            (mean_size / quote / 4.0).min(2.0),
            (f(position) / limit).clamp(0.0, 1.0),
            4.0 * mid * (1.0 - mid),
        ])
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::market_data::{Books, Level};

    fn book_event(bid: Decimal, ask: Decimal, ts_ms: i64) -> MarketEvent {
        MarketEvent::Book {
            token: "1".into(),
            bids: vec![Level {
                price: bid,
                size: dec!(30),
            }],
            asks: vec![Level {
                price: ask,
                size: dec!(10),
            }],
            ts_ms,
        }
    }

    #[test]
    fn the_context_reads_the_book_the_trades_and_the_inventory() {
        let mut books = Books::default();
        let mut t = ContextTracker::new(5_000);
        let e = book_event(dec!(0.49), dec!(0.51), 0);
        t.observe(&e, Some(books.apply(&e)), 0);
        let trade = MarketEvent::Trade {
            token: "1".into(),
            price: dec!(0.49),
            size: dec!(20),
            taker_side: Side::Sell,
            ts_ms: 1000,
        };
        t.observe(&trade, Some(books.apply(&trade)), 1000);
        let e = book_event(dec!(0.45), dec!(0.49), 2000);
        t.observe(&e, Some(books.apply(&e)), 2000);
        let book = books.get(&"1".into()).unwrap();
        let x = t
            .context(book, dec!(0.01), dec!(5), dec!(20), dec!(5), 2000)
            .unwrap();
        assert_eq!(x[0], 1.0);
        assert!((x[1] - 4.0 / 5.0).abs() < 1e-9, "spread 4 ticks: {x:?}");
        assert!((x[2] - 0.5).abs() < 1e-9, "imbalance (30-10)/40: {x:?}");
        assert!(
            (x[3] - 3.0 / 5.0).abs() < 1e-9,
            "the mid moved 3 ticks: {x:?}"
        );
        assert!((x[4] - 0.2 / 2.0).abs() < 1e-9, "1 trade in 5 s: {x:?}");
        assert!((x[5] + 1.0).abs() < 1e-9, "all taker sells: {x:?}");
        assert!(
            (x[6] - 1.0).abs() < 1e-9,
            "20 shares = 4 quotes of 5: {x:?}"
        );
        assert!((x[7] - 0.25).abs() < 1e-9);
        assert!((x[8] - 4.0 * 0.47 * 0.53).abs() < 1e-9);
        // Past the window, the trade and the old mids are forgotten.
        let later = t
            .context(book, dec!(0.01), dec!(0), dec!(20), dec!(5), 9000)
            .unwrap();
        assert_eq!((later[3], later[4], later[5]), (0.0, 0.0, 0.0));
        let empty = OrderBook::default();
        assert!(t
            .context(&empty, dec!(0.01), dec!(0), dec!(20), dec!(5), 9000)
            .is_none());
    }
}
