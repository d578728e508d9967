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
            RunError::Serve(_) | RunError::ShutdownTimedOut(_) | RunError::PipelineStopped(_) => {
                crate::exit::FAILURE
            },
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

/// Runs the service until a signal, then shuts down.
pub async fn run(settings: Settings) -> Result<(), RunError> {
    let cfg = &settings.config;
    tracing::info!(
        version = BUILD.version,
        git_sha = BUILD.git_sha,
        profile = BUILD.profile,
        mode = cfg.mode.as_str(),
        config = %settings.path.as_ref().map_or("(defaults)".to_owned(), |p| p.display().to_string()),
        database = %settings.database_url.redacted(),
        bind = %cfg.server.bind,
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

    let listener = TcpListener::bind(cfg.server.bind)
        .await
        .map_err(|source| RunError::Bind {
            addr: cfg.server.bind,
            port: cfg.server.bind.port(),
            source,
        })?;
    let queue = Arc::new(OrderQueue::new(metrics.order_queue_depth.clone()));
    let (stop_tx, stop_rx) = watch::channel(false);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (control, pipeline) = crate::pipeline::start(
        PipelineParts {
            settings: settings.clone(),
            store: store.clone(),
            metrics: metrics.clone(),
            queue: queue.clone(),
            clock,
        },
        stop_rx.clone(),
    )
    .await?;
    let health = HealthService::new(
        store.clone(),
        market_data_probe(&settings, Some(control.feed.clone()))?,
        queue.clone(),
        cfg.health.max_queue_depth,
        cfg.health.check_timeout,
    )
    .with_heartbeat(control.heartbeat.clone())
    .with_task_failures(control.task_failures.clone())
    .with_mode(cfg.mode.as_str());
    let health = if cfg.market_data.source == MarketDataSource::Exchange
        && !cfg.strategy.markets.is_empty()
    {
        health.with_market_data_age(
            control.feed.clone(),
            cfg.market_data.max_staleness,
            cfg.strategy.markets.len(),
        )
    } else {
        health
    };

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
    let early_exit = tokio::select! {
        signal = shutdown_signal() => {
            tracing::info!(signal, timeout = ?cfg.server.shutdown_timeout, "shutting down");
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
        // cancels resting orders and lets the executor finish.
        let _ = pipeline.await;
        let _ = (&mut server).await;
        store.close().await;
    };
    tokio::select! {
        () = graceful => {
            tracing::info!("shutdown complete");
            Ok(())
        },
        () = tokio::time::sleep(cfg.server.shutdown_timeout) => Err(RunError::ShutdownTimedOut(cfg.server.shutdown_timeout)),
        signal = shutdown_signal() => {
            tracing::warn!(signal, "second signal during shutdown; exiting now");
            Err(RunError::ShutdownTimedOut(Duration::ZERO))
        },
    }
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    while !*rx.borrow() {
        if rx.changed().await.is_err() {
            return;
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
