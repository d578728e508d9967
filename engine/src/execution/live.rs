//! The live venue: signed orders on the Polymarket CLOB, never lost, never doubled.
//!
//! - Each order is signed, then **stored with its hash before it is posted**.
//! - Rate limits (429) and matching-engine restarts (425) are retried with
//!   backoff and jitter, honouring `Retry-After`, re-posting the **same signed
//!   body** (same hash), never a new signature.
//! - When the outcome is unknown (timeout, network error, 5xx), the venue asks
//!   the exchange for that hash and settles from the answer; only an order the
//!   exchange does not know is posted again, again with the same body.
//! - `INVALID_ORDER_DUPLICATED` means "already there": it is looked up and settled.
//! - Cancel-only mode refuses new orders until the exchange leaves it.
//! - Every post has an overall deadline (`exchange.order_deadline`, retries
//!   and waits included). An order whose outcome is still unknown then is
//!   given up on as [`OrderEvent::Unsettled`] (the core learns its hash, so a
//!   cancel reaches it), stays `pending` in the database and is settled by
//!   [`LiveVenue::settle_pending`] (and at the next start by reconciliation).
//! - A cancel and the sweeper's look-up-and-re-post of the same order take
//!   one per-order guard, and the sweeper re-reads the order under it: an
//!   order cancelled meanwhile is never posted again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Mutex;

use super::{CancelRequest, Venue};
use crate::clock::Clock;
use crate::exchange::ratelimit::Backoff;
use crate::exchange::types::OpenOrder;
use crate::exchange::{ClobClient, ExchangeError};
use crate::orders::build::{build_signed, random_salt, OrderRequest, OrderType, Signer};
use crate::orders::{ClientOrderId, OrderHash, OrderIntent, OrderStatus, TokenId};
use crate::storage::{OrderRecord, Store};
use crate::trading::OrderEvent;

/// How many times one order is tried before it is left to reconciliation.
const MAX_ATTEMPTS: u32 = 6;

/// One async mutex per order that a cancel or the sweeper is working on,
/// removed when nobody holds or waits for it.
#[derive(Debug, Default)]
struct OrderGuards(std::sync::Mutex<BTreeMap<ClientOrderId, Arc<Mutex<()>>>>);

/// Held while a cancel or the sweeper works on one order.
struct OrderGuard<'a> {
    guards: &'a OrderGuards,
    id: ClientOrderId,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl OrderGuards {
    async fn lock(&self, id: &ClientOrderId) -> OrderGuard<'_> {
        let mutex = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(id.clone())
            .or_default()
            .clone();
        OrderGuard {
            guards: self,
            id: id.clone(),
            guard: Some(mutex.lock_owned().await),
        }
    }
}

impl Drop for OrderGuard<'_> {
    fn drop(&mut self) {
        let mut map = self
            .guards
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(guard) = self.guard.take() {
            let mutex = tokio::sync::OwnedMutexGuard::mutex(&guard).clone();
            drop(guard);
            // Ours and the map's: nobody else holds or waits for it.
            if Arc::strong_count(&mutex) == 2 {
                map.remove(&self.id);
            }
        }
    }
}

/// What the exchange says of an order we looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Resting (possibly partly filled).
    Open,
    /// Completely filled.
    Filled,
    /// Cancelled.
    Cancelled,
    /// The exchange does not know it.
    Unknown,
    /// A status this release does not know: logged, looked up again, and
    /// cancelled to be sure (never taken as resting forever).
    Unrecognised(String),
}

/// Maps an exchange order status to ours.
pub fn settle_status(order: &OpenOrder) -> Settled {
    match order.status.to_ascii_uppercase().as_str() {
        "LIVE" | "DELAYED" | "UNMATCHED" => Settled::Open,
        "MATCHED" if order.size_matched >= order.original_size => Settled::Filled,
        "MATCHED" => Settled::Open,
        "CANCELED" | "CANCELLED" | "CANCELED_MARKET_RESOLVED" => Settled::Cancelled,
        _ => Settled::Unrecognised(order.status.clone()),
    }
}

/// Trading on the CLOB.
#[derive(Debug)]
pub struct LiveVenue {
    client: ClobClient,
    signer: Signer,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    backoff: Backoff,
    neg_risk: Mutex<BTreeMap<TokenId, bool>>,
    /// While set, the exchange is in cancel-only mode: new orders are refused
    /// here instead of being posted.
    cancel_only_until: std::sync::Mutex<Option<std::time::Instant>>,
    /// The exchange's dead-man's switch: nothing is posted while it is not armed.
    heartbeat: Option<Arc<crate::heartbeat::HeartbeatStatus>>,
    /// Quotes are GTD and expire this long after they are placed.
    quote_ttl: Option<Duration>,
    /// How long one post may take, retries included.
    order_deadline: Duration,
    /// Cancels and the sweeper never work on one order at once.
    guards: OrderGuards,
}

impl LiveVenue {
    /// A venue posting through `client`, signing with `signer`.
    pub fn new(
        client: ClobClient,
        signer: Signer,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            client,
            signer,
            store,
            clock,
            backoff: Backoff::default(),
            neg_risk: Mutex::new(BTreeMap::new()),
            cancel_only_until: std::sync::Mutex::new(None),
            heartbeat: None,
            quote_ttl: None,
            order_deadline: Duration::from_secs(30),
            guards: OrderGuards::default(),
        }
    }

    /// Starts with each token's neg-risk flag already known (read before
    /// trading, so the first order does not wait for it).
    pub fn with_neg_risk(self, known: BTreeMap<TokenId, bool>) -> Self {
        Self {
            neg_risk: Mutex::new(known),
            ..self
        }
    }

    /// Gives up on a post whose outcome is unknown after `deadline`.
    pub fn with_order_deadline(mut self, deadline: Duration) -> Self {
        self.order_deadline = deadline;
        self
    }

    /// Quotes as GTD orders expiring `ttl` after they are placed (`None`: GTC).
    pub fn with_quote_ttl(mut self, ttl: Option<Duration>) -> Self {
        self.quote_ttl = ttl;
        self
    }

    /// Posts only while the exchange's dead-man's switch is armed.
    pub fn with_heartbeat(
        mut self,
        status: Option<Arc<crate::heartbeat::HeartbeatStatus>>,
    ) -> Self {
        self.heartbeat = status;
        self
    }

    /// The REST client (for the trade poller and reconciliation).
    pub fn client(&self) -> &ClobClient {
        &self.client
    }

    /// Uses another backoff (tests use short ones).
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    async fn is_neg_risk(&self, token: &TokenId) -> bool {
        if let Some(known) = self.neg_risk.lock().await.get(token) {
            return *known;
        }
        match self.client.neg_risk(token.as_str()).await {
            Ok(value) => {
                self.neg_risk.lock().await.insert(token.clone(), value);
                value
            },
            Err(e) => {
                tracing::warn!(error = %e, token = %token, "cannot read neg-risk; signing for the standard exchange");
                false
            },
        }
    }

    async fn set_status(
        &self,
        client_id: &ClientOrderId,
        status: OrderStatus,
        error: Option<String>,
    ) {
        super::record_status(
            self.store.as_ref(),
            self.clock.as_ref(),
            client_id,
            status,
            error,
        )
        .await;
    }

    async fn settle(
        &self,
        client_id: &ClientOrderId,
        hash: &OrderHash,
        settled: Settled,
    ) -> Vec<OrderEvent> {
        match settled {
            Settled::Open | Settled::Filled => {
                // Fills are applied from the trade feed; here the order is on the book.
                self.set_status(client_id, OrderStatus::Open, None).await;
                vec![OrderEvent::Accepted {
                    client_id: client_id.clone(),
                    hash: hash.clone(),
                }]
            },
            Settled::Cancelled => {
                self.set_status(client_id, OrderStatus::Cancelled, None)
                    .await;
                vec![OrderEvent::Cancelled {
                    client_id: client_id.clone(),
                }]
            },
            Settled::Unknown => Vec::new(),
            Settled::Unrecognised(status) => {
                tracing::warn!(client_id = %client_id, hash = %hash, %status, "the exchange gives this order a status this release does not know; it stays pending and is looked up again (and cancelled to be sure)");
                vec![self.unsettled(client_id, hash)]
            },
        }
    }

    /// An order whose status this release does not know: it is cancelled on
    /// the exchange (it may rest) and looked up again; settled cancelled
    /// once the exchange says so, or when the exchange's open orders do not
    /// list it (`rests` false: it is not resting, whatever its status says);
    /// else looked up again at the next check.
    async fn resolve_unrecognised(
        &self,
        client_id: &ClientOrderId,
        hash: &OrderHash,
        status: &str,
        rests: bool,
    ) -> Vec<OrderEvent> {
        tracing::warn!(client_id = %client_id, hash = %hash, status, "an order has a status this release does not know; cancelling it to be sure, then looking it up again");
        if let Err(e) = self.client.cancel_order(hash.as_str()).await {
            tracing::warn!(error = %e, hash = %hash, "cannot cancel the order of unknown status yet; looked up again at the next check");
            return Vec::new();
        }
        match self.look_up(hash).await {
            Ok(Settled::Cancelled | Settled::Unknown) => {
                self.settle(client_id, hash, Settled::Cancelled).await
            },
            Ok(Settled::Filled) => vec![OrderEvent::Cancelled {
                client_id: client_id.clone(),
            }],
            Ok(Settled::Unrecognised(_)) if !rests => {
                tracing::warn!(client_id = %client_id, hash = %hash, status, "the exchange does not list the order of unknown status as open; settled as ended");
                self.settle(client_id, hash, Settled::Cancelled).await
            },
            _ => Vec::new(),
        }
    }

    async fn reject(&self, client_id: &ClientOrderId, reason: String) -> Vec<OrderEvent> {
        tracing::warn!(client_id = %client_id, %reason, "order rejected");
        self.set_status(client_id, OrderStatus::Failed, Some(reason.clone()))
            .await;
        vec![OrderEvent::Rejected {
            client_id: client_id.clone(),
            reason,
        }]
    }

    /// Asks the exchange about a hash.
    async fn look_up(&self, hash: &OrderHash) -> Result<Settled, ExchangeError> {
        Ok(match self.client.order(hash.as_str()).await? {
            Some(order) => settle_status(&order),
            None => Settled::Unknown,
        })
    }

    /// Posts a stored, signed body until its outcome is known, or until
    /// `exchange.order_deadline` has passed: then it is given up on as
    /// [`OrderEvent::Unsettled`] and left pending for the sweeper.
    async fn submit(
        &self,
        client_id: &ClientOrderId,
        hash: &OrderHash,
        body: &str,
    ) -> Vec<OrderEvent> {
        let deadline = self.order_deadline;
        match tokio::time::timeout(deadline, self.submit_until_known(client_id, hash, body)).await {
            Ok(Some(events)) => events,
            Ok(None) => {
                tracing::warn!(client_id = %client_id, hash = %hash, "order outcome still unknown after {MAX_ATTEMPTS} attempts; left pending, the sweeper settles it");
                vec![self.unsettled(client_id, hash)]
            },
            Err(_) => {
                tracing::warn!(client_id = %client_id, hash = %hash, ?deadline, "order outcome unknown at exchange.order_deadline; given up on and left pending, the sweeper settles it");
                vec![self.unsettled(client_id, hash)]
            },
        }
    }

    fn unsettled(&self, client_id: &ClientOrderId, hash: &OrderHash) -> OrderEvent {
        OrderEvent::Unsettled {
            client_id: client_id.clone(),
            hash: Some(hash.clone()),
        }
    }

    /// The retry loop of [`Self::submit`]; `None` when the outcome is still
    /// unknown after [`MAX_ATTEMPTS`].
    async fn submit_until_known(
        &self,
        client_id: &ClientOrderId,
        hash: &OrderHash,
        body: &str,
    ) -> Option<Vec<OrderEvent>> {
        let mut attempt = 0u32;
        loop {
            if attempt >= MAX_ATTEMPTS {
                return None;
            }
            let result = self.client.post_order(body).await;
            let (error, wait) = match result {
                Ok(response) => {
                    return Some(self.post_answered(client_id, hash, response).await);
                },
                Err(ExchangeError::Rejected { message, .. })
                    if message.contains("INVALID_ORDER_DUPLICATED") =>
                {
                    return Some(self.already_there(client_id, hash).await);
                },
                Err(ExchangeError::Unavailable {
                    cancel_only: true,
                    message,
                    retry_after,
                    ..
                }) => {
                    let pause = retry_after.unwrap_or(Duration::from_secs(5));
                    *self
                        .cancel_only_until
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) =
                        Some(std::time::Instant::now() + pause);
                    return Some(
                        self.reject(client_id, format!("cancel-only mode: {message}"))
                            .await,
                    );
                },
                // Trading disabled on the exchange: not a wait-and-retry
                // matter; refused, so the engine halts and says why.
                Err(e @ ExchangeError::Unavailable { .. })
                    if e.to_string().to_ascii_lowercase().contains("disabled") =>
                {
                    return Some(self.reject(client_id, e.to_string()).await);
                },
                Err(e) if e.is_retryable() => {
                    let wait = self.backoff.delay(attempt, e.retry_after());
                    tracing::info!(error = %e, ?wait, attempt, "order not taken; retrying the same signed order");
                    (e, wait)
                },
                Err(e) if e.outcome_unknown() || matches!(e, ExchangeError::Decode(_)) => {
                    tracing::warn!(error = %e, hash = %hash, "order outcome unknown; asking the exchange");
                    match self.look_up(hash).await {
                        Ok(Settled::Unknown) => {},
                        Ok(settled) => return Some(self.settle(client_id, hash, settled).await),
                        Err(lookup) => {
                            tracing::warn!(error = %lookup, "lookup failed; will ask again");
                        },
                    }
                    let wait = self.backoff.delay(attempt, None);
                    (e, wait)
                },
                Err(e) => return Some(self.reject(client_id, e.to_string()).await),
            };
            let _ = error;
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn already_there(&self, client_id: &ClientOrderId, hash: &OrderHash) -> Vec<OrderEvent> {
        tracing::info!(hash = %hash, "the exchange already has this order (duplicate); settling from its state");
        match self.look_up(hash).await {
            Ok(Settled::Unknown) | Err(_) => self.settle(client_id, hash, Settled::Open).await,
            Ok(settled) => self.settle(client_id, hash, settled).await,
        }
    }

    /// After a halt (and at shutdown): cancels every order of the account on
    /// the exchange (`DELETE /cancel-all`), then lists its open orders until
    /// none is left, up to `attempts` times a second apart. `Ok` when the
    /// exchange confirms nothing of ours rests; `Err` says how many still do.
    pub async fn cancel_all_and_confirm(&self, attempts: u32) -> Result<(), String> {
        let mut last = String::new();
        for attempt in 0..attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            match self.client.cancel_all().await {
                Ok(_) => {},
                // Cancel-all costs one signer token per order it cancels: past
                // the tier's burst the exchange refuses it whole. The open
                // orders are cancelled in batches instead.
                Err(ExchangeError::RateLimited { .. }) => {
                    if let Err(e) = self.cancel_listed().await {
                        last = format!(
                            "cancel-all refused (rate limit) and batch cancels failed: {e}"
                        );
                        continue;
                    }
                },
                Err(e) => {
                    last = format!("cancel-all failed: {e}");
                    continue;
                },
            }
            match self.client.open_orders().await {
                Ok(open) => {
                    let resting = open
                        .iter()
                        .filter(|o| settle_status(o) == Settled::Open)
                        .count();
                    if resting == 0 {
                        return Ok(());
                    }
                    last = format!("{resting} order(s) still open on the exchange");
                },
                Err(e) => last = format!("cannot list open orders: {e}"),
            }
        }
        Err(last)
    }

    /// Cancels every open order the exchange lists, 50 a request.
    async fn cancel_listed(&self) -> Result<(), ExchangeError> {
        let open: Vec<String> = self
            .client
            .open_orders()
            .await?
            .into_iter()
            .filter(|o| settle_status(o) == Settled::Open)
            .map(|o| o.id)
            .collect();
        for chunk in open.chunks(50) {
            self.client.cancel_orders(chunk).await?;
        }
        Ok(())
    }

    /// The safety net for changes made on the exchange while running (an
    /// order cancelled from the web UI, by the dead-man's switch, or when its
    /// market closed): every stored `open` order older than `min_age` that
    /// the exchange no longer lists as open is looked up and settled, so the
    /// core forgets what no longer rests; and an order the exchange lists
    /// that is stored as finished is cancelled. Returns the events.
    pub async fn check_open(&self, min_age: Duration) -> Vec<OrderEvent> {
        let stored = match self.store.orders_with_status(&[OrderStatus::Open]).await {
            Ok(o) => o,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read open orders to check them");
                return Vec::new();
            },
        };
        let now = self.clock.now_ms();
        let stored: Vec<_> = stored
            .into_iter()
            .filter(|o| o.mode == "live" && o.order_hash.is_some())
            .collect();
        let min_age_ms = i64::try_from(min_age.as_millis()).unwrap_or(0);
        let (listed, any_status): (
            std::collections::BTreeSet<String>,
            std::collections::BTreeSet<String>,
        ) = match self.client.open_orders().await {
            Ok(open) => (
                open.iter()
                    .filter(|o| settle_status(o) == Settled::Open)
                    .map(|o| o.id.to_ascii_lowercase())
                    .collect(),
                open.iter().map(|o| o.id.to_ascii_lowercase()).collect(),
            ),
            Err(e) => {
                tracing::warn!(error = %e, "cannot list open orders on the exchange; checked again later");
                return Vec::new();
            },
        };
        let stored_open: std::collections::BTreeSet<String> = stored
            .iter()
            .filter_map(|o| o.order_hash.as_ref())
            .map(|h| h.as_str().to_ascii_lowercase())
            .collect();
        let unexpected: std::collections::BTreeSet<String> =
            listed.difference(&stored_open).cloned().collect();
        self.cancel_orphans(&unexpected).await;
        let mut events = Vec::new();
        for order in stored
            .into_iter()
            .filter(|o| now - o.updated_at_ms >= min_age_ms)
        {
            let Some(hash) = &order.order_hash else {
                continue;
            };
            if listed.contains(&hash.as_str().to_ascii_lowercase()) {
                continue;
            }
            match self.look_up(hash).await {
                Ok(Settled::Cancelled) => {
                    tracing::warn!(client_id = %order.client_id, hash = %hash, "an order was cancelled on the exchange's side");
                    events.extend(
                        self.settle(&order.client_id, hash, Settled::Cancelled)
                            .await,
                    );
                },
                Ok(Settled::Unrecognised(status)) => {
                    let rests = any_status.contains(&hash.as_str().to_ascii_lowercase());
                    events.extend(
                        self.resolve_unrecognised(&order.client_id, hash, &status, rests)
                            .await,
                    );
                },
                // Filled: the trade poller brings the fills, which close it.
                Ok(_) => {},
                Err(e) => {
                    tracing::warn!(error = %e, hash = %hash, "cannot check an open order yet");
                },
            }
        }
        events
    }

    /// Settles stored `pending` orders older than `min_age` by asking the
    /// exchange. With `repost`, an order the exchange does not know is posted
    /// again with its stored body (the same hash; a duplicate is harmless);
    /// without it (woken by a placement on the user channel, when the
    /// executor may still be posting) only what the exchange knows is settled.
    /// Each order is handled under its guard and read again under it, so one
    /// cancelled meanwhile is left alone.
    pub async fn settle_pending(&self, min_age: Duration, repost: bool) -> Vec<OrderEvent> {
        let pending = match self.store.orders_with_status(&[OrderStatus::Pending]).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "cannot read pending orders");
                return Vec::new();
            },
        };
        let now = self.clock.now_ms();
        let min_age_ms = i64::try_from(min_age.as_millis()).unwrap_or(i64::MAX);
        let mut events = Vec::new();
        for order in pending
            .into_iter()
            .filter(|o| o.mode == "live" && now - o.updated_at_ms >= min_age_ms)
        {
            let (Some(hash), Some(body)) = (&order.order_hash, &order.signed_order) else {
                continue;
            };
            let _guard = self.guards.lock(&order.client_id).await;
            match self.store.order(&order.client_id).await {
                Ok(Some(now)) if now.status == OrderStatus::Pending => {},
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, client_id = %order.client_id, "cannot read a pending order again; settled later");
                    continue;
                },
            }
            match self.look_up(hash).await {
                Ok(Settled::Unknown) if repost => {
                    tracing::info!(client_id = %order.client_id, hash = %hash, "a pending order the exchange does not know; posting its stored body again");
                    events.extend(self.submit(&order.client_id, hash, body).await);
                },
                Ok(Settled::Unknown) => {},
                Ok(Settled::Unrecognised(status)) => events.extend(
                    self.resolve_unrecognised(&order.client_id, hash, &status, true)
                        .await,
                ),
                Ok(settled) => events.extend(self.settle(&order.client_id, hash, settled).await),
                Err(e) => {
                    tracing::warn!(error = %e, hash = %hash, "cannot settle a pending order yet");
                },
            }
        }
        events
    }

    /// What a cancel's answer means for one order: cancelled, or (not in
    /// the answer's cancelled list: filled, already cancelled, unknown) what
    /// a look-up says.
    async fn cancel_answered(
        &self,
        client_id: &ClientOrderId,
        hash: &OrderHash,
        cancelled: bool,
    ) -> Vec<OrderEvent> {
        if cancelled {
            return self.settle(client_id, hash, Settled::Cancelled).await;
        }
        match self.look_up(hash).await {
            Ok(Settled::Unknown) => self.settle(client_id, hash, Settled::Cancelled).await,
            Ok(Settled::Filled) => vec![OrderEvent::Cancelled {
                client_id: client_id.clone(),
            }],
            Ok(settled) => self.settle(client_id, hash, settled).await,
            Err(_) => Vec::new(),
        }
    }

    /// What the exchange answered for one posted order (alone, or as an
    /// entry of a batch's answer).
    async fn post_answered(
        &self,
        client_id: &ClientOrderId,
        hash: &OrderHash,
        response: crate::exchange::types::PostOrderResponse,
    ) -> Vec<OrderEvent> {
        if response.success {
            if !response.order_id.is_empty()
                && !response.order_id.eq_ignore_ascii_case(hash.as_str())
            {
                tracing::error!(ours = %hash, theirs = %response.order_id, "the exchange's order ID differs from our hash");
            }
            return self.settle(client_id, hash, Settled::Open).await;
        }
        if response.error_msg.contains("INVALID_ORDER_DUPLICATED") {
            return self.already_there(client_id, hash).await;
        }
        let reason = if response.error_msg.is_empty() {
            format!(
                "the exchange did not accept the order (status {:?})",
                response.status
            )
        } else {
            response.error_msg
        };
        self.reject(client_id, reason).await
    }

    /// Why no order may be posted now (cancel-only mode, the dead-man's
    /// switch not armed), if so.
    fn not_now(&self) -> Option<&'static str> {
        let paused = self
            .cancel_only_until
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|until| std::time::Instant::now() < until);
        if paused {
            return Some("not sent: the exchange is in cancel-only mode");
        }
        if self
            .heartbeat
            .as_ref()
            .is_some_and(|h| !h.armed(self.clock.now_ms()))
        {
            return Some(
                "not sent: the exchange's dead-man's switch is not armed (heartbeats are failing)",
            );
        }
        None
    }

    /// Signs an order and stores it with its hash (the invariant: stored
    /// before it is posted); the hash and the exact body, or why not.
    async fn sign_and_store(&self, intent: &OrderIntent) -> Result<(OrderHash, String), String> {
        let neg_risk = self.is_neg_risk(&intent.token_id).await;
        let request = OrderRequest {
            token_id: intent.token_id.clone(),
            side: intent.side,
            price: intent.price,
            size: intent.size,
            tick_size: intent.tick_size,
            neg_risk,
            v3: false,
            order_type: if self.quote_ttl.is_some() {
                OrderType::Gtd
            } else {
                OrderType::Gtc
            },
            post_only: true,
            salt: random_salt(),
            timestamp_ms: self.clock.now_ms().max(0) as u64,
            expiration_secs: self
                .quote_ttl
                .map(|ttl| u64::try_from(self.clock.now_ms() / 1000).unwrap_or(0) + ttl.as_secs()),
        };
        let signed = build_signed(&request, &self.signer)
            .map_err(|e| format!("cannot build the order: {e}"))?;
        let record = OrderRecord::pending(
            intent,
            signed.hash.clone(),
            "live",
            Some(signed.json.clone()),
            self.clock.now_ms(),
        );
        if let Err(e) = self.store.insert_order(&record).await {
            tracing::error!(error = %e, "cannot persist an order; not posting it");
            return Err(format!("not sent: cannot persist the order first: {e}"));
        }
        tracing::debug!(client_id = %intent.client_id, hash = %signed.hash, "order stored; posting");
        Ok((signed.hash, signed.json))
    }

    /// Posts several stored, signed orders in one `POST /orders`; each
    /// answer is handled on its own. A request that fails as a whole is
    /// retried order by order (the same bodies: an order that did reach the
    /// exchange is found as a duplicate, never signed again).
    async fn submit_batch(
        &self,
        orders: &[(ClientOrderId, OrderHash, String)],
    ) -> Vec<Vec<OrderEvent>> {
        let bodies: Vec<String> = orders.iter().map(|(_, _, b)| b.clone()).collect();
        let posted =
            tokio::time::timeout(self.order_deadline, self.client.post_orders(&bodies)).await;
        let mut out = Vec::with_capacity(orders.len());
        match posted {
            Ok(Ok(answers)) => {
                for (i, (client_id, hash, body)) in orders.iter().enumerate() {
                    // By ID, else by position (a refused entry may carry no ID).
                    let answer = answers
                        .iter()
                        .find(|a| a.order_id.eq_ignore_ascii_case(hash.as_str()))
                        .or_else(|| {
                            (answers.len() == orders.len())
                                .then(|| &answers[i])
                                .filter(|a| a.order_id.is_empty())
                        })
                        .cloned();
                    out.push(match answer {
                        Some(a) => self.post_answered(client_id, hash, a).await,
                        None => self.submit(client_id, hash, body).await,
                    });
                }
            },
            Ok(Err(
                e @ ExchangeError::Unavailable {
                    cancel_only: true, ..
                },
            )) => {
                let pause = e.retry_after().unwrap_or(Duration::from_secs(5));
                *self
                    .cancel_only_until
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some(std::time::Instant::now() + pause);
                for (client_id, _, _) in orders {
                    out.push(
                        self.reject(client_id, format!("cancel-only mode: {e}"))
                            .await,
                    );
                }
            },
            Ok(Err(e))
                if !e.to_string().to_ascii_lowercase().contains("disabled")
                    && (e.is_retryable()
                        || e.outcome_unknown()
                        || matches!(e, ExchangeError::Decode(_))) =>
            {
                tracing::info!(error = %e, orders = orders.len(), "a batch post failed as a whole; posting its orders one by one (the same signed bodies)");
                for (client_id, hash, body) in orders {
                    out.push(self.submit(client_id, hash, body).await);
                }
            },
            Ok(Err(e)) => {
                for (client_id, _, _) in orders {
                    out.push(self.reject(client_id, e.to_string()).await);
                }
            },
            Err(_) => {
                tracing::warn!(orders = orders.len(), deadline = ?self.order_deadline, "a batch post's outcome is unknown at exchange.order_deadline; its orders are left pending for the sweeper");
                for (client_id, hash, _) in orders {
                    out.push(vec![self.unsettled(client_id, hash)]);
                }
            },
        }
        out
    }

    /// Cancels orders the exchange lists open that the database has as
    /// finished (cancelled or failed): an order of ours that rests although
    /// the engine believes it gone. Returns how many it cancelled.
    async fn cancel_orphans(&self, listed: &std::collections::BTreeSet<String>) -> usize {
        let mut cancelled = 0;
        for hash in listed {
            let hash = OrderHash(hash.clone());
            let Ok(Some(stored)) = self.store.order_by_hash(&hash).await else {
                continue;
            };
            if !matches!(stored.status, OrderStatus::Cancelled | OrderStatus::Failed) {
                continue;
            }
            tracing::error!(client_id = %stored.client_id, hash = %hash, status = stored.status.as_str(), "an order of ours rests on the exchange although it is stored as finished; cancelling it");
            let _guard = self.guards.lock(&stored.client_id).await;
            match self.client.cancel_order(hash.as_str()).await {
                Ok(r)
                    if r.canceled
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(hash.as_str())) =>
                {
                    cancelled += 1;
                },
                Ok(_) => {},
                Err(e) => {
                    tracing::warn!(error = %e, hash = %hash, "cannot cancel the orphaned order yet; tried again at the next check");
                },
            }
        }
        cancelled
    }
}

#[async_trait]
impl Venue for LiveVenue {
    async fn place(&self, intent: &OrderIntent) -> Vec<OrderEvent> {
        if let Some(why) = self.not_now() {
            return vec![OrderEvent::Rejected {
                client_id: intent.client_id.clone(),
                reason: why.to_owned(),
            }];
        }
        match self.sign_and_store(intent).await {
            Ok((hash, body)) => self.submit(&intent.client_id, &hash, &body).await,
            Err(reason) => vec![OrderEvent::Rejected {
                client_id: intent.client_id.clone(),
                reason,
            }],
        }
    }

    fn takes_batches(&self) -> bool {
        true
    }

    fn busy(&self, client_id: &ClientOrderId) -> bool {
        self.guards
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains_key(client_id)
    }

    async fn place_batch(&self, intents: &[OrderIntent]) -> Vec<Vec<OrderEvent>> {
        if let Some(why) = self.not_now() {
            return intents
                .iter()
                .map(|i| {
                    vec![OrderEvent::Rejected {
                        client_id: i.client_id.clone(),
                        reason: why.to_owned(),
                    }]
                })
                .collect();
        }
        let mut out: Vec<Vec<OrderEvent>> = vec![Vec::new(); intents.len()];
        let mut ready = Vec::new();
        let mut at = Vec::new();
        for (i, intent) in intents.iter().enumerate() {
            match self.sign_and_store(intent).await {
                Ok((hash, body)) => {
                    ready.push((intent.client_id.clone(), hash, body));
                    at.push(i);
                },
                Err(reason) => {
                    out[i] = vec![OrderEvent::Rejected {
                        client_id: intent.client_id.clone(),
                        reason,
                    }];
                },
            }
        }
        let answers = if let [(client_id, hash, body)] = ready.as_slice() {
            vec![self.submit(client_id, hash, body).await]
        } else if ready.is_empty() {
            Vec::new()
        } else {
            self.submit_batch(&ready).await
        };
        for (i, events) in at.into_iter().zip(answers) {
            out[i] = events;
        }
        out
    }

    async fn cancel_batch(&self, requests: &[CancelRequest]) -> Vec<Vec<OrderEvent>> {
        // The sweeper never re-posts these orders while (or after) they are
        // cancelled: every guard, taken in one order so two batches never
        // wait for each other.
        let mut order: Vec<usize> = (0..requests.len()).collect();
        order.sort_by(|a, b| requests[*a].client_id.cmp(&requests[*b].client_id));
        let mut guards = Vec::with_capacity(requests.len());
        for i in &order {
            guards.push(self.guards.lock(&requests[*i].client_id).await);
        }
        let mut out: Vec<Vec<OrderEvent>> = vec![Vec::new(); requests.len()];
        let mut hashes: Vec<Option<OrderHash>> = Vec::with_capacity(requests.len());
        for r in requests {
            hashes.push(match &r.hash {
                Some(h) => Some(h.clone()),
                None => self
                    .store
                    .order(&r.client_id)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|record| record.order_hash),
            });
        }
        let ids: Vec<String> = hashes
            .iter()
            .flatten()
            .map(|h| h.as_str().to_owned())
            .collect();
        if ids.is_empty() {
            return out;
        }
        for attempt in 0..4u32 {
            match self.client.cancel_orders(&ids).await {
                Ok(response) => {
                    for (i, (r, hash)) in requests.iter().zip(&hashes).enumerate() {
                        let Some(hash) = hash else { continue };
                        let cancelled = response
                            .canceled
                            .iter()
                            .any(|h| h.eq_ignore_ascii_case(hash.as_str()));
                        out[i] = self.cancel_answered(&r.client_id, hash, cancelled).await;
                    }
                    return out;
                },
                Err(e) if e.is_retryable() || e.outcome_unknown() => {
                    tokio::time::sleep(self.backoff.delay(attempt, e.retry_after())).await;
                },
                Err(e) => {
                    tracing::warn!(error = %e, orders = ids.len(), "batch cancel refused");
                    return out;
                },
            }
        }
        drop(guards);
        out
    }

    async fn cancel(&self, client_id: &ClientOrderId, hash: Option<&OrderHash>) -> Vec<OrderEvent> {
        // The sweeper never re-posts this order while (or after) it is cancelled.
        let _guard = self.guards.lock(client_id).await;
        let hash = match hash {
            Some(h) => h.clone(),
            None => match self.store.order(client_id).await {
                Ok(Some(record)) => match record.order_hash {
                    Some(h) => h,
                    None => return Vec::new(),
                },
                _ => return Vec::new(),
            },
        };
        for attempt in 0..4u32 {
            match self.client.cancel_order(hash.as_str()).await {
                Ok(response) => {
                    let cancelled = response
                        .canceled
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(hash.as_str()));
                    return self.cancel_answered(client_id, &hash, cancelled).await;
                },
                Err(e) if e.is_retryable() || e.outcome_unknown() => {
                    tokio::time::sleep(self.backoff.delay(attempt, e.retry_after())).await;
                },
                Err(e) => {
                    tracing::warn!(error = %e, hash = %hash, "cancel refused");
                    return Vec::new();
                },
            }
        }
        Vec::new()
    }
}
