//! The background tasks: the trade poller (and failed-trade reversal), the
//! pending-order sweeper, the open-orders check, the halt's confirmation, the
//! account's balances and the markets' rules, and the recording player.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::clock::Clock;
use crate::exchange::ws::{FeedStatus, RawMessage};
use crate::exchange::ClobClient;
use crate::execution::live::LiveVenue;
use crate::fees::FeeBook;
use crate::market_data::recording;
use crate::reconcile;
use crate::storage::Store;
use crate::trading::OrderEvent;

/// Polls `GET /data/trades` every `interval`, or at once when the user
/// channel says one of our orders traded (`wake`), and turns our legs into
/// fills. A fill whose trade is matched but not yet CONFIRMED is also sent as
/// pending (its bought shares are not sold yet), and as confirmed once the
/// trade is; a trade that FAILS is taken back.
pub(super) async fn poll_trades(
    client: ClobClient,
    store: Arc<dyn Store>,
    fees: Arc<FeeBook>,
    events: mpsc::UnboundedSender<OrderEvent>,
    clock: Arc<dyn Clock>,
    interval: Duration,
    wake: Arc<tokio::sync::Notify>,
    mut stop: watch::Receiver<bool>,
) {
    // Our legs of trades seen matched and not yet confirmed.
    let mut pending: std::collections::BTreeMap<(String, String), crate::storage::Fill> =
        std::collections::BTreeMap::new();
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            () = wake.notified() => {},
            _ = stop.changed() => return,
        }
        let oldest = pending.values().map(|f| f.ts_ms / 1000).min();
        let after = trades_window(clock.now_ms() / 1000, oldest);
        match client.trades_after(after).await {
            Ok(trades) => {
                for (trade_id, client_id) in reconcile::failed_legs(&trades, store.as_ref()).await {
                    pending.remove(&(trade_id.clone(), client_id.to_string()));
                    match store.reverse_fill(&trade_id, &client_id).await {
                        Ok(Some(fill)) => {
                            tracing::warn!(%client_id, %trade_id, size = %fill.size, "a matched trade failed; its fill is taken back");
                            let _ = events.send(OrderEvent::FillReversed {
                                client_id,
                                token_id: fill.token_id,
                                side: fill.side,
                                price: fill.price,
                                size: fill.size,
                                fee: fill.fee,
                            });
                        },
                        Ok(None) => {},
                        Err(e) => {
                            tracing::error!(error = %e, %trade_id, "cannot take back the fill of a failed trade");
                        },
                    }
                }
                let confirmed: std::collections::BTreeSet<&str> = trades
                    .iter()
                    .filter(|t| t.status.eq_ignore_ascii_case("CONFIRMED"))
                    .map(|t| t.id.as_str())
                    .collect();
                for fill in reconcile::fills_from_trades(&trades, store.as_ref(), &fees).await {
                    let key = (fill.trade_id.to_string(), fill.client_id.to_string());
                    let is_confirmed = confirmed.contains(key.0.as_str());
                    let _ = events.send(OrderEvent::Filled {
                        client_id: fill.client_id.clone(),
                        trade_id: fill.trade_id.to_string(),
                        price: fill.price,
                        size: fill.size,
                        fee: fill.fee,
                        ts_ms: fill.ts_ms,
                    });
                    match (is_confirmed, pending.contains_key(&key)) {
                        (false, false) => {
                            let _ = events.send(OrderEvent::FillPending {
                                token_id: fill.token_id.clone(),
                                side: fill.side,
                                size: fill.size,
                            });
                            pending.insert(key, fill);
                        },
                        (true, true) => {
                            let _ = events.send(OrderEvent::FillConfirmed {
                                token_id: fill.token_id.clone(),
                                side: fill.side,
                                size: fill.size,
                            });
                            pending.remove(&key);
                        },
                        _ => {},
                    }
                }
            },
            Err(e) => tracing::warn!(error = %e, "trade polling failed"),
        }
    }
}

/// What the account and market reads bring the main loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum AccountRead {
    /// The balances and allowances (`GET /balance-allowance`).
    Funds(crate::risk::Funds),
    /// A token's tick size and minimum order size (`GET /book`).
    Rules {
        /// The token.
        token: crate::orders::TokenId,
        /// Its tick.
        tick: rust_decimal::Decimal,
        /// Its minimum order size (0 when the book does not say).
        min_size: rust_decimal::Decimal,
    },
}

/// How the main loop asks for reads (live).
#[derive(Debug, Clone)]
pub(super) struct AccountAsks {
    /// Read the balances now (after a fill, after a funds refusal).
    pub(super) balances: Arc<tokio::sync::Notify>,
    /// Read these tokens' rules now (after a tick or size refusal).
    pub(super) rules: mpsc::UnboundedSender<MarketAsk>,
    /// The tokens held: their shares are read beside the collateral.
    pub(super) held: Arc<std::sync::Mutex<std::collections::BTreeSet<crate::orders::TokenId>>>,
}

/// Reads the collateral and, for each token held, its shares
/// (`GET /balance-allowance`): at once, every `interval`, and when woken
/// (after a fill, after a funds refusal). A read that fails is logged and
/// made again at the next turn; nothing is sent until the collateral is read.
#[allow(clippy::too_many_arguments)]
pub(super) async fn read_balances(
    client: ClobClient,
    signature_type: u8,
    held: Arc<std::sync::Mutex<std::collections::BTreeSet<crate::orders::TokenId>>>,
    interval: Duration,
    wake: Arc<tokio::sync::Notify>,
    tx: mpsc::UnboundedSender<AccountRead>,
    mut stop: watch::Receiver<bool>,
) {
    let mut failing = false;
    loop {
        // The first read is the pipeline's, before trading.
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            () = wake.notified() => {},
            _ = stop.changed() => return,
        }
        let tokens: Vec<crate::orders::TokenId> = held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect();
        match read_funds(&client, signature_type, &tokens).await {
            Ok(funds) => {
                if std::mem::replace(&mut failing, false) {
                    tracing::info!("balances read again");
                }
                if tx.send(AccountRead::Funds(funds)).is_err() {
                    return;
                }
            },
            Err(e) => {
                if !std::mem::replace(&mut failing, true) {
                    tracing::warn!(error = %e, "cannot read the balances (GET /balance-allowance); bids keep to the last balance read, tried again every risk.balance_refresh");
                }
            },
        }
    }
}

/// One read of the collateral and the shares of `tokens`.
pub(super) async fn read_funds(
    client: &ClobClient,
    signature_type: u8,
    tokens: &[crate::orders::TokenId],
) -> Result<crate::risk::Funds, crate::exchange::ExchangeError> {
    let collateral = client.balance_allowance(None, signature_type).await?;
    let mut funds = crate::risk::Funds {
        collateral: Some(collateral.units()),
        collateral_allowed: collateral.allowed(),
        shares: std::collections::BTreeMap::new(),
    };
    for token in tokens {
        let held = client
            .balance_allowance(Some(token.as_str()), signature_type)
            .await?;
        funds
            .shares
            .insert(token.clone(), (held.units(), held.allowed()));
    }
    Ok(funds)
}

/// How often each quoted token's rules are read again, besides the reads a
/// tick or size refusal asks for (the feed's `tick_size_change` comes first).
pub(super) const RULES_EVERY: Duration = Duration::from_secs(300);

/// A read the main loop asks of the market reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum MarketAsk {
    /// The token's rules (tick size, minimum order size).
    Rules(crate::orders::TokenId),
    /// The token's book: it had no market event for
    /// `market_data.max_staleness`, and its quotes are cancelled only if
    /// the exchange's book cannot be read.
    Book(crate::orders::TokenId),
}

/// Reads markets from REST (`GET /book`) when the main loop asks: a
/// token's rules (after a tick or size refusal), or its book to confirm a
/// quiet market is alive (handed to the main loop as a `book` message, as
/// the REST fallback's); and every quoted token's rules every
/// [`RULES_EVERY`]. A failed read is made again shortly.
pub(super) async fn read_markets(
    public: ClobClient,
    tokens: Vec<String>,
    mut asks: mpsc::UnboundedReceiver<MarketAsk>,
    reads: mpsc::UnboundedSender<AccountRead>,
    books: mpsc::Sender<RawMessage>,
    clock: Arc<dyn Clock>,
    mut stop: watch::Receiver<bool>,
) {
    let mut next_all = tokio::time::Instant::now() + RULES_EVERY;
    // Reads that failed: made again after a short pause, so a token waiting
    // for its tick is not left waiting.
    let mut again: Vec<MarketAsk> = Vec::new();
    loop {
        let retry = !again.is_empty();
        let mut wanted: Vec<MarketAsk> = tokio::select! {
            () = tokio::time::sleep_until(next_all) => {
                next_all = tokio::time::Instant::now() + RULES_EVERY;
                tokens.iter().map(|t| MarketAsk::Rules(t.as_str().into())).collect()
            },
            () = tokio::time::sleep(Duration::from_secs(2)), if retry => Vec::new(),
            Some(ask) = asks.recv() => vec![ask],
            _ = stop.changed() => return,
        };
        for ask in std::mem::take(&mut again) {
            if !wanted.contains(&ask) {
                wanted.push(ask);
            }
        }
        for ask in wanted {
            let token = match &ask {
                MarketAsk::Rules(t) | MarketAsk::Book(t) => t.to_string(),
            };
            let book = match public.book(&token).await {
                Ok(book) => book,
                Err(e) => {
                    tracing::warn!(error = %e, token, "cannot read the market's book (GET /book); read again shortly");
                    if matches!(ask, MarketAsk::Rules(_)) {
                        again.push(ask);
                    }
                    continue;
                },
            };
            match ask {
                MarketAsk::Rules(_) if book.tick_size > rust_decimal::Decimal::ZERO => {
                    let read = AccountRead::Rules {
                        token: token.as_str().into(),
                        tick: book.tick_size,
                        min_size: book.min_order_size,
                    };
                    if reads.send(read).is_err() {
                        return;
                    }
                },
                MarketAsk::Rules(_) => {
                    tracing::warn!(token, "the book names no tick size; read again shortly");
                    again.push(ask);
                },
                MarketAsk::Book(_) => {
                    let message = crate::exchange::ws::rest_book_message(&book);
                    if books.send((clock.now_ms(), message)).await.is_err() {
                        return;
                    }
                },
            }
        }
    }
}

/// The time (Unix seconds) the trade poller asks for trades after: an hour
/// back, and further while a fill is unconfirmed (a minute before the
/// oldest), so every matched trade is seen until it confirms or fails.
pub(super) fn trades_window(now_secs: i64, oldest_unconfirmed_secs: Option<i64>) -> i64 {
    let hour = now_secs - 3600;
    oldest_unconfirmed_secs.map_or(hour, |t| (t - 60).min(hour))
}

/// Settles orders left pending (outcome unknown) every few seconds: those
/// older than 10 s, re-posting what the exchange does not know; and at once
/// when the user channel announces a placement, settling only what the
/// exchange knows (the executor may still be posting).
pub(super) async fn sweep_pending(
    venue: Arc<LiveVenue>,
    events: mpsc::UnboundedSender<OrderEvent>,
    placed: Arc<tokio::sync::Notify>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let (min_age, repost) = tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(5)) => (Duration::from_secs(10), true),
            () = placed.notified() => (Duration::ZERO, false),
            _ = stop.changed() => return,
        };
        for event in venue.settle_pending(min_age, repost).await {
            let _ = events.send(event);
        }
    }
}

/// Ends a halt (or a shutdown) on the exchange's word: cancel-all for the
/// account, then no open order of ours left; logged either way.
pub(super) async fn confirm_halt(live: Arc<LiveVenue>, what: &'static str) {
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
pub(super) async fn check_open_orders(
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
pub(super) async fn play_recording(
    lines: Vec<recording::RecordedMessage>,
    speed: f64,
    tx: mpsc::Sender<RawMessage>,
    status: Arc<FeedStatus>,
    clock: Arc<dyn Clock>,
    mut stop: watch::Receiver<bool>,
) {
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

#[cfg(test)]
mod tests {
    use super::trades_window;

    #[test]
    fn the_trade_poller_looks_back_past_every_unconfirmed_fill() {
        let now = 1_800_000_000;
        assert_eq!(trades_window(now, None), now - 3600, "an hour at least");
        assert_eq!(trades_window(now, Some(now - 60)), now - 3600);
        // A fill matched three hours ago is still unconfirmed: seen until it settles.
        assert_eq!(
            trades_window(now, Some(now - 3 * 3600)),
            now - 3 * 3600 - 60
        );
    }
}
