//! `/health`: three real, timed checks (database, market-data source, order
//! queue). The report's shape is the shared contract in `ploy-api`.
//!
//! ```json
//! {"status": "healthy", "version": "0.1.0", "uptime_seconds": 42,
//!  "checks": {"database": {"status": "up", "latency_ms": 0.41},
//!             "api_connection": {"status": "up", "latency_ms": 118.2, "source": "exchange"},
//!             "order_queue": {"status": "up", "latency_ms": 0.002, "depth": 0, "max_depth": 100}}}
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::Mutex;

use crate::exchange::ClobClient;
use crate::orders::OrderIntent;
use crate::queue::OrderQueue;
use crate::storage::Store;

pub use ploy_api::health::{Check, CheckStatus, Checks, HealthReport, OverallStatus};

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// Probes the market-data source the engine really uses.
#[async_trait]
pub trait MarketDataProbe: Send + Sync + std::fmt::Debug {
    /// One timed check.
    async fn probe(&self) -> Check;
}

/// Probes the exchange with `GET /time`, reusing a result for `ttl` so a flood
/// of `/health` requests sends at most one request per `ttl` to the exchange.
#[derive(Debug)]
pub struct ExchangeTimeProbe {
    client: ClobClient,
    ttl: Duration,
    cache: Mutex<Option<(Instant, Check)>>,
    feed: Option<Arc<crate::exchange::ws::FeedStatus>>,
}

impl ExchangeTimeProbe {
    /// A probe of `client`'s `/time`, cached for `ttl`.
    pub fn new(
        client: ClobClient,
        ttl: Duration,
        feed: Option<Arc<crate::exchange::ws::FeedStatus>>,
    ) -> Self {
        Self {
            client,
            ttl,
            cache: Mutex::new(None),
            feed,
        }
    }
}

#[async_trait]
impl MarketDataProbe for ExchangeTimeProbe {
    async fn probe(&self) -> Check {
        // Holding the lock across the request makes concurrent callers share it.
        let mut cache = self.cache.lock().await;
        if let Some((at, check)) = cache.as_ref() {
            if at.elapsed() < self.ttl {
                let age = at.elapsed();
                return with_feed_age(
                    check
                        .clone()
                        .with("cached", true)
                        .with("age_ms", millis(age)),
                    self.feed.as_deref(),
                );
            }
        }
        let started = Instant::now();
        let check = match self.client.server_time().await {
            Ok((_, rtt)) => Check::up(rtt),
            Err(e) => Check::down(started.elapsed(), e.to_string()),
        }
        .with("source", "exchange")
        .with("url", self.client.url("/time").to_string());
        *cache = Some((Instant::now(), check.clone()));
        with_feed_age(check.with("cached", false), self.feed.as_deref())
    }
}

/// Adds how long ago the market feed last delivered a message
/// (`last_message_age_ms`), when the engine runs one and it has, and how long
/// ago an authenticated exchange request last succeeded
/// (`last_exchange_ok_age_ms`, live mode).
fn with_feed_age(check: Check, feed: Option<&crate::exchange::ws::FeedStatus>) -> Check {
    let now = crate::clock::wall_ms();
    let mut check = check;
    if let Some(ok) = ClobClient::last_authenticated_ok_ms() {
        check = check.with("last_exchange_ok_age_ms", (now - ok).max(0));
    }
    let last = feed.map_or(0, |f| {
        f.last_message_ms.load(std::sync::atomic::Ordering::SeqCst)
    });
    if last <= 0 {
        return check;
    }
    check.with("last_message_age_ms", (now - last).max(0))
}

/// Probes a recorded session used as the market-data source: the file must be
/// readable and hold events, and (when the engine runs) the player must be
/// feeding them.
#[derive(Debug)]
pub struct RecordingProbe {
    path: std::path::PathBuf,
    feed: Option<Arc<crate::exchange::ws::FeedStatus>>,
}

impl RecordingProbe {
    /// A probe of the recording at `path`, and of the feed playing it.
    pub fn new(
        path: std::path::PathBuf,
        feed: Option<Arc<crate::exchange::ws::FeedStatus>>,
    ) -> Self {
        Self { path, feed }
    }
}

#[async_trait]
impl MarketDataProbe for RecordingProbe {
    async fn probe(&self) -> Check {
        let started = Instant::now();
        let check = match tokio::fs::read_to_string(&self.path).await {
            Ok(text) => {
                let events = text.lines().filter(|l| !l.trim().is_empty()).count();
                let first_ok = text
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| serde_json::from_str::<serde_json::Value>(l).is_ok());
                let playing = self
                    .feed
                    .as_ref()
                    .is_none_or(|f| f.connected.load(std::sync::atomic::Ordering::SeqCst));
                if events > 0 && first_ok && playing {
                    let mut check = Check::up(started.elapsed()).with("events", events);
                    if let Some(feed) = &self.feed {
                        check = check.with(
                            "loops",
                            feed.polls.load(std::sync::atomic::Ordering::SeqCst),
                        );
                    }
                    check
                } else if !playing {
                    Check::down(started.elapsed(), "the recording player is not running")
                } else {
                    Check::down(started.elapsed(), "the recording holds no readable event")
                }
            },
            Err(e) => Check::down(started.elapsed(), format!("cannot read the recording: {e}")),
        };
        let check = check
            .with("source", "recording")
            .with("path", self.path.display().to_string());
        with_feed_age(check, self.feed.as_deref())
    }
}

/// Runs the three checks.
#[derive(Debug, Clone)]
pub struct HealthService {
    started: Instant,
    version: String,
    store: Arc<dyn Store>,
    market_data: Arc<dyn MarketDataProbe>,
    queue: Arc<OrderQueue<OrderIntent>>,
    max_queue_depth: usize,
    check_timeout: Duration,
    heartbeat: Option<Arc<crate::heartbeat::HeartbeatStatus>>,
    /// Live market data: the feed, and how old its last message may be.
    market_data_age: Option<(Arc<crate::exchange::ws::FeedStatus>, Duration, usize)>,
    mode: Option<String>,
    tasks: Option<Arc<crate::supervise::TaskFailures>>,
    /// A standby's lease, while it waits for it.
    standby: Option<String>,
    /// The account (balances, positions), for the `account` check.
    account: Option<Arc<std::sync::Mutex<crate::pipeline::AccountView>>>,
}

impl HealthService {
    /// Adds the `tasks` check: shown, down, once a pipeline task has stopped.
    pub fn with_task_failures(mut self, failures: Arc<crate::supervise::TaskFailures>) -> Self {
        self.tasks = Some(failures);
        self
    }

    fn tasks(&self) -> Option<Check> {
        let failed = self.tasks.as_ref()?.all();
        let first = failed.first()?;
        let names: Vec<&str> = failed.iter().map(|f| f.task.as_str()).collect();
        Some(
            Check::down(
                Duration::ZERO,
                format!(
                    "the {} task stopped ({}): trading is halted; restart ploy, then resume trading",
                    first.task, first.how
                ),
            )
            .with("failed", serde_json::json!(names)),
        )
    }

    /// Adds the `account` check: up (a warning never degrades `/health`),
    /// with the balance the exchange reports, what resting bids commit, when
    /// it was read, and a `warning` naming each token whose position the
    /// exchange does not hold.
    pub fn with_account(
        mut self,
        account: Arc<std::sync::Mutex<crate::pipeline::AccountView>>,
    ) -> Self {
        self.account = Some(account);
        self
    }

    fn account(&self, now_ms: i64) -> Option<Check> {
        let view = self
            .account
            .as_ref()?
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if view.funds.collateral.is_none() && view.day_pnl.is_none() {
            return None;
        }
        let mut check = Check::up(Duration::ZERO);
        if let Some(collateral) = view.funds.collateral {
            check = check
                .with("balance_usdc", collateral.normalize().to_string())
                .with("committed_usdc", view.committed.normalize().to_string())
                .with("collateral_allowed", view.funds.collateral_allowed);
        }
        if let Some(at) = view.read_at_ms {
            check = check.with("read_age_ms", (now_ms - at).max(0));
        }
        let money = |d: rust_decimal::Decimal| d.round_dp(6).normalize().to_string();
        if let Some(pnl) = view.day_pnl {
            let total = pnl.total();
            check = check
                .with("day_pnl_usdc", money(total))
                .with("realized_usdc", money(pnl.realized))
                .with("unrealized_usdc", money(pnl.unrealized));
            if let Some(max) = view.limits.max_daily_loss {
                check = check
                    .with("max_daily_loss_usdc", money(max))
                    .with("loss_headroom_usdc", money(max - (pnl.reference - total)));
            }
            if let Some(max) = view.limits.max_drawdown {
                check = check
                    .with("max_drawdown_usdc", money(max))
                    .with("drawdown_usdc", money(pnl.peak - total))
                    .with("drawdown_headroom_usdc", money(max - (pnl.peak - total)));
            }
        }
        if let Some(limit) = &view.breached {
            check = check.with("loss_limit_breached", limit.clone());
        }
        let mut warnings: Vec<String> = view
            .mismatches
            .iter()
            .map(|(token, (position, held))| {
                format!(
                    "position {} of token {token} differs from the exchange's balance {}",
                    position.normalize(),
                    held.normalize()
                )
            })
            .collect();
        if view.funds.collateral.is_some() && !view.funds.collateral_allowed {
            warnings.push("no allowance for the collateral: no bid is placed".to_owned());
        }
        if let Some(limit) = &view.breached {
            warnings.push(format!(
                "the {limit} loss limit halted trading; resume once you know why"
            ));
        }
        // Held back in the last minute for want of funds or of an allowance.
        let held: Vec<&str> = view
            .held_back
            .iter()
            .filter(|(_, at)| now_ms - **at <= 60_000)
            .map(|(why, _)| why.as_str())
            .collect();
        if !held.is_empty() {
            check = check.with("held_back", serde_json::json!(held));
            warnings.push(format!(
                "orders held back for want of {}: the balance the exchange reports does not cover the quotes",
                held.join(" and ")
            ));
        }
        for (token, (_, allowed)) in &view.funds.shares {
            if !allowed {
                warnings.push(format!(
                    "no approval for token {token}'s shares: no ask is placed"
                ));
            }
        }
        if !warnings.is_empty() {
            check = check.with("warning", warnings.join("; "));
        }
        let mismatched: BTreeMap<String, serde_json::Value> = view
            .mismatches
            .iter()
            .map(|(t, (p, h))| {
                (
                    t.to_string(),
                    serde_json::json!({"position": p.normalize().to_string(), "exchange": h.normalize().to_string()}),
                )
            })
            .collect();
        if !mismatched.is_empty() {
            check = check.with("mismatches", serde_json::json!(mismatched));
        }
        Some(check)
    }

    /// Adds the `market_data` check: down when the feed's last message is
    /// older than `max_staleness` (or none came yet), or when every one of
    /// the `quoted` markets is closed; closed markets are listed.
    pub fn with_market_data_age(
        mut self,
        feed: Arc<crate::exchange::ws::FeedStatus>,
        max_staleness: Duration,
        quoted: usize,
    ) -> Self {
        self.market_data_age = Some((feed, max_staleness, quoted));
        self
    }

    fn market_data_age(&self, now_ms: i64) -> Option<Check> {
        let (feed, max, quoted) = self.market_data_age.as_ref()?;
        let closed = feed.closed_markets();
        let last = feed
            .last_message_ms
            .load(std::sync::atomic::Ordering::SeqCst);
        let max_ms = i64::try_from(max.as_millis()).unwrap_or(i64::MAX);
        let check = if *quoted > 0 && closed.len() >= *quoted {
            Check::down(
                Duration::ZERO,
                "every quoted market is closed (resolved or not accepting orders): nothing is quoted; put open markets in strategy.markets",
            )
        } else if last <= 0 {
            Check::down(Duration::ZERO, "no market data received yet")
        } else if now_ms - last > max_ms {
            Check::down(
                Duration::ZERO,
                format!(
                    "no market data for {} s (market_data.max_staleness is {}): quotes are cancelled until it comes back",
                    (now_ms - last) / 1000,
                    humantime::format_duration(*max)
                ),
            )
        } else {
            Check::up(Duration::ZERO)
        };
        let check = if closed.is_empty() {
            check
        } else {
            check.with("closed_markets", serde_json::json!(closed))
        };
        Some(if last > 0 {
            check.with("age_ms", (now_ms - last).max(0))
        } else {
            check
        })
    }

    /// Adds the `heartbeat` check (live mode with heartbeats).
    pub fn with_heartbeat(
        mut self,
        status: Option<Arc<crate::heartbeat::HeartbeatStatus>>,
    ) -> Self {
        self.heartbeat = status;
        self
    }

    /// A service for these parts.
    pub fn new(
        store: Arc<dyn Store>,
        market_data: Arc<dyn MarketDataProbe>,
        queue: Arc<OrderQueue<OrderIntent>>,
        max_queue_depth: usize,
        check_timeout: Duration,
    ) -> Self {
        Self {
            started: Instant::now(),
            version: crate::build_info::VERSION.to_owned(),
            store,
            market_data,
            queue,
            max_queue_depth,
            check_timeout,
            heartbeat: None,
            market_data_age: None,
            mode: None,
            tasks: None,
            standby: None,
            account: None,
        }
    }

    /// Adds the `trading_lease` check of a standby: up (ready), not trading
    /// until it holds `lease`.
    pub fn with_standby(mut self, lease: String) -> Self {
        self.standby = Some(lease);
        self
    }

    fn standby(&self) -> Option<Check> {
        let lease = self.standby.as_ref()?;
        Some(
            Check::up(Duration::ZERO)
                .with("role", "standby")
                .with("lease", lease.as_str()),
        )
    }

    /// Says the trading mode (`paper`, `live`) in every report.
    pub fn with_mode(mut self, mode: &str) -> Self {
        self.mode = Some(mode.to_owned());
        self
    }

    async fn database(&self) -> Check {
        let started = Instant::now();
        match tokio::time::timeout(self.check_timeout, self.store.ping()).await {
            Ok(Ok(())) => Check::up(started.elapsed()),
            Ok(Err(e)) => Check::down(started.elapsed(), crate::redact::scrub(&e.to_string())),
            Err(_) => Check::down(
                started.elapsed(),
                format!("no answer within {:?}", self.check_timeout),
            ),
        }
        .with(
            "backend",
            serde_json::to_value(self.store.backend()).unwrap_or_default(),
        )
    }

    async fn api_connection(&self) -> Check {
        let started = Instant::now();
        match tokio::time::timeout(self.check_timeout, self.market_data.probe()).await {
            Ok(check) => check,
            Err(_) => Check::down(
                started.elapsed(),
                format!("no answer within {:?}", self.check_timeout),
            ),
        }
    }

    fn order_queue(&self) -> Check {
        let started = Instant::now();
        let depth = self.queue.depth();
        let closed = self.queue.is_closed();
        let elapsed = started.elapsed();
        let check = if closed {
            Check::down(elapsed, "the queue is closed: the engine is shutting down")
        } else if depth >= self.max_queue_depth {
            Check::down(
                elapsed,
                format!(
                    "{depth} orders waiting, at or above the limit of {}",
                    self.max_queue_depth
                ),
            )
        } else {
            Check::up(elapsed)
        };
        check
            .with("depth", depth)
            .with("max_depth", self.max_queue_depth)
    }

    /// Runs every check concurrently.
    pub async fn report(&self) -> HealthReport {
        let (database, api_connection) = tokio::join!(self.database(), self.api_connection());
        let order_queue = self.order_queue();
        let checks = Checks {
            database,
            api_connection,
            order_queue,
            other: {
                let now = crate::clock::wall_ms();
                self.heartbeat
                    .iter()
                    .map(|h| ("heartbeat".to_owned(), h.check(now)))
                    .chain(
                        self.market_data_age(now)
                            .map(|c| ("market_data".to_owned(), c)),
                    )
                    .chain(self.tasks().map(|c| ("tasks".to_owned(), c)))
                    .chain(self.account(now).map(|c| ("account".to_owned(), c)))
                    .chain(self.standby().map(|c| ("trading_lease".to_owned(), c)))
                    .collect()
            },
        };
        let all_up = checks.all_up();
        HealthReport {
            status: if all_up {
                OverallStatus::Healthy
            } else {
                OverallStatus::Degraded
            },
            version: self.version.clone(),
            uptime_seconds: self.started.elapsed().as_secs(),
            mode: self.mode.clone(),
            checks,
        }
    }
}
