//! Our own orders in the exchange's book, taken out again so the strategy
//! prices from the other traders' orders only.
//!
//! The exchange publishes one book per token, and it holds our resting
//! orders as it holds everyone's. A quoter that takes the midpoint of that
//! book sees its own bid as the best bid and chases it up the book. So the
//! core subtracts, level by level, what it knows of its own orders: every
//! order it tracks (pending ones too, since the book may show an order
//! before its post is answered) at its price and remaining size, never more
//! than the level holds.
//!
//! An order that left the book by our account (our cancel confirmed, a fill)
//! may still be in the book the feed last sent: the feed and the order's
//! answer race. Its size stays subtracted as a [`Ghost`] until the book
//! shows the level shrink by it, or for [`GHOST_MS`] of event time at most.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::market_data::OrderBook;
use crate::orders::{Side, TokenId};

/// How long (event time) an order that left the book by our account is
/// still subtracted when the book does not show it leave.
pub const GHOST_MS: i64 = 2_000;

/// Size of ours that left a level by our account, not yet seen leave the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ghost {
    /// Bid or ask.
    pub side: Side,
    /// The level.
    pub price: Decimal,
    /// Shares still believed in the book.
    pub size: Decimal,
    /// Forgotten after this (event time).
    pub until_ms: i64,
}

/// Our size in the book per level, beyond the orders the core tracks.
#[derive(Debug, Clone, Default)]
pub struct OwnBook {
    ghosts: BTreeMap<TokenId, Vec<Ghost>>,
}

impl OwnBook {
    /// `size` of ours at `price` left the book by our account at `now_ms`.
    pub fn left(
        &mut self,
        token: &TokenId,
        side: Side,
        price: Decimal,
        size: Decimal,
        now_ms: i64,
    ) {
        if size <= Decimal::ZERO {
            return;
        }
        let ghosts = self.ghosts.entry(token.clone()).or_default();
        match ghosts
            .iter_mut()
            .find(|g| g.side == side && g.price == price)
        {
            Some(g) => {
                g.size += size;
                g.until_ms = now_ms.saturating_add(GHOST_MS);
            },
            None => ghosts.push(Ghost {
                side,
                price,
                size,
                until_ms: now_ms.saturating_add(GHOST_MS),
            }),
        }
    }

    /// Whether `token` has ghosts (its book's levels must be watched).
    pub fn watching(&self, token: &TokenId) -> bool {
        self.ghosts.get(token).is_some_and(|g| !g.is_empty())
    }

    /// The levels of `token` with ghosts, and their size in `book` now.
    pub fn levels_now(
        &self,
        token: &TokenId,
        book: Option<&OrderBook>,
    ) -> Vec<(Side, Decimal, Decimal)> {
        self.ghosts
            .get(token)
            .map(|ghosts| {
                ghosts
                    .iter()
                    .map(|g| {
                        let size = book.map(|b| b.size_at(g.side, g.price)).unwrap_or_default();
                        (g.side, g.price, size)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The book of `token` changed: each level with a ghost that shrank
    /// (`before` is [`Self::levels_now`] taken before the change) takes the
    /// shrink off its ghost; ghosts past their time are dropped.
    pub fn book_changed(
        &mut self,
        token: &TokenId,
        before: &[(Side, Decimal, Decimal)],
        book: Option<&OrderBook>,
        now_ms: i64,
    ) {
        let Some(ghosts) = self.ghosts.get_mut(token) else {
            return;
        };
        for (side, price, was) in before {
            let now = book.map(|b| b.size_at(*side, *price)).unwrap_or_default();
            let shrink = (*was - now).max(Decimal::ZERO);
            if shrink.is_zero() {
                continue;
            }
            if let Some(g) = ghosts
                .iter_mut()
                .find(|g| g.side == *side && g.price == *price)
            {
                g.size -= shrink.min(g.size);
            }
        }
        ghosts.retain(|g| g.size > Decimal::ZERO && g.until_ms >= now_ms);
        if ghosts.is_empty() {
            self.ghosts.remove(token);
        }
    }

    /// Drops what has outlived [`GHOST_MS`] at `now_ms`.
    pub fn expire(&mut self, now_ms: i64) {
        self.ghosts.retain(|_, ghosts| {
            ghosts.retain(|g| g.until_ms >= now_ms);
            !ghosts.is_empty()
        });
    }

    /// Ghost size of `token` at a level.
    pub fn at(&self, token: &TokenId, side: Side, price: Decimal) -> Decimal {
        self.ghosts
            .get(token)
            .map(|ghosts| {
                ghosts
                    .iter()
                    .filter(|g| g.side == side && g.price == price)
                    .map(|g| g.size)
                    .sum()
            })
            .unwrap_or_default()
    }

    /// Every ghost of `token`.
    pub fn of(&self, token: &TokenId) -> &[Ghost] {
        self.ghosts.get(token).map_or(&[], Vec::as_slice)
    }
}

/// Our size per level of one token: `(side, price) → shares`.
pub type OwnLevels = BTreeMap<(Side, Decimal), Decimal>;

/// The best level of one side of the others' book: walking `levels` from
/// the best, each level less our size there; the first with something left.
pub fn others_best(
    levels: impl Iterator<Item = (Decimal, Decimal)>,
    side: Side,
    own: &OwnLevels,
) -> Option<(Decimal, Decimal)> {
    for (price, size) in levels {
        let ours = own.get(&(side, price)).copied().unwrap_or_default();
        let left = size - ours.min(size);
        if left > Decimal::ZERO {
            return Some((price, left));
        }
    }
    None
}

/// The others' best bid and best ask of `book`.
pub fn others_top(
    book: &OrderBook,
    own: &OwnLevels,
) -> (Option<(Decimal, Decimal)>, Option<(Decimal, Decimal)>) {
    if own.is_empty() {
        return (book.best_bid(), book.best_ask());
    }
    (
        others_best(book.bids(), Side::Buy, own),
        others_best(book.asks(), Side::Sell, own),
    )
}

/// `book` without our size: each level less ours (never below zero).
pub fn others_book(book: &OrderBook, own: &OwnLevels) -> OrderBook {
    let mut others = book.clone();
    for ((side, price), ours) in own {
        let size = book.size_at(*side, *price);
        if size > Decimal::ZERO {
            others.set(
                *side,
                crate::market_data::Level {
                    price: *price,
                    size: size - (*ours).min(size),
                },
                book.updated_ms,
            );
        }
    }
    others
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::market_data::{Books, Level, MarketEvent};

    fn book(bids: &[(Decimal, Decimal)], asks: &[(Decimal, Decimal)]) -> OrderBook {
        let level = |&(price, size): &(Decimal, Decimal)| Level { price, size };
        let mut books = Books::default();
        books
            .apply(&MarketEvent::Book {
                token: "t".into(),
                bids: bids.iter().map(level).collect(),
                asks: asks.iter().map(level).collect(),
                ts_ms: 0,
            })
            .clone()
    }

    #[test]
    fn our_bid_alone_at_the_top_is_not_the_best_bid() {
        let b = book(
            &[(dec!(0.48), dec!(5)), (dec!(0.40), dec!(100))],
            &[(dec!(0.60), dec!(100))],
        );
        let mut own = OwnLevels::new();
        own.insert((Side::Buy, dec!(0.48)), dec!(5));
        let (bid, ask) = others_top(&b, &own);
        assert_eq!(bid, Some((dec!(0.40), dec!(100))));
        assert_eq!(ask, Some((dec!(0.60), dec!(100))));
        assert_eq!(others_book(&b, &own).midpoint(), Some(dec!(0.50)));
    }

    #[test]
    fn sharing_a_level_leaves_the_others_there() {
        let b = book(&[(dec!(0.40), dec!(100))], &[(dec!(0.60), dec!(100))]);
        let mut own = OwnLevels::new();
        own.insert((Side::Buy, dec!(0.40)), dec!(5));
        assert_eq!(others_top(&b, &own).0, Some((dec!(0.40), dec!(95))));
        // More of ours than the level shows (it is not published yet): never below zero.
        own.insert((Side::Buy, dec!(0.40)), dec!(500));
        assert_eq!(others_top(&b, &own).0, None);
    }

    #[test]
    fn a_ghost_stays_until_the_book_shows_the_level_shrink_or_its_time_is_up() {
        let token: TokenId = "t".into();
        let mut own = OwnBook::default();
        own.left(&token, Side::Buy, dec!(0.48), dec!(5), 1_000);
        let before_book = book(&[(dec!(0.48), dec!(5))], &[]);
        let before = own.levels_now(&token, Some(&before_book));
        // A change elsewhere does not consume it.
        own.book_changed(&token, &before, Some(&before_book), 1_100);
        assert_eq!(own.at(&token, Side::Buy, dec!(0.48)), dec!(5));
        // The level empties: the ghost is gone.
        let after = book(&[], &[]);
        own.book_changed(&token, &before, Some(&after), 1_200);
        assert_eq!(own.at(&token, Side::Buy, dec!(0.48)), Decimal::ZERO);
        assert!(!own.watching(&token));
        // Never seen leave: forgotten after GHOST_MS.
        own.left(&token, Side::Sell, dec!(0.60), dec!(3), 2_000);
        own.expire(2_000 + GHOST_MS);
        assert_eq!(own.at(&token, Side::Sell, dec!(0.60)), dec!(3));
        own.expire(2_001 + GHOST_MS);
        assert_eq!(own.at(&token, Side::Sell, dec!(0.60)), Decimal::ZERO);
    }
}
