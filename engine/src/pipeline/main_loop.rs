//! The main loop, the only owner of the trading core: market events, order
//! events, kill-switch changes and a quarter-second clock tick in; orders and
//! cancels out to the queue and the executor (live), or through the paper
//! step (`trading::sim`, the one `ploy replay` takes) to the simulated
//! exchange, with what it did stored afterwards (paper).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::tasks::{confirm_halt, AccountAsks, AccountRead, MarketAsk};
use super::{AccountView, PipelineParts};
use crate::config::TradingState;
use crate::exchange::ws::{FeedStatus, RawMessage};
use crate::execution::live::LiveVenue;
use crate::execution::CancelRequest;
use crate::market_data::parse_message;
use crate::orders::{OrderStatus, TokenId};
use crate::storage::{Fill, FillOutcome, Mark, OrderRecord};
use crate::trading::paper::{paper_hash, PaperExchange};
use crate::trading::sim::{self, SimInput, SimRecord};
use crate::trading::{Command, OrderEvent, TradingCore};

pub(super) struct MainLoop {
    pub(super) core: TradingCore,
    pub(super) parts: PipelineParts,
    /// Paper mode: the simulated exchange, stepped with the core.
    pub(super) paper: Option<PaperExchange>,
    /// Paper: what the steps did, stored at the end of each turn of the loop.
    pub(super) paper_records: Vec<SimRecord>,
    /// Where paper's event time comes from between market events.
    pub(super) event_clock: EventClock,
    /// The receive time of the last market message (paper's event clock).
    pub(super) last_event_ms: i64,
    /// When (wall clock) that message arrived.
    pub(super) wall_at_last_event: i64,
    /// Live: cancels to the executor, those of one turn together.
    pub(super) cancels: Option<mpsc::UnboundedSender<Vec<CancelRequest>>>,
    /// Risk refusals already counted in the metrics, by reason.
    pub(super) refusals_counted: BTreeMap<String, u64>,
    /// The mark last written per token, and when (market time).
    pub(super) marks_written: BTreeMap<TokenId, (i64, Decimal)>,
    /// Live with heartbeats: new orders only while the switch is armed.
    pub(super) heartbeat: Option<Arc<crate::heartbeat::HeartbeatStatus>>,
    /// The market feed's state (its last message, for the age metric).
    pub(super) feed: Arc<FeedStatus>,
    /// Live: the venue, for the exchange's cancel-all after a halt.
    pub(super) live: Option<Arc<LiveVenue>>,
    /// A trained policy choosing half-spreads (`strategy.policy = "bandit"`).
    pub(super) policy: Option<Box<dyn crate::trading::QuotePolicy>>,
    /// The kill switch, for halts the engine decides itself (an account
    /// refusal, a loss limit).
    pub(super) kill_switch: Option<crate::kill_switch::KillSwitch>,
    /// Live: asks the balance and rules readers for reads.
    pub(super) asks: Option<AccountAsks>,
    /// Live: what those reads bring.
    pub(super) reads: Option<mpsc::UnboundedReceiver<AccountRead>>,
    /// Exchange refusals already counted in the metrics, by cause.
    pub(super) rejections_counted: BTreeMap<String, u64>,
    /// The account as `/health` shows it.
    pub(super) account: Arc<std::sync::Mutex<AccountView>>,
    /// Tokens whose position and exchange balance differed at the last read.
    pub(super) suspects: BTreeMap<TokenId, (Decimal, Decimal)>,
    /// Asks the market reader for REST reads (on the exchange's feed).
    pub(super) market_asks: Option<mpsc::UnboundedSender<MarketAsk>>,
    /// Quiet tokens whose REST book was asked for, and when (wall clock).
    pub(super) confirming: BTreeMap<TokenId, i64>,
    /// The day's accounting as last saved, and when (wall clock).
    pub(super) saved_day: Option<(crate::storage::RiskDay, i64)>,
}

/// Where paper's event time comes from between market events (an operator's
/// kill switch, a clock tick): what lets orders and cancels in flight land.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum EventClock {
    /// The exchange's feed: receive times are the wall clock, and so is now.
    Wall,
    /// A recording played at this speed: recorded time moves on from the
    /// last message as the wall clock does, times the speed.
    Recording(f64),
    /// A recording played as fast as possible, once: after its end time
    /// stands still, so what is sent then lands at once.
    RecordingDone,
}

/// A token's mark is written at most this often (market time), and only when it moved.
pub(super) const MARK_EVERY_MS: i64 = 5_000;

impl MainLoop {
    pub(super) async fn run(
        mut self,
        mut raw: mpsc::Receiver<RawMessage>,
        mut orders: mpsc::UnboundedReceiver<OrderEvent>,
        mut states: mpsc::UnboundedReceiver<TradingState>,
        mut stop: watch::Receiver<bool>,
        executor: Option<JoinHandle<()>>,
        tasks: Vec<JoinHandle<()>>,
    ) {
        let mut feed_open = true;
        let mut executor = executor;
        let mut clock_tick = tokio::time::interval(Duration::from_millis(250));
        clock_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let heartbeat = self.heartbeat.clone();
        let mut reads = self.reads.take();
        loop {
            tokio::select! {
                biased;
                _ = stop.changed() => break,
                ended = async { executor.as_mut().expect("guarded").await }, if executor.is_some() => {
                    // Without the executor no cancel goes out: the process
                    // stops, the dead-man's switch cancels, and the service
                    // manager restarts ploy (its reconciliation at start).
                    let how = match ended {
                        Err(e) if e.is_panic() => "panicked",
                        _ => "ended",
                    };
                    tracing::error!(task = "executor", how, "the executor stopped; ploy stops (the service manager restarts it)");
                    self.parts.metrics.task_failures("executor", 1);
                    executor = None;
                    break;
                },
                _ = clock_tick.tick() => self.on_clock(),
                () = async {
                    match &heartbeat {
                        Some(h) => h.became_armed().await,
                        None => std::future::pending().await,
                    }
                } => self.check_heartbeat(),
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
                Some(read) = async {
                    match reads.as_mut() {
                        Some(r) => r.recv().await,
                        None => std::future::pending().await,
                    }
                } => self.on_account_read(read),
                message = raw.recv(), if feed_open => match message {
                    Some((recv_ms, value)) => self.on_message(recv_ms, &value).await,
                    None => feed_open = false,
                },
            }
            self.store_paper_records().await;
            self.follow_up().await;
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
        if let Some(paper) = &mut self.paper {
            // The simulation's time runs out: every cancel lands.
            let records = sim::flush(&mut self.core, paper);
            self.paper_records.extend(records);
            self.store_paper_records().await;
        }
        let Some(executor) = executor else {
            for task in tasks {
                task.abort();
            }
            return;
        };
        // A third of server.shutdown_timeout for the executor's cancels (and
        // a post in flight), a third for the exchange's confirmation.
        let share = self.parts.settings.config.server.shutdown_timeout / 3;
        let mut executor = executor;
        let finished = tokio::time::timeout(share, async {
            loop {
                tokio::select! {
                    _ = &mut executor => break,
                    Some(event) = orders.recv() => self.on_order(event).await,
                }
            }
        })
        .await;
        if finished.is_err() {
            tracing::warn!(waited = ?share, "shutdown: an order is still being posted; not waiting for it: it stays pending in the database (settled at the next start) and the exchange's cancel-all (or its dead-man's switch) takes it off the book");
            executor.abort();
        }
        while let Ok(event) = orders.try_recv() {
            self.on_order(event).await;
        }
        if let Some(live) = &self.live {
            // Bounded, so an exchange that does not answer cannot hold up the exit.
            if tokio::time::timeout(share, confirm_halt(live.clone(), "shutdown"))
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

    /// Paper: the event time for what happens between market events (the
    /// wall clock on the exchange's feed, the last recorded time on a recording).
    fn paper_now(&self) -> i64 {
        let wall = self.parts.clock.now_ms();
        match self.event_clock {
            EventClock::Wall => wall,
            EventClock::Recording(speed) => {
                let since = (wall - self.wall_at_last_event).max(0) as f64 * speed;
                self.last_event_ms.saturating_add(since as i64)
            },
            EventClock::RecordingDone => self.last_event_ms,
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
        self.confirm_quiet_tokens(now);
        let before = self.core.stale_tokens();
        let paper_now = self.paper_now();
        match &mut self.paper {
            // Played as fast as possible, a recording's time only moves with its events.
            Some(_) if self.event_clock == EventClock::RecordingDone => {},
            Some(paper) => {
                let records = sim::step(&mut self.core, paper, paper_now, SimInput::Clock);
                self.paper_records.extend(records);
            },
            None => {
                let commands = self.core.on_clock(now);
                self.dispatch(commands);
            },
        }
        let after = self.core.stale_tokens();
        for token in after.iter().filter(|t| !before.contains(t)) {
            tracing::warn!(%token, "no market data for longer than market_data.max_staleness; its quotes are cancelled until fresh data comes");
        }
    }

    /// Tokens with no market event for `market_data.max_staleness`: their
    /// REST book is read, so a quiet market is not taken for a dead feed
    /// (the core cancels their quotes only past the read's grace). Asked
    /// once per `max_staleness` per token.
    fn confirm_quiet_tokens(&mut self, now: i64) {
        let Some(asks) = &self.market_asks else {
            return;
        };
        let max = i64::try_from(
            self.parts
                .settings
                .config
                .market_data
                .max_staleness
                .as_millis(),
        )
        .unwrap_or(i64::MAX);
        let quiet = self.core.quiet_tokens(now, max);
        self.confirming.retain(|t, _| quiet.contains(t));
        for token in quiet {
            let due = self.confirming.get(&token).is_none_or(|at| now - at >= max);
            if due {
                tracing::info!(%token, "no market event for market_data.max_staleness; reading its book from REST to confirm the market is alive");
                let _ = asks.send(MarketAsk::Book(token.clone()));
                self.confirming.insert(token, now);
            }
        }
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

    pub(super) fn dispatch(&mut self, commands: Vec<Command>) {
        if self.paper.is_some() {
            for command in &commands {
                log_command(command);
            }
            let now = self.paper_now();
            let frozen = self.event_clock == EventClock::RecordingDone;
            if let Some(paper) = &mut self.paper {
                let mut records = sim::send_commands(&mut self.core, paper, now, commands);
                if frozen {
                    // No event will come to carry time on: what is sent lands now.
                    records.extend(sim::flush(&mut self.core, paper));
                }
                self.paper_records.extend(records);
            }
            self.after_commands();
            return;
        }
        // The turn's orders and cancels go to the executor together, so it
        // can send them as batches.
        let mut places = Vec::new();
        let mut cancels = Vec::new();
        for command in commands {
            match command {
                Command::Place(intent) => {
                    log_command(&Command::Place(intent.clone()));
                    places.push(intent);
                },
                Command::Cancel { client_id, hash } => {
                    tracing::debug!(%client_id, "cancelling order");
                    cancels.push(CancelRequest { client_id, hash });
                },
            }
        }
        if !cancels.is_empty() {
            if let Some(tx) = &self.cancels {
                let _ = tx.send(cancels);
            }
        }
        if let Err((e, refused)) = self.parts.queue.push_all(places) {
            tracing::debug!(error = %e, "orders not queued");
            for intent in refused {
                self.core.on_order(&OrderEvent::Rejected {
                    client_id: intent.client_id,
                    reason: e.to_string(),
                });
            }
        }
        self.after_commands();
    }

    /// The metrics that follow every change of the core's orders.
    fn after_commands(&mut self) {
        self.parts
            .metrics
            .open_orders
            .set(self.core.open_orders().count() as i64);
        self.count_refusals();
        self.count_rejections();
        self.show_positions();
    }

    /// Moves the core's new exchange refusals into
    /// `ploy_order_rejections_total`, logging the first of each cause.
    fn count_rejections(&mut self) {
        for (reason, total) in &self.core.stats().rejections {
            let counted = self.rejections_counted.entry(reason.clone()).or_insert(0);
            if *total > *counted {
                if *counted == 0 && reason != "not_sent" {
                    tracing::warn!(
                        reason = %reason,
                        "the exchange refused an order (the first for this cause; all are counted in ploy_order_rejections_total); that token's side waits 1 s, doubling with each refusal in a row up to 5 min"
                    );
                }
                self.parts.metrics.order_rejected(reason, total - *counted);
                *counted = *total;
            }
        }
    }

    /// What the core asked for after this turn: a halt to save (an account
    /// refusal), balances or ticks to read again (live; paper answers them
    /// in its step).
    async fn follow_up(&mut self) {
        if let Some((by, reason)) = self.core.take_halt_request() {
            tracing::error!(%by, %reason, "halting trading");
            // Cancels go out at once; the kill switch saves it.
            let commands = self.core.set_trading_state(TradingState::Halted);
            self.dispatch(commands);
            if let Some(kill_switch) = &self.kill_switch {
                let _ = kill_switch
                    .set(TradingState::Halted, by, Some(reason))
                    .await;
            }
        }
        self.show_day().await;
        let wanted = self.core.take_wanted();
        if let Some(asks) = &self.asks {
            if wanted.balances {
                asks.balances.notify_one();
            }
            for token in wanted.rules {
                let _ = asks.rules.send(MarketAsk::Rules(token));
            }
        }
    }

    /// The day's P&L into the metrics and `/health`, and its accounting into
    /// the database when it changed (the day's best at most every 5 s).
    async fn show_day(&mut self) {
        use rust_decimal::prelude::ToPrimitive;
        let limits = {
            let risk = &self.parts.settings.config.risk;
            crate::trading::day_pnl::LossLimits {
                max_daily_loss: risk.max_daily_loss,
                max_drawdown: risk.max_drawdown,
            }
        };
        let Some((day, pnl)) = self.core.day_pnl() else {
            return;
        };
        self.parts.metrics.set_pnl(
            pnl.realized.to_f64().unwrap_or(f64::NAN),
            pnl.unrealized.to_f64().unwrap_or(f64::NAN),
        );
        self.parts
            .metrics
            .set_loss_limit_breached(day.breached.as_deref());
        let now = self.parts.clock.now_ms();
        let row = crate::storage::RiskDay {
            day: day.day,
            baseline_ms: day.baseline_ms,
            marks: day.marks.clone(),
            peak: day.peak.round_dp(6).normalize(),
            reference: day.reference.round_dp(6).normalize(),
            breached: day.breached.clone(),
            updated_at_ms: now,
        };
        {
            let funds = self.paper.is_some().then(|| self.core.funds().clone());
            let mut view = self.account_view();
            view.day_pnl = Some(pnl);
            view.breached = row.breached.clone();
            view.limits = limits;
            // Paper: the simulated account, as live reads the exchange's.
            if let Some(funds) = funds {
                view.funds = funds;
            }
        }
        if self.paper.is_some() {
            if let Some(collateral) = self.core.funds().collateral {
                self.parts
                    .metrics
                    .balance_usdc
                    .set(collateral.to_f64().unwrap_or(f64::NAN));
            }
        }
        // Paper on a recording: its days are the recording's, not saved.
        if self.event_clock != EventClock::Wall {
            return;
        }
        let due = match &self.saved_day {
            None => true,
            Some((saved, at)) => {
                saved.day != row.day
                    || saved.baseline_ms != row.baseline_ms
                    || saved.reference != row.reference
                    || saved.breached != row.breached
                    || (saved.peak != row.peak && now - at >= MARK_EVERY_MS)
            },
        };
        if !due {
            return;
        }
        match self.parts.store.save_risk_day(&row).await {
            Ok(()) => self.saved_day = Some((row, now)),
            Err(e) => {
                tracing::warn!(error = %e, "cannot save the day's P&L accounting; tried again at the next change");
            },
        }
    }

    /// A read of the balances or of a market's rules.
    fn on_account_read(&mut self, read: AccountRead) {
        match read {
            AccountRead::Funds(funds) => self.on_funds(funds),
            AccountRead::Rules {
                token,
                tick,
                min_size,
            } => {
                let before = self.core.tick(&token);
                if before != tick {
                    tracing::warn!(%token, %before, %tick, "the market's tick size changed");
                }
                self.core.set_tick(&token, tick);
                if min_size > Decimal::ZERO {
                    let order_size = self.core.params().order_size;
                    if min_size > order_size
                        && self.core.books().get(&token).and_then(|b| b.min_order_size)
                            != Some(min_size)
                    {
                        tracing::warn!(%token, %order_size, %min_size, "strategy.order_size is below this market's minimum order size: nothing is quoted there; raise strategy.order_size");
                    }
                    self.core.set_min_order_size(&token, min_size);
                }
                self.drop_off_tick(&token, tick);
                let commands = self.core.requote_pending();
                self.dispatch(commands);
            },
        }
    }

    /// Orders of `token` still queued at a price off `tick` are never
    /// posted (the exchange would refuse them); the token is quoted again.
    fn drop_off_tick(&mut self, token: &TokenId, tick: Decimal) {
        if self.paper.is_some() || tick <= Decimal::ZERO {
            return;
        }
        while let Some(intent) = self
            .parts
            .queue
            .remove_where(|i| &i.token_id == token && !(i.price % tick).is_zero())
        {
            tracing::info!(client_id = %intent.client_id, price = %intent.price, %tick, "a queued order is off the new tick; dropped and quoted again");
            self.core.on_order(&OrderEvent::Withdrawn {
                client_id: intent.client_id,
            });
        }
    }

    /// New balances: to the core (bids and asks stay within them), the
    /// metrics, `/health`; a zero allowance and a position the exchange does
    /// not hold are said once.
    fn on_funds(&mut self, funds: crate::risk::Funds) {
        use rust_decimal::prelude::ToPrimitive;
        let before = self.core.funds().clone();
        if let Some(collateral) = funds.collateral {
            self.parts
                .metrics
                .balance_usdc
                .set(collateral.to_f64().unwrap_or(f64::NAN));
            if !funds.collateral_allowed
                && (before.collateral_allowed || before.collateral.is_none())
            {
                tracing::error!("the exchange has no allowance for the collateral (USDC): no bid is placed until it is approved for the exchange contracts");
            }
        }
        for (token, (shares, allowed)) in &funds.shares {
            self.parts
                .metrics
                .set_balance_shares(token.as_str(), shares.to_f64().unwrap_or(f64::NAN));
            let was = before.shares.get(token).is_none_or(|(_, ok)| *ok);
            if !allowed && was {
                tracing::error!(%token, "the exchange has no approval for this token's shares: no ask is placed until the outcome tokens are approved for the exchange contracts");
            }
        }
        // Positions the exchange does not hold, at two reads in a row.
        let mut now_suspect = BTreeMap::new();
        for (token, (held, _)) in &funds.shares {
            let position = self
                .core
                .positions()
                .get(token)
                .copied()
                .unwrap_or_default();
            if (position - *held).abs() > Decimal::new(1, 6) && !self.core.has_unconfirmed(token) {
                now_suspect.insert(token.clone(), (position, *held));
            }
        }
        let mismatches: BTreeMap<TokenId, (Decimal, Decimal)> = now_suspect
            .iter()
            .filter(|(t, _)| self.suspects.contains_key(*t))
            .map(|(t, v)| (t.clone(), *v))
            .collect();
        for (token, (position, held)) in &mismatches {
            if !self.account_view().mismatches.contains_key(token) {
                tracing::warn!(%token, %position, exchange = %held, "the position in the database differs from the exchange's balance of this token (at two reads in a row); run ploy check-orders and compare with the exchange");
            }
        }
        self.suspects = now_suspect;
        let commands = self.core.set_funds(funds.clone());
        self.dispatch(commands);
        let mut view = self.account_view();
        view.funds = funds;
        view.read_at_ms = Some(self.parts.clock.now_ms());
        view.mismatches = mismatches;
    }

    /// The account as `/health` shows it (locked).
    fn account_view(&self) -> std::sync::MutexGuard<'_, AccountView> {
        self.account
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `ploy_position_shares`: what the core holds, per token.
    fn show_positions(&self) {
        use rust_decimal::prelude::ToPrimitive;
        for (token, shares) in self.core.positions() {
            self.parts
                .metrics
                .set_position(token.as_str(), shares.to_f64().unwrap_or(f64::NAN));
        }
        if let Some(asks) = &self.asks {
            let mut held = asks
                .held
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            held.clear();
            held.extend(
                self.core
                    .positions()
                    .iter()
                    .filter(|(_, s)| **s > Decimal::ZERO)
                    .map(|(t, _)| t.clone()),
            );
        }
        let mut view = self.account_view();
        view.positions = self.core.positions().clone();
        view.committed = self.core.committed_collateral();
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
                if reason == "funds" || reason == "allowance" {
                    let now = self.parts.clock.now_ms();
                    self.account
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .held_back
                        .insert(reason.clone(), now);
                }
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
        self.last_event_ms = self.last_event_ms.max(recv_ms);
        self.wall_at_last_event = self.parts.clock.now_ms();
        for event in events {
            if let Some(policy) = &mut self.policy {
                // As the exchange publishes it (paper: with our orders in it).
                let shown = match &self.paper {
                    Some(paper) => paper.publish(&event),
                    None => event.clone(),
                };
                for (token, ticks) in policy.on_market(&mut self.core, &shown, recv_ms) {
                    self.parts
                        .metrics
                        .set_policy_half_spread(token.as_str(), ticks);
                }
            }
            if let Some(paper) = &mut self.paper {
                let records = sim::step(&mut self.core, paper, recv_ms, SimInput::Market(&event));
                self.paper_records.extend(records);
                continue;
            }
            self.check_heartbeat();
            let tick_before = match &event {
                crate::market_data::MarketEvent::TickSize { token, .. } => {
                    self.core.books().get(token).and_then(|b| b.tick)
                },
                _ => None,
            };
            let commands = self.core.on_market(&event, recv_ms);
            self.dispatch(commands);
            if let crate::market_data::MarketEvent::TickSize { token, tick, .. } = &event {
                if tick_before.is_some_and(|t| t != *tick) {
                    tracing::warn!(%token, before = ?tick_before, %tick, "the market's tick size changed");
                    self.drop_off_tick(token, *tick);
                    let commands = self.core.requote_pending();
                    self.dispatch(commands);
                }
            }
        }
        self.after_commands();
        self.note_closed_markets();
        self.write_marks(recv_ms).await;
    }

    /// Says so, once, when a quoted market closes (in the log and in
    /// `/health`'s `market_data` check).
    pub(super) fn note_closed_markets(&mut self) {
        let mut shown = self
            .feed
            .closed_markets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (token, closure) in self.core.closed_markets() {
            if shown.contains_key(token.as_str()) {
                continue;
            }
            tracing::warn!(%token, reason = %closure.reason, payout = ?closure.payout, "market closed: its quotes are cancelled and it is not quoted again; a resolved market's position is marked at its payout");
            shown.insert(token.to_string(), closure.reason.clone());
        }
    }

    /// Paper: stores what the steps did, in order: each order sent (pending,
    /// as live stores it before posting), its answer, each fill. A failed
    /// write is logged; the simulation goes on (the next start ends paper
    /// orders left open).
    pub(super) async fn store_paper_records(&mut self) {
        if self.paper_records.is_empty() {
            return;
        }
        let store = self.parts.store.clone();
        let now = self.parts.clock.now_ms();
        for record in std::mem::take(&mut self.paper_records) {
            match record {
                SimRecord::Sent(intent) => {
                    let order = OrderRecord::pending(
                        &intent,
                        paper_hash(&intent.client_id),
                        "paper",
                        None,
                        now,
                    );
                    if let Err(e) = store.insert_order(&order).await {
                        tracing::error!(error = %e, client_id = %intent.client_id, "cannot store a paper order");
                    }
                },
                SimRecord::Answer(answer) => {
                    let (client_id, status, error) = match &answer {
                        OrderEvent::Accepted { client_id, .. } => {
                            self.parts.metrics.order_placed(crate::clock::wall_ms());
                            (client_id, OrderStatus::Open, None)
                        },
                        OrderEvent::Rejected { client_id, reason } => {
                            self.parts.metrics.orders_failed.inc();
                            (client_id, OrderStatus::Failed, Some(reason.clone()))
                        },
                        OrderEvent::Cancelled { client_id } => {
                            (client_id, OrderStatus::Cancelled, None)
                        },
                        _ => continue,
                    };
                    crate::execution::record_status(
                        store.as_ref(),
                        self.parts.clock.as_ref(),
                        client_id,
                        status,
                        error,
                    )
                    .await;
                },
                SimRecord::Fill(f) => self.store_paper_fill(&f).await,
            }
        }
        self.after_commands();
    }

    /// Saves the books' midpoints (`ploy positions` marks with them), at most
    /// every [`MARK_EVERY_MS`] per token and only when they moved. A failed
    /// write is logged and retried with the next ones; trading goes on.
    async fn write_marks(&mut self, now_ms: i64) {
        let books = self.core.books();
        let closed = self.core.closed_markets();
        let due: Vec<Mark> = books
            .tokens()
            .filter_map(|token| {
                // A resolved market is worth its payout, whatever its book
                // says, and that is written at once.
                let payout = closed.get(token).and_then(|c| c.payout);
                let mid = match payout {
                    Some(payout) => payout,
                    None => self.core.others_mid(token)?,
                };
                match self.marks_written.get(token) {
                    Some((_, last)) if *last == mid => None,
                    Some((at, _)) if payout.is_none() && now_ms - at < MARK_EVERY_MS => None,
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

    /// Paper: one simulated fill into the database.
    async fn store_paper_fill(&self, f: &crate::trading::paper::PaperFill) {
        let fill = Fill {
            trade_id: f.trade_id.as_str().into(),
            client_id: f.client_id.clone(),
            token_id: f.token.clone(),
            side: f.side,
            price: f.price,
            size: f.size,
            fee: f.fee,
            ts_ms: f.ts_ms,
        };
        match self.parts.store.apply_fill(&fill).await {
            Ok(FillOutcome::Applied(status)) => {
                if status == OrderStatus::Filled {
                    self.parts.metrics.orders_filled.inc();
                }
                tracing::info!(client_id = %f.client_id, trade_id = %f.trade_id, price = %f.price, size = %f.size, "fill");
            },
            Ok(FillOutcome::Duplicate) => {},
            Err(e) => {
                tracing::error!(error = %e, client_id = %f.client_id, "cannot record a paper fill");
            },
        }
    }

    /// Live: what the executor and the background tasks say of our orders.
    async fn on_order(&mut self, event: OrderEvent) {
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
                    // What the exchange holds changed: read it.
                    if let Some(asks) = &self.asks {
                        asks.balances.notify_one();
                    }
                    if !is_tracked {
                        // A fill after the cancel (or of an order from before a
                        // restart): the position moves all the same.
                        tracing::info!(%client_id, %trade_id, "fill of an order no longer tracked; applied to the position");
                        self.core
                            .on_untracked_fill(&token, side, *price, *size, *fee);
                        self.show_positions();
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
        let requotes = self.core.requote_pending();
        self.dispatch(requotes);
        self.show_positions();
        self.parts
            .metrics
            .open_orders
            .set(self.core.open_orders().count() as i64);
    }
}

/// Logs a command as it leaves the core.
fn log_command(command: &Command) {
    match command {
        Command::Place(intent) => tracing::info!(
            client_id = %intent.client_id,
            token = %intent.token_id,
            side = intent.side.as_str(),
            price = %intent.price,
            size = %intent.size,
            "placing order"
        ),
        Command::Cancel { client_id, .. } => tracing::debug!(%client_id, "cancelling order"),
    }
}
