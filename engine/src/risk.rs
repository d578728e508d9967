//! Risk: between strategy and execution. Every new order gets a typed verdict,
//! approved or refused with the limit it broke; the kill switch (Active,
//! Reducing, Halted) acts on the very next order.

use std::collections::{BTreeMap, VecDeque};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::config::{RiskConfig, TradingState};
use crate::orders::{Side, TokenId};
use crate::strategy::Quote;

/// What the exchange holds for the account (`GET /balance-allowance`), as
/// last read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Funds {
    /// The collateral (USDC) balance; `None` until read.
    pub collateral: Option<Decimal>,
    /// Whether the exchange may spend the collateral (an allowance above 0).
    pub collateral_allowed: bool,
    /// Shares the exchange holds per token, and whether it may move them.
    pub shares: BTreeMap<TokenId, (Decimal, bool)>,
}

/// What is already exposed on the order's token, and overall.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exposure {
    /// Current position in the token (shares).
    pub position: Decimal,
    /// Resting buy shares on the token.
    pub resting_buys: Decimal,
    /// Resting sell shares on the token.
    pub resting_sells: Decimal,
    /// Notional of resting orders on the token (USDC).
    pub resting_notional: Decimal,
    /// Open orders across all tokens.
    pub open_orders: u32,
    /// The market's minimum order size (0 when unknown).
    pub min_order_size: Decimal,
    /// Shares bought in trades the exchange has matched but not confirmed:
    /// held, but not sold until confirmed.
    pub unconfirmed: Decimal,
    /// Collateral (USDC) not yet committed to resting bids on any token;
    /// `None` when the balance is not known.
    pub collateral_free: Option<Decimal>,
    /// The exchange may not spend the collateral (its allowance is 0).
    pub collateral_blocked: bool,
    /// Shares of the token the exchange holds for us, when read.
    pub shares_on_exchange: Option<Decimal>,
    /// The exchange may not move the token's shares (no approval).
    pub shares_blocked: bool,
}

/// Why an order was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum Refusal {
    /// The kill switch is halted.
    #[error("trading is halted")]
    Halted,
    /// Reducing: only orders that shrink the position pass.
    #[error("trading is reducing-only and this order would not reduce the position")]
    ReducingOnly,
    /// The position would pass the limit.
    #[error("position would reach {would_be}, above the limit of {limit}")]
    MaxPosition {
        /// Resulting position (with resting orders).
        would_be: Decimal,
        /// Limit.
        limit: Decimal,
    },
    /// The notional would pass the limit.
    #[error("notional would reach {would_be} USDC, above the limit of {limit}")]
    MaxNotional {
        /// Resulting notional.
        would_be: Decimal,
        /// Limit.
        limit: Decimal,
    },
    /// Too many open orders.
    #[error("{open} orders are open; the limit is {limit}")]
    MaxOpenOrders {
        /// Open now.
        open: u32,
        /// Limit.
        limit: u32,
    },
    /// Too many orders in the last minute.
    #[error("{recent} orders in the last minute; the limit is {limit}")]
    MaxOrderRate {
        /// In the window.
        recent: u32,
        /// Limit.
        limit: u32,
    },
    /// Smaller than the market accepts.
    #[error("size {size} is below the market's minimum order size of {minimum}")]
    BelowMinimumSize {
        /// Wanted.
        size: Decimal,
        /// The market's minimum.
        minimum: Decimal,
    },
    /// The bid costs more collateral than is free.
    #[error("the bid costs {cost} USDC; {available} USDC of the balance is not committed to resting bids")]
    NoFunds {
        /// Price × size.
        cost: Decimal,
        /// Balance less what resting bids commit.
        available: Decimal,
    },
    /// The exchange may not move what the order needs.
    #[error(
        "the exchange has no allowance for the {asset}: approve it for the exchange contracts"
    )]
    NoAllowance {
        /// `collateral` or `shares`.
        asset: String,
    },
    /// Selling shares not held.
    #[error("selling {size} would exceed the {available} shares held")]
    NoInventory {
        /// Wanted.
        size: Decimal,
        /// Held and not already offered.
        available: Decimal,
    },
}

/// The verdict on one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It may go.
    Approved(Quote),
    /// It may not, and why.
    Refused(Quote, Refusal),
}

/// The risk engine: limits, the kill switch and the order-rate window.
#[derive(Debug, Clone)]
pub struct RiskEngine {
    limits: RiskConfig,
    state: TradingState,
    recent: VecDeque<i64>,
}

impl RiskEngine {
    /// A risk engine with the configured limits and initial kill-switch state.
    pub fn new(limits: RiskConfig) -> Self {
        let state = limits.trading_state;
        Self {
            limits,
            state,
            recent: VecDeque::new(),
        }
    }

    /// The kill switch.
    pub fn state(&self) -> TradingState {
        self.state
    }

    /// Flips the kill switch.
    pub fn set_state(&mut self, state: TradingState) {
        self.state = state;
    }

    /// Decides on one new order at `now_ms`; an approval counts against the rate.
    pub fn check(&mut self, quote: Quote, exposure: &Exposure, now_ms: i64) -> Verdict {
        while self.recent.front().is_some_and(|t| *t <= now_ms - 60_000) {
            self.recent.pop_front();
        }
        match self.refusal(&quote, exposure) {
            Some(reason) => Verdict::Refused(quote, reason),
            None => {
                self.recent.push_back(now_ms);
                Verdict::Approved(quote)
            },
        }
    }

    fn refusal(&self, quote: &Quote, e: &Exposure) -> Option<Refusal> {
        let reduces = reduces_position(quote.side, e.position);
        match self.state {
            TradingState::Halted => return Some(Refusal::Halted),
            TradingState::Reducing if !reduces => return Some(Refusal::ReducingOnly),
            _ => {},
        }
        if quote.size < e.min_order_size {
            return Some(Refusal::BelowMinimumSize {
                size: quote.size,
                minimum: e.min_order_size,
            });
        }
        if quote.side == Side::Buy {
            if e.collateral_blocked {
                return Some(Refusal::NoAllowance {
                    asset: "collateral".to_owned(),
                });
            }
            if let Some(free) = e.collateral_free {
                let cost = quote.price * quote.size;
                if cost > free {
                    return Some(Refusal::NoFunds {
                        cost: cost.normalize(),
                        available: free.max(Decimal::ZERO).normalize(),
                    });
                }
            }
        }
        if quote.side == Side::Sell {
            if e.shares_blocked {
                return Some(Refusal::NoAllowance {
                    asset: "shares".to_owned(),
                });
            }
            let mut available = e.position - e.unconfirmed.max(Decimal::ZERO) - e.resting_sells;
            if let Some(held) = e.shares_on_exchange {
                // Never more than the exchange holds for us.
                available = available.min(held - e.resting_sells);
            }
            if quote.size > available {
                return Some(Refusal::NoInventory {
                    size: quote.size,
                    available: available.max(Decimal::ZERO),
                });
            }
        }
        let limit = self.limits.max_position_per_market;
        let would_be = match quote.side {
            Side::Buy => e.position + e.resting_buys + quote.size,
            Side::Sell => e.position - e.resting_sells - quote.size,
        };
        if would_be.abs() > limit && !reduces {
            return Some(Refusal::MaxPosition { would_be, limit });
        }
        let notional_limit = self.limits.max_notional_per_market;
        let held = e.position.abs() * quote.price;
        let would_be = held + e.resting_notional + quote.size * quote.price;
        if would_be > notional_limit && !reduces {
            return Some(Refusal::MaxNotional {
                would_be: would_be.normalize(),
                limit: notional_limit,
            });
        }
        if e.open_orders >= self.limits.max_open_orders {
            return Some(Refusal::MaxOpenOrders {
                open: e.open_orders,
                limit: self.limits.max_open_orders,
            });
        }
        let recent = self.recent.len() as u32;
        if recent >= self.limits.max_orders_per_minute {
            return Some(Refusal::MaxOrderRate {
                recent,
                limit: self.limits.max_orders_per_minute,
            });
        }
        None
    }
}

/// Whether an order on `side` shrinks a position of `position` shares (the
/// only orders a reducing kill switch lets through, or leaves resting).
pub fn reduces_position(side: Side, position: Decimal) -> bool {
    match side {
        Side::Sell => position > Decimal::ZERO,
        Side::Buy => position < Decimal::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn limits() -> RiskConfig {
        RiskConfig {
            max_position_per_market: dec!(100),
            max_notional_per_market: dec!(50),
            max_open_orders: 3,
            max_orders_per_minute: 2,
            ..RiskConfig::default()
        }
    }

    fn buy(size: Decimal) -> Quote {
        Quote {
            token: "t".into(),
            side: Side::Buy,
            price: dec!(0.40),
            size,
        }
    }

    fn sell(size: Decimal) -> Quote {
        Quote {
            token: "t".into(),
            side: Side::Sell,
            price: dec!(0.60),
            size,
        }
    }

    fn refused(v: Verdict) -> Refusal {
        match v {
            Verdict::Refused(_, r) => r,
            Verdict::Approved(q) => panic!("approved {q:?}"),
        }
    }

    #[test]
    fn bids_stay_within_the_free_collateral_and_sells_within_the_exchanges_shares() {
        let mut risk = RiskEngine::new(RiskConfig {
            max_orders_per_minute: 100,
            ..limits()
        });
        // 1 USDC free: a bid of 5 at 0.40 costs 2.
        let poor = Exposure {
            collateral_free: Some(dec!(1)),
            ..Exposure::default()
        };
        assert_eq!(
            refused(risk.check(buy(dec!(5)), &poor, 0)),
            Refusal::NoFunds {
                cost: dec!(2),
                available: dec!(1)
            }
        );
        let enough = Exposure {
            collateral_free: Some(dec!(2)),
            ..Exposure::default()
        };
        assert!(matches!(
            risk.check(buy(dec!(5)), &enough, 0),
            Verdict::Approved(_)
        ));
        let blocked = Exposure {
            collateral_blocked: true,
            ..enough
        };
        assert!(matches!(
            refused(risk.check(buy(dec!(5)), &blocked, 0)),
            Refusal::NoAllowance { .. }
        ));
        // Holding 10 by our fills, the exchange holds 3: sell at most 3.
        let held = Exposure {
            position: dec!(10),
            shares_on_exchange: Some(dec!(3)),
            ..Exposure::default()
        };
        assert_eq!(
            refused(risk.check(sell(dec!(5)), &held, 0)),
            Refusal::NoInventory {
                size: dec!(5),
                available: dec!(3)
            }
        );
        let unapproved = Exposure {
            shares_blocked: true,
            ..held
        };
        assert!(matches!(
            refused(risk.check(sell(dec!(1)), &unapproved, 0)),
            Refusal::NoAllowance { .. }
        ));
    }

    #[test]
    fn an_order_below_the_markets_minimum_size_is_refused() {
        let mut risk = RiskEngine::new(limits());
        let market = Exposure {
            min_order_size: dec!(5),
            ..Exposure::default()
        };
        assert_eq!(
            refused(risk.check(buy(dec!(4.99)), &market, 0)),
            Refusal::BelowMinimumSize {
                size: dec!(4.99),
                minimum: dec!(5)
            }
        );
        assert!(matches!(
            risk.check(buy(dec!(5)), &market, 0),
            Verdict::Approved(_)
        ));
        assert!(
            matches!(
                risk.check(buy(dec!(1)), &Exposure::default(), 0),
                Verdict::Approved(_)
            ),
            "an unknown minimum refuses nothing"
        );
    }

    #[test]
    fn each_limit_refuses_what_it_should() {
        let mut risk = RiskEngine::new(limits());
        let flat = Exposure::default();
        assert!(matches!(
            risk.check(buy(dec!(10)), &flat, 0),
            Verdict::Approved(_)
        ));

        let e = Exposure {
            position: dec!(95),
            ..flat
        };
        assert_eq!(
            refused(risk.check(buy(dec!(10)), &e, 0)),
            Refusal::MaxPosition {
                would_be: dec!(105),
                limit: dec!(100)
            }
        );
        let e = Exposure {
            position: dec!(50),
            resting_buys: dec!(45),
            ..flat
        };
        assert!(
            matches!(
                refused(risk.check(buy(dec!(10)), &e, 0)),
                Refusal::MaxPosition { .. }
            ),
            "resting orders count"
        );

        // 60 held and 70 more at 0.40 = 52 USDC, above 50 (while 130 > 100 shares is not reached).
        let mut wide = RiskEngine::new(RiskConfig {
            max_position_per_market: dec!(1000),
            ..limits()
        });
        let e = Exposure {
            position: dec!(60),
            ..flat
        };
        assert_eq!(
            refused(wide.check(buy(dec!(70)), &e, 0)),
            Refusal::MaxNotional {
                would_be: dec!(52),
                limit: dec!(50)
            }
        );
        assert!(
            matches!(wide.check(buy(dec!(60)), &e, 0), Verdict::Approved(_)),
            "48 USDC passes"
        );

        let e = Exposure {
            open_orders: 3,
            ..flat
        };
        assert_eq!(
            refused(risk.check(buy(dec!(1)), &e, 0)),
            Refusal::MaxOpenOrders { open: 3, limit: 3 }
        );

        let e = Exposure {
            position: dec!(5),
            resting_sells: dec!(3),
            ..flat
        };
        assert_eq!(
            refused(risk.check(sell(dec!(5)), &e, 0)),
            Refusal::NoInventory {
                size: dec!(5),
                available: dec!(2)
            }
        );
        // Bought 5 in a trade not yet confirmed: none of it is sold yet.
        let e = Exposure {
            position: dec!(5),
            unconfirmed: dec!(5),
            ..flat
        };
        assert_eq!(
            refused(risk.check(sell(dec!(5)), &e, 0)),
            Refusal::NoInventory {
                size: dec!(5),
                available: dec!(0)
            }
        );
    }

    #[test]
    fn the_rate_limit_is_a_rolling_minute() {
        let mut risk = RiskEngine::new(limits());
        let flat = Exposure::default();
        assert!(matches!(
            risk.check(buy(dec!(1)), &flat, 1_000),
            Verdict::Approved(_)
        ));
        assert!(matches!(
            risk.check(buy(dec!(1)), &flat, 2_000),
            Verdict::Approved(_)
        ));
        assert_eq!(
            refused(risk.check(buy(dec!(1)), &flat, 3_000)),
            Refusal::MaxOrderRate {
                recent: 2,
                limit: 2
            }
        );
        assert!(
            matches!(
                risk.check(buy(dec!(1)), &flat, 61_001),
                Verdict::Approved(_)
            ),
            "the first left the window"
        );
    }

    #[test]
    fn kill_switch_states() {
        let mut risk = RiskEngine::new(limits());
        let long = Exposure {
            position: dec!(10),
            ..Exposure::default()
        };
        risk.set_state(TradingState::Reducing);
        assert_eq!(
            refused(risk.check(buy(dec!(1)), &long, 0)),
            Refusal::ReducingOnly
        );
        assert!(
            matches!(risk.check(sell(dec!(5)), &long, 0), Verdict::Approved(_)),
            "a sell reduces a long"
        );
        risk.set_state(TradingState::Halted);
        assert_eq!(
            refused(risk.check(sell(dec!(5)), &long, 0)),
            Refusal::Halted
        );
        risk.set_state(TradingState::Active);
        assert!(matches!(
            risk.check(buy(dec!(1)), &long, 0),
            Verdict::Approved(_)
        ));
    }
}
