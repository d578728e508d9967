//! `ploy record --out FILE [--duration 10m] [--markets ID,...]`: writes the live
//! market feed to a recording (`{"recv_ms": …, "msg": …}` per line) that
//! `ploy replay` and `market_data.source = "recording"` read.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use super::{load_settings, print_config_error, print_error};
use crate::cli::RecordArgs;
use crate::clock::{Clock, SystemClock};
use crate::exchange::ws::{run_websocket, FeedStatus};
use crate::exit;
use crate::market_data::recording::RecordedMessage;
use crate::service::shutdown_signal;

/// Records until the duration passes or SIGINT/SIGTERM.
pub async fn run(config: Option<&Path>, args: &RecordArgs) -> u8 {
    let settings = match load_settings(config) {
        Ok(s) => s,
        Err(e) => {
            print_config_error(&e);
            return exit::CONFIG;
        },
    };
    let markets: Vec<String> = if args.markets.is_empty() {
        settings.config.strategy.markets.clone()
    } else {
        args.markets.clone()
    };
    if markets.is_empty() {
        print_error(
            "no markets to record\n  hint: pass --markets <token id>,… or set strategy.markets",
        );
        return exit::CONFIG;
    }
    let mut file = match std::fs::File::create(&args.out) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => {
            print_error(&format!("cannot create {}: {e}", args.out.display()));
            return exit::FAILURE;
        },
    };
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
                    if let Err(e) = writeln!(file, "{line}") {
                        print_error(&format!("cannot write {}: {e}", args.out.display()));
                        return exit::FAILURE;
                    }
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
    if let Err(e) = file.flush() {
        print_error(&format!("cannot write {}: {e}", args.out.display()));
        return exit::FAILURE;
    }
    eprintln!("wrote {written} messages to {}", args.out.display());
    if written == 0 {
        print_error("nothing was received\n  hint: check exchange.ws_url and the token IDs; `ploy check-config --connect` tests the exchange");
        return exit::EXCHANGE;
    }
    exit::OK
}
