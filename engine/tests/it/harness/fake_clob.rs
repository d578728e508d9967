//! A local stand-in for the Polymarket CLOB on a loopback port, speaking the
//! wire format of tests/fixtures/polymarket.
//!
//! It checks every L2 header (address, API key, passphrase, timestamp, and the
//! HMAC over the exact bytes received), recovers the EIP-712 signer of every
//! posted order and refuses a wrong one, keeps a ledger of accepted orders
//! (with how many times each hash was posted), serves books over REST and a
//! market websocket, records trades when a test fills an order (and announces
//! them on the authenticated user websocket, in its message shape), and can be
//! told to fail: 429 with Retry-After, 425, 503 cancel-only, a timeout after
//! accepting, a slow answer, a duplicate, holding the response forever, a
//! dropped websocket. It keeps the dead-man's switch (`POST /v1/heartbeats`):
//! once started, no heartbeat within the limit cancels every LIVE order.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use ploy::orders::build::PostOrderBody;
use ploy::signing::{l2_signature, order_hash, recover_signer, Exchange};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::broadcast;

/// The dev key's address (the test wallet).
pub const ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// The API credentials the fake accepts.
pub const API_KEY: &str = "11111111-2222-3333-4444-555555555555";
/// The HMAC secret (URL-safe base64).
pub const API_SECRET: &str = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
/// The passphrase.
pub const PASSPHRASE: &str = "fake-passphrase-0b1c";
/// The token every scenario quotes.
pub const TOKEN: &str =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";
/// Its market.
pub const MARKET: &str = "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af";
/// The market's other outcome.
pub const NO_TOKEN: &str =
    "52114319501245915516055106046884209969926127482827954674443846427813813222426";

/// What the next `POST /order` does.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with `Retry-After: secs`.
    RateLimited(u64),
    /// 425 Too Early (matching engine restarting).
    Restarting,
    /// 503 cancel-only.
    CancelOnly,
    /// Accept into the ledger, answer after this long (past the client's timeout).
    TimeoutAfterAccept(Duration),
    /// Accept into the ledger, but answer `INVALID_ORDER_DUPLICATED`.
    Duplicate,
    /// Accept into the ledger and never answer.
    HoldForever,
    /// Accept into the ledger, answer normally after this long (a slow post).
    Delay(Duration),
    /// 400: the account may only close positions (`address in closed only mode`).
    ClosedOnly,
    /// 503: trading is disabled on the exchange.
    TradingDisabled,
    /// 400: the order's signing version is not the exchange's.
    VersionMismatch,
    /// 403: the exchange does not serve this IP's region.
    Geoblocked,
    /// 400 with this error text.
    Refused(&'static str),
}

/// One accepted order.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerOrder {
    /// Hash.
    pub hash: String,
    /// Token.
    pub token: String,
    /// "BUY" / "SELL".
    pub side: String,
    /// Price.
    pub price: Decimal,
    /// Size.
    pub size: Decimal,
    /// Matched.
    pub matched: Decimal,
    /// LIVE / MATCHED / CANCELED.
    pub status: String,
    /// Times this hash was posted (1 = posted once).
    pub posts: u32,
    /// Created (Unix seconds).
    pub created: i64,
    /// `GTC`, `GTD`, …
    pub order_type: String,
    /// GTD: when it expires (Unix seconds; 0 for none).
    pub expiration: i64,
    /// Placed by someone else on the account (never by the engine).
    pub foreign: bool,
    /// When it began resting (Unix milliseconds).
    pub rested_ms: i64,
    /// When it stopped resting (cancelled, fully matched, expired), if it has.
    pub ended_ms: Option<i64>,
}

impl LedgerOrder {
    /// Moves it to `status`, noting when it stopped resting.
    fn set_status(&mut self, status: &str) {
        if self.status == "LIVE" && status != "LIVE" && self.ended_ms.is_none() {
            self.ended_ms = Some(now_ms());
        }
        self.status = status.to_owned();
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[derive(Debug, Default)]
struct Inner {
    /// `GET /api/geoblock` says blocked.
    geoblocked: bool,
    /// The dead-man's switch: the current heartbeat ID and when it was
    /// acknowledged (none until the first heartbeat).
    heartbeat: Option<(String, std::time::Instant)>,
    /// Heartbeats acknowledged so far.
    heartbeats: u64,
    /// How long without a heartbeat cancels every order (the real one: 10 s).
    heartbeat_limit: Option<Duration>,
    /// Heartbeats are answered 503.
    refuse_heartbeats: bool,
    /// Times the switch fired.
    heartbeat_expiries: u64,
    /// Market websockets stay open but send nothing (no PONG, no update);
    /// a new subscription still gets its initial book.
    ws_silent: bool,
    /// The market's published fee parameters (`fd`): rate, exponent, taker
    /// only; `None` is the documented example's (0.02, 2, taker only).
    fees: Option<(f64, u32, bool)>,
    /// New trades stay MATCHED (not CONFIRMED) until `confirm_trade`.
    hold_confirmations: bool,
    ledger: Vec<LedgerOrder>,
    trades: Vec<Value>,
    faults: Vec<Fault>,
    sticky: Option<Fault>,
    refused_auth: Vec<String>,
    bids: Vec<(Decimal, Decimal)>,
    asks: Vec<(Decimal, Decimal)>,
    ws_refuse: bool,
    /// `GET /data/order/{id}` answers after this long.
    lookup_delay: Option<Duration>,
    /// Added to every request's answer, as a network's round trip would.
    round_trip: Option<Duration>,
    /// Placements are not announced on the user channel.
    quiet_placements: bool,
    /// The market: closed (no more trading), accepting orders, and the
    /// winning token once resolved.
    market_closed: bool,
    market_not_accepting: bool,
    winner: Option<String>,
    /// Market websocket subscriptions that asked for `custom_feature_enabled`.
    custom_subscriptions: u64,
    /// `/auth/*-api-key` answers this body (200) instead of the credentials.
    auth_answer: Option<String>,
    /// The book of [`TOKEN`] as last pushed to market websockets, ours
    /// included: (side, price) → size.
    shown: BTreeMap<(&'static str, Decimal), Decimal>,
    /// Changes of the published book caused by our orders are pushed this
    /// long after the change (`None`: at once, before the order's answer).
    book_push_delay: Option<Duration>,
    /// The market's tick size, when changed from 0.01.
    tick: Option<Decimal>,
    /// The market's minimum order size, when changed from 5.
    min_size: Option<Decimal>,
    /// The account's collateral (USDC); `None`: plenty (a million).
    collateral: Option<Decimal>,
    /// The account's shares, by token (moved by fills).
    shares: BTreeMap<String, Decimal>,
    /// The exchange has no allowance for the collateral / the shares.
    no_collateral_allowance: bool,
    no_shares_allowance: bool,
    /// The next collateral read reports this instead (a stale answer).
    report_collateral: Option<Decimal>,
    /// `GET /book` and `POST /books` answer 503.
    refuse_books: bool,
    /// Asks are refused for funds (whatever the balances say).
    refuse_sells: bool,
}

impl Inner {
    /// The market's tick size (0.01 until changed).
    fn tick(&self) -> Decimal {
        self.tick.unwrap_or(Decimal::new(1, 2))
    }

    /// The market's minimum order size (5 until changed).
    fn min_order_size(&self) -> Decimal {
        self.min_size.unwrap_or(Decimal::from(5))
    }

    /// The book of [`TOKEN`] as the exchange publishes it: the others'
    /// levels and every LIVE order of the account there, at its remaining
    /// size (bids best first, asks best first).
    fn published(&self) -> (Vec<(Decimal, Decimal)>, Vec<(Decimal, Decimal)>) {
        let mut bids: BTreeMap<Decimal, Decimal> = self.bids.iter().copied().collect();
        let mut asks: BTreeMap<Decimal, Decimal> = self.asks.iter().copied().collect();
        for o in self
            .ledger
            .iter()
            .filter(|o| o.status == "LIVE" && o.token == TOKEN)
        {
            let side = if o.side == "BUY" {
                &mut bids
            } else {
                &mut asks
            };
            *side.entry(o.price).or_default() += o.size - o.matched;
        }
        (
            bids.into_iter()
                .rev()
                .filter(|(_, s)| *s > Decimal::ZERO)
                .collect(),
            asks.into_iter()
                .filter(|(_, s)| *s > Decimal::ZERO)
                .collect(),
        )
    }

    fn shown_now(&self) -> BTreeMap<(&'static str, Decimal), Decimal> {
        let (bids, asks) = self.published();
        bids.into_iter()
            .map(|(p, s)| (("BUY", p), s))
            .chain(asks.into_iter().map(|(p, s)| (("SELL", p), s)))
            .collect()
    }

    /// `price_change` messages for every level whose published size
    /// differs from what was last pushed, in the documented shape; what is
    /// shown is updated.
    fn book_changes(&mut self) -> Vec<String> {
        let now = self.shown_now();
        let mut changes = Vec::new();
        for (key, size) in &now {
            if self.shown.get(key) != Some(size) {
                changes.push((*key, *size));
            }
        }
        for key in self.shown.keys() {
            if !now.contains_key(key) {
                changes.push((*key, Decimal::ZERO));
            }
        }
        self.shown = now;
        let (bids, asks) = self.published();
        let best_bid = bids.first().map_or("0".to_owned(), |(p, _)| p.to_string());
        let best_ask = asks.first().map_or("1".to_owned(), |(p, _)| p.to_string());
        changes
            .into_iter()
            .map(|((side, price), size)| {
                json!({
                    "market": MARKET,
                    "price_changes": [{
                        "asset_id": TOKEN, "price": price.to_string(), "size": size.to_string(),
                        "side": side, "hash": "0x0", "best_bid": best_bid, "best_ask": best_ask,
                    }],
                    "timestamp": now_ms().to_string(),
                    "event_type": "price_change",
                })
                .to_string()
            })
            .collect()
    }
}

/// Pushes what changed in the published book since the last push (our
/// orders rested, were cancelled, filled), at once or after the delay set
/// with [`FakeClob::delay_book_pushes`].
fn sync_book(s: &Shared) {
    let (messages, delay) = {
        let mut inner = s.inner.lock().unwrap();
        (inner.book_changes(), inner.book_push_delay)
    };
    if messages.is_empty() {
        return;
    }
    let ws = s.ws.clone();
    match delay {
        None => {
            for m in messages {
                let _ = ws.send(m);
            }
        },
        Some(delay) => {
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                for m in messages {
                    let _ = ws.send(m);
                }
            });
        },
    }
}

/// Counters.
#[derive(Debug, Default)]
pub struct Counters {
    /// Every HTTP request received (REST and websocket upgrades).
    pub requests: AtomicUsize,
    /// `GET /time`.
    pub time: AtomicUsize,
    /// `POST /order` requests received.
    pub posts: AtomicUsize,
    /// `POST /books` requests (REST fallback).
    pub books: AtomicUsize,
    /// `GET /book` requests.
    pub book_reads: AtomicUsize,
    /// Websocket subscriptions received.
    pub subscriptions: AtomicUsize,
    /// `GET /data/order/{id}` lookups.
    pub lookups: AtomicUsize,
    /// L1 key derivations.
    pub derives: AtomicUsize,
    /// User-channel subscriptions accepted (right credentials).
    pub user_subscriptions: AtomicUsize,
    /// `GET /data/trades` requests.
    pub trade_polls: AtomicUsize,
    /// `GET /balance-allowance` requests.
    pub balance_reads: AtomicUsize,
    /// `POST /orders` (batch) requests.
    pub batch_posts: AtomicUsize,
    /// `DELETE /orders` (batch) requests.
    pub batch_cancels: AtomicUsize,
    /// `DELETE /order` requests.
    pub cancels: AtomicUsize,
    /// `POST /order` and `POST /orders` requests refused with a 4xx/5xx
    /// (faults and rule checks alike).
    pub refused_posts: AtomicUsize,
}

#[derive(Debug, Clone)]
struct Shared {
    inner: Arc<Mutex<Inner>>,
    counters: Arc<Counters>,
    ws: broadcast::Sender<String>,
    user_ws: broadcast::Sender<String>,
}

/// A running fake exchange; stops when dropped.
#[derive(Debug)]
pub struct FakeClob {
    addr: SocketAddr,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

fn err(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

impl FakeClob {
    /// Starts with a book of 0.48 bid / 0.52 ask (100 each) on [`TOKEN`].
    pub async fn start() -> Self {
        let (ws, _) = broadcast::channel(1024);
        let (user_ws, _) = broadcast::channel(1024);
        let mut inner = Inner {
            bids: vec![(Decimal::new(48, 2), Decimal::from(100))],
            asks: vec![(Decimal::new(52, 2), Decimal::from(100))],
            ..Inner::default()
        };
        inner.shown = inner.shown_now();
        let shared = Shared {
            inner: Arc::new(Mutex::new(inner)),
            counters: Arc::new(Counters::default()),
            ws,
            user_ws,
        };
        let app = Router::new()
            .route("/time", get(time))
            .route("/api/geoblock", get(geoblock))
            .route("/version", get(|| async { Json(json!({"version": 2})) }))
            .route(
                "/tick-size",
                get(|State(s): State<Shared>| async move {
                    let tick = s.inner.lock().unwrap().tick();
                    Json(json!({"minimum_tick_size": tick.to_string()}))
                }),
            )
            .route(
                "/neg-risk",
                get(|| async { Json(json!({"neg_risk": false})) }),
            )
            .route("/book", get(book))
            .route("/clob-markets/{id}", get(clob_market))
            .route("/markets/{id}", get(market))
            .route("/books", post(books))
            .route("/auth/derive-api-key", get(derive))
            .route("/auth/api-key", post(derive))
            .route("/order", post(post_order).delete(cancel_order))
            .route("/orders", post(post_orders).delete(cancel_orders))
            .route("/balance-allowance", get(balance_allowance))
            .route("/cancel-all", delete(cancel_all))
            .route("/v1/heartbeats", post(heartbeat))
            .route("/data/order/{id}", get(get_order))
            .route("/data/orders", get(open_orders))
            .route("/data/trades", get(trades))
            .route("/ws/market", get(ws_market))
            .route("/ws/user", get(ws_user))
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                round_trip,
            ))
            .with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake CLOB");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake CLOB serve");
        });
        tokio::spawn(dead_mans_switch(shared.clone()));
        Self { addr, shared, task }
    }

    /// The REST base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Its geoblock check (`exchange.geoblock_url`).
    pub fn geoblock_url(&self) -> String {
        format!("http://{}/api/geoblock", self.addr)
    }

    /// Keeps new trades MATCHED (not yet CONFIRMED) until `confirm_trade`.
    pub fn hold_confirmations(&self, hold: bool) {
        self.shared.inner.lock().unwrap().hold_confirmations = hold;
    }

    /// Confirms a matched trade, as the exchange reports it (status
    /// CONFIRMED, and a trade message on the user channel).
    pub fn confirm_trade(&self, trade_id: &str) {
        let inner = &mut *self.shared.inner.lock().unwrap();
        let trade = inner
            .trades
            .iter_mut()
            .find(|t| t["id"] == trade_id)
            .expect("trade");
        trade["status"] = json!("CONFIRMED");
        let announcement = json!({
            "event_type": "trade", "type": "TRADE", "id": trade_id, "status": "CONFIRMED",
            "asset_id": trade["asset_id"], "market": MARKET, "owner": API_KEY,
        });
        let _ = self.shared.user_ws.send(announcement.to_string());
    }

    /// Makes a matched trade fail (it never settles), as the exchange reports
    /// it: `status: FAILED` on `GET /data/trades`, and a trade message on the
    /// user channel.
    pub fn fail_trade(&self, trade_id: &str) {
        let mut inner = self.shared.inner.lock().unwrap();
        let trade = inner
            .trades
            .iter_mut()
            .find(|t| t["id"] == trade_id)
            .expect("trade");
        trade["status"] = json!("FAILED");
        trade["last_update"] = json!(now_secs().to_string());
        // The maker's matched size goes back (the order stays off the book).
        let maker = trade["maker_orders"][0].clone();
        let size = Decimal::from_str_exact(maker["matched_amount"].as_str().unwrap()).unwrap();
        let hash = maker["order_id"].as_str().unwrap().to_owned();
        if let Some(order) = inner.ledger.iter_mut().find(|o| o.hash == hash) {
            order.matched -= size;
        }
        let trade = inner
            .trades
            .iter()
            .find(|t| t["id"] == trade_id)
            .expect("trade");
        let announcement = json!({
            "event_type": "trade", "type": "TRADE", "id": trade_id, "status": "FAILED",
            "asset_id": trade["asset_id"], "market": MARKET, "owner": API_KEY,
        });
        let _ = self.shared.user_ws.send(announcement.to_string());
    }

    /// Sets the market's published fee parameters.
    pub fn set_fees(&self, rate: f64, exponent: u32, taker_only: bool) {
        self.shared.inner.lock().unwrap().fees = Some((rate, exponent, taker_only));
    }

    /// Puts an order of the account on the book that this engine never
    /// posted (another process, the web UI).
    pub fn add_foreign_order(&self, hash: &str) {
        self.shared.inner.lock().unwrap().ledger.push(LedgerOrder {
            hash: hash.to_owned(),
            token: TOKEN.to_owned(),
            side: "BUY".to_owned(),
            price: Decimal::new(30, 2),
            size: Decimal::from(5),
            matched: Decimal::ZERO,
            status: "LIVE".to_owned(),
            posts: 1,
            created: now_secs(),
            order_type: "GTC".to_owned(),
            expiration: 0,
            foreign: true,
            rested_ms: now_ms(),
            ended_ms: None,
        });
        sync_book(&self.shared);
    }

    /// Makes a ledger order look placed `age` ago.
    pub fn age_order(&self, hash: &str, age: Duration) {
        let mut inner = self.shared.inner.lock().unwrap();
        let order = inner
            .ledger
            .iter_mut()
            .find(|o| o.hash == hash)
            .expect("order in the ledger");
        order.created = now_secs() - age.as_secs() as i64;
    }

    /// Gives a ledger order a status this release does not know (a status
    /// the exchange may add), e.g. `SUSPENDED`.
    pub fn set_status(&self, hash: &str, status: &str) {
        let mut inner = self.shared.inner.lock().unwrap();
        let order = inner
            .ledger
            .iter_mut()
            .find(|o| o.hash == hash)
            .expect("order in the ledger");
        order.status = status.to_owned();
    }

    /// Cancels an order on the exchange's side (as from the web UI); with
    /// `announce`, the user channel says so (an `order` event of type
    /// `CANCELLATION`, in the documented shape).
    pub fn cancel_on_exchange(&self, hash: &str, announce: bool) {
        let mut inner = self.shared.inner.lock().unwrap();
        let order = inner
            .ledger
            .iter_mut()
            .find(|o| o.hash == hash)
            .expect("order in the ledger");
        order.set_status("CANCELED");
        if announce {
            let event = order_event(order, "CANCELLATION");
            let _ = self.shared.user_ws.send(event.to_string());
        }
        drop(inner);
        sync_book(&self.shared);
    }

    /// Makes market websockets go quiet (open, but no PONG and no update)
    /// or speak again.
    pub fn silence_websockets(&self, silent: bool) {
        self.shared.inner.lock().unwrap().ws_silent = silent;
    }

    /// Heartbeats acknowledged so far.
    pub fn heartbeats(&self) -> u64 {
        self.shared.inner.lock().unwrap().heartbeats
    }

    /// Times the dead-man's switch cancelled every order.
    pub fn heartbeat_expiries(&self) -> u64 {
        self.shared.inner.lock().unwrap().heartbeat_expiries
    }

    /// Shortens the dead-man's switch (the real exchange waits 10 s).
    pub fn set_heartbeat_limit(&self, limit: Duration) {
        self.shared.inner.lock().unwrap().heartbeat_limit = Some(limit);
    }

    /// Makes heartbeats fail (503) or succeed again.
    pub fn refuse_heartbeats(&self, refuse: bool) {
        self.shared.inner.lock().unwrap().refuse_heartbeats = refuse;
    }

    /// Resolves the market: `winner` won. Every order on it is cancelled
    /// (`CANCELED_MARKET_RESOLVED`), it closes, and subscribers that asked
    /// for the custom features hear `market_resolved` (others hear nothing,
    /// as on the real exchange).
    pub fn resolve_market(&self, winner: &str) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.market_closed = true;
        inner.winner = Some(winner.to_owned());
        for o in inner.ledger.iter_mut().filter(|o| o.status == "LIVE") {
            o.set_status("CANCELED_MARKET_RESOLVED");
        }
        let message = json!({
            "event_type": "market_resolved", "id": "1", "question": "Will it?",
            "market": MARKET, "slug": "will-it", "description": "",
            "assets_ids": [TOKEN, NO_TOKEN], "outcomes": ["Yes", "No"],
            "winning_asset_id": winner,
            "winning_outcome": if winner == TOKEN { "Yes" } else { "No" },
            "timestamp": (now_secs() * 1000).to_string(),
        });
        let _ = self.shared.ws.send(format!("__custom__{message}"));
    }

    /// Stops the market taking orders (as before a resolution).
    pub fn stop_accepting_orders(&self) {
        self.shared.inner.lock().unwrap().market_not_accepting = true;
    }

    /// Market websocket subscriptions that asked for `custom_feature_enabled`.
    pub fn custom_subscriptions(&self) -> u64 {
        self.shared.inner.lock().unwrap().custom_subscriptions
    }

    /// Stops (or resumes) announcing placements on the user channel, as when
    /// that message is late or lost.
    pub fn announce_placements(&self, announce: bool) {
        self.shared.inner.lock().unwrap().quiet_placements = !announce;
    }

    /// Delays every answer (REST and websocket handshakes) by `delay`, as a
    /// network's round trip to the exchange would (`None`: loopback speed).
    pub fn set_round_trip(&self, delay: Option<Duration>) {
        self.shared.inner.lock().unwrap().round_trip = delay;
    }

    /// Makes `GET /data/order/{id}` answer after `delay` (`None`: at once).
    pub fn set_lookup_delay(&self, delay: Option<Duration>) {
        self.shared.inner.lock().unwrap().lookup_delay = delay;
    }

    /// Puts an order that left the book back on it (LIVE), as when an order
    /// the exchange did not know when asked is accepted late.
    pub fn revive(&self, hash: &str) {
        let mut inner = self.shared.inner.lock().unwrap();
        let order = inner
            .ledger
            .iter_mut()
            .find(|o| o.hash == hash)
            .expect("order in the ledger");
        order.set_status("LIVE");
        drop(inner);
        sync_book(&self.shared);
    }

    /// Makes the geoblock check say this IP is (or is not) blocked.
    pub fn set_geoblocked(&self, blocked: bool) {
        self.shared.inner.lock().unwrap().geoblocked = blocked;
    }

    /// The market websocket URL.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws/market", self.addr)
    }

    /// `GET /time` requests answered.
    pub fn time_requests(&self) -> usize {
        self.shared.counters.time.load(Ordering::SeqCst)
    }

    /// The counters.
    pub fn counters(&self) -> &Counters {
        &self.shared.counters
    }

    /// `/auth/derive-api-key` and `/auth/api-key` answer `body` (200), e.g.
    /// credentials in a shape the client does not expect; `None`: the real one.
    pub fn set_auth_answer(&self, body: Option<&str>) {
        self.shared.inner.lock().unwrap().auth_answer = body.map(str::to_owned);
    }

    /// Fails the next `POST /order` this way (queued; one each).
    pub fn fail_next(&self, fault: Fault) {
        self.shared.inner.lock().unwrap().faults.push(fault);
    }

    /// Fails every `POST /order` this way until cleared.
    pub fn fail_all(&self, fault: Option<Fault>) {
        self.shared.inner.lock().unwrap().sticky = fault;
    }

    /// The ledger.
    pub fn ledger(&self) -> Vec<LedgerOrder> {
        self.shared.inner.lock().unwrap().ledger.clone()
    }

    /// Requests refused for bad authentication, with why.
    pub fn refused_auth(&self) -> Vec<String> {
        self.shared.inner.lock().unwrap().refused_auth.clone()
    }

    /// Fills `size` of a ledger order as maker (a taker on the other side);
    /// returns the trade ID.
    pub fn fill(&self, hash: &str, size: Decimal) -> String {
        self.fill_aged(hash, size, Duration::ZERO)
    }

    /// [`FakeClob::fill`], the trade matched `age` ago.
    pub fn fill_aged(&self, hash: &str, size: Decimal, age: Duration) -> String {
        let matched_at = now_secs() - age.as_secs() as i64;
        let mut inner = self.shared.inner.lock().unwrap();
        let n = inner.trades.len() + 1;
        let status = if inner.hold_confirmations {
            "MATCHED"
        } else {
            "CONFIRMED"
        };
        let order = inner
            .ledger
            .iter_mut()
            .find(|o| o.hash == hash)
            .expect("order in the ledger");
        order.matched += size;
        if order.matched >= order.size {
            order.set_status("MATCHED");
        }
        let (token, price, buy) = (order.token.clone(), order.price, order.side == "BUY");
        let order = order.clone();
        let signed = if buy { size } else { -size };
        *inner.shares.entry(token).or_default() += signed;
        if let Some(c) = inner.collateral.as_mut() {
            *c -= signed * price;
        }
        let order = &order;
        let taker_side = if order.side == "BUY" { "SELL" } else { "BUY" };
        let trade_id = format!("trade-{n}");
        let trade = json!({
            "id": trade_id,
            "taker_order_id": format!("0x{}", "f".repeat(64)),
            "market": MARKET,
            "asset_id": order.token,
            "side": taker_side,
            "size": size.to_string(),
            "fee_rate_bps": "0",
            "price": order.price.to_string(),
            "status": status,
            "match_time": matched_at.to_string(),
            "last_update": matched_at.to_string(),
            "outcome": "YES",
            "owner": API_KEY,
            "maker_address": ADDRESS,
            "maker_orders": [{
                "order_id": order.hash,
                "owner": API_KEY,
                "maker_address": ADDRESS,
                "matched_amount": size.to_string(),
                "price": order.price.to_string(),
                "fee_rate_bps": "0",
                "asset_id": order.token,
                "outcome": "YES",
                "side": order.side,
            }],
            "transaction_hash": format!("0x{}", "a".repeat(64)),
            "trader_side": "MAKER",
        });
        // The user channel's shape (docs example `ws_user_trade`): the same
        // trade as seen by its owner.
        let announcement = json!({
            "event_type": "trade",
            "type": "TRADE",
            "id": trade_id,
            "asset_id": trade["asset_id"],
            "market": MARKET,
            "side": taker_side,
            "size": size.to_string(),
            "price": trade["price"],
            "status": status,
            "matchtime": trade["match_time"],
            "last_update": trade["last_update"],
            "timestamp": trade["match_time"],
            "outcome": "YES",
            "owner": API_KEY,
            "trade_owner": API_KEY,
            "taker_order_id": trade["taker_order_id"],
            "maker_orders": [{
                "asset_id": trade["asset_id"],
                "matched_amount": size.to_string(),
                "order_id": hash,
                "outcome": "YES",
                "owner": API_KEY,
                "price": trade["price"],
            }],
        });
        inner.trades.push(trade);
        let _ = self.shared.user_ws.send(announcement.to_string());
        drop(inner);
        sync_book(&self.shared);
        trade_id
    }

    /// Moves the book and pushes it to websocket subscribers.
    pub fn set_book(&self, bid: Decimal, ask: Decimal) {
        let message = {
            let mut inner = self.shared.inner.lock().unwrap();
            inner.bids = vec![(bid, Decimal::from(100))];
            inner.asks = vec![(ask, Decimal::from(100))];
            inner.shown = inner.shown_now();
            book_json(&inner)
        };
        let _ = self.shared.ws.send(message.to_string());
    }

    /// Sets the account's collateral (USDC); `None`: plenty.
    pub fn set_collateral(&self, usdc: Option<Decimal>) {
        self.shared.inner.lock().unwrap().collateral = usdc;
    }

    /// Refuses every ask as the exchange refuses one it cannot cover (`not
    /// enough balance / allowance`), while the balance reads say otherwise.
    pub fn refuse_sells(&self, refuse: bool) {
        self.shared.inner.lock().unwrap().refuse_sells = refuse;
    }

    /// Makes `GET /book` and `POST /books` answer 503 (or answer again).
    pub fn refuse_books(&self, refuse: bool) {
        self.shared.inner.lock().unwrap().refuse_books = refuse;
    }

    /// `GET /book` requests answered.
    pub fn book_reads(&self) -> usize {
        self.shared.counters.book_reads.load(Ordering::SeqCst)
    }

    /// The next collateral read reports `usdc`, whatever the account holds
    /// (the balance changed just after the exchange answered).
    pub fn report_collateral_once(&self, usdc: Decimal) {
        self.shared.inner.lock().unwrap().report_collateral = Some(usdc);
    }

    /// Sets the account's shares of `token` (moved off the account by hand,
    /// say); fills move them from there.
    pub fn set_shares(&self, token: &str, shares: Decimal) {
        self.shared
            .inner
            .lock()
            .unwrap()
            .shares
            .insert(token.to_owned(), shares);
    }

    /// The account's collateral and its shares of [`TOKEN`], as the
    /// exchange reports them.
    pub fn balances(&self) -> (Option<Decimal>, Decimal) {
        let inner = self.shared.inner.lock().unwrap();
        (
            inner.collateral,
            inner.shares.get(TOKEN).copied().unwrap_or_default(),
        )
    }

    /// Takes away (or gives back) the exchange's allowance for the
    /// collateral and for the shares.
    pub fn set_allowances(&self, collateral: bool, shares: bool) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.no_collateral_allowance = !collateral;
        inner.no_shares_allowance = !shares;
    }

    /// Changes the market's tick size; with `announce`, the market channel
    /// says so (`tick_size_change`, the documented shape), else only the
    /// REST answers and the order checks know it.
    pub fn set_tick(&self, tick: Decimal, announce: bool) {
        let old = {
            let mut inner = self.shared.inner.lock().unwrap();
            let old = inner.tick();
            inner.tick = Some(tick);
            old
        };
        if announce {
            let message = json!({
                "event_type": "tick_size_change", "asset_id": TOKEN, "market": MARKET,
                "old_tick_size": old.to_string(), "new_tick_size": tick.to_string(),
                "timestamp": now_ms().to_string(),
            });
            let _ = self.shared.ws.send(message.to_string());
        }
    }

    /// Moves the others' book to any levels (best first) and pushes it.
    pub fn set_levels(&self, bids: &[(Decimal, Decimal)], asks: &[(Decimal, Decimal)]) {
        let message = {
            let mut inner = self.shared.inner.lock().unwrap();
            inner.bids = bids.to_vec();
            inner.asks = asks.to_vec();
            inner.shown = inner.shown_now();
            book_json(&inner)
        };
        let _ = self.shared.ws.send(message.to_string());
    }

    /// Pushes the published book's changes caused by our orders `delay`
    /// after they happen (after the order's answer), or at once (`None`).
    pub fn delay_book_pushes(&self, delay: Option<Duration>) {
        self.shared.inner.lock().unwrap().book_push_delay = delay;
    }

    /// The book of [`TOKEN`] as published now (ours included): bids and
    /// asks, best first.
    pub fn published_book(&self) -> (Vec<(Decimal, Decimal)>, Vec<(Decimal, Decimal)>) {
        self.shared.inner.lock().unwrap().published()
    }

    /// Drops every websocket connection and refuses new ones while `refuse`.
    pub fn drop_websockets(&self, refuse: bool) {
        self.shared.inner.lock().unwrap().ws_refuse = refuse;
        let _ = self.shared.ws.send("__close__".to_owned());
    }
}

impl Drop for FakeClob {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A user-channel `order` event of `kind` (PLACEMENT, UPDATE, CANCELLATION)
/// in the documented shape (`ws_user_order.docs_example.json`).
fn order_event(order: &LedgerOrder, kind: &str) -> Value {
    json!({
        "asset_id": order.token, "associate_trades": null, "event_type": "order",
        "id": order.hash, "market": MARKET, "order_owner": API_KEY,
        "original_size": order.size.to_string(), "outcome": "YES", "owner": API_KEY,
        "price": order.price.to_string(), "side": order.side,
        "size_matched": order.matched.to_string(), "timestamp": now_secs().to_string(),
        "type": kind,
    })
}

fn levels(levels: &[(Decimal, Decimal)]) -> Vec<Value> {
    levels
        .iter()
        .map(|(p, s)| json!({"price": p.to_string(), "size": s.to_string()}))
        .collect()
}

fn book_json(inner: &Inner) -> Value {
    let (bids, asks) = inner.published();
    json!({
        "event_type": "book",
        "asset_id": TOKEN,
        "market": MARKET,
        "bids": levels(&bids),
        "asks": levels(&asks),
        "timestamp": (now_secs() * 1000).to_string(),
        "hash": "0x0",
    })
}

/// Polymarket's geoblock answer (served here beside the CLOB, so a test sets
/// `exchange.geoblock_url` to [`FakeClob::geoblock_url`]).
async fn geoblock(State(s): State<Shared>) -> Json<Value> {
    let blocked = s.inner.lock().unwrap().geoblocked;
    let country = if blocked { "US" } else { "IE" };
    Json(json!({"blocked": blocked, "ip": "203.0.113.42", "country": country, "region": "L"}))
}

async fn time(State(s): State<Shared>) -> String {
    s.counters.time.fetch_add(1, Ordering::SeqCst);
    now_secs().to_string()
}

/// `GET /book` and each entry of `POST /books`: the published book (ours
/// included), with the market's rules.
fn rest_book(inner: &Inner) -> Value {
    let (bids, asks) = inner.published();
    json!({
        "market": MARKET, "asset_id": TOKEN, "timestamp": (now_secs() * 1000).to_string(),
        "bids": levels(&bids), "asks": levels(&asks),
        "min_order_size": inner.min_order_size().to_string(), "neg_risk": false,
        "tick_size": inner.tick().to_string(),
    })
}

async fn book(State(s): State<Shared>) -> Response {
    s.counters.book_reads.fetch_add(1, Ordering::SeqCst);
    let inner = s.inner.lock().unwrap();
    if inner.refuse_books {
        return err(StatusCode::SERVICE_UNAVAILABLE, "books unavailable");
    }
    Json(rest_book(&inner)).into_response()
}

async fn books(State(s): State<Shared>) -> Response {
    s.counters.books.fetch_add(1, Ordering::SeqCst);
    let inner = s.inner.lock().unwrap();
    if inner.refuse_books {
        return err(StatusCode::SERVICE_UNAVAILABLE, "books unavailable");
    }
    Json(json!([rest_book(&inner)])).into_response()
}

async fn derive(State(s): State<Shared>, headers: HeaderMap) -> Response {
    s.counters.derives.fetch_add(1, Ordering::SeqCst);
    // L1: the ClobAuth signature must recover to POLY_ADDRESS.
    let get = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (address, signature, timestamp, nonce) = (
        get("POLY_ADDRESS"),
        get("POLY_SIGNATURE"),
        get("POLY_TIMESTAMP"),
        get("POLY_NONCE"),
    );
    let Ok(parsed) = address.parse() else {
        return err(StatusCode::UNAUTHORIZED, "Invalid L1 Request headers");
    };
    let hash = ploy::signing::clob_auth_hash(
        parsed,
        137,
        &timestamp,
        nonce.parse::<u64>().unwrap_or(u64::MAX),
    );
    if recover_signer(hash, &signature).map(|a| a.to_checksum(None)) != Some(address.clone())
        || address != ADDRESS
    {
        s.inner
            .lock()
            .unwrap()
            .refused_auth
            .push("L1 signature".to_owned());
        return err(StatusCode::UNAUTHORIZED, "Invalid L1 Request headers");
    }
    if let Some(body) = s.inner.lock().unwrap().auth_answer.clone() {
        return (StatusCode::OK, body).into_response();
    }
    Json(json!({"apiKey": API_KEY, "secret": API_SECRET, "passphrase": PASSPHRASE})).into_response()
}

/// Checks the L2 headers against the exact bytes received.
#[allow(clippy::result_large_err)] // the error is the HTTP answer, returned as is
fn check_l2(
    s: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Response> {
    let get = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let fail = |why: &str| {
        s.inner.lock().unwrap().refused_auth.push(why.to_owned());
        Err(err(
            StatusCode::UNAUTHORIZED,
            "Unauthorized/Invalid api key",
        ))
    };
    if get("POLY_ADDRESS") != ADDRESS {
        return fail("POLY_ADDRESS");
    }
    if get("POLY_API_KEY") != API_KEY {
        return fail("POLY_API_KEY");
    }
    if get("POLY_PASSPHRASE") != PASSPHRASE {
        return fail("POLY_PASSPHRASE");
    }
    let timestamp = get("POLY_TIMESTAMP");
    match timestamp.parse::<i64>() {
        Ok(t) if (t - now_secs()).abs() <= 60 => {},
        _ => return fail("POLY_TIMESTAMP"),
    }
    let body = std::str::from_utf8(body).unwrap_or("");
    let expected = l2_signature(API_SECRET, &timestamp, method.as_str(), uri.path(), body)
        .expect("secret decodes");
    if get("POLY_SIGNATURE") != expected {
        return fail("POLY_SIGNATURE (HMAC)");
    }
    Ok(())
}

async fn post_order(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.counters.posts.fetch_add(1, Ordering::SeqCst);
    if let Err(r) = check_l2(&s, &method, &uri, &headers, &body) {
        return r;
    }
    let fault = {
        let mut inner = s.inner.lock().unwrap();
        if inner.faults.is_empty() {
            inner.sticky.clone()
        } else {
            Some(inner.faults.remove(0))
        }
    };
    if let Some(answer) = refusal_for(fault.as_ref()) {
        s.counters.refused_posts.fetch_add(1, Ordering::SeqCst);
        return answer;
    }
    let (hash, duplicate) = match accept_one(&s, &body) {
        Posted::Refused(status, message) => {
            s.counters.refused_posts.fetch_add(1, Ordering::SeqCst);
            return err(status, &message);
        },
        Posted::Accepted { hash, duplicate } => (hash, duplicate),
    };
    // The market channel shows it in the book (before the answer, unless
    // the test delays book pushes).
    sync_book(&s);
    match fault {
        Some(Fault::TimeoutAfterAccept(delay) | Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
        },
        Some(Fault::HoldForever) => std::future::pending::<()>().await,
        _ => {},
    }
    if duplicate || fault == Some(Fault::Duplicate) {
        return Json(json!({"success": false, "errorMsg": "INVALID_ORDER_DUPLICATED", "orderID": hash, "status": ""})).into_response();
    }
    Json(json!({"error_msg": "", "makingAmount": "", "orderID": hash, "status": "live", "success": true, "takingAmount": ""})).into_response()
}

/// What one posted order came to.
enum Posted {
    /// Refused, with the status and the exchange's words.
    Refused(StatusCode, String),
    /// In the ledger (`duplicate`: it was already).
    Accepted { hash: String, duplicate: bool },
}

/// Checks one signed order as the exchange does (owner, signer, the
/// market's tick and minimum size, the account's funds and allowances) and
/// puts it in the ledger.
fn accept_one(s: &Shared, body: &[u8]) -> Posted {
    let refuse = |status: StatusCode, message: &str| Posted::Refused(status, message.to_owned());
    let Ok(parsed) = serde_json::from_slice::<PostOrderBody>(body) else {
        return refuse(StatusCode::BAD_REQUEST, "Invalid order payload");
    };
    if parsed.owner != API_KEY {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the order owner has to be the owner of the API KEY",
        );
    }
    let Some(order) = parsed.order.to_order() else {
        return refuse(StatusCode::BAD_REQUEST, "Invalid order payload");
    };
    let hash = order_hash(&order, Exchange::V2, 137);
    let signer = recover_signer(hash, &parsed.order.signature);
    if signer != Some(order.signer) || order.signer.to_checksum(None) != ADDRESS {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the order signer address has to be the address of the API KEY",
        );
    }
    let hash = hash.to_string();
    let amounts = (order.makerAmount, order.takerAmount);
    let (size, price) = {
        let to_dec = |u: alloy_primitives::U256| {
            Decimal::from_str_exact(&u.to_string()).unwrap() / Decimal::from(1_000_000)
        };
        let (maker, taker) = (to_dec(amounts.0), to_dec(amounts.1));
        if parsed.order.side == "BUY" {
            (taker, (maker / taker).normalize())
        } else {
            (maker, (taker / maker).normalize())
        }
    };
    let buy = parsed.order.side == "BUY";
    let mut inner = s.inner.lock().unwrap();
    if let Some(existing) = inner.ledger.iter_mut().find(|o| o.hash == hash) {
        existing.posts += 1;
        return Posted::Accepted {
            hash,
            duplicate: true,
        };
    }
    let tick = inner.tick();
    if !(price % tick).is_zero() {
        return refuse(
            StatusCode::BAD_REQUEST,
            &format!(
                "order {hash} is invalid. Price ({price}) breaks minimum tick size rule: {tick}"
            ),
        );
    }
    if size < inner.min_order_size() {
        return refuse(
            StatusCode::BAD_REQUEST,
            &format!(
                "order {hash} is invalid. Size ({size}) lower than the minimum: {}",
                inner.min_order_size()
            ),
        );
    }
    // Funds: what LIVE orders commit, and this one.
    let token = parsed.order.token_id.clone();
    let short = if buy {
        let committed: Decimal = inner
            .ledger
            .iter()
            .filter(|o| o.status == "LIVE" && o.side == "BUY")
            .map(|o| (o.size - o.matched) * o.price)
            .sum();
        inner.no_collateral_allowance
            || inner
                .collateral
                .is_some_and(|c| committed + price * size > c)
    } else {
        let committed: Decimal = inner
            .ledger
            .iter()
            .filter(|o| o.status == "LIVE" && o.side == "SELL" && o.token == token)
            .map(|o| o.size - o.matched)
            .sum();
        let held = inner.shares.get(&token).copied().unwrap_or_default();
        inner.refuse_sells || inner.no_shares_allowance || committed + size > held
    };
    if short {
        return refuse(StatusCode::BAD_REQUEST, "not enough balance / allowance");
    }
    let order = LedgerOrder {
        hash: hash.clone(),
        token,
        side: parsed.order.side.clone(),
        price,
        size,
        matched: Decimal::ZERO,
        status: "LIVE".to_owned(),
        posts: 1,
        created: now_secs(),
        order_type: format!("{:?}", parsed.order_type).to_uppercase(),
        expiration: parsed.order.expiration.parse().unwrap_or(0),
        foreign: false,
        rested_ms: now_ms(),
        ended_ms: None,
    };
    // The user channel announces it (an `order` event of type
    // PLACEMENT), before the answer to the post.
    if !inner.quiet_placements {
        let _ = s.user_ws.send(order_event(&order, "PLACEMENT").to_string());
    }
    inner.ledger.push(order);
    Posted::Accepted {
        hash,
        duplicate: false,
    }
}

/// `POST /orders`: up to 15 signed orders, each checked and answered on its
/// own (one refused does not refuse the others), in the documented shape.
async fn post_orders(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.counters.batch_posts.fetch_add(1, Ordering::SeqCst);
    if let Err(r) = check_l2(&s, &method, &uri, &headers, &body) {
        return r;
    }
    if let Some(answer) = whole_request_fault(&s) {
        s.counters.refused_posts.fetch_add(1, Ordering::SeqCst);
        return answer;
    }
    let Ok(orders) = serde_json::from_slice::<Vec<Value>>(&body) else {
        return err(StatusCode::BAD_REQUEST, "Invalid order payload");
    };
    if orders.is_empty() || orders.len() > 15 {
        return err(StatusCode::BAD_REQUEST, "a batch holds 1 to 15 orders");
    }
    let mut answers = Vec::new();
    for order in &orders {
        s.counters.posts.fetch_add(1, Ordering::SeqCst);
        let bytes = serde_json::to_vec(order).unwrap();
        answers.push(match accept_one(&s, &bytes) {
            Posted::Refused(_, message) => {
                s.counters.refused_posts.fetch_add(1, Ordering::SeqCst);
                json!({"errorMsg": message, "orderID": "", "status": "", "success": false})
            },
            Posted::Accepted { hash, duplicate: true } => {
                json!({"errorMsg": "INVALID_ORDER_DUPLICATED", "orderID": hash, "status": "", "success": false})
            },
            Posted::Accepted { hash, .. } => {
                json!({"error_msg": "", "makingAmount": "", "orderID": hash, "status": "live", "success": true, "takingAmount": ""})
            },
        });
    }
    sync_book(&s);
    Json(Value::Array(answers)).into_response()
}

/// A fault that refuses a whole request (not one that answers late), taken
/// off the queue; `None` lets it through.
fn whole_request_fault(s: &Shared) -> Option<Response> {
    let fault = {
        let mut inner = s.inner.lock().unwrap();
        if inner.faults.is_empty() {
            inner.sticky.clone()
        } else {
            Some(inner.faults.remove(0))
        }
    };
    refusal_for(fault.as_ref())
}

/// The answer a refusing fault gives.
fn refusal_for(fault: Option<&Fault>) -> Option<Response> {
    Some(match fault? {
        Fault::RateLimited(secs) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("Retry-After", secs.to_string())],
            Json(json!({"error": "Too Many Requests"})),
        )
            .into_response(),
        Fault::Restarting => {
            (StatusCode::from_u16(425).unwrap(), "service not ready").into_response()
        },
        Fault::ClosedOnly => err(
            StatusCode::BAD_REQUEST,
            &format!("'{ADDRESS}' address in closed only mode"),
        ),
        Fault::CancelOnly => err(
            StatusCode::SERVICE_UNAVAILABLE,
            "Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.",
        ),
        Fault::TradingDisabled => err(
            StatusCode::SERVICE_UNAVAILABLE,
            "Trading is currently disabled. Check polymarket.com for updates",
        ),
        Fault::VersionMismatch => err(StatusCode::BAD_REQUEST, "order_version_mismatch"),
        Fault::Refused(text) => err(StatusCode::BAD_REQUEST, text),
        Fault::Geoblocked => err(
            StatusCode::FORBIDDEN,
            "Trading restricted in your region, please refer to available regions - https://docs.polymarket.com/developers/CLOB/geoblock",
        ),
        _ => return None,
    })
}

fn cancel_hashes(s: &Shared, hashes: &[String]) -> Value {
    let mut inner = s.inner.lock().unwrap();
    let mut canceled = Vec::new();
    let mut not = BTreeMap::new();
    for h in hashes {
        match inner.ledger.iter_mut().find(|o| &o.hash == h) {
            // LIVE, or a status the exchange may add (not an ended one).
            Some(o) if !o.status.starts_with("CANCELED") && o.status != "MATCHED" => {
                o.set_status("CANCELED");
                canceled.push(h.clone());
            },
            Some(o) => {
                not.insert(
                    h.clone(),
                    format!("the order is already {}", o.status.to_lowercase()),
                );
            },
            None => {
                not.insert(h.clone(), "order not found".to_owned());
            },
        }
    }
    json!({"canceled": canceled, "not_canceled": not})
}

async fn cancel_order(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.counters.cancels.fetch_add(1, Ordering::SeqCst);
    if let Err(r) = check_l2(&s, &method, &uri, &headers, &body) {
        return r;
    }
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let id = v["orderID"].as_str().unwrap_or("").to_owned();
    let answer = cancel_hashes(&s, &[id]);
    sync_book(&s);
    Json(answer).into_response()
}

async fn cancel_orders(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.counters.batch_cancels.fetch_add(1, Ordering::SeqCst);
    if let Err(r) = check_l2(&s, &method, &uri, &headers, &body) {
        return r;
    }
    let ids: Vec<String> = serde_json::from_slice(&body).unwrap_or_default();
    let answer = cancel_hashes(&s, &ids);
    sync_book(&s);
    Json(answer).into_response()
}

/// `GET /balance-allowance` (L2; the HMAC covers the path without the
/// query): the collateral, or a token's shares, in base units (6
/// decimals), with the exchange contracts' allowances, in the shape of the
/// official clients' `BalanceAllowanceResponse`.
async fn balance_allowance(
    State(s): State<Shared>,
    Query(query): Query<BTreeMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_l2(&s, &method, &uri, &headers, b"") {
        return r;
    }
    s.counters.balance_reads.fetch_add(1, Ordering::SeqCst);
    let mut inner = s.inner.lock().unwrap();
    let (balance, blocked) = match query.get("asset_type").map(String::as_str) {
        Some("COLLATERAL") => (
            inner
                .report_collateral
                .take()
                .or(inner.collateral)
                .unwrap_or(Decimal::from(1_000_000)),
            inner.no_collateral_allowance,
        ),
        Some("CONDITIONAL") => match query.get("token_id") {
            Some(token) => (
                inner.shares.get(token).copied().unwrap_or_default(),
                inner.no_shares_allowance,
            ),
            None => {
                return err(
                    StatusCode::BAD_REQUEST,
                    "token_id is required for CONDITIONAL",
                )
            },
        },
        _ => return err(StatusCode::BAD_REQUEST, "invalid asset_type"),
    };
    let units = (balance * Decimal::from(1_000_000))
        .trunc()
        .max(Decimal::ZERO);
    let allowance = if blocked {
        "0".to_owned()
    } else {
        "115792089237316195423570985008687907853269984665640564039457584007913129639935".to_owned()
    };
    Json(json!({
        "balance": units.to_string(),
        "allowances": {
            "0xE111180000d2663C0091e4f400237545B87B996B": allowance,
            "0xe2222d279d744050d28e00520010520000310F59": allowance,
        },
    }))
    .into_response()
}

/// `GET /clob-markets/{condition_id}`: the market's tokens and fee
/// parameters, in the documented shape.
async fn clob_market(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    if id != MARKET {
        return err(StatusCode::NOT_FOUND, "market not found");
    }
    let (r, e, to) = s.inner.lock().unwrap().fees.unwrap_or((0.02, 2, true));
    Json(json!({
        "gst": "2023-11-07T05:31:56Z", "r": {}, "t": [{"t": TOKEN, "o": "Yes"}],
        "mos": 5, "mts": 0.01, "mbf": 0, "tbf": 0, "rfqe": true, "itode": true, "ibce": true,
        "fd": {"r": r, "e": e, "to": to}, "oas": 123,
    }))
    .into_response()
}

/// `GET /markets/{condition_id}`: the market's status and tokens, in the
/// shape of `markets_page_first.fixture.json`'s entries.
async fn market(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    if id != MARKET {
        return err(StatusCode::NOT_FOUND, "market not found");
    }
    let inner = s.inner.lock().unwrap();
    let winner = |token: &str| inner.winner.as_deref() == Some(token);
    Json(json!({
        "enable_order_book": true, "active": !inner.market_closed,
        "closed": inner.market_closed, "archived": false,
        "accepting_orders": !inner.market_closed && !inner.market_not_accepting,
        "minimum_order_size": "5", "minimum_tick_size": "0.01",
        "condition_id": MARKET, "question_id": "q_1", "question": "Will it?",
        "market_slug": "will-it", "neg_risk": false,
        "tokens": [
            {"token_id": TOKEN, "outcome": "Yes", "price": "0.5", "winner": winner(TOKEN)},
            {"token_id": NO_TOKEN, "outcome": "No", "price": "0.5", "winner": winner(NO_TOKEN)},
        ],
    }))
    .into_response()
}

/// `POST /v1/heartbeats` (L2): `{"heartbeat_id": null | ID}`. The first
/// starts the switch; each one must carry the ID the last answer gave, else
/// 400 names the current one (as the real exchange answers).
async fn heartbeat(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = check_l2(&s, &method, &uri, &headers, &body) {
        return r;
    }
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let given = v["heartbeat_id"].as_str().map(str::to_owned);
    let mut inner = s.inner.lock().unwrap();
    if inner.refuse_heartbeats {
        return err(StatusCode::SERVICE_UNAVAILABLE, "heartbeats unavailable");
    }
    if let Some((current, _)) = &inner.heartbeat {
        if given.as_deref() != Some(current.as_str()) {
            let current = current.clone();
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "Invalid Heartbeat ID", "heartbeat_id": current})),
            )
                .into_response();
        }
    }
    inner.heartbeats += 1;
    let next = format!("hb-{:08}", inner.heartbeats);
    inner.heartbeat = Some((next.clone(), std::time::Instant::now()));
    Json(json!({"heartbeat_id": next})).into_response()
}

/// Cancels every LIVE order once heartbeats have started and none came
/// within the limit, as the exchange's dead-man's switch does.
async fn dead_mans_switch(s: Shared) {
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut inner = s.inner.lock().unwrap();
        // GTD orders leave the book at their expiration.
        let now = now_secs();
        for o in inner
            .ledger
            .iter_mut()
            .filter(|o| o.status == "LIVE" && o.expiration > 0 && now >= o.expiration)
        {
            o.set_status("CANCELED");
        }
        let limit = inner.heartbeat_limit.unwrap_or(Duration::from_secs(10));
        if inner
            .heartbeat
            .as_ref()
            .is_some_and(|(_, at)| at.elapsed() > limit)
        {
            inner.heartbeat = None;
            inner.heartbeat_expiries += 1;
            for o in inner.ledger.iter_mut().filter(|o| o.status == "LIVE") {
                o.set_status("CANCELED");
            }
        }
        drop(inner);
        sync_book(&s);
    }
}

/// Delays each answer by the round trip set with `set_round_trip`.
async fn round_trip(
    State(s): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    s.counters.requests.fetch_add(1, Ordering::SeqCst);
    let delay = s.inner.lock().unwrap().round_trip;
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    next.run(request).await
}

async fn cancel_all(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = check_l2(&s, &method, &uri, &headers, &body) {
        return r;
    }
    let ids: Vec<String> = s
        .inner
        .lock()
        .unwrap()
        .ledger
        .iter()
        .filter(|o| o.status == "LIVE")
        .map(|o| o.hash.clone())
        .collect();
    let answer = cancel_hashes(&s, &ids);
    sync_book(&s);
    Json(answer).into_response()
}

fn order_json(o: &LedgerOrder) -> Value {
    json!({
        "id": o.hash, "status": o.status, "owner": API_KEY, "maker_address": ADDRESS,
        "market": MARKET, "asset_id": o.token, "side": o.side.to_lowercase(),
        "original_size": o.size.to_string(), "size_matched": o.matched.to_string(),
        "price": o.price.to_string(), "associate_trades": [], "outcome": "YES",
        "created_at": o.created, "expiration": "0", "order_type": "GTC",
    })
}

async fn get_order(
    State(s): State<Shared>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    s.counters.lookups.fetch_add(1, Ordering::SeqCst);
    if let Err(r) = check_l2(&s, &method, &uri, &headers, b"") {
        return r;
    }
    let delay = s.inner.lock().unwrap().lookup_delay;
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let inner = s.inner.lock().unwrap();
    match inner.ledger.iter().find(|o| o.hash == id) {
        Some(o) => Json(order_json(o)).into_response(),
        None => (StatusCode::OK, "null").into_response(),
    }
}

async fn open_orders(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_l2(&s, &method, &uri, &headers, b"") {
        return r;
    }
    let inner = s.inner.lock().unwrap();
    let data: Vec<Value> = inner
        .ledger
        .iter()
        .filter(|o| o.status == "LIVE")
        .map(order_json)
        .collect();
    Json(json!({"data": data, "limit": 500, "count": data.len(), "next_cursor": "LTE="}))
        .into_response()
}

async fn trades(
    State(s): State<Shared>,
    Query(query): Query<BTreeMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_l2(&s, &method, &uri, &headers, b"") {
        return r;
    }
    s.counters.trade_polls.fetch_add(1, Ordering::SeqCst);
    let after: i64 = query.get("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let inner = s.inner.lock().unwrap();
    let data: Vec<Value> = inner
        .trades
        .iter()
        .filter(|t| {
            t["match_time"]
                .as_str()
                .and_then(|m| m.parse::<i64>().ok())
                .unwrap_or(0)
                >= after
        })
        .cloned()
        .collect();
    // Two pages when there is more than one trade: the client must follow next_cursor.
    let cursor = query.get("next_cursor").cloned().unwrap_or_default();
    let (page, next) = if data.len() > 1 && cursor != "page2" {
        (data[..1].to_vec(), "page2")
    } else if cursor == "page2" {
        (data[1..].to_vec(), "LTE=")
    } else {
        (data, "LTE=")
    };
    Json(json!({"data": page, "limit": 1, "count": 1, "next_cursor": next})).into_response()
}

async fn ws_user(State(s): State<Shared>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| ws_user_session(s, socket))
}

/// The user channel: the subscription must carry the right API credentials;
/// then every trade the fake records is announced.
async fn ws_user_session(s: Shared, mut socket: WebSocket) {
    let mut pushes = s.user_ws.subscribe();
    let mut subscribed = false;
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if text.as_str() == "PING" {
                        if !s.inner.lock().unwrap().ws_silent {
                            let _ = socket.send(Message::Text("PONG".into())).await;
                        }
                        continue;
                    }
                    let v: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                    let auth = &v["auth"];
                    if v["type"] == "user"
                        && auth["apiKey"] == API_KEY
                        && auth["secret"] == API_SECRET
                        && auth["passphrase"] == PASSPHRASE
                    {
                        subscribed = true;
                        s.counters.user_subscriptions.fetch_add(1, Ordering::SeqCst);
                    } else {
                        s.inner
                            .lock()
                            .unwrap()
                            .refused_auth
                            .push("user websocket: wrong or missing auth".to_owned());
                        let _ = socket.send(Message::Close(None)).await;
                        return;
                    }
                },
                Some(Ok(_)) => {},
                _ => return,
            },
            pushed = pushes.recv() => match pushed {
                Ok(text) if subscribed => {
                    let _ = socket.send(Message::Text(text.into())).await;
                },
                Ok(_) => {},
                Err(_) => return,
            },
        }
    }
}

async fn ws_market(State(s): State<Shared>, upgrade: WebSocketUpgrade) -> Response {
    if s.inner.lock().unwrap().ws_refuse {
        return err(StatusCode::SERVICE_UNAVAILABLE, "websocket unavailable");
    }
    upgrade.on_upgrade(move |socket| ws_session(s, socket))
}

async fn ws_session(s: Shared, mut socket: WebSocket) {
    let mut pushes = s.ws.subscribe();
    let mut custom = false;
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if text.as_str() == "PING" {
                        if !s.inner.lock().unwrap().ws_silent {
                            let _ = socket.send(Message::Text("PONG".into())).await;
                        }
                        continue;
                    }
                    let v: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                    if v["type"] == "market" && v["initial_dump"] == true {
                        s.counters.subscriptions.fetch_add(1, Ordering::SeqCst);
                        custom = v["custom_feature_enabled"] == true;
                        if custom {
                            s.inner.lock().unwrap().custom_subscriptions += 1;
                        }
                        let dump = Value::Array(vec![book_json(&s.inner.lock().unwrap())]);
                        let _ = socket.send(Message::Text(dump.to_string().into())).await;
                    }
                },
                Some(Ok(_)) => {},
                _ => return,
            },
            pushed = pushes.recv() => match pushed {
                Ok(text) if text == "__close__" => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                },
                Ok(text) => {
                    // Custom-feature messages reach only those who asked.
                    let text = match text.strip_prefix("__custom__") {
                        Some(_) if !custom => continue,
                        Some(rest) => rest.to_owned(),
                        None => text,
                    };
                    if !s.inner.lock().unwrap().ws_silent {
                        let _ = socket.send(Message::Text(text.into())).await;
                    }
                },
                Err(_) => return,
            },
        }
    }
}
