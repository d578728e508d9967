//! Order books per token, kept from snapshots and level changes. Iteration is
//! ordered (BTreeMap) so every run sees the same sequence.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::event::{Level, MarketEvent};
use crate::orders::{Side, TokenId};

/// One token's book.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderBook {
    bids: BTreeMap<Decimal, Decimal>,
    asks: BTreeMap<Decimal, Decimal>,
    /// The tick size, once known.
    pub tick: Option<Decimal>,
    /// The market's minimum order size (shares), once known (`GET /book`).
    pub min_order_size: Option<Decimal>,
    /// The last trade.
    pub last_trade: Option<Decimal>,
    /// Exchange time of the last change (ms).
    pub updated_ms: i64,
}

impl OrderBook {
    /// Applies an event of this book's token.
    pub fn apply(&mut self, event: &MarketEvent) {
        match event {
            MarketEvent::Book {
                bids, asks, ts_ms, ..
            } => self.reset(bids, asks, *ts_ms),
            MarketEvent::PriceChange {
                side, level, ts_ms, ..
            } => self.set(*side, *level, *ts_ms),
            MarketEvent::Trade { price, ts_ms, .. } => {
                self.last_trade = Some(*price);
                self.updated_ms = *ts_ms;
            },
            MarketEvent::TickSize { tick, ts_ms, .. } => {
                self.tick = Some(*tick);
                self.updated_ms = *ts_ms;
            },
            MarketEvent::Resolved { ts_ms, .. } => self.updated_ms = *ts_ms,
        }
    }

    /// Replaces the book.
    pub fn reset(&mut self, bids: &[Level], asks: &[Level], ts_ms: i64) {
        self.bids = bids
            .iter()
            .filter(|l| l.size > Decimal::ZERO)
            .map(|l| (l.price, l.size))
            .collect();
        self.asks = asks
            .iter()
            .filter(|l| l.size > Decimal::ZERO)
            .map(|l| (l.price, l.size))
            .collect();
        self.updated_ms = ts_ms;
    }

    /// Sets one level (size 0 removes it).
    pub fn set(&mut self, side: Side, level: Level, ts_ms: i64) {
        let book = match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        };
        if level.size > Decimal::ZERO {
            book.insert(level.price, level.size);
        } else {
            book.remove(&level.price);
        }
        self.updated_ms = ts_ms;
    }

    /// Best bid (price, size).
    pub fn best_bid(&self) -> Option<(Decimal, Decimal)> {
        self.bids.iter().next_back().map(|(p, s)| (*p, *s))
    }

    /// Best ask (price, size).
    pub fn best_ask(&self) -> Option<(Decimal, Decimal)> {
        self.asks.iter().next().map(|(p, s)| (*p, *s))
    }

    /// The midpoint, when both sides exist.
    pub fn midpoint(&self) -> Option<Decimal> {
        Some((self.best_bid()?.0 + self.best_ask()?.0) / Decimal::TWO)
    }

    /// Size resting at `price` on `side`.
    pub fn size_at(&self, side: Side, price: Decimal) -> Decimal {
        let book = match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        };
        book.get(&price).copied().unwrap_or_default()
    }

    /// Asks from best (lowest) up.
    pub fn asks(&self) -> impl Iterator<Item = (Decimal, Decimal)> + '_ {
        self.asks.iter().map(|(p, s)| (*p, *s))
    }

    /// Bids from best (highest) down.
    pub fn bids(&self) -> impl Iterator<Item = (Decimal, Decimal)> + '_ {
        self.bids.iter().rev().map(|(p, s)| (*p, *s))
    }
}

/// Every token's book.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Books {
    by_token: BTreeMap<TokenId, OrderBook>,
}

impl Books {
    /// Applies an event; returns the token's updated book.
    pub fn apply(&mut self, event: &MarketEvent) -> &OrderBook {
        let book = self.by_token.entry(event.token().clone()).or_default();
        book.apply(event);
        book
    }

    /// One token's book.
    pub fn get(&self, token: &TokenId) -> Option<&OrderBook> {
        self.by_token.get(token)
    }

    /// Tokens with a book, in order.
    pub fn tokens(&self) -> impl Iterator<Item = &TokenId> {
        self.by_token.keys()
    }

    /// Sets a token's tick size (from `GET /tick-size` or config).
    pub fn set_tick(&mut self, token: &TokenId, tick: Decimal) {
        self.by_token.entry(token.clone()).or_default().tick = Some(tick);
    }

    /// Sets a token's minimum order size (from `GET /book`).
    pub fn set_min_order_size(&mut self, token: &TokenId, size: Decimal) {
        self.by_token
            .entry(token.clone())
            .or_default()
            .min_order_size = Some(size);
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn snapshot_then_changes() {
        let mut books = Books::default();
        let token: TokenId = "1".into();
        books.apply(&MarketEvent::Book {
            token: token.clone(),
            bids: vec![
                Level {
                    price: dec!(0.48),
                    size: dec!(10),
                },
                Level {
                    price: dec!(0.47),
                    size: dec!(5),
                },
            ],
            asks: vec![Level {
                price: dec!(0.52),
                size: dec!(7),
            }],
            ts_ms: 1,
        });
        let book = books.get(&token).unwrap();
        assert_eq!(book.best_bid(), Some((dec!(0.48), dec!(10))));
        assert_eq!(book.midpoint(), Some(dec!(0.50)));
        books.apply(&MarketEvent::PriceChange {
            token: token.clone(),
            side: Side::Buy,
            level: Level {
                price: dec!(0.48),
                size: dec!(0),
            },
            ts_ms: 2,
        });
        books.apply(&MarketEvent::PriceChange {
            token: token.clone(),
            side: Side::Sell,
            level: Level {
                price: dec!(0.51),
                size: dec!(3),
            },
            ts_ms: 3,
        });
        let book = books.get(&token).unwrap();
        assert_eq!(book.best_bid(), Some((dec!(0.47), dec!(5))));
        assert_eq!(book.best_ask(), Some((dec!(0.51), dec!(3))));
        assert_eq!(book.updated_ms, 3);
        assert_eq!(
            book.asks().map(|(p, _)| p).collect::<Vec<_>>(),
            [dec!(0.51), dec!(0.52)]
        );
    }
}
