//! Quoting around the midpoint, long-only.
//!
//! Each token gets at most one bid and one ask:
//!
//! - **reservation price** = midpoint − skew, where skew =
//!   `inventory_skew × position / max_position` (clamped to ±`inventory_skew`):
//!   holding inventory leans both quotes down, so the ask sells sooner and the
//!   bid buys less eagerly;
//! - **bid** = reservation − `half_spread`, rounded down to the tick; **ask** =
//!   reservation + `half_spread`, rounded up;
//! - both are post-only: a bid is kept below the best ask and an ask above the
//!   best bid, and both inside [tick, 1 − tick];
//! - the bid is `order_size` (less what would pass `max_position`); the ask
//!   sells only shares held (Polymarket outcome tokens cannot be sold short),
//!   at most `order_size`;
//! - a resting quote is kept while its price is within `requote_ticks` of the
//!   desired price and its size matches; otherwise it is cancelled and replaced.
//!   A one-sided or empty book means no quotes.
//!
//! The book is the other traders': the caller takes our own resting orders
//! out of it first (`trading::own_book`), else the midpoint would follow our
//! own bid up the book.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::orders::{ClientOrderId, Side, TokenId};

/// The strategy's settings (from `[strategy]` and `[risk]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteParams {
    /// Distance of each quote from the reservation price.
    pub half_spread: Decimal,
    /// Shares per quote.
    pub order_size: Decimal,
    /// Price lean at a full position.
    pub inventory_skew: Decimal,
    /// Keep a quote while within this many ticks of the desired price.
    pub requote_ticks: u32,
    /// The position at which skew is full and bids stop.
    pub max_position: Decimal,
}

/// One of our orders resting on a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestingQuote {
    /// Our ID.
    pub client_id: ClientOrderId,
    /// Side.
    pub side: Side,
    /// Price.
    pub price: Decimal,
    /// Shares still open.
    pub remaining: Decimal,
}

/// What the strategy sees of one token.
#[derive(Debug, Clone, Copy)]
pub struct QuoteState<'a> {
    /// The token.
    pub token: &'a TokenId,
    /// The others' best bid (our own orders taken out).
    pub best_bid: Option<Decimal>,
    /// The others' best ask (our own orders taken out).
    pub best_ask: Option<Decimal>,
    /// The tick size.
    pub tick: Decimal,
    /// Our position (shares).
    pub position: Decimal,
    /// Our resting orders on it.
    pub resting: &'a [RestingQuote],
}

/// A quote to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Token.
    pub token: TokenId,
    /// Side.
    pub side: Side,
    /// Price.
    pub price: Decimal,
    /// Shares.
    pub size: Decimal,
}

/// Cancels and new quotes for one token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// Orders to cancel.
    pub cancels: Vec<ClientOrderId>,
    /// Quotes to place.
    pub places: Vec<Quote>,
}

fn floor_to(value: Decimal, tick: Decimal) -> Decimal {
    ((value / tick).round_dp_with_strategy(0, RoundingStrategy::ToNegativeInfinity) * tick)
        .normalize()
}

fn ceil_to(value: Decimal, tick: Decimal) -> Decimal {
    ((value / tick).round_dp_with_strategy(0, RoundingStrategy::ToPositiveInfinity) * tick)
        .normalize()
}

fn round_size(size: Decimal) -> Decimal {
    size.round_dp_with_strategy(2, RoundingStrategy::ToZero)
        .normalize()
}

/// The desired bid and ask (price, size) for a token, before comparing with
/// what rests.
pub fn desired(
    params: &QuoteParams,
    state: &QuoteState<'_>,
) -> (Option<(Decimal, Decimal)>, Option<(Decimal, Decimal)>) {
    let (Some(best_bid), Some(best_ask)) = (state.best_bid, state.best_ask) else {
        return (None, None);
    };
    let tick = state.tick;
    let mid = (best_bid + best_ask) / Decimal::TWO;
    let ratio = if params.max_position > Decimal::ZERO {
        (state.position / params.max_position).clamp(Decimal::NEGATIVE_ONE, Decimal::ONE)
    } else {
        Decimal::ZERO
    };
    let reservation = mid - params.inventory_skew * ratio;
    let low = tick;
    let high = Decimal::ONE - tick;

    let bid_room = round_size(params.max_position - state.position);
    let bid = if bid_room > Decimal::ZERO {
        let price = floor_to(reservation - params.half_spread, tick).min(best_ask - tick);
        let size = params.order_size.min(bid_room);
        (price >= low && price <= high && size > Decimal::ZERO)
            .then_some((price.normalize(), round_size(size)))
    } else {
        None
    };
    let ask = if state.position > Decimal::ZERO {
        let price = ceil_to(reservation + params.half_spread, tick).max(best_bid + tick);
        let size = round_size(params.order_size.min(state.position));
        (price >= low && price <= high && size > Decimal::ZERO).then_some((price.normalize(), size))
    } else {
        None
    };
    (bid, ask)
}

/// Compares the desired quotes with what rests: keeps close-enough quotes,
/// cancels the rest, places what is missing.
pub fn quote(params: &QuoteParams, state: &QuoteState<'_>) -> Decision {
    let (bid, ask) = desired(params, state);
    let mut decision = Decision::default();
    let tolerance = state.tick * Decimal::from(params.requote_ticks);
    for (side, want) in [(Side::Buy, bid), (Side::Sell, ask)] {
        let mut kept = false;
        for order in state.resting.iter().filter(|o| o.side == side) {
            let keep = !kept
                && want.is_some_and(|(price, size)| {
                    (order.price - price).abs() < tolerance.max(state.tick)
                        && order.remaining == size
                });
            if keep {
                kept = true;
            } else {
                decision.cancels.push(order.client_id.clone());
            }
        }
        if let (false, Some((price, size))) = (kept, want) {
            decision.places.push(Quote {
                token: state.token.clone(),
                side,
                price,
                size,
            });
        }
    }
    decision
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::market_data::{Level, MarketEvent, OrderBook};

    fn params() -> QuoteParams {
        QuoteParams {
            half_spread: dec!(0.02),
            order_size: dec!(5),
            inventory_skew: dec!(0.01),
            requote_ticks: 1,
            max_position: dec!(100),
        }
    }

    fn book(bid: Decimal, ask: Decimal) -> OrderBook {
        let mut books = crate::market_data::Books::default();
        books
            .apply(&MarketEvent::Book {
                token: "t".into(),
                bids: vec![Level {
                    price: bid,
                    size: dec!(100),
                }],
                asks: vec![Level {
                    price: ask,
                    size: dec!(100),
                }],
                ts_ms: 0,
            })
            .clone()
    }

    fn run(book: &OrderBook, position: Decimal, resting: &[RestingQuote]) -> Decision {
        let token: TokenId = "t".into();
        quote(
            &params(),
            &QuoteState {
                token: &token,
                best_bid: book.best_bid().map(|(p, _)| p),
                best_ask: book.best_ask().map(|(p, _)| p),
                tick: dec!(0.01),
                position,
                resting,
            },
        )
    }

    #[test]
    fn flat_quotes_a_bid_only() {
        let d = run(&book(dec!(0.48), dec!(0.52)), dec!(0), &[]);
        assert_eq!(
            d.places,
            [Quote {
                token: "t".into(),
                side: Side::Buy,
                price: dec!(0.48),
                size: dec!(5)
            }]
        );
        assert!(d.cancels.is_empty());
    }

    #[test]
    fn inventory_adds_an_ask_and_leans_both_quotes_down() {
        // Position 50 of 100: skew 0.005, reservation 0.495: bid 0.47, ask 0.52.
        let d = run(&book(dec!(0.48), dec!(0.52)), dec!(50), &[]);
        let prices: Vec<(Side, Decimal, Decimal)> =
            d.places.iter().map(|q| (q.side, q.price, q.size)).collect();
        assert_eq!(
            prices,
            [
                (Side::Buy, dec!(0.47), dec!(5)),
                (Side::Sell, dec!(0.52), dec!(5))
            ]
        );
        // Holding 2 shares: the ask sells only those.
        let d = run(&book(dec!(0.48), dec!(0.52)), dec!(2), &[]);
        assert_eq!(d.places[1].size, dec!(2));
    }

    #[test]
    fn quotes_stay_post_only_in_a_tight_book() {
        let d = run(&book(dec!(0.49), dec!(0.50)), dec!(10), &[]);
        let bid = d.places.iter().find(|q| q.side == Side::Buy).unwrap();
        let ask = d.places.iter().find(|q| q.side == Side::Sell).unwrap();
        assert!(bid.price < dec!(0.50) && ask.price > dec!(0.49), "{d:?}");
    }

    #[test]
    fn a_full_position_stops_bids() {
        let d = run(&book(dec!(0.48), dec!(0.52)), dec!(100), &[]);
        assert!(d.places.iter().all(|q| q.side == Side::Sell), "{d:?}");
        let d = run(&book(dec!(0.48), dec!(0.52)), dec!(97), &[]);
        assert_eq!(
            d.places[0].size,
            dec!(3),
            "the bid never passes max_position"
        );
    }

    #[test]
    fn close_quotes_are_kept_far_ones_replaced() {
        let keep = RestingQuote {
            client_id: "a".into(),
            side: Side::Buy,
            price: dec!(0.48),
            remaining: dec!(5),
        };
        let d = run(
            &book(dec!(0.48), dec!(0.52)),
            dec!(0),
            std::slice::from_ref(&keep),
        );
        assert_eq!(d, Decision::default(), "nothing to do");
        let stale = RestingQuote {
            client_id: "b".into(),
            side: Side::Buy,
            price: dec!(0.44),
            remaining: dec!(5),
        };
        let d = run(&book(dec!(0.48), dec!(0.52)), dec!(0), &[stale]);
        assert_eq!(d.cancels, ["b".into()]);
        assert_eq!(d.places.len(), 1);
        let extra = RestingQuote {
            client_id: "c".into(),
            ..keep
        };
        let d = run(&book(dec!(0.48), dec!(0.52)), dec!(0), &[keep, extra]);
        assert_eq!(d.cancels, ["c".into()], "one quote per side");
    }

    #[test]
    fn a_one_sided_book_pulls_quotes() {
        let mut b = book(dec!(0.48), dec!(0.52));
        b.set(
            Side::Sell,
            Level {
                price: dec!(0.52),
                size: dec!(0),
            },
            1,
        );
        let resting = RestingQuote {
            client_id: "a".into(),
            side: Side::Buy,
            price: dec!(0.48),
            remaining: dec!(5),
        };
        let d = run(&b, dec!(0), &[resting]);
        assert_eq!(d.cancels, ["a".into()]);
        assert!(d.places.is_empty());
    }

    #[test]
    fn same_state_same_decision() {
        let b = book(dec!(0.31), dec!(0.37));
        assert_eq!(run(&b, dec!(12.5), &[]), run(&b, dec!(12.5), &[]));
    }
}
