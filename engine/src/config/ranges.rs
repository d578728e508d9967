//! The valid range of every number and duration in the config, in one table:
//! `check-config` refuses a value outside it (with file:line:col and a hint),
//! and everything it accepts runs (`ploy run` and `ploy migrate` neither panic
//! nor abort). The README's key table shows the same ranges; a test keeps
//! them equal.

use std::time::Duration;

use rust_decimal::Decimal;

use super::types::Config;

/// A key's valid values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// A duration from `low` to `high`, both included.
    Duration(Duration, Duration),
    /// An integer from `low` to `high`, both included.
    Count(u64, u64),
    /// 0, or a factor from `low` to `high` (both included).
    ZeroOrFactor(f64, f64),
    /// A decimal between `low` and `high`; `open_low`/`open_high` exclude the end.
    Decimal {
        /// Lower end.
        low: Decimal,
        /// Upper end.
        high: Decimal,
        /// The lower end is excluded.
        open_low: bool,
        /// The upper end is excluded.
        open_high: bool,
    },
}

/// A key's value as configured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A duration.
    Duration(Duration),
    /// An integer.
    Count(u64),
    /// A float.
    Factor(f64),
    /// A decimal.
    Decimal(Decimal),
    /// Not set (an optional key).
    Unset,
}

/// One ranged key: its dotted name, its bound, its value in a config, and
/// what to write instead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranged {
    /// `section.key`.
    pub key: &'static str,
    /// The valid values.
    pub bound: Bound,
    /// The value.
    pub value: Value,
    /// What to write instead (and why the bound is where it is).
    pub hint: &'static str,
}

fn d(low: Duration, high: Duration) -> Bound {
    Bound::Duration(low, high)
}

fn dec(low: i64, high: i64, scale: u32, open_low: bool, open_high: bool) -> Bound {
    Bound::Decimal {
        low: Decimal::new(low, scale),
        high: Decimal::new(high, scale),
        open_low,
        open_high,
    }
}

/// The most orders a minute `risk.max_orders_per_minute` allows: Polymarket's
/// per-signer order bucket at its lowest (Standard) tier refills 40 orders a
/// second, well inside the IP limits' sustained 36,000 `POST /order` per 10
/// minutes (docs.polymarket.com, "CLOB Trading Rate Limits" and "Rate Limits").
pub const MAX_ORDERS_PER_MINUTE: u64 = 2_400;

const MS: fn(u64) -> Duration = Duration::from_millis;
const S: fn(u64) -> Duration = Duration::from_secs;

/// Every number and duration of `config` with its bound.
pub fn ranged(config: &Config) -> Vec<Ranged> {
    use Value as V;
    let ex = &config.exchange;
    let md = &config.market_data;
    let db = &config.database;
    let risk = &config.risk;
    let st = &config.strategy;
    let paper = &config.paper;
    let health = &config.health;
    let r = |key, bound, value, hint| Ranged {
        key,
        bound,
        value,
        hint,
    };
    vec![
        r(
            "server.shutdown_timeout",
            d(S(1), S(600)),
            V::Duration(config.server.shutdown_timeout),
            "write e.g. \"10s\": time to cancel resting orders and finish writes",
        ),
        r(
            "exchange.request_timeout",
            d(MS(100), S(300)),
            V::Duration(ex.request_timeout),
            "write e.g. \"10s\"",
        ),
        r(
            "exchange.order_deadline",
            d(S(1), S(600)),
            V::Duration(ex.order_deadline),
            "write e.g. \"30s\"",
        ),
        r(
            "exchange.heartbeat_interval",
            d(S(1), S(8)),
            V::Duration(ex.heartbeat_interval),
            "write 1s to 8s, e.g. \"5s\": the exchange cancels every order when no heartbeat arrives for 10 s",
        ),
        r(
            "exchange.open_orders_check",
            d(S(1), S(3600)),
            V::Duration(ex.open_orders_check),
            "write e.g. \"30s\"",
        ),
        r(
            "exchange.quote_ttl",
            d(S(90), S(3600)),
            ex.quote_ttl.map_or(V::Unset, V::Duration),
            "write e.g. \"5m\", or remove it for GTC quotes (the exchange refuses an expiration less than a minute ahead)",
        ),
        r(
            "market_data.recording_speed",
            Bound::ZeroOrFactor(0.01, 1000.0),
            V::Factor(md.recording_speed),
            "write 1.0 for real time, 10 for ten times faster, or 0 for as fast as possible",
        ),
        r(
            "market_data.poll_interval",
            d(MS(100), S(600)),
            V::Duration(md.poll_interval),
            "write e.g. \"2s\": each poll is a request to the exchange",
        ),
        r(
            "market_data.max_silence",
            d(S(3), S(300)),
            V::Duration(md.max_silence),
            "write e.g. \"30s\"",
        ),
        r(
            "market_data.max_staleness",
            d(S(1), S(3600)),
            V::Duration(md.max_staleness),
            "write e.g. \"60s\"",
        ),
        r(
            "database.max_connections",
            Bound::Count(1, 1000),
            V::Count(u64::from(db.max_connections)),
            "write e.g. 5",
        ),
        r(
            "database.connect_timeout",
            d(S(1), S(300)),
            V::Duration(db.connect_timeout),
            "write e.g. \"5s\"",
        ),
        r(
            "risk.max_position_per_market",
            dec(0, 1_000_000, 0, true, false),
            V::Decimal(risk.max_position_per_market),
            "write a positive number of shares, e.g. \"100\"",
        ),
        r(
            "risk.max_notional_per_market",
            dec(0, 1_000_000, 0, true, false),
            V::Decimal(risk.max_notional_per_market),
            "write a positive amount of USDC, e.g. \"50\"",
        ),
        r(
            "risk.max_open_orders",
            Bound::Count(1, 1000),
            V::Count(u64::from(risk.max_open_orders)),
            "write e.g. 10; to stop trading, set risk.trading_state = \"halted\" instead",
        ),
        r(
            "risk.max_orders_per_minute",
            Bound::Count(1, MAX_ORDERS_PER_MINUTE),
            V::Count(u64::from(risk.max_orders_per_minute)),
            "write e.g. 60: Polymarket's order bucket refills 40 orders a second for the lowest tier (2,400 a minute); to stop trading, set risk.trading_state = \"halted\" instead",
        ),
        r(
            "risk.balance_refresh",
            d(S(5), S(3600)),
            V::Duration(risk.balance_refresh),
            "write e.g. \"30s\": each read is one request, and one more per token held",
        ),
        r(
            "risk.max_daily_loss",
            dec(0, 1_000_000, 0, true, false),
            risk.max_daily_loss.map_or(V::Unset, V::Decimal),
            "write a positive amount of USDC, e.g. \"50\", or remove it for no daily loss limit",
        ),
        r(
            "risk.max_drawdown",
            dec(0, 1_000_000, 0, true, false),
            risk.max_drawdown.map_or(V::Unset, V::Decimal),
            "write a positive amount of USDC, e.g. \"25\", or remove it for no drawdown limit",
        ),
        r(
            "strategy.half_spread",
            dec(0, 5, 1, true, true),
            V::Decimal(st.half_spread),
            "write e.g. \"0.02\" for quotes two cents either side of the midpoint",
        ),
        r(
            "strategy.order_size",
            dec(0, 1_000_000, 0, true, false),
            V::Decimal(st.order_size),
            "write e.g. \"5\"",
        ),
        r(
            "strategy.inventory_skew",
            dec(0, 5, 1, false, false),
            V::Decimal(st.inventory_skew),
            "write e.g. \"0.01\", or 0 to disable skew",
        ),
        r(
            "strategy.requote_ticks",
            Bound::Count(0, 100),
            V::Count(u64::from(st.requote_ticks)),
            "write e.g. 1",
        ),
        r(
            "strategy.policy_max_ticks",
            Bound::Count(1, 50),
            V::Count(u64::from(st.policy_max_ticks)),
            "write e.g. 10: the widest half-spread, in ticks, a trained policy may choose",
        ),
        r(
            "paper.fee_rate",
            dec(0, 1, 0, false, false),
            V::Decimal(paper.fee_rate),
            "write e.g. \"0.02\"",
        ),
        r(
            "paper.fee_exponent",
            Bound::Count(0, 8),
            V::Count(u64::from(paper.fee_exponent)),
            "write e.g. 2",
        ),
        r(
            "paper.collateral",
            dec(0, 1_000_000_000, 0, false, false),
            V::Decimal(paper.collateral),
            "write e.g. \"1000\" (USDC)",
        ),
        r(
            "paper.post_latency",
            d(S(0), S(10)),
            V::Duration(paper.post_latency),
            "write e.g. \"100ms\" (live, ploy_order_latency_ms shows yours)",
        ),
        r(
            "paper.cancel_latency",
            d(S(0), S(10)),
            V::Duration(paper.cancel_latency),
            "write e.g. \"100ms\" (live, ploy_order_latency_ms shows yours)",
        ),
        r(
            "health.max_queue_depth",
            Bound::Count(1, 100_000),
            V::Count(health.max_queue_depth as u64),
            "write e.g. 100",
        ),
        r(
            "health.api_cache",
            d(S(0), S(600)),
            V::Duration(health.api_cache),
            "write e.g. \"5s\"",
        ),
        r(
            "health.check_timeout",
            d(MS(100), S(60)),
            V::Duration(health.check_timeout),
            "write e.g. \"2s\"",
        ),
    ]
}

impl Bound {
    /// The range in words, as the README shows it: `1s to 10m`, `1 to 1000`,
    /// `0, or 0.01 to 1000`, `above 0, at most 1000000`, `above 0, below 0.5`.
    pub fn describe(&self) -> String {
        let fd = |v: Duration| humantime::format_duration(v).to_string();
        match self {
            Bound::Duration(low, high) => format!("{} to {}", fd(*low), fd(*high)),
            Bound::Count(low, high) => format!("{low} to {high}"),
            Bound::ZeroOrFactor(low, high) => format!("0, or {low} to {high}"),
            Bound::Decimal {
                low,
                high,
                open_low,
                open_high,
            } => {
                let (low, high) = (low.normalize(), high.normalize());
                if !open_low && !open_high {
                    return format!("{low} to {high}");
                }
                let low = if *open_low {
                    format!("above {low}")
                } else {
                    format!("from {low}")
                };
                let high = if *open_high {
                    format!("below {high}")
                } else {
                    format!("at most {high}")
                };
                format!("{low}, {high}")
            },
        }
    }

    /// Whether `value` is within.
    pub fn admits(&self, value: Value) -> bool {
        match (self, value) {
            (_, Value::Unset) => true,
            (Bound::Duration(low, high), Value::Duration(v)) => *low <= v && v <= *high,
            (Bound::Count(low, high), Value::Count(v)) => *low <= v && v <= *high,
            (Bound::ZeroOrFactor(low, high), Value::Factor(v)) => {
                v == 0.0 || (*low <= v && v <= *high)
            },
            (
                Bound::Decimal {
                    low,
                    high,
                    open_low,
                    open_high,
                },
                Value::Decimal(v),
            ) => {
                let above = if *open_low { v > *low } else { v >= *low };
                let below = if *open_high { v < *high } else { v <= *high };
                above && below
            },
            _ => false,
        }
    }
}

impl Value {
    /// As written in a config.
    pub fn show(&self) -> String {
        match self {
            Value::Duration(v) => humantime::format_duration(*v).to_string(),
            Value::Count(v) => v.to_string(),
            Value::Factor(v) => v.to_string(),
            Value::Decimal(v) => v.to_string(),
            Value::Unset => "unset".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_within_their_ranges() {
        for r in ranged(&Config::default()) {
            assert!(r.bound.admits(r.value), "{}: {:?}", r.key, r.value);
        }
    }

    #[test]
    fn the_readme_key_table_shows_every_range() {
        let readme = include_str!("../../../README.md");
        for r in ranged(&Config::default()) {
            let row = readme
                .lines()
                .find(|l| l.starts_with("| `") && l.contains(&format!("`{}`", r.key)))
                .unwrap_or_else(|| panic!("README has no row for {}", r.key));
            let range = r.bound.describe();
            assert!(
                row.contains(&format!("({range})")) || row.contains(&format!("({range};")),
                "README's row for {} should show ({range}):\n{row}",
                r.key
            );
        }
    }

    #[test]
    fn bounds_admit_their_ends_and_refuse_beyond() {
        let b = Bound::Duration(S(1), S(8));
        assert!(b.admits(Value::Duration(S(1))));
        assert!(b.admits(Value::Duration(S(8))));
        assert!(!b.admits(Value::Duration(MS(999))));
        assert!(!b.admits(Value::Duration(MS(8001))));
        let f = Bound::ZeroOrFactor(0.01, 1000.0);
        assert!(f.admits(Value::Factor(0.0)));
        assert!(!f.admits(Value::Factor(1e-300)));
        assert!(!f.admits(Value::Factor(f64::NAN)));
        assert!(!f.admits(Value::Factor(f64::INFINITY)));
        let h = dec(0, 5, 1, true, true);
        assert!(!h.admits(Value::Decimal(Decimal::ZERO)));
        assert!(!h.admits(Value::Decimal(Decimal::new(5, 1))));
        assert!(h.admits(Value::Decimal(Decimal::new(2, 2))));
        assert_eq!(h.describe(), "above 0, below 0.5");
        assert_eq!(d(MS(100), S(600)).describe(), "100ms to 10m");
    }
}
