//! The market websocket (`/ws/market`): subscribe with `initial_dump`, send
//! `PING` every 10 s, reconnect with backoff and subscribe again after any
//! drop. While it is down, the books come from REST polling (`POST /books`),
//! turned into the same `book` messages, so the engine never stops seeing prices.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use url::Url;

use super::ratelimit::Backoff;
use super::ClobClient;
use crate::clock::Clock;

/// One raw market message and when it arrived.
pub type RawMessage = (i64, serde_json::Value);

/// What the feed is doing, for `/health` and logs.
#[derive(Debug, Default)]
pub struct FeedStatus {
    /// The websocket is connected and subscribed.
    pub connected: AtomicBool,
    /// Subscriptions sent (1 + reconnects).
    pub subscriptions: AtomicU64,
    /// REST polls made while the websocket was down.
    pub polls: AtomicU64,
    /// When the last message arrived (Unix ms).
    pub last_message_ms: AtomicI64,
}

/// The subscription message.
pub fn subscribe_message(tokens: &[String]) -> String {
    serde_json::json!({
        "type": "market",
        "operation": "subscribe",
        "markets": [],
        "assets_ids": tokens,
        "initial_dump": true,
    })
    .to_string()
}

/// Runs the websocket until `stop`, sending every message to `tx`.
pub async fn run_websocket(
    url: Url,
    tokens: Vec<String>,
    tx: mpsc::Sender<RawMessage>,
    status: Arc<FeedStatus>,
    clock: Arc<dyn Clock>,
    mut stop: watch::Receiver<bool>,
) {
    let backoff = Backoff {
        base: Duration::from_millis(500),
        cap: Duration::from_secs(30),
    };
    let mut attempt = 0u32;
    loop {
        if *stop.borrow() {
            return;
        }
        let connected = tokio::time::timeout(
            Duration::from_secs(10),
            tokio_tungstenite::connect_async(url.as_str()),
        )
        .await;
        let mut socket = match connected {
            Ok(Ok((socket, _))) => socket,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, attempt, "market websocket: cannot connect; polling REST meanwhile");
                if sleep_or_stop(backoff.delay(attempt, None), &mut stop).await {
                    return;
                }
                attempt += 1;
                continue;
            },
            Err(_) => {
                tracing::warn!(
                    attempt,
                    "market websocket: connect timed out; polling REST meanwhile"
                );
                attempt += 1;
                continue;
            },
        };
        if socket
            .send(Message::Text(subscribe_message(&tokens).into()))
            .await
            .is_err()
        {
            attempt += 1;
            continue;
        }
        status.subscriptions.fetch_add(1, Ordering::SeqCst);
        status.connected.store(true, Ordering::SeqCst);
        tracing::info!(tokens = tokens.len(), "market websocket subscribed");
        attempt = 0;
        let mut ping = tokio::time::interval(Duration::from_secs(10));
        ping.tick().await;
        let reason = loop {
            tokio::select! {
                message = socket.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        if text.trim() == "PONG" {
                            continue;
                        }
                        let now = clock.now_ms();
                        status.last_message_ms.store(now, Ordering::SeqCst);
                        match serde_json::from_str::<serde_json::Value>(&text) {
                            Ok(value) => {
                                if tx.send((now, value)).await.is_err() {
                                    return;
                                }
                            },
                            Err(e) => tracing::warn!(error = %e, "market websocket: unreadable message skipped"),
                        }
                    },
                    Some(Ok(Message::Close(_))) | None => break "closed by the server",
                    Some(Ok(_)) => {},
                    Some(Err(_)) => break "connection error",
                },
                _ = ping.tick() => {
                    if socket.send(Message::Text("PING".into())).await.is_err() {
                        break "ping failed";
                    }
                },
                _ = stop.changed() => {
                    let _ = socket.close(None).await;
                    return;
                },
            }
        };
        status.connected.store(false, Ordering::SeqCst);
        tracing::warn!(
            reason,
            "market websocket dropped; reconnecting and polling REST meanwhile"
        );
        if sleep_or_stop(backoff.delay(attempt, None), &mut stop).await {
            return;
        }
        attempt += 1;
    }
}

/// Polls `POST /books` every `interval` while the websocket is down.
pub async fn run_rest_fallback(
    client: ClobClient,
    tokens: Vec<String>,
    interval: Duration,
    tx: mpsc::Sender<RawMessage>,
    status: Arc<FeedStatus>,
    clock: Arc<dyn Clock>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if sleep_or_stop(interval, &mut stop).await {
            return;
        }
        if status.connected.load(Ordering::SeqCst) || tokens.is_empty() {
            continue;
        }
        match client.books(&tokens).await {
            Ok(books) => {
                status.polls.fetch_add(1, Ordering::SeqCst);
                let now = clock.now_ms();
                status.last_message_ms.store(now, Ordering::SeqCst);
                for book in books {
                    let message = serde_json::json!({
                        "event_type": "book",
                        "asset_id": book.asset_id,
                        "market": book.market,
                        "bids": book.bids,
                        "asks": book.asks,
                        "timestamp": book.timestamp.to_string(),
                    });
                    if tx.send((now, message)).await.is_err() {
                        return;
                    }
                }
            },
            Err(e) => tracing::warn!(error = %e, "REST book polling failed"),
        }
    }
}

/// Sleeps; returns true if `stop` fired first.
async fn sleep_or_stop(duration: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        () = tokio::time::sleep(duration) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}
