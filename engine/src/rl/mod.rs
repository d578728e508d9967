//! The `rl` feature: a contextual-bandit quoting policy that picks each
//! token's half-spread from a few tick multiples, once per decision window
//! of event time, from the book and the recent trades.
//!
//! - [`features`]: the context (pure; event time only).
//! - [`linucb`]: the learner (LinUCB, rank-one updates).
//! - [`model`]: the trained model file and [`model::SpreadController`], which
//!   applies a frozen model to a [`crate::trading::TradingCore`] in replays,
//!   paper and live runs; risk limits and the kill switch stay the core's.
//! - [`train`]: offline training by counterfactual replay.
//! - [`eval`]: the policy against every fixed spread on held-out files.
//! - [`synth`]: seeded synthetic recordings (calm and toxic regimes).
//!
//! Money stays decimal; floats live only inside the learner and the context.

pub mod eval;
pub mod features;
pub mod linucb;
pub mod model;
pub mod rng;
pub mod synth;
pub mod train;
