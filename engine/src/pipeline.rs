//! The live pipeline: market data → trading core (strategy, risk) → order queue
//! → executor → venue, with order events flowing back into the core, the
//! database and the metrics. `ploy run` starts it in paper or live mode.
//!
//! Tasks: a market feed (websocket with REST fallback, or a recording played
//! in a loop), the main loop (the only owner of the [`TradingCore`]), the
//! executor, and in live mode a trade poller and a pending-order sweeper.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rust_decimal::Decimal;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{Config, MarketDataSource, Mode, Settings, TradingState};
use crate::exchange::ws::{run_rest_fallback, run_websocket, FeedStatus, RawMessage};
use crate::exchange::{ClobClient, ExchangeError, L2Credentials};
use crate::execution::live::LiveVenue;
use crate::execution::paper::PaperVenue;
use crate::execution::{run_executor, CancelRequest, Venue};
use crate::fees::FeeBook;
use crate::kill_switch::{self, KillSwitch};
use crate::market_data::{parse_message, recording};
use crate::metrics::Metrics;
use crate::orders::build::Signer;
use crate::orders::{OrderIntent, OrderStatus, TokenId};
use crate::queue::OrderQueue;
use crate::reconcile;
use crate::signing::Wallet;
use crate::storage::{Fill, FillOutcome, Mark, Store};
use crate::strategy::QuoteParams;
use crate::trading::core::TrackedOrder;
use crate::trading::paper::PaperExchange;
use crate::trading::{Command, CoreConfig, OrderEvent, TradingCore};

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
        max_staleness_ms: (cfg.market_data.source == MarketDataSource::Exchange)
            .then(|| i64::try_from(cfg.market_data.max_staleness.as_millis()).unwrap_or(i64::MAX)),
    }
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

/// Handles the rest of the service keeps.
#[derive(Debug, Clone)]
pub struct PipelineHandle {
    /// The feed's state (for `/health`).
    pub feed: Arc<FeedStatus>,
    /// Live with heartbeats: the exchange's dead-man's switch (for `/health`).
    pub heartbeat: Option<Arc<crate::heartbeat::HeartbeatStatus>>,
    /// The kill switch.
    pub kill_switch: KillSwitch,
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

/// Starts every task; returns the handle and a join handle that ends when
/// `stop` fires and the pipeline has wound down (quotes cancelled, queue drained).
pub async fn start(
    parts: PipelineParts,
    stop: watch::Receiver<bool>,
) -> Result<(PipelineHandle, JoinHandle<()>), PipelineError> {
    let cfg = parts.settings.config.clone();
    let feed = Arc::new(FeedStatus::default());
    let (raw_tx, raw_rx) = mpsc::channel::<RawMessage>(4096);
    let (order_tx, order_rx) = mpsc::unbounded_channel::<OrderEvent>();
    let (cancel_tx, cancel_rx) = mpsc::unbounded_channel::<CancelRequest>();
    let (state_tx, state_rx) = mpsc::unbounded_channel::<TradingState>();
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();

    let prefix = format!(
        "{}-{}",
        cfg.mode.as_str(),
        base36(parts.clock.now_ms().max(0) as u64)
    );
    let mut core = TradingCore::new(
        core_config(&cfg, &prefix),
        crate::risk::RiskEngine::new(cfg.risk.clone()),
    );
    let positions = positions_by_token(parts.store.as_ref()).await?;
    let initial_state = initial_trading_state(&parts).await?;

    // The market feed.
    let tokens: Vec<String> = cfg.strategy.markets.clone();
    // Condition IDs of the quoted tokens (from `GET /book`), for the user channel.
    let mut condition_ids: Vec<String> = Vec::new();
    // Each quoted token's published fee model (live fills are charged by it).
    let mut fees = FeeBook::new();
    let public = ClobClient::new(cfg.exchange.clob_url.clone(), cfg.exchange.request_timeout)?
        .with_metrics(parts.metrics.clone());
    match (cfg.market_data.source, &cfg.market_data.recording) {
        (MarketDataSource::Recording, Some(path)) => {
            let events = recording::load(path)?;
            if events.is_empty() {
                return Err(PipelineError::Config(format!(
                    "the recording {} holds no events",
                    path.display()
                )));
            }
            let path = path.clone();
            let lines =
                std::fs::read_to_string(&path).map_err(|source| recording::RecordingError::Io {
                    path: path.display().to_string(),
                    source,
                })?;
            tasks.push(tokio::spawn(play_recording(
                lines,
                cfg.market_data.recording_speed,
                raw_tx.clone(),
                feed.clone(),
                parts.clock.clone(),
                stop.clone(),
            )));
        },
        _ if tokens.is_empty() => {
            tracing::warn!(
                "strategy.markets is empty: no market data is subscribed and nothing is quoted; \
                 list token IDs in [strategy] markets, or use market_data.source = \"recording\""
            );
        },
        _ => {
            condition_ids =
                read_market_rules(&public, &tokens, &mut core, cfg.strategy.order_size).await;
            fees = read_fee_models(&public, &condition_ids).await;
            tasks.push(tokio::spawn(run_websocket(
                cfg.exchange.ws_url.clone(),
                cfg.market_data.max_silence,
                tokens.clone(),
                raw_tx.clone(),
                feed.clone(),
                parts.clock.clone(),
                stop.clone(),
            )));
            tasks.push(tokio::spawn(run_rest_fallback(
                public.clone(),
                tokens.clone(),
                cfg.market_data.poll_interval,
                raw_tx.clone(),
                feed.clone(),
                parts.clock.clone(),
                stop.clone(),
            )));
        },
    }
    drop(raw_tx);

    // The venue.
    let heartbeat = (cfg.mode == Mode::Live && cfg.exchange.heartbeats)
        .then(|| Arc::new(crate::heartbeat::HeartbeatStatus::default()));
    let paper_exchange = Arc::new(Mutex::new(PaperExchange::new(cfg.paper.clone())));
    let mut live_venue: Option<Arc<LiveVenue>> = None;
    let venue: Arc<dyn Venue> = match cfg.mode {
        Mode::Paper => {
            end_paper_orders(&parts).await?;
            core.restore(positions, Vec::new());
            Arc::new(PaperVenue::new(
                paper_exchange.clone(),
                parts.store.clone(),
                parts.clock.clone(),
            ))
        },
        Mode::Live => {
            let live = Arc::new(
                start_live(&parts, public.clone())
                    .await?
                    .with_heartbeat(heartbeat.clone()),
            );
            reconcile_and_restore(&parts, &live, &mut core, &fees).await?;
            if let Some(status) = &heartbeat {
                // After reconciliation, so what was resting is known first.
                tasks.push(tokio::spawn(crate::heartbeat::run(
                    live.client().clone(),
                    status.clone(),
                    cfg.exchange.heartbeat_interval,
                    parts.clock.clone(),
                    parts.metrics.clone(),
                    stop.clone(),
                )));
            }
            let wake = Arc::new(tokio::sync::Notify::new());
            let cancelled = Arc::new(tokio::sync::Notify::new());
            if let Some(creds) = live.client().credentials() {
                tasks.push(tokio::spawn(crate::exchange::ws::run_user_channel(
                    crate::exchange::ws::user_channel_url(&cfg.exchange.ws_url),
                    cfg.market_data.max_silence,
                    condition_ids,
                    creds.clone(),
                    wake.clone(),
                    cancelled.clone(),
                    stop.clone(),
                )));
            }
            tasks.push(tokio::spawn(poll_trades(
                live.client().clone(),
                parts.store.clone(),
                Arc::new(fees.clone()),
                order_tx.clone(),
                parts.clock.clone(),
                cfg.market_data.poll_interval,
                wake,
                stop.clone(),
            )));
            tasks.push(tokio::spawn(sweep_pending(
                live.clone(),
                order_tx.clone(),
                stop.clone(),
            )));
            tasks.push(tokio::spawn(check_open_orders(
                live.clone(),
                order_tx.clone(),
                cfg.exchange.open_orders_check,
                cancelled,
                stop.clone(),
            )));
            live_venue = Some(live.clone());
            live
        },
    };

    let executor = tokio::spawn(run_executor(
        parts.queue.clone(),
        cancel_rx,
        venue,
        order_tx.clone(),
        parts.metrics.clone(),
    ));
    drop(order_tx);
    let mut main = MainLoop {
        core,
        parts: parts.clone(),
        paper: (cfg.mode == Mode::Paper).then_some(paper_exchange),
        in_flight: 0,
        cancels: Some(cancel_tx),
        refusals_counted: BTreeMap::new(),
        marks_written: BTreeMap::new(),
        heartbeat: heartbeat.clone(),
        feed: feed.clone(),
        live: live_venue,
    };
    // A halt in force cancels whatever reconciliation found resting.
    let commands = main.core.set_trading_state(initial_state.state);
    main.dispatch(commands);
    parts.metrics.set_trading_state(initial_state.state);
    let kill_switch = KillSwitch::new(
        state_tx,
        initial_state,
        parts.store.clone(),
        parts.clock.clone(),
    );
    let join = tokio::spawn(main.run(raw_rx, order_rx, state_rx, stop, executor, tasks));
    Ok((
        PipelineHandle {
            feed,
            heartbeat,
            kill_switch,
        },
        join,
    ))
}

/// The kill switch to start with: the stricter of the config's and the one
/// saved by the last `PUT /trading-state`; logged when it is not `active`.
async fn initial_trading_state(
    parts: &PipelineParts,
) -> Result<crate::storage::TradingStateChange, PipelineError> {
    let cfg = &parts.settings.config;
    let saved = parts.store.trading_state().await?;
    let initial =
        kill_switch::initial_state(cfg.risk.trading_state, saved.as_ref(), parts.clock.now_ms());
    if initial.state != TradingState::Active {
        tracing::warn!(
            state = %initial.state,
            since_ms = initial.changed_at_ms,
            source = %initial.source,
            "starting with the kill switch on; to trade again: \
             curl -X PUT --data active http://{}/trading-state (and check risk.trading_state)",
            cfg.server.bind
        );
    }
    Ok(initial)
}

/// Reads each quoted token's tick size and minimum order size into the core;
/// returns the tokens' condition IDs (for the user channel).
async fn read_market_rules(
    public: &ClobClient,
    tokens: &[String],
    core: &mut TradingCore,
    order_size: Decimal,
) -> Vec<String> {
    let mut condition_ids: Vec<String> = Vec::new();
    for token in tokens {
        match public.tick_size(token).await {
            Ok(tick) => core.set_tick(&token.as_str().into(), tick),
            Err(e) => {
                tracing::warn!(error = %e, token, "cannot read the tick size; using 0.01 until the feed says");
            },
        }
        let book = match public.book(token).await {
            Ok(book) => book,
            Err(e) => {
                tracing::warn!(error = %e, token, "cannot read the book's minimum order size; the exchange will refuse orders below it");
                continue;
            },
        };
        if !book.market.is_empty() && !condition_ids.contains(&book.market) {
            condition_ids.push(book.market.clone());
        }
        if book.min_order_size > Decimal::ZERO {
            core.set_min_order_size(&token.as_str().into(), book.min_order_size);
            if order_size < book.min_order_size {
                tracing::warn!(
                    token,
                    %order_size,
                    min_order_size = %book.min_order_size,
                    "strategy.order_size is below this market's minimum order size: \
                     nothing is quoted there; raise strategy.order_size"
                );
            }
        }
    }
    condition_ids
}

/// Each market's published fee parameters (`GET /clob-markets/{id}`), by
/// token. A market whose parameters cannot be read is charged what its
/// trades report, and the log says so.
async fn read_fee_models(public: &ClobClient, condition_ids: &[String]) -> FeeBook {
    let mut book = FeeBook::new();
    for id in condition_ids {
        match public
            .market_info(id)
            .await
            .map_err(|e| e.to_string())
            .and_then(|info| {
                let model = info.fee_model()?;
                Ok((info, model))
            }) {
            Ok((info, model)) => {
                tracing::info!(market = %id, rate = %model.rate, exponent = model.exponent, taker_only = model.taker_only, "fee model");
                for token in &info.t {
                    book.insert(token.t.as_str().into(), model);
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, market = %id, "cannot read the market's fee parameters; fills are charged what the trades report");
            },
        }
    }
    book
}

/// Paper orders do not outlive the simulator that held them: a restart
/// records the ones left open as cancelled.
async fn end_paper_orders(parts: &PipelineParts) -> Result<(), PipelineError> {
    for order in parts
        .store
        .orders_with_status(&[OrderStatus::Pending, OrderStatus::Open])
        .await?
    {
        parts
            .store
            .update_order(&crate::storage::OrderUpdate {
                client_id: order.client_id,
                status: OrderStatus::Cancelled,
                order_hash: None,
                error: Some("paper order ended by a restart".to_owned()),
                at_ms: parts.clock.now_ms(),
            })
            .await?;
    }
    Ok(())
}

/// Reconciles with the exchange, then gives the core the positions and the
/// orders still live.
async fn reconcile_and_restore(
    parts: &PipelineParts,
    live: &LiveVenue,
    core: &mut TradingCore,
    fees: &FeeBook,
) -> Result<(), PipelineError> {
    let report = reconcile::run(
        live.client(),
        parts.store.as_ref(),
        parts.clock.as_ref(),
        fees,
    )
    .await?;
    tracing::info!(?report, "reconciled with the exchange");
    let open = parts
        .store
        .orders_with_status(&[OrderStatus::Pending, OrderStatus::Open])
        .await?;
    let positions = positions_by_token(parts.store.as_ref()).await?;
    core.restore(
        positions,
        open.into_iter()
            .map(|o| TrackedOrder {
                client_id: o.client_id,
                hash: o.order_hash,
                token: o.token_id,
                side: o.side,
                price: o.price,
                size: o.size,
                filled: o.filled_size,
                status: o.status,
                cancelling: false,
            })
            .collect(),
    );
    Ok(())
}

async fn positions_by_token(
    store: &dyn Store,
) -> Result<BTreeMap<TokenId, Decimal>, crate::storage::StorageError> {
    Ok(store
        .positions()
        .await?
        .into_iter()
        .map(|p| (p.token_id, p.size))
        .collect())
}

/// Builds the live venue: the wallet, API credentials (given, or derived with
/// L1 authentication), the signer.
async fn start_live(parts: &PipelineParts, public: ClobClient) -> Result<LiveVenue, PipelineError> {
    let settings = &parts.settings;
    let key = settings.secrets.private_key.as_ref().ok_or_else(|| {
        PipelineError::Config("live mode needs POLYMARKET_PRIVATE_KEY".to_owned())
    })?;
    let wallet = Wallet::from_secret(key).map_err(|e| PipelineError::Config(e.to_string()))?;
    let ex = &settings.config.exchange;
    let client = public.with_wallet(wallet.clone(), ex.chain_id);
    let version = client.version().await?;
    if version != 2 {
        tracing::warn!(
            version,
            "the exchange reports a protocol version other than 2; orders are signed for V2"
        );
    }
    let creds = match (
        &settings.secrets.api_key,
        &settings.secrets.api_secret,
        &settings.secrets.passphrase,
    ) {
        (Some(key), Some(secret), Some(passphrase)) => L2Credentials {
            api_key: key.clone(),
            secret: secret.clone(),
            passphrase: passphrase.clone(),
        },
        _ => {
            tracing::info!("no API credentials given; deriving them from the signing key");
            match client.derive_api_key(0).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::info!(error = %e, "no API key to derive; creating one");
                    client.create_api_key(0).await?
                },
            }
        },
    };
    crate::redact::register([
        creds.api_key.expose().to_owned(),
        creds.secret.expose().to_owned(),
        creds.passphrase.expose().to_owned(),
    ]);
    let funder = match ex.funder.as_deref() {
        Some(f) => Some(f.parse().map_err(|_| {
            PipelineError::Config(format!("exchange.funder {f:?} is not an address"))
        })?),
        None => None,
    };
    let signer = Signer {
        wallet,
        signature_type: ex.signature_type,
        funder,
        chain_id: ex.chain_id,
        owner: creds.api_key.expose().to_owned(),
    };
    let client = client.with_credentials(creds);
    Ok(LiveVenue::new(
        client,
        signer,
        parts.store.clone(),
        parts.clock.clone(),
    ))
}

struct MainLoop {
    core: TradingCore,
    parts: PipelineParts,
    paper: Option<Arc<Mutex<PaperExchange>>>,
    /// Orders sent to the executor and not answered yet. In paper mode the
    /// next market event waits for them (lockstep), so the simulator sees
    /// every order before the next event, exactly as `ploy replay` does.
    in_flight: usize,
    cancels: Option<mpsc::UnboundedSender<CancelRequest>>,
    /// Risk refusals already counted in the metrics, by reason.
    refusals_counted: BTreeMap<String, u64>,
    /// The mark last written per token, and when (market time).
    marks_written: BTreeMap<TokenId, (i64, Decimal)>,
    /// Live with heartbeats: new orders only while the switch is armed.
    heartbeat: Option<Arc<crate::heartbeat::HeartbeatStatus>>,
    /// The market feed's state (its last message, for the age metric).
    feed: Arc<FeedStatus>,
    /// Live: the venue, for the exchange's cancel-all after a halt.
    live: Option<Arc<LiveVenue>>,
}

/// A token's mark is written at most this often (market time), and only when it moved.
const MARK_EVERY_MS: i64 = 5_000;

impl MainLoop {
    async fn run(
        mut self,
        mut raw: mpsc::Receiver<RawMessage>,
        mut orders: mpsc::UnboundedReceiver<OrderEvent>,
        mut states: mpsc::UnboundedReceiver<TradingState>,
        mut stop: watch::Receiver<bool>,
        executor: JoinHandle<()>,
        tasks: Vec<JoinHandle<()>>,
    ) {
        let mut feed_open = true;
        let mut clock_tick = tokio::time::interval(Duration::from_millis(250));
        clock_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = stop.changed() => break,
                _ = clock_tick.tick() => self.on_clock(),
                Some(state) = states.recv() => {
                    self.parts.metrics.set_trading_state(state);
                    let commands = self.core.set_trading_state(state);
                    self.dispatch(commands);
                    if state == TradingState::Halted {
                        if let Some(live) = &self.live {
                            tokio::spawn(confirm_halt(live.clone(), "halt"));
                        }
                    }
                },
                Some(event) = orders.recv() => self.on_order(event).await,
                message = raw.recv(), if feed_open && (self.paper.is_none() || self.in_flight == 0) => match message {
                    Some((recv_ms, value)) => self.on_message(recv_ms, &value).await,
                    None => feed_open = false,
                },
            }
        }
        // Shutdown: no new orders; cancel what rests; let the executor finish.
        self.parts.queue.close();
        let dropped = self.parts.queue.drain();
        if !dropped.is_empty() {
            tracing::info!(
                count = dropped.len(),
                "dropped order intents that were never sent"
            );
            for intent in &dropped {
                self.core.on_order(&OrderEvent::Rejected {
                    client_id: intent.client_id.clone(),
                    reason: "shutdown".to_owned(),
                });
            }
        }
        let commands = self.core.set_trading_state(TradingState::Halted);
        let cancels = commands.len();
        self.dispatch(commands);
        self.cancels = None;
        if cancels > 0 {
            tracing::info!(cancels, "cancelling resting orders before exit");
        }
        let mut executor = executor;
        loop {
            tokio::select! {
                _ = &mut executor => break,
                Some(event) = orders.recv() => self.on_order(event).await,
            }
        }
        while let Ok(event) = orders.try_recv() {
            self.on_order(event).await;
        }
        if let Some(live) = &self.live {
            // Bounded, so an exchange that does not answer cannot hold up the exit.
            if tokio::time::timeout(
                Duration::from_secs(3),
                confirm_halt(live.clone(), "shutdown"),
            )
            .await
            .is_err()
            {
                tracing::error!("shutdown: the exchange did not confirm in time that no order of ours is open; the dead-man's switch cancels them within 10 s");
            }
        }
        for task in tasks {
            task.abort();
        }
    }

    /// Every quarter second: the dead-man's switch, stale books (their quotes
    /// are cancelled), and the market-data age metric.
    fn on_clock(&mut self) {
        let now = self.parts.clock.now_ms();
        let last = self
            .feed
            .last_message_ms
            .load(std::sync::atomic::Ordering::SeqCst);
        if last > 0 {
            self.parts
                .metrics
                .market_data_age_seconds
                .set((now - last).max(0) as f64 / 1000.0);
        }
        self.check_heartbeat();
        let before = self.core.stale_tokens();
        let commands = self.core.on_clock(now);
        let after = self.core.stale_tokens();
        for token in after.iter().filter(|t| !before.contains(t)) {
            tracing::warn!(%token, "no market data for longer than market_data.max_staleness; its quotes are cancelled until fresh data comes");
        }
        self.dispatch(commands);
    }

    /// Tells the core whether the exchange's dead-man's switch is armed (new
    /// orders only then); armed again, it quotes at once.
    fn check_heartbeat(&mut self) {
        if let Some(heartbeat) = &self.heartbeat {
            let armed = heartbeat.armed(self.parts.clock.now_ms());
            let commands = self.core.set_posting_allowed(armed);
            self.dispatch(commands);
        }
    }

    fn dispatch(&mut self, commands: Vec<Command>) {
        for command in commands {
            match command {
                Command::Place(intent) => {
                    tracing::info!(
                        client_id = %intent.client_id,
                        token = %intent.token_id,
                        side = intent.side.as_str(),
                        price = %intent.price,
                        size = %intent.size,
                        "placing order"
                    );
                    self.in_flight += 1;
                    if let Err(e) = self.parts.queue.push(intent.clone()) {
                        self.in_flight -= 1;
                        tracing::debug!(error = %e, "order not queued");
                        self.core.on_order(&OrderEvent::Rejected {
                            client_id: intent.client_id,
                            reason: e.to_string(),
                        });
                    }
                },
                Command::Cancel { client_id, hash } => {
                    tracing::debug!(%client_id, "cancelling order");
                    let sent = self
                        .cancels
                        .as_ref()
                        .is_some_and(|c| c.send(CancelRequest { client_id, hash }).is_ok());
                    self.in_flight += usize::from(sent);
                },
            }
        }
        self.parts
            .metrics
            .open_orders
            .set(self.core.open_orders().count() as i64);
        self.count_refusals();
    }

    /// Moves the core's new risk refusals into `ploy_risk_refusals_total`,
    /// logging the first of each kind.
    fn count_refusals(&mut self) {
        for (reason, total) in &self.core.stats().refused {
            let counted = self.refusals_counted.entry(reason.clone()).or_insert(0);
            if *total > *counted {
                if *counted == 0 {
                    tracing::info!(
                        reason = %reason,
                        "risk refused an order (the first for this reason; all are counted in ploy_risk_refusals_total)"
                    );
                }
                self.parts.metrics.risk_refused(reason, total - *counted);
                *counted = *total;
            }
        }
    }

    /// One market message. The core's time is the message's receive time:
    /// real time for the live feed, recorded time for a recording, so paper
    /// trading on a recording decides exactly as `ploy replay` does.
    async fn on_message(&mut self, recv_ms: i64, value: &serde_json::Value) {
        let events = match parse_message(value) {
            Ok(events) => events,
            Err(e) => {
                tracing::warn!(error = %e, "market message skipped");
                return;
            },
        };
        for event in events {
            if let Some(paper) = &self.paper {
                let fills = paper
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .on_market(&event);
                for fill in fills {
                    self.on_order(fill).await;
                }
            }
            self.check_heartbeat();
            let commands = self.core.on_market(&event, recv_ms);
            self.dispatch(commands);
        }
        self.write_marks(recv_ms).await;
    }

    /// Saves the books' midpoints (`ploy positions` marks with them), at most
    /// every [`MARK_EVERY_MS`] per token and only when they moved. A failed
    /// write is logged and retried with the next ones; trading goes on.
    async fn write_marks(&mut self, now_ms: i64) {
        let books = self.core.books();
        let due: Vec<Mark> = books
            .tokens()
            .filter_map(|token| {
                let mid = books.get(token)?.midpoint()?;
                match self.marks_written.get(token) {
                    Some((at, last)) if *last == mid || now_ms - at < MARK_EVERY_MS => None,
                    _ => Some(Mark {
                        token_id: token.clone(),
                        price: mid,
                        ts_ms: now_ms,
                    }),
                }
            })
            .collect();
        if due.is_empty() {
            return;
        }
        match self.parts.store.set_marks(&due).await {
            Ok(()) => {
                for m in due {
                    self.marks_written.insert(m.token_id, (m.ts_ms, m.price));
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot save marks; positions show the last saved ones");
            },
        }
    }

    async fn on_order(&mut self, event: OrderEvent) {
        // Each command sent has one answer (a place: accepted or rejected; a
        // cancel: cancelled or failed); a withdrawn intent answers both its
        // place and its cancel.
        let answered = match event {
            OrderEvent::Accepted { .. }
            | OrderEvent::Rejected { .. }
            | OrderEvent::Cancelled { .. }
            | OrderEvent::CancelFailed { .. } => 1,
            OrderEvent::Withdrawn { .. } => 2,
            OrderEvent::Filled { .. } | OrderEvent::FillReversed { .. } => 0,
        };
        self.in_flight = self.in_flight.saturating_sub(answered);
        if let OrderEvent::Withdrawn { client_id } = &event {
            tracing::info!(%client_id, "order withdrawn before it was sent");
        }
        if let OrderEvent::CancelFailed { client_id } = &event {
            tracing::warn!(%client_id, "a cancel was given up on; it is tried again");
        }
        if let OrderEvent::Filled {
            client_id,
            trade_id,
            price,
            size,
            fee,
            ts_ms,
        } = &event
        {
            let tracked = self
                .core
                .open_orders()
                .find(|o| &o.client_id == client_id)
                .map(|o| (o.token.clone(), o.side));
            let is_tracked = tracked.is_some();
            let known = match tracked {
                Some(k) => Some(k),
                None => self
                    .parts
                    .store
                    .order(client_id)
                    .await
                    .ok()
                    .flatten()
                    .map(|o| (o.token_id, o.side)),
            };
            let Some((token, side)) = known else {
                tracing::warn!(%client_id, %trade_id, "fill for an order this engine does not know; skipped");
                return;
            };
            let fill = Fill {
                trade_id: trade_id.as_str().into(),
                client_id: client_id.clone(),
                token_id: token.clone(),
                side,
                price: *price,
                size: *size,
                fee: *fee,
                ts_ms: *ts_ms,
            };
            match self.parts.store.apply_fill(&fill).await {
                Ok(FillOutcome::Applied(status)) => {
                    if status == OrderStatus::Filled {
                        self.parts.metrics.orders_filled.inc();
                    }
                    tracing::info!(%client_id, %trade_id, %price, %size, "fill");
                    if !is_tracked {
                        // A fill after the cancel (or of an order from before a
                        // restart): the position moves all the same.
                        tracing::info!(%client_id, %trade_id, "fill of an order no longer tracked; applied to the position");
                        self.core.on_untracked_fill(&token, side, *size);
                        return;
                    }
                },
                Ok(FillOutcome::Duplicate) => return,
                Err(e) => {
                    tracing::error!(error = %e, %client_id, %trade_id, "cannot record a fill");
                    return;
                },
            }
        }
        self.core.on_order(&event);
        let requotes = self.core.requote_vanished();
        self.dispatch(requotes);
        self.parts
            .metrics
            .open_orders
            .set(self.core.open_orders().count() as i64);
    }
}

/// Polls `GET /data/trades` every `interval`, or at once when the user
/// channel says one of our orders traded (`wake`), and turns our legs into fills.
async fn poll_trades(
    client: ClobClient,
    store: Arc<dyn Store>,
    fees: Arc<FeeBook>,
    events: mpsc::UnboundedSender<OrderEvent>,
    clock: Arc<dyn Clock>,
    interval: Duration,
    wake: Arc<tokio::sync::Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut after = clock.now_ms() / 1000 - 3600;
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            () = wake.notified() => {},
            _ = stop.changed() => return,
        }
        match client.trades_after(after).await {
            Ok(trades) => {
                for (trade_id, client_id) in reconcile::failed_legs(&trades, store.as_ref()).await {
                    match store.reverse_fill(&trade_id, &client_id).await {
                        Ok(Some(fill)) => {
                            tracing::warn!(%client_id, %trade_id, size = %fill.size, "a matched trade failed; its fill is taken back");
                            let _ = events.send(OrderEvent::FillReversed {
                                client_id,
                                token_id: fill.token_id,
                                side: fill.side,
                                size: fill.size,
                            });
                        },
                        Ok(None) => {},
                        Err(e) => {
                            tracing::error!(error = %e, %trade_id, "cannot take back the fill of a failed trade");
                        },
                    }
                }
                for fill in reconcile::fills_from_trades(&trades, store.as_ref(), &fees).await {
                    // Ten minutes back: a trade can fail a while after it matched.
                    after = after.max(fill.ts_ms / 1000 - 600);
                    let _ = events.send(OrderEvent::Filled {
                        client_id: fill.client_id,
                        trade_id: fill.trade_id.to_string(),
                        price: fill.price,
                        size: fill.size,
                        fee: fill.fee,
                        ts_ms: fill.ts_ms,
                    });
                }
            },
            Err(e) => tracing::warn!(error = %e, "trade polling failed"),
        }
    }
}

/// Settles orders left pending (outcome unknown) every few seconds.
async fn sweep_pending(
    venue: Arc<LiveVenue>,
    events: mpsc::UnboundedSender<OrderEvent>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(5)) => {},
            _ = stop.changed() => return,
        }
        for event in venue.settle_pending(Duration::from_secs(10)).await {
            let _ = events.send(event);
        }
    }
}

/// Ends a halt (or a shutdown) on the exchange's word: cancel-all for the
/// account, then no open order of ours left; logged either way.
async fn confirm_halt(live: Arc<LiveVenue>, what: &'static str) {
    match live.cancel_all_and_confirm(3).await {
        Ok(()) => {
            tracing::info!("{what}: confirmed by the exchange: no order of ours is open");
        },
        Err(why) => {
            tracing::error!(%why, "{what}: the exchange does not confirm that no order of ours is open; check it by hand (`ploy orders`, the exchange's web UI)");
        },
    }
}

/// Every `interval`, and at once when the user channel announces a
/// cancellation, checks the orders stored open against the exchange's open
/// orders (`GET /data/orders`): what was cancelled on the exchange's side
/// (web UI, the dead-man's switch, a closed market) is settled.
async fn check_open_orders(
    venue: Arc<LiveVenue>,
    events: mpsc::UnboundedSender<OrderEvent>,
    interval: Duration,
    cancelled: Arc<tokio::sync::Notify>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        // A cancellation the user channel announced is checked at once.
        let min_age = tokio::select! {
            () = tokio::time::sleep(interval) => Duration::from_secs(2),
            () = cancelled.notified() => Duration::ZERO,
            _ = stop.changed() => return,
        };
        for event in venue.check_open(min_age).await {
            let _ = events.send(event);
        }
    }
}

/// Plays a recording in a loop at `speed` (0 = as fast as possible; then once).
async fn play_recording(
    text: String,
    speed: f64,
    tx: mpsc::Sender<RawMessage>,
    status: Arc<FeedStatus>,
    clock: Arc<dyn Clock>,
    mut stop: watch::Receiver<bool>,
) {
    let lines: Vec<recording::RecordedMessage> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    status.connected.store(true, Ordering::SeqCst);
    status.subscriptions.fetch_add(1, Ordering::SeqCst);
    let span = match (lines.first(), lines.last()) {
        (Some(first), Some(last)) => last.recv_ms - first.recv_ms + 1_000,
        _ => 1_000,
    };
    let mut offset = 0i64;
    loop {
        let mut previous: Option<i64> = None;
        for line in &lines {
            if speed > 0.0 {
                if let Some(prev) = previous {
                    let gap = (line.recv_ms - prev).max(0) as f64 / speed;
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs_f64(gap / 1000.0)) => {},
                        _ = stop.changed() => return,
                    }
                }
            } else if *stop.borrow() {
                return;
            }
            previous = Some(line.recv_ms);
            status
                .last_message_ms
                .store(clock.now_ms(), Ordering::SeqCst);
            // Recorded time (shifted on each loop) is the market's clock.
            if tx
                .send((line.recv_ms + offset, line.msg.clone()))
                .await
                .is_err()
            {
                return;
            }
        }
        offset += span;
        status.polls.fetch_add(1, Ordering::SeqCst);
        if speed <= 0.0 {
            // As fast as possible: once through, then keep the books as they are.
            let _ = stop.changed().await;
            return;
        }
        // The gap between one loop's end and the next one's start (1 s of
        // recorded time), so even a one-line recording plays at its pace.
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs_f64(1.0 / speed)) => {},
            _ = stop.changed() => return,
        }
    }
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
