//! Prometheus metrics (`GET /metrics`), with the names operators' dashboards use.
//!
//! One explicit registry per engine (no globals, so tests can run engines side by
//! side). Counters are exposed with the `_total` suffix, e.g. `ploy_orders_placed_total`.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::build_info::BuildInfo;
use crate::config::TradingState;

/// The content type of [`Metrics::encode`] (OpenMetrics text).
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The content type of [`Metrics::encode_prometheus_text`] (classic text format).
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Buckets of `ploy_order_latency_ms`: 1 ms to 10 s.
const LATENCY_BUCKETS_MS: [f64; 14] = [
    1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 7500.0, 10000.0,
];

/// `kind` label of `ploy_api_errors_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ApiErrorLabels {
    /// `rate_limited`, `restarting`, `unavailable`, `rejected`, `unauthorized`,
    /// `network`, `timeout`, `decode`, `server`.
    pub kind: String,
}

/// Labels of `ploy_build_info`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
    git_sha: String,
    profile: String,
}

/// `mode` label of `ploy_trading_mode`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModeLabels {
    mode: String,
}

/// `reason` label of `ploy_risk_refusals_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusalLabels {
    reason: String,
}

/// `token` label of `ploy_position_shares`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    token: String,
}

/// `state` label of `ploy_trading_state`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TradingStateLabels {
    state: String,
}

/// Every metric the engine exports.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// `ploy_orders_placed_total`: orders accepted by the exchange (or the simulator).
    pub orders_placed: Counter,
    /// `ploy_orders_filled_total`: orders completely filled.
    pub orders_filled: Counter,
    /// `ploy_orders_failed_total`: orders rejected or failed.
    pub orders_failed: Counter,
    /// `ploy_heartbeat_failures_total`: heartbeats the exchange did not acknowledge.
    pub heartbeat_failures: Counter,
    /// `ploy_market_data_age_seconds`: since the last market-data message.
    pub market_data_age_seconds: Gauge<f64, AtomicU64>,
    /// `ploy_order_latency_ms`: from handing an order to the executor to the
    /// exchange's answer.
    pub order_latency_ms: Histogram,
    /// `ploy_api_errors_total{kind}`.
    pub api_errors: Family<ApiErrorLabels, Counter>,
    /// `ploy_deployments_total`: version changes recorded in the database.
    pub deployments: Counter,
    /// `ploy_order_queue_depth`: orders waiting for the executor.
    pub order_queue_depth: Gauge,
    /// `ploy_open_orders`: orders resting on the book.
    pub open_orders: Gauge,
    /// `ploy_start_time_seconds`: Unix time the process started.
    pub start_time_seconds: Gauge<f64, AtomicU64>,
    /// `ploy_quote_gap_seconds`: from the last cancel of the process before
    /// this one to this one's first order placed (a deploy's time without
    /// quotes); set once, at the first placement.
    quote_gap_seconds: Gauge<f64, AtomicU64>,
    /// The previous process's last cancel (Unix ms), until the first placement.
    previous_last_cancel_ms: std::sync::Mutex<Option<i64>>,
    /// `ploy_trading_state{state}`: 1 for the kill switch's state, 0 for the others.
    trading_state: Family<TradingStateLabels, Gauge>,
    /// `ploy_risk_refusals_total{reason}`: orders the risk engine refused.
    risk_refusals: Family<RefusalLabels, Counter>,
    /// `ploy_position_shares{token}`: shares held, as strategy and risk see them.
    position_shares: Family<TokenLabels, Gauge<f64, AtomicU64>>,
    /// `ploy_trading_state_refused_total{reason}`: kill-switch requests refused.
    trading_state_refused: Family<RefusalLabels, Counter>,
    /// `ploy_http_connections_refused_total{reason}`: connections closed at once.
    http_refused: Family<RefusalLabels, Counter>,
    /// `ploy_task_failures_total{task}`: pipeline tasks that stopped early.
    task_failures: Family<TaskLabels, Counter>,
    /// `ploy_policy_half_spread_ticks{token}`: the half-spread a quoting
    /// policy chose last (`strategy.policy = "bandit"`).
    policy_half_spread: Family<TokenLabels, Gauge>,
    /// `ploy_order_rejections_total{reason}`: orders the exchange (or the
    /// paper exchange) refused, by cause.
    order_rejections: Family<RefusalLabels, Counter>,
    /// `ploy_balance_usdc`: the collateral balance the exchange reports.
    pub balance_usdc: Gauge<f64, AtomicU64>,
    /// `ploy_balance_shares{token}`: shares the exchange holds for us.
    balance_shares: Family<TokenLabels, Gauge<f64, AtomicU64>>,
    /// `ploy_pnl_usdc{kind}`: the day's P&L since 00:00 UTC.
    pnl_usdc: Family<KindLabels, Gauge<f64, AtomicU64>>,
    /// `ploy_loss_limit_breached{limit}`: 1 while a loss limit's halt stands.
    loss_limit_breached: Family<LimitLabels, Gauge>,
}

/// `limit` label of `ploy_loss_limit_breached`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabels {
    limit: String,
}

/// `kind` label of `ploy_pnl_usdc`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

/// `task` label of `ploy_task_failures_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TaskLabels {
    task: String,
}

impl Metrics {
    /// Remembers when the process before this one last cancelled an order.
    pub fn set_previous_last_cancel(&self, at_ms: Option<i64>) {
        *self
            .previous_last_cancel_ms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at_ms;
    }

    /// An order was placed at `now_ms`: counted, and the first one sets
    /// `ploy_quote_gap_seconds`.
    pub fn order_placed(&self, now_ms: i64) {
        self.orders_placed.inc();
        let previous = self
            .previous_last_cancel_ms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(at) = previous {
            #[allow(clippy::cast_precision_loss)]
            self.quote_gap_seconds
                .set((now_ms - at).max(0) as f64 / 1000.0);
        }
    }

    /// Registers every metric, with the build info and trading mode set.
    pub fn new(build: BuildInfo, mode: &str) -> Self {
        let mut registry = Registry::default();

        let orders_placed = Counter::default();
        registry.register(
            "ploy_orders_placed",
            "Orders accepted by the exchange or the paper simulator",
            orders_placed.clone(),
        );
        let orders_filled = Counter::default();
        registry.register(
            "ploy_orders_filled",
            "Orders completely filled",
            orders_filled.clone(),
        );
        let orders_failed = Counter::default();
        registry.register(
            "ploy_orders_failed",
            "Orders rejected by the exchange (or the paper simulator), or failed to post",
            orders_failed.clone(),
        );
        let market_data_age_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "ploy_market_data_age_seconds",
            "Seconds since the last market-data message (websocket, REST poll or recording)",
            market_data_age_seconds.clone(),
        );
        let heartbeat_failures = Counter::default();
        registry.register(
            "ploy_heartbeat_failures",
            "Heartbeats to the exchange's dead-man's switch that were not acknowledged",
            heartbeat_failures.clone(),
        );
        let order_latency_ms = Histogram::new(LATENCY_BUCKETS_MS);
        registry.register(
            "ploy_order_latency_ms",
            "Milliseconds from handing an order to the executor to the exchange's answer",
            order_latency_ms.clone(),
        );
        let api_errors = Family::<ApiErrorLabels, Counter>::default();
        registry.register(
            "ploy_api_errors",
            "Errors talking to the exchange API, by kind",
            api_errors.clone(),
        );
        let deployments = Counter::default();
        registry.register(
            "ploy_deployments",
            "Times a new version of ploy started against this database",
            deployments.clone(),
        );
        let order_queue_depth = Gauge::default();
        registry.register(
            "ploy_order_queue_depth",
            "Orders waiting in the in-process queue for the executor",
            order_queue_depth.clone(),
        );
        let open_orders = Gauge::default();
        registry.register(
            "ploy_open_orders",
            "Orders resting on the book",
            open_orders.clone(),
        );
        let quote_gap_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "ploy_quote_gap_seconds",
            "From the previous process's last cancelled order to this process's first order placed (a restart's time without quotes)",
            quote_gap_seconds.clone(),
        );
        let start_time_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "ploy_start_time_seconds",
            "Unix time at which the process started",
            start_time_seconds.clone(),
        );
        let now = crate::clock::wall_ms() as f64 / 1000.0;
        start_time_seconds.set(now);

        let build_info = Family::<BuildLabels, Gauge>::default();
        registry.register(
            "ploy_build_info",
            "Build information; the value is always 1",
            build_info.clone(),
        );
        build_info
            .get_or_create(&BuildLabels {
                version: build.version.to_owned(),
                git_sha: build.git_sha.to_owned(),
                profile: build.profile.to_owned(),
            })
            .set(1);
        let trading_mode = Family::<ModeLabels, Gauge>::default();
        registry.register(
            "ploy_trading_mode",
            "Trading mode (paper or live); the value is always 1",
            trading_mode.clone(),
        );
        trading_mode
            .get_or_create(&ModeLabels {
                mode: mode.to_owned(),
            })
            .set(1);

        let risk_refusals = Family::<RefusalLabels, Counter>::default();
        registry.register(
            "ploy_risk_refusals",
            "Orders the strategy wanted and the risk engine refused, by the limit they broke",
            risk_refusals.clone(),
        );
        // Zeros, not gaps, for the alert on funds held back.
        for reason in ["funds", "allowance"] {
            let _ = risk_refusals.get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            });
        }
        let trading_state_refused = Family::<RefusalLabels, Counter>::default();
        registry.register(
            "ploy_trading_state_refused",
            "Requests to change the kill switch that were refused: not_loopback, bad_host, bad_request, body_too_large, body_timeout, below_floor",
            trading_state_refused.clone(),
        );
        let http_refused = Family::<RefusalLabels, Counter>::default();
        registry.register(
            "ploy_http_connections_refused",
            "HTTP connections closed on arrival: too_many_connections, too_many_from_peer, accept_error",
            http_refused.clone(),
        );
        for reason in ["not_loopback", "bad_host"] {
            let _ = trading_state_refused.get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            });
        }
        for reason in ["too_many_connections", "too_many_from_peer"] {
            let _ = http_refused.get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            });
        }
        let task_failures = Family::<TaskLabels, Counter>::default();
        registry.register(
            "ploy_task_failures",
            "Pipeline tasks that panicked or ended before the engine stopped (trading is halted and /health is down after one)",
            task_failures.clone(),
        );
        for task in crate::supervise::TASKS {
            let _ = task_failures.get_or_create(&TaskLabels {
                task: (*task).to_owned(),
            });
        }
        let trading_state = Family::<TradingStateLabels, Gauge>::default();
        registry.register(
            "ploy_trading_state",
            "The kill switch: 1 for the state in force (active, reducing, halted), 0 for the others",
            trading_state.clone(),
        );

        let position_shares = Family::<TokenLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "ploy_position_shares",
            "Shares held per token (negative: short), as the trading core's strategy and risk see them",
            position_shares.clone(),
        );

        let policy_half_spread = Family::<TokenLabels, Gauge>::default();
        registry.register(
            "ploy_policy_half_spread_ticks",
            "The half-spread, in ticks, the quoting policy chose last per token (strategy.policy = \"bandit\")",
            policy_half_spread.clone(),
        );

        let order_rejections = Family::<RefusalLabels, Counter>::default();
        registry.register(
            "ploy_order_rejections",
            "Orders the exchange (or the paper exchange) refused, by cause: balance, tick_size, min_size, post_only, expiration, market_closed, cancel_only, not_sent, closed_only, banned, trading_disabled, version_mismatch, geoblocked, other",
            order_rejections.clone(),
        );
        for reason in ["balance", "tick_size"] {
            let _ = order_rejections.get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            });
        }
        let balance_usdc = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "ploy_balance_usdc",
            "The collateral (USDC) balance the exchange (or the paper exchange) reports, as last read",
            balance_usdc.clone(),
        );
        let balance_shares = Family::<TokenLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "ploy_balance_shares",
            "Shares per token the exchange (or the paper exchange) holds for the account, as last read",
            balance_shares.clone(),
        );
        let pnl_usdc = Family::<KindLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "ploy_pnl_usdc",
            "The day's P&L since 00:00 UTC in USDC, fees included: realized, and unrealized (positions marked at the others' midpoint); their sum is what risk.max_daily_loss limits",
            pnl_usdc.clone(),
        );
        for kind in ["realized", "unrealized"] {
            let _ = pnl_usdc.get_or_create(&KindLabels {
                kind: kind.to_owned(),
            });
        }

        let loss_limit_breached = Family::<LimitLabels, Gauge>::default();
        registry.register(
            "ploy_loss_limit_breached",
            "1 while a loss limit's halt stands (limit: daily_loss, drawdown), until an operator resumes; 0 otherwise",
            loss_limit_breached.clone(),
        );
        for limit in ["daily_loss", "drawdown"] {
            let _ = loss_limit_breached.get_or_create(&LimitLabels {
                limit: limit.to_owned(),
            });
        }

        // Pre-create the common error kinds so dashboards see zeros, not gaps.
        for kind in [
            "rate_limited",
            "restarting",
            "unavailable",
            "rejected",
            "network",
        ] {
            let _ = api_errors.get_or_create(&ApiErrorLabels {
                kind: kind.to_owned(),
            });
        }

        Self {
            registry,
            orders_placed,
            orders_filled,
            orders_failed,
            heartbeat_failures,
            market_data_age_seconds,
            order_latency_ms,
            api_errors,
            deployments,
            order_queue_depth,
            open_orders,
            start_time_seconds,
            quote_gap_seconds,
            previous_last_cancel_ms: std::sync::Mutex::new(None),
            trading_state,
            risk_refusals,
            trading_state_refused,
            http_refused,
            task_failures,
            position_shares,
            policy_half_spread,
            order_rejections,
            balance_usdc,
            balance_shares,
            pnl_usdc,
            loss_limit_breached,
        }
    }

    /// Shows which loss limit's halt stands (`None`: none).
    pub fn set_loss_limit_breached(&self, breached: Option<&str>) {
        for limit in ["daily_loss", "drawdown"] {
            self.loss_limit_breached
                .get_or_create(&LimitLabels {
                    limit: limit.to_owned(),
                })
                .set(i64::from(breached == Some(limit)));
        }
    }

    /// Counts `n` orders refused for `reason` (an `orders::refusal` label).
    pub fn order_rejected(&self, reason: &str, n: u64) {
        self.order_rejections
            .get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            })
            .inc_by(n);
    }

    /// Shows the shares the exchange holds for us in `token`.
    pub fn set_balance_shares(&self, token: &str, shares: f64) {
        self.balance_shares
            .get_or_create(&TokenLabels {
                token: token.to_owned(),
            })
            .set(shares);
    }

    /// Shows the day's P&L: realized and unrealized, USDC.
    pub fn set_pnl(&self, realized: f64, unrealized: f64) {
        for (kind, value) in [("realized", realized), ("unrealized", unrealized)] {
            self.pnl_usdc
                .get_or_create(&KindLabels {
                    kind: kind.to_owned(),
                })
                .set(value);
        }
    }

    /// Shows the half-spread, in ticks, a policy chose for `token`.
    pub fn set_policy_half_spread(&self, token: &str, ticks: u32) {
        self.policy_half_spread
            .get_or_create(&TokenLabels {
                token: token.to_owned(),
            })
            .set(i64::from(ticks));
    }

    /// Shows the shares held in `token` as the trading core sees them.
    pub fn set_position(&self, token: &str, shares: f64) {
        self.position_shares
            .get_or_create(&TokenLabels {
                token: token.to_owned(),
            })
            .set(shares);
    }

    /// Counts `n` risk refusals for `reason` (a `refusal_name`).
    pub fn risk_refused(&self, reason: &str, n: u64) {
        self.risk_refusals
            .get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            })
            .inc_by(n);
    }

    /// Counts one refused kill-switch request.
    pub fn trading_state_refused(&self, reason: &str) {
        self.trading_state_refused
            .get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            })
            .inc();
    }

    /// Counts `n` failures of the pipeline task `task` (0 shows the series).
    pub fn task_failures(&self, task: &str, n: u64) {
        self.task_failures
            .get_or_create(&TaskLabels {
                task: task.to_owned(),
            })
            .inc_by(n);
    }

    /// Counts one HTTP connection closed on arrival.
    pub fn http_refused(&self, reason: &str) {
        self.http_refused
            .get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            })
            .inc();
    }

    /// Shows `state` as the kill switch's state in force.
    pub fn set_trading_state(&self, state: TradingState) {
        for each in [
            TradingState::Active,
            TradingState::Reducing,
            TradingState::Halted,
        ] {
            self.trading_state
                .get_or_create(&TradingStateLabels {
                    state: each.as_str().to_owned(),
                })
                .set(i64::from(each == state));
        }
    }

    /// Counts one exchange API error of `kind`.
    pub fn api_error(&self, kind: &str) {
        self.api_errors
            .get_or_create(&ApiErrorLabels {
                kind: kind.to_owned(),
            })
            .inc();
    }

    /// The registry in OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }

    /// The registry in the classic Prometheus text format (0.0.4), for scrapers
    /// and tools (curl, promtool) that do not ask for OpenMetrics.
    pub fn encode_prometheus_text(&self) -> String {
        openmetrics_to_prometheus_text(&self.encode())
    }
}

/// Rewrites OpenMetrics text as Prometheus 0.0.4 text: counter families take
/// their `_total` sample name in `# HELP`/`# TYPE`, `info` families become
/// `_info` gauges, `# UNIT` and `# EOF` lines and counters' `_created` samples go.
pub fn openmetrics_to_prometheus_text(openmetrics: &str) -> String {
    let mut out = String::with_capacity(openmetrics.len());
    let mut pending_help: Option<(&str, &str)> = None;
    let mut counter_family: Option<String> = None;
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            pending_help = Some((name, help));
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, "untyped"));
            let (exposed, kind) = match kind {
                "counter" => (format!("{name}_total"), "counter"),
                "info" => (format!("{name}_info"), "gauge"),
                "gaugehistogram" => (name.to_owned(), "histogram"),
                "stateset" => (name.to_owned(), "gauge"),
                other => (name.to_owned(), other),
            };
            counter_family = (kind == "counter").then(|| name.to_owned());
            if let Some((help_name, help)) = pending_help.take() {
                if help_name == name {
                    out.push_str(&format!("# HELP {exposed} {help}\n"));
                }
            }
            out.push_str(&format!("# TYPE {exposed} {kind}\n"));
            continue;
        }
        if let Some(family) = &counter_family {
            if line.starts_with(&format!("{family}_created")) {
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_info::BUILD;

    #[test]
    fn the_first_placement_sets_the_quote_gap_once() {
        let m = Metrics::new(BUILD, "live");
        m.order_placed(500);
        assert!(
            m.encode_prometheus_text()
                .contains("ploy_quote_gap_seconds 0"),
            "no previous process: no gap"
        );
        m.set_previous_last_cancel(Some(1_000));
        m.order_placed(3_500);
        m.order_placed(9_000);
        let text = m.encode_prometheus_text();
        assert!(text.contains("ploy_quote_gap_seconds 2.5\n"), "{text}");
        assert!(text.contains("ploy_orders_placed_total 3\n"), "{text}");
    }

    #[test]
    fn exposes_dashboard_names() {
        let m = Metrics::new(BUILD, "paper");
        m.orders_placed.inc();
        m.order_latency_ms.observe(12.0);
        m.api_error("rate_limited");
        let text = m.encode();
        for name in [
            "ploy_orders_placed_total 1",
            "ploy_orders_filled_total 0",
            "ploy_orders_failed_total 0",
            "ploy_order_latency_ms_bucket{le=\"25.0\"} 1",
            "ploy_api_errors_total{kind=\"rate_limited\"} 1",
            "ploy_deployments_total 0",
            "ploy_order_queue_depth 0",
            "ploy_build_info{version=",
            "ploy_trading_mode{mode=\"paper\"} 1",
        ] {
            assert!(text.contains(name), "{name} missing from\n{text}");
        }
        assert!(text.trim_end().ends_with("# EOF"));

        let classic = m.encode_prometheus_text();
        assert!(
            classic.contains("# HELP ploy_orders_placed_total Orders accepted"),
            "{classic}"
        );
        assert!(
            classic.contains("# TYPE ploy_orders_placed_total counter"),
            "{classic}"
        );
        assert!(
            classic.contains("# TYPE ploy_order_latency_ms histogram"),
            "{classic}"
        );
        assert!(!classic.contains("# EOF"));
    }
}
