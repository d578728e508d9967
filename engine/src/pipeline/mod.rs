//! The live pipeline: market data → trading core (strategy, risk) → order queue
//! → executor → venue, with order events flowing back into the core, the
//! database and the metrics. `ploy run` starts it in paper or live mode.
//!
//! Tasks: a market feed (websocket with REST fallback, or a recording played
//! in a loop), the main loop (the only owner of the [`TradingCore`]), the
//! executor, and in live mode the heartbeat, a trade poller (which also takes
//! back failed trades), a pending-order sweeper and the open-orders check.
//!
//! `bootstrap` starts it (market rules, fees, reconciliation, the live
//! venue), `main_loop` runs it, `tasks` holds the background tasks.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{Config, MarketDataSource, Mode, Settings, TradingState};
use crate::exchange::ws::{run_rest_fallback, run_websocket, FeedStatus, RawMessage};
use crate::exchange::{ClobClient, ExchangeError};
use crate::execution::live::LiveVenue;
use crate::execution::{run_executor, CancelRequest, Venue};
use crate::fees::FeeBook;
use crate::kill_switch::KillSwitch;
use crate::market_data::recording;
use crate::metrics::Metrics;
use crate::orders::OrderIntent;
use crate::queue::OrderQueue;
use crate::reconcile;
use crate::storage::Store;
use crate::strategy::QuoteParams;
use crate::trading::paper::PaperExchange;
use crate::trading::{CoreConfig, OrderEvent, TradingCore};

use self::bootstrap::*;
use self::main_loop::{EventClock, MainLoop};
use self::tasks::*;

mod bootstrap;
mod main_loop;
mod tasks;

pub(crate) use self::bootstrap::live_client;

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
        // A quiet token's book is read from REST at max_staleness (the main
        // loop asks); its quotes go only when that read does not come.
        loss_limits: crate::trading::day_pnl::LossLimits {
            max_daily_loss: cfg.risk.max_daily_loss,
            max_drawdown: cfg.risk.max_drawdown,
        },
        max_staleness_ms: (cfg.market_data.source == MarketDataSource::Exchange).then(|| {
            i64::try_from((cfg.market_data.max_staleness + confirm_grace(cfg)).as_millis())
                .unwrap_or(i64::MAX)
        }),
    }
}

/// How long a quiet token's REST book may take to confirm it is alive,
/// after `market_data.max_staleness`, before its quotes are cancelled: one
/// request's timeout and a second.
pub fn confirm_grace(cfg: &Config) -> std::time::Duration {
    cfg.exchange.request_timeout + std::time::Duration::from_secs(1)
}

/// The trained quoting policy `strategy.policy = "bandit"` names (check-config
/// has read it already; it is read again here, at the start).
#[cfg(feature = "rl")]
fn quote_policy(
    cfg: &Config,
) -> Result<Option<Box<dyn crate::trading::QuotePolicy>>, PipelineError> {
    if cfg.strategy.policy != crate::config::Policy::Bandit {
        return Ok(None);
    }
    let path = cfg.strategy.policy_model.clone().unwrap_or_default();
    let model = crate::rl::model::BanditModel::load(&path)
        .map_err(|e| PipelineError::Config(e.to_string()))?;
    tracing::info!(
        model = %path.display(),
        arms_ticks = ?model.arms_ticks,
        window_ms = model.window_ms,
        max_ticks = cfg.strategy.policy_max_ticks,
        "quoting with a trained policy's half-spreads"
    );
    Ok(Some(Box::new(crate::rl::model::SpreadController::new(
        model,
        cfg.strategy.policy_max_ticks,
    ))))
}

/// Without the `rl` feature, `check-config` refuses `policy = "bandit"`.
#[cfg(not(feature = "rl"))]
#[allow(clippy::unnecessary_wraps)]
fn quote_policy(
    cfg: &Config,
) -> Result<Option<Box<dyn crate::trading::QuotePolicy>>, PipelineError> {
    if cfg.strategy.policy == crate::config::Policy::Bandit {
        return Err(PipelineError::Config(
            "policy = \"bandit\" needs a ploy built with the `rl` feature".to_owned(),
        ));
    }
    Ok(None)
}

/// Why the pipeline could not start.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The recording could not be read.
    #[error(transparent)]
    Recording(#[from] recording::RecordingError),
    /// The exchange refused or was unreachable at start.
    #[error("{0}")]
    Exchange(#[from] ExchangeError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    /// Reconciliation with the exchange failed.
    #[error(transparent)]
    Reconcile(#[from] reconcile::ReconcileError),
    /// The configuration cannot run (e.g. no markets for the exchange feed).
    #[error("{0}")]
    Config(String),
}

/// The account as the main loop last saw it, for `/health`: the balances
/// the exchange reports, what resting bids commit, the positions, and the
/// tokens whose position the exchange does not hold.
#[derive(Debug, Clone, Default)]
pub struct AccountView {
    /// The balances as last read (`collateral` is `None` until read).
    pub funds: crate::risk::Funds,
    /// When they were read (Unix ms).
    pub read_at_ms: Option<i64>,
    /// Collateral committed to resting bids.
    pub committed: Decimal,
    /// The positions the engine trades on.
    pub positions: BTreeMap<crate::orders::TokenId, Decimal>,
    /// Tokens whose position differs from the exchange's balance at two
    /// reads in a row: (position, the exchange's balance).
    pub mismatches: BTreeMap<crate::orders::TokenId, (Decimal, Decimal)>,
    /// The day's P&L, once the day's accounting began.
    pub day_pnl: Option<crate::trading::day_pnl::DayPnl>,
    /// The loss limit whose halt stands.
    pub breached: Option<String>,
    /// The configured loss limits.
    pub limits: crate::trading::day_pnl::LossLimits,
    /// When risk last held an order back for want of funds or of an
    /// allowance (`funds`, `allowance` → Unix ms).
    pub held_back: BTreeMap<String, i64>,
}

/// Handles the rest of the service keeps.
#[derive(Debug, Clone)]
pub struct PipelineHandle {
    /// The feed's state (for `/health`).
    pub feed: Arc<FeedStatus>,
    /// Live with heartbeats: the exchange's dead-man's switch (for `/health`).
    pub heartbeat: Option<Arc<crate::heartbeat::HeartbeatStatus>>,
    /// The kill switch.
    pub kill_switch: KillSwitch,
    /// Pipeline tasks that stopped early (for `/health`).
    pub task_failures: Arc<crate::supervise::TaskFailures>,
    /// The account (for `/health`).
    pub account: Arc<std::sync::Mutex<AccountView>>,
}

/// Everything the pipeline needs from the service.
#[derive(Debug, Clone)]
pub struct PipelineParts {
    /// Settings.
    pub settings: Settings,
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// The order queue (its depth feeds `/health`).
    pub queue: Arc<OrderQueue<OrderIntent>>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// What can be done before trading without touching what the trading
/// instance owns: each market's rules and fee model read, a recording read,
/// live the API credentials derived and the exchange's open orders listed
/// (read-only). A standby does this while it waits for the trading lease.
pub struct Prepared {
    core: TradingCore,
    condition_ids: Vec<String>,
    fees: FeeBook,
    public: ClobClient,
    recording: Option<Vec<recording::RecordedMessage>>,
    live: Option<(ClobClient, crate::orders::build::Signer)>,
    neg_risk: BTreeMap<crate::orders::TokenId, bool>,
    /// Each market's two outcome tokens (the paper exchange matches them).
    complements: Vec<(crate::orders::TokenId, crate::orders::TokenId)>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("markets", &self.condition_ids.len())
            .field("live", &self.live.is_some())
            .finish_non_exhaustive()
    }
}

/// Reads what trading needs and changes nothing (see [`Prepared`]).
pub async fn prepare(parts: &PipelineParts) -> Result<Prepared, PipelineError> {
    let cfg = &parts.settings.config;
    let prefix = format!(
        "{}-{}",
        cfg.mode.as_str(),
        base36(parts.clock.now_ms().max(0) as u64)
    );
    let mut core = TradingCore::new(
        core_config(cfg, &prefix),
        crate::risk::RiskEngine::new(cfg.risk.clone()),
    );
    let public = ClobClient::new(cfg.exchange.clob_url.clone(), cfg.exchange.request_timeout)?
        .with_metrics(parts.metrics.clone());
    let mut condition_ids = Vec::new();
    let mut fees = FeeBook::new();
    let mut recording_lines = None;
    let mut complements = Vec::new();
    match (cfg.market_data.source, &cfg.market_data.recording) {
        (MarketDataSource::Recording, Some(path)) => {
            let read = recording::read(path, cfg.market_data.recording_strict)?;
            if let Some(summary) = read.skipped_summary() {
                tracing::warn!(
                    skipped = read.skipped.len(),
                    kept = read.lines.len(),
                    "{summary}"
                );
            }
            if read.lines.iter().all(|(_, events)| events.is_empty()) {
                return Err(PipelineError::Config(format!(
                    "the recording {} holds no events",
                    path.display()
                )));
            }
            complements = read.complements();
            recording_lines = Some(read.lines.into_iter().map(|(m, _)| m).collect());
        },
        _ if cfg.strategy.markets.is_empty() => {},
        _ => {
            (condition_ids, complements) = read_market_rules(
                &public,
                &cfg.strategy.markets,
                &mut core,
                cfg.strategy.order_size,
            )
            .await;
            fees = read_fee_models(&public, &condition_ids).await;
        },
    }
    let live = match cfg.mode {
        Mode::Paper => None,
        Mode::Live => {
            let (client, signer) = live_client(&parts.settings, public.clone()).await?;
            Some((client, signer))
        },
    };
    // Which exchange each token's orders are signed for (the first order
    // would look it up otherwise); one that cannot be read is looked up then.
    let mut neg_risk = BTreeMap::new();
    if live.is_some() && recording_lines.is_none() {
        for token in &cfg.strategy.markets {
            if let Ok(value) = public.neg_risk(token).await {
                neg_risk.insert(token.as_str().into(), value);
            }
        }
    }
    Ok(Prepared {
        neg_risk,
        complements,
        core,
        condition_ids,
        fees,
        public,
        recording: recording_lines,
        live,
    })
}

impl Prepared {
    /// Live: lists the exchange's open orders and changes nothing, so a
    /// standby proves its credentials before it reports ready.
    pub async fn check_exchange(&self) -> Result<usize, PipelineError> {
        match &self.live {
            Some((client, _)) => Ok(client.open_orders().await?.len()),
            None => Ok(0),
        }
    }
}

/// Starts every task; returns the handle and a join handle that ends when
/// `stop` fires and the pipeline has wound down (quotes cancelled, queue drained).
pub async fn start(
    parts: PipelineParts,
    prepared: Prepared,
    stop: watch::Receiver<bool>,
) -> Result<(PipelineHandle, JoinHandle<()>), PipelineError> {
    let cfg = parts.settings.config.clone();
    let Prepared {
        mut core,
        condition_ids,
        fees,
        public,
        recording: recording_lines,
        live: live_parts,
        neg_risk,
        complements,
    } = prepared;
    let feed = Arc::new(FeedStatus::default());
    let (raw_tx, raw_rx) = mpsc::channel::<RawMessage>(4096);
    let (order_tx, order_rx) = mpsc::unbounded_channel::<OrderEvent>();
    let (cancel_tx, cancel_rx) = mpsc::unbounded_channel::<Vec<CancelRequest>>();
    let (state_tx, state_rx) = mpsc::unbounded_channel::<TradingState>();
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();
    let (supervisor, mut task_failures) =
        crate::supervise::Supervisor::new(parts.metrics.clone(), stop.clone());

    let positions = positions_by_token(parts.store.as_ref()).await?;
    parts
        .metrics
        .set_previous_last_cancel(parts.store.last_cancel_ms().await?);
    let initial_state = initial_trading_state(&parts).await?;

    // The market feed.
    let tokens: Vec<String> = cfg.strategy.markets.clone();
    match (cfg.market_data.source, recording_lines) {
        (MarketDataSource::Recording, Some(lines)) => {
            tasks.push(supervisor.spawn(
                "recording_player",
                play_recording(
                    lines,
                    cfg.market_data.recording_speed,
                    raw_tx.clone(),
                    feed.clone(),
                    parts.clock.clone(),
                    stop.clone(),
                ),
            ));
        },
        _ if tokens.is_empty() => {
            tracing::warn!(
                "strategy.markets is empty: no market data is subscribed and nothing is quoted; \
                 list token IDs in [strategy] markets, or use market_data.source = \"recording\""
            );
        },
        _ => {
            tasks.push(supervisor.spawn(
                "market_websocket",
                run_websocket(
                    cfg.exchange.ws_url.clone(),
                    cfg.market_data.max_silence,
                    tokens.clone(),
                    raw_tx.clone(),
                    feed.clone(),
                    parts.clock.clone(),
                    stop.clone(),
                ),
            ));
            tasks.push(supervisor.spawn(
                "rest_fallback",
                run_rest_fallback(
                    public.clone(),
                    tokens.clone(),
                    cfg.market_data.poll_interval,
                    raw_tx.clone(),
                    feed.clone(),
                    parts.clock.clone(),
                    stop.clone(),
                ),
            ));
        },
    }
    // The venue.
    let heartbeat = (cfg.mode == Mode::Live && cfg.exchange.heartbeats)
        .then(|| Arc::new(crate::heartbeat::HeartbeatStatus::default()));
    let mut live_venue: Option<Arc<LiveVenue>> = None;
    let mut account_asks: Option<tasks::AccountAsks> = None;
    let (reads_tx, reads_rx) = mpsc::unbounded_channel();
    let (market_ask_tx, market_ask_rx) = mpsc::unbounded_channel();
    let mut paper_exchange: Option<PaperExchange> = None;
    let venue: Option<Arc<dyn Venue>> = match cfg.mode {
        Mode::Paper => {
            end_paper_orders(&parts).await?;
            let mut exchange = PaperExchange::new(cfg.paper.clone());
            exchange.hold(&positions);
            exchange.set_complements(&complements);
            core.restore(positions, Vec::new());
            let _ = core.set_funds(exchange.funds());
            paper_exchange = Some(exchange);
            None
        },
        Mode::Live => {
            let (client, signer) = live_parts.ok_or_else(|| {
                PipelineError::Config("live mode needs POLYMARKET_PRIVATE_KEY".to_owned())
            })?;
            let live = Arc::new(
                LiveVenue::new(client, signer, parts.store.clone(), parts.clock.clone())
                    .with_heartbeat(heartbeat.clone())
                    .with_quote_ttl(cfg.exchange.quote_ttl)
                    .with_order_deadline(cfg.exchange.order_deadline)
                    .with_neg_risk(neg_risk),
            );
            if let Some(status) = &heartbeat {
                // Beside reconciliation: the core posts nothing before the
                // main loop runs, and the first acknowledgement then lets it.
                tasks.push(supervisor.spawn(
                    "heartbeat",
                    crate::heartbeat::run(
                        live.client().clone(),
                        status.clone(),
                        cfg.exchange.heartbeat_interval,
                        parts.clock.clone(),
                        parts.metrics.clone(),
                        stop.clone(),
                    ),
                ));
            }
            reconcile_and_restore(&parts, &live, &mut core, &fees).await?;
            // The balances, before the first order.
            let signature_type = cfg.exchange.signature_type.as_u8();
            let held: std::collections::BTreeSet<crate::orders::TokenId> = core
                .positions()
                .iter()
                .filter(|(_, s)| **s > Decimal::ZERO)
                .map(|(t, _)| t.clone())
                .collect();
            let held_list: Vec<crate::orders::TokenId> = held.iter().cloned().collect();
            match tasks::read_funds(live.client(), signature_type, &held_list).await {
                Ok(funds) => {
                    let _ = reads_tx.send(tasks::AccountRead::Funds(funds));
                },
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the balances at the start (GET /balance-allowance); bids are not held to a balance until one is read");
                },
            }
            let asks = tasks::AccountAsks {
                balances: Arc::new(tokio::sync::Notify::new()),
                rules: market_ask_tx.clone(),
                held: Arc::new(std::sync::Mutex::new(held)),
            };
            tasks.push(supervisor.spawn(
                "balances",
                read_balances(
                    live.client().clone(),
                    signature_type,
                    asks.held.clone(),
                    cfg.risk.balance_refresh,
                    asks.balances.clone(),
                    reads_tx.clone(),
                    stop.clone(),
                ),
            ));
            account_asks = Some(asks);
            let wakers = crate::exchange::ws::UserWakers::default();
            if let Some(creds) = live.client().credentials() {
                tasks.push(supervisor.spawn(
                    "user_channel",
                    crate::exchange::ws::run_user_channel(
                        crate::exchange::ws::user_channel_url(&cfg.exchange.ws_url),
                        cfg.market_data.max_silence,
                        condition_ids,
                        creds.clone(),
                        wakers.clone(),
                        stop.clone(),
                    ),
                ));
            }
            tasks.push(supervisor.spawn(
                "trade_poller",
                poll_trades(
                    live.client().clone(),
                    parts.store.clone(),
                    Arc::new(fees.clone()),
                    order_tx.clone(),
                    parts.clock.clone(),
                    cfg.market_data.poll_interval,
                    wakers.trades.clone(),
                    stop.clone(),
                ),
            ));
            tasks.push(supervisor.spawn(
                "pending_sweeper",
                sweep_pending(
                    live.clone(),
                    order_tx.clone(),
                    wakers.placed.clone(),
                    stop.clone(),
                ),
            ));
            tasks.push(supervisor.spawn(
                "open_orders_check",
                check_open_orders(
                    live.clone(),
                    order_tx.clone(),
                    cfg.exchange.open_orders_check,
                    wakers.cancelled,
                    stop.clone(),
                ),
            ));
            live_venue = Some(live.clone());
            Some(live)
        },
    };

    // Market reads from REST: a token's rules after a refusal (live), and
    // its book when it has been quiet for max_staleness (live and paper on
    // the exchange's feed).
    let market_asks = if cfg.market_data.source == MarketDataSource::Exchange && !tokens.is_empty()
    {
        tasks.push(supervisor.spawn(
            "market_rules",
            read_markets(
                public.clone(),
                tokens.clone(),
                market_ask_rx,
                reads_tx.clone(),
                raw_tx.clone(),
                parts.clock.clone(),
                stop.clone(),
            ),
        ));
        Some(market_ask_tx)
    } else {
        None
    };
    drop(raw_tx);
    drop(reads_tx);

    // The day's P&L: the marks saved while trading, and the day's
    // accounting if this day's was saved before a restart (event time is
    // the wall clock only on the exchange's feed).
    core.set_known_marks(
        parts
            .store
            .marks()
            .await?
            .into_iter()
            .map(|m| (m.token_id, m.price))
            .collect(),
    );
    if cfg.market_data.source == MarketDataSource::Exchange {
        restore_day(&parts, &mut core).await?;
    }

    // Live: the executor posts and cancels. Paper: the main loop steps the
    // simulated exchange itself, as `ploy replay` does.
    let executor = venue.map(|venue| {
        tokio::spawn(crate::supervise::with_failpoint(
            "executor",
            run_executor(
                parts.queue.clone(),
                cancel_rx,
                venue,
                order_tx.clone(),
                parts.metrics.clone(),
                crate::execution::Batching::EXCHANGE,
            ),
        ))
    });
    drop(order_tx);
    let mut main = MainLoop {
        core,
        parts: parts.clone(),
        paper: paper_exchange,
        paper_records: Vec::new(),
        event_clock: match cfg.market_data.source {
            MarketDataSource::Exchange => EventClock::Wall,
            MarketDataSource::Recording if cfg.market_data.recording_speed > 0.0 => {
                EventClock::Recording(cfg.market_data.recording_speed)
            },
            MarketDataSource::Recording => EventClock::RecordingDone,
        },
        // Before the first message: the recording's time is not known yet.
        last_event_ms: 0,
        wall_at_last_event: parts.clock.now_ms(),
        cancels: executor.is_some().then_some(cancel_tx),
        refusals_counted: BTreeMap::new(),
        marks_written: BTreeMap::new(),
        heartbeat: heartbeat.clone(),
        feed: feed.clone(),
        live: live_venue,
        policy: quote_policy(&cfg)?,
        kill_switch: None,
        asks: account_asks,
        reads: Some(reads_rx),
        market_asks,
        confirming: BTreeMap::new(),
        saved_day: None,
        rejections_counted: BTreeMap::new(),
        account: Arc::new(std::sync::Mutex::new(AccountView::default())),
        suspects: BTreeMap::new(),
    };
    // A halt in force cancels whatever reconciliation found resting, and so
    // does a closed market.
    let mut commands = main.core.set_trading_state(initial_state.state);
    commands.extend(main.core.cancel_on_closed_markets());
    main.dispatch(commands);
    main.note_closed_markets();
    parts.metrics.set_trading_state(initial_state.state);
    let kill_switch = KillSwitch::new(
        state_tx,
        initial_state,
        cfg.risk.trading_state,
        parts.store.clone(),
        parts.clock.clone(),
    );
    main.kill_switch = Some(kill_switch.clone());
    let account = main.account.clone();
    main.store_paper_records().await;
    // A stopped task halts trading.
    let halt = kill_switch.clone();
    tokio::spawn(async move {
        while let Some(failure) = task_failures.recv().await {
            let _ = halt
                .set(
                    TradingState::Halted,
                    format!("ploy (the {} task {})", failure.task, failure.how),
                    Some("a pipeline task stopped; restart ploy, then resume trading".to_owned()),
                )
                .await;
        }
    });
    let join = tokio::spawn(main.run(raw_rx, order_rx, state_rx, stop, executor, tasks));
    Ok((
        PipelineHandle {
            feed,
            heartbeat,
            kill_switch,
            task_failures: supervisor.failures(),
            account,
        },
        join,
    ))
}

/// Continues today's P&L accounting from its saved row: the positions at its
/// baseline are the positions now less the day's fills, at the saved marks.
async fn restore_day(parts: &PipelineParts, core: &mut TradingCore) -> Result<(), PipelineError> {
    let today = crate::trading::day_pnl::day_of(parts.clock.now_ms());
    let Some(saved) = parts.store.risk_day(today).await? else {
        return Ok(());
    };
    let fills: Vec<_> = parts
        .store
        .fills()
        .await?
        .into_iter()
        .filter(|f| f.ts_ms >= saved.baseline_ms)
        .map(|f| (f.token_id, f.side, f.price, f.size, f.fee, f.ts_ms))
        .collect();
    tracing::info!(
        baseline_ms = saved.baseline_ms,
        fills = fills.len(),
        breached = saved.breached.as_deref().unwrap_or(""),
        "continuing the day's P&L from before the restart"
    );
    let book = crate::trading::day_pnl::DayBook::resume(
        crate::trading::day_pnl::DayBook::saved(
            saved.day,
            saved.baseline_ms,
            saved.marks,
            saved.peak,
            saved.reference,
            saved.breached,
        ),
        core.positions(),
        &fills,
    );
    core.restore_day(book);
    Ok(())
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}
