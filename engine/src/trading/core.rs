//! The trading core: market events in, commands out; order events in, state
//! updated. Pure state machine (no I/O, no clock of its own), so a recorded
//! session replays exactly.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::day_pnl::{DayBook, DayPnl, LossLimits};
use super::own_book::{self, OwnBook, OwnLevels};
use crate::config::TradingState;
use crate::market_data::{Books, MarketEvent, OrderBook};
use crate::orders::refusal::{self, Refused};
use crate::orders::{ClientOrderId, OrderHash, OrderIntent, OrderStatus, Side, TokenId};
use crate::risk::{Exposure, Funds, Refusal, RiskEngine, Verdict};
use crate::strategy::{quote, QuoteParams, QuoteState, RestingQuote};

/// Something that sets tokens' half-spreads as market events come (a
/// trained quoting policy): called with each market event before the core
/// takes it; returns the tokens it set, with the half-spread in ticks.
pub trait QuotePolicy: Send + Sync + std::fmt::Debug {
    /// Takes in `event` at event time `now_ms`.
    fn on_market(
        &mut self,
        core: &mut TradingCore,
        event: &MarketEvent,
        now_ms: i64,
    ) -> Vec<(TokenId, u32)>;
}

/// What the core needs besides limits.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Strategy settings.
    pub params: QuoteParams,
    /// Tokens to quote (empty: every token seen).
    pub markets: Vec<TokenId>,
    /// Tick size until the market data says otherwise.
    pub default_tick: Decimal,
    /// Prefix of client order IDs (unique per run).
    pub id_prefix: String,
    /// Quotes on a token whose last market event is older than this (ms)
    /// are cancelled and none is placed there (live market data; `None` for
    /// a recording, whose time is not the wall clock).
    pub max_staleness_ms: Option<i64>,
    /// The day's loss limits (`risk.max_daily_loss`, `risk.max_drawdown`).
    pub loss_limits: LossLimits,
}

/// What the engine should do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Place this order.
    Place(OrderIntent),
    /// Cancel this order.
    Cancel {
        /// Our ID.
        client_id: ClientOrderId,
        /// The exchange ID, when known.
        hash: Option<OrderHash>,
    },
}

/// What happened to one of our orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum OrderEvent {
    /// Resting on the book (with its exchange ID).
    Accepted {
        /// Our ID.
        client_id: ClientOrderId,
        /// Exchange ID.
        hash: OrderHash,
    },
    /// Refused or failed; nothing rests.
    Rejected {
        /// Our ID.
        client_id: ClientOrderId,
        /// Why.
        reason: String,
    },
    /// Cancelled (what was filled stays filled).
    Cancelled {
        /// Our ID.
        client_id: ClientOrderId,
    },
    /// Cancelled before it was sent: it was never posted, nothing rests.
    Withdrawn {
        /// Our ID.
        client_id: ClientOrderId,
    },
    /// A cancel was given up on (the exchange refused it or did not
    /// answer): the order may still rest, so the core will cancel it again.
    CancelFailed {
        /// Our ID.
        client_id: ClientOrderId,
    },
    /// A post was given up on with its outcome unknown (the deadline passed):
    /// the order may rest. It stays tracked as pending, with its exchange ID
    /// when known so a cancel reaches it; the sweeper settles it later.
    Unsettled {
        /// Our ID.
        client_id: ClientOrderId,
        /// The exchange ID (the signed order's hash), when it was signed.
        hash: Option<OrderHash>,
    },
    /// A fill whose trade is matched but not yet confirmed: a buy's shares
    /// are held but not sold until [`OrderEvent::FillConfirmed`].
    FillPending {
        /// The token.
        token_id: TokenId,
        /// Our side of it.
        side: Side,
        /// Shares.
        size: Decimal,
    },
    /// A pending fill's trade is confirmed.
    FillConfirmed {
        /// The token.
        token_id: TokenId,
        /// Our side of it.
        side: Side,
        /// Shares.
        size: Decimal,
    },
    /// A fill taken back: its trade failed after it was matched.
    FillReversed {
        /// Our ID.
        client_id: ClientOrderId,
        /// The token.
        token_id: TokenId,
        /// Our side of it.
        side: Side,
        /// Its price.
        price: Decimal,
        /// Shares taken back.
        size: Decimal,
        /// Its fee (returned).
        fee: Decimal,
    },
    /// Some or all of it filled.
    Filled {
        /// Our ID.
        client_id: ClientOrderId,
        /// The trade.
        trade_id: String,
        /// Price.
        price: Decimal,
        /// Shares.
        size: Decimal,
        /// Fee.
        fee: Decimal,
        /// When.
        ts_ms: i64,
    },
}

/// Why a market takes no more orders, and what one share pays if it resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarketClosure {
    /// `resolved`, `closed` or `not accepting orders`.
    pub reason: String,
    /// Resolved: 1 for the winning outcome, 0 for the others (positions
    /// are marked at it).
    pub payout: Option<Decimal>,
    /// When the core learnt it (event time).
    pub at_ms: i64,
}

/// One of our orders, as the core tracks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackedOrder {
    /// Our ID.
    pub client_id: ClientOrderId,
    /// Exchange ID, once known.
    pub hash: Option<OrderHash>,
    /// Token.
    pub token: TokenId,
    /// Side.
    pub side: Side,
    /// Price.
    pub price: Decimal,
    /// Size.
    pub size: Decimal,
    /// Filled so far.
    pub filled: Decimal,
    /// `pending` until acknowledged, then `open`.
    pub status: OrderStatus,
    /// A cancel was sent.
    pub cancelling: bool,
}

impl TrackedOrder {
    fn remaining(&self) -> Decimal {
        self.size - self.filled
    }
}

/// Counters for reports and metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CoreStats {
    /// Market events processed.
    pub events: u64,
    /// Orders sent to the executor.
    pub placed: u64,
    /// Cancels sent.
    pub cancels: u64,
    /// Orders refused by risk, by reason.
    pub refused: BTreeMap<String, u64>,
    /// Orders rejected by the exchange.
    pub rejected: u64,
    /// Orders rejected, by cause (`orders::refusal`).
    pub rejections: BTreeMap<String, u64>,
    /// Fills applied.
    pub fills: u64,
}

/// The first pause of a token's side after a refusal; it doubles with each
/// refusal in a row, up to [`BACKOFF_MAX_MS`], until an order is accepted.
pub const BACKOFF_FIRST_MS: i64 = 1_000;
/// The longest pause after refusals.
pub const BACKOFF_MAX_MS: i64 = 300_000;

/// A token side's pause after refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pause {
    /// No order of this side before (event time).
    until_ms: i64,
    /// The pause just taken; the next one is twice as long.
    delay_ms: i64,
    /// Not yet over (its end quotes the token again).
    waiting: bool,
}

/// What the core needs read from the exchange before some orders may go
/// (the main loop reads it and hands it back).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wanted {
    /// The balances (`GET /balance-allowance`): a funds refusal.
    pub balances: bool,
    /// These tokens' rules (tick size, minimum order size): a tick or a
    /// size refusal.
    pub rules: Vec<TokenId>,
}

/// The trading core.
#[derive(Debug, Clone)]
pub struct TradingCore {
    config: CoreConfig,
    books: Books,
    positions: BTreeMap<TokenId, Decimal>,
    orders: BTreeMap<ClientOrderId, TrackedOrder>,
    risk: RiskEngine,
    seq: u64,
    stats: CoreStats,
    /// The time of the last market event (the core has no clock of its own).
    last_event_ms: i64,
    /// Whether new orders may be sent (live: the exchange's dead-man's switch
    /// is armed); cancels go out regardless.
    posting_allowed: bool,
    /// When each token's book last had an event.
    book_at: BTreeMap<TokenId, i64>,
    /// Tokens to quote again at once rather than at their next market event:
    /// an order of theirs ended (the exchange cancelled it, or our cancel
    /// was confirmed, which frees what it held: an ask's replacement may
    /// only be placed once the old ask's shares are no longer offered), or
    /// what is held changed (a fill confirmed or taken back).
    requote: Vec<TokenId>,
    /// Shares bought in matched, not yet confirmed trades, by token.
    unconfirmed: BTreeMap<TokenId, Decimal>,
    /// The latest time the core was told (market events and clock ticks).
    now_ms: i64,
    /// Markets that take no more orders, by token: never quoted again.
    closed: BTreeMap<TokenId, MarketClosure>,
    /// Half-spreads a policy chose for tokens, over `config.params`'.
    half_spreads: BTreeMap<TokenId, Decimal>,
    /// Our size the book may still show after it left by our account.
    own: OwnBook,
    /// Token sides paused after refusals.
    backoff: BTreeMap<(TokenId, Side), Pause>,
    /// What the exchange holds for the account, as last read.
    funds: Funds,
    /// After a funds refusal: bids (collateral) or a token's asks wait for
    /// the balances to be read again.
    collateral_unsure: bool,
    shares_unsure: std::collections::BTreeSet<TokenId>,
    /// After a tick refusal: the token waits for its tick to be read again.
    tick_unsure: std::collections::BTreeSet<TokenId>,
    /// Reads the main loop should make.
    wanted: Wanted,
    /// A halt the core decided (an account refusal, a loss limit); the main
    /// loop saves it in the kill switch: who, and why.
    halt_request: Option<(String, String)>,
    /// The day's accounting, for the loss limits and the P&L metrics.
    day: Option<DayBook>,
    /// Each token's last known others' midpoint (its mark).
    last_mid: BTreeMap<TokenId, Decimal>,
    /// The first time the core was told (a market event or a clock tick).
    first_ms: Option<i64>,
    /// Risk held a quote back for want of funds or of an allowance since
    /// the balances were last read.
    funds_short: bool,
}

impl TradingCore {
    /// A core with no orders and flat positions.
    pub fn new(config: CoreConfig, risk: RiskEngine) -> Self {
        Self {
            config,
            books: Books::default(),
            positions: BTreeMap::new(),
            orders: BTreeMap::new(),
            risk,
            seq: 0,
            stats: CoreStats::default(),
            last_event_ms: 0,
            posting_allowed: true,
            book_at: BTreeMap::new(),
            requote: Vec::new(),
            unconfirmed: BTreeMap::new(),
            now_ms: 0,
            closed: BTreeMap::new(),
            half_spreads: BTreeMap::new(),
            own: OwnBook::default(),
            backoff: BTreeMap::new(),
            funds: Funds::default(),
            collateral_unsure: false,
            shares_unsure: std::collections::BTreeSet::new(),
            tick_unsure: std::collections::BTreeSet::new(),
            wanted: Wanted::default(),
            halt_request: None,
            day: None,
            last_mid: BTreeMap::new(),
            first_ms: None,
            funds_short: false,
        }
    }

    /// Marks known from before (saved while trading): the day's P&L takes a
    /// position at its mark until its book comes.
    pub fn set_known_marks(&mut self, marks: BTreeMap<TokenId, Decimal>) {
        for (token, mark) in marks {
            self.last_mid.entry(token).or_insert(mark);
        }
    }

    /// Continues a day saved before a restart.
    pub fn restore_day(&mut self, day: DayBook) {
        self.day = Some(day);
    }

    /// The day's accounting and its P&L now, once a day has begun.
    pub fn day_pnl(&self) -> Option<(&DayBook, DayPnl)> {
        let day = self.day.as_ref()?;
        Some((day, day.pnl(|t| self.mark(t))))
    }

    /// A token's mark: the others' midpoint, else the last one known.
    pub fn mark(&self, token: &TokenId) -> Option<Decimal> {
        self.others_mid(token)
            .or_else(|| self.last_mid.get(token).copied())
    }

    /// Starts the day's accounting at `now_ms` when none runs or a new UTC
    /// day began (positions at their marks then).
    fn roll_day(&mut self, now_ms: i64) {
        let due = self
            .day
            .as_ref()
            .is_none_or(|d| super::day_pnl::day_of(now_ms) > d.day);
        if !due {
            return;
        }
        let marks: BTreeMap<TokenId, Decimal> = self
            .positions
            .keys()
            .filter_map(|t| self.mark(t).map(|m| (t.clone(), m)))
            .collect();
        self.day = Some(DayBook::start(now_ms, &self.positions, &marks));
    }

    /// Checks the loss limits against the day's P&L (the day's best moves
    /// up with it); a breach halts at once (the main loop saves it in the
    /// kill switch, `by` risk).
    fn check_loss(&mut self) {
        let Some((_, pnl)) = self.day_pnl() else {
            return;
        };
        let limits = self.config.loss_limits;
        let Some(day) = self.day.as_mut() else {
            return;
        };
        if let Some(breach) = day.check(&pnl, limits) {
            if self.risk.state() != TradingState::Halted {
                self.risk.set_state(TradingState::Halted);
                self.halt_request = Some(("risk".to_owned(), breach.reason()));
            }
        }
    }

    /// The reads the core is waiting for (taken: asked once).
    pub fn take_wanted(&mut self) -> Wanted {
        std::mem::take(&mut self.wanted)
    }

    /// A halt the core decided, to be saved in the kill switch: who set it
    /// and why (taken).
    pub fn take_halt_request(&mut self) -> Option<(String, String)> {
        self.halt_request.take()
    }

    /// The balances as the exchange reports them: bids and asks that waited
    /// for them may go, and every token is quoted again at once.
    pub fn set_funds(&mut self, funds: Funds) -> Vec<Command> {
        // Quoted again at once only when something waited for this read
        // (a funds refusal, or quotes risk held back for funds or an
        // allowance): otherwise each token's next event quotes on it.
        let waited = self.collateral_unsure
            || !self.shares_unsure.is_empty()
            || std::mem::take(&mut self.funds_short);
        let allowed = |f: &Funds| {
            (
                f.collateral_allowed,
                f.shares
                    .iter()
                    .map(|(t, (_, ok))| (t.clone(), *ok))
                    .collect::<Vec<_>>(),
            )
        };
        let changed = allowed(&self.funds) != allowed(&funds);
        if funds.collateral.is_some() {
            self.collateral_unsure = false;
        }
        self.shares_unsure.retain(|t| !funds.shares.contains_key(t));
        self.funds = funds;
        // Asks offering more than the exchange holds now (shares moved off
        // the account) are cancelled; the re-quote offers what is held.
        let mut commands = Vec::new();
        let over: Vec<ClientOrderId> = self
            .funds
            .shares
            .iter()
            .filter(|(token, (held, _))| {
                let offered: Decimal = self
                    .orders
                    .values()
                    .filter(|o| &o.token == *token && o.side == Side::Sell && !o.cancelling)
                    .map(TrackedOrder::remaining)
                    .sum();
                offered > *held
            })
            .flat_map(|(token, _)| {
                self.orders
                    .values()
                    .filter(|o| &o.token == token && o.side == Side::Sell && !o.cancelling)
                    .map(|o| o.client_id.clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        commands.extend(over.iter().filter_map(|id| self.cancel(id)));
        if !(waited || changed) {
            return commands;
        }
        let tokens: Vec<TokenId> = self.books.tokens().cloned().collect();
        for token in tokens {
            commands.extend(self.quote_token(&token, self.now_ms()));
        }
        commands
    }

    /// Whether `token` has bought shares in trades not yet confirmed (the
    /// exchange's balance may not show them yet).
    pub fn has_unconfirmed(&self, token: &TokenId) -> bool {
        self.unconfirmed
            .get(token)
            .is_some_and(|u| *u > Decimal::ZERO)
    }

    /// What the exchange holds for the account, as last read.
    pub fn funds(&self) -> &Funds {
        &self.funds
    }

    /// Collateral committed to resting bids (price × remaining, every token).
    pub fn committed_collateral(&self) -> Decimal {
        self.orders
            .values()
            .filter(|o| o.side == Side::Buy)
            .map(|o| o.remaining() * o.price)
            .sum()
    }

    /// Our size per level of `token` as the book may show it: every order
    /// tracked there (pending ones too) at its remaining size, and what left
    /// by our account that the book has not shown leave yet.
    pub fn own_levels(&self, token: &TokenId) -> OwnLevels {
        let mut levels = OwnLevels::new();
        for o in self.orders.values().filter(|o| &o.token == token) {
            *levels.entry((o.side, o.price)).or_default() += o.remaining();
        }
        for g in self.own.of(token) {
            *levels.entry((g.side, g.price)).or_default() += g.size;
        }
        levels
    }

    /// The others' best bid and ask of `token` (our own orders taken out).
    pub fn others_top(
        &self,
        token: &TokenId,
    ) -> (Option<(Decimal, Decimal)>, Option<(Decimal, Decimal)>) {
        match self.books.get(token) {
            Some(book) => own_book::others_top(book, &self.own_levels(token)),
            None => (None, None),
        }
    }

    /// The others' midpoint of `token`: what positions are marked at.
    pub fn others_mid(&self, token: &TokenId) -> Option<Decimal> {
        match self.others_top(token) {
            (Some((bid, _)), Some((ask, _))) => Some((bid + ask) / Decimal::TWO),
            _ => None,
        }
    }

    /// `token`'s book without our own orders (a copy).
    pub fn others_book(&self, token: &TokenId) -> Option<OrderBook> {
        let book = self.books.get(token)?;
        Some(own_book::others_book(book, &self.own_levels(token)))
    }

    /// Quotes `token` at this half-spread from now on (a policy's choice);
    /// the token is quoted again at once when it changed.
    pub fn set_half_spread(&mut self, token: &TokenId, half_spread: Decimal) {
        if self.half_spreads.insert(token.clone(), half_spread) != Some(half_spread)
            && !self.requote.contains(token)
        {
            self.requote.push(token.clone());
        }
    }

    /// The half-spread `token` is quoted at.
    pub fn half_spread(&self, token: &TokenId) -> Decimal {
        self.half_spreads
            .get(token)
            .copied()
            .unwrap_or(self.config.params.half_spread)
    }

    /// The latest event time the core was told (market events, clock ticks).
    pub fn now_ms(&self) -> i64 {
        self.now_ms.max(self.last_event_ms)
    }

    /// The strategy's settings.
    pub fn params(&self) -> &QuoteParams {
        &self.config.params
    }

    /// `token`'s tick size: its book's, or the default until the market
    /// data says.
    pub fn tick(&self, token: &TokenId) -> Decimal {
        self.books
            .get(token)
            .and_then(|b| b.tick)
            .unwrap_or(self.config.default_tick)
    }

    /// A token's market takes no more orders (it resolved, closed, or stopped
    /// accepting orders): its orders are cancelled and it is never quoted
    /// again. Returns the cancels.
    pub fn close_market(&mut self, token: &TokenId, closure: MarketClosure) -> Vec<Command> {
        self.closed.entry(token.clone()).or_insert(closure);
        self.requote.retain(|t| t != token);
        let ids: Vec<ClientOrderId> = self
            .orders
            .values()
            .filter(|o| &o.token == token && !o.cancelling)
            .map(|o| o.client_id.clone())
            .collect();
        ids.into_iter().filter_map(|id| self.cancel(&id)).collect()
    }

    /// Cancels what rests on closed markets (orders restored at the start).
    pub fn cancel_on_closed_markets(&mut self) -> Vec<Command> {
        let ids: Vec<ClientOrderId> = self
            .orders
            .values()
            .filter(|o| self.closed.contains_key(&o.token) && !o.cancelling)
            .map(|o| o.client_id.clone())
            .collect();
        ids.into_iter().filter_map(|id| self.cancel(&id)).collect()
    }

    /// Markets closed so far, by token.
    pub fn closed_markets(&self) -> &BTreeMap<TokenId, MarketClosure> {
        &self.closed
    }

    /// Starts from known positions and open orders (after reconciliation).
    pub fn restore(&mut self, positions: BTreeMap<TokenId, Decimal>, open: Vec<TrackedOrder>) {
        self.positions = positions;
        self.orders = open.into_iter().map(|o| (o.client_id.clone(), o)).collect();
    }

    /// Allows or stops new orders (not a kill-switch state: nothing is
    /// cancelled, and it is not saved). Stopped, the strategy's orders are
    /// counted as refused for `heartbeat`. Allowed again, it quotes at once
    /// on the books known rather than at the next market event.
    pub fn set_posting_allowed(&mut self, allowed: bool) -> Vec<Command> {
        let was = std::mem::replace(&mut self.posting_allowed, allowed);
        if allowed && !was {
            let tokens: Vec<TokenId> = self.books.tokens().cloned().collect();
            let mut commands = Vec::new();
            for token in tokens {
                commands.extend(self.quote_token(&token, self.last_event_ms));
            }
            return commands;
        }
        Vec::new()
    }

    /// The books.
    pub fn books(&self) -> &Books {
        &self.books
    }

    /// Sets a token's tick size (read from the exchange): a token that
    /// waited for it after a tick refusal may post again, and one whose tick
    /// changed is quoted again.
    pub fn set_tick(&mut self, token: &TokenId, tick: Decimal) {
        let before = self.books.get(token).and_then(|b| b.tick);
        self.books.set_tick(token, tick);
        let waited = self.tick_unsure.remove(token);
        if (waited || before.is_some_and(|t| t != tick)) && !self.requote.contains(token) {
            self.requote.push(token.clone());
        }
    }

    /// Sets a token's minimum order size; smaller orders are refused by risk.
    pub fn set_min_order_size(&mut self, token: &TokenId, size: Decimal) {
        self.books.set_min_order_size(token, size);
    }

    /// Positions by token.
    pub fn positions(&self) -> &BTreeMap<TokenId, Decimal> {
        &self.positions
    }

    /// Orders still live (pending or open).
    pub fn open_orders(&self) -> impl Iterator<Item = &TrackedOrder> {
        self.orders.values()
    }

    /// Counters.
    pub fn stats(&self) -> &CoreStats {
        &self.stats
    }

    /// The kill switch.
    pub fn trading_state(&self) -> TradingState {
        self.risk.state()
    }

    /// Flips the kill switch. Halting cancels every live order; reducing
    /// cancels those that would not shrink their position; loosening it
    /// (halted → reducing → active) quotes again at once on the books known,
    /// at the time of the last market event, rather than at the next event.
    pub fn set_trading_state(&mut self, state: TradingState) -> Vec<Command> {
        let before = self.risk.state();
        if state < before {
            // An operator's resume after a loss limit halted: losses are
            // measured from here on.
            if let Some((_, pnl)) = self.day_pnl() {
                let total = pnl.total();
                if let Some(day) = self.day.as_mut().filter(|d| d.breached.is_some()) {
                    day.rearm(total);
                }
            }
        }
        self.risk.set_state(state);
        let mut commands = self.enforce_trading_state();
        if state < before {
            let tokens: Vec<TokenId> = self.books.tokens().cloned().collect();
            for token in tokens {
                commands.extend(self.quote_token(&token, self.last_event_ms));
            }
        }
        commands
    }

    fn wanted(&self, token: &TokenId) -> bool {
        (self.config.markets.is_empty() || self.config.markets.contains(token))
            && !self.closed.contains_key(token)
    }

    fn exposure(&self, token: &TokenId) -> Exposure {
        let mut e = Exposure {
            position: self.positions.get(token).copied().unwrap_or_default(),
            min_order_size: self
                .books
                .get(token)
                .and_then(|b| b.min_order_size)
                .unwrap_or_default(),
            unconfirmed: self.unconfirmed.get(token).copied().unwrap_or_default(),
            collateral_blocked: self.funds.collateral.is_some() && !self.funds.collateral_allowed,
            shares_on_exchange: self.funds.shares.get(token).map(|(held, _)| *held),
            shares_blocked: self.funds.shares.get(token).is_some_and(|(_, ok)| !ok),
            ..Exposure::default()
        };
        let mut committed = Decimal::ZERO;
        for o in self.orders.values() {
            e.open_orders += 1;
            if o.side == Side::Buy {
                committed += o.remaining() * o.price;
            }
            if &o.token != token {
                continue;
            }
            let remaining = o.remaining();
            match o.side {
                Side::Buy => e.resting_buys += remaining,
                Side::Sell => e.resting_sells += remaining,
            }
            e.resting_notional += remaining * o.price;
        }
        e.collateral_free = self.funds.collateral.map(|c| c - committed);
        e
    }

    fn cancel(&mut self, id: &ClientOrderId) -> Option<Command> {
        let order = self.orders.get_mut(id)?;
        if order.cancelling {
            return None;
        }
        order.cancelling = true;
        self.stats.cancels += 1;
        Some(Command::Cancel {
            client_id: id.clone(),
            hash: order.hash.clone(),
        })
    }

    /// One market event: update the book, ask the strategy, pass its orders
    /// through risk. Returns what to send.
    pub fn on_market(&mut self, event: &MarketEvent, now_ms: i64) -> Vec<Command> {
        self.stats.events += 1;
        self.apply_market(event, now_ms)
    }

    /// A change the exchange published in a book because of our own orders
    /// (the paper exchange's, for the one it simulates): applied and
    /// quoted on like a market event, not counted as one.
    pub fn on_book_update(&mut self, event: &MarketEvent, now_ms: i64) -> Vec<Command> {
        self.apply_market(event, now_ms)
    }

    fn apply_market(&mut self, event: &MarketEvent, now_ms: i64) -> Vec<Command> {
        self.first_ms.get_or_insert(now_ms);
        self.last_event_ms = now_ms;
        self.now_ms = self.now_ms.max(now_ms);
        let token = event.token();
        if self.own.watching(token) {
            let before = self.own.levels_now(token, self.books.get(token));
            self.books.apply(event);
            self.own
                .book_changed(token, &before, self.books.get(token), now_ms);
        } else {
            self.books.apply(event);
        }
        self.book_at.insert(event.token().clone(), now_ms);
        if let MarketEvent::TickSize { token, .. } = event {
            self.tick_unsure.remove(token);
        }
        self.roll_day(now_ms);
        if let Some(mid) = self.others_mid(event.token()) {
            self.last_mid.insert(event.token().clone(), mid);
        }
        if self
            .positions
            .get(event.token())
            .is_some_and(|p| !p.is_zero())
        {
            self.check_loss();
        }
        if let MarketEvent::Resolved { token, winner, .. } = event {
            let payout = if *winner { Decimal::ONE } else { Decimal::ZERO };
            return self.close_market(
                token,
                MarketClosure {
                    reason: "resolved".to_owned(),
                    payout: Some(payout),
                    at_ms: now_ms,
                },
            );
        }
        let mut commands = self.enforce_trading_state();
        commands.extend(self.quote_token(event.token(), now_ms));
        commands
    }

    /// Whether a token's book is too old to quote on (live market data). A
    /// token with no market event yet counts from the core's first moment
    /// (an order restored at the start waits for its book that long).
    fn is_stale(&self, token: &TokenId, now_ms: i64) -> bool {
        self.config.max_staleness_ms.is_some_and(|max| {
            let since = self.book_at.get(token).copied().or(self.first_ms);
            since.is_none_or(|at| now_ms - at > max)
        })
    }

    /// Time passes without market events (live): quotes on tokens whose book
    /// went stale are cancelled.
    pub fn on_clock(&mut self, now_ms: i64) -> Vec<Command> {
        self.first_ms.get_or_insert(now_ms);
        self.now_ms = self.now_ms.max(now_ms);
        self.own.expire(now_ms);
        // A side whose pause ended is quoted again now, not at the next event.
        let mut ended: Vec<TokenId> = Vec::new();
        for ((token, _), p) in self
            .backoff
            .iter_mut()
            .filter(|(_, p)| p.waiting && p.until_ms <= now_ms)
        {
            // Remembered (for the doubling) but no longer waited on.
            p.waiting = false;
            ended.push(token.clone());
        }
        for token in ended {
            self.requote_later(&token);
        }
        let mut commands = Vec::new();
        if self.config.max_staleness_ms.is_some() {
            let ids: Vec<ClientOrderId> = self
                .orders
                .values()
                .filter(|o| !o.cancelling && self.is_stale(&o.token, now_ms))
                .map(|o| o.client_id.clone())
                .collect();
            commands.extend(ids.into_iter().filter_map(|id| self.cancel(&id)));
        }
        if !self.requote.is_empty() {
            commands.extend(self.requote_pending());
        }
        commands
    }

    /// Pauses `token`'s `side` after a refusal: 1 s, then twice the last
    /// pause, up to 5 min; an accepted order ends it.
    fn pause(&mut self, token: &TokenId, side: Side, now_ms: i64) {
        let delay = self
            .backoff
            .get(&(token.clone(), side))
            .map_or(BACKOFF_FIRST_MS, |p| (p.delay_ms * 2).min(BACKOFF_MAX_MS));
        self.backoff.insert(
            (token.clone(), side),
            Pause {
                until_ms: now_ms.saturating_add(delay),
                delay_ms: delay,
                waiting: true,
            },
        );
    }

    /// Until when `token`'s `side` is paused after refusals, if it is.
    pub fn paused_until(&self, token: &TokenId, side: Side) -> Option<i64> {
        self.backoff
            .get(&(token.clone(), side))
            .map(|p| p.until_ms)
            .filter(|until| *until > self.now_ms())
    }

    /// A pending buy settled (confirmed or taken back): no longer unconfirmed.
    fn confirm(&mut self, token: &TokenId, side: Side, size: Decimal) {
        if side == Side::Buy {
            if let Some(u) = self.unconfirmed.get_mut(token) {
                *u = (*u - size).max(Decimal::ZERO);
            }
        }
    }

    /// Quotes again, at once, the tokens whose order ended or whose holding
    /// changed (rather than at their next market event).
    pub fn requote_pending(&mut self) -> Vec<Command> {
        let tokens = std::mem::take(&mut self.requote);
        let mut commands = self.enforce_trading_state();
        for token in tokens {
            commands.extend(self.quote_token(&token, self.now_ms.max(self.last_event_ms)));
        }
        commands
    }

    /// Marks a token to be quoted again by [`Self::requote_pending`]; not while
    /// halted, when nothing may be placed anyway.
    fn requote_later(&mut self, token: &TokenId) {
        if self.risk.state() != TradingState::Halted && !self.requote.contains(token) {
            self.requote.push(token.clone());
        }
    }

    /// Quoted tokens whose last market event is more than `older_than_ms`
    /// before `now_ms`.
    pub fn quiet_tokens(&self, now_ms: i64, older_than_ms: i64) -> Vec<TokenId> {
        self.book_at
            .iter()
            .filter(|(t, at)| self.wanted(t) && now_ms - **at > older_than_ms)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// Tokens whose book is stale now.
    pub fn stale_tokens(&self) -> Vec<TokenId> {
        self.book_at
            .keys()
            .filter(|t| self.is_stale(t, self.now_ms))
            .cloned()
            .collect()
    }

    /// Cancels every order the kill switch does not allow and no cancel is
    /// under way for (one whose cancel failed is cancelled again).
    fn enforce_trading_state(&mut self) -> Vec<Command> {
        let state = self.risk.state();
        if state == TradingState::Active {
            return Vec::new();
        }
        let ids: Vec<ClientOrderId> = self
            .orders
            .values()
            .filter(|o| !o.cancelling)
            .filter(|o| {
                state == TradingState::Halted
                    || !crate::risk::reduces_position(
                        o.side,
                        self.positions.get(&o.token).copied().unwrap_or_default(),
                    )
            })
            .map(|o| o.client_id.clone())
            .collect();
        ids.into_iter().filter_map(|id| self.cancel(&id)).collect()
    }

    /// Asks the strategy about one token and passes its orders through risk.
    fn quote_token(&mut self, token: &TokenId, now_ms: i64) -> Vec<Command> {
        let token = token.clone();
        if !self.wanted(&token) {
            return Vec::new();
        }
        // A book known only by its rules (no market event yet) is not
        // seen: nothing is decided on it, and what rests stays.
        if !self.book_at.contains_key(&token) {
            return Vec::new();
        }
        let Some(book) = self.books.get(&token) else {
            return Vec::new();
        };
        let tick = book.tick.unwrap_or(self.config.default_tick);
        let (best_bid, best_ask) = self.others_top(&token);
        let resting: Vec<RestingQuote> = self
            .orders
            .values()
            .filter(|o| o.token == token && !o.cancelling)
            .map(|o| RestingQuote {
                client_id: o.client_id.clone(),
                side: o.side,
                price: o.price,
                remaining: o.remaining(),
            })
            .collect();
        let state = QuoteState {
            token: &token,
            best_bid: best_bid.map(|(p, _)| p),
            best_ask: best_ask.map(|(p, _)| p),
            tick,
            position: self.positions.get(&token).copied().unwrap_or_default(),
            resting: &resting,
        };
        let decision = match self.half_spreads.get(&token) {
            Some(h) => quote(
                &QuoteParams {
                    half_spread: *h,
                    ..self.config.params.clone()
                },
                &state,
            ),
            None => quote(&self.config.params, &state),
        };
        let mut commands: Vec<Command> = decision
            .cancels
            .iter()
            .filter_map(|id| self.cancel(id))
            .collect();
        let stale = self.is_stale(&token, now_ms.max(self.now_ms));
        for q in decision.places {
            if stale {
                *self
                    .stats
                    .refused
                    .entry("stale_market_data".to_owned())
                    .or_default() += 1;
                continue;
            }
            if !self.posting_allowed {
                *self
                    .stats
                    .refused
                    .entry("heartbeat".to_owned())
                    .or_default() += 1;
                continue;
            }
            let waits = if self
                .backoff
                .get(&(token.clone(), q.side))
                .is_some_and(|p| p.until_ms > now_ms)
            {
                Some("backoff")
            } else if self.tick_unsure.contains(&token) {
                Some("tick_refresh")
            } else if match q.side {
                Side::Buy => self.collateral_unsure,
                Side::Sell => self.shares_unsure.contains(&token),
            } {
                Some("funds_refresh")
            } else {
                None
            };
            if let Some(why) = waits {
                *self.stats.refused.entry(why.to_owned()).or_default() += 1;
                continue;
            }
            let exposure = self.exposure(&token);
            match self.risk.check(q, &exposure, now_ms) {
                Verdict::Approved(q) => {
                    self.seq += 1;
                    let client_id =
                        ClientOrderId(format!("{}-{:06}", self.config.id_prefix, self.seq));
                    self.orders.insert(
                        client_id.clone(),
                        TrackedOrder {
                            client_id: client_id.clone(),
                            hash: None,
                            token: q.token.clone(),
                            side: q.side,
                            price: q.price,
                            size: q.size,
                            filled: Decimal::ZERO,
                            status: OrderStatus::Pending,
                            cancelling: false,
                        },
                    );
                    self.stats.placed += 1;
                    commands.push(Command::Place(OrderIntent {
                        client_id,
                        token_id: q.token,
                        side: q.side,
                        price: q.price,
                        size: q.size,
                        tick_size: tick,
                        created_ms: now_ms,
                    }));
                },
                Verdict::Refused(_, reason) => {
                    if matches!(
                        reason,
                        Refusal::NoFunds { .. } | Refusal::NoAllowance { .. }
                    ) {
                        self.funds_short = true;
                    }
                    *self
                        .stats
                        .refused
                        .entry(refusal_name(&reason).to_owned())
                        .or_default() += 1;
                },
            }
        }
        commands
    }

    /// A fill of an order the core no longer tracks (it landed after the
    /// cancel, or the order is from before a restart): the position moves
    /// all the same, so strategy and risk see every share held.
    pub fn on_untracked_fill(
        &mut self,
        token: &TokenId,
        side: Side,
        price: Decimal,
        size: Decimal,
        fee: Decimal,
    ) {
        self.stats.fills += 1;
        *self.positions.entry(token.clone()).or_default() += side.sign() * size;
        let now = self.now_ms();
        self.roll_day(now);
        if let Some(day) = &mut self.day {
            day.fill(token, side, price, size, fee, now);
        }
        self.check_loss();
    }

    /// An order of ours was refused: its side pauses; a funds or tick
    /// refusal waits for the balances or the tick to be read again; an
    /// account refusal halts trading (the main loop saves it).
    fn on_refused(&mut self, order: &TrackedOrder, cause: Refused, reason: &str) {
        if cause == Refused::NotSent {
            return;
        }
        let now = self.now_ms();
        self.pause(&order.token, order.side, now);
        match cause {
            Refused::Balance => {
                match order.side {
                    Side::Buy => self.collateral_unsure = true,
                    Side::Sell => {
                        self.shares_unsure.insert(order.token.clone());
                    },
                }
                self.wanted.balances = true;
            },
            Refused::TickSize | Refused::MinSize => {
                if cause == Refused::TickSize {
                    self.tick_unsure.insert(order.token.clone());
                }
                if !self.wanted.rules.contains(&order.token) {
                    self.wanted.rules.push(order.token.clone());
                }
            },
            c if c.halts() => {
                self.risk.set_state(TradingState::Halted);
                self.halt_request = Some((
                    "ploy (the exchange)".to_owned(),
                    format!(
                        "the exchange refused an order for the account ({}): {reason}; {}",
                        c.label(),
                        c.hint()
                    ),
                ));
            },
            _ => {},
        }
    }

    /// Applies what happened to an order.
    pub fn on_order(&mut self, event: &OrderEvent) {
        match event {
            OrderEvent::Accepted { client_id, hash } => {
                if let Some(o) = self.orders.get_mut(client_id) {
                    o.hash = Some(hash.clone());
                    o.status = OrderStatus::Open;
                    self.backoff.remove(&(o.token.clone(), o.side));
                }
            },
            OrderEvent::Rejected { client_id, reason } => {
                self.stats.rejected += 1;
                let cause = refusal::classify(reason);
                *self
                    .stats
                    .rejections
                    .entry(cause.label().to_owned())
                    .or_default() += 1;
                if let Some(o) = self.orders.remove(client_id) {
                    self.on_refused(&o, cause, reason);
                }
            },
            OrderEvent::Cancelled { client_id } | OrderEvent::Withdrawn { client_id } => {
                if let Some(o) = self.orders.remove(client_id) {
                    if o.status == OrderStatus::Open {
                        // The book may show it a while yet.
                        let now = self.now_ms.max(self.last_event_ms);
                        self.own.left(&o.token, o.side, o.price, o.remaining(), now);
                    }
                    // Ours or the exchange's: what it held is free again.
                    self.requote_later(&o.token);
                }
            },
            OrderEvent::CancelFailed { client_id } => {
                if let Some(o) = self.orders.get_mut(client_id) {
                    o.cancelling = false;
                }
            },
            OrderEvent::Unsettled { client_id, hash } => {
                if let Some(o) = self.orders.get_mut(client_id) {
                    if o.hash.is_none() {
                        o.hash = hash.clone();
                    }
                }
            },
            OrderEvent::FillPending {
                token_id,
                side,
                size,
            } => {
                if *side == Side::Buy {
                    *self.unconfirmed.entry(token_id.clone()).or_default() += *size;
                }
            },
            OrderEvent::FillConfirmed {
                token_id,
                side,
                size,
            } => {
                self.confirm(token_id, *side, *size);
                // The confirmed shares may be offered now.
                self.requote_later(token_id);
            },
            OrderEvent::FillReversed {
                client_id,
                token_id,
                side,
                price,
                size,
                fee,
            } => {
                self.confirm(token_id, *side, *size);
                *self.positions.entry(token_id.clone()).or_default() -= side.sign() * *size;
                let now = self.now_ms();
                if let Some(day) = &mut self.day {
                    day.reverse(token_id, *side, *price, *size, *fee, now);
                }
                self.check_loss();
                if let Some(o) = self.orders.get_mut(client_id) {
                    o.filled = (o.filled - *size).max(Decimal::ZERO);
                }
                // What is quoted depends on what is held: quote again now.
                self.requote_later(token_id);
            },
            OrderEvent::Filled {
                client_id,
                size,
                price,
                fee,
                ts_ms,
                ..
            } => {
                self.stats.fills += 1;
                let now = self.now_ms();
                self.roll_day(now);
                let Some(o) = self.orders.get_mut(client_id) else {
                    return;
                };
                if let Some(day) = &mut self.day {
                    day.fill(&o.token, o.side, *price, *size, *fee, *ts_ms);
                }
                o.filled += *size;
                if o.status == OrderStatus::Open {
                    let now = self.now_ms.max(self.last_event_ms);
                    self.own.left(&o.token, o.side, o.price, *size, now);
                }
                let signed = o.side.sign() * *size;
                *self.positions.entry(o.token.clone()).or_default() += signed;
                if o.filled >= o.size {
                    self.orders.remove(client_id);
                }
                self.check_loss();
            },
        }
    }
}

/// A short name for a refusal (metric label, report key).
pub fn refusal_name(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::Halted => "halted",
        Refusal::ReducingOnly => "reducing_only",
        Refusal::MaxPosition { .. } => "max_position",
        Refusal::MaxNotional { .. } => "max_notional",
        Refusal::MaxOpenOrders { .. } => "max_open_orders",
        Refusal::MaxOrderRate { .. } => "max_order_rate",
        Refusal::NoInventory { .. } => "no_inventory",
        Refusal::NoFunds { .. } => "funds",
        Refusal::NoAllowance { .. } => "allowance",
        Refusal::BelowMinimumSize { .. } => "below_minimum_size",
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::config::RiskConfig;
    use crate::market_data::Level;

    fn core() -> TradingCore {
        TradingCore::new(
            CoreConfig {
                params: QuoteParams {
                    half_spread: dec!(0.02),
                    order_size: dec!(5),
                    inventory_skew: dec!(0.01),
                    requote_ticks: 1,
                    max_position: dec!(100),
                },
                markets: Vec::new(),
                default_tick: dec!(0.01),
                id_prefix: "t".into(),
                max_staleness_ms: None,
                loss_limits: Default::default(),
            },
            RiskEngine::new(RiskConfig::default()),
        )
    }

    fn book(bid: Decimal, ask: Decimal) -> MarketEvent {
        MarketEvent::Book {
            token: "1".into(),
            bids: vec![Level {
                price: bid,
                size: dec!(50),
            }],
            asks: vec![Level {
                price: ask,
                size: dec!(50),
            }],
            ts_ms: 0,
        }
    }

    #[test]
    fn an_event_becomes_an_approved_order_then_a_fill_moves_the_position() {
        let mut c = core();
        let cmds = c.on_market(&book(dec!(0.48), dec!(0.52)), 1_000);
        let Command::Place(intent) = &cmds[0] else {
            panic!("{cmds:?}")
        };
        assert_eq!(
            (intent.side, intent.price, intent.size),
            (Side::Buy, dec!(0.48), dec!(5))
        );
        assert_eq!(intent.client_id.as_str(), "t-000001");
        // The same book again changes nothing: the quote is pending.
        assert!(c.on_market(&book(dec!(0.48), dec!(0.52)), 1_001).is_empty());
        c.on_order(&OrderEvent::Accepted {
            client_id: intent.client_id.clone(),
            hash: "0xh".into(),
        });
        c.on_order(&OrderEvent::Filled {
            client_id: intent.client_id.clone(),
            trade_id: "x".into(),
            price: dec!(0.48),
            size: dec!(5),
            fee: dec!(0),
            ts_ms: 1_002,
        });
        assert_eq!(c.positions()[&TokenId::from("1")], dec!(5));
        assert_eq!(c.open_orders().count(), 0);
        // Now holding 5: a new bid and an ask.
        let cmds = c.on_market(&book(dec!(0.48), dec!(0.52)), 1_003);
        assert_eq!(cmds.len(), 2, "{cmds:?}");
    }

    #[test]
    fn a_loss_past_the_daily_limit_halts_at_once_and_asks_the_kill_switch() {
        let mut c = core();
        c.config.loss_limits = LossLimits {
            max_daily_loss: Some(dec!(1)),
            max_drawdown: None,
        };
        let cmds = c.on_market(&book(dec!(0.48), dec!(0.52)), 1_000);
        let Command::Place(bid) = &cmds[0] else {
            panic!("{cmds:?}")
        };
        c.on_order(&OrderEvent::Accepted {
            client_id: bid.client_id.clone(),
            hash: "0xh".into(),
        });
        c.on_order(&OrderEvent::Filled {
            client_id: bid.client_id.clone(),
            trade_id: "x".into(),
            price: dec!(0.48),
            size: dec!(5),
            fee: dec!(0),
            ts_ms: 1_001,
        });
        assert!(c.take_halt_request().is_none());
        // The book falls: 5 × (0.30 − 0.48) = −0.90, within the limit.
        c.on_market(&book(dec!(0.28), dec!(0.32)), 1_002);
        assert!(c.take_halt_request().is_none());
        assert_eq!(c.day_pnl().unwrap().1.total(), dec!(-0.90));
        // −1.15: past it. Halted at once, nothing new placed, asked to save.
        let cmds = c.on_market(&book(dec!(0.23), dec!(0.27)), 1_003);
        assert!(
            cmds.iter().all(|c| !matches!(c, Command::Place(_))),
            "{cmds:?}"
        );
        assert_eq!(c.trading_state(), TradingState::Halted);
        let (by, reason) = c.take_halt_request().expect("a halt to save");
        assert_eq!(by, "risk");
        assert!(reason.contains("loss of 1.15 USDC"), "{reason}");
        // The operator resumes: the same loss does not halt again.
        c.set_trading_state(TradingState::Active);
        c.on_market(&book(dec!(0.23), dec!(0.27)), 1_004);
        assert!(c.take_halt_request().is_none());
        assert_eq!(c.trading_state(), TradingState::Active);
    }

    #[test]
    fn stale_books_lose_their_quotes_and_get_none() {
        let mut c = core();
        c.config.max_staleness_ms = Some(1_000);
        let cmds = c.on_market(&book(dec!(0.48), dec!(0.52)), 10_000);
        let Command::Place(intent) = &cmds[0] else {
            panic!("{cmds:?}")
        };
        c.on_order(&OrderEvent::Accepted {
            client_id: intent.client_id.clone(),
            hash: "0xh".into(),
        });
        assert!(c.on_clock(10_900).is_empty(), "fresh enough");
        let cancels = c.on_clock(11_100);
        assert!(
            matches!(&cancels[..], [Command::Cancel { .. }]),
            "{cancels:?}"
        );
        assert_eq!(c.stale_tokens(), vec![TokenId::from("1")]);
        c.on_order(&OrderEvent::Cancelled {
            client_id: intent.client_id.clone(),
        });
        // Loosening the kill switch requotes, but not on a stale book.
        c.set_trading_state(TradingState::Halted);
        assert!(c.set_trading_state(TradingState::Active).is_empty());
        assert_eq!(c.stats().refused["stale_market_data"], 1);
        // Fresh data: quoting again.
        assert_eq!(c.on_market(&book(dec!(0.50), dec!(0.54)), 11_200).len(), 1);
    }

    #[test]
    fn an_untracked_fill_moves_the_position_and_a_failed_cancel_is_retried() {
        let mut c = core();
        c.on_untracked_fill(&TokenId::from("1"), Side::Buy, dec!(0.5), dec!(5), dec!(0));
        assert_eq!(c.positions()[&TokenId::from("1")], dec!(5));
        let cmds = c.on_market(&book(dec!(0.48), dec!(0.52)), 0);
        assert!(
            cmds.iter()
                .any(|c| matches!(c, Command::Place(i) if i.side == Side::Sell)),
            "{cmds:?}"
        );
        let ids: Vec<ClientOrderId> = c.open_orders().map(|o| o.client_id.clone()).collect();
        for id in &ids {
            c.on_order(&OrderEvent::Accepted {
                client_id: id.clone(),
                hash: "0xh".into(),
            });
        }
        let cancels = c.set_trading_state(TradingState::Halted);
        assert_eq!(cancels.len(), ids.len());
        c.on_order(&OrderEvent::CancelFailed {
            client_id: ids[0].clone(),
        });
        let again = c.on_market(&book(dec!(0.48), dec!(0.52)), 1);
        assert!(
            matches!(&again[..], [Command::Cancel { client_id, .. }] if client_id == &ids[0]),
            "the failed cancel is sent again at the next event: {again:?}"
        );
        c.on_order(&OrderEvent::Withdrawn {
            client_id: ids[1].clone(),
        });
        assert!(c.open_orders().all(|o| o.client_id != ids[1]));
    }

    #[test]
    fn an_asks_replacement_is_placed_the_moment_the_old_ask_is_cancelled() {
        let mut c = core();
        let mut positions = BTreeMap::new();
        positions.insert(TokenId::from("1"), dec!(5));
        c.restore(positions, Vec::new());
        let first = c.on_market(&book(dec!(0.48), dec!(0.52)), 0);
        for cmd in &first {
            if let Command::Place(i) = cmd {
                c.on_order(&OrderEvent::Accepted {
                    client_id: i.client_id.clone(),
                    hash: format!("0x{}", i.client_id).as_str().into(),
                });
            }
        }
        let ask = c
            .open_orders()
            .find(|o| o.side == Side::Sell)
            .expect("an ask on the 5 shares held")
            .client_id
            .clone();
        // The market moves: both quotes are replaced, but the new ask would
        // offer shares the old one still offers, so it waits for the cancel.
        let moved = c.on_market(&book(dec!(0.58), dec!(0.62)), 1);
        assert!(
            moved
                .iter()
                .any(|c| matches!(c, Command::Cancel { client_id, .. } if client_id == &ask)),
            "{moved:?}"
        );
        assert!(
            !moved
                .iter()
                .any(|c| matches!(c, Command::Place(i) if i.side == Side::Sell)),
            "{moved:?}"
        );
        assert_eq!(c.stats().refused["no_inventory"], 1);
        c.on_order(&OrderEvent::Cancelled { client_id: ask });
        let replaced = c.requote_pending();
        assert!(
            matches!(&replaced[..], [Command::Place(i)] if i.side == Side::Sell && i.price == dec!(0.62)),
            "the ask is replaced at once, not at the next market event: {replaced:?}"
        );
    }

    #[test]
    fn a_resolved_market_is_cancelled_and_never_quoted_again() {
        let mut c = core();
        let cmds = c.on_market(&book(dec!(0.48), dec!(0.52)), 0);
        let Command::Place(intent) = &cmds[0] else {
            panic!("{cmds:?}")
        };
        c.on_order(&OrderEvent::Accepted {
            client_id: intent.client_id.clone(),
            hash: "0xh".into(),
        });
        let resolved = c.on_market(
            &MarketEvent::Resolved {
                token: "1".into(),
                winner: true,
                ts_ms: 5,
            },
            5,
        );
        assert!(
            matches!(&resolved[..], [Command::Cancel { client_id, .. }] if client_id == &intent.client_id),
            "{resolved:?}"
        );
        assert_eq!(
            c.closed_markets()[&TokenId::from("1")].payout,
            Some(Decimal::ONE)
        );
        c.on_order(&OrderEvent::Cancelled {
            client_id: intent.client_id.clone(),
        });
        assert!(
            c.requote_pending().is_empty(),
            "no re-quote on a closed market"
        );
        assert!(c.on_market(&book(dec!(0.40), dec!(0.60)), 6).is_empty());
        assert!(c.set_trading_state(TradingState::Halted).is_empty());
        assert!(c.set_trading_state(TradingState::Active).is_empty());
    }

    #[test]
    fn the_kill_switch_stops_new_orders_within_one_event() {
        let mut c = core();
        let cmds = c.on_market(&book(dec!(0.48), dec!(0.52)), 0);
        let Command::Place(intent) = &cmds[0] else {
            panic!()
        };
        c.on_order(&OrderEvent::Accepted {
            client_id: intent.client_id.clone(),
            hash: "0xh".into(),
        });
        let cancels = c.set_trading_state(TradingState::Halted);
        assert!(
            matches!(&cancels[..], [Command::Cancel { hash: Some(_), .. }]),
            "halting cancels what rests: {cancels:?}"
        );
        c.on_order(&OrderEvent::Cancelled {
            client_id: intent.client_id.clone(),
        });
        let next = c.on_market(&book(dec!(0.40), dec!(0.60)), 1);
        assert!(
            next.iter().all(|c| !matches!(c, Command::Place(_))),
            "{next:?}"
        );
        assert_eq!(c.stats().refused.get("halted"), Some(&1));
        let resumed = c.set_trading_state(TradingState::Active);
        let [Command::Place(again)] = &resumed[..] else {
            panic!("resuming quotes at once on the known book: {resumed:?}")
        };
        assert_eq!(again.created_ms, 1, "at the last event's time");
        assert!(
            c.on_market(&book(dec!(0.40), dec!(0.60)), 2).is_empty(),
            "the same book needs nothing more"
        );
    }

    #[test]
    fn reducing_cancels_what_would_grow_the_position_and_keeps_the_rest() {
        let mut c = core();
        let mut positions = BTreeMap::new();
        positions.insert(TokenId::from("t"), dec!(5));
        let resting = |id: &str, side| TrackedOrder {
            client_id: id.into(),
            hash: Some("0xh".into()),
            token: "t".into(),
            side,
            price: dec!(0.5),
            size: dec!(5),
            filled: dec!(0),
            status: OrderStatus::Open,
            cancelling: false,
        };
        c.restore(
            positions,
            vec![resting("buy", Side::Buy), resting("sell", Side::Sell)],
        );
        let cancels = c.set_trading_state(TradingState::Reducing);
        assert_eq!(
            cancels,
            vec![Command::Cancel {
                client_id: "buy".into(),
                hash: Some("0xh".into()),
            }],
            "the sell shrinks a long position and stays"
        );
        assert!(
            c.set_trading_state(TradingState::Halted).len() == 1,
            "halting cancels the sell too"
        );
    }

    #[test]
    fn a_moved_market_cancels_and_requotes() {
        let mut c = core();
        let first = c.on_market(&book(dec!(0.48), dec!(0.52)), 0);
        let Command::Place(intent) = &first[0] else {
            panic!()
        };
        c.on_order(&OrderEvent::Accepted {
            client_id: intent.client_id.clone(),
            hash: "0xh".into(),
        });
        let cmds = c.on_market(&book(dec!(0.58), dec!(0.62)), 1);
        assert!(
            matches!(&cmds[0], Command::Cancel { client_id, .. } if client_id == &intent.client_id)
        );
        assert!(matches!(&cmds[1], Command::Place(i) if i.price == dec!(0.58)));
        // A rejected order is forgotten.
        let Command::Place(next) = &cmds[1] else {
            panic!()
        };
        c.on_order(&OrderEvent::Rejected {
            client_id: next.client_id.clone(),
            reason: "x".into(),
        });
        assert_eq!(c.open_orders().filter(|o| !o.cancelling).count(), 0);
    }
}
/// An order restored at the start waits for its token's first book.
#[cfg(test)]
mod restored {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::config::RiskConfig;
    use crate::market_data::Level;

    #[test]
    fn a_restored_quote_in_the_published_book_is_kept() {
        let mut c = TradingCore::new(
            CoreConfig {
                params: QuoteParams {
                    half_spread: dec!(0.02),
                    order_size: dec!(5),
                    inventory_skew: dec!(0.01),
                    requote_ticks: 1,
                    max_position: dec!(100),
                },
                markets: Vec::new(),
                default_tick: dec!(0.01),
                id_prefix: "t".into(),
                max_staleness_ms: Some(61_000),
                loss_limits: Default::default(),
            },
            RiskEngine::new(RiskConfig::default()),
        );
        c.set_tick(&"1".into(), dec!(0.01));
        c.set_min_order_size(&"1".into(), dec!(5));
        c.restore(
            BTreeMap::new(),
            vec![TrackedOrder {
                client_id: "old".into(),
                hash: Some("0xh".into()),
                token: "1".into(),
                side: Side::Buy,
                price: dec!(0.48),
                size: dec!(5),
                filled: dec!(0),
                status: OrderStatus::Open,
                cancelling: false,
            }],
        );
        let _ = c.set_funds(Funds {
            collateral: Some(dec!(1000000)),
            collateral_allowed: true,
            shares: BTreeMap::new(),
        });
        // A clock tick before the first book: not stale yet.
        assert!(c.on_clock(1_796_694_869_100).is_empty());
        let cmds = c.on_market(
            &MarketEvent::Book {
                token: "1".into(),
                bids: vec![Level {
                    price: dec!(0.48),
                    size: dec!(105),
                }],
                asks: vec![Level {
                    price: dec!(0.52),
                    size: dec!(100),
                }],
                ts_ms: 1_796_694_869_000,
            },
            1_796_694_869_160,
        );
        assert!(cmds.is_empty(), "{cmds:?}");
        // No book for longer than max_staleness: then it goes.
        let mut late = c.clone();
        late.book_at.clear();
        assert_eq!(late.on_clock(1_796_694_869_100 + 61_001).len(), 1);
    }
}
