//! The live pipeline: market data → trading core (strategy, risk) → order queue
//! → executor, with order events flowing back. `ploy run` drives it in paper
//! and live mode.

use rust_decimal::Decimal;

use crate::config::Config;
use crate::strategy::QuoteParams;
use crate::trading::CoreConfig;

/// The core's settings from the config, with client IDs prefixed by `prefix`.
pub fn core_config(cfg: &Config, prefix: &str) -> CoreConfig {
    CoreConfig {
        params: QuoteParams {
            half_spread: cfg.strategy.half_spread,
            order_size: cfg.strategy.order_size,
            inventory_skew: cfg.strategy.inventory_skew,
            requote_ticks: cfg.strategy.requote_ticks,
            max_position: cfg.risk.max_position_per_market,
        },
        markets: cfg
            .strategy
            .markets
            .iter()
            .map(|m| m.as_str().into())
            .collect(),
        default_tick: Decimal::new(1, 2),
        id_prefix: prefix.to_owned(),
    }
}
