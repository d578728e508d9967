//! Replay: the strategy, risk and the paper exchange run over a recorded
//! session with a historical clock, one [`sim::step`] per event (the step
//! paper mode takes). Same file, same settings, same result.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::core::{CoreConfig, CoreStats, TradingCore};
use super::paper::PaperExchange;
use super::sim::{self, SimInput, SimRecord};
use crate::clock::{Clock, HistoricalClock};
use crate::config::{PaperConfig, RiskConfig};
use crate::market_data::MarketEvent;
use crate::orders::{Side, TokenId};
use crate::portfolio::Position;
use crate::risk::RiskEngine;

/// One fill in a replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplayFill {
    /// Historical time.
    pub ts_ms: i64,
    /// Our order.
    pub client_id: String,
    /// Token.
    pub token: TokenId,
    /// Side.
    pub side: Side,
    /// Price.
    pub price: Decimal,
    /// Shares.
    pub size: Decimal,
    /// Fee.
    pub fee: Decimal,
}

/// One token's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenResult {
    /// Final position.
    pub position: Decimal,
    /// Realized P&L before fees.
    pub realized_pnl: Decimal,
    /// Unrealized P&L at the last midpoint.
    pub unrealized_pnl: Decimal,
    /// Fees paid.
    pub fees: Decimal,
    /// Largest absolute position at any time.
    pub max_inventory: Decimal,
}

/// What a replay did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplayReport {
    /// Market events replayed.
    pub events: u64,
    /// First and last historical time.
    pub from_ms: i64,
    /// Last historical time.
    pub to_ms: i64,
    /// Counters (orders, cancels, refusals, fills).
    pub stats: CoreStats,
    /// Every fill, in order.
    pub fills: Vec<ReplayFill>,
    /// Per token.
    pub tokens: BTreeMap<TokenId, TokenResult>,
    /// Realized + unrealized − fees, all tokens.
    pub total_pnl: Decimal,
    /// Largest absolute position in any token at any time.
    pub max_inventory: Decimal,
}

/// Replays `events` (receive time, event) through [`sim::step`], the same
/// step paper mode takes.
pub fn run(
    events: &[(i64, MarketEvent)],
    core: CoreConfig,
    risk: RiskConfig,
    paper: PaperConfig,
) -> ReplayReport {
    run_with(events, core, risk, paper, &mut |_, _, _| {})
}

/// [`run`], with `before` called on the core before each market event
/// (a quoting policy setting the token's half-spread).
pub fn run_with(
    events: &[(i64, MarketEvent)],
    core: CoreConfig,
    risk: RiskConfig,
    paper: PaperConfig,
    before: &mut dyn FnMut(&mut TradingCore, &MarketEvent, i64),
) -> ReplayReport {
    run_paired(events, &[], core, risk, paper, before)
}

/// [`run_with`], with each market's two outcome tokens named so they match
/// across each other in the paper exchange.
pub fn run_paired(
    events: &[(i64, MarketEvent)],
    complements: &[(TokenId, TokenId)],
    core: CoreConfig,
    risk: RiskConfig,
    paper: PaperConfig,
    before: &mut dyn FnMut(&mut TradingCore, &MarketEvent, i64),
) -> ReplayReport {
    let clock = HistoricalClock::at(events.first().map_or(0, |e| e.0));
    let mut trading = TradingCore::new(core, RiskEngine::new(risk));
    let mut exchange = PaperExchange::new(paper);
    exchange.set_complements(complements);
    let mut positions: BTreeMap<TokenId, Position> = BTreeMap::new();
    let mut max_inventory: BTreeMap<TokenId, Decimal> = BTreeMap::new();
    let mut fills = Vec::new();

    for (recv_ms, event) in events {
        clock.advance_to(*recv_ms);
        let now = clock.now_ms();
        // The policy sees the event as the exchange publishes it.
        before(&mut trading, &exchange.publish(event), now);
        for record in sim::step(&mut trading, &mut exchange, now, SimInput::Market(event)) {
            let SimRecord::Fill(f) = record else {
                continue;
            };
            let p = positions
                .entry(f.token.clone())
                .or_insert_with(|| Position::flat(f.token.clone()));
            p.apply_fill(f.side, f.price, f.size, f.fee, f.ts_ms);
            let max = max_inventory.entry(f.token.clone()).or_default();
            *max = (*max).max(p.size.abs());
            fills.push(ReplayFill {
                ts_ms: f.ts_ms,
                client_id: f.client_id.to_string(),
                token: f.token,
                side: f.side,
                price: f.price,
                size: f.size,
                fee: f.fee,
            });
        }
    }

    let mut tokens = BTreeMap::new();
    let mut total = Decimal::ZERO;
    for (token, p) in &positions {
        let mark = trading.others_mid(token).unwrap_or(p.avg_price);
        let unrealized = p.unrealized_pnl(mark).round_dp(6).normalize();
        total += p.realized_pnl + unrealized - p.fees_paid;
        tokens.insert(
            token.clone(),
            TokenResult {
                position: p.size,
                realized_pnl: p.realized_pnl,
                unrealized_pnl: unrealized,
                fees: p.fees_paid,
                max_inventory: max_inventory.get(token).copied().unwrap_or_default(),
            },
        );
    }
    ReplayReport {
        events: trading.stats().events,
        from_ms: events.first().map_or(0, |e| e.0),
        to_ms: events.last().map_or(0, |e| e.0),
        stats: trading.stats().clone(),
        fills,
        total_pnl: total.round_dp(6).normalize(),
        max_inventory: max_inventory.values().copied().max().unwrap_or_default(),
        tokens,
    }
}
