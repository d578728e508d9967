//! The trained model (`model.json`) and the controller that applies it: per
//! token, once per decision window of event time, the context → the arm
//! (a half-spread of so many ticks) → [`TradingCore::set_half_spread`].
//! A frozen model only exploits (the greedy arm); risk limits and the kill
//! switch are the core's, unchanged.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::features::{ContextTracker, DIM};
use super::linucb::LinUcb;
use crate::market_data::MarketEvent;
use crate::orders::TokenId;
use crate::trading::TradingCore;

/// The model file's format; a reader refuses a newer one.
pub const MODEL_FORMAT: u32 = 1;

/// What training produced, and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BanditModel {
    /// [`MODEL_FORMAT`].
    pub format: u32,
    /// The arms: half-spreads in ticks, ascending.
    pub arms_ticks: Vec<u32>,
    /// The decision window (event time, ms).
    pub window_ms: i64,
    /// Features per context ([`DIM`]).
    pub dim: usize,
    /// The reward's inventory penalty per share² per decision, in units of
    /// the tick.
    pub inventory_penalty: f64,
    /// The seed training ran with.
    pub seed: u64,
    /// The recordings it was trained on (file names, in order).
    pub trained_on: Vec<String>,
    /// Decisions it learned from.
    pub decisions: u64,
    /// The learner.
    pub bandit: LinUcb,
}

/// Why a model cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not readable or not a model.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl BanditModel {
    /// Reads and checks a model file.
    pub fn load(path: &std::path::Path) -> Result<Self, ModelError> {
        let invalid = |message: String| ModelError::Invalid {
            path: path.display().to_string(),
            message,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| invalid(format!("cannot read: {e}")))?;
        let model: Self =
            serde_json::from_str(&text).map_err(|e| invalid(format!("not a bandit model: {e}")))?;
        model.check().map_err(invalid)?;
        Ok(model)
    }

    /// The model is one this release can run.
    pub fn check(&self) -> Result<(), String> {
        if self.format > MODEL_FORMAT {
            return Err(format!(
                "model format {} is newer than this release reads ({MODEL_FORMAT})",
                self.format
            ));
        }
        if self.dim != DIM {
            return Err(format!(
                "{} features, this release computes {DIM}",
                self.dim
            ));
        }
        if self.arms_ticks.is_empty()
            || self.arms_ticks.len() != self.bandit.arms.len()
            || self.arms_ticks.iter().any(|t| !(1..=50).contains(t))
            || self.arms_ticks.windows(2).any(|w| w[0] >= w[1])
        {
            return Err(
                "its arms must be 1 to 50 ticks, ascending, one regression each".to_owned(),
            );
        }
        if !(100..=3_600_000).contains(&self.window_ms) {
            return Err(format!(
                "decision window {} ms is outside 100 ms to 1 h",
                self.window_ms
            ));
        }
        let finite = self
            .bandit
            .arms
            .iter()
            .all(|a| a.a_inv.len() == DIM * DIM && a.b.len() == DIM)
            && self
                .bandit
                .arms
                .iter()
                .flat_map(|a| a.a_inv.iter().chain(&a.b))
                .all(|v| v.is_finite());
        if !finite {
            return Err("a regression is malformed or not finite".to_owned());
        }
        Ok(())
    }

    /// Writes it (stable field order, so the same training gives the same bytes).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serializes")
    }
}

/// Picks each token's half-spread once per decision window.
#[derive(Debug, Clone)]
pub struct SpreadController {
    model: BanditModel,
    max_ticks: u32,
    trackers: BTreeMap<TokenId, ContextTracker>,
    next_ms: BTreeMap<TokenId, i64>,
}

impl SpreadController {
    /// A controller for a frozen model; arms wider than `max_ticks` are
    /// never chosen (the config's bound).
    pub fn new(model: BanditModel, max_ticks: u32) -> Self {
        Self {
            model,
            max_ticks,
            trackers: BTreeMap::new(),
            next_ms: BTreeMap::new(),
        }
    }

    /// Takes in a market event (before the core does) and, at a token's
    /// decision time, sets its half-spread on the core. Returns the tokens
    /// whose half-spread was set, with the ticks.
    pub fn on_market(
        &mut self,
        core: &mut TradingCore,
        event: &MarketEvent,
        now_ms: i64,
    ) -> Vec<(TokenId, u32)> {
        let token = event.token().clone();
        let window = self.model.window_ms;
        // The others' book as this event leaves it (the core applies it
        // next): our own orders taken out, as the strategy sees it.
        let mut book = core.books().get(&token).cloned().unwrap_or_default();
        book.apply(event);
        let book = crate::trading::own_book::others_book(&book, &core.own_levels(&token));
        let tracker = self
            .trackers
            .entry(token.clone())
            .or_insert_with(|| ContextTracker::new(window));
        tracker.observe(event, Some(&book), now_ms);
        let due = self.next_ms.get(&token).is_none_or(|t| now_ms >= *t);
        if !due {
            return Vec::new();
        }
        let params = core.params().clone();
        let tick = book.tick.unwrap_or_else(|| core.tick(&token));
        let position = core.positions().get(&token).copied().unwrap_or_default();
        let Some(x) = tracker.context(
            &book,
            tick,
            position,
            params.max_position,
            params.order_size,
            now_ms,
        ) else {
            return Vec::new();
        };
        self.next_ms.insert(token.clone(), now_ms + window);
        let ticks = self.choose(&x);
        core.set_half_spread(&token, tick * Decimal::from(ticks));
        vec![(token, ticks)]
    }

    /// The greedy arm among those within the bound, in ticks.
    pub fn choose(&self, x: &[f64]) -> u32 {
        let allowed: Vec<usize> = (0..self.model.arms_ticks.len())
            .filter(|i| self.model.arms_ticks[*i] <= self.max_ticks)
            .collect();
        let best = allowed
            .iter()
            .copied()
            .max_by(|a, b| {
                let pa = self.model.bandit.arms[*a].predict(x);
                let pb = self.model.bandit.arms[*b].predict(x);
                pa.total_cmp(&pb).then(b.cmp(a))
            })
            .unwrap_or(0);
        self.model.arms_ticks[best].min(self.max_ticks.max(1))
    }
}

impl crate::trading::QuotePolicy for SpreadController {
    fn on_market(
        &mut self,
        core: &mut TradingCore,
        event: &MarketEvent,
        now_ms: i64,
    ) -> Vec<(TokenId, u32)> {
        SpreadController::on_market(self, core, event, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    pub(crate) fn model(arms: Vec<u32>) -> BanditModel {
        BanditModel {
            format: MODEL_FORMAT,
            bandit: LinUcb::new(arms.len(), DIM, 1.0, 1.0),
            arms_ticks: arms,
            window_ms: 5_000,
            dim: DIM,
            inventory_penalty: 0.0,
            seed: 1,
            trained_on: Vec::new(),
            decisions: 0,
        }
    }

    proptest! {
        /// Whatever the model learned and the context, the choice is one of
        /// the model's arms within the configured bound.
        #[test]
        fn the_chosen_spread_is_always_an_allowed_arm(
            arms in prop::collection::btree_set(1u32..=50, 1..6),
            max_ticks in 1u32..=50,
            updates in prop::collection::vec((0usize..6, prop::collection::vec(-5.0f64..5.0, DIM), -10.0f64..10.0), 0..30),
            x in prop::collection::vec(-5.0f64..5.0, DIM),
        ) {
            let arms: Vec<u32> = arms.into_iter().collect();
            let mut m = model(arms.clone());
            for (arm, ctx, r) in &updates {
                let a = arm % arms.len();
                m.bandit.update(a, ctx, *r);
            }
            let c = SpreadController::new(m, max_ticks);
            let ticks = c.choose(&x);
            let allowed: Vec<u32> = arms.iter().copied().filter(|t| *t <= max_ticks).collect();
            if allowed.is_empty() {
                prop_assert!(ticks <= max_ticks.max(1));
            } else {
                prop_assert!(allowed.contains(&ticks), "{ticks} not in {allowed:?}");
            }
        }
    }

    #[test]
    fn a_model_is_checked_before_use() {
        assert!(model(vec![1, 2, 4]).check().is_ok());
        assert!(model(vec![2, 1]).check().is_err());
        assert!(model(vec![0, 1]).check().is_err());
        let mut m = model(vec![1, 2]);
        m.bandit.arms[0].b[0] = f64::NAN;
        assert!(m.check().unwrap_err().contains("not finite"));
        let mut m = model(vec![1, 2]);
        m.window_ms = 10;
        assert!(m.check().is_err());
    }
}
