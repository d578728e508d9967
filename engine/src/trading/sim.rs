//! One paper step: the trading core and the simulated exchange moved
//! together by one input at one event time. `ploy replay` and paper mode
//! (`ploy run` with `mode = "paper"`) both drive the engine through
//! [`step`] and nothing else, so they trade alike by construction; what each
//! does with the [`SimRecord`]s differs (replay tallies them, paper mode
//! stores them).
//!
//! Within a step: what reaches the exchange by now arrives first; then the
//! input (a market event moves the book, may fill our orders, and the core
//! decides; commands are sent; a clock tick lets the core cancel quotes on
//! stale books); then every command goes to the exchange and every answer
//! back to the core, including the re-quotes answers cause, until nothing is
//! left to send.

use std::collections::VecDeque;

use super::core::{Command, TradingCore};
use super::paper::{PaperEvent, PaperExchange, PaperFill};
use crate::market_data::MarketEvent;
use crate::orders::OrderIntent;
use crate::trading::OrderEvent;

/// What a step is about.
#[derive(Debug, Clone, Copy)]
pub enum SimInput<'a> {
    /// A market event.
    Market(&'a MarketEvent),
    /// Time passes with no market event (live market data only: stale books).
    Clock,
}

/// What happened in a step, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimRecord {
    /// An order was sent to the simulated exchange.
    Sent(OrderIntent),
    /// The exchange answered (accepted, rejected, cancelled).
    Answer(OrderEvent),
    /// One of our orders filled.
    Fill(PaperFill),
}

/// Moves the core and the exchange by `input` at event time `now_ms`.
pub fn step(
    core: &mut TradingCore,
    exchange: &mut PaperExchange,
    now_ms: i64,
    input: SimInput<'_>,
) -> Vec<SimRecord> {
    let mut out = Vec::new();
    let mut work: VecDeque<Command> = VecDeque::new();
    if core.funds().collateral.is_none() {
        // The account's balance, read at the start as live reads it.
        work.extend(core.set_funds(exchange.funds()));
    }
    let arrived = exchange.advance(now_ms);
    deliver(core, exchange, arrived, now_ms, &mut work, &mut out);
    match input {
        SimInput::Market(event) => {
            let caused = exchange.on_market(event, now_ms);
            deliver(core, exchange, caused, now_ms, &mut work, &mut out);
            // The core sees the event as the exchange publishes it: with
            // our resting orders in the book.
            let published = exchange.publish(event);
            work.extend(core.on_market(&published, now_ms));
        },
        SimInput::Clock => work.extend(core.on_clock(now_ms)),
    }
    send(core, exchange, now_ms, work, &mut out);
    out
}

/// Sends commands the core gave outside a step (a kill-switch change, the
/// heartbeat gate) at event time `now_ms`, and delivers what follows.
pub fn send_commands(
    core: &mut TradingCore,
    exchange: &mut PaperExchange,
    now_ms: i64,
    commands: Vec<Command>,
) -> Vec<SimRecord> {
    let mut out = Vec::new();
    let mut work: VecDeque<Command> = VecDeque::new();
    let arrived = exchange.advance(now_ms);
    deliver(core, exchange, arrived, now_ms, &mut work, &mut out);
    work.extend(commands);
    send(core, exchange, now_ms, work, &mut out);
    out
}

/// Applies everything still on its way (at shutdown), as if time ran out.
pub fn flush(core: &mut TradingCore, exchange: &mut PaperExchange) -> Vec<SimRecord> {
    let mut out = Vec::new();
    let mut work = VecDeque::new();
    let arrived = exchange.flush();
    let now = core.now_ms();
    deliver(core, exchange, arrived, now, &mut work, &mut out);
    // What the answers asked for is not sent: the simulation is over.
    out
}

fn send(
    core: &mut TradingCore,
    exchange: &mut PaperExchange,
    now_ms: i64,
    mut work: VecDeque<Command>,
    out: &mut Vec<SimRecord>,
) {
    while let Some(command) = work.pop_front() {
        if let Command::Place(intent) = &command {
            out.push(SimRecord::Sent(intent.clone()));
        }
        let answers = exchange.submit(&command, now_ms);
        deliver(core, exchange, answers, now_ms, &mut work, out);
    }
}

/// Hands the exchange's events to the core (a fill of an order the core no
/// longer tracks still moves its position; a level our orders changed is
/// applied to its book) and queues the re-quotes they cause.
fn deliver(
    core: &mut TradingCore,
    exchange: &PaperExchange,
    events: Vec<PaperEvent>,
    now_ms: i64,
    work: &mut VecDeque<Command>,
    out: &mut Vec<SimRecord>,
) {
    for event in events {
        match event {
            PaperEvent::Answer(answer) => {
                core.on_order(&answer);
                out.push(SimRecord::Answer(answer));
            },
            PaperEvent::Fill(fill) => {
                if core.open_orders().any(|o| o.client_id == fill.client_id) {
                    core.on_order(&fill.event());
                } else {
                    core.on_untracked_fill(&fill.token, fill.side, fill.price, fill.size, fill.fee);
                }
                out.push(SimRecord::Fill(fill));
                // Live reads the balances after each fill.
                work.extend(core.set_funds(exchange.funds()));
            },
            PaperEvent::Published(event) => {
                work.extend(core.on_book_update(&event, now_ms));
            },
        }
        // What the core wants read again (after a refusal), the simulated
        // exchange answers at once.
        let wanted = core.take_wanted();
        if wanted.balances {
            work.extend(core.set_funds(exchange.funds()));
        }
        for token in wanted.rules {
            if let Some(tick) = exchange.tick(&token) {
                core.set_tick(&token, tick);
            }
        }
        work.extend(core.requote_pending());
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::config::{PaperConfig, RiskConfig};
    use crate::market_data::Level;
    use crate::orders::Side;
    use crate::risk::RiskEngine;
    use crate::strategy::QuoteParams;
    use crate::trading::CoreConfig;

    fn core() -> TradingCore {
        TradingCore::new(
            CoreConfig {
                params: QuoteParams {
                    half_spread: dec!(0.02),
                    order_size: dec!(5),
                    inventory_skew: dec!(0.01),
                    requote_ticks: 1,
                    max_position: dec!(100),
                },
                markets: Vec::new(),
                default_tick: dec!(0.01),
                id_prefix: "p".into(),
                max_staleness_ms: None,
                loss_limits: Default::default(),
            },
            RiskEngine::new(RiskConfig {
                max_orders_per_minute: 1000,
                ..RiskConfig::default()
            }),
        )
    }

    fn level(price: Decimal, size: Decimal) -> Level {
        Level { price, size }
    }

    /// The others' book fixed at 0.40 / 0.60, then a stream of changes
    /// deeper in it. The paper exchange publishes our bid in the book, as
    /// the real one does; the bid stays at the others' mid − half_spread.
    #[test]
    fn paper_shows_our_bid_in_the_book_and_the_quoter_does_not_chase_it() {
        let mut core = core();
        let mut exchange = PaperExchange::new(PaperConfig::default());
        let mut sent = Vec::new();
        let book = MarketEvent::Book {
            token: "1".into(),
            bids: vec![level(dec!(0.40), dec!(100))],
            asks: vec![level(dec!(0.60), dec!(100))],
            ts_ms: 0,
        };
        let mut records = step(&mut core, &mut exchange, 0, SimInput::Market(&book));
        for i in 1..200i64 {
            let deeper = MarketEvent::PriceChange {
                token: "1".into(),
                side: if i % 2 == 0 { Side::Buy } else { Side::Sell },
                level: level(
                    if i % 2 == 0 { dec!(0.30) } else { dec!(0.70) },
                    Decimal::from(i),
                ),
                ts_ms: i * 50,
            };
            records.extend(step(
                &mut core,
                &mut exchange,
                i * 50,
                SimInput::Market(&deeper),
            ));
        }
        for r in records {
            if let SimRecord::Sent(intent) = r {
                sent.push((intent.side, intent.price));
            }
        }
        assert_eq!(sent, [(Side::Buy, dec!(0.48))], "posted once, at 0.48");
        // The core's book holds our bid (as published); its others' view does not.
        let token = "1".into();
        assert_eq!(
            core.books().get(&token).and_then(|b| b.best_bid()),
            Some((dec!(0.48), dec!(5)))
        );
        assert_eq!(core.others_mid(&token), Some(dec!(0.50)));
    }
}
