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
    let arrived = exchange.advance(now_ms);
    deliver(core, arrived, &mut work, &mut out);
    match input {
        SimInput::Market(event) => {
            let caused = exchange.on_market(event, now_ms);
            deliver(core, caused, &mut work, &mut out);
            work.extend(core.on_market(event, now_ms));
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
    deliver(core, arrived, &mut work, &mut out);
    work.extend(commands);
    send(core, exchange, now_ms, work, &mut out);
    out
}

/// Applies everything still on its way (at shutdown), as if time ran out.
pub fn flush(core: &mut TradingCore, exchange: &mut PaperExchange) -> Vec<SimRecord> {
    let mut out = Vec::new();
    let mut work = VecDeque::new();
    let arrived = exchange.flush();
    deliver(core, arrived, &mut work, &mut out);
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
        deliver(core, answers, &mut work, out);
    }
}

/// Hands the exchange's events to the core (a fill of an order the core no
/// longer tracks still moves its position) and queues the re-quotes they cause.
fn deliver(
    core: &mut TradingCore,
    events: Vec<PaperEvent>,
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
                    core.on_untracked_fill(&fill.token, fill.side, fill.size);
                }
                out.push(SimRecord::Fill(fill));
            },
        }
        work.extend(core.requote_pending());
    }
}
