//! Offline training by counterfactual replay. A replay alone cannot say
//! what another half-spread would have earned, since the spread changes
//! which fills happen; so at every decision window the trading core and the
//! paper exchange are cloned once per arm, each clone trades the window at
//! that arm's half-spread, and every arm's reward in that context is known:
//! the window's change in mark-to-market value (cash and shares at the mid,
//! fees from the paper exchange's fee model, all in decimals), less an
//! inventory penalty, in ticks. The bandit learns from all of them; the
//! main path then goes on with the bandit's own choice (its upper
//! confidence bound, or a random arm with a small seeded probability), so
//! the states it learns from are the ones its choices lead to.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::features::{ContextTracker, DIM};
use super::linucb::LinUcb;
use super::model::{BanditModel, MODEL_FORMAT};
use super::rng::Rng;
use crate::config::{PaperConfig, RiskConfig};
use crate::market_data::MarketEvent;
use crate::orders::{Side, TokenId};
use crate::risk::RiskEngine;
use crate::trading::paper::PaperExchange;
use crate::trading::sim::{self, SimInput, SimRecord};
use crate::trading::{CoreConfig, TradingCore};

/// How to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// The arms, in ticks, ascending.
    pub arms_ticks: Vec<u32>,
    /// The decision window (event time).
    pub window_ms: i64,
    /// LinUCB's exploration weight.
    pub alpha: f64,
    /// The ridge regularisation.
    pub lambda: f64,
    /// The reward's penalty per share² held at a window's end, in ticks.
    pub inventory_penalty: f64,
    /// The main path's chance of a random arm.
    pub epsilon: f64,
    /// The seed: the order of the files and the random arms.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            arms_ticks: vec![1, 2, 3, 4],
            window_ms: 5_000,
            alpha: 0.5,
            lambda: 1.0,
            inventory_penalty: 0.001,
            epsilon: 0.1,
            seed: 1,
        }
    }
}

/// A recording's name and events.
pub type Session = (String, Vec<(i64, MarketEvent)>);

/// What the engine trades with: the core's, the risk engine's and the
/// paper exchange's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The core.
    pub core: CoreConfig,
    /// Risk.
    pub risk: RiskConfig,
    /// The paper exchange.
    pub paper: PaperConfig,
}

/// Cash and shares per token, from fills.
#[derive(Debug, Clone, Default)]
struct Account {
    cash: BTreeMap<TokenId, Decimal>,
    shares: BTreeMap<TokenId, Decimal>,
}

impl Account {
    fn fill(&mut self, token: &TokenId, side: Side, price: Decimal, size: Decimal, fee: Decimal) {
        let cash = self.cash.entry(token.clone()).or_default();
        let shares = self.shares.entry(token.clone()).or_default();
        match side {
            Side::Buy => {
                *cash -= price * size + fee;
                *shares += size;
            },
            Side::Sell => {
                *cash += price * size - fee;
                *shares -= size;
            },
        }
    }

    /// Cash plus shares at the mark.
    fn value(&self, token: &TokenId, mark: Decimal) -> Decimal {
        self.cash.get(token).copied().unwrap_or_default()
            + self.shares.get(token).copied().unwrap_or_default() * mark
    }
}

/// The core, the paper exchange and the account, moved together.
#[derive(Debug, Clone)]
struct World {
    core: TradingCore,
    exchange: PaperExchange,
    account: Account,
}

impl World {
    fn new(settings: &Settings) -> Self {
        Self {
            core: TradingCore::new(
                settings.core.clone(),
                RiskEngine::new(settings.risk.clone()),
            ),
            exchange: PaperExchange::new(settings.paper.clone()),
            account: Account::default(),
        }
    }

    fn step(&mut self, event: &MarketEvent, now_ms: i64) {
        for record in sim::step(
            &mut self.core,
            &mut self.exchange,
            now_ms,
            SimInput::Market(event),
        ) {
            if let SimRecord::Fill(f) = record {
                self.account.fill(&f.token, f.side, f.price, f.size, f.fee);
            }
        }
    }

    fn mark(&self, token: &TokenId, last: &BTreeMap<TokenId, Decimal>) -> Decimal {
        self.core
            .others_mid(token)
            .or_else(|| last.get(token).copied())
            .unwrap_or_default()
    }
}

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Trains a model on `sessions`; `progress(done, total)` after each window.
pub fn train(
    sessions: &[Session],
    settings: &Settings,
    config: &TrainConfig,
    progress: &mut dyn FnMut(u64, u64),
) -> BanditModel {
    let mut rng = Rng::new(config.seed);
    let mut order: Vec<usize> = (0..sessions.len()).collect();
    // Fisher–Yates, seeded.
    for i in (1..order.len()).rev() {
        let j = usize::try_from(rng.below(i as u64 + 1)).unwrap_or(0);
        order.swap(i, j);
    }
    let windows: u64 = sessions
        .iter()
        .map(|(_, e)| {
            let span = e.last().map_or(0, |l| l.0) - e.first().map_or(0, |f| f.0);
            u64::try_from(span / config.window_ms + 1).unwrap_or(0)
        })
        .sum();
    let mut bandit = LinUcb::new(config.arms_ticks.len(), DIM, config.alpha, config.lambda);
    let mut decisions = 0;
    let mut done = 0;
    for &i in &order {
        let (_, events) = &sessions[i];
        decisions += train_session(events, settings, config, &mut bandit, &mut rng, &mut |n| {
            done += n;
            progress(done, windows);
        });
    }
    let mut trained_on: Vec<String> = sessions.iter().map(|(n, _)| n.clone()).collect();
    trained_on.sort();
    BanditModel {
        format: MODEL_FORMAT,
        arms_ticks: config.arms_ticks.clone(),
        window_ms: config.window_ms,
        dim: DIM,
        inventory_penalty: config.inventory_penalty,
        seed: config.seed,
        trained_on,
        decisions,
        bandit,
    }
}

/// One session: returns how many (token, window) decisions it taught.
fn train_session(
    events: &[(i64, MarketEvent)],
    settings: &Settings,
    config: &TrainConfig,
    bandit: &mut LinUcb,
    rng: &mut Rng,
    windows_done: &mut dyn FnMut(u64),
) -> u64 {
    let Some(start) = events.first().map(|e| e.0) else {
        return 0;
    };
    let mut world = World::new(settings);
    let mut trackers: BTreeMap<TokenId, ContextTracker> = BTreeMap::new();
    let mut last_mark: BTreeMap<TokenId, Decimal> = BTreeMap::new();
    let params = settings.core.params.clone();
    let mut decisions = 0;
    let mut i = 0;
    let mut window_start = start;
    while i < events.len() {
        let window_end = window_start + config.window_ms;
        let end = events[i..]
            .iter()
            .position(|(t, _)| *t >= window_end)
            .map_or(events.len(), |n| i + n);
        let slice = &events[i..end];
        // Each token's context at the window's start.
        let contexts: Vec<(TokenId, [f64; DIM], Decimal)> = trackers
            .iter_mut()
            .filter_map(|(token, tracker)| {
                let book = world.core.others_book(token)?;
                let tick = world.core.tick(token);
                let position = world
                    .core
                    .positions()
                    .get(token)
                    .copied()
                    .unwrap_or_default();
                let x = tracker.context(
                    &book,
                    tick,
                    position,
                    params.max_position,
                    params.order_size,
                    window_start,
                )?;
                Some((token.clone(), x, tick))
            })
            .collect();
        if !contexts.is_empty() && !slice.is_empty() {
            // Every arm's reward in these contexts.
            for (arm, ticks) in config.arms_ticks.iter().enumerate() {
                let mut clone = world.clone();
                let before: Vec<Decimal> = contexts
                    .iter()
                    .map(|(t, _, _)| clone.account.value(t, clone.mark(t, &last_mark)))
                    .collect();
                for (token, _, tick) in &contexts {
                    clone
                        .core
                        .set_half_spread(token, *tick * Decimal::from(*ticks));
                }
                for (t, e) in slice {
                    clone.step(e, *t);
                }
                for ((token, x, tick), before) in contexts.iter().zip(before) {
                    let after = clone.account.value(token, clone.mark(token, &last_mark));
                    let shares =
                        to_f64(clone.account.shares.get(token).copied().unwrap_or_default());
                    let tick = to_f64(*tick).max(1e-9);
                    let reward =
                        to_f64(after - before) / tick - config.inventory_penalty * shares * shares;
                    bandit.update(arm, x, reward);
                }
            }
            // The main path, at the bandit's own choices.
            for (token, x, tick) in &contexts {
                let arm = if rng.next_f64() < config.epsilon {
                    usize::try_from(rng.below(config.arms_ticks.len() as u64)).unwrap_or(0)
                } else {
                    bandit.choose(x)
                };
                world
                    .core
                    .set_half_spread(token, *tick * Decimal::from(config.arms_ticks[arm]));
                decisions += 1;
            }
        }
        for (t, e) in slice {
            world.step(e, *t);
            let token = e.token().clone();
            let book = world.core.others_book(&token);
            if let Some(mid) = book
                .as_ref()
                .and_then(crate::market_data::OrderBook::midpoint)
            {
                last_mark.insert(token.clone(), mid);
            }
            trackers
                .entry(token)
                .or_insert_with(|| ContextTracker::new(config.window_ms))
                .observe(e, book.as_ref(), *t);
        }
        windows_done(1);
        i = end;
        window_start = window_end;
    }
    decisions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_values_cash_and_shares_at_the_mark() {
        let mut a = Account::default();
        let t: TokenId = "1".into();
        a.fill(
            &t,
            Side::Buy,
            Decimal::new(48, 2),
            Decimal::TEN,
            Decimal::ZERO,
        );
        a.fill(
            &t,
            Side::Sell,
            Decimal::new(50, 2),
            Decimal::new(4, 0),
            Decimal::new(1, 2),
        );
        // −4.80 + 2.00 − 0.01 cash, 6 shares at 0.49.
        assert_eq!(a.value(&t, Decimal::new(49, 2)), Decimal::new(13, 2));
    }
}
