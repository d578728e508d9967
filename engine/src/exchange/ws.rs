//! The websockets. The market channel (`/ws/market`): subscribe with
//! `initial_dump`, send `PING` every 10 s, reconnect with backoff and subscribe
//! again after any drop. While it is down, the books come from REST polling
//! (`POST /books`), turned into the same `book` messages, so the engine never
//! stops seeing prices. The user channel (`/ws/user`, authenticated) wakes the
//! task that owns each kind of change: a trade or an order update (a partial
//! match) the trade poller, so fills are recorded at once from
//! `GET /data/trades`, the one source of fill accounting; a cancellation the
//! open-orders check; a placement the pending-order sweeper.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch, Notify};
use tokio_tungstenite::tungstenite::Message;
use url::Url;

use super::ratelimit::Backoff;
use super::{ClobClient, L2Credentials};
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
    /// Quoted tokens whose market takes no more orders, with why (written
    /// by the main loop, read by `/health`).
    pub closed_markets: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
    /// Told when the websocket drops, so REST polling takes over at once.
    pub dropped: tokio::sync::Notify,
}

impl FeedStatus {
    /// The closed markets, by token, with why.
    pub fn closed_markets(&self) -> std::collections::BTreeMap<String, String> {
        self.closed_markets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// The subscription message.
pub fn subscribe_message(tokens: &[String]) -> String {
    serde_json::json!({
        "type": "market",
        "operation": "subscribe",
        "markets": [],
        "assets_ids": tokens,
        "initial_dump": true,
        // Also `market_resolved` (and `best_bid_ask`, `new_market`, ignored).
        "custom_feature_enabled": true,
    })
    .to_string()
}

/// Runs the websocket until `stop`, sending every message to `tx`.
pub async fn run_websocket(
    url: Url,
    max_silence: Duration,
    tokens: Vec<String>,
    tx: mpsc::Sender<RawMessage>,
    status: Arc<FeedStatus>,
    clock: Arc<dyn Clock>,
    mut stop: watch::Receiver<bool>,
) {
    let channel = Channel {
        name: "market websocket",
        meanwhile: "polling REST meanwhile",
        max_silence,
    };
    let subscribe = subscribe_message(&tokens);
    run_channel(
        &channel,
        &url,
        &subscribe,
        |text: String| {
            let now = clock.now_ms();
            status.last_message_ms.store(now, Ordering::SeqCst);
            let tx = tx.clone();
            async move {
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(value) => tx.send((now, value)).await.is_ok(),
                    Err(e) => {
                        tracing::warn!(error = %e, "market websocket: unreadable message skipped");
                        true
                    },
                }
            }
        },
        |connected| {
            if connected {
                status.subscriptions.fetch_add(1, Ordering::SeqCst);
                tracing::info!(tokens = tokens.len(), "market websocket subscribed");
            }
            status.connected.store(connected, Ordering::SeqCst);
            if !connected {
                status.dropped.notify_one();
            }
        },
        &mut stop,
    )
    .await;
}

/// The user channel's URL: `…/ws/user` beside the configured `…/ws/market`.
pub fn user_channel_url(market: &Url) -> Url {
    market.join("user").unwrap_or_else(|_| market.clone())
}

/// The user channel's subscription: our markets (condition IDs) and the L2
/// credentials. It holds secrets: it is sent, never logged.
fn user_subscribe_message(markets: &[String], creds: &L2Credentials) -> String {
    serde_json::json!({
        "type": "user",
        "operation": "subscribe",
        "markets": markets,
        "assets_ids": [],
        "initial_dump": true,
        "auth": {
            "apiKey": creds.api_key.expose(),
            "secret": creds.secret.expose(),
            "passphrase": creds.passphrase.expose(),
        },
    })
    .to_string()
}

/// What a user-channel message says happened to our orders (one object or
/// an array of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserNews {
    /// A trade (`event_type: trade`), or an order `UPDATE` (a partial match).
    pub traded: bool,
    /// An order `CANCELLATION`.
    pub cancelled: bool,
    /// An order `PLACEMENT`.
    pub placed: bool,
}

/// Reads a user-channel message.
pub fn user_news(text: &str) -> UserNews {
    let mut news = UserNews::default();
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return news;
    };
    let mut read = |v: &serde_json::Value| {
        let kind = v["type"].as_str().unwrap_or("").to_ascii_uppercase();
        match v["event_type"].as_str() {
            Some("trade") => news.traded = true,
            Some("order") => match kind.as_str() {
                "CANCELLATION" => news.cancelled = true,
                "PLACEMENT" => news.placed = true,
                "UPDATE" => news.traded = true,
                _ => {},
            },
            _ => {},
        }
    };
    match &value {
        serde_json::Value::Array(items) => items.iter().for_each(&mut read),
        other => read(other),
    }
    news
}

/// Who the user channel wakes.
#[derive(Debug, Clone, Default)]
pub struct UserWakers {
    /// The trade poller (trades and order updates).
    pub trades: Arc<Notify>,
    /// The open-orders check (cancellations).
    pub cancelled: Arc<Notify>,
    /// The pending-order sweeper (placements).
    pub placed: Arc<Notify>,
}

/// Runs the user channel (`/ws/user`) until `stop`. Each trade or order
/// update for this account wakes the trade poller, which reads
/// `GET /data/trades` (fees included) at once rather than at its next tick;
/// each order cancellation (from the web UI, the dead-man's switch, a closed
/// market) wakes the open-orders check; each placement wakes the sweeper, so
/// an order whose post answer was lost is settled open at once. Their own
/// intervals cover any time the channel is down.
pub async fn run_user_channel(
    url: Url,
    max_silence: Duration,
    markets: Vec<String>,
    creds: L2Credentials,
    wakers: UserWakers,
    mut stop: watch::Receiver<bool>,
) {
    let channel = Channel {
        name: "user websocket",
        meanwhile: "fills come from polling meanwhile",
        max_silence,
    };
    let subscribe = user_subscribe_message(&markets, &creds);
    run_channel(
        &channel,
        &url,
        &subscribe,
        |text: String| {
            let news = user_news(&text);
            if news.traded {
                wakers.trades.notify_one();
            }
            if news.cancelled {
                wakers.cancelled.notify_one();
            }
            if news.placed {
                wakers.placed.notify_one();
            }
            std::future::ready(true)
        },
        |connected| {
            if connected {
                tracing::info!(markets = markets.len(), "user websocket subscribed");
            }
        },
        &mut stop,
    )
    .await;
}

/// How a channel names itself in logs, and how long it may stay silent.
struct Channel {
    name: &'static str,
    /// What covers for it while it is down.
    meanwhile: &'static str,
    /// Nothing heard (no message, no PONG) this long: the connection is
    /// treated as dropped. PING goes out every third of it (at most 10 s).
    max_silence: Duration,
}

/// Connects, subscribes with `subscribe`, sends `PING` every third of
/// `max_silence` (at most 10 s) and hands every other text message to
/// `on_text` (false: stop for good); reconnects with backoff after any drop,
/// and after `max_silence` with nothing heard (a connection that is open but
/// deaf). `on_connected` hears each change.
async fn run_channel<F: std::future::Future<Output = bool>>(
    channel: &Channel,
    url: &Url,
    subscribe: &str,
    mut on_text: impl FnMut(String) -> F,
    mut on_connected: impl FnMut(bool),
    stop: &mut watch::Receiver<bool>,
) {
    let Channel {
        name,
        meanwhile,
        max_silence,
    } = channel;
    let ping_every = (*max_silence / 3).clamp(Duration::from_millis(500), Duration::from_secs(10));
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
                tracing::warn!(error = %e, attempt, "{name}: cannot connect; {meanwhile}");
                if sleep_or_stop(backoff.delay(attempt, None), stop).await {
                    return;
                }
                attempt += 1;
                continue;
            },
            Err(_) => {
                tracing::warn!(attempt, "{name}: connect timed out; {meanwhile}");
                attempt += 1;
                continue;
            },
        };
        if socket
            .send(Message::Text(subscribe.to_owned().into()))
            .await
            .is_err()
        {
            attempt += 1;
            continue;
        }
        on_connected(true);
        attempt = 0;
        let mut ping = tokio::time::interval(ping_every);
        ping.tick().await;
        let mut heard = tokio::time::Instant::now();
        let reason = loop {
            let silent_until = heard + *max_silence;
            tokio::select! {
                message = socket.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        heard = tokio::time::Instant::now();
                        if text.trim() == "PONG" {
                            continue;
                        }
                        if !on_text(text.as_str().to_owned()).await {
                            return;
                        }
                    },
                    Some(Ok(Message::Close(_))) | None => break "closed by the server",
                    Some(Ok(_)) => heard = tokio::time::Instant::now(),
                    Some(Err(_)) => break "connection error",
                },
                () = tokio::time::sleep_until(silent_until) => {
                    break "silent: no message and no PONG within market_data.max_silence";
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
        on_connected(false);
        tracing::warn!(reason, "{name} dropped; reconnecting, {meanwhile}");
        if sleep_or_stop(backoff.delay(attempt, None), stop).await {
            return;
        }
        attempt += 1;
    }
}

/// Polls `POST /books` every `interval` while the websocket is down, and at
/// once when it drops.
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
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            () = status.dropped.notified() => {},
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
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
                    let message = rest_book_message(&book);
                    if tx.send((now, message)).await.is_err() {
                        return;
                    }
                }
            },
            Err(e) => tracing::warn!(error = %e, "REST book polling failed"),
        }
    }
}

/// A REST book (`GET /book`, `POST /books`) as a market-channel `book`
/// message, with the market's tick (so a change is learnt from it too).
pub fn rest_book_message(book: &super::types::Book) -> serde_json::Value {
    let mut message = serde_json::json!({
        "event_type": "book",
        "asset_id": book.asset_id,
        "market": book.market,
        "bids": book.bids,
        "asks": book.asks,
        "timestamp": book.timestamp.to_string(),
    });
    if book.tick_size > rust_decimal::Decimal::ZERO {
        message["tick_size"] = book.tick_size.to_string().into();
    }
    message
}

/// Sleeps; returns true if `stop` fired first.
async fn sleep_or_stop(duration: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        () = tokio::time::sleep(duration) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/tests/fixtures/polymarket/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// The keys of a JSON object, recursively, as `a.b` paths.
    fn shape(value: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
        if let serde_json::Value::Object(map) = value {
            for (k, v) in map {
                let path = format!("{prefix}{k}");
                out.push(path.clone());
                shape(v, &format!("{path}."), out);
            }
        }
    }

    fn keys(value: &serde_json::Value) -> Vec<String> {
        let mut out = Vec::new();
        shape(value, "", &mut out);
        out.sort();
        out
    }

    #[test]
    fn subscriptions_have_the_documented_shape() {
        let documented: serde_json::Value =
            serde_json::from_str(&fixture("ws_subscribe_requests.json")).unwrap();
        let market: serde_json::Value =
            serde_json::from_str(&subscribe_message(&["1".to_owned()])).unwrap();
        assert_eq!(keys(&market), keys(&documented["market"]));
        assert_eq!(market["custom_feature_enabled"], true);

        let creds = L2Credentials {
            api_key: Secret::new("k".to_owned()),
            secret: Secret::new("s".to_owned()),
            passphrase: Secret::new("p".to_owned()),
        };
        let user: serde_json::Value =
            serde_json::from_str(&user_subscribe_message(&["0xabc".to_owned()], &creds)).unwrap();
        assert_eq!(keys(&user), keys(&documented["user"]));
        assert_eq!(user["auth"]["secret"], "s");
        assert_eq!(user["markets"][0], "0xabc");
    }

    #[test]
    fn each_user_message_wakes_the_task_that_owns_it() {
        let trade = fixture("ws_user_trade.docs_example.json");
        let traded = UserNews {
            traded: true,
            ..UserNews::default()
        };
        assert_eq!(user_news(&trade), traded);
        assert_eq!(user_news(&format!("[{trade}]")), traded);
        let placement = fixture("ws_user_order.docs_example.json");
        assert_eq!(
            user_news(&placement),
            UserNews {
                placed: true,
                ..UserNews::default()
            }
        );
        let cancelled = placement.replace("\"PLACEMENT\"", "\"CANCELLATION\"");
        assert_eq!(
            user_news(&format!("[{cancelled}]")),
            UserNews {
                cancelled: true,
                ..UserNews::default()
            }
        );
        let update = placement.replace("\"PLACEMENT\"", "\"UPDATE\"");
        assert_eq!(user_news(&update), traded, "a partial match brings a fill");
        assert_eq!(user_news("PONG"), UserNews::default());
        assert_eq!(
            user_news(&format!("[{trade},{cancelled}]")),
            UserNews {
                traded: true,
                cancelled: true,
                placed: false
            }
        );
    }

    #[test]
    fn the_user_channel_sits_beside_the_market_channel() {
        let market = Url::parse("wss://ws-subscriptions-clob.polymarket.com/ws/market").unwrap();
        assert_eq!(
            user_channel_url(&market).as_str(),
            "wss://ws-subscriptions-clob.polymarket.com/ws/user"
        );
    }
}
