//! `ploy run`: assembles storage, metrics, the order queue, health and the HTTP
//! listener, then serves until SIGTERM/SIGINT and shuts down within a bound.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::build_info::BUILD;
use crate::clock::{Clock, SystemClock};
use crate::config::{MarketDataSource, Settings};
use crate::exchange::{ClobClient, ExchangeError};
use crate::health::{ExchangeTimeProbe, HealthService, MarketDataProbe, RecordingProbe};
use crate::http::{self, AppState};
use crate::lease::LeaseSource;
use crate::metrics::Metrics;
use crate::pipeline::PipelineParts;
use crate::queue::OrderQueue;
use crate::storage::{self, Deployment, StorageError};

/// Why the service could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The database could not be opened, migrated or written.
    #[error("{0}\n  hint: check DATABASE_URL (or database.url) and that the database server is up; `ploy check-config --connect` tests it")]
    Database(#[from] StorageError),
    /// The listener could not bind.
    #[error("cannot listen on {addr}: {source}\n  hint: another process holds the port (`ss -ltnp 'sport = :{port}'` shows which); stop it, or set server.bind / PLOY_SERVER__BIND")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The port, for the hint.
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },
    /// The exchange client could not be built.
    #[error("{0}")]
    Exchange(#[from] ExchangeError),
    /// The trading pipeline could not start.
    #[error("cannot start trading: {0}\n  hint: `ploy check-config --connect` tests the exchange and the market data; see RUNBOOKS.md")]
    Pipeline(#[from] crate::pipeline::PipelineError),
    /// The trading lease could not be asked for.
    #[error(transparent)]
    Lease(#[from] crate::lease::LeaseError),
    /// The trading lease was lost while trading.
    #[error("the trading lease was lost while trading; ploy stopped (its quotes cancelled) so two instances never trade at once\n  hint: check the database server; started again, ploy waits as a standby while another instance holds the lease")]
    LeaseLost,
    /// The HTTP server failed while running.
    #[error("the HTTP server failed: {0}")]
    Serve(std::io::Error),
    /// The trading pipeline (main loop or executor) stopped while running.
    #[error("the trading pipeline {0} while running; ploy stopped so it can be restarted\n  hint: the log's error lines say why; the service manager restarts ploy, whose reconciliation at start settles the orders")]
    PipelineStopped(&'static str),
    /// Shutdown took longer than `server.shutdown_timeout`.
    #[error("shutdown did not finish within {0:?}; exiting anyway")]
    ShutdownTimedOut(Duration),
}

impl RunError {
    /// The documented exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Database(_) => crate::exit::DATABASE,
            RunError::Bind { .. } => crate::exit::BIND,
            RunError::Exchange(_) => crate::exit::EXCHANGE,
            RunError::Pipeline(crate::pipeline::PipelineError::Storage(_)) => crate::exit::DATABASE,
            RunError::Pipeline(crate::pipeline::PipelineError::Exchange(_)) => {
                crate::exit::EXCHANGE
            },
            RunError::Pipeline(_) => crate::exit::CONFIG,
            RunError::Lease(crate::lease::LeaseError::Postgres { .. }) => crate::exit::DATABASE,
            RunError::Serve(_)
            | RunError::Lease(_)
            | RunError::LeaseLost
            | RunError::ShutdownTimedOut(_)
            | RunError::PipelineStopped(_) => crate::exit::FAILURE,
        }
    }
}

/// The probe `/health` reports as `api_connection`: the source the engine
/// uses (the recording feed itself when it runs).
pub fn market_data_probe(
    settings: &Settings,
    feed: Option<Arc<crate::exchange::ws::FeedStatus>>,
) -> Result<Arc<dyn MarketDataProbe>, RunError> {
    let cfg = &settings.config;
    match (cfg.market_data.source, &cfg.market_data.recording) {
        (MarketDataSource::Recording, Some(path)) => {
            Ok(Arc::new(RecordingProbe::new(path.clone(), feed)))
        },
        _ => {
            let client = ClobClient::new(cfg.exchange.clob_url.clone(), cfg.health.check_timeout)?;
            Ok(Arc::new(ExchangeTimeProbe::new(
                client,
                cfg.health.api_cache,
                feed,
            )))
        },
    }
}

/// How `ploy run` was asked to start.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Start as a standby: serve `/health` on this address, prepare, report
    /// ready without trading, and trade only once told to (SIGUSR1) and the
    /// trading lease is free; then serve on `server.bind`.
    pub standby_bind: Option<SocketAddr>,
}

/// Runs the service until a signal, then shuts down.
pub async fn run(settings: Settings, options: RunOptions) -> Result<(), RunError> {
    let cfg = &settings.config;
    // Listening from the start to the end: a SIGTERM that came while no
    // listener was alive (between a standby's wait and the main loop) would
    // otherwise be lost, as the default action is replaced for good.
    let mut stop_signals = StopSignals::new()?;
    // Registered first: SIGUSR1's default action ends the process.
    let mut promote = match options.standby_bind {
        Some(_) => Some(promotion_signal()?),
        None => None,
    };
    tracing::info!(
        version = BUILD.version,
        git_sha = BUILD.git_sha,
        profile = BUILD.profile,
        mode = cfg.mode.as_str(),
        config = %settings.path.as_ref().map_or("(defaults)".to_owned(), |p| p.display().to_string()),
        database = %settings.database_url.redacted(),
        bind = %cfg.server.bind,
        standby_bind = ?options.standby_bind,
        "starting ploy"
    );

    let store = storage::connect(&settings.database_url, &cfg.database).await?;
    if cfg.database.auto_migrate {
        let applied = store.migrate().await?;
        if applied > 0 {
            tracing::info!(applied, "applied database migrations");
        }
    }
    let inserted = store
        .record_start(&Deployment {
            version: BUILD.version.to_owned(),
            git_sha: BUILD.git_sha.to_owned(),
            profile: BUILD.profile.to_owned(),
            hostname: storage::hostname(),
            started_at_ms: crate::clock::wall_ms(),
        })
        .await?;
    let metrics = Arc::new(Metrics::new(BUILD, cfg.mode.as_str()));
    metrics.deployments.inc_by(store.deployment_count().await?);
    if inserted {
        tracing::info!(version = BUILD.version, "recorded a new deployment");
    }

    let first_bind = options.standby_bind.unwrap_or(cfg.server.bind);
    let listener = bind(first_bind).await?;
    let queue = Arc::new(OrderQueue::new(metrics.order_queue_depth.clone()));
    let (stop_tx, stop_rx) = watch::channel(false);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let parts = PipelineParts {
        settings: settings.clone(),
        store: store.clone(),
        metrics: metrics.clone(),
        queue: queue.clone(),
        clock,
    };
    let prepared = crate::pipeline::prepare(&parts).await?;
    let lease_source = LeaseSource::for_database(&settings.database_url);
    let taken = match options.standby_bind {
        Some(_) => None,
        None => lease_source.try_take().await?,
    };
    let (lease, listener, standby_server) = match taken {
        Some(lease) => (lease, Some(listener), None),
        None => {
            let open = prepared.check_exchange().await?;
            let (standby_stop, standby_rx) = watch::channel(false);
            // Without a standby address the waiting instance serves on
            // `server.bind` and keeps that socket for the leader it becomes.
            let (serve_on, keep) = match options.standby_bind {
                Some(_) => (listener, None),
                None => {
                    let copy = listener
                        .into_std()
                        .and_then(|l| Ok((l.try_clone()?, l)))
                        .and_then(|(a, b)| {
                            Ok((TcpListener::from_std(a)?, TcpListener::from_std(b)?))
                        })
                        .map_err(|source| RunError::Bind {
                            addr: first_bind,
                            port: first_bind.port(),
                            source,
                        })?;
                    (copy.0, Some(copy.1))
                },
            };
            let standby_health =
                base_health(&settings, &store, &queue, None)?.with_standby(lease_source.describe());
            let server = tokio::spawn(http::serve(
                serve_on,
                AppState {
                    health: standby_health,
                    metrics: metrics.clone(),
                    last_failing: Arc::default(),
                    control: None,
                },
                stopped(standby_rx),
                http::Limits::default(),
            ));
            tracing::info!(
                addr = %first_bind,
                exchange_open_orders = open,
                lease = %lease_source.describe(),
                "ready as a standby: prepared, not trading; {}",
                if promote.is_some() { "trades once told to (SIGUSR1) and the trading lease is free" } else { "trades once the trading lease is free" }
            );
            let waited = std::time::Instant::now();
            let lease = tokio::select! {
                taken = async {
                    let poll = match promote.as_mut() {
                        Some(promote) => {
                            promote.recv().await;
                            tracing::info!("told to take over trading; waiting for the trading lease");
                            crate::lease::POLL_TAKING_OVER
                        },
                        None => crate::lease::POLL_WAITING,
                    };
                    lease_source.take(poll, stop_rx.clone()).await
                } => taken?,
                signal = stop_signals.recv() => {
                    tracing::info!(signal, "standby stopping; it never traded");
                    None
                },
            };
            let Some(lease) = lease else {
                let _ = standby_stop.send(true);
                let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
                store.close().await;
                return Ok(());
            };
            tracing::info!(
                waited_ms = waited.elapsed().as_millis() as u64,
                "took the trading lease"
            );
            settle_previous(store.as_ref()).await?;
            (lease, keep, Some((standby_stop, server)))
        },
    };

    let (control, pipeline) = crate::pipeline::start(parts, prepared, stop_rx.clone()).await?;
    let lease = Arc::new(tokio::sync::Mutex::new(Some(lease)));
    let mut lease_lost = tokio::spawn(watch_lease(
        lease.clone(),
        lease_source.clone(),
        stop_rx.clone(),
    ));
    let health = base_health(&settings, &store, &queue, Some(&control))?;
    let listener = match listener {
        Some(listener) => listener,
        // A standby that leads now moves to `server.bind`, which the old
        // instance frees as it shuts down.
        None => match bind_when_free(
            cfg.server.bind,
            cfg.server.shutdown_timeout + Duration::from_secs(5),
        )
        .await
        {
            Ok(listener) => listener,
            Err(e) => {
                tracing::error!(error = %e, "leading, but cannot serve on server.bind; stopping");
                let _ = stop_tx.send(true);
                let _ = tokio::time::timeout(cfg.server.shutdown_timeout, pipeline).await;
                release(&lease).await;
                store.close().await;
                return Err(e);
            },
        },
    };
    if let Some((standby_stop, server)) = standby_server {
        let _ = standby_stop.send(true);
        tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
        });
    }

    let mut server = tokio::spawn(http::serve(
        listener,
        AppState {
            health,
            metrics: metrics.clone(),
            last_failing: Arc::default(),
            control: Some(control),
        },
        stopped(stop_rx),
        http::Limits::default(),
    ));
    tracing::info!(addr = %cfg.server.bind, "serving /health and /metrics");

    let mut pipeline = pipeline;
    let mut lost = false;
    let early_exit = tokio::select! {
        signal = stop_signals.recv() => {
            tracing::info!(signal, timeout = ?cfg.server.shutdown_timeout, "shutting down");
            None
        },
        _ = &mut lease_lost => {
            tracing::error!(
                "the trading lease was lost (its database session ended and another instance \
                 holds it, or it could not be taken again): this one stops, cancelling its quotes; \
                 started again, it waits as a standby while another holds the lease"
            );
            lost = true;
            None
        },
        result = &mut server => Some(result),
        ended = &mut pipeline => {
            // The main loop (or the executor) is gone: nothing can cancel an
            // order any more. Stop, so the service manager restarts ploy; the
            // exchange's dead-man's switch cancels the orders meanwhile.
            let how = match ended {
                Err(e) if e.is_panic() => "panicked",
                _ => "ended",
            };
            if how == "panicked" {
                metrics.task_failures("main_loop", 1);
            }
            tracing::error!(how, "the trading pipeline stopped; ploy stops (the service manager restarts it)");
            let _ = stop_tx.send(true);
            let _ = tokio::time::timeout(Duration::from_secs(2), &mut server).await;
            store.close().await;
            return Err(RunError::PipelineStopped(how));
        },
    };
    if let Some(result) = early_exit {
        store.close().await;
        return match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(RunError::Serve(e)),
            Err(join) => Err(RunError::Serve(std::io::Error::other(join.to_string()))),
        };
    }

    let _ = stop_tx.send(true);
    let graceful = async {
        // The pipeline stops taking new work, drops intents never sent,
        // cancels resting orders and lets the executor finish; then the
        // lease goes at once, so a standby waiting for it trades while
        // this process is still closing its connections.
        let _ = pipeline.await;
        release(&lease).await;
        tracing::info!("released the trading lease");
        let _ = (&mut server).await;
        store.close().await;
    };
    tokio::select! {
        () = graceful => {
            tracing::info!("shutdown complete");
            if lost { Err(RunError::LeaseLost) } else { Ok(()) }
        },
        () = tokio::time::sleep(cfg.server.shutdown_timeout) => Err(RunError::ShutdownTimedOut(cfg.server.shutdown_timeout)),
        signal = stop_signals.recv() => {
            tracing::warn!(signal, "second signal during shutdown; exiting now");
            Err(RunError::ShutdownTimedOut(Duration::ZERO))
        },
    }
}

/// How long a standby that took the lease waits for the previous holder's
/// orders to be settled in the database: longer than the exchange's
/// dead-man's switch (10 s), so orders of a holder that died are cancelled
/// by the exchange meanwhile.
const SETTLE_WITHIN: Duration = Duration::from_secs(15);

/// Waits until no order is stored pending or open: the previous holder of
/// the lease records its shutdown's cancels, and reconciling before that
/// would adopt orders it is cancelling. After a handover this is at once;
/// after a lost lease (the previous holder stopping by itself) about a
/// second; past [`SETTLE_WITHIN`] (a holder that died) reconciliation
/// settles them against the exchange.
async fn settle_previous(store: &dyn crate::storage::Store) -> Result<(), RunError> {
    use crate::orders::OrderStatus;
    let started = std::time::Instant::now();
    loop {
        let left = store
            .orders_with_status(&[OrderStatus::Pending, OrderStatus::Open])
            .await?
            .len();
        if left == 0 {
            return Ok(());
        }
        if started.elapsed() >= SETTLE_WITHIN {
            tracing::warn!(
                left,
                "the previous holder of the trading lease left orders stored open; reconciliation settles them"
            );
            return Ok(());
        }
        tokio::time::sleep(crate::lease::POLL).await;
    }
}

type SharedLease = Arc<tokio::sync::Mutex<Option<crate::lease::TradingLease>>>;

async fn release(lease: &SharedLease) {
    if let Some(lease) = lease.lock().await.take() {
        lease.release().await;
    }
}

/// How long a leader whose lease session ended tries to take the lease
/// again before it stops: a database restart is survived; a partition
/// from the database (where another instance may take the lease) ends in a
/// stop well before that instance trades (it waits up to `SETTLE_WITHIN`
/// for this one's orders to be settled).
const RETAKE_WITHIN: Duration = Duration::from_secs(10);

/// Every second, whether the trading lease is still ours (PostgreSQL: its
/// session answers). When it is not, it is taken again (every 20 ms, for
/// up to [`RETAKE_WITHIN`]); ends when another instance holds it or the
/// time is up. Never ends otherwise (the caller stops waiting at shutdown).
async fn watch_lease(lease: SharedLease, source: LeaseSource, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {},
            _ = stop.changed() => std::future::pending::<()>().await,
        }
        let mut guard = lease.lock().await;
        let held = match guard.as_mut() {
            Some(lease) => lease.still_held().await,
            None => true,
        };
        if held {
            continue;
        }
        tracing::warn!("the trading lease's database session ended; taking the lease again");
        let lost_at = std::time::Instant::now();
        loop {
            match source.try_take().await {
                Ok(Some(again)) => {
                    tracing::info!(
                        after_ms = lost_at.elapsed().as_millis() as u64,
                        "took the trading lease again"
                    );
                    *guard = Some(again);
                    break;
                },
                Ok(None) => {
                    tracing::error!("another instance holds the trading lease now");
                    return;
                },
                Err(_) if lost_at.elapsed() < RETAKE_WITHIN => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                },
                Err(e) => {
                    tracing::error!(error = %e, "cannot take the trading lease again");
                    return;
                },
            }
        }
    }
}

/// `/health`'s checks; with the pipeline's handle, the live ones too.
fn base_health(
    settings: &Settings,
    store: &Arc<dyn crate::storage::Store>,
    queue: &Arc<OrderQueue<crate::orders::OrderIntent>>,
    control: Option<&crate::pipeline::PipelineHandle>,
) -> Result<HealthService, RunError> {
    let cfg = &settings.config;
    let health = HealthService::new(
        store.clone(),
        market_data_probe(settings, control.map(|c| c.feed.clone()))?,
        queue.clone(),
        cfg.health.max_queue_depth,
        cfg.health.check_timeout,
    )
    .with_mode(cfg.mode.as_str());
    let Some(control) = control else {
        return Ok(health);
    };
    let health = health
        .with_heartbeat(control.heartbeat.clone())
        .with_task_failures(control.task_failures.clone())
        .with_account(control.account.clone());
    Ok(
        if cfg.market_data.source == MarketDataSource::Exchange && !cfg.strategy.markets.is_empty()
        {
            health.with_market_data_age(
                control.feed.clone(),
                cfg.market_data.max_staleness,
                cfg.strategy.markets.len(),
            )
        } else {
            health
        },
    )
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, RunError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| RunError::Bind {
            addr,
            port: addr.port(),
            source,
        })
}

/// Binds `addr`, trying again every 10 ms while it is in use, for `within`.
async fn bind_when_free(addr: SocketAddr, within: Duration) -> Result<TcpListener, RunError> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match bind(addr).await {
            Ok(listener) => return Ok(listener),
            Err(RunError::Bind { source, .. })
                if source.kind() == std::io::ErrorKind::AddrInUse
                    && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            },
            Err(e) => return Err(e),
        }
    }
}

fn promotion_signal() -> Result<tokio::signal::unix::Signal, RunError> {
    use tokio::signal::unix::{signal, SignalKind};
    signal(SignalKind::user_defined1()).map_err(RunError::Serve)
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    while !*rx.borrow() {
        if rx.changed().await.is_err() {
            return;
        }
    }
}

/// SIGTERM and SIGINT, listened for from the moment they are made.
struct StopSignals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> Result<Self, RunError> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self {
            term: signal(SignalKind::terminate()).map_err(RunError::Serve)?,
            int: signal(SignalKind::interrupt()).map_err(RunError::Serve)?,
        })
    }

    /// The next one; which.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        }
    }
}

/// Waits for SIGTERM or SIGINT; returns which.
pub async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM; only SIGINT will stop ploy");
                let _ = tokio::signal::ctrl_c().await;
                return "SIGINT";
            },
        };
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
