//! `ploy record --out FILE [--duration 10m] [--markets ID,...]`: writes the live
//! market feed to a recording (`{"recv_ms": …, "msg": …}` per line) that
//! `ploy replay` and `market_data.source = "recording"` read.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use super::{load_settings, CommandError, CommandResult};
use crate::cli::RecordArgs;
use crate::clock::{Clock, SystemClock};
use crate::exchange::ws::{run_websocket, FeedStatus};
use crate::exit;
use crate::market_data::recording::RecordedMessage;
use crate::service::shutdown_signal;

/// Records until the duration passes or SIGINT/SIGTERM.
pub async fn run(config: Option<&Path>, args: &RecordArgs) -> CommandResult {
    let settings = load_settings(config)?;
    let markets: Vec<String> = if args.markets.is_empty() {
        settings.config.strategy.markets.clone()
    } else {
        args.markets.clone()
    };
    if markets.is_empty() {
        return Err(CommandError::usage(
            "no markets to record\n  hint: pass --markets <token id>,… or set strategy.markets",
        ));
    }
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(&args.out).map_err(|e| {
            CommandError::failed(format!("cannot create {}: {e}", args.out.display()))
        })?);
    let (tx, mut rx) = mpsc::channel(4096);
    let (stop_tx, stop_rx) = watch::channel(false);
    let status = Arc::new(FeedStatus::default());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let feed = tokio::spawn(run_websocket(
        settings.config.exchange.ws_url.clone(),
        settings.config.market_data.max_silence,
        markets.clone(),
        tx,
        status,
        clock,
        stop_rx,
    ));
    eprintln!(
        "recording {} market(s) from {} to {} (Ctrl-C stops)",
        markets.len(),
        settings.config.exchange.ws_url,
        args.out.display()
    );
    let deadline = tokio::time::sleep(args.duration);
    tokio::pin!(deadline);
    let signal = shutdown_signal();
    tokio::pin!(signal);
    let mut written = 0usize;
    loop {
        tokio::select! {
            message = rx.recv() => match message {
                Some((recv_ms, msg)) => {
                    let line = serde_json::to_string(&RecordedMessage { recv_ms, msg }).expect("serializes");
                    writeln!(file, "{line}").map_err(|e| {
                        CommandError::failed(format!("cannot write {}: {e}", args.out.display()))
                    })?;
                    written += 1;
                },
                None => break,
            },
            () = &mut deadline => break,
            _ = &mut signal => break,
        }
    }
    let _ = stop_tx.send(true);
    let _ = feed.await;
    file.flush()
        .map_err(|e| CommandError::failed(format!("cannot write {}: {e}", args.out.display())))?;
    eprintln!("wrote {written} messages to {}", args.out.display());
    if written == 0 {
        return Err(CommandError::exchange("nothing was received\n  hint: check exchange.ws_url and the token IDs; `ploy check-config --connect` tests the exchange"));
    }
    Ok(exit::OK)
}
