//! Synthetic recordings for training and testing the quoting policy, in the
//! market channel's real message shapes (`book`, `last_trade_price`), from a
//! seed:
//!
//! - **calm** stretches: a 2-tick market around a slowly wandering fair
//!   value, uninformed takers trading 10–30 shares at the touch, after which
//!   nothing moves: quotes at the touch (1 tick) earn the spread, wider ones
//!   are rarely reached;
//! - **toxic** stretches: a 4-tick market, informed takers sweeping 40–100
//!   shares 3 ticks deep just before the fair value jumps 5 ticks their way:
//!   quotes within 3 ticks are picked off, a 4-tick quote is not.
//!
//! The regime shows in the context (the book's spread, the trades' size and
//! the mid's movement). `Regimes::Alternating` switches every 60–120 s;
//! `Regimes::CalmOnly` is the single-regime control.

use rust_decimal::Decimal;
use serde_json::json;

use super::rng::Rng;
use crate::market_data::recording::RecordedMessage;

/// The token the synthetic market trades.
pub const TOKEN: &str =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";
const MARKET: &str = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1";

/// Which regimes a session has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regimes {
    /// Calm and toxic stretches, alternating.
    Alternating,
    /// Calm only (the control).
    CalmOnly,
}

/// A session of `minutes` from `seed`, starting at `start_ms`.
pub fn session(seed: u64, regimes: Regimes, minutes: u32, start_ms: i64) -> Vec<RecordedMessage> {
    let mut rng = Rng::new(seed);
    let end = start_ms + i64::from(minutes) * 60_000;
    let mut out = Vec::new();
    // Fair value in ticks (0.01).
    let mut fv: i64 = 40 + i64::try_from(rng.below(21)).unwrap_or(0);
    let mut now = start_ms;
    let mut toxic = regimes == Regimes::Alternating && rng.below(2) == 1;
    let mut regime_end = now + 60_000 + i64::try_from(rng.below(60_000)).unwrap_or(0);
    let mut next_book = now;
    let mut next_trade = now + 500;
    let mut next_wander = now + 2_000;
    let mut seq = 0u64;
    book(&mut out, &mut seq, now, fv, toxic, &mut rng);
    while now < end {
        now = next_book.min(next_trade).min(next_wander).min(regime_end);
        if now >= end {
            break;
        }
        if now == regime_end {
            if regimes == Regimes::Alternating {
                toxic = !toxic;
            }
            regime_end = now + 60_000 + i64::try_from(rng.below(60_000)).unwrap_or(0);
            book(&mut out, &mut seq, now, fv, toxic, &mut rng);
            next_book = now + 500;
        } else if now == next_wander {
            // The fair value wanders a little, back towards the middle.
            let r = rng.next_f64();
            if r < 0.15 {
                fv += if fv > 50 { -1 } else { 1 };
            } else if r < 0.25 {
                fv += if rng.below(2) == 0 { -1 } else { 1 };
            }
            fv = fv.clamp(20, 80);
            next_wander = now + 2_000 + i64::try_from(rng.below(2_000)).unwrap_or(0);
        } else if now == next_trade {
            let buy = rng.below(2) == 0;
            if toxic {
                // An informed sweep 3 ticks deep, then the jump.
                let size = 40 + rng.below(61);
                let price = if buy { fv + 3 } else { fv - 3 };
                trade(&mut out, now, price, size, buy);
                fv += if buy { 5 } else { -5 };
                fv = fv.clamp(20, 80);
                book(&mut out, &mut seq, now + 50, fv, toxic, &mut rng);
                next_book = now + 500;
                next_trade = now + 50 + rng.exponential(1_700.0) as i64;
            } else {
                let size = 10 + rng.below(21);
                let price = if buy { fv + 1 } else { fv - 1 };
                trade(&mut out, now, price, size, buy);
                next_trade = now + 1 + rng.exponential(1_000.0) as i64;
            }
        } else {
            book(&mut out, &mut seq, now, fv, toxic, &mut rng);
            next_book = now + 500;
        }
    }
    out.sort_by_key(|m| m.recv_ms);
    out
}

fn price(ticks: i64) -> String {
    Decimal::new(ticks, 2).to_string()
}

fn book(
    out: &mut Vec<RecordedMessage>,
    seq: &mut u64,
    at: i64,
    fv: i64,
    toxic: bool,
    rng: &mut Rng,
) {
    let half = if toxic { 2 } else { 1 };
    let touch = if toxic { 5 } else { 8 + rng.below(8) };
    let level = |d: i64, size: u64| json!({"price": price(d), "size": size.to_string()});
    let bids: Vec<_> = (0..4)
        .map(|i| {
            level(
                fv - half - i,
                if i == 0 { touch } else { 40 + rng.below(41) },
            )
        })
        .rev()
        .collect();
    let asks: Vec<_> = (0..4)
        .map(|i| {
            level(
                fv + half + i,
                if i == 0 { touch } else { 40 + rng.below(41) },
            )
        })
        .rev()
        .collect();
    *seq += 1;
    out.push(RecordedMessage {
        recv_ms: at,
        msg: json!({
            "event_type": "book",
            "asset_id": TOKEN,
            "market": MARKET,
            "bids": bids,
            "asks": asks,
            "timestamp": at.to_string(),
            "hash": format!("0x{:040x}", *seq),
        }),
    });
}

fn trade(out: &mut Vec<RecordedMessage>, at: i64, ticks: i64, size: u64, buy: bool) {
    out.push(RecordedMessage {
        recv_ms: at,
        msg: json!({
            "asset_id": TOKEN,
            "event_type": "last_trade_price",
            "fee_rate_bps": "0",
            "market": MARKET,
            "price": price(ticks),
            "side": if buy { "BUY" } else { "SELL" },
            "size": size.to_string(),
            "timestamp": at.to_string(),
        }),
    });
}

/// A session as the lines of a recording file.
pub fn to_jsonl(messages: &[RecordedMessage]) -> String {
    let mut s = String::new();
    for m in messages {
        s.push_str(&serde_json::to_string(m).expect("a message serializes"));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market_data::parse_message;

    #[test]
    fn sessions_are_real_messages_and_repeat_from_their_seed() {
        let a = session(3, Regimes::Alternating, 5, 1_764_000_000_000);
        assert_eq!(a, session(3, Regimes::Alternating, 5, 1_764_000_000_000));
        assert_ne!(a, session(4, Regimes::Alternating, 5, 1_764_000_000_000));
        let mut books = 0;
        let mut trades = 0;
        for m in &a {
            let events = parse_message(&m.msg).unwrap_or_else(|e| panic!("{e}: {}", m.msg));
            assert!(!events.is_empty(), "{}", m.msg);
            match m.msg["event_type"].as_str() {
                Some("book") => books += 1,
                Some("last_trade_price") => trades += 1,
                other => panic!("{other:?}"),
            }
        }
        assert!(
            books > 500 && trades > 100,
            "{books} books, {trades} trades"
        );
        assert!(a.windows(2).all(|w| w[0].recv_ms <= w[1].recv_ms));
        // The control never shows the toxic regime's 4-tick market.
        let calm = session(3, Regimes::CalmOnly, 5, 1_764_000_000_000);
        let spread = |m: &RecordedMessage| -> Option<f64> {
            let bid: f64 = m.msg["bids"][3]["price"].as_str()?.parse().ok()?;
            let ask: f64 = m.msg["asks"][3]["price"].as_str()?.parse().ok()?;
            Some(ask - bid)
        };
        assert!(calm
            .iter()
            .filter(|m| m.msg["event_type"] == "book")
            .all(|m| spread(m).is_some_and(|d| (d - 0.02).abs() < 1e-9)));
        assert!(a
            .iter()
            .filter(|m| m.msg["event_type"] == "book")
            .any(|m| spread(m).is_some_and(|d| (d - 0.04).abs() < 1e-9)));
    }
}
