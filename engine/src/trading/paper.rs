//! The paper exchange: a simulated matching engine fed by the real market data,
//! in event time.
//!
//! Our orders are post-only (an order that would cross when it arrives is
//! rejected, as the exchange does). A resting order joins the back of its
//! price level: the size already there is ahead of it. It fills, as maker, in
//! price-time order when a trade prints through it (trades at its price first
//! use up the size ahead of it) or when the opposite side of the book moves
//! onto its price. Fills may be partial; fees come from `[paper]`.
//!
//! A market's two outcome tokens match across each other, as on the
//! exchange: a bid for one at q and a bid for the other at p trade when
//! p + q ≥ 1 (the pair is minted), an ask at q and an ask for the other at p
//! when p + q ≤ 1 (merged). So a post-only order that would cross the other
//! outcome's book is refused, and a resting order fills when the other
//! outcome's book or trades reach it ([`PaperExchange::set_complements`]).
//!
//! The simulated account has a balance: `[paper] collateral` USDC at the
//! start, and the shares its fills bought. An order the account cannot pay
//! for (a bid's cost beyond the collateral its resting bids leave free, an
//! ask beyond the shares its resting asks leave) is refused with the
//! exchange's words, as is an order off the market's tick.
//!
//! Latency: an order reaches the book `[paper] post_latency` after it is sent,
//! and a cancel takes effect `cancel_latency` after it is sent; in between the
//! market moves on, so a quote can be picked off on a stale price and a fill
//! can beat a cancel, as live. We learn each answer when it takes effect. A
//! cancel of an order whose post has not been answered waits for that answer
//! and then goes (as the live executor does), so a cancel never overtakes its
//! order.
//!
//! The book it publishes holds our resting orders, as the real exchange's
//! does: every market event the core sees has our size added at its levels
//! ([`PaperExchange::publish`]), and each change of our resting orders (one
//! rests, is cancelled, fills) is published as the level's new size
//! ([`PaperEvent::Published`]), after the answer or fill that caused it. So
//! paper and replay show the feedback a live quoter gets from its own orders.
//!
//! The exchange sends a trade as a `last_trade_price` and the level it took
//! from as a `price_change`, in either order. A level that shrinks moves our
//! queue position up at once; the trade that explains the shrink (at that
//! level, within [`EXPLAIN_MS`]) then does not move it again, so the same
//! volume is never counted twice whichever message comes first.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::core::{Command, OrderEvent};
use crate::config::PaperConfig;
use crate::market_data::{Books, Level, MarketEvent};
use crate::orders::{ClientOrderId, OrderHash, OrderIntent, Side, TokenId};

/// A shrink of a level and the trade that caused it arrive within this much
/// event time of each other.
pub const EXPLAIN_MS: i64 = 1_000;

/// The order ID a paper order gets: `0x` + sha256 of our ID (stable across runs).
pub fn paper_hash(client_id: &ClientOrderId) -> OrderHash {
    let digest = Sha256::digest(client_id.as_str().as_bytes());
    OrderHash(format!(
        "0x{}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ))
}

/// A fill of one of our paper orders, with the order's token and side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperFill {
    /// Our order.
    pub client_id: ClientOrderId,
    /// The simulated trade (`paper-00000001`, …).
    pub trade_id: String,
    /// Token.
    pub token: TokenId,
    /// Our side.
    pub side: Side,
    /// Price.
    pub price: Decimal,
    /// Shares.
    pub size: Decimal,
    /// Fee.
    pub fee: Decimal,
    /// Event time.
    pub ts_ms: i64,
}

impl PaperFill {
    /// The core's view of it.
    pub fn event(&self) -> OrderEvent {
        OrderEvent::Filled {
            client_id: self.client_id.clone(),
            trade_id: self.trade_id.clone(),
            price: self.price,
            size: self.size,
            fee: self.fee,
            ts_ms: self.ts_ms,
        }
    }
}

/// What the simulated exchange did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaperEvent {
    /// An answer: accepted, rejected or cancelled.
    Answer(OrderEvent),
    /// A fill.
    Fill(PaperFill),
    /// A level of the published book changed because our orders there
    /// did (its new size, ours included).
    Published(MarketEvent),
}

#[derive(Debug, Clone)]
struct SimOrder {
    client_id: ClientOrderId,
    token: TokenId,
    side: Side,
    price: Decimal,
    remaining: Decimal,
    queue_ahead: Decimal,
    seq: u64,
}

/// Something on its way to the exchange.
#[derive(Debug, Clone)]
enum Arrival {
    Place(OrderIntent),
    Cancel(ClientOrderId),
}

/// The simulated exchange.
#[derive(Debug, Clone)]
pub struct PaperExchange {
    books: Books,
    resting: Vec<SimOrder>,
    config: PaperConfig,
    seq: u64,
    trades: u64,
    /// What is on its way, by (arrival time, order sent).
    in_flight: BTreeMap<(i64, u64), Arrival>,
    /// Orders whose cancel came before their post was answered.
    cancel_on_answer: BTreeSet<ClientOrderId>,
    /// Volume by which a level shrank that no trade has explained yet, with
    /// when: (token, the makers' side, price) → (volume, event time).
    unexplained_shrink: BTreeMap<LevelKey, (Decimal, i64)>,
    /// Volume traded at a level that no shrink has shown yet, likewise.
    unexplained_trade: BTreeMap<LevelKey, (Decimal, i64)>,
    /// Each token's other outcome in its market.
    complements: BTreeMap<TokenId, TokenId>,
    /// The simulated account's collateral (USDC).
    collateral: Decimal,
    /// Its shares, by token.
    shares: BTreeMap<TokenId, Decimal>,
}

/// A price level: token, the makers' side, price.
type LevelKey = (TokenId, Side, Decimal);

/// Takes up to `volume` off the entry at `key` if it is within
/// [`EXPLAIN_MS`] of `ts_ms`; returns what it took.
fn take_unexplained(
    map: &mut BTreeMap<LevelKey, (Decimal, i64)>,
    key: &LevelKey,
    volume: Decimal,
    ts_ms: i64,
) -> Decimal {
    let Some((left, at)) = map.get_mut(key) else {
        return Decimal::ZERO;
    };
    if (ts_ms - *at).abs() > EXPLAIN_MS {
        map.remove(key);
        return Decimal::ZERO;
    }
    let taken = (*left).min(volume);
    *left -= taken;
    if left.is_zero() {
        map.remove(key);
    }
    taken
}

/// Adds `volume` to the entry at `key`, dated `ts_ms`.
fn add_unexplained(
    map: &mut BTreeMap<LevelKey, (Decimal, i64)>,
    key: LevelKey,
    volume: Decimal,
    ts_ms: i64,
) {
    if volume > Decimal::ZERO {
        let entry = map.entry(key).or_insert((Decimal::ZERO, ts_ms));
        entry.0 += volume;
        entry.1 = ts_ms;
    }
}

impl PaperExchange {
    /// An exchange with no orders.
    pub fn new(config: PaperConfig) -> Self {
        Self {
            books: Books::default(),
            resting: Vec::new(),
            seq: 0,
            trades: 0,
            in_flight: BTreeMap::new(),
            cancel_on_answer: BTreeSet::new(),
            unexplained_shrink: BTreeMap::new(),
            unexplained_trade: BTreeMap::new(),
            complements: BTreeMap::new(),
            collateral: config.collateral,
            shares: BTreeMap::new(),
            config,
        }
    }

    /// Names each market's two outcome tokens, so they match across each
    /// other.
    pub fn set_complements(&mut self, pairs: &[(TokenId, TokenId)]) {
        for (a, b) in pairs {
            self.complements.insert(a.clone(), b.clone());
            self.complements.insert(b.clone(), a.clone());
        }
    }

    /// Whether an order on `token` at `price` would trade with the other
    /// outcome's book now: a bid against its bids (p + q ≥ 1), an ask
    /// against its asks (p + q ≤ 1).
    fn crosses_complement(&self, token: &TokenId, side: Side, price: Decimal) -> bool {
        let Some(book) = self.complements.get(token).and_then(|c| self.books.get(c)) else {
            return false;
        };
        match side {
            Side::Buy => book
                .best_bid()
                .is_some_and(|(p, _)| p + price >= Decimal::ONE),
            Side::Sell => book
                .best_ask()
                .is_some_and(|(p, _)| p + price <= Decimal::ONE),
        }
    }

    /// The other outcome's book or trade reached our orders: a bid (or a
    /// taker buy) for it at `price` fills our bids at 1 − `price` or more;
    /// an ask (or a taker sell) our asks at 1 − `price` or less. Up to `size`.
    fn match_complement(
        &mut self,
        token: &TokenId,
        side: Side,
        price: Decimal,
        size: Decimal,
        ts_ms: i64,
        out: &mut Vec<PaperEvent>,
    ) {
        let Some(ours) = self.complements.get(token).cloned() else {
            return;
        };
        let mut available = size;
        for i in self.priority(&ours, side) {
            if available <= Decimal::ZERO {
                break;
            }
            let o = &self.resting[i];
            let reached = match side {
                Side::Buy => o.price + price >= Decimal::ONE,
                Side::Sell => o.price + price <= Decimal::ONE,
            };
            if !reached {
                break;
            }
            let take = o.remaining.min(available);
            available -= take;
            self.fill(i, take, ts_ms, out);
        }
    }

    /// Starts the account holding these shares (positions kept from before
    /// a restart).
    pub fn hold(&mut self, positions: &BTreeMap<TokenId, Decimal>) {
        for (token, size) in positions {
            if *size > Decimal::ZERO {
                self.shares.insert(token.clone(), *size);
            }
        }
    }

    /// What the simulated account holds, as `GET /balance-allowance` says it.
    pub fn funds(&self) -> crate::risk::Funds {
        crate::risk::Funds {
            collateral: Some(self.collateral),
            collateral_allowed: true,
            shares: self
                .shares
                .iter()
                .map(|(t, s)| (t.clone(), (*s, true)))
                .collect(),
        }
    }

    /// A token's tick size, when the market data named it.
    pub fn tick(&self, token: &TokenId) -> Option<Decimal> {
        self.books.get(token).and_then(|b| b.tick)
    }

    /// Orders resting in the simulator.
    pub fn resting(&self) -> usize {
        self.resting.len()
    }

    /// Orders and cancels on their way.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Our resting size at a level.
    fn ours_at(&self, token: &TokenId, side: Side, price: Decimal) -> Decimal {
        self.resting
            .iter()
            .filter(|o| &o.token == token && o.side == side && o.price == price)
            .map(|o| o.remaining)
            .sum()
    }

    /// The level as published now: the market's size there and ours.
    fn published_level(
        &self,
        token: &TokenId,
        side: Side,
        price: Decimal,
        ts_ms: i64,
    ) -> PaperEvent {
        let market = self
            .books
            .get(token)
            .map(|b| b.size_at(side, price))
            .unwrap_or_default();
        PaperEvent::Published(MarketEvent::PriceChange {
            token: token.clone(),
            side,
            level: Level {
                price,
                size: market + self.ours_at(token, side, price),
            },
            ts_ms,
        })
    }

    /// A market event as this exchange publishes it: with our resting size
    /// added at every level it shows.
    pub fn publish(&self, event: &MarketEvent) -> MarketEvent {
        match event {
            MarketEvent::PriceChange {
                token,
                side,
                level,
                ts_ms,
            } => MarketEvent::PriceChange {
                token: token.clone(),
                side: *side,
                level: Level {
                    price: level.price,
                    size: level.size + self.ours_at(token, *side, level.price),
                },
                ts_ms: *ts_ms,
            },
            MarketEvent::Book {
                token,
                bids,
                asks,
                ts_ms,
            } if self.resting.iter().any(|o| &o.token == token) => {
                let with_ours = |levels: &[Level], side: Side| {
                    let mut by_price: BTreeMap<Decimal, Decimal> =
                        levels.iter().map(|l| (l.price, l.size)).collect();
                    for o in self
                        .resting
                        .iter()
                        .filter(|o| &o.token == token && o.side == side)
                    {
                        *by_price.entry(o.price).or_default() += o.remaining;
                    }
                    let mut out: Vec<Level> = by_price
                        .into_iter()
                        .map(|(price, size)| Level { price, size })
                        .collect();
                    if side == Side::Buy {
                        out.reverse();
                    }
                    out
                };
                MarketEvent::Book {
                    token: token.clone(),
                    bids: with_ours(bids, Side::Buy),
                    asks: with_ours(asks, Side::Sell),
                    ts_ms: *ts_ms,
                }
            },
            other => other.clone(),
        }
    }

    /// Our resting quotes are makers: Polymarket's model, maker side.
    fn fee(&self, price: Decimal, size: Decimal) -> Decimal {
        self.config.fee_model().fee(size, price, false)
    }

    fn latency_ms(latency: std::time::Duration) -> i64 {
        i64::try_from(latency.as_millis()).unwrap_or(i64::MAX / 4)
    }

    /// Sends a command at event time `now_ms`. With no latency its answer
    /// comes at once; otherwise it is on its way until [`Self::advance`]
    /// passes its arrival.
    pub fn submit(&mut self, command: &Command, now_ms: i64) -> Vec<PaperEvent> {
        match command {
            Command::Place(intent) => {
                let at = now_ms.saturating_add(Self::latency_ms(self.config.post_latency));
                self.send(at, Arrival::Place(intent.clone()));
            },
            Command::Cancel { client_id, .. } => {
                let placing = self
                    .in_flight
                    .values()
                    .any(|a| matches!(a, Arrival::Place(i) if &i.client_id == client_id));
                if placing {
                    // Its post is not answered yet: the cancel goes after it.
                    self.cancel_on_answer.insert(client_id.clone());
                } else {
                    let at = now_ms.saturating_add(Self::latency_ms(self.config.cancel_latency));
                    self.send(at, Arrival::Cancel(client_id.clone()));
                }
            },
        }
        self.advance(now_ms)
    }

    fn send(&mut self, at: i64, arrival: Arrival) {
        self.seq += 1;
        self.in_flight.insert((at, self.seq), arrival);
    }

    /// Applies everything that arrives by event time `now_ms`, in order.
    pub fn advance(&mut self, now_ms: i64) -> Vec<PaperEvent> {
        let mut out = Vec::new();
        while let Some(entry) = self.in_flight.first_entry() {
            if entry.key().0 > now_ms {
                break;
            }
            let ((at, _), arrival) = entry.remove_entry();
            out.extend(self.arrive(at, arrival));
        }
        out
    }

    /// Applies everything still on its way (at shutdown).
    pub fn flush(&mut self) -> Vec<PaperEvent> {
        self.advance(i64::MAX)
    }

    fn arrive(&mut self, at: i64, arrival: Arrival) -> Vec<PaperEvent> {
        match arrival {
            Arrival::Place(intent) => {
                let answer = self.place_now(&intent);
                let rests = matches!(answer, OrderEvent::Accepted { .. });
                if self.cancel_on_answer.remove(&intent.client_id) && rests {
                    let when = at.saturating_add(Self::latency_ms(self.config.cancel_latency));
                    self.send(when, Arrival::Cancel(intent.client_id.clone()));
                }
                let mut out = vec![PaperEvent::Answer(answer)];
                if rests {
                    out.push(self.published_level(&intent.token_id, intent.side, intent.price, at));
                }
                out
            },
            Arrival::Cancel(client_id) => {
                // Cancelled now, or gone already (filled): either way it is
                // over, and the core forgets it.
                let gone = self
                    .resting
                    .iter()
                    .find(|o| o.client_id == client_id)
                    .map(|o| (o.token.clone(), o.side, o.price));
                self.resting.retain(|o| o.client_id != client_id);
                let mut out = vec![PaperEvent::Answer(OrderEvent::Cancelled { client_id })];
                if let Some((token, side, price)) = gone {
                    out.push(self.published_level(&token, side, price, at));
                }
                out
            },
        }
    }

    /// An order reaching the book: accepted and resting, or rejected if it
    /// would cross.
    fn place_now(&mut self, intent: &OrderIntent) -> OrderEvent {
        if let Some(reason) = self.refusal(intent) {
            return OrderEvent::Rejected {
                client_id: intent.client_id.clone(),
                reason,
            };
        }
        let book = self.books.get(&intent.token_id);
        let crosses = match intent.side {
            Side::Buy => book
                .and_then(|b| b.best_ask())
                .is_some_and(|(ask, _)| intent.price >= ask),
            Side::Sell => book
                .and_then(|b| b.best_bid())
                .is_some_and(|(bid, _)| intent.price <= bid),
        };
        if crosses || self.crosses_complement(&intent.token_id, intent.side, intent.price) {
            return OrderEvent::Rejected {
                client_id: intent.client_id.clone(),
                reason: "INVALID_POST_ONLY_ORDER: post-only order would cross the book".to_owned(),
            };
        }
        let queue_ahead = book
            .map(|b| b.size_at(intent.side, intent.price))
            .unwrap_or_default();
        self.seq += 1;
        self.resting.push(SimOrder {
            client_id: intent.client_id.clone(),
            token: intent.token_id.clone(),
            side: intent.side,
            price: intent.price,
            remaining: intent.size,
            queue_ahead,
            seq: self.seq,
        });
        OrderEvent::Accepted {
            client_id: intent.client_id.clone(),
            hash: paper_hash(&intent.client_id),
        }
    }

    /// Why the exchange would refuse this order, in its words: off the
    /// tick, or more than the account has free.
    fn refusal(&self, intent: &OrderIntent) -> Option<String> {
        if let Some(tick) = self.tick(&intent.token_id) {
            if !(intent.price % tick).is_zero() {
                return Some(format!(
                    "order {} is invalid. Price ({}) breaks minimum tick size rule: {}",
                    intent.client_id,
                    intent.price.normalize(),
                    tick.normalize()
                ));
            }
        }
        let committed = |side: Side| -> Decimal {
            self.resting
                .iter()
                .filter(|o| o.side == side && (side == Side::Buy || o.token == intent.token_id))
                .map(|o| match side {
                    Side::Buy => o.remaining * o.price,
                    Side::Sell => o.remaining,
                })
                .sum()
        };
        let short = match intent.side {
            Side::Buy => committed(Side::Buy) + intent.price * intent.size > self.collateral,
            Side::Sell => {
                let held = self
                    .shares
                    .get(&intent.token_id)
                    .copied()
                    .unwrap_or_default();
                committed(Side::Sell) + intent.size > held
            },
        };
        short.then(|| "not enough balance / allowance".to_owned())
    }

    fn fill(&mut self, index: usize, size: Decimal, ts_ms: i64, out: &mut Vec<PaperEvent>) {
        let price = self.resting[index].price;
        let fee = self.fee(price, size);
        self.trades += 1;
        let (token, side) = (self.resting[index].token.clone(), self.resting[index].side);
        let shares = self.shares.entry(token).or_default();
        match side {
            Side::Buy => {
                self.collateral -= price * size + fee;
                *shares += size;
            },
            Side::Sell => {
                self.collateral += price * size - fee;
                *shares -= size;
            },
        }
        let order = &mut self.resting[index];
        order.remaining -= size;
        out.push(PaperEvent::Fill(PaperFill {
            client_id: order.client_id.clone(),
            trade_id: format!("paper-{:08}", self.trades),
            token: order.token.clone(),
            side: order.side,
            price,
            size,
            fee,
            ts_ms,
        }));
    }

    /// Indices of resting orders on `token`/`side` in price-time priority.
    fn priority(&self, token: &TokenId, side: Side) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.resting.len())
            .filter(|&i| &self.resting[i].token == token && self.resting[i].side == side)
            .collect();
        idx.sort_by(|&a, &b| {
            let (oa, ob) = (&self.resting[a], &self.resting[b]);
            let by_price = match side {
                Side::Buy => ob.price.cmp(&oa.price),
                Side::Sell => oa.price.cmp(&ob.price),
            };
            by_price.then(oa.seq.cmp(&ob.seq))
        });
        idx
    }

    /// Applies a market event at event time `now_ms` (after what arrives by
    /// then); returns what it causes.
    pub fn on_market(&mut self, event: &MarketEvent, now_ms: i64) -> Vec<PaperEvent> {
        let mut out = self.advance(now_ms);
        let ts = event.ts_ms();
        for map in [&mut self.unexplained_shrink, &mut self.unexplained_trade] {
            map.retain(|_, (_, at)| (ts - *at).abs() <= EXPLAIN_MS);
        }
        // The size at a changed level before the change (for shrinks).
        let before = match event {
            MarketEvent::PriceChange {
                token, side, level, ..
            } => self
                .books
                .get(token)
                .map(|b| b.size_at(*side, level.price))
                .unwrap_or_default(),
            _ => Decimal::ZERO,
        };
        self.books.apply(event);
        match event {
            MarketEvent::Trade {
                token,
                price,
                size,
                taker_side,
                ts_ms,
            } => {
                // A taker sell hits bids; a taker buy lifts asks.
                let maker_side = taker_side.opposite();
                let key = (token.clone(), maker_side, *price);
                // What a shrink of this level already showed moved our queue
                // then; the rest may be shown by a shrink still to come.
                let mut explained =
                    take_unexplained(&mut self.unexplained_shrink, &key, *size, *ts_ms);
                add_unexplained(&mut self.unexplained_trade, key, *size - explained, *ts_ms);
                let mut available = *size;
                for i in self.priority(token, maker_side) {
                    if available <= Decimal::ZERO {
                        break;
                    }
                    let o = &self.resting[i];
                    let through = match maker_side {
                        Side::Buy => o.price >= *price,
                        Side::Sell => o.price <= *price,
                    };
                    if !through {
                        break;
                    }
                    if o.price == *price {
                        let shown = explained.min(available);
                        explained -= shown;
                        available -= shown;
                        let ahead = self.resting[i].queue_ahead.min(available);
                        self.resting[i].queue_ahead -= ahead;
                        available -= ahead;
                    }
                    let take = self.resting[i].remaining.min(available);
                    if take > Decimal::ZERO {
                        available -= take;
                        self.fill(i, take, *ts_ms, &mut out);
                    }
                }
                // A taker on the other outcome trades with our same-side
                // orders there at the complementary price (mint or merge).
                self.match_complement(token, *taker_side, *price, *size, *ts_ms, &mut out);
            },
            MarketEvent::PriceChange {
                token,
                side,
                level,
                ts_ms,
            } => {
                // Size shrinking at our level shortens the queue ahead of us.
                // A trade already seen there explains (part of) the shrink;
                // what it does not, a trade still to come may, and must not
                // move the queue again.
                let key = (token.clone(), *side, level.price);
                let shrink = (before - level.size).max(Decimal::ZERO);
                let traded = take_unexplained(&mut self.unexplained_trade, &key, shrink, *ts_ms);
                let mut moved = false;
                for o in self
                    .resting
                    .iter_mut()
                    .filter(|o| &o.token == token && o.side == *side && o.price == level.price)
                {
                    moved |= o.queue_ahead > level.size;
                    o.queue_ahead = o.queue_ahead.min(level.size);
                }
                if moved {
                    add_unexplained(&mut self.unexplained_shrink, key, shrink - traded, *ts_ms);
                }
                // The opposite side arriving at our price trades with us.
                let maker_side = side.opposite();
                let mut available = level.size;
                for i in self.priority(token, maker_side) {
                    let o = &self.resting[i];
                    let crossed = match maker_side {
                        Side::Buy => level.price <= o.price,
                        Side::Sell => level.price >= o.price,
                    };
                    if !crossed || available <= Decimal::ZERO {
                        break;
                    }
                    let take = o.remaining.min(available);
                    available -= take;
                    self.fill(i, take, *ts_ms, &mut out);
                }
                // A level of the other outcome's book at or through our
                // complementary price trades with us too.
                if level.size > Decimal::ZERO {
                    self.match_complement(token, *side, level.price, level.size, *ts_ms, &mut out);
                }
            },
            MarketEvent::Book { token, .. } => {
                // A new snapshot: earlier shrinks and trades are history.
                self.unexplained_shrink.retain(|(t, _, _), _| t != token);
                self.unexplained_trade.retain(|(t, _, _), _| t != token);
            },
            MarketEvent::Resolved { token, .. } => {
                // The exchange cancels what rests on a resolved market.
                let gone: Vec<ClientOrderId> = self
                    .resting
                    .iter()
                    .filter(|o| &o.token == token)
                    .map(|o| o.client_id.clone())
                    .collect();
                self.resting.retain(|o| &o.token != token);
                out.extend(
                    gone.into_iter()
                        .map(|client_id| PaperEvent::Answer(OrderEvent::Cancelled { client_id })),
                );
            },
            MarketEvent::TickSize { .. } => {},
        }
        self.resting.retain(|o| o.remaining > Decimal::ZERO);
        // Each level where ours filled is published again, after the fills.
        let mut changed: Vec<(TokenId, Side, Decimal)> = Vec::new();
        for e in &out {
            if let PaperEvent::Fill(f) = e {
                let level = (f.token.clone(), f.side, f.price);
                if !changed.contains(&level) {
                    changed.push(level);
                }
            }
        }
        for (token, side, price) in changed {
            out.push(self.published_level(&token, side, price, ts));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rust_decimal_macros::dec;

    use super::*;
    use crate::market_data::Level;

    fn intent(id: &str, side: Side, price: Decimal, size: Decimal) -> OrderIntent {
        OrderIntent {
            client_id: id.into(),
            token_id: "1".into(),
            side,
            price,
            size,
            tick_size: dec!(0.01),
            created_ms: 0,
        }
    }

    fn config(post_ms: u64, cancel_ms: u64) -> PaperConfig {
        PaperConfig {
            fee_rate: dec!(0.02),
            fee_exponent: 2,
            fee_taker_only: false,
            post_latency: Duration::from_millis(post_ms),
            cancel_latency: Duration::from_millis(cancel_ms),
            collateral: dec!(1000),
        }
    }

    fn exchange_with(config: PaperConfig) -> PaperExchange {
        let mut x = PaperExchange::new(config);
        x.on_market(
            &MarketEvent::Book {
                token: "1".into(),
                bids: vec![Level {
                    price: dec!(0.48),
                    size: dec!(30),
                }],
                asks: vec![Level {
                    price: dec!(0.52),
                    size: dec!(30),
                }],
                ts_ms: 0,
            },
            0,
        );
        x
    }

    fn exchange() -> PaperExchange {
        exchange_with(config(0, 0))
    }

    fn place(x: &mut PaperExchange, i: OrderIntent, now: i64) -> Vec<PaperEvent> {
        x.submit(&Command::Place(i), now)
    }

    fn cancel(x: &mut PaperExchange, id: &str, now: i64) -> Vec<PaperEvent> {
        x.submit(
            &Command::Cancel {
                client_id: id.into(),
                hash: None,
            },
            now,
        )
    }

    fn trade(price: Decimal, size: Decimal, taker: Side, ts_ms: i64) -> MarketEvent {
        MarketEvent::Trade {
            token: "1".into(),
            price,
            size,
            taker_side: taker,
            ts_ms,
        }
    }

    fn bid_level(price: Decimal, size: Decimal, ts_ms: i64) -> MarketEvent {
        MarketEvent::PriceChange {
            token: "1".into(),
            side: Side::Buy,
            level: Level { price, size },
            ts_ms,
        }
    }

    fn filled(events: &[PaperEvent]) -> Vec<(String, Decimal)> {
        events
            .iter()
            .filter_map(|e| match e {
                PaperEvent::Fill(f) => Some((f.client_id.to_string(), f.size)),
                PaperEvent::Answer(_) | PaperEvent::Published(_) => None,
            })
            .collect()
    }

    fn answers(events: &[PaperEvent]) -> Vec<&OrderEvent> {
        events
            .iter()
            .filter_map(|e| match e {
                PaperEvent::Answer(a) => Some(a),
                PaperEvent::Fill(_) | PaperEvent::Published(_) => None,
            })
            .collect()
    }

    #[test]
    fn crossing_post_only_orders_are_rejected() {
        let mut x = exchange();
        assert!(matches!(
            answers(&place(
                &mut x,
                intent("a", Side::Buy, dec!(0.52), dec!(1)),
                1
            ))[..],
            [OrderEvent::Rejected { .. }]
        ));
        assert!(matches!(
            answers(&place(
                &mut x,
                intent("b", Side::Sell, dec!(0.48), dec!(1)),
                1
            ))[..],
            [OrderEvent::Rejected { .. }]
        ));
        assert!(matches!(
            answers(&place(
                &mut x,
                intent("c", Side::Buy, dec!(0.48), dec!(1)),
                1
            ))[..],
            [OrderEvent::Accepted { .. }]
        ));
    }

    #[test]
    fn the_queue_ahead_trades_first_then_partial_fills() {
        let mut x = exchange();
        place(&mut x, intent("a", Side::Buy, dec!(0.48), dec!(10)), 1);
        // 30 were ahead of us at 0.48: a 25-share print only eats the queue.
        assert!(filled(&x.on_market(&trade(dec!(0.48), dec!(25), Side::Sell, 5), 5)).is_empty());
        // 5 more queue, then 4 of ours.
        assert_eq!(
            filled(&x.on_market(&trade(dec!(0.48), dec!(9), Side::Sell, 6), 6)),
            [("a".into(), dec!(4))]
        );
        // A print below our price fills the rest (we were better priced).
        let events = x.on_market(&trade(dec!(0.47), dec!(50), Side::Sell, 7), 7);
        assert_eq!(filled(&events), [("a".into(), dec!(6))]);
        match &events[0] {
            PaperEvent::Fill(f) => {
                assert_eq!(f.price, dec!(0.48));
                // 6 × 0.02 × (0.48 × 0.52)² = 0.12 × 0.06230016
                assert_eq!(f.fee, dec!(0.007476), "the market's model, maker side");
                assert_eq!((f.token.as_str(), f.side), ("1", Side::Buy));
            },
            other => panic!("{other:?}"),
        }
        assert_eq!(x.resting(), 0);
    }

    #[test]
    fn a_trade_and_the_shrink_it_caused_count_once_in_either_order() {
        // 30 ahead of our 10 at 0.48; a taker sells 25 there. The exchange
        // sends the trade and the level's shrink (30 → 5) in either order;
        // both ways we stay unfilled with 5 ahead, and the next 5 + 4 fill 4.
        for shrink_first in [false, true] {
            let mut x = exchange();
            place(&mut x, intent("a", Side::Buy, dec!(0.48), dec!(10)), 1);
            let shrink = bid_level(dec!(0.48), dec!(5), 5);
            let print = trade(dec!(0.48), dec!(25), Side::Sell, 5);
            let (first, second) = if shrink_first {
                (shrink, print)
            } else {
                (print, shrink)
            };
            assert!(filled(&x.on_market(&first, 5)).is_empty(), "{shrink_first}");
            assert!(
                filled(&x.on_market(&second, 5)).is_empty(),
                "the same 25 shares moved the queue once (shrink first: {shrink_first})"
            );
            assert_eq!(
                filled(&x.on_market(&trade(dec!(0.48), dec!(9), Side::Sell, 6), 6)),
                [("a".into(), dec!(4))],
                "shrink first: {shrink_first}"
            );
        }
    }

    #[test]
    fn a_shrink_no_trade_explains_is_forgotten_after_a_while() {
        let mut x = exchange();
        place(&mut x, intent("a", Side::Buy, dec!(0.48), dec!(10)), 1);
        // Cancellations ahead of us: 30 → 0 with no trade.
        x.on_market(&bid_level(dec!(0.48), dec!(0), 5), 5);
        // Much later a trade at our price fills us in full.
        assert_eq!(
            filled(&x.on_market(&trade(dec!(0.48), dec!(10), Side::Sell, 9_000), 9_000)),
            [("a".into(), dec!(10))]
        );
    }

    #[test]
    fn price_time_priority_and_book_crossing() {
        let mut x = exchange();
        place(&mut x, intent("low", Side::Buy, dec!(0.47), dec!(5)), 1);
        place(&mut x, intent("high", Side::Buy, dec!(0.49), dec!(5)), 1);
        // An ask arriving at 0.47 trades with the better bid first.
        let events = x.on_market(
            &MarketEvent::PriceChange {
                token: "1".into(),
                side: Side::Sell,
                level: Level {
                    price: dec!(0.47),
                    size: dec!(7),
                },
                ts_ms: 9,
            },
            9,
        );
        assert_eq!(
            filled(&events),
            [("high".into(), dec!(5)), ("low".into(), dec!(2))]
        );
        assert_eq!(
            answers(&cancel(&mut x, "low", 10)),
            [&OrderEvent::Cancelled {
                client_id: "low".into()
            }]
        );
        assert_eq!(x.resting(), 0);
    }

    #[test]
    fn with_latency_a_stale_quote_is_picked_off_before_its_cancel_lands() {
        let mut x = exchange_with(config(50, 100));
        assert!(
            place(&mut x, intent("a", Side::Buy, dec!(0.48), dec!(5)), 0).is_empty(),
            "on its way"
        );
        // Not on the book yet: a print at 0.47 at t=10 does not touch it.
        assert!(filled(&x.on_market(&trade(dec!(0.47), dec!(40), Side::Sell, 10), 10)).is_empty());
        // It lands at t=50 (answered then), before the event at t=60.
        let events = x.on_market(&bid_level(dec!(0.46), dec!(10), 60), 60);
        assert!(matches!(
            answers(&events)[..],
            [OrderEvent::Accepted { .. }]
        ));
        // The market falls; the quote is cancelled at t=70, but the cancel
        // takes effect at t=170: a taker selling through 0.48 at t=120 fills it.
        assert!(cancel(&mut x, "a", 70).is_empty());
        let events = x.on_market(&trade(dec!(0.45), dec!(50), Side::Sell, 120), 120);
        assert_eq!(filled(&events), [("a".into(), dec!(5))], "picked off");
        let events = x.advance(170);
        assert_eq!(
            answers(&events),
            [&OrderEvent::Cancelled {
                client_id: "a".into()
            }],
            "the cancel lands on an order already gone: it is over"
        );
    }

    #[test]
    fn a_cancel_before_the_post_is_answered_goes_after_it() {
        let mut x = exchange_with(config(50, 20));
        place(&mut x, intent("a", Side::Buy, dec!(0.48), dec!(5)), 0);
        assert!(cancel(&mut x, "a", 10).is_empty());
        let events = x.advance(60);
        assert!(matches!(
            answers(&events)[..],
            [OrderEvent::Accepted { .. }]
        ));
        assert_eq!(x.resting(), 1, "it rests until its cancel lands at 70");
        let events = x.advance(70);
        assert!(matches!(
            answers(&events)[..],
            [OrderEvent::Cancelled { .. }]
        ));
        assert_eq!((x.resting(), x.in_flight()), (0, 0));
    }

    #[test]
    fn a_resolved_market_cancels_what_rests_there() {
        let mut x = exchange();
        place(&mut x, intent("a", Side::Buy, dec!(0.48), dec!(5)), 1);
        let events = x.on_market(
            &MarketEvent::Resolved {
                token: "1".into(),
                winner: true,
                ts_ms: 2,
            },
            2,
        );
        assert_eq!(
            answers(&events),
            [&OrderEvent::Cancelled {
                client_id: "a".into()
            }]
        );
        assert_eq!(x.resting(), 0);
    }

    #[test]
    fn the_paper_exchange_refuses_what_the_account_cannot_pay_and_off_tick_prices() {
        let mut x = exchange_with(PaperConfig {
            collateral: dec!(3),
            ..config(0, 0)
        });
        // 5 at 0.48 costs 2.40 of the 3: taken; another 5 would be 4.80.
        assert!(matches!(
            answers(&place(
                &mut x,
                intent("a", Side::Buy, dec!(0.48), dec!(5)),
                1
            ))[..],
            [OrderEvent::Accepted { .. }]
        ));
        assert!(matches!(
            answers(&place(&mut x, intent("b", Side::Buy, dec!(0.47), dec!(5)), 1))[..],
            [OrderEvent::Rejected { reason, .. }] if reason == "not enough balance / allowance"
        ));
        // No shares: no ask.
        assert!(matches!(
            answers(&place(
                &mut x,
                intent("c", Side::Sell, dec!(0.55), dec!(1)),
                1
            ))[..],
            [OrderEvent::Rejected { .. }]
        ));
        // The tick becomes 0.01 by the market data: 0.475 is off it.
        x.on_market(
            &MarketEvent::TickSize {
                token: "1".into(),
                tick: dec!(0.01),
                ts_ms: 2,
            },
            2,
        );
        let events = place(&mut x, intent("d", Side::Buy, dec!(0.475), dec!(1)), 3);
        assert!(
            matches!(
                answers(&events)[..],
                [OrderEvent::Rejected { reason, .. }] if reason.contains("breaks minimum tick size rule: 0.01")
            ),
            "{events:?}"
        );
        // A fill moves the account: 5 shares held, 2.40 spent and the
        // maker fee of this config (5 × 0.02 × (0.48 × 0.52)² = 0.00623).
        x.on_market(&trade(dec!(0.45), dec!(100), Side::Sell, 4), 4);
        let funds = x.funds();
        assert_eq!(funds.collateral, Some(dec!(0.59377)));
        assert_eq!(funds.shares[&TokenId::from("1")], (dec!(5), true));
    }

    #[test]
    fn the_published_book_holds_our_resting_orders() {
        let mut x = exchange();
        let events = place(&mut x, intent("a", Side::Buy, dec!(0.48), dec!(10)), 1);
        assert!(
            events.contains(&PaperEvent::Published(MarketEvent::PriceChange {
                token: "1".into(),
                side: Side::Buy,
                level: Level {
                    price: dec!(0.48),
                    size: dec!(40)
                },
                ts_ms: 1,
            })),
            "30 of the market's and our 10: {events:?}"
        );
        // A market change at our level is published with ours in it.
        let shown = x.publish(&bid_level(dec!(0.48), dec!(20), 2));
        assert!(matches!(
            shown,
            MarketEvent::PriceChange { level, .. } if level.size == dec!(30)
        ));
        let events = cancel(&mut x, "a", 3);
        assert!(
            events.contains(&PaperEvent::Published(MarketEvent::PriceChange {
                token: "1".into(),
                side: Side::Buy,
                level: Level {
                    price: dec!(0.48),
                    size: dec!(30)
                },
                ts_ms: 3,
            }))
        );
    }

    #[test]
    fn the_two_outcomes_of_a_market_match_across_each_other() {
        let mut x = exchange();
        x.set_complements(&[("1".into(), "2".into())]);
        // The other outcome ("2"): bids at 0.50, asks at 0.56.
        x.on_market(
            &MarketEvent::Book {
                token: "2".into(),
                bids: vec![Level {
                    price: dec!(0.50),
                    size: dec!(20),
                }],
                asks: vec![Level {
                    price: dec!(0.56),
                    size: dec!(20),
                }],
                ts_ms: 0,
            },
            0,
        );
        // A bid for "1" at 0.50 would mint with its bid at 0.50 (sum 1): it crosses.
        assert!(matches!(
            answers(&place(
                &mut x,
                intent("a", Side::Buy, dec!(0.50), dec!(5)),
                1
            ))[..],
            [OrderEvent::Rejected { .. }]
        ));
        // At 0.49 it rests; then a bid for "2" at 0.52 arrives: 0.49 + 0.52 ≥ 1.
        assert!(matches!(
            answers(&place(
                &mut x,
                intent("b", Side::Buy, dec!(0.49), dec!(5)),
                1
            ))[..],
            [OrderEvent::Accepted { .. }]
        ));
        let events = x.on_market(
            &MarketEvent::PriceChange {
                token: "2".into(),
                side: Side::Buy,
                level: Level {
                    price: dec!(0.52),
                    size: dec!(3),
                },
                ts_ms: 2,
            },
            2,
        );
        assert_eq!(filled(&events), [("b".into(), dec!(3))]);
        // A taker buying "2" at 0.51 takes the rest (0.49 + 0.51 = 1).
        let events = x.on_market(
            &MarketEvent::Trade {
                token: "2".into(),
                price: dec!(0.51),
                size: dec!(10),
                taker_side: Side::Buy,
                ts_ms: 3,
            },
            3,
        );
        assert_eq!(filled(&events), [("b".into(), dec!(2))]);
        assert_eq!(x.resting(), 0);
    }

    #[test]
    fn paper_hashes_are_stable() {
        assert_eq!(paper_hash(&"a".into()), paper_hash(&"a".into()));
        assert_eq!(paper_hash(&"a".into()).as_str().len(), 66);
    }
}
