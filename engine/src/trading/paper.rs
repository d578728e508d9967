//! The paper exchange: a simulated matching engine fed by the real market data.
//!
//! Our orders are post-only (an order that would cross is rejected, as the
//! exchange does). A resting order joins the back of its price level: the size
//! already there is ahead of it. It fills, as maker, in price-time order when
//! a trade prints through it (trades at its price first use up the size ahead
//! of it) or when the opposite side of the book moves onto its price. Fills may
//! be partial; fees come from `[paper]`.

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::core::OrderEvent;
use crate::config::PaperConfig;
use crate::market_data::{Books, MarketEvent};
use crate::orders::{ClientOrderId, OrderHash, OrderIntent, Side, TokenId};

/// The order ID a paper order gets: `0x` + sha256 of our ID (stable across runs).
pub fn paper_hash(client_id: &ClientOrderId) -> OrderHash {
    let digest = Sha256::digest(client_id.as_str().as_bytes());
    OrderHash(format!(
        "0x{}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ))
}

#[derive(Debug, Clone)]
struct SimOrder {
    client_id: ClientOrderId,
    token: TokenId,
    side: Side,
    price: Decimal,
    remaining: Decimal,
    queue_ahead: Decimal,
    seq: u64,
}

/// The simulated exchange.
#[derive(Debug, Clone)]
pub struct PaperExchange {
    books: Books,
    resting: Vec<SimOrder>,
    fees: PaperConfig,
    seq: u64,
    trades: u64,
}

impl PaperExchange {
    /// An exchange with no orders.
    pub fn new(fees: PaperConfig) -> Self {
        Self {
            books: Books::default(),
            resting: Vec::new(),
            fees,
            seq: 0,
            trades: 0,
        }
    }

    /// Orders resting in the simulator.
    pub fn resting(&self) -> usize {
        self.resting.len()
    }

    /// Our resting quotes are makers: Polymarket's model, maker side.
    fn fee(&self, price: Decimal, size: Decimal) -> Decimal {
        self.fees.fee_model().fee(size, price, false)
    }

    fn fill(&mut self, index: usize, size: Decimal, ts_ms: i64, out: &mut Vec<OrderEvent>) {
        let price = self.resting[index].price;
        let fee = self.fee(price, size);
        self.trades += 1;
        let order = &mut self.resting[index];
        order.remaining -= size;
        out.push(OrderEvent::Filled {
            client_id: order.client_id.clone(),
            trade_id: format!("paper-{:08}", self.trades),
            price,
            size,
            fee,
            ts_ms,
        });
    }

    /// Places an order: accepted and resting, or rejected if it would cross.
    pub fn place(&mut self, intent: &OrderIntent) -> Vec<OrderEvent> {
        let book = self.books.get(&intent.token_id);
        let crosses = match intent.side {
            Side::Buy => book
                .and_then(|b| b.best_ask())
                .is_some_and(|(ask, _)| intent.price >= ask),
            Side::Sell => book
                .and_then(|b| b.best_bid())
                .is_some_and(|(bid, _)| intent.price <= bid),
        };
        if crosses {
            return vec![OrderEvent::Rejected {
                client_id: intent.client_id.clone(),
                reason: "INVALID_POST_ONLY_ORDER: post-only order would cross the book".to_owned(),
            }];
        }
        let queue_ahead = book
            .map(|b| b.size_at(intent.side, intent.price))
            .unwrap_or_default();
        self.seq += 1;
        self.resting.push(SimOrder {
            client_id: intent.client_id.clone(),
            token: intent.token_id.clone(),
            side: intent.side,
            price: intent.price,
            remaining: intent.size,
            queue_ahead,
            seq: self.seq,
        });
        vec![OrderEvent::Accepted {
            client_id: intent.client_id.clone(),
            hash: paper_hash(&intent.client_id),
        }]
    }

    /// Cancels a resting order.
    pub fn cancel(&mut self, client_id: &ClientOrderId) -> Vec<OrderEvent> {
        let before = self.resting.len();
        self.resting.retain(|o| &o.client_id != client_id);
        if self.resting.len() < before {
            vec![OrderEvent::Cancelled {
                client_id: client_id.clone(),
            }]
        } else {
            Vec::new()
        }
    }

    /// Indices of resting orders on `token`/`side` in price-time priority.
    fn priority(&self, token: &TokenId, side: Side) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.resting.len())
            .filter(|&i| &self.resting[i].token == token && self.resting[i].side == side)
            .collect();
        idx.sort_by(|&a, &b| {
            let (oa, ob) = (&self.resting[a], &self.resting[b]);
            let by_price = match side {
                Side::Buy => ob.price.cmp(&oa.price),
                Side::Sell => oa.price.cmp(&ob.price),
            };
            by_price.then(oa.seq.cmp(&ob.seq))
        });
        idx
    }

    /// Applies a market event; returns the fills it causes.
    pub fn on_market(&mut self, event: &MarketEvent) -> Vec<OrderEvent> {
        self.books.apply(event);
        let mut out = Vec::new();
        match event {
            MarketEvent::Trade {
                token,
                price,
                size,
                taker_side,
                ts_ms,
            } => {
                // A taker sell hits bids; a taker buy lifts asks.
                let maker_side = taker_side.opposite();
                let mut available = *size;
                for i in self.priority(token, maker_side) {
                    if available <= Decimal::ZERO {
                        break;
                    }
                    let o = &self.resting[i];
                    let through = match maker_side {
                        Side::Buy => o.price >= *price,
                        Side::Sell => o.price <= *price,
                    };
                    if !through {
                        break;
                    }
                    if o.price == *price {
                        let ahead = o.queue_ahead.min(available);
                        self.resting[i].queue_ahead -= ahead;
                        available -= ahead;
                    }
                    let take = self.resting[i].remaining.min(available);
                    if take > Decimal::ZERO {
                        available -= take;
                        self.fill(i, take, *ts_ms, &mut out);
                    }
                }
            },
            MarketEvent::PriceChange {
                token,
                side,
                level,
                ts_ms,
            } => {
                // Size shrinking at our level shortens the queue ahead of us.
                for o in self
                    .resting
                    .iter_mut()
                    .filter(|o| &o.token == token && o.side == *side && o.price == level.price)
                {
                    o.queue_ahead = o.queue_ahead.min(level.size);
                }
                // The opposite side arriving at our price trades with us.
                let maker_side = side.opposite();
                let mut available = level.size;
                for i in self.priority(token, maker_side) {
                    let o = &self.resting[i];
                    let crossed = match maker_side {
                        Side::Buy => level.price <= o.price,
                        Side::Sell => level.price >= o.price,
                    };
                    if !crossed || available <= Decimal::ZERO {
                        break;
                    }
                    let take = o.remaining.min(available);
                    available -= take;
                    self.fill(i, take, *ts_ms, &mut out);
                }
            },
            MarketEvent::Book { .. } | MarketEvent::TickSize { .. } => {},
        }
        self.resting.retain(|o| o.remaining > Decimal::ZERO);
        out
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::market_data::Level;

    fn intent(id: &str, side: Side, price: Decimal, size: Decimal) -> OrderIntent {
        OrderIntent {
            client_id: id.into(),
            token_id: "1".into(),
            side,
            price,
            size,
            tick_size: dec!(0.01),
            created_ms: 0,
        }
    }

    fn exchange() -> PaperExchange {
        let mut x = PaperExchange::new(PaperConfig {
            fee_rate: dec!(0.02),
            fee_exponent: 2,
            fee_taker_only: false,
        });
        x.on_market(&MarketEvent::Book {
            token: "1".into(),
            bids: vec![Level {
                price: dec!(0.48),
                size: dec!(30),
            }],
            asks: vec![Level {
                price: dec!(0.52),
                size: dec!(30),
            }],
            ts_ms: 0,
        });
        x
    }

    fn trade(price: Decimal, size: Decimal, taker: Side) -> MarketEvent {
        MarketEvent::Trade {
            token: "1".into(),
            price,
            size,
            taker_side: taker,
            ts_ms: 5,
        }
    }

    fn filled(events: &[OrderEvent]) -> Vec<(String, Decimal)> {
        events
            .iter()
            .filter_map(|e| match e {
                OrderEvent::Filled {
                    client_id, size, ..
                } => Some((client_id.to_string(), *size)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn crossing_post_only_orders_are_rejected() {
        let mut x = exchange();
        assert!(matches!(
            x.place(&intent("a", Side::Buy, dec!(0.52), dec!(1)))[..],
            [OrderEvent::Rejected { .. }]
        ));
        assert!(matches!(
            x.place(&intent("b", Side::Sell, dec!(0.48), dec!(1)))[..],
            [OrderEvent::Rejected { .. }]
        ));
        assert!(matches!(
            x.place(&intent("c", Side::Buy, dec!(0.48), dec!(1)))[..],
            [OrderEvent::Accepted { .. }]
        ));
    }

    #[test]
    fn the_queue_ahead_trades_first_then_partial_fills() {
        let mut x = exchange();
        x.place(&intent("a", Side::Buy, dec!(0.48), dec!(10)));
        // 30 were ahead of us at 0.48: a 25-share print only eats the queue.
        assert!(filled(&x.on_market(&trade(dec!(0.48), dec!(25), Side::Sell))).is_empty());
        // 5 more queue, then 4 of ours.
        assert_eq!(
            filled(&x.on_market(&trade(dec!(0.48), dec!(9), Side::Sell))),
            [("a".into(), dec!(4))]
        );
        // A print below our price fills the rest (we were better priced).
        let events = x.on_market(&trade(dec!(0.47), dec!(50), Side::Sell));
        assert_eq!(filled(&events), [("a".into(), dec!(6))]);
        match &events[0] {
            OrderEvent::Filled { fee, price, .. } => {
                assert_eq!(*price, dec!(0.48));
                // 6 × 0.02 × (0.48 × 0.52)² = 0.12 × 0.06230016
                assert_eq!(*fee, dec!(0.007476), "the market's model, maker side");
            },
            other => panic!("{other:?}"),
        }
        assert_eq!(x.resting(), 0);
    }

    #[test]
    fn price_time_priority_and_book_crossing() {
        let mut x = exchange();
        x.place(&intent("low", Side::Buy, dec!(0.47), dec!(5)));
        x.place(&intent("high", Side::Buy, dec!(0.49), dec!(5)));
        // An ask arriving at 0.47 trades with the better bid first.
        let events = x.on_market(&MarketEvent::PriceChange {
            token: "1".into(),
            side: Side::Sell,
            level: Level {
                price: dec!(0.47),
                size: dec!(7),
            },
            ts_ms: 9,
        });
        assert_eq!(
            filled(&events),
            [("high".into(), dec!(5)), ("low".into(), dec!(2))]
        );
        assert_eq!(
            x.cancel(&"low".into()),
            [OrderEvent::Cancelled {
                client_id: "low".into()
            }]
        );
        assert!(x.cancel(&"low".into()).is_empty());
    }

    #[test]
    fn paper_hashes_are_stable() {
        assert_eq!(paper_hash(&"a".into()), paper_hash(&"a".into()));
        assert_eq!(paper_hash(&"a".into()).as_str().len(), 66);
    }
}
